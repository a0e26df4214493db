/*
 * iommusim reference model: one IOMMU instance (Intel VT-d scalable mode).
 *
 * The functional core is deterministic and untimed: given memory and a
 * request it returns the translation or the fault, records the fault in the
 * fault recording registers as the hardware does, and counts every memory
 * reference the walk makes. The instance handle is the first argument of
 * every call; there is no global state.
 */
#ifndef IOMMU_IOMMU_H
#define IOMMU_IOMMU_H

#include <stdbool.h>
#include <stdint.h>

#include "iommu/cache.h"
#include "iommu/mem.h"
#include "iommu/vtd_fault.h"

/* Hardware configuration: what CAP/ECAP advertise and the model implements. */
struct iommu_config {
	unsigned haw;        /* host address width: output addresses, 39..52 */
	unsigned mgaw;       /* maximum guest address width, 39..57 */
	unsigned sagaw;      /* VTD_SAGAW_* bits: supported second-level depths */
	unsigned nfr;        /* number of fault recording registers, 1..256 */
	unsigned pasid_bits; /* PASID width, 1..20 */
	bool sl_2m, sl_1g;   /* CAP.SLLPS: second-level superpages */
	bool fl_1g;          /* CAP.FL1GP */
	bool fl_5level;      /* CAP.FL5LP */
	bool nested;         /* ECAP.NEST */
	bool pass_through;   /* ECAP.PT */
	bool sl_ad;          /* ECAP.SLADS: second-level A/D when SSADE=1 */
	bool exec_req;       /* ECAP.ERS */
	bool super_req;      /* ECAP.SRS */
	bool rid_pasid;      /* ECAP.RPS: RID_PASID honoured (else PASID 0) */
	bool page_req;       /* ECAP.PRS: page requests (PRI) and their queue */
	/* After a context or PASID entry came from memory, a translation still
	 * looks up the caches below it (PASID cache, IOTLB). false: it looks up
	 * none of them, as a hardware walker that went to memory (the RTL). */
	bool lookup_after_fetch;

	/* Cache geometries (ways = 0 disables a cache). The paging-structure
	 * geometries apply to each level's cache (levels 2..5). */
	struct iommu_cache_geom context_cache, pasid_cache, iotlb, fl_pwc, sl_pwc, nested_tlb;
	uint64_t seed; /* random replacement */
};

/* The caches of one IOMMU instance. */
enum iommu_cache_id {
	IOMMU_CACHE_CONTEXT,
	IOMMU_CACHE_PASID,
	IOMMU_CACHE_IOTLB,
	IOMMU_CACHE_NESTED_TLB, /* second-level translations of nested first-level tables */
	IOMMU_CACHE_FL_PWC2,    /* first-level paging-structure cache: PDEs */
	IOMMU_CACHE_FL_PWC3,    /* PDPTEs */
	IOMMU_CACHE_FL_PWC4,    /* PML4Es */
	IOMMU_CACHE_FL_PWC5,    /* PML5Es */
	IOMMU_CACHE_SL_PWC2,    /* second-level paging-structure caches, by level */
	IOMMU_CACHE_SL_PWC3,
	IOMMU_CACHE_SL_PWC4,
	IOMMU_CACHE_SL_PWC5,
	IOMMU_CACHE_COUNT,
};

/* "context_cache", "pasid_cache", "iotlb", "nested_tlb", "fl_pwc_l2", ... */
const char *iommu_cache_name(enum iommu_cache_id id);

/* Fills cfg with the defaults documented in docs/model.md. */
void iommu_config_default(struct iommu_config *cfg);
/* 0 when cfg is self-consistent, else -IOMMU_EINVAL; *why names the field. */
int iommu_config_check(const struct iommu_config *cfg, const char **why);

enum iommu_access {
	IOMMU_ACC_READ = 0,
	IOMMU_ACC_WRITE = 1,
	IOMMU_ACC_EXEC = 2, /* execute-requested read (PASID prefix ER=1) */
};

/* PCIe address type of a request (AT field). */
enum iommu_at {
	IOMMU_AT_UNTRANSLATED = 0,
	IOMMU_AT_TRANSLATION_REQ = 1, /* ATS translation request */
	IOMMU_AT_TRANSLATED = 2,      /* addr is a translated (host-physical) address */
};

struct iommu_req {
	uint16_t sid;     /* requester ID: bus << 8 | dev << 3 | fn */
	bool pasid_valid; /* request carries a PASID prefix */
	uint32_t pasid;   /* 20 bits */
	bool priv;        /* privileged-mode requested (needs a PASID) */
	uint64_t addr;    /* untranslated input address */
	enum iommu_access access;
	enum iommu_at at; /* untranslated unless an ATS endpoint says otherwise */
	bool no_write;    /* translation request: NW, read access is enough */
};

