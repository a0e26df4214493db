/*
 * Tests of src/mem.c (64-bit little-endian access over the callbacks) and
 * src/sparse_mem.c (sparse physical memory).
 */
#include "unit.h"

#include <string.h>

/* Untouched memory reads as zero and reading allocates nothing. */
static void test_zero_fill(void)
{
	struct sparse_mem *sm = sparse_mem_create(46);
	struct iommu_mem m;
	uint8_t buf[64];
	uint64_t v = 0xDEADBEEF;

	CU_ASSERT_FATAL(sm != NULL);
	m = sparse_mem_handle(sm);
	memset(buf, 0xA5, sizeof(buf));
	UNIT_EQ_HEX(m.ops->read(m.ctx, 0x12345000, buf, sizeof(buf)), 0);
	for (unsigned i = 0; i < sizeof(buf); i++)
		UNIT_EQ_HEX(buf[i], 0);
	UNIT_EQ_HEX(iommu_mem_read64(&m, 0x3FFFFFFFFFF8ull, &v), 0);
	UNIT_EQ_HEX(v, 0);
	UNIT_EQ_HEX(sparse_mem_pages(sm), 0);

	/* Bytes around a written word stay zero. */
	UNIT_EQ_HEX(iommu_mem_write64(&m, 0x7008, 0x1122334455667788ull), 0);
	UNIT_EQ_HEX(iommu_mem_read64(&m, 0x7000, &v), 0);
	UNIT_EQ_HEX(v, 0);
	UNIT_EQ_HEX(iommu_mem_read64(&m, 0x7010, &v), 0);
	UNIT_EQ_HEX(v, 0);
	sparse_mem_destroy(sm);
}

/* One 4 KiB page is allocated per touched page, however often touched. */
static void test_page_count(void)
{
	struct sparse_mem *sm = sparse_mem_create(46);
	struct iommu_mem m;

	CU_ASSERT_FATAL(sm != NULL);
	m = sparse_mem_handle(sm);
	UNIT_EQ_HEX(iommu_mem_write64(&m, 0x1000, 1), 0);
	UNIT_EQ_HEX(sparse_mem_pages(sm), 1);
	UNIT_EQ_HEX(iommu_mem_write64(&m, 0x1FF8, 2), 0);
	UNIT_EQ_HEX(sparse_mem_pages(sm), 1);
	UNIT_EQ_HEX(iommu_mem_write64(&m, 0x5000, 3), 0);
	UNIT_EQ_HEX(sparse_mem_pages(sm), 2);
	UNIT_EQ_HEX(iommu_mem_write64(&m, 0x2A5A5A5A5000ull, 4), 0);
	UNIT_EQ_HEX(sparse_mem_pages(sm), 3);
	/* Pages that share the low bits of the page number stay distinct. */
	UNIT_EQ_HEX(iommu_mem_write64(&m, 0x100001000ull, 5), 0);
	UNIT_EQ_HEX(sparse_mem_pages(sm), 4);
	{
		uint64_t v = 0;

		UNIT_EQ_HEX(iommu_mem_read64(&m, 0x1000, &v), 0);
		UNIT_EQ_HEX(v, 1);
		UNIT_EQ_HEX(iommu_mem_read64(&m, 0x1FF8, &v), 0);
		UNIT_EQ_HEX(v, 2);
		UNIT_EQ_HEX(iommu_mem_read64(&m, 0x5000, &v), 0);
		UNIT_EQ_HEX(v, 3);
		UNIT_EQ_HEX(iommu_mem_read64(&m, 0x2A5A5A5A5000ull, &v), 0);
		UNIT_EQ_HEX(v, 4);
		UNIT_EQ_HEX(iommu_mem_read64(&m, 0x100001000ull, &v), 0);
		UNIT_EQ_HEX(v, 5);
	}
	sparse_mem_destroy(sm);
}

