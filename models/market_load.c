/* models/market_load.c -- the market's set-up from the scenario and data.
 *
 * The GPU catalogue (through the fitted DLPerf model), the archetypes and
 * the supply side (host classes, regions) are read from the resolved run
 * into the structs of models/market_int.h. Every bad value is reported at
 * the line that set it, all of them before the run is refused.
 */
#include "models/market_int.h"

#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include "models/serverless.h"
#include "sim/param.h"
#include "sim/table.h"

static const char *const tier_names[NTIERS] = { "consumer", "workstation", "datacenter" };
#define GPU_COUNTS "count:probability pairs with power-of-two counts up to 16"
/* archetypes a market holds, built-in ones included: struct job keeps
 * its archetype in a uint8_t, and sls_attach() stays within it too */
#define MAX_ARCHETYPES 255

static const char *const workload_names[NWORKLOADS] = {
    "finetune", "training", "batch-inference", "rendering", "scientific"
};

/* A catalogue name as the middle part of a key ("RTX 4090" as the
 * rtx-4090 of gpu.rtx-4090.share): lower case, and every character a key
 * part cannot hold (anything but letters, digits, '-' and '_', see
 * is_ident in sim/scenario.c) a '-'. '_' becomes '-' too, so names that
 * differ only there share an id (mkt_load_catalog refuses them). A '.'
 * once stayed: "GH200 96.5GB" made gpu.gh200-96.5gb.share, a key of four
 * parts that matched no registered pattern and aborted the run. */
