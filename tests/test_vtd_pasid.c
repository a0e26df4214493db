/*
 * Tests of src/vtd/pasid.c: PASIDE, PDTS limit, PASID directory entry and
 * PASID table entry checks (P, reserved bits, PGTT/AW/FLPM validity, SRE,
 * ERE) and the RID_PASID used for requests without a PASID.
 *
 * SID 0x0A10: without PASID (RID_PASID) and with PASID 0x124 -> first-level
 * domain 1; with PASID 0x123 -> second-level domain 2. Both map IOVA 0x200000
 * (4 KiB, RWX, user), to different pages.
 */
#include "unit.h"

#include <stdio.h>
#include <string.h>

#define SID      0x0A10
#define FL_DOM   1
#define SL_DOM   2
#define PASID_SL 0x123u
#define PASID_FL 0x124u
#define IOVA     0x200000ull
#define PA_FL    0x76543000ull
#define PA_SL    0x1ABCD000ull

static bool pasid_fx_init(struct unit_fx *fx, const struct iommu_config *cfg,
			  const struct vtd_builder_config *bcfg)
{
	const unsigned rwx = IOMMU_PERM_R | IOMMU_PERM_W | IOMMU_PERM_X;

	if (!unit_fx_init(fx, cfg, bcfg))
		return false;
	if (!UNIT_EQ_HEX(vtd_builder_domain(fx->b, FL_DOM, VTD_STAGE_S1, 4, -1), 0) ||
	    !UNIT_EQ_HEX(vtd_builder_domain(fx->b, SL_DOM, VTD_STAGE_S2, 4, -1), 0) ||
	    !UNIT_EQ_HEX(vtd_builder_map(fx->b, FL_DOM, IOVA, PA_FL, 0x1000, rwx, true), 0) ||
	    !UNIT_EQ_HEX(vtd_builder_map(fx->b, SL_DOM, IOVA, PA_SL, 0x1000, rwx, true), 0) ||
	    !UNIT_EQ_HEX(unit_attach(fx, SID, false, 0, VTD_PGTT_FL, FL_DOM, -1), 0) ||
	    !UNIT_EQ_HEX(unit_attach(fx, SID, true, PASID_SL, VTD_PGTT_SL, -1, SL_DOM), 0) ||
	    !UNIT_EQ_HEX(unit_attach(fx, SID, true, PASID_FL, VTD_PGTT_FL, FL_DOM, -1), 0)) {
		unit_fx_fini(fx);
		return false;
	}
	return true;
}

static struct iommu_req rq_pasid(uint32_t pasid, bool priv, enum iommu_access acc)
{
	return unit_req_pasid(SID, pasid, priv, IOVA + 0x88, acc);
}

static void ok_fl(struct unit_fx *fx, const struct iommu_req *rq, const char *ctx)
{
	UNIT_EXPECT_HPA(fx, rq, PA_FL + 0x88, ctx, NULL);
}

static void ok_sl(struct unit_fx *fx, const struct iommu_req *rq, const char *ctx)
{
	UNIT_EXPECT_HPA(fx, rq, PA_SL + 0x88, ctx, NULL);
}

static uint64_t ctx_pa(struct unit_fx *fx)
{
	uint64_t pa = 0;

	UNIT_EQ_HEX(vtd_builder_context_pa(fx->b, SID, &pa), 0);
	return pa;
}

static uint64_t pe_pa(struct unit_fx *fx, uint32_t pasid)
{
	uint64_t pa = 0;

	UNIT_EQ_HEX(vtd_builder_pasid_entry_pa(fx->b, SID, pasid, &pa), 0);
	return pa;
}

static uint64_t pde_pa(struct unit_fx *fx, uint32_t pasid)
{
	return (unit_peek64(fx, ctx_pa(fx)) & VTD_CE0_PDTP) + 8ull * VTD_PASID_DIR_INDEX(pasid);
}

/* The baseline: each PASID reaches its domain, reading one directory entry
 * and one PASID entry; the entries sit where the directory says. */
