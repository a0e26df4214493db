/*
 * Generic radix page-table walk, shared by every translation format.
 *
 * A format is decoded once into a struct walk_fmt (levels, fault codes, an
 * entry decoder); walk_radix() then runs one loop over the levels with one
 * ordered ladder of checks and a single fault exit. Nested translation is
 * composition: when table_xlate is set, every table address goes through it
 * (the second-stage translate) before the entry is read.
 */
#ifndef IOMMU_WALK_H
#define IOMMU_WALK_H

#include <stdbool.h>
#include <stdint.h>

#include "cache.h"
#include "iommu/iommu.h"

/* One entry as the format decoded it. */
struct walk_entry {
	bool present;
	bool rsvd;     /* a reserved bit is set */
	bool leaf;     /* maps a page at this level */
	uint64_t addr; /* next table, or page base of a leaf */
	unsigned perm; /* IOMMU_PERM_* this entry allows */
};

struct walk_fmt;

typedef void (*walk_decode_fn)(const struct walk_fmt *fmt, uint64_t pte, unsigned level,
			       struct walk_entry *e);
/* Translate a table address (nested); returns 0 or a fault reason. *perm
 * receives the permissions the translation grants on the table page. */
typedef unsigned (*walk_xlate_fn)(void *ctx, uint64_t table, bool top, uint64_t *pa, unsigned *perm,
				  struct iommu_refs *refs);

struct walk_fmt {
	unsigned levels;         /* levels of the walk, 3..5 */
	enum iommu_ref_kind ref; /* IOMMU_REF_FL or IOMMU_REF_SL, for counting */
	unsigned fr_access;      /* memory error reading an entry */
	unsigned fr_access_top;  /* memory error reading a top-level entry */
	unsigned fr_not_present;
	unsigned fr_rsvd;
	walk_decode_fn decode;
	const void *params;        /* format parameters for decode */
	walk_xlate_fn table_xlate; /* NULL: table addresses are physical */
	void *xlate_ctx;
	/* Paging-structure caches, per level of the cached entry (2..5; NULL
	 * where none), tagged with pwc_tag (domain, and PASID for first level). */
	struct cache *pwc[IOMMU_MAX_LEVELS + 1];
	uint64_t pwc_tag;
	bool pwc_fill_only; /* the walk fills the caches but looks none up */
};

/* A paging-structure cache line: a non-leaf entry at some level, as the
 * host-physical next table it points to, with the permissions accumulated
 * down to it and those the next table page was reached with. */
struct walk_pwc_entry {
	uint64_t next;
	unsigned perm;
	unsigned tperm;
};

struct walk_result {
	unsigned levels;      /* the walk's top level */
	unsigned start_level; /* first level read (below levels after a PWC hit) */
	uint64_t out;         /* output address of the input address */
	unsigned leaf_level;  /* 1 = 4 KiB page, 2 = 2 MiB, 3 = 1 GiB */
	unsigned perm;        /* AND of every entry's permissions */
	/* Per level: where the entry was read, its value, and the permissions
	 * the table page was reached with (all-ones unless nested). */
	uint64_t pte_pa[IOMMU_MAX_LEVELS + 1];
	uint64_t pte[IOMMU_MAX_LEVELS + 1];
	unsigned table_perm[IOMMU_MAX_LEVELS + 1];
	uint64_t table_pa[IOMMU_MAX_LEVELS + 1]; /* host-physical table read at level */
	unsigned acc_perm[IOMMU_MAX_LEVELS + 1]; /* permissions accumulated to level */
};

#define WALK_PERM_ALL (IOMMU_PERM_R | IOMMU_PERM_W | IOMMU_PERM_X | IOMMU_PERM_U)

/* Walks from root for va. Returns 0, or the fault reason of the first failed
 * check. Counts each entry read in refs. */
unsigned walk_radix(struct iommu *mmu, const struct walk_fmt *fmt, uint64_t root, uint64_t va,
		    struct iommu_refs *refs, struct walk_result *res);

/* Bytes mapped by one entry at level. */
static inline uint64_t walk_level_size(unsigned level)
{
	return 1ull << (12 + 9 * (level - 1));
}

#endif
