/*
 * sim/engine/run.c -- one run: setting it up (the network, the components
 * and their copies per datacenter, the routes), the event loop, faults,
 * the memory budget, tearing down, and the result it returns.
 *
 * Invariant: time never goes back (asserted in debug builds).
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
    double used = (double)sim->wl.req_bytes + (double)ss_evq_bytes(sim->evq);
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
                         ss_time_to_s(sim->now), (long long)sim->wl.n_inflight);
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
            sim->net.lat_random[a][b] = d->kind != SS_DIST_CONST;
            sim->net.lat_ns[a][b] = ss_time_from_s(d->p[0]);
            sim->net.lat_mean_ns[a][b] = a == b ? 0 : ss_time_from_s(ss_dist_mean(d));
        }
    sim->net.client_random = net->client.kind != SS_DIST_CONST;
    sim->net.client_ns = ss_time_from_s(net->client.p[0]);
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

static int names_of(const ss_scenario *sc, char (*names)[80], int max, bool breakers)
{
    int n = 0;
    for (int i = 0; i < sc->n_comps; i++)
        for (int d = 0; d < (single_copy(sc, &sc->comps[i]) ? 1 : sc->n_dcs) && n < max; d++)
            if (!breakers || sc->comps[i].breaker.on)
                copy_name(sc, &sc->comps[i], d, names[n++], sizeof names[0]);
    return n;
}

int ss_scenario_runtime_names(const ss_scenario *sc, char (*names)[80], int max)
{
    return names_of(sc, names, max, false);
}

int ss_scenario_breaker_names(const ss_scenario *sc, char (*names)[80], int max)
{
    return names_of(sc, names, max, true);
}

bool ss_scenario_retries(const ss_scenario *sc)
{
    const ss_workload *wl = &sc->wl;
    for (int k = 0; k < wl->n_classes; k++)
        if ((wl->classes[k].own_retry ? &wl->classes[k].retry : &wl->retry)->attempts > 1)
            return true;
    return false;
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
        if (c->def->breaker.on) {
            c->brk = ss_malloc(sizeof *c->brk);
            ss_breaker_init(c->brk, &c->def->breaker);
        }
        c->stops = c->has_reply || c->brk; /* after init: it may skip its reply */
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
        ss_free(c->brk);
        ss_rng_free(c->ctx.rng);
    }
    ss_free(sim->comps);
    ss_free(sim->routes);
    ss_client_release(sim);
    ss_obs_release(sim);
    ss_rng_free(sim->net.rng_net);
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
    sim->h_deliver = ss_sim_handler(sim, ss_route_on_deliver, NULL);
    sim->h_return = ss_sim_handler(sim, ss_route_on_return, NULL);
    sim->h_client = ss_sim_handler(sim, ss_client_answer, NULL);
    sim->h_fault = ss_sim_handler(sim, on_fault, NULL);
    sim->net.rng_net = ss_rng_new(ss_rng_derive(sim->seed, sim->opts.replication, "network", 0));
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
