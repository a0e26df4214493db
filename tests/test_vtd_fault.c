/*
 * Tests of src/vtd/fault.c (primary fault recording: FRCD records, FSTS.FRI,
 * PPF, PFO, FPD) and src/vtd/fault_str.c.
 *
 * Faults come from a first-level domain with no mappings: every translated
 * request through it faults 0x71 (PML4 entry not present).
 */
#include "unit.h"

#include <stdio.h>
#include <string.h>

#define DOM   1
#define SID   0x1234
#define PASID 0x2A5

static bool fault_fx_init(struct unit_fx *fx, unsigned nfr)
{
	struct iommu_config c;

	unit_config_walk(&c);
	c.nfr = nfr;
	if (!unit_fx_init(fx, &c, NULL))
		return false;
	if (!UNIT_EQ_HEX(vtd_builder_domain(fx->b, DOM, VTD_STAGE_S1, 4, -1), 0) ||
	    !UNIT_EQ_HEX(unit_attach(fx, SID, false, 0, VTD_PGTT_FL, DOM, -1), 0) ||
	    !UNIT_EQ_HEX(unit_attach(fx, SID, true, PASID, VTD_PGTT_FL, DOM, -1), 0)) {
		unit_fx_fini(fx);
		return false;
	}
	return true;
}

static void frcd(struct unit_fx *fx, unsigned i, uint64_t *lo, uint64_t *hi)
{
	*lo = iommu_reg_read(fx->mmu, VTD_FRCD_OFFSET + VTD_FRCD_SIZE * i, 8);
	*hi = iommu_reg_read(fx->mmu, VTD_FRCD_OFFSET + VTD_FRCD_SIZE * i + 8, 8);
}

static uint64_t fsts(struct unit_fx *fx)
{
	return iommu_reg_read(fx->mmu, VTD_REG_FSTS, 4);
}

/* The record a fault should produce, from the request alone. */
static uint64_t expect_hi(const struct iommu_req *rq, unsigned fr)
{
	uint64_t hi = FIELD_PREP64(VTD_FRCD_HI_SID, rq->sid) | FIELD_PREP64(VTD_FRCD_HI_FR, fr) |
		      VTD_FRCD_HI_F;

	if (rq->access != IOMMU_ACC_WRITE)
		hi |= VTD_FRCD_HI_T;
	if (rq->pasid_valid)
		hi |= VTD_FRCD_HI_PP | FIELD_PREP64(VTD_FRCD_HI_PV, rq->pasid);
	/* Privileged-mode and execute requested (PASID prefix bits). */
	if (rq->pasid_valid && rq->priv)
		hi |= VTD_FRCD_HI_PRIV;
	if (rq->access == IOMMU_ACC_EXEC)
		hi |= VTD_FRCD_HI_EXE;
	return hi;
}

static int translate(struct unit_fx *fx, const struct iommu_req *rq, struct iommu_resp *resp)
{
	memset(resp, 0, sizeof(*resp));
	return iommu_translate(fx->mmu, rq, resp);
}

