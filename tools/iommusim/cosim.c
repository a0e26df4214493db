/*
 * iommusim cosim: command line, configuration, the model side of a run and
 * the seeded regression runner (cosim.h, docs/cosim.md).
 */
#include "cosim.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "gen.h"
#include "iommu/vtd_regs.h"
#include "trace.h"

#define EXIT_OK           0
#define EXIT_DIVERGE      1
#define EXIT_INPUT        2
#define COSIM_MAX_SETS    64
/* Cycles of waveform either side of the first divergence. */
#define COSIM_WAVE_WINDOW 200
/* Options the Verilated block was built with (rtl_params --set ...). */
#ifndef COSIM_RTL_PARAMS
#define COSIM_RTL_PARAMS ""
#endif

static const char cosim_usage[] =
	"usage: iommusim cosim --trace FILE [--config FILE] [--set S.K=V]... [--waves OUT.fst]\n"
	"                      [--no-cycles]\n"
	"       iommusim cosim --seeds A-B [--count N] [--pri] [--shard I/N] [--junit OUT.xml]\n"
	"                      [--config FILE] [--set S.K=V]... [--waves OUT.fst] [--no-cycles]\n"
	"       iommusim cosim --model-only --trace FILE [--events OUT]\n"
	"\n"
	"Replays a trace on the model's timing engine and, in lock-step, on the Verilated\n"
	"RTL block (rtl/iommu_top.sv): the RTL gets the model's boundary stimulus\n"
	"(requests, register writes, software memory writes) at the same cycles, and\n"
	"every response (status, fault reason, address, page size, permissions,\n"
	"completion cycle), the memory writes of each side, the invalidation waits and\n"
	"the end-of-run counters, fault records and (with cycles) the contents of every\n"
	"cache are compared (docs/cosim.md).\n"
	"The model runs with the RTL's geometry, nested_tlb.ways=0 and\n"
	"iommu.lookup_after_fetch=0.\n"
	"\n"
	"  --trace FILE      trace to replay (text or binary)\n"
	"  --seeds A-B       regression: seeds A..B of 'iommusim gen cosim', one run each\n"
	"  --count N         requests per seed (default 2000)\n"
	"  --settle CYCLES   least time between DMA and software events in the seeds'\n"
	"                    traces (gen cosim --settle; default 0)\n"
	"  --pri             seeds whose ATS devices send page requests (gen cosim\n"
	"                    --pri 1): the page request unit, its queue writes and the\n"
	"                    page group responses are compared too\n"
	"  --shard I/N       run only every N-th seed, starting with the I-th (0..N-1)\n"
	"  --junit OUT.xml   one JUnit testcase per seed\n"
	"  --config FILE     configuration (INI); what the RTL fixes must stay equal\n"
	"  --set S.K=V       one configuration key (repeatable)\n"
	"  --waves OUT.fst   on the first divergence, an FST waveform (GTKWave) of the\n"
	"                    cycles around it\n"
	"  --no-cycles       compare results only, not completion cycles\n"
	"  --kernel K        (iommusim cosim) the program that clocks the block: direct\n"
	"                    (default; the Verilated C++ class, the fast one) or systemc\n"
	"                    (sc_main with an sc_clock; same report; no --waves)\n"
	"  --model-only      no RTL: check the model's boundary stream and print it in\n"
	"                    numbers (--events OUT: one line per event)\n"
	"  -h, --help        show this help\n"
	"\n"
	"Exit status: 0 no divergence, 1 a divergence (or a failure), 2 bad input or a\n"
	"build without the RTL co-simulation.\n";

struct cosim_opts {
	const char *trace, *config, *waves, *junit, *events;
	const char *sets[COSIM_MAX_SETS];
	int nsets;
	bool seeds, model_only, no_cycles, pri;
	uint64_t seed_a, seed_b, count, settle;
	uint64_t shard_i, shard_n;
};

static int bad(const char *fmt, const char *a, const char *b)
{
	fprintf(stderr, "iommusim cosim: ");
	fprintf(stderr, fmt, a, b);
	fputc('\n', stderr);
	return -1;
}