static void test_baseline(void)
{
	struct unit_fx fx;
	struct iommu_resp resp;
	struct iommu_req sl = rq_pasid(PASID_SL, false, IOMMU_ACC_READ);
	struct iommu_req fl = rq_pasid(PASID_FL, true, IOMMU_ACC_WRITE);
	uint64_t pde;

	if (!pasid_fx_init(&fx, NULL, NULL))
		return;
	UNIT_EXPECT_HPA(&fx, &sl, PA_SL + 0x88, "PASID 0x123", &resp);
	UNIT_EQ_HEX(resp.pasid, PASID_SL);
	UNIT_EQ_HEX(resp.did, SL_DOM);
	UNIT_EQ_HEX(resp.refs.pasid_dir, 1);
	UNIT_EQ_HEX(resp.refs.pasid_entry, 1);
	UNIT_EXPECT_HPA(&fx, &fl, PA_FL + 0x88, "PASID 0x124", &resp);
	UNIT_EQ_HEX(resp.pasid, PASID_FL);
	UNIT_EQ_HEX(resp.did, FL_DOM);
	UNIT_EQ_HEX(unit_peek64(&fx, ctx_pa(&fx)) & VTD_CE0_PASIDE, VTD_CE0_PASIDE);
	pde = unit_peek64(&fx, pde_pa(&fx, PASID_SL));
	UNIT_EQ_HEX(pde & VTD_PDE_P, VTD_PDE_P);
	UNIT_EQ_HEX(pe_pa(&fx, PASID_SL),
		    (pde & VTD_PDE_PTP) + 64u * VTD_PASID_TBL_INDEX(PASID_SL));
	UNIT_EQ_HEX(FIELD_GET64(VTD_PE0_PGTT, unit_peek64(&fx, pe_pa(&fx, PASID_SL))), VTD_PGTT_SL);
	UNIT_EQ_HEX(FIELD_GET64(VTD_PE0_PGTT, unit_peek64(&fx, pe_pa(&fx, PASID_FL))), VTD_PGTT_FL);
	unit_fx_fini(&fx);
}

/* A request with a PASID and context PASIDE = 0: 0x45; without PASID fine. */
static void test_paside_clear(void)
{
	struct unit_fx fx;
	struct iommu_req sl = rq_pasid(PASID_SL, false, IOMMU_ACC_READ);
	struct iommu_req none = unit_req(SID, IOVA + 0x88, IOMMU_ACC_READ);
	uint64_t ce;

	if (!pasid_fx_init(&fx, NULL, NULL))
		return;
	ce = ctx_pa(&fx);
	unit_modify64(&fx, ce, VTD_CE0_PASIDE, 0);
	UNIT_EXPECT_FAULT(&fx, &sl, VTD_FR_CTX_PASIDE_CLEAR, "PASIDE = 0", NULL);
	ok_fl(&fx, &none, "PASIDE = 0, no PASID");
	unit_modify64(&fx, ce, 0, VTD_CE0_PASIDE);
	ok_sl(&fx, &sl, "PASIDE = 1");
	unit_fx_fini(&fx);
}

