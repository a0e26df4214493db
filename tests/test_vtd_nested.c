/*
 * Tests of nested translation (PGTT 3) in src/vtd/translate.c: memory
 * references of a cold walk, faults met while translating first-level
 * table addresses, the 0x74 width check, page size and permission
 * composition, A/D updates through the second level.
 *
 * Domain S1 (first level) keeps its tables in the guest-physical space of
 * domain S2 (second level); SID 0x3300 is attached without PASID and with
 * PASID 0x77.
 */
#include "unit.h"

#include <stdio.h>
#include <string.h>

#define SID   0x3300
#define PASID 0x77u
#define S1    31
#define S2    32
#define IOVA  0x7F12C0000000ull
#define GPA   0x2340000000ull  /* 1 GiB aligned, below 2^39 - 1 GiB */
#define HPA   0x1A5C0000000ull /* 1 GiB aligned, below 2^46 */

#define SZ_4K 0x1000ull
#define SZ_2M 0x200000ull
#define SZ_1G 0x40000000ull

#define RWX (IOMMU_PERM_R | IOMMU_PERM_W | IOMMU_PERM_X)

struct nest {
	unsigned fl_levels, sl_levels;
};

static bool nest_init(struct unit_fx *fx, const struct nest *n, bool preset_ad, bool sl_ad)
{
	struct vtd_builder_config bc;

	vtd_builder_config_default(&bc);
	bc.preset_ad = preset_ad;
	bc.sl_ad = sl_ad;
	if (!unit_fx_init(fx, NULL, &bc))
		return false;
	if (!UNIT_EQ_HEX(vtd_builder_domain(fx->b, S2, VTD_STAGE_S2, n->sl_levels, -1), 0) ||
	    !UNIT_EQ_HEX(vtd_builder_domain(fx->b, S1, VTD_STAGE_S1, n->fl_levels, S2), 0) ||
	    !UNIT_EQ_HEX(unit_attach(fx, SID, false, 0, VTD_PGTT_NESTED, S1, S2), 0) ||
	    !UNIT_EQ_HEX(unit_attach(fx, SID, true, PASID, VTD_PGTT_NESTED, S1, S2), 0)) {
		unit_fx_fini(fx);
		return false;
	}
	return true;
}

/* iova -> gpa in S1 (s1_size page), and the s2_size page holding
 * gpa + off -> hpa in S2. */
static bool nest_map(struct unit_fx *fx, uint64_t iova, uint64_t gpa, uint64_t hpa,
		     uint64_t s1_size, uint64_t s2_size, unsigned s1_perm, unsigned s2_perm,
		     uint64_t off)
{
	int rc = vtd_builder_map_page(fx->b, S1, iova, gpa, s1_size, s1_perm, true);

	if (!UNIT_EQ_HEX(rc, 0)) {
		fprintf(stderr, "s1 map: %s\n", vtd_builder_error(fx->b));
		return false;
	}
	rc = vtd_builder_map_page(fx->b, S2, (gpa + off) & ~(s2_size - 1), hpa, s2_size, s2_perm,
				  false);
	if (!UNIT_EQ_HEX(rc, 0)) {
		fprintf(stderr, "s2 map: %s\n", vtd_builder_error(fx->b));
		return false;
	}
	return true;
}

/* GPA of the first-level table read at level (top: the S1 root). */
static bool fl_table_gpa(struct unit_fx *fx, const struct nest *n, uint64_t iova, unsigned level,
			 uint64_t *gpa)
{
	uint64_t pte;

	if (level == n->fl_levels) {
		*gpa = vtd_builder_domain_root(fx->b, S1);
		return true;
	}
	if (!UNIT_EQ_HEX(unit_entry_pa(fx, S1, n->fl_levels, S2, iova, level + 1, &pte), 0))
		return false;
	*gpa = unit_peek64(fx, pte) & VTD_FL_ADDR;
	return true;
}

