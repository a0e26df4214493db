/*
 * Table builder: what a VT-d driver does to memory, as a library.
 * Domains own radix page tables; devices get root/context/PASID structures
 * on first attach. Table pages come from a bump allocator over
 * [alloc_base, alloc_limit). A first-level domain with a parent keeps its
 * tables in the parent's guest-physical space (a 1 GiB window at the top of
 * the parent's address space, kept below HAW), each page mapped read/write
 * by the parent.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "iommu/vtd_builder.h"
#include "iommu/vtd_qi.h"
#include "vtd.h"

#define B_MAX_DOMAINS        65536
#define B_GUEST_TABLE_WINDOW (1ull << 30)

struct bdom {
	unsigned id;
	enum vtd_stage stage;
	unsigned levels;
	int parent;        /* s2 domain holding this s1 domain's tables, or -1 */
	uint64_t root;     /* top table, in the domain's table address space */
	uint64_t gpa_next; /* s2: next guest-physical page for nested s1 tables */
	uint64_t gpa_end;
};

struct vtd_builder {
	struct iommu *mmu;
	struct iommu_mem mem;
	struct vtd_builder_config cfg;
	uint64_t next; /* host page allocator */
	uint64_t root_table;
	struct bdom *dom[B_MAX_DOMAINS];
	char err[256];
	/* Invalidation queue: one page of 128 256-bit descriptors. */
	uint64_t iq, iq_status, iq_tail;
	uint32_t wait_seq;
	uint64_t iq_errors;
	struct vtd_attachment *att;
	size_t natt, catt;
	uint8_t devcaps[65536]; /* VTD_DEV_* by source ID */
	/* Page request queue (ECAP.PRS) and the requests read from it. */
	uint64_t prq, prq_bytes;
	struct iommu_page_req *pend;
	size_t npend, cpend;
	struct vtd_gpasid_record *binds;
	size_t nbinds, cbinds;
};

void vtd_builder_config_default(struct vtd_builder_config *cfg)
{
	*cfg = (struct vtd_builder_config){
		.alloc_base = 0x1000000000ull,  /* 64 GiB */
		.alloc_limit = 0x2000000000ull, /* 128 GiB */
		.pdts = 7,                      /* full 20-bit PASID space */
		.preset_ad = true,
		.sl_ad = false,
		.flush_on_attach = true,
		.prq_order = 0,
	};
}

void vtd_attach_init(struct vtd_attach *a, uint16_t sid, enum vtd_pgtt type)
{
	*a = (struct vtd_attach){
		.sid = sid,
		.type = type,
		.s1 = -1,
		.s2 = -1,
		.sre = true,
		.ere = true,
		.wpe = true,
		.nxe = true,
	};
}

const char *vtd_builder_error(const struct vtd_builder *b)
{
	return b->err;
}

__attribute__((format(printf, 3, 4))) static int b_fail(struct vtd_builder *b, int err,
							const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(b->err, sizeof(b->err), fmt, ap);
	va_end(ap);
	return -err;
}

/* --- Memory -------------------------------------------------------------- */

static int b_alloc(struct vtd_builder *b, unsigned pages, uint64_t *pa)
{
	static const uint8_t zero[IOMMU_PAGE_SIZE];
	uint64_t bytes = (uint64_t)pages * IOMMU_PAGE_SIZE;

	if (b->next + bytes > b->cfg.alloc_limit || b->next + bytes < b->next)
		return b_fail(b, IOMMU_ENOMEM, "table memory exhausted (alloc_limit 0x%llx)",
			      (unsigned long long)b->cfg.alloc_limit);
	for (unsigned i = 0; i < pages; i++) {
		if (b->mem.ops->write(b->mem.ctx, b->next + i * IOMMU_PAGE_SIZE, zero,
				      sizeof(zero)))
			return b_fail(b, IOMMU_EIO, "cannot write table memory at 0x%llx",
				      (unsigned long long)(b->next + i * IOMMU_PAGE_SIZE));
	}
	*pa = b->next;
	b->next += bytes;
	return 0;
}

int vtd_builder_alloc_page(struct vtd_builder *b, uint64_t *pa)
{
	return b_alloc(b, 1, pa);
}

static int b_rd(struct vtd_builder *b, uint64_t pa, uint64_t *v)
{
	if (iommu_mem_read64(&b->mem, pa, v))
		return b_fail(b, IOMMU_EIO, "cannot read table memory at 0x%llx",
			      (unsigned long long)pa);
	return 0;
}

static int b_wr(struct vtd_builder *b, uint64_t pa, uint64_t v)
{
	if (iommu_mem_write64(&b->mem, pa, v))
		return b_fail(b, IOMMU_EIO, "cannot write table memory at 0x%llx",
			      (unsigned long long)pa);
	return 0;
}

/* --- Entry formats --------------------------------------------------------- */

static bool b_present(const struct bdom *d, uint64_t pte)
{
	return d->stage == VTD_STAGE_S1 ? (pte & VTD_FL_P) : (pte & (VTD_SL_R | VTD_SL_W));
}

static bool b_is_leaf(const struct bdom *d, uint64_t pte, unsigned level)
{
	uint64_t ps = d->stage == VTD_STAGE_S1 ? VTD_FL_PS : VTD_SL_PS;

	return level == 1 || (level <= 3 && (pte & ps));
}

static uint64_t b_nonleaf(const struct vtd_builder *b, const struct bdom *d, uint64_t next)
{
	uint64_t a = b->cfg.preset_ad ? (d->stage == VTD_STAGE_S1 ? VTD_FL_A : VTD_SL_A) : 0;

	if (d->stage == VTD_STAGE_S1)
		return next | VTD_FL_P | VTD_FL_RW | VTD_FL_US | a;
	return next | VTD_SL_R | VTD_SL_W | VTD_SL_X | a;
}

static uint64_t b_leaf(const struct vtd_builder *b, const struct bdom *d, uint64_t pa,
		       unsigned level, unsigned perm, bool user)
{
	bool w = perm & IOMMU_PERM_W;
	uint64_t e = pa;

	if (d->stage == VTD_STAGE_S1) {
		e |= VTD_FL_P | (w ? VTD_FL_RW : 0) | (user ? VTD_FL_US : 0);
		e |= (perm & IOMMU_PERM_X) ? 0 : VTD_FL_XD;
		e |= level > 1 ? VTD_FL_PS : 0;
		if (b->cfg.preset_ad)
			e |= VTD_FL_A | (w ? VTD_FL_D : 0);
	} else {
		e |= (perm & IOMMU_PERM_R ? VTD_SL_R : 0) | (w ? VTD_SL_W : 0);
		e |= (perm & IOMMU_PERM_X ? VTD_SL_X : 0) | (level > 1 ? VTD_SL_PS : 0);
		if (b->cfg.preset_ad)
			e |= VTD_SL_A | (w ? VTD_SL_D : 0);
	}
	return e;
}

static unsigned b_index(uint64_t iova, unsigned level)
{
	return (iova >> VTD_LEVEL_SHIFT(level)) & 0x1FF;
}

/* --- Domains ----------------------------------------------------------------- */

static struct bdom *b_dom(const struct vtd_builder *b, unsigned id)
{
	return id < B_MAX_DOMAINS ? b->dom[id] : NULL;
}

static unsigned b_width(const struct bdom *d)
{
	return 12 + 9 * d->levels;
}

static int b_resolve(struct vtd_builder *b, const struct bdom *d, uint64_t iova, uint64_t *out);

/* Host-physical address of a table given in the domain's table space. */
static int b_table_pa(struct vtd_builder *b, const struct bdom *d, uint64_t table, uint64_t *pa)
{
	if (d->parent < 0) {
		*pa = table;
		return 0;
	}
	return b_resolve(b, b->dom[d->parent], table, pa);
}

/*
 * Walks d towards the entry for iova at target level. Creates missing tables
 * when create is set. Returns 0 with *pte_pa (host-physical), -IOMMU_EEXIST
 * when a leaf above target covers iova (*hit_level says where), or
 * -IOMMU_ENOENT when a table is missing and create is not set.
 */
static int b_entry(struct vtd_builder *b, struct bdom *d, uint64_t iova, unsigned target,
		   bool create, uint64_t *pte_pa, unsigned *hit_level);

static int b_new_table(struct vtd_builder *b, struct bdom *d, uint64_t *table)
{
	struct bdom *p;
	uint64_t hpa, pte_pa;
	unsigned hit;
	int rc = b_alloc(b, 1, &hpa);

	if (rc)
		return rc;
	if (d->parent < 0) {
		*table = hpa;
		return 0;
	}
	p = b->dom[d->parent];
	if (p->gpa_next >= p->gpa_end)
		return b_fail(b, IOMMU_ENOMEM, "domain %u: guest table window of domain %u is full",
			      d->id, p->id);
	rc = b_entry(b, p, p->gpa_next, 1, true, &pte_pa, &hit);
	if (rc == -IOMMU_EEXIST)
		return b_fail(b, IOMMU_EEXIST,
			      "domain %u: guest-physical 0x%llx for its tables is already mapped "
			      "in domain %u",
			      d->id, (unsigned long long)p->gpa_next, p->id);
	if (rc)
		return rc;
	rc = b_wr(b, pte_pa, b_leaf(b, p, hpa, 1, IOMMU_PERM_R | IOMMU_PERM_W, false));
	if (rc)
		return rc;
	*table = p->gpa_next;
	p->gpa_next += IOMMU_PAGE_SIZE;
	return 0;
}

