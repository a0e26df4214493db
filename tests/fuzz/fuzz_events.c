/* Round trip of fuzzed events through the canonical text and binary forms. */
#include "fuzz_events.h"

#include <stdlib.h>
#include <string.h>

#include "trace_write.h"

#define LINE_MAX_LEN 512 /* what the text writer takes */

static void append(struct fuzz_events *e, const char *s, size_t n)
{
	if (e->len + n + 1 > e->cap) {
		size_t cap = 2 * (e->len + n + 1);
		char *t = realloc(e->text, cap);

		if (!t)
			abort();
		e->text = t;
		e->cap = cap;
	}
	memcpy(e->text + e->len, s, n);
	e->len += n;
	e->text[e->len] = 0;
}

void fuzz_events_init(struct fuzz_events *e)
{
	memset(e, 0, sizeof(*e));
	append(e, TRACE_HEADER "\n", strlen(TRACE_HEADER) + 1);
	e->bin = open_memstream(&e->bin_buf, &e->bin_len);
	e->w = e->bin ? trace_writer_open(e->bin, TRACE_FORMAT_BIN, 1) : NULL;
	if (!e->w)
		abort();
}

void fuzz_events_add(struct fuzz_events *e, const struct trace_event *ev)
{
	char line[LINE_MAX_LEN];
	int n;

	if (ev->cycle < e->cycle)
		abort(); /* events come in time order */
	n = trace_format_event(line, sizeof(line) - 1, ev, e->cycle);
	if (n <= 0 || (size_t)n >= sizeof(line) - 1)
		abort();
	line[n++] = '\n';
	append(e, line, (size_t)n);
	if (trace_writer_put(e->w, ev))
		abort();
	e->cycle = ev->cycle;
	e->n++;
}

/* Reads the trace in buf: exactly the lines of e->text after its header,
 * each formatted back to the same canonical line. */
static void read_back(const struct fuzz_events *e, const char *buf, size_t len, const char *name)
{
	struct trace_reader *r = trace_open_mem(buf, len, name);
	const char *want = strchr(e->text, '\n') + 1;
	struct trace_event ev;
	uint64_t cycle = 0;
	size_t n = 0;
	int rc;

	if (!r)
		abort();
	while ((rc = trace_next(r, &ev)) > 0) {
		char line[LINE_MAX_LEN];
		const char *end = strchr(want, '\n');
		int k = trace_format_event(line, sizeof(line), &ev, cycle);

		if (!end || k < 0 || (size_t)k != (size_t)(end - want) ||
		    memcmp(line, want, (size_t)k))
			abort();
		want = end + 1;
		cycle = ev.cycle;
		n++;
	}
	if (rc < 0 || n != e->n || *want)
		abort();
	trace_close(r);
}

void fuzz_events_check(struct fuzz_events *e)
{
	if (trace_writer_finish(e->w))
		abort();
	read_back(e, e->text, e->len, "fuzz.text");
	read_back(e, e->bin_buf, e->bin_len, "fuzz.roundtrip.bin");
}

void fuzz_events_free(struct fuzz_events *e)
{
	trace_writer_free(e->w);
	if (e->bin)
		fclose(e->bin);
	free(e->bin_buf);
	free(e->text);
}
