/*
 * Tests of src/cache.c: the generic set-associative engine every cache of
 * the model is built on. Geometry checks, statistics, set selection, the
 * three replacement policies (victims computed here by hand), disabled and
 * fully associative caches, predicate invalidation.
 */
#include "unit.h"

#include <string.h>

#include "cache.h"

/* A key whose three words all depend on n, so that equality is on the
 * whole key. */
static struct cache_key key_n(uint64_t n)
{
	struct cache_key k = {{n, n * 3 + 1, n ^ 0x55}};

	return k;
}

struct payload {
	uint64_t v;
};

static void fill_n(struct cache *c, uint64_t idx, uint64_t n)
{
	struct cache_key k = key_n(n);
	struct payload p = {n * 0x1000 + 7};

	cache_fill(c, idx, &k, &p);
}

/* Presence of key n without touching the replacement state (cache_find
 * would count as a use). */
struct present_arg {
	uint64_t n;
	bool found;
};

static void present_fn(const struct cache_key *k, const void *payload, void *arg)
{
	struct present_arg *a = arg;
	struct cache_key want = key_n(a->n);

	(void)payload;
	if (k->w[0] == want.w[0] && k->w[1] == want.w[1] && k->w[2] == want.w[2])
		a->found = true;
}

static bool present(const struct cache *c, uint64_t n)
{
	struct present_arg a = {n, false};

	cache_for_each(c, present_fn, &a);
	return a.found;
}

static unsigned count_fn_calls;

static void count_fn(const struct cache_key *k, const void *payload, void *arg)
{
	(void)k;
	(void)payload;
	(void)arg;
	count_fn_calls++;
}

static unsigned valid_lines(const struct cache *c)
{
	count_fn_calls = 0;
	cache_for_each(c, count_fn, NULL);
	return count_fn_calls;
}

/* --- geometry ---------------------------------------------------------- */

static void test_geom_check(void)
{
	static const struct {
		const char *name;
		struct iommu_cache_geom g;
		bool ok;
	} cases[] = {
		{"1x1 lru", {1, 1, IOMMU_REPL_LRU}, true},
		{"16x4 lru", {16, 4, IOMMU_REPL_LRU}, true},
		{"64x8 plru", {64, 8, IOMMU_REPL_PLRU}, true},
		{"8x3 random", {8, 3, IOMMU_REPL_RANDOM}, true},
		{"8x3 lru", {8, 3, IOMMU_REPL_LRU}, true},
		{"ways 0 (disabled)", {4, 0, IOMMU_REPL_LRU}, true},
		{"ways 0 plru", {4, 0, IOMMU_REPL_PLRU}, true},
		{"ways 64", {1, 64, IOMMU_REPL_PLRU}, true},
		{"sets 2^20", {1u << 20, 1, IOMMU_REPL_LRU}, true},
		{"sets 0", {0, 4, IOMMU_REPL_LRU}, false},
		{"sets 3", {3, 4, IOMMU_REPL_LRU}, false},
		{"sets 2^21", {1u << 21, 1, IOMMU_REPL_LRU}, false},
		{"ways 65", {1, 65, IOMMU_REPL_LRU}, false},
		{"plru ways 3", {8, 3, IOMMU_REPL_PLRU}, false},
		{"plru ways 6", {8, 6, IOMMU_REPL_PLRU}, false},
		{"repl 3", {8, 4, (enum iommu_repl)3}, false},
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const char *why = "unset";
		int rc = cache_geom_check(&cases[i].g, &why);
		struct cache c;

		UNIT_EQ_HEXC(cases[i].name, rc, cases[i].ok ? 0 : -IOMMU_EINVAL);
		UNIT_TRUEC(cases[i].name, cases[i].ok ? why == NULL : why != NULL);
		/* init refuses exactly what the check refuses (the 2^20-set
		 * case is not allocated) */
		if (cases[i].g.sets > 4096)
			continue;
		rc = cache_init(&c, &cases[i].g, 8, 1);
		UNIT_EQ_HEXC(cases[i].name, rc, cases[i].ok ? 0 : -IOMMU_EINVAL);
		if (rc == 0)
			cache_fini(&c);
	}
	UNIT_TRUE(strcmp(iommu_repl_name(IOMMU_REPL_LRU), "lru") == 0);
	UNIT_TRUE(strcmp(iommu_repl_name(IOMMU_REPL_PLRU), "plru") == 0);
	UNIT_TRUE(strcmp(iommu_repl_name(IOMMU_REPL_RANDOM), "random") == 0);
}

