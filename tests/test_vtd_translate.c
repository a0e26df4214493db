/*
 * Tests of src/vtd/translate.c, fl.c, sl.c and walk.c: the translation
 * matrix and every paging fault.
 *
 * MATRIX: translation type {first-level 4/5-level, second-level 3/4/5-level,
 * nested 4/4, 5/5, 4/3, pass-through} x page size {4K, 2M, 1G} x page
 * permissions {RWX user, RX supervisor, RW user} x access {read, write,
 * execute, supervisor read, supervisor write, user read with PASID}. The
 * expected outcome, hpa = pa + (addr - iova), page size, permissions and
 * reference counts are computed here from what the test mapped.
 */
#include "unit.h"

#include <stdio.h>
#include <string.h>

#define SID      0x2140
#define PASID    0x5A5u
#define FL_DOM   11
#define SL_DOM   22
#define PT_DID   7
#define PA_BASE  0x234540000000ull /* 1 GiB aligned, below 2^46 */
#define GPA_BASE 0x4140000000ull   /* 1 GiB aligned, below 2^39 - 1 GiB */

#define SZ_4K 0x1000ull
#define SZ_2M 0x200000ull
#define SZ_1G 0x40000000ull

enum tclass { T_FL, T_SL, T_NESTED, T_PT };

struct ttype {
	const char *name;
	enum tclass cls;
	unsigned fl_levels, sl_levels;
	uint64_t iova; /* 1 GiB aligned; room for 8 GiB above */
};

static const struct ttype ttypes[] = {
	{"FL4", T_FL, 4, 0, 0x7F12C0000000ull},
	{"FL5", T_FL, 5, 0, 0x00AB7F12C0000000ull},
	{"SL3", T_SL, 0, 3, 0x5AC0000000ull},
	{"SL4", T_SL, 0, 4, 0x7F12C0000000ull},
	{"SL5", T_SL, 0, 5, 0x01AB7F12C0000000ull},
	{"N4/4", T_NESTED, 4, 4, 0x7F12C0000000ull},
	{"N5/5", T_NESTED, 5, 5, 0x00AB7F12C0000000ull},
	{"N4/3", T_NESTED, 4, 3, 0x7F12C0000000ull},
	{"PT", T_PT, 0, 0, 0x12C0000000ull},
};
#define N_TTYPES (sizeof(ttypes) / sizeof(ttypes[0]))
enum { FL4, FL5, SL3, SL4, SL5, N44, N55, N43, PT };

static const uint64_t sizes[] = {SZ_4K, SZ_2M, SZ_1G};

static unsigned size_level(uint64_t size)
{
	return size == SZ_4K ? 1 : size == SZ_2M ? 2 : 3;
}

static const char *size_name(uint64_t size)
{
	return size == SZ_4K ? "4K" : size == SZ_2M ? "2M" : "1G";
}

/* Domains for the type and two attachments of SID: without PASID and with
 * PASID. */
static bool stack_build(struct unit_fx *fx, const struct ttype *t, bool wpe, bool nxe)
{
	struct vtd_attach a;
	bool ok = true;

	if (t->cls == T_SL || t->cls == T_NESTED)
		ok &= UNIT_EQ_HEX(vtd_builder_domain(fx->b, SL_DOM, VTD_STAGE_S2, t->sl_levels, -1),
				  0);
	if (t->cls == T_FL || t->cls == T_NESTED)
		ok &= UNIT_EQ_HEX(vtd_builder_domain(fx->b, FL_DOM, VTD_STAGE_S1, t->fl_levels,
						     t->cls == T_NESTED ? SL_DOM : -1),
				  0);
	if (!ok)
		return false;
	for (unsigned i = 0; i < 2; i++) {
		int rc;

		vtd_attach_init(&a, SID,
				t->cls == T_FL   ? VTD_PGTT_FL
				: t->cls == T_SL ? VTD_PGTT_SL
				: t->cls == T_PT ? VTD_PGTT_PT
						 : VTD_PGTT_NESTED);
		a.has_pasid = i == 1;
		a.pasid = PASID;
		a.s1 = t->cls == T_FL || t->cls == T_NESTED ? FL_DOM : -1;
		a.s2 = t->cls == T_SL || t->cls == T_NESTED ? SL_DOM : -1;
		a.did = PT_DID;
		a.sre = true;
		a.ere = true;
		a.wpe = wpe;
		a.nxe = nxe;
		rc = vtd_builder_attach(fx->b, &a);
		if (!UNIT_EQ_HEXC(t->name, rc, 0)) {
			fprintf(stderr, "attach: %s\n", vtd_builder_error(fx->b));
			return false;
		}
	}
	return true;
}

/* Map one page of the type: iova -> pa (nested: iova -> gpa -> pa, the
 * second level with RWX). */
static bool stack_map(struct unit_fx *fx, const struct ttype *t, uint64_t iova, uint64_t gpa,
		      uint64_t pa, uint64_t size, unsigned perm, bool user)
{
	int rc = 0;

	switch (t->cls) {
	case T_FL: rc = vtd_builder_map_page(fx->b, FL_DOM, iova, pa, size, perm, user); break;
	case T_SL: rc = vtd_builder_map_page(fx->b, SL_DOM, iova, pa, size, perm, user); break;
	case T_NESTED:
		rc = vtd_builder_map_page(fx->b, FL_DOM, iova, gpa, size, perm, user);
		if (!rc)
			rc = vtd_builder_map_page(fx->b, SL_DOM, gpa, pa, size,
						  IOMMU_PERM_R | IOMMU_PERM_W | IOMMU_PERM_X,
						  false);
		break;
	case T_PT: break;
	}
	if (!UNIT_EQ_HEXC(t->name, rc, 0)) {
		fprintf(stderr, "map: %s\n", vtd_builder_error(fx->b));
		return false;
	}
	return true;
}

static bool fx_init_ad(struct unit_fx *fx, const struct iommu_config *cfg, bool preset_ad,
		       bool sl_ad)
{
	struct vtd_builder_config bc;

	vtd_builder_config_default(&bc);
	bc.preset_ad = preset_ad;
	bc.sl_ad = sl_ad;
	return unit_fx_init(fx, cfg, &bc);
}

/* Fixture + type + one RWX user page of size at the type's IOVA. */
static bool simple_init(struct unit_fx *fx, const struct ttype *t, uint64_t size, unsigned perm,
			bool user)
{
	if (!fx_init_ad(fx, NULL, true, false))
		return false;
	if (!stack_build(fx, t, true, true) ||
	    !stack_map(fx, t, t->iova, GPA_BASE, PA_BASE, size, perm, user)) {
		unit_fx_fini(fx);
		return false;
	}
	return true;
}

/* --- the matrix -------------------------------------------------------- */

struct page {
	const char *name;
	unsigned perm;
	bool user;
	unsigned pa_slot; /* pa = PA_BASE + pa_slot * size */
};

static const struct page pages[] = {
	{"A(RWX,user)", IOMMU_PERM_R | IOMMU_PERM_W | IOMMU_PERM_X, true, 2},
	{"B(RX,super)", IOMMU_PERM_R | IOMMU_PERM_X, false, 0},
	{"C(RW,user)", IOMMU_PERM_R | IOMMU_PERM_W, true, 5},
};

struct access {
	const char *name;
	bool pasid, priv;
	enum iommu_access acc;
};

