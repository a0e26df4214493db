/*
 * Tests of src/vtd/builder.c: page-size choice, overlap, unmap, nested
 * first-level tables in the parent's guest-physical space, attach/detach,
 * argument checks, the page allocator. Expected entries are decoded here
 * from the formats in vtd_tables.h.
 */
#include "unit.h"

#include <stdio.h>
#include <string.h>

#define SZ_4K 0x1000ull
#define SZ_2M 0x200000ull
#define SZ_1G 0x40000000ull
#define RW    (IOMMU_PERM_R | IOMMU_PERM_W)
#define RWX   (IOMMU_PERM_R | IOMMU_PERM_W | IOMMU_PERM_X)

/* Expects rc == want and, for an error, a message. */
static bool expect_rc(struct unit_fx *fx, int rc, int want, const char *ctx)
{
	bool ok = UNIT_EQ_HEXC(ctx, rc, want);

	if (want) {
		const char *msg = vtd_builder_error(fx->b);

		ok &= UNIT_TRUEC(ctx, msg != NULL && msg[0] != '\0');
	}
	return ok;
}

/* Leaf level and entry for iova: checks level, output address and the
 * permission bits of the stage's format. */
static void check_leaf(struct unit_fx *fx, unsigned dom, enum vtd_stage stage, uint64_t iova,
		       unsigned want_level, uint64_t want_pa, unsigned perm, bool user,
		       const char *ctx)
{
	uint64_t pte_pa, pte, size;
	unsigned level = 0;

	if (!UNIT_EQ_HEXC(ctx, vtd_builder_leaf(fx->b, dom, iova, &pte_pa, &level), 0))
		return;
	UNIT_EQ_HEXC(ctx, level, want_level);
	size = unit_level_size(want_level);
	pte = unit_peek64(fx, pte_pa);
	if (stage == VTD_STAGE_S2) {
		UNIT_EQ_HEXC(ctx, pte & VTD_SL_ADDR & ~(size - 1), want_pa & ~(size - 1));
		UNIT_EQ_HEXC(ctx, pte & (VTD_SL_R | VTD_SL_W), perm & RW);
		UNIT_EQ_HEXC(ctx, pte & VTD_SL_PS, want_level > 1 ? VTD_SL_PS : 0);
		UNIT_EQ_HEXC(ctx, pte & VTD_SL_SNP, 0);
	} else {
		UNIT_EQ_HEXC(ctx, pte & VTD_FL_ADDR & ~(size - 1), want_pa & ~(size - 1));
		UNIT_EQ_HEXC(ctx, pte & VTD_FL_P, VTD_FL_P);
		UNIT_EQ_HEXC(ctx, pte & VTD_FL_RW, perm & IOMMU_PERM_W ? VTD_FL_RW : 0);
		UNIT_EQ_HEXC(ctx, pte & VTD_FL_US, user ? VTD_FL_US : 0);
		UNIT_EQ_HEXC(ctx, pte & VTD_FL_XD, perm & IOMMU_PERM_X ? 0 : VTD_FL_XD);
		UNIT_EQ_HEXC(ctx, pte & VTD_FL_PS, want_level > 1 ? VTD_FL_PS : 0);
	}
	/* The leaf is the entry a walk from the root reaches (every domain
	 * here has 4-level tables and no parent). */
	{
		uint64_t walked;

		if (UNIT_EQ_HEXC(ctx, unit_entry_pa(fx, dom, 4, -1, iova, want_level, &walked), 0))
			UNIT_EQ_HEXC(ctx, walked, pte_pa);
	}
}

/* [1G - 8K, 2G + 2M + 4K): two 4K pages, one 1G page, one 2M page, one 4K
 * page when iova and pa agree modulo 1G. */
