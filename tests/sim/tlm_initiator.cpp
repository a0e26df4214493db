/*
 * A TLM initiator using iommu_tlm_target (sim/iommu_tlm.h) in two small
 * virtual platforms:
 *
 * - vp_a: memory target <- IOMMU (tables in that memory over TLM, DMA
 *   forwarded there) <- a device/CPU initiator; clock 2 ns, memory delay 5
 *   cycles. DMA reads/writes of a second-level (RID_PASID) and a
 *   first-level (PASID) device move data at the translated address; faults
 *   (unmapped, read-only, table access error) end in an address error with
 *   the spec's fault reason and are recorded in the fault registers, read
 *   and cleared through the register socket; a driver's invalidation through
 *   the register socket; requests no bus could carry.
 * - vp_b: the IOMMU over the model's sparse memory (no TLM memory); clock
 *   1 ns: the delay rules (back-to-back requests, a local time inside a
 *   cycle) and an ATS translation request without DTE.
 *
 * Expectations come from the mappings the test makes, the spec's fault
 * reasons and register bits, an independent reference walk (iommu_probe on
 * a second model instance without caches over the same tables), and the
 * latency rules of docs/uarch.md with its default parameters: a hit is
 * answered 4 cycles after acceptance; a walk of N dependent reads takes
 * 4 + pwc_lat + N * (mem.latency + 1) - 1 cycles (a cold second-level walk:
 * root, context, PASID directory, PASID entry, 4 paging entries: 412).
 */
#include <cinttypes>
#include <cstdio>
#include <cstring>
#include <set>
#include <string>

#include "iommu_tlm.h"

using sc_core::SC_NS;
using sc_core::sc_time;

namespace
{

const uint16_t SID_A = 0x0100; /* 01:00.0, second-level domain at RID_PASID */
const uint16_t SID_B = 0x0208; /* 02:01.0, first-level domain at PASID 5 */
const uint32_t PASID_B = 5;
const unsigned DOM_A = 1, DOM_B = 2;
const uint64_t PA_A = 0x20000000, PA_B = 0x30000000;

/* Latency of a walk with `reads` dependent reads, defaults of docs/uarch.md. */
uint64_t walk_cycles(unsigned reads)
{
	const uint64_t pipeline = 4, pwc = 1, mem_latency = 50;

	return pipeline + pwc + reads * (mem_latency + 1) - 1;
}
const uint64_t HIT_CYCLES = 4;

uint64_t le64(const unsigned char *b)
{
	uint64_t v = 0;

	for (unsigned i = 0; i < 8; i++)
		v |= static_cast<uint64_t>(b[i]) << (8 * i);
	return v;
}

/* Counts failed checks; each failure prints expected and actual in hex. */
struct checker {
	unsigned checks = 0, failures = 0;

	bool eq(const std::string &what, uint64_t actual, uint64_t expected)
	{
		checks++;
		if (actual == expected)
			return true;
		failures++;
		std::fprintf(stderr, "FAIL %s: 0x%" PRIx64 ", expected 0x%" PRIx64 "\n",
			     what.c_str(), actual, expected);
		return false;
	}
	bool eq_time(const std::string &what, const sc_time &actual, const sc_time &expected)
	{
		checks++;
		if (actual == expected)
			return true;
		failures++;
		std::fprintf(stderr, "FAIL %s: %s, expected %s\n", what.c_str(),
			     actual.to_string().c_str(), expected.to_string().c_str());
		return false;
	}
};

/* Platform memory: the model's sparse memory behind a target socket, with a
 * fixed annotated delay and 4 KiB pages that refuse access. */
struct vp_memory : sc_core::sc_module {
	tlm_utils::simple_target_socket<vp_memory> socket;
	sparse_mem *sm;
	iommu_mem mem;
	sc_time latency;
	std::set<uint64_t> bad_pages;
	uint64_t reads = 0, writes = 0;

