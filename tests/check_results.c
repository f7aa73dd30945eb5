/* tests/check_results.c -- the metric store and the result directory. */
#include <errno.h>
#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>
#include "sim/model.h"
#include "sim/param.h"
#include "sim/results.h"
#include "sim/scenario.h"
#include "tests/suites.h"

START_TEST(scalars_add_and_overwrite)
{
    struct results *r = res_new();

    res_add(r, "spend", "archetype", "academic", 1.5, "USD");
    res_add(r, "spend", "archetype", "academic", 2.0, "USD");
    res_scalar(r, "jobs", "archetype", "academic", 7, "1");
    res_scalar(r, "jobs", "archetype", "academic", 9, "1");
    ck_assert_double_eq(res_get(r, "spend", "archetype", "academic"), 3.5);
    ck_assert_double_eq(res_get(r, "jobs", "archetype", "academic"), 9);
    ck_assert(isnan(res_get(r, "jobs", "archetype", "hobbyist")));
    ck_assert_uint_eq(res_scalar_count(r), 2);
    for (int i = 0; i < 5000; i++) {
        char e[16];

        snprintf(e, sizeof e, "e%d", i);
        res_add(r, "m", "k", e, 1, "1");
    }
    ck_assert_uint_eq(res_scalar_count(r), 5002);
    ck_assert_double_eq(res_get(r, "m", "k", "e4999"), 1);
    res_free(r);
}
END_TEST

/* A NULL entity is the empty one, when recorded and when looked up
 * (intern() maps NULL to ""): res_get(..., NULL) crashed on strcmp when
 * it lost its NULL check, which survived every test. res_add records its
 * unit as res_scalar does: a scalar made by res_add alone had unit ""
 * in scalars.csv when the unit was dropped, which also survived. */
START_TEST(null_entity_and_the_unit_of_an_added_scalar)
{
    struct results *r = res_new();
    const char *m, *k, *e, *u;
    double v;

    res_scalar(r, "total", "market", NULL, 5, "1");
    ck_assert_double_eq(res_get(r, "total", "market", NULL), 5);
    ck_assert_double_eq(res_get(r, "total", "market", ""), 5);
    res_add(r, "spend", "market", "", 2.5, "USD");
    ck_assert_double_eq(res_get(r, "spend", "market", NULL), 2.5);
    ck_assert_uint_eq(res_scalar_count(r), 2);
    res_scalar_at(r, 1, &m, &k, &e, &v, &u);
    ck_assert_str_eq(m, "spend");
    ck_assert_str_eq(e, "");
    ck_assert_str_eq(u, "USD");
    res_free(r);
}
END_TEST

/* A scalar is named by its whole (metric, entity_kind, entity) triple
 * (results.h), also once the store has grown: 600 kinds of metric "m"
 * and 600 metrics of kind "k", all of entity "e", are 1200 scalars, kept
 * in first-recorded order (results.c), and adding i to each a second
 * time, after the store has grown past its first tables, finds the same
 * scalar (1 + i, still 1200 of them). Killed: find_scalar() ignoring the
 * kind or the metric; the index rebuilt one off (each name then missed,
 * made again); the string table regrown from half its slots (names
 * interned afresh); res_get() ignoring the kind; res_scalar_at() handing
 * back the entity as the kind. */
START_TEST(scalars_are_named_by_the_whole_triple_as_the_store_grows)
{
    struct results *r = res_new();
    const char *m, *k, *e, *u;
    char a[16], b[16];
    double v;

    for (int pass = 0; pass < 2; pass++)
        for (int i = 0; i < 600; i++) {
            snprintf(a, sizeof a, "k%d", i);
            snprintf(b, sizeof b, "m%d", i);
            res_add(r, "m", a, "e", pass ? i : 1, "1");
            res_add(r, b, "k", "e", pass ? i : 1, "1");
        }
    ck_assert_uint_eq(res_scalar_count(r), 1200);
    for (int i = 0; i < 600; i++) {
        snprintf(a, sizeof a, "k%d", i);
        snprintf(b, sizeof b, "m%d", i);
        ck_assert_double_eq(res_get(r, "m", a, "e"), 1 + i);
        ck_assert_double_eq(res_get(r, b, "k", "e"), 1 + i);
        res_scalar_at(r, 2 * (size_t)i, &m, &k, &e, &v, &u);
        ck_assert_str_eq(m, "m");
        ck_assert_str_eq(k, a);
        ck_assert_str_eq(e, "e");
        ck_assert_double_eq(v, 1 + i);
        res_scalar_at(r, 2 * (size_t)i + 1, &m, &k, &e, &v, &u);
        ck_assert_str_eq(m, b);
        ck_assert_str_eq(k, "k");
    }
    res_free(r);
}
END_TEST

