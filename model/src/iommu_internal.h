/* Internal state of one IOMMU instance; not part of the public API. */
#ifndef IOMMU_INTERNAL_H
#define IOMMU_INTERNAL_H

#include <stdbool.h>
#include <stdint.h>

#include "cache.h"
#include "iommu/iommu.h"
#include "iommu/vtd_prq.h"
#include "iommu/vtd_regs.h"

/* A walk-cache fill waiting for its request to complete. */
struct iommu_fill {
	struct cache *c;
	uint64_t idx;
	struct cache_key key;
	uint8_t data[80];
};
#define IOMMU_MAX_FILLS 64

/* A fault to record (src/vtd/fault.c), as a translation found it. */
struct vtd_fault_info {
	uint16_t sid;
	bool pasid_present;
	uint32_t pasid;
	uint64_t addr;
	bool is_read;
	bool priv, exec; /* privileged-mode / execute requested */
	bool page_req;   /* ATS translation request (type "page") */
	unsigned reason;
};

/* A timed translation's fault record, held until its response. */
struct iommu_held_fault {
	bool valid;
	bool fpd;
	struct vtd_fault_info fi;
};

/* A page request group queued and not yet answered (iommu/vtd_prq.h). */
struct vtd_prg {
	uint16_t sid;
	bool pasid_valid;
	uint32_t pasid;
	uint16_t prgi;
	uint64_t seq; /* when the IOMMU received its last request */
};

struct iommu {
	struct iommu_config cfg;
	struct iommu_mem mem;
	uint8_t regs[VTD_REG_SIZE];    /* register file as software sees it */
	uint64_t root_active;          /* RTADDR latched by GCMD.SRTP */
	uint64_t reg_writes;           /* software register writes (iommu_state_gen) */
	iommu_reg_observer_fn reg_obs; /* iommu_set_reg_observer */
	void *reg_obs_ctx;
	unsigned fr_next; /* next fault record the hardware writes */
	struct iommu_stats stats;
	struct cache caches[IOMMU_CACHE_COUNT];
	/* Cache fills of the request in flight: committed when it completes
	 * (so one walk never hits an entry it filled itself), or handed to the
	 * timing engine, which commits them at the walk's completion cycle. */
	struct iommu_fill fills[IOMMU_MAX_FILLS];
	unsigned nfills;
	const struct iommu_ats_ops *ats;
	void *ats_ctx;
	struct iommu_qi_observer qi_obs[IOMMU_MAX_QI_OBSERVERS];
	void *qi_obs_ctx[IOMMU_MAX_QI_OBSERVERS];
	unsigned nqi_obs;
	uint64_t seq;    /* event sequence: requests and descriptors */
	bool probe;      /* reference walk: no caches, no writes, no records */
	bool quiet;      /* cache-only lookup: no memory, writes, records, fills */
	bool hold_fills; /* a timed walk: fills are handed to the timing engine */
	bool hold_fault; /* a timed translation: its fault record waits (held_fault) */
	struct iommu_held_fault held_fault;
	/* A timing engine drives the invalidation queue: an IQT write only
	 * moves the tail; the engine executes one descriptor at a time. */
	bool qi_engine;
	/* Software-side polling (src/vtd/builder.c) lets time pass with this:
	 * returns 0 when the hardware may have moved on, non-zero when nothing
	 * more can happen. NULL: the queue runs at the IQT write. */
	int (*spin)(void *ctx);
	void *spin_ctx;
	struct cache nocache; /* what iommu_cache() gives while probing */
	/* Page requests (src/vtd/prq.c) */
	const struct iommu_pri_ops *pri;
	void *pri_ctx;
	struct vtd_prg *prgs; /* groups in flight, in arrival order */
	size_t nprgs, cprgs;
};

/* Queue a walk-cache fill for the end of the current request. */
void iommu_fill_defer(struct iommu *mmu, struct cache *c, uint64_t idx, const struct cache_key *key,
		      const void *payload);
/* At the end of a request: commit (translation) or drop (fault) the fills. */
void iommu_fills_end(struct iommu *mmu, bool commit);
/* With hold_fault: takes the fault record the last translation held (valid
 * false when none); iommu_fault_commit() records it (true: a record was
 * written), as the translation would have. */
struct iommu_held_fault iommu_fault_take(struct iommu *mmu);
bool iommu_fault_commit(struct iommu *mmu, const struct iommu_held_fault *f);

/* With hold_fills: moves the request's fills to out (at most max); returns
 * how many. iommu_fills_commit() applies such a list later. */
size_t iommu_fills_take(struct iommu *mmu, struct iommu_fill *out, size_t max);
void iommu_fills_commit(const struct iommu_fill *fills, size_t n);

/* Stage-T lookup of the timing engine: the request through the caches
 * only. Returns 1 when it needs memory (a miss); else 0 with *resp the
 * result (a translation or a fault found from cached entries). Nothing is
 * written, recorded, filled or counted. */