static const struct access accesses[] = {
	{"read", false, false, IOMMU_ACC_READ},
	{"write", false, false, IOMMU_ACC_WRITE},
	{"exec", true, false, IOMMU_ACC_EXEC},
	{"super-read", true, true, IOMMU_ACC_READ},
	{"super-write", true, true, IOMMU_ACC_WRITE},
	{"user-read+PASID", true, false, IOMMU_ACC_READ},
};

/* docs/model.md, first-level permission rules (NXE = 1, WPE = 1). */
static unsigned fl_check(const struct page *p, const struct access *a)
{
	if (!a->priv && !p->user)
		return VTD_FR_US_CLEAR;
	if (a->acc == IOMMU_ACC_WRITE && !(p->perm & IOMMU_PERM_W))
		return VTD_FR_NO_WRITE; /* WPE = 1: supervisor writes too */
	if (a->acc == IOMMU_ACC_EXEC && !(p->perm & IOMMU_PERM_X))
		return VTD_FR_NO_EXEC;
	return VTD_FR_NONE;
}

/* Second-level rules; X counts only with SSEE = 1. */
static unsigned sl_check(unsigned perm, const struct access *a, bool ssee)
{
	if (a->acc != IOMMU_ACC_WRITE && !(perm & IOMMU_PERM_R))
		return VTD_FR_NO_READ;
	if (a->acc == IOMMU_ACC_WRITE && !(perm & IOMMU_PERM_W))
		return VTD_FR_NO_WRITE;
	if (a->acc == IOMMU_ACC_EXEC && ssee && !(perm & IOMMU_PERM_X))
		return VTD_FR_NO_EXEC;
	return VTD_FR_NONE;
}

static unsigned expected_fault(const struct ttype *t, const struct page *p, const struct access *a,
			       bool ssee)
{
	switch (t->cls) {
	case T_FL: return fl_check(p, a);
	case T_SL: return sl_check(p->perm, a, ssee);
	case T_NESTED: {
		unsigned fr = fl_check(p, a);

		return fr ? fr : sl_check(IOMMU_PERM_R | IOMMU_PERM_W | IOMMU_PERM_X, a, ssee);
	}
	case T_PT: break;
	}
	return VTD_FR_NONE;
}

static void check_refs(const struct ttype *t, uint64_t size, const struct iommu_resp *resp,
		       const char *ctx)
{
	unsigned lvl = size_level(size);
	const struct iommu_refs *r = &resp->refs;

	UNIT_EQ_HEXC(ctx, r->root, 1);
	UNIT_EQ_HEXC(ctx, r->context, 1);
	UNIT_EQ_HEXC(ctx, r->pasid_dir, 1);
	UNIT_EQ_HEXC(ctx, r->pasid_entry, 1);
	UNIT_EQ_HEXC(ctx, r->ad_writes, 0);
	for (unsigned l = 1; l <= IOMMU_MAX_LEVELS; l++) {
		unsigned fl = 0, sl = 0;

		switch (t->cls) {
		case T_FL: fl = l >= lvl && l <= t->fl_levels; break;
		case T_SL: sl = l >= lvl && l <= t->sl_levels; break;
		case T_NESTED:
			/* Each first-level table read (levels fl_levels..lvl) is
			 * preceded by a full second-level walk of its 4 KiB
			 * table page; then the output GPA walks down to lvl. */
			fl = l >= lvl && l <= t->fl_levels;
			sl = l <= t->sl_levels ? (t->fl_levels - lvl + 1) + (l >= lvl) : 0;
			break;
		case T_PT: break;
		}
		UNIT_EQ_HEXC(ctx, r->fl[l], fl);
		UNIT_EQ_HEXC(ctx, r->sl[l], sl);
	}
}

static void matrix_case(const struct ttype *t, uint64_t size)
{
	struct unit_fx fx;
	uint64_t ce, pe[2];
	uint32_t rid_pasid;
	bool ssee[2]; /* SSEE of the entry used without / with PASID */
	char ctx[96];

	if (!fx_init_ad(&fx, NULL, true, false))
		return;
	if (!stack_build(&fx, t, true, true))
		goto out;
	for (unsigned k = 0; k < 3; k++)
		if (!stack_map(&fx, t, t->iova + k * size, GPA_BASE + k * size,
			       PA_BASE + pages[k].pa_slot * size, size, pages[k].perm,
			       pages[k].user))
			goto out;
	if (!UNIT_EQ_HEX(vtd_builder_context_pa(fx.b, SID, &ce), 0))
		goto out;
	rid_pasid = (uint32_t)FIELD_GET64(VTD_CE1_RID_PASID, unit_peek64(&fx, ce + 8));
	if (!UNIT_EQ_HEX(vtd_builder_pasid_entry_pa(fx.b, SID, rid_pasid, &pe[0]), 0) ||
	    !UNIT_EQ_HEX(vtd_builder_pasid_entry_pa(fx.b, SID, PASID, &pe[1]), 0))
		goto out;
	for (unsigned i = 0; i < 2; i++)
		ssee[i] = unit_peek64(&fx, pe[i]) & VTD_PE0_SSEE;

	for (unsigned k = 0; k < 3; k++) {
		const struct page *p = &pages[k];
		uint64_t iova = t->iova + k * size;
		uint64_t addr = iova + size / 2 + 0x5A8;
		uint64_t pa = PA_BASE + p->pa_slot * size;

		for (unsigned j = 0; j < sizeof(accesses) / sizeof(accesses[0]); j++) {
			const struct access *a = &accesses[j];
			struct iommu_req rq =
				a->pasid ? unit_req_pasid(SID, PASID, a->priv, addr, a->acc)
					 : unit_req(SID, addr, a->acc);
			unsigned fr = expected_fault(t, p, a, ssee[a->pasid]);
			struct iommu_resp resp;

			snprintf(ctx, sizeof(ctx), "%s %s page %s %s", t->name, size_name(size),
				 p->name, a->name);
			if (fr) {
				UNIT_EXPECT_FAULT(&fx, &rq, fr, ctx, NULL);
				continue;
			}
			if (t->cls == T_PT) {
				if (UNIT_EXPECT_HPA(&fx, &rq, addr, ctx, &resp)) {
					UNIT_EQ_HEXC(ctx, resp.did, PT_DID);
					check_refs(t, size, &resp, ctx);
				}
				continue;
			}
			if (!UNIT_EXPECT_HPA(&fx, &rq, pa + (addr - iova), ctx, &resp))
				continue;
			UNIT_EQ_HEXC(ctx, resp.page_size, size);
			UNIT_EQ_HEXC(ctx, resp.pasid, a->pasid ? PASID : rid_pasid);
			switch (t->cls) {
			case T_FL:
				UNIT_EQ_HEXC(ctx, resp.did, FL_DOM);
				UNIT_EQ_HEXC(ctx,
					     resp.perm & (IOMMU_PERM_R | IOMMU_PERM_W |
							  IOMMU_PERM_X | IOMMU_PERM_U),
					     p->perm | (p->user ? IOMMU_PERM_U : 0));
				break;
			case T_SL:
				UNIT_EQ_HEXC(ctx, resp.did, SL_DOM);
				UNIT_EQ_HEXC(ctx, resp.perm & (IOMMU_PERM_R | IOMMU_PERM_W),
					     p->perm & (IOMMU_PERM_R | IOMMU_PERM_W));
				break;
			default:
				UNIT_EQ_HEXC(ctx, resp.perm & (IOMMU_PERM_R | IOMMU_PERM_W),
					     p->perm & (IOMMU_PERM_R | IOMMU_PERM_W));
				break;
			}
			check_refs(t, size, &resp, ctx);
		}
	}
	UNIT_EQ_HEX(iommu_stats(fx.mmu)->refs.ad_writes, 0);
out:
	unit_fx_fini(&fx);
}

