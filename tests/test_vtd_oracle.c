/*
 * Tests of src/vtd/oracle.c on the driver scenarios it exists for, with
 * every cache on. A first-level domain DOM is attached to one device both
 * at RID_PASID (requests without PASID) and at a kernel PASID KPASID; the
 * IOTLB holds one entry per PASID. A flush that covers only RID_PASID
 * leaves the kernel PASID's translation stale (software's fault); the full
 * flush of the domain leaves none; unbinding a PASID makes DMA on it
 * fault. The hardware is correct throughout: no stale translation.
 */
#include "unit.h"

#include <stdio.h>
#include <string.h>

#include "iommu/vtd_oracle.h"
#include "iommu/vtd_qi.h"

#define SID     0x1820
#define SID2    0x1828
#define KPASID  0x5u
#define DOM     9
#define DOM2    10
#define SL_DOM  12
#define IOVA    0x7F5500000000ull
#define PA_BASE 0x150000000000ull

#define SZ_4K 0x1000ull
#define SZ_2M 0x200000ull
#define RW    (IOMMU_PERM_R | IOMMU_PERM_W)

struct ofx {
	struct unit_fx fx;
	struct vtd_oracle *o;
};

static uint64_t pa(unsigned gen, unsigned i)
{
	return PA_BASE + (uint64_t)gen * 0x1000000 + i * SZ_4K;
}

static void ofx_fini(struct ofx *f)
{
	vtd_oracle_destroy(f->o);
	unit_fx_fini(&f->fx);
}

/* DOM at SID's RID_PASID and at KPASID; DOM2 exists; pages 0..3 mapped. */
static bool ofx_init(struct ofx *f)
{
	struct iommu_config cfg;
	bool ok = true;

	memset(f, 0, sizeof(*f));
	iommu_config_default(&cfg);
	if (!unit_fx_init(&f->fx, &cfg, NULL))
		return false;
	ok &= UNIT_EQ_HEX(vtd_builder_domain(f->fx.b, DOM, VTD_STAGE_S1, 4, -1), 0);
	ok &= UNIT_EQ_HEX(vtd_builder_domain(f->fx.b, DOM2, VTD_STAGE_S1, 4, -1), 0);
	ok &= UNIT_EQ_HEX(unit_attach(&f->fx, SID, false, 0, VTD_PGTT_FL, DOM, -1), 0);
	ok &= UNIT_EQ_HEX(unit_attach(&f->fx, SID, true, KPASID, VTD_PGTT_FL, DOM, -1), 0);
	for (unsigned i = 0; ok && i < 4; i++) {
		ok &= UNIT_EQ_HEX(vtd_builder_map_page(f->fx.b, DOM, IOVA + i * SZ_4K, pa(0, i),
						       SZ_4K, RW, true),
				  0);
		ok &= UNIT_EQ_HEX(vtd_builder_map_page(f->fx.b, DOM2, IOVA + i * SZ_4K, pa(7, i),
						       SZ_4K, RW, true),
				  0);
	}
	f->o = vtd_oracle_create(f->fx.mmu);
	ok &= UNIT_TRUE(f->o != NULL);
	if (!ok)
		ofx_fini(f);
	return ok;
}

static struct iommu_req rid_req(unsigned i)
{
	return unit_req(SID, IOVA + i * SZ_4K, IOMMU_ACC_READ);
}

static struct iommu_req k_req(unsigned i)
{
	return unit_req_pasid(SID, KPASID, true, IOVA + i * SZ_4K, IOMMU_ACC_WRITE);
}

/* One DMA, checked by the oracle: expects hpa and the verdict. */
static void dma(struct ofx *f, const char *ctx, const struct iommu_req *r, uint64_t hpa,
		enum vtd_oracle_verdict verdict)
{
	struct iommu_resp resp;

	UNIT_EQ_HEXC(ctx, iommu_translate(f->fx.mmu, r, &resp), 0);
	UNIT_EQ_HEXC(ctx, resp.hpa, hpa);
	UNIT_EQ_HEXC(ctx, vtd_oracle_check(f->o, r, &resp), verdict);
}

