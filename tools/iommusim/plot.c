/*
 * iommusim report: the statistics of `iommusim run --json` (and optionally the
 * per-request records of `run --records`) as a summary table, a sweep of one
 * metric over several runs, and gnuplot charts (data, script, PNG and SVG).
 *
 * Every chart is one entry of plot_kinds[]: a condition on the inputs, a data
 * writer and a gnuplot script body. The records are read once into struct
 * records, which keeps per-chart accumulators (a histogram, windows by
 * request id) instead of the rows, so multi-million-row CSVs need little
 * memory. The latency charts (CDF, histogram) come from the run's JSON, which
 * carries the whole latency distribution (latency.histogram).
 */
#include "plot.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <math.h> /* NAN, INFINITY, isnan, isfinite: macros, no libm */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cJSON.h>

#define EXIT_OK    0
#define EXIT_FAIL  1
#define EXIT_INPUT 2

#define ME              "iommusim report: "
#define JSON_WHAT       "expected the JSON of iommusim run --json"
#define CSV_WHAT        "expected the CSV of iommusim run --records"
#define GNUPLOT_PACKAGE "gnuplot-nox"
#define DEFAULT_METRIC  "iotlb.hit_rate"

#define MAX_METRICS     16
#define MAX_METRIC_LEN  100
#define TIME_POINTS     100        /* automatic window: TIME_POINTS..2*TIME_POINTS points */
#define MAX_READS       (1u << 20) /* largest mem_reads value of one request */
#define MAX_BUCKETS     (1u << 22) /* windows of the hit rate over time */
#define MAX_JSON        (1u << 30) /* bytes */
#define MAX_PLOTS       (5 + MAX_METRICS)
#define MAX_LAT_BUCKETS (1u << 20) /* latency.histogram entries */

static const char report_usage[] =
	"usage: iommusim report [--records RUN.csv] [--window N] [--plot DIR] RUN.json\n"
	"       iommusim report --sweep KEY [--metric PATH]... [--values V,V,...]\n"
	"                       [--plot DIR] RUN.json...\n"
	"\n"
	"Reads the statistics that 'iommusim run --json' wrote and prints a summary:\n"
	"requests, walks, the hit rate of every cache, invalidations and the\n"
	"stale-translation oracle. With --sweep, compares one metric over several runs.\n"
	"\n"
	"  --records RUN.csv   the same run's 'run --records' CSV: adds what served the\n"
	"                      requests and the paging-entry reads per request\n"
	"  --window N          requests per point of the hit rate over time (default:\n"
	"                      a power of two giving 100 to 200 points)\n"
	"  --plot DIR          also write gnuplot data (.dat), scripts (.gp) and charts\n"
	"                      (.png, .svg) into DIR, created if missing; needs gnuplot\n"
	"                      (Debian package " GNUPLOT_PACKAGE "). Charts:\n"
	"                        hitrate       hit rate per cache\n"
	"                        mem_reads     paging-entry reads per request (--records)\n"
	"                        hitrate_time  hit rate by request id (--records): IOTLB =\n"
	"                                      iotlb / (iotlb + walk), and with the device\n"
	"                                      TLB = (iotlb + devtlb) / (iotlb + devtlb +\n"
	"                                      walk), counted by the CSV's source column\n"
	"                                      (faulted requests count as walks)\n"
	"                        sweep_METRIC  METRIC against the swept value (--sweep)\n"
	"  --sweep KEY         compare runs that differ in one parameter KEY (a name for\n"
	"                      the x axis, e.g. iotlb.ways). A file's value is the text\n"
	"                      after the first 'KEY=' in its name, up to '_', ',', '+',\n"
	"                      a space or a final '.json': run-iotlb.ways=16.json is 16\n"
	"  --values V,V,...    the swept values instead, one per file, in order\n"
	"  --metric PATH       the number to compare, a dotted path into the JSON\n"
	"                      (default " DEFAULT_METRIC "; e.g. walks.mem_reads,\n"
	"                      pwc.sl.l2.hit_rate); repeatable, one chart each\n"
	"  -h, --help          show this help\n"
	"\n"
	"RUN.json may be '-' for standard input. Numeric sweep values are sorted (and\n"
	"plotted on a log2 axis when they span 8x or more); others keep their order.\n"
	"Exit status: 0 success, 2 bad input (option, file, missing key), 1 other\n"
	"failure (writing, gnuplot missing or failing).\n";

#define REPORT_OPTIONS "--records, --window, --plot, --sweep, --values, --metric or --help"

struct report_opts {
	const char **files;
	int nfiles;
	const char *records, *plot, *sweep, *values, *window;
	const char *metrics[MAX_METRICS];
	int nmetrics;
	uint64_t window_n; /* 0: automatic */
};

/* --- command line ------------------------------------------------------------------ */

static bool is_option(const char *arg, const char *name)
{
	size_t n = strlen(name);

	return !strncmp(arg, name, n) && (arg[n] == '\0' || arg[n] == '=');
}

/* Takes the value of option name from argv[*i] ("--x=V") or argv[*i + 1]. */
static int option_value(int argc, char **argv, int *i, const char *name, const char *what,
			const char **out)
{
	const char *arg = argv[*i];
	const char *v;

	if (arg[strlen(name)] == '=') {
		v = arg + strlen(name) + 1;
	} else if (*i + 1 < argc) {
		v = argv[++*i];
	} else {
		fprintf(stderr, ME "%s: value missing, expected %s %s\n", name, name, what);
		return -1;
	}
	if (!*v) {
		fprintf(stderr, ME "%s: empty value, expected %s %s\n", name, name, what);
		return -1;
	}
	if (*out) {
		fprintf(stderr, ME "%s: given twice, expected it at most once\n", name);
		return -1;
	}
	*out = v;
	return 0;
}

/* fabs without libm (the program does not link it). */
static double abs_d(double v)
{
	return v < 0 ? -v : v;
}

static bool parse_u64(const char *s, uint64_t *out)
{
	uint64_t v = 0;

	if (!*s)
		return false;
	for (; *s; s++) {
		if (*s < '0' || *s > '9' || v > (UINT64_MAX - (uint64_t)(*s - '0')) / 10)
			return false;
		v = v * 10 + (uint64_t)(*s - '0');
	}
	*out = v;
	return true;
}

static int add_metric(struct report_opts *o, int argc, char **argv, int *i)
{
	const char *m = NULL;

	if (o->nmetrics == MAX_METRICS) {
		fprintf(stderr, ME "--metric: more than %d, expected at most %d\n", MAX_METRICS,
			MAX_METRICS);
		return -1;
	}
	if (option_value(argc, argv, i, "--metric", "PATH", &m))
		return -1;
	if (strlen(m) > MAX_METRIC_LEN) {
		fprintf(stderr,
			ME "--metric: '%.20s...' is too long, expected at most %d characters\n", m,
			MAX_METRIC_LEN);
		return -1;
	}
	for (int k = 0; k < o->nmetrics; k++) {
		if (!strcmp(o->metrics[k], m)) {
			fprintf(stderr, ME "--metric: '%s' given twice, expected each once\n", m);
			return -1;
		}
	}
	o->metrics[o->nmetrics++] = m;
	return 0;
}

/* Checks the combination of options once all are read. */
static int check_opts(struct report_opts *o)
{
	if (!o->nfiles) {
		fprintf(stderr, ME "no JSON file given, expected RUN.json (see iommusim report "
				   "--help)\n");
		return -1;
	}
	if (o->sweep) {
		if (o->records || o->window) {
			fprintf(stderr,
				ME "%s: not with --sweep, expected --metric, --values or "
				   "--plot\n",
				o->records ? "--records" : "--window");
			return -1;
		}
		if (!o->nmetrics)
			o->metrics[o->nmetrics++] = DEFAULT_METRIC;
		return 0;
	}
	if (o->nfiles > 1) {
		fprintf(stderr,
			ME "%s: one JSON file expected, or --sweep KEY to compare several\n",
			o->files[1]);
		return -1;
	}
	if (o->nmetrics || o->values) {
		fprintf(stderr, ME "%s: only with --sweep KEY\n",
			o->values ? "--values" : "--metric");
		return -1;
	}
	if (o->window && !o->records) {
		fprintf(stderr, ME "--window: only with --records RUN.csv\n");
		return -1;
	}
	if (o->window && (!parse_u64(o->window, &o->window_n) || !o->window_n)) {
		fprintf(stderr, ME "--window: '%s', expected a number of requests from 1\n",
			o->window);
		return -1;
	}
	return 0;
}