static int b_entry(struct vtd_builder *b, struct bdom *d, uint64_t iova, unsigned target,
		   bool create, uint64_t *pte_pa, unsigned *hit_level)
{
	uint64_t table = d->root;

	for (unsigned level = d->levels;; level--) {
		uint64_t tpa, pte, next;
		int rc = b_table_pa(b, d, table, &tpa);

		if (rc)
			return rc;
		*pte_pa = tpa + b_index(iova, level) * 8;
		*hit_level = level;
		if (level == target)
			return 0;
		rc = b_rd(b, *pte_pa, &pte);
		if (rc)
			return rc;
		if (!b_present(d, pte)) {
			if (!create)
				return -IOMMU_ENOENT;
			rc = b_new_table(b, d, &next);
			if (!rc)
				rc = b_wr(b, *pte_pa, b_nonleaf(b, d, next));
			if (rc)
				return rc;
		} else if (b_is_leaf(d, pte, level)) {
			return -IOMMU_EEXIST;
		} else {
			next = pte & VTD_FL_ADDR;
		}
		table = next;
	}
}

/* Software walk to the leaf mapping iova in d: *out = output address. */
static int b_lookup(struct vtd_builder *b, const struct bdom *d, uint64_t iova, uint64_t *pte_pa,
		    unsigned *level, uint64_t *pte)
{
	uint64_t table = d->root;

	for (unsigned l = d->levels; l >= 1; l--) {
		uint64_t tpa;
		int rc = b_table_pa(b, d, table, &tpa);

		if (!rc)
			rc = b_rd(b, tpa + b_index(iova, l) * 8, pte);
		if (rc)
			return rc;
		if (!b_present(d, *pte))
			return -IOMMU_ENOENT;
		if (b_is_leaf(d, *pte, l)) {
			*pte_pa = tpa + b_index(iova, l) * 8;
			*level = l;
			return 0;
		}
		table = *pte & VTD_FL_ADDR;
	}
	return -IOMMU_ENOENT;
}

static int b_resolve(struct vtd_builder *b, const struct bdom *d, uint64_t iova, uint64_t *out)
{
	uint64_t pte_pa, pte, size;
	unsigned level;
	int rc = b_lookup(b, d, iova, &pte_pa, &level, &pte);

	if (rc == -IOMMU_ENOENT)
		return b_fail(b, IOMMU_ENOENT, "domain %u: 0x%llx is not mapped", d->id,
			      (unsigned long long)iova);
	if (rc)
		return rc;
	size = 1ull << VTD_LEVEL_SHIFT(level);
	*out = (pte & VTD_FL_ADDR & ~(size - 1)) | (iova & (size - 1));
	return 0;
}

/* True when the table at table (domain space) and below maps nothing. */
static bool b_subtree_empty(struct vtd_builder *b, const struct bdom *d, uint64_t table,
			    unsigned level)
{
	uint64_t tpa, pte;

	if (b_table_pa(b, d, table, &tpa))
		return false;
	for (unsigned i = 0; i < 512; i++) {
		if (b_rd(b, tpa + i * 8, &pte))
			return false;
		if (!b_present(d, pte))
			continue;
		if (b_is_leaf(d, pte, level) ||
		    !b_subtree_empty(b, d, pte & VTD_FL_ADDR, level - 1))
			return false;
	}
	return true;
}

int vtd_builder_domain(struct vtd_builder *b, unsigned id, enum vtd_stage stage, unsigned levels,
		       int parent)
{
	const struct iommu_config *c = iommu_cfg(b->mmu);
	struct bdom *d, *p = NULL;
	int rc;

	if (id == 0 || id >= B_MAX_DOMAINS)
		return b_fail(b, IOMMU_EINVAL, "domain id %u out of range, expected 1..65535", id);
	if (b->dom[id])
		return b_fail(b, IOMMU_EEXIST, "domain %u already exists", id);
	if (stage == VTD_STAGE_S1) {
		if (levels != 4 && levels != 5)
			return b_fail(b, IOMMU_EINVAL, "s1 domain %u: levels %u, expected 4 or 5",
				      id, levels);
		if (levels == 5 && !c->fl_5level)
			return b_fail(b, IOMMU_ENOTSUP,
				      "s1 domain %u: 5-level paging not supported (CAP.FL5LP = 0)",
				      id);
	} else if (stage == VTD_STAGE_S2) {
		if (levels < 3 || levels > 5)
			return b_fail(b, IOMMU_EINVAL,
				      "s2 domain %u: levels %u, expected 3, 4 or 5", id, levels);
		if (!(c->sagaw & (1u << (levels - 2))))
			return b_fail(b, IOMMU_ENOTSUP,
				      "s2 domain %u: %u-level tables not in CAP.SAGAW", id, levels);
		if (parent >= 0)
			return b_fail(b, IOMMU_EINVAL,
				      "s2 domain %u: only s1 domains take a parent", id);
	} else {
		return b_fail(b, IOMMU_EINVAL, "domain %u: unknown stage", id);
	}
	if (parent >= 0) {
		p = b_dom(b, (unsigned)parent);
		if (!p || p->stage != VTD_STAGE_S2)
			return b_fail(b, IOMMU_ENOENT,
				      "s1 domain %u: parent %d is not an s2 domain", id, parent);
	}
	d = calloc(1, sizeof(*d));
	if (!d)
		return b_fail(b, IOMMU_ENOMEM, "out of memory");
	*d = (struct bdom){.id = id, .stage = stage, .levels = levels, .parent = parent};
	if (stage == VTD_STAGE_S2) {
		/* Guest table window: the top 1 GiB below both the domain's width
		 * and HAW, so that first-level entries can hold its addresses. */
		unsigned w = b_width(d) < c->mgaw ? b_width(d) : c->mgaw;

		w = w < c->haw ? w : c->haw;

		d->gpa_end = 1ull << w;
		d->gpa_next = d->gpa_end - B_GUEST_TABLE_WINDOW;
	}
	rc = b_new_table(b, d, &d->root);
	if (rc) {
		free(d);
		return rc;
	}
	b->dom[id] = d;
	return 0;
}

bool vtd_builder_has_domain(const struct vtd_builder *b, unsigned id)
{
	return b_dom(b, id) != NULL;
}

uint64_t vtd_builder_domain_root(const struct vtd_builder *b, unsigned id)
{
	const struct bdom *d = b_dom(b, id);

	return d ? d->root : 0;
}

/* --- Map / unmap ---------------------------------------------------------------- */

/* Checks iova/pa ranges of a mapping request against the domain's widths. */
static int b_check_range(struct vtd_builder *b, const struct bdom *d, uint64_t iova, uint64_t pa,
			 uint64_t size)
{
	const struct iommu_config *c = iommu_cfg(b->mmu);
	unsigned w = b_width(d);
	uint64_t last = iova + size - 1, pa_last = pa + size - 1;
	unsigned out_bits = c->haw;

	if (size == 0 || size % IOMMU_PAGE_SIZE)
		return b_fail(b, IOMMU_EINVAL, "size 0x%llx is not a non-zero multiple of 4K",
			      (unsigned long long)size);
	if ((iova | pa) % IOMMU_PAGE_SIZE)
		return b_fail(b, IOMMU_EINVAL, "iova 0x%llx / pa 0x%llx not 4K-aligned",
			      (unsigned long long)iova, (unsigned long long)pa);
	if (last < iova || pa_last < pa)
		return b_fail(b, IOMMU_ERANGE, "range wraps around the address space");
	if (d->stage == VTD_STAGE_S1) {
		if (!vtd_fl_canonical(iova, d->levels) || !vtd_fl_canonical(last, d->levels) ||
		    (iova >> (w - 1)) != (last >> (w - 1)))
			return b_fail(
				b, IOMMU_ERANGE,
				"domain %u: iova range 0x%llx+0x%llx is not canonical for %u bits",
				d->id, (unsigned long long)iova, (unsigned long long)size, w);
	} else if (last >> w) {
		return b_fail(b, IOMMU_ERANGE,
			      "domain %u: iova 0x%llx beyond the %u-bit address space", d->id,
			      (unsigned long long)last, w);
	}
	if (d->parent >= 0)
		out_bits = b_width(b->dom[d->parent]);
	if (pa_last >> out_bits)
		return b_fail(b, IOMMU_ERANGE,
			      "domain %u: pa 0x%llx beyond the %u-bit %s address space", d->id,
			      (unsigned long long)pa_last, out_bits,
			      d->parent >= 0 ? "guest-physical" : "host-physical");
	return 0;
}

static bool b_size_ok(const struct vtd_builder *b, const struct bdom *d, unsigned level)
{
	const struct iommu_config *c = iommu_cfg(b->mmu);

	if (level == 1)
		return true;
	if (d->stage == VTD_STAGE_S1)
		return level == 2 || (level == 3 && c->fl_1g);
	return (level == 2 && c->sl_2m) || (level == 3 && c->sl_1g);
}

/* One page at level: dry_run only checks that it is free. */
static int b_map_one(struct vtd_builder *b, struct bdom *d, uint64_t iova, uint64_t pa,
		     unsigned level, unsigned perm, bool user, bool dry_run)
{
	uint64_t pte_pa, pte;
	unsigned hit;
	int rc = b_entry(b, d, iova, level, !dry_run, &pte_pa, &hit);

	if (rc == -IOMMU_ENOENT && dry_run)
		return 0; /* a missing table maps nothing */
	if (rc == -IOMMU_EEXIST)
		goto overlap;
	if (rc)
		return rc;
	rc = b_rd(b, pte_pa, &pte);
	if (rc)
		return rc;
	if (b_present(d, pte)) {
		if (b_is_leaf(d, pte, level) ||
		    !b_subtree_empty(b, d, pte & VTD_FL_ADDR, level - 1))
			goto overlap;
	}
	return dry_run ? 0 : b_wr(b, pte_pa, b_leaf(b, d, pa, level, perm, user));
overlap:
	return b_fail(b, IOMMU_EEXIST, "domain %u: iova 0x%llx overlaps an existing mapping", d->id,
		      (unsigned long long)iova);
}

