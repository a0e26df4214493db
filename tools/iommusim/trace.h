/*
 * Trace reader for the trace format, version 1 (traces/format.md): the text
 * form (tokenizer and parser) and the binary form (zstd-compressed records),
 * told apart by the first byte.
 *
 * A reader pulls one line (or record) at a time from a FILE* or a memory
 * buffer and yields one parsed, range-checked event per call, with its line
 * (record) number and cycle; nothing it keeps grows with the trace. Events are flavour-neutral
 * (stages and translation types, not VT-d encodings); the driver turns them into table edits and
 * DMA requests. Every malformed line stops the reader with one message of the form "FILE:LINE:
 * <field or op>: <what was wrong>, expected <what>".
 */
#ifndef IOMMUSIM_TRACE_H
#define IOMMUSIM_TRACE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define TRACE_HEADER     "iommusim-trace v1"
/* IOMMU instances a trace can name (iommu=0..TRACE_MAX_IOMMUS-1). */
#define TRACE_MAX_IOMMUS 8u

enum trace_op {
	TRACE_OP_DOMAIN,
	TRACE_OP_MAP,
	TRACE_OP_UNMAP,
	TRACE_OP_ATTACH,
	TRACE_OP_DETACH,
	TRACE_OP_DMA,
	TRACE_OP_FLUSH,  /* what a driver sends after a table change */
	TRACE_OP_QI,     /* one raw invalidation descriptor */
	TRACE_OP_WAIT,   /* an invalidation wait */
	TRACE_OP_ATS,    /* ATS translation requests (device-TLB prefetch) */
	TRACE_OP_DEVICE, /* device capabilities and replay settings */
	TRACE_OP_BIND,   /* guest PASID bind (nested, vSVA) */
	TRACE_OP_UNBIND, /* guest PASID unbind */
	TRACE_OP_FREE,   /* a guest's PASID set freed (the VM dies) */
	TRACE_OP_GFLUSH, /* a guest's IOTLB flush for its PASID, passed through */
};

enum trace_stage {
	TRACE_STAGE_S1 = 1, /* first stage: CPU-format tables */
	TRACE_STAGE_S2 = 2, /* second stage: IOMMU-format tables */
};

enum trace_xlate {
	TRACE_XLATE_PT,     /* pass-through */
	TRACE_XLATE_S1,     /* first stage only */
	TRACE_XLATE_S2,     /* second stage only */
	TRACE_XLATE_NESTED, /* first stage over second stage */
};

enum trace_access {
	TRACE_ACC_R,
	TRACE_ACC_W,
	TRACE_ACC_X,
};

/* Permission bits of map perm=. */
#define TRACE_PERM_R 0x1u
#define TRACE_PERM_W 0x2u
#define TRACE_PERM_X 0x4u

/* A requester and, optionally, a PASID. */
struct trace_endpoint {
	uint16_t sid; /* bus << 8 | dev << 3 | fn */
	bool has_pasid;
	uint32_t pasid;
};

struct trace_domain {
	unsigned id; /* 1..65535 */
	enum trace_stage stage;
	unsigned levels;
	bool has_parent;
	unsigned parent;
};

/* map and unmap (unmap leaves pa, one_page, perm and user zero). */
struct trace_map {
	unsigned dom;
	uint64_t iova, pa, size;
	bool one_page; /* size was written 4K, 2M or 1G: exactly one page */
	unsigned perm; /* TRACE_PERM_* */
	bool user;
	bool lazy; /* mapped on a page request (demand paging), not now */
};

struct trace_attach {
	struct trace_endpoint ep;
	enum trace_xlate type;
	unsigned s1, s2; /* domain IDs, 0 when the type uses none */
	bool has_did;
	uint16_t did;
	bool sre, ere, wpe, nxe;
	/* ATS: ats is the value of ats= (has_ats: the key was given); an
	 * endpoint's device TLB geometry and whether it answers invalidation
	 * requests, each only with ats=1. */
	bool has_ats, ats;
	bool has_devtlb;
	unsigned devtlb_sets, devtlb_ways;
	bool has_respond, respond;
};

/* Default device TLB of an ATS endpoint: sets x ways, LRU. */
#define TRACE_DEVTLB_SETS 16u
#define TRACE_DEVTLB_WAYS 4u

