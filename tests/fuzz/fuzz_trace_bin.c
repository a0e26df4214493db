/*
 * Fuzz target: the binary trace reader (tools/iommusim/trace.c over
 * zstream.c) at two levels, chosen by the first input byte:
 *  - bit 0 clear, the container: the rest is the whole file (file header
 *    and zstd stream) as it would be on disk;
 *  - bit 0 set, the records: the rest is the decompressed record stream;
 *    the harness writes a valid file header and compresses it into one
 *    zstd frame, so the fuzzer works on record types, key masks and values
 *    rather than on zstd's checksums.
 * Every input ends in events or in one message naming the file and the
 * header or record ("fuzz.bin:header: ..." or "fuzz.bin:record N: ..."),
 * never a crash or a hang. The events read must survive the round trip
 * through the canonical text form and the binary writer (fuzz_events.c).
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <zstd.h>

#include "fuzz_events.h"
#include "trace.h"
#include "trace_internal.h"

/* Enough for any 4 KiB input's records; a small zstd frame can expand to
 * far more, which would only make one input slow. */
#define MAX_EVENTS 50000u

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_events evs;
	struct trace_reader *r;
	struct trace_event ev;
	uint8_t *file;
	size_t len;
	unsigned mode;
	int rc;

	if (size < 1)
		return 0;
	mode = data[0];
	data++, size--;
	if (mode & 1) {
		size_t bound = ZSTD_compressBound(size), n;

		file = malloc(TRACE_BIN_HEADER_LEN + bound);
		if (!file)
			return 0;
		memcpy(file, TRACE_BIN_MAGIC, TRACE_BIN_MAGIC_LEN);
		trace_le_put(file + 8, TRACE_BIN_VERSION, 4);
		trace_le_put(file + 12, 0, 4);
		n = ZSTD_compress(file + TRACE_BIN_HEADER_LEN, bound, data, size, 1);
		if (ZSTD_isError(n))
			abort();
		len = TRACE_BIN_HEADER_LEN + n;
	} else {
		file = malloc(size ? size : 1);
		if (!file)
			return 0;
		memcpy(file, data, size);
		len = size;
	}

	r = trace_open_mem((const char *)file, len, "fuzz.bin");
	if (!r)
		abort();
	trace_expect_format(r, TRACE_FORMAT_BIN);
	fuzz_events_init(&evs);
	while (evs.n < MAX_EVENTS && (rc = trace_next(r, &ev)) > 0) {
		/* each record carries its own number */
		if (ev.line != evs.n + 1)
			abort();
		fuzz_events_add(&evs, &ev);
	}
	if (evs.n < MAX_EVENTS && rc < 0) {
		const char *err = trace_error(r);

		if (strncmp(err, "fuzz.bin:header: ", 17) && strncmp(err, "fuzz.bin:record ", 16))
			abort();
		/* the reader stays failed */
		if (trace_next(r, &ev) >= 0)
			abort();
	}
	fuzz_events_check(&evs);
	fuzz_events_free(&evs);
	trace_close(r);
	free(file);
	return 0;
}
