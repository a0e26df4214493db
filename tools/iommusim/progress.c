/* Progress line on a terminal (see progress.h). */
#include "progress.h"

#include <inttypes.h>
#include <time.h>
#include <unistd.h>

#define NS         1000000000ull
#define SHOW_AFTER NS /* nothing for runs shorter than a second */
#define REFRESH_NS (NS / PROGRESS_HZ)
#define ERASE_LINE "\r\033[K"

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * NS + (uint64_t)ts.tv_nsec;
}

void progress_init(struct progress *p, FILE *out, uint64_t total_bytes)
{
	*p = (struct progress){.total_bytes = total_bytes};
	if (out && isatty(fileno(out))) {
		p->out = out;
		p->start_ns = p->last_ns = now_ns();
	}
}

/* v with a k/M/G suffix into buf. */
static void human(char *buf, size_t len, double v)
{
	if (v >= 1e9)
		snprintf(buf, len, "%.2fG", v / 1e9);
	else if (v >= 1e6)
		snprintf(buf, len, "%.2fM", v / 1e6);
	else if (v >= 1e4)
		snprintf(buf, len, "%.1fk", v / 1e3);
	else
		snprintf(buf, len, "%.0f", v);
}

void progress_update(struct progress *p, uint64_t events, uint64_t requests, uint64_t bytes)
{
	char ev[16], req[16], rate[16], pct[24] = "";
	uint64_t t;
	double secs;

	if (!p->out)
		return;
	t = now_ns();
	if (t - p->start_ns < SHOW_AFTER || t - p->last_ns < REFRESH_NS)
		return;
	p->last_ns = t;
	secs = (double)(t - p->start_ns) / 1e9;
	human(ev, sizeof(ev), (double)events);
	human(req, sizeof(req), (double)requests);
	human(rate, sizeof(rate), (double)events / secs);
	if (p->total_bytes && bytes <= p->total_bytes)
		snprintf(pct, sizeof(pct), ", %.0f%% read",
			 100.0 * (double)bytes / (double)p->total_bytes);
	fprintf(p->out, ERASE_LINE "iommusim run: %s events, %s DMA requests, %s events/s, %.0fs%s",
		ev, req, rate, secs, pct);
	fflush(p->out);
	p->shown = true;
}

void progress_end(struct progress *p)
{
	if (p->out && p->shown) {
		fputs(ERASE_LINE, p->out);
		fflush(p->out);
	}
	p->shown = false;
}
