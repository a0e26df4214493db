/*
 * Page requests (PCIe PRI): the page request queue in memory (PQA, PQH,
 * PQT), its status and event registers (PRS, PECTL), the page request
 * descriptor the IOMMU writes, page group responses (descriptor 0x9) and
 * the page-request drain of invalidation waits (PD).
 *
 * Steps of a page request, first failing one wins:
 *   1. ECAP.PRS = 0, translation disabled, or a root table that is not
 *      scalable mode: Invalid Request, nothing recorded;
 *   2. root and context entry fetch (through the context cache): a fault is
 *      recorded (unless FPD) and the group answered with Invalid Request;
 *   3. context entry PRE = 0: fault 0x47, Invalid Request;
 *   4. PRS.PRO already set, or the queue full: not queued, PRO set; the
 *      last request of a group is answered with Success by the IOMMU;
 *   5. the descriptor written at PQT (a write error: Response Failure),
 *      PQT advanced, PRS.PPR set, the page request event raised.
 * Only requests with LPIG that are not stop markers get a response.
 */
#include <stdlib.h>
#include <string.h>

#include "iommu/vtd_qi.h"
#include "vtd.h"

void vtd_prd_encode(uint64_t qw[4], const struct iommu_page_req *pr)
{
	qw[0] = FIELD_PREP64(VTD_PRD0_TYPE, VTD_PRD_TYPE_PAGE_REQ) |
		FIELD_PREP64(VTD_PRD0_RID, pr->sid);
	if (pr->pasid_valid) {
		qw[0] |= VTD_PRD0_PP | FIELD_PREP64(VTD_PRD0_PASID, pr->pasid);
		qw[0] |= (pr->exec ? VTD_PRD0_EXE : 0) | (pr->priv ? VTD_PRD0_PRIV : 0);
	}
	qw[1] = (pr->read ? VTD_PRD1_RD : 0) | (pr->write ? VTD_PRD1_WR : 0) |
		(pr->lpig ? VTD_PRD1_LPIG : 0) | FIELD_PREP64(VTD_PRD1_PRGI, pr->prgi) |
		(pr->addr & VTD_PRD1_ADDR);
	qw[2] = 0; /* no private data */
	qw[3] = 0;
}

int vtd_prd_decode(const uint64_t qw[4], struct iommu_page_req *pr)
{
	if (FIELD_GET64(VTD_PRD0_TYPE, qw[0]) != VTD_PRD_TYPE_PAGE_REQ)
		return -IOMMU_EINVAL;
	*pr = (struct iommu_page_req){
		.sid = (uint16_t)FIELD_GET64(VTD_PRD0_RID, qw[0]),
		.pasid_valid = qw[0] & VTD_PRD0_PP,
		.pasid = (uint32_t)FIELD_GET64(VTD_PRD0_PASID, qw[0]),
		.exec = qw[0] & VTD_PRD0_EXE,
		.priv = qw[0] & VTD_PRD0_PRIV,
		.read = qw[1] & VTD_PRD1_RD,
		.write = qw[1] & VTD_PRD1_WR,
		.lpig = qw[1] & VTD_PRD1_LPIG,
		.prgi = (uint16_t)FIELD_GET64(VTD_PRD1_PRGI, qw[1]),
		.addr = qw[1] & VTD_PRD1_ADDR,
	};
	return 0;
}

void iommu_set_pri(struct iommu *mmu, const struct iommu_pri_ops *ops, void *ctx)
{
	mmu->pri = ops;
	mmu->pri_ctx = ctx;
}

size_t iommu_prq_in_flight(const struct iommu *mmu)
{
	return mmu->nprgs;
}

/* --- Registers ------------------------------------------------------------ */

void vtd_prq_reset(struct iommu *mmu)
{
	/* SPEC(VT-d PECTL): IM is 1 after reset; without ECAP.PRS the page
	 * request registers are reserved (read 0). */
	vtd_reg_set32(mmu, VTD_REG_PECTL, mmu->cfg.page_req ? (uint32_t)VTD_PECTL_IM : 0);
	mmu->nprgs = 0;
}

void vtd_prq_fini(struct iommu *mmu)
{
	free(mmu->prgs);
	mmu->prgs = NULL;
	mmu->nprgs = mmu->cprgs = 0;
}

/* The interrupt message itself is not modelled: sending one is counted. */
static void prq_send_event(struct iommu *mmu)
{
	mmu->stats.prq_events++;
}

/* SPEC(VT-d PECTL): an event is raised when PPR or PRO rises while both
 * were clear; IP stays set while IM holds the message back. */
