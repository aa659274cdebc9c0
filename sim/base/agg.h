/*
 * sim/base/agg.h -- replications: each figure's mean and 95% confidence interval.
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

/* The mean and half-width of n values, one per replication (NAN when
 * one of them is missing). */
void ss_agg_values(const double *x, int n, double *mean, double *ci95);

#endif
