// Block test of rtl/iommu_ctx_cache.sv (default) or, built with
// TB_PASID_CACHE, rtl/iommu_pasid_cache.sv: directed checks of the
// invalidation granularities, then a seeded random sequence of fills,
// lookups and invalidations in lock-step with the model's cache
// (dircache_model.c), comparing hit, way and entry of every lookup, way and
// eviction of every fill, and the lines each invalidation drops.
// LkComb, LkPorts, InvFlash (when the test sets them): with LkComb = 1 the
// lookups are checked in their cycle and come before the cycle's fill in
// the model; with LkPorts = 2 a lookup on port 1 follows port 0's; with
// InvFlash = 1 an invalidation applies after its cycle's fill and the Sets
// busy cycles after it carry random lookups and fills.
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
#ifdef RTL_PARAM_LkComb
constexpr bool kComb = RTL_PARAM_LkComb != 0;
#else
constexpr bool kComb = false;
#endif
#ifdef RTL_PARAM_LkPorts
constexpr unsigned kPorts = RTL_PARAM_LkPorts;
#else
constexpr unsigned kPorts = 1;
#endif
#ifdef RTL_PARAM_InvFlash
constexpr bool kFlash = RTL_PARAM_InvFlash != 0;
#else
constexpr bool kFlash = false;
#endif

