/*
 * Tests of the builder's guest PASID binds (nested translation of a guest's
 * PASID over the device's default domain), their teardown orders and the
 * oracle's view of them, and of shared virtual addressing over two IOMMU
 * instances (one process table, a domain per IOMMU).
 *
 * The VM: second-level domain D2 (guest-physical → host) is the default
 * domain of devices SID_A (ATS, PRI) and SID_B. Guest tables G1 and G2 live
 * in D2's guest-physical space (the builder's nested s1 domains): G1 maps
 * GVA page i to guest-physical GPA page i, G2 to GPA page 16 + i; D2 maps
 * GPA page j to host page HPA page j. Expected host addresses follow from
 * these maps.
 */
#include "unit.h"

#include <stdio.h>
#include <string.h>

#include "iommu/ats.h"
#include "iommu/vtd_oracle.h"
#include "iommu/vtd_prq.h"
#include "iommu/vtd_qi.h"

#define SID_A    0x0300
#define SID_B    0x0308
#define SID_C    0x0310 /* default domain, PASID not enabled */
#define SID_D    0x0318 /* PASID enabled, no default domain */
#define D2       21
#define G1       22
#define G2       23
#define HPASID   0x101u
#define HPASID2  0x102u
#define GPASID   0x5u
#define GVA      0x7F3300000000ull
#define GPA      0x40000000ull
#define HPA      0x170000000000ull
#define SZ_4K    0x1000ull
#define RW       (IOMMU_PERM_R | IOMMU_PERM_W)
#define NPAGES   8
#define VM       1
#define OTHER_VM 2

struct bfx {
	struct unit_fx fx;
	struct ats_bus *bus;
	struct ats_dev *dev_a;
	struct vtd_oracle *o;
};

static void bfx_fini(struct bfx *f)
{
	vtd_oracle_destroy(f->o);
	ats_bus_destroy(f->bus);
	unit_fx_fini(&f->fx);
}

static int attach_default(struct bfx *f, uint16_t sid, bool dte)
{
	struct vtd_attach a;

	vtd_attach_init(&a, sid, VTD_PGTT_SL);
	a.s2 = D2;
	a.dte = dte;
	return vtd_builder_attach(f->fx.b, &a);
}

static bool bfx_init_cfg(struct bfx *f, const struct iommu_config *cfg, bool flush_on_attach)
{
	const struct iommu_cache_geom g = {.sets = 4, .ways = 4, .repl = IOMMU_REPL_LRU};
	struct vtd_builder_config bcfg;
	bool ok = true;

	memset(f, 0, sizeof(*f));
	vtd_builder_config_default(&bcfg);
	bcfg.flush_on_attach = flush_on_attach;
	if (!unit_fx_init(&f->fx, cfg, &bcfg))
		return false;
	f->bus = ats_bus_create();
	f->dev_a = ats_dev_create(SID_A, &g, 3);
	ok &= UNIT_TRUE(f->bus && f->dev_a);
	if (ok) {
		ok &= UNIT_EQ_HEX(ats_bus_add(f->bus, f->dev_a), 0);
		ats_bus_connect(f->bus, f->fx.mmu);
		ats_dev_set_pri(f->dev_a, true);
	}
	ok &= UNIT_EQ_HEX(vtd_builder_domain(f->fx.b, D2, VTD_STAGE_S2, 4, -1), 0);
	ok &= UNIT_EQ_HEX(vtd_builder_domain(f->fx.b, G1, VTD_STAGE_S1, 4, D2), 0);
	ok &= UNIT_EQ_HEX(vtd_builder_domain(f->fx.b, G2, VTD_STAGE_S1, 4, D2), 0);
	for (unsigned i = 0; ok && i < 2 * 16; i++)
		ok &= UNIT_EQ_HEX(vtd_builder_map_page(f->fx.b, D2, GPA + i * SZ_4K,
						       HPA + i * SZ_4K, SZ_4K, RW, false),
				  0);
	for (unsigned i = 0; ok && i < NPAGES; i++) {
		ok &= UNIT_EQ_HEX(vtd_builder_map_page(f->fx.b, G1, GVA + i * SZ_4K,
						       GPA + i * SZ_4K, SZ_4K, RW, true),
				  0);
		ok &= UNIT_EQ_HEX(vtd_builder_map_page(f->fx.b, G2, GVA + i * SZ_4K,
						       GPA + (16 + i) * SZ_4K, SZ_4K, RW, true),
				  0);
	}
	ok &= UNIT_EQ_HEX(attach_default(f, SID_A, true), 0);
	ok &= UNIT_EQ_HEX(attach_default(f, SID_B, false), 0);
	ok &= UNIT_EQ_HEX(attach_default(f, SID_C, false), 0);
	if (cfg->page_req)
		ok &= UNIT_EQ_HEX(
			vtd_builder_set_dev_caps(f->fx.b, SID_A, VTD_DEV_PASID | VTD_DEV_PRI), 0);
	ok &= UNIT_EQ_HEX(vtd_builder_set_dev_caps(f->fx.b, SID_B, VTD_DEV_PASID), 0);
	ok &= UNIT_EQ_HEX(vtd_builder_set_dev_caps(f->fx.b, SID_D, VTD_DEV_PASID), 0);
	f->o = vtd_oracle_create(f->fx.mmu);
	ok &= UNIT_TRUE(f->o != NULL);
	if (!ok)
		bfx_fini(f);
	return ok;
}

