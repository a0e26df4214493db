// Block test of rtl/iommu_qi.sv (with rtl/iommu_regs.sv and real caches,
// tests/rtl/qi/tb_qi_top.sv) against the model's invalidation queue
// (model/src/vtd/qi.c, run through its registers on a model instance over the
// same memory) and its timing engine (model/src/timing.c).
//
// Every scenario builds a queue in memory, submits it (IQT) and runs both to
// quiescence, then compares:
// - registers: IQH, IQT, IQA, FSTS (IQE, ITE), IQER (IQEI, ITESID), ICS, IECTL;
// - the status writes (address, data, order) and the device-TLB invalidations
//   (SID, PASID, global, range) with the model's memory writes and ATS calls;
// - the page group responses (0x9: RID, PASID, PRG index, code and cycle)
//   with the model's responses to the endpoints;
// - each cache invalidation request with what docs/model.md says the model's
//   executed descriptor clears (a table here, written from the document);
// - cycles with the timing engine: descriptor fetch grants, status write
//   grants, descriptor and wait completions; and two rules directly: a
//   descriptor executes mem.latency cycles after its fetch, and a cache
//   invalidation completes after the largest number of sets it scans.
// Scenarios: each type and granularity (256- and 128-bit queues), each IQEI
// code with recovery after software fixes the queue, every single-bit change
// of a valid descriptor of each type, seeded random queues submitted in
// batches while the engine runs (wrapping the queue), device-TLB round trips
// before waits, 32 outstanding itags, the FN fence, and ITE (a device-TLB
// invalidation without completion: ats.timeout, RTL_PARAM_AtsTimeout).
// Options: +seed=N, +random=N (random queues), +trace.
#include <algorithm>
#include <string>

#include "qi/qi_harness.h"

extern "C" {
#include "iommu/vtd_qi.h"
}

#ifndef RTL_PARAM_AtsTimeout
#define RTL_PARAM_AtsTimeout 100000
#endif

namespace
{

using qi::Harness;
using qi::InvReq;
using Desc = std::array<uint64_t, 4>;

uint64_t rng = 1;
uint64_t rnd()
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}
unsigned below(unsigned n)
{
	return (unsigned)(rnd() % n);
}

constexpr unsigned T_CTX = 1, T_PC = 2, T_IOTLB = 4, T_NTLB = 8, T_FL = 16, T_SL = 32;

// The queue as software keeps it.
struct Queue {
	uint64_t base = 0x100000;
	bool wide = true;
	unsigned qs = 0;
	uint64_t tail = 0;
	uint64_t bytes() const
	{
		return 4096ull << qs;
	}
	unsigned dsz() const
	{
		return wide ? 32 : 16;
	}
};

class QiTest
{
      public:
	Harness h;
	Queue q;
	unsigned scenarios = 0, descs = 0;
	std::string name;

	QiTest(int argc, char **argv) : h(argc, argv)
	{
	}

	// Queue off, IQT 0, IQE/ITE/IWC clear, then IQA and the queue on (IQH 0).
	void setup(uint64_t base, bool wide, unsigned qs)
	{
		h.write(VTD_REG_GCMD, 4, 0);
		h.write(VTD_REG_IQT, 4, 0);
		h.write(VTD_REG_FSTS, 4, VTD_FSTS_IQE | VTD_FSTS_ITE);
		h.write(VTD_REG_ICS, 4, VTD_ICS_IWC);
		q = Queue();
		q.base = base;
		q.wide = wide;
		q.qs = qs;
		h.write(VTD_REG_IQA, 8, base | (wide ? VTD_IQA_DW : 0) | qs);
		h.write(VTD_REG_GCMD, 4, VTD_GCMD_QIE);
		h.drain();
		h.clear_logs();
	}
	void put(const Desc &d)
	{
		uint64_t pa = q.base + q.tail;
		for (unsigned i = 0; i < (q.wide ? 4u : 2u); i++)
			h.wr64(pa + 8 * i, d[i]);
		q.tail = (q.tail + q.dsz()) % q.bytes();
		descs++;
	}
	void submit()
	{
		h.write(VTD_REG_IQT, 4, q.tail);
	}

