/* The reference side of the walker testbench: model, builder, logged memory. */
#include "walker_model.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "iommu/vtd_builder.h"

#include "iommu_internal.h"
#include "vtd/vtd.h"

struct wm {
	struct sparse_mem *sm;
	struct iommu_mem inner; /* the sparse memory */
	struct iommu *mmu;
	struct vtd_builder *b;
	/* Fault injection, by page number. */
	uint64_t bad_read[WM_MAX_BAD], bad_write[WM_MAX_BAD];
	unsigned n_bad_read, n_bad_write;
	/* The model's accesses during wm_translate. */
	bool logging;
	struct wm_access log[WM_MAX_LOG];
	size_t n_log;
	/* Words the RTL wrote: address and previous value. */
	uint64_t undo_pa[WM_MAX_UNDO], undo_old[WM_MAX_UNDO];
	size_t n_undo;
	/* The world: mapped ranges of each attachment. */
	struct wm_target tgt[WM_MAX_TARGETS];
	size_t n_tgt;
};

static bool wm_bad(const uint64_t *pages, unsigned n, uint64_t pa, size_t len)
{
	for (unsigned i = 0; i < n; i++) {
		if (pa >> IOMMU_PAGE_SHIFT == pages[i] ||
		    (pa + len - 1) >> IOMMU_PAGE_SHIFT == pages[i])
			return true;
	}
	return false;
}

static void wm_record(struct wm *w, bool write, bool err, uint64_t pa, size_t len, uint64_t val,
		      uint64_t old)
{
	if (!w->logging || w->n_log == WM_MAX_LOG)
		return;
	w->log[w->n_log++] = (struct wm_access){write, err, pa, (uint32_t)len, val, old};
}

static int wm_read_cb(void *ctx, uint64_t pa, void *buf, size_t len)
{
	struct wm *w = ctx;
	int rc = -IOMMU_EIO;

	if (!wm_bad(w->bad_read, w->n_bad_read, pa, len))
		rc = w->inner.ops->read(w->inner.ctx, pa, buf, len);
	wm_record(w, false, rc != 0, pa, len, 0, 0);
	return rc;
}

static int wm_write_cb(void *ctx, uint64_t pa, const void *buf, size_t len)
{
	struct wm *w = ctx;
	uint64_t val = 0, old = 0;
	int rc = -IOMMU_EIO;

	memcpy(&val, buf, len < 8 ? len : 8);
	if (!wm_bad(w->bad_write, w->n_bad_write, pa, len) &&
	    !w->inner.ops->read(w->inner.ctx, pa, &old, len < 8 ? len : 8))
		rc = w->inner.ops->write(w->inner.ctx, pa, buf, len);
	wm_record(w, true, rc != 0, pa, len, val, old);
	return rc;
}

static const struct iommu_mem_ops wm_ops = {.read = wm_read_cb, .write = wm_write_cb};

/* --- The test world ------------------------------------------------------ */

#define SZ_4K   0x1000ull
#define SZ_2M   0x200000ull
#define SZ_1G   0x40000000ull
#define PA_BASE 0x100000000000ull /* data pages, away from the builder's tables */

enum { P_R = IOMMU_PERM_R, P_W = IOMMU_PERM_W, P_X = IOMMU_PERM_X };

/* Domains: id, stage, levels, parent (-1: none). */
static const struct wm_dom {
	unsigned id, stage, levels;
	int parent;
} wm_doms[] = {
	{1, VTD_STAGE_S2, 4, -1}, {2, VTD_STAGE_S2, 3, -1}, {3, VTD_STAGE_S2, 5, -1},
	{4, VTD_STAGE_S1, 4, -1}, {5, VTD_STAGE_S1, 5, -1}, {6, VTD_STAGE_S2, 4, -1},
	{7, VTD_STAGE_S1, 4, 6},  {8, VTD_STAGE_S1, 5, 6},  {9, VTD_STAGE_S2, 3, -1},
	{10, VTD_STAGE_S1, 4, 9},
};

