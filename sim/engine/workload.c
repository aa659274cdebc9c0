/*
 * sim/engine/workload.c -- where requests come from and where their answers land.
 *
 * Closed model: each of `users` users thinks (think_time), sends one
 * request, waits for its answer or for the timeout, and thinks again.
 *
 * With exponential think times (the usual case) no user holds a timer.
 * The thinking users' timers, memoryless and independent, together finish
 * as a Poisson process of rate thinking / mean, and each finish is equally
 * likely to be any thinking user's. So the pool is simulated by thinning
 * (Lewis and Shedler 1979): candidates come at rate bound / mean, where
 * bound is at least the number thinking at every moment; one uniform draw u
 * in [0, bound) accepts the candidate when u < thinking and then names
 * thinking[u]. The bound is piecewise constant and adapted as the pool
 * changes: raised (and the next candidate redrawn, which memorylessness
 * allows) when an arrival would exceed it, lowered to twice the pool at
 * each candidate, so few candidates are wasted even when most users are
 * waiting rather than thinking, and none come while nobody thinks. The law
 * is exactly that of N separate timers, but instead of a million pending
 * events there is one, and the event set stays small enough for the cache.
 * Other think-time distributions have memory and keep one timer per user.
 * Open model: Poisson arrivals at `rate`, or at a piecewise-linear rate
 * `profile` by thinning (Lewis and Shedler): candidates at the peak rate,
 * each kept with probability rate(t) / peak. Open arrivals are spread
 * uniformly over `clients` clients, each with its own DNS cache.
 *
 * Timeouts cost no event per request: the timeout is the same for every
 * request, so deadlines expire in send order. Requests in flight sit in one
 * list in send order; a single pending event fires at the oldest deadline,
 * times out what has expired, and re-arms for the new oldest. An answer
 * unlinks its request in O(1). A timed-out request goes on inside the
 * system (it still costs work there); its answer, when it comes, is dropped.
 *
 * DNS: with a dns component, a client resolves before its first request
 * and again whenever its cached answer is older than the TTL; the time the
 * resolution takes is part of the request's response time. The answer names
 * a datacenter, which the client keeps until the TTL runs out. Without a
 * dns component clients always reach the nearest datacenter that is up.
 *
 * At time 0 the caches are not empty: each client's answer has the age a
 * client's answer has at a random moment of a long run (ss_sim_prime_resolver).
 * A client's resolutions form a renewal process: a resolution takes L, its
 * answer lives `ttl`, then the client waits D for its next request, which
 * resolves again. At a random moment the answer is fresh with probability
 * ttl / (E[L] + ttl + E[D]),
 * its age then uniform over [0, ttl); otherwise it has expired and the
 * next request resolves. E[D] is the residual time to a client's next
 * request from an arbitrary moment: E[X^2] / 2E[X] for gaps X between its
 * requests (think times, closed; exponential with mean clients / rate,
 * open). So the query rate is clients / (E[L] + ttl + E[D]) from the first
 * second, and the cost of an outage does not depend on when it starts.
 *
 * Retries (SPEC.md 4.5): a failed attempt whose failure the class's policy
 * names is sent again after a backoff, until its attempts run out or the
 * budget (a token bucket: each first attempt deposits `budget` tokens, a
 * retry takes one, at most RETRY_TOKENS_MAX held) refuses. The timeout is
 * per attempt, the response time runs from the first. A failed answer's
 * request is reused for the retry; a timed-out attempt goes on in the
 * system (abandoned) and the retry is a copy. An attempt's send time is
 * t_sent plus a whole number of microseconds, so it fits the request's
 * padding; the backoff is rounded up to that grid. A closed-model user
 * waits through the backoff (it does not think).
 *
 * Statistics: a request is counted as offered when it is sent after the
 * warm-up, and as answered or failed when that happens after the warm-up.
 */
#include <math.h>
#include <string.h>

#include "scalesim/mem.h"
#include "scalesim/rng.h"
#include "sim_assert.h"
#include "observe.h"
#include "sim_internal.h"

#define SLAB_REQS 4096
/* What a retry budget holds at most (and starts with): Finagle's default
 * floor of ten retries a second, as a burst. */
#define RETRY_TOKENS_MAX 10.0

_Static_assert(sizeof(ss_req) == 112, "ss_req grew: its size is the request pool's");

