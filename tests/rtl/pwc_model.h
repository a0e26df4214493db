/*
 * The model's paging-structure caches (model/src/walk.c, inval.c) behind a
 * small C interface, for the C++ testbench of rtl/iommu_pwc.sv: one IOMMU
 * instance of the default configuration with the family's geometry given.
 */
#ifndef IOMMUSIM_PWC_MODEL_H
#define IOMMUSIM_PWC_MODEL_H

#include <stdbool.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

struct pwc_model;

/* A line: the next table (host-physical), accumulated and table permissions. */
struct pwc_model_entry {
	uint64_t next;
	unsigned perm, tperm;
};

/* sl: the second-level family (else the first level). NULL when the
 * geometry is invalid or memory is short. */
struct pwc_model *pwc_model_create(bool sl, unsigned sets, unsigned ways, unsigned repl);
void pwc_model_destroy(struct pwc_model *m);
/* The seed of the family's level-2 cache (configuration seed + cache id). */
uint64_t pwc_model_seed(const struct pwc_model *m);
/* A walk's lookup: level 2 up to levels, the first hit; its level or 0. */
unsigned pwc_model_lookup(struct pwc_model *m, uint64_t tag, uint64_t va, unsigned levels,
			  struct pwc_model_entry *e);
/* Fills the line of va at level (2..5). */
void pwc_model_fill(struct pwc_model *m, uint64_t tag, uint64_t va, unsigned level,
		    const struct pwc_model_entry *e);
/* The IOTLB invalidation (descriptor 0x2) and the PASID-based one (0x6),
 * with their granularity (G / the PASID-based granularity), as the model
 * executes them. */
void pwc_model_inv_iotlb(struct pwc_model *m, unsigned gran, uint16_t did, uint64_t addr,
			 unsigned am, bool ih);
void pwc_model_inv_piotlb(struct pwc_model *m, unsigned gran, uint16_t did, uint32_t pasid,
			  uint64_t addr, unsigned am, bool ih);
/* Valid lines of the family (all levels). */
unsigned pwc_model_lines(const struct pwc_model *m);

#ifdef __cplusplus
}
#endif

#endif