static void largest_case(enum vtd_stage stage, bool big, const char *name)
{
	struct iommu_config c;
	struct unit_fx fx;
	const uint64_t iova = SZ_1G - 2 * SZ_4K;
	const uint64_t pa = 0x4000000000ull + iova;
	const uint64_t size = 2 * SZ_4K + SZ_1G + SZ_2M + SZ_4K;
	const unsigned dom = 40 + stage;
	const unsigned perm = stage == VTD_STAGE_S2 ? RW : IOMMU_PERM_R;
	char ctx[64];

	unit_config_walk(&c);
	c.sl_1g = big;
	c.fl_1g = big;
	if (!unit_fx_init(&fx, &c, NULL))
		return;
	if (!UNIT_EQ_HEX(vtd_builder_domain(fx.b, dom, stage, 4, -1), 0))
		goto out;
	if (!expect_rc(&fx, vtd_builder_map(fx.b, dom, iova, pa, size, perm, true), 0, name))
		goto out;
	snprintf(ctx, sizeof(ctx), "%s head", name);
	check_leaf(&fx, dom, stage, iova, 1, pa, perm, true, ctx);
	check_leaf(&fx, dom, stage, iova + SZ_4K, 1, pa + SZ_4K, perm, true, ctx);
	snprintf(ctx, sizeof(ctx), "%s 1G part", name);
	if (big) {
		check_leaf(&fx, dom, stage, SZ_1G, 3, pa + 2 * SZ_4K, perm, true, ctx);
		check_leaf(&fx, dom, stage, 2 * SZ_1G - SZ_4K, 3, pa + 2 * SZ_4K, perm, true, ctx);
	} else {
		check_leaf(&fx, dom, stage, SZ_1G, 2, pa + 2 * SZ_4K, perm, true, ctx);
		check_leaf(&fx, dom, stage, 2 * SZ_1G - SZ_4K, 2, pa + 2 * SZ_4K + SZ_1G - SZ_2M,
			   perm, true, ctx);
	}
	snprintf(ctx, sizeof(ctx), "%s 2M part", name);
	check_leaf(&fx, dom, stage, 2 * SZ_1G + 0x1000, 2, pa + 2 * SZ_4K + SZ_1G, perm, true, ctx);
	snprintf(ctx, sizeof(ctx), "%s tail", name);
	check_leaf(&fx, dom, stage, 2 * SZ_1G + SZ_2M, 1, pa + 2 * SZ_4K + SZ_1G + SZ_2M, perm,
		   true, ctx);
	{
		uint64_t p;
		unsigned l;

		UNIT_EQ_HEXC(name, vtd_builder_leaf(fx.b, dom, iova - SZ_4K, &p, &l),
			     -IOMMU_ENOENT);
		UNIT_EQ_HEXC(name, vtd_builder_leaf(fx.b, dom, iova + size, &p, &l), -IOMMU_ENOENT);
	}

	/* pa one page off the iova's 2M alignment: 4K pages only. */
	{
		const uint64_t iova2 = 0x8000000000ull, pa2 = 0x5000001000ull;

		if (expect_rc(&fx, vtd_builder_map(fx.b, dom, iova2, pa2, 2 * SZ_2M, perm, false),
			      0, name)) {
			snprintf(ctx, sizeof(ctx), "%s misaligned pa", name);
			for (uint64_t o = 0; o < 2 * SZ_2M; o += 0x7F000)
				check_leaf(&fx, dom, stage, iova2 + o, 1, pa2 + o, perm, false,
					   ctx);
		}
	}
out:
	unit_fx_fini(&fx);
}

static void test_largest_pages(void)
{
	largest_case(VTD_STAGE_S2, true, "s2");
	largest_case(VTD_STAGE_S1, true, "s1");
	largest_case(VTD_STAGE_S2, false, "s2 without 1G");
	largest_case(VTD_STAGE_S1, false, "s1 without 1G");
}

/* map_page uses the size asked for, with the permissions asked for. */
static void test_map_page_formats(void)
{
	struct unit_fx fx;

	if (!unit_fx_init(&fx, NULL, NULL))
		return;
	if (!UNIT_EQ_HEX(vtd_builder_domain(fx.b, 1, VTD_STAGE_S1, 4, -1), 0) ||
	    !UNIT_EQ_HEX(vtd_builder_domain(fx.b, 2, VTD_STAGE_S2, 4, -1), 0))
		goto out;
	/* Aligned to 1G, yet mapped with 4K and 2M pages. */
	UNIT_EQ_HEX(vtd_builder_map_page(fx.b, 1, SZ_1G, 2 * SZ_1G, SZ_4K, IOMMU_PERM_R, false), 0);
	UNIT_EQ_HEX(vtd_builder_map_page(fx.b, 1, 2 * SZ_1G, 3 * SZ_1G, SZ_2M, RWX, true), 0);
	UNIT_EQ_HEX(vtd_builder_map_page(fx.b, 1, 3 * SZ_1G, 4 * SZ_1G, SZ_1G, RW, true), 0);
	check_leaf(&fx, 1, VTD_STAGE_S1, SZ_1G, 1, 2 * SZ_1G, IOMMU_PERM_R, false, "s1 4K R super");
	check_leaf(&fx, 1, VTD_STAGE_S1, 2 * SZ_1G, 2, 3 * SZ_1G, RWX, true, "s1 2M RWX user");
	check_leaf(&fx, 1, VTD_STAGE_S1, 3 * SZ_1G, 3, 4 * SZ_1G, RW, true, "s1 1G RW user");
	UNIT_EQ_HEX(vtd_builder_map_page(fx.b, 2, SZ_1G, 2 * SZ_1G, SZ_4K, IOMMU_PERM_R, false), 0);
	UNIT_EQ_HEX(vtd_builder_map_page(fx.b, 2, 2 * SZ_1G, 3 * SZ_1G, SZ_2M, IOMMU_PERM_W, false),
		    0);
	UNIT_EQ_HEX(vtd_builder_map_page(fx.b, 2, 3 * SZ_1G, 4 * SZ_1G, SZ_1G, RWX, false), 0);
	check_leaf(&fx, 2, VTD_STAGE_S2, SZ_1G, 1, 2 * SZ_1G, IOMMU_PERM_R, false, "s2 4K R");
	check_leaf(&fx, 2, VTD_STAGE_S2, 2 * SZ_1G, 2, 3 * SZ_1G, IOMMU_PERM_W, false, "s2 2M W");
	check_leaf(&fx, 2, VTD_STAGE_S2, 3 * SZ_1G, 3, 4 * SZ_1G, RWX, false, "s2 1G RWX");
	/* preset_ad (the default): first-level A everywhere, D on writable leaves. */
	{
		uint64_t pte;
		unsigned l;

		if (UNIT_EQ_HEX(vtd_builder_leaf(fx.b, 1, SZ_1G, &pte, &l), 0))
			UNIT_EQ_HEX(unit_peek64(&fx, pte) & (VTD_FL_A | VTD_FL_D), VTD_FL_A);
		if (UNIT_EQ_HEX(vtd_builder_leaf(fx.b, 1, 2 * SZ_1G, &pte, &l), 0))
			UNIT_EQ_HEX(unit_peek64(&fx, pte) & (VTD_FL_A | VTD_FL_D),
				    VTD_FL_A | VTD_FL_D);
		for (l = 4; l >= 2; l--)
			if (UNIT_EQ_HEX(unit_entry_pa(&fx, 1, 4, -1, SZ_1G, l, &pte), 0))
				UNIT_EQ_HEX(unit_peek64(&fx, pte) & VTD_FL_A, VTD_FL_A);
	}
out:
	unit_fx_fini(&fx);
}