	vp_memory(sc_core::sc_module_name name, unsigned addr_bits, const sc_time &lat)
	    : sc_module(name), socket("socket"), sm(sparse_mem_create(addr_bits)), latency(lat)
	{
		if (!sm)
			SC_REPORT_FATAL(this->name(), "cannot create memory");
		mem = sparse_mem_handle(sm);
		socket.register_b_transport(this, &vp_memory::b_transport);
	}
	~vp_memory() override
	{
		sparse_mem_destroy(sm);
	}
	vp_memory(const vp_memory &) = delete;
	vp_memory &operator=(const vp_memory &) = delete;

	void b_transport(tlm::tlm_generic_payload &gp, sc_time &delay)
	{
		uint64_t a = gp.get_address();
		unsigned len = gp.get_data_length();
		int rc = 0;

		if (gp.get_byte_enable_ptr() || gp.get_streaming_width() < len) {
			gp.set_response_status(tlm::TLM_BURST_ERROR_RESPONSE);
			return;
		}
		for (uint64_t p = a >> 12; len && p <= (a + len - 1) >> 12; p++)
			if (bad_pages.count(p)) {
				gp.set_response_status(tlm::TLM_ADDRESS_ERROR_RESPONSE);
				return;
			}
		if (gp.is_read()) {
			reads++;
			rc = mem.ops->read(mem.ctx, a, gp.get_data_ptr(), len);
		} else if (gp.is_write()) {
			writes++;
			rc = mem.ops->write(mem.ctx, a, gp.get_data_ptr(), len);
		}
		delay += latency;
		gp.set_response_status(rc ? tlm::TLM_ADDRESS_ERROR_RESPONSE : tlm::TLM_OK_RESPONSE);
	}
	uint64_t peek64(uint64_t pa)
	{
		uint64_t v = 0;

		iommu_mem_read64(&mem, pa, &v);
		return v;
	}
	void poke64(uint64_t pa, uint64_t v)
	{
		iommu_mem_write64(&mem, pa, v);
	}
};

/* One translation request and what came back. */
struct xfer {
	tlm::tlm_response_status rs = tlm::TLM_INCOMPLETE_RESPONSE;
	iommu_tlm_ext ext;
	sc_time delay;
	unsigned char data[64] = {};
};

/* A device (DMA through the IOMMU) and a CPU (its registers) in one thread. */
struct vp_initiator : sc_core::sc_module {
	tlm_utils::simple_initiator_socket<vp_initiator> dma;
	tlm_utils::simple_initiator_socket_optional<vp_initiator> cpu;
	checker &ck;

	vp_initiator(sc_core::sc_module_name name, checker &c)
	    : sc_module(name), dma("dma"), cpu("cpu"), ck(c)
	{
	}

	/* A request starting `local` after the current time. */
	xfer request(tlm::tlm_command cmd, const iommu_tlm_ext &in, uint64_t addr, unsigned len,
		     const void *wdata = nullptr, const sc_time &local = sc_core::SC_ZERO_TIME,
		     bool with_ext = true)
	{
		tlm::tlm_generic_payload gp;
		iommu_tlm_ext ext = in;
		xfer x;

		x.ext = in;
		std::memset(x.data, 0xAA, sizeof(x.data));
		if (wdata)
			std::memcpy(x.data, wdata, len);
		gp.set_command(cmd);
		gp.set_address(addr);
		gp.set_data_ptr(x.data);
		gp.set_data_length(len);
		gp.set_streaming_width(len);
		if (with_ext)
			gp.set_extension(&ext);
		x.delay = local;
		dma->b_transport(gp, x.delay);
		if (with_ext)
			gp.clear_extension(&ext);
		x.rs = gp.get_response_status();
		x.ext = ext;
		return x;
	}

