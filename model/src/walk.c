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

unsigned walk_radix(struct iommu *mmu, const struct walk_fmt *fmt, uint64_t root, uint64_t va,
		    struct iommu_refs *refs, struct walk_result *res)
{
	uint64_t table = root;
	unsigned perm = WALK_PERM_ALL;
	unsigned fault = 0;

	memset(res, 0, sizeof(*res));
	res->levels = fmt->levels;
	for (unsigned level = fmt->levels; level >= 1; level--) {
		bool top = level == fmt->levels;
		unsigned shift = 12 + 9 * (level - 1);
		uint64_t tpa = table, pte;
		unsigned tperm = WALK_PERM_ALL;
		struct walk_entry e;

		/* 1. Reach the table (nested: through the second stage). */
		if (fmt->table_xlate) {
			fault = fmt->table_xlate(fmt->xlate_ctx, table, top, &tpa, &tperm, refs);
			if (fault)
				break;
		}
		/* 2. Read the entry. */
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

		/* 4. A leaf ends the walk; otherwise descend. */
		if (e.leaf) {
			res->out = e.addr | (va & (walk_level_size(level) - 1));
			res->leaf_level = level;
			res->perm = perm;
			return 0;
		}
		table = e.addr;
	}
	/* Level 1 entries are always leaves, so the loop only ends on a fault. */
	assert(fault != 0);
	return fault;
}