/* Overlaps fail with -IOMMU_EEXIST and a message, leaving mappings alone. */
static void test_overlap(void)
{
	struct unit_fx fx;
	const uint64_t x = 0x10000000ull, y = 0x20000000ull, z = 0x30000000ull;
	uint64_t p;
	unsigned l;

	if (!unit_fx_init(&fx, NULL, NULL))
		return;
	for (unsigned stage = VTD_STAGE_S1; stage <= VTD_STAGE_S2; stage++) {
		unsigned d = stage;
		char ctx[32];

		snprintf(ctx, sizeof(ctx), "stage %u", stage);
		if (!UNIT_EQ_HEX(vtd_builder_domain(fx.b, d, stage, 4, -1), 0))
			continue;
		expect_rc(&fx, vtd_builder_map(fx.b, d, x, 0x1000000, 2 * SZ_4K, RW, true), 0, ctx);
		expect_rc(&fx, vtd_builder_map(fx.b, d, x + SZ_4K, 0x2000000, 2 * SZ_4K, RW, true),
			  -IOMMU_EEXIST, ctx);
		expect_rc(&fx, vtd_builder_map(fx.b, d, x - SZ_4K, 0x2000000, 2 * SZ_4K, RW, true),
			  -IOMMU_EEXIST, ctx);
		check_leaf(&fx, d, stage, x + SZ_4K, 1, 0x1000000 + SZ_4K, RW, true, ctx);
		UNIT_EQ_HEXC(ctx, vtd_builder_leaf(fx.b, d, x + 2 * SZ_4K, &p, &l), -IOMMU_ENOENT);

		/* A 4K page inside a 2M page, and the reverse. */
		expect_rc(&fx, vtd_builder_map_page(fx.b, d, y, 0x40000000, SZ_2M, RW, true), 0,
			  ctx);
		expect_rc(&fx, vtd_builder_map_page(fx.b, d, y + 0x5000, 0x3000, SZ_4K, RW, true),
			  -IOMMU_EEXIST, ctx);
		expect_rc(&fx, vtd_builder_map(fx.b, d, y - SZ_2M, 0x80000000, 2 * SZ_2M, RW, true),
			  -IOMMU_EEXIST, ctx);
		expect_rc(&fx, vtd_builder_map_page(fx.b, d, z + SZ_4K, 0x3000, SZ_4K, RW, true), 0,
			  ctx);
		expect_rc(&fx, vtd_builder_map_page(fx.b, d, z, 0x40000000, SZ_2M, RW, true),
			  -IOMMU_EEXIST, ctx);
		expect_rc(&fx, vtd_builder_map_page(fx.b, d, 0, 0x40000000, SZ_1G, RW, true),
			  -IOMMU_EEXIST, ctx);
		check_leaf(&fx, d, stage, y + 0x5000, 2, 0x40000000, RW, true, ctx);
		check_leaf(&fx, d, stage, z + SZ_4K, 1, 0x3000, RW, true, ctx);
		UNIT_EQ_HEXC(ctx, vtd_builder_leaf(fx.b, d, z, &p, &l), -IOMMU_ENOENT);
	}
	unit_fx_fini(&fx);
}