/* res_sample_at() gives back a sample as recorded: a sample at 2 h
 * (7.2e9 us) of "q" for kind "gpu", entity "h100", value 4.5. Killed:
 * the time or the entity not handed back. */
START_TEST(a_sample_reads_back_as_recorded)
{
    struct results *r = res_new();
    const char *m, *k, *e;
    sim_time t;
    double v;

    res_sample(r, 1, "p", "x", "y", 0);
    res_sample(r, 2 * SIM_HOUR, "q", "gpu", "h100", 4.5);
    ck_assert_uint_eq(res_sample_count(r), 2);
    res_sample_at(r, 1, &t, &m, &k, &e, &v);
    ck_assert_int_eq(t, 7200000000);
    ck_assert_str_eq(m, "q");
    ck_assert_str_eq(k, "gpu");
    ck_assert_str_eq(e, "h100");
    ck_assert_double_eq(v, 4.5);
    res_free(r);
}
END_TEST

static int exists(const char *p)
{
    struct stat st;

    return stat(p, &st) == 0;
}

/* The commit shared by run and sweep: what is at the destination when the
 * runs end decides, not what was there when they began. */
static void touch(const char *dir, const char *name)
{
    char path[700];
    FILE *f;

    snprintf(path, sizeof path, "%s/%s", dir, name);
    f = fopen(path, "w");
    ck_assert_ptr_nonnull(f);
    fputs("x\n", f);
    fclose(f);
}

START_TEST(directory_appears_only_when_complete)
{
    char *tmp = test_tmpdir(), dir[512], path[600], tmp2[600], *first;
    struct diag d = DIAG_INIT(stderr);
    struct param_registry *reg = preg_new();
    struct scn *s;
    struct scn_study *st;
    struct scn_run *run;
    struct res_dir *rd;
    struct results *r = res_new();
    struct res_run_info info = { .status = "ok", .events = 10, .sim_time_h = 1.0, .wall_s = 0.1 };
    char prog[] = "gpumarket", *argv[] = { prog };

    sim_register_all_params(reg);
    s = scn_load_string("t.ini", "[General]\nsim.model = phold\nphold.lps = 4\n", reg, &d);
    ck_assert_ptr_nonnull(s);
    st = scn_study_new(s, NULL, NULL, &d);
    run = scn_run_new(st, 0, &d);
    snprintf(dir, sizeof dir, "%s/out", tmp);
    /* a stale temporary twin of ours (same pid) is removed, not in the
     * way (res_dir_begin's contract: mkdir failed on it without that) */
    snprintf(tmp2, sizeof tmp2, "%s.tmp-%ld", dir, (long)getpid());
    ck_assert_int_eq(mkdir(tmp2, 0777), 0);
    touch(tmp2, "stale.csv");
    rd = res_dir_begin(dir, s, st, 1, argv);
    ck_assert_ptr_nonnull(rd);
    ck_assert(!exists(dir));                    /* not yet */
    ck_assert(exists(res_dir_tmp_path(rd)));
    info.run = run;
    res_scalar(r, "x", "k", "e", 0.1, "1");
    res_sample(r, 3600000000, "y", "k", "e", 2);
    ck_assert_int_eq(res_dir_add_run(rd, &info, r), SIM_OK);
    ck_assert_int_eq(res_dir_commit(rd), SIM_OK);
    ck_assert(exists(dir));
    snprintf(path, sizeof path, "%s/stale.csv", dir);
    ck_assert(!exists(path));
    /* runs.csv carries the run's events and simulated hours as given
     * (10 and 1.0 above: a 0 for events survived every test) */
    snprintf(path, sizeof path, "%s/runs.csv", dir);
    {
        char *text = test_read_file(path, NULL);

        ck_assert_msg(strstr(text, ",\"ok\",10,1,\""), "%s", text);
        free(text);
    }
    snprintf(path, sizeof path, "%s/scalars.csv", dir);
    first = test_read_file(path, NULL);
    ck_assert_str_eq(first, "run_id,metric,entity_kind,entity,value,unit\n"
                            "\"General-0\",\"x\",\"k\",\"e\",0.10000000000000001,\"1\"\n");
    snprintf(path, sizeof path, "%s/timeseries.csv", dir);
    {
        char *text = test_read_file(path, NULL);

        ck_assert_ptr_nonnull(strstr(text, "\"General-0\",1,\"y\",\"k\",\"e\",2\n"));
        free(text);
    }
    /* An aborted second write, with a different value already written,
     * leaves the first result untouched and its own directory gone. */
    rd = res_dir_begin(dir, s, st, 1, argv);
    ck_assert_ptr_nonnull(rd);
    snprintf(tmp2, sizeof tmp2, "%s", res_dir_tmp_path(rd));
    ck_assert(exists(tmp2));
    res_scalar(r, "x", "k", "e", 0.2, "1");
    ck_assert_int_eq(res_dir_add_run(rd, &info, r), SIM_OK);
    res_dir_abort(rd);
    ck_assert(!exists(tmp2));
    ck_assert(exists(dir));
    snprintf(path, sizeof path, "%s/scalars.csv", dir);
    {
        char *text = test_read_file(path, NULL);

        ck_assert_ptr_nonnull(text);
        ck_assert_str_eq(text, first);
        free(text);
    }
    free(first);
    snprintf(path, sizeof path, "%s/manifest.ini", dir);
    ck_assert(exists(path));
    /* a study of no axis says so (results.c: " none"), not "axes:" and
     * nothing, which survived every test */
    snprintf(path, sizeof path, "%s/scenario.resolved.ini", dir);
    {
        char *text = test_read_file(path, NULL);

        ck_assert_ptr_nonnull(text);
        ck_assert_msg(strstr(text, "\n; sweep axes: none\n[General]\n"), "%.300s", text);
        free(text);
    }
    res_free(r);
    scn_run_free(run);
    scn_study_free(st);
    scn_free(s);
    preg_free(reg);
    free(tmp);
}
END_TEST