/* Maps [iova, iova+size) with pages of page_level, or the largest allowed
 * by alignment when page_level is 0. */
static int b_map(struct vtd_builder *b, unsigned id, uint64_t iova, uint64_t pa, uint64_t size,
		 unsigned perm, bool user, unsigned page_level)
{
	struct bdom *d = b_dom(b, id);
	int rc;

	if (!d)
		return b_fail(b, IOMMU_ENOENT, "domain %u does not exist", id);
	if (!(perm & (IOMMU_PERM_R | IOMMU_PERM_W)) ||
	    (perm & ~(IOMMU_PERM_R | IOMMU_PERM_W | IOMMU_PERM_X)))
		return b_fail(b, IOMMU_EINVAL, "permission must include r or w");
	rc = b_check_range(b, d, iova, pa, size);
	if (rc)
		return rc;
	/* Two passes: check every page is free, then write, so that a failed
	 * map leaves the tables as they were. */
	for (int pass = 0; pass < 2; pass++) {
		uint64_t off = 0;

		while (off < size) {
			unsigned level = page_level;
			uint64_t ps;

			if (!level) {
				for (level = 3; level > 1; level--) {
					ps = 1ull << VTD_LEVEL_SHIFT(level);
					if (b_size_ok(b, d, level) && !((iova + off) % ps) &&
					    !((pa + off) % ps) && size - off >= ps)
						break;
				}
			}
			ps = 1ull << VTD_LEVEL_SHIFT(level);
			rc = b_map_one(b, d, iova + off, pa + off, level, perm, user, pass == 0);
			if (rc)
				return rc;
			off += ps;
		}
	}
	return 0;
}

int vtd_builder_map(struct vtd_builder *b, unsigned id, uint64_t iova, uint64_t pa, uint64_t size,
		    unsigned perm, bool user)
{
	return b_map(b, id, iova, pa, size, perm, user, 0);
}

int vtd_builder_map_page(struct vtd_builder *b, unsigned id, uint64_t iova, uint64_t pa,
			 uint64_t page_size, unsigned perm, bool user)
{
	const struct bdom *d = b_dom(b, id);
	unsigned level = page_size == (1ull << 12)   ? 1
			 : page_size == (1ull << 21) ? 2
			 : page_size == (1ull << 30) ? 3
						     : 0;

	if (!d)
		return b_fail(b, IOMMU_ENOENT, "domain %u does not exist", id);
	if (!level)
		return b_fail(b, IOMMU_EINVAL, "page size 0x%llx, expected 4K, 2M or 1G",
			      (unsigned long long)page_size);
	if (!b_size_ok(b, d, level))
		return b_fail(b, IOMMU_ENOTSUP, "domain %u: %s pages not supported by the hardware",
			      id, level == 2 ? "2M" : "1G");
	if ((iova | pa) & (page_size - 1))
		return b_fail(b, IOMMU_EINVAL,
			      "iova 0x%llx / pa 0x%llx not aligned to the page size",
			      (unsigned long long)iova, (unsigned long long)pa);
	return b_map(b, id, iova, pa, page_size, perm, user, level);
}

int vtd_builder_unmap(struct vtd_builder *b, unsigned id, uint64_t iova, uint64_t size)
{
	struct bdom *d = b_dom(b, id);
	int rc;

	if (!d)
		return b_fail(b, IOMMU_ENOENT, "domain %u does not exist", id);
	if (size == 0 || size % IOMMU_PAGE_SIZE || iova % IOMMU_PAGE_SIZE || iova + size < iova)
		return b_fail(b, IOMMU_EINVAL, "iova 0x%llx size 0x%llx not 4K-aligned",
			      (unsigned long long)iova, (unsigned long long)size);
	for (int pass = 0; pass < 2; pass++) {
		uint64_t off = 0;

		while (off < size) {
			uint64_t pte_pa, pte, ps;
			unsigned level;

			rc = b_lookup(b, d, iova + off, &pte_pa, &level, &pte);
			if (rc == -IOMMU_ENOENT)
				return b_fail(b, IOMMU_ENOENT,
					      "domain %u: iova 0x%llx is not mapped", id,
					      (unsigned long long)(iova + off));
			if (rc)
				return rc;
			ps = 1ull << VTD_LEVEL_SHIFT(level);
			if ((iova + off) % ps || size - off < ps)
				return b_fail(b, IOMMU_EINVAL,
					      "domain %u: unmap of 0x%llx+0x%llx would split the "
					      "%s page at 0x%llx",
					      id, (unsigned long long)iova,
					      (unsigned long long)size, level == 3 ? "1G" : "2M",
					      (unsigned long long)((iova + off) & ~(ps - 1)));
			if (pass == 1) {
				rc = b_wr(b, pte_pa, 0);
				if (rc)
					return rc;
			}
			off += ps;
		}
	}
	return 0;
}

int vtd_builder_leaf(const struct vtd_builder *b, unsigned id, uint64_t iova, uint64_t *pte_pa,
		     unsigned *level)
{
	/* Lookups only read; the builder is mutable for its error buffer. */
	struct vtd_builder *mb = (struct vtd_builder *)b;
	const struct bdom *d = b_dom(b, id);
	uint64_t pte;

	if (!d)
		return -IOMMU_ENOENT;
	return b_lookup(mb, d, iova, pte_pa, level, &pte);
}

/* --- Invalidation queue ------------------------------------------------------------ */

unsigned vtd_builder_service_faults(struct vtd_builder *b)
{
	unsigned nfr = iommu_cfg(b->mmu)->nfr, n = 0;

	for (unsigned i = 0; i < nfr; i++) {
		uint32_t off = VTD_FRCD_OFFSET + i * VTD_FRCD_SIZE + 12;

		if (iommu_reg_read(b->mmu, off, 4) & (1u << 31)) {
			iommu_reg_write(b->mmu, off, 4, 1u << 31);
			n++;
		}
	}
	iommu_reg_write(b->mmu, VTD_REG_FSTS, 4, VTD_FSTS_PFO);
	return n;
}

uint64_t vtd_builder_queue_errors(const struct vtd_builder *b)
{
	return b->iq_errors;
}

/* The queue stopped (IQE, ITE): software's recovery, -EIO; else 0. */
static int b_queue_check(struct vtd_builder *b)
{
	uint32_t fsts = (uint32_t)iommu_reg_read(b->mmu, VTD_REG_FSTS, 4);

	if (fsts & VTD_FSTS_IQE) {
		/* Linux's recovery: overwrite the bad descriptor with a wait,
		 * clear IQE; the queue resumes from IQH. */
		uint64_t head = iommu_reg_read(b->mmu, VTD_REG_IQH, 8) & VTD_IQ_QH;
		unsigned iqei = iommu_reg_read(b->mmu, VTD_REG_IQER, 8) & VTD_IQER_IQEI;
		uint64_t nop[4];

		vtd_desc_wait(nop, 0, 0, 0);
		for (unsigned i = 0; i < 4; i++)
			b_wr(b, b->iq + head + 8 * i, nop[i]);
		iommu_reg_write(b->mmu, VTD_REG_FSTS, 4, VTD_FSTS_IQE);
		b->iq_errors++;
		return b_fail(b, IOMMU_EIO, "invalidation queue error IQE (IQEI %u) at IQH 0x%llx",
			      iqei, (unsigned long long)head);
	}
	if (fsts & VTD_FSTS_ITE) {
		uint16_t sid = (uint16_t)FIELD_GET64(VTD_IQER_ITESID,
						     iommu_reg_read(b->mmu, VTD_REG_IQER, 8));

		iommu_reg_write(b->mmu, VTD_REG_FSTS, 4, VTD_FSTS_ITE);
		b->iq_errors++;
		return b_fail(b, IOMMU_EIO,
			      "device-TLB invalidation to %02x:%02x.%x timed out (ITE); queued "
			      "work aborted",
			      sid >> 8, (sid >> 3) & 0x1F, sid & 7);
	}
	return 0;
}

/* Lets the hardware run while software polls (a timing engine drives the
 * queue); non-zero when nothing more can happen (or no engine: the queue
 * ran at the IQT write). */
static int b_spin(struct vtd_builder *b)
{
	return b->mmu->spin ? b->mmu->spin(b->mmu->spin_ctx) : 1;
}

/* Writes one descriptor at the tail and moves IQT. */
static int b_post(struct vtd_builder *b, const uint64_t qw[4])
{
	int rc = 0;

	for (unsigned i = 0; i < 4 && !rc; i++)
		rc = b_wr(b, b->iq + b->iq_tail + 8 * i, qw[i]);
	if (rc)
		return rc;
	b->iq_tail = (b->iq_tail + 32) % IOMMU_PAGE_SIZE;
	iommu_reg_write(b->mmu, VTD_REG_IQT, 8, b->iq_tail);
	return b_queue_check(b);
}

int vtd_builder_submit(struct vtd_builder *b, const uint64_t qw[4])
{
	int rc = b_post(b, qw);

	/* Until the hardware has taken it up (IQH reached IQT) or stopped. */
	while (!rc && iommu_qi_ready(b->mmu) && !b_spin(b))
		;
	return rc ? rc : b_queue_check(b);
}

