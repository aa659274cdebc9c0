/*
 * sim/exp/experiment.h -- files x sweep points x replications, run in order.
 *
 * An experiment is the cross product of scenario files, the points of the
 * --sweep cross product (mixed radix, the first sweep varying slowest) and
 * replications. Run k is (file, point, replication) in that nesting, and
 * its random streams depend only on its replication index and seed, never
 * on which worker runs it or when. Rows come out in order, one per (file,
 * point) -- the mean and 95% half-width of its replications -- or one per
 * run with per_replication; each row's results are freed once the row
 * hook has seen it (it may keep some), so memory does not grow with the
 * number of runs.
 *
 * With jobs > 1 the runs go on that many threads; the rows come out in
 * the same order with the same bytes.
 *
 * A slice (first_row, n_rows) runs only the runs of those rows, and its
 * rows are the same bytes as in the whole experiment: a farm of processes
 * or machines can each take a slice and concatenate what they print.
 *
 * Every file is loaded at every point before anything runs (an invalid
 * scenario runs nothing), then again when its point runs: keeping ten
 * thousand loaded scenarios would cost more than loading them twice.
 */
#ifndef SS_EXPERIMENT_H
#define SS_EXPERIMENT_H

#include "row.h"
#include "scenario.h"
#include "sweep.h"

typedef struct ss_exp {
    char *const *files;
    int n_files;
    /* NULL: files are read; else texts[i] is file i's YAML, files[i] its
     * name (for errors, and where extends and pricing are looked for) */
    const char *const *texts;
    const ss_override *sets;        /* the user's --set, before the sweeps' */
    int n_sets;
    const ss_sweep *sweeps;
    int n_sweeps;
    int replications;               /* >= 1                                  */
    bool per_replication;           /* a row per run instead of per point    */
    int jobs;                       /* threads running runs (0, 1: this one) */
    long first_row;                 /* a slice: rows [first_row, first_row + */
    long n_rows;                    /*   n_rows); n_rows 0: to the last row  */
    const char *const *slos;        /* --slo texts, judged with each row's   */
    int n_slos;                     /*   scenario's own `slo:`               */
    /* --precision: > 0 runs replications of each row (from `replications`,
     * at least 3) until every summary figure's 95% half-width is within
     * this share of it, or max_replications are done */
    double precision;
    int max_replications;
    bool theory;                    /* --theory: each row gets a prediction */
    ss_run_opts run;                /* for every run; replication, progress
                                       and error are set per run            */
    ss_load_opts load;
} ss_exp;

typedef struct ss_exp_hooks {
    /* A finished row, in order. It may take results out of row->reps
     * (setting the pointer NULL); the rest are freed after it returns. */
    void (*row)(void *ctx, ss_row *row);
    /* Now and then during run `run` of `runs` (0-based): the share of its
     * simulated time done, its length in simulated seconds, events so far. */
    void (*progress)(void *ctx, long run, long runs, const char *name, double done,
                     double sim_end_s, uint64_t events);
    void *ctx;
} ss_exp_hooks;

long ss_exp_points(const ss_exp *e);
long ss_exp_runs(const ss_exp *e);
long ss_exp_rows(const ss_exp *e);      /* of the whole experiment     */

/* The runs of e's slice: [*first, *end), in run indices. */
void ss_exp_slice(const ss_exp *e, long *first, long *end);

/* The sweep values of point p (pointers into e->sweeps), into vals. */
void ss_exp_point_values(const ss_exp *e, long p, char **vals);

/* What the runs will need, known before any runs: every runtime component
 * name of every run, each once, in order of first appearance (the time
 * series' columns), every file a scenario is read from (an output may not
 * be one), the longest run in simulated seconds, and the most components. */
typedef struct ss_exp_info {
    char **names;
    int n_names;
    size_t cap_names;
    char **sources;
    int n_sources;
    size_t cap_sources;
    double max_end_s;
    int max_comps;
    /* the time series' columns of SPEC.md 4.5: breakers' runtime names,
     * and whether any run retries or has one */
    char **brk_names;
    int n_brk_names;
    size_t cap_brk_names;
    bool dynamics;
    /* every SLO text of every run, each once, in order (the columns) */
    char **slo_texts;
    int n_slo_texts;
    size_t cap_slo_texts;
    bool slo_usage;                 /* a --slo is wrong (usage, not file)  */
} ss_exp_info;

/* Loads every file at every point into d (all errors, none run); false
 * when any is invalid. Fills info (may be NULL); free it with
 * ss_exp_info_free. */
bool ss_exp_check(const ss_exp *e, ss_diag *d, ss_exp_info *info);
void ss_exp_info_free(ss_exp_info *info);

/* File at point p with the experiment's --set and the point's values. */
ss_scenario *ss_exp_load_point(const ss_exp *e, const char *file, long p, ss_diag *d);
/* File i with --set and the overrides given (the point's, or none). */
ss_scenario *ss_exp_load(const ss_exp *e, const char *file, const ss_override *ov, int n,
                         ss_diag *d);

/* Replications [first, first + n) of sc with e's run options, on up to
 * e->jobs threads, into out[0..n). SS_OK, or the first failure (by
 * replication) with why; out then holds what finished (NULL elsewhere). */
ss_status ss_exp_batch(const ss_exp *e, const ss_scenario *sc, unsigned first, int n,
                       ss_result **out, char *why, size_t why_len);

/* The bottleneck named most often across n results (ties: the first's). */
const char *ss_exp_usual_bottleneck(ss_result *const *rs, int n);

/* ss_exp_run with e->precision (sim/exp/precise.c). */
ss_status ss_exp_run_precise(const ss_exp *e, const ss_exp_hooks *h, char *why, size_t why_len,
                             long *done);

/* Runs the slice (everything by default) in order. On a run's failure returns its status with the
 * reason in why (file and message); *done counts the runs completed. */
ss_status ss_exp_run(const ss_exp *e, const ss_exp_hooks *h, char *why, size_t why_len,
                     long *done);

#endif