static int parse_u64(const char *s, uint64_t *v, char **end)
{
	errno = 0;
	if (!s || *s == '-' || *s == '+' || *s < '0' || *s > '9')
		return -1;
	*v = strtoull(s, end, 10);
	return errno ? -1 : 0;
}

static int parse_opts(int argc, char **argv, struct cosim_opts *o)
{
	*o = (struct cosim_opts){.count = 2000, .shard_n = 1};
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		const char *v = i + 1 < argc ? argv[i + 1] : NULL;
		char *end = NULL;

		if (!strcmp(a, "--no-cycles")) {
			o->no_cycles = true;
			continue;
		}
		if (!strcmp(a, "--model-only")) {
			o->model_only = true;
			continue;
		}
		if (!strcmp(a, "--pri")) {
			o->pri = true;
			continue;
		}
		if (strcmp(a, "--trace") && strcmp(a, "--config") && strcmp(a, "--set") &&
		    strcmp(a, "--waves") && strcmp(a, "--seeds") && strcmp(a, "--count") &&
		    strcmp(a, "--shard") && strcmp(a, "--junit") && strcmp(a, "--events") &&
		    strcmp(a, "--settle"))
			return bad("%s: unknown option, expected --trace, --seeds, --count, --pri, "
				   "--shard, --junit, --config, --set, --waves, --no-cycles, "
				   "--model-only, --events or --help%s",
				   a, "");
		if (!v)
			return bad("%s: expected a value after it%s", a, "");
		i++;
		if (!strcmp(a, "--trace")) {
			o->trace = v;
		} else if (!strcmp(a, "--config")) {
			o->config = v;
		} else if (!strcmp(a, "--waves")) {
			size_t n = strlen(v);

			/* The block is Verilated with FST tracing only. */
			if (n < 5 || strcmp(v + n - 4, ".fst"))
				return bad("--waves: '%s': expected a file name ending in .fst%s",
					   v, " (the waveform is FST)");
			o->waves = v;
		} else if (!strcmp(a, "--junit")) {
			o->junit = v;
		} else if (!strcmp(a, "--events")) {
			o->events = v;
		} else if (!strcmp(a, "--set")) {
			if (o->nsets == COSIM_MAX_SETS)
				return bad("--set: more than 64 given%s%s", "", "");
			o->sets[o->nsets++] = v;
		} else if (!strcmp(a, "--seeds")) {
			if (parse_u64(v, &o->seed_a, &end) || *end != '-' ||
			    parse_u64(end + 1, &o->seed_b, &end) || *end || o->seed_b < o->seed_a)
				return bad("--seeds: '%s', expected A-B with 0 <= A <= B%s", v, "");
			o->seeds = true;
		} else if (!strcmp(a, "--count")) {
			if (parse_u64(v, &o->count, &end) || *end || !o->count ||
			    o->count > 100000000)
				return bad("--count: '%s', expected 1..100000000 requests%s", v,
					   "");
		} else if (!strcmp(a, "--settle")) {
			if (parse_u64(v, &o->settle, &end) || *end || o->settle > 10000000)
				return bad("--settle: '%s', expected 0..10000000 cycles%s", v, "");
		} else if (!strcmp(a, "--shard")) {
			if (parse_u64(v, &o->shard_i, &end) || *end != '/' ||
			    parse_u64(end + 1, &o->shard_n, &end) || *end || !o->shard_n ||
			    o->shard_i >= o->shard_n)
				return bad("--shard: '%s', expected I/N with 0 <= I < N%s", v, "");
		}
	}
	if (!o->trace == !o->seeds)
		return bad("expected exactly one of --trace FILE and --seeds A-B%s%s", "", "");
	if (o->model_only && !o->trace)
		return bad("--model-only: expected --trace FILE%s%s", "", "");
	if (o->events && !o->model_only)
		return bad("--events: only with --model-only%s%s", "", "");
	if (!o->seeds && (o->junit || o->shard_n != 1 || o->settle || o->pri))
		return bad("--junit, --shard, --settle and --pri: only with --seeds%s%s", "", "");
	return 0;
}

