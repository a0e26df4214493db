/*
 * One IOMMU instance: configuration, lifetime, statistics and the request
 * entry point. The architecture-specific work is in src/vtd/.
 */
#include <assert.h>
#include <stdlib.h>
#include <string.h>

#include "iommu_internal.h"
#include "vtd/vtd.h"

void iommu_config_default(struct iommu_config *cfg)
{
	*cfg = (struct iommu_config){
		.haw = 46,
		.mgaw = 57,
		.sagaw = VTD_SAGAW_39 | VTD_SAGAW_48 | VTD_SAGAW_57,
		.nfr = 8,
		.pasid_bits = 20,
		.sl_2m = true,
		.sl_1g = true,
		.fl_1g = true,
		.fl_5level = true,
		.nested = true,
		.pass_through = true,
		.sl_ad = true,
		.exec_req = true,
		.super_req = true,
		.rid_pasid = true,
		.lookup_after_fetch = true,
		.context_cache = {.sets = 16, .ways = 4, .repl = IOMMU_REPL_LRU},
		.pasid_cache = {.sets = 16, .ways = 4, .repl = IOMMU_REPL_LRU},
		.iotlb = {.sets = 64, .ways = 8, .repl = IOMMU_REPL_PLRU},
		.fl_pwc = {.sets = 8, .ways = 4, .repl = IOMMU_REPL_LRU},
		.sl_pwc = {.sets = 8, .ways = 4, .repl = IOMMU_REPL_LRU},
		.nested_tlb = {.sets = 16, .ways = 4, .repl = IOMMU_REPL_LRU},
		.seed = 1,
	};
}

static const struct iommu_cache_geom *cfg_geom(const struct iommu_config *cfg,
					       enum iommu_cache_id id)
{
	switch (id) {
	case IOMMU_CACHE_CONTEXT: return &cfg->context_cache;
	case IOMMU_CACHE_PASID: return &cfg->pasid_cache;
	case IOMMU_CACHE_IOTLB: return &cfg->iotlb;
	case IOMMU_CACHE_NESTED_TLB: return &cfg->nested_tlb;
	case IOMMU_CACHE_FL_PWC2:
	case IOMMU_CACHE_FL_PWC3:
	case IOMMU_CACHE_FL_PWC4:
	case IOMMU_CACHE_FL_PWC5: return &cfg->fl_pwc;
	default: return &cfg->sl_pwc;
	}
}

const char *iommu_cache_name(enum iommu_cache_id id)
{
	static const char *const names[IOMMU_CACHE_COUNT] = {
		[IOMMU_CACHE_CONTEXT] = "context_cache", [IOMMU_CACHE_PASID] = "pasid_cache",
		[IOMMU_CACHE_IOTLB] = "iotlb",           [IOMMU_CACHE_NESTED_TLB] = "nested_tlb",
		[IOMMU_CACHE_FL_PWC2] = "fl_pwc_l2",     [IOMMU_CACHE_FL_PWC3] = "fl_pwc_l3",
		[IOMMU_CACHE_FL_PWC4] = "fl_pwc_l4",     [IOMMU_CACHE_FL_PWC5] = "fl_pwc_l5",
		[IOMMU_CACHE_SL_PWC2] = "sl_pwc_l2",     [IOMMU_CACHE_SL_PWC3] = "sl_pwc_l3",
		[IOMMU_CACHE_SL_PWC4] = "sl_pwc_l4",     [IOMMU_CACHE_SL_PWC5] = "sl_pwc_l5",
	};

	return (unsigned)id < IOMMU_CACHE_COUNT ? names[id] : "unknown";
}

const struct iommu_cache_stats *iommu_cache_stats(const struct iommu *mmu, enum iommu_cache_id id)
{
	return &mmu->caches[id].st;
}

const struct iommu_cache_geom *iommu_cache_geometry(const struct iommu *mmu, enum iommu_cache_id id)
{
	return &mmu->caches[id].g;
}

bool iommu_cache_line(const struct iommu *mmu, enum iommu_cache_id id, unsigned set, unsigned way,
		      struct iommu_cache_line *line)
{
	struct cache_key k;
	const void *p = cache_line(&mmu->caches[id], set, way, &k);

