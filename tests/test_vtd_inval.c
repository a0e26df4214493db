/*
 * Tests of src/vtd/iotlb.c and src/vtd/inval.c with every cache on
 * (iommu_config_default): what each invalidation descriptor and
 * granularity drops, and what it keeps.
 *
 * Pattern: translate once (fills the caches), change the tables in memory
 * (remap a page elsewhere, re-point a table, clear an entry), queue the
 * descriptor and a wait, translate again. The new translation means the
 * cached one was dropped; the old one (served by the IOTLB) that it was
 * kept. Walk-cache effects are shown by the memory reads in resp.refs.
 *
 * The world: SID_A without PASID → second-level domain SL_DOM; SID_A with
 * PASIDs P1, P2 → first-level domain FL_DOM; SID_C without PASID →
 * second-level SL_DOM2; SID_B without PASID → nested NS1 over NS2. Each
 * maps N_PAGES 4 KiB pages; "old" and "new" physical pages are computed
 * by pa().
 */
#include "unit.h"

#include <stdio.h>
#include <string.h>

#include "iommu/vtd_qi.h"

#define SID_A   0x2140
#define SID_B   0x2148
#define SID_C   0x2150
#define P1      0x21u
#define P2      0x22u
#define SL_DOM  22
#define SL_DOM2 23
#define FL_DOM  11
#define FL_DOM2 12
#define NS2     33
#define NS1     44

#define SL_IOVA  0x5AC0000000ull   /* 1 GiB aligned */
#define FL_IOVA  0x7F12C0000000ull /* 1 GiB aligned, canonical */
#define GPA_BASE 0x40000000ull     /* nested guest RAM */
#define PA_BASE  0x234540000000ull

#define SZ_4K   0x1000ull
#define SZ_2M   0x200000ull
#define N_PAGES 8

#define RW  (IOMMU_PERM_R | IOMMU_PERM_W)
#define RWX (IOMMU_PERM_R | IOMMU_PERM_W | IOMMU_PERM_X)

/* The attachments DMA is issued through. */
enum at { AT_SL, AT_FL1, AT_FL2, AT_SL2, AT_NEST, N_AT };

static const char *const at_name[N_AT] = {"SL", "FL/P1", "FL/P2", "SL2", "nested"};

/* Physical page of (domain tag, generation, page). */
static uint64_t pa(unsigned tag, unsigned gen, unsigned i)
{
	return PA_BASE + (uint64_t)tag * 0x1000000 + (uint64_t)gen * 0x100000 + i * SZ_4K;
}

/* The domain whose pages an attachment reaches (the nested one: NS2). */
static unsigned at_dom(enum at a)
{
	static const unsigned dom[N_AT] = {SL_DOM, FL_DOM, FL_DOM, SL_DOM2, NS2};

	return dom[a];
}

static uint64_t at_iova(enum at a, unsigned i)
{
	return (a == AT_SL || a == AT_SL2 ? SL_IOVA : FL_IOVA) + i * SZ_4K;
}

static struct iommu_req at_req(enum at a, unsigned i)
{
	switch (a) {
	case AT_SL: return unit_req(SID_A, at_iova(a, i), IOMMU_ACC_READ);
	case AT_FL1: return unit_req_pasid(SID_A, P1, false, at_iova(a, i), IOMMU_ACC_READ);
	case AT_FL2: return unit_req_pasid(SID_A, P2, false, at_iova(a, i), IOMMU_ACC_READ);
	case AT_SL2: return unit_req(SID_C, at_iova(a, i), IOMMU_ACC_READ);
	default: return unit_req(SID_B, at_iova(a, i), IOMMU_ACC_READ);
	}
}

static bool fx_caches(struct unit_fx *fx, const struct vtd_builder_config *bc)
{
	struct iommu_config cfg;

	iommu_config_default(&cfg);
	return unit_fx_init(fx, &cfg, bc);
}

static bool world_build(struct unit_fx *fx);

static bool world_init(struct unit_fx *fx)
{
	return fx_caches(fx, NULL) && world_build(fx);
}

static bool world_build(struct unit_fx *fx)
{
	struct vtd_builder *b;
	bool ok = true;

	b = fx->b;
	ok &= UNIT_EQ_HEX(vtd_builder_domain(b, SL_DOM, VTD_STAGE_S2, 4, -1), 0);
	ok &= UNIT_EQ_HEX(vtd_builder_domain(b, SL_DOM2, VTD_STAGE_S2, 4, -1), 0);
	ok &= UNIT_EQ_HEX(vtd_builder_domain(b, FL_DOM, VTD_STAGE_S1, 4, -1), 0);
	ok &= UNIT_EQ_HEX(vtd_builder_domain(b, NS2, VTD_STAGE_S2, 4, -1), 0);
	ok &= UNIT_EQ_HEX(vtd_builder_domain(b, NS1, VTD_STAGE_S1, 4, NS2), 0);
	ok &= UNIT_EQ_HEX(unit_attach(fx, SID_A, false, 0, VTD_PGTT_SL, -1, SL_DOM), 0);
	ok &= UNIT_EQ_HEX(unit_attach(fx, SID_A, true, P1, VTD_PGTT_FL, FL_DOM, -1), 0);
	ok &= UNIT_EQ_HEX(unit_attach(fx, SID_A, true, P2, VTD_PGTT_FL, FL_DOM, -1), 0);
	ok &= UNIT_EQ_HEX(unit_attach(fx, SID_C, false, 0, VTD_PGTT_SL, -1, SL_DOM2), 0);
	ok &= UNIT_EQ_HEX(unit_attach(fx, SID_B, false, 0, VTD_PGTT_NESTED, NS1, NS2), 0);
	for (unsigned i = 0; ok && i < N_PAGES; i++) {
		ok &= UNIT_EQ_HEX(vtd_builder_map_page(b, SL_DOM, SL_IOVA + i * SZ_4K,
						       pa(SL_DOM, 0, i), SZ_4K, RW, true),
				  0);
		ok &= UNIT_EQ_HEX(vtd_builder_map_page(b, SL_DOM2, SL_IOVA + i * SZ_4K,
						       pa(SL_DOM2, 0, i), SZ_4K, RW, true),
				  0);
		ok &= UNIT_EQ_HEX(vtd_builder_map_page(b, FL_DOM, FL_IOVA + i * SZ_4K,
						       pa(FL_DOM, 0, i), SZ_4K, RW, true),
				  0);
		ok &= UNIT_EQ_HEX(vtd_builder_map_page(b, NS1, FL_IOVA + i * SZ_4K,
						       GPA_BASE + i * SZ_4K, SZ_4K, RW, true),
				  0);
		ok &= UNIT_EQ_HEX(vtd_builder_map_page(b, NS2, GPA_BASE + i * SZ_4K, pa(NS2, 0, i),
						       SZ_4K, RWX, false),
				  0);
	}
	if (!ok)
		unit_fx_fini(fx);
	return ok;
}

/* First- and second-level paging-entry reads of one request. */
static uint32_t walk_reads(const struct iommu_refs *r)
{
	uint32_t n = 0;

	for (unsigned l = 1; l <= IOMMU_MAX_LEVELS; l++)
		n += r->fl[l] + r->sl[l];
	return n;
}

static int xlate(struct unit_fx *fx, const struct iommu_req *req, struct iommu_resp *resp)
{
	memset(resp, 0, sizeof(*resp));
	return iommu_translate(fx->mmu, req, resp);
}

