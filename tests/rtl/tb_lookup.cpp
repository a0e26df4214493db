// Testbench of rtl/iommu_lookup.sv (stage R) against the reference model.
//
// Tables come from the model's builder (tests/rtl/walker/walker_model.c, the
// walker testbench's worlds). For each request the model's caches are put in
// a chosen state (empty; context cache warm; context and PASID caches warm;
// those and the IOTLB with the request's own page), the entries the request
// finds are read from the model's caches into the module's inputs, and the
// module's decision and response are compared with iommu_lookup_cached() and
// iommu_translate(): hit_o with "no memory touched", and on a hit status,
// fault reason, FPD (fault recording), hpa, page size, permissions, global;
// also that the model's translation of a hit made no memory access, and the
// key outputs (PASID looked up, DID). Requests: per target and cache state
// a directed list, then a seeded random sweep in random cache states. Every
// cache state,
// translation type and outcome (hit, miss, hit with a fault, IOTLB hit) must
// occur. The first mismatch is printed, exit status 1.
//
// Plusargs: +seed=N (default 1), +n=N random requests per world (default 4000).
#include <cinttypes>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <string>
#include <vector>

#include "Viommu_lookup.h"
#include "verilated.h"

#include "walker/walker_model.h"

namespace
{

struct Rng {
	uint64_t s;
	uint64_t next()
	{
		s ^= s >> 12;
		s ^= s << 25;
		s ^= s >> 27;
		return s * 0x2545F4914F6CDD1Dull;
	}
	unsigned below(unsigned n)
	{
		return static_cast<unsigned>((next() >> 32) % n);
	}
	bool chance(unsigned pct)
	{
		return below(100) < pct;
	}
};

void set_wide(uint32_t *dst, const uint64_t *src, unsigned words)
{
	for (unsigned i = 0; i < words; i++) {
		dst[2 * i] = static_cast<uint32_t>(src[i]);
		dst[2 * i + 1] = static_cast<uint32_t>(src[i] >> 32);
	}
}

unsigned log2_size(uint64_t s)
{
	return wm_log2(s);
}

std::string req_str(const struct iommu_req &r)
{
	char b[200];
	return wm_req_str(&r, b, sizeof(b));
}

struct Stats {
	unsigned checked = 0, hits = 0, misses = 0, hit_faults = 0, iotlb_hits = 0;
	unsigned ttm_hits = 0, te_off_hits = 0;
	unsigned by_warm[4] = {0}, hits_by_pgtt[8] = {0};
};

struct Bench {
	std::unique_ptr<VerilatedContext> ctx;
	std::unique_ptr<Viommu_lookup> top;
	Stats st;

	Bench(int argc, char **argv) : ctx(new VerilatedContext)
	{
		ctx->commandArgs(argc, argv);
		top.reset(new Viommu_lookup(ctx.get(), "top"));
	}

