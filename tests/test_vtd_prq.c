/*
 * Tests of src/vtd/prq.c (page requests, the page request queue, page group
 * responses, PD drains) with the ATS endpoint's PRI (src/ats.c) and the
 * builder's page request servicing. One ATS device SID with PASID PASID on
 * a first-level domain DOM; its context entry has PRE = 1 unless a test
 * says otherwise. Expectations are computed from the descriptor layout of
 * the VT-d specification (bit positions written out here), not from the
 * model's encoders.
 */
#include "unit.h"

#include <stdio.h>
#include <string.h>

#include "iommu/ats.h"
#include "iommu/vtd_oracle.h"
#include "iommu/vtd_prq.h"
#include "iommu/vtd_qi.h"

#define SID     0x2310
#define SID2    0x2318
#define PASID   0x4567u
#define PASID2  0x4568u
#define DOM     11
#define IOVA    0x7F1200000000ull
#define PA_BASE 0x160000000000ull
#define SZ_4K   0x1000ull
#define RW      (IOMMU_PERM_R | IOMMU_PERM_W)

struct pfx {
	struct unit_fx fx;
	struct ats_bus *bus;
	struct ats_dev *dev, *dev2;
	struct vtd_oracle *o;
	unsigned maps; /* pages the handler mapped */
};

static void pfx_fini(struct pfx *f)
{
	vtd_oracle_destroy(f->o);
	ats_bus_destroy(f->bus);
	unit_fx_fini(&f->fx);
}

static int attach_ats(struct pfx *f, uint16_t sid, uint32_t pasid)
{
	struct vtd_attach a;

	vtd_attach_init(&a, sid, VTD_PGTT_FL);
	a.has_pasid = true;
	a.pasid = pasid;
	a.s1 = DOM;
	a.dte = true;
	return vtd_builder_attach(f->fx.b, &a);
}

/* page_req: ECAP.PRS; caps: the device capabilities SID gets. */
static bool pfx_init_caps(struct pfx *f, bool page_req, unsigned caps, unsigned prq_order)
{
	const struct iommu_cache_geom g = {.sets = 4, .ways = 4, .repl = IOMMU_REPL_LRU};
	struct vtd_builder_config bcfg;
	struct iommu_config cfg;
	bool ok = true;

	memset(f, 0, sizeof(*f));
	iommu_config_default(&cfg);
	cfg.page_req = page_req;
	vtd_builder_config_default(&bcfg);
	bcfg.prq_order = prq_order;
	if (!unit_fx_init(&f->fx, &cfg, &bcfg))
		return false;
	f->bus = ats_bus_create();
	f->dev = ats_dev_create(SID, &g, 1);
	f->dev2 = ats_dev_create(SID2, &g, 2);
	ok &= UNIT_TRUE(f->bus && f->dev && f->dev2);
	if (ok) {
		ok &= UNIT_EQ_HEX(ats_bus_add(f->bus, f->dev), 0);
		ok &= UNIT_EQ_HEX(ats_bus_add(f->bus, f->dev2), 0);
		ats_bus_connect(f->bus, f->fx.mmu);
		ats_dev_set_pri(f->dev, true);
		ats_dev_set_pri(f->dev2, true);
	}
	ok &= UNIT_EQ_HEX(vtd_builder_domain(f->fx.b, DOM, VTD_STAGE_S1, 4, -1), 0);
	ok &= UNIT_EQ_HEX(attach_ats(f, SID, PASID), 0);
	ok &= UNIT_EQ_HEX(attach_ats(f, SID, PASID2), 0);
	ok &= UNIT_EQ_HEX(attach_ats(f, SID2, PASID), 0);
	if (caps)
		ok &= UNIT_EQ_HEX(vtd_builder_set_dev_caps(f->fx.b, SID, caps), 0);
	if (page_req)
		ok &= UNIT_EQ_HEX(
			vtd_builder_set_dev_caps(f->fx.b, SID2, VTD_DEV_PASID | VTD_DEV_PRI), 0);
	f->o = vtd_oracle_create(f->fx.mmu);
	ok &= UNIT_TRUE(f->o != NULL);
	if (!ok)
		pfx_fini(f);
	return ok;
}

static bool pfx_init(struct pfx *f)
{
	return pfx_init_caps(f, true, VTD_DEV_PASID | VTD_DEV_PRI, 0);
}

static uint64_t page_pa(unsigned i)
{
	return PA_BASE + i * SZ_4K;
}

static struct iommu_req wreq(unsigned i)
{
	return unit_req_pasid(SID, PASID, false, IOVA + i * SZ_4K, IOMMU_ACC_WRITE);
}