/* Unmap clears leaves; part of a large page cannot be unmapped. */
static void test_unmap(void)
{
	struct unit_fx fx;
	const uint64_t base = 0x40000000ull;
	uint64_t p;
	unsigned l;

	if (!unit_fx_init(&fx, NULL, NULL))
		return;
	if (!UNIT_EQ_HEX(vtd_builder_domain(fx.b, 3, VTD_STAGE_S2, 4, -1), 0) ||
	    !UNIT_EQ_HEX(unit_attach(&fx, 0x0100, false, 0, VTD_PGTT_SL, -1, 3), 0))
		goto out;
	UNIT_EQ_HEX(vtd_builder_map(fx.b, 3, base, 0x7000000, 3 * SZ_4K, RW, false), 0);
	UNIT_EQ_HEX(vtd_builder_map_page(fx.b, 3, base + SZ_2M, 0x7200000, SZ_2M, RW, false), 0);
	expect_rc(&fx, vtd_builder_unmap(fx.b, 3, base + SZ_4K, SZ_4K), 0, "unmap middle 4K");
	UNIT_EQ_HEX(vtd_builder_leaf(fx.b, 3, base + SZ_4K, &p, &l), -IOMMU_ENOENT);
	check_leaf(&fx, 3, VTD_STAGE_S2, base, 1, 0x7000000, RW, false, "left neighbour");
	check_leaf(&fx, 3, VTD_STAGE_S2, base + 2 * SZ_4K, 1, 0x7002000, RW, false,
		   "right neighbour");
	{
		struct iommu_req rq = unit_req(0x0100, base + SZ_4K, IOMMU_ACC_READ);
		struct iommu_req ok = unit_req(0x0100, base + 2 * SZ_4K + 4, IOMMU_ACC_READ);

		UNIT_EXPECT_FAULT(&fx, &rq, VTD_FR_SL_PERM, "unmapped page", NULL);
		UNIT_EXPECT_HPA(&fx, &ok, 0x7002004, "neighbour", NULL);
	}
	expect_rc(&fx, vtd_builder_map(fx.b, 3, base + SZ_4K, 0x9000000, SZ_4K, RW, false), 0,
		  "remap");
	check_leaf(&fx, 3, VTD_STAGE_S2, base + SZ_4K, 1, 0x9000000, RW, false, "remapped");

	/* Part of the 2M page: refused, the page stays. */
	UNIT_TRUE(vtd_builder_unmap(fx.b, 3, base + SZ_2M, SZ_4K) < 0);
	UNIT_TRUE(vtd_builder_error(fx.b)[0] != '\0');
	UNIT_TRUE(vtd_builder_unmap(fx.b, 3, base + SZ_2M + SZ_1G / 1024, SZ_2M - SZ_1G / 1024) <
		  0);
	check_leaf(&fx, 3, VTD_STAGE_S2, base + SZ_2M + 0x3000, 2, 0x7200000, RW, false,
		   "2M after refused partial unmap");
	/* Nothing mapped there. */
	UNIT_TRUE(vtd_builder_unmap(fx.b, 3, base + 8 * SZ_2M, SZ_4K) < 0);
	/* The rest. */
	expect_rc(&fx, vtd_builder_unmap(fx.b, 3, base, 3 * SZ_4K), 0, "unmap 3 x 4K");
	expect_rc(&fx, vtd_builder_unmap(fx.b, 3, base + SZ_2M, SZ_2M), 0, "unmap 2M");
	for (uint64_t o = 0; o < 2 * SZ_2M; o += SZ_4K * 37)
		UNIT_EQ_HEX(vtd_builder_leaf(fx.b, 3, base + o, &p, &l), -IOMMU_ENOENT);
	{
		struct iommu_req rq = unit_req(0x0100, base + SZ_2M, IOMMU_ACC_WRITE);

		UNIT_EXPECT_FAULT(&fx, &rq, VTD_FR_SL_PERM, "2M unmapped", NULL);
	}
out:
	unit_fx_fini(&fx);
}

/* A nested first-level domain's tables are host pages the parent maps
 * read/write at guest-physical addresses; its entries hold GPAs. */
