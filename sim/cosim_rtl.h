// The co-simulation's RTL back end (sim/cosim_rtl.cpp): the Verilated
// iommu_top driven with the model's boundary stimulus and compared.
#ifndef IOMMUSIM_COSIM_RTL_H
#define IOMMUSIM_COSIM_RTL_H

#include "iommu_capi.h"

// The command-line side's C headers, as iommu_capi.h includes the model's.
#ifndef _Static_assert
#define IOMMUSIM_COSIM_STATIC_ASSERT_SHIM
#define _Static_assert static_assert
#endif
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wshadow"
extern "C" {
#include "cosim.h"
}
#pragma GCC diagnostic pop
#ifdef IOMMUSIM_COSIM_STATIC_ASSERT_SHIM
#undef _Static_assert
#undef IOMMUSIM_COSIM_STATIC_ASSERT_SHIM
#endif

#include <cstddef>
#include <cstdint>
#include <vector>

// The block's inputs, as the stimulus sets them (iommu_top's ports without
// the clock and the reset). A field keeps its value until it is set again.
struct CosimIn {
	uint8_t req_valid, req_tag, req_pasid_valid, req_priv, req_access, req_at, req_no_write;
	uint16_t req_sid;
	uint32_t req_pasid;
	uint64_t req_addr;
	uint8_t mem_req_ready, mem_rsp_valid, mem_rsp_id, mem_rsp_err;
	uint32_t mem_rsp_rdata[16];
	uint8_t reg_req, reg_we, reg_size;
	uint16_t reg_addr;
	uint64_t reg_wdata;
	uint8_t dtlb_req_ready, dtlb_cpl_valid, dtlb_cpl_itag;
	uint8_t pr_valid, pr_pasid_valid, pr_priv, pr_exec, pr_read, pr_write, pr_lpig;
	uint16_t pr_sid, pr_prgi;
	uint32_t pr_pasid;
	uint64_t pr_addr; // the page number (address bits 63:12)
};

// The block's outputs in one cycle, before its rising edge.
struct CosimOut {
	uint8_t req_ready;
	uint8_t rsp_valid, rsp_tag, rsp_status, rsp_fault, rsp_page_size, rsp_perm, rsp_walked;
	uint64_t rsp_hpa;
	uint8_t mem_req_valid, mem_req_id, mem_req_we, mem_req_wofs, mem_req_w4;
	uint64_t mem_req_addr, mem_req_wdata;
	uint64_t reg_rdata;
	uint8_t dtlb_req_valid, dtlb_req_itag;
	uint16_t dtlb_req_sid;
	uint8_t walk_start, qi_desc_done, flt_recorded, qi_wait_done, qi_iqe, qi_ite;
	uint8_t pr_ready;
	uint8_t prsp_valid, prsp_pasid_valid, prsp_code;
	uint16_t prsp_sid, prsp_prgi;
	uint32_t prsp_pasid;
	uint8_t prq_done, prq_event;
};

// The idle value of each port group's inputs.
void cosim_idle_stimulus(CosimIn &in);
void cosim_idle_memory(CosimIn &in);
void cosim_idle_dtlb(CosimIn &in);

// One run's stimulus, memory, device-TLB responder and scoreboard, one RTL
// cycle at a time, whatever clocks the block. A cycle c is: the drive_*
// calls set the inputs of cycle c; the block settles; the sample_* calls,
// in this order, see its outputs before the rising edge; then the edge.
class CosimCycle
{
      public:
	virtual void drive_stimulus(int64_t c, CosimIn &in) = 0; // requests, registers
	virtual void drive_memory(int64_t c, CosimIn &in) = 0;   // memory responses
	virtual void drive_dtlb(int64_t c, CosimIn &in) = 0;     // device-TLB completions
	virtual void sample_request(int64_t c, const CosimOut &out) = 0;
	virtual void sample_response(int64_t c, const CosimOut &out) = 0;
	virtual void sample_memory(int64_t c, const CosimOut &out) = 0;
	virtual void sample_dtlb(int64_t c, const CosimOut &out) = 0;
	virtual void sample_monitors(int64_t c, const CosimOut &out) = 0;

      protected:
	~CosimCycle() = default;
};

// The caches of the block (rtl/iommu_top.sv), in the order the end of a run
// compares them: the context cache, the PASID cache, the IOTLB, the first-
// level paging-structure caches of levels 2..5 (iommu_pwc u_flpwc) and the
// second-level ones (u_slpwc).
enum CosimCacheId {
	COSIM_CC_CONTEXT,
	COSIM_CC_PASID,
	COSIM_CC_IOTLB,
	COSIM_CC_FL_PWC2, // .. COSIM_CC_FL_PWC2 + 3: levels 2..5
	COSIM_CC_SL_PWC2 = COSIM_CC_FL_PWC2 + 4,
	COSIM_CC_COUNT = COSIM_CC_SL_PWC2 + 4,
};

// The storage of one iommu_cache instance (rtl/iommu_cache.sv) as the block
// holds it: per set, its row of tags and its row of data (way w at bits
// w * TagW and w * DataW), as 32-bit words, lowest first; the valid bits,
// line set * Ways + way at that bit.
struct CosimCacheRows {
	std::vector<std::vector<uint32_t>> tag, data;
	std::vector<uint32_t> valid;
};

