# rtl/iommu_ctx_cache.sv and rtl/iommu_pasid_cache.sv: directed checks and
# lock-step with the model's caches (tb_dircache.cpp, dircache_model.c), at
# the default geometry and one other.
foreach(v "ctx;iommu_ctx_cache;16;4;0" "ctx_4x4_plru;iommu_ctx_cache;4;4;1"
          "pasid;iommu_pasid_cache;16;4;0" "pasid_fa8_random;iommu_pasid_cache;1;8;2")
  list(GET v 0 name)
  list(GET v 1 top)
  list(GET v 2 sets)
  list(GET v 3 ways)
  list(GET v 4 repl)
  iommusim_rtl_test(NAME rtl_${name}_cache TOP ${top} SOURCES ${top}.sv iommu_cache.sv
                    TB tb_dircache.cpp dircache_model.c MODEL
                    PARAMS Sets=${sets} Ways=${ways} Repl=${repl} ARGS +seed=${sets}${ways})
  if(top STREQUAL iommu_pasid_cache)
    target_compile_definitions(rtl_${name}_cache PRIVATE TB_PASID_CACHE)
  endif()
endforeach()
# The request path's form: combinational lookups on two ordered ports and the
# one-cycle invalidation (LkComb=1, LkPorts=2, InvFlash=1).
foreach(v "ctx;iommu_ctx_cache;16;4;0" "ctx_4x4_plru;iommu_ctx_cache;4;4;1"
          "pasid;iommu_pasid_cache;16;4;0" "pasid_fa8_random;iommu_pasid_cache;1;8;2")
  list(GET v 0 name)
  list(GET v 1 top)
  list(GET v 2 sets)
  list(GET v 3 ways)
  list(GET v 4 repl)
  iommusim_rtl_test(NAME rtl_${name}_cache_p2 TOP ${top} SOURCES ${top}.sv iommu_cache.sv
                    TB tb_dircache.cpp dircache_model.c MODEL
                    PARAMS Sets=${sets} Ways=${ways} Repl=${repl} LkComb=1 LkPorts=2 InvFlash=1
                    ARGS +seed=${sets}${ways}2)
  if(top STREQUAL iommu_pasid_cache)
    target_compile_definitions(rtl_${name}_cache_p2 PRIVATE TB_PASID_CACHE)
  endif()
endforeach()
