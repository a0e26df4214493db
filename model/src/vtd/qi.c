/*
 * Queued invalidation: the queue in memory at IQA, consumed from IQH to
 * IQT, 128- or 256-bit descriptors (IQA.DW). Each descriptor is decoded and
 * checked (type, reserved fields, granularity) and executed; a bad one stops
 * the queue with FSTS.IQE and IQER.IQEI, IQH left on it, until software
 * clears IQE. A device-TLB invalidation the endpoint never answers sets
 * FSTS.ITE with IQER.ITESID; the waits behind it are aborted (IQH moves to
 * IQT without executing them) and fetching stops until ITE is cleared.
 * Page group responses (0x9) and the page-request drain of waits (PD) are
 * handed to src/vtd/prq.c. With a timing engine attached (mmu->qi_engine)
 * the IQT write only moves the tail: the engine executes one descriptor at a
 * time (iommu_qi_exec_head) and completes waits itself (iommu_qi_wait_done).
 */
#include "iommu/vtd_qi.h"
#include "vtd.h"

/* Descriptor fields (QW0 unless noted). */
#define QI_TYPE_LO    GENMASK64(3, 0)
#define QI_TYPE_HI    GENMASK64(11, 9)
#define QI_G          GENMASK64(5, 4)
#define QI_DID        GENMASK64(31, 16)
#define QI_CC_SID     GENMASK64(47, 32)
#define QI_CC_FM      GENMASK64(49, 48)
#define QI_PASID      GENMASK64(51, 32)
#define QI_DEV_SID    GENMASK64(47, 32) /* device-TLB (0x3) */
#define QI_PDEV_SID   GENMASK64(31, 16) /* PASID device-TLB (0x8) */
#define QI_WAIT_IF    BIT64(4)
#define QI_WAIT_SW    BIT64(5)
#define QI_WAIT_FN    BIT64(6)
#define QI_WAIT_PD    BIT64(7)
#define QI_WAIT_DATA  GENMASK64(63, 32)
#define QI1_AM        GENMASK64(5, 0)
#define QI1_IH        BIT64(6)
#define QI1_ADDR      GENMASK64(63, 12)
#define QI1_DEV_S     BIT64(0)
#define QI1_PDEV_G    BIT64(0)
#define QI1_PDEV_S    BIT64(11)
#define QI1_WAIT_ADDR GENMASK64(63, 2)

/* Reserved bits per type: {QW0, QW1}; QW2/QW3 are reserved for all. */
static const uint64_t qi_rsvd[10][2] = {
	[VTD_DESC_CC] = {0xFFFC00000000F1C0ull, ~0ull},
	[VTD_DESC_IOTLB] = {0xFFFFFFFF0000F100ull, 0xF80ull},
	[VTD_DESC_DEVTLB] = {0x000F0000FFE001F0ull, 0xFFEull},
	[VTD_DESC_WAIT] = {0xFFFFF100ull, 0x3ull},
	[VTD_DESC_PIOTLB] = {0xFFF000000000F1C0ull, 0xF80ull},
	[VTD_DESC_PC] = {0xFFF000000000F1C0ull, ~0ull},
	[VTD_DESC_PDEVTLB] = {0, 0x7FEull},
	/* Page group response: QW0 [8:5] (private data present included) and
	 * [63:52]; QW1 [1:0] and [63:12]. */
	[VTD_DESC_PGRP_RESP] = {0xFFF00000000001E0ull, 0xFFFFFFFFFFFFF003ull},
};

/* SPEC(VT-d device-TLB inv): S = 0 → one 4 KiB page; S = 1 → the lowest 0
 * address bit at position p >= 12 gives 2^(p+1) bytes. No 0 bit: everything
 * (size 0). */
static void qi_devtlb_range(uint64_t addr, bool s, uint64_t *base, uint64_t *size)
{
	uint64_t a = addr | 0xFFFull;

	*base = addr & ~0xFFFull;
	*size = IOMMU_PAGE_SIZE;
	if (!s)
		return;
	if ((a & ~(1ull << 63)) == (~0ull >> 1)) {
		*base = 0;
		*size = 0; /* the whole address space */
		return;
	}
	*size = 1ull << (__builtin_ctzll(~a) + 1);
	*base = addr & ~(*size - 1);
}