static uint64_t reg64(struct pfx *f, uint32_t off)
{
	return iommu_reg_read(f->fx.mmu, off, 8);
}

static uint32_t reg32(struct pfx *f, uint32_t off)
{
	return (uint32_t)iommu_reg_read(f->fx.mmu, off, 4);
}

/* The handler of a correct driver: map the page asked for (read/write). */
static int map_handler(void *ctx, const struct iommu_page_req *pr)
{
	struct pfx *f = ctx;
	unsigned i = (unsigned)((pr->addr - IOVA) / SZ_4K);

	f->maps++;
	return vtd_builder_map_page(f->fx.b, DOM, pr->addr, page_pa(i), SZ_4K, RW, true)
		       ? -1
		       : VTD_PRG_SUCCESS;
}

static int invalid_handler(void *ctx, const struct iommu_page_req *pr)
{
	(void)ctx;
	(void)pr;
	return VTD_PRG_INVALID;
}

static int failure_handler(void *ctx, const struct iommu_page_req *pr)
{
	(void)ctx;
	(void)pr;
	return VTD_PRG_FAILURE;
}

/* --- Registers ------------------------------------------------------------ */

static void test_regs(void)
{
	struct pfx f;

	if (!pfx_init_caps(&f, false, 0, 0))
		return;
	/* ECAP.PRS = 0: the registers are RsvdZ. */
	UNIT_EQ_HEX(FIELD_GET64(VTD_ECAP_PRS, reg64(&f, VTD_REG_ECAP)), 0);
	UNIT_EQ_HEX(FIELD_GET64(VTD_ECAP_PDS, reg64(&f, VTD_REG_ECAP)), 0);
	iommu_reg_write(f.fx.mmu, VTD_REG_PQA, 8, 0x12345000ull | 3);
	iommu_reg_write(f.fx.mmu, VTD_REG_PQT, 8, 0x40);
	UNIT_EQ_HEX(reg64(&f, VTD_REG_PQA), 0);
	UNIT_EQ_HEX(reg64(&f, VTD_REG_PQT), 0);
	pfx_fini(&f);

	if (!pfx_init_caps(&f, true, 0, 0))
		return;
	UNIT_EQ_HEX(FIELD_GET64(VTD_ECAP_PRS, reg64(&f, VTD_REG_ECAP)), 1);
	UNIT_EQ_HEX(FIELD_GET64(VTD_ECAP_PDS, reg64(&f, VTD_REG_ECAP)), 1);
	/* PQA: base [63:12], PQS [2:0]; [11:3] reserved. */
	iommu_reg_write(f.fx.mmu, VTD_REG_PQA, 8, 0x12345000ull | 0xFF8 | 3);
	UNIT_EQ_HEX(reg64(&f, VTD_REG_PQA), 0x12345003ull);
	/* PQH / PQT: 32-byte entry offsets, bits [18:5]. */
	iommu_reg_write(f.fx.mmu, VTD_REG_PQH, 8, 0xFFFFFFFFull);
	UNIT_EQ_HEX(reg64(&f, VTD_REG_PQH), 0x7FFE0ull);
	/* PECTL: IM was unmasked by the builder; IM writable, IP read-only. */
	UNIT_EQ_HEX(reg32(&f, VTD_REG_PECTL), 0);
	iommu_reg_write(f.fx.mmu, VTD_REG_PECTL, 4, 0xC0000000u);
	UNIT_EQ_HEX(reg32(&f, VTD_REG_PECTL), 0x80000000u);
	pfx_fini(&f);

	/* A fresh instance: PECTL.IM is 1 after reset. */
	{
		struct iommu_config cfg;
		struct sparse_mem *sm = sparse_mem_create(46);
		struct iommu_mem mem = sparse_mem_handle(sm);
		struct iommu *mmu;

		iommu_config_default(&cfg);
		cfg.page_req = true;
		mmu = iommu_create(&cfg, &mem);
		if (UNIT_TRUE(mmu != NULL))
			UNIT_EQ_HEX(iommu_reg_read(mmu, VTD_REG_PECTL, 4), 0x80000000u);
		iommu_destroy(mmu);
		sparse_mem_destroy(sm);
	}
}

/* --- Descriptor layout ------------------------------------------------------ */

