/*
 * Physical memory as the IOMMU model sees it.
 *
 * The model never touches memory directly: every table fetch, A/D update and
 * (later) queue access goes through this callback table, so a test or the
 * co-simulation harness can supply its own memory and inject access errors.
 * A callback returns 0 on success or a negative IOMMU_E* code; an error on a
 * table fetch becomes the "access error" fault reason of that table.
 */
#ifndef IOMMU_MEM_H
#define IOMMU_MEM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define IOMMU_PAGE_SHIFT 12
#define IOMMU_PAGE_SIZE  (1ull << IOMMU_PAGE_SHIFT)

/* Negative return codes used across the model. */
enum iommu_err {
	IOMMU_EOK = 0,
	IOMMU_EIO = 5, /* memory access error (unbacked, injected) */
	IOMMU_ENOMEM = 12,
	IOMMU_EBUSY = 16,   /* in use: bound elsewhere, or work still outstanding */
	IOMMU_EEXIST = 17,  /* mapping or object already present */
	IOMMU_EINVAL = 22,  /* argument out of range or malformed */
	IOMMU_ENOENT = 2,   /* no such domain / mapping / attachment */
	IOMMU_ERANGE = 34,  /* address beyond a width or limit */
	IOMMU_ENOTSUP = 95, /* not supported by the configured hardware */
};

struct iommu_mem_ops {
	int (*read)(void *ctx, uint64_t pa, void *buf, size_t len);
	int (*write)(void *ctx, uint64_t pa, const void *buf, size_t len);
	/* Optional (NULL: unknown): a number that changes whenever the memory's
	 * contents may have changed. Lets a checker reuse a walk's result. */
	uint64_t (*generation)(void *ctx);
};

struct iommu_mem {
	const struct iommu_mem_ops *ops;
	void *ctx;
};

/* Little-endian 64-bit helpers over the callback table. */
int iommu_mem_read64(const struct iommu_mem *mem, uint64_t pa, uint64_t *val);
int iommu_mem_write64(const struct iommu_mem *mem, uint64_t pa, uint64_t val);
/* n consecutive 64-bit words in one access (a 128/256/512-bit entry). */
int iommu_mem_read_qw(const struct iommu_mem *mem, uint64_t pa, uint64_t *qw, unsigned n);

/*
 * Sparse memory: only touched 4 KiB pages are allocated; untouched pages
 * read as zero. Accesses at or above 2^addr_bits fail with -IOMMU_EIO, as
 * would a request that leaves the platform's physical address space.
 */
struct sparse_mem;

struct sparse_mem *sparse_mem_create(unsigned addr_bits);
void sparse_mem_destroy(struct sparse_mem *sm);
/* A memory handle whose callbacks operate on sm. */
struct iommu_mem sparse_mem_handle(struct sparse_mem *sm);
/* Number of 4 KiB pages currently allocated. */
size_t sparse_mem_pages(const struct sparse_mem *sm);

#endif
