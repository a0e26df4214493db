/*
 * Tests of src/vtd/context.c: RTADDR.TTM, root entry (lower/upper devfn
 * halves) and scalable-mode context entry checks, and translation off.
 *
 * One second-level domain maps IOVA 0x40000 to 0x12345000 (read/write);
 * SID 0x0508 (bus 5, devfn 0x08: lower half) is attached without PASID.
 */
#include "unit.h"

#include <stdio.h>
#include <string.h>

#define DOM    2
#define SID_LO 0x0508
#define SID_HI 0x0588
#define IOVA   0x40000ull
#define PA     0x12345000ull

static bool ctx_fx_init(struct unit_fx *fx)
{
	if (!unit_fx_init(fx, NULL, NULL))
		return false;
	if (!UNIT_EQ_HEX(vtd_builder_domain(fx->b, DOM, VTD_STAGE_S2, 4, -1), 0) ||
	    !UNIT_EQ_HEX(vtd_builder_map(fx->b, DOM, IOVA, PA, 0x1000, IOMMU_PERM_R | IOMMU_PERM_W,
					 false),
			 0) ||
	    !UNIT_EQ_HEX(unit_attach(fx, SID_LO, false, 0, VTD_PGTT_SL, -1, DOM), 0)) {
		unit_fx_fini(fx);
		return false;
	}
	return true;
}

static void expect_ok(struct unit_fx *fx, uint16_t sid, const char *ctx)
{
	struct iommu_req rq = unit_req(sid, IOVA + 0x123, IOMMU_ACC_READ);

	UNIT_EXPECT_HPA(fx, &rq, PA + 0x123, ctx, NULL);
}

static void expect_fault(struct unit_fx *fx, uint16_t sid, unsigned reason, const char *ctx)
{
	struct iommu_req rq = unit_req(sid, IOVA + 0x123, IOMMU_ACC_WRITE);

	UNIT_EXPECT_FAULT(fx, &rq, reason, ctx, NULL);
}

/* Root entry halves: devfn 0x00-0x7F use the low QW, 0x80-0xFF the high. */
static void test_halves(void)
{
	struct unit_fx fx;
	uint64_t re, ce_lo, ce_hi, lo, hi;

	if (!ctx_fx_init(&fx))
		return;
	re = unit_root_entry_pa(&fx, SID_LO);
	expect_ok(&fx, SID_LO, "lower attached");
	UNIT_EQ_HEX(unit_peek64(&fx, re) & VTD_RE_P, VTD_RE_P);
	UNIT_EQ_HEX(unit_peek64(&fx, re + 8) & VTD_RE_P, 0);
	expect_fault(&fx, SID_HI, VTD_FR_ROOT_NOT_PRESENT, "upper half absent");

	if (!UNIT_EQ_HEX(unit_attach(&fx, SID_HI, false, 0, VTD_PGTT_SL, -1, DOM), 0))
		goto out;
	lo = unit_peek64(&fx, re);
	hi = unit_peek64(&fx, re + 8);
	UNIT_EQ_HEX(hi & VTD_RE_P, VTD_RE_P);
	/* Each half points at its own table of 128 32-byte entries. */
	if (UNIT_EQ_HEX(vtd_builder_context_pa(fx.b, SID_LO, &ce_lo), 0))
		UNIT_EQ_HEX(ce_lo, (lo & VTD_RE_CTP) + 32u * (SID_LO & 0x7F));
	if (UNIT_EQ_HEX(vtd_builder_context_pa(fx.b, SID_HI, &ce_hi), 0))
		UNIT_EQ_HEX(ce_hi, (hi & VTD_RE_CTP) + 32u * (SID_HI & 0x7F));
	UNIT_TRUE((lo & VTD_RE_CTP) != (hi & VTD_RE_CTP));
	expect_ok(&fx, SID_LO, "lower, both attached");
	expect_ok(&fx, SID_HI, "upper, both attached");

	unit_modify64(&fx, re + 8, VTD_RE_P, 0);
	expect_fault(&fx, SID_HI, VTD_FR_ROOT_NOT_PRESENT, "UP cleared");
	expect_ok(&fx, SID_LO, "lower with UP cleared");
	unit_modify64(&fx, re + 8, 0, VTD_RE_P);
	unit_modify64(&fx, re, VTD_RE_P, 0);
	expect_fault(&fx, SID_LO, VTD_FR_ROOT_NOT_PRESENT, "LP cleared");
	expect_ok(&fx, SID_HI, "upper with LP cleared");
	unit_modify64(&fx, re, 0, VTD_RE_P);
	expect_ok(&fx, SID_LO, "LP restored");
out:
	unit_fx_fini(&fx);
}

/* A bus without a root entry: 0x39 after reading only the root entry. */
static void test_root_not_present(void)
{
	struct unit_fx fx;
	struct iommu_resp resp;
	struct iommu_req rq = unit_req(0x0608, IOVA, IOMMU_ACC_READ);

	if (!ctx_fx_init(&fx))
		return;
	UNIT_EXPECT_FAULT(&fx, &rq, VTD_FR_ROOT_NOT_PRESENT, "bus 6", &resp);
	UNIT_EQ_HEX(resp.refs.root, 1);
	UNIT_EQ_HEX(resp.refs.context, 0);
	UNIT_EQ_HEX(resp.refs.pasid_dir, 0);
	unit_fx_fini(&fx);
}

