# rtl/iommu_iotlb.sv: directed checks and lock-step with the model's IOTLB
# (tb_iotlb.cpp, iotlb_model.c). The default variant takes its geometry from
# iommu_params_pkg (the RTL) and iommu_config_default() (the test): they
# must agree.
iommusim_rtl_test(NAME rtl_iotlb TOP iommu_iotlb SOURCES iommu_iotlb.sv iommu_cache.sv
                  TB tb_iotlb.cpp iotlb_model.c MODEL)
foreach(v "4x4_lru;4;4;0" "fa8_random;1;8;2" "dm16;16;1;0" "16x8_plru;16;8;1")
  list(GET v 0 name)
  list(GET v 1 sets)
  list(GET v 2 ways)
  list(GET v 3 repl)
  iommusim_rtl_test(NAME rtl_iotlb_${name} TOP iommu_iotlb SOURCES iommu_iotlb.sv iommu_cache.sv
                    TB tb_iotlb.cpp iotlb_model.c MODEL
                    PARAMS Sets=${sets} Ways=${ways} Repl=${repl} ARGS +seed=${sets}${ways})
endforeach()
# The request path's form: combinational lookups on two ordered ports and the
# one-cycle invalidation (LkComb=1, LkPorts=2, InvFlash=1), at the default
# geometry and three others.
set(iotlb_p2 LkComb=1 LkPorts=2 InvFlash=1)
iommusim_rtl_test(NAME rtl_iotlb_p2 TOP iommu_iotlb SOURCES iommu_iotlb.sv iommu_cache.sv
                  TB tb_iotlb.cpp iotlb_model.c MODEL PARAMS ${iotlb_p2} ARGS +seed=2)
foreach(v "4x4_lru;4;4;0" "fa8_random;1;8;2" "16x8_plru;16;8;1")
  list(GET v 0 name)
  list(GET v 1 sets)
  list(GET v 2 ways)
  list(GET v 3 repl)
  iommusim_rtl_test(NAME rtl_iotlb_p2_${name} TOP iommu_iotlb
                    SOURCES iommu_iotlb.sv iommu_cache.sv TB tb_iotlb.cpp iotlb_model.c MODEL
                    PARAMS Sets=${sets} Ways=${ways} Repl=${repl} ${iotlb_p2}
                    ARGS +seed=${sets}${ways}2)
endforeach()
# The FillSame assertion of the request path's form (iommu_top turns it on):
# random fills derived from their key pass it; a refill of a key with another
# page must fail it, once.
iommusim_rtl_test(NAME rtl_iotlb_fillcheck TOP iommu_iotlb SOURCES iommu_iotlb.sv iommu_cache.sv
                  TB tb_iotlb.cpp iotlb_model.c MODEL PARAMS ${iotlb_p2} FillCheck=1
                  ARGS +seed=7)
add_test(NAME rtl_iotlb_fillcheck_differ
         COMMAND rtl_iotlb_fillcheck +refill=differ +verilator+error+limit+2)
set_tests_properties(rtl_iotlb_fillcheck_differ PROPERTIES LABELS rtl
                     PASS_REGULAR_EXPRESSION "fill of set [0-9]+: the key in way [0-9]+ holds tag")
