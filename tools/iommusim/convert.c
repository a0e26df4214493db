/*
 * iommusim convert: reads a trace in one form and writes it in another,
 * event by event (nothing is kept but the current event, so any length
 * converts in constant memory; ftrace input keeps the ranges mapped at a
 * time). The reader checks every event as `run` does, so a trace that
 * converts also parses; a conversion that fails removes its output file.
 */
#include "convert.h"

#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ftrace.h"
#include "iommu/mem.h"
#include "trace.h"
#include "trace_write.h"

#define EXIT_OK    0
#define EXIT_FAIL  1
#define EXIT_INPUT 2

#define DEFAULT_LEVEL 3

static const char convert_usage[] =
	"usage: iommusim convert [--from auto|text|bin|ftrace] [--to text|bin] IN [--out OUT]\n"
	"                        [--level N] [ftrace options]\n"
	"\n"
	"Converts a trace (traces/format.md) between the text form and the binary form\n"
	"(zstd-compressed records), or Linux ftrace text output into a trace. IN and OUT\n"
	"may be '-' for standard input / output.\n"
	"\n"
	"  --from FORM     auto (default: text or bin, by the file's first bytes), text,\n"
	"                  bin, or ftrace (the tracefs 'trace' file with iommu:map,\n"
	"                  iommu:unmap and intel_iommu:qi_submit events)\n"
	"  --to FORM       text (default; the canonical text form) or bin\n"
	"  --out OUT       output file (default: standard output; bin needs a file or a\n"
	"                  pipe)\n"
	"  --level N       zstd compression level of a binary trace, 1..19 (default 3)\n"
	"  -h, --help      show this help\n"
	"\n"
	"ftrace options (map/unmap events name no device or domain; all go to one):\n"
	"  --dev BB:DD.F   the device (default 00:01.0)\n"
	"  --pasid P       attach and issue DMA with PASID P (default: none, RID_PASID)\n"
	"  --type s1|s2    first-level (default, as Linux uses in scalable mode) or\n"
	"                  second-level translation\n"
	"  --did N         domain ID, the DID the kernel's qi_submit descriptors name\n"
	"                  (default 1)\n"
	"  --levels N      paging levels: s1 4|5, s2 3|4|5 (default 4)\n"
	"  --ghz G         cycles per nanosecond of the timestamps (default 1; up to 3\n"
	"                  decimals); integer timestamps (trace_clock counter, x86-tsc)\n"
	"                  are taken as cycles\n"
	"  --dma MODE      DMA synthesized over each mapped buffer right after its map:\n"
	"                  alt (default: write, read, write, ...), r, w or none\n"
	"  --qi-wait MODE  invalidation waits added: batch (default: one after each run of\n"
	"                  qi_submit lines, as qi_submit_sync appends one), each, none\n"
	"  --iommu NAME    convert the qi_submit lines of this unit (default: the first\n"
	"                  one seen, e.g. dmar0); others are skipped and counted\n"
	"\n"
	"Unknown ftrace events are skipped; a one-line summary goes to standard error.\n"
	"Exit status: 0 success, 2 bad input (option, trace), 1 other failure.\n";

#define CONVERT_OPTIONS                                                                            \
	"--from FORM, --to FORM, --out OUT, --level N, ftrace options (--dev, --pasid, --type, "   \
	"--did, --levels, --ghz, --dma, --qi-wait, --iommu) or --help"

enum from {
	FROM_AUTO,
	FROM_TEXT,
	FROM_BIN,
	FROM_FTRACE,
};

struct convert_opts {
	const char *in, *out, *from, *to, *level;
	const char *dev, *pasid, *type, *did, *levels, *ghz, *dma, *wait, *iommu;
};