static inline ss_time attempt_sent(const ss_req *r)
{
    return r->t_sent + (ss_time)r->t_attempt_us * 1000;
}

ss_req *ss_sim_req_alloc(ss_sim *sim)
{
    if (!sim->wl.free_reqs) {
        ss_req_slab *s = ss_malloc(sizeof *s + SLAB_REQS * sizeof(ss_req));
        sim->wl.req_bytes += sizeof *s + SLAB_REQS * sizeof(ss_req);
        s->next = sim->wl.slabs;
        sim->wl.slabs = s;
        for (int i = SLAB_REQS - 1; i >= 0; i--) {
            s->reqs[i].next = sim->wl.free_reqs;
            sim->wl.free_reqs = &s->reqs[i];
        }
    }
    ss_req *r = sim->wl.free_reqs;
    sim->wl.free_reqs = r->next;
    memset(r, 0, sizeof *r);
    r->pos = UINT8_MAX;
    return r;
}

void ss_sim_req_release(ss_sim *sim, ss_req *req)
{
    req->next = sim->wl.free_reqs;
    sim->wl.free_reqs = req;
}

/* ---- in-flight list and timeouts ------------------------------------------ */

void ss_client_account_inflight(ss_sim *sim)
{
    if (sim->now > sim->t_measure) {
        ss_time from = sim->wl.inflight_t_last > sim->t_measure ? sim->wl.inflight_t_last
                                                             : sim->t_measure;
        sim->wl.inflight_area += (double)sim->wl.n_inflight * (double)(sim->now - from);
    }
    sim->wl.inflight_t_last = sim->now;
}

static void link_inflight(ss_sim *sim, ss_req *r)
{
    ss_client_account_inflight(sim);
    sim->wl.n_inflight++;
    if (sim->wl.n_inflight > sim->wl.peak_inflight)
        sim->wl.peak_inflight = sim->wl.n_inflight;
    r->cnext = NULL;
    r->cprev = sim->wl.inflight_tail;
    if (sim->wl.inflight_tail)
        sim->wl.inflight_tail->cnext = r;
    else
        sim->wl.inflight_head = r;
    sim->wl.inflight_tail = r;
    if (sim->sc->wl.timeout > 0 && !sim->wl.timeout_armed) {
        sim->wl.timeout_armed = true;
        ss_sim_schedule(sim, attempt_sent(r) + sim->sc->wl.timeout - sim->now, sim->wl.h_timeout,
                        0, NULL);
    }
}

static void unlink_inflight(ss_sim *sim, ss_req *r)
{
    ss_client_account_inflight(sim);
    sim->wl.n_inflight--;
    if (r->cprev)
        r->cprev->cnext = r->cnext;
    else
        sim->wl.inflight_head = r->cnext;
    if (r->cnext)
        r->cnext->cprev = r->cprev;
    else
        sim->wl.inflight_tail = r->cprev;
    r->cprev = r->cnext = NULL;
}

static void schedule_pool(ss_sim *sim);

static void think(ss_sim *sim, uint32_t user)
{
    if (sim->wl.pool_think) {
        sim->wl.think_slot[user] = (uint32_t)sim->wl.n_thinking;
        sim->wl.thinking[sim->wl.n_thinking++] = user;
        if (sim->wl.n_thinking > sim->wl.pool_bound && sim->wl.pool_started) {
            int64_t b = 2 * sim->wl.n_thinking;
            sim->wl.pool_bound = b < sim->wl.n_clients ? b : sim->wl.n_clients;
            sim->wl.pool_gen++; /* the pending candidate is now stale */
            schedule_pool(sim);
        }
        return;
    }
    ss_time t = ss_dist_sample_ns(&sim->sc->wl.think, sim->wl.rng_wl);
    ss_sim_schedule(sim, t, sim->wl.h_think, user, NULL);
}

/* The next candidate end of a think time in the pool (see the top). */
static void schedule_pool(ss_sim *sim)
{
    if (sim->wl.pool_bound == 0)
        return; /* nobody thinks: think() starts candidates again */
    double mean = sim->sc->wl.think.p[0] / (double)sim->wl.pool_bound;
    ss_sim_schedule(sim, ss_time_from_s(ss_rng_exp(sim->wl.rng_wl, mean)), sim->wl.h_pool,
                    sim->wl.pool_gen, NULL);
}