/* The instance refuses a configuration whose cache geometry is invalid. */
static void test_config_geom(void)
{
	struct iommu_config cfg;
	const char *why = NULL;
	struct sparse_mem *sm = sparse_mem_create(46);
	struct iommu_mem mem = sparse_mem_handle(sm);
	struct iommu *mmu;

	iommu_config_default(&cfg);
	UNIT_EQ_HEX(iommu_config_check(&cfg, &why), 0);
	cfg.iotlb.sets = 48;
	UNIT_EQ_HEX(iommu_config_check(&cfg, &why), -IOMMU_EINVAL);
	UNIT_TRUE(why != NULL);
	mmu = iommu_create(&cfg, &mem);
	UNIT_TRUE(mmu == NULL);
	iommu_destroy(mmu);
	iommu_config_default(&cfg);
	cfg.fl_pwc.repl = IOMMU_REPL_PLRU;
	cfg.fl_pwc.ways = 5;
	UNIT_EQ_HEX(iommu_config_check(&cfg, &why), -IOMMU_EINVAL);
	sparse_mem_destroy(sm);
}

/* --- statistics and lookup --------------------------------------------- */

static void test_counts(void)
{
	const struct iommu_cache_geom g = {4, 2, IOMMU_REPL_LRU};
	struct cache c;
	struct cache_key k1 = key_n(1), k1b = key_n(1);
	const struct payload *p;
	struct payload pv = {0xABCD};

	if (!UNIT_EQ_HEX(cache_init(&c, &g, sizeof(struct payload), 1), 0))
		return;
	/* miss */
	UNIT_TRUE(cache_lookup(&c, 1, &k1) == NULL);
	UNIT_EQ_HEX(c.st.lookups, 1);
	UNIT_EQ_HEX(c.st.misses, 1);
	UNIT_EQ_HEX(c.st.hits, 0);
	/* fill, hit, payload round trip */
	cache_fill(&c, 1, &k1, &pv);
	UNIT_EQ_HEX(c.st.fills, 1);
	p = cache_lookup(&c, 1, &k1b);
	if (UNIT_TRUE(p != NULL))
		UNIT_EQ_HEX(p->v, 0xABCD);
	UNIT_EQ_HEX(c.st.lookups, 2);
	UNIT_EQ_HEX(c.st.hits, 1);
	/* cache_find does not count; cache_account does */
	UNIT_TRUE(cache_find(&c, 1, &k1) != NULL);
	UNIT_EQ_HEX(c.st.lookups, 2);
	cache_account(&c, false);
	UNIT_EQ_HEX(c.st.lookups, 3);
	UNIT_EQ_HEX(c.st.misses, 2);
	/* The set is the index modulo sets: 5 is set 1; the key must match in
	 * full, so another index of another set misses. */
	UNIT_TRUE(cache_find(&c, 5, &k1) != NULL);
	UNIT_TRUE(cache_find(&c, 2, &k1) == NULL);
	/* Keys differing in one word are distinct. */
	{
		struct cache_key k = k1;

		k.w[2] ^= 1;
		UNIT_TRUE(cache_find(&c, 1, &k) == NULL);
		k = k1;
		k.w[0] ^= 1ull << 63;
		UNIT_TRUE(cache_find(&c, 1, &k) == NULL);
	}
	/* Refill of the same key overwrites: no eviction, one line. */
	pv.v = 0x1234;
	cache_fill(&c, 1, &k1, &pv);
	UNIT_EQ_HEX(c.st.fills, 2);
	UNIT_EQ_HEX(c.st.evictions, 0);
	UNIT_EQ_HEX(valid_lines(&c), 1);
	p = cache_find(&c, 1, &k1);
	if (UNIT_TRUE(p != NULL))
		UNIT_EQ_HEX(p->v, 0x1234);
	/* Two ways in set 1: a third key there evicts one; other sets untouched. */
	fill_n(&c, 1, 2);
	UNIT_EQ_HEX(c.st.evictions, 0);
	fill_n(&c, 2, 3);
	fill_n(&c, 1 + 4, 4);
	UNIT_EQ_HEX(c.st.evictions, 1);
	UNIT_EQ_HEX(c.st.fills, 5);
	UNIT_EQ_HEX(valid_lines(&c), 3);
	UNIT_TRUE(present(&c, 3));
	UNIT_TRUE(present(&c, 4));
	cache_fini(&c);
}

