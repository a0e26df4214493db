/*
 * Linux ftrace text to trace events (see ftrace.h and traces/format.md).
 *
 * The formats are the kernel's TP_printk strings:
 *   iommu:map              "IOMMU: iova=0x%016llx - 0x%016llx paddr=0x%016llx size=%zu"
 *   iommu:unmap            "IOMMU: iova=0x%016llx - 0x%016llx size=%zu unmapped_size=%zu"
 *   intel_iommu:qi_submit  "%s %s: 0x%llx 0x%llx 0x%llx 0x%llx"  (type name, unit, Q0..Q3)
 * (older kernels print map and unmap without the "- end" part; both are read.)
 * The ftrace "trace" file prefixes each with "TASK-PID [CPU] FLAGS TIMESTAMP: NAME: ".
 *
 * The converter keeps the IOVA ranges mapped at the moment (sorted, one
 * entry per map line) so that an unmap only removes what the trace mapped:
 * ranges mapped before tracing started are skipped and counted, a map over a
 * range that is still mapped is an error (events were lost).
 */
#include "ftrace.h"

#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "iommu/mem.h"
#include "trace_internal.h"

#define MAX_NAMES 8 /* skipped event names listed in the summary */

#define MAP_USAGE   "'IOMMU: iova=0x... - 0x... paddr=0x... size=N'"
#define UNMAP_USAGE "'IOMMU: iova=0x... - 0x... size=N unmapped_size=N'"
#define QI_USAGE    "'TYPE IOMMU: 0xQ0 0xQ1 0xQ2 0xQ3'"
#define LINE_USAGE  "'TASK-PID [CPU] FLAGS TIMESTAMP: EVENT: PAYLOAD' or a # comment"

/* An IOVA range [s, e) mapped by the map event at line. */
struct range {
	uint64_t s, e, line;
};

struct skipped {
	char name[40];
	uint64_t n;
};

struct ftrace_reader {
	FILE *f;
	struct ftrace_opts o;
	char iommu[40]; /* the unit whose qi_submit lines are converted */
	char *line;
	size_t cap;
	uint64_t lineno;
	bool failed, done, setup;
	/* time */
	bool have_base, counter;
	uint64_t base, last; /* ns, or counter ticks */
	uint64_t cycle;      /* of the last event queued */
	/* events read but not handed out yet */
	struct trace_event *q;
	size_t qhead, qlen, qcap;
	bool qi_open;      /* qi events since the last wait */
	uint64_t qi_cycle; /* cycle of the last qi event */
	/* IOVA ranges mapped now, sorted */
	struct range *rg;
	size_t nrg, caprg;
	/* counts */
	uint64_t n_map, n_unmap, n_qi, n_events, n_dma, n_wait;
	uint64_t n_untracked, untracked_bytes, n_other_unit;
	uint64_t n_lost_markers, lost_events;
	uint64_t n_other_did; /* IOTLB/PASID-cache invalidations of another DID */
	unsigned other_did;
	uint64_t n_skipped, skipped_other;
	struct skipped sk[MAX_NAMES];
	char err[512];
	char name[];
};

void ftrace_opts_default(struct ftrace_opts *o)
{
	*o = (struct ftrace_opts){
		.sid = 0x0008, /* 00:01.0 */
		.stage = TRACE_STAGE_S1,
		.did = 1,
		.levels = 4,
		.milli_ghz = 1000,
		.dma = FTRACE_DMA_ALT,
		.wait = FTRACE_WAIT_BATCH,
	};
}

__attribute__((format(printf, 2, 3))) static int fail(struct ftrace_reader *r, const char *fmt, ...)
{
	char where[sizeof(r->err)];
	va_list ap;

	snprintf(where, sizeof(where), "%s:%" PRIu64, r->name, r->lineno ? r->lineno : 1);
	va_start(ap, fmt);
	trace_vmessage(r->err, sizeof(r->err), where, fmt, ap);
	va_end(ap);
	r->failed = true;
	return -IOMMU_EINVAL;
}

#define quote    trace_quote
#define is_space trace_is_space

/* ---- lexical helpers --------------------------------------------------- */

static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static char *next_token(char **cur)
{
	char *p = *cur, *tok;

	while (*p && is_space(*p))
		p++;
	if (!*p) {
		*cur = p;
		return NULL;
	}
	tok = p;
	while (*p && !is_space(*p))
		p++;
	if (*p)
		*p++ = '\0';
	*cur = p;
	return tok;
}

