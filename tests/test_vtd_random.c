/*
 * Seeded randomized test of the caches, the invalidation queue and the
 * builder's flush together: random map / unmap / remap / detach / DMA over
 * second-level (4- and 3-level), first-level and nested domains, through
 * plain and ATS devices, with and without PASID, under several cache
 * geometries. The driver always flushes correctly (vtd_builder_flush after
 * every table change), so every DMA must give what a walk of the current
 * tables gives (iommu_probe: ok, hpa) and the oracle must find neither a
 * stale translation nor a missing flush. Fixed seeds: deterministic.
 */
#include "unit.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "iommu/ats.h"
#include "iommu/vtd_oracle.h"
#include "iommu/vtd_qi.h"

#define N_OPS    3000
#define N_SMALL  24 /* 4 KiB slots: three 2 MiB regions of 8 pages */
#define N_SLOTS  26 /* + two 2 MiB slots where the domain allows */
#define GPA_BASE 0x40000000ull
#define PA_BASE  0x100000000000ull

#define SZ_4K 0x1000ull
#define SZ_2M 0x200000ull
#define SZ_1G 0x40000000ull

/* --- deterministic generator -------------------------------------------- */

struct rng {
	uint64_t s;
};

static uint64_t rnd(struct rng *r)
{
	r->s ^= r->s >> 12;
	r->s ^= r->s << 25;
	r->s ^= r->s >> 27;
	return r->s * 0x2545F4914F6CDD1Dull;
}

static unsigned rnd_below(struct rng *r, unsigned n)
{
	return (unsigned)((rnd(r) >> 32) % n);
}

/* --- the world ---------------------------------------------------------- */

enum { D_SL, D_SL3, D_FL, D_NS2, D_NS1, N_DOMS };

struct slot {
	bool mapped;
	uint64_t target; /* pa (nested s1: a gpa of an NS2 slot) */
	unsigned perm;
};

struct dom {
	unsigned id;
	enum vtd_stage stage;
	unsigned levels;
	int parent; /* domain index, or -1 */
	uint64_t base;
	bool big; /* has the two 2 MiB slots */
	struct slot slot[N_SLOTS];
};

struct att {
	uint16_t sid;
	bool has_pasid;
	uint32_t pasid;
	enum vtd_pgtt type;
	int s1, s2; /* domain indexes */
	bool ats;
	int in; /* domain index whose slots DMA addresses */
	bool attached;
};

struct world {
	struct unit_fx fx;
	uint64_t seed;
	struct rng rng;
	struct dom dom[N_DOMS];
	struct att *att;
	unsigned n_att;
	struct ats_bus *bus;
	struct ats_dev *dev;
	struct vtd_oracle *o;
	/* tallies */
	unsigned dmas, ok, iotlb_hits, devtlb_dmas, faults, flushes, changes, detaches;
	bool failed;
};

static const struct dom dom_init[N_DOMS] = {
	[D_SL] = {1, VTD_STAGE_S2, 4, -1, 0x5000000000ull, true, {{0}}},
	[D_SL3] = {5, VTD_STAGE_S2, 3, -1, 0x2000000000ull, true, {{0}}},
	[D_FL] = {2, VTD_STAGE_S1, 4, -1, 0x7F0000000000ull, true, {{0}}},
	[D_NS2] = {3, VTD_STAGE_S2, 4, -1, GPA_BASE, false, {{0}}},
	[D_NS1] = {4, VTD_STAGE_S1, 4, D_NS2, 0x7E0000000000ull, false, {{0}}},
};

#define ATS_SID 0x0110

static const struct att att_init[] = {
	{0x0100, false, 0, VTD_PGTT_SL, -1, D_SL, false, D_SL, false},
	{0x0100, true, 1, VTD_PGTT_FL, D_FL, -1, false, D_FL, false},
	{0x0108, false, 0, VTD_PGTT_NESTED, D_NS1, D_NS2, false, D_NS1, false},
	{0x0108, true, 2, VTD_PGTT_FL, D_FL, -1, false, D_FL, false},
	{ATS_SID, false, 0, VTD_PGTT_SL, -1, D_SL, true, D_SL, false},
	{ATS_SID, true, 3, VTD_PGTT_FL, D_FL, -1, true, D_FL, false},
	{0x0118, false, 0, VTD_PGTT_SL, -1, D_SL3, false, D_SL3, false},
	{0x0118, true, 4, VTD_PGTT_NESTED, D_NS1, D_NS2, false, D_NS1, false},
	{0x0120, true, 0x8123, VTD_PGTT_SL, -1, D_SL, false, D_SL, false},
};
#define N_ATT (sizeof(att_init) / sizeof(att_init[0]))

static bool slot_big(const struct dom *d, unsigned k)
{
	return d->big && k >= N_SMALL;
}