static void remap(struct ofx *f, unsigned i, unsigned gen)
{
	UNIT_EQ_HEX(vtd_builder_unmap(f->fx.b, DOM, IOVA + i * SZ_4K, SZ_4K), 0);
	UNIT_EQ_HEX(
		vtd_builder_map_page(f->fx.b, DOM, IOVA + i * SZ_4K, pa(gen, i), SZ_4K, RW, true),
		0);
}

/* The flush for RID_PASID only: the kernel PASID keeps its translation. */
static void test_partial_flush(void)
{
	struct ofx f;
	struct iommu_req rr = rid_req(1), kr = k_req(1);

	if (!ofx_init(&f))
		return;
	dma(&f, "RID_PASID fill", &rr, pa(0, 1), VTD_ORACLE_OK);
	dma(&f, "kernel PASID fill", &kr, pa(0, 1), VTD_ORACLE_OK);
	dma(&f, "kernel PASID hit", &kr, pa(0, 1), VTD_ORACLE_OK);
	remap(&f, 1, 1);
	/* has_pasid with PASID 0: the attachment at RID_PASID (0) only */
	UNIT_EQ_HEX(vtd_builder_flush(f.fx.b, DOM, true, 0, IOVA + SZ_4K, SZ_4K, true), 1);
	dma(&f, "RID_PASID after its flush", &rr, pa(1, 1), VTD_ORACLE_OK);
	dma(&f, "kernel PASID not flushed", &kr, pa(0, 1), VTD_ORACLE_MISSING_FLUSH);
	UNIT_EQ_HEX(vtd_oracle_missing_flush(f.o), 1);
	/* a flush of another page of the domain does not cover it either */
	UNIT_EQ_HEX(vtd_builder_flush(f.fx.b, DOM, false, 0, IOVA + 2 * SZ_4K, SZ_4K, true), 2);
	dma(&f, "other page flushed", &kr, pa(0, 1), VTD_ORACLE_MISSING_FLUSH);
	UNIT_EQ_HEX(vtd_oracle_missing_flush(f.o), 2);
	/* the complete flush: P_IOTLB for both PASIDs */
	UNIT_EQ_HEX(vtd_builder_flush(f.fx.b, DOM, false, 0, IOVA + SZ_4K, SZ_4K, true), 2);
	dma(&f, "kernel PASID after the full flush", &kr, pa(1, 1), VTD_ORACLE_OK);
	dma(&f, "kernel PASID refilled", &kr, pa(1, 1), VTD_ORACLE_OK);
	dma(&f, "RID_PASID", &rr, pa(1, 1), VTD_ORACLE_OK);
	UNIT_EQ_HEX(vtd_oracle_missing_flush(f.o), 2);
	UNIT_EQ_HEX(vtd_oracle_stale(f.o), 0);
	ofx_fini(&f);
}

/* Done right from the start: nothing is ever stale. Also the
 * domain-selective form (size 0) and a flush wider than the change. */
static void test_full_flush(void)
{
	struct ofx f;

	if (!ofx_init(&f))
		return;
	for (unsigned i = 0; i < 4; i++) {
		struct iommu_req rr = rid_req(i), kr = k_req(i);

		dma(&f, "fill", &rr, pa(0, i), VTD_ORACLE_OK);
		dma(&f, "fill", &kr, pa(0, i), VTD_ORACLE_OK);
	}
	remap(&f, 0, 1);
	UNIT_EQ_HEX(vtd_builder_flush(f.fx.b, DOM, false, 0, IOVA, SZ_4K, true), 2);
	remap(&f, 2, 1);
	remap(&f, 3, 1);
	UNIT_EQ_HEX(vtd_builder_flush(f.fx.b, DOM, false, 0, 0, 0, false), 2); /* whole domain */
	remap(&f, 1, 2);
	UNIT_EQ_HEX(vtd_builder_flush(f.fx.b, DOM, false, 0, IOVA, 4 * SZ_4K, true), 2);
	for (unsigned i = 0; i < 4; i++) {
		struct iommu_req rr = rid_req(i), kr = k_req(i);
		unsigned gen = i == 1 ? 2 : 1;

		for (int rep = 0; rep < 2; rep++) {
			dma(&f, "after flush", &rr, pa(gen, i), VTD_ORACLE_OK);
			dma(&f, "after flush", &kr, pa(gen, i), VTD_ORACLE_OK);
		}
	}
	UNIT_EQ_HEX(vtd_oracle_missing_flush(f.o), 0);
	UNIT_EQ_HEX(vtd_oracle_stale(f.o), 0);
	ofx_fini(&f);
}

