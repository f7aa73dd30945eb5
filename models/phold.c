/* models/phold.c -- the PHOLD benchmark on our engine and on a reference.
 *
 * Per-LP state is a 16-byte counter-based stream plus an event counter, 24
 * bytes, so a million LPs fit in 24 MB. The reference engine is the
 * "minimal hand-written C engine" of ../shared/bench/PHOLD.md: a binary heap of
 * 128-bit (t, seq, lp) keys. Running both in one invocation, each in a
 * child process so peak RSS is measured per engine, is how `bench phold
 * --compare` puts our figure beside the reference on the same machine.
 */
#define _DEFAULT_SOURCE             /* getopt_long, getrusage */
#include "models/phold.h"

#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include "sim/engine.h"
#include "sim/param.h"
#include "sim/results.h"
#include "sim/rng.h"
#include "sim/scenario.h"

struct lp {
    struct rng_lite g;
    uint64_t count;
};

struct phold {
    struct phold_config c;
    struct lp *lp;          /* owned, c.lps entries */
    unsigned kind;
};

static double now_s(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* Exp(mean) + lookahead in microseconds. 1 - u is in (0, 1], so the log is
 * finite. */
static inline sim_time increment(struct rng_lite *g, const struct phold_config *c)
{
    double u = rng_lite_uniform(g);

    return (sim_time)(-(double)c->mean * log(1.0 - u) + 0.5) + c->lookahead;
}

static inline uint32_t destination(struct rng_lite *g, uint32_t self,
                                   const struct phold_config *c)
{
    if (rng_lite_uniform(g) < c->remote)
        return (uint32_t)(rng_lite_uniform(g) * c->lps);
    return self;
}

static void on_event(struct engine *e, const struct evq_event *ev, void *model)
{
    struct phold *p = model;
    struct lp *lp = &p->lp[ev->subject];
    uint32_t dst;

    lp->count++;
    dst = destination(&lp->g, ev->subject, &p->c);
    eng_at(e, ev->at + increment(&lp->g, &p->c), p->kind, dst);
}

static struct phold *phold_new(struct engine *e, const struct phold_config *c)
{
    struct phold *p = calloc(1, sizeof *p);

    if (!p || !(p->lp = calloc(c->lps, sizeof *p->lp))) {
        free(p);
        return NULL;
    }
    p->c = *c;
    p->kind = eng_kind(e, "phold.event", on_event, p);
    for (uint32_t i = 0; i < c->lps; i++) {
        rng_lite_init(&p->lp[i].g, c->seed, i);
        for (uint32_t k = 0; k < c->events_per_lp; k++)
            eng_at(e, increment(&p->lp[i].g, c), p->kind, i);
    }
    return p;
}

static void phold_free(void *state)
{
    struct phold *p = state;

    if (p)
        free(p->lp);
    free(p);
}

static long peak_rss_kb(int who)
{
    struct rusage ru;

    getrusage(who, &ru);
    return ru.ru_maxrss;
}

int phold_run_engine(const struct phold_config *c, struct phold_result *r)
{
    double t0 = now_s();
    struct eng_config ec = { .end = c->end, .seed = c->seed,
                             .queue_hint = (size_t)c->lps * c->events_per_lp };
    struct engine *e = eng_new(&ec);
    struct phold *p;
    size_t qbytes, pending;

    if (!e)
        return SIM_ENOMEM;
    p = phold_new(e, c);
    if (!p) {
        eng_free(e);
        return SIM_ENOMEM;
    }
    eng_run(e);
    r->committed = eng_kind_events(e, p->kind);
    r->loop_s = eng_loop_seconds(e);
    pending = eng_pending(e);
    qbytes = evq_bytes(eng_queue(e));
    r->bytes_per_pending = pending ? (double)qbytes / (double)pending : 0.0;
    phold_free(p);
    eng_free(e);
    r->process_s = now_s() - t0;
    r->peak_rss_kb = peak_rss_kb(RUSAGE_SELF);
    return SIM_OK;
}

/* ---- the reference: a minimal binary heap ---- */

__extension__ typedef unsigned __int128 u128;

int phold_run_reference(const struct phold_config *c, struct phold_result *r)
{
    double t0 = now_s(), t1;
    size_t cap = (size_t)c->lps * c->events_per_lp + 1, n = 0;
    u128 *h = malloc(cap * sizeof *h);       /* 1-based binary heap */
    struct lp *lp = calloc(c->lps, sizeof *lp);
    uint64_t seq = 0, committed = 0;

    if (!h || !lp) {
        free(h);
        free(lp);
        return SIM_ENOMEM;
    }
    /* key = t (64) | seq (32) | lp (32) */
#define REF_PUSH(t, dst) do {                                               \
        u128 k_ = ((u128)(uint64_t)(t) << 64) | ((u128)(seq++ & 0xffffffffu) << 32) | (dst); \
        size_t i_ = ++n;                                                    \
        while (i_ > 1 && h[i_ / 2] > k_) { h[i_] = h[i_ / 2]; i_ /= 2; }    \
        h[i_] = k_;                                                         \
    } while (0)
    for (uint32_t i = 0; i < c->lps; i++) {
        rng_lite_init(&lp[i].g, c->seed, i);
        for (uint32_t k = 0; k < c->events_per_lp; k++)
            REF_PUSH(increment(&lp[i].g, c), i);
    }
    t1 = now_s();
    while (n > 0) {
        u128 top = h[1], last = h[n--];
        size_t i = 1;
        sim_time t = (sim_time)(uint64_t)(top >> 64);
        uint32_t self = (uint32_t)top, dst;

        if (t >= c->end)
            break;
        while (2 * i <= n) {
            size_t m = 2 * i;

            if (m + 1 <= n && h[m + 1] < h[m])
                m++;
            if (last <= h[m])
                break;
            h[i] = h[m];
            i = m;
        }
        h[i] = last;
        committed++;
        lp[self].count++;
        dst = destination(&lp[self].g, self, c);
        REF_PUSH(t + increment(&lp[self].g, c), dst);
    }
#undef REF_PUSH
    r->committed = committed;
    r->loop_s = now_s() - t1;
    r->bytes_per_pending = (double)sizeof *h;
    free(h);
    free(lp);
    r->process_s = now_s() - t0;
    r->peak_rss_kb = peak_rss_kb(RUSAGE_SELF);
    return SIM_OK;
}

