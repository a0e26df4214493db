/*
 * Tests of src/ats.c: an ATS endpoint's device TLB against the IOMMU with
 * every cache on. Miss (translation request, fill, translated request) and
 * hit (translated request only, no walk); completion entries with the
 * S-bit size; DTE = 0 (0x44, recorded); unmapped pages (no record);
 * device-TLB invalidations (0x3, 0x8) reaching the endpoint through the
 * bus, their ranges and PASID selection, and what the oracle says about an
 * entry the driver did not invalidate.
 *
 * ATS_SID has ATS (context DTE = 1): without PASID → second-level SL_DOM,
 * PASIDs P1, P2 → first-level FL_DOM. NOATS_SID is attached to SL_DOM
 * with DTE = 0.
 */
#include "unit.h"

#include <stdio.h>
#include <string.h>

#include "iommu/ats.h"
#include "iommu/vtd_oracle.h"
#include "iommu/vtd_qi.h"

#define ATS_SID   0x4210
#define NOATS_SID 0x4218
#define P1        0x31u
#define P2        0x32u
#define SL_DOM    5
#define FL_DOM    6

#define SL_IOVA 0x3000000000ull   /* 1 GiB aligned */
#define FL_IOVA 0x7F0000000000ull /* 1 GiB aligned, canonical */
#define PA_BASE 0x200000000000ull

#define SZ_4K 0x1000ull
#define SZ_8K 0x2000ull
#define SZ_2M 0x200000ull
#define SZ_1G 0x40000000ull

#define RW (IOMMU_PERM_R | IOMMU_PERM_W)

struct afx {
	struct unit_fx fx;
	struct ats_bus *bus;
	struct ats_dev *dev;
	struct vtd_oracle *o;
};

static uint64_t pa(unsigned gen, unsigned i)
{
	return PA_BASE + (uint64_t)gen * 0x10000000 + i * SZ_4K;
}

static bool attach(struct afx *a, uint16_t sid, bool has_pasid, uint32_t pasid, enum vtd_pgtt type,
		   bool dte)
{
	struct vtd_attach at;
	int rc;

	vtd_attach_init(&at, sid, type);
	at.has_pasid = has_pasid;
	at.pasid = pasid;
	at.s1 = type == VTD_PGTT_FL ? FL_DOM : -1;
	at.s2 = type == VTD_PGTT_SL ? SL_DOM : -1;
	at.wpe = false;
	at.dte = dte;
	rc = vtd_builder_attach(a->fx.b, &at);
	if (!UNIT_EQ_HEX(rc, 0)) {
		fprintf(stderr, "attach: %s\n", vtd_builder_error(a->fx.b));
		return false;
	}
	return true;
}

static void afx_fini(struct afx *a)
{
	vtd_oracle_destroy(a->o);
	ats_bus_destroy(a->bus);
	unit_fx_fini(&a->fx);
}

/* SL_DOM and FL_DOM map pages 0..7 at their IOVAs to pa(0, i). */
static bool afx_init(struct afx *a)
{
	const struct iommu_cache_geom g = {16, 4, IOMMU_REPL_LRU};
	struct iommu_config cfg;
	bool ok = true;

	memset(a, 0, sizeof(*a));
	iommu_config_default(&cfg);
	if (!unit_fx_init(&a->fx, &cfg, NULL))
		return false;
	ok &= UNIT_EQ_HEX(vtd_builder_domain(a->fx.b, SL_DOM, VTD_STAGE_S2, 4, -1), 0);
	ok &= UNIT_EQ_HEX(vtd_builder_domain(a->fx.b, FL_DOM, VTD_STAGE_S1, 4, -1), 0);
	ok &= attach(a, ATS_SID, false, 0, VTD_PGTT_SL, true);
	ok &= attach(a, ATS_SID, true, P1, VTD_PGTT_FL, true);
	ok &= attach(a, ATS_SID, true, P2, VTD_PGTT_FL, true);
	ok &= attach(a, NOATS_SID, false, 0, VTD_PGTT_SL, false);
	for (unsigned i = 0; ok && i < 8; i++) {
		ok &= UNIT_EQ_HEX(vtd_builder_map_page(a->fx.b, SL_DOM, SL_IOVA + i * SZ_4K,
						       pa(0, i), SZ_4K, RW, true),
				  0);
		ok &= UNIT_EQ_HEX(vtd_builder_map_page(a->fx.b, FL_DOM, FL_IOVA + i * SZ_4K,
						       pa(1, i), SZ_4K, RW, true),
				  0);
	}
	a->bus = ats_bus_create();
	a->dev = ats_dev_create(ATS_SID, &g, 1);
	a->o = vtd_oracle_create(a->fx.mmu);
	ok &= UNIT_TRUE(a->bus && a->dev && a->o);
	if (a->bus && a->dev) {
		ok &= UNIT_EQ_HEX(ats_bus_add(a->bus, a->dev), 0);
		ats_bus_connect(a->bus, a->fx.mmu);
	} else {
		ats_dev_destroy(a->dev);
	}
	if (!ok)
		afx_fini(a);
	return ok;
}