/* 0: report; 1: help printed; -1: error printed. */
static int parse_report(int argc, char **argv, struct report_opts *o)
{
	for (int i = 1; i < argc; i++) {
		const char *arg = argv[i];
		int rc = 0;

		if (!strcmp(arg, "-h") || !strcmp(arg, "--help")) {
			fputs(report_usage, stdout);
			return 1;
		} else if (is_option(arg, "--records")) {
			rc = option_value(argc, argv, &i, "--records", "RUN.csv", &o->records);
		} else if (is_option(arg, "--window")) {
			rc = option_value(argc, argv, &i, "--window", "N", &o->window);
		} else if (is_option(arg, "--plot")) {
			rc = option_value(argc, argv, &i, "--plot", "DIR", &o->plot);
		} else if (is_option(arg, "--sweep")) {
			rc = option_value(argc, argv, &i, "--sweep", "KEY", &o->sweep);
		} else if (is_option(arg, "--values")) {
			rc = option_value(argc, argv, &i, "--values", "V,V,...", &o->values);
		} else if (is_option(arg, "--metric")) {
			rc = add_metric(o, argc, argv, &i);
		} else if (arg[0] == '-' && arg[1]) {
			fprintf(stderr, ME "%s: unknown option, expected " REPORT_OPTIONS "\n",
				arg);
			return -1;
		} else {
			o->files[o->nfiles++] = arg;
		}
		if (rc)
			return -1;
	}
	return check_opts(o);
}

/* --- JSON ---------------------------------------------------------------------------- */

struct json_doc {
	const char *name; /* as named in messages */
	cJSON *root;
};

static const char *base_name(const char *path)
{
	const char *s = strrchr(path, '/');

	return s && s[1] ? s + 1 : path;
}

/* Reads all of f into a NUL-terminated buffer; NULL with errno set. */
static char *read_stream(FILE *f, size_t *len)
{
	char *buf = NULL;
	size_t cap = 0, n;

	*len = 0;
	do {
		if (*len + 65536 + 1 > cap) {
			char *p;

			if (cap > MAX_JSON) {
				free(buf);
				errno = EFBIG;
				return NULL;
			}
			cap = (*len + 65536 + 1) * 2;
			p = realloc(buf, cap);
			if (!p) {
				free(buf);
				errno = ENOMEM;
				return NULL;
			}
			buf = p;
		}
		n = fread(buf + *len, 1, 65536, f);
		*len += n;
	} while (n > 0);
	if (ferror(f)) {
		int e = errno ? errno : EIO;

		free(buf);
		errno = e;
		return NULL;
	}
	buf[*len] = '\0';
	return buf;
}

/* Loads one run's JSON; 0, or the exit status after printing why not. */
static int json_load(const char *path, struct json_doc *doc)
{
	bool std = !strcmp(path, "-");
	FILE *f = std ? stdin : fopen(path, "rb");
	const char *end = NULL;
	unsigned line = 1, col = 1;
	size_t len;
	char *buf;

	doc->name = std ? "<stdin>" : path;
	doc->root = NULL;
	if (!f) {
		fprintf(stderr, ME "%s: cannot open: %s, " JSON_WHAT "\n", path, strerror(errno));
		return EXIT_INPUT;
	}
	errno = 0;
	buf = read_stream(f, &len);
	if (!std)
		fclose(f);
	if (!buf) {
		fprintf(stderr, ME "%s: cannot read: %s, " JSON_WHAT "\n", doc->name,
			strerror(errno));
		return errno == ENOMEM ? EXIT_FAIL : EXIT_INPUT;
	}
	doc->root = cJSON_ParseWithLengthOpts(buf, len + 1, &end, true);
	if (!doc->root) {
		for (const char *p = buf; end && p < end && p < buf + len; p++) {
			if (*p == '\n') {
				line++;
				col = 1;
			} else {
				col++;
			}
		}
		fprintf(stderr, ME "%s:%u: not JSON (column %u), " JSON_WHAT "\n", doc->name, line,
			col);
		free(buf);
		return EXIT_INPUT;
	}
	free(buf);
	if (!cJSON_IsObject(doc->root)) {
		fprintf(stderr, ME "%s: not a JSON object, " JSON_WHAT "\n", doc->name);
		cJSON_Delete(doc->root);
		doc->root = NULL;
		return EXIT_INPUT;
	}
	return EXIT_OK;
}

/* The value at a dotted path ("pwc.sl.l2.hits"; a number indexes an array). */
static const cJSON *json_at(const cJSON *node, const char *path)
{
	const char *p = path;

	while (node && *p) {
		char key[128];
		size_t n = strcspn(p, ".");

		if (!n || n >= sizeof(key))
			return NULL;
		memcpy(key, p, n);
		key[n] = '\0';
		p += n;
		if (*p == '.' && !*++p)
			return NULL;
		if (cJSON_IsObject(node)) {
			node = cJSON_GetObjectItemCaseSensitive(node, key);
		} else if (cJSON_IsArray(node)) {
			uint64_t idx;

			if (!parse_u64(key, &idx) || idx > INT32_MAX)
				return NULL;
			node = cJSON_GetArrayItem(node, (int)idx);
		} else {
			return NULL;
		}
	}
	return *path ? node : NULL;
}

static const char *json_kind(const cJSON *v)
{
	if (cJSON_IsString(v))
		return "a string";
	if (cJSON_IsObject(v))
		return "an object";
	if (cJSON_IsArray(v))
		return "an array";
	if (cJSON_IsBool(v))
		return "a boolean";
	if (cJSON_IsNull(v))
		return "null";
	return "not a number";
}

/* The number at path (NaN for null when allow_null); 0 or EXIT_INPUT after the message. */
static int json_number(const struct json_doc *d, const char *path, bool allow_null, double *out)
{
	const cJSON *v = json_at(d->root, path);

	if (!v) {
		fprintf(stderr, ME "%s: no key '%s', " JSON_WHAT "\n", d->name, path);
		return EXIT_INPUT;
	}
	if (cJSON_IsNumber(v)) {
		*out = v->valuedouble;
		return EXIT_OK;
	}
	if (allow_null && cJSON_IsNull(v)) {
		*out = NAN;
		return EXIT_OK;
	}
	fprintf(stderr, ME "%s: %s: %s, expected a number%s\n", d->name, path, json_kind(v),
		allow_null ? " or null" : "");
	return EXIT_INPUT;
}

/* An optional number: NaN when the key is absent. */
static int json_optional(const struct json_doc *d, const char *path, double *out)
{
	*out = NAN;
	return json_at(d->root, path) ? json_number(d, path, false, out) : EXIT_OK;
}

/* --- one run's statistics --------------------------------------------------------------- */

#define NCACHES 13

static const struct {
	const char *label, *path;
	bool required;
} cache_keys[NCACHES] = {
	{"context_cache", "context_cache", false},
	{"pasid_cache", "pasid_cache", false},
	{"iotlb", "iotlb", true},
	{"nested_tlb", "nested_tlb", false},
	{"fl_pwc_l2", "pwc.fl.l2", false},
	{"fl_pwc_l3", "pwc.fl.l3", false},
	{"fl_pwc_l4", "pwc.fl.l4", false},
	{"fl_pwc_l5", "pwc.fl.l5", false},
	{"sl_pwc_l2", "pwc.sl.l2", false},
	{"sl_pwc_l3", "pwc.sl.l3", false},
	{"sl_pwc_l4", "pwc.sl.l4", false},
	{"sl_pwc_l5", "pwc.sl.l5", false},
	{"devtlb", "devtlb", false},
};

struct cache_stat {
	bool present;
	double lookups, hits, misses, hit_rate; /* hit_rate NaN: no lookups */
};

struct run_stats {
	const char *name; /* the JSON file */
	double requests, completed, faults, translations;
	double walks, mem_reads, max_mem_reads;
	double stale, missing_flush;
	bool has_inval;
	double descriptors, waits, queue_errors;
	double endpoints; /* NaN: not given */
	struct cache_stat caches[NCACHES];
	const char *trace_file; /* NULL: not given */
	bool builtin;
	double events, last_cycle;
	/* timing: NaN when the JSON has no latency object */
	double cycles, lat_count, lat_min, lat_mean, lat_p50, lat_p90, lat_p99, lat_p999, lat_max;
	double *lat_lo, *lat_hi, *lat_n; /* latency.histogram, lat_buckets entries */
	size_t lat_buckets;
};

static int cache_load(const struct json_doc *d, int k, struct cache_stat *c)
{
	static const char *const fields[] = {"lookups", "hits", "misses", "hit_rate"};
	double *dst[] = {&c->lookups, &c->hits, &c->misses, &c->hit_rate};
	char path[64];
	int rc;

	if (!cache_keys[k].required && !json_at(d->root, cache_keys[k].path))
		return EXIT_OK;
	for (int f = 0; f < 4; f++) {
		snprintf(path, sizeof(path), "%s.%s", cache_keys[k].path, fields[f]);
		rc = json_number(d, path, f == 3, dst[f]);
		if (rc)
			return rc;
	}
	c->present = true;
	return EXIT_OK;
}

