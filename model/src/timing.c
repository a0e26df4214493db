/*
 * Cycle-level timing engine (docs/uarch.md). One call to step() is one
 * clock cycle; inside it the order is fixed:
 *   1. memory responses due this cycle reach their requester; a walk whose
 *      last memory operation completed completes (its fills wait for 9);
 *      a descriptor fetch that returns makes the descriptor ready;
 *   2. the pipeline advances one stage where the next stage is free; a
 *      request entering the last IOTLB stage is looked up in the caches;
 *   3. the response port sends one response: a completed walk first, else
 *      the hit in the respond stage;
 *   4. a miss in the respond stage enters the miss queue (if it has room);
 *   5. idle walkers take requests from the miss queue, lowest slot first;
 *   6. the invalidation queue engine takes up what software queued (IQH to
 *      IQT), executes the fetched descriptor functionally (all its effects
 *      at once, IQH advances) and completes what it finished;
 *      then the page request unit decides or finishes a page request;
 *   7. the memory port grants one request, round-robin over the walkers,
 *      the invalidation queue engine and the page request unit; a granted
 *      wait status write is done then (memory, ICS.IWC), as is a granted
 *      page request descriptor write;
 *   8. the accept stage takes the next arrived request if it is free, the
 *      page request unit the next arrived page request if it is idle;
 *   9. walks completed in 1 commit their fills (seen from the next cycle),
 *      or none if a descriptor executed from their take cycle through this.
 */
#include "iommu/timing.h"

#include <stdlib.h>
#include <string.h>

#include "iommu_internal.h"

#define MAX_SLOTS  64
#define MAX_STAGES 64

enum { NONE = -1 };

struct treq {
	struct iommu_req req;
	uint64_t tag, arrive, accept;
	bool hit;                    /* set by the stage-T lookup */
	struct iommu_held_fault flt; /* recorded at the response */
	struct iommu_timed out;
};

struct walker {
	int req;              /* pool index, NONE when idle */
	uint64_t free_since;  /* cycle it became idle */
	uint64_t take;        /* cycle it took its request */
	uint64_t ready_at;    /* may request the port from this cycle */
	bool waiting;         /* a memory operation is in flight */
	unsigned reads_left;  /* entry reads still to issue */
	unsigned writes_left; /* then A/D writes */
	uint64_t qi_mark;     /* descriptors the engine had executed at the take */
	bool done;            /* completed, waiting for room in the response queue */
	bool commit;          /* completed this cycle: fills commit at its end */
	size_t nfills;
	struct iommu_fill fills[IOMMU_MAX_FILLS];
};

/* A descriptor between IQH and IQT: the cycle the engine saw the IQT
 * write that queued it. */
struct qjob {
	uint64_t submit;
};

/* The descriptor the engine executed and is completing. */
struct qcur {
	uint64_t submit;
	unsigned type;   /* descriptor type */
	bool wait_later; /* a wait the engine completes (status write, IWC) */
	bool sw;         /* ... with a status write */
	uint64_t qw[4];
};

/* The invalidation queue engine's phases for the descriptor at its head. */
enum qphase {
	Q_FETCH,    /* wants the port to fetch the descriptor at IQH */
	Q_FETCHING, /* fetch in flight */
	Q_EXEC,     /* fetched: executes in this cycle's step_queue */
	Q_SCAN,     /* scanning the caches until q_ready */
	Q_WAIT,     /* a wait: earlier device-TLB invalidations must complete */
	Q_WRITING,  /* the wait's status write in flight */
	Q_WRITTEN,  /* status written: the wait completes */
};

/* A device-TLB invalidation its endpoint does not answer: ITE at expire. */
struct silent {
	uint64_t expire;
	uint16_t sid;
};

/* The page request unit (docs/uarch.md section 8.1). */
enum pphase {
	P_IDLE,
	P_MEM,     /* root and context reads, or the descriptor's writes */
	P_DECIDE,  /* reads done: decides in step 6 */
	P_WRITTEN, /* descriptor written: finishes in step 6 */
};

struct pr_arrival {
	uint64_t arrive, tag;
	struct iommu_page_req pr;
};

struct prunit {
	enum pphase ph;
	struct pr_arrival a;
	struct iommu_prq_op op;
	uint64_t accept;
	uint64_t accept_from; /* idle again: takes the next from this cycle */
	uint64_t ready_at;    /* may request the port from this cycle */
	bool waiting;         /* a memory operation in flight */
	unsigned reads_left, writes_left;
	bool err; /* a descriptor write failed */
};

struct inflight {
	uint64_t done;
	int who; /* walker slot, the queue engine (slots), the page request unit (slots + 1) */
};

struct iommu_timing {
	struct iommu *mmu;
	struct iommu_tparams p;
	iommu_timed_fn cb;
	void *cb_ctx;
	uint64_t now;
	/* request pool */
	struct treq *pool;
	int *free_list;
	size_t pool_cap, nfree;
	/* arrivals (FIFO of pool indices) */
	int *arr;
	size_t arr_cap, arr_head, arr_n;
	/* pipeline */
	unsigned nstages, t_stage;
	int stage[MAX_STAGES];
	/* miss queue and walk completions */
	int *missq;
	size_t missq_head, missq_n;
	int *respq; /* walker slots whose walk completed */
	size_t respq_head, respq_n;
	struct walker w[MAX_SLOTS];
	/* memory port */
	struct inflight *mem;
	unsigned nmem;
	uint64_t last_issue;
	bool issued_any;
	unsigned rr;
	/* invalidation queue engine */
	struct qjob *jobs; /* IQH .. IQT, in queue order */
	size_t jobs_cap, jobs_head, jobs_n;
	struct qcur cur;  /* executed, from Q_SCAN on */
	uint64_t q_execs; /* descriptors executed */
	uint64_t fence;   /* a wait with FN: walker slots it waits for */
	enum qphase qphase;
	uint64_t q_ready;     /* the scan ends at this cycle */
	uint64_t devtlb_done; /* last device-TLB invalidation completion */
	bool pd_hold;         /* a wait with PD waits for the page request unit */
	bool q_drop;          /* the fetch in flight is dropped (ITE) */
	struct silent *sil;   /* unanswered device-TLB invalidations, by expiry */
	size_t sil_cap, sil_head, sil_n;
	uint64_t in_flight;
	/* page request unit */
	struct pr_arrival *pra; /* arrivals, in cycle order */
	size_t pra_cap, pra_head, pra_n;
	struct prunit pu;
	uint64_t flt_cycle;  /* the response port recorded a fault in this cycle */
	uint64_t prsp_cycle; /* the queue engine sent a page group response */
	iommu_timed_pr_fn pr_cb;
	void *pr_ctx;
	struct iommu_timing_stats st;
};