/* ---- Configuration: the RTL's geometry ----------------------------------------- */

static void apply_rtl_params(struct sim_config *c)
{
	char buf[sizeof(COSIM_RTL_PARAMS) + 1], err[256];
	char *save = NULL;
	bool set = false;

	memcpy(buf, COSIM_RTL_PARAMS, sizeof(COSIM_RTL_PARAMS));
	for (char *t = strtok_r(buf, " ", &save); t; t = strtok_r(NULL, " ", &save)) {
		if (!strcmp(t, "--set")) {
			set = true;
		} else if (set) {
			set = false;
			if (config_set(c, t, err, sizeof(err)))
				fprintf(stderr, "iommusim cosim: RTL parameters: %s\n", err);
		}
	}
}

static bool geom_eq(const struct iommu_cache_geom *a, const struct iommu_cache_geom *b)
{
	return a->sets == b->sets && a->ways == b->ways && a->repl == b->repl;
}

/* What the Verilated block fixes: the same in want and got, else *what. */
static const char *rtl_fixed_differs(const struct sim_config *want, const struct sim_config *got)
{
	const struct iommu_config *a = &want->mmu, *b = &got->mmu;
	const struct iommu_tparams *p = &want->timing, *q = &got->timing;

	if (!geom_eq(&a->context_cache, &b->context_cache))
		return "context_cache (sets, ways, replacement)";
	if (!geom_eq(&a->pasid_cache, &b->pasid_cache))
		return "pasid_cache (sets, ways, replacement)";
	if (!geom_eq(&a->iotlb, &b->iotlb))
		return "iotlb (sets, ways, replacement)";
	if (!geom_eq(&a->fl_pwc, &b->fl_pwc))
		return "fl_pwc (sets, ways, replacement)";
	if (!geom_eq(&a->sl_pwc, &b->sl_pwc))
		return "sl_pwc (sets, ways, replacement)";
	if (a->seed != b->seed)
		return "iommu.seed";
	if (a->haw != b->haw || a->mgaw != b->mgaw || a->sagaw != b->sagaw || a->nfr != b->nfr ||
	    a->pasid_bits != b->pasid_bits)
		return "iommu widths (haw, mgaw, sagaw, nfr, pasid_bits)";
	if (a->sl_2m != b->sl_2m || a->sl_1g != b->sl_1g || a->fl_1g != b->fl_1g ||
	    a->fl_5level != b->fl_5level || a->nested != b->nested ||
	    a->pass_through != b->pass_through || a->sl_ad != b->sl_ad ||
	    a->exec_req != b->exec_req || a->super_req != b->super_req ||
	    a->rid_pasid != b->rid_pasid || a->page_req != b->page_req)
		return "iommu capabilities";
	if (p->ctx_lat != q->ctx_lat || p->pasid_lat != q->pasid_lat ||
	    p->iotlb_lat != q->iotlb_lat || p->pwc_lat != q->pwc_lat)
		return "pipe.* latencies";
	if (p->walk_slots != q->walk_slots || p->miss_queue != q->miss_queue ||
	    p->resp_queue != q->resp_queue)
		return "walk.slots, walk.miss_queue or the response queue";
	if (p->mem_latency != q->mem_latency || p->mem_outstanding != q->mem_outstanding ||
	    p->mem_interval != q->mem_interval)
		return "mem.latency, mem.outstanding or mem.interval";
	if (p->ats_timeout != q->ats_timeout)
		return "ats.timeout";
	if (got->replay.iommus != 1)
		return "replay.iommus (the co-simulation has one IOMMU)";
	return NULL;
}

