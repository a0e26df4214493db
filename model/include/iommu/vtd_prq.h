/*
 * Page requests (PCIe PRI) at a VT-d IOMMU.
 *
 * An endpoint with PRI whose ATS translation completion granted too little
 * sends a page request message: (requester ID, PASID, page address,
 * read/write/execute, privileged, PRG index, last page in group). The IOMMU
 * checks that the device may send page requests (context entry PRE) and
 * writes a page request descriptor into the page request queue in memory
 * at PQT (PQA/PQH/PQT registers), sets PRS.PPR and raises the page request
 * event. Software reads the queue from PQH, services the requests (maps the
 * pages) and answers each group with a page group response descriptor
 * (type 0x9) in the invalidation queue; the IOMMU forwards the response to
 * the endpoint, which retries its translation.
 *
 * When the queue is full, or PRS.PRO is already set, the request is not
 * queued: PRO is set and, for the last request of a group, the IOMMU itself
 * answers the group with Success, so that the endpoint retries and asks
 * again once software has made room. A request the device may not send
 * (PRE = 0, no context entry) is answered with Invalid Request.
 *
 * Invalidation waits with PD (page-request drain) complete only after the
 * page requests received before them are in the page request queue; see
 * docs/model.md ("Page requests") and docs/uarch.md (section 8).
 */
#ifndef IOMMU_VTD_PRQ_H
#define IOMMU_VTD_PRQ_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "iommu/iommu.h"
#include "iommu/vtd_regs.h"

/* A PCIe page request message. A stop marker is lpig with read = write = 0. */
struct iommu_page_req {
	uint16_t sid;     /* requester ID */
	bool pasid_valid; /* PASID prefix present */
	uint32_t pasid;   /* 20 bits */
	uint64_t addr;    /* page address; bits 11:0 are ignored */
	bool read, write; /* access requested */
	bool exec, priv;  /* execute / privileged-mode requested (PASID prefix) */
	uint16_t prgi;    /* page request group index, 9 bits */
	bool lpig;        /* last page in group: the group wants a response */
};

/* --- Page request descriptor (256 bits) as the IOMMU writes it ----------- */
#define VTD_PRD0_TYPE         GENMASK64(7, 0)
#define VTD_PRD0_PP           BIT64(8) /* PASID present */
#define VTD_PRD0_RID          GENMASK64(31, 16)
#define VTD_PRD0_PASID        GENMASK64(51, 32)
#define VTD_PRD0_EXE          BIT64(52)
#define VTD_PRD0_PRIV         BIT64(53)
#define VTD_PRD1_RD           BIT64(0)
#define VTD_PRD1_WR           BIT64(1)
#define VTD_PRD1_LPIG         BIT64(2)
#define VTD_PRD1_PRGI         GENMASK64(11, 3)
#define VTD_PRD1_ADDR         GENMASK64(63, 12)
#define VTD_PRD_TYPE_PAGE_REQ 0x1

void vtd_prd_encode(uint64_t qw[4], const struct iommu_page_req *pr);
/* 0, or -IOMMU_EINVAL when qw is not a page request descriptor. */
int vtd_prd_decode(const uint64_t qw[4], struct iommu_page_req *pr);

/* Page group response codes (descriptor 0x9 [15:12], PCIe PRG response). */
enum vtd_prg_code {
	VTD_PRG_SUCCESS = 0x0, /* pages made present: the endpoint retries */
	VTD_PRG_INVALID = 0x1, /* Invalid Request: the endpoint does not retry */
	VTD_PRG_FAILURE = 0xF, /* Response Failure: the endpoint stops page requests */
};

/* What became of one page request. */
enum iommu_pr_outcome {
	IOMMU_PR_QUEUED = 0,    /* written to the page request queue at PQT */
	IOMMU_PR_RESPONDED = 1, /* not queued; the IOMMU answered the group itself */
	IOMMU_PR_DISCARDED = 2, /* not queued and no response (not last in group, stop marker) */
};

struct iommu_pr_result {
	enum iommu_pr_outcome outcome;
	unsigned code;               /* enum vtd_prg_code, when RESPONDED */
	enum vtd_fault_reason fault; /* VTD_FR_NONE unless the request was refused */
	bool fault_recorded;
};

/* Endpoints that receive page group responses (PCIe PRG response messages),
 * whether software sent them (descriptor 0x9) or the IOMMU did. */
struct iommu_pri_ops {
	void (*response)(void *ctx, uint16_t sid, bool pasid_valid, uint32_t pasid, uint16_t prgi,
			 unsigned code);
};

void iommu_set_pri(struct iommu *mmu, const struct iommu_pri_ops *ops, void *ctx);

/* One page request message arrives. Returns 0 with *res saying what became
 * of it, or -IOMMU_EINVAL for a message no bus could carry (PASID over 20
 * bits, PRG index over 9 bits, priv/exec without a PASID, exec without
 * read). Statistics: page_reqs, prq_queued, prq_overflows,
 * prq_auto_responses, prq_events. */
int iommu_page_request(struct iommu *mmu, const struct iommu_page_req *pr,
		       struct iommu_pr_result *res);

/* Page request groups in flight: queued with LPIG (not stop markers) and
 * not yet answered by a page group response descriptor. */
size_t iommu_prq_in_flight(const struct iommu *mmu);

#endif
