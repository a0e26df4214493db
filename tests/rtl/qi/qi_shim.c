/* The model's fault recording for the testbenches (see qi_shim.h). */
#include "qi_shim.h"

#include "vtd/vtd.h"

bool qi_shim_fault_record(struct iommu *mmu, const struct qi_shim_fault *f, bool fpd)
{
	struct vtd_fault_info info = {
		.sid = f->sid,
		.pasid_present = f->pasid_present,
		.pasid = f->pasid,
		.addr = f->addr,
		.is_read = f->is_read,
		.priv = f->priv,
		.exec = f->exec,
		.page_req = f->page_req,
		.reason = f->reason,
	};

	return vtd_fault_record(mmu, &info, fpd);
}
