/*
 * Trace driver: the replay of trace events on memory + IOMMU + builder.
 *
 * DMA: the request [addr, addr + size) is translated page by page, stepping
 * by the page size each translation reports, so that a request inside one
 * large page costs one translation. The request faults when a page faults;
 * the driver stops at that page (the device would not send the rest) and
 * reports that fault. The hpa reported is that of the first byte. A device
 * with an ATS endpoint translates through its device TLB (ats_dev_dma);
 * every page translation is then checked by the stale-translation oracle.
 */
#include "driver.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "iommu/vtd_qi.h"
#include "iommu/vtd_regs.h"

/* A page request of a DMA in flight: one per 4 KiB the DMA touches (a PCIe
 * request never crosses a 4 KiB boundary). An ATS endpoint's page is a
 * translation request then a translated request, or only the latter on a
 * device-TLB hit. */
enum chunk_phase { CH_UNTRANSLATED, CH_TRANSLATION_REQ, CH_TRANSLATED, CH_PREFETCH };

struct chunk {
	uint64_t dma;         /* sequence number of its DMA request */
	struct iommu_req req; /* the page's untranslated request */
	struct ats_dev *ep;
	unsigned unit; /* the IOMMU the device sits behind */
	enum chunk_phase phase;
	struct ats_xlate x; /* what the translated request uses */
	/* PRI: the fault the device saw, waiting for its page group response */
	struct iommu_resp fault;
	uint64_t pri_start; /* the device saw the fault (0: no page request) */
	uint16_t prgi;
	unsigned retries;
	unsigned code; /* page group response code */
};

/* Timed actions outside the request path (the driver's agenda). */
enum agenda_kind {
	AG_PAGE_REQ,    /* a page request message reaches the IOMMU (arg: chunk) */
	AG_SERVICE,     /* software services the page request queue */
	AG_RETRY,       /* the response reached the device: retry or fail (arg: chunk) */
	AG_SW_COST,     /* a software operation waits for its invalidations (arg: kind) */
	AG_PRI_TIMEOUT, /* a page request still unanswered: the device gives up (arg: chunk) */
	AG_FAULTS,      /* software services the fault records (arg: unit) */
};

struct agenda_item {
	uint64_t cycle, seq;
	enum agenda_kind kind;
	int arg;
	uint64_t start;
};

/* A lazy mapping: installed page by page on page requests. */
struct lazy_map {
	unsigned dom;
	uint64_t iova, pa, size;
	unsigned perm;
	bool user;
};

/* A page request waiting for its response, by (device, PRG index). */
struct pri_wait {
	uint16_t sid, prgi;
	int chunk;
};

/* A DMA request in flight; records leave in trace order. */
struct pend {
	struct driver_record rec;
	uint32_t left; /* page requests not answered yet */
	bool done;
	bool prefetch;         /* an ats event: no record */
	bool first_seen;       /* the page at the DMA's address answered */
	uint64_t flagged_addr; /* lowest oracle-flagged page so far */
	enum iommu_source flagged_source;
};

/* One IOMMU instance: the model, its table builder (its own table memory
 * range), oracle, ATS bus and timing engine (its own memory port). The
 * first one's builder owns the domains' tables; another wraps a first-level
 * table in a domain of its own when a device behind it attaches it. */
struct unit {
	bool faults_scheduled; /* AG_FAULTS pending */
	struct iommu *mmu;
	struct vtd_builder *b;
	struct vtd_oracle *oracle;
	struct ats_bus *bus; /* owns the endpoints' devices */
	struct iommu_timing *tm;
	struct driver_iommu_summary sum;
};

/* A domain as the domain event created it (on the first IOMMU). */
struct dom_info {
	uint8_t stage, levels;
	bool has_parent;
};

struct driver {
	struct sparse_mem *sm;
	struct iommu_mem mem;
	struct unit u[TRACE_MAX_IOMMUS];
	unsigned nu;
	uint8_t *dev_iommu;     /* IOMMU of each source ID (device iommu=) */
	uint8_t *dev_attached;  /* source IDs attached once: their IOMMU is fixed */
	struct dom_info *dom;   /* by domain ID, with several IOMMUs */
	struct vtd_builder *eb; /* the builder whose error a failed event reports */
	unsigned prq_unit;      /* the IOMMU whose page requests are serviced */
	struct sums *sums;      /* statistics summed over the IOMMUs */
	struct driver_endpoint *ep;
	size_t nep, capep;
	uint64_t seed;
	driver_record_fn sink;
	void *sink_ctx;
	driver_tick_fn tick;
	void *tick_ctx;
	struct driver_record flagged[DRIVER_MAX_FLAGGED];
	size_t nflagged;
	struct driver_qerror qerr[DRIVER_MAX_QERRORS];
	size_t nqerr;
	struct driver_summary sum;
	/* timing */
	struct iommu_tparams tp;
	struct driver_replay_params rp;
	struct chunk *chunks;
	int *chunk_free;
	size_t nchunks, capchunks, nchunk_free;
	struct pend *pend; /* ring by DMA sequence number */
	size_t cappend;
	uint64_t pend_head, pend_tail; /* oldest unfinished, next to issue */
	uint32_t *dev_out;             /* DMA requests in flight per source ID */
	uint32_t *dev_limit; /* closed loop per source ID (device events), else rp.outstanding */
	uint64_t ndma;       /* DMA requests issued */
	/* DMA requests answered by the IOMMU whose answer is still crossing the
	 * link to the device: the device's slot frees when it arrives. */
	struct release {
		uint64_t cycle;
		uint16_t sid;
	} * rel;
	size_t nrel, caprel;
	uint64_t max_done; /* latest answer at a device so far */
	/* agenda: a min-heap by (cycle, seq) */
	struct agenda_item *ag;
	size_t nag, capag;
	uint64_t agseq;
	bool service_scheduled;
	/* PRI */
	struct lazy_map *lazy;
	size_t nlazy, caplazy;
	struct pri_wait *pw;
	size_t npw, cappw;
	uint16_t next_prgi; /* PRG indexes round-robin (512 outstanding at most) */
	struct iommu_hist lat_pri;
	/* guest PASID binds: host PASID -> the guest table's s1 domain */
	struct bind_dom {
		uint64_t gcr3;
		unsigned s1;
	} * bd;
	size_t nbd, capbd;
	struct iommu_hist sw_cost[DRIVER_SW_KINDS];
	struct driver_qerror berr[DRIVER_MAX_QERRORS]; /* bind errors */
	size_t nberr;
	const struct trace_reader *cur_r;
	int async_rc;
	struct iommu_hist lat_dma, lat_xlate, lat_ats;
	uint64_t cycles; /* when the replay drained */
	/* co-simulation boundary (replay.tap) */
	const struct driver_tap *tap;
	void *tap_ctx;
	struct iommu_mem sw_mem, hw_mem; /* the builder's and the IOMMU's views of mem */
	uint64_t tap_waits;              /* invalidation waits reported so far */
	/* software's register port: one write per cycle (driver_reg) */
	bool reg_port;      /* every unit has its engine */
	unsigned in_engine; /* inside an engine callback */
	bool reg_taken;     /* a write was taken at cycle reg_cycle */
	uint64_t reg_cycle;
	char err[640];
};

/* ---- Boundary tap (co-simulation) ----------------------------------------- */

static uint64_t tap_now(const struct driver *d)
{
	return d->u[0].tm ? iommu_timing_now(d->u[0].tm) : 0;
}

static int tap_read(void *ctx, uint64_t pa, void *buf, size_t len)
{
	const struct driver *d = ctx;

	return d->mem.ops->read(d->mem.ctx, pa, buf, len);
}

static uint64_t tap_generation(void *ctx)
{
	const struct driver *d = ctx;

	return d->mem.ops->generation ? d->mem.ops->generation(d->mem.ctx) : 0;
}

static int tap_sw_write(void *ctx, uint64_t pa, const void *buf, size_t len)
{
	struct driver *d = ctx;
	int rc = d->mem.ops->write(d->mem.ctx, pa, buf, len);

	if (!rc && d->tap->sw_write)
		d->tap->sw_write(d->tap_ctx, tap_now(d), pa, buf, len);
	return rc;
}

static int tap_hw_write(void *ctx, uint64_t pa, const void *buf, size_t len)
{
	struct driver *d = ctx;
	int rc = d->mem.ops->write(d->mem.ctx, pa, buf, len);

	if (!rc && d->tap->hw_write)
		d->tap->hw_write(d->tap_ctx, tap_now(d), pa, buf, len);
	return rc;
}

static const struct iommu_mem_ops tap_sw_ops = {tap_read, tap_sw_write, tap_generation};
static const struct iommu_mem_ops tap_hw_ops = {tap_read, tap_hw_write, tap_generation};

static void tap_advanced(struct driver *d);

/* Software's register port takes one write per cycle (docs/config.md [replay]):
 * a second write in the cycle of the previous one waits for the next cycle,
 * the engines running the cycle with the previous write applied. Called
 * before each write is applied (iommu_set_reg_observer). */
static void driver_reg(void *ctx, uint32_t off, unsigned size, uint64_t val)
{
	struct driver *d = ctx;

	if (d->reg_port) {
		uint64_t now = iommu_timing_now(d->u[0].tm);

		if (d->reg_taken && d->reg_cycle == now && !d->in_engine) {
			for (unsigned k = 0; k < d->nu; k++)
				iommu_timing_advance(d->u[k].tm, now + 1);
			if (d->tap)
				tap_advanced(d);
		}
		d->reg_taken = true;
		d->reg_cycle = iommu_timing_now(d->u[0].tm);
	}
	if (d->tap && d->tap->reg_write)
		d->tap->reg_write(d->tap_ctx, tap_now(d), off, size, val);
}

/* The tap holds ordered software back (driver_tap.busy). */
static bool tap_busy(const struct driver *d)
{
	return d->tap && d->tap->busy && d->tap->busy(d->tap_ctx);
}

/* Every request the engine is given goes through here. */
static int tm_submit(struct driver *d, struct iommu_timing *tm, uint64_t cycle,
		     const struct iommu_req *req, uint64_t tag)
{
	if (d->tap && d->tap->submit)
		d->tap->submit(d->tap_ctx, cycle, req, tag);
	return iommu_timing_submit(tm, cycle, req, tag);
}

/* After the engine advanced: the waits it completed (one per cycle at
 * most, in the cycle before now) and the new cycle. */
static void tap_advanced(struct driver *d)
{
	uint64_t w = iommu_timing_stats(d->u[0].tm)->qi_waits;
	uint64_t now = iommu_timing_now(d->u[0].tm);

	for (; d->tap_waits < w; d->tap_waits++)
		if (d->tap->wait_done)
			d->tap->wait_done(d->tap_ctx, now ? now - 1 : 0);
	if (d->tap->advanced)
		d->tap->advanced(d->tap_ctx, now);
}

static void tap_devtlb(void *ctx, uint16_t sid, bool answered)
{
	struct driver *d = ctx;

	d->tap->devtlb(d->tap_ctx, tap_now(d), sid, answered);
}

