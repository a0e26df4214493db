/*
 * One IOMMU instance: configuration, lifetime, statistics and the request
 * entry point. The architecture-specific work is in src/vtd/.
 */
#include <stdlib.h>
#include <string.h>

#include "iommu_internal.h"
#include "vtd/vtd.h"

void iommu_config_default(struct iommu_config *cfg)
{
	*cfg = (struct iommu_config){
		.haw = 46,
		.mgaw = 57,
		.sagaw = VTD_SAGAW_39 | VTD_SAGAW_48 | VTD_SAGAW_57,
		.nfr = 8,
		.pasid_bits = 20,
		.sl_2m = true,
		.sl_1g = true,
		.fl_1g = true,
		.fl_5level = true,
		.nested = true,
		.pass_through = true,
		.sl_ad = true,
		.exec_req = true,
		.super_req = true,
		.rid_pasid = true,
	};
}

int iommu_config_check(const struct iommu_config *cfg, const char **why)
{
	const char *w = NULL;

	if (cfg->haw < 39 || cfg->haw > 52)
		w = "haw: expected 39..52";
	else if (cfg->mgaw < 39 || cfg->mgaw > 57)
		w = "mgaw: expected 39..57";
	else if (!cfg->sagaw ||
		 (cfg->sagaw & ~(unsigned)(VTD_SAGAW_39 | VTD_SAGAW_48 | VTD_SAGAW_57)))
		w = "sagaw: expected a non-empty set of 39/48/57-bit widths";
	else if (cfg->nfr < 1 || cfg->nfr > 256)
		w = "nfr: expected 1..256 fault records";
	else if (cfg->pasid_bits < 1 || cfg->pasid_bits > 20)
		w = "pasid_bits: expected 1..20";
	else if (cfg->fl_5level && cfg->mgaw < 57)
		w = "fl_5level: needs mgaw 57";
	if (why)
		*why = w;
	return w ? -IOMMU_EINVAL : 0;
}

struct iommu *iommu_create(const struct iommu_config *cfg, const struct iommu_mem *mem)
{
	struct iommu *mmu;

	if (iommu_config_check(cfg, NULL) || !mem || !mem->ops)
		return NULL;
	mmu = calloc(1, sizeof(*mmu));
	if (!mmu)
		return NULL;
	mmu->cfg = *cfg;
	mmu->mem = *mem;
	vtd_regs_reset(mmu);
	return mmu;
}

void iommu_destroy(struct iommu *mmu)
{
	free(mmu);
}

const struct iommu_config *iommu_cfg(const struct iommu *mmu)
{
	return &mmu->cfg;
}

const struct iommu_stats *iommu_stats(const struct iommu *mmu)
{
	return &mmu->stats;
}

void iommu_refs_add(struct iommu_refs *to, const struct iommu_refs *from)
{
	to->root += from->root;
	to->context += from->context;
	to->pasid_dir += from->pasid_dir;
	to->pasid_entry += from->pasid_entry;
	for (int l = 0; l <= IOMMU_MAX_LEVELS; l++) {
		to->fl[l] += from->fl[l];
		to->sl[l] += from->sl[l];
	}
	to->ad_writes += from->ad_writes;
}

uint32_t iommu_refs_walk_reads(const struct iommu_refs *refs)
{
	uint32_t n = 0;

	for (int l = 0; l <= IOMMU_MAX_LEVELS; l++)
		n += refs->fl[l] + refs->sl[l];
	return n;
}

/* A request that no PCIe transaction could carry. */
static bool iommu_req_malformed(const struct iommu_req *req)
{
	if (req->access != IOMMU_ACC_READ && req->access != IOMMU_ACC_WRITE &&
	    req->access != IOMMU_ACC_EXEC)
		return true;
	if (req->pasid_valid && req->pasid > 0xFFFFF)
		return true;
	/* Privileged-mode and execute requested travel in the PASID prefix. */
	return !req->pasid_valid && (req->priv || req->access == IOMMU_ACC_EXEC);
}

int iommu_translate(struct iommu *mmu, const struct iommu_req *req, struct iommu_resp *resp)
{
	struct iommu_stats *s = &mmu->stats;
	uint32_t reads;
	int rc;

	memset(resp, 0, sizeof(*resp));
	if (iommu_req_malformed(req))
		return -IOMMU_EINVAL;
	s->requests++;
	rc = vtd_translate(mmu, req, resp);
	if (rc == 0) {
		s->completed++;
	} else {
		s->faults++;
		s->faults_by_reason[resp->fault & 0xFF]++;
	}
	reads = iommu_refs_walk_reads(&resp->refs);
	if (reads) {
		s->walks++;
		s->walk_mem_reads += reads;
		if (reads > s->walk_max_mem_reads)
			s->walk_max_mem_reads = reads;
	}
	iommu_refs_add(&s->refs, &resp->refs);
	return rc;
}
