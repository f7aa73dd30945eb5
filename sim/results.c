/* sim/results.c -- the per-run metric store and the result directory.
 *
 * Names are interned once, so a sample is four pointers and two numbers;
 * scalars are found through a small hash of their interned name triple.
 * Everything written is deterministic (%.17g, fixed row order) except the
 * [timing] section of manifest.ini, which records wall-clock facts and is
 * the one place they are allowed.
 */
#define _XOPEN_SOURCE 700          /* nftw() */
#include "sim/results.h"

#include <dirent.h>
#include <errno.h>
#include <ftw.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cairo.h>
#include <csv.h>
#include <gsl/gsl_version.h>
#include "sim/err.h"
#include "sim/scenario.h"
#include "sim/table.h"

#ifndef GM_GIT
#define GM_GIT "unknown"
#endif
#define GM_VERSION "0.1.0"

struct scalar {
    const char *metric, *kind, *entity, *unit;     /* interned / static */
    double value;
};

struct sample {
    sim_time t;
    const char *metric, *kind, *entity;
    double value;
};

struct results {
    char **strs;            /* interned strings, owned; open addressing */
    size_t strs_cap, strs_n;
    struct scalar *sc;      /* owned, in first-recorded order */
    size_t nsc, capsc;
    size_t *sc_index;       /* owned; hash of (metric,kind,entity) -> sc+1 */
    size_t sc_index_cap;
    struct sample *sa;      /* owned */
    size_t nsa, capsa;
};

static uint64_t str_hash(const char *s)
{
    uint64_t h = 0xcbf29ce484222325ULL;

    while (*s)
        h = (h ^ (unsigned char)*s++) * 0x100000001b3ULL;
    return h;
}

static void *xrealloc(void *p, size_t n)
{
    p = realloc(p, n);
    if (!p && n)
        SIM_OOM("results: out of memory");
    return p;
}

static const char *intern(struct results *r, const char *s)
{
    size_t i;

    if (!s)
        s = "";
    if ((r->strs_n + 1) * 2 > r->strs_cap) {
        size_t ncap = r->strs_cap ? 2 * r->strs_cap : 256;
        char **ns = calloc(ncap, sizeof *ns);

        if (!ns)
            SIM_OOM("results: out of memory");
        for (size_t j = 0; j < r->strs_cap; j++) {
            if (!r->strs[j])
                continue;
            for (i = str_hash(r->strs[j]) & (ncap - 1); ns[i]; i = (i + 1) & (ncap - 1))
                ;
            ns[i] = r->strs[j];
        }
        free(r->strs);
        r->strs = ns;
        r->strs_cap = ncap;
    }
    for (i = str_hash(s) & (r->strs_cap - 1); r->strs[i]; i = (i + 1) & (r->strs_cap - 1))
        if (strcmp(r->strs[i], s) == 0)
            return r->strs[i];
    r->strs[i] = strdup(s);
    if (!r->strs[i])
        SIM_OOM("results: out of memory");
    r->strs_n++;
    return r->strs[i];
}

struct results *res_new(void)
{
    return calloc(1, sizeof(struct results));
}

void res_free(struct results *r)
{
    if (!r)
        return;
    for (size_t i = 0; i < r->strs_cap; i++)
        free(r->strs[i]);
    free(r->strs);
    free(r->sc);
    free(r->sc_index);
    free(r->sa);
    free(r);
}

static size_t triple_hash(const char *m, const char *k, const char *e)
{
    uint64_t h = (uint64_t)(uintptr_t)m * 0x9e3779b97f4a7c15ULL;

    h ^= (uint64_t)(uintptr_t)k * 0xc2b2ae3d27d4eb4fULL;
    h ^= (uint64_t)(uintptr_t)e * 0x165667b19e3779f9ULL;
    return (size_t)(h ^ (h >> 29));
}

