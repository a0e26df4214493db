/*
 * The model's paging-structure caches behind pwc_model.h: lines live in the
 * model's own per-level caches (IOMMU_CACHE_FL_PWC2..5 or SL_PWC2..5) with
 * the key walk.c gives them; invalidations go through vtd_inv_iotlb() and
 * vtd_inv_piotlb().
 */
#include "pwc_model.h"

#include <stdlib.h>

#include "iommu_internal.h"
#include "vtd/vtd.h"
#include "walk.h"

struct pwc_model {
	struct sparse_mem *sm;
	struct iommu *mmu;
	enum iommu_cache_id first; /* the level-2 cache of the family */
};

struct pwc_model *pwc_model_create(bool sl, unsigned sets, unsigned ways, unsigned repl)
{
	struct pwc_model *m = calloc(1, sizeof(*m));
	struct iommu_config cfg;
	struct iommu_cache_geom g = {sets, ways, (enum iommu_repl)repl};

	if (!m)
		return NULL;
	iommu_config_default(&cfg);
	if (sl)
		cfg.sl_pwc = g;
	else
		cfg.fl_pwc = g;
	m->first = sl ? IOMMU_CACHE_SL_PWC2 : IOMMU_CACHE_FL_PWC2;
	m->sm = sparse_mem_create(cfg.haw);
	if (m->sm) {
		struct iommu_mem mem = sparse_mem_handle(m->sm);

		m->mmu = iommu_create(&cfg, &mem);
	}
	if (!m->mmu) {
		pwc_model_destroy(m);
		return NULL;
	}
	return m;
}

void pwc_model_destroy(struct pwc_model *m)
{
	if (!m)
		return;
	iommu_destroy(m->mmu);
	if (m->sm)
		sparse_mem_destroy(m->sm);
	free(m);
}

uint64_t pwc_model_seed(const struct pwc_model *m)
{
	return iommu_cfg(m->mmu)->seed + (uint64_t)m->first;
}

static struct cache *level_cache(struct pwc_model *m, unsigned level)
{
	return &m->mmu->caches[m->first + level - 2];
}

static struct cache_key key_of(uint64_t tag, uint64_t va, unsigned level)
{
	struct cache_key k = {{tag, va >> (12 + 9 * (level - 1)), level}};

	return k;
}

unsigned pwc_model_lookup(struct pwc_model *m, uint64_t tag, uint64_t va, unsigned levels,
			  struct pwc_model_entry *e)
{
	for (unsigned level = 2; level <= levels; level++) {
		struct cache_key k = key_of(tag, va, level);
		const struct walk_pwc_entry *p = cache_lookup(level_cache(m, level), k.w[1], &k);

		if (p) {
			*e = (struct pwc_model_entry){p->next, p->perm, p->tperm};
			return level;
		}
	}
	return 0;
}

void pwc_model_fill(struct pwc_model *m, uint64_t tag, uint64_t va, unsigned level,
		    const struct pwc_model_entry *e)
{
	struct cache_key k = key_of(tag, va, level);
	struct walk_pwc_entry p = {.next = e->next, .perm = e->perm, .tperm = e->tperm};

	cache_fill(level_cache(m, level), k.w[1], &k, &p);
}

void pwc_model_inv_iotlb(struct pwc_model *m, unsigned gran, uint16_t did, uint64_t addr,
			 unsigned am, bool ih)
{
	vtd_inv_iotlb(m->mmu, gran, did, addr, am, ih);
}

void pwc_model_inv_piotlb(struct pwc_model *m, unsigned gran, uint16_t did, uint32_t pasid,
			  uint64_t addr, unsigned am, bool ih)
{
	vtd_inv_piotlb(m->mmu, gran, did, pasid, addr, am, ih);
}

static void count_line(const struct cache_key *key, const void *payload, void *arg)
{
	(void)key;
	(void)payload;
	(*(unsigned *)arg)++;
}

unsigned pwc_model_lines(const struct pwc_model *m)
{
	unsigned n = 0;

	for (unsigned level = 2; level <= 5; level++)
		cache_for_each(&m->mmu->caches[m->first + level - 2], count_line, &n);
	return n;
}
