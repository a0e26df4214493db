/*
 * Generic set-associative cache: sets x ways lines of (key, payload) with
 * LRU, tree-PLRU or seeded-random replacement. All state is in the
 * instance; replacement is deterministic for a given seed.
 */
#include "cache.h"

#include <stdlib.h>
#include <string.h>

#include "iommu/mem.h"

const char *iommu_repl_name(enum iommu_repl repl)
{
	switch (repl) {
	case IOMMU_REPL_LRU: return "lru";
	case IOMMU_REPL_PLRU: return "plru";
	case IOMMU_REPL_RANDOM: return "random";
	}
	return "unknown";
}

static bool is_pow2(unsigned v)
{
	return v && !(v & (v - 1));
}

int cache_geom_check(const struct iommu_cache_geom *g, const char **why)
{
	const char *w = NULL;

	if (!is_pow2(g->sets) || g->sets > (1u << 20))
		w = "sets: expected a power of two from 1 to 2^20";
	else if (g->ways > 64)
		w = "ways: expected 0 (disabled) to 64";
	else if (g->repl != IOMMU_REPL_LRU && g->repl != IOMMU_REPL_PLRU &&
		 g->repl != IOMMU_REPL_RANDOM)
		w = "replacement: expected lru, plru or random";
	else if (g->repl == IOMMU_REPL_PLRU && g->ways && !is_pow2(g->ways))
		w = "ways: tree-PLRU needs a power of two";
	if (why)
		*why = w;
	return w ? -IOMMU_EINVAL : 0;
}

int iommu_cache_geom_check(const struct iommu_cache_geom *g, const char **why)
{
	return cache_geom_check(g, why);
}

int cache_init(struct cache *c, const struct iommu_cache_geom *g, size_t payload, uint64_t seed)
{
	size_t lines = (size_t)g->sets * g->ways;

	memset(c, 0, sizeof(*c));
	if (cache_geom_check(g, NULL))
		return -IOMMU_EINVAL;
	c->g = *g;
	c->payload = payload;
	c->rng = seed ? seed : 0x9E3779B97F4A7C15ull;
	if (!lines)
		return 0;
	c->keys = calloc(lines, sizeof(*c->keys));
	c->valid = calloc(lines, 1);
	c->stamp = calloc(lines, sizeof(*c->stamp));
	c->plru = calloc(g->sets, sizeof(*c->plru));
	c->data = calloc(lines, payload ? payload : 1);
	if (!c->keys || !c->valid || !c->stamp || !c->plru || !c->data) {
		cache_fini(c);
		return -IOMMU_ENOMEM;
	}
	return 0;
}

void cache_fini(struct cache *c)
{
	free(c->keys);
	free(c->valid);
	free(c->stamp);
	free(c->plru);
	free(c->data);
	c->keys = NULL;
	c->valid = NULL;
	c->stamp = NULL;
	c->plru = NULL;
	c->data = NULL;
}

static size_t line_of(const struct cache *c, uint64_t idx, unsigned way)
{
	return (size_t)(idx & (c->g.sets - 1)) * c->g.ways + way;
}

static bool key_eq(const struct cache_key *a, const struct cache_key *b)
{
	return a->w[0] == b->w[0] && a->w[1] == b->w[1] && a->w[2] == b->w[2];
}

/* Tree-PLRU: ways-1 node bits; each node points (bit = 1) to the right
 * half as the next victim. Touching a way turns every node on its path
 * away from it. */
static void plru_touch(struct cache *c, size_t set, unsigned way)
{
	unsigned node = 1, lo = 0, span = c->g.ways;

	while (span > 1) {
		span /= 2;
		if (way < lo + span) {
			c->plru[set] |= 1ull << node; /* used left: victim right */
			node = 2 * node;
		} else {
			c->plru[set] &= ~(1ull << node);
			lo += span;
			node = 2 * node + 1;
		}
	}
}

static unsigned plru_victim(const struct cache *c, size_t set)
{
	unsigned node = 1, lo = 0, span = c->g.ways;

	while (span > 1) {
		span /= 2;
		if (c->plru[set] & (1ull << node)) {
			lo += span;
			node = 2 * node + 1;
		} else {
			node = 2 * node;
		}
	}
	return lo;
}