static void test_descriptor_layout(void)
{
	struct iommu_page_req pr = {
		.sid = 0x1820,
		.pasid_valid = true,
		.pasid = 0x12345,
		.addr = 0x7F0012345ABCull,
		.write = true,
		.priv = true,
		.prgi = 0x1A5,
		.lpig = true,
	};
	struct iommu_page_req back;
	uint64_t qw[4];

	vtd_prd_encode(qw, &pr);
	/* type 1 [7:0], PP 8, RID [31:16], PASID [51:32], EXE 52, PRIV 53 */
	UNIT_EQ_HEX(qw[0], 0x1ull | 1ull << 8 | 0x1820ull << 16 | 0x12345ull << 32 | 1ull << 53);
	/* RD 0, WR 1, LPIG 2, PRGI [11:3], ADDR [63:12] */
	UNIT_EQ_HEX(qw[1], 1ull << 1 | 1ull << 2 | 0x1A5ull << 3 | 0x7F0012345000ull);
	UNIT_EQ_HEX(qw[2] | qw[3], 0);
	UNIT_EQ_HEX(vtd_prd_decode(qw, &back), 0);
	UNIT_EQ_HEX(back.pasid, 0x12345);
	UNIT_EQ_HEX(back.prgi, 0x1A5);
	UNIT_TRUE(back.priv && back.write && !back.read && back.lpig && !back.exec);
	UNIT_EQ_HEX(back.addr, 0x7F0012345000ull);
	qw[0] = 0x2;
	UNIT_EQ_HEX(vtd_prd_decode(qw, &back), -IOMMU_EINVAL);

	/* Page group response: PP 4, code [15:12], RID [31:16], PASID [51:32];
	 * LPIG 2, PRGI [11:3]. */
	vtd_desc_pgrp_resp(qw, 0x1820, true, 0x12345, 0x1A5, VTD_PRG_INVALID);
	UNIT_EQ_HEX(qw[0], 0x9ull | 1ull << 4 | 0x1ull << 12 | 0x1820ull << 16 | 0x12345ull << 32);
	UNIT_EQ_HEX(qw[1], 1ull << 2 | 0x1A5ull << 3);
}

/* --- The whole flow: fault, request, service, response, retry --------------- */

static void test_flow_success(void)
{
	struct pfx f;
	struct iommu_resp resp;
	struct iommu_req r = wreq(3);
	struct iommu_pr_result pres;
	uint64_t pqa, qw[4];
	uint16_t prgi = 0xFFFF;

	if (!pfx_init(&f))
		return;
	UNIT_EQ_HEX(ats_dev_dma_pri(f.dev, f.fx.mmu, &r, &resp, &prgi, &pres), ATS_DMA_PAGE_REQ);
	UNIT_EQ_HEX(pres.outcome, IOMMU_PR_QUEUED);
	UNIT_EQ_HEX(ats_dev_prg_state(f.dev, prgi), ATS_PRG_PENDING);
	/* The descriptor at the old PQT (0), PQT one entry on, PPR set. */
	pqa = reg64(&f, VTD_REG_PQA) & VTD_PQA_PQA;
	for (unsigned i = 0; i < 4; i++)
		qw[i] = unit_peek64(&f.fx, pqa + 8 * i);
	UNIT_EQ_HEX(qw[0], 0x1ull | 1ull << 8 | (uint64_t)SID << 16 | (uint64_t)PASID << 32);
	UNIT_EQ_HEX(qw[1], 1ull << 1 | 1ull << 2 | (uint64_t)prgi << 3 | (IOVA + 3 * SZ_4K));
	UNIT_EQ_HEX(reg64(&f, VTD_REG_PQT), 32);
	UNIT_EQ_HEX(reg32(&f, VTD_REG_PRS), 1);
	UNIT_EQ_HEX(iommu_stats(f.fx.mmu)->page_reqs, 1);
	UNIT_EQ_HEX(iommu_stats(f.fx.mmu)->prq_queued, 1);
	UNIT_EQ_HEX(iommu_stats(f.fx.mmu)->prq_events, 1);
	UNIT_EQ_HEX(iommu_prq_in_flight(f.fx.mmu), 1);
	/* Waiting: the same DMA asks nothing new. */
	UNIT_EQ_HEX(ats_dev_dma_pri(f.dev, f.fx.mmu, &r, &resp, &prgi, NULL), ATS_DMA_PAGE_REQ);
	UNIT_EQ_HEX(iommu_stats(f.fx.mmu)->page_reqs, 1);

	/* The driver maps the page and answers the group. */
	UNIT_EQ_HEX(vtd_builder_prq_service(f.fx.b, map_handler, &f), 1);
	UNIT_EQ_HEX(f.maps, 1);
	UNIT_EQ_HEX(reg64(&f, VTD_REG_PQH), 32);
	UNIT_EQ_HEX(reg32(&f, VTD_REG_PRS), 0);
	UNIT_EQ_HEX(iommu_stats(f.fx.mmu)->prq_responses, 1);
	UNIT_EQ_HEX(iommu_stats(f.fx.mmu)->qi_by_type[VTD_DESC_PGRP_RESP], 1);
	UNIT_EQ_HEX(iommu_prq_in_flight(f.fx.mmu), 0);
	UNIT_EQ_HEX(ats_dev_prg_state(f.dev, prgi), ATS_PRG_SUCCESS);

	/* The device retries and completes. */
	UNIT_EQ_HEX(ats_dev_dma_pri(f.dev, f.fx.mmu, &r, &resp, &prgi, NULL), 0);
	UNIT_EQ_HEX(resp.hpa, page_pa(3));
	UNIT_EQ_HEX(ats_dev_pri_stats(f.dev)->retries, 1);
	UNIT_EQ_HEX(ats_dev_pri_stats(f.dev)->success, 1);
	UNIT_EQ_HEX(ats_dev_prg_state(f.dev, prgi), ATS_PRG_FREE);
	UNIT_EQ_HEX(vtd_oracle_check(f.o, &r, &resp), VTD_ORACLE_OK);
	/* Device TLB hit now. */
	UNIT_EQ_HEX(ats_dev_dma_pri(f.dev, f.fx.mmu, &r, &resp, &prgi, NULL), 0);
	UNIT_EQ_HEX(resp.source, IOMMU_SRC_DEVTLB);
	UNIT_EQ_HEX(vtd_oracle_check(f.o, &r, &resp), VTD_ORACLE_OK);
	UNIT_EQ_HEX(vtd_oracle_stale(f.o) + vtd_oracle_missing_flush(f.o), 0);
	pfx_fini(&f);
}

