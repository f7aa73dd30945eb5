/* sim/merge.h -- merge per-run result directories into one.
 *
 * The third leg of the sweep contract (`runs` lists, `run -r N -o
 * DIR/runs/X` runs, `merge DIR` merges). Every directory under DIR/runs/
 * that holds a runs.csv is a part; parts may hold one run or several. The
 * merged runs.csv, params.csv, scalars.csv and timeseries.csv are the
 * parts' rows, byte for byte, ordered by run number, so the result does
 * not depend on how many workers made the parts or in which order they
 * finished. summary.csv and contrasts.csv are then computed from them
 * (sim/stats.h). Directories whose names contain ".tmp-" or ".old-" are
 * unfinished writes and are ignored.
 */
#ifndef SIM_MERGE_H
#define SIM_MERGE_H

#include <stddef.h>
#include "sim/err.h"

struct scn_study;
struct stats_opts;

struct merge_report {
    size_t parts, runs, failed;     /* failed: status other than "ok" */
    size_t missing;                 /* gaps in 0..max run number */
};

/* Merges DIR/runs/ into DIR and writes the statistics. Returns SIM_OK, or
 * an error after reporting to 'd' (unreadable part, headers that differ,
 * a run present twice). */
int merge_dir(const char *dir, const struct stats_opts *so,
              struct merge_report *rep, struct diag *d);

/* Parses "AXIS[=BASELINE]" (split in place) into so->axis, so->baseline. */
int merge_parse_contrast(char *arg, struct stats_opts *so);
/* --level L for command 'cmd': a number in (0, 1), nothing after it;
 * otherwise says so on stderr and returns SIM_EINVAL. */
int merge_parse_level(const char *arg, struct stats_opts *so, const char *cmd);
/* Refuses (with a message) a contrast axis that is not an iteration
 * variable of 'st', or a baseline that is no value of it among runs[0..n)
 * (NULL: runs 0..n-1), or with so->part among all the study's runs;
 * SIM_OK when so->axis is NULL. */
int merge_check_contrast(const struct scn_study *st, const size_t *runs, size_t n,
                         const struct stats_opts *so, struct diag *d);

/* `gpumarket merge DIR`: returns the exit status. */
int merge_main(int argc, char **argv);

#endif