/* Mappings: domain, iova, pa (nested first level: a gpa its parent maps),
 * page size, permissions, user. */
static const struct wm_map {
	unsigned dom;
	uint64_t iova, pa, size;
	unsigned perm;
	bool user;
} wm_maps[] = {
	/* second level, 4- / 3- / 5-level: every permission, 4K / 2M / 1G */
	{1, 0x10000000, PA_BASE + 0x000000, SZ_4K, P_R | P_W, true},
	{1, 0x10001000, PA_BASE + 0x001000, SZ_4K, P_R, true},
	{1, 0x10002000, PA_BASE + 0x002000, SZ_4K, P_W, true},
	{1, 0x10003000, PA_BASE + 0x003000, SZ_4K, P_R | P_W | P_X, true},
	{1, 0x40000000, PA_BASE + 0x200000, SZ_2M, P_R | P_W, true},
	{1, 0x80000000, PA_BASE + SZ_1G, SZ_1G, P_R | P_X, true},
	{1, 0x7FFFFFFFF000, PA_BASE + 0x004000, SZ_4K, P_R | P_W, true},
	{2, 0x10000000, PA_BASE + 0x005000, SZ_4K, P_R | P_W, true},
	{2, 0x40000000, PA_BASE + 0x400000, SZ_2M, P_R, true},
	{2, 0x7FC0000000, PA_BASE + 2 * SZ_1G, SZ_1G, P_R | P_W, true},
	{3, 0x10000000, PA_BASE + 0x006000, SZ_4K, P_R | P_W, true},
	{3, 0x1000000000000, PA_BASE + 0x007000, SZ_4K, P_R | P_W | P_X, true},
	{3, 0x1FFFFFFC0000000, PA_BASE + 3 * SZ_1G, SZ_1G, P_R | P_W, true},
	/* first level, 4- / 5-level: user and supervisor, R / RW / RWX */
	{4, 0x10000000, PA_BASE + 0x008000, SZ_4K, P_R | P_W, true},
	{4, 0x10001000, PA_BASE + 0x009000, SZ_4K, P_R, true},
	{4, 0x10002000, PA_BASE + 0x00A000, SZ_4K, P_R | P_W, false},
	{4, 0x10003000, PA_BASE + 0x00B000, SZ_4K, P_R | P_W | P_X, true},
	{4, 0x10004000, PA_BASE + 0x00C000, SZ_4K, P_R | P_X, false},
	{4, 0x40000000, PA_BASE + 0x600000, SZ_2M, P_R | P_W, true},
	{4, 0x80000000, PA_BASE + 4 * SZ_1G, SZ_1G, P_R | P_W | P_X, true},
	{4, 0xFFFF800000000000, PA_BASE + 0x00D000, SZ_4K, P_R | P_W, false},
	{5, 0x10000000, PA_BASE + 0x00E000, SZ_4K, P_R | P_W, true},
	{5, 0x40000000, PA_BASE + 0x800000, SZ_2M, P_R | P_X, true},
	{5, 0xFF00000000000000, PA_BASE + 0x00F000, SZ_4K, P_R | P_W, false},
	{5, 0x00F0000000000000, PA_BASE + 5 * SZ_1G, SZ_1G, P_R | P_W, true},
	/* nested: the parents' guest-physical RAM, then the guests' mappings */
	{6, 0x100000000, PA_BASE + 0x1000000, SZ_2M, P_R | P_W | P_X, true},
	{6, 0x100200000, PA_BASE + 0x1200000, SZ_4K, P_R | P_W | P_X, true},
	{6, 0x100201000, PA_BASE + 0x1201000, SZ_4K, P_R, true},
	{6, 0x140000000, PA_BASE + 6 * SZ_1G, SZ_1G, P_R | P_W, true},
	{7, 0x10000000, 0x100000000, SZ_4K, P_R | P_W, true},
	{7, 0x10001000, 0x100200000, SZ_4K, P_R | P_W | P_X, true},
	{7, 0x10002000, 0x100201000, SZ_4K, P_R | P_W, true},
	{7, 0x40000000, 0x100000000, SZ_2M, P_R | P_W, true},
	{7, 0x80000000, 0x140000000, SZ_1G, P_R | P_W, false},
	{8, 0x10000000, 0x100003000, SZ_4K, P_R | P_W, true},
	{8, 0xFF00000040000000, 0x140200000, SZ_2M, P_R, true},
	{9, 0x20000000, PA_BASE + 0x2000000, SZ_2M, P_R | P_W, true},
	{10, 0x10000000, 0x20001000, SZ_4K, P_R | P_W, true},
	{10, 0x10200000, 0x20002000, SZ_4K, P_R, true},
};

