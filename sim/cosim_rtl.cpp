// Co-simulation back end: the Verilated IOMMU block (rtl/iommu_top.sv)
// driven with the model's boundary stimulus, cycle for cycle, and compared
// with the model's results (docs/cosim.md). What clocks the block is a
// CosimClock (cosim_rtl.h): cosim_main.cpp's C++ class, cosim_sc.cpp's
// SystemC kernel.
//
// Cycle mapping (RTL cycle n = model cycle n; reset is released PREROLL
// cycles before cycle 0, so the setup's register writes fit in before it):
// - a request that arrived at cycle t is presented from t on, oldest first,
//   and transfers when req_ready_o is high;
// - a response the model completes at cycle d shows as rsp_valid_o at d+1;
// - the memory answers every transfer (read: the 64-byte line; write:
//   applied at the transfer) exactly mem.latency cycles after it, by id;
// - the m register writes the model took at cycle n go to the register port
//   at cycles n-m .. n-1, one a cycle (later when the port is taken): a
//   write in RTL cycle n-1 acts from cycle n, as the model's does in the
//   engine; of several IQT writes in one cycle only the last one is sent;
// - software memory writes reach the RTL's memory image at their cycle;
// - a device-TLB invalidation request the model sent at cycle r is the
//   RTL's request at cycle r, to the same SID; it is completed
//   2 * ats.link_latency + ats.devtlb_inv_latency cycles after its transfer,
//   or never when the model's endpoint never answered (ITE, ats.timeout);
// - an invalidation wait the engine completes at cycle w shows as
//   qi_wait_done_o at cycle w;
// - IQE or ITE the engine raises at cycle e shows as qi_iqe_o or qi_ite_o
//   at cycle e (FSTS reads it from e + 1 on both sides);
// - a page request that arrived at cycle t is presented on the page request
//   port from t on, oldest first; the unit takes it at the model's accept
//   cycle and finishes it (prq_done_o) at the model's done cycle;
// - a page group response that leaves the model at cycle g shows as
//   prsp_valid_o at g + 1 (the port is registered).
// The RTL runs LAG cycles behind the model, so the register writes of a
// cycle are known before the RTL reaches the first cycle they take.
#include <algorithm>
#include <array>
#include <cinttypes>
#include <cstdarg>
#include <cstdio>
#include <cstring>
#include <deque>
#include <map>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "cosim_rtl.h"

