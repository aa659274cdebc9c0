/*
 * sim/engine/sim.c -- the engine: the event loop and the movement of requests.
 *
 * A request moves forward along its route: for each position the next
 * component picks an instance (a load balancer may have picked it already),
 * the hop's latency passes (network.hop within a region, the region matrix
 * across regions, network.client from the client), and the component's
 * `request` handler runs. The answer goes back position by position; where
 * a component wants to see it (`reply`: a cache filling itself) an event
 * stops there at the right time, elsewhere the latencies are summed and the
 * answer jumps straight to the client. So a route without caches or
 * balancers costs one event per hop forward and one for the whole way back.
 * Errors travel back the same way and pass the same `reply` handlers, with
 * SS_REQ_FAILED set (a balancer must count the answer either way).
 *
 * Zero latencies deliver at once, without an event: the order stays causal
 * and deterministic, and the M/M/1 benchmark runs with two events per
 * customer.
 *
 * Invariant: time never goes back (asserted in debug builds); every request
 * that leaves a client comes back to it exactly once, answered or failed.
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

/* Events at one instant before a run is declared stuck: far more than any
 * real burst (a million users all sending at t = 0 is a million). */
#define SS_MAX_SAME_TIME 50000000ULL

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
ss_time ss_sim_distance(const ss_sim *sim, int a, int b) { return sim->lat_mean_ns[a][b]; }

void ss_sim_register_station(ss_sim *sim, ss_station *st)
{
    SS_GROW(sim->stations, sim->cap_stations, sim->n_stations + 1);
    sim->stations[sim->n_stations++] = st;
}

int ss_sim_classes(const ss_sim *sim) { return sim->sc->wl.n_classes; }

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
        return sim->lat_random[a][a] ? ss_dist_sample_ns(&sim->sc->net.hop, sim->rng_net)
                                     : sim->lat_ns[a][a];
    return sim->lat_random[a][b] ? ss_dist_sample_ns(&sim->sc->net.lat[a][b], sim->rng_net)
                                 : sim->lat_ns[a][b];
}

/* Client to the first component: the last mile (network.client) plus the
 * latency between the user's region and the component's. Within one
 * region that second part is the matrix's diagonal (0 unless given). */
