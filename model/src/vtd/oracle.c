/*
 * Stale-translation oracle (see iommu/vtd_oracle.h). It keeps the last
 * ORACLE_LOG executed invalidation descriptors with their sequence numbers
 * and the sequence number of the last completed invalidation wait.
 */
#include "iommu/vtd_oracle.h"

#include <stdlib.h>

#include "iommu/vtd_regs.h"
#include "iommu/vtd_tables.h"

#define ORACLE_LOG 65536u

struct oracle_desc {
	uint64_t seq;
	uint64_t qw0, qw1;
};

/* The reference walk of a page, reused while nothing it depends on changed
 * (iommu_state_gen): a direct-mapped memo. */
#define ORACLE_MEMO 256

struct oracle_memo {
	bool valid;
	struct iommu_req req; /* addr: the 4 KiB page */
	uint64_t gen;
	int rc;
	bool ok;
	uint64_t hpa; /* of the page's first byte */
};

struct vtd_oracle {
	struct iommu *mmu;
	struct oracle_memo memo[ORACLE_MEMO];
	struct oracle_desc *log; /* ring */
	uint64_t n;              /* descriptors logged so far */
	uint64_t last_wait;      /* seq of the last completed wait */
	uint64_t stale, missing;
};

static void oracle_desc(void *ctx, const uint64_t qw[4])
{
	struct vtd_oracle *o = ctx;
	struct oracle_desc *d = &o->log[o->n++ % ORACLE_LOG];

	d->seq = iommu_seq(o->mmu);
	d->qw0 = qw[0];
	d->qw1 = qw[1];
}

static void oracle_wait(void *ctx, const uint64_t qw[4])
{
	struct vtd_oracle *o = ctx;

	(void)qw;
	o->last_wait = iommu_seq(o->mmu);
}

struct vtd_oracle *vtd_oracle_create(struct iommu *mmu)
{
	struct vtd_oracle *o = calloc(1, sizeof(*o));

	if (!o)
		return NULL;
	o->log = calloc(ORACLE_LOG, sizeof(*o->log));
	if (!o->log) {
		free(o);
		return NULL;
	}
	o->mmu = mmu;
	if (iommu_add_qi_observer(mmu, (struct iommu_qi_observer){oracle_desc, oracle_wait, NULL},
				  o)) {
		free(o->log);
		free(o);
		return NULL;
	}
	return o;
}

void vtd_oracle_destroy(struct vtd_oracle *o)
{
	if (!o)
		return;
	iommu_remove_qi_observer(o->mmu, o);
	free(o->log);
	free(o);
}

/* What the served entry was: the tags an invalidation selects it by. */
struct oracle_entry {
	bool devtlb;
	uint16_t sid, did;
	bool pasid_valid; /* device TLB: the request carried a PASID */
	uint32_t pasid;
	bool fl_class; /* IOTLB: first-level or nested translation */
	bool global;
	uint64_t lo, hi; /* input-address range the entry maps, inclusive */
};

static bool overlaps(uint64_t lo1, uint64_t hi1, uint64_t lo2, uint64_t hi2)
{
	return lo1 <= hi2 && lo2 <= hi1;
}

/* Address range of an IOTLB-style invalidation: 2^AM pages at ADDR. */
static void am_range(uint64_t qw1, uint64_t *lo, uint64_t *hi)
{
	unsigned am = qw1 & 0x3F;
	uint64_t size = am >= 52 ? (1ull << 63) : (IOMMU_PAGE_SIZE << am);

	*lo = (qw1 & GENMASK64(63, 12)) & ~(size - 1);
	*hi = *lo + (size - 1);
}

/* Address range of a device-TLB invalidation (S-bit size encoding). */
static void s_range(uint64_t addr, bool s, uint64_t *lo, uint64_t *hi)
{
	uint64_t a = addr | 0xFFF, size;

	if (!s) {
		*lo = addr & ~0xFFFull;
		*hi = *lo + 0xFFF;
		return;
	}
	if ((a & ~(1ull << 63)) == (~0ull >> 1)) {
		*lo = 0;
		*hi = ~0ull;
		return;
	}
	size = 1ull << (__builtin_ctzll(~a) + 1);
	*lo = addr & ~(size - 1);
	*hi = *lo + (size - 1);
}

