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
#include "iommu/vtd_prq.h"
#include "iommu/vtd_tables.h"

struct vtd_builder_config {
	uint64_t alloc_base;  /* first host-physical byte for table pages */
	uint64_t alloc_limit; /* one past the last */
	unsigned pdts;        /* context PDTS for new devices: 2^(pdts+7) dir entries */
	bool preset_ad;       /* set A (and D on writable leaves) when mapping, as Linux does */
	bool sl_ad;           /* set SSADE in second-level/nested PASID entries */
	bool flush_on_attach; /* invalidate on detach / re-attach / context change */
	unsigned prq_order;   /* page request queue of 2^prq_order pages (0..7), with ECAP.PRS */
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

/* --- Devices: PCIe capabilities the driver enabled -------------------------- */

#define VTD_DEV_PASID 0x1u /* PASID capability: guest PASID binds need it */
#define VTD_DEV_PRI   0x2u /* page requests: sets the context entry's PRE */

/* Records the device's enabled capabilities and programs its context entry
 * (created when absent): PASIDE with VTD_DEV_PASID, PRE = VTD_DEV_PRI (needs
 * ECAP.PRS). A change to a present entry is flushed (device-selective
 * context-cache invalidation). */
int vtd_builder_set_dev_caps(struct vtd_builder *b, uint16_t sid, unsigned caps);
unsigned vtd_builder_dev_caps(const struct vtd_builder *b, uint16_t sid);

/* --- Page requests: the driver's side of the page request queue -------------
 * With ECAP.PRS the builder allocates a page request queue of 2^prq_order
 * pages at create, programs PQA/PQH/PQT and unmasks the event (PECTL). */

/* Reads the queue from PQH to PQT into the pending list (stop markers are
 * dropped), as Linux's handler does: clears PRS.PPR first, writes PQH = PQT,
 * and clears PRS.PRO once the queue is empty. Returns the requests read. */
int vtd_builder_prq_fetch(struct vtd_builder *b);
/* Requests read and not yet answered, in queue order. */
size_t vtd_builder_prq_pending(const struct vtd_builder *b, const struct iommu_page_req **list);
/* Answers one group with code (enum vtd_prg_code): a page group response
 * descriptor (0x9) and a wait; the group's requests leave the pending list.
 * -IOMMU_ENOENT when no pending request belongs to that group. */
int vtd_builder_page_response(struct vtd_builder *b, uint16_t sid, bool pasid_valid, uint32_t pasid,
			      uint16_t prgi, unsigned code);
/* Services the queue: fetch, then handler(ctx, pr) for every pending
 * request; the handler maps the page and returns a response code, or a
 * negative value to leave the request pending. A group is answered at its
 * last request (LPIG) with the first code other than Success among its
 * requests. Returns the responses sent, or -IOMMU_E*. */
typedef int (*vtd_prq_handler)(void *ctx, const struct iommu_page_req *pr);
int vtd_builder_prq_service(struct vtd_builder *b, vtd_prq_handler handler, void *ctx);
/* Drains the page requests of one device PASID (Linux's
 * intel_iommu_drain_pasid_prq): pending groups of it are answered with
 * Invalid Request, then P_IOTLB (or IOTLB for RID_PASID), the device-TLB
 * invalidation and a wait with FN and PD; all again when PRS.PRO was set
 * meanwhile (requests were dropped). Detach and unbind call it for devices
 * with VTD_DEV_PRI. */
int vtd_builder_drain_pasid(struct vtd_builder *b, uint16_t sid, bool has_pasid, uint32_t pasid);
/* A wait with the given VTD_WAIT_* flags (SW is always added); 0 when its
 * status arrived. */
int vtd_builder_wait_flags(struct vtd_builder *b, unsigned flags);

/* --- Guest PASID bind (nested translation for a guest's vIOMMU, vSVA) ------
 * A guest's PASID-cache flush for a PASID entry it programmed becomes a bind:
 * the host writes a nested PASID entry for (device, host PASID) whose first
 * level is the guest's table (gcr3, guest-physical) and whose second level
 * is the device's default domain: the second-level domain attached at the
 * device's RID_PASID, whose DID tags the entry. */

#define VTD_BIND_SRE  0x1u /* supervisor requests allowed (PASID entry SRE) */
#define VTD_BIND_EXEC 0x2u /* execute requests allowed (ERE) */
#define VTD_BIND_WPE  0x4u /* supervisor writes honour R/W (WPE) */

struct vtd_gpasid_bind {
	uint16_t sid;
	uint32_t hpasid; /* host PASID: the one the device's requests carry */
	bool has_gpasid; /* the guest's PASID, recorded (it may differ) */
	uint32_t gpasid;
	uint64_t gcr3;       /* guest first-level root, guest-physical, 4 KiB aligned */
	unsigned addr_width; /* 48 (4-level) or 57 (5-level, needs CAP.FL5LP) */
	unsigned flags;      /* VTD_BIND_* */
	unsigned vm;         /* the guest's PASID set */
};

/* One bind as the builder keeps it. */
struct vtd_gpasid_record {
	struct vtd_gpasid_bind bind;
	unsigned users; /* binds of the same (device, host PASID) not yet unbound */
	uint16_t did;   /* the default domain's DID tagging the entry */
};

/* Binds; binding the same (device, host PASID) again with the same
 * parameters counts one more user. Errors, each with vtd_builder_error():
 * -IOMMU_EINVAL address width not 48/57, PASID 0 (RID_PASID), unaligned
 * gcr3, device without VTD_DEV_PASID; -IOMMU_ENOTSUP 5-level without
 * CAP.FL5LP, no nested translation; -IOMMU_ERANGE PASID beyond the PASID
 * width or the device's PASID directory, gcr3 beyond the default domain's
 * width; -IOMMU_ENOENT no second-level default domain; -IOMMU_EBUSY the
 * PASID is bound differently, attached otherwise, or belongs to another
 * guest's PASID set. The same host PASID may be bound on several devices. */
int vtd_builder_bind_gpasid(struct vtd_builder *b, const struct vtd_gpasid_bind *bind);
/* Drops one user; the last one tears the entry down: PASID entry cleared,
 * PASID-cache, P_IOTLB and device-TLB invalidations, a wait, then the page
 * request drain for devices with VTD_DEV_PRI. -IOMMU_ENOENT when not bound. */
int vtd_builder_unbind_gpasid(struct vtd_builder *b, uint16_t sid, uint32_t hpasid);
/* The guest's PASID set is freed (the VM dies): every bind of vm is torn
 * down as the last unbind does, whatever its users. Returns the binds torn
 * down; later unbinds of them fail with -IOMMU_ENOENT. */
int vtd_builder_free_pasid_set(struct vtd_builder *b, unsigned vm);
/* The guest's IOTLB invalidation for its PASID, passed through: P_IOTLB of
 * (default domain DID, host PASID) over [addr, addr+size) (size 0: all),
 * the PASID device-TLB invalidation when the device has ATS, and a wait.
 * Returns the descriptors sent (wait excluded) or -IOMMU_E*. */
int vtd_builder_gpasid_flush(struct vtd_builder *b, uint16_t sid, uint32_t hpasid, uint64_t addr,
			     uint64_t size);
size_t vtd_builder_gpasid_binds(const struct vtd_builder *b, const struct vtd_gpasid_record **list);

/* --- Shared virtual addressing across IOMMUs ---------------------------------
 * A first-level domain over a table that already exists (a process address
 * space): several builders, one per IOMMU, each wrap the same table in a
 * domain of their own and attach it (VTD_PGTT_FL, with a PASID). Map/unmap
 * through any of them edit the one table; each IOMMU's caches need their own
 * vtd_builder_flush(). levels: 4 or 5 (5 needs CAP.FL5LP). */
int vtd_builder_domain_shared(struct vtd_builder *b, unsigned id, unsigned levels, uint64_t root);

/* Host page allocator over [alloc_base, alloc_limit), for callers that need
 * data pages that never collide with tables. */
int vtd_builder_alloc_page(struct vtd_builder *b, uint64_t *pa);

#endif