START_TEST(replace_keeps_what_it_may_not_replace)
{
    char *tmp = test_tmpdir(), from[512], to[512], path[700], outside[600];

    snprintf(from, sizeof from, "%s/new.tmp-1", tmp);
    snprintf(to, sizeof to, "%s/new", tmp);
    ck_assert_int_eq(mkdir(from, 0777), 0);
    touch(from, "manifest.ini");
    /* a folder made at 'to' meanwhile: refused, nothing of it deleted */
    ck_assert_int_eq(mkdir(to, 0777), 0);
    touch(to, "precious.txt");
    /* results.h: "SIM_EIO with errno set", for the caller's message:
     * what stands in the way is a file that exists, EEXIST ("cannot
     * complete DIR: Success" or the errno of some lookup on the way
     * once it was not set survived every test) */
    errno = 0;
    ck_assert_int_eq(res_dir_replace(from, to), SIM_EIO);
    ck_assert_int_eq(errno, EEXIST);
    snprintf(path, sizeof path, "%s/precious.txt", to);
    ck_assert(exists(path));
    snprintf(path, sizeof path, "%s/manifest.ini", from);
    ck_assert(exists(path));
    snprintf(path, sizeof path, "%s.old-%ld", to, (long)getpid());
    ck_assert(!exists(path));
    /* an earlier result is replaced, and leaves no .old- behind; a stale
     * .old-<pid> of ours is cleared first (rename onto it failed without
     * that), and a symbolic link inside the old result is removed, not
     * followed: what it points to is the analyst's (removing the tree
     * without FTW_PHYS deleted outside/keep.txt) */
    touch(to, "manifest.ini");
    snprintf(path, sizeof path, "%s.old-%ld", to, (long)getpid());
    ck_assert_int_eq(mkdir(path, 0777), 0);
    touch(path, "stale.csv");
    snprintf(outside, sizeof outside, "%s/outside", tmp);
    ck_assert_int_eq(mkdir(outside, 0777), 0);
    touch(outside, "keep.txt");
    snprintf(path, sizeof path, "%s/link", to);
    ck_assert_int_eq(symlink(outside, path), 0);
    ck_assert_int_eq(res_dir_replace(from, to), SIM_OK);
    snprintf(path, sizeof path, "%s/keep.txt", outside);
    ck_assert(exists(path));
    ck_assert(!exists(from));
    snprintf(path, sizeof path, "%s/precious.txt", to);
    ck_assert(!exists(path));
    snprintf(path, sizeof path, "%s.old-%ld", to, (long)getpid());
    ck_assert(!exists(path));
    /* a rename that fails puts the earlier result back */
    ck_assert_int_ne(res_dir_replace(from, to), SIM_OK);     /* 'from' is gone */
    snprintf(path, sizeof path, "%s/manifest.ini", to);
    ck_assert(exists(path));
    snprintf(path, sizeof path, "%s.old-%ld", to, (long)getpid());
    ck_assert(!exists(path));
    free(tmp);
}
END_TEST

/* res_dir_name() drops every trailing '/' ("out//" names "out", so the
 * temporary twin goes beside it) and refuses a name of slashes only;
 * res_dir_replaceable() takes an empty directory (results.h) but not one
 * holding anything without a manifest. Dropping only one '/', and an
 * empty directory refused, survived every test. */
