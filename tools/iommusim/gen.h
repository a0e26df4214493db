/* iommusim gen: seeded workload generators writing text traces. */
#ifndef IOMMUSIM_GEN_H
#define IOMMUSIM_GEN_H

/* argv[0] is "gen"; returns the process exit status. */
int gen_main(int argc, char **argv);

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

/* The cosim workload written to f: the trace of "iommusim gen cosim --seed
 * SEED --count COUNT --gap GAP --settle SETTLE --pri PRI" (same events). 0,
 * or -1 on a write error. */
int gen_cosim_trace(FILE *f, uint64_t seed, uint64_t count, uint64_t gap, uint64_t settle,
		    bool pri);

#endif
