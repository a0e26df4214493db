/*
 * Process-context walk: select the PASID, then PASID directory entry →
 * scalable-mode PASID table entry, with the entry's field checks.
 * Directory index = PASID[19:6], table index = PASID[5:0].
 */
#include "vtd.h"

static uint64_t above_haw(const struct iommu *mmu)
{
	return GENMASK64(63, mmu->cfg.haw); /* pointer fields span [63:12] */
}

/* Reserved bits of a PASID table entry (QW0..QW7). */
static bool pe_rsvd(const struct iommu *mmu, const struct vtd_pasid_entry *pe)
{
	const uint64_t qw1_defined = VTD_PE1_DID | BIT64(23) | BIT64(24); /* DID, PWSNP, PGSNP */
	unsigned pgtt = FIELD_GET64(VTD_PE0_PGTT, pe->qw[0]);

	if ((pe->qw[0] & VTD_PE0_RSVD) || (pe->qw[1] & ~qw1_defined) ||
	    (pe->qw[2] & GENMASK64(11, 6)))
		return true;
	for (int i = 3; i < 8; i++) {
		if (pe->qw[i])
			return true;
	}
	/* Table pointers the entry uses must lie below HAW (a nested
	 * first-level pointer is guest-physical and is checked when used). */
	if ((pgtt == VTD_PGTT_SL || pgtt == VTD_PGTT_NESTED) && (pe->qw[0] & above_haw(mmu)))
		return true;
	if (pgtt == VTD_PGTT_FL && (pe->qw[2] & above_haw(mmu)))
		return true;
	return false;
}

/* Programming errors that make the entry invalid for this hardware. */
static bool pe_invalid(const struct iommu *mmu, const struct vtd_pasid_entry *pe)
{
	const struct iommu_config *c = &mmu->cfg;
	unsigned pgtt = FIELD_GET64(VTD_PE0_PGTT, pe->qw[0]);
	unsigned aw = FIELD_GET64(VTD_PE0_AW, pe->qw[0]);
	unsigned flpm = FIELD_GET64(VTD_PE2_FLPM, pe->qw[2]);
	bool uses_sl = pgtt == VTD_PGTT_SL || pgtt == VTD_PGTT_NESTED;
	bool uses_fl = pgtt == VTD_PGTT_FL || pgtt == VTD_PGTT_NESTED;

	if (pgtt < VTD_PGTT_FL || pgtt > VTD_PGTT_PT)
		return true;
	if ((pgtt == VTD_PGTT_NESTED && !c->nested) || (pgtt == VTD_PGTT_PT && !c->pass_through))
		return true;
	if (uses_sl && (aw > 3 || !(c->sagaw & (1u << aw))))
		return true;
	if (uses_fl && (flpm > 1 || (flpm == 1 && !c->fl_5level)))
		return true;
	return false;
}

unsigned vtd_pasid_fetch(struct iommu *mmu, const struct iommu_req *req,
			 const struct vtd_context_entry *ce, uint32_t *pasid,
			 struct vtd_pasid_entry *pe, struct vtd_walk_state *st)
{
	unsigned pdts = FIELD_GET64(VTD_CE0_PDTS, ce->qw[0]);
	uint64_t pde, dir = ce->qw[0] & VTD_CE0_PDTP;
	struct cache *pc = iommu_cache(mmu, IOMMU_CACHE_PASID);
	const struct vtd_pasid_cached *hit;
	struct vtd_pasid_cached cached;
	struct cache_key key;

	/* 1. SPEC(VT-d context entry): request with PASID and PASIDE == 0 → 0x45 */
	if (req->pasid_valid && !(ce->qw[0] & VTD_CE0_PASIDE))
		return VTD_FR_CTX_PASIDE_CLEAR;
	/* 2. Requests without PASID use RID_PASID (ECAP.RPS), else PASID 0. */
	if (req->pasid_valid)
		*pasid = req->pasid;
	else
		*pasid = mmu->cfg.rid_pasid ? (uint32_t)FIELD_GET64(VTD_CE1_RID_PASID, ce->qw[1])
					    : 0;
	/* 3. SPEC(VT-d context entry): PASID[19:6] >= 2^(PDTS+7), or beyond
	 *    the PASID width the hardware supports → 0x46 */
	if ((*pasid >> 6) >= VTD_PDTS_ENTRIES(pdts) || (*pasid >> mmu->cfg.pasid_bits))
		return VTD_FR_PASID_TOO_LARGE;

	/* 4. The PASID cache, tagged by source ID and PASID (skipped after a
	 *    context entry from memory without lookup_after_fetch). */
	key = (struct cache_key){{req->sid, *pasid, 0}};
	hit = vtd_skip_lookup(mmu, st) ? NULL
				       : cache_lookup(pc, *pasid ^ ((uint64_t)req->sid << 4), &key);
	if (hit) {
		*pe = hit->pe;
		if (hit->pde_fpd || (pe->qw[0] & VTD_PE0_FPD))
			st->fpd = true;
		return 0;
	}

	/* 5. PASID directory entry. */
	if (iommu_mem_read64(&mmu->mem, dir + VTD_PASID_DIR_INDEX(*pasid) * 8, &pde))
		return VTD_FR_PDE_ACCESS; /* SPEC(VT-d PASID dir entry): fetch error → 0x50 */
	st->refs->pasid_dir++;
	if (!(pde & VTD_PDE_P))
		return VTD_FR_PDE_NOT_PRESENT; /* SPEC(VT-d PASID dir entry): P == 0 → 0x51 */
	if (pde & (VTD_PDE_RSVD | above_haw(mmu)))
		return VTD_FR_PDE_RSVD; /* SPEC(VT-d PASID dir entry): reserved → 0x52 */
	if (pde & VTD_PDE_FPD)
		st->fpd = true;

	/* 6. PASID table entry: 512 bits at PTP + PASID[5:0] * 64. */
	if (iommu_mem_read_qw(&mmu->mem, (pde & VTD_PDE_PTP) + VTD_PASID_TBL_INDEX(*pasid) * 64,
			      pe->qw, 8))
		return VTD_FR_PTE_ACCESS; /* SPEC(VT-d PASID entry): fetch error → 0x58 */
	st->refs->pasid_entry++;
	st->fetched = true;
	if (!(pe->qw[0] & VTD_PE0_P))
		return VTD_FR_PTE_NOT_PRESENT; /* SPEC(VT-d PASID entry): P == 0 → 0x59 */
	if (pe_rsvd(mmu, pe))
		return VTD_FR_PTE_RSVD; /* SPEC(VT-d PASID entry): reserved bits → 0x5A */
	if (pe->qw[0] & VTD_PE0_FPD)
		st->fpd = true;
	if (pe_invalid(mmu, pe))
		return VTD_FR_PTE_INVALID; /* SPEC(VT-d PASID entry): PGTT/AW/FLPM invalid → 0x5B */
	/* Only present, valid entries are cached. */
	cached.pe = *pe;
	cached.pde_fpd = pde & VTD_PDE_FPD;
	iommu_fill_defer(mmu, pc, *pasid ^ ((uint64_t)req->sid << 4), &key, &cached);
	return 0;
}
