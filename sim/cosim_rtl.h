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

#include <cstdint>

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
	uint8_t walk_start, qi_desc_done, flt_recorded, qi_wait_done;
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
