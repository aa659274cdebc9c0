/*
 * sim/result/row.h -- a row of a report: the results of one scenario at one sweep
 * point, one replication or several, with the figures aggregated over
 * them (the mean, and the Student-t 95% half-width).
 */
#ifndef SS_ROW_H
#define SS_ROW_H

#include "result.h"
#include "slo.h"
#include "theory.h"

typedef struct ss_row {
    char **sweep_vals;        /* n_sweep values, as written on the command line */
    const ss_result *res;     /* the run (the first replication, with several)  */
    ss_result **reps;         /* every replication aggregated here              */
    int n_reps;               /* 1, or the replications aggregated here         */
    double fig[SS_FIGS];      /* mean over replications                         */
    double ci95[SS_FIGS];     /* Student-t half-width; NAN with one replication */
    char bottleneck[128];
    /* the SLOs of the row (the command line's, then its scenario's) judged
     * over its replications, and the worst verdict (NONE without SLOs) */
    ss_slo_check slo[SS_MAX_SLOS];
    int n_slo;
    ss_verdict verdict;
    /* with --precision: the figures whose half-width did not get within it
     * (names, ';'-separated; "" when all did) */
    char imprecise[256];
    /* with --theory: queueing theory's figures for the row's scenario, the
     * caches' hit ratios from its first run (owned by whoever made the
     * row; NULL without --theory) */
    const ss_theory_pred *theory;
} ss_row;

/* The mean and 95% half-width of each summary figure over n results. */
void ss_agg_figures(const ss_result *const *rs, int n, double mean[SS_FIGS],
                    double ci95[SS_FIGS]);
/* The same of the dynamics' figures (NAN where the scenario has none). */
void ss_agg_dyn(const ss_result *const *rs, int n, double mean[SS_DYNS], double ci95[SS_DYNS]);

#endif
