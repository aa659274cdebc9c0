/*
 * sim/engine/observe.h -- what a run records beside the summary: a sample every
 * interval (the time series, and the availability of the worst interval)
 * and, on request, where each request class's time goes at each component
 * (the latency breakdown). Both cost nothing per event when not asked for,
 * but the interval counters, which are a few additions per request.
 */
#ifndef SS_OBSERVE_H
#define SS_OBSERVE_H

#include "result.h"

typedef struct ss_sim ss_sim;

void ss_obs_init(ss_sim *sim);
void ss_obs_release(ss_sim *sim);
/* Request outcomes, for the interval counters. */
void ss_obs_sent(ss_sim *sim);
void ss_obs_done(ss_sim *sim, bool ok, ss_time t_sent);
void ss_obs_retry(ss_sim *sim);
/* Internal: a breakdown note at an explicit runtime component. */
void ss_obs_note_at(ss_sim *sim, const ss_req *req, int comp, ss_note what, ss_time ns);
/* Closes the interval that ends when the run does. */
void ss_obs_finish(ss_sim *sim);
/* Fills the result's time series, availability and breakdown. */
void ss_obs_report(ss_sim *sim, ss_result *res);

#endif
