/*
 * sim/engine/engine.h -- what the layers above ask the engine besides running
 * (ss_run, in scalesim/scalesim.h).
 */
#ifndef SS_ENGINE_H
#define SS_ENGINE_H

#include "scenario.h"

/* The names components have in a run ("app", or "app@eu-west" for each
 * datacenter's copy), in the order of the run's results; at most max of
 * them. Their count. */
int ss_scenario_runtime_names(const ss_scenario *sc, char (*names)[80], int max);
/* The same, of the components with a `breaker` only. */
int ss_scenario_breaker_names(const ss_scenario *sc, char (*names)[80], int max);
/* Whether a run of sc retries (workload.retry or a class's). */
bool ss_scenario_retries(const ss_scenario *sc);

#endif
