/*
 * sim/engine/route.c -- the movement of requests along their routes.
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
 * A component with a `breaker` (breaker.c) is asked before each delivery;
 * a call it refuses fails fast as `down` where it stands, without the
 * component seeing it. It is told every call's outcome: where the call is
 * answered or fails at it (ss_sim_respond, ss_sim_fail) and when the
 * answer passes back through it (an event stops there, as for `reply`).
 *
 * Zero latencies deliver at once, without an event: the order stays causal
 * and deterministic, and the M/M/1 benchmark runs with two events per
 * customer.
 *
 * Invariant: every request that leaves a client comes back to it exactly
 * once, answered or failed.
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

/* ---- moving requests ------------------------------------------------------ */

static void go_back(ss_sim *sim, ss_req *req, int pos);

static inline void deliver(ss_sim *sim, ss_req *req)
{
    ss_rcomp *c = &sim->comps[req->route[req->pos]];
    if (c->brk && !ss_breaker_admit(c->brk, sim)) {
        req->flags |= SS_REQ_FAILED;
        req->fail_why = SS_FAIL_DOWN;
        go_back(sim, req, req->pos); /* not an outcome of a call it let through */
        return;
    }
    c->ops->request(c->state, sim, req);
}

/* A call to c came back: failed, or answered after its client gave up. */
static inline void note_outcome(ss_sim *sim, const ss_rcomp *c, const ss_req *req)
{
    if (c->brk)
        ss_breaker_note(c->brk, sim, req->flags & (SS_REQ_FAILED | SS_REQ_ABANDONED));
}

void ss_route_on_deliver(void *obj, ss_sim *sim, void *ptr, uint32_t code)
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
        if (sim->comps[req->route[pos]].stops) {
            if (lat == 0) {
                ss_rcomp *c = &sim->comps[req->route[pos]];
                req->pos = (uint8_t)pos;
                note_outcome(sim, c, req);
                if (c->has_reply)
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

void ss_route_on_return(void *obj, ss_sim *sim, void *ptr, uint32_t code)
{
    ss_req *req = ptr;
    ss_rcomp *c = &sim->comps[req->route[code]];
    req->pos = (uint8_t)code;
    note_outcome(sim, c, req);
    if (c->has_reply)
        c->ops->reply(c->state, sim, req);
    go_back(sim, req, (int)code);
}

void ss_sim_respond(ss_sim *sim, ss_req *req)
{
    if (req->pos != UINT8_MAX && req->cls != SS_CLS_JOB)
        note_outcome(sim, &sim->comps[req->route[req->pos]], req);
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
    if (req->pos != UINT8_MAX)
        note_outcome(sim, &sim->comps[req->route[req->pos]], req);
    go_back(sim, req, req->pos == UINT8_MAX ? -1 : req->pos);
}

void ss_sim_send(ss_sim *sim, ss_req *req)
{
    req->pos = UINT8_MAX;
    ss_sim_forward(sim, req);
}