	// ---- Expectations ------------------------------------------------------
	// What the model executes for descriptor d, as docs/model.md states it.
	static InvReq expect_inv(const Desc &d)
	{
		InvReq e{};
		unsigned type = d[0] & 0xF, g = (d[0] >> 4) & 3;
		bool ih = (d[1] >> 6) & 1;
		e.did = (uint16_t)(d[0] >> 16);
		e.pasid = (uint32_t)(d[0] >> 32) & 0xFFFFF;
		e.sid = (uint16_t)(d[0] >> 32);
		e.addr = d[1] & ~0xFFFull;
		e.am = d[1] & 0x3F;
		switch (type) {
		case VTD_DESC_CC: {
			// Device-selective: SID under the function mask (FM n ignores
			// the low n bits of the function number); else all.
			unsigned fm = (d[0] >> 48) & 3;
			e.target = T_CTX;
			e.sid_mask =
				g == 3 ? (uint16_t)(0xFFFF & ~(((1u << fm) - 1) << (3 - fm))) : 0;
			break;
		}
		case VTD_DESC_PC:
			e.target = T_PC;
			e.by_did = (g == 0 || g == 1) ? T_PC : 0;
			e.by_pasid = g == 1 ? T_PC : 0;
			break;
		case VTD_DESC_IOTLB:
			// The IOTLB; the DID's first-level PWC; the nested TLB (in
			// range); the second-level PWC unless IH (page-selective).
			e.target = T_IOTLB | T_NTLB | T_FL | ((g == 3 && ih) ? 0 : T_SL);
			e.kind = g == 1 ? 0 : g == 2 ? 1 : 2;
			e.by_did = g != 1 ? (T_NTLB | T_FL | T_SL) : 0;
			e.by_range = g == 3 ? (T_NTLB | T_SL) : 0;
			break;
		case VTD_DESC_PIOTLB:
			// First-level and nested translations of (DID, PASID); the
			// first-level PWC unless page-selective with IH.
			e.target = T_IOTLB | ((g == 3 && ih) ? 0 : T_FL);
			e.kind = g == 2 ? 3 : 4;
			e.by_did = T_FL;
			e.by_pasid = T_FL;
			e.by_range = g == 3 ? T_FL : 0;
			break;
		default: break;
		}
		return e;
	}

	void check_inv(const InvReq &r, const InvReq &e, unsigned i)
	{
		auto fail = [&](const char *what) {
			tb_fail(h.tb.cycle,
				"%s: invalidation %u: %s: RTL target 0x%x kind %u did %u/%u/%u "
				"pasid 0x%x "
				"sid 0x%x/0x%x addr 0x%" PRIx64
				" am %u; expected target 0x%x kind %u "
				"did %u/%u/%u sid 0x%x/0x%x",
				name.c_str(), i, what, r.target, r.kind, r.by_did, r.by_pasid,
				r.by_range, r.pasid, r.sid, r.sid_mask, r.addr, r.am, e.target,
				e.kind, e.by_did, e.by_pasid, e.by_range, e.sid, e.sid_mask);
		};
		if (r.target != e.target)
			fail("caches");
		if ((e.target & T_CTX) &&
		    (r.sid_mask != e.sid_mask || (r.sid & r.sid_mask) != (e.sid & e.sid_mask)))
			fail("context-cache selector");
		unsigned sel = T_PC | T_NTLB | T_FL | T_SL;
		unsigned on = e.target & sel;
		if ((r.by_did & on) != (e.by_did & on) || (r.by_pasid & on) != (e.by_pasid & on) ||
		    (r.by_range & on) != (e.by_range & on))
			fail("selectors");
		bool did = e.by_did || ((e.target & T_IOTLB) && e.kind != 0);
		bool pasid = e.by_pasid || ((e.target & T_IOTLB) && e.kind >= 3);
		bool range = e.by_range || ((e.target & T_IOTLB) && (e.kind == 2 || e.kind == 4));
		if (did && r.did != e.did)
			fail("DID");
		if (pasid && r.pasid != e.pasid)
			fail("PASID");
		if (range && (r.addr != e.addr || r.am != e.am))
			fail("address range");
	}

