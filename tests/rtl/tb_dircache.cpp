// Block test of rtl/iommu_ctx_cache.sv (default) or, built with
// TB_PASID_CACHE, rtl/iommu_pasid_cache.sv: directed checks of the
// invalidation granularities, then a seeded random sequence of fills,
// lookups and invalidations in lock-step with the model's cache
// (dircache_model.c), comparing hit, way and entry of every lookup, way and
// eviction of every fill, and the lines each invalidation drops.
// Options: +seed=N (default 1), +ops=N (default 10000), +trace.
#include <cinttypes>
#include <cstring>
#include <vector>

#include "tb_common.h"
#include VTOP_HEADER

#include "dircache_model.h"

namespace
{

#ifdef TB_PASID_CACHE
constexpr unsigned kWords = 8;
#else
constexpr unsigned kWords = 4;
#endif
constexpr unsigned kSets = RTL_PARAM_Sets, kWays = RTL_PARAM_Ways, kRepl = RTL_PARAM_Repl;

uint64_t rng_state;
uint64_t rnd()
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return rng_state;
}
unsigned rnd_below(unsigned n)
{
	return (unsigned)(rnd() % n);
}

template <std::size_t N> void put_words(VlWide<N> &sig, const uint64_t *qw)
{
	for (unsigned i = 0; i < 2 * kWords; i++)
		sig[i] = (uint32_t)(qw[i / 2] >> (32 * (i % 2)));
}
template <std::size_t N> bool same_words(const VlWide<N> &sig, const uint64_t *qw)
{
	for (unsigned i = 0; i < 2 * kWords; i++) {
		if (sig[i] != (uint32_t)(qw[i / 2] >> (32 * (i % 2))))
			return false;
	}
	return true;
}

struct DirTb {
	Tb<VTOP> tb;
	dircache_model *m = nullptr;
	unsigned lookups = 0, hits = 0, fills = 0, evictions = 0, dropped = 0;

	DirTb(int argc, char **argv) : tb(argc, argv)
	{
		restart();
	}
	~DirTb()
	{
		dircache_model_destroy(m);
	}
	void restart()
	{
		dircache_model_destroy(m);
		m = dircache_model_create(kSets, kWays, kRepl);
		if (!m)
			tb_fail(0, "model: cannot create the caches");
		idle();
		tb.reset();
	}
	void idle()
	{
		tb.top->lk_valid_i = 0;
		tb.top->fill_valid_i = 0;
		tb.top->inv_valid_i = 0;
	}

	void fill(uint16_t sid, uint32_t pasid, const uint64_t *qw, bool fpd)
	{
		auto *t = tb.top.get();
		bool mev = false;
		int mway;
		idle();
		t->fill_valid_i = 1;
		t->fill_sid_i = sid;
		put_words(t->fill_entry_i, qw);
#ifdef TB_PASID_CACHE
		t->fill_pasid_i = pasid;
		t->fill_pde_fpd_i = fpd;
		mway = dircache_pasid_fill(m, sid, pasid, qw, fpd, &mev);
#else
		(void)pasid;
		(void)fpd;
		mway = dircache_ctx_fill(m, sid, qw, &mev);
#endif
		tb.settle();
		if (kWays)
			TB_CHECK(tb, (int)t->fill_way_o == mway && t->fill_evict_o == mev,
				 "fill sid %#x pasid %#x: way %u evict %u, model way %d evict %u", sid,
				 pasid, (unsigned)t->fill_way_o, (unsigned)t->fill_evict_o, mway, mev);
		fills++;
		evictions += mev;
		tb.tick();
	}

	bool lookup(uint16_t sid, uint32_t pasid)
	{
		auto *t = tb.top.get();
		uint64_t qw[8] = {};
		bool fpd = false;
		int mway;
		idle();
		t->lk_valid_i = 1;
		t->lk_sid_i = sid;
#ifdef TB_PASID_CACHE
		t->lk_pasid_i = pasid;
		mway = dircache_pasid_lookup(m, sid, pasid, qw, &fpd);
#else
		(void)fpd;
		mway = dircache_ctx_lookup(m, sid, qw);
#endif
		tb.tick();
		tb.settle();
		bool hit = mway >= 0;
		lookups++;
		hits += hit;
		TB_CHECK(tb, t->lk_rsp_valid_o && t->lk_hit_o == hit,
			 "lookup sid %#x pasid %#x: hit %u, model %u", sid, pasid,
			 (unsigned)t->lk_hit_o, hit);
		if (hit) {
			bool ok = (int)t->lk_way_o == mway && same_words(t->lk_entry_o, qw);
#ifdef TB_PASID_CACHE
			ok = ok && t->lk_pde_fpd_o == fpd;
#endif
			TB_CHECK(tb, ok, "lookup sid %#x pasid %#x: way %u, model way %d, entry %s",
				 sid, pasid, (unsigned)t->lk_way_o, mway,
				 same_words(t->lk_entry_o, qw) ? "equal" : "differs");
		}
		return hit;
	}