/* Translates and expects hpa from source src; ctx names the case. */
static bool expect_xlate(struct unit_fx *fx, const char *ctx, const struct iommu_req *req,
			 uint64_t hpa, enum iommu_source src, struct iommu_resp *out)
{
	struct iommu_resp resp;
	bool ok = true;

	ok &= UNIT_EQ_HEXC(ctx, xlate(fx, req, &resp), 0);
	ok &= UNIT_EQ_HEXC(ctx, resp.hpa, hpa);
	ok &= UNIT_EQ_HEXC(ctx, resp.source, src);
	if (!resp.ok)
		unit_clear_faults(fx);
	if (out)
		*out = resp;
	return ok;
}

static void fill_all(struct unit_fx *fx)
{
	for (unsigned a = 0; a < N_AT; a++)
		for (unsigned i = 0; i < N_PAGES; i++) {
			struct iommu_req r = at_req((enum at)a, i);
			char ctx[64];

			snprintf(ctx, sizeof(ctx), "fill %s page %u", at_name[a], i);
			expect_xlate(fx, ctx, &r, pa(at_dom((enum at)a), 0, i), IOMMU_SRC_WALK,
				     NULL);
		}
}

/* Leaf change: unmap and map the page elsewhere (no invalidation). */
static void remap(struct unit_fx *fx, unsigned dom, uint64_t iova, uint64_t to, uint64_t size,
		  unsigned perm, bool user)
{
	UNIT_EQ_HEX(vtd_builder_unmap(fx->b, dom, iova, size), 0);
	UNIT_EQ_HEX(vtd_builder_map_page(fx->b, dom, iova, to, size, perm, user), 0);
}

/* Every domain's pages move to generation 1 (nested: the second level). */
static void change_all(struct unit_fx *fx)
{
	for (unsigned i = 0; i < N_PAGES; i++) {
		remap(fx, SL_DOM, SL_IOVA + i * SZ_4K, pa(SL_DOM, 1, i), SZ_4K, RW, true);
		remap(fx, SL_DOM2, SL_IOVA + i * SZ_4K, pa(SL_DOM2, 1, i), SZ_4K, RW, true);
		remap(fx, FL_DOM, FL_IOVA + i * SZ_4K, pa(FL_DOM, 1, i), SZ_4K, RW, true);
		remap(fx, NS2, GPA_BASE + i * SZ_4K, pa(NS2, 1, i), SZ_4K, RWX, false);
	}
}

static void submit(struct unit_fx *fx, const uint64_t qw[4])
{
	if (!UNIT_EQ_HEX(vtd_builder_submit(fx->b, qw), 0))
		fprintf(stderr, "submit: %s\n", vtd_builder_error(fx->b));
}

static void qwait(struct unit_fx *fx)
{
	UNIT_EQ_HEX(vtd_builder_wait(fx->b), 0);
}

/* Per attachment, the pages (bit i) expected to translate anew. */
struct inval_case {
	const char *name;
	uint64_t qw[4];
	uint8_t fresh[N_AT];
};

static void check_world(struct unit_fx *fx, const char *name, const uint8_t fresh[N_AT])
{
	for (unsigned a = 0; a < N_AT; a++)
		for (unsigned i = 0; i < N_PAGES; i++) {
			struct iommu_req r = at_req((enum at)a, i);
			bool is_new = fresh[a] >> i & 1;
			char ctx[128];

			snprintf(ctx, sizeof(ctx), "%s: %s page %u %s", name, at_name[a], i,
				 is_new ? "dropped" : "kept");
			expect_xlate(fx, ctx, &r, pa(at_dom((enum at)a), is_new, i),
				     is_new ? IOMMU_SRC_WALK : IOMMU_SRC_IOTLB, NULL);
		}
}

static void run_case(const struct inval_case *c, bool set_global)
{
	struct unit_fx fx;

	if (!world_init(&fx))
		return;
	if (set_global) {
		/* FL_DOM page 0 global (G in the first-level leaf) */
		uint64_t pte_pa;
		unsigned level;

		if (UNIT_EQ_HEX(vtd_builder_leaf(fx.b, FL_DOM, FL_IOVA, &pte_pa, &level), 0))
			unit_modify64(&fx, pte_pa, 0, VTD_FL_G);
	}
	fill_all(&fx);
	if (set_global) {
		struct iommu_req r = at_req(AT_FL1, 0);
		struct iommu_resp resp;

		expect_xlate(&fx, c->name, &r, pa(FL_DOM, 0, 0), IOMMU_SRC_IOTLB, &resp);
		UNIT_TRUEC(c->name, resp.global);
	}
	change_all(&fx);
	if (c->qw[0])
		submit(&fx, c->qw);
	qwait(&fx);
	check_world(&fx, c->name, c->fresh);
	unit_fx_fini(&fx);
}

/* --- IOTLB (iotlb.c) ---------------------------------------------------- */

static void test_iotlb_fill_hit(void)
{
	struct unit_fx fx;
	struct iommu_req r = at_req(AT_SL, 3);
	struct iommu_resp resp, resp2;
	const struct iommu_cache_stats *st;

	if (!world_init(&fx))
		return;
	st = iommu_cache_stats(fx.mmu, IOMMU_CACHE_IOTLB);
	expect_xlate(&fx, "cold", &r, pa(SL_DOM, 0, 3), IOMMU_SRC_WALK, &resp);
	for (unsigned l = 1; l <= 4; l++)
		UNIT_EQ_HEXC("cold: one read per level", resp.refs.sl[l], 1);
	UNIT_EQ_HEX(resp.refs.context, 1);
	UNIT_EQ_HEX(resp.refs.pasid_entry, 1);
	UNIT_EQ_HEX(st->fills, 1);
	UNIT_EQ_HEX(st->misses, 1);
	r.addr += 0x123;
	expect_xlate(&fx, "warm", &r, pa(SL_DOM, 0, 3) + 0x123, IOMMU_SRC_IOTLB, &resp2);
	UNIT_EQ_HEX(walk_reads(&resp2.refs), 0);
	UNIT_EQ_HEX(resp2.refs.context + resp2.refs.root, 0);
	UNIT_EQ_HEX(resp2.refs.pasid_entry + resp2.refs.pasid_dir, 0);
	UNIT_EQ_HEX(resp2.fill_seq, resp.fill_seq);
	UNIT_EQ_HEX(resp2.did, SL_DOM);
	UNIT_EQ_HEX(resp2.page_size, SZ_4K);
	UNIT_EQ_HEX(st->hits, 1);
	UNIT_EQ_HEX(st->fills, 1);
	/* the neighbouring page is another entry; the upper levels come from
	 * the paging-structure cache: one read */
	r = at_req(AT_SL, 4);
	expect_xlate(&fx, "neighbour", &r, pa(SL_DOM, 0, 4), IOMMU_SRC_WALK, &resp);
	UNIT_EQ_HEX(walk_reads(&resp.refs), 1);
	UNIT_EQ_HEX(resp.refs.sl[1], 1);
	unit_fx_fini(&fx);
}

/* The IOTLB is tagged by (DID, PASID): the same tables through another
 * PASID miss, and so do their first-level PWC entries. */
static void test_iotlb_tags(void)
{
	struct unit_fx fx;
	struct iommu_req r1 = at_req(AT_FL1, 0), r2 = at_req(AT_FL2, 0);
	struct iommu_resp resp;

	if (!world_init(&fx))
		return;
	expect_xlate(&fx, "P1 cold", &r1, pa(FL_DOM, 0, 0), IOMMU_SRC_WALK, &resp);
	UNIT_EQ_HEX(walk_reads(&resp.refs), 4);
	expect_xlate(&fx, "P2 cold", &r2, pa(FL_DOM, 0, 0), IOMMU_SRC_WALK, &resp);
	UNIT_EQ_HEX(walk_reads(&resp.refs), 4);
	UNIT_EQ_HEX(resp.pasid, P2);
	UNIT_EQ_HEX(resp.did, FL_DOM);
	expect_xlate(&fx, "P1 warm", &r1, pa(FL_DOM, 0, 0), IOMMU_SRC_IOTLB, NULL);
	expect_xlate(&fx, "P2 warm", &r2, pa(FL_DOM, 0, 0), IOMMU_SRC_IOTLB, NULL);
	unit_fx_fini(&fx);
}

