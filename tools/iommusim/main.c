/*
 * iommusim: command-line front end, git-style subcommands.
 *
 *   iommusim run [--trace FILE] [--json OUT] [--records OUT.csv]
 *
 * Exit status: 0 success, 2 bad input (command line, trace, or a trace
 * operation the table builder rejects), 1 any other failure (memory,
 * writing an output). Every error is one line on stderr.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "convert.h"
#include "cosim.h"
#include "default_trace.h"
#include "driver.h"
#include "config.h"
#include "gen.h"
#include "plot.h"
#include "progress.h"
#include "report.h"
#include "trace.h"

#ifndef IOMMUSIM_VERSION
#define IOMMUSIM_VERSION "unknown"
#endif

#define EXIT_OK    0
#define EXIT_FAIL  1
#define EXIT_INPUT 2

#define DEFAULT_TRACE_NAME "default.trace"

static const char main_usage[] =
	"usage: iommusim <command> [options]\n"
	"       iommusim --help | --version\n"
	"\n"
	"Commands:\n"
	"  run    replay a DMA trace on the Intel VT-d (scalable mode) model and report\n"
	"  gen    write a seeded workload trace (nic, nvme, sva, window, vm)\n"
	"  convert text <-> binary traces, Linux ftrace text -> trace\n"
	"  report summarise, sweep and plot the JSON/CSV that run wrote (gnuplot)\n"
	"  cosim  replay on the model and the Verilated RTL in lock-step, compare\n"
	"\n"
	"Run 'iommusim <command> --help' for the options of a command.\n";

static const char run_usage[] =
	"usage: iommusim run [--trace FILE] [--config FILE] [--set SECTION.KEY=VALUE]...\n"
	"                    [--json OUT] [--records OUT.csv]\n"
	"\n"
	"Replays a trace (format: traces/format.md) on one Intel VT-d IOMMU model in\n"
	"scalable mode with its default configuration (caches, invalidation queue, ATS\n"
	"endpoints), checks every cached translation with the stale-translation oracle,\n"
	"and prints a summary.\n"
	"\n"
	"  --trace FILE        trace to replay, text or binary (by its first bytes),\n"
	"                      '-' for standard input\n"
	"                      (default: the built-in traces/default.trace)\n"
	"  --config FILE       configuration (INI, docs/config.md) over the defaults\n"
	"  --set S.K=V         one configuration key, after --config (repeatable),\n"
	"                      e.g. --set iotlb.ways=16 --set iotlb.replacement=lru\n"
	"  --json OUT          write the statistics as JSON, '-' for standard output\n"
	"  --records OUT.csv   write one CSV row per DMA request, '-' for standard output\n"
	"  -h, --help          show this help\n"
	"\n"
	"When --json or --records writes to standard output, the summary is not printed.\n"
	"CSV rows are written as requests complete. On a terminal, a run longer than a\n"
	"second shows a progress line on standard error.\n"
	"Exit status: 0 success, 2 bad input (option, trace), 1 other failure.\n";

#define RUN_OPTIONS                                                                                \
	"--trace FILE, --config FILE, --set S.K=V, --json OUT, --records OUT.csv or --help"
#define RUN_MAX_SETS 64

struct run_opts {
	const char *trace;
	const char *json;
	const char *records;
	const char *config;
	const char *sets[RUN_MAX_SETS];
	int nsets;
};

/* Takes the value of option name from argv[*i] ("--x=V") or argv[*i + 1]. */
static int option_value(int argc, char **argv, int *i, const char *name, const char *what,
			const char **out)
{
	const char *arg = argv[*i];
	size_t n = strlen(name);
	const char *v;

	if (arg[n] == '=') {
		v = arg + n + 1;
	} else if (*i + 1 < argc) {
		v = argv[++*i];
	} else {
		fprintf(stderr, "iommusim run: %s: value missing, expected %s %s\n", name, name,
			what);
		return -1;
	}
	if (!*v) {
		fprintf(stderr, "iommusim run: %s: empty value, expected %s %s\n", name, name,
			what);
		return -1;
	}
	if (*out) {
		fprintf(stderr, "iommusim run: %s: given twice, expected it at most once\n", name);
		return -1;
	}
	*out = v;
	return 0;
}

