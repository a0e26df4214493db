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
// Page requests (docs/uarch.md section 8.1), cycle for cycle: world 0 with
// ECAP.PRS, every other device given PRI (context entry PRE); a seeded
// stream of page requests (devices with and without PRI, an absent device,
// with and without a PASID, stop markers, requests that are not last in
// their group) beside a translation burst, on the timing engine and on the
// RTL. Every page request must be taken and finished in the model's cycles;
// the page group responses (fields, and one cycle after the model's), the
// number of fault records and page request events, PQT, PRS, PECTL and every
// word of the page request queue (it overflows: PRO and Success) must agree.
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
#include "iommu/vtd_prq.h"
#include "iommu/vtd_qi.h"
#include "iommu/vtd_regs.h"
}
#include "walker/walker_model.h"

namespace
{

enum { ST_OK = 0, ST_FAULT = 1, ST_UR = 2 };

const unsigned kMemLatency = 50; // mem.latency (iommu_params_pkg::MemLatency)

// A test world whose model has the verilated block's paging-structure
// caches: the package's (the model's defaults), or the ways the build gave
// the block (RTL_PARAM_*).
struct wm *world(unsigned variant, bool page_req = false)
{
	struct iommu_config d;
	iommu_config_default(&d);
#ifdef RTL_PARAM_FlPwcWays
	d.fl_pwc.ways = RTL_PARAM_FlPwcWays;
#endif
#ifdef RTL_PARAM_SlPwcWays
	d.sl_pwc.ways = RTL_PARAM_SlPwcWays;
#endif
	return wm_create_prq(variant, d.fl_pwc.ways, d.sl_pwc.ways, page_req);
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
	// Combinational outputs of the last cycle (with its memory response).
	bool prq_done = false, flt_recorded = false, prq_event = false;
	// Invalidation wait status writes granted: cycle, data.
	std::vector<std::pair<uint64_t, uint32_t>> wait_grants;

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
		prq_done = t->prq_done_o;
		flt_recorded = t->flt_recorded_o;
		prq_event = t->prq_event_o;
		if (t->mem_req_valid_o && t->mem_req_ready_i) {
			Pending p{};
			p.id = t->mem_req_id_o;
			p.due = tb.cycle + kMemLatency;
			if (t->mem_req_we_o && t->mem_req_w4_o) {
				// A wait's status write (4 bytes): read, merge, write.
				uint64_t pa = t->mem_req_addr_o + t->mem_req_wofs_o;
				uint64_t old = wm_peek(w, pa & ~7ull);
				unsigned sh = 8 * (pa & 4);
				uint64_t v = (old & ~(0xFFFFFFFFull << sh)) |
					     ((t->mem_req_wdata_o & 0xFFFFFFFFull) << sh);
				p.err = wm_word_write(w, pa & ~7ull, v) != 0;
				wait_grants.push_back({tb.cycle, (uint32_t)t->mem_req_wdata_o});
			} else if (t->mem_req_we_o) {
				p.err = wm_word_write(w, t->mem_req_addr_o + t->mem_req_wofs_o,
						      t->mem_req_wdata_o) != 0;
			} else {
				p.err = wm_line_read(w, t->mem_req_addr_o, p.data) != 0;
			}
			pend.push_back(p);
		}
		tb.tick();
	}