/* A cold nested walk reads FL x SL + FL + SL paging entries (4 KiB pages,
 * tables mapped by 4 KiB second-level pages). */
static void cold_walk_case(const struct nest *n)
{
	struct unit_fx fx;
	struct iommu_resp resp;
	const struct iommu_stats *st;
	unsigned total = n->fl_levels * n->sl_levels + n->fl_levels + n->sl_levels;
	char ctx[48];

	snprintf(ctx, sizeof(ctx), "%u over %u, 4K", n->fl_levels, n->sl_levels);
	if (!nest_init(&fx, n, true, false))
		return;
	if (!nest_map(&fx, IOVA, GPA, HPA, SZ_4K, SZ_4K, RWX, RWX, 0) ||
	    !nest_map(&fx, IOVA + SZ_1G, GPA + SZ_1G, HPA + SZ_1G, SZ_2M, SZ_2M, RWX, RWX, 0))
		goto out;
	{
		struct iommu_req rq = unit_req(SID, IOVA + 0x9A, IOMMU_ACC_READ);

		if (!UNIT_EXPECT_HPA(&fx, &rq, HPA + 0x9A, ctx, &resp))
			goto out;
	}
	UNIT_EQ_HEXC(ctx, resp.page_size, SZ_4K);
	for (unsigned l = 1; l <= IOMMU_MAX_LEVELS; l++) {
		UNIT_EQ_HEXC(ctx, resp.refs.fl[l], l <= n->fl_levels);
		UNIT_EQ_HEXC(ctx, resp.refs.sl[l], l <= n->sl_levels ? n->fl_levels + 1 : 0);
	}
	st = iommu_stats(fx.mmu);
	UNIT_EQ_HEXC(ctx, st->walks, 1);
	UNIT_EQ_HEXC(ctx, st->walk_mem_reads, total);
	UNIT_EQ_HEXC(ctx, st->walk_max_mem_reads, total);
	{
		unsigned sum = 0;

		for (unsigned l = 1; l <= IOMMU_MAX_LEVELS; l++)
			sum += st->refs.fl[l] + st->refs.sl[l];
		UNIT_EQ_HEXC(ctx, sum, total);
		UNIT_EQ_HEXC(ctx, st->refs.root, 1);
		UNIT_EQ_HEXC(ctx, st->refs.context, 1);
		UNIT_EQ_HEXC(ctx, st->refs.pasid_dir, 1);
		UNIT_EQ_HEXC(ctx, st->refs.pasid_entry, 1);
	}
	/* No caches: the same request costs the same again. */
	{
		struct iommu_req rq =
			unit_req_pasid(SID, PASID, true, IOVA + 0x9A, IOMMU_ACC_WRITE);

		UNIT_EXPECT_HPA(&fx, &rq, HPA + 0x9A, ctx, &resp);
	}
	UNIT_EQ_HEXC(ctx, st->walk_mem_reads, 2 * total);
	UNIT_EQ_HEXC(ctx, st->walk_max_mem_reads, total);
	/* 2 MiB in both stages: one level fewer in each walk. */
	{
		struct iommu_req rq = unit_req(SID, IOVA + SZ_1G + 0x12345, IOMMU_ACC_READ);
		unsigned t2 =
			(n->fl_levels - 1) * n->sl_levels + (n->fl_levels - 1) + (n->sl_levels - 1);

		snprintf(ctx, sizeof(ctx), "%u over %u, 2M", n->fl_levels, n->sl_levels);
		if (UNIT_EXPECT_HPA(&fx, &rq, HPA + SZ_1G + 0x12345, ctx, &resp)) {
			unsigned sum = 0;

			UNIT_EQ_HEXC(ctx, resp.page_size, SZ_2M);
			for (unsigned l = 1; l <= IOMMU_MAX_LEVELS; l++)
				sum += resp.refs.fl[l] + resp.refs.sl[l];
			UNIT_EQ_HEXC(ctx, sum, t2);
			UNIT_EQ_HEXC(ctx, resp.refs.fl[1], 0);
			UNIT_EQ_HEXC(ctx, resp.refs.sl[1], n->fl_levels - 1);
		}
		UNIT_EQ_HEXC(ctx, st->walk_mem_reads, 2 * total + t2);
		UNIT_EQ_HEXC(ctx, st->walk_max_mem_reads, total);
		UNIT_EQ_HEXC(ctx, st->walks, 3);
	}
out:
	unit_fx_fini(&fx);
}