	tlm::tlm_response_status reg_access(tlm::tlm_command cmd, uint64_t off, unsigned len,
					    uint64_t *val, unsigned char *be = nullptr)
	{
		tlm::tlm_generic_payload gp;
		unsigned char b[8] = {};
		sc_time d = sc_core::SC_ZERO_TIME;

		for (unsigned i = 0; i < 8; i++)
			b[i] = static_cast<unsigned char>(*val >> (8 * i));
		gp.set_command(cmd);
		gp.set_address(off);
		gp.set_data_ptr(b);
		gp.set_data_length(len);
		gp.set_streaming_width(len);
		gp.set_byte_enable_ptr(be);
		gp.set_byte_enable_length(be ? len : 0);
		cpu->b_transport(gp, d);
		*val = 0;
		for (unsigned i = 0; i < len && i < 8; i++)
			*val |= static_cast<uint64_t>(b[i]) << (8 * i);
		sc_core::wait(d);
		return gp.get_response_status();
	}
	uint64_t reg_read(uint64_t off, unsigned len)
	{
		uint64_t v = 0;

		ck.eq("register read status", reg_access(tlm::TLM_READ_COMMAND, off, len, &v),
		      tlm::TLM_OK_RESPONSE);
		return v;
	}
	void reg_write(uint64_t off, unsigned len, uint64_t v)
	{
		ck.eq("register write status", reg_access(tlm::TLM_WRITE_COMMAND, off, len, &v),
		      tlm::TLM_OK_RESPONSE);
	}
};

iommu_tlm_ext ext_for(uint16_t sid)
{
	iommu_tlm_ext e;

	e.sid = sid;
	return e;
}

iommu_tlm_ext ext_for_pasid(uint16_t sid, uint32_t pasid)
{
	iommu_tlm_ext e = ext_for(sid);

	e.pasid_valid = true;
	e.pasid = pasid;
	return e;
}

iommu_req ref_req(const iommu_tlm_ext &e, uint64_t addr, iommu_access acc)
{
	iommu_req r{};

	r.sid = e.sid;
	r.pasid_valid = e.pasid_valid;
	r.pasid = e.pasid;
	r.priv = e.priv;
	r.addr = addr;
	r.access = acc;
	return r;
}

int attach(vtd_builder *b, uint16_t sid, bool has_pasid, uint32_t pasid, vtd_pgtt type, int s1,
	   int s2)
{
	vtd_attach a;

	vtd_attach_init(&a, sid, type);
	a.has_pasid = has_pasid;
	a.pasid = pasid;
	a.s1 = s1;
	a.s2 = s2;
	a.sre = a.ere = a.nxe = true;
	return vtd_builder_attach(b, &a);
}

/* ---------------------------------------------------------------------------- */

struct vp_a : sc_core::sc_module {
	static sc_time period()
	{
		return sc_time(2, SC_NS);
	}
	static iommu_tlm_params params()
	{
		iommu_tlm_params p;

		p.clock_period = period();
		p.forward = true;
		return p;
	}

	checker &ck;
	vp_memory memory;
	iommu_tlm_target mmu;
	vp_initiator init;
	vtd_builder *b = nullptr;
	::iommu *ref = nullptr;

	SC_HAS_PROCESS(vp_a);
	vp_a(sc_core::sc_module_name name, checker &c)
	    : sc_module(name), ck(c), memory("memory", 46, 5 * period()), mmu("iommu", params()),
	      init("init", c)
	{
		mmu.mem.bind(memory.socket);
		init.dma.bind(mmu.xlate);
		init.cpu.bind(mmu.regs);
		SC_THREAD(run);
	}
	~vp_a() override
	{
		if (b)
			vtd_builder_destroy(b);
		if (ref)
			iommu_destroy(ref);
	}
	vp_a(const vp_a &) = delete;
	vp_a &operator=(const vp_a &) = delete;

	/* Lets the previous response and the memory delay pass, then idles a
	 * few cycles: the next request starts on a cycle boundary, the engine
	 * idle. */
	void settle(const xfer &x)
	{
		sc_core::wait(x.delay);
		sc_core::wait(10 * period());
	}

