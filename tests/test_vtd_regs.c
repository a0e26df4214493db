/*
 * Tests of src/vtd/regs.c: CAP/ECAP as docs/model.md derives them from the
 * configuration, GCMD/GSTS, RTADDR latching, FSTS write-1-to-clear, 4- and
 * 8-byte access, reserved offsets.
 */
#include "unit.h"

#include <stdio.h>
#include <string.h>

/* A bare instance (no builder) over sparse memory. */
struct regs_fx {
	struct sparse_mem *sm;
	struct iommu_mem mem;
	struct iommu *mmu;
};

static bool regs_fx_init(struct regs_fx *r, const struct iommu_config *cfg)
{
	struct iommu_config def;

	if (!cfg) {
		iommu_config_default(&def);
		cfg = &def;
	}
	memset(r, 0, sizeof(*r));
	r->sm = sparse_mem_create(cfg->haw);
	if (!UNIT_TRUE(r->sm != NULL))
		return false;
	r->mem = sparse_mem_handle(r->sm);
	r->mmu = iommu_create(cfg, &r->mem);
	if (!UNIT_TRUE(r->mmu != NULL)) {
		sparse_mem_destroy(r->sm);
		return false;
	}
	return true;
}

static void regs_fx_fini(struct regs_fx *r)
{
	iommu_destroy(r->mmu);
	sparse_mem_destroy(r->sm);
}

static uint64_t rd8(struct regs_fx *r, uint32_t off)
{
	return iommu_reg_read(r->mmu, off, 8);
}

static uint64_t rd4(struct regs_fx *r, uint32_t off)
{
	return iommu_reg_read(r->mmu, off, 4);
}

static void test_config_default(void)
{
	struct iommu_config c;
	const char *why = NULL;

	memset(&c, 0xFF, sizeof(c));
	unit_config_walk(&c);
	UNIT_EQ_HEX(c.haw, 46);
	UNIT_EQ_HEX(c.mgaw, 57);
	UNIT_EQ_HEX(c.sagaw, VTD_SAGAW_39 | VTD_SAGAW_48 | VTD_SAGAW_57);
	UNIT_EQ_HEX(c.nfr, 8);
	UNIT_EQ_HEX(c.pasid_bits, 20);
	UNIT_TRUE(c.sl_2m && c.sl_1g && c.fl_1g && c.fl_5level);
	UNIT_TRUE(c.nested && c.pass_through && c.sl_ad);
	UNIT_TRUE(c.exec_req && c.super_req && c.rid_pasid);
	UNIT_EQ_HEX(iommu_config_check(&c, &why), 0);

	/* Out-of-range fields are refused and named. */
	{
		struct iommu_config bad = c;

		bad.haw = 38;
		why = NULL;
		UNIT_EQ_HEX(iommu_config_check(&bad, &why), -IOMMU_EINVAL);
		UNIT_TRUE(why != NULL && why[0] != '\0');
		bad = c;
		bad.haw = 53;
		UNIT_EQ_HEX(iommu_config_check(&bad, &why), -IOMMU_EINVAL);
		bad = c;
		bad.mgaw = 58;
		UNIT_EQ_HEX(iommu_config_check(&bad, &why), -IOMMU_EINVAL);
		bad = c;
		bad.mgaw = 38;
		UNIT_EQ_HEX(iommu_config_check(&bad, &why), -IOMMU_EINVAL);
		bad = c;
		bad.nfr = 0;
		UNIT_EQ_HEX(iommu_config_check(&bad, &why), -IOMMU_EINVAL);
		bad = c;
		bad.nfr = 257;
		UNIT_EQ_HEX(iommu_config_check(&bad, &why), -IOMMU_EINVAL);
		bad = c;
		bad.pasid_bits = 0;
		UNIT_EQ_HEX(iommu_config_check(&bad, &why), -IOMMU_EINVAL);
		bad = c;
		bad.pasid_bits = 21;
		UNIT_EQ_HEX(iommu_config_check(&bad, &why), -IOMMU_EINVAL);
		/* SAGAW: a non-empty set of the 39/48/57-bit widths only */
		bad = c;
		bad.sagaw = 0;
		UNIT_EQ_HEX(iommu_config_check(&bad, &why), -IOMMU_EINVAL);
		bad = c;
		bad.sagaw = VTD_SAGAW_48 | 0x10;
		UNIT_EQ_HEX(iommu_config_check(&bad, &why), -IOMMU_EINVAL);
		/* 5-level first-level tables need a 57-bit MGAW */
		bad = c;
		bad.fl_5level = true;
		bad.mgaw = 48;
		UNIT_EQ_HEX(iommu_config_check(&bad, &why), -IOMMU_EINVAL);
		bad.mgaw = 57;
		UNIT_EQ_HEX(iommu_config_check(&bad, &why), 0);
	}
}