static void test_cold_walk(void)
{
	static const struct nest cases[] = {{4, 4}, {5, 5}, {4, 3}};

	for (unsigned i = 0; i < 3; i++)
		cold_walk_case(&cases[i]);
}

/* A second-level fault met while translating a first-level table address
 * keeps its own reason; R = 0 on the table page gives 0x75 / 0x76; a read
 * error on the first-level table page itself gives 0x73 / 0x70. */
static void test_table_faults(void)
{
	static const struct nest cases[] = {{4, 4}, {4, 3}};

	for (unsigned i = 0; i < 2; i++) {
		const struct nest *n = &cases[i];
		struct unit_fx fx;
		struct iommu_req rq = unit_req(SID, IOVA + 0x10, IOMMU_ACC_READ);
		char ctx[80];

		if (!nest_init(&fx, n, true, false))
			continue;
		if (!nest_map(&fx, IOVA, GPA, HPA, SZ_4K, SZ_4K, RWX, RWX, 0))
			goto next;
		UNIT_EXPECT_HPA(&fx, &rq, HPA + 0x10, "nested baseline", NULL);
		for (unsigned l = n->fl_levels; l >= 1; l--) {
			uint64_t gpa, hpa, s2_leaf, fl_pte;
			unsigned s2_level;
			bool top = l == n->fl_levels;

			if (!fl_table_gpa(&fx, n, IOVA, l, &gpa) ||
			    !UNIT_EQ_HEX(vtd_builder_leaf(fx.b, S2, gpa, &s2_leaf, &s2_level), 0) ||
			    !UNIT_EQ_HEX(unit_gpa_to_hpa(&fx, S2, gpa, &hpa), 0) ||
			    !UNIT_EQ_HEX(unit_entry_pa(&fx, S1, n->fl_levels, S2, IOVA, l, &fl_pte),
					 0))
				continue;
			/* The entry the walk reads is in the host page of that table. */
			UNIT_EQ_HEX(fl_pte & ~0xFFFull, hpa & ~0xFFFull);

			snprintf(ctx, sizeof(ctx), "%u/%u FL level %u table: S2 leaf R=W=0",
				 n->fl_levels, n->sl_levels, l);
			{
				uint64_t old = unit_modify64(&fx, s2_leaf, VTD_SL_R | VTD_SL_W, 0);

				UNIT_EXPECT_FAULT(&fx, &rq, VTD_FR_SL_PERM, ctx, NULL);
				unit_poke64(&fx, s2_leaf, old);
			}
			snprintf(ctx, sizeof(ctx), "%u/%u FL level %u table: S2 leaf SNP",
				 n->fl_levels, n->sl_levels, l);
			{
				uint64_t old = unit_modify64(&fx, s2_leaf, 0, VTD_SL_SNP);

				UNIT_EXPECT_FAULT(&fx, &rq, VTD_FR_SL_RSVD, ctx, NULL);
				unit_poke64(&fx, s2_leaf, old);
			}
			snprintf(ctx, sizeof(ctx), "%u/%u FL level %u table: S2 leaf read error",
				 n->fl_levels, n->sl_levels, l);
			unit_mem_fail_read(&fx.um, s2_leaf);
			UNIT_EXPECT_FAULT(&fx, &rq, VTD_FR_SL_ACCESS, ctx, NULL);
			unit_mem_heal(&fx.um);
			snprintf(ctx, sizeof(ctx), "%u/%u FL level %u table: S2 leaf W only",
				 n->fl_levels, n->sl_levels, l);
			{
				uint64_t old = unit_modify64(&fx, s2_leaf, VTD_SL_R, 0);

				UNIT_EXPECT_FAULT(&fx, &rq,
						  top ? VTD_FR_FL_NESTED_ROOT_READ
						      : VTD_FR_FL_NESTED_READ,
						  ctx, NULL);
				unit_poke64(&fx, s2_leaf, old);
			}
			snprintf(ctx, sizeof(ctx), "%u/%u FL level %u table: host page read error",
				 n->fl_levels, n->sl_levels, l);
			unit_mem_fail_read(&fx.um, fl_pte);
			UNIT_EXPECT_FAULT(&fx, &rq, top ? VTD_FR_FL_ROOT_ACCESS : VTD_FR_FL_ACCESS,
					  ctx, NULL);
			unit_mem_heal(&fx.um);
			snprintf(ctx, sizeof(ctx), "%u/%u FL level %u entry not present",
				 n->fl_levels, n->sl_levels, l);
			{
				uint64_t old = unit_modify64(&fx, fl_pte, VTD_FL_P, 0);

				UNIT_EXPECT_FAULT(&fx, &rq, VTD_FR_FL_NOT_PRESENT, ctx, NULL);
				unit_poke64(&fx, fl_pte, old);
			}
			/* The top second-level entry for the table's GPA. */
			snprintf(ctx, sizeof(ctx), "%u/%u FL level %u table: S2 top entry R=W=0",
				 n->fl_levels, n->sl_levels, l);
			{
				uint64_t top_pte, old;

				if (UNIT_EQ_HEX(unit_entry_pa(&fx, S2, n->sl_levels, -1, gpa,
							      n->sl_levels, &top_pte),
						0)) {
					old = unit_modify64(&fx, top_pte, VTD_SL_R | VTD_SL_W, 0);
					UNIT_EXPECT_FAULT(&fx, &rq, VTD_FR_SL_PERM, ctx, NULL);
					unit_poke64(&fx, top_pte, old);
				}
			}
		}
		UNIT_EXPECT_HPA(&fx, &rq, HPA + 0x10, "nested restored", NULL);
	next:
		unit_fx_fini(&fx);
	}
}