	bool setup()
	{
		vtd_builder_config bcfg;
		iommu_config rcfg;
		bool ok = true;

		vtd_builder_config_default(&bcfg);
		b = vtd_builder_create(mmu.model(), memory.mem, &bcfg);
		if (!ck.eq("builder created", b != nullptr, 1))
			return false;
		ok &= ck.eq("domain A", vtd_builder_domain(b, DOM_A, VTD_STAGE_S2, 4, -1), 0);
		ok &= ck.eq("attach A", attach(b, SID_A, false, 0, VTD_PGTT_SL, -1, DOM_A), 0);
		ok &= ck.eq("map A",
			    vtd_builder_map(b, DOM_A, 0x10000, PA_A, 0x4000,
					    IOMMU_PERM_R | IOMMU_PERM_W, false),
			    0);
		ok &= ck.eq("domain B", vtd_builder_domain(b, DOM_B, VTD_STAGE_S1, 4, -1), 0);
		ok &= ck.eq("attach B", attach(b, SID_B, true, PASID_B, VTD_PGTT_FL, DOM_B, -1), 0);
		ok &= ck.eq("map B rw",
			    vtd_builder_map(b, DOM_B, 0x7000, PA_B, 0x1000,
					    IOMMU_PERM_R | IOMMU_PERM_W, true),
			    0);
		ok &= ck.eq("map B ro",
			    vtd_builder_map(b, DOM_B, 0x8000, PA_B + 0x1000, 0x1000, IOMMU_PERM_R,
					    true),
			    0);

		/* The reference: no caches, the root table the IOMMU uses, read
		 * through the register socket. */
		iommu_config_default(&rcfg);
		rcfg.context_cache.ways = rcfg.pasid_cache.ways = rcfg.iotlb.ways = 0;
		rcfg.fl_pwc.ways = rcfg.sl_pwc.ways = rcfg.nested_tlb.ways = 0;
		ref = iommu_create(&rcfg, &memory.mem);
		if (!ck.eq("reference created", ref != nullptr, 1))
			return false;
		iommu_reg_write(ref, VTD_REG_RTADDR, 8, init.reg_read(VTD_REG_RTADDR, 8));
		iommu_reg_write(ref, VTD_REG_GCMD, 4, VTD_GCMD_SRTP);
		iommu_reg_write(ref, VTD_REG_GCMD, 4, VTD_GCMD_TE);
		return ok;
	}

	/* The target's answer against the reference walk. */
	void check_ref(const std::string &what, const xfer &x, uint64_t addr, iommu_access acc)
	{
		iommu_req r = ref_req(x.ext, addr, acc);
		iommu_resp resp{};
		int rc = iommu_probe(ref, &r, &resp);

		ck.eq(what + ": reference rc", rc, x.ext.status == iommu_tlm_status::ok ? 0 : 1);
		ck.eq(what + ": fault vs reference", x.ext.fault, resp.fault);
		if (rc == 0) {
			ck.eq(what + ": hpa vs reference", x.ext.hpa, resp.hpa);
			ck.eq(what + ": page size vs reference", x.ext.page_size, resp.page_size);
			ck.eq(what + ": perm vs reference", x.ext.perm, resp.perm);
		}
	}

	/* FSTS.PPF and the record FSTS.FRI points to (records start at
	 * CAP.FRO x 16), then clear it (F is RW1C) through the register socket. */
	void check_fault_record(const std::string &what, uint16_t sid, unsigned reason, bool read)
	{
		uint64_t cap = init.reg_read(VTD_REG_CAP, 8);
		uint64_t fro = ((cap >> 24) & 0x3FF) * 16; /* CAP.FRO, 16-byte units */
		uint64_t fsts = init.reg_read(VTD_REG_FSTS, 4);
		uint64_t rec = fro + 16 * ((fsts >> 8) & 0xFF); /* FSTS.FRI */
		uint64_t hi = init.reg_read(rec + 8, 8);

		ck.eq(what + ": FSTS.PPF", (fsts >> 1) & 1, 1);
		ck.eq(what + ": FRCD.F", hi >> 63, 1);
		ck.eq(what + ": FRCD.FR", (hi >> 32) & 0xFF, reason);
		ck.eq(what + ": FRCD.SID", hi & 0xFFFF, sid);
		ck.eq(what + ": FRCD.T (read)", (hi >> 62) & 1, read ? 1 : 0);
		init.reg_write(rec + 8, 8, 1ull << 63);
		ck.eq(what + ": FSTS.PPF after clear", (init.reg_read(VTD_REG_FSTS, 4) >> 1) & 1,
		      0);
	}