static void count_failure(ss_sim *sim, const ss_req *r, ss_fail why)
{
    if (r->cls != SS_CLS_JOB)
        ss_obs_done(sim, false, r->t_sent);
    if (sim->now >= sim->t_measure && r->cls != SS_CLS_JOB) {
        sim->wl.cres[r->cls].failed++;
        sim->wl.rres[sim->wl.region_slot[r->region]].failed++;
        sim->wl.fail_why[why]++;
    }
}

/* ---- retries ------------------------------------------------------------------ */

/* The wait before retry k (0 for the first retry): base x 2^k at most cap,
 * jittered as in the AWS architecture blog's "Exponential Backoff and
 * Jitter": full U(0, d), equal d/2 + U(0, d/2), decorrelated
 * min(cap, U(base, 3 x the previous wait)). */
static ss_time backoff(ss_sim *sim, const ss_retry *p, ss_req *r)
{
    double base = (double)p->base, cap = (double)p->cap;
    double d = fmin(cap, ldexp(base, r->attempt < 60 ? r->attempt : 60));
    double u = ss_rng_uniform(sim->wl.rng_retry), sleep = d;
    switch ((ss_jitter)p->jitter) {
    case SS_JITTER_NONE: break;
    case SS_JITTER_FULL: sleep = u * d; break;
    case SS_JITTER_EQUAL: sleep = d / 2 + u * d / 2; break;
    case SS_JITTER_DECORRELATED: {
        double prev = r->attempt == 0 ? base : (double)r->aux * 1e3;
        sleep = fmin(cap, base + u * (3 * prev - base));
        break;
    }
    }
    r->aux = (uint32_t)fmin(ceil(sleep / 1e3), (double)UINT32_MAX);
    return (ss_time)sleep;
}

/* Whether the attempt r, failed for `why`, is sent again; then its wait is
 * in *delay. The budget's token is spent here. */
static bool retry_wanted(ss_sim *sim, ss_req *r, ss_fail why, ss_time *delay)
{
    const ss_retry *p = r->cls == SS_CLS_JOB ? NULL : sim->wl.retry_of[r->cls];
    if (!p || r->attempt + 1 >= p->attempts || !(p->on & (1u << why)))
        return false;
    double *tokens = sim->wl.retry_tokens[r->cls];
    if (p->budget >= 0 && *tokens < 1) {
        if (sim->now >= sim->t_measure)
            sim->wl.retry.suppressed++;
        return false;
    }
    /* the attempt's send time is on the microsecond grid of t_sent */
    ss_time at = sim->now + backoff(sim, p, r);
    double off_us = ceil((double)(at - r->t_sent) / 1e3);
    if (off_us > (double)UINT32_MAX)
        return false; /* over 71 minutes after the first attempt */
    if (p->budget >= 0)
        *tokens -= 1;
    r->t_attempt_us = (uint32_t)off_us;
    r->attempt++;
    *delay = r->t_sent + (ss_time)r->t_attempt_us * 1000 - sim->now;
    return true;
}

/* n becomes a new attempt of r's request, as its client made it. */
static void attempt_from(ss_req *n, const ss_req *r)
{
    memset(n, 0, sizeof *n);
    n->pos = UINT8_MAX;
    n->t_sent = r->t_sent;
    n->t_attempt_us = r->t_attempt_us;
    n->user = r->user;
    n->cls = r->cls;
    n->op = r->op;
    n->key = r->key;
    n->region = r->region;
    n->n_route = r->n_route;
    n->attempt = r->attempt;
    n->aux = r->aux;
}

