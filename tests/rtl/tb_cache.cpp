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

	// One cycle: an optional fill, then an optional lookup of the probe
	// keys; checks the fill now and the lookup response a cycle later.
	void cycle(bool do_fill, uint64_t ftag, uint32_t fdata, const std::vector<uint64_t> &probes)
	{
		auto *t = tb.top.get();
		idle();
		if (do_fill) {
			t->fill_valid_i = 1;
			t->fill_set_i = key_set(ftag & kKeyMask);
			t->fill_tag_i = ftag;
			t->fill_data_i = fdata;
		}
		if (!probes.empty()) {
			t->lk_valid_i = 1;
			for (unsigned p = 0; p < kProbes; p++) {
				put(t->lk_set_i, p * kSetW, kSetW, key_set(probes[p]));
				put(t->lk_key_i, p * kKeyW, kKeyW, probes[p]);
			}
		}
		tb.settle();
		TB_CHECK(tb, t->lk_ready_o && t->fill_ready_o, "cache busy with no invalidation");
		// Model: fill first, then the probes in order.
		int mway = -1;
		bool mevict = false;
		if (do_fill) {
			uint64_t key = ftag & kKeyMask;
			struct cache_key k = {{key, 0, 0}};
			payload pl = {fdata, (uint8_t)(ftag >> 40)};
			uint64_t ev = model.st.evictions;
			cache_fill(&model, key_set(key), &k, &pl);
			mevict = model.st.evictions != ev;
			mway = model_way(key);
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
		bool mhit = false;
		unsigned mprobe = 0;
		int mhway = -1;
		payload mdata = {0, 0};
		for (unsigned p = 0; p < probes.size() && !mhit; p++) {
			struct cache_key k = {{probes[p], 0, 0}};
			const void *d = cache_find(&model, key_set(probes[p]), &k);
			if (d) {
				mhit = true;
				mprobe = p;
				mhway = model_way(probes[p]);
				memcpy(&mdata, d, sizeof(mdata));
			}
		}
		tb.tick();
		if (probes.empty())
			return;
		tb.settle();
		lookups++;
		hits += mhit;
		TB_CHECK(tb, t->lk_rsp_valid_o, "no lookup response the cycle after the request");
		TB_CHECK(tb, t->lk_hit_o == mhit, "lookup %#" PRIx64 ": hit %u, model %u", probes[0],
			 (unsigned)t->lk_hit_o, mhit);
		if (mhit) {
			TB_CHECK(tb, t->lk_probe_o == mprobe && (int)t->lk_way_o == mhway,
				 "lookup hit: probe %u way %u, model probe %u way %d",
				 (unsigned)t->lk_probe_o, (unsigned)t->lk_way_o, mprobe, mhway);
			TB_CHECK(tb, t->lk_data_o == mdata.data, "lookup data %#x, model %#x",
				 (unsigned)t->lk_data_o, mdata.data);
		} else {
			TB_CHECK(tb, t->lk_data_o == 0, "lookup miss: data %#x, expected 0",
				 (unsigned)t->lk_data_o);
		}
	}

	// An invalidation: accepted in one cycle, then busy for exactly one
	// cycle per set; the lines dropped are the model's.
	void invalidate(const inv_sel &s)
	{
		auto *t = tb.top.get();
		idle();
		t->inv_valid_i = 1;
		t->inv_en_i = (s.en[0] ? 1 : 0) | (s.en[1] ? 2 : 0);
		for (int i = 0; i < 2; i++) {
			put(t->inv_tag_i, i * kTagW, kTagW, s.tag[i]);
			put(t->inv_mask_i, i * kTagW, kTagW, s.mask[i]);
		}
		tb.settle();
		TB_CHECK(tb, t->inv_ready_o, "invalidation not accepted while idle");
		unsigned n = cache_invalidate(&model, model_match, &s);
		tb.tick();
		idle();
		for (unsigned c = 0; c < kSets; c++) {
			tb.settle();
			TB_CHECK(tb, t->busy_o && !t->lk_ready_o && !t->fill_ready_o && !t->inv_ready_o,
				 "scan cycle %u of %u: busy %u", c, kSets, (unsigned)t->busy_o);
			TB_CHECK(tb, t->inv_done_o == (c == kSets - 1), "scan cycle %u: done %u", c,
				 (unsigned)t->inv_done_o);
			if (c == kSets - 1)
				TB_CHECK(tb, t->inv_count_o == n, "invalidation dropped %u, model %u",
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
		case 0: s.mask[i] = 0; break;                      // everything
		case 1: s.mask[i] = 0x7FFull << 29; break;         // by id
		case 2: s.mask[i] = 0x3ull << 40; break;           // by attribute
		case 3: s.mask[i] = 0x7FFull << 29 | 0x3ull << 40; // id and attribute
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
	TB_CHECK(c.tb, c.tb.top->lk_hit_o && c.tb.top->lk_data_o == 100,
		 "refilled line: hit %u data %u, expected 100", (unsigned)c.tb.top->lk_hit_o,
		 (unsigned)c.tb.top->lk_data_o);
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

	for (unsigned op = 0; op < ops; op++) {
		unsigned kind = rnd_below(100);
		std::vector<uint64_t> probes;
		if (kind < 2) {
			c.invalidate(random_sel(pool));
			continue;
		}
		bool fill = kind < 50 || kind >= 85;
		if (kind >= 50) {
			for (unsigned p = 0; p < kProbes; p++)
				probes.push_back(random_key(pool));
		}
		uint64_t ftag = random_key(pool) | (uint64_t)rnd_below(4) << 40;
		c.cycle(fill, ftag, (uint32_t)rnd(), probes);
		if (rnd_below(16) == 0)
			c.cycle(false, 0, 0, {}); // an idle cycle
	}
	c.sweep(pool);
	directed_replacement(c);
	printf("%s: %u lookups (%u hits), %u fills (%u evictions), %u invalidations (%u lines): "
	       "RTL == model\n",
	       TB_NAME, c.lookups, c.hits, c.fills, c.evictions, c.invals, c.dropped);
	if (kWays && (c.hits == 0 || c.evictions == 0 || c.dropped == 0))
		tb_fail(c.tb.cycle, "the sequence exercised too little (hits, evictions, drops)");
	return 0;
}