/* Accesses spanning a page boundary touch both pages. */
static void test_cross_page(void)
{
	struct sparse_mem *sm = sparse_mem_create(46);
	struct iommu_mem m;
	uint8_t in[32], out[32];
	uint64_t v = 0;

	CU_ASSERT_FATAL(sm != NULL);
	m = sparse_mem_handle(sm);
	for (unsigned i = 0; i < sizeof(in); i++)
		in[i] = (uint8_t)(0x40 + i);
	UNIT_EQ_HEX(m.ops->write(m.ctx, 0x3FF0, in, sizeof(in)), 0);
	UNIT_EQ_HEX(sparse_mem_pages(sm), 2);
	memset(out, 0, sizeof(out));
	UNIT_EQ_HEX(m.ops->read(m.ctx, 0x3FF0, out, sizeof(out)), 0);
	for (unsigned i = 0; i < sizeof(out); i++)
		UNIT_EQ_HEX(out[i], 0x40 + i);

	/* A 64-bit word straddling 0x6000 is little-endian across both pages. */
	UNIT_EQ_HEX(iommu_mem_write64(&m, 0x5FFC, 0x0807060504030201ull), 0);
	UNIT_EQ_HEX(sparse_mem_pages(sm), 4);
	UNIT_EQ_HEX(m.ops->read(m.ctx, 0x5FFC, out, 8), 0);
	for (unsigned i = 0; i < 8; i++)
		UNIT_EQ_HEX(out[i], i + 1);
	UNIT_EQ_HEX(iommu_mem_read64(&m, 0x5FFC, &v), 0);
	UNIT_EQ_HEX(v, 0x0807060504030201ull);
	UNIT_EQ_HEX(iommu_mem_read64(&m, 0x6000, &v), 0);
	UNIT_EQ_HEX(v, 0x08070605ull);

	/* A bulk access over three pages. */
	{
		uint8_t big[2 * 4096 + 8]; /* 0x10FF8..0x12FFF */

		for (unsigned i = 0; i < sizeof(big); i++)
			big[i] = (uint8_t)(i * 7);
		UNIT_EQ_HEX(m.ops->write(m.ctx, 0x10FF8, big, sizeof(big)), 0);
		UNIT_EQ_HEX(sparse_mem_pages(sm), 4 + 3);
		memset(big, 0, sizeof(big));
		UNIT_EQ_HEX(m.ops->read(m.ctx, 0x10FF8, big, sizeof(big)), 0);
		for (unsigned i = 0; i < sizeof(big); i++)
			if (!UNIT_EQ_HEX(big[i], (uint8_t)(i * 7)))
				break;
	}
	sparse_mem_destroy(sm);
}

/* Little-endian byte order of the 64-bit helpers. */
static void test_le64(void)
{
	struct sparse_mem *sm = sparse_mem_create(40);
	struct iommu_mem m;
	const uint8_t bytes[8] = {0xEF, 0xCD, 0xAB, 0x89, 0x67, 0x45, 0x23, 0x01};
	uint64_t v = 0;

	CU_ASSERT_FATAL(sm != NULL);
	m = sparse_mem_handle(sm);
	UNIT_EQ_HEX(m.ops->write(m.ctx, 0x8000, bytes, 8), 0);
	UNIT_EQ_HEX(iommu_mem_read64(&m, 0x8000, &v), 0);
	UNIT_EQ_HEX(v, 0x0123456789ABCDEFull);
	UNIT_EQ_HEX(iommu_mem_read64(&m, 0x8001, &v), 0);
	UNIT_EQ_HEX(v, 0x000123456789ABCDull);
	sparse_mem_destroy(sm);
}

/* A multi-word read takes 1..8 words; other counts are refused before
 * memory is touched. */
static void test_read_qw_count(void)
{
	struct sparse_mem *sm = sparse_mem_create(40);
	struct unit_mem um;
	struct iommu_mem m;
	uint64_t qw[9] = {0};

	CU_ASSERT_FATAL(sm != NULL);
	unit_mem_init(&um, sparse_mem_handle(sm));
	m = unit_mem_handle(&um);
	UNIT_EQ_HEX(iommu_mem_write64(&um.inner, 0x1000 + 56, 0x1122334455667788ull), 0);
	UNIT_EQ_HEX(iommu_mem_read_qw(&m, 0x1000, qw, 0), (uint64_t)-IOMMU_EINVAL);
	UNIT_EQ_HEX(iommu_mem_read_qw(&m, 0x1000, qw, 9), (uint64_t)-IOMMU_EINVAL);
	UNIT_EQ_HEX(um.reads, 0);
	UNIT_EQ_HEX(iommu_mem_read_qw(&m, 0x1000, qw, 8), 0);
	UNIT_EQ_HEX(um.reads, 1);
	UNIT_EQ_HEX(qw[7], 0x1122334455667788ull);
	UNIT_EQ_HEX(qw[8], 0);
	sparse_mem_destroy(sm);
}