/* PASID directory index (PASID >> 6) >= 2^(PDTS+7): 0x46. */
static void test_pasid_too_large(void)
{
	struct vtd_builder_config bc;
	struct unit_fx fx;
	uint64_t ce;
	const uint32_t top = (1u << (1 + 7)) * 64 - 1; /* PDTS 1: 256 entries */

	vtd_builder_config_default(&bc);
	bc.pdts = 1;
	if (!pasid_fx_init(&fx, NULL, &bc))
		return;
	ce = ctx_pa(&fx);
	UNIT_EQ_HEX(FIELD_GET64(VTD_CE0_PDTS, unit_peek64(&fx, ce)), 1);
	if (UNIT_EQ_HEX(unit_attach(&fx, SID, true, top, VTD_PGTT_SL, -1, SL_DOM), 0)) {
		struct iommu_req rq = rq_pasid(top, false, IOMMU_ACC_READ);

		ok_sl(&fx, &rq, "last PASID under PDTS 1");
	}
	{
		struct iommu_req rq = rq_pasid(top + 1, false, IOMMU_ACC_READ);
		struct iommu_req big = rq_pasid(0xFFFFF, false, IOMMU_ACC_WRITE);
		struct iommu_resp resp;

		UNIT_EXPECT_FAULT(&fx, &rq, VTD_FR_PASID_TOO_LARGE, "first PASID over PDTS 1",
				  &resp);
		UNIT_EQ_HEX(resp.refs.pasid_dir, 0);
		UNIT_EXPECT_FAULT(&fx, &big, VTD_FR_PASID_TOO_LARGE, "PASID 0xFFFFF, PDTS 1", NULL);
		/* A bigger PDTS lets it through to an absent directory entry. */
		unit_modify64(&fx, ce, VTD_CE0_PDTS, FIELD_PREP64(VTD_CE0_PDTS, 2));
		UNIT_EXPECT_FAULT(&fx, &rq, VTD_FR_PDE_NOT_PRESENT, "PDTS 2", NULL);
		UNIT_EXPECT_FAULT(&fx, &big, VTD_FR_PASID_TOO_LARGE, "PASID 0xFFFFF, PDTS 2", NULL);
	}
	unit_fx_fini(&fx);
}

/* PASID directory entry: read error 0x50, P = 0 0x51, reserved 0x52. */
static void test_pde_faults(void)
{
	struct unit_fx fx;
	struct iommu_req sl = rq_pasid(PASID_SL, false, IOMMU_ACC_READ);
	struct iommu_req absent = rq_pasid(7u << 6, false, IOMMU_ACC_READ);
	uint64_t pde;
	char ctx[48];

	if (!pasid_fx_init(&fx, NULL, NULL))
		return;
	UNIT_EXPECT_FAULT(&fx, &absent, VTD_FR_PDE_NOT_PRESENT, "directory entry 7", NULL);
	pde = pde_pa(&fx, PASID_SL);
	unit_modify64(&fx, pde, VTD_PDE_P, 0);
	UNIT_EXPECT_FAULT(&fx, &sl, VTD_FR_PDE_NOT_PRESENT, "P cleared", NULL);
	unit_modify64(&fx, pde, 0, VTD_PDE_P);

	unit_mem_fail_read(&fx.um, pde);
	UNIT_EXPECT_FAULT(&fx, &sl, VTD_FR_PDE_ACCESS, "directory read error", NULL);
	unit_mem_heal(&fx.um);

	for (unsigned bit = 2; bit <= 11; bit++) {
		uint64_t old = unit_modify64(&fx, pde, 0, BIT64(bit));

		snprintf(ctx, sizeof(ctx), "directory entry bit %u", bit);
		UNIT_EXPECT_FAULT(&fx, &sl, VTD_FR_PDE_RSVD, ctx, NULL);
		unit_poke64(&fx, pde, old);
	}
	for (unsigned bit = 46; bit <= 63; bit += 17) {
		uint64_t old = unit_modify64(&fx, pde, 0, BIT64(bit));

		snprintf(ctx, sizeof(ctx), "directory pointer bit %u", bit);
		UNIT_EXPECT_FAULT(&fx, &sl, VTD_FR_PDE_RSVD, ctx, NULL);
		unit_poke64(&fx, pde, old);
	}
	ok_sl(&fx, &sl, "directory entry restored");
	unit_fx_fini(&fx);
}

