/*
 * Tests of model/src/timing.c: request latencies and resource contention
 * to the cycle, from the rules of docs/uarch.md (defaults: 1-cycle stages,
 * PWC stage 1, 4 walkers, memory latency 50, 8 outstanding, one request
 * transfer per cycle). A request accepted at cycle a that hits is answered
 * at a + 4; a walk started at cycle s with N dependent reads and an idle
 * memory port completes at s + pwc + N * (latency + 1) - 1.
 */
#include "unit.h"

#include <string.h>

#include "iommu/timing.h"
#include "iommu/vtd_builder.h"

#define SID 0x0300
#define DOM 3
#define PA  0x100000000ull
#define G1  0x40000000ull /* one second-level L3 entry per GiB */
#define L   50u           /* memory latency */

struct tfx {
	struct unit_fx fx;
	struct iommu_timing *t;
	struct iommu_timed done[16];
	unsigned ndone;
};

static void on_done(void *ctx, const struct iommu_timed *r)
{
	struct tfx *f = ctx;

	if (f->ndone < 16)
		f->done[f->ndone++] = *r;
}

/* A 4-level second-level domain at SID's RID_PASID; page i of GiB g maps
 * to PA + (g * 512 + i) * 4K. */
static bool tfx_init(struct tfx *f, const struct iommu_tparams *p)
{
	struct iommu_config cfg;
	struct iommu_tparams def;
	bool ok = true;

	memset(f, 0, sizeof(*f));
	iommu_config_default(&cfg);
	iommu_tparams_default(&def);
	if (!unit_fx_init(&f->fx, &cfg, NULL))
		return false;
	ok &= UNIT_EQ_HEX(vtd_builder_domain(f->fx.b, DOM, VTD_STAGE_S2, 4, -1), 0);
	ok &= UNIT_EQ_HEX(unit_attach(&f->fx, SID, false, 0, VTD_PGTT_SL, -1, DOM), 0);
	for (unsigned g = 0; ok && g < 8; g++)
		for (unsigned i = 0; ok && i < 4; i++)
			ok &= UNIT_EQ_HEX(vtd_builder_map_page(f->fx.b, DOM, g * G1 + i * 0x1000,
							       PA + (g * 512 + i) * 0x1000, 0x1000,
							       IOMMU_PERM_R | IOMMU_PERM_W, false),
					  0);
	f->t = iommu_timing_create(f->fx.mmu, p ? p : &def, on_done, f);
	ok &= UNIT_TRUE(f->t != NULL);
	if (!ok)
		unit_fx_fini(&f->fx);
	return ok;
}

static void tfx_fini(struct tfx *f)
{
	iommu_timing_destroy(f->t);
	unit_fx_fini(&f->fx);
}

static void submit(struct tfx *f, uint64_t cycle, unsigned g, unsigned i, uint64_t tag)
{
	struct iommu_req r = unit_req(SID, g * G1 + i * 0x1000, IOMMU_ACC_READ);

	UNIT_EQ_HEX(iommu_timing_submit(f->t, cycle, &r, tag), 0);
}

static const struct iommu_timed *find(const struct tfx *f, uint64_t tag)
{
	for (unsigned k = 0; k < f->ndone; k++)
		if (f->done[k].tag == tag)
			return &f->done[k];
	return NULL;
}

/* A cold miss reads root, context, PASID directory, PASID entry and four
 * second-level entries (8 reads); the same page again hits. */
