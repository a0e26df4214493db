// Testbench of rtl/iommu_walker.sv against the reference model.
//
// Tables are built with the model's builder (tests/rtl/walker/walker_model.c)
// over one sparse memory. For each request the Verilated walker runs against
// a memory model serving that memory with a fixed latency, its writes are
// undone, then the model translates the same request with empty caches over
// the same memory. Compared: status, fault reason, FPD (recording), hpa,
// page size, permissions, global, the cache fills, the exact sequence of
// memory reads and writes (line, offset, written value), and the cycle count
// with an always-ready port: operations x (latency + 1), or 1 without memory.
// Requests: a directed list; an entry sweep (for one walk per mode, each page
// it touched failing, and chosen bits of each word it read flipped, one at a
// time); a seeded random sweep, each request also replayed with one entry it
// read corrupted or one page failing. Then the directed, sweep and random
// requests again with the model's context cache warmed, and with its context
// and PASID caches warmed (wm_warm): the walker gets the cached entries the
// request finds as its cache inputs; every translation type must be served
// from cached entries, and some requests answered without memory. The same again with the memory
// and response ports stalling at random (all but the cycle count compared). Every fault reason the
// model raises must be reached. The first mismatch is printed with every field, exit status 1.
//
// Plusargs: +seed=N (default 1), +n=N random requests per world (default
// 3000), +lat=L memory latency (default 3), +trace (waveform, tb_common.h).
#include <cinttypes>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <string>
#include <vector>

#include "Viommu_walker.h"
#include "tb_common.h"

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

// One memory operation as the RTL issued it.
struct RtlAccess {
	bool we;
	bool err;
	uint64_t line;
	unsigned ofs;
	uint64_t wdata;
};

struct RtlResult {
	unsigned status, fault, page_size, perm;
	uint64_t hpa;
	bool global, fpd;
	bool fctx, fpasid, fiotlb;
	uint64_t ce[4], pe[8];
	bool pde_fpd;
	unsigned did, pasid, level, iperm, sl_perm;
	uint64_t page;
	bool iglobal, dirty, fl;
	uint64_t cycles;
	std::vector<RtlAccess> log;
};

enum { ST_OK = 0, ST_FAULT = 1, ST_UR = 2 };

struct Bench {
	Tb<Viommu_walker> tb;
	unsigned lat = 3;
	bool stall = false; // random backpressure on the memory and response ports
	Rng stall_rng{0x9E3779B97F4A7C15ull};

	Bench(int argc, char **argv) : tb(argc, argv)
	{
	}

	void reset()
	{
		Viommu_walker *top = tb.top.get();
		top->req_valid_i = 0;
		top->mem_req_ready_i = 1;
		top->mem_rsp_valid_i = 0;
		top->rsp_ready_i = 1;
		tb.reset(3);
	}

	static uint64_t wide64(const VlWide<8> &w, unsigned word)
	{
		return static_cast<uint64_t>(w[2 * word]) | static_cast<uint64_t>(w[2 * word + 1])
								    << 32;
	}

	// Runs one request through the walker; the memory is wm's.
	static void set_wide(uint32_t *dst, const uint64_t *src, unsigned words)
	{
		for (unsigned i = 0; i < words; i++) {
			dst[2 * i] = static_cast<uint32_t>(src[i]);
			dst[2 * i + 1] = static_cast<uint32_t>(src[i] >> 32);
		}
	}

