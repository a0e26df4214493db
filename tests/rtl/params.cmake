# The parameter package: what the RTL sees equals the model's configuration
# (rtl_params_pkg: params_probe.sv elaborated, tb_params.cpp), and the
# package in the build tree is what rtl_params writes now (rtl_params_fresh:
# a stale package, e.g. after a change of the model's defaults without a new
# configure, fails).
separate_arguments(params_args UNIX_COMMAND "${IOMMUSIM_RTL_PARAMS}")
iommusim_rtl_test(NAME rtl_params_pkg TOP params_probe
                  SOURCES ${CMAKE_CURRENT_LIST_DIR}/params_probe.sv
                  TB tb_params.cpp params_model.c ${PROJECT_SOURCE_DIR}/tools/iommusim/config.c MODEL
                  ARGS ${params_args})
target_include_directories(rtl_params_pkg PRIVATE ${PROJECT_SOURCE_DIR}/tools/iommusim)
pkg_check_modules(RTL_TB_INIH REQUIRED IMPORTED_TARGET inih)
target_link_libraries(rtl_params_pkg PRIVATE PkgConfig::RTL_TB_INIH)

add_test(NAME rtl_params_fresh
         COMMAND ${CMAKE_COMMAND} -DGEN=$<TARGET_FILE:rtl_params> "-DARGS=${IOMMUSIM_RTL_PARAMS}"
                 -DPKG=${IOMMUSIM_RTL_PKG} -DOUT=${CMAKE_CURRENT_BINARY_DIR}/iommu_params_pkg.now.sv
                 -P ${PROJECT_SOURCE_DIR}/tools/rtl-params/check_fresh.cmake)
set_tests_properties(rtl_params_fresh PROPERTIES LABELS rtl)

# rtl/iommu_params_pkg.sv, the package kept beside the modules for use
# without the build (rtl/iommu.f), is what rtl_params writes for the default
# configuration.
add_test(NAME rtl_params_default
         COMMAND ${CMAKE_COMMAND} -DGEN=$<TARGET_FILE:rtl_params> -DARGS=
                 -DPKG=${IOMMUSIM_RTL_DIR}/iommu_params_pkg.sv
                 -DOUT=${CMAKE_CURRENT_BINARY_DIR}/iommu_params_pkg.default.sv
                 "-DFIX=regenerate it: build/bin/rtl_params -o rtl/iommu_params_pkg.sv"
                 -P ${PROJECT_SOURCE_DIR}/tools/rtl-params/check_fresh.cmake)
set_tests_properties(rtl_params_default PROPERTIES LABELS rtl)