/* Sends one ATS invalidation; false when the endpoint never answers. */
static bool qi_devtlb(struct iommu *mmu, uint16_t sid, bool pv, uint32_t pasid, bool global,
		      uint64_t addr, bool s)
{
	uint64_t base, size;

	qi_devtlb_range(addr, s, &base, &size);
	mmu->stats.devtlb_invs++;
	if (!mmu->ats)
		return true; /* no endpoint behind this IOMMU caches anything */
	return mmu->ats->invalidate(mmu->ats_ctx, sid, pv, pasid, global, base, size);
}

void vtd_qi_wait_complete(struct iommu *mmu, const uint64_t qw[4])
{
	/* SPEC(VT-d inv wait): SW → write status data to the status address. */
	if (qw[0] & QI_WAIT_SW) {
		uint32_t data = (uint32_t)FIELD_GET64(QI_WAIT_DATA, qw[0]);
		uint8_t b[4] = {(uint8_t)data, (uint8_t)(data >> 8), (uint8_t)(data >> 16),
				(uint8_t)(data >> 24)};

		(void)mmu->mem.ops->write(mmu->mem.ctx, qw[1] & QI1_WAIT_ADDR, b, sizeof(b));
	}
	/* SPEC(VT-d inv wait): IF → ICS.IWC, and IECTL.IP for the event. */
	if (qw[0] & QI_WAIT_IF) {
		vtd_reg_set32(mmu, VTD_REG_ICS,
			      vtd_reg_get32(mmu, VTD_REG_ICS) | (uint32_t)VTD_ICS_IWC);
		vtd_reg_set32(mmu, VTD_REG_IECTL,
			      vtd_reg_get32(mmu, VTD_REG_IECTL) | (uint32_t)VTD_IECTL_IP);
	}
	mmu->stats.qi_waits++;
	for (unsigned i = 0; i < mmu->nqi_obs; i++)
		if (mmu->qi_obs[i].wait)
			mmu->qi_obs[i].wait(mmu->qi_obs_ctx[i], qw);
}

/* Invalidation wait. FN (fence) and PD (page-request drain, src/vtd/prq.c)
 * order work in time; this functional queue executes in order. With a
 * timing engine (*complete_later non-NULL) the wait is left to the engine,
 * which completes it when its conditions hold (its status write granted). */
static void qi_wait(struct iommu *mmu, const uint64_t *qw, bool *complete_later)
{
	vtd_prq_wait(mmu, qw);
	if (complete_later)
		*complete_later = true;
	else
		vtd_qi_wait_complete(mmu, qw);
}

enum qi_result {
	QI_OK = 0,
	QI_TIMEOUT = -1, /* ITE */
			 /* > 0: IQE with that IQEI */
};

static unsigned qi_type(uint64_t qw0)
{
	return (unsigned)(FIELD_GET64(QI_TYPE_LO, qw0) | FIELD_GET64(QI_TYPE_HI, qw0) << 4);
}

