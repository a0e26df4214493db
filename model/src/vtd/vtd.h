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
	struct iommu_refs *refs;
};

/* context.c: root entry -> scalable-mode context entry for sid. */
unsigned vtd_context_fetch(struct iommu *mmu, uint16_t sid, struct vtd_context_entry *ce,
			   struct vtd_walk_state *st);

/* pasid.c: PASID selection, directory and table walk, PASID entry checks. */
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
	bool ad; /* SSADE with ECAP.SLADS */
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

/* translate.c */
int vtd_translate(struct iommu *mmu, const struct iommu_req *req, struct iommu_resp *resp);

/* fault.c: primary fault logging. */
struct vtd_fault_info {
	uint16_t sid;
	bool pasid_present;
	uint32_t pasid;
	uint64_t addr;
	bool is_read;
	unsigned reason;
};
/* Records the fault unless fpd; returns true when a record was written. */
bool vtd_fault_record(struct iommu *mmu, const struct vtd_fault_info *f, bool fpd);
/* Software wrote 1 to F of record i. */
void vtd_fault_clear(struct iommu *mmu, unsigned i);

#endif