/* Permission bits in iommu_resp.perm. */
#define IOMMU_PERM_R 0x1u
#define IOMMU_PERM_W 0x2u
#define IOMMU_PERM_X 0x4u
#define IOMMU_PERM_U 0x8u /* user (unprivileged) access allowed */

/* Memory references by kind. */
enum iommu_ref_kind {
	IOMMU_REF_ROOT,
	IOMMU_REF_CONTEXT,
	IOMMU_REF_PASID_DIR,
	IOMMU_REF_PASID_ENTRY,
	IOMMU_REF_FL, /* first-level paging entry, level in index */
	IOMMU_REF_SL, /* second-level paging entry, level in index */
};
#define IOMMU_MAX_LEVELS 5

struct iommu_refs {
	uint32_t root, context, pasid_dir, pasid_entry;
	uint32_t fl[IOMMU_MAX_LEVELS + 1]; /* [level], 1..5 */
	uint32_t sl[IOMMU_MAX_LEVELS + 1];
	uint32_t ad_writes; /* A/D bit updates written back */
};

/* What served a translation. */
enum iommu_source {
	IOMMU_SRC_WALK = 0,         /* table walk (possibly shortened by walk caches) */
	IOMMU_SRC_IOTLB = 1,        /* IOTLB hit */
	IOMMU_SRC_UNTRANSLATED = 2, /* translation disabled (GSTS.TES = 0) */
	IOMMU_SRC_DEVTLB = 3,       /* the endpoint's device TLB (ATS) */
};

struct iommu_resp {
	bool ok;
	enum iommu_source source;
	enum vtd_fault_reason fault; /* VTD_FR_NONE when ok */
	bool fault_recorded;         /* written to a fault recording register */
	uint64_t hpa;                /* host physical address of req->addr */
	uint64_t page_size;          /* bytes covered by this translation */
	unsigned perm;               /* IOMMU_PERM_* effective permissions */
	bool global;                 /* first-level G: valid for every PASID */
	bool unsupported;            /* translation request: Unsupported Request */
	uint32_t pasid;              /* PASID used (RID_PASID when none given) */
	unsigned pgtt;               /* PASID entry translation type used (0: none) */
	uint64_t fill_seq;           /* IOTLB / device TLB: when the entry was filled */
	uint16_t did;                /* domain ID tagging the translation */
	struct iommu_refs refs;      /* memory references this request made */
};

struct iommu_stats {
	uint64_t requests, completed, faults;
	uint64_t faults_by_reason[256];
	uint64_t faults_recorded; /* written to a fault record */
	uint64_t faults_fpd;      /* suppressed by an FPD bit */
	uint64_t faults_overflow; /* lost to PFO / a full record set */
	uint64_t walks;           /* requests that read any paging entry */
	uint64_t walk_mem_reads;  /* paging-entry reads, first and second level */
	uint64_t walk_max_mem_reads;
	struct iommu_refs refs;    /* totals over all requests */
	uint64_t translation_reqs; /* ATS translation requests */
	uint64_t translated_reqs;  /* ATS translated requests passed */
	/* Invalidation queue */
	uint64_t qi_descriptors; /* executed */
	uint64_t qi_by_type[16];
	uint64_t qi_waits;        /* invalidation waits completed */
	uint64_t qi_aborted;      /* descriptors dropped behind a timeout */
	uint64_t qi_errors;       /* IQE raised */
	uint64_t devtlb_invs;     /* ATS invalidation requests sent */
	uint64_t devtlb_timeouts; /* ... that got no answer (ITE) */
	/* Page requests (iommu/vtd_prq.h) */
	uint64_t page_reqs;          /* page request messages received */
	uint64_t prq_queued;         /* ... written to the page request queue */
	uint64_t prq_overflows;      /* ... dropped: queue full or PRS.PRO set */
	uint64_t prq_auto_responses; /* page group responses the IOMMU sent itself */
	uint64_t prq_responses;      /* page group response descriptors (0x9) executed */
	uint64_t prq_events;         /* page request event interrupts sent */
	uint64_t prq_drain_waits;    /* invalidation waits with PD */
};

/* Endpoints that receive ATS invalidation requests (device TLBs). */
struct iommu_ats_ops {
	/* Invalidate [addr, addr+size) (size 0: everything) of endpoint sid's
	 * device TLB, for pasid when pasid_valid (all PASIDs when global).
	 * Returns true when the endpoint answers with a completion. */
	bool (*invalidate)(void *ctx, uint16_t sid, bool pasid_valid, uint32_t pasid, bool global,
			   uint64_t addr, uint64_t size);
};

/* Observes the invalidation queue (the stale-translation oracle, the timing
 * engine). Called as each descriptor executes, in queue order. */
struct iommu_qi_observer {
	void (*desc)(void *ctx, const uint64_t qw[4]); /* an invalidation descriptor */
	void (*wait)(void *ctx, const uint64_t qw[4]); /* an invalidation wait completed */
	void (*error)(void *ctx, uint32_t fsts);       /* the queue stopped: FSTS.IQE or ITE */
};

