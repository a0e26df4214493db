/*
 * Co-simulation boundary stream: driver_tap callbacks that turn the model
 * replay's boundary into a list of events (cosim_tap.h).
 */
#include "cosim_tap.h"

#include <stdlib.h>
#include <string.h>

#include "iommu/vtd_regs.h"

struct cosim_tap {
	bool keep;
	cosim_ev_fn fn;
	cosim_now_fn now_fn;
	cosim_busy_fn busy_fn;
	void *ctx;
	struct cosim_ev *ev;
	size_t n, cap;
	uint64_t now;
	bool failed;
};

const char *cosim_ev_name(enum cosim_ev_kind k)
{
	static const char *const names[] = {
		[COSIM_EV_SUBMIT] = "submit",
		[COSIM_EV_DONE] = "done",
		[COSIM_EV_REG] = "reg",
		[COSIM_EV_SW_WRITE] = "sw_write",
		[COSIM_EV_HW_WRITE] = "hw_write",
		[COSIM_EV_WAIT] = "wait",
		[COSIM_EV_DTLB] = "dtlb",
		[COSIM_EV_QERR] = "qerr",
		[COSIM_EV_PR] = "pr",
		[COSIM_EV_PR_DONE] = "pr_done",
		[COSIM_EV_PRSP] = "prsp",
	};

	return (unsigned)k < COSIM_EV_COUNT ? names[k] : "unknown";
}

static void emit(struct cosim_tap *t, const struct cosim_ev *e)
{
	if (t->fn)
		t->fn(t->ctx, e);
	if (!t->keep || t->failed)
		return;
	if (t->n == t->cap) {
		size_t cap = t->cap ? 2 * t->cap : 1024;
		struct cosim_ev *nb = realloc(t->ev, cap * sizeof(*nb));

		if (!nb) {
			t->failed = true;
			return;
		}
		t->ev = nb;
		t->cap = cap;
	}
	t->ev[t->n++] = *e;
}

static void on_submit(void *ctx, uint64_t cycle, const struct iommu_req *req, uint64_t tag)
{
	struct cosim_ev e = {.kind = COSIM_EV_SUBMIT, .cycle = cycle, .tag = tag};

	e.u.req = *req;
	emit(ctx, &e);
}

static void on_timed(void *ctx, const struct iommu_timed *tm)
{
	struct cosim_ev e = {.kind = COSIM_EV_DONE, .cycle = tm->done, .tag = tm->tag};

	e.u.done.rc = tm->rc;
	e.u.done.accept = tm->accept;
	e.u.done.walked = tm->walked;
	e.u.done.resp = tm->resp;
	emit(ctx, &e);
}

static void on_reg(void *ctx, uint64_t cycle, uint32_t off, unsigned size, uint64_t val)
{
	struct cosim_ev e = {.kind = COSIM_EV_REG, .cycle = cycle};

	e.u.reg.off = off;
	e.u.reg.size = size;
	e.u.reg.val = val;
	emit(ctx, &e);
}

static void on_write(struct cosim_tap *t, enum cosim_ev_kind kind, uint64_t cycle, uint64_t pa,
		     const uint8_t *buf, size_t len)
{
	/* In pieces of at most COSIM_WRITE_MAX bytes, none across a 64-byte
	 * line (the RTL memory's unit). */
	while (len) {
		size_t room = COSIM_WRITE_MAX - (pa & (COSIM_WRITE_MAX - 1));
		size_t k = len < room ? len : room;
		struct cosim_ev e = {.kind = kind, .cycle = cycle};

		e.u.w.pa = pa;
		e.u.w.len = (unsigned)k;
		memcpy(e.u.w.data, buf, k);
		emit(t, &e);
		pa += k;
		buf += k;
		len -= k;
	}
}

static void on_sw_write(void *ctx, uint64_t cycle, uint64_t pa, const void *buf, size_t len)
{
	on_write(ctx, COSIM_EV_SW_WRITE, cycle, pa, buf, len);
}

static void on_hw_write(void *ctx, uint64_t cycle, uint64_t pa, const void *buf, size_t len)
{
	on_write(ctx, COSIM_EV_HW_WRITE, cycle, pa, buf, len);
}

static void on_wait(void *ctx, uint64_t cycle)
{
	struct cosim_ev e = {.kind = COSIM_EV_WAIT, .cycle = cycle};

	emit(ctx, &e);
}