/* Unbinding the kernel PASID: the builder tears the entry down (PASID
 * cache, P_IOTLB, wait), DMA on it faults, RID_PASID still works; binding
 * it to another domain takes effect at once. */
static void test_unbind(void)
{
	struct ofx f;
	struct iommu_req rr = rid_req(0), kr = k_req(0);
	struct iommu_resp resp;

	if (!ofx_init(&f))
		return;
	dma(&f, "fill", &rr, pa(0, 0), VTD_ORACLE_OK);
	dma(&f, "fill", &kr, pa(0, 0), VTD_ORACLE_OK);
	dma(&f, "hit", &kr, pa(0, 0), VTD_ORACLE_OK);
	UNIT_EQ_HEX(vtd_builder_detach(f.fx.b, SID, true, KPASID), 0);
	UNIT_EXPECT_FAULT(&f.fx, &kr, VTD_FR_PTE_NOT_PRESENT, "unbound PASID", &resp);
	UNIT_EQ_HEX(vtd_oracle_check(f.o, &kr, &resp), VTD_ORACLE_OK);
	dma(&f, "RID_PASID unaffected", &rr, pa(0, 0), VTD_ORACLE_OK);
	/* detaching again is an error; the attachment list lost the PASID */
	UNIT_EQ_HEX(vtd_builder_detach(f.fx.b, SID, true, KPASID), -IOMMU_ENOENT);
	/* rebind to DOM2 */
	UNIT_EQ_HEX(unit_attach(&f.fx, SID, true, KPASID, VTD_PGTT_FL, DOM2, -1), 0);
	dma(&f, "rebound to DOM2", &kr, pa(7, 0), VTD_ORACLE_OK);
	dma(&f, "rebound, hit", &kr, pa(7, 0), VTD_ORACLE_OK);
	/* re-attach over a live entry (DOM2 → DOM) tears down DOM2's entries */
	UNIT_EQ_HEX(unit_attach(&f.fx, SID, true, KPASID, VTD_PGTT_FL, DOM, -1), 0);
	dma(&f, "replaced by DOM", &kr, pa(0, 0), VTD_ORACLE_OK);
	/* unbinding RID_PASID: requests without PASID fault */
	UNIT_EQ_HEX(vtd_builder_detach(f.fx.b, SID, false, 0), 0);
	UNIT_EXPECT_FAULT(&f.fx, &rr, VTD_FR_PTE_NOT_PRESENT, "unbound RID_PASID", NULL);
	dma(&f, "kernel PASID unaffected", &kr, pa(0, 0), VTD_ORACLE_OK);
	UNIT_EQ_HEX(vtd_oracle_missing_flush(f.o), 0);
	UNIT_EQ_HEX(vtd_oracle_stale(f.o), 0);
	ofx_fini(&f);
}

/* A driver that skips the teardown flush (flush_on_attach off): the
 * unbound PASID still translates from the caches, and the oracle blames
 * software. */