/* Attachments: sid, PASID (-1: RID_PASID), type, first- and second-level
 * domain, pass-through DID, ATS, and the PASID entry's SRE/ERE/WPE/NXE. */
static const struct wm_att {
	uint16_t sid;
	int pasid;
	unsigned type;
	int s1, s2;
	uint16_t did;
	bool dte, sre, ere, wpe, nxe;
} wm_atts[] = {
	{0x0100, -1, VTD_PGTT_SL, -1, 1, 0, false, true, true, true, true},
	{0x0100, 1, VTD_PGTT_FL, 4, -1, 0, false, true, true, true, true},
	{0x0100, 2, VTD_PGTT_FL, 5, -1, 0, false, true, true, true, true},
	{0x0100, 3, VTD_PGTT_NESTED, 7, 6, 0, false, true, true, true, true},
	{0x0100, 4, VTD_PGTT_PT, -1, -1, 42, false, true, true, true, true},
	{0x0100, 5, VTD_PGTT_SL, -1, 2, 0, false, true, true, true, true},
	{0x0100, 6, VTD_PGTT_SL, -1, 3, 0, false, true, true, true, true},
	{0x0100, 7, VTD_PGTT_NESTED, 8, 6, 0, false, true, true, true, true},
	{0x0100, 8, VTD_PGTT_NESTED, 10, 9, 0, false, true, true, true, true},
	{0x0100, 0x2345, VTD_PGTT_FL, 4, -1, 0, false, true, true, false, true},
	{0x0108, -1, VTD_PGTT_FL, 4, -1, 0, true, true, true, true, true},
	{0x0108, 1, VTD_PGTT_SL, -1, 1, 0, true, true, true, true, true},
	{0x0110, -1, VTD_PGTT_NESTED, 7, 6, 0, true, true, true, true, true},
	{0x0110, 2, VTD_PGTT_FL, 4, -1, 0, false, false, false, false, false},
	{0x0110, 3, VTD_PGTT_NESTED, 7, 6, 0, false, true, true, false, true},
	{0x0118, -1, VTD_PGTT_PT, -1, -1, 43, true, true, true, true, true},
	{0x0290, -1, VTD_PGTT_SL, -1, 2, 0, true, true, true, true, true},
	{0x0290, 5, VTD_PGTT_FL, 5, -1, 0, true, true, true, false, true},
};

#define N_OF(a) (sizeof(a) / sizeof((a)[0]))

