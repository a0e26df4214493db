/*
 * zstd streams for binary traces: streaming decompression and compression
 * with one input and one output buffer each (the sizes zstd recommends), so
 * memory does not depend on the length of the stream.
 */
#include "zstream.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <zstd.h>

struct zin {
	FILE *f; /* NULL: memory input */
	const uint8_t *mem;
	size_t mem_len, mem_pos;
	ZSTD_DStream *ds;
	uint8_t *ibuf; /* file input */
	size_t icap;
	ZSTD_inBuffer in;
	uint8_t *obuf;
	size_t ocap, opos, olen;
	bool eof;      /* no more raw input */
	bool started;  /* compressed input seen */
	bool flushing; /* the last call filled obuf: more output may follow */
	size_t last;   /* last ZSTD_decompressStream result: 0 at a frame's end */
	uint64_t consumed;
	bool failed;
	char err[200];
};

static struct zin *zin_new(void)
{
	struct zin *z = calloc(1, sizeof(*z));

	if (!z)
		return NULL;
	z->ds = ZSTD_createDStream();
	z->ocap = ZSTD_DStreamOutSize();
	z->obuf = malloc(z->ocap);
	if (!z->ds || !z->obuf || ZSTD_isError(ZSTD_initDStream(z->ds))) {
		zin_close(z);
		return NULL;
	}
	return z;
}

struct zin *zin_open_file(FILE *f)
{
	struct zin *z = zin_new();

	if (!z)
		return NULL;
	z->f = f;
	z->icap = ZSTD_DStreamInSize();
	z->ibuf = malloc(z->icap);
	if (!z->ibuf) {
		zin_close(z);
		return NULL;
	}
	z->in.src = z->ibuf;
	return z;
}

struct zin *zin_open_mem(const void *buf, size_t len)
{
	struct zin *z = zin_new();

	if (!z)
		return NULL;
	z->mem = buf;
	z->mem_len = len;
	z->in.src = buf;
	return z;
}

void zin_close(struct zin *z)
{
	if (!z)
		return;
	ZSTD_freeDStream(z->ds);
	free(z->ibuf);
	free(z->obuf);
	free(z);
}

static int zin_fail(struct zin *z, const char *what)
{
	snprintf(z->err, sizeof(z->err), "%s", what);
	z->failed = true;
	return -1;
}

int zin_raw(struct zin *z, void *dst, size_t n, size_t *got)
{
	*got = 0;
	if (z->f) {
		*got = fread(dst, 1, n, z->f);
		if (*got < n && ferror(z->f)) {
			snprintf(z->err, sizeof(z->err), "%s", strerror(errno ? errno : EIO));
			z->failed = true;
			return -1;
		}
	} else {
		*got = n < z->mem_len - z->mem_pos ? n : z->mem_len - z->mem_pos;
		memcpy(dst, z->mem + z->mem_pos, *got);
		z->mem_pos += *got;
	}
	z->consumed += *got;
	return 0;
}

/* More compressed input into z->in, or z->eof. */
static int zin_more(struct zin *z)
{
	if (!z->f) {
		z->in.src = z->mem + z->mem_pos;
		z->in.size = z->mem_len - z->mem_pos;
		z->in.pos = 0;
		z->consumed += z->in.size;
		z->mem_pos = z->mem_len;
		z->eof = true;
		return 0;
	}
	z->in.size = fread(z->ibuf, 1, z->icap, z->f);
	z->in.pos = 0;
	if (z->in.size == 0) {
		if (ferror(z->f)) {
			snprintf(z->err, sizeof(z->err), "%s", strerror(errno ? errno : EIO));
			z->failed = true;
			return -1;
		}
		z->eof = true;
	}
	z->consumed += z->in.size;
	return 0;
}