static void test_unbind_without_flush(void)
{
	struct vtd_builder_config bc;
	struct iommu_config cfg;
	struct ofx f;
	struct iommu_req kr = k_req(0);

	memset(&f, 0, sizeof(f));
	iommu_config_default(&cfg);
	vtd_builder_config_default(&bc);
	bc.flush_on_attach = false;
	if (!unit_fx_init(&f.fx, &cfg, &bc))
		return;
	f.o = vtd_oracle_create(f.fx.mmu);
	if (!UNIT_TRUE(f.o != NULL) ||
	    !UNIT_EQ_HEX(vtd_builder_domain(f.fx.b, DOM, VTD_STAGE_S1, 4, -1), 0) ||
	    !UNIT_EQ_HEX(unit_attach(&f.fx, SID, true, KPASID, VTD_PGTT_FL, DOM, -1), 0) ||
	    !UNIT_EQ_HEX(vtd_builder_map_page(f.fx.b, DOM, IOVA, pa(0, 0), SZ_4K, RW, true), 0)) {
		ofx_fini(&f);
		return;
	}
	dma(&f, "fill", &kr, pa(0, 0), VTD_ORACLE_OK);
	UNIT_EQ_HEX(vtd_builder_detach(f.fx.b, SID, true, KPASID), 0);
	dma(&f, "unbound but cached", &kr, pa(0, 0), VTD_ORACLE_MISSING_FLUSH);
	UNIT_EQ_HEX(vtd_oracle_missing_flush(f.o), 1);
	UNIT_EQ_HEX(vtd_oracle_stale(f.o), 0);
	ofx_fini(&f);
}

/* A second-level domain shared by two devices has one DID: one IOTLB
 * invalidation covers both, and a 2 MiB entry is covered by a flush of
 * any 4 KiB inside it. */
static void test_shared_sl(void)
{
	struct ofx f;
	const uint64_t iova = 0x4000000000ull, big = 0x4000200000ull;
	struct iommu_req r1 = unit_req(SID, iova, IOMMU_ACC_READ);
	struct iommu_req r2 = unit_req(SID2, iova, IOMMU_ACC_READ);
	struct iommu_req b2 = unit_req(SID2, big + 0x1234, IOMMU_ACC_READ);

	if (!ofx_init(&f))
		return;
	if (!UNIT_EQ_HEX(vtd_builder_domain(f.fx.b, SL_DOM, VTD_STAGE_S2, 4, -1), 0) ||
	    !UNIT_EQ_HEX(unit_attach(&f.fx, SID, true, 0x40, VTD_PGTT_SL, -1, SL_DOM), 0) ||
	    !UNIT_EQ_HEX(unit_attach(&f.fx, SID2, false, 0, VTD_PGTT_SL, -1, SL_DOM), 0) ||
	    !UNIT_EQ_HEX(vtd_builder_map_page(f.fx.b, SL_DOM, iova, pa(3, 0), SZ_4K, RW, true),
			 0) ||
	    !UNIT_EQ_HEX(vtd_builder_map_page(f.fx.b, SL_DOM, big, PA_BASE + 0x40000000ull, SZ_2M,
					      RW, true),
			 0)) {
		ofx_fini(&f);
		return;
	}
	r1.pasid_valid = true;
	r1.pasid = 0x40;
	dma(&f, "dev 1 fill", &r1, pa(3, 0), VTD_ORACLE_OK);
	dma(&f, "dev 2 fill", &r2, pa(3, 0), VTD_ORACLE_OK);
	dma(&f, "dev 2 2M fill", &b2, PA_BASE + 0x40001234ull, VTD_ORACLE_OK);
	UNIT_EQ_HEX(vtd_builder_unmap(f.fx.b, SL_DOM, iova, SZ_4K), 0);
	UNIT_EQ_HEX(vtd_builder_map_page(f.fx.b, SL_DOM, iova, pa(4, 0), SZ_4K, RW, true), 0);
	UNIT_EQ_HEX(vtd_builder_unmap(f.fx.b, SL_DOM, big, SZ_2M), 0);
	UNIT_EQ_HEX(
		vtd_builder_map_page(f.fx.b, SL_DOM, big, PA_BASE + 0x80000000ull, SZ_2M, RW, true),
		0);
	/* without a flush both devices and the 2M entry are stale */
	dma(&f, "dev 1 stale", &r1, pa(3, 0), VTD_ORACLE_MISSING_FLUSH);
	dma(&f, "dev 2 stale", &r2, pa(3, 0), VTD_ORACLE_MISSING_FLUSH);
	dma(&f, "dev 2 2M stale", &b2, PA_BASE + 0x40001234ull, VTD_ORACLE_MISSING_FLUSH);
	/* one IOTLB PSI (same DID) for the 4K page, one for 4K inside the 2M */
	UNIT_EQ_HEX(vtd_builder_flush(f.fx.b, SL_DOM, false, 0, iova, SZ_4K, true), 1);
	UNIT_EQ_HEX(vtd_builder_flush(f.fx.b, SL_DOM, false, 0, big + 0x5000, SZ_4K, true), 1);
	dma(&f, "dev 1", &r1, pa(4, 0), VTD_ORACLE_OK);
	dma(&f, "dev 2", &r2, pa(4, 0), VTD_ORACLE_OK);
	dma(&f, "dev 2 2M", &b2, PA_BASE + 0x80001234ull, VTD_ORACLE_OK);
	UNIT_EQ_HEX(vtd_oracle_missing_flush(f.o), 3);
	UNIT_EQ_HEX(vtd_oracle_stale(f.o), 0);
	ofx_fini(&f);
}