static void test_nested_tables(void)
{
	struct unit_fx fx;
	const uint64_t iova = 0x12345000ull, gpa = 0x3456000ull;
	uint64_t root_gpa, root_hpa, s2_leaf, pte, pte_pa, walked;
	unsigned level;

	if (!unit_fx_init(&fx, NULL, NULL))
		return;
	if (!UNIT_EQ_HEX(vtd_builder_domain(fx.b, 51, VTD_STAGE_S2, 4, -1), 0) ||
	    !UNIT_EQ_HEX(vtd_builder_domain(fx.b, 52, VTD_STAGE_S1, 4, 51), 0))
		goto out;
	UNIT_TRUE(vtd_builder_has_domain(fx.b, 51));
	UNIT_TRUE(vtd_builder_has_domain(fx.b, 52));
	UNIT_TRUE(!vtd_builder_has_domain(fx.b, 53));
	root_gpa = vtd_builder_domain_root(fx.b, 52);
	UNIT_EQ_HEX(root_gpa & 0xFFF, 0);
	if (!UNIT_EQ_HEX(vtd_builder_leaf(fx.b, 51, root_gpa, &s2_leaf, &level), 0))
		goto out;
	UNIT_EQ_HEX(level, 1);
	UNIT_EQ_HEX(unit_peek64(&fx, s2_leaf) & (VTD_SL_R | VTD_SL_W), VTD_SL_R | VTD_SL_W);
	if (!UNIT_EQ_HEX(unit_gpa_to_hpa(&fx, 51, root_gpa, &root_hpa), 0))
		goto out;
	UNIT_TRUE(root_hpa >= fx.bcfg.alloc_base && root_hpa < fx.bcfg.alloc_limit);

	if (!UNIT_EQ_HEX(vtd_builder_map(fx.b, 52, iova, gpa, SZ_4K, RW, true), 0))
		goto out;
	/* The root entry for iova, in the host page behind root_gpa. */
	pte = unit_peek64(&fx, root_hpa + 8ull * unit_index(iova, 4));
	UNIT_EQ_HEX(pte & VTD_FL_P, VTD_FL_P);
	/* Its pointer is a GPA the parent maps read/write. */
	if (UNIT_EQ_HEX(vtd_builder_leaf(fx.b, 51, pte & VTD_FL_ADDR, &s2_leaf, &level), 0))
		UNIT_EQ_HEX(unit_peek64(&fx, s2_leaf) & (VTD_SL_R | VTD_SL_W), VTD_SL_R | VTD_SL_W);
	/* vtd_builder_leaf gives the host address of the leaf. */
	if (UNIT_EQ_HEX(vtd_builder_leaf(fx.b, 52, iova, &pte_pa, &level), 0) &&
	    UNIT_EQ_HEX(unit_entry_pa(&fx, 52, 4, 51, iova, 1, &walked), 0)) {
		UNIT_EQ_HEX(level, 1);
		UNIT_EQ_HEX(pte_pa, walked);
		UNIT_EQ_HEX(unit_peek64(&fx, pte_pa) & VTD_FL_ADDR, gpa);
		UNIT_TRUE(pte_pa >= fx.bcfg.alloc_base && pte_pa < fx.bcfg.alloc_limit);
	}
	/* Four table pages, all in the parent: a leaf for each. */
	for (unsigned l = 4; l >= 1; l--) {
		uint64_t e;

		if (UNIT_EQ_HEX(unit_entry_pa(&fx, 52, 4, 51, iova, l, &e), 0))
			UNIT_TRUE(e >= fx.bcfg.alloc_base && e < fx.bcfg.alloc_limit);
	}
	/* The parent's own mappings cannot take the tables' GPAs. */
	UNIT_EQ_HEX(vtd_builder_map(fx.b, 51, root_gpa, 0x1000, SZ_4K, RW, false), -IOMMU_EEXIST);
out:
	unit_fx_fini(&fx);
}

