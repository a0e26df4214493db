/*
 * VT-d invalidation descriptors (256-bit, scalable mode): encoders for each
 * type, as software writes them into the invalidation queue.
 */
#ifndef IOMMU_VTD_QI_H
#define IOMMU_VTD_QI_H

#include <stdbool.h>
#include <stdint.h>

enum vtd_desc_type {
	VTD_DESC_CC = 0x1,        /* context-cache invalidate */
	VTD_DESC_IOTLB = 0x2,     /* IOTLB invalidate (second-level, pass-through, nested) */
	VTD_DESC_DEVTLB = 0x3,    /* device-TLB invalidate */
	VTD_DESC_IEC = 0x4,       /* interrupt entry cache (not modelled) */
	VTD_DESC_WAIT = 0x5,      /* invalidation wait */
	VTD_DESC_PIOTLB = 0x6,    /* PASID-based IOTLB invalidate */
	VTD_DESC_PC = 0x7,        /* PASID-cache invalidate */
	VTD_DESC_PDEVTLB = 0x8,   /* PASID-based device-TLB invalidate */
	VTD_DESC_PGRP_RESP = 0x9, /* page group response (ECAP.PRS) */
};

/* Granularities. */
enum {
	VTD_CC_GLOBAL = 1,
	VTD_CC_DOMAIN = 2,
	VTD_CC_DEVICE = 3,
	VTD_IOTLB_GLOBAL = 1,
	VTD_IOTLB_DOMAIN = 2,
	VTD_IOTLB_PAGE = 3,
	VTD_PIOTLB_ALL = 2,
	VTD_PIOTLB_PSI = 3,
	VTD_PC_DID = 0,
	VTD_PC_PASID_SEL = 1,
	VTD_PC_ALL = 3,
};

/* Wait flags. */
#define VTD_WAIT_IF 0x10u
#define VTD_WAIT_SW 0x20u
#define VTD_WAIT_FN 0x40u
#define VTD_WAIT_PD 0x80u

void vtd_desc_cc(uint64_t qw[4], unsigned g, uint16_t did, uint16_t sid, unsigned fm);
void vtd_desc_iotlb(uint64_t qw[4], unsigned g, uint16_t did, uint64_t addr, unsigned am, bool ih);
void vtd_desc_piotlb(uint64_t qw[4], unsigned g, uint16_t did, uint32_t pasid, uint64_t addr,
		     unsigned am, bool ih);
void vtd_desc_pc(uint64_t qw[4], unsigned g, uint16_t did, uint32_t pasid);
/* size: bytes, a power of two >= 4 KiB (0: everything); S-bit encoded. */
void vtd_desc_devtlb(uint64_t qw[4], uint16_t sid, uint64_t addr, uint64_t size);
void vtd_desc_pdevtlb(uint64_t qw[4], uint16_t sid, uint32_t pasid, bool global, uint64_t addr,
		      uint64_t size);
void vtd_desc_wait(uint64_t qw[4], unsigned flags, uint64_t status_addr, uint32_t data);

/* Page group response: answers group prgi of endpoint sid (with PASID when
 * pasid_valid) with code (enum vtd_prg_code). QW0: PASID-present 4, code
 * [15:12], RID [31:16], PASID [51:32]; QW1: LPIG 2, PRG index [11:3]. */
void vtd_desc_pgrp_resp(uint64_t qw[4], uint16_t sid, bool pasid_valid, uint32_t pasid,
			uint16_t prgi, unsigned code);

/* AM covering [addr, addr+size): log2 of the power-of-two page count, and
 * the aligned start (as Linux computes it). */
unsigned vtd_desc_am(uint64_t addr, uint64_t size, uint64_t *aligned);

#endif
