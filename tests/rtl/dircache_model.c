/*
 * The model's context and PASID caches behind dircache_model.h. The way of
 * a line is read from the cache engine.
 */
#include "dircache_model.h"

#include <stdlib.h>
#include <string.h>

#include "iommu_internal.h"
#include "vtd/vtd.h"

struct dircache_model {
	struct sparse_mem *sm;
	struct iommu *mmu;
};

struct dircache_model *dircache_model_create(unsigned sets, unsigned ways, unsigned repl)
{
	struct dircache_model *m = calloc(1, sizeof(*m));
	struct iommu_config cfg;

	if (!m)
		return NULL;
	iommu_config_default(&cfg);
	cfg.context_cache = (struct iommu_cache_geom){sets, ways, (enum iommu_repl)repl};
	cfg.pasid_cache = cfg.context_cache;
	m->sm = sparse_mem_create(cfg.haw);
	if (m->sm) {
		struct iommu_mem mem = sparse_mem_handle(m->sm);

		m->mmu = iommu_create(&cfg, &mem);
	}
	if (!m->mmu) {
		dircache_model_destroy(m);
		return NULL;
	}
	return m;
}

void dircache_model_destroy(struct dircache_model *m)
{
	if (!m)
		return;
	iommu_destroy(m->mmu);
	if (m->sm)
		sparse_mem_destroy(m->sm);
	free(m);
}

static int way_of(const struct cache *c, uint64_t idx, const struct cache_key *k)
{
	size_t set = idx & (c->g.sets - 1);

	for (unsigned w = 0; w < c->g.ways; w++) {
		size_t l = set * c->g.ways + w;

		if (c->valid[l] && !memcmp(&c->keys[l], k, sizeof(*k)))
			return (int)w;
	}
	return -1;
}

int dircache_ctx_fill(struct dircache_model *m, uint16_t sid, const uint64_t qw[4], bool *evicted)
{
	struct cache *c = &m->mmu->caches[IOMMU_CACHE_CONTEXT];
	struct cache_key k = {{sid, 0, 0}};
	struct vtd_context_entry ce;
	uint64_t ev = c->st.evictions;

	memcpy(ce.qw, qw, sizeof(ce.qw));
	cache_fill(c, sid, &k, &ce);
	*evicted = c->st.evictions != ev;
	return way_of(c, sid, &k);
}

int dircache_ctx_lookup(struct dircache_model *m, uint16_t sid, uint64_t qw[4])
{
	struct cache *c = &m->mmu->caches[IOMMU_CACHE_CONTEXT];
	struct cache_key k = {{sid, 0, 0}};
	const struct vtd_context_entry *ce = cache_lookup(c, sid, &k);

	if (!ce)
		return -1;
	memcpy(qw, ce->qw, sizeof(ce->qw));
	return way_of(c, sid, &k);
}

unsigned dircache_ctx_invalidate(struct dircache_model *m, unsigned gran, uint16_t sid, unsigned fm)
{
	struct cache *c = &m->mmu->caches[IOMMU_CACHE_CONTEXT];
	uint64_t before = c->st.invalidations;

	vtd_inv_context(m->mmu, gran, sid, fm);
	return (unsigned)(c->st.invalidations - before);
}

int dircache_pasid_fill(struct dircache_model *m, uint16_t sid, uint32_t pasid,
			const uint64_t qw[8], bool pde_fpd, bool *evicted)
{
	struct cache *c = &m->mmu->caches[IOMMU_CACHE_PASID];
	struct cache_key k = {{sid, pasid, 0}};
	uint64_t idx = pasid ^ ((uint64_t)sid << 4);
	struct vtd_pasid_cached pc;
	uint64_t ev = c->st.evictions;

	memset(&pc, 0, sizeof(pc));
	memcpy(pc.pe.qw, qw, sizeof(pc.pe.qw));
	pc.pde_fpd = pde_fpd;
	cache_fill(c, idx, &k, &pc);
	*evicted = c->st.evictions != ev;
	return way_of(c, idx, &k);
}

int dircache_pasid_lookup(struct dircache_model *m, uint16_t sid, uint32_t pasid, uint64_t qw[8],
			  bool *pde_fpd)
{
	struct cache *c = &m->mmu->caches[IOMMU_CACHE_PASID];
	struct cache_key k = {{sid, pasid, 0}};
	uint64_t idx = pasid ^ ((uint64_t)sid << 4);
	const struct vtd_pasid_cached *pc = cache_lookup(c, idx, &k);

	if (!pc)
		return -1;
	memcpy(qw, pc->pe.qw, sizeof(pc->pe.qw));
	*pde_fpd = pc->pde_fpd;
	return way_of(c, idx, &k);
}

unsigned dircache_pasid_invalidate(struct dircache_model *m, unsigned gran, uint16_t did,
				   uint32_t pasid)
{
	struct cache *c = &m->mmu->caches[IOMMU_CACHE_PASID];
	uint64_t before = c->st.invalidations;

	vtd_inv_pasid_cache(m->mmu, gran, did, pasid);
	return (unsigned)(c->st.invalidations - before);
}