void iommu_tparams_default(struct iommu_tparams *p)
{
	*p = (struct iommu_tparams){
		.ctx_lat = 1,
		.pasid_lat = 1,
		.iotlb_lat = 1,
		.pwc_lat = 1,
		.walk_slots = 4,
		.miss_queue = 8,
		.mem_latency = 50,
		.mem_outstanding = 8,
		.mem_interval = 1,
		.resp_queue = 4,
		.ats_link_latency = 100,
		.devtlb_inv_latency = 20,
		.ats_timeout = 100000,
	};
}

int iommu_tparams_check(const struct iommu_tparams *p, const char **why)
{
	const char *w = NULL;

	if (!p->ctx_lat || !p->pasid_lat || !p->iotlb_lat ||
	    p->ctx_lat + p->pasid_lat + p->iotlb_lat + 2 > MAX_STAGES)
		w = "pipe latencies: expected 1 or more cycles each, 60 in all at most";
	else if (!p->walk_slots || p->walk_slots > MAX_SLOTS)
		w = "walk.slots: expected 1..64";
	else if (!p->miss_queue || p->miss_queue > 4096)
		w = "walk.miss_queue: expected 1..4096";
	else if (!p->mem_latency || p->mem_latency > 1000000)
		w = "mem.latency: expected 1..1000000 cycles";
	else if (!p->mem_outstanding || p->mem_outstanding > 1024)
		w = "mem.outstanding: expected 1..1024";
	else if (!p->mem_interval || p->mem_interval > 1000)
		w = "mem.interval: expected 1..1000 cycles";
	else if (!p->resp_queue || p->resp_queue > 4096)
		w = "resp.queue: expected 1..4096";
	else if (!p->ats_timeout || p->ats_timeout > 100000000)
		w = "ats.timeout: expected 1..100000000 cycles";
	if (why)
		*why = w;
	return w ? -IOMMU_EINVAL : 0;
}

/* --- The queue's descriptors, as the engine sees IQH and IQT ------------ */

/* Appends one item of sz bytes to the ring buf (*cap items, from *head,
 * *n of them); returns the ring, grown (its order kept: unrolled into the
 * new buffer) when full, or NULL when out of memory (buf unchanged). */
static void *ring_push(void *buf, size_t sz, size_t *cap, size_t *head, size_t *n, const void *item)
{
	unsigned char *b = buf;

	if (*n == *cap) {
		size_t ncap = *cap ? 2 * *cap : 64;
		unsigned char *nb = malloc(ncap * sz);

		if (!nb)
			return NULL;
		for (size_t i = 0; i < *n; i++)
			memcpy(nb + i * sz, b + ((*head + i) % *cap) * sz, sz);
		free(b);
		b = nb;
		*head = 0;
		*cap = ncap;
	}
	memcpy(b + ((*head + (*n)++) % *cap) * sz, item, sz);
	return b;
}

static int ring_push_job(struct iommu_timing *t, const struct qjob *j)
{
	struct qjob *r = ring_push(t->jobs, sizeof(*j), &t->jobs_cap, &t->jobs_head, &t->jobs_n, j);

	if (!r)
		return -IOMMU_ENOMEM;
	t->jobs = r;
	return 0;
}

/* The queue may be fetched from: enabled, no IQE or ITE pending. */
static bool queue_enabled(const struct iommu_timing *t)
{
	return (iommu_reg_read(t->mmu, VTD_REG_GSTS, 4) & VTD_GSTS_QIES) &&
	       !(iommu_reg_read(t->mmu, VTD_REG_FSTS, 4) & (VTD_FSTS_IQE | VTD_FSTS_ITE));
}

/* Does the ring disagree with the registers (an IQT write, an abort)? */
static bool queue_moved(const struct iommu_timing *t)
{
	return queue_enabled(t) && iommu_qi_ready(t->mmu) != t->jobs_n;
}

/* Brings the ring to the descriptors IQH .. IQT: new ones (software wrote
 * IQT) were queued in this cycle; fewer means the rest was aborted (ITE) or
 * the queue was reset. A stopped queue keeps its ring until it resumes. */
static void queue_sync(struct iommu_timing *t)
{
	size_t n;

	if (!queue_enabled(t))
		return;
	n = iommu_qi_ready(t->mmu);
	if (n < t->jobs_n)
		t->jobs_n = n;
	while (t->jobs_n < n) {
		struct qjob j = {.submit = t->now};

		if (ring_push_job(t, &j))
			break;
	}
}

/* Software-side polling (src/vtd/builder.c) without a driver of its own:
 * the engine runs to its next event. */
static int engine_spin(void *ctx)
{
	struct iommu_timing *t = ctx;
	uint64_t e = iommu_timing_next_event(t);

	if (e == UINT64_MAX)
		return 1;
	iommu_timing_advance(t, e + 1);
	return 0;
}

