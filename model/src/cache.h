/*
 * Generic set-associative cache engine. Every cache in the model is an
 * instance with its own key layout (up to three 64-bit tag words), payload
 * size and geometry. The caller chooses the set from an index value (the
 * engine takes it modulo the number of sets); matching is on the whole key.
 */
#ifndef IOMMU_CACHE_ENGINE_H
#define IOMMU_CACHE_ENGINE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "iommu/cache.h"

struct cache_key {
	uint64_t w[3];
};

struct cache {
	struct iommu_cache_geom g;
	size_t payload;         /* bytes of data per line */
	struct cache_key *keys; /* sets * ways */
	uint8_t *valid;         /* sets * ways */
	uint64_t *stamp;        /* LRU: last use */
	uint64_t *plru;         /* PLRU: tree bits per set */
	uint8_t *data;          /* sets * ways * payload */
	uint64_t tick, rng;
	struct iommu_cache_stats st;
};

/* 0, or -IOMMU_EINVAL for a geometry the engine cannot build. */
int cache_geom_check(const struct iommu_cache_geom *g, const char **why);
int cache_init(struct cache *c, const struct iommu_cache_geom *g, size_t payload, uint64_t seed);
void cache_fini(struct cache *c);

/* The payload of the line matching key in the set of idx, or NULL. A hit
 * updates the replacement state; statistics are the caller's (cache_account),
 * so that one logical lookup probing several sets counts once. */
void *cache_find(struct cache *c, uint64_t idx, const struct cache_key *key);
void cache_account(struct cache *c, bool hit);
/* Find and account in one. */
void *cache_lookup(struct cache *c, uint64_t idx, const struct cache_key *key);

/* Inserts (or overwrites) key with payload, evicting a victim when the set
 * is full. No-op on a disabled cache. */
void cache_fill(struct cache *c, uint64_t idx, const struct cache_key *key, const void *payload);

typedef bool (*cache_match_fn)(const struct cache_key *key, const void *payload, const void *arg);
/* Drops every line for which match returns true; returns how many. */
unsigned cache_invalidate(struct cache *c, cache_match_fn match, const void *arg);
/* Drops every line. */
unsigned cache_flush(struct cache *c);

/* The line at (set, way), read-only: its payload (and *key) when valid,
 * else NULL (also for a set or way outside the geometry). */
const void *cache_line(const struct cache *c, unsigned set, unsigned way, struct cache_key *key);

/* Iterate valid lines (tests, dumps): fn is called with each key/payload. */
void cache_for_each(const struct cache *c,
		    void (*fn)(const struct cache_key *key, const void *payload, void *arg),
		    void *arg);

#endif
