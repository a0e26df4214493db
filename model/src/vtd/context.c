/*
 * Device-context walk: RTADDR → root entry (by bus) → scalable-mode context
 * entry (by devfn, in the lower or upper half table). Steps follow the
 * scalable-mode root/context entry checks of the VT-d specification.
 */
#include "vtd.h"

static uint64_t above_haw(const struct iommu *mmu)
{
	return GENMASK64(63, mmu->cfg.haw); /* pointer fields span [63:12] */
}

unsigned vtd_context_fetch(struct iommu *mmu, uint16_t sid, struct vtd_context_entry *ce,
			   struct vtd_walk_state *st)
{
	uint64_t rta = mmu->root_active & VTD_RTADDR_RTA;
	unsigned bus = sid >> 8, devfn = sid & 0xFF;
	struct cache *cc = iommu_cache(mmu, IOMMU_CACHE_CONTEXT);
	struct cache_key key = {{sid, 0, 0}};
	const struct vtd_context_entry *hit = st->no_cache ? NULL : cache_lookup(cc, sid, &key);
	struct vtd_root_entry re;
	uint64_t half, ctp;
	unsigned fault;

	/* 0. The context cache holds present, well-formed entries only. */
	if (hit) {
		*ce = *hit;
		fault = 0;
		goto done;
	}

	/* 1. Root entry: 128 bits at RTA + bus * 16. */
	if (iommu_mem_read_qw(&mmu->mem, rta + bus * sizeof(re), &re.lo, 2))
		return VTD_FR_ROOT_ACCESS; /* SPEC(VT-d root entry): fetch error → 0x38 */
	st->refs->root++;
	half = devfn < 0x80 ? re.lo : re.hi;
	/* SPEC(VT-d root entry): LP/UP == 0 for the devfn's half → 0x39 */
	if (!(half & VTD_RE_P))
		return VTD_FR_ROOT_NOT_PRESENT;
	/* SPEC(VT-d root entry): bits [11:1] or pointer bits >= HAW set → 0x3A */
	if (half & (VTD_RE_RSVD | above_haw(mmu)))
		return VTD_FR_ROOT_RSVD;
	ctp = half & VTD_RE_CTP;

	/* 2. Context entry: 256 bits at CTP + (devfn & 0x7F) * 32. */
	if (iommu_mem_read_qw(&mmu->mem, ctp + (devfn & 0x7F) * sizeof(*ce), ce->qw, 4))
		return VTD_FR_CTX_ACCESS; /* SPEC(VT-d context entry): fetch error → 0x40 */
	st->refs->context++;
	st->fetched = true;
	/* SPEC(VT-d context entry): P == 0 → 0x41 */
	if (!(ce->qw[0] & VTD_CE0_P))
		return VTD_FR_CTX_NOT_PRESENT;
	/* SPEC(VT-d context entry): reserved bits or PASIDDIRPTR >= HAW → 0x42 */
	if ((ce->qw[0] & (VTD_CE0_RSVD | above_haw(mmu))) || (ce->qw[1] & VTD_CE1_RSVD) ||
	    ce->qw[2] || ce->qw[3])
		return VTD_FR_CTX_RSVD;
	if (!st->no_cache)
		iommu_fill_defer(mmu, cc, sid, &key, ce);
	fault = 0;
done:
	/* SPEC(VT-d context entry): FPD == 1 → later faults are not recorded. */
	if (ce->qw[0] & VTD_CE0_FPD)
		st->fpd = true;
	return fault;
}