/* CAP and ECAP fields for the defaults of docs/model.md. */
static void test_cap_ecap_defaults(void)
{
	struct regs_fx r;
	uint64_t cap, ecap;

	if (!regs_fx_init(&r, NULL))
		return;
	UNIT_EQ_HEX(rd4(&r, VTD_REG_VER), VTD_VER_VALUE);
	cap = rd8(&r, VTD_REG_CAP);
	UNIT_EQ_HEX(FIELD_GET64(VTD_CAP_ND, cap), 6);
	UNIT_EQ_HEX(FIELD_GET64(VTD_CAP_SAGAW, cap), 0x0E);
	UNIT_EQ_HEX(FIELD_GET64(VTD_CAP_MGAW, cap), 56);
	UNIT_EQ_HEX(FIELD_GET64(VTD_CAP_FRO, cap), 0x40);
	UNIT_EQ_HEX(FIELD_GET64(VTD_CAP_FRO, cap) * 16, VTD_FRCD_OFFSET);
	UNIT_EQ_HEX(FIELD_GET64(VTD_CAP_SLLPS, cap), 0x3);
	UNIT_EQ_HEX(FIELD_GET64(VTD_CAP_NFR, cap), 7);
	UNIT_EQ_HEX(FIELD_GET64(VTD_CAP_FL1GP, cap), 1);
	UNIT_EQ_HEX(FIELD_GET64(VTD_CAP_FL5LP, cap), 1);

	ecap = rd8(&r, VTD_REG_ECAP);
	UNIT_EQ_HEX(FIELD_GET64(VTD_ECAP_C, ecap), 1);
	UNIT_EQ_HEX(FIELD_GET64(VTD_ECAP_QI, ecap), 1);
	UNIT_EQ_HEX(FIELD_GET64(VTD_ECAP_DT, ecap), 1);
	UNIT_EQ_HEX(FIELD_GET64(VTD_ECAP_IR, ecap), 0);
	UNIT_EQ_HEX(FIELD_GET64(VTD_ECAP_PT, ecap), 1);
	UNIT_EQ_HEX(FIELD_GET64(VTD_ECAP_SC, ecap), 0);
	UNIT_EQ_HEX(FIELD_GET64(VTD_ECAP_NEST, ecap), 1);
	UNIT_EQ_HEX(FIELD_GET64(VTD_ECAP_PRS, ecap), 0);
	UNIT_EQ_HEX(FIELD_GET64(VTD_ECAP_ERS, ecap), 1);
	UNIT_EQ_HEX(FIELD_GET64(VTD_ECAP_SRS, ecap), 1);
	UNIT_EQ_HEX(FIELD_GET64(VTD_ECAP_PSS, ecap), 19);
	UNIT_EQ_HEX(FIELD_GET64(VTD_ECAP_PASID, ecap), 1);
	UNIT_EQ_HEX(FIELD_GET64(VTD_ECAP_SMTS, ecap), 1);
	UNIT_EQ_HEX(FIELD_GET64(VTD_ECAP_SLADS, ecap), 1);
	UNIT_EQ_HEX(FIELD_GET64(VTD_ECAP_SLTS, ecap), 1);
	UNIT_EQ_HEX(FIELD_GET64(VTD_ECAP_FLTS, ecap), 1);
	UNIT_EQ_HEX(FIELD_GET64(VTD_ECAP_SMPWC, ecap), 1);
	UNIT_EQ_HEX(FIELD_GET64(VTD_ECAP_RPS, ecap), 1);
	regs_fx_fini(&r);
}

