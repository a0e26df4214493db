# The walker slot (rtl/iommu_walker.sv) against the reference model: tables
# from the model's builder, the model's translation of each request with its
# memory accesses logged, compared with the RTL's response, fills, memory
# operations and cycle count (tests/rtl/walker/README.md). CTest rtl_walker.
#
# The reference side (model, builder, logged memory) is C, built against the
# model's internal headers for its cache fills.
add_library(rtl_walker_model STATIC ${CMAKE_CURRENT_LIST_DIR}/walker/walker_model.c)
target_include_directories(rtl_walker_model PRIVATE ${PROJECT_SOURCE_DIR}/model/src)
target_link_libraries(rtl_walker_model PUBLIC iommu_model)

iommusim_rtl_test(NAME rtl_walker TOP iommu_walker TB tb_walker.cpp TIMEOUT 600)
target_link_libraries(rtl_walker PRIVATE rtl_walker_model)