	// Runs one request through the walker; the memory is wm's, the cached
	// context / PASID entries those of c (none without c).
	bool run(struct wm *w, const struct iommu_req &rq, const struct wm_cached *c,
		 RtlResult &out)
	{
		struct Pending {
			uint64_t due;
			bool err;
			uint8_t data[64];
		};
		std::vector<Pending> pend;
		Viommu_walker *top = tb.top.get();
		uint64_t &cycle = tb.cycle;
		uint64_t t_req = 0;
		bool sent = false;

		out = RtlResult{};
		top->rtaddr_i = wm_rtaddr(w);
		top->req_tag_i = 0x5A;
		top->req_sid_i = rq.sid;
		top->req_pasid_valid_i = rq.pasid_valid;
		top->req_pasid_i = rq.pasid;
		top->req_priv_i = rq.priv;
		top->req_addr_i = rq.addr;
		top->req_access_i = rq.access;
		top->req_at_i = rq.at;
		top->req_no_write_i = rq.no_write;
		struct wm_cached none {
		};
		if (!c)
			c = &none;
		top->req_ctx_hit_i = c->ctx_hit;
		set_wide(top->req_ctx_i.data(), c->ce, 4);
		top->req_pasid_hit_i = c->pasid_hit;
		set_wide(top->req_pasid_entry_i.data(), c->pe, 8);
		top->req_pde_fpd_i = c->pde_fpd;
		for (uint64_t guard = 0; guard < 100000; guard++) {
			// Inputs of this cycle.
			top->req_valid_i = !sent;
			top->mem_req_ready_i = stall ? stall_rng.chance(60) : 1;
			top->rsp_ready_i = stall ? stall_rng.chance(60) : 1;
			top->mem_rsp_valid_i = 0;
			top->mem_rsp_err_i = 0;
			if (!pend.empty() && pend.front().due == cycle) {
				top->mem_rsp_valid_i = 1;
				top->mem_rsp_err_i = pend.front().err;
				for (int i = 0; i < 16; i++) {
					uint32_t v;
					std::memcpy(&v, pend.front().data + 4 * i, 4);
					top->mem_rsp_rdata_i[i] = v;
				}
				pend.erase(pend.begin());
			}
			tb.settle();
			// Transfers of this cycle.
			if (!sent && top->req_ready_o) {
				sent = true;
				t_req = cycle;
			}
			if (top->mem_req_valid_o && top->mem_req_ready_i) {
				RtlAccess a{};
				Pending p{};
				a.we = top->mem_req_we_o;
				a.line = top->mem_req_addr_o;
				a.ofs = top->mem_req_wofs_o;
				a.wdata = top->mem_req_wdata_o;
				if (a.we)
					a.err = wm_word_write(w, a.line + a.ofs, a.wdata) != 0;
				else
					a.err = wm_line_read(w, a.line, p.data) != 0;
				p.due = cycle + lat;
				p.err = a.err;
				pend.push_back(p);
				out.log.push_back(a);
			}
			if (top->rsp_valid_o && top->rsp_ready_i) {
				out.cycles = cycle - t_req;
				out.status = top->rsp_status_o;
				out.fault = top->rsp_fault_o;
				out.hpa = top->rsp_hpa_o;
				out.page_size = top->rsp_page_size_o;
				out.perm = top->rsp_perm_o;
				out.global = top->rsp_global_o;
				out.fpd = top->rsp_fpd_o;
				out.fctx = top->fill_ctx_valid_o;
				for (unsigned i = 0; i < 4; i++)
					out.ce[i] = wide64(top->fill_ctx_o, i);
				out.fpasid = top->fill_pasid_valid_o;
				for (unsigned i = 0; i < 8; i++) {
					uint64_t v = 0;
					v = static_cast<uint64_t>(top->fill_pasid_o[2 * i]) |
					    static_cast<uint64_t>(top->fill_pasid_o[2 * i + 1])
						    << 32;
					out.pe[i] = v;
				}
				out.pde_fpd = top->fill_pasid_pde_fpd_o;
				out.fiotlb = top->fill_iotlb_valid_o;
				out.did = top->fill_iotlb_did_o;
				out.pasid = top->fill_iotlb_pasid_o;
				out.page = top->fill_iotlb_page_o;
				out.level = top->fill_iotlb_level_o;
				out.iperm = top->fill_iotlb_perm_o;
				out.sl_perm = top->fill_iotlb_sl_perm_o;
				out.iglobal = top->fill_iotlb_global_o;
				out.dirty = top->fill_iotlb_dirty_o;
				out.fl = top->fill_iotlb_fl_o;
				tb.tick();
				top->req_valid_i = 0;
				return true;
			}
			tb.tick();
		}
		return false;
	}
};

const char *acc_name(unsigned a)
{
	return a == IOMMU_ACC_READ ? "R" : a == IOMMU_ACC_WRITE ? "W" : "X";
}

std::string req_str(const struct iommu_req &r)
{
	char b[200];
	std::snprintf(b, sizeof(b),
		      "sid %04x pasid %s%05x priv %d addr 0x%016" PRIx64 " access %s at %u nw %d",
		      r.sid, r.pasid_valid ? "" : "(none) ", r.pasid, r.priv, r.addr,
		      acc_name(r.access), r.at, r.no_write);
	return b;
}

unsigned log2_size(uint64_t s)
{
	unsigned n = 0;
	while (s > 1) {
		s >>= 1;
		n++;
	}
	return n;
}

struct Checker {
	Bench &b;
	struct wm *w;
	std::string label;
	unsigned n_checked = 0, n_ok = 0, n_fault = 0, n_ur = 0, n_ops_max = 0;
	unsigned fault_seen[256] = {0};
	// With warm >= 1 the model's context cache (and with 2 its PASID cache)
	// is warmed before each request, and the walker gets what it holds.
	unsigned warm = 0;
	unsigned n_ctx_hit = 0, n_pasid_hit = 0, n_no_mem = 0, n_pde_fpd = 0;
	unsigned pgtt_hit[8] = {0};

	// Expected status of the model's answer.
	static unsigned model_status(int rc, const struct iommu_resp &m)
	{
		if (rc == 0)
			return ST_OK;
		return m.unsupported ? ST_UR : ST_FAULT;
	}

