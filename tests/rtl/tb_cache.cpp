// Block test of rtl/iommu_cache.sv against the model's cache engine
// (model/src/cache.c) in lock-step: a seeded random sequence of lookups
// (several probes each), fills (alone or with a lookup in the same cycle,
// the fill first), and invalidations under masks; on every operation the
// hit/miss, the probe and way that hit, the data returned, the way each fill
// writes, whether it evicted, and the lines each invalidation drops must be
// the model's. Then directed checks of the replacement order.
//
// The key layout used here (KeyW = 40, TagW = 48): page number [26:0] at
// 4 KiB granularity, level [28:27] (1..3; a level-L line covers 2^(9(L-1))
// pages), an id [39:29], and 8 attribute bits [47:40] that only
// invalidations see (kept in the model's payload). Geometry and policy come
// from the parameters the test was verilated with (RTL_PARAM_*).
//
// Lookup timing, ports and invalidation from the parameters too: with
// LkComb = 1 the response is checked in the lookup's cycle, and a lookup
// and a fill of one cycle are the model's lookup then its fill (the lookup
// sees the old contents, the fill chooses after the lookup's touch); with
// LkPorts = 2 most cycles carry two lookups, checked against two successive
// model lookups (port 0 first); with InvFlash = 1 an invalidation applies to
// the contents after its cycle's fill, and the Sets busy cycles after it
// carry random lookups and fills (not blocked).
//
// Options: +seed=N (default 1), +ops=N (default 20000), +trace.
#include <cinttypes>
#include <cstring>
#include <vector>

#include "tb_common.h"
#include VTOP_HEADER

extern "C" {
#include "cache.h"
}

namespace
{

constexpr unsigned kSets = RTL_PARAM_Sets;
constexpr unsigned kWays = RTL_PARAM_Ways;
constexpr unsigned kRepl = RTL_PARAM_Repl;
constexpr unsigned kProbes = RTL_PARAM_Probes;
constexpr uint64_t kSeed = RTL_PARAM_Seed;
constexpr unsigned kKeyW = RTL_PARAM_KeyW;
constexpr unsigned kTagW = RTL_PARAM_TagW;
constexpr unsigned kDataW = RTL_PARAM_DataW;
static_assert(kKeyW == 40 && kTagW == 48 && kDataW == 32, "the key layout this test drives");
static_assert(RTL_PARAM_PageLsb == 0 && RTL_PARAM_PageW == 27 && RTL_PARAM_LvlLsb == 27 &&
		      RTL_PARAM_LvlW == 2,
	      "the page and level fields this test drives");
constexpr unsigned kSetW = kSets > 1 ? __builtin_ctz(kSets) : 1;
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
static_assert(kPorts == 1 || kPorts == 2, "LkPorts: 1 or 2");

constexpr uint64_t kPageMask = (1ull << 27) - 1;
constexpr uint64_t kKeyMask = (1ull << kKeyW) - 1;
constexpr uint64_t kTagMask = (1ull << kTagW) - 1;

struct payload {
	uint32_t data;
	uint8_t attr;
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

unsigned key_level(uint64_t key)
{
	return (unsigned)(key >> 27) & 3;
}
// The set a key lives in: its page number at its own level.
unsigned key_set(uint64_t key)
{
	return (unsigned)(((key & kPageMask) >> (9 * (key_level(key) - 1))) & (kSets - 1));
}
uint64_t make_key(unsigned id, unsigned level, uint64_t page)
{
	page &= kPageMask & ~((1ull << (9 * (level - 1))) - 1);
	return (uint64_t)id << 29 | (uint64_t)level << 27 | page;
}

// Invalidation selectors, as the RTL port takes them.
struct inv_sel {
	bool en[2];
	uint64_t tag[2], mask[2];
};

// The port's rule, written from its description: a line matches a selector
// when tag and value agree on every mask bit, the page bits below the
// line's level excepted.
bool model_match(const struct cache_key *k, const void *p, const void *arg)
{
	const inv_sel *s = static_cast<const inv_sel *>(arg);
	payload pl;
	memcpy(&pl, p, sizeof(pl));
	uint64_t tag = k->w[0] | (uint64_t)pl.attr << 40;
	unsigned lvl = key_level(tag);
	uint64_t ign = lvl ? (1ull << (9 * (lvl - 1))) - 1 : 0;
	for (int i = 0; i < 2; i++) {
		if (s->en[i] && (((tag ^ s->tag[i]) & s->mask[i] & ~ign & kTagMask) == 0))
			return true;
	}
	return false;
}

// Port access for narrow (integral) and wide (VlWide) signals.
template <class T> void put(T &sig, unsigned lsb, unsigned w, uint64_t v)
{
	uint64_t m = (w >= 64 ? ~0ull : (1ull << w) - 1) << lsb;
	sig = (T)(((uint64_t)sig & ~m) | ((v << lsb) & m));
}
template <std::size_t N> void put(VlWide<N> &sig, unsigned lsb, unsigned w, uint64_t v)
{
	for (unsigned i = 0; i < w; i++) {
		unsigned b = lsb + i;
		uint32_t bit = 1u << (b % 32);
		if ((v >> i) & 1)
			sig[b / 32] |= bit;
		else
			sig[b / 32] &= ~bit;
	}
}

class CacheTb
{
      public:
	Tb<VTOP> tb;
	struct cache model;
	unsigned lookups = 0, hits = 0, fills = 0, evictions = 0, invals = 0, dropped = 0;
	unsigned fill_way = 0; // the last fill's way and eviction, as the RTL said
	bool fill_evict = false;