/* One fault fills record 0 with FI/SID/PP/PV/FR/T/F; FRI = 0 and PPF = 1. */
static void test_record_fields(void)
{
	struct unit_fx fx;
	struct iommu_resp resp;
	struct iommu_req r0 = unit_req_pasid(SID, PASID, false, 0x7F123456789Aull, IOMMU_ACC_READ);
	struct iommu_req r1 = unit_req(SID, 0xABCDE0F0ull, IOMMU_ACC_WRITE);
	struct iommu_req r2 = unit_req_pasid(SID, PASID, true, 0x1FFFull, IOMMU_ACC_EXEC);
	uint64_t lo, hi;
	const struct iommu_stats *st;

	if (!fault_fx_init(&fx, 8))
		return;
	UNIT_EQ_HEX(fsts(&fx), 0);

	UNIT_EQ_HEX(translate(&fx, &r0, &resp), 1);
	UNIT_EQ_HEX(resp.fault, VTD_FR_FL_NOT_PRESENT);
	UNIT_TRUE(resp.fault_recorded);
	frcd(&fx, 0, &lo, &hi);
	UNIT_EQ_HEX(lo, 0x7F1234567000ull);
	UNIT_EQ_HEX(hi, expect_hi(&r0, VTD_FR_FL_NOT_PRESENT));
	UNIT_EQ_HEX(FIELD_GET64(VTD_FRCD_HI_PV, hi), PASID);
	UNIT_EQ_HEX(FIELD_GET64(VTD_FRCD_HI_SID, hi), SID);
	UNIT_EQ_HEX(FIELD_GET64(VTD_FRCD_HI_FR, hi), 0x71);
	UNIT_EQ_HEX(fsts(&fx), VTD_FSTS_PPF | FIELD_PREP64(VTD_FSTS_FRI, 0));
	/* The same record through 4-byte reads. */
	UNIT_EQ_HEX(iommu_reg_read(fx.mmu, VTD_FRCD_OFFSET + 0, 4), lo & 0xFFFFFFFFu);
	UNIT_EQ_HEX(iommu_reg_read(fx.mmu, VTD_FRCD_OFFSET + 4, 4), lo >> 32);
	UNIT_EQ_HEX(iommu_reg_read(fx.mmu, VTD_FRCD_OFFSET + 8, 4), hi & 0xFFFFFFFFu);
	UNIT_EQ_HEX(iommu_reg_read(fx.mmu, VTD_FRCD_OFFSET + 12, 4), hi >> 32);

	/* A write without PASID: T = 0, PP = 0 (PV is then meaningless). */
	UNIT_EQ_HEX(translate(&fx, &r1, &resp), 1);
	UNIT_TRUE(resp.fault_recorded);
	frcd(&fx, 1, &lo, &hi);
	UNIT_EQ_HEX(lo, 0xABCDE000ull);
	UNIT_EQ_HEX(hi & ~VTD_FRCD_HI_PV, expect_hi(&r1, VTD_FR_FL_NOT_PRESENT));
	/* FRI still names the first pending record. */
	UNIT_EQ_HEX(fsts(&fx), VTD_FSTS_PPF | FIELD_PREP64(VTD_FSTS_FRI, 0));

	/* An execute request is a read (T = 1). */
	UNIT_EQ_HEX(translate(&fx, &r2, &resp), 1);
	UNIT_TRUE(resp.fault_recorded);
	frcd(&fx, 2, &lo, &hi);
	UNIT_EQ_HEX(lo, 0x1000ull);
	UNIT_EQ_HEX(hi, expect_hi(&r2, VTD_FR_FL_NOT_PRESENT));

	/* Records not yet used stay clear. */
	frcd(&fx, 3, &lo, &hi);
	UNIT_EQ_HEX(hi & VTD_FRCD_HI_F, 0);

	st = iommu_stats(fx.mmu);
	UNIT_EQ_HEX(st->requests, 3);
	UNIT_EQ_HEX(st->completed, 0);
	UNIT_EQ_HEX(st->faults, 3);
	UNIT_EQ_HEX(st->faults_recorded, 3);
	UNIT_EQ_HEX(st->faults_by_reason[VTD_FR_FL_NOT_PRESENT], 3);
	UNIT_EQ_HEX(st->faults_fpd, 0);
	UNIT_EQ_HEX(st->faults_overflow, 0);
	unit_fx_fini(&fx);
}

/* F is write-1-to-clear (8- or 4-byte write), PPF follows the F bits, and a
 * fault found while PPF = 0 sets FRI to its record. */
