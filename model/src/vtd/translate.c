/*
 * Request processing for VT-d scalable mode: RTADDR → context entry →
 * PASID entry → PGTT dispatch (first-level, second-level, nested,
 * pass-through). Every check returns a fault reason up one ladder; the only
 * fault exit records it (vtd_translate). Nested translation is composition:
 * the first-level walk reaches each table, and its output, through the
 * second-level translate.
 */
#include <stddef.h>
#include <string.h>

#include "vtd.h"

/* Context of a nested walk, handed to the first-level walker. */
struct vtd_nested {
	struct iommu *mmu;
	struct vtd_sl sl;
	bool no_ntlb; /* lookup_after_fetch = 0: the nested TLB is not used */
};

/* Each first-level table address (guest-physical) through the second level,
 * via the nested TLB (second-level translations of table pages, by DID). */
static unsigned vtd_nested_table(void *ctx, uint64_t table, bool top, uint64_t *pa, unsigned *perm,
				 struct iommu_refs *refs)
{
	struct vtd_nested *n = ctx;
	struct cache *c = iommu_cache(n->mmu, IOMMU_CACHE_NESTED_TLB);
	struct cache_key key = {{n->sl.did, table >> 12, 1}};
	/* (not in a lookup of the cached entries alone: see pwc_start) */
	const struct walk_pwc_entry *hit =
		n->no_ntlb || n->mmu->quiet ? NULL : cache_lookup(c, key.w[1], &key);
	struct walk_pwc_entry fill;
	struct walk_result w;
	unsigned fault;

	if (hit) {
		fill = *hit;
	} else {
		/* SPEC(VT-d nested): table address beyond the second-level width → 0x74 */
		fault = vtd_sl_walk(n->mmu, &n->sl, table, VTD_FR_FL_NESTED_BEYOND_MGAW, refs, &w);
		if (fault)
			return fault;
		fill = (struct walk_pwc_entry){.next = w.out & ~0xFFFull, .perm = w.perm};
	}
	/* SPEC(VT-d nested): no second-level read permission on a first-level
	 * table → 0x75 for the top-level table, 0x76 below */
	if (!(fill.perm & IOMMU_PERM_R))
		return top ? VTD_FR_FL_NESTED_ROOT_READ : VTD_FR_FL_NESTED_READ;
	if (!hit) {
		fault = vtd_sl_update_ad(n->mmu, &n->sl, &w, false, refs);
		if (fault)
			return fault;
		if (!n->no_ntlb)
			iommu_fill_defer(n->mmu, c, key.w[1], &key, &fill);
	}
	*pa = fill.next | (table & 0xFFF);
	*perm = fill.perm;
	return 0;
}

static unsigned vtd_xlate_pt(struct iommu *mmu, const struct iommu_req *req,
			     struct iommu_resp *resp, struct vtd_iotlb_entry *te)
{
	(void)mmu;
	te->dirty = true;
	te->sl_perm = WALK_PERM_ALL;
	resp->hpa = req->addr;
	resp->page_size = IOMMU_PAGE_SIZE;
	resp->perm = WALK_PERM_ALL;
	return 0;
}

static unsigned vtd_xlate_sl(struct iommu *mmu, const struct iommu_req *req,
			     const struct vtd_pasid_entry *pe, bool fetched,
			     struct iommu_resp *resp, struct vtd_iotlb_entry *te)
{
	struct vtd_sl sl;
	struct walk_result w;
	unsigned fault;