/* The model's configuration for the co-simulation: 0, or -1 (message). */
static int cosim_config(const struct cosim_opts *o, struct sim_config *cfg)
{
	struct sim_config rtl;
	char err[512];
	const char *what;

	config_default(&rtl);
	apply_rtl_params(&rtl);
	*cfg = rtl;
	if (o->config && config_load(cfg, o->config, err, sizeof(err))) {
		fprintf(stderr, "iommusim cosim: %s\n", err);
		return -1;
	}
	for (int i = 0; i < o->nsets; i++) {
		if (config_set(cfg, o->sets[i], err, sizeof(err))) {
			fprintf(stderr, "iommusim cosim: %s\n", err);
			return -1;
		}
	}
	what = rtl_fixed_differs(&rtl, cfg);
	if (what) {
		fprintf(stderr,
			"iommusim cosim: %s: differs from the Verilated block's parameters, "
			"expected "
			"the RTL's values (rebuild with -DIOMMUSIM_RTL_PARAMS=... to change "
			"them)\n",
			what);
		return -1;
	}
	/* What the RTL does not have: the nested TLB (and, after a context or
	 * PASID entry fetch, lookups below it). */
	cfg->mmu.nested_tlb.ways = 0;
	cfg->mmu.lookup_after_fetch = false;
	return 0;
}

/* ---- One run ----------------------------------------------------------------- */

struct run_ctx {
	const struct cosim_backend *be;
	void *brun;
	struct cosim_tap *tap;
	FILE *events;
	uint64_t counts[COSIM_EV_COUNT];
};

static void fwd_event(void *ctx, const struct cosim_ev *ev)
{
	struct run_ctx *c = ctx;

	c->counts[ev->kind]++;
	if (c->brun)
		c->be->event(c->brun, ev);
}

static void fwd_advanced(void *ctx, uint64_t now)
{
	struct run_ctx *c = ctx;

	if (c->brun)
		c->be->advanced(c->brun, now);
}

static bool fwd_busy(void *ctx)
{
	struct run_ctx *c = ctx;

	return c->brun && c->be->busy && c->be->busy(c->brun);
}

/* The record sink stops the replay at the first divergence. */
static int stop_sink(void *ctx, const struct driver_record *rec)
{
	struct run_ctx *c = ctx;
	uint64_t cyc;

	(void)rec;
	return c->brun && c->be->divergence(c->brun, &cyc) ? 1 : 0;
}

static void model_end(struct driver *d, struct cosim_model_end *e)
{
	const struct iommu_timing_stats *ts = driver_timing_stats(d);
	struct iommu *mmu = driver_iommu(d, 0);

	memset(e, 0, sizeof(*e));
	e->cycles = driver_cycles(d);
	e->walks = ts->walks;
	e->mem_reads = ts->mem_reads;
	e->mem_writes = ts->mem_writes;
	e->qi_descriptors = ts->qi_descriptors;
	e->qi_waits = ts->qi_waits;
	e->faults_recorded = driver_stats(d)->faults_recorded;
	e->page_requests = driver_timing_stats(d)->page_requests;
	e->prq_events = iommu_stats(mmu)->prq_events;
	e->pqt = iommu_reg_read(mmu, VTD_REG_PQT, 8);
	e->prs = (uint32_t)iommu_reg_read(mmu, VTD_REG_PRS, 4);
	e->pectl = (uint32_t)iommu_reg_read(mmu, VTD_REG_PECTL, 4);
	e->fsts = (uint32_t)iommu_reg_read(mmu, VTD_REG_FSTS, 4);
	e->nfr = iommu_cfg(mmu)->nfr;
	for (unsigned i = 0; i < e->nfr; i++) {
		e->frcd[i][0] = iommu_reg_read(mmu, VTD_FRCD_OFFSET + i * VTD_FRCD_SIZE, 8);
		e->frcd[i][1] = iommu_reg_read(mmu, VTD_FRCD_OFFSET + i * VTD_FRCD_SIZE + 8, 8);
	}
	e->mmu = mmu;
}

struct run_result {
	bool diverged, input_error;
	uint64_t div_cycle, requests, cycles;
	double rtl_cycles, seconds;
	char msg[4096];
};

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