static void test_matrix(void)
{
	for (unsigned i = 0; i < N_TTYPES; i++)
		for (unsigned s = 0; s < 3; s++)
			matrix_case(&ttypes[i], sizes[s]);
}

/* A few addresses at the edges of the pages: first and last byte. */
static void test_page_edges(void)
{
	for (unsigned i = 0; i < N_TTYPES; i++) {
		const struct ttype *t = &ttypes[i];

		if (t->cls == T_PT)
			continue;
		for (unsigned s = 0; s < 3; s++) {
			struct unit_fx fx;
			uint64_t size = sizes[s];
			char ctx[64];

			if (!simple_init(&fx, t, size, IOMMU_PERM_R | IOMMU_PERM_W, true))
				continue;
			snprintf(ctx, sizeof(ctx), "%s %s", t->name, size_name(size));
			{
				struct iommu_req first = unit_req(SID, t->iova, IOMMU_ACC_READ);
				struct iommu_req last =
					unit_req(SID, t->iova + size - 1, IOMMU_ACC_WRITE);
				struct iommu_req after =
					unit_req(SID, t->iova + size, IOMMU_ACC_READ);
				struct iommu_req before =
					unit_req(SID, t->iova - 1, IOMMU_ACC_READ);
				unsigned np =
					t->cls == T_SL ? VTD_FR_SL_PERM : VTD_FR_FL_NOT_PRESENT;

				UNIT_EXPECT_HPA(&fx, &first, PA_BASE, ctx, NULL);
				UNIT_EXPECT_HPA(&fx, &last, PA_BASE + size - 1, ctx, NULL);
				UNIT_EXPECT_FAULT(&fx, &after, np, ctx, NULL);
				UNIT_EXPECT_FAULT(&fx, &before, np, ctx, NULL);
			}
			unit_fx_fini(&fx);
		}
	}
}

/* Requests no PCIe transaction could carry are refused up front
 * (-IOMMU_EINVAL): no translation, no fault, not counted, no memory read;
 * a probe takes untranslated requests only. */
static void test_malformed(void)
{
	const struct ttype *t = &ttypes[FL4];
	struct iommu_req ok = unit_req_pasid(SID, PASID, true, t->iova, IOMMU_ACC_EXEC);
	struct iommu_req bad[5];
	struct iommu_resp resp;
	struct unit_fx fx;
	uint64_t requests;
	unsigned reads;

	if (!simple_init(&fx, t, SZ_4K, IOMMU_PERM_R | IOMMU_PERM_X, false))
		return;
	for (unsigned i = 0; i < 5; i++)
		bad[i] = ok;
	bad[0].access = (enum iommu_access)3;            /* no such access */
	bad[1].pasid = 0x100000;                         /* PASID over 20 bits */
	bad[2].pasid_valid = false;                      /* privileged without PASID */
	bad[3].pasid_valid = false, bad[3].priv = false; /* execute without PASID */
	bad[4].at = IOMMU_AT_TRANSLATED;                 /* a probe of a translated address */
	UNIT_EXPECT_HPA(&fx, &ok, PA_BASE, "well-formed", NULL);
	requests = iommu_stats(fx.mmu)->requests;
	reads = fx.um.reads;
	for (unsigned i = 0; i < 5; i++) {
		char ctx[32];

		snprintf(ctx, sizeof(ctx), "malformed %u", i);
		if (i < 4)
			UNIT_EQ_HEXC(ctx, iommu_translate(fx.mmu, &bad[i], &resp),
				     (uint64_t)-IOMMU_EINVAL);
		UNIT_EQ_HEXC(ctx, iommu_probe(fx.mmu, &bad[i], &resp), (uint64_t)-IOMMU_EINVAL);
		UNIT_EQ_HEXC(ctx, resp.ok, false);
	}
	UNIT_EQ_HEX(iommu_stats(fx.mmu)->requests, requests);
	UNIT_EQ_HEX(iommu_stats(fx.mmu)->faults, 0);
	UNIT_EQ_HEX(fx.um.reads, reads);
	UNIT_EQ_HEX(iommu_reg_read(fx.mmu, VTD_REG_FSTS, 4), 0);
	unit_fx_fini(&fx);
}

/* --- faults ------------------------------------------------------------ */

/* Sets/clears bits of the entry at pte_pa, expects reason, restores. */
static void poke_expect(struct unit_fx *fx, uint64_t pte_pa, uint64_t clear, uint64_t set,
			const struct iommu_req *rq, unsigned reason, const char *ctx)
{
	uint64_t old = unit_modify64(fx, pte_pa, clear, set);

	UNIT_EXPECT_FAULT(fx, rq, reason, ctx, NULL);
	unit_poke64(fx, pte_pa, old);
}

/* Non-present entry at every level: 0x71 (first level), 0x79 (second). */
static void test_not_present(void)
{
	static const unsigned types[] = {FL4, FL5, SL3, SL4, SL5};

	for (unsigned i = 0; i < sizeof(types) / sizeof(types[0]); i++) {
		const struct ttype *t = &ttypes[types[i]];
		bool fl = t->cls == T_FL;
		unsigned levels = fl ? t->fl_levels : t->sl_levels;
		unsigned dom = fl ? FL_DOM : SL_DOM;

		for (unsigned s = 0; s < 3; s++) {
			struct unit_fx fx;
			struct iommu_req rq = unit_req(SID, t->iova + 0x10, IOMMU_ACC_READ);
			char ctx[64];

			if (!simple_init(&fx, t, sizes[s], IOMMU_PERM_R | IOMMU_PERM_W, true))
				continue;
			for (unsigned l = levels; l >= size_level(sizes[s]); l--) {
				uint64_t pte;

				snprintf(ctx, sizeof(ctx), "%s %s level %u not present", t->name,
					 size_name(sizes[s]), l);
				if (!UNIT_EQ_HEXC(
					    ctx,
					    unit_entry_pa(&fx, dom, levels, -1, t->iova, l, &pte),
					    0))
					continue;
				poke_expect(&fx, pte, fl ? VTD_FL_P : VTD_SL_R | VTD_SL_W, 0, &rq,
					    fl ? VTD_FR_FL_NOT_PRESENT : VTD_FR_SL_PERM, ctx);
			}
			UNIT_EXPECT_HPA(&fx, &rq, PA_BASE + 0x10, t->name, NULL);
			unit_fx_fini(&fx);
		}
	}
}