static int wm_build(struct wm *w, unsigned variant)
{
	struct vtd_builder *b = w->b;
	int rc = 0;

	for (size_t i = 0; i < N_OF(wm_doms) && !rc; i++)
		rc = vtd_builder_domain(b, wm_doms[i].id, (enum vtd_stage)wm_doms[i].stage,
					wm_doms[i].levels, wm_doms[i].parent);
	for (size_t i = 0; i < N_OF(wm_maps) && !rc; i++)
		rc = vtd_builder_map_page(b, wm_maps[i].dom, wm_maps[i].iova, wm_maps[i].pa,
					  wm_maps[i].size, wm_maps[i].perm, wm_maps[i].user);
	for (size_t i = 0; i < N_OF(wm_atts) && !rc; i++) {
		const struct wm_att *a = &wm_atts[i];
		struct vtd_attach at;

		vtd_attach_init(&at, a->sid, (enum vtd_pgtt)a->type);
		at.has_pasid = a->pasid >= 0;
		at.pasid = a->pasid >= 0 ? (uint32_t)a->pasid : 0;
		at.s1 = a->s1;
		at.s2 = a->s2;
		at.did = a->did;
		at.dte = a->dte;
		at.sre = a->sre;
		at.ere = a->ere;
		at.wpe = a->wpe;
		at.nxe = a->nxe;
		rc = vtd_builder_attach(b, &at);
	}
	if (rc) {
		fprintf(stderr, "walker world %u: %s\n", variant, vtd_builder_error(b));
		return rc;
	}
	/* Every attachment aims at its domain's ranges (the first level's for
	 * nested); pass-through at the whole host address space. */
	for (size_t i = 0; i < N_OF(wm_atts); i++) {
		const struct wm_att *a = &wm_atts[i];
		int dom = a->type == VTD_PGTT_SL ? a->s2 : a->s1;
		struct wm_target t = {
			.sid = a->sid,
			.pasid_valid = a->pasid >= 0,
			.pasid = a->pasid >= 0 ? (uint32_t)a->pasid : 0,
			.dte = a->dte,
			.pgtt = a->type,
		};

		if (a->type == VTD_PGTT_PT) {
			if (w->n_tgt < WM_MAX_TARGETS)
				w->tgt[w->n_tgt++] = t;
			continue;
		}
		for (size_t m = 0; m < N_OF(wm_maps); m++) {
			if ((int)wm_maps[m].dom != dom || w->n_tgt == WM_MAX_TARGETS)
				continue;
			t.iova = wm_maps[m].iova;
			t.size = wm_maps[m].size;
			w->tgt[w->n_tgt++] = t;
		}
	}
	return 0;
}

struct wm *wm_create(unsigned variant)
{
	return wm_create_pwc(variant, 0, 0);
}

struct wm *wm_create_pwc(unsigned variant, unsigned fl_pwc_ways, unsigned sl_pwc_ways)
{
	return wm_create_prq(variant, fl_pwc_ways, sl_pwc_ways, false);
}

struct wm *wm_create_prq(unsigned variant, unsigned fl_pwc_ways, unsigned sl_pwc_ways,
			 bool page_req)
{
	struct wm *w = calloc(1, sizeof(*w));
	struct iommu_config cfg;
	struct vtd_builder_config bcfg;
	struct iommu_mem mem;

	if (!w)
		return NULL;
	iommu_config_default(&cfg);
	cfg.lookup_after_fetch = false; /* as the RTL walker: no lookup mid-walk */
	/* The walker alone has no paging-structure caches (the block has them:
	 * wm_create_pwc with its geometry); a walk without lookup_after_fetch
	 * uses no nested TLB. */
	cfg.fl_pwc.ways = fl_pwc_ways;
	cfg.sl_pwc.ways = sl_pwc_ways;
	cfg.nested_tlb.ways = 0;
	cfg.page_req = page_req;
	vtd_builder_config_default(&bcfg);
	if (variant == 1) {
		bcfg.preset_ad = false;
		bcfg.sl_ad = true;
		bcfg.pdts = 1;
	}
	w->sm = sparse_mem_create(cfg.haw);
	if (!w->sm)
		goto fail;
	w->inner = sparse_mem_handle(w->sm);
	mem = (struct iommu_mem){.ops = &wm_ops, .ctx = w};
	w->mmu = iommu_create(&cfg, &mem);
	if (!w->mmu)
		goto fail;
	w->b = vtd_builder_create(w->mmu, mem, &bcfg);
	if (!w->b || wm_build(w, variant))
		goto fail;
	return w;
fail:
	wm_destroy(w);
	return NULL;
}

int wm_set_pri(struct wm *w, uint16_t sid)
{
	return vtd_builder_set_dev_caps(w->b, sid, VTD_DEV_PRI);
}

