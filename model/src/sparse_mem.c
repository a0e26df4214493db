/*
 * Sparse physical memory: a hash table from page frame number to a 4 KiB
 * page, allocated on first write. Reads of untouched pages return zeros
 * without allocating. Open addressing with linear probing; the table
 * doubles at half load, so lookups stay O(1) for traces of any size.
 */
#include <stdlib.h>
#include <string.h>

#include "iommu/mem.h"

struct sparse_slot {
	uint64_t pfn;
	uint8_t *page; /* NULL: empty slot */
};

struct sparse_mem {
	unsigned addr_bits;
	size_t cap; /* power of two */
	size_t used;
	struct sparse_slot *slots;
	uint64_t gen; /* writes so far */
};

static size_t slot_hash(uint64_t pfn, size_t cap)
{
	pfn ^= pfn >> 33;
	pfn *= 0xff51afd7ed558ccdull;
	pfn ^= pfn >> 33;
	return (size_t)pfn & (cap - 1);
}

static struct sparse_slot *slot_find(struct sparse_slot *slots, size_t cap, uint64_t pfn)
{
	size_t i = slot_hash(pfn, cap);

	while (slots[i].page && slots[i].pfn != pfn)
		i = (i + 1) & (cap - 1);
	return &slots[i];
}

static int sparse_grow(struct sparse_mem *sm)
{
	size_t ncap = sm->cap * 2;
	struct sparse_slot *ns = calloc(ncap, sizeof(*ns));

	if (!ns)
		return -IOMMU_ENOMEM;
	for (size_t i = 0; i < sm->cap; i++) {
		if (sm->slots[i].page)
			*slot_find(ns, ncap, sm->slots[i].pfn) = sm->slots[i];
	}
	free(sm->slots);
	sm->slots = ns;
	sm->cap = ncap;
	return 0;
}

/* The page holding pfn; allocated when create is set, else NULL if untouched. */
static uint8_t *sparse_page(struct sparse_mem *sm, uint64_t pfn, bool create)
{
	struct sparse_slot *s = slot_find(sm->slots, sm->cap, pfn);

	if (s->page || !create)
		return s->page;
	if (2 * (sm->used + 1) > sm->cap) {
		if (sparse_grow(sm))
			return NULL;
		s = slot_find(sm->slots, sm->cap, pfn);
	}
	s->page = calloc(1, IOMMU_PAGE_SIZE);
	if (!s->page)
		return NULL;
	s->pfn = pfn;
	sm->used++;
	return s->page;
}

static bool sparse_in_range(const struct sparse_mem *sm, uint64_t pa, size_t len)
{
	uint64_t limit = sm->addr_bits >= 64 ? UINT64_MAX : (1ull << sm->addr_bits);

	return len <= limit && pa <= limit - len;
}

static int sparse_read(void *ctx, uint64_t pa, void *buf, size_t len)
{
	struct sparse_mem *sm = ctx;
	uint8_t *out = buf;

	if (!sparse_in_range(sm, pa, len))
		return -IOMMU_EIO;
	while (len) {
		size_t off = pa & (IOMMU_PAGE_SIZE - 1);
		size_t n = IOMMU_PAGE_SIZE - off < len ? IOMMU_PAGE_SIZE - off : len;
		const uint8_t *page = sparse_page(sm, pa >> IOMMU_PAGE_SHIFT, false);

		if (page)
			memcpy(out, page + off, n);
		else
			memset(out, 0, n);
		out += n;
		pa += n;
		len -= n;
	}
	return 0;
}

static int sparse_write(void *ctx, uint64_t pa, const void *buf, size_t len)
{
	struct sparse_mem *sm = ctx;
	const uint8_t *in = buf;

	if (!sparse_in_range(sm, pa, len))
		return -IOMMU_EIO;
	sm->gen++;
	while (len) {
		size_t off = pa & (IOMMU_PAGE_SIZE - 1);
		size_t n = IOMMU_PAGE_SIZE - off < len ? IOMMU_PAGE_SIZE - off : len;
		uint8_t *page = sparse_page(sm, pa >> IOMMU_PAGE_SHIFT, true);

		if (!page)
			return -IOMMU_ENOMEM;
		memcpy(page + off, in, n);
		in += n;
		pa += n;
		len -= n;
	}
	return 0;
}

static uint64_t sparse_generation(void *ctx)
{
	return ((const struct sparse_mem *)ctx)->gen;
}

static const struct iommu_mem_ops sparse_ops = {
	.read = sparse_read,
	.write = sparse_write,
	.generation = sparse_generation,
};

struct sparse_mem *sparse_mem_create(unsigned addr_bits)
{
	struct sparse_mem *sm = calloc(1, sizeof(*sm));

	if (!sm)
		return NULL;
	sm->addr_bits = addr_bits;
	sm->cap = 64;
	sm->slots = calloc(sm->cap, sizeof(*sm->slots));
	if (!sm->slots) {
		free(sm);
		return NULL;
	}
	return sm;
}

void sparse_mem_destroy(struct sparse_mem *sm)
{
	if (!sm)
		return;
	for (size_t i = 0; i < sm->cap; i++)
		free(sm->slots[i].page);
	free(sm->slots);
	free(sm);
}

struct iommu_mem sparse_mem_handle(struct sparse_mem *sm)
{
	struct iommu_mem m = {.ops = &sparse_ops, .ctx = sm};

	return m;
}

size_t sparse_mem_pages(const struct sparse_mem *sm)
{
	return sm->used;
}
