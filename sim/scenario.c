/* sim/scenario.c -- scenario files, studies and runs.
 *
 * Loading is two layers. inih splits "key = value" lines; our reader
 * (passed to ini_parse_stream) sits under it, cuts inline comments off
 * (quote-aware, which inih is not: comment_at) and owns
 * everything that needs a file:line: it counts lines, follows 'include'
 * lines into a stack of sources, tracks section headers and reports syntax
 * errors itself, so inih only ever sees blank lines and key/value lines.
 * That keeps every message at the right file:line even across includes,
 * which inih's own line count (one counter for the whole stream) cannot.
 *
 * Every value is checked at load time against the registry (and each
 * value of a sweep), so a study or run never meets a bad value written in
 * a file; only --set overrides are checked later, when a study is built.
 *
 * Axis order (= run numbering): the sweeps of the winning entries in the
 * order they were read (includes inline, so textual order of the whole
 * input), then --set sweeps in command-line order; first axis outermost,
 * repetition innermost. Lock-step ('!') variables are listed as variables
 * but add no dimension.
 */
#include "sim/scenario.h"

#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <ini.h>

#define MAX_INCLUDE_DEPTH 32
#define MAX_SWEEP_VALUES 100000
#define DEFAULT_SEED 1

enum builtin { B_NONE, B_SEED, B_REPEAT, B_SEEDSET, B_DESC, B_EXTENDS };

static const struct {
    char name[12];
    enum builtin b;
} builtins[] = {
    { "seed", B_SEED }, { "repeat", B_REPEAT }, { "seed-set", B_SEEDSET },
    { "description", B_DESC }, { "extends", B_EXTENDS },
};
#define N_BUILTINS (sizeof builtins / sizeof builtins[0])

struct sweep {
    char *name;             /* variable name; the key when unnamed */
    char *prefix, *suffix;  /* text around ${...}, usually empty */
    char **vals;
    char **canon;           /* each whole value as parsed, in canonical text */
    size_t n;
    char *follow;           /* lock-step partner after '!', or NULL */
};

struct entry {
    char *key;              /* full dotted key */
    char *value;            /* as written, surrounding quotes removed */
    struct srcloc loc;
    const struct param_def *def;    /* NULL for built-ins */
    enum builtin bi;
    struct sweep *sw;       /* NULL unless the value holds ${...} */
    size_t seq;             /* reading order: decides axis order */
};

struct section {
    char *name;             /* "General" or the config's name */
    char *source;           /* "General" or "Config:<name>" */
    struct srcloc loc;
    struct entry *e;
    size_t n, cap;
    char **ext;             /* extends names as written */
    size_t next;
    size_t *ext_idx;        /* resolved section indices; 0 = General */
    struct srcloc ext_loc;
    size_t *lin;            /* lookup order: itself, then what it extends (C3) */
    size_t nlin;
};

struct scn {
    char *path;
    const struct param_registry *reg;   /* borrowed */
    struct section *sec;    /* sec[0] is General (entity sections included) */
    size_t nsec, capsec;
    char **files;           /* every file name a srcloc points at */
    size_t nfiles, capfiles;
    uint64_t digest;
    size_t seq;
};

/* ---- small helpers ---- */

static char *xstrndup(const char *s, size_t n)
{
    char *p = malloc(n + 1);

    if (p) {
        memcpy(p, s, n);
        p[n] = '\0';
    }
    return p;
}

static char *xstrdup(const char *s)
{
    return xstrndup(s, strlen(s));
}

static char *xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static char *xasprintf(const char *fmt, ...)
{
    va_list ap;
    int n;
    char *p;

    va_start(ap, fmt);
    n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0 || !(p = malloc((size_t)n + 1)))
        return NULL;
    va_start(ap, fmt);
    vsnprintf(p, (size_t)n + 1, fmt, ap);
    va_end(ap);
    return p;
}

static bool grow(void **arr, size_t *cap, size_t need, size_t elem)
{
    size_t nc;
    void *p;

    if (need <= *cap)
        return true;
    nc = *cap ? *cap * 2 : 8;
    while (nc < need)
        nc *= 2;
    p = realloc(*arr, nc * elem);
    if (!p)
        return false;
    *arr = p;
    *cap = nc;
    return true;
}

/* Copy of s[0..n) without surrounding blanks. */
static char *trim_dup(const char *s, size_t n)
{
    while (n > 0 && isspace((unsigned char)*s)) {
        s++;
        n--;
    }
    while (n > 0 && isspace((unsigned char)s[n - 1]))
        n--;
    return xstrndup(s, n);
}

static bool is_ident(const char *s, bool dots)
{
    if (!*s)
        return false;
    for (; *s; s++)
        if (!isalnum((unsigned char)*s) && *s != '_' && *s != '-' && !(dots && *s == '.'))
            return false;
    return true;
}

/* A study variable is a column of its own in runs.csv, summary.csv,
 * contrasts.csv and the contrast charts' CSVs, beside their fixed columns
 * (results.c, stats.c, plots/defaults.c): a variable named like one gave
 * a file two columns of that name, which every reader took for the
 * other (an axis named 'status' failed every run). tests/cli/varnames.sh
 * checks that each fixed column those files are written with is here. */
static const char *const reserved_vars[] = {
    "run_id", "config", "run_number", "repetition", "seed_set", "base_seed",
    "status", "events", "sim_time_h", "scenario_digest",
    "metric", "entity_kind", "entity", "n", "mean", "sd", "ci_level", "ci_low",
    "ci_high", "p05", "p50", "p95", "unit",
    "axis", "level", "baseline_level", "mean_diff", "sd_diff", "method", "common_seeds",
    "series", "row", "mean_diff_low", "mean_diff_high",
};

static bool reserved_var(const char *name)
{
    for (size_t i = 0; i < sizeof reserved_vars / sizeof reserved_vars[0]; i++)
        if (strcmp(name, reserved_vars[i]) == 0)
            return true;
    return false;
}

static uint64_t fnv1a(uint64_t h, const char *p, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        h ^= (unsigned char)p[i];
        h *= UINT64_C(0x100000001b3);
    }
    return h;
}

static enum builtin builtin_of(const char *key)
{
    for (size_t i = 0; i < N_BUILTINS; i++)
        if (strcmp(key, builtins[i].name) == 0)
            return builtins[i].b;
    return B_NONE;
}

static void sweep_free(struct sweep *sw)
{
    if (!sw)
        return;
    free(sw->name);
    free(sw->prefix);
    free(sw->suffix);
    for (size_t i = 0; i < sw->n; i++) {
        free(sw->vals[i]);
        if (sw->canon)
            free(sw->canon[i]);
    }
    free(sw->vals);
    free(sw->canon);
    free(sw->follow);
    free(sw);
}

static void entry_release(struct entry *e)
{
    free(e->key);
    free(e->value);
    sweep_free(e->sw);
}

/* Formats a message and hands it to diag_error; counts into '*nerr' so a
 * caller can tell whether its own step failed, whatever 'd' held before. */
static void report(struct diag *d, int *nerr, const struct srcloc *at,
                   const char *fmt, ...) __attribute__((format(printf, 4, 5)));

static void report(struct diag *d, int *nerr, const struct srcloc *at,
                   const char *fmt, ...)
{
    char buf[1024];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    diag_error(d, at, "%s", buf);
    if (nerr)
        (*nerr)++;
}

/* ---- value checking (shared by files and --set) ---- */

static bool parse_u64(const char *s, uint64_t *out)
{
    char *end;
    unsigned long long v;

    if (!isdigit((unsigned char)*s))
        return false;
    errno = 0;
    v = strtoull(s, &end, 10);
    if (*end != '\0' || errno == ERANGE)
        return false;
    *out = v;
    return true;
}

/* Checks one concrete value (no sweep) for a key; message without loc. */
static bool check_value(const struct param_def *def, enum builtin bi,
                        const char *key, const char *text, char *err, size_t len)
{
    struct param_value v;
    uint64_t u;

    switch (bi) {
    case B_NONE: {
        /* Blanks around a value (kept by quotes) are not part of it; an
         * enum's text is its value, so it must be checked as fill_key
         * stores it. */
        char *t = def->type == PT_STRING ? xstrdup(text) : trim_dup(text, strlen(text));
        bool ok = t && param_parse(def, t, &v, err, len) == SIM_OK;

        if (!t)
            snprintf(err, len, "out of memory");
        free(t);
        return ok;
    }
    case B_SEED:
        if (parse_u64(text, &u))
            return true;
        snprintf(err, len, "%s: expected a non-negative integer, got \"%s\"", key, text);
        return false;
    case B_REPEAT:
        if (parse_u64(text, &u) && u >= 1 && u <= 1000000)
            return true;
        snprintf(err, len, "%s: expected an integer in [1, 1000000], got \"%s\"", key, text);
        return false;
    case B_SEEDSET:
        if (strcmp(text, "${repetition}") == 0 || strcmp(text, "${runnumber}") == 0
            || parse_u64(text, &u))
            return true;
        snprintf(err, len, "%s: expected ${repetition}, ${runnumber} or a number, got \"%s\"",
                 key, text);
        return false;
    case B_DESC:
    case B_EXTENDS:
        return true;
    }
    return false;
}

/* A range bound or step: the whole text a finite number. strtod takes
 * "nan" and "inf", and a range over either never ends (NaN fails every
 * comparison, so the value count was (size_t)NaN). */
static bool range_number(const char *s, double *out)
{
    char *end;

    if (!*s)
        return false;
    errno = 0;
    *out = strtod(s, &end);
    return *end == '\0' && errno != ERANGE && isfinite(*out);
}

/* The value 'text' (already checked) in canonical form, so that values
 * that read the same compare equal as text: "0.5" and "0.50", "1h" and
 * "60min", "01" and "1" as a seed. Free text is itself. NULL on OOM. */
static char *canon_value(const struct param_def *def, enum builtin bi, const char *text)
{
    struct param_value v;
    char buf[512], err[8];
    uint64_t u;

    if (bi == B_SEED && parse_u64(text, &u))
        return xasprintf("%" PRIu64, u);
    if (bi == B_NONE && def->type != PT_STRING) {
        char *t = trim_dup(text, strlen(text));

        if (t && param_parse(def, t, &v, err, sizeof err) == SIM_OK) {
            param_format(&v, def, buf, sizeof buf);
            free(t);
            return xstrdup(buf);
        }
        free(t);
    }
    return xstrdup(text);
}

/* Like strcspn(s, {ch}), skipping what is inside double quotes: a sweep
 * item in quotes may hold the characters that delimit items (',', '!',
 * '=', '}'). */
static size_t unquoted_span(const char *s, char ch)
{
    bool quoted = false;
    size_t i;

    for (i = 0; s[i]; i++) {
        if (s[i] == '"')
            quoted = !quoted;
        else if (s[i] == ch && !quoted)
            break;
    }
    return i;
}

/* Appends the values of one sweep item ("a", "1..5 step 2", or "\"a,b\"":
 * in quotes, the text between them as it is, never a range). Quotes
 * around a single item were kept in its value, so a quoted file name
 * named no file; only a whole value lost its quotes. */
static const char *sweep_item(struct sweep *sw, size_t *cap, const char *item)
{
    size_t n = strlen(item);
    bool quoted = n >= 2 && item[0] == '"' && item[n - 1] == '"';
    const char *dots = quoted ? NULL : strstr(item, "..");

    if (!*item)
        return "empty value";
    if (!dots) {
        char *v = quoted ? xstrndup(item + 1, n - 2) : xstrdup(item);

        if (!v || !grow((void **)&sw->vals, cap, sw->n + 1, sizeof *sw->vals)) {
            free(v);
            return "out of memory";
        }
        sw->vals[sw->n++] = v;
        return NULL;
    }
    {
        char *a_s = trim_dup(item, (size_t)(dots - item));
        const char *rest = dots + 2;
        const char *stp = strstr(rest, "step");
        char *b_s = trim_dup(rest, stp ? (size_t)(stp - rest) : strlen(rest));
        char *s_s = stp ? trim_dup(stp + 4, strlen(stp + 4)) : xstrdup("1");
        double a = 0, b = 0, step = 0;
        const char *why = NULL;
        size_t count;

        if (!a_s || !b_s || !s_s)
            why = "out of memory";
        if (!why && !range_number(a_s, &a))
            why = "bad range start (expected a finite number)";
        if (!why && !range_number(b_s, &b))
            /* "0.3 stp 0.1": the end is fine, the word is not */
            why = "bad range end (expected a finite number, then 'step N' or nothing: "
                  "${x=1..5 step 1})";
        if (!why && (!range_number(s_s, &step) || !(step > 0)))
            why = "step must be a positive number";
        if (!why && a > b)
            why = "range start is above its end";
        if (!why && (b - a) / step >= MAX_SWEEP_VALUES)
            why = "too many values";
        if (!why) {
            /* The tolerance keeps 0..1 step 0.1 from losing its last point. */
            count = (size_t)((b - a) / step + 1e-9) + 1;
            for (size_t i = 0; i < count && !why; i++) {
                char buf[64];

                snprintf(buf, sizeof buf, "%.15g", a + (double)i * step);
                why = sweep_item(sw, cap, buf);
            }
        }
        free(a_s);
        free(b_s);
        free(s_s);
        return why;
    }
}