/* Attach and detach. */
static void test_attach_detach(void)
{
	struct unit_fx fx;
	struct vtd_attach a;
	struct iommu_req rq = unit_req(0x0230, 0x5000, IOMMU_ACC_READ);
	struct iommu_req rqp = unit_req_pasid(0x0230, 0x99, false, 0x5000, IOMMU_ACC_READ);
	struct iommu_resp resp;
	uint64_t pa;

	if (!unit_fx_init(&fx, NULL, NULL))
		return;
	if (!UNIT_EQ_HEX(vtd_builder_domain(fx.b, 6, VTD_STAGE_S2, 4, -1), 0) ||
	    !UNIT_EQ_HEX(vtd_builder_domain(fx.b, 7, VTD_STAGE_S1, 4, -1), 0) ||
	    !UNIT_EQ_HEX(vtd_builder_map(fx.b, 6, 0x5000, 0xA000, SZ_4K, RW, false), 0) ||
	    !UNIT_EQ_HEX(vtd_builder_map(fx.b, 7, 0x5000, 0xB000, SZ_4K, RW, true), 0))
		goto out;
	UNIT_EQ_HEX(vtd_builder_context_pa(fx.b, 0x0230, &pa), -IOMMU_ENOENT);
	UNIT_EQ_HEX(unit_attach(&fx, 0x0230, false, 0, VTD_PGTT_SL, -1, 6), 0);
	UNIT_EQ_HEX(vtd_builder_context_pa(fx.b, 0x0230, &pa), 0);
	UNIT_EXPECT_HPA(&fx, &rq, 0xA000, "attached SL", &resp);
	UNIT_EQ_HEX(resp.did, 6);
	UNIT_EQ_HEX(unit_attach(&fx, 0x0230, true, 0x99, VTD_PGTT_FL, 7, -1), 0);
	UNIT_EQ_HEX(vtd_builder_pasid_entry_pa(fx.b, 0x0230, 0x99, &pa), 0);
	UNIT_EXPECT_HPA(&fx, &rqp, 0xB000, "attached FL at PASID 0x99", &resp);
	UNIT_EQ_HEX(resp.did, 7);

	/* Detach the PASID: the RID_PASID attachment stays. */
	expect_rc(&fx, vtd_builder_detach(fx.b, 0x0230, true, 0x99), 0, "detach PASID");
	UNIT_EXPECT_FAULT(&fx, &rqp, VTD_FR_PTE_NOT_PRESENT, "detached PASID", NULL);
	UNIT_EXPECT_HPA(&fx, &rq, 0xA000, "RID_PASID after PASID detach", NULL);
	expect_rc(&fx, vtd_builder_detach(fx.b, 0x0230, true, 0x99), -IOMMU_ENOENT,
		  "detach PASID twice");
	expect_rc(&fx, vtd_builder_detach(fx.b, 0x0230, false, 0), 0, "detach RID_PASID");
	{
		struct iommu_resp r2;

		memset(&r2, 0, sizeof(r2));
		UNIT_EQ_HEX(iommu_translate(fx.mmu, &rq, &r2), 1);
		UNIT_TRUE(r2.fault == VTD_FR_PTE_NOT_PRESENT || r2.fault == VTD_FR_CTX_NOT_PRESENT);
		unit_clear_faults(&fx);
	}
	expect_rc(&fx, vtd_builder_detach(fx.b, 0x0230, false, 0), -IOMMU_ENOENT, "detach twice");
	expect_rc(&fx, vtd_builder_detach(fx.b, 0x0777, false, 0), -IOMMU_ENOENT,
		  "detach unknown device");
	/* Attach again, as another type. */
	UNIT_EQ_HEX(unit_attach(&fx, 0x0230, false, 0, VTD_PGTT_FL, 7, -1), 0);
	UNIT_EXPECT_HPA(&fx, &rq, 0xB000, "re-attached as FL", NULL);
	/* Attaching over an attachment (unspecified): either refused with
	 * -IOMMU_EEXIST, leaving the old one, or the new one replaces it. */
	{
		int rc = unit_attach(&fx, 0x0230, false, 0, VTD_PGTT_SL, -1, 6);

		if (rc == 0) {
			UNIT_EXPECT_HPA(&fx, &rq, 0xA000, "attach over FL: replaced", NULL);
		} else {
			expect_rc(&fx, rc, -IOMMU_EEXIST, "attach over FL");
			UNIT_EXPECT_HPA(&fx, &rq, 0xB000, "attach over FL: refused", NULL);
		}
	}

	/* Pass-through takes its DID from the attach. */
	vtd_attach_init(&a, 0x0231, VTD_PGTT_PT);
	a.did = 0x1234;
	UNIT_EQ_HEX(vtd_builder_attach(fx.b, &a), 0);
	{
		struct iommu_req pt = unit_req(0x0231, 0x123456789ull, IOMMU_ACC_WRITE);

		UNIT_EXPECT_HPA(&fx, &pt, 0x123456789ull, "pass-through", &resp);
		UNIT_EQ_HEX(resp.did, 0x1234);
	}
out:
	unit_fx_fini(&fx);
}

/* Attachments that cannot be built. */
static void test_attach_bad(void)
{
	struct iommu_config c;
	struct vtd_builder_config bc;
	struct unit_fx fx;
	struct vtd_attach a;

	unit_config_walk(&c);
	vtd_builder_config_default(&bc);
	bc.pdts = 0; /* 128 directory entries: PASIDs below 8192 */
	if (!unit_fx_init(&fx, &c, &bc))
		return;
	if (!UNIT_EQ_HEX(vtd_builder_domain(fx.b, 6, VTD_STAGE_S2, 4, -1), 0) ||
	    !UNIT_EQ_HEX(vtd_builder_domain(fx.b, 7, VTD_STAGE_S1, 4, -1), 0) ||
	    !UNIT_EQ_HEX(vtd_builder_domain(fx.b, 8, VTD_STAGE_S1, 4, 6), 0))
		goto out;
	vtd_attach_init(&a, 0x0300, VTD_PGTT_SL);
	a.s2 = 99;
	expect_rc(&fx, vtd_builder_attach(fx.b, &a), -IOMMU_ENOENT, "SL, unknown domain");
	a.s2 = 7;
	UNIT_TRUE(vtd_builder_attach(fx.b, &a) < 0); /* SL on an s1 domain */
	a.s2 = -1;
	UNIT_TRUE(vtd_builder_attach(fx.b, &a) < 0); /* SL without domain */
	vtd_attach_init(&a, 0x0300, VTD_PGTT_FL);
	a.s1 = 6;
	UNIT_TRUE(vtd_builder_attach(fx.b, &a) < 0); /* FL on an s2 domain */
	vtd_attach_init(&a, 0x0300, VTD_PGTT_NESTED);
	a.s1 = 7;
	a.s2 = 6;
	UNIT_TRUE(vtd_builder_attach(fx.b, &a) < 0); /* s1 7 has no parent */
	a.s1 = 8;
	a.s2 = 6;
	a.has_pasid = true;
	a.pasid = 8192;
	UNIT_TRUE(vtd_builder_attach(fx.b, &a) < 0); /* beyond PDTS 0 */
	a.pasid = 1u << 20;
	UNIT_TRUE(vtd_builder_attach(fx.b, &a) < 0);
	a.pasid = 8191;
	expect_rc(&fx, vtd_builder_attach(fx.b, &a), 0, "nested, last PASID under PDTS 0");
	vtd_attach_init(&a, 0x0300, (enum vtd_pgtt)5);
	expect_rc(&fx, vtd_builder_attach(fx.b, &a), -IOMMU_EINVAL, "PGTT 5");
out:
	unit_fx_fini(&fx);
}