	void dump(const struct iommu_req &rq, int rc, const struct iommu_resp &m,
		  const struct wm_fills &f, const RtlResult &r, const char *what)
	{
		const struct wm_access *log;
		size_t n = wm_log(w, &log);

		std::printf("MISMATCH (%s) in %s: %s\n", what, label.c_str(), req_str(rq).c_str());
		std::printf("  model: rc %d status %u fault 0x%02x recorded %d hpa 0x%016" PRIx64
			    " size 2^%u perm 0x%x global %d\n",
			    rc, model_status(rc, m), m.fault, m.fault_recorded, m.hpa,
			    m.page_size ? log2_size(m.page_size) : 0, m.perm, m.global);
		std::printf("  rtl:   status %u fault 0x%02x fpd %d hpa 0x%016" PRIx64
			    " size 2^%u perm 0x%x global %d cycles %" PRIu64 "\n",
			    r.status, r.fault, r.fpd, r.hpa, r.page_size, r.perm, r.global,
			    r.cycles);
		std::printf(
			"  fills model: ctx %d pasid %d (pde_fpd %d) iotlb %d did %u pasid %x page "
			"0x%" PRIx64 " level %u perm %x sl_perm %x global %d dirty %d fl %d\n",
			f.ctx, f.pasid, f.pde_fpd, f.iotlb, f.did, f.pasid_v, f.page, f.level,
			f.perm, f.sl_perm, f.global, f.dirty, f.fl);
		std::printf(
			"  fills rtl:   ctx %d pasid %d (pde_fpd %d) iotlb %d did %u pasid %x page "
			"0x%" PRIx64 " level %u perm %x sl_perm %x global %d dirty %d fl %d\n",
			r.fctx, r.fpasid, r.pde_fpd, r.fiotlb, r.did, r.pasid, r.page, r.level,
			r.iperm, r.sl_perm, r.iglobal, r.dirty, r.fl);
		if (warm)
			std::printf("  cached (warm %u): ctx %d pasid %d (%05x) pde_fpd %d\n", warm,
				    b.tb.top->req_ctx_hit_i, b.tb.top->req_pasid_hit_i,
				    static_cast<unsigned>(r.pasid), b.tb.top->req_pde_fpd_i);
		std::printf("  model accesses (%zu):\n", n);
		for (size_t i = 0; i < n; i++)
			std::printf("    %s 0x%016" PRIx64 " len %u%s val 0x%016" PRIx64 "\n",
				    log[i].write ? "W" : "R", log[i].pa, log[i].len,
				    log[i].err ? " ERR" : "", log[i].val);
		std::printf("  rtl accesses (%zu):\n", r.log.size());
		for (const RtlAccess &a : r.log)
			std::printf("    %s line 0x%016" PRIx64 " ofs %u%s val 0x%016" PRIx64 "\n",
				    a.we ? "W" : "R", a.line, a.ofs, a.err ? " ERR" : "", a.wdata);
	}

	// Runs rq on both sides; false (after printing) on the first difference.
	bool check(const struct iommu_req &rq)
	{
		RtlResult r;
		struct iommu_resp m;
		struct wm_fills f;
		const struct wm_access *log;
		int rc;
		size_t n;

		struct wm_cached cached {
		};
		if (warm)
			wm_warm(w, &rq, warm, &cached);
		if (!b.run(w, rq, warm ? &cached : nullptr, r)) {
			std::printf("TIMEOUT in %s: %s\n", label.c_str(), req_str(rq).c_str());
			return false;
		}
		wm_undo(w);
		rc = warm ? wm_translate_cached(w, &rq, &m, &f) : wm_translate(w, &rq, &m, &f);
		n = wm_log(w, &log);
		if (rc < 0) {
			std::printf("model refused the request: %s\n", req_str(rq).c_str());
			return false;
		}
#define FAIL(what)                                                                                 \
	do {                                                                                       \
		dump(rq, rc, m, f, r, what);                                                       \
		return false;                                                                      \
	} while (0)
		unsigned st = model_status(rc, m);
		n_checked++;
		if (r.status != st)
			FAIL("status");
		if (r.fault != static_cast<unsigned>(m.fault))
			FAIL("fault reason");
		if (st != ST_OK && r.fpd != !m.fault_recorded)
			FAIL("fault recording (FPD)");
		if (st == ST_OK && m.fault == VTD_FR_NONE) {
			if (r.hpa != m.hpa)
				FAIL("hpa");
			if (r.page_size != log2_size(m.page_size))
				FAIL("page size");
			if (r.perm != m.perm)
				FAIL("permissions");
			if (r.global != m.global)
				FAIL("global");
		} else if (r.perm != 0 || r.hpa != 0 || r.page_size != 0) {
			FAIL("fault with a translation");
		}
		// The fills the model commits.
		if (r.fctx != f.ctx || r.fpasid != f.pasid || r.fiotlb != f.iotlb)
			FAIL("fill valids");
		if (f.ctx && std::memcmp(r.ce, f.ce, sizeof(r.ce)) != 0)
			FAIL("context fill");
		if (f.pasid &&
		    (std::memcmp(r.pe, f.pe, sizeof(r.pe)) != 0 || r.pde_fpd != f.pde_fpd))
			FAIL("PASID fill");
		if (f.iotlb && (r.did != f.did || r.pasid != f.pasid_v || r.page != f.page ||
				r.level != f.level || r.iperm != f.perm || r.sl_perm != f.sl_perm ||
				r.iglobal != f.global || r.dirty != f.dirty || r.fl != f.fl))
			FAIL("IOTLB fill");
		// The memory operations, in order.
		if (r.log.size() != n)
			FAIL("number of memory operations");
		for (size_t i = 0; i < n; i++) {
			const RtlAccess &a = r.log[i];
			if (a.we != log[i].write || a.line != (log[i].pa & ~63ull) ||
			    a.err != log[i].err)
				FAIL("memory operation");
			if (a.we && (a.ofs != (log[i].pa & 63u) || a.wdata != log[i].val ||
				     log[i].len != 8))
				FAIL("memory write");
			if (!a.we && (log[i].pa & 63u) + log[i].len > 64)
				FAIL("entry straddles a line");
		}
		if (!b.stall && r.cycles != (n ? n * (b.lat + 1ull) : 1))
			FAIL("cycles from request to response");
		if (n > n_ops_max)
			n_ops_max = static_cast<unsigned>(n);
		if (st == ST_OK && m.fault == VTD_FR_NONE)
			n_ok++;
		else if (st == ST_UR)
			n_ur++;
		else
			n_fault++;
		fault_seen[m.fault & 0xFF]++;
		if (cached.ctx_hit)
			n_ctx_hit++;
		if (cached.ctx_hit && cached.pasid_hit) {
			n_pasid_hit++;
			pgtt_hit[(cached.pe[0] >> 6) & 7]++;
			if (cached.pde_fpd && st != ST_OK)
				n_pde_fpd++;
		}
		if (cached.ctx_hit && n == 0)
			n_no_mem++;
		return true;
	}
};

