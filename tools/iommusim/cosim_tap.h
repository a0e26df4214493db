/*
 * Co-simulation boundary stream: the events of one model replay at the
 * IOMMU boundary (driver_tap), kept in order in memory. The co-simulation
 * mirrors the stimulus events (requests, register writes, software memory
 * writes) into the RTL and compares the result events (completions, wait
 * completions, the model's own memory writes) with the RTL's.
 */
#ifndef IOMMUSIM_COSIM_TAP_H
#define IOMMUSIM_COSIM_TAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "driver.h"

#ifdef __cplusplus
extern "C" {
#endif

enum cosim_ev_kind {
	COSIM_EV_SUBMIT,   /* a request arrives at the IOMMU */
	COSIM_EV_DONE,     /* the engine's response to one */
	COSIM_EV_REG,      /* a software register write */
	COSIM_EV_SW_WRITE, /* a software memory write (at most 64 bytes a piece) */
	COSIM_EV_HW_WRITE, /* a memory write of the IOMMU (A/D bits, wait status) */
	COSIM_EV_WAIT,     /* an invalidation wait completed */
	COSIM_EV_DTLB,     /* a device-TLB invalidation request sent to an endpoint */
	COSIM_EV_QERR,     /* the invalidation queue stopped: IQE or ITE */
	COSIM_EV_PR,       /* a page request arrives at the page request unit */
	COSIM_EV_PR_DONE,  /* the unit finished one */
	COSIM_EV_PRSP,     /* a page group response left the IOMMU */
	COSIM_EV_COUNT
};

/* "submit", "done", "reg", "sw_write", "hw_write", "wait", "dtlb", "qerr",
 * "pr", "pr_done", "prsp" */
const char *cosim_ev_name(enum cosim_ev_kind k);

#define COSIM_WRITE_MAX 64

struct cosim_ev {
	enum cosim_ev_kind kind;
	uint64_t cycle; /* arrival, response, write or completion cycle */
	uint64_t tag;   /* SUBMIT, DONE, PR, PR_DONE: the engine's tag */
	union {
		struct iommu_req req; /* SUBMIT */
		struct {              /* DONE */
			int rc;
			uint64_t accept;
			bool walked;
			struct iommu_resp resp;
		} done;
		struct { /* REG */
			uint32_t off;
			unsigned size;
			uint64_t val;
		} reg;
		struct { /* SW_WRITE, HW_WRITE */
			uint64_t pa;
			unsigned len;
			uint8_t data[COSIM_WRITE_MAX];
		} w;
		struct { /* DTLB */
			uint16_t sid;
			bool answered; /* false: the endpoint never answers */
		} dtlb;
		uint32_t fsts;            /* QERR: VTD_FSTS_IQE or VTD_FSTS_ITE */
		struct iommu_page_req pr; /* PR */
		struct {                  /* PR_DONE */
			uint64_t accept;
			struct iommu_pr_result res;
		} pr_done;
		struct { /* PRSP */
			uint16_t sid, prgi;
			bool pasid_valid;
			uint32_t pasid;
			unsigned code; /* enum vtd_prg_code */
		} prsp;
	} u;
};

struct cosim_tap;

/* Receives events as they happen (instead of, or besides, keeping them). */
typedef void (*cosim_ev_fn)(void *ctx, const struct cosim_ev *ev);

/* The engine reached cycle now: every stimulus before it is known. */
typedef void (*cosim_now_fn)(void *ctx, uint64_t now);

/* True while ordered software must wait (driver_tap.busy). */
typedef bool (*cosim_busy_fn)(void *ctx);

/* keep: store every event (cosim_tap_events); fn and now_fn may be NULL. */
struct cosim_tap *cosim_tap_create(bool keep, cosim_ev_fn fn, cosim_now_fn now_fn, void *ctx);
/* busy: NULL, or what holds ordered software back. */
void cosim_tap_set_busy(struct cosim_tap *t, cosim_busy_fn busy);
void cosim_tap_destroy(struct cosim_tap *t);
/* The callbacks to put in driver_replay_params.tap (with tap_ctx = t). */
const struct driver_tap *cosim_tap_ops(void);
/* The events kept, in the order they happened; NULL when out of memory. */
const struct cosim_ev *cosim_tap_events(const struct cosim_tap *t, size_t *n);
/* The engine's current cycle as the tap last saw it. */
uint64_t cosim_tap_now(const struct cosim_tap *t);
/* Set when an allocation failed (events were lost). */
bool cosim_tap_failed(const struct cosim_tap *t);

/* Checks a kept stream for the boundary's invariants: every submitted
 * request and page request completes once, after it arrived, page requests
 * in arrival order; no cycle goes backwards
 * between two register writes; each IQT write follows the descriptor
 * writes it publishes. 0, or -1 with why (a static string) and *at the
 * index of the offending event. */
int cosim_tap_check(const struct cosim_tap *t, const char **why, size_t *at);

#ifdef __cplusplus
}
#endif

#endif
