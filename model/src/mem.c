/* 64-bit little-endian accesses over the memory callback table. */
#include "iommu/mem.h"

int iommu_mem_read_qw(const struct iommu_mem *mem, uint64_t pa, uint64_t *qw, unsigned n)
{
	uint8_t b[64];
	int rc;

	if (n == 0 || n > 8)
		return -IOMMU_EINVAL;
	rc = mem->ops->read(mem->ctx, pa, b, 8 * n);
	if (rc)
		return rc;
	for (unsigned w = 0; w < n; w++) {
		qw[w] = 0;
		for (int i = 7; i >= 0; i--)
			qw[w] = (qw[w] << 8) | b[8 * w + (unsigned)i];
	}
	return 0;
}

int iommu_mem_read64(const struct iommu_mem *mem, uint64_t pa, uint64_t *val)
{
	return iommu_mem_read_qw(mem, pa, val, 1);
}

int iommu_mem_write64(const struct iommu_mem *mem, uint64_t pa, uint64_t val)
{
	uint8_t b[8];

	for (int i = 0; i < 8; i++)
		b[i] = (uint8_t)(val >> (8 * i));
	return mem->ops->write(mem->ctx, pa, b, sizeof(b));
}