/* Replays the trace text (or file) on the model and the back end. */
static void run_one(const struct cosim_opts *o, const struct sim_config *base,
		    const struct cosim_backend *be, const char *text, size_t len, FILE *file,
		    const char *name, const struct cosim_run *wave, struct run_result *res)
{
	struct run_ctx c = {.be = be};
	struct sim_config cfg = *base;
	struct cosim_run run = {.cfg = &cfg, .name = name, .cycles = !o->no_cycles};
	struct trace_reader *r = NULL;
	struct driver *d = NULL;
	struct cosim_model_end end;
	const char *why;
	double t0 = now_s();
	int rc;

	memset(res, 0, sizeof(*res));
	if (wave) {
		run.waves = wave->waves;
		run.waves_from = wave->waves_from;
		run.waves_to = wave->waves_to;
	}
	c.events = o->events && o->model_only ? fopen(o->events, "w") : NULL;
	c.tap = cosim_tap_create(o->model_only, fwd_event, fwd_advanced, &c);
	if (c.tap && o->no_cycles)
		cosim_tap_set_busy(c.tap, fwd_busy);
	if (!c.tap) {
		snprintf(res->msg, sizeof(res->msg), "out of memory");
		res->diverged = true;
		return;
	}
	cfg.replay.tap = cosim_tap_ops();
	cfg.replay.tap_ctx = c.tap;
	if (be && !o->model_only) {
		c.brun = be->begin(be->ctx, &run);
		if (!c.brun) {
			snprintf(res->msg, sizeof(res->msg), "the RTL back end could not start");
			res->diverged = true;
			goto out;
		}
	}
	r = file ? trace_open_file(file, name) : trace_open_mem(text, len, name);
	d = driver_create_timed(&cfg.mmu, &cfg.builder, &cfg.timing, &cfg.replay, &why);
	if (!r || !d) {
		snprintf(res->msg, sizeof(res->msg), "cannot set up the model: %s",
			 d ? "out of memory" : why);
		res->diverged = true;
		goto out;
	}
	driver_set_record_sink(d, stop_sink, &c);
	rc = driver_replay(d, r);
	res->requests = driver_summary(d)->requests;
	if (c.brun)
		res->rtl_cycles = be->rtl_cycles(c.brun);
	if (c.brun && be->divergence(c.brun, &res->div_cycle)) {
		res->diverged = true;
		snprintf(res->msg, sizeof(res->msg), "%s", be->divergence(c.brun, &res->div_cycle));
		goto out;
	}
	if (rc) {
		snprintf(res->msg, sizeof(res->msg), "%s", driver_error(d));
		res->diverged = res->input_error = true;
		goto out;
	}
	model_end(d, &end);
	res->cycles = end.cycles;
	if (c.brun) {
		be->finish(c.brun, &end);
		if (be->divergence(c.brun, &res->div_cycle)) {
			res->diverged = true;
			snprintf(res->msg, sizeof(res->msg), "%s",
				 be->divergence(c.brun, &res->div_cycle));
		} else {
			snprintf(res->msg, sizeof(res->msg), "%s", be->summary(c.brun));
		}
		res->rtl_cycles = be->rtl_cycles(c.brun);
	}
	if (o->model_only) {
		const struct cosim_ev *ev;
		size_t n, at = 0;
		const char *bad_why;

		ev = cosim_tap_events(c.tap, &n);
		if (cosim_tap_check(c.tap, &bad_why, &at)) {
			snprintf(res->msg, sizeof(res->msg), "%s: boundary stream, event %zu: %s",
				 name, at, bad_why);
			res->diverged = true;
		} else {
			snprintf(res->msg, sizeof(res->msg),
				 "%s: %" PRIu64 " cycles; boundary: %" PRIu64 " submit, %" PRIu64
				 " done, %" PRIu64 " reg, %" PRIu64 " sw_write, %" PRIu64
				 " hw_write, %" PRIu64 " wait, %" PRIu64 " dtlb, %" PRIu64
				 " qerr, %" PRIu64 " pr, %" PRIu64 " pr_done, %" PRIu64
				 " prsp; stream checked",
				 name, end.cycles, c.counts[COSIM_EV_SUBMIT],
				 c.counts[COSIM_EV_DONE], c.counts[COSIM_EV_REG],
				 c.counts[COSIM_EV_SW_WRITE], c.counts[COSIM_EV_HW_WRITE],
				 c.counts[COSIM_EV_WAIT], c.counts[COSIM_EV_DTLB],
				 c.counts[COSIM_EV_QERR], c.counts[COSIM_EV_PR],
				 c.counts[COSIM_EV_PR_DONE], c.counts[COSIM_EV_PRSP]);
		}
		for (size_t i = 0; o->events && c.events && i < n; i++) {
			fprintf(c.events, "%" PRIu64 " %s", ev[i].cycle, cosim_ev_name(ev[i].kind));
			if (ev[i].kind == COSIM_EV_SUBMIT)
				fprintf(c.events,
					" tag %" PRIu64 " sid %04x pasid %d:%05x addr 0x%" PRIx64
					" access %u at %u",
					ev[i].tag, ev[i].u.req.sid, ev[i].u.req.pasid_valid,
					ev[i].u.req.pasid, ev[i].u.req.addr, ev[i].u.req.access,
					ev[i].u.req.at);
			else if (ev[i].kind == COSIM_EV_DONE)
				fprintf(c.events,
					" tag %" PRIu64 " rc %d fault 0x%02x hpa 0x%" PRIx64
					" size 0x%" PRIx64 " perm 0x%x",
					ev[i].tag, ev[i].u.done.rc, ev[i].u.done.resp.fault,
					ev[i].u.done.resp.hpa, ev[i].u.done.resp.page_size,
					ev[i].u.done.resp.perm);
			else if (ev[i].kind == COSIM_EV_REG)
				fprintf(c.events, " 0x%03x/%u 0x%" PRIx64, ev[i].u.reg.off,
					ev[i].u.reg.size, ev[i].u.reg.val);
			else if (ev[i].kind == COSIM_EV_SW_WRITE || ev[i].kind == COSIM_EV_HW_WRITE)
				fprintf(c.events, " 0x%" PRIx64 "/%u", ev[i].u.w.pa, ev[i].u.w.len);
			else if (ev[i].kind == COSIM_EV_DTLB)
				fprintf(c.events, " sid %04x%s", ev[i].u.dtlb.sid,
					ev[i].u.dtlb.answered ? "" : " unanswered");
			else if (ev[i].kind == COSIM_EV_QERR)
				fprintf(c.events, " %s",
					ev[i].u.fsts == VTD_FSTS_ITE ? "ITE" : "IQE");
			else if (ev[i].kind == COSIM_EV_PR)
				fprintf(c.events,
					" tag %" PRIu64 " sid %04x pasid %d:%05x addr 0x%" PRIx64
					" r %d w %d x %d priv %d prgi %u lpig %d",
					ev[i].tag, ev[i].u.pr.sid, ev[i].u.pr.pasid_valid,
					ev[i].u.pr.pasid, ev[i].u.pr.addr, ev[i].u.pr.read,
					ev[i].u.pr.write, ev[i].u.pr.exec, ev[i].u.pr.priv,
					ev[i].u.pr.prgi, ev[i].u.pr.lpig);
			else if (ev[i].kind == COSIM_EV_PR_DONE)
				fprintf(c.events,
					" tag %" PRIu64 " accept %" PRIu64
					" outcome %d code %u fault 0x%02x",
					ev[i].tag, ev[i].u.pr_done.accept,
					(int)ev[i].u.pr_done.res.outcome, ev[i].u.pr_done.res.code,
					(unsigned)ev[i].u.pr_done.res.fault);
			else if (ev[i].kind == COSIM_EV_PRSP)
				fprintf(c.events, " sid %04x pasid %d:%05x prgi %u code %u",
					ev[i].u.prsp.sid, ev[i].u.prsp.pasid_valid,
					ev[i].u.prsp.pasid, ev[i].u.prsp.prgi, ev[i].u.prsp.code);
			fputc('\n', c.events);
		}
	}
out:
	res->seconds = now_s() - t0;
	if (c.brun)
		be->end(c.brun);
	driver_destroy(d);
	trace_close(r);
	cosim_tap_destroy(c.tap);
	if (c.events && fclose(c.events))
		snprintf(res->msg, sizeof(res->msg), "--events: write error");
}

