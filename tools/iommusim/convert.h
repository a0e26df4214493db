/* iommusim convert: text <-> binary traces, Linux ftrace text -> trace. */
#ifndef IOMMUSIM_CONVERT_H
#define IOMMUSIM_CONVERT_H

/* argv[0] is "convert"; returns the process exit status (0, 1 failure,
 * 2 bad input). */
int convert_main(int argc, char **argv);

#endif