static void tap_queue_error(void *ctx, uint32_t fsts)
{
	struct driver *d = ctx;

	d->tap->queue_error(d->tap_ctx, tap_now(d), fsts);
}

static void on_timed(void *ctx, const struct iommu_timed *t);
static void on_pr_done(void *ctx, const struct iommu_timed_pr *r);
static int driver_spin(void *ctx);
static void on_prg_response(void *ctx, uint16_t sid, bool pasid_valid, uint32_t pasid,
			    uint16_t prgi, unsigned code);
static const struct iommu_pri_ops driver_pri_ops = {on_prg_response};

struct driver *driver_create(const struct iommu_config *mmu_cfg,
			     const struct vtd_builder_config *builder_cfg, const char **why)
{
	struct iommu_tparams tp;
	struct driver_replay_params rp;

	iommu_tparams_default(&tp);
	driver_replay_params_default(&rp);
	return driver_create_timed(mmu_cfg, builder_cfg, &tp, &rp, why);
}

/* Statistics summed over the IOMMUs (several IOMMUs only). */
struct sums {
	struct iommu_stats st;
	struct iommu_cache_stats cache[IOMMU_CACHE_COUNT];
	struct iommu_timing_stats ts;
};

static int unit_create(struct driver *d, unsigned k, const struct iommu_config *mmu_cfg,
		       const struct vtd_builder_config *builder_cfg, const char **why)
{
	struct unit *u = &d->u[k];
	struct vtd_builder_config bc = *builder_cfg;

	/* Each builder allocates its tables from its own slice of the range. */
	if (d->nu > 1) {
		uint64_t span = ((builder_cfg->alloc_limit - builder_cfg->alloc_base) / d->nu) &
				~(uint64_t)(IOMMU_PAGE_SIZE - 1);

		bc.alloc_base = builder_cfg->alloc_base + k * span;
		bc.alloc_limit = bc.alloc_base + span;
	}
	*why = "out of memory";
	u->mmu = iommu_create(mmu_cfg, d->tap ? &d->hw_mem : &d->mem);
	if (!u->mmu)
		return -1;
	u->oracle = vtd_oracle_create(u->mmu);
	u->bus = ats_bus_create();
	if (!u->oracle || !u->bus)
		return -1;
	ats_bus_connect(u->bus, u->mmu);
	if (d->tap && d->tap->devtlb)
		ats_bus_observe(u->bus, tap_devtlb, d);
	if (d->tap && d->tap->queue_error &&
	    iommu_add_qi_observer(u->mmu, (struct iommu_qi_observer){NULL, NULL, tap_queue_error},
				  d))
		return -1;
	iommu_set_pri(u->mmu, &driver_pri_ops, d); /* the driver times the responses */
	iommu_set_reg_observer(u->mmu, driver_reg, d);
	u->b = vtd_builder_create(u->mmu, d->tap ? d->sw_mem : d->mem, &bc);
	if (!u->b) {
		*why = "the table builder could not be created";
		return -1;
	}
	u->tm = iommu_timing_create(u->mmu, &d->tp, on_timed, d);
	if (!u->tm)
		return -1;
	iommu_timing_set_pr_done(u->tm, on_pr_done, d);
	iommu_set_spin(u->mmu, driver_spin, d);
	return 0;
}

struct driver *driver_create_timed(const struct iommu_config *mmu_cfg,
				   const struct vtd_builder_config *builder_cfg,
				   const struct iommu_tparams *tp,
				   const struct driver_replay_params *rp, const char **why)
{
	struct driver *d = calloc(1, sizeof(*d));

	*why = "out of memory";
	if (!d)
		return NULL;
	if (iommu_config_check(mmu_cfg, why) || iommu_tparams_check(tp, why))
		goto fail;
	*why = "replay.iommus: expected 1..8";
	if (rp->iommus < 1 || rp->iommus > TRACE_MAX_IOMMUS)
		goto fail;
	*why = "replay.iommus: co-simulation has one IOMMU";
	if (rp->tap && rp->iommus != 1)
		goto fail;
	*why = "out of memory";
	d->tp = *tp;
	d->rp = *rp;
	d->nu = rp->iommus;
	d->dev_out = calloc(1u << 16, sizeof(*d->dev_out));
	d->dev_iommu = calloc(1u << 16, 1);
	d->dev_attached = calloc(1u << 16, 1);
	if (!d->dev_out || !d->dev_iommu || !d->dev_attached)
		goto fail;
	if (d->nu > 1) {
		d->dom = calloc(1u << 16, sizeof(*d->dom));
		d->sums = calloc(1, sizeof(*d->sums));
		if (!d->dom || !d->sums)
			goto fail;
	}
	d->sm = sparse_mem_create(mmu_cfg->haw);
	if (!d->sm)
		goto fail;
	d->mem = sparse_mem_handle(d->sm);
	d->tap = rp->tap;
	d->tap_ctx = rp->tap_ctx;
	d->sw_mem = (struct iommu_mem){&tap_sw_ops, d};
	d->hw_mem = (struct iommu_mem){&tap_hw_ops, d};
	d->seed = mmu_cfg->seed;
	for (unsigned k = 0; k < d->nu; k++)
		if (unit_create(d, k, mmu_cfg, builder_cfg, why))
			goto fail;
	d->eb = d->u[0].b;
	d->reg_port = true;
	*why = NULL;
	return d;
fail:
	driver_destroy(d);
	return NULL;
}

void driver_destroy(struct driver *d)
{
	if (!d)
		return;
	for (unsigned k = 0; k < TRACE_MAX_IOMMUS; k++) {
		struct unit *u = &d->u[k];

		iommu_timing_destroy(u->tm); /* first: it drives the IOMMU's queue */
		if (u->b)
			vtd_builder_destroy(u->b);
		if (u->oracle)
			vtd_oracle_destroy(u->oracle);
		if (u->mmu)
			iommu_destroy(u->mmu);
		ats_bus_destroy(u->bus); /* after the IOMMU that routes to it */
	}
	if (d->sm)
		sparse_mem_destroy(d->sm);
	free(d->ep);
	free(d->chunks);
	free(d->chunk_free);
	free(d->pend);
	free(d->dev_out);
	free(d->dev_iommu);
	free(d->dev_attached);
	free(d->dom);
	free(d->sums);
	free(d->dev_limit);
	free(d->rel);
	free(d->ag);
	free(d->lazy);
	free(d->pw);
	free(d->bd);
	free(d);
}

/* The current cycle: every engine is at it between events. */
static uint64_t now_of(const struct driver *d)
{
	return iommu_timing_now(d->u[0].tm);
}

/* The IOMMU a device sits behind. */
static struct unit *unit_of(struct driver *d, uint16_t sid)
{
	return &d->u[d->dev_iommu[sid]];
}

/* What the trace should have done instead, for builder errors whose
 * sentence does not say it; NULL when nothing useful can be said. */
static const char *builder_expect(enum trace_op op, int rc)
{
	switch (op) {
	case TRACE_OP_DOMAIN:
		return rc == -IOMMU_EEXIST    ? "an unused domain ID"
		       : rc == -IOMMU_ENOENT  ? "the ID of an existing s2 domain"
		       : rc == -IOMMU_ENOTSUP ? "a format the hardware supports"
					      : NULL;
	case TRACE_OP_MAP:
		return rc == -IOMMU_ENOENT    ? "an existing domain"
		       : rc == -IOMMU_EEXIST  ? "a range not mapped yet (unmap first)"
		       : rc == -IOMMU_ERANGE  ? "a range inside the domain's address space"
		       : rc == -IOMMU_ENOTSUP ? "a page size the hardware supports"
		       : rc == -IOMMU_ENOMEM  ? "fewer tables than the builder's table memory holds"
					      : NULL;
	case TRACE_OP_UNMAP:
		return rc == -IOMMU_ENOENT   ? "a mapped range of an existing domain"
		       : rc == -IOMMU_EINVAL ? "whole pages as they were mapped"
					     : NULL;
	case TRACE_OP_ATTACH:
		return rc == -IOMMU_ENOENT ? "existing domains of the stages the type needs"
		       : rc == -IOMMU_EINVAL
			       ? "type=nested for an s1 domain with a parent, with s2= its parent"
		       : rc == -IOMMU_ERANGE  ? "a PASID within the hardware's PASID width"
		       : rc == -IOMMU_ENOTSUP ? "a type the hardware supports"
					      : NULL;
	case TRACE_OP_DETACH:
		return rc == -IOMMU_ENOENT ? "a device and PASID attached before" : NULL;
	case TRACE_OP_FLUSH: return rc == -IOMMU_ENOENT ? "an existing domain" : NULL;
	case TRACE_OP_DMA:
	case TRACE_OP_ATS:
	case TRACE_OP_DEVICE:
	case TRACE_OP_BIND:
	case TRACE_OP_UNBIND:
	case TRACE_OP_FREE:
	case TRACE_OP_GFLUSH:
	case TRACE_OP_QI:
	case TRACE_OP_WAIT: break;
	}
	return NULL;
}

/* d->err = "NAME:LINE: " (or "NAME:record N: ") followed by the message. */
__attribute__((format(printf, 5, 6))) static int fail(struct driver *d,
						      const struct trace_reader *r,
						      const struct trace_event *ev, int rc,
						      const char *fmt, ...)
{
	int n = snprintf(d->err, sizeof(d->err), "%s:%s%" PRIu64 ": ", trace_name(r), trace_unit(r),
			 ev->line);
	va_list ap;

	if (n < 0 || (size_t)n >= sizeof(d->err))
		n = 0;
	va_start(ap, fmt);
	vsnprintf(d->err + n, sizeof(d->err) - (size_t)n, fmt, ap);
	va_end(ap);
	return rc;
}

static int builder_fail(struct driver *d, const struct trace_reader *r,
			const struct trace_event *ev, int rc)
{
	const char *why = vtd_builder_error(d->eb);
	const char *expect = strstr(why, "expected") ? NULL : builder_expect(ev->op, rc);

	return fail(d, r, ev, rc, "%s: %s%s%s", trace_op_name(ev->op), why,
		    expect ? ", expected " : "", expect ? expect : "");
}

static unsigned iommu_perm(unsigned trace_perm)
{
	return (trace_perm & TRACE_PERM_R ? IOMMU_PERM_R : 0) |
	       (trace_perm & TRACE_PERM_W ? IOMMU_PERM_W : 0) |
	       (trace_perm & TRACE_PERM_X ? IOMMU_PERM_X : 0);
}

static enum vtd_pgtt vtd_type(enum trace_xlate type)
{
	switch (type) {
	case TRACE_XLATE_S1: return VTD_PGTT_FL;
	case TRACE_XLATE_S2: return VTD_PGTT_SL;
	case TRACE_XLATE_NESTED: return VTD_PGTT_NESTED;
	case TRACE_XLATE_PT: break;
	}
	return VTD_PGTT_PT;
}