// One cycle's operations.
struct fill_op {
	uint16_t sid;
	uint32_t pasid;
	uint64_t qw[8];
	bool fpd;
};
struct lk_op {
	uint16_t sid;
	uint32_t pasid;
};
struct inv_op {
	unsigned gran;
	uint32_t a, b; // ctx: sid, fm; PASID cache: did, pasid
};

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
		tb.top->lk1_valid_i = 0;
	}

	// The model's lookup of port q's request, checked against the RTL's
	// port q response (now: combinational; else after the edge).
	struct mrsp {
		int way = -1;
		uint64_t qw[8] = {};
		bool fpd = false;
	};
	mrsp model_lookup(const lk_op &l)
	{
		mrsp r;
#ifdef TB_PASID_CACHE
		r.way = dircache_pasid_lookup(m, l.sid, l.pasid, r.qw, &r.fpd);
#else
		r.way = dircache_ctx_lookup(m, l.sid, r.qw);
#endif
		return r;
	}
	bool last_hit = false, last_fpd = false; // port 0's last response
	void check_rsp(unsigned q, const lk_op &l, const mrsp &r)
	{
		auto *t = tb.top.get();
		bool v = q ? t->lk1_rsp_valid_o : t->lk_rsp_valid_o;
		bool h = q ? t->lk1_hit_o : t->lk_hit_o;
		unsigned way = q ? t->lk1_way_o : t->lk_way_o;
		bool same = q ? same_words(t->lk1_entry_o, r.qw) : same_words(t->lk_entry_o, r.qw);
		bool hit = r.way >= 0;
		lookups++;
		hits += hit;
		TB_CHECK(tb, v && h == hit,
			 "port %u lookup sid %#x pasid %#x: valid %u hit %u, model %u", q, l.sid,
			 l.pasid, (unsigned)v, (unsigned)h, hit);
		bool fpd = false;
#ifdef TB_PASID_CACHE
		fpd = q ? t->lk1_pde_fpd_o : t->lk_pde_fpd_o;
#endif
		if (hit) {
			bool ok = (int)way == r.way && same;
#ifdef TB_PASID_CACHE
			ok = ok && fpd == r.fpd;
#endif
			TB_CHECK(tb, ok,
				 "port %u lookup sid %#x pasid %#x: way %u, model way %d, entry %s",
				 q, l.sid, l.pasid, way, r.way, same ? "equal" : "differs");
		}
		if (q == 0) {
			last_hit = h;
			last_fpd = fpd;
		}
	}
	void check_fill(const fill_op &f)
	{
		auto *t = tb.top.get();
		bool mev = false;
		int mway;
#ifdef TB_PASID_CACHE
		mway = dircache_pasid_fill(m, f.sid, f.pasid, f.qw, f.fpd, &mev);
#else
		mway = dircache_ctx_fill(m, f.sid, f.qw, &mev);
#endif
		if (kWays)
			TB_CHECK(tb, (int)t->fill_way_o == mway && t->fill_evict_o == mev,
				 "fill sid %#x pasid %#x: way %u evict %u, model way %d evict %u",
				 f.sid, f.pasid, (unsigned)t->fill_way_o, (unsigned)t->fill_evict_o,
				 mway, mev);
		fills++;
		evictions += mev;
	}

	// One cycle: an optional fill, lookups on port 0 and port 1, and
	// (InvFlash = 1) an invalidation. LkComb = 0: the fill first, the
	// lookups checked a cycle later; LkComb = 1: the lookups (port 0 then
	// 1) checked now, then the fill; then the invalidation. busy: the
	// cycle's index among a flash invalidation's busy cycles (-1: none).
	unsigned pending = 0; // the lines the flash invalidation in flight dropped
	void cycle(const fill_op *f, const lk_op *l0, const lk_op *l1 = nullptr,
		   const inv_op *inv = nullptr, int busy = -1)
	{
		auto *t = tb.top.get();
		idle();
		if (f) {
			t->fill_valid_i = 1;
			t->fill_sid_i = f->sid;
			put_words(t->fill_entry_i, f->qw);
#ifdef TB_PASID_CACHE
			t->fill_pasid_i = f->pasid;
			t->fill_pde_fpd_i = f->fpd;
#endif
		}
		if (l0) {
			t->lk_valid_i = 1;
			t->lk_sid_i = l0->sid;
#ifdef TB_PASID_CACHE
			t->lk_pasid_i = l0->pasid;
#endif
		}
		if (kPorts < 2)
			l1 = nullptr;
		if (l1) {
			t->lk1_valid_i = 1;
			t->lk1_sid_i = l1->sid;
#ifdef TB_PASID_CACHE
			t->lk1_pasid_i = l1->pasid;
#endif
		}
		if (inv) {
			t->inv_valid_i = 1;
			t->inv_gran_i = inv->gran;
#ifdef TB_PASID_CACHE
			t->inv_did_i = inv->a;
			t->inv_pasid_i = inv->b;
#else
			t->inv_sid_i = inv->a;
			t->inv_fm_i = inv->b;
#endif
		}
		tb.settle();
		TB_CHECK(tb, t->lk_ready_o && t->fill_ready_o && (kPorts == 1 || t->lk1_ready_o),
			 "cache not ready%s", busy >= 0 ? " during a flash invalidation" : "");
		TB_CHECK(tb, (bool)t->busy_o == (busy >= 0), "busy %u, expected %u",
			 (unsigned)t->busy_o, busy >= 0);
		if (busy >= 0) {
			TB_CHECK(tb, !t->inv_ready_o && t->inv_done_o == (busy == (int)kSets - 1),
				 "busy cycle %d of %u: ready %u done %u", busy, kSets,
				 (unsigned)t->inv_ready_o, (unsigned)t->inv_done_o);
			if (t->inv_done_o)
				TB_CHECK(tb, t->inv_count_o == pending,
					 "flash invalidation dropped %u, model %u",
					 (unsigned)t->inv_count_o, pending);
		}
		if (inv)
			TB_CHECK(tb, t->inv_ready_o, "invalidation not accepted while idle");
		const lk_op *lr[2] = {l0, l1};
		mrsp r[2];
		if (!kComb && f)
			check_fill(*f);
		for (unsigned q = 0; q < 2; q++) {
			if (lr[q])
				r[q] = model_lookup(*lr[q]);
			if (kComb && lr[q])
				check_rsp(q, *lr[q], r[q]);
		}
		if (kComb && f)
			check_fill(*f);
		if (inv) {
#ifdef TB_PASID_CACHE
			pending = dircache_pasid_invalidate(m, inv->gran, (uint16_t)inv->a, inv->b);
#else
			pending = dircache_ctx_invalidate(m, inv->gran, (uint16_t)inv->a, inv->b);
#endif
			dropped += pending;
		}
		tb.tick();
		if (kComb)
			return;
		tb.settle();
		for (unsigned q = 0; q < 2; q++) {
			if (lr[q])
				check_rsp(q, *lr[q], r[q]);
		}
	}

	void fill(uint16_t sid, uint32_t pasid, const uint64_t *qw, bool fpd)
	{
		fill_op f = {sid, pasid, {}, fpd};
		memcpy(f.qw, qw, sizeof(f.qw[0]) * kWords);
		cycle(&f, nullptr);
	}

	bool lookup(uint16_t sid, uint32_t pasid)
	{
		lk_op l = {sid, pasid};
		cycle(nullptr, &l);
		return last_hit;
	}

	// gran, a (ctx: sid; PASID cache: did), b (ctx: fm; PASID cache: pasid)
	unsigned invalidate(unsigned gran, uint32_t a, uint32_t b)
	{
		auto *t = tb.top.get();
		inv_op v = {gran, a, b};
		if (kFlash) {
			// Dropped at the edge; busy_o for Sets idle cycles after.
			cycle(nullptr, nullptr, nullptr, &v);
			unsigned n = pending;
			for (unsigned c = 0; c < kSets; c++)
				cycle(nullptr, nullptr, nullptr, nullptr, (int)c);
			return n;
		}
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
		TB_CHECK(tb, got == n, "invalidation gran %u %#x %#x: dropped %u, model %u", gran,
			 a, b, got, n);
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
	rng_state =
		(a.empty() ? 1 : strtoull(a.c_str() + 6, nullptr, 0)) * 0x9E3779B97F4A7C15ull + 1;
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
	TB_CHECK(t.tb, t.lookup(0x10, 1) && t.last_fpd, "PASID entry with FPD: no hit");
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
		TB_CHECK(t.tb,
			 t.invalidate(3, 0x010D, 0) == 1 && !t.lookup(0x010D, 0) &&
				 t.lookup(0x0109, 0),
			 "device-selective: SID 01:01.5 only");
		TB_CHECK(t.tb, t.invalidate(3, 0x010A, 1) == 2 && !t.lookup(0x010E, 0),
			 "device-selective FM 1: functions 2 and 6");
		TB_CHECK(t.tb, t.invalidate(3, 0x0108, 3) == 5 && !t.lookup(0x0108, 0),
			 "device-selective FM 3: the five functions left");
	}
	t.invalidate(1, 0, 0);
