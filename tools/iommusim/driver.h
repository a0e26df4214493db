/*
 * Trace driver: applies parsed trace events to one VT-d IOMMU model.
 *
 * It owns a sparse physical memory, the IOMMU instance and a table builder.
 * domain/map/unmap/attach/detach become builder calls (tables only, no
 * invalidation); dma becomes iommu_translate calls, one per page the request
 * touches, and one record per request. A builder error is bad input and
 * stops the replay; an architectural fault is a result.
 */
#ifndef IOMMUSIM_DRIVER_H
#define IOMMUSIM_DRIVER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "iommu/iommu.h"
#include "iommu/vtd_builder.h"
#include "trace.h"

/* One DMA request and its outcome. */
struct driver_record {
	uint64_t id;          /* request number, from 0 */
	uint64_t cycle;       /* trace cycle stamp */
	unsigned line;        /* trace line */
	struct trace_dma dma; /* the request as written */
	bool ok;
	unsigned fault;        /* VT-d fault reason of the first faulting page, 0 when ok */
	uint64_t fault_addr;   /* input address of the page that faulted */
	uint64_t hpa;          /* output address of the first byte (ok only) */
	uint64_t page_size;    /* translation size at the first byte */
	unsigned perm;         /* IOMMU_PERM_* at the first byte */
	uint16_t did;          /* domain ID that tagged the first translation */
	unsigned translations; /* iommu_translate calls made */
	uint64_t mem_reads;    /* paging-entry reads (first + second level), all pages */
};

struct driver_summary {
	uint64_t events;       /* trace events applied */
	uint64_t last_cycle;   /* cycle of the last event */
	uint64_t requests;     /* DMA events */
	uint64_t completed;    /* DMA events that translated */
	uint64_t faults;       /* DMA events that faulted */
	uint64_t translations; /* iommu_translate calls */
};

struct driver;

/* NULL when a configuration is rejected or memory runs out; *why says which. */
struct driver *driver_create(const struct iommu_config *mmu_cfg,
			     const struct vtd_builder_config *builder_cfg, const char **why);
void driver_destroy(struct driver *d);

/* Applies one event: 0, or -IOMMU_E* with driver_error() set to
 * "NAME:LINE: op: why" (name is the trace name for the message). */
int driver_apply(struct driver *d, const char *name, const struct trace_event *ev);
/* Reads and applies every event of r: 0, or the first error (driver_error). */
int driver_replay(struct driver *d, struct trace_reader *r);
const char *driver_error(const struct driver *d);

const struct iommu_stats *driver_stats(const struct driver *d);
const struct driver_summary *driver_summary(const struct driver *d);
const struct driver_record *driver_records(const struct driver *d, size_t *count);

#endif
