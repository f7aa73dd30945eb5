/* sim/param.c -- the parameter registry: typed keys, parsing, docs.
 *
 * The registry is a sorted array of borrowed definitions. Exact keys are
 * found by binary search; pattern keys ('*' segments) by a linear scan,
 * which is fine because a model registers a few dozen patterns at most and
 * lookups happen while loading a scenario, never inside the event loop.
 */
#include "sim/param.h"

#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

struct param_registry {
    const struct param_def **defs;      /* borrowed definitions, sorted by key */
    size_t n, cap;
    /* The patterns among them (keys with a '*'), in key order: preg_find
     * tries each on a key no definition names exactly, and a study asks
     * that for every entity's keys, once per --set in mark_inert(). */
    const struct param_def **pats;
    size_t npats;
    const char *open[PREG_OPEN_KINDS];  /* borrowed: preg_open_kind() */
    size_t nopen;
};

/* Duration units, largest first so formatting picks the coarsest exact one. */
/* Names are arrays, not pointers, so the table needs no relocation and
 * lands in .rodata (nm shows no 'd' symbol). */
static const struct {
    char name[4];
    sim_time us;
} time_units[] = {
    { "w", SIM_WEEK }, { "d", SIM_DAY }, { "h", SIM_HOUR }, { "min", SIM_MIN },
    { "s", SIM_SEC }, { "ms", SIM_MS }, { "us", SIM_US },
};
#define N_TIME_UNITS (sizeof time_units / sizeof time_units[0])

static sim_time unit_us(const char *unit)
{
    for (size_t i = 0; i < N_TIME_UNITS; i++)
        if (unit && strcmp(unit, time_units[i].name) == 0)
            return time_units[i].us;
    return 0;
}

/* A PT_TIME definition with no unit reads bare numbers as seconds. */
static const char *time_unit_of(const struct param_def *def)
{
    return def->unit && def->unit[0] ? def->unit : "s";
}

const char *param_type_name(enum param_type t)
{
    switch (t) {
    case PT_INT: return "int";
    case PT_REAL: return "real";
    case PT_PROB: return "prob";
    case PT_MONEY: return "money";
    case PT_TIME: return "time";
    case PT_BOOL: return "bool";
    case PT_STRING: return "string";
    case PT_ENUM: return "enum";
    }
    return "?";
}

struct param_registry *preg_new(void)
{
    return calloc(1, sizeof(struct param_registry));
}

void preg_free(struct param_registry *reg)
{
    if (!reg)
        return;
    free(reg->defs);
    free(reg->pats);
    free(reg);
}

void preg_open_kind(struct param_registry *reg, const char *kind)
{
    SIM_ASSERT(reg->nopen < PREG_OPEN_KINDS);
    reg->open[reg->nopen++] = kind;
}

bool preg_kind_open(const struct param_registry *reg, const char *kind)
{
    for (size_t i = 0; i < reg->nopen; i++)
        if (strcmp(reg->open[i], kind) == 0)
            return true;
    return false;
}

static int cmp_def(const void *a, const void *b)
{
    const struct param_def *const *x = a;
    const struct param_def *const *y = b;

    return strcmp((*x)->key, (*y)->key);
}

void preg_add(struct param_registry *reg, const struct param_def *defs, size_t n)
{
    char err[256];
    struct param_value v;

    SIM_ASSERT(reg);
    if (reg->n + n > reg->cap) {
        size_t cap = reg->cap ? reg->cap : 64;
        const struct param_def **nd;

        while (cap < reg->n + n)
            cap *= 2;
        nd = realloc(reg->defs, cap * sizeof *nd);
        SIM_ASSERT(nd);         /* start-up tables: running out here is fatal */
        reg->defs = nd;
        reg->cap = cap;
    }
    for (size_t i = 0; i < n; i++) {
        const struct param_def *def = &defs[i];

        SIM_ASSERT(def->key && def->key[0]);
        SIM_ASSERT(def->type != PT_ENUM || def->choices);
        SIM_ASSERT(def->type != PT_TIME || unit_us(time_unit_of(def)) > 0);
        if (def->def && param_parse(def, def->def, &v, err, sizeof err) != SIM_OK)
            SIM_PANIC("bad default in parameter table: %s", err);
        reg->defs[reg->n++] = def;
    }
    qsort(reg->defs, reg->n, sizeof *reg->defs, cmp_def);
    for (size_t i = 1; i < reg->n; i++)
        if (strcmp(reg->defs[i - 1]->key, reg->defs[i]->key) == 0)
            SIM_PANIC("duplicate parameter key '%s'", reg->defs[i]->key);
    reg->pats = realloc(reg->pats, reg->n * sizeof *reg->pats);
    SIM_ASSERT(reg->pats);
    reg->npats = 0;
    for (size_t i = 0; i < reg->n; i++)
        if (strchr(reg->defs[i]->key, '*'))
            reg->pats[reg->npats++] = reg->defs[i];
}