/* Only cache-served, successful results are judged. */
static void test_only_cached_results(void)
{
	struct ofx f;
	struct iommu_req r = rid_req(0);
	struct iommu_resp resp;

	if (!ofx_init(&f))
		return;
	memset(&resp, 0, sizeof(resp));
	resp.ok = true;
	resp.hpa = 0xDEAD000; /* wrong, but from a walk */
	resp.source = IOMMU_SRC_WALK;
	UNIT_EQ_HEX(vtd_oracle_check(f.o, &r, &resp), VTD_ORACLE_OK);
	resp.source = IOMMU_SRC_IOTLB;
	resp.ok = false; /* failed */
	UNIT_EQ_HEX(vtd_oracle_check(f.o, &r, &resp), VTD_ORACLE_OK);
	resp.ok = true; /* a wrong cached result, never invalidated: software */
	resp.page_size = SZ_4K;
	resp.did = DOM;
	resp.pgtt = VTD_PGTT_FL;
	UNIT_EQ_HEX(vtd_oracle_check(f.o, &r, &resp), VTD_ORACLE_MISSING_FLUSH);
	UNIT_EQ_HEX(vtd_oracle_missing_flush(f.o), 1);
	UNIT_TRUE(strcmp(vtd_oracle_verdict_name(VTD_ORACLE_MISSING_FLUSH), "missing_flush") == 0);
	UNIT_TRUE(strcmp(vtd_oracle_verdict_name(VTD_ORACLE_OK), "") == 0);
	ofx_fini(&f);
}

/* The oracle reuses its reference walk of a page while memory and the
 * registers are unchanged: a correct cached result stays OK on a second
 * check; a table edit (a memory write), an injected access error, or a
 * register write (translation disabled) each make the same result wrong. */