	void run()
	{
		const sc_time T = period(), mem_delay = memory.latency;
		const iommu_tlm_ext a = ext_for(SID_A), bp = ext_for_pasid(SID_B, PASID_B);
		uint64_t pattern = 0x1122334455667788ull;
		xfer x;

		if (!setup())
			return;
		ck.eq("VER", init.reg_read(VTD_REG_VER, 4), VTD_VER_VALUE);
		ck.eq("GSTS.TES, RTPS", init.reg_read(VTD_REG_GSTS, 4) >> 30, 3);
		sc_core::wait(10 * T);

		/* Cold walk: 8 reads; the data comes from the translated address. */
		memory.poke64(PA_A + 8, pattern);
		x = init.request(tlm::TLM_READ_COMMAND, a, 0x10008, 8);
		ck.eq("cold read: status", x.rs, tlm::TLM_OK_RESPONSE);
		ck.eq("cold read: hpa", x.ext.hpa, PA_A + 8);
		ck.eq("cold read: page size", x.ext.page_size, 0x1000);
		ck.eq("cold read: source", x.ext.source, IOMMU_SRC_WALK);
		ck.eq("cold read: cycles", x.ext.cycles(), walk_cycles(8));
		ck.eq_time("cold read: delay", x.delay, 412 * T + mem_delay);
		ck.eq("cold read: data", le64(x.data), pattern);
		check_ref("cold read", x, 0x10008, IOMMU_ACC_READ);
		settle(x);

		/* The same page again: an IOTLB hit; the write lands at the hpa. */
		const unsigned char w[4] = {0xEF, 0xBE, 0xAD, 0xDE};
		x = init.request(tlm::TLM_WRITE_COMMAND, a, 0x10010, 4, w);
		ck.eq("hit write: status", x.rs, tlm::TLM_OK_RESPONSE);
		ck.eq("hit write: source", x.ext.source, IOMMU_SRC_IOTLB);
		ck.eq("hit write: cycles", x.ext.cycles(), HIT_CYCLES);
		ck.eq_time("hit write: delay", x.delay, 4 * T + mem_delay);
		ck.eq("hit write: memory", memory.peek64(PA_A + 0x10) & 0xFFFFFFFF, 0xDEADBEEF);
		settle(x);

		/* Next page, same page table: the PWC gives the L2 entry, 1 read. */
		x = init.request(tlm::TLM_READ_COMMAND, a, 0x11000, 16);
		ck.eq("pwc read: status", x.rs, tlm::TLM_OK_RESPONSE);
		ck.eq("pwc read: hpa", x.ext.hpa, PA_A + 0x1000);
		ck.eq("pwc read: cycles", x.ext.cycles(), walk_cycles(1));
		check_ref("pwc read", x, 0x11000, IOMMU_ACC_READ);
		settle(x);

		/* Unmapped (second level: R = W = 0) → 0x79, no data moves. */
		uint64_t writes = memory.writes;
		const unsigned char z[8] = {};
		x = init.request(tlm::TLM_WRITE_COMMAND, a, 0x40000000, 8, z);
		ck.eq("unmapped: status", x.rs, tlm::TLM_ADDRESS_ERROR_RESPONSE);
		ck.eq("unmapped: ext status", static_cast<unsigned>(x.ext.status),
		      static_cast<unsigned>(iommu_tlm_status::fault));
		ck.eq("unmapped: fault", x.ext.fault, 0x79);
		ck.eq("unmapped: recorded", x.ext.fault_recorded, 1);
		ck.eq("unmapped: no memory write", memory.writes, writes);
		check_ref("unmapped", x, 0x40000000, IOMMU_ACC_WRITE);
		settle(x);
		check_fault_record("unmapped", SID_A, 0x79, false);

		/* First level, PASID 5, user: read-write page. */
		memory.poke64(PA_B + 0x10, ~pattern);
		x = init.request(tlm::TLM_READ_COMMAND, bp, 0x7010, 8);
		ck.eq("fl read: status", x.rs, tlm::TLM_OK_RESPONSE);
		ck.eq("fl read: hpa", x.ext.hpa, PA_B + 0x10);
		ck.eq("fl read: user perm", x.ext.perm & IOMMU_PERM_U, IOMMU_PERM_U);
		ck.eq("fl read: data", le64(x.data), ~pattern);
		check_ref("fl read", x, 0x7010, IOMMU_ACC_READ);
		settle(x);

		/* Read-only page written → 0x85; not-present entry → 0x71. */
		x = init.request(tlm::TLM_WRITE_COMMAND, bp, 0x8000, 8, z);
		ck.eq("fl ro write: status", x.rs, tlm::TLM_ADDRESS_ERROR_RESPONSE);
		ck.eq("fl ro write: fault", x.ext.fault, 0x85);
		check_ref("fl ro write", x, 0x8000, IOMMU_ACC_WRITE);
		settle(x);
		check_fault_record("fl ro write", SID_B, 0x85, false);
		x = init.request(tlm::TLM_READ_COMMAND, bp, 0x9000, 8);
		ck.eq("fl unmapped: status", x.rs, tlm::TLM_ADDRESS_ERROR_RESPONSE);
		ck.eq("fl unmapped: fault", x.ext.fault, 0x71);
		check_ref("fl unmapped", x, 0x9000, IOMMU_ACC_READ);
		settle(x);
		check_fault_record("fl unmapped", SID_B, 0x71, true);

		/* The memory refuses the leaf table page: second-level access
		 * error 0x78. */
		uint64_t pte_pa = 0;
		unsigned level = 0;
		ck.eq("leaf of 0x12000", vtd_builder_leaf(b, DOM_A, 0x12000, &pte_pa, &level), 0);
		memory.bad_pages.insert(pte_pa >> 12);
		uint64_t errors = mmu.mem_errors();
		x = init.request(tlm::TLM_READ_COMMAND, a, 0x12000, 8);
		ck.eq("table error: status", x.rs, tlm::TLM_ADDRESS_ERROR_RESPONSE);
		ck.eq("table error: fault", x.ext.fault, 0x78);
		ck.eq("table error: refused reads", mmu.mem_errors(), errors + 1);
		memory.bad_pages.clear();
		settle(x);
		check_fault_record("table error", SID_A, 0x78, true);

		invalidate_through_registers();
		bad_requests();
	}