static uint32_t walk_reads(const struct iommu_refs *r)
{
	uint32_t n = 0;

	for (unsigned l = 1; l <= IOMMU_MAX_LEVELS; l++)
		n += r->fl[l] + r->sl[l];
	return n;
}

/* One DMA from the endpoint, checked by the oracle; expects hpa. */
static bool dma_expect(struct afx *a, const char *ctx, const struct iommu_req *req, uint64_t hpa,
		       enum vtd_oracle_verdict verdict, struct iommu_resp *out)
{
	struct iommu_resp resp;
	bool ok = true;

	ok &= UNIT_EQ_HEXC(ctx, ats_dev_dma(a->dev, a->fx.mmu, req, &resp), 0);
	ok &= UNIT_TRUEC(ctx, resp.ok);
	ok &= UNIT_EQ_HEXC(ctx, resp.hpa, hpa);
	ok &= UNIT_EQ_HEXC(ctx, vtd_oracle_check(a->o, req, &resp), verdict);
	if (out)
		*out = resp;
	return ok;
}

static struct iommu_req sl_req(unsigned i, uint64_t off)
{
	return unit_req(ATS_SID, SL_IOVA + i * SZ_4K + off, IOMMU_ACC_READ);
}

static struct iommu_req fl_req(uint32_t pasid, unsigned i)
{
	return unit_req_pasid(ATS_SID, pasid, false, FL_IOVA + i * SZ_4K, IOMMU_ACC_READ);
}

static void submit_wait(struct afx *a, const uint64_t qw[4])
{
	UNIT_EQ_HEX(vtd_builder_submit(a->fx.b, qw), 0);
	UNIT_EQ_HEX(vtd_builder_wait(a->fx.b), 0);
}

static void remap(struct afx *a, unsigned dom, uint64_t iova, uint64_t to)
{
	UNIT_EQ_HEX(vtd_builder_unmap(a->fx.b, dom, iova, SZ_4K), 0);
	UNIT_EQ_HEX(vtd_builder_map_page(a->fx.b, dom, iova, to, SZ_4K, RW, true), 0);
}

/* --- miss and hit ------------------------------------------------------- */

static void test_miss_hit(void)
{
	struct afx a;
	struct iommu_req r = sl_req(2, 0x10);
	struct iommu_resp resp;
	const struct iommu_cache_stats *ds;
	const struct iommu_stats *st;
	uint64_t iotlb_lookups;

	if (!afx_init(&a))
		return;
	ds = ats_dev_stats(a.dev);
	st = iommu_stats(a.fx.mmu);
	/* miss: one translation request, then the translated request */
	dma_expect(&a, "miss", &r, pa(0, 2) + 0x10, VTD_ORACLE_OK, &resp);
	UNIT_EQ_HEX(ds->lookups, 1);
	UNIT_EQ_HEX(ds->misses, 1);
	UNIT_EQ_HEX(ds->fills, 1);
	UNIT_EQ_HEX(st->translation_reqs, 1);
	UNIT_EQ_HEX(st->translated_reqs, 1);
	UNIT_EQ_HEX(st->walk_mem_reads, 4); /* the translation request walked */
	UNIT_EQ_HEX(resp.page_size, SZ_4K);
	UNIT_EQ_HEX(resp.perm & IOMMU_PERM_R, IOMMU_PERM_R);
	/* a miss reports what served the translation request, and its reads */
	UNIT_EQ_HEX(resp.source, IOMMU_SRC_WALK);
	UNIT_EQ_HEX(walk_reads(&resp.refs), 4);
	UNIT_EQ_HEX(resp.did, SL_DOM);
	/* hit: the translated request only, no walk, no IOTLB lookup */
	iotlb_lookups = iommu_cache_stats(a.fx.mmu, IOMMU_CACHE_IOTLB)->lookups;
	r.addr += 0x100;
	dma_expect(&a, "hit", &r, pa(0, 2) + 0x110, VTD_ORACLE_OK, &resp);
	UNIT_EQ_HEX(resp.source, IOMMU_SRC_DEVTLB);
	UNIT_EQ_HEX(resp.did, SL_DOM);
	UNIT_EQ_HEX(walk_reads(&resp.refs), 0);
	UNIT_EQ_HEX(resp.refs.context + resp.refs.root, 0); /* context cache */
	UNIT_EQ_HEX(resp.refs.pasid_entry + resp.refs.pasid_dir, 0);
	UNIT_EQ_HEX(ds->hits, 1);
	UNIT_EQ_HEX(ds->fills, 1);
	UNIT_EQ_HEX(st->translation_reqs, 1);
	UNIT_EQ_HEX(st->translated_reqs, 2);
	UNIT_EQ_HEX(st->walk_mem_reads, 4);
	UNIT_EQ_HEX(iommu_cache_stats(a.fx.mmu, IOMMU_CACHE_IOTLB)->lookups, iotlb_lookups);
	/* device TLB dropped, IOTLB kept: the translation request hits the
	 * IOTLB (same DID and PASID), no walk */
	{
		uint64_t qw[4];

		vtd_desc_devtlb(qw, ATS_SID, 0, 0);
		submit_wait(&a, qw);
		dma_expect(&a, "miss, IOTLB hit", &r, pa(0, 2) + 0x110, VTD_ORACLE_OK, &resp);
		UNIT_EQ_HEX(resp.source, IOMMU_SRC_IOTLB);
		UNIT_EQ_HEX(walk_reads(&resp.refs), 0);
		UNIT_EQ_HEX(st->translation_reqs, 2);
		UNIT_EQ_HEX(ds->misses, 2);
	}
	/* the device TLB is tagged by PASID: P1 and P2 are separate entries */
	r = fl_req(P1, 0);
	dma_expect(&a, "P1 miss", &r, pa(1, 0), VTD_ORACLE_OK, NULL);
	r = fl_req(P2, 0);
	dma_expect(&a, "P2 miss", &r, pa(1, 0), VTD_ORACLE_OK, NULL);
	UNIT_EQ_HEX(ds->misses, 4);
	dma_expect(&a, "P2 hit", &r, pa(1, 0), VTD_ORACLE_OK, NULL);
	UNIT_EQ_HEX(ds->hits, 2);
	afx_fini(&a);
}