	// One request in one cache state; false (after printing) on a mismatch.
	bool check(struct wm *w, const struct iommu_req &rq, unsigned warm, const char *label)
	{
		Viommu_lookup *t = top.get();
		struct wm_cached c;
		struct wm_iotlb e {
		};
		struct iommu_resp lr, m;
		struct wm_fills f;
		const struct wm_access *log;
		bool ihit = false;

		wm_warm(w, &rq, warm, &c);
		uint16_t did = static_cast<uint16_t>(c.pe[1] & 0xFFFF);
		if (c.ctx_hit && c.pasid_hit)
			ihit = wm_iotlb_find(w, did, c.pasid, rq.addr, &e);
		t->te_i = wm_te(w);
		t->rtaddr_ttm_i = (wm_rtaddr(w) >> 10) & 3;
		t->req_tag_i = 0x3C;
		t->req_sid_i = rq.sid;
		t->req_pasid_valid_i = rq.pasid_valid;
		t->req_pasid_i = rq.pasid;
		t->req_priv_i = rq.priv;
		t->req_addr_i = rq.addr;
		t->req_access_i = rq.access;
		t->req_at_i = rq.at;
		t->req_no_write_i = rq.no_write;
		t->ctx_hit_i = c.ctx_hit;
		set_wide(t->ctx_i.data(), c.ce, 4);
		t->pasid_hit_i = c.ctx_hit && c.pasid_hit;
		set_wide(t->pasid_entry_i.data(), c.pe, 8);
		t->pde_fpd_i = c.pde_fpd;
		t->iotlb_hit_i = ihit;
		t->iotlb_hpn_i = e.page >> 12;
		t->iotlb_level_i = e.level;
		t->iotlb_perm_i = e.perm;
		t->iotlb_sl_perm_i = e.sl_perm;
		t->iotlb_global_i = e.global;
		t->iotlb_dirty_i = e.dirty;
		t->eval();

		int touched = wm_lookup_cached(w, &rq, &lr);
		int rc = wm_translate_cached(w, &rq, &m, &f);
		size_t n = wm_log(w, &log);
		wm_undo_model(w);
		bool hit = touched == 0;
		unsigned status = rc == 0 ? 0 : m.unsupported ? 2 : 1;

		st.checked++;
		st.by_warm[warm]++;
		const char *what = nullptr;
		if (touched < 0 || rc < 0)
			what = "model refused the request";
		else if (t->hit_o != hit)
			what = "hit";
		else if (hit && n != 0)
			what = "model: a cache hit that made memory accesses";
		else if (t->rsp_tag_o != 0x3C)
			what = "tag";
		else if (c.ctx_hit && t->key_pasid_o != c.pasid)
			what = "PASID key";
		else if (c.ctx_hit && c.pasid_hit && t->key_did_o != did)
			what = "DID key";
		else if (hit) {
			if (t->rsp_status_o != status)
				what = "status";
			else if (t->rsp_fault_o != static_cast<unsigned>(m.fault))
				what = "fault reason";
			else if (status != 0 && t->rsp_fpd_o != !m.fault_recorded)
				what = "fault recording (FPD)";
			else if (status == 0 && m.fault == VTD_FR_NONE &&
				 (t->rsp_hpa_o != m.hpa ||
				  t->rsp_page_size_o != log2_size(m.page_size) ||
				  t->rsp_perm_o != m.perm || t->rsp_global_o != m.global))
				what = "translation";
			else if (!(status == 0 && m.fault == VTD_FR_NONE) &&
				 (t->rsp_hpa_o != 0 || t->rsp_page_size_o != 0 ||
				  t->rsp_perm_o != 0))
				what = "fault with a translation";
		}
		if (what) {
			std::printf("MISMATCH (%s) in %s, warm %u: %s\n", what, label, warm,
				    req_str(rq).c_str());
			std::printf("  inputs: ctx %d pasid %d (%05x) pde_fpd %d iotlb %d page "
				    "0x%" PRIx64
				    " level %u perm %x sl_perm %x dirty %d global %d\n",
				    c.ctx_hit, c.pasid_hit, c.pasid, c.pde_fpd, ihit, e.page,
				    e.level, e.perm, e.sl_perm, e.dirty, e.global);
			std::printf(
				"  model: touched %d rc %d status %u fault 0x%02x recorded %d hpa "
				"0x%016" PRIx64 " size 2^%u perm %x global %d accesses %zu\n",
				touched, rc, status, m.fault, m.fault_recorded, m.hpa,
				m.page_size ? log2_size(m.page_size) : 0, m.perm, m.global, n);
			std::printf(
				"  rtl:   hit %d status %u fault 0x%02x fpd %d hpa 0x%016" PRIx64
				" size 2^%u perm %x global %d key pasid %05x did %u\n",
				t->hit_o, t->rsp_status_o, t->rsp_fault_o, t->rsp_fpd_o,
				t->rsp_hpa_o, t->rsp_page_size_o, t->rsp_perm_o, t->rsp_global_o,
				t->key_pasid_o, t->key_did_o);
			return false;
		}
		if (hit) {
			st.hits++;
			if (((wm_rtaddr(w) >> 10) & 3) != 1)
				st.ttm_hits++;
			if (!t->te_i)
				st.te_off_hits++;
			if (status != 0 || m.fault != VTD_FR_NONE)
				st.hit_faults++;
			if (ihit)
				st.iotlb_hits++;
			if (c.pasid_hit)
				st.hits_by_pgtt[(c.pe[0] >> 6) & 7]++;
		} else {
			st.misses++;
		}
		return true;
	}
};

// A request aimed at a target (mapped range), sometimes off it.
struct iommu_req random_req(Rng &g, const struct wm_target *tg, size_t nt)
{
	struct iommu_req rq {
	};
	const struct wm_target &t = tg[g.below(static_cast<unsigned>(nt))];
	unsigned k = g.below(100);