static void test_reference_memo(void)
{
	struct ofx f;
	struct iommu_req r = rid_req(1);
	struct iommu_resp resp = {.ok = true,
				  .source = IOMMU_SRC_IOTLB,
				  .page_size = SZ_4K,
				  .did = DOM,
				  .pgtt = VTD_PGTT_FL};
	uint64_t pte;

	if (!ofx_init(&f))
		return;
	resp.hpa = pa(0, 1);
	UNIT_EQ_HEX(vtd_oracle_check(f.o, &r, &resp), VTD_ORACLE_OK);
	UNIT_EQ_HEX(vtd_oracle_check(f.o, &r, &resp), VTD_ORACLE_OK);
	r.addr += 0x88; /* same page, same reference */
	resp.hpa += 0x88;
	UNIT_EQ_HEX(vtd_oracle_check(f.o, &r, &resp), VTD_ORACLE_OK);
	/* unmap: the tables change in memory */
	UNIT_EQ_HEX(vtd_builder_unmap(f.fx.b, DOM, IOVA + SZ_4K, SZ_4K), 0);
	UNIT_EQ_HEX(vtd_oracle_check(f.o, &r, &resp), VTD_ORACLE_MISSING_FLUSH);
	UNIT_EQ_HEX(vtd_builder_map_page(f.fx.b, DOM, IOVA + SZ_4K, pa(0, 1), SZ_4K, RW, true), 0);
	UNIT_EQ_HEX(vtd_oracle_check(f.o, &r, &resp), VTD_ORACLE_OK);
	/* an access error on the page holding the leaf entry: the walk fails */
	UNIT_EQ_HEX(iommu_mem_read64(&f.fx.mem, 0, &pte), 0);
	f.fx.um.bad_read[f.fx.um.n_bad_read++] = 0; /* page 0 holds no table: still OK */
	UNIT_EQ_HEX(vtd_oracle_check(f.o, &r, &resp), VTD_ORACLE_OK);
	f.fx.um.n_bad_read = 0;
	UNIT_EQ_HEX(vtd_oracle_check(f.o, &r, &resp), VTD_ORACLE_OK);
	/* translation disabled (a register write, no memory write): the
	 * reference is now the untranslated address */
	iommu_reg_write(f.fx.mmu, VTD_REG_GCMD, 4, 0);
	UNIT_EQ_HEX(vtd_oracle_check(f.o, &r, &resp), VTD_ORACLE_MISSING_FLUSH);
	UNIT_EQ_HEX(vtd_oracle_missing_flush(f.o), 2);
	ofx_fini(&f);
}

/* A forged stale result: what the served entry was, filled at fill_seq; the
 * hpa matches no table, so the oracle judges coverage. */
static enum vtd_oracle_verdict forged(struct ofx *f, uint64_t fill_seq, const struct iommu_req *r,
				      enum iommu_source src, uint16_t did, unsigned pgtt,
				      bool global)
{
	struct iommu_resp resp = {
		.ok = true,
		.source = src,
		.hpa = 0xDEAD000,
		.page_size = SZ_4K,
		.did = did,
		.pasid = r->pasid_valid ? r->pasid : 0,
		.pgtt = pgtt,
		.global = global,
		.fill_seq = fill_seq,
	};

	return vtd_oracle_check(f->o, r, &resp);
}

enum { E_FL, E_FL_GLOBAL, E_SL, E_DEV_PASID, E_DEV_NOPASID };

struct cov_row {
	const char *name;
	unsigned entry;
	unsigned type, g;
	uint16_t did;
	uint32_t pasid;
	uint64_t addr;
	unsigned am; /* or device-TLB size in pages */
	bool wait;
	enum vtd_oracle_verdict v;
};

#define STALE   VTD_ORACLE_STALE
#define MISSING VTD_ORACLE_MISSING_FLUSH