size_t wm_targets(const struct wm *w, const struct wm_target **list)
{
	*list = w->tgt;
	return w->n_tgt;
}

uint64_t wm_rtaddr(struct wm *w)
{
	return w->mmu->root_active;
}

void wm_set_ttm(struct wm *w, unsigned ttm)
{
	uint64_t rt = iommu_reg_read(w->mmu, VTD_REG_RTADDR, 8);
	uint32_t gsts = (uint32_t)iommu_reg_read(w->mmu, VTD_REG_GSTS, 4);

	rt = (rt & ~VTD_RTADDR_TTM) | ((uint64_t)ttm << 10);
	iommu_reg_write(w->mmu, VTD_REG_RTADDR, 8, rt);
	iommu_reg_write(w->mmu, VTD_REG_GCMD, 4,
			(gsts & (uint32_t)(VTD_GCMD_TE | VTD_GCMD_QIE)) | (uint32_t)VTD_GCMD_SRTP);
}

bool wm_te(struct wm *w)
{
	return iommu_reg_read(w->mmu, VTD_REG_GSTS, 4) & VTD_GSTS_TES;
}

void wm_set_te(struct wm *w, bool on)
{
	uint32_t gsts = (uint32_t)iommu_reg_read(w->mmu, VTD_REG_GSTS, 4);
	uint32_t cmd = gsts & (uint32_t)(VTD_GCMD_TE | VTD_GCMD_QIE);

	cmd = on ? cmd | (uint32_t)VTD_GCMD_TE : cmd & ~(uint32_t)VTD_GCMD_TE;
	iommu_reg_write(w->mmu, VTD_REG_GCMD, 4, cmd);
}

void wm_destroy(struct wm *w)
{
	if (!w)
		return;
	if (w->b)
		vtd_builder_destroy(w->b);
	if (w->mmu)
		iommu_destroy(w->mmu);
	if (w->sm)
		sparse_mem_destroy(w->sm);
	free(w);
}

struct iommu *wm_iommu(struct wm *w)
{
	return w->mmu;
}

/* The fills of the translation that just ran, from the model's held list. */
static void wm_take_fills(struct wm *w, struct wm_fills *f)
{
	struct iommu_fill fills[IOMMU_MAX_FILLS];
	size_t n = iommu_fills_take(w->mmu, fills, IOMMU_MAX_FILLS);

	memset(f, 0, sizeof(*f));
	for (size_t i = 0; i < n; i++) {
		const struct iommu_fill *x = &fills[i];

		if (x->c == &w->mmu->caches[IOMMU_CACHE_CONTEXT]) {
			struct vtd_context_entry ce;

			memcpy(&ce, x->data, sizeof(ce));
			f->ctx = true;
			memcpy(f->ce, ce.qw, sizeof(f->ce));
		} else if (x->c == &w->mmu->caches[IOMMU_CACHE_PASID]) {
			struct vtd_pasid_cached pc;

			memcpy(&pc, x->data, sizeof(pc));
			f->pasid = true;
			memcpy(f->pe, pc.pe.qw, sizeof(f->pe));
			f->pde_fpd = pc.pde_fpd;
		} else if (x->c == &w->mmu->caches[IOMMU_CACHE_IOTLB]) {
			struct vtd_iotlb_entry te;

			memcpy(&te, x->data, sizeof(te));
			f->iotlb = true;
			f->did = (uint16_t)x->key.w[0];
			f->pasid_v = (uint32_t)(x->key.w[0] >> 16);
			f->page = te.page;
			f->level = te.level;
			f->perm = te.perm;
			f->sl_perm = te.sl_perm;
			f->global = te.global;
			f->dirty = te.dirty;
			f->fl = te.cls == VTD_IOTLB_FL;
		}
	}
}

static int wm_translate_now(struct wm *w, const struct iommu_req *req, struct iommu_resp *resp,
			    struct wm_fills *fills)
{
	int rc;