/* Domain and map arguments. */
static void test_bad_args(void)
{
	struct iommu_config c;
	struct unit_fx fx;
	uint64_t p;
	unsigned l;

	unit_config_walk(&c);
	c.fl_5level = false;
	c.mgaw = 48;
	c.sagaw = VTD_SAGAW_39 | VTD_SAGAW_48;
	c.sl_1g = false;
	if (!unit_fx_init(&fx, &c, NULL))
		return;
	expect_rc(&fx, vtd_builder_domain(fx.b, 0, VTD_STAGE_S2, 4, -1), -IOMMU_EINVAL, "id 0");
	expect_rc(&fx, vtd_builder_domain(fx.b, 65536, VTD_STAGE_S2, 4, -1), -IOMMU_EINVAL,
		  "id 65536");
	expect_rc(&fx, vtd_builder_domain(fx.b, 1, VTD_STAGE_S1, 3, -1), -IOMMU_EINVAL,
		  "s1 3-level");
	expect_rc(&fx, vtd_builder_domain(fx.b, 1, VTD_STAGE_S1, 6, -1), -IOMMU_EINVAL,
		  "s1 6-level");
	expect_rc(&fx, vtd_builder_domain(fx.b, 1, VTD_STAGE_S2, 2, -1), -IOMMU_EINVAL,
		  "s2 2-level");
	expect_rc(&fx, vtd_builder_domain(fx.b, 1, VTD_STAGE_S2, 6, -1), -IOMMU_EINVAL,
		  "s2 6-level");
	expect_rc(&fx, vtd_builder_domain(fx.b, 1, (enum vtd_stage)3, 4, -1), -IOMMU_EINVAL,
		  "stage 3");
	expect_rc(&fx, vtd_builder_domain(fx.b, 1, VTD_STAGE_S1, 5, -1), -IOMMU_ENOTSUP,
		  "s1 5-level without FL5LP");
	expect_rc(&fx, vtd_builder_domain(fx.b, 1, VTD_STAGE_S2, 5, -1), -IOMMU_ENOTSUP,
		  "s2 5-level outside SAGAW");
	expect_rc(&fx, vtd_builder_domain(fx.b, 1, VTD_STAGE_S1, 4, 2), -IOMMU_ENOENT,
		  "unknown parent");
	UNIT_TRUE(!vtd_builder_has_domain(fx.b, 1));
	expect_rc(&fx, vtd_builder_domain(fx.b, 1, VTD_STAGE_S2, 3, -1), 0, "s2 3-level");
	expect_rc(&fx, vtd_builder_domain(fx.b, 1, VTD_STAGE_S2, 4, -1), -IOMMU_EEXIST, "dup id");
	expect_rc(&fx, vtd_builder_domain(fx.b, 2, VTD_STAGE_S1, 4, -1), 0, "s1");
	UNIT_TRUE(vtd_builder_domain(fx.b, 3, VTD_STAGE_S1, 4, 2) < 0); /* parent is s1 */
	expect_rc(&fx, vtd_builder_domain(fx.b, 3, VTD_STAGE_S2, 4, 1), -IOMMU_EINVAL,
		  "s2 with parent");
	expect_rc(&fx, vtd_builder_domain(fx.b, 65535, VTD_STAGE_S2, 4, -1), 0, "id 65535");

	/* map */
	expect_rc(&fx, vtd_builder_map(fx.b, 9, 0, 0, SZ_4K, RW, false), -IOMMU_ENOENT,
		  "map, unknown domain");
	expect_rc(&fx, vtd_builder_map(fx.b, 1, 0, 0, 0, RW, false), -IOMMU_EINVAL, "size 0");
	expect_rc(&fx, vtd_builder_map(fx.b, 1, 0, 0, 0x1800, RW, false), -IOMMU_EINVAL, "size 6K");
	expect_rc(&fx, vtd_builder_map(fx.b, 1, 0x800, 0, SZ_4K, RW, false), -IOMMU_EINVAL,
		  "iova unaligned");
	expect_rc(&fx, vtd_builder_map(fx.b, 1, 0, 0x800, SZ_4K, RW, false), -IOMMU_EINVAL,
		  "pa unaligned");
	expect_rc(&fx, vtd_builder_map(fx.b, 1, 0, 0, SZ_4K, 0x10, false), -IOMMU_EINVAL,
		  "perm bit 4");
	expect_rc(&fx, vtd_builder_map(fx.b, 1, 1ull << 39, 0, SZ_4K, RW, false), -IOMMU_ERANGE,
		  "iova at 2^39, 3-level");
	expect_rc(&fx, vtd_builder_map(fx.b, 1, (1ull << 39) - SZ_4K, 0, 2 * SZ_4K, RW, false),
		  -IOMMU_ERANGE, "iova range crossing 2^39");
	expect_rc(&fx, vtd_builder_map(fx.b, 1, 0, 1ull << 46, SZ_4K, RW, false), -IOMMU_ERANGE,
		  "pa at 2^HAW");
	UNIT_TRUE(vtd_builder_map(fx.b, 2, 0x0000800000000000ull, 0, SZ_4K, RW, false) < 0);
	UNIT_EQ_HEX(vtd_builder_leaf(fx.b, 1, 0, &p, &l), -IOMMU_ENOENT);

	/* map_page sizes */
	expect_rc(&fx, vtd_builder_map_page(fx.b, 1, 0, 0, 2 * SZ_4K, RW, false), -IOMMU_EINVAL,
		  "page size 8K");
	expect_rc(&fx, vtd_builder_map_page(fx.b, 1, SZ_4K, 0, SZ_2M, RW, false), -IOMMU_EINVAL,
		  "2M page, iova unaligned");
	expect_rc(&fx, vtd_builder_map_page(fx.b, 1, 0, SZ_4K, SZ_2M, RW, false), -IOMMU_EINVAL,
		  "2M page, pa unaligned");
	expect_rc(&fx, vtd_builder_map_page(fx.b, 1, 0, 0, SZ_1G, RW, false), -IOMMU_ENOTSUP,
		  "1G page without SLLPS 1G");
	expect_rc(&fx, vtd_builder_map_page(fx.b, 1, 0, 0, SZ_2M, RW, false), 0, "2M page");

	/* unmap / leaf on unknown domains */
	expect_rc(&fx, vtd_builder_unmap(fx.b, 9, 0, SZ_4K), -IOMMU_ENOENT,
		  "unmap, unknown domain");
	UNIT_EQ_HEX(vtd_builder_leaf(fx.b, 9, 0, &p, &l), -IOMMU_ENOENT);
	expect_rc(&fx, vtd_builder_unmap(fx.b, 1, 0, 0x1800), -IOMMU_EINVAL, "unmap size 6K");
	unit_fx_fini(&fx);
}