/* SPEC(VT-d invalidation descriptors): does d remove entry e? */
static bool oracle_covers(const struct oracle_desc *d, const struct oracle_entry *e)
{
	unsigned type = (unsigned)(d->qw0 & 0xF);
	unsigned g = (unsigned)((d->qw0 >> 4) & 3);
	uint16_t did = (uint16_t)(d->qw0 >> 16);
	uint32_t pasid = (uint32_t)((d->qw0 >> 32) & 0xFFFFF);
	uint64_t lo, hi;

	if (e->devtlb) {
		if (type == 0x3 && (uint16_t)(d->qw0 >> 32) == e->sid && !e->pasid_valid) {
			s_range(d->qw1, d->qw1 & 1, &lo, &hi);
			return overlaps(lo, hi, e->lo, e->hi);
		}
		if (type == 0x8 && (uint16_t)(d->qw0 >> 16) == e->sid && e->pasid_valid &&
		    ((d->qw1 & 1) || pasid == e->pasid)) {
			s_range(d->qw1, d->qw1 & (1u << 11), &lo, &hi);
			return overlaps(lo, hi, e->lo, e->hi);
		}
		return false;
	}
	if (type == 0x2) { /* IOTLB: second-level, pass-through and nested of the DID */
		if (g == 1)
			return true;
		if (did != e->did)
			return false;
		if (g == 2 || e->fl_class)
			return true;
		am_range(d->qw1, &lo, &hi);
		return overlaps(lo, hi, e->lo, e->hi);
	}
	if (type == 0x6 && e->fl_class && did == e->did && pasid == e->pasid) {
		if (g == 2)
			return !e->global;
		am_range(d->qw1, &lo, &hi);
		return overlaps(lo, hi, e->lo, e->hi);
	}
	return false;
}

/* Whether an invalidation covering e, issued after e was filled, had
 * completed (a wait after it) by now. */
static bool oracle_invalidated(const struct vtd_oracle *o, const struct oracle_entry *e,
			       uint64_t fill_seq)
{
	uint64_t first = o->n > ORACLE_LOG ? o->n - ORACLE_LOG : 0;

	for (uint64_t i = o->n; i-- > first;) {
		const struct oracle_desc *d = &o->log[i % ORACLE_LOG];

		if (d->seq <= fill_seq)
			break;
		if (d->seq < o->last_wait && oracle_covers(d, e))
			return true;
	}
	return false;
}

static bool same_req(const struct iommu_req *a, const struct iommu_req *b)
{
	return a->sid == b->sid && a->pasid_valid == b->pasid_valid && a->pasid == b->pasid &&
	       a->priv == b->priv && a->access == b->access && a->no_write == b->no_write &&
	       a->addr == b->addr;
}

/* What the tables give for req now: the output address, or ~0 when the
 * walk faults. */
static uint64_t reference_hpa(struct vtd_oracle *o, const struct iommu_req *req)
{
	const uint64_t off = req->addr & (IOMMU_PAGE_SIZE - 1);
	struct iommu_req page = *req;
	struct iommu_resp now;
	struct oracle_memo *m;
	uint64_t gen, h;
	bool known = iommu_state_gen(o->mmu, &gen);

	page.addr -= off;
	h = (page.addr >> IOMMU_PAGE_SHIFT) ^ page.sid * 0x9E37u ^ page.pasid * 0x85EBu;
	m = &o->memo[(h ^ h >> 8) % ORACLE_MEMO];
	if (!known || !m->valid || m->gen != gen || !same_req(&m->req, &page)) {
		m->rc = iommu_probe(o->mmu, &page, &now);
		m->ok = now.ok;
		m->hpa = now.hpa;
		m->req = page;
		m->gen = gen;
		m->valid = known;
	}
	return m->rc == 0 && m->ok ? m->hpa + off : ~0ull;
}

enum vtd_oracle_verdict vtd_oracle_check(struct vtd_oracle *o, const struct iommu_req *req,
					 const struct iommu_resp *resp)
{
	struct iommu_req ref = *req;
	struct oracle_entry e = {0};

	if (!resp->ok || (resp->source != IOMMU_SRC_IOTLB && resp->source != IOMMU_SRC_DEVTLB))
		return VTD_ORACLE_OK;
	ref.at = IOMMU_AT_UNTRANSLATED;
	if (reference_hpa(o, &ref) == resp->hpa)
		return VTD_ORACLE_OK;

	e.devtlb = resp->source == IOMMU_SRC_DEVTLB;
	e.sid = req->sid;
	e.did = resp->did;
	e.pasid_valid = req->pasid_valid;
	e.pasid = e.devtlb ? req->pasid : resp->pasid;
	e.fl_class = resp->pgtt == VTD_PGTT_FL || resp->pgtt == VTD_PGTT_NESTED;
	e.global = resp->global;
	e.lo = req->addr & ~(resp->page_size - 1);
	e.hi = e.lo + (resp->page_size - 1);
	if (oracle_invalidated(o, &e, resp->fill_seq)) {
		o->stale++;
		return VTD_ORACLE_STALE;
	}
	o->missing++;
	return VTD_ORACLE_MISSING_FLUSH;
}

uint64_t vtd_oracle_stale(const struct vtd_oracle *o)
{
	return o->stale;
}

uint64_t vtd_oracle_missing_flush(const struct vtd_oracle *o)
{
	return o->missing;
}

const char *vtd_oracle_verdict_name(enum vtd_oracle_verdict v)
{
	switch (v) {
	case VTD_ORACLE_STALE: return "stale";
	case VTD_ORACLE_MISSING_FLUSH: return "missing_flush";
	case VTD_ORACLE_OK: break;
	}
	return "";
}