static void on_devtlb(void *ctx, uint64_t cycle, uint16_t sid, bool answered)
{
	struct cosim_ev e = {.kind = COSIM_EV_DTLB, .cycle = cycle};

	e.u.dtlb.sid = sid;
	e.u.dtlb.answered = answered;
	emit(ctx, &e);
}

static void on_queue_error(void *ctx, uint64_t cycle, uint32_t fsts)
{
	struct cosim_ev e = {.kind = COSIM_EV_QERR, .cycle = cycle};

	e.u.fsts = fsts;
	emit(ctx, &e);
}

static void on_page_request(void *ctx, uint64_t cycle, const struct iommu_page_req *pr,
			    uint64_t tag)
{
	struct cosim_ev e = {.kind = COSIM_EV_PR, .cycle = cycle, .tag = tag};

	e.u.pr = *pr;
	emit(ctx, &e);
}

static void on_pr_done(void *ctx, const struct iommu_timed_pr *r)
{
	struct cosim_ev e = {.kind = COSIM_EV_PR_DONE, .cycle = r->done, .tag = r->tag};

	e.u.pr_done.accept = r->accept;
	e.u.pr_done.res = r->res;
	emit(ctx, &e);
}

static void on_prg_response(void *ctx, uint64_t cycle, uint16_t sid, bool pasid_valid,
			    uint32_t pasid, uint16_t prgi, unsigned code)
{
	struct cosim_ev e = {.kind = COSIM_EV_PRSP, .cycle = cycle};

	e.u.prsp.sid = sid;
	e.u.prsp.pasid_valid = pasid_valid;
	e.u.prsp.pasid = pasid;
	e.u.prsp.prgi = prgi;
	e.u.prsp.code = code;
	emit(ctx, &e);
}

static void on_advanced(void *ctx, uint64_t now)
{
	struct cosim_tap *t = ctx;

	t->now = now;
	if (t->now_fn)
		t->now_fn(t->ctx, now);
}

static bool on_busy(void *ctx)
{
	struct cosim_tap *t = ctx;

	return t->busy_fn && t->busy_fn(t->ctx);
}

void cosim_tap_set_busy(struct cosim_tap *t, cosim_busy_fn busy)
{
	t->busy_fn = busy;
}

static const struct driver_tap tap_ops = {
	.submit = on_submit,
	.timed = on_timed,
	.reg_write = on_reg,
	.sw_write = on_sw_write,
	.hw_write = on_hw_write,
	.wait_done = on_wait,
	.devtlb = on_devtlb,
	.queue_error = on_queue_error,
	.page_request = on_page_request,
	.pr_done = on_pr_done,
	.prg_response = on_prg_response,
	.advanced = on_advanced,
	.busy = on_busy,
};

const struct driver_tap *cosim_tap_ops(void)
{
	return &tap_ops;
}

struct cosim_tap *cosim_tap_create(bool keep, cosim_ev_fn fn, cosim_now_fn now_fn, void *ctx)
{
	struct cosim_tap *t = calloc(1, sizeof(*t));

	if (!t)
		return NULL;
	t->keep = keep;
	t->fn = fn;
	t->now_fn = now_fn;
	t->ctx = ctx;
	return t;
}

void cosim_tap_destroy(struct cosim_tap *t)
{
	if (!t)
		return;
	free(t->ev);
	free(t);
}

const struct cosim_ev *cosim_tap_events(const struct cosim_tap *t, size_t *n)
{
	*n = t->n;
	return t->ev;
}

uint64_t cosim_tap_now(const struct cosim_tap *t)
{
	return t->now;
}

bool cosim_tap_failed(const struct cosim_tap *t)
{
	return t->failed;
}

/* Was [pa, pa+len) written by software in events [from, to)? */
static bool sw_covered(const struct cosim_ev *ev, size_t from, size_t to, uint64_t pa, unsigned len)
{
	for (unsigned b = 0; b < len; b++) {
		bool hit = false;

		for (size_t i = from; i < to && !hit; i++)
			hit = ev[i].kind == COSIM_EV_SW_WRITE && ev[i].u.w.pa <= pa + b &&
			      pa + b < ev[i].u.w.pa + ev[i].u.w.len;
		if (!hit)
			return false;
	}
	return true;
}

/* The open request of each engine tag (tags index a small table: the
 * engine's tags are the driver's request slots). */
struct open_tags {
	size_t *at; /* event index + 1 of the open submit, 0: none */
	size_t cap;
};