/* The page allocator hands out distinct zeroed pages of its range, then
 * -IOMMU_ENOMEM; the builder's own tables come from the same range. */
static void test_alloc_page(void)
{
	struct vtd_builder_config bc;
	struct unit_fx fx;
	uint64_t got[16], rta;
	unsigned n = 0;
	int rc = 0;

	vtd_builder_config_default(&bc);
	bc.alloc_base = 0x2000000000ull;
	bc.alloc_limit = bc.alloc_base + 16 * SZ_4K;
	if (!unit_fx_init(&fx, NULL, &bc))
		return;
	rta = iommu_reg_read(fx.mmu, VTD_REG_RTADDR, 8) & VTD_RTADDR_RTA;
	UNIT_TRUE(rta >= bc.alloc_base && rta < bc.alloc_limit);
	while (n < 16) {
		uint64_t pa = 0;

		rc = vtd_builder_alloc_page(fx.b, &pa);
		if (rc)
			break;
		UNIT_EQ_HEX(pa & 0xFFF, 0);
		UNIT_TRUE(pa >= bc.alloc_base && pa < bc.alloc_limit);
		UNIT_TRUE(pa != rta);
		for (unsigned i = 0; i < n; i++)
			UNIT_TRUE(got[i] != pa);
		for (unsigned o = 0; o < SZ_4K; o += 512)
			UNIT_EQ_HEX(unit_peek64(&fx, pa + o), 0);
		got[n++] = pa;
	}
	expect_rc(&fx, rc, -IOMMU_ENOMEM, "allocator exhausted");
	UNIT_TRUE(n >= 1 && n <= 15);
	expect_rc(&fx, vtd_builder_domain(fx.b, 1, VTD_STAGE_S2, 4, -1), -IOMMU_ENOMEM,
		  "domain without memory");
	UNIT_TRUE(!vtd_builder_has_domain(fx.b, 1));
	unit_fx_fini(&fx);
}

static const struct unit_test builder_tests[] = {
	{"largest_pages", test_largest_pages},
	{"map_page_formats", test_map_page_formats},
	{"overlap", test_overlap},
	{"unmap", test_unmap},
	{"nested_tables", test_nested_tables},
	{"attach_detach", test_attach_detach},
	{"attach_bad", test_attach_bad},
	{"bad_args", test_bad_args},
	{"alloc_page", test_alloc_page},
	{NULL, NULL},
};

void unit_register(void)
{
	unit_add_suite("vtd/builder.c", builder_tests);
}