/* ---- Regression runner --------------------------------------------------------- */

static void xml_text(FILE *f, const char *s)
{
	for (; *s; s++) {
		switch (*s) {
		case '<': fputs("&lt;", f); break;
		case '>': fputs("&gt;", f); break;
		case '&': fputs("&amp;", f); break;
		case '"': fputs("&quot;", f); break;
		default:
			if ((unsigned char)*s >= 0x20 || *s == '\n' || *s == '\t')
				fputc(*s, f);
		}
	}
}

struct junit_case {
	uint64_t seed;
	bool failed;
	double seconds;
	char *msg;
};

static int write_junit(const char *path, const struct junit_case *jc, size_t n, size_t failures,
		       double seconds)
{
	FILE *f = fopen(path, "w");

	if (!f)
		return -1;
	fprintf(f,
		"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites>\n<testsuite "
		"name=\"cosim\" tests=\"%zu\" failures=\"%zu\" errors=\"0\" time=\"%.3f\">\n",
		n, failures, seconds);
	for (size_t i = 0; i < n; i++) {
		fprintf(f, "<testcase classname=\"cosim\" name=\"seed%" PRIu64 "\" time=\"%.3f\">",
			jc[i].seed, jc[i].seconds);
		if (jc[i].failed) {
			const char *nl = strchr(jc[i].msg, '\n');
			char first[300];

			snprintf(first, sizeof(first), "%.*s",
				 nl ? (int)(nl - jc[i].msg) : (int)strlen(jc[i].msg), jc[i].msg);
			fputs("<failure message=\"", f);
			xml_text(f, first);
			fputs("\">", f);
			xml_text(f, jc[i].msg);
			fputs("</failure>", f);
		}
		fputs("</testcase>\n", f);
	}
	fputs("</testsuite>\n</testsuites>\n", f);
	return fclose(f) ? -1 : 0;
}