static bool bfx_init(struct bfx *f)
{
	struct iommu_config cfg;

	iommu_config_default(&cfg);
	cfg.page_req = true;
	return bfx_init_cfg(f, &cfg, true);
}

static struct vtd_gpasid_bind mkbind(struct bfx *f, uint16_t sid, uint32_t hpasid, unsigned g)
{
	return (struct vtd_gpasid_bind){
		.sid = sid,
		.hpasid = hpasid,
		.has_gpasid = true,
		.gpasid = GPASID,
		.gcr3 = vtd_builder_domain_root(f->fx.b, g),
		.addr_width = 48,
		.flags = VTD_BIND_SRE,
		.vm = VM,
	};
}

static int bind(struct bfx *f, uint16_t sid, uint32_t hpasid, unsigned g)
{
	struct vtd_gpasid_bind b = mkbind(f, sid, hpasid, g);
	int rc = vtd_builder_bind_gpasid(f->fx.b, &b);

	if (rc)
		fprintf(stderr, "bind: %d %s\n", rc, vtd_builder_error(f->fx.b));
	return rc;
}

static struct iommu_req greq(uint16_t sid, uint32_t hpasid, unsigned i)
{
	return unit_req_pasid(sid, hpasid, true, GVA + i * SZ_4K, IOMMU_ACC_WRITE);
}

/* Host page of GVA page i through guest table g. */
static uint64_t host(unsigned g, unsigned i)
{
	return HPA + ((g == G1 ? 0 : 16) + i) * SZ_4K;
}

/* One DMA without ATS, checked by the oracle. */
static void dma_ok(struct bfx *f, const char *ctx, const struct iommu_req *r, uint64_t hpa,
		   enum vtd_oracle_verdict v)
{
	struct iommu_resp resp;

	UNIT_EQ_HEXC(ctx, iommu_translate(f->fx.mmu, r, &resp), 0);
	UNIT_EQ_HEXC(ctx, resp.hpa, hpa);
	UNIT_EQ_HEXC(ctx, vtd_oracle_check(f->o, r, &resp), v);
}

static void dma_fault(struct bfx *f, const char *ctx, const struct iommu_req *r, unsigned fault)
{
	UNIT_EXPECT_FAULT(&f->fx, r, fault, ctx, NULL);
}

/* --- Bind: the nested PASID entry and translation --------------------------- */