/* PASID table entry: read error 0x58, P = 0 0x59, reserved bits 0x5A. */
static void test_pte_faults(void)
{
	static const struct {
		unsigned qw, bit;
	} rsvd[] = {
		{0, 10}, {0, 11}, {1, 16}, {1, 22}, {1, 25}, {1, 40}, {1, 63}, {2, 6}, {2, 7},
		{2, 8},  {2, 11}, {3, 0},  {3, 63}, {4, 5},  {5, 0},  {6, 33}, {7, 0}, {7, 63},
	};
	static const uint32_t pasids[] = {PASID_SL, PASID_FL};
	struct unit_fx fx;
	struct iommu_req absent = rq_pasid(PASID_FL + 1, false, IOMMU_ACC_READ);
	char ctx[64];

	if (!pasid_fx_init(&fx, NULL, NULL))
		return;
	UNIT_EXPECT_FAULT(&fx, &absent, VTD_FR_PTE_NOT_PRESENT, "PASID 0x125 never attached", NULL);
	for (unsigned p = 0; p < 2; p++) {
		uint32_t pasid = pasids[p];
		struct iommu_req rq = rq_pasid(pasid, false, IOMMU_ACC_READ);
		uint64_t pe = pe_pa(&fx, pasid);

		snprintf(ctx, sizeof(ctx), "PASID 0x%x P cleared", pasid);
		unit_modify64(&fx, pe, VTD_PE0_P, 0);
		UNIT_EXPECT_FAULT(&fx, &rq, VTD_FR_PTE_NOT_PRESENT, ctx, NULL);
		unit_modify64(&fx, pe, 0, VTD_PE0_P);

		snprintf(ctx, sizeof(ctx), "PASID 0x%x table read error", pasid);
		unit_mem_fail_read(&fx.um, pe);
		UNIT_EXPECT_FAULT(&fx, &rq, VTD_FR_PTE_ACCESS, ctx, NULL);
		unit_mem_heal(&fx.um);

		for (unsigned i = 0; i < sizeof(rsvd) / sizeof(rsvd[0]); i++) {
			uint64_t pa = pe + 8ull * rsvd[i].qw;
			uint64_t old = unit_modify64(&fx, pa, 0, BIT64(rsvd[i].bit));

			snprintf(ctx, sizeof(ctx), "PASID 0x%x QW%u bit %u", pasid, rsvd[i].qw,
				 rsvd[i].bit);
			UNIT_EXPECT_FAULT(&fx, &rq, VTD_FR_PTE_RSVD, ctx, NULL);
			unit_poke64(&fx, pa, old);
		}
		/* PWSNP (QW1 bit 23) and PGSNP (QW1 bit 24) are not reserved. */
		for (unsigned bit = 23; bit <= 24; bit++) {
			uint64_t old = unit_modify64(&fx, pe + 8, 0, BIT64(bit));

			snprintf(ctx, sizeof(ctx), "PASID 0x%x QW1 bit %u", pasid, bit);
			UNIT_EXPECT_HPA(&fx, &rq, (pasid == PASID_SL ? PA_SL : PA_FL) + 0x88, ctx,
					NULL);
			unit_poke64(&fx, pe + 8, old);
		}
	}
	{
		struct iommu_req rq = rq_pasid(PASID_SL, false, IOMMU_ACC_READ);

		ok_sl(&fx, &rq, "restored");
	}
	unit_fx_fini(&fx);
}

/* PGTT outside 1-4: 0x5B. */
static void test_pgtt_invalid(void)
{
	static const unsigned bad[] = {0, 5, 6, 7};
	struct unit_fx fx;
	char ctx[32];

	if (!pasid_fx_init(&fx, NULL, NULL))
		return;
	for (unsigned p = 0; p < 2; p++) {
		uint32_t pasid = p ? PASID_FL : PASID_SL;
		struct iommu_req rq = rq_pasid(pasid, false, IOMMU_ACC_READ);
		uint64_t pe = pe_pa(&fx, pasid);

		for (unsigned i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
			uint64_t old = unit_modify64(&fx, pe, VTD_PE0_PGTT,
						     FIELD_PREP64(VTD_PE0_PGTT, bad[i]));

			snprintf(ctx, sizeof(ctx), "PASID 0x%x PGTT %u", pasid, bad[i]);
			UNIT_EXPECT_FAULT(&fx, &rq, VTD_FR_PTE_INVALID, ctx, NULL);
			unit_poke64(&fx, pe, old);
		}
	}
	/* The second-level entry re-typed as pass-through: hpa = address. */
	{
		struct iommu_req rq = rq_pasid(PASID_SL, false, IOMMU_ACC_READ);
		uint64_t pe = pe_pa(&fx, PASID_SL);
		uint64_t old = unit_modify64(&fx, pe, VTD_PE0_PGTT, FIELD_PREP64(VTD_PE0_PGTT, 4));

		UNIT_EXPECT_HPA(&fx, &rq, IOVA + 0x88, "PGTT 2 -> 4", NULL);
		unit_poke64(&fx, pe, old);
	}
	unit_fx_fini(&fx);
}