int vtd_builder_wait_flags(struct vtd_builder *b, unsigned flags)
{
	uint64_t qw[4], status;
	uint32_t seq = ++b->wait_seq;
	int rc;

	vtd_desc_wait(qw, flags | VTD_WAIT_SW, b->iq_status, seq);
	rc = b_post(b, qw);
	/* Software spins on the status word (and on IQE/ITE). */
	for (;;) {
		if (rc)
			return rc;
		rc = b_rd(b, b->iq_status, &status);
		if (rc)
			return rc;
		if ((uint32_t)status == seq)
			return 0;
		if (b_spin(b))
			break;
		rc = b_queue_check(b);
	}
	return b_fail(b, IOMMU_EIO,
		      "invalidation wait did not complete (status 0x%x, expected 0x%x)",
		      (uint32_t)status, seq);
}

int vtd_builder_wait(struct vtd_builder *b)
{
	return vtd_builder_wait_flags(b, VTD_WAIT_FN);
}

/* Descriptors of one flush, without repeats. */
struct b_batch {
	uint64_t qw[64][4];
	unsigned n;
};

static void batch_add(struct b_batch *bt, const uint64_t qw[4])
{
	for (unsigned i = 0; i < bt->n; i++) {
		if (bt->qw[i][0] == qw[0] && bt->qw[i][1] == qw[1])
			return;
	}
	if (bt->n < 64) {
		for (unsigned w = 0; w < 4; w++)
			bt->qw[bt->n][w] = qw[w];
		bt->n++;
	}
}

static int batch_send(struct vtd_builder *b, const struct b_batch *bt)
{
	int rc = 0;

	for (unsigned i = 0; i < bt->n && !rc; i++)
		rc = b_post(b, bt->qw[i]);
	return rc ? rc : vtd_builder_wait(b);
}

/* Device-TLB invalidation for one attachment over [iova, iova+size). */
static void batch_devtlb(struct b_batch *bt, const struct vtd_attachment *a, uint64_t iova,
			 uint64_t size)
{
	uint64_t qw[4];

	if (!a->dte)
		return;
	if (a->has_pasid)
		vtd_desc_pdevtlb(qw, a->sid, a->pasid, false, iova, size);
	else
		vtd_desc_devtlb(qw, a->sid, iova, size);
	batch_add(bt, qw);
}

int vtd_builder_flush(struct vtd_builder *b, unsigned id, bool has_pasid, uint32_t pasid,
		      uint64_t iova, uint64_t size, bool leaf)
{
	static struct b_batch zero;
	struct b_batch bt = zero;
	uint64_t aligned = 0, span = 0;
	unsigned am = 0;
	bool psi = size != 0;
	int rc;

	if (!b_dom(b, id))
		return b_fail(b, IOMMU_ENOENT, "domain %u does not exist", id);
	if (psi) {
		am = vtd_desc_am(iova, size, &aligned);
		span = IOMMU_PAGE_SIZE << am;
		psi = am <= VTD_MAMV; /* larger: domain- or PASID-selective, as Linux does */
	}
	for (size_t i = 0; i < b->natt; i++) {
		const struct vtd_attachment *a = &b->att[i];
		bool fl =
			(a->type == VTD_PGTT_FL || a->type == VTD_PGTT_NESTED) && a->s1 == (int)id;
		bool sl =
			(a->type == VTD_PGTT_SL || a->type == VTD_PGTT_NESTED) && a->s2 == (int)id;
		uint64_t qw[4];

		if ((!fl && !sl) || (has_pasid && a->pasid != pasid))
			continue;
		if (fl) {
			vtd_desc_piotlb(qw, psi ? VTD_PIOTLB_PSI : VTD_PIOTLB_ALL, a->did, a->pasid,
					aligned, am, leaf);
			batch_add(&bt, qw);
			batch_devtlb(&bt, a, aligned, psi ? span : 0);
		}
		if (sl) {
			vtd_desc_iotlb(qw, psi ? VTD_IOTLB_PAGE : VTD_IOTLB_DOMAIN, a->did, aligned,
				       am, leaf);
			batch_add(&bt, qw);
			/* Device TLBs of nested attachments hold guest-virtual
			 * addresses: a second-level change flushes them whole. */
			batch_devtlb(&bt, a, aligned, psi && a->type == VTD_PGTT_SL ? span : 0);
		}
	}
	rc = batch_send(b, &bt);
	return rc ? rc : (int)bt.n;
}

/* --- Attachments -------------------------------------------------------------------- */

size_t vtd_builder_attachments(const struct vtd_builder *b, const struct vtd_attachment **list)
{
	*list = b->att;
	return b->natt;
}

static struct vtd_attachment *att_find(struct vtd_builder *b, uint16_t sid, uint32_t pasid)
{
	for (size_t i = 0; i < b->natt; i++) {
		if (b->att[i].sid == sid && b->att[i].pasid == pasid)
			return &b->att[i];
	}
	return NULL;
}

static int att_set(struct vtd_builder *b, const struct vtd_attachment *a)
{
	struct vtd_attachment *old = att_find(b, a->sid, a->pasid);

	if (old) {
		*old = *a;
		return 0;
	}
	if (b->natt == b->catt) {
		size_t n = b->catt ? 2 * b->catt : 16;
		struct vtd_attachment *na = realloc(b->att, n * sizeof(*na));

		if (!na)
			return b_fail(b, IOMMU_ENOMEM, "out of memory");
		b->att = na;
		b->catt = n;
	}
	b->att[b->natt++] = *a;
	return 0;
}

static void att_remove(struct vtd_builder *b, uint16_t sid, uint32_t pasid)
{
	struct vtd_attachment *a = att_find(b, sid, pasid);

	if (a)
		*a = b->att[--b->natt];
}

/* What a driver sends when a present PASID entry is torn down or replaced:
 * PASID cache for the PASID, the IOTLB of its domain, the device TLB. */
static int b_pasid_teardown(struct vtd_builder *b, uint16_t sid, bool has_pasid, uint32_t pasid,
			    const uint64_t pe[2], bool dte)
{
	static struct b_batch zero;
	struct b_batch bt = zero;
	uint16_t did = (uint16_t)FIELD_GET64(VTD_PE1_DID, pe[1]);
	unsigned pgtt = (unsigned)FIELD_GET64(VTD_PE0_PGTT, pe[0]);
	struct vtd_attachment a = {.sid = sid, .has_pasid = has_pasid, .pasid = pasid, .dte = dte};
	uint64_t qw[4];

	if (!b->cfg.flush_on_attach)
		return 0;
	vtd_desc_pc(qw, VTD_PC_PASID_SEL, did, pasid);
	batch_add(&bt, qw);
	if (pgtt == VTD_PGTT_FL || pgtt == VTD_PGTT_NESTED)
		vtd_desc_piotlb(qw, VTD_PIOTLB_ALL, did, pasid, 0, 0, false);
	else
		vtd_desc_iotlb(qw, VTD_IOTLB_DOMAIN, did, 0, 0, false);
	batch_add(&bt, qw);
	batch_devtlb(&bt, &a, 0, 0);
	return batch_send(b, &bt);
}

/* A present context entry changed: context cache for the device. */
static int b_context_changed(struct vtd_builder *b, uint16_t sid)
{
	uint64_t qw[4];
	int rc;

	if (!b->cfg.flush_on_attach)
		return 0;
	vtd_desc_cc(qw, VTD_CC_DEVICE, 0, sid, 0);
	rc = b_post(b, qw);
	return rc ? rc : vtd_builder_wait(b);
}

static void bind_forget(struct vtd_builder *b, uint16_t sid, uint32_t hpasid);
static int b_drain(struct vtd_builder *b, uint16_t sid, bool has_pasid, uint32_t pasid,
		   uint16_t did, bool dte);

/* --- Devices: root, context, PASID structures ------------------------------------- */

/* Context entry of sid, created (with its PASID directory) when create. */
static int b_context(struct vtd_builder *b, uint16_t sid, bool create, uint64_t *ce_pa,
		     bool *created)
{
	unsigned bus = sid >> 8, devfn = sid & 0xFF;
	uint64_t re_pa = b->root_table + bus * 16 + (devfn < 0x80 ? 0 : 8);
	uint64_t re, ctp, ce0, dir;
	int rc = b_rd(b, re_pa, &re);

	if (created)
		*created = false;
	if (rc)
		return rc;
	if (!(re & VTD_RE_P)) {
		if (!create)
			return -IOMMU_ENOENT;
		rc = b_alloc(b, 1, &ctp);
		if (!rc)
			rc = b_wr(b, re_pa, ctp | VTD_RE_P);
		if (rc)
			return rc;
		re = ctp | VTD_RE_P;
	}
	*ce_pa = (re & VTD_RE_CTP) + (devfn & 0x7F) * 32;
	rc = b_rd(b, *ce_pa, &ce0);
	if (rc || (ce0 & VTD_CE0_P))
		return rc;
	if (!create)
		return -IOMMU_ENOENT;
	/* New context entry: a PASID directory of 2^(PDTS+7) 8-byte entries,
	 * RID_PASID = 0. */
	rc = b_alloc(b,
		     VTD_PDTS_ENTRIES(b->cfg.pdts) * 8 / IOMMU_PAGE_SIZE
			     ? VTD_PDTS_ENTRIES(b->cfg.pdts) * 8 / IOMMU_PAGE_SIZE
			     : 1,
		     &dir);
	if (rc)
		return rc;
	if (created)
		*created = true;
	return b_wr(b, *ce_pa, dir | FIELD_PREP64(VTD_CE0_PDTS, b->cfg.pdts) | VTD_CE0_P);
}