/* Parses "prefix${name=a,b ! other}suffix". NULL and a message in 'err'
 * (without loc) on bad syntax. */
static struct sweep *sweep_parse(const char *key, const char *text,
                                 char *err, size_t len)
{
    const char *open = strstr(text, "${");
    const char *close = open ? open + unquoted_span(open, '}') : NULL;
    struct sweep *sw;
    char *body, *list, *bang, *eq;
    const char *why = NULL;
    size_t cap = 0;

    if (!close || !*close) {
        snprintf(err, len, "%s: unterminated sweep in \"%s\"", key, text);
        return NULL;
    }
    if (strstr(close, "${")) {
        snprintf(err, len, "%s: only one sweep per value is supported, got \"%s\"", key, text);
        return NULL;
    }
    sw = calloc(1, sizeof *sw);
    body = xstrndup(open + 2, (size_t)(close - open - 2));
    if (!sw || !body) {
        free(sw);
        free(body);
        snprintf(err, len, "out of memory");
        return NULL;
    }
    sw->prefix = xstrndup(text, (size_t)(open - text));
    sw->suffix = xstrdup(close + 1);
    list = body;
    bang = body + unquoted_span(body, '!');
    if (*bang) {
        *bang = '\0';
        sw->follow = trim_dup(bang + 1, strlen(bang + 1));
        if (sw->follow && !is_ident(sw->follow, true))
            why = "expected a variable name after '!'";
    }
    eq = body + unquoted_span(body, '=');
    if (!why && *eq) {
        sw->name = trim_dup(body, (size_t)(eq - body));
        list = eq + 1;
        if (sw->name && !is_ident(sw->name, true))
            why = "bad variable name";
    } else if (!why) {
        sw->name = xstrdup(key);
    }
    for (char *p = list; !why && p; ) {
        char *comma = p + unquoted_span(p, ',');
        char *item = trim_dup(p, (size_t)(comma - p));

        why = item ? sweep_item(sw, &cap, item) : "out of memory";
        free(item);
        p = *comma ? comma + 1 : NULL;
    }
    if (!why && (!sw->prefix || !sw->suffix || !sw->name))
        why = "out of memory";
    if (why) {
        snprintf(err, len, "%s: bad sweep \"%.*s\": %s", key,
                 (int)(close - open + 1), open, why);
        sweep_free(sw);
        sw = NULL;
    }
    free(body);
    return sw;
}

/* Words other simulators use for the last part of one of our keys: an
 * analyst's first guess, and too far from ours for the edit distance. */
static const struct {
    char typed[16], ours[8];
} synonyms[] = {
    { "duration", "horizon" }, { "sim-time-limit", "horizon" }, { "time-limit", "horizon" },
    { "until", "horizon" }, { "end-time", "horizon" }, { "runs", "repeat" },
    { "repetitions", "repeat" }, { "replications", "repeat" }, { "warm-up", "warmup" },
    { "burn-in", "warmup" }, { "random-seed", "seed" }, { "rng-seed", "seed" },
};

/* The hint for an unknown key no name is a slip from: the keys and built-ins
 * whose last part is the one typed (or its synonym), as when the section
 * is what went wrong ('horizon', 'sim.seed'). Up to three are named, so
 * a name two sections share still gets its hint; "" if none or more. */
static void same_name_hint(const struct param_registry *reg, const char *key,
                           char *buf, size_t len)
{
    const char *last = strrchr(key, '.'), *hit[4];
    size_t n = 0, plen;     /* plen: the typed section and its dot */

    last = last ? last + 1 : key;
    plen = (size_t)(last - key);
    for (size_t i = 0; i < sizeof synonyms / sizeof synonyms[0]; i++)
        if (strcmp(last, synonyms[i].typed) == 0)
            last = synonyms[i].ours;
    for (size_t i = 0; i < N_BUILTINS && n < 4; i++)
        if (strcmp(last, builtins[i].name) == 0)
            hit[n++] = builtins[i].name;
    for (size_t i = 0; i < preg_count(reg) && n < 4; i++) {
        const char *k = preg_at(reg, i)->key, *kl = strrchr(k, '.');

        if (strcmp(last, kl ? kl + 1 : k) == 0)
            hit[n++] = k;
    }
    buf[0] = '\0';
    if (n == 0 || n == 4)
        return;
    /* the section typed settles a name two sections share ('sim.duration') */
    for (size_t i = 0; i < n && plen > 0; i++)
        if (strncmp(hit[i], key, plen) == 0) {
            hit[0] = hit[i];
            n = 1;
        }
    if (n == 1)
        snprintf(buf, len, " (did you mean '%s'?)", hit[0]);
    else if (n == 2)
        snprintf(buf, len, " (did you mean '%s' or '%s'?)", hit[0], hit[1]);
    else
        snprintf(buf, len, " (did you mean '%s', '%s' or '%s'?)", hit[0], hit[1], hit[2]);
}

/* Builds a checked entry (not 'extends'). Reports and returns false on
 * an unknown key or a bad value; takes no ownership of key or value. */
static bool make_entry(const struct param_registry *reg, struct diag *d, int *nerr,
                       const char *key, const char *value, const struct srcloc *loc,
                       struct entry *out)
{
    char err[1024];
    const struct param_def *def = NULL;
    enum builtin bi = builtin_of(key);
    struct sweep *sw = NULL;

    memset(out, 0, sizeof *out);
    for (const char *p = key; *p; ) {
        size_t len = strcspn(p, ".");

        if (len > SCN_MAX_KEY_PART) {
            report(d, nerr, loc, "key '%.*s...': name too long (%zu bytes, at most %d)",
                   (int)(p - key) + 20, key, len, SCN_MAX_KEY_PART);
            return false;
        }
        p += len + (p[len] == '.');
    }
    if (bi == B_NONE && !(def = preg_find(reg, key))) {
        const char *sug = preg_suggest(reg, key);
        char sbuf[512], hint[600];
        struct param_near near;

        param_near_init(&near, key);
        /* a pattern is named with the analyst's own entity for its '*' */
        if (sug)
            param_near_offer(&near, param_instance(sug, key, sbuf, sizeof sbuf) ? sbuf : sug);
        for (size_t i = 0; i < N_BUILTINS; i++)
            param_near_offer(&near, builtins[i].name);
        /* one slip from a name is that name; else the last part, if it
         * names keys, says more than a name two or three edits away */
        hint[0] = '\0';
        if (!param_near_best(&near) || near.d > 1)
            same_name_hint(reg, key, hint, sizeof hint);
        if (!hint[0])
            param_hint(param_near_best(&near), hint, sizeof hint);
        report(d, nerr, loc, "unknown key '%s'%s", key, hint);
        return false;
    }
    if (strstr(value, "${") && bi != B_SEEDSET) {
        if (bi != B_NONE && bi != B_SEED) {
            report(d, nerr, loc, "%s: sweeps are not allowed here, got \"%s\"", key, value);
            return false;
        }
        if (!(sw = sweep_parse(key, value, err, sizeof err))) {
            report(d, nerr, loc, "%s", err);
            return false;
        }
        if (!(sw->canon = calloc(sw->n + 1, sizeof *sw->canon))) {
            report(d, nerr, loc, "out of memory");
            sweep_free(sw);
            return false;
        }
        for (size_t i = 0; i < sw->n; i++) {
            char *v = xasprintf("%s%s%s", sw->prefix, sw->vals[i], sw->suffix);
            bool ok = v && check_value(def, bi, key, v, err, sizeof err);

            if (ok && !(sw->canon[i] = canon_value(def, bi, v)))
                snprintf(err, sizeof err, "out of memory");
            free(v);
            if (!ok || !sw->canon[i]) {
                report(d, nerr, loc, "%s", err);
                sweep_free(sw);
                return false;
            }
        }
    } else if (!check_value(def, bi, key, value, err, sizeof err)) {
        report(d, nerr, loc, "%s", err);
        return false;
    }
    out->key = xstrdup(key);
    out->value = xstrdup(value);
    out->loc = *loc;
    out->def = def;
    out->bi = bi;
    out->sw = sw;
    if (!out->key || !out->value) {
        entry_release(out);
        report(d, nerr, loc, "out of memory");
        return false;
    }
    return true;
}

/* ---- the scn object ---- */

static const char *own_file(struct scn *s, const char *name)
{
    char *p = xstrdup(name);

    if (!p || !grow((void **)&s->files, &s->capfiles, s->nfiles + 1, sizeof *s->files)) {
        free(p);
        return NULL;
    }
    s->files[s->nfiles++] = p;
    return p;
}

static int add_section(struct scn *s, const char *name, const struct srcloc *loc)
{
    struct section *sc;

    for (size_t i = 1; i < s->nsec; i++)
        if (strcmp(s->sec[i].name, name) == 0)
            return (int)i;          /* a repeated [Config X] adds to the first */
    if (!grow((void **)&s->sec, &s->capsec, s->nsec + 1, sizeof *s->sec))
        return -1;
    sc = &s->sec[s->nsec];
    memset(sc, 0, sizeof *sc);
    sc->name = xstrdup(name);
    sc->source = s->nsec == 0 ? xstrdup("General") : xasprintf("Config:%s", name);
    if (loc)
        sc->loc = *loc;
    if (!sc->name || !sc->source) {
        free(sc->name);
        free(sc->source);
        return -1;
    }
    return (int)s->nsec++;
}

void scn_free(struct scn *s)
{
    if (!s)
        return;
    for (size_t i = 0; i < s->nsec; i++) {
        struct section *sc = &s->sec[i];

        for (size_t j = 0; j < sc->n; j++)
            entry_release(&sc->e[j]);
        free(sc->e);
        for (size_t j = 0; j < sc->next; j++)
            free(sc->ext[j]);
        free(sc->ext);
        free(sc->ext_idx);
        free(sc->lin);
        free(sc->name);
        free(sc->source);
    }
    free(s->sec);
    for (size_t i = 0; i < s->nfiles; i++)
        free(s->files[i]);
    free(s->files);
    free(s->path);
    free(s);
}

size_t scn_config_count(const struct scn *s)
{
    return s->nsec - 1;
}

const char *scn_config_name(const struct scn *s, size_t i)
{
    SIM_ASSERT(i + 1 < s->nsec);
    return s->sec[i + 1].name;
}

uint64_t scn_digest(const struct scn *s)
{
    return s->digest;
}

const char *scn_path(const struct scn *s)
{
    return s->path;
}

/* ---- reading: sources, the line reader, the inih handler ---- */

struct src {
    char *text;             /* owned; whole file */
    size_t len, pos;
    int line;
    const char *file;       /* owned by the scn */
    bool from_string;       /* includes then resolve against the cwd */
    dev_t dev;
    ino_t ino;
    int saved_sec;          /* includer's section, restored at the end */
    char *saved_prefix;
};

struct pctx {
    struct scn *s;
    struct diag *d;
    int nerr;
    struct src stack[MAX_INCLUDE_DEPTH];
    int depth;
    bool midline;           /* feeding a key/value line to inih */
    size_t lstart, llen, loff;  /* that line: start, length fed with '\n', offset */
    size_t lfull;               /* its length in the source, '\n' included */
    int sec;                /* current section; -1 after a bad header */
    char *prefix;           /* entity section prefix, "" otherwise; owned */
    char *pending;          /* 'include = x' seen by the handler */
    struct srcloc pending_loc;
};

static struct src *top(struct pctx *c)
{
    return &c->stack[c->depth - 1];
}

static char *read_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    char *buf = NULL;
    size_t cap = 0, n = 0, got;
    struct stat st;
    int err = 0;

    if (!f)
        return NULL;
    /* fopen opens a directory and fread then fails with EISDIR; say so
     * rather than "Input/output error". */
    if (fstat(fileno(f), &st) == 0 && S_ISDIR(st.st_mode)) {
        fclose(f);
        errno = EISDIR;
        return NULL;
    }
    do {
        if (n + 4096 + 1 > cap) {
            char *nb;

            cap = cap ? cap * 2 : 8192;
            if (!(nb = realloc(buf, cap))) {
                free(buf);
                fclose(f);
                errno = ENOMEM;
                return NULL;
            }
            buf = nb;
        }
        errno = 0;
        got = fread(buf + n, 1, cap - n - 1, f);
        err = errno;
        n += got;
    } while (got > 0);
    if (ferror(f)) {
        free(buf);
        fclose(f);
        errno = err ? err : EIO;    /* the real reason where there is one */
        return NULL;
    }
    fclose(f);
    buf[n] = '\0';
    *len = n;
    return buf;
}

/* Pushes a source whose text is already read; hashes every byte of it. */
static bool push_src(struct pctx *c, char *text, size_t len, const char *file,
                     bool from_string, const struct stat *st)
{
    struct src *t = &c->stack[c->depth];

    memset(t, 0, sizeof *t);
    t->text = text;
    t->len = len;
    t->file = own_file(c->s, file);
    t->from_string = from_string;
    if (st) {
        t->dev = st->st_dev;
        t->ino = st->st_ino;
    }
    t->saved_sec = c->sec;
    t->saved_prefix = xstrdup(c->prefix);
    if (!t->file || !t->saved_prefix) {
        free(t->saved_prefix);
        return false;
    }
    c->s->digest = fnv1a(c->s->digest, text, len);
    /* A UTF-8 byte-order mark is hashed but not parsed. */
    if (len >= 3 && memcmp(text, "\xEF\xBB\xBF", 3) == 0)
        t->pos = 3;
    c->depth++;
    return true;
}