static void test_f_clear_and_fri(void)
{
	struct unit_fx fx;
	struct iommu_resp resp;
	uint64_t lo, hi;
	unsigned fri;

	if (!fault_fx_init(&fx, 8))
		return;
	for (unsigned i = 0; i < 3; i++) {
		struct iommu_req rq = unit_req(SID, 0x10000ull * (i + 1), IOMMU_ACC_READ);

		UNIT_EQ_HEX(translate(&fx, &rq, &resp), 1);
	}
	/* Writing 0 to F, or to the low half, clears nothing. */
	iommu_reg_write(fx.mmu, VTD_FRCD_OFFSET + 8, 8, 0);
	iommu_reg_write(fx.mmu, VTD_FRCD_OFFSET, 8, ~0ull);
	frcd(&fx, 0, &lo, &hi);
	UNIT_EQ_HEX(hi & VTD_FRCD_HI_F, VTD_FRCD_HI_F);
	UNIT_EQ_HEX(lo, 0x10000ull);

	/* 8-byte write of F to record 1. */
	iommu_reg_write(fx.mmu, VTD_FRCD_OFFSET + VTD_FRCD_SIZE + 8, 8, VTD_FRCD_HI_F);
	frcd(&fx, 1, &lo, &hi);
	UNIT_EQ_HEX(hi & VTD_FRCD_HI_F, 0);
	frcd(&fx, 0, &lo, &hi);
	UNIT_EQ_HEX(hi & VTD_FRCD_HI_F, VTD_FRCD_HI_F);
	UNIT_EQ_HEX(fsts(&fx) & VTD_FSTS_PPF, VTD_FSTS_PPF);
	/* 4-byte write of bit 127 to record 0. */
	iommu_reg_write(fx.mmu, VTD_FRCD_OFFSET + 12, 4, 1u << 31);
	frcd(&fx, 0, &lo, &hi);
	UNIT_EQ_HEX(hi & VTD_FRCD_HI_F, 0);
	UNIT_EQ_HEX(fsts(&fx) & VTD_FSTS_PPF, VTD_FSTS_PPF);
	iommu_reg_write(fx.mmu, VTD_FRCD_OFFSET + 2 * VTD_FRCD_SIZE + 8, 8, VTD_FRCD_HI_F);
	UNIT_EQ_HEX(fsts(&fx) & VTD_FSTS_PPF, 0);

	/* The next fault (PPF = 0) sets FRI to the record it went to. */
	{
		struct iommu_req rq =
			unit_req_pasid(SID, PASID, false, 0x5555000ull, IOMMU_ACC_WRITE);
		struct iommu_req rq2 = unit_req(SID, 0x6666000ull, IOMMU_ACC_READ);

		UNIT_EQ_HEX(translate(&fx, &rq, &resp), 1);
		UNIT_TRUE(resp.fault_recorded);
		UNIT_EQ_HEX(fsts(&fx) & VTD_FSTS_PPF, VTD_FSTS_PPF);
		fri = (unsigned)FIELD_GET64(VTD_FSTS_FRI, fsts(&fx));
		UNIT_TRUE(fri < 8);
		frcd(&fx, fri, &lo, &hi);
		UNIT_EQ_HEX(lo, 0x5555000ull);
		UNIT_EQ_HEX(hi, expect_hi(&rq, VTD_FR_FL_NOT_PRESENT));
		/* Another one while PPF = 1 leaves FRI alone. */
		UNIT_EQ_HEX(translate(&fx, &rq2, &resp), 1);
		UNIT_TRUE(resp.fault_recorded);
		UNIT_EQ_HEX(FIELD_GET64(VTD_FSTS_FRI, fsts(&fx)), fri);
	}
	UNIT_EQ_HEX(iommu_stats(fx.mmu)->faults_recorded, 5);
	unit_fx_fini(&fx);
}

/* With all NFR records pending, a fault sets PFO and is lost (counted in
 * faults_overflow); records keep their contents; once freed, faults record
 * again. */