/* A 2 MiB translation is one entry: every address in the page hits. */
static void test_iotlb_large(void)
{
	struct unit_fx fx;
	const uint64_t iova = SL_IOVA + 0x40000000ull, hpa = PA_BASE + 0x7000000ull;
	struct iommu_req r = unit_req(SID_A, iova + 0x1000, IOMMU_ACC_READ);
	struct iommu_resp resp;

	if (!world_init(&fx))
		return;
	if (!UNIT_EQ_HEX(vtd_builder_map_page(fx.b, SL_DOM, iova, hpa, SZ_2M, RW, true), 0)) {
		unit_fx_fini(&fx);
		return;
	}
	expect_xlate(&fx, "2M cold", &r, hpa + 0x1000, IOMMU_SRC_WALK, &resp);
	UNIT_EQ_HEX(resp.page_size, SZ_2M);
	UNIT_EQ_HEX(walk_reads(&resp.refs), 3);
	for (uint64_t off = 0; off < SZ_2M; off += 0x3F000) {
		r.addr = iova + off;
		expect_xlate(&fx, "2M warm", &r, hpa + off, IOMMU_SRC_IOTLB, &resp);
		UNIT_EQ_HEX(resp.page_size, SZ_2M);
	}
	UNIT_EQ_HEX(iommu_cache_stats(fx.mmu, IOMMU_CACHE_IOTLB)->fills, 1);
	unit_fx_fini(&fx);
}

/* A cold nested 4-over-4 walk reads 24 entries; the repeat none. */
static void test_iotlb_nested(void)
{
	struct unit_fx fx;
	struct iommu_req r = at_req(AT_NEST, 5);
	struct iommu_resp resp;

	if (!world_init(&fx))
		return;
	expect_xlate(&fx, "nested cold", &r, pa(NS2, 0, 5), IOMMU_SRC_WALK, &resp);
	UNIT_EQ_HEX(walk_reads(&resp.refs), 5 * 4 + 4);
	UNIT_EQ_HEX(iommu_cache_stats(fx.mmu, IOMMU_CACHE_NESTED_TLB)->fills, 4);
	expect_xlate(&fx, "nested warm", &r, pa(NS2, 0, 5), IOMMU_SRC_IOTLB, &resp);
	UNIT_EQ_HEX(walk_reads(&resp.refs), 0);
	/* another page: the first-level PWC leaves the leaf table, which the
	 * nested TLB translates; the output through the second-level PWC */
	r = at_req(AT_NEST, 6);
	expect_xlate(&fx, "nested neighbour", &r, pa(NS2, 0, 6), IOMMU_SRC_WALK, &resp);
	UNIT_EQ_HEX(resp.refs.fl[1], 1);
	UNIT_EQ_HEX(resp.refs.fl[2] + resp.refs.fl[3] + resp.refs.fl[4], 0);
	UNIT_EQ_HEX(resp.refs.sl[1], 1);
	UNIT_EQ_HEX(walk_reads(&resp.refs), 2);
	unit_fx_fini(&fx);
}

/* Faults are not cached: mapping a page needs no invalidation. */
static void test_iotlb_no_negative(void)
{
	struct unit_fx fx;
	struct iommu_req r = unit_req(SID_A, SL_IOVA + 100 * SZ_4K, IOMMU_ACC_READ);

	if (!world_init(&fx))
		return;
	UNIT_EXPECT_FAULT(&fx, &r, VTD_FR_SL_PERM, "unmapped", NULL);
	UNIT_EQ_HEX(vtd_builder_map_page(fx.b, SL_DOM, r.addr, pa(SL_DOM, 2, 0), SZ_4K, RW, true),
		    0);
	expect_xlate(&fx, "mapped", &r, pa(SL_DOM, 2, 0), IOMMU_SRC_WALK, NULL);
	unit_fx_fini(&fx);
}

/* A write through an entry filled by a read whose leaf lacks D walks again
 * (to set D) instead of using the entry. */
static void test_iotlb_dirty(void)
{
	struct vtd_builder_config bc;
	struct unit_fx fx;
	struct iommu_req r = unit_req_pasid(SID_A, P1, false, FL_IOVA, IOMMU_ACC_READ);
	struct iommu_resp resp;
	uint64_t pte_pa;
	unsigned level;

	vtd_builder_config_default(&bc);
	bc.preset_ad = false;
	if (!fx_caches(&fx, &bc))
		return;
	if (!UNIT_EQ_HEX(vtd_builder_domain(fx.b, FL_DOM, VTD_STAGE_S1, 4, -1), 0) ||
	    !UNIT_EQ_HEX(unit_attach(&fx, SID_A, true, P1, VTD_PGTT_FL, FL_DOM, -1), 0) ||
	    !UNIT_EQ_HEX(vtd_builder_map_page(fx.b, FL_DOM, FL_IOVA, pa(1, 0, 0), SZ_4K, RW, true),
			 0) ||
	    !UNIT_EQ_HEX(vtd_builder_leaf(fx.b, FL_DOM, FL_IOVA, &pte_pa, &level), 0)) {
		unit_fx_fini(&fx);
		return;
	}
	expect_xlate(&fx, "read", &r, pa(1, 0, 0), IOMMU_SRC_WALK, &resp);
	UNIT_EQ_HEX(unit_peek64(&fx, pte_pa) & (VTD_FL_A | VTD_FL_D), VTD_FL_A);
	expect_xlate(&fx, "read again", &r, pa(1, 0, 0), IOMMU_SRC_IOTLB, NULL);
	r.access = IOMMU_ACC_WRITE;
	expect_xlate(&fx, "first write", &r, pa(1, 0, 0), IOMMU_SRC_WALK, &resp);
	UNIT_EQ_HEX(resp.refs.ad_writes, 1);
	UNIT_EQ_HEX(unit_peek64(&fx, pte_pa) & VTD_FL_D, VTD_FL_D);
	expect_xlate(&fx, "second write", &r, pa(1, 0, 0), IOMMU_SRC_IOTLB, NULL);
	unit_fx_fini(&fx);
}

/* --- IOTLB and P_IOTLB descriptors (inval.c) ----------------------------- */

static void test_inval_none(void)
{
	static const struct inval_case c = {"wait only: everything cached", {0}, {0}};

	run_case(&c, false);
}

static void test_inval_iotlb_global(void)
{
	struct inval_case c = {"IOTLB global", {0}, {0xFF, 0xFF, 0xFF, 0xFF, 0xFF}};

	vtd_desc_iotlb(c.qw, VTD_IOTLB_GLOBAL, 0, 0, 0, false);
	run_case(&c, false);
	c.name = "IOTLB global (global FL entry too)";
	run_case(&c, true);
}

