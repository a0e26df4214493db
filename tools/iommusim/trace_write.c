/*
 * Trace writers. Both forms start from the event's canonical keys
 * (trace_event_fields): the text form prints them in the operation's key
 * order with their canonical values, the binary form packs them into one
 * fixed-layout record per event in a zstd stream.
 */
#include "trace_write.h"

#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "trace_internal.h"
#include "zstream.h"

struct trace_writer {
	FILE *f;
	enum trace_format format;
	struct zout *z;
	uint64_t cycle; /* of the previous event */
	char err[200];
};

static int write_fail(struct trace_writer *w, const char *why)
{
	snprintf(w->err, sizeof(w->err), "%s", why);
	return -1;
}

struct trace_writer *trace_writer_open(FILE *f, enum trace_format format, int level)
{
	struct trace_writer *w = calloc(1, sizeof(*w));

	if (!w)
		return NULL;
	w->f = f;
	w->format = format;
	if (format == TRACE_FORMAT_BIN) {
		uint8_t h[TRACE_BIN_HEADER_LEN];

		w->z = zout_open(f, level);
		if (!w->z) {
			free(w);
			return NULL;
		}
		memcpy(h, TRACE_BIN_MAGIC, TRACE_BIN_MAGIC_LEN);
		trace_le_put(h + 8, TRACE_BIN_VERSION, 4);
		trace_le_put(h + 12, 0, 4);
		if (fwrite(h, 1, sizeof(h), f) != sizeof(h))
			write_fail(w, strerror(errno ? errno : EIO));
	} else if (fprintf(f, "%s\n", TRACE_HEADER) < 0) {
		write_fail(w, strerror(errno ? errno : EIO));
	}
	return w;
}

int trace_writer_comment(struct trace_writer *w, const char *text)
{
	if (w->err[0])
		return -1;
	if (w->format == TRACE_FORMAT_BIN)
		return 0;
	if (fprintf(w->f, "# %s\n", text) < 0)
		return write_fail(w, strerror(errno ? errno : EIO));
	return 0;
}

int trace_format_event(char *buf, size_t len, const struct trace_event *ev, uint64_t prev_cycle)
{
	struct trace_fields f;
	size_t off = 0;
	int n;

	trace_event_fields(ev, &f);
	if (ev->cycle != prev_cycle)
		n = snprintf(buf, len, "@%" PRIu64 " %s", ev->cycle, f.spec->name);
	else
		n = snprintf(buf, len, "%s", f.spec->name);
	if (n < 0)
		return n;
	off = (size_t)n;
	for (unsigned i = 0; i < TRACE_MAX_KEYS && f.spec->keys[i].name; i++) {
		char val[128];

		if (!f.seen[i])
			continue;
		trace_format_value(&f, i, val, sizeof(val));
		n = snprintf(off < len ? buf + off : NULL, off < len ? len - off : 0, " %s=%s",
			     f.spec->keys[i].name, val);
		if (n < 0)
			return n;
		off += (size_t)n;
	}
	return (int)off;
}

int trace_writer_put(struct trace_writer *w, const struct trace_event *ev)
{
	if (w->err[0])
		return -1;
	if (w->format == TRACE_FORMAT_BIN) {
		uint8_t rec[TRACE_BIN_RECORD_MAX];
		struct trace_fields f;
		unsigned n;

		trace_event_fields(ev, &f);
		n = trace_bin_encode(&f, ev->cycle - w->cycle, rec);
		if (zout_write(w->z, rec, n))
			return write_fail(w, zout_error(w->z));
	} else {
		char line[512];
		int n = trace_format_event(line, sizeof(line), ev, w->cycle);

		if (n < 0 || (size_t)n >= sizeof(line))
			return write_fail(w, "an event does not fit in a text line");
		line[n] = '\n';
		if (fwrite(line, 1, (size_t)n + 1, w->f) != (size_t)n + 1)
			return write_fail(w, strerror(errno ? errno : EIO));
	}
	w->cycle = ev->cycle;
	return 0;
}

int trace_writer_finish(struct trace_writer *w)
{
	if (w->err[0])
		return -1;
	if (w->z && zout_finish(w->z))
		return write_fail(w, zout_error(w->z));
	if (fflush(w->f) || ferror(w->f))
		return write_fail(w, strerror(errno ? errno : EIO));
	return 0;
}

const char *trace_writer_error(const struct trace_writer *w)
{
	return w->err;
}

void trace_writer_free(struct trace_writer *w)
{
	if (!w)
		return;
	zout_free(w->z);
	free(w);
}
