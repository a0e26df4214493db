/*
 * The stale-translation oracle. It watches the invalidation queue and checks
 * every DMA that a cache served (IOTLB or device TLB) against a reference
 * walk of the tables as they are now. A cached translation that the tables
 * no longer give is stale; it is a hardware error (stale_translations) when
 * an invalidation covering that entry, issued after the entry was filled,
 * had completed with an invalidation wait, and a software error
 * (software_missing_flush) otherwise. Coverage is stated here from the
 * descriptor definitions, independently of the caches' own invalidation code.
 */
#ifndef IOMMU_VTD_ORACLE_H
#define IOMMU_VTD_ORACLE_H

#include <stdint.h>

#include "iommu/iommu.h"

enum vtd_oracle_verdict {
	VTD_ORACLE_OK = 0,
	VTD_ORACLE_STALE = 1,         /* hardware kept what software invalidated */
	VTD_ORACLE_MISSING_FLUSH = 2, /* software changed tables without invalidating */
};

struct vtd_oracle;

/* Installs itself as mmu's queue observer. */
struct vtd_oracle *vtd_oracle_create(struct iommu *mmu);
void vtd_oracle_destroy(struct vtd_oracle *o);

/* Checks one completed request: req as the device issued it (untranslated),
 * resp as it came back (from iommu_translate or ats_dev_dma). */
enum vtd_oracle_verdict vtd_oracle_check(struct vtd_oracle *o, const struct iommu_req *req,
					 const struct iommu_resp *resp);

uint64_t vtd_oracle_stale(const struct vtd_oracle *o);
uint64_t vtd_oracle_missing_flush(const struct vtd_oracle *o);
const char *vtd_oracle_verdict_name(enum vtd_oracle_verdict v); /* "", "stale", "missing_flush" */

#endif