static void overflow_case(unsigned nfr)
{
	struct unit_fx fx;
	struct iommu_resp resp;
	char ctx[32];
	uint64_t lo, hi;
	const struct iommu_stats *st;

	snprintf(ctx, sizeof(ctx), "nfr %u", nfr);
	if (!fault_fx_init(&fx, nfr))
		return;
	UNIT_EQ_HEXC(ctx, FIELD_GET64(VTD_CAP_NFR, iommu_reg_read(fx.mmu, VTD_REG_CAP, 8)),
		     nfr - 1);
	for (unsigned i = 0; i < nfr; i++) {
		struct iommu_req rq = unit_req(SID, 0x100000ull * (i + 1), IOMMU_ACC_READ);

		UNIT_EQ_HEXC(ctx, translate(&fx, &rq, &resp), 1);
		UNIT_TRUEC(ctx, resp.fault_recorded);
	}
	UNIT_EQ_HEXC(ctx, fsts(&fx), VTD_FSTS_PPF);
	/* Records fill in order from FRI = 0. */
	for (unsigned i = 0; i < nfr; i++) {
		frcd(&fx, i, &lo, &hi);
		UNIT_EQ_HEXC(ctx, lo, 0x100000ull * (i + 1));
		UNIT_EQ_HEXC(ctx, hi & VTD_FRCD_HI_F, VTD_FRCD_HI_F);
	}
	for (unsigned k = 0; k < 2; k++) {
		struct iommu_req rq =
			unit_req_pasid(SID, PASID, false, 0xBAD000ull, IOMMU_ACC_WRITE);

		UNIT_EQ_HEXC(ctx, translate(&fx, &rq, &resp), 1);
		UNIT_EQ_HEXC(ctx, resp.fault, VTD_FR_FL_NOT_PRESENT);
		UNIT_TRUEC(ctx, !resp.ok);
		UNIT_TRUEC(ctx, !resp.fault_recorded);
		UNIT_EQ_HEXC(ctx, fsts(&fx) & (VTD_FSTS_PFO | VTD_FSTS_PPF),
			     VTD_FSTS_PFO | VTD_FSTS_PPF);
	}
	for (unsigned i = 0; i < nfr; i++) {
		frcd(&fx, i, &lo, &hi);
		UNIT_EQ_HEXC(ctx, lo, 0x100000ull * (i + 1));
	}
	st = iommu_stats(fx.mmu);
	UNIT_EQ_HEXC(ctx, st->faults, nfr + 2);
	UNIT_EQ_HEXC(ctx, st->faults_recorded, nfr);
	UNIT_EQ_HEXC(ctx, st->faults_overflow, 2);

	/* Free every record and clear PFO: faults record again. */
	unit_clear_faults(&fx);
	UNIT_EQ_HEXC(ctx, fsts(&fx) & (VTD_FSTS_PFO | VTD_FSTS_PPF), 0);
	{
		struct iommu_req rq = unit_req(SID, 0xC0DE000ull, IOMMU_ACC_READ);
		unsigned fri;

		UNIT_EQ_HEXC(ctx, translate(&fx, &rq, &resp), 1);
		UNIT_TRUEC(ctx, resp.fault_recorded);
		UNIT_EQ_HEXC(ctx, fsts(&fx) & (VTD_FSTS_PFO | VTD_FSTS_PPF), VTD_FSTS_PPF);
		fri = (unsigned)FIELD_GET64(VTD_FSTS_FRI, fsts(&fx));
		UNIT_TRUEC(ctx, fri < nfr);
		frcd(&fx, fri, &lo, &hi);
		UNIT_EQ_HEXC(ctx, lo, 0xC0DE000ull);
		UNIT_EQ_HEXC(ctx, hi & VTD_FRCD_HI_F, VTD_FRCD_HI_F);
	}
	UNIT_EQ_HEXC(ctx, st->faults_recorded, nfr + 1);
	UNIT_EQ_HEXC(ctx, st->faults_overflow, 2);
	unit_fx_fini(&fx);
}

static void test_overflow(void)
{
	overflow_case(1);
	overflow_case(3);
	overflow_case(8);
}

/* Expects a fault that was suppressed: rc 1, reason, not recorded, PPF 0. */
static void expect_suppressed(struct unit_fx *fx, const struct iommu_req *rq, unsigned reason,
			      const char *ctx)
{
	struct iommu_resp resp;

	UNIT_EQ_HEXC(ctx, translate(fx, rq, &resp), 1);
	UNIT_TRUEC(ctx, !resp.ok);
	UNIT_EQ_HEXC(ctx, resp.fault, reason);
	UNIT_TRUEC(ctx, !resp.fault_recorded);
	UNIT_EQ_HEXC(ctx, fsts(fx) & VTD_FSTS_PPF, 0);
}

static void expect_recorded(struct unit_fx *fx, const struct iommu_req *rq, unsigned reason,
			    const char *ctx)
{
	struct iommu_resp resp;

	UNIT_EQ_HEXC(ctx, translate(fx, rq, &resp), 1);
	UNIT_EQ_HEXC(ctx, resp.fault, reason);
	UNIT_TRUEC(ctx, resp.fault_recorded);
	UNIT_EQ_HEXC(ctx, fsts(fx) & VTD_FSTS_PPF, VTD_FSTS_PPF);
	unit_clear_faults(fx);
}