static bool is_option(const char *arg, const char *name)
{
	size_t n = strlen(name);

	return !strncmp(arg, name, n) && (arg[n] == '\0' || arg[n] == '=');
}

/* 0: run; 1: help printed; -1: error printed. */
static int parse_run(int argc, char **argv, struct run_opts *o)
{
	for (int i = 0; i < argc; i++) {
		const char *arg = argv[i];
		int rc = 0;

		if (!strcmp(arg, "-h") || !strcmp(arg, "--help")) {
			fputs(run_usage, stdout);
			return 1;
		} else if (is_option(arg, "--trace")) {
			rc = option_value(argc, argv, &i, "--trace", "FILE", &o->trace);
		} else if (is_option(arg, "--json")) {
			rc = option_value(argc, argv, &i, "--json", "OUT", &o->json);
		} else if (is_option(arg, "--records")) {
			rc = option_value(argc, argv, &i, "--records", "OUT.csv", &o->records);
		} else if (is_option(arg, "--config")) {
			rc = option_value(argc, argv, &i, "--config", "FILE", &o->config);
		} else if (is_option(arg, "--set")) {
			if (o->nsets == RUN_MAX_SETS) {
				fprintf(stderr,
					"iommusim run: --set: more than %d, expected a --config "
					"file for that many keys\n",
					RUN_MAX_SETS);
				return -1;
			}
			rc = option_value(argc, argv, &i, "--set", "SECTION.KEY=VALUE",
					  &o->sets[o->nsets++]);
		} else if (arg[0] == '-' && arg[1]) {
			fprintf(stderr,
				"iommusim run: %s: unknown option, expected " RUN_OPTIONS "\n",
				arg);
			return -1;
		} else {
			fprintf(stderr,
				"iommusim run: %s: unexpected argument, expected " RUN_OPTIONS "\n",
				arg);
			return -1;
		}
		if (rc)
			return -1;
	}
	if (o->json && o->records && !strcmp(o->json, "-") && !strcmp(o->records, "-")) {
		fprintf(stderr,
			"iommusim run: --records: '-' is taken by --json, expected a file name\n");
		return -1;
	}
	return 0;
}

/* An output file, opened before the replay so that a bad path fails fast. */
struct output {
	const char *path; /* NULL: not requested */
	FILE *f;
	bool regular; /* a regular file: removed on failure (never /dev/null) */
};

static int output_open(struct output *out, const char *opt)
{
	struct stat st;

	if (!out->path)
		return 0;
	if (!strcmp(out->path, "-")) {
		out->f = stdout;
		return 0;
	}
	out->f = fopen(out->path, "w");
	if (!out->f) {
		fprintf(stderr,
			"iommusim run: %s: cannot write '%s': %s, expected a writable path\n", opt,
			out->path, strerror(errno));
		return -1;
	}
	out->regular = !fstat(fileno(out->f), &st) && S_ISREG(st.st_mode);
	return 0;
}

/* Closes the output; on failure removes a partly written file. */
static int output_close(struct output *out, bool keep)
{
	int rc = 0;

	if (!out->f || out->f == stdout)
		return out->f == stdout && fflush(stdout) ? -1 : 0;
	if (fclose(out->f))
		rc = -1;
	out->f = NULL;
	if ((!keep || rc) && out->regular)
		remove(out->path);
	return rc;
}

static int write_reports(const struct run_opts *o, struct output *json, struct output *csv,
			 const struct driver *d, const struct report_trace *t)
{
	if (!(json->f == stdout || csv->f == stdout) && report_text(stdout, d, t)) {
		fprintf(stderr, "iommusim run: cannot write the summary: %s\n", strerror(errno));
		return -1;
	}
	if (json->f && report_json(json->f, d, t)) {
		fprintf(stderr, "iommusim run: --json: cannot write '%s': %s\n", o->json,
			strerror(errno));
		return -1;
	}
	if (csv->f && fflush(csv->f)) {
		fprintf(stderr, "iommusim run: --records: cannot write '%s': %s\n", o->records,
			strerror(errno));
		return -1;
	}
	return 0;
}

/* Progress of the replay, every DRIVER_TICK_EVENTS events. */
struct run_progress {
	struct progress p;
	const struct trace_reader *r;
};