static int qi_exec(struct iommu *mmu, const uint64_t *qw, bool wide, uint16_t *ite_sid,
		   bool *wait_later)
{
	unsigned type = qi_type(qw[0]);
	unsigned g = (unsigned)FIELD_GET64(QI_G, qw[0]);
	uint16_t did = (uint16_t)FIELD_GET64(QI_DID, qw[0]);
	uint32_t pasid = (uint32_t)FIELD_GET64(QI_PASID, qw[0]);

	/* SPEC(VT-d QI): unknown or unsupported type → IQE, IQEI 3; page group
	 * responses only with ECAP.PRS */
	if (type > VTD_DESC_PGRP_RESP || type == 0 || type == VTD_DESC_IEC ||
	    (type == VTD_DESC_PGRP_RESP && !mmu->cfg.page_req))
		return VTD_IQEI_TYPE;
	/* SPEC(VT-d QI): PASID-granular types and page group responses need
	 * 256-bit descriptors → IQEI 5 */
	if (!wide && (type == VTD_DESC_PIOTLB || type == VTD_DESC_PC || type == VTD_DESC_PDEVTLB ||
		      type == VTD_DESC_PGRP_RESP))
		return VTD_IQEI_WIDTH;
	/* SPEC(VT-d QI): reserved fields set → IQE, IQEI 4 */
	if ((qw[0] & qi_rsvd[type][0]) || (qw[1] & qi_rsvd[type][1]) || (wide && (qw[2] || qw[3])))
		return VTD_IQEI_RSVD;

	/* Each descriptor is one event: its sequence number orders it against
	 * cache fills and the waits that follow it. */
	mmu->seq++;
	switch ((enum vtd_desc_type)type) {
	case VTD_DESC_CC:
		if (g == 0) /* SPEC(VT-d cc inv): granularity 0 reserved */
			return VTD_IQEI_RSVD;
		vtd_inv_context(mmu, g, (uint16_t)FIELD_GET64(QI_CC_SID, qw[0]),
				(unsigned)FIELD_GET64(QI_CC_FM, qw[0]));
		break;
	case VTD_DESC_IOTLB:
		if (g == 0)
			return VTD_IQEI_RSVD;
		vtd_inv_iotlb(mmu, g, did, qw[1] & QI1_ADDR, (unsigned)FIELD_GET64(QI1_AM, qw[1]),
			      qw[1] & QI1_IH);
		break;
	case VTD_DESC_PIOTLB:
		if (g != VTD_PIOTLB_PASID && g != VTD_PIOTLB_PAGE)
			return VTD_IQEI_RSVD;
		vtd_inv_piotlb(mmu, g, did, pasid, qw[1] & QI1_ADDR,
			       (unsigned)FIELD_GET64(QI1_AM, qw[1]), qw[1] & QI1_IH);
		break;
	case VTD_DESC_PC:
		if (g == 2)
			return VTD_IQEI_RSVD;
		vtd_inv_pasid_cache(mmu, g, did, pasid);
		break;
	case VTD_DESC_DEVTLB:
		*ite_sid = (uint16_t)FIELD_GET64(QI_DEV_SID, qw[0]);
		if (!qi_devtlb(mmu, *ite_sid, false, 0, false, qw[1] & QI1_ADDR, qw[1] & QI1_DEV_S))
			return QI_TIMEOUT;
		break;
	case VTD_DESC_PDEVTLB:
		*ite_sid = (uint16_t)FIELD_GET64(QI_PDEV_SID, qw[0]);
		if (!qi_devtlb(mmu, *ite_sid, true, pasid, qw[1] & QI1_PDEV_G, qw[1] & QI1_ADDR,
			       qw[1] & QI1_PDEV_S))
			return QI_TIMEOUT;
		break;
	case VTD_DESC_WAIT: qi_wait(mmu, qw, wait_later); break;
	case VTD_DESC_PGRP_RESP: vtd_prq_response(mmu, qw); break;
	case VTD_DESC_IEC: break;
	}
	mmu->stats.qi_descriptors++;
	mmu->stats.qi_by_type[type]++;
	for (unsigned i = 0; type != VTD_DESC_WAIT && i < mmu->nqi_obs; i++)
		if (mmu->qi_obs[i].desc)
			mmu->qi_obs[i].desc(mmu->qi_obs_ctx[i], qw);
	return QI_OK;
}

/* FSTS.IQE or FSTS.ITE is set: the queue stops; the observers see it. */
static void qi_stop(struct iommu *mmu, uint32_t fsts)
{
	vtd_reg_set32(mmu, VTD_REG_FSTS, vtd_reg_get32(mmu, VTD_REG_FSTS) | fsts);
	for (unsigned i = 0; i < mmu->nqi_obs; i++)
		if (mmu->qi_obs[i].error)
			mmu->qi_obs[i].error(mmu->qi_obs_ctx[i], fsts);
}

