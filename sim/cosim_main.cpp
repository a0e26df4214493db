// iommusim-cosim: `iommusim cosim` with the Verilated block (docs/cosim.md),
// the Verilated C++ class clocked directly: the fast program.
// COSIM_PLANT_BUG selects the block's PlantBug parameter this program was
// Verilated with (0: the block as designed).
#include <memory>

#include <verilated.h>
#include <verilated_fst_c.h>

#include VTOP_HEADER
#include VTOP_ROOT_HEADER

#include "cosim_rtl.h"

#ifndef COSIM_PLANT_BUG
#define COSIM_PLANT_BUG 0
#endif

#define COSIM_STR2(x) #x
#define COSIM_STR(x)  COSIM_STR2(x)

namespace
{

// The block as the Verilated C++ class, clocked by setting clk_i and
// evaluating.
class DirectClock final : public CosimClock
{
      public:
	DirectClock(const struct cosim_run &run, const CosimIn &in)
	{
		ctx_.reset(new VerilatedContext);
		top_.reset(new VTOP(ctx_.get(), "iommu_top"));
		if (run.waves) {
			ctx_->traceEverOn(true);
			fst_.reset(new VerilatedFstC);
			top_->trace(fst_.get(), 99);
			fst_->open(run.waves);
			wave_from_ = run.waves_from;
			wave_to_ = run.waves_to;
		}
		put(in);
		top_->rst_ni = 0;
		for (int i = 0; i < 4; i++)
			edge(0);
		top_->rst_ni = 1;
	}

	~DirectClock() override
	{
		top_->final();
		if (fst_)
			fst_->close();
	}

	void cycle(CosimCycle &run, int64_t c, CosimIn &in) override
	{
		VTOP *t = top_.get();
		run.drive_stimulus(c, in);
		run.drive_memory(c, in);
		run.drive_dtlb(c, in);
		put(in);
		t->clk_i = 0;
		t->eval();
		get(out_);
		run.sample_request(c, out_);
		run.sample_response(c, out_);
		run.sample_memory(c, out_);
		run.sample_dtlb(c, out_);
		run.sample_monitors(c, out_);
		edge(c, true);
	}

	void caches(CosimCaches &out) override
	{
		cosim_read_caches(*top_->rootp, out);
	}

	uint64_t reg_read(int64_t c, CosimIn &in, uint32_t off, unsigned size) override
	{
		VTOP *t = top_.get();
		cosim_idle_stimulus(in);
		cosim_idle_memory(in);
		cosim_idle_dtlb(in);
		in.reg_req = 1;
		in.reg_we = 0;
		in.reg_addr = static_cast<uint16_t>(off);
		in.reg_size = static_cast<uint8_t>(size);
		put(in);
		t->clk_i = 0;
		t->eval();
		uint64_t v = t->reg_rdata_o;
		edge(c, true);
		in.reg_req = 0;
		return v;
	}

      private:
	std::unique_ptr<VerilatedContext> ctx_;
	std::unique_ptr<VTOP> top_;
	std::unique_ptr<VerilatedFstC> fst_;
	uint64_t wave_from_ = 0, wave_to_ = 0;
	CosimOut out_{};

	void put(const CosimIn &in)
	{
		VTOP *t = top_.get();
		t->req_valid_i = in.req_valid;
		t->req_tag_i = in.req_tag;
		t->req_sid_i = in.req_sid;
		t->req_pasid_valid_i = in.req_pasid_valid;
		t->req_pasid_i = in.req_pasid;
		t->req_priv_i = in.req_priv;
		t->req_addr_i = in.req_addr;
		t->req_access_i = in.req_access;
		t->req_at_i = in.req_at;
		t->req_no_write_i = in.req_no_write;
		t->mem_req_ready_i = in.mem_req_ready;
		t->mem_rsp_valid_i = in.mem_rsp_valid;
		t->mem_rsp_id_i = in.mem_rsp_id;
		t->mem_rsp_err_i = in.mem_rsp_err;
		for (int i = 0; i < 16; i++)
			t->mem_rsp_rdata_i[i] = in.mem_rsp_rdata[i];
		t->reg_req_i = in.reg_req;
		t->reg_we_i = in.reg_we;
		t->reg_addr_i = in.reg_addr;
		t->reg_size_i = in.reg_size;
		t->reg_wdata_i = in.reg_wdata;
		t->dtlb_req_ready_i = in.dtlb_req_ready;
		t->dtlb_cpl_valid_i = in.dtlb_cpl_valid;
		t->dtlb_cpl_itag_i = in.dtlb_cpl_itag;
		t->pr_valid_i = in.pr_valid;
		t->pr_sid_i = in.pr_sid;
		t->pr_pasid_valid_i = in.pr_pasid_valid;
		t->pr_pasid_i = in.pr_pasid;
		t->pr_priv_i = in.pr_priv;
		t->pr_exec_i = in.pr_exec;
		t->pr_read_i = in.pr_read;
		t->pr_write_i = in.pr_write;
		t->pr_lpig_i = in.pr_lpig;
		t->pr_prgi_i = in.pr_prgi;
		t->pr_addr_i = in.pr_addr;
	}