/* ---- as a scenario model ---- */

static const struct param_def phold_params[] = {
    { "phold.lps", PT_INT, "1", "1024", 1, 4e9, NULL, "number of logical processes N" },
    { "phold.events-per-lp", PT_INT, "1", "16", 1, 1e6, NULL, "initial events per LP, E" },
    { "phold.remote", PT_PROB, "1", "0.25", 0, 1, NULL, "probability that an event goes to a uniformly chosen LP" },
    { "phold.mean", PT_TIME, "s", "1s", 0, -1, NULL, "mean of the exponential time increment" },
    { "phold.lookahead", PT_TIME, "s", "0.1s", 0, -1, NULL, "constant added to every increment" },
};

static void phold_register(struct param_registry *reg)
{
    preg_add(reg, phold_params, sizeof phold_params / sizeof phold_params[0]);
}

struct phold_run {
    struct phold *p;
    struct engine *e;
    uint64_t last_count;
};

static void sample(struct engine *e, void *ctx)
{
    struct phold_run *pr = ctx;
    uint64_t n = eng_kind_events(e, pr->p->kind);

    res_sample(eng_results(e), eng_now(e), "events_committed", "model", "phold",
               (double)(n - pr->last_count));
    pr->last_count = n;
}

static void *phold_setup(struct engine *e, const struct scn_run *run,
                         struct diag *d)
{
    struct phold_config c = {
        .lps = (uint32_t)scn_int(run, "phold.lps"),
        .events_per_lp = (uint32_t)scn_int(run, "phold.events-per-lp"),
        .end = eng_end(e),
        .remote = scn_real(run, "phold.remote"),
        .mean = scn_time(run, "phold.mean"),
        .lookahead = scn_time(run, "phold.lookahead"),
        .seed = rng_hash(scn_run_seed(run), scn_run_seed_set(run), "phold"),
    };
    struct phold_run *pr;

    if (c.mean <= 0 && c.lookahead <= 0) {
        scn_error(d, run, "phold.mean", "phold.mean and phold.lookahead are both zero: time "
                  "would not advance");
        return NULL;
    }
    /* phold.lps goes to 4e9: its array is the one allocation a scenario
     * can make too large, and the error names the key that did it. */
    pr = calloc(1, sizeof *pr);
    if (!pr || !(pr->p = phold_new(e, &c))) {
        scn_error(d, run, "phold.lps",
                  "cannot allocate %u logical processes (%.3g GB): out of memory",
                   c.lps, (double)c.lps * sizeof(struct lp) / 1e9);
        free(pr);
        return NULL;
    }
    pr->e = e;
    eng_every(e, scn_time(run, "sim.sample-interval"),
              scn_time(run, "sim.sample-interval"), sample, pr);
    return pr;
}