	/* The driver unmaps a page, then invalidates the IOTLB with a queued
	 * descriptor written to memory and IQT written through the register
	 * socket: the stale hit before, the fault after. */
	void invalidate_through_registers()
	{
		const iommu_tlm_ext a = ext_for(SID_A);
		xfer x;

		ck.eq("unmap", vtd_builder_unmap(b, DOM_A, 0x10000, 0x1000), 0);
		x = init.request(tlm::TLM_READ_COMMAND, a, 0x10000, 8);
		ck.eq("stale hit: status", x.rs, tlm::TLM_OK_RESPONSE);
		ck.eq("stale hit: cycles", x.ext.cycles(), HIT_CYCLES);
		settle(x);

		uint64_t iqa = init.reg_read(VTD_REG_IQA, 8);
		uint64_t iqt = init.reg_read(VTD_REG_IQT, 8);
		uint64_t slot = (iqa & ~0xFFFull) + (iqt & 0x7FFF0);
		uint64_t reads = memory.reads;
		/* IOTLB invalidate (type 2), global granularity (G = 01). */
		memory.poke64(slot, 0x2 | (1u << 4));
		memory.poke64(slot + 8, 0);
		memory.poke64(slot + 16, 0);
		memory.poke64(slot + 24, 0);
		init.reg_write(VTD_REG_IQT, 8, (iqt + 32) & 0x7FFF0);
		/* The queue engine fetches the descriptor and executes it when
		 * the fetch returns (docs/uarch.md section 8): software polls IQH. */
		ck.eq("IQH at the IQT write", init.reg_read(VTD_REG_IQH, 8), iqt & 0x7FFF0);
		for (unsigned i = 0;
		     i < 1000 && init.reg_read(VTD_REG_IQH, 8) != ((iqt + 32) & 0x7FFF0); i++)
			sc_core::wait(period());
		ck.eq("IQH after the descriptor", init.reg_read(VTD_REG_IQH, 8),
		      (iqt + 32) & 0x7FFF0);
		ck.eq("descriptor fetched over TLM", memory.reads > reads, 1);
		ck.eq("no queue error", (init.reg_read(VTD_REG_FSTS, 4) >> 4) & 1, 0);

		x = init.request(tlm::TLM_READ_COMMAND, a, 0x10000, 8);
		ck.eq("after invalidation: status", x.rs, tlm::TLM_ADDRESS_ERROR_RESPONSE);
		ck.eq("after invalidation: fault", x.ext.fault, 0x79);
		ck.eq("after invalidation: walked", x.ext.source, IOMMU_SRC_WALK);
		settle(x);
		check_fault_record("after invalidation", SID_A, 0x79, true);
	}