__attribute__((format(printf, 1, 2))) static int usage_error(const char *fmt, ...)
{
	va_list ap;

	fputs("iommusim convert: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	return -1;
}

static bool is_option(const char *arg, const char *name)
{
	size_t n = strlen(name);

	return !strncmp(arg, name, n) && (arg[n] == '\0' || arg[n] == '=');
}

/* Option values, "--x=V" or "--x V". */
static int take(int argc, char **argv, int *i, const char *name, const char *what, const char **out)
{
	const char *arg = argv[*i], *v;
	size_t n = strlen(name);

	if (arg[n] == '=')
		v = arg + n + 1;
	else if (*i + 1 < argc)
		v = argv[++*i];
	else
		return usage_error("%s: value missing, expected %s %s", name, name, what);
	if (!*v)
		return usage_error("%s: empty value, expected %s %s", name, name, what);
	if (*out)
		return usage_error("%s: given twice, expected it at most once", name);
	*out = v;
	return 0;
}

static const struct {
	const char *name, *what;
	size_t off;
} options[] = {
	{"--from", "auto|text|bin|ftrace", offsetof(struct convert_opts, from)},
	{"--to", "text|bin", offsetof(struct convert_opts, to)},
	{"--out", "OUT", offsetof(struct convert_opts, out)},
	{"--level", "N (1..19)", offsetof(struct convert_opts, level)},
	{"--dev", "BB:DD.F", offsetof(struct convert_opts, dev)},
	{"--pasid", "P", offsetof(struct convert_opts, pasid)},
	{"--type", "s1|s2", offsetof(struct convert_opts, type)},
	{"--did", "N", offsetof(struct convert_opts, did)},
	{"--levels", "3|4|5", offsetof(struct convert_opts, levels)},
	{"--ghz", "G", offsetof(struct convert_opts, ghz)},
	{"--dma", "alt|r|w|none", offsetof(struct convert_opts, dma)},
	{"--qi-wait", "batch|each|none", offsetof(struct convert_opts, wait)},
	{"--iommu", "NAME", offsetof(struct convert_opts, iommu)},
};

/* 0: convert; 1: help printed; -1: error printed. */
static int parse_args(int argc, char **argv, struct convert_opts *o)
{
	for (int i = 1; i < argc; i++) {
		const char *arg = argv[i];
		size_t k;

		if (!strcmp(arg, "-h") || !strcmp(arg, "--help")) {
			fputs(convert_usage, stdout);
			return 1;
		}
		for (k = 0; k < sizeof(options) / sizeof(options[0]); k++)
			if (is_option(arg, options[k].name))
				break;
		if (k < sizeof(options) / sizeof(options[0])) {
			const char **slot = (const char **)((char *)o + options[k].off);

			if (take(argc, argv, &i, options[k].name, options[k].what, slot))
				return -1;
		} else if (arg[0] == '-' && arg[1]) {
			return usage_error("%s: unknown option, expected " CONVERT_OPTIONS, arg);
		} else if (o->in) {
			return usage_error("%s: unexpected argument, expected one input file "
					   "(IN given: '%s')",
					   arg, o->in);
		} else {
			o->in = arg;
		}
	}
	if (!o->in)
		return usage_error("input missing, expected iommusim convert [options] IN "
				   "[--out OUT]");
	return 0;
}

/* word as the index of one of n names, or an error naming the option. */
static int pick(const char *opt, const char *val, const char *const *names, unsigned n,
		const char *expect, int *out)
{
	for (unsigned i = 0; i < n; i++) {
		if (!strcmp(val, names[i])) {
			*out = (int)i;
			return 0;
		}
	}
	return usage_error("%s: '%s' is not valid, expected %s", opt, val, expect);
}

/* A decimal or 0x hex number in [lo, hi]. */
static int number(const char *opt, const char *val, uint64_t lo, uint64_t hi, const char *expect,
		  uint64_t *out)
{
	char *end;
	unsigned long long v;

	errno = 0;
	v = strtoull(val, &end, 0);
	if (*val == '-' || *val == '+' || *end || errno || v < lo || v > hi)
		return usage_error("%s: '%s' is not valid, expected %s", opt, val, expect);
	*out = v;
	return 0;
}

/* --ghz: a decimal with up to 3 fraction digits, > 0, into milli-GHz. */
static int parse_ghz(const char *val, uint64_t *milli)
{
	const char *p = val;
	uint64_t v = 0;
	unsigned frac = 0;
	bool dot = false, digit = false;

	for (; *p; p++) {
		if (*p == '.' && !dot) {
			dot = true;
			continue;
		}
		if (*p < '0' || *p > '9' || (dot && frac == 3) || v > 1000000000ull)
			goto bad;
		v = v * 10 + (uint64_t)(*p - '0');
		digit = true;
		frac += dot;
	}
	for (; frac < 3; frac++)
		v *= 10;
	if (!digit || !v)
		goto bad;
	*milli = v;
	return 0;
bad:
	return usage_error("--ghz: '%s' is not valid, expected a frequency in GHz above 0, up "
			   "to 3 decimals (e.g. 2.5)",
			   val);
}

static int parse_bdf(const char *val, uint16_t *sid)
{
	unsigned bus, dev, fn;
	char tail;

	if (sscanf(val, "%2x:%2x.%1x%c", &bus, &dev, &fn, &tail) != 3 || strlen(val) != 7 ||
	    dev > 0x1f || fn > 7)
		return usage_error("--dev: '%s' is not valid, expected BB:DD.F in hex (bus 00-ff, "
				   "device 00-1f, function 0-7)",
				   val);
	*sid = (uint16_t)(bus << 8 | dev << 3 | fn);
	return 0;
}

static int ftrace_options(const struct convert_opts *o, struct ftrace_opts *f)
{
	static const char *const types[] = {"s1", "s2"};
	static const char *const dmas[] = {"alt", "r", "w", "none"};
	static const char *const waits[] = {"batch", "each", "none"};
	uint64_t v;
	int k = 0;

	ftrace_opts_default(f);
	if (o->dev && parse_bdf(o->dev, &f->sid))
		return -1;
	if (o->pasid) {
		if (number("--pasid", o->pasid, 0, 0xfffff, "a PASID 0..0xfffff", &v))
			return -1;
		f->has_pasid = true;
		f->pasid = (uint32_t)v;
	}
	if (o->type) {
		if (pick("--type", o->type, types, 2, "s1 or s2", &k))
			return -1;
		f->stage = k ? TRACE_STAGE_S2 : TRACE_STAGE_S1;
	}
	if (o->did) {
		if (number("--did", o->did, 1, 0xffff, "a domain ID 1..65535", &v))
			return -1;
		f->did = (unsigned)v;
	}
	if (o->levels) {
		uint64_t lo = f->stage == TRACE_STAGE_S1 ? 4 : 3;

		if (number("--levels", o->levels, lo, 5,
			   f->stage == TRACE_STAGE_S1 ? "4 or 5 with --type s1" : "3, 4 or 5", &v))
			return -1;
		f->levels = (unsigned)v;
	}
	if (o->ghz && parse_ghz(o->ghz, &f->milli_ghz))
		return -1;
	if (o->dma) {
		if (pick("--dma", o->dma, dmas, 4, "alt, r, w or none", &k))
			return -1;
		f->dma = (enum ftrace_dma)k;
	}
	if (o->wait) {
		if (pick("--qi-wait", o->wait, waits, 3, "batch, each or none", &k))
			return -1;
		f->wait = (enum ftrace_wait)k;
	}
	f->iommu = o->iommu;
	return 0;
}

/* The first ftrace option given, NULL when none. */
static const char *ftrace_option_given(const struct convert_opts *o)
{
	const char *const given[] = {o->dev, o->pasid, o->type, o->did,  o->levels,
				     o->ghz, o->dma,   o->wait, o->iommu};

	for (size_t i = 0; i < sizeof(given) / sizeof(given[0]); i++)
		if (given[i])
			return options[4 + i].name;
	return NULL;
}

/* Only a regular file is removed after a failure (never /dev/null). */
static bool is_regular(FILE *f)
{
	struct stat st;

	return !fstat(fileno(f), &st) && S_ISREG(st.st_mode);
}

/* Whether path names the file in is reading (checked before path is
 * opened for writing, which would empty it). */
static bool same_file(FILE *in, const char *path)
{
	struct stat si, so;

	return !fstat(fileno(in), &si) && !stat(path, &so) && S_ISREG(si.st_mode) &&
	       si.st_dev == so.st_dev && si.st_ino == so.st_ino;
}

int convert_main(int argc, char **argv)
{
	static const char *const froms[] = {"auto", "text", "bin", "ftrace"};
	static const char *const tos[] = {"text", "bin"};
	struct convert_opts o = {0};
	struct ftrace_opts fo;
	enum trace_format to = TRACE_FORMAT_TEXT;
	int from = FROM_AUTO, k = 0, rc, status = EXIT_INPUT;
	uint64_t level = DEFAULT_LEVEL;
	const char *in_name, *out_name, *opt;
	bool created = false; /* out_name is a regular file this run wrote */
	FILE *in = NULL, *out = NULL;
	struct trace_reader *tr = NULL;
	struct ftrace_reader *fr = NULL;
	struct trace_writer *w = NULL;
	struct trace_event ev;
	char line[1024];

	rc = parse_args(argc, argv, &o);
	if (rc)
		return rc > 0 ? EXIT_OK : EXIT_INPUT;
	if (o.from && pick("--from", o.from, froms, 4, "auto, text, bin or ftrace", &from))
		return EXIT_INPUT;
	if (o.to) {
		if (pick("--to", o.to, tos, 2, "text or bin", &k))
			return EXIT_INPUT;
		to = k ? TRACE_FORMAT_BIN : TRACE_FORMAT_TEXT;
	}
	if (o.level && number("--level", o.level, 1, 19, "a zstd level 1..19", &level))
		return EXIT_INPUT;
	if (o.level && to != TRACE_FORMAT_BIN) {
		usage_error("--level: only a binary trace is compressed, expected --to bin");
		return EXIT_INPUT;
	}
	opt = ftrace_option_given(&o);
	if (opt && from != FROM_FTRACE) {
		usage_error("%s: an ftrace option, expected --from ftrace with it", opt);
		return EXIT_INPUT;
	}
	if (from == FROM_FTRACE && ftrace_options(&o, &fo))
		return EXIT_INPUT;

	in_name = strcmp(o.in, "-") ? o.in : "<stdin>";
	out_name = o.out && strcmp(o.out, "-") ? o.out : NULL;
	in = strcmp(o.in, "-") ? fopen(o.in, "r") : stdin;
	if (!in) {
		usage_error("cannot open '%s': %s, expected a readable %s file", o.in,
			    strerror(errno), from == FROM_FTRACE ? "ftrace" : "trace");
		return EXIT_INPUT;
	}
	if (!out_name && to == TRACE_FORMAT_BIN && isatty(STDOUT_FILENO)) {
		usage_error("--out: standard output is a terminal, expected a file or a pipe for "
			    "--to bin");
		goto out;
	}
	if (out_name && same_file(in, out_name)) {
		usage_error("--out: '%s' is the input file, expected another file", out_name);
		goto out;
	}
	out = out_name ? fopen(out_name, "wb") : stdout;
	if (!out) {
		usage_error("--out: cannot write '%s': %s, expected a writable path", out_name,
			    strerror(errno));
		goto out;
	}
	created = out_name && is_regular(out);

	if (from == FROM_FTRACE) {
		fr = ftrace_open(in, in_name, &fo);
	} else {
		tr = trace_open_file(in, in_name);
		if (tr)
			trace_expect_format(tr, from == FROM_TEXT  ? TRACE_FORMAT_TEXT
						: from == FROM_BIN ? TRACE_FORMAT_BIN
								   : TRACE_FORMAT_AUTO);
	}
	w = trace_writer_open(out, to, (int)level);
	if ((!fr && !tr) || !w) {
		usage_error("out of memory");
		status = EXIT_FAIL;
		goto out;
	}
	if (fr) {
		ftrace_describe(fr, line, sizeof(line));
		trace_writer_comment(w, line);
	}
	while ((rc = fr ? ftrace_next(fr, &ev) : trace_next(tr, &ev)) > 0)
		if (trace_writer_put(w, &ev))
			break;
	if (rc < 0) {
		fprintf(stderr, "%s\n", fr ? ftrace_error(fr) : trace_error(tr));
		status = rc == -IOMMU_ENOMEM ? EXIT_FAIL : EXIT_INPUT;
		goto out;
	}
	if (trace_writer_finish(w) || (out_name && fclose(out))) {
		if (out_name)
			out = NULL; /* closed (or failed to) */
		usage_error("--out: cannot write '%s': %s", out_name ? out_name : "<stdout>",
			    trace_writer_error(w)[0] ? trace_writer_error(w) : strerror(errno));
		status = EXIT_FAIL;
		goto out;
	}
	if (out_name)
		out = NULL;
	if (fr) {
		ftrace_summary(fr, line, sizeof(line));
		fprintf(stderr, "iommusim convert: %s\n", line);
	}
	status = EXIT_OK;
out:
	if (out && out != stdout)
		fclose(out);
	if (status != EXIT_OK && created)
		remove(out_name);
	trace_writer_free(w);
	trace_close(tr);
	ftrace_close(fr);
	if (in && in != stdin)
		fclose(in);
	return status;
}
