// iommusim-cosim-sc: `iommusim cosim` as a SystemC program (docs/cosim.md).
// sc_main makes an sc_clock and the block Verilated as a SystemC module
// (Verilator's --sc), and SystemC modules around it:
// - CosimModelSide: an SC_THREAD running the model's replay and timing
//   engine (cosim_main); it grants the RTL one cycle per clock and waits for
//   the cycle's edge, so the model stays the co-simulation's LAG cycles
//   ahead of the block, as in the direct program;
// - CosimStimulus: reset, the request port, the register port and software
//   memory writes;
// - CosimMemory: the memory model (each transfer answered by id exactly
//   mem.latency cycles after it);
// - CosimDtlb: the device-TLB responder;
// - CosimScoreboard: the responses, compared with the model's, and the
//   block's event outputs.
// The modules share one run's stimulus and comparison code (cosim_rtl.h), so
// the report is the direct program's, byte for byte.
//
// One clock period: at the falling edge every module drives its inputs of
// the granted cycle; the block settles; at the rising edge (delta 0) every
// module copies its outputs, which still hold the values before the edge;
// then, in the direct program's order, the stimulus (requests taken), the
// scoreboard (responses), the memory, the device-TLB responder and the
// scoreboard (event outputs) act on them, and the model side is woken.
// Between runs the block is held in reset; a run begins after four rising
// edges in reset.
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <string>

#include <systemc>

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

using namespace sc_core;

// What the modules share: the cycle the model side granted and the order
// of the rising edge's work.
struct ScShared {
	enum Kind { NONE, CYCLE, READ };
	Kind kind = NONE; // what the next clock period does
	CosimCycle *run = nullptr;
	CosimIn *in = nullptr; // the inputs the modules drive
	CosimIn idle{};        // ... between runs and in reset
	int64_t c = 0;
	bool rst_n = false;       // the reset input the stimulus drives
	unsigned reset_edges = 0; // rising edges seen in reset
	uint64_t stray_edges = 0; // rising edges out of reset with no cycle granted
	uint64_t rd_val = 0;
	const VTOP *top = nullptr; // the block, for its cache contents
	CosimOut out{};
	sc_event edge;      // delta after the rising edge: every output copied
	sc_event requested; // the stimulus took the cycle's requests
	sc_event answered;  // the scoreboard took the responses
	sc_event memory;    // the memory took the transfer
	sc_event dtlb;      // the device-TLB responder took its request
	sc_event done;      // the cycle is over (the model side waits on it)
};