struct CosimCaches {
	CosimCacheRows c[COSIM_CC_COUNT];
};

// A Verilated value as 32-bit words, lowest first (a VlWide: its words).
inline void cosim_words(std::vector<uint32_t> &v, uint8_t x)
{
	v.push_back(x);
}
inline void cosim_words(std::vector<uint32_t> &v, uint16_t x)
{
	v.push_back(x);
}
inline void cosim_words(std::vector<uint32_t> &v, uint32_t x)
{
	v.push_back(x);
}
inline void cosim_words(std::vector<uint32_t> &v, uint64_t x)
{
	v.push_back(static_cast<uint32_t>(x));
	v.push_back(static_cast<uint32_t>(x >> 32));
}
template <class W> void cosim_words(std::vector<uint32_t> &v, const W &w)
{
	const uint32_t *p = w.data();
	v.insert(v.end(), p, p + sizeof(W) / sizeof(uint32_t));
}

// One instance's tag_q, data_q (unpacked arrays of Sets rows) and valid_q.
template <template <class, std::size_t> class U, class T, class D, std::size_t N, class V>
void cosim_cache_rows(CosimCacheRows &o, const U<T, N> &tag, const U<D, N> &data, const V &valid)
{
	o.tag.assign(N, {});
	o.data.assign(N, {});
	o.valid.clear();
	for (std::size_t s = 0; s < N; s++) {
		cosim_words(o.tag[s], tag[s]);
		cosim_words(o.data[s], data[s]);
	}
	cosim_words(o.valid, valid);
}

// Every cache of the block, from the Verilated model's root (the storage is
// public through sim/cosim_caches.vlt).
#define COSIM_CACHE_ROWS(o, r, path)                                                               \
	cosim_cache_rows(o, (r).iommu_top__DOT__##path##__DOT__u_cache__DOT__tag_q,                \
			 (r).iommu_top__DOT__##path##__DOT__u_cache__DOT__data_q,                  \
			 (r).iommu_top__DOT__##path##__DOT__u_cache__DOT__valid_q)
template <class Root> void cosim_read_caches(const Root &r, CosimCaches &o)
{
	COSIM_CACHE_ROWS(o.c[COSIM_CC_CONTEXT], r, u_ctx);
	COSIM_CACHE_ROWS(o.c[COSIM_CC_PASID], r, u_pc);
	COSIM_CACHE_ROWS(o.c[COSIM_CC_IOTLB], r, u_iotlb);
	COSIM_CACHE_ROWS(o.c[COSIM_CC_FL_PWC2 + 0], r, u_flpwc__DOT__g_lvl__BRA__0__KET__);
	COSIM_CACHE_ROWS(o.c[COSIM_CC_FL_PWC2 + 1], r, u_flpwc__DOT__g_lvl__BRA__1__KET__);
	COSIM_CACHE_ROWS(o.c[COSIM_CC_FL_PWC2 + 2], r, u_flpwc__DOT__g_lvl__BRA__2__KET__);
	COSIM_CACHE_ROWS(o.c[COSIM_CC_FL_PWC2 + 3], r, u_flpwc__DOT__g_lvl__BRA__3__KET__);
	COSIM_CACHE_ROWS(o.c[COSIM_CC_SL_PWC2 + 0], r, u_slpwc__DOT__g_lvl__BRA__0__KET__);
	COSIM_CACHE_ROWS(o.c[COSIM_CC_SL_PWC2 + 1], r, u_slpwc__DOT__g_lvl__BRA__1__KET__);
	COSIM_CACHE_ROWS(o.c[COSIM_CC_SL_PWC2 + 2], r, u_slpwc__DOT__g_lvl__BRA__2__KET__);
	COSIM_CACHE_ROWS(o.c[COSIM_CC_SL_PWC2 + 3], r, u_slpwc__DOT__g_lvl__BRA__3__KET__);
}
#undef COSIM_CACHE_ROWS

// How the block is clocked. Made when a run begins (the block reset, in
// idle with the inputs in), destroyed when it ends.
class CosimClock
{
      public:
	virtual ~CosimClock() = default;
	// RTL cycle c, through run's drive and sample calls.
	virtual void cycle(CosimCycle &run, int64_t c, CosimIn &in) = 0;
	// RTL cycle c reads a register: all inputs idle but the register port.
	virtual uint64_t reg_read(int64_t c, CosimIn &in, uint32_t off, unsigned size) = 0;
	// The contents of every cache of the block now (between cycles).
	virtual void caches(CosimCaches &out) = 0;
};

// Makes the clock of a run, or NULL (message on stderr).
typedef CosimClock *(*cosim_clock_maker)(void *ctx, const struct cosim_run &run, CosimIn &in);

// How a run's block is made and clocked: make(ctx, ...) makes the clock;
// bug is the block's PlantBug.
struct cosim_clocked_backend {
	unsigned bug;
	cosim_clock_maker make;
	void *ctx;
};

// Fills be with the back end; be_ctx (kept alive by the caller) says how the
// block is clocked, what is its description for the run's header.
void cosim_rtl_backend(struct cosim_backend *be, struct cosim_clocked_backend *be_ctx,
		       const char *what);

#endif