static void pop_src(struct pctx *c)
{
    struct src *t = top(c);

    c->sec = t->saved_sec;
    free(c->prefix);
    c->prefix = t->saved_prefix;
    free(t->text);
    c->depth--;
}

static void do_include(struct pctx *c, const char *path, const struct srcloc *loc)
{
    struct src *t = top(c);
    char *full, *text;
    const char *slash = strrchr(t->file, '/');
    struct stat st;
    size_t len;

    if (!*path) {
        report(c->d, &c->nerr, loc, "include: missing file name");
        return;
    }
    if (path[0] == '/' || t->from_string || !slash)
        full = xstrdup(path);
    else
        full = xasprintf("%.*s/%s", (int)(slash - t->file), t->file, path);
    if (!full) {
        report(c->d, &c->nerr, loc, "out of memory");
        return;
    }
    if (stat(full, &st) != 0) {
        report(c->d, &c->nerr, loc, "cannot open include file '%s': %s", path, strerror(errno));
        free(full);
        return;
    }
    for (int i = 0; i < c->depth; i++) {
        if (c->stack[i].dev == st.st_dev && c->stack[i].ino == st.st_ino
            && !c->stack[i].from_string) {
            char chain[1024];
            size_t o = 0;

            chain[0] = '\0';
            for (int j = i; j < c->depth && o < sizeof chain; j++)
                o += (size_t)snprintf(chain + o, sizeof chain - o, "%s -> ", c->stack[j].file);
            report(c->d, &c->nerr, loc, "include cycle: %s%s", chain, full);
            free(full);
            return;
        }
    }
    if (c->depth >= MAX_INCLUDE_DEPTH) {
        report(c->d, &c->nerr, loc, "includes nested too deeply (more than %d)",
               MAX_INCLUDE_DEPTH);
        free(full);
        return;
    }
    if (!(text = read_file(full, &len))) {
        report(c->d, &c->nerr, loc, "cannot open include file '%s': %s", path, strerror(errno));
        free(full);
        return;
    }
    if (!push_src(c, text, len, full, false, &st)) {
        free(text);
        report(c->d, &c->nerr, loc, "out of memory");
    }
    free(full);
}

/* Where an inline comment starts in the n bytes at p, or n: a ';' or
 * '#' after a blank (or first, if 'blank_before'), as inih finds them,
 * but not inside double quotes, so that a quoted sweep item, text or file
 * name may hold one ("${f=\"a ;b.csv\",c}"). With the quotes unbalanced
 * the first one after a blank starts the comment, quotes or not. */
static size_t comment_start(const char *p, size_t n, bool blank_before)
{
    for (int quoted = 1;; quoted = 0) {
        bool in_q = false, was_space = blank_before;
        size_t i;

        for (i = 0; i < n; i++) {
            if (p[i] == '"' && quoted)
                in_q = !in_q;
            else if (!in_q && was_space && (p[i] == ';' || p[i] == '#'))
                break;
            was_space = isspace((unsigned char)p[i]);
        }
        if (!in_q || !quoted)
            return i;
    }
}

char *scn_value_for_file(const char *value)
{
    size_t n = strlen(value);
    char *q;

    if ((n == 0 || comment_start(value, n, true) == n) &&
        !(n > 0 && (isspace((unsigned char)value[0]) || isspace((unsigned char)value[n - 1]))) &&
        !(n >= 2 && value[0] == '"' && value[n - 1] == '"'))
        return xstrdup(value);
    if (!(q = xasprintf("\"%s\"", value)))
        return NULL;
    if (comment_start(q, n + 2, true) == n + 2)
        return q;
    free(q);
    return xstrdup(value);      /* no quoting reads back as it is */
}

/* Strips an inline comment (comment_start) and surrounding blanks and
 * quotes; in place. */
static char *clean_tail(char *s)
{
    size_t n;

    s[comment_start(s, strlen(s), true)] = '\0';
    while (isspace((unsigned char)*s))
        s++;
    n = strlen(s);
    while (n > 0 && isspace((unsigned char)s[n - 1]))
        s[--n] = '\0';
    if (n >= 2 && s[0] == '"' && s[n - 1] == '"') {
        s[n - 1] = '\0';
        s++;
    }
    return s;
}

/* Is 'kind' the first part of some entity key, "kind.<name>.<key>"? Then
 * [kind name] is an entity section. The registry is sorted by key, so a
 * kind's keys lie together; a scan of a few hundred at load time. */
static bool entity_kind(const struct param_registry *reg, const char *kind,
                        struct param_near *near)
{
    size_t lk = strlen(kind);
    const char *last = NULL;
    size_t llast = 0;

    for (size_t i = 0; i < preg_count(reg); i++) {
        const char *k = preg_at(reg, i)->key, *dot = strchr(k, '.');

        if (!dot || !strchr(dot + 1, '.'))
            continue;           /* not kind.name.key */
        if ((size_t)(dot - k) == lk && strncmp(k, kind, lk) == 0)
            return true;
        if (near && !(last && (size_t)(dot - k) == llast && strncmp(k, last, llast) == 0)) {
            char one[64];

            last = k;
            llast = (size_t)(dot - k);
            if (llast < sizeof one) {
                memcpy(one, k, llast);
                one[llast] = '\0';
                param_near_offer_d(near, k, param_edit_distance(kind, one));
            }
        }
    }
    return false;
}

static void section_header(struct pctx *c, char *name, const struct srcloc *loc)
{
    char *sp;

    free(c->prefix);
    c->prefix = xstrdup("");
    c->sec = -1;
    if (strcmp(name, "General") == 0) {
        c->sec = 0;
        return;
    }
    if (strncmp(name, "Config", 6) == 0 && (name[6] == '\0' || isspace((unsigned char)name[6]))) {
        char *cname = clean_tail(name + 6);

        if (!*cname)
            report(c->d, &c->nerr, loc, "missing config name in section header [%s]", name);
        else if (!is_ident(cname, true))
            report(c->d, &c->nerr, loc, "bad config name '%s'", cname);
        else if (strcmp(cname, "General") == 0)
            /* -c General and extends = General mean [General]: the keys of
             * this section would never be read. */
            report(c->d, &c->nerr, loc,
                   "config name 'General' is reserved: write [General] for the base section");
        else if ((c->sec = add_section(c->s, cname, loc)) < 0)
            report(c->d, &c->nerr, loc, "out of memory");
        return;
    }
    sp = name;
    while (*sp && !isspace((unsigned char)*sp))
        sp++;
    if (*sp) {
        char *ename = sp + 1;

        *sp = '\0';
        while (isspace((unsigned char)*ename))
            ename++;
        if (!is_ident(name, true) || !is_ident(ename, false)) {
            report(c->d, &c->nerr, loc, "bad entity section [%s %s]: expected [kind name]",
                   name, ename);
            return;
        }
        /* [config Quick], [Confg Quick]: an unknown kind made every key
         * below it an unknown "config.Quick.<key>", blamed line by line
         * with hints that fixed nothing, and the header never named */
        if (c->s->reg) {
            struct param_near near;

            param_near_init(&near, name);
            if (!entity_kind(c->s->reg, name, &near)) {
                const char *kind = param_near_best(&near);
                size_t lk = kind ? strcspn(kind, ".") : 0;

                if (param_edit_distance(name, "Config") <= 2)
                    report(c->d, &c->nerr, loc, "unknown section kind '%s' in [%s %s] (did "
                           "you mean [Config %s]?)", name, name, ename, ename);
                else if (kind)
                    report(c->d, &c->nerr, loc, "unknown section kind '%s' in [%s %s] (did "
                           "you mean [%.*s %s]?)", name, name, ename, (int)lk, kind, ename);
                else
                    report(c->d, &c->nerr, loc, "unknown section kind '%s' in [%s %s]: expected "
                           "[General], [Config <name>] or [<kind> <name>] of an entity kind "
                           "such as archetype, hostclass, region or gpu", name, name, ename);
                return;
            }
        }
        free(c->prefix);
        c->prefix = xasprintf("%s.%s.", name, ename);
        c->sec = c->prefix ? 0 : -1;
        return;
    }
    if (strcasecmp(name, "General") == 0)
        report(c->d, &c->nerr, loc, "unknown section [%s] (did you mean [General]?)", name);
    else
        report(c->d, &c->nerr, loc,
               "unknown section [%s]: expected [General], [Config <name>] or [<kind> <name>]",
               name);
}

/* Looks at the line starting at t->pos. Returns true if it is a key/value
 * line for inih; otherwise handles it (section, include, blank, error). */
static bool classify(struct pctx *c, struct src *t, size_t n)
{
    struct srcloc loc = { t->file, t->line };
    char *ln = xstrndup(t->text + t->pos, n), *p;
    bool kv = false;

    if (!ln) {
        report(c->d, &c->nerr, &loc, "out of memory");
        return false;
    }
    p = ln;
    while (isspace((unsigned char)*p))
        p++;
    if (*p == '\0' || *p == ';' || *p == '#') {
        /* blank or comment */
    } else if (n + 3 > 65536) {
        report(c->d, &c->nerr, &loc, "line too long (%zu bytes, at most 65533)", n);
    } else if (*p == '[') {
        char *end = strchr(p, ']');

        if (!end) {
            report(c->d, &c->nerr, &loc, "syntax error: missing ']' in section header \"%s\"",
                   clean_tail(p));
            c->sec = -1;
        } else if (*clean_tail(end + 1)) {
            report(c->d, &c->nerr, &loc, "syntax error: unexpected text after section header \"%s\"",
                   clean_tail(p));
            c->sec = -1;
        } else {
            char *name;

            *end = '\0';
            name = clean_tail(p + 1);
            section_header(c, name, &loc);
        }
    } else if (strncmp(p, "include", 7) == 0 && isspace((unsigned char)p[7])
               && !strchr("=:", *(p + 7 + strspn(p + 7, " \t")))) {
        do_include(c, clean_tail(p + 7), &loc);
    } else {
        /* inih splits at the first '=' or ':'; refuse what it would refuse,
         * and an empty key, so that the message names our file:line. */
        size_t k = strcspn(p, "=:");

        for (char *q = p; q < p + k; q++)
            if ((*q == ';' || *q == '#') && isspace((unsigned char)q[-1])) {
                k = strlen(p);
                break;
            }
        if (p[k] == '\0')
            report(c->d, &c->nerr, &loc,
                   "syntax error: expected 'key = value', '[section]' or 'include file', got \"%s\"",
                   clean_tail(p));
        else if (k == 0)
            report(c->d, &c->nerr, &loc, "syntax error: missing key before '%c'", p[0]);
        else
            kv = true;
    }
    free(ln);
    return kv;
}

/* Where the inline comment of key/value line 'p' (n bytes) starts, or n.
 * inih, which cannot tell quotes, is left no comment to strip; as in
 * inih, the value's first character, right after the '=' or ':', starts
 * none ("color=#ff0000"). classify() has checked the key holds none. */
static size_t comment_at(const char *p, size_t n)
{
    size_t v = 0;

    while (v < n && p[v] != '=' && p[v] != ':')
        v++;
    if (v >= n)
        return n;
    v++;
    return v + comment_start(p + v, n - v, false);
}

static char *reader(char *str, int num, void *stream)
{
    struct pctx *c = stream;
    struct src *t;
    size_t k = 0;

    SIM_ASSERT(num >= 2);
    while (!c->midline) {
        const char *nl;
        size_t n;

        if (c->pending) {
            char *path = c->pending;
            struct srcloc loc = c->pending_loc;

            c->pending = NULL;
            do_include(c, path, &loc);
            free(path);
            continue;
        }
        t = top(c);
        if (t->pos >= t->len) {
            if (c->depth > 1) {
                pop_src(c);
                continue;
            }
            return NULL;
        }
        t->line++;
        nl = memchr(t->text + t->pos, '\n', t->len - t->pos);
        n = nl ? (size_t)(nl - (t->text + t->pos)) : t->len - t->pos;
        if (memchr(t->text + t->pos, '\0', n)) {
            /* C strings end there: "fee = 0.1\0junk" read as 0.1. One
             * message for the source, whose other lines would repeat it. */
            struct srcloc loc = { t->file, t->line };

            report(c->d, &c->nerr, &loc, "NUL byte in this line: binary file or UTF-16? "
                   "(scenarios are UTF-8 text)");
            t->pos = t->len;
            continue;
        }
        if (classify(c, t, n)) {
            /* Feed this line, with a '\n' even at end of file, so inih's
             * long-line loop never glues it to the next source's line. */
            c->midline = true;
            c->lstart = t->pos;
            c->llen = comment_at(t->text + t->pos, n) + 1;
            c->lfull = n + 1;
            c->loff = 0;
            break;
        }
        t->pos += n + (nl ? 1 : 0);
        /* Keep inih's own (unused) line count in step: an empty line. */
        str[0] = '\n';
        str[1] = '\0';
        return str;
    }
    t = top(c);
    while (k + 1 < (size_t)num && c->loff < c->llen) {
        str[k++] = c->loff + 1 == c->llen ? '\n' : t->text[c->lstart + c->loff];
        c->loff++;
    }
    str[k] = '\0';
    if (c->loff == c->llen) {
        c->midline = false;
        t->pos = c->lstart + c->lfull;
        if (t->pos > t->len)
            t->pos = t->len;
    }
    return str;
}