namespace
{

const uint64_t kLag = 64;             // RTL cycles behind the model
const uint64_t kPreroll = kLag + 8;   // cycles between reset release and cycle 0
const uint64_t kDrainLimit = 2000000; // cycles after the model's end before giving up
const uint64_t kStallLimit = 1000000; // cycles without a response while requests wait
const size_t kHistory = 16;
const uint32_t kIqt = 0x088;       // invalidation queue tail register
const uint32_t kFstsIte = 1u << 6; // FSTS.ITE (else IQE, bit 4)
const uint32_t kPqt = 0x0C8;       // page request queue tail
const uint32_t kPrs = 0x0DC;       // page request status
const uint32_t kPectl = 0x0E0;     // page request event control

enum { ST_OK = 0, ST_FAULT = 1, ST_UR = 2 };

unsigned log2_size(uint64_t s)
{
	unsigned n = 0;
	while (s > 1) {
		s >>= 1;
		n++;
	}
	return n;
}

std::string fmt(const char *f, ...) __attribute__((format(printf, 1, 2)));
std::string fmt(const char *f, ...)
{
	char b[1024];
	va_list ap;
	va_start(ap, f);
	std::vsnprintf(b, sizeof(b), f, ap);
	va_end(ap);
	return b;
}

// A source ID as bus:device.function.
std::string bdf(unsigned sid)
{
	return fmt("%02x:%02x.%x", (sid >> 8) & 0xFF, (sid >> 3) & 0x1F, sid & 7);
}

std::string req_str(const struct iommu_req &r)
{
	return fmt("sid %s pasid %s addr 0x%" PRIx64 " %s%s at %s%s", bdf(r.sid).c_str(),
		   r.pasid_valid ? fmt("0x%x", r.pasid).c_str() : "none", r.addr,
		   r.access == IOMMU_ACC_WRITE  ? "write"
		   : r.access == IOMMU_ACC_EXEC ? "exec"
						: "read",
		   r.priv ? " priv" : "",
		   r.at == IOMMU_AT_TRANSLATION_REQ ? "translation-request"
		   : r.at == IOMMU_AT_TRANSLATED    ? "translated"
						    : "untranslated",
		   r.no_write ? " nw" : "");
}

// A response, as the model or the RTL gives it.
struct Result {
	unsigned status = 0, fault = 0, psize = 0, perm = 0;
	uint64_t hpa = 0;
	uint64_t cycle = 0; // RTL response cycle (model: done + 1)
	bool walked = false;
	bool recorded = false; // the fault was written to a fault recording register
};

std::string res_str(const Result &r)
{
	if (r.status != ST_OK)
		return fmt("%s fault 0x%02x%s at cycle %" PRIu64,
			   r.status == ST_UR ? "unsupported" : "fault", r.fault,
			   r.recorded ? " recorded" : " not recorded", r.cycle);
	return fmt("ok hpa 0x%" PRIx64 " size 2^%u perm 0x%x (%s) at cycle %" PRIu64, r.hpa,
		   r.psize, r.perm, r.walked ? "walked" : "cached", r.cycle);
}

Result model_result(const struct cosim_ev &ev)
{
	Result r;
	const struct iommu_resp &m = ev.u.done.resp;
	if (ev.u.done.rc == 0) {
		r.status = ST_OK;
		r.hpa = m.hpa;
		r.psize = m.page_size ? log2_size(m.page_size) : 0;
		r.perm = m.perm;
	} else {
		r.status = m.unsupported ? ST_UR : ST_FAULT;
	}
	r.fault = static_cast<unsigned>(m.fault);
	r.walked = ev.u.done.walked;
	r.recorded = m.fault_recorded;
	r.cycle = ev.cycle + 1;
	return r;
}

// One request through the boundary.
struct Req {
	struct iommu_req req;
	uint64_t arrive;
	bool have_model = false, have_rtl = false, compared = false;
	Result model, rtl;
};

struct RegWrite {
	uint32_t off;
	unsigned size;
	uint64_t val;
};

struct MemReply {
	uint64_t due;
	unsigned id;
	bool err, write;
	uint64_t addr;
};

struct DtlbReply {
	uint64_t due;
	unsigned itag;
};

// The invalidation queue stopped (FSTS.IQE or FSTS.ITE set) at a cycle.
struct QueueError {
	uint64_t cycle;
	bool ite; // else IQE
};

// A device-TLB invalidation request the model sent.
struct DtlbSent {
	uint64_t cycle;
	uint16_t sid;
	bool answered; // false: the endpoint never answers (ITE)
};

// Puts item uid into a port's queue of waiting items: by arrival cycle,
// submission order among equals.
template <class Item>
void in_arrival_order(std::deque<uint64_t> &q, const std::vector<Item> &items, uint64_t uid)
{
	auto it = q.end();
	while (it != q.begin() && items[*(it - 1)].arrive > items[uid].arrive)
		--it;
	q.insert(it, uid);
}

// A page request through the page request port: the model's accept and
// finish cycles, the RTL's.
struct PageReq {
	struct iommu_page_req pr;
	uint64_t arrive;
	bool have_model = false, have_rtl = false, compared = false;
	uint64_t m_accept = 0, m_done = 0, r_accept = 0, r_done = 0;
	struct iommu_pr_result res {
	};
};

// A page group response: the cycle it left the IOMMU (model cycle; the
// RTL's port shows it one cycle later) and its fields.
struct PrgResp {
	uint64_t cycle;
	uint16_t sid, prgi;
	bool pasid_valid;
	uint32_t pasid;
	unsigned code;
	bool operator==(const PrgResp &o) const
	{
		return sid == o.sid && prgi == o.prgi && pasid_valid == o.pasid_valid &&
		       (!pasid_valid || pasid == o.pasid) && code == o.code;
	}
};

std::string prsp_str(const PrgResp &r)
{
	return fmt("to %s pasid %s prgi %u code %u at cycle %" PRIu64, bdf(r.sid).c_str(),
		   r.pasid_valid ? fmt("0x%05x", r.pasid).c_str() : "-", r.prgi, r.code, r.cycle);
}

std::string pr_str(const struct iommu_page_req &p)
{
	return fmt("%s pasid %s addr 0x%" PRIx64 " %s%s%s%s prgi %u%s", bdf(p.sid).c_str(),
		   p.pasid_valid ? fmt("0x%05x", p.pasid).c_str() : "-", p.addr, p.read ? "r" : "",
		   p.write ? "w" : "", p.exec ? "x" : "", p.priv ? " priv" : "", p.prgi,
		   p.lpig ? " last" : "");
}

// A memory write of one side: the bytes at an address.
struct Write {
	uint64_t cycle;
	unsigned len;
	uint64_t val;
};

// ---- Cache contents at the end of a run (docs/cosim.md) -------------------
// Both sides' lines are brought to one form, the model's struct
// iommu_cache_line (iommu/iommu.h): its key words and its payload fields.
// The RTL side is converted from the packed tag and data of each cache
// (rtl/iommu_ctx_cache.sv, iommu_pasid_cache.sv, iommu_iotlb.sv, iommu_pwc.sv),
// one conversion per cache below.

// Bits lsb .. lsb + width - 1 (width <= 64) of a row of 32-bit words.
uint64_t row_bits(const std::vector<uint32_t> &row, unsigned lsb, unsigned width)
{
	uint64_t v = 0;
	for (unsigned i = 0; i < width; i++) {
		unsigned b = lsb + i;
		if (b / 32 < row.size() && ((row[b / 32] >> (b % 32)) & 1))
			v |= 1ull << i;
	}
	return v;
}

// The RTL widths of the caches, from the block's parameters (the model's
// configuration, which the run checked against them).
struct RtlCacheWidths {
	unsigned pasid_bits, vpn_w, hpn_w; // IOTLB page-number widths
	unsigned tag_w[COSIM_CC_COUNT], data_w[COSIM_CC_COUNT];
	unsigned pwc_tag_bits[2], pwc_page_w[2]; // first, second level
};

RtlCacheWidths rtl_cache_widths(const struct iommu_config &m)
{
	RtlCacheWidths w{};
	w.pasid_bits = m.pasid_bits;
	w.vpn_w = m.mgaw - 12;
	w.hpn_w = m.haw - 12;
	w.tag_w[COSIM_CC_CONTEXT] = 16;
	w.data_w[COSIM_CC_CONTEXT] = 256;
	w.tag_w[COSIM_CC_PASID] = 16 + m.pasid_bits + 16;
	w.data_w[COSIM_CC_PASID] = 513;
	w.tag_w[COSIM_CC_IOTLB] = 16 + m.pasid_bits + w.vpn_w + 2 + 2;
	w.data_w[COSIM_CC_IOTLB] = w.hpn_w + 11;
	w.pwc_tag_bits[0] = 16 + m.pasid_bits;
	w.pwc_page_w[0] = 57 - 12;
	w.pwc_tag_bits[1] = 16;
	w.pwc_page_w[1] = m.mgaw - 12;
	for (unsigned f = 0; f < 2; f++) {
		for (unsigned l = 0; l < 4; l++) {
			unsigned id = (f ? COSIM_CC_SL_PWC2 : COSIM_CC_FL_PWC2) + l;
			w.tag_w[id] = w.pwc_tag_bits[f] + w.pwc_page_w[f] + 3;
			w.data_w[id] = w.hpn_w + 8;
		}
	}
	return w;
}

// The input address of an RTL page number of width bits (4 KiB pages): the
// RTL keeps the address bits below 12 + width, the model all 64; a cached
// address is canonical (first level) or below 2^mgaw (second level), so its
// upper bits repeat the top one kept.
uint64_t rtl_input_addr(uint64_t page, unsigned width)
{
	uint64_t a = page << 12;
	unsigned top = 12 + width - 1;
	if (top < 63 && ((a >> top) & 1))
		a |= ~0ull << (top + 1);
	return a;
}

// Context cache: tag the SID; data the 256-bit entry.
void rtl_ctx_line(const RtlCacheWidths &, const std::vector<uint32_t> &t, unsigned tl,
		  const std::vector<uint32_t> &d, unsigned dl, struct iommu_cache_line &o)
{
	o.key[0] = row_bits(t, tl, 16);
	for (unsigned i = 0; i < 4; i++)
		o.entry[i] = row_bits(d, dl + 64 * i, 64);
}

// PASID cache: tag {did, pasid, sid}; data {pde_fpd, the 512-bit entry}.
// The tag's DID is the entry's (qword 1, bits 15:0), an attribute for
// invalidation: a line whose DID differs from its entry's is reported.
bool rtl_pasid_line(const RtlCacheWidths &w, const std::vector<uint32_t> &t, unsigned tl,
		    const std::vector<uint32_t> &d, unsigned dl, struct iommu_cache_line &o)
{
	o.key[0] = row_bits(t, tl, 16);
	o.key[1] = row_bits(t, tl + 16, w.pasid_bits);
	for (unsigned i = 0; i < 8; i++)
		o.entry[i] = row_bits(d, dl + 64 * i, 64);
	o.pde_fpd = row_bits(d, dl + 512, 1);
	return row_bits(t, tl + 16 + w.pasid_bits, 16) == (o.entry[1] & 0xFFFF);
}

// IOTLB: tag {global, class, level, page number (4 KiB), pasid, did}; data
// {class, global, dirty, sl_perm, perm, host page number}. The class and
// global bit are in both: a line whose copies differ is reported.
bool rtl_iotlb_line(const RtlCacheWidths &w, const std::vector<uint32_t> &t, unsigned tl,
		    const std::vector<uint32_t> &d, unsigned dl, struct iommu_cache_line &o)
{
	unsigned vpn_lsb = 16 + w.pasid_bits, lvl_lsb = vpn_lsb + w.vpn_w, key_w = lvl_lsb + 2;
	uint64_t vpn = row_bits(t, tl + vpn_lsb, w.vpn_w);
	o.level = static_cast<unsigned>(row_bits(t, tl + lvl_lsb, 2));
	o.key[0] = row_bits(t, tl, 16) | row_bits(t, tl + 16, w.pasid_bits) << 16;
	o.key[1] = rtl_input_addr(vpn, w.vpn_w) >> (12 + 9 * (o.level ? o.level - 1 : 0));
	o.key[2] = o.level;
	o.cls = static_cast<unsigned>(row_bits(t, tl + key_w, 1));
	o.global = row_bits(t, tl + key_w + 1, 1);
	o.addr = row_bits(d, dl, w.hpn_w) << 12;
	o.perm = static_cast<unsigned>(row_bits(d, dl + w.hpn_w, 4));
	o.sl_perm = static_cast<unsigned>(row_bits(d, dl + w.hpn_w + 4, 4));
	o.dirty = row_bits(d, dl + w.hpn_w + 8, 1);
	return row_bits(d, dl + w.hpn_w + 9, 1) == o.global &&
	       row_bits(d, dl + w.hpn_w + 10, 1) == o.cls;
}

// Paging-structure cache of a level: tag {level, page number (bits below the
// level's reach clear), tag (did, first level: pasid above)}; data {tperm,
// perm, next table >> 12}.
void rtl_pwc_line(const RtlCacheWidths &w, unsigned fam, const std::vector<uint32_t> &t,
		  unsigned tl, const std::vector<uint32_t> &d, unsigned dl,
		  struct iommu_cache_line &o)
{
	unsigned tb = w.pwc_tag_bits[fam], pw = w.pwc_page_w[fam];
	uint64_t page = row_bits(t, tl + tb, pw);
	unsigned lvl = static_cast<unsigned>(row_bits(t, tl + tb + pw, 3));
	o.key[0] = row_bits(t, tl, tb);
	o.key[1] = rtl_input_addr(page, pw) >> (12 + 9 * (lvl ? lvl - 1 : 0));
	o.key[2] = lvl;
	o.addr = row_bits(d, dl, w.hpn_w) << 12;
	o.perm = static_cast<unsigned>(row_bits(d, dl + w.hpn_w, 4));
	o.tperm = static_cast<unsigned>(row_bits(d, dl + w.hpn_w + 4, 4));
}

const char *cache_name(unsigned id)
{
	static const char *const n[COSIM_CC_COUNT] = {
		"context cache",       "PASID cache",         "IOTLB",
		"first-level PWC L2",  "first-level PWC L3",  "first-level PWC L4",
		"first-level PWC L5",  "second-level PWC L2", "second-level PWC L3",
		"second-level PWC L4", "second-level PWC L5",
	};
	return n[id];
}

enum iommu_cache_id model_cache_id(unsigned id)
{
	if (id == COSIM_CC_CONTEXT)
		return IOMMU_CACHE_CONTEXT;
	if (id == COSIM_CC_PASID)
		return IOMMU_CACHE_PASID;
	if (id == COSIM_CC_IOTLB)
		return IOMMU_CACHE_IOTLB;
	if (id < COSIM_CC_SL_PWC2)
		return static_cast<enum iommu_cache_id>(IOMMU_CACHE_FL_PWC2 +
							(id - COSIM_CC_FL_PWC2));
	return static_cast<enum iommu_cache_id>(IOMMU_CACHE_SL_PWC2 + (id - COSIM_CC_SL_PWC2));
}

bool line_eq(unsigned id, const struct iommu_cache_line &a, const struct iommu_cache_line &b)
{
	if (a.key[0] != b.key[0] || a.key[1] != b.key[1] || a.key[2] != b.key[2])
		return false;
	switch (id) {
	case COSIM_CC_CONTEXT: return std::memcmp(a.entry, b.entry, 4 * sizeof(a.entry[0])) == 0;
	case COSIM_CC_PASID:
		return std::memcmp(a.entry, b.entry, sizeof(a.entry)) == 0 &&
		       a.pde_fpd == b.pde_fpd;
	case COSIM_CC_IOTLB:
		return a.addr == b.addr && a.perm == b.perm && a.sl_perm == b.sl_perm &&
		       a.level == b.level && a.cls == b.cls && a.dirty == b.dirty &&
		       a.global == b.global;
	default: return a.addr == b.addr && a.perm == b.perm && a.tperm == b.tperm;
	}
}

std::string line_str(unsigned id, const struct iommu_cache_line *l)
{
	if (!l)
		return "invalid";
	switch (id) {
	case COSIM_CC_CONTEXT:
		return fmt("sid %s entry 0x%016" PRIx64 "_%016" PRIx64 "_%016" PRIx64
			   "_%016" PRIx64,
			   bdf(static_cast<unsigned>(l->key[0] & 0xFFFF)).c_str(), l->entry[3],
			   l->entry[2], l->entry[1], l->entry[0]);
	case COSIM_CC_PASID: {
		std::string e;
		for (unsigned i = 8; i-- > 0;)
			e += fmt("%s%016" PRIx64, i == 7 ? "0x" : "_", l->entry[i]);
		return fmt("sid %s pasid 0x%" PRIx64 " entry %s pde_fpd %d",
			   bdf(static_cast<unsigned>(l->key[0] & 0xFFFF)).c_str(), l->key[1],
			   e.c_str(), l->pde_fpd);
	}
	case COSIM_CC_IOTLB:
		return fmt("did 0x%x pasid 0x%" PRIx64 " page 0x%" PRIx64
			   " level %u -> page 0x%" PRIx64 " perm 0x%x sl_perm 0x%x %s%s%s",
			   static_cast<unsigned>(l->key[0] & 0xFFFF), l->key[0] >> 16, l->key[1],
			   l->level, l->addr, l->perm, l->sl_perm,
			   l->cls ? "first-level" : "second-level", l->dirty ? " dirty" : "",
			   l->global ? " global" : "");
	default:
		return fmt("did 0x%x%s page 0x%" PRIx64 " level %" PRIu64 " -> next 0x%" PRIx64
			   " perm 0x%x tperm 0x%x",
			   static_cast<unsigned>(l->key[0] & 0xFFFF),
			   id < COSIM_CC_SL_PWC2 ? fmt(" pasid 0x%" PRIx64, l->key[0] >> 16).c_str()
						 : "",
			   l->key[1], l->key[2], l->addr, l->perm, l->tperm);
	}
}

class Run final : public CosimCycle
{
      public:
	Run(const struct cosim_run &run, unsigned bug, CosimClock *clock, const CosimIn &in)
	    : cfg_(*run.cfg), cycles_(run.cycles), clock_(clock), in_(in)
	{
		haw_ = cfg_.mmu.haw;
		mem_latency_ = cfg_.timing.mem_latency;
		dtlb_latency_ =
			2ull * cfg_.timing.ats_link_latency + cfg_.timing.devtlb_inv_latency;
		bug_ = bug;
		for (unsigned t = 0; t < 256; t++)
			free_tags_.push_back(t);
		cyc_ = -static_cast<int64_t>(kPreroll);
	}