// A request of the random sweep.
struct iommu_req random_req(Rng &g, const std::vector<struct wm_target> &tg)
{
	struct iommu_req rq {
	};
	const struct wm_target &t = tg[g.below(static_cast<unsigned>(tg.size()))];
	unsigned k = g.below(100);

	rq.sid = t.sid;
	rq.pasid_valid = t.pasid_valid;
	rq.pasid = t.pasid;
	if (t.size)
		rq.addr = t.iova + ((g.next() % t.size) & ~7ull);
	else
		rq.addr = (g.next() & ((1ull << 46) - 1)) & ~7ull;
	if (k < 6) {
		rq.addr = g.next(); // anywhere: widths, canonical form
		if (g.chance(50))
			rq.addr &= (1ull << (39 + 9 * g.below(3))) - 1;
	} else if (k < 9) {
		rq.addr ^= 1ull << (12 + g.below(45)); // near a mapping: unmapped pages
	} else if (k < 12) {
		static const uint16_t sids[] = {0x0101, 0x0500, 0x0210, 0x01FF, 0x0291};
		rq.sid = sids[g.below(5)];
	} else if (k < 16) {
		rq.pasid_valid = true; // a PASID the device does not have
		rq.pasid = g.chance(50) ? g.below(64) : static_cast<uint32_t>(g.next() & 0xFFFFF);
	} else if (k < 19) {
		rq.pasid_valid = false;
	}
	unsigned a = g.below(10);
	rq.access = a < 5 ? IOMMU_ACC_READ : a < 8 ? IOMMU_ACC_WRITE : IOMMU_ACC_EXEC;
	rq.priv = rq.pasid_valid && g.chance(30);
	if (!rq.pasid_valid && rq.access == IOMMU_ACC_EXEC)
		rq.access = IOMMU_ACC_READ; // execute travels in the PASID prefix
	unsigned at = g.below(10);
	rq.at = at < 8   ? IOMMU_AT_UNTRANSLATED
		: at < 9 ? IOMMU_AT_TRANSLATION_REQ
			 : IOMMU_AT_TRANSLATED;
	rq.no_write = rq.at == IOMMU_AT_TRANSLATION_REQ && g.chance(40);
	return rq;
}

// Replays rq with one entry the model read corrupted, or with a page it
// touched failing; the tables are restored afterwards (the model's A/D
// writes of the replay included).
bool perturb(Checker &c, Rng &g, const struct iommu_req &rq)
{
	const struct wm_access *log;
	size_t n = wm_log(c.w, &log);
	bool ok;

	if (n == 0)
		return true;
	const struct wm_access a = log[g.below(static_cast<unsigned>(n))];
	std::string label = c.label;
	char what[96];
	if (g.chance(15)) {
		if (a.write)
			wm_fail_write(c.w, a.pa);
		else
			wm_fail_read(c.w, a.pa);
		std::snprintf(what, sizeof(what), ", %s fails on the page of 0x%" PRIx64,
			      a.write ? "writing" : "reading", a.pa);
		c.label = label + what;
		ok = c.check(rq);
		c.label = label;
		wm_undo_model(c.w);
		wm_heal(c.w);
		return ok;
	}
	if (a.write)
		return true;
	uint64_t pa = (a.pa & ~7ull) + 8ull * g.below(a.len / 8);
	uint64_t old = wm_peek(c.w, pa);
	// Present, then the flags of both paging formats (R/W, X/U, A, D, PS,
	// G/A, D, SNP, XD), then low bits, address bits near HAW, any bit.
	static const unsigned flags[] = {1, 2, 5, 6, 7, 8, 9, 11, 63};
	unsigned k = g.below(100), bit;
	if (k < 25)
		bit = 0;
	else if (k < 55)
		bit = flags[g.below(9)];
	else if (k < 75)
		bit = g.below(12);
	else if (k < 85)
		bit = 40 + g.below(24);
	else
		bit = g.below(64);
	wm_poke(c.w, pa, old ^ (1ull << bit));
	std::snprintf(what, sizeof(what), ", bit %u of the word at 0x%" PRIx64 " flipped", bit, pa);
	c.label = label + what;
	ok = c.check(rq);
	c.label = label;
	wm_undo_model(c.w);
	wm_poke(c.w, pa, old);
	return ok;
}