/* Reserved root entry bits [11:1] and pointer bits at or above HAW. */
static void test_root_rsvd(void)
{
	struct unit_fx fx;
	uint64_t re;
	char ctx[48];
	static const unsigned addr_bits[] = {46, 47, 51, 63};

	if (!ctx_fx_init(&fx))
		return;
	re = unit_root_entry_pa(&fx, SID_LO);
	for (unsigned bit = 1; bit <= 11; bit++) {
		uint64_t old = unit_modify64(&fx, re, 0, BIT64(bit));

		snprintf(ctx, sizeof(ctx), "root entry bit %u", bit);
		expect_fault(&fx, SID_LO, VTD_FR_ROOT_RSVD, ctx);
		unit_poke64(&fx, re, old);
	}
	for (unsigned i = 0; i < sizeof(addr_bits) / sizeof(addr_bits[0]); i++) {
		uint64_t old = unit_modify64(&fx, re, 0, BIT64(addr_bits[i]));

		snprintf(ctx, sizeof(ctx), "root CTP bit %u (HAW 46)", addr_bits[i]);
		expect_fault(&fx, SID_LO, VTD_FR_ROOT_RSVD, ctx);
		unit_poke64(&fx, re, old);
	}
	expect_ok(&fx, SID_LO, "root entry restored");
	unit_fx_fini(&fx);
}

/* Read errors at the root table and at the context table. */
static void test_access_errors(void)
{
	struct unit_fx fx;
	uint64_t ce;

	if (!ctx_fx_init(&fx))
		return;
	unit_mem_fail_read(&fx.um, unit_root_entry_pa(&fx, SID_LO));
	expect_fault(&fx, SID_LO, VTD_FR_ROOT_ACCESS, "root table read error");
	unit_mem_heal(&fx.um);
	expect_ok(&fx, SID_LO, "root table healed");

	if (UNIT_EQ_HEX(vtd_builder_context_pa(fx.b, SID_LO, &ce), 0)) {
		unit_mem_fail_read(&fx.um, ce);
		expect_fault(&fx, SID_LO, VTD_FR_CTX_ACCESS, "context table read error");
		/* Another device on that context table page. */
		expect_fault(&fx, SID_LO + 1, VTD_FR_CTX_ACCESS,
			     "context table read error, 0x0509");
		unit_mem_heal(&fx.um);
	}
	expect_ok(&fx, SID_LO, "context table healed");
	unit_fx_fini(&fx);
}

/* Context entry not present: never attached, or P cleared. */
static void test_ctx_not_present(void)
{
	struct unit_fx fx;
	uint64_t ce;

	if (!ctx_fx_init(&fx))
		return;
	expect_fault(&fx, SID_LO + 0x8, VTD_FR_CTX_NOT_PRESENT, "devfn 0x10 never attached");
	expect_fault(&fx, 0x057F, VTD_FR_CTX_NOT_PRESENT, "devfn 0x7F never attached");
	if (UNIT_EQ_HEX(vtd_builder_context_pa(fx.b, SID_LO, &ce), 0)) {
		unit_modify64(&fx, ce, VTD_CE0_P, 0);
		expect_fault(&fx, SID_LO, VTD_FR_CTX_NOT_PRESENT, "P cleared");
		unit_modify64(&fx, ce, 0, VTD_CE0_P);
	}
	expect_ok(&fx, SID_LO, "P restored");
	unit_fx_fini(&fx);
}

/* Reserved context entry bits: QW0 [8:5], QW1 [63:21], QW2, QW3, and a
 * PASID directory pointer at or above HAW; QW1 bit 20 is not reserved. */
static void test_ctx_rsvd(void)
{
	static const struct {
		unsigned qw, bit;
	} rsvd[] = {
		{0, 5},  {0, 6}, {0, 7},  {0, 8},  {0, 46}, {0, 63}, {1, 21}, {1, 32},
		{1, 63}, {2, 0}, {2, 12}, {2, 63}, {3, 0},  {3, 31}, {3, 63},
	};
	struct unit_fx fx;
	uint64_t ce;
	char ctx[48];

	if (!ctx_fx_init(&fx))
		return;
	if (!UNIT_EQ_HEX(vtd_builder_context_pa(fx.b, SID_LO, &ce), 0))
		goto out;
	for (unsigned i = 0; i < sizeof(rsvd) / sizeof(rsvd[0]); i++) {
		uint64_t pa = ce + 8ull * rsvd[i].qw;
		uint64_t old = unit_modify64(&fx, pa, 0, BIT64(rsvd[i].bit));

		snprintf(ctx, sizeof(ctx), "context QW%u bit %u", rsvd[i].qw, rsvd[i].bit);
		expect_fault(&fx, SID_LO, VTD_FR_CTX_RSVD, ctx);
		unit_poke64(&fx, pa, old);
	}
	{
		uint64_t old = unit_modify64(&fx, ce + 8, 0, BIT64(20));

		expect_ok(&fx, SID_LO, "context QW1 bit 20 (RID_PRIV)");
		unit_poke64(&fx, ce + 8, old);
	}
	expect_ok(&fx, SID_LO, "context restored");
out:
	unit_fx_fini(&fx);
}