/* Every field follows its configuration knob. */
static void test_cap_ecap_config(void)
{
	struct iommu_config c;
	struct regs_fx r;
	uint64_t cap, ecap;
	const char *why = NULL;

	unit_config_walk(&c);
	c.haw = 39;
	c.mgaw = 48;
	c.sagaw = VTD_SAGAW_48;
	c.nfr = 3;
	c.pasid_bits = 8;
	c.sl_2m = true;
	c.sl_1g = false;
	c.fl_1g = false;
	c.fl_5level = false;
	c.nested = false;
	c.pass_through = false;
	c.sl_ad = false;
	c.exec_req = false;
	c.super_req = false;
	c.rid_pasid = false;
	if (!UNIT_EQ_HEX(iommu_config_check(&c, &why), 0))
		fprintf(stderr, "config refused: %s\n", why ? why : "?");
	if (!regs_fx_init(&r, &c))
		return;
	cap = rd8(&r, VTD_REG_CAP);
	UNIT_EQ_HEX(FIELD_GET64(VTD_CAP_SAGAW, cap), 0x04);
	UNIT_EQ_HEX(FIELD_GET64(VTD_CAP_MGAW, cap), 47);
	UNIT_EQ_HEX(FIELD_GET64(VTD_CAP_NFR, cap), 2);
	UNIT_EQ_HEX(FIELD_GET64(VTD_CAP_SLLPS, cap), VTD_SLLPS_2M);
	UNIT_EQ_HEX(FIELD_GET64(VTD_CAP_FL1GP, cap), 0);
	UNIT_EQ_HEX(FIELD_GET64(VTD_CAP_FL5LP, cap), 0);
	UNIT_EQ_HEX(FIELD_GET64(VTD_CAP_FRO, cap), 0x40);
	ecap = rd8(&r, VTD_REG_ECAP);
	UNIT_EQ_HEX(FIELD_GET64(VTD_ECAP_PSS, ecap), 7);
	UNIT_EQ_HEX(FIELD_GET64(VTD_ECAP_NEST, ecap), 0);
	UNIT_EQ_HEX(FIELD_GET64(VTD_ECAP_PT, ecap), 0);
	UNIT_EQ_HEX(FIELD_GET64(VTD_ECAP_SLADS, ecap), 0);
	UNIT_EQ_HEX(FIELD_GET64(VTD_ECAP_ERS, ecap), 0);
	UNIT_EQ_HEX(FIELD_GET64(VTD_ECAP_SRS, ecap), 0);
	UNIT_EQ_HEX(FIELD_GET64(VTD_ECAP_RPS, ecap), 0);
	UNIT_EQ_HEX(FIELD_GET64(VTD_ECAP_SMTS, ecap), 1);
	UNIT_EQ_HEX(FIELD_GET64(VTD_ECAP_FLTS, ecap), 1);
	UNIT_EQ_HEX(FIELD_GET64(VTD_ECAP_SLTS, ecap), 1);
	regs_fx_fini(&r);

	/* 2 MiB off as well, 3- and 5-level only, one fault record. */
	unit_config_walk(&c);
	c.sl_2m = false;
	c.sl_1g = false;
	c.sagaw = VTD_SAGAW_39 | VTD_SAGAW_57;
	c.nfr = 1;
	c.pasid_bits = 20;
	if (!regs_fx_init(&r, &c))
		return;
	cap = rd8(&r, VTD_REG_CAP);
	UNIT_EQ_HEX(FIELD_GET64(VTD_CAP_SLLPS, cap), 0);
	UNIT_EQ_HEX(FIELD_GET64(VTD_CAP_SAGAW, cap), 0x0A);
	UNIT_EQ_HEX(FIELD_GET64(VTD_CAP_NFR, cap), 0);
	regs_fx_fini(&r);
}