static uint64_t slot_size(const struct dom *d, unsigned k)
{
	return slot_big(d, k) ? SZ_2M : SZ_4K;
}

static unsigned n_slots(const struct dom *d)
{
	return d->big ? N_SLOTS : N_SMALL;
}

static uint64_t slot_addr(const struct dom *d, unsigned k)
{
	if (slot_big(d, k))
		return d->base + SZ_1G + (k - N_SMALL) * SZ_2M;
	return d->base + (k / 8) * SZ_2M + (k % 8) * SZ_4K;
}

/* Records one assertion labelled with the seed and the operation; the
 * first failure stops the run. */
static bool check(struct world *w, bool cond, const char *what, unsigned op)
{
	char ctx[64];

	if (cond)
		return true;
	snprintf(ctx, sizeof(ctx), "seed 0x%llx op %u", (unsigned long long)w->seed, op);
	unit_true(false, what, ctx, __FILE__, __LINE__);
	w->failed = true;
	return false;
}

/* A new target for slot k of d: a random host page (of the slot's size),
 * or for the nested first level one of NS2's guest pages. */
static void new_target(struct world *w, struct dom *d, unsigned k, struct slot *s)
{
	static const unsigned perms[] = {IOMMU_PERM_R | IOMMU_PERM_W, IOMMU_PERM_R,
					 IOMMU_PERM_R | IOMMU_PERM_W | IOMMU_PERM_X};

	if (d == &w->dom[D_NS1]) {
		s->target = slot_addr(&w->dom[D_NS2], rnd_below(&w->rng, N_SMALL));
	} else if (slot_big(d, k)) {
		s->target = PA_BASE + SZ_1G + (uint64_t)rnd_below(&w->rng, 512) * SZ_2M;
	} else {
		s->target = PA_BASE + (uint64_t)rnd_below(&w->rng, 1u << 16) * SZ_4K;
	}
	s->perm = d == &w->dom[D_NS2] ? perms[2] : perms[rnd_below(&w->rng, 3)];
}

static int map_slot(struct world *w, struct dom *d, unsigned k)
{
	struct slot *s = &d->slot[k];

	return vtd_builder_map_page(w->fx.b, d->id, slot_addr(d, k), s->target, slot_size(d, k),
				    s->perm, true);
}

static int attach(struct world *w, struct att *a)
{
	struct vtd_attach at;

	vtd_attach_init(&at, a->sid, a->type);
	at.has_pasid = a->has_pasid;
	at.pasid = a->pasid;
	at.s1 = a->s1 >= 0 ? (int)w->dom[a->s1].id : -1;
	at.s2 = a->s2 >= 0 ? (int)w->dom[a->s2].id : -1;
	at.dte = a->ats;
	/* WPE = 1: see the report on privileged ATS writes with WPE = 0 */
	at.wpe = true;
	return vtd_builder_attach(w->fx.b, &at);
}

static void world_fini(struct world *w)
{
	vtd_oracle_destroy(w->o);
	ats_bus_destroy(w->bus);
	unit_fx_fini(&w->fx);
}

static bool world_init(struct world *w, const struct iommu_config *cfg, uint64_t seed)
{
	static struct att atts[N_ATT];
	const struct iommu_cache_geom devg = {4, 2, IOMMU_REPL_LRU};
	bool ok = true;

	memset(w, 0, sizeof(*w));
	w->seed = seed;
	w->rng.s = seed;
	memcpy(w->dom, dom_init, sizeof(w->dom));
	memcpy(atts, att_init, sizeof(atts));
	w->att = atts;
	w->n_att = N_ATT;
	if (!unit_fx_init(&w->fx, cfg, NULL))
		return false;
	for (unsigned i = 0; ok && i < N_DOMS; i++) {
		struct dom *d = &w->dom[i];

		ok &= UNIT_EQ_HEX(
			vtd_builder_domain(w->fx.b, d->id, d->stage, d->levels,
					   d->parent >= 0 ? (int)w->dom[d->parent].id : -1),
			0);
	}
	for (unsigned i = 0; ok && i < N_DOMS; i++) {
		struct dom *d = &w->dom[i];

		for (unsigned k = 0; ok && k < n_slots(d); k++) {
			new_target(w, d, k, &d->slot[k]);
			d->slot[k].mapped = true;
			ok &= UNIT_EQ_HEX(map_slot(w, d, k), 0);
		}
	}
	for (unsigned i = 0; ok && i < w->n_att; i++) {
		ok &= UNIT_EQ_HEX(attach(w, &w->att[i]), 0);
		w->att[i].attached = ok;
	}
	w->bus = ats_bus_create();
	w->dev = ats_dev_create(ATS_SID, &devg, seed);
	w->o = vtd_oracle_create(w->fx.mmu);
	ok &= UNIT_TRUE(w->bus && w->dev && w->o);
	if (w->bus && w->dev) {
		ok &= UNIT_EQ_HEX(ats_bus_add(w->bus, w->dev), 0);
		ats_bus_connect(w->bus, w->fx.mmu);
	} else {
		ats_dev_destroy(w->dev);
	}
	if (!ok)
		world_fini(w);
	return ok;
}