	void event(const struct cosim_ev &ev)
	{
		switch (ev.kind) {
		case COSIM_EV_SUBMIT: {
			uint64_t uid = reqs_.size();
			Req r;
			r.req = ev.u.req;
			r.arrive = ev.cycle;
			reqs_.push_back(r);
			live_[ev.tag] = uid;
			in_arrival_order(arrivals_, reqs_, uid);
			break;
		}
		case COSIM_EV_DONE: {
			auto it = live_.find(ev.tag);
			if (it == live_.end()) {
				diverge(ev.cycle,
					"the model completed a request it never took (tag %" PRIu64
					")",
					ev.tag);
				return;
			}
			Req &r = reqs_[it->second];
			r.model = model_result(ev);
			r.have_model = true;
			note(fmt("model %" PRIu64 ": request %" PRIu64 " done: %s", ev.cycle,
				 it->second, res_str(r.model).c_str()));
			compare(it->second);
			live_.erase(it);
			break;
		}
		case COSIM_EV_REG:
			batch_.push_back({ev.u.reg.off, ev.u.reg.size, ev.u.reg.val});
			batch_cycle_ = ev.cycle;
			break;
		case COSIM_EV_SW_WRITE: sw_.push_back(ev); break;
		case COSIM_EV_HW_WRITE:
			for (unsigned i = 0; i < ev.u.w.len; i += 8) {
				unsigned n = ev.u.w.len - i < 8 ? ev.u.w.len - i : 8;
				uint64_t v = 0;
				std::memcpy(&v, ev.u.w.data + i, n);
				model_w_[ev.u.w.pa + i].push_back({ev.cycle, n, v});
				match_writes(ev.u.w.pa + i);
			}
			break;
		case COSIM_EV_WAIT:
			model_waits_.push_back(ev.cycle);
			match_waits();
			break;
		case COSIM_EV_DTLB:
			model_dtlb_.push_back({ev.cycle, ev.u.dtlb.sid, ev.u.dtlb.answered});
			break;
		case COSIM_EV_QERR:
			model_qerr_.push_back({ev.cycle, ev.u.fsts == kFstsIte});
			match_qerr();
			break;
		case COSIM_EV_PR: {
			uint64_t uid = prs_.size();
			PageReq r;
			r.pr = ev.u.pr;
			r.arrive = ev.cycle;
			prs_.push_back(r);
			pr_live_[ev.tag] = uid;
			in_arrival_order(pr_arrivals_, prs_, uid);
			note(fmt("model %" PRIu64 ": page request %" PRIu64 " arrives: %s",
				 ev.cycle, uid, pr_str(r.pr).c_str()));
			break;
		}
		case COSIM_EV_PR_DONE: {
			auto it = pr_live_.find(ev.tag);
			if (it == pr_live_.end()) {
				diverge(ev.cycle,
					"the model finished a page request it never took (tag "
					"%" PRIu64 ")",
					ev.tag);
				return;
			}
			PageReq &r = prs_[it->second];
			r.m_accept = ev.u.pr_done.accept;
			r.m_done = ev.cycle;
			r.res = ev.u.pr_done.res;
			r.have_model = true;
			note(fmt("model %" PRIu64 ": page request %" PRIu64
				 " finished (accepted %" PRIu64 ", outcome %d)",
				 ev.cycle, it->second, r.m_accept,
				 static_cast<int>(r.res.outcome)));
			compare_pr(it->second);
			pr_live_.erase(it);
			break;
		}
		case COSIM_EV_PRSP:
			model_prsp_.push_back({ev.cycle, ev.u.prsp.sid, ev.u.prsp.prgi,
					       ev.u.prsp.pasid_valid, ev.u.prsp.pasid,
					       ev.u.prsp.code});
			note(fmt("model %" PRIu64 ": page group response %s", ev.cycle,
				 prsp_str(model_prsp_.back()).c_str()));
			match_prsp();
			break;
		case COSIM_EV_COUNT: break;
		}
	}

