/*
 * Trace reader for the trace format, version 1 (traces/format.md), text and
 * binary; the first byte tells them apart (0x89 starts the binary magic).
 *
 * Text, one line at a time: strip the comment, split on white space, read the
 * optional time prefix, look the operation up in a table of key specs, parse
 * every key=value in line order (unknown, duplicated and malformed keys are
 * reported where they stand), check every value's range, check that the
 * required keys are present, then check the rules that tie keys together.
 * Binary, one record at a time from the zstd stream: the record's key mask
 * and fixed-width values become the same key table, and the same range and
 * rule checks follow. The first problem ends the read with one message,
 * "FILE:LINE: field: what, expected what" ("FILE:record N: ..." in binary).
 */
#include "trace.h"

#include <assert.h>
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "iommu/mem.h"
#include "trace_internal.h"
#include "zstream.h"

struct trace_reader {
	FILE *f; /* NULL: read from buf */
	const char *buf;
	size_t len, pos;
	enum trace_format format; /* TRACE_FORMAT_AUTO until the first read */
	enum trace_format expect; /* TRACE_FORMAT_AUTO: either */
	/* text */
	char *line; /* current line, writable, NUL-terminated */
	size_t cap;
	uint64_t text_pos; /* bytes of text read */
	bool header_seen;
	/* binary */
	struct zin *z;
	unsigned bin_version; /* of the file header */
	uint64_t lineno;      /* text line or binary record */
	bool failed;
	uint64_t cycle; /* cycle of the previous event */
	char err[512];
	char name[];
};

/* "expected ..." text for each kind of value. */

#define OPS_EXPECT                                                                                 \
	"domain, map, unmap, attach, detach, flush, qi, wait, dma, ats, device, bind, unbind, "    \
	"free "                                                                                    \
	"or gflush"
#define DESC_WORD     "0x followed by hex digits, as the qi_submit tracepoint prints them"
#define DESC_WORDS    "4 hex words Q0,Q1,Q2,Q3 (or 2, Q0,Q1, for a 128-bit descriptor)"
#define GEOM_MAX_SETS (1u << 20)
#define GEOM_MAX_WAYS 64u

static const char *const kind_expect[] = {
	[K_DOMID] = "a domain ID 1..65535",
	[K_DID] = "a domain ID 0..65535",
	[K_STAGE] = "s1 or s2",
	[K_LEVELS] = "3, 4 or 5",
	[K_PAGE_ADDR] = "a 4 KiB aligned address (decimal or 0x hex)",
	[K_ADDR] = "an address (decimal or 0x hex)",
	[K_MAP_SIZE] =
		"4K, 2M, 1G or a multiple of 4 KiB (decimal or 0x hex, optional K/M/G suffix)",
	[K_BYTES] = "a byte count (decimal or 0x hex, optional K/M/G suffix)",
	[K_PERM] = "r, w, rw, rx or rwx",
	[K_BOOL] = "0 or 1",
	[K_BDF] = "BB:DD.F in hex",
	[K_PASID] = "a PASID 0..0xfffff",
	[K_XLATE] = "pt, s1, s2 or nested",
	[K_ACCESS] = "r, w or x",
	[K_DESC] = DESC_WORDS,
	[K_GEOM] = "SETSxWAYS in decimal: SETS a power of two 1..1048576, WAYS 1..64",
	[K_COUNT] = "a number 0..65535",
};

static const struct trace_op_spec op_specs[] = {
	{"domain",
	 TRACE_OP_DOMAIN,
	 "id=N stage=s1|s2 levels=3|4|5 [parent=M]",
	 {{"id", K_DOMID, true},
	  {"stage", K_STAGE, true},
	  {"levels", K_LEVELS, true},
	  {"parent", K_DOMID, false}}},
	{"map",
	 TRACE_OP_MAP,
	 "dom=N iova=ADDR pa=ADDR size=SIZE perm=r|w|rw|rx|rwx [user=1] [lazy=1]",
	 {{"dom", K_DOMID, true},
	  {"iova", K_PAGE_ADDR, true},
	  {"pa", K_PAGE_ADDR, true},
	  {"size", K_MAP_SIZE, true},
	  {"perm", K_PERM, true},
	  {"user", K_BOOL, false},
	  {"lazy", K_BOOL, false}}},
	{"unmap",
	 TRACE_OP_UNMAP,
	 "dom=N iova=ADDR size=SIZE",
	 {{"dom", K_DOMID, true}, {"iova", K_PAGE_ADDR, true}, {"size", K_MAP_SIZE, true}}},
	{"attach",
	 TRACE_OP_ATTACH,
	 "dev=BB:DD.F [pasid=P] type=pt|s1|s2|nested [s1=N] [s2=M] [did=N] [sre= ere= wpe= "
	 "nxe=0|1] [ats=1 [devtlb=SETSxWAYS] [respond=0|1]]",
	 {{"dev", K_BDF, true},
	  {"pasid", K_PASID, false},
	  {"type", K_XLATE, true},
	  {"s1", K_DOMID, false},
	  {"s2", K_DOMID, false},
	  {"did", K_DID, false},
	  {"sre", K_BOOL, false},
	  {"ere", K_BOOL, false},
	  {"wpe", K_BOOL, false},
	  {"nxe", K_BOOL, false},
	  {"ats", K_BOOL, false},
	  {"devtlb", K_GEOM, false},
	  {"respond", K_BOOL, false}}},
	{"detach",
	 TRACE_OP_DETACH,
	 "dev=BB:DD.F [pasid=P]",
	 {{"dev", K_BDF, true}, {"pasid", K_PASID, false}}},
	{"dma",
	 TRACE_OP_DMA,
	 "dev=BB:DD.F [pasid=P] [priv=1] addr=ADDR size=BYTES op=r|w|x",
	 {{"dev", K_BDF, true},
	  {"pasid", K_PASID, false},
	  {"priv", K_BOOL, false},
	  {"addr", K_ADDR, true},
	  {"size", K_BYTES, true},
	  {"op", K_ACCESS, true}}},
	{"flush",
	 TRACE_OP_FLUSH,
	 "dom=N [pasid=P] [iova=ADDR size=SIZE [leaf=1]] [iommu=K]",
	 {{"dom", K_DOMID, true},
	  {"pasid", K_PASID, false},
	  {"iova", K_PAGE_ADDR, false},
	  {"size", K_MAP_SIZE, false},
	  {"leaf", K_BOOL, false},
	  {"iommu", K_COUNT, false}}},
	{"qi", TRACE_OP_QI, "desc=Q0,Q1,Q2,Q3", {{"desc", K_DESC, true}}},
	{"wait", TRACE_OP_WAIT, "no fields after wait", {{NULL, K_BOOL, false}}},
	{"ats",
	 TRACE_OP_ATS,
	 "dev=BB:DD.F [pasid=P] [priv=1] addr=ADDR size=BYTES op=r|w|x",
	 {{"dev", K_BDF, true},
	  {"pasid", K_PASID, false},
	  {"priv", K_BOOL, false},
	  {"addr", K_ADDR, true},
	  {"size", K_BYTES, true},
	  {"op", K_ACCESS, true}}},
	{"device",
	 TRACE_OP_DEVICE,
	 "dev=BB:DD.F [outstanding=N] [pasid=0|1] [pri=0|1] [iommu=K]",
	 {{"dev", K_BDF, true},
	  {"outstanding", K_COUNT, false},
	  {"pasid", K_BOOL, false},
	  {"pri", K_BOOL, false},
	  {"iommu", K_COUNT, false}}},
	{"bind",
	 TRACE_OP_BIND,
	 "dev=BB:DD.F pasid=P [gpasid=G] s1=N [levels=4|5] [sre= ere= wpe=0|1] vm=V",
	 {{"dev", K_BDF, true},
	  {"pasid", K_PASID, true},
	  {"gpasid", K_PASID, false},
	  {"s1", K_DOMID, true},
	  {"levels", K_LEVELS, false},
	  {"sre", K_BOOL, false},
	  {"ere", K_BOOL, false},
	  {"wpe", K_BOOL, false},
	  {"vm", K_COUNT, true}}},
	{"unbind",
	 TRACE_OP_UNBIND,
	 "dev=BB:DD.F pasid=P",
	 {{"dev", K_BDF, true}, {"pasid", K_PASID, true}}},
	{"free", TRACE_OP_FREE, "vm=V", {{"vm", K_COUNT, true}}},
	{"gflush",
	 TRACE_OP_GFLUSH,
	 "dev=BB:DD.F pasid=P [iova=ADDR size=SIZE]",
	 {{"dev", K_BDF, true},
	  {"pasid", K_PASID, true},
	  {"iova", K_PAGE_ADDR, false},
	  {"size", K_MAP_SIZE, false}}},
};

