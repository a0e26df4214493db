/*
 * Reports of one replay: a text summary for people, JSON statistics for
 * scripts (keys documented in traces/format.md) and per-request CSV records,
 * written row by row as requests complete (a driver record sink).
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
/* The CSV header line, then one row per record; iommu adds the iommu
 * column, last (several IOMMU instances). */
int report_csv_begin(FILE *out, bool iommu);
int report_csv_row(FILE *out, const struct driver_record *r, bool iommu);

/* The CSV header line, without newline. */
extern const char report_csv_header[];

#endif