static void set_extends(struct pctx *c, struct section *sc, const char *value,
                        const struct srcloc *loc)
{
    for (size_t j = 0; j < sc->next; j++)
        free(sc->ext[j]);
    free(sc->ext);
    sc->ext = NULL;
    sc->next = 0;
    sc->ext_loc = *loc;
    for (const char *p = value; p; ) {
        const char *comma = strchr(p, ',');
        char *name = trim_dup(p, comma ? (size_t)(comma - p) : strlen(p));
        char **ne = realloc(sc->ext, (sc->next + 1) * sizeof *ne);

        if (!name || !ne) {
            free(name);
            if (ne)
                sc->ext = ne;
            report(c->d, &c->nerr, loc, "out of memory");
            return;
        }
        sc->ext = ne;
        if (!*name) {
            report(c->d, &c->nerr, loc, "extends: empty config name in \"%s\"", value);
            free(name);
        } else {
            sc->ext[sc->next++] = name;
        }
        p = comma ? comma + 1 : NULL;
    }
}

static int handler(void *user, const char *section, const char *name, const char *value)
{
    struct pctx *c = user;
    struct src *t = top(c);
    struct srcloc loc = { t->file, t->line };
    struct section *sc;
    struct entry e;
    char *key, *val;
    size_t n;

    (void)section;          /* sections are tracked by the reader */
    if (!value)
        value = "";
    n = strlen(value);
    val = n >= 2 && value[0] == '"' && value[n - 1] == '"' ? xstrndup(value + 1, n - 2)
                                                            : xstrdup(value);
    if (strcmp(name, "include") == 0) {
        /* 'include = x': the reader opens it before the next line. Its
         * quotes go as for any value (and as in 'include "x"'). */
        free(c->pending);
        c->pending = val;
        c->pending_loc = loc;
        if (!val)
            report(c->d, &c->nerr, &loc, "out of memory");
        return 1;
    }
    if (c->sec < 0) {
        free(val);
        return 1;           /* keys of a bad section header: already reported */
    }
    sc = &c->s->sec[c->sec];
    key = xasprintf("%s%s", c->prefix, name);
    if (!key || !val) {
        report(c->d, &c->nerr, &loc, "out of memory");
    } else if (strcmp(key, "extends") == 0) {
        if (c->sec == 0)
            report(c->d, &c->nerr, &loc, "'extends' is only allowed in [Config] sections");
        else if (sc->ext_loc.file == loc.file)
            /* As for any key (below): the second one silently replaced
             * the first. A later file may still replace it. */
            report(c->d, &c->nerr, &loc, "extends: given twice in this section (also at %s:%d)",
                   sc->ext_loc.file, sc->ext_loc.line);
        else
            set_extends(c, sc, val, &loc);
    } else if (make_entry(c->s->reg, c->d, &c->nerr, key, val, &loc, &e)) {
        const struct entry *twin = NULL;

        /* A later file may override an included one (that is what include
         * is for), but a key given twice in one section of one file is a
         * slip: which line was meant? */
        for (size_t i = 0; i < sc->n && !twin; i++)
            if (strcmp(sc->e[i].key, key) == 0 && sc->e[i].loc.file == loc.file)
                twin = &sc->e[i];
        if (twin) {
            report(c->d, &c->nerr, &loc, "%s: given twice in this section (also at %s:%d)",
                   key, twin->loc.file, twin->loc.line);
            entry_release(&e);
        } else if (!grow((void **)&sc->e, &sc->cap, sc->n + 1, sizeof *sc->e)) {
            entry_release(&e);
            report(c->d, &c->nerr, &loc, "out of memory");
        } else {
            e.seq = c->s->seq++;
            sc->e[sc->n++] = e;
        }
    }
    free(key);
    free(val);
    return 1;
}

/* Depth-first search for extends cycles; 'state' 0 new, 1 open, 2 done. */
static void find_cycles(struct pctx *c, size_t u, unsigned char *state,
                        size_t *path, size_t depth)
{
    struct section *sc = &c->s->sec[u];

    state[u] = 1;
    path[depth] = u;
    for (size_t j = 0; j < sc->next; j++) {
        size_t v = sc->ext_idx[j];

        if (v == 0)
            continue;
        if (state[v] == 1) {
            char chain[1024];
            size_t o = 0, i = 0;

            while (path[i] != v)
                i++;
            chain[0] = '\0';
            for (; i <= depth && o < sizeof chain; i++)
                o += (size_t)snprintf(chain + o, sizeof chain - o, "%s -> ",
                                      c->s->sec[path[i]].name);
            report(c->d, &c->nerr, &sc->ext_loc, "cycle in extends: %s%s", chain,
                   c->s->sec[v].name);
        } else if (state[v] == 0) {
            find_cycles(c, v, state, path, depth + 1);
        }
    }
    state[u] = 2;
}

/* The lookup order of config u, by C3 linearization as OMNeT++ orders
 * [Config] inheritance: u, then the merge of its parents' orders and the
 * parent list. A config always comes before every config it extends, and
 * parents keep the order written, so with 'extends = Fast, Remote' both
 * over a common Base, Remote's keys beat Base's (depth first put Base
 * right after Fast, and Base's value hid Remote's override). 'state':
 * 0 not done, 1 done, 2 failed (reported). Needs an acyclic graph. */
static bool linearize(struct pctx *c, size_t u, unsigned char *state)
{
    struct section *sc = &c->s->sec[u];
    size_t nsec = c->s->nsec, np = 0, *par, *pos;
    bool ok = true;

    if (state[u])
        return state[u] == 1;
    par = calloc(sc->next + 1, sizeof *par);
    pos = calloc(sc->next + 2, sizeof *pos);
    sc->lin = calloc(nsec, sizeof *sc->lin);
    if (!par || !pos || !sc->lin) {
        free(par);
        free(pos);
        report(c->d, &c->nerr, &sc->ext_loc, "out of memory");
        state[u] = 2;
        return false;
    }
    for (size_t j = 0; j < sc->next; j++) {
        size_t v = sc->ext_idx[j];
        bool dup = v == 0;      /* General is last for everyone */

        for (size_t i = 0; i < np && !dup; i++)
            dup = par[i] == v;
        if (!dup)
            par[np++] = v;
    }
    for (size_t i = 0; i < np && ok; i++)
        ok = linearize(c, par[i], state);
    sc->lin[sc->nlin++] = u;
    /* Lists 0..np-1 are the parents' orders, list np the parent list;
     * pos[] is each list's head. Take the first head that is in no
     * list's tail. */
    while (ok) {
        size_t pick = 0;
        bool found = false, left = false;

        for (size_t l = 0; l <= np && !found; l++) {
            const size_t *L = l < np ? c->s->sec[par[l]].lin : par;
            size_t len = l < np ? c->s->sec[par[l]].nlin : np;
            bool in_tail = false;

            if (pos[l] >= len)
                continue;
            left = true;
            pick = L[pos[l]];
            for (size_t m = 0; m <= np && !in_tail; m++) {
                const size_t *M = m < np ? c->s->sec[par[m]].lin : par;
                size_t mlen = m < np ? c->s->sec[par[m]].nlin : np;

                for (size_t k = pos[m] + 1; k < mlen && !in_tail; k++)
                    in_tail = M[k] == pick;
            }
            found = !in_tail;
        }
        if (!left)
            break;
        if (!found) {
            report(c->d, &c->nerr, &sc->ext_loc,
                   "extends: no lookup order for config '%s' keeps every config before "
                   "the ones it extends and the parents in the order written", sc->name);
            ok = false;
            break;
        }
        sc->lin[sc->nlin++] = pick;
        for (size_t l = 0; l <= np; l++) {
            const size_t *L = l < np ? c->s->sec[par[l]].lin : par;
            size_t len = l < np ? c->s->sec[par[l]].nlin : np;

            if (pos[l] < len && L[pos[l]] == pick)
                pos[l]++;
        }
    }
    free(par);
    free(pos);
    state[u] = ok ? 1 : 2;
    return ok;
}

static void resolve_extends(struct pctx *c)
{
    struct scn *s = c->s;
    unsigned char *state;
    size_t *path;

    for (size_t i = 1; i < s->nsec; i++) {
        struct section *sc = &s->sec[i];

        sc->ext_idx = calloc(sc->next + 1, sizeof *sc->ext_idx);
        if (!sc->ext_idx) {
            report(c->d, &c->nerr, &sc->ext_loc, "out of memory");
            return;
        }
        for (size_t j = 0; j < sc->next; j++) {
            size_t k = 0;

            if (strcmp(sc->ext[j], "General") != 0) {
                for (k = 1; k < s->nsec && strcmp(s->sec[k].name, sc->ext[j]) != 0; k++)
                    ;
                if (k == s->nsec) {
                    struct param_near near;
                    char hint[160];

                    param_near_init(&near, sc->ext[j]);
                    param_near_offer(&near, "General");
                    for (size_t q = 1; q < s->nsec; q++)     /* not itself */
                        if (&s->sec[q] != sc)
                            param_near_offer(&near, s->sec[q].name);
                    report(c->d, &c->nerr, &sc->ext_loc, "unknown config '%s' in extends%s",
                           sc->ext[j], param_hint(param_near_best(&near), hint, sizeof hint));
                    k = 0;
                }
            }
            sc->ext_idx[j] = k;
        }
    }
    state = calloc(s->nsec, 1);
    path = calloc(s->nsec, sizeof *path);
    if (state && path) {
        for (size_t i = 1; i < s->nsec; i++)
            if (state[i] == 0)
                find_cycles(c, i, state, path, 0);
        if (c->nerr == 0) {
            memset(state, 0, s->nsec);
            for (size_t i = 1; i < s->nsec; i++)
                linearize(c, i, state);
        }
    } else {
        struct srcloc here = { s->path, 0 };

        report(c->d, &c->nerr, &here, "out of memory");
    }
    free(state);
    free(path);
}

static struct scn *load(const char *name, char *text, size_t len, bool from_string,
                        const struct stat *st, const struct param_registry *reg,
                        struct diag *d)
{
    struct scn *s = calloc(1, sizeof *s);
    struct pctx c;
    /* inih's options are process-wide globals in Debian's build; set them
     * for this parse and put them back, since the prefix string below lives
     * on our stack. */
    char prefixes[] = ";#";
    bool o_stack = ini_use_stack, o_realloc = ini_allow_realloc;
    bool o_multi = ini_allow_multiline, o_novalue = ini_allow_no_value;
    bool o_inline = ini_allow_inline_comments, o_stop = ini_stop_on_first_error;
    int o_max = ini_max_line;
    char *o_prefixes = ini_inline_comment_prefixes;
    int rc;
    struct srcloc here = { name, 0 };

    memset(&c, 0, sizeof c);
    c.s = s;
    c.d = d;
    c.prefix = xstrdup("");
    if (!s || !c.prefix || !(s->path = xstrdup(name)) || add_section(s, "General", NULL) != 0) {
        diag_error(d, &here, "out of memory");
        free(text);
        free(c.prefix);
        scn_free(s);
        return NULL;
    }
    s->reg = reg;
    s->digest = UINT64_C(0xcbf29ce484222325);
    if (!push_src(&c, text, len, name, from_string, st)) {
        diag_error(d, &here, "out of memory");
        free(text);
        free(c.prefix);
        scn_free(s);
        return NULL;
    }

    ini_use_stack = false;
    ini_allow_realloc = true;
    ini_max_line = 65536;
    ini_allow_multiline = false;    /* an indented key is a key, not a continuation */
    ini_allow_no_value = false;
    ini_allow_inline_comments = false;     /* the reader cuts them (comment_at) */
    ini_stop_on_first_error = false;
    ini_inline_comment_prefixes = prefixes;
    rc = ini_parse_stream(reader, &c, handler, &c);
    ini_use_stack = o_stack;
    ini_allow_realloc = o_realloc;
    ini_max_line = o_max;
    ini_allow_multiline = o_multi;
    ini_allow_no_value = o_novalue;
    ini_allow_inline_comments = o_inline;
    ini_stop_on_first_error = o_stop;
    ini_inline_comment_prefixes = o_prefixes;

    if (rc == -2)
        report(d, &c.nerr, &here, "out of memory");
    while (c.depth > 0)
        pop_src(&c);
    free(c.pending);
    free(c.prefix);
    if (c.nerr == 0)
        resolve_extends(&c);
    if (c.nerr > 0) {
        scn_free(s);
        return NULL;
    }
    return s;
}

struct scn *scn_load(const char *path, const struct param_registry *reg, struct diag *d)
{
    struct srcloc here = { path, 0 };
    struct stat st;
    size_t len;
    char *text;