/* Invalid Request: the DMA fails once without asking again; the next one
 * asks again. Response Failure: the endpoint stops page requests. */
static void test_flow_refused(void)
{
	struct pfx f;
	struct iommu_resp resp;
	struct iommu_req r = wreq(5);
	uint16_t prgi;

	if (!pfx_init(&f))
		return;
	UNIT_EQ_HEX(ats_dev_dma_pri(f.dev, f.fx.mmu, &r, &resp, &prgi, NULL), ATS_DMA_PAGE_REQ);
	UNIT_EQ_HEX(vtd_builder_prq_service(f.fx.b, invalid_handler, NULL), 1);
	UNIT_EQ_HEX(ats_dev_prg_state(f.dev, prgi), ATS_PRG_INVALID);
	UNIT_EQ_HEX(ats_dev_dma_pri(f.dev, f.fx.mmu, &r, &resp, &prgi, NULL), 1);
	UNIT_EQ_HEX(iommu_stats(f.fx.mmu)->page_reqs, 1);
	UNIT_EQ_HEX(ats_dev_dma_pri(f.dev, f.fx.mmu, &r, &resp, &prgi, NULL), ATS_DMA_PAGE_REQ);
	UNIT_EQ_HEX(iommu_stats(f.fx.mmu)->page_reqs, 2);

	UNIT_EQ_HEX(vtd_builder_prq_service(f.fx.b, failure_handler, NULL), 1);
	UNIT_EQ_HEX(ats_dev_prg_state(f.dev, prgi), ATS_PRG_FAILURE);
	UNIT_TRUE(!ats_dev_pri_enabled(f.dev));
	UNIT_EQ_HEX(ats_dev_dma_pri(f.dev, f.fx.mmu, &r, &resp, &prgi, NULL), 1);
	UNIT_EQ_HEX(iommu_stats(f.fx.mmu)->page_reqs, 2);
	pfx_fini(&f);
}

/* A device whose context entry has PRE = 0: fault 0x47 recorded, the IOMMU
 * answers Invalid Request, nothing is queued. */
