/*
 * The reference model's C headers, for C++ translation units.
 *
 * The model's headers are C11: they carry no extern "C" linkage and check
 * in-memory formats with _Static_assert, which C++ spells static_assert.
 * This header includes all of them with C linkage and that spelling, so the
 * SystemC side uses the model's public interface unchanged. C names a
 * struct and the function returning it alike (iommu_stats), which C++'s
 * -Wshadow reports; that warning is off inside these headers only.
 */
#ifndef IOMMUSIM_SIM_IOMMU_CAPI_H
#define IOMMUSIM_SIM_IOMMU_CAPI_H

#include <cstddef>
#include <cstdint>

#ifndef _Static_assert
#define IOMMUSIM_SIM_STATIC_ASSERT_SHIM
#define _Static_assert static_assert
#endif

#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wshadow"
extern "C" {
#include "iommu/iommu.h"
#include "iommu/mem.h"
#include "iommu/timing.h"
#include "iommu/vtd_builder.h"
#include "iommu/vtd_fault.h"
#include "iommu/vtd_regs.h"
#include "iommu/vtd_tables.h"
}
#pragma GCC diagnostic pop

#ifdef IOMMUSIM_SIM_STATIC_ASSERT_SHIM
#undef _Static_assert
#undef IOMMUSIM_SIM_STATIC_ASSERT_SHIM
#endif

#endif