    if (stat(path, &st) != 0 || !(text = read_file(path, &len))) {
        diag_error(d, &here, "cannot open scenario: %s", strerror(errno));
        return NULL;
    }
    return load(path, text, len, false, &st, reg, d);
}

struct scn *scn_load_string(const char *name, const char *text,
                            const struct param_registry *reg, struct diag *d)
{
    char *copy = xstrdup(text);
    struct srcloc here = { name, 0 };

    if (!copy) {
        diag_error(d, &here, "out of memory");
        return NULL;
    }
    return load(name, copy, strlen(copy), true, NULL, reg, d);
}

/* ---- studies ---- */

struct svar {
    const char *name;       /* borrowed from the sweep, or "repetition" */
    const struct sweep *sw; /* NULL for repetition */
    size_t n;
    size_t root;            /* the independent variable it moves with */
    struct srcloc loc;
};

struct skey {
    const struct entry *e;  /* winning entry; borrowed */
    const char *source;
    size_t rank;            /* its level: 0 --set, then the config chain */
    bool inert;             /* a --set that changes no run (see mark_inert) */
};

struct ent {
    char *kind, *name;
};

/* A run's resolved key (scn_run_new). */
struct rkey {
    const char *key;        /* borrowed from the entry or the study */
    const struct param_def *def;    /* NULL for seed and seed-set */
    char *raw;              /* owned: value text with the sweep applied */
    char *text;             /* owned: canonical form */
    bool lent;              /* raw and text are the study's (a default) */
    struct param_value v;
    const char *source;
    struct srcloc loc;
    size_t from;            /* the study key (st->keys) it holds, SIZE_MAX: a default */
};

struct scn_study {
    const struct scn *s;
    char *config;
    struct entry *ovr;      /* owned --set entries */
    size_t novr;
    struct skey *keys;      /* winners, sorted by key */
    size_t nkeys;
    struct svar *vars;
    size_t nvars;
    size_t *dims;           /* independent variables, outermost first */
    size_t ndims;
    size_t repeat, nruns;
    struct ent *ents;       /* (kind, name) pairs, sorted, unique */
    const char **ent_names; /* parallel to ents, for scn_entities */
    size_t nents;
    struct skey *defaults;  /* registry keys nobody wrote (e == NULL) */
    char **def_keys;        /* their concrete keys, owned */
    const struct param_def **def_defs;
    const struct skey **def_wild;   /* the analyst's "kind.*.param" that sets it, or NULL */
    size_t ndefaults;
    /* A registry default (def_wild NULL) resolves alike in every run:
     * resolved once here (fill_key) and lent to the runs (about 1,000
     * keys: resolving them again was most of a run's set-up, and all of
     * listing a study of a million runs) */
    struct rkey *def_fill;          /* owns raw and text; empty where def_wild is set */
    /* Where scn_run_new puts its n-th key so the run's keys come out
     * sorted: the names are the same in every run, so they are sorted
     * once here (sorting a thousand keys per run was most of listing a
     * study of a million runs) */
    size_t *slot;
    size_t nslots;
};

void scn_study_free(struct scn_study *st)
{
    if (!st)
        return;
    for (size_t i = 0; i < st->novr; i++)
        entry_release(&st->ovr[i]);
    free(st->ovr);
    free(st->keys);
    free(st->vars);
    free(st->dims);
    for (size_t i = 0; i < st->nents; i++) {
        free(st->ents[i].kind);
        free(st->ents[i].name);
    }
    free(st->ents);
    free(st->ent_names);
    for (size_t i = 0; i < st->ndefaults; i++) {
        free(st->def_keys[i]);
        if (st->def_fill) {
            free(st->def_fill[i].raw);
            free(st->def_fill[i].text);
        }
    }
    free(st->def_fill);
    free(st->slot);
    free(st->def_keys);
    free(st->def_defs);
    free(st->def_wild);
    free(st->defaults);
    free(st->config);
    free(st);
}

const char *scn_study_config(const struct scn_study *st) { return st->config; }

uint64_t scn_study_digest(const struct scn_study *st)
{
    /* FNV-1a over the config and the winning --set entries, which st->keys
     * holds sorted by key with one winner each: the order they were given
     * in does not matter, what they set does. A plain value goes in its
     * canonical text (as the duplicate-sweep check compares them): "0.2"
     * and "0.20" once made merge refuse parts of one study. A sweep goes
     * in as written. A --set that changes no run (it restates the file's
     * value) is left out, as if it had not been given. */
    uint64_t h = scn_digest(st->s) ^ 0xcbf29ce484222325ULL;

    for (const char *c = st->config; *c; c++)
        h = (h ^ (unsigned char)*c) * 0x100000001b3ULL;
    for (size_t i = 0; i < st->nkeys; i++) {
        const struct entry *e = st->keys[i].e;
        char *canon;

        if (strcmp(st->keys[i].source, "cli") != 0 || st->keys[i].inert)
            continue;
        canon = e->sw ? NULL : canon_value(e->def, e->bi, e->value);
        if (!e->sw && !canon)
            SIM_OOM("scenario: out of memory");
        {
            const char *parts[3] = { e->key, "=", canon ? canon : e->value };

            h = (h ^ (unsigned char)'\n') * 0x100000001b3ULL;
            for (size_t k = 0; k < 3; k++)
                for (const char *c = parts[k]; *c; c++)
                    h = (h ^ (unsigned char)*c) * 0x100000001b3ULL;
        }
        free(canon);
    }
    return h;
}
size_t scn_study_run_count(const struct scn_study *st) { return st->nruns; }
size_t scn_study_repeat(const struct scn_study *st) { return st->repeat; }
size_t scn_study_var_count(const struct scn_study *st) { return st->nvars; }

const char *scn_study_var_name(const struct scn_study *st, size_t i)
{
    SIM_ASSERT(i < st->nvars);
    return st->vars[i].name;
}

struct cand {
    const struct entry *e;
    const char *source;
    size_t rank;            /* lower wins */
};

static int cmp_cand(const void *a, const void *b)
{
    const struct cand *x = a, *y = b;
    int c = strcmp(x->e->key, y->e->key);

    if (c)
        return c;
    if (x->rank != y->rank)
        return x->rank < y->rank ? -1 : 1;
    /* Same section: the later line wins. */
    return x->e->seq > y->e->seq ? -1 : x->e->seq < y->e->seq;
}

static int cmp_ent(const void *a, const void *b)
{
    const struct ent *x = a, *y = b;
    int c = strcmp(x->kind, y->kind);

    return c ? c : strcmp(x->name, y->name);
}

/* Adds every (kind, name) that 'key' declares: for "a.b.c.d" that is
 * (a, b) and (a.b, c); the last segment is the parameter, never a name.
 * A '*' segment declares nothing: "archetype.*.rate" sets every
 * archetype there is, it does not add one named "*" (which ran with the
 * defaults beside the real ones). */
static bool add_ents(struct scn_study *st, size_t *cap, const char *key)
{
    const char *seg = strchr(key, '.');

    while (seg) {
        const char *next = strchr(seg + 1, '.');

        if (!next)
            break;
        if (memchr(key, '*', (size_t)(next - key))) {
            seg = next;
            continue;
        }
        if (!grow((void **)&st->ents, cap, st->nents + 1, sizeof *st->ents))
            return false;
        st->ents[st->nents].kind = xstrndup(key, (size_t)(seg - key));
        st->ents[st->nents].name = xstrndup(seg + 1, (size_t)(next - seg - 1));
        if (!st->ents[st->nents].kind || !st->ents[st->nents].name) {
            free(st->ents[st->nents].kind);
            free(st->ents[st->nents].name);
            return false;
        }
        st->nents++;
        seg = next;
    }
    return true;
}

static bool ents_range(const struct scn_study *st, const char *kind, size_t *lo, size_t *hi)
{
    size_t a = 0, b = st->nents;

    while (a < b) {
        size_t m = a + (b - a) / 2;

        if (strcmp(st->ents[m].kind, kind) < 0)
            a = m + 1;
        else
            b = m;
    }
    *lo = a;
    while (a < st->nents && strcmp(st->ents[a].kind, kind) == 0)
        a++;
    *hi = a;
    return *hi > *lo;
}

/* Is 'key' "kind.name.<...>"? */
static bool key_of_entity(const char *key, const char *kind, const char *name)
{
    size_t kl = strlen(kind), nl = strlen(name);

    return strncmp(key, kind, kl) == 0 && key[kl] == '.' &&
           strncmp(key + kl + 1, name, nl) == 0 && key[kl + 1 + nl] == '.';
}

/* Does the registry have an exact key "kind.name.<...>"? */
static bool builtin_entity(const struct param_registry *reg, const char *kind, const char *name)
{
    for (size_t i = 0; i < preg_count(reg); i++) {
        const char *key = preg_at(reg, i)->key;

        if (key_of_entity(key, kind, name) && !strchr(key, '*'))
            return true;
    }
    return false;
}

/* An entity of an open kind (preg_open_kind) that the analyst names, that
 * no built-in one of its kind has, but that is near a built-in name, is
 * most likely a typing error: a key 'archetype.academik.rate' adds a
 * seventh archetype, with the defaults of every other key, and leaves the
 * academic one as it was. Adding entities is allowed, so this is a
 * warning at the entity's first key, not an error. Closed kinds (GPU
 * models, which a scenario may extend through its own catalogue) are
 * left to their models. */
static void warn_new_entities(const struct scn_study *st, struct diag *d)
{
    const struct param_registry *reg = st->s->reg;
    bool *builtin = calloc(st->nents + 1, sizeof *builtin);

    if (!builtin)
        return;                 /* a warning only: out of memory shows later */
    for (size_t i = 0; i < st->nents; i++)
        builtin[i] = preg_kind_open(reg, st->ents[i].kind) &&
                     builtin_entity(reg, st->ents[i].kind, st->ents[i].name);
    for (size_t i = 0; i < st->nents; i++) {
        const struct ent *en = &st->ents[i];
        struct param_near near;
        size_t lo, hi;
        char hint[160];

        if (builtin[i] || !preg_kind_open(reg, en->kind) ||
            !ents_range(st, en->kind, &lo, &hi))
            continue;
        param_near_init(&near, en->name);
        for (size_t k = lo; k < hi; k++)
            if (builtin[k])
                param_near_offer(&near, st->ents[k].name);
        if (!param_near_best(&near))
            continue;
        for (size_t k = 0; k < st->nkeys; k++) {
            const struct entry *e = st->keys[k].e;

            if (key_of_entity(e->key, en->kind, en->name)) {
                diag_warn(d, &e->loc, "no built-in %s is named '%s'%s: this adds a new %s, "
                          "which takes the defaults of every key not written for it",
                          en->kind, en->name, param_hint(param_near_best(&near), hint, sizeof hint),
                          en->kind);
                break;
            }
        }
    }
    free(builtin);
}

static const struct skey *find_key(const struct scn_study *st, const char *key)
{
    size_t lo = 0, hi = st->nkeys;

    while (lo < hi) {
        size_t m = lo + (hi - lo) / 2;
        int c = strcmp(st->keys[m].e->key, key);

        if (c == 0)
            return &st->keys[m];
        if (c < 0)
            lo = m + 1;
        else
            hi = m;
    }
    return NULL;
}

/* A key the analyst did not write may still be set by one they did: the
 * same key with '*' for an entity name ("archetype.*.rate" for
 * "archetype.academic.rate"). An exact key written at its level or above
 * beats it (drop_shadowed); it beats the built-in defaults, the exact
 * ones included (else a '*' key would be read, checked and then ignored
 * for every built-in entity). */
static const struct skey *wild_key(const struct scn_study *st, const char *key)
{
    const char *seg = strchr(key, '.');

    while (seg) {
        const char *next = strchr(seg + 1, '.');
        const struct skey *w;
        char *pat;

        if (!next)
            break;
        pat = xasprintf("%.*s.*%s", (int)(seg - key), key, next);
        w = pat ? find_key(st, pat) : NULL;
        free(pat);
        if (w)
            return w;
        seg = next;
    }
    return NULL;
}

/* The levels' order holds for '*' keys too: `--set 'archetype.*.x=0'`
 * sets x for every archetype, those the file names included, and so does
 * a config's '*' key over [General]'s own keys. Only within one level does
 * an entity's own key beat the '*' key. An exact key that a '*' key of a
 * higher level covers is dropped here, and collect_defaults() gives it
 * that key's value (and sweep axis) as it does for unwritten keys. */
static bool drop_shadowed(struct scn_study *st)
{
    bool *drop = calloc(st->nkeys + 1, sizeof *drop);
    size_t w = 0;

    if (!drop)
        return false;
    for (size_t i = 0; i < st->nkeys; i++) {
        const struct skey *k = &st->keys[i];
        const struct skey *wk = strchr(k->e->key, '*') ? NULL : wild_key(st, k->e->key);

        drop[i] = wk && wk->rank < k->rank;
    }
    for (size_t i = 0; i < st->nkeys; i++)
        if (!drop[i])
            st->keys[w++] = st->keys[i];
    st->nkeys = w;
    free(drop);
    return true;
}