/* A translated request carries a host address: the IOMMU passes it without
 * a walk when DTE = 1, and blocks it (0x44) when DTE = 0. */
static void test_translated(void)
{
	struct afx a;
	struct iommu_req r = unit_req(ATS_SID, 0x123456789000ull, IOMMU_ACC_WRITE);
	struct iommu_resp resp;

	if (!afx_init(&a))
		return;
	r.at = IOMMU_AT_TRANSLATED;
	UNIT_EQ_HEX(iommu_translate(a.fx.mmu, &r, &resp), 0);
	UNIT_TRUE(resp.ok);
	UNIT_EQ_HEX(resp.hpa, 0x123456789000ull);
	UNIT_EQ_HEX(walk_reads(&resp.refs), 0);
	UNIT_EQ_HEX(resp.refs.pasid_entry, 0);
	UNIT_EQ_HEX(iommu_stats(a.fx.mmu)->translated_reqs, 1);
	r.sid = NOATS_SID;
	UNIT_EXPECT_FAULT(&a.fx, &r, VTD_FR_CTX_DTE_CLEAR, "translated, DTE 0", &resp);
	UNIT_TRUE(!resp.unsupported);
	UNIT_EQ_HEX(iommu_stats(a.fx.mmu)->translated_reqs, 1);
	afx_fini(&a);
}

/* --- completions and page sizes ----------------------------------------- */

static void test_cpl_encode(void)
{
	static const struct {
		uint64_t page, size;
		unsigned perm;
		bool global;
	} cases[] = {
		{0x123456789000ull, SZ_4K, IOMMU_PERM_R | IOMMU_PERM_U, false},
		{0x12345678A000ull, SZ_8K, RW | IOMMU_PERM_U, true},
		{0x234540200000ull, SZ_2M, IOMMU_PERM_R | IOMMU_PERM_X, false},
		{0x234540000000ull, SZ_1G, RW | IOMMU_PERM_X | IOMMU_PERM_U, true},
		{0x1000ull, SZ_4K, 0, false},
	};

	for (size_t k = 0; k < sizeof(cases) / sizeof(cases[0]); k++) {
		uint64_t e = ats_cpl_encode(cases[k].page, cases[k].size, cases[k].perm,
					    cases[k].global);
		uint64_t page, size, want;
		unsigned perm;
		bool global;
		char ctx[64];

		snprintf(ctx, sizeof(ctx), "size 0x%llx", (unsigned long long)cases[k].size);
		/* the entry as the PCIe completion lays it out */
		want = cases[k].page;
		want |= (cases[k].perm & IOMMU_PERM_R) ? 1u : 0u;
		want |= (cases[k].perm & IOMMU_PERM_W) ? 2u : 0u;
		want |= (cases[k].perm & IOMMU_PERM_X) ? 8u : 0u;
		want |= (cases[k].perm & IOMMU_PERM_U) ? 0u : 16u; /* Priv */
		want |= cases[k].global ? 32u : 0u;
		if (cases[k].size > SZ_4K) /* S = 1, bits [log2(size) - 2 : 12] = 1 */
			want |= 1u << 11 | ((cases[k].size >> 1) - SZ_4K);
		UNIT_EQ_HEXC(ctx, e, want);
		ats_cpl_decode(e, &page, &size, &perm, &global);
		UNIT_EQ_HEXC(ctx, page, cases[k].page);
		UNIT_EQ_HEXC(ctx, size, cases[k].size);
		UNIT_EQ_HEXC(ctx, perm, cases[k].perm);
		UNIT_EQ_HEXC(ctx, global, cases[k].global);
	}
	/* explicit: a 2 MiB page at 0x40000000 is 0x400FF800 | perms */
	UNIT_EQ_HEX(ats_cpl_encode(0x40000000ull, SZ_2M, IOMMU_PERM_R | IOMMU_PERM_U, false),
		    0x400FF801ull);
}