void iommu_set_spin(struct iommu *mmu, int (*spin)(void *ctx), void *ctx)
{
	mmu->spin = spin;
	mmu->spin_ctx = ctx;
}

/* --- Lifetime ---------------------------------------------------------------- */

struct iommu_timing *iommu_timing_create(struct iommu *mmu, const struct iommu_tparams *p,
					 iommu_timed_fn done, void *ctx)
{
	struct iommu_timing *t;

	if (iommu_tparams_check(p, NULL))
		return NULL;
	t = calloc(1, sizeof(*t));
	if (!t)
		return NULL;
	t->mmu = mmu;
	t->p = *p;
	t->cb = done;
	t->cb_ctx = ctx;
	t->nstages = 2 + p->ctx_lat + p->pasid_lat + p->iotlb_lat;
	t->t_stage = t->nstages - 2;
	for (unsigned s = 0; s < MAX_STAGES; s++)
		t->stage[s] = NONE;
	for (unsigned i = 0; i < MAX_SLOTS; i++)
		t->w[i].req = NONE;
	t->missq = calloc(p->miss_queue, sizeof(*t->missq));
	t->respq = calloc(p->resp_queue, sizeof(*t->respq));
	t->mem = calloc(p->mem_outstanding, sizeof(*t->mem));
	if (!t->missq || !t->respq || !t->mem) {
		iommu_timing_destroy(t);
		return NULL;
	}
	t->flt_cycle = t->prsp_cycle = UINT64_MAX;
	/* Before the first grant the round-robin starts at walker slot 0: as
	 * if the last requester (the page request unit) had been granted. */
	t->rr = p->walk_slots + 1;
	mmu->qi_engine = true;
	iommu_set_spin(mmu, engine_spin, t);
	return t;
}

void iommu_timing_destroy(struct iommu_timing *t)
{
	if (!t)
		return;
	t->mmu->qi_engine = false;
	iommu_set_spin(t->mmu, NULL, NULL);
	free(t->pool);
	free(t->free_list);
	free(t->arr);
	free(t->missq);
	free(t->respq);
	free(t->mem);
	free(t->jobs);
	free(t->sil);
	free(t->pra);
	free(t);
}

uint64_t iommu_timing_now(const struct iommu_timing *t)
{
	return t->now;
}

uint64_t iommu_timing_in_flight(const struct iommu_timing *t)
{
	return t->in_flight;
}

/* The engine holds an executed descriptor it has not completed. */
static bool queue_has_cur(const struct iommu_timing *t)
{
	return t->qphase == Q_SCAN || t->qphase == Q_WAIT || t->qphase == Q_WRITING ||
	       t->qphase == Q_WRITTEN;
}

size_t iommu_timing_queue_pending(const struct iommu_timing *t)
{
	return iommu_qi_ready(t->mmu) + (queue_has_cur(t) ? 1 : 0);
}

const struct iommu_timing_stats *iommu_timing_stats(const struct iommu_timing *t)
{
	return &t->st;
}

/* --- Requests -------------------------------------------------------------------- */

static int pool_get(struct iommu_timing *t)
{
	if (!t->nfree) {
		size_t old = t->pool_cap, n = old ? 2 * old : 64;
		struct treq *np = realloc(t->pool, n * sizeof(*np));
		int *nf;

		if (!np)
			return NONE;
		t->pool = np;
		nf = realloc(t->free_list, n * sizeof(*nf));
		if (!nf)
			return NONE;
		t->free_list = nf;
		for (size_t i = n; i > old; i--)
			t->free_list[t->nfree++] = (int)(i - 1);
		t->pool_cap = n;
	}
	return t->free_list[--t->nfree];
}

int iommu_timing_submit(struct iommu_timing *t, uint64_t cycle, const struct iommu_req *req,
			uint64_t tag)
{
	size_t k;
	int i;

	if (cycle < t->now)
		return -IOMMU_EINVAL;
	i = pool_get(t);
	if (i == NONE)
		return -IOMMU_ENOMEM;
	if (t->arr_n == t->arr_cap) {
		size_t oc = t->arr_cap;
		int *na = malloc((oc ? 2 * oc : 64) * sizeof(*na));

		if (!na) {
			t->free_list[t->nfree++] = i;
			return -IOMMU_ENOMEM;
		}
		for (k = 0; k < t->arr_n; k++)
			na[k] = t->arr[(t->arr_head + k) % oc];
		free(t->arr);
		t->arr = na;
		t->arr_head = 0;
		t->arr_cap = oc ? 2 * oc : 64;
	}
	memset(&t->pool[i], 0, sizeof(t->pool[i]));
	t->pool[i].req = *req;
	t->pool[i].tag = tag;
	t->pool[i].arrive = cycle;
	/* Arrivals in cycle order, submission order among equal cycles: insert
	 * from the tail (usually where it belongs). */
	for (k = t->arr_n; k > 0; k--) {
		size_t prev = (t->arr_head + k - 1) % t->arr_cap;

		if (t->pool[t->arr[prev]].arrive <= cycle)
			break;
		t->arr[(t->arr_head + k) % t->arr_cap] = t->arr[prev];
	}
	t->arr[(t->arr_head + k) % t->arr_cap] = i;
	t->arr_n++;
	t->in_flight++;
	t->st.requests++;
	return 0;
}

void iommu_timing_set_pr_done(struct iommu_timing *t, iommu_timed_pr_fn fn, void *ctx)
{
	t->pr_cb = fn;
	t->pr_ctx = ctx;
}

