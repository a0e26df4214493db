/* Descriptions of the VT-d scalable-mode fault reasons the model raises. */
#include "iommu/vtd_fault.h"

const char *vtd_fault_reason_str(unsigned reason)
{
	switch ((enum vtd_fault_reason)reason) {
	case VTD_FR_NONE: return "no fault";
	case VTD_FR_ROOT_TABLE_INVALID: return "invalid root table address (TTM not scalable)";
	case VTD_FR_ROOT_ACCESS: return "root entry access error";
	case VTD_FR_ROOT_NOT_PRESENT: return "root entry not present";
	case VTD_FR_ROOT_RSVD: return "root entry reserved bits set";
	case VTD_FR_CTX_ACCESS: return "context entry access error";
	case VTD_FR_CTX_NOT_PRESENT: return "context entry not present";
	case VTD_FR_CTX_RSVD: return "context entry reserved bits set";
	case VTD_FR_CTX_INVALID: return "invalid context entry";
	case VTD_FR_CTX_DTE_CLEAR: return "DTE clear in context entry";
	case VTD_FR_CTX_PASIDE_CLEAR: return "PASIDE clear in context entry";
	case VTD_FR_PASID_TOO_LARGE: return "PASID beyond the context's PASID directory (PDTS)";
	case VTD_FR_CTX_PRE_CLEAR: return "PRE clear in context entry";
	case VTD_FR_RID_PASID: return "RID_PASID error";
	case VTD_FR_PDE_ACCESS: return "PASID directory entry access error";
	case VTD_FR_PDE_NOT_PRESENT: return "PASID directory entry not present";
	case VTD_FR_PDE_RSVD: return "PASID directory entry reserved bits set";
	case VTD_FR_PTE_ACCESS: return "PASID table entry access error";
	case VTD_FR_PTE_NOT_PRESENT: return "PASID table entry not present";
	case VTD_FR_PTE_RSVD: return "PASID table entry reserved bits set";
	case VTD_FR_PTE_INVALID: return "invalid PASID table entry";
	case VTD_FR_ERE_CLEAR: return "execute request with ERE clear";
	case VTD_FR_SRE_CLEAR: return "supervisor request with SRE clear";
	case VTD_FR_FL_ACCESS: return "first-level entry access error";
	case VTD_FR_FL_NOT_PRESENT: return "first-level entry not present";
	case VTD_FR_FL_RSVD: return "first-level entry reserved bits set";
	case VTD_FR_FL_ROOT_ACCESS: return "first-level top entry access error";
	case VTD_FR_FL_NESTED_BEYOND_MGAW:
		return "first-level table address beyond the second-level width";
	case VTD_FR_FL_NESTED_ROOT_READ:
		return "no second-level read permission for the first-level top table";
	case VTD_FR_FL_NESTED_READ:
		return "no second-level read permission for a first-level table";
	case VTD_FR_FL_NESTED_WRITE:
		return "no second-level write permission for a first-level A/D update";
	case VTD_FR_SL_ACCESS: return "second-level entry access error";
	case VTD_FR_SL_PERM: return "second-level entry not present (R = W = 0)";
	case VTD_FR_SL_RSVD: return "second-level entry reserved bits set";
	case VTD_FR_SL_PTR_INVALID: return "invalid second-level table pointer";
	case VTD_FR_NON_CANONICAL: return "first-level address not canonical";
	case VTD_FR_US_CLEAR: return "user request to a supervisor page";
	case VTD_FR_NO_EXEC: return "no execute permission";
	case VTD_FR_ADDR_BEYOND_MAX: return "address beyond the translation width";
	case VTD_FR_SL_OUT_BEYOND_MAX: return "second-level output beyond the maximum";
	case VTD_FR_NO_WRITE: return "no write permission";
	case VTD_FR_NO_READ: return "no read permission";
	}
	return "unknown";
}
