// Harness of tb_regs.cpp and tb_qi.cpp: the RTL register file and queue
// engine (tb_qi_top.sv) next to a model instance (iommu_create) with its
// timing engine (iommu_timing_create), over two copies of one memory image.
//
// Cycles: the RTL's cycle c (tb.cycle) is the timing engine's cycle c. A
// register write the RTL takes at cycle c is visible to the RTL from c + 1,
// where the model does it (iommu_timing_advance to c + 1, then
// iommu_reg_write): software actions happen before the model's step of that
// cycle, so both may fetch from c + 1. Faults follow the same rule, after the
// cycle's register write.
//
// Around the RTL: the memory port is always ready, a read answers mem.latency
// cycles after its transfer with the line as it is then in the RTL's copy of
// memory (err for a page marked bad), a write is applied and logged at its
// transfer and answered mem.latency cycles later; device-TLB requests are
// always taken, and an endpoint answers 2 x ats.link_latency +
// ats.devtlb_inv_latency cycles after the request unless its SID is dead
// (never answers) or held (answers when released).
//
// Logged for comparison: status writes (model: its memory writes), device-TLB
// invalidations (model: the ATS callback), executed descriptors (model: a
// queue observer) and the RTL's invalidation requests, and the cycles of the
// timing engine's events (descriptor fetch and status write grants,
// descriptor and wait completions, from its statistics) and the RTL's.
#ifndef IOMMUSIM_TB_QI_HARNESS_H
#define IOMMUSIM_TB_QI_HARNESS_H

#include <array>
#include <cinttypes>
#include <cstring>
#include <deque>
#include <map>
#include <set>
#include <vector>

#include "tb_common.h"
#include VTOP_HEADER

extern "C" {
#include "iommu/iommu.h"
#include "iommu/timing.h"
#include "iommu/vtd_prq.h"
#include "iommu/vtd_regs.h"
}
#include "qi/qi_shim.h"

namespace qi
{

// Sparse byte memory; pages in `bad` fail every access.
struct Mem {
	std::map<uint64_t, std::vector<uint8_t>> pages;
	std::set<uint64_t> bad;

	bool ok(uint64_t pa, size_t len) const
	{
		for (uint64_t p = pa >> 12; p <= (pa + len - 1) >> 12; p++)
			if (bad.count(p))
				return false;
		return true;
	}
	uint8_t *byte(uint64_t pa)
	{
		auto &pg = pages[pa >> 12];
		if (pg.empty())
			pg.assign(4096, 0);
		return &pg[pa & 0xFFF];
	}
	bool read(uint64_t pa, void *buf, size_t len)
	{
		if (!ok(pa, len))
			return false;
		for (size_t i = 0; i < len; i++)
			static_cast<uint8_t *>(buf)[i] = *byte(pa + i);
		return true;
	}
	bool write(uint64_t pa, const void *buf, size_t len)
	{
		if (!ok(pa, len))
			return false;
		for (size_t i = 0; i < len; i++)
			*byte(pa + i) = static_cast<const uint8_t *>(buf)[i];
		return true;
	}
	void wr64(uint64_t pa, uint64_t v)
	{
		uint8_t b[8];
		for (int i = 0; i < 8; i++)
			b[i] = (uint8_t)(v >> (8 * i));
		write(pa, b, 8);
	}
};

struct StatusWrite {
	uint64_t addr;
	uint32_t data;
	uint64_t cycle;
	bool operator==(const StatusWrite &o) const
	{
		return addr == o.addr && data == o.data;
	}
};

struct DevtlbInv {
	uint16_t sid;
	bool pv;
	uint32_t pasid;
	bool global;
	uint64_t base, size; // size 0: everything
	uint64_t cycle;
	unsigned itag;
	bool operator==(const DevtlbInv &o) const
	{
		return sid == o.sid && pv == o.pv && pasid == o.pasid && global == o.global &&
		       base == o.base && size == o.size;
	}
};

using PageResp = TbPageResp;

// An RTL invalidation request, as the engine presents it.
struct InvReq {
	unsigned target, kind, by_did, by_pasid, by_range;
	uint16_t sid, sid_mask, did;
	uint32_t pasid;
	uint64_t addr;
	unsigned am;
	uint64_t cycle;
};

// Decodes a device-TLB invalidation's address and S bit (PCIe ATS): S = 0 one
// 4 KiB page; S = 1: the lowest 0 bit at position p >= 12 gives 2^(p+1)
// bytes; no 0 bit below bit 63: everything.
inline void ats_range(uint64_t addr, bool s, uint64_t *base, uint64_t *size)
{
	addr &= ~0xFFFull;
	if (!s) {
		*base = addr;
		*size = 4096;
		return;
	}
	for (unsigned p = 12; p < 63; p++) {
		if (!((addr >> p) & 1)) {
			*size = 1ull << (p + 1);
			*base = addr & ~(*size - 1);
			return;
		}
	}
	*base = 0;
	*size = 0;
}

// A register access and a fault for one cycle.
struct Access {
	bool on = false, we = false;
	uint32_t off = 0;
	unsigned size = 4;
	uint64_t val = 0;
};
struct Fault {
	bool on = false, fpd = false;
	qi_shim_fault f{};
};

class Harness
{
      public:
	Tb<VTOP> tb;
	Mem mem_m, mem_r; // the model's and the RTL's memory
	iommu_config cfg;
	iommu_tparams tp;
	iommu *mmu = nullptr;
	iommu_timing *tm = nullptr;
	bool fail_fast = true;