/* A number, decimal or 0x hex (hex = true: 0x required): 0, -EINVAL, -ERANGE. */
static int parse_num(const char *s, bool hex, uint64_t *out)
{
	unsigned base = 10;
	uint64_t v = 0;

	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		base = 16;
		s += 2;
	} else if (hex) {
		return -IOMMU_EINVAL;
	}
	if (!*s)
		return -IOMMU_EINVAL;
	for (; *s; s++) {
		unsigned d;

		if (is_digit(*s))
			d = (unsigned)(*s - '0');
		else if (base == 16 && *s >= 'a' && *s <= 'f')
			d = (unsigned)(*s - 'a' + 10);
		else if (base == 16 && *s >= 'A' && *s <= 'F')
			d = (unsigned)(*s - 'A' + 10);
		else
			return -IOMMU_EINVAL;
		if (v > (UINT64_MAX - d) / base)
			return -IOMMU_ERANGE;
		v = v * base + d;
	}
	*out = v;
	return 0;
}

/* ---- output queue ------------------------------------------------------ */

static struct trace_event *push(struct ftrace_reader *r, enum trace_op op)
{
	struct trace_event *ev;

	if (r->qlen == r->qcap) {
		size_t cap = r->qcap ? 2 * r->qcap : 16;
		struct trace_event *p = realloc(r->q, cap * sizeof(*p));

		if (!p)
			return NULL;
		r->q = p;
		r->qcap = cap;
	}
	ev = &r->q[r->qlen++];
	memset(ev, 0, sizeof(*ev));
	ev->op = op;
	ev->line = r->lineno;
	ev->cycle = r->cycle;
	return ev;
}

static int nomem(struct ftrace_reader *r)
{
	snprintf(r->err, sizeof(r->err), "%s:%" PRIu64 ": out of memory", r->name, r->lineno);
	r->failed = true;
	return -IOMMU_ENOMEM;
}

/* The invalidation wait that ends a run of qi events (batch mode). */
static int close_batch(struct ftrace_reader *r)
{
	struct trace_event *ev;

	if (!r->qi_open)
		return 0;
	r->qi_open = false;
	ev = push(r, TRACE_OP_WAIT);
	if (!ev)
		return nomem(r);
	ev->cycle = r->qi_cycle; /* submitted with the descriptors */
	r->n_wait++;
	return 0;
}

static int setup(struct ftrace_reader *r)
{
	struct trace_event *d = push(r, TRACE_OP_DOMAIN), *a;

	if (!d)
		return nomem(r);
	d->line = 0;
	d->u.domain =
		(struct trace_domain){.id = r->o.did, .stage = r->o.stage, .levels = r->o.levels};
	a = push(r, TRACE_OP_ATTACH);
	if (!a)
		return nomem(r);
	a->line = 0;
	a->u.attach = (struct trace_attach){
		.ep = {.sid = r->o.sid, .has_pasid = r->o.has_pasid, .pasid = r->o.pasid},
		.type = r->o.stage == TRACE_STAGE_S1 ? TRACE_XLATE_S1 : TRACE_XLATE_S2,
		.devtlb_sets = TRACE_DEVTLB_SETS,
		.devtlb_ways = TRACE_DEVTLB_WAYS,
		.respond = true,
	};
	if (r->o.stage == TRACE_STAGE_S1) {
		a->u.attach.s1 = r->o.did;
		a->u.attach.sre = a->u.attach.ere = a->u.attach.wpe = a->u.attach.nxe = true;
	} else {
		a->u.attach.s2 = r->o.did;
	}
	r->setup = true;
	return 0;
}

/* ---- time -------------------------------------------------------------- */

/* "SECONDS.FRACTION" (up to 9 fraction digits) in ns, or an integer
 * counter; sets *counter. */
static int parse_time(const char *ts, uint64_t *v, bool *counter)
{
	const char *dot = strchr(ts, '.');
	uint64_t sec = 0, frac = 0;
	size_t nint = dot ? (size_t)(dot - ts) : strlen(ts), nfrac = dot ? strlen(dot + 1) : 0;

	if (!nint || (dot && (!nfrac || nfrac > 9)))
		return -IOMMU_EINVAL;
	for (size_t i = 0; i < nint; i++) {
		if (!is_digit(ts[i]))
			return -IOMMU_EINVAL;
		if (sec > (UINT64_MAX - 9) / 10)
			return -IOMMU_ERANGE;
		sec = sec * 10 + (uint64_t)(ts[i] - '0');
	}
	for (size_t i = 0; i < 9; i++) {
		if (i < nfrac && !is_digit(dot[1 + i]))
			return -IOMMU_EINVAL;
		frac = frac * 10 + (i < nfrac ? (uint64_t)(dot[1 + i] - '0') : 0);
	}
	*counter = !dot;
	if (*counter) {
		*v = sec;
		return 0;
	}
	if (sec > (UINT64_MAX - frac) / 1000000000u)
		return -IOMMU_ERANGE;
	*v = sec * 1000000000u + frac;
	return 0;
}

