# rtl/iommu_cache.sv against the model's cache engine (tb_cache.cpp), one
# Verilated model per geometry and replacement policy: fully associative,
# direct-mapped, 4x4, 16x8, and 4x6 (ways not a power of two).
set(cache_layout KeyW=40 TagW=48 DataW=32 Probes=2 PageLsb=0 PageW=27 LvlLsb=27 LvlW=2 Seed=64'd7)
foreach(v "fa8_lru;1;8;0" "fa8_plru;1;8;1" "fa8_random;1;8;2" "dm16;16;1;0"
          "4x4_lru;4;4;0" "4x4_plru;4;4;1" "4x4_random;4;4;2"
          "16x8_lru;16;8;0" "16x8_plru;16;8;1" "16x8_random;16;8;2"
          "4x6_lru;4;6;0" "4x6_random;4;6;2" "off;4;0;0")
  list(GET v 0 name)
  list(GET v 1 sets)
  list(GET v 2 ways)
  list(GET v 3 repl)
  iommusim_rtl_test(NAME rtl_cache_${name} TOP iommu_cache TB tb_cache.cpp MODEL
                    PARAMS Sets=${sets} Ways=${ways} Repl=${repl} ${cache_layout}
                    ARGS +seed=${sets}${ways}${repl})
endforeach()

# The request path's form (docs/uarch.md section 4.1): combinational
# lookups on two ordered ports (LkComb=1, LkPorts=2) and the one-cycle
# invalidation (InvFlash=1); and once the registered response with two ports.
foreach(v "4x4_lru;4;4;0;1" "4x4_plru;4;4;1;1" "16x8_random;16;8;2;1" "fa8_plru;1;8;1;1"
          "dm16;16;1;0;1" "4x6_lru;4;6;0;1" "off;4;0;0;1" "reg_4x4_lru;4;4;0;0")
  list(GET v 0 name)
  list(GET v 1 sets)
  list(GET v 2 ways)
  list(GET v 3 repl)
  list(GET v 4 comb)
  iommusim_rtl_test(NAME rtl_cache_p2_${name} TOP iommu_cache TB tb_cache.cpp MODEL
                    PARAMS Sets=${sets} Ways=${ways} Repl=${repl} ${cache_layout}
                           LkComb=${comb} LkPorts=2 InvFlash=1
                    ARGS +seed=${sets}${ways}${repl}2)
endforeach()

# Gate level: the same testbench on Yosys's netlist of the cache (tools/rtl-gate.sh),
# tree-PLRU and random replacement with ways not a power of two; and tree-PLRU in
# the combinational two-port form with the one-cycle invalidation.
foreach(v "4x4_plru;4;4;1;" "4x6_random;4;6;2;"
          "p2_4x4_plru;4;4;1;LkComb=1 LkPorts=2 InvFlash=1")
  list(GET v 0 name)
  list(GET v 1 sets)
  list(GET v 2 ways)
  list(GET v 3 repl)
  list(GET v 4 form)
  separate_arguments(form)
  set(gate_params "")
  foreach(p Sets=${sets} Ways=${ways} Repl=${repl} ${cache_layout} ${form})
    list(APPEND gate_params --param ${p})
  endforeach()
  add_test(NAME rtl_gate_cache_${name}
           COMMAND ${PROJECT_SOURCE_DIR}/tools/rtl-gate.sh --yosys ${IOMMUSIM_YOSYS}
                   --verilator ${IOMMUSIM_VERILATOR} --pkg ${IOMMUSIM_RTL_PKG} --top iommu_cache
                   --tb ${CMAKE_CURRENT_LIST_DIR}/tb_cache.cpp
                   --model-lib $<TARGET_FILE:iommu_model> --out ${CMAKE_CURRENT_BINARY_DIR}/gate
                   --name rtl_gate_cache_${name} ${gate_params} -- +seed=${sets}${ways}${repl})
  set_tests_properties(rtl_gate_cache_${name} PROPERTIES LABELS rtl TIMEOUT 1200)
endforeach()
