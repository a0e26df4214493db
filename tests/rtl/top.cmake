# The whole block (rtl/iommu_top.sv) against the reference model: tables from
# the model's builder (the walker testbench's worlds), the registers
# programmed through the register port, every response compared with the
# model's translation, repeated requests answered from the IOTLB
# (tests/rtl/tb_top.cpp). CTest rtl_top. FillCheck=1: the tables change only
# with invalidations, so two fills of one IOTLB key must agree but for D.
iommusim_rtl_test(NAME rtl_top TOP iommu_top TB tb_top.cpp TIMEOUT 600 PARAMS FillCheck=1)
target_link_libraries(rtl_top PRIVATE rtl_walker_model)
# The same block without paging-structure caches (ways 0: absent), against
# the model configured alike.
iommusim_rtl_test(NAME rtl_top_nopwc TOP iommu_top TB tb_top.cpp TIMEOUT 600
                  PARAMS FlPwcWays=0 SlPwcWays=0 FillCheck=1)
target_link_libraries(rtl_top_nopwc PRIVATE rtl_walker_model)