static void run_tick(void *ctx, const struct driver *d)
{
	struct run_progress *rp = ctx;
	const struct driver_summary *sum = driver_summary(d);

	progress_update(&rp->p, sum->events, sum->requests, trace_input_pos(rp->r));
}

/* Size of a regular file, 0 when unknown (a pipe, a terminal). */
static uint64_t file_size(FILE *f)
{
	struct stat st;

	return f && !fstat(fileno(f), &st) && S_ISREG(st.st_mode) ? (uint64_t)st.st_size : 0;
}

/* The --records sink: one CSV row per request as it completes. */
struct csv_sink {
	FILE *f;
	bool iommu; /* the iommu column (several IOMMUs) */
	int err;    /* errno of the first failed write, 0 */
};

static int csv_sink_row(void *ctx, const struct driver_record *rec)
{
	struct csv_sink *s = ctx;

	if (report_csv_row(s->f, rec, s->iommu)) {
		s->err = errno ? errno : EIO;
		return -1;
	}
	return 0;
}

static int cmd_run(int argc, char **argv)
{
	struct run_opts o = {0};
	struct output json = {0}, csv = {0};
	struct report_trace t = {DEFAULT_TRACE_NAME, true};
	struct sim_config cfg;
	char err[512];
	struct trace_reader *r = NULL;
	struct driver *d = NULL;
	struct csv_sink sink = {0};
	struct run_progress prog = {0};
	FILE *in = NULL;
	const char *why;
	int status = EXIT_FAIL, rc;

	rc = parse_run(argc, argv, &o);
	if (rc)
		return rc > 0 ? EXIT_OK : EXIT_INPUT;

	if (o.trace) {
		t.builtin = false;
		t.file = strcmp(o.trace, "-") ? o.trace : "<stdin>";
		in = strcmp(o.trace, "-") ? fopen(o.trace, "r") : stdin;
		if (!in) {
			fprintf(stderr,
				"iommusim run: --trace: cannot open '%s': %s, expected a readable "
				"trace file\n",
				o.trace, strerror(errno));
			return EXIT_INPUT;
		}
		r = trace_open_file(in, t.file);
	} else {
		r = trace_open_mem((const char *)iommusim_default_trace, iommusim_default_trace_len,
				   t.file);
	}
	json.path = o.json;
	csv.path = o.records;
	if (!r) {
		fprintf(stderr, "iommusim run: out of memory\n");
		goto out;
	}
	if (output_open(&json, "--json") || output_open(&csv, "--records")) {
		status = EXIT_INPUT;
		goto out;
	}

	config_default(&cfg);
	if (o.config && config_load(&cfg, o.config, err, sizeof(err))) {
		fprintf(stderr, "iommusim run: %s\n", err);
		status = EXIT_INPUT;
		goto out;
	}
	for (int i = 0; i < o.nsets; i++) {
		if (config_set(&cfg, o.sets[i], err, sizeof(err))) {
			fprintf(stderr, "iommusim run: %s\n", err);
			status = EXIT_INPUT;
			goto out;
		}
	}
	d = driver_create_timed(&cfg.mmu, &cfg.builder, &cfg.timing, &cfg.replay, &why);
	if (!d) {
		fprintf(stderr, "iommusim run: cannot set up the model: %s\n", why);
		goto out;
	}
	if (csv.f) {
		sink.f = csv.f;
		sink.iommu = cfg.replay.iommus > 1;
		errno = 0;
		if (report_csv_begin(csv.f, cfg.replay.iommus > 1))
			sink.err = errno ? errno : EIO;
		driver_set_record_sink(d, csv_sink_row, &sink);
	}
	progress_init(&prog.p, stderr, file_size(in));
	prog.r = r;
	driver_set_tick(d, run_tick, &prog);
	rc = sink.err ? 0 : driver_replay(d, r);
	progress_end(&prog.p);
	if (rc && !sink.err) {
		fprintf(stderr, "%s\n", driver_error(d));
		status = EXIT_INPUT;
		goto out;
	}
	if (sink.err) {
		fprintf(stderr, "iommusim run: --records: cannot write '%s': %s\n", o.records,
			strerror(sink.err));
		goto out;
	}
	if (write_reports(&o, &json, &csv, d, &t))
		goto out;
	status = EXIT_OK;
out:
	if (output_close(&json, status == EXIT_OK) && status == EXIT_OK) {
		fprintf(stderr, "iommusim run: --json: cannot write '%s'\n", o.json);
		status = EXIT_FAIL;
	}
	if (output_close(&csv, status == EXIT_OK) && status == EXIT_OK) {
		fprintf(stderr, "iommusim run: --records: cannot write '%s'\n", o.records);
		status = EXIT_FAIL;
	}
	driver_destroy(d);
	trace_close(r);
	if (in && in != stdin)
		fclose(in);
	return status;
}

