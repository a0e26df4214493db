/*
 * PCIe ATS endpoints: each device with ATS enabled keeps its own device TLB
 * (address translation cache). A DMA that misses sends a translation
 * request to the IOMMU, caches the completion and then issues a translated
 * request; the IOMMU reaches the device TLBs with invalidation requests.
 */
#ifndef IOMMU_ATS_H
#define IOMMU_ATS_H

#include <stdbool.h>
#include <stdint.h>

#include "iommu/cache.h"
#include "iommu/iommu.h"

struct ats_dev;

struct ats_dev *ats_dev_create(uint16_t sid, const struct iommu_cache_geom *g, uint64_t seed);
void ats_dev_destroy(struct ats_dev *d);
uint16_t ats_dev_sid(const struct ats_dev *d);
/* An endpoint that stops answering invalidation requests (ITE tests). */
void ats_dev_set_responsive(struct ats_dev *d, bool answers);
const struct iommu_cache_stats *ats_dev_stats(const struct ats_dev *d);

/* One DMA from the endpoint (req->at is ignored). resp->source says whether
 * the device TLB served it. Returns as iommu_translate. */
int ats_dev_dma(struct ats_dev *d, struct iommu *mmu, const struct iommu_req *req,
		struct iommu_resp *resp);

/* An invalidation request: entries of pasid (pasid_valid), of every PASID
 * (global), or without PASID, overlapping [addr, addr+size) (size 0: all).
 * Returns whether the endpoint answers; an unresponsive one keeps its TLB. */
bool ats_dev_invalidate(struct ats_dev *d, bool pasid_valid, uint32_t pasid, bool global,
			uint64_t addr, uint64_t size);

/* The endpoints behind one IOMMU, by source ID. */
struct ats_bus;

struct ats_bus *ats_bus_create(void);
void ats_bus_destroy(struct ats_bus *bus); /* and its devices */
int ats_bus_add(struct ats_bus *bus, struct ats_dev *d);
struct ats_dev *ats_bus_find(const struct ats_bus *bus, uint16_t sid);
/* Route mmu's device-TLB invalidations to the bus's endpoints. */
void ats_bus_connect(struct ats_bus *bus, struct iommu *mmu);

/* Translation completion data entry (8 bytes): R 0, W 1, U 2, Exe 3, Priv 4,
 * Global 5, S 11, address [63:12]; with S = 1 the lowest 0 address bit
 * at or above 12 gives the size, as in invalidation requests. */
uint64_t ats_cpl_encode(uint64_t page, uint64_t size, unsigned perm, bool global);
void ats_cpl_decode(uint64_t e, uint64_t *page, uint64_t *size, unsigned *perm, bool *global);

#endif
