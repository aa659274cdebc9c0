/*
 * sim/engine/predict.h -- queueing theory's view of a loaded scenario: the
 * offered load of each station from the workload, the routes and the class
 * weights, and what the formulas of sim/result/theory.h say of it.
 *
 * Two uses: the planner prunes a candidate that some station cannot carry
 * (before any run), and --theory prints the prediction beside what a run
 * measured (SPEC 9), taking the caches' hit ratios from that run.
 */
#ifndef SS_PREDICT_H
#define SS_PREDICT_H

#include <stdbool.h>
#include <stddef.h>

#include "result.h"
#include "scenario.h"
#include "theory.h"

/* True when some station's offered load is at or above its capacity
 * (lambda E[S] >= instances x servers); why says "utilisation X >= 1 at
 * NAME". An open workload at a constant rate only: a closed one cannot
 * overload (its users wait), a profile's peak is not its mean. A cache's
 * hit ratio is unknown before a run, so what follows a cache is taken as
 * never reached: a lower bound of the load, which never prunes a
 * candidate that could pass. */
bool ss_predict_overloaded(const ss_scenario *sc, char *why, size_t len);

/* Theory's figures for every component of sc (in its order) and for the
 * whole, the caches' hit ratios taken from res (a run of sc; NULL: none
 * known, so nothing passes a cache). The caller owns the prediction
 * (ss_theory_pred_free).
 *
 * Open workloads: each copy of a station (instances, split evenly) is
 * M/M/c, M/M/c/K with a queue bound, M/G/1 (Pollaczek-Khinchine) or
 * M/G/c (Allen-Cunneen) when the service is not exponential, M/G/inf
 * without servers; the request's mean is the sum over the stations it
 * reaches of wait and service, plus the network's round trips. Closed
 * workloads: exact MVA over the stations on the request's path (Seidmann
 * for several servers), the network and server-less stations as delays.
 * Where theory does not apply (a kind without a model, replicas, several
 * datacenters, a rate profile, a station past one of those, an overload)
 * the station's note says so and its figures are NAN. */
ss_theory_pred *ss_predict_eval(const ss_scenario *sc, const ss_result *res);

#endif
