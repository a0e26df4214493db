/* VT-d scalable-mode internals shared by the files under src/vtd/. */
#ifndef IOMMU_VTD_H
#define IOMMU_VTD_H

#include <stdbool.h>
#include <stdint.h>

#include "iommu/iommu.h"
#include "iommu/vtd_tables.h"
#include "iommu_internal.h"
#include "walk.h"

/* Faults found after reading an entry whose FPD bit is set are not recorded. */
struct vtd_walk_state {
	bool fpd;
	bool fetched;  /* a context or PASID entry of this pass came from memory */
	bool no_cache; /* read the root and context entries from memory (page requests) */
	struct iommu_refs *refs;
};

/* Whether the PASID cache / IOTLB lookup is skipped: an entry above it came
 * from memory and the configuration has no lookup_after_fetch. */
static inline bool vtd_skip_lookup(const struct iommu *mmu, const struct vtd_walk_state *st)
{
	return st->fetched && !mmu->cfg.lookup_after_fetch;
}

/* --- Cache payloads (what each VT-d cache may hold) ---------------------- */

/* PASID cache: a PASID table entry, with the FPD of its directory entry. */
struct vtd_pasid_cached {
	struct vtd_pasid_entry pe;
	bool pde_fpd;
};

/* IOTLB: one translation (nested: the combined result). */
enum vtd_iotlb_class {
	VTD_IOTLB_SL = 0, /* second-level-only and pass-through (PGTT 2, 4) */
	VTD_IOTLB_FL = 1, /* first-level and nested (PGTT 1, 3) */
};
struct vtd_iotlb_entry {
	uint64_t page; /* host-physical page base */
	uint8_t perm;
	uint8_t level;   /* 1 = 4 KiB, 2 = 2 MiB, 3 = 1 GiB */
	uint8_t cls;     /* enum vtd_iotlb_class */
	bool dirty;      /* writes may use it without an A/D walk */
	bool global;     /* first-level G bit */
	uint8_t sl_perm; /* second-level permissions alone (all for first-level only) */
	uint64_t seq;    /* when filled (simulation bookkeeping for the oracle) */
};

/* Payload size of each cache of the instance. */
size_t vtd_cache_payload(enum iommu_cache_id id);

/* iotlb.c: tags are (DID, PASID, page number, page size). */
bool vtd_iotlb_lookup(struct iommu *mmu, uint16_t did, uint32_t pasid, uint64_t addr,
		      struct vtd_iotlb_entry *e);
void vtd_iotlb_fill(struct iommu *mmu, uint16_t did, uint32_t pasid, uint64_t addr,
		    const struct vtd_iotlb_entry *e);

/* context.c: root entry -> scalable-mode context entry for sid. */
unsigned vtd_context_fetch(struct iommu *mmu, uint16_t sid, struct vtd_context_entry *ce,
			   struct vtd_walk_state *st);

/* pasid.c: PASID selection, directory and table walk, PASID entry checks
 * (through the PASID cache, tagged by source ID and PASID). */
unsigned vtd_pasid_fetch(struct iommu *mmu, const struct iommu_req *req,
			 const struct vtd_context_entry *ce, uint32_t *pasid,
			 struct vtd_pasid_entry *pe, struct vtd_walk_state *st);

/* fl.c: first-level format. out_bits bounds the addresses entries may hold
 * (HAW, or the guest width when nested). */
struct vtd_fl_params {
	unsigned out_bits;
	bool nxe;
	bool fl_1g;
};
void vtd_fl_format(struct walk_fmt *fmt, const struct vtd_fl_params *p, unsigned levels);
/* Attach the first-level paging-structure caches, tagged (DID, PASID). */
void vtd_fl_use_pwc(struct iommu *mmu, struct walk_fmt *fmt, uint16_t did, uint32_t pasid);
bool vtd_fl_canonical(uint64_t va, unsigned levels);
/* Request permission check against the accumulated first-level permissions. */
unsigned vtd_fl_check(unsigned perm, const struct iommu_req *req, bool wpe);
/* Sets A in entries lacking it and D in the leaf for writes. */
unsigned vtd_fl_update_ad(struct iommu *mmu, const struct walk_result *w, bool write, bool nested,
			  struct iommu_refs *refs);