static bool add_default(struct scn_study *st, size_t *cap, const char *key,
                        const struct param_def *def, struct diag *d, int *nerr)
{
    struct srcloc here = { st->s->path, 0 };
    const struct skey *wild = wild_key(st, key);

    /* No key comes here twice: an exact key is its own definition's, an
     * entity's instance of a pattern only the pattern's that preg_find()
     * picks for it (collect_defaults), so no list of the keys added so
     * far is searched (a search per key made a study of 250 archetypes,
     * 10,000 defaults, take seconds, and mark_inert builds one per --set). */
    /* a required key that a '*' key sets is set (one drop_shadowed left
     * to it, or an entity's the analyst never wrote) */
    if (!def->def && !wild) {
        report(d, nerr, &here, "missing required key '%s'%s%s", key,
               strcmp(st->config, "General") ? " in config " : "",
               strcmp(st->config, "General") ? st->config : "");
        return true;
    }
    if (st->ndefaults >= *cap) {
        /* the two parallel arrays follow def_keys' capacity; resized only
         * when it grows (a realloc per key copied them each time under
         * the sanitizers' allocator: minutes for 10,000 keys) */
        void *defs, *wilds;

        if (!grow((void **)&st->def_keys, cap, st->ndefaults + 1, sizeof *st->def_keys))
            return false;
        if (!(defs = realloc(st->def_defs, *cap * sizeof *st->def_defs)))
            return false;
        st->def_defs = defs;
        if (!(wilds = realloc(st->def_wild, *cap * sizeof *st->def_wild)))
            return false;
        st->def_wild = wilds;
    }
    if (!(st->def_keys[st->ndefaults] = xstrdup(key)))
        return false;
    st->def_wild[st->ndefaults] = wild;
    st->def_defs[st->ndefaults++] = def;
    return true;
}

static int fill_key(struct rkey *k, const char *raw_in, char *err, size_t len);

/* The registry defaults no '*' key sets, resolved once for every run
 * (def_fill). False on out of memory; a default that does not parse is a
 * bug in its model's table (preg_add checked it). */
static bool resolve_defaults(struct scn_study *st)
{
    char err[256];

    if (!(st->def_fill = calloc(st->ndefaults + 1, sizeof *st->def_fill)))
        return false;
    for (size_t i = 0; i < st->ndefaults; i++) {
        struct rkey *k = &st->def_fill[i];
        int rc;

        if (st->def_wild[i])
            continue;
        k->key = st->def_keys[i];
        k->def = st->def_defs[i];
        k->source = "default";
        if ((rc = fill_key(k, k->def->def, err, sizeof err)) == SIM_ENOMEM)
            return false;
        if (rc != SIM_OK)
            SIM_PANIC("default of '%s' does not parse: %s", k->key, err);
        k->lent = true;
    }
    return true;
}

struct named_pos {
    const char *name;
    size_t pos;
};

static int cmp_named_pos(const void *a, const void *b)
{
    const struct named_pos *x = a, *y = b;
    int c = strcmp(x->name, y->name);

    return c ? c : (x->pos > y->pos) - (x->pos < y->pos);
}

/* Sorts, once, the names scn_run_new() gives its keys, in the order it
 * gives them (keep the two in step): the analyst's keys but repeat,
 * description and seed-set, the registry defaults, "seed" when nobody
 * wrote it, and "seed-set". st->slot[n] is where its n-th key goes. False
 * on out of memory. */
static bool run_order(struct scn_study *st)
{
    size_t cap = st->nkeys + st->ndefaults + 2, n = 0;
    struct named_pos *v = calloc(cap, sizeof *v);

    st->slot = calloc(cap, sizeof *st->slot);
    if (!v || !st->slot) {
        free(v);
        return false;
    }
    for (size_t i = 0; i < st->nkeys; i++) {
        const struct entry *e = st->keys[i].e;

        if (e->bi != B_REPEAT && e->bi != B_DESC && e->bi != B_SEEDSET)
            v[n++].name = e->key;
    }
    for (size_t i = 0; i < st->ndefaults; i++)
        v[n++].name = st->def_keys[i];
    if (!find_key(st, "seed"))
        v[n++].name = "seed";
    v[n++].name = "seed-set";
    for (size_t i = 0; i < n; i++)
        v[i].pos = i;
    qsort(v, n, sizeof *v, cmp_named_pos);
    for (size_t i = 0; i < n; i++)
        st->slot[v[i].pos] = i;
    st->nslots = n;
    free(v);
    return true;
}

/* Registry keys nobody wrote: exact keys, and patterns with one '*' for
 * every entity of their kind. */
static bool collect_defaults(struct scn_study *st, struct diag *d, int *nerr)
{
    const struct param_registry *reg = st->s->reg;
    size_t cap = 0;

    for (size_t i = 0; i < preg_count(reg); i++) {
        const struct param_def *def = preg_at(reg, i);
        const char *star = strstr(def->key, ".*.");
        size_t lo, hi;
        char *kind;

        if (!strchr(def->key, '*')) {
            if (!find_key(st, def->key) && !add_default(st, &cap, def->key, def, d, nerr))
                return false;
            continue;
        }
        if (!star || strchr(star + 3, '*') || strchr(def->key, '*') < star)
            continue;           /* only one-'*' patterns have instances */
        if (!(kind = xstrndup(def->key, (size_t)(star - def->key))))
            return false;
        if (ents_range(st, kind, &lo, &hi)) {
            for (size_t j = lo; j < hi; j++) {
                char *key = xasprintf("%s.%s.%s", kind, st->ents[j].name, star + 3);
                bool ok = key != NULL;

                if (ok && !find_key(st, key) && preg_find(reg, key) == def)
                    ok = add_default(st, &cap, key, def, d, nerr);
                free(key);
                if (!ok) {
                    free(kind);
                    return false;
                }
            }
        }
        free(kind);
    }
    return true;
}

struct point {
    char *text;             /* the values of one axis point, joined */
    size_t i;
};

static int cmp_point(const void *a, const void *b)
{
    const struct point *x = a, *y = b;
    int c = strcmp(x->text, y->text);

    return c ? c : (x->i > y->i) - (x->i < y->i);
}

/* An axis (variable 'root' and its lock-step partners) must not give the
 * same point twice: the copies are byte-identical runs that count as
 * independent replications (n too large, confidence intervals too
 * narrow). 'repeat' is the way to replicate. Reports; false on OOM. */
static bool axis_distinct(const struct scn_study *st, size_t root, struct diag *d, int *nerr)
{
    const struct svar *rv = &st->vars[root];
    struct point *pt = calloc(rv->n + 1, sizeof *pt);
    size_t partners = 0;
    bool ok = pt != NULL;

    for (size_t k = 0; ok && k < rv->n; k++) {
        char *acc = xstrdup("");

        for (size_t j = 0; acc && j < st->nvars; j++) {
            char *next;

            if (st->vars[j].root != root || !st->vars[j].sw)
                continue;
            next = xasprintf("%s%s\x1f", acc, st->vars[j].sw->canon[k]);
            free(acc);
            acc = next;
        }
        pt[k] = (struct point){ acc, k };
        ok = acc != NULL;
    }
    for (size_t j = 0; j < st->nvars; j++)
        partners += j != root && st->vars[j].root == root && st->vars[j].sw;
    if (ok) {
        qsort(pt, rv->n, sizeof *pt, cmp_point);
        for (size_t k = 1; k < rv->n; k++) {
            if (strcmp(pt[k - 1].text, pt[k].text) != 0)
                continue;
            if (partners)
                report(d, nerr, &rv->loc, "sweep '%s' and its lock-step partners give the same "
                       "values twice (items %zu and %zu): the runs would be copies; use "
                       "'repeat' for replications", rv->name, pt[k - 1].i + 1, pt[k].i + 1);
            else
                report(d, nerr, &rv->loc, "sweep '%s' has the value %s twice (items %zu and "
                       "%zu): the runs would be copies; use 'repeat' for replications",
                       rv->name, rv->sw->canon[pt[k - 1].i], pt[k - 1].i + 1, pt[k].i + 1);
            break;
        }
    }
    for (size_t k = 0; pt && k < rv->n; k++)
        free(pt[k].text);
    free(pt);
    return ok;
}

static bool build_vars(struct scn_study *st, struct diag *d, int *nerr)
{
    const struct entry **sw = calloc(st->nkeys + 1, sizeof *sw);
    size_t n = 0;

    if (!sw)
        return false;
    for (size_t i = 0; i < st->nkeys; i++)
        if (st->keys[i].e->sw)
            sw[n++] = st->keys[i].e;
    /* Reading order; insertion sort keeps it simple for a handful of axes. */
    for (size_t i = 1; i < n; i++)
        for (size_t j = i; j > 0 && sw[j - 1]->seq > sw[j]->seq; j--) {
            const struct entry *tmp = sw[j];

            sw[j] = sw[j - 1];
            sw[j - 1] = tmp;
        }
    st->vars = calloc(n + 1, sizeof *st->vars);
    st->dims = calloc(n + 1, sizeof *st->dims);
    if (!st->vars || !st->dims) {
        free(sw);
        return false;
    }
    for (size_t i = 0; i < n; i++) {
        struct svar *v = &st->vars[st->nvars];
        bool dup = false;

        if (strcmp(sw[i]->sw->name, "repetition") == 0 || strcmp(sw[i]->sw->name, "runnumber") == 0) {
            report(d, nerr, &sw[i]->loc, "%s: sweep variable name '%s' is reserved",
                   sw[i]->key, sw[i]->sw->name);
            continue;
        }
        if (reserved_var(sw[i]->sw->name)) {
            report(d, nerr, &sw[i]->loc, "%s: sweep variable name '%s' is reserved: the "
                   "result files (runs.csv, summary.csv, contrasts.csv) have a column of "
                   "that name", sw[i]->key, sw[i]->sw->name);
            continue;
        }
        for (size_t j = 0; j < st->nvars; j++)
            if (strcmp(st->vars[j].name, sw[i]->sw->name) == 0) {
                report(d, nerr, &sw[i]->loc,
                       "%s: duplicate sweep variable '%s' (also defined at %s:%d)",
                       sw[i]->key, sw[i]->sw->name, st->vars[j].loc.file, st->vars[j].loc.line);
                dup = true;
            }
        if (dup)
            continue;
        v->name = sw[i]->sw->name;
        v->sw = sw[i]->sw;
        v->n = sw[i]->sw->n;
        v->loc = sw[i]->loc;
        v->root = st->nvars;
        st->nvars++;
    }
    free(sw);
    /* Lock-step: follow '!' links to an independent variable. */
    for (size_t i = 0; i < st->nvars; i++) {
        size_t cur = i, steps = 0;
        bool ok = true;

        while (ok && st->vars[cur].sw->follow) {
            const char *f = st->vars[cur].sw->follow;
            size_t j;

            for (j = 0; j < st->nvars && strcmp(st->vars[j].name, f) != 0; j++)
                ;
            if (j == st->nvars) {
                report(d, nerr, &st->vars[i].loc,
                       "lock-step sweep '%s' refers to unknown variable '%s'",
                       st->vars[i].name, f);
                ok = false;
            } else if (++steps > st->nvars) {
                report(d, nerr, &st->vars[i].loc, "lock-step sweep '%s' is part of a '!' cycle",
                       st->vars[i].name);
                ok = false;
            } else {
                cur = j;
            }
        }
        if (!ok)
            continue;
        if (st->vars[cur].n != st->vars[i].n) {
            report(d, nerr, &st->vars[i].loc,
                   "lock-step sweep '%s' has %zu values but '%s' has %zu",
                   st->vars[i].name, st->vars[i].n, st->vars[cur].name, st->vars[cur].n);
            continue;
        }
        st->vars[i].root = cur;
    }
    /* Equal points are copies only when they share seeds: under seed-set =
     * ${runnumber} every run has its own, and equal points are the
     * independent samples the README offers that setting for. (A seed-set
     * swept on its own axis or by the repetition is shared by equal
     * points; one locked to this axis is in its points' text already.) */
    const struct skey *ss = find_key(st, "seed-set");
    bool own_seeds = ss && strcmp(ss->e->value, "${runnumber}") == 0;

    for (size_t i = 0; i < st->nvars; i++)
        if (st->vars[i].root == i && !st->vars[i].sw->follow) {
            st->dims[st->ndims++] = i;
            if (!own_seeds && !axis_distinct(st, i, d, nerr))
                return false;
        }
    if (st->repeat > 1) {
        struct svar *v = &st->vars[st->nvars];

        v->name = "repetition";
        v->n = st->repeat;
        v->root = st->nvars;
        st->dims[st->ndims++] = st->nvars++;
    }
    st->nruns = 1;
    for (size_t i = 0; i < st->ndims; i++) {
        size_t len = st->vars[st->dims[i]].n;

        if (st->nruns > SIZE_MAX / len) {
            struct srcloc here = { st->s->path, 0 };

            report(d, nerr, &here, "study has too many runs");
            return true;
        }
        st->nruns *= len;
    }
    return true;
}