START_TEST(names_and_what_may_be_replaced)
{
    char *tmp = test_tmpdir(), buf[600], d[600];

    ck_assert(res_dir_name("out//", buf, sizeof buf));
    ck_assert_str_eq(buf, "out");
    ck_assert(res_dir_name("a/b/", buf, sizeof buf));
    ck_assert_str_eq(buf, "a/b");
    ck_assert(!res_dir_name("//", buf, sizeof buf));
    ck_assert(!res_dir_name("", buf, sizeof buf));
    snprintf(d, sizeof d, "%s/empty", tmp);
    ck_assert_int_eq(mkdir(d, 0777), 0);
    ck_assert(res_dir_replaceable(d));
    touch(d, "notes.txt");
    ck_assert(!res_dir_replaceable(d));
    snprintf(d, sizeof d, "%s/none", tmp);
    ck_assert(res_dir_replaceable(d));
    free(tmp);
}
END_TEST

/* res_dir_name() refuses a name that does not fit 'len' with its NUL
 * (results.h: "False ... if it does not fit"): "abc" needs 4 bytes, so
 * 3 is too few (n > len took it and wrote the NUL past the buffer).
 * res_dir_replaceable() says yes only to nothing there, an empty
 * directory or a result; a path it cannot look at (under a regular file,
 * lstat says ENOTDIR) is none of those and is refused, not taken for
 * "nothing there" (treating every lstat error so survived every test). */
START_TEST(names_that_do_not_fit_and_paths_that_cannot_be_seen)
{
    char *tmp = test_tmpdir(), buf[8], d[600], buf2[700];

    memset(buf, 'x', sizeof buf);
    ck_assert(!res_dir_name("abc", buf, 3));
    ck_assert(buf[3] == 'x');
    ck_assert(res_dir_name("abc", buf, 4));
    ck_assert_str_eq(buf, "abc");
    touch(tmp, "file");
    snprintf(d, sizeof d, "%s/file/out", tmp);
    ck_assert(!res_dir_replaceable(d));
    /* a symbolic link is not a directory, even one pointing at a result:
     * it is the analyst's (results.h: "anything else"), and replacing it
     * would drop the link; following it (no S_ISDIR on the lstat) took it
     * and survived every test */
    snprintf(d, sizeof d, "%s/res", tmp);
    ck_assert_int_eq(mkdir(d, 0777), 0);
    touch(d, "manifest.ini");
    ck_assert(res_dir_replaceable(d));
    snprintf(buf2, sizeof buf2, "%s/link", tmp);
    ck_assert_int_eq(symlink(d, buf2), 0);
    ck_assert(!res_dir_replaceable(buf2));
    free(tmp);
}
END_TEST

/* README 'Outputs': "-o onto anything else is refused before the run":
 * res_dir_begin() asks res_dir_replaceable() itself, so a folder of the
 * analyst's is refused before any run and no DIR.tmp-PID is made. Without
 * that check only the commit, after every run, refused it, which
 * survived every test. */
START_TEST(begin_refuses_a_foreign_directory_before_the_runs)
{
    char *tmp = test_tmpdir(), dir[512], twin[600], path[700];
    struct diag d = DIAG_INIT(stderr);
    struct param_registry *reg = preg_new();
    struct scn *s;
    struct scn_study *st;
    char prog[] = "gpumarket", *argv[] = { prog };

    sim_register_all_params(reg);
    s = scn_load_string("t.ini", "[General]\nsim.model = phold\nphold.lps = 4\n", reg, &d);
    ck_assert_ptr_nonnull(s);
    st = scn_study_new(s, NULL, NULL, &d);
    snprintf(dir, sizeof dir, "%s/mine", tmp);
    ck_assert_int_eq(mkdir(dir, 0777), 0);
    touch(dir, "notes.txt");
    ck_assert_ptr_null(res_dir_begin(dir, s, st, 1, argv));
    snprintf(twin, sizeof twin, "%s.tmp-%ld", dir, (long)getpid());
    ck_assert(!exists(twin));
    snprintf(path, sizeof path, "%s/notes.txt", dir);
    ck_assert(exists(path));
    scn_study_free(st);
    scn_free(s);
    preg_free(reg);
    free(tmp);
}
END_TEST

/* A study of 'text' and its result directory begun at TMP/out, for the
 * tests of what a directory holds: rs_open(), rs_commit(), rs_close(). */
struct rs_fix {
    char *tmp, dir[512];
    struct diag d;
    struct param_registry *reg;
    struct scn *s;
    struct scn_study *st;
    struct scn_run *run[2];
    size_t nrun;
    struct res_dir *rd;
};

static void rs_open_cmd(struct rs_fix *f, const char *text, int argc, char **argv)
{
    memset(f, 0, sizeof *f);
    f->tmp = test_tmpdir();
    f->d = (struct diag)DIAG_INIT(stderr);
    f->reg = preg_new();
    sim_register_all_params(f->reg);
    f->s = scn_load_string("t.ini", text, f->reg, &f->d);
    ck_assert_ptr_nonnull(f->s);
    f->st = scn_study_new(f->s, NULL, NULL, &f->d);
    ck_assert_ptr_nonnull(f->st);
    snprintf(f->dir, sizeof f->dir, "%s/out", f->tmp);
    f->rd = res_dir_begin(f->dir, f->s, f->st, argc, argv);
    ck_assert_ptr_nonnull(f->rd);
}