/* Large pages make one device-TLB entry of their size. */
static void test_large_pages(void)
{
	struct afx a;
	const uint64_t iova2m = SL_IOVA + SZ_1G, hpa2m = PA_BASE + 0x40000000ull;
	const uint64_t iova1g = SL_IOVA + 2 * SZ_1G, hpa1g = PA_BASE + 0x80000000ull;
	struct iommu_req r;
	struct iommu_resp resp;
	const struct iommu_cache_stats *ds;

	if (!afx_init(&a))
		return;
	ds = ats_dev_stats(a.dev);
	if (!UNIT_EQ_HEX(vtd_builder_map_page(a.fx.b, SL_DOM, iova2m, hpa2m, SZ_2M, RW, true), 0) ||
	    !UNIT_EQ_HEX(vtd_builder_map_page(a.fx.b, SL_DOM, iova1g, hpa1g, SZ_1G, RW, true), 0)) {
		afx_fini(&a);
		return;
	}
	r = unit_req(ATS_SID, iova2m + 0x1234, IOMMU_ACC_READ);
	dma_expect(&a, "2M miss", &r, hpa2m + 0x1234, VTD_ORACLE_OK, &resp);
	UNIT_EQ_HEX(resp.page_size, SZ_2M);
	r.addr = iova2m + SZ_2M - 8;
	dma_expect(&a, "2M hit at the end", &r, hpa2m + SZ_2M - 8, VTD_ORACLE_OK, &resp);
	UNIT_EQ_HEX(resp.page_size, SZ_2M);
	UNIT_EQ_HEX(ds->hits, 1);
	r.addr = iova1g + 0x3FFFF000ull;
	dma_expect(&a, "1G miss", &r, hpa1g + 0x3FFFF000ull, VTD_ORACLE_OK, &resp);
	UNIT_EQ_HEX(resp.page_size, SZ_1G);
	r.addr = iova1g + 0x12345678ull;
	dma_expect(&a, "1G hit", &r, hpa1g + 0x12345678ull, VTD_ORACLE_OK, &resp);
	UNIT_EQ_HEX(ds->hits, 2);
	UNIT_EQ_HEX(ds->fills, 2);
	/* a 4 KiB device-TLB invalidation inside the 2 MiB page drops it */
	{
		uint64_t qw[4];

		vtd_desc_devtlb(qw, ATS_SID, iova2m + 0x5000, SZ_4K);
		submit_wait(&a, qw);
		r.addr = iova2m;
		dma_expect(&a, "2M after inv", &r, hpa2m, VTD_ORACLE_OK, NULL);
		UNIT_EQ_HEX(ds->misses, 3);
	}
	afx_fini(&a);
}

/* --- faults ------------------------------------------------------------- */

/* DTE = 0: the translation request is Unsupported Request, 0x44 recorded
 * as a page (translation) request. */
static void test_dte_clear(void)
{
	struct afx a;
	struct iommu_req r = unit_req(NOATS_SID, SL_IOVA, IOMMU_ACC_READ);
	struct iommu_resp resp;
	uint64_t hi;

	if (!afx_init(&a))
		return;
	/* the endpoint at NOATS_SID has ATS but its context says DTE = 0 */
	{
		const struct iommu_cache_geom g = {4, 2, IOMMU_REPL_LRU};
		struct ats_dev *d = ats_dev_create(NOATS_SID, &g, 1);

		if (!UNIT_TRUE(d != NULL) || !UNIT_EQ_HEX(ats_bus_add(a.bus, d), 0)) {
			ats_dev_destroy(d);
			afx_fini(&a);
			return;
		}
		UNIT_EQ_HEX(ats_dev_dma(d, a.fx.mmu, &r, &resp), 1);
		UNIT_TRUE(!resp.ok);
		UNIT_TRUE(resp.unsupported);
		UNIT_EQ_HEX(resp.fault, VTD_FR_CTX_DTE_CLEAR);
		UNIT_TRUE(resp.fault_recorded);
		UNIT_EQ_HEX(ats_dev_stats(d)->fills, 0);
	}
	UNIT_EQ_HEX(iommu_stats(a.fx.mmu)->faults_by_reason[VTD_FR_CTX_DTE_CLEAR], 1);
	UNIT_EQ_HEX(iommu_stats(a.fx.mmu)->translated_reqs, 0);
	hi = iommu_reg_read(a.fx.mmu, VTD_FRCD_OFFSET + 8, 8);
	UNIT_EQ_HEX(FIELD_GET64(VTD_FRCD_HI_FR, hi), VTD_FR_CTX_DTE_CLEAR);
	UNIT_EQ_HEX(FIELD_GET64(VTD_FRCD_HI_SID, hi), NOATS_SID);
	UNIT_EQ_HEX(hi & (VTD_FRCD_HI_F | VTD_FRCD_HI_T | VTD_FRCD_HI_T2),
		    VTD_FRCD_HI_F | VTD_FRCD_HI_T2);
	UNIT_EQ_HEX(iommu_reg_read(a.fx.mmu, VTD_FRCD_OFFSET, 8), SL_IOVA);
	afx_fini(&a);
}

