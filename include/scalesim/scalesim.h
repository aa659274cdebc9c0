/*
 * scalesim/scalesim.h -- scalesim as a library (SPEC.md 13): load a
 * scenario, run it, read its figures by name, merge results.
 *
 *     ss_diag *d = ss_diag_new();
 *     const char *sets[] = {"workload.users=50000", NULL};
 *     ss_scenario *sc = ss_scenario_load("scenarios/stage3-load-balancer.yaml", sets, d);
 *     if (!sc) { ss_diag_print(d, stderr); ... }
 *     ss_result *r;
 *     if (ss_run(sc, NULL, &r) == SS_OK)
 *         printf("%.1f ms\n", ss_result_figure(r, "p95_ms"));
 *     ss_result_free(r); ss_scenario_free(sc); ss_diag_free(d);
 *
 * Handles are opaque. Whoever gets one from a *_new, *_load, *_parse or
 * ss_run frees it with the matching *_free, and *_free(NULL) does nothing.
 * There is no global state: a loaded scenario is immutable, so threads may
 * run it side by side, and a run's random streams depend only on (seed,
 * replication), never on which thread or machine runs it. (GSL's
 * abort-on-error handler is switched off the first time a scenario is
 * loaded or run: the library reports errors, it never aborts.)
 */
#ifndef SCALESIM_SCALESIM_H
#define SCALESIM_SCALESIM_H

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "scalesim/status.h"
#include "scalesim/time.h"

typedef struct ss_scenario ss_scenario;
typedef struct ss_result ss_result;
typedef struct ss_diag ss_diag;

/* "0.2.0" */
const char *ss_version(void);

/* ---- diagnostics ------------------------------------------------------------ */

/* Errors of loading, collected (file:line:col: error: PATH: expected X,
 * got Y), with the source line and a caret when printed. */
ss_diag *ss_diag_new(void);
void ss_diag_free(ss_diag *d);
int ss_diag_errors(const ss_diag *d);
void ss_diag_print(const ss_diag *d, FILE *out);
/* The first error's first line into buf ("" when there is none). */
const char *ss_diag_first(const ss_diag *d, char *buf, size_t n);

/* ---- scenarios ------------------------------------------------------------------ */

/* Loads a scenario file, following `extends`, then applies the overrides
 * (a NULL-terminated list of "PATH=VALUE", as --set takes them; NULL for
 * none) and validates. NULL when anything is wrong: d says what. */
ss_scenario *ss_scenario_load(const char *file, const char *const *sets, ss_diag *d);
/* The same from YAML text; `name` names it in errors and is where a
 * relative `extends` or `pricing` is looked for ("dir/x.yaml": in dir). */
ss_scenario *ss_scenario_parse(const char *name, const char *yaml, const char *const *sets,
                               ss_diag *d);
void ss_scenario_free(ss_scenario *sc);
const char *ss_scenario_name(const ss_scenario *sc);

/* ---- running ------------------------------------------------------------------------- */

typedef struct ss_run_opts {
    bool seed_set;              /* else the scenario's simulation.seed     */
    uint64_t seed;
    unsigned replication;       /* 0, 1, ...: independent streams          */
    ss_time duration, warmup;   /* -1: the scenario's                      */
    ss_time interval;           /* sampling interval; 0: 1 s               */
    bool timeseries;            /* keep a row per interval                 */
    bool breakdown;             /* record where each class's time goes     */
    int event_queue;            /* 0: auto, 1: heap, 2: calendar queue     */
    /* Bytes the run may hold: requests in flight and their events; past
     * it the run stops with SS_RUNTIME and says which queue grew.
     * 0: a quarter of the machine's memory. */
    double max_memory;
    /* Polled now and then: when it becomes non-zero (a signal handler sets
     * it) the run stops with SS_INTERRUPTED. May be NULL. */
    const volatile sig_atomic_t *stop;
    /* When a run fails, why (may be NULL). */
    char *error;
    size_t error_len;
    /* Called now and then with the fraction of simulated time done. */
    void (*progress)(void *ctx, double done, uint64_t events);
    void *progress_ctx;
} ss_run_opts;

/* Defaults: the scenario's seed, duration and warm-up, replication 0. */
void ss_run_opts_init(ss_run_opts *o);

/* Runs sc once (opts may be NULL). On success *out holds the result (free
 * with ss_result_free); on failure *out is NULL. */
ss_status ss_run(const ss_scenario *sc, const ss_run_opts *opts, ss_result **out);

/* ---- results ------------------------------------------------------------------------- */

/* A figure by name, NAN when there is none: a summary figure of SPEC.md
 * 5.1 ("p95_ms", "throughput_rps", "cost_month_usd", ...),
 * "availability", "requests.timeout", "classes.NAME.p99_ms",
 * "regions.NAME.p50_ms", "components.NAME.util",
 * "components.NAME.stale_read_ratio" (a kind's own figure),
 * "components.NAME[INSTANCE].mean_wait_ms". */
double ss_result_figure(const ss_result *r, const char *name);
/* The bottleneck's name ("db.replicas"), "" when nothing has a capacity. */
const char *ss_result_bottleneck(const ss_result *r);
/* Adds b into a, exactly (counts add, histograms merge): the figures of a
 * are then those of one run as long as both. Both must be results of one
 * scenario; false, changing nothing, otherwise. */
bool ss_result_merge(ss_result *a, const ss_result *b);
void ss_result_free(ss_result *r);

#endif