/* Types the hardware does not support, AW outside SAGAW, FLPM. */
static void test_pgtt_unsupported(void)
{
	struct iommu_config c;
	struct unit_fx fx;
	char ctx[48];
	uint64_t pe, old;
	struct iommu_req sl = rq_pasid(PASID_SL, false, IOMMU_ACC_READ);
	struct iommu_req fl = rq_pasid(PASID_FL, false, IOMMU_ACC_READ);

	unit_config_walk(&c);
	c.nested = false;
	c.pass_through = false;
	c.fl_5level = false;
	c.sagaw = VTD_SAGAW_48;
	c.mgaw = 48;
	if (!pasid_fx_init(&fx, &c, NULL))
		return;
	pe = pe_pa(&fx, PASID_SL);
	UNIT_EQ_HEX(FIELD_GET64(VTD_PE0_AW, unit_peek64(&fx, pe)), 2);
	old = unit_modify64(&fx, pe, VTD_PE0_PGTT, FIELD_PREP64(VTD_PE0_PGTT, VTD_PGTT_NESTED));
	UNIT_EXPECT_FAULT(&fx, &sl, VTD_FR_PTE_INVALID, "nested without ECAP.NEST", NULL);
	unit_poke64(&fx, pe, old);
	old = unit_modify64(&fx, pe, VTD_PE0_PGTT, FIELD_PREP64(VTD_PE0_PGTT, VTD_PGTT_PT));
	UNIT_EXPECT_FAULT(&fx, &sl, VTD_FR_PTE_INVALID, "pass-through without ECAP.PT", NULL);
	unit_poke64(&fx, pe, old);

	/* AW: only 2 (4-level) is in SAGAW here. */
	for (unsigned aw = 0; aw < 8; aw++) {
		if (aw == 2)
			continue;
		old = unit_modify64(&fx, pe, VTD_PE0_AW, FIELD_PREP64(VTD_PE0_AW, aw));
		snprintf(ctx, sizeof(ctx), "second level, AW %u", aw);
		UNIT_EXPECT_FAULT(&fx, &sl, VTD_FR_PTE_INVALID, ctx, NULL);
		unit_poke64(&fx, pe, old);
	}
	ok_sl(&fx, &sl, "AW 2");
	/* FLPM is not looked at for PGTT 2. */
	old = unit_modify64(&fx, pe + 16, VTD_PE2_FLPM, FIELD_PREP64(VTD_PE2_FLPM, 3));
	ok_sl(&fx, &sl, "second level, FLPM 3");
	unit_poke64(&fx, pe + 16, old);

	/* First level: FLPM > 1, and 1 without FL5LP; AW is not looked at. */
	pe = pe_pa(&fx, PASID_FL);
	for (unsigned flpm = 1; flpm < 4; flpm++) {
		old = unit_modify64(&fx, pe + 16, VTD_PE2_FLPM, FIELD_PREP64(VTD_PE2_FLPM, flpm));
		snprintf(ctx, sizeof(ctx), "first level, FLPM %u, no FL5LP", flpm);
		UNIT_EXPECT_FAULT(&fx, &fl, VTD_FR_PTE_INVALID, ctx, NULL);
		unit_poke64(&fx, pe + 16, old);
	}
	old = unit_modify64(&fx, pe, VTD_PE0_AW, FIELD_PREP64(VTD_PE0_AW, 7));
	ok_fl(&fx, &fl, "first level, AW 7");
	unit_poke64(&fx, pe, old);
	unit_fx_fini(&fx);

	/* With FL5LP, FLPM 2 and 3 are still invalid. */
	if (!pasid_fx_init(&fx, NULL, NULL))
		return;
	pe = pe_pa(&fx, PASID_FL);
	for (unsigned flpm = 2; flpm < 4; flpm++) {
		old = unit_modify64(&fx, pe + 16, VTD_PE2_FLPM, FIELD_PREP64(VTD_PE2_FLPM, flpm));
		snprintf(ctx, sizeof(ctx), "first level, FLPM %u", flpm);
		UNIT_EXPECT_FAULT(&fx, &fl, VTD_FR_PTE_INVALID, ctx, NULL);
		unit_poke64(&fx, pe + 16, old);
	}
	unit_fx_fini(&fx);
}