/* An unmapped page: the translation request completes with no permission
 * and nothing recorded; the DMA cannot proceed. A write to a read-only
 * page: read-only completion, the write fails, nothing recorded. */
static void test_unmapped(void)
{
	struct afx a;
	struct iommu_req r = sl_req(100, 0);
	struct iommu_resp resp;
	const struct iommu_stats *st;

	if (!afx_init(&a))
		return;
	st = iommu_stats(a.fx.mmu);
	UNIT_EQ_HEX(ats_dev_dma(a.dev, a.fx.mmu, &r, &resp), 1);
	UNIT_TRUE(!resp.ok);
	UNIT_EQ_HEX(resp.fault, VTD_FR_SL_PERM);
	UNIT_TRUE(!resp.fault_recorded);
	UNIT_EQ_HEX(st->faults_recorded, 0);
	UNIT_EQ_HEX(iommu_reg_read(a.fx.mmu, VTD_REG_FSTS, 4) & VTD_FSTS_PPF, 0);
	UNIT_EQ_HEX(st->translation_reqs, 1);
	UNIT_EQ_HEX(st->translated_reqs, 0);
	UNIT_EQ_HEX(ats_dev_stats(a.dev)->fills, 0);
	/* the same through first level, with PASID */
	r = fl_req(P1, 100);
	UNIT_EQ_HEX(ats_dev_dma(a.dev, a.fx.mmu, &r, &resp), 1);
	UNIT_EQ_HEX(resp.fault, VTD_FR_FL_NOT_PRESENT);
	UNIT_EQ_HEX(st->faults_recorded, 0);

	/* read-only page */
	UNIT_EQ_HEX(vtd_builder_map_page(a.fx.b, SL_DOM, SL_IOVA + 100 * SZ_4K, pa(2, 0), SZ_4K,
					 IOMMU_PERM_R, true),
		    0);
	r = sl_req(100, 0);
	r.access = IOMMU_ACC_WRITE;
	UNIT_EQ_HEX(ats_dev_dma(a.dev, a.fx.mmu, &r, &resp), 1);
	UNIT_TRUE(!resp.ok);
	UNIT_EQ_HEX(resp.fault, VTD_FR_NO_WRITE);
	UNIT_EQ_HEX(st->faults_recorded, 0);
	UNIT_EQ_HEX(ats_dev_stats(a.dev)->fills, 0);
	r.access = IOMMU_ACC_READ;
	dma_expect(&a, "read of the read-only page", &r, pa(2, 0), VTD_ORACLE_OK, &resp);
	UNIT_EQ_HEX(resp.perm & (IOMMU_PERM_R | IOMMU_PERM_W), IOMMU_PERM_R);
	/* a write still cannot use that entry */
	r.access = IOMMU_ACC_WRITE;
	UNIT_EQ_HEX(ats_dev_dma(a.dev, a.fx.mmu, &r, &resp), 1);
	UNIT_EQ_HEX(st->faults_recorded, 0);
	afx_fini(&a);
}

/* WPE = 0 (the fixture's first-level attaches): a supervisor may write a
 * read-only user page; the completion for a privileged request grants W,
 * the one for a user request does not. */
static void test_priv_write_wpe0(void)
{
	struct afx a;
	struct iommu_req r = fl_req(P1, 200);
	struct iommu_resp resp;

	if (!afx_init(&a))
		return;
	UNIT_EQ_HEX(vtd_builder_map_page(a.fx.b, FL_DOM, FL_IOVA + 200 * SZ_4K, pa(3, 0), SZ_4K,
					 IOMMU_PERM_R, true),
		    0);
	r.priv = true;
	r.access = IOMMU_ACC_WRITE;
	dma_expect(&a, "privileged write, WPE = 0", &r, pa(3, 0), VTD_ORACLE_OK, &resp);
	UNIT_EQ_HEX(resp.perm & IOMMU_PERM_W, IOMMU_PERM_W);
	/* the untranslated request agrees */
	UNIT_EQ_HEX(iommu_translate(a.fx.mmu, &r, &resp), 0);
	UNIT_EQ_HEX(resp.hpa, pa(3, 0) + (r.addr & (SZ_4K - 1)));
	/* a user write to the same page is refused (no fault recorded) */
	r.priv = false;
	UNIT_EQ_HEX(ats_dev_dma(a.dev, a.fx.mmu, &r, &resp), 1);
	UNIT_EQ_HEX(resp.fault, VTD_FR_NO_WRITE);
	UNIT_EQ_HEX(iommu_stats(a.fx.mmu)->faults_recorded, 0);
	afx_fini(&a);
}

/* --- device-TLB invalidation --------------------------------------------- */

/* The device TLB is not the IOTLB: an IOTLB-only flush leaves the entry,
 * and the oracle blames software; a device-TLB invalidation removes it. */