/* First-level reserved bits at every level: 0x72. */
static void test_fl_rsvd(void)
{
	for (unsigned i = FL4; i <= FL5; i++) {
		const struct ttype *t = &ttypes[i];

		for (unsigned s = 0; s < 3; s++) {
			struct unit_fx fx;
			uint64_t size = sizes[s];
			unsigned leaf = size_level(size);
			struct iommu_req rq = unit_req(SID, t->iova + 0x20, IOMMU_ACC_READ);
			char ctx[80];

			if (!simple_init(&fx, t, size, IOMMU_PERM_R | IOMMU_PERM_W | IOMMU_PERM_X,
					 true))
				continue;
			for (unsigned l = t->fl_levels; l >= leaf; l--) {
				uint64_t pte;

				if (!UNIT_EQ_HEX(unit_entry_pa(&fx, FL_DOM, t->fl_levels, -1,
							       t->iova, l, &pte),
						 0))
					continue;
				/* Address bits at or above HAW (46). */
				snprintf(ctx, sizeof(ctx), "%s %s level %u addr bit 46", t->name,
					 size_name(size), l);
				poke_expect(&fx, pte, 0, BIT64(46), &rq, VTD_FR_FL_RSVD, ctx);
				snprintf(ctx, sizeof(ctx), "%s %s level %u addr bit 51", t->name,
					 size_name(size), l);
				poke_expect(&fx, pte, 0, BIT64(51), &rq, VTD_FR_FL_RSVD, ctx);
				/* PS in a PML4E / PML5E. */
				if (l >= 4) {
					snprintf(ctx, sizeof(ctx), "%s %s level %u PS", t->name,
						 size_name(size), l);
					poke_expect(&fx, pte, 0, VTD_FL_PS, &rq, VTD_FR_FL_RSVD,
						    ctx);
				}
				/* Large-page leaf: bits [20:13] (2M) or [29:13] (1G). */
				if (l == leaf && leaf > 1) {
					unsigned hi = leaf == 2 ? 20 : 29;

					for (unsigned bit = 13; bit <= hi; bit += hi - 13) {
						snprintf(ctx, sizeof(ctx), "%s %s leaf bit %u",
							 t->name, size_name(size), bit);
						poke_expect(&fx, pte, 0, BIT64(bit), &rq,
							    VTD_FR_FL_RSVD, ctx);
					}
					/* Bit 12 is PAT in a large-page leaf: not reserved. */
					{
						uint64_t old =
							unit_modify64(&fx, pte, 0, BIT64(12));

						snprintf(ctx, sizeof(ctx), "%s %s leaf PAT",
							 t->name, size_name(size));
						UNIT_EXPECT_HPA(&fx, &rq, PA_BASE + 0x20, ctx,
								NULL);
						unit_poke64(&fx, pte, old);
					}
				}
			}
			UNIT_EXPECT_HPA(&fx, &rq, PA_BASE + 0x20, t->name, NULL);
			unit_fx_fini(&fx);
		}
	}
}

/* XD with NXE = 0 is reserved (0x72); with NXE = 1 it forbids execution at
 * any level (0x82) but not reads. */
static void test_fl_xd(void)
{
	for (unsigned nxe = 0; nxe < 2; nxe++) {
		struct unit_fx fx;
		const struct ttype *t = &ttypes[FL4];
		struct iommu_req rd =
			unit_req_pasid(SID, PASID, false, t->iova + 8, IOMMU_ACC_READ);
		struct iommu_req ex =
			unit_req_pasid(SID, PASID, false, t->iova + 8, IOMMU_ACC_EXEC);
		char ctx[48];

		if (!fx_init_ad(&fx, NULL, true, false))
			return;
		if (!stack_build(&fx, t, false, nxe) ||
		    !stack_map(&fx, t, t->iova, 0, PA_BASE, SZ_4K,
			       IOMMU_PERM_R | IOMMU_PERM_W | IOMMU_PERM_X, true)) {
			unit_fx_fini(&fx);
			return;
		}
		UNIT_EXPECT_HPA(&fx, &ex, PA_BASE + 8, "exec, no XD", NULL);
		for (unsigned l = 4; l >= 1; l--) {
			uint64_t pte, old;

			if (!UNIT_EQ_HEX(unit_entry_pa(&fx, FL_DOM, 4, -1, t->iova, l, &pte), 0))
				continue;
			old = unit_modify64(&fx, pte, 0, VTD_FL_XD);
			snprintf(ctx, sizeof(ctx), "NXE %u, XD at level %u, read", nxe, l);
			if (nxe) {
				UNIT_EXPECT_HPA(&fx, &rd, PA_BASE + 8, ctx, NULL);
				snprintf(ctx, sizeof(ctx), "NXE 1, XD at level %u, exec", l);
				UNIT_EXPECT_FAULT(&fx, &ex, VTD_FR_NO_EXEC, ctx, NULL);
			} else {
				UNIT_EXPECT_FAULT(&fx, &rd, VTD_FR_FL_RSVD, ctx, NULL);
			}
			unit_poke64(&fx, pte, old);
		}
		unit_fx_fini(&fx);
	}
}

/* PS in a PDPTE without FL1GP: 0x72. */
static void test_fl_no_1g(void)
{
	struct iommu_config c;
	struct unit_fx fx;
	const struct ttype *t = &ttypes[FL4];
	struct iommu_req rq = unit_req(SID, t->iova, IOMMU_ACC_READ);
	uint64_t pte;

	unit_config_walk(&c);
	c.fl_1g = false;
	if (!fx_init_ad(&fx, &c, true, false))
		return;
	if (stack_build(&fx, t, true, true) &&
	    stack_map(&fx, t, t->iova, 0, PA_BASE, SZ_2M, IOMMU_PERM_R, true) &&
	    UNIT_EQ_HEX(unit_entry_pa(&fx, FL_DOM, 4, -1, t->iova, 3, &pte), 0)) {
		UNIT_EXPECT_HPA(&fx, &rq, PA_BASE, "2M without FL1GP", NULL);
		poke_expect(&fx, pte, 0, VTD_FL_PS, &rq, VTD_FR_FL_RSVD, "PDPTE PS without FL1GP");
	}
	unit_fx_fini(&fx);
}

/* Second-level reserved bits at every level: 0x7A. */
static void test_sl_rsvd(void)
{
	for (unsigned i = SL3; i <= SL5; i++) {
		const struct ttype *t = &ttypes[i];

		for (unsigned s = 0; s < 3; s++) {
			struct unit_fx fx;
			uint64_t size = sizes[s];
			unsigned leaf = size_level(size);
			struct iommu_req rq = unit_req(SID, t->iova + 0x30, IOMMU_ACC_READ);
			char ctx[80];

			if (!simple_init(&fx, t, size, IOMMU_PERM_R | IOMMU_PERM_W, false))
				continue;
			for (unsigned l = t->sl_levels; l >= leaf; l--) {
				uint64_t pte;

				if (!UNIT_EQ_HEX(unit_entry_pa(&fx, SL_DOM, t->sl_levels, -1,
							       t->iova, l, &pte),
						 0))
					continue;
				snprintf(ctx, sizeof(ctx), "%s %s level %u addr bit 46", t->name,
					 size_name(size), l);
				poke_expect(&fx, pte, 0, BIT64(46), &rq, VTD_FR_SL_RSVD, ctx);
				snprintf(ctx, sizeof(ctx), "%s %s level %u addr bit 51", t->name,
					 size_name(size), l);
				poke_expect(&fx, pte, 0, BIT64(51), &rq, VTD_FR_SL_RSVD, ctx);
				snprintf(ctx, sizeof(ctx), "%s %s level %u SNP", t->name,
					 size_name(size), l);
				poke_expect(&fx, pte, 0, VTD_SL_SNP, &rq, VTD_FR_SL_RSVD, ctx);
				if (l >= 4) {
					snprintf(ctx, sizeof(ctx), "%s %s level %u PS", t->name,
						 size_name(size), l);
					poke_expect(&fx, pte, 0, VTD_SL_PS, &rq, VTD_FR_SL_RSVD,
						    ctx);
				}
				/* Large-page leaf: bits [20:12] (2M) or [29:12] (1G). */
				if (l == leaf && leaf > 1) {
					unsigned hi = leaf == 2 ? 20 : 29;

					for (unsigned bit = 12; bit <= hi; bit += hi - 12) {
						snprintf(ctx, sizeof(ctx), "%s %s leaf bit %u",
							 t->name, size_name(size), bit);
						poke_expect(&fx, pte, 0, BIT64(bit), &rq,
							    VTD_FR_SL_RSVD, ctx);
					}
				}
			}
			UNIT_EXPECT_HPA(&fx, &rq, PA_BASE + 0x30, t->name, NULL);
			unit_fx_fini(&fx);
		}
	}
}