/* FPD in the context entry suppresses recording of faults found after it. */
static void test_fpd_context(void)
{
	struct unit_fx fx;
	uint64_t ce;
	struct iommu_req with = unit_req_pasid(SID, PASID, false, 0x1000, IOMMU_ACC_READ);
	struct iommu_req same_tbl = unit_req_pasid(SID, PASID + 1, false, 0x1000, IOMMU_ACC_READ);
	struct iommu_req no_dir = unit_req_pasid(SID, 0x40u * 0x55, false, 0x1000, IOMMU_ACC_READ);
	struct iommu_req other_bus = unit_req(0x4400, 0x1000, IOMMU_ACC_READ);

	if (!fault_fx_init(&fx, 8))
		return;
	if (!UNIT_EQ_HEX(vtd_builder_context_pa(fx.b, SID, &ce), 0))
		goto out;
	expect_recorded(&fx, &with, VTD_FR_FL_NOT_PRESENT, "ctx FPD=0");
	unit_modify64(&fx, ce, 0, VTD_CE0_FPD);
	expect_suppressed(&fx, &with, VTD_FR_FL_NOT_PRESENT, "ctx FPD, FL");
	expect_suppressed(&fx, &same_tbl, VTD_FR_PTE_NOT_PRESENT, "ctx FPD, PASID entry");
	expect_suppressed(&fx, &no_dir, VTD_FR_PDE_NOT_PRESENT, "ctx FPD, PASID dir entry");
	UNIT_EQ_HEX(iommu_stats(fx.mmu)->faults_fpd, 3);
	UNIT_EQ_HEX(iommu_stats(fx.mmu)->faults_recorded, 1);
	/* A fault before this context entry is read still records. */
	expect_recorded(&fx, &other_bus, VTD_FR_ROOT_NOT_PRESENT, "other bus");
	unit_modify64(&fx, ce, VTD_CE0_FPD, 0);
	expect_recorded(&fx, &with, VTD_FR_FL_NOT_PRESENT, "ctx FPD cleared");
	UNIT_EQ_HEX(iommu_stats(fx.mmu)->faults_fpd, 3);
	UNIT_EQ_HEX(iommu_stats(fx.mmu)->faults, 6);
out:
	unit_fx_fini(&fx);
}

/* FPD in a PASID directory entry: only PASIDs under that entry. */
static void test_fpd_pasid_dir(void)
{
	struct unit_fx fx;
	uint64_t ce, pde_pa, ce0;
	struct iommu_req with = unit_req_pasid(SID, PASID, false, 0x1000, IOMMU_ACC_WRITE);
	struct iommu_req same_tbl = unit_req_pasid(SID, PASID + 1, false, 0x1000, IOMMU_ACC_READ);
	struct iommu_req rid = unit_req(SID, 0x1000, IOMMU_ACC_READ);

	if (!fault_fx_init(&fx, 8))
		return;
	if (!UNIT_EQ_HEX(vtd_builder_context_pa(fx.b, SID, &ce), 0))
		goto out;
	ce0 = unit_peek64(&fx, ce);
	/* RID_PASID must sit under another directory entry for this test. */
	UNIT_TRUE(VTD_PASID_DIR_INDEX(
			  (uint32_t)FIELD_GET64(VTD_CE1_RID_PASID, unit_peek64(&fx, ce + 8))) !=
		  VTD_PASID_DIR_INDEX(PASID));
	pde_pa = (ce0 & VTD_CE0_PDTP) + 8ull * VTD_PASID_DIR_INDEX(PASID);
	UNIT_EQ_HEX(unit_peek64(&fx, pde_pa) & VTD_PDE_P, VTD_PDE_P);
	unit_modify64(&fx, pde_pa, 0, VTD_PDE_FPD);
	expect_suppressed(&fx, &with, VTD_FR_FL_NOT_PRESENT, "dir FPD, FL");
	expect_suppressed(&fx, &same_tbl, VTD_FR_PTE_NOT_PRESENT, "dir FPD, PASID entry");
	expect_recorded(&fx, &rid, VTD_FR_FL_NOT_PRESENT, "other dir entry");
	UNIT_EQ_HEX(iommu_stats(fx.mmu)->faults_fpd, 2);
	unit_modify64(&fx, pde_pa, VTD_PDE_FPD, 0);
	expect_recorded(&fx, &with, VTD_FR_FL_NOT_PRESENT, "dir FPD cleared");
out:
	unit_fx_fini(&fx);
}

