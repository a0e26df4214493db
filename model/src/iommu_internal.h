/* Internal state of one IOMMU instance; not part of the public API. */
#ifndef IOMMU_INTERNAL_H
#define IOMMU_INTERNAL_H

#include <stdbool.h>
#include <stdint.h>

#include "iommu/iommu.h"
#include "iommu/vtd_regs.h"

struct iommu {
	struct iommu_config cfg;
	struct iommu_mem mem;
	uint8_t regs[VTD_REG_SIZE]; /* register file as software sees it */
	uint64_t root_active;       /* RTADDR latched by GCMD.SRTP */
	unsigned fr_next;           /* next fault record the hardware writes */
	struct iommu_stats stats;
};

/* Register-file storage helpers (little-endian, like the hardware). */
uint32_t vtd_reg_get32(const struct iommu *mmu, uint32_t off);
void vtd_reg_set32(struct iommu *mmu, uint32_t off, uint32_t val);
uint64_t vtd_reg_get64(const struct iommu *mmu, uint32_t off);
void vtd_reg_set64(struct iommu *mmu, uint32_t off, uint64_t val);
/* Resets the register file to the values cfg implies (CAP, ECAP, VER). */
void vtd_regs_reset(struct iommu *mmu);

/* Add one request's references to the totals. */
void iommu_refs_add(struct iommu_refs *to, const struct iommu_refs *from);
/* Paging-entry reads (first and second level) in refs. */
uint32_t iommu_refs_walk_reads(const struct iommu_refs *refs);

#endif
