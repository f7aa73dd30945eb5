/* sim/time.h -- simulated time: int64 microseconds since scenario start.
 *
 * Integer time orders events exactly, never drifts, and gives the same
 * results at -O0 and -O2. Doubles from GSL samplers become time only
 * through sim_time_from_sec(), which rounds to the nearest microsecond and
 * clamps to [0, SIM_TIME_MAX], so one rule decides every conversion.
 *
 * The event queue packs an event's time into 48 bits, so a scenario may
 * span at most SIM_TIME_MAX (about 8.9 years).
 */
#ifndef SIM_TIME_H
#define SIM_TIME_H

#include <stdint.h>

typedef int64_t sim_time;

#define SIM_US    ((sim_time)1)
#define SIM_MS    ((sim_time)1000)
#define SIM_SEC   ((sim_time)1000000)
#define SIM_MIN   (60 * SIM_SEC)
#define SIM_HOUR  (3600 * SIM_SEC)
#define SIM_DAY   (24 * SIM_HOUR)
#define SIM_WEEK  (7 * SIM_DAY)
/* Hours in the year of a rate per year (supply.join-rate, region.*.
 * outage-rate): 365.25 days, the average calendar year. */
#define SIM_YEAR_H 8766.0
#define SIM_TIME_MAX (((sim_time)1 << 48) - 1)

static inline sim_time sim_time_from_sec(double s)
{
    double us = s * 1e6;
    if (!(us > 0.0))                    /* negative, zero or NaN */
        return 0;
    if (us >= (double)SIM_TIME_MAX)
        return SIM_TIME_MAX;
    return (sim_time)(us + 0.5);
}

static inline sim_time sim_time_from_hours(double h)
{
    return sim_time_from_sec(h * 3600.0);
}

static inline double sim_time_to_sec(sim_time t) { return (double)t / 1e6; }
static inline double sim_time_to_hours(sim_time t) { return (double)t / 3.6e9; }

#endif