/* The cycle of an event at timestamp ts: cycle 0 is the first converted
 * event; --ghz scales nanoseconds, a counter is taken as cycles. */
static int event_cycle(struct ftrace_reader *r, const char *ts)
{
	uint64_t v, d, m = r->o.milli_ghz;
	bool counter;
	int rc = parse_time(ts, &v, &counter);

	if (rc == -IOMMU_ERANGE)
		return fail(r, "timestamp: %s overflows 64 bits, expected a smaller time",
			    quote(ts).s);
	if (rc)
		return fail(r,
			    "timestamp: %s is not a time, expected SECONDS.FRACTION (up to 9 "
			    "fraction digits) or an integer counter",
			    quote(ts).s);
	if (!r->have_base) {
		r->have_base = true;
		r->counter = counter;
		r->base = r->last = v;
	}
	if (counter != r->counter)
		return fail(r,
			    "timestamp: %s mixes %s, expected every timestamp in one trace "
			    "clock's format",
			    quote(ts).s,
			    counter ? "a counter with seconds" : "seconds with a counter");
	if (v < r->last)
		return fail(r,
			    "timestamp: %s is before the previous converted event, expected "
			    "non-decreasing time",
			    quote(ts).s);
	r->last = v;
	d = v - r->base;
	if (counter) {
		r->cycle = d;
		return 0;
	}
	/* d * m / 1000 without overflowing in between. */
	if (d / 1000 > UINT64_MAX / m || (d / 1000) * m > UINT64_MAX - (d % 1000) * m / 1000)
		return fail(r,
			    "timestamp: %s is too far from the first event at --ghz, "
			    "expected a shorter trace or a lower --ghz",
			    quote(ts).s);
	r->cycle = (d / 1000) * m + (d % 1000) * m / 1000;
	return 0;
}

/* ---- IOVA ranges ------------------------------------------------------- */

/* First range that ends after a. */
static size_t range_find(const struct ftrace_reader *r, uint64_t a)
{
	size_t lo = 0, hi = r->nrg;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (r->rg[mid].e > a)
			hi = mid;
		else
			lo = mid + 1;
	}
	return lo;
}

static int range_insert(struct ftrace_reader *r, size_t i, struct range g)
{
	if (r->nrg == r->caprg) {
		size_t cap = r->caprg ? 2 * r->caprg : 64;
		struct range *p = realloc(r->rg, cap * sizeof(*p));

		if (!p)
			return -1;
		r->rg = p;
		r->caprg = cap;
	}
	memmove(&r->rg[i + 1], &r->rg[i], (r->nrg - i) * sizeof(r->rg[0]));
	r->rg[i] = g;
	r->nrg++;
	return 0;
}

static void range_remove(struct ftrace_reader *r, size_t i)
{
	memmove(&r->rg[i], &r->rg[i + 1], (r->nrg - i - 1) * sizeof(r->rg[0]));
	r->nrg--;
}

/* ---- payloads ---------------------------------------------------------- */

/* "IOMMU: key=value ... [- END]": the values of keys[] (NULL when absent)
 * and the token after "-" (NULL). Keys the converter does not use are
 * ignored (later kernels may add some). */