/* A first-level table GPA at or beyond the second-level width: 0x74. */
static void test_beyond_sl_width(void)
{
	static const struct nest n43 = {4, 3};
	struct unit_fx fx;
	struct iommu_req rq = unit_req(SID, IOVA + 0x10, IOMMU_ACC_READ);
	char ctx[64];
	uint64_t pe;

	if (!nest_init(&fx, &n43, true, false))
		return;
	if (!nest_map(&fx, IOVA, GPA, HPA, SZ_4K, SZ_4K, RWX, RWX, 0))
		goto out;
	/* FLPTPTR itself (in the RID_PASID entry this request uses). */
	{
		uint64_t ce, rid;

		if (UNIT_EQ_HEX(vtd_builder_context_pa(fx.b, SID, &ce), 0)) {
			rid = FIELD_GET64(VTD_CE1_RID_PASID, unit_peek64(&fx, ce + 8));
			if (UNIT_EQ_HEX(vtd_builder_pasid_entry_pa(fx.b, SID, (uint32_t)rid, &pe),
					0)) {
				uint64_t old = unit_modify64(&fx, pe + 16, 0, BIT64(39));

				UNIT_EXPECT_FAULT(&fx, &rq, VTD_FR_FL_NESTED_BEYOND_MGAW,
						  "FLPTPTR bit 39, SL width 39", NULL);
				unit_poke64(&fx, pe + 16, old);
			}
		}
	}
	/* Next-table pointers in levels 4..2. */
	for (unsigned l = 4; l >= 2; l--) {
		uint64_t pte, old;

		if (!UNIT_EQ_HEX(unit_entry_pa(&fx, S1, 4, S2, IOVA, l, &pte), 0))
			continue;
		for (unsigned bit = 39; bit <= 45; bit += 6) {
			old = unit_modify64(&fx, pte, 0, BIT64(bit));
			snprintf(ctx, sizeof(ctx), "FL level %u pointer bit %u, SL width 39", l,
				 bit);
			UNIT_EXPECT_FAULT(&fx, &rq, VTD_FR_FL_NESTED_BEYOND_MGAW, ctx, NULL);
			unit_poke64(&fx, pte, old);
		}
	}
	UNIT_EXPECT_HPA(&fx, &rq, HPA + 0x10, "restored", NULL);
out:
	unit_fx_fini(&fx);
}