struct trace_flush {
	unsigned dom;
	bool has_pasid; /* only the attachments at this PASID */
	uint32_t pasid;
	uint64_t iova, size; /* size 0: the whole domain */
	bool leaf;           /* only leaf entries changed (IH = 1) */
	bool has_iommu;      /* only on IOMMU iommu (else every IOMMU with the domain) */
	unsigned iommu;
};

/* One raw 256-bit descriptor (a 128-bit one has qw[2] = qw[3] = 0). */
struct trace_qi {
	uint64_t qw[4];
	unsigned words; /* as written: 2 or 4 */
};

struct trace_dma {
	struct trace_endpoint ep;
	bool priv;
	uint64_t addr, size;
	enum trace_access op;
};

/* device: at most `outstanding` DMA requests in flight (0: open loop);
 * PCIe capabilities the driver enables (PASID, PRI). */
struct trace_device {
	uint16_t sid;
	bool has_outstanding;
	unsigned outstanding;
	bool has_pasid, pasid; /* PASID capability */
	bool has_pri, pri;     /* page requests */
	bool has_iommu;        /* the device sits behind IOMMU iommu (default 0) */
	unsigned iommu;
};

/* bind: host PASID ep.pasid of ep.sid to the guest table of s1 domain s1. */
struct trace_bind {
	struct trace_endpoint ep;
	bool has_gpasid;
	uint32_t gpasid;
	unsigned s1;
	unsigned levels; /* 4 (48-bit) or 5 (57-bit) */
	bool sre, ere, wpe;
	unsigned vm;
};

/* gflush: ep's guest flush of [iova, iova + size) (size 0: all). */
struct trace_gflush {
	struct trace_endpoint ep;
	uint64_t iova, size;
};

struct trace_event {
	enum trace_op op;
	uint64_t line;  /* 1-based line (record number in a binary trace) */
	uint64_t cycle; /* absolute cycle stamp */
	union {
		struct trace_domain domain;
		struct trace_map map; /* map, unmap */
		struct trace_attach attach;
		struct trace_endpoint detach;
		struct trace_dma dma; /* dma, ats */
		struct trace_device device;
		struct trace_bind bind;
		struct trace_endpoint unbind;
		unsigned free_vm;
		struct trace_gflush gflush;
		struct trace_flush flush;
		struct trace_qi qi;
	} u;
};

struct trace_reader;

enum trace_format {
	TRACE_FORMAT_AUTO, /* not known yet / either */
	TRACE_FORMAT_TEXT,
	TRACE_FORMAT_BIN,
};

/* name is what messages call the trace (usually its path); it is copied.
 * The reader does not own f. Both return NULL when out of memory. */
struct trace_reader *trace_open_file(FILE *f, const char *name);
struct trace_reader *trace_open_mem(const char *buf, size_t len, const char *name);
void trace_close(struct trace_reader *r);
/* Before the first trace_next: accept only this form (the default,
 * TRACE_FORMAT_AUTO, takes either). */
void trace_expect_format(struct trace_reader *r, enum trace_format format);

/* Reads the next event into *ev: 1 when one was read, 0 at the end of the
 * trace, negative -IOMMU_E* on malformed input (trace_error says why) or a
 * read error. After an error the reader stays failed. */
int trace_next(struct trace_reader *r, struct trace_event *ev);
const char *trace_error(const struct trace_reader *r);
const char *trace_name(const struct trace_reader *r);
/* What comes between "NAME:" and the line number in messages: "" for a
 * text trace, "record " for a binary one. */
const char *trace_unit(const struct trace_reader *r);
/* The form being read (TRACE_FORMAT_AUTO before the first trace_next). */
enum trace_format trace_format(const struct trace_reader *r);
const char *trace_format_name(enum trace_format format);
/* Input bytes consumed so far (compressed bytes for a binary trace). */
uint64_t trace_input_pos(const struct trace_reader *r);

/* Operation keyword ("map") and short names used in records. */
const char *trace_op_name(enum trace_op op);
const char *trace_access_name(enum trace_access op);

/* Formats sid as BB:DD.F into buf (at least 8 bytes). */
void trace_format_bdf(char *buf, size_t len, uint16_t sid);

#endif