static int parse_kv(struct ftrace_reader *r, const char *ev, char *payload,
		    const char *const keys[], unsigned nkeys, char *vals[], char **end,
		    const char *usage)
{
	char *rest = payload, *tok = next_token(&rest);

	*end = NULL;
	for (unsigned i = 0; i < nkeys; i++)
		vals[i] = NULL;
	if (!tok || strcmp(tok, "IOMMU:"))
		return fail(r, "%s: %s is not the %s format, expected %s", ev,
			    quote(tok ? tok : "").s, ev, usage);
	while ((tok = next_token(&rest))) {
		char *eq = strchr(tok, '=');

		if (!strcmp(tok, "-")) {
			*end = next_token(&rest);
			if (!*end)
				return fail(r, "%s: nothing after '-', expected %s", ev, usage);
			continue;
		}
		if (!eq)
			return fail(r, "%s: %s is not key=value, expected %s", ev, quote(tok).s,
				    usage);
		*eq = '\0';
		for (unsigned i = 0; i < nkeys; i++) {
			if (strcmp(tok, keys[i]))
				continue;
			if (vals[i])
				return fail(r, "%s: %s= given twice, expected %s", ev, tok, usage);
			vals[i] = eq + 1;
		}
	}
	for (unsigned i = 0; i < nkeys; i++)
		if (!vals[i])
			return fail(r, "%s: %s= is missing, expected %s", ev, keys[i], usage);
	return 0;
}

/* The value of key (hex: 0x required) into *v. */
static int kv_num(struct ftrace_reader *r, const char *ev, const char *key, const char *val,
		  bool hex, uint64_t *v)
{
	int rc = parse_num(val, hex, v);

	if (rc == -IOMMU_ERANGE)
		return fail(r, "%s: %s: %s overflows 64 bits, expected a 64-bit value", ev, key,
			    quote(val).s);
	if (rc)
		return fail(r, "%s: %s: %s is not a number, expected %s", ev, key, quote(val).s,
			    hex ? "0x hex" : "a decimal byte count");
	return 0;
}

/* iova, size (and end when printed) of a map or unmap line. */
static int check_extent(struct ftrace_reader *r, const char *ev, uint64_t iova, uint64_t size,
			const char *end)
{
	uint64_t e;

	if (iova & (IOMMU_PAGE_SIZE - 1))
		return fail(r,
			    "%s: iova 0x%" PRIx64 " is not 4 KiB aligned, expected a 4 KiB "
			    "aligned IOVA",
			    ev, iova);
	if (size & (IOMMU_PAGE_SIZE - 1))
		return fail(r,
			    "%s: size %" PRIu64 " is not a multiple of 4096, expected whole "
			    "4 KiB pages",
			    ev, size);
	if (size - 1 > UINT64_MAX - iova && size)
		return fail(r,
			    "%s: iova 0x%" PRIx64 " + size %" PRIu64 " passes 2^64, "
			    "expected a range below 2^64",
			    ev, iova, size);
	if (end) {
		if (kv_num(r, ev, "end", end, true, &e))
			return -IOMMU_EINVAL;
		if (e != iova + size)
			return fail(r,
				    "%s: end 0x%" PRIx64 " is not iova + size, expected 0x%" PRIx64,
				    ev, e, iova + size);
	}
	return 0;
}

static int on_map(struct ftrace_reader *r, char *payload)
{
	static const char *const keys[] = {"iova", "paddr", "size"};
	const unsigned bits = 12 + 9 * r->o.levels;
	char *vals[3], *end;
	uint64_t iova, pa, size;
	struct trace_event *ev;
	size_t i;

	if (parse_kv(r, "map", payload, keys, 3, vals, &end, MAP_USAGE) ||
	    kv_num(r, "map", "iova", vals[0], true, &iova) ||
	    kv_num(r, "map", "paddr", vals[1], true, &pa) ||
	    kv_num(r, "map", "size", vals[2], false, &size) ||
	    check_extent(r, "map", iova, size, end))
		return -IOMMU_EINVAL;
	if (!size)
		return fail(r, "map: size 0 is empty, expected at least 4096 bytes");
	if (pa & (IOMMU_PAGE_SIZE - 1))
		return fail(r,
			    "map: paddr 0x%" PRIx64 " is not 4 KiB aligned, expected a 4 KiB "
			    "aligned physical address",
			    pa);
	if (size - 1 > UINT64_MAX - pa)
		return fail(r,
			    "map: paddr 0x%" PRIx64 " + size passes 2^64, expected a range "
			    "below 2^64",
			    pa);
	if ((iova + (size - 1)) >> bits)
		return fail(r,
			    "map: 0x%" PRIx64 "-0x%" PRIx64 " is beyond the %u-bit address space "
			    "of a %u-level domain, expected an IOVA below 2^%u (or more --levels)",
			    iova, iova + (size - 1), bits, r->o.levels, bits);
	i = range_find(r, iova);
	if (i < r->nrg && r->rg[i].s < iova + size)
		return fail(r,
			    "map: 0x%" PRIx64 "-0x%" PRIx64 " overlaps 0x%" PRIx64 "-0x%" PRIx64
			    " mapped at line %" PRIu64 " and not unmapped since, expected a free "
			    "IOVA range (events lost?)",
			    iova, iova + (size - 1), r->rg[i].s, r->rg[i].e - 1, r->rg[i].line);
	if (range_insert(r, i, (struct range){iova, iova + size, r->lineno}) || close_batch(r))
		return nomem(r);
	ev = push(r, TRACE_OP_MAP);
	if (!ev)
		return nomem(r);
	/* Linux maps DMA buffers read/write, not executable, and user (U/S)
	 * at the first level, where requests without PASID are user requests. */
	ev->u.map = (struct trace_map){.dom = r->o.did,
				       .iova = iova,
				       .pa = pa,
				       .size = size,
				       .perm = TRACE_PERM_R | TRACE_PERM_W,
				       .user = r->o.stage == TRACE_STAGE_S1};
	r->n_map++;
	if (r->o.dma == FTRACE_DMA_NONE)
		return 0;
	ev = push(r, TRACE_OP_DMA);
	if (!ev)
		return nomem(r);
	ev->u.dma = (struct trace_dma){
		.ep = {.sid = r->o.sid, .has_pasid = r->o.has_pasid, .pasid = r->o.pasid},
		.addr = iova,
		.size = size,
		.op = r->o.dma == FTRACE_DMA_R   ? TRACE_ACC_R
		      : r->o.dma == FTRACE_DMA_W ? TRACE_ACC_W
		      : r->n_dma % 2             ? TRACE_ACC_R
						 : TRACE_ACC_W,
	};
	r->n_dma++;
	return 0;
}

