/*
 * iommusim report: reads the JSON statistics (and optionally the per-request
 * CSV records) that `iommusim run` wrote, prints a summary, sweeps a metric
 * over several runs, and with --plot writes gnuplot data, scripts and
 * PNG/SVG charts.
 */
#ifndef IOMMUSIM_PLOT_H
#define IOMMUSIM_PLOT_H

/* argv[0] is "report"; returns the process exit status. */
int report_main(int argc, char **argv);

#endif