static void qi_stop_iqe(struct iommu *mmu, unsigned iqei)
{
	uint64_t iqer = vtd_reg_get64(mmu, VTD_REG_IQER) & ~VTD_IQER_IQEI;

	vtd_reg_set64(mmu, VTD_REG_IQER, iqer | FIELD_PREP64(VTD_IQER_IQEI, iqei));
	mmu->stats.qi_errors++;
	qi_stop(mmu, (uint32_t)VTD_FSTS_IQE);
}

enum { QI_STOP_IQE = 1, QI_STOP_ITE = 2 };

/* The queue's geometry: base, descriptor size, size in bytes. */
struct qi_geom {
	uint64_t base, dsz, qbytes;
	bool wide;
};

static struct qi_geom qi_geom(const struct iommu *mmu)
{
	uint64_t iqa = vtd_reg_get64(mmu, VTD_REG_IQA);
	struct qi_geom g = {.base = iqa & VTD_IQA_IQA, .wide = iqa & VTD_IQA_DW};

	g.dsz = g.wide ? 32 : 16;
	g.qbytes = IOMMU_PAGE_SIZE << FIELD_GET64(VTD_IQA_QS, iqa);
	return g;
}

/* SPEC(VT-d IQH): with 256-bit descriptors the head index is IQH [18:5];
 * bit 4, left over when IQA.DW was set while the queue was enabled, is not
 * part of it (else head would step past tail forever). */
static uint64_t qi_head(const struct iommu *mmu, const struct qi_geom *g)
{
	uint64_t head = vtd_reg_get64(mmu, VTD_REG_IQH) & VTD_IQ_QH;

	return g->wide ? head & ~0x10ull : head;
}

/* ITE for a device-TLB invalidation to sid: what is queued behind it,
 * waits included, is aborted (*head = tail). */
static void qi_stop_ite(struct iommu *mmu, const struct qi_geom *g, uint64_t *head, uint64_t tail,
			uint16_t sid)
{
	uint64_t iqer = vtd_reg_get64(mmu, VTD_REG_IQER) & ~VTD_IQER_ITESID;

	vtd_reg_set64(mmu, VTD_REG_IQER, iqer | FIELD_PREP64(VTD_IQER_ITESID, sid));
	mmu->stats.devtlb_timeouts++;
	for (; *head != tail; *head = (*head + g->dsz) % g->qbytes)
		mmu->stats.qi_aborted++;
	qi_stop(mmu, (uint32_t)VTD_FSTS_ITE);
}

/* Fetches and executes the descriptor at *head and moves *head past it;
 * stops the queue (IQE, IQH left on the descriptor; or ITE, the rest
 * aborted: *head = tail). Returns 0, QI_STOP_IQE or QI_STOP_ITE. With a
 * timing engine (silent non-NULL) a device-TLB invalidation without answer
 * only sets *silent: the engine raises ITE when its time is up. */
static int qi_one(struct iommu *mmu, const struct qi_geom *g, uint64_t *head, uint64_t tail,
		  uint64_t qw[4], bool *wait_later, bool *silent, uint16_t *ite_sid)
{
	uint16_t sid = 0;
	int rc;

	if (iommu_mem_read_qw(&mmu->mem, g->base + *head, qw, g->wide ? 4 : 2))
		rc = VTD_IQEI_FETCH;
	else
		rc = qi_exec(mmu, qw, g->wide, &sid, wait_later);
	if (rc > 0) {
		qi_stop_iqe(mmu, (unsigned)rc); /* IQH stays on the bad descriptor */
		return QI_STOP_IQE;
	}
	*head = (*head + g->dsz) % g->qbytes;
	if (rc == QI_TIMEOUT && silent) {
		*silent = true;
		*ite_sid = sid;
	} else if (rc == QI_TIMEOUT) {
		qi_stop_ite(mmu, g, head, tail, sid);
		return QI_STOP_ITE;
	}
	return 0;
}