/* PASID table entry for pasid under the context entry at ce_pa. */
static int b_pasid_entry(struct vtd_builder *b, uint64_t ce_pa, uint32_t pasid, bool create,
			 uint64_t *pe_pa)
{
	uint64_t ce0, pde, pt;
	int rc = b_rd(b, ce_pa, &ce0);

	if (rc)
		return rc;
	if ((pasid >> 6) >= VTD_PDTS_ENTRIES(FIELD_GET64(VTD_CE0_PDTS, ce0)))
		return b_fail(b, IOMMU_ERANGE,
			      "PASID 0x%x beyond the device's PASID directory (PDTS %u)", pasid,
			      (unsigned)FIELD_GET64(VTD_CE0_PDTS, ce0));
	rc = b_rd(b, (ce0 & VTD_CE0_PDTP) + VTD_PASID_DIR_INDEX(pasid) * 8, &pde);
	if (rc)
		return rc;
	if (!(pde & VTD_PDE_P)) {
		if (!create)
			return -IOMMU_ENOENT;
		rc = b_alloc(b, 1, &pt);
		if (!rc)
			rc = b_wr(b, (ce0 & VTD_CE0_PDTP) + VTD_PASID_DIR_INDEX(pasid) * 8,
				  pt | VTD_PDE_P);
		if (rc)
			return rc;
		pde = pt | VTD_PDE_P;
	}
	*pe_pa = (pde & VTD_PDE_PTP) + VTD_PASID_TBL_INDEX(pasid) * 64;
	return 0;
}

static int b_attach_check(struct vtd_builder *b, const struct vtd_attach *a, struct bdom **s1,
			  struct bdom **s2)
{
	const struct iommu_config *c = iommu_cfg(b->mmu);
	bool want1 = a->type == VTD_PGTT_FL || a->type == VTD_PGTT_NESTED;
	bool want2 = a->type == VTD_PGTT_SL || a->type == VTD_PGTT_NESTED;

	if (a->type < VTD_PGTT_FL || a->type > VTD_PGTT_PT)
		return b_fail(b, IOMMU_EINVAL, "unknown translation type %d", a->type);
	if ((a->type == VTD_PGTT_NESTED && !c->nested) ||
	    (a->type == VTD_PGTT_PT && !c->pass_through))
		return b_fail(b, IOMMU_ENOTSUP, "translation type not supported by the hardware");
	if (a->has_pasid && (a->pasid > 0xFFFFF || (a->pasid >> c->pasid_bits)))
		return b_fail(b, IOMMU_ERANGE, "PASID 0x%x beyond the %u-bit PASID width", a->pasid,
			      c->pasid_bits);
	*s1 = want1 && a->s1 >= 0 ? b_dom(b, (unsigned)a->s1) : NULL;
	*s2 = want2 && a->s2 >= 0 ? b_dom(b, (unsigned)a->s2) : NULL;
	if (want1 && (!*s1 || (*s1)->stage != VTD_STAGE_S1))
		return b_fail(b, IOMMU_ENOENT, "s1 domain %d does not exist", a->s1);
	if (want2 && (!*s2 || (*s2)->stage != VTD_STAGE_S2))
		return b_fail(b, IOMMU_ENOENT, "s2 domain %d does not exist", a->s2);
	if (a->type == VTD_PGTT_FL && (*s1)->parent >= 0)
		return b_fail(
			b, IOMMU_EINVAL,
			"s1 domain %d has guest-physical tables (parent %d): attach it nested",
			a->s1, (*s1)->parent);
	if (a->type == VTD_PGTT_NESTED && (*s1)->parent != a->s2)
		return b_fail(b, IOMMU_EINVAL, "s1 domain %d is not nested under s2 domain %d",
			      a->s1, a->s2);
	return 0;
}

int vtd_builder_attach(struct vtd_builder *b, const struct vtd_attach *a)
{
	struct vtd_pasid_entry pe = {{0}};
	struct bdom *s1 = NULL, *s2 = NULL;
	uint64_t ce_pa, ce0, ce1, pe_pa, old[2];
	struct vtd_attachment rec;
	int qerr = 0;
	bool created;
	uint32_t pasid;
	int rc = b_attach_check(b, a, &s1, &s2);

	if (!rc)
		rc = b_context(b, a->sid, true, &ce_pa, &created);
	if (!rc)
		rc = b_rd(b, ce_pa, &ce0);
	if (!rc)
		rc = b_rd(b, ce_pa + 8, &ce1);
	if (rc)
		return rc;
	if ((a->has_pasid && !(ce0 & VTD_CE0_PASIDE)) || (a->dte && !(ce0 & VTD_CE0_DTE))) {
		ce0 |= (a->has_pasid ? VTD_CE0_PASIDE : 0) | (a->dte ? VTD_CE0_DTE : 0);
		rc = b_wr(b, ce_pa, ce0);
		if (!rc && !created)
			rc = b_context_changed(b, a->sid);
		if (rc && rc != -IOMMU_EIO)
			return rc;
		qerr = rc; /* a queue error: reported, the attach goes on */
		rc = 0;
	}
	pasid = a->has_pasid ? a->pasid : (uint32_t)FIELD_GET64(VTD_CE1_RID_PASID, ce1);
	rc = b_pasid_entry(b, ce_pa, pasid, true, &pe_pa);
	if (!rc)
		rc = b_rd(b, pe_pa, &old[0]);
	if (!rc)
		rc = b_rd(b, pe_pa + 8, &old[1]);
	if (rc)
		return rc;
	if (old[0] & VTD_PE0_P) {
		/* Replacing a live entry: tear it down first, as a driver does. A
		 * queue error (IQE/ITE, -IOMMU_EIO) is the hardware's answer, not a
		 * reason to stop: the new entry is still written, and the error
		 * returned once the attachment is recorded. */
		for (unsigned i = 0; i < 8 && !rc; i++)
			rc = b_wr(b, pe_pa + 8 * i, 0);
		if (!rc)
			rc = b_pasid_teardown(b, a->sid, a->has_pasid, pasid, old,
					      (ce0 & VTD_CE0_DTE) != 0);
		if (rc && rc != -IOMMU_EIO)
			return rc;
		qerr = qerr ? qerr : rc;
		rc = 0;
	}

	pe.qw[0] = VTD_PE0_P | FIELD_PREP64(VTD_PE0_PGTT, a->type);
	switch (a->type) {
	case VTD_PGTT_PT: pe.qw[1] = FIELD_PREP64(VTD_PE1_DID, a->did); break;
	case VTD_PGTT_FL: pe.qw[1] = FIELD_PREP64(VTD_PE1_DID, s1->id); break;
	default: /* second-level and nested: tagged with the s2 domain */
		pe.qw[0] |= FIELD_PREP64(VTD_PE0_AW, s2->levels - 2) | VTD_PE0_SSEE | s2->root;
		if (b->cfg.sl_ad)
			pe.qw[0] |= VTD_PE0_SSADE;
		pe.qw[1] = FIELD_PREP64(VTD_PE1_DID, s2->id);
		break;
	}
	if (s1) {
		pe.qw[2] = s1->root | FIELD_PREP64(VTD_PE2_FLPM, s1->levels == 5);
		pe.qw[2] |= (a->sre ? VTD_PE2_SRE : 0) | (a->ere ? VTD_PE2_ERE : 0);
		pe.qw[2] |= (a->wpe ? VTD_PE2_WPE : 0) | (a->nxe ? VTD_PE2_NXE : 0);
	}
	/* Words 1..7 first, then word 0 with P, as a driver orders the stores. */
	for (int i = 7; i >= 0; i--) {
		rc = b_wr(b, pe_pa + 8 * (unsigned)i, pe.qw[i]);
		if (rc)
			return rc;
	}
	rec = (struct vtd_attachment){
		.sid = a->sid,
		.has_pasid = a->has_pasid,
		.pasid = pasid,
		.type = a->type,
		.s1 = s1 ? (int)s1->id : -1,
		.s2 = s2 ? (int)s2->id : -1,
		.did = (uint16_t)FIELD_GET64(VTD_PE1_DID, pe.qw[1]),
		.dte = (ce0 & VTD_CE0_DTE) != 0,
	};
	rc = att_set(b, &rec);
	return rc ? rc : qerr;
}

int vtd_builder_detach(struct vtd_builder *b, uint16_t sid, bool has_pasid, uint32_t pasid)
{
	uint64_t ce_pa, ce0, ce1, pe_pa, pe[2];
	int rc = b_context(b, sid, false, &ce_pa, NULL);

	if (rc == -IOMMU_ENOENT)
		goto absent;
	if (!rc)
		rc = b_rd(b, ce_pa, &ce0);
	if (!rc)
		rc = b_rd(b, ce_pa + 8, &ce1);
	if (rc)
		return rc;
	if (!has_pasid)
		pasid = (uint32_t)FIELD_GET64(VTD_CE1_RID_PASID, ce1);
	rc = b_pasid_entry(b, ce_pa, pasid, false, &pe_pa);
	if (rc == -IOMMU_ENOENT)
		goto absent;
	if (!rc)
		rc = b_rd(b, pe_pa, &pe[0]);
	if (!rc)
		rc = b_rd(b, pe_pa + 8, &pe[1]);
	if (rc)
		return rc;
	if (!(pe[0] & VTD_PE0_P))
		goto absent;
	for (int i = 0; i < 8; i++) {
		rc = b_wr(b, pe_pa + 8 * (unsigned)i, 0);
		if (rc)
			return rc;
	}
	att_remove(b, sid, pasid);
	bind_forget(b, sid, pasid);
	rc = b_pasid_teardown(b, sid, has_pasid, pasid, pe, (ce0 & VTD_CE0_DTE) != 0);
	if (!rc)
		rc = b_drain(b, sid, has_pasid, pasid, (uint16_t)FIELD_GET64(VTD_PE1_DID, pe[1]),
			     (ce0 & VTD_CE0_DTE) != 0);
	return rc;
absent:
	return b_fail(b, IOMMU_ENOENT, "device %02x:%02x.%x PASID 0x%x is not attached", sid >> 8,
		      (sid >> 3) & 0x1F, sid & 7, pasid);
}