static void run_free(struct run_stats *s)
{
	free(s->lat_lo);
	s->lat_lo = s->lat_hi = s->lat_n = NULL;
	s->lat_buckets = 0;
}

/* latency {count, min, mean, p50, p90, p99, p999, max, histogram [[lo, hi, n]...]} */
static int latency_load(const struct json_doc *d, struct run_stats *s)
{
	static const char *const fields[] = {"count", "min", "mean", "p50",
					     "p90",   "p99", "p999", "max"};
	double *dst[] = {&s->lat_count, &s->lat_min, &s->lat_mean, &s->lat_p50,
			 &s->lat_p90,   &s->lat_p99, &s->lat_p999, &s->lat_max};
	const cJSON *h, *b;
	char path[32];
	size_t n, i = 0;
	int rc;

	s->cycles = s->lat_count = s->lat_min = s->lat_mean = s->lat_p50 = s->lat_p90 = s->lat_p99 =
		s->lat_p999 = s->lat_max = NAN;
	if (!json_at(d->root, "latency"))
		return EXIT_OK;
	if ((rc = json_number(d, "cycles", false, &s->cycles)))
		return rc;
	for (size_t f = 0; f < sizeof(fields) / sizeof(fields[0]); f++) {
		snprintf(path, sizeof(path), "latency.%s", fields[f]);
		if ((rc = json_number(d, path, false, dst[f])))
			return rc;
	}
	h = json_at(d->root, "latency.histogram");
	n = cJSON_IsArray(h) ? (size_t)cJSON_GetArraySize(h) : 0;
	if (!cJSON_IsArray(h) || n > MAX_LAT_BUCKETS) {
		fprintf(stderr, ME "%s: latency.histogram: %s, " JSON_WHAT "\n", d->name,
			cJSON_IsArray(h) ? "too many buckets" : "not an array");
		return EXIT_INPUT;
	}
	s->lat_lo = malloc((3 * n + 1) * sizeof(double));
	if (!s->lat_lo) {
		fprintf(stderr, ME "out of memory\n");
		return EXIT_FAIL;
	}
	s->lat_hi = s->lat_lo + n;
	s->lat_n = s->lat_hi + n;
	cJSON_ArrayForEach(b, h)
	{
		const cJSON *lo = cJSON_GetArrayItem(b, 0), *hi = cJSON_GetArrayItem(b, 1),
			    *cnt = cJSON_GetArrayItem(b, 2);

		if (!cJSON_IsArray(b) || cJSON_GetArraySize(b) != 3 || !cJSON_IsNumber(lo) ||
		    !cJSON_IsNumber(hi) || !cJSON_IsNumber(cnt) || lo->valuedouble < 0 ||
		    hi->valuedouble < lo->valuedouble || cnt->valuedouble < 0 ||
		    (i && lo->valuedouble <= s->lat_hi[i - 1])) {
			fprintf(stderr,
				ME "%s: latency.histogram[%zu]: expected [lo, hi, count] with 0 <= "
				   "lo <= hi, above the previous bucket, " JSON_WHAT "\n",
				d->name, i);
			run_free(s);
			return EXIT_INPUT;
		}
		s->lat_lo[i] = lo->valuedouble;
		s->lat_hi[i] = hi->valuedouble;
		s->lat_n[i] = cnt->valuedouble;
		i++;
	}
	s->lat_buckets = n;
	return EXIT_OK;
}

static int run_load(const struct json_doc *d, struct run_stats *s)
{
	const struct {
		const char *path;
		double *dst;
	} keys[] = {
		{"requests", &s->requests},
		{"completed", &s->completed},
		{"faults", &s->faults},
		{"translations", &s->translations},
		{"walks.count", &s->walks},
		{"walks.mem_reads", &s->mem_reads},
		{"walks.max_mem_reads", &s->max_mem_reads},
		{"stale_translations", &s->stale},
		{"software_missing_flush", &s->missing_flush},
	};
	const cJSON *t;
	int rc;

	memset(s, 0, sizeof(*s));
	s->name = d->name;
	s->endpoints = NAN;
	for (size_t k = 0; k < sizeof(keys) / sizeof(keys[0]); k++) {
		rc = json_number(d, keys[k].path, false, keys[k].dst);
		if (rc)
			return rc;
	}
	for (int k = 0; k < NCACHES; k++) {
		rc = cache_load(d, k, &s->caches[k]);
		if (rc)
			return rc;
	}
	if ((rc = json_optional(d, "devtlb.endpoints", &s->endpoints)))
		return rc;
	if (json_at(d->root, "invalidations")) {
		if ((rc = json_number(d, "invalidations.descriptors", false, &s->descriptors)) ||
		    (rc = json_number(d, "invalidations.waits", false, &s->waits)))
			return rc;
		if ((rc = json_optional(d, "invalidations.queue_errors", &s->queue_errors)))
			return rc;
		s->has_inval = true;
	}
	if ((rc = latency_load(d, s)))
		return rc;
	t = json_at(d->root, "trace.file");
	if (cJSON_IsString(t)) {
		s->trace_file = t->valuestring;
		s->builtin = cJSON_IsTrue(json_at(d->root, "trace.builtin"));
		if ((rc = json_optional(d, "trace.events", &s->events)) ||
		    (rc = json_optional(d, "trace.last_cycle", &s->last_cycle)))
			return rc;
	}
	return EXIT_OK;
}

static void print_rate(FILE *f, double rate, int width)
{
	if (isnan(rate))
		fprintf(f, "%*s", width, "-");
	else
		fprintf(f, "%*.1f%%", width - 1, 100.0 * rate);
}

static void run_print(FILE *f, const struct run_stats *s)
{
	fprintf(f, "Run: %s", s->name);
	if (s->trace_file) {
		fprintf(f, " (trace %s%s", s->trace_file, s->builtin ? ", built-in" : "");
		if (!isnan(s->events))
			fprintf(f, ", %.0f events", s->events);
		if (!isnan(s->last_cycle))
			fprintf(f, ", last cycle %.0f", s->last_cycle);
		fputc(')', f);
	}
	fprintf(f, "\n\n");
	fprintf(f, "DMA requests              %12.0f\n", s->requests);
	fprintf(f, "  translated              %12.0f\n", s->completed);
	fprintf(f, "  faulted                 %12.0f\n", s->faults);
	fprintf(f, "page translations         %12.0f\n", s->translations);
	fprintf(f, "page walks                %12.0f", s->walks);
	if (s->walks > 0)
		fprintf(f, "  %.0f paging-entry reads, %.2f per walk, at most %.0f", s->mem_reads,
			s->mem_reads / s->walks, s->max_mem_reads);
	fputc('\n', f);
	if (s->has_inval) {
		fprintf(f, "invalidation descriptors  %12.0f  %.0f waits", s->descriptors,
			s->waits);
		if (!isnan(s->queue_errors))
			fprintf(f, ", %.0f queue errors", s->queue_errors);
		fputc('\n', f);
	}
	if (!isnan(s->lat_count) && s->lat_count > 0)
		fprintf(f,
			"DMA latency (cycles)      %12.0f  min %.0f, mean %.1f, p50 %.0f, p90 "
			"%.0f, "
			"p99 %.0f, p99.9 %.0f, max %.0f\n",
			s->lat_count, s->lat_min, s->lat_mean, s->lat_p50, s->lat_p90, s->lat_p99,
			s->lat_p999, s->lat_max);
	if (!isnan(s->cycles))
		fprintf(f, "simulated cycles          %12.0f\n", s->cycles);
	fprintf(f, "stale_translations        %12.0f  IOMMU bug when not 0\n", s->stale);
	fprintf(f, "software_missing_flush    %12.0f  driver bug when not 0\n", s->missing_flush);
	fprintf(f, "\nCache                        lookups         hits       misses  hit rate\n");
	for (int k = 0; k < NCACHES; k++) {
		const struct cache_stat *c = &s->caches[k];
		char label[40];

		if (!c->present)
			continue;
		if (!strcmp(cache_keys[k].label, "devtlb") && !isnan(s->endpoints))
			snprintf(label, sizeof(label), "devtlb (%.0f endpoint%s)", s->endpoints,
				 s->endpoints == 1 ? "" : "s");
		else
			snprintf(label, sizeof(label), "%s", cache_keys[k].label);
		fprintf(f, "  %-22s %12.0f %12.0f %12.0f", label, c->lookups, c->hits, c->misses);
		print_rate(f, c->hit_rate, 10);
		fputc('\n', f);
	}
}

/* --- per-request records (CSV) ---------------------------------------------------------- */