/* rs_open_cmd() for a study run as plain `gpumarket`, which is all most
 * tests need of the command line. */
static void rs_open(struct rs_fix *f, const char *text)
{
    char prog[] = "gpumarket", *argv[] = { prog };

    rs_open_cmd(f, text, 1, argv);      /* res_dir_begin() copies it */
}

/* A run that went well: one event, one simulated hour, mt19937. */
static struct res_run_info rs_ok(void)
{
    return (struct res_run_info){ .status = "ok", .events = 1, .sim_time_h = 1.0,
                                  .rng = "mt19937" };
}

/* Records runs 0 to n - 1 as 'info' says (with wall_s[i], if given) and
 * commits the directory. */
static void rs_commit(struct rs_fix *f, size_t n, struct res_run_info info,
                      const double *wall_s)
{
    SIM_ASSERT(n <= 2);
    for (size_t i = 0; i < n; i++) {
        f->run[i] = scn_run_new(f->st, i, &f->d);
        ck_assert_ptr_nonnull(f->run[i]);
        info.run = f->run[i];
        if (wall_s)
            info.wall_s = wall_s[i];
        ck_assert_int_eq(res_dir_add_run(f->rd, &info, NULL), SIM_OK);
    }
    f->nrun = n;
    ck_assert_int_eq(res_dir_commit(f->rd), SIM_OK);
}

/* The text of the directory's file 'name' (to free). */
static char *rs_read(const struct rs_fix *f, const char *name)
{
    char path[600];
    char *text;

    snprintf(path, sizeof path, "%s/%s", f->dir, name);
    text = test_read_file(path, NULL);
    ck_assert_ptr_nonnull(text);
    return text;
}

static void rs_close(struct rs_fix *f)
{
    for (size_t i = 0; i < f->nrun; i++)
        scn_run_free(f->run[i]);
    scn_study_free(f->st);
    scn_free(f->s);
    preg_free(f->reg);
    free(f->tmp);
}

/* Two replications of one scenario, seed 2^64 - 1, into one directory:
 * runs.csv writes the base seed as the unsigned 64-bit number the
 * scenario gave (results.c: "as int64 one past 2^63 read negative"), and
 * manifest.ini (README 'Outputs': command, base seeds, generator, wall
 * time) counts both runs, lists that seed and the generator once each,
 * sums the wall times (0.125 + 0.25 = 0.375) and joins the command line
 * with single spaces. Writing the seed as int64, listing each run's seed
 * or generator again, counting no runs, keeping the last wall time and
 * dropping the first space each survived every test; so did dropping the
 * line that names runs.csv's columns for each run's seeds. */
START_TEST(seeds_runs_and_wall_time_of_two_runs)
{
    struct rs_fix f;
    struct res_run_info info = rs_ok();
    const double wall_s[] = { 0.125, 0.25 };
    char a0[] = "gpumarket", a1[] = "run", a2[] = "t.ini", *argv[] = { a0, a1, a2 };
    char *text;

    rs_open_cmd(&f, "[General]\nsim.model = phold\nphold.lps = 4\n"
                "seed = 18446744073709551615\nrepeat = 2\n", 3, argv);
    rs_commit(&f, 2, info, wall_s);
    text = rs_read(&f, "runs.csv");
    ck_assert_msg(strstr(text, "\"General-0\",\"General\",0,0,0,18446744073709551615,"), "%s", text);
    ck_assert_msg(strstr(text, "\"General-1\",\"General\",1,1,1,18446744073709551615,"), "%s", text);
    free(text);
    text = rs_read(&f, "manifest.ini");
    ck_assert_msg(strstr(text, "\ncommand = gpumarket run t.ini\n"), "%s", text);
    ck_assert_msg(strstr(text, "\nruns = 2\n"), "%s", text);
    ck_assert_msg(strstr(text, "\ngenerator = gsl mt19937\n"), "%s", text);
    ck_assert_msg(strstr(text, "\nseeds = 18446744073709551615\n"), "%s", text);
    ck_assert_msg(strstr(text, "\nwall_s = 0.375\n"), "%s", text);
    /* and says where each run's own seeds are: columns runs.csv has */
    ck_assert_msg(strstr(text, "\nper_run = runs.csv (base_seed, seed_set)\n"), "%s", text);
    free(text);
    text = rs_read(&f, "runs.csv");
    *strchr(text, '\n') = '\0';
    ck_assert_msg(strstr(text, ",base_seed,") && strstr(text, ",seed_set,"), "%s", text);
    free(text);
    rs_close(&f);
}
END_TEST