static size_t *open_slot(struct open_tags *o, uint64_t tag)
{
	if (tag >= o->cap) {
		size_t cap = o->cap ? o->cap : 64;
		size_t *na;

		while (cap <= tag)
			cap *= 2;
		na = realloc(o->at, cap * sizeof(*na));
		if (!na)
			return NULL;
		memset(na + o->cap, 0, (cap - o->cap) * sizeof(*na));
		o->at = na;
		o->cap = cap;
	}
	return &o->at[tag];
}

int cosim_tap_check(const struct cosim_tap *t, const char **why, size_t *at)
{
	const struct cosim_ev *ev = t->ev;
	uint64_t iqa = 0, last_reg = 0, prev_tail = 0;
	size_t since_iqt = 0;
	struct open_tags open = {NULL, 0};
	size_t *pr_open = NULL, pr_n = 0, pr_cap = 0, pr_head = 0;
	int rc = -1;

	*at = t->n;
	if (t->failed) {
		*why = "out of memory: events were lost";
		return -1;
	}
	for (size_t i = 0; i < t->n; i++) {
		size_t *slot;

		*at = i;
		switch (ev[i].kind) {
		case COSIM_EV_SUBMIT:
		case COSIM_EV_DONE:
			slot = open_slot(&open, ev[i].tag);
			if (!slot) {
				*why = "out of memory";
				goto out;
			}
			if (ev[i].kind == COSIM_EV_SUBMIT) {
				if (*slot) {
					*why = "a tag was reused before its request completed";
					goto out;
				}
				*slot = i + 1;
				break;
			}
			if (!*slot) {
				*why = "a completion without a request";
				goto out;
			}
			if (ev[i].cycle < ev[*slot - 1].cycle ||
			    ev[i].u.done.accept < ev[*slot - 1].cycle) {
				*why = "a request completed before it arrived";
				goto out;
			}
			*slot = 0;
			break;
		case COSIM_EV_REG:
			if (ev[i].cycle < last_reg) {
				*why = "a register write went back in time";
				goto out;
			}
			last_reg = ev[i].cycle;
			if (ev[i].u.reg.off == VTD_REG_IQA) {
				iqa = ev[i].u.reg.val;
			} else if (ev[i].u.reg.off == VTD_REG_IQT) {
				unsigned dsz = (iqa >> 11) & 1 ? 32 : 16;
				uint64_t tail = ev[i].u.reg.val & 0x7FFF0;
				uint64_t qbytes = (uint64_t)IOMMU_PAGE_SIZE << (iqa & 7);
				uint64_t last = (tail + qbytes - dsz) % qbytes;
				uint64_t base = iqa & ~(uint64_t)0xFFF;

				if (tail != prev_tail &&
				    !sw_covered(ev, since_iqt, i, base + last, dsz)) {
					*why = "an IQT write publishes a descriptor software did "
					       "not write "
					       "before it";
					goto out;
				}
				since_iqt = i + 1;
				prev_tail = tail;
			}
			break;
		case COSIM_EV_PR:
			if (pr_n == pr_cap) {
				size_t cap = pr_cap ? 2 * pr_cap : 64;
				size_t *np = realloc(pr_open, cap * sizeof(*np));

				if (!np) {
					*why = "out of memory";
					goto out;
				}
				pr_open = np;
				pr_cap = cap;
			}
			pr_open[pr_n++] = i;
			break;
		case COSIM_EV_PR_DONE:
			/* One unit, in arrival order: the oldest open one. */
			if (pr_head == pr_n) {
				*why = "a page request finished that never arrived";
				goto out;
			}
			if (ev[pr_open[pr_head]].tag != ev[i].tag) {
				*why = "page requests finished out of their arrival order";
				goto out;
			}
			if (ev[i].u.pr_done.accept < ev[pr_open[pr_head]].cycle ||
			    ev[i].cycle < ev[i].u.pr_done.accept) {
				*why = "a page request finished before it arrived";
				goto out;
			}
			pr_head++;
			break;
		default: break;
		}
	}
	if (pr_head < pr_n) {
		*at = pr_open[pr_head];
		*why = "a page request never finished";
		goto out;
	}
	for (size_t k = 0; k < open.cap; k++) {
		if (open.at[k]) {
			*at = open.at[k] - 1;
			*why = "a submitted request never completed";
			goto out;
		}
	}
	rc = 0;
out:
	free(open.at);
	free(pr_open);
	return rc;
}