static void test_miss_then_hit(void)
{
	struct tfx f;
	const struct iommu_timed *a, *b;

	if (!tfx_init(&f, NULL))
		return;
	submit(&f, 0, 0, 0, 1);
	iommu_timing_drain(f.t);
	submit(&f, 500, 0, 0, 2);
	iommu_timing_drain(f.t);
	a = find(&f, 1);
	b = find(&f, 2);
	if (UNIT_TRUE(a && b)) {
		UNIT_EQ_HEX(a->resp.ok, 1);
		UNIT_EQ_HEX(a->walked, 1);
		UNIT_EQ_HEX(a->accept, 0);
		UNIT_EQ_HEX(a->done, 0 + 4 + 1 + 8 * (L + 1) - 1); /* 412 */
		UNIT_EQ_HEX(a->resp.hpa, PA);
		UNIT_EQ_HEX(b->walked, 0);
		UNIT_EQ_HEX(b->done - b->accept, 4);
		UNIT_EQ_HEX(b->resp.source, IOMMU_SRC_IOTLB);
	}
	UNIT_EQ_HEX(iommu_timing_stats(f.t)->mem_reads, 8);
	UNIT_EQ_HEX(iommu_timing_in_flight(f.t), 0);
	tfx_fini(&f);
}

/* Submissions may come out of cycle order (an ATS endpoint's translated
 * request is submitted from the completion of its translation request):
 * the engine accepts them by arrival cycle, equal cycles in submission
 * order; an arrival before the current cycle is refused. */
static void on_done_chain(void *ctx, const struct iommu_timed *r)
{
	on_done(ctx, r);
	if (r->tag == 1) /* the follow-up arrives 10 cycles after the answer */
		submit(ctx, r->done + 10, 0, 0, 9);
}

static void test_arrival_order(void)
{
	struct tfx f;
	struct iommu_tparams p;
	const struct iommu_timed *a, *b, *c, *z;
	struct iommu_req r = unit_req(SID, 0, IOMMU_ACC_READ);

	iommu_tparams_default(&p);
	if (!tfx_init(&f, &p))
		return;
	iommu_timing_destroy(f.t);
	f.t = iommu_timing_create(f.fx.mmu, &p, on_done_chain, &f);
	if (!UNIT_TRUE(f.t != NULL)) {
		unit_fx_fini(&f.fx);
		return;
	}
	submit(&f, 0, 0, 0, 1);    /* cold walk, answered at 412 */
	submit(&f, 2000, 0, 0, 3); /* submitted before 2 but arrives after it */
	submit(&f, 1000, 0, 0, 2);
	iommu_timing_drain(f.t);
	a = find(&f, 1);
	b = find(&f, 2);
	c = find(&f, 3);
	z = find(&f, 9);
	if (UNIT_TRUE(a && b && c && z)) {
		UNIT_EQ_HEX(a->done, 412);
		UNIT_EQ_HEX(z->accept, 422); /* submitted during cycle 412's completion */
		UNIT_EQ_HEX(z->done, 426);   /* a hit: the walk's fills are in */
		UNIT_EQ_HEX(b->accept, 1000);
		UNIT_EQ_HEX(c->accept, 2000);
	}
	UNIT_EQ_HEX(iommu_timing_submit(f.t, iommu_timing_now(f.t) - 1, &r, 7), -IOMMU_EINVAL);
	tfx_fini(&f);
}

/* While a walk waits for memory nothing else can happen: the next event is
 * its memory response; idle with nothing to come, there is none. */
static void test_next_event(void)
{
	struct tfx f;

	if (!tfx_init(&f, NULL))
		return;
	UNIT_EQ_HEX(iommu_timing_next_event(f.t), UINT64_MAX);
	submit(&f, 100, 0, 0, 1);
	UNIT_EQ_HEX(iommu_timing_next_event(f.t), 100); /* the arrival */
	iommu_timing_advance(f.t, 100 + 5);             /* accepted, through the pipeline */
	UNIT_EQ_HEX(iommu_timing_next_event(f.t), 105); /* the walker takes it */
	iommu_timing_advance(f.t, 107); /* the PWC stage done, the first read in flight */
	/* nothing happens until that read's response, at most L cycles away */
	UNIT_TRUE(iommu_timing_next_event(f.t) > 107);
	UNIT_EQ_HEX(iommu_timing_next_event(f.t) - 107 <= L, 1);
	iommu_timing_drain(f.t);
	UNIT_EQ_HEX(f.ndone, 1);
	UNIT_EQ_HEX(f.done[0].done, 100 + 412);
	UNIT_EQ_HEX(iommu_timing_next_event(f.t), UINT64_MAX);
	tfx_fini(&f);
}