static void test_stale_devtlb(void)
{
	struct afx a;
	struct iommu_req r = sl_req(1, 0);
	uint64_t qw[4];

	if (!afx_init(&a))
		return;
	dma_expect(&a, "fill", &r, pa(0, 1), VTD_ORACLE_OK, NULL);
	remap(&a, SL_DOM, r.addr, pa(3, 1));
	vtd_desc_iotlb(qw, VTD_IOTLB_PAGE, SL_DOM, r.addr, 0, true);
	submit_wait(&a, qw);
	/* the IOMMU itself translates anew */
	UNIT_EXPECT_HPA(&a.fx, &r, pa(3, 1), "IOMMU after the IOTLB flush", NULL);
	dma_expect(&a, "device TLB kept", &r, pa(0, 1), VTD_ORACLE_MISSING_FLUSH, NULL);
	UNIT_EQ_HEX(vtd_oracle_missing_flush(a.o), 1);
	/* a device-TLB invalidation of another page does not cover it */
	vtd_desc_devtlb(qw, ATS_SID, r.addr + SZ_4K, SZ_4K);
	submit_wait(&a, qw);
	dma_expect(&a, "other page invalidated", &r, pa(0, 1), VTD_ORACLE_MISSING_FLUSH, NULL);
	vtd_desc_devtlb(qw, ATS_SID, r.addr, SZ_4K);
	submit_wait(&a, qw);
	dma_expect(&a, "device TLB invalidated", &r, pa(3, 1), VTD_ORACLE_OK, NULL);
	UNIT_EQ_HEX(ats_dev_stats(a.dev)->invalidations, 1);
	/* the builder's flush sends the device-TLB invalidation itself */
	remap(&a, SL_DOM, r.addr, pa(4, 1));
	UNIT_TRUE(vtd_builder_flush(a.fx.b, SL_DOM, false, 0, r.addr, SZ_4K, true) >= 2);
	dma_expect(&a, "builder flush", &r, pa(4, 1), VTD_ORACLE_OK, NULL);
	UNIT_EQ_HEX(vtd_oracle_missing_flush(a.o), 2);
	UNIT_EQ_HEX(vtd_oracle_stale(a.o), 0);
	afx_fini(&a);
}

/* S-bit ranges: fill pages 0..7, invalidate a range, see which miss. */
static void devtlb_range_case(const char *name, uint64_t addr, uint64_t size, uint8_t dropped)
{
	struct afx a;
	uint64_t qw[4];

	if (!afx_init(&a))
		return;
	for (unsigned i = 0; i < 8; i++) {
		struct iommu_req r = sl_req(i, 0);

		dma_expect(&a, name, &r, pa(0, i), VTD_ORACLE_OK, NULL);
	}
	vtd_desc_devtlb(qw, ATS_SID, addr, size);
	submit_wait(&a, qw);
	for (unsigned i = 0; i < 8; i++) {
		struct iommu_req r = sl_req(i, 0);
		uint64_t misses = ats_dev_stats(a.dev)->misses;
		char ctx[96];

		snprintf(ctx, sizeof(ctx), "%s: page %u", name, i);
		dma_expect(&a, ctx, &r, pa(0, i), VTD_ORACLE_OK, NULL);
		UNIT_EQ_HEXC(ctx, ats_dev_stats(a.dev)->misses - misses, dropped >> i & 1);
	}
	afx_fini(&a);
}

static void test_devtlb_ranges(void)
{
	devtlb_range_case("4K page 3", SL_IOVA + 3 * SZ_4K, SZ_4K, 0x08);
	devtlb_range_case("8K at page 2", SL_IOVA + 2 * SZ_4K, SZ_8K, 0x0C);
	devtlb_range_case("16K at page 4", SL_IOVA + 4 * SZ_4K, 4 * SZ_4K, 0xF0);
	devtlb_range_case("32K", SL_IOVA, 8 * SZ_4K, 0xFF);
	devtlb_range_case("4K page 8", SL_IOVA + 8 * SZ_4K, SZ_4K, 0x00);
	devtlb_range_case("everything", 0, 0, 0xFF);
	/* S = 1 with address bits 13.. set: the size comes from the lowest 0
	 * bit, the base is aligned down (encoded by hand: 16 KiB at page 4) */
	{
		struct afx a;
		uint64_t qw[4];

		if (!afx_init(&a))
			return;
		for (unsigned i = 0; i < 8; i++) {
			struct iommu_req r = sl_req(i, 0);

			dma_expect(&a, "hand-encoded", &r, pa(0, i), VTD_ORACLE_OK, NULL);
		}
		vtd_desc_devtlb(qw, ATS_SID, 0, SZ_4K);
		qw[1] = (SL_IOVA + 4 * SZ_4K) | 0x1000 | 1; /* bit 12 = 1, bit 13 = 0: 16K */
		submit_wait(&a, qw);
		UNIT_EQ_HEX(ats_dev_stats(a.dev)->invalidations, 4);
		afx_fini(&a);
	}
}

/* PASID selection: 0x3 takes entries without PASID only; 0x8 those of its
 * PASID, or every PASID with G. */