static void test_pre_clear(void)
{
	struct pfx f;
	struct iommu_resp resp;
	struct iommu_req r = wreq(1);
	struct iommu_pr_result pres;
	uint64_t hi;
	uint16_t prgi;

	if (!pfx_init_caps(&f, true, VTD_DEV_PASID, 0))
		return;
	UNIT_EQ_HEX(ats_dev_dma_pri(f.dev, f.fx.mmu, &r, &resp, &prgi, &pres), ATS_DMA_PAGE_REQ);
	UNIT_EQ_HEX(pres.outcome, IOMMU_PR_RESPONDED);
	UNIT_EQ_HEX(pres.code, VTD_PRG_INVALID);
	UNIT_EQ_HEX(pres.fault, 0x47);
	UNIT_TRUE(pres.fault_recorded);
	hi = iommu_reg_read(f.fx.mmu, VTD_FRCD_OFFSET + 8, 8);
	UNIT_EQ_HEX(FIELD_GET64(VTD_FRCD_HI_FR, hi), 0x47);
	UNIT_EQ_HEX(FIELD_GET64(VTD_FRCD_HI_SID, hi), SID);
	UNIT_EQ_HEX(FIELD_GET64(VTD_FRCD_HI_PV, hi), PASID);
	UNIT_EQ_HEX(reg64(&f, VTD_REG_PQT), 0);
	UNIT_EQ_HEX(ats_dev_prg_state(f.dev, prgi), ATS_PRG_INVALID);
	UNIT_EQ_HEX(iommu_stats(f.fx.mmu)->prq_auto_responses, 1);
	/* Enabling PRI on the device sets PRE: the next request is queued. */
	UNIT_EQ_HEX(vtd_builder_set_dev_caps(f.fx.b, SID, VTD_DEV_PASID | VTD_DEV_PRI), 0);
	UNIT_EQ_HEX(ats_dev_dma_pri(f.dev, f.fx.mmu, &r, &resp, &prgi, &pres), 1);
	UNIT_EQ_HEX(ats_dev_dma_pri(f.dev, f.fx.mmu, &r, &resp, &prgi, &pres), ATS_DMA_PAGE_REQ);
	UNIT_EQ_HEX(pres.outcome, IOMMU_PR_QUEUED);
	pfx_fini(&f);

	/* Without ECAP.PRS the builder refuses PRI. */
	if (!pfx_init_caps(&f, false, 0, 0))
		return;
	UNIT_EQ_HEX(vtd_builder_set_dev_caps(f.fx.b, SID, VTD_DEV_PRI), -IOMMU_ENOTSUP);
	UNIT_TRUE(strstr(vtd_builder_error(f.fx.b), "ECAP.PRS") != NULL);
	pfx_fini(&f);
}

static struct iommu_page_req mkpr(uint16_t sid, uint32_t pasid, unsigned i, bool lpig)
{
	return (struct iommu_page_req){
		.sid = sid,
		.pasid_valid = true,
		.pasid = pasid,
		.addr = IOVA + i * SZ_4K,
		.read = true,
		.prgi = (uint16_t)(i & 0x1FF),
		.lpig = lpig,
	};
}

/* A queue of one page holds 127 requests (one slot stays empty). The 128th
 * sets PRO and is answered Success by the IOMMU; while PRO is set nothing is
 * queued; software empties the queue and clears PRO. */
static void test_overflow(void)
{
	struct pfx f;
	struct iommu_pr_result res;
	struct iommu_page_req pr;
	const unsigned entries = 4096 / 32;

	if (!pfx_init(&f))
		return;
	for (unsigned i = 0; i < entries - 1; i++) {
		pr = mkpr(SID2, PASID, i, true);
		UNIT_EQ_HEX(iommu_page_request(f.fx.mmu, &pr, &res), 0);
		if (!UNIT_EQ_HEXC("fill", res.outcome, IOMMU_PR_QUEUED))
			break;
	}
	UNIT_EQ_HEX(reg64(&f, VTD_REG_PQT), (entries - 1) * 32);
	UNIT_EQ_HEX(reg32(&f, VTD_REG_PRS), 1);
	pr = mkpr(SID2, PASID, 200, true);
	UNIT_EQ_HEX(iommu_page_request(f.fx.mmu, &pr, &res), 0);
	UNIT_EQ_HEX(res.outcome, IOMMU_PR_RESPONDED);
	UNIT_EQ_HEX(res.code, VTD_PRG_SUCCESS);
	UNIT_EQ_HEX(reg32(&f, VTD_REG_PRS), 3);
	UNIT_EQ_HEX(reg64(&f, VTD_REG_PQT), (entries - 1) * 32);
	UNIT_EQ_HEX(iommu_stats(f.fx.mmu)->prq_overflows, 1);
	UNIT_EQ_HEX(iommu_stats(f.fx.mmu)->prq_auto_responses, 1);
	/* Not last in group: dropped without a response. A stop marker too. */
	pr = mkpr(SID2, PASID, 201, false);
	UNIT_EQ_HEX(iommu_page_request(f.fx.mmu, &pr, &res), 0);
	UNIT_EQ_HEX(res.outcome, IOMMU_PR_DISCARDED);
	pr = mkpr(SID2, PASID, 202, true);
	pr.read = false;
	UNIT_EQ_HEX(iommu_page_request(f.fx.mmu, &pr, &res), 0);
	UNIT_EQ_HEX(res.outcome, IOMMU_PR_DISCARDED);
	UNIT_EQ_HEX(iommu_stats(f.fx.mmu)->prq_overflows, 3);
	UNIT_EQ_HEX(iommu_stats(f.fx.mmu)->prq_auto_responses, 1);

	/* PRO stays set after room is made until software clears it: PQH
	 * moves, PRO is still set, a request is still dropped. */
	iommu_reg_write(f.fx.mmu, VTD_REG_PQH, 8, 32);
	pr = mkpr(SID2, PASID, 203, true);
	UNIT_EQ_HEX(iommu_page_request(f.fx.mmu, &pr, &res), 0);
	UNIT_EQ_HEX(res.outcome, IOMMU_PR_RESPONDED);
	iommu_reg_write(f.fx.mmu, VTD_REG_PQH, 8, 0);

	/* The driver reads everything (PQH = PQT), which clears PRO. */
	UNIT_EQ_HEX(vtd_builder_prq_fetch(f.fx.b), entries - 1);
	UNIT_EQ_HEX(reg64(&f, VTD_REG_PQH), reg64(&f, VTD_REG_PQT));
	UNIT_EQ_HEX(reg32(&f, VTD_REG_PRS), 0);
	pr = mkpr(SID2, PASID, 204, true);
	UNIT_EQ_HEX(iommu_page_request(f.fx.mmu, &pr, &res), 0);
	UNIT_EQ_HEX(res.outcome, IOMMU_PR_QUEUED);
	UNIT_EQ_HEX(reg64(&f, VTD_REG_PQT), 0); /* wrapped */
	pfx_fini(&f);
}

