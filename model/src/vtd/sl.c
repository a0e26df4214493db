/*
 * Second-level translation format (VT-d): 3/4/5 levels from the PASID
 * entry's AW, R/W/X, 2 MiB / 1 GiB superpages as CAP.SLLPS allows, A/D with
 * SSADE. The second-level translate here also serves nested translation,
 * for every first-level table address and the final guest-physical address.
 */
#include "vtd.h"

static void sl_decode(const struct walk_fmt *fmt, uint64_t pte, unsigned level,
		      struct walk_entry *e)
{
	const struct vtd_sl_params *p = fmt->params;
	uint64_t rsvd = VTD_SL_SNP | (p->haw >= 52 ? 0 : GENMASK64(51, p->haw));
	uint64_t size = walk_level_size(level);

	/* SPEC(VT-d second-level): an entry is present when R or W is set. */
	e->present = (pte & (VTD_SL_R | VTD_SL_W)) != 0;
	e->leaf = level == 1 || ((pte & VTD_SL_PS) && level <= 3);
	/* SPEC(VT-d second-level): SNP reserved (ECAP.SC = 0); PS reserved at
	 * levels 4-5 and where SLLPS lacks the size; large-leaf low bits reserved. */
	if (level >= 4 || (level == 3 && !p->sl_1g) || (level == 2 && !p->sl_2m))
		rsvd |= VTD_SL_PS;
	if (e->leaf && level > 1)
		rsvd |= GENMASK64(VTD_LEVEL_SHIFT(level) - 1, 12);
	e->rsvd = (pte & rsvd) != 0;
	e->addr = pte & VTD_SL_ADDR & (e->leaf ? ~(size - 1) : ~0ull);
	e->perm = IOMMU_PERM_U;
	if (pte & VTD_SL_R)
		e->perm |= IOMMU_PERM_R;
	if (pte & VTD_SL_W)
		e->perm |= IOMMU_PERM_W;
	/* SPEC(VT-d second-level): X is honoured only with SSEE = 1. */
	if (!p->ssee || (pte & VTD_SL_X))
		e->perm |= IOMMU_PERM_X;
}

void vtd_sl_init(struct vtd_sl *sl, const struct iommu *mmu, const struct vtd_pasid_entry *pe)
{
	unsigned aw = FIELD_GET64(VTD_PE0_AW, pe->qw[0]);
	unsigned bits = VTD_AW_BITS(aw);

	sl->p.haw = mmu->cfg.haw;
	sl->p.ssee = pe->qw[0] & VTD_PE0_SSEE;
	sl->p.sl_2m = mmu->cfg.sl_2m;
	sl->p.sl_1g = mmu->cfg.sl_1g;
	sl->levels = VTD_AW_LEVELS(aw);
	sl->width = bits < mmu->cfg.mgaw ? bits : mmu->cfg.mgaw;
	sl->root = pe->qw[0] & VTD_PE0_SLPTPTR;
	sl->ad = mmu->cfg.sl_ad && (pe->qw[0] & VTD_PE0_SSADE);
	sl->did = (uint16_t)FIELD_GET64(VTD_PE1_DID, pe->qw[1]);
	sl->pwc_fill_only = false;
	sl->no_pwc = false;
}

unsigned vtd_sl_walk(struct iommu *mmu, const struct vtd_sl *sl, uint64_t gpa, unsigned fr_width,
		     struct iommu_refs *refs, struct walk_result *w)
{
	struct walk_fmt fmt = {
		.levels = sl->levels,
		.ref = IOMMU_REF_SL,
		.fr_access = VTD_FR_SL_ACCESS,
		.fr_access_top = VTD_FR_SL_ACCESS,
		.fr_not_present = VTD_FR_SL_PERM,
		.fr_rsvd = VTD_FR_SL_RSVD,
		.decode = sl_decode,
		.params = &sl->p,
		.pwc_tag = sl->did,
		.pwc_fill_only = sl->pwc_fill_only,
	};

	for (unsigned l = 2; l <= sl->levels && !sl->no_pwc; l++)
		fmt.pwc[l] = iommu_cache(mmu, (enum iommu_cache_id)(IOMMU_CACHE_SL_PWC2 + l - 2));

	/* SPEC(VT-d second-level): input at or above 2^min(MGAW, AW) → caller's reason */
	if (gpa >> sl->width)
		return fr_width;
	return walk_radix(mmu, &fmt, sl->root, gpa, refs, w);
}

unsigned vtd_sl_check(unsigned perm, enum iommu_access acc)
{
	/* SPEC(VT-d second-level): write and W = 0 at some level → 0x85 */
	if (acc == IOMMU_ACC_WRITE)
		return (perm & IOMMU_PERM_W) ? 0 : VTD_FR_NO_WRITE;
	/* SPEC(VT-d second-level): read/execute and R = 0 at some level → 0x86 */
	if (!(perm & IOMMU_PERM_R))
		return VTD_FR_NO_READ;
	/* SPEC(VT-d second-level): execute, SSEE = 1 and X = 0 → 0x82 (without
	 * SSEE the decode grants X on every entry) */
	if (acc == IOMMU_ACC_EXEC && !(perm & IOMMU_PERM_X))
		return VTD_FR_NO_EXEC;
	return 0;
}

unsigned vtd_sl_update_ad(struct iommu *mmu, const struct vtd_sl *sl, const struct walk_result *w,
			  bool write, struct iommu_refs *refs)
{
	if (!sl->ad || mmu->probe || mmu->quiet)
		return 0;
	for (unsigned l = w->start_level; l >= w->leaf_level; l--) {
		uint64_t val = w->pte[l] | VTD_SL_A;

		if (l == w->leaf_level && write)
			val |= VTD_SL_D;
		if (val == w->pte[l])
			continue;
		if (iommu_mem_write64(&mmu->mem, w->pte_pa[l], val))
			return VTD_FR_SL_ACCESS;
		refs->ad_writes++;
	}
	return 0;
}