/* Queues an unmap of [s, e). */
static int push_unmap(struct ftrace_reader *r, uint64_t s, uint64_t e)
{
	struct trace_event *ev = push(r, TRACE_OP_UNMAP);

	if (!ev)
		return nomem(r);
	ev->u.map = (struct trace_map){.dom = r->o.did, .iova = s, .size = e - s};
	return 0;
}

static int on_unmap(struct ftrace_reader *r, char *payload)
{
	static const char *const keys[] = {"iova", "size", "unmapped_size"};
	char *vals[3], *end;
	uint64_t iova, size, unmapped, e, cursor, run_s = 0, run_e = 0, untracked = 0;
	size_t i;

	if (parse_kv(r, "unmap", payload, keys, 3, vals, &end, UNMAP_USAGE) ||
	    kv_num(r, "unmap", "iova", vals[0], true, &iova) ||
	    kv_num(r, "unmap", "size", vals[1], false, &size) ||
	    kv_num(r, "unmap", "unmapped_size", vals[2], false, &unmapped) ||
	    check_extent(r, "unmap", iova, size, end) ||
	    check_extent(r, "unmap", iova, unmapped, NULL))
		return -IOMMU_EINVAL;
	r->n_unmap++;
	if (close_batch(r))
		return -IOMMU_ENOMEM;
	/* What the IOMMU really unmapped (a large page may exceed size). */
	e = iova + unmapped;
	cursor = iova;
	i = range_find(r, iova);
	while (i < r->nrg && r->rg[i].s < e) {
		struct range *g = &r->rg[i];
		uint64_t ps = g->s > iova ? g->s : iova, pe = g->e < e ? g->e : e;

		untracked += ps - cursor;
		cursor = pe;
		if (run_e != ps) {
			if (run_e > run_s && push_unmap(r, run_s, run_e))
				return -IOMMU_ENOMEM;
			run_s = ps;
		}
		run_e = pe;
		if (g->s < ps && g->e > pe) { /* split */
			struct range tail = {pe, g->e, g->line};

			g->e = ps;
			if (range_insert(r, i + 1, tail))
				return nomem(r);
			break;
		} else if (g->s < ps) {
			g->e = ps;
			i++;
		} else if (g->e > pe) {
			g->s = pe;
			break;
		} else {
			range_remove(r, i);
		}
	}
	if (run_e > run_s && push_unmap(r, run_s, run_e))
		return -IOMMU_ENOMEM;
	untracked += e - cursor;
	if (untracked) {
		r->n_untracked++;
		r->untracked_bytes += untracked;
	}
	return 0;
}

/* __print_symbolic names of qw0 & 0xf (drivers/iommu/intel/trace.h). */
static const char *const qi_type_name[16] = {
	[1] = "cc_inv",  [2] = "iotlb_inv",     [3] = "dev_tlb_inv",
	[4] = "iec_inv", [5] = "inv_wait",      [6] = "p_iotlb_inv",
	[7] = "pc_inv",  [8] = "p_dev_tlb_inv", [9] = "page_grp_resp",
};