static struct scalar *find_scalar(struct results *r, const char *metric,
                                  const char *kind, const char *entity,
                                  bool create)
{
    const char *m = intern(r, metric), *k = intern(r, kind), *e = intern(r, entity);
    size_t i, mask;

    if ((r->nsc + 1) * 2 > r->sc_index_cap) {
        size_t ncap = r->sc_index_cap ? 2 * r->sc_index_cap : 256;

        free(r->sc_index);
        r->sc_index = calloc(ncap, sizeof *r->sc_index);
        if (!r->sc_index)
            SIM_OOM("results: out of memory");
        r->sc_index_cap = ncap;
        for (size_t j = 0; j < r->nsc; j++) {
            struct scalar *s = &r->sc[j];

            for (i = triple_hash(s->metric, s->kind, s->entity) & (ncap - 1);
                 r->sc_index[i]; i = (i + 1) & (ncap - 1))
                ;
            r->sc_index[i] = j + 1;
        }
    }
    mask = r->sc_index_cap - 1;
    for (i = triple_hash(m, k, e) & mask; r->sc_index[i]; i = (i + 1) & mask) {
        struct scalar *s = &r->sc[r->sc_index[i] - 1];

        if (s->metric == m && s->kind == k && s->entity == e)
            return s;
    }
    if (!create)
        return NULL;
    if (r->nsc == r->capsc) {
        r->capsc = r->capsc ? 2 * r->capsc : 64;
        r->sc = xrealloc(r->sc, r->capsc * sizeof *r->sc);
    }
    r->sc[r->nsc] = (struct scalar){ m, k, e, "", 0.0 };
    r->sc_index[i] = ++r->nsc;
    return &r->sc[r->nsc - 1];
}

void res_scalar(struct results *r, const char *metric, const char *entity_kind,
                const char *entity, double value, const char *unit)
{
    struct scalar *s = find_scalar(r, metric, entity_kind, entity, true);

    s->value = value;
    s->unit = intern(r, unit);
}

void res_add(struct results *r, const char *metric, const char *entity_kind,
             const char *entity, double delta, const char *unit)
{
    struct scalar *s = find_scalar(r, metric, entity_kind, entity, true);

    s->value += delta;
    s->unit = intern(r, unit);
}

void res_sample(struct results *r, sim_time t, const char *metric,
                const char *entity_kind, const char *entity, double value)
{
    if (r->nsa == r->capsa) {
        r->capsa = r->capsa ? 2 * r->capsa : 1024;
        r->sa = xrealloc(r->sa, r->capsa * sizeof *r->sa);
    }
    r->sa[r->nsa++] = (struct sample){ t, intern(r, metric),
                                       intern(r, entity_kind),
                                       intern(r, entity), value };
}

size_t res_scalar_count(const struct results *r) { return r->nsc; }

double res_get(const struct results *r, const char *metric,
               const char *entity_kind, const char *entity)
{
    /* Lookups are rare (tests, reproduce): a scan avoids interning into a
     * const store. */
    for (size_t i = 0; i < r->nsc; i++) {
        const struct scalar *s = &r->sc[i];

        if (strcmp(s->metric, metric) == 0 && strcmp(s->kind, entity_kind) == 0 &&
            strcmp(s->entity, entity ? entity : "") == 0)
            return s->value;
    }
    return NAN;
}

void res_scalar_at(const struct results *r, size_t i, const char **metric,
                   const char **kind, const char **entity, double *value,
                   const char **unit)
{
    const struct scalar *s = &r->sc[i];

    *metric = s->metric;
    *kind = s->kind;
    *entity = s->entity;
    *value = s->value;
    *unit = s->unit;
}

size_t res_sample_count(const struct results *r) { return r->nsa; }

void res_sample_at(const struct results *r, size_t i, sim_time *t,
                   const char **metric, const char **kind,
                   const char **entity, double *value)
{
    const struct sample *s = &r->sa[i];

    *t = s->t;
    *metric = s->metric;
    *kind = s->kind;
    *entity = s->entity;
    *value = s->value;
}

/* ---- the result directory ---- */

