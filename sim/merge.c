/* sim/merge.c -- merge per-run result directories, byte for byte. */
#define _DEFAULT_SOURCE             /* strdup, getopt_long */
#include "sim/merge.h"

#include <dirent.h>
#include <errno.h>
#include <getopt.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "sim/param.h"
#include "sim/runner.h"
#include "sim/scenario.h"
#include "sim/stats.h"

/* A file read whole. */
struct blob {
    char *p;
    size_t len;
};

/* A run's rows in one file of one part: [off, off+len). */
struct seg {
    size_t part, off, len;
};

struct mrun {
    size_t number;
    char *id;                   /* owned */
    char *status;               /* owned */
    size_t part;                /* where its runs.csv row is */
    size_t row_off, row_len;
    struct seg *segs[3];        /* params, scalars, timeseries; owned */
    size_t nsegs[3];
};

static const char *const data_files[3] = { "params.csv", "scalars.csv", "timeseries.csv" };

static char *join(const char *a, const char *b)
{
    size_t n = strlen(a) + strlen(b) + 2;
    char *p = malloc(n);

    if (!p)
        SIM_OOM("merge: out of memory");
    snprintf(p, n, "%s/%s", a, b);
    return p;
}

static int read_blob(const char *path, struct blob *b)
{
    FILE *f = fopen(path, "rb");
    size_t cap = 1 << 16;

    b->p = NULL;
    b->len = 0;
    if (!f)
        return SIM_EIO;
    b->p = malloc(cap);
    if (!b->p)
        SIM_OOM("merge: out of memory");
    for (;;) {
        size_t got = fread(b->p + b->len, 1, cap - b->len, f);

        b->len += got;
        if (b->len < cap)
            break;
        cap *= 2;
        b->p = realloc(b->p, cap);
        if (!b->p)
            SIM_OOM("merge: out of memory");
    }
    if (ferror(f)) {
        fclose(f);
        free(b->p);
        b->p = NULL;
        return SIM_EIO;
    }
    fclose(f);
    return SIM_OK;
}

/* End of the CSV record starting at 'pos' (after its newline). */
static size_t record_end(const struct blob *b, size_t pos)
{
    bool q = false;

    for (; pos < b->len; pos++) {
        if (b->p[pos] == '"')
            q = !q;
        else if (b->p[pos] == '\n' && !q)
            return pos + 1;
    }
    return pos;
}

/* Field k of the record [pos, end), unquoted, into a new string. */
static char *field(const struct blob *b, size_t pos, size_t end, size_t k)
{
    size_t i = pos, f = 0;
    char *out = malloc(end - pos + 1);
    size_t n = 0;

    if (!out)
        SIM_OOM("merge: out of memory");
    while (i < end && f < k) {      /* skip k fields */
        bool q = false;

        for (; i < end; i++) {
            if (b->p[i] == '"')
                q = !q;
            else if (b->p[i] == ',' && !q)
                break;
        }
        i++;
        f++;
    }
    if (i < end && b->p[i] == '"') {
        for (i++; i < end; i++) {
            if (b->p[i] == '"') {
                if (i + 1 < end && b->p[i + 1] == '"')
                    out[n++] = b->p[i++];
                else
                    break;
            } else {
                out[n++] = b->p[i];
            }
        }
    } else {
        for (; i < end && b->p[i] != ',' && b->p[i] != '\n' && b->p[i] != '\r'; i++)
            out[n++] = b->p[i];
    }
    out[n] = '\0';
    return out;
}