	unsigned scan_sets(unsigned target) const
	{
		const iommu_config &c = h.cfg;
		unsigned n = 0;
		auto mx = [&](unsigned bit, unsigned sets) {
			if (target & bit)
				n = std::max(n, sets);
		};
		mx(T_CTX, c.context_cache.sets);
		mx(T_PC, c.pasid_cache.sets);
		mx(T_IOTLB, c.iotlb.sets);
		mx(T_NTLB, c.nested_tlb.sets);
		mx(T_FL, c.fl_pwc.sets);
		mx(T_SL, c.sl_pwc.sets);
		return n;
	}

	static std::string list(const std::vector<uint64_t> &v)
	{
		std::string s;
		for (size_t i = 0; i < v.size() && i < 12; i++)
			s += (i ? " " : "") + std::to_string(v[i]);
		return s + (v.size() > 12 ? " ..." : "");
	}
	void same_cycles(const char *what, const std::vector<uint64_t> &r,
			 const std::vector<uint64_t> &m)
	{
		if (r != m)
			tb_fail(h.tb.cycle, "%s: %s cycles: RTL [%s], timing engine [%s]",
				name.c_str(), what, list(r).c_str(), list(m).c_str());
	}

	// Compares everything after a drain. timing: compare the cycles with the
	// timing engine (which fetches a bad descriptor and raises IQE at its
	// execution, as the RTL does).
	void compare(bool timing = true)
	{
		h.drain();
		const char *n = name.c_str();
		// Registers.
		std::string w = name + ": ";
		for (uint32_t off :
		     {VTD_REG_IQER, VTD_REG_FSTS, VTD_REG_ICS, VTD_REG_IECTL, VTD_REG_GSTS})
			h.read_check(off, 4, w.c_str());
		for (uint32_t off : {VTD_REG_IQER, VTD_REG_IQA, VTD_REG_IQT, VTD_REG_IQH})
			h.read_check(off, 8, w.c_str());
		// Status writes.
		if (h.r_writes.size() != h.m_writes.size())
			tb_fail(h.tb.cycle, "%s: %zu status writes, model %zu", n,
				h.r_writes.size(), h.m_writes.size());
		for (size_t i = 0; i < h.r_writes.size(); i++)
			if (!(h.r_writes[i] == h.m_writes[i]))
				tb_fail(h.tb.cycle,
					"%s: status write %zu: RTL 0x%08x at 0x%" PRIx64
					", model 0x%08x at 0x%" PRIx64,
					n, i, h.r_writes[i].data, h.r_writes[i].addr,
					h.m_writes[i].data, h.m_writes[i].addr);
		// Device-TLB invalidations.
		if (h.r_dtlb.size() != h.m_dtlb.size())
			tb_fail(h.tb.cycle, "%s: %zu device-TLB invalidations, model %zu", n,
				h.r_dtlb.size(), h.m_dtlb.size());
		for (size_t i = 0; i < h.r_dtlb.size(); i++) {
			const qi::DevtlbInv &r = h.r_dtlb[i], &m = h.m_dtlb[i];
			if (!(r == m))
				tb_fail(h.tb.cycle,
					"%s: device-TLB invalidation %zu: RTL sid 0x%x pv %d pasid "
					"0x%x g %d "
					"0x%" PRIx64 "+0x%" PRIx64
					", model sid 0x%x pv %d pasid 0x%x g %d "
					"0x%" PRIx64 "+0x%" PRIx64,
					n, i, r.sid, r.pv, r.pasid, r.global, r.base, r.size, m.sid,
					m.pv, m.pasid, m.global, m.base, m.size);
		}
		// Page group responses: fields and cycle.
		if (h.r_prsp.size() != h.m_prsp.size())
			tb_fail(h.tb.cycle, "%s: %zu page group responses, model %zu", n,
				h.r_prsp.size(), h.m_prsp.size());
		for (size_t i = 0; i < h.r_prsp.size(); i++) {
			const qi::PageResp &r = h.r_prsp[i], &m = h.m_prsp[i];
			if (!(r == m))
				tb_fail(h.tb.cycle,
					"%s: page group response %zu: RTL sid 0x%x pv %d pasid 0x%x "
					"prgi %u code %u at %" PRIu64
					", model sid 0x%x pv %d pasid 0x%x prgi %u code %u at %" PRIu64,
					n, i, r.sid, r.pv, r.pasid, r.prgi, r.code, r.cycle, m.sid,
					m.pv, m.pasid, m.prgi, m.code, m.cycle);
		}
		// Cache invalidations.
		std::vector<InvReq> exp;
		for (const Desc &d : h.m_desc) {
			unsigned t = d[0] & 0xF;
			if (t == VTD_DESC_CC || t == VTD_DESC_IOTLB || t == VTD_DESC_PIOTLB ||
			    t == VTD_DESC_PC)
				exp.push_back(expect_inv(d));
		}
		if (exp.size() != h.r_inv.size())
			tb_fail(h.tb.cycle,
				"%s: %zu cache invalidations (first: caches 0x%x at %" PRIu64
				"), model executed %zu",
				n, h.r_inv.size(), h.r_inv.empty() ? 0u : h.r_inv[0].target,
				h.r_inv.empty() ? (uint64_t)0 : h.r_inv[0].cycle, exp.size());
		for (size_t i = 0; i < exp.size(); i++)
			check_inv(h.r_inv[i], exp[i], (unsigned)i);
		// Scan cycles: done after the largest scan of the caches touched.
		for (const InvReq &r : h.r_inv) {
			uint64_t want = r.cycle + scan_sets(r.target);
			auto it = std::upper_bound(h.r_done.begin(), h.r_done.end(), r.cycle);
			if (it == h.r_done.end() || *it != want)
				tb_fail(h.tb.cycle,
					"%s: invalidation at %" PRIu64
					" (caches 0x%x) done at %" PRId64 ", expected %" PRIu64,
					n, r.cycle, r.target,
					it == h.r_done.end() ? (int64_t)-1 : (int64_t)*it, want);
		}
		// Fetch latency: each executed descriptor mem.latency after its fetch.
		for (uint64_t e : h.r_exec)
			if (std::find(h.r_fetch.begin(), h.r_fetch.end(), e - h.tp.mem_latency) ==
			    h.r_fetch.end())
				tb_fail(h.tb.cycle,
					"%s: descriptor executed at %" PRIu64
					" without a fetch %u cycles before",
					n, e, h.tp.mem_latency);
		if (getenv("QI_DEBUG"))
			fprintf(stderr, "%s: fetch [%s]/[%s] done [%s]/[%s] wr [%s]/[%s]\n", n,
				list(h.r_fetch).c_str(), list(h.m_fetch).c_str(),
				list(h.r_done).c_str(), list(h.m_done).c_str(),
				list(h.r_wgrant).c_str(), list(h.m_wgrant).c_str());
		if (timing) {
			same_cycles("descriptor fetch", h.r_fetch, h.m_fetch);
			same_cycles("status write", h.r_wgrant, h.m_wgrant);
			same_cycles("descriptor completion", h.r_done, h.m_done);
			same_cycles("wait completion", h.r_wdone, h.m_wdone);
		}
		h.clear_logs();
		scenarios++;
	}