/* PS at level 3 without SLLPS 1 GiB, at level 2 without 2 MiB: 0x7A. */
static void test_sl_no_large(void)
{
	for (unsigned which = 0; which < 2; which++) {
		struct iommu_config c;
		struct unit_fx fx;
		const struct ttype *t = &ttypes[SL4];
		struct iommu_req rq = unit_req(SID, t->iova, IOMMU_ACC_READ);
		unsigned level = which ? 3 : 2;
		uint64_t pte;

		unit_config_walk(&c);
		c.sl_1g = false;
		if (!which)
			c.sl_2m = false;
		if (!fx_init_ad(&fx, &c, true, false))
			return;
		if (stack_build(&fx, t, true, true) &&
		    stack_map(&fx, t, t->iova, 0, PA_BASE, SZ_4K, IOMMU_PERM_R, false) &&
		    UNIT_EQ_HEX(unit_entry_pa(&fx, SL_DOM, 4, -1, t->iova, level, &pte), 0)) {
			UNIT_EXPECT_HPA(&fx, &rq, PA_BASE, "4K", NULL);
			poke_expect(&fx, pte, 0, VTD_SL_PS, &rq, VTD_FR_SL_RSVD,
				    which ? "PS at level 3 without 1G"
					  : "PS at level 2 without 2M");
		}
		unit_fx_fini(&fx);
	}
}

/* First-level permission faults, and their accumulation across levels. */
static void test_fl_perm(void)
{
	const struct ttype *t = &ttypes[FL4];
	struct unit_fx fx;
	uint64_t ro = t->iova, sup = t->iova + SZ_4K, rw = t->iova + 2 * SZ_4K;
	uint64_t pte;

	if (!fx_init_ad(&fx, NULL, true, false))
		return;
	if (!stack_build(&fx, t, false, true) ||
	    !stack_map(&fx, t, ro, 0, PA_BASE, SZ_4K, IOMMU_PERM_R, true) ||
	    !stack_map(&fx, t, sup, 0, PA_BASE + SZ_4K, SZ_4K, IOMMU_PERM_R | IOMMU_PERM_W,
		       false) ||
	    !stack_map(&fx, t, rw, 0, PA_BASE + 2 * SZ_4K, SZ_4K,
		       IOMMU_PERM_R | IOMMU_PERM_W | IOMMU_PERM_X, true))
		goto out;
	{
		struct iommu_req w = unit_req(SID, ro, IOMMU_ACC_WRITE);
		struct iommu_req pw = unit_req_pasid(SID, PASID, true, ro, IOMMU_ACC_WRITE);
		struct iommu_req ur = unit_req(SID, sup, IOMMU_ACC_READ);
		struct iommu_req uw = unit_req_pasid(SID, PASID, false, sup, IOMMU_ACC_WRITE);
		struct iommu_req sr = unit_req_pasid(SID, PASID, true, sup, IOMMU_ACC_WRITE);
		struct iommu_req sx = unit_req_pasid(SID, PASID, true, rw, IOMMU_ACC_EXEC);

		UNIT_EXPECT_FAULT(&fx, &w, VTD_FR_NO_WRITE, "user write, read-only", NULL);
		UNIT_EXPECT_HPA(&fx, &pw, PA_BASE, "supervisor write, read-only, WPE 0", NULL);
		UNIT_EXPECT_FAULT(&fx, &ur, VTD_FR_US_CLEAR, "user read, supervisor page", NULL);
		UNIT_EXPECT_FAULT(&fx, &uw, VTD_FR_US_CLEAR, "user write+PASID, supervisor page",
				  NULL);
		UNIT_EXPECT_HPA(&fx, &sr, PA_BASE + SZ_4K, "supervisor write, supervisor page",
				NULL);
		/* No SMEP: a supervisor may execute a user page. */
		UNIT_EXPECT_HPA(&fx, &sx, PA_BASE + 2 * SZ_4K, "supervisor exec, user page", NULL);

		/* WPE = 1 makes the supervisor write fault. */
		{
			uint64_t pe;

			if (UNIT_EQ_HEX(vtd_builder_pasid_entry_pa(fx.b, SID, PASID, &pe), 0)) {
				uint64_t old = unit_modify64(&fx, pe + 16, 0, VTD_PE2_WPE);

				UNIT_EXPECT_FAULT(&fx, &pw, VTD_FR_NO_WRITE,
						  "supervisor write, read-only, WPE 1", NULL);
				unit_poke64(&fx, pe + 16, old);
			}
		}
	}
	/* R/W and U/S cleared at one upper level only. */
	for (unsigned l = 4; l >= 2; l--) {
		struct iommu_req w = unit_req(SID, rw, IOMMU_ACC_WRITE);
		struct iommu_req r = unit_req(SID, rw, IOMMU_ACC_READ);
		char ctx[48];

		if (!UNIT_EQ_HEX(unit_entry_pa(&fx, FL_DOM, 4, -1, rw, l, &pte), 0))
			continue;
		snprintf(ctx, sizeof(ctx), "R/W clear at level %u", l);
		poke_expect(&fx, pte, VTD_FL_RW, 0, &w, VTD_FR_NO_WRITE, ctx);
		snprintf(ctx, sizeof(ctx), "U/S clear at level %u", l);
		poke_expect(&fx, pte, VTD_FL_US, 0, &r, VTD_FR_US_CLEAR, ctx);
		/* U/S checked before R/W. */
		snprintf(ctx, sizeof(ctx), "U/S and R/W clear at level %u", l);
		poke_expect(&fx, pte, VTD_FL_US | VTD_FL_RW, 0, &w, VTD_FR_US_CLEAR, ctx);
	}
out:
	unit_fx_fini(&fx);
}

/* Second-level permission faults: write to read-only (0x85), read or
 * execute without R (0x86), execute without X when SSEE = 1 (0x82). */
