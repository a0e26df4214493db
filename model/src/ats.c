/*
 * ATS endpoint: a device TLB on the generic cache engine, tagged (PASID or
 * none, privilege, page number, page size), and the bus that routes the
 * IOMMU's invalidation requests to it.
 */
#include "iommu/ats.h"

#include <stdlib.h>
#include <string.h>

#include "cache.h"

struct devtlb_entry {
	uint64_t page;
	unsigned perm;
	bool global;
	uint64_t seq; /* when filled (simulation bookkeeping for the oracle) */
	uint16_t did; /* the IOMMU's domain and translation type, for reports */
	uint8_t pgtt;
};

/* One page request group of the endpoint (PRI). */
struct ats_prg {
	uint8_t state; /* enum ats_prg_state */
	bool pasid_valid;
	uint32_t pasid;
	uint64_t page;
};

struct ats_dev {
	uint16_t sid;
	bool answers;
	struct cache tlb;
	bool pri, pri_stopped;
	uint16_t next_prgi;
	struct ats_prg prg[ATS_PRG_COUNT];
	struct ats_pri_stats pst;
};

struct ats_dev *ats_dev_create(uint16_t sid, const struct iommu_cache_geom *g, uint64_t seed)
{
	struct ats_dev *d = calloc(1, sizeof(*d));

	if (!d)
		return NULL;
	d->sid = sid;
	d->answers = true;
	if (cache_init(&d->tlb, g, sizeof(struct devtlb_entry), seed)) {
		free(d);
		return NULL;
	}
	return d;
}

void ats_dev_destroy(struct ats_dev *d)
{
	if (!d)
		return;
	cache_fini(&d->tlb);
	free(d);
}

uint16_t ats_dev_sid(const struct ats_dev *d)
{
	return d->sid;
}

void ats_dev_set_responsive(struct ats_dev *d, bool answers)
{
	d->answers = answers;
}

const struct iommu_cache_stats *ats_dev_stats(const struct ats_dev *d)
{
	return &d->tlb.st;
}

static struct cache_key devtlb_key(const struct iommu_req *req, unsigned level)
{
	uint64_t tag = (req->pasid_valid ? 1u : 0u) | (uint64_t)req->pasid << 1 |
		       (uint64_t)(req->pasid_valid && req->priv) << 21;
	struct cache_key k = {{tag, req->addr >> (12 + 9 * (level - 1)), level}};

	return k;
}

static bool devtlb_allows(unsigned perm, const struct iommu_req *req)
{
	if (!req->priv && !(perm & IOMMU_PERM_U))
		return false;
	switch (req->access) {
	case IOMMU_ACC_WRITE: return perm & IOMMU_PERM_W;
	case IOMMU_ACC_EXEC: return (perm & IOMMU_PERM_X) && (perm & IOMMU_PERM_R);
	default: return perm & IOMMU_PERM_R;
	}
}

void ats_dev_translated_req(const struct iommu_req *req, const struct ats_xlate *x,
			    struct iommu_req *t)
{
	*t = *req;
	t->at = IOMMU_AT_TRANSLATED;
	t->addr = x->page | (req->addr & (x->size - 1));
}

void ats_dev_translated_resp(const struct ats_xlate *x, struct iommu_resp *resp, int rc)
{
	if (rc == 0) {
		resp->page_size = x->size;
		resp->perm = x->perm;
	}
	resp->source = x->source;
	resp->fill_seq = x->seq;
	resp->did = x->did;
	resp->pgtt = x->pgtt;
	if (x->source != IOMMU_SRC_DEVTLB) {
		resp->global = x->global;
		resp->refs = x->refs;
	}
}

bool ats_dev_lookup(struct ats_dev *d, const struct iommu_req *req, struct ats_xlate *x)
{
	for (unsigned level = 1; level <= 3; level++) {
		struct cache_key k = devtlb_key(req, level);
		const struct devtlb_entry *hit = cache_find(&d->tlb, k.w[1], &k);

		if (hit && devtlb_allows(hit->perm, req)) {
			cache_account(&d->tlb, true);
			*x = (struct ats_xlate){
				.page = hit->page,
				.size = 1ull << (12 + 9 * (level - 1)),
				.perm = hit->perm,
				.global = hit->global,
				.seq = hit->seq,
				.did = hit->did,
				.pgtt = hit->pgtt,
				.source = IOMMU_SRC_DEVTLB,
			};
			return true;
		}
	}
	cache_account(&d->tlb, false);
	return false;
}

void ats_dev_tr_req(const struct iommu_req *req, struct iommu_req *tr)
{
	*tr = *req;
	tr->at = IOMMU_AT_TRANSLATION_REQ;
	tr->no_write = req->access != IOMMU_ACC_WRITE; /* writes ask for write permission */
}