static struct driver_endpoint *find_endpoint(const struct driver *d, uint16_t sid)
{
	for (size_t i = 0; i < d->nep; i++)
		if (d->ep[i].sid == sid)
			return &d->ep[i];
	return NULL;
}

/* Checks an attach's ATS keys against the device's endpoint, if any:
 * ATS is a property of the device (context DTE) and stays on. respond=
 * applies before the attach, whose teardown may invalidate the device TLB. */
static int prepare_ats(struct driver *d, const struct trace_reader *r, const struct trace_event *ev)
{
	const struct trace_attach *t = &ev->u.attach;
	const struct driver_endpoint *ep = find_endpoint(d, t->ep.sid);
	char bdf[16];

	if (!ep)
		return 0;
	trace_format_bdf(bdf, sizeof(bdf), t->ep.sid);
	if (t->has_ats && !t->ats)
		return fail(d, r, ev, -IOMMU_EINVAL,
			    "ats: device %s has had ATS (context DTE = 1) since an earlier "
			    "attach, expected ats=1 or no ats=",
			    bdf);
	if (t->has_devtlb && (t->devtlb_sets != ep->geom.sets || t->devtlb_ways != ep->geom.ways))
		return fail(d, r, ev, -IOMMU_EINVAL,
			    "devtlb: device %s already has a %ux%u device TLB, expected "
			    "devtlb=%ux%u or no devtlb=",
			    bdf, ep->geom.sets, ep->geom.ways, ep->geom.sets, ep->geom.ways);
	if (t->has_respond)
		ats_dev_set_responsive(ep->dev, t->respond);
	return 0;
}

/* After an attach with ats=1: the device's endpoint, created on first use. */
static int attach_endpoint(struct driver *d, const struct trace_reader *r,
			   const struct trace_event *ev)
{
	const struct trace_attach *t = &ev->u.attach;
	struct driver_endpoint *ep = find_endpoint(d, t->ep.sid);

	if (!ep) {
		struct iommu_cache_geom g = {
			.sets = t->devtlb_sets, .ways = t->devtlb_ways, .repl = IOMMU_REPL_LRU};
		struct ats_dev *dev;

		if (d->nep == d->capep) {
			size_t cap = d->capep ? 2 * d->capep : 8;
			struct driver_endpoint *p = realloc(d->ep, cap * sizeof(*p));

			if (!p)
				goto nomem;
			d->ep = p;
			d->capep = cap;
		}
		dev = ats_dev_create(t->ep.sid, &g, d->seed ^ t->ep.sid);
		if (!dev)
			goto nomem;
		if (ats_bus_add(unit_of(d, t->ep.sid)->bus, dev)) {
			ats_dev_destroy(dev);
			goto nomem;
		}
		ep = &d->ep[d->nep++];
		*ep = (struct driver_endpoint){
			.sid = t->ep.sid, .geom = g, .dev = dev, .iommu = d->dev_iommu[t->ep.sid]};
		ats_dev_set_responsive(dev, t->respond);
	}
	return 0;
nomem:
	return fail(d, r, ev, -IOMMU_ENOMEM, "attach: out of memory for the ATS endpoint");
}

static int apply_attach(struct driver *d, const struct trace_attach *t)
{
	struct vtd_attach a;

	vtd_attach_init(&a, t->ep.sid, vtd_type(t->type));
	a.has_pasid = t->ep.has_pasid;
	a.pasid = t->ep.pasid;
	a.s1 = t->s1 ? (int)t->s1 : -1;
	a.s2 = t->s2 ? (int)t->s2 : -1;
	if (t->has_did)
		a.did = t->did;
	a.sre = t->sre;
	a.ere = t->ere;
	a.wpe = t->wpe;
	a.nxe = t->nxe;
	a.dte = t->ats || find_endpoint(d, t->ep.sid);
	return vtd_builder_attach(d->eb, &a);
}

/* An attach behind an IOMMU other than the first: a first-level domain is
 * wrapped on its builder (same ID, same table) the first time; a
 * second-level or nested domain is refused. */
static int share_domain(struct driver *d, const struct trace_reader *r,
			const struct trace_event *ev, unsigned k)
{
	const struct trace_attach *t = &ev->u.attach;
	const struct dom_info *di = &d->dom[t->s1];
	struct vtd_builder *b = d->u[k].b;
	char bdf[16];
	int rc;

	trace_format_bdf(bdf, sizeof(bdf), t->ep.sid);
	if (t->type == TRACE_XLATE_PT)
		return 0;
	if (t->type != TRACE_XLATE_S1 ||
	    (di->stage && (di->stage != VTD_STAGE_S1 || di->has_parent)))
		return fail(d, r, ev, -IOMMU_ENOTSUP,
			    "attach: device %s sits behind IOMMU %u and only first-level domains "
			    "(one process table) are shared across IOMMUs, expected type=s1 with "
			    "an s1 domain without parent, or type=pt",
			    bdf, k);
	if (!di->stage || vtd_builder_has_domain(b, t->s1))
		return 0; /* no such domain: the attach says so */
	rc = vtd_builder_domain_shared(b, t->s1, di->levels,
				       vtd_builder_domain_root(d->u[0].b, t->s1));
	if (rc) {
		d->eb = b;
		return builder_fail(d, r, ev, rc);
	}
	return 0;
}

/* A completed request: counted, kept when it is among the first flagged
 * ones, and handed to the sink. */
static int finish_record(struct driver *d, const struct driver_record *rec)
{
	d->sum.requests++;
	d->u[rec->iommu].sum.requests++;
	d->u[rec->iommu].sum.faults += !rec->ok;
	d->u[rec->iommu].sum.flagged += rec->oracle != VTD_ORACLE_OK;
	if (rec->ok) {
		d->sum.completed++;
	} else {
		d->sum.faults++;
		d->sum.fault_reasons[rec->fault & 0xff]++;
	}
	if (rec->oracle != VTD_ORACLE_OK) {
		d->sum.flagged++;
		if (d->nflagged < DRIVER_MAX_FLAGGED)
			d->flagged[d->nflagged++] = *rec;
	}
	return d->sink && d->sink(d->sink_ctx, rec) ? -IOMMU_EIO : 0;
}

/* DID of the attachment a request of (sid, PASID) uses; RID_PASID is 0. */
static uint16_t attachment_did(const struct unit *u, const struct iommu_req *req)
{
	const struct vtd_attachment *att;
	size_t n = vtd_builder_attachments(u->b, &att);
	uint32_t pasid = req->pasid_valid ? req->pasid : 0;

	for (size_t i = 0; i < n; i++)
		if (att[i].sid == req->sid && att[i].pasid == pasid)
			return att[i].did;
	return 0;
}

/* ---- Timed DMA ------------------------------------------------------------ */

/* An error met while the engine runs (in a completion): kept and returned by
 * the trace event being applied, or by the end of the replay. */
__attribute__((format(printf, 3, 4))) static void async_fail(struct driver *d, int rc,
							     const char *fmt, ...)
{
	va_list ap;

	if (d->async_rc)
		return;
	d->async_rc = rc;
	va_start(ap, fmt);
	vsnprintf(d->err, sizeof(d->err), fmt, ap);
	va_end(ap);
}

static struct pend *pend_of(struct driver *d, uint64_t seq)
{
	return &d->pend[seq % d->cappend];
}

/* Records leave in trace order, as soon as every earlier one has. */
static void pend_retire(struct driver *d)
{
	while (d->pend_head != d->pend_tail && pend_of(d, d->pend_head)->done) {
		struct pend *p = pend_of(d, d->pend_head);

		if (p->prefetch) {
			d->pend_head++;
			continue;
		}
		if (p->rec.oracle != VTD_ORACLE_OK)
			p->rec.source = p->flagged_source;
		if (!p->rec.ok) {
			p->rec.hpa = 0;
			p->rec.page_size = 0;
			p->rec.perm = 0;
			p->rec.did = 0;
		}
		if (finish_record(d, &p->rec))
			async_fail(d, -IOMMU_EIO,
				   "%s:%s%" PRIu64 ": dma: the request's record "
				   "could not be written",
				   trace_name(d->cur_r), trace_unit(d->cur_r), p->rec.line);
		d->pend_head++;
	}
}

static int pend_push(struct driver *d, const struct driver_record *rec)
{
	if (d->pend_tail - d->pend_head == d->cappend) {
		size_t cap = d->cappend ? 2 * d->cappend : 64;
		struct pend *np = malloc(cap * sizeof(*np));

		if (!np)
			return -IOMMU_ENOMEM;
		for (uint64_t q = d->pend_head; q != d->pend_tail; q++)
			np[q % cap] = d->pend[q % d->cappend];
		free(d->pend);
		d->pend = np;
		d->cappend = cap;
	}
	*pend_of(d, d->pend_tail) = (struct pend){.rec = *rec};
	d->pend_tail++;
	return 0;
}

static int chunk_get(struct driver *d)
{
	if (!d->nchunk_free) {
		size_t cap = d->capchunks ? 2 * d->capchunks : 64;
		struct chunk *nc = realloc(d->chunks, cap * sizeof(*nc));
		int *nf;

		if (!nc)
			return -1;
		d->chunks = nc;
		nf = realloc(d->chunk_free, cap * sizeof(*nf));
		if (!nf)
			return -1;
		d->chunk_free = nf;
		for (size_t i = cap; i > d->capchunks; i--)
			d->chunk_free[d->nchunk_free++] = (int)(i - 1);
		d->capchunks = cap;
	}
	return d->chunk_free[--d->nchunk_free];
}

static void chunk_put(struct driver *d, int c)
{
	d->chunk_free[d->nchunk_free++] = c;
}

static uint64_t walk_reads(const struct iommu_refs *f)
{
	uint64_t n = 0;

	for (unsigned l = 1; l <= IOMMU_MAX_LEVELS; l++)
		n += f->fl[l] + f->sl[l];
	return n;
}

static void pend_put(struct driver *d, struct pend *p);

/* The device's DMA slot frees at cycle (closed loop). */
static void release_later(struct driver *d, uint64_t cycle, uint16_t sid)
{
	if (cycle <= iommu_timing_now(unit_of(d, sid)->tm)) {
		d->dev_out[sid]--;
		return;
	}
	if (d->nrel == d->caprel) {
		size_t cap = d->caprel ? 2 * d->caprel : 16;
		struct release *n = realloc(d->rel, cap * sizeof(*n));

		if (!n) {
			d->dev_out[sid]--; /* early rather than never */
			async_fail(d, -IOMMU_ENOMEM, "out of memory for the requests in flight");
			return;
		}
		d->rel = n;
		d->caprel = cap;
	}
	d->rel[d->nrel++] = (struct release){cycle, sid};
}

/* Frees the slots whose answers have reached their devices by now. */
static void release_due(struct driver *d)
{
	uint64_t now = now_of(d);

	for (size_t i = 0; i < d->nrel;) {
		if (d->rel[i].cycle <= now) {
			d->dev_out[d->rel[i].sid]--;
			d->rel[i] = d->rel[--d->nrel];
		} else {
			i++;
		}
	}
}