	CacheTb(int argc, char **argv) : tb(argc, argv)
	{
		struct iommu_cache_geom g = {kSets, kWays, (enum iommu_repl)kRepl};
		if (cache_init(&model, &g, sizeof(payload), kSeed))
			tb_fail(0, "model: cache_init failed");
		idle();
		tb.reset();
	}
	~CacheTb()
	{
		cache_fini(&model);
	}
	void idle()
	{
		tb.top->lk_valid_i = 0;
		tb.top->fill_valid_i = 0;
		tb.top->inv_valid_i = 0;
		tb.top->lk1_valid_i = 0;
	}
	// The way of key in the model's set, or -1.
	int model_way(uint64_t key)
	{
		unsigned set = key_set(key);
		for (unsigned w = 0; w < kWays; w++) {
			size_t l = (size_t)set * kWays + w;
			if (model.valid[l] && model.keys[l].w[0] == key)
				return (int)w;
		}
		return -1;
	}

	// One lookup of the model: the first probe that hits (and its touch).
	struct mrsp {
		bool hit = false;
		unsigned probe = 0;
		int way = -1;
		uint32_t data = 0;
	};
	mrsp model_lookup(const std::vector<uint64_t> &probes)
	{
		mrsp r;
		for (unsigned p = 0; p < probes.size() && !r.hit; p++) {
			struct cache_key k = {{probes[p], 0, 0}};
			const void *d = cache_find(&model, key_set(probes[p]), &k);
			if (d) {
				payload pl;
				memcpy(&pl, d, sizeof(pl));
				r.hit = true;
				r.probe = p;
				r.way = model_way(probes[p]);
				r.data = pl.data;
			}
		}
		return r;
	}
	// A lookup response of port 0 or 1 against the model's.
	bool last_hit = false; // port 0's last response, as the RTL gave it
	uint32_t last_data = 0;
	void check_rsp(unsigned port, const std::vector<uint64_t> &probes, const mrsp &m)
	{
		auto *t = tb.top.get();
		bool v = port ? t->lk1_rsp_valid_o : t->lk_rsp_valid_o;
		bool hit = port ? t->lk1_hit_o : t->lk_hit_o;
		unsigned probe = port ? t->lk1_probe_o : t->lk_probe_o;
		unsigned way = port ? t->lk1_way_o : t->lk_way_o;
		uint32_t data = port ? t->lk1_data_o : t->lk_data_o;
		lookups++;
		hits += m.hit;
		if (port == 0) {
			last_hit = hit;
			last_data = data;
		}
		TB_CHECK(tb, v, "port %u: no lookup response %s", port,
			 kComb ? "in the lookup's cycle" : "the cycle after the request");
		TB_CHECK(tb, hit == m.hit, "port %u lookup %#" PRIx64 ": hit %u, model %u", port,
			 probes[0], (unsigned)hit, m.hit);
		if (m.hit) {
			TB_CHECK(tb, probe == m.probe && (int)way == m.way,
				 "port %u lookup hit: probe %u way %u, model probe %u way %d", port,
				 probe, way, m.probe, m.way);
			TB_CHECK(tb, data == m.data, "port %u lookup data %#x, model %#x", port,
				 data, m.data);
		} else {
			TB_CHECK(tb, data == 0, "port %u lookup miss: data %#x, expected 0", port,
				 data);
		}
	}
	void check_fill(uint64_t ftag, uint32_t fdata)
	{
		auto *t = tb.top.get();
		uint64_t key = ftag & kKeyMask;
		struct cache_key k = {{key, 0, 0}};
		payload pl = {fdata, (uint8_t)(ftag >> 40)};
		uint64_t ev = model.st.evictions;
		cache_fill(&model, key_set(key), &k, &pl);
		bool mevict = model.st.evictions != ev;
		int mway = model_way(key);
		fill_way = t->fill_way_o;
		fill_evict = t->fill_evict_o;
		if (kWays) {
			TB_CHECK(tb, (int)t->fill_way_o == mway,
				 "fill %#" PRIx64 ": way %u, model way %d", ftag,
				 (unsigned)t->fill_way_o, mway);
			TB_CHECK(tb, t->fill_evict_o == mevict,
				 "fill %#" PRIx64 ": evict %u, model %u", ftag,
				 (unsigned)t->fill_evict_o, mevict);
		}
		fills++;
		evictions += mevict;
	}
	void put_sel(const inv_sel &s)
	{
		auto *t = tb.top.get();
		t->inv_valid_i = 1;
		t->inv_en_i = (s.en[0] ? 1 : 0) | (s.en[1] ? 2 : 0);
		for (int i = 0; i < 2; i++) {
			put(t->inv_tag_i, i * kTagW, kTagW, s.tag[i]);
			put(t->inv_mask_i, i * kTagW, kTagW, s.mask[i]);
		}
	}

