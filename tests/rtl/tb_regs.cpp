// Block test of rtl/iommu_regs.sv and rtl/iommu_fault.sv (in
// tests/rtl/qi/tb_qi_top.sv, with the queue engine): seeded random sequences
// of register reads and writes (4 and 8 bytes, misaligned and bad sizes too)
// and faults, run against the model's register file (iommu_reg_read,
// iommu_reg_write) and fault recording (vtd_fault_record) on one model
// instance. Every read is compared, every fault's outcome (recorded,
// suppressed by FPD, lost to overflow), the active root table and TES
// outputs and the interrupt requests after every operation, and the whole
// register map periodically. Writes to IQT, GCMD and FSTS run the queue
// engine over a memory of valid and invalid descriptors; the test waits for
// it before the next operation (the model's queue runs at the write).
// Options: +seed=N, +ops=N, +trace.
#include <string>

#include "qi/qi_harness.h"

extern "C" {
#include "iommu/vtd_qi.h"
}

namespace
{

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

const uint32_t kRegs[] = {
	VTD_REG_VER,    0x004,
	VTD_REG_CAP,    VTD_REG_CAP + 4,
	VTD_REG_ECAP,   VTD_REG_ECAP + 4,
	VTD_REG_GCMD,   VTD_REG_GSTS,
	VTD_REG_RTADDR, VTD_REG_RTADDR + 4,
	VTD_REG_CCMD,   VTD_REG_CCMD + 4,
	0x030,          VTD_REG_FSTS,
	VTD_REG_FECTL,  VTD_REG_FEDATA,
	VTD_REG_FEADDR, VTD_REG_FEUADDR,
	VTD_REG_IQH,    VTD_REG_IQH + 4,
	VTD_REG_IQT,    VTD_REG_IQT + 4,
	VTD_REG_IQA,    VTD_REG_IQA + 4,
	0x098,          VTD_REG_ICS,
	VTD_REG_IECTL,  0x0A4,
	VTD_REG_IQER,   VTD_REG_IQER + 4,
	VTD_REG_PQH,    VTD_REG_PQH + 4,
	VTD_REG_PQT,    VTD_REG_PQT + 4,
	VTD_REG_PQA,    VTD_REG_PQA + 4,
	0x0D8,          VTD_REG_PRS,
	VTD_REG_PECTL,  VTD_REG_PEDATA,
	VTD_REG_PEADDR, VTD_REG_PEUADDR,
};

class RegsTest
{
      public:
	qi::Harness h;
	uint64_t reads = 0, writes = 0, faults = 0, recorded = 0, lost = 0, fpd = 0;
	uint64_t exp_root = 0;

	RegsTest(int argc, char **argv) : h(argc, argv)
	{
		fill_memory();
	}

	// Two queue pages: valid waits (some with IF and SW), context-cache
	// invalidations and zeros (invalid type); a third page fails.
	void fill_memory()
	{
		for (uint64_t base : {0x100000ull, 0x101000ull}) {
			for (unsigned i = 0; i < 4096 / 16; i++) {
				uint64_t qw[4] = {0, 0, 0, 0};
				unsigned k = below(8);
				if (k < 4)
					vtd_desc_wait(qw, (below(4) << 4), 0x200000 + 4 * i,
						      (uint32_t)rnd());
				else if (k < 6)
					vtd_desc_cc(qw, 1, 0, 0, 0);
				// wide descriptors need QW2/QW3 = 0: every other slot holds them
				h.wr64(base + 16 * i, i % 2 && below(2) ? 0 : qw[0]);
				h.wr64(base + 16 * i + 8, i % 2 && below(2) ? 0 : qw[1]);
			}
		}
		h.mark_bad(0x300000);
	}

	uint32_t pick_offset()
	{
		unsigned nfr = h.cfg.nfr;
		switch (below(8)) {
		case 0: return 0x400 + 16 * below(nfr + 1) + 4 * below(4); // fault records
		case 1: return below(0x2000) & ~3u;
		case 2: return below(0x2000);
		default: return kRegs[below(sizeof(kRegs) / sizeof(kRegs[0]))];
		}
	}
	unsigned pick_size()
	{
		unsigned k = below(16);
		return k == 0 ? 2 : k == 1 ? 16 : k < 8 ? 4 : 8;
	}

	uint64_t value_for(uint32_t off)
	{
		uint64_t v = rnd();
		switch (off & ~7u) {
		case VTD_REG_GCMD & ~7u:
			v = (v & ~0xFFFFFFFFull) | (below(2) ? VTD_GCMD_TE : 0) |
			    (below(3) == 0 ? VTD_GCMD_SRTP : 0) | (below(4) ? VTD_GCMD_QIE : 0) |
			    (below(4) == 0 ? (rnd() & 0x3BFFFFFF) : 0);
			break;
		case VTD_REG_IQT:
			v = (below(8) == 0 ? rnd() : (uint64_t)below(512) << 4) | (rnd() << 32);
			break;
		case VTD_REG_IQA: {
			static const uint64_t bases[] = {0x100000, 0x101000, 0x300000};
			v = bases[below(3)] | (below(2) ? VTD_IQA_DW : 0) | below(2) |
			    (below(4) == 0 ? (rnd() & 0x7F8) : 0);
			break;
		}
		default:
			if (below(2))
				v &= 0x80000000800000F1ull; // the interesting bits: F, IM, W1C bits
			break;
		}
		return v;
	}