static void test_bind_translate(void)
{
	struct bfx f;
	struct iommu_req r = greq(SID_A, HPASID, 3), user;
	const struct vtd_gpasid_record *rec;
	uint64_t pe_pa, qw0, qw1, qw2;

	if (!bfx_init(&f))
		return;
	UNIT_EQ_HEX(bind(&f, SID_A, HPASID, G1), 0);
	UNIT_EQ_HEX(vtd_builder_pasid_entry_pa(f.fx.b, SID_A, HPASID, &pe_pa), 0);
	qw0 = unit_peek64(&f.fx, pe_pa);
	qw1 = unit_peek64(&f.fx, pe_pa + 8);
	qw2 = unit_peek64(&f.fx, pe_pa + 16);
	UNIT_EQ_HEX(FIELD_GET64(VTD_PE0_PGTT, qw0), VTD_PGTT_NESTED);
	UNIT_EQ_HEX(qw0 & VTD_PE0_SLPTPTR, vtd_builder_domain_root(f.fx.b, D2));
	UNIT_EQ_HEX(FIELD_GET64(VTD_PE0_AW, qw0), 2); /* 4-level second level */
	UNIT_EQ_HEX(FIELD_GET64(VTD_PE1_DID, qw1), D2);
	UNIT_EQ_HEX(qw2 & VTD_PE2_FLPTPTR, vtd_builder_domain_root(f.fx.b, G1));
	UNIT_EQ_HEX(FIELD_GET64(VTD_PE2_FLPM, qw2), 0);
	UNIT_EQ_HEX(qw2 & (VTD_PE2_SRE | VTD_PE2_ERE | VTD_PE2_WPE), VTD_PE2_SRE);
	/* The gcr3 is guest-physical: inside D2's space, not a host page. */
	UNIT_TRUE(vtd_builder_domain_root(f.fx.b, G1) < (1ull << 48));

	dma_ok(&f, "walk", &r, host(G1, 3), VTD_ORACLE_OK);
	dma_ok(&f, "iotlb", &r, host(G1, 3), VTD_ORACLE_OK);
	user = unit_req_pasid(SID_A, HPASID, false, GVA, IOMMU_ACC_READ);
	dma_ok(&f, "user", &user, host(G1, 0), VTD_ORACLE_OK);

	/* Records show the host and the guest PASID. */
	UNIT_EQ_HEX(vtd_builder_gpasid_binds(f.fx.b, &rec), 1);
	UNIT_EQ_HEX(rec[0].bind.hpasid, HPASID);
	UNIT_EQ_HEX(rec[0].bind.gpasid, GPASID);
	UNIT_EQ_HEX(rec[0].users, 1);
	UNIT_EQ_HEX(rec[0].did, D2);

	/* Without SRE supervisor requests fault 0x5D. */
	{
		struct vtd_gpasid_bind b = mkbind(&f, SID_B, HPASID2, G1);
		struct iommu_req rb = greq(SID_B, HPASID2, 1);

		b.flags = 0;
		UNIT_EQ_HEX(vtd_builder_bind_gpasid(f.fx.b, &b), 0);
		dma_fault(&f, "no SRE", &rb, VTD_FR_SRE_CLEAR);
		rb.priv = false;
		dma_ok(&f, "user on no-SRE bind", &rb, host(G1, 1), VTD_ORACLE_OK);
	}
	bfx_fini(&f);
}

static void expect_err(struct bfx *f, const char *ctx, const struct vtd_gpasid_bind *b, int err,
		       const char *word)
{
	UNIT_EQ_HEXC(ctx, vtd_builder_bind_gpasid(f->fx.b, b), err);
	UNIT_TRUEC(ctx, strstr(vtd_builder_error(f->fx.b), word) != NULL);
}

static void test_bind_errors(void)
{
	struct iommu_config cfg;
	struct vtd_gpasid_bind b;
	struct bfx f;

	if (!bfx_init(&f))
		return;
	b = mkbind(&f, SID_A, HPASID, G1);
	b.addr_width = 52;
	expect_err(&f, "width 52", &b, -IOMMU_EINVAL, "address width");
	b = mkbind(&f, SID_C, HPASID, G1);
	expect_err(&f, "no PASID", &b, -IOMMU_EINVAL, "PASID enabled");
	b = mkbind(&f, SID_D, HPASID, G1);
	expect_err(&f, "no default domain", &b, -IOMMU_ENOENT, "default domain");
	b = mkbind(&f, SID_A, 0x100000, G1);
	expect_err(&f, "PASID over 20 bits", &b, -IOMMU_ERANGE, "PASID width");
	b = mkbind(&f, SID_A, 0, G1);
	expect_err(&f, "RID_PASID", &b, -IOMMU_EINVAL, "RID_PASID");
	b = mkbind(&f, SID_A, HPASID, G1);
	b.gcr3 |= 0x800;
	expect_err(&f, "unaligned gcr3", &b, -IOMMU_EINVAL, "aligned");
	b = mkbind(&f, SID_A, HPASID, G1);
	b.gcr3 = 1ull << 50;
	expect_err(&f, "gcr3 beyond the guest", &b, -IOMMU_ERANGE, "guest-physical");
	b = mkbind(&f, SID_A, HPASID, G1);
	b.flags = 0x80;
	expect_err(&f, "flags", &b, -IOMMU_EINVAL, "flags");
	/* Nothing was bound: DMA on the PASID faults (no PASID table there). */
	{
		struct iommu_req r = greq(SID_A, HPASID, 0);

		dma_fault(&f, "after failed binds", &r, VTD_FR_PDE_NOT_PRESENT);
	}
	UNIT_EQ_HEX(vtd_builder_unbind_gpasid(f.fx.b, SID_A, HPASID), -IOMMU_ENOENT);
	bfx_fini(&f);

	/* Hardware without 5-level first-level paging, 10-bit PASIDs. */
	iommu_config_default(&cfg);
	cfg.fl_5level = false;
	cfg.pasid_bits = 10;
	if (!bfx_init_cfg(&f, &cfg, true))
		return;
	b = mkbind(&f, SID_A, HPASID, G1);
	b.addr_width = 57;
	expect_err(&f, "5-level", &b, -IOMMU_ENOTSUP, "FL5LP");
	b = mkbind(&f, SID_A, 0x400, G1);
	expect_err(&f, "PASID over 10 bits", &b, -IOMMU_ERANGE, "10-bit");
	bfx_fini(&f);
}