/* docs/model.md: first-level address bits at or above HAW are reserved
 * (0x72), checked on the entry before its pointer is translated. */
static void test_fl_pointer_above_haw(void)
{
	static const struct nest n43 = {4, 3};
	struct unit_fx fx;
	struct iommu_req rq = unit_req(SID, IOVA + 0x10, IOMMU_ACC_READ);
	char ctx[64];

	if (!nest_init(&fx, &n43, true, false))
		return;
	if (!nest_map(&fx, IOVA, GPA, HPA, SZ_4K, SZ_4K, RWX, RWX, 0))
		goto out;
	for (unsigned l = 4; l >= 1; l--) {
		uint64_t pte, old;

		if (!UNIT_EQ_HEX(unit_entry_pa(&fx, S1, 4, S2, IOVA, l, &pte), 0))
			continue;
		/* Nested first-level entries hold guest-physical addresses: one
		 * beyond the 39-bit second level faults 0x74, not as reserved. */
		old = unit_modify64(&fx, pte, 0, BIT64(46));
		snprintf(ctx, sizeof(ctx), "nested FL level %u address bit 46 (SL 39 bits)", l);
		UNIT_EXPECT_FAULT(&fx, &rq, VTD_FR_FL_NESTED_BEYOND_MGAW, ctx, NULL);
		unit_poke64(&fx, pte, old);
	}
out:
	unit_fx_fini(&fx);
}

/* Page size is the smaller of the two stages' leaves; hpa follows the
 * second-level page that holds the guest-physical output. */
static void test_page_size_min(void)
{
	static const struct {
		uint64_t s1, s2;
	} cases[] = {
		{SZ_4K, SZ_4K}, {SZ_2M, SZ_4K}, {SZ_4K, SZ_2M}, {SZ_1G, SZ_2M},
		{SZ_2M, SZ_1G}, {SZ_1G, SZ_4K}, {SZ_4K, SZ_1G}, {SZ_1G, SZ_1G},
	};
	static const struct nest n44 = {4, 4};
	char ctx[48];

	for (unsigned i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct unit_fx fx;
		uint64_t s1 = cases[i].s1, s2 = cases[i].s2;
		uint64_t off = 0x12345678ull & (s1 - 1);
		uint64_t gpa_out = GPA + off;
		uint64_t hpa = HPA + (gpa_out & (s2 - 1));
		uint64_t min = s1 < s2 ? s1 : s2;
		struct iommu_resp resp;
		struct iommu_req rq = unit_req(SID, IOVA + off, IOMMU_ACC_READ);
		struct iommu_req wr = unit_req(SID, IOVA + off, IOMMU_ACC_WRITE);

		snprintf(ctx, sizeof(ctx), "s1 0x%llx over s2 0x%llx", (unsigned long long)s1,
			 (unsigned long long)s2);
		if (!nest_init(&fx, &n44, true, false))
			continue;
		if (nest_map(&fx, IOVA, GPA, HPA, s1, s2, RWX, IOMMU_PERM_R, off) &&
		    UNIT_EXPECT_HPA(&fx, &rq, hpa, ctx, &resp)) {
			UNIT_EQ_HEXC(ctx, resp.page_size, min);
			UNIT_EQ_HEXC(ctx, resp.perm & (IOMMU_PERM_R | IOMMU_PERM_W), IOMMU_PERM_R);
			/* Write: allowed by the first level, not the second. */
			UNIT_EXPECT_FAULT(&fx, &wr, VTD_FR_NO_WRITE, ctx, NULL);
		}
		unit_fx_fini(&fx);
	}
}