	w->n_log = 0;
	w->logging = true;
	w->mmu->hold_fills = true;
	rc = iommu_translate(w->mmu, req, resp);
	w->mmu->hold_fills = false;
	w->logging = false;
	wm_take_fills(w, fills);
	vtd_builder_service_faults(w->b);
	return rc;
}

int wm_translate(struct wm *w, const struct iommu_req *req, struct iommu_resp *resp,
		 struct wm_fills *fills)
{
	for (int id = 0; id < IOMMU_CACHE_COUNT; id++)
		cache_flush(&w->mmu->caches[id]);
	return wm_translate_now(w, req, resp, fills);
}

void wm_warm(struct wm *w, const struct iommu_req *req, unsigned level, struct wm_cached *c)
{
	struct cache *cc = &w->mmu->caches[IOMMU_CACHE_CONTEXT];
	struct cache *pc = &w->mmu->caches[IOMMU_CACHE_PASID];
	struct cache_key key = {{req->sid, 0, 0}};
	const struct vtd_context_entry *ce;
	const struct vtd_pasid_cached *pe;
	struct iommu_resp tmp;

	memset(c, 0, sizeof(*c));
	for (int id = 0; id < IOMMU_CACHE_COUNT; id++)
		cache_flush(&w->mmu->caches[id]);
	/* Read translations of every mapped range of this source ID (and one
	 * without PASID), their memory writes undone: they fill the context
	 * cache and the PASID cache with what the tables hold. */
	for (size_t i = 0; level && i <= w->n_tgt; i++) {
		struct iommu_req wr = {.sid = req->sid, .addr = req->addr};

		if (i < w->n_tgt) {
			if (w->tgt[i].sid != req->sid)
				continue;
			wr.pasid_valid = w->tgt[i].pasid_valid;
			wr.pasid = w->tgt[i].pasid;
			wr.addr = w->tgt[i].iova;
		}
		w->n_log = 0;
		w->logging = true;
		iommu_translate(w->mmu, &wr, &tmp);
		w->logging = false;
		wm_undo_model(w);
		vtd_builder_service_faults(w->b);
	}
	if (level >= 3) {
		/* The request's own page, read, in the IOTLB too. */
		struct iommu_req wr = *req;

		wr.at = IOMMU_AT_UNTRANSLATED;
		wr.no_write = false;
		w->n_log = 0;
		w->logging = true;
		iommu_translate(w->mmu, &wr, &tmp);
		w->logging = false;
		wm_undo_model(w);
		vtd_builder_service_faults(w->b);
	}
	for (int id = 0; id < IOMMU_CACHE_COUNT; id++) {
		if (id == IOMMU_CACHE_CONTEXT || (id == IOMMU_CACHE_PASID && level >= 2) ||
		    (id == IOMMU_CACHE_IOTLB && level >= 3))
			continue;
		cache_flush(&w->mmu->caches[id]);
	}
	ce = cache_find(cc, req->sid, &key);
	if (!ce)
		return;
	c->ctx_hit = true;
	memcpy(c->ce, ce->qw, sizeof(c->ce));
	c->pasid = req->pasid_valid        ? req->pasid
		   : w->mmu->cfg.rid_pasid ? (uint32_t)FIELD_GET64(VTD_CE1_RID_PASID, ce->qw[1])
					   : 0;
	key = (struct cache_key){{req->sid, c->pasid, 0}};
	pe = cache_find(pc, c->pasid ^ ((uint64_t)req->sid << 4), &key);
	if (!pe)
		return;
	c->pasid_hit = true;
	memcpy(c->pe, pe->pe.qw, sizeof(c->pe));
	c->pde_fpd = pe->pde_fpd;
}