static void prq_event(struct iommu *mmu, uint32_t old_prs)
{
	uint32_t pectl = vtd_reg_get32(mmu, VTD_REG_PECTL);

	if (old_prs & (uint32_t)(VTD_PRS_PPR | VTD_PRS_PRO))
		return;
	if (pectl & VTD_PECTL_IM) {
		vtd_reg_set32(mmu, VTD_REG_PECTL, pectl | (uint32_t)VTD_PECTL_IP);
		return;
	}
	prq_send_event(mmu);
}

bool vtd_prq_reg_write32(struct iommu *mmu, uint32_t off, uint32_t val)
{
	uint32_t prs, pectl;

	if (off < VTD_REG_PQH || off >= VTD_REG_PEUADDR + 4)
		return false;
	/* SPEC(VT-d PRQ registers): RsvdZ when ECAP.PRS = 0. */
	if (!mmu->cfg.page_req)
		return true;
	switch (off) {
	case VTD_REG_PQH:
	case VTD_REG_PQT: vtd_reg_set32(mmu, off, val & (uint32_t)VTD_PQ_QH); break;
	case VTD_REG_PQA:
		vtd_reg_set32(mmu, off, val & (uint32_t)(VTD_PQA_PQA | VTD_PQA_PQS));
		break;
	case VTD_REG_PQA + 4:
	case VTD_REG_PEDATA:
	case VTD_REG_PEUADDR: vtd_reg_set32(mmu, off, val); break;
	case VTD_REG_PEADDR: vtd_reg_set32(mmu, off, val & ~3u); break;
	case VTD_REG_PRS:
		/* SPEC(VT-d PRS): PPR and PRO are RW1C; with both clear the
		 * pending event is dropped. */
		prs = vtd_reg_get32(mmu, off) & ~(val & (uint32_t)(VTD_PRS_PPR | VTD_PRS_PRO));
		vtd_reg_set32(mmu, off, prs);
		if (!(prs & (VTD_PRS_PPR | VTD_PRS_PRO)))
			vtd_reg_set32(mmu, VTD_REG_PECTL,
				      vtd_reg_get32(mmu, VTD_REG_PECTL) & ~(uint32_t)VTD_PECTL_IP);
		break;
	case VTD_REG_PECTL:
		/* SPEC(VT-d PECTL): IM is RW, IP RO; clearing IM with IP set
		 * sends the held message and clears IP. */
		pectl = (vtd_reg_get32(mmu, off) & ~(uint32_t)VTD_PECTL_IM) |
			(val & (uint32_t)VTD_PECTL_IM);
		if ((pectl & VTD_PECTL_IP) && !(pectl & VTD_PECTL_IM)) {
			pectl &= ~(uint32_t)VTD_PECTL_IP;
			prq_send_event(mmu);
		}
		vtd_reg_set32(mmu, off, pectl);
		break;
	default: break; /* upper halves of PQH/PQT, reserved offsets */
	}
	return true;
}

/* --- Page requests -------------------------------------------------------- */

bool iommu_prq_malformed(const struct iommu_page_req *pr)
{
	if (pr->prgi > 0x1FF || (pr->pasid_valid && pr->pasid > 0xFFFFF))
		return true;
	if (!pr->pasid_valid && (pr->priv || pr->exec))
		return true; /* they travel in the PASID prefix */
	return pr->exec && !pr->read;
}

static void prq_respond(struct iommu *mmu, const struct iommu_page_req *pr, unsigned code)
{
	if (mmu->pri && mmu->pri->response)
		mmu->pri->response(mmu->pri_ctx, pr->sid, pr->pasid_valid, pr->pasid, pr->prgi,
				   code);
}

/* A request not queued: the IOMMU answers its group (LPIG, not a stop
 * marker) with code; other requests are dropped without a response. */
static void prq_refuse(struct iommu *mmu, const struct iommu_page_req *pr, unsigned code,
		       struct iommu_pr_result *res)
{
	res->outcome = IOMMU_PR_DISCARDED;
	if (!iommu_prq_answers(pr))
		return;
	res->outcome = IOMMU_PR_RESPONDED;
	res->code = code;
	mmu->stats.prq_auto_responses++;
	prq_respond(mmu, pr, code);
}

static int prg_track(struct iommu *mmu, const struct iommu_page_req *pr)
{
	struct vtd_prg *g;

	if (mmu->nprgs == mmu->cprgs) {
		size_t n = mmu->cprgs ? 2 * mmu->cprgs : 64;
		struct vtd_prg *p = realloc(mmu->prgs, n * sizeof(*p));

		if (!p)
			return -IOMMU_ENOMEM;
		mmu->prgs = p;
		mmu->cprgs = n;
	}
	g = &mmu->prgs[mmu->nprgs++];
	*g = (struct vtd_prg){
		.sid = pr->sid,
		.pasid_valid = pr->pasid_valid,
		.pasid = pr->pasid_valid ? pr->pasid : 0,
		.prgi = pr->prgi,
		.seq = mmu->seq,
	};
	return 0;
}