/* A divergence: the waveform around it, by a deterministic re-run. */
static void waves_rerun(const struct cosim_opts *o, const struct sim_config *cfg,
			const struct cosim_backend *be, const char *text, size_t len, FILE *file,
			const char *name, const struct run_result *res)
{
	struct cosim_run w = {.waves = o->waves,
			      .waves_from = res->div_cycle > COSIM_WAVE_WINDOW
						    ? res->div_cycle - COSIM_WAVE_WINDOW
						    : 0,
			      .waves_to = res->div_cycle + COSIM_WAVE_WINDOW};
	struct run_result again;

	if (!o->waves || !be || res->input_error)
		return;
	if (file)
		rewind(file);
	run_one(o, cfg, be, text, len, file, name, &w, &again);
	fprintf(stderr, "iommusim cosim: waveform of cycles %" PRIu64 "..%" PRIu64 " in %s\n",
		w.waves_from, w.waves_to, o->waves);
}

static int run_seeds(const struct cosim_opts *o, const struct sim_config *cfg,
		     const struct cosim_backend *be)
{
	struct junit_case *jc = NULL;
	size_t n = 0, failures = 0;
	double t0 = now_s(), rtl_cycles = 0, busy = 0;
	int status = EXIT_OK;

	for (uint64_t s = o->seed_a; s <= o->seed_b; s++) {
		char *text = NULL, name[64];
		size_t len = 0;
		FILE *f;
		struct run_result res;
		struct junit_case *nj;

		if ((s - o->seed_a) % o->shard_n != o->shard_i)
			goto next;
		f = open_memstream(&text, &len);
		if (!f || gen_cosim_trace(f, s, o->count, 10, o->settle, o->pri) || fclose(f)) {
			fprintf(stderr, "iommusim cosim: out of memory for seed %" PRIu64 "\n", s);
			free(text);
			free(jc);
			return EXIT_DIVERGE;
		}
		snprintf(name, sizeof(name), "seed%" PRIu64, s);
		run_one(o, cfg, be, text, len, NULL, name, NULL, &res);
		rtl_cycles += res.rtl_cycles;
		busy += res.seconds;
		if (res.diverged) {
			printf("FAIL %s: %s\n", name, res.msg);
			if (!failures)
				waves_rerun(o, cfg, be, text, len, NULL, name, &res);
			failures++;
			status = EXIT_DIVERGE;
		} else {
			printf("PASS %s: %" PRIu64 " requests, %" PRIu64 " cycles; %s\n", name,
			       res.requests, res.cycles, res.msg);
		}
		fflush(stdout);
		nj = realloc(jc, (n + 1) * sizeof(*jc));
		if (!nj) {
			free(text);
			break;
		}
		jc = nj;
		jc[n] = (struct junit_case){s, res.diverged, res.seconds, strdup(res.msg)};
		n++;
		free(text);
	next:
		if (s == UINT64_MAX)
			break;
	}
	/* Standard output is the same on every run; the speed goes to stderr. */
	printf("cosim: %zu seeds, %zu diverged; %.0f RTL cycles\n", n, failures, rtl_cycles);
	fprintf(stderr, "iommusim cosim: %.0f RTL cycles in %.1f s (%.0f cycles/s)\n", rtl_cycles,
		now_s() - t0, busy > 0 ? rtl_cycles / busy : 0.0);
	if (o->junit && write_junit(o->junit, jc, n, failures, now_s() - t0)) {
		fprintf(stderr, "iommusim cosim: --junit: cannot write '%s': %s\n", o->junit,
			strerror(errno));
		status = status ? status : EXIT_DIVERGE;
	}
	for (size_t i = 0; i < n; i++)
		free(jc[i].msg);
	free(jc);
	return status;
}