	// ---- Descriptor makers ----------------------------------------------------
	Desc wait(unsigned flags, uint64_t addr, uint32_t data)
	{
		Desc d;
		vtd_desc_wait(d.data(), flags, addr, data);
		return d;
	}
	Desc status(uint32_t data)
	{
		return wait(VTD_WAIT_SW | VTD_WAIT_IF, 0x200000 + 4 * (data & 0x3FF), data);
	}
	uint64_t rnd_addr()
	{
		return (rnd() & ((1ull << 48) - 1)) & ~0xFFFull;
	}
	Desc random_valid()
	{
		Desc d;
		uint16_t did = (uint16_t)below(8), sid = (uint16_t)rnd();
		uint32_t pasid = (uint32_t)rnd() & 0xFFFFF;
		static const unsigned sizes_log[] = {12, 13, 16, 21, 30, 39, 0};
		static const unsigned pc_gran[] = {0, 1, 3};
		uint64_t size = 0;
		unsigned sl = sizes_log[below(7)];
		size = sl ? 1ull << sl : 0;
		switch (below(q.wide ? 9 : 4)) {
		case 0: vtd_desc_cc(d.data(), 1 + below(3), did, sid, below(4)); break;
		case 1:
			vtd_desc_iotlb(d.data(), 1 + below(3), did, rnd_addr(), below(20),
				       below(2));
			break;
		case 2: vtd_desc_devtlb(d.data(), sid, rnd_addr(), size); break;
		case 3:
			d = wait(below(16) << 4, 0x200000 + 4 * below(1024), (uint32_t)rnd());
			break;
		case 4:
			vtd_desc_piotlb(d.data(), 2 + below(2), did, pasid, rnd_addr(), below(20),
					below(2));
			break;
		case 5: vtd_desc_pc(d.data(), pc_gran[below(3)], did, pasid); break;
		case 6: vtd_desc_pdevtlb(d.data(), sid, pasid, below(2), rnd_addr(), size); break;
		case 7:
			vtd_desc_pgrp_resp(d.data(), sid, below(2), pasid, (uint16_t)below(512),
					   below(2) ? 0xF : below(2));
			break;
		default: vtd_desc_iotlb(d.data(), 3, did, rnd_addr(), below(64), below(2)); break;
		}
		return d;
	}