// Directed requests: one per mode of the matrix and the faults a clean world
// reaches.
std::vector<struct iommu_req> directed()
{
	std::vector<struct iommu_req> v;
	auto add = [&](uint16_t sid, int pasid, uint64_t addr, unsigned acc, bool priv = false,
		       unsigned at = IOMMU_AT_UNTRANSLATED, bool nw = false) {
		struct iommu_req r {
		};
		r.sid = sid;
		r.pasid_valid = pasid >= 0;
		r.pasid = pasid >= 0 ? static_cast<uint32_t>(pasid) : 0;
		r.addr = addr;
		r.access = static_cast<enum iommu_access>(acc);
		r.priv = priv;
		r.at = static_cast<enum iommu_at>(at);
		r.no_write = nw;
		v.push_back(r);
	};
	const unsigned R = IOMMU_ACC_READ, W = IOMMU_ACC_WRITE, X = IOMMU_ACC_EXEC;
	// Second level 4/3/5 levels, 4K/2M/1G, every permission outcome.
	for (unsigned a : {R, W})
		for (uint64_t addr : {0x10000123ull, 0x10001008ull, 0x10002010ull, 0x40012345ull,
				      0x8ABCDEF0ull, 0x7FFFFFFFF008ull, 0x20000000ull})
			add(0x0100, -1, addr, a);
	add(0x0100, 5, 0x10000040, W);
	add(0x0100, 5, 0x40100000, R);
	add(0x0100, 5, 0x7FC1234567, W);
	add(0x0100, 5, 0x8000000000, R); // beyond 39 bits: 0x83
	add(0x0100, 6, 0x1000000000010, X);
	add(0x0100, 6, 0x1FFFFFFC1234560, W);
	add(0x0100, 6, 0x200000000000000, R); // beyond 57 bits
	// First level 4/5 levels: user/supervisor, R/W/X, 4K/2M/1G, canonical.
	for (unsigned a : {R, W, X})
		for (bool priv : {false, true})
			for (uint64_t addr :
			     {0x10000010ull, 0x10001010ull, 0x10002010ull, 0x10003010ull,
			      0x10004010ull, 0x40001000ull, 0x80000008ull, 0xFFFF800000000010ull})
				add(0x0100, 1, addr, a, priv);
	add(0x0100, 1, 0x0000800000000000, R); // not canonical for 48 bits
	for (unsigned a : {R, W, X})
		for (uint64_t addr : {0x10000010ull, 0x40000010ull, 0xFF00000000000100ull,
				      0x00F0000012345678ull, 0x0100000000000000ull})
			add(0x0100, 2, addr, a, a == X);
	add(0x0108, -1, 0x10000010, W);           // first level for a request without PASID
	add(0x0108, -1, 0x10002010, R);           // supervisor page, user request: 0x81
	add(0x0110, 2, 0x10000010, R, true);      // SRE = 0: 0x5D
	add(0x0110, 2, 0x10003010, X);            // ERE = 0: 0x5C
	add(0x0110, 2, 0x10000010, R);            // NXE = 0 (leaf XD reserved)
	add(0x0100, 0x2345, 0x10001010, W, true); // supervisor write, WPE = 0
	// Nested 4-over-4, 5-over-4, 4-over-3; 2M and 1G pages; W to a read-only
	// second-level page.
	for (unsigned a : {R, W, X})
		for (uint64_t addr : {0x10000010ull, 0x10001010ull, 0x10002010ull, 0x40123450ull,
				      0x80000010ull, 0x90000000ull})
			add(0x0100, 3, addr, a, a == X);
	add(0x0100, 7, 0x10000010, W);
	add(0x0100, 7, 0xFF00000040000010, R);
	add(0x0100, 8, 0x10000010, W);
	add(0x0100, 8, 0x10200010, W);
	add(0x0110, -1, 0x10000010, W);
	add(0x0110, 3, 0x10002010, W, true);
	// Pass-through, with and without PASID, and beyond HAW.
	add(0x0100, 4, 0x123456789000, W);
	add(0x0118, -1, 0x3FFFFFFFFFF8, R);
	add(0x0118, -1, 0x400000000000, R);
	// ATS: translation requests (write, NW, execute, unmapped), translated.
	for (uint16_t sid : {0x0108, 0x0110, 0x0118, 0x0290, 0x0100})
		for (uint64_t addr : {0x10000010ull, 0x10001010ull, 0x50000000ull}) {
			add(sid, -1, addr, R, false, IOMMU_AT_TRANSLATION_REQ, false);
			add(sid, -1, addr, R, false, IOMMU_AT_TRANSLATION_REQ, true);
			add(sid, -1, addr, W, false, IOMMU_AT_TRANSLATED);
		}
	add(0x0290, 5, 0x10000010, X, true, IOMMU_AT_TRANSLATION_REQ, true);
	add(0x0290, 5, 0x40000010, X, true, IOMMU_AT_TRANSLATION_REQ, false);
	add(0x0108, 1, 0x10001010, W, false, IOMMU_AT_TRANSLATION_REQ, false);
	// Structures: root not present, context not present, PASID not set up,
	// PASID without PASIDE never (builder sets it), PASID beyond PDTS.
	add(0x0500, -1, 0x1000, R);
	add(0x0101, -1, 0x1000, R);
	add(0x0210, -1, 0x1000, R);
	add(0x0100, 9, 0x1000, R);
	add(0x0100, 0xFFFFF, 0x1000, R);
	add(0x0100, 0x4000, 0x1000, R);
	return v;
}