static void on_timeout(void *obj, ss_sim *sim, void *ptr, uint32_t code)
{
    ss_time timeout = sim->sc->wl.timeout, delay;
    sim->wl.timeout_armed = false;
    while (sim->wl.inflight_head && attempt_sent(sim->wl.inflight_head) + timeout <= sim->now) {
        ss_req *r = sim->wl.inflight_head;
        unlink_inflight(sim, r);
        r->flags |= SS_REQ_ABANDONED;
        /* the abandoned attempt goes on in the system; a copy retries */
        ss_req *n = sim->wl.rng_retry ? ss_sim_req_alloc(sim) : NULL;
        if (n)
            attempt_from(n, r);
        if (n && retry_wanted(sim, n, SS_FAIL_TIMEOUT, &delay)) {
            ss_sim_schedule(sim, delay, sim->wl.h_retry, 0, n);
            continue;
        }
        if (n)
            ss_sim_req_release(sim, n);
        count_failure(sim, r, SS_FAIL_TIMEOUT);
        if (sim->sc->wl.closed)
            think(sim, r->user);
    }
    if (sim->wl.inflight_head) {
        sim->wl.timeout_armed = true;
        ss_sim_schedule(sim, attempt_sent(sim->wl.inflight_head) + timeout - sim->now,
                        sim->wl.h_timeout, 0, NULL);
    }
}

/* ---- sending ---------------------------------------------------------------- */

static int nearest_dc(ss_sim *sim, int region)
{
    const ss_scenario *sc = sim->sc;
    int best = -1;
    ss_time best_lat = SS_TIME_NEVER;
    for (int d = 0; d < sc->n_dcs; d++) {
        if (!sim->dc_up[d])
            continue;
        ss_time lat = sim->net.lat_mean_ns[region][sc->dcs[d].region];
        if (lat < best_lat) {
            best_lat = lat;
            best = d;
        }
    }
    return best >= 0 ? best : 0;
}

static void send_attempt(ss_sim *sim, ss_req *r);

static void send_from(ss_sim *sim, uint32_t client)
{
    const ss_workload *wl = &sim->sc->wl;
    ss_client *c = &sim->wl.clients[client];
    ss_req *r = ss_sim_req_alloc(sim);
    int k = sim->wl.class_pick ? (int)gsl_ran_discrete(sim->wl.rng_wl, sim->wl.class_pick) : 0;
    const ss_class *cl = &wl->classes[k];
    r->t_sent = sim->now;
    r->user = client;
    r->cls = (uint16_t)k;
    r->op = (uint8_t)cl->op;
    r->key = ss_keygen_draw(&sim->wl.cls[k].keys, sim->wl.rng_wl);
    r->region = c->region;
    r->n_route = (uint8_t)cl->n_route;
    sim->wl.requests_total++;
    if (sim->now >= sim->t_measure) {
        sim->wl.cres[k].sent++;
        sim->wl.rres[sim->wl.region_slot[r->region]].sent++;
    }
    ss_obs_sent(sim);
    if (sim->wl.rng_retry && sim->now >= sim->t_measure)
        sim->wl.retry.first++;
    double *tokens = sim->wl.retry_tokens[k];
    if (tokens)
        *tokens = fmin(RETRY_TOKENS_MAX, *tokens + sim->wl.retry_of[k]->budget);
    send_attempt(sim, r);
}

/* Sends an attempt of r (the first, or a retry). */
static void send_attempt(ss_sim *sim, ss_req *r)
{
    ss_client *c = &sim->wl.clients[r->user];
    if (sim->wl.rng_retry && sim->now >= sim->t_measure)
        sim->wl.retry.attempts++;
    if (r->attempt > 0)
        ss_obs_retry(sim);
    link_inflight(sim, r);
    if (sim->resolver >= 0 && c->dns_until <= sim->now) {
        ss_rcomp *res = &sim->comps[sim->resolver];
        res->ops->resolve(res->state, sim, r); /* answers with ss_sim_resolved */
        return;
    }
    if (sim->resolver < 0)
        c->dc = (uint8_t)nearest_dc(sim, c->region);
    r->dc = c->dc;
    r->route = sim->routes + ((size_t)r->cls * sim->sc->n_dcs + r->dc) * SS_ROUTE_MAX;
    ss_sim_send(sim, r);
}

static void on_retry(void *obj, ss_sim *sim, void *ptr, uint32_t code)
{
    send_attempt(sim, ptr);
}

void ss_sim_resolved(ss_sim *sim, ss_req *r, int dc, ss_time ttl)
{
    ss_client *c = &sim->wl.clients[r->user];
    c->dc = (uint8_t)dc;
    c->dns_until = sim->now + ttl;
    r->dc = (uint8_t)dc;
    r->route = sim->routes + ((size_t)r->cls * sim->sc->n_dcs + r->dc) * SS_ROUTE_MAX;
    ss_sim_send(sim, r);
}