/* 4-byte accesses see the halves of 8-byte registers; unknown offsets read
 * as 0 and read-only registers ignore writes. */
static void test_sizes(void)
{
	struct regs_fx r;
	uint64_t cap, ecap, rt;

	if (!regs_fx_init(&r, NULL))
		return;
	cap = rd8(&r, VTD_REG_CAP);
	ecap = rd8(&r, VTD_REG_ECAP);
	UNIT_EQ_HEX(rd4(&r, VTD_REG_CAP), cap & 0xFFFFFFFFu);
	UNIT_EQ_HEX(rd4(&r, VTD_REG_CAP + 4), cap >> 32);
	UNIT_EQ_HEX(rd4(&r, VTD_REG_ECAP), ecap & 0xFFFFFFFFu);
	UNIT_EQ_HEX(rd4(&r, VTD_REG_ECAP + 4), ecap >> 32);

	iommu_reg_write(r.mmu, VTD_REG_CAP, 8, ~0ull);
	iommu_reg_write(r.mmu, VTD_REG_ECAP + 4, 4, 0);
	UNIT_EQ_HEX(rd8(&r, VTD_REG_CAP), cap);
	UNIT_EQ_HEX(rd8(&r, VTD_REG_ECAP), ecap);

	/* RTADDR as one 8-byte write, read as halves, and the reverse. */
	rt = 0x00002ABCDEF12000ull | FIELD_PREP64(VTD_RTADDR_TTM, VTD_TTM_SCALABLE);
	iommu_reg_write(r.mmu, VTD_REG_RTADDR, 8, rt);
	UNIT_EQ_HEX(rd8(&r, VTD_REG_RTADDR), rt);
	UNIT_EQ_HEX(rd4(&r, VTD_REG_RTADDR), rt & 0xFFFFFFFFu);
	UNIT_EQ_HEX(rd4(&r, VTD_REG_RTADDR + 4), rt >> 32);
	rt = 0x0000123456789000ull | FIELD_PREP64(VTD_RTADDR_TTM, VTD_TTM_SCALABLE);
	iommu_reg_write(r.mmu, VTD_REG_RTADDR, 4, rt & 0xFFFFFFFFu);
	iommu_reg_write(r.mmu, VTD_REG_RTADDR + 4, 4, rt >> 32);
	UNIT_EQ_HEX(rd8(&r, VTD_REG_RTADDR), rt);

	/* Reserved offsets. */
	UNIT_EQ_HEX(rd8(&r, 0x100), 0);
	UNIT_EQ_HEX(rd4(&r, 0x104), 0);
	iommu_reg_write(r.mmu, 0x100, 8, ~0ull);
	UNIT_EQ_HEX(rd8(&r, 0x100), 0);
	UNIT_EQ_HEX(rd8(&r, 0xFF8), 0);
	/* Records beyond NFR read 0. */
	UNIT_EQ_HEX(rd8(&r, VTD_FRCD_OFFSET + 8 * VTD_FRCD_SIZE + 8), 0);
	regs_fx_fini(&r);
}

/* The register port takes 4- and 8-byte naturally aligned accesses inside
 * the register file: any other access reads 0 and writes nothing. */