#define N_OPS (sizeof(op_specs) / sizeof(op_specs[0]))

/* ---- messages ---------------------------------------------------------- */

__attribute__((format(printf, 2, 3))) static int fail(struct trace_reader *r, const char *fmt, ...)
{
	char where[sizeof(r->err)];
	va_list ap;

	if (r->format == TRACE_FORMAT_BIN && !r->lineno)
		snprintf(where, sizeof(where), "%s:header", r->name);
	else
		snprintf(where, sizeof(where), "%s:%s%" PRIu64, r->name, trace_unit(r),
			 r->lineno ? r->lineno : 1);
	va_start(ap, fmt);
	trace_vmessage(r->err, sizeof(r->err), where, fmt, ap);
	va_end(ap);
	r->failed = true;
	return -IOMMU_EINVAL;
}

void trace_vmessage(char *err, size_t len, const char *where, const char *fmt, va_list ap)
{
	int n = snprintf(err, len, "%s: ", where);

	if (n < 0 || (size_t)n >= len)
		n = 0;
	vsnprintf(err + n, len - (size_t)n, fmt, ap);
}

struct trace_quoted trace_quote(const char *tok)
{
	struct trace_quoted q;

	if (strlen(tok) > TRACE_QUOTE_MAX)
		snprintf(q.s, sizeof(q.s), "'%.*s...'", TRACE_QUOTE_MAX, tok);
	else
		snprintf(q.s, sizeof(q.s), "'%s'", tok);
	return q;
}

#define quote    trace_quote
#define is_space trace_is_space

/* ---- lexical helpers --------------------------------------------------- */

/* Next white-space separated token of *cur, NUL-terminated in place. */
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