	// ---- Scenarios ---------------------------------------------------------------
	void types(bool wide)
	{
		name = wide ? "types (256-bit)" : "types (128-bit)";
		setup(0x100000, wide, 0);
		std::vector<Desc> v;
		Desc d;
		uint32_t n = 1;
		for (unsigned g = 1; g <= 3; g++)
			for (unsigned fm = 0; fm < 4; fm++) {
				vtd_desc_cc(d.data(), g, 7, 0x1234 + fm, fm);
				v.push_back(d);
			}
		for (unsigned g = 1; g <= 3; g++)
			for (unsigned ih = 0; ih < 2; ih++) {
				vtd_desc_iotlb(d.data(), g, 3, 0x12345000, 4 + g, ih);
				v.push_back(d);
			}
		vtd_desc_devtlb(d.data(), 0x100, 0x40000000, 4096);
		v.push_back(d);
		vtd_desc_devtlb(d.data(), 0x101, 0x40000000, 1 << 21);
		v.push_back(d);
		vtd_desc_devtlb(d.data(), 0x102, 0, 0);
		v.push_back(d);
		if (wide) {
			for (unsigned g = 2; g <= 3; g++)
				for (unsigned ih = 0; ih < 2; ih++) {
					vtd_desc_piotlb(d.data(), g, 5, 0xABCDE, 0x7654321000, 9,
							ih);
					v.push_back(d);
				}
			for (unsigned g : {0u, 1u, 3u}) {
				vtd_desc_pc(d.data(), g, 9, 0x12345);
				v.push_back(d);
			}
			vtd_desc_pdevtlb(d.data(), 0x200, 0x55, false, 0x80000000, 4096);
			v.push_back(d);
			vtd_desc_pdevtlb(d.data(), 0x201, 0x56, true, 0x80000000, 1ull << 30);
			v.push_back(d);
			for (unsigned code : {0x0u, 0x1u, 0xFu}) {
				vtd_desc_pgrp_resp(d.data(), 0x0310, code != 1, 0x4567, 0x1A5, code);
				v.push_back(d);
			}
		}
		for (unsigned f = 0; f < 16; f++)
			v.push_back(wait(f << 4, 0x200000 + 8 * f, 0xC0DE0000 + f));
		for (const Desc &x : v) {
			put(x);
			put(status(n++));
		}
		submit();
		compare();
	}

