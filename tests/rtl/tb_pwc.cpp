// Testbench of rtl/iommu_pwc.sv (one paging-structure cache family) in
// lock-step with the model's per-level caches (pwc_model.c): a seeded
// random stream of walk lookups (level 2 up to the walk's top level, the
// first hit), fills of the non-leaf entries a walk reads (one line per level
// in a cycle), and the IOTLB and PASID-based IOTLB invalidations with the
// selectors iommu_qi gives this family. Every lookup's hit, level and line
// are compared with the model's; a difference in replacement shows as a
// later hit or miss the model does not have. The first mismatch is printed,
// exit status 1.
//
// The family is the second level when TagBits = 16 (tag DID), else the first
// level (tag DID, PASID). Options: +seed=N (default 1), +ops=N (default
// 20000), +trace.
#include <cinttypes>
#include <cstdio>
#include <cstdlib>
#include <string>

#include VTOP_HEADER
#include "pwc_model.h"
#include "tb_common.h"

namespace
{

#ifdef RTL_PARAM_TagBits
const bool kSl = RTL_PARAM_TagBits == 16;
#else
const bool kSl = false;
#endif
#ifdef RTL_PARAM_Sets
const unsigned kSets = RTL_PARAM_Sets;
#else
const unsigned kSets = 8;
#endif
#ifdef RTL_PARAM_Ways
const unsigned kWays = RTL_PARAM_Ways;
#else
const unsigned kWays = 4;
#endif
#ifdef RTL_PARAM_Repl
const unsigned kRepl = RTL_PARAM_Repl;
#else
const unsigned kRepl = 0;
#endif
#ifdef RTL_PARAM_Seed
const uint64_t kSeed = RTL_PARAM_Seed;
#else
const uint64_t kSeed = 1;
#endif

uint64_t rnd(uint64_t &s)
{
	s ^= s << 13;
	s ^= s >> 7;
	s ^= s << 17;
	return s;
}

struct Bench {
	Tb<VTOP> tb;
	pwc_model *m;
	uint64_t s;
	unsigned n_hit = 0, n_miss = 0, n_fill = 0, n_inv = 0, hit_level[6] = {};

	Bench(int argc, char **argv, uint64_t seed)
	    : tb(argc, argv), s(seed * 0x9E3779B97F4A7C15ull + 7)
	{
		m = pwc_model_create(kSl, kSets, kWays, kRepl);
		idle();
		tb.reset();
	}
	~Bench()
	{
		pwc_model_destroy(m);
	}

	void idle()
	{
		VTOP *t = tb.top.get();
		t->lk_valid_i = 0;
		t->fill_valid_i = 0;
		t->inv_valid_i = 0;
	}

	uint16_t did()
	{
		return static_cast<uint16_t>(1 + rnd(s) % 3);
	}
	uint32_t pasid()
	{
		return kSl ? 0 : (rnd(s) % 2 ? 5 : 0x12345);
	}
	uint64_t tag(uint16_t d, uint32_t p)
	{
		return d | static_cast<uint64_t>(p) << 16;
	}
	// A few regions, so that lines share sets, upper levels and ranges.
	uint64_t va()
	{
		static const uint64_t base[] = {0x10000000ull, 0x40000000ull, 0x7F8000000000ull,
						0x100000000000000ull};
		return base[rnd(s) % 4] + ((rnd(s) % 64) << 21) + ((rnd(s) % 512) << 12) +
		       (rnd(s) & 0xFF8);
	}

	bool lookup()
	{
		VTOP *t = tb.top.get();
		uint16_t d = did();
		uint32_t p = pasid();
		uint64_t a = va();
		unsigned levels = 3 + rnd(s) % 3;
		pwc_model_entry e{};
		unsigned lv = pwc_model_lookup(m, tag(d, p), a, levels, &e);
		t->lk_valid_i = 1;
		t->lk_tag_i = tag(d, p);
		t->lk_va_i = a;
		t->lk_levels_i = levels;
		tb.settle();
		bool ok = t->lk_hit_o == (lv != 0) &&
			  (!lv || (t->lk_level_o == lv && t->lk_next_o == e.next &&
				   t->lk_perm_o == e.perm && t->lk_tperm_o == e.tperm));
		if (!ok) {
			std::printf(
				"MISMATCH lookup at cycle %" PRIu64 ": tag 0x%" PRIx64
				" va 0x%" PRIx64 " levels %u\n  model: level %u next 0x%" PRIx64
				" perm 0x%x tperm 0x%x\n  rtl:   hit %u level %u next 0x%" PRIx64
				" perm 0x%x tperm 0x%x\n",
				tb.cycle, tag(d, p), a, levels, lv, e.next, e.perm, e.tperm,
				t->lk_hit_o, t->lk_level_o, static_cast<uint64_t>(t->lk_next_o),
				t->lk_perm_o, t->lk_tperm_o);
			return false;
		}
		if (lv) {
			n_hit++;
			hit_level[lv]++;
		} else {
			n_miss++;
		}
		tb.tick();
		idle();
		return true;
	}