/* Privileged request with SRE = 0 (first level only): 0x5D. */
static void test_sre(void)
{
	struct unit_fx fx;
	struct iommu_req fl_priv = rq_pasid(PASID_FL, true, IOMMU_ACC_READ);
	struct iommu_req fl_user = rq_pasid(PASID_FL, false, IOMMU_ACC_WRITE);
	struct iommu_req sl_priv = rq_pasid(PASID_SL, true, IOMMU_ACC_WRITE);
	uint64_t pe;

	if (!pasid_fx_init(&fx, NULL, NULL))
		return;
	ok_fl(&fx, &fl_priv, "SRE = 1");
	pe = pe_pa(&fx, PASID_FL);
	unit_modify64(&fx, pe + 16, VTD_PE2_SRE, 0);
	UNIT_EXPECT_FAULT(&fx, &fl_priv, VTD_FR_SRE_CLEAR, "SRE = 0, priv", NULL);
	ok_fl(&fx, &fl_user, "SRE = 0, user");
	unit_modify64(&fx, pe_pa(&fx, PASID_SL) + 16, VTD_PE2_SRE, 0);
	ok_sl(&fx, &sl_priv, "SRE = 0, second level");
	unit_fx_fini(&fx);
}

/* Execute request with ERE = 0 (first level only): 0x5C; SRE checked first. */
static void test_ere(void)
{
	struct unit_fx fx;
	struct iommu_req fl_x = rq_pasid(PASID_FL, false, IOMMU_ACC_EXEC);
	struct iommu_req fl_px = rq_pasid(PASID_FL, true, IOMMU_ACC_EXEC);
	struct iommu_req fl_r = rq_pasid(PASID_FL, false, IOMMU_ACC_READ);
	struct iommu_req sl_x = rq_pasid(PASID_SL, false, IOMMU_ACC_EXEC);
	uint64_t pe;

	if (!pasid_fx_init(&fx, NULL, NULL))
		return;
	ok_fl(&fx, &fl_x, "ERE = 1");
	pe = pe_pa(&fx, PASID_FL);
	unit_modify64(&fx, pe + 16, VTD_PE2_ERE, 0);
	UNIT_EXPECT_FAULT(&fx, &fl_x, VTD_FR_ERE_CLEAR, "ERE = 0, exec", NULL);
	UNIT_EXPECT_FAULT(&fx, &fl_px, VTD_FR_ERE_CLEAR, "ERE = 0, priv exec", NULL);
	ok_fl(&fx, &fl_r, "ERE = 0, read");
	unit_modify64(&fx, pe + 16, VTD_PE2_SRE, 0);
	UNIT_EXPECT_FAULT(&fx, &fl_px, VTD_FR_SRE_CLEAR, "SRE = ERE = 0, priv exec", NULL);
	unit_modify64(&fx, pe_pa(&fx, PASID_SL) + 16, VTD_PE2_ERE, 0);
	ok_sl(&fx, &sl_x, "ERE = 0, second level");
	unit_fx_fini(&fx);
}

/* Requests without PASID use the context's RID_PASID (ECAP.RPS = 1) or
 * PASID 0 (RPS = 0). */
