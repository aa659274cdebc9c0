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

#endif