static void key_id(const char *name, char *out, size_t len)
{
    size_t n = 0;

    for (const char *p = name; *p && n + 1 < len; p++)
        out[n++] = (*p >= 'A' && *p <= 'Z') ? (char)(*p - 'A' + 'a') :
                   ((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9')) ? *p : '-';
    out[n] = '\0';
}

/* Where the analyst wrote 'key', or NULL when it has its default (a key
 * of an entity no key names, like a catalogue model the registry does
 * not list, is not in the run at all: scn_where would assert). 'cli' is
 * set for a --set value. The run's keys are in strcmp order. */
static const struct srcloc *written_at(const struct scn_run *r, const char *key, bool *cli)
{
    size_t lo = 0, hi = scn_run_key_count(r);

    while (lo < hi) {
        size_t m = lo + (hi - lo) / 2;
        const char *k, *source;
        int c;

        scn_run_key_at(r, m, &k, NULL, NULL, &source);
        c = strcmp(k, key);
        if (c == 0) {
            *cli = strcmp(source, "cli") == 0;
            return strcmp(source, "default") == 0 ? NULL : scn_where(r, key);
        }
        if (c < 0)
            lo = m + 1;
        else
            hi = m;
    }
    return NULL;
}

/* Pairwise checks once blamed a fixed key, often one left at its default
 * while the analyst wrote the other: "error: hostclass farm: markup-max 2
 * is below markup-min 3" with no line, the markup-min = 3 unnamed. */
void mkt_blame(struct mkt_blame *b, const struct scn_run *r, const char *fmt, ...)
{
    char key[sizeof b->key];
    const struct srcloc *at;
    bool cli = false;
    va_list ap;
    int n;

    va_start(ap, fmt);
    n = vsnprintf(key, sizeof key, fmt, ap);
    va_end(ap);
    SIM_ASSERT(n >= 0 && (size_t)n < sizeof key);
    at = written_at(r, key, &cli);
    if (b->key[0] == '\0' ||
        (at && (!b->at || (cli && !b->cli) ||
                (!cli && !b->cli && at->file && b->at->file &&
                 strcmp(at->file, b->at->file) == 0 && at->line > b->at->line)))) {
        memcpy(b->key, key, sizeof key);
        b->at = at;
        b->cli = cli;
    }
}

/* Trims spaces off both ends of 'tok' in place (a list item as written
 * in "a , b"). */
static char *trim(char *tok)
{
    char *e;

    while (*tok == ' ')
        tok++;
    e = tok + strlen(tok);
    while (e > tok && e[-1] == ' ')
        *--e = '\0';
    return tok;
}

/* Parses "1:0.5,2:0.3" (value:weight pairs, at most as many as struct
 * dist holds; values whole numbers in [1, vmax], powers of two if 'pow2',
 * or names from 'names'; weights finite numbers >= 0 with nothing after
 * them); weights are normalised. '*too_many' tells a list with more pairs
 * apart from a bad one (it once got the same message). */
static int parse_dist(const char *text, struct dist *d, const char *const *names,
                      int nnames, bool pow2, double vmax, bool *too_many)
{
    char buf[512], *save = NULL, *tok;
    double total = 0;

    d->n = 0;
    *too_many = false;
    snprintf(buf, sizeof buf, "%s", text);
    for (tok = strtok_r(buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
        char *colon = strchr(tok, ':'), *end;
        double v, w;

        if (d->n == (int)(sizeof d->v / sizeof d->v[0])) {
            *too_many = true;
            return SIM_EINVAL;
        }
        if (!colon)
            return SIM_EINVAL;
        *colon = '\0';
        tok = trim(tok);
        if (names) {
            int k = -1;

            for (int i = 0; i < nnames; i++)
                if (strcmp(tok, names[i]) == 0)
                    k = i;
            if (k < 0)
                return SIM_EINVAL;
            v = k;
        } else {
            v = strtod(tok, &end);
            /* counts are whole: 1.5 GPUs once passed as a power of two */
            if (end == tok || *end != '\0' || !(v >= 1 && v <= vmax) || v != floor(v))
                return SIM_EINVAL;
            if (pow2 && ((unsigned)v & ((unsigned)v - 1)) != 0)
                return SIM_EINVAL;
        }
        w = strtod(colon + 1, &end);
        while (*end == ' ')
            end++;
        if (end == colon + 1 || *end != '\0' || !(w >= 0 && isfinite(w)))
            return SIM_EINVAL;
        d->v[d->n++] = (struct pick){ w, v };
        total += w;
    }
    if (d->n == 0 || !(total > 0 && isfinite(total)))
        return SIM_EINVAL;
    for (int i = 0; i < d->n; i++)
        d->v[i].p /= total;
    return SIM_OK;
}

/* Reads the distribution set at 'key' into 'out' (parse_dist's rules),
 * or reports at the key's line that it expected 'what'. */
static void read_dist(const struct scn_run *r, struct diag *d, const char *key,
                      struct dist *out, const char *const *names, int nnames, bool pow2,
                      double vmax, const char *what)
{
    bool too_many;

    if (parse_dist(scn_str(r, key), out, names, nnames, pow2, vmax, &too_many) == SIM_OK)
        return;
    if (too_many)
        scn_error(d, r, key, "expected at most %d pairs, got more in \"%s\"",
                  (int)(sizeof out->v / sizeof out->v[0]), scn_str(r, key));
    else
        scn_error(d, r, key, "expected %s, got \"%s\"", what, scn_str(r, key));
}

/* A model is named in lists by its catalogue name ("RTX 4090") and in keys
 * by its id ("gpu.rtx-4090.share"): an id typed where a name belongs, or one
 * near it, hints the name it stands for. */
const char *market_sls_gpu_near(const struct market *mk, const char *typed)
{
    struct param_near near;

    for (size_t g = 0; g < mk->ngpus; g++)
        if (strcmp(mk->gpus[g].id, typed) == 0)
            return mk->gpus[g].name;
    param_near_init(&near, typed);
    for (size_t g = 0; g < mk->ngpus; g++) {
        param_near_offer(&near, mk->gpus[g].name);
        param_near_offer_d(&near, mk->gpus[g].name, param_edit_distance(typed, mk->gpus[g].id));
    }
    return param_near_best(&near);
}

/* Parses a comma-separated list of catalogue model names (the value of
 * 'key') into a flag per model; unknown names are reported at the key's
 * line. Returns NULL for an empty list (meaning: any model); owned. */
static bool *parse_models(struct market *mk, const char *key, struct diag *d)
{
    char buf[1024], *save = NULL, *tok;
    bool *on = NULL;

    snprintf(buf, sizeof buf, "%s", scn_str(mk->run, key));
    for (tok = strtok_r(buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
        size_t k;

        tok = trim(tok);
        if (!on)
            on = xcalloc(mk->ngpus, sizeof *on);
        for (k = 0; k < mk->ngpus && strcmp(mk->gpus[k].name, tok) != 0; k++)
            ;
        if (k == mk->ngpus) {
            char hint[160];

            scn_error(d, mk->run, key, "'%s' is not in the catalogue%s", tok,
                      param_hint(market_sls_gpu_near(mk, tok), hint, sizeof hint));
        }
        else
            on[k] = true;
    }
    return on;
}

/* A relative data path is read from the working directory, and failing
 * that from the project tree this binary was built in, so `gpumarket run`
 * works from anywhere with the default data/ tables. */
static const char *data_path(const char *path, char *buf, size_t len)
{
#ifdef GM_ROOT
    if (path[0] != '/' && access(path, R_OK) != 0) {
        snprintf(buf, len, "%s/%s", GM_ROOT, path);
        if (access(buf, R_OK) == 0)
            return buf;
    }
#else
    (void)buf;
    (void)len;
#endif
    return path;
}

/* The members of "gpu" (the catalogue's models) and "workload" (the fixed
 * list) are not declared by the scenario as archetypes are: a key naming
 * one that does not exist ("gpu.h100sxm.share") matched the "gpu.*"
 * pattern and was read by nobody. Every key the scenario or --set wrote
 * for these kinds must name a member. */
static const char *member_name(const struct market *mk, bool gpu, size_t m)
{
    return gpu ? mk->gpus[m].id : workload_names[m];
}

static void check_entity_names(struct market *mk, const char *kind, struct diag *d)
{
    bool gpu = strcmp(kind, "gpu") == 0;
    size_t klen = strlen(kind), nmem = gpu ? mk->ngpus : NWORKLOADS;

    for (size_t i = 0; i < scn_run_key_count(mk->run); i++) {
        const char *key, *source, *name, *dot;
        struct param_near near;
        size_t len;
        /* any part the reader takes (with ent[128] a 128-byte name was
         * skipped, its key read by nobody) */
        char ent[SCN_MAX_KEY_PART + 1], hint[160];

        scn_run_key_at(mk->run, i, &key, NULL, NULL, &source);
        if (strcmp(source, "default") == 0 || strncmp(key, kind, klen) != 0 || key[klen] != '.')
            continue;
        name = key + klen + 1;
        dot = strchr(name, '.');
        len = dot ? (size_t)(dot - name) : strlen(name);
        if ((len == 1 && name[0] == '*') || len >= sizeof ent)
            continue;
        memcpy(ent, name, len);
        ent[len] = '\0';
        param_near_init(&near, ent);
        for (size_t m = 0; m < nmem && near.d != 0; m++)
            param_near_offer(&near, member_name(mk, gpu, m));
        if (near.d == 0)
            continue;
        scn_error(d, mk->run, key, "no %s named '%s'%s", kind, ent,
                  param_hint(param_near_best(&near), hint, sizeof hint));
    }
}

/* The catalogue and every DLPerf number come from the fitted model of
 * models/dlperf.c: observed medians where the real market shows them, the
 * spec-sheet fit elsewhere, the fitted bundle law for multi-GPU offers. */
int mkt_load_catalog(struct market *mk, struct diag *d)
{
    char b1[4096], b2[4096], b3[4096], b4[4096];
    const char *calib = scn_str(mk->run, "market.dlperf-calibration");
    const char *catalog = data_path(scn_str(mk->run, "market.catalog"), b1, sizeof b1);

    /* The kernel calibration is the one table a scenario may leave out
     * (an empty path): a named table must exist, like the others. */
    mk->dlp = dlperf_model_fit(catalog,
                               data_path(scn_str(mk->run, "market.dlperf-observed"), b2, sizeof b2),
                               data_path(scn_str(mk->run, "market.dlperf-bundles"), b3, sizeof b3),
                               calib[0] ? data_path(calib, b4, sizeof b4) : NULL, d);
    if (!mk->dlp)
        return SIM_EINVAL;
    mk->ngpus = dlperf_catalog_count(mk->dlp);
    /* The supply draws a model from at most 64 (add_machine): more would
     * silently never be supplied. */
    if (mk->ngpus > 64) {
        struct srcloc at = { scn_str(mk->run, "market.catalog"), 0 };

        return diag_error(d, &at, "%zu GPU models; the market takes at most 64", mk->ngpus);
    }
    mk->gpus = xcalloc(mk->ngpus, sizeof *mk->gpus);
    for (size_t i = 0; i < mk->ngpus; i++) {
        const struct dlperf_gpu *c = dlperf_catalog_get(mk->dlp, i);
        struct gpu *g = &mk->gpus[i];

        g->cat = c;
        snprintf(g->name, sizeof g->name, "%s", c->name);
        key_id(g->name, g->id, sizeof g->id);
        /* Two models with one id would read the same gpu.<id>.* keys
         * ("RTX 4090" and "RTX_4090", "A10" and "a10"), silently. */
        for (size_t k = 0; k < i; k++)
            if (strcmp(mk->gpus[k].id, g->id) == 0) {
                struct srcloc at = { catalog, c->line };

                diag_error(d, &at, "GPU model '%s' has the key name '%s' of '%s' (line %d): "
                           "gpu.%s.* could not tell them apart; rename one",
                           g->name, g->id, mk->gpus[k].name, mk->gpus[k].cat->line, g->id);
                break;
            }
        g->vram_gb = c->vram_gb;
        g->tdp_w = c->tdp_w;
        g->street_usd = c->street_price_usd;
        g->tier = c->cls == DLPERF_CONSUMER ? TIER_CONSUMER :
                  c->cls == DLPERF_WORKSTATION ? TIER_WORKSTATION : TIER_DATACENTER;
        g->share = scn_realf(mk->run, "gpu.%s.share", g->id);
    }
    /* Restrict the supply to a list of models, e.g. an H100-only market. */
    {
        bool *keep = parse_models(mk, "supply.gpu-models", d);
        bool any = false;

        for (size_t k = 0; keep && k < mk->ngpus; k++)
            if (!keep[k])
                mk->gpus[k].share = 0;
        for (size_t k = 0; k < mk->ngpus; k++)
            any |= mk->gpus[k].share > 0;
        /* add_machine() would pick the catalogue's last model for every
         * machine (a market of B200s), as pick_weighted does on zeros */
        if (!any && !d->nerrors && mk->ngpus) {
            struct mkt_blame b = { "", NULL, false };

            for (size_t k = 0; k < mk->ngpus; k++)
                if (!keep || keep[k])
                    mkt_blame(&b, mk->run, "gpu.%s.share", mk->gpus[k].id);
            mkt_blame(&b, mk->run, "supply.gpu-models");
            diag_error(d, b.at, "%s: every gpu.*.share (of the models supply.gpu-models "
                       "keeps) is 0: the market has no supply", b.key);
        }
        free(keep);
    }
    check_entity_names(mk, "gpu", d);
    check_entity_names(mk, "workload", d);
    return d->nerrors ? SIM_EINVAL : SIM_OK;
}

/* Did the '*' key of 'key' ("archetype.*.weekend" for
 * "archetype.a1.weekend"; 'any' is "archetype.") set it, at 'at'? Such a
 * key stands at the '*' line, which is not the entity's own. */
static bool set_by_star(const struct scn_run *r, const char *any, const char *key,
                        const struct srcloc *at)
{
    const char *dot = strchr(key + strlen(any), '.');
    const struct srcloc *pat;
    char pk[160];
    bool cli;

    return dot && at && snprintf(pk, sizeof pk, "%s*%s", any, dot) < (int)sizeof pk &&
           (pat = written_at(r, pk, &cli)) && pat->line == at->line &&
           pat->file && at->file && strcmp(pat->file, at->file) == 0;
}

/* The key of entities of 'kind' ("archetype", "hostclass") the scenario
 * wrote last (its highest line), '*' keys and what they set aside; a
 * --set one (the last in key order) if no file wrote one; NULL if none
 * was written: where an error about too many of them points when the
 * one past the limit is built in, with no line of its own. ("archetype.
 * a1.weekend", set at an 'archetype.*.weekend' line, once took the blame
 * for a250 being one too many; with the archetypes all added by --set,
 * at line 0, the built-in archetype.indie.rate did, with no line.) */
static const char *last_written_key(const struct scn_run *r, const char *kind)
{
    char any[64], star[64];
    const char *last = NULL, *cli = NULL;
    int line = 0;

    snprintf(any, sizeof any, "%s.", kind);
    snprintf(star, sizeof star, "%s.*.", kind);
    for (size_t i = 0; i < scn_run_key_count(r); i++) {
        const char *key, *source;
        const struct srcloc *at;

        scn_run_key_at(r, i, &key, NULL, NULL, &source);
        if (strcmp(source, "default") == 0 || strncmp(key, any, strlen(any)) != 0 ||
            strncmp(key, star, strlen(star)) == 0)
            continue;
        at = scn_where(r, key);
        if (set_by_star(r, any, key, at))
            continue;
        if (strcmp(source, "cli") == 0) {
            cli = key;          /* line 0: no file line to compare */
        } else if (at && at->line > line) {
            line = at->line;
            last = key;
        }
    }
    return last ? last : cli;
}

int mkt_load_archetypes(struct market *mk, struct diag *d)
{
    const char **names;
    size_t n = scn_entities(mk->run, "archetype", &names);
    const struct scn_run *r = mk->run;

    /* A job records its archetype in a byte (struct job's arch), and the
     * serverless endpoints' payers come after the archetypes, so at most
     * 255 of them: a 256th would file its jobs under archetype 0. Checked
     * here, whether or not the scenario has endpoints. */
    if (n > MAX_ARCHETYPES) {
        char key[160];

        /* Blame the last archetype key the scenario wrote: the names are
         * sorted, so names[MAX_ARCHETYPES] was often a built-in one
         * ("archetype.indie.rate", with no line) that nobody had added. */
        const char *last = last_written_key(r, "archetype");

        if (last)
            snprintf(key, sizeof key, "%s", last);
        else
            snprintf(key, sizeof key, "archetype.%s.rate", names[MAX_ARCHETYPES]);
        scn_error(d, r, key, "too many archetypes: %zu, built-in ones included "
                  "(at most %d)", n, MAX_ARCHETYPES);
    }
    mk->ar = xcalloc(n, sizeof *mk->ar);
    mk->nar = n;
    for (size_t i = 0; i < n; i++) {
        struct archetype *a = &mk->ar[i];
        const char *nm = names[i];
        const char *s;

        a->name = nm;
        a->rate = scn_realf(r, "archetype.%s.rate", nm);
        a->tz = scn_realf(r, "archetype.%s.tz", nm);
        a->amp = scn_realf(r, "archetype.%s.day-amplitude", nm);
        a->weekend = scn_realf(r, "archetype.%s.weekend", nm);
        a->boost = scn_realf(r, "archetype.%s.deadline-boost", nm);
        a->window = scn_timef(r, "archetype.%s.deadline-window", nm);
        a->vram = scn_realf(r, "archetype.%s.vram", nm);
        a->big_p = scn_realf(r, "archetype.%s.big-model-prob", nm);
        a->big_vram = scn_realf(r, "archetype.%s.big-model-vram", nm);
        a->wmed = scn_realf(r, "archetype.%s.work-median", nm);
        a->wsig = scn_realf(r, "archetype.%s.work-sigma", nm);
        a->value = scn_realf(r, "archetype.%s.value", nm);
        a->vram_value = scn_realf(r, "archetype.%s.vram-value", nm);
        a->vsig = scn_realf(r, "archetype.%s.value-sigma", nm);
        a->min_rel = scn_realf(r, "archetype.%s.min-reliability", nm);
        a->verified_only = scn_boolf(r, "archetype.%s.verified-only", nm);
        a->p_secure = scn_realf(r, "archetype.%s.secure-cloud", nm);
        a->p_pin = scn_realf(r, "archetype.%s.name-pin", nm);
        a->pin_speed = scn_realf(r, "archetype.%s.name-pin-speed", nm);
        {
            /* Vast's GPU-model filter (gpu_name in [...]); needs the
             * catalogue, which may have failed to load. */
            char key[160];

            snprintf(key, sizeof key, "archetype.%s.gpu-models", nm);
            a->models = mk->ngpus ? parse_models(mk, key, d) : NULL;
        }
        a->p_od = scn_realf(r, "archetype.%s.p-ondemand", nm);
        a->p_res = scn_realf(r, "archetype.%s.p-reserved", nm);
        a->p_int = scn_realf(r, "archetype.%s.p-interruptible", nm);
        a->bid_frac = scn_realf(r, "archetype.%s.bid-fraction", nm);
        a->bid_raise = scn_realf(r, "archetype.%s.bid-raise", nm);
        a->bid_cap = scn_realf(r, "archetype.%s.bid-cap", nm);
        a->patience = scn_timef(r, "archetype.%s.patience", nm);
        a->retry = scn_timef(r, "archetype.%s.retry", nm);
        a->pause_patience = scn_timef(r, "archetype.%s.pause-patience", nm);
        a->ck_interval = scn_timef(r, "archetype.%s.checkpoint-interval", nm);
        a->ck_cost = scn_timef(r, "archetype.%s.checkpoint-cost", nm);
        a->restart = scn_timef(r, "archetype.%s.restart-cost", nm);
        a->fail_wait = scn_realf(r, "archetype.%s.on-failure-wait", nm);
        a->fail_move = scn_realf(r, "archetype.%s.on-failure-move", nm);
        a->storage_gb = scn_realf(r, "archetype.%s.storage", nm);
        a->image_gb = scn_realf(r, "archetype.%s.image", nm);
        a->min_cpu = scn_realf(r, "archetype.%s.min-cpu-per-gpu", nm);
        a->min_dlperf = scn_realf(r, "archetype.%s.min-dlperf", nm);
        a->min_ram = scn_realf(r, "archetype.%s.min-ram-per-gpu", nm);
        a->budget = scn_moneyf(r, "archetype.%s.budget", nm);
        a->topup = scn_realf(r, "archetype.%s.topup", nm);
        a->topup_delay = scn_timef(r, "archetype.%s.topup-delay", nm);
        a->prepay_after = scn_timef(r, "archetype.%s.prepay-after", nm);
        a->withdraw = scn_realf(r, "archetype.%s.withdraw-deverified", nm);
        s = scn_strf(r, "archetype.%s.sort", nm);
        a->sort = strcmp(s, "price") == 0 ? SORT_PRICE :
                  strcmp(s, "score") == 0 ? SORT_SCORE : SORT_DLPERF_PER_DOLLAR;
        s = scn_strf(r, "archetype.%s.checkpoint", nm);
        if (!ckpt_policy_parse(s, &a->ck))
            a->ck = CKPT_NONE;      /* the registry already checked the choice */
        {
            char key[160];

            snprintf(key, sizeof key, "archetype.%s.gpus", nm);
            read_dist(r, d, key, &a->gpus, NULL, 0, true, MAX_GPUS, GPU_COUNTS);
            snprintf(key, sizeof key, "archetype.%s.mix", nm);
            read_dist(r, d, key, &a->mix, workload_names, NWORKLOADS, false, 0,
                      "type:probability pairs over finetune, training, batch-inference, "
                      "rendering, scientific");
            snprintf(key, sizeof key, "archetype.%s.deadlines", nm);
            s = scn_str(r, key);
            /* Days 0-364, as demand.start-day counts them: the model's
             * year has 365 days, so a day 365 would be day 0 again. */
            for (const char *p = s; *p;) {
                char *end;
                long v = strtol(p, &end, 10);

                if (end == p || v < 0 || v > 364) {
                    scn_error(d, r, key, "expected days of the year (0-364) separated by "
                              "commas, got \"%s\"", s);
                    break;
                }
                if (a->ndead == (int)(sizeof a->dead / sizeof a->dead[0])) {
                    scn_error(d, r, key, "at most %d deadlines, got more in \"%s\"",
                              a->ndead, s);
                    break;
                }
                a->dead[a->ndead++] = (int)v;
                p = end;
                while (*p == ',' || *p == ' ')
                    p++;
            }
            if (a->p_od + a->p_res + a->p_int <= 0) {
                struct mkt_blame b = { "", NULL, false };

                mkt_blame(&b, r, "archetype.%s.p-ondemand", nm);
                mkt_blame(&b, r, "archetype.%s.p-reserved", nm);
                mkt_blame(&b, r, "archetype.%s.p-interruptible", nm);
                diag_error(d, b.at, "archetype %s: p-ondemand, p-reserved and "
                           "p-interruptible are all zero", nm);
            }
            if (a->fail_wait + a->fail_move > 1.0 + 1e-9) {
                struct mkt_blame b = { "", NULL, false };

                mkt_blame(&b, r, "archetype.%s.on-failure-move", nm);
                mkt_blame(&b, r, "archetype.%s.on-failure-wait", nm);
                diag_error(d, b.at, "archetype %s: on-failure-wait + "
                           "on-failure-move = %g exceeds 1", nm, a->fail_wait + a->fail_move);
            }
            /* A renter who tops up by hand does it while the stopped
             * instance waits out its grace: with none it is deleted when
             * the credits run out, and the setting would never act. */
            if (a->topup > 0 && a->topup_delay > 0 && a->budget > 0 &&
                scn_time(r, "market.credit-grace") == 0) {
                struct mkt_blame b = { "", NULL, false };

                mkt_blame(&b, r, "archetype.%s.topup", nm);
                mkt_blame(&b, r, "archetype.%s.topup-delay", nm);
                mkt_blame(&b, r, "market.credit-grace");
                diag_error(d, b.at, "archetype %s: topup = %g after topup-delay needs "
                           "market.credit-grace > 0 (with none a stopped instance is deleted "
                           "at once); topup-delay = 0 tops up with no stop", nm, a->topup);
            }
        }
    }
    return d->nerrors ? SIM_EINVAL : SIM_OK;
}

/* Where to blame every share of a kind being zero: the share the
 * analyst wrote last (the last entity's when none was written). */
static const struct srcloc *share_where(const struct scn_run *r, const char *kind,
                                        const char **names, size_t n)
{
    struct mkt_blame b = { "", NULL, false };

    if (n == 0)
        return NULL;
    mkt_blame(&b, r, "%s.%s.share", kind, names[n - 1]);
    for (size_t i = 0; i + 1 < n; i++)
        mkt_blame(&b, r, "%s.%s.share", kind, names[i]);
    return b.at;
}

/* A machine keeps its host class and region in a byte: more would be
 * cut off (the supply once drew from the first 16 classes and 32
 * regions, and silently never used the rest). Reported at a key the
 * scenario wrote for the first entity past the limit, in name order;
 * when that one is built in and unwritten ("hobbyist" after h000-h253,
 * the error once had no line), at the last key of the kind the scenario
 * wrote, as mkt_load_archetypes does. */
#define MAX_SUPPLY_ENTITIES 256

static bool too_many(const struct scn_run *r, struct diag *d, const char *kind,
                     const char *what, const char **names, size_t n)
{
    const struct srcloc *at = NULL;
    char prefix[160];

    if (n <= MAX_SUPPLY_ENTITIES)
        return false;
    snprintf(prefix, sizeof prefix, "%s.%s.", kind, names[MAX_SUPPLY_ENTITIES]);
    for (size_t i = 0; i < scn_run_key_count(r) && !at; i++) {
        const char *key, *source;

        scn_run_key_at(r, i, &key, NULL, NULL, &source);
        if (strcmp(source, "default") != 0 && strncmp(key, prefix, strlen(prefix)) == 0)
            at = scn_where(r, key);
    }
    if (!at) {
        const char *last = last_written_key(r, kind);

        at = last ? scn_where(r, last) : NULL;
    }
    diag_error(d, at, "%zu %s; the market takes at most %d ('%s' and after are too many)",
               n, what, MAX_SUPPLY_ENTITIES, names[MAX_SUPPLY_ENTITIES]);
    return true;
}

int mkt_load_supply(struct market *mk, struct diag *d)
{
    const struct scn_run *r = mk->run;
    const char **names;
    size_t n = scn_entities(r, "hostclass", &names);
    double total = 0;

    if (too_many(r, d, "hostclass", "host classes", names, n))
        n = MAX_SUPPLY_ENTITIES;
    mk->hc = xcalloc(n, sizeof *mk->hc);
    mk->hc_share = xcalloc(n, sizeof *mk->hc_share);
    mk->nhc = n;
    for (size_t i = 0; i < n; i++) {
        struct hostclass *h = &mk->hc[i];
        const char *nm = names[i];
        char key[160];

        h->name = nm;
        h->share = mk->hc_share[i] = scn_realf(r, "hostclass.%s.share", nm);
        h->pue = scn_realf(r, "hostclass.%s.pue", nm);
        h->overhead = scn_realf(r, "hostclass.%s.overhead", nm);
        h->amort_h = sim_time_to_hours(scn_timef(r, "hostclass.%s.amortisation", nm));
        h->mk_min = scn_realf(r, "hostclass.%s.markup-min", nm);
        h->mk_max = scn_realf(r, "hostclass.%s.markup-max", nm);
        h->ask_floor = scn_realf(r, "hostclass.%s.ask-floor", nm);
        h->ask_ceil = scn_realf(r, "hostclass.%s.ask-ceiling", nm);
        h->bid_factor = scn_realf(r, "hostclass.%s.min-bid-factor", nm);
        h->verified_p = scn_realf(r, "hostclass.%s.verified-prob", nm);
        h->min_chunk = (int)scn_intf(r, "hostclass.%s.min-chunk", nm);
        h->bw_mbps = scn_realf(r, "hostclass.%s.bandwidth", nm);
        h->storage_price = scn_moneyf(r, "hostclass.%s.storage-price", nm);
        /* a multiple of the running price, rounded once to the micro-dollar */
        h->storage_idle = (money)llround((double)h->storage_price *
                                         scn_realf(r, "hostclass.%s.storage-inactive", nm));
        h->bw_price = scn_moneyf(r, "hostclass.%s.bandwidth-price", nm);
        h->offer_dur = scn_timef(r, "hostclass.%s.offer-duration", nm);
        h->auto_extend = scn_realf(r, "hostclass.%s.auto-extend", nm);
        h->anticipate = scn_realf(r, "hostclass.%s.anticipate", nm);
        /* Its hosts look a day back, interval by interval: the intervals
         * must tile the day, or "the same interval yesterday" drifts. */
        if (h->anticipate > 0 && SIM_DAY % scn_time(r, "market.reprice-interval") != 0) {
            struct mkt_blame b = { "", NULL, false };

            mkt_blame(&b, r, "hostclass.%s.anticipate", nm);
            mkt_blame(&b, r, "market.reprice-interval");
            diag_error(d, b.at, "hostclass %s: anticipate = %g needs a market.reprice-interval "
                       "that divides a day", nm, h->anticipate);
        }
        h->max_discount = scn_realf(r, "hostclass.%s.max-discount", nm);
        /* a bad outage value is reported there; the class is still read
         * on (its share counts, its other checks run), or its markups
         * went unchecked and a lone supplier read as "no supply" */
        outage_params_from_run(r, nm, &h->op, d);
        h->datacenter = scn_boolf(r, "hostclass.%s.datacenter", nm);
        total += h->share;
        if (h->mk_min > h->mk_max) {
            struct mkt_blame b = { "", NULL, false };

            mkt_blame(&b, r, "hostclass.%s.markup-max", nm);
            mkt_blame(&b, r, "hostclass.%s.markup-min", nm);
            diag_error(d, b.at, "hostclass %s: markup-max %g is below markup-min %g",
                       nm, h->mk_max, h->mk_min);
        }
        /* Offers are sliced at powers of two (Vast's min_gpu): 3 acted as
         * 4 without a word. */
        if (h->min_chunk & (h->min_chunk - 1)) {
            struct mkt_blame b = { "", NULL, false };

            mkt_blame(&b, r, "hostclass.%s.min-chunk", nm);
            diag_error(d, b.at, "hostclass %s: min-chunk = %d is not a power of two (offers "
                       "are sliced at 1, 2, 4, 8 or 16 GPUs)", nm, h->min_chunk);
        }
        /* repricing clamps to the ceiling, then the floor: with the two
         * crossed every ask sat at the floor above the ceiling */
        if (h->ask_floor > h->ask_ceil) {
            struct mkt_blame b = { "", NULL, false };

            mkt_blame(&b, r, "hostclass.%s.ask-ceiling", nm);
            mkt_blame(&b, r, "hostclass.%s.ask-floor", nm);
            diag_error(d, b.at, "hostclass %s: ask-ceiling %g is below ask-floor %g",
                       nm, h->ask_ceil, h->ask_floor);
        }
        snprintf(key, sizeof key, "hostclass.%s.machine-gpus", nm);
        read_dist(r, d, key, &h->gpus, NULL, 0, true, MAX_GPUS, GPU_COUNTS);
        snprintf(key, sizeof key, "hostclass.%s.tiers", nm);
        read_dist(r, d, key, &h->tiers, tier_names, NTIERS, false, 0,
                  "tier:weight pairs over consumer, workstation, datacenter");
        snprintf(key, sizeof key, "hostclass.%s.cpu-per-gpu", nm);
        read_dist(r, d, key, &h->cpu, NULL, 0, false, 1000,
                  "cores:probability pairs with whole numbers of cores from 1 to 1000");
        snprintf(key, sizeof key, "hostclass.%s.ram-per-gpu", nm);
        read_dist(r, d, key, &h->ram, NULL, 0, false, 60000,
                  "GB:probability pairs with whole numbers of GB from 1 to 60000");
        snprintf(key, sizeof key, "hostclass.%s.disk", nm);
        read_dist(r, d, key, &h->disk, NULL, 0, false, 1e6,
                  "GB:probability pairs with whole numbers of GB from 1 to 1000000");
    }
    if (!(total > 0))
        diag_error(d, share_where(r, "hostclass", names, n),
                   "every hostclass.*.share is zero: no supply");
    n = scn_entities(r, "region", &names);
    if (too_many(r, d, "region", "regions", names, n))
        n = MAX_SUPPLY_ENTITIES;
    mk->rg = xcalloc(n, sizeof *mk->rg);
    mk->rg_share = xcalloc(n, sizeof *mk->rg_share);
    mk->nrg = n;
    total = 0;
    for (size_t i = 0; i < n; i++) {
        mk->rg[i].name = names[i];
        mk->rg[i].share = mk->rg_share[i] = scn_realf(r, "region.%s.share", names[i]);
        mk->rg[i].kwh = scn_realf(r, "region.%s.electricity", names[i]);
        outage_region_from_run(r, names[i], &mk->rg[i].op, d);
        total += mk->rg[i].share;
    }
    if (!(total > 0))
        diag_error(d, share_where(r, "region", names, n),
                   "every region.*.share is zero: no supply");
    for (int w = 0; w < NWORKLOADS; w++) {
        mk->wl_scale[w] = scn_realf(r, "workload.%s.work-scale", workload_names[w]);
        mk->wl_ckpt[w] = scn_boolf(r, "workload.%s.checkpointable", workload_names[w]);
    }
    return d->nerrors ? SIM_EINVAL : SIM_OK;
}