	// Every stimulus before cycle now is known.
	void advanced(uint64_t now)
	{
		flush_batch(now);
		while (!diverged_ && cyc_ + static_cast<int64_t>(kLag) < static_cast<int64_t>(now))
			step();
	}

	void finish(const struct cosim_model_end &end)
	{
		flush_batch(UINT64_MAX);
		uint64_t limit = end.cycles + kDrainLimit;
		// The model is done: run until the RTL answered every request and
		// went quiet, then a little longer for the last write's response.
		while (!diverged_ && static_cast<uint64_t>(cyc_ < 0 ? 0 : cyc_) < limit &&
		       (cyc_ < static_cast<int64_t>(end.cycles) + 1 || busy()))
			step();
		for (int i = 0; i < 4 && !diverged_; i++)
			step();
		if (diverged_)
			return;
		if (busy()) {
			diverge(cyc_,
				"the RTL did not finish within %" PRIu64
				" cycles after the model (%zu requests unanswered)",
				kDrainLimit, arrivals_.size() + inflight_.size());
			return;
		}
		for (uint64_t i = 0; i < reqs_.size(); i++) {
			if (!reqs_[i].compared) {
				const Req &r = reqs_[i];
				diverge(cyc_, "request %" PRIu64 " (%s): %s", i,
					req_str(r.req).c_str(),
					r.have_rtl ? "the model never answered it"
						   : "the RTL never answered it");
				return;
			}
		}
		for (uint64_t i = 0; i < prs_.size(); i++) {
			if (!prs_[i].compared) {
				diverge(cyc_, "page request %" PRIu64 " (%s): %s", i,
					pr_str(prs_[i].pr).c_str(),
					prs_[i].have_rtl ? "the model never finished it"
							 : "the RTL never finished it");
				return;
			}
		}
		if (!model_prsp_.empty() || !rtl_prsp_.empty()) {
			bool m = !model_prsp_.empty();
			const PrgResp &e = m ? model_prsp_.front() : rtl_prsp_.front();
			diverge(cyc_, "page group responses: the %s sent one %s, the %s did not",
				m ? "model" : "RTL", prsp_str(e).c_str(), m ? "RTL" : "model");
			return;
		}
		for (auto &kv : model_w_) {
			if (!kv.second.empty()) {
				diverge(cyc_,
					"memory write stream: the model wrote 0x%" PRIx64
					" to 0x%" PRIx64 " at cycle %" PRIu64 ", the RTL did not",
					kv.second.front().val, kv.first, kv.second.front().cycle);
				return;
			}
		}
		for (auto &kv : rtl_w_) {
			if (!kv.second.empty()) {
				diverge(kv.second.front().cycle,
					"memory write stream: the RTL wrote 0x%" PRIx64
					" to 0x%" PRIx64 " at cycle %" PRIu64 ", the model did not",
					kv.second.front().val, kv.first, kv.second.front().cycle);
				return;
			}
		}
		if (!model_dtlb_.empty()) {
			diverge(cyc_,
				"device-TLB invalidations: the model sent %zu the RTL did not, the "
				"first to %s at cycle %" PRIu64,
				model_dtlb_.size(), bdf(model_dtlb_.front().sid).c_str(),
				model_dtlb_.front().cycle);
			return;
		}
		if (!model_qerr_.empty() || !rtl_qerr_.empty()) {
			const QueueError &e =
				model_qerr_.empty() ? rtl_qerr_.front() : model_qerr_.front();
			diverge(e.cycle,
				"invalidation queue errors: the %s raised %s at cycle %" PRIu64
				", the %s did not",
				model_qerr_.empty() ? "RTL" : "model", e.ite ? "ITE" : "IQE",
				e.cycle, model_qerr_.empty() ? "model" : "RTL");
			return;
		}
		if (!model_waits_.empty() || !rtl_waits_.empty()) {
			diverge(cyc_,
				"invalidation waits: the model completed %" PRIu64
				", the RTL %" PRIu64,
				n_model_waits_ + model_waits_.size(),
				n_model_waits_ + rtl_waits_.size());
			return;
		}
		counters(end);
		// Which lines are present depends on timing: with the cycles only.
		if (!diverged_ && cycles_ && end.mmu)
			compare_caches(*end.mmu);
	}

	const char *divergence(uint64_t *cycle) const
	{
		if (!diverged_)
			return nullptr;
		*cycle = div_cycle_;
		return report_.c_str();
	}

	// Requests given to the RTL and not answered yet (its answers may run
	// up to LAG cycles behind the model's).
	bool pending() const
	{
		return !diverged_ && (!arrivals_.empty() || !inflight_.empty() ||
				      !pr_arrivals_.empty() || !pr_inflight_.empty());
	}

	const char *summary()
	{
		summary_ =
			fmt("RTL: %" PRIu64 " cycles, %zu responses compared, %" PRIu64
			    " memory writes and %" PRIu64
			    " waits matched (RTL - model cycle %" PRId64 "..%" PRId64 "), %" PRIu64
			    " device-TLB invalidations matched (%" PRIu64 " unanswered), %" PRIu64
			    " queue errors matched, %" PRIu64 " register writes (%" PRIu64
			    " later than their cycle, %" PRIu64 " IQT writes merged)",
			    rtl_cycles_, reqs_.size(), n_writes_, n_model_waits_, wait_off_min_,
			    wait_off_max_, n_dtlb_, n_dtlb_silent_, n_qerr_, n_regs_, n_regs_late_,
			    n_iqt_merged_);
		if (!prs_.empty() || n_prsp_)
			summary_ += fmt(", %zu page requests and %" PRIu64
					" page group responses compared",
					prs_.size(), n_prsp_);
		if (caches_compared_)
			summary_ += fmt(", cache lines equal: %" PRIu64 " context, %" PRIu64
					" PASID, %" PRIu64 " IOTLB, %" PRIu64 " + %" PRIu64 " PWC",
					n_cache_lines_[0], n_cache_lines_[1], n_cache_lines_[2],
					n_cache_lines_[3], n_cache_lines_[4]);
		return summary_.c_str();
	}

	double rtl_cycles() const
	{
		return static_cast<double>(rtl_cycles_);
	}

      private:
	struct sim_config cfg_;
	bool cycles_;
	unsigned haw_ = 46, mem_latency_ = 50, bug_ = 0;
	uint64_t dtlb_latency_ = 0;
	std::unique_ptr<CosimClock> clock_;
	CosimIn in_;
	int64_t cyc_ = 0;           // the RTL cycle about to run
	int64_t last_progress_ = 0; // the last cycle with nothing waiting or a response
	uint64_t rtl_cycles_ = 0;

