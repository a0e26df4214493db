/* iommusim gen: seeded workload generators writing text traces. */
#ifndef IOMMUSIM_GEN_H
#define IOMMUSIM_GEN_H

/* argv[0] is "gen"; returns the process exit status. */
int gen_main(int argc, char **argv);

#endif