static void test_bad_access(void)
{
	struct regs_fx r;
	uint64_t rt = 0x0000123456789000ull | FIELD_PREP64(VTD_RTADDR_TTM, VTD_TTM_SCALABLE);
	uint64_t cap;

	if (!regs_fx_init(&r, NULL))
		return;
	cap = rd8(&r, VTD_REG_CAP);
	iommu_reg_write(r.mmu, VTD_REG_RTADDR, 8, rt);
	/* sizes other than 4 and 8 */
	UNIT_EQ_HEX(iommu_reg_read(r.mmu, VTD_REG_CAP, 2), 0);
	UNIT_EQ_HEX(iommu_reg_read(r.mmu, VTD_REG_CAP, 16), 0);
	iommu_reg_write(r.mmu, VTD_REG_RTADDR, 2, 0);
	iommu_reg_write(r.mmu, VTD_REG_RTADDR, 1, 0);
	/* misaligned */
	UNIT_EQ_HEX(iommu_reg_read(r.mmu, VTD_REG_CAP + 4, 8), 0);
	UNIT_EQ_HEX(iommu_reg_read(r.mmu, VTD_REG_CAP + 2, 4), 0);
	iommu_reg_write(r.mmu, VTD_REG_RTADDR + 4, 8, 0);
	iommu_reg_write(r.mmu, VTD_REG_RTADDR + 1, 4, 0);
	/* past the end of the register file */
	UNIT_EQ_HEX(iommu_reg_read(r.mmu, VTD_REG_SIZE, 4), 0);
	UNIT_EQ_HEX(iommu_reg_read(r.mmu, VTD_REG_SIZE - 4, 8), 0);
	iommu_reg_write(r.mmu, VTD_REG_SIZE, 8, ~0ull);
	/* nothing changed */
	UNIT_EQ_HEX(rd8(&r, VTD_REG_RTADDR), rt);
	UNIT_EQ_HEX(rd8(&r, VTD_REG_CAP), cap);
	regs_fx_fini(&r);
}

/* FECTL: IM is software's, IP is the hardware's (set by fault events). */
static void test_fectl(void)
{
	struct regs_fx r;

	if (!regs_fx_init(&r, NULL))
		return;
	UNIT_EQ_HEX(rd4(&r, VTD_REG_FECTL), 0);
	iommu_reg_write(r.mmu, VTD_REG_FECTL, 4, 0xFFFFFFFFu);
	UNIT_EQ_HEX(rd4(&r, VTD_REG_FECTL), VTD_FECTL_IM);
	iommu_reg_write(r.mmu, VTD_REG_FECTL, 4, VTD_FECTL_IP);
	UNIT_EQ_HEX(rd4(&r, VTD_REG_FECTL), 0);
	regs_fx_fini(&r);
}

/* GCMD reads 0; SRTP sets RTPS, TE sets and clears TES; QIE is ignored
 * without ECAP.QI. */
