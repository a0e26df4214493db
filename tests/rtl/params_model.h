/* The model's configuration by iommu_params_pkg names (params_model.c). */
#ifndef IOMMUSIM_PARAMS_MODEL_H
#define IOMMUSIM_PARAMS_MODEL_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

struct params_model;

/* The defaults with the --set/--config options of argv applied (plusargs
 * skipped); NULL with err on a bad option. */
struct params_model *params_model_create(int argc, char **argv, char *err, size_t errlen);
void params_model_destroy(struct params_model *m);
/* 0 and *val, or -1 for a name the package does not have. */
int params_model_get(const struct params_model *m, const char *name, uint64_t *val);

#ifdef __cplusplus
}
#endif

#endif