static void test_devtlb_pasid(void)
{
	static const struct {
		const char *name;
		unsigned type;
		uint32_t pasid;
		bool global;
		unsigned dropped; /* bit 0: no PASID, 1: P1, 2: P2 */
	} cases[] = {
		{"0x3", VTD_DESC_DEVTLB, 0, false, 0x1},
		{"0x8 P1", VTD_DESC_PDEVTLB, P1, false, 0x2},
		{"0x8 P2", VTD_DESC_PDEVTLB, P2, false, 0x4},
		{"0x8 other PASID", VTD_DESC_PDEVTLB, 0x77, false, 0x0},
		{"0x8 G", VTD_DESC_PDEVTLB, 0x77, true, 0x6},
	};

	for (size_t k = 0; k < sizeof(cases) / sizeof(cases[0]); k++) {
		struct afx a;
		struct iommu_req rs[3] = {sl_req(0, 0), fl_req(P1, 0), fl_req(P2, 0)};
		uint64_t qw[4];

		if (!afx_init(&a))
			return;
		for (unsigned i = 0; i < 3; i++)
			dma_expect(&a, cases[k].name, &rs[i], i ? pa(1, 0) : pa(0, 0),
				   VTD_ORACLE_OK, NULL);
		if (cases[k].type == VTD_DESC_DEVTLB)
			vtd_desc_devtlb(qw, ATS_SID, 0, 0);
		else
			vtd_desc_pdevtlb(qw, ATS_SID, cases[k].pasid, cases[k].global, 0, 0);
		submit_wait(&a, qw);
		for (unsigned i = 0; i < 3; i++) {
			uint64_t misses = ats_dev_stats(a.dev)->misses;
			char ctx[64];

			snprintf(ctx, sizeof(ctx), "%s: entry %u", cases[k].name, i);
			dma_expect(&a, ctx, &rs[i], i ? pa(1, 0) : pa(0, 0), VTD_ORACLE_OK, NULL);
			UNIT_EQ_HEXC(ctx, ats_dev_stats(a.dev)->misses - misses,
				     cases[k].dropped >> i & 1);
		}
		afx_fini(&a);
	}
}

/* An endpoint that does not answer keeps its entries (ITE); once it
 * answers again the driver's flush removes them. */
static void test_devtlb_unresponsive(void)
{
	struct afx a;
	struct iommu_req r = sl_req(6, 0);

	if (!afx_init(&a))
		return;
	dma_expect(&a, "fill", &r, pa(0, 6), VTD_ORACLE_OK, NULL);
	remap(&a, SL_DOM, r.addr, pa(5, 6));
	ats_dev_set_responsive(a.dev, false);
	UNIT_EQ_HEX(vtd_builder_flush(a.fx.b, SL_DOM, false, 0, r.addr, SZ_4K, true), -IOMMU_EIO);
	UNIT_TRUE(strstr(vtd_builder_error(a.fx.b), "ITE") != NULL);
	UNIT_EQ_HEX(iommu_stats(a.fx.mmu)->devtlb_timeouts, 1);
	/* the IOTLB part ran, the endpoint kept its entry */
	UNIT_EXPECT_HPA(&a.fx, &r, pa(5, 6), "IOMMU", NULL);
	dma_expect(&a, "kept", &r, pa(0, 6), VTD_ORACLE_MISSING_FLUSH, NULL);
	ats_dev_set_responsive(a.dev, true);
	UNIT_TRUE(vtd_builder_flush(a.fx.b, SL_DOM, false, 0, r.addr, SZ_4K, true) >= 2);
	dma_expect(&a, "flushed", &r, pa(5, 6), VTD_ORACLE_OK, NULL);
	afx_fini(&a);
}

/* The oracle's other verdict: the driver invalidated the device TLB and
 * waited, but the endpoint (not connected to the IOMMU's invalidation
 * path, standing in for broken hardware) kept the entry: stale. Once with
 * raw descriptors, once with the builder's flush (the device-TLB
 * invalidation directly followed by the wait). */