SC_MODULE(CosimStimulus)
{
	sc_in<bool> clk;
	sc_out<bool> rst_ni, req_valid_i, req_pasid_valid_i, req_priv_i, req_no_write_i;
	sc_out<uint32_t> req_tag_i, req_sid_i, req_pasid_i, req_access_i, req_at_i;
	sc_out<uint64_t> req_addr_i;
	sc_out<bool> reg_req_i, reg_we_i;
	sc_out<uint32_t> reg_addr_i, reg_size_i;
	sc_out<uint64_t> reg_wdata_i;
	sc_out<bool> pr_valid_i, pr_pasid_valid_i, pr_priv_i, pr_exec_i, pr_read_i, pr_write_i,
		pr_lpig_i;
	sc_out<uint32_t> pr_sid_i, pr_pasid_i, pr_prgi_i;
	sc_out<uint64_t> pr_addr_i;
	sc_in<bool> req_ready_o, pr_ready_o;
	sc_in<uint64_t> reg_rdata_o;

	ScShared *sh;

	CosimStimulus(sc_module_name n, ScShared * s) : sc_module(n), sh(s)
	{
		SC_METHOD(drive);
		sensitive << clk.neg();
		dont_initialize();
		SC_METHOD(sample);
		sensitive << clk.pos();
		dont_initialize();
		SC_METHOD(act);
		sensitive << sh->edge;
		dont_initialize();
	}
	SC_HAS_PROCESS(CosimStimulus);

	void drive()
	{
		if (sh->kind == ScShared::CYCLE)
			sh->run->drive_stimulus(sh->c, *sh->in);
		rst_ni.write(sh->rst_n);
		if (!sh->in)
			return;
		const CosimIn &in = *sh->in;
		req_valid_i.write(in.req_valid);
		req_tag_i.write(in.req_tag);
		req_sid_i.write(in.req_sid);
		req_pasid_valid_i.write(in.req_pasid_valid);
		req_pasid_i.write(in.req_pasid);
		req_priv_i.write(in.req_priv);
		req_addr_i.write(in.req_addr);
		req_access_i.write(in.req_access);
		req_at_i.write(in.req_at);
		req_no_write_i.write(in.req_no_write);
		reg_req_i.write(in.reg_req);
		reg_we_i.write(in.reg_we);
		reg_addr_i.write(in.reg_addr);
		reg_size_i.write(in.reg_size);
		reg_wdata_i.write(in.reg_wdata);
		pr_valid_i.write(in.pr_valid);
		pr_sid_i.write(in.pr_sid);
		pr_pasid_valid_i.write(in.pr_pasid_valid);
		pr_pasid_i.write(in.pr_pasid);
		pr_priv_i.write(in.pr_priv);
		pr_exec_i.write(in.pr_exec);
		pr_read_i.write(in.pr_read);
		pr_write_i.write(in.pr_write);
		pr_lpig_i.write(in.pr_lpig);
		pr_prgi_i.write(in.pr_prgi);
		pr_addr_i.write(in.pr_addr);
	}

	void sample()
	{
		if (sh->kind == ScShared::NONE) {
			if (!rst_ni.read())
				sh->reset_edges++;
			else
				sh->stray_edges++;
			sh->done.notify(SC_ZERO_TIME);
			return;
		}
		sh->out.req_ready = req_ready_o.read();
		sh->out.pr_ready = pr_ready_o.read();
		sh->out.reg_rdata = reg_rdata_o.read();
		sh->edge.notify(SC_ZERO_TIME);
	}

	void act()
	{
		if (sh->kind == ScShared::READ) {
			sh->rd_val = sh->out.reg_rdata;
			sh->kind = ScShared::NONE;
			sh->done.notify();
			return;
		}
		sh->run->sample_request(sh->c, sh->out);
		sh->requested.notify();
	}
};

SC_MODULE(CosimMemory)
{
	sc_in<bool> clk;
	sc_out<bool> mem_req_ready_i, mem_rsp_valid_i, mem_rsp_err_i;
	sc_out<uint32_t> mem_rsp_id_i;
	sc_out<sc_dt::sc_bv<512>> mem_rsp_rdata_i;
	sc_in<bool> mem_req_valid_o, mem_req_we_o, mem_req_w4_o;
	sc_in<uint32_t> mem_req_id_o, mem_req_wofs_o;
	sc_in<uint64_t> mem_req_addr_o, mem_req_wdata_o;

	ScShared *sh;
	uint32_t rdata_[16] = {0};

	CosimMemory(sc_module_name n, ScShared * s) : sc_module(n), sh(s)
	{
		SC_METHOD(drive);
		sensitive << clk.neg();
		dont_initialize();
		SC_METHOD(sample);
		sensitive << clk.pos();
		dont_initialize();
		SC_METHOD(act);
		sensitive << sh->answered;
		dont_initialize();
	}
	SC_HAS_PROCESS(CosimMemory);

	void drive()
	{
		if (sh->kind == ScShared::CYCLE)
			sh->run->drive_memory(sh->c, *sh->in);
		if (!sh->in)
			return;
		const CosimIn &in = *sh->in;
		mem_req_ready_i.write(in.mem_req_ready);
		mem_rsp_valid_i.write(in.mem_rsp_valid);
		mem_rsp_id_i.write(in.mem_rsp_id);
		mem_rsp_err_i.write(in.mem_rsp_err);
		if (std::memcmp(rdata_, in.mem_rsp_rdata, sizeof(rdata_))) {
			std::memcpy(rdata_, in.mem_rsp_rdata, sizeof(rdata_));
			sc_dt::sc_bv<512> v;
			for (int i = 0; i < 16; i++)
				v.set_word(i, rdata_[i]);
			mem_rsp_rdata_i.write(v);
		}
	}

	void sample()
	{
		if (sh->kind != ScShared::CYCLE)
			return;
		CosimOut &o = sh->out;
		o.mem_req_valid = mem_req_valid_o.read();
		o.mem_req_id = static_cast<uint8_t>(mem_req_id_o.read());
		o.mem_req_we = mem_req_we_o.read();
		o.mem_req_wofs = static_cast<uint8_t>(mem_req_wofs_o.read());
		o.mem_req_w4 = mem_req_w4_o.read();
		o.mem_req_addr = mem_req_addr_o.read();
		o.mem_req_wdata = mem_req_wdata_o.read();
	}

	void act()
	{
		sh->run->sample_memory(sh->c, sh->out);
		sh->memory.notify();
	}
};