static void agenda_push(struct driver *d, uint64_t cycle, enum agenda_kind kind, int arg,
			uint64_t start);

/* A page's final answer: into its DMA's record. */
static void chunk_answer(struct driver *d, int c, struct iommu_resp *resp, uint64_t done)
{
	struct chunk *ch = &d->chunks[c];
	struct unit *u = &d->u[ch->unit];
	struct pend *p = pend_of(d, ch->dma);
	struct driver_record *rec = &p->rec;
	uint64_t a = ch->req.addr;
	enum vtd_oracle_verdict v;

	/* The driver's fault handler: read and clear the fault records, as
	 * Linux does on the fault event, so that later faults are recorded. It
	 * runs replay.fault_service cycles after the fault's response (the
	 * interrupt), outside the IOMMU's cycle. */
	if (resp->fault_recorded && !u->faults_scheduled) {
		u->faults_scheduled = true;
		agenda_push(d, done + d->rp.fault_service, AG_FAULTS, ch->unit, 0);
	}
	v = vtd_oracle_check(u->oracle, &ch->req, resp);
	rec->mem_reads += walk_reads(&resp->refs);
	if (ch->pri_start && resp->ok)
		iommu_hist_add(&d->lat_pri, done - ch->pri_start);
	if (a == rec->dma.addr) {
		rec->hpa = resp->hpa;
		rec->page_size = resp->page_size;
		rec->perm = resp->perm;
		rec->did = ch->ep ? attachment_did(u, &ch->req) : resp->did;
		rec->source = resp->source;
		p->first_seen = true;
	}
	if (v != VTD_ORACLE_OK) {
		if (rec->oracle == VTD_ORACLE_OK || a < p->flagged_addr) {
			p->flagged_addr = a;
			rec->oracle_addr = a;
			p->flagged_source = resp->source;
		}
		if (v == VTD_ORACLE_STALE || rec->oracle == VTD_ORACLE_OK)
			rec->oracle = v;
	}
	if (!resp->ok && (rec->ok || a < rec->fault_addr)) {
		rec->ok = false;
		rec->fault = resp->fault;
		rec->fault_addr = a;
	}
	if (done > rec->done)
		rec->done = done;
	chunk_put(d, c);
	pend_put(d, p);
}

/* Drops one reference (a page in flight, or the issuing event's own) from
 * p; the last one completes the request. */
static void pend_put(struct driver *d, struct pend *p)
{
	struct driver_record *rec = &p->rec;

	if (--p->left == 0) {
		p->done = true;
		rec->latency = rec->done - rec->issue;
		if (rec->done > d->max_done)
			d->max_done = rec->done;
		if (p->prefetch) {
			iommu_hist_add(&d->lat_ats, rec->latency);
			d->sum.ats_faults += !rec->ok;
		} else {
			iommu_hist_add(&d->lat_dma, rec->latency);
			release_later(d, rec->done, rec->dma.ep.sid);
		}
		pend_retire(d);
	}
}

static void chunk_submit(struct driver *d, int c, uint64_t cycle, const struct iommu_req *req)
{
	int rc = tm_submit(d, d->u[d->chunks[c].unit].tm, cycle, req, (uint64_t)c);

	if (rc)
		async_fail(d, rc, "out of memory for the requests in flight");
}

/* ---- The agenda: timed actions outside the request path ------------------- */

static bool ag_before(const struct agenda_item *a, const struct agenda_item *b)
{
	return a->cycle < b->cycle || (a->cycle == b->cycle && a->seq < b->seq);
}

static void agenda_push(struct driver *d, uint64_t cycle, enum agenda_kind kind, int arg,
			uint64_t start)
{
	struct agenda_item it = {cycle, d->agseq++, kind, arg, start};
	size_t i;

	if (d->nag == d->capag) {
		size_t cap = d->capag ? 2 * d->capag : 32;
		struct agenda_item *n = realloc(d->ag, cap * sizeof(*n));

		if (!n) {
			async_fail(d, -IOMMU_ENOMEM, "out of memory for the driver's agenda");
			return;
		}
		d->ag = n;
		d->capag = cap;
	}
	for (i = d->nag++; i > 0 && ag_before(&it, &d->ag[(i - 1) / 2]); i = (i - 1) / 2)
		d->ag[i] = d->ag[(i - 1) / 2];
	d->ag[i] = it;
}

static struct agenda_item agenda_pop(struct driver *d)
{
	struct agenda_item top = d->ag[0], last = d->ag[--d->nag];
	size_t i = 0;

	for (;;) {
		size_t c = 2 * i + 1;

		if (c >= d->nag)
			break;
		if (c + 1 < d->nag && ag_before(&d->ag[c + 1], &d->ag[c]))
			c++;
		if (!ag_before(&d->ag[c], &last))
			break;
		d->ag[i] = d->ag[c];
		i = c;
	}
	if (d->nag)
		d->ag[i] = last;
	return top;
}

static int prq_handler(void *ctx, const struct iommu_page_req *pr);

/* No answer will come: the device gives up on the page. */
static void pr_dropped(struct driver *d, int c, uint64_t when)
{
	for (size_t i = 0; i < d->npw; i++)
		if (d->pw[i].chunk == c)
			d->pw[i] = d->pw[--d->npw];
	d->chunks[c].code = VTD_PRG_INVALID;
	agenda_push(d, when + d->tp.ats_link_latency, AG_RETRY, c, 0);
}

/* A page request reaches the IOMMU. */
static void page_request(struct driver *d, int c)
{
	struct chunk *ch = &d->chunks[c];
	const struct iommu_req *q = &ch->req;
	const uint64_t now = now_of(d);
	struct iommu_page_req pr = {
		.sid = q->sid,
		.pasid_valid = q->pasid_valid,
		.pasid = q->pasid,
		.addr = q->addr & ~(uint64_t)(IOMMU_PAGE_SIZE - 1),
		.read = q->access != IOMMU_ACC_WRITE,
		.write = q->access == IOMMU_ACC_WRITE,
		.exec = q->access == IOMMU_ACC_EXEC,
		.priv = q->priv,
		.prgi = d->next_prgi,
		.lpig = true,
	};
	int rc;

	d->next_prgi = (uint16_t)((d->next_prgi + 1) % 512);
	ch->prgi = pr.prgi;
	d->sum.page_reqs++;
	pend_of(d, ch->dma)->rec.page_reqs++;
	if (d->npw == d->cappw) {
		size_t cap = d->cappw ? 2 * d->cappw : 16;
		struct pri_wait *n = realloc(d->pw, cap * sizeof(*n));

		if (!n) {
			async_fail(d, -IOMMU_ENOMEM, "out of memory for page requests");
			return;
		}
		d->pw = n;
		d->cappw = cap;
	}
	d->pw[d->npw++] = (struct pri_wait){q->sid, pr.prgi, c};
	agenda_push(d, now + DRIVER_PRI_TIMEOUT, AG_PRI_TIMEOUT, c, pr.prgi);
	/* The IOMMU's page request unit takes it (docs/uarch.md 8.1):
	 * on_pr_done says what became of it. */
	rc = iommu_timing_page_request(d->u[ch->unit].tm, now, &pr, (uint64_t)c);
	if (rc)
		pr_dropped(d, c, now);
	else if (d->tap && d->tap->page_request)
		d->tap->page_request(d->tap_ctx, now, &pr, (uint64_t)c);
}

/* The page request unit finished a page request. */
static void on_pr_done(void *ctx, const struct iommu_timed_pr *r)
{
	struct driver *d = ctx;
	int c = (int)r->tag;

	if (d->tap && d->tap->pr_done)
		d->tap->pr_done(d->tap_ctx, r);
	if (r->res.outcome == IOMMU_PR_QUEUED) {
		if (!d->service_scheduled) {
			d->service_scheduled = true;
			agenda_push(d, r->done + d->rp.pri_service, AG_SERVICE, 0, 0);
		}
	} else if (r->res.outcome == IOMMU_PR_DISCARDED) {
		pr_dropped(d, c, r->done);
	}
}

/* A page group response leaves the IOMMU (descriptor 0x9, or its own). */
static void on_prg_response(void *ctx, uint16_t sid, bool pasid_valid, uint32_t pasid,
			    uint16_t prgi, unsigned code)
{
	struct driver *d = ctx;

	if (d->tap && d->tap->prg_response)
		d->tap->prg_response(d->tap_ctx, tap_now(d), sid, pasid_valid, pasid, prgi, code);
	for (size_t i = 0; i < d->npw; i++) {
		if (d->pw[i].sid != sid || d->pw[i].prgi != prgi)
			continue;
		/* it leaves in this cycle of the engine, then crosses the link */
		d->chunks[d->pw[i].chunk].code = code;
		agenda_push(d,
			    iommu_timing_now(d->u[d->chunks[d->pw[i].chunk].unit].tm) +
				    d->tp.ats_link_latency,
			    AG_RETRY, d->pw[i].chunk, 0);
		d->pw[i] = d->pw[--d->npw];
		return;
	}
}

/* The response reached the device: retry the translation, or fail. */
static void pri_retry(struct driver *d, int c)
{
	struct chunk *ch = &d->chunks[c];
	const uint64_t now = now_of(d);
	struct iommu_req tr;

	if (ch->code == VTD_PRG_SUCCESS) {
		d->sum.pri_success++;
		ch->retries++;
		ch->phase = CH_TRANSLATION_REQ;
		ats_dev_tr_req(&ch->req, &tr);
		chunk_submit(d, c, now + 1 + d->tp.ats_link_latency, &tr);
		return;
	}
	d->sum.pri_denied++;
	chunk_answer(d, c, &ch->fault, now);
}

/* Invalidation descriptors not completed yet, on any IOMMU. */
static bool queues_pending(const struct driver *d)
{
	for (unsigned k = 0; k < d->nu; k++)
		if (iommu_timing_queue_pending(d->u[k].tm))
			return true;
	return false;
}

static void agenda_item_run(struct driver *d, const struct agenda_item *it)
{
	const uint64_t now = now_of(d);

	switch (it->kind) {
	case AG_PAGE_REQ: page_request(d, it->arg); break;
	case AG_SERVICE: {
		int rc;

		d->service_scheduled = false;
		for (unsigned k = 0; k < d->nu; k++) {
			d->prq_unit = k;
			rc = vtd_builder_prq_service(d->u[k].b, prq_handler, d);
			if (rc < 0)
				async_fail(d, rc, "page request service: %s",
					   vtd_builder_error(d->u[k].b));
		}
		agenda_push(d, now, AG_SW_COST, DRIVER_SW_PRQ_SERVICE, now);
		break;
	}
	case AG_RETRY: pri_retry(d, it->arg); break;
	case AG_PRI_TIMEOUT:
		for (size_t i = 0; i < d->npw; i++) {
			if (d->pw[i].chunk != it->arg || d->pw[i].prgi != it->start)
				continue;
			d->pw[i] = d->pw[--d->npw];
			d->sum.pri_timeouts++;
			d->chunks[it->arg].code = VTD_PRG_FAILURE;
			pri_retry(d, it->arg);
			break;
		}
		break;
	case AG_FAULTS:
		d->u[it->arg].faults_scheduled = false;
		vtd_builder_service_faults(d->u[it->arg].b);
		break;
	case AG_SW_COST:
		if (queues_pending(d))
			agenda_push(d, now + 1, AG_SW_COST, it->arg, it->start);
		else
			iommu_hist_add(&d->sw_cost[it->arg], now - it->start);
		break;
	}
}