/* The same device and PASID bound twice counts two users; the second
 * unbind tears the entry down. A different table on a bound PASID is
 * refused. */
static void test_counted_users(void)
{
	struct bfx f;
	struct iommu_req r = greq(SID_A, HPASID, 2);
	const struct vtd_gpasid_record *rec;

	if (!bfx_init(&f))
		return;
	UNIT_EQ_HEX(bind(&f, SID_A, HPASID, G1), 0);
	UNIT_EQ_HEX(bind(&f, SID_A, HPASID, G1), 0);
	UNIT_EQ_HEX(vtd_builder_gpasid_binds(f.fx.b, &rec), 1);
	UNIT_EQ_HEX(rec[0].users, 2);
	{
		struct vtd_gpasid_bind b = mkbind(&f, SID_A, HPASID, G2);

		expect_err(&f, "other table", &b, -IOMMU_EBUSY, "already bound");
	}
	dma_ok(&f, "two users", &r, host(G1, 2), VTD_ORACLE_OK);
	UNIT_EQ_HEX(vtd_builder_unbind_gpasid(f.fx.b, SID_A, HPASID), 0);
	dma_ok(&f, "one user left", &r, host(G1, 2), VTD_ORACLE_OK);
	UNIT_EQ_HEX(vtd_builder_unbind_gpasid(f.fx.b, SID_A, HPASID), 0);
	dma_fault(&f, "unbound", &r, VTD_FR_PTE_NOT_PRESENT);
	UNIT_EQ_HEX(vtd_builder_unbind_gpasid(f.fx.b, SID_A, HPASID), -IOMMU_ENOENT);
	UNIT_TRUE(strstr(vtd_builder_error(f.fx.b), "not bound") != NULL);
	UNIT_EQ_HEX(vtd_builder_gpasid_binds(f.fx.b, &rec), 0);
	UNIT_EQ_HEX(vtd_oracle_stale(f.o) + vtd_oracle_missing_flush(f.o), 0);
	bfx_fini(&f);
}

/* One host PASID on two devices of the same guest; another guest may not
 * use it. Unbinding one device leaves the other working. */
static void test_multi_device(void)
{
	struct bfx f;
	struct iommu_req ra = greq(SID_A, HPASID, 4), rb = greq(SID_B, HPASID, 4);

	if (!bfx_init(&f))
		return;
	UNIT_EQ_HEX(bind(&f, SID_A, HPASID, G1), 0);
	UNIT_EQ_HEX(bind(&f, SID_B, HPASID, G1), 0);
	dma_ok(&f, "device A", &ra, host(G1, 4), VTD_ORACLE_OK);
	dma_ok(&f, "device B", &rb, host(G1, 4), VTD_ORACLE_OK);
	{
		struct vtd_gpasid_bind b = mkbind(&f, SID_B, HPASID2, G2);

		UNIT_EQ_HEX(vtd_builder_bind_gpasid(f.fx.b, &b), 0);
		b = mkbind(&f, SID_A, HPASID2, G2);
		b.vm = OTHER_VM;
		expect_err(&f, "other guest", &b, -IOMMU_EBUSY, "guest PASID set 1");
	}
	UNIT_EQ_HEX(vtd_builder_unbind_gpasid(f.fx.b, SID_A, HPASID), 0);
	dma_fault(&f, "A unbound", &ra, VTD_FR_PTE_NOT_PRESENT);
	dma_ok(&f, "B still bound", &rb, host(G1, 4), VTD_ORACLE_OK);
	UNIT_EQ_HEX(vtd_oracle_stale(f.o) + vtd_oracle_missing_flush(f.o), 0);
	bfx_fini(&f);
}

/* Unbind sends the PASID-cache, P_IOTLB and PASID device-TLB invalidations,
 * and the page-request drain of a PRI device; the endpoint's device TLB
 * forgets the PASID. */
