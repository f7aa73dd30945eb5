/* models/checkpoint.c -- checkpoint intervals and the accounting of work.
 *
 * Why an accounting helper rather than per-checkpoint events: the market
 * has thousands of running jobs, each checkpointing every few minutes to
 * hours. Scheduling an event per checkpoint would dominate the queue, yet
 * nothing else in the market reacts to a checkpoint. Because a segment is
 * a deterministic sequence (compute tau, write delta, repeat), its state at
 * any instant follows from the time since it started: the market only
 * needs to ask "how much is saved?" when a failure or the end arrives.
 */
#include "models/checkpoint.h"

#include <math.h>
#include <string.h>
#include "sim/err.h"

static const char *const policy_names[] = { "none", "fixed", "young", "daly" };

bool ckpt_policy_parse(const char *name, enum ckpt_policy *out)
{
    for (int i = 0; i < 4; i++)
        if (strcmp(name, policy_names[i]) == 0) {
            *out = (enum ckpt_policy)i;
            return true;
        }
    return false;
}

const char *ckpt_policy_name(enum ckpt_policy p)
{
    SIM_ASSERT((unsigned)p < 4);
    return policy_names[p];
}

double ckpt_young(double delta, double mtbf)
{
    SIM_ASSERT(delta >= 0.0 && mtbf > 0.0);
    return sqrt(2.0 * delta * mtbf);
}

double ckpt_daly(double delta, double mtbf)
{
    double x;

    SIM_ASSERT(delta >= 0.0 && mtbf > 0.0);
    if (delta >= 2.0 * mtbf)        /* checkpoints cost more than they save */
        return mtbf;
    x = delta / (2.0 * mtbf);
    return sqrt(2.0 * delta * mtbf) * (1.0 + sqrt(x) / 3.0 + x / 9.0) - delta;
}

double ckpt_interval(enum ckpt_policy p, double fixed, double delta,
                     double mtbf)
{
    switch (p) {
    case CKPT_NONE:  return INFINITY;
    case CKPT_FIXED: return fixed;
    case CKPT_YOUNG: return ckpt_young(delta, mtbf);
    case CKPT_DALY:  return ckpt_daly(delta, mtbf);
    }
    SIM_PANIC("bad checkpoint policy %d", (int)p);
}

double ckpt_daly_wall(double tau, double delta, double restart, double mtbf,
                      double solve)
{
    SIM_ASSERT(tau > 0.0 && mtbf > 0.0);
    /* expm1 keeps precision when (tau + delta) << M. */
    return mtbf * exp(restart / mtbf) * expm1((tau + delta) / mtbf)
           * solve / tau;
}

double ckpt_segments_wall(double tau, double delta, double restart, double mtbf,
                          double solve)
{
    double n = floor(solve / tau), rest = solve - n * tau;

    SIM_ASSERT(tau > 0.0 && mtbf > 0.0 && solve > 0.0);
    /* one segment of length L takes M e^{R/M} (e^{(L+delta)/M} - 1) on
     * average; a rest within rounding of 0 is no segment (the job ends
     * when its saved work reaches solve to a relative 1e-12) */
    return ckpt_daly_wall(tau, delta, restart, mtbf, n * tau)
           + (rest > 1e-12 * solve ? ckpt_daly_wall(rest, delta, restart, mtbf, rest) : 0.0);
}

double ckpt_waste_first_order(double tau, double delta, double mtbf)
{
    return delta / tau + tau / (2.0 * mtbf);
}

void ckpt_at_wall(double tau, double delta, double elapsed,
                  struct ckpt_state *out)
{
    double period = tau + delta, n, r;

    SIM_ASSERT(tau > 0.0 && delta >= 0.0 && elapsed >= 0.0);
    if (isinf(tau)) {               /* no checkpoints: all work is at risk */
        *out = (struct ckpt_state){ 0.0, elapsed, 0.0, 0 };
        return;
    }
    n = floor(elapsed / period);
    r = elapsed - n * period;
    out->checkpoints = (unsigned long)n;
    out->saved = n * tau;
    /* In the compute phase the work since the checkpoint is r; while a
     * checkpoint is being written it is the whole segment, tau, still at
     * risk until the write completes. */
    out->unsaved = fmin(r, tau);
    out->overhead = n * delta + fmax(0.0, r - tau);
}

double ckpt_wall_for_work(double tau, double delta, double work)
{
    double n;

    SIM_ASSERT(tau > 0.0 && work >= 0.0);
    if (isinf(tau) || work <= 0.0)
        return work;
    /* Checkpoints after each full segment, but none at completion. */
    n = ceil(work / tau) - 1.0;
    return work + fmax(0.0, n) * delta;
}