	// One cycle: an optional fill, optional lookups of the probe keys on
	// port 0 and port 1, and (InvFlash = 1) an optional invalidation.
	// LkComb = 0: the fill first, the lookups checked a cycle later;
	// LkComb = 1: the lookups (port 0, then 1) checked now, then the fill;
	// then the invalidation. busy: the cycle's index among the busy cycles
	// of a flash invalidation, checked with its count n (-1: not busy).
	unsigned pending = 0; // the lines the flash invalidation in flight dropped
	void cycle(bool do_fill, uint64_t ftag, uint32_t fdata, const std::vector<uint64_t> &probes,
		   const std::vector<uint64_t> &probes1 = {}, const inv_sel *inv = nullptr,
		   int busy = -1)
	{
		auto *t = tb.top.get();
		const std::vector<uint64_t> *pr[2] = {&probes, &probes1};
		idle();
		if (do_fill) {
			t->fill_valid_i = 1;
			t->fill_set_i = key_set(ftag & kKeyMask);
			t->fill_tag_i = ftag;
			t->fill_data_i = fdata;
		}
		for (unsigned q = 0; q < kPorts; q++) {
			if (pr[q]->empty())
				continue;
			if (q)
				t->lk1_valid_i = 1;
			else
				t->lk_valid_i = 1;
			for (unsigned p = 0; p < kProbes; p++) {
				if (q) {
					put(t->lk1_set_i, p * kSetW, kSetW, key_set((*pr[q])[p]));
					put(t->lk1_key_i, p * kKeyW, kKeyW, (*pr[q])[p]);
				} else {
					put(t->lk_set_i, p * kSetW, kSetW, key_set((*pr[q])[p]));
					put(t->lk_key_i, p * kKeyW, kKeyW, (*pr[q])[p]);
				}
			}
		}
		if (inv)
			put_sel(*inv);
		tb.settle();
		TB_CHECK(tb, t->lk_ready_o && t->fill_ready_o && (kPorts == 1 || t->lk1_ready_o),
			 "lookup or fill not ready%s",
			 busy >= 0 ? " during a flash invalidation" : "");
		TB_CHECK(tb, (bool)t->busy_o == (busy >= 0), "busy %u, expected %u",
			 (unsigned)t->busy_o, busy >= 0);
		if (busy >= 0) {
			TB_CHECK(tb, !t->inv_ready_o, "invalidation ready while busy");
			TB_CHECK(tb, t->inv_done_o == (busy == (int)kSets - 1),
				 "busy cycle %d of %u: done %u", busy, kSets,
				 (unsigned)t->inv_done_o);
			if (t->inv_done_o)
				TB_CHECK(tb, t->inv_count_o == pending,
					 "flash invalidation dropped %u, model %u",
					 (unsigned)t->inv_count_o, pending);
		}
		if (inv)
			TB_CHECK(tb, t->inv_ready_o, "invalidation not accepted while idle");
		mrsp m[2];
		if (kComb) {
			for (unsigned q = 0; q < kPorts; q++) {
				if (pr[q]->empty()) {
					bool v = q ? t->lk1_rsp_valid_o : t->lk_rsp_valid_o;
					TB_CHECK(tb, !v, "port %u: response with no lookup", q);
					continue;
				}
				m[q] = model_lookup(*pr[q]);
				check_rsp(q, *pr[q], m[q]);
			}
			if (do_fill)
				check_fill(ftag, fdata);
		} else {
			if (do_fill)
				check_fill(ftag, fdata);
			for (unsigned q = 0; q < kPorts; q++) {
				if (!pr[q]->empty())
					m[q] = model_lookup(*pr[q]);
			}
		}
		if (inv) {
			pending = cache_invalidate(&model, model_match, inv);
			invals++;
			dropped += pending;
		}
		tb.tick();
		if (kComb)
			return;
		for (unsigned q = 0; q < kPorts; q++) {
			if (pr[q]->empty())
				continue;
			tb.settle();
			check_rsp(q, *pr[q], m[q]);
		}
	}