	std::vector<Req> reqs_;
	std::unordered_map<uint64_t, uint64_t> live_; // engine tag -> request
	std::deque<uint64_t> arrivals_;               // requests not yet transferred
	uint64_t present_ = UINT64_MAX;               // the request on the port this cycle
	std::deque<unsigned> free_tags_;
	std::unordered_map<unsigned, uint64_t> inflight_; // RTL tag -> request

	std::vector<RegWrite> batch_; // register writes of cycle batch_cycle_
	uint64_t batch_cycle_ = 0;
	std::map<int64_t, RegWrite> regs_; // by RTL cycle
	int64_t last_reg_slot_ = INT64_MIN;
	uint64_t n_regs_ = 0, n_regs_late_ = 0, n_iqt_merged_ = 0;

	std::vector<PageReq> prs_;
	std::unordered_map<uint64_t, uint64_t> pr_live_; // engine tag -> page request
	std::deque<uint64_t> pr_arrivals_;               // not yet taken by the RTL
	std::deque<uint64_t> pr_inflight_;               // taken, not finished
	uint64_t pr_present_ = UINT64_MAX;               // on the port this cycle
	std::deque<PrgResp> model_prsp_, rtl_prsp_;
	uint64_t n_prsp_ = 0, n_prq_events_ = 0;

	std::deque<struct cosim_ev> sw_;
	std::unordered_map<uint64_t, std::array<uint8_t, 4096>> mem_;
	std::deque<MemReply> mem_pend_;
	std::deque<DtlbReply> dtlb_pend_;
	std::deque<DtlbSent> model_dtlb_;
	uint64_t n_dtlb_ = 0, n_dtlb_silent_ = 0;
	std::deque<QueueError> model_qerr_, rtl_qerr_;
	uint64_t n_qerr_ = 0;

	std::map<uint64_t, std::deque<Write>> model_w_, rtl_w_;
	uint64_t n_writes_ = 0;
	std::deque<uint64_t> model_waits_, rtl_waits_;
	uint64_t n_model_waits_ = 0;
	int64_t wait_off_min_ = 0, wait_off_max_ = 0; // RTL - model wait cycles

	uint64_t n_walks_ = 0, n_reads_ = 0, n_writes_rtl_ = 0, n_desc_ = 0, n_waits_ = 0,
		 n_flt_ = 0;
	int64_t flt_cycle_ = -2; // the last cycle the block recorded a fault
	bool caches_compared_ = false;
	uint64_t n_cache_lines_[5] = {}; // valid lines of the block at the end

	std::deque<std::string> hist_;
	bool diverged_ = false;
	uint64_t div_cycle_ = 0;
	std::string report_, summary_;

	void note(const std::string &s)
	{
		hist_.push_back(s);
		if (hist_.size() > kHistory)
			hist_.pop_front();
	}

	void diverge(uint64_t cycle, const char *f, ...) __attribute__((format(printf, 3, 4)))
	{
		if (diverged_)
			return;
		char b[2048];
		va_list ap;
		va_start(ap, f);
		std::vsnprintf(b, sizeof(b), f, ap);
		va_end(ap);
		diverged_ = true;
		div_cycle_ = cycle;
		report_ = fmt("divergence at cycle %" PRIu64 ": ", cycle) + b +
			  fmt("\n  recent boundary events (last %zu):", hist_.size());
		for (const std::string &h : hist_)
			report_ += "\n    " + h;
	}

	bool busy() const
	{
		return !arrivals_.empty() || !inflight_.empty() || !mem_pend_.empty() ||
		       !dtlb_pend_.empty() || !regs_.empty() || !sw_.empty() ||
		       !pr_arrivals_.empty() || !pr_inflight_.empty();
	}

	// The register writes of one model cycle get their RTL cycles.
	void flush_batch(uint64_t now)
	{
		if (batch_.empty() || batch_cycle_ >= now)
			return;
		// The engine sees the queue tail the model holds at the end of the
		// cycle: of several IQT writes in one cycle only the last one
		// reaches the RTL (an earlier one would start its queue early).
		for (size_t i = batch_.size(); i-- > 0;) {
			if (batch_[i].off != kIqt)
				continue;
			for (size_t j = i; j-- > 0;) {
				if (batch_[j].off == kIqt) {
					batch_.erase(batch_.begin() +
						     static_cast<std::ptrdiff_t>(j));
					i--;
					n_iqt_merged_++;
				}
			}
			break;
		}
		// A write the model takes at cycle n acts in the engine's cycle n;
		// the RTL's register port acts from the cycle after the write: the
		// last write goes in at n - 1.
		int64_t n = static_cast<int64_t>(batch_cycle_) - 1;
		int64_t first = n - static_cast<int64_t>(batch_.size()) + 1;
		for (size_t i = 0; i < batch_.size(); i++) {
			int64_t slot = first + static_cast<int64_t>(i);
			if (slot <= last_reg_slot_)
				slot = last_reg_slot_ + 1;
			if (slot < cyc_)
				slot = cyc_;
			if (slot > n)
				n_regs_late_++;
			regs_[slot] = batch_[i];
			last_reg_slot_ = slot;
			n_regs_++;
		}
		batch_.clear();
	}

	uint8_t *page(uint64_t pa)
	{
		auto &p = mem_[pa >> 12];
		return p.data();
	}

	void mem_write(uint64_t pa, const uint8_t *b, unsigned len)
	{
		for (unsigned i = 0; i < len; i++) {
			auto it = mem_.find((pa + i) >> 12);
			if (it == mem_.end())
				it = mem_.emplace((pa + i) >> 12, std::array<uint8_t, 4096>{})
					     .first;
			it->second[(pa + i) & 0xFFF] = b[i];
		}
	}

	void mem_line(uint64_t pa, uint8_t *out)
	{
		auto it = mem_.find(pa >> 12);
		if (it == mem_.end())
			std::memset(out, 0, 64);
		else
			std::memcpy(out, it->second.data() + (pa & 0xFC0), 64);
	}

	void compare(uint64_t uid)
	{
		Req &r = reqs_[uid];
		if (!r.have_model || !r.have_rtl || r.compared)
			return;
		r.compared = true;
		const Result &m = r.model, &x = r.rtl;
		const char *what = nullptr;
		if (x.status != m.status)
			what = "status";
		else if (x.fault != m.fault)
			what = "fault reason";
		else if (m.status == ST_OK && x.hpa != m.hpa)
			what = "physical address";
		else if (m.status == ST_OK && x.psize != m.psize)
			what = "page size";
		else if (m.status == ST_OK && x.perm != m.perm)
			what = "permissions";
		else if (cycles_ && x.cycle != m.cycle)
			what = "completion cycle";
		else if (cycles_ && x.recorded != m.recorded)
			what = "fault recording"; // software clears records in time
		if (what)
			diverge(x.cycle,
				"request %" PRIu64 " (%s, arrived at cycle %" PRIu64
				"): %s differs\n  model: %s\n  rtl:   %s",
				uid, req_str(r.req).c_str(), r.arrive, what, res_str(m).c_str(),
				res_str(x).c_str());
	}

	void match_writes(uint64_t addr)
	{
		auto mi = model_w_.find(addr), ri = rtl_w_.find(addr);
		if (mi == model_w_.end() || ri == rtl_w_.end())
			return;
		while (!mi->second.empty() && !ri->second.empty()) {
			const Write &a = mi->second.front(), &b = ri->second.front();
			uint64_t mask = a.len >= 8 ? ~0ull : (1ull << (8 * a.len)) - 1;
			if (a.len != b.len || (a.val & mask) != (b.val & mask)) {
				diverge(b.cycle,
					"memory write stream at 0x%" PRIx64
					": the model wrote 0x%" PRIx64 " (%u bytes, cycle %" PRIu64
					"), the RTL 0x%" PRIx64 " (%u bytes, cycle %" PRIu64 ")",
					addr, a.val & mask, a.len, a.cycle, b.val, b.len, b.cycle);
				return;
			}
			n_writes_++;
			mi->second.pop_front();
			ri->second.pop_front();
		}
	}

