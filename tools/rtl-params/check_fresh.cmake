# Regenerates the parameter package (GEN with ARGS into OUT) and fails when
# it differs from the one the build uses (PKG); FIX, when given, says how to
# bring PKG up to date (default: configure again).
separate_arguments(args UNIX_COMMAND "${ARGS}")
execute_process(COMMAND ${GEN} ${args} -o ${OUT} RESULT_VARIABLE rc)
if(rc)
  message(FATAL_ERROR "rtl_params failed (${rc})")
endif()
execute_process(COMMAND ${CMAKE_COMMAND} -E compare_files ${PKG} ${OUT} RESULT_VARIABLE diff)
if(diff)
  if(NOT FIX)
    set(FIX "configure again")
  endif()
  message(FATAL_ERROR "${PKG} is stale: rtl_params now writes ${OUT}; ${FIX}")
endif()
message(STATUS "iommu_params_pkg.sv is what rtl_params writes")
