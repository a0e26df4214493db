/*
 * First-level translation format: x86-64 IA-32e paging, 4 or 5 levels,
 * 4 KiB / 2 MiB / 1 GiB pages, as VT-d scalable mode uses it. Entry decode,
 * canonical-address check, request permission rules and A/D updates.
 */
#include "vtd.h"

static void fl_decode(const struct walk_fmt *fmt, uint64_t pte, unsigned level,
		      struct walk_entry *e)
{
	const struct vtd_fl_params *p = fmt->params;
	uint64_t rsvd = p->out_bits >= 52 ? 0 : GENMASK64(51, p->out_bits);
	uint64_t size = walk_level_size(level);

	e->present = pte & VTD_FL_P;
	e->leaf = level == 1 || ((pte & VTD_FL_PS) && level <= 3);
	/* SPEC(VT-d first-level): PS in a PML4E/PML5E is reserved; in a PDPTE
	 * it needs FL1GP; a large leaf's address bits below its size are reserved. */
	if (level >= 4 || (level == 3 && !p->fl_1g))
		rsvd |= VTD_FL_PS;
	if (e->leaf && level > 1)
		rsvd |= GENMASK64(VTD_LEVEL_SHIFT(level) - 1, 13);
	/* SPEC(VT-d first-level): XD is reserved unless NXE = 1. */
	if (!p->nxe)
		rsvd |= VTD_FL_XD;
	e->rsvd = (pte & rsvd) != 0;
	e->addr = pte & VTD_FL_ADDR & (e->leaf ? ~(size - 1) : ~0ull);
	e->perm = IOMMU_PERM_R;
	if (pte & VTD_FL_RW)
		e->perm |= IOMMU_PERM_W;
	if (pte & VTD_FL_US)
		e->perm |= IOMMU_PERM_U;
	if (!(p->nxe && (pte & VTD_FL_XD)))
		e->perm |= IOMMU_PERM_X;
}

void vtd_fl_format(struct walk_fmt *fmt, const struct vtd_fl_params *p, unsigned levels)
{
	*fmt = (struct walk_fmt){
		.levels = levels,
		.ref = IOMMU_REF_FL,
		.fr_access = VTD_FR_FL_ACCESS,
		.fr_access_top = VTD_FR_FL_ROOT_ACCESS,
		.fr_not_present = VTD_FR_FL_NOT_PRESENT,
		.fr_rsvd = VTD_FR_FL_RSVD,
		.decode = fl_decode,
		.params = p,
	};
}

void vtd_fl_use_pwc(struct iommu *mmu, struct walk_fmt *fmt, uint16_t did, uint32_t pasid)
{
	fmt->pwc_tag = did | (uint64_t)pasid << 16;
	for (unsigned l = 2; l <= fmt->levels; l++)
		fmt->pwc[l] = iommu_cache(mmu, (enum iommu_cache_id)(IOMMU_CACHE_FL_PWC2 + l - 2));
}

bool vtd_fl_canonical(uint64_t va, unsigned levels)
{
	unsigned bits = 12 + 9 * levels; /* 48 or 57 */
	uint64_t upper = va >> (bits - 1);

	return upper == 0 || upper == (~0ull >> (bits - 1));
}

unsigned vtd_fl_check(unsigned perm, const struct iommu_req *req, bool wpe)
{
	/* SPEC(VT-d first-level): user request, U/S = 0 at some level → 0x81 */
	if (!req->priv && !(perm & IOMMU_PERM_U))
		return VTD_FR_US_CLEAR;
	/* SPEC(VT-d first-level): write, R/W = 0 at some level → 0x85
	 * (a supervisor write is blocked only with WPE = 1) */
	if (req->access == IOMMU_ACC_WRITE && !(perm & IOMMU_PERM_W) && (!req->priv || wpe))
		return VTD_FR_NO_WRITE;
	/* SPEC(VT-d first-level): execute, XD = 1 at some level (NXE = 1) → 0x82 */
	if (req->access == IOMMU_ACC_EXEC && !(perm & IOMMU_PERM_X))
		return VTD_FR_NO_EXEC;
	return 0;
}

unsigned vtd_fl_update_ad(struct iommu *mmu, const struct walk_result *w, bool write, bool nested,
			  struct iommu_refs *refs)
{
	uint64_t val[IOMMU_MAX_LEVELS + 1];

	if (mmu->probe || mmu->quiet)
		return 0; /* a reference walk or lookup writes nothing */
	/* Decide every update first, so that a fault leaves memory untouched. */
	for (unsigned l = w->start_level; l >= w->leaf_level; l--) {
		val[l] = w->pte[l] | VTD_FL_A;
		if (l == w->leaf_level && write)
			val[l] |= VTD_FL_D;
		/* SPEC(VT-d nested): A/D write needs second-level write permission → 0x77 */
		if (val[l] != w->pte[l] && nested && !(w->table_perm[l] & IOMMU_PERM_W))
			return VTD_FR_FL_NESTED_WRITE;
	}
	for (unsigned l = w->start_level; l >= w->leaf_level; l--) {
		if (val[l] == w->pte[l])
			continue;
		if (iommu_mem_write64(&mmu->mem, w->pte_pa[l], val[l]))
			return VTD_FR_FL_ACCESS;
		refs->ad_writes++;
	}
	return 0;
}