	void match_qerr()
	{
		while (!model_qerr_.empty() && !rtl_qerr_.empty()) {
			QueueError m = model_qerr_.front(), x = rtl_qerr_.front();
			if (m.ite != x.ite || (cycles_ && m.cycle != x.cycle)) {
				diverge(x.cycle,
					"invalidation queue error %" PRIu64
					": the model raised %s at "
					"cycle %" PRIu64 ", the RTL %s at cycle %" PRIu64,
					n_qerr_, m.ite ? "ITE" : "IQE", m.cycle,
					x.ite ? "ITE" : "IQE", x.cycle);
				return;
			}
			n_qerr_++;
			model_qerr_.pop_front();
			rtl_qerr_.pop_front();
		}
	}

	// A page request both sides finished: with the cycles, accepted and
	// finished in the same cycles.
	void compare_pr(uint64_t uid)
	{
		PageReq &r = prs_[uid];
		if (!r.have_model || !r.have_rtl || r.compared)
			return;
		r.compared = true;
		if (cycles_ && (r.m_accept != r.r_accept || r.m_done != r.r_done))
			diverge(r.r_done,
				"page request %" PRIu64 " (%s, arrived at cycle %" PRIu64
				"): the model took it at cycle %" PRIu64
				" and finished it at %" PRIu64
				" (outcome %d, fault 0x%02x), the RTL at %" PRIu64 " and %" PRIu64,
				uid, pr_str(r.pr).c_str(), r.arrive, r.m_accept, r.m_done,
				static_cast<int>(r.res.outcome), static_cast<unsigned>(r.res.fault),
				r.r_accept, r.r_done);
	}

	// Page group responses: with the cycles, one stream in order, fields and
	// cycles equal; else each RTL response matches one of the model's with
	// the same fields (responses of the queue engine and of the page request
	// unit may interleave differently when the timing differs).
	void match_prsp()
	{
		while (!diverged_ && !rtl_prsp_.empty() && !model_prsp_.empty()) {
			const PrgResp &x = rtl_prsp_.front();
			auto m = model_prsp_.begin();
			if (!cycles_)
				m = std::find(model_prsp_.begin(), model_prsp_.end(), x);
			if (m == model_prsp_.end())
				return; // the model's may come later
			if (!(*m == x) || (cycles_ && m->cycle != x.cycle)) {
				diverge(x.cycle + 1,
					"page group response %" PRIu64 ": the model sent one %s, "
					"the RTL %s",
					n_prsp_, prsp_str(*m).c_str(), prsp_str(x).c_str());
				return;
			}
			n_prsp_++;
			model_prsp_.erase(m);
			rtl_prsp_.pop_front();
		}
	}

	void match_waits()
	{
		while (!model_waits_.empty() && !rtl_waits_.empty()) {
			uint64_t m = model_waits_.front(), x = rtl_waits_.front();
			if (cycles_ && m != x) {
				diverge(x,
					"invalidation wait %" PRIu64 ": completes at cycle %" PRIu64
					" in the model, %" PRIu64 " in the RTL",
					n_model_waits_, m, x);
				return;
			}
			int64_t off = static_cast<int64_t>(x) - static_cast<int64_t>(m);
			wait_off_min_ = n_model_waits_ ? std::min(wait_off_min_, off) : off;
			wait_off_max_ = n_model_waits_ ? std::max(wait_off_max_, off) : off;
			n_model_waits_++;
			model_waits_.pop_front();
			rtl_waits_.pop_front();
		}
	}

	void counters(const struct cosim_model_end &end)
	{
		struct {
			const char *name;
			uint64_t model, rtl;
		} c[] = {
			{"walks", end.walks, n_walks_},
			{"memory reads", end.mem_reads, n_reads_},
			{"memory writes", end.mem_writes, n_writes_rtl_},
			{"invalidation waits", end.qi_waits, n_waits_},
			{"invalidation descriptors", end.qi_descriptors, n_desc_},
			{"fault records", end.faults_recorded, n_flt_},
			{"page requests", end.page_requests, pr_finished()},
			{"page request events", end.prq_events, n_prq_events_},
		};
		for (auto &k : c) {
			// Walks and memory-port transfers are micro-architecture, and
			// which faults find a free fault record depends on when
			// software cleared them: compared with the cycles only.
			// So do the page request events (software clears PRS.PPR).
			if (!cycles_ && (k.name[0] == 'w' || k.name[0] == 'm' || k.name[0] == 'f' ||
					 !std::strcmp(k.name, "page request events")))
				continue;
			if (k.model != k.rtl) {
				diverge(cyc_, "end of run: %s: model %" PRIu64 ", RTL %" PRIu64,
					k.name, k.model, k.rtl);
				return;
			}
		}
		// The fault recording registers, through the register port. Which
		// records software cleared depends on when the faults came: only
		// when the cycles are compared too.
		if (!cycles_)
			return;
		// The page request queue's tail, status and event control.
		struct {
			const char *name;
			uint32_t off;
			unsigned size;
			uint64_t model;
		} pq[] = {
			{"PQT", kPqt, 8, end.pqt},
			{"PRS", kPrs, 4, end.prs},
			{"PECTL", kPectl, 4, end.pectl},
		};
		for (auto &k : pq) {
			uint64_t v = reg_read(k.off, k.size);
			if (v != k.model) {
				diverge(cyc_, "end of run: %s: model 0x%" PRIx64 ", RTL 0x%" PRIx64,
					k.name, k.model, v);
				return;
			}
		}
		uint64_t fsts = reg_read(0x034, 4);
		if ((fsts & 0xFF) != (end.fsts & 0xFF)) {
			diverge(cyc_, "end of run: FSTS: model 0x%08x, RTL 0x%08" PRIx64, end.fsts,
				fsts);
			return;
		}
		for (unsigned i = 0; i < end.nfr; i++) {
			uint64_t lo = reg_read(0x400 + 16 * i, 8), hi = reg_read(0x408 + 16 * i, 8);
			if (lo != end.frcd[i][0] || hi != end.frcd[i][1]) {
				diverge(cyc_,
					"end of run: fault record %u: model 0x%016" PRIx64
					"_%016" PRIx64 ", RTL 0x%016" PRIx64 "_%016" PRIx64,
					i, end.frcd[i][1], end.frcd[i][0], hi, lo);
				return;
			}
		}
	}

	// Page requests the RTL finished (prq_done_o).
	uint64_t pr_finished() const
	{
		return static_cast<uint64_t>(std::count_if(
			prs_.begin(), prs_.end(), [](const PageReq &r) { return r.have_rtl; }));
	}

