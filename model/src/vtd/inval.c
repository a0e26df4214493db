/*
 * What each VT-d invalidation clears from the caches. One function per
 * descriptor family; the queue (qi.c) decodes descriptors into these calls.
 * Where the specification lets hardware invalidate more than asked (for
 * example domain-selective context-cache invalidation in scalable mode,
 * whose context entries carry no DID), the choice is said at the function.
 */
#include "vtd.h"

size_t vtd_cache_payload(enum iommu_cache_id id)
{
	switch (id) {
	case IOMMU_CACHE_CONTEXT: return sizeof(struct vtd_context_entry);
	case IOMMU_CACHE_PASID: return sizeof(struct vtd_pasid_cached);
	case IOMMU_CACHE_IOTLB: return sizeof(struct vtd_iotlb_entry);
	default: return sizeof(struct walk_pwc_entry);
	}
}

/* Selection handed to the matchers. */
struct inv_sel {
	uint16_t did, sid, sid_mask;
	uint32_t pasid;
	bool by_did, by_pasid, by_range, keep_global;
	int cls;         /* -1: any IOTLB class */
	uint64_t lo, hi; /* inclusive */
};

static bool range_hit(const struct inv_sel *s, uint64_t page_no, unsigned shift)
{
	uint64_t lo = page_no << shift, hi = lo + ((1ull << shift) - 1);

	return !s->by_range || (lo <= s->hi && s->lo <= hi);
}

static bool key_did_pasid(const struct inv_sel *s, uint64_t w0)
{
	if (s->by_did && (uint16_t)w0 != s->did)
		return false;
	return !s->by_pasid || (uint32_t)(w0 >> 16) == s->pasid;
}

static bool match_iotlb(const struct cache_key *k, const void *payload, const void *arg)
{
	const struct vtd_iotlb_entry *e = payload;
	const struct inv_sel *s = arg;

	if (s->cls >= 0 && e->cls != s->cls)
		return false;
	if (s->keep_global && e->global)
		return false;
	return key_did_pasid(s, k->w[0]) && range_hit(s, k->w[1], VTD_LEVEL_SHIFT(k->w[2]));
}

/* Paging-structure caches and the nested TLB: key (tag, page number, level). */
static bool match_walk(const struct cache_key *k, const void *payload, const void *arg)
{
	(void)payload;
	return key_did_pasid(arg, k->w[0]) && range_hit(arg, k->w[1], VTD_LEVEL_SHIFT(k->w[2]));
}

static void inv_range(struct inv_sel *s, uint64_t addr, unsigned am)
{
	uint64_t size = am >= 52 ? (1ull << 63) : (IOMMU_PAGE_SIZE << am);

	s->by_range = true;
	s->lo = addr & ~(size - 1);
	s->hi = s->lo + (size - 1);
}

static void inv_caches(struct iommu *mmu, enum iommu_cache_id first, enum iommu_cache_id last,
		       const struct inv_sel *s)
{
	for (int id = first; id <= (int)last; id++)
		cache_invalidate(iommu_cache(mmu, (enum iommu_cache_id)id), match_walk, s);
}

static bool match_context(const struct cache_key *k, const void *payload, const void *arg)
{
	const struct inv_sel *s = arg;

	(void)payload;
	return ((uint16_t)k->w[0] & s->sid_mask) == (s->sid & s->sid_mask);
}

void vtd_inv_context(struct iommu *mmu, unsigned gran, uint16_t sid, unsigned fm)
{
	/* Function mask FM: 1 masks SID bit 2, 2 bits 2:1, 3 bits 2:0. */
	struct inv_sel s = {.sid = sid, .sid_mask = 0xFFFF};

	if (gran == VTD_INV_DEVICE)
		s.sid_mask = (uint16_t) ~(((1u << fm) - 1) << (3 - fm));
	else
		s.sid_mask = 0; /* global; domain-selective too (SM context entries have no DID) */
	cache_invalidate(iommu_cache(mmu, IOMMU_CACHE_CONTEXT), match_context, &s);
}