/* Whether the hardware may fetch: queue enabled, no IQE/ITE pending. */
static bool qi_may_fetch(const struct iommu *mmu)
{
	return (vtd_reg_get32(mmu, VTD_REG_GSTS) & VTD_GSTS_QIES) &&
	       !(vtd_reg_get32(mmu, VTD_REG_FSTS) & (VTD_FSTS_IQE | VTD_FSTS_ITE));
}

/* IQH and IQT lie in the queue and IQT is aligned: the engine runs to it. */
static bool qi_span_ok(const struct qi_geom *g, uint64_t head, uint64_t tail)
{
	return tail < g->qbytes && !(g->wide && (tail & 0x10)) && head < g->qbytes;
}

unsigned iommu_qi_ready(const struct iommu *mmu)
{
	struct qi_geom g = qi_geom(mmu);
	uint64_t tail = vtd_reg_get64(mmu, VTD_REG_IQT) & VTD_IQ_QH;
	uint64_t head = qi_head(mmu, &g);

	if (!qi_may_fetch(mmu) || !qi_span_ok(&g, head, tail))
		return 0;
	return (unsigned)(((tail + g.qbytes - head) % g.qbytes) / g.dsz);
}

void iommu_qi_exec_head(struct iommu *mmu, struct iommu_qi_exec *x)
{
	struct qi_geom g = qi_geom(mmu);
	uint64_t tail = vtd_reg_get64(mmu, VTD_REG_IQT) & VTD_IQ_QH;
	uint64_t head = qi_head(mmu, &g);
	int rc;

	*x = (struct iommu_qi_exec){0};
	if (!iommu_qi_ready(mmu))
		return;
	rc = qi_one(mmu, &g, &head, tail, x->qw, &x->wait_later, &x->silent, &x->sid);
	x->type = qi_type(x->qw[0]);
	x->executed = rc != QI_STOP_IQE;
	x->stopped = rc != 0;
	x->wait_later = x->wait_later && !rc && x->type == VTD_DESC_WAIT;
	vtd_reg_set64(mmu, VTD_REG_IQH, head);
}

void iommu_qi_wait_done(struct iommu *mmu, const uint64_t qw[4])
{
	vtd_qi_wait_complete(mmu, qw);
}

void iommu_qi_timeout(struct iommu *mmu, uint16_t sid, unsigned dropped)
{
	struct qi_geom g = qi_geom(mmu);
	uint64_t tail = vtd_reg_get64(mmu, VTD_REG_IQT) & VTD_IQ_QH;
	uint64_t head = qi_head(mmu, &g);

	/* A tail the engine would not run to (IQE 1 or 6) aborts nothing. */
	if (!qi_span_ok(&g, head, tail))
		tail = head;
	qi_stop_ite(mmu, &g, &head, tail, sid);
	mmu->stats.qi_aborted += dropped;
	vtd_reg_set64(mmu, VTD_REG_IQH, head);
}

void vtd_qi_run(struct iommu *mmu)
{
	struct qi_geom g = qi_geom(mmu);
	uint64_t head = qi_head(mmu, &g);
	uint64_t tail = vtd_reg_get64(mmu, VTD_REG_IQT) & VTD_IQ_QH;

	if (!qi_may_fetch(mmu))
		return;
	/* SPEC(VT-d IQT): 256-bit mode needs IQT[4] = 0 → IQEI 6; a tail past
	 * the queue → IQEI 1 */
	if (g.wide && (tail & 0x10)) {
		qi_stop_iqe(mmu, VTD_IQEI_TAIL_MISALIGN);
		return;
	}
	if (tail >= g.qbytes) {
		qi_stop_iqe(mmu, VTD_IQEI_TAIL_BEYOND);
		return;
	}
	/* With a timing engine the tail only moves: the engine fetches and
	 * executes one descriptor at a time (iommu_qi_exec_head). */
	if (mmu->qi_engine)
		return;
	while (head != tail) {
		uint64_t qw[4] = {0, 0, 0, 0};

		if (qi_one(mmu, &g, &head, tail, qw, NULL, NULL, NULL))
			break;
	}
	vtd_reg_set64(mmu, VTD_REG_IQH, head);
}
