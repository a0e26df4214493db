/* Generic radix page-table walk: one loop, one ladder, one fault exit. */
#include "walk.h"

#include <assert.h>
#include <string.h>

#include "iommu_internal.h"

static void walk_count(struct iommu_refs *refs, enum iommu_ref_kind kind, unsigned level)
{
	if (kind == IOMMU_REF_FL)
		refs->fl[level]++;
	else
		refs->sl[level]++;
}

static struct cache_key pwc_key(const struct walk_fmt *fmt, uint64_t va, unsigned level)
{
	struct cache_key k = {{fmt->pwc_tag, va >> (12 + 9 * (level - 1)), level}};

	return k;
}

/* The deepest cached non-leaf entry for va: level of that entry, or 0. A
 * lookup of the cached entries alone (iommu_lookup_cached, mmu->quiet) does
 * not look here: a walk from a cached entry still needs memory, and the
 * probe must leave the replacement state as it was. */
static unsigned pwc_start(const struct iommu *mmu, const struct walk_fmt *fmt, uint64_t va,
			  struct walk_pwc_entry *hit)
{
	if (fmt->pwc_fill_only || mmu->quiet)
		return 0;
	for (unsigned level = 2; level <= fmt->levels; level++) {
		struct cache *c = fmt->pwc[level];
		struct cache_key k = pwc_key(fmt, va, level);
		const struct walk_pwc_entry *e;

		if (!c || !c->g.ways)
			continue;
		e = cache_lookup(c, k.w[1], &k);
		if (e) {
			*hit = *e;
			return level;
		}
	}
	return 0;
}

/* After a successful walk: cache every non-leaf entry it read (committed
 * when the request completes). */
static void pwc_fill(struct iommu *mmu, const struct walk_fmt *fmt, uint64_t va,
		     const struct walk_result *res)
{
	for (unsigned level = res->leaf_level + 1; level <= res->start_level; level++) {
		struct cache *c = fmt->pwc[level];
		struct cache_key k = pwc_key(fmt, va, level);
		struct walk_pwc_entry e = {
			.next = res->table_pa[level - 1],
			.perm = res->acc_perm[level],
			.tperm = res->table_perm[level - 1],
		};

		if (c)
			iommu_fill_defer(mmu, c, k.w[1], &k, &e);
	}
}

unsigned walk_radix(struct iommu *mmu, const struct walk_fmt *fmt, uint64_t root, uint64_t va,
		    struct iommu_refs *refs, struct walk_result *res)
{
	uint64_t table = root;
	unsigned perm = WALK_PERM_ALL, start = fmt->levels;
	unsigned fault = 0;
	bool reached = false; /* table already host-physical (from the PWC) */
	struct walk_pwc_entry hit = {0};
	unsigned hit_level = pwc_start(mmu, fmt, va, &hit);

	memset(res, 0, sizeof(*res));
	res->levels = fmt->levels;
	if (hit_level) {
		start = hit_level - 1;
		table = hit.next;
		perm = hit.perm;
		reached = true;
	}
	res->start_level = start;
	for (unsigned level = start; level >= 1; level--) {
		bool top = level == fmt->levels;
		unsigned shift = 12 + 9 * (level - 1);
		uint64_t tpa = table, pte;
		unsigned tperm = reached ? hit.tperm : WALK_PERM_ALL;
		struct walk_entry e;

		/* 1. Reach the table (nested: through the second stage). */
		if (fmt->table_xlate && !reached) {
			fault = fmt->table_xlate(fmt->xlate_ctx, table, top, &tpa, &tperm, refs);
			if (fault)
				break;
		}
		reached = false;
		/* 2. Read the entry. */
		res->table_pa[level] = tpa;
		res->pte_pa[level] = tpa + ((va >> shift) & 0x1FF) * 8;
		if (iommu_mem_read64(&mmu->mem, res->pte_pa[level], &pte)) {
			fault = top ? fmt->fr_access_top : fmt->fr_access;
			break;
		}
		walk_count(refs, fmt->ref, level);
		res->pte[level] = pte;
		res->table_perm[level] = tperm;

		/* 3. Decode and check: present, then reserved bits. */
		fmt->decode(fmt, pte, level, &e);
		if (!e.present) {
			fault = fmt->fr_not_present;
			break;
		}
		if (e.rsvd) {
			fault = fmt->fr_rsvd;
			break;
		}
		perm &= e.perm;
		res->acc_perm[level] = perm;

		/* 4. A leaf ends the walk; otherwise descend. */
		if (e.leaf) {
			res->out = e.addr | (va & (walk_level_size(level) - 1));
			res->leaf_level = level;
			res->perm = perm;
			pwc_fill(mmu, fmt, va, res);
			return 0;
		}
		table = e.addr;
	}
	/* Level 1 entries are always leaves, so the loop only ends on a fault. */
	assert(fault != 0);
	return fault;
}