	// Every cache of the block against the model's, set by set and way by
	// way (the same geometry, placement and replacement on both sides).
	void compare_caches(const struct iommu &mmu)
	{
		CosimCaches rc;
		clock_->caches(rc);
		RtlCacheWidths w = rtl_cache_widths(cfg_.mmu);
		for (unsigned id = 0; id < COSIM_CC_COUNT; id++) {
			const struct iommu_cache_geom *g =
				iommu_cache_geometry(&mmu, model_cache_id(id));
			const CosimCacheRows &r = rc.c[id];
			unsigned ways = g->ways ? g->ways : 1;
			if (r.tag.size() != g->sets ||
			    (g->sets && (r.tag[0].size() * 32 < ways * w.tag_w[id] ||
					 r.data[0].size() * 32 < ways * w.data_w[id]))) {
				diverge(cyc_,
					"end of run: %s: the RTL storage (%zu sets) is not the "
					"model's geometry (%u sets of %u ways)",
					cache_name(id), r.tag.size(), g->sets, g->ways);
				return;
			}
			for (unsigned set = 0; set < g->sets; set++) {
				for (unsigned way = 0; way < ways; way++) {
					struct iommu_cache_line m, x;
					bool mv = iommu_cache_line(&mmu, model_cache_id(id), set,
								   way, &m);
					bool xv = row_bits(r.valid, set * ways + way, 1) != 0;
					bool ok = true;
					std::memset(&x, 0, sizeof(x));
					if (xv) {
						unsigned tl = way * w.tag_w[id],
							 dl = way * w.data_w[id];
						const std::vector<uint32_t> &t = r.tag[set],
									    &d = r.data[set];
						if (id == COSIM_CC_CONTEXT)
							rtl_ctx_line(w, t, tl, d, dl, x);
						else if (id == COSIM_CC_PASID)
							ok = rtl_pasid_line(w, t, tl, d, dl, x);
						else if (id == COSIM_CC_IOTLB)
							ok = rtl_iotlb_line(w, t, tl, d, dl, x);
						else
							rtl_pwc_line(w,
								     id < COSIM_CC_SL_PWC2 ? 0 : 1,
								     t, tl, d, dl, x);
					}
					if (mv == xv && (!mv || line_eq(id, m, x)) && ok)
						continue;
					diverge(cyc_,
						"end of run: %s set %u way %u: model %s, RTL %s%s",
						cache_name(id), set, way,
						line_str(id, mv ? &m : nullptr).c_str(),
						line_str(id, xv ? &x : nullptr).c_str(),
						ok ? ""
						   : " (its tag's attribute bits disagree with its "
						     "data)");
					return;
				}
			}
		}
		// Valid lines: context, PASID, IOTLB, first-level and second-level PWC.
		for (unsigned id = 0; id < COSIM_CC_COUNT; id++) {
			unsigned k = id < COSIM_CC_FL_PWC2 ? id : id < COSIM_CC_SL_PWC2 ? 3 : 4;
			for (uint32_t v : rc.c[id].valid)
				n_cache_lines_[k] += static_cast<uint64_t>(__builtin_popcount(v));
		}
		caches_compared_ = true;
	}

	uint64_t reg_read(uint32_t off, unsigned size)
	{
		uint64_t v = clock_->reg_read(cyc_, in_, off, size);
		cyc_++;
		return v;
	}

	// One RTL cycle.
	void step()
	{
		int64_t c = cyc_;
		clock_->cycle(*this, c, in_);
		cyc_++;
		if (c >= 0)
			rtl_cycles_++;
	}

      public:
	// Software memory writes, the register port and the request port.
	void drive_stimulus(int64_t c, CosimIn &t) override
	{
		if (arrivals_.empty() && inflight_.empty() && pr_arrivals_.empty() &&
		    pr_inflight_.empty())
			last_progress_ = c;
		else if (c - last_progress_ > static_cast<int64_t>(kStallLimit))
			diverge(static_cast<uint64_t>(c),
				"the RTL answered nothing for %" PRIu64
				" cycles with %zu requests waiting "
				"and %zu in flight, %zu page requests waiting and %zu taken",
				kStallLimit, arrivals_.size(), inflight_.size(),
				pr_arrivals_.size(), pr_inflight_.size());
		cosim_idle_stimulus(t);
		// Software memory writes of this cycle.
		while (!sw_.empty() && static_cast<int64_t>(sw_.front().cycle) <= (c < 0 ? 0 : c) &&
		       c >= 0) {
			const struct cosim_ev &e = sw_.front();
			mem_write(e.u.w.pa, e.u.w.data, e.u.w.len);
			sw_.pop_front();
		}
		// Register port.
		auto ri = regs_.begin();
		if (ri != regs_.end() && ri->first <= c) {
			t.reg_req = 1;
			t.reg_we = 1;
			t.reg_addr = static_cast<uint16_t>(ri->second.off);
			t.reg_size = static_cast<uint8_t>(ri->second.size);
			t.reg_wdata = ri->second.val;
			note(fmt("rtl %" PRId64 ": register write 0x%03x = 0x%" PRIx64, c,
				 ri->second.off, ri->second.val));
			regs_.erase(ri);
		}
		// Request port: the oldest arrived request.
		present_ = UINT64_MAX;
		if (!arrivals_.empty() && c >= 0 &&
		    reqs_[arrivals_.front()].arrive <= static_cast<uint64_t>(c) &&
		    !free_tags_.empty()) {
			present_ = arrivals_.front();
			const struct iommu_req &q = reqs_[present_].req;
			t.req_valid = 1;
			t.req_tag = static_cast<uint8_t>(free_tags_.front());
			t.req_sid = q.sid;
			t.req_pasid_valid = q.pasid_valid;
			t.req_pasid = q.pasid;
			t.req_priv = q.priv;
			t.req_addr = q.addr;
			t.req_access = static_cast<uint8_t>(q.access);
			t.req_at = static_cast<uint8_t>(q.at);
			t.req_no_write = q.no_write;
		}
		// Page request port: the oldest arrived page request.
		pr_present_ = UINT64_MAX;
		if (!pr_arrivals_.empty() && c >= 0 &&
		    prs_[pr_arrivals_.front()].arrive <= static_cast<uint64_t>(c)) {
			pr_present_ = pr_arrivals_.front();
			const struct iommu_page_req &q = prs_[pr_present_].pr;
			t.pr_valid = 1;
			t.pr_sid = q.sid;
			t.pr_pasid_valid = q.pasid_valid;
			t.pr_pasid = q.pasid;
			t.pr_priv = q.priv;
			t.pr_exec = q.exec;
			t.pr_read = q.read;
			t.pr_write = q.write;
			t.pr_lpig = q.lpig;
			t.pr_prgi = q.prgi;
			t.pr_addr = q.addr >> 12;
		}
	}

	// Memory responses due now.
	void drive_memory(int64_t c, CosimIn &t) override
	{
		cosim_idle_memory(t);
		if (!mem_pend_.empty() && static_cast<int64_t>(mem_pend_.front().due) == c) {
			const MemReply &p = mem_pend_.front();
			t.mem_rsp_valid = 1;
			t.mem_rsp_id = static_cast<uint8_t>(p.id);
			t.mem_rsp_err = p.err;
			uint8_t line[64] = {0};
			if (!p.write && !p.err)
				mem_line(p.addr, line);
			for (int i = 0; i < 16; i++) {
				uint32_t v;
				std::memcpy(&v, line + 4 * i, 4);
				t.mem_rsp_rdata[i] = v;
			}
			mem_pend_.pop_front();
		}
	}

	// Device-TLB invalidation completions due now.
	void drive_dtlb(int64_t c, CosimIn &t) override
	{
		cosim_idle_dtlb(t);
		if (!dtlb_pend_.empty() && static_cast<int64_t>(dtlb_pend_.front().due) <= c) {
			t.dtlb_cpl_valid = 1;
			t.dtlb_cpl_itag = static_cast<uint8_t>(dtlb_pend_.front().itag);
			dtlb_pend_.pop_front();
		}
	}

	// What happens in this cycle.
	void sample_request(int64_t c, const CosimOut &t) override
	{
		if (present_ != UINT64_MAX && t.req_ready) {
			unsigned tag = free_tags_.front();
			free_tags_.pop_front();
			inflight_[tag] = present_;
			arrivals_.pop_front();
			note(fmt("rtl %" PRId64 ": request %" PRIu64 " taken (%s) as tag %u", c,
				 present_, req_str(reqs_[present_].req).c_str(), tag));
		}
		if (pr_present_ != UINT64_MAX && t.pr_ready) {
			prs_[pr_present_].r_accept = static_cast<uint64_t>(c);
			pr_inflight_.push_back(pr_present_);
			pr_arrivals_.pop_front();
			note(fmt("rtl %" PRId64 ": page request %" PRIu64 " taken", c,
				 pr_present_));
		}
	}

	void sample_response(int64_t c, const CosimOut &t) override
	{
		if (t.rsp_valid)
			response(c, t);
		if (t.prsp_valid) {
			// Registered: it left in the cycle before.
			rtl_prsp_.push_back({static_cast<uint64_t>(c - 1), t.prsp_sid, t.prsp_prgi,
					     t.prsp_pasid_valid != 0, t.prsp_pasid, t.prsp_code});
			note(fmt("rtl %" PRId64 ": page group response %s", c,
				 prsp_str(rtl_prsp_.back()).c_str()));
			match_prsp();
		}
	}