enum source { SRC_WALK, SRC_IOTLB, SRC_DEVTLB, SRC_UNTRANSLATED, NSRC };

static const char *const source_names[NSRC] = {"walk", "iotlb", "devtlb", "untranslated"};

/* Requests whose id falls in one window of the hit rate over time. */
struct bucket {
	uint64_t src[NSRC];
};

struct records {
	const char *name;
	uint64_t rows, faulted, src[NSRC];
	uint64_t *reads; /* reads[v]: requests with v paging-entry reads */
	size_t nreads;   /* largest v + 1 */
	uint64_t reads_total;
	struct bucket *b; /* b[i]: ids i * window .. (i + 1) * window - 1 */
	size_t nb, capb;
	uint64_t window;
	bool auto_window;
};

static void records_free(struct records *r)
{
	free(r->reads);
	free(r->b);
}

/* Halves the number of windows: the automatic window doubles. */
static void buckets_merge(struct records *r)
{
	size_t n = (r->nb + 1) / 2;

	for (size_t k = 0; k < n; k++) {
		struct bucket t = r->b[2 * k];

		for (int s = 0; s < NSRC; s++)
			t.src[s] += 2 * k + 1 < r->nb ? r->b[2 * k + 1].src[s] : 0;
		r->b[k] = t;
	}
	memset(r->b + n, 0, (r->nb - n) * sizeof(*r->b));
	r->nb = n;
	r->window *= 2;
}

static int bucket_add(struct records *r, unsigned long line, uint64_t id, enum source s)
{
	uint64_t i = id / r->window;

	while (r->auto_window && i >= 2 * TIME_POINTS) {
		buckets_merge(r);
		i = id / r->window;
	}
	if (i >= MAX_BUCKETS) {
		fprintf(stderr,
			ME "%s:%lu: id %" PRIu64 " needs more than %u windows of %" PRIu64
			   " requests, expected a larger --window\n",
			r->name, line, id, MAX_BUCKETS, r->window);
		return EXIT_INPUT;
	}
	if (i >= r->capb) {
		size_t cap = r->capb ? r->capb : 64;
		struct bucket *p;

		while (cap <= i)
			cap *= 2;
		p = realloc(r->b, cap * sizeof(*p));
		if (!p) {
			fprintf(stderr, ME "out of memory\n");
			return EXIT_FAIL;
		}
		memset(p + r->capb, 0, (cap - r->capb) * sizeof(*p));
		r->b = p;
		r->capb = cap;
	}
	if (i >= r->nb)
		r->nb = (size_t)i + 1;
	r->b[i].src[s]++;
	return EXIT_OK;
}

static int reads_add(struct records *r, unsigned long line, uint64_t v)
{
	if (v >= MAX_READS) {
		fprintf(stderr, ME "%s:%lu: mem_reads: %" PRIu64 ", expected at most %u\n", r->name,
			line, v, MAX_READS - 1);
		return EXIT_INPUT;
	}
	if (v >= r->nreads) {
		size_t n = (size_t)v + 1;
		uint64_t *p = realloc(r->reads, n * sizeof(*p));

		if (!p) {
			fprintf(stderr, ME "out of memory\n");
			return EXIT_FAIL;
		}
		memset(p + r->nreads, 0, (n - r->nreads) * sizeof(*p));
		r->reads = p;
		r->nreads = n;
	}
	r->reads[v]++;
	r->reads_total += v;
	return EXIT_OK;
}

enum { COL_ID, COL_STATUS, COL_MEM_READS, COL_SOURCE, NCOLS };

static const char *const col_names[NCOLS] = {"id", "status", "mem_reads", "source"};

/* Splits a line at commas in place; returns the number of fields (at most max). */
static size_t csv_split(char *line, char **fields, size_t max)
{
	size_t n = 0;

	for (char *p = line;; p++) {
		if (n < max)
			fields[n] = p;
		n++;
		p += strcspn(p, ",");
		if (!*p)
			break;
		*p = '\0';
	}
	return n;
}

static int csv_header(struct records *r, char *line, size_t *ncols, size_t col[NCOLS])
{
	char *fields[64];
	size_t n = csv_split(line, fields, 64);

	if (n > 64)
		n = 64;
	for (int c = 0; c < NCOLS; c++) {
		size_t k = 0;

		while (k < n && strcmp(fields[k], col_names[c]))
			k++;
		if (k == n) {
			fprintf(stderr, ME "%s:1: no column '%s', " CSV_WHAT "\n", r->name,
				col_names[c]);
			return EXIT_INPUT;
		}
		col[c] = k;
	}
	*ncols = n;
	return EXIT_OK;
}

static int csv_row(struct records *r, unsigned long line, char *text, size_t ncols,
		   const size_t col[NCOLS])
{
	char *fields[64];
	size_t n = csv_split(text, fields, 64);
	uint64_t id, reads;
	int s, rc;

	if (n != ncols) {
		fprintf(stderr, ME "%s:%lu: %zu fields, expected %zu as in the header\n", r->name,
			line, n, ncols);
		return EXIT_INPUT;
	}
	if (!parse_u64(fields[col[COL_ID]], &id)) {
		fprintf(stderr, ME "%s:%lu: id: '%s', expected a whole number\n", r->name, line,
			fields[col[COL_ID]]);
		return EXIT_INPUT;
	}
	if (!parse_u64(fields[col[COL_MEM_READS]], &reads)) {
		fprintf(stderr, ME "%s:%lu: mem_reads: '%s', expected a whole number\n", r->name,
			line, fields[col[COL_MEM_READS]]);
		return EXIT_INPUT;
	}
	if (strcmp(fields[col[COL_STATUS]], "ok") && strcmp(fields[col[COL_STATUS]], "fault")) {
		fprintf(stderr, ME "%s:%lu: status: '%s', expected ok or fault\n", r->name, line,
			fields[col[COL_STATUS]]);
		return EXIT_INPUT;
	}
	for (s = 0; s < NSRC && strcmp(fields[col[COL_SOURCE]], source_names[s]); s++)
		;
	if (s == NSRC) {
		fprintf(stderr,
			ME "%s:%lu: source: '%s', expected walk, iotlb, devtlb or untranslated\n",
			r->name, line, fields[col[COL_SOURCE]]);
		return EXIT_INPUT;
	}
	if ((rc = reads_add(r, line, reads)) || (rc = bucket_add(r, line, id, (enum source)s)))
		return rc;
	r->rows++;
	r->faulted += !strcmp(fields[col[COL_STATUS]], "fault");
	r->src[s]++;
	return EXIT_OK;
}

static int records_load(const char *path, uint64_t window, struct records *r)
{
	FILE *f = fopen(path, "r");
	char *line = NULL;
	size_t cap = 0, ncols = 0, col[NCOLS];
	unsigned long lineno = 0;
	ssize_t len;
	int rc = EXIT_OK;

	memset(r, 0, sizeof(*r));
	r->name = path;
	r->window = window ? window : 1;
	r->auto_window = !window;
	if (!f) {
		fprintf(stderr, ME "--records: %s: cannot open: %s, " CSV_WHAT "\n", path,
			strerror(errno));
		return EXIT_INPUT;
	}
	errno = 0;
	while (!rc && (len = getline(&line, &cap, f)) >= 0) {
		lineno++;
		while (len > 0 && (line[len - 1] == '\n' || line[len - 1] == '\r'))
			line[--len] = '\0';
		if (lineno == 1)
			rc = csv_header(r, line, &ncols, col);
		else
			rc = csv_row(r, lineno, line, ncols, col);
	}
	if (!rc && ferror(f)) {
		fprintf(stderr, ME "--records: %s: cannot read: %s, " CSV_WHAT "\n", path,
			strerror(errno ? errno : EIO));
		rc = EXIT_INPUT;
	} else if (!rc && !lineno) {
		fprintf(stderr, ME "%s: empty, " CSV_WHAT "\n", path);
		rc = EXIT_INPUT;
	}
	free(line);
	fclose(f);
	return rc;
}

/* The smallest value with at least q of the requests at or below it. */
static uint64_t reads_quantile(const struct records *r, double q)
{
	double want = q * (double)r->rows;
	uint64_t rank = (uint64_t)want, seen = 0;

	if ((double)rank < want || !rank)
		rank++;
	for (size_t v = 0; v < r->nreads; v++) {
		seen += r->reads[v];
		if (seen >= rank)
			return v;
	}
	return r->nreads ? r->nreads - 1 : 0;
}