/* Counts IOTLB, PASID-based IOTLB and PASID-cache invalidations that select
 * a DID other than the converted domain's: with the wrong --did they
 * invalidate nothing the replay cached. */
static void check_did(struct ftrace_reader *r, uint64_t qw0)
{
	unsigned type = (unsigned)(qw0 & 0xf), granu = (unsigned)(qw0 >> 4 & 3);
	unsigned did = (unsigned)(qw0 >> 16 & 0xffff);
	bool selects = (type == 2 && granu != 1) || type == 6 || (type == 7 && granu != 3);

	if (selects && did != r->o.did) {
		if (!r->n_other_did)
			r->other_did = did;
		r->n_other_did++;
	}
}

static int on_qi(struct ftrace_reader *r, char *payload)
{
	char *rest = payload, *tok[7];
	unsigned n = 0;
	uint64_t qw[4];
	struct trace_event *ev;
	size_t ulen;

	while (n < 7 && (tok[n] = next_token(&rest)))
		n++;
	if (n != 6)
		return fail(r, "qi_submit: %s%u field%s, expected %s", n == 7 ? "more than " : "",
			    n == 7 ? 6 : n, n == 1 ? "" : "s", QI_USAGE);
	ulen = strlen(tok[1]);
	if (ulen < 2 || tok[1][ulen - 1] != ':')
		return fail(r,
			    "qi_submit: %s is not an IOMMU name, expected 'NAME:' after the type, "
			    "as in %s",
			    quote(tok[1]).s, QI_USAGE);
	tok[1][ulen - 1] = '\0';
	for (unsigned w = 0; w < 4; w++) {
		int rc = parse_num(tok[2 + w], true, &qw[w]);

		if (rc == -IOMMU_ERANGE)
			return fail(r,
				    "qi_submit: Q%u %s overflows 64 bits, expected a 64-bit word",
				    w, quote(tok[2 + w]).s);
		if (rc)
			return fail(r,
				    "qi_submit: Q%u %s is not a hex word, expected 0x followed by "
				    "hex digits",
				    w, quote(tok[2 + w]).s);
	}
	for (unsigned t = 0; t < 16; t++)
		if (qi_type_name[t] && !strcmp(tok[0], qi_type_name[t]) && t != (qw[0] & 0xf))
			return fail(r,
				    "qi_submit: type %s does not match Q0 0x%" PRIx64
				    " (type %u), expected the name of Q0's type",
				    quote(tok[0]).s, qw[0], (unsigned)(qw[0] & 0xf));
	if (!r->iommu[0])
		snprintf(r->iommu, sizeof(r->iommu), "%s", r->o.iommu ? r->o.iommu : tok[1]);
	if (strcmp(tok[1], r->iommu)) {
		r->n_other_unit++;
		return 1; /* another unit: skipped */
	}
	ev = push(r, TRACE_OP_QI);
	if (!ev)
		return nomem(r);
	memcpy(ev->u.qi.qw, qw, sizeof(qw));
	ev->u.qi.words = 4;
	r->n_qi++;
	r->qi_cycle = r->cycle;
	check_did(r, qw[0]);
	if (r->o.wait == FTRACE_WAIT_EACH) {
		if (!push(r, TRACE_OP_WAIT))
			return nomem(r);
		r->n_wait++;
	} else if (r->o.wait == FTRACE_WAIT_BATCH) {
		r->qi_open = true;
	}
	return 0;
}

/* ---- lines ------------------------------------------------------------- */

static void count_skipped(struct ftrace_reader *r, const char *name)
{
	r->n_skipped++;
	for (unsigned i = 0; i < MAX_NAMES; i++) {
		if (!r->sk[i].n) {
			snprintf(r->sk[i].name, sizeof(r->sk[i].name), "%s", name);
			r->sk[i].n = 1;
			return;
		}
		if (!strcmp(r->sk[i].name, name)) {
			r->sk[i].n++;
			return;
		}
	}
	r->skipped_other++;
}

/* "DIGITS[.DIGITS]:" */
static bool is_timestamp(const char *tok)
{
	size_t n = strlen(tok);
	bool dot = false;

	if (n < 2 || tok[n - 1] != ':' || !is_digit(tok[0]))
		return false;
	for (size_t i = 0; i + 1 < n; i++) {
		if (tok[i] == '.' && !dot)
			dot = true;
		else if (!is_digit(tok[i]))
			return false;
	}
	return true;
}

