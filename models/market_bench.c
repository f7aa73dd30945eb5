/* models/market_bench.c -- `gpumarket bench market`: how fast the market
 * runs, and where the time goes.
 *
 * Runs one run of a scenario (default: scenarios/default.ini, config
 * Quick) twice: once plain, for the events/s figure, and once with every
 * handler timed, for ns per event by kind and the share of the loop spent
 * in the engine itself (queue and dispatch) rather than in handlers, and
 * what the searches did (buckets scanned and entries read per search).
 *
 * --compare adds a reference in the same invocation: the same run with
 * market.search-prune = false, which reads and checks every bucket's
 * first search-depth offers (no bounds, no lose or open bits). It gives
 * the same results bit for bit (a test checks), so the two must process
 * the same events, and the ratio of their rates is what the search's
 * pruning buys on that market.
 */
#define _DEFAULT_SOURCE             /* getopt_long, getrusage */
#include "models/market.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>
#include "sim/engine.h"
#include "sim/param.h"
#include "sim/scenario.h"

#define BENCH_SCENARIO "scenarios/default.ini"

static void usage(FILE *f)
{
    fprintf(f,
"Usage: gpumarket bench market [SCENARIO] [-c CONFIG] [--set KEY=VALUE]...\n"
"                              [--compare]\n"
"Run one run of a market scenario (default " BENCH_SCENARIO " -c Quick)\n"
"and print events/s, ns per event by event kind, the engine's share of the\n"
"loop and memory per GPU.\n"
"  --compare   also run it with market.search-prune = false (every bucket's\n"
"              first search-depth offers read and checked: the same results)\n"
"              and print both rates and their ratio\n");
}

/* Events and loop seconds of the last plain run (run_once). */
struct bench_rate {
    unsigned long long events;
    double loop_s;
};

static int run_once(const struct scn_run *run, bool profile, bool rss, struct diag *d,
                    FILE *out, struct bench_rate *rate)
{
    const struct sim_model *m = sim_find_model(scn_str(run, "sim.model"));
    struct eng_config ec;
    struct engine *e;
    void *state;
    double handlers = 0;
    struct rusage ru;
    int rc;
    int64_t gpus = scn_int(run, "supply.gpus");

    if (!m) {
        scn_error(d, run, "sim.model", "unknown model");
        return 2;
    }
    if (eng_config_from_run(run, &ec, d) != SIM_OK)
        return 2;
    e = eng_new(&ec);
    eng_profile(e, profile);
    state = sim_run_setup(m, e, run, d);
    if (!state) {
        eng_free(e);
        return 2;
    }
    eng_run(e);
    if (!profile) {
        rate->events = (unsigned long long)eng_events(e);
        rate->loop_s = eng_loop_seconds(e);
        getrusage(RUSAGE_SELF, &ru);
        fprintf(out, "events %llu  loop_s %.3f  events_per_s %.4g", (unsigned long long)eng_events(e),
                eng_loop_seconds(e), (double)eng_events(e) / eng_loop_seconds(e));
        /* the process's peak: a later run's would include this one's */
        if (rss)
            fprintf(out, "  peak_rss_mib %.1f  kib_per_gpu %.2f", (double)ru.ru_maxrss / 1024.0,
                    (double)ru.ru_maxrss / (double)gpus);
        fputc('\n', out);
        if (m == &market_model) {
            static const char *const what[2] = { "on-demand", "interruptible" };
            struct market_search_stats ss;

            market_search_stats(state, &ss);
            for (int t = 0; t < 2; t++)
                if (ss.searches[t])
                    fprintf(out, "searches %-13s %10llu  found %5.1f%%  buckets/search %5.1f  "
                            "entries read/search %6.1f\n", what[t],
                            (unsigned long long)ss.searches[t],
                            100.0 * (double)ss.found[t] / (double)ss.searches[t],
                            (double)ss.buckets[t] / (double)ss.searches[t],
                            (double)ss.entries[t] / (double)ss.searches[t]);
        }
    } else {
        fprintf(out, "%-28s %12s %8s %10s\n", "kind", "events", "share", "ns/event");
        for (unsigned k = 0; k < eng_kind_count(e); k++) {
            uint64_t n = eng_kind_events(e, k);
            double s = eng_kind_seconds(e, k);

            handlers += s;
            if (n)
                fprintf(out, "%-28s %12llu %7.1f%% %10.0f\n", eng_kind_name(e, k),
                        (unsigned long long)n, 100.0 * s / eng_loop_seconds(e),
                        1e9 * s / (double)n);
        }
        fprintf(out, "engine (queue, dispatch, timing) %.1f%% of the profiled loop\n",
                100.0 * (eng_loop_seconds(e) - handlers) / eng_loop_seconds(e));
    }
    /* a run that fails its checks (an invariant, the books) measured
     * nothing worth reporting: exit 1, as `run` would */
    rc = m->finish(e, state) != SIM_OK || eng_failed(e) ? 1 : 0;
    if (rc)
        fprintf(stderr, "bench market: the run failed its checks\n");
    m->free(state);
    eng_free(e);
    return rc;
}

