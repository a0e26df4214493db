/*
 * VT-d scalable-mode fault reasons, with the values the specification gives
 * them (they appear in FRCD.FR). The model raises only the names below.
 */
#ifndef IOMMU_VTD_FAULT_H
#define IOMMU_VTD_FAULT_H

enum vtd_fault_reason {
	VTD_FR_NONE = 0x00,

	VTD_FR_ROOT_TABLE_INVALID = 0x30, /* RTADDR not usable (TTM not scalable) */
	VTD_FR_ROOT_ACCESS = 0x38,
	VTD_FR_ROOT_NOT_PRESENT = 0x39,
	VTD_FR_ROOT_RSVD = 0x3A,

	VTD_FR_CTX_ACCESS = 0x40,
	VTD_FR_CTX_NOT_PRESENT = 0x41,
	VTD_FR_CTX_RSVD = 0x42,
	VTD_FR_CTX_INVALID = 0x43,
	VTD_FR_CTX_DTE_CLEAR = 0x44,
	VTD_FR_CTX_PASIDE_CLEAR = 0x45,
	VTD_FR_PASID_TOO_LARGE = 0x46,
	VTD_FR_CTX_PRE_CLEAR = 0x47,
	VTD_FR_RID_PASID = 0x48,

	VTD_FR_PDE_ACCESS = 0x50,
	VTD_FR_PDE_NOT_PRESENT = 0x51,
	VTD_FR_PDE_RSVD = 0x52,

	VTD_FR_PTE_ACCESS = 0x58,
	VTD_FR_PTE_NOT_PRESENT = 0x59,
	VTD_FR_PTE_RSVD = 0x5A,
	VTD_FR_PTE_INVALID = 0x5B,
	VTD_FR_ERE_CLEAR = 0x5C,
	VTD_FR_SRE_CLEAR = 0x5D,

	VTD_FR_FL_ACCESS = 0x70,
	VTD_FR_FL_NOT_PRESENT = 0x71,
	VTD_FR_FL_RSVD = 0x72,
	VTD_FR_FL_ROOT_ACCESS = 0x73,
	VTD_FR_FL_NESTED_BEYOND_MGAW = 0x74,
	VTD_FR_FL_NESTED_ROOT_READ = 0x75,
	VTD_FR_FL_NESTED_READ = 0x76,
	VTD_FR_FL_NESTED_WRITE = 0x77,
	VTD_FR_SL_ACCESS = 0x78,
	VTD_FR_SL_PERM = 0x79,
	VTD_FR_SL_RSVD = 0x7A,
	VTD_FR_SL_PTR_INVALID = 0x7B,

	VTD_FR_NON_CANONICAL = 0x80,
	VTD_FR_US_CLEAR = 0x81,
	VTD_FR_NO_EXEC = 0x82,
	VTD_FR_ADDR_BEYOND_MAX = 0x83,
	VTD_FR_SL_OUT_BEYOND_MAX = 0x84,
	VTD_FR_NO_WRITE = 0x85,
	VTD_FR_NO_READ = 0x86,
};

/* Short description ("PASID table entry not present"); "unknown" otherwise. */
const char *vtd_fault_reason_str(unsigned reason);

#endif