/* A page request's timeout whose page request was answered since. */
static bool pri_timeout_stale(const struct driver *d, const struct agenda_item *it)
{
	if (it->kind != AG_PRI_TIMEOUT)
		return false;
	for (size_t i = 0; i < d->npw; i++)
		if (d->pw[i].chunk == it->arg && d->pw[i].prgi == it->start)
			return false;
	return true;
}

/* Runs the agenda items due at the current cycle. The first item left is
 * never a stale timeout: the replay neither waits nor runs on for one. */
static void agenda_run(struct driver *d)
{
	while (d->nag && d->ag[0].cycle <= now_of(d) && !d->async_rc) {
		struct agenda_item it = agenda_pop(d);

		agenda_item_run(d, &it);
	}
	while (d->nag && pri_timeout_stale(d, &d->ag[0]))
		(void)agenda_pop(d);
}

/* Simulates up to cycle: the engines, in lock-step, and the agenda, in
 * cycle order. */
/* The next cycle, after now, at which anything the driver waits for can
 * change: an engine's next event has been simulated (its completions then
 * add agenda items), an agenda item is due, an answer reaches its device,
 * a closed-loop slot frees. UINT64_MAX when nothing is to come. */
static uint64_t next_wake(const struct driver *d)
{
	const uint64_t now = now_of(d);
	uint64_t next = UINT64_MAX;

	for (unsigned k = 0; k < d->nu; k++) {
		uint64_t e = iommu_timing_next_event(d->u[k].tm);

		if (e != UINT64_MAX && e + 1 < next)
			next = e + 1;
	}
	if (d->nag && d->ag[0].cycle < next)
		next = d->ag[0].cycle;
	if (d->max_done > now && d->max_done < next)
		next = d->max_done;
	for (size_t i = 0; i < d->nrel; i++)
		if (d->rel[i].cycle > now && d->rel[i].cycle < next)
			next = d->rel[i].cycle;
	if (tap_busy(d)) /* the other side of the tap needs cycles to finish */
		next = now + 1;
	return next == UINT64_MAX || next > now ? next : now + 1;
}

/* Simulates up to cycle: the engines and the agenda, in cycle order,
 * skipping the cycles in which nothing can happen. */
static void drive_to(struct driver *d, uint64_t cycle)
{
	agenda_run(d);
	while (now_of(d) < cycle && !d->async_rc) {
		uint64_t next = next_wake(d);

		if (next > cycle)
			next = cycle;
		/* The tap sees each wait's completion cycle: one cycle at a
		 * time while the queue works. */
		if (d->tap && iommu_timing_queue_pending(d->u[0].tm) && next > now_of(d) + 1)
			next = now_of(d) + 1;
		for (unsigned k = 0; k < d->nu; k++)
			iommu_timing_advance(d->u[k].tm, next);
		if (d->tap)
			tap_advanced(d);
		agenda_run(d);
	}
}

/* The page request handler of the driver: maps the page from a lazy
 * mapping of the domain the device PASID uses. */
static int prq_handler(void *ctx, const struct iommu_page_req *pr)
{
	struct driver *d = ctx;
	struct vtd_builder *b = d->u[d->prq_unit].b;
	const struct vtd_attachment *att;
	const struct vtd_gpasid_record *gb;
	size_t n = vtd_builder_attachments(b, &att);
	uint32_t pasid = pr->pasid_valid ? pr->pasid : 0;
	int dom = -1;

	size_t nb = vtd_builder_gpasid_binds(b, &gb);

	/* A guest PASID bind first: its first level is the guest's table. */
	for (size_t i = 0; i < nb && dom < 0; i++) {
		if (gb[i].bind.sid != pr->sid || gb[i].bind.hpasid != pasid)
			continue;
		for (size_t k = 0; k < d->nbd; k++)
			if (d->bd[k].gcr3 == gb[i].bind.gcr3)
				dom = (int)d->bd[k].s1;
	}
	for (size_t i = 0; i < n && dom < 0; i++)
		if (att[i].sid == pr->sid && att[i].pasid == pasid)
			dom = att[i].s1 >= 0 ? att[i].s1 : att[i].s2;
	for (size_t i = 0; i < d->nlazy && dom >= 0; i++) {
		const struct lazy_map *m = &d->lazy[i];
		uint64_t off = pr->addr - m->iova;
		int rc;

		if (m->dom != (unsigned)dom || pr->addr < m->iova || off >= m->size)
			continue;
		off &= ~(uint64_t)(IOMMU_PAGE_SIZE - 1);
		rc = vtd_builder_map_page(d->u[0].b, m->dom, m->iova + off, m->pa + off,
					  IOMMU_PAGE_SIZE, m->perm, m->user);
		d->sum.lazy_maps += rc == 0;
		return rc == 0 || rc == -IOMMU_EEXIST ? VTD_PRG_SUCCESS : VTD_PRG_INVALID;
	}
	return VTD_PRG_INVALID;
}

/* The engine answered a request. */
static void timed_answer(struct driver *d, const struct iommu_timed *t)
{
	int c = (int)t->tag;
	struct chunk *ch = &d->chunks[c];
	struct unit *u = &d->u[ch->unit];
	struct iommu_resp resp = t->resp;
	int rc = t->rc;

	if (d->tap && d->tap->timed)
		d->tap->timed(d->tap_ctx, t);
	iommu_hist_add(&d->lat_xlate, t->done - t->accept);
	if (rc < 0) {
		async_fail(d, rc,
			   "%s:%s%" PRIu64 ": dma: the model rejected the request (error %d), "
			   "expected a request a bus can carry",
			   trace_name(d->cur_r), trace_unit(d->cur_r),
			   pend_of(d, ch->dma)->rec.line, rc);
		resp.ok = false;
	}
	switch (ch->phase) {
	case CH_UNTRANSLATED: break;
	case CH_TRANSLATION_REQ:
		if (rc == 0 && !ats_dev_complete(ch->ep, u->mmu, &ch->req, &resp, &ch->x)) {
			struct iommu_req tr;

			/* The completion crosses the link, the device fills its TLB
			 * and sends the translated request back across it. */
			ch->phase = CH_TRANSLATED;
			ats_dev_translated_req(&ch->req, &ch->x, &tr);
			chunk_submit(d, c, t->done + 2ull * d->tp.ats_link_latency, &tr);
			return;
		}
		if (rc == 0 && ch->retries < DRIVER_PRI_RETRIES &&
		    (vtd_builder_dev_caps(u->b, ch->req.sid) & VTD_DEV_PRI)) {
			/* The device sees the denial and asks for the page. */
			ch->fault = resp;
			if (!ch->pri_start)
				ch->pri_start = t->done + d->tp.ats_link_latency;
			agenda_push(d, t->done + 2ull * d->tp.ats_link_latency, AG_PAGE_REQ, c, 0);
			return;
		}
		break;
	case CH_TRANSLATED: ats_dev_translated_resp(&ch->x, &resp, rc); break;
	case CH_PREFETCH:
		/* The endpoint caches what the completion allows; a fault is
		 * its answer. */
		if (rc == 0)
			ats_dev_complete(ch->ep, u->mmu, &ch->req, &resp, &ch->x);
		break;
	}
	/* An ATS device learns the outcome when the response crosses back. */
	chunk_answer(d, c, &resp, t->done + (ch->ep ? d->tp.ats_link_latency : 0));
}

/* The engine's completion callback: inside the engine's cycle, where
 * software must not take the register port (driver_reg). */
static void on_timed(void *ctx, const struct iommu_timed *t)
{
	struct driver *d = ctx;

	d->in_engine++;
	timed_answer(d, t);
	d->in_engine--;
}

/* One page of a DMA (or of an ats event: prefetch), issued by the device
 * at cycle. */
static int issue_page(struct driver *d, uint64_t seq, const struct iommu_req *req,
		      struct ats_dev *ep, bool prefetch, uint64_t cycle)
{
	int c = chunk_get(d);
	struct chunk *ch;
	struct iommu_timing *tm = unit_of(d, req->sid)->tm;
	struct iommu_req q;

	if (c < 0)
		return -IOMMU_ENOMEM;
	ch = &d->chunks[c];
	*ch = (struct chunk){.dma = seq,
			     .req = *req,
			     .ep = ep,
			     .unit = d->dev_iommu[req->sid],
			     .phase = CH_UNTRANSLATED};
	pend_of(d, seq)->left++;
	if (!ep)
		return tm_submit(d, tm, cycle, req, (uint64_t)c);
	/* Device-TLB lookup (one cycle), then the request crosses the link. */
	if (prefetch) {
		if (ats_dev_lookup(ep, req, &ch->x)) {
			/* Already cached: nothing to send. */
			struct iommu_resp resp = {.ok = true,
						  .hpa = ch->x.page |
							 (req->addr & (ch->x.size - 1)),
						  .page_size = ch->x.size,
						  .perm = ch->x.perm,
						  .source = IOMMU_SRC_DEVTLB,
						  .fill_seq = ch->x.seq,
						  .did = ch->x.did};

			chunk_answer(d, c, &resp, cycle + 1);
			return 0;
		}
		ch->phase = CH_PREFETCH;
		ats_dev_tr_req(req, &q);
		return tm_submit(d, tm, cycle + 1 + d->tp.ats_link_latency, &q, (uint64_t)c);
	}
	cycle += 1 + d->tp.ats_link_latency;
	if (ats_dev_lookup(ep, req, &ch->x)) {
		ch->phase = CH_TRANSLATED;
		ats_dev_translated_req(req, &ch->x, &q);
	} else {
		ch->phase = CH_TRANSLATION_REQ;
		ats_dev_tr_req(req, &q);
	}
	return tm_submit(d, tm, cycle, &q, (uint64_t)c);
}

/* Software polls an IOMMU (an invalidation wait's status): every engine
 * runs, in lock-step, to the next event of any; the agenda waits until the
 * software operation returns. Non-zero when no engine has anything to do. */
static int driver_spin(void *ctx)
{
	struct driver *d = ctx;
	uint64_t next = UINT64_MAX;

	for (unsigned k = 0; k < d->nu; k++) {
		uint64_t e = d->u[k].tm ? iommu_timing_next_event(d->u[k].tm) : UINT64_MAX;

		next = e < next ? e : next;
	}
	if (next == UINT64_MAX)
		return 1;
	/* The tap sees each wait's completion cycle: one cycle at a time. */
	if (d->tap && d->u[0].tm && next > iommu_timing_now(d->u[0].tm))
		next = iommu_timing_now(d->u[0].tm);
	for (unsigned k = 0; k < d->nu; k++)
		if (d->u[k].tm)
			iommu_timing_advance(d->u[k].tm, next + 1);
	if (d->tap && d->u[0].tm)
		tap_advanced(d);
	return 0;
}

