// Block test of rtl/iommu_iotlb.sv: directed checks (hit, miss, page sizes,
// replacement, invalidation by each tag: global, DID, DID + page range,
// DID + PASID non-global, DID + PASID + page range), then a seeded random
// sequence run in lock-step with the model's IOTLB (vtd_iotlb_fill/lookup,
// vtd_inv_iotlb/piotlb through iotlb_model.c), comparing every lookup
// (hit, way, level, entry), every fill's way and eviction, and the lines each
// invalidation drops.
//
// Geometry: RTL_PARAM_Sets/Ways/Repl when the test sets them, else the
// model's defaults (iommu_config_default()), which the RTL takes from
// iommu_params_pkg: the default variant also checks that they agree.
// LkComb, LkPorts, InvFlash (when the test sets them): with LkComb = 1 the
// lookups are checked in their cycle and come before the cycle's fill in
// the model; with LkPorts = 2 a second lookup on port 1 follows port 0's in
// the model; with InvFlash = 1 an invalidation applies after its cycle's
// fill and the Sets busy cycles carry random lookups and fills.
// FillCheck (when the test sets it): fills of one key carry one result but
// for D, and a refill with another result must fail the assertion.
// Options: +seed=N (default 1), +ops=N (default 20000), +trace,
// +refill=differ (FillCheck only).
#include <cinttypes>
#include <cstring>
#include <vector>

#include "tb_common.h"
#include VTOP_HEADER

#include "iotlb_model.h"
extern "C" {
#include "iommu/iommu.h"
}

namespace
{

unsigned g_sets, g_ways, g_repl;
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
#ifdef RTL_PARAM_FillCheck
constexpr bool kFillCheck = RTL_PARAM_FillCheck != 0;
#else
constexpr bool kFillCheck = false;
#endif
constexpr unsigned kHaw = 46, kMgaw = 57; // the default configuration's widths

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

struct req {
	uint16_t did;
	uint32_t pasid;
	uint64_t addr;
};

struct inv_req {
	unsigned kind;
	uint16_t did;
	uint32_t pasid;
	uint64_t addr;
	unsigned am;
};

class IotlbTb
{
      public:
	Tb<VTOP> tb;
	iotlb_model *model = nullptr;
	unsigned lookups = 0, hits = 0, fills = 0, evictions = 0, invals = 0, dropped = 0;
	// What the RTL said for the last fill and lookup.
	unsigned fill_way = 0;
	bool fill_evict = false;