size_t preg_count(const struct param_registry *reg)
{
    return reg ? reg->n : 0;
}

const struct param_def *preg_at(const struct param_registry *reg, size_t i)
{
    SIM_ASSERT(reg && i < reg->n);
    return reg->defs[i];
}

/* True if 'key' matches 'pat' segment by segment, '*' standing for one
 * non-empty segment. */
static bool pattern_match(const char *pat, const char *key)
{
    while (*pat && *key) {
        if (pat[0] == '*' && (pat[1] == '.' || pat[1] == '\0')) {
            const char *dot = strchr(key, '.');
            size_t seg = dot ? (size_t)(dot - key) : strlen(key);

            if (seg == 0)
                return false;
            key += seg;
            pat++;
            continue;
        }
        if (*pat != *key)
            return false;
        pat++;
        key++;
    }
    return *pat == '\0' && *key == '\0';
}

static size_t count_stars(const char *pat)
{
    size_t n = 0;

    for (; *pat; pat++)
        n += *pat == '*';
    return n;
}

const struct param_def *preg_find(const struct param_registry *reg, const char *key)
{
    const struct param_def *best = NULL;
    size_t lo = 0, hi, best_stars = 0;

    if (!reg || !key)
        return NULL;
    hi = reg->n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int c = strcmp(reg->defs[mid]->key, key);

        if (c == 0)
            return reg->defs[mid];
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    /* Among matching patterns, the most specific (fewest '*') wins; ties go
     * to the first in key order so the answer never depends on add order. */
    for (size_t i = 0; i < reg->npats; i++) {
        const struct param_def *def = reg->pats[i];
        size_t stars;

        if (!pattern_match(def->key, key))
            continue;
        stars = count_stars(def->key);
        if (!best || stars < best_stars) {
            best = def;
            best_stars = stars;
        }
    }
    return best;
}

/* Letters compared without their case: "MARKET.FEE" is one slip (the
 * caps lock) from "market.fee", not ten, and "RATE" nearer "rate" than
 * "gpus". */
static bool same_letter(char x, char y)
{
    return tolower((unsigned char)x) == tolower((unsigned char)y);
}

/* Optimal string alignment: Levenshtein's insertions, deletions and
 * substitutions, and a swap of two neighbours at cost 1, not 2 ("rnu" is
 * one slip from "run"). Three rows: the swap looks two back. Case is
 * ignored (same_letter), but names that differ in case alone are 1 apart:
 * 0 means the same name. */
size_t param_edit_distance(const char *a, const char *b)
{
    size_t la = strlen(a), lb = strlen(b);
    size_t *buf = malloc(3 * (lb + 1) * sizeof *buf);
    size_t *back = buf, *prev = buf + lb + 1, *cur = buf + 2 * (lb + 1);
    size_t d;

    if (!buf)
        return (size_t)-1;
    for (size_t j = 0; j <= lb; j++)
        prev[j] = j;
    for (size_t i = 1; i <= la; i++) {
        size_t *t;

        cur[0] = i;
        for (size_t j = 1; j <= lb; j++) {
            size_t cost = same_letter(a[i - 1], b[j - 1]) ? 0 : 1;
            size_t best = prev[j - 1] + cost;

            if (prev[j] + 1 < best)
                best = prev[j] + 1;
            if (cur[j - 1] + 1 < best)
                best = cur[j - 1] + 1;
            if (i > 1 && j > 1 && same_letter(a[i - 1], b[j - 2]) &&
                same_letter(a[i - 2], b[j - 1]) &&
                back[j - 2] + 1 < best)
                best = back[j - 2] + 1;
            cur[j] = best;
        }
        t = back;
        back = prev;
        prev = cur;
        cur = t;
    }
    d = prev[lb];
    free(buf);
    return d == 0 && strcmp(a, b) != 0 ? 1 : d;
}