int iommu_timing_page_request(struct iommu_timing *t, uint64_t cycle,
			      const struct iommu_page_req *pr, uint64_t tag)
{
	struct pr_arrival a = {.arrive = cycle, .tag = tag, .pr = *pr};
	struct pr_arrival *r;
	size_t k;

	if (cycle < t->now || iommu_prq_malformed(pr))
		return -IOMMU_EINVAL;
	r = ring_push(t->pra, sizeof(a), &t->pra_cap, &t->pra_head, &t->pra_n, &a);
	if (!r)
		return -IOMMU_ENOMEM;
	t->pra = r;
	/* In cycle order, submission order among equal cycles. */
	for (k = t->pra_n - 1; k > 0; k--) {
		struct pr_arrival *cur = &t->pra[(t->pra_head + k) % t->pra_cap];
		struct pr_arrival *prev = &t->pra[(t->pra_head + k - 1) % t->pra_cap];
		struct pr_arrival tmp;

		if (prev->arrive <= cur->arrive)
			break;
		tmp = *prev;
		*prev = *cur;
		*cur = tmp;
	}
	return 0;
}

size_t iommu_timing_pr_in_flight(const struct iommu_timing *t)
{
	return t->pra_n + (t->pu.ph != P_IDLE);
}

static void complete(struct iommu_timing *t, int i, bool walked)
{
	struct treq *r = &t->pool[i];

	r->out.tag = r->tag;
	r->out.arrive = r->arrive;
	r->out.accept = r->accept;
	r->out.done = t->now;
	r->out.walked = walked;
	/* The fault record, in the response cycle (docs/uarch.md section 7). */
	if (r->flt.valid) {
		r->out.resp.fault_recorded = iommu_fault_commit(t->mmu, &r->flt);
		t->flt_cycle = t->now;
	}
	t->st.completed++;
	t->st.last_cycle = t->now;
	t->in_flight--;
	t->free_list[t->nfree++] = i;
	if (t->cb) {
		/* A copy: the callback may submit requests (the pool may move). */
		struct iommu_timed out = r->out;

		t->cb(t->cb_ctx, &out);
	}
}

/* --- The cycle --------------------------------------------------------------------- */

/* Entry reads a walk makes (all dependent, so one after another). */
static unsigned walk_reads(const struct iommu_resp *resp)
{
	const struct iommu_refs *f = &resp->refs;

	return f->root + f->context + f->pasid_dir + f->pasid_entry + iommu_refs_walk_reads(f);
}

static void walker_start(struct iommu_timing *t, unsigned s, int i)
{
	struct walker *w = &t->w[s];
	struct treq *r = &t->pool[i];

	w->req = i;
	w->take = t->now;
	w->done = false;
	w->waiting = false;
	w->qi_mark = t->q_execs;
	/* The translation, with its table reads, as of this cycle; its cache
	 * fills are held until the walk completes. */
	t->mmu->hold_fills = true;
	t->mmu->hold_fault = true;
	r->out.rc = iommu_translate(t->mmu, &r->req, &r->out.resp);
	r->flt = iommu_fault_take(t->mmu);
	w->nfills = iommu_fills_take(t->mmu, w->fills, IOMMU_MAX_FILLS);
	t->mmu->hold_fills = false;
	t->mmu->hold_fault = false;
	w->reads_left = walk_reads(&r->out.resp);
	w->writes_left = r->out.resp.refs.ad_writes;
	if (!w->reads_left && !w->writes_left)
		w->nfills = 0; /* answered from the cached entries: fills nothing */
	w->ready_at = t->now + t->p.pwc_lat;
	t->st.walks++;
}

static void walker_finish(struct iommu_timing *t, unsigned s)
{
	t->w[s].done = true;
	t->w[s].commit = true; /* at the end of this cycle: step_commit */
}

/* End of the cycle: walks that completed in it commit their fills, visible
 * to lookups from the next cycle; a walk during which (take cycle through
 * this one) a descriptor executed answers its request but fills nothing. */
static void step_commit(struct iommu_timing *t)
{
	for (unsigned s = 0; s < t->p.walk_slots; s++) {
		struct walker *w = &t->w[s];

		if (!w->commit)
			continue;
		w->commit = false;
		if (t->q_execs != w->qi_mark)
			t->st.walk_fills_dropped++;
		else
			iommu_fills_commit(w->fills, w->nfills);
		w->nfills = 0;
	}
}

static void respq_push_done(struct iommu_timing *t)
{
	for (unsigned s = 0; s < t->p.walk_slots; s++) {
		struct walker *w = &t->w[s];

		if (w->req != NONE && w->done && t->respq_n < t->p.resp_queue) {
			bool queued = false;

			for (size_t k = 0; k < t->respq_n; k++)
				queued |= t->respq[(t->respq_head + k) % t->p.resp_queue] == (int)s;
			if (!queued)
				t->respq[(t->respq_head + t->respq_n++) % t->p.resp_queue] = (int)s;
		}
	}
}

/* Step 1: memory responses; walks and queue operations that finish. */
static void step_memory(struct iommu_timing *t)
{
	unsigned slots = t->p.walk_slots;

	for (unsigned k = 0; k < t->nmem;) {
		struct inflight m = t->mem[k];

		if (m.done != t->now) {
			k++;
			continue;
		}
		t->mem[k] = t->mem[--t->nmem];
		if (m.who == (int)slots) {
			if (t->qphase == Q_FETCHING)
				t->qphase = t->q_drop ? Q_FETCH : Q_EXEC;
			else
				t->qphase = Q_WRITTEN;
			t->q_drop = false;
			continue;
		}
		if (m.who == (int)slots + 1) {
			struct prunit *u = &t->pu;

			u->waiting = false;
			u->ready_at = t->now + 1; /* the next operation */
			if (!u->reads_left && !u->writes_left) {
				/* decides or finishes in this cycle's step 6 */
				u->ph = u->op.write ? P_WRITTEN : P_DECIDE;
				u->ready_at = t->now;
			}
			continue;
		}
		t->w[m.who].waiting = false;
		t->w[m.who].ready_at = t->now + 1;
		if (!t->w[m.who].reads_left && !t->w[m.who].writes_left)
			walker_finish(t, (unsigned)m.who);
	}
	/* A walk with no memory operation completes when its PWC stage ends. */
	for (unsigned s = 0; s < slots; s++) {
		struct walker *w = &t->w[s];

		if (w->req != NONE && !w->done && !w->waiting && !w->reads_left &&
		    !w->writes_left && w->ready_at <= t->now)
			walker_finish(t, s);
	}
	respq_push_done(t);
}