/* Accesses at or above 2^addr_bits fail with -IOMMU_EIO, allocating nothing. */
static void test_limit(void)
{
	struct sparse_mem *sm = sparse_mem_create(20);
	struct iommu_mem m;
	uint8_t buf[16];
	uint64_t v = 0x55;

	CU_ASSERT_FATAL(sm != NULL);
	m = sparse_mem_handle(sm);
	memset(buf, 0x11, sizeof(buf));
	UNIT_EQ_HEX(iommu_mem_write64(&m, 0xFFFF8, 7), 0); /* last word below 1 MiB */
	UNIT_EQ_HEX(iommu_mem_read64(&m, 0xFFFF8, &v), 0);
	UNIT_EQ_HEX(v, 7);
	UNIT_EQ_HEX(sparse_mem_pages(sm), 1);

	UNIT_EQ_HEX(iommu_mem_write64(&m, 0x100000, 1), -IOMMU_EIO);
	UNIT_EQ_HEX(iommu_mem_read64(&m, 0x100000, &v), -IOMMU_EIO);
	UNIT_EQ_HEX(m.ops->read(m.ctx, 0x100000, buf, 1), -IOMMU_EIO);
	UNIT_EQ_HEX(m.ops->write(m.ctx, 0x100000, buf, 1), -IOMMU_EIO);
	UNIT_EQ_HEX(m.ops->read(m.ctx, 0xFFFFFFFFFFFFF000ull, buf, 8), -IOMMU_EIO);
	/* Straddling the limit. */
	UNIT_EQ_HEX(iommu_mem_write64(&m, 0xFFFFC, 1), -IOMMU_EIO);
	UNIT_EQ_HEX(iommu_mem_read64(&m, 0xFFFFC, &v), -IOMMU_EIO);
	UNIT_EQ_HEX(m.ops->write(m.ctx, 0xFFFF8, buf, sizeof(buf)), -IOMMU_EIO);
	/* Wrapping around the top of the 64-bit space. */
	UNIT_EQ_HEX(m.ops->read(m.ctx, 0xFFFFFFFFFFFFFFF8ull, buf, 16), -IOMMU_EIO);
	UNIT_EQ_HEX(sparse_mem_pages(sm), 1);
	/* The failed straddling write left the page below the limit alone. */
	UNIT_EQ_HEX(iommu_mem_read64(&m, 0xFFFF8, &v), 0);
	UNIT_EQ_HEX(v, 7);
	sparse_mem_destroy(sm);
}

/* The injecting wrapper of unit.c: errors exactly at the chosen pages. */
static void test_injecting_wrapper(void)
{
	struct sparse_mem *sm = sparse_mem_create(46);
	struct unit_mem um;
	struct iommu_mem m;
	uint64_t v = 0;

	CU_ASSERT_FATAL(sm != NULL);
	unit_mem_init(&um, sparse_mem_handle(sm));
	m = unit_mem_handle(&um);
	UNIT_EQ_HEX(iommu_mem_write64(&m, 0x3000, 9), 0);
	unit_mem_fail_read(&um, 0x3ABC);
	UNIT_EQ_HEX(iommu_mem_read64(&m, 0x3000, &v), -IOMMU_EIO);
	UNIT_EQ_HEX(iommu_mem_read64(&m, 0x2FFC, &v), -IOMMU_EIO); /* straddles */
	UNIT_EQ_HEX(iommu_mem_read64(&m, 0x2FF8, &v), 0);
	UNIT_EQ_HEX(iommu_mem_read64(&m, 0x4000, &v), 0);
	UNIT_EQ_HEX(iommu_mem_write64(&m, 0x3008, 1), 0);
	UNIT_EQ_HEX(um.injected, 2);
	unit_mem_heal(&um);
	UNIT_EQ_HEX(iommu_mem_read64(&m, 0x3000, &v), 0);
	UNIT_EQ_HEX(v, 9);
	sparse_mem_destroy(sm);
}

static const struct unit_test mem_tests[] = {
	{"zero_fill", test_zero_fill},
	{"page_count", test_page_count},
	{"cross_page", test_cross_page},
	{"le64", test_le64},
	{"read_qw_count", test_read_qw_count},
	{"limit", test_limit},
	{"injecting_wrapper", test_injecting_wrapper},
	{NULL, NULL},
};

void unit_register(void)
{
	unit_add_suite("sparse_mem.c+mem.c", mem_tests);
}
