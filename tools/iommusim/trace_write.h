/*
 * Trace writers: events out in the canonical text form or the binary form
 * (traces/format.md), one event at a time. What the reader reads back from
 * either is the same events; text -> binary -> text -> binary is byte for
 * byte the same. The writer does not check events: give it events a reader
 * produced or that pass the same rules.
 */
#ifndef IOMMUSIM_TRACE_WRITE_H
#define IOMMUSIM_TRACE_WRITE_H

#include <stdio.h>

#include "trace.h"

struct trace_writer;

/* Writes the header of format (TRACE_FORMAT_TEXT or TRACE_FORMAT_BIN) to f;
 * level is the zstd level of a binary trace (1..19). NULL when out of
 * memory. The writer does not own f. */
struct trace_writer *trace_writer_open(FILE *f, enum trace_format format, int level);
/* One "# text" line in the text form (nothing in the binary form). */
int trace_writer_comment(struct trace_writer *w, const char *text);
/* Appends ev; events come in time order. 0, or -1 (trace_writer_error). */
int trace_writer_put(struct trace_writer *w, const struct trace_event *ev);
/* Ends the trace (the zstd frame) and flushes f: 0 or -1. */
int trace_writer_finish(struct trace_writer *w);
const char *trace_writer_error(const struct trace_writer *w);
void trace_writer_free(struct trace_writer *w);

/* The canonical text line of ev without newline (prev_cycle: the cycle of
 * the event before it, 0 for the first); the length it needs, as snprintf. */
int trace_format_event(char *buf, size_t len, const struct trace_event *ev, uint64_t prev_cycle);

#endif