	// One descriptor that fails with IQE (the model decides), then recovery.
	void iqe_case(const char *what, const Desc &bad, bool wide = true)
	{
		name = std::string("IQE: ") + what;
		setup(0x100000, wide, 0);
		put(status(1));
		uint64_t at = q.tail;
		put(bad);
		put(status(2));
		submit();
		compare(true);
		// Software replaces it and clears IQE: the queue resumes there.
		name += " (recovery)";
		Desc ok = status(3);
		for (unsigned i = 0; i < (q.wide ? 4u : 2u); i++)
			h.wr64(q.base + at + 8 * i, ok[i]);
		h.write(VTD_REG_FSTS, 4, VTD_FSTS_IQE);
		compare();
	}

	void iqe_codes()
	{
		Desc d{};
		// IQEI 3: types 0, 4 (IEC), 10..15, and type bits [11:9].
		for (uint64_t t : {0x0ull, 0x4ull, 0xAull, 0xFull, 0x205ull, 0xE01ull}) {
			d = {t, 0, 0, 0};
			iqe_case("type", d);
		}
		// IQEI 5: PASID-granular types and page group responses in a
		// 128-bit queue.
		vtd_desc_pgrp_resp(d.data(), 1, true, 2, 3, 0);
		iqe_case("page group response in a 128-bit queue", d, false);
		vtd_desc_piotlb(d.data(), 2, 1, 1, 0, 0, false);
		iqe_case("P_IOTLB in a 128-bit queue", d, false);
		vtd_desc_pc(d.data(), 3, 1, 1);
		iqe_case("PASID cache in a 128-bit queue", d, false);
		vtd_desc_pdevtlb(d.data(), 1, 1, false, 0, 4096);
		iqe_case("PASID device-TLB in a 128-bit queue", d, false);
		// IQEI 4: reserved granularities and upper quadwords.
		vtd_desc_cc(d.data(), 0, 1, 1, 0);
		iqe_case("context-cache G 0", d);
		vtd_desc_iotlb(d.data(), 0, 1, 0, 0, false);
		iqe_case("IOTLB G 0", d);
		for (unsigned g : {0u, 1u}) {
			vtd_desc_piotlb(d.data(), 3, 1, 1, 0, 0, false);
			d[0] = (d[0] & ~0x30ull) | g << 4;
			iqe_case("P_IOTLB G 0/1", d);
		}
		vtd_desc_pc(d.data(), 2, 1, 1);
		iqe_case("PASID cache G 2", d);
		d = status(9);
		d[2] = 1;
		iqe_case("QW2 set", d);
		d = status(9);
		d[3] = 1ull << 63;
		iqe_case("QW3 set", d);

		// IQEI 2: the descriptor's page fails.
		name = "IQE: fetch error";
		setup(0x300000, true, 0);
		put(status(1));
		h.mark_bad(0x300000);
		submit();
		compare(true);
		h.mem_m.bad.clear();
		h.mem_r.bad.clear();
		name = "IQE: fetch error (recovery)";
		h.write(VTD_REG_FSTS, 4, VTD_FSTS_IQE);
		compare();

		// IQEI 6: IQT[4] with 256-bit descriptors; IQEI 1: IQT beyond.
		name = "IQE: IQT not 256-bit aligned";
		setup(0x100000, true, 0);
		put(status(1));
		h.write(VTD_REG_IQT, 4, 0x10);
		compare(true);
		name = "IQE: IQT beyond the queue";
		setup(0x100000, false, 0);
		h.write(VTD_REG_IQT, 4, 0x1000);
		compare(true);
		name = "IQE: IQT beyond (recovery)";
		put(status(4));
		h.write(VTD_REG_IQT, 4, q.tail);
		h.write(VTD_REG_FSTS, 4, VTD_FSTS_IQE);
		compare();
	}