	memset(line, 0, sizeof(*line));
	if (!p)
		return false;
	memcpy(line->key, k.w, sizeof(line->key));
	switch (id) {
	case IOMMU_CACHE_CONTEXT: {
		const struct vtd_context_entry *ce = p;

		memcpy(line->entry, ce->qw, sizeof(ce->qw));
		break;
	}
	case IOMMU_CACHE_PASID: {
		const struct vtd_pasid_cached *pc = p;

		memcpy(line->entry, pc->pe.qw, sizeof(pc->pe.qw));
		line->pde_fpd = pc->pde_fpd;
		break;
	}
	case IOMMU_CACHE_IOTLB: {
		const struct vtd_iotlb_entry *e = p;

		line->addr = e->page;
		line->perm = e->perm;
		line->sl_perm = e->sl_perm;
		line->level = e->level;
		line->cls = e->cls;
		line->dirty = e->dirty;
		line->global = e->global;
		break;
	}
	default: {
		const struct walk_pwc_entry *e = p;

		line->addr = e->next;
		line->perm = e->perm;
		line->tperm = e->tperm;
		break;
	}
	}
	return true;
}

int iommu_config_check(const struct iommu_config *cfg, const char **why)
{
	const char *w = NULL;

	if (cfg->haw < 39 || cfg->haw > 52)
		w = "haw: expected 39..52";
	else if (cfg->mgaw < 39 || cfg->mgaw > 57)
		w = "mgaw: expected 39..57";
	else if (!cfg->sagaw ||
		 (cfg->sagaw & ~(unsigned)(VTD_SAGAW_39 | VTD_SAGAW_48 | VTD_SAGAW_57)))
		w = "sagaw: expected a non-empty set of 39/48/57-bit widths";
	else if (cfg->nfr < 1 || cfg->nfr > 256)
		w = "nfr: expected 1..256 fault records";
	else if (cfg->pasid_bits < 1 || cfg->pasid_bits > 20)
		w = "pasid_bits: expected 1..20";
	else if (cfg->fl_5level && cfg->mgaw < 57)
		w = "fl_5level: needs mgaw 57";
	for (int id = 0; !w && id < IOMMU_CACHE_COUNT; id++) {
		if (cache_geom_check(cfg_geom(cfg, (enum iommu_cache_id)id), &w))
			w = w ? w : "cache geometry invalid";
	}
	if (why)
		*why = w;
	return w ? -IOMMU_EINVAL : 0;
}

struct iommu *iommu_create(const struct iommu_config *cfg, const struct iommu_mem *mem)
{
	struct iommu *mmu;

	if (iommu_config_check(cfg, NULL) || !mem || !mem->ops)
		return NULL;
	mmu = calloc(1, sizeof(*mmu));
	if (!mmu)
		return NULL;
	mmu->cfg = *cfg;
	mmu->mem = *mem;
	for (int id = 0; id < IOMMU_CACHE_COUNT; id++) {
		/* Payloads are sized by the structure that uses each cache. */
		if (cache_init(&mmu->caches[id], cfg_geom(cfg, (enum iommu_cache_id)id),
			       vtd_cache_payload((enum iommu_cache_id)id),
			       cfg->seed + (uint64_t)id)) {
			iommu_destroy(mmu);
			return NULL;
		}
	}
	{
		const struct iommu_cache_geom off = {.sets = 1, .ways = 0};

		cache_init(&mmu->nocache, &off, 0, 0); /* cannot fail: no lines */
	}
	vtd_regs_reset(mmu);
	return mmu;
}

void iommu_destroy(struct iommu *mmu)
{
	if (!mmu)
		return;
	for (int id = 0; id < IOMMU_CACHE_COUNT; id++)
		cache_fini(&mmu->caches[id]);
	vtd_prq_fini(mmu);
	free(mmu);
}

static bool iommu_req_malformed(const struct iommu_req *req);

uint64_t iommu_seq(const struct iommu *mmu)
{
	return mmu->seq;
}

