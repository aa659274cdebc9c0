/*
 * sim/engine/predict.h -- queueing theory's view of a loaded scenario,
 * before any run: the offered load of each station from the workload, the
 * routes and the class weights.
 *
 * Only the planner's pruning is built so far (the --theory columns are
 * not): a candidate whose station is offered at least its capacity cannot
 * meet a latency SLO, so it is not worth a run.
 */
#ifndef SS_PREDICT_H
#define SS_PREDICT_H

#include <stdbool.h>
#include <stddef.h>

#include "scenario.h"

/* True when some station's offered load is at or above its capacity
 * (lambda E[S] >= instances x servers); why says "utilisation X >= 1 at
 * NAME". An open workload at a constant rate only: a closed one cannot
 * overload (its users wait), a profile's peak is not its mean. A cache's
 * hit ratio is unknown before a run, so what follows a cache is taken as
 * never reached: a lower bound of the load, which never prunes a
 * candidate that could pass. */
bool ss_predict_overloaded(const ss_scenario *sc, char *why, size_t len);

#endif