/* --- replacement ------------------------------------------------------- */

/* LRU: the least recently used way of the set goes, hits count as uses. */
static void test_lru(void)
{
	const struct iommu_cache_geom g = {2, 4, IOMMU_REPL_LRU};
	struct cache c;
	struct cache_key k;

	if (!UNIT_EQ_HEX(cache_init(&c, &g, sizeof(struct payload), 1), 0))
		return;
	for (uint64_t n = 0; n < 4; n++)
		fill_n(&c, 0, n); /* uses: 0 1 2 3 */
	fill_n(&c, 1, 100);       /* other set: no effect on set 0 */
	k = key_n(0);
	UNIT_TRUE(cache_lookup(&c, 0, &k) != NULL); /* uses: 1 2 3 0 */
	fill_n(&c, 0, 4);                           /* ways + 1: evicts 1 */
	UNIT_EQ_HEX(c.st.evictions, 1);
	UNIT_TRUE(!present(&c, 1));
	UNIT_TRUE(present(&c, 0) && present(&c, 2) && present(&c, 3) && present(&c, 4));
	k = key_n(2);
	UNIT_TRUE(cache_lookup(&c, 0, &k) != NULL); /* uses: 3 0 4 2 */
	fill_n(&c, 0, 5);                           /* evicts 3 */
	UNIT_TRUE(!present(&c, 3));
	fill_n(&c, 0, 6); /* uses: 0 4 2 5 → evicts 0 */
	UNIT_TRUE(!present(&c, 0));
	/* A refill counts as a use: 4 is refilled, so 2 goes next. */
	fill_n(&c, 0, 4);
	fill_n(&c, 0, 7);
	UNIT_TRUE(!present(&c, 2));
	UNIT_TRUE(present(&c, 4) && present(&c, 5) && present(&c, 6) && present(&c, 7));
	UNIT_TRUE(present(&c, 100));
	UNIT_EQ_HEX(c.st.evictions, 4);
	cache_fini(&c);
}

/*
 * Tree-PLRU with 4 ways: node bits b1 (root: 0 = victim in ways 0-1,
 * 1 = in ways 2-3), b2 (ways 0/1) and b3 (ways 2/3), 1 = the right one is
 * the victim. A use of a way turns the bits on its path away from it:
 * way 0: b1 = 1, b2 = 1; way 1: b1 = 1, b2 = 0; way 2: b1 = 0, b3 = 1;
 * way 3: b1 = 0, b3 = 0. Fills take free ways in order 0..3.
 */