	vtd_sl_init(&sl, mmu, pe);
	sl.pwc_fill_only = fetched && !mmu->cfg.lookup_after_fetch;
	fault = vtd_sl_walk(mmu, &sl, req->addr, VTD_FR_ADDR_BEYOND_MAX, &resp->refs, &w);
	if (!fault)
		fault = vtd_sl_check(w.perm, req->access);
	if (!fault)
		fault = vtd_sl_update_ad(mmu, &sl, &w, req->access == IOMMU_ACC_WRITE, &resp->refs);
	if (fault)
		return fault;
	resp->hpa = w.out;
	resp->page_size = walk_level_size(w.leaf_level);
	resp->perm = w.perm;
	te->dirty = !sl.ad || req->access == IOMMU_ACC_WRITE || (w.pte[w.leaf_level] & VTD_SL_D);
	te->sl_perm = (uint8_t)w.perm;
	return 0;
}

static unsigned vtd_xlate_fl(struct iommu *mmu, const struct iommu_req *req,
			     const struct vtd_pasid_entry *pe, bool nested, bool fetched,
			     struct iommu_resp *resp, struct vtd_iotlb_entry *te)
{
	unsigned levels = 4 + (unsigned)FIELD_GET64(VTD_PE2_FLPM, pe->qw[2]);
	bool write = req->access == IOMMU_ACC_WRITE;
	struct vtd_nested n = {.mmu = mmu};
	struct vtd_fl_params p = {
		.out_bits = mmu->cfg.haw,
		.nxe = pe->qw[2] & VTD_PE2_NXE,
		.fl_1g = mmu->cfg.fl_1g,
	};
	struct walk_result w, w2 = {0};
	struct walk_fmt fmt;
	unsigned fault;

	if (nested) {
		vtd_sl_init(&n.sl, mmu, pe);
		/* Without lookup_after_fetch (the RTL walker), the second-level
		 * walks of a nested translation use no cache. */
		n.sl.no_pwc = !mmu->cfg.lookup_after_fetch;
		n.no_ntlb = !mmu->cfg.lookup_after_fetch;
		/* First-level entries hold guest-physical addresses: their width is
		 * checked when they reach the second level (0x74), not as reserved. */
		p.out_bits = 52;
	}
	vtd_fl_format(&fmt, &p, levels);
	vtd_fl_use_pwc(mmu, &fmt, resp->did, resp->pasid);
	fmt.pwc_fill_only = fetched && !mmu->cfg.lookup_after_fetch;
	if (nested) {
		fmt.table_xlate = vtd_nested_table;
		fmt.xlate_ctx = &n;
	}

	fault = walk_radix(mmu, &fmt, pe->qw[2] & VTD_PE2_FLPTPTR, req->addr, &resp->refs, &w);
	if (!fault)
		fault = vtd_fl_check(w.perm, req, pe->qw[2] & VTD_PE2_WPE);
	if (fault)
		return fault;
	resp->hpa = w.out;
	resp->page_size = walk_level_size(w.leaf_level);
	resp->perm = w.perm;
	if (nested) {
		/* The guest-physical output through the second level, with the
		 * request's access type. */
		fault = vtd_sl_walk(mmu, &n.sl, w.out, VTD_FR_FL_NESTED_BEYOND_MGAW, &resp->refs,
				    &w2);
		if (!fault)
			fault = vtd_sl_check(w2.perm, req->access);
		if (fault)
			return fault;
		resp->hpa = w2.out;
		if (walk_level_size(w2.leaf_level) < resp->page_size)
			resp->page_size = walk_level_size(w2.leaf_level);
		resp->perm &= w2.perm;
	}
	/* A/D updates once the translation is known to succeed. */
	fault = vtd_fl_update_ad(mmu, &w, write, nested, &resp->refs);
	if (!fault && nested)
		fault = vtd_sl_update_ad(mmu, &n.sl, &w2, write, &resp->refs);
	te->global = w.pte[w.leaf_level] & VTD_FL_G;
	te->sl_perm = (uint8_t)(nested ? w2.perm : WALK_PERM_ALL);
	te->dirty = write || (w.pte[w.leaf_level] & VTD_FL_D);
	if (nested && n.sl.ad)
		te->dirty = te->dirty && (write || (w2.pte[w2.leaf_level] & VTD_SL_D));
	return fault;
}