	// Logs.
	std::vector<StatusWrite> m_writes, r_writes;
	std::vector<DevtlbInv> m_dtlb, r_dtlb;
	std::vector<PageResp> m_prsp, r_prsp;
	std::vector<std::array<uint64_t, 4>> m_desc, m_waits;
	std::vector<InvReq> r_inv;
	std::vector<uint64_t> m_fetch, m_wgrant, m_done, m_wdone;
	std::vector<uint64_t> r_fetch, r_wgrant, r_done, r_wdone, r_exec;
	std::vector<uint64_t> r_ite; // first cycles FSTS.ITE reads 1
	std::set<uint16_t> dead, held;
	unsigned walk_busy = 0;
	// Outcome of the last fault: 1 recorded, 2 suppressed (FPD), 3 lost.
	unsigned r_flt = 0, m_flt = 0;

	Harness(int argc, char **argv) : tb(argc, argv)
	{
		iommu_config_default(&cfg);
		/* iommu_params_pkg::PageReq: the simulator's default (ECAP.PRS) */
		cfg.page_req = true;
		iommu_tparams_default(&tp);
		mem_ops.read = &Harness::m_read;
		mem_ops.write = &Harness::m_write;
		ats_ops.invalidate = &Harness::m_ats;
		pri_ops.response = &Harness::m_pri_response;
		restart();
	}
	~Harness()
	{
		iommu_timing_destroy(tm);
		iommu_destroy(mmu);
	}

	// A fresh model, memory and RTL (out of reset).
	void restart()
	{
		iommu_timing_destroy(tm);
		iommu_destroy(mmu);
		mem_m = Mem();
		mem_r = Mem();
		iommu_mem h = {&mem_ops, this};
		mmu = iommu_create(&cfg, &h);
		if (!mmu)
			tb_fail(0, "model: iommu_create failed");
		iommu_set_ats(mmu, &ats_ops, this);
		iommu_set_pri(mmu, &pri_ops, this);
		tm = iommu_timing_create(mmu, &tp, nullptr, nullptr);
		if (!tm ||
		    iommu_add_qi_observer(
			    mmu, {&Harness::m_obs_desc, &Harness::m_obs_wait, nullptr}, this))
			tb_fail(0, "model: timing engine or observer failed");
		clear_logs();
		mem_q.clear();
		cpl_q.clear();
		pend = Pending();
		dead.clear();
		held.clear();
		walk_busy = 0;
		idle_inputs();
		tb.reset();
		last = *iommu_timing_stats(tm);
	}
	void clear_logs()
	{
		m_writes.clear();
		r_writes.clear();
		m_dtlb.clear();
		r_dtlb.clear();
		m_prsp.clear();
		r_prsp.clear();
		m_desc.clear();
		m_waits.clear();
		r_inv.clear();
		for (auto *v : {&m_fetch, &m_wgrant, &m_done, &m_wdone, &r_fetch, &r_wgrant,
				&r_done, &r_wdone, &r_exec, &r_ite})
			v->clear();
	}

