/*
 * scalesim/time.h -- simulated time.
 *
 * Time is an integer count of nanoseconds since the start of a run. Integers
 * give events a total order without comparing doubles for equality (ties are
 * broken by a schedule counter, see sim/engine/evq.h) and make a run byte-identical
 * wherever it is replayed. 2^63 ns is 292 years of simulated time.
 * Distributions sample in seconds as doubles; ss_time_from_s rounds them.
 */
#ifndef SCALESIM_TIME_H
#define SCALESIM_TIME_H

#include <stdint.h>

typedef int64_t ss_time;

#define SS_TIME_NEVER INT64_MAX
#define SS_NS_PER_S 1000000000LL
#define SS_MS(x) ((ss_time)((x) * 1000000LL))
#define SS_SEC(x) ((ss_time)((x) * SS_NS_PER_S))

static inline ss_time ss_time_from_s(double s)
{
    /* Round half up; callers pass non-negative samples. Clamp huge values
     * (a pareto tail, a typo of 1e30s) rather than overflow. */
    if (!(s > 0.0))
        return 0;
    if (s >= 9.0e9)
        return (ss_time)9.0e18;
    return (ss_time)(s * 1e9 + 0.5);
}

static inline double ss_time_to_s(ss_time t) { return (double)t * 1e-9; }
static inline double ss_time_to_ms(ss_time t) { return (double)t * 1e-6; }

#endif