/* Input checks that need no table: canonical first-level addresses, the
 * second-level and pass-through widths. */
static unsigned vtd_input_check(const struct iommu *mmu, const struct iommu_req *req,
				const struct vtd_pasid_entry *pe, unsigned pgtt)
{
	unsigned levels = 4 + (unsigned)FIELD_GET64(VTD_PE2_FLPM, pe->qw[2]);

	/* SPEC(VT-d first-level): input not canonical for 48/57 bits → 0x80 */
	if ((pgtt == VTD_PGTT_FL || pgtt == VTD_PGTT_NESTED) &&
	    !vtd_fl_canonical(req->addr, levels))
		return VTD_FR_NON_CANONICAL;
	/* SPEC(VT-d pass-through): address at or above 2^HAW → 0x83 */
	if (pgtt == VTD_PGTT_PT && (req->addr >> mmu->cfg.haw))
		return VTD_FR_ADDR_BEYOND_MAX;
	/* (second level: checked against min(MGAW, AW) by the walk) */
	return 0;
}

/* The permissions a translation grants this requester: a supervisor request
 * may write a read-only first-level page when WPE = 0 (if the second level
 * allows the write). What ATS completions report. */
static unsigned vtd_effective_perm(const struct vtd_iotlb_entry *e, const struct iommu_req *req,
				   const struct vtd_pasid_entry *pe, unsigned pgtt)
{
	unsigned perm = e->perm;

	if ((pgtt == VTD_PGTT_FL || pgtt == VTD_PGTT_NESTED) && req->pasid_valid && req->priv &&
	    !(pe->qw[2] & VTD_PE2_WPE) && (e->sl_perm & IOMMU_PERM_W))
		perm |= IOMMU_PERM_W;
	return perm;
}

/* Whether a cached translation serves req; a refusal re-walks the tables,
 * so that a fault is only ever raised from memory contents. */
static bool vtd_iotlb_serves(const struct vtd_iotlb_entry *e, const struct iommu_req *req,
			     const struct vtd_pasid_entry *pe, unsigned pgtt)
{
	if (req->access == IOMMU_ACC_WRITE && !e->dirty)
		return false; /* the walk must set D first */
	if (pgtt == VTD_PGTT_PT)
		return true;
	if ((pgtt == VTD_PGTT_FL || pgtt == VTD_PGTT_NESTED) &&
	    vtd_fl_check(e->perm, req, pe->qw[2] & VTD_PE2_WPE))
		return false;
	if ((pgtt == VTD_PGTT_SL || pgtt == VTD_PGTT_NESTED) &&
	    vtd_sl_check(e->sl_perm, req->access))
		return false;
	return true;
}

static unsigned vtd_process(struct iommu *mmu, const struct iommu_req *req, struct iommu_resp *resp,
			    struct vtd_walk_state *st)
{
	struct vtd_context_entry ce;
	struct vtd_pasid_entry pe;
	struct vtd_iotlb_entry te;
	unsigned fault, pgtt;

	/* SPEC(VT-d RTADDR): TTM other than scalable mode → 0x30 */
	if (FIELD_GET64(VTD_RTADDR_TTM, mmu->root_active) != VTD_TTM_SCALABLE)
		return VTD_FR_ROOT_TABLE_INVALID;
	fault = vtd_context_fetch(mmu, req->sid, &ce, st);
	if (fault)
		return fault;
	/* SPEC(VT-d context entry): translation or translated request with
	 * DTE = 0 → 0x44 */
	if (req->at != IOMMU_AT_UNTRANSLATED && !(ce.qw[0] & VTD_CE0_DTE))
		return VTD_FR_CTX_DTE_CLEAR;
	/* A translated request carries a host-physical address: it passes. */
	if (req->at == IOMMU_AT_TRANSLATED) {
		resp->source = IOMMU_SRC_DEVTLB;
		resp->hpa = req->addr;
		resp->page_size = IOMMU_PAGE_SIZE;
		resp->perm = WALK_PERM_ALL;
		return 0;
	}
	fault = vtd_pasid_fetch(mmu, req, &ce, &resp->pasid, &pe, st);
	if (fault)
		return fault;
	resp->did = (uint16_t)FIELD_GET64(VTD_PE1_DID, pe.qw[1]);
	pgtt = FIELD_GET64(VTD_PE0_PGTT, pe.qw[0]);
	resp->pgtt = pgtt;