static void test_inval_iotlb_domain(void)
{
	struct inval_case c = {"IOTLB DSI SL_DOM", {0}, {[AT_SL] = 0xFF}};

	vtd_desc_iotlb(c.qw, VTD_IOTLB_DOMAIN, SL_DOM, 0, 0, false);
	run_case(&c, false);

	c = (struct inval_case){"IOTLB DSI NS2 drops nested", {0}, {[AT_NEST] = 0xFF}};
	vtd_desc_iotlb(c.qw, VTD_IOTLB_DOMAIN, NS2, 0, 0, false);
	run_case(&c, false);

	/* every class of the DID: the first-level translations of FL_DOM,
	 * global ones included */
	c = (struct inval_case){"IOTLB DSI FL_DOM", {0}, {[AT_FL1] = 0xFF, [AT_FL2] = 0xFF}};
	vtd_desc_iotlb(c.qw, VTD_IOTLB_DOMAIN, FL_DOM, 0, 0, false);
	run_case(&c, true);

	c = (struct inval_case){"IOTLB DSI of an unused DID", {0}, {0}};
	vtd_desc_iotlb(c.qw, VTD_IOTLB_DOMAIN, 99, 0, 0, false);
	run_case(&c, false);
}

/* Page-selective: second-level entries of the DID in [ADDR & ~(2^AM pages
 * - 1), + 2^AM pages); ADDR bits below that are ignored. */
static void test_inval_iotlb_psi(void)
{
	static const struct {
		const char *name;
		uint64_t addr;
		unsigned am;
		uint8_t sl;
	} cases[] = {
		{"PSI page 3", SL_IOVA + 3 * SZ_4K, 0, 0x08},
		{"PSI page 0", SL_IOVA, 0, 0x01},
		{"PSI page 7", SL_IOVA + 7 * SZ_4K, 0, 0x80},
		{"PSI AM 1 at page 5", SL_IOVA + 5 * SZ_4K, 1, 0x30},
		{"PSI AM 2 at page 5 (aligned down to 4)", SL_IOVA + 5 * SZ_4K, 2, 0xF0},
		{"PSI AM 2 at page 3", SL_IOVA + 3 * SZ_4K, 2, 0x0F},
		{"PSI AM 3", SL_IOVA + 6 * SZ_4K, 3, 0xFF},
		{"PSI AM 9 (2 MiB)", SL_IOVA + 0x1FF000, 9, 0xFF},
		{"PSI page 8 (just above)", SL_IOVA + 8 * SZ_4K, 0, 0},
		{"PSI page -1 (just below)", SL_IOVA - SZ_4K, 0, 0},
		{"PSI AM 3 at page 8 (next block)", SL_IOVA + 8 * SZ_4K, 3, 0},
	};

	for (size_t k = 0; k < sizeof(cases) / sizeof(cases[0]); k++) {
		struct inval_case c = {cases[k].name, {0}, {[AT_SL] = cases[k].sl}};

		vtd_desc_iotlb(c.qw, VTD_IOTLB_PAGE, SL_DOM, cases[k].addr, cases[k].am, true);
		run_case(&c, false);
	}
}

/* Page-selective IOTLB invalidation drops every nested and first-level
 * translation of the DID whatever the range (their tags are guest
 * addresses), and nothing of other DIDs. */
static void test_inval_iotlb_psi_fl_class(void)
{
	struct inval_case c = {"IOTLB PSI NS2 elsewhere", {0}, {[AT_NEST] = 0xFF}};

	vtd_desc_iotlb(c.qw, VTD_IOTLB_PAGE, NS2, 0x1000, 0, false);
	run_case(&c, false);
	c = (struct inval_case){
		"IOTLB PSI FL_DOM elsewhere", {0}, {[AT_FL1] = 0xFF, [AT_FL2] = 0xFF}};
	vtd_desc_iotlb(c.qw, VTD_IOTLB_PAGE, FL_DOM, 0x1000, 0, true);
	run_case(&c, true);
}

static void test_inval_piotlb(void)
{
	struct inval_case c = {"P_IOTLB DID+PASID P1", {0}, {[AT_FL1] = 0xFF}};

	vtd_desc_piotlb(c.qw, VTD_PIOTLB_ALL, FL_DOM, P1, 0, 0, false);
	run_case(&c, false);

	/* G 2 keeps global translations */
	c = (struct inval_case){"P_IOTLB DID+PASID P1 keeps global", {0}, {[AT_FL1] = 0xFE}};
	vtd_desc_piotlb(c.qw, VTD_PIOTLB_ALL, FL_DOM, P1, 0, 0, false);
	run_case(&c, true);

	/* first-level class only: the second-level entries of SL_DOM at its
	 * RID_PASID (0) stay */
	c = (struct inval_case){"P_IOTLB on a second-level attachment", {0}, {0}};
	vtd_desc_piotlb(c.qw, VTD_PIOTLB_ALL, SL_DOM, 0, 0, 0, false);
	run_case(&c, false);

	/* nested translations are first-level class */
	c = (struct inval_case){"P_IOTLB nested", {0}, {[AT_NEST] = 0xFF}};
	vtd_desc_piotlb(c.qw, VTD_PIOTLB_ALL, NS2, 0, 0, 0, false);
	run_case(&c, false);

	/* DID and PASID must both match */
	c = (struct inval_case){"P_IOTLB wrong DID", {0}, {0}};
	vtd_desc_piotlb(c.qw, VTD_PIOTLB_ALL, FL_DOM2, P1, 0, 0, false);
	run_case(&c, false);
	c = (struct inval_case){"P_IOTLB unused PASID", {0}, {0}};
	vtd_desc_piotlb(c.qw, VTD_PIOTLB_ALL, FL_DOM, 0x23, 0, 0, false);
	run_case(&c, false);
}

static void test_inval_piotlb_psi(void)
{
	static const struct {
		const char *name;
		uint64_t addr;
		unsigned am;
		uint8_t fl1;
	} cases[] = {
		{"P_IOTLB PSI page 0 (global)", FL_IOVA, 0, 0x01},
		{"P_IOTLB PSI page 6", FL_IOVA + 6 * SZ_4K, 0, 0x40},
		{"P_IOTLB PSI AM 2 at page 6", FL_IOVA + 6 * SZ_4K, 2, 0xF0},
		{"P_IOTLB PSI AM 1 at page 1", FL_IOVA + 1 * SZ_4K, 1, 0x03},
		{"P_IOTLB PSI AM 3", FL_IOVA, 3, 0xFF},
		{"P_IOTLB PSI page 8", FL_IOVA + 8 * SZ_4K, 0, 0},
		{"P_IOTLB PSI page -1", FL_IOVA - SZ_4K, 0, 0},
	};

	for (size_t k = 0; k < sizeof(cases) / sizeof(cases[0]); k++) {
		struct inval_case c = {cases[k].name, {0}, {[AT_FL1] = cases[k].fl1}};

		vtd_desc_piotlb(c.qw, VTD_PIOTLB_PSI, FL_DOM, P1, cases[k].addr, cases[k].am,
				false);
		run_case(&c, true);
	}
	{
		/* nested: the range is in guest-virtual (input) addresses */
		struct inval_case c = {"P_IOTLB PSI nested pages 2-3", {0}, {[AT_NEST] = 0x0C}};

		vtd_desc_piotlb(c.qw, VTD_PIOTLB_PSI, NS2, 0, FL_IOVA + 2 * SZ_4K, 1, true);
		run_case(&c, false);
	}
}

/* Context- and PASID-cache invalidations do not touch the IOTLB. */
static void test_inval_cc_pc_keep_iotlb(void)
{
	struct inval_case c = {"CC global keeps the IOTLB", {0}, {0}};

	vtd_desc_cc(c.qw, VTD_CC_GLOBAL, 0, 0, 0);
	run_case(&c, false);
	c.name = "PC all keeps the IOTLB";
	vtd_desc_pc(c.qw, VTD_PC_ALL, 0, 0);
	run_case(&c, false);
}

/* Without lookup_after_fetch, a translation whose context entry came from
 * memory looks up neither the PASID cache nor the IOTLB: after a context-cache
 * invalidation alone, the first request of each source ID walks and sees the
 * new tables; the next ones find the context entry cached and the stale
 * IOTLB entries again. */
