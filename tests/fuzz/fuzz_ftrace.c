/*
 * Fuzz target: the Linux ftrace converter (tools/iommusim/ftrace.c), the
 * text of a tracefs "trace" file to trace events, under options taken from
 * the first two input bytes (stage and levels, PASID, DMA and wait modes,
 * clock rate, the unit whose qi_submit lines count). Every input ends in
 * events or in one message naming the file and line ("fuzz.ftrace:N: ..."),
 * never a crash or a hang; the events must be a valid trace: in time order,
 * each accepted by the trace reader and the binary writer as they are
 * (fuzz_events.c), as `iommusim convert --from ftrace` relies on.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ftrace.h"
#include "fuzz_events.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const uint64_t milli_ghz[4] = {1000, 2500, 1, 3000000};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ftrace_opts o;
	struct ftrace_reader *r;
	struct fuzz_events evs;
	struct trace_event ev;
	char *text, line[512];
	unsigned b0, b1;
	FILE *f;
	int rc;

	if (size < 3)
		return 0;
	b0 = data[0], b1 = data[1];
	data += 2, size -= 2;
	ftrace_opts_default(&o);
	o.stage = (b0 & 1) ? TRACE_STAGE_S2 : TRACE_STAGE_S1;
	o.levels = (b0 & 1) ? 3 + (b0 >> 1 & 1) + (b0 >> 2 & 1) : 4 + (b0 >> 1 & 1);
	o.dma = (enum ftrace_dma)(b0 >> 3 & 3);
	o.wait = (enum ftrace_wait)((b0 >> 5 & 3) % 3);
	o.has_pasid = b0 & 0x80;
	o.pasid = o.has_pasid ? 1u + (b1 & 0xF) * 0x1111u : 0;
	o.did = 1u + (b1 >> 4 & 1) * 0xFFFEu;
	o.milli_ghz = milli_ghz[b1 >> 5 & 3];
	o.iommu = (b1 & 0x80) ? "dmar1" : NULL;
	o.sid = (uint16_t)(b1 * 0x0101u);

	text = malloc(size);
	if (!text)
		return 0;
	memcpy(text, data, size);
	f = fmemopen(text, size, "r");
	if (!f)
		abort();
	r = ftrace_open(f, "fuzz.ftrace", &o);
	if (!r)
		abort();
	fuzz_events_init(&evs);
	while ((rc = ftrace_next(r, &ev)) > 0)
		fuzz_events_add(&evs, &ev);
	if (rc < 0) {
		if (strncmp(ftrace_error(r), "fuzz.ftrace:", 12))
			abort();
		if (ftrace_next(r, &ev) >= 0) /* the reader stays failed */
			abort();
	}
	fuzz_events_check(&evs);
	ftrace_summary(r, line, sizeof(line));
	ftrace_describe(r, line, sizeof(line));
	fuzz_events_free(&evs);
	ftrace_close(r);
	fclose(f);
	free(text);
	return 0;
}
