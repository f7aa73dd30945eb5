/* sim/scenario.h -- scenario files (OMNeT++-style INI), studies and runs.
 *
 * A file holds [General], [Config Name] sections with 'extends = A, B',
 * entity sections ("[archetype academic]" prefixes its keys with
 * "archetype.academic."), and 'include other.ini' lines (relative to the
 * including file). It is read with inih through a line-counting reader, so
 * every value keeps its file:line (struct srcloc) for later messages.
 *
 * Lookup order for a config: overrides (--set) > [Config X] > its extends
 * chain in order (depth first, each once) > [General] > registry default.
 * Entity sections are part of [General]; a config overrides their keys
 * with the full dotted key. The keys 'seed', 'repeat', 'seed-set',
 * 'description' and 'extends' belong to this module and are always known.
 *
 * Sweeps: a value "${name=a,b,c}", "${a,b}" (axis named after the key),
 * "${name=1..5 step 1}" or "${name=a,b ! other}" (lock-step with axis
 * 'other', same length) makes the config a study. 'repeat = N' adds the
 * innermost axis 'repetition'. Runs are numbered by position in the
 * cartesian product, first axis outermost, repetition innermost. "First"
 * means reading order of the winning entries (includes read inline), then
 * --set sweeps in command-line order; '!' axes add no dimension.
 * 'seed-set' defaults to ${repetition} (common random numbers across sweep
 * points); ${runnumber} gives independent points. 'seed' is the base seed.
 *
 * Ownership: a struct scn owns every string it hands out; studies and runs
 * borrow the scn and the registry and must be freed before them.
 */
#ifndef SIM_SCENARIO_H
#define SIM_SCENARIO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "sim/err.h"
#include "sim/param.h"

/* Longest part of a dotted key, an entity name included, in bytes: the
 * reader refuses longer. Models build keys from entity names in fixed
 * buffers (scn_realf's 512 bytes, market_load.c's
 * "archetype.%s.on-failure-move" in 160); a longer name asserted there or
 * came out truncated as an unregistered key. */
#define SCN_MAX_KEY_PART 128

struct scn;             /* a parsed file with its includes */
struct scn_study;       /* one config, overrides applied, sweep expanded */
struct scn_run;         /* one run's resolved parameters */

/* Parses 'path' (and includes). Syntax errors, unknown keys (with a
 * did-you-mean), bad types or ranges, bad sweep syntax, missing includes,
 * include cycles and extends cycles are all reported to 'd' as
 * "file:line: error: ..." and give NULL. */
struct scn *scn_load(const char *path, const struct param_registry *reg,
                     struct diag *d);
/* Same from a string; 'name' stands in for the file name in messages and
 * includes are resolved relative to the current directory. */
struct scn *scn_load_string(const char *name, const char *text,
                            const struct param_registry *reg, struct diag *d);
void scn_free(struct scn *s);                       /* NULL is a no-op */

/* Names of the [Config X] sections in file order ("General" is implicit). */
size_t scn_config_count(const struct scn *s);
const char *scn_config_name(const struct scn *s, size_t i);
/* XXH64-style 64-bit digest of every byte read (file and includes). */
uint64_t scn_digest(const struct scn *s);
const char *scn_path(const struct scn *s);

/* Builds a study for 'config' ("General" or NULL for the base) with
 * overrides "key=value" (NULL-terminated, may be NULL); overrides may hold
 * sweeps too. Errors (unknown config, bad override, lock-step length
 * mismatch, unknown axis after '!') go to 'd'; NULL then. */
struct scn_study *scn_study_new(const struct scn *s, const char *config,
                                const char *const *overrides, struct diag *d);
void scn_study_free(struct scn_study *st);
const char *scn_study_config(const struct scn_study *st);
/* scn_digest() folded with the config's name and the --set overrides that
 * take effect (sorted by key, one per key) and change some run (one that
 * restates the file's value or a default does not count): parts of one
 * study share it, parts run with another config or other overrides do not
 * (runs.csv's scenario_digest; merge refuses to mix them). */
uint64_t scn_study_digest(const struct scn_study *st);
size_t scn_study_run_count(const struct scn_study *st);
/* Repetitions of each sweep point ('repeat'): runs r .. r + repeat - 1 of
 * a point share every value but the seeds (repetition is innermost). */
