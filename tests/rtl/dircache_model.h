/*
 * The model's context cache and PASID cache (model/src/vtd/context.c,
 * pasid.c, inval.c) behind a small C interface for the C++ testbenches of
 * rtl/iommu_ctx_cache.sv and rtl/iommu_pasid_cache.sv: one IOMMU instance of
 * the default configuration with both geometries set as given. Fills and
 * lookups use the keys and set indices those files use; invalidations call
 * vtd_inv_context() and vtd_inv_pasid_cache().
 */
#ifndef IOMMUSIM_DIRCACHE_MODEL_H
#define IOMMUSIM_DIRCACHE_MODEL_H

#include <stdbool.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

struct dircache_model;

struct dircache_model *dircache_model_create(unsigned sets, unsigned ways, unsigned repl);
void dircache_model_destroy(struct dircache_model *m);

/* Context cache: the way written / hit (-1: miss or disabled). */
int dircache_ctx_fill(struct dircache_model *m, uint16_t sid, const uint64_t qw[4], bool *evicted);
int dircache_ctx_lookup(struct dircache_model *m, uint16_t sid, uint64_t qw[4]);
unsigned dircache_ctx_invalidate(struct dircache_model *m, unsigned gran, uint16_t sid,
				 unsigned fm);

/* PASID cache. */
int dircache_pasid_fill(struct dircache_model *m, uint16_t sid, uint32_t pasid,
			const uint64_t qw[8], bool pde_fpd, bool *evicted);
int dircache_pasid_lookup(struct dircache_model *m, uint16_t sid, uint32_t pasid, uint64_t qw[8],
			  bool *pde_fpd);
unsigned dircache_pasid_invalidate(struct dircache_model *m, unsigned gran, uint16_t did,
				   uint32_t pasid);

#ifdef __cplusplus
}
#endif

#endif
