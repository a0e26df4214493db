/*
 * zstd streams for binary traces (traces/format.md, "Binary form").
 *
 * A zin reads a file or a memory buffer: first raw bytes (the uncompressed
 * file header), then the decompressed content of the zstd stream that
 * follows (ZSTD_decompressStream, one buffer of input and one of output at a
 * time, whatever the stream's length). A zout compresses what is written to
 * it into one zstd frame with a content checksum (ZSTD_compressStream2).
 * Errors are one sentence in zin_error / zout_error.
 */
#ifndef IOMMUSIM_ZSTREAM_H
#define IOMMUSIM_ZSTREAM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

struct zin;

/* NULL when out of memory. A zin does not own f. */
struct zin *zin_open_file(FILE *f);
struct zin *zin_open_mem(const void *buf, size_t len);
void zin_close(struct zin *z);

/* Raw bytes before the compressed stream: 0 with *got = bytes read (fewer
 * than n only at the end of the input), -1 on a read error. */
int zin_raw(struct zin *z, void *dst, size_t n, size_t *got);
/* Decompressed bytes: 0 with *got = bytes read (fewer than n only at the end
 * of the stream), -1 on a read error, corrupt or truncated data. */
int zin_read(struct zin *z, void *dst, size_t n, size_t *got);
const char *zin_error(const struct zin *z);
/* Input bytes read so far (for progress). */
uint64_t zin_consumed(const struct zin *z);

struct zout;

/* level: zstd compression level (1..19). NULL when out of memory. A zout
 * does not own f. */
struct zout *zout_open(FILE *f, int level);
/* 0, or -1 with zout_error set (compression or write error). */
int zout_write(struct zout *z, const void *src, size_t n);
/* Ends the frame and writes the rest of it to the file (not flushed):
 * 0, or -1 with zout_error set. */
int zout_finish(struct zout *z);
const char *zout_error(const struct zout *z);
void zout_free(struct zout *z);

#endif