int cosim_main(int argc, char **argv, const struct cosim_backend *be)
{
	struct cosim_opts o;
	struct sim_config cfg;
	struct run_result res;
	FILE *in;
	int status;

	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help")) {
			fputs(cosim_usage, stdout);
			return EXIT_OK;
		}
	}
	if (parse_opts(argc, argv, &o))
		return EXIT_INPUT;
	if (!be && !o.model_only) {
		fprintf(stderr, "iommusim cosim: no RTL co-simulation here (the program "
				"iommusim-cosim, built with -DIOMMUSIM_BUILD_RTL=ON "
				"-DIOMMUSIM_BUILD_SIM=ON); only --model-only works\n");
		return EXIT_INPUT;
	}
	if (cosim_config(&o, &cfg))
		return EXIT_INPUT;
	if (o.waves) { /* written on a divergence only: check the path now */
		FILE *w = fopen(o.waves, "w");

		if (!w) {
			fprintf(stderr, "iommusim cosim: --waves: cannot write '%s': %s\n", o.waves,
				strerror(errno));
			return EXIT_INPUT;
		}
		fclose(w);
		remove(o.waves);
	}
	if (!o.model_only)
		printf("cosim: %s against the model with the RTL's geometry (nested_tlb.ways=0 "
		       "iommu.lookup_after_fetch=0)%s\n",
		       be->what, o.no_cycles ? ", functional comparison only" : "");
	if (o.seeds)
		return run_seeds(&o, &cfg, be);
	in = fopen(o.trace, "rb");
	if (!in) {
		fprintf(stderr,
			"iommusim cosim: --trace: cannot open '%s': %s, expected a readable trace "
			"file\n",
			o.trace, strerror(errno));
		return EXIT_INPUT;
	}
	if (o.events) {
		FILE *ev = fopen(o.events, "w");

		if (!ev) {
			fprintf(stderr, "iommusim cosim: --events: cannot write '%s': %s\n",
				o.events, strerror(errno));
			fclose(in);
			return EXIT_INPUT;
		}
		fclose(ev);
	}
	run_one(&o, &cfg, be, NULL, 0, in, o.trace, NULL, &res);
	if (res.input_error) {
		fprintf(stderr, "%s\n", res.msg);
		status = EXIT_INPUT;
	} else if (res.diverged) {
		printf("FAIL %s\n", res.msg);
		waves_rerun(&o, &cfg, be, NULL, 0, in, o.trace, &res);
		status = EXIT_DIVERGE;
	} else {
		printf("PASS %s: %" PRIu64 " requests, %" PRIu64 " cycles; %s\n", o.trace,
		       res.requests, res.cycles, res.msg);
		status = EXIT_OK;
	}
	fclose(in);
	return status;
}