/* README 'Outputs': scenario.resolved.ini is every parameter "as run N
 * saw it", one file for the study: the first run's (run 0's in a sweep),
 * not rewritten by each run after it. Two runs of phold.lps = ${lps=4,6}:
 * run 0 saw lps 4. Rewriting it per run (the last run's file, lps 6)
 * survived every test. */
START_TEST(the_first_run_resolves_the_study)
{
    struct rs_fix f;
    struct res_run_info info = rs_ok();
    char *text;

    rs_open(&f, "[General]\nsim.model = phold\nphold.lps = ${lps=4,6}\n");
    rs_commit(&f, 2, info, NULL);
    text = rs_read(&f, "scenario.resolved.ini");
    ck_assert_msg(strstr(text, " as run 0 saw it\n; sweep axes: lps\n[General]\n"), "%.200s", text);
    ck_assert_msg(strstr(text, "\nphold.lps = 4 "), "%.200s", text);
    ck_assert_msg(!strstr(text, "phold.lps = 6"), "%.200s", text);
    free(text);
    rs_close(&f);
}
END_TEST

/* A result directory of no runs (every run interrupted before it was
 * recorded) has no generator to name: the manifest says "gsl none (no
 * runs)" (results.c), the line merge's manifest_facts() skips, not "gsl "
 * and nothing, which survived every test; and no run resolved the
 * scenario, so there is no scenario.resolved.ini. */
START_TEST(a_directory_of_no_runs)
{
    struct rs_fix f;
    struct res_run_info none = { 0 };
    char path[600], *text;

    rs_open(&f, "[General]\nsim.model = phold\nphold.lps = 4\n");
    rs_commit(&f, 0, none, NULL);
    text = rs_read(&f, "manifest.ini");
    ck_assert_msg(strstr(text, "\nruns = 0\n"), "%s", text);
    ck_assert_msg(strstr(text, "\ngenerator = gsl none (no runs)\n"), "%s", text);
    free(text);
    snprintf(path, sizeof path, "%s/scenario.resolved.ini", f.dir);
    ck_assert(!exists(path));
    rs_close(&f);
}
END_TEST

/* Adds run 'number' of the study as 'info' says, and frees it: the
 * directory keeps nothing of a run but its rows and notes. */
static void rs_add(struct rs_fix *f, size_t number, struct res_run_info info)
{
    struct scn_run *run = scn_run_new(f->st, number, &f->d);

    ck_assert_ptr_nonnull(run);
    info.run = run;
    ck_assert_int_eq(res_dir_add_run(f->rd, &info, NULL), SIM_OK);
    scn_run_free(run);
}

/* Runs 1 and 2 of lps = ${4,6} x repeat = 2 (first axis outermost,
 * repetition innermost, README: run 1 is lps 4 repetition 1, run 2 lps 6
 * repetition 0; seed-set defaults to the repetition), both failing their
 * checks, as a part written by `run -r 1..2` would be. README 'Outputs':
 * runs.csv has the repetition, the axis's value, the status, events and
 * simulated hours each run reported; FAILED has one "run_id: why" line
 * per failed run; manifest.ini counts the failed runs, the runs written
 * and the study's four, and names both generators; params.csv is "key,
 * value, unit, source" (sim.horizon is in days, set in [General]);
 * scenario.resolved.ini carries each key's unit and source after it
 * ("; d, General"), the source alone when there is no unit. Killed: the
 * run number written as the repetition, the axis's name for its value,
 * a fixed "ok" or 1 h, no FAILED file, the second failure written over
 * the first, failures not counted, the manifest's FAILED note dropped,
 * study_runs as the runs written, the generators joined without a blank,
 * params.csv's unit and source swapped, the resolved file's comment
 * without the comma or left off where a key has no unit. */