// Replays rq with the bits of mask cleared in every 8-byte entry the model
// read.
bool clear_everywhere(Checker &c, const struct iommu_req &rq, uint64_t mask)
{
	const struct wm_access *log;
	size_t n = wm_log(c.w, &log);
	std::vector<std::pair<uint64_t, uint64_t>> saved;
	bool ok;

	for (size_t i = 0; i < n; i++) {
		if (log[i].write || log[i].len != 8)
			continue;
		uint64_t old = wm_peek(c.w, log[i].pa);
		saved.emplace_back(log[i].pa, old);
		wm_poke(c.w, log[i].pa, old & ~mask);
	}
	std::string label = c.label;
	c.label = label + ", bits cleared in every entry read";
	ok = c.check(rq);
	c.label = label;
	wm_undo_model(c.w);
	for (auto it = saved.rbegin(); it != saved.rend(); ++it)
		wm_poke(c.w, it->first, it->second);
	return ok;
}

// Replays rq once per memory access the model made with that access's page
// failing, and once per chosen bit of every word it read with that bit
// flipped. Everything is restored after each replay.
bool sweep_entries(Checker &c, const struct iommu_req &rq)
{
	static const unsigned bits[] = {0,  1,  2,  3,  4,  5,  6,  7,  8,  9,  10, 11,
					12, 13, 20, 21, 30, 45, 46, 51, 52, 62, 63};
	const struct wm_access *log;
	std::string label = c.label;
	char what[96];

	if (!c.check(rq))
		return false;
	size_t n = wm_log(c.w, &log);
	std::vector<struct wm_access> acc;
	acc.reserve(n);
	for (size_t i = 0; i < n; i++)
		acc.push_back(log[i]);
	for (const struct wm_access &a : acc) {
		if (a.write)
			wm_fail_write(c.w, a.pa);
		else
			wm_fail_read(c.w, a.pa);
		std::snprintf(what, sizeof(what), ", %s fails on the page of 0x%" PRIx64,
			      a.write ? "writing" : "reading", a.pa);
		c.label = label + what;
		bool ok = c.check(rq);
		wm_undo_model(c.w);
		wm_heal(c.w);
		if (!ok)
			return false;
		if (a.write)
			continue;
		for (uint64_t pa = a.pa & ~7ull; pa < a.pa + a.len; pa += 8) {
			uint64_t old = wm_peek(c.w, pa);
			for (unsigned bit : bits) {
				wm_poke(c.w, pa, old ^ (1ull << bit));
				std::snprintf(what, sizeof(what),
					      ", bit %u of the word at 0x%" PRIx64 " flipped", bit,
					      pa);
				c.label = label + what;
				ok = c.check(rq);
				wm_undo_model(c.w);
				wm_poke(c.w, pa, old);
				if (!ok)
					return false;
			}
		}
	}
	c.label = label;
	return true;
}

// Fault reasons the model raises (vtd_fault.h), each of which the sweep
// must reach.
const unsigned model_faults[] = {0x30, 0x38, 0x39, 0x3A, 0x40, 0x41, 0x42, 0x44, 0x45,
				 0x46, 0x50, 0x51, 0x52, 0x58, 0x59, 0x5A, 0x5B, 0x5C,
				 0x5D, 0x70, 0x71, 0x72, 0x73, 0x74, 0x75, 0x76, 0x77,
				 0x78, 0x79, 0x7A, 0x80, 0x81, 0x82, 0x83, 0x85, 0x86};
unsigned faults_seen[256];
unsigned warm_faults_seen[3][256]; // by warm level (Checker::warm)