static void records_print(FILE *f, const struct records *r)
{
	fprintf(f, "\nRecords: %s, %" PRIu64 " requests (%" PRIu64 " faulted)\n", r->name, r->rows,
		r->faulted);
	fprintf(f, "  served by");
	for (int s = 0; s < NSRC; s++)
		fprintf(f, "  %s %" PRIu64, source_names[s], r->src[s]);
	fprintf(f, "  (first page; faults count as walk)\n");
	if (!r->rows)
		return;
	fprintf(f,
		"  paging-entry reads per request: mean %.2f, p50 %" PRIu64 ", p90 %" PRIu64
		", p99 %" PRIu64 ", max %zu\n",
		(double)r->reads_total / (double)r->rows, reads_quantile(r, 0.50),
		reads_quantile(r, 0.90), reads_quantile(r, 0.99), r->nreads - 1);
}

/* --- sweep ------------------------------------------------------------------------------- */

struct sweep_run {
	struct json_doc doc;
	char label[64]; /* the swept value as given */
	double x;       /* its number, when numeric */
	double metric[MAX_METRICS];
};

struct sweep {
	const char *key;
	const char *const *metrics;
	int nmetrics;
	struct sweep_run *runs;
	int nruns;
	bool numeric;
};

/* The value of key in a file name: after the first "KEY=", up to '_', ',', '+', a space or
 * a final ".json". */
static int label_from_name(const char *file, const char *key, char *out, size_t size)
{
	const char *name = base_name(file), *p = name, *end;
	size_t klen = strlen(key), n;

	while ((p = strstr(p, key)) && p[klen] != '=')
		p++;
	if (!p) {
		fprintf(stderr,
			ME "%s: no '%s=VALUE' in the file name, expected it there or --values "
			   "V,V,...\n",
			file, key);
		return EXIT_INPUT;
	}
	p += klen + 1;
	end = name + strlen(name);
	if (end - p >= 5 && !strcmp(end - 5, ".json"))
		end -= 5;
	n = strcspn(p, "_,+ \t");
	if (p + n < end)
		end = p + n;
	n = (size_t)(end - p);
	if (!n || n >= size) {
		fprintf(stderr,
			ME "%s: %s: %s value in the file name, expected 1 to %zu characters\n",
			file, key, n ? "too long a" : "empty", size - 1);
		return EXIT_INPUT;
	}
	memcpy(out, p, n);
	out[n] = '\0';
	return EXIT_OK;
}

static int sweep_labels(const struct report_opts *o, struct sweep *sw)
{
	const char *p = o->values;
	int k = 0;

	if (!p) {
		for (k = 0; k < sw->nruns; k++) {
			int rc = label_from_name(o->files[k], o->sweep, sw->runs[k].label,
						 sizeof(sw->runs[k].label));
			if (rc)
				return rc;
		}
		return EXIT_OK;
	}
	for (;; k++) {
		size_t n = strcspn(p, ",");

		if (!n || n >= sizeof(sw->runs[0].label)) {
			fprintf(stderr, ME "--values: value %d %s, expected 1 to %zu characters\n",
				k + 1, n ? "too long" : "empty", sizeof(sw->runs[0].label) - 1);
			return EXIT_INPUT;
		}
		if (k < sw->nruns) {
			memcpy(sw->runs[k].label, p, n);
			sw->runs[k].label[n] = '\0';
		}
		p += n;
		if (!*p++)
			break;
	}
	if (k + 1 != sw->nruns) {
		fprintf(stderr, ME "--values: %d value%s for %d file%s, expected one per file\n",
			k + 1, k ? "s" : "", sw->nruns, sw->nruns == 1 ? "" : "s");
		return EXIT_INPUT;
	}
	return EXIT_OK;
}

/* Numeric labels get a value and sort ascending (stable); others keep the order given. */
static void sweep_order(struct sweep *sw)
{
	sw->numeric = true;
	for (int k = 0; k < sw->nruns; k++) {
		char *end;

		errno = 0;
		sw->runs[k].x = strtod(sw->runs[k].label, &end);
		if (*end || errno || !isfinite(sw->runs[k].x))
			sw->numeric = false;
	}
	if (!sw->numeric)
		return;
	for (int k = 1; k < sw->nruns; k++) {
		struct sweep_run t = sw->runs[k];
		int j = k;

		for (; j > 0 && sw->runs[j - 1].x > t.x; j--)
			sw->runs[j] = sw->runs[j - 1];
		sw->runs[j] = t;
	}
}

static void print_value(FILE *f, double v, int width)
{
	if (isnan(v))
		fprintf(f, "%*s", width, "-");
	else if (abs_d(v) < 1e15 && v == (double)(int64_t)v)
		fprintf(f, "%*.0f", width, v);
	else
		fprintf(f, "%*.6g", width, v);
}

static void sweep_print(FILE *f, const struct sweep *sw)
{
	int w0 = (int)strlen(sw->key) < 10 ? 10 : (int)strlen(sw->key);

	fprintf(f, "Sweep of %s over %d run%s\n\n", sw->key, sw->nruns, sw->nruns == 1 ? "" : "s");
	fprintf(f, "  %*s", w0, sw->key);
	for (int m = 0; m < sw->nmetrics; m++)
		fprintf(f, "  %*s",
			(int)strlen(sw->metrics[m]) < 12 ? 12 : (int)strlen(sw->metrics[m]),
			sw->metrics[m]);
	fprintf(f, "  file\n");
	for (int k = 0; k < sw->nruns; k++) {
		fprintf(f, "  %*s", w0, sw->runs[k].label);
		for (int m = 0; m < sw->nmetrics; m++) {
			fputs("  ", f);
			print_value(f, sw->runs[k].metric[m],
				    (int)strlen(sw->metrics[m]) < 12 ? 12
								     : (int)strlen(sw->metrics[m]));
		}
		fprintf(f, "  %s\n", sw->runs[k].doc.name);
	}
}

/* --- charts ------------------------------------------------------------------------------ */

struct plot_ctx {
	const struct run_stats *run; /* NULL in a sweep */
	const struct records *rec;   /* NULL without --records */
	const struct sweep *sw;      /* NULL without --sweep */
	int metric;                  /* the sweep metric of this chart */
};

struct plot_kind {
	const char *stem; /* STEM.dat, STEM.gp, STEM.png, STEM.svg; NULL: sweep_METRIC */
	const char *what;
	/* NULL: drawn; plot_na: not for these inputs; else why not (printed) */
	const char *(*skip)(const struct plot_ctx *c);
	void (*data)(FILE *f, const struct plot_ctx *c);
	void (*script)(FILE *f, const struct plot_ctx *c, const char *stem);
};

static const char plot_na[] = "not applicable";

/* A gnuplot double-quoted string. */
static void gp_str(FILE *f, const char *s)
{
	fputc('"', f);
	for (; *s; s++) {
		if (*s == '"' || *s == '\\')
			fputc('\\', f);
		fputc(*s == '\n' || *s == '\t' ? ' ' : *s, f);
	}
	fputc('"', f);
}

/* A data-file field: no tab, newline or quote. */
static void dat_str(FILE *f, const char *s)
{
	for (; *s; s++)
		fputc(strchr("\t\r\n\"", *s) ? ' ' : *s, f);
}

static void dat_num(FILE *f, double v)
{
	if (isnan(v))
		fputs("NaN", f);
	else
		fprintf(f, "%.10g", v);
}

/* hitrate: hit rate per cache, from the JSON. */
static const char *hitrate_skip(const struct plot_ctx *c)
{
	if (!c->run)
		return plot_na;
	for (int k = 0; k < NCACHES; k++)
		if (c->run->caches[k].present && !isnan(c->run->caches[k].hit_rate))
			return NULL;
	return "no cache had a lookup";
}

static void hitrate_data(FILE *f, const struct plot_ctx *c)
{
	fprintf(f, "# cache\thit_rate_percent\tlookups\thits\tmisses\n");
	for (int k = 0; k < NCACHES; k++) {
		const struct cache_stat *s = &c->run->caches[k];

		if (!s->present || isnan(s->hit_rate))
			continue;
		fprintf(f, "%s\t%.6f\t%.0f\t%.0f\t%.0f\n", cache_keys[k].label, 100 * s->hit_rate,
			s->lookups, s->hits, s->misses);
	}
}

static void hitrate_script(FILE *f, const struct plot_ctx *c, const char *stem)
{
	char title[512];
	int n = 0, idle = 0;

	snprintf(title, sizeof(title), "Hit rate per cache: %s", base_name(c->run->name));
	fputs("set title ", f);
	gp_str(f, title);
	fputs("\nset ylabel \"hit rate (%)\"\nset yrange [0:112]\n", f);
	for (int k = 0; k < NCACHES; k++) {
		const struct cache_stat *s = &c->run->caches[k];

		if (s->present && !isnan(s->hit_rate))
			n++;
		else if (s->present)
			fprintf(f, "%s%s", idle++ ? ", " : "set xlabel \"not shown, no lookups: ",
				cache_keys[k].label);
	}
	if (idle)
		fputs("\"\n", f);
	fprintf(f, "set xrange [-0.6:%d.4]\n", n - 1);
	fputs("set boxwidth 0.7\nset xtics rotate by 30 right scale 0\nunset key\n", f);
	fprintf(f,
		"plot \"%s.dat\" using 0:2:xtic(1) with boxes lc rgb \"#3a6ea5\", \\\n"
		"     \"\" using 0:2:(sprintf(\"%%.1f%%%%\", $2)) with labels offset 0,0.8 "
		"font \",9\"\n",
		stem);
}