	// An invalidation: accepted in one cycle, then busy for exactly one
	// cycle per set; the lines dropped are the model's.
	void invalidate(const inv_sel &s)
	{
		auto *t = tb.top.get();
		idle();
		put_sel(s);
		tb.settle();
		TB_CHECK(tb, t->inv_ready_o, "invalidation not accepted while idle");
		unsigned n = cache_invalidate(&model, model_match, &s);
		tb.tick();
		idle();
		for (unsigned c = 0; c < kSets; c++) {
			tb.settle();
			TB_CHECK(tb,
				 t->busy_o && !t->lk_ready_o && !t->fill_ready_o && !t->inv_ready_o,
				 "scan cycle %u of %u: busy %u", c, kSets, (unsigned)t->busy_o);
			TB_CHECK(tb, t->inv_done_o == (c == kSets - 1), "scan cycle %u: done %u", c,
				 (unsigned)t->inv_done_o);
			if (c == kSets - 1)
				TB_CHECK(tb, t->inv_count_o == n,
					 "invalidation dropped %u, model %u",
					 (unsigned)t->inv_count_o, n);
			tb.tick();
		}
		tb.settle();
		TB_CHECK(tb, !t->busy_o && t->lk_ready_o, "still busy after %u scan cycles", kSets);
		invals++;
		dropped += n;
	}