int ats_dev_complete(struct ats_dev *d, struct iommu *mmu, const struct iommu_req *req,
		     struct iommu_resp *resp, struct ats_xlate *x)
{
	struct devtlb_entry e;
	unsigned level;
	struct cache_key k;

	if (!resp->ok)
		return 1;
	if (!devtlb_allows(resp->perm, req)) {
		/* The completion grants too little: the device cannot do this DMA. */
		resp->ok = false;
		if (resp->fault == VTD_FR_NONE)
			resp->fault =
				req->access == IOMMU_ACC_WRITE ? VTD_FR_NO_WRITE : VTD_FR_NO_READ;
		return 1;
	}
	e = (struct devtlb_entry){
		.page = resp->hpa & ~(resp->page_size - 1),
		.perm = resp->perm,
		.global = resp->global,
		.seq = iommu_seq(mmu),
		.did = resp->did,
		.pgtt = (uint8_t)resp->pgtt,
	};
	level = resp->page_size == (1ull << 30) ? 3 : resp->page_size == (1ull << 21) ? 2 : 1;
	k = devtlb_key(req, level);
	cache_fill(&d->tlb, k.w[1], &k, &e);
	/* The DMA's translation came from the IOMMU (walk or IOTLB): the
	 * translated request keeps that identity and its memory references. */
	*x = (struct ats_xlate){
		.page = e.page,
		.size = resp->page_size,
		.perm = e.perm,
		.global = resp->global,
		.seq = resp->fill_seq,
		.did = resp->did,
		.pgtt = (uint8_t)resp->pgtt,
		.source = resp->source,
		.refs = resp->refs,
	};
	return 0;
}

/* The translated request for a device-TLB translation. */
static int ats_translated(struct iommu *mmu, const struct iommu_req *req, const struct ats_xlate *x,
			  struct iommu_resp *resp)
{
	struct iommu_req t;
	int rc;

	ats_dev_translated_req(req, x, &t);
	rc = iommu_translate(mmu, &t, resp);
	if (rc == 0 || x->source == IOMMU_SRC_DEVTLB)
		ats_dev_translated_resp(x, resp, rc);
	return rc;
}

int ats_dev_dma(struct ats_dev *d, struct iommu *mmu, const struct iommu_req *req,
		struct iommu_resp *resp)
{
	struct iommu_req tr;
	struct ats_xlate x;
	int rc;

	if (ats_dev_lookup(d, req, &x))
		return ats_translated(mmu, req, &x, resp);
	ats_dev_tr_req(req, &tr);
	rc = iommu_translate(mmu, &tr, resp);
	if (rc)
		return rc; /* Unsupported Request, or a request no bus carries */
	if (ats_dev_complete(d, mmu, req, resp, &x))
		return 1;
	return ats_translated(mmu, req, &x, resp);
}

/* --- PRI ---------------------------------------------------------------------- */

void ats_dev_set_pri(struct ats_dev *d, bool enabled)
{
	d->pri = enabled;
	d->pri_stopped = false;
}

bool ats_dev_pri_enabled(const struct ats_dev *d)
{
	return d->pri && !d->pri_stopped;
}

const struct ats_pri_stats *ats_dev_pri_stats(const struct ats_dev *d)
{
	return &d->pst;
}

enum ats_prg_state ats_dev_prg_state(const struct ats_dev *d, uint16_t prgi)
{
	return prgi < ATS_PRG_COUNT ? (enum ats_prg_state)d->prg[prgi].state : ATS_PRG_FREE;
}

void ats_dev_prg_response(struct ats_dev *d, uint16_t prgi, unsigned code)
{
	struct ats_prg *g = prgi < ATS_PRG_COUNT ? &d->prg[prgi] : NULL;

	d->pst.responses++;
	if (!g || g->state != ATS_PRG_PENDING) {
		d->pst.unexpected++;
		return;
	}
	switch (code) {
	case VTD_PRG_SUCCESS:
		g->state = ATS_PRG_SUCCESS;
		d->pst.success++;
		break;
	case VTD_PRG_INVALID:
		g->state = ATS_PRG_INVALID;
		d->pst.invalid++;
		break;
	default:
		/* PCIe PRI: Response Failure (and reserved codes) stop page
		 * requests until software re-enables PRI. */
		g->state = ATS_PRG_FAILURE;
		d->pst.failure++;
		d->pri_stopped = true;
		break;
	}
}

static struct ats_prg *prg_find(struct ats_dev *d, const struct iommu_req *req, uint16_t *prgi)
{
	uint64_t page = req->addr & ~(IOMMU_PAGE_SIZE - 1);