static void test_sl_perm(void)
{
	const struct ttype *t = &ttypes[SL4];
	struct unit_fx fx;
	uint64_t ro = t->iova, rw = t->iova + SZ_4K, rwx = t->iova + 2 * SZ_4K;
	uint64_t pte, pe;

	if (!fx_init_ad(&fx, NULL, true, false))
		return;
	if (!stack_build(&fx, t, true, true) ||
	    !stack_map(&fx, t, ro, 0, PA_BASE, SZ_4K, IOMMU_PERM_R, false) ||
	    !stack_map(&fx, t, rw, 0, PA_BASE + SZ_4K, SZ_4K, IOMMU_PERM_R | IOMMU_PERM_W, false) ||
	    !stack_map(&fx, t, rwx, 0, PA_BASE + 2 * SZ_4K, SZ_4K,
		       IOMMU_PERM_R | IOMMU_PERM_W | IOMMU_PERM_X, false))
		goto out;
	{
		struct iommu_req w = unit_req(SID, ro, IOMMU_ACC_WRITE);
		struct iommu_req pw = unit_req_pasid(SID, PASID, true, ro, IOMMU_ACC_WRITE);
		struct iommu_req r = unit_req(SID, rw, IOMMU_ACC_READ);
		struct iommu_req x = unit_req_pasid(SID, PASID, false, rw, IOMMU_ACC_EXEC);
		struct iommu_req wr = unit_req(SID, rw, IOMMU_ACC_WRITE);

		/* Start from SSEE = 0 whatever the builder chose. */
		if (UNIT_EQ_HEX(vtd_builder_pasid_entry_pa(fx.b, SID, PASID, &pe), 0))
			unit_modify64(&fx, pe, VTD_PE0_SSEE, 0);
		UNIT_EXPECT_FAULT(&fx, &w, VTD_FR_NO_WRITE, "SL write, read-only", NULL);
		UNIT_EXPECT_FAULT(&fx, &pw, VTD_FR_NO_WRITE, "SL supervisor write, read-only",
				  NULL);
		if (UNIT_EQ_HEX(vtd_builder_leaf(fx.b, SL_DOM, rw, &pte, &(unsigned){0}), 0)) {
			uint64_t old = unit_modify64(&fx, pte, VTD_SL_R, 0); /* W only */

			UNIT_EXPECT_FAULT(&fx, &r, VTD_FR_NO_READ, "SL read, W-only leaf", NULL);
			UNIT_EXPECT_FAULT(&fx, &x, VTD_FR_NO_READ, "SL exec, W-only leaf", NULL);
			UNIT_EXPECT_HPA(&fx, &wr, PA_BASE + SZ_4K, "SL write, W-only leaf", NULL);
			unit_poke64(&fx, pte, old);
		}
		/* SSEE = 0: execute needs only R. */
		UNIT_EXPECT_HPA(&fx, &x, PA_BASE + SZ_4K, "SL exec, SSEE 0", NULL);
	}
	/* R or W cleared at one upper level only. */
	for (unsigned l = 4; l >= 2; l--) {
		struct iommu_req w = unit_req(SID, rw, IOMMU_ACC_WRITE);
		struct iommu_req r = unit_req(SID, rw, IOMMU_ACC_READ);
		char ctx[48];

		if (!UNIT_EQ_HEX(unit_entry_pa(&fx, SL_DOM, 4, -1, rw, l, &pte), 0))
			continue;
		snprintf(ctx, sizeof(ctx), "W clear at level %u", l);
		poke_expect(&fx, pte, VTD_SL_W, 0, &w, VTD_FR_NO_WRITE, ctx);
		snprintf(ctx, sizeof(ctx), "R clear at level %u", l);
		poke_expect(&fx, pte, VTD_SL_R, 0, &r, VTD_FR_NO_READ, ctx);
	}
	/* SSEE = 1: X is needed at every level. */
	if (UNIT_EQ_HEX(vtd_builder_pasid_entry_pa(fx.b, SID, PASID, &pe), 0)) {
		struct iommu_req x_rw = unit_req_pasid(SID, PASID, false, rw, IOMMU_ACC_EXEC);
		struct iommu_req x_rwx = unit_req_pasid(SID, PASID, false, rwx, IOMMU_ACC_EXEC);
		struct iommu_req r_rw = unit_req_pasid(SID, PASID, false, rw, IOMMU_ACC_READ);

		unit_modify64(&fx, pe, 0, VTD_PE0_SSEE);
		UNIT_EXPECT_FAULT(&fx, &x_rw, VTD_FR_NO_EXEC, "SSEE 1, exec, leaf without X", NULL);
		UNIT_EXPECT_HPA(&fx, &r_rw, PA_BASE + SZ_4K, "SSEE 1, read, leaf without X", NULL);
		UNIT_EXPECT_HPA(&fx, &x_rwx, PA_BASE + 2 * SZ_4K, "SSEE 1, exec, RWX", NULL);
		if (UNIT_EQ_HEX(unit_entry_pa(&fx, SL_DOM, 4, -1, rwx, 3, &pte), 0))
			poke_expect(&fx, pte, VTD_SL_X, 0, &x_rwx, VTD_FR_NO_EXEC,
				    "SSEE 1, X clear at level 3");
	}
out:
	unit_fx_fini(&fx);
}

/* First-level input addresses must be canonical for 48 or 57 bits. */
static void test_canonical(void)
{
	static const struct {
		unsigned type;
		uint64_t addr;
		unsigned fr;
	} cases[] = {
		{FL4, 0x0000800000000000ull, VTD_FR_NON_CANONICAL},
		{FL4, 0xFFFF7FFFFFFFF000ull, VTD_FR_NON_CANONICAL},
		{FL4, 0x0100000000000000ull, VTD_FR_NON_CANONICAL},
		{FL4, 0xFFFF800000000000ull, VTD_FR_FL_NOT_PRESENT},
		{FL4, 0x00007FFFFFFFF000ull, VTD_FR_FL_NOT_PRESENT},
		{FL5, 0x0100000000000000ull, VTD_FR_NON_CANONICAL},
		{FL5, 0xFEFFFFFFFFFFF000ull, VTD_FR_NON_CANONICAL},
		{FL5, 0xFF00000000000000ull, VTD_FR_FL_NOT_PRESENT},
		{FL5, 0x0000800000000000ull, VTD_FR_FL_NOT_PRESENT},
		{N44, 0x0000800000000000ull, VTD_FR_NON_CANONICAL},
		{N55, 0x8000000000000000ull, VTD_FR_NON_CANONICAL},
		{N43, 0xFFFF800000000000ull, VTD_FR_FL_NOT_PRESENT},
	};
	char ctx[64];

	for (unsigned i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct ttype *t = &ttypes[cases[i].type];
		struct unit_fx fx;
		struct iommu_req rq = unit_req(SID, cases[i].addr, IOMMU_ACC_READ);

		if (!simple_init(&fx, t, SZ_4K, IOMMU_PERM_R, true))
			continue;
		snprintf(ctx, sizeof(ctx), "%s addr 0x%llx", t->name,
			 (unsigned long long)cases[i].addr);
		UNIT_EXPECT_FAULT(&fx, &rq, cases[i].fr, ctx, NULL);
		unit_fx_fini(&fx);
	}
	/* A mapping in the upper canonical half works. */
	{
		const struct ttype *t = &ttypes[FL4];
		struct unit_fx fx;
		uint64_t hi = 0xFFFF800012345000ull;
		struct iommu_req rq = unit_req(SID, hi + 0x77, IOMMU_ACC_READ);

		if (!simple_init(&fx, t, SZ_4K, IOMMU_PERM_R, true))
			return;
		if (stack_map(&fx, t, hi, 0, PA_BASE + 0x9000, SZ_4K, IOMMU_PERM_R, true))
			UNIT_EXPECT_HPA(&fx, &rq, PA_BASE + 0x9077, "FL4 upper half", NULL);
		unit_fx_fini(&fx);
	}
}