	void access()
	{
		uint32_t off = pick_offset();
		unsigned size = pick_size();
		if (below(2)) {
			h.read_check(off, size);
			reads++;
			return;
		}
		uint64_t v = value_for(off);
		if (off == VTD_REG_GCMD && (v & VTD_GCMD_SRTP) && (size == 4 || size == 8) &&
		    off % size == 0)
			exp_root = iommu_reg_read(h.mmu, VTD_REG_RTADDR, 8);
		h.write(off, size, v);
		writes++;
	}

	void fault()
	{
		qi::Harness::Fault f;
		f.on = true;
		f.fpd = below(8) == 0;
		f.f.sid = (uint16_t)rnd();
		f.f.pasid_present = below(2);
		f.f.pasid = (uint32_t)rnd() & 0xFFFFF;
		f.f.addr = rnd();
		f.f.reason = (unsigned)rnd() & 0xFF;
		f.f.is_read = below(2);
		f.f.page_req = below(4) == 0;
		f.f.priv = below(2);
		f.f.exec = below(2);
		// One in four in the cycle of a service write: a clear of the
		// record the fault finds pending (or is written to) or of PFO.
		qi::Harness::Access a;
		if (below(4) == 0) {
			a = service_write();
			writes++;
		}
		h.cycle(a, f);
		h.cycle(); // the model records it now
		TB_CHECK(h.tb, h.r_flt == h.m_flt,
			 "fault %" PRIu64 ": RTL outcome %u, model %u (1 recorded, 2 FPD, 3 lost)",
			 faults, h.r_flt, h.m_flt);
		faults++;
		recorded += h.m_flt == 1;
		fpd += h.m_flt == 2;
		lost += h.m_flt == 3;
	}

	// Software servicing faults: clear F of a record (as a 4- or 8-byte
	// write), or PFO.
	qi::Harness::Access service_write()
	{
		qi::Harness::Access a;
		unsigned r = below(h.cfg.nfr + 1);
		a.on = a.we = true;
		if (below(4) == 0) {
			a.off = VTD_REG_FSTS;
			a.val = VTD_FSTS_PFO;
		} else if (below(2)) {
			a.off = 0x40C + 16 * r;
			a.val = 1u << 31;
		} else {
			a.off = 0x408 + 16 * r;
			a.size = 8;
			a.val = 1ull << 63 | (rnd() & 0x7FFFFFFFFFFFFFFFull);
		}
		return a;
	}
	void service()
	{
		h.cycle(service_write());
		writes++;
	}

	void outputs()
	{
		h.tb.settle();
		auto *t = h.tb.top.get();
		uint32_t gsts = (uint32_t)iommu_reg_read(h.mmu, VTD_REG_GSTS, 4);
		uint32_t fsts = (uint32_t)iommu_reg_read(h.mmu, VTD_REG_FSTS, 4);
		uint32_t fectl = (uint32_t)iommu_reg_read(h.mmu, VTD_REG_FECTL, 4);
		uint32_t iectl = (uint32_t)iommu_reg_read(h.mmu, VTD_REG_IECTL, 4);
		TB_CHECK(h.tb, t->te_o == !!(gsts & VTD_GSTS_TES), "te_o %d, GSTS 0x%08x", t->te_o,
			 gsts);
		if (gsts & VTD_GSTS_RTPS)
			TB_CHECK(h.tb, t->rtaddr_o == exp_root,
				 "rtaddr_o 0x%" PRIx64 ", expected 0x%" PRIx64,
				 (uint64_t)t->rtaddr_o, exp_root);
		bool firq = (fsts & VTD_FSTS_PPF) && !(fectl & VTD_FECTL_IM);
		bool iirq = (iectl & VTD_IECTL_IP) && !(iectl & VTD_IECTL_IM);
		TB_CHECK(h.tb, t->fault_irq_o == firq && t->inv_irq_o == iirq,
			 "interrupts: RTL fault %d inv %d, expected %d %d", t->fault_irq_o,
			 t->inv_irq_o, firq, iirq);
	}

	void sweep()
	{
		for (uint32_t off : kRegs)
			h.read_check(off, 4, "sweep: ");
		for (uint32_t off = 0; off < 0x100; off += 8)
			h.read_check(off, 8, "sweep: ");
		for (unsigned i = 0; i <= h.cfg.nfr; i++) {
			h.read_check(0x400 + 16 * i, 8, "sweep: ");
			h.read_check(0x408 + 16 * i, 8, "sweep: ");
		}
	}

	void run(uint64_t ops)
	{
		sweep(); // reset values
		for (uint64_t i = 0; i < ops; i++) {
			unsigned k = below(20);
			if (k < 6)
				fault();
			else if (k < 8)
				service();
			else
				access();
			if (h.busy())
				h.drain();
			h.cycle(); // the model takes the last write
			outputs();
			if (i % 200 == 199)
				sweep();
		}
		sweep();
	}
};

} // namespace

int main(int argc, char **argv)
{
	uint64_t ops = 20000;
	for (int i = 1; i < argc; i++) {
		std::string a = argv[i];
		if (a.rfind("+seed=", 0) == 0)
			rng = strtoull(a.c_str() + 6, nullptr, 0);
		else if (a.rfind("+ops=", 0) == 0)
			ops = strtoull(a.c_str() + 5, nullptr, 0);
	}
	if (!rng)
		rng = 1;
	RegsTest t(argc, argv);
	t.run(ops);
	printf("%s: %" PRIu64 " reads, %" PRIu64 " writes, %" PRIu64 " faults (%" PRIu64
	       " recorded, %" PRIu64 " FPD, %" PRIu64 " lost), %" PRIu64
	       " cycles: RTL and model agree\n",
	       TB_NAME, t.reads, t.writes, t.faults, t.recorded, t.fpd, t.lost, t.h.tb.cycle);
	return 0;
}