bool iommu_state_gen(const struct iommu *mmu, uint64_t *gen)
{
	if (!mmu->mem.ops->generation)
		return false;
	/* Both only grow: their sum changes when either does. */
	*gen = mmu->mem.ops->generation(mmu->mem.ctx) + mmu->reg_writes;
	return true;
}

int iommu_probe(struct iommu *mmu, const struct iommu_req *req, struct iommu_resp *resp)
{
	int rc;

	memset(resp, 0, sizeof(*resp));
	if (iommu_req_malformed(req) || req->at != IOMMU_AT_UNTRANSLATED)
		return -IOMMU_EINVAL;
	mmu->probe = true;
	rc = vtd_translate(mmu, req, resp);
	mmu->probe = false;
	mmu->nfills = 0;
	return rc;
}

const struct iommu_config *iommu_cfg(const struct iommu *mmu)
{
	return &mmu->cfg;
}

const struct iommu_stats *iommu_stats(const struct iommu *mmu)
{
	return &mmu->stats;
}

void iommu_refs_add(struct iommu_refs *to, const struct iommu_refs *from)
{
	to->root += from->root;
	to->context += from->context;
	to->pasid_dir += from->pasid_dir;
	to->pasid_entry += from->pasid_entry;
	for (int l = 0; l <= IOMMU_MAX_LEVELS; l++) {
		to->fl[l] += from->fl[l];
		to->sl[l] += from->sl[l];
	}
	to->ad_writes += from->ad_writes;
}

uint32_t iommu_refs_walk_reads(const struct iommu_refs *refs)
{
	uint32_t n = 0;

	for (int l = 0; l <= IOMMU_MAX_LEVELS; l++)
		n += refs->fl[l] + refs->sl[l];
	return n;
}

void iommu_fill_defer(struct iommu *mmu, struct cache *c, uint64_t idx, const struct cache_key *key,
		      const void *payload)
{
	struct iommu_fill *f;

	assert(c->payload <= sizeof(f->data));
	if (!c->g.ways || mmu->quiet)
		return;
	if (mmu->nfills == IOMMU_MAX_FILLS) {
		/* Cannot happen with 5-level tables (at most 33 fills); keep the
		 * line rather than lose it if it ever does. */
		cache_fill(c, idx, key, payload);
		return;
	}
	f = &mmu->fills[mmu->nfills++];
	f->c = c;
	f->idx = idx;
	f->key = *key;
	memcpy(f->data, payload, c->payload);
}

void iommu_fills_end(struct iommu *mmu, bool commit)
{
	if (mmu->hold_fills && commit)
		return; /* the timing engine takes them (iommu_fills_take) */
	for (unsigned i = 0; commit && i < mmu->nfills; i++)
		cache_fill(mmu->fills[i].c, mmu->fills[i].idx, &mmu->fills[i].key,
			   mmu->fills[i].data);
	mmu->nfills = 0;
}

struct iommu_held_fault iommu_fault_take(struct iommu *mmu)
{
	struct iommu_held_fault f = mmu->held_fault;

	mmu->held_fault.valid = false;
	return f;
}

bool iommu_fault_commit(struct iommu *mmu, const struct iommu_held_fault *f)
{
	return f->valid && vtd_fault_record(mmu, &f->fi, f->fpd);
}

size_t iommu_fills_take(struct iommu *mmu, struct iommu_fill *out, size_t max)
{
	size_t n = mmu->nfills < max ? mmu->nfills : max;

	memcpy(out, mmu->fills, n * sizeof(*out));
	mmu->nfills = 0;
	return n;
}

void iommu_fills_commit(const struct iommu_fill *fills, size_t n)
{
	for (size_t i = 0; i < n; i++)
		cache_fill(fills[i].c, fills[i].idx, &fills[i].key, fills[i].data);
}

/* Memory that refuses every access: what a cache-only lookup sees. */
static int refuse_read(void *ctx, uint64_t pa, void *buf, size_t len)
{
	(void)pa;
	(void)buf;
	(void)len;
	*(bool *)ctx = true;
	return -IOMMU_EIO;
}