bool wm_iotlb_find(struct wm *w, uint16_t did, uint32_t pasid, uint64_t addr, struct wm_iotlb *e)
{
	struct cache *c = &w->mmu->caches[IOMMU_CACHE_IOTLB];
	struct iommu_cache_stats st = c->st;
	struct vtd_iotlb_entry te;
	bool hit = vtd_iotlb_lookup(w->mmu, did, pasid, addr, &te);

	c->st = st;
	memset(e, 0, sizeof(*e));
	if (!hit)
		return false;
	e->page = te.page;
	e->level = te.level;
	e->perm = te.perm;
	e->sl_perm = te.sl_perm;
	e->dirty = te.dirty;
	e->global = te.global;
	e->fl = te.cls == VTD_IOTLB_FL;
	return true;
}

int wm_lookup_cached(struct wm *w, const struct iommu_req *req, struct iommu_resp *resp)
{
	return iommu_lookup_cached(w->mmu, req, resp);
}

int wm_translate_cached(struct wm *w, const struct iommu_req *req, struct iommu_resp *resp,
			struct wm_fills *fills)
{
	return wm_translate_now(w, req, resp, fills);
}

size_t wm_log(const struct wm *w, const struct wm_access **log)
{
	*log = w->log;
	return w->n_log;
}

void wm_undo_model(struct wm *w)
{
	for (size_t i = w->n_log; i-- > 0;) {
		const struct wm_access *a = &w->log[i];

		if (a->write && !a->err)
			w->inner.ops->write(w->inner.ctx, a->pa, &a->old, a->len < 8 ? a->len : 8);
	}
}

int wm_line_read(struct wm *w, uint64_t line, uint8_t buf[64])
{
	memset(buf, 0, 64);
	if (wm_bad(w->bad_read, w->n_bad_read, line, 64))
		return -IOMMU_EIO;
	return w->inner.ops->read(w->inner.ctx, line, buf, 64);
}

int wm_word_write(struct wm *w, uint64_t pa, uint64_t val)
{
	uint64_t old = 0;

	if (wm_bad(w->bad_write, w->n_bad_write, pa, 8))
		return -IOMMU_EIO;
	if (w->inner.ops->read(w->inner.ctx, pa, &old, 8))
		return -IOMMU_EIO;
	if (w->inner.ops->write(w->inner.ctx, pa, &val, 8))
		return -IOMMU_EIO;
	if (w->n_undo < WM_MAX_UNDO) {
		w->undo_pa[w->n_undo] = pa;
		w->undo_old[w->n_undo++] = old;
	}
	return 0;
}

void wm_undo(struct wm *w)
{
	while (w->n_undo) {
		w->n_undo--;
		w->inner.ops->write(w->inner.ctx, w->undo_pa[w->n_undo], &w->undo_old[w->n_undo],
				    8);
	}
}

uint64_t wm_peek(struct wm *w, uint64_t pa)
{
	uint64_t v = 0;

	w->inner.ops->read(w->inner.ctx, pa, &v, 8);
	return v;
}

void wm_poke(struct wm *w, uint64_t pa, uint64_t val)
{
	w->inner.ops->write(w->inner.ctx, pa, &val, 8);
}

void wm_fail_read(struct wm *w, uint64_t pa)
{
	if (w->n_bad_read < WM_MAX_BAD)
		w->bad_read[w->n_bad_read++] = pa >> IOMMU_PAGE_SHIFT;
}

void wm_fail_write(struct wm *w, uint64_t pa)
{
	if (w->n_bad_write < WM_MAX_BAD)
		w->bad_write[w->n_bad_write++] = pa >> IOMMU_PAGE_SHIFT;
}

void wm_heal(struct wm *w)
{
	w->n_bad_read = 0;
	w->n_bad_write = 0;
}

unsigned wm_log2(uint64_t size)
{
	unsigned n = 0;

	while (size > 1) {
		size >>= 1;
		n++;
	}
	return n;
}

const char *wm_req_str(const struct iommu_req *r, char *buf, size_t len)
{
	snprintf(buf, len,
		 "sid %04x pasid %s%05x priv %d addr 0x%016" PRIx64 " access %u at %u nw %d",
		 r->sid, r->pasid_valid ? "" : "(none) ", r->pasid, r->priv, r->addr, r->access,
		 r->at, r->no_write);
	return buf;
}