static int phold_finish(struct engine *e, void *state)
{
    struct phold_run *pr = state;
    struct results *res = eng_results(e);
    uint64_t min = UINT64_MAX, max = 0, total = 0;

    for (uint32_t i = 0; i < pr->p->c.lps; i++) {
        uint64_t n = pr->p->lp[i].count;

        total += n;
        min = n < min ? n : min;
        max = n > max ? n : max;
    }
    /* Every committed event was counted at exactly one LP. */
    if (total != eng_kind_events(e, pr->p->kind)) {
        eng_fail(e, "phold.count", "LP counts sum to %llu, engine counted %llu",
                 (unsigned long long)total,
                 (unsigned long long)eng_kind_events(e, pr->p->kind));
        return SIM_ECHECK;
    }
    res_scalar(res, "events_committed", "model", "phold", (double)total, "1");
    res_scalar(res, "events_per_lp_min", "model", "phold", (double)min, "1");
    res_scalar(res, "events_per_lp_max", "model", "phold", (double)max, "1");
    res_scalar(res, "events_pending_at_end", "model", "phold",
               (double)eng_pending(e), "1");
    return SIM_OK;
}

static void phold_run_free(void *state)
{
    struct phold_run *pr = state;

    if (pr)
        phold_free(pr->p);
    free(pr);
}

const struct sim_model phold_model = {
    "phold", "PHOLD engine benchmark (no market)", phold_register,
    phold_setup, phold_finish, phold_run_free,
};

/* ---- gpumarket bench phold ---- */

static void usage(FILE *f)
{
    fprintf(f,
"Usage: gpumarket bench phold [--preset S|L|XL] [OPTIONS]\n"
"Run the PHOLD engine benchmark of ../shared/bench/PHOLD.md.\n\n"
"  --preset NAME       S (1,024 LPs x 16, end 1000), L (1M x 1, end 10),\n"
"                      XL (1M x 16, end 2); default S\n"
"  --lps N             logical processes\n"
"  --events-per-lp E   initial events per LP\n"
"  --end T             end time in simulated seconds\n"
"  --remote P          probability of a remote destination (0.25)\n"
"  --seed S            base seed (1)\n"
"  --repeat K          run K times and report the median rate (1)\n"
"  --compare           also run the minimal binary-heap reference engine\n"
"  -h, --help          this text\n\n"
"Each engine runs in its own child process so peak RSS is per engine.\n"
"Exit status: 0 ok, 1 the engines disagree on the committed count, 2 usage.\n");
}

static int run_child(bool reference, const struct phold_config *c,
                     struct phold_result *r)
{
    int fd[2];
    pid_t pid;
    ssize_t got;
    int status;

    if (pipe(fd) != 0)
        return SIM_EIO;
    fflush(NULL);
    pid = fork();
    if (pid < 0)
        return SIM_EIO;
    if (pid == 0) {
        struct phold_result res = { 0 };
        int rc;

        close(fd[0]);
        rc = reference ? phold_run_reference(c, &res) : phold_run_engine(c, &res);
        if (rc == SIM_OK && write(fd[1], &res, sizeof res) != (ssize_t)sizeof res)
            rc = SIM_EIO;
        _exit(rc == SIM_OK ? 0 : 1);
    }
    close(fd[1]);
    got = read(fd[0], r, sizeof *r);
    close(fd[0]);
    waitpid(pid, &status, 0);
    return got == (ssize_t)sizeof *r && WIFEXITED(status) &&
           WEXITSTATUS(status) == 0 ? SIM_OK : SIM_EIO;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;

    return (x > y) - (x < y);
}

static void report(const char *name, const struct phold_result *r, int k,
                   double med_rate)
{
    printf("%-10s committed=%llu loop_s=%.3f events_per_s=%.4g (median of %d) "
           "process_s=%.3f peak_rss_mib=%.1f bytes_per_pending=%.1f\n",
           name, (unsigned long long)r->committed, r->loop_s, med_rate, k,
           r->process_s, (double)r->peak_rss_kb / 1024.0, r->bytes_per_pending);
}

static int bench_one(bool reference, const struct phold_config *c, int repeat,
                     struct phold_result *last, double *median)
{
    double rates[64];

    for (int i = 0; i < repeat; i++) {
        if (run_child(reference, c, last) != SIM_OK)
            return SIM_EIO;
        /* nothing committed (an end before the lookahead) is a rate of
         * 0, not 0 / 0 */
        rates[i] = last->committed ? (double)last->committed / last->loop_s : 0.0;
    }
    qsort(rates, (size_t)repeat, sizeof rates[0], cmp_double);
    *median = rates[repeat / 2];
    return SIM_OK;
}