static void test_inval_cc_no_lookup_after_fetch(void)
{
	static const enum at first[] = {AT_SL, AT_SL2, AT_NEST};
	struct iommu_config cfg;
	struct unit_fx fx;
	uint64_t qw[4] = {0};

	iommu_config_default(&cfg);
	cfg.lookup_after_fetch = false;
	if (!unit_fx_init(&fx, &cfg, NULL))
		return;
	if (!world_build(&fx))
		return;
	fill_all(&fx);
	change_all(&fx);
	vtd_desc_cc(qw, VTD_CC_GLOBAL, 0, 0, 0);
	submit(&fx, qw);
	qwait(&fx);
	for (unsigned k = 0; k < sizeof(first) / sizeof(first[0]); k++) {
		enum at a = first[k];
		struct iommu_req r = at_req(a, 0);
		struct iommu_resp resp;

		expect_xlate(&fx, at_name[a], &r, pa(at_dom(a), 1, 0), IOMMU_SRC_WALK, &resp);
		UNIT_EQ_HEXC(at_name[a], resp.refs.context, 1);
		UNIT_EQ_HEXC(at_name[a], resp.refs.pasid_entry, 1);
		r = at_req(a, 1);
		expect_xlate(&fx, at_name[a], &r, pa(at_dom(a), 0, 1), IOMMU_SRC_IOTLB, NULL);
	}
	unit_fx_fini(&fx);
}

/* --- paging-structure caches --------------------------------------------- */

/* Re-points the level-2 entry (PDE) of iova in dom to a copy of its table
 * whose entry for iova maps to_pa. The old table is left as it was. */
static bool repoint_pde(struct unit_fx *fx, unsigned dom, uint64_t iova, uint64_t to_pa)
{
	uint64_t pde_pa, pde, old_tbl, new_tbl;
	unsigned idx = unit_index(iova, 1);

	if (!UNIT_EQ_HEX(unit_entry_pa(fx, dom, 4, -1, iova, 2, &pde_pa), 0) ||
	    !UNIT_EQ_HEX(vtd_builder_alloc_page(fx->b, &new_tbl), 0))
		return false;
	pde = unit_peek64(fx, pde_pa);
	old_tbl = pde & VTD_FL_ADDR;
	for (unsigned i = 0; i < 512; i++) {
		uint64_t e = unit_peek64(fx, old_tbl + 8 * i);

		if (i == idx)
			e = (e & ~VTD_FL_ADDR) | to_pa;
		unit_poke64(fx, new_tbl + 8 * i, e);
	}
	unit_poke64(fx, pde_pa, (pde & ~VTD_FL_ADDR) | new_tbl);
	return true;
}

static uint32_t level_reads(const struct iommu_resp *r, bool fl, unsigned level)
{
	return fl ? r->refs.fl[level] : r->refs.sl[level];
}

/* With IH = 1 a page-selective invalidation keeps the paging-structure
 * caches: after a PDE change the walk still goes through the old table
 * (one read: the leaf); with IH = 0 the PWC entries in range go and the
 * walk reads every level and finds the new table. */
static void ih_case(const char *name, enum at a, bool psi_piotlb)
{
	struct unit_fx fx;
	struct iommu_req r = at_req(a, 2);
	unsigned dom = at_dom(a);
	bool fl = a == AT_FL1;
	struct iommu_resp resp;
	uint64_t qw[4];
	char ctx[128];

	if (!world_init(&fx))
		return;
	expect_xlate(&fx, name, &r, pa(dom, 0, 2), IOMMU_SRC_WALK, NULL);
	if (!repoint_pde(&fx, dom, r.addr, pa(dom, 3, 2))) {
		unit_fx_fini(&fx);
		return;
	}
	for (int ih = 1; ih >= 0; ih--) {
		if (psi_piotlb)
			vtd_desc_piotlb(qw, VTD_PIOTLB_PSI, dom, P1, r.addr, 0, ih);
		else
			vtd_desc_iotlb(qw, VTD_IOTLB_PAGE, dom, r.addr, 0, ih);
		submit(&fx, qw);
		qwait(&fx);
		snprintf(ctx, sizeof(ctx), "%s IH=%d", name, ih);
		expect_xlate(&fx, ctx, &r, pa(dom, ih ? 0 : 3, 2), IOMMU_SRC_WALK, &resp);
		UNIT_EQ_HEXC(ctx, level_reads(&resp, fl, 1), 1);
		for (unsigned l = 2; l <= 4; l++)
			UNIT_EQ_HEXC(ctx, level_reads(&resp, fl, l), ih ? 0 : 1);
		UNIT_EQ_HEXC(ctx, level_reads(&resp, !fl, 1), 0);
	}
	unit_fx_fini(&fx);
}

static void test_inval_ih(void)
{
	ih_case("IOTLB PSI, second level", AT_SL, false);
	ih_case("P_IOTLB PSI, first level", AT_FL1, true);
}

/* IOTLB PSI drops the DID's first-level PWC whatever IH and the range;
 * P_IOTLB G 2 drops it too. */
static void test_inval_fl_pwc(void)
{
	static const struct {
		const char *name;
		unsigned type, g;
		bool ih;
		uint64_t addr;
	} cases[] = {
		{"IOTLB PSI IH=1 elsewhere", VTD_DESC_IOTLB, VTD_IOTLB_PAGE, true, 0x1000},
		{"IOTLB DSI", VTD_DESC_IOTLB, VTD_IOTLB_DOMAIN, false, 0},
		{"P_IOTLB DID+PASID", VTD_DESC_PIOTLB, VTD_PIOTLB_ALL, false, 0},
	};

	for (size_t k = 0; k < sizeof(cases) / sizeof(cases[0]); k++) {
		struct unit_fx fx;
		struct iommu_req r = at_req(AT_FL1, 2);
		struct iommu_resp resp;
		uint64_t qw[4];

		if (!world_init(&fx))
			return;
		expect_xlate(&fx, cases[k].name, &r, pa(FL_DOM, 0, 2), IOMMU_SRC_WALK, NULL);
		if (!repoint_pde(&fx, FL_DOM, r.addr, pa(FL_DOM, 3, 2))) {
			unit_fx_fini(&fx);
			return;
		}
		if (cases[k].type == VTD_DESC_IOTLB)
			vtd_desc_iotlb(qw, cases[k].g, FL_DOM, cases[k].addr, 0, cases[k].ih);
		else
			vtd_desc_piotlb(qw, cases[k].g, FL_DOM, P1, cases[k].addr, 0, cases[k].ih);
		submit(&fx, qw);
		qwait(&fx);
		expect_xlate(&fx, cases[k].name, &r, pa(FL_DOM, 3, 2), IOMMU_SRC_WALK, &resp);
		UNIT_EQ_HEXC(cases[k].name, walk_reads(&resp.refs), 4);
		unit_fx_fini(&fx);
	}
}

/* Second-level PWC entries go only when their region overlaps the range:
 * a PSI on the page 2 MiB above drops the level-3 and level-4 entries
 * (their 1 GiB / 512 GiB regions contain it) but not the level-2 entry of
 * the first 2 MiB. */