/* --- operations ---------------------------------------------------------- */

/* One DMA of attachment a to slot k of its input domain, at a random
 * offset, checked against the walk and by the oracle. */
static void dma_one(struct world *w, struct att *a, unsigned k, unsigned op)
{
	struct dom *d = &w->dom[a->in];
	uint64_t off = rnd(&w->rng) & (slot_size(d, k) - 1) & ~7ull;
	struct iommu_req req = unit_req(a->sid, slot_addr(d, k) + off,
					rnd_below(&w->rng, 3) ? IOMMU_ACC_READ : IOMMU_ACC_WRITE);
	struct iommu_resp ref, resp;
	enum vtd_oracle_verdict v;
	int rc_ref, rc;

	if (a->has_pasid) {
		req.pasid_valid = true;
		req.pasid = a->pasid;
		req.priv = a->type != VTD_PGTT_SL && rnd_below(&w->rng, 4) == 0;
	}
	rc_ref = iommu_probe(w->fx.mmu, &req, &ref);
	if (a->ats)
		rc = ats_dev_dma(w->dev, w->fx.mmu, &req, &resp);
	else
		rc = iommu_translate(w->fx.mmu, &req, &resp);
	w->dmas++;
	check(w, rc_ref == 0 || rc_ref == 1, "probe returns 0 or 1", op);
	if (!check(w, (rc == 0) == (rc_ref == 0), "DMA succeeds iff the walk does", op) ||
	    !check(w, resp.ok == ref.ok, "ok as the walk", op) ||
	    (resp.ok && !check(w, resp.hpa == ref.hpa, "hpa as the walk", op))) {
		fprintf(stderr,
			"  sid 0x%x pasid %d/0x%x priv %d addr 0x%llx acc %d: rc %d ok %d hpa "
			"0x%llx "
			"src %d perm 0x%x fault 0x%x; walk rc %d ok %d hpa 0x%llx perm 0x%x fault "
			"0x%x\n",
			req.sid, req.pasid_valid, req.pasid, req.priv, (unsigned long long)req.addr,
			req.access, rc, resp.ok, (unsigned long long)resp.hpa, resp.source,
			resp.perm, resp.fault, rc_ref, ref.ok, (unsigned long long)ref.hpa,
			ref.perm, ref.fault);
	}
	v = vtd_oracle_check(w->o, &req, &resp);
	check(w, v == VTD_ORACLE_OK, "oracle verdict OK", op);
	if (resp.ok) {
		w->ok++;
		w->iotlb_hits += resp.source == IOMMU_SRC_IOTLB;
		w->devtlb_dmas += a->ats;
	} else {
		w->faults++;
	}
}

/* A burst of 1..4 DMAs to one page, as a device streams a buffer. */
static void op_dma(struct world *w, unsigned op)
{
	struct att *a = &w->att[rnd_below(&w->rng, w->n_att)];
	unsigned k = rnd_below(&w->rng, n_slots(&w->dom[a->in]));
	unsigned n = 1 + rnd_below(&w->rng, 4);

	for (unsigned i = 0; i < n && !w->failed; i++)
		dma_one(w, a, k, op);
}

/* The flush after a change of [iova, iova + size) in d: page-selective
 * mostly, sometimes the whole domain; leaf-only unless told otherwise. */
static void flush(struct world *w, struct dom *d, uint64_t iova, uint64_t size, unsigned op)
{
	bool whole = rnd_below(&w->rng, 10) == 0;
	bool leaf = rnd_below(&w->rng, 5) != 0;
	int rc = vtd_builder_flush(w->fx.b, d->id, false, 0, whole ? 0 : iova, whole ? 0 : size,
				   leaf);

	if (!check(w, rc >= 0, "flush succeeds", op))
		fprintf(stderr, "  flush: %s\n", vtd_builder_error(w->fx.b));
	w->flushes++;
}

static void op_change(struct world *w, unsigned op)
{
	struct dom *d = &w->dom[rnd_below(&w->rng, N_DOMS)];
	unsigned k = rnd_below(&w->rng, n_slots(d));
	struct slot *s = &d->slot[k];
	uint64_t iova = slot_addr(d, k), size = slot_size(d, k);

	if (s->mapped) {
		check(w, vtd_builder_unmap(w->fx.b, d->id, iova, size) == 0, "unmap", op);
		s->mapped = false;
		/* mostly: map elsewhere right away (remap) */
		if (rnd_below(&w->rng, 4)) {
			new_target(w, d, k, s);
			check(w, map_slot(w, d, k) == 0, "remap", op);
			s->mapped = true;
		}
	} else {
		new_target(w, d, k, s);
		check(w, map_slot(w, d, k) == 0, "map", op);
		s->mapped = true;
	}
	w->changes++;
	flush(w, d, iova, size, op);
}

