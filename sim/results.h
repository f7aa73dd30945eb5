/* sim/results.h -- what a run measured, and the result directory.
 *
 * A struct results collects one run's scalars (end-of-run metrics) and
 * time series (sampled metrics) in memory as tidy long rows: (metric,
 * entity_kind, entity, value, unit). Names are interned, so recording a
 * sample costs no allocation after the first. The result directory writer
 * then turns one or more runs into the files of DESIGN.md section 6.
 *
 * A result directory is written under "<dir>.tmp-<pid>" and renamed to
 * <dir> only when every file is complete, so an interrupted run leaves no
 * directory that looks whole.
 */
#ifndef SIM_RESULTS_H
#define SIM_RESULTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include "sim/time.h"

struct results;
struct scn_run;
struct scn_study;
struct scn;

struct results *res_new(void);          /* NULL on OOM */
void res_free(struct results *r);

/* End-of-run value. Recording the same (metric, kind, entity) twice keeps
 * the last value. 'unit' is borrowed static text. */
void res_scalar(struct results *r, const char *metric, const char *entity_kind,
                const char *entity, double value, const char *unit);
/* Adds to a scalar (creating it at 0). */
void res_add(struct results *r, const char *metric, const char *entity_kind,
             const char *entity, double delta, const char *unit);
/* A sample at time t. */
void res_sample(struct results *r, sim_time t, const char *metric,
                const char *entity_kind, const char *entity, double value);

size_t res_scalar_count(const struct results *r);
/* Looks a scalar up; NAN if absent. */
double res_get(const struct results *r, const char *metric,
               const char *entity_kind, const char *entity);
void res_scalar_at(const struct results *r, size_t i, const char **metric,
                   const char **kind, const char **entity, double *value,
                   const char **unit);
size_t res_sample_count(const struct results *r);
void res_sample_at(const struct results *r, size_t i, sim_time *t,
                   const char **metric, const char **kind,
                   const char **entity, double *value);

/* ---- the result directory ---- */

/* Everything known about one finished run, for runs.csv. */
struct res_run_info {
    const struct scn_run *run;
    const char *status;         /* "ok", "failed", "interrupted" */
    const char *why;            /* failed: what failed (engine message); else NULL */
    const char *rng;            /* the GSL generator the run used, e.g. "mt19937" */
    uint64_t events;
    double sim_time_h;
    double wall_s;
};

struct res_dir;

/* Copies the result directory name 'dir' into buf without trailing '/'
 * ("out/" names "out": its temporary twin goes beside it, not inside).
 * False, with a message on stderr, if nothing is left (empty, "/") or it
 * does not fit. */
bool res_dir_name(const char *dir, char *buf, size_t len);

/* May a new result replace what is at 'dir'? Yes when nothing is there,
 * when it is an empty directory, or a gpumarket result (it holds a
 * manifest.ini): anything else is the analyst's and is never deleted
 * (a mistyped -o once replaced, and so removed, any directory). False,
 * with a message on stderr naming it, otherwise. */
bool res_dir_replaceable(const char *dir);

/* Renames the complete directory 'from' to 'to', replacing an earlier
 * result there; res_dir_replaceable() is asked again first, so a folder
 * made at 'to' meanwhile is refused, not deleted. Returns 0, or SIM_EIO
 * with errno set: 'from' is then where it was, and no 'to'.old-<pid> is
 * left behind. res_dir_commit() and `sweep` both commit through it. */
int res_dir_replace(const char *from, const char *to);

/* Starts "<dir>.tmp-<pid>" (removing a stale one). 'argv' is the command
 * line for the manifest. NULL with a message on stderr on failure. */
struct res_dir *res_dir_begin(const char *dir, const struct scn *s,
                              const struct scn_study *st, int argc,
                              char **argv);
const char *res_dir_tmp_path(const struct res_dir *rd);
/* Appends one run's rows to runs.csv, params.csv, scalars.csv and
 * timeseries.csv. Runs must be added in run-number order. */
int res_dir_add_run(struct res_dir *rd, const struct res_run_info *info,
                    const struct results *r);
/* Closes runs.csv, params.csv, scalars.csv and timeseries.csv, so that
 * they can be read back from res_dir_tmp_path() (for summary.csv and
 * contrasts.csv) before the commit. No more runs may be added after it.
 * Returns 0 or SIM_EIO, having named on stderr the first file it could
 * not write. */
int res_dir_close(struct res_dir *rd);
/* Writes manifest.ini and scenario.resolved.ini, closes the CSVs (if
 * res_dir_close() has not) and renames the directory into place
 * (replacing an older one). Returns 0 or SIM_EIO. Frees rd either way. */
int res_dir_commit(struct res_dir *rd);
/* Removes the temporary directory and frees rd. */
void res_dir_abort(struct res_dir *rd);

/* Run id used in every CSV: "<config>-<number>". */
void res_run_id(const struct scn_run *run, const char *config, char *buf,
                size_t len);

/* Version string of this build (from git describe at build time if known). */
const char *res_version(void);

#endif