static void test_inval_sl_pwc_range(void)
{
	struct unit_fx fx;
	const uint64_t far = SL_IOVA + 0x10000000ull; /* another 2 MiB, same 1 GiB */
	struct iommu_req r = at_req(AT_SL, 0);
	struct iommu_resp resp;
	uint64_t qw[4];

	if (!world_init(&fx))
		return;
	if (!UNIT_EQ_HEX(vtd_builder_map_page(fx.b, SL_DOM, far, pa(SL_DOM, 4, 0), SZ_4K, RW, true),
			 0)) {
		unit_fx_fini(&fx);
		return;
	}
	expect_xlate(&fx, "fill", &r, pa(SL_DOM, 0, 0), IOMMU_SRC_WALK, NULL);
	vtd_desc_iotlb(qw, VTD_IOTLB_PAGE, SL_DOM, SL_IOVA + SZ_2M, 0, false);
	submit(&fx, qw);
	qwait(&fx);
	/* the filled page itself is out of range: still an IOTLB hit */
	expect_xlate(&fx, "out of range", &r, pa(SL_DOM, 0, 0), IOMMU_SRC_IOTLB, NULL);
	/* page 1 (same 2 MiB): the level-2 entry is still cached, one read */
	r = at_req(AT_SL, 1);
	expect_xlate(&fx, "L2 kept", &r, pa(SL_DOM, 0, 1), IOMMU_SRC_WALK, &resp);
	UNIT_EQ_HEX(walk_reads(&resp.refs), 1);
	/* another 2 MiB of the same 1 GiB: the level-3 entry would have saved
	 * two reads; it went with the PSI, so the walk reads all four */
	r = unit_req(SID_A, far, IOMMU_ACC_READ);
	expect_xlate(&fx, "L3 dropped", &r, pa(SL_DOM, 4, 0), IOMMU_SRC_WALK, &resp);
	UNIT_EQ_HEX(walk_reads(&resp.refs), 4);
	unit_fx_fini(&fx);

	/* Control: without the PSI the same walk reads two entries. */
	if (!world_init(&fx))
		return;
	if (UNIT_EQ_HEX(vtd_builder_map_page(fx.b, SL_DOM, far, pa(SL_DOM, 4, 0), SZ_4K, RW, true),
			0)) {
		r = at_req(AT_SL, 0);
		expect_xlate(&fx, "fill", &r, pa(SL_DOM, 0, 0), IOMMU_SRC_WALK, NULL);
		r = unit_req(SID_A, far, IOMMU_ACC_READ);
		expect_xlate(&fx, "L3 hit", &r, pa(SL_DOM, 4, 0), IOMMU_SRC_WALK, &resp);
		UNIT_EQ_HEX(walk_reads(&resp.refs), 2);
	}
	unit_fx_fini(&fx);
}

/* The nested TLB (second-level translations of first-level table pages)
 * goes with an IOTLB PSI whose guest-physical range holds the table, and
 * with a DSI; IH does not keep it. P_IOTLB leaves it (and the second-level
 * PWC) alone. */
static void test_inval_nested_tlb(void)
{
	static const struct {
		const char *name;
		bool at_table, dsi, ih, piotlb;
		unsigned dropped;
	} cases[] = {
		{"PSI at the leaf table", true, false, false, false, 1},
		{"PSI at the leaf table, IH=1", true, false, true, false, 1},
		{"PSI at a data page", false, false, false, false, 0},
		{"DSI", false, true, false, false, 4},
		{"P_IOTLB DID+PASID", false, false, false, true, 0},
	};

	for (size_t k = 0; k < sizeof(cases) / sizeof(cases[0]); k++) {
		const char *name = cases[k].name;
		struct unit_fx fx;
		struct iommu_req r = at_req(AT_NEST, 1);
		struct iommu_resp resp;
		const struct iommu_cache_stats *st;
		uint64_t pde_pa, tbl_gpa, qw[4], inv0;
		uint32_t sl_reads;

		if (!world_init(&fx))
			return;
		st = iommu_cache_stats(fx.mmu, IOMMU_CACHE_NESTED_TLB);
		expect_xlate(&fx, name, &r, pa(NS2, 0, 1), IOMMU_SRC_WALK, NULL);
		/* the level-1 table's guest-physical address, from the PDE */
		if (!UNIT_EQ_HEXC(name, unit_entry_pa(&fx, NS1, 4, NS2, r.addr, 2, &pde_pa), 0)) {
			unit_fx_fini(&fx);
			return;
		}
		tbl_gpa = unit_peek64(&fx, pde_pa) & VTD_FL_ADDR;
		inv0 = st->invalidations;
		if (cases[k].piotlb)
			vtd_desc_piotlb(qw, VTD_PIOTLB_ALL, NS2, 0, 0, 0, false);
		else
			vtd_desc_iotlb(qw, cases[k].dsi ? VTD_IOTLB_DOMAIN : VTD_IOTLB_PAGE, NS2,
				       cases[k].at_table ? tbl_gpa : GPA_BASE, 0, cases[k].ih);
		submit(&fx, qw);
		qwait(&fx);
		UNIT_EQ_HEXC(name, st->invalidations - inv0, cases[k].dropped);
		/* the re-walk: 4 first-level reads (the FL PWC of the DID went),
		 * the output through the second level, and a second-level walk
		 * for each table page no longer in the nested TLB */
		expect_xlate(&fx, name, &r, pa(NS2, 0, 1), IOMMU_SRC_WALK, &resp);
		for (unsigned l = 1; l <= 4; l++)
			UNIT_EQ_HEXC(name, resp.refs.fl[l], 1);
		sl_reads = 0;
		for (unsigned l = 1; l <= 4; l++)
			sl_reads += resp.refs.sl[l];
		if (cases[k].piotlb)
			UNIT_EQ_HEXC(name, sl_reads, 1); /* tables: nested TLB; data: PWC L2 */
		else if (cases[k].dsi)
			UNIT_EQ_HEXC(name, sl_reads, 5 * 4); /* everything cold */
		else if (cases[k].at_table && cases[k].ih)
			UNIT_EQ_HEXC(name, sl_reads, 1 + 1); /* table, data: PWC L2 kept */
		else if (cases[k].at_table)
			UNIT_EQ_HEXC(name, sl_reads, 4 + 1); /* table: cold; data: PWC L2 */
		else
			UNIT_EQ_HEXC(name, sl_reads, 4); /* data page in range: cold */
		unit_fx_fini(&fx);
	}
}

/* --- context cache ------------------------------------------------------- */

/* SIDs for the function mask: 0x2140 (dev 8 fn 0), fn 1, fn 4, dev 9. */
static const uint16_t cc_sids[4] = {0x2140, 0x2141, 0x2144, 0x2148};

static bool cc_world(struct unit_fx *fx)
{
	bool ok = fx_caches(fx, NULL);

	if (!ok)
		return false;
	ok &= UNIT_EQ_HEX(vtd_builder_domain(fx->b, SL_DOM, VTD_STAGE_S2, 4, -1), 0);
	ok &= UNIT_EQ_HEX(
		vtd_builder_map_page(fx->b, SL_DOM, SL_IOVA, pa(SL_DOM, 0, 0), SZ_4K, RW, true), 0);
	for (unsigned i = 0; i < 4; i++)
		ok &= UNIT_EQ_HEX(unit_attach(fx, cc_sids[i], false, 0, VTD_PGTT_SL, -1, SL_DOM),
				  0);
	if (!ok)
		unit_fx_fini(fx);
	return ok;
}

/* Fill the context cache for each SID, clear P in every context entry,
 * invalidate: a dropped entry faults 0x41, a kept one still translates. */