/* The next decompressed chunk into obuf: 1, 0 at the end of the stream, -1. */
static int zin_fill(struct zin *z)
{
	for (;;) {
		ZSTD_outBuffer out = {z->obuf, z->ocap, 0};
		size_t ret;

		if (z->in.pos == z->in.size && !z->eof && zin_more(z))
			return -1;
		if (z->in.pos == z->in.size && z->eof && !z->flushing) {
			if (!z->started)
				return zin_fail(z, "no zstd stream after the file header");
			if (z->last)
				return zin_fail(z,
						"the zstd stream ends inside a frame (truncated)");
			return 0;
		}
		ret = ZSTD_decompressStream(z->ds, &out, &z->in);
		if (ZSTD_isError(ret)) {
			snprintf(z->err, sizeof(z->err), "%s", ZSTD_getErrorName(ret));
			z->failed = true;
			return -1;
		}
		z->started = true;
		z->last = ret;
		z->flushing = out.pos == out.size;
		if (out.pos) {
			z->opos = 0;
			z->olen = out.pos;
			return 1;
		}
	}
}

int zin_read(struct zin *z, void *dst, size_t n, size_t *got)
{
	uint8_t *p = dst;

	*got = 0;
	if (z->failed)
		return -1;
	while (*got < n) {
		size_t k;

		if (z->opos == z->olen) {
			int rc = zin_fill(z);

			if (rc <= 0)
				return rc;
		}
		k = z->olen - z->opos;
		if (k > n - *got)
			k = n - *got;
		memcpy(p + *got, z->obuf + z->opos, k);
		z->opos += k;
		*got += k;
	}
	return 0;
}

const char *zin_error(const struct zin *z)
{
	return z->err;
}

uint64_t zin_consumed(const struct zin *z)
{
	return z->consumed;
}

/* ---- compression -------------------------------------------------------- */

struct zout {
	FILE *f;
	ZSTD_CCtx *cc;
	uint8_t *ibuf, *obuf;
	size_t icap, ilen, ocap;
	char err[200];
};

struct zout *zout_open(FILE *f, int level)
{
	struct zout *z = calloc(1, sizeof(*z));

	if (!z)
		return NULL;
	z->f = f;
	z->cc = ZSTD_createCCtx();
	z->icap = ZSTD_CStreamInSize();
	z->ocap = ZSTD_CStreamOutSize();
	z->ibuf = malloc(z->icap);
	z->obuf = malloc(z->ocap);
	if (!z->cc || !z->ibuf || !z->obuf ||
	    ZSTD_isError(ZSTD_CCtx_setParameter(z->cc, ZSTD_c_compressionLevel, level)) ||
	    ZSTD_isError(ZSTD_CCtx_setParameter(z->cc, ZSTD_c_checksumFlag, 1))) {
		zout_free(z);
		return NULL;
	}
	return z;
}

/* Compresses ibuf (mode ZSTD_e_continue) or ends the frame (ZSTD_e_end). */
static int zout_flush(struct zout *z, ZSTD_EndDirective mode)
{
	ZSTD_inBuffer in = {z->ibuf, z->ilen, 0};

	for (;;) {
		ZSTD_outBuffer out = {z->obuf, z->ocap, 0};
		size_t left = ZSTD_compressStream2(z->cc, &out, &in, mode);

		if (ZSTD_isError(left)) {
			snprintf(z->err, sizeof(z->err), "%s", ZSTD_getErrorName(left));
			return -1;
		}
		if (out.pos && fwrite(z->obuf, 1, out.pos, z->f) != out.pos) {
			snprintf(z->err, sizeof(z->err), "%s", strerror(errno ? errno : EIO));
			return -1;
		}
		if (mode == ZSTD_e_end ? left == 0 : in.pos == in.size)
			break;
	}
	z->ilen = 0;
	return 0;
}

int zout_write(struct zout *z, const void *src, size_t n)
{
	const uint8_t *p = src;

	while (n) {
		size_t k = z->icap - z->ilen;

		if (k > n)
			k = n;
		memcpy(z->ibuf + z->ilen, p, k);
		z->ilen += k;
		p += k;
		n -= k;
		if (z->ilen == z->icap && zout_flush(z, ZSTD_e_continue))
			return -1;
	}
	return 0;
}

int zout_finish(struct zout *z)
{
	return zout_flush(z, ZSTD_e_end);
}

const char *zout_error(const struct zout *z)
{
	return z->err;
}

void zout_free(struct zout *z)
{
	if (!z)
		return;
	ZSTD_freeCCtx(z->cc);
	free(z->ibuf);
	free(z->obuf);
	free(z);
}