/* sl.c: second-level format and translate. */
struct vtd_sl_params {
	unsigned haw;
	bool ssee;
	bool sl_2m, sl_1g;
};
struct vtd_sl {
	struct vtd_sl_params p;
	unsigned levels;
	unsigned width; /* input address bits: min(MGAW, AW width) */
	uint64_t root;
	bool ad;      /* SSADE with ECAP.SLADS */
	uint16_t did; /* tags the second-level paging-structure caches */
	/* With lookup_after_fetch = 0: the walk looks up no paging-structure
	 * cache (pwc_fill_only), or uses none at all (no_pwc). */
	bool pwc_fill_only, no_pwc;
};
void vtd_sl_init(struct vtd_sl *sl, const struct iommu *mmu, const struct vtd_pasid_entry *pe);
/* Walks gpa through the second level, width check included (fault
 * fr_width when gpa >= 2^width). Permission checks are the caller's. */
unsigned vtd_sl_walk(struct iommu *mmu, const struct vtd_sl *sl, uint64_t gpa, unsigned fr_width,
		     struct iommu_refs *refs, struct walk_result *w);
/* Request permission check against second-level permissions. */
unsigned vtd_sl_check(unsigned perm, enum iommu_access acc);
/* With SSADE: sets A in every entry and D in the leaf for writes. */
unsigned vtd_sl_update_ad(struct iommu *mmu, const struct vtd_sl *sl, const struct walk_result *w,
			  bool write, struct iommu_refs *refs);

/* inval.c: what each invalidation clears. Granularities as encoded in the
 * descriptors. */
enum {
	VTD_INV_GLOBAL = 1, /* context-cache and IOTLB descriptors */
	VTD_INV_DOMAIN = 2,
	VTD_INV_DEVICE = 3, /* context-cache */
	VTD_INV_PAGE = 3,   /* IOTLB */
	VTD_PC_DOMAIN = 0,  /* PASID-cache */
	VTD_PC_PASID = 1,
	VTD_PC_GLOBAL = 3,
	VTD_PIOTLB_PASID = 2, /* P_IOTLB: all non-global of a PASID */
	VTD_PIOTLB_PAGE = 3,
};
void vtd_inv_context(struct iommu *mmu, unsigned gran, uint16_t sid, unsigned fm);
void vtd_inv_pasid_cache(struct iommu *mmu, unsigned gran, uint16_t did, uint32_t pasid);
void vtd_inv_iotlb(struct iommu *mmu, unsigned gran, uint16_t did, uint64_t addr, unsigned am,
		   bool ih);
void vtd_inv_piotlb(struct iommu *mmu, unsigned gran, uint16_t did, uint32_t pasid, uint64_t addr,
		    unsigned am, bool ih);

/* qi.c: the invalidation queue. Runs the queue from IQH to IQT (with a
 * timing engine: only checks the tail); called when software writes IQT,
 * enables QIE or clears IQE/ITE. */
void vtd_qi_run(struct iommu *mmu);

/* Completes an invalidation wait: status write (SW), ICS.IWC (IF), the
 * wait statistics and observers. */
void vtd_qi_wait_complete(struct iommu *mmu, const uint64_t qw[4]);

/* prq.c: page request queue registers, page group responses, drains. */
void vtd_prq_reset(struct iommu *mmu);
void vtd_prq_fini(struct iommu *mmu);
/* Handles a 32-bit write to a page-request register; false for other
 * offsets. */
bool vtd_prq_reg_write32(struct iommu *mmu, uint32_t off, uint32_t val);
/* A page group response descriptor (fields already checked). */
void vtd_prq_response(struct iommu *mmu, const uint64_t qw[4]);
/* An invalidation wait executes: its page-request drain (PD). */
void vtd_prq_wait(struct iommu *mmu, const uint64_t qw[4]);

/* translate.c */
int vtd_translate(struct iommu *mmu, const struct iommu_req *req, struct iommu_resp *resp);

/* fault.c: primary fault logging. */
/* struct vtd_fault_info: iommu_internal.h (the timing engine holds one). */
/* Records the fault unless fpd; returns true when a record was written. */
bool vtd_fault_record(struct iommu *mmu, const struct vtd_fault_info *f, bool fpd);
/* Software wrote 1 to F of record i. */
void vtd_fault_clear(struct iommu *mmu, unsigned i);

#endif
