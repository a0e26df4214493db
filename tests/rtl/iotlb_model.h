/*
 * The model's IOTLB (model/src/vtd/iotlb.c, inval.c) behind a small C
 * interface, for the C++ testbench of rtl/iommu_iotlb.sv: one IOMMU instance
 * of the default configuration with the IOTLB geometry given.
 */
#ifndef IOMMUSIM_IOTLB_MODEL_H
#define IOMMUSIM_IOTLB_MODEL_H

#include <stdbool.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

struct iotlb_model;

/* One translation, as struct vtd_iotlb_entry holds it. */
struct iotlb_model_entry {
	uint64_t page; /* host-physical page base */
	unsigned perm, sl_perm, level, cls;
	bool dirty, global;
};

/* The IOTLB invalidations, numbered as the RTL's inv_kind_i. */
enum iotlb_model_inv {
	IOTLB_MODEL_INV_GLOBAL = 0,     /* IOTLB invalidation, global */
	IOTLB_MODEL_INV_DOMAIN = 1,     /* domain-selective */
	IOTLB_MODEL_INV_PAGE = 2,       /* page-selective (DID, ADDR, AM) */
	IOTLB_MODEL_INV_PASID = 3,      /* PASID-based, non-global of (DID, PASID) */
	IOTLB_MODEL_INV_PASID_PAGE = 4, /* PASID-based, page-selective */
};

/* NULL when the geometry is invalid or memory is short. */
struct iotlb_model *iotlb_model_create(unsigned sets, unsigned ways, unsigned repl);
void iotlb_model_destroy(struct iotlb_model *m);
/* The IOTLB's replacement seed (configuration seed + its cache id). */
uint64_t iotlb_model_seed(const struct iotlb_model *m);
/* Fills one translation; returns the way written (-1 on a disabled IOTLB)
 * and whether a line of another key was evicted. */
int iotlb_model_fill(struct iotlb_model *m, uint16_t did, uint32_t pasid, uint64_t addr,
		     const struct iotlb_model_entry *e, bool *evicted);
/* Looks up (4 KiB, 2 MiB, 1 GiB in turn); the way of the hit, or -1. */
int iotlb_model_lookup(struct iotlb_model *m, uint16_t did, uint32_t pasid, uint64_t addr,
		       struct iotlb_model_entry *e);
/* One invalidation; returns the IOTLB lines it dropped. */
unsigned iotlb_model_invalidate(struct iotlb_model *m, enum iotlb_model_inv kind, uint16_t did,
				uint32_t pasid, uint64_t addr, unsigned am);

#ifdef __cplusplus
}
#endif

#endif