static struct scn_study *study_new(const struct scn *s, const char *config,
                                   const char *const *overrides, struct diag *d)
{
    struct scn_study *st = calloc(1, sizeof *st);
    struct srcloc here = { s->path, 0 };
    size_t cfg = 0, nchain = 0, ncand = 0, novr = 0, cap = 0;
    size_t *chain = NULL;
    struct cand *cand = NULL;
    int nerr = 0;
    bool oom = false;

    if (!st)
        goto out_of_memory;
    st->s = s;
    if (config && strcmp(config, "General") != 0) {
        for (cfg = 1; cfg < s->nsec && strcmp(s->sec[cfg].name, config) != 0; cfg++)
            ;
        if (cfg == s->nsec) {
            struct param_near near;
            char hint[160];

            param_near_init(&near, config);
            for (size_t i = 1; i < s->nsec; i++)
                param_near_offer(&near, s->sec[i].name);
            diag_error(d, &here, "unknown config '%s'%s", config,
                       param_hint(param_near_best(&near), hint, sizeof hint));
            scn_study_free(st);
            return NULL;
        }
    }
    st->config = xstrdup(cfg ? s->sec[cfg].name : "General");

    /* --set entries, checked here since no file saw them. */
    for (const char *const *o = overrides; o && *o; o++)
        novr++;
    st->ovr = calloc(novr + 1, sizeof *st->ovr);
    if (!st->config || !st->ovr)
        goto out_of_memory;
    for (size_t i = 0; i < novr; i++) {
        const char *eq = strchr(overrides[i], '=');
        struct srcloc cli = { "--set", 0 };
        char *key, *val;

        if (!eq) {
            report(d, &nerr, &cli, "bad override '%s': expected key=value", overrides[i]);
            continue;
        }
        key = trim_dup(overrides[i], (size_t)(eq - overrides[i]));
        val = trim_dup(eq + 1, strlen(eq + 1));
        if (!key || !val) {
            oom = true;
        } else if (builtin_of(key) == B_EXTENDS) {
            report(d, &nerr, &cli, "'extends' cannot be set from the command line");
        } else if (make_entry(s->reg, d, &nerr, key, val, &cli, &st->ovr[st->novr])) {
            /* After every file line, in command-line order. */
            st->ovr[st->novr].seq = s->seq + i;
            st->novr++;
        }
        free(key);
        free(val);
    }

    /* Lookup chain: config, what it extends in C3 order, General last. */
    chain = calloc(s->nsec + 1, sizeof *chain);
    if (!chain || oom)
        goto out_of_memory;
    for (size_t i = 0; cfg && i < s->sec[cfg].nlin; i++)
        chain[nchain++] = s->sec[cfg].lin[i];
    chain[nchain++] = 0;

    for (size_t i = 0; i < nchain; i++)
        ncand += s->sec[chain[i]].n;
    cand = calloc(ncand + st->novr + 1, sizeof *cand);
    if (!cand)
        goto out_of_memory;
    ncand = 0;
    for (size_t i = 0; i < st->novr; i++)
        cand[ncand++] = (struct cand){ &st->ovr[i], "cli", 0 };
    for (size_t i = 0; i < nchain; i++) {
        const struct section *sc = &s->sec[chain[i]];

        for (size_t j = 0; j < sc->n; j++)
            cand[ncand++] = (struct cand){ &sc->e[j], sc->source, i + 1 };
    }
    qsort(cand, ncand, sizeof *cand, cmp_cand);
    st->keys = calloc(ncand + 1, sizeof *st->keys);
    if (!st->keys)
        goto out_of_memory;
    for (size_t i = 0; i < ncand; i++)
        if (st->nkeys == 0 || strcmp(st->keys[st->nkeys - 1].e->key, cand[i].e->key) != 0)
            st->keys[st->nkeys++] = (struct skey){ cand[i].e, cand[i].source, cand[i].rank,
                                                   false };

    {
        const struct skey *rep = find_key(st, "repeat");
        uint64_t r = 1;

        if (rep)
            parse_u64(rep->e->value, &r);
        st->repeat = (size_t)r;
    }
    {
        /* Replications need their own seeds: a fixed seed set makes every
         * repetition a copy of the first, and the statistics would read
         * the copies as agreement (a confidence interval of width 0). */
        const struct skey *ss = find_key(st, "seed-set");

        if (st->repeat > 1 && ss && strcmp(ss->e->value, "${repetition}") != 0 &&
            strcmp(ss->e->value, "${runnumber}") != 0)
            report(d, &nerr, &ss->e->loc, "seed-set = %s with repeat = %zu: every repetition "
                   "would run the same seeds, copies rather than replications (use "
                   "${repetition}, the default, or ${runnumber})", ss->e->value, st->repeat);
    }

    /* Entities: from every written key and every exact registry key. */
    for (size_t i = 0; i < st->nkeys && !oom; i++)
        oom = !add_ents(st, &cap, st->keys[i].e->key);
    for (size_t i = 0; i < preg_count(s->reg) && !oom; i++)
        if (!strchr(preg_at(s->reg, i)->key, '*'))
            oom = !add_ents(st, &cap, preg_at(s->reg, i)->key);
    if (oom)
        goto out_of_memory;
    if (st->nents) {
        size_t w = 0;

        qsort(st->ents, st->nents, sizeof *st->ents, cmp_ent);
        for (size_t i = 0; i < st->nents; i++) {
            if (w > 0 && cmp_ent(&st->ents[w - 1], &st->ents[i]) == 0) {
                free(st->ents[i].kind);
                free(st->ents[i].name);
            } else {
                st->ents[w++] = st->ents[i];
            }
        }
        st->nents = w;
    }
    st->ent_names = calloc(st->nents + 1, sizeof *st->ent_names);
    if (!st->ent_names)
        goto out_of_memory;
    for (size_t i = 0; i < st->nents; i++)
        st->ent_names[i] = st->ents[i].name;
    warn_new_entities(st, d);
    /* After the entities: a key it drops still names its entity. */
    if (!drop_shadowed(st))
        goto out_of_memory;

    if (!collect_defaults(st, d, &nerr) || !build_vars(st, d, &nerr) || !resolve_defaults(st) ||
        !run_order(st))
        goto out_of_memory;
    free(chain);
    free(cand);
    if (nerr) {
        scn_study_free(st);
        return NULL;
    }
    return st;

out_of_memory:
    diag_error(d, &here, "out of memory");
    free(chain);
    free(cand);
    scn_study_free(st);
    return NULL;
}

/* ---- runs ---- */

struct scn_run {
    const struct scn_study *st;
    size_t number, rep;
    size_t *idx;            /* value index per study variable */
    char **varval;          /* owned texts of repetition (others borrowed) */
    uint64_t seed, seed_set;
    struct rkey *keys;      /* sorted by key */
    size_t nkeys;
    bool *read;             /* per key: a model asked for it (get()) */
};

void scn_run_free(struct scn_run *r)
{
    if (!r)
        return;
    for (size_t i = 0; i < r->nkeys; i++) {
        if (r->keys[i].lent)
            continue;
        free(r->keys[i].raw);
        free(r->keys[i].text);
    }
    free(r->keys);
    free(r->read);
    if (r->varval)
        for (size_t i = 0; i < r->st->nvars; i++)
            if (!r->st->vars[i].sw)
                free(r->varval[i]);
    free(r->varval);
    free(r->idx);
    free(r);
}

/* The text of entry 'e' in this run: its sweep value when it has one. */
static char *entry_text(const struct scn_run *r, const struct entry *e)
{
    if (!e->sw)
        return xstrdup(e->value);
    for (size_t i = 0; i < r->st->nvars; i++)
        if (r->st->vars[i].sw == e->sw)
            return xasprintf("%s%s%s", e->sw->prefix, e->sw->vals[r->idx[i]], e->sw->suffix);
    SIM_PANIC("sweep of '%s' has no variable", e->key);
}

/* Parses raw_in into run key k. SIM_ENOMEM, or SIM_EINVAL with the
 * reason in err. */
static int fill_key(struct rkey *k, const char *raw_in, char *err, size_t len)
{
    char buf[512];

    /* Trimmed as check_value checked it: a PT_ENUM value points into raw. */
    k->raw = k->def && k->def->type != PT_STRING ? trim_dup(raw_in, strlen(raw_in))
                                                  : xstrdup(raw_in);
    if (!k->raw)
        return SIM_ENOMEM;
    if (k->def) {
        if (param_parse(k->def, k->raw, &k->v, err, len) != SIM_OK)
            return SIM_EINVAL;
        param_format(&k->v, k->def, buf, sizeof buf);
        k->text = xstrdup(buf);
    } else {
        k->text = xstrdup(k->raw);
    }
    return k->text ? SIM_OK : SIM_ENOMEM;
}

/* Fills run key k from the analyst's entry e, as this run reads it (a
 * swept entry: this run's value). A bad value is reported at e's line;
 * values were checked when the study was built, so that is a safety net. */
static int fill_entry(const struct scn_run *r, struct rkey *k, const struct entry *e,
                      struct diag *d)
{
    char err[1024], *raw = entry_text(r, e);
    int rc;

    k->loc = e->loc;
    if (!raw)
        return SIM_ENOMEM;
    rc = fill_key(k, raw, err, sizeof err);
    free(raw);
    if (rc == SIM_EINVAL)
        diag_error(d, &e->loc, "%s", err);
    return rc;
}

struct scn_run *scn_run_new(const struct scn_study *st, size_t number, struct diag *d)
{
    struct srcloc here = { st->s->path, 0 };
    struct scn_run *r;
    size_t rest = number, n = 0;
    const char *seedset_text = "${repetition}";
    const struct skey *ss;
    int rc;

    if (number >= st->nruns) {
        diag_error(d, &here, "run %zu is out of range: config '%s' has %zu runs (0..%zu)",
                   number, st->config, st->nruns, st->nruns - 1);
        return NULL;
    }
    r = calloc(1, sizeof *r);
    if (!r || !(r->idx = calloc(st->nvars + 1, sizeof *r->idx))
        || !(r->varval = calloc(st->nvars + 1, sizeof *r->varval))
        || !(r->keys = calloc(st->nkeys + st->ndefaults + 2, sizeof *r->keys))
        || !(r->read = calloc(st->nkeys + st->ndefaults + 2, sizeof *r->read)))
        goto out_of_memory;
    r->st = st;
    r->number = number;
    /* Mixed radix, the last dimension (repetition) varying fastest. */
    for (size_t i = st->ndims; i-- > 0; ) {
        size_t v = st->dims[i], len = st->vars[v].n;

        r->idx[v] = rest % len;
        rest /= len;
    }
    for (size_t i = 0; i < st->nvars; i++) {
        r->idx[i] = r->idx[st->vars[i].root];
        if (!st->vars[i].sw) {
            r->rep = r->idx[i];
            if (!(r->varval[i] = xasprintf("%zu", r->idx[i])))
                goto out_of_memory;
        } else {
            r->varval[i] = st->vars[i].sw->vals[r->idx[i]];
        }
    }

    r->seed = DEFAULT_SEED;
    for (size_t i = 0; i < st->nkeys; i++) {
        const struct entry *e = st->keys[i].e;
        struct rkey *k = &r->keys[st->slot[n]];

        if (e->bi == B_REPEAT || e->bi == B_DESC)
            continue;
        if (e->bi == B_SEEDSET) {
            seedset_text = e->value;
            continue;
        }
        k->key = e->key;
        k->def = e->def;
        k->source = st->keys[i].source;
        k->from = i;
        n++;
        if ((rc = fill_entry(r, k, e, d)) == SIM_ENOMEM)
            goto out_of_memory;
        if (rc != SIM_OK)
            goto bad_value;
        if (e->bi == B_SEED)
            parse_u64(k->raw, &r->seed);
    }
    for (size_t i = 0; i < st->ndefaults; i++) {
        struct rkey *k = &r->keys[st->slot[n++]];
        const struct skey *w = st->def_wild[i];

        k->key = st->def_keys[i];
        k->def = st->def_defs[i];
        if (!w) {
            *k = st->def_fill[i];
            k->from = SIZE_MAX;
            continue;
        }
        /* set by the analyst's '*' key: its value (and its sweep axis) */
        k->source = w->source;
        k->from = (size_t)(w - st->keys);
        if ((rc = fill_entry(r, k, w->e, d)) == SIM_ENOMEM)
            goto out_of_memory;
        if (rc != SIM_OK)
            goto bad_value;
    }
    if (!find_key(st, "seed")) {
        struct rkey *k = &r->keys[st->slot[n++]];

        k->key = "seed";
        k->source = "default";
        k->from = SIZE_MAX;
        if (!(k->raw = xasprintf("%d", DEFAULT_SEED)) || !(k->text = xstrdup(k->raw)))
            goto out_of_memory;
    }
    if (strcmp(seedset_text, "${repetition}") == 0)
        r->seed_set = r->rep;
    else if (strcmp(seedset_text, "${runnumber}") == 0)
        r->seed_set = number;
    else
        parse_u64(seedset_text, &r->seed_set);
    {
        struct rkey *k = &r->keys[st->slot[n++]];

        ss = find_key(st, "seed-set");
        k->key = "seed-set";
        k->source = ss ? ss->source : "default";
        k->from = SIZE_MAX;     /* the study's, read by the study */
        if (ss)
            k->loc = ss->e->loc;
        if (!(k->raw = xasprintf("%" PRIu64, r->seed_set)) || !(k->text = xstrdup(k->raw)))
            goto out_of_memory;
    }
    SIM_ASSERT(n == st->nslots);
    r->nkeys = n;
    return r;

out_of_memory:
    diag_error(d, &here, "out of memory");
bad_value:                      /* reported at its line */
    /* keys not filled yet are zero (calloc): nothing to free there */
    if (r && r->keys)
        r->nkeys = st->nslots;
    scn_run_free(r);
    return NULL;
}