struct res_dir {
    char *dir, *tmp;                        /* owned */
    const struct scn *scn;                  /* borrowed */
    const struct scn_study *st;             /* borrowed */
    char *command;                          /* owned */
    struct tbl_writer *runs, *params, *scalars, *series;
    char *resolved;                         /* owned text of scenario.resolved.ini */
    size_t nruns;
    double wall_total;
    char *failed;                           /* owned: "run_id: why" lines, or NULL */
    size_t nfailed;
    char rng[64];                           /* generators used, comma-separated */
    uint64_t seeds[16];                     /* distinct base seeds, first 16 */
    size_t nseeds;
    bool more_seeds;                        /* a seed past the first 16 */
};

const char *res_version(void)
{
    return GM_VERSION " (" GM_GIT ")";
}

void res_run_id(const struct scn_run *run, const char *config, char *buf,
                size_t len)
{
    snprintf(buf, len, "%s-%zu", config, scn_run_number(run));
}

static char *path_join(const char *a, const char *b)
{
    size_t n = strlen(a) + strlen(b) + 2;
    char *p = malloc(n);

    if (!p)
        SIM_OOM("results: out of memory");
    snprintf(p, n, "%s/%s", a, b);
    return p;
}

static int rm_entry(const char *path, const struct stat *sb, int flag,
                    struct FTW *ftw)
{
    (void)sb; (void)flag; (void)ftw;
    return remove(path);
}