START_TEST(what_failed_runs_leave_in_the_directory)
{
    struct rs_fix f;
    struct res_run_info a = { .status = "failed", .why = "invariant a violated",
                              .events = 7, .sim_time_h = 2.5, .rng = "mt19937" };
    struct res_run_info b = { .status = "failed", .why = "invariant b violated",
                              .events = 8, .sim_time_h = 0.5, .rng = "taus2" };
    char *text;

    rs_open(&f, "[General]\nsim.model = phold\nphold.lps = ${lps=4,6}\nrepeat = 2\n"
            "seed = 3\nsim.horizon = 1h\n");
    rs_add(&f, 1, a);
    rs_add(&f, 2, b);
    ck_assert_int_eq(res_dir_commit(f.rd), SIM_OK);
    text = rs_read(&f, "runs.csv");
    ck_assert_msg(strstr(text, "run_id,config,run_number,repetition,seed_set,base_seed,lps,"
                               "status,events,sim_time_h,scenario_digest\n"), "%s", text);
    ck_assert_msg(strstr(text, "\n\"General-1\",\"General\",1,1,1,3,\"4\",\"failed\",7,2.5,\""),
                  "%s", text);
    ck_assert_msg(strstr(text, "\n\"General-2\",\"General\",2,0,0,3,\"6\",\"failed\",8,0.5,\""),
                  "%s", text);
    free(text);
    text = rs_read(&f, "FAILED");
    ck_assert_str_eq(text, "General-1: invariant a violated\nGeneral-2: invariant b violated\n");
    free(text);
    text = rs_read(&f, "manifest.ini");
    ck_assert_msg(strstr(text, "\nfailed_runs = 2 ; FAILED lists them"), "%s", text);
    ck_assert_msg(strstr(text, "\nruns = 2\nstudy_runs = 4\n"), "%s", text);
    ck_assert_msg(strstr(text, "\ngenerator = gsl mt19937, taus2\n"), "%s", text);
    free(text);
    text = rs_read(&f, "params.csv");
    ck_assert_msg(strstr(text, "\n\"General-2\",\"sim.horizon\",\"1h\",\"d\",\"General\"\n"),
                  "%.300s", text);
    free(text);
    text = rs_read(&f, "scenario.resolved.ini");
    ck_assert_msg(strstr(text, "\nsim.horizon = 1h    ; d, General\n"), "%.300s", text);
    ck_assert_msg(strstr(text, "\nseed = 3    ; General\n"), "%.300s", text);
    free(text);
    rs_close(&f);
}
END_TEST

/* manifest.ini lists the distinct base seeds, the first 16 of them, and
 * says "and more" past those (results.c). seed = ${s=1..17 step 1} gives
 * 17 runs of base seeds 1 to 17: 1 to 16 are listed, then "and more".
 * Killed: 15 seeds kept, "and more" never said. */
START_TEST(the_manifest_lists_sixteen_seeds_and_says_there_are_more)
{
    struct rs_fix f;
    struct res_run_info ok = rs_ok();
    char *text;

    rs_open(&f, "[General]\nsim.model = phold\nseed = ${s=1..17 step 1}\n");
    for (size_t i = 0; i < 17; i++)
        rs_add(&f, i, ok);
    ck_assert_int_eq(res_dir_commit(f.rd), SIM_OK);
    text = rs_read(&f, "manifest.ini");
    ck_assert_msg(strstr(text, "\nseeds = 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 and more\n"),
                  "%s", text);
    free(text);
    rs_close(&f);
}
END_TEST

/* results.h: res_dir_commit() "closes the CSVs (if res_dir_close() has
 * not) ... Returns 0 or SIM_EIO", and results.h's header: a directory
 * appears "only when every file is complete". A 64 KiB file size limit
 * (SIGXFSZ ignored, so write() fails with EFBIG, as on a full disk)
 * leaves room for scenario.resolved.ini (about 32 KiB for phold) but
 * not for 4000 scalars of over 30 bytes a row: the commit fails, and
 * neither the result nor its temporary twin is left. The limit is put
 * back before the test ends. Killed: the later files written, or the
 * directory renamed into place, after a CSV failed (a good write of
 * scenario.resolved.ini then overwrote the failure). */
START_TEST(a_csv_that_cannot_be_written_fails_the_commit)
{
    struct rs_fix f;
    struct res_run_info info = rs_ok();
    char twin[600];
    struct results *r = res_new();
    struct rlimit old, lim;

    rs_open(&f, "[General]\nsim.model = phold\nphold.lps = 4\n");
    snprintf(twin, sizeof twin, "%s", res_dir_tmp_path(f.rd));
    for (int i = 0; i < 4000; i++) {
        char e[16];

        snprintf(e, sizeof e, "e%d", i);
        res_scalar(r, "metric", "kind", e, i, "1");
    }
    f.run[0] = scn_run_new(f.st, 0, &f.d);
    f.nrun = 1;
    info.run = f.run[0];
    ck_assert_int_eq(getrlimit(RLIMIT_FSIZE, &old), 0);
    lim = old;
    lim.rlim_cur = 64 * 1024;
    signal(SIGXFSZ, SIG_IGN);
    ck_assert_int_eq(setrlimit(RLIMIT_FSIZE, &lim), 0);
    ck_assert_int_eq(res_dir_add_run(f.rd, &info, r), SIM_OK);
    ck_assert_int_eq(res_dir_commit(f.rd), SIM_EIO);
    ck_assert_int_eq(setrlimit(RLIMIT_FSIZE, &old), 0);
    signal(SIGXFSZ, SIG_DFL);
    ck_assert(!exists(f.dir));
    ck_assert(!exists(twin));
    res_free(r);
    rs_close(&f);
}
END_TEST

