// The block's sources for Verilator (-F: paths relative to this file): the
// lint waivers, the parameter package (the modules refer to it), then one
// module per file. verilator --lint-only -Wall -F rtl/iommu.f --top-module iommu_top
lint_waivers.vlt
iommu_params_pkg.sv
iommu_cache.sv
iommu_ctx_cache.sv
iommu_entry_check.sv
iommu_fault.sv
iommu_iotlb.sv
iommu_keys.sv
iommu_lookup.sv
iommu_pasid_cache.sv
iommu_prq.sv
iommu_pwc.sv
iommu_qi.sv
iommu_regs.sv
iommu_top.sv
iommu_walker.sv