/* Splits an event line: the timestamp (its ':' cut), the event name (its
 * ':' cut) and the payload. false when the line is not an event line. */
static bool split_line(char *line, char **ts, char **name, char **payload)
{
	char *p = line, *tok;
	size_t n;

	/* The CPU field, "[NNN]" after white space (the task name may hold
	 * anything, so search for it rather than count fields). */
	for (;; p++) {
		char *q;

		p = strchr(p, '[');
		if (!p)
			return false;
		if (p == line || !is_space(p[-1]))
			continue;
		for (q = p + 1; is_digit(*q); q++)
			;
		if (q > p + 1 && *q == ']') {
			p = q + 1;
			break;
		}
	}
	tok = next_token(&p);
	if (tok && !is_timestamp(tok)) /* the irqs-off/need-resched/... flags */
		tok = next_token(&p);
	if (!tok || !is_timestamp(tok))
		return false;
	tok[strlen(tok) - 1] = '\0';
	*ts = tok;
	tok = next_token(&p);
	if (!tok)
		return false;
	n = strlen(tok);
	if (n > 1 && tok[n - 1] == ':')
		tok[n - 1] = '\0';
	*name = tok;
	while (*p && is_space(*p))
		p++;
	*payload = p;
	return true;
}

/* "CPU:N [LOST M EVENTS]" */
static bool lost_marker(struct ftrace_reader *r, const char *s)
{
	const char *p = strstr(s, "[LOST ");
	uint64_t n = 0;

	if (strncmp(s, "CPU:", 4) || !p)
		return false;
	for (p += 6; is_digit(*p); p++)
		n = n * 10 + (uint64_t)(*p - '0');
	r->n_lost_markers++;
	r->lost_events += n;
	return true;
}

static int convert_line(struct ftrace_reader *r, char *s, size_t len)
{
	char *ts, *name, *payload, *p = s;
	int rc;

	if (len && s[len - 1] == '\r')
		s[--len] = '\0';
	if (memchr(s, '\0', len))
		return fail(r, "line: contains a NUL byte, expected text");
	while (*p && is_space(*p))
		p++;
	if (!*p || *p == '#' || lost_marker(r, p))
		return 0;
	if (!split_line(p, &ts, &name, &payload))
		return fail(r, "line: %s is not an ftrace event line, expected " LINE_USAGE,
			    quote(p).s);
	if (!strncmp(name, "iommu:", 6))
		name += 6;
	else if (!strncmp(name, "intel_iommu:", 12))
		name += 12;
	if (strcmp(name, "map") && strcmp(name, "unmap") && strcmp(name, "qi_submit")) {
		count_skipped(r, name);
		return 0;
	}
	if (event_cycle(r, ts))
		return -IOMMU_EINVAL;
	if (!strcmp(name, "map"))
		return on_map(r, payload);
	if (!strcmp(name, "unmap"))
		return on_unmap(r, payload);
	rc = on_qi(r, payload);
	return rc > 0 ? 0 : rc;
}

int ftrace_next(struct ftrace_reader *r, struct trace_event *ev)
{
	for (;;) {
		ssize_t got;
		int rc;

		if (r->qhead < r->qlen) {
			*ev = r->q[r->qhead++];
			r->n_events++;
			return 1;
		}
		r->qhead = r->qlen = 0;
		if (r->failed)
			return -IOMMU_EINVAL;
		if (r->done)
			return 0;
		if (!r->setup) {
			rc = setup(r);
			if (rc)
				return rc;
			continue;
		}
		errno = 0;
		got = getline(&r->line, &r->cap, r->f);
		if (got < 0) {
			if (ferror(r->f)) {
				r->lineno++;
				fail(r, "read: %s, expected a readable file",
				     strerror(errno ? errno : EIO));
				return -IOMMU_EIO;
			}
			r->done = true;
			if (close_batch(r))
				return -IOMMU_ENOMEM;
			continue;
		}
		r->lineno++;
		if (got && r->line[got - 1] == '\n')
			r->line[--got] = '\0';
		rc = convert_line(r, r->line, (size_t)got);
		if (rc)
			return rc;
	}
}

/* ---- lifetime and reports ---------------------------------------------- */