/* Second level only: address >= 2^min(MGAW, AW width); pass-through:
 * address >= 2^HAW. Both 0x83. */
static void test_beyond_width(void)
{
	static const struct {
		unsigned type;
		unsigned mgaw;
		uint64_t addr;
		unsigned fr;
	} cases[] = {
		{SL3, 57, 1ull << 39, VTD_FR_ADDR_BEYOND_MAX},
		{SL3, 57, ~0ull, VTD_FR_ADDR_BEYOND_MAX},
		{SL3, 57, (1ull << 39) - 0x1000, VTD_FR_SL_PERM},
		{SL4, 57, 1ull << 48, VTD_FR_ADDR_BEYOND_MAX},
		{SL4, 57, 0x0000800000000000ull, VTD_FR_SL_PERM}, /* no canonical rule */
		{SL5, 57, 1ull << 57, VTD_FR_ADDR_BEYOND_MAX},
		{SL5, 57, (1ull << 57) - 0x1000, VTD_FR_SL_PERM},
		{SL5, 50, 1ull << 50, VTD_FR_ADDR_BEYOND_MAX},
		{SL5, 50, (1ull << 50) - 0x1000, VTD_FR_SL_PERM},
		{PT, 57, 1ull << 46, VTD_FR_ADDR_BEYOND_MAX},
		{PT, 57, 1ull << 63, VTD_FR_ADDR_BEYOND_MAX},
	};
	char ctx[64];

	for (unsigned i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct ttype *t = &ttypes[cases[i].type];
		struct iommu_config c;
		struct unit_fx fx;
		struct iommu_req rq = unit_req(SID, cases[i].addr, IOMMU_ACC_READ);

		unit_config_walk(&c);
		c.mgaw = cases[i].mgaw;
		c.fl_5level = c.mgaw >= 57; /* 5-level first level needs MGAW 57 */
		if (!fx_init_ad(&fx, &c, true, false))
			continue;
		snprintf(ctx, sizeof(ctx), "%s MGAW %u addr 0x%llx", t->name, cases[i].mgaw,
			 (unsigned long long)cases[i].addr);
		if (stack_build(&fx, t, true, true))
			UNIT_EXPECT_FAULT(&fx, &rq, cases[i].fr, ctx, NULL);
		unit_fx_fini(&fx);
	}
	/* The last pass-through byte. */
	{
		struct unit_fx fx;
		uint64_t a = (1ull << 46) - 1;
		struct iommu_req rq = unit_req(SID, a, IOMMU_ACC_WRITE);

		if (!simple_init(&fx, &ttypes[PT], SZ_4K, IOMMU_PERM_R, false))
			return;
		UNIT_EXPECT_HPA(&fx, &rq, a, "PT last byte below 2^HAW", NULL);
		unit_fx_fini(&fx);
	}
}

/* A read error at a table page: 0x73 at the first-level top table, 0x70
 * below it; 0x78 at any second-level table. */
static void test_read_errors(void)
{
	static const unsigned types[] = {FL4, FL5, SL3, SL4, SL5};

	for (unsigned i = 0; i < sizeof(types) / sizeof(types[0]); i++) {
		const struct ttype *t = &ttypes[types[i]];
		bool fl = t->cls == T_FL;
		unsigned levels = fl ? t->fl_levels : t->sl_levels;
		struct unit_fx fx;
		struct iommu_req rq = unit_req(SID, t->iova + 0x40, IOMMU_ACC_WRITE);
		char ctx[48];

		if (!simple_init(&fx, t, SZ_4K, IOMMU_PERM_R | IOMMU_PERM_W, true))
			continue;
		for (unsigned l = levels; l >= 1; l--) {
			uint64_t pte;
			unsigned fr = !fl           ? VTD_FR_SL_ACCESS
				      : l == levels ? VTD_FR_FL_ROOT_ACCESS
						    : VTD_FR_FL_ACCESS;

			if (!UNIT_EQ_HEX(unit_entry_pa(&fx, fl ? FL_DOM : SL_DOM, levels, -1,
						       t->iova, l, &pte),
					 0))
				continue;
			snprintf(ctx, sizeof(ctx), "%s read error at level %u", t->name, l);
			unit_mem_fail_read(&fx.um, pte);
			UNIT_EXPECT_FAULT(&fx, &rq, fr, ctx, NULL);
			unit_mem_heal(&fx.um);
		}
		UNIT_EXPECT_HPA(&fx, &rq, PA_BASE + 0x40, t->name, NULL);
		unit_fx_fini(&fx);
	}
}

/* A/D updates without preset A/D: A in every entry that lacks it, D in the
 * leaf for a write, one write back per entry changed (refs.ad_writes). */
