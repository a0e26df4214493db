# rtl/iommu_qi.sv against the model's invalidation queue and its timing
# engine (tb_qi.cpp, tests/rtl/qi/README.md), in qi/tb_qi_top.sv with
# iommu_regs and real caches (their scans give the invalidation cycles).
iommusim_rtl_test(NAME rtl_qi TOP tb_qi_top SOURCES ${CMAKE_CURRENT_LIST_DIR}/qi/tb_qi_top.sv
                  TB tb_qi.cpp qi/qi_shim.c MODEL ARGS +seed=1 TIMEOUT 900)