static void test_unbind_flushes(void)
{
	struct bfx f;
	struct iommu_req r = greq(SID_A, HPASID, 5);
	struct iommu_resp resp;
	uint64_t before[16];
	const struct iommu_stats *st;

	if (!bfx_init(&f))
		return;
	st = iommu_stats(f.fx.mmu);
	UNIT_EQ_HEX(bind(&f, SID_A, HPASID, G1), 0);
	UNIT_EQ_HEX(ats_dev_dma(f.dev_a, f.fx.mmu, &r, &resp), 0);
	UNIT_EQ_HEX(resp.hpa, host(G1, 5));
	UNIT_EQ_HEX(ats_dev_dma(f.dev_a, f.fx.mmu, &r, &resp), 0);
	UNIT_EQ_HEX(resp.source, IOMMU_SRC_DEVTLB);
	memcpy(before, st->qi_by_type, sizeof(before));
	UNIT_EQ_HEX(vtd_builder_unbind_gpasid(f.fx.b, SID_A, HPASID), 0);
	UNIT_EQ_HEX(st->qi_by_type[VTD_DESC_PC] - before[VTD_DESC_PC], 1);
	/* teardown, then the drain's P_IOTLB and device-TLB invalidation */
	UNIT_EQ_HEX(st->qi_by_type[VTD_DESC_PIOTLB] - before[VTD_DESC_PIOTLB], 2);
	UNIT_EQ_HEX(st->qi_by_type[VTD_DESC_PDEVTLB] - before[VTD_DESC_PDEVTLB], 2);
	UNIT_EQ_HEX(st->prq_drain_waits, 1);
	/* The device TLB was invalidated: the next DMA asks the IOMMU again and
	 * gets Unsupported Request (no PASID entry). */
	UNIT_EQ_HEX(ats_dev_dma(f.dev_a, f.fx.mmu, &r, &resp), 1);
	UNIT_TRUE(resp.unsupported);
	UNIT_EQ_HEX(vtd_oracle_stale(f.o) + vtd_oracle_missing_flush(f.o), 0);
	bfx_fini(&f);
}

/* The VM dies: its PASID set is freed before the guest unbinds. Every bind
 * is torn down (whatever its users), the page request in flight drained, no
 * DMA on those PASIDs succeeds, and the later unbinds fail cleanly. */
static void test_vm_dies(void)
{
	struct bfx f;
	struct iommu_req ra = greq(SID_A, HPASID, 1), rb = greq(SID_B, HPASID, 1);
	struct iommu_req ra2 = greq(SID_A, HPASID2, 1);
	struct iommu_req miss = greq(SID_A, HPASID2, NPAGES + 1);
	const struct vtd_gpasid_record *rec;
	struct iommu_resp resp;
	uint16_t prgi;

	if (!bfx_init(&f))
		return;
	UNIT_EQ_HEX(bind(&f, SID_A, HPASID, G1), 0);
	UNIT_EQ_HEX(bind(&f, SID_A, HPASID, G1), 0);
	UNIT_EQ_HEX(bind(&f, SID_B, HPASID, G1), 0);
	UNIT_EQ_HEX(bind(&f, SID_A, HPASID2, G2), 0);
	{
		struct vtd_gpasid_bind b = mkbind(&f, SID_B, 0x200, G2);

		b.vm = OTHER_VM; /* another guest's bind survives */
		UNIT_EQ_HEX(vtd_builder_bind_gpasid(f.fx.b, &b), 0);
	}
	dma_ok(&f, "A", &ra, host(G1, 1), VTD_ORACLE_OK);
	dma_ok(&f, "B", &rb, host(G1, 1), VTD_ORACLE_OK);
	dma_ok(&f, "A2", &ra2, host(G2, 1), VTD_ORACLE_OK);
	/* A guest page fault in flight on HPASID2 (page not mapped in G2). */
	UNIT_EQ_HEX(ats_dev_dma_pri(f.dev_a, f.fx.mmu, &miss, &resp, &prgi, NULL),
		    ATS_DMA_PAGE_REQ);
	UNIT_EQ_HEX(iommu_prq_in_flight(f.fx.mmu), 1);

	UNIT_EQ_HEX(vtd_builder_free_pasid_set(f.fx.b, VM), 3);
	UNIT_EQ_HEX(iommu_prq_in_flight(f.fx.mmu), 0);
	UNIT_EQ_HEX(ats_dev_prg_state(f.dev_a, prgi), ATS_PRG_INVALID);
	dma_fault(&f, "A after free", &ra, VTD_FR_PTE_NOT_PRESENT);
	dma_fault(&f, "B after free", &rb, VTD_FR_PTE_NOT_PRESENT);
	dma_fault(&f, "A2 after free", &ra2, VTD_FR_PTE_NOT_PRESENT);
	UNIT_EQ_HEX(vtd_builder_unbind_gpasid(f.fx.b, SID_A, HPASID), -IOMMU_ENOENT);
	UNIT_EQ_HEX(vtd_builder_unbind_gpasid(f.fx.b, SID_B, HPASID), -IOMMU_ENOENT);
	UNIT_EQ_HEX(vtd_builder_gpasid_binds(f.fx.b, &rec), 1);
	UNIT_EQ_HEX(rec[0].bind.vm, OTHER_VM);
	UNIT_EQ_HEX(vtd_builder_free_pasid_set(f.fx.b, VM), 0);
	UNIT_EQ_HEX(vtd_oracle_stale(f.o), 0);
	UNIT_EQ_HEX(vtd_oracle_missing_flush(f.o), 0);
	bfx_fini(&f);
}

