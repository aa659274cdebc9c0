/*
 * sim/agg.h -- replications: each figure's mean and 95% confidence interval.
 *
 * Replications are independent runs (own random streams), so a figure's
 * values across them are i.i.d. and its mean has the Student-t interval
 * mean +- t(0.975, n-1) s / sqrt(n) (quantile from GSL's gsl_cdf_tdist_Pinv).
 * A figure missing from any replication (too few samples for a percentile)
 * is missing from the aggregate: averaging only the runs that happened to
 * have enough would bias it.
 */
#ifndef SS_AGG_H
#define SS_AGG_H

#include "result.h"

void ss_agg_figures(const ss_result *const *rs, int n, double mean[SS_FIGS],
                    double ci95[SS_FIGS]);
/* The same for any one number per replication. */
void ss_agg_values(const double *x, int n, double *mean, double *ci95);

#endif
