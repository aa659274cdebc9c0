/*
 * sim/engine/sim.c -- the engine as a model sees it (scalesim/model.h):
 * the clock, scheduling, the network's latencies, the scenario's facts,
 * internal jobs. Moving requests is route.c; setting a run up, the event
 * loop and tearing down are run.c.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <gsl/gsl_errno.h>

#include "engine.h"
#include "observe.h"
#include "units.h"
#include "registry.h"
#include "scalesim/mem.h"
#include "scalesim/rng.h"
#include "scalesim/station.h"
#include "sim_assert.h"
#include "sim_internal.h"

/* ---- the face models see -------------------------------------------------- */

int ss_sim_handler(ss_sim *sim, ss_event_fn fn, void *obj)
{
    SS_GROW(sim->handlers, sim->cap_handlers, sim->n_handlers + 1);
    sim->handlers[sim->n_handlers] = (ss_handler){fn, obj};
    return (int)sim->n_handlers++;
}

void ss_sim_schedule(ss_sim *sim, ss_time delay, int handler, uint32_t code, void *ptr)
{
    SS_ASSERT(delay >= 0);
    ss_evq_push(sim->evq, sim->now + delay, (uint32_t)handler, code, ptr);
}

ss_time ss_sim_now(const ss_sim *sim) { return sim->now; }
bool ss_sim_measuring(const ss_sim *sim) { return sim->now >= sim->t_measure; }
ss_time ss_sim_measure_start(const ss_sim *sim) { return sim->t_measure; }

double ss_sim_window_s(const ss_sim *sim)
{
    return sim->now > sim->t_measure ? ss_time_to_s(sim->now - sim->t_measure) : 0;
}

int ss_sim_regions(const ss_sim *sim) { return sim->sc->n_regions; }
const char *ss_sim_region_name(const ss_sim *sim, int r) { return sim->sc->region_names[r]; }
uint64_t ss_sim_keys(const ss_sim *sim)
{
    /* classes with keys of their own may have more than the workload */
    const ss_workload *wl = &sim->sc->wl;
    uint64_t n = wl->keys.count;
    for (int k = 0; k < wl->n_classes; k++)
        if (wl->classes[k].own_keys && wl->classes[k].keys.count > n)
            n = wl->classes[k].keys.count;
    return n;
}
int ss_sim_dcs(const ss_sim *sim) { return sim->sc->n_dcs; }
int ss_sim_dc_region(const ss_sim *sim, int dc) { return sim->sc->dcs[dc].region; }
bool ss_sim_dc_up(const ss_sim *sim, int dc) { return sim->dc_up[dc]; }
ss_time ss_sim_dc_down_since(const ss_sim *sim, int dc) { return sim->dc_down_since[dc]; }
const char *ss_sim_dc_name(const ss_sim *sim, int dc) { return sim->sc->dcs[dc].name; }
ss_time ss_sim_distance(const ss_sim *sim, int a, int b) { return sim->net.lat_mean_ns[a][b]; }

void ss_sim_register_station(ss_sim *sim, ss_station *st)
{
    SS_GROW(sim->stations, sim->cap_stations, sim->n_stations + 1);
    sim->stations[sim->n_stations++] = st;
}

int ss_sim_classes(const ss_sim *sim) { return sim->sc->wl.n_classes; }

void ss_sim_skip_reply(ss_sim *sim, int comp_id)
{
    sim->comps[comp_id].has_reply = false; /* run.c sets `stops` after init */
}

const ss_dist *const *ss_sim_class_services(const ss_sim *sim, const char *name)
{
    for (int i = 0; i < sim->n_comps; i++)
        if (strcmp(sim->comps[i].name, name) == 0)
            return sim->comps[i].cls_service;
    return NULL;
}

double ss_sim_class_size(const ss_sim *sim, int cls)
{
    return cls >= 0 && cls < sim->sc->wl.n_classes ? sim->sc->wl.classes[cls].size_bytes : 0;
}

ss_time ss_sim_latency(ss_sim *sim, int a, int b)
{
    if (a == b)
        return sim->net.lat_random[a][a] ? ss_dist_sample_ns(&sim->sc->net.hop, sim->net.rng_net)
                                     : sim->net.lat_ns[a][a];
    return sim->net.lat_random[a][b] ? ss_dist_sample_ns(&sim->sc->net.lat[a][b], sim->net.rng_net)
                                 : sim->net.lat_ns[a][b];
}

/* Client to the first component: the last mile (network.client) plus the
 * latency between the user's region and the component's. Within one
 * region that second part is the matrix's diagonal (0 unless given). */
ss_time ss_sim_client_latency(ss_sim *sim, int user_region, int comp_region)
{
    ss_time t = sim->net.client_random ? ss_dist_sample_ns(&sim->sc->net.client, sim->net.rng_net)
                                   : sim->net.client_ns;
    if (user_region == comp_region) {
        if (sim->sc->net.has_matrix)
            t += ss_dist_sample_ns(&sim->sc->net.lat[user_region][user_region], sim->net.rng_net);
        return t;
    }
    return t + ss_sim_latency(sim, user_region, comp_region);
}

ss_req *ss_sim_job_new(ss_sim *sim)
{
    ss_req *r = ss_sim_req_alloc(sim);
    r->cls = SS_CLS_JOB;
    r->user = UINT32_MAX;
    return r;
}

void ss_sim_job_free(ss_sim *sim, ss_req *job)
{
    ss_sim_req_release(sim, job);
}

const ss_model_ops *ss_sim_next(ss_sim *sim, const ss_req *req, void **state)
{
    int next = req->pos == UINT8_MAX ? 0 : req->pos + 1;
    if (next >= req->n_route)
        return NULL;
    ss_rcomp *c = &sim->comps[req->route[next]];
    *state = c->state;
    return c->ops;
}