	IotlbTb(int argc, char **argv) : tb(argc, argv)
	{
		idle();
		restart();
	}
	~IotlbTb()
	{
		iotlb_model_destroy(model);
	}
	void restart()
	{
		iotlb_model_destroy(model);
		model = iotlb_model_create(g_sets, g_ways, g_repl);
		if (!model)
			tb_fail(0, "model: cannot create an IOTLB of %u x %u", g_sets, g_ways);
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

	// A lookup response of port 0 or 1 against the model's (way -1: miss).
	void check_rsp(unsigned port, const req *l, int mway, const iotlb_model_entry &me)
	{
		auto *t = tb.top.get();
		bool v = port ? t->lk1_rsp_valid_o : t->lk_rsp_valid_o;
		bool h = port ? t->lk1_hit_o : t->lk_hit_o;
		unsigned way = port ? t->lk1_way_o : t->lk_way_o;
		unsigned level = port ? t->lk1_level_o : t->lk_level_o;
		uint64_t hpn = port ? t->lk1_hpn_o : t->lk_hpn_o;
		unsigned perm = port ? t->lk1_perm_o : t->lk_perm_o;
		unsigned sl = port ? t->lk1_sl_perm_o : t->lk_sl_perm_o;
		unsigned dirty = port ? t->lk1_dirty_o : t->lk_dirty_o;
		unsigned global = port ? t->lk1_global_o : t->lk_global_o;
		unsigned cls = port ? t->lk1_cls_o : t->lk_cls_o;
		bool hit = mway >= 0;
		lookups++;
		hits += hit;
		TB_CHECK(tb, v, "port %u: no lookup response %s", port,
			 kComb ? "in the lookup's cycle" : "the cycle after the request");
		TB_CHECK(tb, h == hit,
			 "port %u lookup did %u pasid %u addr %#" PRIx64 ": hit %u, model %u", port,
			 l->did, l->pasid, l->addr, (unsigned)h, hit);
		if (hit) {
			TB_CHECK(tb,
				 (int)way == mway && level == me.level && hpn == me.page >> 12 &&
					 perm == me.perm && sl == me.sl_perm && dirty == me.dirty &&
					 global == me.global && cls == me.cls,
				 "port %u lookup addr %#" PRIx64 ": way %u level %u hpn %#" PRIx64
				 " perm %x sl %x d %u g %u cls %u; model way %d level %u hpn "
				 "%#" PRIx64 " perm %x sl %x d %u g %u cls %u",
				 port, l->addr, way, level, hpn, perm, sl, dirty, global, cls, mway,
				 me.level, me.page >> 12, me.perm, me.sl_perm, me.dirty, me.global,
				 me.cls);
		}
		if (port == 0)
			last_level = level;
	}
	void check_fill(const req *f, const iotlb_model_entry *fe)
	{
		auto *t = tb.top.get();
		bool mev = false;
		int mway = iotlb_model_fill(model, f->did, f->pasid, f->addr, fe, &mev);
		fill_way = t->fill_way_o;
		fill_evict = t->fill_evict_o;
		if (g_ways) {
			TB_CHECK(tb, (int)fill_way == mway && fill_evict == mev,
				 "fill did %u pasid %u addr %#" PRIx64 " level %u: way %u "
				 "evict %u, model way %d evict %u",
				 f->did, f->pasid, f->addr, fe->level, fill_way, fill_evict, mway,
				 mev);
		}
		fills++;
		evictions += mev;
	}

	// One cycle: optionally a fill, lookups on port 0 (l) and port 1 (l1),
	// and (InvFlash = 1) an invalidation. LkComb = 0: the fill first, the
	// lookups checked a cycle later; LkComb = 1: the lookups (port 0 then 1)
	// checked now, then the fill; then the invalidation. busy: the cycle's
	// index among a flash invalidation's busy cycles (-1: not busy). Returns
	// whether port 0's lookup hit.
	unsigned last_level = 0; // port 0's last level, as the RTL gave it
	unsigned pending = 0;    // the lines the flash invalidation in flight dropped
	bool cycle(const req *f, const iotlb_model_entry *fe, const req *l,
		   iotlb_model_entry *got = nullptr, const req *l1 = nullptr,
		   const inv_req *inv = nullptr, int busy = -1)
	{
		auto *t = tb.top.get();
		idle();
		if (f) {
			t->fill_valid_i = 1;
			t->fill_did_i = f->did;
			t->fill_pasid_i = f->pasid;
			t->fill_addr_i = f->addr;
			t->fill_level_i = fe->level;
			t->fill_hpn_i = fe->page >> 12;
			t->fill_perm_i = fe->perm;
			t->fill_sl_perm_i = fe->sl_perm;
			t->fill_dirty_i = fe->dirty;
			t->fill_global_i = fe->global;
			t->fill_cls_i = fe->cls;
		}
		if (l) {
			t->lk_valid_i = 1;
			t->lk_did_i = l->did;
			t->lk_pasid_i = l->pasid;
			t->lk_addr_i = l->addr;
		}
		if (l1 && kPorts > 1) {
			t->lk1_valid_i = 1;
			t->lk1_did_i = l1->did;
			t->lk1_pasid_i = l1->pasid;
			t->lk1_addr_i = l1->addr;
		} else {
			l1 = nullptr;
		}
		if (inv) {
			t->inv_valid_i = 1;
			t->inv_kind_i = inv->kind;
			t->inv_did_i = inv->did;
			t->inv_pasid_i = inv->pasid;
			t->inv_addr_i = inv->addr;
			t->inv_am_i = inv->am;
		}
		tb.settle();
		TB_CHECK(tb, t->lk_ready_o && t->fill_ready_o && (kPorts == 1 || t->lk1_ready_o),
			 "IOTLB not ready%s", busy >= 0 ? " during a flash invalidation" : "");
		TB_CHECK(tb, (bool)t->busy_o == (busy >= 0), "busy %u, expected %u",
			 (unsigned)t->busy_o, busy >= 0);
		if (busy >= 0) {
			TB_CHECK(tb, !t->inv_ready_o && t->inv_done_o == (busy == (int)g_sets - 1),
				 "busy cycle %d of %u: ready %u done %u", busy, g_sets,
				 (unsigned)t->inv_ready_o, (unsigned)t->inv_done_o);
			if (t->inv_done_o)
				TB_CHECK(tb, t->inv_count_o == pending,
					 "flash invalidation dropped %u, model %u",
					 (unsigned)t->inv_count_o, pending);
		}
		if (inv)
			TB_CHECK(tb, t->inv_ready_o, "invalidation not accepted while idle");
		iotlb_model_entry me[2] = {};
		int mway[2] = {-1, -1};
		const req *lr[2] = {l, l1};
		if (!kComb && f)
			check_fill(f, fe);
		for (unsigned q = 0; q < 2; q++) {
			if (lr[q])
				mway[q] = iotlb_model_lookup(model, lr[q]->did, lr[q]->pasid,
							     lr[q]->addr, &me[q]);
			if (kComb && lr[q])
				check_rsp(q, lr[q], mway[q], me[q]);
		}
		if (kComb && f)
			check_fill(f, fe);
		if (inv) {
			pending = iotlb_model_invalidate(model, (enum iotlb_model_inv)inv->kind,
							 inv->did, inv->pasid, inv->addr, inv->am);
			invals++;
			dropped += pending;
		}
		tb.tick();
		if (!kComb) {
			tb.settle();
			for (unsigned q = 0; q < 2; q++) {
				if (lr[q])
					check_rsp(q, lr[q], mway[q], me[q]);
			}
		}
		if (got)
			*got = me[0];
		return mway[0] >= 0;
	}
	bool lookup(uint16_t did, uint32_t pasid, uint64_t addr)
	{
		req r = {did, pasid, addr};
		return cycle(nullptr, nullptr, &r);
	}
	void fill(uint16_t did, uint32_t pasid, uint64_t addr, const iotlb_model_entry &e)
	{
		req r = {did, pasid, addr};
		cycle(&r, &e, nullptr);
	}

	// One invalidation; Sets busy cycles; the drops are the model's.
	unsigned invalidate(unsigned kind, uint16_t did, uint32_t pasid, uint64_t addr, unsigned am)
	{
		auto *t = tb.top.get();
		if (kFlash) {
			// Dropped at the edge; busy_o for Sets idle cycles after.
			inv_req v = {kind, did, pasid, addr, am};
			cycle(nullptr, nullptr, nullptr, nullptr, nullptr, &v);
			unsigned n = pending;
			for (unsigned b = 0; b < g_sets; b++)
				cycle(nullptr, nullptr, nullptr, nullptr, nullptr, nullptr, (int)b);
			return n;
		}
		idle();
		t->inv_valid_i = 1;
		t->inv_kind_i = kind;
		t->inv_did_i = did;
		t->inv_pasid_i = pasid;
		t->inv_addr_i = addr;
		t->inv_am_i = am;
		tb.settle();
		TB_CHECK(tb, t->inv_ready_o, "invalidation not accepted while idle");
		unsigned n = iotlb_model_invalidate(model, (enum iotlb_model_inv)kind, did, pasid,
						    addr, am);
		tb.tick();
		idle();
		unsigned got = 0;
		for (unsigned c = 0; c < g_sets; c++) {
			tb.settle();
			TB_CHECK(tb, t->busy_o && !t->lk_ready_o, "scan cycle %u of %u: not busy",
				 c, g_sets);
			TB_CHECK(tb, t->inv_done_o == (c == g_sets - 1), "scan cycle %u: done %u",
				 c, (unsigned)t->inv_done_o);
			if (t->inv_done_o)
				got = t->inv_count_o;
			tb.tick();
		}
		tb.settle();
		TB_CHECK(tb, !t->busy_o, "busy after %u scan cycles", g_sets);
		TB_CHECK(tb, got == n,
			 "invalidation kind %u did %u pasid %u addr %#" PRIx64
			 " am %u: dropped %u, model %u",
			 kind, did, pasid, addr, am, got, n);
		invals++;
		dropped += n;
		return n;
	}
};

iotlb_model_entry entry(unsigned level, unsigned cls, bool global, uint64_t page)
{
	iotlb_model_entry e = {};
	e.page = page & ((1ull << kHaw) - 1) & ~0xFFFull;
	e.perm = 0x7;
	e.sl_perm = cls ? 0xF : 0x3;
	e.level = level;
	e.cls = cls;
	e.dirty = true;
	e.global = global;
	return e;
}

// Directed checks: expectations written from the VT-d rules, not read
// from the model (the model is compared along the way as well).
void directed(IotlbTb &t)
{
	const unsigned SL = 0, FL = 1;
	const uint64_t x = 0x12345000, y = 0x7654321000ull, big = 0x40000000ull; // 1 GiB
	// Hit and miss, 4 KiB.
	TB_CHECK(t.tb, !t.lookup(1, 0, x), "empty IOTLB hit");
	t.fill(1, 0, x, entry(1, SL, false, 0xABCD000));
	iotlb_model_entry e;
	req r = {1, 0, x + 0xFF8};
	TB_CHECK(t.tb,
		 t.cycle(nullptr, nullptr, &r, &e) && t.last_level == 1 && e.page == 0xABCD000,
		 "4 KiB entry: no hit within its page");
	TB_CHECK(t.tb, !t.lookup(1, 0, x + 0x1000), "4 KiB entry hit the next page");
	TB_CHECK(t.tb, !t.lookup(2, 0, x), "entry of DID 1 hit DID 2");
	TB_CHECK(t.tb, !t.lookup(1, 5, x), "entry of PASID 0 hit PASID 5");
	// 2 MiB and 1 GiB pages answer every 4 KiB page inside them.
	t.fill(1, 5, y, entry(2, FL, false, 0x200000));
	TB_CHECK(t.tb, t.lookup(1, 5, (y & ~0x1FFFFFull) + 0x1FF000) && t.last_level == 2,
		 "2 MiB entry: no hit at its last 4 KiB page");
	TB_CHECK(t.tb, !t.lookup(1, 5, (y & ~0x1FFFFFull) + 0x200000), "2 MiB entry hit past it");
	t.fill(2, 5, big, entry(3, FL, true, 0x40000000));
	req r3 = {2, 5, big + 0x3FFFF000};
	TB_CHECK(t.tb, t.cycle(nullptr, nullptr, &r3, &e) && t.last_level == 3 && e.global,
		 "1 GiB global entry: no hit at its last 4 KiB page");

	// Invalidation by each tag: five entries, at most four in one set.
	if (g_ways < 4)
		return;
	auto setup = [&]() {
		t.restart();
		t.fill(1, 0, x, entry(1, SL, false, 0x1000));       // A: DID 1, second level
		t.fill(1, 0, x + 0x200000, entry(1, SL, false, 0)); // A2: DID 1, SL, 2 MiB away
		t.fill(1, 5, x, entry(1, FL, false, 0x2000));       // B: DID 1 PASID 5, FL
		t.fill(1, 5, y, entry(1, FL, true, 0x3000));        // D: DID 1 PASID 5, FL global
		t.fill(2, 5, big, entry(2, FL, true, 0x200000)); // C: DID 2 PASID 5, 2 MiB global
	};
	struct expect {
		uint16_t did;
		uint32_t pasid;
		uint64_t addr;
		bool present;
	};
	auto check = [&](const char *what, std::vector<expect> ex) {
		for (auto &q : ex)
			TB_CHECK(t.tb, t.lookup(q.did, q.pasid, q.addr) == q.present,
				 "%s: did %u pasid %u addr %#" PRIx64 " %s", what, q.did, q.pasid,
				 q.addr, q.present ? "dropped" : "kept");
	};
	const uint64_t a2 = x + 0x200000;
	setup();
	TB_CHECK(t.tb, t.invalidate(1, 1, 0, 0, 0) == 4, "domain invalidation: not 4 lines");
	check("DID 1", {{1, 0, x, false},
			{1, 0, a2, false},
			{1, 5, x, false},
			{1, 5, y, false},
			{2, 5, big, true}});
	setup();
	TB_CHECK(t.tb, t.invalidate(2, 1, 0, x, 0) == 3, "page invalidation: not 3 lines");
	check("DID 1 page x", {{1, 0, x, false},
			       {1, 0, a2, true},
			       {1, 5, x, false},
			       {1, 5, y, false},
			       {2, 5, big, true}});
	setup();
	TB_CHECK(t.tb, t.invalidate(2, 1, 0, x & ~0x7FFFFFull, 11) == 4,
		 "page invalidation of 8 MiB: not 4 lines");
	check("DID 1 8 MiB", {{1, 0, x, false}, {1, 0, a2, false}, {2, 5, big, true}});
	setup();
	TB_CHECK(t.tb, t.invalidate(3, 1, 5, 0, 0) == 1, "PASID invalidation: not 1 line");
	check("DID 1 PASID 5 non-global",
	      {{1, 0, x, true}, {1, 5, x, false}, {1, 5, y, true}, {2, 5, big, true}});
	setup();
	TB_CHECK(t.tb, t.invalidate(4, 2, 5, big + 0x1FF000, 0) == 1,
		 "PASID page invalidation inside a 2 MiB page: not 1 line");
	check("DID 2 PASID 5 page in 2 MiB", {{2, 5, big, false}, {1, 5, y, true}});
	setup();
	TB_CHECK(t.tb, t.invalidate(4, 1, 5, y, 0) == 1,
		 "PASID page invalidation of a global 4 KiB page: not 1 line");
	check("DID 1 PASID 5 page y", {{1, 5, y, false}, {1, 5, x, true}, {1, 0, x, true}});
	setup();
	TB_CHECK(t.tb, t.invalidate(0, 0, 0, 0, 0) == 5, "global invalidation: not 5 lines");
	check("global", {{1, 0, x, false}, {1, 5, y, false}, {2, 5, big, false}});
	t.restart();
}

// With FillCheck the block asserts that a fill finding its key present
// carries the same tag and result but for D: the random fills then derive
// the class, the global bit, the page and the permissions from the key
// (DID, PASID, level, page number at the level), and only D stays random.
void keyed(const req &f, iotlb_model_entry &e)
{
	uint64_t h = ((uint64_t)f.did << 48) ^ ((uint64_t)f.pasid << 28) ^ e.level ^
		     (((f.addr & ((1ull << kMgaw) - 1)) >> (12 + 9 * (e.level - 1))) << 2);
	h *= 0x9E3779B97F4A7C15ull;
	h ^= h >> 29;
	h *= 0xBF58476D1CE4E5B9ull;
	h ^= h >> 32;
	bool dirty = e.dirty;
	e = entry(e.level, h & 1, (h >> 1) % 4 == 0, h >> 7);
	e.perm = (h >> 3) & 0xF;
	e.sl_perm = (h >> 11) & 0xF;
	e.dirty = dirty;
}

// FillCheck: a second fill of a key with D flipped is legal; with
// +refill=differ a third one with another page must fail the assertion
// (counted, not stopping the run: +verilator+error+limit+2).
void refill(IotlbTb &t)
{
	req f = {3, 5, 0x5A5A5000};
	iotlb_model_entry e = entry(1, 1, false, 0x1234000);
	e.dirty = false;
	t.fill(f.did, f.pasid, f.addr, e);
	e.dirty = true;
	t.fill(f.did, f.pasid, f.addr, e);
	TB_CHECK(t.tb, t.lookup(f.did, f.pasid, f.addr), "refilled key: no hit");
	std::string a = t.tb.ctx->commandArgsPlusMatch("refill=");
	if (a == "+refill=differ") {
		// Run with +verilator+error+limit+2: the assertion's $error counts
		// without stopping the run.
		e.page ^= 0x1000;
		t.fill(f.did, f.pasid, f.addr, e);
		TB_CHECK(t.tb, t.tb.ctx->errorCount() == 1,
			 "a refill with another page: %d assertion failures, expected 1",
			 t.tb.ctx->errorCount());
		printf("%s: a refill with another page failed the FillSame assertion\n", TB_NAME);
		exit(0);
	}
	t.restart();
}

uint64_t g_bases[6];

req random_req()
{
	static const uint16_t dids[] = {1, 2, 3};
	static const uint32_t pasids[] = {0, 5, 0xFFFFF};
	req r;
	r.did = dids[rnd_below(3)];
	r.pasid = pasids[rnd_below(3)];
	uint64_t off = rnd_below(4) ? (rnd() & 0x7FFFFF) : (rnd() & 0x3FFFFFFF);
	r.addr = (g_bases[rnd_below(6)] + off) & ((1ull << kMgaw) - 1);
	return r;
}

} // namespace

int main(int argc, char **argv)
{
#ifdef RTL_PARAM_Sets
	g_sets = RTL_PARAM_Sets;
	g_ways = RTL_PARAM_Ways;
	g_repl = RTL_PARAM_Repl;
#else
	struct iommu_config cfg;
	iommu_config_default(&cfg);
	g_sets = cfg.iotlb.sets;
	g_ways = cfg.iotlb.ways;
	g_repl = cfg.iotlb.repl;
#endif
	IotlbTb t(argc, argv);
	std::string a = t.tb.ctx->commandArgsPlusMatch("seed=");
	rng_state =
		(a.empty() ? 1 : strtoull(a.c_str() + 6, nullptr, 0)) * 0x9E3779B97F4A7C15ull + 1;
	a = t.tb.ctx->commandArgsPlusMatch("ops=");
	unsigned ops = a.empty() ? 20000 : (unsigned)strtoul(a.c_str() + 5, nullptr, 0);
	for (auto &b : g_bases)
		b = rnd() & ((1ull << kMgaw) - 1) & ~0x3FFFFFFFull;

	if (g_ways)
		directed(t);
	if (kFillCheck && g_ways)
		refill(t);
	// One random cycle: a fill, lookups (port 1 often in port 0's page or
	// the fill's), or both; inv and busy as IotlbTb::cycle takes them.
	auto random_cycle = [&](const inv_req *inv, int busy) {
		unsigned kind = rnd_below(100);
		req f = random_req(), l = random_req(), l1 = random_req();
		iotlb_model_entry e =
			entry(1 + rnd_below(3), rnd_below(2), rnd_below(4) == 0, rnd());
		e.perm = rnd_below(16);
		e.sl_perm = rnd_below(16);
		e.dirty = rnd_below(2);
		bool do_fill = kind < 50 || kind >= 85, do_lookup = kind >= 50;
		bool do_l1 = kPorts > 1 && rnd_below(4) != 0;
		if (do_l1 && rnd_below(3) == 0)
			l1 = rnd_below(2) ? l : f;
		if (do_lookup && rnd_below(8) == 0)
			f = l; // a fill of the page looked up in its cycle
		if (kFillCheck)
			keyed(f, e);
		t.cycle(do_fill ? &f : nullptr, &e, do_lookup ? &l : nullptr, nullptr,
			do_l1 ? &l1 : nullptr, inv, busy);
	};
	for (unsigned op = 0; op < ops; op++) {
		unsigned kind = rnd_below(100);
		if (kind < 2) {
			req r = random_req();
			static const unsigned ams[] = {0, 1, 9, 18, 30, 45, 52, 63};
			unsigned am = rnd_below(2) ? rnd_below(20) : ams[rnd_below(8)];
			unsigned ik = rnd_below(5);
			if (!kFlash) {
				t.invalidate(ik, r.did, r.pasid, r.addr, am);
				continue;
			}
			inv_req v = {ik, r.did, r.pasid, r.addr, am};
			random_cycle(&v, -1);
			for (unsigned b = 0; b < g_sets; b++)
				random_cycle(nullptr, (int)b);
			continue;
		}
		random_cycle(nullptr, -1);
	}
	printf("%s: %u x %u %s: %u lookups (%u hits), %u fills (%u evictions), "
	       "%u invalidations (%u lines): RTL == model\n",
	       TB_NAME, g_sets, g_ways,
	       g_repl == 0   ? "lru"
	       : g_repl == 1 ? "plru"
			     : "random",
	       t.lookups, t.hits, t.fills, t.evictions, t.invals, t.dropped);
	if (g_ways && (t.hits == 0 || t.evictions == 0 || t.dropped == 0))
		tb_fail(t.tb.cycle, "the sequence exercised too little (hits, evictions, drops)");
	return 0;
}