// Base requests of the entry sweep: one walk per mode.
std::vector<struct iommu_req> sweep_base()
{
	std::vector<struct iommu_req> v;
	auto add = [&](uint16_t sid, int pasid, uint64_t addr, unsigned acc, bool priv,
		       unsigned at = IOMMU_AT_UNTRANSLATED) {
		struct iommu_req r {
		};
		r.sid = sid;
		r.pasid_valid = pasid >= 0;
		r.pasid = pasid >= 0 ? static_cast<uint32_t>(pasid) : 0;
		r.addr = addr;
		r.access = static_cast<enum iommu_access>(acc);
		r.priv = priv;
		r.at = static_cast<enum iommu_at>(at);
		v.push_back(r);
	};
	const unsigned R = IOMMU_ACC_READ, W = IOMMU_ACC_WRITE, X = IOMMU_ACC_EXEC;
	add(0x0100, -1, 0x10000010, W, false);        // second level, 4 levels
	add(0x0100, 5, 0x40100000, R, false);         // 3 levels, 2M
	add(0x0100, 6, 0x1FFFFFFC1234560, W, true);   // 5 levels, 1G
	add(0x0100, 1, 0x10003010, X, true);          // first level, 4 levels
	add(0x0100, 2, 0x40000010, X, false);         // 5 levels, 2M
	add(0x0100, 3, 0x10001010, W, false);         // nested 4 over 4
	add(0x0100, 7, 0xFF00000040000010, R, false); // nested 5 over 4, 2M
	add(0x0100, 8, 0x10000010, W, false);         // nested 4 over 3
	add(0x0100, 4, 0x123456789000, W, false);     // pass-through
	add(0x0100, 0x2345, 0x10001010, W, true);     // supervisor, WPE = 0
	add(0x0108, -1, 0x10000010, W, false, IOMMU_AT_TRANSLATION_REQ);
	add(0x0118, -1, 0x10000010, R, false, IOMMU_AT_TRANSLATED);
	add(0x0290, -1, 0x7FC0001000, W, false); // upper devfn half
	return v;
}

int run_world(Bench &b, unsigned variant, uint64_t seed, unsigned n_random)
{
	struct wm *w = wm_create(variant);
	if (!w) {
		std::fprintf(stderr, "tb_walker: cannot build test world %u\n", variant);
		return 1;
	}
	const struct wm_target *tl;
	size_t nt = wm_targets(w, &tl);
	std::vector<struct wm_target> tg(tl, tl + nt);
	Checker c{b, w, "world " + std::to_string(variant)};
	Rng g{seed * 0x100000001B3ull + variant + 1};
	int rc = 1;

	// Directed cases, then TTM != scalable (0x30).
	for (const struct iommu_req &rq : directed())
		if (!c.check(rq))
			goto out;
	wm_set_ttm(w, 0);
	if (!c.check(directed().front()))
		goto out;
	wm_set_ttm(w, 1);
	// Nested reads with every entry read-only (R/W, bit 1) and without A
	// (first-level bit 5): setting A needs second-level write permission on
	// the table page (0x77).
	for (int pasid : {3, 7, 8}) {
		struct iommu_req rq {
		};
		rq.sid = 0x0100;
		rq.pasid_valid = true;
		rq.pasid = static_cast<uint32_t>(pasid);
		rq.addr = 0x10000010;
		if (!c.check(rq) || !clear_everywhere(c, rq, 0x22))
			goto out;
	}
	// Every entry of one walk per mode, corrupted and failing in turn.
	for (const struct iommu_req &rq : sweep_base()) {
		c.label = "world " + std::to_string(variant) + " sweep " + req_str(rq);
		if (!sweep_entries(c, rq))
			goto out;
	}
	// The random sweep, each request also replayed perturbed.
	for (unsigned i = 0; i < n_random; i++) {
		struct iommu_req rq = random_req(g, tg);
		c.label = "world " + std::to_string(variant) + " random #" + std::to_string(i) +
			  (b.stall ? " (stalls)" : "");
		if (!c.check(rq))
			goto out;
		if (g.chance(60) && !perturb(c, g, rq))
			goto out;
	}
	// The same requests with the context cache, then both caches, warm.
	for (unsigned warm = 1; warm <= 2; warm++) {
		Checker h{b, w, ""};
		h.warm = warm;
		std::string base = "world " + std::to_string(variant) + " warm " +
				   std::to_string(warm) + (b.stall ? " (stalls)" : "");
		h.label = base + " directed";
		for (const struct iommu_req &rq : directed())
			if (!h.check(rq))
				goto out;
		// ATS translation requests whose address fails the checks made
		// with the PASID entry alone (0x80, 0x83, 0x74): answered from
		// the cached entries, or after fetching them, with no retry walk.
		h.label = base + " ATS address checks";
		for (const struct wm_target &t : tg) {
			struct iommu_req rq {
			};
			rq.sid = t.sid;
			rq.pasid_valid = t.pasid_valid;
			rq.pasid = t.pasid;
			rq.addr = t.iova | 1ull << 62;
			rq.at = IOMMU_AT_TRANSLATION_REQ;
			if (!h.check(rq))
				goto out;
		}
		// The directory entry's FPD from the PASID cache: set FPD in the
		// directory entry of each target, then a request that faults.
		h.label = base + " directory entry FPD";
		for (const struct wm_target &t : tg) {
			struct iommu_req rq {
			};
			struct iommu_resp m;
			struct wm_fills f;
			const struct wm_access *log;
			rq.sid = t.sid;
			rq.pasid_valid = t.pasid_valid;
			rq.pasid = t.pasid;
			rq.addr = t.iova;
			wm_translate(w, &rq, &m, &f);
			size_t nl = wm_log(w, &log);
			uint64_t pde_pa = 0;
			for (size_t k = 0; k < nl && k < 4; k++)
				if (!log[k].write && log[k].len == 8 && k == 2)
					pde_pa = log[k].pa;
			wm_undo_model(w);
			if (!pde_pa)
				continue;
			uint64_t old = wm_peek(w, pde_pa);
			wm_poke(w, pde_pa, old | 2);
			for (uint64_t flip : {0ull, 1ull << 40, 1ull << 62}) {
				rq.addr = t.iova ^ flip;
				if (!h.check(rq)) {
					wm_poke(w, pde_pa, old);
					goto out;
				}
			}
			wm_poke(w, pde_pa, old);
		}
		for (const struct iommu_req &rq : sweep_base()) {
			h.label = base + " sweep " + req_str(rq);
			if (!sweep_entries(h, rq))
				goto out;
		}
		for (unsigned i = 0; i < n_random; i++) {
			struct iommu_req rq = random_req(g, tg);
			h.label = base + " random #" + std::to_string(i);
			if (!h.check(rq))
				goto out;
			if (g.chance(40) && !perturb(h, g, rq))
				goto out;
		}
		std::printf(
			"world %u%s warm %u: %u requests (%u context hits, %u PASID hits: "
			"PGTT 1/2/3/4 %u/%u/%u/%u; %u without memory): %u translated, %u faults, "
			"%u unsupported\n",
			variant, b.stall ? " (stalls)" : "", warm, h.n_checked, h.n_ctx_hit,
			h.n_pasid_hit, h.pgtt_hit[1], h.pgtt_hit[2], h.pgtt_hit[3], h.pgtt_hit[4],
			h.n_no_mem, h.n_ok, h.n_fault, h.n_ur);
		std::printf("  fault reasons seen:");
		for (unsigned i = 1; i < 256; i++)
			if (h.fault_seen[i])
				std::printf(" %02x:%u", i, h.fault_seen[i]);
		std::printf("\n");
		// Every translation type must have been served from cached entries.
		if (h.n_ctx_hit == 0 || h.n_no_mem == 0 || (warm == 2 && !h.n_pde_fpd) ||
		    (warm == 2 && (!h.pgtt_hit[1] || !h.pgtt_hit[2] || !h.pgtt_hit[3] ||
				   (!h.pgtt_hit[4] && variant == 0)))) {
			std::printf("world %u warm %u: a cache-hit case was never reached\n",
				    variant, warm);
			goto out;
		}
		for (unsigned i = 0; i < 256; i++)
			warm_faults_seen[warm][i] += h.fault_seen[i];
	}
	std::printf("world %u%s: %u requests: %u translated, %u faults, %u unsupported; "
		    "up to %u memory operations\n",
		    variant, b.stall ? " (stalls)" : "", c.n_checked, c.n_ok, c.n_fault, c.n_ur,
		    c.n_ops_max);
	std::printf("  fault reasons seen:");
	for (unsigned i = 1; i < 256; i++)
		if (c.fault_seen[i])
			std::printf(" %02x:%u", i, c.fault_seen[i]);
	std::printf("\n");
	for (unsigned i = 0; i < 256; i++)
		faults_seen[i] += c.fault_seen[i];
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
		std::fprintf(stderr, "tb_walker: bad +%s value '%s'\n", name, s);
		return false;
	}
	return true;
}

} // namespace