/* Checks the device may send page requests: 0, or the fault reason. The
 * root and context entries come from memory: the page request unit has no
 * port into the context cache (docs/uarch.md section 8.1). */
static unsigned prq_check_device(struct iommu *mmu, const struct iommu_page_req *pr, bool *fpd,
				 unsigned *reads)
{
	struct iommu_refs refs = {0};
	struct vtd_walk_state st = {.fpd = false, .no_cache = true, .refs = &refs};
	struct vtd_context_entry ce;
	unsigned fault;

	fault = vtd_context_fetch(mmu, pr->sid, &ce, &st);
	iommu_refs_add(&mmu->stats.refs, &refs);
	*fpd = st.fpd;
	/* a read that failed was still made */
	*reads = refs.root + refs.context +
		 (fault == VTD_FR_ROOT_ACCESS || fault == VTD_FR_CTX_ACCESS);
	if (fault)
		return fault;
	/* SPEC(VT-d context entry): page request with PRE = 0 → 0x47 */
	if (!(ce.qw[0] & VTD_CE0_PRE))
		return VTD_FR_CTX_PRE_CLEAR;
	return 0;
}

bool iommu_prq_answers(const struct iommu_page_req *pr)
{
	return pr->lpig && (pr->read || pr->write);
}

int iommu_prq_check(struct iommu *mmu, const struct iommu_page_req *pr, struct iommu_prq_op *op)
{
	memset(op, 0, sizeof(*op));
	if (iommu_prq_malformed(pr))
		return -IOMMU_EINVAL;
	op->pr = *pr;
	mmu->stats.page_reqs++;
	mmu->seq++;
	/* 1. SPEC(VT-d ECAP.PRS): no page request support, translation off or
	 *    not scalable mode → Invalid Request (a choice: nothing to record). */
	if (!mmu->cfg.page_req || !(vtd_reg_get32(mmu, VTD_REG_GSTS) & VTD_GSTS_TES) ||
	    FIELD_GET64(VTD_RTADDR_TTM, mmu->root_active) != VTD_TTM_SCALABLE) {
		op->invalid = true;
		return 0;
	}
	/* 2, 3. The device and its context entry. */
	op->fault = prq_check_device(mmu, pr, &op->fpd, &op->reads);
	return 0;
}

void iommu_prq_decide(struct iommu *mmu, struct iommu_prq_op *op, struct iommu_pr_result *res)
{
	const struct iommu_page_req *pr = &op->pr;
	uint64_t pqa, qbytes, head, tail;
	uint32_t prs;

	memset(res, 0, sizeof(*res));
	op->write = false;
	if (op->invalid) {
		prq_refuse(mmu, pr, VTD_PRG_INVALID, res);
		return;
	}
	if (op->fault) {
		struct vtd_fault_info fi = {
			.sid = pr->sid,
			.pasid_present = pr->pasid_valid,
			.pasid = pr->pasid,
			.addr = pr->addr,
			.is_read = !pr->write,
			.priv = pr->priv,
			.exec = pr->exec,
			.page_req = true,
			.reason = op->fault,
		};

		res->fault = (enum vtd_fault_reason)op->fault;
		res->fault_recorded = vtd_fault_record(mmu, &fi, op->fpd);
		mmu->stats.faults++;
		mmu->stats.faults_by_reason[op->fault & 0xFF]++;
		prq_refuse(mmu, pr, VTD_PRG_INVALID, res);
		return;
	}

	/* 4. SPEC(VT-d PRQ): PRO set, or the queue full (PQT + 1 == PQH) →
	 *    not queued, PRO set, the group answered with Success. */
	pqa = vtd_reg_get64(mmu, VTD_REG_PQA);
	qbytes = IOMMU_PAGE_SIZE << FIELD_GET64(VTD_PQA_PQS, pqa);
	head = (vtd_reg_get64(mmu, VTD_REG_PQH) & VTD_PQ_QH) % qbytes;
	tail = (vtd_reg_get64(mmu, VTD_REG_PQT) & VTD_PQ_QH) % qbytes;
	prs = vtd_reg_get32(mmu, VTD_REG_PRS);
	if ((prs & VTD_PRS_PRO) || (tail + VTD_PRQ_DESC_SIZE) % qbytes == head) {
		mmu->stats.prq_overflows++;
		if (!(prs & VTD_PRS_PRO)) {
			vtd_reg_set32(mmu, VTD_REG_PRS, prs | (uint32_t)VTD_PRS_PRO);
			prq_event(mmu, prs);
		}
		prq_refuse(mmu, pr, VTD_PRG_SUCCESS, res);
		return;
	}

	/* 5. The descriptor at PQT (written, then iommu_prq_written). */
	vtd_prd_encode(op->qw, pr);
	op->write = true;
	op->addr = (pqa & VTD_PQA_PQA) + tail;
	op->tail = (tail + VTD_PRQ_DESC_SIZE) % qbytes;
}