static void test_gcmd_gsts(void)
{
	struct regs_fx r;
	uint64_t rt = 0x0000000012345000ull | FIELD_PREP64(VTD_RTADDR_TTM, VTD_TTM_SCALABLE);

	if (!regs_fx_init(&r, NULL))
		return;
	UNIT_EQ_HEX(rd4(&r, VTD_REG_GSTS), 0);
	UNIT_EQ_HEX(rd4(&r, VTD_REG_GCMD), 0);
	UNIT_EQ_HEX(rd8(&r, VTD_REG_RTADDR), 0);

	iommu_reg_write(r.mmu, VTD_REG_RTADDR, 8, rt);
	UNIT_EQ_HEX(rd4(&r, VTD_REG_GSTS) & VTD_GSTS_RTPS, 0);
	iommu_reg_write(r.mmu, VTD_REG_GCMD, 4, VTD_GCMD_SRTP);
	UNIT_EQ_HEX(rd4(&r, VTD_REG_GSTS) & (VTD_GSTS_RTPS | VTD_GSTS_TES), VTD_GSTS_RTPS);
	UNIT_EQ_HEX(rd4(&r, VTD_REG_GCMD), 0);

	iommu_reg_write(r.mmu, VTD_REG_GCMD, 4, VTD_GCMD_TE);
	UNIT_EQ_HEX(rd4(&r, VTD_REG_GSTS) & VTD_GSTS_TES, VTD_GSTS_TES);
	UNIT_EQ_HEX(rd4(&r, VTD_REG_GCMD), 0);

	/* Queued invalidation (ECAP.QI = 1): QIE is a level like TE. */
	iommu_reg_write(r.mmu, VTD_REG_GCMD, 4, VTD_GCMD_TE | VTD_GCMD_QIE);
	UNIT_EQ_HEX(rd4(&r, VTD_REG_GSTS) & (VTD_GSTS_TES | VTD_GSTS_QIES),
		    VTD_GSTS_TES | VTD_GSTS_QIES);
	iommu_reg_write(r.mmu, VTD_REG_GCMD, 4, VTD_GCMD_TE);
	UNIT_EQ_HEX(rd4(&r, VTD_REG_GSTS) & (VTD_GSTS_TES | VTD_GSTS_QIES), VTD_GSTS_TES);

	iommu_reg_write(r.mmu, VTD_REG_GCMD, 4, 0);
	UNIT_EQ_HEX(rd4(&r, VTD_REG_GSTS) & VTD_GSTS_TES, 0);

	/* Both at once. */
	iommu_reg_write(r.mmu, VTD_REG_GCMD, 4, VTD_GCMD_TE | VTD_GCMD_SRTP);
	UNIT_EQ_HEX(rd4(&r, VTD_REG_GSTS) & (VTD_GSTS_RTPS | VTD_GSTS_TES),
		    VTD_GSTS_RTPS | VTD_GSTS_TES);
	UNIT_EQ_HEX(rd8(&r, VTD_REG_RTADDR), rt);
	regs_fx_fini(&r);
}

/* RTADDR takes effect only at SRTP: a new root written without SRTP is not
 * used; after SRTP it is (an empty root table: root not present). */
static void test_rtaddr_latch(void)
{
	struct unit_fx fx;
	struct iommu_req rq = unit_req(0x0310, 0x5000, IOMMU_ACC_READ);
	uint64_t old_rt, page = 0;

	if (!unit_fx_init(&fx, NULL, NULL))
		return;
	UNIT_EQ_HEX(vtd_builder_domain(fx.b, 5, VTD_STAGE_S2, 4, -1), 0);
	UNIT_EQ_HEX(vtd_builder_map(fx.b, 5, 0x5000, 0x77000, 0x1000, IOMMU_PERM_R, false), 0);
	UNIT_EQ_HEX(unit_attach(&fx, 0x0310, false, 0, VTD_PGTT_SL, -1, 5), 0);
	UNIT_EQ_HEX(iommu_reg_read(fx.mmu, VTD_REG_GSTS, 4) & (VTD_GSTS_TES | VTD_GSTS_RTPS),
		    VTD_GSTS_TES | VTD_GSTS_RTPS);
	UNIT_EQ_HEX(FIELD_GET64(VTD_RTADDR_TTM, iommu_reg_read(fx.mmu, VTD_REG_RTADDR, 8)),
		    VTD_TTM_SCALABLE);
	UNIT_EXPECT_HPA(&fx, &rq, 0x77000, "builder root", NULL);

	old_rt = iommu_reg_read(fx.mmu, VTD_REG_RTADDR, 8);
	UNIT_EQ_HEX(vtd_builder_alloc_page(fx.b, &page), 0);
	iommu_reg_write(fx.mmu, VTD_REG_RTADDR, 8,
			page | FIELD_PREP64(VTD_RTADDR_TTM, VTD_TTM_SCALABLE));
	UNIT_EXPECT_HPA(&fx, &rq, 0x77000, "new RTADDR before SRTP", NULL);
	iommu_reg_write(fx.mmu, VTD_REG_GCMD, 4, VTD_GCMD_TE | VTD_GCMD_SRTP);
	UNIT_EXPECT_FAULT(&fx, &rq, VTD_FR_ROOT_NOT_PRESENT, "new RTADDR after SRTP", NULL);

	iommu_reg_write(fx.mmu, VTD_REG_RTADDR, 8, old_rt);
	iommu_reg_write(fx.mmu, VTD_REG_GCMD, 4, VTD_GCMD_TE | VTD_GCMD_SRTP);
	UNIT_EXPECT_HPA(&fx, &rq, 0x77000, "old RTADDR again", NULL);
	unit_fx_fini(&fx);
}