static void lookup(struct iommu_timing *t, int i)
{
	struct treq *r = &t->pool[i];
	struct iommu_resp probe;

	r->hit = iommu_lookup_cached(t->mmu, &r->req, &probe) == 0;
	if (r->hit) {
		/* The real request: no memory needed. An answer from the cached
		 * entries alone fills nothing (a pass-through answer would fill
		 * the IOTLB functionally). */
		t->mmu->hold_fills = true;
		t->mmu->hold_fault = true;
		r->out.rc = iommu_translate(t->mmu, &r->req, &r->out.resp);
		r->flt = iommu_fault_take(t->mmu);
		t->mmu->nfills = 0;
		t->mmu->hold_fills = false;
		t->mmu->hold_fault = false;
	}
}

/* Step 2: the pipeline moves where the next stage is free. */
static void step_pipeline(struct iommu_timing *t)
{
	unsigned last = t->nstages - 1;

	if (t->stage[last] != NONE)
		t->st.pipeline_stall_cycles++;
	for (unsigned s = last; s-- > 0;) {
		if (t->stage[s] == NONE || t->stage[s + 1] != NONE)
			continue;
		t->stage[s + 1] = t->stage[s];
		t->stage[s] = NONE;
		if (s + 1 == t->t_stage)
			lookup(t, t->stage[s + 1]);
	}
}

/* Step 3: one response; completed walks first. */
static void step_response(struct iommu_timing *t)
{
	unsigned last = t->nstages - 1;

	if (t->respq_n) {
		unsigned s = (unsigned)t->respq[t->respq_head];
		int i = t->w[s].req;

		t->respq_head = (t->respq_head + 1) % t->p.resp_queue;
		t->respq_n--;
		t->w[s].req = NONE;
		t->w[s].done = false;
		t->w[s].free_since = t->now;
		complete(t, i, true);
		respq_push_done(t);
	} else if (t->stage[last] != NONE && t->pool[t->stage[last]].hit) {
		int i = t->stage[last];

		t->stage[last] = NONE;
		complete(t, i, false);
	}
}

/* Steps 4 and 5: misses to the miss queue, the queue to idle walkers. */
static void step_walkers(struct iommu_timing *t)
{
	unsigned last = t->nstages - 1;

	if (t->stage[last] != NONE && !t->pool[t->stage[last]].hit &&
	    t->missq_n < t->p.miss_queue) {
		t->missq[(t->missq_head + t->missq_n++) % t->p.miss_queue] = t->stage[last];
		t->stage[last] = NONE;
	}
	for (unsigned s = 0; s < t->p.walk_slots && t->missq_n; s++) {
		struct walker *w = &t->w[s];

		if (w->req != NONE || w->free_since == t->now)
			continue; /* busy, or freed this cycle: takes work from the next one */
		walker_start(t, s, t->missq[t->missq_head]);
		t->missq_head = (t->missq_head + 1) % t->p.miss_queue;
		t->missq_n--;
	}
}

/* The larger of n and a cache's sets; a cache without ways is absent and
 * takes no scan. */
static unsigned scan_sets(unsigned n, const struct iommu_cache_geom *g)
{
	return g->ways && g->sets > n ? g->sets : n;
}

/* The queue engine's cycles to execute one descriptor: a scan of the caches
 * it touches, one set per cycle, in parallel (at least one cycle). */
static uint64_t scan_cycles(const struct iommu_timing *t, unsigned type)
{
	const struct iommu_config *c = iommu_cfg(t->mmu);
	unsigned n = 1;

	switch (type) {
	case 0x1: n = scan_sets(n, &c->context_cache); break;
	case 0x7: n = scan_sets(n, &c->pasid_cache); break;
	case 0x2:
	case 0x6:
		n = scan_sets(n, &c->iotlb);
		n = scan_sets(n, &c->fl_pwc);
		n = scan_sets(n, &c->sl_pwc);
		n = scan_sets(n, &c->nested_tlb);
		break;
	default: break;
	}
	return n;
}

/* A wait's conditions: every device-TLB invalidation issued before it
 * answered (an unanswered one ends in ITE), the walks of its fence done,
 * the page request of its drain (PD) finished. */
static bool wait_may_end(const struct iommu_timing *t)
{
	return t->devtlb_done <= t->now && !t->sil_n && !t->fence && !t->pd_hold;
}

/* Does the queue engine want the memory port now (fetch or status write)? */
static bool queue_wants_port(const struct iommu_timing *t)
{
	if (t->qphase == Q_FETCH)
		return t->jobs_n && queue_enabled(t) && t->jobs[t->jobs_head].submit <= t->now;
	return t->qphase == Q_WAIT && t->cur.sw && wait_may_end(t);
}

/* Walker slots that held a request at the start of this cycle (taken in an
 * earlier cycle, or answered in this one). */
static uint64_t slots_busy(const struct iommu_timing *t)
{
	uint64_t m = 0;

	for (unsigned s = 0; s < t->p.walk_slots; s++) {
		const struct walker *w = &t->w[s];

		if (w->req != NONE ? w->take < t->now : w->free_since == t->now && t->now)
			m |= 1ull << s;
	}
	return m;
}

static void queue_job_done(struct iommu_timing *t)
{
	const struct qcur *j = &t->cur;

	if (j->type == 0x5) {
		uint64_t lat = t->now - j->submit;

		t->st.qi_waits++;
		t->st.wait_latency_sum += lat;
		if (lat > t->st.wait_latency_max)
			t->st.wait_latency_max = lat;
	}
	t->st.qi_descriptors++;
	t->qphase = Q_FETCH;
}