	// Every key of the pool: hit or miss and data as in the model.
	void sweep(const std::vector<uint64_t> &pool)
	{
		for (uint64_t k : pool) {
			std::vector<uint64_t> probes(kProbes, k);
			cycle(false, 0, 0, probes);
		}
	}
};

uint64_t random_key(const std::vector<uint64_t> &pool)
{
	if (!pool.empty() && rnd_below(8))
		return pool[rnd_below((unsigned)pool.size())];
	return make_key(rnd_below(4), 1 + rnd_below(3), rnd());
}

inv_sel random_sel(const std::vector<uint64_t> &pool)
{
	inv_sel s = {};
	unsigned nsel = 1 + rnd_below(2);
	for (unsigned i = 0; i < nsel; i++) {
		uint64_t k = random_key(pool) | (uint64_t)rnd_below(4) << 40;
		s.en[i] = true;
		s.tag[i] = k;
		switch (rnd_below(6)) {
		case 0: s.mask[i] = 0; break;              // everything
		case 1: s.mask[i] = 0x7FFull << 29; break; // by id
		case 2: s.mask[i] = 0x3ull << 40; break;   // by attribute
		case 3:
			s.mask[i] = 0x7FFull << 29 | 0x3ull << 40; // id and attribute
			break;
		case 4: { // id and an aligned page range of 2^am pages
			unsigned am = rnd_below(22);
			s.mask[i] = 0x7FFull << 29 | (kPageMask & ~((1ull << am) - 1));
			break;
		}
		default: s.mask[i] = kTagMask; break; // one exact tag
		}
	}
	return s;
}

// Directed: fill one set beyond its ways and check the victim order the
// policy implies, independently of the model.
void directed_replacement(CacheTb &c)
{
	if (kWays < 2 || kRepl == IOMMU_REPL_RANDOM)
		return;
	c.idle();
	c.tb.reset();
	cache_fini(&c.model);
	struct iommu_cache_geom g = {kSets, kWays, (enum iommu_repl)kRepl};
	cache_init(&c.model, &g, sizeof(payload), kSeed);
	auto key_in_set0 = [](unsigned i) { return make_key(1, 1, (uint64_t)i * kSets); };
	// Fill ways 0..W-1 in order: each fill takes the lowest free way.
	for (unsigned i = 0; i < kWays; i++) {
		c.cycle(true, key_in_set0(i), i, {});
		TB_CHECK(c.tb, c.fill_way == i && !c.fill_evict, "free-way fill %u went to way %u",
			 i, c.fill_way);
	}
	// Touch way 0 again; the next fill evicts, under LRU, way 1 (least
	// recently used), under tree-PLRU the leaf the tree bits lead to after
	// the touches 0..W-1, 0 (a separate tree walk below).
	std::vector<uint64_t> p(kProbes, key_in_set0(0));
	c.cycle(false, 0, 0, p);
	unsigned expect;
	if (kRepl == IOMMU_REPL_LRU) {
		expect = 1;
	} else {
		// Tree bits as the fills 0..W-1 and the touch of 0 leave them.
		std::vector<int> node(kWays, 0);
		auto touch = [&](unsigned w) {
			unsigned n = 1, lo = 0, span = kWays;
			while (span > 1) {
				span /= 2;
				if (w < lo + span) {
					node[n] = 1;
					n = 2 * n;
				} else {
					node[n] = 0;
					lo += span;
					n = 2 * n + 1;
				}
			}
		};
		for (unsigned i = 0; i < kWays; i++)
			touch(i);
		touch(0);
		unsigned n = 1, lo = 0, span = kWays;
		while (span > 1) {
			span /= 2;
			if (node[n]) {
				lo += span;
				n = 2 * n + 1;
			} else {
				n = 2 * n;
			}
		}
		expect = lo;
	}
	c.cycle(true, key_in_set0(kWays), 99, {});
	TB_CHECK(c.tb, c.fill_way == expect && c.fill_evict,
		 "replacement after touching way 0: way %u evict %u, expected way %u evict",
		 c.fill_way, c.fill_evict, expect);
	// A fill of a key already present updates it in place, no eviction.
	c.cycle(true, key_in_set0(kWays), 100, {});
	TB_CHECK(c.tb, c.fill_way == expect && !c.fill_evict, "refill in place: way %u evict %u",
		 c.fill_way, c.fill_evict);
	std::vector<uint64_t> q(kProbes, key_in_set0(kWays));
	c.cycle(false, 0, 0, q);
	TB_CHECK(c.tb, c.last_hit && c.last_data == 100,
		 "refilled line: hit %u data %u, expected 100", c.last_hit, c.last_data);
}

// Directed, LkComb = 1: a lookup in the cycle of the fill of its key misses
// (the fill is written at the edge), the next cycle's hits; with two ports,
// two hits in one set leave port 1's line the most recent (LRU: the next
// victim is neither).
void directed_comb(CacheTb &c)
{
	if (!kComb || kWays < 3)
		return;
	c.idle();
	c.tb.reset();
	cache_fini(&c.model);
	struct iommu_cache_geom g = {kSets, kWays, (enum iommu_repl)kRepl};
	cache_init(&c.model, &g, sizeof(payload), kSeed);
	auto key_in_set0 = [](unsigned i) { return make_key(2, 1, (uint64_t)i * kSets); };
	std::vector<uint64_t> p(kProbes, key_in_set0(0));
	c.cycle(true, key_in_set0(0), 7, p);
	TB_CHECK(c.tb, !c.last_hit, "lookup in the cycle of its fill hit (no bypass expected)");
	c.cycle(false, 0, 0, p);
	TB_CHECK(c.tb, c.last_hit && c.last_data == 7, "lookup after the fill: hit %u data %u",
		 c.last_hit, c.last_data);
	for (unsigned i = 1; i < kWays; i++)
		c.cycle(true, key_in_set0(i), i, {});
	if (kPorts < 2 || kRepl != IOMMU_REPL_LRU)
		return;
	// Ways 0..W-1 filled in order: way 0 is the LRU line, then way 1.
	// Port 0 hits way 1, port 1 way 0, and a fill of a new key in the same
	// cycle chooses after both touches: way 2.
	std::vector<uint64_t> p0(kProbes, key_in_set0(1)), p1(kProbes, key_in_set0(0));
	c.cycle(true, key_in_set0(kWays), 50, p0, p1);
	TB_CHECK(c.tb, c.fill_way == 2 && c.fill_evict,
		 "fill after two touches in its cycle: way %u evict %u, expected way 2", c.fill_way,
		 c.fill_evict);
}

} // namespace

int main(int argc, char **argv)
{
	CacheTb c(argc, argv);
	std::string a = c.tb.ctx->commandArgsPlusMatch("seed=");
	rng_state = a.empty() ? 1 : strtoull(a.c_str() + 6, nullptr, 0);
	rng_state = rng_state * 0x9E3779B97F4A7C15ull + 1;
	a = c.tb.ctx->commandArgsPlusMatch("ops=");
	unsigned ops = a.empty() ? 20000 : (unsigned)strtoul(a.c_str() + 5, nullptr, 0);

	// A pool of keys three times the lines, so that sets overflow and
	// invalidations find matches.
	std::vector<uint64_t> pool;
	for (unsigned i = 0; i < 3 * kSets * (kWays ? kWays : 1) + 4; i++)
		pool.push_back(make_key(rnd_below(4), 1 + rnd_below(3), rnd()));

	// One random cycle: a fill, lookups on the ports, or both.
	auto random_cycle = [&](const inv_sel *inv, int busy) {
		unsigned kind = rnd_below(100);
		std::vector<uint64_t> probes, probes1;
		bool fill = kind < 50 || kind >= 85;
		if (kind >= 50) {
			for (unsigned p = 0; p < kProbes; p++)
				probes.push_back(random_key(pool));
		}
		if (kPorts > 1 && rnd_below(4)) {
			// Port 1: often a key of port 0's set, or port 0's own key.
			for (unsigned p = 0; p < kProbes; p++) {
				uint64_t k = random_key(pool);
				if (!probes.empty() && rnd_below(3) == 0)
					k = probes[p];
				probes1.push_back(k);
			}
		}
		uint64_t ftag = random_key(pool) | (uint64_t)rnd_below(4) << 40;
		// Sometimes the fill's key is a key looked up in the same cycle.
		if (!probes.empty() && rnd_below(8) == 0)
			ftag = probes[0] | (uint64_t)rnd_below(4) << 40;
		c.cycle(fill, ftag, (uint32_t)rnd(), probes, probes1, inv, busy);
	};
	for (unsigned op = 0; op < ops; op++) {
		unsigned kind = rnd_below(100);
		if (kind < 2) {
			inv_sel s = random_sel(pool);
			if (!kFlash) {
				c.invalidate(s);
				continue;
			}
			// The transfer cycle, then Sets busy cycles, all with
			// random lookups and fills.
			random_cycle(&s, -1);
			for (unsigned b = 0; b < kSets; b++)
				random_cycle(nullptr, (int)b);
			continue;
		}
		random_cycle(nullptr, -1);
		if (rnd_below(16) == 0)
			c.cycle(false, 0, 0, {}); // an idle cycle
	}
	c.sweep(pool);
	directed_replacement(c);
	directed_comb(c);
	printf("%s: %u lookups (%u hits), %u fills (%u evictions), %u invalidations (%u lines): "
	       "RTL == model\n",
	       TB_NAME, c.lookups, c.hits, c.fills, c.evictions, c.invals, c.dropped);
	if (kWays && (c.hits == 0 || c.evictions == 0 || c.dropped == 0))
		tb_fail(c.tb.cycle, "the sequence exercised too little (hits, evictions, drops)");
	return 0;
}