	// Every single-bit change of a valid descriptor of each type: the model
	// decides whether it is an error (and which) or what it does.
	void bit_sweep()
	{
		Desc base[9];
		vtd_desc_cc(base[0].data(), 3, 1, 0x1234, 1);
		vtd_desc_iotlb(base[1].data(), 3, 2, 0x40000000, 3, false);
		vtd_desc_devtlb(base[2].data(), 0x300, 0x40000000, 1 << 16);
		base[3] = wait(VTD_WAIT_SW, 0x200100, 0x5A5A5A5A);
		vtd_desc_piotlb(base[4].data(), 3, 3, 0x1111, 0x40000000, 2, false);
		vtd_desc_pc(base[5].data(), 1, 4, 0x2222);
		vtd_desc_pdevtlb(base[6].data(), 0x301, 0x3333, false, 0x40000000, 4096);
		vtd_desc_iotlb(base[7].data(), 2, 2, 0, 0, false);
		vtd_desc_pgrp_resp(base[8].data(), 0x302, true, 0x4444, 0x155, 1);
		setup(0x100000, true, 0);
		for (unsigned t = 0; t < 9; t++) {
			for (unsigned bit = 0; bit < 256; bit++) {
				Desc d = base[t];
				d[bit / 64] ^= 1ull << (bit % 64);
				name = "bit sweep: type " + std::to_string(d[0] & 0xF) + " bit " +
				       std::to_string(bit);
				h.write(VTD_REG_GCMD, 4, 0);
				h.write(VTD_REG_IQT, 4, 0);
				h.write(VTD_REG_FSTS, 4, VTD_FSTS_IQE);
				h.write(VTD_REG_ICS, 4, VTD_ICS_IWC);
				h.write(VTD_REG_GCMD, 4, VTD_GCMD_QIE);
				h.drain();
				h.clear_logs();
				q.tail = 0;
				put(d);
				put(status(bit));
				submit();
				h.cycle();
				compare(true);
			}
		}
	}

	// Random valid queues submitted in batches, some while the engine runs.
	void random_queues(unsigned runs)
	{
		for (unsigned r = 0; r < runs; r++) {
			name = "random queue " + std::to_string(r);
			bool wide = below(4) != 0;
			setup(0x100000 + 0x10000 * below(4), wide, below(2));
			if (r % 4 == 0) {
				// Run empty waits up to near the end, so that the run wraps.
				uint64_t start = q.bytes() - q.dsz() * (1 + below(8));
				while (q.tail != start)
					put(wait(0, 0, 0));
				submit();
				h.drain();
				h.clear_logs();
			}
			unsigned n = 10 + below(40);
			for (unsigned i = 0; i < n; i++) {
				put(random_valid());
				if (below(4) == 0 || i == n - 1) {
					submit();
					for (unsigned k = below(3) == 0 ? below(400) : 0; k; k--)
						h.cycle();
				}
			}
			compare();
		}
	}

	// 33 device-TLB invalidations whose endpoint holds its completions: 32
	// itags, then the next waits for a free one.
	void itags()
	{
		name = "32 itags";
		setup(0x100000, true, 1);
		h.held.insert(0x400);
		Desc d;
		for (unsigned i = 0; i < 34; i++) {
			vtd_desc_devtlb(d.data(), 0x400, 0x1000ull * i, 4096);
			put(d);
		}
		put(status(7));
		submit();
		for (unsigned i = 0; i < 4000; i++)
			h.cycle();
		TB_CHECK(h.tb, h.r_dtlb.size() == 32,
			 "%s: %zu requests with completions held, expected 32", name.c_str(),
			 h.r_dtlb.size());
		std::set<unsigned> tags;
		for (auto &x : h.r_dtlb)
			tags.insert(x.itag);
		TB_CHECK(h.tb, tags.size() == 32, "%s: itags not distinct", name.c_str());
		h.held.clear();
		h.drain();
		TB_CHECK(h.tb, h.r_dtlb.size() == 34, "%s: %zu requests after release",
			 name.c_str(), h.r_dtlb.size());
		TB_CHECK(h.tb, h.r_dtlb[32].itag == 0,
			 "%s: 33rd request itag %u, expected 0 (the first freed)", name.c_str(),
			 h.r_dtlb[32].itag);
		compare(false);
	}