static void test_plru(void)
{
	const struct iommu_cache_geom g = {1, 4, IOMMU_REPL_PLRU};
	struct cache c;
	struct cache_key k;

	if (!UNIT_EQ_HEX(cache_init(&c, &g, sizeof(struct payload), 1), 0))
		return;
	for (uint64_t n = 0; n < 4; n++)
		fill_n(&c, 0, n);
	/* After uses 0,1,2,3: b1 = 0, b2 = 0, b3 = 0 → victim way 0 (key 0). */
	fill_n(&c, 0, 4); /* way 0 := 4; b1 = 1, b2 = 1 */
	UNIT_TRUE(!present(&c, 0));
	/* b1 = 1 → right, b3 = 0 → way 2 (key 2) */
	fill_n(&c, 0, 5); /* way 2 := 5; b1 = 0, b3 = 1 */
	UNIT_TRUE(!present(&c, 2));
	/* b1 = 0 → left, b2 = 1 → way 1 (key 1) */
	fill_n(&c, 0, 6); /* way 1 := 6; b1 = 1, b2 = 0 */
	UNIT_TRUE(!present(&c, 1));
	/* b1 = 1 → right, b3 = 1 → way 3 (key 3) */
	fill_n(&c, 0, 7); /* way 3 := 7; b1 = 0, b3 = 0 */
	UNIT_TRUE(!present(&c, 3));
	/* b1 = 0, b2 = 0 → way 0 (key 4) */
	fill_n(&c, 0, 8);
	UNIT_TRUE(!present(&c, 4));
	UNIT_TRUE(present(&c, 5) && present(&c, 6) && present(&c, 7) && present(&c, 8));
	UNIT_EQ_HEX(c.st.evictions, 5);
	cache_fini(&c);

	/* Where PLRU and LRU differ: fill 0..3, use way 2 then way 0. True
	 * LRU would evict way 1; the tree has b1 = 1 (from way 0), b3 = 1
	 * (from way 2) → way 3. */
	if (!UNIT_EQ_HEX(cache_init(&c, &g, sizeof(struct payload), 1), 0))
		return;
	for (uint64_t n = 0; n < 4; n++)
		fill_n(&c, 0, n);
	k = key_n(2);
	UNIT_TRUE(cache_lookup(&c, 0, &k) != NULL);
	k = key_n(0);
	UNIT_TRUE(cache_lookup(&c, 0, &k) != NULL);
	fill_n(&c, 0, 9);
	UNIT_TRUE(!present(&c, 3));
	UNIT_TRUE(present(&c, 0) && present(&c, 1) && present(&c, 2) && present(&c, 9));
	cache_fini(&c);
}

/* Line contents of a fully associative cache, way by way (key word 0, or
 * ~0 for an invalid line). */
static void snapshot(const struct cache *c, uint64_t *out)
{
	for (unsigned w = 0; w < c->g.ways; w++)
		out[w] = c->valid[w] ? c->keys[w].w[0] : ~0ull;
}

/* Random: the same seed gives the same victims; different seeds differ. */
static void test_random(void)
{
	const struct iommu_cache_geom g = {1, 8, IOMMU_REPL_RANDOM};
	struct cache a, b, d;
	unsigned same_ab = 0, same_ad = 0, steps = 0;
	uint64_t sa[8], sb[8], sd[8];

	if (!UNIT_EQ_HEX(cache_init(&a, &g, sizeof(struct payload), 42), 0))
		return;
	if (!UNIT_EQ_HEX(cache_init(&b, &g, sizeof(struct payload), 42), 0)) {
		cache_fini(&a);
		return;
	}
	if (!UNIT_EQ_HEX(cache_init(&d, &g, sizeof(struct payload), 43), 0)) {
		cache_fini(&a);
		cache_fini(&b);
		return;
	}
	for (uint64_t n = 0; n < 400; n++) {
		fill_n(&a, n, n);
		fill_n(&b, n * 7, n); /* the index does not matter with one set */
		fill_n(&d, n, n);
		snapshot(&a, sa);
		snapshot(&b, sb);
		snapshot(&d, sd);
		if (n < 8)
			continue;
		steps++;
		same_ab += memcmp(sa, sb, sizeof(sa)) == 0;
		same_ad += memcmp(sa, sd, sizeof(sa)) == 0;
		/* every fill beyond the ways evicts exactly one line */
		if (!UNIT_EQ_HEX(valid_lines(&a), 8))
			break;
	}
	UNIT_EQ_HEX(same_ab, steps);
	UNIT_TRUE(same_ad < steps);
	UNIT_EQ_HEX(a.st.evictions, 400 - 8);
	UNIT_EQ_HEX(d.st.evictions, 400 - 8);
	cache_fini(&a);
	cache_fini(&b);
	cache_fini(&d);

	/* Victims spread over all ways (no way is never chosen). */
	{
		unsigned hit[8] = {0};

		if (!UNIT_EQ_HEX(cache_init(&a, &g, sizeof(struct payload), 7), 0))
			return;
		for (uint64_t n = 0; n < 8; n++)
			fill_n(&a, 0, n);
		for (uint64_t n = 8; n < 808; n++) {
			snapshot(&a, sa);
			fill_n(&a, 0, n);
			snapshot(&a, sb);
			for (unsigned w = 0; w < 8; w++)
				hit[w] += sa[w] != sb[w];
		}
		for (unsigned w = 0; w < 8; w++)
			UNIT_TRUEC("every way is a victim sometimes", hit[w] > 0);
		cache_fini(&a);
	}
}