	// Both memories.
	void wr64(uint64_t pa, uint64_t v)
	{
		mem_m.wr64(pa, v);
		mem_r.wr64(pa, v);
	}
	void mark_bad(uint64_t pa)
	{
		mem_m.bad.insert(pa >> 12);
		mem_r.bad.insert(pa >> 12);
	}

	// ---- One cycle -------------------------------------------------------------
	using Access = qi::Access;
	using Fault = qi::Fault;

	// Runs one cycle with an optional register access and fault; returns the
	// RTL's read data (for a read).
	uint64_t cycle(const Access &a = Access(), const Fault &f = Fault())
	{
		uint64_t c = tb.cycle;
		apply_pending();
		auto *t = tb.top.get();
		t->reg_req_i = a.on;
		t->reg_we_i = a.we;
		t->reg_addr_i = a.off & 0x1FFF;
		t->reg_size_i = a.size & 0xF;
		t->reg_wdata_i = a.val;
		t->flt_valid_i = f.on;
		t->flt_sid_i = f.f.sid;
		t->flt_pasid_valid_i = f.f.pasid_present;
		t->flt_pasid_i = f.f.pasid & 0xFFFFF;
		t->flt_addr_i = f.f.addr;
		t->flt_reason_i = f.f.reason & 0xFF;
		t->flt_read_i = f.f.is_read;
		t->flt_page_req_i = f.f.page_req;
		t->flt_priv_i = f.f.priv;
		t->flt_exec_i = f.f.exec;
		t->flt_fpd_i = f.fpd;
		t->walk_busy_i = walk_busy;
		// Memory response due now.
		t->mem_rsp_valid_i = 0;
		t->mem_rsp_err_i = 0;
		if (!mem_q.empty() && mem_q.front().due == c) {
			const MemRsp &r = mem_q.front();
			t->mem_rsp_valid_i = 1;
			t->mem_rsp_err_i = r.err;
			for (int i = 0; i < 16; i++)
				t->mem_rsp_rdata_i[i] = r.words[i];
		}
		if (!mem_q.empty() && mem_q.front().due < c)
			tb_fail(c, "harness: a memory response was not delivered");
		// Device-TLB completion due now (one per cycle; later ones wait).
		t->dtlb_cpl_valid_i = 0;
		for (auto it = cpl_q.begin(); it != cpl_q.end(); ++it) {
			if (it->due <= c && !held.count(it->sid)) {
				t->dtlb_cpl_valid_i = 1;
				t->dtlb_cpl_itag_i = it->itag;
				cpl_q.erase(it);
				break;
			}
		}
		t->mem_req_ready_i = 1;
		t->dtlb_req_ready_i = 1;
		tb.settle();

		uint64_t rdata = t->reg_rdata_o;
		sample_outputs(c);
		if (t->mem_rsp_valid_i)
			mem_q.pop_front();

		tb.tick();
		t->reg_req_i = 0;
		t->flt_valid_i = 0;
		if (a.on && a.we)
			pend.acc = a;
		if (f.on)
			pend.fault = f;
		// The model's cycle c.
		iommu_timing_advance(tm, c + 1);
		model_events(c);
		return rdata;
	}