/* Runs the engine one cycle at a time until done(d) holds. */
static void run_until(struct driver *d, bool (*done)(struct driver *, const void *),
		      const void *arg)
{
	while (!done(d, arg) && !d->async_rc) {
		uint64_t next = next_wake(d);

		if (next == UINT64_MAX) { /* nothing is to come: it never will */
			async_fail(d, -IOMMU_EIO,
				   "%s: the replay stalled at cycle %" PRIu64
				   " (a request that will never be answered)",
				   trace_name(d->cur_r), now_of(d));
			return;
		}
		drive_to(d, next);
	}
}

static bool software_may_run(struct driver *d, const void *arg)
{
	(void)arg;
	return d->pend_head == d->pend_tail && !queues_pending(d) && now_of(d) >= d->max_done &&
	       !d->service_scheduled && !tap_busy(d);
}

static unsigned device_limit(const struct driver *d, uint16_t sid)
{
	return d->dev_limit ? d->dev_limit[sid] : d->rp.outstanding;
}

static bool device_has_room(struct driver *d, const void *arg)
{
	uint16_t sid = *(const uint16_t *)arg;
	unsigned limit = device_limit(d, sid);

	release_due(d);
	return !limit || d->dev_out[sid] < limit;
}

/* Brings the engine to the cycle ev is applied at: its time stamp, or later
 * when the replay holds it (docs/config.md [replay]). */
static void reach_event(struct driver *d, const struct trace_event *ev)
{
	drive_to(d, ev->cycle);
	switch (ev->op) {
	case TRACE_OP_DMA: run_until(d, device_has_room, &ev->u.dma.ep.sid); break;
	case TRACE_OP_ATS: break; /* a device operation */
	case TRACE_OP_DEVICE:
		if ((ev->u.device.has_pasid || ev->u.device.has_pri) &&
		    d->rp.software == DRIVER_SW_ORDERED)
			run_until(d, software_may_run, NULL); /* the driver enables them */
		break;
	default:
		if (d->rp.software == DRIVER_SW_ORDERED)
			run_until(d, software_may_run, NULL);
		break;
	}
}

static int apply_device(struct driver *d, const struct trace_reader *r,
			const struct trace_event *ev)
{
	const struct trace_device *dv = &ev->u.device;

	if (dv->has_iommu && dv->iommu != d->dev_iommu[dv->sid]) {
		struct vtd_builder *from = unit_of(d, dv->sid)->b;
		char bdf[16];

		trace_format_bdf(bdf, sizeof(bdf), dv->sid);
		if (dv->iommu >= d->nu)
			return fail(
				d, r, ev, -IOMMU_EINVAL,
				"device: iommu=%u: the replay has %u IOMMU%s, expected iommu=0..%u "
				"or a larger replay.iommus (--set replay.iommus=%u)",
				dv->iommu, d->nu, d->nu == 1 ? "" : "s", d->nu - 1, dv->iommu + 1);
		if (d->dev_attached[dv->sid])
			return fail(d, r, ev, -IOMMU_EINVAL,
				    "device: iommu=%u: device %s was attached behind IOMMU %u "
				    "already, expected iommu= before the device's first attach",
				    dv->iommu, bdf, d->dev_iommu[dv->sid]);
		/* Capabilities set before move with the device. */
		vtd_builder_set_dev_caps(d->u[dv->iommu].b, dv->sid,
					 vtd_builder_dev_caps(from, dv->sid));
		vtd_builder_set_dev_caps(from, dv->sid, 0);
		d->dev_iommu[dv->sid] = (uint8_t)dv->iommu;
	}
	if (dv->has_outstanding) {
		if (!d->dev_limit) {
			d->dev_limit = malloc((1u << 16) * sizeof(*d->dev_limit));
			if (!d->dev_limit)
				return fail(d, r, ev, -IOMMU_ENOMEM, "device: out of memory");
			for (size_t i = 0; i < 1u << 16; i++)
				d->dev_limit[i] = d->rp.outstanding;
		}
		d->dev_limit[dv->sid] = dv->outstanding;
	}
	if (dv->has_pasid || dv->has_pri) {
		struct vtd_builder *b = unit_of(d, dv->sid)->b;
		unsigned caps = vtd_builder_dev_caps(b, dv->sid);
		int rc;

		if (dv->has_pasid)
			caps = dv->pasid ? caps | VTD_DEV_PASID : caps & ~VTD_DEV_PASID;
		if (dv->has_pri)
			caps = dv->pri ? caps | VTD_DEV_PRI : caps & ~VTD_DEV_PRI;
		d->eb = b;
		rc = vtd_builder_set_dev_caps(b, dv->sid, caps);
		return rc ? builder_fail(d, r, ev, rc) : 0;
	}
	return 0;
}

/* A map with lazy=1: kept, installed page by page on page requests. */
static int add_lazy(struct driver *d, const struct trace_map *m)
{
	if (d->nlazy == d->caplazy) {
		size_t cap = d->caplazy ? 2 * d->caplazy : 16;
		struct lazy_map *n = realloc(d->lazy, cap * sizeof(*n));

		if (!n)
			return -IOMMU_ENOMEM;
		d->lazy = n;
		d->caplazy = cap;
	}
	d->lazy[d->nlazy++] =
		(struct lazy_map){m->dom, m->iova, m->pa, m->size, iommu_perm(m->perm), m->user};
	return 0;
}

/* An unmap over lazy mappings: the pages faulted in are unmapped, the lazy
 * mappings it covers dropped. 1 when no lazy mapping overlaps (a plain
 * unmap), 0 when done, -IOMMU_EINVAL when it cuts one. */
static int unmap_lazy(struct driver *d, const struct trace_map *m)
{
	bool any = false;

	for (size_t i = 0; i < d->nlazy; i++) {
		const struct lazy_map *l = &d->lazy[i];

		if (l->dom != m->dom || l->iova + l->size <= m->iova ||
		    m->iova + m->size <= l->iova)
			continue;
		if (l->iova < m->iova || l->iova + l->size > m->iova + m->size)
			return -IOMMU_EINVAL;
		any = true;
	}
	if (!any)
		return 1;
	for (uint64_t off = 0; off < m->size; off += IOMMU_PAGE_SIZE) {
		int rc = vtd_builder_unmap(d->u[0].b, m->dom, m->iova + off, IOMMU_PAGE_SIZE);

		if (rc && rc != -IOMMU_ENOENT && rc != -IOMMU_EINVAL)
			return rc;
	}
	for (size_t i = 0; i < d->nlazy;) {
		if (d->lazy[i].dom == m->dom && d->lazy[i].iova >= m->iova &&
		    d->lazy[i].iova + d->lazy[i].size <= m->iova + m->size)
			d->lazy[i] = d->lazy[--d->nlazy];
		else
			i++;
	}
	return 0;
}

static int apply_bind(struct driver *d, const struct trace_bind *t)
{
	struct vtd_gpasid_bind bind = {
		.sid = t->ep.sid,
		.hpasid = t->ep.pasid,
		.has_gpasid = t->has_gpasid,
		.gpasid = t->gpasid,
		.gcr3 = vtd_builder_domain_root(d->u[0].b, t->s1),
		.addr_width = t->levels == 5 ? 57 : 48,
		.flags = (t->sre ? VTD_BIND_SRE : 0) | (t->ere ? VTD_BIND_EXEC : 0) |
			 (t->wpe ? VTD_BIND_WPE : 0),
		.vm = t->vm,
	};
	int rc;

	d->sum.binds++;
	if (!bind.gcr3)
		return -IOMMU_ENOENT;
	d->eb = unit_of(d, t->ep.sid)->b;
	rc = vtd_builder_bind_gpasid(d->eb, &bind);
	if (rc)
		return rc;
	for (size_t k = 0; k < d->nbd; k++)
		if (d->bd[k].gcr3 == bind.gcr3)
			return 0;
	if (d->nbd == d->capbd) {
		size_t cap = d->capbd ? 2 * d->capbd : 8;
		struct bind_dom *n = realloc(d->bd, cap * sizeof(*n));

		if (!n)
			return -IOMMU_ENOMEM;
		d->bd = n;
		d->capbd = cap;
	}
	d->bd[d->nbd++] = (struct bind_dom){bind.gcr3, t->s1};
	return 0;
}

/* Times the invalidations a software operation queued. */
/* A software operation that started at cycle start (it may have polled
 * its waits since) costs until the invalidation queues are idle. */
static void sw_cost_start(struct driver *d, enum trace_op op, uint64_t start)
{
	int kind = op == TRACE_OP_ATTACH   ? DRIVER_SW_ATTACH
		   : op == TRACE_OP_DETACH ? DRIVER_SW_DETACH
		   : op == TRACE_OP_FLUSH  ? DRIVER_SW_FLUSH
		   : op == TRACE_OP_BIND   ? DRIVER_SW_BIND
		   : op == TRACE_OP_UNBIND ? DRIVER_SW_UNBIND
		   : op == TRACE_OP_FREE   ? DRIVER_SW_FREE
		   : op == TRACE_OP_GFLUSH ? DRIVER_SW_GFLUSH
					   : -1;

	if (kind >= 0)
		agenda_push(d, now_of(d), AG_SW_COST, kind, start);
}

/* A bind, unbind, free or gflush the builder refused: a result. */
static void note_bind_error(struct driver *d, const struct trace_event *ev, int rc)
{
	d->sum.bind_errors++;
	if (d->nberr < DRIVER_MAX_QERRORS) {
		struct driver_qerror *q = &d->berr[d->nberr++];

		q->line = ev->line;
		q->op = ev->op;
		if (rc == -IOMMU_ENOENT && ev->op == TRACE_OP_BIND &&
		    !vtd_builder_domain_root(d->u[0].b, ev->u.bind.s1))
			snprintf(q->msg, sizeof(q->msg), "s1=%u: no such domain", ev->u.bind.s1);
		else
			snprintf(q->msg, sizeof(q->msg), "%s", vtd_builder_error(d->eb));
	}
}