static void touch(struct cache *c, size_t set, unsigned way)
{
	c->stamp[set * c->g.ways + way] = ++c->tick;
	if (c->g.repl == IOMMU_REPL_PLRU)
		plru_touch(c, set, way);
}

void *cache_find(struct cache *c, uint64_t idx, const struct cache_key *key)
{
	size_t set = idx & (c->g.sets - 1);

	for (unsigned w = 0; w < c->g.ways; w++) {
		size_t l = line_of(c, idx, w);

		if (c->valid[l] && key_eq(&c->keys[l], key)) {
			touch(c, set, w);
			return c->data + l * c->payload;
		}
	}
	return NULL;
}

void cache_account(struct cache *c, bool hit)
{
	c->st.lookups++;
	if (hit)
		c->st.hits++;
	else
		c->st.misses++;
}

void *cache_lookup(struct cache *c, uint64_t idx, const struct cache_key *key)
{
	void *p = cache_find(c, idx, key);

	cache_account(c, p != NULL);
	return p;
}

static unsigned victim(struct cache *c, size_t set)
{
	unsigned v = 0;

	switch (c->g.repl) {
	case IOMMU_REPL_PLRU: return plru_victim(c, set);
	case IOMMU_REPL_RANDOM:
		c->rng ^= c->rng >> 12;
		c->rng ^= c->rng << 25;
		c->rng ^= c->rng >> 27;
		return (unsigned)((c->rng * 0x2545F4914F6CDD1Dull) >> 32) % c->g.ways;
	case IOMMU_REPL_LRU: break;
	}
	for (unsigned w = 1; w < c->g.ways; w++) {
		if (c->stamp[set * c->g.ways + w] < c->stamp[set * c->g.ways + v])
			v = w;
	}
	return v;
}

void cache_fill(struct cache *c, uint64_t idx, const struct cache_key *key, const void *payload)
{
	size_t set = idx & (c->g.sets - 1);
	unsigned way = c->g.ways;

	if (!c->g.ways)
		return;
	for (unsigned w = 0; w < c->g.ways && way == c->g.ways; w++) {
		if (c->valid[line_of(c, idx, w)] && key_eq(&c->keys[line_of(c, idx, w)], key))
			way = w;
	}
	for (unsigned w = 0; w < c->g.ways && way == c->g.ways; w++) {
		if (!c->valid[line_of(c, idx, w)])
			way = w;
	}
	if (way == c->g.ways) {
		way = victim(c, set);
		c->st.evictions++;
	}
	c->valid[line_of(c, idx, way)] = 1;
	c->keys[line_of(c, idx, way)] = *key;
	memcpy(c->data + line_of(c, idx, way) * c->payload, payload, c->payload);
	touch(c, set, way);
	c->st.fills++;
}

unsigned cache_invalidate(struct cache *c, cache_match_fn match, const void *arg)
{
	size_t lines = (size_t)c->g.sets * c->g.ways;
	unsigned n = 0;

	for (size_t l = 0; l < lines; l++) {
		if (c->valid[l] && match(&c->keys[l], c->data + l * c->payload, arg)) {
			c->valid[l] = 0;
			n++;
		}
	}
	c->st.invalidations += n;
	return n;
}

static bool match_all(const struct cache_key *key, const void *payload, const void *arg)
{
	(void)key;
	(void)payload;
	(void)arg;
	return true;
}

unsigned cache_flush(struct cache *c)
{
	return cache_invalidate(c, match_all, NULL);
}

void cache_for_each(const struct cache *c,
		    void (*fn)(const struct cache_key *key, const void *payload, void *arg),
		    void *arg)
{
	size_t lines = (size_t)c->g.sets * c->g.ways;

	for (size_t l = 0; l < lines; l++) {
		if (c->valid[l])
			fn(&c->keys[l], c->data + l * c->payload, arg);
	}
}

const void *cache_line(const struct cache *c, unsigned set, unsigned way, struct cache_key *key)
{
	size_t l;

	if (set >= c->g.sets || way >= c->g.ways)
		return NULL;
	l = line_of(c, set, way);
	if (!c->valid[l])
		return NULL;
	*key = c->keys[l];
	return c->data + l * c->payload;
}