size_t scn_study_repeat(const struct scn_study *st);
/* Iteration variables (sweep axes, then "repetition" if repeat > 1). */
size_t scn_study_var_count(const struct scn_study *st);
const char *scn_study_var_name(const struct scn_study *st, size_t i);

/* Resolves run 'number' (0-based). NULL with a message on out-of-range. */
struct scn_run *scn_run_new(const struct scn_study *st, size_t number,
                            struct diag *d);
void scn_run_free(struct scn_run *r);

size_t scn_run_number(const struct scn_run *r);
const struct scn_study *scn_run_study(const struct scn_run *r);  /* borrowed */
size_t scn_run_repetition(const struct scn_run *r);
uint64_t scn_run_seed(const struct scn_run *r);      /* base seed */
uint64_t scn_run_seed_set(const struct scn_run *r);  /* per seed-set policy */
/* This run's value of iteration variable i, as text. */
const char *scn_run_var_value(const struct scn_run *r, size_t i);

/* Typed getters. Asking for a key that is not registered, or with the
 * wrong type, is a bug and asserts; every registered key has a value. */
int64_t scn_int(const struct scn_run *r, const char *key);
double scn_real(const struct scn_run *r, const char *key);     /* PT_REAL, PT_PROB */
money scn_money(const struct scn_run *r, const char *key);
sim_time scn_time(const struct scn_run *r, const char *key);
bool scn_bool(const struct scn_run *r, const char *key);
const char *scn_str(const struct scn_run *r, const char *key); /* PT_STRING, PT_ENUM */
/* printf-style key: scn_realf(r, "archetype.%s.share", name) */
double scn_realf(const struct scn_run *r, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
int64_t scn_intf(const struct scn_run *r, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
money scn_moneyf(const struct scn_run *r, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
sim_time scn_timef(const struct scn_run *r, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
bool scn_boolf(const struct scn_run *r, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
const char *scn_strf(const struct scn_run *r, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* Where the value came from, for the model's own checks; line 0 for
 * defaults and --set. */
const struct srcloc *scn_where(const struct scn_run *r, const char *key);

/* A model's own check of 'key' failed: "file:line: error: key: <msg>" at
 * where its value came from (diag_error's count and return). */
int scn_error(struct diag *d, const struct scn_run *r, const char *key, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/* Entity names declared for 'kind' ("archetype"): every name N such that a
 * key "kind.N.*" was written anywhere in the config's chain, plus the
 * names of exact registry keys "kind.N.*" (built-in entities), sorted,
 * each once. Returns the count; names stay valid for the run's life. */
size_t scn_entities(const struct scn_run *r, const char *kind,
                    const char ***names);

/* Which of a study's analyst keys (in the file or --set) its models asked
 * for, over the runs added (scn_reads_add: what each has been asked so
 * far). The keys no added run was asked for, in key order, each with where
 * it was set, are those with no effect: a key of another model (phold.* in
 * a market scenario), or one the model reads only under settings these
 * runs do not have. A '*' key counts as read when any entity's key it sets
 * was. 'key' and 'loc' live as long as the study. validate adds every
 * sweep point after its setup, run its first run after the run. */
struct scn_reads;
typedef void (*scn_unread_fn)(void *ctx, const char *key, const struct srcloc *loc);
struct scn_reads *scn_reads_new(const struct scn_study *st);
void scn_reads_add(struct scn_reads *rd, const struct scn_run *r);     /* a run of that study */
void scn_reads_each_unread(const struct scn_reads *rd, scn_unread_fn fn, void *ctx);
void scn_reads_free(struct scn_reads *rd);                              /* NULL is a no-op */

/* Every resolved key in key order, with value text, unit and source
 * ("default", "General", "Config:X", "cli"). For params.csv and
 * scenario.resolved.ini. */
size_t scn_run_key_count(const struct scn_run *r);
void scn_run_key_at(const struct scn_run *r, size_t i, const char **key,
                    const char **value, const char **unit, const char **source);

/* 'value' as it must be written after "key = " in a scenario file to be
 * read back as it is: in double quotes where a ';' or '#' after a blank
 * (or first) would start a comment, where blanks at either end would be
 * trimmed, or where it starts and ends with a quote; else as it is (also
 * where no quoting keeps it: a quote inside a comment-like text). Owned
 * by the caller; NULL when out of memory. */
char *scn_value_for_file(const char *value);

#endif