	// gran, a (ctx: sid; PASID cache: did), b (ctx: fm; PASID cache: pasid)
	unsigned invalidate(unsigned gran, uint32_t a, uint32_t b)
	{
		auto *t = tb.top.get();
		idle();
		t->inv_valid_i = 1;
		t->inv_gran_i = gran;
#ifdef TB_PASID_CACHE
		t->inv_did_i = a;
		t->inv_pasid_i = b;
		unsigned n = dircache_pasid_invalidate(m, gran, (uint16_t)a, b);
#else
		t->inv_sid_i = a;
		t->inv_fm_i = b;
		unsigned n = dircache_ctx_invalidate(m, gran, (uint16_t)a, b);
#endif
		tb.settle();
		TB_CHECK(tb, t->inv_ready_o, "invalidation not accepted while idle");
		tb.tick();
		idle();
		unsigned got = ~0u;
		for (unsigned c = 0; c < kSets; c++) {
			tb.settle();
			TB_CHECK(tb, t->busy_o && t->inv_done_o == (c == kSets - 1),
				 "scan cycle %u of %u: busy %u done %u", c, kSets,
				 (unsigned)t->busy_o, (unsigned)t->inv_done_o);
			if (t->inv_done_o)
				got = t->inv_count_o;
			tb.tick();
		}
		TB_CHECK(tb, got == n, "invalidation gran %u %#x %#x: dropped %u, model %u", gran, a,
			 b, got, n);
		dropped += n;
		return n;
	}
};

void entry(uint64_t *qw, uint16_t did)
{
	for (unsigned i = 0; i < kWords; i++)
		qw[i] = rnd();
	if (kWords == 8)
		qw[1] = (qw[1] & ~0xFFFFull) | did; // PASID entry: DID in qword 1 bits 15:0
}

} // namespace

int main(int argc, char **argv)
{
	DirTb t(argc, argv);
	std::string a = t.tb.ctx->commandArgsPlusMatch("seed=");
	rng_state = (a.empty() ? 1 : strtoull(a.c_str() + 6, nullptr, 0)) * 0x9E3779B97F4A7C15ull + 1;
	a = t.tb.ctx->commandArgsPlusMatch("ops=");
	unsigned ops = a.empty() ? 10000 : (unsigned)strtoul(a.c_str() + 5, nullptr, 0);
	uint64_t qw[8];

	// Directed, expectations from the VT-d rules.
#ifdef TB_PASID_CACHE
	entry(qw, 7);
	t.fill(0x10, 1, qw, true);
	entry(qw, 7);
	t.fill(0x10, 2, qw, false);
	entry(qw, 9);
	t.fill(0x11, 1, qw, false);
	TB_CHECK(t.tb, t.lookup(0x10, 1) && t.tb.top->lk_pde_fpd_o, "PASID entry with FPD: no hit");
	TB_CHECK(t.tb, !t.lookup(0x10, 3), "PASID 3 hit");
	TB_CHECK(t.tb, t.invalidate(1, 7, 2) == 1 && !t.lookup(0x10, 2) && t.lookup(0x10, 1),
		 "PASID-selective: DID 7 PASID 2 only");
	TB_CHECK(t.tb, t.invalidate(0, 7, 0) == 1 && !t.lookup(0x10, 1) && t.lookup(0x11, 1),
		 "domain-selective: DID 7 only");
	TB_CHECK(t.tb, t.invalidate(3, 0, 0) == 1 && !t.lookup(0x11, 1), "global: not all");
#else
	for (uint16_t fn = 0; fn < 8; fn++) {
		entry(qw, 0);
		t.fill((uint16_t)(0x0108 | fn), 0, qw, false); // bus 1, device 1, functions 0..7
	}
	TB_CHECK(t.tb, t.lookup(0x010D, 0) && !t.lookup(0x0110, 0), "context entries: hit/miss");
	if (kWays * kSets >= 8 && kWays >= 4) {
		TB_CHECK(t.tb, t.invalidate(3, 0x010D, 0) == 1 && !t.lookup(0x010D, 0) &&
				       t.lookup(0x0109, 0),
			 "device-selective: SID 01:01.5 only");
		TB_CHECK(t.tb, t.invalidate(3, 0x010A, 1) == 2 && !t.lookup(0x010E, 0),
			 "device-selective FM 1: functions 2 and 6");
		TB_CHECK(t.tb, t.invalidate(3, 0x0108, 3) == 5 && !t.lookup(0x0108, 0),
			 "device-selective FM 3: the five functions left");
	}
	t.invalidate(1, 0, 0);
#endif

	for (unsigned op = 0; op < ops; op++) {
		unsigned kind = rnd_below(100);
#ifdef TB_PASID_CACHE
		// 16 SIDs x mostly 4 PASIDs: about the lines of the cache.
		uint16_t sid = (uint16_t)(rnd_below(2) << 8 | rnd_below(8));
		uint32_t pasid = rnd_below(8) ? rnd_below(4) : (uint32_t)(rnd() & 0xFFFFF);
#else
		// 128 SIDs: twice the lines of the default cache.
		uint16_t sid = (uint16_t)(rnd_below(4) << 8 | rnd_below(4) << 3 | rnd_below(8));
		uint32_t pasid = 0;
#endif
		if (kind < 3) {
#ifdef TB_PASID_CACHE
			t.invalidate(rnd_below(4), 1 + rnd_below(3), pasid);
#else
			t.invalidate(1 + rnd_below(3), sid, rnd_below(4));
#endif
		} else if (kind < 50) {
			entry(qw, (uint16_t)(1 + rnd_below(3)));
			t.fill(sid, pasid, qw, rnd_below(2));
		} else {
			t.lookup(sid, pasid);
		}
	}
	printf("%s: %u x %u: %u lookups (%u hits), %u fills (%u evictions), %u lines "
	       "invalidated: RTL == model\n",
	       TB_NAME, kSets, kWays, t.lookups, t.hits, t.fills, t.evictions, t.dropped);
	if (kWays && (t.hits == 0 || t.evictions == 0 || t.dropped == 0))
		tb_fail(t.tb.cycle, "the sequence exercised too little (hits, evictions, drops)");
	return 0;
}