bool param_instance(const char *pat, const char *key, char *buf, size_t len)
{
    size_t o = 0;
    const char *k = key;

    for (const char *p = pat; *p; ) {
        const char *kdot = k ? strchr(k, '.') : NULL;
        size_t kseg = k ? (kdot ? (size_t)(kdot - k) : strlen(k)) : 0;

        if (p[0] == '*' && (p[1] == '.' || p[1] == '\0') && k && kseg > 0) {
            if (o + kseg >= len)
                return false;
            memcpy(buf + o, k, kseg);
            o += kseg;
            p++;
        } else {
            while (*p && *p != '.') {
                if (o + 1 >= len)
                    return false;
                buf[o++] = *p++;
            }
        }
        if (*p == '.') {
            if (o + 1 >= len)
                return false;
            buf[o++] = *p++;
            k = kdot ? kdot + 1 : NULL;
        }
    }
    buf[o] = '\0';
    return true;
}

size_t param_suggest_limit(const char *key)
{
    size_t lim = 1 + strlen(key) / 4;

    return lim > 4 ? 4 : lim;
}

bool param_near_enough(const char *typed, size_t d)
{
    return d > 0 && d <= param_suggest_limit(typed) && d < strlen(typed);
}

void param_near_init(struct param_near *n, const char *typed)
{
    n->typed = typed;
    n->best = NULL;
    n->d = (size_t)-1;
}

void param_near_offer_d(struct param_near *n, const char *name, size_t d)
{
    /* Of names equally near, one differing in case alone beats a real
     * edit ('rtx 4090' means 'RTX 4090', not 'RTX 3090', though both are
     * one from it): the first offered wins other ties. */
    if (d < n->d || (d == n->d && n->best && strcasecmp(name, n->typed) == 0 &&
                     strcasecmp(n->best, n->typed) != 0)) {
        n->d = d;
        n->best = name;
    }
}

void param_near_offer(struct param_near *n, const char *name)
{
    param_near_offer_d(n, name, param_edit_distance(n->typed, name));
}

const char *param_near_best(const struct param_near *n)
{
    return n->best && param_near_enough(n->typed, n->d) ? n->best : NULL;
}

const char *param_hint(const char *near, char *buf, size_t len)
{
    if (!near)
        return "";
    snprintf(buf, len, " (did you mean '%s'?)", near);
    return buf;
}

const char *preg_suggest(const struct param_registry *reg, const char *key)
{
    struct param_near near;
    char buf[512];

    if (!reg || !key)
        return NULL;
    param_near_init(&near, key);
    for (size_t i = 0; i < reg->n; i++) {
        const char *k = reg->defs[i]->key;
        size_t d = param_edit_distance(key, k);

        if (strchr(k, '*') && param_instance(k, key, buf, sizeof buf)) {
            size_t ds = param_edit_distance(key, buf);

            if (ds < d)
                d = ds;
        }
        param_near_offer_d(&near, k, d);
    }
    return param_near_best(&near);
}

/* ---- parsing ---- */