/* mem_reads: histogram of paging-entry reads per request, from the CSV. */
static const char *reads_skip(const struct plot_ctx *c)
{
	if (!c->rec)
		return plot_na;
	return c->rec->rows ? NULL : "no records";
}

static void reads_data(FILE *f, const struct plot_ctx *c)
{
	fprintf(f, "# paging_entry_reads\trequests\n");
	for (size_t v = 0; v < c->rec->nreads; v++)
		if (c->rec->reads[v])
			fprintf(f, "%zu\t%" PRIu64 "\n", v, c->rec->reads[v]);
}

static void reads_script(FILE *f, const struct plot_ctx *c, const char *stem)
{
	const struct records *r = c->rec;
	uint64_t most = 0, least = UINT64_MAX;
	size_t bars = 0;
	double mean = (double)r->reads_total / (double)r->rows;
	char title[512];

	for (size_t v = 0; v < r->nreads; v++) {
		if (!r->reads[v])
			continue;
		bars++;
		most = r->reads[v] > most ? r->reads[v] : most;
		least = r->reads[v] < least ? r->reads[v] : least;
	}
	snprintf(title, sizeof(title),
		 "Paging-entry reads per DMA request: %s (%" PRIu64 " requests)",
		 base_name(r->name), r->rows);
	fputs("set title ", f);
	gp_str(f, title);
	fputs("\nset xlabel \"paging-entry reads (first and second level, all pages of the "
	      "request)\"\n",
	      f);
	if (most / least >= 100) {
		fputs("set ylabel \"requests (log scale)\"\nset logscale y\n", f);
		fprintf(f, "set yrange [0.7:%" PRIu64 "]\n", most * 3);
	} else {
		fputs("set ylabel \"requests\"\n", f);
		fprintf(f, "set yrange [0:%.0f]\n", (double)most * 1.12 + 1);
	}
	fprintf(f, "set xrange [-0.6:%zu.6]\nset boxwidth 0.8\nunset key\n", r->nreads - 1);
	fprintf(f,
		"set arrow from %.4f, graph 0 to %.4f, graph 1 nohead dt 2 lw 1.5 "
		"lc rgb \"#b03030\" front\n",
		mean, mean);
	fprintf(f, "set label \" mean %.2f\" at %.4f, graph 0.96 left tc rgb \"#b03030\" front\n",
		mean, mean);
	fprintf(f, "plot \"%s.dat\" using 1:2 with boxes lc rgb \"#3a6ea5\"", stem);
	if (bars <= 30)
		fputs(", \\\n     \"\" using 1:2:2 with labels offset 0,0.8 font \",9\"", f);
	fputc('\n', f);
}

/* hitrate_time: the IOTLB (and device-TLB) hit rate by request id, from the CSV. */
static const char *time_skip(const struct plot_ctx *c)
{
	if (!c->rec)
		return plot_na;
	return c->rec->src[SRC_WALK] + c->rec->src[SRC_IOTLB] + c->rec->src[SRC_DEVTLB]
		       ? NULL
		       : "no translated request";
}

static double pct(uint64_t part, uint64_t whole)
{
	return whole ? 100.0 * (double)part / (double)whole : NAN;
}

static void time_data(FILE *f, const struct plot_ctx *c)
{
	const struct records *r = c->rec;
	uint64_t cum[NSRC] = {0};

	fprintf(f,
		"# window of %" PRIu64 " requests by id; rates in percent; IOTLB = iotlb / "
		"(iotlb + walk), cached = (iotlb + devtlb) / (iotlb + devtlb + walk)\n",
		r->window);
	fprintf(f, "# first_id\tlast_id\twalk\tiotlb\tdevtlb\tuntranslated\tiotlb_rate\t"
		   "cached_rate\tcumulative_iotlb_rate\tcumulative_cached_rate\n");
	for (size_t i = 0; i < r->nb; i++) {
		const uint64_t *s = r->b[i].src;

		for (int k = 0; k < NSRC; k++)
			cum[k] += s[k];
		if (!(s[SRC_WALK] + s[SRC_IOTLB] + s[SRC_DEVTLB] + s[SRC_UNTRANSLATED]))
			continue;
		fprintf(f,
			"%" PRIu64 "\t%" PRIu64 "\t%" PRIu64 "\t%" PRIu64 "\t%" PRIu64 "\t%" PRIu64
			"\t",
			(uint64_t)i * r->window, ((uint64_t)i + 1) * r->window - 1, s[SRC_WALK],
			s[SRC_IOTLB], s[SRC_DEVTLB], s[SRC_UNTRANSLATED]);
		dat_num(f, pct(s[SRC_IOTLB], s[SRC_IOTLB] + s[SRC_WALK]));
		fputc('\t', f);
		dat_num(f, pct(s[SRC_IOTLB] + s[SRC_DEVTLB],
			       s[SRC_IOTLB] + s[SRC_DEVTLB] + s[SRC_WALK]));
		fputc('\t', f);
		dat_num(f, pct(cum[SRC_IOTLB], cum[SRC_IOTLB] + cum[SRC_WALK]));
		fputc('\t', f);
		dat_num(f, pct(cum[SRC_IOTLB] + cum[SRC_DEVTLB],
			       cum[SRC_IOTLB] + cum[SRC_DEVTLB] + cum[SRC_WALK]));
		fputc('\n', f);
	}
}

static void time_script(FILE *f, const struct plot_ctx *c, const char *stem)
{
	const struct records *r = c->rec;
	const char *style = r->nb < 40 ? "linespoints pt 7 ps 0.8" : "lines";
	char title[512];

	snprintf(title, sizeof(title), "Hit rate over time: %s (windows of %" PRIu64 " request%s)",
		 base_name(r->name), r->window, r->window == 1 ? "" : "s");
	fputs("set title ", f);
	gp_str(f, title);
	fputs("\nset xlabel \"request id\"\nset ylabel \"hit rate (%)\"\nset yrange [0:105]\n"
	      "set key bmargin center horizontal\nset autoscale xfix\nx = \"(($1 + $2) / 2)\"\n",
	      f);
	fprintf(f,
		"plot \"%s.dat\" using @x:7 with %s lw 2 lc rgb \"#3a6ea5\" title \"IOTLB, per "
		"window\", \\\n"
		"     \"\" using @x:9 with lines dt 2 lw 2 lc rgb \"#3a6ea5\" title \"IOTLB, "
		"cumulative\"",
		stem, style);
	if (r->src[SRC_DEVTLB])
		fprintf(f,
			", \\\n     \"\" using @x:8 with %s lw 2 lc rgb \"#d07020\" title "
			"\"IOTLB or device TLB, per window\", \\\n"
			"     \"\" using @x:10 with lines dt 2 lw 2 lc rgb \"#d07020\" title "
			"\"IOTLB or device TLB, cumulative\"",
			style);
	fputc('\n', f);
}

/* sweep_METRIC: one metric against the swept value, from several JSON files. */
static const char *sweep_skip(const struct plot_ctx *c)
{
	if (!c->sw)
		return plot_na;
	for (int k = 0; k < c->sw->nruns; k++)
		if (!isnan(c->sw->runs[k].metric[c->metric]))
			return NULL;
	return "null in every run";
}

static void sweep_data(FILE *f, const struct plot_ctx *c)
{
	fprintf(f, "# %s\tx\t%s\tfile\n", c->sw->key, c->sw->metrics[c->metric]);
	for (int k = 0; k < c->sw->nruns; k++) {
		const struct sweep_run *s = &c->sw->runs[k];

		dat_str(f, s->label);
		fputc('\t', f);
		dat_num(f, c->sw->numeric ? s->x : k);
		fputc('\t', f);
		dat_num(f, s->metric[c->metric]);
		fputc('\t', f);
		dat_str(f, s->doc.name);
		fputc('\n', f);
	}
}