/* Index of column 'name' in the header [0, hend), or -1. */
static long header_col(const struct blob *b, size_t hend, const char *name)
{
    for (size_t k = 0;; k++) {
        char *f = field(b, 0, hend, k);
        bool empty = *f == '\0', hit = strcmp(f, name) == 0;

        free(f);
        if (hit)
            return (long)k;
        if (empty)
            return -1;
    }
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static int cmp_mrun(const void *a, const void *b)
{
    const struct mrun *x = a, *y = b;

    return (x->number > y->number) - (x->number < y->number);
}

/* Sorted names of the part directories under DIR/runs. */
static char **list_parts(const char *runs_dir, size_t *n, struct diag *d)
{
    DIR *dp = opendir(runs_dir);
    struct dirent *de;
    char **names = NULL;
    size_t cap = 0;

    *n = 0;
    if (!dp) {
        diag_error(d, NULL, "%s: cannot read directory: %s", runs_dir, strerror(errno));
        return NULL;
    }
    while ((de = readdir(dp))) {
        char *rc;
        struct stat st;

        if (de->d_name[0] == '.' || strstr(de->d_name, ".tmp-") || strstr(de->d_name, ".old-"))
            continue;
        {
            char *sub = join(runs_dir, de->d_name);

            rc = join(sub, "runs.csv");
            free(sub);
        }
        if (stat(rc, &st) != 0) {
            free(rc);
            continue;
        }
        free(rc);
        if (*n == cap) {
            cap = cap ? cap * 2 : 64;
            names = realloc(names, cap * sizeof *names);
            if (!names)
                SIM_OOM("merge: out of memory");
        }
        names[(*n)++] = strdup(de->d_name);
    }
    closedir(dp);
    if (*n)
        qsort(names, *n, sizeof *names, cmp_str);
    return names ? names : calloc(1, sizeof *names);
}

/* One merged file, written in the scratch directory under a temporary
 * name and renamed when complete. Errors name it in the merged directory,
 * where the user will look (the scratch one is gone by then), with the
 * errno of the first write that failed, read right after the call: by the
 * close the stream only knows that one did (a file size limit read
 * "Input/output error", not "File too large"). */
struct mfile {
    FILE *f;
    char *path, *tmp, *shown;
    int werr;
};

/* Opens 'name' in the scratch directory 'dir', shown as in 'shown'. */
static int mf_open(struct mfile *m, const char *dir, const char *shown, const char *name,
                   struct diag *d)
{
    size_t n;
    int rc;

    m->path = join(dir, name);
    m->shown = join(shown, name);
    m->werr = 0;
    n = strlen(m->path) + 8;
    if (!(m->tmp = malloc(n)))
        SIM_OOM("merge: out of memory");
    snprintf(m->tmp, n, "%s.part", m->path);
    if ((m->f = fopen(m->tmp, "wb")))
        return SIM_OK;
    rc = diag_error(d, NULL, "%s: cannot write: %s", m->shown, strerror(errno));
    free(m->path);
    free(m->shown);
    free(m->tmp);
    return rc;
}

/* After each write to m->f (fwrite, fprintf, ...). */
static void mf_check(struct mfile *m)
{
    if (!m->werr && ferror(m->f))
        m->werr = errno ? errno : EIO;
}

static void mf_write(struct mfile *m, const void *p, size_t n)
{
    fwrite(p, 1, n, m->f);
    mf_check(m);
}

/* Closes and moves it in; an error (the first failed write's, else the
 * close's or the rename's, not the clean-up's) is reported. */
static int mf_close(struct mfile *m, struct diag *d)
{
    int err = m->werr, bad, rc = SIM_OK;

    errno = 0;
    bad = ferror(m->f) | fclose(m->f);
    if (!err && bad)
        err = errno ? errno : EIO;
    if (!err && rename(m->tmp, m->path) != 0)
        err = errno;
    if (err) {
        remove(m->tmp);
        rc = diag_error(d, NULL, "%s: cannot write: %s", m->shown, strerror(err));
    }
    free(m->path);
    free(m->shown);
    free(m->tmp);
    return rc;
}

/* FAILED of the merged directory: each run that did not end ok, with the
 * line its part's FAILED gives (a part without one: its status). Written
 * in the scratch directory 'dir', named in errors as in 'shown' (mf_open). */
static int write_failed(const char *dir, const char *shown, const char *runs_dir,
                        char *const *parts, const struct mrun *runs, size_t nruns,
                        struct diag *d)
{
    char *path = join(dir, "FAILED");
    struct mfile m;
    bool open = false;
    int rc = SIM_OK;

    remove(path);
    free(path);
    for (size_t i = 0; i < nruns; i++) {
        char *pd, *src;
        struct blob b;
        const char *line = NULL;
        size_t n = strlen(runs[i].id);

        if (strcmp(runs[i].status, "ok") == 0)
            continue;
        if (!open && (rc = mf_open(&m, dir, shown, "FAILED", d)) != SIM_OK)
            break;
        open = true;
        pd = join(runs_dir, parts[runs[i].part]);
        src = join(pd, "FAILED");
        if (read_blob(src, &b) == SIM_OK) {
            const char *q = b.p, *end = b.p + b.len;

            while (q < end && !line) {
                const char *nl = memchr(q, '\n', (size_t)(end - q));
                size_t len = nl ? (size_t)(nl - q) : (size_t)(end - q);

                if (len > n && memcmp(q, runs[i].id, n) == 0 && q[n] == ':') {
                    fprintf(m.f, "%.*s\n", (int)len, q);
                    line = q;
                }
                q += len + 1;
            }
        }
        if (!line)
            fprintf(m.f, "%s: status %s\n", runs[i].id, runs[i].status);
        mf_check(&m);
        free(b.p);
        free(src);
        free(pd);
    }
    if (open)
        rc = mf_close(&m, d);
    return rc;
}

static struct mrun *find_run(struct mrun *runs, size_t n, const char *id)
{
    /* Ids are unique; runs are sorted by number, not id: a linear scan
     * from a remembered position would do, but parts are usually one run
     * each, so a binary search over an id index is not worth it. */
    for (size_t i = 0; i < n; i++)
        if (strcmp(runs[i].id, id) == 0)
            return &runs[i];
    return NULL;
}

/* The value of "key = value" in [section] of a manifest, into 'out'
 * (cut to 'len'); false when that section has no such line. */
static bool manifest_value(const struct blob *b, const char *section, const char *key,
                           char *out, size_t len)
{
    size_t sl = strlen(section), kl = strlen(key);
    bool in_section = false;

    for (size_t pos = 0; pos < b->len;) {
        size_t end = pos;

        while (end < b->len && b->p[end] != '\n')
            end++;
        if (b->p[pos] == '[')
            in_section = end - pos == sl + 2 && !memcmp(b->p + pos + 1, section, sl) &&
                         b->p[pos + sl + 1] == ']';
        else if (in_section && end - pos > kl + 3 && !memcmp(b->p + pos, key, kl) &&
                 !memcmp(b->p + pos + kl, " = ", 3)) {
            snprintf(out, len, "%.*s", (int)(end - pos - kl - 3), b->p + pos + kl + 3);
            return true;
        }
        pos = end + 1;
    }
    return false;
}

/* The study's run count from a part's manifest ("study_runs = N" in
 * [scenario]); 0 when the part does not say. */
static size_t study_runs(const struct blob *b)
{
    char num[24];

    return manifest_value(b, "scenario", "study_runs", num, sizeof num)
           ? (size_t)strtoull(num, NULL, 10) : 0;
}

/* Adds a part's manifest's generators ("generator = gsl a, b") to the
 * comma-separated list 'gens' (each once) and its [timing] wall_s to *wall. */
static void manifest_facts(const struct blob *b, char *gens, size_t len, double *wall)
{
    static const char gkey[] = "generator = gsl ", wkey[] = "wall_s = ";

    for (size_t pos = 0; pos < b->len;) {
        size_t end = pos;
        char line[256];

        while (end < b->len && b->p[end] != '\n')
            end++;
        snprintf(line, sizeof line, "%.*s", (int)(end - pos), b->p + pos);
        if (strncmp(line, gkey, sizeof gkey - 1) == 0 && strncmp(line + sizeof gkey - 1,
                                                                  "none", 4) != 0) {
            char *save = NULL;

            for (char *g = strtok_r(line + sizeof gkey - 1, ", ", &save); g;
                 g = strtok_r(NULL, ", ", &save)) {
                size_t n = strlen(gens), gl = strlen(g);
                bool have = false;

                /* whole names only: "mt19937" is not in "mt19937_1999" */
                for (const char *q = gens; (q = strstr(q, g)) != NULL; q += gl)
                    if ((q == gens || q[-1] == ' ') && (q[gl] == ',' || q[gl] == '\0'))
                        have = true;
                if (!have)
                    snprintf(gens + n, len - n, "%s%s", n ? ", " : "", g);
            }
        } else if (strncmp(line, wkey, sizeof wkey - 1) == 0) {
            *wall += strtod(line + sizeof wkey - 1, NULL);
        }
        pos = end + 1;
    }
}

/* The build that made a part: its manifest's version and git_describe
 * (in [gpumarket]) as "version V, git G"; "" when the part has no
 * manifest or the manifest does not say. */
static void part_build(const char *pd, char *out, size_t len)
{
    char *path = join(pd, "manifest.ini");
    char ver[64] = "", git[64] = "";
    struct blob b;

    out[0] = '\0';
    if (read_blob(path, &b) == SIM_OK) {
        bool has_ver = manifest_value(&b, "gpumarket", "version", ver, sizeof ver);
        bool has_git = manifest_value(&b, "gpumarket", "git_describe", git, sizeof git);

        if (has_ver || has_git)
            snprintf(out, len, "version %s, git %s", ver, git);
        free(b.p);
    }
    free(path);
}

/* Removes the flat scratch directory 'tmp' and what is in it. */
static void remove_scratch(const char *tmp)
{
    DIR *dp = opendir(tmp);
    struct dirent *de;

    if (!dp)
        return;
    while ((de = readdir(dp))) {
        char *f;

        if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
            continue;
        f = join(tmp, de->d_name);
        remove(f);
        free(f);
    }
    closedir(dp);
    rmdir(tmp);
}

/* Moves the merged files from 'tmp' into 'dir'. Files cannot all be
 * replaced at once, so the two that make a directory look like a result
 * (runs.csv, which plot and diff read first, and manifest.ini) go first
 * and come back last: a merge stopped in between leaves a directory that
 * is plainly not whole, not new runs.csv beside the last merge's scalars
 * and summary (a SIGTERM between two files left exactly that). */
static int publish(const char *tmp, const char *dir, struct diag *d)
{
    static const char *const names[] = {
        "params.csv", "scalars.csv", "timeseries.csv", "scenario.resolved.ini",
        "summary.csv", "contrasts.csv", "FAILED", "runs.csv", "manifest.ini",
    };
    size_t n = sizeof names / sizeof *names;
    int rc = SIM_OK;

    for (size_t i = n - 2; i < n; i++) {
        char *to = join(dir, names[i]);

        remove(to);
        free(to);
    }
    for (size_t i = 0; i < n && rc == SIM_OK; i++) {
        char *from = join(tmp, names[i]), *to = join(dir, names[i]);
        struct stat st;

        if (stat(from, &st) != 0) {
            /* FAILED of the last merge, none now: one that stays would
             * be the last merge's beside this one's runs */
            if (remove(to) != 0 && errno != ENOENT)
                rc = diag_error(d, NULL, "cannot remove %s: %s", to, strerror(errno));
        } else if (rename(from, to) != 0) {
            rc = diag_error(d, NULL, "cannot rename %s to %s: %s", from, to, strerror(errno));
        }
        free(from);
        free(to);
    }
    /* runs.csv is in but manifest.ini is not: take runs.csv out again,
     * for a directory without the two, as README promises */
    if (rc != SIM_OK) {
        char *to = join(dir, names[n - 2]);

        remove(to);
        free(to);
    }
    return rc;
}

int merge_dir(const char *dir, const struct stats_opts *so,
              struct merge_report *rep, struct diag *d)
{
    char *runs_dir = join(dir, "runs");
    size_t nparts = 0, nruns = 0, caprun = 0;
    char **parts = list_parts(runs_dir, &nparts, d);
    struct blob *rb, (*fb)[3];
    struct mrun *runs = NULL;
    char *header = NULL, *fheader[3] = { NULL, NULL, NULL };
    char *digest = NULL;                /* scenario_digest of the first part's runs */
    char *out = NULL;                   /* DIR/.merge.tmp-PID: written, then moved in */
    size_t digest_part = 0;
    size_t header_len = 0, fheader_len[3] = { 0, 0, 0 };
    char gens[256] = "";                /* generators of every part */
    double wall = 0.0;                  /* their wall times, summed */
    int rc = SIM_OK;

    memset(rep, 0, sizeof *rep);
    if (!parts) {
        free(runs_dir);
        return SIM_EIO;
    }
    if (nparts == 0) {
        diag_error(d, NULL, "%s: no run directories to merge", runs_dir);
        free(parts);
        free(runs_dir);
        return SIM_EINVAL;
    }
    rb = calloc(nparts, sizeof *rb);
    fb = calloc(nparts, sizeof *fb);
    if (!rb || !fb)
        SIM_OOM("merge: out of memory");
    for (size_t p = 0; p < nparts && rc == SIM_OK; p++) {
        char *pd = join(runs_dir, parts[p]), *path = join(pd, "runs.csv");
        size_t hend, pos;
        long c_id, c_num, c_status, c_dig;

        if (read_blob(path, &rb[p]) != SIM_OK) {
            rc = diag_error(d, NULL, "%s: cannot read: %s", path, strerror(errno));
        } else {
            hend = record_end(&rb[p], 0);
            if (!header) {
                header = rb[p].p;
                header_len = hend;
            } else if (hend != header_len || memcmp(header, rb[p].p, hend) != 0) {
                rc = diag_error(d, NULL, "%s:1: error: header differs from the other parts'", path);
            }
            c_id = header_col(&rb[p], hend, "run_id");
            c_num = header_col(&rb[p], hend, "run_number");
            c_status = header_col(&rb[p], hend, "status");
            c_dig = header_col(&rb[p], hend, "scenario_digest");
            if (rc == SIM_OK && (c_id < 0 || c_num < 0 || c_status < 0))
                rc = diag_error(d, NULL, "%s:1: error: not a runs.csv (needs run_id, run_number, status)", path);
            for (pos = hend; rc == SIM_OK && pos < rb[p].len;) {
                size_t end = record_end(&rb[p], pos);
                char *num = field(&rb[p], pos, end, (size_t)c_num), *e;
                unsigned long long v = strtoull(num, &e, 10);

                if (*num == '\0' || *e != '\0') {
                    rc = diag_error(d, NULL, "%s: bad run_number '%s'", path, num);
                    free(num);
                    break;
                }
                free(num);
                if (nruns == caprun) {
                    caprun = caprun ? caprun * 2 : 64;
                    runs = realloc(runs, caprun * sizeof *runs);
                    if (!runs)
                        SIM_OOM("merge: out of memory");
                }
                runs[nruns] = (struct mrun){ .number = (size_t)v, .part = p,
                                             .row_off = pos, .row_len = end - pos };
                runs[nruns].id = field(&rb[p], pos, end, (size_t)c_id);
                runs[nruns].status = field(&rb[p], pos, end, (size_t)c_status);
                /* Parts of one study come from one scenario, config and set
                 * of overrides: a stale part from an edited file, or one run
                 * with another --set, would be averaged in unseen. */
                if (c_dig >= 0) {
                    char *dig = field(&rb[p], pos, end, (size_t)c_dig);

                    if (!digest)
                        digest = dig, digest_part = p;
                    else {
                        if (strcmp(dig, digest) != 0)
                            rc = diag_error(d, NULL, "%s: run %zu was made from a different "
                                            "scenario, config or --set overrides (digest %s) "
                                            "than %s/%s (digest %s)",
                                            path, (size_t)v, dig, runs_dir, parts[digest_part],
                                            digest);
                        free(dig);
                    }
                }
                nruns++;
                pos = end;
            }
        }
        free(path);
        free(pd);
    }
    /* ... and from one build: the digest covers what the study says, not
     * the code that ran it (a part from before a change to the model, or
     * to how a '*' key resolves, would be averaged in unseen). */
    {
        char first[160] = "";
        size_t first_part = 0;

        for (size_t p = 0; p < nparts && rc == SIM_OK; p++) {
            char *pd = join(runs_dir, parts[p]), build[160];

            part_build(pd, build, sizeof build);
            free(pd);
            if (!build[0])
                continue;
            if (!first[0]) {
                snprintf(first, sizeof first, "%s", build);
                first_part = p;
            } else if (strcmp(build, first) != 0) {
                rc = diag_error(d, NULL, "%s/%s was made by another build (%s) than %s/%s "
                                "(%s): parts of one study must come from one build",
                                runs_dir, parts[p], build, runs_dir, parts[first_part], first);
            }
        }
    }
    if (rc == SIM_OK) {
        qsort(runs, nruns, sizeof *runs, cmp_mrun);
        for (size_t i = 1; i < nruns && rc == SIM_OK; i++)
            if (runs[i].number == runs[i - 1].number)
                rc = diag_error(d, NULL, "run %zu is in both %s/%s and %s/%s",
                                runs[i].number, runs_dir, parts[runs[i - 1].part],
                                runs_dir, parts[runs[i].part]);
    }
    /* The data files: attach each run's contiguous rows to the run. */
    for (size_t p = 0; p < nparts && rc == SIM_OK; p++) {
        char *pd = join(runs_dir, parts[p]);

        for (int k = 0; k < 3 && rc == SIM_OK; k++) {
            char *path = join(pd, data_files[k]);
            struct blob *b = &fb[p][k];
            size_t hend, pos;

            if (read_blob(path, b) != SIM_OK) {
                rc = diag_error(d, NULL, "%s: cannot read: %s", path, strerror(errno));
                free(path);
                break;
            }
            hend = record_end(b, 0);
            if (!fheader[k]) {
                fheader[k] = b->p;
                fheader_len[k] = hend;
            } else if (hend != fheader_len[k] || memcmp(fheader[k], b->p, hend) != 0) {
                rc = diag_error(d, NULL, "%s:1: error: header differs from the other parts'", path);
            }
            for (pos = hend; rc == SIM_OK && pos < b->len;) {
                size_t end = record_end(b, pos);
                char *id = field(b, pos, end, 0);
                struct mrun *r = find_run(runs, nruns, id);
                size_t start = pos;

                /* Extend over the following rows of the same run. */
                pos = end;
                while (pos < b->len) {
                    size_t e2 = record_end(b, pos);
                    char *id2 = field(b, pos, e2, 0);
                    bool same = strcmp(id, id2) == 0;

                    free(id2);
                    if (!same)
                        break;
                    pos = e2;
                }
                if (!r || r->part != p) {
                    rc = diag_error(d, NULL, "%s: rows of run '%s', which this part's runs.csv does not list",
                                    path, id);
                } else {
                    struct seg **sg = &r->segs[k];

                    *sg = realloc(*sg, (r->nsegs[k] + 1) * sizeof **sg);
                    if (!*sg)
                        SIM_OOM("merge: out of memory");
                    (*sg)[r->nsegs[k]++] = (struct seg){ p, start, pos - start };
                }
                free(id);
            }
            free(path);
        }
        free(pd);
    }
    /* Write the merged files, with their statistics, into a scratch
     * directory in DIR, and move them in when all are written: a merge
     * that fails (a --contrast that does not fit) or is killed midway
     * leaves the last merge's files as they were, not some of them
     * rewritten. */
    if (rc == SIM_OK) {
        char name[48];

        snprintf(name, sizeof name, ".merge.tmp-%ld", (long)getpid());
        out = join(dir, name);
        if (mkdir(out, 0777) != 0)
            rc = diag_error(d, NULL, "%s: cannot create: %s", out, strerror(errno));
    }
    /* Each file is written in the scratch directory; an error names it
     * where the user will look for it, in DIR (mf_open). */
    if (rc == SIM_OK) {
        struct mfile m;

        if ((rc = mf_open(&m, out, dir, "runs.csv", d)) == SIM_OK) {
            mf_write(&m, header, header_len);
            for (size_t i = 0; i < nruns; i++)
                mf_write(&m, rb[runs[i].part].p + runs[i].row_off, runs[i].row_len);
            rc = mf_close(&m, d);
        }
    }
    for (int k = 0; k < 3 && rc == SIM_OK; k++) {
        struct mfile m;

        if ((rc = mf_open(&m, out, dir, data_files[k], d)) != SIM_OK)
            break;
        mf_write(&m, fheader[k], fheader_len[k]);
        for (size_t i = 0; i < nruns; i++)
            for (size_t s = 0; s < runs[i].nsegs[k]; s++) {
                const struct seg *sg = &runs[i].segs[k][s];

                mf_write(&m, fb[sg->part][k].p + sg->off, sg->len);
            }
        rc = mf_close(&m, d);
    }
    /* scenario.resolved.ini and the manifest come from the first run, but
     * for what is the study's: the generators of every part (in run
     * order, as `run` lists them) and the sum of their wall times. A flag
     * per part, not a look back over earlier runs: one run per part is
     * a common layout and that look back was quadratic in runs. */
    bool *part_seen = calloc(nparts, sizeof *part_seen);

    if (!part_seen)
        SIM_OOM("merge: out of memory");
    for (size_t i = 0; rc == SIM_OK && i < nruns; i++) {
        char *pd, *path;
        struct blob b;

        if (part_seen[runs[i].part])
            continue;
        part_seen[runs[i].part] = true;
        pd = join(runs_dir, parts[runs[i].part]);
        path = join(pd, "manifest.ini");
        if (read_blob(path, &b) == SIM_OK) {
            manifest_facts(&b, gens, sizeof gens, &wall);
            free(b.p);
        }
        free(path);
        free(pd);
    }
    free(part_seen);
    if (rc == SIM_OK && nruns > 0) {
        char *pd = join(runs_dir, parts[runs[0].part]);
        const char *names[2] = { "scenario.resolved.ini", "manifest.ini" };

        for (int k = 0; k < 2 && rc == SIM_OK; k++) {
            char *src = join(pd, names[k]);
            struct blob b;
            struct mfile m;
            FILE *f;

            /* a part without one gives none; one that cannot be written
             * fails the merge (it published a directory without
             * manifest.ini and exited 0) */
            if (read_blob(src, &b) != SIM_OK) {
                b.p = NULL;
            } else if ((rc = mf_open(&m, out, dir, names[k], d)) == SIM_OK) {
                size_t failed = 0;

                f = m.f;
                for (size_t i = 0; i < nruns; i++)
                    failed += strcmp(runs[i].status, "ok") != 0;
                if (k == 0) {
                    fwrite(b.p, 1, b.len, f);
                } else {
                    /* run 0's manifest, its per-run lines made the study's */
                    for (size_t pos = 0; pos < b.len;) {
                        size_t end = pos;

                        while (end < b.len && b.p[end] != '\n')
                            end++;
                        if (end - pos >= 7 && memcmp(b.p + pos, "runs = ", 7) == 0)
                            fprintf(f, "runs = %zu", nruns);
                        else if (end - pos >= 14 && memcmp(b.p + pos, "failed_runs = ", 14) == 0)
                            fprintf(f, "failed_runs = %zu", failed);
                        else if (end - pos >= 6 && memcmp(b.p + pos, "seeds ", 6) == 0)
                            fputs("seeds = per run in runs.csv (base_seed)", f);
                        else if (end - pos >= 12 && memcmp(b.p + pos, "generator = ", 12) == 0)
                            fprintf(f, "generator = gsl %s", gens[0] ? gens : "none (no runs)");
                        else if (end - pos >= 9 && memcmp(b.p + pos, "wall_s = ", 9) == 0)
                            fprintf(f, "wall_s = %.3f", wall);
                        else
                            fwrite(b.p + pos, 1, end - pos, f);
                        if (end < b.len)
                            fputc('\n', f);
                        mf_check(&m);
                        pos = end + 1;
                    }
                    fprintf(f, "\n; merged by gpumarket merge from %s/\n[merge]\n"
                               "parts = %zu\nruns = %zu\nfailed = %zu\n",
                            "runs", nparts, nruns, failed);
                }
                mf_check(&m);
                rc = mf_close(&m, d);
            }
            free(b.p);
            free(src);
        }
        free(pd);
    }
    if (rc == SIM_OK)
        rc = write_failed(out, dir, runs_dir, parts, runs, nruns, d);
    rep->parts = nparts;
    rep->runs = nruns;
    for (size_t i = 0; i < nruns; i++) {
        rep->failed += strcmp(runs[i].status, "ok") != 0;
        rep->missing += i == 0 ? runs[i].number : runs[i].number - runs[i - 1].number - 1;
    }
    /* ... and those past the last part: the parts' manifests know how many
     * runs the study has (study_runs; a part written before it was there
     * says nothing, and only gaps count) */
    if (nruns > 0) {
        char *mp = join(runs_dir, parts[runs[0].part]), *path = join(mp, "manifest.ini");
        struct blob b;

        if (read_blob(path, &b) == SIM_OK) {
            size_t total = study_runs(&b);

            if (total > runs[nruns - 1].number + 1)
                rep->missing += total - runs[nruns - 1].number - 1;
            free(b.p);
        }
        free(path);
        free(mp);
    }
    if (rc == SIM_OK)
        rc = stats_write_all(out, dir, so, d);
    if (rc == SIM_OK)
        rc = publish(out, dir, d);
    if (out)
        remove_scratch(out);
    free(out);

    for (size_t i = 0; i < nruns; i++) {
        free(runs[i].id);
        free(runs[i].status);
        for (int k = 0; k < 3; k++)
            free(runs[i].segs[k]);
    }
    free(runs);
    for (size_t p = 0; p < nparts; p++) {
        free(rb[p].p);
        for (int k = 0; k < 3; k++)
            free(fb[p][k].p);
        free(parts[p]);
    }
    free(rb);
    free(fb);
    free(parts);
    free(runs_dir);
    free(digest);
    return rc;
}

static void merge_usage(FILE *f)
{
    fprintf(f,
"Usage: gpumarket merge DIR [--contrast AXIS[=BASELINE]] [--level L]\n"
"Merge the per-run result directories DIR/runs/*/ into DIR: runs.csv,\n"
"params.csv, scalars.csv and timeseries.csv in run-number order (byte for\n"
"byte, whatever made the parts), then summary.csv and contrasts.csv.\n"
"Parts come from `gpumarket sweep`, or from Slurm array tasks / GNU parallel\n"
"jobs running `gpumarket run SCENARIO -c CONFIG -r N -o DIR/runs/CONFIG-N`.\n\n"
"  --contrast AXIS[=B]  contrast axis and baseline value (default: axis\n"
"                       'policy' if present, else the first; its first value)\n"
"  --level L            confidence level of the intervals (default 0.95)\n"
"  -h, --help           this text\n\n"
"Exit status: 0 ok, 1 some runs failed or are missing, 2 trouble.\n");
}

/* Refuses a --contrast that cannot fit the runs before they are run, not
 * after: the axis must be an iteration variable and the baseline a value
 * of it in some chosen run, or for a part (so->part, run -r) in some run of
 * the study. stats_write_contrasts() applies the same rules
 * to the files (to ok runs only), so this is an early check, not the rule. */
int merge_check_contrast(const struct scn_study *st, const size_t *runs, size_t n,
                         const struct stats_opts *so, struct diag *d)
{
    long ax = -1;
    bool found = false;
    struct param_near near;
    char hint[160];

    if (!so->axis)
        return SIM_OK;
    param_near_init(&near, so->axis);
    for (size_t i = 0; i < scn_study_var_count(st); i++) {
        if (strcmp(scn_study_var_name(st, i), "repetition") == 0)
            continue;
        if (strcmp(scn_study_var_name(st, i), so->axis) == 0)
            ax = (long)i;
        param_near_offer(&near, scn_study_var_name(st, i));
    }
    if (ax < 0)
        return diag_error(d, NULL, "contrast axis '%s' is not an iteration variable of this "
                          "study%s", so->axis, param_hint(param_near_best(&near), hint, sizeof hint));
    if (!so->baseline)
        return SIM_OK;
    /* a part (run -r) may hold no run at the baseline: the study must */
    if (so->part) {
        runs = NULL;
        n = scn_study_run_count(st);
    }
    {
        char nearest[128] = "", vals[256] = "", *end;
        size_t best = SIZE_MAX, nvals = 0;
        bool more = false, number;

        for (size_t k = 0; k < n && !found; k++) {
            struct scn_run *r = scn_run_new(st, runs ? runs[k] : k, d);
            const char *v;
            size_t dist;

            if (!r)
                return SIM_EINVAL;
            v = scn_run_var_value(r, (size_t)ax);
            found = stats_same_value(v, so->baseline);
            /* the nearest value for the hint, as for a misspelt axis */
            dist = param_edit_distance(so->baseline, v);
            if (dist < best && strlen(v) < sizeof nearest) {
                best = dist;
                snprintf(nearest, sizeof nearest, "%s", v);
            }
            /* and the axis's values, the first eight, when none is near */
            {
                char item[136];
                size_t len = strlen(vals);

                snprintf(item, sizeof item, "'%s'", v);
                if (!strstr(vals, item)) {
                    if (nvals++ < 8 && len + strlen(item) + 3 < sizeof vals)
                        snprintf(vals + len, sizeof vals - len, "%s%s", len ? ", " : "", item);
                    else
                        more = true;
                }
            }
            scn_run_free(r);
        }
        if (found)
            return SIM_OK;
        /* a number's nearest spelling is no hint (0.1 for 0.9): the
         * values are */
        (void)strtod(so->baseline, &end);
        number = *so->baseline && !*end;
        if (!number && best != SIZE_MAX && param_near_enough(so->baseline, best))
            return diag_error(d, NULL, "baseline '%s' is not a value of axis '%s'%s",
                              so->baseline, so->axis, param_hint(nearest, hint, sizeof hint));
        return diag_error(d, NULL, "baseline '%s' is not a value of axis '%s' (its values: %s%s)",
                          so->baseline, so->axis, vals, more ? ", ..." : "");
    }
}

int merge_parse_level(const char *arg, struct stats_opts *so, const char *cmd)
{
    char *end;
    double v = strtod(arg, &end);

    if (end == arg || *end || !(v > 0 && v < 1)) {
        fprintf(stderr, "gpumarket %s: --level must be a number in (0, 1), got '%s'\n", cmd, arg);
        return SIM_EINVAL;
    }
    so->level = v;
    return SIM_OK;
}

int merge_parse_contrast(char *arg, struct stats_opts *so)
{
    char *eq = strchr(arg, '=');

    if (eq) {
        *eq = '\0';
        so->baseline = eq + 1;
    }
    so->axis = arg;
    return *arg ? SIM_OK : SIM_EINVAL;
}

int merge_main(int argc, char **argv)
{
    static const struct option opts[] = {
        { "contrast", required_argument, NULL, 'C' },
        { "level", required_argument, NULL, 'L' },
        { "help", no_argument, NULL, 'h' },
        { NULL, 0, NULL, 0 },
    };
    struct stats_opts so = { 0.95, NULL, NULL, false };
    struct merge_report rep;
    struct diag d = DIAG_INIT(stderr);
    int opt;

    optind = 1;
    while ((opt = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        switch (opt) {
        case 'C':
            if (merge_parse_contrast(optarg, &so) != SIM_OK) {
                merge_usage(stderr);
                return RUNNER_EXIT_TROUBLE;
            }
            break;
        case 'L':
            if (merge_parse_level(optarg, &so, "merge") != SIM_OK)
                return RUNNER_EXIT_TROUBLE;
            break;
        case 'h': merge_usage(stdout); return 0;
        default: merge_usage(stderr); return RUNNER_EXIT_TROUBLE;
        }
    }
    if (optind + 1 != argc) {
        merge_usage(stderr);
        return RUNNER_EXIT_TROUBLE;
    }
    if (merge_dir(argv[optind], &so, &rep, &d) != SIM_OK)
        return RUNNER_EXIT_TROUBLE;
    fprintf(stderr, "merged %zu runs from %zu parts into %s (%zu failed, %zu missing)\n",
            rep.runs, rep.parts, argv[optind], rep.failed, rep.missing);
    return rep.failed || rep.missing ? RUNNER_EXIT_CHECK : RUNNER_EXIT_OK;
}