/* Removes a directory tree; a missing one is fine. */
static int remove_tree(const char *dir)
{
    struct stat st;

    if (lstat(dir, &st) != 0)
        return 0;
    return nftw(dir, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
}

static const char *const runs_fixed[] = {
    "run_id", "config", "run_number", "repetition", "seed_set", "base_seed"
};
static const char *const runs_tail[] = {
    "status", "events", "sim_time_h", "scenario_digest"
};
static const char *const params_cols[] = {
    "run_id", "key", "value", "unit", "source"
};
static const char *const scalars_cols[] = {
    "run_id", "metric", "entity_kind", "entity", "value", "unit"
};
static const char *const series_cols[] = {
    "run_id", "t_h", "metric", "entity_kind", "entity", "value"
};

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

bool res_dir_name(const char *dir, char *buf, size_t len)
{
    size_t n = strlen(dir);

    while (n > 0 && dir[n - 1] == '/')
        n--;
    if (n == 0) {
        fprintf(stderr, "error: result directory '%s': needs a name (not empty, not /)\n", dir);
        return false;
    }
    if (n >= len) {
        fprintf(stderr, "error: result directory '%s': name too long\n", dir);
        return false;
    }
    memcpy(buf, dir, n);
    buf[n] = '\0';
    return true;
}

bool res_dir_replaceable(const char *dir)
{
    struct stat st;
    char *manifest;
    DIR *d;
    struct dirent *e;
    bool empty = true;

    if (lstat(dir, &st) != 0)
        return errno == ENOENT || (fprintf(stderr, "error: %s: %s\n", dir, strerror(errno)), false);
    if (S_ISDIR(st.st_mode)) {
        manifest = malloc(strlen(dir) + 16);
        if (!manifest)
            SIM_OOM("results: out of memory");
        sprintf(manifest, "%s/manifest.ini", dir);
        if (access(manifest, F_OK) == 0) {
            free(manifest);
            return true;
        }
        free(manifest);
        if ((d = opendir(dir)) != NULL) {
            while (empty && (e = readdir(d)) != NULL)
                empty = strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0;
            closedir(d);
            if (empty)
                return true;
        }
    }
    fprintf(stderr, "error: %s exists and is not a gpumarket result directory (no manifest.ini): "
            "refusing to replace it; choose another -o, or remove it yourself\n", dir);
    return false;
}

int res_dir_replace(const char *from, const char *to)
{
    /* rename() cannot replace a non-empty directory: move the old result
     * aside first, then drop it once the new one is in place. */
    size_t n = strlen(to) + 32;
    char *old = malloc(n);
    int rc = SIM_OK, err = 0;

    if (!old)
        SIM_OOM("results: out of memory");
    snprintf(old, n, "%s.old-%ld", to, (long)getpid());
    remove_tree(old);
    /* Checked again now, not only at the start: whatever was made at 'to'
     * while the runs ran is the analyst's and is never deleted. */
    if (!res_dir_replaceable(to)) {
        err = EEXIST;
        rc = SIM_EIO;
    } else if (rename(to, old) != 0 && errno != ENOENT) {
        err = errno;
        rc = SIM_EIO;
    } else if (rename(from, to) != 0) {
        err = errno;
        rc = SIM_EIO;
        /* Put the old result back; when that fails too, another writer's
         * result took 'to' meanwhile, and the old one is superseded. */
        if (rename(old, to) != 0)
            remove_tree(old);
    } else {
        remove_tree(old);
    }
    free(old);
    errno = err;
    return rc;
}

struct res_dir *res_dir_begin(const char *dir, const struct scn *s,
                              const struct scn_study *st, int argc,
                              char **argv)
{
    struct res_dir *rd = calloc(1, sizeof *rd);
    size_t nv = scn_study_var_count(st), ncols, n = 0, len = 1;
    const char **cols;
    char *p;

    if (!rd)
        SIM_OOM("results: out of memory");
    len = strlen(dir) + 1;
    rd->dir = malloc(len);
    if (!rd->dir)
        SIM_OOM("results: out of memory");
    if (!res_dir_name(dir, rd->dir, len) || !res_dir_replaceable(rd->dir)) {
        free(rd->dir);
        free(rd);
        return NULL;
    }
    dir = rd->dir;
    len = strlen(dir) + 32;
    rd->tmp = malloc(len);
    if (!rd->tmp)
        SIM_OOM("results: out of memory");
    snprintf(rd->tmp, len, "%s.tmp-%ld", dir, (long)getpid());
    rd->scn = s;
    rd->st = st;
    len = 1;
    for (int i = 0; i < argc; i++)
        len += strlen(argv[i]) + 1;
    rd->command = calloc(1, len);
    if (!rd->command)
        SIM_OOM("results: out of memory");
    for (int i = 0; i < argc; i++) {
        if (i)
            strcat(rd->command, " ");
        strcat(rd->command, argv[i]);
    }
    /* Make the parent, then a fresh temporary directory beside 'dir'. */
    p = strdup(dir);
    for (char *q = p + 1; p && *q; q++) {
        if (*q == '/') {
            *q = '\0';
            mkdir(p, 0777);
            *q = '/';
        }
    }
    free(p);
    remove_tree(rd->tmp);
    if (mkdir(rd->tmp, 0777) != 0) {
        fprintf(stderr, "error: cannot create %s: %s\n", rd->tmp, strerror(errno));
        res_dir_abort(rd);
        return NULL;
    }

    ncols = NELEM(runs_fixed) + nv + NELEM(runs_tail);
    cols = malloc(ncols * sizeof *cols);
    if (!cols)
        SIM_OOM("results: out of memory");
    for (size_t i = 0; i < NELEM(runs_fixed); i++)
        cols[n++] = runs_fixed[i];
    /* 'repetition' already has its own column */
    for (size_t i = 0; i < nv; i++)
        if (strcmp(scn_study_var_name(st, i), "repetition") != 0)
            cols[n++] = scn_study_var_name(st, i);
    for (size_t i = 0; i < NELEM(runs_tail); i++)
        cols[n++] = runs_tail[i];

    {
        char *f1 = path_join(rd->tmp, "runs.csv"), *f2 = path_join(rd->tmp, "params.csv");
        char *f3 = path_join(rd->tmp, "scalars.csv"), *f4 = path_join(rd->tmp, "timeseries.csv");

        rd->runs = tbl_create(f1, cols, n);
        rd->params = tbl_create(f2, params_cols, NELEM(params_cols));
        rd->scalars = tbl_create(f3, scalars_cols, NELEM(scalars_cols));
        rd->series = tbl_create(f4, series_cols, NELEM(series_cols));
        free(f1); free(f2); free(f3); free(f4);
    }
    free(cols);
    if (!rd->runs || !rd->params || !rd->scalars || !rd->series) {
        fprintf(stderr, "error: cannot write in %s: %s\n", rd->tmp, strerror(errno));
        res_dir_abort(rd);
        return NULL;
    }
    return rd;
}

const char *res_dir_tmp_path(const struct res_dir *rd)
{
    return rd->tmp;
}

static char *resolved_text(const struct res_dir *rd, const struct scn_run *run)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    size_t n = scn_run_key_count(run);

    if (!f)
        SIM_OOM("results: out of memory");
    fprintf(f, "; every parameter of config '%s' after inheritance and "
               "overrides, as run %zu saw it\n",
            scn_study_config(rd->st), scn_run_number(run));
    fprintf(f, "; sweep axes:");
    for (size_t i = 0; i < scn_study_var_count(rd->st); i++)
        fprintf(f, " %s", scn_study_var_name(rd->st, i));
    fprintf(f, "%s\n[General]\n", scn_study_var_count(rd->st) ? "" : " none");
    for (size_t i = 0; i < n; i++) {
        const char *key, *value, *unit, *source;
        char *text;

        scn_run_key_at(run, i, &key, &value, &unit, &source);
        /* quoted where a comment character or a blank would cut it */
        if (!(text = scn_value_for_file(value)))
            SIM_OOM("results: out of memory");
        fprintf(f, "%s = %s", key, text);
        free(text);
        if ((unit && *unit) || (source && *source))
            fprintf(f, "    ; %s%s%s", unit && *unit ? unit : "",
                    unit && *unit ? ", " : "", source);
        fputc('\n', f);
    }
    fclose(f);
    return buf;
}