/* --- special geometries -------------------------------------------------- */

static void test_disabled(void)
{
	const struct iommu_cache_geom g = {4, 0, IOMMU_REPL_LRU};
	struct cache c;
	struct cache_key k = key_n(1);

	if (!UNIT_EQ_HEX(cache_init(&c, &g, sizeof(struct payload), 1), 0))
		return;
	fill_n(&c, 1, 1);
	UNIT_EQ_HEX(c.st.fills, 0);
	UNIT_TRUE(cache_lookup(&c, 1, &k) == NULL);
	UNIT_EQ_HEX(c.st.lookups, 1);
	UNIT_EQ_HEX(c.st.misses, 1);
	UNIT_EQ_HEX(valid_lines(&c), 0);
	UNIT_EQ_HEX(cache_flush(&c), 0);
	UNIT_EQ_HEX(c.st.invalidations, 0);
	cache_fini(&c);
}

/* One set: any index reaches every way. */
static void test_fully_assoc(void)
{
	const struct iommu_cache_geom g = {1, 8, IOMMU_REPL_LRU};
	struct cache c;

	if (!UNIT_EQ_HEX(cache_init(&c, &g, sizeof(struct payload), 1), 0))
		return;
	for (uint64_t n = 0; n < 8; n++)
		fill_n(&c, n * 0x1000 + n, n);
	UNIT_EQ_HEX(c.st.evictions, 0);
	for (uint64_t n = 0; n < 8; n++) {
		struct cache_key k = key_n(n);

		UNIT_TRUEC("any index finds it", cache_find(&c, 12345 + n, &k) != NULL);
	}
	/* uses now 0..7 in order (the finds above): 0 is the LRU */
	fill_n(&c, 99, 8);
	UNIT_EQ_HEX(c.st.evictions, 1);
	UNIT_TRUE(!present(&c, 0));
	cache_fini(&c);
}

static bool match_even(const struct cache_key *k, const void *payload, const void *arg)
{
	const struct payload *p = payload;
	const uint64_t *tag = arg;

	return (k->w[0] & 1) == 0 && p->v == k->w[0] * 0x1000 + 7 && *tag == 0x7A6;
}

static void test_invalidate(void)
{
	const struct iommu_cache_geom g = {4, 4, IOMMU_REPL_LRU};
	const uint64_t tag = 0x7A6;
	struct cache c;

	if (!UNIT_EQ_HEX(cache_init(&c, &g, sizeof(struct payload), 1), 0))
		return;
	for (uint64_t n = 0; n < 12; n++)
		fill_n(&c, n, n);
	/* the predicate sees the key, the payload and the argument */
	UNIT_EQ_HEX(cache_invalidate(&c, match_even, &tag), 6);
	UNIT_EQ_HEX(c.st.invalidations, 6);
	for (uint64_t n = 0; n < 12; n++)
		UNIT_EQ_HEXC("odd keys stay", present(&c, n), n & 1);
	UNIT_EQ_HEX(cache_invalidate(&c, match_even, &tag), 0);
	/* an invalidated line is free again: no eviction to refill it */
	fill_n(&c, 0, 0);
	UNIT_EQ_HEX(c.st.evictions, 0);
	UNIT_EQ_HEX(cache_flush(&c), 7);
	UNIT_EQ_HEX(c.st.invalidations, 13);
	UNIT_EQ_HEX(valid_lines(&c), 0);
	cache_fini(&c);
}

void unit_register(void)
{
	static const struct unit_test cache_tests[] = {
		{"geometry check", test_geom_check},
		{"config refuses bad geometry", test_config_geom},
		{"hit/miss/fill/evict counts", test_counts},
		{"LRU order", test_lru},
		{"tree-PLRU victims (4 ways)", test_plru},
		{"seeded random", test_random},
		{"ways 0 disabled", test_disabled},
		{"fully associative", test_fully_assoc},
		{"invalidate with predicate", test_invalidate},
		{NULL, NULL},
	};

	unit_add_suite("cache", cache_tests);
}