static void set_err(char *err, size_t len, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void set_err(char *err, size_t len, const char *fmt, ...)
{
    va_list ap;

    if (!err || len == 0)
        return;
    va_start(ap, fmt);
    vsnprintf(err, len, fmt, ap);
    va_end(ap);
}

/* Strips surrounding blanks into 'buf'; false if it does not fit. */
static bool trimmed(const char *text, char *buf, size_t len)
{
    size_t n;

    while (isspace((unsigned char)*text))
        text++;
    n = strlen(text);
    while (n > 0 && isspace((unsigned char)text[n - 1]))
        n--;
    if (n >= len)
        return false;
    memcpy(buf, text, n);
    buf[n] = '\0';
    return true;
}

bool param_parse_real(const char *s, double *out)
{
    char *end;
    double v;

    /* decimal only: strtod also reads hexadecimal ("0x1p-4"), which no
     * scenario means and params.csv would echo as typed */
    if (!*s || isspace((unsigned char)*s) || strpbrk(s, "xX"))
        return false;
    errno = 0;
    v = strtod(s, &end);
    if (end == s || *end != '\0' || errno == ERANGE || !isfinite(v))
        return false;
    *out = v;
    return true;
}

static bool parse_bool(const char *s, bool *out)
{
    static const char yes[][6] = { "true", "yes", "on", "1" };
    static const char no[][6] = { "false", "no", "off", "0" };

    for (size_t i = 0; i < 4; i++) {
        if (strcasecmp(s, yes[i]) == 0) {
            *out = true;
            return true;
        }
        if (strcasecmp(s, no[i]) == 0) {
            *out = false;
            return true;
        }
    }
    return false;
}

/* Number with an optional unit suffix; the number may have a fraction
 * ("1.5h"). Negative durations are refused: every duration in a scenario
 * is a length of time. */
/* Why a duration did not parse: the messages differ (param_parse). */
enum dur_status { DUR_OK, DUR_BAD, DUR_EXPONENT, DUR_TOO_LONG };

static enum dur_status parse_duration(const char *s, const char *def_unit, sim_time *out)
{
    char *end;
    double v, us;
    sim_time mult;

    if (!*s || !(isdigit((unsigned char)*s) || *s == '.'))
        return DUR_BAD;
    errno = 0;
    v = strtod(s, &end);
    if (end == s || !isfinite(v) || v < 0.0)
        return DUR_BAD;
    /* strtod would take "1e3" or hex; a duration is plain decimal. */
    for (const char *p = s; p < end; p++)
        if (!isdigit((unsigned char)*p) && *p != '.')
            return *p == 'e' || *p == 'E' ? DUR_EXPONENT : DUR_BAD;
    mult = unit_us(*end ? end : def_unit);
    if (mult == 0)
        return DUR_BAD;
    us = v * (double)mult;
    if (errno == ERANGE || us >= 9.0e18)
        return DUR_TOO_LONG;
    *out = (sim_time)(us + 0.5);
    return DUR_OK;
}

static bool enum_has(const char *choices, const char *s)
{
    size_t n = strlen(s);

    for (const char *p = choices; p; ) {
        const char *bar = strchr(p, '|');
        size_t len = bar ? (size_t)(bar - p) : strlen(p);

        if (len == n && strncmp(p, s, n) == 0)
            return true;
        p = bar ? bar + 1 : NULL;
    }
    return false;
}

/* The choice of "a|b|c" nearest 's', copied into 'buf', or NULL when none is
 * near enough for a hint (param_near_enough, as for keys). */
static const char *enum_near(const char *choices, const char *s, char *buf, size_t len)
{
    size_t best = SIZE_MAX;
    char one[128];

    for (const char *p = choices; p; ) {
        const char *bar = strchr(p, '|');
        size_t n = bar ? (size_t)(bar - p) : strlen(p), d;

        if (n < sizeof one) {
            memcpy(one, p, n);
            one[n] = '\0';
            d = param_edit_distance(s, one);
            if (d < best) {
                best = d;
                snprintf(buf, len, "%s", one);
            }
        }
        p = bar ? bar + 1 : NULL;
    }
    return best != SIZE_MAX && param_near_enough(s, best) ? buf : NULL;
}

/* The inclusive range that applies to 'def', false if unbounded. */
static bool def_range(const struct param_def *def, double *lo, double *hi)
{
    bool bounded = def->min <= def->max;

    if (def->type == PT_PROB) {
        *lo = bounded ? fmax(def->min, 0.0) : 0.0;
        *hi = bounded ? fmin(def->max, 1.0) : 1.0;
        return true;
    }
    *lo = def->min;
    *hi = def->max;
    return bounded;
}

int param_parse(const struct param_def *def, const char *text,
                struct param_value *out, char *err, size_t errlen)
{
    char s[256];
    double lo, hi, x = 0.0;
    bool ranged;

    SIM_ASSERT(def && text && out);
    out->type = def->type;
    if (def->type == PT_STRING) {
        out->u.s = text;
        return SIM_OK;
    }
    if (!trimmed(text, s, sizeof s)) {
        set_err(err, errlen, "%s: value too long (%zu bytes)", def->key, strlen(text));
        return SIM_EINVAL;
    }
    switch (def->type) {
    case PT_INT: {
        char *end;
        long long v;

        errno = 0;
        v = strtoll(s, &end, 10);
        if (*s && end != s && *end == '\0' && errno == ERANGE) {
            /* an integer, too large for any range: say so, not its type */
            if (def_range(def, &lo, &hi))
                set_err(err, errlen, "%s: %s is out of range [%g, %g]", def->key, s, lo, hi);
            else
                set_err(err, errlen, "%s: %s is out of range (a 64-bit integer)", def->key, s);
            return SIM_EINVAL;
        }
        if (!*s || end == s || *end != '\0') {
            set_err(err, errlen, "%s: expected an integer, got \"%s\"", def->key, text);
            return SIM_EINVAL;
        }
        out->u.i = v;
        x = (double)v;
        break;
    }
    case PT_REAL:
    case PT_PROB:
        if (!param_parse_real(s, &out->u.r)) {
            set_err(err, errlen, "%s: expected a number, got \"%s\"", def->key, text);
            return SIM_EINVAL;
        }
        x = out->u.r;
        break;
    case PT_MONEY:
        if (money_parse(s, &out->u.m) != SIM_OK) {
            set_err(err, errlen,
                    "%s: expected an amount in USD (at most 6 decimals), got \"%s\"",
                    def->key, text);
            return SIM_EINVAL;
        }
        x = money_to_usd(out->u.m);
        break;
    case PT_TIME:
        switch (parse_duration(s, time_unit_of(def), &out->u.t)) {
        case DUR_OK:
            break;
        case DUR_TOO_LONG:
            if (def_range(def, &lo, &hi))
                set_err(err, errlen, "%s: %s is out of range [%g, %g] %s",
                        def->key, s, lo, hi, time_unit_of(def));
            else
                set_err(err, errlen, "%s: %s is out of range (at most about 290,000 years)",
                        def->key, s);
            return SIM_EINVAL;
        case DUR_EXPONENT:
            set_err(err, errlen, "%s: a duration is a plain decimal with a unit (no exponent: "
                    "1000000d, not 1e6d), got \"%s\"", def->key, text);
            return SIM_EINVAL;
        case DUR_BAD:
        default:
            set_err(err, errlen,
                    "%s: expected a duration such as 90d, 1.5h, 30min, 20s, 250ms or 10us, got \"%s\"",
                    def->key, text);
            return SIM_EINVAL;
        }
        x = (double)out->u.t / (double)unit_us(time_unit_of(def));
        break;
    case PT_BOOL:
        if (!parse_bool(s, &out->u.b)) {
            set_err(err, errlen, "%s: expected true or false, got \"%s\"", def->key, text);
            return SIM_EINVAL;
        }
        return SIM_OK;
    case PT_ENUM:
        /* The value handed back is 'text' itself (models strcmp it), so
         * 'text' must be the choice exactly: checking the trimmed copy let
         * " second-price" pass and then match nothing. Callers that
         * accept blanks (scenario.c) trim before calling. */
        if (!enum_has(def->choices, text)) {
            char near[128], hint[160];

            set_err(err, errlen, "%s: expected one of %s, got \"%s\"%s",
                    def->key, def->choices, text,
                    param_hint(enum_near(def->choices, text, near, sizeof near),
                               hint, sizeof hint));
            return SIM_EINVAL;
        }
        out->u.s = text;
        return SIM_OK;
    case PT_STRING:
        break;
    }
    ranged = def_range(def, &lo, &hi);
    if (ranged && !(x >= lo && x <= hi)) {
        if (def->type == PT_TIME)
            set_err(err, errlen, "%s: %s is out of range [%g, %g] %s",
                    def->key, s, lo, hi, time_unit_of(def));
        else
            set_err(err, errlen, "%s: %s is out of range [%g, %g]", def->key, s, lo, hi);
        return SIM_EINVAL;
    }
    return SIM_OK;
}

/* Shortest %g form that reads back to the same double. */
static void format_real(double r, char *buf, size_t len)
{
    for (int prec = 15; prec <= 17; prec++) {
        snprintf(buf, len, "%.*g", prec, r);
        if (strtod(buf, NULL) == r)
            return;
    }
}

void param_format(const struct param_value *v, const struct param_def *def,
                  char *buf, size_t len)
{
    SIM_ASSERT(v && buf && len > 0);
    switch (v->type) {
    case PT_INT:
        snprintf(buf, len, "%" PRId64, v->u.i);
        break;
    case PT_REAL:
    case PT_PROB:
        format_real(v->u.r, buf, len);
        break;
    case PT_MONEY:
        money_format(v->u.m, buf, len);
        break;
    case PT_TIME: {
        /* The coarsest unit that divides exactly keeps "90d" as "90d". */
        const char *u = def ? time_unit_of(def) : "us";

        if (v->u.t == 0) {
            snprintf(buf, len, "0%s", u);
            break;
        }
        for (size_t i = 0; i < N_TIME_UNITS; i++) {
            if (v->u.t % time_units[i].us == 0) {
                snprintf(buf, len, "%" PRId64 "%s", v->u.t / time_units[i].us,
                         time_units[i].name);
                break;
            }
        }
        break;
    }
    case PT_BOOL:
        snprintf(buf, len, "%s", v->u.b ? "true" : "false");
        break;
    case PT_STRING:
    case PT_ENUM:
        snprintf(buf, len, "%s", v->u.s ? v->u.s : "");
        break;
    }
}

/* ---- documentation ---- */

static void range_text(const struct param_def *def, char *buf, size_t len)
{
    double lo, hi;

    buf[0] = '\0';
    if (def->type == PT_ENUM)
        snprintf(buf, len, "%s", def->choices);
    else if (def->type == PT_BOOL || def->type == PT_STRING)
        return;
    else if (def_range(def, &lo, &hi))
        snprintf(buf, len, "[%g, %g]", lo, hi);
}

size_t preg_print(const struct param_registry *reg, const char *pattern,
                  bool markdown, FILE *out)
{
    size_t n = 0, wkey = 3, wtype = 4, wunit = 4, wdef = 7, wrange = 5, matches = 0;
    char range[256];

    if (!reg || !out)
        return 0;
    /* First pass sizes the columns of the text form. */
    for (size_t i = 0; i < reg->n; i++) {
        const struct param_def *def = reg->defs[i];
        size_t l;

        if (pattern && !strstr(def->key, pattern))
            continue;
        matches++;
        range_text(def, range, sizeof range);
        if ((l = strlen(def->key)) > wkey) wkey = l;
        if ((l = strlen(param_type_name(def->type))) > wtype) wtype = l;
        if (def->unit && (l = strlen(def->unit)) > wunit) wunit = l;
        if ((l = strlen(def->def ? def->def : "(required)")) > wdef) wdef = l;
        if ((l = strlen(range)) > wrange) wrange = l;
    }
    /* Nothing matches: no table at all, not a header over no rows (stdout
     * carries only data; the caller says why on stderr). */
    if (matches == 0)
        return 0;
    if (markdown)
        fputs("| key | type | unit | default | range | description |\n"
              "| --- | --- | --- | --- | --- | --- |\n", out);
    else
        fprintf(out, "%-*s  %-*s  %-*s  %-*s  %-*s  %s\n", (int)wkey, "key",
                (int)wtype, "type", (int)wunit, "unit", (int)wdef, "default",
                (int)wrange, "range", "description");
    for (size_t i = 0; i < reg->n; i++) {
        const struct param_def *def = reg->defs[i];
        const char *dflt = def->def ? def->def : "(required)";
        const char *unit = def->unit ? def->unit : "";
        const char *help = def->help ? def->help : "";

        if (pattern && !strstr(def->key, pattern))
            continue;
        range_text(def, range, sizeof range);
        if (markdown) {
            /* '|' inside a cell would split it. */
            fprintf(out, "| `%s` | %s | %s | %s%s%s | ", def->key,
                    param_type_name(def->type), unit, def->def ? "`" : "",
                    dflt, def->def ? "`" : "");
            for (const char *p = range; *p; p++)
                fputs(*p == '|' ? "\\|" : (char[2]){ *p, '\0' }, out);
            fprintf(out, " | %s |\n", help);
        } else {
            fprintf(out, "%-*s  %-*s  %-*s  %-*s  %-*s  %s\n", (int)wkey, def->key,
                    (int)wtype, param_type_name(def->type), (int)wunit, unit,
                    (int)wdef, dflt, (int)wrange, range, help);
        }
        n++;
    }
    return n;
}