static void sweep_script(FILE *f, const struct plot_ctx *c, const char *stem)
{
	const struct sweep *sw = c->sw;
	double ylo = INFINITY, yhi = -INFINITY, xlo = sw->runs[0].x,
	       xhi = sw->runs[sw->nruns - 1].x;
	char title[512];

	for (int k = 0; k < sw->nruns; k++) {
		double v = sw->runs[k].metric[c->metric];

		if (!isnan(v)) {
			ylo = v < ylo ? v : ylo;
			yhi = v > yhi ? v : yhi;
		}
	}
	if (yhi > ylo) {
		double pad = (yhi - ylo) * 0.12;

		ylo -= pad;
		yhi += pad;
	} else {
		double pad = abs_d(ylo) > 0 ? abs_d(ylo) * 0.1 : 1;

		ylo -= pad;
		yhi += pad;
	}
	snprintf(title, sizeof(title), "%s against %s (%d run%s)", sw->metrics[c->metric], sw->key,
		 sw->nruns, sw->nruns == 1 ? "" : "s");
	fputs("set title ", f);
	gp_str(f, title);
	fputs("\nset xlabel ", f);
	gp_str(f, sw->key);
	fputs("\nset ylabel ", f);
	gp_str(f, sw->metrics[c->metric]);
	fprintf(f, "\nset yrange [%.10g:%.10g]\nunset key\n", ylo, yhi);
	if (!sw->numeric) {
		fprintf(f, "set xrange [-0.5:%d.5]\n", sw->nruns - 1);
		fprintf(f,
			"plot \"%s.dat\" using 2:3:xtic(1) with points pt 7 ps 1.5 "
			"lc rgb \"#3a6ea5\", \\\n",
			stem);
	} else {
		if (xlo > 0 && xhi / xlo >= 8) {
			fprintf(f, "set logscale x 2\nset xrange [%.10g:%.10g]\n", xlo / 1.3,
				xhi * 1.3);
		} else {
			double pad = xhi > xlo ? (xhi - xlo) * 0.06
					       : (abs_d(xlo) > 0 ? abs_d(xlo) * 0.1 : 1);

			fprintf(f, "set xrange [%.10g:%.10g]\n", xlo - pad, xhi + pad);
		}
		fprintf(f, "set xtics (");
		for (int k = 0; k < sw->nruns; k++) {
			if (k && sw->runs[k].x == sw->runs[k - 1].x)
				continue;
			fprintf(f, "%s", k ? ", " : "");
			gp_str(f, sw->runs[k].label);
			fprintf(f, " %.10g", sw->runs[k].x);
		}
		fprintf(f, ")\n");
		fprintf(f,
			"plot \"%s.dat\" using 2:3 with linespoints pt 7 ps 1.3 lw 2 "
			"lc rgb \"#3a6ea5\", \\\n",
			stem);
	}
	fputs("     \"\" using 2:3:(sprintf(\"%g\", $3)) with labels offset 0,1.1 font \",9\"\n",
	      f);
}

/* latency_cdf, latency_hist: the DMA latency distribution of the JSON. */
static const char *latency_skip(const struct plot_ctx *c)
{
	if (!c->run)
		return plot_na;
	if (isnan(c->run->lat_count))
		return "the JSON has no latency (not written by a timed run)";
	return c->run->lat_buckets ? NULL : "no DMA request completed";
}

static void cdf_data(FILE *f, const struct plot_ctx *c)
{
	const struct run_stats *r = c->run;
	double seen = 0, total = 0;

	for (size_t i = 0; i < r->lat_buckets; i++)
		total += r->lat_n[i];
	fprintf(f, "# latency_cycles\tfraction_at_or_below\n");
	for (size_t i = 0; i < r->lat_buckets; i++) {
		seen += r->lat_n[i];
		fprintf(f, "%.0f\t%.9f\n", r->lat_hi[i] < r->lat_max ? r->lat_hi[i] : r->lat_max,
			seen / total);
	}
}

static void latency_title(FILE *f, const struct plot_ctx *c, const char *what)
{
	char title[512];

	snprintf(title, sizeof(title), "%s: %s (%.0f requests, p50 %.0f, p99 %.0f cycles)", what,
		 base_name(c->run->name), c->run->lat_count, c->run->lat_p50, c->run->lat_p99);
	fputs("set title ", f);
	gp_str(f, title);
	fputc('\n', f);
}

static void cdf_script(FILE *f, const struct plot_ctx *c, const char *stem)
{
	const struct run_stats *r = c->run;

	latency_title(f, c, "DMA latency CDF");
	fputs("set ylabel \"fraction of requests at or below\"\nset yrange [0:1.02]\n", f);
	if (r->lat_max >= 100 * (r->lat_min > 1 ? r->lat_min : 1))
		fputs("set xlabel \"latency (cycles, log scale)\"\nset logscale x\n", f);
	else
		fputs("set xlabel \"latency (cycles)\"\n", f);
	fputs("set grid\nunset key\n", f);
	fprintf(f, "plot \"%s.dat\" using 1:2 with steps lw 2 lc rgb \"#3a6ea5\"\n", stem);
}

/* 2^k as a double (no libm). */
static double ldexp_int(unsigned k)
{
	double v = 1;

	while (k--)
		v *= 2;
	return v;
}

/* Power-of-two latency ranges: [0], [1], [2,3], [4,7], ... */
static unsigned pow2_bin(double v)
{
	unsigned k = 0;

	while (v >= 1 && k < 64) {
		v /= 2;
		k++;
	}
	return k;
}

static void hist_data(FILE *f, const struct plot_ctx *c)
{
	const struct run_stats *r = c->run;
	double count[66] = {0};
	unsigned first = 65, last = 0;

	for (size_t i = 0; i < r->lat_buckets; i++) {
		unsigned k = pow2_bin(r->lat_lo[i]);

		count[k] += r->lat_n[i];
		first = k < first ? k : first;
		last = k > last ? k : last;
	}
	fprintf(f, "# range\tfrom\tto\trequests\n");
	for (unsigned k = first; k <= last; k++) {
		double from = k ? ldexp_int(k - 1) : 0, to = k ? ldexp_int(k) - 1 : 0;

		fprintf(f, "\"%.0f-%.0f\"\t%.0f\t%.0f\t%.0f\n", from, to, from, to, count[k]);
	}
}

static void hist_script(FILE *f, const struct plot_ctx *c, const char *stem)
{
	latency_title(f, c, "DMA latency histogram");
	fputs("set xlabel \"latency (cycles, power-of-two ranges)\"\n"
	      "set ylabel \"requests\"\nset yrange [0:*]\nset boxwidth 0.8\n"
	      "set style fill solid 0.6\nset xtics rotate by 30 right scale 0\nunset key\n",
	      f);
	fprintf(f,
		"plot \"%s.dat\" using 0:4:xtic(1) with boxes lc rgb \"#3a6ea5\", \\\n"
		"     \"\" using 0:4:4 with labels offset 0,0.8 font \",9\"\n",
		stem);
}

static const struct plot_kind plot_kinds[] = {
	{"hitrate", "hit rate per cache", hitrate_skip, hitrate_data, hitrate_script},
	{"mem_reads", "paging-entry reads per request", reads_skip, reads_data, reads_script},
	{"hitrate_time", "hit rate over time", time_skip, time_data, time_script},
	{"latency_cdf", "DMA latency CDF", latency_skip, cdf_data, cdf_script},
	{"latency_hist", "DMA latency histogram", latency_skip, hist_data, hist_script},
	{NULL, "sweep", sweep_skip, sweep_data, sweep_script},
};

/* --- writing and rendering charts ----------------------------------------------------------- */

static char *path_join(const char *dir, const char *stem, const char *ext)
{
	size_t n = strlen(dir) + strlen(stem) + strlen(ext) + 2;
	char *p = malloc(n);

	if (p)
		snprintf(p, n, "%s/%s%s", dir, stem, ext);
	return p;
}

/* Writes DIR/STEM.dat and DIR/STEM.gp; 0 or the exit status after the message. */
static int plot_write(const char *dir, const char *stem, const struct plot_kind *k,
		      const struct plot_ctx *c)
{
	char *dat = path_join(dir, stem, ".dat"), *gp = path_join(dir, stem, ".gp");
	const char *fail = NULL;
	FILE *f = NULL;
	int rc = EXIT_FAIL;

	if (!dat || !gp) {
		fprintf(stderr, ME "out of memory\n");
		goto out;
	}
	fail = dat;
	f = fopen(dat, "w");
	if (!f)
		goto out;
	k->data(f, c);
	if (ferror(f) | fclose(f)) {
		f = NULL;
		goto out;
	}
	fail = gp;
	f = fopen(gp, "w");
	if (!f)
		goto out;
	fprintf(f,
		"# %s.gp: %s, written by iommusim report; run 'gnuplot %s.gp' in this "
		"directory\n",
		stem, k->stem ? k->what : c->sw->metrics[c->metric], stem);
	fprintf(f,
		"reset\nset encoding utf8\nset datafile separator \"\\t\"\n"
		"set terminal pngcairo size 960,600 noenhanced font \"sans,11\"\n"
		"set output \"%s.png\"\n"
		"set border 3\nset tics nomirror\nset grid ytics lc rgb \"#d8d8d8\"\n"
		"set style fill solid 0.85 border -1\n",
		stem);
	k->script(f, c, stem);
	fprintf(f,
		"set terminal svg size 960,600 dynamic noenhanced font \"sans,11\" "
		"background rgb \"white\"\n"
		"set output \"%s.svg\"\nreplot\nunset output\n",
		stem);
	if (ferror(f) | fclose(f)) {
		f = NULL;
		goto out;
	}
	f = NULL;
	fail = NULL;
	rc = EXIT_OK;
out:
	if (fail)
		fprintf(stderr, ME "--plot: cannot write '%s': %s\n", fail, strerror(errno));
	if (f)
		fclose(f);
	free(dat);
	free(gp);
	return rc;
}