	void write(uint32_t off, unsigned size, uint64_t val)
	{
		Access a;
		a.on = a.we = true;
		a.off = off;
		a.size = size;
		a.val = val;
		cycle(a);
	}
	// Reads through the RTL's port and the model; fails on a difference.
	uint64_t read_check(uint32_t off, unsigned size, const char *what = "")
	{
		Access a;
		a.on = true;
		a.off = off;
		a.size = size;
		uint64_t r = cycle(a);
		uint64_t m = iommu_reg_read(mmu, off, size);
		TB_CHECK(tb, r == m,
			 "%sregister 0x%03x (%u bytes): RTL 0x%016" PRIx64 ", model 0x%016" PRIx64,
			 what, off, size, r, m);
		return r;
	}
	bool busy()
	{
		tb.settle();
		return tb.top->qi_busy_o || !mem_q.empty() || tb.top->inv_busy_o;
	}
	// Runs until the RTL engine is idle with nothing in flight and the
	// timing engine has timed every descriptor the model executed, plus a
	// few cycles; at most `limit` cycles.
	void drain(uint64_t limit = 200000)
	{
		uint64_t start = tb.cycle, quiet = 0;
		while (quiet < 4) {
			cycle();
			bool model_busy = iommu_timing_stats(tm)->qi_descriptors +
						  iommu_timing_stats(tm)->qi_dropped <
					  iommu_stats(mmu)->qi_descriptors;
			bool dtlb = false;
			for (auto &q : cpl_q)
				dtlb |= !dead.count(q.sid) && !held.count(q.sid);
			quiet = (busy() || model_busy || dtlb) ? 0 : quiet + 1;
			if (tb.cycle - start > limit)
				tb_fail(tb.cycle, "drain: still busy after %" PRIu64 " cycles",
					limit);
		}
	}

      private:
	iommu_mem_ops mem_ops{};
	iommu_ats_ops ats_ops{};
	iommu_pri_ops pri_ops{};
	struct MemRsp {
		uint64_t due;
		bool err;
		std::array<uint32_t, 16> words;
	};
	std::deque<MemRsp> mem_q;
	struct Cpl {
		uint64_t due;
		unsigned itag;
		uint16_t sid;
	};
	std::deque<Cpl> cpl_q;
	struct Pending {
		Access acc;
		Fault fault;
	} pend;
	struct iommu_timing_stats last {
	};
	bool ite_seen = false;

	void idle_inputs()
	{
		auto *t = tb.top.get();
		t->reg_req_i = 0;
		t->reg_we_i = 0;
		t->flt_valid_i = 0;
		t->mem_req_ready_i = 1;
		t->mem_rsp_valid_i = 0;
		t->dtlb_req_ready_i = 1;
		t->dtlb_cpl_valid_i = 0;
		t->walk_busy_i = 0;
	}

	// The block's fault of a cycle comes first, then software's write of
	// that cycle (docs/uarch.md §7).
	void apply_pending()
	{
		if (pend.fault.on) {
			struct iommu_stats before = *iommu_stats(mmu);
			bool rec = qi_shim_fault_record(mmu, &pend.fault.f, pend.fault.fpd);
			const struct iommu_stats *after = iommu_stats(mmu);
			m_flt = rec                                                ? 1
				: after->faults_fpd != before.faults_fpd           ? 2
				: after->faults_overflow != before.faults_overflow ? 3
										   : 0;
		}
		if (pend.acc.on)
			iommu_reg_write(mmu, pend.acc.off, pend.acc.size, pend.acc.val);
		pend = Pending();
	}