struct ftrace_reader *ftrace_open(FILE *f, const char *name, const struct ftrace_opts *o)
{
	size_t n = strlen(name) + 1;
	struct ftrace_reader *r = calloc(1, sizeof(*r) + n);

	if (!r)
		return NULL;
	memcpy(r->name, name, n);
	r->f = f;
	r->o = *o;
	return r;
}

void ftrace_close(struct ftrace_reader *r)
{
	if (!r)
		return;
	free(r->line);
	free(r->q);
	free(r->rg);
	free(r);
}

const char *ftrace_error(const struct ftrace_reader *r)
{
	return r->err;
}

/* Appends to buf at *off (snprintf-style, never past len). */
__attribute__((format(printf, 4, 5))) static void app(char *buf, size_t len, size_t *off,
						      const char *fmt, ...)
{
	va_list ap;
	int n;

	if (*off >= len)
		return;
	va_start(ap, fmt);
	n = vsnprintf(buf + *off, len - *off, fmt, ap);
	va_end(ap);
	if (n > 0)
		*off += (size_t)n;
}

void ftrace_summary(const struct ftrace_reader *r, char *buf, size_t len)
{
	size_t off = 0;

	buf[0] = '\0';
	app(buf, len, &off,
	    "%s: %" PRIu64 " map, %" PRIu64 " unmap, %" PRIu64 " qi_submit -> %" PRIu64
	    " events (%" PRIu64 " dma and %" PRIu64 " wait added)",
	    r->name, r->n_map, r->n_unmap, r->n_qi, r->n_events, r->n_dma, r->n_wait);
	if (r->n_skipped) {
		app(buf, len, &off, "; skipped %" PRIu64 " other event%s (", r->n_skipped,
		    r->n_skipped == 1 ? "" : "s");
		for (unsigned i = 0; i < MAX_NAMES && r->sk[i].n; i++)
			app(buf, len, &off, "%s%s %" PRIu64, i ? ", " : "", r->sk[i].name,
			    r->sk[i].n);
		if (r->skipped_other)
			app(buf, len, &off, ", others %" PRIu64, r->skipped_other);
		app(buf, len, &off, ")");
	}
	if (r->n_other_unit)
		app(buf, len, &off, "; skipped %" PRIu64 " qi_submit of other units than %s",
		    r->n_other_unit, r->iommu);
	if (r->n_untracked)
		app(buf, len, &off,
		    "; %" PRIu64 " unmap%s covered %" PRIu64
		    " bytes mapped before the trace (not replayed)",
		    r->n_untracked, r->n_untracked == 1 ? "" : "s", r->untracked_bytes);
	if (r->n_other_did)
		app(buf, len, &off,
		    "; WARNING: %" PRIu64 " invalidation%s select DID %u (first seen), not the "
		    "domain's %u (--did)",
		    r->n_other_did, r->n_other_did == 1 ? "" : "s", r->other_did, r->o.did);
	if (r->n_lost_markers)
		app(buf, len, &off, "; WARNING: %" PRIu64 " events lost by ftrace", r->lost_events);
}

void ftrace_describe(const struct ftrace_reader *r, char *buf, size_t len)
{
	static const char *const dma[] = {"alt", "r", "w", "none"};
	static const char *const wait[] = {"batch", "each", "none"};
	char dev[16], pasid[24] = "", ghz[32];
	uint64_t m = r->o.milli_ghz;

	trace_format_bdf(dev, sizeof(dev), r->o.sid);
	if (r->o.has_pasid)
		snprintf(pasid, sizeof(pasid), " --pasid %" PRIu32, r->o.pasid);
	if (m % 1000)
		snprintf(ghz, sizeof(ghz), "%" PRIu64 ".%03" PRIu64, m / 1000, m % 1000);
	else
		snprintf(ghz, sizeof(ghz), "%" PRIu64, m / 1000);
	while (strchr(ghz, '.') && ghz[strlen(ghz) - 1] == '0')
		ghz[strlen(ghz) - 1] = '\0';
	snprintf(buf, len,
		 "converted from %s by iommusim convert --from ftrace --dev %s%s --type %s --did "
		 "%u --levels %u --ghz %s --dma %s --qi-wait %s%s%s",
		 r->name, dev, pasid, r->o.stage == TRACE_STAGE_S1 ? "s1" : "s2", r->o.did,
		 r->o.levels, ghz, dma[r->o.dma], wait[r->o.wait], r->o.iommu ? " --iommu " : "",
		 r->o.iommu ? r->o.iommu : "");
}