	void bad_requests()
	{
		iommu_tlm_ext a = ext_for(SID_A);
		unsigned char be[4] = {0xFF, 0xFF, 0, 0};
		uint64_t v = 0;
		xfer x;

		a.priv = true; /* privileged without a PASID */
		x = init.request(tlm::TLM_READ_COMMAND, a, 0x11000, 8);
		ck.eq("priv without PASID: status", x.rs, tlm::TLM_GENERIC_ERROR_RESPONSE);
		ck.eq("priv without PASID: ext status", static_cast<unsigned>(x.ext.status),
		      static_cast<unsigned>(iommu_tlm_status::malformed));
		settle(x);
		a.priv = false;
		x = init.request(tlm::TLM_READ_COMMAND, a, 0x11000, 8, nullptr,
				 sc_core::SC_ZERO_TIME, false);
		ck.eq("no extension", x.rs, tlm::TLM_GENERIC_ERROR_RESPONSE);
		x = init.request(tlm::TLM_READ_COMMAND, a, 0x11FF8, 16);
		ck.eq("crosses 4 KiB", x.rs, tlm::TLM_BURST_ERROR_RESPONSE);
		a.exec = true;
		x = init.request(tlm::TLM_WRITE_COMMAND, a, 0x11000, 8, be);
		ck.eq("execute write", x.rs, tlm::TLM_COMMAND_ERROR_RESPONSE);

		ck.eq("register: 2 bytes", init.reg_access(tlm::TLM_READ_COMMAND, 0x1C, 2, &v),
		      tlm::TLM_BURST_ERROR_RESPONSE);
		ck.eq("register: misaligned", init.reg_access(tlm::TLM_READ_COMMAND, 0x1C, 8, &v),
		      tlm::TLM_ADDRESS_ERROR_RESPONSE);
		ck.eq("register: beyond",
		      init.reg_access(tlm::TLM_READ_COMMAND, VTD_REG_SIZE, 4, &v),
		      tlm::TLM_ADDRESS_ERROR_RESPONSE);
		ck.eq("register: byte enables",
		      init.reg_access(tlm::TLM_WRITE_COMMAND, 0x1C, 4, &v, be),
		      tlm::TLM_BYTE_ENABLE_ERROR_RESPONSE);
	}
};

/* ---------------------------------------------------------------------------- */

struct vp_b : sc_core::sc_module {
	checker &ck;
	sparse_mem *sm;
	iommu_tlm_target mmu;
	vp_initiator init;
	vtd_builder *b = nullptr;

	SC_HAS_PROCESS(vp_b);
	vp_b(sc_core::sc_module_name name, checker &c)
	    : sc_module(name), ck(c), sm(sparse_mem_create(46)),
	      mmu("iommu", iommu_tlm_params(), sparse_mem_handle(sm)), init("init", c)
	{
		init.dma.bind(mmu.xlate);
		SC_THREAD(run);
	}
	~vp_b() override
	{
		if (b)
			vtd_builder_destroy(b);
		sparse_mem_destroy(sm);
	}
	vp_b(const vp_b &) = delete;
	vp_b &operator=(const vp_b &) = delete;