static void test_rid_pasid(void)
{
	struct unit_fx fx;
	struct iommu_resp resp;
	struct iommu_req none = unit_req(SID, IOVA + 0x88, IOMMU_ACC_READ);
	struct iommu_config c;
	uint64_t ce;
	uint32_t rid;

	if (!pasid_fx_init(&fx, NULL, NULL))
		return;
	ce = ctx_pa(&fx);
	rid = (uint32_t)FIELD_GET64(VTD_CE1_RID_PASID, unit_peek64(&fx, ce + 8));
	UNIT_EXPECT_HPA(&fx, &none, PA_FL + 0x88, "RID_PASID as built", &resp);
	UNIT_EQ_HEX(resp.pasid, rid);
	UNIT_EQ_HEX(resp.did, FL_DOM);
	/* Point RID_PASID at the second-level PASID. */
	unit_modify64(&fx, ce + 8, VTD_CE1_RID_PASID, FIELD_PREP64(VTD_CE1_RID_PASID, PASID_SL));
	UNIT_EXPECT_HPA(&fx, &none, PA_SL + 0x88, "RID_PASID = 0x123", &resp);
	UNIT_EQ_HEX(resp.pasid, PASID_SL);
	UNIT_EQ_HEX(resp.did, SL_DOM);
	/* An unattached RID_PASID: its PASID entry is not present. */
	unit_modify64(&fx, ce + 8, VTD_CE1_RID_PASID,
		      FIELD_PREP64(VTD_CE1_RID_PASID, PASID_FL + 1));
	UNIT_EXPECT_FAULT(&fx, &none, VTD_FR_PTE_NOT_PRESENT, "RID_PASID = 0x125", NULL);
	unit_fx_fini(&fx);

	/* ECAP.RPS = 0: PASID 0 whatever RID_PASID says. */
	unit_config_walk(&c);
	c.rid_pasid = false;
	if (!pasid_fx_init(&fx, &c, NULL))
		return;
	ce = ctx_pa(&fx);
	rid = (uint32_t)FIELD_GET64(VTD_CE1_RID_PASID, unit_peek64(&fx, ce + 8));
	if (rid != 0 && !UNIT_EQ_HEX(unit_attach(&fx, SID, true, 0, VTD_PGTT_FL, FL_DOM, -1), 0))
		goto out;
	unit_modify64(&fx, ce + 8, VTD_CE1_RID_PASID, FIELD_PREP64(VTD_CE1_RID_PASID, PASID_SL));
	UNIT_EXPECT_HPA(&fx, &none, PA_FL + 0x88, "RPS = 0", &resp);
	UNIT_EQ_HEX(resp.pasid, 0);
	UNIT_EQ_HEX(resp.did, FL_DOM);
out:
	unit_fx_fini(&fx);
}

/* Requests no bus could carry. */
static void test_bad_requests(void)
{
	struct unit_fx fx;
	struct iommu_resp resp;
	struct iommu_req rq;

	if (!pasid_fx_init(&fx, NULL, NULL))
		return;
	rq = unit_req(SID, IOVA, IOMMU_ACC_READ);
	rq.priv = true;
	UNIT_EQ_HEX(iommu_translate(fx.mmu, &rq, &resp), -IOMMU_EINVAL);
	UNIT_TRUE(!resp.ok);
	rq = unit_req(SID, IOVA, IOMMU_ACC_EXEC);
	UNIT_EQ_HEX(iommu_translate(fx.mmu, &rq, &resp), -IOMMU_EINVAL);
	UNIT_TRUE(!resp.ok);
	rq = rq_pasid(1u << 20, false, IOMMU_ACC_READ);
	UNIT_EQ_HEX(iommu_translate(fx.mmu, &rq, &resp), -IOMMU_EINVAL);
	UNIT_TRUE(!resp.ok);
	UNIT_EQ_HEX(iommu_reg_read(fx.mmu, VTD_REG_FSTS, 4), 0);
	unit_fx_fini(&fx);
}

static const struct unit_test pasid_tests[] = {
	{"baseline", test_baseline},
	{"paside_clear", test_paside_clear},
	{"pasid_too_large", test_pasid_too_large},
	{"pde_faults", test_pde_faults},
	{"pte_faults", test_pte_faults},
	{"pgtt_invalid", test_pgtt_invalid},
	{"pgtt_unsupported", test_pgtt_unsupported},
	{"sre", test_sre},
	{"ere", test_ere},
	{"rid_pasid", test_rid_pasid},
	{"bad_requests", test_bad_requests},
	{NULL, NULL},
};

void unit_register(void)
{
	unit_add_suite("vtd/pasid.c", pasid_tests);
}