int vtd_builder_context_pa(const struct vtd_builder *b, uint16_t sid, uint64_t *pa)
{
	return b_context((struct vtd_builder *)b, sid, false, pa, NULL);
}

int vtd_builder_pasid_entry_pa(const struct vtd_builder *b, uint16_t sid, uint32_t pasid,
			       uint64_t *pa)
{
	struct vtd_builder *mb = (struct vtd_builder *)b;
	uint64_t ce_pa;
	int rc = b_context(mb, sid, false, &ce_pa, NULL);

	return rc ? rc : b_pasid_entry(mb, ce_pa, pasid, false, pa);
}

/* --- Devices: capabilities ------------------------------------------------------------ */

static void b_sid_name(char buf[16], uint16_t sid)
{
	snprintf(buf, 16, "%02x:%02x.%x", sid >> 8, (sid >> 3) & 0x1F, sid & 7);
}

unsigned vtd_builder_dev_caps(const struct vtd_builder *b, uint16_t sid)
{
	return b->devcaps[sid];
}

int vtd_builder_set_dev_caps(struct vtd_builder *b, uint16_t sid, unsigned caps)
{
	uint64_t ce_pa, ce0, want;
	bool created;
	int rc;

	if (caps & ~(VTD_DEV_PASID | VTD_DEV_PRI))
		return b_fail(b, IOMMU_EINVAL, "unknown device capability bits 0x%x", caps);
	if ((caps & VTD_DEV_PRI) && !iommu_cfg(b->mmu)->page_req)
		return b_fail(b, IOMMU_ENOTSUP,
			      "page requests not supported by the hardware (ECAP.PRS = 0)");
	rc = b_context(b, sid, true, &ce_pa, &created);
	if (!rc)
		rc = b_rd(b, ce_pa, &ce0);
	if (rc)
		return rc;
	want = ce0 | ((caps & VTD_DEV_PASID) ? VTD_CE0_PASIDE : 0);
	want = (caps & VTD_DEV_PRI) ? want | VTD_CE0_PRE : want & ~VTD_CE0_PRE;
	b->devcaps[sid] = (uint8_t)caps;
	if (want == ce0)
		return 0;
	rc = b_wr(b, ce_pa, want);
	if (!rc && !created)
		rc = b_context_changed(b, sid);
	return rc;
}

/* --- Page requests ---------------------------------------------------------------------- */

static int pend_push(struct vtd_builder *b, const struct iommu_page_req *pr)
{
	if (b->npend == b->cpend) {
		size_t n = b->cpend ? 2 * b->cpend : 64;
		struct iommu_page_req *p = realloc(b->pend, n * sizeof(*p));

		if (!p)
			return b_fail(b, IOMMU_ENOMEM, "out of memory");
		b->pend = p;
		b->cpend = n;
	}
	b->pend[b->npend++] = *pr;
	return 0;
}

static bool pend_in_group(const struct iommu_page_req *p, uint16_t sid, bool pv, uint32_t pasid,
			  uint16_t prgi)
{
	return p->sid == sid && p->pasid_valid == pv && (!pv || p->pasid == pasid) &&
	       p->prgi == prgi;
}

/* Removes the pending requests of one group; returns how many. */
static size_t pend_remove_group(struct vtd_builder *b, uint16_t sid, bool pv, uint32_t pasid,
				uint16_t prgi)
{
	size_t n = 0, j = 0;

	for (size_t i = 0; i < b->npend; i++) {
		if (pend_in_group(&b->pend[i], sid, pv, pasid, prgi))
			n++;
		else
			b->pend[j++] = b->pend[i];
	}
	b->npend = j;
	return n;
}

size_t vtd_builder_prq_pending(const struct vtd_builder *b, const struct iommu_page_req **list)
{
	*list = b->pend;
	return b->npend;
}

int vtd_builder_prq_fetch(struct vtd_builder *b)
{
	uint64_t head, tail;
	int n = 0, rc;

	if (!b->prq)
		return b_fail(b, IOMMU_ENOTSUP, "no page request queue (ECAP.PRS = 0)");
	/* Clear PPR before reading head and tail, so that a request queued
	 * meanwhile raises a new event. */
	iommu_reg_write(b->mmu, VTD_REG_PRS, 4, VTD_PRS_PPR);
	tail = iommu_reg_read(b->mmu, VTD_REG_PQT, 8) & VTD_PQ_QH;
	head = iommu_reg_read(b->mmu, VTD_REG_PQH, 8) & VTD_PQ_QH;
	while (head != tail) {
		uint64_t qw[4];
		struct iommu_page_req pr;

		if (iommu_mem_read_qw(&b->mem, b->prq + head, qw, 4))
			return b_fail(b, IOMMU_EIO, "cannot read the page request queue at 0x%llx",
				      (unsigned long long)(b->prq + head));
		/* Stop markers need no response; other types are not ours. */
		if (!vtd_prd_decode(qw, &pr) && (pr.read || pr.write || !pr.lpig)) {
			rc = pend_push(b, &pr);
			if (rc)
				return rc;
		}
		head = (head + VTD_PRQ_DESC_SIZE) % b->prq_bytes;
		n++;
	}
	iommu_reg_write(b->mmu, VTD_REG_PQH, 8, tail);
	/* Overflow: cleared once software has emptied the queue. */
	if ((iommu_reg_read(b->mmu, VTD_REG_PRS, 4) & VTD_PRS_PRO) &&
	    (iommu_reg_read(b->mmu, VTD_REG_PQH, 8) & VTD_PQ_QH) ==
		    (iommu_reg_read(b->mmu, VTD_REG_PQT, 8) & VTD_PQ_QH))
		iommu_reg_write(b->mmu, VTD_REG_PRS, 4, VTD_PRS_PRO);
	return n;
}

int vtd_builder_page_response(struct vtd_builder *b, uint16_t sid, bool pasid_valid, uint32_t pasid,
			      uint16_t prgi, unsigned code)
{
	uint64_t qw[4];
	char name[16];

	if (code > 0xF)
		return b_fail(b, IOMMU_EINVAL, "response code 0x%x, expected 0..0xf", code);
	if (!pend_remove_group(b, sid, pasid_valid, pasid, prgi)) {
		b_sid_name(name, sid);
		return b_fail(b, IOMMU_ENOENT,
			      "no pending page request group %u of %s%s (PASID 0x%x)", prgi, name,
			      pasid_valid ? "" : " without PASID", pasid);
	}
	vtd_desc_pgrp_resp(qw, sid, pasid_valid, pasid, prgi, code);
	return b_post(b, qw);
}

int vtd_builder_prq_service(struct vtd_builder *b, vtd_prq_handler handler, void *ctx)
{
	struct iommu_page_req *last;
	size_t nlast = 0;
	int sent = 0, rc = vtd_builder_prq_fetch(b);

	if (rc < 0)
		return rc;
	/* The groups complete in the pending list: their last requests. */
	last = malloc((b->npend ? b->npend : 1) * sizeof(*last));
	if (!last)
		return b_fail(b, IOMMU_ENOMEM, "out of memory");
	for (size_t i = 0; i < b->npend; i++) {
		if (b->pend[i].lpig)
			last[nlast++] = b->pend[i];
	}
	for (size_t g = 0; g < nlast && rc >= 0; g++) {
		const struct iommu_page_req *l = &last[g];
		int code = VTD_PRG_SUCCESS;
		bool defer = false;

		for (size_t i = 0; i < b->npend && !defer; i++) {
			int c;

			if (!pend_in_group(&b->pend[i], l->sid, l->pasid_valid, l->pasid, l->prgi))
				continue;
			c = handler(ctx, &b->pend[i]);
			if (c < 0)
				defer = true;
			else if (code == VTD_PRG_SUCCESS)
				code = c;
		}
		if (defer)
			continue;
		rc = vtd_builder_page_response(b, l->sid, l->pasid_valid, l->pasid, l->prgi,
					       (unsigned)code);
		sent += rc == 0;
	}
	free(last);
	return rc < 0 ? rc : sent;
}

/* The page-request drain of one device PASID, after its entry is gone and
 * its caches flushed (Linux's intel_iommu_drain_pasid_prq). */