static bool match_pasid(const struct cache_key *k, const void *payload, const void *arg)
{
	const struct vtd_pasid_cached *e = payload;
	const struct inv_sel *s = arg;

	if (s->by_did && FIELD_GET64(VTD_PE1_DID, e->pe.qw[1]) != s->did)
		return false;
	return !s->by_pasid || (uint32_t)k->w[1] == s->pasid;
}

void vtd_inv_pasid_cache(struct iommu *mmu, unsigned gran, uint16_t did, uint32_t pasid)
{
	struct inv_sel s = {.did = did, .pasid = pasid};

	s.by_did = gran == VTD_PC_DOMAIN || gran == VTD_PC_PASID;
	s.by_pasid = gran == VTD_PC_PASID;
	cache_invalidate(iommu_cache(mmu, IOMMU_CACHE_PASID), match_pasid, &s);
}

/*
 * IOTLB invalidation (descriptor 0x2): second-level-only and pass-through
 * translations, the second-level paging-structure caches, and every nested
 * (combined) translation of the domain, since those depend on its second
 * level. Nested IOTLB entries and first-level paging-structure entries are
 * tagged by guest address, which a second-level address cannot select, so a
 * page-selective request drops all of the domain's.
 */
void vtd_inv_iotlb(struct iommu *mmu, unsigned gran, uint16_t did, uint64_t addr, unsigned am,
		   bool ih)
{
	struct inv_sel s = {.did = did, .by_did = gran != VTD_INV_GLOBAL, .cls = -1};
	struct inv_sel fl = s;

	if (gran == VTD_INV_PAGE) {
		inv_range(&s, addr, am);
		s.cls = VTD_IOTLB_SL;
		fl.cls = VTD_IOTLB_FL;
		cache_invalidate(iommu_cache(mmu, IOMMU_CACHE_IOTLB), match_iotlb, &fl);
	}
	cache_invalidate(iommu_cache(mmu, IOMMU_CACHE_IOTLB), match_iotlb, &s);
	inv_caches(mmu, IOMMU_CACHE_FL_PWC2, IOMMU_CACHE_FL_PWC5, &fl);
	/* Second-level translations of nested table pages are leaf translations:
	 * IH does not keep them. */
	inv_caches(mmu, IOMMU_CACHE_NESTED_TLB, IOMMU_CACHE_NESTED_TLB, &s);
	/* SPEC(VT-d IOTLB inv): IH = 1 → paging-structure caches are kept. */
	if (!(gran == VTD_INV_PAGE && ih))
		inv_caches(mmu, IOMMU_CACHE_SL_PWC2, IOMMU_CACHE_SL_PWC5, &s);
}

/*
 * PASID-based IOTLB invalidation (descriptor 0x6): first-level and nested
 * translations of (DID, PASID), and the first-level paging-structure caches.
 * Granularity 2 keeps global translations; page-selective takes them too.
 */
void vtd_inv_piotlb(struct iommu *mmu, unsigned gran, uint16_t did, uint32_t pasid, uint64_t addr,
		    unsigned am, bool ih)
{
	struct inv_sel s = {
		.did = did,
		.pasid = pasid,
		.by_did = true,
		.by_pasid = true,
		.cls = VTD_IOTLB_FL,
	};

	if (gran == VTD_PIOTLB_PAGE)
		inv_range(&s, addr, am);
	else
		s.keep_global = true;
	cache_invalidate(iommu_cache(mmu, IOMMU_CACHE_IOTLB), match_iotlb, &s);
	s.keep_global = false;
	/* SPEC(VT-d P_IOTLB inv): IH = 1 → paging-structure caches are kept. */
	if (!(gran == VTD_PIOTLB_PAGE && ih))
		inv_caches(mmu, IOMMU_CACHE_FL_PWC2, IOMMU_CACHE_FL_PWC5, &s);
}
