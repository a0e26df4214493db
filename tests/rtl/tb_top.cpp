// Testbench of rtl/iommu_top.sv (the whole block) against the reference model.
//
// Tables come from the model's builder (tests/rtl/walker/walker_model.c, the
// walker testbench's worlds 0 and 1). The RTL's registers are programmed
// through the register port with the root table the model uses (RTADDR,
// GCMD.SRTP, GCMD.TE); its memory port is served from the same memory
// (each side's own A/D and status writes are undone after every request),
// answering each request mem.latency cycles after its transfer, by id.
// Each request (every mapped target of the world, read and write, plus a
// request of an absent device) is sent twice: the first answer comes from a
// walker (rsp_walked_o), the second, when the model fills the IOTLB, from the
// caches (rsp_walked_o 0). Every response is compared with the model's
// translation of the same request (status, fault reason, hpa, page size,
// permissions, global). The first mismatch is printed, exit status 1.
//
// Bursts (cycle for cycle): seeded random streams of requests (second level,
// first level, nested, pass-through, ATS translation and translated
// requests, absent devices) arriving back to back or with gaps, so that
// walks overlap, hits pass misses and the miss queue, the walker slots and
// the response queue fill up. The same stream runs on the model's timing
// engine (iommu/timing.h, docs/uarch.md) with the block's parameters; every
// RTL response must carry the model's answer and leave in the cycle after
// the model's completion cycle (the response port is registered), and be
// walked exactly when the model's was.
//
// Plusargs: +trace (VCD). TB_TOP_VERBOSE=1 in the environment prints every
// burst event (the model's cycles, the RTL's accepts, responses, walker
// takes and memory requests).
#include <cinttypes>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <deque>
#include <string>
#include <vector>

#include VTOP_HEADER
#include "tb_common.h"
#include "verilated.h"

extern "C" {
#include "iommu/timing.h"
}
#include "walker/walker_model.h"

namespace
{

enum { ST_OK = 0, ST_FAULT = 1, ST_UR = 2 };

const unsigned kMemLatency = 50; // mem.latency (iommu_params_pkg::MemLatency)

// A test world whose model has the verilated block's paging-structure
// caches: the package's (the model's defaults), or the ways the build gave
// the block (RTL_PARAM_*).
struct wm *world(unsigned variant)
{
	struct iommu_config d;
	iommu_config_default(&d);
#ifdef RTL_PARAM_FlPwcWays
	d.fl_pwc.ways = RTL_PARAM_FlPwcWays;
#endif
#ifdef RTL_PARAM_SlPwcWays
	d.sl_pwc.ways = RTL_PARAM_SlPwcWays;
#endif
	return wm_create_pwc(variant, d.fl_pwc.ways, d.sl_pwc.ways);
}

struct Pending {
	uint64_t due;
	unsigned id;
	bool err;
	uint8_t data[64];
};

struct RtlResult {
	unsigned status = 0, fault = 0, page_size = 0, perm = 0;
	uint64_t hpa = 0, cycles = 0;
	bool global = false, walked = false;
};

unsigned log2_size(uint64_t s)
{
	return wm_log2(s);
}

std::string req_str(const struct iommu_req &r)
{
	char b[200];
	return wm_req_str(&r, b, sizeof(b));
}

struct Bench {
	Tb<VTOP> tb;
	std::deque<Pending> pend;
	uint8_t tag = 0;

	Bench(int argc, char **argv) : tb(argc, argv)
	{
		idle();
		tb.reset();
	}

	void idle()
	{
		VTOP *t = tb.top.get();
		t->req_valid_i = 0;
		t->mem_req_ready_i = 1;
		t->mem_rsp_valid_i = 0;
		t->mem_rsp_err_i = 0;
		t->reg_req_i = 0;
		t->reg_we_i = 0;
		t->dtlb_req_ready_i = 1;
		t->dtlb_cpl_valid_i = 0;
	}

