/*
 * traces/default.trace, embedded at build time (embed.cmake generates
 * default_trace.c): the trace `iommusim run` replays without --trace.
 */
#ifndef IOMMUSIM_DEFAULT_TRACE_H
#define IOMMUSIM_DEFAULT_TRACE_H

#include <stddef.h>

extern const unsigned char iommusim_default_trace[]; /* NUL-terminated as well */
extern const size_t iommusim_default_trace_len;

#endif