struct iommu;

struct iommu *iommu_create(const struct iommu_config *cfg, const struct iommu_mem *mem);
void iommu_destroy(struct iommu *mmu);
const struct iommu_config *iommu_cfg(const struct iommu *mmu);
/* Event sequence number: advances with every request and with every
 * descriptor the queue takes up once its type and fields are valid (orders
 * cache fills against invalidations). */
uint64_t iommu_seq(const struct iommu *mmu);
/* What an uncached translation depends on besides the request: false when
 * it cannot be told (the memory has no generation callback); else *gen
 * changes whenever memory is written or software writes a register. */
bool iommu_state_gen(const struct iommu *mmu, uint64_t *gen);
const struct iommu_stats *iommu_stats(const struct iommu *mmu);
const struct iommu_cache_stats *iommu_cache_stats(const struct iommu *mmu, enum iommu_cache_id id);

/* One valid line of a cache, read-only (co-simulation, dumps): the cache's
 * key words and its payload's fields (the fields of other caches are 0).
 *   context cache:  key (sid, 0, 0); entry[0..3] the context entry's qwords
 *   PASID cache:    key (sid, pasid, 0); entry[0..7] the PASID entry's
 *                   qwords, pde_fpd the FPD bit of its directory entry
 *   IOTLB:          key (did | pasid << 16, input address >> the level's
 *                   shift, level); addr the host-physical page base, perm,
 *                   sl_perm, level, cls (enum: 0 second-level, 1 first-level
 *                   or nested), dirty, global
 *   paging-structure caches: key (tag: did, first level | pasid << 16,
 *                   input address >> (12 + 9 (level - 1)), level); addr the
 *                   next table (host-physical), perm, tperm
 *   nested TLB:     key (did, table >> 12, 1); addr the host page, perm */
struct iommu_cache_line {
	uint64_t key[3];
	uint64_t entry[8];
	bool pde_fpd;
	uint64_t addr;
	unsigned perm, sl_perm, tperm, level, cls;
	bool dirty, global;
};
/* The geometry the instance built cache id with. */
const struct iommu_cache_geom *iommu_cache_geometry(const struct iommu *mmu,
						    enum iommu_cache_id id);
/* true and *line filled when (set, way) of cache id holds a valid line. */
bool iommu_cache_line(const struct iommu *mmu, enum iommu_cache_id id, unsigned set, unsigned way,
		      struct iommu_cache_line *line);

void iommu_set_ats(struct iommu *mmu, const struct iommu_ats_ops *ops, void *ctx);
/* Up to IOMMU_MAX_QI_OBSERVERS observers, each identified by its ctx. */
#define IOMMU_MAX_QI_OBSERVERS 4
int iommu_add_qi_observer(struct iommu *mmu, struct iommu_qi_observer obs, void *ctx);
void iommu_remove_qi_observer(struct iommu *mmu, void *ctx);

/* Register file: size 4 or 8, offset naturally aligned. Unknown offsets
 * read as 0 and ignore writes, as reserved registers do. */
uint64_t iommu_reg_read(struct iommu *mmu, uint32_t off, unsigned size);
void iommu_reg_write(struct iommu *mmu, uint32_t off, unsigned size, uint64_t val);

/* Observes software register writes (the co-simulation mirrors them into
 * the RTL's register port): fn is called for every well-formed access
 * iommu_reg_write() takes, before it takes effect. One observer; fn NULL
 * removes it. */
typedef void (*iommu_reg_observer_fn)(void *ctx, uint32_t off, unsigned size, uint64_t val);
void iommu_set_reg_observer(struct iommu *mmu, iommu_reg_observer_fn fn, void *ctx);

/* Process one request. Always fills *resp; returns 0 on a translation,
 * 1 on a fault (recorded in the fault registers unless suppressed), or
 * -IOMMU_EINVAL for a request no bus could carry (PASID over 20 bits, priv or
 * exec without a PASID).
 * - untranslated: translated through the tables and caches;
 * - ATS translation request: 0 with resp->perm the granted permissions
 *   (none when the page is not mapped: no fault is recorded for that), or 1
 *   with resp->unsupported for a configuration fault (recorded), such as a
 *   device whose context entry has DTE = 0 (0x44);
 * - translated: passed with hpa = addr when the context entry has DTE = 1. */
int iommu_translate(struct iommu *mmu, const struct iommu_req *req, struct iommu_resp *resp);

/* Reference walk of an untranslated request over the tables as they are in
 * memory now: no cache is used or filled, nothing is written or recorded,
 * no statistic moves. The oracle compares cached results against it. */
int iommu_probe(struct iommu *mmu, const struct iommu_req *req, struct iommu_resp *resp);

#endif