size_t scn_run_number(const struct scn_run *r) { return r->number; }
const struct scn_study *scn_run_study(const struct scn_run *r) { return r->st; }
size_t scn_run_repetition(const struct scn_run *r) { return r->rep; }
uint64_t scn_run_seed(const struct scn_run *r) { return r->seed; }
uint64_t scn_run_seed_set(const struct scn_run *r) { return r->seed_set; }

const char *scn_run_var_value(const struct scn_run *r, size_t i)
{
    SIM_ASSERT(i < r->st->nvars);
    return r->varval[i];
}

/* ---- --set overrides that change nothing ---- */

/* Runs a and b (of two studies) set every key alike, seeds included, and
 * sit at the same axis values. Where a value came from is not compared. */
static bool same_run(const struct scn_run *a, const struct scn_run *b)
{
    if (a->nkeys != b->nkeys || a->seed != b->seed || a->seed_set != b->seed_set ||
        a->rep != b->rep)
        return false;
    for (size_t i = 0; i < a->nkeys; i++)
        if (strcmp(a->keys[i].key, b->keys[i].key) != 0 ||
            strcmp(a->keys[i].text, b->keys[i].text) != 0)
            return false;
    for (size_t i = 0; i < a->st->nvars; i++)
        if (strcmp(a->varval[i], b->varval[i]) != 0)
            return false;
    return true;
}

/* Run 'number' of studies a and b is the same run (a fresh run each:
 * false when either cannot be built). */
static bool same_numbered(const struct scn_study *a, const struct scn_study *b,
                          size_t number, struct diag *d)
{
    struct scn_run *ra = scn_run_new(a, number, d);
    struct scn_run *rb = ra ? scn_run_new(b, number, d) : NULL;
    bool same = ra && rb && same_run(ra, rb);

    scn_run_free(ra);
    scn_run_free(rb);
    return same;
}

/* Studies a and b have the same axes, entities and runs. Every run key
 * follows one axis at most (its sweep's, or its '*' key's; seed-set may
 * follow the run number), so run 0 and the runs that move one axis at a
 * time away from it show every value each key takes, and a key that
 * follows another axis in one study than in the other: comparing those
 * runs (the sum of the axes' lengths) compares them all. */
static bool same_study(const struct scn_study *a, const struct scn_study *b, struct diag *d)
{
    const struct skey *da = find_key(a, "description"), *db = find_key(b, "description");
    bool same;

    if (a->nruns != b->nruns || a->nvars != b->nvars || a->ndims != b->ndims ||
        a->nents != b->nents || !da != !db || (da && strcmp(da->e->value, db->e->value) != 0))
        return false;
    for (size_t i = 0; i < a->ndims; i++)
        if (a->dims[i] != b->dims[i])
            return false;
    for (size_t i = 0; i < a->nvars; i++)
        if (strcmp(a->vars[i].name, b->vars[i].name) != 0 || a->vars[i].n != b->vars[i].n ||
            a->vars[i].root != b->vars[i].root)
            return false;
    for (size_t i = 0; i < a->nents; i++)
        if (cmp_ent(&a->ents[i], &b->ents[i]) != 0)
            return false;
    same = same_numbered(a, b, 0, d);
    /* mixed radix as in scn_run_new: the last axis varies fastest */
    for (size_t k = a->ndims, stride = 1; same && k-- > 0;) {
        size_t len = a->vars[a->dims[k]].n;

        for (size_t j = 1; same && j < len; j++)
            same = same_numbered(a, b, j * stride, d);
        stride *= len;
    }
    return same;
}

/* Marks the --set keys that change no run: `--set sim.horizon=24h` where
 * the file says sim.horizon = 1d, or a default restated. Such a part
 * is the same study as one made without it, and merge must take both
 * (the digest leaves inert keys out). Each --set key in turn is dropped,
 * with those found inert before it, and the study built again without
 * it: it is inert when that study is the same, run for run. */
static void mark_inert(struct scn_study *st, const char *config, const char *const *overrides)
{
    const char **rest = calloc(st->novr + 1, sizeof *rest);
    bool *dropped = calloc(st->novr + 1, sizeof *dropped);
    struct diag quiet = DIAG_SILENT;

    /* study_new keeps every override in order when it succeeds */
    SIM_ASSERT(!overrides || !overrides[st->novr]);
    for (size_t i = 0; i < st->nkeys && rest && dropped; i++) {
        struct scn_study *base;
        size_t n = 0;

        if (strcmp(st->keys[i].source, "cli") != 0)
            continue;
        for (size_t j = 0; j < st->novr; j++)
            if (!dropped[j] && strcmp(st->ovr[j].key, st->keys[i].e->key) != 0)
                rest[n++] = overrides[j];
        rest[n] = NULL;
        base = study_new(st->s, config, rest, &quiet);
        if (base && same_study(st, base, &quiet)) {
            st->keys[i].inert = true;
            for (size_t j = 0; j < st->novr; j++)
                dropped[j] |= strcmp(st->ovr[j].key, st->keys[i].e->key) == 0;
        }
        scn_study_free(base);
    }
    free(rest);
    free(dropped);
}

struct scn_study *scn_study_new(const struct scn *s, const char *config,
                                const char *const *overrides, struct diag *d)
{
    struct scn_study *st = study_new(s, config, overrides, d);

    if (st && st->novr)
        mark_inert(st, config, overrides);
    return st;
}

static const struct rkey *run_key(const struct scn_run *r, const char *key)
{
    size_t lo = 0, hi = r->nkeys;

    while (lo < hi) {
        size_t m = lo + (hi - lo) / 2;
        int c = strcmp(r->keys[m].key, key);

        if (c == 0)
            return &r->keys[m];
        if (c < 0)
            lo = m + 1;
        else
            hi = m;
    }
    return NULL;
}

/* The run's key 'key', or else the analyst's '*' key that stands for it
 * ("gpu.*.share" for "gpu.aaa-test.share"). The study gives every entity
 * it knows its exact keys (collect_defaults), but a model may learn of
 * entities the scenario never names, such as the models of a catalogue it
 * loads: a '*' key reaches those too, as it says it does. */
static const struct rkey *run_key_or_wild(const struct scn_run *r, const char *key)
{
    const struct rkey *k = run_key(r, key);
    const char *seg = strchr(key, '.');

    while (!k && seg) {
        const char *next = strchr(seg + 1, '.');
        char *pat;

        if (!next)
            break;
        pat = xasprintf("%.*s.*%s", (int)(seg - key), key, next);
        if (!pat)
            SIM_OOM("scenario: out of memory");
        k = run_key(r, pat);
        free(pat);
        seg = next;
    }
    return k;
}

/* The value of a registered key; a pattern key for an entity the scenario
 * never named has the value of the analyst's '*' key for it, if any, and
 * else its default. */
static struct param_value get(const struct scn_run *r, const char *key)
{
    const struct rkey *k = run_key_or_wild(r, key);
    const struct param_def *def;
    struct param_value v;
    char err[256];

    if (k)
        r->read[k - r->keys] = true;    /* the flags are not the run's values */
    if (k && k->def)
        return k->v;
    def = preg_find(r->st->s->reg, key);
    if (!def)
        SIM_PANIC("scenario key '%s' is not registered", key);
    if (!def->def || param_parse(def, def->def, &v, err, sizeof err) != SIM_OK)
        SIM_PANIC("scenario key '%s' has no value", key);
    return v;
}

int64_t scn_int(const struct scn_run *r, const char *key)
{
    struct param_value v = get(r, key);

    SIM_ASSERT(v.type == PT_INT);
    return v.u.i;
}

double scn_real(const struct scn_run *r, const char *key)
{
    struct param_value v = get(r, key);

    SIM_ASSERT(v.type == PT_REAL || v.type == PT_PROB);
    return v.u.r;
}

money scn_money(const struct scn_run *r, const char *key)
{
    struct param_value v = get(r, key);

    SIM_ASSERT(v.type == PT_MONEY);
    return v.u.m;
}

sim_time scn_time(const struct scn_run *r, const char *key)
{
    struct param_value v = get(r, key);

    SIM_ASSERT(v.type == PT_TIME);
    return v.u.t;
}

bool scn_bool(const struct scn_run *r, const char *key)
{
    struct param_value v = get(r, key);

    SIM_ASSERT(v.type == PT_BOOL);
    return v.u.b;
}

const char *scn_str(const struct scn_run *r, const char *key)
{
    struct param_value v = get(r, key);

    SIM_ASSERT(v.type == PT_STRING || v.type == PT_ENUM);
    return v.u.s;
}

#define KEYF(fmt, buf) \
    do { \
        va_list ap; \
        int n_; \
        va_start(ap, fmt); \
        n_ = vsnprintf(buf, sizeof buf, fmt, ap); \
        va_end(ap); \
        SIM_ASSERT(n_ >= 0 && (size_t)n_ < sizeof buf); \
    } while (0)

double scn_realf(const struct scn_run *r, const char *fmt, ...)
{
    char key[512];

    KEYF(fmt, key);
    return scn_real(r, key);
}

int64_t scn_intf(const struct scn_run *r, const char *fmt, ...)
{
    char key[512];

    KEYF(fmt, key);
    return scn_int(r, key);
}

money scn_moneyf(const struct scn_run *r, const char *fmt, ...)
{
    char key[512];

    KEYF(fmt, key);
    return scn_money(r, key);
}

sim_time scn_timef(const struct scn_run *r, const char *fmt, ...)
{
    char key[512];

    KEYF(fmt, key);
    return scn_time(r, key);
}

bool scn_boolf(const struct scn_run *r, const char *fmt, ...)
{
    char key[512];

    KEYF(fmt, key);
    return scn_bool(r, key);
}

const char *scn_strf(const struct scn_run *r, const char *fmt, ...)
{
    char key[512];

    KEYF(fmt, key);
    return scn_str(r, key);
}

const struct srcloc *scn_where(const struct scn_run *r, const char *key)
{
    static const struct srcloc nowhere = { NULL, 0 };
    const struct rkey *k = run_key_or_wild(r, key);

    /* a registered pattern's key for an entity only the model knows, left
     * at its default: no line to point at */
    return k ? &k->loc : &nowhere;
}

int scn_error(struct diag *d, const struct scn_run *r, const char *key, const char *fmt, ...)
{
    char msg[512];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    return diag_error(d, scn_where(r, key), "%s: %s", key, msg);
}

size_t scn_entities(const struct scn_run *r, const char *kind, const char ***names)
{
    size_t lo, hi;

    if (!ents_range(r->st, kind, &lo, &hi)) {
        *names = NULL;
        return 0;
    }
    *names = &r->st->ent_names[lo];
    return hi - lo;
}

struct scn_reads {
    const struct scn_study *st;
    bool *read;             /* per study key (st->keys) */
};

struct scn_reads *scn_reads_new(const struct scn_study *st)
{
    struct scn_reads *rd = malloc(sizeof *rd);

    if (!rd || !(rd->read = calloc(st->nkeys + 1, sizeof *rd->read)))
        SIM_OOM("scenario: out of memory");
    rd->st = st;
    return rd;
}

void scn_reads_add(struct scn_reads *rd, const struct scn_run *r)
{
    SIM_ASSERT(r->st == rd->st);
    /* a '*' key is read through any entity's key it filled */
    for (size_t j = 0; j < r->nkeys; j++)
        if (r->read[j] && r->keys[j].from != SIZE_MAX)
            rd->read[r->keys[j].from] = true;
}

void scn_reads_each_unread(const struct scn_reads *rd, scn_unread_fn fn, void *ctx)
{
    const struct scn_study *st = rd->st;

    for (size_t i = 0; i < st->nkeys; i++) {
        const struct entry *e = st->keys[i].e;

        /* the study's own keys (seed, repeat, ...) are read by the study;
         * a --set that restates the file's value changes nothing either way */
        if (!rd->read[i] && e->bi == B_NONE && e->def && !st->keys[i].inert)
            fn(ctx, e->key, &e->loc);
    }
}

void scn_reads_free(struct scn_reads *rd)
{
    if (rd) {
        free(rd->read);
        free(rd);
    }
}

size_t scn_run_key_count(const struct scn_run *r)
{
    return r->nkeys;
}

void scn_run_key_at(const struct scn_run *r, size_t i, const char **key,
                    const char **value, const char **unit, const char **source)
{
    const struct rkey *k;

    SIM_ASSERT(i < r->nkeys);
    k = &r->keys[i];
    if (key)
        *key = k->key;
    if (value)
        *value = k->text;
    if (unit)
        *unit = k->def && k->def->unit ? k->def->unit : "";
    if (source)
        *source = k->source;
}