/* PASID reuse: the guest unbinds and binds the PASID to another table.
 * A driver that flushes only the PASID cache leaves the IOTLB's nested
 * translation: the oracle reports the missing flush. The guest's IOTLB
 * flush, passed through, repairs it; a correct unbind needs none. */
static void test_reuse_missing_piotlb(void)
{
	struct iommu_config cfg;
	struct bfx f;
	struct iommu_req r = greq(SID_B, HPASID, 6);
	uint64_t qw[4];

	iommu_config_default(&cfg);
	cfg.page_req = true;
	if (!bfx_init_cfg(&f, &cfg, false))
		return;
	UNIT_EQ_HEX(bind(&f, SID_B, HPASID, G1), 0);
	dma_ok(&f, "G1 fill", &r, host(G1, 6), VTD_ORACLE_OK);
	UNIT_EQ_HEX(vtd_builder_unbind_gpasid(f.fx.b, SID_B, HPASID), 0); /* flushes nothing */
	vtd_desc_pc(qw, VTD_PC_PASID_SEL, D2, HPASID);
	UNIT_EQ_HEX(vtd_builder_submit(f.fx.b, qw), 0);
	UNIT_EQ_HEX(vtd_builder_wait(f.fx.b), 0);
	UNIT_EQ_HEX(bind(&f, SID_B, HPASID, G2), 0);
	dma_ok(&f, "stale after reuse", &r, host(G1, 6), VTD_ORACLE_MISSING_FLUSH);
	UNIT_EQ_HEX(vtd_oracle_missing_flush(f.o), 1);
	UNIT_EQ_HEX(vtd_oracle_stale(f.o), 0);
	UNIT_EQ_HEX(vtd_builder_gpasid_flush(f.fx.b, SID_B, HPASID, GVA + 6 * SZ_4K, SZ_4K), 1);
	dma_ok(&f, "after the guest flush", &r, host(G2, 6), VTD_ORACLE_OK);
	bfx_fini(&f);

	if (!bfx_init(&f))
		return;
	UNIT_EQ_HEX(bind(&f, SID_B, HPASID, G1), 0);
	dma_ok(&f, "G1 fill (correct driver)", &r, host(G1, 6), VTD_ORACLE_OK);
	UNIT_EQ_HEX(vtd_builder_unbind_gpasid(f.fx.b, SID_B, HPASID), 0);
	UNIT_EQ_HEX(bind(&f, SID_B, HPASID, G2), 0);
	dma_ok(&f, "reuse (correct driver)", &r, host(G2, 6), VTD_ORACLE_OK);
	UNIT_EQ_HEX(vtd_oracle_missing_flush(f.o) + vtd_oracle_stale(f.o), 0);
	bfx_fini(&f);
}

/* A guest page fault through PRI on a bound PASID: the request carries the
 * host PASID; the guest maps the page in its own table; the endpoint
 * retries and completes. */
static int guest_map(void *ctx, const struct iommu_page_req *pr)
{
	struct bfx *f = ctx;
	unsigned i = (unsigned)((pr->addr - GVA) / SZ_4K);

	if (!pr->pasid_valid || pr->pasid != HPASID)
		return VTD_PRG_INVALID;
	return vtd_builder_map_page(f->fx.b, G1, pr->addr, GPA + i * SZ_4K, SZ_4K, RW, true)
		       ? -1
		       : VTD_PRG_SUCCESS;
}

static void test_guest_page_fault(void)
{
	struct bfx f;
	struct iommu_req r = greq(SID_A, HPASID, 10);
	struct iommu_resp resp;
	const struct iommu_page_req *pend;
	uint16_t prgi;

	if (!bfx_init(&f))
		return;
	UNIT_EQ_HEX(bind(&f, SID_A, HPASID, G1), 0);
	UNIT_EQ_HEX(ats_dev_dma_pri(f.dev_a, f.fx.mmu, &r, &resp, &prgi, NULL), ATS_DMA_PAGE_REQ);
	UNIT_EQ_HEX(vtd_builder_prq_fetch(f.fx.b), 1);
	UNIT_EQ_HEX(vtd_builder_prq_pending(f.fx.b, &pend), 1);
	UNIT_EQ_HEX(pend[0].pasid, HPASID);
	UNIT_EQ_HEX(pend[0].addr, GVA + 10 * SZ_4K);
	UNIT_TRUE(pend[0].write && pend[0].priv && pend[0].lpig);
	UNIT_EQ_HEX(vtd_builder_prq_service(f.fx.b, guest_map, &f), 1);
	UNIT_EQ_HEX(ats_dev_dma_pri(f.dev_a, f.fx.mmu, &r, &resp, &prgi, NULL), 0);
	UNIT_EQ_HEX(resp.hpa, host(G1, 10));
	UNIT_EQ_HEX(vtd_oracle_check(f.o, &r, &resp), VTD_ORACLE_OK);
	bfx_fini(&f);
}