SC_MODULE(CosimDtlb)
{
	sc_in<bool> clk;
	sc_out<bool> dtlb_req_ready_i, dtlb_cpl_valid_i;
	sc_out<uint32_t> dtlb_cpl_itag_i;
	sc_in<bool> dtlb_req_valid_o;
	sc_in<uint32_t> dtlb_req_itag_o, dtlb_req_sid_o;

	ScShared *sh;

	CosimDtlb(sc_module_name n, ScShared * s) : sc_module(n), sh(s)
	{
		SC_METHOD(drive);
		sensitive << clk.neg();
		dont_initialize();
		SC_METHOD(sample);
		sensitive << clk.pos();
		dont_initialize();
		SC_METHOD(act);
		sensitive << sh->memory;
		dont_initialize();
	}
	SC_HAS_PROCESS(CosimDtlb);

	void drive()
	{
		if (sh->kind == ScShared::CYCLE)
			sh->run->drive_dtlb(sh->c, *sh->in);
		if (!sh->in)
			return;
		dtlb_req_ready_i.write(sh->in->dtlb_req_ready);
		dtlb_cpl_valid_i.write(sh->in->dtlb_cpl_valid);
		dtlb_cpl_itag_i.write(sh->in->dtlb_cpl_itag);
	}

	void sample()
	{
		if (sh->kind != ScShared::CYCLE)
			return;
		sh->out.dtlb_req_valid = dtlb_req_valid_o.read();
		sh->out.dtlb_req_itag = static_cast<uint8_t>(dtlb_req_itag_o.read());
		sh->out.dtlb_req_sid = static_cast<uint16_t>(dtlb_req_sid_o.read());
	}

	void act()
	{
		sh->run->sample_dtlb(sh->c, sh->out);
		sh->dtlb.notify();
	}
};