/* What the manifest and FAILED say about the runs: the generators and
 * base seeds used, and which runs failed their checks and why. */
static void note_run(struct res_dir *rd, const char *id, const struct res_run_info *info)
{
    uint64_t seed = scn_run_seed(info->run);
    size_t i;

    if (info->rng && !strstr(rd->rng, info->rng)) {
        size_t n = strlen(rd->rng);

        snprintf(rd->rng + n, sizeof rd->rng - n, "%s%s", n ? ", " : "", info->rng);
    }
    for (i = 0; i < rd->nseeds && rd->seeds[i] != seed; i++)
        ;
    if (i == rd->nseeds) {
        if (rd->nseeds < NELEM(rd->seeds))
            rd->seeds[rd->nseeds++] = seed;
        else
            rd->more_seeds = true;
    }
    if (info->why) {
        size_t n = rd->failed ? strlen(rd->failed) : 0, add = strlen(id) + strlen(info->why) + 4;

        rd->failed = realloc(rd->failed, n + add);
        if (!rd->failed)
            SIM_OOM("results: out of memory");
        snprintf(rd->failed + n, add, "%s: %s\n", id, info->why);
        rd->nfailed++;
    }
}

int res_dir_add_run(struct res_dir *rd, const struct res_run_info *info,
                    const struct results *r)
{
    const struct scn_run *run = info->run;
    const char *config = scn_study_config(rd->st);
    char id[256];
    size_t nv = scn_study_var_count(rd->st);

    SIM_ASSERT(rd->runs != NULL);   /* not after res_dir_close() */
    res_run_id(run, config, id, sizeof id);
    tbl_str(rd->runs, id);
    tbl_str(rd->runs, config);
    tbl_int(rd->runs, (int64_t)scn_run_number(run));
    tbl_int(rd->runs, (int64_t)scn_run_repetition(run));
    /* seeds are 64-bit unsigned: as int64 one past 2^63 read negative */
    tbl_uint(rd->runs, scn_run_seed_set(run));
    tbl_uint(rd->runs, scn_run_seed(run));
    for (size_t i = 0; i < nv; i++)
        if (strcmp(scn_study_var_name(rd->st, i), "repetition") != 0)
            tbl_str(rd->runs, scn_run_var_value(run, i));
    tbl_str(rd->runs, info->status);
    tbl_int(rd->runs, (int64_t)info->events);
    tbl_num(rd->runs, info->sim_time_h);
    {
        char dg[32];

        /* the study's, not the file's alone: merge must not mix parts run
         * with another config or other --set overrides */
        snprintf(dg, sizeof dg, "%016llx", (unsigned long long)scn_study_digest(rd->st));
        tbl_str(rd->runs, dg);
    }
    tbl_end_row(rd->runs);

    for (size_t i = 0, n = scn_run_key_count(run); i < n; i++) {
        const char *key, *value, *unit, *source;

        scn_run_key_at(run, i, &key, &value, &unit, &source);
        tbl_str(rd->params, id);
        tbl_str(rd->params, key);
        tbl_str(rd->params, value);
        tbl_str(rd->params, unit);
        tbl_str(rd->params, source);
        tbl_end_row(rd->params);
    }
    if (r) {
        for (size_t i = 0; i < r->nsc; i++) {
            const struct scalar *s = &r->sc[i];

            tbl_str(rd->scalars, id);
            tbl_str(rd->scalars, s->metric);
            tbl_str(rd->scalars, s->kind);
            tbl_str(rd->scalars, s->entity);
            tbl_num(rd->scalars, s->value);
            tbl_str(rd->scalars, s->unit);
            tbl_end_row(rd->scalars);
        }
        for (size_t i = 0; i < r->nsa; i++) {
            const struct sample *s = &r->sa[i];

            tbl_str(rd->series, id);
            tbl_num(rd->series, sim_time_to_hours(s->t));
            tbl_str(rd->series, s->metric);
            tbl_str(rd->series, s->kind);
            tbl_str(rd->series, s->entity);
            tbl_num(rd->series, s->value);
            tbl_end_row(rd->series);
        }
    }
    if (!rd->resolved)
        rd->resolved = resolved_text(rd, run);
    note_run(rd, id, info);
    rd->nruns++;
    rd->wall_total += info->wall_s;
    return SIM_OK;
}

