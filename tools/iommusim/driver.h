/*
 * Trace driver: applies parsed trace events to VT-d IOMMU models.
 *
 * It owns a sparse physical memory and, per IOMMU instance (replay.iommus,
 * one by default), the IOMMU, a table builder, the ATS endpoints of the
 * devices behind it (one device TLB each, on a bus connected to the IOMMU),
 * the stale-translation oracle and the timing engine. domain/map/unmap become builder calls that
 * edit tables and invalidate nothing; attach/detach edit tables and send the
 * driver's teardown invalidations; flush/qi/wait go to the builder's
 * invalidation queue. dma becomes one translation per page the request
 * touches (through the device TLB for an ATS device), each checked by the
 * oracle, and one record per request. A builder error is bad input and stops
 * the replay; a fault or an invalidation queue error (IQE, ITE) is a result.
 *
 * Streaming: records are handed to a sink as each request completes and are
 * not kept; the driver keeps counters, the first DRIVER_MAX_FLAGGED
 * oracle-flagged records and the first DRIVER_MAX_QERRORS queue errors, so
 * its memory follows the mapped pages and the devices, not the trace length.
 */
#ifndef IOMMUSIM_DRIVER_H
#define IOMMUSIM_DRIVER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "iommu/ats.h"
#include "iommu/iommu.h"
#include "iommu/timing.h"
#include "iommu/vtd_builder.h"
#include "iommu/vtd_oracle.h"
#include "replay.h"
#include "trace.h"

/* One DMA request and its outcome. */
struct driver_record {
	uint64_t id;          /* request number, from 0 */
	uint64_t cycle;       /* trace cycle stamp */
	uint64_t line;        /* trace line (record number in a binary trace) */
	struct trace_dma dma; /* the request as written */
	bool ok;
	unsigned fault;        /* VT-d fault reason of the first faulting page, 0 when ok */
	uint64_t fault_addr;   /* input address of the page that faulted */
	uint64_t hpa;          /* output address of the first byte (ok only) */
	uint64_t page_size;    /* translation size at the first byte */
	unsigned perm;         /* IOMMU_PERM_* at the first byte */
	uint16_t did;          /* domain ID that tagged the first translation */
	unsigned translations; /* page translations made */
	uint64_t mem_reads;    /* paging-entry reads (first + second level), all pages */
	/* What served the first page, or the first page the oracle flagged. */
	enum iommu_source source;
	enum vtd_oracle_verdict oracle; /* worst verdict over the pages (stale first) */
	uint64_t oracle_addr;           /* input address of the first flagged page */
	/* Timing (docs/uarch.md §10): the device issues every page at `issue`;
	 * `done` is the last page's response (an ATS device: back across the
	 * link); latency = done - issue. */
	uint64_t issue, done, latency;
	unsigned page_reqs; /* page requests its pages sent (PRI) */
	bool has_gpasid;    /* the PASID is a guest PASID bind's host PASID */
	uint32_t gpasid;    /* ... and this the guest's own PASID */
	unsigned iommu;     /* the IOMMU the device sits behind */
};

/* An invalidation queue error met by a trace line: an architectural result
 * (the builder recovered as Linux does and the replay went on). */
struct driver_qerror {
	uint64_t line;
	enum trace_op op;
	char msg[200];
};

/* Notes kept for the report; driver_summary.queue_errors counts them all. */
#define DRIVER_MAX_QERRORS 32
/* Oracle-flagged requests kept for the report; driver_summary.flagged
 * counts them all. */
#define DRIVER_MAX_FLAGGED 8

/* Page requests one page may send before its DMA fails. */
#define DRIVER_PRI_RETRIES 2
/* Cycles a device waits for a page group response before it gives up on
 * the page (the response never came: the queue stopped, or a lost group). */
#define DRIVER_PRI_TIMEOUT 10000000u

/* One ATS endpoint. */
struct driver_endpoint {
	uint16_t sid;
	struct iommu_cache_geom geom;
	struct ats_dev *dev;
	bool pri;       /* page requests enabled (device pri=1) */
	unsigned iommu; /* the IOMMU the device sits behind */
};

/* Software operations whose cost (cycles from the operation to the end of
 * the invalidations it queued) the report shows. */
enum driver_sw_kind {
	DRIVER_SW_ATTACH,
	DRIVER_SW_DETACH,
	DRIVER_SW_FLUSH,
	DRIVER_SW_BIND,
	DRIVER_SW_UNBIND,
	DRIVER_SW_FREE,
	DRIVER_SW_GFLUSH,
	DRIVER_SW_PRQ_SERVICE,
	DRIVER_SW_KINDS,
};

/* "attach", "detach", "flush", "bind", "unbind", "free", "gflush", "prq_service" */
const char *driver_sw_kind_name(enum driver_sw_kind k);