	// One cycle: memory responses due now in, transfers out, then the edge.
	void cycle(struct wm *w)
	{
		VTOP *t = tb.top.get();
		t->mem_rsp_valid_i = 0;
		t->mem_rsp_err_i = 0;
		if (!pend.empty() && pend.front().due == tb.cycle) {
			const Pending &p = pend.front();
			t->mem_rsp_valid_i = 1;
			t->mem_rsp_id_i = p.id;
			t->mem_rsp_err_i = p.err;
			for (int i = 0; i < 16; i++) {
				uint32_t v;
				std::memcpy(&v, p.data + 4 * i, 4);
				t->mem_rsp_rdata_i[i] = v;
			}
			pend.pop_front();
		}
		tb.settle();
		if (t->mem_req_valid_o && t->mem_req_ready_i) {
			Pending p{};
			p.id = t->mem_req_id_o;
			p.due = tb.cycle + kMemLatency;
			if (t->mem_req_we_o) {
				TB_CHECK(tb, !t->mem_req_w4_o,
					 "4-byte write without a queue in use");
				p.err = wm_word_write(w, t->mem_req_addr_o + t->mem_req_wofs_o,
						      t->mem_req_wdata_o) != 0;
			} else {
				p.err = wm_line_read(w, t->mem_req_addr_o, p.data) != 0;
			}
			pend.push_back(p);
		}
		tb.tick();
	}

	void reg_write(struct wm *w, unsigned addr, uint64_t v)
	{
		VTOP *t = tb.top.get();
		t->reg_req_i = 1;
		t->reg_we_i = 1;
		t->reg_addr_i = addr;
		t->reg_size_i = 8;
		t->reg_wdata_i = v;
		if (addr == 0x18)
			t->reg_size_i = 4;
		cycle(w);
		t->reg_req_i = 0;
		t->reg_we_i = 0;
	}

	// The root table and translation enable of the world.
	void program(struct wm *w)
	{
		reg_write(w, 0x20, wm_rtaddr(w));
		reg_write(w, 0x18, 1u << 30); // SRTP
		if (wm_te(w))
			reg_write(w, 0x18, 1u << 31); // TE
		for (int i = 0; i < 4; i++)
			cycle(w);
	}

	bool run(struct wm *w, const struct iommu_req &rq, RtlResult &out)
	{
		VTOP *t = tb.top.get();
		bool sent = false;
		uint64_t t_req = 0;
		uint8_t my = tag++;
		for (uint64_t guard = 0; guard < 100000; guard++) {
			t->req_valid_i = !sent;
			t->req_tag_i = my;
			t->req_sid_i = rq.sid;
			t->req_pasid_valid_i = rq.pasid_valid;
			t->req_pasid_i = rq.pasid;
			t->req_priv_i = rq.priv;
			t->req_addr_i = rq.addr;
			t->req_access_i = rq.access;
			t->req_at_i = rq.at;
			t->req_no_write_i = rq.no_write;
			tb.settle();
			if (!sent && t->req_ready_o) {
				sent = true;
				t_req = tb.cycle;
			}
			if (t->rsp_valid_o) {
				TB_CHECK(tb, t->rsp_tag_o == my, "response tag %u, expected %u",
					 t->rsp_tag_o, my);
				out.cycles = tb.cycle - t_req;
				out.status = t->rsp_status_o;
				out.fault = t->rsp_fault_o;
				out.hpa = t->rsp_hpa_o;
				out.page_size = t->rsp_page_size_o;
				out.perm = t->rsp_perm_o;
				out.global = t->rsp_global_o;
				out.walked = t->rsp_walked_o;
				t->req_valid_i = 0;
				cycle(w);
				// Let the memory writes of the walk drain.
				while (!pend.empty())
					cycle(w);
				return true;
			}
			cycle(w);
			t->req_valid_i = 0;
		}
		return false;
	}
};

struct Checker {
	Bench &b;
	struct wm *w;
	unsigned n_checked = 0, n_ok = 0, n_fault = 0, n_hit = 0, n_walked = 0;