/* A number in [lo, hi] that is all of 's', the value of option 'opt';
 * otherwise a message naming the option, *bad set and lo returned
 * (strtoul took "-1" LPs as four billion). */
static double num_arg(const char *opt, const char *s, double lo, double hi, bool *bad)
{
    char *end;
    double v = strtod(s, &end);

    if (end == s || *end || !(v >= lo && v <= hi)) {
        fprintf(stderr, "gpumarket bench phold: --%s: '%s' is not a number in [%g, %g]\n",
                opt, s, lo, hi);
        *bad = true;
        return lo;
    }
    return v;
}

int phold_bench_main(int argc, char **argv)
{
    static const struct option opts[] = {
        { "preset", required_argument, NULL, 'p' },
        { "lps", required_argument, NULL, 'n' },
        { "events-per-lp", required_argument, NULL, 'E' },
        { "end", required_argument, NULL, 'e' },
        { "remote", required_argument, NULL, 'R' },
        { "seed", required_argument, NULL, 's' },
        { "repeat", required_argument, NULL, 'k' },
        { "compare", no_argument, NULL, 'C' },
        { "help", no_argument, NULL, 'h' },
        { NULL, 0, NULL, 0 },
    };
    struct phold_config c = { 1024, 16, 1000 * SIM_SEC, 0.25, SIM_SEC,
                              SIM_SEC / 10, 1 };
    bool compare = false;
    int repeat = 1, opt;
    bool bad = false;
    struct phold_result ours, ref;
    double our_rate, ref_rate;
    const char *preset = "S";

    optind = 1;
    while ((opt = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        switch (opt) {
        case 'p':
            preset = optarg;
            if (strcmp(optarg, "S") == 0) {
                c.lps = 1024; c.events_per_lp = 16; c.end = 1000 * SIM_SEC;
            } else if (strcmp(optarg, "L") == 0) {
                c.lps = 1000000; c.events_per_lp = 1; c.end = 10 * SIM_SEC;
            } else if (strcmp(optarg, "XL") == 0) {
                c.lps = 1000000; c.events_per_lp = 16; c.end = 2 * SIM_SEC;
            } else {
                fprintf(stderr, "gpumarket bench phold: unknown preset '%s' (S, L or XL)\n", optarg);
                return 2;
            }
            break;
        case 'n': c.lps = (uint32_t)num_arg("lps", optarg, 1, 1e8, &bad); preset = "custom"; break;
        case 'E': c.events_per_lp = (uint32_t)num_arg("events-per-lp", optarg, 1, 1e6, &bad); preset = "custom"; break;
        case 'e': c.end = sim_time_from_sec(num_arg("end", optarg, 1e-6, 1e8, &bad)); preset = "custom"; break;
        case 'R': c.remote = num_arg("remote", optarg, 0, 1, &bad); preset = "custom"; break;
        case 's': c.seed = (uint64_t)num_arg("seed", optarg, 0, 9e15, &bad); break;
        case 'k': repeat = (int)num_arg("repeat", optarg, 1, 64, &bad); break;
        case 'C': compare = true; break;
        case 'h': usage(stdout); return 0;
        default: usage(stderr); return 2;
        }
    }
    if (bad || optind != argc || c.lps == 0 || c.events_per_lp == 0 || c.end <= 0 ||
        !(c.remote >= 0 && c.remote <= 1) || repeat < 1 || repeat > 64) {
        usage(stderr);
        return 2;
    }
    printf("phold preset=%s lps=%u events_per_lp=%u end_s=%g remote=%g seed=%llu\n",
           preset, c.lps, c.events_per_lp, sim_time_to_sec(c.end), c.remote,
           (unsigned long long)c.seed);
    if (bench_one(false, &c, repeat, &ours, &our_rate) != SIM_OK) {
        fprintf(stderr, "gpumarket bench phold: engine run failed\n");
        return 2;
    }
    report("gpumarket", &ours, repeat, our_rate);
    if (!compare)
        return 0;
    if (bench_one(true, &c, repeat, &ref, &ref_rate) != SIM_OK) {
        fprintf(stderr, "gpumarket bench phold: reference run failed\n");
        return 2;
    }
    report("reference", &ref, repeat, ref_rate);
    if (ref_rate > 0)
        printf("ratio gpumarket/reference = %.3f\n", our_rate / ref_rate);
    else
        printf("ratio gpumarket/reference = n/a (no events committed)\n");
    if (ours.committed != ref.committed) {
        fprintf(stderr, "error: committed counts differ: %llu vs %llu\n",
                (unsigned long long)ours.committed,
                (unsigned long long)ref.committed);
        return 1;
    }
    return 0;
}
