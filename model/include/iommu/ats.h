/*
 * PCIe ATS endpoints: each device with ATS enabled keeps its own device TLB
 * (address translation cache). A DMA that misses sends a translation
 * request to the IOMMU, caches the completion and then issues a translated
 * request; the IOMMU reaches the device TLBs with invalidation requests.
 */
#ifndef IOMMU_ATS_H
#define IOMMU_ATS_H

#include <stdbool.h>
#include <stdint.h>

#include "iommu/cache.h"
#include "iommu/iommu.h"
#include "iommu/vtd_prq.h"

struct ats_dev;

struct ats_dev *ats_dev_create(uint16_t sid, const struct iommu_cache_geom *g, uint64_t seed);
void ats_dev_destroy(struct ats_dev *d);
uint16_t ats_dev_sid(const struct ats_dev *d);
/* An endpoint that stops answering invalidation requests (ITE tests). */
void ats_dev_set_responsive(struct ats_dev *d, bool answers);
const struct iommu_cache_stats *ats_dev_stats(const struct ats_dev *d);

/* One DMA from the endpoint (req->at is ignored). resp->source says whether
 * the device TLB served it. Returns as iommu_translate. */
int ats_dev_dma(struct ats_dev *d, struct iommu *mmu, const struct iommu_req *req,
		struct iommu_resp *resp);

/* The same DMA in steps, for a timed endpoint: the device-TLB lookup; on a
 * miss the translation request and its completion (which fills the device
 * TLB); then the translated request the IOMMU checks. */
struct ats_xlate {
	uint64_t page, size; /* the translation the DMA uses */
	unsigned perm;
	bool global;
	enum iommu_source source; /* IOMMU_SRC_DEVTLB on a hit, else the IOMMU's */
	uint64_t seq;             /* fill sequence (oracle) */
	uint16_t did;
	uint8_t pgtt;
	struct iommu_refs refs; /* the translation request's memory references */
};

/* Device-TLB lookup (counted): true on a hit that allows req. */
bool ats_dev_lookup(struct ats_dev *d, const struct iommu_req *req, struct ats_xlate *x);
/* The translation request a miss sends. */
void ats_dev_tr_req(const struct iommu_req *req, struct iommu_req *tr);
/* The completion resp of that request: 0 when it allows req (the device TLB
 * is filled, *x set), 1 when it does not (resp then holds the fault). */
int ats_dev_complete(struct ats_dev *d, struct iommu *mmu, const struct iommu_req *req,
		     struct iommu_resp *resp, struct ats_xlate *x);
/* The translated request for x, and its response (rc as iommu_translate)
 * completed with x's page size, permissions and identity. */
void ats_dev_translated_req(const struct iommu_req *req, const struct ats_xlate *x,
			    struct iommu_req *t);
void ats_dev_translated_resp(const struct ats_xlate *x, struct iommu_resp *resp, int rc);

/* An invalidation request: entries of pasid (pasid_valid), of every PASID
 * (global), or without PASID, overlapping [addr, addr+size) (size 0: all).
 * Returns whether the endpoint answers; an unresponsive one keeps its TLB. */
bool ats_dev_invalidate(struct ats_dev *d, bool pasid_valid, uint32_t pasid, bool global,
			uint64_t addr, uint64_t size);

/* --- PRI: page requests of an endpoint --------------------------------------
 * With PRI enabled, a DMA whose translation completion grants too little
 * (page not present, or not writable for a write) sends a page request
 * group of one page (LPIG = 1) with a PRG index the endpoint allocates, and
 * waits for the page group response: Success → the next DMA to that page
 * retries the translation; Invalid Request → that DMA fails without
 * retrying; Response Failure → the endpoint stops using PRI. */
enum ats_prg_state {
	ATS_PRG_FREE = 0,
	ATS_PRG_PENDING = 1, /* page request sent, no response yet */
	ATS_PRG_SUCCESS = 2, /* answered Success: retry */
	ATS_PRG_INVALID = 3, /* answered Invalid Request */
	ATS_PRG_FAILURE = 4, /* answered Response Failure */
};
#define ATS_PRG_COUNT 512 /* 9-bit PRG index */

struct ats_pri_stats {
	uint64_t page_reqs; /* page request messages sent */
	uint64_t responses; /* page group responses received */
	uint64_t success, invalid, failure;
	uint64_t unexpected; /* responses for a PRG index not outstanding */
	uint64_t retries;    /* DMAs retried after Success */
};

/* ats_dev_dma_pri(): the DMA is waiting for a page group response. */
#define ATS_DMA_PAGE_REQ 2

void ats_dev_set_pri(struct ats_dev *d, bool enabled);
/* PRI enabled and not stopped by a Response Failure. */
bool ats_dev_pri_enabled(const struct ats_dev *d);
const struct ats_pri_stats *ats_dev_pri_stats(const struct ats_dev *d);
enum ats_prg_state ats_dev_prg_state(const struct ats_dev *d, uint16_t prgi);

/* One DMA with PRI: as ats_dev_dma(), except that when the completion
 * grants too little and PRI is enabled, a page request is sent and the call
 * returns ATS_DMA_PAGE_REQ with *prgi (resp describes the failed
 * translation; *pr_res what the IOMMU did with the request, may be NULL).
 * While that group waits, the same DMA returns ATS_DMA_PAGE_REQ again
 * without a new request; after Success it retries the translation; after
 * Invalid Request it fails (1) once without asking again. Returns
 * -IOMMU_EBUSY when all 512 PRG indexes are outstanding. */
int ats_dev_dma_pri(struct ats_dev *d, struct iommu *mmu, const struct iommu_req *req,
		    struct iommu_resp *resp, uint16_t *prgi, struct iommu_pr_result *pr_res);

/* A page group response reaches the endpoint (the bus routes the IOMMU's
 * responses here). */
void ats_dev_prg_response(struct ats_dev *d, uint16_t prgi, unsigned code);

/* The endpoints behind one IOMMU, by source ID. */
struct ats_bus;

struct ats_bus *ats_bus_create(void);
void ats_bus_destroy(struct ats_bus *bus); /* and its devices */
int ats_bus_add(struct ats_bus *bus, struct ats_dev *d);
struct ats_dev *ats_bus_find(const struct ats_bus *bus, uint16_t sid);
/* Route mmu's device-TLB invalidations and page group responses to the
 * bus's endpoints. */
void ats_bus_connect(struct ats_bus *bus, struct iommu *mmu);
/* Sees each device-TLB invalidation request the bus routes: its source ID
 * and whether an answer comes (false: the endpoint never answers). */
typedef void (*ats_inv_observer)(void *ctx, uint16_t sid, bool answered);
void ats_bus_observe(struct ats_bus *bus, ats_inv_observer fn, void *ctx);

/* Translation completion data entry (8 bytes): R 0, W 1, U 2, Exe 3, Priv 4,
 * Global 5, S 11, address [63:12]; with S = 1 the lowest 0 address bit
 * at or above 12 gives the size, as in invalidation requests. */
uint64_t ats_cpl_encode(uint64_t page, uint64_t size, unsigned perm, bool global);
void ats_cpl_decode(uint64_t e, uint64_t *page, uint64_t *size, unsigned *perm, bool *global);

#endif