static int refuse_write(void *ctx, uint64_t pa, const void *buf, size_t len)
{
	(void)pa;
	(void)buf;
	(void)len;
	*(bool *)ctx = true;
	return -IOMMU_EIO;
}

static const struct iommu_mem_ops refuse_ops = {.read = refuse_read, .write = refuse_write};

int iommu_lookup_cached(struct iommu *mmu, const struct iommu_req *req, struct iommu_resp *resp)
{
	struct iommu_cache_stats saved[IOMMU_CACHE_COUNT];
	struct iommu_stats stats = mmu->stats;
	struct iommu_mem real = mmu->mem;
	bool touched = false;

	memset(resp, 0, sizeof(*resp));
	if (iommu_req_malformed(req))
		return 0; /* refused up front by iommu_translate: no memory either */
	for (int id = 0; id < IOMMU_CACHE_COUNT; id++)
		saved[id] = mmu->caches[id].st;
	mmu->mem = (struct iommu_mem){.ops = &refuse_ops, .ctx = &touched};
	mmu->quiet = true;
	vtd_translate(mmu, req, resp);
	mmu->quiet = false;
	mmu->mem = real;
	mmu->nfills = 0;
	for (int id = 0; id < IOMMU_CACHE_COUNT; id++)
		mmu->caches[id].st = saved[id];
	mmu->stats = stats;
	return touched ? 1 : 0;
}

/* A request that no PCIe transaction could carry. */
static bool iommu_req_malformed(const struct iommu_req *req)
{
	if (req->access != IOMMU_ACC_READ && req->access != IOMMU_ACC_WRITE &&
	    req->access != IOMMU_ACC_EXEC)
		return true;
	if (req->pasid_valid && req->pasid > 0xFFFFF)
		return true;
	/* Privileged-mode and execute requested travel in the PASID prefix. */
	return !req->pasid_valid && (req->priv || req->access == IOMMU_ACC_EXEC);
}

int iommu_translate(struct iommu *mmu, const struct iommu_req *req, struct iommu_resp *resp)
{
	struct iommu_stats *s = &mmu->stats;
	uint32_t reads;
	int rc;

	memset(resp, 0, sizeof(*resp));
	if (iommu_req_malformed(req))
		return -IOMMU_EINVAL;
	s->requests++;
	mmu->seq++;
	rc = vtd_translate(mmu, req, resp);
	iommu_fills_end(mmu, rc == 0);
	if (rc == 0) {
		s->completed++;
	} else {
		s->faults++;
		s->faults_by_reason[resp->fault & 0xFF]++;
	}
	reads = iommu_refs_walk_reads(&resp->refs);
	if (reads) {
		s->walks++;
		s->walk_mem_reads += reads;
		if (reads > s->walk_max_mem_reads)
			s->walk_max_mem_reads = reads;
	}
	iommu_refs_add(&s->refs, &resp->refs);
	return rc;
}

void iommu_set_ats(struct iommu *mmu, const struct iommu_ats_ops *ops, void *ctx)
{
	mmu->ats = ops;
	mmu->ats_ctx = ctx;
}

int iommu_add_qi_observer(struct iommu *mmu, struct iommu_qi_observer obs, void *ctx)
{
	if (mmu->nqi_obs == IOMMU_MAX_QI_OBSERVERS)
		return -IOMMU_ENOMEM;
	mmu->qi_obs[mmu->nqi_obs] = obs;
	mmu->qi_obs_ctx[mmu->nqi_obs++] = ctx;
	return 0;
}

void iommu_remove_qi_observer(struct iommu *mmu, void *ctx)
{
	for (unsigned i = 0; i < mmu->nqi_obs; i++) {
		if (mmu->qi_obs_ctx[i] != ctx)
			continue;
		mmu->nqi_obs--;
		mmu->qi_obs[i] = mmu->qi_obs[mmu->nqi_obs];
		mmu->qi_obs_ctx[i] = mmu->qi_obs_ctx[mmu->nqi_obs];
		return;
	}
}

void iommu_set_reg_observer(struct iommu *mmu, iommu_reg_observer_fn fn, void *ctx)
{
	mmu->reg_obs = fn;
	mmu->reg_obs_ctx = fn ? ctx : NULL;
}