/* Malformed messages and a queue write error. */
static void test_bad_requests(void)
{
	struct pfx f;
	struct iommu_pr_result res;
	struct iommu_page_req pr;

	if (!pfx_init(&f))
		return;
	pr = mkpr(SID2, PASID, 1, true);
	pr.prgi = 0x200;
	UNIT_EQ_HEX(iommu_page_request(f.fx.mmu, &pr, &res), -IOMMU_EINVAL);
	pr = mkpr(SID2, PASID, 1, true);
	pr.pasid_valid = false;
	pr.priv = true;
	UNIT_EQ_HEX(iommu_page_request(f.fx.mmu, &pr, &res), -IOMMU_EINVAL);
	pr = mkpr(SID2, PASID, 1, true);
	pr.exec = true;
	pr.read = false;
	pr.write = true;
	UNIT_EQ_HEX(iommu_page_request(f.fx.mmu, &pr, &res), -IOMMU_EINVAL);
	UNIT_EQ_HEX(iommu_stats(f.fx.mmu)->page_reqs, 0);

	/* The queue page cannot be written: Response Failure, nothing queued. */
	unit_mem_fail_write(&f.fx.um, reg64(&f, VTD_REG_PQA) & VTD_PQA_PQA);
	pr = mkpr(SID2, PASID, 1, true);
	UNIT_EQ_HEX(iommu_page_request(f.fx.mmu, &pr, &res), 0);
	UNIT_EQ_HEX(res.outcome, IOMMU_PR_RESPONDED);
	UNIT_EQ_HEX(res.code, VTD_PRG_FAILURE);
	UNIT_EQ_HEX(reg64(&f, VTD_REG_PQT), 0);
	unit_mem_heal(&f.fx.um);

	/* Translation disabled: Invalid Request. */
	iommu_reg_write(f.fx.mmu, VTD_REG_GCMD, 4, VTD_GCMD_QIE);
	UNIT_EQ_HEX(iommu_page_request(f.fx.mmu, &pr, &res), 0);
	UNIT_EQ_HEX(res.code, VTD_PRG_INVALID);
	pfx_fini(&f);
}

/* The page request event: with IM set, IP holds it; clearing IM sends it;
 * clearing PPR drops a held one. */