static void test_oracle_stale(void)
{
	const struct iommu_cache_geom g = {16, 4, IOMMU_REPL_LRU};

	for (int use_flush = 0; use_flush < 2; use_flush++) {
		const char *name = use_flush ? "builder flush" : "descriptors";
		struct afx a;
		struct ats_dev *lost;
		struct iommu_req r = sl_req(3, 0);
		struct iommu_resp resp;
		uint64_t qw[4];

		if (!afx_init(&a))
			return;
		lost = ats_dev_create(ATS_SID, &g, 1); /* same SID, not on the bus */
		if (!UNIT_TRUE(lost != NULL)) {
			afx_fini(&a);
			return;
		}
		UNIT_EQ_HEXC(name, ats_dev_dma(lost, a.fx.mmu, &r, &resp), 0);
		remap(&a, SL_DOM, r.addr, pa(6, 3));
		if (use_flush) {
			UNIT_EQ_HEXC(
				name,
				vtd_builder_flush(a.fx.b, SL_DOM, false, 0, r.addr, SZ_4K, true),
				2);
		} else {
			vtd_desc_iotlb(qw, VTD_IOTLB_PAGE, SL_DOM, r.addr, 0, true);
			UNIT_EQ_HEXC(name, vtd_builder_submit(a.fx.b, qw), 0);
			vtd_desc_devtlb(qw, ATS_SID, r.addr, SZ_4K);
			submit_wait(&a, qw);
		}
		UNIT_EQ_HEXC(name, ats_dev_dma(lost, a.fx.mmu, &r, &resp), 0);
		UNIT_EQ_HEXC(name, resp.hpa, pa(0, 3));
		UNIT_EQ_HEXC(name, vtd_oracle_check(a.o, &r, &resp), VTD_ORACLE_STALE);
		UNIT_EQ_HEXC(name, vtd_oracle_stale(a.o), 1);
		UNIT_EQ_HEXC(name, vtd_oracle_missing_flush(a.o), 0);
		/* without a wait after it, the invalidation has not completed:
		 * the driver's fault */
		r = sl_req(4, 0);
		UNIT_EQ_HEXC(name, ats_dev_dma(lost, a.fx.mmu, &r, &resp), 0);
		remap(&a, SL_DOM, r.addr, pa(6, 4));
		vtd_desc_iotlb(qw, VTD_IOTLB_PAGE, SL_DOM, r.addr, 0, true);
		UNIT_EQ_HEXC(name, vtd_builder_submit(a.fx.b, qw), 0);
		vtd_desc_devtlb(qw, ATS_SID, r.addr, SZ_4K);
		UNIT_EQ_HEXC(name, vtd_builder_submit(a.fx.b, qw), 0);
		UNIT_EQ_HEXC(name, ats_dev_dma(lost, a.fx.mmu, &r, &resp), 0);
		UNIT_EQ_HEXC(name, resp.hpa, pa(0, 4));
		UNIT_EQ_HEXC(name, vtd_oracle_check(a.o, &r, &resp), VTD_ORACLE_MISSING_FLUSH);
		/* the wait completes it: now the hardware is to blame */
		UNIT_EQ_HEXC(name, vtd_builder_wait(a.fx.b), 0);
		UNIT_EQ_HEXC(name, ats_dev_dma(lost, a.fx.mmu, &r, &resp), 0);
		UNIT_EQ_HEXC(name, vtd_oracle_check(a.o, &r, &resp), VTD_ORACLE_STALE);
		UNIT_EQ_HEXC(name, vtd_oracle_stale(a.o), 2);
		ats_dev_destroy(lost);
		afx_fini(&a);
	}
	UNIT_TRUE(strcmp(vtd_oracle_verdict_name(VTD_ORACLE_STALE), "stale") == 0);
}

/* A bus holds one endpoint per source ID: a second one with the same SID
 * is refused and the first stays; more endpoints than the initial room
 * are all found. */
static void test_bus_sids(void)
{
	const struct iommu_cache_geom g = {.sets = 4, .ways = 2, .repl = IOMMU_REPL_LRU};
	struct ats_bus *bus = ats_bus_create();
	struct ats_dev *first = ats_dev_create(0x0100, &g, 1);
	struct ats_dev *twin = ats_dev_create(0x0100, &g, 2);

	if (!UNIT_TRUE(bus && first && twin)) {
		ats_dev_destroy(first);
		ats_dev_destroy(twin);
		ats_bus_destroy(bus);
		return;
	}
	UNIT_EQ_HEX(ats_bus_add(bus, first), 0);
	UNIT_EQ_HEX(ats_bus_add(bus, twin), (uint64_t)-IOMMU_EEXIST);
	UNIT_TRUE(ats_bus_find(bus, 0x0100) == first);
	ats_dev_destroy(twin);
	for (uint16_t i = 1; i <= 20; i++) {
		struct ats_dev *d = ats_dev_create((uint16_t)(0x0100 + 8 * i), &g, i);

		if (UNIT_TRUE(d != NULL))
			UNIT_EQ_HEX(ats_bus_add(bus, d), 0);
	}
	for (uint16_t i = 0; i <= 20; i++) {
		struct ats_dev *d = ats_bus_find(bus, (uint16_t)(0x0100 + 8 * i));

		UNIT_TRUE(d != NULL && ats_dev_sid(d) == 0x0100 + 8 * i);
	}
	UNIT_TRUE(ats_bus_find(bus, 0x0104) == NULL);
	ats_bus_destroy(bus);
}

void unit_register(void)
{
	static const struct unit_test ats_tests[] = {
		{"device TLB miss and hit", test_miss_hit},
		{"translated request", test_translated},
		{"completion encoding (S bit)", test_cpl_encode},
		{"2M and 1G pages", test_large_pages},
		{"DTE 0: 0x44 recorded", test_dte_clear},
		{"unmapped / read-only: nothing recorded", test_unmapped},
		{"privileged write with WPE = 0", test_priv_write_wpe0},
		{"IOTLB-only flush leaves the device TLB stale", test_stale_devtlb},
		{"device-TLB invalidation ranges", test_devtlb_ranges},
		{"device-TLB invalidation by PASID", test_devtlb_pasid},
		{"unresponsive endpoint", test_devtlb_unresponsive},
		{"oracle: stale entry after a completed invalidation", test_oracle_stale},
		{"bus: one endpoint per SID", test_bus_sids},
		{NULL, NULL},
	};

	unit_add_suite("ats", ats_tests);
}
