/* Encoders for VT-d invalidation descriptors (the fields qi.c decodes). */
#include "iommu/vtd_qi.h"

#include <string.h>

#include "iommu/mem.h"

static void desc_clear(uint64_t qw[4])
{
	memset(qw, 0, 4 * sizeof(*qw));
}

void vtd_desc_cc(uint64_t qw[4], unsigned g, uint16_t did, uint16_t sid, unsigned fm)
{
	desc_clear(qw);
	qw[0] = VTD_DESC_CC | (uint64_t)(g & 3) << 4 | (uint64_t)did << 16 | (uint64_t)sid << 32 |
		(uint64_t)(fm & 3) << 48;
}

void vtd_desc_iotlb(uint64_t qw[4], unsigned g, uint16_t did, uint64_t addr, unsigned am, bool ih)
{
	desc_clear(qw);
	qw[0] = VTD_DESC_IOTLB | (uint64_t)(g & 3) << 4 | (uint64_t)did << 16;
	if (g == VTD_IOTLB_PAGE)
		qw[1] = (addr & ~0xFFFull) | (ih ? 0x40u : 0u) | (am & 0x3F);
}

void vtd_desc_piotlb(uint64_t qw[4], unsigned g, uint16_t did, uint32_t pasid, uint64_t addr,
		     unsigned am, bool ih)
{
	desc_clear(qw);
	qw[0] = VTD_DESC_PIOTLB | (uint64_t)(g & 3) << 4 | (uint64_t)did << 16 |
		(uint64_t)(pasid & 0xFFFFF) << 32;
	if (g == VTD_PIOTLB_PSI)
		qw[1] = (addr & ~0xFFFull) | (ih ? 0x40u : 0u) | (am & 0x3F);
}

void vtd_desc_pc(uint64_t qw[4], unsigned g, uint16_t did, uint32_t pasid)
{
	desc_clear(qw);
	qw[0] = VTD_DESC_PC | (uint64_t)(g & 3) << 4 | (uint64_t)did << 16 |
		(uint64_t)(pasid & 0xFFFFF) << 32;
}

/* SPEC(VT-d device-TLB inv): S = 1 encodes 2^(p+1) bytes by making p (>= 12)
 * the lowest 0 address bit, all address bits below it 1. */
static uint64_t s_addr(uint64_t addr, uint64_t size, bool *s)
{
	if (size == IOMMU_PAGE_SIZE) {
		*s = false;
		return addr & ~0xFFFull;
	}
	*s = true;
	if (size == 0)
		return ~0ull >> 1 & ~0xFFFull; /* everything */
	return (addr & ~(size - 1)) | ((size / 2 - 1) & ~0xFFFull);
}

void vtd_desc_devtlb(uint64_t qw[4], uint16_t sid, uint64_t addr, uint64_t size)
{
	bool s;

	desc_clear(qw);
	qw[0] = VTD_DESC_DEVTLB | (uint64_t)sid << 32;
	qw[1] = s_addr(addr, size, &s);
	qw[1] |= s ? 1u : 0u;
}

void vtd_desc_pdevtlb(uint64_t qw[4], uint16_t sid, uint32_t pasid, bool global, uint64_t addr,
		      uint64_t size)
{
	bool s;

	desc_clear(qw);
	qw[0] = VTD_DESC_PDEVTLB | (uint64_t)sid << 16 | (uint64_t)(pasid & 0xFFFFF) << 32;
	qw[1] = s_addr(addr, size, &s);
	qw[1] |= (s ? 1ull << 11 : 0) | (global ? 1u : 0u);
}

void vtd_desc_wait(uint64_t qw[4], unsigned flags, uint64_t status_addr, uint32_t data)
{
	desc_clear(qw);
	qw[0] = VTD_DESC_WAIT | (flags & 0xF0u) | (uint64_t)data << 32;
	qw[1] = status_addr & ~3ull;
}

void vtd_desc_pgrp_resp(uint64_t qw[4], uint16_t sid, bool pasid_valid, uint32_t pasid,
			uint16_t prgi, unsigned code)
{
	desc_clear(qw);
	qw[0] = VTD_DESC_PGRP_RESP | (pasid_valid ? 1ull << 4 : 0) | (uint64_t)(code & 0xF) << 12 |
		(uint64_t)sid << 16 | (uint64_t)(pasid & 0xFFFFF) << 32;
	/* LPIG: a response always answers a whole group (its last page). */
	qw[1] = 1ull << 2 | (uint64_t)(prgi & 0x1FF) << 3;
}

unsigned vtd_desc_am(uint64_t addr, uint64_t size, uint64_t *aligned)
{
	uint64_t first = addr >> 12, last = (addr + size - 1) >> 12;
	unsigned am = 0;

	/* The smallest aligned power-of-two block of pages holding the range. */
	while ((first >> am) != (last >> am))
		am++;
	*aligned = (first >> am) << (12 + am);
	return am;
}