int main(int argc, char **argv)
{
	Bench b(argc, argv);
	VerilatedContext &ctx = *b.tb.ctx;
	uint64_t seed = 1, n = 3000, lat = 3;

	if (!plusarg_u64(ctx, "seed", seed) || !plusarg_u64(ctx, "n", n) ||
	    !plusarg_u64(ctx, "lat", lat))
		return 1;
	if (lat < 1 || lat > 1000 || n > 10000000) {
		std::fprintf(stderr, "tb_walker: +lat must be 1..1000, +n at most 10000000\n");
		return 1;
	}
	b.lat = static_cast<unsigned>(lat);
	b.reset();
	int rc = 0;
	for (unsigned variant = 0; variant < 2 && !rc; variant++)
		rc = run_world(b, variant, seed, static_cast<unsigned>(n));
	for (unsigned f : model_faults) {
		if (!rc && !faults_seen[f]) {
			std::printf("fault reason 0x%02x was never reached\n", f);
			rc = 1;
		}
	}
	// Faults raised with cached entries: the context entry's checks (warm
	// context cache), the PASID entry's checks and the walks (both warm).
	static const unsigned warm_faults[][2] = {{1, 0x44}, {1, 0x46}, {2, 0x44}, {2, 0x5C},
						  {2, 0x5D}, {2, 0x71}, {2, 0x74}, {2, 0x79},
						  {2, 0x80}, {2, 0x83}, {2, 0x85}, {2, 0x86}};
	for (const auto &wf : warm_faults) {
		if (!rc && !warm_faults_seen[wf[0]][wf[1]]) {
			std::printf("fault reason 0x%02x was never reached with warm level %u\n",
				    wf[1], wf[0]);
			rc = 1;
		}
	}
	// The same, with the memory and response ports stalling at random.
	b.stall = true;
	for (unsigned variant = 0; variant < 2 && !rc; variant++)
		rc = run_world(b, variant, seed + 1, static_cast<unsigned>(n / 3));
	std::printf(rc ? "tb_walker: FAILED\n" : "tb_walker: PASSED\n");
	return rc;
}