static int b_drain(struct vtd_builder *b, uint16_t sid, bool has_pasid, uint32_t pasid,
		   uint16_t did, bool dte)
{
	int rc = 0;

	if (!b->prq || !(b->devcaps[sid] & VTD_DEV_PRI) || !b->cfg.flush_on_attach)
		return 0;
	for (int attempt = 0; attempt < 2; attempt++) {
		static struct b_batch zero;
		struct b_batch bt = zero;
		struct vtd_attachment a = {
			.sid = sid, .has_pasid = has_pasid, .pasid = pasid, .dte = dte};
		uint64_t qw[4];

		rc = vtd_builder_prq_fetch(b);
		if (rc < 0)
			return rc;
		rc = 0;
		/* The PASID is going away: its groups are refused. */
		for (size_t i = 0; i < b->npend;) {
			const struct iommu_page_req p = b->pend[i];

			if (p.sid != sid || p.pasid_valid != has_pasid ||
			    (has_pasid && p.pasid != pasid)) {
				i++;
				continue;
			}
			if (!p.lpig) {
				pend_remove_group(b, sid, has_pasid, pasid, p.prgi);
				continue;
			}
			rc = vtd_builder_page_response(b, sid, has_pasid, pasid, p.prgi,
						       VTD_PRG_INVALID);
			if (rc)
				return rc;
		}
		if (has_pasid)
			vtd_desc_piotlb(qw, VTD_PIOTLB_ALL, did, pasid, 0, 0, false);
		else
			vtd_desc_iotlb(qw, VTD_IOTLB_DOMAIN, did, 0, 0, false);
		batch_add(&bt, qw);
		batch_devtlb(&bt, &a, 0, 0);
		for (unsigned i = 0; i < bt.n && !rc; i++)
			rc = b_post(b, bt.qw[i]);
		if (!rc)
			rc = vtd_builder_wait_flags(b, VTD_WAIT_FN | VTD_WAIT_PD);
		if (rc)
			return rc;
		/* Requests may have been dropped meanwhile: drain again. */
		if (!(iommu_reg_read(b->mmu, VTD_REG_PRS, 4) & VTD_PRS_PRO))
			break;
	}
	return rc;
}

int vtd_builder_drain_pasid(struct vtd_builder *b, uint16_t sid, bool has_pasid, uint32_t pasid)
{
	uint64_t ce_pa, ce1;
	const struct vtd_attachment *a;
	char name[16];
	int rc;

	if (!has_pasid) {
		rc = b_context(b, sid, false, &ce_pa, NULL);
		if (!rc)
			rc = b_rd(b, ce_pa + 8, &ce1);
		if (rc)
			goto absent;
		pasid = (uint32_t)FIELD_GET64(VTD_CE1_RID_PASID, ce1);
	}
	a = att_find(b, sid, pasid);
	if (!a)
		goto absent;
	return b_drain(b, sid, has_pasid, pasid, a->did, a->dte);
absent:
	b_sid_name(name, sid);
	return b_fail(b, IOMMU_ENOENT, "device %s PASID 0x%x is not attached", name, pasid);
}

/* --- Guest PASID binds ------------------------------------------------------------------ */

size_t vtd_builder_gpasid_binds(const struct vtd_builder *b, const struct vtd_gpasid_record **list)
{
	*list = b->binds;
	return b->nbinds;
}

static struct vtd_gpasid_record *bind_find(struct vtd_builder *b, uint16_t sid, uint32_t hpasid)
{
	for (size_t i = 0; i < b->nbinds; i++) {
		if (b->binds[i].bind.sid == sid && b->binds[i].bind.hpasid == hpasid)
			return &b->binds[i];
	}
	return NULL;
}

static void bind_forget(struct vtd_builder *b, uint16_t sid, uint32_t hpasid)
{
	struct vtd_gpasid_record *r = bind_find(b, sid, hpasid);

	if (r) {
		size_t i = (size_t)(r - b->binds);

		memmove(r, r + 1, (b->nbinds - i - 1) * sizeof(*r));
		b->nbinds--;
	}
}

static bool bind_same(const struct vtd_gpasid_bind *x, const struct vtd_gpasid_bind *y)
{
	return x->gcr3 == y->gcr3 && x->addr_width == y->addr_width && x->flags == y->flags &&
	       x->vm == y->vm && x->has_gpasid == y->has_gpasid &&
	       (!x->has_gpasid || x->gpasid == y->gpasid);
}

static int bind_check(struct vtd_builder *b, const struct vtd_gpasid_bind *g, struct bdom **s2)
{
	const struct iommu_config *c = iommu_cfg(b->mmu);
	const struct vtd_attachment *def;
	uint64_t ce_pa, ce1;
	char name[16];
	int rc;

	b_sid_name(name, g->sid);
	if (g->addr_width != 48 && g->addr_width != 57)
		return b_fail(b, IOMMU_EINVAL, "bind %s: address width %u, expected 48 or 57", name,
			      g->addr_width);
	if (g->addr_width == 57 && !c->fl_5level)
		return b_fail(b, IOMMU_ENOTSUP,
			      "bind %s: address width 57 (5-level) not supported by the hardware "
			      "(CAP.FL5LP = 0)",
			      name);
	if (!c->nested)
		return b_fail(b, IOMMU_ENOTSUP,
			      "bind %s: nested translation not supported (ECAP.NEST = 0)", name);
	if (g->flags & ~(VTD_BIND_SRE | VTD_BIND_EXEC | VTD_BIND_WPE))
		return b_fail(b, IOMMU_EINVAL, "bind %s: unknown flags 0x%x", name, g->flags);
	if (g->hpasid > 0xFFFFF || (g->hpasid >> c->pasid_bits))
		return b_fail(b, IOMMU_ERANGE,
			      "bind %s: host PASID 0x%x beyond the %u-bit PASID width", name,
			      g->hpasid, c->pasid_bits);
	if (g->has_gpasid && g->gpasid > 0xFFFFF)
		return b_fail(b, IOMMU_ERANGE, "bind %s: guest PASID 0x%x beyond 20 bits", name,
			      g->gpasid);
	if (g->gcr3 % IOMMU_PAGE_SIZE)
		return b_fail(b, IOMMU_EINVAL, "bind %s: guest table 0x%llx not 4K-aligned", name,
			      (unsigned long long)g->gcr3);
	if (!(b->devcaps[g->sid] & VTD_DEV_PASID))
		return b_fail(b, IOMMU_EINVAL, "bind %s: the device does not have PASID enabled",
			      name);
	rc = b_context(b, g->sid, false, &ce_pa, NULL);
	if (!rc)
		rc = b_rd(b, ce_pa + 8, &ce1);
	if (rc)
		return b_fail(b, IOMMU_ENOENT, "bind %s: the device has no default domain", name);
	if (g->hpasid == FIELD_GET64(VTD_CE1_RID_PASID, ce1))
		return b_fail(b, IOMMU_EINVAL,
			      "bind %s: PASID 0x%x is the device's RID_PASID (its default domain)",
			      name, g->hpasid);
	def = att_find(b, g->sid, (uint32_t)FIELD_GET64(VTD_CE1_RID_PASID, ce1));
	if (!def || def->type != VTD_PGTT_SL)
		return b_fail(
			b, IOMMU_ENOENT,
			"bind %s: the device has no second-level default domain to nest under",
			name);
	*s2 = b_dom(b, (unsigned)def->s2);
	if (g->gcr3 >> b_width(*s2))
		return b_fail(b, IOMMU_ERANGE,
			      "bind %s: guest table 0x%llx beyond the default domain's %u-bit "
			      "guest-physical space",
			      name, (unsigned long long)g->gcr3, b_width(*s2));
	/* One host PASID belongs to one guest's PASID set. */
	for (size_t i = 0; i < b->nbinds; i++) {
		const struct vtd_gpasid_bind *o = &b->binds[i].bind;

		if (o->hpasid == g->hpasid && o->vm != g->vm)
			return b_fail(b, IOMMU_EBUSY,
				      "bind %s: host PASID 0x%x belongs to guest PASID set %u",
				      name, g->hpasid, o->vm);
	}
	return 0;
}

int vtd_builder_bind_gpasid(struct vtd_builder *b, const struct vtd_gpasid_bind *g)
{
	struct vtd_pasid_entry pe = {{0}};
	struct vtd_gpasid_record *r;
	struct vtd_attachment rec;
	struct bdom *s2 = NULL;
	uint64_t ce_pa, ce0, pe_pa;
	char name[16];
	int rc = bind_check(b, g, &s2);

	if (rc)
		return rc;
	b_sid_name(name, g->sid);
	r = bind_find(b, g->sid, g->hpasid);
	if (r) {
		if (!bind_same(&r->bind, g))
			return b_fail(b, IOMMU_EBUSY,
				      "bind %s: PASID 0x%x is already bound to another guest table",
				      name, g->hpasid);
		r->users++;
		return 0;
	}
	if (att_find(b, g->sid, g->hpasid))
		return b_fail(b, IOMMU_EBUSY, "bind %s: PASID 0x%x is attached to a host domain",
			      name, g->hpasid);
	rc = b_context(b, g->sid, false, &ce_pa, NULL);
	if (!rc)
		rc = b_rd(b, ce_pa, &ce0);
	if (!rc)
		rc = b_pasid_entry(b, ce_pa, g->hpasid, true, &pe_pa);
	if (rc)
		return rc;
	/* SPEC(VT-d PASID entry): nested (PGTT 3): the guest's table as first
	 * level, the default domain as second level, tagged with its DID. */
	pe.qw[0] = VTD_PE0_P | FIELD_PREP64(VTD_PE0_PGTT, VTD_PGTT_NESTED) |
		   FIELD_PREP64(VTD_PE0_AW, s2->levels - 2) | VTD_PE0_SSEE | s2->root;
	if (b->cfg.sl_ad)
		pe.qw[0] |= VTD_PE0_SSADE;
	pe.qw[1] = FIELD_PREP64(VTD_PE1_DID, s2->id);
	pe.qw[2] = g->gcr3 | FIELD_PREP64(VTD_PE2_FLPM, g->addr_width == 57) | VTD_PE2_NXE;
	pe.qw[2] |= (g->flags & VTD_BIND_SRE) ? VTD_PE2_SRE : 0;
	pe.qw[2] |= (g->flags & VTD_BIND_EXEC) ? VTD_PE2_ERE : 0;
	pe.qw[2] |= (g->flags & VTD_BIND_WPE) ? VTD_PE2_WPE : 0;
	for (int i = 7; i >= 0; i--) {
		rc = b_wr(b, pe_pa + 8 * (unsigned)i, pe.qw[i]);
		if (rc)
			return rc;
	}
	rec = (struct vtd_attachment){
		.sid = g->sid,
		.has_pasid = true,
		.pasid = g->hpasid,
		.type = VTD_PGTT_NESTED,
		.s1 = -1,
		.s2 = (int)s2->id,
		.did = (uint16_t)s2->id,
		.dte = (ce0 & VTD_CE0_DTE) != 0,
	};
	rc = att_set(b, &rec);
	if (rc)
		return rc;
	if (b->nbinds == b->cbinds) {
		size_t n = b->cbinds ? 2 * b->cbinds : 16;
		struct vtd_gpasid_record *p = realloc(b->binds, n * sizeof(*p));

		if (!p)
			return b_fail(b, IOMMU_ENOMEM, "out of memory");
		b->binds = p;
		b->cbinds = n;
	}
	b->binds[b->nbinds++] = (struct vtd_gpasid_record){.bind = *g, .users = 1, .did = rec.did};
	return 0;
}