static void cc_case(const char *name, unsigned g, uint16_t sid, unsigned fm, unsigned dropped)
{
	struct unit_fx fx;
	uint64_t qw[4];

	if (!cc_world(&fx))
		return;
	for (unsigned i = 0; i < 4; i++) {
		struct iommu_req r = unit_req(cc_sids[i], SL_IOVA, IOMMU_ACC_READ);
		uint64_t ce_pa;

		expect_xlate(&fx, name, &r, pa(SL_DOM, 0, 0), i ? IOMMU_SRC_IOTLB : IOMMU_SRC_WALK,
			     NULL);
		if (UNIT_EQ_HEXC(name, vtd_builder_context_pa(fx.b, cc_sids[i], &ce_pa), 0))
			unit_modify64(&fx, ce_pa, VTD_CE0_P, 0);
	}
	if (g) {
		vtd_desc_cc(qw, g, 0x77, sid, fm);
		submit(&fx, qw);
	}
	qwait(&fx);
	for (unsigned i = 0; i < 4; i++) {
		struct iommu_req r = unit_req(cc_sids[i], SL_IOVA, IOMMU_ACC_READ);
		char ctx[96];

		snprintf(ctx, sizeof(ctx), "%s: SID 0x%x", name, cc_sids[i]);
		if (dropped >> i & 1)
			UNIT_EXPECT_FAULT(&fx, &r, VTD_FR_CTX_NOT_PRESENT, ctx, NULL);
		else
			expect_xlate(&fx, ctx, &r, pa(SL_DOM, 0, 0), IOMMU_SRC_IOTLB, NULL);
	}
	unit_fx_fini(&fx);
}

static void test_inval_cc(void)
{
	cc_case("no CC invalidation", 0, 0, 0, 0x0);
	cc_case("CC global", VTD_CC_GLOBAL, 0, 0, 0xF);
	cc_case("CC domain (all: SM context entries have no DID)", VTD_CC_DOMAIN, 0, 0, 0xF);
	cc_case("CC device 0x2140", VTD_CC_DEVICE, 0x2140, 0, 0x1);
	cc_case("CC device 0x2141", VTD_CC_DEVICE, 0x2141, 0, 0x2);
	cc_case("CC device 0x2140 FM 1 (bit 2)", VTD_CC_DEVICE, 0x2140, 1, 0x5);
	cc_case("CC device 0x2140 FM 2 (bits 2:1)", VTD_CC_DEVICE, 0x2140, 2, 0x5);
	cc_case("CC device 0x2142 FM 2 (bits 2:1)", VTD_CC_DEVICE, 0x2142, 2, 0x5);
	cc_case("CC device 0x2143 FM 2 (bits 2:1)", VTD_CC_DEVICE, 0x2143, 2, 0x2);
	cc_case("CC device 0x2147 FM 3 (bits 2:0)", VTD_CC_DEVICE, 0x2147, 3, 0x7);
	cc_case("CC device 0x2149", VTD_CC_DEVICE, 0x2149, 0, 0x0);
	cc_case("CC device 0x2149 FM 3", VTD_CC_DEVICE, 0x2149, 3, 0x8);
}

/* PASIDE is read from the context entry: clearing it takes effect for a
 * cached entry only after a context-cache invalidation, and so does
 * setting it. */
static void test_inval_cc_paside(void)
{
	struct vtd_builder_config bc;
	struct unit_fx fx;
	struct iommu_req r = unit_req_pasid(SID_A, P1, false, FL_IOVA, IOMMU_ACC_READ);
	struct iommu_req r0 = unit_req(SID_A, SL_IOVA, IOMMU_ACC_READ);
	uint64_t qw[4], ce_pa;

	/* PASIDE 1 → 0 */
	if (!world_init(&fx))
		return;
	expect_xlate(&fx, "PASIDE 1", &r, pa(FL_DOM, 0, 0), IOMMU_SRC_WALK, NULL);
	if (UNIT_EQ_HEX(vtd_builder_context_pa(fx.b, SID_A, &ce_pa), 0))
		unit_modify64(&fx, ce_pa, VTD_CE0_PASIDE, 0);
	/* an IOTLB / PASID-cache flush does not reach the context cache */
	vtd_desc_piotlb(qw, VTD_PIOTLB_ALL, FL_DOM, P1, 0, 0, false);
	submit(&fx, qw);
	vtd_desc_pc(qw, VTD_PC_ALL, 0, 0);
	submit(&fx, qw);
	qwait(&fx);
	expect_xlate(&fx, "PASIDE cleared, context cached", &r, pa(FL_DOM, 0, 0), IOMMU_SRC_WALK,
		     NULL);
	vtd_desc_cc(qw, VTD_CC_DEVICE, 0, SID_A, 0);
	submit(&fx, qw);
	qwait(&fx);
	UNIT_EXPECT_FAULT(&fx, &r, VTD_FR_CTX_PASIDE_CLEAR, "PASIDE cleared, CC done", NULL);
	/* requests without PASID are unaffected */
	expect_xlate(&fx, "no PASID", &r0, pa(SL_DOM, 0, 0), IOMMU_SRC_WALK, NULL);
	unit_fx_fini(&fx);

	/* PASIDE 0 → 1 by a driver that does not flush (flush_on_attach off) */
	vtd_builder_config_default(&bc);
	bc.flush_on_attach = false;
	if (!fx_caches(&fx, &bc))
		return;
	if (!UNIT_EQ_HEX(vtd_builder_domain(fx.b, SL_DOM, VTD_STAGE_S2, 4, -1), 0) ||
	    !UNIT_EQ_HEX(vtd_builder_domain(fx.b, FL_DOM, VTD_STAGE_S1, 4, -1), 0) ||
	    !UNIT_EQ_HEX(unit_attach(&fx, SID_A, false, 0, VTD_PGTT_SL, -1, SL_DOM), 0) ||
	    !UNIT_EQ_HEX(
		    vtd_builder_map_page(fx.b, SL_DOM, SL_IOVA, pa(SL_DOM, 0, 0), SZ_4K, RW, true),
		    0) ||
	    !UNIT_EQ_HEX(
		    vtd_builder_map_page(fx.b, FL_DOM, FL_IOVA, pa(FL_DOM, 0, 0), SZ_4K, RW, true),
		    0)) {
		unit_fx_fini(&fx);
		return;
	}
	expect_xlate(&fx, "RID_PASID", &r0, pa(SL_DOM, 0, 0), IOMMU_SRC_WALK, NULL);
	UNIT_EQ_HEX(unit_attach(&fx, SID_A, true, P1, VTD_PGTT_FL, FL_DOM, -1), 0);
	if (UNIT_EQ_HEX(vtd_builder_context_pa(fx.b, SID_A, &ce_pa), 0))
		UNIT_EQ_HEX(unit_peek64(&fx, ce_pa) & VTD_CE0_PASIDE, VTD_CE0_PASIDE);
	UNIT_EXPECT_FAULT(&fx, &r, VTD_FR_CTX_PASIDE_CLEAR, "PASIDE set, stale context", NULL);
	vtd_desc_cc(qw, VTD_CC_DEVICE, 0, SID_A, 0);
	submit(&fx, qw);
	qwait(&fx);
	expect_xlate(&fx, "PASIDE set, CC done", &r, pa(FL_DOM, 0, 0), IOMMU_SRC_WALK, NULL);
	unit_fx_fini(&fx);
}

/* --- PASID cache --------------------------------------------------------- */

/* (SID, PASID) entries: SID_A/0x10, SID_A/0x11 and SID_B/0x10 in FL_DOM
 * (DID 11), SID_A/0x12 in FL_DOM2 (DID 12). */
static const struct {
	uint16_t sid;
	uint32_t pasid;
	unsigned dom;
} pc_ents[4] = {
	{SID_A, 0x10, FL_DOM},
	{SID_A, 0x11, FL_DOM},
	{SID_B, 0x10, FL_DOM},
	{SID_A, 0x12, FL_DOM2},
};