/* Q_EXEC: the fetched descriptor at IQH executes now, functionally (its
 * effect on every cache it touches, the device-TLB invalidation, the page
 * group response, IQE with IQH left on it); IQH advances. */
static void queue_exec(struct iommu_timing *t)
{
	struct iommu_qi_exec x;

	iommu_qi_exec_head(t->mmu, &x);
	if (!x.executed || !t->jobs_n) {
		/* IQE (the engine stops until software clears it), or nothing
		 * to execute (the queue was disabled meanwhile). */
		t->qphase = Q_FETCH;
		return;
	}
	t->q_execs++;
	t->cur = (struct qcur){.submit = t->jobs[t->jobs_head].submit,
			       .type = x.type,
			       .wait_later = x.wait_later,
			       .sw = x.wait_later && ((x.qw[0] >> 5) & 1)};
	memcpy(t->cur.qw, x.qw, sizeof(x.qw));
	if (x.type == 0x9)
		t->prsp_cycle = t->now; /* the page group response left */
	t->jobs_head = (t->jobs_head + 1) % t->jobs_cap;
	t->jobs_n--;
	if (x.type == 0x5) {
		/* FN: the walks in flight now must finish first; PD: the page
		 * request the unit holds now must be finished (written to the
		 * page request queue, or answered by the unit) */
		t->fence = (x.qw[0] >> 6) & 1 ? slots_busy(t) : 0;
		t->pd_hold = (x.qw[0] >> 7) & 1 && t->pu.ph != P_IDLE;
		t->qphase = Q_WAIT;
		return;
	}
	if (x.silent) {
		/* sent to an endpoint that never answers: ITE when time is up */
		struct silent q = {t->now + t->p.ats_timeout, x.sid};
		struct silent *r =
			ring_push(t->sil, sizeof(q), &t->sil_cap, &t->sil_head, &t->sil_n, &q);

		if (r)
			t->sil = r;
		else
			iommu_qi_timeout(t->mmu, x.sid, 0); /* no room to wait: at once */
	} else if (x.type == 0x3 || x.type == 0x8) {
		/* sent to the endpoint; it answers after a round trip */
		uint64_t back = t->now + 2ull * t->p.ats_link_latency + t->p.devtlb_inv_latency;

		t->devtlb_done = back > t->devtlb_done ? back : t->devtlb_done;
	}
	t->q_ready = t->now + scan_cycles(t, x.type);
	t->qphase = Q_SCAN;
}

/* ITE: the oldest unanswered device-TLB invalidation's time is up (a
 * completion in its last cycle would have been in time). A fetch in flight
 * (or arriving now) and a wait not yet written are dropped; a scan or a
 * status write in flight finishes; IQH moves to IQT. */
static void queue_timeout(struct iommu_timing *t)
{
	uint16_t sid = t->sil[t->sil_head].sid;
	unsigned dropped = 0;

	t->sil_head = (t->sil_head + 1) % t->sil_cap;
	t->sil_n--;
	if (t->qphase == Q_FETCHING) {
		t->q_drop = true;
	} else if (t->qphase == Q_EXEC) {
		t->qphase = Q_FETCH;
	} else if (t->qphase == Q_WAIT) {
		t->qphase = Q_FETCH;
		t->pd_hold = false;
		dropped = 1;
		t->st.qi_dropped++;
	}
	t->jobs_n = 0;
	iommu_qi_timeout(t->mmu, sid, dropped);
}

/* The queue engine outside the port: execution and completion. */
static void step_queue(struct iommu_timing *t)
{
	while (t->sil_n && t->sil[t->sil_head].expire <= t->now)
		queue_timeout(t);
	queue_sync(t);
	switch (t->qphase) {
	case Q_EXEC: queue_exec(t); break;
	case Q_SCAN:
		if (t->q_ready <= t->now)
			queue_job_done(t);
		break;
	case Q_WAIT:
		t->fence &= slots_busy(t); /* a slot once free has finished its walk */
		/* the unit, idle now, finished its request in an earlier cycle
		 * (it finishes after the queue engine's step) */
		t->pd_hold = t->pd_hold && t->pu.ph != P_IDLE;
		if (!t->cur.sw && wait_may_end(t)) {
			/* no status write: completes now (IWC with IF) */
			if (t->cur.wait_later)
				iommu_qi_wait_done(t->mmu, t->cur.qw);
			queue_job_done(t);
		}
		break;
	case Q_WRITTEN: queue_job_done(t); break;
	default: break;
	}
}

/* The page request unit is done with its request. */
static void pr_finish(struct iommu_timing *t, const struct iommu_pr_result *res)
{
	struct prunit *u = &t->pu;
	struct iommu_timed_pr out = {
		.tag = u->a.tag,
		.arrive = u->a.arrive,
		.accept = u->accept,
		.done = t->now,
		.res = *res,
	};

	u->ph = P_IDLE;
	u->accept_from = t->now + 1;
	t->st.page_request_cycles += t->now - u->accept;
	if (t->pr_cb)
		t->pr_cb(t->pr_ctx, &out);
}

/* Step 6, after the queue engine: the page request unit decides (fault
 * record and Invalid Request, PRO and Success, or the descriptor write) or
 * finishes a written request. It waits a cycle while the fault record or
 * the page group response port it may need is taken (the response port
 * recorded a fault, the queue engine sent a response). */