	if (pgtt == VTD_PGTT_FL || pgtt == VTD_PGTT_NESTED) {
		/* SPEC(VT-d PASID entry): supervisor request and SRE = 0 → 0x5D */
		if (req->priv && (!mmu->cfg.super_req || !(pe.qw[2] & VTD_PE2_SRE)))
			return VTD_FR_SRE_CLEAR;
		/* SPEC(VT-d PASID entry): execute request and ERE = 0 → 0x5C */
		if (req->access == IOMMU_ACC_EXEC &&
		    (!mmu->cfg.exec_req || !(pe.qw[2] & VTD_PE2_ERE)))
			return VTD_FR_ERE_CLEAR;
	}
	fault = vtd_input_check(mmu, req, &pe, pgtt);
	if (fault)
		return fault;

	/* The IOTLB (see vtd_skip_lookup), then a walk that fills it. */
	if (!vtd_skip_lookup(mmu, st) &&
	    vtd_iotlb_lookup(mmu, resp->did, resp->pasid, req->addr, &te) &&
	    vtd_iotlb_serves(&te, req, &pe, pgtt)) {
		uint64_t size = walk_level_size(te.level);

		resp->source = IOMMU_SRC_IOTLB;
		resp->hpa = te.page | (req->addr & (size - 1));
		resp->page_size = size;
		resp->perm = vtd_effective_perm(&te, req, &pe, pgtt);
		resp->global = te.global;
		resp->fill_seq = te.seq;
		return 0;
	}
	te = (struct vtd_iotlb_entry){.cls = VTD_IOTLB_FL};
	switch (pgtt) {
	case VTD_PGTT_PT:
		te.cls = VTD_IOTLB_SL;
		fault = vtd_xlate_pt(mmu, req, resp, &te);
		break;
	case VTD_PGTT_SL:
		te.cls = VTD_IOTLB_SL;
		fault = vtd_xlate_sl(mmu, req, &pe, st->fetched, resp, &te);
		break;
	default: /* first-level or nested: pe_invalid() admitted no other value */
		fault = vtd_xlate_fl(mmu, req, &pe, pgtt == VTD_PGTT_NESTED, st->fetched, resp,
				     &te);
		break;
	}
	if (fault)
		return fault;
	te.level = (uint8_t)(resp->page_size == (1ull << 30)   ? 3
			     : resp->page_size == (1ull << 21) ? 2
							       : 1);
	te.page = resp->hpa & ~(resp->page_size - 1);
	te.perm = (uint8_t)resp->perm; /* as the tables give it, for every requester */
	resp->global = te.global;
	te.seq = mmu->seq;
	resp->fill_seq = te.seq;
	vtd_iotlb_fill(mmu, resp->did, resp->pasid, req->addr, &te);
	resp->perm = vtd_effective_perm(&te, req, &pe, pgtt);
	return 0;
}

/* Faults found in the paging structures, as opposed to configuration
 * (root, context, PASID structures): a translation request that meets one
 * completes with no permission instead of failing. */
static bool vtd_fault_is_page(unsigned fault)
{
	return fault >= VTD_FR_FL_ACCESS && fault <= VTD_FR_NO_READ;
}

