# Stage-R lookup (rtl/iommu_lookup.sv, with iommu_entry_check.sv) against the
# model's iommu_lookup_cached() and iommu_translate() in warmed cache states
# (tb_lookup.cpp; the model side is the walker testbench's, walker.cmake).
# CTest rtl_lookup.
iommusim_rtl_test(NAME rtl_lookup TOP iommu_lookup SOURCES iommu_lookup.sv iommu_entry_check.sv
                  TB tb_lookup.cpp TIMEOUT 600)
target_link_libraries(rtl_lookup PRIVATE rtl_walker_model)