static int apply_dma(struct driver *d, const struct trace_reader *r, const struct trace_event *ev)
{
	const struct trace_dma *t = &ev->u.dma;
	const uint64_t last = t->addr + (t->size - 1); /* the parser keeps this below 2^64 */
	const uint64_t now = now_of(d);
	const uint64_t seq = d->pend_tail;
	const bool prefetch = ev->op == TRACE_OP_ATS;
	struct driver_record rec = {
		.id = prefetch ? 0 : d->ndma,
		.cycle = ev->cycle,
		.line = ev->line,
		.dma = *t,
		.ok = true,
		.issue = now,
		.done = now,
		.iommu = d->dev_iommu[t->ep.sid],
	};
	struct iommu_req req = {
		.sid = t->ep.sid,
		.pasid_valid = t->ep.has_pasid,
		.pasid = t->ep.pasid,
		.priv = t->priv,
		.access = t->op == TRACE_ACC_W   ? IOMMU_ACC_WRITE
			  : t->op == TRACE_ACC_X ? IOMMU_ACC_EXEC
						 : IOMMU_ACC_READ,
	};
	const struct driver_endpoint *dep = find_endpoint(d, t->ep.sid);
	struct ats_dev *ep = dep ? dep->dev : NULL;
	const char *op = trace_op_name(ev->op);
	const struct vtd_gpasid_record *gb;
	size_t nb = t->ep.has_pasid ? vtd_builder_gpasid_binds(unit_of(d, t->ep.sid)->b, &gb) : 0;
	uint64_t a = t->addr;
	int rc;

	/* A guest PASID bind: the record shows the guest's PASID too. */
	for (size_t i = 0; i < nb; i++) {
		if (gb[i].bind.sid == t->ep.sid && gb[i].bind.hpasid == t->ep.pasid &&
		    gb[i].bind.has_gpasid) {
			rec.has_gpasid = true;
			rec.gpasid = gb[i].bind.gpasid;
		}
	}
	if (prefetch && !ep) {
		char bdf[16];

		trace_format_bdf(bdf, sizeof(bdf), t->ep.sid);
		return fail(d, r, ev, -IOMMU_EINVAL,
			    "ats: device %s has no ATS endpoint, expected an earlier attach of "
			    "it with ats=1",
			    bdf);
	}
	if (pend_push(d, &rec))
		return fail(d, r, ev, -IOMMU_ENOMEM, "%s: out of memory for the requests in flight",
			    op);
	pend_of(d, seq)->prefetch = prefetch;
	pend_of(d, seq)->left = 1; /* until every page is issued */
	if (prefetch) {
		d->sum.ats_events++;
	} else {
		d->ndma++;
		d->dev_out[t->ep.sid]++;
	}
	for (;;) {
		uint64_t page = a & ~(uint64_t)(IOMMU_PAGE_SIZE - 1);

		req.addr = a;
		rc = issue_page(d, seq, &req, ep, prefetch, now);
		if (rc)
			return fail(d, r, ev, rc, "%s: out of memory for the requests in flight",
				    op);
		if (!prefetch) {
			pend_of(d, seq)->rec.translations++;
			d->sum.translations++;
			d->u[rec.iommu].sum.translations++;
		} else {
			d->sum.ats_pages++;
		}
		if (last - page <= IOMMU_PAGE_SIZE - 1)
			break;
		a = page + IOMMU_PAGE_SIZE;
	}
	pend_put(d, pend_of(d, seq));
	return 0;
}

/* Why the queue stopped with IQE (IQER.IQEI). */
static const char *iqei_str(unsigned iqei)
{
	switch (iqei) {
	case VTD_IQEI_TAIL_BEYOND: return "tail beyond the queue";
	case VTD_IQEI_FETCH: return "descriptor fetch error";
	case VTD_IQEI_TYPE: return "invalid descriptor type";
	case VTD_IQEI_RSVD: return "reserved field set";
	case VTD_IQEI_WIDTH: return "invalid descriptor width";
	case VTD_IQEI_TAIL_MISALIGN: return "tail not 256-bit aligned";
	case VTD_IQEI_TTM: return "invalid TTM";
	default: return "unknown reason";
	}
}

/* An invalidation queue error met by ev: noted, and the replay goes on. */
static void note_queue_error(struct driver *d, const struct trace_event *ev, const struct unit *u,
			     bool iqe)
{
	d->sum.queue_errors++;
	if (d->nqerr < DRIVER_MAX_QERRORS) {
		struct driver_qerror *q = &d->qerr[d->nqerr++];

		q->line = ev->line;
		q->op = ev->op;
		if (iqe) {
			unsigned iqei =
				(unsigned)(iommu_reg_read(u->mmu, VTD_REG_IQER, 8) & VTD_IQER_IQEI);

			snprintf(q->msg, sizeof(q->msg), "%s (%s)", vtd_builder_error(u->b),
				 iqei_str(iqei));
		} else {
			snprintf(q->msg, sizeof(q->msg), "%s", vtd_builder_error(u->b));
		}
	}
}

/* Invalidation descriptors executed so far, waits not counted. */
static uint64_t non_wait_descs(const struct unit *u)
{
	const struct iommu_stats *st = iommu_stats(u->mmu);

	return st->qi_descriptors - st->qi_by_type[VTD_DESC_WAIT];
}

/* flush iommu=K: an IOMMU of the replay that has the domain. */
static int flush_target_check(struct driver *d, const struct trace_reader *r,
			      const struct trace_event *ev)
{
	const struct trace_flush *fl = &ev->u.flush;

	if (!fl->has_iommu)
		return 0;
	if (fl->iommu >= d->nu)
		return fail(d, r, ev, -IOMMU_EINVAL,
			    "flush: iommu=%u: the replay has %u IOMMU%s, expected iommu=0..%u or a "
			    "larger replay.iommus (--set replay.iommus=%u)",
			    fl->iommu, d->nu, d->nu == 1 ? "" : "s", d->nu - 1, fl->iommu + 1);
	if (fl->iommu && !vtd_builder_has_domain(d->u[fl->iommu].b, fl->dom))
		return fail(d, r, ev, -IOMMU_ENOENT,
			    "flush: IOMMU %u has no domain %u (no device behind it attached it), "
			    "expected the IOMMU of a device attached to the domain",
			    fl->iommu, fl->dom);
	return 0;
}

/* flush: on every IOMMU that has the domain (the first always: it owns
 * the table), or on IOMMU fl->iommu only. */
static int apply_flush(struct driver *d, const struct trace_event *ev)
{
	const struct trace_flush *fl = &ev->u.flush;
	int rc = 0;

	d->sum.flushes++;
	for (unsigned k = 0; k < d->nu; k++) {
		struct unit *u = &d->u[k];
		uint64_t descs0 = non_wait_descs(u);
		int rk;

		if (fl->has_iommu ? k != fl->iommu : k && !vtd_builder_has_domain(u->b, fl->dom))
			continue;
		rk = vtd_builder_flush(u->b, fl->dom, fl->has_pasid, fl->pasid, fl->iova, fl->size,
				       fl->leaf);
		/* Executed, not sent: a flush stopped by ITE counts what ran. */
		d->sum.flush_descs += non_wait_descs(u) - descs0;
		u->sum.flush_descs += non_wait_descs(u) - descs0;
		u->sum.flushes++;
		rk = rk > 0 ? 0 : rk;
		if (rk && !rc) {
			rc = rk;
			d->eb = u->b;
		}
		if (rk && rk != -IOMMU_EIO)
			break;
	}
	return rc;
}

int driver_apply(struct driver *d, const struct trace_reader *r, const struct trace_event *ev)
{
	const struct trace_map *m = &ev->u.map;
	struct vtd_builder *b0 = d->u[0].b;
	uint64_t qerr0[TRACE_MAX_IOMMUS], iqe0[TRACE_MAX_IOMMUS], start;
	int rc = 0;

	d->cur_r = r;
	reach_event(d, ev);
	if (d->async_rc)
		return d->async_rc;
	start = now_of(d);
	for (unsigned k = 0; k < d->nu; k++) {
		qerr0[k] = vtd_builder_queue_errors(d->u[k].b);
		iqe0[k] = iommu_stats(d->u[k].mmu)->qi_errors;
	}
	d->eb = b0;
	switch (ev->op) {
	case TRACE_OP_DOMAIN:
		rc = vtd_builder_domain(b0, ev->u.domain.id,
					ev->u.domain.stage == TRACE_STAGE_S1 ? VTD_STAGE_S1
									     : VTD_STAGE_S2,
					ev->u.domain.levels,
					ev->u.domain.has_parent ? (int)ev->u.domain.parent : -1);
		if (!rc && d->dom)
			d->dom[ev->u.domain.id] = (struct dom_info){
				.stage = ev->u.domain.stage == TRACE_STAGE_S1 ? VTD_STAGE_S1
									      : VTD_STAGE_S2,
				.levels = (uint8_t)ev->u.domain.levels,
				.has_parent = ev->u.domain.has_parent};
		break;
	case TRACE_OP_MAP:
		if (m->lazy)
			rc = add_lazy(d, m);
		else if (m->one_page)
			rc = vtd_builder_map_page(b0, m->dom, m->iova, m->pa, m->size,
						  iommu_perm(m->perm), m->user);
		else
			rc = vtd_builder_map(b0, m->dom, m->iova, m->pa, m->size,
					     iommu_perm(m->perm), m->user);
		break;
	case TRACE_OP_UNMAP:
		rc = unmap_lazy(d, m);
		if (rc == -IOMMU_EINVAL)
			return fail(d, r, ev, rc,
				    "unmap: the range cuts a lazy mapping, expected whole lazy "
				    "mappings");
		if (rc > 0)
			rc = vtd_builder_unmap(b0, m->dom, m->iova, m->size);
		break;
	case TRACE_OP_ATTACH: {
		unsigned k = d->dev_iommu[ev->u.attach.ep.sid];

		rc = prepare_ats(d, r, ev);
		if (!rc && k)
			rc = share_domain(d, r, ev, k);
		if (rc)
			return rc;
		d->eb = d->u[k].b;
		rc = apply_attach(d, &ev->u.attach);
		if (!rc)
			d->dev_attached[ev->u.attach.ep.sid] = 1;
		break;
	}
	case TRACE_OP_DETACH:
		d->eb = unit_of(d, ev->u.detach.sid)->b;
		rc = vtd_builder_detach(d->eb, ev->u.detach.sid, ev->u.detach.has_pasid,
					ev->u.detach.pasid);
		break;
	case TRACE_OP_DMA:
	case TRACE_OP_ATS:
		rc = apply_dma(d, r, ev);
		if (rc)
			return rc;
		break;
	case TRACE_OP_DEVICE:
		rc = apply_device(d, r, ev);
		if (rc)
			return rc;
		break;
	case TRACE_OP_FLUSH:
		rc = flush_target_check(d, r, ev);
		if (rc)
			return rc;
		rc = apply_flush(d, ev);
		break;
	case TRACE_OP_QI:
		d->sum.raw_descs++;
		rc = vtd_builder_submit(b0, ev->u.qi.qw);
		break;
	case TRACE_OP_WAIT:
		d->sum.wait_events++;
		rc = vtd_builder_wait(b0);
		break;
	case TRACE_OP_BIND: rc = apply_bind(d, &ev->u.bind); break;
	case TRACE_OP_UNBIND:
		d->sum.unbinds++;
		d->eb = unit_of(d, ev->u.unbind.sid)->b;
		rc = vtd_builder_unbind_gpasid(d->eb, ev->u.unbind.sid, ev->u.unbind.pasid);
		break;
	case TRACE_OP_FREE:
		d->sum.frees++;
		for (unsigned k = 0; k < d->nu && rc >= 0; k++) {
			d->eb = d->u[k].b;
			rc = vtd_builder_free_pasid_set(d->eb, ev->u.free_vm);
		}
		rc = rc > 0 ? 0 : rc;
		break;
	case TRACE_OP_GFLUSH:
		d->sum.gflushes++;
		d->eb = unit_of(d, ev->u.gflush.ep.sid)->b;
		rc = vtd_builder_gpasid_flush(d->eb, ev->u.gflush.ep.sid, ev->u.gflush.ep.pasid,
					      ev->u.gflush.iova, ev->u.gflush.size);
		rc = rc > 0 ? 0 : rc;
		break;
	}
	if (rc && rc != -IOMMU_ENOMEM && rc != -IOMMU_EIO &&
	    (ev->op == TRACE_OP_BIND || ev->op == TRACE_OP_UNBIND || ev->op == TRACE_OP_FREE ||
	     ev->op == TRACE_OP_GFLUSH)) {
		note_bind_error(d, ev, rc); /* a result, as the issue's records show */
		rc = 0;
	}
	sw_cost_start(d, ev->op, start);
	/* IQE and ITE are results: the builder recovered, the replay goes on. */
	for (unsigned k = 0; rc == -IOMMU_EIO && k < d->nu; k++) {
		if (vtd_builder_queue_errors(d->u[k].b) == qerr0[k])
			continue;
		note_queue_error(d, ev, &d->u[k], iommu_stats(d->u[k].mmu)->qi_errors != iqe0[k]);
		d->u[k].sum.queue_errors++;
		rc = 0;
	}
	if (!rc && ev->op == TRACE_OP_ATTACH && ev->u.attach.ats)
		rc = attach_endpoint(d, r, ev);
	else if (rc)
		return builder_fail(d, r, ev, rc);
	if (rc)
		return rc;
	d->sum.events++;
	d->sum.last_cycle = ev->cycle;
	return d->async_rc;
}