#endif

	auto random_lk = []() {
		lk_op l;
#ifdef TB_PASID_CACHE
		// 16 SIDs x mostly 4 PASIDs: about the lines of the cache.
		l.sid = (uint16_t)(rnd_below(2) << 8 | rnd_below(8));
		l.pasid = rnd_below(8) ? rnd_below(4) : (uint32_t)(rnd() & 0xFFFFF);
#else
		// 128 SIDs: twice the lines of the default cache.
		l.sid = (uint16_t)(rnd_below(4) << 8 | rnd_below(4) << 3 | rnd_below(8));
		l.pasid = 0;
#endif
		return l;
	};
	// One random cycle: a fill, lookups (port 1 often port 0's key or the
	// fill's), or both; inv and busy as DirTb::cycle takes them.
	auto random_cycle = [&](const inv_op *inv, int busy) {
		unsigned kind = rnd_below(100);
		lk_op l0 = random_lk(), l1 = random_lk(), fk = random_lk();
		bool do_fill = kind < 50 || kind >= 85, do_lk = kind >= 50;
		bool do_l1 = kPorts > 1 && rnd_below(4) != 0;
		if (do_lk && rnd_below(8) == 0)
			fk = l0; // a fill of the key looked up in its cycle
		if (do_l1 && rnd_below(3) == 0)
			l1 = rnd_below(2) ? l0 : fk;
		fill_op f = {fk.sid, fk.pasid, {}, rnd_below(2) != 0};
		entry(f.qw, (uint16_t)(1 + rnd_below(3)));
		t.cycle(do_fill ? &f : nullptr, do_lk ? &l0 : nullptr, do_l1 ? &l1 : nullptr, inv,
			busy);
	};
	for (unsigned op = 0; op < ops; op++) {
		if (rnd_below(100) < 3) {
			lk_op k = random_lk();
#ifdef TB_PASID_CACHE
			inv_op v = {rnd_below(4), 1 + rnd_below(3), k.pasid};
#else
			inv_op v = {1 + rnd_below(3), k.sid, rnd_below(4)};
#endif
			if (!kFlash) {
				t.invalidate(v.gran, v.a, v.b);
				continue;
			}
			random_cycle(&v, -1);
			for (unsigned b = 0; b < kSets; b++)
				random_cycle(nullptr, (int)b);
			continue;
		}
		random_cycle(nullptr, -1);
	}
	printf("%s: %u x %u: %u lookups (%u hits), %u fills (%u evictions), %u lines "
	       "invalidated: RTL == model\n",
	       TB_NAME, kSets, kWays, t.lookups, t.hits, t.fills, t.evictions, t.dropped);
	if (kWays && (t.hits == 0 || t.evictions == 0 || t.dropped == 0))
		tb_fail(t.tb.cycle, "the sequence exercised too little (hits, evictions, drops)");
	return 0;
}