static void on_think(void *obj, ss_sim *sim, void *ptr, uint32_t user)
{
    send_from(sim, user);
}

static void on_pool(void *obj, ss_sim *sim, void *ptr, uint32_t gen)
{
    if (gen != sim->wl.pool_gen)
        return; /* superseded by a redraw with a higher bound */
    uint64_t u = (uint64_t)(ss_rng_uniform(sim->wl.rng_wl) * (double)sim->wl.pool_bound);
    bool accepted = u < (uint64_t)sim->wl.n_thinking;
    uint32_t user = 0;
    if (accepted) {
        user = sim->wl.thinking[u];
        uint32_t last = sim->wl.thinking[--sim->wl.n_thinking];
        sim->wl.thinking[u] = last;
        sim->wl.think_slot[last] = (uint32_t)u;
    }
    /* a lower bound from here on, still above the pool */
    int64_t b = 2 * sim->wl.n_thinking;
    if (b < sim->wl.pool_bound)
        sim->wl.pool_bound = b;
    schedule_pool(sim);
    if (accepted)
        send_from(sim, user); /* thinned otherwise: that user is waiting */
}

static double profile_rate(const ss_workload *wl, ss_time t)
{
    const ss_profile_point *p = wl->profile;
    int n = wl->n_profile;
    if (t <= p[0].t)
        return p[0].rate_per_s;
    for (int i = 1; i < n; i++)
        if (t <= p[i].t) {
            double span = (double)(p[i].t - p[i - 1].t);
            double f = span > 0 ? (double)(t - p[i - 1].t) / span : 1;
            return p[i - 1].rate_per_s + f * (p[i].rate_per_s - p[i - 1].rate_per_s);
        }
    return p[n - 1].rate_per_s;
}

/* The time of the next arrival after now, or -1 when there is none. */
static ss_time next_arrival(ss_sim *sim)
{
    const ss_workload *wl = &sim->sc->wl;
    if (wl->n_profile == 0)
        return sim->now + ss_time_from_s(ss_rng_exp(sim->wl.rng_wl, 1.0 / wl->rate_per_s));
    ss_time t = sim->now;
    for (;;) {
        t += ss_time_from_s(ss_rng_exp(sim->wl.rng_wl, 1.0 / sim->wl.peak_rate));
        if (t >= sim->t_end)
            return -1;
        if (ss_rng_uniform(sim->wl.rng_wl) * sim->wl.peak_rate < profile_rate(wl, t))
            return t;
    }
}

static void on_arrival(void *obj, ss_sim *sim, void *ptr, uint32_t code)
{
    uint32_t client = sim->wl.n_clients == 1
                          ? 0
                          : (uint32_t)ss_rng_uniform_int(sim->wl.rng_wl,
                                                          (unsigned long)sim->wl.n_clients);
    ss_time next = next_arrival(sim);
    if (next >= 0)
        ss_sim_schedule(sim, next - sim->now, sim->wl.h_arrival, 0, NULL);
    send_from(sim, client);
}

/* ---- answers ------------------------------------------------------------------ */

void ss_client_answer(void *obj, ss_sim *sim, void *ptr, uint32_t code)
{
    ss_req *r = ptr;
    if (r->flags & SS_REQ_ABANDONED) {
        ss_sim_req_release(sim, r);
        return;
    }
    unlink_inflight(sim, r);
    ss_time delay;
    if ((r->flags & SS_REQ_FAILED) && sim->wl.rng_retry &&
        retry_wanted(sim, r, (ss_fail)r->fail_why, &delay)) {
        /* back from the system: the request itself is sent again */
        ss_req keep = *r;
        attempt_from(r, &keep);
        ss_sim_schedule(sim, delay, sim->wl.h_retry, 0, r);
        return;
    }
    if (r->flags & SS_REQ_FAILED) {
        count_failure(sim, r, (ss_fail)r->fail_why);
    } else {
        ss_obs_done(sim, true, r->t_sent);
    }
    if (!(r->flags & SS_REQ_FAILED) && sim->now >= sim->t_measure) {
        ss_class_result *cr = &sim->wl.cres[r->cls];
        ss_region_result *rr = &sim->wl.rres[sim->wl.region_slot[r->region]];
        cr->ok++;
        rr->ok++;
        ss_time timeout = sim->sc->wl.timeout;
        if (timeout == 0 || sim->now - r->t_sent <= timeout)
            sim->wl.retry.good++;
        ss_hist_add(&cr->lat, sim->now - r->t_sent);
        if (sim->sc->wl.n_regions > 1)
            ss_hist_add(&rr->lat, sim->now - r->t_sent);
    }
    uint32_t user = r->user;
    ss_sim_req_release(sim, r);
    if (sim->sc->wl.closed)
        think(sim, user);
}