/* TTM other than scalable: every translated request faults 0x30. */
static void test_ttm(void)
{
	struct unit_fx fx;
	uint64_t rt;
	char ctx[32];

	if (!ctx_fx_init(&fx))
		return;
	rt = iommu_reg_read(fx.mmu, VTD_REG_RTADDR, 8);
	for (unsigned ttm = 0; ttm < 4; ttm++) {
		if (ttm == VTD_TTM_SCALABLE)
			continue;
		iommu_reg_write(fx.mmu, VTD_REG_RTADDR, 8,
				(rt & ~VTD_RTADDR_TTM) | FIELD_PREP64(VTD_RTADDR_TTM, ttm));
		iommu_reg_write(fx.mmu, VTD_REG_GCMD, 4, VTD_GCMD_TE | VTD_GCMD_SRTP);
		snprintf(ctx, sizeof(ctx), "TTM %u", ttm);
		expect_fault(&fx, SID_LO, VTD_FR_ROOT_TABLE_INVALID, ctx);
		expect_fault(&fx, 0x0608, VTD_FR_ROOT_TABLE_INVALID, ctx);
	}
	iommu_reg_write(fx.mmu, VTD_REG_RTADDR, 8, rt);
	iommu_reg_write(fx.mmu, VTD_REG_GCMD, 4, VTD_GCMD_TE | VTD_GCMD_SRTP);
	expect_ok(&fx, SID_LO, "TTM scalable again");
	unit_fx_fini(&fx);
}

/* GSTS.TES = 0: hpa = address, no memory read, nothing recorded. */
static void test_te_off(void)
{
	static const struct {
		uint16_t sid;
		bool pasid;
		uint64_t addr;
		enum iommu_access acc;
	} cases[] = {
		{SID_LO, false, IOVA + 0x10, IOMMU_ACC_READ},
		{SID_LO, false, 0xDEADBEEF123ull, IOMMU_ACC_WRITE},
		{0x0608, false, 0x1000, IOMMU_ACC_READ},
		{SID_LO, true, 0x3FFFFFFFFFFFull, IOMMU_ACC_EXEC},
	};
	struct unit_fx fx;
	char ctx[32];

	if (!ctx_fx_init(&fx))
		return;
	iommu_reg_write(fx.mmu, VTD_REG_GCMD, 4, 0);
	UNIT_EQ_HEX(iommu_reg_read(fx.mmu, VTD_REG_GSTS, 4) & VTD_GSTS_TES, 0);
	for (unsigned i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct iommu_req rq =
			cases[i].pasid
				? unit_req_pasid(cases[i].sid, 9, true, cases[i].addr, cases[i].acc)
				: unit_req(cases[i].sid, cases[i].addr, cases[i].acc);
		struct iommu_resp resp;

		snprintf(ctx, sizeof(ctx), "TE off, case %u", i);
		UNIT_EXPECT_HPA(&fx, &rq, cases[i].addr, ctx, &resp);
		UNIT_EQ_HEXC(ctx, resp.fault_recorded, 0);
		UNIT_EQ_HEXC(ctx, resp.refs.root, 0);
		UNIT_EQ_HEXC(ctx, resp.refs.context, 0);
	}
	UNIT_EQ_HEX(iommu_reg_read(fx.mmu, VTD_REG_FSTS, 4), 0);
	UNIT_EQ_HEX(iommu_stats(fx.mmu)->faults, 0);
	UNIT_EQ_HEX(iommu_stats(fx.mmu)->walk_mem_reads, 0);

	iommu_reg_write(fx.mmu, VTD_REG_GCMD, 4, VTD_GCMD_TE);
	UNIT_EQ_HEX(iommu_reg_read(fx.mmu, VTD_REG_GSTS, 4) & VTD_GSTS_TES, VTD_GSTS_TES);
	expect_ok(&fx, SID_LO, "TE on again");
	expect_fault(&fx, 0x0608, VTD_FR_ROOT_NOT_PRESENT, "TE on again, bus 6");
	unit_fx_fini(&fx);
}

static const struct unit_test context_tests[] = {
	{"halves", test_halves},
	{"root_not_present", test_root_not_present},
	{"root_rsvd", test_root_rsvd},
	{"access_errors", test_access_errors},
	{"ctx_not_present", test_ctx_not_present},
	{"ctx_rsvd", test_ctx_rsvd},
	{"ttm", test_ttm},
	{"te_off", test_te_off},
	{NULL, NULL},
};

void unit_register(void)
{
	unit_add_suite("vtd/context.c", context_tests);
}
