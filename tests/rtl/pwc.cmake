# rtl/iommu_pwc.sv: lock-step with the model's per-level paging-structure
# caches (tb_pwc.cpp, pwc_model.c): the first-level family (tag DID, PASID) at
# the default geometry, tree-PLRU, seeded random (the model's seed of the
# family's level-2 cache) and absent (ways 0); the second-level family (tag
# DID) at the default geometry and seeded random.
set(pwc_fl "TagBits=36 VaW=57")
set(pwc_sl "TagBits=16 VaW=57")
foreach(v "fl|${pwc_fl}" "fl_plru_2x8|${pwc_fl} Sets=2 Ways=8 Repl=1"
          "fl_random_4x4|${pwc_fl} Sets=4 Ways=4 Repl=2 Seed=64'd5" "fl_off|${pwc_fl} Ways=0"
          "sl|${pwc_sl}" "sl_random_4x4|${pwc_sl} Sets=4 Ways=4 Repl=2 Seed=64'd9")
  string(REPLACE "|" ";" v "${v}")
  list(GET v 0 name)
  list(GET v 1 params)
  separate_arguments(params)
  iommusim_rtl_test(NAME rtl_pwc_${name} TOP iommu_pwc SOURCES iommu_pwc.sv iommu_cache.sv
                    TB tb_pwc.cpp pwc_model.c MODEL PARAMS ${params})
endforeach()