static bool pc_world(struct unit_fx *fx)
{
	bool ok = fx_caches(fx, NULL);

	if (!ok)
		return false;
	ok &= UNIT_EQ_HEX(vtd_builder_domain(fx->b, FL_DOM, VTD_STAGE_S1, 4, -1), 0);
	ok &= UNIT_EQ_HEX(vtd_builder_domain(fx->b, FL_DOM2, VTD_STAGE_S1, 4, -1), 0);
	ok &= UNIT_EQ_HEX(
		vtd_builder_map_page(fx->b, FL_DOM, FL_IOVA, pa(FL_DOM, 0, 0), SZ_4K, RW, true), 0);
	ok &= UNIT_EQ_HEX(
		vtd_builder_map_page(fx->b, FL_DOM2, FL_IOVA, pa(FL_DOM2, 0, 0), SZ_4K, RW, true),
		0);
	for (unsigned i = 0; i < 4; i++)
		ok &= UNIT_EQ_HEX(unit_attach(fx, pc_ents[i].sid, true, pc_ents[i].pasid,
					      VTD_PGTT_FL, (int)pc_ents[i].dom, -1),
				  0);
	if (!ok)
		unit_fx_fini(fx);
	return ok;
}

static void pc_case(const char *name, bool inv, unsigned g, uint16_t did, uint32_t pasid,
		    unsigned dropped)
{
	struct unit_fx fx;
	uint64_t qw[4];

	if (!pc_world(&fx))
		return;
	for (unsigned i = 0; i < 4; i++) {
		struct iommu_req r =
			unit_req_pasid(pc_ents[i].sid, pc_ents[i].pasid, false, FL_IOVA, 0);
		uint64_t pe_pa;

		/* the IOTLB is tagged (DID, PASID), not by SID: SID_B/0x10 hits
		 * what SID_A/0x10 filled */
		expect_xlate(&fx, name, &r, pa(pc_ents[i].dom, 0, 0),
			     i == 2 ? IOMMU_SRC_IOTLB : IOMMU_SRC_WALK, NULL);
		if (UNIT_EQ_HEXC(name,
				 vtd_builder_pasid_entry_pa(fx.b, pc_ents[i].sid, pc_ents[i].pasid,
							    &pe_pa),
				 0))
			unit_modify64(&fx, pe_pa, VTD_PE0_P, 0);
	}
	if (inv) {
		vtd_desc_pc(qw, g, did, pasid);
		submit(&fx, qw);
	}
	qwait(&fx);
	for (unsigned i = 0; i < 4; i++) {
		struct iommu_req r =
			unit_req_pasid(pc_ents[i].sid, pc_ents[i].pasid, false, FL_IOVA, 0);
		char ctx[96];

		snprintf(ctx, sizeof(ctx), "%s: SID 0x%x PASID 0x%x", name, pc_ents[i].sid,
			 pc_ents[i].pasid);
		if (dropped >> i & 1)
			UNIT_EXPECT_FAULT(&fx, &r, VTD_FR_PTE_NOT_PRESENT, ctx, NULL);
		else
			expect_xlate(&fx, ctx, &r, pa(pc_ents[i].dom, 0, 0), IOMMU_SRC_IOTLB, NULL);
	}
	unit_fx_fini(&fx);
}

static void test_inval_pc(void)
{
	pc_case("no PC invalidation", false, 0, 0, 0, 0x0);
	pc_case("PC G0 DID 11", true, VTD_PC_DID, FL_DOM, 0, 0x7);
	pc_case("PC G0 DID 12", true, VTD_PC_DID, FL_DOM2, 0, 0x8);
	pc_case("PC G1 DID 11 PASID 0x10 (both SIDs)", true, VTD_PC_PASID_SEL, FL_DOM, 0x10, 0x5);
	pc_case("PC G1 DID 11 PASID 0x11", true, VTD_PC_PASID_SEL, FL_DOM, 0x11, 0x2);
	pc_case("PC G1 DID 12 PASID 0x10 (DID mismatch)", true, VTD_PC_PASID_SEL, FL_DOM2, 0x10,
		0x0);
	pc_case("PC G3 all", true, VTD_PC_ALL, 0, 0, 0xF);
}

/* A PASID entry re-pointed at another domain (FLPTPTR and DID): the
 * cached entry keeps translating through the old domain, even after its
 * IOTLB entries are gone, until the PASID cache is invalidated. */
static void test_inval_pc_entry_change(void)
{
	struct unit_fx fx;
	struct iommu_req r = unit_req_pasid(SID_A, 0x10, false, FL_IOVA, IOMMU_ACC_READ);
	struct iommu_resp resp;
	uint64_t pe_pa, qw[4];

	if (!pc_world(&fx))
		return;
	expect_xlate(&fx, "before", &r, pa(FL_DOM, 0, 0), IOMMU_SRC_WALK, NULL);
	if (!UNIT_EQ_HEX(vtd_builder_pasid_entry_pa(fx.b, SID_A, 0x10, &pe_pa), 0)) {
		unit_fx_fini(&fx);
		return;
	}
	unit_modify64(&fx, pe_pa + 16, VTD_PE2_FLPTPTR, vtd_builder_domain_root(fx.b, FL_DOM2));
	unit_modify64(&fx, pe_pa + 8, VTD_PE1_DID, FL_DOM2);
	vtd_desc_piotlb(qw, VTD_PIOTLB_ALL, FL_DOM, 0x10, 0, 0, false);
	submit(&fx, qw);
	qwait(&fx);
	expect_xlate(&fx, "P_IOTLB only", &r, pa(FL_DOM, 0, 0), IOMMU_SRC_WALK, &resp);
	UNIT_EQ_HEX(resp.did, FL_DOM);
	vtd_desc_pc(qw, VTD_PC_PASID_SEL, FL_DOM, 0x10);
	submit(&fx, qw);
	qwait(&fx);
	expect_xlate(&fx, "PC done", &r, pa(FL_DOM2, 0, 0), IOMMU_SRC_WALK, &resp);
	UNIT_EQ_HEX(resp.did, FL_DOM2);
	unit_fx_fini(&fx);
}

void unit_register(void)
{
	static const struct unit_test iotlb_tests[] = {
		{"fill and hit", test_iotlb_fill_hit},
		{"tagged by DID and PASID", test_iotlb_tags},
		{"2 MiB entry", test_iotlb_large},
		{"nested: 24 reads cold, 0 warm", test_iotlb_nested},
		{"faults are not cached", test_iotlb_no_negative},
		{"write after read sets D", test_iotlb_dirty},
		{NULL, NULL},
	};
	static const struct unit_test inval_tests[] = {
		{"wait only", test_inval_none},
		{"IOTLB global", test_inval_iotlb_global},
		{"IOTLB domain-selective", test_inval_iotlb_domain},
		{"IOTLB page-selective range edges", test_inval_iotlb_psi},
		{"IOTLB PSI drops first-level class", test_inval_iotlb_psi_fl_class},
		{"P_IOTLB DID+PASID", test_inval_piotlb},
		{"P_IOTLB page-selective", test_inval_piotlb_psi},
		{"CC/PC keep the IOTLB", test_inval_cc_pc_keep_iotlb},
		{"no lookup after a fetch", test_inval_cc_no_lookup_after_fetch},
		{"IH keeps paging-structure caches", test_inval_ih},
		{"first-level PWC", test_inval_fl_pwc},
		{"second-level PWC range", test_inval_sl_pwc_range},
		{"nested TLB", test_inval_nested_tlb},
		{"context cache granularity and FM", test_inval_cc},
		{"context cache: PASIDE change", test_inval_cc_paside},
		{"PASID cache granularity", test_inval_pc},
		{"PASID cache: entry change", test_inval_pc_entry_change},
		{NULL, NULL},
	};

	unit_add_suite("iotlb", iotlb_tests);
	unit_add_suite("inval", inval_tests);
}