/* The last unbind: entry cleared, caches flushed, page requests drained. */
static int bind_teardown(struct vtd_builder *b, size_t idx)
{
	const struct vtd_gpasid_record r = b->binds[idx];
	const struct vtd_attachment *a = att_find(b, r.bind.sid, r.bind.hpasid);
	bool dte = a && a->dte;
	uint64_t ce_pa, pe_pa, pe[2] = {0, 0};
	int rc, rc2;

	memmove(&b->binds[idx], &b->binds[idx + 1], (b->nbinds - idx - 1) * sizeof(b->binds[0]));
	b->nbinds--;
	rc = b_context(b, r.bind.sid, false, &ce_pa, NULL);
	if (!rc)
		rc = b_pasid_entry(b, ce_pa, r.bind.hpasid, false, &pe_pa);
	if (!rc)
		rc = b_rd(b, pe_pa, &pe[0]);
	if (!rc)
		rc = b_rd(b, pe_pa + 8, &pe[1]);
	for (unsigned i = 0; i < 8 && !rc; i++)
		rc = b_wr(b, pe_pa + 8 * i, 0);
	att_remove(b, r.bind.sid, r.bind.hpasid);
	if (rc)
		return rc;
	rc = b_pasid_teardown(b, r.bind.sid, true, r.bind.hpasid, pe, dte);
	rc2 = b_drain(b, r.bind.sid, true, r.bind.hpasid, r.did, dte);
	return rc ? rc : rc2;
}

int vtd_builder_unbind_gpasid(struct vtd_builder *b, uint16_t sid, uint32_t hpasid)
{
	struct vtd_gpasid_record *r = bind_find(b, sid, hpasid);
	char name[16];

	if (!r) {
		b_sid_name(name, sid);
		return b_fail(b, IOMMU_ENOENT, "unbind %s: PASID 0x%x is not bound", name, hpasid);
	}
	if (--r->users)
		return 0;
	return bind_teardown(b, (size_t)(r - b->binds));
}

int vtd_builder_free_pasid_set(struct vtd_builder *b, unsigned vm)
{
	int n = 0, rc = 0;

	for (size_t i = 0; i < b->nbinds;) {
		int r;

		if (b->binds[i].bind.vm != vm) {
			i++;
			continue;
		}
		r = bind_teardown(b, i);
		rc = rc ? rc : r;
		n++;
	}
	return rc ? rc : n;
}

int vtd_builder_gpasid_flush(struct vtd_builder *b, uint16_t sid, uint32_t hpasid, uint64_t addr,
			     uint64_t size)
{
	static struct b_batch zero;
	struct b_batch bt = zero;
	const struct vtd_gpasid_record *r = bind_find(b, sid, hpasid);
	const struct vtd_attachment *a = att_find(b, sid, hpasid);
	uint64_t aligned = 0, qw[4];
	unsigned am = 0;
	bool psi = size != 0;
	char name[16];
	int rc;

	if (!r || !a) {
		b_sid_name(name, sid);
		return b_fail(b, IOMMU_ENOENT, "flush %s: PASID 0x%x is not bound", name, hpasid);
	}
	if (psi) {
		am = vtd_desc_am(addr, size, &aligned);
		psi = am <= VTD_MAMV;
	}
	vtd_desc_piotlb(qw, psi ? VTD_PIOTLB_PSI : VTD_PIOTLB_ALL, r->did, hpasid, aligned, am,
			false);
	batch_add(&bt, qw);
	batch_devtlb(&bt, a, aligned, psi ? IOMMU_PAGE_SIZE << am : 0);
	rc = batch_send(b, &bt);
	return rc ? rc : (int)bt.n;
}

/* --- Shared first-level tables (SVA over several IOMMUs) ------------------------------ */

int vtd_builder_domain_shared(struct vtd_builder *b, unsigned id, unsigned levels, uint64_t root)
{
	const struct iommu_config *c = iommu_cfg(b->mmu);
	struct bdom *d;

	if (id == 0 || id >= B_MAX_DOMAINS)
		return b_fail(b, IOMMU_EINVAL, "domain id %u out of range, expected 1..65535", id);
	if (b->dom[id])
		return b_fail(b, IOMMU_EEXIST, "domain %u already exists", id);
	if (levels != 4 && levels != 5)
		return b_fail(b, IOMMU_EINVAL, "shared domain %u: levels %u, expected 4 or 5", id,
			      levels);
	if (levels == 5 && !c->fl_5level)
		return b_fail(b, IOMMU_ENOTSUP,
			      "shared domain %u: 5-level paging not supported (CAP.FL5LP = 0)", id);
	if (root % IOMMU_PAGE_SIZE || (root >> c->haw))
		return b_fail(b, IOMMU_EINVAL,
			      "shared domain %u: table 0x%llx not a 4K-aligned address below HAW",
			      id, (unsigned long long)root);
	d = calloc(1, sizeof(*d));
	if (!d)
		return b_fail(b, IOMMU_ENOMEM, "out of memory");
	*d = (struct bdom){
		.id = id, .stage = VTD_STAGE_S1, .levels = levels, .parent = -1, .root = root};
	b->dom[id] = d;
	return 0;
}

/* --- Lifetime ------------------------------------------------------------------------- */

struct vtd_builder *vtd_builder_create(struct iommu *mmu, struct iommu_mem mem,
				       const struct vtd_builder_config *cfg)
{
	struct vtd_builder *b;

	if (cfg->pdts > 7 || cfg->prq_order > 7 || cfg->alloc_base % IOMMU_PAGE_SIZE ||
	    cfg->alloc_limit <= cfg->alloc_base)
		return NULL;
	b = calloc(1, sizeof(*b));
	if (!b)
		return NULL;
	b->mmu = mmu;
	b->mem = mem;
	b->cfg = *cfg;
	b->next = cfg->alloc_base;
	if (b_alloc(b, 1, &b->root_table)) {
		free(b);
		return NULL;
	}
	/* Root table pointer (scalable mode), then translation enable. */
	iommu_reg_write(mmu, VTD_REG_RTADDR, 8,
			b->root_table | FIELD_PREP64(VTD_RTADDR_TTM, VTD_TTM_SCALABLE));
	iommu_reg_write(mmu, VTD_REG_GCMD, 4, VTD_GCMD_SRTP);
	iommu_reg_write(mmu, VTD_REG_GCMD, 4, VTD_GCMD_TE);
	/* Queued invalidation: a page of 256-bit descriptors, and a status page. */
	if (b_alloc(b, 1, &b->iq) || b_alloc(b, 1, &b->iq_status)) {
		free(b);
		return NULL;
	}
	iommu_reg_write(mmu, VTD_REG_IQT, 8, 0);
	iommu_reg_write(mmu, VTD_REG_IQA, 8, b->iq | VTD_IQA_DW);
	iommu_reg_write(mmu, VTD_REG_GCMD, 4, VTD_GCMD_TE | VTD_GCMD_QIE);
	/* Page request queue, as Linux's intel_iommu_enable_prq programs it,
	 * with the event unmasked. */
	if (iommu_cfg(mmu)->page_req) {
		if (b_alloc(b, 1u << cfg->prq_order, &b->prq)) {
			free(b);
			return NULL;
		}
		b->prq_bytes = IOMMU_PAGE_SIZE << cfg->prq_order;
		iommu_reg_write(mmu, VTD_REG_PQH, 8, 0);
		iommu_reg_write(mmu, VTD_REG_PQT, 8, 0);
		iommu_reg_write(mmu, VTD_REG_PQA, 8, b->prq | cfg->prq_order);
		iommu_reg_write(mmu, VTD_REG_PECTL, 4, 0);
	}
	return b;
}

void vtd_builder_destroy(struct vtd_builder *b)
{
	if (!b)
		return;
	for (unsigned i = 0; i < B_MAX_DOMAINS; i++)
		free(b->dom[i]);
	free(b->att);
	free(b->pend);
	free(b->binds);
	free(b);
}
