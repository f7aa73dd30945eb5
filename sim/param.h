/* sim/param.h -- the parameter registry: every scenario key, typed.
 *
 * One flat dotted key space ("archetype.academic.share") is used in files,
 * in --set, in sweep axes and in CSV columns. Each key has a definition
 * here: type, unit, default, range and help. A key segment written '*'
 * matches one entity name, so "archetype.*.share" covers every archetype a
 * scenario declares; an exact definition wins over a pattern, which lets a
 * model give built-in entities their own defaults.
 *
 * The registry is an object built by the models at start-up (no global
 * table); definitions are borrowed and must outlive it (static const).
 */
#ifndef SIM_PARAM_H
#define SIM_PARAM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include "sim/err.h"
#include "sim/money.h"
#include "sim/time.h"

enum param_type {
    PT_INT,         /* int64; min/max inclusive */
    PT_REAL,        /* double; min/max inclusive */
    PT_PROB,        /* double in [0, 1] (min/max may narrow it) */
    PT_MONEY,       /* decimal USD text -> micro-dollars; unit says per what */
    PT_TIME,        /* duration: "90d", "1.5h", "30min", "20s", "250ms", "10us";
                       a bare number is read in the definition's unit */
    PT_BOOL,        /* true/false, yes/no, on/off, 1/0 */
    PT_STRING,      /* free text (lists are comma-separated and split by the model) */
    PT_ENUM         /* one of 'choices', written "a|b|c" */
};

struct param_def {
    const char *key;        /* "market.fee", "archetype.*.share" */
    enum param_type type;
    const char *unit;       /* "USD/GPU-h", "h", "1", "" ... shown in docs and CSVs */
    const char *def;        /* default value as text; NULL = required */
    double min, max;        /* numeric range, inclusive; min > max = unbounded */
    const char *choices;    /* PT_ENUM only */
    const char *help;       /* one line */
};

/* A typed value. Strings point into the scenario's storage (borrowed). */
struct param_value {
    enum param_type type;
    union {
        int64_t i;
        double r;           /* PT_REAL, PT_PROB */
        money m;
        sim_time t;
        bool b;
        const char *s;      /* PT_STRING, PT_ENUM */
    } u;
};

struct param_registry;

struct param_registry *preg_new(void);                  /* NULL on OOM */
void preg_free(struct param_registry *reg);             /* NULL is a no-op */

/* Adds 'n' definitions (borrowed). A duplicate key, a default that does not
 * parse or is out of range, or an enum default outside its choices is a bug
 * in the model's table and asserts. */
void preg_add(struct param_registry *reg, const struct param_def *defs, size_t n);

/* Declares entity kind 'kind' (borrowed, e.g. "archetype") open: a
 * scenario may add members beside the built-in ones (those with exact
 * keys), so one that is near a built-in name but not it is warned about
 * as a likely typing error (scenario.c). Kinds not declared open are a
 * closed set their model checks itself, or have no built-in members. At
 * most PREG_OPEN_KINDS. */
#define PREG_OPEN_KINDS 8
void preg_open_kind(struct param_registry *reg, const char *kind);
bool preg_kind_open(const struct param_registry *reg, const char *kind);

/* The definition for a concrete key: exact match first, then patterns. */
const struct param_def *preg_find(const struct param_registry *reg, const char *key);
size_t preg_count(const struct param_registry *reg);
const struct param_def *preg_at(const struct param_registry *reg, size_t i); /* sorted by key */

/* The registered key (or pattern) closest to 'key' by edit distance, for
 * "did you mean" hints; NULL if nothing is close enough. Of keys equally
 * near, the first in key order (preg_at's), so the hint does not depend on
 * the order the models added their tables in. */
const char *preg_suggest(const struct param_registry *reg, const char *key);

/* Edit distance (Levenshtein's, with a swap of two neighbouring characters
 * counted as one edit), and the largest distance a hint may be from what
 * was typed (param_near_enough). */
size_t param_edit_distance(const char *a, const char *b);
size_t param_suggest_limit(const char *key);
/* Is a name at distance d from 'typed' worth a "did you mean" hint: not
 * the same, within param_suggest_limit(), and not every letter of it
 * replaced (a short word)? preg_suggest()'s rule, and the CLI's. */
bool param_near_enough(const char *typed, size_t d);

/* Writes pattern 'pat' with each '*' replaced by the segment of 'key' at
 * the same position ("archetype.*.share" for "archetype.acadmic.shar" is
 * "archetype.acadmic.share"), so a pattern is compared with, and shown
 * as, the analyst's own entity name in it. False if it does not fit in
 * 'buf'. */
bool param_instance(const char *pat, const char *key, char *buf, size_t len);

/* The name nearest 'typed' among names offered one at a time, for a "did
 * you mean" hint: every hint (keys, commands, catalogue models, entities)
 * picks this way, the first offered of equally near names winning. */
struct param_near {
    const char *typed;
    const char *best;           /* NULL until a name is offered */
    size_t d;                   /* best's distance */
};
void param_near_init(struct param_near *n, const char *typed);
void param_near_offer(struct param_near *n, const char *name);
/* Offers 'name' at a distance the caller measured (a pattern's distance is
 * the nearer of its text and its instance). */
void param_near_offer_d(struct param_near *n, const char *name, size_t d);
/* The nearest name if param_near_enough() accepts it, else NULL. */
const char *param_near_best(const struct param_near *n);
/* " (did you mean 'NEAR'?)" in 'buf', or "" when 'near' is NULL: the tail
 * of an error about an unknown name. */
const char *param_hint(const char *near, char *buf, size_t len);

/* Parses and range-checks 'text' for 'def'. On error writes a message
 * "<key>: expected ..., got \"text\"" (no location) into 'err' and returns
 * SIM_EINVAL; the caller adds file:line. */
int param_parse(const struct param_def *def, const char *text,
                struct param_value *out, char *err, size_t errlen);

/* A plain decimal real (no hexadecimal, no blanks around it, finite), as
 * PT_REAL reads one: for the items of a list a model splits itself. */
bool param_parse_real(const char *text, double *out);

/* Writes the value in canonical text form (re-parseable). */
void param_format(const struct param_value *v, const struct param_def *def,
                  char *buf, size_t len);

const char *param_type_name(enum param_type t);

/* Documents every definition whose key contains 'pattern' (all if NULL):
 * markdown table when 'markdown', else aligned text. Returns how many. */
size_t preg_print(const struct param_registry *reg, const char *pattern,
                  bool markdown, FILE *out);

#endif