static void ad_case(const struct ttype *t, uint64_t size)
{
	bool fl = t->cls == T_FL;
	unsigned levels = fl ? t->fl_levels : t->sl_levels;
	unsigned dom = fl ? FL_DOM : SL_DOM;
	unsigned leaf = size_level(size);
	uint64_t a_bit = fl ? VTD_FL_A : VTD_SL_A, d_bit = fl ? VTD_FL_D : VTD_SL_D;
	uint64_t iova2 = t->iova + size, iova3 = t->iova + 2 * size;
	struct unit_fx fx;
	struct iommu_resp resp;
	char ctx[64];
	uint64_t pte[IOMMU_MAX_LEVELS + 1] = {0};

	if (!fx_init_ad(&fx, NULL, false, true))
		return;
	if (!stack_build(&fx, t, true, true) ||
	    !stack_map(&fx, t, t->iova, 0, PA_BASE, size, IOMMU_PERM_R | IOMMU_PERM_W, true) ||
	    !stack_map(&fx, t, iova2, 0, PA_BASE + size, size, IOMMU_PERM_R | IOMMU_PERM_W, true) ||
	    !stack_map(&fx, t, iova3, 0, PA_BASE + 2 * size, size, IOMMU_PERM_R, true))
		goto out;
	for (unsigned l = levels; l >= leaf; l--) {
		snprintf(ctx, sizeof(ctx), "%s %s level %u before", t->name, size_name(size), l);
		if (UNIT_EQ_HEXC(ctx, unit_entry_pa(&fx, dom, levels, -1, t->iova, l, &pte[l]), 0))
			UNIT_EQ_HEXC(ctx, unit_peek64(&fx, pte[l]) & (a_bit | d_bit), 0);
	}
	/* Read: A everywhere, no D. */
	{
		struct iommu_req rq = unit_req(SID, t->iova, IOMMU_ACC_READ);

		snprintf(ctx, sizeof(ctx), "%s %s first read", t->name, size_name(size));
		UNIT_EXPECT_HPA(&fx, &rq, PA_BASE, ctx, &resp);
		UNIT_EQ_HEXC(ctx, resp.refs.ad_writes, levels - leaf + 1);
		for (unsigned l = levels; l >= leaf; l--)
			UNIT_EQ_HEXC(ctx, unit_peek64(&fx, pte[l]) & (a_bit | d_bit), a_bit);
		snprintf(ctx, sizeof(ctx), "%s %s second read", t->name, size_name(size));
		UNIT_EXPECT_HPA(&fx, &rq, PA_BASE, ctx, &resp);
		UNIT_EQ_HEXC(ctx, resp.refs.ad_writes, 0);
	}
	/* Write: D in the leaf only. */
	{
		struct iommu_req rq = unit_req(SID, t->iova + 8, IOMMU_ACC_WRITE);

		snprintf(ctx, sizeof(ctx), "%s %s write", t->name, size_name(size));
		UNIT_EXPECT_HPA(&fx, &rq, PA_BASE + 8, ctx, &resp);
		UNIT_EQ_HEXC(ctx, resp.refs.ad_writes, 1);
		for (unsigned l = levels; l >= leaf; l--)
			UNIT_EQ_HEXC(ctx, unit_peek64(&fx, pte[l]) & (a_bit | d_bit),
				     l == leaf ? a_bit | d_bit : a_bit);
		UNIT_EXPECT_HPA(&fx, &rq, PA_BASE + 8, ctx, &resp);
		UNIT_EQ_HEXC(ctx, resp.refs.ad_writes, 0);
	}
	/* A cold write to a sibling leaf: upper entries already have A, so only
	 * the leaf is written (A and D at once). */
	{
		struct iommu_req rq = unit_req(SID, iova2, IOMMU_ACC_WRITE);
		uint64_t leaf_pa;
		unsigned lvl;

		snprintf(ctx, sizeof(ctx), "%s %s sibling write", t->name, size_name(size));
		UNIT_EXPECT_HPA(&fx, &rq, PA_BASE + size, ctx, &resp);
		UNIT_EQ_HEXC(ctx, resp.refs.ad_writes, 1);
		if (UNIT_EQ_HEXC(ctx, vtd_builder_leaf(fx.b, dom, iova2, &leaf_pa, &lvl), 0)) {
			UNIT_EQ_HEXC(ctx, lvl, leaf);
			UNIT_EQ_HEXC(ctx, unit_peek64(&fx, leaf_pa) & (a_bit | d_bit),
				     a_bit | d_bit);
		}
	}
	/* A faulting write sets nothing. */
	{
		struct iommu_req rq = unit_req(SID, iova3, IOMMU_ACC_WRITE);
		uint64_t leaf_pa;
		unsigned lvl;

		snprintf(ctx, sizeof(ctx), "%s %s write to read-only", t->name, size_name(size));
		UNIT_EXPECT_FAULT(&fx, &rq, VTD_FR_NO_WRITE, ctx, &resp);
		UNIT_EQ_HEXC(ctx, resp.refs.ad_writes, 0);
		if (UNIT_EQ_HEXC(ctx, vtd_builder_leaf(fx.b, dom, iova3, &leaf_pa, &lvl), 0))
			UNIT_EQ_HEXC(ctx, unit_peek64(&fx, leaf_pa) & (a_bit | d_bit), 0);
	}
	UNIT_EQ_HEX(iommu_stats(fx.mmu)->refs.ad_writes, (levels - leaf + 1) + 1 + 1);
	/* The leaf's A write-back refused by memory: the paging entry's access
	 * fault (0x70 first level, 0x78 second level), the entry unchanged;
	 * once memory takes writes again the same read sets A. */
	{
		struct iommu_req rq = unit_req(SID, iova3, IOMMU_ACC_READ);
		uint64_t leaf_pa;
		unsigned lvl;

		snprintf(ctx, sizeof(ctx), "%s %s A write refused", t->name, size_name(size));
		if (!UNIT_EQ_HEXC(ctx, vtd_builder_leaf(fx.b, dom, iova3, &leaf_pa, &lvl), 0))
			goto out;
		unit_mem_fail_write(&fx.um, leaf_pa);
		UNIT_EXPECT_FAULT(&fx, &rq, fl ? VTD_FR_FL_ACCESS : VTD_FR_SL_ACCESS, ctx, &resp);
		UNIT_EQ_HEXC(ctx, unit_peek64(&fx, leaf_pa) & (a_bit | d_bit), 0);
		unit_mem_heal(&fx.um);
		UNIT_EXPECT_HPA(&fx, &rq, PA_BASE + 2 * size, ctx, &resp);
		UNIT_EQ_HEXC(ctx, resp.refs.ad_writes, 1);
		UNIT_EQ_HEXC(ctx, unit_peek64(&fx, leaf_pa) & (a_bit | d_bit), a_bit);
	}
out:
	unit_fx_fini(&fx);
}

static void test_ad(void)
{
	static const unsigned types[] = {FL4, FL5, SL3, SL4, SL5};

	for (unsigned i = 0; i < sizeof(types) / sizeof(types[0]); i++)
		for (unsigned s = 0; s < 3; s++)
			ad_case(&ttypes[types[i]], sizes[s]);
}

/* Second-level A/D needs SSADE: without it nothing is written. Preset A/D
 * (the builder's default) means no write either. */
static void test_ad_off(void)
{
	for (unsigned k = 0; k < 2; k++) {
		const struct ttype *t = &ttypes[k ? FL4 : SL4];
		struct unit_fx fx;
		struct iommu_resp resp;
		struct iommu_req rq = unit_req(SID, t->iova, IOMMU_ACC_WRITE);
		uint64_t leaf_pa;
		unsigned lvl;
		const char *ctx = k ? "FL preset A/D" : "SL without SSADE";

		/* k = 0: SL, preset_ad = false, SSADE = 0; k = 1: FL, preset. */
		if (!fx_init_ad(&fx, NULL, k == 1, false))
			return;
		if (stack_build(&fx, t, true, true) &&
		    stack_map(&fx, t, t->iova, 0, PA_BASE, SZ_4K, IOMMU_PERM_R | IOMMU_PERM_W,
			      true) &&
		    UNIT_EQ_HEX(
			    vtd_builder_leaf(fx.b, k ? FL_DOM : SL_DOM, t->iova, &leaf_pa, &lvl),
			    0)) {
			uint64_t before = unit_peek64(&fx, leaf_pa);

			if (k)
				UNIT_EQ_HEXC(ctx, before & (VTD_FL_A | VTD_FL_D),
					     VTD_FL_A | VTD_FL_D);
			UNIT_EXPECT_HPA(&fx, &rq, PA_BASE, ctx, &resp);
			UNIT_EQ_HEXC(ctx, resp.refs.ad_writes, 0);
			UNIT_EQ_HEXC(ctx, unit_peek64(&fx, leaf_pa), before);
		}
		unit_fx_fini(&fx);
	}
}

static const struct unit_test translate_tests[] = {
	{"matrix", test_matrix},
	{"page_edges", test_page_edges},
	{"malformed_requests", test_malformed},
	{"not_present", test_not_present},
	{"fl_rsvd", test_fl_rsvd},
	{"fl_xd", test_fl_xd},
	{"fl_no_1g", test_fl_no_1g},
	{"sl_rsvd", test_sl_rsvd},
	{"sl_no_large", test_sl_no_large},
	{"fl_perm", test_fl_perm},
	{"sl_perm", test_sl_perm},
	{"canonical", test_canonical},
	{"beyond_width", test_beyond_width},
	{"read_errors", test_read_errors},
	{"ad", test_ad},
	{"ad_off", test_ad_off},
	{NULL, NULL},
};

void unit_register(void)
{
	unit_add_suite("vtd/translate.c+fl.c+sl.c+walk.c", translate_tests);
}
