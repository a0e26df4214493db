/*
 * Round trip of the events a fuzzed reader produced (the binary trace
 * reader, the ftrace converter): each event in time order, its canonical
 * text line fits a text trace, and the canonical text and the binary form
 * of the whole sequence both read back as the same events (the canonical
 * text a fixed point). Any difference aborts.
 */
#ifndef IOMMUSIM_FUZZ_EVENTS_H
#define IOMMUSIM_FUZZ_EVENTS_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "trace.h"

struct fuzz_events {
	char *text; /* the header, then one canonical line per event */
	size_t len, cap;
	size_t n;
	uint64_t cycle; /* of the last event */
	FILE *bin;      /* the same events written in the binary form */
	char *bin_buf;
	size_t bin_len;
	struct trace_writer *w;
};

void fuzz_events_init(struct fuzz_events *e);
/* Appends ev (aborts when it is out of time order or has no text line). */
void fuzz_events_add(struct fuzz_events *e, const struct trace_event *ev);
/* Reads both forms back and compares them with the events added. */
void fuzz_events_check(struct fuzz_events *e);
void fuzz_events_free(struct fuzz_events *e);

#endif