/* ---- set up ---------------------------------------------------------------- */

/* E[D] of the top of the file: the mean time from an arbitrary moment to a
 * client's next request, INFINITY when it sends none. */
static double residual_gap_s(const ss_sim *sim)
{
    const ss_workload *wl = &sim->sc->wl;
    if (!wl->closed) {
        double rate = wl->n_profile ? wl->profile[0].rate_per_s : wl->rate_per_s;
        return rate > 0 ? (double)sim->wl.n_clients / rate : INFINITY;
    }
    double m = ss_dist_mean(&wl->think), v = ss_dist_var(&wl->think);
    if (!(m > 0))
        return 0;
    return isfinite(v) ? (v + m * m) / (2 * m) : m;
}

void ss_sim_prime_resolver(ss_sim *sim, ss_time ttl, double latency_s)
{
    if (ttl <= 0)
        return;
    double t = ss_time_to_s(ttl), gap = residual_gap_s(sim);
    /* a cycle is the resolution's latency, the answer's life, the wait */
    double fresh = isfinite(gap) ? t / (latency_s + t + gap) : 0;
    /* its own stream: priming shifts no other component's numbers */
    gsl_rng *r = ss_rng_new(ss_rng_derive(sim->seed, sim->opts.replication, "dns-prime", 0));
    for (int64_t i = 0; i < sim->wl.n_clients; i++) {
        double u = ss_rng_uniform(r);
        /* fresh with probability `fresh`, its remaining life then uniform
         * over (0, ttl]: u / fresh is uniform on [0, 1) given u < fresh */
        sim->wl.clients[i].dns_until = u < fresh ? ss_time_from_s(t * (1 - u / fresh)) : -1;
    }
    ss_rng_free(r);
}

