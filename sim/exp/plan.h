/*
 * sim/exp/plan.h -- the planner (SPEC.md 10): the cheapest configuration,
 * over the cross product of --vary values, whose SLO verdicts all pass.
 *
 * The experiment given holds one scenario file, its --set, the SLOs, the
 * run options and -j; its sweeps are the varied dimensions. Candidate k is
 * point k of their cross product (the first dimension varying slowest).
 */
#ifndef SS_PLAN_H
#define SS_PLAN_H

#include "experiment.h"
#include "slo.h"

typedef enum ss_cand_state {
    SS_CAND_NOT_REACHED,    /* the search ended before it               */
    SS_CAND_PASS,           /* every SLO passes                         */
    SS_CAND_FAIL,           /* an SLO fails                             */
    SS_CAND_UNRESOLVED,     /* undecided at its replication cap          */
    SS_CAND_BUDGET,         /* undecided when the budget ran out         */
    SS_CAND_PRUNED_COST,    /* its instances alone break a cost SLO      */
    SS_CAND_PRUNED_MONO,    /* less capacity than one that failed        */
    SS_CAND_PRUNED_THEORY,  /* a station at utilisation >= 1             */
    SS_CAND_DEARER,         /* costs more than the one chosen            */
} ss_cand_state;

const char *ss_cand_state_name(ss_cand_state s);

typedef struct ss_cand {
    long point;             /* index into the cross product              */
    double static_cost;     /* instances by the hour, a month            */
    ss_cand_state state;
    int reps;               /* replications run                          */
    double fig[SS_FIGS], ci95[SS_FIGS];
    ss_slo_check slo[SS_MAX_SLOS];
    int n_slo;
    ss_verdict verdict;
    char why[240];          /* the failed SLO and its value, the pruning  */
} ss_cand;

typedef struct ss_plan {
    long budget;            /* runs; 0: 200                              */
    int max_reps;           /* per candidate; 0: 20                      */
    /* Theory's verdict before a run (may be NULL): true when sc cannot
     * pass (a station's offered load at or above its capacity), why says
     * which. */
    bool (*infeasible)(void *ctx, const ss_scenario *sc, char *why, size_t why_len);
    void *infeasible_ctx;
} ss_plan;

typedef struct ss_plan_out {
    ss_cand *cands;         /* every candidate, in point order           */
    long n;
    long best;              /* the chosen candidate's point, or -1        */
    ss_row best_row;        /* its row (results owned; sweep_vals set)    */
    char **best_vals;       /* its values (owned copies)                 */
    int n_best_vals;
    long runs;              /* runs spent                                */
    long evaluated, pruned_cost, pruned_mono, pruned_theory, dearer;
    bool budget_out;        /* the budget ran out before the search ended */
    bool cheaper_undecided; /* a cheaper candidate than the best is undecided */
    ss_slo slos[SS_MAX_SLOS]; /* what best_row's checks point at          */
} ss_plan_out;

/* Progress: candidate `done` of `n`, `runs` spent. */
typedef void (*ss_plan_progress)(void *ctx, long done, long n, long runs);

/* Searches; out must be released with ss_plan_out_free. A run's failure
 * stops the search with its status and why. */
ss_status ss_plan_run(const ss_exp *e, const ss_plan *p, ss_plan_out *out,
                      ss_plan_progress progress, void *ctx, char *why, size_t why_len);
void ss_plan_out_free(ss_plan_out *out);

/* Whether varying path changes capacity monotonically (more is never
 * worse): instances, cores, capacity, replicas, shards, consumers. */
bool ss_plan_monotone(const char *path);

#endif