static void test_event(void)
{
	struct pfx f;
	struct iommu_pr_result res;
	struct iommu_page_req pr;

	if (!pfx_init(&f))
		return;
	iommu_reg_write(f.fx.mmu, VTD_REG_PECTL, 4, VTD_PECTL_IM);
	pr = mkpr(SID2, PASID, 1, true);
	UNIT_EQ_HEX(iommu_page_request(f.fx.mmu, &pr, &res), 0);
	UNIT_EQ_HEX(reg32(&f, VTD_REG_PECTL), 0xC0000000u);
	UNIT_EQ_HEX(iommu_stats(f.fx.mmu)->prq_events, 0);
	/* PPR already set: a second request is no new event. */
	pr = mkpr(SID2, PASID, 2, true);
	UNIT_EQ_HEX(iommu_page_request(f.fx.mmu, &pr, &res), 0);
	iommu_reg_write(f.fx.mmu, VTD_REG_PECTL, 4, 0);
	UNIT_EQ_HEX(reg32(&f, VTD_REG_PECTL), 0);
	UNIT_EQ_HEX(iommu_stats(f.fx.mmu)->prq_events, 1);

	iommu_reg_write(f.fx.mmu, VTD_REG_PECTL, 4, VTD_PECTL_IM);
	iommu_reg_write(f.fx.mmu, VTD_REG_PRS, 4, VTD_PRS_PPR);
	pr = mkpr(SID2, PASID, 3, true);
	UNIT_EQ_HEX(iommu_page_request(f.fx.mmu, &pr, &res), 0);
	UNIT_EQ_HEX(reg32(&f, VTD_REG_PECTL), 0xC0000000u);
	iommu_reg_write(f.fx.mmu, VTD_REG_PRS, 4, VTD_PRS_PPR);
	UNIT_EQ_HEX(reg32(&f, VTD_REG_PECTL), 0x80000000u);
	UNIT_EQ_HEX(iommu_stats(f.fx.mmu)->prq_events, 1);
	pfx_fini(&f);
}

/* Page group response descriptors: reserved fields, and no ECAP.PRS. */
static void test_response_descriptor_errors(void)
{
	struct pfx f;
	uint64_t qw[4];

	if (!pfx_init(&f))
		return;
	vtd_desc_pgrp_resp(qw, SID2, true, PASID, 3, VTD_PRG_SUCCESS);
	qw[1] |= 1ull << 12; /* QW1 [63:12] reserved */
	UNIT_EQ_HEX(vtd_builder_submit(f.fx.b, qw), -IOMMU_EIO);
	UNIT_EQ_HEX(iommu_reg_read(f.fx.mmu, VTD_REG_IQER, 8) & VTD_IQER_IQEI, VTD_IQEI_RSVD);
	vtd_desc_pgrp_resp(qw, SID2, true, PASID, 3, VTD_PRG_SUCCESS);
	qw[0] |= 1ull << 5; /* private data present: reserved here */
	UNIT_EQ_HEX(vtd_builder_submit(f.fx.b, qw), -IOMMU_EIO);
	UNIT_EQ_HEX(iommu_stats(f.fx.mmu)->prq_responses, 0);
	pfx_fini(&f);

	if (!pfx_init_caps(&f, false, 0, 0))
		return;
	vtd_desc_pgrp_resp(qw, SID2, true, PASID, 3, VTD_PRG_SUCCESS);
	UNIT_EQ_HEX(vtd_builder_submit(f.fx.b, qw), -IOMMU_EIO);
	UNIT_EQ_HEX(iommu_reg_read(f.fx.mmu, VTD_REG_IQER, 8) & VTD_IQER_IQEI, VTD_IQEI_TYPE);
	pfx_fini(&f);
}

static uint32_t status_word(struct pfx *f, uint64_t status_pa)
{
	return (uint32_t)unit_peek64(&f->fx, status_pa);
}

/* Drain (PD): the page requests received before the wait are in the
 * queue once it completes; answering them is software's business, so a
 * group left unanswered does not hold the wait. (The timing engine holds it
 * for the request in the page request unit: test_timing.) */