/* Permissions are the intersection of both stages; the first level is
 * checked first. */
static void test_perm_intersection(void)
{
	static const struct nest n44 = {4, 4};
	static const struct {
		unsigned s1, s2;
		enum iommu_access acc;
		unsigned fr;
	} cases[] = {
		{IOMMU_PERM_R, RWX, IOMMU_ACC_WRITE, VTD_FR_NO_WRITE},
		{IOMMU_PERM_R | IOMMU_PERM_W, IOMMU_PERM_R, IOMMU_ACC_WRITE, VTD_FR_NO_WRITE},
		{IOMMU_PERM_R | IOMMU_PERM_W, IOMMU_PERM_W, IOMMU_ACC_READ, VTD_FR_NO_READ},
		{IOMMU_PERM_R | IOMMU_PERM_W, IOMMU_PERM_W, IOMMU_ACC_WRITE, VTD_FR_NONE},
		{IOMMU_PERM_R, IOMMU_PERM_W, IOMMU_ACC_WRITE, VTD_FR_NO_WRITE},
		{IOMMU_PERM_R | IOMMU_PERM_W, IOMMU_PERM_R | IOMMU_PERM_W, IOMMU_ACC_WRITE,
		 VTD_FR_NONE},
		{IOMMU_PERM_R, RWX, IOMMU_ACC_EXEC, VTD_FR_NO_EXEC}, /* XD, NXE = 1 */
		{RWX, RWX, IOMMU_ACC_EXEC, VTD_FR_NONE},
	};
	char ctx[48];

	for (unsigned i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct unit_fx fx;
		struct iommu_req rq = unit_req_pasid(SID, PASID, false, IOVA + 0x44, cases[i].acc);
		struct iommu_resp resp;

		snprintf(ctx, sizeof(ctx), "case %u: s1 %x s2 %x acc %u", i, cases[i].s1,
			 cases[i].s2, cases[i].acc);
		if (!nest_init(&fx, &n44, true, false))
			continue;
		if (nest_map(&fx, IOVA, GPA, HPA, SZ_4K, SZ_4K, cases[i].s1, cases[i].s2, 0)) {
			if (cases[i].fr) {
				UNIT_EXPECT_FAULT(&fx, &rq, cases[i].fr, ctx, NULL);
			} else if (UNIT_EXPECT_HPA(&fx, &rq, HPA + 0x44, ctx, &resp)) {
				UNIT_EQ_HEXC(ctx, resp.perm & (IOMMU_PERM_R | IOMMU_PERM_W),
					     cases[i].s1 & cases[i].s2 &
						     (IOMMU_PERM_R | IOMMU_PERM_W));
			}
		}
		unit_fx_fini(&fx);
	}
	/* An output GPA the second level does not map. */
	{
		struct unit_fx fx;
		struct iommu_req rq = unit_req(SID, IOVA, IOMMU_ACC_READ);

		if (!nest_init(&fx, &n44, true, false))
			return;
		if (UNIT_EQ_HEX(vtd_builder_map_page(fx.b, S1, IOVA, GPA, SZ_4K, RWX, true), 0))
			UNIT_EXPECT_FAULT(&fx, &rq, VTD_FR_SL_PERM, "output GPA unmapped", NULL);
		unit_fx_fini(&fx);
	}
}

