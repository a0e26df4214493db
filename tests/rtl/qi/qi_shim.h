/*
 * The model's fault recording (an internal function of model/src/vtd) for
 * the C++ testbenches of the register file and the queue engine.
 */
#ifndef IOMMUSIM_TB_QI_SHIM_H
#define IOMMUSIM_TB_QI_SHIM_H

#include <stdbool.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

struct iommu;

struct qi_shim_fault {
	uint16_t sid;
	bool pasid_present;
	uint32_t pasid;
	uint64_t addr;
	unsigned reason;
	bool is_read, page_req, priv, exec;
};

/* vtd_fault_record(): true when a record was written. */
bool qi_shim_fault_record(struct iommu *mmu, const struct qi_shim_fault *f, bool fpd);

#ifdef __cplusplus
}
#endif

#endif