	// FN: the wait waits for the walks in flight when it was fetched.
	void fence()
	{
		name = "FN fence";
		setup(0x100000, true, 0);
		h.walk_busy = 0x5;
		put(wait(VTD_WAIT_FN | VTD_WAIT_SW | VTD_WAIT_IF, 0x200040, 0xFEED));
		submit();
		uint64_t fetched = 0;
		for (unsigned i = 0; i < 400; i++) {
			if (!h.r_exec.empty() && !fetched) {
				fetched = h.r_exec[0];
				h.walk_busy |= 0x2; // a walk that starts after the fetch
			}
			if (fetched && h.tb.cycle == fetched + 20)
				h.walk_busy &= ~0x1u;
			if (fetched && h.tb.cycle == fetched + 70)
				h.walk_busy &= ~0x4u;
			h.cycle();
		}
		TB_CHECK(h.tb, fetched && h.r_wgrant.size() == 1 && h.r_wgrant[0] == fetched + 70,
			 "%s: status write at %s, expected %" PRIu64
			 " (when the last walk in flight at the "
			 "fetch ended)",
			 name.c_str(), list(h.r_wgrant).c_str(), fetched + 70);
		h.walk_busy = 0;
		compare(false);
	}

	// ITE: an endpoint that never answers.
	void ite()
	{
		name = "ITE";
		setup(0x100000, true, 0);
		h.dead.insert(0x777);
		Desc d;
		put(status(1));
		vtd_desc_devtlb(d.data(), 0x777, 0x5000, 4096);
		put(d);
		put(status(2));
		vtd_desc_cc(d.data(), 1, 0, 0, 0);
		put(d);
		submit();
		h.drain(4ull * RTL_PARAM_AtsTimeout + 10000);
		TB_CHECK(h.tb,
			 h.r_dtlb.size() == 1 && h.r_ite.size() == 1 &&
				 h.r_ite[0] == h.r_dtlb[0].cycle + RTL_PARAM_AtsTimeout + 1,
			 "%s: ITE at %s, expected the cycle after request + %u", name.c_str(),
			 list(h.r_ite).c_str(), (unsigned)RTL_PARAM_AtsTimeout);
		compare();
		name = "ITE (cleared, queue resumes)";
		h.dead.clear();
		h.write(VTD_REG_FSTS, 4, VTD_FSTS_ITE);
		put(status(3));
		submit();
		compare();
	}
};

} // namespace

int main(int argc, char **argv)
{
	QiTest t(argc, argv);
	std::string s = t.h.tb.ctx->commandArgsPlusMatch("seed");
	rng = s.size() > 6 ? strtoull(s.c_str() + 6, nullptr, 0) : 1;
	if (!rng)
		rng = 1;
	std::string r = t.h.tb.ctx->commandArgsPlusMatch("random");
	unsigned runs = r.size() > 8 ? (unsigned)strtoul(r.c_str() + 8, nullptr, 0) : 40;

	t.types(true);
	t.types(false);
	t.iqe_codes();
	t.bit_sweep();
	t.random_queues(runs);
	t.itags();
	t.fence();
	t.ite();
	printf("%s: %u scenarios, %u descriptors, %" PRIu64 " cycles: RTL and model agree\n",
	       TB_NAME, t.scenarios, t.descs, t.h.tb.cycle);
	return 0;
}
