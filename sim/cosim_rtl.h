// The co-simulation's RTL back end (sim/cosim_rtl.cpp): the Verilated
// iommu_top driven with the model's boundary stimulus and compared.
#ifndef IOMMUSIM_COSIM_RTL_H
#define IOMMUSIM_COSIM_RTL_H

#include "iommu_capi.h"

// The command-line side's C headers, as iommu_capi.h includes the model's.
#ifndef _Static_assert
#define IOMMUSIM_COSIM_STATIC_ASSERT_SHIM
#define _Static_assert static_assert
#endif
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wshadow"
extern "C" {
#include "cosim.h"
}
#pragma GCC diagnostic pop
#ifdef IOMMUSIM_COSIM_STATIC_ASSERT_SHIM
#undef _Static_assert
#undef IOMMUSIM_COSIM_STATIC_ASSERT_SHIM
#endif

// Fills be with the back end; bug is the block's PlantBug (kept alive by the
// caller), what its description for the run's header.
void cosim_rtl_backend(struct cosim_backend *be, unsigned *bug, const char *what);

#endif