	void sample_outputs(uint64_t c)
	{
		auto *t = tb.top.get();
		if (t->mem_req_valid_o) {
			uint64_t line = t->mem_req_addr_o;
			MemRsp r{};
			r.due = c + tp.mem_latency;
			if (t->mem_req_we_o) {
				uint64_t pa = line + t->mem_req_wofs_o;
				uint32_t d = (uint32_t)t->mem_req_wdata_o;
				TB_CHECK(tb, t->mem_req_w4_o,
					 "memory write that is not a 4-byte status write");
				mem_r.write(pa, &d, 4);
				r_writes.push_back({pa, d, c});
				r_wgrant.push_back(c);
			} else {
				uint8_t b[64] = {0};
				TB_CHECK(tb, (line & 63) == 0,
					 "read address 0x%" PRIx64 " not a line", line);
				r.err = !mem_r.read(line, b, 64);
				if (!r.err)
					memcpy(r.words.data(), b, 64);
				r_fetch.push_back(c);
			}
			TB_CHECK(tb, mem_q.empty() || mem_q.back().due < r.due,
				 "memory responses out of order");
			mem_q.push_back(r);
		}
		PageResp pr;
		if (tb_page_resp(t, c, &pr))
			r_prsp.push_back(pr);
		if (t->dtlb_req_valid_o) {
			DevtlbInv d{};
			d.sid = t->dtlb_req_sid_o;
			d.pv = t->dtlb_req_pasid_valid_o;
			d.pasid = t->dtlb_req_pasid_o;
			d.global = t->dtlb_req_global_o;
			ats_range(t->dtlb_req_addr_o, t->dtlb_req_s_o, &d.base, &d.size);
			d.cycle = c;
			d.itag = t->dtlb_req_itag_o;
			r_dtlb.push_back(d);
			cpl_q.push_back({c + 2ull * tp.ats_link_latency + tp.devtlb_inv_latency,
					 d.itag, d.sid});
			if (dead.count(d.sid))
				cpl_q.pop_back();
		}
		if (t->inv_valid_o) {
			InvReq q{};
			q.target = t->inv_target_o;
			q.kind = t->inv_iotlb_kind_o;
			q.by_did = t->inv_by_did_o;
			q.by_pasid = t->inv_by_pasid_o;
			q.by_range = t->inv_by_range_o;
			q.sid = t->inv_sid_o;
			q.sid_mask = t->inv_sid_mask_o;
			q.did = t->inv_did_o;
			q.pasid = t->inv_pasid_o;
			q.addr = t->inv_addr_o;
			q.am = t->inv_am_o;
			q.cycle = c;
			r_inv.push_back(q);
		}
		if (t->flt_valid_i)
			r_flt = t->flt_recorded_o     ? 1
				: t->flt_suppressed_o ? 2
				: t->flt_lost_o       ? 3
						      : 0;
		if (t->desc_done_o)
			r_done.push_back(c);
		if (t->wait_done_o)
			r_wdone.push_back(c);
		if (t->exec_o)
			r_exec.push_back(c);
		if (t->ite_o && !ite_seen)
			r_ite.push_back(c);
		ite_seen = t->ite_o;
	}

	// The timing engine's events of cycle c, from its statistics.
	void model_events(uint64_t c)
	{
		const struct iommu_timing_stats *s = iommu_timing_stats(tm);
		for (uint64_t i = last.mem_reads; i < s->mem_reads; i++)
			m_fetch.push_back(c);
		for (uint64_t i = last.mem_writes; i < s->mem_writes; i++)
			m_wgrant.push_back(c);
		for (uint64_t i = last.qi_descriptors; i < s->qi_descriptors; i++)
			m_done.push_back(c);
		for (uint64_t i = last.qi_waits; i < s->qi_waits; i++)
			m_wdone.push_back(c);
		last = *s;
	}

	static int m_read(void *ctx, uint64_t pa, void *buf, size_t len)
	{
		return static_cast<Harness *>(ctx)->mem_m.read(pa, buf, len) ? 0 : -IOMMU_EIO;
	}
	static int m_write(void *ctx, uint64_t pa, const void *buf, size_t len)
	{
		auto *h = static_cast<Harness *>(ctx);
		if (len == 4) {
			uint32_t d;
			memcpy(&d, buf, 4);
			h->m_writes.push_back({pa, d, 0});
		}
		return h->mem_m.write(pa, buf, len) ? 0 : -IOMMU_EIO;
	}
	static bool m_ats(void *ctx, uint16_t sid, bool pv, uint32_t pasid, bool global,
			  uint64_t addr, uint64_t size)
	{
		auto *h = static_cast<Harness *>(ctx);
		h->m_dtlb.push_back({sid, pv, pasid, global, addr, size, 0, 0});
		return !h->dead.count(sid);
	}
	static void m_pri_response(void *ctx, uint16_t sid, bool pv, uint32_t pasid, uint16_t prgi,
				   unsigned code)
	{
		auto *h = static_cast<Harness *>(ctx);
		h->m_prsp.push_back({sid, pv, pasid, prgi, code, iommu_timing_now(h->tm)});
	}
	static void m_obs_desc(void *ctx, const uint64_t qw[4])
	{
		static_cast<Harness *>(ctx)->m_desc.push_back({qw[0], qw[1], qw[2], qw[3]});
	}
	static void m_obs_wait(void *ctx, const uint64_t qw[4])
	{
		static_cast<Harness *>(ctx)->m_waits.push_back({qw[0], qw[1], qw[2], qw[3]});
	}
};

} // namespace qi

#endif