/* --- SVA: one process table behind two IOMMU instances ----------------------- */

#define SVA_SID_A 0x0400
#define SVA_SID_B 0x0500
#define SVA_PASID 9
#define PROC_A    30
#define PROC_B    31
#define UVA       0x00007F0000000000ull
#define UPA       0x180000000000ull

struct sva_fx {
	struct sparse_mem *sm;
	struct iommu *mmu[2];
	struct vtd_builder *b[2];
	struct vtd_oracle *o[2];
};

static void sva_fini(struct sva_fx *s)
{
	for (int i = 0; i < 2; i++) {
		vtd_oracle_destroy(s->o[i]);
		vtd_builder_destroy(s->b[i]);
		iommu_destroy(s->mmu[i]);
	}
	sparse_mem_destroy(s->sm);
}

static bool sva_init(struct sva_fx *s)
{
	struct iommu_config cfg;
	struct vtd_builder_config bcfg;
	struct iommu_mem mem;
	bool ok = true;

	memset(s, 0, sizeof(*s));
	iommu_config_default(&cfg);
	s->sm = sparse_mem_create(cfg.haw);
	if (!UNIT_TRUE(s->sm != NULL))
		return false;
	mem = sparse_mem_handle(s->sm);
	for (int i = 0; i < 2; i++) {
		vtd_builder_config_default(&bcfg);
		/* Disjoint table memory for the two drivers. */
		bcfg.alloc_base = 0x1000000000ull + (uint64_t)i * 0x800000000ull;
		bcfg.alloc_limit = bcfg.alloc_base + 0x800000000ull;
		s->mmu[i] = iommu_create(&cfg, &mem);
		s->b[i] = s->mmu[i] ? vtd_builder_create(s->mmu[i], mem, &bcfg) : NULL;
		s->o[i] = s->mmu[i] ? vtd_oracle_create(s->mmu[i]) : NULL;
		ok &= UNIT_TRUE(s->mmu[i] && s->b[i] && s->o[i]);
	}
	if (ok) {
		struct vtd_attach a;

		/* The process table, built by the first driver (the CPU side). */
		ok &= UNIT_EQ_HEX(vtd_builder_domain(s->b[0], PROC_A, VTD_STAGE_S1, 4, -1), 0);
		ok &= UNIT_EQ_HEX(
			vtd_builder_domain_shared(s->b[1], PROC_B, 4,
						  vtd_builder_domain_root(s->b[0], PROC_A)),
			0);
		vtd_attach_init(&a, SVA_SID_A, VTD_PGTT_FL);
		a.has_pasid = true;
		a.pasid = SVA_PASID;
		a.s1 = PROC_A;
		ok &= UNIT_EQ_HEX(vtd_builder_attach(s->b[0], &a), 0);
		a.sid = SVA_SID_B;
		a.s1 = PROC_B;
		ok &= UNIT_EQ_HEX(vtd_builder_attach(s->b[1], &a), 0);
		for (unsigned i = 0; ok && i < 4; i++)
			ok &= UNIT_EQ_HEX(vtd_builder_map_page(s->b[0], PROC_A, UVA + i * SZ_4K,
							       UPA + i * SZ_4K, SZ_4K, RW, true),
					  0);
	}
	if (!ok)
		sva_fini(s);
	return ok;
}

static void sva_dma(struct sva_fx *s, int i, const char *ctx, unsigned page, uint64_t hpa,
		    enum vtd_oracle_verdict v)
{
	struct iommu_req r = unit_req_pasid(i ? SVA_SID_B : SVA_SID_A, SVA_PASID, false,
					    UVA + page * SZ_4K, IOMMU_ACC_WRITE);
	struct iommu_resp resp;

	UNIT_EQ_HEXC(ctx, iommu_translate(s->mmu[i], &r, &resp), 0);
	UNIT_EQ_HEXC(ctx, resp.hpa, hpa);
	UNIT_EQ_HEXC(ctx, vtd_oracle_check(s->o[i], &r, &resp), v);
}