/* FPD in a PASID table entry: only that PASID. */
static void test_fpd_pasid_entry(void)
{
	struct unit_fx fx;
	uint64_t pe;
	struct iommu_req with = unit_req_pasid(SID, PASID, true, 0x1000, IOMMU_ACC_READ);
	struct iommu_req same_tbl = unit_req_pasid(SID, PASID + 1, false, 0x1000, IOMMU_ACC_READ);
	struct iommu_req rid = unit_req(SID, 0x1000, IOMMU_ACC_WRITE);

	if (!fault_fx_init(&fx, 8))
		return;
	if (!UNIT_EQ_HEX(vtd_builder_pasid_entry_pa(fx.b, SID, PASID, &pe), 0))
		goto out;
	unit_modify64(&fx, pe, 0, VTD_PE0_FPD);
	expect_suppressed(&fx, &with, VTD_FR_FL_NOT_PRESENT, "PASID entry FPD");
	expect_recorded(&fx, &same_tbl, VTD_FR_PTE_NOT_PRESENT, "neighbour entry");
	expect_recorded(&fx, &rid, VTD_FR_FL_NOT_PRESENT, "RID_PASID entry");
	UNIT_EQ_HEX(iommu_stats(fx.mmu)->faults_fpd, 1);
	UNIT_EQ_HEX(iommu_stats(fx.mmu)->faults, 3);
	UNIT_EQ_HEX(iommu_stats(fx.mmu)->faults_by_reason[VTD_FR_FL_NOT_PRESENT], 2);
	unit_modify64(&fx, pe, VTD_PE0_FPD, 0);
	expect_recorded(&fx, &with, VTD_FR_FL_NOT_PRESENT, "PASID entry FPD cleared");
out:
	unit_fx_fini(&fx);
}

/* Every named reason has a description; other values are "unknown". */
static void test_reason_str(void)
{
	static const unsigned named[] = {
		0x30, 0x38, 0x39, 0x3A, 0x40, 0x41, 0x42, 0x43, 0x44, 0x45, 0x46, 0x47, 0x48, 0x50,
		0x51, 0x52, 0x58, 0x59, 0x5A, 0x5B, 0x5C, 0x5D, 0x70, 0x71, 0x72, 0x73, 0x74, 0x75,
		0x76, 0x77, 0x78, 0x79, 0x7A, 0x7B, 0x80, 0x81, 0x82, 0x83, 0x84, 0x85, 0x86,
	};
	static const unsigned unnamed[] = {0x2F, 0x6F, 0xFF, 0x1000};

	for (unsigned i = 0; i < sizeof(named) / sizeof(named[0]); i++) {
		const char *s = vtd_fault_reason_str(named[i]);
		char ctx[16];

		snprintf(ctx, sizeof(ctx), "0x%x", named[i]);
		if (UNIT_TRUEC(ctx, s != NULL))
			UNIT_TRUEC(ctx, s[0] != '\0' && strcmp(s, "unknown") != 0);
	}
	UNIT_TRUE(strstr(vtd_fault_reason_str(VTD_FR_PTE_NOT_PRESENT), "not present") != NULL);
	for (unsigned i = 0; i < sizeof(unnamed) / sizeof(unnamed[0]); i++) {
		const char *s = vtd_fault_reason_str(unnamed[i]);
		char ctx[16];

		snprintf(ctx, sizeof(ctx), "0x%x", unnamed[i]);
		if (UNIT_TRUEC(ctx, s != NULL))
			UNIT_TRUEC(ctx, strcmp(s, "unknown") == 0);
	}
}

static const struct unit_test fault_tests[] = {
	{"record_fields", test_record_fields}, {"f_clear_and_fri", test_f_clear_and_fri},
	{"overflow", test_overflow},           {"fpd_context", test_fpd_context},
	{"fpd_pasid_dir", test_fpd_pasid_dir}, {"fpd_pasid_entry", test_fpd_pasid_entry},
	{"reason_str", test_reason_str},       {NULL, NULL},
};

void unit_register(void)
{
	unit_add_suite("vtd/fault.c+fault_str.c", fault_tests);
}
