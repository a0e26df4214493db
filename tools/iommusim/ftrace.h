/*
 * Linux ftrace text (the tracefs "trace" file) to trace events, for
 * `iommusim convert --from ftrace` (traces/format.md, "From Linux ftrace").
 *
 * Lines "TASK-PID [CPU] FLAGS TIMESTAMP: EVENT: PAYLOAD" of the events
 * iommu:map, iommu:unmap and intel_iommu:qi_submit become map, unmap and qi
 * events on one domain attached to one device (ftrace does not say which);
 * a DMA over each mapped buffer is synthesized right after its map, and an
 * invalidation wait after each run of qi_submit lines (Linux's qi_submit_sync
 * appends one that the tracepoint does not show). Other events are skipped
 * and counted. Memory follows the IOVA ranges mapped at a time, not the
 * length of the input.
 */
#ifndef IOMMUSIM_FTRACE_H
#define IOMMUSIM_FTRACE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "trace.h"

enum ftrace_dma {
	FTRACE_DMA_ALT,  /* write, read, write, ... over successive maps */
	FTRACE_DMA_R,    /* device reads every buffer */
	FTRACE_DMA_W,    /* device writes every buffer */
	FTRACE_DMA_NONE, /* no DMA */
};

enum ftrace_wait {
	FTRACE_WAIT_BATCH, /* one wait after each run of qi_submit lines */
	FTRACE_WAIT_EACH,  /* one wait after every qi_submit line */
	FTRACE_WAIT_NONE,  /* only the descriptors traced */
};

struct ftrace_opts {
	uint16_t sid; /* --dev */
	bool has_pasid;
	uint32_t pasid;         /* --pasid */
	enum trace_stage stage; /* --type s1|s2 */
	unsigned did;           /* --did: domain ID and DID */
	unsigned levels;        /* --levels */
	uint64_t milli_ghz;     /* --ghz x 1000: cycles per ns x 1000 */
	enum ftrace_dma dma;    /* --dma */
	enum ftrace_wait wait;  /* --qi-wait */
	const char *iommu;      /* --iommu: qi_submit of this unit only; NULL: the first seen */
};

/* Defaults: 00:01.0, no PASID, s1, DID 1, 4 levels, 1 GHz, alt, batch. */
void ftrace_opts_default(struct ftrace_opts *o);

struct ftrace_reader;

/* name is what messages call the input (copied). NULL when out of memory. */
struct ftrace_reader *ftrace_open(FILE *f, const char *name, const struct ftrace_opts *o);
void ftrace_close(struct ftrace_reader *r);
/* The next event: 1, 0 at the end, negative on malformed input or a read
 * error, with ftrace_error "FILE:LINE: event: what, expected what". */
int ftrace_next(struct ftrace_reader *r, struct trace_event *ev);
const char *ftrace_error(const struct ftrace_reader *r);
/* One line: what was converted and what was skipped. */
void ftrace_summary(const struct ftrace_reader *r, char *buf, size_t len);
/* One line: the options, for a comment in the converted trace. */
void ftrace_describe(const struct ftrace_reader *r, char *buf, size_t len);

#endif