SC_MODULE(CosimScoreboard)
{
	sc_in<bool> clk;
	sc_in<bool> rsp_valid_o, rsp_walked_o;
	sc_in<uint32_t> rsp_tag_o, rsp_status_o, rsp_fault_o, rsp_page_size_o, rsp_perm_o;
	sc_in<uint64_t> rsp_hpa_o;
	sc_in<bool> walk_start_o, qi_desc_done_o, flt_recorded_o, qi_wait_done_o, qi_iqe_o,
		qi_ite_o;
	sc_in<bool> prsp_valid_o, prsp_pasid_valid_o, prq_done_o, prq_event_o;
	sc_in<uint32_t> prsp_sid_o, prsp_pasid_o, prsp_prgi_o, prsp_code_o;

	ScShared *sh;

	CosimScoreboard(sc_module_name n, ScShared * s) : sc_module(n), sh(s)
	{
		SC_METHOD(sample);
		sensitive << clk.pos();
		dont_initialize();
		SC_METHOD(responses);
		sensitive << sh->requested;
		dont_initialize();
		SC_METHOD(monitors);
		sensitive << sh->dtlb;
		dont_initialize();
	}
	SC_HAS_PROCESS(CosimScoreboard);

	void sample()
	{
		if (sh->kind != ScShared::CYCLE)
			return;
		CosimOut &o = sh->out;
		o.rsp_valid = rsp_valid_o.read();
		o.rsp_tag = static_cast<uint8_t>(rsp_tag_o.read());
		o.rsp_status = static_cast<uint8_t>(rsp_status_o.read());
		o.rsp_fault = static_cast<uint8_t>(rsp_fault_o.read());
		o.rsp_page_size = static_cast<uint8_t>(rsp_page_size_o.read());
		o.rsp_perm = static_cast<uint8_t>(rsp_perm_o.read());
		o.rsp_walked = rsp_walked_o.read();
		o.rsp_hpa = rsp_hpa_o.read();
		o.walk_start = walk_start_o.read();
		o.qi_desc_done = qi_desc_done_o.read();
		o.flt_recorded = flt_recorded_o.read();
		o.qi_wait_done = qi_wait_done_o.read();
		o.qi_iqe = qi_iqe_o.read();
		o.qi_ite = qi_ite_o.read();
		o.prsp_valid = prsp_valid_o.read();
		o.prsp_sid = static_cast<uint16_t>(prsp_sid_o.read());
		o.prsp_pasid_valid = prsp_pasid_valid_o.read();
		o.prsp_pasid = prsp_pasid_o.read();
		o.prsp_prgi = static_cast<uint16_t>(prsp_prgi_o.read());
		o.prsp_code = static_cast<uint8_t>(prsp_code_o.read());
		o.prq_done = prq_done_o.read();
		o.prq_event = prq_event_o.read();
	}

	void responses()
	{
		sh->run->sample_response(sh->c, sh->out);
		sh->answered.notify();
	}

	void monitors()
	{
		sh->run->sample_monitors(sh->c, sh->out);
		sh->kind = ScShared::NONE;
		sh->done.notify();
	}
};

// The clock of one run: grants the modules a cycle and waits for its end.
// Called from the model side's thread.
class ScClock final : public CosimClock
{
      public:
	ScClock(ScShared *sh, const CosimIn &in) : sh_(sh)
	{
		sh_->kind = ScShared::NONE;
		sh_->idle = in;
		sh_->in = &sh_->idle;
		sh_->rst_n = false;
		sh_->reset_edges = 0;
		while (sh_->reset_edges < 4)
			wait(sh_->done);
		sh_->rst_n = true;
	}

	~ScClock() override
	{
		sh_->kind = ScShared::NONE;
		sh_->rst_n = false;
		sh_->run = nullptr;
		sh_->idle = *sh_->in;
		cosim_idle_stimulus(sh_->idle);
		cosim_idle_memory(sh_->idle);
		cosim_idle_dtlb(sh_->idle);
		sh_->in = &sh_->idle;
	}

	void cycle(CosimCycle &run, int64_t c, CosimIn &in) override
	{
		sh_->run = &run;
		sh_->in = &in;
		sh_->c = c;
		sh_->kind = ScShared::CYCLE;
		wait(sh_->done);
	}

	uint64_t reg_read(int64_t c, CosimIn &in, uint32_t off, unsigned size) override
	{
		cosim_idle_stimulus(in);
		cosim_idle_memory(in);
		cosim_idle_dtlb(in);
		in.reg_req = 1;
		in.reg_we = 0;
		in.reg_addr = static_cast<uint16_t>(off);
		in.reg_size = static_cast<uint8_t>(size);
		sh_->in = &in;
		sh_->c = c;
		sh_->kind = ScShared::READ;
		wait(sh_->done);
		in.reg_req = 0;
		return sh_->rd_val;
	}

	void caches(CosimCaches &out) override
	{
		cosim_read_caches(*sh_->top->rootp, out);
	}

      private:
	ScShared *sh_;
};

CosimClock *make_sc_clock(void *ctx, const struct cosim_run &run, CosimIn &in)
{
	if (run.waves) {
		std::fprintf(stderr, "iommusim cosim: --waves: the SystemC program writes no "
				     "waveform; use the direct program\n");
		return nullptr;
	}
	return new ScClock(static_cast<ScShared *>(ctx), in);
}