	for (uint16_t i = 0; i < ATS_PRG_COUNT; i++) {
		struct ats_prg *g = &d->prg[i];

		if (g->state != ATS_PRG_FREE && g->page == page &&
		    g->pasid_valid == req->pasid_valid &&
		    (!g->pasid_valid || g->pasid == req->pasid)) {
			*prgi = i;
			return g;
		}
	}
	return NULL;
}

/* Whether a failed DMA is one a page request can fix: the completion came
 * back (no Unsupported Request) and granted too little. */
static bool pri_fixable(const struct iommu_resp *resp)
{
	return !resp->unsupported && resp->fault != VTD_FR_NONE;
}

int ats_dev_dma_pri(struct ats_dev *d, struct iommu *mmu, const struct iommu_req *req,
		    struct iommu_resp *resp, uint16_t *prgi, struct iommu_pr_result *pr_res)
{
	struct iommu_pr_result local;
	struct iommu_page_req pr;
	struct ats_prg *g = prg_find(d, req, prgi);
	int rc;

	if (!pr_res)
		pr_res = &local;
	memset(pr_res, 0, sizeof(*pr_res));
	if (g && g->state == ATS_PRG_PENDING) {
		memset(resp, 0, sizeof(*resp));
		return ATS_DMA_PAGE_REQ;
	}
	if (g && g->state == ATS_PRG_INVALID) {
		/* The request cannot be granted: this DMA fails, no retry. */
		g->state = ATS_PRG_FREE;
		memset(resp, 0, sizeof(*resp));
		resp->fault = req->access == IOMMU_ACC_WRITE ? VTD_FR_NO_WRITE : VTD_FR_NO_READ;
		return 1;
	}
	if (g) {
		if (g->state == ATS_PRG_SUCCESS)
			d->pst.retries++;
		g->state = ATS_PRG_FREE;
	}
	rc = ats_dev_dma(d, mmu, req, resp);
	if (rc != 1 || !ats_dev_pri_enabled(d) || !pri_fixable(resp))
		return rc;

	/* A PRG index: the next free one after the last used. */
	for (unsigned n = 0; n < ATS_PRG_COUNT; n++) {
		uint16_t i = (uint16_t)((d->next_prgi + n) % ATS_PRG_COUNT);

		if (d->prg[i].state == ATS_PRG_FREE) {
			*prgi = i;
			break;
		}
		if (n == ATS_PRG_COUNT - 1)
			return -IOMMU_EBUSY;
	}
	d->next_prgi = (uint16_t)((*prgi + 1) % ATS_PRG_COUNT);
	g = &d->prg[*prgi];
	*g = (struct ats_prg){
		.state = ATS_PRG_PENDING,
		.pasid_valid = req->pasid_valid,
		.pasid = req->pasid_valid ? req->pasid : 0,
		.page = req->addr & ~(IOMMU_PAGE_SIZE - 1),
	};
	pr = (struct iommu_page_req){
		.sid = d->sid,
		.pasid_valid = req->pasid_valid,
		.pasid = req->pasid,
		.addr = g->page,
		.read = req->access != IOMMU_ACC_WRITE,
		.write = req->access == IOMMU_ACC_WRITE,
		.exec = req->pasid_valid && req->access == IOMMU_ACC_EXEC,
		.priv = req->pasid_valid && req->priv,
		.prgi = *prgi,
		.lpig = true,
	};
	d->pst.page_reqs++;
	rc = iommu_page_request(mmu, &pr, pr_res);
	if (rc) {
		g->state = ATS_PRG_FREE;
		return rc;
	}
	return ATS_DMA_PAGE_REQ;
}

struct devtlb_sel {
	bool pasid_valid, global;
	uint32_t pasid;
	uint64_t lo, hi; /* inclusive */
};

static bool devtlb_match(const struct cache_key *k, const void *payload, const void *arg)
{
	const struct devtlb_sel *s = arg;
	bool pv = k->w[0] & 1;
	uint32_t pasid = (uint32_t)(k->w[0] >> 1) & 0xFFFFF;
	unsigned shift = 12 + 9 * ((unsigned)k->w[2] - 1);
	uint64_t lo = k->w[1] << shift, hi = lo + ((1ull << shift) - 1);

	(void)payload;
	if (pv != s->pasid_valid || (pv && !s->global && pasid != s->pasid))
		return false;
	return lo <= s->hi && s->lo <= hi;
}