	void fill()
	{
		VTOP *t = tb.top.get();
		uint16_t d = did();
		uint32_t p = pasid();
		uint64_t a = va();
		unsigned start = 3 + rnd(s) % 3, leaf = 1 + rnd(s) % (start - 1);
		unsigned valid = 0;
		for (int i = 0; i < 8; i++)
			t->fill_next_i[i] = 0;
		t->fill_perm_i = 0;
		t->fill_tperm_i = 0;
		for (unsigned l = leaf + 1; l <= start; l++) {
			pwc_model_entry e{(rnd(s) & 0x3FFFFFFFF000ull),
					  static_cast<unsigned>(rnd(s) & 15),
					  static_cast<unsigned>(rnd(s) & 15)};
			pwc_model_fill(m, tag(d, p), a, l, &e);
			valid |= 1u << (l - 2);
			t->fill_next_i[2 * (l - 2)] = static_cast<uint32_t>(e.next);
			t->fill_next_i[2 * (l - 2) + 1] = static_cast<uint32_t>(e.next >> 32);
			t->fill_perm_i |= e.perm << (4 * (l - 2));
			t->fill_tperm_i |= e.tperm << (4 * (l - 2));
			n_fill++;
		}
		t->fill_valid_i = valid;
		t->fill_tag_i = tag(d, p);
		t->fill_va_i = a;
		tb.tick();
		idle();
	}

	// One invalidation descriptor, with the selectors iommu_qi gives this
	// family (docs/uarch.md section 5.1); waits while the caches scan.
	bool inv()
	{
		VTOP *t = tb.top.get();
		uint16_t d = did();
		uint32_t p = pasid();
		uint64_t a = va() & ~0xFFFull;
		unsigned am = rnd(s) % 4 == 0 ? 9 + rnd(s) % 10 : rnd(s) % 4;
		bool ih = rnd(s) % 4 == 0;
		bool piotlb = !kSl && rnd(s) % 2;
		unsigned gran = piotlb ? 2 + rnd(s) % 2 : 1 + rnd(s) % 3;
		bool target;
		for (unsigned g = 0; g < 200 && !t->inv_ready_o; g++)
			tb.tick(), tb.settle();
		if (!t->inv_ready_o) {
			std::printf("invalidation not ready after 200 cycles\n");
			return false;
		}
		a &= ~((1ull << (12 + am)) - 1);
		t->inv_tag_i = tag(d, p);
		t->inv_addr_i = a;
		t->inv_am_i = am;
		if (piotlb) {
			pwc_model_inv_piotlb(m, gran, d, p, a, am, ih);
			target = !(gran == 3 && ih);
			t->inv_by_did_i = 1;
			t->inv_by_pasid_i = 1;
			t->inv_by_range_i = gran == 3;
		} else {
			pwc_model_inv_iotlb(m, gran, d, a, am, ih);
			target = !kSl || !(gran == 3 && ih);
			t->inv_by_did_i = gran != 1;
			t->inv_by_pasid_i = 0;
			t->inv_by_range_i = kSl && gran == 3;
		}
		t->inv_valid_i = target;
		n_inv += target;
		tb.tick();
		idle();
		return true;
	}
};

} // namespace

int main(int argc, char **argv)
{
	Verilated::commandArgs(argc, argv);
	uint64_t seed = 1, ops = 20000;
	{
		VerilatedContext c;
		c.commandArgs(argc, argv);
		std::string a = c.commandArgsPlusMatch("seed=");
		if (!a.empty())
			seed = std::strtoull(a.c_str() + 6, nullptr, 0);
		a = c.commandArgsPlusMatch("ops=");
		if (!a.empty())
			ops = std::strtoull(a.c_str() + 5, nullptr, 0);
	}
	Bench b(argc, argv, seed);
	if (!b.m) {
		std::printf("tb_pwc: the model refused the geometry\n");
		return 1;
	}
	if (pwc_model_seed(b.m) != kSeed && kRepl == 2) {
		std::printf("tb_pwc: Seed %" PRIu64 ", the model's %" PRIu64 "\n", kSeed,
			    pwc_model_seed(b.m));
		return 1;
	}
	for (uint64_t i = 0; i < ops; i++) {
		unsigned k = rnd(b.s) % 100;
		bool ok = true;
		if (k < 55)
			ok = b.lookup();
		else if (k < 97)
			b.fill();
		else
			ok = b.inv();
		if (!ok)
			return 1;
	}
	std::printf("tb_pwc (%s family, %ux%u repl %u): %u lookups hit (level 2: %u, 3: %u, 4: "
		    "%u, 5: %u), %u missed, %u lines filled, %u invalidations, %u lines left\n",
		    kSl ? "second-level" : "first-level", kSets, kWays, kRepl, b.n_hit,
		    b.hit_level[2], b.hit_level[3], b.hit_level[4], b.hit_level[5], b.n_miss,
		    b.n_fill, b.n_inv, pwc_model_lines(b.m));
	bool exercised = b.n_hit && b.n_miss && b.n_inv && (kWays == 0 || b.hit_level[2]) &&
			 (kWays == 0 || b.hit_level[5]);
	if (kWays == 0)
		exercised = b.n_hit == 0 && b.n_miss;
	if (!exercised) {
		std::printf("tb_pwc: the stream did not exercise hits at every level, misses and "
			    "invalidations\n");
		return 1;
	}
	return 0;
}
