/* sim/agg.c -- means and Student-t 95% half-widths over replications. */
#include "agg.h"

#include <math.h>

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_statistics_double.h>

#include "scalesim/mem.h"

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

void ss_agg_figures(const ss_result *const *rs, int n, double mean[SS_FIGS],
                    double ci95[SS_FIGS])
{
    double *x = ss_malloc((size_t)(n ? n : 1) * sizeof *x);
    for (int k = 0; k < SS_FIGS; k++) {
        for (int i = 0; i < n; i++)
            x[i] = rs[i]->fig[k];
        ss_agg_values(x, n, &mean[k], &ci95[k]);
    }
    ss_free(x);
}
