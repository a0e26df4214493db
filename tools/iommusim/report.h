/*
 * Reports of one replay: a text summary for people, JSON statistics for
 * scripts (keys documented in traces/format.md) and per-request CSV records.
 * Each returns 0, or -IOMMU_EIO when writing fails, -IOMMU_ENOMEM.
 */
#ifndef IOMMUSIM_REPORT_H
#define IOMMUSIM_REPORT_H

#include <stdbool.h>
#include <stdio.h>

#include "driver.h"

/* Where the replayed trace came from. */
struct report_trace {
	const char *file; /* as named in messages */
	bool builtin;     /* the default trace embedded in the program */
};

int report_text(FILE *out, const struct driver *d, const struct report_trace *t);
int report_json(FILE *out, const struct driver *d, const struct report_trace *t);
int report_csv(FILE *out, const struct driver *d);

/* The CSV header line, without newline. */
extern const char report_csv_header[];

#endif