/* Hit-under-miss: a hit accepted after a miss is answered first. The miss
 * (another GiB: the second-level L4 entry is in the PWC) reads 3 entries. */
static void test_hit_under_miss(void)
{
	struct tfx f;
	const struct iommu_timed *a, *b;

	if (!tfx_init(&f, NULL))
		return;
	submit(&f, 0, 0, 0, 1); /* warm context, PASID, PWC and page (0, 0) */
	iommu_timing_drain(f.t);
	submit(&f, 1000, 5, 0, 2); /* miss */
	submit(&f, 1001, 0, 0, 3); /* hit */
	iommu_timing_drain(f.t);
	a = find(&f, 2);
	b = find(&f, 3);
	if (UNIT_TRUE(a && b)) {
		UNIT_EQ_HEX(a->done, 1000 + 4 + 1 + 3 * (L + 1) - 1);
		UNIT_EQ_HEX(b->done, 1001 + 4);
		UNIT_TRUE(b->done < a->done);
		UNIT_EQ_HEX(a->resp.hpa, PA + 5 * 512 * 0x1000);
	}
	tfx_fini(&f);
}

/* Five cold misses, one per cycle, on four walkers: the fifth waits until
 * walker 0 answers (cycle 412) and starts the cycle after, when the first
 * two walks' fills are in: only 3 reads are left for it. */
static void test_walker_slots(void)
{
	struct tfx f;
	const struct iommu_timed *e;

	if (!tfx_init(&f, NULL))
		return;
	for (unsigned k = 0; k < 5; k++)
		submit(&f, k, k + 1, 0, k);
	iommu_timing_drain(f.t);
	for (unsigned k = 0; k < 4; k++) {
		e = find(&f, k);
		if (UNIT_TRUE(e != NULL))
			UNIT_EQ_HEX(e->done, k + 4 + 1 + 8 * (L + 1) - 1);
	}
	e = find(&f, 4);
	if (UNIT_TRUE(e != NULL)) {
		UNIT_EQ_HEX(e->resp.refs.sl[3] + e->resp.refs.sl[2] + e->resp.refs.sl[1], 3);
		UNIT_EQ_HEX(e->resp.refs.root + e->resp.refs.context, 0);
		UNIT_EQ_HEX(e->done, 413 + 1 + 3 * (L + 1) - 1);
	}
	tfx_fini(&f);
}

/* One memory request in flight at a time: two walks take turns. */
static void test_mem_outstanding(void)
{
	struct iommu_tparams p;
	struct tfx f;
	const struct iommu_timed *a, *b;

	iommu_tparams_default(&p);
	p.mem_outstanding = 1;
	if (!tfx_init(&f, &p))
		return;
	submit(&f, 0, 0, 0, 1);
	submit(&f, 0, 1, 0, 2); /* accepted at 1 */
	iommu_timing_drain(f.t);
	a = find(&f, 1);
	b = find(&f, 2);
	if (UNIT_TRUE(a && b)) {
		UNIT_EQ_HEX(b->accept, 1);
		/* walk A issues at 5, 105, ..., 705; walk B at 55, 155, ..., 755 */
		UNIT_EQ_HEX(a->done, 705 + L);
		UNIT_EQ_HEX(b->done, 755 + L);
	}
	tfx_fini(&f);
}

/* The queue engine: P_IOTLB (fetch 50, scan 64 sets) then a wait with a
 * status write (fetch 50, write 50): the wait completes 214 cycles after
 * the flush was queued. */
