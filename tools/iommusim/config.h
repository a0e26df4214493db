/* Simulation configuration: INI file and --set overrides (docs/config.md). */
#ifndef IOMMUSIM_CONFIG_H
#define IOMMUSIM_CONFIG_H

#include <stddef.h>

#include "iommu/iommu.h"
#include "iommu/timing.h"
#include "iommu/vtd_builder.h"

#include "replay.h"

struct sim_config {
	struct iommu_config mmu;
	struct vtd_builder_config builder;
	struct iommu_tparams timing;
	struct driver_replay_params replay;
};

/* The documented defaults. */
void config_default(struct sim_config *c);
/* Applies an INI file over c: 0, or -1 with err "FILE:LINE: section.key: why". */
int config_load(struct sim_config *c, const char *path, char *err, size_t errlen);
/* The same over INI text (NUL-terminated) named name. */
int config_parse(struct sim_config *c, const char *name, const char *text, char *err,
		 size_t errlen);
/* Applies "section.key=value": 0, or -1 with err "--set ...: why". */
int config_set(struct sim_config *c, const char *assignment, char *err, size_t errlen);

#endif
