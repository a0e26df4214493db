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
#include "iommu/vtd_qi.h"
#include "iommu/vtd_regs.h"

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
static bool tfx_init_cfg(struct tfx *f, const struct iommu_tparams *p, const struct iommu_config *c)
{
	struct iommu_config cfg;
	struct iommu_tparams def;
	bool ok = true;

	memset(f, 0, sizeof(*f));
	if (c)
		cfg = *c;
	else
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

static bool tfx_init(struct tfx *f, const struct iommu_tparams *p)
{
	return tfx_init_cfg(f, p, NULL);
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

/* The scan of an IOTLB flush takes the most sets of the caches it touches
 * that are present: an absent cache (ways 0) takes none, whatever its sets. */
static void test_scan_absent(void)
{
	struct iommu_config cfg;
	struct tfx f;

	for (unsigned present = 0; present < 2; present++) {
		iommu_config_default(&cfg);
		cfg.nested_tlb.sets = 256;
		cfg.nested_tlb.ways = present ? 2 : 0;
		cfg.fl_pwc.sets = 128;
		cfg.fl_pwc.ways = 0;
		if (!tfx_init_cfg(&f, NULL, &cfg))
			return;
		iommu_timing_advance(f.t, 100);
		UNIT_EQ_HEX(vtd_builder_flush(f.fx.b, DOM, false, 0, 0, 0, false), 1);
		iommu_timing_drain(f.t);
		UNIT_EQ_HEX(iommu_timing_stats(f.t)->wait_latency_max,
			    L + (present ? 256 : 64) + L + L);
		tfx_fini(&f);
	}
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

/* Software that posts descriptors without polling: no time passes while
 * it writes (the tests run the engine themselves). */
static int no_spin(void *ctx)
{
	(void)ctx;
	return 1;
}

/* Posts one descriptor at the current cycle: the IQT write only moves the
 * tail. */
static void post(struct tfx *f, const uint64_t qw[4])
{
	iommu_set_spin(f->fx.mmu, no_spin, NULL);
	UNIT_EQ_HEX(vtd_builder_submit(f->fx.b, qw), 0);
}

static uint64_t iqh(const struct tfx *f)
{
	return iommu_reg_read(f->fx.mmu, VTD_REG_IQH, 8);
}

/* An IOTLB invalidation written to the queue at 1000 is fetched at 1000
 * (response 1050) and executes at 1050, after that cycle's lookups: a
 * request looked up at 1050 still hits the old entry, one looked up at
 * 1051 misses and walks. IQH moves at 1050. */
static void test_inval_at_execution(void)
{
	struct tfx f;
	const struct iommu_timed *a, *b;
	uint64_t qw[4], h0;

	if (!tfx_init(&f, NULL))
		return;
	submit(&f, 0, 0, 0, 1); /* warm page (0, 0) */
	iommu_timing_drain(f.t);
	submit(&f, 1047, 0, 0, 2); /* stage T at 1050 */
	submit(&f, 1048, 0, 0, 3); /* stage T at 1051 */
	iommu_timing_advance(f.t, 1000);
	h0 = iqh(&f);
	vtd_desc_iotlb(qw, VTD_IOTLB_GLOBAL, 0, 0, 0, false);
	post(&f, qw);
	UNIT_EQ_HEX(iqh(&f), h0); /* not executed at the IQT write */
	iommu_timing_advance(f.t, 1050);
	UNIT_EQ_HEX(iqh(&f), h0);
	UNIT_EQ_HEX(iommu_timing_queue_pending(f.t), 1);
	iommu_timing_advance(f.t, 1051);
	UNIT_EQ_HEX(iqh(&f), h0 + 32);
	iommu_timing_drain(f.t);
	a = find(&f, 2);
	b = find(&f, 3);
	if (UNIT_TRUE(a && b)) {
		UNIT_EQ_HEX(a->walked, 0);
		UNIT_EQ_HEX(a->done, 1047 + 4);
		UNIT_EQ_HEX(b->walked, 1);
	}
	UNIT_EQ_HEX(iommu_timing_stats(f.t)->qi_descriptors, 1);
	UNIT_EQ_HEX(iommu_timing_queue_pending(f.t), 0);
	tfx_fini(&f);
}

/* A cold walk (take 4, reads granted at 5 + 51k, the last at 362) completes
 * at 412. Its fills become visible from 413: a request looked up at 412
 * misses, one looked up at 413 hits. */
static void test_fill_next_cycle(void)
{
	struct tfx f;
	const struct iommu_timed *a, *x, *y;

	if (!tfx_init(&f, NULL))
		return;
	submit(&f, 0, 0, 0, 1);
	submit(&f, 409, 0, 0, 2); /* stage T at 412 */
	submit(&f, 410, 0, 0, 3); /* stage T at 413 */
	iommu_timing_drain(f.t);
	a = find(&f, 1);
	x = find(&f, 2);
	y = find(&f, 3);
	if (UNIT_TRUE(a && x && y)) {
		UNIT_EQ_HEX(a->done, 412);
		UNIT_EQ_HEX(x->walked, 1);
		UNIT_EQ_HEX(y->walked, 0);
		/* answered at 415: at 414 the port sends x's walk (taken at
		 * 413, it found the fills and read nothing) */
		UNIT_EQ_HEX(x->done, 414);
		UNIT_EQ_HEX(y->done, 410 + 5);
	}
	UNIT_EQ_HEX(iommu_timing_stats(f.t)->walk_fills_dropped, 0);
	tfx_fini(&f);
}

/* The cold walk of page (0, 0) completes at 412. A descriptor that
 * executes during it (at 411: written at 361) drops its fills, even one
 * that matches none of them; one that executes at 413 (written at 363)
 * does not: the fills are in, and an invalidation then removes what it
 * matches. */
static void walk_vs_exec(uint64_t write_at, bool matching, bool want_hit_at_600)
{
	struct tfx f;
	const struct iommu_timed *a, *b;
	uint64_t qw[4];

	if (!tfx_init(&f, NULL))
		return;
	submit(&f, 0, 0, 0, 1);
	iommu_timing_advance(f.t, write_at);
	if (matching)
		vtd_desc_iotlb(qw, VTD_IOTLB_GLOBAL, 0, 0, 0, false);
	else
		vtd_desc_cc(qw, VTD_CC_DEVICE, 0, SID + 1, 0); /* another device */
	post(&f, qw);
	iommu_timing_drain(f.t);
	submit(&f, 600, 0, 0, 2);
	iommu_timing_drain(f.t);
	a = find(&f, 1);
	b = find(&f, 2);
	if (UNIT_TRUE(a && b)) {
		UNIT_EQ_HEX(a->done, 412);
		UNIT_EQ_HEX(a->resp.ok, 1);
		UNIT_EQ_HEX(b->walked, want_hit_at_600 ? 0 : 1);
	}
	UNIT_EQ_HEX(iommu_timing_stats(f.t)->walk_fills_dropped, write_at + L <= 412 ? 1 : 0);
	tfx_fini(&f);
}

static void test_fill_vs_exec(void)
{
	walk_vs_exec(361, false, false); /* executes at 411, in the walk: dropped */
	walk_vs_exec(363, false, true);  /* at 413: the fills stay */
	walk_vs_exec(363, true, false);  /* at 413, matching: filled, then removed */
}

/* A descriptor executing in the walk's take cycle counts too: page (1, 0)
 * requested at 1047 is taken at 1051; a descriptor executing at 1051
 * (written at 1001) drops its fills, one at 1050 (written at 1000) does not
 * (the walk's translation saw the caches after it). */
static void take_vs_exec(uint64_t write_at, uint64_t want_dropped)
{
	struct tfx f;
	uint64_t qw[4];

	if (!tfx_init(&f, NULL))
		return;
	submit(&f, 0, 0, 0, 1); /* warm context, PASID, PWC */
	iommu_timing_drain(f.t);
	submit(&f, 1047, 1, 0, 2);
	iommu_timing_advance(f.t, write_at);
	vtd_desc_cc(qw, VTD_CC_DEVICE, 0, SID + 1, 0);
	post(&f, qw);
	iommu_timing_drain(f.t);
	UNIT_EQ_HEX(iommu_timing_stats(f.t)->walk_fills_dropped, want_dropped);
	tfx_fini(&f);
}

static void test_take_vs_exec(void)
{
	take_vs_exec(1000, 0);
	take_vs_exec(1001, 1);
}

/* A bad descriptor (type 4, not supported) written at 1000 raises IQE when
 * it executes, at 1050, with IQH left on it; the engine then stops. */
static void test_iqe_at_execution(void)
{
	struct tfx f;
	uint64_t qw[4] = {0x4, 0, 0, 0}, h0;

	if (!tfx_init(&f, NULL))
		return;
	iommu_timing_advance(f.t, 1000);
	h0 = iqh(&f);
	post(&f, qw);
	iommu_timing_advance(f.t, 1050);
	UNIT_EQ_HEX(iommu_reg_read(f.fx.mmu, VTD_REG_FSTS, 4) & VTD_FSTS_IQE, 0);
	iommu_timing_advance(f.t, 1051);
	UNIT_EQ_HEX(iommu_reg_read(f.fx.mmu, VTD_REG_FSTS, 4) & VTD_FSTS_IQE, VTD_FSTS_IQE);
	UNIT_EQ_HEX(iommu_reg_read(f.fx.mmu, VTD_REG_IQER, 8) & VTD_IQER_IQEI, VTD_IQEI_TYPE);
	UNIT_EQ_HEX(iqh(&f), h0);
	UNIT_EQ_HEX(iommu_timing_queue_pending(f.t), 0);
	iommu_timing_drain(f.t); /* a stopped queue is not work: drain ends */
	UNIT_EQ_HEX(iommu_timing_stats(f.t)->qi_descriptors, 0);
	UNIT_EQ_HEX(iommu_stats(f.fx.mmu)->qi_errors, 1);
	tfx_fini(&f);
}

/* A wait with SW and IF written at 1000: fetched 1000..1050, executes at
 * 1050, its status write is granted at 1050 (the status word and ICS.IWC
 * change then) and completes at 1100 (latency 100). Without SW, IWC is set
 * when the wait completes. */
static void test_wait_status_at_grant(void)
{
	const uint64_t status = 0xF0000000ull;
	struct tfx f;
	const struct iommu_timing_stats *st;
	uint64_t qw[4];

	if (!tfx_init(&f, NULL))
		return;
	unit_poke64(&f.fx, status, 0);
	iommu_timing_advance(f.t, 1000);
	vtd_desc_wait(qw, VTD_WAIT_SW | VTD_WAIT_IF, status, 0x5A5A);
	post(&f, qw);
	iommu_timing_advance(f.t, 1050);
	UNIT_EQ_HEX(unit_peek64(&f.fx, status), 0);
	UNIT_EQ_HEX(iommu_reg_read(f.fx.mmu, VTD_REG_ICS, 4) & VTD_ICS_IWC, 0);
	iommu_timing_advance(f.t, 1051);
	UNIT_EQ_HEX(unit_peek64(&f.fx, status), 0x5A5A);
	UNIT_EQ_HEX(iommu_reg_read(f.fx.mmu, VTD_REG_ICS, 4) & VTD_ICS_IWC, VTD_ICS_IWC);
	UNIT_EQ_HEX(iommu_timing_queue_pending(f.t), 1); /* the write in flight */
	iommu_timing_advance(f.t, 1101);
	UNIT_EQ_HEX(iommu_timing_queue_pending(f.t), 0);
	st = iommu_timing_stats(f.t);
	UNIT_EQ_HEX(st->qi_waits, 1);
	UNIT_EQ_HEX(st->wait_latency_max, 100);
	UNIT_EQ_HEX(iommu_stats(f.fx.mmu)->qi_waits, 1);
	/* without SW */
	iommu_reg_write(f.fx.mmu, VTD_REG_ICS, 4, VTD_ICS_IWC);
	iommu_timing_advance(f.t, 2000);
	vtd_desc_wait(qw, VTD_WAIT_IF, 0, 0);
	post(&f, qw);
	iommu_timing_advance(f.t, 2050);
	UNIT_EQ_HEX(iommu_reg_read(f.fx.mmu, VTD_REG_ICS, 4) & VTD_ICS_IWC, 0);
	iommu_timing_drain(f.t);
	UNIT_EQ_HEX(iommu_reg_read(f.fx.mmu, VTD_REG_ICS, 4) & VTD_ICS_IWC, VTD_ICS_IWC);
	UNIT_EQ_HEX(iommu_timing_stats(f.t)->qi_waits, 2);
	tfx_fini(&f);
}

/* A wait with FN executing while a walk is in flight (taken at 4,
 * answered at 412) waits for it: its status write is granted at 413, the
 * first cycle the slot is free, and it completes at 463. Without FN it is
 * granted when it executes (150) and completes at 200. */
static void fence_case(unsigned flags, uint64_t want_grant)
{
	const uint64_t status = 0xF0000000ull;
	struct tfx f;
	uint64_t qw[4];

	if (!tfx_init(&f, NULL))
		return;
	unit_poke64(&f.fx, status, 0);
	submit(&f, 0, 0, 0, 1);
	iommu_timing_advance(f.t, 100);
	vtd_desc_wait(qw, VTD_WAIT_SW | flags, status, 1);
	post(&f, qw);
	iommu_timing_advance(f.t, want_grant);
	UNIT_EQ_HEX(unit_peek64(&f.fx, status), 0);
	iommu_timing_advance(f.t, want_grant + 1);
	UNIT_EQ_HEX(unit_peek64(&f.fx, status), 1);
	iommu_timing_drain(f.t);
	UNIT_EQ_HEX(iommu_timing_stats(f.t)->wait_latency_max, want_grant + L - 100);
	UNIT_TRUE(find(&f, 1) && find(&f, 1)->done == 412);
	tfx_fini(&f);
}

static void test_wait_fence(void)
{
	fence_case(VTD_WAIT_FN, 413);
	fence_case(0, 150);
}

#define SILENT_SID 0x0777

static bool silent_inv(void *ctx, uint16_t sid, bool pv, uint32_t pasid, bool global, uint64_t addr,
		       uint64_t size)
{
	(void)ctx, (void)pv, (void)pasid, (void)global, (void)addr, (void)size;
	return sid != SILENT_SID;
}

/* ats.timeout 1000. A device-TLB invalidation to an endpoint that never
 * answers, a wait and a context-cache invalidation, written at 1000: the
 * first executes at 1050 (its request leaves then) and completes at 1051,
 * the wait executes at 1101 and waits. ITE at 1050 + 1000: the wait is
 * dropped (no status write, no IWC), the context-cache invalidation behind
 * it aborted, IQH moves to IQT. After software clears ITE the queue runs
 * again. The same descriptors to an endpoint that answers complete. */
static void test_devtlb_timeout(void)
{
	static const struct iommu_ats_ops ops = {.invalidate = silent_inv};
	const uint64_t status = 0xF0000000ull;
	struct iommu_tparams p;
	struct tfx f;
	uint64_t qw[4];

	iommu_tparams_default(&p);
	p.ats_timeout = 1000;
	if (!tfx_init(&f, &p))
		return;
	iommu_set_ats(f.fx.mmu, &ops, NULL);
	unit_poke64(&f.fx, status, 0);
	iommu_timing_advance(f.t, 1000);
	vtd_desc_devtlb(qw, SILENT_SID, 0x5000, 4096);
	post(&f, qw);
	vtd_desc_wait(qw, VTD_WAIT_SW | VTD_WAIT_IF, status, 1);
	post(&f, qw);
	vtd_desc_cc(qw, VTD_CC_GLOBAL, 0, 0, 0);
	post(&f, qw);
	iommu_timing_advance(f.t, 1200);
	UNIT_EQ_HEX(iommu_timing_next_event(f.t), 2050); /* nothing before the timeout */
	iommu_timing_advance(f.t, 2050);
	UNIT_EQ_HEX(iommu_reg_read(f.fx.mmu, VTD_REG_FSTS, 4) & VTD_FSTS_ITE, 0);
	UNIT_EQ_HEX(iommu_timing_queue_pending(f.t), 2); /* the wait and the cc */
	iommu_timing_advance(f.t, 2051);
	UNIT_EQ_HEX(iommu_reg_read(f.fx.mmu, VTD_REG_FSTS, 4) & VTD_FSTS_ITE, VTD_FSTS_ITE);
	UNIT_EQ_HEX(FIELD_GET64(VTD_IQER_ITESID, iommu_reg_read(f.fx.mmu, VTD_REG_IQER, 8)),
		    SILENT_SID);
	UNIT_EQ_HEX(iqh(&f), iommu_reg_read(f.fx.mmu, VTD_REG_IQT, 8));
	UNIT_EQ_HEX(iommu_timing_queue_pending(f.t), 0);
	UNIT_EQ_HEX(unit_peek64(&f.fx, status), 0);
	UNIT_EQ_HEX(iommu_reg_read(f.fx.mmu, VTD_REG_ICS, 4) & VTD_ICS_IWC, 0);
	UNIT_EQ_HEX(iommu_stats(f.fx.mmu)->devtlb_timeouts, 1);
	UNIT_EQ_HEX(iommu_stats(f.fx.mmu)->qi_aborted, 2);
	UNIT_EQ_HEX(iommu_timing_stats(f.t)->qi_dropped, 1);
	UNIT_EQ_HEX(iommu_timing_stats(f.t)->qi_descriptors, 1);
	UNIT_EQ_HEX(iommu_timing_stats(f.t)->qi_waits, 0);
	/* Software clears ITE; the queue resumes; an answering endpoint. */
	iommu_reg_write(f.fx.mmu, VTD_REG_FSTS, 4, VTD_FSTS_ITE);
	iommu_timing_advance(f.t, 3000);
	vtd_desc_devtlb(qw, SID, 0x5000, 4096);
	post(&f, qw);
	vtd_desc_wait(qw, VTD_WAIT_SW | VTD_WAIT_IF, status, 2);
	post(&f, qw);
	iommu_timing_drain(f.t);
	UNIT_EQ_HEX(unit_peek64(&f.fx, status), 2);
	UNIT_EQ_HEX(iommu_reg_read(f.fx.mmu, VTD_REG_FSTS, 4) & VTD_FSTS_ITE, 0);
	UNIT_EQ_HEX(iommu_stats(f.fx.mmu)->devtlb_timeouts, 1);
	UNIT_EQ_HEX(iommu_timing_stats(f.t)->qi_waits, 1);
	tfx_fini(&f);
}

/* Without a timing engine (destroyed: the model is functional again) the
 * IQT write runs the queue at once. */
/* --- Page requests (docs/uarch.md section 8.1) ------------------------------ */

struct pfx {
	struct tfx t;
	struct iommu_timed_pr pr[8];
	unsigned npr;
	uint64_t rsp_cycle[8]; /* page group responses, in the cycle they leave */
	unsigned rsp_code[8];
	unsigned nrsp;
};

static void on_pr(void *ctx, const struct iommu_timed_pr *r)
{
	struct pfx *f = ctx;

	if (f->npr < 8)
		f->pr[f->npr++] = *r;
}

static void on_rsp(void *ctx, uint16_t sid, bool pv, uint32_t pasid, uint16_t prgi, unsigned code)
{
	struct pfx *f = ctx;

	(void)sid;
	(void)pv;
	(void)pasid;
	(void)prgi;
	if (f->nrsp < 8) {
		f->rsp_code[f->nrsp] = code;
		f->rsp_cycle[f->nrsp++] = iommu_timing_now(f->t.t);
	}
}

static const struct iommu_pri_ops pfx_pri = {on_rsp};

/* ECAP.PRS, a one-page queue, SID with PRE = pre. */
static bool pfx_init(struct pfx *f, bool pre)
{
	struct iommu_config cfg;
	struct vtd_builder_config bcfg;
	struct iommu_tparams def;
	bool ok = true;

	memset(f, 0, sizeof(*f));
	iommu_config_default(&cfg);
	cfg.page_req = true;
	vtd_builder_config_default(&bcfg);
	bcfg.prq_order = 0;
	iommu_tparams_default(&def);
	if (!unit_fx_init(&f->t.fx, &cfg, &bcfg))
		return false;
	ok &= UNIT_EQ_HEX(vtd_builder_domain(f->t.fx.b, DOM, VTD_STAGE_S2, 4, -1), 0);
	ok &= UNIT_EQ_HEX(unit_attach(&f->t.fx, SID, false, 0, VTD_PGTT_SL, -1, DOM), 0);
	if (pre)
		ok &= UNIT_EQ_HEX(vtd_builder_set_dev_caps(f->t.fx.b, SID, VTD_DEV_PRI), 0);
	f->t.t = iommu_timing_create(f->t.fx.mmu, &def, on_done, &f->t);
	ok &= UNIT_TRUE(f->t.t != NULL);
	if (!ok) {
		unit_fx_fini(&f->t.fx);
		return false;
	}
	iommu_timing_set_pr_done(f->t.t, on_pr, f);
	iommu_set_pri(f->t.fx.mmu, &pfx_pri, f);
	return true;
}

static void pfx_fini(struct pfx *f)
{
	tfx_fini(&f->t);
}

static struct iommu_page_req pfx_req(unsigned prgi)
{
	return (struct iommu_page_req){
		.sid = SID, .addr = 0x5000, .read = true, .lpig = true, .prgi = (uint16_t)prgi};
}

/* Accepted at 1000: root and context reads granted at 1001 and 1052
 * (responses 1051, 1102), the decision at 1102, the four descriptor
 * writes granted at 1103, 1154, 1205, 1256, each word in memory from its
 * grant; PQT and PPR move when the last response arrives, at 1306. A
 * second request that arrived meanwhile is taken at 1307. */
static void test_pr_queued(void)
{
	struct pfx f;
	struct iommu_page_req pr = pfx_req(7), pr2 = pfx_req(8), bad = pfx_req(9);
	const struct iommu_timing_stats *st;
	uint64_t pqa, qw[4];

	if (!pfx_init(&f, true))
		return;
	pqa = iommu_reg_read(f.t.fx.mmu, VTD_REG_PQA, 8) & VTD_PQA_PQA;
	vtd_prd_encode(qw, &pr);
	UNIT_EQ_HEX(iommu_timing_page_request(f.t.t, 1000, &pr, 1), 0);
	UNIT_EQ_HEX(iommu_timing_page_request(f.t.t, 1200, &pr2, 2), 0);
	bad.prgi = 0x200; /* over 9 bits */
	UNIT_EQ_HEX(iommu_timing_page_request(f.t.t, 1200, &bad, 3), -IOMMU_EINVAL);
	UNIT_EQ_HEX(iommu_timing_page_request(f.t.t, 999, &pr, 3), 0);
	/* in arrival order: tag 3 (999 .. 1305), then tag 1, then tag 2 */
	UNIT_EQ_HEX(iommu_timing_next_event(f.t.t), 999);
	iommu_timing_drain(f.t.t);
	UNIT_EQ_HEX(f.npr, 3);
	UNIT_EQ_HEX(f.pr[0].tag, 3);
	UNIT_EQ_HEX(f.pr[0].accept, 999);
	UNIT_EQ_HEX(f.pr[0].done, 999 + 6 * (L + 1));
	UNIT_EQ_HEX(f.pr[1].tag, 1);
	UNIT_EQ_HEX(f.pr[1].accept, 999 + 6 * (L + 1) + 1);
	UNIT_EQ_HEX(f.pr[2].tag, 2);
	UNIT_EQ_HEX(f.pr[2].res.outcome, IOMMU_PR_QUEUED);
	pfx_fini(&f);

	/* The cycles of one request. */
	if (!pfx_init(&f, true))
		return;
	UNIT_EQ_HEX(iommu_timing_page_request(f.t.t, 1000, &pr, 1), 0);
	UNIT_EQ_HEX(iommu_timing_page_request(f.t.t, 1000, &pr2, 2), 0);
	iommu_timing_advance(f.t.t, 1103);
	UNIT_EQ_HEX(unit_peek64(&f.t.fx, pqa), 0);
	iommu_timing_advance(f.t.t, 1104);
	UNIT_EQ_HEX(unit_peek64(&f.t.fx, pqa), qw[0]);
	UNIT_EQ_HEX(unit_peek64(&f.t.fx, pqa + 8), 0);
	iommu_timing_advance(f.t.t, 1256);
	UNIT_EQ_HEX(unit_peek64(&f.t.fx, pqa + 8), qw[1]);
	UNIT_EQ_HEX(unit_peek64(&f.t.fx, pqa + 24), 0);
	iommu_timing_advance(f.t.t, 1306);
	UNIT_EQ_HEX(unit_peek64(&f.t.fx, pqa + 24), qw[3]);
	UNIT_EQ_HEX(iommu_reg_read(f.t.fx.mmu, VTD_REG_PQT, 8), 0);
	UNIT_EQ_HEX(iommu_reg_read(f.t.fx.mmu, VTD_REG_PRS, 4), 0);
	UNIT_EQ_HEX(f.npr, 0);
	iommu_timing_advance(f.t.t, 1307);
	UNIT_EQ_HEX(iommu_reg_read(f.t.fx.mmu, VTD_REG_PQT, 8), 32);
	UNIT_EQ_HEX(iommu_reg_read(f.t.fx.mmu, VTD_REG_PRS, 4), VTD_PRS_PPR);
	UNIT_EQ_HEX(iommu_prq_in_flight(f.t.fx.mmu), 1);
	UNIT_EQ_HEX(f.npr, 1);
	UNIT_EQ_HEX(f.pr[0].done, 1306);
	UNIT_EQ_HEX(f.pr[0].res.outcome, IOMMU_PR_QUEUED);
	UNIT_EQ_HEX(iommu_timing_pr_in_flight(f.t.t), 1); /* the second, not taken yet */
	iommu_timing_advance(f.t.t, 1308);
	UNIT_EQ_HEX(iommu_timing_pr_in_flight(f.t.t), 1);
	iommu_timing_drain(f.t.t);
	UNIT_EQ_HEX(f.npr, 2);
	UNIT_EQ_HEX(f.pr[1].accept, 1307);
	UNIT_EQ_HEX(f.pr[1].done, 1307 + 6 * (L + 1));
	UNIT_EQ_HEX(iommu_reg_read(f.t.fx.mmu, VTD_REG_PQT, 8), 64);
	st = iommu_timing_stats(f.t.t);
	UNIT_EQ_HEX(st->page_requests, 2);
	UNIT_EQ_HEX(st->mem_reads, 4);
	UNIT_EQ_HEX(st->mem_writes, 8);
	UNIT_EQ_HEX(f.nrsp, 0);
	pfx_fini(&f);
}
/* A device without PRE: the reads at 1001 and 1052, the decision at 1102
 * records fault 0x47 (seen from 1103 on) and answers Invalid Request then;
 * nothing is written. */
static void test_pr_fault(void)
{
	struct pfx f;
	struct iommu_page_req pr = pfx_req(3);

	if (!pfx_init(&f, false))
		return;
	UNIT_EQ_HEX(iommu_timing_page_request(f.t.t, 1000, &pr, 1), 0);
	iommu_timing_advance(f.t.t, 1102);
	UNIT_EQ_HEX(iommu_reg_read(f.t.fx.mmu, VTD_REG_FSTS, 4) & VTD_FSTS_PPF, 0);
	UNIT_EQ_HEX(f.nrsp, 0);
	iommu_timing_advance(f.t.t, 1103);
	UNIT_EQ_HEX(iommu_reg_read(f.t.fx.mmu, VTD_REG_FSTS, 4) & VTD_FSTS_PPF, VTD_FSTS_PPF);
	UNIT_EQ_HEX(f.nrsp, 1);
	UNIT_EQ_HEX(f.rsp_cycle[0], 1102);
	UNIT_EQ_HEX(f.rsp_code[0], VTD_PRG_INVALID);
	UNIT_EQ_HEX(f.npr, 1);
	UNIT_EQ_HEX(f.pr[0].done, 1102);
	UNIT_EQ_HEX(f.pr[0].res.outcome, IOMMU_PR_RESPONDED);
	UNIT_EQ_HEX(f.pr[0].res.fault, VTD_FR_CTX_PRE_CLEAR);
	UNIT_EQ_HEX(iommu_timing_stats(f.t.t)->mem_writes, 0);
	UNIT_EQ_HEX(iommu_timing_stats(f.t.t)->mem_reads, 2);
	iommu_timing_drain(f.t.t);
	UNIT_EQ_HEX(iommu_reg_read(f.t.fx.mmu, VTD_REG_PQT, 8), 0);
	pfx_fini(&f);
}

/* The fault port: a translation faulting from the cached entries (a PASID
 * beyond the PASID directory, answered at stage R of cycle x + 4) takes it
 * in the cycle the page request (PRE = 0) decides: the unit records and
 * answers a cycle later. */
static void pr_fault_port_case(uint64_t x, uint64_t want_done)
{
	struct pfx f;
	struct iommu_page_req pr = pfx_req(5);
	const struct iommu_timed *r;

	if (!pfx_init(&f, false))
		return;
	UNIT_EQ_HEX(vtd_builder_map_page(f.t.fx.b, DOM, 0, PA, 0x1000, IOMMU_PERM_R, false), 0);
	submit(&f.t, 0, 0, 0, 1); /* fills the caches: a read-only page */
	iommu_timing_drain(f.t.t);
	{
		struct iommu_req q = unit_req(SID, 0, IOMMU_ACC_READ);

		q.pasid_valid = true;
		q.pasid = 0xFFFFF; /* beyond the PASID directory */

		UNIT_EQ_HEX(iommu_timing_submit(f.t.t, x, &q, 2), 0);
	}
	UNIT_EQ_HEX(iommu_timing_page_request(f.t.t, 1902, &pr, 1), 0); /* decides at 2004 */
	iommu_timing_drain(f.t.t);
	r = find(&f.t, 2);
	if (UNIT_TRUE(r != NULL)) {
		UNIT_EQ_HEX(r->done, x + 4);
		UNIT_EQ_HEX(r->walked, false);
		UNIT_EQ_HEX(r->resp.fault_recorded, true);
	}
	UNIT_EQ_HEX(f.npr, 1);
	UNIT_EQ_HEX(f.pr[0].done, want_done);
	UNIT_EQ_HEX(f.pr[0].res.fault_recorded, true);
	UNIT_EQ_HEX(iommu_stats(f.t.fx.mmu)->faults, 2);
	pfx_fini(&f);
}

static void test_pr_fault_port(void)
{
	pr_fault_port_case(2000, 2005); /* both in 2004: the unit waits */
	pr_fault_port_case(2001, 2004);
}

/* Translation disabled: refused at step 1 without reads, decided the cycle
 * after accept. A page group response descriptor posted at 1000 executes
 * at 1050 and takes the response port: a request accepted at 1049 answers
 * at 1051 instead of 1050; one accepted at 1100 at 1101. */
static void test_pr_port(void)
{
	struct pfx f;
	struct iommu_page_req pr = pfx_req(4);
	uint32_t gsts;
	uint64_t qw[4];

	if (!pfx_init(&f, true))
		return;
	gsts = iommu_reg_read(f.t.fx.mmu, VTD_REG_GSTS, 4);
	iommu_reg_write(f.t.fx.mmu, VTD_REG_GCMD, 4, gsts & (uint32_t)VTD_GSTS_QIES);
	UNIT_EQ_HEX(iommu_reg_read(f.t.fx.mmu, VTD_REG_GSTS, 4) & VTD_GSTS_TES, 0);
	iommu_timing_advance(f.t.t, 1000);
	vtd_desc_pgrp_resp(qw, SID, false, 0, 9, VTD_PRG_SUCCESS);
	post(&f.t, qw);
	UNIT_EQ_HEX(iommu_timing_page_request(f.t.t, 1049, &pr, 1), 0);
	UNIT_EQ_HEX(iommu_timing_page_request(f.t.t, 1100, &pr, 2), 0);
	iommu_timing_drain(f.t.t);
	UNIT_EQ_HEX(f.nrsp, 3);
	UNIT_EQ_HEX(f.rsp_cycle[0], 1050);
	UNIT_EQ_HEX(f.rsp_code[0], VTD_PRG_SUCCESS);
	UNIT_EQ_HEX(f.rsp_cycle[1], 1051);
	UNIT_EQ_HEX(f.rsp_code[1], VTD_PRG_INVALID);
	UNIT_EQ_HEX(f.rsp_cycle[2], 1101);
	UNIT_EQ_HEX(f.npr, 2);
	UNIT_EQ_HEX(f.pr[0].accept, 1049);
	UNIT_EQ_HEX(f.pr[0].done, 1051);
	UNIT_EQ_HEX(iommu_timing_stats(f.t.t)->mem_reads, 1); /* the descriptor fetch */
	pfx_fini(&f);
}

/* Page-request drain. A page request accepted at 1000 is finished at 1306
 * (PQT moves). A wait with SW written to the queue at 1100 is fetched at
 * 1100 and executes at 1150 while the unit still holds the request: with
 * PD its status write waits for the cycle after the unit finished (1307);
 * without PD it is granted when the wait executes. A PD wait that executes
 * while the unit is idle does not wait. */
static void drain_case(unsigned flags, uint64_t post_at, uint64_t want_grant)
{
	const uint64_t status = 0xF0000000ull;
	struct pfx f;
	struct iommu_page_req pr = pfx_req(5);
	uint64_t qw[4];

	if (!pfx_init(&f, true))
		return;
	unit_poke64(&f.t.fx, status, 0);
	UNIT_EQ_HEX(iommu_timing_page_request(f.t.t, 1000, &pr, 1), 0);
	iommu_timing_advance(f.t.t, post_at);
	vtd_desc_wait(qw, VTD_WAIT_SW | flags, status, 1);
	post(&f.t, qw);
	iommu_timing_advance(f.t.t, want_grant);
	UNIT_EQ_HEX(unit_peek64(&f.t.fx, status), 0);
	iommu_timing_advance(f.t.t, want_grant + 1);
	UNIT_EQ_HEX(unit_peek64(&f.t.fx, status), 1);
	iommu_timing_drain(f.t.t);
	UNIT_EQ_HEX(f.npr, 1);
	UNIT_EQ_HEX(f.pr[0].done, 1306);
	UNIT_EQ_HEX(iommu_reg_read(f.t.fx.mmu, VTD_REG_PQT, 8), 32);
	UNIT_EQ_HEX(iommu_timing_stats(f.t.t)->wait_latency_max, want_grant + L - post_at);
	UNIT_EQ_HEX(iommu_stats(f.t.fx.mmu)->prq_drain_waits, (flags & VTD_WAIT_PD) ? 1 : 0);
	pfx_fini(&f);
}

static void test_pr_drain(void)
{
	drain_case(VTD_WAIT_PD, 1100, 1307);
	drain_case(0, 1100, 1150);
	drain_case(VTD_WAIT_PD | VTD_WAIT_FN, 1100, 1307);
	drain_case(VTD_WAIT_PD, 1400, 1450); /* the unit is idle from 1307 */
}

static void test_no_engine(void)
{
	struct tfx f;
	uint64_t qw[4], h0;

	if (!tfx_init(&f, NULL))
		return;
	iommu_timing_destroy(f.t);
	f.t = NULL;
	h0 = iqh(&f);
	vtd_desc_iotlb(qw, VTD_IOTLB_GLOBAL, 0, 0, 0, false);
	UNIT_EQ_HEX(vtd_builder_submit(f.fx.b, qw), 0);
	UNIT_EQ_HEX(iqh(&f), h0 + 32);
	UNIT_EQ_HEX(vtd_builder_wait(f.fx.b), 0);
	UNIT_EQ_HEX(iqh(&f), h0 + 64);
	UNIT_EQ_HEX(iommu_stats(f.fx.mmu)->qi_waits, 1);
	unit_fx_fini(&f.fx);
}

/* Software that waits (the builder's flush) polls the status word: the
 * engine runs until the status write is granted, and the flush returns
 * then, with the queue's last write still in flight. */
static void test_software_spins(void)
{
	struct tfx f;

	if (!tfx_init(&f, NULL))
		return;
	iommu_timing_advance(f.t, 100);
	UNIT_EQ_HEX(vtd_builder_flush(f.fx.b, DOM, false, 0, 0, 0, false), 1);
	/* P_IOTLB fetched 100..150, scan to 214, wait fetched 214..264, its
	 * status write granted at 264: software sees it after that cycle */
	UNIT_EQ_HEX(iommu_timing_now(f.t), 100 + L + 64 + L + 1);
	UNIT_EQ_HEX(iommu_timing_queue_pending(f.t), 1);
	iommu_timing_drain(f.t);
	UNIT_EQ_HEX(iommu_timing_queue_pending(f.t), 0);
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
	iommu_tparams_default(&p);
	p.ats_timeout = 0;
	UNIT_EQ_HEX(iommu_tparams_check(&p, &why), -IOMMU_EINVAL);
	UNIT_TRUE(why && strstr(why, "ats.timeout"));
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
		{"an absent cache takes no scan", test_scan_absent},
		{"fills dropped by an invalidation", test_fills_dropped},
		{"an invalidation takes effect when it executes", test_inval_at_execution},
		{"fills visible from the cycle after the walk", test_fill_next_cycle},
		{"fills against a descriptor executing around the completion", test_fill_vs_exec},
		{"fills against a descriptor executing in the take cycle", test_take_vs_exec},
		{"IQE raised at execution, IQH on the descriptor", test_iqe_at_execution},
		{"wait status write and IWC at the port grant", test_wait_status_at_grant},
		{"software polling a wait runs the engine", test_software_spins},
		{"a wait with FN waits for the walks in flight", test_wait_fence},
		{"an unanswered device-TLB invalidation: ITE after ats.timeout",
		 test_devtlb_timeout},
		{"a page request: two reads, four writes, PQT after the last", test_pr_queued},
		{"a page request refused with a fault: recorded and answered after the reads",
		 test_pr_fault},
		{"the page group response port: the queue engine's first", test_pr_port},
		{"the fault port: the response port's first", test_pr_fault_port},
		{"a wait with PD waits for the page request in the unit", test_pr_drain},
		{"without an engine the IQT write runs the queue", test_no_engine},
		{"latency histogram", test_hist},
		{"parameters", test_params},
		{NULL, NULL},
	};

	unit_add_suite("timing.c", tests);
}