static void test_sva_two_iommus(void)
{
	struct sva_fx s;
	const uint64_t moved = UPA + 0x100 * SZ_4K;

	if (!sva_init(&s))
		return;
	/* Each instance walks the one table and caches it on its own. */
	sva_dma(&s, 0, "A walk", 1, UPA + SZ_4K, VTD_ORACLE_OK);
	sva_dma(&s, 1, "B walk", 1, UPA + SZ_4K, VTD_ORACLE_OK);
	sva_dma(&s, 0, "A hit", 1, UPA + SZ_4K, VTD_ORACLE_OK);
	sva_dma(&s, 1, "B hit", 1, UPA + SZ_4K, VTD_ORACLE_OK);
	UNIT_EQ_HEX(iommu_cache_stats(s.mmu[0], IOMMU_CACHE_IOTLB)->hits, 1);
	UNIT_EQ_HEX(iommu_cache_stats(s.mmu[1], IOMMU_CACHE_IOTLB)->hits, 1);

	/* The process moves page 1; the flush reaches only IOMMU A. */
	UNIT_EQ_HEX(vtd_builder_unmap(s.b[0], PROC_A, UVA + SZ_4K, SZ_4K), 0);
	UNIT_EQ_HEX(vtd_builder_map_page(s.b[0], PROC_A, UVA + SZ_4K, moved, SZ_4K, RW, true), 0);
	UNIT_EQ_HEX(vtd_builder_flush(s.b[0], PROC_A, true, SVA_PASID, UVA + SZ_4K, SZ_4K, true),
		    1);
	sva_dma(&s, 0, "A flushed", 1, moved, VTD_ORACLE_OK);
	sva_dma(&s, 1, "B missed", 1, UPA + SZ_4K, VTD_ORACLE_MISSING_FLUSH);
	UNIT_EQ_HEX(vtd_oracle_missing_flush(s.o[0]), 0);
	UNIT_EQ_HEX(vtd_oracle_missing_flush(s.o[1]), 1);
	UNIT_EQ_HEX(vtd_oracle_stale(s.o[0]) + vtd_oracle_stale(s.o[1]), 0);
	/* Instances keep their own queues and statistics. */
	UNIT_TRUE(iommu_stats(s.mmu[0])->qi_by_type[VTD_DESC_PIOTLB] == 1);
	UNIT_TRUE(iommu_stats(s.mmu[1])->qi_by_type[VTD_DESC_PIOTLB] == 0);
	UNIT_EQ_HEX(vtd_builder_flush(s.b[1], PROC_B, true, SVA_PASID, UVA + SZ_4K, SZ_4K, true),
		    1);
	sva_dma(&s, 1, "B flushed", 1, moved, VTD_ORACLE_OK);

	/* A mapping made through the second driver edits the same table. */
	UNIT_EQ_HEX(vtd_builder_map_page(s.b[1], PROC_B, UVA + 8 * SZ_4K, UPA + 8 * SZ_4K, SZ_4K,
					 RW, true),
		    0);
	sva_dma(&s, 0, "A sees B's map", 8, UPA + 8 * SZ_4K, VTD_ORACLE_OK);
	sva_fini(&s);
}

static void test_shared_domain_errors(void)
{
	struct bfx f;

	if (!bfx_init(&f))
		return;
	UNIT_EQ_HEX(vtd_builder_domain_shared(f.fx.b, 40, 3, 0x1000), -IOMMU_EINVAL);
	UNIT_EQ_HEX(vtd_builder_domain_shared(f.fx.b, 40, 4, 0x1800), -IOMMU_EINVAL);
	UNIT_EQ_HEX(vtd_builder_domain_shared(f.fx.b, D2, 4, 0x1000), -IOMMU_EEXIST);
	UNIT_EQ_HEX(vtd_builder_domain_shared(f.fx.b, 40, 4, 0x1000), 0);
	bfx_fini(&f);
}

void unit_register(void)
{
	static const struct unit_test tests[] = {
		{"bind_translate", test_bind_translate},
		{"bind_errors", test_bind_errors},
		{"counted_users", test_counted_users},
		{"multi_device", test_multi_device},
		{"unbind_flushes", test_unbind_flushes},
		{"vm_dies", test_vm_dies},
		{"reuse_missing_piotlb", test_reuse_missing_piotlb},
		{"guest_page_fault", test_guest_page_fault},
		{"sva_two_iommus", test_sva_two_iommus},
		{"shared_domain_errors", test_shared_domain_errors},
		{NULL, NULL},
	};

	unit_add_suite("vtd_bind", tests);
}