static bool gnuplot_found(void)
{
	const char *p = getenv("PATH");

	if (!p)
		return false;
	for (;;) {
		size_t n = strcspn(p, ":");
		char buf[4096];

		if (n + sizeof("/gnuplot") <= sizeof(buf)) {
			if (n)
				memcpy(buf, p, n);
			else
				buf[n++] = '.';
			memcpy(buf + n, "/gnuplot", sizeof("/gnuplot"));
			if (!access(buf, X_OK))
				return true;
		}
		p += strcspn(p, ":");
		if (!*p++)
			return false;
	}
}

/* Runs gnuplot STEM.gp in dir: its exit status, 128 + a signal, or -1 (errno). */
static int gnuplot_run(const char *dir, const char *stem)
{
	char script[MAX_METRIC_LEN + 16];
	size_t n = strnlen(stem, sizeof(script) - 4);
	pid_t pid;
	int st;

	memcpy(script, stem, n);
	memcpy(script + n, ".gp", 4);
	fflush(stdout);
	fflush(stderr);
	pid = fork();
	if (pid < 0)
		return -1;
	if (!pid) {
		int fd = open("/dev/null", O_WRONLY);

		if (fd >= 0)
			dup2(fd, STDOUT_FILENO);
		if (chdir(dir))
			_exit(126);
		execlp("gnuplot", "gnuplot", script, (char *)NULL);
		_exit(127);
	}
	while (waitpid(pid, &st, 0) < 0)
		if (errno != EINTR)
			return -1;
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + (WIFSIGNALED(st) ? WTERMSIG(st) : 0);
}

static int make_dir(const char *dir)
{
	struct stat st;

	if (!mkdir(dir, 0777) || (errno == EEXIST && !stat(dir, &st) && S_ISDIR(st.st_mode)))
		return EXIT_OK;
	fprintf(stderr, ME "--plot: cannot create directory '%s': %s, expected a writable path\n",
		dir, errno == EEXIST ? "not a directory" : strerror(errno));
	return EXIT_INPUT;
}

/* Every chart the inputs allow: data and scripts, then PNG and SVG with gnuplot. */
static int plots_make(const char *dir, const struct plot_ctx *base)
{
	char stems[MAX_PLOTS][MAX_METRIC_LEN + 8];
	const char *whats[MAX_PLOTS];
	int n = 0, rc;

	if ((rc = make_dir(dir)))
		return rc;
	for (size_t k = 0; k < sizeof(plot_kinds) / sizeof(plot_kinds[0]); k++) {
		const struct plot_kind *pk = &plot_kinds[k];
		int nm = pk->stem ? 1 : (base->sw ? base->sw->nmetrics : 0);

		for (int m = 0; m < nm; m++) {
			struct plot_ctx c = *base;
			const char *why;

			c.metric = m;
			why = pk->skip(&c);
			if (why) {
				if (why != plot_na)
					printf("%s: not plotted, %s\n",
					       pk->stem ? pk->stem : c.sw->metrics[m], why);
				continue;
			}
			if (pk->stem) {
				snprintf(stems[n], sizeof(stems[n]), "%s", pk->stem);
				whats[n] = pk->what;
			} else {
				char *s = stems[n];

				snprintf(s, sizeof(stems[n]), "sweep_%s", c.sw->metrics[m]);
				for (; *s; s++)
					if (!(*s == '_' || (*s >= '0' && *s <= '9') ||
					      ((*s | 0x20) >= 'a' && (*s | 0x20) <= 'z')))
						*s = '_';
				whats[n] = c.sw->metrics[m];
			}
			if ((rc = plot_write(dir, stems[n], pk, &c)))
				return rc;
			n++;
		}
	}
	if (!n)
		return EXIT_OK;
	if (!gnuplot_found()) {
		fprintf(stderr,
			ME "--plot: gnuplot not found on PATH, expected it installed (Debian "
			   "package " GNUPLOT_PACKAGE "); data and scripts are in %s\n",
			dir);
		return EXIT_FAIL;
	}
	for (int k = 0; k < n; k++) {
		rc = gnuplot_run(dir, stems[k]);
		if (rc) {
			if (rc < 0)
				fprintf(stderr, ME "--plot: cannot run gnuplot: %s\n",
					strerror(errno));
			else
				fprintf(stderr,
					ME "--plot: gnuplot failed on %s/%s.gp (status %d)\n", dir,
					stems[k], rc);
			return EXIT_FAIL;
		}
	}
	printf("\nCharts in %s (data .dat, gnuplot script .gp):\n", dir);
	for (int k = 0; k < n; k++)
		printf("  %s.png, %s.svg: %s\n", stems[k], stems[k], whats[k]);
	return EXIT_OK;
}

/* --- report_main ------------------------------------------------------------------------- */

static int report_run(const struct report_opts *o)
{
	struct json_doc doc = {0};
	struct run_stats s = {0};
	struct records rec = {0};
	struct plot_ctx c = {0};
	int rc;

	rc = json_load(o->files[0], &doc);
	if (!rc)
		rc = run_load(&doc, &s);
	if (!rc && o->records) {
		rc = records_load(o->records, o->window_n, &rec);
		if (!rc && (double)rec.rows != s.requests) {
			fprintf(stderr,
				ME "%s: %" PRIu64
				   " records, but %s has %.0f requests, expected the "
				   "records of the same run\n",
				o->records, rec.rows, doc.name, s.requests);
			rc = EXIT_INPUT;
		}
	}
	if (!rc) {
		run_print(stdout, &s);
		if (o->records)
			records_print(stdout, &rec);
		c.run = &s;
		c.rec = o->records ? &rec : NULL;
		if (o->plot)
			rc = plots_make(o->plot, &c);
	}
	if (!rc && fflush(stdout)) {
		fprintf(stderr, ME "cannot write the summary: %s\n", strerror(errno));
		rc = EXIT_FAIL;
	}
	records_free(&rec);
	run_free(&s);
	cJSON_Delete(doc.root);
	return rc;
}

static int report_sweep(const struct report_opts *o)
{
	struct sweep sw = {o->sweep, o->metrics, o->nmetrics, NULL, o->nfiles, false};
	struct plot_ctx c = {0};
	int rc = EXIT_OK;

	sw.runs = calloc((size_t)o->nfiles, sizeof(*sw.runs));
	if (!sw.runs) {
		fprintf(stderr, ME "out of memory\n");
		return EXIT_FAIL;
	}
	rc = sweep_labels(o, &sw);
	for (int k = 0; !rc && k < sw.nruns; k++) {
		rc = json_load(o->files[k], &sw.runs[k].doc);
		for (int m = 0; !rc && m < sw.nmetrics; m++)
			rc = json_number(&sw.runs[k].doc, sw.metrics[m], true,
					 &sw.runs[k].metric[m]);
	}
	if (!rc) {
		sweep_order(&sw);
		sweep_print(stdout, &sw);
		c.sw = &sw;
		if (o->plot)
			rc = plots_make(o->plot, &c);
	}
	if (!rc && fflush(stdout)) {
		fprintf(stderr, ME "cannot write the summary: %s\n", strerror(errno));
		rc = EXIT_FAIL;
	}
	for (int k = 0; k < sw.nruns; k++)
		cJSON_Delete(sw.runs[k].doc.root);
	free(sw.runs);
	return rc;
}

int report_main(int argc, char **argv)
{
	struct report_opts o = {0};
	int rc;

	o.files = calloc((size_t)argc + 1, sizeof(*o.files));
	if (!o.files) {
		fprintf(stderr, ME "out of memory\n");
		return EXIT_FAIL;
	}
	rc = parse_report(argc, argv, &o);
	if (rc)
		rc = rc > 0 ? EXIT_OK : EXIT_INPUT;
	else
		rc = o.sweep ? report_sweep(&o) : report_run(&o);
	free(o.files);
	return rc;
}
