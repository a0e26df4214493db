/*
 * Cycle-level timing of one IOMMU instance: the micro-architecture of
 * docs/uarch.md (request pipeline, miss queue, walker slots, memory port,
 * response port, invalidation queue engine) on top of the functional model.
 *
 * The engine is time-stepped: iommu_timing_advance() simulates every cycle
 * up to the one given, in the fixed order docs/uarch.md states, and reports
 * each completed request through the callback. Requests are submitted with
 * their arrival cycle (not before the current cycle; the callback may submit
 * more); equal arrival cycles keep submission order. Functional effects happen at
 * defined cycles: the cache-only lookup when a request is in the last IOTLB
 * stage, the translation (its table reads) when a walker takes the request,
 * the cache fills at the end of the cycle the walk completes (dropped if a
 * descriptor executed from its take cycle through that one), each queued
 * invalidation descriptor when the engine has fetched it (an IQT write only
 * moves the tail), a wait's status write and ICS.IWC when its status write
 * is granted the memory port, a page request's checks and root/context
 * reads when the page request unit takes it, its descriptor words as their
 * writes are granted, PQT when the last write is answered.
 */
#ifndef IOMMU_TIMING_H
#define IOMMU_TIMING_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "iommu/iommu.h"
#include "iommu/vtd_prq.h"

/* Parameters: the configuration keys of docs/uarch.md §3. */
struct iommu_tparams {
	unsigned ctx_lat, pasid_lat, iotlb_lat; /* pipeline stage cycles, >= 1 */
	unsigned pwc_lat;                       /* walk start: paging-structure cache lookup */
	unsigned walk_slots;                    /* concurrent walks, 1..64 */
	unsigned miss_queue;                    /* requests waiting for a walker, >= 1 */
	unsigned mem_latency;                   /* request transfer to response, >= 1 */
	unsigned mem_outstanding;               /* memory requests in flight at most, >= 1 */
	unsigned mem_interval;                  /* cycles between two request transfers, >= 1 */
	unsigned resp_queue;                    /* walk completions waiting for the port, >= 1 */
	unsigned ats_link_latency;              /* one way, IOMMU <-> endpoint */
	unsigned devtlb_inv_latency;            /* endpoint time to apply an invalidation */
	unsigned ats_timeout;                   /* unanswered device-TLB invalidation: ITE */
};

void iommu_tparams_default(struct iommu_tparams *p);
/* 0, or -IOMMU_EINVAL with *why naming the parameter. */
int iommu_tparams_check(const struct iommu_tparams *p, const char **why);

/* One completed request. */
struct iommu_timed {
	uint64_t tag;
	uint64_t arrive, accept, done; /* cycles: arrival, accepted by the pipeline, response */
	bool walked;                   /* missed the caches and went to a walker */
	int rc;                        /* as iommu_translate */
	struct iommu_resp resp;
};

typedef void (*iommu_timed_fn)(void *ctx, const struct iommu_timed *r);

struct iommu_timing_stats {
	uint64_t requests, completed, walks;
	uint64_t mem_reads, mem_writes;    /* memory-port transfers, walks and queue */
	uint64_t walk_fills_dropped;       /* walks whose fills an invalidation cancelled */
	uint64_t pipeline_stall_cycles;    /* cycles the last stage could not move */
	uint64_t qi_descriptors, qi_waits; /* timed by the queue engine */
	uint64_t qi_dropped;               /* executed, then dropped by ITE (a wait) */
	uint64_t wait_latency_sum, wait_latency_max;
	uint64_t page_requests;       /* taken by the page request unit */
	uint64_t page_request_cycles; /* ... summed from accept to done */
	uint64_t last_cycle;          /* of the last completion */
};

struct iommu_timing;

/* The engine drives mmu: its invalidation queue runs in the engine (the
 * IQT write only moves the tail), and software-side polling of the queue
 * (src/vtd/builder.c) runs the engine (iommu_set_spin). */
struct iommu_timing *iommu_timing_create(struct iommu *mmu, const struct iommu_tparams *p,
					 iommu_timed_fn done, void *ctx);
void iommu_timing_destroy(struct iommu_timing *t);

/* What software polling the hardware (a wait's status, IQE) calls to let
 * time pass: returns 0 when something may have changed, non-zero when
 * nothing more can happen. The engine installs one that runs itself to its
 * next event; a driver of several engines in lock-step installs its own. */
void iommu_set_spin(struct iommu *mmu, int (*spin)(void *ctx), void *ctx);

/* A request arriving at cycle (>= now). */
int iommu_timing_submit(struct iommu_timing *t, uint64_t cycle, const struct iommu_req *req,
			uint64_t tag);
/* Simulates every cycle before `cycle`; afterwards now == cycle. Software
 * actions (table edits, queue submissions) made then happen at `cycle`. */
void iommu_timing_advance(struct iommu_timing *t, uint64_t cycle);
/* The first cycle, at or after now, in which the engine can do anything
 * (UINT64_MAX when it is idle with nothing to come): cycles before it may
 * be skipped; iommu_timing_advance() does. */
uint64_t iommu_timing_next_event(const struct iommu_timing *t);
/* Runs until nothing is in flight; returns the cycle after the last event. */
uint64_t iommu_timing_drain(struct iommu_timing *t);
uint64_t iommu_timing_now(const struct iommu_timing *t);
/* Requests submitted and not yet completed. */
uint64_t iommu_timing_in_flight(const struct iommu_timing *t);
/* Invalidation descriptors not completed by the queue engine: those from
 * IQH to IQT (none while the queue is disabled or stopped by IQE or ITE)
 * and the one executing (a wait completes when its status write's
 * response returns). */
size_t iommu_timing_queue_pending(const struct iommu_timing *t);
const struct iommu_timing_stats *iommu_timing_stats(const struct iommu_timing *t);

/* Page requests (docs/uarch.md section 8.1): a page request message
 * arriving at cycle (>= now), tag for the report. The unit takes one at a
 * time, in arrival order; its page group responses go to the endpoint
 * through iommu_set_pri(), in the cycle they leave. -IOMMU_EINVAL for a
 * cycle in the past or a message iommu_page_request() refuses. */
struct iommu_timed_pr {
	uint64_t tag;
	uint64_t arrive, accept, done; /* cycles: arrival, taken, finished */
	struct iommu_pr_result res;    /* queued, answered by the IOMMU, or dropped */
};
typedef void (*iommu_timed_pr_fn)(void *ctx, const struct iommu_timed_pr *r);
void iommu_timing_set_pr_done(struct iommu_timing *t, iommu_timed_pr_fn fn, void *ctx);
int iommu_timing_page_request(struct iommu_timing *t, uint64_t cycle,
			      const struct iommu_page_req *pr, uint64_t tag);
/* Page requests submitted and not finished. */
size_t iommu_timing_pr_in_flight(const struct iommu_timing *t);

/* Latency distribution: exact below 1024 cycles, then 64 sub-buckets per
 * power of two (relative error below 1/64). Deterministic. */
struct iommu_hist {
	uint64_t count, sum, min, max;
	uint64_t exact[1024];
	uint64_t log[54][64]; /* [power of two - 10][sub-bucket] */
};

void iommu_hist_add(struct iommu_hist *h, uint64_t v);
/* The value at quantile q (0..1): the smallest bucket bound with at least
 * q of the samples at or below it; 0 when empty. */
uint64_t iommu_hist_quantile(const struct iommu_hist *h, double q);

#endif