static int write_text(const char *dir, const char *name, const char *text)
{
    char *path = path_join(dir, name);
    FILE *f = fopen(path, "wb");
    int rc = SIM_OK;

    free(path);
    if (!f)
        return SIM_EIO;
    fputs(text, f);
    if (ferror(f) | fclose(f))
        rc = SIM_EIO;
    return rc;
}

static char *manifest_text(const struct res_dir *rd)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);

    if (!f)
        SIM_OOM("results: out of memory");
    fprintf(f, "; gpumarket result directory: how these files were made\n");
    fprintf(f, "[gpumarket]\nversion = %s\ngit_describe = %s\n", GM_VERSION, GM_GIT);
    fprintf(f, "command = %s\n", rd->command);
    fprintf(f, "\n[scenario]\npath = %s\ndigest = %016llx\nconfig = %s\nruns = %zu\n"
               "study_runs = %zu\n", scn_path(rd->scn), (unsigned long long)scn_digest(rd->scn),
            scn_study_config(rd->st), rd->nruns, scn_study_run_count(rd->st));
    fprintf(f, "seed_policy = seed-set (default ${repetition}: common random "
               "numbers across sweep points)\n");
    /* The formula of rng_seed_for(), constants and all: enough to derive
     * any stream's seed from the seeds below without the source. */
    fprintf(f, "\n[rng]\ngenerator = gsl %s\nstream_seed = "
               "fold32(mix(mix(fnv1a64(name) ^ mix(seed + 0x9e3779b97f4a7c15)) "
               "^ mix(seed_set + 0x632be59bd9b4e019))), 0 -> 1\n"
               "fold32 = (uint32)(h ^ h >> 32)\n"
               "mix = splitmix64 finalizer: z ^= z >> 30, z *= 0xbf58476d1ce4e5b9, "
               "z ^= z >> 27, z *= 0x94d049bb133111eb, z ^= z >> 31\n"
               "fnv1a64 = over the name's bytes, offset 0xcbf29ce484222325, prime 0x100000001b3\n",
            rd->rng[0] ? rd->rng : "none (no runs)");
    fprintf(f, "seeds =");
    for (size_t i = 0; i < rd->nseeds; i++)
        fprintf(f, " %llu", (unsigned long long)rd->seeds[i]);
    if (rd->more_seeds)
        fprintf(f, " and more");
    fprintf(f, "\nper_run = runs.csv (base_seed, seed_set)\n");
    fprintf(f, "\n[libraries]\ngsl = %s\ncairo = %s\nlibcsv = %d.%d.%d\n", GSL_VERSION,
            cairo_version_string(), CSV_MAJOR, CSV_MINOR, CSV_RELEASE);
    fprintf(f, "\n[checks]\nfailed_runs = %zu%s\n", rd->nfailed,
            rd->nfailed ? " ; FAILED lists them: their numbers are not results" : "");
    fprintf(f, "\n[units]\ntime = microseconds (int64) internally; hours in CSVs\n"
               "money = micro-dollars (int64) internally; USD in CSVs\n");
    fprintf(f, "\n; wall-clock facts: the only non-reproducible lines here\n"
               "[timing]\nwall_s = %.3f\n", rd->wall_total);
    fclose(f);
    return buf;
}

