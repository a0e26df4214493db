/*
 * Shared between the trace reader (trace.c) and the trace writers
 * (trace_write.c): the operation and key tables, the parsed form of one
 * event's keys, and the binary form's constants (traces/format.md).
 *
 * Both forms of a trace go through struct trace_fields: the text reader
 * parses key=value tokens into it, the binary reader decodes a record into
 * it, and both then run the same checks to build the event. The writers go
 * the other way: trace_event_fields gives the canonical keys of an event,
 * trace_format_value their canonical text.
 */
#ifndef IOMMUSIM_TRACE_INTERNAL_H
#define IOMMUSIM_TRACE_INTERNAL_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "trace.h"

#define TRACE_MAX_KEYS 16

/* What a value must look like. */
enum trace_kind {
	K_DOMID,     /* domain ID 1..65535 */
	K_DID,       /* domain ID 0..65535 */
	K_STAGE,     /* s1 | s2 */
	K_LEVELS,    /* 3 | 4 | 5 */
	K_PAGE_ADDR, /* 4 KiB aligned address */
	K_ADDR,      /* any address */
	K_MAP_SIZE,  /* positive multiple of 4 KiB; 4K/2M/1G mark one page */
	K_BYTES,     /* positive byte count */
	K_PERM,      /* letters from r, w, x */
	K_BOOL,      /* 0 | 1 */
	K_BDF,       /* BB:DD.F */
	K_PASID,     /* 0..0xfffff */
	K_XLATE,     /* pt | s1 | s2 | nested */
	K_ACCESS,    /* r | w | x */
	K_DESC,      /* Q0,Q1,Q2,Q3: 0x hex words (or Q0,Q1) */
	K_GEOM,      /* SETSxWAYS */
	K_COUNT,     /* a number 0..65535 */
};

struct trace_key_spec {
	const char *name;
	enum trace_kind kind;
	bool required;
};

struct trace_op_spec {
	const char *name;
	enum trace_op op;
	const char *usage;
	struct trace_key_spec keys[TRACE_MAX_KEYS];
};

/* Values of one event's keys, indexed like trace_op_spec.keys. */
struct trace_fields {
	const struct trace_op_spec *spec;
	uint64_t v[TRACE_MAX_KEYS];
	bool seen[TRACE_MAX_KEYS];
	bool page[TRACE_MAX_KEYS]; /* K_MAP_SIZE written as 4K, 2M or 1G */
	uint64_t desc[4];          /* K_DESC words (one K_DESC key per operation) */
	unsigned desc_words;
};

/* The operation's table entry (every enum trace_op has one). */
const struct trace_op_spec *trace_op_spec(enum trace_op op);
/* Number of keys of an operation. */
unsigned trace_op_nkeys(const struct trace_op_spec *spec);

/* The canonical keys of ev: the keys a text line needs to give this event,
 * defaults left out (see "Canonical form" in traces/format.md). */
void trace_event_fields(const struct trace_event *ev, struct trace_fields *f);
/* Canonical text of key i's value into buf (NUL-terminated, cut to len). */
void trace_format_value(const struct trace_fields *f, unsigned i, char *buf, size_t len);

/* ---- messages (trace.c; the ftrace converter uses them too) ---------- */

#define TRACE_QUOTE_MAX 48 /* longest token quoted back in a message */

/* 'token' for messages, cut to TRACE_QUOTE_MAX characters. */
struct trace_quoted {
	char s[TRACE_QUOTE_MAX + 8];
};
struct trace_quoted trace_quote(const char *tok);

/* err = where + ": " + the message (cut to len). */
__attribute__((format(printf, 4, 0))) void trace_vmessage(char *err, size_t len, const char *where,
							  const char *fmt, va_list ap);

static inline bool trace_is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\v' || c == '\f';
}

/* ---- binary form ---------------------------------------------------- */

#define TRACE_BIN_MAGIC       "\x89IOMMU\r\n"
#define TRACE_BIN_MAGIC_LEN   8u
#define TRACE_BIN_VERSION     2u /* written; a reader also takes 1 (no v2 keys) */
#define TRACE_BIN_HEADER_LEN  16u
/* Record: type (1) + cycle delta (8) + key mask (2) + the keys' values. */
#define TRACE_BIN_RECORD_HEAD 11u
#define TRACE_BIN_RECORD_MAX  (TRACE_BIN_RECORD_HEAD + 64u)

/* Record type of an operation (1..9) and back (-1: no such type). */
unsigned trace_bin_type(enum trace_op op);
int trace_bin_op(unsigned type, enum trace_op *op);
/* Bytes a value of this kind takes in a record. */
unsigned trace_bin_width(enum trace_kind kind);
/* Keys of an operation a record of binary version `version` holds. */
unsigned trace_bin_nkeys(const struct trace_op_spec *spec, unsigned version);
/* Whole record size of an operation in binary version `version`, head
 * included. */
unsigned trace_bin_record_size(const struct trace_op_spec *spec, unsigned version);

static inline void trace_le_put(uint8_t *p, uint64_t v, unsigned bytes)
{
	for (unsigned i = 0; i < bytes; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

static inline uint64_t trace_le_get(const uint8_t *p, unsigned bytes)
{
	uint64_t v = 0;

	for (unsigned i = 0; i < bytes; i++)
		v |= (uint64_t)p[i] << (8 * i);
	return v;
}

/* Encodes f (cycle delta delta) into rec: the record's size. */
unsigned trace_bin_encode(const struct trace_fields *f, uint64_t delta, uint8_t *rec);

#endif
