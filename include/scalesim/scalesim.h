/*
 * scalesim/scalesim.h -- running scenarios from C.
 *
 * A run is a plain function call on a loaded, immutable scenario: no global
 * state, so a planner can run the engine many times in one process and
 * several runs can go on in parallel threads. A run's random streams depend
 * only on (seed, replication), never on which worker runs it, so a sweep
 * farmed out over machines gives byte-identical results.
 */
#ifndef SCALESIM_SCALESIM_H
#define SCALESIM_SCALESIM_H

#include <signal.h>
#include <stdbool.h>
#include <stdint.h>

#include "scalesim/status.h"
#include "scalesim/time.h"

typedef struct ss_scenario ss_scenario;
typedef struct ss_result ss_result;

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

void ss_run_opts_init(ss_run_opts *o);

/* Runs sc once. On success *out holds the result (free with
 * ss_result_free); on failure *out is NULL. */
ss_status ss_run(const ss_scenario *sc, const ss_run_opts *opts, ss_result **out);
void ss_result_free(ss_result *r);

#endif