	rq.sid = t.sid;
	rq.pasid_valid = t.pasid_valid;
	rq.pasid = t.pasid;
	rq.addr = t.size ? t.iova + ((g.next() % t.size) & ~7ull)
			 : (g.next() & ((1ull << 46) - 1)) & ~7ull;
	if (k < 8) {
		rq.addr = g.next();
		if (g.chance(50))
			rq.addr &= (1ull << (39 + 9 * g.below(3))) - 1;
	} else if (k < 12) {
		rq.addr ^= 1ull << (12 + g.below(45));
	} else if (k < 16) {
		rq.pasid_valid = true;
		rq.pasid = g.chance(50) ? g.below(64) : static_cast<uint32_t>(g.next() & 0xFFFFF);
	} else if (k < 19) {
		rq.pasid_valid = false;
	}
	unsigned a = g.below(10);
	rq.access = a < 5 ? IOMMU_ACC_READ : a < 8 ? IOMMU_ACC_WRITE : IOMMU_ACC_EXEC;
	rq.priv = rq.pasid_valid && g.chance(30);
	if (!rq.pasid_valid && rq.access == IOMMU_ACC_EXEC)
		rq.access = IOMMU_ACC_READ;
	unsigned at = g.below(10);
	rq.at = at < 7   ? IOMMU_AT_UNTRANSLATED
		: at < 9 ? IOMMU_AT_TRANSLATION_REQ
			 : IOMMU_AT_TRANSLATED;
	rq.no_write = rq.at == IOMMU_AT_TRANSLATION_REQ && g.chance(40);
	return rq;
}

int run_world(Bench &b, unsigned variant, uint64_t seed, unsigned n)
{
	struct wm *w = wm_create(variant);
	const struct wm_target *tg;
	if (!w) {
		std::fprintf(stderr, "tb_lookup: cannot build test world %u\n", variant);
		return 1;
	}
	size_t nt = wm_targets(w, &tg);
	Rng g{seed * 0x9E3779B97F4A7C15ull + variant + 1};
	int rc = 1;

	// Directed: every target, its first page, each access and request type,
	// in every cache state.
	for (size_t i = 0; i < nt; i++) {
		for (unsigned warm = 0; warm <= 3; warm++) {
			for (unsigned v = 0; v < 6; v++) {
				struct iommu_req rq {
				};
				rq.sid = tg[i].sid;
				rq.pasid_valid = tg[i].pasid_valid;
				rq.pasid = tg[i].pasid;
				rq.addr = tg[i].iova + 0x10;
				rq.access = v == 1 ? IOMMU_ACC_WRITE : IOMMU_ACC_READ;
				if (v == 2 && rq.pasid_valid)
					rq.access = IOMMU_ACC_EXEC;
				rq.priv = v == 3 && rq.pasid_valid;
				rq.at = v == 4   ? IOMMU_AT_TRANSLATION_REQ
					: v == 5 ? IOMMU_AT_TRANSLATED
						 : IOMMU_AT_UNTRANSLATED;
				if (!b.check(w, rq, warm, "directed"))
					goto out;
			}
		}
	}
	// Root table not in scalable mode (0x30 with the cached entries, a walk
	// without), then translation disabled (every request passes), for
	// random requests in every cache state.
	for (unsigned phase = 0; phase < 2; phase++) {
		if (phase == 0)
			wm_set_ttm(w, 0);
		else
			wm_set_te(w, false);
		for (unsigned i = 0; i < 200; i++) {
			struct iommu_req rq = random_req(g, tg, nt);
			if (!b.check(w, rq, i % 4, phase ? "translation disabled" : "TTM legacy"))
				goto out;
		}
		if (phase == 0)
			wm_set_ttm(w, 1);
		else
			wm_set_te(w, true);
	}
	for (unsigned i = 0; i < n; i++) {
		struct iommu_req rq = random_req(g, tg, nt);
		std::string label =
			"world " + std::to_string(variant) + " random #" + std::to_string(i);
		unsigned warm = g.below(10) < 2 ? g.below(3) : 3;
		if (!b.check(w, rq, warm, label.c_str()))
			goto out;
	}
	rc = 0;
out:
	wm_destroy(w);
	return rc;
}

bool plusarg_u64(VerilatedContext &ctx, const char *name, uint64_t &v)
{
	std::string pat = std::string(name) + "=";
	const char *arg = ctx.commandArgsPlusMatch(pat.c_str());
	if (!arg || !*arg)
		return true;
	const char *s = arg + 1 + pat.size();
	char *end = nullptr;
	v = std::strtoull(s, &end, 0);
	if (!*s || *end) {
		std::fprintf(stderr, "tb_lookup: bad +%s value '%s'\n", name, s);
		return false;
	}
	return true;
}

} // namespace

int main(int argc, char **argv)
{
	Bench b(argc, argv);
	uint64_t seed = 1, n = 4000;

	if (!plusarg_u64(*b.ctx, "seed", seed) || !plusarg_u64(*b.ctx, "n", n))
		return 1;
	if (n > 10000000) {
		std::fprintf(stderr, "tb_lookup: +n must be at most 10000000\n");
		return 1;
	}
	int rc = 0;
	for (unsigned variant = 0; variant < 2 && !rc; variant++)
		rc = run_world(b, variant, seed, static_cast<unsigned>(n));
	const Stats &s = b.st;
	std::printf("%u hits with TTM not scalable, %u with translation disabled\n", s.ttm_hits,
		    s.te_off_hits);
	std::printf("%u requests (cache states %u/%u/%u/%u): %u hits (%u with a fault, %u "
		    "from the IOTLB; PGTT 1/2/3/4 %u/%u/%u/%u), %u misses\n",
		    s.checked, s.by_warm[0], s.by_warm[1], s.by_warm[2], s.by_warm[3], s.hits,
		    s.hit_faults, s.iotlb_hits, s.hits_by_pgtt[1], s.hits_by_pgtt[2],
		    s.hits_by_pgtt[3], s.hits_by_pgtt[4], s.misses);
	if (!rc && (!s.hits || !s.misses || !s.hit_faults || !s.iotlb_hits || !s.hits_by_pgtt[1] ||
		    !s.hits_by_pgtt[2] || !s.hits_by_pgtt[3] || !s.hits_by_pgtt[4])) {
		std::printf("a case class was never reached\n");
		rc = 1;
	}
	std::printf(rc ? "tb_lookup: FAILED\n" : "tb_lookup: PASSED\n");
	return rc;
}