/* One pass of the request through the IOMMU. */
static unsigned vtd_pass(struct iommu *mmu, const struct iommu_req *req, struct iommu_resp *resp,
			 struct vtd_walk_state *st)
{
	memset(resp, 0, offsetof(struct iommu_resp, refs));
	st->fetched = false;
	resp->pasid = req->pasid_valid ? req->pasid : 0;
	return vtd_process(mmu, req, resp, st);
}

/* ATS translation request: the permissions the page grants, writable only
 * when asked (NW = 0) so that the walk sets D before a translated write. */
static unsigned vtd_translation_request(struct iommu *mmu, const struct iommu_req *req,
					struct iommu_resp *resp, struct vtd_walk_state *st)
{
	struct iommu_req r = *req;
	unsigned fault;

	r.access = req->no_write ? IOMMU_ACC_READ : IOMMU_ACC_WRITE;
	if (r.access == IOMMU_ACC_READ && req->access == IOMMU_ACC_EXEC)
		r.access = IOMMU_ACC_EXEC;
	fault = vtd_pass(mmu, &r, resp, st);
	if (fault && vtd_fault_is_page(fault) && r.access != IOMMU_ACC_READ) {
		r.access = IOMMU_ACC_READ; /* no write/execute: try for read only */
		fault = vtd_pass(mmu, &r, resp, st);
	}
	if (fault && vtd_fault_is_page(fault)) {
		/* SPEC(PCIe ATS): R = W = 0 completion; nothing is recorded. */
		resp->perm = 0;
		resp->fault = (enum vtd_fault_reason)fault;
		return 0;
	}
	if (!fault && r.access == IOMMU_ACC_READ)
		resp->perm &= ~IOMMU_PERM_W; /* granted for reading only */
	return fault;
}

int vtd_translate(struct iommu *mmu, const struct iommu_req *req, struct iommu_resp *resp)
{
	struct vtd_walk_state st = {.fpd = false, .fetched = false, .refs = &resp->refs};
	struct vtd_fault_info fi;
	unsigned fault;

	resp->pasid = req->pasid_valid ? req->pasid : 0;
	/* SPEC(VT-d GSTS.TES): translation disabled → DMA passes untranslated. */
	if (!(vtd_reg_get32(mmu, VTD_REG_GSTS) & VTD_GSTS_TES)) {
		resp->ok = true;
		resp->source = IOMMU_SRC_UNTRANSLATED;
		resp->hpa = req->addr;
		resp->page_size = IOMMU_PAGE_SIZE;
		resp->perm = WALK_PERM_ALL;
		return 0;
	}
	if (req->at == IOMMU_AT_TRANSLATION_REQ) {
		mmu->stats.translation_reqs++;
		fault = vtd_translation_request(mmu, req, resp, &st);
	} else {
		fault = vtd_process(mmu, req, resp, &st);
		if (!fault && req->at == IOMMU_AT_TRANSLATED)
			mmu->stats.translated_reqs++;
	}
	if (!fault) {
		resp->ok = true;
		return 0;
	}
	resp->ok = false;
	resp->unsupported = req->at == IOMMU_AT_TRANSLATION_REQ;
	resp->fault = (enum vtd_fault_reason)fault;
	resp->hpa = 0;
	resp->page_size = 0;
	resp->perm = 0;
	fi = (struct vtd_fault_info){
		.sid = req->sid,
		.pasid_present = req->pasid_valid,
		.pasid = req->pasid,
		.addr = req->addr,
		.is_read = req->access != IOMMU_ACC_WRITE,
		.priv = req->pasid_valid && req->priv,
		.exec = req->access == IOMMU_ACC_EXEC,
		.page_req = req->at == IOMMU_AT_TRANSLATION_REQ,
		.reason = fault,
	};
	if (mmu->hold_fault) /* recorded at the response (the timing engine) */
		mmu->held_fault = (struct iommu_held_fault){.valid = true, .fpd = st.fpd, .fi = fi};
	else
		resp->fault_recorded = vtd_fault_record(mmu, &fi, st.fpd);
	return 1;
}
