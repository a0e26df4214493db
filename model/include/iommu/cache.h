/*
 * Cache geometry and statistics, shared by every cache the model has
 * (context cache, PASID cache, IOTLB, paging-structure caches, device TLB).
 */
#ifndef IOMMU_CACHE_H
#define IOMMU_CACHE_H

#include <stdint.h>

enum iommu_repl {
	IOMMU_REPL_LRU = 0,    /* least recently used */
	IOMMU_REPL_PLRU = 1,   /* tree pseudo-LRU (ways a power of two) */
	IOMMU_REPL_RANDOM = 2, /* seeded xorshift, deterministic */
};

struct iommu_cache_geom {
	unsigned sets; /* >= 1, a power of two */
	unsigned ways; /* 0 = disabled; sets = 1 is fully associative */
	enum iommu_repl repl;
};

struct iommu_cache_stats {
	uint64_t lookups, hits, misses, fills, evictions, invalidations;
};

/* 0 when the engine can build g, else -IOMMU_EINVAL; *why names the field. */
int iommu_cache_geom_check(const struct iommu_cache_geom *g, const char **why);

/* Name of a replacement policy ("lru", "plru", "random"). */
const char *iommu_repl_name(enum iommu_repl repl);

#endif