static const struct cov_row cov_rows[] = {
	{"P_IOTLB PSI, the page", E_FL, VTD_DESC_PIOTLB, 3, DOM, KPASID, IOVA, 0, true, STALE},
	{"P_IOTLB PSI, no wait", E_FL, VTD_DESC_PIOTLB, 3, DOM, KPASID, IOVA, 0, false, MISSING},
	{"P_IOTLB PSI, another page", E_FL, VTD_DESC_PIOTLB, 3, DOM, KPASID, IOVA + 2 * SZ_4K, 0,
	 true, MISSING},
	{"P_IOTLB PSI, AM 2 around it", E_FL, VTD_DESC_PIOTLB, 3, DOM, KPASID, IOVA + 3 * SZ_4K, 2,
	 true, STALE},
	{"P_IOTLB PSI, other PASID", E_FL, VTD_DESC_PIOTLB, 3, DOM, KPASID + 1, IOVA, 0, true,
	 MISSING},
	{"P_IOTLB PSI, other DID", E_FL, VTD_DESC_PIOTLB, 3, DOM2, KPASID, IOVA, 0, true, MISSING},
	{"P_IOTLB PASID", E_FL, VTD_DESC_PIOTLB, 2, DOM, KPASID, 0, 0, true, STALE},
	{"P_IOTLB PASID keeps global", E_FL_GLOBAL, VTD_DESC_PIOTLB, 2, DOM, KPASID, 0, 0, true,
	 MISSING},
	{"P_IOTLB PSI takes global", E_FL_GLOBAL, VTD_DESC_PIOTLB, 3, DOM, KPASID, IOVA, 0, true,
	 STALE},
	{"P_IOTLB on a second-level entry", E_SL, VTD_DESC_PIOTLB, 2, DOM, KPASID, 0, 0, true,
	 MISSING},
	{"IOTLB global", E_FL, VTD_DESC_IOTLB, 1, 0, 0, 0, 0, true, STALE},
	{"IOTLB DSI", E_FL, VTD_DESC_IOTLB, 2, DOM, 0, 0, 0, true, STALE},
	{"IOTLB DSI, other DID", E_FL, VTD_DESC_IOTLB, 2, DOM2, 0, 0, 0, true, MISSING},
	{"IOTLB PSI, first-level entry (any address)", E_FL, VTD_DESC_IOTLB, 3, DOM, 0,
	 IOVA + 64 * SZ_4K, 0, true, STALE},
	{"IOTLB PSI, second-level entry in range", E_SL, VTD_DESC_IOTLB, 3, DOM, 0, IOVA, 0, true,
	 STALE},
	{"IOTLB PSI, second-level entry out of range", E_SL, VTD_DESC_IOTLB, 3, DOM, 0,
	 IOVA + 64 * SZ_4K, 0, true, MISSING},
	{"PASID-cache invalidation", E_FL, VTD_DESC_PC, 1, DOM, KPASID, 0, 0, true, MISSING},
	{"PASID device-TLB, its PASID", E_DEV_PASID, VTD_DESC_PDEVTLB, 0, 0, KPASID, IOVA, 1, true,
	 STALE},
	{"PASID device-TLB, other PASID", E_DEV_PASID, VTD_DESC_PDEVTLB, 0, 0, KPASID + 1, IOVA, 1,
	 true, MISSING},
	{"PASID device-TLB, global", E_DEV_PASID, VTD_DESC_PDEVTLB, 1, 0, KPASID + 1, IOVA, 1, true,
	 STALE},
	{"PASID device-TLB, 8K around it", E_DEV_PASID, VTD_DESC_PDEVTLB, 0, 0, KPASID,
	 IOVA + SZ_4K, 2, true, STALE},
	{"device-TLB on a PASID entry", E_DEV_PASID, VTD_DESC_DEVTLB, 0, 0, 0, IOVA, 1, true,
	 MISSING},
	{"device-TLB, no PASID", E_DEV_NOPASID, VTD_DESC_DEVTLB, 0, 0, 0, IOVA, 1, true, STALE},
	{"device-TLB, another page", E_DEV_NOPASID, VTD_DESC_DEVTLB, 0, 0, 0, IOVA + SZ_2M, 1, true,
	 MISSING},
	{"device-TLB, everything", E_DEV_NOPASID, VTD_DESC_DEVTLB, 0, 0, 0, 0, 0, true, STALE},
};

/* The oracle's coverage rules, one descriptor at a time: each row queues a
 * descriptor (and a wait, unless told not to) after the entry was filled,
 * then asks about a stale entry with the row's tags. STALE means the
 * descriptor covered the entry (an IOMMU that still served it is wrong);
 * MISSING_FLUSH means it did not. */