static void test_drain(void)
{
	struct pfx f;
	struct iommu_pr_result res;
	struct iommu_page_req pr = mkpr(SID2, PASID, 7, true);
	uint64_t status, qw[4], pqt;

	if (!pfx_init(&f))
		return;
	UNIT_EQ_HEX(vtd_builder_alloc_page(f.fx.b, &status), 0);
	UNIT_EQ_HEX(iommu_page_request(f.fx.mmu, &pr, &res), 0);
	UNIT_EQ_HEX(res.outcome, IOMMU_PR_QUEUED);
	UNIT_EQ_HEX(iommu_prq_in_flight(f.fx.mmu), 1);
	pqt = iommu_reg_read(f.fx.mmu, VTD_REG_PQT, 8);
	UNIT_EQ_HEX(pqt, VTD_PRQ_DESC_SIZE);

	/* Linux's order: FN wait, P_IOTLB, PASID device-TLB, PD wait. */
	vtd_desc_wait(qw, VTD_WAIT_SW | VTD_WAIT_FN, status, 0x11);
	UNIT_EQ_HEX(vtd_builder_submit(f.fx.b, qw), 0);
	vtd_desc_piotlb(qw, VTD_PIOTLB_ALL, 1, PASID, 0, 0, false);
	UNIT_EQ_HEX(vtd_builder_submit(f.fx.b, qw), 0);
	vtd_desc_pdevtlb(qw, SID2, PASID, false, 0, 0);
	UNIT_EQ_HEX(vtd_builder_submit(f.fx.b, qw), 0);
	vtd_desc_wait(qw, VTD_WAIT_SW | VTD_WAIT_PD, status, 0x22);
	UNIT_EQ_HEX(vtd_builder_submit(f.fx.b, qw), 0);
	UNIT_EQ_HEX(status_word(&f, status), 0x22);
	UNIT_EQ_HEX(iommu_stats(f.fx.mmu)->prq_drain_waits, 1);
	/* The drain wrote nothing and answered nothing: group 7 is in the
	 * queue for software. */
	UNIT_EQ_HEX(iommu_reg_read(f.fx.mmu, VTD_REG_PQT, 8), pqt);
	UNIT_EQ_HEX(iommu_prq_in_flight(f.fx.mmu), 1);

	/* The driver answers group 7. */
	UNIT_EQ_HEX(vtd_builder_prq_fetch(f.fx.b), 1);
	UNIT_EQ_HEX(vtd_builder_page_response(f.fx.b, SID2, true, PASID, 7, VTD_PRG_SUCCESS), 0);
	UNIT_EQ_HEX(iommu_prq_in_flight(f.fx.mmu), 0);
	UNIT_EQ_HEX(vtd_builder_wait(f.fx.b), 0);
	/* Answering a group nobody asked for is refused by the driver. */
	UNIT_EQ_HEX(vtd_builder_page_response(f.fx.b, SID2, true, PASID, 9, VTD_PRG_SUCCESS),
		    -IOMMU_ENOENT);

	/* The builder's drain of a PASID answers its pending groups itself. */
	pr = mkpr(SID2, PASID, 8, true);
	UNIT_EQ_HEX(iommu_page_request(f.fx.mmu, &pr, &res), 0);
	UNIT_EQ_HEX(iommu_prq_in_flight(f.fx.mmu), 1);
	UNIT_EQ_HEX(vtd_builder_drain_pasid(f.fx.b, SID2, true, PASID), 0);
	UNIT_EQ_HEX(iommu_prq_in_flight(f.fx.mmu), 0);
	UNIT_EQ_HEX(iommu_stats(f.fx.mmu)->prq_drain_waits, 2);
	pfx_fini(&f);
}

/* Detach of a PRI device PASID drains its page requests: the endpoint gets
 * Invalid Request for the group in flight; DMA on the PASID then fails. */
static void test_detach_drains(void)
{
	struct pfx f;
	struct iommu_resp resp;
	struct iommu_req r = wreq(2);
	uint16_t prgi;

	if (!pfx_init(&f))
		return;
	UNIT_EQ_HEX(ats_dev_dma_pri(f.dev, f.fx.mmu, &r, &resp, &prgi, NULL), ATS_DMA_PAGE_REQ);
	UNIT_EQ_HEX(vtd_builder_detach(f.fx.b, SID, true, PASID), 0);
	UNIT_EQ_HEX(ats_dev_prg_state(f.dev, prgi), ATS_PRG_INVALID);
	UNIT_EQ_HEX(iommu_prq_in_flight(f.fx.mmu), 0);
	UNIT_EQ_HEX(iommu_stats(f.fx.mmu)->prq_drain_waits, 1);
	UNIT_EQ_HEX(ats_dev_dma_pri(f.dev, f.fx.mmu, &r, &resp, &prgi, NULL), 1);
	UNIT_EQ_HEX(ats_dev_dma_pri(f.dev, f.fx.mmu, &r, &resp, &prgi, NULL), 1);
	UNIT_TRUE(resp.unsupported); /* PASID entry gone: Unsupported Request */
	pfx_fini(&f);
}

void unit_register(void)
{
	static const struct unit_test tests[] = {
		{"registers", test_regs},
		{"descriptor_layout", test_descriptor_layout},
		{"flow_success", test_flow_success},
		{"flow_refused", test_flow_refused},
		{"pre_clear", test_pre_clear},
		{"overflow", test_overflow},
		{"bad_requests", test_bad_requests},
		{"event", test_event},
		{"response_descriptor_errors", test_response_descriptor_errors},
		{"drain", test_drain},
		{"detach_drains", test_detach_drains},
		{NULL, NULL},
	};

	unit_add_suite("vtd_prq", tests);
}