static void step_prq(struct iommu_timing *t)
{
	struct prunit *u = &t->pu;
	struct iommu_pr_result res;
	bool answers = iommu_prq_answers(&u->op.pr);

	if (u->ph != P_DECIDE && u->ph != P_WRITTEN)
		return;
	if (u->ready_at > t->now || (answers && t->prsp_cycle == t->now))
		return;
	if (u->ph == P_WRITTEN) {
		iommu_prq_written(t->mmu, &u->op, u->err, &res);
		pr_finish(t, &res);
		return;
	}
	if (iommu_prq_records(&u->op) && t->flt_cycle == t->now)
		return;
	iommu_prq_decide(t->mmu, &u->op, &res);
	if (!u->op.write) {
		pr_finish(t, &res);
		return;
	}
	u->ph = P_MEM;
	u->writes_left = VTD_PRQ_DESC_SIZE / 8;
	u->err = false;
	u->ready_at = t->now + 1;
}

/* The unit's memory operation granted in this cycle: a read (its data was
 * taken at accept), or one 8-byte word of the descriptor, written now. */
static void pr_granted(struct iommu_timing *t)
{
	struct prunit *u = &t->pu;

	u->waiting = true;
	if (u->reads_left) {
		u->reads_left--;
		t->st.mem_reads++;
		return;
	}
	{
		unsigned k = VTD_PRQ_DESC_SIZE / 8 - u->writes_left;
		uint8_t b[8];

		for (unsigned i = 0; i < 8; i++)
			b[i] = (uint8_t)(u->op.qw[k] >> (8 * i));
		if (t->mmu->mem.ops->write(t->mmu->mem.ctx, u->op.addr + 8 * k, b, sizeof(b)))
			u->err = true;
	}
	u->writes_left--;
	t->st.mem_writes++;
}

/* Step 7: one memory-port grant, round-robin. */
static void step_port(struct iommu_timing *t)
{
	unsigned n = t->p.walk_slots + 2;

	if (t->nmem == t->p.mem_outstanding ||
	    (t->issued_any && t->now < t->last_issue + t->p.mem_interval))
		return;
	for (unsigned k = 1; k <= n; k++) {
		unsigned who = (t->rr + k) % n;
		bool wants;

		if (who == t->p.walk_slots) {
			wants = queue_wants_port(t);
		} else if (who == t->p.walk_slots + 1) {
			wants = t->pu.ph == P_MEM && !t->pu.waiting && t->pu.ready_at <= t->now;
		} else {
			struct walker *w = &t->w[who];

			wants = w->req != NONE && !w->done && !w->waiting &&
				(w->reads_left || w->writes_left) && w->ready_at <= t->now;
		}
		if (!wants)
			continue;
		t->mem[t->nmem++] = (struct inflight){t->now + t->p.mem_latency, (int)who};
		t->last_issue = t->now;
		t->issued_any = true;
		t->rr = who;
		if (who == t->p.walk_slots + 1) {
			pr_granted(t);
		} else if (who == t->p.walk_slots) {
			if (t->qphase == Q_FETCH) {
				t->qphase = Q_FETCHING;
				t->st.mem_reads++;
			} else {
				/* the status write happens, ICS.IWC is set (IF) */
				t->qphase = Q_WRITING;
				t->st.mem_writes++;
				iommu_qi_wait_done(t->mmu, t->cur.qw);
			}
		} else if (t->w[who].reads_left) {
			t->w[who].waiting = true;
			t->w[who].reads_left--;
			t->st.mem_reads++;
		} else {
			t->w[who].waiting = true;
			t->w[who].writes_left--;
			t->st.mem_writes++;
		}
		return;
	}
}

/* Step 8: the page request unit takes the oldest arrived page request:
 * its checks and its root and context reads, as of this cycle. */
static void pr_accept(struct iommu_timing *t)
{
	struct prunit *u = &t->pu;

	if (u->ph != P_IDLE || !t->pra_n || u->accept_from > t->now ||
	    t->pra[t->pra_head].arrive > t->now)
		return;
	u->a = t->pra[t->pra_head];
	t->pra_head = (t->pra_head + 1) % t->pra_cap;
	t->pra_n--;
	u->accept = t->now;
	(void)iommu_prq_check(t->mmu, &u->a.pr, &u->op); /* checked at submission */
	u->reads_left = u->op.reads;
	u->writes_left = 0;
	u->waiting = false;
	u->ready_at = t->now + 1;
	u->ph = u->reads_left ? P_MEM : P_DECIDE;
	t->st.page_requests++;
}

/* Step 8: accept. */
static void step_accept(struct iommu_timing *t)
{
	int i;

	pr_accept(t);
	if (!t->arr_n || t->stage[0] != NONE)
		return;
	i = t->arr[t->arr_head];
	if (t->pool[i].arrive > t->now)
		return;
	t->arr_head = (t->arr_head + 1) % t->arr_cap;
	t->arr_n--;
	t->pool[i].accept = t->now;
	t->stage[0] = i;
}

static bool busy(const struct iommu_timing *t)
{
	for (unsigned s = 0; s < t->nstages; s++)
		if (t->stage[s] != NONE)
			return true;
	for (unsigned s = 0; s < t->p.walk_slots; s++)
		if (t->w[s].req != NONE)
			return true;
	return t->missq_n || t->respq_n || t->nmem || t->qphase != Q_FETCH || t->sil_n ||
	       t->pu.ph != P_IDLE || t->pra_n || (t->jobs_n && queue_enabled(t)) || queue_moved(t);
}

static void step(struct iommu_timing *t)
{
	step_memory(t);
	step_pipeline(t);
	step_response(t);
	step_walkers(t);
	step_queue(t);
	step_prq(t);
	step_port(t);
	step_accept(t);
	step_commit(t);
}

static uint64_t min_u64(uint64_t a, uint64_t b)
{
	return a < b ? a : b;
}

/* Nothing in the pipeline can move until a walker frees a miss-queue
 * entry: a miss waits in the last stage with the miss queue full and no
 * stage has a free one ahead of it (nor the accept stage an arrival). */
