// Common harness of the Verilated block tests: one clock (clk_i), an
// active-low synchronous reset (rst_ni), a cycle counter, and a VCD
// waveform when the test runs with the plusarg +trace (written to
// <test>.vcd in the working directory, for GTKWave).
//
// Use: set inputs, settle() to read combinational outputs of this cycle,
// tick() to take the rising edge (registered outputs are then the next
// cycle's). TB_NAME is defined by iommusim_rtl_test().
#ifndef IOMMUSIM_TB_COMMON_H
#define IOMMUSIM_TB_COMMON_H

#include <cstdarg>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>

#include <verilated.h>
#include <verilated_vcd_c.h>

#ifndef TB_NAME
#define TB_NAME "tb"
#endif

template <class V> class Tb
{
      public:
	std::unique_ptr<VerilatedContext> ctx;
	std::unique_ptr<V> top;
	uint64_t cycle = 0;

	Tb(int argc, char **argv) : ctx(new VerilatedContext)
	{
		ctx->commandArgs(argc, argv);
		top.reset(new V(ctx.get(), "top"));
		std::string t = ctx->commandArgsPlusMatch("trace");
		if (!t.empty()) {
			ctx->traceEverOn(true);
			vcd.reset(new VerilatedVcdC);
			top->trace(vcd.get(), 99);
			vcd->open(TB_NAME ".vcd");
		}
		top->clk_i = 0;
		top->rst_ni = 0;
	}
	~Tb()
	{
		top->final();
		if (vcd)
			vcd->close();
	}
	// Evaluates the combinational logic with the current inputs.
	void settle()
	{
		top->clk_i = 0;
		top->eval();
	}
	// One clock cycle: the inputs as set now, then the rising edge.
	void tick()
	{
		settle();
		if (vcd)
			vcd->dump(vtime);
		top->clk_i = 1;
		top->eval();
		if (vcd) {
			vcd->dump(vtime + 1);
			vcd->flush(); // a failing check exits without the destructor
		}
		vtime += 2;
		cycle++;
	}
	// Holds reset for n cycles, then releases it (cycle 0 is the first
	// cycle out of reset).
	void reset(unsigned n = 2)
	{
		top->rst_ni = 0;
		for (unsigned i = 0; i < n; i++)
			tick();
		top->rst_ni = 1;
		cycle = 0;
	}

      private:
	std::unique_ptr<VerilatedVcdC> vcd;
	uint64_t vtime = 0; // waveform time: two steps per cycle, never reset
};

// A failed check: prints the test, cycle and message, and exits 1.
[[noreturn]] inline void tb_fail(uint64_t cycle, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "%s: cycle %llu: ", TB_NAME, (unsigned long long)cycle);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(1);
}

#define TB_CHECK(tb, cond, ...)                                                                    \
	do {                                                                                       \
		if (!(cond))                                                                       \
			tb_fail((tb).cycle, __VA_ARGS__);                                          \
	} while (0)

// A page group response as it leaves the block (prsp_*_o) or the model
// (its pri->response callback), with the cycle it left in.
struct TbPageResp {
	uint16_t sid;
	bool pv;
	uint32_t pasid;
	uint16_t prgi;
	unsigned code;
	uint64_t cycle;
	bool operator==(const TbPageResp &o) const
	{
		return sid == o.sid && pv == o.pv && pasid == o.pasid && prgi == o.prgi &&
		       code == o.code && cycle == o.cycle;
	}
};

// The page group response on a block's prsp_*_o outputs, if any; `cycle`
// is the cycle it left in.
template <class V> bool tb_page_resp(const V *t, uint64_t cycle, TbPageResp *r)
{
	if (!t->prsp_valid_o)
		return false;
	*r = {(uint16_t)t->prsp_sid_o,  (bool)t->prsp_pasid_valid_o, (uint32_t)t->prsp_pasid_o,
	      (uint16_t)t->prsp_prgi_o, (unsigned)t->prsp_code_o,    cycle};
	return true;
}

#endif