	void get(CosimOut &o)
	{
		VTOP *t = top_.get();
		o.req_ready = t->req_ready_o;
		o.rsp_valid = t->rsp_valid_o;
		o.rsp_tag = t->rsp_tag_o;
		o.rsp_status = t->rsp_status_o;
		o.rsp_fault = t->rsp_fault_o;
		o.rsp_page_size = t->rsp_page_size_o;
		o.rsp_perm = t->rsp_perm_o;
		o.rsp_walked = t->rsp_walked_o;
		o.rsp_hpa = t->rsp_hpa_o;
		o.mem_req_valid = t->mem_req_valid_o;
		o.mem_req_id = t->mem_req_id_o;
		o.mem_req_we = t->mem_req_we_o;
		o.mem_req_wofs = t->mem_req_wofs_o;
		o.mem_req_w4 = t->mem_req_w4_o;
		o.mem_req_addr = t->mem_req_addr_o;
		o.mem_req_wdata = t->mem_req_wdata_o;
		o.reg_rdata = t->reg_rdata_o;
		o.dtlb_req_valid = t->dtlb_req_valid_o;
		o.dtlb_req_itag = t->dtlb_req_itag_o;
		o.dtlb_req_sid = t->dtlb_req_sid_o;
		o.walk_start = t->walk_start_o;
		o.qi_desc_done = t->qi_desc_done_o;
		o.flt_recorded = t->flt_recorded_o;
		o.qi_wait_done = t->qi_wait_done_o;
		o.qi_iqe = t->qi_iqe_o;
		o.qi_ite = t->qi_ite_o;
		o.pr_ready = t->pr_ready_o;
		o.prsp_valid = t->prsp_valid_o;
		o.prsp_sid = t->prsp_sid_o;
		o.prsp_pasid_valid = t->prsp_pasid_valid_o;
		o.prsp_pasid = t->prsp_pasid_o;
		o.prsp_prgi = t->prsp_prgi_o;
		o.prsp_code = t->prsp_code_o;
		o.prq_done = t->prq_done_o;
		o.prq_event = t->prq_event_o;
	}

	// The rising edge; settled: the inputs have not changed since the
	// clock-low evaluation of this cycle.
	void edge(int64_t cyc, bool settled = false)
	{
		VTOP *t = top_.get();
		bool dump = fst_ && cyc >= 0 && static_cast<uint64_t>(cyc) >= wave_from_ &&
			    static_cast<uint64_t>(cyc) <= wave_to_;
		if (!settled) {
			t->clk_i = 0;
			t->eval();
		}
		// Waveform time: cycle n's clock-low half at 2n, its edge at 2n + 1.
		uint64_t vt = 2 * static_cast<uint64_t>(cyc < 0 ? 0 : cyc);
		if (dump)
			fst_->dump(vt);
		t->clk_i = 1;
		t->eval();
		if (dump)
			fst_->dump(vt + 1);
	}
};

CosimClock *make_direct(void *ctx, const struct cosim_run &run, CosimIn &in)
{
	(void)ctx;
	return new DirectClock(run, in);
}

} // namespace

int main(int argc, char **argv)
{
	static struct cosim_clocked_backend direct = {COSIM_PLANT_BUG, make_direct, nullptr};
	struct cosim_backend be;

	cosim_rtl_backend(&be, &direct,
			  "rtl/iommu_top.sv (PlantBug=" COSIM_STR(COSIM_PLANT_BUG) ")");
	return cosim_main(argc, argv, &be);
}