void ss_client_init(ss_sim *sim)
{
    const ss_scenario *sc = sim->sc;
    const ss_workload *wl = &sc->wl;
    sim->wl.rng_wl = ss_rng_new(ss_rng_derive(sim->seed, sim->opts.replication, "workload", 0));
    sim->wl.h_think = ss_sim_handler(sim, on_think, NULL);
    sim->wl.h_pool = ss_sim_handler(sim, on_pool, NULL);
    sim->wl.h_arrival = ss_sim_handler(sim, on_arrival, NULL);
    sim->wl.h_timeout = ss_sim_handler(sim, on_timeout, NULL);
    sim->wl.h_retry = ss_sim_handler(sim, on_retry, NULL);
    for (int k = 0; k < wl->n_classes; k++) {
        const ss_class *cl = &wl->classes[k];
        const ss_retry *p = cl->own_retry ? &cl->retry : &wl->retry;
        if (p->attempts <= 1)
            continue;
        sim->wl.retry_of[k] = p;
        /* a class with its own policy has its own budget */
        double *t = &sim->wl.tokens[cl->own_retry ? k : SS_MAX_CLASSES];
        *t = RETRY_TOKENS_MAX;
        if (p->budget >= 0)
            sim->wl.retry_tokens[k] = t;
        sim->wl.retry.on = true;
    }
    if (sim->wl.retry.on) /* its own stream: retries shift no other draw */
        sim->wl.rng_retry = ss_rng_new(ss_rng_derive(sim->seed, sim->opts.replication, "retry", 0));
    if (wl->n_classes > 1) {
        double w[SS_MAX_CLASSES];
        for (int k = 0; k < wl->n_classes; k++)
            w[k] = wl->classes[k].weight;
        sim->wl.class_pick = gsl_ran_discrete_preproc((size_t)wl->n_classes, w);
    }
    sim->wl.cls = ss_calloc((size_t)wl->n_classes, sizeof *sim->wl.cls);
    sim->wl.cres = ss_calloc((size_t)wl->n_classes, sizeof *sim->wl.cres);
    for (int k = 0; k < wl->n_classes; k++) {
        const ss_class *cl = &wl->classes[k];
        ss_keygen_init(&sim->wl.cls[k].keys, cl->own_keys ? &cl->keys : &wl->keys);
        sim->wl.cres[k].name = cl->name;
        ss_hist_init(&sim->wl.cres[k].lat);
    }
    if (wl->n_regions > 1)
        sim->wl.region_pick = gsl_ran_discrete_preproc((size_t)wl->n_regions, wl->region_weight);
    sim->wl.rres = ss_calloc((size_t)wl->n_regions, sizeof *sim->wl.rres);
    for (int i = 0; i < wl->n_regions; i++) {
        sim->wl.region_slot[wl->region[i]] = (uint8_t)i;
        sim->wl.rres[i].name = sim->sc->region_names[wl->region[i]];
        ss_hist_init(&sim->wl.rres[i].lat);
    }
    sim->wl.n_clients = wl->closed ? wl->users : wl->clients;
    sim->wl.clients = ss_calloc((size_t)sim->wl.n_clients, sizeof *sim->wl.clients);
    /* A separate stream places clients, so the regions do not shift the
     * stream requests draw from. */
    gsl_rng *place = ss_rng_new(ss_rng_derive(sim->seed, sim->opts.replication, "clients", 0));
    for (int64_t i = 0; i < sim->wl.n_clients; i++) {
        int ri = sim->wl.region_pick ? (int)gsl_ran_discrete(place, sim->wl.region_pick) : 0;
        sim->wl.clients[i].region = (uint8_t)wl->region[ri];
        sim->wl.clients[i].dns_until = -1;
        sim->wl.clients[i].dc = (uint8_t)nearest_dc(sim, wl->region[ri]);
    }
    ss_rng_free(place);
    if (!wl->closed && wl->n_profile > 0)
        for (int i = 0; i < wl->n_profile; i++)
            if (wl->profile[i].rate_per_s > sim->wl.peak_rate)
                sim->wl.peak_rate = wl->profile[i].rate_per_s;
}

void ss_client_start(ss_sim *sim)
{
    const ss_workload *wl = &sim->sc->wl;
    if (wl->closed) {
        sim->wl.pool_think = wl->think.kind == SS_DIST_EXP;
        if (sim->wl.pool_think) {
            sim->wl.thinking = ss_malloc((size_t)sim->wl.n_clients * sizeof *sim->wl.thinking);
            sim->wl.think_slot = ss_malloc((size_t)sim->wl.n_clients * sizeof *sim->wl.think_slot);
        }
        for (int64_t u = 0; u < sim->wl.n_clients; u++)
            think(sim, (uint32_t)u);
        if (sim->wl.pool_think) {
            sim->wl.pool_bound = sim->wl.n_clients;
            sim->wl.pool_started = true;
            schedule_pool(sim);
        }
        return;
    }
    sim->now = 0;
    ss_time first = next_arrival(sim);
    if (first >= 0)
        ss_sim_schedule(sim, first, sim->wl.h_arrival, 0, NULL);
}

void ss_client_release(ss_sim *sim)
{
    ss_req_slab *s = sim->wl.slabs;
    while (s) {
        ss_req_slab *next = s->next;
        ss_free(s);
        s = next;
    }
    if (sim->wl.cres)
        for (int k = 0; k < sim->sc->wl.n_classes; k++)
            ss_hist_release(&sim->wl.cres[k].lat);
    ss_free(sim->wl.cres);
    for (int i = 0; sim->wl.rres && i < sim->sc->wl.n_regions; i++)
        ss_hist_release(&sim->wl.rres[i].lat);
    ss_free(sim->wl.rres);
    ss_free(sim->wl.cls);
    ss_free(sim->wl.clients);
    ss_free(sim->wl.thinking);
    ss_free(sim->wl.think_slot);
    if (sim->wl.class_pick)
        gsl_ran_discrete_free(sim->wl.class_pick);
    if (sim->wl.region_pick)
        gsl_ran_discrete_free(sim->wl.region_pick);
    ss_rng_free(sim->wl.rng_wl);
    if (sim->wl.rng_retry)
        ss_rng_free(sim->wl.rng_retry);
}
