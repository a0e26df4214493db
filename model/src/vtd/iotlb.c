/*
 * IOTLB: translations tagged (DID, PASID, page number, page size). One
 * entry per translation, nested results included (combined, with the
 * smaller page size of the two stages). A lookup probes each page size.
 */
#include "vtd.h"

static struct cache_key iotlb_key(uint16_t did, uint32_t pasid, uint64_t addr, unsigned level)
{
	struct cache_key k = {{did | (uint64_t)pasid << 16, addr >> VTD_LEVEL_SHIFT(level), level}};

	return k;
}

bool vtd_iotlb_lookup(struct iommu *mmu, uint16_t did, uint32_t pasid, uint64_t addr,
		      struct vtd_iotlb_entry *e)
{
	struct cache *c = iommu_cache(mmu, IOMMU_CACHE_IOTLB);

	for (unsigned level = 1; level <= 3; level++) {
		struct cache_key k = iotlb_key(did, pasid, addr, level);
		const struct vtd_iotlb_entry *hit = cache_find(c, k.w[1], &k);

		if (hit) {
			*e = *hit;
			cache_account(c, true);
			return true;
		}
	}
	cache_account(c, false);
	return false;
}

void vtd_iotlb_fill(struct iommu *mmu, uint16_t did, uint32_t pasid, uint64_t addr,
		    const struct vtd_iotlb_entry *e)
{
	struct cache_key k = iotlb_key(did, pasid, addr, e->level);

	iommu_fill_defer(mmu, iommu_cache(mmu, IOMMU_CACHE_IOTLB), k.w[1], &k, e);
}