/* The text after "key = " on the line of 'text' that starts with it,
 * up to the line's end, into 'out'; false when there is no such line. */
static bool line_value(const char *text, const char *key, char *out, size_t len)
{
    size_t kl = strlen(key);

    for (const char *p = text; p; p = strchr(p, '\n'), p = p ? p + 1 : NULL)
        if (strncmp(p, key, kl) == 0 && strncmp(p + kl, " = ", 3) == 0) {
            snprintf(out, len, "%.*s", (int)strcspn(p + kl + 3, "\n"), p + kl + 3);
            return true;
        }
    return false;
}

/* True when 's' is 16 lower-case hex digits giving 'v'. */
static bool hex16(const char *s, uint64_t v)
{
    return strlen(s) == 16 && strspn(s, "0123456789abcdef") == 16 &&
           strtoull(s, NULL, 16) == v;
}

/* The scenario digest (manifest.ini) and the study's (runs.csv's
 * scenario_digest, which merge compares as text) are 64-bit numbers
 * written as 16 hex digits, leading zeros and all: a digest below 2^60
 * written in 15 digits ("%llx") survived every test. A comment changes
 * the file's text and so both digests: the first text whose two digests
 * both have a top hex digit 0 (one in 256; 4096 tries all miss one with
 * odds of about 1e-7) is written and read back. */
START_TEST(digests_keep_their_leading_zeros)
{
    struct diag d = DIAG_INIT(stderr);
    struct param_registry *reg = preg_new();
    struct rs_fix f;
    struct res_run_info info = rs_ok();
    char text[128], *got, val[64], *q;
    bool zeros = false;
    int k;

    sim_register_all_params(reg);
    for (k = 0; k < 4096 && !zeros; k++) {
        struct scn *s;
        struct scn_study *st;

        snprintf(text, sizeof text, "; try %d\n[General]\nsim.model = phold\nphold.lps = 4\n", k);
        s = scn_load_string("t.ini", text, reg, &d);
        ck_assert_ptr_nonnull(s);
        st = scn_study_new(s, NULL, NULL, &d);
        ck_assert_ptr_nonnull(st);
        zeros = scn_digest(s) >> 60 == 0 && scn_study_digest(st) >> 60 == 0;
        scn_study_free(st);
        scn_free(s);
    }
    preg_free(reg);
    ck_assert(zeros);
    rs_open(&f, text);
    ck_assert(scn_digest(f.s) >> 60 == 0 && scn_study_digest(f.st) >> 60 == 0);
    rs_commit(&f, 1, info, NULL);
    got = rs_read(&f, "manifest.ini");
    ck_assert_msg(line_value(got, "digest", val, sizeof val), "%s", got);
    ck_assert_msg(hex16(val, scn_digest(f.s)), "manifest digest '%s'", val);
    free(got);
    /* runs.csv: scenario_digest is the last field, quoted */
    got = rs_read(&f, "runs.csv");
    ck_assert_msg((q = strrchr(got, ',')) != NULL && q[1] == '"', "%s", got);
    snprintf(val, sizeof val, "%.*s", (int)strcspn(q + 2, "\""), q + 2);
    ck_assert_msg(hex16(val, scn_study_digest(f.st)), "runs.csv scenario_digest '%s'", val);
    free(got);
    rs_close(&f);
}
END_TEST

Suite *results_suite(void)
{
    Suite *s = suite_create("results");
    TCase *tc = tcase_create("core");

    tcase_add_test(tc, scalars_add_and_overwrite);
    tcase_add_test(tc, null_entity_and_the_unit_of_an_added_scalar);
    tcase_add_test(tc, scalars_are_named_by_the_whole_triple_as_the_store_grows);
    tcase_add_test(tc, a_sample_reads_back_as_recorded);
    tcase_add_test(tc, directory_appears_only_when_complete);
    tcase_add_test(tc, replace_keeps_what_it_may_not_replace);
    tcase_add_test(tc, names_and_what_may_be_replaced);
    tcase_add_test(tc, names_that_do_not_fit_and_paths_that_cannot_be_seen);
    tcase_add_test(tc, begin_refuses_a_foreign_directory_before_the_runs);
    tcase_add_test(tc, seeds_runs_and_wall_time_of_two_runs);
    tcase_add_test(tc, the_first_run_resolves_the_study);
    tcase_add_test(tc, a_directory_of_no_runs);
    tcase_add_test(tc, what_failed_runs_leave_in_the_directory);
    tcase_add_test(tc, the_manifest_lists_sixteen_seeds_and_says_there_are_more);
    tcase_add_test(tc, a_csv_that_cannot_be_written_fails_the_commit);
    tcase_add_test(tc, digests_keep_their_leading_zeros);
    suite_add_tcase(s, tc);
    return s;
}