int iommu_lookup_cached(struct iommu *mmu, const struct iommu_req *req, struct iommu_resp *resp);

/* The cache id, or a disabled one during a reference walk (iommu_probe). */
static inline struct cache *iommu_cache(struct iommu *mmu, enum iommu_cache_id id)
{
	return mmu->probe ? &mmu->nocache : &mmu->caches[id];
}

/* The invalidation queue, one descriptor at a time (the timing engine). */
struct iommu_qi_exec {
	uint64_t qw[4];  /* the descriptor */
	unsigned type;   /* its type */
	bool executed;   /* false: IQE, the queue stopped with IQH on it */
	bool stopped;    /* IQE (ITE is the engine's: iommu_qi_timeout()) */
	bool wait_later; /* a wait to complete by iommu_qi_wait_done() */
	bool silent;     /* a device-TLB invalidation the endpoint never answers */
	uint16_t sid;    /* ... sent to this source ID */
};
/* Descriptors the hardware may fetch now: 0 unless the queue is enabled,
 * IQE and ITE are clear and the tail is valid; else IQH to IQT. */
unsigned iommu_qi_ready(const struct iommu *mmu);
/* Fetches and executes the descriptor at IQH and advances IQH (the IQT
 * write did nothing else while mmu->qi_engine is set). A wait that may
 * complete is only reported (x->wait_later): its status write, ICS.IWC and
 * the wait observers happen at iommu_qi_wait_done(). */
void iommu_qi_exec_head(struct iommu *mmu, struct iommu_qi_exec *x);
void iommu_qi_wait_done(struct iommu *mmu, const uint64_t qw[4]);
/* A device-TLB invalidation to sid got no answer in time: FSTS.ITE with
 * IQER.ITESID; IQH moves to IQT, the descriptors between them aborted
 * (counted, with the engine's dropped ones: a wait it held). */
void iommu_qi_timeout(struct iommu *mmu, uint16_t sid, unsigned dropped);

/* A page request in phases (src/vtd/prq.c), for the timing engine's page
 * request unit (docs/uarch.md section 8.1); iommu_page_request() runs them
 * back to back.
 *   check   (accept): the ECAP.PRS/translation checks and the root and
 *           context entry reads, from memory (no context cache);
 *   decide  (after the reads): the fault record and Invalid Request, or
 *           PRO and the IOMMU's own Success, or the descriptor to write;
 *   written (the descriptor's writes answered): PQT, PRS.PPR, the event,
 *           the group tracked for drains; a write error answers Response
 *           Failure. */
struct iommu_prq_op {
	struct iommu_page_req pr;
	unsigned reads; /* memory reads the check made (root, context) */
	unsigned fault; /* the check found this fault (0: none) */
	bool fpd;       /* ... and FPD suppresses its record */
	bool invalid;   /* refused by step 1: Invalid Request, no record */
	bool write;     /* decide: the descriptor is to be written */
	uint64_t addr;  /* ... at this address (32 bytes) */
	uint64_t qw[4]; /* ... with this content */
	uint64_t tail;  /* PQT once it is written */
};
/* A message no bus could carry (iommu_page_request's -IOMMU_EINVAL). */
bool iommu_prq_malformed(const struct iommu_page_req *pr);
/* 0, or -IOMMU_EINVAL for a malformed message (nothing happens). */
int iommu_prq_check(struct iommu *mmu, const struct iommu_page_req *pr, struct iommu_prq_op *op);
/* Whether decide records a fault (the timing engine's fault port). */
static inline bool iommu_prq_records(const struct iommu_prq_op *op)
{
	return op->fault && !op->invalid;
}
void iommu_prq_decide(struct iommu *mmu, struct iommu_prq_op *op, struct iommu_pr_result *res);
void iommu_prq_written(struct iommu *mmu, const struct iommu_prq_op *op, bool err,
		       struct iommu_pr_result *res);
/* Whether a refusal of this request sends a response (LPIG, not a stop
 * marker): the unit then needs the page group response port. */
bool iommu_prq_answers(const struct iommu_page_req *pr);

/* Register-file storage helpers (little-endian, like the hardware). */
uint32_t vtd_reg_get32(const struct iommu *mmu, uint32_t off);
void vtd_reg_set32(struct iommu *mmu, uint32_t off, uint32_t val);
uint64_t vtd_reg_get64(const struct iommu *mmu, uint32_t off);
void vtd_reg_set64(struct iommu *mmu, uint32_t off, uint64_t val);
/* Resets the register file to the values cfg implies (CAP, ECAP, VER). */
void vtd_regs_reset(struct iommu *mmu);

/* Add one request's references to the totals. */
void iommu_refs_add(struct iommu_refs *to, const struct iommu_refs *from);
/* Paging-entry reads (first and second level) in refs. */
uint32_t iommu_refs_walk_reads(const struct iommu_refs *refs);

#endif