bool ats_dev_invalidate(struct ats_dev *d, bool pasid_valid, uint32_t pasid, bool global,
			uint64_t addr, uint64_t size)
{
	struct devtlb_sel s = {
		.pasid_valid = pasid_valid,
		.global = global,
		.pasid = pasid,
		.lo = size ? addr : 0,
		.hi = size ? addr + (size - 1) : ~0ull,
	};

	if (!d->answers)
		return false;
	cache_invalidate(&d->tlb, devtlb_match, &s);
	return true;
}

/* --- Bus ---------------------------------------------------------------------- */

struct ats_bus {
	struct ats_dev **dev;
	size_t n, cap;
	ats_inv_observer obs;
	void *obs_ctx;
};

struct ats_bus *ats_bus_create(void)
{
	return calloc(1, sizeof(struct ats_bus));
}

void ats_bus_destroy(struct ats_bus *bus)
{
	if (!bus)
		return;
	for (size_t i = 0; i < bus->n; i++)
		ats_dev_destroy(bus->dev[i]);
	free(bus->dev);
	free(bus);
}

struct ats_dev *ats_bus_find(const struct ats_bus *bus, uint16_t sid)
{
	for (size_t i = 0; i < bus->n; i++) {
		if (bus->dev[i]->sid == sid)
			return bus->dev[i];
	}
	return NULL;
}

int ats_bus_add(struct ats_bus *bus, struct ats_dev *d)
{
	if (ats_bus_find(bus, d->sid))
		return -IOMMU_EEXIST;
	if (bus->n == bus->cap) {
		size_t ncap = bus->cap ? 2 * bus->cap : 8;
		struct ats_dev **nd = realloc(bus->dev, ncap * sizeof(*nd));

		if (!nd)
			return -IOMMU_ENOMEM;
		bus->dev = nd;
		bus->cap = ncap;
	}
	bus->dev[bus->n++] = d;
	return 0;
}

static bool bus_invalidate(void *ctx, uint16_t sid, bool pasid_valid, uint32_t pasid, bool global,
			   uint64_t addr, uint64_t size)
{
	struct ats_bus *bus = ctx;
	struct ats_dev *d = ats_bus_find(bus, sid);
	/* No endpoint there caches anything; the message completes. */
	bool answered = d ? ats_dev_invalidate(d, pasid_valid, pasid, global, addr, size) : true;

	if (bus->obs)
		bus->obs(bus->obs_ctx, sid, answered);
	return answered;
}

void ats_bus_observe(struct ats_bus *bus, ats_inv_observer fn, void *ctx)
{
	bus->obs = fn;
	bus->obs_ctx = ctx;
}

static const struct iommu_ats_ops bus_ops = {.invalidate = bus_invalidate};

static void bus_prg_response(void *ctx, uint16_t sid, bool pasid_valid, uint32_t pasid,
			     uint16_t prgi, unsigned code)
{
	struct ats_dev *d = ats_bus_find(ctx, sid);

	(void)pasid_valid;
	(void)pasid;
	if (d) /* no endpoint there: the message goes nowhere */
		ats_dev_prg_response(d, prgi, code);
}

static const struct iommu_pri_ops bus_pri_ops = {.response = bus_prg_response};

void ats_bus_connect(struct ats_bus *bus, struct iommu *mmu)
{
	iommu_set_ats(mmu, &bus_ops, bus);
	iommu_set_pri(mmu, &bus_pri_ops, bus);
}

/* --- Completion entries ---------------------------------------------------------- */

uint64_t ats_cpl_encode(uint64_t page, uint64_t size, unsigned perm, bool global)
{
	uint64_t e = page & ~0xFFFull;

	e |= (perm & IOMMU_PERM_R) ? 1u : 0u;
	e |= (perm & IOMMU_PERM_W) ? 2u : 0u;
	e |= (perm & IOMMU_PERM_X) ? 8u : 0u;
	e |= (perm & IOMMU_PERM_U) ? 0u : 16u; /* Priv: privileged-only */
	e |= global ? 32u : 0u;
	if (size > IOMMU_PAGE_SIZE)
		e |= (1ull << 11) | ((size / 2 - 1) & ~0xFFFull);
	return e;
}

void ats_cpl_decode(uint64_t e, uint64_t *page, uint64_t *size, unsigned *perm, bool *global)
{
	uint64_t a = e | 0xFFFull;

	*perm = ((e & 1) ? IOMMU_PERM_R : 0) | ((e & 2) ? IOMMU_PERM_W : 0) |
		((e & 8) ? IOMMU_PERM_X : 0) | ((e & 16) ? 0 : IOMMU_PERM_U);
	*global = e & 32;
	*size = (e & (1ull << 11)) ? 1ull << (__builtin_ctzll(~a) + 1) : IOMMU_PAGE_SIZE;
	*page = e & ~(*size - 1) & ~0xFFFull;
}