SC_MODULE(CosimModelSide)
{
	int status = 0;

	CosimModelSide(sc_module_name n, ScShared * sh, int argc, char **argv)
	    : sc_module(n), sh_(sh), argc_(argc), argv_(argv)
	{
		SC_THREAD(run);
		// The model's replay and the back end's calls run on this stack.
		set_stack_size(64 << 20);
	}
	SC_HAS_PROCESS(CosimModelSide);

	void run()
	{
		struct cosim_clocked_backend sc = {COSIM_PLANT_BUG, make_sc_clock, sh_};
		struct cosim_backend be;

		cosim_rtl_backend(&be, &sc,
				  "rtl/iommu_top.sv (PlantBug=" COSIM_STR(COSIM_PLANT_BUG) ")");
		status = cosim_main(argc_, argv_, &be);
		if (sh_->stray_edges) {
			std::fprintf(stderr,
				     "iommusim cosim: %llu clock edges out of reset without a "
				     "cycle\n",
				     static_cast<unsigned long long>(sh_->stray_edges));
			status = status ? status : 1;
		}
		sc_stop();
	}

      private:
	ScShared *sh_;
	int argc_;
	char **argv_;
};

} // namespace

// The program's entry: the SystemC library's own, without its banner (the
// output is the direct program's), then sc_main.
int main(int argc, char **argv)
{
	setenv("SYSTEMC_DISABLE_COPYRIGHT_MESSAGE", "1", 0);
	return sc_core::sc_elab_and_sim(argc, argv);
}