int res_dir_close(struct res_dir *rd)
{
    struct tbl_writer **w[] = { &rd->runs, &rd->params, &rd->scalars, &rd->series };
    static const char *const file[] = { "runs.csv", "params.csv", "scalars.csv",
                                        "timeseries.csv" };
    int rc = SIM_OK;

    /* Written as the runs go, a file that could not be (disk full, a
     * file size limit) shows at its close: say which, or the user read
     * "cannot write DIR.tmp-PID" about a directory that is gone. */
    for (size_t i = 0; i < NELEM(file); i++) {
        if (tbl_close(*w[i]) != SIM_OK && rc == SIM_OK) {
            fprintf(stderr, "error: cannot write %s/%s: %s\n", rd->dir, file[i],
                    strerror(errno));
            rc = SIM_EIO;
        }
        *w[i] = NULL;
    }
    return rc;
}

int res_dir_commit(struct res_dir *rd)
{
    int rc = res_dir_close(rd);     /* a no-op when already closed */
    char *manifest;

    manifest = manifest_text(rd);
    if (rc == SIM_OK)
        rc = write_text(rd->tmp, "manifest.ini", manifest);
    if (rc == SIM_OK && rd->resolved)
        rc = write_text(rd->tmp, "scenario.resolved.ini", rd->resolved);
    /* A run that failed an invariant keeps its numbers for whoever debugs
     * it, under a name no one can miss (DESIGN.md 9: wrong numbers must
     * never look like results; charts refuse such a directory). */
    if (rc == SIM_OK && rd->failed)
        rc = write_text(rd->tmp, "FAILED", rd->failed);
    free(manifest);
    if (rc == SIM_OK)
        rc = res_dir_replace(rd->tmp, rd->dir);
    if (rc != SIM_OK) {
        fprintf(stderr, "error: cannot complete %s: %s\n", rd->dir, strerror(errno));
        res_dir_abort(rd);
        return rc;
    }
    free(rd->dir);
    free(rd->tmp);
    free(rd->command);
    free(rd->resolved);
    free(rd->failed);
    free(rd);
    return SIM_OK;
}

void res_dir_abort(struct res_dir *rd)
{
    if (!rd)
        return;
    if (rd->runs || rd->params || rd->scalars || rd->series) {
        tbl_close(rd->runs);
        tbl_close(rd->params);
        tbl_close(rd->scalars);
        tbl_close(rd->series);
    }
    if (rd->tmp)
        remove_tree(rd->tmp);
    free(rd->dir);
    free(rd->tmp);
    free(rd->command);
    free(rd->resolved);
    free(rd->failed);
    free(rd);
}
