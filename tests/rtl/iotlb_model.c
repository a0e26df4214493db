/*
 * The model's IOTLB behind iotlb_model.h: fills, lookups and invalidations
 * go through the model's own functions (vtd_iotlb_fill/lookup,
 * vtd_inv_iotlb/piotlb); the way of a line is read from the cache engine.
 */
#include "iotlb_model.h"

#include <stdlib.h>

#include "iommu_internal.h"
#include "vtd/vtd.h"

struct iotlb_model {
	struct sparse_mem *sm;
	struct iommu *mmu;
};

struct iotlb_model *iotlb_model_create(unsigned sets, unsigned ways, unsigned repl)
{
	struct iotlb_model *m = calloc(1, sizeof(*m));
	struct iommu_config cfg;

	if (!m)
		return NULL;
	iommu_config_default(&cfg);
	cfg.iotlb = (struct iommu_cache_geom){sets, ways, (enum iommu_repl)repl};
	m->sm = sparse_mem_create(cfg.haw);
	if (m->sm) {
		struct iommu_mem mem = sparse_mem_handle(m->sm);

		m->mmu = iommu_create(&cfg, &mem);
	}
	if (!m->mmu) {
		iotlb_model_destroy(m);
		return NULL;
	}
	return m;
}

void iotlb_model_destroy(struct iotlb_model *m)
{
	if (!m)
		return;
	iommu_destroy(m->mmu);
	if (m->sm)
		sparse_mem_destroy(m->sm);
	free(m);
}

uint64_t iotlb_model_seed(const struct iotlb_model *m)
{
	return iommu_cfg(m->mmu)->seed + IOMMU_CACHE_IOTLB;
}

static struct cache *iotlb(struct iotlb_model *m)
{
	return &m->mmu->caches[IOMMU_CACHE_IOTLB];
}

/* The way holding the key of (did, pasid, addr) at level, or -1. */
static int way_of(struct iotlb_model *m, uint16_t did, uint32_t pasid, uint64_t addr,
		  unsigned level)
{
	struct cache *c = iotlb(m);
	uint64_t page = addr >> VTD_LEVEL_SHIFT(level);
	size_t set = page & (c->g.sets - 1);

	for (unsigned w = 0; w < c->g.ways; w++) {
		size_t l = set * c->g.ways + w;
		const struct cache_key *k = &c->keys[l];

		if (c->valid[l] && k->w[0] == (did | (uint64_t)pasid << 16) && k->w[1] == page &&
		    k->w[2] == level)
			return (int)w;
	}
	return -1;
}

int iotlb_model_fill(struct iotlb_model *m, uint16_t did, uint32_t pasid, uint64_t addr,
		     const struct iotlb_model_entry *e, bool *evicted)
{
	struct vtd_iotlb_entry te = {
		.page = e->page,
		.perm = (uint8_t)e->perm,
		.level = (uint8_t)e->level,
		.cls = (uint8_t)e->cls,
		.dirty = e->dirty,
		.global = e->global,
		.sl_perm = (uint8_t)e->sl_perm,
	};
	uint64_t ev = iotlb(m)->st.evictions;

	vtd_iotlb_fill(m->mmu, did, pasid, addr, &te);
	iommu_fills_end(m->mmu, true);
	*evicted = iotlb(m)->st.evictions != ev;
	return way_of(m, did, pasid, addr, e->level);
}

int iotlb_model_lookup(struct iotlb_model *m, uint16_t did, uint32_t pasid, uint64_t addr,
		       struct iotlb_model_entry *e)
{
	struct vtd_iotlb_entry te;

	if (!vtd_iotlb_lookup(m->mmu, did, pasid, addr, &te))
		return -1;
	*e = (struct iotlb_model_entry){
		.page = te.page,
		.perm = te.perm,
		.sl_perm = te.sl_perm,
		.level = te.level,
		.cls = te.cls,
		.dirty = te.dirty,
		.global = te.global,
	};
	return way_of(m, did, pasid, addr, te.level);
}

unsigned iotlb_model_invalidate(struct iotlb_model *m, enum iotlb_model_inv kind, uint16_t did,
				uint32_t pasid, uint64_t addr, unsigned am)
{
	uint64_t before = iotlb(m)->st.invalidations;

	switch (kind) {
	case IOTLB_MODEL_INV_GLOBAL:
		vtd_inv_iotlb(m->mmu, VTD_INV_GLOBAL, did, addr, am, false);
		break;
	case IOTLB_MODEL_INV_DOMAIN:
		vtd_inv_iotlb(m->mmu, VTD_INV_DOMAIN, did, addr, am, false);
		break;
	case IOTLB_MODEL_INV_PAGE: vtd_inv_iotlb(m->mmu, VTD_INV_PAGE, did, addr, am, false); break;
	case IOTLB_MODEL_INV_PASID:
		vtd_inv_piotlb(m->mmu, VTD_PIOTLB_PASID, did, pasid, addr, am, false);
		break;
	case IOTLB_MODEL_INV_PASID_PAGE:
		vtd_inv_piotlb(m->mmu, VTD_PIOTLB_PAGE, did, pasid, addr, am, false);
		break;
	}
	return (unsigned)(iotlb(m)->st.invalidations - before);
}