static bool pipeline_frozen(const struct iommu_timing *t)
{
	unsigned last = t->nstages - 1;

	if (t->stage[last] == NONE || t->pool[t->stage[last]].hit || t->missq_n < t->p.miss_queue)
		return false;
	for (unsigned s = 0; s < last; s++)
		if (t->stage[s] != NONE && t->stage[s + 1] == NONE)
			return false;
	return t->stage[0] != NONE || !t->arr_n || t->pool[t->arr[t->arr_head]].arrive > t->now;
}

/* Skips to cycle next (nothing happens before it); a frozen pipeline
 * stalls in every skipped cycle. */
static void skip_to(struct iommu_timing *t, uint64_t next)
{
	if (t->stage[t->nstages - 1] != NONE)
		t->st.pipeline_stall_cycles += next - t->now;
	t->now = next;
}

uint64_t iommu_timing_next_event(const struct iommu_timing *t)
{
	const uint64_t now = t->now;
	uint64_t next = UINT64_MAX;
	bool port_wanted = false;

	if (t->respq_n)
		return now;
	if (!pipeline_frozen(t))
		for (unsigned s = 0; s < t->nstages; s++)
			if (t->stage[s] != NONE)
				return now;
	if (t->arr_n)
		next = min_u64(next, t->pool[t->arr[t->arr_head]].arrive);
	for (unsigned s = 0; s < t->p.walk_slots; s++) {
		const struct walker *w = &t->w[s];

		if (w->req == NONE) {
			if (t->missq_n)
				return now; /* takes work now or next cycle */
			continue;
		}
		if (w->done)
			return now;
		if (w->waiting)
			continue; /* its memory response is an event below */
		next = min_u64(next, w->ready_at);
		port_wanted |= w->reads_left || w->writes_left;
	}
	for (unsigned k = 0; k < t->nmem; k++)
		next = min_u64(next, t->mem[k].done);
	switch (t->pu.ph) {
	case P_IDLE:
		if (t->pra_n) {
			uint64_t a = t->pra[t->pra_head].arrive;

			next = min_u64(next, a > t->pu.accept_from ? a : t->pu.accept_from);
		}
		break;
	case P_MEM:
		if (!t->pu.waiting) {
			next = min_u64(next, t->pu.ready_at);
			port_wanted = true;
		}
		break;
	case P_DECIDE:
	case P_WRITTEN: next = min_u64(next, t->pu.ready_at); break;
	}
	if (queue_moved(t))
		return now; /* software wrote IQT: the engine sees it now */
	if (t->sil_n)
		next = min_u64(next, t->sil[t->sil_head].expire);
	if (t->qphase != Q_FETCH || (t->jobs_n && queue_enabled(t))) {
		switch (t->qphase) {
		case Q_FETCH: {
			const struct qjob *j = &t->jobs[t->jobs_head];

			next = min_u64(next, j->submit);
			port_wanted |= j->submit <= now;
			break;
		}
		case Q_SCAN: next = min_u64(next, t->q_ready); break;
		case Q_WAIT:
			if (t->pd_hold && t->pu.ph == P_IDLE)
				return now; /* the page request unit let it go */
			/* an unanswered request holds it until its expiry, below */
			if (!t->sil_n)
				next = min_u64(next, t->devtlb_done);
			break;
		case Q_EXEC:
		case Q_WRITTEN: return now;
		case Q_FETCHING:
		case Q_WRITING: break; /* memory response above */
		}
	}
	/* A requester that wants the port now gets it when the interval has
	 * passed and a slot is free (the memory responses are events above). */
	if (port_wanted && t->nmem < t->p.mem_outstanding)
		next = min_u64(next, t->issued_any ? t->last_issue + t->p.mem_interval : now);
	return next < now ? now : next;
}

void iommu_timing_advance(struct iommu_timing *t, uint64_t cycle)
{
	while (t->now < cycle) {
		/* Skip the cycles in which nothing can happen (only waiting for
		 * memory, an arrival, a scan or a device-TLB completion). */
		uint64_t next = iommu_timing_next_event(t);

		if (next > t->now) {
			skip_to(t, next < cycle ? next : cycle);
			continue;
		}
		step(t);
		t->now++;
	}
}

uint64_t iommu_timing_drain(struct iommu_timing *t)
{
	while (busy(t) || t->arr_n) {
		uint64_t next = iommu_timing_next_event(t);

		if (next > t->now && next != UINT64_MAX) {
			skip_to(t, next);
			continue;
		}
		step(t);
		t->now++;
	}
	return t->now;
}

/* --- Latency histogram --------------------------------------------------------- */

void iommu_hist_add(struct iommu_hist *h, uint64_t v)
{
	if (!h->count || v < h->min)
		h->min = v;
	if (v > h->max)
		h->max = v;
	h->count++;
	h->sum += v;
	if (v < 1024) {
		h->exact[v]++;
	} else {
		unsigned p = 63 - (unsigned)__builtin_clzll(v); /* 10..63 */

		h->log[p - 10][(v >> (p - 6)) & 63]++;
	}
}

uint64_t iommu_hist_quantile(const struct iommu_hist *h, double q)
{
	uint64_t want, seen = 0;

	if (!h->count)
		return 0;
	if (q <= 0)
		return h->min;
	want = (uint64_t)(q * (double)h->count + 0.999999);
	if (want > h->count)
		want = h->count;
	for (uint64_t v = 0; v < 1024; v++) {
		seen += h->exact[v];
		if (seen >= want)
			return v;
	}
	for (unsigned p = 10; p < 64; p++) {
		for (unsigned b = 0; b < 64; b++) {
			seen += h->log[p - 10][b];
			if (seen >= want) {
				/* the bucket's upper bound, capped by the maximum seen */
				uint64_t hi = ((1ull << p) | ((uint64_t)b << (p - 6))) +
					      ((1ull << (p - 6)) - 1);

				return hi < h->max ? hi : h->max;
			}
		}
	}
	return h->max;
}