int sc_main(int argc, char **argv)
{
	for (int i = 1; i < argc; i++) {
		if (!std::strcmp(argv[i], "--waves")) {
			std::fprintf(stderr,
				     "iommusim cosim: --waves: the SystemC program writes no "
				     "waveform; expected it without --kernel systemc\n");
			return 2;
		}
	}
	// Standard output is the report alone, as in the direct program.
	sc_report_handler::set_actions("/OSCI/SystemC", SC_INFO, SC_DO_NOTHING);
	ScShared sh;
	sc_clock clk("clk", 2, SC_NS);

	// The block and its wires.
	sc_signal<bool> rst_ni{"rst_ni"}, req_valid_i{"req_valid_i"},
		req_pasid_valid_i{"req_pasid_valid_i"}, req_priv_i{"req_priv_i"},
		req_no_write_i{"req_no_write_i"}, reg_req_i{"reg_req_i"}, reg_we_i{"reg_we_i"};
	sc_signal<uint32_t> req_tag_i{"req_tag_i"}, req_sid_i{"req_sid_i"},
		req_pasid_i{"req_pasid_i"}, req_access_i{"req_access_i"}, req_at_i{"req_at_i"},
		reg_addr_i{"reg_addr_i"}, reg_size_i{"reg_size_i"};
	sc_signal<uint64_t> req_addr_i{"req_addr_i"}, reg_wdata_i{"reg_wdata_i"},
		reg_rdata_o{"reg_rdata_o"};
	sc_signal<bool> req_ready_o{"req_ready_o"};
	sc_signal<bool> mem_req_ready_i{"mem_req_ready_i"}, mem_rsp_valid_i{"mem_rsp_valid_i"},
		mem_rsp_err_i{"mem_rsp_err_i"}, mem_req_valid_o{"mem_req_valid_o"},
		mem_req_we_o{"mem_req_we_o"}, mem_req_w4_o{"mem_req_w4_o"};
	sc_signal<uint32_t> mem_rsp_id_i{"mem_rsp_id_i"}, mem_req_id_o{"mem_req_id_o"},
		mem_req_wofs_o{"mem_req_wofs_o"};
	sc_signal<sc_dt::sc_bv<512>> mem_rsp_rdata_i{"mem_rsp_rdata_i"};
	sc_signal<uint64_t> mem_req_addr_o{"mem_req_addr_o"}, mem_req_wdata_o{"mem_req_wdata_o"};
	sc_signal<bool> dtlb_req_ready_i{"dtlb_req_ready_i"}, dtlb_cpl_valid_i{"dtlb_cpl_valid_i"},
		dtlb_req_valid_o{"dtlb_req_valid_o"},
		dtlb_req_pasid_valid_o{"dtlb_req_pasid_valid_o"},
		dtlb_req_global_o{"dtlb_req_global_o"}, dtlb_req_s_o{"dtlb_req_s_o"};
	sc_signal<uint32_t> dtlb_cpl_itag_i{"dtlb_cpl_itag_i"}, dtlb_req_itag_o{"dtlb_req_itag_o"},
		dtlb_req_sid_o{"dtlb_req_sid_o"}, dtlb_req_pasid_o{"dtlb_req_pasid_o"};
	sc_signal<uint64_t> dtlb_req_addr_o{"dtlb_req_addr_o"};
	sc_signal<bool> rsp_valid_o{"rsp_valid_o"}, rsp_walked_o{"rsp_walked_o"},
		rsp_global_o{"rsp_global_o"};
	sc_signal<uint32_t> rsp_tag_o{"rsp_tag_o"}, rsp_status_o{"rsp_status_o"},
		rsp_fault_o{"rsp_fault_o"}, rsp_page_size_o{"rsp_page_size_o"},
		rsp_perm_o{"rsp_perm_o"};
	sc_signal<uint64_t> rsp_hpa_o{"rsp_hpa_o"};
	sc_signal<bool> fault_irq_o{"fault_irq_o"}, inv_irq_o{"inv_irq_o"},
		qi_desc_done_o{"qi_desc_done_o"}, qi_wait_done_o{"qi_wait_done_o"},
		qi_iqe_o{"qi_iqe_o"}, qi_ite_o{"qi_ite_o"}, walk_start_o{"walk_start_o"},
		walk_fill_dropped_o{"walk_fill_dropped_o"}, flt_recorded_o{"flt_recorded_o"};
	// Page requests: this harness sends none (the model runs without
	// ECAP.PRS); the inputs stay 0, the outputs are not compared.
	sc_signal<bool> pr_valid_i{"pr_valid_i"}, pr_ready_o{"pr_ready_o"},
		pr_pasid_valid_i{"pr_pasid_valid_i"}, pr_priv_i{"pr_priv_i"},
		pr_exec_i{"pr_exec_i"}, pr_read_i{"pr_read_i"}, pr_write_i{"pr_write_i"},
		pr_lpig_i{"pr_lpig_i"}, prsp_valid_o{"prsp_valid_o"},
		prsp_pasid_valid_o{"prsp_pasid_valid_o"}, prq_event_o{"prq_event_o"},
		prq_done_o{"prq_done_o"};
	sc_signal<uint32_t> pr_sid_i{"pr_sid_i"}, pr_pasid_i{"pr_pasid_i"}, pr_prgi_i{"pr_prgi_i"},
		prsp_sid_o{"prsp_sid_o"}, prsp_pasid_o{"prsp_pasid_o"}, prsp_prgi_o{"prsp_prgi_o"},
		prsp_code_o{"prsp_code_o"};
	sc_signal<uint64_t> pr_addr_i{"pr_addr_i"};

	std::unique_ptr<VTOP> top(new VTOP("iommu_top"));
	sh.top = top.get();
	top->clk_i(clk);
	top->rst_ni(rst_ni);
	top->req_valid_i(req_valid_i);
	top->req_ready_o(req_ready_o);
	top->req_tag_i(req_tag_i);
	top->req_sid_i(req_sid_i);
	top->req_pasid_valid_i(req_pasid_valid_i);
	top->req_pasid_i(req_pasid_i);
	top->req_priv_i(req_priv_i);
	top->req_addr_i(req_addr_i);
	top->req_access_i(req_access_i);
	top->req_at_i(req_at_i);
	top->req_no_write_i(req_no_write_i);
	top->rsp_valid_o(rsp_valid_o);
	top->rsp_tag_o(rsp_tag_o);
	top->rsp_status_o(rsp_status_o);
	top->rsp_fault_o(rsp_fault_o);
	top->rsp_hpa_o(rsp_hpa_o);
	top->rsp_page_size_o(rsp_page_size_o);
	top->rsp_perm_o(rsp_perm_o);
	top->rsp_global_o(rsp_global_o);
	top->rsp_walked_o(rsp_walked_o);
	top->mem_req_valid_o(mem_req_valid_o);
	top->mem_req_ready_i(mem_req_ready_i);
	top->mem_req_id_o(mem_req_id_o);
	top->mem_req_addr_o(mem_req_addr_o);
	top->mem_req_we_o(mem_req_we_o);
	top->mem_req_wdata_o(mem_req_wdata_o);
	top->mem_req_wofs_o(mem_req_wofs_o);
	top->mem_req_w4_o(mem_req_w4_o);
	top->mem_rsp_valid_i(mem_rsp_valid_i);
	top->mem_rsp_id_i(mem_rsp_id_i);
	top->mem_rsp_rdata_i(mem_rsp_rdata_i);
	top->mem_rsp_err_i(mem_rsp_err_i);
	top->reg_req_i(reg_req_i);
	top->reg_we_i(reg_we_i);
	top->reg_addr_i(reg_addr_i);
	top->reg_size_i(reg_size_i);
	top->reg_wdata_i(reg_wdata_i);
	top->reg_rdata_o(reg_rdata_o);
	top->dtlb_req_valid_o(dtlb_req_valid_o);
	top->dtlb_req_ready_i(dtlb_req_ready_i);
	top->dtlb_req_itag_o(dtlb_req_itag_o);
	top->dtlb_req_sid_o(dtlb_req_sid_o);
	top->dtlb_req_pasid_valid_o(dtlb_req_pasid_valid_o);
	top->dtlb_req_pasid_o(dtlb_req_pasid_o);
	top->dtlb_req_addr_o(dtlb_req_addr_o);
	top->dtlb_req_global_o(dtlb_req_global_o);
	top->dtlb_req_s_o(dtlb_req_s_o);
	top->dtlb_cpl_valid_i(dtlb_cpl_valid_i);
	top->dtlb_cpl_itag_i(dtlb_cpl_itag_i);
	top->fault_irq_o(fault_irq_o);
	top->inv_irq_o(inv_irq_o);
	top->qi_desc_done_o(qi_desc_done_o);
	top->qi_wait_done_o(qi_wait_done_o);
	top->qi_iqe_o(qi_iqe_o);
	top->qi_ite_o(qi_ite_o);
	top->walk_start_o(walk_start_o);
	top->walk_fill_dropped_o(walk_fill_dropped_o);
	top->flt_recorded_o(flt_recorded_o);
	top->pr_valid_i(pr_valid_i);
	top->pr_ready_o(pr_ready_o);
	top->pr_sid_i(pr_sid_i);
	top->pr_pasid_valid_i(pr_pasid_valid_i);
	top->pr_pasid_i(pr_pasid_i);
	top->pr_priv_i(pr_priv_i);
	top->pr_exec_i(pr_exec_i);
	top->pr_read_i(pr_read_i);
	top->pr_write_i(pr_write_i);
	top->pr_lpig_i(pr_lpig_i);
	top->pr_prgi_i(pr_prgi_i);
	top->pr_addr_i(pr_addr_i);
	top->prsp_valid_o(prsp_valid_o);
	top->prsp_sid_o(prsp_sid_o);
	top->prsp_pasid_valid_o(prsp_pasid_valid_o);
	top->prsp_pasid_o(prsp_pasid_o);
	top->prsp_prgi_o(prsp_prgi_o);
	top->prsp_code_o(prsp_code_o);
	top->prq_event_o(prq_event_o);
	top->prq_done_o(prq_done_o);

	CosimStimulus stim("stimulus", &sh);
	stim.clk(clk);
	stim.rst_ni(rst_ni);
	stim.req_valid_i(req_valid_i);
	stim.req_pasid_valid_i(req_pasid_valid_i);
	stim.req_priv_i(req_priv_i);
	stim.req_no_write_i(req_no_write_i);
	stim.req_tag_i(req_tag_i);
	stim.req_sid_i(req_sid_i);
	stim.req_pasid_i(req_pasid_i);
	stim.req_access_i(req_access_i);
	stim.req_at_i(req_at_i);
	stim.req_addr_i(req_addr_i);
	stim.reg_req_i(reg_req_i);
	stim.reg_we_i(reg_we_i);
	stim.reg_addr_i(reg_addr_i);
	stim.reg_size_i(reg_size_i);
	stim.reg_wdata_i(reg_wdata_i);
	stim.req_ready_o(req_ready_o);
	stim.reg_rdata_o(reg_rdata_o);
	stim.pr_valid_i(pr_valid_i);
	stim.pr_sid_i(pr_sid_i);
	stim.pr_pasid_valid_i(pr_pasid_valid_i);
	stim.pr_pasid_i(pr_pasid_i);
	stim.pr_priv_i(pr_priv_i);
	stim.pr_exec_i(pr_exec_i);
	stim.pr_read_i(pr_read_i);
	stim.pr_write_i(pr_write_i);
	stim.pr_lpig_i(pr_lpig_i);
	stim.pr_prgi_i(pr_prgi_i);
	stim.pr_addr_i(pr_addr_i);
	stim.pr_ready_o(pr_ready_o);

	CosimMemory mem("memory", &sh);
	mem.clk(clk);
	mem.mem_req_ready_i(mem_req_ready_i);
	mem.mem_rsp_valid_i(mem_rsp_valid_i);
	mem.mem_rsp_err_i(mem_rsp_err_i);
	mem.mem_rsp_id_i(mem_rsp_id_i);
	mem.mem_rsp_rdata_i(mem_rsp_rdata_i);
	mem.mem_req_valid_o(mem_req_valid_o);
	mem.mem_req_we_o(mem_req_we_o);
	mem.mem_req_w4_o(mem_req_w4_o);
	mem.mem_req_id_o(mem_req_id_o);
	mem.mem_req_wofs_o(mem_req_wofs_o);
	mem.mem_req_addr_o(mem_req_addr_o);
	mem.mem_req_wdata_o(mem_req_wdata_o);

	CosimDtlb dtlb("dtlb", &sh);
	dtlb.clk(clk);
	dtlb.dtlb_req_ready_i(dtlb_req_ready_i);
	dtlb.dtlb_cpl_valid_i(dtlb_cpl_valid_i);
	dtlb.dtlb_cpl_itag_i(dtlb_cpl_itag_i);
	dtlb.dtlb_req_valid_o(dtlb_req_valid_o);
	dtlb.dtlb_req_itag_o(dtlb_req_itag_o);
	dtlb.dtlb_req_sid_o(dtlb_req_sid_o);

	CosimScoreboard sb("scoreboard", &sh);
	sb.clk(clk);
	sb.rsp_valid_o(rsp_valid_o);
	sb.rsp_walked_o(rsp_walked_o);
	sb.rsp_tag_o(rsp_tag_o);
	sb.rsp_status_o(rsp_status_o);
	sb.rsp_fault_o(rsp_fault_o);
	sb.rsp_page_size_o(rsp_page_size_o);
	sb.rsp_perm_o(rsp_perm_o);
	sb.rsp_hpa_o(rsp_hpa_o);
	sb.walk_start_o(walk_start_o);
	sb.qi_desc_done_o(qi_desc_done_o);
	sb.flt_recorded_o(flt_recorded_o);
	sb.qi_wait_done_o(qi_wait_done_o);
	sb.qi_iqe_o(qi_iqe_o);
	sb.qi_ite_o(qi_ite_o);
	sb.prsp_valid_o(prsp_valid_o);
	sb.prsp_sid_o(prsp_sid_o);
	sb.prsp_pasid_valid_o(prsp_pasid_valid_o);
	sb.prsp_pasid_o(prsp_pasid_o);
	sb.prsp_prgi_o(prsp_prgi_o);
	sb.prsp_code_o(prsp_code_o);
	sb.prq_done_o(prq_done_o);
	sb.prq_event_o(prq_event_o);

	CosimModelSide model("model", &sh, argc, argv);

	sc_start();
	top->final();
	return model.status;
}
