/* sim/base/agg.c -- means and Student-t 95% half-widths over replications. */
#include "agg.h"

#include <math.h>

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_statistics_double.h>


void ss_agg_values(const double *x, int n, double *mean, double *ci95)
{
    for (int i = 0; i < n; i++)
        if (!isfinite(x[i])) {
            *mean = *ci95 = NAN;
            return;
        }
    *mean = n ? gsl_stats_mean(x, 1, (size_t)n) : NAN;
    *ci95 = n >= 2 ? gsl_cdf_tdist_Pinv(0.975, n - 1) * gsl_stats_sd(x, 1, (size_t)n) / sqrt(n)
                   : NAN;
}