int market_bench_main(int argc, char **argv)
{
    static const struct option opts[] = {
        { "config", required_argument, NULL, 'c' },
        { "set", required_argument, NULL, 's' },
        { "compare", no_argument, NULL, 'C' },
        { "help", no_argument, NULL, 'h' },
        { NULL, 0, NULL, 0 },
    };
    const char *path = BENCH_SCENARIO, *config = NULL;
    /* the --sets given, one for --compare's and the NULL */
    const char **sets = calloc((size_t)argc + 2, sizeof *sets);
    size_t nsets = 0;
    bool compare = false;
    struct diag d = DIAG_INIT(stderr);
    struct param_registry *reg;
    struct scn *s;
    struct bench_rate ours = { 0, 0 }, ref = { 0, 0 };
    int opt, rc = 2;

    if (!sets)
        SIM_OOM("bench market: out of memory");
    optind = 1;
    while ((opt = getopt_long(argc, argv, "c:s:h", opts, NULL)) != -1) {
        switch (opt) {
        case 'c':
            if (!sim_opt_once("bench market", "-c", &config, optarg)) {
                free(sets);
                return 2;
            }
            break;
        case 's': sets[nsets++] = optarg; break;
        case 'C': compare = true; break;
        case 'h': usage(stdout); free(sets); return 0;
        default: usage(stderr); free(sets); return 2;
        }
    }
    sets[nsets] = NULL;
    if (!config)
        config = "Quick";
    if (optind + 1 < argc) {
        fprintf(stderr, "gpumarket bench market: one scenario file at a time (got '%s' too)\n",
                argv[optind + 1]);
        free(sets);
        return 2;
    }
    if (optind < argc)
        path = argv[optind];
    reg = preg_new();
    sim_register_all_params(reg);
    s = scn_load(path, reg, &d);
    /* the default is a path in the source tree, as for run's */
    if (!s && optind == argc && access(BENCH_SCENARIO, R_OK) != 0)
        fprintf(stderr, "note: no SCENARIO was named, and the default " BENCH_SCENARIO " is read "
                "from the current directory: run from the gpumarket directory, or name a "
                "scenario file\n");
    /* pass 0: the code as it runs; pass 1 (--compare): the full search,
     * the last --set, so it overrides any the caller gave */
    for (int pass = 0; s && pass < (compare ? 2 : 1); pass++) {
        struct scn_study *st;
        struct scn_run *run = NULL;

        if (pass == 1) {
            sets[nsets] = "market.search-prune=false";
            sets[nsets + 1] = NULL;
        }
        st = scn_study_new(s, config, sets, &d);
        if (st)
            run = scn_run_new(st, 0, &d);
        rc = 2;
        if (run) {
            if (pass == 0) {
                printf("bench market: %s -c %s, %lld GPUs\n", path, config,
                       (long long)scn_int(run, "supply.gpus"));
                rc = run_once(run, false, true, &d, stdout, &ours);
                if (rc == 0)
                    rc = run_once(run, true, false, &d, stdout, &ours);
            } else {
                printf("reference: the same run with market.search-prune = false\n");
                rc = run_once(run, false, false, &d, stdout, &ref);
            }
        }
        scn_run_free(run);
        scn_study_free(st);
        if (rc != 0)
            break;
    }
    if (rc == 0 && compare) {
        /* the same results, so the same events: anything else is a bug */
        if (ref.events != ours.events) {
            fprintf(stderr, "bench market: the reference processed %llu events, the "
                    "pruned search %llu; they must agree\n", ref.events, ours.events);
            rc = 1;
        } else {
            printf("pruned search %.4g events/s, full search %.4g events/s: %.2fx\n",
                   (double)ours.events / ours.loop_s, (double)ref.events / ref.loop_s,
                   ref.loop_s / ours.loop_s);
        }
    }
    scn_free(s);
    preg_free(reg);
    free(sets);
    return rc;
}