	// Sends rq (twice); false (after printing) on the first difference.
	bool check(const struct iommu_req &rq)
	{
		struct iommu_resp m;
		struct wm_fills f;
		int rc = wm_translate(w, &rq, &m, &f);
		wm_undo_model(w);
		if (rc < 0) {
			std::printf("model refused the request: %s\n", req_str(rq).c_str());
			return false;
		}
		unsigned st = rc == 0 ? ST_OK : (m.unsupported ? ST_UR : ST_FAULT);
		for (int pass = 0; pass < 2; pass++) {
			RtlResult r;
			if (!b.run(w, rq, r)) {
				std::printf("TIMEOUT: %s\n", req_str(rq).c_str());
				return false;
			}
			wm_undo(w);
			n_checked++;
			const char *bad = nullptr;
			if (r.status != st)
				bad = "status";
			else if (r.fault != static_cast<unsigned>(m.fault))
				bad = "fault reason";
			else if (st == ST_OK && m.fault == VTD_FR_NONE &&
				 (r.hpa != m.hpa || r.page_size != log2_size(m.page_size) ||
				  r.perm != m.perm || r.global != m.global))
				bad = "translation";
			else if (pass == 1 && f.iotlb && r.walked)
				bad = "repeated request not answered from the IOTLB";
			if (bad) {
				std::printf("MISMATCH (%s, pass %d): %s\n", bad, pass,
					    req_str(rq).c_str());
				std::printf(
					"  model: rc %d status %u fault 0x%02x hpa 0x%016" PRIx64
					" size 2^%u perm 0x%x global %d iotlb fill %d\n",
					rc, st, m.fault, m.hpa,
					m.page_size ? log2_size(m.page_size) : 0, m.perm, m.global,
					f.iotlb);
				std::printf(
					"  rtl:   status %u fault 0x%02x hpa 0x%016" PRIx64
					" size 2^%u perm 0x%x global %d walked %d cycles %" PRIu64
					"\n",
					r.status, r.fault, r.hpa, r.page_size, r.perm, r.global,
					r.walked, r.cycles);
				return false;
			}
			if (st == ST_OK)
				n_ok++;
			else
				n_fault++;
			if (r.walked)
				n_walked++;
			else
				n_hit++;
		}
		return true;
	}
};

std::vector<struct iommu_req> requests(struct wm *w)
{
	std::vector<struct iommu_req> v;
	const struct wm_target *tl;
	size_t nt = wm_targets(w, &tl);
	for (size_t i = 0; i < nt; i++) {
		const struct wm_target &t = tl[i];
		for (unsigned acc : {0u, 1u}) {
			struct iommu_req rq {
			};
			rq.sid = t.sid;
			rq.pasid_valid = t.pasid_valid;
			rq.pasid = t.pasid;
			rq.addr = t.size ? t.iova + (t.size / 2 & ~0xFFFull) + 0x18 : 0x123458;
			rq.access = static_cast<enum iommu_access>(acc);
			rq.at = IOMMU_AT_UNTRANSLATED;
			v.push_back(rq);
		}
	}
	// A device without a context entry: a fault.
	struct iommu_req rq {
	};
	rq.sid = 0xFFF7;
	rq.addr = 0x1000;
	rq.access = IOMMU_ACC_READ;
	v.push_back(rq);
	return v;
}

// ---- Bursts ---------------------------------------------------------------------

struct Expect {
	struct iommu_req rq;
	uint64_t arrive = 0;
	bool have = false, seen = false;
	struct iommu_timed r;
};

unsigned refs_total(const struct iommu_refs &f)
{
	unsigned n = f.root + f.context + f.pasid_dir + f.pasid_entry + f.ad_writes;
	for (unsigned l = 0; l <= IOMMU_MAX_LEVELS; l++)
		n += f.fl[l] + f.sl[l];
	return n;
}

void on_done(void *ctx, const struct iommu_timed *r)
{
	auto *v = static_cast<std::vector<Expect> *>(ctx);
	(*v)[r->tag].r = *r;
	(*v)[r->tag].have = true;
}

uint64_t rnd(uint64_t &s)
{
	s ^= s << 13;
	s ^= s >> 7;
	s ^= s << 17;
	return s;
}

std::vector<Expect> burst_stream(struct wm *w, uint64_t seed, unsigned n)
{
	std::vector<Expect> v(n);
	const struct wm_target *tl;
	size_t nt = wm_targets(w, &tl);
	uint64_t s = seed * 0x9E3779B97F4A7C15ull + 1, t = 0;
	for (unsigned i = 0; i < n; i++) {
		struct iommu_req rq {
		};
		unsigned k = rnd(s) % 100;
		if (k < 3) {
			rq.sid = 0xFFF7; // no context entry
			rq.addr = 0x1000;
		} else {
			const struct wm_target &tg = tl[rnd(s) % nt];
			rq.sid = tg.sid;
			rq.pasid_valid = tg.pasid_valid;
			rq.pasid = tg.pasid;
			// A few pages per target, so that requests hit and miss.
			uint64_t pages = tg.size ? tg.size >> 12 : 64;
			uint64_t pg = rnd(s) % (pages < 8 ? pages : 8);
			if (rnd(s) % 4 == 0)
				pg = rnd(s) % pages;
			rq.addr =
				(tg.size ? tg.iova : 0x40000000ull) + (pg << 12) + (rnd(s) & 0xFF8);
		}
		rq.access = rnd(s) % 3 == 0 ? IOMMU_ACC_WRITE : IOMMU_ACC_READ;
		unsigned at = rnd(s) % 10;
		rq.at = at == 0 ? IOMMU_AT_TRANSLATION_REQ
				: (at == 1 ? IOMMU_AT_TRANSLATED : IOMMU_AT_UNTRANSLATED);
		rq.no_write = rq.at == IOMMU_AT_TRANSLATION_REQ && rnd(s) % 2;
		// Back to back, a few cycles apart, or after the block drained.
		unsigned g = rnd(s) % 16;
		t += g < 8 ? 0 : (g < 14 ? rnd(s) % 8 : rnd(s) % 400);
		v[i].rq = rq;
		v[i].arrive = t;
	}
	return v;
}

// The model's answers and cycles for the stream, on empty caches.
bool burst_model(struct wm *w, std::vector<Expect> &v)
{
	struct wm_cached c;
	struct iommu_tparams tp;
	wm_warm(w, &v[0].rq, 0, &c); // empties every cache
	iommu_tparams_default(&tp);
	struct iommu_timing *t = iommu_timing_create(wm_iommu(w), &tp, on_done, &v);
	if (!t)
		return false;
	for (size_t i = 0; i < v.size(); i++)
		if (iommu_timing_submit(t, v[i].arrive, &v[i].rq, i))
			return false;
	iommu_timing_drain(t);
	iommu_timing_destroy(t);
	for (const Expect &e : v)
		if (!e.have)
			return false;
	return true;
}

// The stream on the RTL, from cycle base on; every response checked.
bool burst_rtl(Bench &b, struct wm *w, std::vector<Expect> &v, unsigned &walked)
{
	VTOP *t = b.tb.top.get();
	const uint64_t base = b.tb.cycle + 1;
	const bool verbose = std::getenv("TB_TOP_VERBOSE") != nullptr;
	if (verbose)
		for (size_t i = 0; i < v.size(); i++)
			std::printf("model %zu: arrive %" PRIu64 " accept %" PRIu64 " done %" PRIu64
				    " walked %d rc %d fault 0x%02x reads %u: %s\n",
				    i, v[i].arrive, v[i].r.accept, v[i].r.done, v[i].r.walked,
				    v[i].r.rc, v[i].r.resp.fault, refs_total(v[i].r.resp.refs),
				    req_str(v[i].rq).c_str());
	std::vector<int> by_tag(256, -1);
	size_t next = 0, answered = 0;
	walked = 0;
	for (uint64_t guard = 0; answered < v.size(); guard++) {
		if (guard > 10000000) {
			std::printf("burst: TIMEOUT, %zu of %zu answered\n", answered, v.size());
			return false;
		}
		bool offer = next < v.size() && base + v[next].arrive <= b.tb.cycle;
		if (offer) {
			const struct iommu_req &rq = v[next].rq;
			if (by_tag[next & 0xFF] >= 0) {
				std::printf("burst: more than 256 requests in flight\n");
				return false;
			}
			t->req_tag_i = next & 0xFF;
			t->req_sid_i = rq.sid;
			t->req_pasid_valid_i = rq.pasid_valid;
			t->req_pasid_i = rq.pasid;
			t->req_priv_i = rq.priv;
			t->req_addr_i = rq.addr;
			t->req_access_i = rq.access;
			t->req_at_i = rq.at;
			t->req_no_write_i = rq.no_write;
		}
		t->req_valid_i = offer;
		b.tb.settle();
		if (offer && t->req_ready_o) {
			const Expect &e = v[next];
			if (b.tb.cycle != base + e.r.accept) {
				std::printf("burst: request %zu accepted at %" PRIu64
					    ", model %" PRIu64 "\n",
					    next, b.tb.cycle - base, e.r.accept);
				return false;
			}
			by_tag[next & 0xFF] = static_cast<int>(next);
			if (verbose)
				std::printf("rtl: accept %zu at %" PRIu64 "\n", next,
					    b.tb.cycle - base);
			next++;
		}
		if (t->rsp_valid_o) {
			int i = by_tag[t->rsp_tag_o];
			if (i < 0) {
				std::printf("burst: response of tag %u without a request\n",
					    t->rsp_tag_o);
				return false;
			}
			by_tag[t->rsp_tag_o] = -1;
			if (verbose)
				std::printf("rtl: response %d at %" PRIu64 " walked %d\n", i,
					    b.tb.cycle - base, t->rsp_walked_o);
			Expect &e = v[i];
			const struct iommu_resp &m = e.r.resp;
			unsigned st = e.r.rc == 0 ? ST_OK : (m.unsupported ? ST_UR : ST_FAULT);
			const char *bad = nullptr;
			if (t->rsp_status_o != st)
				bad = "status";
			else if (t->rsp_fault_o != static_cast<unsigned>(m.fault))
				bad = "fault reason";
			else if (st == ST_OK && m.fault == VTD_FR_NONE &&
				 (t->rsp_hpa_o != m.hpa ||
				  t->rsp_page_size_o != log2_size(m.page_size) ||
				  t->rsp_perm_o != m.perm || t->rsp_global_o != m.global))
				bad = "translation";
			else if (static_cast<bool>(t->rsp_walked_o) != e.r.walked)
				bad = "walked";
			else if (b.tb.cycle != base + e.r.done + 1)
				bad = "response cycle";
			if (bad) {
				std::printf("burst: MISMATCH (%s), request %d: %s\n", bad, i,
					    req_str(e.rq).c_str());
				std::printf("  model: arrive %" PRIu64 " accept %" PRIu64
					    " done %" PRIu64 " (port %" PRIu64
					    ") walked %d rc %d fault 0x%02x hpa 0x%016" PRIx64
					    " size 2^%u perm 0x%x global %d\n",
					    e.arrive, e.r.accept, e.r.done, e.r.done + 1,
					    e.r.walked, e.r.rc, m.fault, m.hpa,
					    m.page_size ? log2_size(m.page_size) : 0, m.perm,
					    m.global);
				std::printf("  rtl:   response at %" PRIu64
					    " walked %d status %u fault 0x%02x hpa 0x%016" PRIx64
					    " size 2^%u perm 0x%x global %d\n",
					    b.tb.cycle - base, t->rsp_walked_o, t->rsp_status_o,
					    t->rsp_fault_o, t->rsp_hpa_o, t->rsp_page_size_o,
					    t->rsp_perm_o, t->rsp_global_o);
				return false;
			}
			walked += e.r.walked;
			answered++;
		}
		if (verbose && t->walk_start_o)
			std::printf("rtl: walk start at %" PRIu64 "\n", b.tb.cycle - base);
		if (verbose && t->mem_req_valid_o && t->mem_req_ready_i)
			std::printf("rtl: mem id %u %s 0x%" PRIx64 " at %" PRIu64 "\n",
				    t->mem_req_id_o, t->mem_req_we_o ? "write" : "read",
				    static_cast<uint64_t>(t->mem_req_addr_o), b.tb.cycle - base);
		b.cycle(w);
	}
	t->req_valid_i = 0;
	while (!b.pend.empty())
		b.cycle(w);
	return true;
}

} // namespace