	void run()
	{
		const sc_time T(1, SC_NS);
		const iommu_tlm_ext a = ext_for(SID_A);
		vtd_builder_config bcfg;
		xfer x;
		sc_time d;

		vtd_builder_config_default(&bcfg);
		b = vtd_builder_create(mmu.model(), mmu.table_mem(), &bcfg);
		if (!ck.eq("B: builder created", b != nullptr, 1) ||
		    !ck.eq("B: domain", vtd_builder_domain(b, DOM_A, VTD_STAGE_S2, 4, -1), 0) ||
		    !ck.eq("B: attach", attach(b, SID_A, false, 0, VTD_PGTT_SL, -1, DOM_A), 0) ||
		    !ck.eq("B: map",
			   vtd_builder_map(b, DOM_A, 0x10000, PA_A, 0x1000, IOMMU_PERM_R, false),
			   0))
			return;

		/* At time 0: cold walk; without forwarding no data moves. */
		x = init.request(tlm::TLM_READ_COMMAND, a, 0x10000, 64);
		ck.eq("B cold: status", x.rs, tlm::TLM_OK_RESPONSE);
		ck.eq("B cold: hpa", x.ext.hpa, PA_A);
		ck.eq("B cold: cycles", x.ext.cycles(), walk_cycles(8));
		ck.eq_time("B cold: delay", x.delay, walk_cycles(8) * T);
		ck.eq("B cold: data untouched", x.data[0], 0xAA);

		/* Back to back, temporally decoupled (no wait): issued in the
		 * response cycle, it arrives the cycle after; then a hit. */
		d = x.delay;
		x = init.request(tlm::TLM_READ_COMMAND, a, 0x10040, 8, nullptr, d);
		ck.eq("B back-to-back: arrive", x.ext.arrive, walk_cycles(8) + 1);
		ck.eq("B back-to-back: cycles", x.ext.cycles(), HIT_CYCLES);
		ck.eq_time("B back-to-back: delay", x.delay - d, (1 + HIT_CYCLES) * T);

		/* A local time inside a cycle: arrival at the next boundary. */
		sc_core::wait(x.delay + 100 * T);
		d = sc_time(2500, sc_core::SC_PS);
		x = init.request(tlm::TLM_READ_COMMAND, a, 0x10080, 8, nullptr, d);
		ck.eq("B mid-cycle: cycles", x.ext.cycles(), HIT_CYCLES);
		ck.eq_time("B mid-cycle: delay", x.delay - d,
			   sc_time(500, sc_core::SC_PS) + HIT_CYCLES * T);
		sc_core::wait(x.delay + 10 * T);

		/* ATS translation request from a device without DTE: Unsupported
		 * Request, fault 0x44. */
		iommu_tlm_ext t = a;
		t.at = IOMMU_AT_TRANSLATION_REQ;
		x = init.request(tlm::TLM_READ_COMMAND, t, 0x10000, 8);
		ck.eq("B ATS without DTE: status", x.rs, tlm::TLM_GENERIC_ERROR_RESPONSE);
		ck.eq("B ATS without DTE: ext status", static_cast<unsigned>(x.ext.status),
		      static_cast<unsigned>(iommu_tlm_status::unsupported));
		ck.eq("B ATS without DTE: fault", x.ext.fault, 0x44);
	}
};

/* A bad parameter is one SystemC error naming it; nothing is built. */
void bad_params(checker &ck)
{
	iommu_tlm_params p;
	std::string msg;

	p.timing.walk_slots = 0;
	try {
		iommu_tlm_target t("bad", p);
	} catch (const sc_core::sc_report &r) {
		msg = r.what();
	}
	ck.eq("bad parameter reported", msg.find("walk") != std::string::npos, 1);
}

} // namespace

int sc_main(int argc, char **argv)
{
	checker ck;

	(void)argc;
	(void)argv;
	bad_params(ck);
	vp_a a("vp_a", ck);
	vp_b b("vp_b", ck);
	sc_core::sc_start();
	if (ck.checks < 50) {
		std::fprintf(stderr, "FAIL: only %u checks ran\n", ck.checks);
		return 1;
	}
	std::printf("tlm_initiator: %u checks, %u failed\n", ck.checks, ck.failures);
	return ck.failures ? 1 : 0;
}