void iommu_prq_written(struct iommu *mmu, const struct iommu_prq_op *op, bool err,
		       struct iommu_pr_result *res)
{
	const struct iommu_page_req *pr = &op->pr;
	uint32_t prs;

	memset(res, 0, sizeof(*res));
	/* A write error answers Response Failure (a choice: the request is
	 * lost, nothing else to report it by). */
	if (err || (iommu_prq_answers(pr) && prg_track(mmu, pr))) {
		prq_refuse(mmu, pr, VTD_PRG_FAILURE, res);
		return;
	}
	vtd_reg_set64(mmu, VTD_REG_PQT, op->tail);
	mmu->stats.prq_queued++;
	res->outcome = IOMMU_PR_QUEUED;
	/* SPEC(VT-d PRS): PPR set when a request is queued; event if it rose. */
	prs = vtd_reg_get32(mmu, VTD_REG_PRS);
	if (!(prs & VTD_PRS_PPR)) {
		vtd_reg_set32(mmu, VTD_REG_PRS, prs | (uint32_t)VTD_PRS_PPR);
		prq_event(mmu, prs);
	}
}

int iommu_page_request(struct iommu *mmu, const struct iommu_page_req *pr,
		       struct iommu_pr_result *res)
{
	struct iommu_prq_op op;
	uint8_t b[VTD_PRQ_DESC_SIZE];
	bool err;

	memset(res, 0, sizeof(*res));
	if (iommu_prq_check(mmu, pr, &op))
		return -IOMMU_EINVAL;
	iommu_prq_decide(mmu, &op, res);
	if (!op.write)
		return 0;
	for (unsigned i = 0; i < sizeof(b); i++)
		b[i] = (uint8_t)(op.qw[i / 8] >> (8 * (i % 8)));
	err = mmu->mem.ops->write(mmu->mem.ctx, op.addr, b, sizeof(b)) != 0;
	iommu_prq_written(mmu, &op, err, res);
	return 0;
}

/* --- Responses and drains ------------------------------------------------- */

void vtd_prq_response(struct iommu *mmu, const uint64_t qw[4])
{
	uint16_t sid = (uint16_t)FIELD_GET64(GENMASK64(31, 16), qw[0]);
	bool pv = qw[0] & BIT64(4);
	uint32_t pasid = pv ? (uint32_t)FIELD_GET64(GENMASK64(51, 32), qw[0]) : 0;
	uint16_t prgi = (uint16_t)FIELD_GET64(GENMASK64(11, 3), qw[1]);
	unsigned code = (unsigned)FIELD_GET64(GENMASK64(15, 12), qw[0]);

	mmu->stats.prq_responses++;
	/* The group is answered. A response for a group the IOMMU never
	 * queued is still forwarded (software may answer a group whose requests
	 * it learned of otherwise). */
	for (size_t i = 0; i < mmu->nprgs; i++) {
		struct vtd_prg *g = &mmu->prgs[i];

		if (g->sid == sid && g->pasid_valid == pv && g->pasid == pasid && g->prgi == prgi) {
			memmove(g, g + 1, (mmu->nprgs - i - 1) * sizeof(*g));
			mmu->nprgs--;
			break;
		}
	}
	if (mmu->pri && mmu->pri->response)
		mmu->pri->response(mmu->pri_ctx, sid, pv, pasid, prgi, code);
}

void vtd_prq_wait(struct iommu *mmu, const uint64_t qw[4])
{
	/* SPEC(VT-d inv wait PD, 7.10): the wait completes only after the page
	 * requests the IOMMU received before it are in the page request queue
	 * (or answered by the IOMMU itself). Here a page request is handled
	 * whole when it arrives, so there is nothing left to drain; the timing
	 * engine holds the wait for the request its page request unit is
	 * still working on (docs/uarch.md section 8). */
	if (qw[0] & (uint64_t)VTD_WAIT_PD)
		mmu->stats.prq_drain_waits++;
}