int main(int argc, char **argv)
{
	int rc = 0;
	for (unsigned variant = 0; variant < 2 && rc == 0; variant++) {
		struct wm *w = world(variant);
		if (!w) {
			std::fprintf(stderr, "tb_top: cannot build test world %u\n", variant);
			return 1;
		}
		Bench b(argc, argv);
		b.program(w);
		Checker c{b, w};
		for (const struct iommu_req &rq : requests(w)) {
			if (!c.check(rq)) {
				rc = 1;
				break;
			}
		}
		std::printf("world %u: %u responses compared: %u ok, %u faults; %u walked, %u from "
			    "the caches%s\n",
			    variant, c.n_checked, c.n_ok, c.n_fault, c.n_walked, c.n_hit,
			    rc ? " (FAILED)" : "");
		if (rc == 0 && (c.n_hit == 0 || c.n_walked == 0 || c.n_fault == 0)) {
			std::printf("tb_top: world %u did not exercise hits, walks and faults\n",
				    variant);
			rc = 1;
		}
		wm_destroy(w);
	}
	// Bursts, cycle for cycle, in world 0 (A/D bits preset: the tables stay
	// as they are, so the model and the RTL read the same memory).
	for (uint64_t seed = 1; seed <= 4 && rc == 0; seed++) {
		struct wm *w = world(0);
		if (!w)
			return 1;
		std::vector<Expect> v = burst_stream(w, seed, 3000);
		if (!burst_model(w, v)) {
			std::printf("burst %" PRIu64 ": the model did not answer every request\n",
				    seed);
			rc = 1;
		} else {
			Bench b(argc, argv);
			b.program(w);
			unsigned walked = 0;
			bool ok = burst_rtl(b, w, v, walked);
			std::printf("burst %" PRIu64
				    ": %zu requests, %u walked, cycle for cycle%s\n",
				    seed, v.size(), walked, ok ? "" : " (FAILED)");
			if (!ok)
				rc = 1;
			else if (walked == 0 || walked == v.size())
				rc = 1;
		}
		wm_destroy(w);
	}
	return rc;
}
