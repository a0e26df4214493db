/*
 * Progress line of a long replay on a terminal: events done, requests, rate
 * and (for a file of known size) how much of it was read. Shown on stderr
 * only when stderr is a terminal and the run has taken a second, refreshed
 * at most PROGRESS_HZ times a second, and erased by progress_end.
 */
#ifndef IOMMUSIM_PROGRESS_H
#define IOMMUSIM_PROGRESS_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#define PROGRESS_HZ 4

struct progress {
	FILE *out; /* NULL: disabled (not a terminal) */
	uint64_t start_ns, last_ns;
	uint64_t total_bytes; /* input size, 0 when unknown */
	bool shown;
};

/* Enabled when out is a terminal; total_bytes 0 when unknown. */
void progress_init(struct progress *p, FILE *out, uint64_t total_bytes);
/* Cheap to call often: reads the clock, prints at most PROGRESS_HZ a second. */
void progress_update(struct progress *p, uint64_t events, uint64_t requests, uint64_t bytes);
/* Erases the line (before anything else is printed). */
void progress_end(struct progress *p);

#endif