	uint64_t reg_read(struct wm *w, unsigned addr, unsigned size)
	{
		VTOP *t = tb.top.get();
		t->reg_req_i = 1;
		t->reg_we_i = 0;
		t->reg_addr_i = addr;
		t->reg_size_i = size;
		tb.settle();
		uint64_t v = t->reg_rdata_o;
		cycle(w);
		t->reg_req_i = 0;
		return v;
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

// ---- Page requests (docs/uarch.md section 8.1) -----------------------------------

struct PrExpect {
	struct iommu_page_req pr {
	};
	uint64_t arrive = 0;
	bool have = false;
	struct iommu_timed_pr r {
	};
};

// A page group response as it leaves (the model: the cycle of its pri
// callback; the RTL: the cycle before it is on the registered port).
using PrResp = TbPageResp;

// Page requests running beside a burst: the stream, the model's responses
// and what the model left in the page request queue.
struct PrRun {
	std::vector<PrExpect> v;
	std::vector<PrResp> m_rsp, r_rsp;
	struct iommu_timing *t = nullptr;
	uint64_t pqa = 0, pqh = 0, pqt = 0, pectl = 0; // before the run
	uint64_t m_pqt = 0, m_prs = 0, m_pectl = 0;    // after the model's run
	std::vector<uint64_t> m_queue;                 // the queue's words, model
	uint64_t m_recorded = 0, r_recorded = 0;       // fault records (both paths)
	uint64_t m_events = 0, r_events = 0;           // page request events sent
	unsigned queued = 0, answered = 0, faults = 0;
	// Software's invalidation queue: IQA, and IQT written at these cycles;
	// the waits' status writes (grant cycle, data).
	uint64_t iqa = 0, base = 0; // base: the RTL's cycle 0
	std::vector<std::pair<uint64_t, uint64_t>> sw;
	std::vector<std::pair<uint64_t, uint32_t>> m_wait;
	unsigned pd_waits = 0, qi_rsp = 0;
};

void on_wait(void *ctx, const uint64_t qw[4])
{
	auto *p = static_cast<PrRun *>(ctx);
	p->m_wait.push_back({iommu_timing_now(p->t), (uint32_t)(qw[0] >> 32)});
}

// Software's invalidation queue beside the page requests: a 256-bit queue
// from IQH = 0, and every few thousand cycles a batch of page group
// responses (0x9, random groups and codes) and a wait with SW, mostly with
// PD (it waits for the page request the unit holds), now and then with IF.
// The model's queue emptied and enabled again (IQH = IQT = 0), 256-bit; the
// RTL gets the same IQA. Returns the queue's base.
uint64_t qi_reset(struct wm *w, PrRun &pr)
{
	struct iommu *mmu = wm_iommu(w);
	uint32_t te = wm_te(w) ? (uint32_t)VTD_GCMD_TE : 0;
	uint64_t iqa = iommu_reg_read(mmu, VTD_REG_IQA, 8);
	pr.iqa = (iqa & ~0xFFFull) | VTD_IQA_DW; // one page: 128 descriptors
	iommu_reg_write(mmu, VTD_REG_GCMD, 4, te);
	iommu_reg_write(mmu, VTD_REG_IQA, 8, pr.iqa);
	iommu_reg_write(mmu, VTD_REG_IQT, 8, 0);
	iommu_reg_write(mmu, VTD_REG_GCMD, 4, te | (uint32_t)VTD_GCMD_QIE);
	return pr.iqa & ~0xFFFull;
}

void qi_program(struct wm *w, PrRun &pr, uint64_t seed, uint64_t span)
{
	const struct wm_target *tl;
	size_t nt = wm_targets(w, &tl);
	uint64_t s = seed * 0x9E3779B97F4A7C15ull + 3, tail = 0;
	const uint64_t base = qi_reset(w, pr), status = 0x080000000000ull;
	unsigned waits = 0;
	for (uint64_t c = 1500 + rnd(s) % 1000; c < span && tail + 5 * 32 < 4096;
	     c += 2000 + rnd(s) % 6000) {
		unsigned n = rnd(s) % 4;
		for (unsigned k = 0; k <= n; k++) {
			uint64_t qw[4];
			if (k < n) {
				const struct wm_target &tg = tl[rnd(s) % nt];
				static const unsigned codes[] = {0x0, 0x1, 0xF};
				vtd_desc_pgrp_resp(qw, tg.sid, tg.pasid_valid, tg.pasid,
						   (uint16_t)(rnd(s) & 0x1FF), codes[rnd(s) % 3]);
				pr.qi_rsp++;
			} else {
				unsigned f = VTD_WAIT_SW;
				if (rnd(s) % 4 != 0) {
					f |= VTD_WAIT_PD;
					pr.pd_waits++;
				}
				if (rnd(s) % 4 == 0)
					f |= VTD_WAIT_IF;
				vtd_desc_wait(qw, f, status + 4 * waits, 0xA000 + waits);
				waits++;
			}
			for (unsigned i = 0; i < 4; i++)
				wm_word_write(w, base + tail + 8 * i, qw[i]);
			tail += 32;
		}
		pr.sw.push_back({c, tail});
	}
}

void on_pr_done(void *ctx, const struct iommu_timed_pr *r)
{
	auto *p = static_cast<PrRun *>(ctx);
	p->v[r->tag].r = *r;
	p->v[r->tag].have = true;
}

void on_pr_rsp(void *ctx, uint16_t sid, bool pv, uint32_t pasid, uint16_t prgi, unsigned code)
{
	auto *p = static_cast<PrRun *>(ctx);
	p->m_rsp.push_back({sid, pv, pasid, prgi, code, iommu_timing_now(p->t)});
}

const struct iommu_pri_ops kPri = {on_pr_rsp};

// Seeded page requests from the world's devices: with PRI (PRE set), without
// it (0x47), an absent device (root entry not present), with and without a
// PASID, stop markers and requests that are not last in their group, some
// back to back, most a few hundred cycles apart (the queue of 128
// descriptors overflows near the end).
std::vector<PrExpect> pr_stream(struct wm *w, uint64_t seed, unsigned n)
{
	std::vector<PrExpect> v(n);
	const struct wm_target *tl;
	size_t nt = wm_targets(w, &tl);
	uint64_t s = seed * 0xD1B54A32D192ED03ull + 7, t = 0;
	for (unsigned i = 0; i < n; i++) {
		struct iommu_page_req pr {
		};
		unsigned k = rnd(s) % 100;
		if (k < 4) {
			pr.sid = 0xFFF7;
		} else {
			const struct wm_target &tg = tl[rnd(s) % nt];
			pr.sid = tg.sid;
			pr.pasid_valid = tg.pasid_valid && rnd(s) % 4 != 0;
			pr.pasid = pr.pasid_valid ? tg.pasid : 0;
		}
		pr.addr = (rnd(s) & 0xFFFFFFFFF000ull) | (rnd(s) & 0xFFF);
		unsigned a = rnd(s) % 8;
		pr.read = a != 0 && a != 7;
		pr.write = a >= 4;
		pr.lpig = rnd(s) % 4 != 0 || a == 0;
		if (pr.pasid_valid) {
			pr.priv = rnd(s) % 4 == 0;
			pr.exec = pr.read && rnd(s) % 4 == 0;
		}
		pr.prgi = (uint16_t)(rnd(s) & 0x1FF);
		unsigned g = rnd(s) % 16;
		t += g < 3 ? 0 : (g < 6 ? rnd(s) % 64 : 100 + rnd(s) % 400);
		v[i].pr = pr;
		v[i].arrive = t;
	}
	return v;
}

// The model's answers and cycles for the stream, on empty caches.
bool burst_model(struct wm *w, std::vector<Expect> &v, PrRun *pr = nullptr)
{
	struct wm_cached c;
	struct iommu_tparams tp;
	wm_warm(w, &v[0].rq, 0, &c); // empties every cache
	iommu_tparams_default(&tp);
	struct iommu *mmu = wm_iommu(w);
	struct iommu_timing *t = iommu_timing_create(mmu, &tp, on_done, &v);
	if (!t)
		return false;
	uint64_t rec0 = iommu_stats(mmu)->faults_recorded;
	uint64_t ev0 = iommu_stats(mmu)->prq_events;
	if (pr) {
		pr->t = t;
		pr->pqa = iommu_reg_read(mmu, VTD_REG_PQA, 8);
		pr->pqh = iommu_reg_read(mmu, VTD_REG_PQH, 8);
		pr->pqt = iommu_reg_read(mmu, VTD_REG_PQT, 8);
		pr->pectl = iommu_reg_read(mmu, VTD_REG_PECTL, 4);
		iommu_timing_set_pr_done(t, on_pr_done, pr);
		iommu_set_pri(mmu, &kPri, pr);
		if (iommu_add_qi_observer(mmu, {nullptr, on_wait, nullptr}, pr))
			return false;
		for (size_t i = 0; i < pr->v.size(); i++)
			if (iommu_timing_page_request(t, pr->v[i].arrive, &pr->v[i].pr, i))
				return false;
	}
	for (size_t i = 0; i < v.size(); i++)
		if (iommu_timing_submit(t, v[i].arrive, &v[i].rq, i))
			return false;
	// Software's IQT writes, applied after their cycle (as the RTL's
	// register port applies a write after the block's own updates).
	for (const auto &e : pr ? pr->sw : std::vector<std::pair<uint64_t, uint64_t>>()) {
		iommu_timing_advance(t, e.first + 1);
		iommu_reg_write(mmu, VTD_REG_IQT, 8, e.second);
	}
	iommu_timing_drain(t);
	iommu_timing_destroy(t);
	for (const Expect &e : v)
		if (!e.have)
			return false;
	if (pr) {
		iommu_set_pri(mmu, nullptr, nullptr);
		iommu_remove_qi_observer(mmu, pr);
		pr->t = nullptr;
		for (const PrExpect &e : pr->v)
			if (!e.have)
				return false;
		pr->m_recorded = iommu_stats(mmu)->faults_recorded - rec0;
		pr->m_events = iommu_stats(mmu)->prq_events - ev0;
		pr->m_pqt = iommu_reg_read(mmu, VTD_REG_PQT, 8);
		pr->m_prs = iommu_reg_read(mmu, VTD_REG_PRS, 4);
		pr->m_pectl = iommu_reg_read(mmu, VTD_REG_PECTL, 4);
		// The queue as the model left it; emptied for the RTL's run.
		uint64_t base = pr->pqa & ~0xFFFull, bytes = 4096ull << (pr->pqa & 7);
		for (uint64_t a = 0; a < bytes; a += 8) {
			pr->m_queue.push_back(wm_peek(w, base + a));
			wm_word_write(w, base + a, 0);
		}
	}
	return true;
}

// After both runs: the page group responses (fields and cycles), fault
// records, events, the page request registers and the queue's contents.
bool pr_check(Bench &b, struct wm *w, PrRun &pr)
{
	if (pr.r_rsp.size() != pr.m_rsp.size()) {
		std::printf("page requests: %zu page group responses, model %zu\n", pr.r_rsp.size(),
			    pr.m_rsp.size());
		for (int side = 0; side < 2; side++)
			for (const PrResp &r : side ? pr.m_rsp : pr.r_rsp)
				std::printf("  %s: sid 0x%04x prgi %u code %u at %" PRIu64 "\n",
					    side ? "model" : "rtl", r.sid, r.prgi, r.code, r.cycle);
		return false;
	}
	for (size_t i = 0; i < pr.r_rsp.size(); i++) {
		const PrResp &r = pr.r_rsp[i], &m = pr.m_rsp[i];
		if (!(r == m)) {
			std::printf("page requests: response %zu: RTL sid 0x%04x pv %d pasid 0x%x "
				    "prgi %u code %u at %" PRIu64 "; model sid 0x%04x pv %d pasid "
				    "0x%x prgi %u code %u at %" PRIu64 "\n",
				    i, r.sid, r.pv, r.pasid, r.prgi, r.code, r.cycle, m.sid, m.pv,
				    m.pasid, m.prgi, m.code, m.cycle);
			return false;
		}
	}
	if (b.wait_grants.size() != pr.m_wait.size()) {
		std::printf("page requests: %zu wait status writes, model %zu\n",
			    b.wait_grants.size(), pr.m_wait.size());
		return false;
	}
	for (size_t i = 0; i < pr.m_wait.size(); i++) {
		const auto &r = b.wait_grants[i], &m = pr.m_wait[i];
		if (r.first - pr.base != m.first || r.second != m.second) {
			std::printf("page requests: wait %zu: status 0x%x written at %" PRIu64
				    ", model 0x%x at %" PRIu64 "\n",
				    i, r.second, r.first - pr.base, m.second, m.first);
			return false;
		}
	}
	if (pr.r_recorded != pr.m_recorded || pr.r_events != pr.m_events) {
		std::printf("page requests: %" PRIu64 " fault records and %" PRIu64
			    " events, model %" PRIu64 " and %" PRIu64 "\n",
			    pr.r_recorded, pr.r_events, pr.m_recorded, pr.m_events);
		return false;
	}
	struct {
		unsigned off, size;
		uint64_t want;
		const char *name;
	} regs[] = {{VTD_REG_PQT, 8, pr.m_pqt, "PQT"},
		    {VTD_REG_PRS, 4, pr.m_prs, "PRS"},
		    {VTD_REG_PECTL, 4, pr.m_pectl, "PECTL"}};
	for (const auto &r : regs) {
		uint64_t got = b.reg_read(w, r.off, r.size);
		if (got != r.want) {
			std::printf("page requests: %s 0x%" PRIx64 ", model 0x%" PRIx64 "\n",
				    r.name, got, r.want);
			return false;
		}
	}
	uint64_t base = pr.pqa & ~0xFFFull;
	for (size_t i = 0; i < pr.m_queue.size(); i++) {
		uint64_t got = wm_peek(w, base + 8 * i);
		if (got != pr.m_queue[i]) {
			std::printf("page requests: queue word %zu: 0x%016" PRIx64
				    ", model 0x%016" PRIx64 "\n",
				    i, got, pr.m_queue[i]);
			return false;
		}
	}
	for (const PrExpect &e : pr.v) {
		pr.queued += e.r.res.outcome == IOMMU_PR_QUEUED;
		pr.answered += e.r.res.outcome == IOMMU_PR_RESPONDED;
		pr.faults += e.r.res.fault != VTD_FR_NONE;
	}
	return true;
}

// The stream on the RTL, from cycle base on; every response checked.
bool burst_rtl(Bench &b, struct wm *w, std::vector<Expect> &v, unsigned &walked,
	       PrRun *pr = nullptr)
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
	size_t pr_next = 0, pr_done = 0, pr_n = pr ? pr->v.size() : 0, sw_next = 0;
	size_t sw_n = pr ? pr->sw.size() : 0, wait_n = pr ? pr->m_wait.size() : 0;
	walked = 0;
	b.wait_grants.clear();
	// A page group response on the (registered) port left in the cycle before.
	auto grab_prsp = [&]() {
		PrResp r;
		if (pr && tb_page_resp(t, b.tb.cycle - base - 1, &r))
			pr->r_rsp.push_back(r);
	};
	if (pr)
		pr->base = base;
	for (uint64_t guard = 0; answered < v.size() || pr_done < pr_n || sw_next < sw_n ||
				 b.wait_grants.size() < wait_n;
	     guard++) {
		if (guard > 2000000) {
			std::printf("burst: TIMEOUT, %zu of %zu answered, page requests %zu of %zu "
				    "taken, %zu finished\n",
				    answered, v.size(), pr_next, pr_n, pr_done);
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
		bool pr_offer = pr_next < pr_n && base + pr->v[pr_next].arrive <= b.tb.cycle;
		if (pr_offer) {
			const struct iommu_page_req &q = pr->v[pr_next].pr;
			t->pr_sid_i = q.sid;
			t->pr_pasid_valid_i = q.pasid_valid;
			t->pr_pasid_i = q.pasid;
			t->pr_priv_i = q.priv;
			t->pr_exec_i = q.exec;
			t->pr_read_i = q.read;
			t->pr_write_i = q.write;
			t->pr_lpig_i = q.lpig;
			t->pr_prgi_i = q.prgi;
			t->pr_addr_i = q.addr >> 12;
		}
		t->pr_valid_i = pr_offer;
		bool sw_write = sw_next < (pr ? pr->sw.size() : 0) &&
				base + pr->sw[sw_next].first == b.tb.cycle;
		if (sw_write) {
			t->reg_req_i = 1;
			t->reg_we_i = 1;
			t->reg_addr_i = VTD_REG_IQT;
			t->reg_size_i = 8;
			t->reg_wdata_i = pr->sw[sw_next].second;
			sw_next++;
		}
		b.tb.settle();
		if (pr_offer && t->pr_ready_o) {
			const PrExpect &e = pr->v[pr_next];
			if (b.tb.cycle != base + e.r.accept) {
				std::printf("burst: page request %zu accepted at %" PRIu64
					    ", model %" PRIu64 "\n",
					    pr_next, b.tb.cycle - base, e.r.accept);
				return false;
			}
			pr_next++;
		}
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
		grab_prsp();
		if (verbose && t->walk_start_o)
			std::printf("rtl: walk start at %" PRIu64 "\n", b.tb.cycle - base);
		if (verbose && t->mem_req_valid_o && t->mem_req_ready_i)
			std::printf("rtl: mem id %u %s 0x%" PRIx64 " at %" PRIu64 "\n",
				    t->mem_req_id_o, t->mem_req_we_o ? "write" : "read",
				    static_cast<uint64_t>(t->mem_req_addr_o), b.tb.cycle - base);
		b.cycle(w);
		t->reg_req_i = 0;
		t->reg_we_i = 0;
		// The cycle just run (its memory response included).
		const uint64_t now = b.tb.cycle - 1;
		if (pr && b.prq_done) {
			const PrExpect &e = pr->v[pr_done];
			if (pr_done >= pr_next || now != base + e.r.done) {
				std::printf(
					"burst: page request %zu (sid 0x%04x pv %d prgi %u lpig %d "
					"r %d w %d) finished at %" PRIu64 ", model %" PRIu64
					" (accept %" PRIu64 ", outcome %d code %u fault 0x%02x)\n",
					pr_done, e.pr.sid, e.pr.pasid_valid, e.pr.prgi, e.pr.lpig,
					e.pr.read, e.pr.write, now - base, e.r.done, e.r.accept,
					e.r.res.outcome, e.r.res.code, e.r.res.fault);
				return false;
			}
			pr_done++;
		}
		if (pr && b.flt_recorded)
			pr->r_recorded++;
		if (pr && b.prq_event)
			pr->r_events++;
	}
	t->req_valid_i = 0;
	t->pr_valid_i = 0;
	// The memory drains; a page group response of the last cycle is on the
	// (registered) port in this one.
	for (int tail = 2; tail > 0; tail -= b.pend.empty()) {
		b.tb.settle();
		grab_prsp();
		b.cycle(w);
	}
	return pr ? pr_check(b, w, *pr) : true;
}

// The RTL's run of a stream with page requests: registers as the model's
// were before its run, then burst_rtl.
bool pr_rtl(int argc, char **argv, struct wm *w, std::vector<Expect> &v, PrRun &pr)
{
	Bench b(argc, argv);
	b.program(w);
	b.reg_write(w, VTD_REG_PQA, pr.pqa);
	b.reg_write(w, VTD_REG_PQH, pr.pqh);
	b.reg_write(w, VTD_REG_PQT, pr.pqt);
	b.reg_write(w, VTD_REG_PECTL, pr.pectl);
	b.reg_write(w, VTD_REG_IQA, pr.iqa);
	b.reg_write(w, VTD_REG_IQT, 0);
	b.reg_write(w, VTD_REG_GCMD, (wm_te(w) ? VTD_GCMD_TE : 0) | VTD_GCMD_QIE);
	unsigned walked = 0;
	return burst_rtl(b, w, v, walked, &pr);
}

// A world with ECAP.PRS, every other device with PRI.
struct wm *pr_world()
{
	struct wm *w = world(0, true);
	const struct wm_target *tl;
	size_t nt = w ? wm_targets(w, &tl) : 0;
	for (size_t i = 0; i < nt; i += 2)
		if (wm_set_pri(w, tl[i].sid)) {
			std::printf("page requests: cannot set PRI on 0x%04x\n", tl[i].sid);
			wm_destroy(w);
			return nullptr;
		}
	return w;
}

// Port contention, aimed. Fault input: a page request from a device without
// PRI (root and context entries read, refused with fault 0x47, recorded,
// its group answered Invalid Request) against a translated request from a
// device without ATS whose context entry is cached (refused with 0x44 in
// stage R, recorded, no memory). Page group response port: with
// translation off the unit refuses a page request the cycle after it takes
// it (Invalid Request, no read), against a page group response descriptor
// (0x9). Each is timed, from lone runs of the model, to leave in the cycles
// around the unit's decision, one run per offset. The unit must give way
// by a cycle when they meet; the model says in which runs it did, and the
// RTL must agree cycle for cycle in every run. Returns the runs in which
// the unit gave way, or -1 on a failure.
// One aimed run: the page request at P, the translation at t_arrive (or the
// IQT write at t_write); false on a difference.
struct Aim {
	bool queue;
	uint64_t t_arrive, t_write;
	bool lone_tr, lone_pr; // the model alone, to measure
	PrRun pr;
	std::vector<Expect> v;
};

bool aim_run(int argc, char **argv, Aim &a)
{
	const uint64_t P = 1000;
	struct wm *w = pr_world();
	if (!w)
		return false;
	{
		const struct wm_target *tl;
		size_t nt = wm_targets(w, &tl);
		uint16_t no_pri = 0;
		PrRun &pr = a.pr;
		std::vector<Expect> &v = a.v;
		const bool queue = a.queue;
		for (size_t i = 1; i < nt && !no_pri; i += 2) {
			bool pri = false;
			for (size_t j = 0; j < nt; j += 2)
				pri |= tl[j].sid == tl[i].sid;
			if (!pri)
				no_pri = tl[i].sid;
		}
		pr = PrRun();
		pr.v.resize(a.lone_tr ? 0 : 1);
		if (!a.lone_tr) {
			pr.v[0].pr.sid = no_pri;
			pr.v[0].pr.read = true;
			pr.v[0].pr.lpig = true;
			pr.v[0].pr.prgi = 0x42;
			pr.v[0].pr.addr = 0x7000;
			pr.v[0].arrive = P;
		}
		// A device without ATS: its context entry cached by a first
		// request, a translated request is refused (0x44) in stage R,
		// without memory.
		size_t k = 0;
		while (k + 1 < nt && tl[k].dte)
			k++;
		v.assign(queue ? 1 : 2, Expect());
		v[0].rq.sid = tl[k].sid;
		v[0].rq.pasid_valid = tl[k].pasid_valid;
		v[0].rq.pasid = tl[k].pasid;
		v[0].rq.addr = tl[k].size ? tl[k].iova : 0x40000000;
		if (!queue) {
			v[1].rq.sid = tl[k].sid;
			v[1].rq.addr = 0x1000;
			v[1].rq.at = IOMMU_AT_TRANSLATED;
			v[1].arrive = a.lone_pr ? 500 : a.t_arrive;
		}
		// The queue's sweep: translation off, so that the unit refuses
		// the request (step 1) the cycle after it takes it, with no read.
		if (queue)
			wm_set_te(w, false);
		uint64_t base = qi_reset(w, pr);
		if (queue && !a.lone_pr) {
			// Fetched the cycle after the IQT write, executed when the
			// fetch returns.
			uint64_t qw[4];
			vtd_desc_pgrp_resp(qw, tl[2].sid, false, 0, 0x11, 0);
			for (unsigned i = 0; i < 4; i++)
				wm_word_write(w, base + 8 * i, qw[i]);
			pr.sw.push_back({a.t_write, 32});
		}
		bool ok = burst_model(w, v, &pr);
		if (ok && !a.lone_tr && !a.lone_pr)
			ok = pr_rtl(argc, argv, w, v, pr);
		wm_destroy(w);
		return ok;
	}
}

int pr_contention(int argc, char **argv, bool queue)
{
	// Alone: the translation's response and the page request's decision.
	Aim t{queue, 500, 0, true, false, {}, {}}, p{queue, 0, 0, false, true, {}, {}};
	if (!aim_run(argc, argv, t) || !aim_run(argc, argv, p))
		return -1;
	const uint64_t lat = queue ? 0 : t.v[1].r.done - t.v[1].arrive;
	const uint64_t dec = p.pr.v[0].r.done, took = dec - p.pr.v[0].r.accept;
	int gave_way = 0;
	for (int off = -3; off <= 3; off++) {
		// The fault response, or the 0x9 executing (fetched the cycle
		// after the IQT write, executed when the fetch returns), at
		// dec + off.
		Aim a{queue, dec + off - lat, dec + off - (kMemLatency + 1), false, false, {}, {}};
		if (!aim_run(argc, argv, a)) {
			std::printf("contention (%s), offset %d: FAILED\n",
				    queue ? "page group response port" : "fault input", off);
			return -1;
		}
		gave_way += a.pr.v[0].r.done - a.pr.v[0].r.accept != took;
	}
	return gave_way;
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
	for (bool queue : {false, true}) {
		if (rc)
			break;
		int n = pr_contention(argc, argv, queue);
		std::printf("page requests: %s taken by another in %d of 7 aimed runs, cycle for "
			    "cycle%s\n",
			    queue ? "page group response port" : "fault input", n,
			    n > 0 ? "" : " (FAILED)");
		if (n <= 0)
			rc = 1;
	}
	// Page requests beside translations, cycle for cycle (world 0 with
	// ECAP.PRS; every other device with PRI): the page request unit shares
	// the memory port and the fault input with the translation path.
	for (uint64_t seed = 1; seed <= 2 && rc == 0; seed++) {
		struct wm *w = pr_world();
		if (!w)
			return 1;
		std::vector<Expect> v = burst_stream(w, seed + 10, 1500);
		PrRun pr;
		pr.v = pr_stream(w, seed, 400);
		qi_program(w, pr, seed, pr.v.back().arrive);
		if (rc == 0 && !burst_model(w, v, &pr)) {
			std::printf("page requests %" PRIu64 ": the model did not finish\n", seed);
			rc = 1;
		} else if (rc == 0) {
			bool ok = pr_rtl(argc, argv, w, v, pr);
			std::printf(
				"page requests %" PRIu64
				": %zu beside %zu translations: %u queued, "
				"%u answered by the IOMMU, %u faults, %zu page group responses "
				"(%u from the queue), %zu waits (%u with PD), cycle for cycle%s\n",
				seed, pr.v.size(), v.size(), pr.queued, pr.answered, pr.faults,
				pr.m_rsp.size(), pr.qi_rsp, pr.m_wait.size(), pr.pd_waits,
				ok ? "" : " (FAILED)");
			if (!ok || pr.queued == 0 || pr.answered == 0 || pr.faults == 0 ||
			    pr.pd_waits == 0)
				rc = 1;
		}
		wm_destroy(w);
	}
	return rc;
}