/* The RTL co-simulation is its own program (sim/, with the Verilated
 * block), installed next to this one: run it when it is there. --kernel
 * chooses it: direct (iommusim-cosim, the block clocked from C++) or
 * systemc (iommusim-cosim-sc, the SystemC program). */
static int cmd_cosim(int argc, char **argv)
{
	const char *prog = "iommusim-cosim";
	bool systemc = false;
	int n_args = 0;

	for (int i = 0; i < argc; i++) {
		if (i > 0 && !strcmp(argv[i], "--kernel")) {
			if (i + 1 >= argc) {
				fprintf(stderr, "iommusim cosim: --kernel: expected a value after "
						"it (direct or systemc)\n");
				return EXIT_INPUT;
			}
			if (!strcmp(argv[i + 1], "systemc")) {
				systemc = true;
				prog = "iommusim-cosim-sc";
			} else if (strcmp(argv[i + 1], "direct")) {
				fprintf(stderr,
					"iommusim cosim: --kernel: '%s', expected direct or "
					"systemc\n",
					argv[i + 1]);
				return EXIT_INPUT;
			}
			i++;
			continue;
		}
		argv[n_args++] = argv[i];
	}
	argv[n_args] = NULL;
	argc = n_args;
#ifdef IOMMUSIM_HAVE_COSIM
	char self[4096], path[4200];
	ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);

	if (n > 0) {
		char *slash;

		self[n] = 0;
		slash = strrchr(self, '/');
		if (slash) {
			*slash = 0;
			snprintf(path, sizeof(path), "%s/%s", self, prog);
			if (access(path, X_OK) == 0) {
				argv[0] = path;
				execv(path, argv);
				fprintf(stderr, "iommusim cosim: cannot run %s: %s\n", path,
					strerror(errno));
				return EXIT_FAIL;
			}
		}
	}
#endif
	if (systemc) {
		fprintf(stderr,
			"iommusim cosim: --kernel systemc: no program %s here (built "
			"with -DIOMMUSIM_BUILD_RTL=ON -DIOMMUSIM_BUILD_SIM=ON)\n",
			prog);
		return EXIT_INPUT;
	}
	return cosim_main(argc, argv, NULL);
}

int main(int argc, char **argv)
{
	const char *cmd = argc > 1 ? argv[1] : NULL;

	if (!cmd) {
		fprintf(stderr, "iommusim: no command given, expected run, gen, convert or report "
				"(see iommusim --help)\n");
		return EXIT_INPUT;
	}
	if (!strcmp(cmd, "-h") || !strcmp(cmd, "--help")) {
		fputs(main_usage, stdout);
		return EXIT_OK;
	}
	if (!strcmp(cmd, "--version")) {
		printf("iommusim %s\n", IOMMUSIM_VERSION);
		return EXIT_OK;
	}
	if (!strcmp(cmd, "run"))
		return cmd_run(argc - 2, argv + 2);
	if (!strcmp(cmd, "gen"))
		return gen_main(argc - 1, argv + 1);
	if (!strcmp(cmd, "convert"))
		return convert_main(argc - 1, argv + 1);
	if (!strcmp(cmd, "report"))
		return report_main(argc - 1, argv + 1);
	if (!strcmp(cmd, "cosim"))
		return cmd_cosim(argc - 1, argv + 1);
	if (cmd[0] == '-')
		fprintf(stderr,
			"iommusim: %s: unknown option, expected a command (run, gen, convert, "
			"report), --help or "
			"--version\n",
			cmd);
	else
		fprintf(stderr,
			"iommusim: %s: unknown command, expected run, gen, convert or report (see "
			"iommusim --help)\n",
			cmd);
	return EXIT_INPUT;
}