struct driver_summary {
	uint64_t events;       /* trace events applied */
	uint64_t last_cycle;   /* cycle of the last event */
	uint64_t requests;     /* DMA events */
	uint64_t completed;    /* DMA events that translated */
	uint64_t faults;       /* DMA events that faulted */
	uint64_t translations; /* page translations */
	uint64_t flushes;      /* flush events */
	uint64_t flush_descs;  /* descriptors those executed (waits not counted) */
	uint64_t raw_descs;    /* qi events */
	uint64_t wait_events;  /* wait events */
	uint64_t queue_errors; /* events that met IQE or ITE */
	uint64_t ats_events;   /* ats events (device-TLB prefetches) */
	uint64_t ats_pages;    /* their 4 KiB pages */
	uint64_t ats_faults;   /* ats events whose completion denied a page */
	uint64_t page_reqs;    /* page requests devices sent */
	uint64_t pri_success;  /* ... answered Success (the device retried) */
	uint64_t pri_denied;   /* ... answered otherwise, or dropped */
	uint64_t pri_timeouts; /* ... never answered (DRIVER_PRI_TIMEOUT) */
	uint64_t lazy_maps;    /* pages the page-request handler mapped */
	uint64_t binds, unbinds, frees, gflushes;
	uint64_t bind_errors;        /* bind, unbind, free, gflush events refused */
	uint64_t flagged;            /* DMA events the oracle flagged */
	uint64_t fault_reasons[256]; /* faulted DMA events by VT-d fault reason */
};

/* Counters of one IOMMU instance (replay.iommus > 1). */
struct driver_iommu_summary {
	uint64_t requests;     /* DMA events of devices behind it */
	uint64_t faults;       /* ... that faulted */
	uint64_t translations; /* their page translations */
	uint64_t flagged;      /* ... DMA events the oracle flagged */
	uint64_t flushes;      /* flush events that ran on it */
	uint64_t flush_descs;  /* descriptors those executed on it (waits not counted) */
	uint64_t queue_errors; /* events that met IQE or ITE on it */
};

struct driver;

/* The IOMMU boundary of a replay (replay.tap, one IOMMU): what the
 * co-simulation mirrors into the RTL and compares. Cycles are the timing
 * engine's. Any callback may be NULL. */
struct driver_tap {
	/* A request submitted to the engine, arriving at cycle; tag is the
	 * engine's (unique while the request is in flight). */
	void (*submit)(void *ctx, uint64_t cycle, const struct iommu_req *req, uint64_t tag);
	/* A request the engine completed (t->done: its response cycle). */
	void (*timed)(void *ctx, const struct iommu_timed *t);
	/* A software register write the model took at cycle. */
	void (*reg_write)(void *ctx, uint64_t cycle, uint32_t off, unsigned size, uint64_t val);
	/* A software memory write (tables, descriptors) at cycle. */
	void (*sw_write)(void *ctx, uint64_t cycle, uint64_t pa, const void *buf, size_t len);
	/* A memory write the model made itself (A/D bits, wait status). */
	void (*hw_write)(void *ctx, uint64_t cycle, uint64_t pa, const void *buf, size_t len);
	/* An invalidation wait the engine completed at cycle. */
	void (*wait_done)(void *ctx, uint64_t cycle);
	/* A device-TLB invalidation request the engine sent at cycle to sid;
	 * answered false: the endpoint never answers (ITE later). */
	void (*devtlb)(void *ctx, uint64_t cycle, uint16_t sid, bool answered);
	/* The invalidation queue stopped at cycle: FSTS.IQE or FSTS.ITE set. */
	void (*queue_error)(void *ctx, uint64_t cycle, uint32_t fsts);
	/* A page request given to the page request unit, arriving at cycle;
	 * tag is the engine's (unique while it is in the unit). */
	void (*page_request)(void *ctx, uint64_t cycle, const struct iommu_page_req *pr,
			     uint64_t tag);
	/* The unit finished one (r->done: the cycle; r->res: what became of it). */
	void (*pr_done)(void *ctx, const struct iommu_timed_pr *r);
	/* A page group response left the IOMMU at cycle (descriptor 0x9, or the
	 * unit's own answer). */
	void (*prg_response)(void *ctx, uint64_t cycle, uint16_t sid, bool pasid_valid,
			     uint32_t pasid, uint16_t prgi, unsigned code);
	/* The engine reached cycle now (every cycle before it is simulated). */
	void (*advanced)(void *ctx, uint64_t now);
	/* Optional: true while ordered software (replay.software = ordered)
	 * must wait besides the model's own requests and queue (the RTL still
	 * answering); the replay then advances cycle by cycle. */
	bool (*busy)(void *ctx);
};

/* Receives each DMA request's record as it completes; a non-zero return
 * stops the replay (driver_apply returns -IOMMU_EIO). */