/* First-level A/D updates in nested mode: A on every first-level entry,
 * D on the leaf for a write; a table page the second level maps read-only
 * turns a needed update into 0x77. */
static void test_nested_ad(void)
{
	static const struct nest n44 = {4, 4};
	struct unit_fx fx;
	struct iommu_resp resp;
	struct iommu_req rd = unit_req(SID, IOVA + 0x20, IOMMU_ACC_READ);
	struct iommu_req wr = unit_req(SID, IOVA + 0x20, IOMMU_ACC_WRITE);
	uint64_t pte[5];

	if (!nest_init(&fx, &n44, false, false))
		return;
	if (!nest_map(&fx, IOVA, GPA, HPA, SZ_4K, SZ_4K, RWX, RWX, 0))
		goto out;
	for (unsigned l = 4; l >= 1; l--)
		if (!UNIT_EQ_HEX(unit_entry_pa(&fx, S1, 4, S2, IOVA, l, &pte[l]), 0))
			goto out;
	/* The level-2 table page read-only in S2: A cannot be written. */
	{
		uint64_t gpa, s2_leaf;
		unsigned s2_level;

		if (fl_table_gpa(&fx, &n44, IOVA, 2, &gpa) &&
		    UNIT_EQ_HEX(vtd_builder_leaf(fx.b, S2, gpa, &s2_leaf, &s2_level), 0)) {
			uint64_t old = unit_modify64(&fx, s2_leaf, VTD_SL_W, 0);

			UNIT_EXPECT_FAULT(&fx, &rd, VTD_FR_FL_NESTED_WRITE,
					  "A update, table read-only", &resp);
			UNIT_EQ_HEX(unit_peek64(&fx, pte[2]) & VTD_FL_A, 0);
			unit_poke64(&fx, s2_leaf, old);
		}
	}
	UNIT_EXPECT_HPA(&fx, &rd, HPA + 0x20, "nested read, A", &resp);
	for (unsigned l = 4; l >= 1; l--)
		UNIT_EQ_HEX(unit_peek64(&fx, pte[l]) & (VTD_FL_A | VTD_FL_D), VTD_FL_A);
	UNIT_EQ_HEX(resp.refs.ad_writes, 4);
	UNIT_EXPECT_HPA(&fx, &wr, HPA + 0x20, "nested write, D", &resp);
	UNIT_EQ_HEX(resp.refs.ad_writes, 1);
	UNIT_EQ_HEX(unit_peek64(&fx, pte[1]) & (VTD_FL_A | VTD_FL_D), VTD_FL_A | VTD_FL_D);
	/* Once set, a read-only table page no longer matters. */
	{
		uint64_t gpa, s2_leaf;
		unsigned s2_level;

		if (fl_table_gpa(&fx, &n44, IOVA, 1, &gpa) &&
		    UNIT_EQ_HEX(vtd_builder_leaf(fx.b, S2, gpa, &s2_leaf, &s2_level), 0)) {
			unit_modify64(&fx, s2_leaf, VTD_SL_W, 0);
			UNIT_EXPECT_HPA(&fx, &wr, HPA + 0x20, "A/D already set, table read-only",
					&resp);
			UNIT_EQ_HEX(resp.refs.ad_writes, 0);
		}
	}
out:
	unit_fx_fini(&fx);
}

static const struct unit_test nested_tests[] = {
	{"cold_walk", test_cold_walk},
	{"table_faults", test_table_faults},
	{"beyond_sl_width", test_beyond_sl_width},
	{"fl_pointer_above_haw", test_fl_pointer_above_haw},
	{"page_size_min", test_page_size_min},
	{"perm_intersection", test_perm_intersection},
	{"nested_ad", test_nested_ad},
	{NULL, NULL},
};

void unit_register(void)
{
	unit_add_suite("vtd/translate.c (nested)", nested_tests);
}