ss_time ss_sim_client_latency(ss_sim *sim, int user_region, int comp_region)
{
    ss_time t = sim->client_random ? ss_dist_sample_ns(&sim->sc->net.client, sim->rng_net)
                                   : sim->client_ns;
    if (user_region == comp_region) {
        if (sim->sc->net.has_matrix)
            t += ss_dist_sample_ns(&sim->sc->net.lat[user_region][user_region], sim->rng_net);
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

/* ---- moving requests ------------------------------------------------------ */

static inline void deliver(ss_sim *sim, ss_req *req)
{
    ss_rcomp *c = &sim->comps[req->route[req->pos]];
    c->ops->request(c->state, sim, req);
}

static void on_deliver(void *obj, ss_sim *sim, void *ptr, uint32_t code)
{
    deliver(sim, ptr);
}

static void move_to(ss_sim *sim, ss_req *req, int next, int inst, int region)
{
    ss_time lat = req->pos == UINT8_MAX ? ss_sim_client_latency(sim, req->region, region)
                                        : ss_sim_latency(sim, req->reg[req->pos], region);
    req->pos = (uint8_t)next;
    req->inst[next] = (uint16_t)inst;
    req->reg[next] = (uint8_t)region;
    ss_obs_note_at(sim, req, req->route[next], SS_NOTE_NETWORK, lat);
    if (lat == 0)
        deliver(sim, req);
    else
        ss_evq_push(sim->evq, sim->now + lat, (uint32_t)sim->h_deliver, 0, req);
}

void ss_sim_forward(ss_sim *sim, ss_req *req)
{
    int next = req->pos == UINT8_MAX ? 0 : req->pos + 1;
    if (next >= req->n_route) {
        ss_sim_respond(sim, req);
        return;
    }
    ss_rcomp *c = &sim->comps[req->route[next]];
    int region = c->ctx.region, inst;
    if (c->ops->pick)
        inst = c->ops->pick(c->state, sim, req, &region);
    else
        inst = ss_station_pick(c->ops->station(c->state));
    move_to(sim, req, next, inst, region);
}

void ss_sim_forward_to(ss_sim *sim, ss_req *req, int instance)
{
    int next = req->pos == UINT8_MAX ? 0 : req->pos + 1;
    SS_ASSERT(next < req->n_route);
    move_to(sim, req, next, instance, sim->comps[req->route[next]].ctx.region);
}

/* The answer (or the error) is at position pos, on its way back. */
static void go_back(ss_sim *sim, ss_req *req, int pos)
{
    ss_time lat = 0;
    while (pos > 0) {
        ss_time hop = ss_sim_latency(sim, req->reg[pos], req->reg[pos - 1]);
        ss_obs_note_at(sim, req, req->route[pos], SS_NOTE_NETWORK, hop);
        lat += hop;
        pos--;
        if (sim->comps[req->route[pos]].has_reply) {
            if (lat == 0) {
                ss_rcomp *c = &sim->comps[req->route[pos]];
                req->pos = (uint8_t)pos;
                c->ops->reply(c->state, sim, req);
                continue;
            }
            ss_evq_push(sim->evq, sim->now + lat, (uint32_t)sim->h_return, (uint32_t)pos, req);
            return;
        }
    }
    if (pos == 0) {
        ss_time last = ss_sim_client_latency(sim, req->region, req->reg[0]);
        ss_obs_note_at(sim, req, req->route[0], SS_NOTE_NETWORK, last);
        lat += last;
    }
    if (lat == 0)
        ss_client_answer(NULL, sim, req, 0);
    else
        ss_evq_push(sim->evq, sim->now + lat, (uint32_t)sim->h_client, 0, req);
}

static void on_return(void *obj, ss_sim *sim, void *ptr, uint32_t code)
{
    ss_req *req = ptr;
    ss_rcomp *c = &sim->comps[req->route[code]];
    req->pos = (uint8_t)code;
    c->ops->reply(c->state, sim, req);
    go_back(sim, req, (int)code);
}

void ss_sim_respond(ss_sim *sim, ss_req *req)
{
    go_back(sim, req, req->pos == UINT8_MAX ? -1 : req->pos);
}

void ss_sim_fail(ss_sim *sim, ss_req *req, ss_fail why)
{
    if (req->cls == SS_CLS_JOB) {
        /* Internal work has no client: its owner set ctx to be told. */
        ss_sim_job_free(sim, req);
        return;
    }
    req->flags |= SS_REQ_FAILED;
    req->fail_why = (uint8_t)why;
    go_back(sim, req, req->pos == UINT8_MAX ? -1 : req->pos);
}

void ss_sim_send(ss_sim *sim, ss_req *req)
{
    req->pos = UINT8_MAX;
    ss_sim_forward(sim, req);
}

/* ---- faults ------------------------------------------------------------- */

static void on_fault(void *obj, ss_sim *sim, void *ptr, uint32_t code)
{
    const ss_fault *f = &sim->sc->faults[code / 2];
    bool begin = code % 2 == 0;
    ss_fault_ev ev = {f->action, begin, f->instance, f->primary, f->replica, f->factor, f->dc};
    if (f->action == SS_FAULT_OUTAGE) {
        /* Every copy in the datacenter goes down; a component that spans
         * datacenters is told which one and takes down its part there. */
        sim->dc_up[f->dc] = !begin;
        sim->dc_down_since[f->dc] = begin ? sim->now : -1;
        for (int i = 0; i < sim->n_comps; i++) {
            ss_rcomp *c = &sim->comps[i];
            if (c->ops->fault && (c->ctx.dc == f->dc || c->ctx.dc < 0))
                c->ops->fault(c->state, sim, &ev);
        }
        return;
    }
    for (int d = 0; d < sim->sc->n_dcs; d++) {
        int id = sim->rc_of[f->component][d];
        /* A single copy appears under every datacenter: visit it once. */
        bool seen = false;
        for (int e = 0; e < d; e++)
            seen |= sim->rc_of[f->component][e] == id;
        if (seen || !sim->comps[id].ops->fault)
            continue;
        sim->comps[id].ops->fault(sim->comps[id].state, sim, &ev);
    }
}

/* ---- the memory budget --------------------------------------------------- */

static double waiting_at(const ss_station *st)
{
    double q = 0;
    for (int i = 0; i < st->n; i++)
        q += st->inst[i].qlen;
    return q;
}

/* Called every 2^16 events: true while the requests in flight and their
 * events fit the budget. Past it, an unstable system is a finding, not a
 * crash: say which queue grew, when, and how fast (from the queue lengths
 * at the previous check). */
static bool memory_ok(ss_sim *sim, double budget)
{
    size_t n = sim->n_stations;
    if (!sim->station_qlen && n)
        sim->station_qlen = ss_calloc(n, sizeof *sim->station_qlen);
    double used = (double)sim->req_bytes + (double)ss_evq_bytes(sim->evq);
    if (used <= budget) {
        for (size_t i = 0; i < n; i++)
            sim->station_qlen[i] = waiting_at(sim->stations[i]);
        sim->mem_check_t = sim->now;
        return true;
    }
    const ss_station *worst = NULL;
    double worst_q = 0, worst_prev = 0;
    for (size_t i = 0; i < n; i++) {
        double q = waiting_at(sim->stations[i]);
        if (q > worst_q) {
            worst = sim->stations[i];
            worst_q = q;
            worst_prev = sim->station_qlen[i];
        }
    }
    if (sim->opts.error && sim->opts.error_len) {
        char size[32];
        int k = snprintf(sim->opts.error, sim->opts.error_len,
                         "the requests in flight outgrew the memory budget (%s, "
                         "--max-memory) at t = %.1f s: %lld requests in flight",
                         ss_units_format_size(budget, size, sizeof size),
                         ss_time_to_s(sim->now), (long long)sim->n_inflight);
        double dt = ss_time_to_s(sim->now - sim->mem_check_t);
        if (worst && k > 0 && (size_t)k < sim->opts.error_len)
            snprintf(sim->opts.error + k, sim->opts.error_len - (size_t)k,
                     "; the queue of %s holds %.0f and grew by %.0f a second (the system "
                     "cannot keep up with its load there)", worst->name, worst_q,
                     dt > 0 ? (worst_q - worst_prev) / dt : 0);
    }
    return false;
}

/* ---- setting up and tearing down ----------------------------------------- */

void ss_run_opts_init(ss_run_opts *o)
{
    memset(o, 0, sizeof *o);
    o->duration = -1;
    o->warmup = -1;
}

static void setup_network(ss_sim *sim)
{
    const ss_network *net = &sim->sc->net;
    int R = sim->sc->n_regions;
    for (int a = 0; a < R; a++)
        for (int b = 0; b < R; b++) {
            const ss_dist *d = a == b ? &net->hop : &net->lat[a][b];
            sim->lat_random[a][b] = d->kind != SS_DIST_CONST;
            sim->lat_ns[a][b] = ss_time_from_s(d->p[0]);
            sim->lat_mean_ns[a][b] = a == b ? 0 : ss_time_from_s(ss_dist_mean(d));
        }
    sim->client_random = net->client.kind != SS_DIST_CONST;
    sim->client_ns = ss_time_from_s(net->client.p[0]);
}

/* Whether component def runs as one copy (its kind spans datacenters, it
 * has a placement, or there is one datacenter), and the copy's name. */
static bool single_copy(const ss_scenario *sc, const ss_component *def)
{
    return (def->ops->flags & SS_MODEL_SPANS_DCS) || def->placement >= 0 || sc->n_dcs == 1;
}

static void copy_name(const ss_scenario *sc, const ss_component *def, int d, char *buf,
                      size_t n)
{
    if (single_copy(sc, def))
        snprintf(buf, n, "%s", def->name);
    else
        snprintf(buf, n, "%s@%s", def->name, sc->dcs[d].name);
}

int ss_scenario_runtime_names(const ss_scenario *sc, char (*names)[80], int max)
{
    int n = 0;
    for (int i = 0; i < sc->n_comps; i++)
        for (int d = 0; d < (single_copy(sc, &sc->comps[i]) ? 1 : sc->n_dcs) && n < max; d++)
            copy_name(sc, &sc->comps[i], d, names[n++], sizeof names[0]);
    return n;
}

static void setup_components(ss_sim *sim)
{
    const ss_scenario *sc = sim->sc;
    int cap = sc->n_comps * sc->n_dcs;
    sim->comps = ss_calloc((size_t)cap, sizeof *sim->comps);
    sim->resolver = -1;
    for (int i = 0; i < sc->n_comps; i++) {
        const ss_component *def = &sc->comps[i];
        bool single = single_copy(sc, def);
        for (int d = 0; d < sc->n_dcs; d++) {
            if (single && d > 0) {
                sim->rc_of[i][d] = sim->rc_of[i][0];
                continue;
            }
            int id = sim->n_comps++;
            sim->rc_of[i][d] = id;
            ss_rcomp *c = &sim->comps[id];
            c->def = def;
            c->ops = def->ops;
            int dc = single ? (def->placement >= 0 ? def->placement : 0) : d;
            if (single && sc->n_dcs > 1 && def->placement < 0)
                dc = 0;
            copy_name(sc, def, d, c->name, sizeof c->name);
            c->ctx.name = c->name;
            c->ctx.base_name = def->name;
            c->ctx.id = id;
            c->ctx.dc = (def->ops->flags & SS_MODEL_SPANS_DCS) ? -1 : dc;
            c->ctx.home_dc = dc;
            c->ctx.region = sc->dcs[dc].region;
            c->ctx.cfg = def->cfg;
            c->ctx.rng = ss_rng_new(ss_rng_derive(sim->seed, sim->opts.replication, c->name, 0));
            c->has_reply = def->ops->reply != NULL;
            if (def->ops->resolve)
                sim->resolver = id;
        }
    }
    /* Classes' own service times, before the models look for them. */
    const ss_workload *wl = &sc->wl;
    for (int k = 0; k < wl->n_classes; k++)
        for (int j = 0; j < wl->classes[k].n_service; j++) {
            const ss_class_service *cs = &wl->classes[k].service[j];
            for (int id = 0; id < sim->n_comps; id++) {
                ss_rcomp *c = &sim->comps[id];
                if (c->def != &sc->comps[cs->comp])
                    continue;
                if (!c->cls_service)
                    c->cls_service = ss_calloc((size_t)wl->n_classes, sizeof *c->cls_service);
                c->cls_service[k] = &cs->dist;
            }
        }
    for (int id = 0; id < sim->n_comps; id++) {
        ss_rcomp *c = &sim->comps[id];
        c->state = ss_calloc(1, c->ops->state_size ? c->ops->state_size : 1);
        c->ops->init(c->state, sim, &c->ctx);
    }
    /* Routes, resolved per datacenter to the copy that serves it. */
    sim->routes = ss_calloc((size_t)wl->n_classes * (size_t)sc->n_dcs * SS_ROUTE_MAX,
                            sizeof *sim->routes);
    for (int k = 0; k < wl->n_classes; k++)
        for (int d = 0; d < sc->n_dcs; d++)
            for (int p = 0; p < wl->classes[k].n_route; p++)
                sim->routes[((size_t)k * sc->n_dcs + d) * SS_ROUTE_MAX + p] =
                    (uint16_t)sim->rc_of[wl->classes[k].route[p]][d];
}

static void teardown(ss_sim *sim)
{
    for (int i = 0; i < sim->n_comps; i++) {
        ss_rcomp *c = &sim->comps[i];
        if (c->state && c->ops->destroy)
            c->ops->destroy(c->state);
        ss_free(c->state);
        ss_free(c->cls_service);
        ss_rng_free(c->ctx.rng);
    }
    ss_free(sim->comps);
    ss_free(sim->routes);
    ss_client_release(sim);
    ss_obs_release(sim);
    ss_rng_free(sim->rng_net);
    ss_evq_free(sim->evq);
    ss_free(sim->handlers);
    ss_free(sim->stations);
    ss_free(sim->station_qlen);
    ss_free(sim);
}

#ifndef SS_VERSION
#define SS_VERSION "dev"
#endif

const char *ss_version(void)
{
    return SS_VERSION;
}

ss_status ss_run(const ss_scenario *sc, const ss_run_opts *opts, ss_result **out)
{
    *out = NULL;
    ss_gsl_quiet();
    ss_sim *sim = ss_calloc(1, sizeof *sim);
    sim->sc = sc;
    ss_run_opts_init(&sim->opts);
    if (opts)
        sim->opts = *opts;
    sim->seed = sim->opts.seed_set ? sim->opts.seed : sc->seed;
    ss_time warmup = sim->opts.warmup >= 0 ? sim->opts.warmup : sc->warmup;
    ss_time duration = sim->opts.duration >= 0 ? sim->opts.duration : sc->duration;
    sim->t_measure = warmup;
    sim->t_end = warmup + duration;
    size_t hint = sc->wl.closed && sc->wl.think.kind != SS_DIST_EXP ? (size_t)sc->wl.users + 1024
                                                                     : 4096;
    /* Auto: the heap when only a handful of events are ever pending (M/M/1
     * has about ten: the heap's few compares beat the calendar's fixed
     * costs), the calendar queue for everything busier (20% faster from
     * stage 3 up; tests/bench measures both). */
    bool small = sc->wl.closed ? sc->wl.users < 1000 : sc->wl.rate_per_s < 1000 &&
                                                           sc->wl.n_profile == 0;
    ss_evq_kind kind = sim->opts.event_queue == 1   ? SS_EVQ_HEAP
                       : sim->opts.event_queue == 2 ? SS_EVQ_CALENDAR
                       : small                      ? SS_EVQ_HEAP
                                                    : SS_EVQ_CALENDAR;
    sim->evq = ss_evq_new(kind, hint);
    sim->h_deliver = ss_sim_handler(sim, on_deliver, NULL);
    sim->h_return = ss_sim_handler(sim, on_return, NULL);
    sim->h_client = ss_sim_handler(sim, ss_client_answer, NULL);
    sim->h_fault = ss_sim_handler(sim, on_fault, NULL);
    sim->rng_net = ss_rng_new(ss_rng_derive(sim->seed, sim->opts.replication, "network", 0));
    for (int d = 0; d < sc->n_dcs; d++) {
        sim->dc_up[d] = true;
        sim->dc_down_since[d] = -1;
    }
    setup_network(sim);
    ss_client_init(sim);
    setup_components(sim);
    ss_obs_init(sim);
    for (int i = 0; i < sc->n_faults; i++) {
        const ss_fault *f = &sc->faults[i];
        ss_evq_push(sim->evq, f->at, (uint32_t)sim->h_fault, (uint32_t)(2 * i), NULL);
        if (f->duration > 0)
            ss_evq_push(sim->evq, f->at + f->duration, (uint32_t)sim->h_fault,
                        (uint32_t)(2 * i + 1), NULL);
    }
    ss_client_start(sim);

    clock_t cpu0 = clock();
    ss_evq *q = sim->evq;
    const ss_handler *h;
    ss_event ev;
    uint64_t events = 0, same_time = 0;
    ss_time t_end = sim->t_end;
    ss_status status = SS_OK;
    double budget = sim->opts.max_memory > 0 ? sim->opts.max_memory : ss_default_max_memory();
    while (ss_evq_pop(q, &ev)) {
        if (ev.t >= t_end)
            break;
        SS_ASSERT(ev.t >= sim->now);
        /* A loop of steps that take no time (think 0s, service 0s, no
         * latency) would never reach the end: stop and say so. */
        if (ev.t == sim->now) {
            if (++same_time > SS_MAX_SAME_TIME) {
                if (sim->opts.error && sim->opts.error_len)
                    snprintf(sim->opts.error, sim->opts.error_len,
                             "simulated time stopped at %.9g s: %llu events without it moving "
                             "(a loop of zero times: think_time, service and latency all 0?)",
                             ss_time_to_s(sim->now), (unsigned long long)same_time);
                status = SS_RUNTIME;
                break;
            }
        } else {
            same_time = 0;
        }
        sim->now = ev.t;
        h = &sim->handlers[ev.handler];
        h->fn(h->obj, sim, ev.ptr, ev.code);
        if ((++events & 0xffff) == 0) {
            if (sim->opts.progress)
                sim->opts.progress(sim->opts.progress_ctx, (double)sim->now / (double)t_end,
                                   events);
            if (sim->opts.stop && *sim->opts.stop) {
                status = SS_INTERRUPTED;
                break;
            }
            if (!memory_ok(sim, budget)) {
                status = SS_RUNTIME;
                break;
            }
        }
    }
    sim->now = t_end;
    sim->events = events;
    ss_obs_finish(sim);
    if (sim->opts.progress)
        sim->opts.progress(sim->opts.progress_ctx, 1.0, events);

    if (status != SS_OK) {
        teardown(sim);
        return status;
    }
    ss_result *res = ss_calloc(1, sizeof *res);
    ss_report_build(sim, res);
    res->cpu_s = (double)(clock() - cpu0) / CLOCKS_PER_SEC;
    teardown(sim);
    *out = res;
    return SS_OK;
}
