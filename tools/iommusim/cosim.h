/*
 * iommusim cosim: the model's replay at its IOMMU boundary (cosim_tap.h)
 * mirrored into an RTL back end and compared (docs/cosim.md). This part is
 * the command line, the configuration checks, the seeded regression runner
 * and the model side; the back end (the Verilated block, sim/) plugs in
 * through struct cosim_backend.
 */
#ifndef IOMMUSIM_COSIM_H
#define IOMMUSIM_COSIM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cosim_tap.h"
#include "config.h"
#include "driver.h"

#ifdef __cplusplus
extern "C" {
#endif

/* What one co-simulation run is. */
struct cosim_run {
	const struct sim_config *cfg;  /* the model's configuration (RTL geometry) */
	const char *name;              /* trace name, for messages */
	bool cycles;                   /* compare completion cycles (else functional only) */
	const char *waves;             /* waveform file to write, or NULL */
	uint64_t waves_from, waves_to; /* ... of these cycles */
};

/* Counters of the model at the end of a run, for the end-of-run comparison. */
struct cosim_model_end {
	uint64_t cycles; /* the cycle the replay drained at */
	uint64_t walks, mem_reads, mem_writes, qi_descriptors, qi_waits, faults_recorded;
	uint64_t page_requests; /* page requests the page request unit took */
	uint64_t prq_events;    /* page request events (interrupts) raised */
	uint64_t pqt;           /* the page request queue's tail, PRS and PECTL */
	uint32_t prs, pectl;
	uint32_t fsts;
	unsigned nfr;
	uint64_t frcd[256][2]; /* fault recording registers, low and high halves */
	/* The model instance, read-only and alive until finish() returns: its
	 * caches (iommu_cache_line) for the end-of-run cache comparison. */
	const struct iommu *mmu;
};

/* The RTL side. Callbacks are called in the order the model produces the
 * boundary (cosim_tap.h); advanced() says every stimulus for cycles before
 * now is known. */
struct cosim_backend {
	const char *what; /* e.g. "iommu_top (PlantBug=0)" */
	/* A run begins: NULL when it cannot (message on stderr). */
	void *(*begin)(void *be, const struct cosim_run *run);
	void (*event)(void *run, const struct cosim_ev *ev);
	void (*advanced)(void *run, uint64_t now);
	/* The model finished: run the RTL to the end, compare the counters. */
	void (*finish)(void *run, const struct cosim_model_end *end);
	/* Non-zero once a divergence was found: its report (several lines) and
	 * the cycle it was seen at. */
	const char *(*divergence)(void *run, uint64_t *cycle);
	/* Optional: true while the RTL has not answered every request it was
	 * given; with a functional comparison (run.cycles false) ordered
	 * software waits for it as for the model's own requests. */
	bool (*busy)(void *run);
	/* One-line summary of the RTL side (cycles simulated, responses). */
	const char *(*summary)(void *run);
	double (*rtl_cycles)(void *run);
	void (*end)(void *run);
	void *ctx;
};

/* argv[0] is "cosim"; be is NULL when the program has no RTL back end
 * (only --model-only works then). Returns the exit status. */
int cosim_main(int argc, char **argv, const struct cosim_backend *be);

#ifdef __cplusplus
}
#endif

#endif
