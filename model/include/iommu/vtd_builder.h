/*
 * Table builder: the driver side of VT-d scalable mode, as a library.
 *
 * It owns the root table, context tables, PASID directories/tables and the
 * page tables of "domains", all allocated as 4 KiB pages from physical memory
 * through the same callback table the model uses. Tests use it to set up
 * translations; the trace driver uses it for map/unmap/attach/detach.
 *
 * A first-level domain created with a parent second-level domain keeps its
 * table pages in the parent's guest-physical space: each table page is a host
 * page mapped (read/write) by the parent at a guest-physical address the
 * builder allocates, and first-level entries hold guest-physical addresses.
 *
 * Like a driver, it owns an invalidation queue (one 4 KiB page of 256-bit
 * descriptors, enabled at create). Map and unmap edit tables only and
 * invalidate nothing; vtd_builder_flush() sends what a correct driver sends
 * after a change. Attach over a present entry, detach, and a change to a
 * present context entry invalidate the caches as a driver does, unless the
 * config's flush_on_attach is false.
 */
#ifndef IOMMU_VTD_BUILDER_H
#define IOMMU_VTD_BUILDER_H

#include <stdbool.h>
#include <stdint.h>

#include "iommu/iommu.h"
#include "iommu/vtd_tables.h"

struct vtd_builder_config {
	uint64_t alloc_base;  /* first host-physical byte for table pages */
	uint64_t alloc_limit; /* one past the last */
	unsigned pdts;        /* context PDTS for new devices: 2^(pdts+7) dir entries */
	bool preset_ad;       /* set A (and D on writable leaves) when mapping, as Linux does */
	bool sl_ad;           /* set SSADE in second-level/nested PASID entries */
	bool flush_on_attach; /* invalidate on detach / re-attach / context change */
};

void vtd_builder_config_default(struct vtd_builder_config *cfg);

enum vtd_stage {
	VTD_STAGE_S1 = 1, /* first-level (x86-64) tables */
	VTD_STAGE_S2 = 2, /* second-level (VT-d) tables */
};

struct vtd_attach {
	uint16_t sid;
	bool has_pasid; /* false: the entry at the context's RID_PASID */
	uint32_t pasid;
	enum vtd_pgtt type;
	int s1, s2;              /* domain IDs used by the type; -1 when unused */
	uint16_t did;            /* for pass-through only (others take the domain's) */
	bool sre, ere, wpe, nxe; /* PASID entry flags for first-level/nested */
	bool dte;                /* the device has ATS: context DTE = 1 */
};

/* One attachment as the builder keeps it (pasid: the PASID used, RID_PASID
 * when has_pasid is false). */
struct vtd_attachment {
	uint16_t sid;
	bool has_pasid;
	uint32_t pasid;
	enum vtd_pgtt type;
	int s1, s2;
	uint16_t did;
	bool dte;
};

void vtd_attach_init(struct vtd_attach *a, uint16_t sid, enum vtd_pgtt type);

struct vtd_builder;

/* Allocates the root table and turns translation on through the registers
 * (RTADDR with TTM = scalable, GCMD.SRTP, GCMD.TE). */
struct vtd_builder *vtd_builder_create(struct iommu *mmu, struct iommu_mem mem,
				       const struct vtd_builder_config *cfg);
void vtd_builder_destroy(struct vtd_builder *b);

/* Every call below returns 0 or -IOMMU_E*; on error vtd_builder_error()
 * says why in one sentence (for user-facing messages). */
const char *vtd_builder_error(const struct vtd_builder *b);

/* id: 1..65535 (it becomes the DID); levels: 4/5 for s1, 3/4/5 for s2;
 * parent: an s2 domain ID, or -1. */
int vtd_builder_domain(struct vtd_builder *b, unsigned id, enum vtd_stage stage, unsigned levels,
		       int parent);