	void sample_memory(int64_t c, const CosimOut &t) override
	{
		if (t.mem_req_valid) {
			MemReply p{};
			p.id = t.mem_req_id;
			p.due = static_cast<uint64_t>(c) + mem_latency_;
			p.write = t.mem_req_we;
			p.addr = t.mem_req_addr & ~63ull;
			p.err = (t.mem_req_addr >> haw_) != 0;
			if (p.write) {
				unsigned len = t.mem_req_w4 ? 4 : 8;
				uint64_t a = t.mem_req_addr + t.mem_req_wofs;
				uint64_t v = t.mem_req_wdata;
				n_writes_rtl_++;
				if (!p.err) {
					uint8_t b[8];
					std::memcpy(b, &v, 8);
					mem_write(a, b, len);
				}
				rtl_w_[a].push_back({static_cast<uint64_t>(c), len,
						     len == 8 ? v : v & 0xFFFFFFFFull});
				note(fmt("rtl %" PRId64 ": memory write 0x%" PRIx64 " = 0x%" PRIx64,
					 c, a, v));
				match_writes(a);
			} else {
				n_reads_++;
			}
			if (!mem_pend_.empty() && mem_pend_.back().due >= p.due)
				diverge(c, "two memory transfers in one cycle");
			mem_pend_.push_back(p);
		}
	}

	// The endpoint answers a request (always taken) as the model's did, in
	// request order: after the round trip, or never (the block's ITE).
	void sample_dtlb(int64_t c, const CosimOut &t) override
	{
		if (!t.dtlb_req_valid || diverged_)
			return;
		uint64_t uc = static_cast<uint64_t>(c);
		if (model_dtlb_.empty()) {
			diverge(uc,
				"device-TLB invalidation %" PRIu64
				": the RTL sent one to %s, the model none",
				n_dtlb_, bdf(t.dtlb_req_sid).c_str());
			return;
		}
		DtlbSent m = model_dtlb_.front();
		model_dtlb_.pop_front();
		if (m.sid != t.dtlb_req_sid || (cycles_ && m.cycle != uc)) {
			diverge(uc,
				"device-TLB invalidation %" PRIu64 ": model to %s at cycle %" PRIu64
				", RTL to %s at cycle %" PRIu64,
				n_dtlb_, bdf(m.sid).c_str(), m.cycle, bdf(t.dtlb_req_sid).c_str(),
				uc);
			return;
		}
		note(fmt("rtl %" PRIu64 ": device-TLB invalidation to %s%s", uc, bdf(m.sid).c_str(),
			 m.answered ? "" : " (never answered)"));
		n_dtlb_++;
		if (m.answered)
			dtlb_pend_.push_back(
				{uc + dtlb_latency_, static_cast<unsigned>(t.dtlb_req_itag)});
		else
			n_dtlb_silent_++;
	}

	void sample_monitors(int64_t c, const CosimOut &t) override
	{
		if (t.walk_start)
			n_walks_++;
		if (t.qi_desc_done)
			n_desc_++;
		if (t.flt_recorded) {
			n_flt_++;
			flt_cycle_ = c; // the response leaves the next cycle
		}
		if (t.qi_iqe || t.qi_ite) {
			if (t.qi_iqe)
				rtl_qerr_.push_back({static_cast<uint64_t>(c), false});
			if (t.qi_ite)
				rtl_qerr_.push_back({static_cast<uint64_t>(c), true});
			note(fmt("rtl %" PRId64 ": invalidation queue error%s%s", c,
				 t.qi_iqe ? " IQE" : "", t.qi_ite ? " ITE" : ""));
			match_qerr();
		}
		if (t.prq_event)
			n_prq_events_++;
		if (t.prq_done) {
			last_progress_ = c;
			if (pr_inflight_.empty()) {
				diverge(static_cast<uint64_t>(c),
					"the RTL finished a page request it never took");
				return;
			}
			uint64_t uid = pr_inflight_.front();
			pr_inflight_.pop_front();
			prs_[uid].r_done = static_cast<uint64_t>(c);
			prs_[uid].have_rtl = true;
			note(fmt("rtl %" PRId64 ": page request %" PRIu64 " finished", c, uid));
			compare_pr(uid);
		}
		if (t.qi_wait_done) {
			n_waits_++;
			rtl_waits_.push_back(static_cast<uint64_t>(c));
			note(fmt("rtl %" PRId64 ": invalidation wait done", c));
			match_waits();
		}
	}

      private:
	void response(int64_t c, const CosimOut &t)
	{
		unsigned tag = t.rsp_tag;
		auto it = inflight_.find(tag);
		if (it == inflight_.end()) {
			diverge(static_cast<uint64_t>(c),
				"the RTL answered tag %u, which is not in flight", tag);
			return;
		}
		uint64_t uid = it->second;
		last_progress_ = c;
		inflight_.erase(it);
		free_tags_.push_back(tag);
		Req &r = reqs_[uid];
		r.rtl.status = t.rsp_status;
		r.rtl.fault = t.rsp_fault;
		r.rtl.hpa = t.rsp_hpa;
		r.rtl.psize = t.rsp_page_size;
		r.rtl.perm = t.rsp_perm;
		r.rtl.walked = t.rsp_walked;
		// The page request unit records faults through the same port, but
		// only in a cycle the translation path does not: a record in the
		// cycle before a fault response is the response's.
		r.rtl.recorded = flt_cycle_ == c - 1 && t.rsp_status != ST_OK;
		r.rtl.cycle = static_cast<uint64_t>(c);
		r.have_rtl = true;
		note(fmt("rtl %" PRId64 ": request %" PRIu64 " answered: %s", c, uid,
			 res_str(r.rtl).c_str()));
		compare(uid);
	}
};

void *be_begin(void *be, const struct cosim_run *run)
{
	const struct cosim_clocked_backend *b =
		static_cast<const struct cosim_clocked_backend *>(be);
	CosimIn in{};
	cosim_idle_stimulus(in);
	cosim_idle_memory(in);
	cosim_idle_dtlb(in);
	CosimClock *clock = b->make(b->ctx, *run, in);
	if (!clock)
		return nullptr;
	return new Run(*run, b->bug, clock, in);
}

void be_event(void *run, const struct cosim_ev *ev)
{
	static_cast<Run *>(run)->event(*ev);
}

void be_advanced(void *run, uint64_t now)
{
	static_cast<Run *>(run)->advanced(now);
}

void be_finish(void *run, const struct cosim_model_end *end)
{
	static_cast<Run *>(run)->finish(*end);
}

const char *be_divergence(void *run, uint64_t *cycle)
{
	return static_cast<Run *>(run)->divergence(cycle);
}

bool be_busy(void *run)
{
	return static_cast<Run *>(run)->pending();
}

const char *be_summary(void *run)
{
	return static_cast<Run *>(run)->summary();
}

double be_rtl_cycles(void *run)
{
	return static_cast<Run *>(run)->rtl_cycles();
}

void be_end(void *run)
{
	delete static_cast<Run *>(run);
}

} // namespace

void cosim_idle_stimulus(CosimIn &in)
{
	in.req_valid = 0;
	in.pr_valid = 0;
	in.reg_req = 0;
	in.reg_we = 0;
}

void cosim_idle_memory(CosimIn &in)
{
	in.mem_req_ready = 1;
	in.mem_rsp_valid = 0;
	in.mem_rsp_err = 0;
}

void cosim_idle_dtlb(CosimIn &in)
{
	in.dtlb_req_ready = 1;
	in.dtlb_cpl_valid = 0;
}

void cosim_rtl_backend(struct cosim_backend *be, struct cosim_clocked_backend *be_ctx,
		       const char *what)
{
	*be = {};
	be->what = what;
	be->begin = be_begin;
	be->event = be_event;
	be->advanced = be_advanced;
	be->finish = be_finish;
	be->divergence = be_divergence;
	be->busy = be_busy;
	be->summary = be_summary;
	be->rtl_cycles = be_rtl_cycles;
	be->end = be_end;
	be->ctx = be_ctx;
}