static void test_wait_latency(void)
{
	struct tfx f;
	const struct iommu_timing_stats *st;

	if (!tfx_init(&f, NULL))
		return;
	iommu_timing_advance(f.t, 100);
	UNIT_EQ_HEX(vtd_builder_flush(f.fx.b, DOM, false, 0, 0, 0, false), 1);
	iommu_timing_drain(f.t);
	st = iommu_timing_stats(f.t);
	UNIT_EQ_HEX(st->qi_descriptors, 2);
	UNIT_EQ_HEX(st->qi_waits, 1);
	UNIT_EQ_HEX(st->wait_latency_max, L + 64 + L + L);
	UNIT_EQ_HEX(st->wait_latency_sum, L + 64 + L + L);
	tfx_fini(&f);
}

/* An invalidation while a walk is in flight: the walk answers, but its
 * fills are dropped, so the same page walks again afterwards. */
static void test_fills_dropped(void)
{
	struct tfx f;
	const struct iommu_timed *b;

	if (!tfx_init(&f, NULL))
		return;
	submit(&f, 0, 0, 0, 1);
	iommu_timing_advance(f.t, 100);
	UNIT_EQ_HEX(vtd_builder_flush(f.fx.b, DOM, false, 0, 0, 0, false), 1);
	iommu_timing_drain(f.t);
	UNIT_EQ_HEX(iommu_timing_stats(f.t)->walk_fills_dropped, 1);
	UNIT_TRUE(find(&f, 1) && find(&f, 1)->resp.ok);
	submit(&f, 2000, 0, 0, 2);
	iommu_timing_drain(f.t);
	b = find(&f, 2);
	if (UNIT_TRUE(b != NULL))
		UNIT_EQ_HEX(b->walked, 1);
	tfx_fini(&f);
}

static void test_hist(void)
{
	static struct iommu_hist h;

	memset(&h, 0, sizeof(h));
	UNIT_EQ_HEX(iommu_hist_quantile(&h, 0.5), 0);
	for (uint64_t v = 1; v <= 100; v++)
		iommu_hist_add(&h, v);
	UNIT_EQ_HEX(iommu_hist_quantile(&h, 0.5), 50);
	UNIT_EQ_HEX(iommu_hist_quantile(&h, 0.9), 90);
	UNIT_EQ_HEX(iommu_hist_quantile(&h, 0.99), 99);
	UNIT_EQ_HEX(iommu_hist_quantile(&h, 1.0), 100);
	UNIT_EQ_HEX(h.min, 1);
	UNIT_EQ_HEX(h.sum, 5050);
	/* above 1024: within 1/64 of the value, never above the maximum */
	iommu_hist_add(&h, 100000);
	UNIT_EQ_HEX(iommu_hist_quantile(&h, 1.0), 100000);
	iommu_hist_add(&h, 5000);
	iommu_hist_add(&h, 5000);
	UNIT_TRUE(iommu_hist_quantile(&h, 0.99) >= 5000 &&
		  iommu_hist_quantile(&h, 0.99) < 5000 + 5000 / 64 + 1);
}

static void test_params(void)
{
	struct iommu_tparams p;
	const char *why = NULL;

	iommu_tparams_default(&p);
	UNIT_EQ_HEX(iommu_tparams_check(&p, &why), 0);
	p.walk_slots = 0;
	UNIT_EQ_HEX(iommu_tparams_check(&p, &why), -IOMMU_EINVAL);
	UNIT_TRUE(why && strstr(why, "walk.slots"));
	iommu_tparams_default(&p);
	p.mem_latency = 0;
	UNIT_EQ_HEX(iommu_tparams_check(&p, &why), -IOMMU_EINVAL);
}

void unit_register(void)
{
	static const struct unit_test tests[] = {
		{"arrivals out of order, submit from a completion", test_arrival_order},
		{"next event: the cycles that can be skipped", test_next_event},
		{"cold miss, then a hit", test_miss_then_hit},
		{"hit under miss", test_hit_under_miss},
		{"walker slots", test_walker_slots},
		{"memory outstanding limit", test_mem_outstanding},
		{"invalidation wait latency", test_wait_latency},
		{"fills dropped by an invalidation", test_fills_dropped},
		{"latency histogram", test_hist},
		{"parameters", test_params},
		{NULL, NULL},
	};

	unit_add_suite("timing.c", tests);
}