bool vtd_builder_has_domain(const struct vtd_builder *b, unsigned id);
/* Root table address (guest-physical for a nested s1 domain). */
uint64_t vtd_builder_domain_root(const struct vtd_builder *b, unsigned id);

/* Map [iova, iova+size) to [pa, pa+size) with IOMMU_PERM_R/W/X (+U via
 * user). size is a multiple of 4 KiB; it is covered by the largest pages
 * that alignment and the hardware allow. Fails with -IOMMU_EEXIST on
 * overlap with an existing mapping. */
int vtd_builder_map(struct vtd_builder *b, unsigned id, uint64_t iova, uint64_t pa, uint64_t size,
		    unsigned perm, bool user);
/* Like map, with one page size only (4K, 2M or 1G). */
int vtd_builder_map_page(struct vtd_builder *b, unsigned id, uint64_t iova, uint64_t pa,
			 uint64_t page_size, unsigned perm, bool user);
/* Clear the leaf entries of [iova, iova+size); each must be fully covered. */
int vtd_builder_unmap(struct vtd_builder *b, unsigned id, uint64_t iova, uint64_t size);

/* Physical address of the leaf entry mapping iova in domain id (host
 * physical, also for nested s1 domains), its level, or -IOMMU_ENOENT. */
int vtd_builder_leaf(const struct vtd_builder *b, unsigned id, uint64_t iova, uint64_t *pte_pa,
		     unsigned *level);

int vtd_builder_attach(struct vtd_builder *b, const struct vtd_attach *a);
int vtd_builder_detach(struct vtd_builder *b, uint16_t sid, bool has_pasid, uint32_t pasid);

/* Host-physical addresses of a device's context entry and of the PASID
 * table entry for pasid (tests poke fields there); -IOMMU_ENOENT if absent. */
int vtd_builder_context_pa(const struct vtd_builder *b, uint16_t sid, uint64_t *pa);
int vtd_builder_pasid_entry_pa(const struct vtd_builder *b, uint16_t sid, uint32_t pasid,
			       uint64_t *pa);

/* Current attachments, in attach order. */
size_t vtd_builder_attachments(const struct vtd_builder *b, const struct vtd_attachment **list);

/* Queue one raw descriptor (256-bit) and let the hardware run it. Returns 0,
 * or -IOMMU_EIO when the queue stopped with IQE or ITE: the builder then
 * recovers as Linux does (a bad descriptor is replaced by a no-op wait, the
 * error bit cleared) and vtd_builder_error() says what happened. */
int vtd_builder_submit(struct vtd_builder *b, const uint64_t qw[4]);
/* An invalidation wait (status write, fence); 0 when its status arrived. */
int vtd_builder_wait(struct vtd_builder *b);
/* What a correct driver sends after changing domain id's tables over
 * [iova, iova+size) (size 0: the whole domain), for every attachment that
 * uses the domain (only PASID pasid when has_pasid): P_IOTLB for first-level
 * and nested guest tables, IOTLB for second-level tables, device-TLB
 * invalidations for devices with ATS, then a wait. leaf: only leaf entries
 * changed (IH = 1). Returns the number of descriptors sent, or -IOMMU_E*. */
int vtd_builder_flush(struct vtd_builder *b, unsigned id, bool has_pasid, uint32_t pasid,
		      uint64_t iova, uint64_t size, bool leaf);
/* The fault handler: clears every pending fault record (F) and FSTS.PFO,
 * as Linux's handler does on a fault event. Returns the records cleared. */
unsigned vtd_builder_service_faults(struct vtd_builder *b);

/* Queue statistics of the builder: errors it recovered from. */
uint64_t vtd_builder_queue_errors(const struct vtd_builder *b);

/* Host page allocator over [alloc_base, alloc_limit), for callers that need
 * data pages that never collide with tables. */
int vtd_builder_alloc_page(struct vtd_builder *b, uint64_t *pa);

#endif