typedef int (*driver_record_fn)(void *ctx, const struct driver_record *rec);
/* Called every DRIVER_TICK_EVENTS events by driver_replay (progress). */
typedef void (*driver_tick_fn)(void *ctx, const struct driver *d);
#define DRIVER_TICK_EVENTS 4096u

/* NULL when a configuration is rejected or memory runs out; *why says which.
 * driver_create uses the default timing and replay parameters. */
struct driver *driver_create(const struct iommu_config *mmu_cfg,
			     const struct vtd_builder_config *builder_cfg, const char **why);
struct driver *driver_create_timed(const struct iommu_config *mmu_cfg,
				   const struct vtd_builder_config *builder_cfg,
				   const struct iommu_tparams *tp,
				   const struct driver_replay_params *rp, const char **why);
void driver_destroy(struct driver *d);

void driver_set_record_sink(struct driver *d, driver_record_fn fn, void *ctx);
void driver_set_tick(struct driver *d, driver_tick_fn fn, void *ctx);

/* Applies one event read from r: 0, or -IOMMU_E* with driver_error() set to
 * "NAME:LINE: op: why" ("NAME:record N: ..." for a binary trace). */
int driver_apply(struct driver *d, const struct trace_reader *r, const struct trace_event *ev);
/* Runs until every request and invalidation has completed (the end of a
 * replay; driver_replay calls it): 0, or an error met on the way. */
int driver_finish(struct driver *d);
/* Reads and applies every event of r, then driver_finish: 0, or the first
 * error (driver_error). */
int driver_replay(struct driver *d, struct trace_reader *r);
const char *driver_error(const struct driver *d);

const struct iommu_stats *driver_stats(const struct driver *d);
const struct driver_summary *driver_summary(const struct driver *d);
/* The first DRIVER_MAX_FLAGGED oracle-flagged requests, in order. */
const struct driver_record *driver_flagged(const struct driver *d, size_t *count);
const struct driver_qerror *driver_queue_errors(const struct driver *d, size_t *count);
/* bind, unbind, free and gflush events the builder refused (results, like
 * queue errors): the first DRIVER_MAX_QERRORS; driver_summary.bind_errors
 * counts them all. */
const struct driver_qerror *driver_bind_errors(const struct driver *d, size_t *count);
const struct driver_endpoint *driver_endpoints(const struct driver *d, size_t *count);
const struct iommu_cache_stats *driver_cache_stats(const struct driver *d, enum iommu_cache_id id);
/* Device TLB statistics summed over every endpoint. */
void driver_devtlb_stats(const struct driver *d, struct iommu_cache_stats *sum);
uint64_t driver_stale_translations(const struct driver *d);
uint64_t driver_missing_flushes(const struct driver *d);

/* Several IOMMU instances (replay.iommus): their number, and the
 * statistics of IOMMU k (0..driver_iommus - 1), or their sum for k = -1
 * (what driver_stats and the others above return). */
unsigned driver_iommus(const struct driver *d);
/* IOMMU k itself (its registers, for the co-simulation's end check). */
struct iommu *driver_iommu(const struct driver *d, unsigned k);
const struct iommu_stats *driver_iommu_stats(const struct driver *d, int k);
const struct iommu_cache_stats *driver_iommu_cache_stats(const struct driver *d, int k,
							 enum iommu_cache_id id);
/* Device TLBs of the endpoints behind IOMMU k, and their number
 * (endpoints may be NULL). */
void driver_iommu_devtlb_stats(const struct driver *d, int k, struct iommu_cache_stats *sum,
			       size_t *endpoints);
uint64_t driver_iommu_stale(const struct driver *d, int k);
uint64_t driver_iommu_missing_flushes(const struct driver *d, int k);
const struct iommu_timing_stats *driver_iommu_timing_stats(const struct driver *d, int k);
const struct driver_iommu_summary *driver_iommu_summary(const struct driver *d, unsigned k);

const struct iommu_timing_stats *driver_timing_stats(const struct driver *d);
/* Latency distributions in cycles: per DMA request (issue to last page's
 * answer), or per translation request (accept to response, §10). */
const struct iommu_hist *driver_latency(const struct driver *d, bool translations);
/* ats events: issue to the last page's completion back at the device. */
const struct iommu_hist *driver_ats_latency(const struct driver *d);
/* PRI: from the device seeing the fault to the retried translation's
 * answer, per page request answered Success. */
const struct iommu_hist *driver_pri_latency(const struct driver *d);
/* Cost of software operations of one kind (driver_sw_kind). */
const struct iommu_hist *driver_sw_cost(const struct driver *d, enum driver_sw_kind k);
/* The cycle the replay drained at (after driver_finish). */
uint64_t driver_cycles(const struct driver *d);
const struct iommu_tparams *driver_tparams(const struct driver *d);

#endif