/* Unbind an attachment, or (mostly, when one is unbound) bind one again. */
static void op_detach(struct world *w, unsigned op)
{
	struct att *a = &w->att[rnd_below(&w->rng, w->n_att)];

	for (unsigned i = 0; i < w->n_att; i++) {
		if (!w->att[i].attached && rnd_below(&w->rng, 4)) {
			a = &w->att[i];
			break;
		}
	}
	if (a->attached) {
		check(w, vtd_builder_detach(w->fx.b, a->sid, a->has_pasid, a->pasid) == 0, "detach",
		      op);
		a->attached = false;
		w->detaches++;
	} else {
		check(w, attach(w, a) == 0, "re-attach", op);
		a->attached = true;
	}
}

static void run_seed(const char *name, const struct iommu_config *cfg, uint64_t seed)
{
	struct world w;
	char ctx[96];

	if (!world_init(&w, cfg, seed))
		return;
	for (unsigned op = 0; op < N_OPS && !w.failed; op++) {
		unsigned r = rnd_below(&w.rng, 100);

		if (r < 80)
			op_dma(&w, op);
		else if (r < 98)
			op_change(&w, op);
		else
			op_detach(&w, op);
	}
	snprintf(ctx, sizeof(ctx), "%s seed 0x%llx", name, (unsigned long long)seed);
	UNIT_EQ_HEXC(ctx, vtd_oracle_stale(w.o), 0);
	UNIT_EQ_HEXC(ctx, vtd_oracle_missing_flush(w.o), 0);
	/* the run exercised what it is about */
	UNIT_TRUEC(ctx, w.dmas > N_OPS / 2);
	UNIT_TRUEC(ctx, w.iotlb_hits > w.dmas / 20);
	UNIT_TRUEC(ctx, ats_dev_stats(w.dev)->hits > 10);
	UNIT_TRUEC(ctx, w.faults > 10 && w.ok > w.dmas / 2);
	UNIT_TRUEC(ctx, w.detaches > 5);
	UNIT_TRUEC(ctx, iommu_stats(w.fx.mmu)->qi_errors == 0);
	UNIT_TRUEC(ctx, iommu_cache_stats(w.fx.mmu, IOMMU_CACHE_NESTED_TLB)->hits > 0);
	if (getenv("IOMMUSIM_RANDOM_VERBOSE"))
		fprintf(stderr,
			"%s: %u DMAs (%u ok, %u faults, %u IOTLB hits, %u via ATS), %u changes, "
			"%u flushes, %u detaches; IOTLB evictions %llu\n",
			ctx, w.dmas, w.ok, w.faults, w.iotlb_hits, w.devtlb_dmas, w.changes,
			w.flushes, w.detaches,
			(unsigned long long)iommu_cache_stats(w.fx.mmu, IOMMU_CACHE_IOTLB)
				->evictions);
	world_fini(&w);
}

static void set_all(struct iommu_config *cfg, unsigned sets, unsigned ways, enum iommu_repl r)
{
	struct iommu_cache_geom g = {sets, ways, r};

	cfg->context_cache = g;
	cfg->pasid_cache = g;
	cfg->iotlb = g;
	cfg->fl_pwc = g;
	cfg->sl_pwc = g;
	cfg->nested_tlb = g;
}

static void test_default_caches(void)
{
	struct iommu_config cfg;

	iommu_config_default(&cfg);
	run_seed("default", &cfg, 0x1234567ull);
	run_seed("default", &cfg, 0xC0FFEEull);
}

/* Tiny caches: constant evictions. */
static void test_tiny_lru(void)
{
	struct iommu_config cfg;

	iommu_config_default(&cfg);
	set_all(&cfg, 2, 2, IOMMU_REPL_LRU);
	run_seed("tiny LRU", &cfg, 0xBADC0DEull);
}

static void test_tiny_random_plru(void)
{
	struct iommu_config cfg;

	iommu_config_default(&cfg);
	set_all(&cfg, 1, 4, IOMMU_REPL_RANDOM);
	cfg.iotlb = (struct iommu_cache_geom){4, 2, IOMMU_REPL_PLRU};
	cfg.seed = 99;
	run_seed("tiny random/PLRU", &cfg, 0x5EEDull);
}

void unit_register(void)
{
	static const struct unit_test random_tests[] = {
		{"default caches", test_default_caches},
		{"tiny LRU caches", test_tiny_lru},
		{"tiny random and PLRU caches", test_tiny_random_plru},
		{NULL, NULL},
	};

	unit_add_suite("random", random_tests);
}