static void test_coverage_table(void)
{
	struct ofx f;

	if (!ofx_init(&f))
		return;
	for (size_t i = 0; i < sizeof(cov_rows) / sizeof(cov_rows[0]); i++) {
		const struct cov_row *c = &cov_rows[i];
		bool dev = c->entry == E_DEV_PASID || c->entry == E_DEV_NOPASID;
		struct iommu_req r = c->entry == E_DEV_NOPASID ? rid_req(0) : k_req(0);
		uint64_t seq0 = iommu_seq(f.fx.mmu), size = (uint64_t)c->am * SZ_4K;
		unsigned pgtt = c->entry == E_SL ? VTD_PGTT_SL : VTD_PGTT_FL;
		uint64_t qw[4];

		switch (c->type) {
		case VTD_DESC_PIOTLB:
			vtd_desc_piotlb(qw, c->g, c->did, c->pasid, c->addr, c->am, false);
			break;
		case VTD_DESC_IOTLB: vtd_desc_iotlb(qw, c->g, c->did, c->addr, c->am, false); break;
		case VTD_DESC_PC: vtd_desc_pc(qw, c->g, c->did, c->pasid); break;
		case VTD_DESC_PDEVTLB:
			vtd_desc_pdevtlb(qw, SID, c->pasid, c->g, c->addr, size);
			break;
		default: vtd_desc_devtlb(qw, SID, c->addr, size); break;
		}
		UNIT_EQ_HEXC(c->name, vtd_builder_submit(f.fx.b, qw), 0);
		if (c->wait)
			UNIT_EQ_HEXC(c->name, vtd_builder_wait(f.fx.b), 0);
		UNIT_EQ_HEXC(c->name,
			     forged(&f, seq0, &r, dev ? IOMMU_SRC_DEVTLB : IOMMU_SRC_IOTLB, DOM,
				    pgtt, c->entry == E_FL_GLOBAL),
			     c->v);
	}
	UNIT_TRUE(vtd_oracle_stale(f.o) > 0 && vtd_oracle_missing_flush(f.o) > 0);
	ofx_fini(&f);
}

static void noop_desc(void *ctx, const uint64_t qw[4])
{
	(void)ctx, (void)qw;
}

/* The oracle watches the queue as one of IOMMU_MAX_QI_OBSERVERS observers:
 * with every slot taken it cannot be created, and the IOMMU keeps exactly
 * the observers it had; with a slot free again it can. */
static void test_no_observer_slot(void)
{
	struct unit_fx fx;
	struct vtd_oracle *o;
	int ctx[IOMMU_MAX_QI_OBSERVERS];

	if (!unit_fx_init(&fx, NULL, NULL))
		return;
	for (unsigned i = 0; i < IOMMU_MAX_QI_OBSERVERS; i++)
		UNIT_EQ_HEX(iommu_add_qi_observer(fx.mmu,
						  (struct iommu_qi_observer){noop_desc, NULL, NULL},
						  &ctx[i]),
			    0);
	UNIT_TRUE(vtd_oracle_create(fx.mmu) == NULL);
	UNIT_EQ_HEX(iommu_add_qi_observer(fx.mmu, (struct iommu_qi_observer){noop_desc, NULL, NULL},
					  &fx),
		    (uint64_t)-IOMMU_ENOMEM);
	iommu_remove_qi_observer(fx.mmu, &ctx[1]);
	o = vtd_oracle_create(fx.mmu);
	UNIT_TRUE(o != NULL);
	vtd_oracle_destroy(o);
	unit_fx_fini(&fx);
}

void unit_register(void)
{
	static const struct unit_test oracle_tests[] = {
		{"flush of RID_PASID only: kernel PASID stale", test_partial_flush},
		{"complete flushes: nothing stale", test_full_flush},
		{"unbind: DMA faults", test_unbind},
		{"unbind without flush: missing flush", test_unbind_without_flush},
		{"shared second-level domain, 2M entry", test_shared_sl},
		{"only cache-served results are judged", test_only_cached_results},
		{"the reference walk is redone after any change", test_reference_memo},
		{"coverage of each descriptor type", test_coverage_table},
		{"no free queue-observer slot", test_no_observer_slot},
		{NULL, NULL},
	};

	unit_add_suite("oracle", oracle_tests);
}