/* FSTS: PFO is write-1-to-clear, PPF follows the records and ignores writes. */
static void test_fsts_rw1c(void)
{
	struct iommu_config c;
	struct unit_fx fx;
	struct iommu_resp resp;
	struct iommu_req rq =
		unit_req(0x4200, 0x1000, IOMMU_ACC_READ); /* bus 0x42: no root entry */

	unit_config_walk(&c);
	c.nfr = 1;
	if (!unit_fx_init(&fx, &c, NULL))
		return;
	UNIT_EQ_HEX(iommu_reg_read(fx.mmu, VTD_REG_FSTS, 4), 0);
	UNIT_EQ_HEX(iommu_translate(fx.mmu, &rq, &resp), 1);
	UNIT_EQ_HEX(resp.fault, VTD_FR_ROOT_NOT_PRESENT);
	UNIT_TRUE(resp.fault_recorded);
	UNIT_EQ_HEX(iommu_reg_read(fx.mmu, VTD_REG_FSTS, 4), VTD_FSTS_PPF);
	UNIT_EQ_HEX(iommu_translate(fx.mmu, &rq, &resp), 1);
	UNIT_TRUE(!resp.fault_recorded);
	UNIT_EQ_HEX(iommu_reg_read(fx.mmu, VTD_REG_FSTS, 4), VTD_FSTS_PPF | VTD_FSTS_PFO);

	/* Writing 0, or PPF, changes nothing. */
	iommu_reg_write(fx.mmu, VTD_REG_FSTS, 4, 0);
	UNIT_EQ_HEX(iommu_reg_read(fx.mmu, VTD_REG_FSTS, 4), VTD_FSTS_PPF | VTD_FSTS_PFO);
	iommu_reg_write(fx.mmu, VTD_REG_FSTS, 4, VTD_FSTS_PPF);
	UNIT_EQ_HEX(iommu_reg_read(fx.mmu, VTD_REG_FSTS, 4), VTD_FSTS_PPF | VTD_FSTS_PFO);
	/* Writing 1 to PFO clears it; PPF stays while the record is pending. */
	iommu_reg_write(fx.mmu, VTD_REG_FSTS, 4, VTD_FSTS_PFO);
	UNIT_EQ_HEX(iommu_reg_read(fx.mmu, VTD_REG_FSTS, 4), VTD_FSTS_PPF);
	/* Clearing the record's F clears PPF. */
	iommu_reg_write(fx.mmu, VTD_FRCD_OFFSET + 12, 4, 1u << 31);
	UNIT_EQ_HEX(iommu_reg_read(fx.mmu, VTD_REG_FSTS, 4), 0);
	unit_fx_fini(&fx);
}

static const struct unit_test regs_tests[] = {
	{"config_default", test_config_default},
	{"cap_ecap_defaults", test_cap_ecap_defaults},
	{"cap_ecap_config", test_cap_ecap_config},
	{"sizes", test_sizes},
	{"gcmd_gsts", test_gcmd_gsts},
	{"rtaddr_latch", test_rtaddr_latch},
	{"fsts_rw1c", test_fsts_rw1c},
	{"bad_access", test_bad_access},
	{"fectl", test_fectl},
	{NULL, NULL},
};

void unit_register(void)
{
	unit_add_suite("vtd/regs.c", regs_tests);
}
