# rtl/iommu_regs.sv (with rtl/iommu_fault.sv) against the model's register
# file and fault recording: seeded random register accesses and faults
# (tb_regs.cpp), in the harness of the queue engine (qi/tb_qi_top.sv); a
# second seed runs the same executable.
iommusim_rtl_test(NAME rtl_regs TOP tb_qi_top SOURCES ${CMAKE_CURRENT_LIST_DIR}/qi/tb_qi_top.sv
                  TB tb_regs.cpp qi/qi_shim.c MODEL ARGS +seed=1 TIMEOUT 600)
add_test(NAME rtl_regs_seed2 COMMAND rtl_regs +seed=2)
set_tests_properties(rtl_regs_seed2 PROPERTIES LABELS rtl TIMEOUT 600)