static int hex_digit(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Whole-string unsigned number, decimal or 0x hex: 0, -IOMMU_EINVAL when
 * malformed, -IOMMU_ERANGE when it does not fit in 64 bits. */
static int parse_u64_n(const char *s, size_t n, uint64_t *out)
{
	unsigned base = 10;
	uint64_t v = 0;
	bool range = false;

	if (n >= 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		base = 16;
		s += 2;
		n -= 2;
	}
	if (n == 0)
		return -IOMMU_EINVAL;
	for (size_t i = 0; i < n; i++) {
		int d = hex_digit(s[i]);

		if (d < 0 || (unsigned)d >= base)
			return -IOMMU_EINVAL;
		if (v > (UINT64_MAX - (unsigned)d) / base)
			range = true;
		else
			v = v * base + (unsigned)d;
	}
	if (range)
		return -IOMMU_ERANGE;
	*out = v;
	return 0;
}

static int parse_u64(const char *s, uint64_t *out)
{
	return parse_u64_n(s, strlen(s), out);
}

/* A number with an optional K, M or G suffix (powers of 1024). */
static int parse_size(const char *s, uint64_t *out)
{
	size_t n = strlen(s);
	unsigned shift = 0;
	uint64_t v;
	int rc;

	if (n > 0) {
		switch (s[n - 1]) {
		case 'k':
		case 'K': shift = 10; break;
		case 'm':
		case 'M': shift = 20; break;
		case 'g':
		case 'G': shift = 30; break;
		default: break;
		}
	}
	if (shift)
		n--;
	rc = parse_u64_n(s, n, &v);
	if (rc)
		return rc;
	if (shift && v > (UINT64_MAX >> shift))
		return -IOMMU_ERANGE;
	*out = v << shift;
	return 0;
}

static bool str_ieq(const char *a, const char *b)
{
	for (; *a && *b; a++, b++) {
		char x = *a, y = *b;

		if (x >= 'A' && x <= 'Z')
			x = (char)(x - 'A' + 'a');
		if (y >= 'A' && y <= 'Z')
			y = (char)(y - 'A' + 'a');
		if (x != y)
			return false;
	}
	return *a == *b;
}

/* ---- values ------------------------------------------------------------ */

static int bad_number(struct trace_reader *r, const struct trace_key_spec *k, const char *val,
		      int rc)
{
	if (rc == -IOMMU_ERANGE)
		return fail(r, "%s: %s overflows 64 bits, expected %s", k->name, quote(val).s,
			    kind_expect[k->kind]);
	return fail(r, "%s: %s is not a number, expected %s", k->name, quote(val).s,
		    kind_expect[k->kind]);
}

/* Hex digits [s, end) as a number; -1 when empty, not hex or over 8 digits. */
static int64_t hex_field(const char *s, const char *end)
{
	int64_t v = 0;

	if (s == end || end - s > 8)
		return -1;
	for (; s < end; s++) {
		int d = hex_digit(*s);

		if (d < 0)
			return -1;
		v = v * 16 + d;
	}
	return v;
}

static int parse_bdf(struct trace_reader *r, const struct trace_key_spec *k, const char *val,
		     uint64_t *out)
{
	const char *colon = strchr(val, ':');
	const char *dot = colon ? strchr(colon + 1, '.') : NULL;
	int64_t bus = -1, dev = -1, fn = -1;

	if (dot) {
		bus = hex_field(val, colon);
		dev = hex_field(colon + 1, dot);
		fn = hex_field(dot + 1, dot + 1 + strlen(dot + 1));
	}
	if (bus < 0 || dev < 0 || fn < 0)
		return fail(r, "%s: %s is not a BDF, expected %s", k->name, quote(val).s,
			    kind_expect[k->kind]);
	if (bus > 0xff || dev > 0x1f || fn > 7)
		return fail(r,
			    "%s: %s is out of range, expected BB:DD.F with bus 00-ff, device "
			    "00-1f, function 0-7",
			    k->name, quote(val).s);
	*out = (uint64_t)(bus << 8 | dev << 3 | fn);
	return 0;
}

/* desc=Q0,Q1[,Q2,Q3]: each word 0x hex, at most 64 bits. */
static int parse_desc(struct trace_reader *r, const struct trace_key_spec *k, const char *val,
		      struct trace_fields *f)
{
	const char *p = val;
	unsigned n = 0;

	for (;;) {
		const char *end = strchr(p, ',');
		size_t len = end ? (size_t)(end - p) : strlen(p);
		char word[TRACE_QUOTE_MAX + 2]; /* one more than quote() shows: it marks the cut */
		uint64_t v = 0;
		int rc = -IOMMU_EINVAL;

		snprintf(word, sizeof(word), "%.*s",
			 (int)(len <= TRACE_QUOTE_MAX ? len : TRACE_QUOTE_MAX + 1), p);
		if (n == 4)
			return fail(r, "%s: more than 4 words in %s, expected " DESC_WORDS, k->name,
				    quote(val).s);
		if (len > 2 && p[0] == '0' && (p[1] == 'x' || p[1] == 'X'))
			rc = parse_u64_n(p, len, &v);
		if (rc == -IOMMU_ERANGE)
			return fail(r, "%s: word Q%u %s overflows 64 bits, expected " DESC_WORD,
				    k->name, n, quote(word).s);
		if (rc)
			return fail(r, "%s: word Q%u %s is not a hex word, expected " DESC_WORD,
				    k->name, n, quote(word).s);
		f->desc[n++] = v;
		if (!end)
			break;
		p = end + 1;
	}
	f->desc_words = n; /* 2 or 4: check_value */
	return 0;
}

/* SETSxWAYS, both decimal: *out = sets << 32 | ways (ranges: check_value). */
static int parse_geom(struct trace_reader *r, const struct trace_key_spec *k, const char *val,
		      uint64_t *out)
{
	const char *x = strchr(val, 'x');
	uint64_t sets = 0, ways = 0;
	bool ok = x && x != val && x[1];

	for (const char *p = val; ok && *p; p++)
		ok = p == x || (*p >= '0' && *p <= '9');
	if (ok)
		ok = !parse_u64_n(val, (size_t)(x - val), &sets) && !parse_u64(x + 1, &ways);
	if (!ok)
		return fail(r, "%s: %s is not a cache geometry, expected %s", k->name, quote(val).s,
			    kind_expect[k->kind]);
	if (sets > UINT32_MAX || ways > UINT32_MAX)
		sets = 0; /* out of range: check_value says so */
	*out = sets << 32 | ways;
	return 0;
}

/* How messages show key i's value: the token as written (text), or the
 * value in canonical text (binary, tok NULL). */
static struct trace_quoted shown(const struct trace_fields *f, unsigned i, const char *tok)
{
	char buf[TRACE_QUOTE_MAX + 8];

	if (tok)
		return quote(tok);
	trace_format_value(f, i, buf, sizeof(buf));
	return quote(buf);
}

/* Range checks of key i's value, common to both forms; tok is the text
 * token, NULL for a binary record. An enumerated kind's word that the text
 * parser did not know arrives here as UINT64_MAX. */
static int check_value(struct trace_reader *r, const struct trace_fields *f, unsigned i,
		       const char *tok)
{
	const struct trace_key_spec *k = &f->spec->keys[i];
	const char *expect = kind_expect[k->kind];
	uint64_t v = f->v[i];

	switch (k->kind) {
	case K_DOMID:
		if (v == 0 || v > 0xffff)
			return fail(r, "%s: %s is out of range, expected %s", k->name,
				    shown(f, i, tok).s, expect);
		break;
	case K_DID:
	case K_COUNT:
		if (v > 0xffff)
			return fail(r, "%s: %s is out of range, expected %s", k->name,
				    shown(f, i, tok).s, expect);
		break;
	case K_PASID:
		if (v > 0xfffff)
			return fail(r, "%s: %s is over 20 bits, expected %s", k->name,
				    shown(f, i, tok).s, expect);
		break;
	case K_PAGE_ADDR:
		if (v & (IOMMU_PAGE_SIZE - 1))
			return fail(r, "%s: %s is not 4 KiB aligned, expected a multiple of 0x1000",
				    k->name, shown(f, i, tok).s);
		break;
	case K_ADDR:
	case K_BDF: break;
	case K_MAP_SIZE:
	case K_BYTES:
		if (v == 0)
			return fail(r, "%s: %s is empty, expected %s", k->name, shown(f, i, tok).s,
				    k->kind == K_BYTES ? "at least 1 byte" : "at least 4K");
		/* one page request per 4 KiB: bounded so that a replay stays in memory */
		if (k->kind == K_BYTES && v > (1ull << 30))
			return fail(r, "%s: %s is larger than 1 GiB, expected at most 1G", k->name,
				    shown(f, i, tok).s);
		if (k->kind == K_MAP_SIZE && (v & (IOMMU_PAGE_SIZE - 1)))
			return fail(r, "%s: %s is not a multiple of 4 KiB, expected %s", k->name,
				    shown(f, i, tok).s, expect);
		if (f->page[i] && v != 1ull << 12 && v != 1ull << 21 && v != 1ull << 30)
			return fail(r,
				    "%s: 0x%" PRIx64 " is marked one page, expected 4K, 2M or 1G "
				    "with the one-page flag",
				    k->name, v);
		break;
	case K_STAGE:
		if (v != TRACE_STAGE_S1 && v != TRACE_STAGE_S2)
			return fail(r, "%s: %s is not a stage, expected %s", k->name,
				    shown(f, i, tok).s, expect);
		break;
	case K_LEVELS:
		if (v < 3 || v > 5)
			return fail(r, "%s: %s is not a paging depth, expected %s", k->name,
				    shown(f, i, tok).s, expect);
		break;
	case K_PERM:
		if (v & ~(uint64_t)(TRACE_PERM_R | TRACE_PERM_W | TRACE_PERM_X))
			return fail(r, "%s: %s is not a permission, expected %s", k->name,
				    shown(f, i, tok).s, expect);
		if (!(v & (TRACE_PERM_R | TRACE_PERM_W)))
			return fail(r, "%s: %s grants neither read nor write, expected %s", k->name,
				    shown(f, i, tok).s, expect);
		break;
	case K_BOOL:
		if (v > 1)
			return fail(r, "%s: %s is not a flag, expected %s", k->name,
				    shown(f, i, tok).s, expect);
		break;
	case K_XLATE:
		if (v > TRACE_XLATE_NESTED)
			return fail(r, "%s: %s is not a translation type, expected %s", k->name,
				    shown(f, i, tok).s, expect);
		break;
	case K_ACCESS:
		if (v > TRACE_ACC_X)
			return fail(r, "%s: %s is not an access, expected %s", k->name,
				    shown(f, i, tok).s, expect);
		break;
	case K_DESC:
		if (f->desc_words != 2 && f->desc_words != 4)
			return fail(r, "%s: %u word%s in %s, expected " DESC_WORDS, k->name,
				    f->desc_words, f->desc_words == 1 ? "" : "s",
				    shown(f, i, tok).s);
		if (f->desc_words == 2 && (f->desc[2] || f->desc[3]))
			return fail(r,
				    "%s: Q2 or Q3 is not 0 in a 2-word descriptor, expected 0 "
				    "(or 4 words)",
				    k->name);
		break;
	case K_GEOM: {
		uint64_t sets = v >> 32, ways = v & 0xffffffffu;

		if (!sets || (sets & (sets - 1)) || sets > GEOM_MAX_SETS || !ways ||
		    ways > GEOM_MAX_WAYS)
			return fail(r, "%s: %s is out of range, expected %s", k->name,
				    shown(f, i, tok).s, expect);
		break;
	}
	}
	return 0;
}

/* One of names[0..n) as its index, UINT64_MAX when val is none of them. */
static uint64_t word_index(const char *val, const char *const *names, unsigned n)
{
	for (unsigned j = 0; j < n; j++)
		if (names[j] && !strcmp(val, names[j]))
			return j;
	return UINT64_MAX;
}

static const char *const stage_words[] = {[TRACE_STAGE_S1] = "s1", [TRACE_STAGE_S2] = "s2"};
static const char *const levels_words[] = {[3] = "3", [4] = "4", [5] = "5"};
static const char *const bool_words[] = {"0", "1"};
static const char *const xlate_words[] = {
	[TRACE_XLATE_PT] = "pt",
	[TRACE_XLATE_S1] = "s1",
	[TRACE_XLATE_S2] = "s2",
	[TRACE_XLATE_NESTED] = "nested",
};
static const char *const access_words[] = {
	[TRACE_ACC_R] = "r", [TRACE_ACC_W] = "w", [TRACE_ACC_X] = "x"};

#define WORDS(a) (a), (unsigned)(sizeof(a) / sizeof((a)[0]))

/* Parses the text val for key i into f (syntax), then checks its range. */
static int parse_value(struct trace_reader *r, struct trace_fields *f, unsigned i, const char *val)
{
	const struct trace_key_spec *k = &f->spec->keys[i];
	uint64_t v = 0;
	int rc;

	if (!*val)
		return fail(r, "%s: empty value, expected %s", k->name, kind_expect[k->kind]);

	switch (k->kind) {
	case K_DOMID:
	case K_DID:
	case K_COUNT:
	case K_PASID:
	case K_PAGE_ADDR:
	case K_ADDR:
		rc = parse_u64(val, &v);
		if (rc)
			return bad_number(r, k, val, rc);
		break;
	case K_MAP_SIZE:
	case K_BYTES:
		rc = parse_size(val, &v);
		if (rc == -IOMMU_EINVAL)
			return fail(r, "%s: %s is not a size, expected %s", k->name, quote(val).s,
				    kind_expect[k->kind]);
		if (rc)
			return bad_number(r, k, val, rc);
		f->page[i] = k->kind == K_MAP_SIZE &&
			     (str_ieq(val, "4K") || str_ieq(val, "2M") || str_ieq(val, "1G"));
		break;
	case K_STAGE: v = word_index(val, WORDS(stage_words)); break;
	case K_LEVELS: v = word_index(val, WORDS(levels_words)); break;
	case K_BOOL: v = word_index(val, WORDS(bool_words)); break;
	case K_XLATE: v = word_index(val, WORDS(xlate_words)); break;
	case K_ACCESS: v = word_index(val, WORDS(access_words)); break;
	case K_PERM:
		for (const char *p = val; *p; p++) {
			unsigned bit = *p == 'r'   ? TRACE_PERM_R
				       : *p == 'w' ? TRACE_PERM_W
				       : *p == 'x' ? TRACE_PERM_X
						   : 0;

			if (!bit || (v & bit)) {
				v = UINT64_MAX;
				break;
			}
			v |= bit;
		}
		break;
	case K_BDF:
		rc = parse_bdf(r, k, val, &v);
		if (rc)
			return rc;
		break;
	case K_DESC:
		rc = parse_desc(r, k, val, f);
		if (rc)
			return rc;
		break;
	case K_GEOM:
		rc = parse_geom(r, k, val, &v);
		if (rc)
			return rc;
		break;
	}
	f->v[i] = v;
	return check_value(r, f, i, val);
}

/* ---- per-operation rules ----------------------------------------------- */

static int key_index(const struct trace_fields *f, const char *name)
{
	for (unsigned i = 0; i < TRACE_MAX_KEYS && f->spec->keys[i].name; i++)
		if (!strcmp(f->spec->keys[i].name, name))
			return (int)i;
	assert(!"key not in the operation's spec");
	return 0;
}

static bool has(const struct trace_fields *f, const char *name)
{
	return f->seen[key_index(f, name)];
}

static uint64_t get(const struct trace_fields *f, const char *name)
{
	return f->v[key_index(f, name)];
}

static bool is_page(const struct trace_fields *f, const char *name)
{
	return f->page[key_index(f, name)];
}

static void get_endpoint(const struct trace_fields *f, struct trace_endpoint *ep)
{
	ep->sid = (uint16_t)get(f, "dev");
	ep->has_pasid = has(f, "pasid");
	ep->pasid = (uint32_t)get(f, "pasid");
}

/* [base, base + size) must end at or below 2^64. */
static int check_range(struct trace_reader *r, const char *key, uint64_t base, uint64_t size)
{
	if (size - 1 > UINT64_MAX - base)
		return fail(r,
			    "size: 0x%llx bytes from %s 0x%llx pass 2^64, expected a range that "
			    "ends below 2^64",
			    (unsigned long long)size, key, (unsigned long long)base);
	return 0;
}

static int build_domain(struct trace_reader *r, const struct trace_fields *f,
			struct trace_domain *d)
{
	d->id = (unsigned)get(f, "id");
	d->stage = (enum trace_stage)get(f, "stage");
	d->levels = (unsigned)get(f, "levels");
	d->has_parent = has(f, "parent");
	d->parent = (unsigned)get(f, "parent");
	if (d->stage == TRACE_STAGE_S1 && d->levels == 3)
		return fail(r, "levels: 3 is not valid for stage=s1, expected 4 or 5");
	if (d->has_parent && d->stage == TRACE_STAGE_S2)
		return fail(r, "parent: only a stage=s1 domain has a parent, expected no parent= "
			       "with stage=s2");
	if (d->has_parent && d->parent == d->id)
		return fail(r,
			    "parent: domain %u cannot be its own parent, expected the ID of an s2 "
			    "domain",
			    d->id);
	return 0;
}

static int build_map(struct trace_reader *r, const struct trace_fields *f, bool map,
		     struct trace_map *m)
{
	int rc;

	m->dom = (unsigned)get(f, "dom");
	m->iova = get(f, "iova");
	m->size = get(f, "size");
	rc = check_range(r, "iova", m->iova, m->size);
	if (rc || !map)
		return rc;
	m->pa = get(f, "pa");
	m->perm = (unsigned)get(f, "perm");
	m->user = get(f, "user");
	m->lazy = get(f, "lazy");
	m->one_page = is_page(f, "size");
	rc = check_range(r, "pa", m->pa, m->size);
	if (rc)
		return rc;
	if (m->one_page && (m->iova & (m->size - 1)))
		return fail(r,
			    "iova: 0x%llx is not aligned to the page size, expected a multiple of "
			    "0x%llx",
			    (unsigned long long)m->iova, (unsigned long long)m->size);
	if (m->one_page && (m->pa & (m->size - 1)))
		return fail(
			r,
			"pa: 0x%llx is not aligned to the page size, expected a multiple of 0x%llx",
			(unsigned long long)m->pa, (unsigned long long)m->size);
	return 0;
}

static int build_attach(struct trace_reader *r, const struct trace_fields *f,
			struct trace_attach *a)
{
	static const char *const fl_flags[] = {"sre", "ere", "wpe", "nxe"};
	bool want_s1, want_s2, first_level;
	const char *type;

	get_endpoint(f, &a->ep);
	a->type = (enum trace_xlate)get(f, "type");
	type = xlate_words[a->type];
	want_s1 = a->type == TRACE_XLATE_S1 || a->type == TRACE_XLATE_NESTED;
	want_s2 = a->type == TRACE_XLATE_S2 || a->type == TRACE_XLATE_NESTED;
	first_level = want_s1;

	if (want_s1 && !has(f, "s1"))
		return fail(r, "attach: s1= is missing, expected s1=N with type=%s", type);
	if (want_s2 && !has(f, "s2"))
		return fail(r, "attach: s2= is missing, expected s2=M with type=%s", type);
	if (!want_s1 && has(f, "s1"))
		return fail(r, "s1: not used by type=%s, expected no s1=", type);
	if (!want_s2 && has(f, "s2"))
		return fail(r, "s2: not used by type=%s, expected no s2=", type);
	if (a->type != TRACE_XLATE_PT && has(f, "did"))
		return fail(r,
			    "did: only type=pt takes a DID, expected no did= with type=%s (the "
			    "domain ID is the DID)",
			    type);
	for (unsigned i = 0; i < 4; i++)
		if (!first_level && has(f, fl_flags[i]))
			return fail(r,
				    "%s: only type=s1 or type=nested has first-level flags, "
				    "expected no %s= with type=%s",
				    fl_flags[i], fl_flags[i], type);

	a->s1 = want_s1 ? (unsigned)get(f, "s1") : 0;
	a->s2 = want_s2 ? (unsigned)get(f, "s2") : 0;
	a->has_did = has(f, "did");
	a->did = (uint16_t)get(f, "did");
	/* First-level flags default to 1 (supervisor and execute requests
	 * allowed, write protection and XD honoured), as Linux sets them. */
	a->sre = has(f, "sre") ? get(f, "sre") : first_level;
	a->ere = has(f, "ere") ? get(f, "ere") : first_level;
	a->wpe = has(f, "wpe") ? get(f, "wpe") : first_level;
	a->nxe = has(f, "nxe") ? get(f, "nxe") : first_level;

	a->has_ats = has(f, "ats");
	a->ats = get(f, "ats");
	if (!a->ats && has(f, "devtlb"))
		return fail(r, "devtlb: only an ATS device has a device TLB, expected ats=1 with "
			       "devtlb=SETSxWAYS");
	if (!a->ats && has(f, "respond"))
		return fail(r, "respond: only an ATS device answers invalidation requests, "
			       "expected ats=1 with respond=0|1");
	a->has_devtlb = has(f, "devtlb");
	a->devtlb_sets = a->has_devtlb ? (unsigned)(get(f, "devtlb") >> 32) : TRACE_DEVTLB_SETS;
	a->devtlb_ways =
		a->has_devtlb ? (unsigned)(get(f, "devtlb") & 0xffffffffu) : TRACE_DEVTLB_WAYS;
	a->has_respond = has(f, "respond");
	a->respond = a->has_respond ? get(f, "respond") : true;
	return 0;
}

static int build_flush(struct trace_reader *r, const struct trace_fields *f, struct trace_flush *fl)
{
	fl->dom = (unsigned)get(f, "dom");
	fl->has_pasid = has(f, "pasid");
	fl->pasid = (uint32_t)get(f, "pasid");
	fl->iova = get(f, "iova");
	fl->size = get(f, "size");
	fl->leaf = get(f, "leaf");
	fl->has_iommu = has(f, "iommu");
	fl->iommu = (unsigned)get(f, "iommu");
	if (fl->iommu >= TRACE_MAX_IOMMUS)
		return fail(r, "iommu: %u is not an IOMMU index, expected 0..%u", fl->iommu,
			    TRACE_MAX_IOMMUS - 1);
	if (has(f, "size") && !has(f, "iova"))
		return fail(r, "size: given without iova=, expected iova=ADDR with size=SIZE, or "
			       "neither for the whole domain");
	if (has(f, "iova") && !has(f, "size"))
		return fail(r, "iova: given without size=, expected size=SIZE with iova=ADDR, or "
			       "neither for the whole domain");
	if (has(f, "leaf") && !has(f, "iova"))
		return fail(r, "leaf: only a range flush can be leaf-only, expected iova=ADDR "
			       "size=SIZE with leaf=, or no leaf= for the whole domain");
	return has(f, "iova") ? check_range(r, "iova", fl->iova, fl->size) : 0;
}

static int build_device(struct trace_reader *r, const struct trace_fields *f,
			struct trace_device *d)
{
	d->sid = (uint16_t)get(f, "dev");
	d->has_outstanding = has(f, "outstanding");
	d->outstanding = (unsigned)get(f, "outstanding");
	d->has_pasid = has(f, "pasid");
	d->pasid = get(f, "pasid");
	d->has_pri = has(f, "pri");
	d->pri = get(f, "pri");
	d->has_iommu = has(f, "iommu");
	d->iommu = (unsigned)get(f, "iommu");
	if (!d->has_outstanding && !d->has_pasid && !d->has_pri && !d->has_iommu)
		return fail(r, "device: nothing to set, expected %s", f->spec->usage);
	if (d->iommu >= TRACE_MAX_IOMMUS)
		return fail(r, "iommu: %u is not an IOMMU index, expected 0..%u", d->iommu,
			    TRACE_MAX_IOMMUS - 1);
	return 0;
}

static int build_bind(struct trace_reader *r, const struct trace_fields *f, struct trace_bind *b)
{
	get_endpoint(f, &b->ep);
	b->has_gpasid = has(f, "gpasid");
	b->gpasid = (uint32_t)get(f, "gpasid");
	b->s1 = (unsigned)get(f, "s1");
	b->levels = has(f, "levels") ? (unsigned)get(f, "levels") : 4;
	b->sre = get(f, "sre");
	b->ere = get(f, "ere");
	b->wpe = get(f, "wpe");
	b->vm = (unsigned)get(f, "vm");
	if (b->levels == 3)
		return fail(r, "levels: 3 is not a first-level depth, expected 4 or 5");
	return 0;
}

static void build_qi(const struct trace_fields *f, struct trace_qi *q)
{
	for (unsigned i = 0; i < 4; i++)
		q->qw[i] = i < f->desc_words ? f->desc[i] : 0;
	q->words = f->desc_words;
}

static int build_dma(struct trace_reader *r, const struct trace_fields *f, struct trace_dma *d)
{
	get_endpoint(f, &d->ep);
	d->priv = get(f, "priv");
	d->addr = get(f, "addr");
	d->size = get(f, "size");
	d->op = (enum trace_access)get(f, "op");
	if (d->priv && !d->ep.has_pasid)
		return fail(r, "priv: a request without PASID cannot be privileged, expected "
			       "pasid=P with priv=1");
	if (d->op == TRACE_ACC_X && !d->ep.has_pasid)
		return fail(r, "op: a request without PASID cannot ask for execute, expected "
			       "pasid=P with op=x");
	return check_range(r, "addr", d->addr, d->size);
}

/* ---- lines ------------------------------------------------------------- */

/* Reads the time prefix tok ("@CYCLE" or "+N") into ev->cycle. */
static int parse_time(struct trace_reader *r, const char *tok, struct trace_event *ev)
{
	uint64_t v;
	int rc = parse_u64(tok + 1, &v);

	if (rc == -IOMMU_ERANGE)
		return fail(r, "time: %s overflows 64 bits, expected a cycle below 2^64",
			    quote(tok).s);
	if (rc)
		return fail(r, "time: %s is not a time, expected @CYCLE or +N (decimal or 0x hex)",
			    quote(tok).s);
	if (tok[0] == '+') {
		if (v > UINT64_MAX - r->cycle)
			return fail(r,
				    "time: %s takes the cycle past 2^64, expected a smaller step",
				    quote(tok).s);
		ev->cycle = r->cycle + v;
		return 0;
	}
	if (v < r->cycle)
		return fail(r,
			    "time: %s is before the previous event at cycle %llu, expected @%llu "
			    "or later",
			    quote(tok).s, (unsigned long long)r->cycle,
			    (unsigned long long)r->cycle);
	ev->cycle = v;
	return 0;
}

static int parse_header(struct trace_reader *r, const char *first, char *rest)
{
	const char *version, *extra;

	if (strcmp(first, "iommusim-trace"))
		return fail(r,
			    "header: missing, expected '" TRACE_HEADER "' before the first event");
	version = next_token(&rest);
	if (!version)
		return fail(r, "header: version missing, expected '" TRACE_HEADER "'");
	if (strcmp(version, "v1"))
		return fail(r, "header: unsupported version %s, expected '" TRACE_HEADER "'",
			    quote(version).s);
	extra = next_token(&rest);
	if (extra)
		return fail(r,
			    "header: unexpected %s after the version, expected '" TRACE_HEADER "'",
			    quote(extra).s);
	r->header_seen = true;
	return 0;
}

/* Required keys, the rules that tie keys together, then the event. */
static int finish_event(struct trace_reader *r, const struct trace_fields *f,
			struct trace_event *ev)
{
	int rc = 0;

	for (unsigned i = 0; i < TRACE_MAX_KEYS && f->spec->keys[i].name; i++)
		if (f->spec->keys[i].required && !f->seen[i])
			return fail(r, "%s: %s= is missing, expected %s", f->spec->name,
				    f->spec->keys[i].name, f->spec->usage);

	switch (ev->op) {
	case TRACE_OP_DOMAIN: rc = build_domain(r, f, &ev->u.domain); break;
	case TRACE_OP_MAP:
	case TRACE_OP_UNMAP: rc = build_map(r, f, ev->op == TRACE_OP_MAP, &ev->u.map); break;
	case TRACE_OP_ATTACH: rc = build_attach(r, f, &ev->u.attach); break;
	case TRACE_OP_DETACH: get_endpoint(f, &ev->u.detach); break;
	case TRACE_OP_DMA:
	case TRACE_OP_ATS: rc = build_dma(r, f, &ev->u.dma); break;
	case TRACE_OP_DEVICE: rc = build_device(r, f, &ev->u.device); break;
	case TRACE_OP_BIND: rc = build_bind(r, f, &ev->u.bind); break;
	case TRACE_OP_UNBIND: get_endpoint(f, &ev->u.unbind); break;
	case TRACE_OP_FREE: ev->u.free_vm = (unsigned)get(f, "vm"); break;
	case TRACE_OP_GFLUSH:
		get_endpoint(f, &ev->u.gflush.ep);
		ev->u.gflush.iova = get(f, "iova");
		ev->u.gflush.size = get(f, "size");
		if (has(f, "size") != has(f, "iova"))
			rc = fail(r,
				  "%s: given without %s=, expected iova=ADDR with size=SIZE, or "
				  "neither for the whole PASID",
				  has(f, "size") ? "size" : "iova",
				  has(f, "size") ? "iova" : "size");
		else if (has(f, "iova"))
			rc = check_range(r, "iova", ev->u.gflush.iova, ev->u.gflush.size);
		break;
	case TRACE_OP_FLUSH: rc = build_flush(r, f, &ev->u.flush); break;
	case TRACE_OP_QI: build_qi(f, &ev->u.qi); break;
	case TRACE_OP_WAIT: break;
	}
	if (rc)
		return rc;
	r->cycle = ev->cycle;
	return 0;
}

static int parse_event(struct trace_reader *r, char *tok, char *rest, struct trace_event *ev)
{
	struct trace_fields f;
	int rc;

	memset(ev, 0, sizeof(*ev));
	ev->line = r->lineno;
	ev->cycle = r->cycle;
	if (tok[0] == '@' || tok[0] == '+') {
		rc = parse_time(r, tok, ev);
		if (rc)
			return rc;
		tok = next_token(&rest);
		if (!tok)
			return fail(r, "op: missing after the time, expected " OPS_EXPECT);
	}

	memset(&f, 0, sizeof(f));
	for (size_t i = 0; i < N_OPS; i++)
		if (!strcmp(tok, op_specs[i].name))
			f.spec = &op_specs[i];
	if (!f.spec)
		return fail(r, "op: unknown operation %s, expected " OPS_EXPECT, quote(tok).s);
	ev->op = f.spec->op;

	while ((tok = next_token(&rest))) {
		char *eq = strchr(tok, '=');
		unsigned i;

		if (tok[0] == '@' || tok[0] == '+')
			return fail(r,
				    "time: %s is not the first token, expected the time before the "
				    "operation",
				    quote(tok).s);
		if (!eq)
			return fail(r, "%s: %s is not key=value, expected %s", f.spec->name,
				    quote(tok).s, f.spec->usage);
		*eq = '\0';
		for (i = 0; i < TRACE_MAX_KEYS && f.spec->keys[i].name; i++)
			if (!strcmp(tok, f.spec->keys[i].name))
				break;
		if (i == TRACE_MAX_KEYS || !f.spec->keys[i].name)
			return fail(r, "%s: unknown key %s, expected %s", f.spec->name,
				    quote(tok).s, f.spec->usage);
		if (f.seen[i])
			return fail(r, "%s: given twice, expected one %s= per line", tok, tok);
		f.seen[i] = true;
		rc = parse_value(r, &f, i, eq + 1);
		if (rc)
			return rc;
	}
	return finish_event(r, &f, ev);
}

/* Makes room for n + 1 bytes in r->line. */
static int reserve_line(struct trace_reader *r, size_t n)
{
	char *p;

	if (n + 1 <= r->cap)
		return 0;
	p = realloc(r->line, n + 1);
	if (!p)
		return -IOMMU_ENOMEM;
	r->line = p;
	r->cap = n + 1;
	return 0;
}

/* Next line into r->line without its newline: 1, 0 at the end, or < 0. */
static int read_line(struct trace_reader *r, size_t *len)
{
	size_t n;

	if (r->f) {
		ssize_t got;

		errno = 0;
		got = getline(&r->line, &r->cap, r->f);
		if (got < 0) {
			if (ferror(r->f)) {
				int e = errno;

				r->lineno++;
				fail(r, "read: %s, expected a readable trace",
				     strerror(e ? e : EIO));
				return -IOMMU_EIO;
			}
			return 0;
		}
		n = (size_t)got;
	} else {
		const char *start = r->buf + r->pos, *nl;

		if (r->pos >= r->len)
			return 0;
		nl = memchr(start, '\n', r->len - r->pos);
		n = nl ? (size_t)(nl - start) + 1 : r->len - r->pos;
		if (reserve_line(r, n))
			return -IOMMU_ENOMEM;
		memcpy(r->line, start, n);
		r->line[n] = '\0';
		r->pos += n;
	}
	r->text_pos += n;
	r->lineno++;
	if (n > 0 && r->line[n - 1] == '\n')
		r->line[--n] = '\0';
	*len = n;
	return 1;
}

/* The 4 bytes that start every zstd frame (little-endian 0xFD2FB528). */
static const char zstd_magic[4] = {'\x28', '\xb5', '\x2f', '\xfd'};

static int text_next(struct trace_reader *r, struct trace_event *ev)
{
	for (;;) {
		size_t len;
		char *rest, *tok, *hash;
		int rc;

		rc = read_line(r, &len);
		if (rc < 0) {
			if (rc == -IOMMU_ENOMEM)
				snprintf(r->err, sizeof(r->err), "%s:%" PRIu64 ": out of memory",
					 r->name, r->lineno + 1);
			r->failed = true;
			return rc;
		}
		if (rc == 0) {
			if (!r->header_seen) {
				r->lineno = r->lineno ? r->lineno : 1;
				return fail(r, "header: missing, expected '" TRACE_HEADER
					       "' as the first line");
			}
			return 0;
		}
		if (!r->header_seen && r->lineno == 1 && len >= 4 &&
		    !memcmp(r->line, zstd_magic, 4))
			return fail(r, "header: a zstd-compressed file, expected a text trace "
				       "('" TRACE_HEADER "') or an iommusim binary trace "
				       "(decompress it with zstd -d first)");
		if (memchr(r->line, '\0', len))
			return fail(r, "line: contains a NUL byte, expected text");
		hash = strchr(r->line, '#');
		if (hash)
			*hash = '\0';
		rest = r->line;
		tok = next_token(&rest);
		if (!tok)
			continue;
		if (!r->header_seen) {
			rc = parse_header(r, tok, rest);
			if (rc)
				return rc;
			continue;
		}
		rc = parse_event(r, tok, rest, ev);
		return rc ? rc : 1;
	}
}

/* ---- binary ------------------------------------------------------------ */

static const char *const format_name[] = {
	[TRACE_FORMAT_AUTO] = "auto",
	[TRACE_FORMAT_TEXT] = "text",
	[TRACE_FORMAT_BIN] = "bin",
};

/* The file header: magic, version, flags. */
static int bin_header(struct trace_reader *r)
{
	uint8_t h[TRACE_BIN_HEADER_LEN];
	uint64_t version, flags;
	size_t got;

	if (zin_raw(r->z, h, sizeof(h), &got))
		return fail(r, "read: %s, expected a readable trace", zin_error(r->z));
	if (got < TRACE_BIN_MAGIC_LEN || memcmp(h, TRACE_BIN_MAGIC, TRACE_BIN_MAGIC_LEN)) {
		char hex[3 * TRACE_BIN_MAGIC_LEN + 1] = "";

		for (size_t i = 0; i < got && i < TRACE_BIN_MAGIC_LEN; i++)
			snprintf(hex + (i ? 3 * i - 1 : 0), sizeof(hex) - (i ? 3 * i - 1 : 0),
				 "%s%02x", i ? " " : "", h[i]);
		return fail(r,
			    "magic: '%s' is not the binary trace magic, expected 89 49 4f 4d 4d 55 "
			    "0d 0a%s",
			    hex,
			    got && h[0] != 0x89 ? " (a text trace is read with --from text)" : "");
	}
	if (got < sizeof(h))
		return fail(r,
			    "file header cut off after %zu of %u bytes, expected magic, version "
			    "and flags",
			    got, TRACE_BIN_HEADER_LEN);
	version = trace_le_get(h + 8, 4);
	flags = trace_le_get(h + 12, 4);
	if (version < 1 || version > TRACE_BIN_VERSION)
		return fail(r, "version: %" PRIu64 " is not supported, expected 1..%u", version,
			    TRACE_BIN_VERSION);
	r->bin_version = (unsigned)version;
	if (flags)
		return fail(r, "flags: 0x%" PRIx64 " has reserved bits set, expected 0", flags);
	return 0;
}

/* Decodes the values of record rec (head included) into f. */
static int bin_fields(struct trace_reader *r, const uint8_t *rec, struct trace_fields *f)
{
	unsigned n = trace_bin_nkeys(f->spec, r->bin_version),
		 mask = (unsigned)trace_le_get(rec + 9, 2);
	const uint8_t *p = rec + TRACE_BIN_RECORD_HEAD;

	if (mask >> n)
		return fail(
			r,
			"%s: key mask 0x%04x has bits beyond the %u keys, expected 0x%04x at most",
			f->spec->name, mask, n, (1u << n) - 1);
	for (unsigned i = 0; i < n; i++) {
		const struct trace_key_spec *k = &f->spec->keys[i];
		bool set = false;

		f->seen[i] = mask >> i & 1;
		switch (k->kind) {
		case K_DESC:
			f->desc_words = p[0];
			set = p[0];
			for (unsigned w = 0; w < 4; w++) {
				f->desc[w] = trace_le_get(p + 1 + 8 * w, 8);
				set |= f->desc[w] != 0;
			}
			break;
		case K_GEOM: f->v[i] = trace_le_get(p, 4) << 32 | trace_le_get(p + 4, 4); break;
		case K_MAP_SIZE:
			f->v[i] = trace_le_get(p, 8);
			if (p[8] > 1)
				return fail(r, "%s: one-page flag %u, expected 0 or 1", k->name,
					    p[8]);
			f->page[i] = p[8];
			set = p[8];
			break;
		default: f->v[i] = trace_le_get(p, trace_bin_width(k->kind)); break;
		}
		set |= f->v[i] != 0;
		p += trace_bin_width(k->kind);
		if (!f->seen[i]) {
			if (set)
				return fail(r,
					    "%s: a value is stored but the key is absent (mask bit "
					    "%u clear), expected 0",
					    k->name, i);
			continue;
		}
		if (check_value(r, f, i, NULL))
			return -IOMMU_EINVAL;
	}
	return 0;
}

static int bin_next(struct trace_reader *r, struct trace_event *ev)
{
	uint8_t rec[TRACE_BIN_RECORD_MAX];
	struct trace_fields f;
	enum trace_op op;
	unsigned size;
	uint64_t delta;
	size_t got;

	if (!r->lineno && bin_header(r))
		return -IOMMU_EINVAL;
	r->lineno++;
	if (zin_read(r->z, rec, 1, &got))
		return fail(r, "zstd: %s, expected an intact zstd stream", zin_error(r->z));
	if (!got) {
		r->lineno--;
		return 0;
	}
	if (trace_bin_op(rec[0], &op))
		return fail(r, "type: 0x%02x is not a record type, expected 1..15 (" OPS_EXPECT ")",
			    rec[0]);
	memset(&f, 0, sizeof(f));
	f.spec = trace_op_spec(op);
	size = trace_bin_record_size(f.spec, r->bin_version);
	if (zin_read(r->z, rec + 1, size - 1, &got))
		return fail(r, "zstd: %s, expected an intact zstd stream", zin_error(r->z));
	if (got < size - 1)
		return fail(r,
			    "%s: record cut off after %zu of %u bytes, expected a whole record "
			    "(truncated trace?)",
			    f.spec->name, got + 1, size);

	memset(ev, 0, sizeof(*ev));
	ev->op = op;
	ev->line = r->lineno;
	delta = trace_le_get(rec + 1, 8);
	if (delta > UINT64_MAX - r->cycle)
		return fail(r,
			    "time: '+%" PRIu64
			    "' takes the cycle past 2^64, expected a smaller step",
			    delta);
	ev->cycle = r->cycle + delta;
	if (bin_fields(r, rec, &f) || finish_event(r, &f, ev))
		return -IOMMU_EINVAL;
	return 1;
}

/* Which form the input is: the binary magic starts with 0x89, which no text
 * trace starts with. */
static int detect(struct trace_reader *r)
{
	int c;

	if (r->f) {
		c = getc(r->f);
		if (c == EOF && ferror(r->f)) {
			r->lineno = 1;
			return fail(r, "read: %s, expected a readable trace",
				    strerror(errno ? errno : EIO));
		}
		if (c != EOF)
			ungetc(c, r->f);
	} else {
		c = r->len ? (unsigned char)r->buf[0] : EOF;
	}
	if (r->expect == TRACE_FORMAT_TEXT && c == 0x89) {
		r->format = TRACE_FORMAT_TEXT;
		r->lineno = 1;
		return fail(r, "header: a binary trace, expected a text trace ('" TRACE_HEADER
			       "'; a binary one is read with --from bin)");
	}
	/* With --from bin, bin_header says what is wrong with a text file. */
	r->format =
		c == 0x89 || r->expect == TRACE_FORMAT_BIN ? TRACE_FORMAT_BIN : TRACE_FORMAT_TEXT;
	if (r->format == TRACE_FORMAT_BIN) {
		r->z = r->f ? zin_open_file(r->f) : zin_open_mem(r->buf, r->len);
		if (!r->z) {
			snprintf(r->err, sizeof(r->err), "%s: out of memory", r->name);
			r->failed = true;
			return -IOMMU_ENOMEM;
		}
	}
	return 0;
}

int trace_next(struct trace_reader *r, struct trace_event *ev)
{
	if (r->failed)
		return -IOMMU_EINVAL;
	if (r->format == TRACE_FORMAT_AUTO) {
		int rc = detect(r);

		if (rc)
			return rc;
	}
	return r->format == TRACE_FORMAT_BIN ? bin_next(r, ev) : text_next(r, ev);
}

/* ---- reader lifetime --------------------------------------------------- */

static struct trace_reader *reader_new(const char *name)
{
	size_t n = strlen(name) + 1;
	struct trace_reader *r = calloc(1, sizeof(*r) + n);

	if (r)
		memcpy(r->name, name, n);
	return r;
}

struct trace_reader *trace_open_file(FILE *f, const char *name)
{
	struct trace_reader *r = reader_new(name);

	if (r)
		r->f = f;
	return r;
}

struct trace_reader *trace_open_mem(const char *buf, size_t len, const char *name)
{
	struct trace_reader *r = reader_new(name);

	if (r) {
		r->buf = buf;
		r->len = len;
	}
	return r;
}

void trace_expect_format(struct trace_reader *r, enum trace_format format)
{
	r->expect = format;
}

void trace_close(struct trace_reader *r)
{
	if (!r)
		return;
	zin_close(r->z);
	free(r->line);
	free(r);
}

const char *trace_error(const struct trace_reader *r)
{
	return r->err;
}

const char *trace_name(const struct trace_reader *r)
{
	return r->name;
}

const char *trace_unit(const struct trace_reader *r)
{
	return r->format == TRACE_FORMAT_BIN ? "record " : "";
}

enum trace_format trace_format(const struct trace_reader *r)
{
	return r->format;
}

const char *trace_format_name(enum trace_format format)
{
	return format_name[format];
}

uint64_t trace_input_pos(const struct trace_reader *r)
{
	return r->z ? zin_consumed(r->z) : r->text_pos;
}

const char *trace_op_name(enum trace_op op)
{
	return trace_op_spec(op)->name;
}

const char *trace_access_name(enum trace_access op)
{
	return op == TRACE_ACC_W ? "w" : op == TRACE_ACC_X ? "x" : "r";
}

void trace_format_bdf(char *buf, size_t len, uint16_t sid)
{
	snprintf(buf, len, "%02x:%02x.%x", (unsigned)(sid >> 8), (unsigned)((sid >> 3) & 0x1f),
		 (unsigned)(sid & 7));
}

/* ---- tables shared with the writers ------------------------------------ */

const struct trace_op_spec *trace_op_spec(enum trace_op op)
{
	for (size_t i = 0; i < N_OPS; i++)
		if (op_specs[i].op == op)
			return &op_specs[i];
	assert(!"operation without a spec");
	return &op_specs[0];
}

unsigned trace_op_nkeys(const struct trace_op_spec *spec)
{
	unsigned n = 0;

	while (n < TRACE_MAX_KEYS && spec->keys[n].name)
		n++;
	return n;
}

/* Binary record types, in the order of enum trace_op (format.md). */
static const enum trace_op bin_ops[] = {
	TRACE_OP_DOMAIN, TRACE_OP_MAP,   TRACE_OP_UNMAP,  TRACE_OP_ATTACH, TRACE_OP_DETACH,
	TRACE_OP_DMA,    TRACE_OP_FLUSH, TRACE_OP_QI,     TRACE_OP_WAIT,   TRACE_OP_ATS,
	TRACE_OP_DEVICE, TRACE_OP_BIND,  TRACE_OP_UNBIND, TRACE_OP_FREE,   TRACE_OP_GFLUSH,
};

unsigned trace_bin_type(enum trace_op op)
{
	for (unsigned i = 0; i < sizeof(bin_ops) / sizeof(bin_ops[0]); i++)
		if (bin_ops[i] == op)
			return i + 1;
	return 0;
}

int trace_bin_op(unsigned type, enum trace_op *op)
{
	if (type < 1 || type > sizeof(bin_ops) / sizeof(bin_ops[0]))
		return -1;
	*op = bin_ops[type - 1];
	return 0;
}

unsigned trace_bin_width(enum trace_kind kind)
{
	switch (kind) {
	case K_DOMID:
	case K_DID:
	case K_COUNT:
	case K_BDF: return 2;
	case K_STAGE:
	case K_LEVELS:
	case K_PERM:
	case K_BOOL:
	case K_XLATE:
	case K_ACCESS: return 1;
	case K_PASID: return 4;
	case K_PAGE_ADDR:
	case K_ADDR:
	case K_BYTES: return 8;
	case K_MAP_SIZE: return 9; /* size, one-page flag */
	case K_DESC: return 33;    /* words, Q0..Q3 */
	case K_GEOM: return 8;     /* sets, ways */
	}
	return 0;
}

/* Keys binary version 2 added, last in their operations: iommu=. */
static const struct {
	enum trace_op op;
	unsigned v1_keys;
} bin_v1[] = {{TRACE_OP_FLUSH, 5}, {TRACE_OP_DEVICE, 4}};

unsigned trace_bin_nkeys(const struct trace_op_spec *spec, unsigned version)
{
	for (size_t i = 0; version < 2 && i < sizeof(bin_v1) / sizeof(bin_v1[0]); i++)
		if (bin_v1[i].op == spec->op)
			return bin_v1[i].v1_keys;
	return trace_op_nkeys(spec);
}

unsigned trace_bin_record_size(const struct trace_op_spec *spec, unsigned version)
{
	unsigned size = TRACE_BIN_RECORD_HEAD;

	for (unsigned i = 0; i < trace_bin_nkeys(spec, version); i++)
		size += trace_bin_width(spec->keys[i].kind);
	return size;
}

unsigned trace_bin_encode(const struct trace_fields *f, uint64_t delta, uint8_t *rec)
{
	unsigned n = trace_op_nkeys(f->spec), mask = 0;
	uint8_t *p = rec + TRACE_BIN_RECORD_HEAD;

	rec[0] = (uint8_t)trace_bin_type(f->spec->op);
	trace_le_put(rec + 1, delta, 8);
	for (unsigned i = 0; i < n; i++) {
		const struct trace_key_spec *k = &f->spec->keys[i];
		unsigned w = trace_bin_width(k->kind);

		memset(p, 0, w);
		if (f->seen[i]) {
			mask |= 1u << i;
			switch (k->kind) {
			case K_DESC:
				p[0] = (uint8_t)f->desc_words;
				for (unsigned j = 0; j < 4; j++)
					trace_le_put(p + 1 + 8 * j, f->desc[j], 8);
				break;
			case K_GEOM:
				trace_le_put(p, f->v[i] >> 32, 4);
				trace_le_put(p + 4, f->v[i] & 0xffffffffu, 4);
				break;
			case K_MAP_SIZE:
				trace_le_put(p, f->v[i], 8);
				p[8] = f->page[i];
				break;
			default: trace_le_put(p, f->v[i], w); break;
			}
		}
		p += w;
	}
	trace_le_put(rec + 9, mask, 2);
	return (unsigned)(p - rec);
}

/* key i of f: seen, with value v. */
static void put(struct trace_fields *f, const char *name, uint64_t v)
{
	int i = key_index(f, name);

	f->seen[i] = true;
	f->v[i] = v;
}

static void put_endpoint(struct trace_fields *f, const struct trace_endpoint *ep)
{
	put(f, "dev", ep->sid);
	if (ep->has_pasid)
		put(f, "pasid", ep->pasid);
}

void trace_event_fields(const struct trace_event *ev, struct trace_fields *f)
{
	memset(f, 0, sizeof(*f));
	f->spec = trace_op_spec(ev->op);
	switch (ev->op) {
	case TRACE_OP_DOMAIN: {
		const struct trace_domain *d = &ev->u.domain;

		put(f, "id", d->id);
		put(f, "stage", d->stage);
		put(f, "levels", d->levels);
		if (d->has_parent)
			put(f, "parent", d->parent);
		break;
	}
	case TRACE_OP_MAP:
	case TRACE_OP_UNMAP: {
		const struct trace_map *m = &ev->u.map;

		put(f, "dom", m->dom);
		put(f, "iova", m->iova);
		put(f, "size", m->size);
		if (ev->op == TRACE_OP_UNMAP)
			break;
		f->page[key_index(f, "size")] = m->one_page;
		put(f, "pa", m->pa);
		put(f, "perm", m->perm);
		if (m->user)
			put(f, "user", 1);
		if (m->lazy)
			put(f, "lazy", 1);
		break;
	}
	case TRACE_OP_ATTACH: {
		const struct trace_attach *a = &ev->u.attach;
		const bool first_level = a->type == TRACE_XLATE_S1 || a->type == TRACE_XLATE_NESTED;

		put_endpoint(f, &a->ep);
		put(f, "type", a->type);
		if (a->s1)
			put(f, "s1", a->s1);
		if (a->s2)
			put(f, "s2", a->s2);
		if (a->has_did)
			put(f, "did", a->did);
		/* First-level flags default to 1 with s1 and nested. */
		if (a->sre != first_level)
			put(f, "sre", a->sre);
		if (a->ere != first_level)
			put(f, "ere", a->ere);
		if (a->wpe != first_level)
			put(f, "wpe", a->wpe);
		if (a->nxe != first_level)
			put(f, "nxe", a->nxe);
		if (a->has_ats)
			put(f, "ats", a->ats);
		if (a->has_devtlb)
			put(f, "devtlb", (uint64_t)a->devtlb_sets << 32 | a->devtlb_ways);
		if (a->has_respond)
			put(f, "respond", a->respond);
		break;
	}
	case TRACE_OP_DETACH: put_endpoint(f, &ev->u.detach); break;
	case TRACE_OP_DEVICE: {
		const struct trace_device *dv = &ev->u.device;

		put(f, "dev", dv->sid);
		if (dv->has_outstanding)
			put(f, "outstanding", dv->outstanding);
		if (dv->has_pasid)
			put(f, "pasid", dv->pasid);
		if (dv->has_pri)
			put(f, "pri", dv->pri);
		if (dv->has_iommu)
			put(f, "iommu", dv->iommu);
		break;
	}
	case TRACE_OP_BIND: {
		const struct trace_bind *b = &ev->u.bind;

		put_endpoint(f, &b->ep);
		if (b->has_gpasid)
			put(f, "gpasid", b->gpasid);
		put(f, "s1", b->s1);
		if (b->levels != 4)
			put(f, "levels", b->levels);
		if (b->sre)
			put(f, "sre", 1);
		if (b->ere)
			put(f, "ere", 1);
		if (b->wpe)
			put(f, "wpe", 1);
		put(f, "vm", b->vm);
		break;
	}
	case TRACE_OP_UNBIND: put_endpoint(f, &ev->u.unbind); break;
	case TRACE_OP_FREE: put(f, "vm", ev->u.free_vm); break;
	case TRACE_OP_GFLUSH:
		put_endpoint(f, &ev->u.gflush.ep);
		if (ev->u.gflush.size) {
			put(f, "iova", ev->u.gflush.iova);
			put(f, "size", ev->u.gflush.size);
		}
		break;
	case TRACE_OP_DMA:
	case TRACE_OP_ATS: {
		const struct trace_dma *d = &ev->u.dma;

		put_endpoint(f, &d->ep);
		if (d->priv)
			put(f, "priv", 1);
		put(f, "addr", d->addr);
		put(f, "size", d->size);
		put(f, "op", d->op);
		break;
	}
	case TRACE_OP_FLUSH: {
		const struct trace_flush *fl = &ev->u.flush;

		put(f, "dom", fl->dom);
		if (fl->has_pasid)
			put(f, "pasid", fl->pasid);
		if (fl->size) {
			put(f, "iova", fl->iova);
			put(f, "size", fl->size);
		}
		if (fl->leaf)
			put(f, "leaf", 1);
		if (fl->has_iommu)
			put(f, "iommu", fl->iommu);
		break;
	}
	case TRACE_OP_QI:
		put(f, "desc", 0);
		f->desc_words = ev->u.qi.words;
		for (unsigned i = 0; i < 4; i++)
			f->desc[i] = ev->u.qi.qw[i];
		break;
	case TRACE_OP_WAIT: break;
	}
}

/* name of an enumerated value, or the number when it has none. */
static void format_word(char *buf, size_t len, uint64_t v, const char *const *names, unsigned n)
{
	if (v < n && names[v])
		snprintf(buf, len, "%s", names[v]);
	else
		snprintf(buf, len, "%" PRIu64, v);
}

void trace_format_value(const struct trace_fields *f, unsigned i, char *buf, size_t len)
{
	uint64_t v = f->v[i];

	switch (f->spec->keys[i].kind) {
	case K_DOMID:
	case K_DID:
	case K_COUNT:
	case K_PASID:
	case K_BYTES: snprintf(buf, len, "%" PRIu64, v); break;
	case K_PAGE_ADDR:
	case K_ADDR: snprintf(buf, len, "0x%" PRIx64, v); break;
	case K_MAP_SIZE:
		if (f->page[i] && v == 1ull << 12)
			snprintf(buf, len, "4K");
		else if (f->page[i] && v == 1ull << 21)
			snprintf(buf, len, "2M");
		else if (f->page[i] && v == 1ull << 30)
			snprintf(buf, len, "1G");
		else
			snprintf(buf, len, "0x%" PRIx64, v);
		break;
	case K_STAGE: format_word(buf, len, v, WORDS(stage_words)); break;
	case K_LEVELS: format_word(buf, len, v, WORDS(levels_words)); break;
	case K_BOOL: format_word(buf, len, v, WORDS(bool_words)); break;
	case K_XLATE: format_word(buf, len, v, WORDS(xlate_words)); break;
	case K_ACCESS: format_word(buf, len, v, WORDS(access_words)); break;
	case K_PERM:
		if (v & ~(uint64_t)7)
			snprintf(buf, len, "0x%" PRIx64, v);
		else
			snprintf(buf, len, "%s%s%s", v & TRACE_PERM_R ? "r" : "",
				 v & TRACE_PERM_W ? "w" : "", v & TRACE_PERM_X ? "x" : "");
		break;
	case K_BDF: trace_format_bdf(buf, len, (uint16_t)v); break;
	case K_DESC: {
		size_t off = 0;

		buf[0] = '\0';
		for (unsigned w = 0; w < f->desc_words && w < 4 && off < len; w++) {
			int n = snprintf(buf + off, len - off, "%s0x%" PRIx64, w ? "," : "",
					 f->desc[w]);

			if (n < 0)
				break;
			off += (size_t)n;
		}
		break;
	}
	case K_GEOM: snprintf(buf, len, "%" PRIu64 "x%" PRIu64, v >> 32, v & 0xffffffffu); break;
	}
}