static bool all_answered(struct driver *d, const void *arg)
{
	(void)arg;
	return d->pend_head == d->pend_tail && !d->nag;
}

static bool queue_idle(struct driver *d, const void *arg)
{
	(void)arg;
	return !queues_pending(d);
}

int driver_finish(struct driver *d)
{
	run_until(d, all_answered, NULL);
	if (d->tap) /* the waits' completion cycles, then the drain */
		run_until(d, queue_idle, NULL);
	if (!d->async_rc) {
		d->cycles = 0;
		for (unsigned k = 0; k < d->nu; k++) {
			uint64_t c = iommu_timing_drain(d->u[k].tm);

			if (c > d->cycles)
				d->cycles = c;
		}
		if (d->max_done + 1 > d->cycles) /* answers still crossing the link */
			d->cycles = d->max_done + 1;
		if (d->tap)
			tap_advanced(d);
	}
	return d->async_rc;
}

int driver_replay(struct driver *d, struct trace_reader *r)
{
	struct trace_event ev;
	int rc;

	uint64_t n = 0;

	while ((rc = trace_next(r, &ev)) > 0) {
		rc = driver_apply(d, r, &ev);
		if (rc)
			return rc;
		if (d->tick && ++n % DRIVER_TICK_EVENTS == 0)
			d->tick(d->tick_ctx, d);
	}
	if (rc < 0) {
		snprintf(d->err, sizeof(d->err), "%s", trace_error(r));
		return rc;
	}
	return driver_finish(d);
}

const char *driver_error(const struct driver *d)
{
	return d->err;
}

/* Adds the 64-bit counters of a at byte offsets [from, to) to those of
 * sum, two statistics structures of the same type. */
static void add64(void *sum, const void *a, size_t from, size_t to)
{
	for (size_t off = from; off + sizeof(uint64_t) <= to; off += sizeof(uint64_t)) {
		uint64_t x, y;

		memcpy(&x, (char *)sum + off, sizeof(x));
		memcpy(&y, (const char *)a + off, sizeof(y));
		x += y;
		memcpy((char *)sum + off, &x, sizeof(x));
	}
}

const struct iommu_stats *driver_iommu_stats(const struct driver *d, int k)
{
	struct iommu_stats *sum;

	if (k >= 0 || d->nu == 1)
		return iommu_stats(d->u[k >= 0 ? k : 0].mmu);
	sum = &d->sums->st;
	*sum = (struct iommu_stats){0};
	for (unsigned u = 0; u < d->nu; u++) {
		const struct iommu_stats *st = iommu_stats(d->u[u].mmu);
		const struct iommu_refs *f = &st->refs;
		struct iommu_refs *t = &sum->refs;
		uint64_t max = sum->walk_max_mem_reads;

		add64(sum, st, offsetof(struct iommu_stats, requests),
		      offsetof(struct iommu_stats, refs));
		sum->walk_max_mem_reads =
			max > st->walk_max_mem_reads ? max : st->walk_max_mem_reads;
		t->root += f->root;
		t->context += f->context;
		t->pasid_dir += f->pasid_dir;
		t->pasid_entry += f->pasid_entry;
		t->ad_writes += f->ad_writes;
		for (unsigned l = 0; l <= IOMMU_MAX_LEVELS; l++) {
			t->fl[l] += f->fl[l];
			t->sl[l] += f->sl[l];
		}
		add64(sum, st, offsetof(struct iommu_stats, translation_reqs), sizeof(*st));
	}
	return sum;
}

const struct iommu_stats *driver_stats(const struct driver *d)
{
	return driver_iommu_stats(d, -1);
}

const struct driver_summary *driver_summary(const struct driver *d)
{
	return &d->sum;
}

void driver_set_record_sink(struct driver *d, driver_record_fn fn, void *ctx)
{
	d->sink = fn;
	d->sink_ctx = ctx;
}

void driver_set_tick(struct driver *d, driver_tick_fn fn, void *ctx)
{
	d->tick = fn;
	d->tick_ctx = ctx;
}

const struct driver_record *driver_flagged(const struct driver *d, size_t *count)
{
	*count = d->nflagged;
	return d->flagged;
}

const struct driver_qerror *driver_queue_errors(const struct driver *d, size_t *count)
{
	*count = d->nqerr;
	return d->qerr;
}

const struct driver_endpoint *driver_endpoints(const struct driver *d, size_t *count)
{
	*count = d->nep;
	return d->ep;
}

const struct iommu_cache_stats *driver_iommu_cache_stats(const struct driver *d, int k,
							 enum iommu_cache_id id)
{
	struct iommu_cache_stats *sum;

	if (k >= 0 || d->nu == 1)
		return iommu_cache_stats(d->u[k >= 0 ? k : 0].mmu, id);
	sum = &d->sums->cache[id];
	*sum = (struct iommu_cache_stats){0};
	for (unsigned u = 0; u < d->nu; u++) {
		const struct iommu_cache_stats *c = iommu_cache_stats(d->u[u].mmu, id);

		sum->lookups += c->lookups;
		sum->hits += c->hits;
		sum->misses += c->misses;
		sum->fills += c->fills;
		sum->evictions += c->evictions;
		sum->invalidations += c->invalidations;
	}
	return sum;
}

const struct iommu_cache_stats *driver_cache_stats(const struct driver *d, enum iommu_cache_id id)
{
	return driver_iommu_cache_stats(d, -1, id);
}

void driver_devtlb_stats(const struct driver *d, struct iommu_cache_stats *sum)
{
	driver_iommu_devtlb_stats(d, -1, sum, NULL);
}

void driver_iommu_devtlb_stats(const struct driver *d, int k, struct iommu_cache_stats *sum,
			       size_t *endpoints)
{
	size_t n = 0;

	*sum = (struct iommu_cache_stats){0};
	for (size_t i = 0; i < d->nep; i++) {
		if (k >= 0 && d->ep[i].iommu != (unsigned)k)
			continue;
		n++;
		add64(sum, ats_dev_stats(d->ep[i].dev), 0, sizeof(*sum));
	}
	if (endpoints)
		*endpoints = n;
}

uint64_t driver_iommu_stale(const struct driver *d, int k)
{
	uint64_t n = 0;

	for (unsigned u = 0; u < d->nu; u++)
		if (k < 0 || (unsigned)k == u)
			n += vtd_oracle_stale(d->u[u].oracle);
	return n;
}

uint64_t driver_iommu_missing_flushes(const struct driver *d, int k)
{
	uint64_t n = 0;

	for (unsigned u = 0; u < d->nu; u++)
		if (k < 0 || (unsigned)k == u)
			n += vtd_oracle_missing_flush(d->u[u].oracle);
	return n;
}

uint64_t driver_stale_translations(const struct driver *d)
{
	return driver_iommu_stale(d, -1);
}

uint64_t driver_missing_flushes(const struct driver *d)
{
	return driver_iommu_missing_flushes(d, -1);
}

const struct iommu_timing_stats *driver_iommu_timing_stats(const struct driver *d, int k)
{
	struct iommu_timing_stats *sum;

	if (k >= 0 || d->nu == 1)
		return iommu_timing_stats(d->u[k >= 0 ? k : 0].tm);
	sum = &d->sums->ts;
	*sum = (struct iommu_timing_stats){0};
	for (unsigned u = 0; u < d->nu; u++) {
		const struct iommu_timing_stats *t = iommu_timing_stats(d->u[u].tm);
		uint64_t wmax = sum->wait_latency_max, last = sum->last_cycle;

		add64(sum, t, 0, sizeof(*sum));
		sum->wait_latency_max = wmax > t->wait_latency_max ? wmax : t->wait_latency_max;
		sum->last_cycle = last > t->last_cycle ? last : t->last_cycle;
	}
	return sum;
}

const struct iommu_timing_stats *driver_timing_stats(const struct driver *d)
{
	return driver_iommu_timing_stats(d, -1);
}

struct iommu *driver_iommu(const struct driver *d, unsigned k)
{
	return k < d->nu ? d->u[k].mmu : NULL;
}

unsigned driver_iommus(const struct driver *d)
{
	return d->nu;
}

const struct driver_iommu_summary *driver_iommu_summary(const struct driver *d, unsigned k)
{
	return &d->u[k].sum;
}

const struct iommu_hist *driver_latency(const struct driver *d, bool translations)
{
	return translations ? &d->lat_xlate : &d->lat_dma;
}

const struct iommu_hist *driver_ats_latency(const struct driver *d)
{
	return &d->lat_ats;
}

uint64_t driver_cycles(const struct driver *d)
{
	return d->cycles;
}

const struct iommu_tparams *driver_tparams(const struct driver *d)
{
	return &d->tp;
}

const struct driver_qerror *driver_bind_errors(const struct driver *d, size_t *count)
{
	*count = d->nberr;
	return d->berr;
}

const struct iommu_hist *driver_pri_latency(const struct driver *d)
{
	return &d->lat_pri;
}

const struct iommu_hist *driver_sw_cost(const struct driver *d, enum driver_sw_kind k)
{
	return &d->sw_cost[k];
}

const char *driver_sw_kind_name(enum driver_sw_kind k)
{
	static const char *const names[DRIVER_SW_KINDS] = {
		"attach", "detach", "flush", "bind", "unbind", "free", "gflush", "prq_service"};

	return k < DRIVER_SW_KINDS ? names[k] : "?";
}
