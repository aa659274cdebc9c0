/*
 * models/external.c -- a third-party service outside the system (a payment
 * or mail API), reached over the network and billed per call.
 *
 * A call takes `latency` (times the `slow` factor of a fault). Without
 * `concurrency` calls do not queue: each is an independent delay, so the
 * mean response is the latency's mean at any rate (an M/G/infinity station:
 * someone else scales the service). With `concurrency: N` at most N calls
 * are in progress at once (a connection pool, or the provider's limit on
 * concurrent requests); more wait FCFS, at most `queue` of them (unset:
 * unbounded), and a call that finds the queue full is rejected. With exp
 * latency that is an M/M/N station, with a queue bound M/M/N/(N+K).
 *
 * A call that completes fails with SS_FAIL_ERROR with probability
 * `error_rate`, drawn from the component's own stream: the caller waited for
 * the error. Otherwise the request goes on along its route (which normally
 * ends here, and then it is answered).
 *
 * Faults: a crash (and an outage of the datacenter this copy is in, for its
 * duration) fails calls arriving while it lasts with SS_FAIL_DOWN, and the
 * calls in progress when it began when their latency has passed (as the
 * shared station does with requests in service). `slow` multiplies latency.
 *
 * Invariant, over the calls that arrived after the warm-up:
 *   calls == answered + errors + down + rejected + in_progress,
 * each call counted once, by its outcome (answered: it succeeded). Outcomes
 * are counted by when the call arrived, not when it ended, so that the
 * invariant holds exactly across the warm-up's end; the difference from
 * counting completions in the window is the calls in progress at that one
 * moment.
 *
 * Why no station without concurrency: the shared station models a
 * component's own capacity (cores, a queue, utilisation), and an unlimited
 * API has none: as a station with "infinite" cores it would report a
 * utilisation that means nothing, and a load balancer or the time series
 * would treat it as capacity of ours. So the plain case is a delay (like a
 * DNS resolution or a broker's publish), its utilisation and wait figures do
 * not exist (NAN), and `busy` says it has no cores. For the same reason the
 * kind gives no `station` op even with concurrency: `pick` sends every call
 * to its one pool, and a balancer in front has nothing to spread.
 *
 * Cost: price_per_million per call, through usage_price; no instances of
 * ours (billable_instances 0).
 */
#include <math.h>

#include "scalesim/rng.h"
#include "scalesim/station.h"

typedef struct ext_cfg {
    ss_dist latency;
    int concurrency;        /* -1: unlimited                               */
    int64_t queue;          /* -1: unbounded; only with concurrency        */
    double error_rate;      /* share of calls that fail, in [0, 1]         */
    double price_per_million; /* dollars per million calls                 */
} ext_cfg;

typedef struct ext {
    const ext_cfg *cfg;
    gsl_rng *rng;
    int region;
    int dc;                 /* the datacenter of this copy (outages)       */
    bool limited;           /* concurrency set: calls go through `pool`    */
    ss_station pool;        /* one instance, concurrency cores; unused (and
                               never initialised) without concurrency     */
    ss_opdist service;      /* latency for every op; the pool points here  */
    int h_done;             /* the plain case's completion event           */
    /* Why it is down: a crash and an outage may overlap, and it comes back
     * when both have ended. */
    bool crashed, dc_out;
    uint32_t epoch;         /* bumped when it goes down (the plain case)   */
    double slow;
    uint64_t calls, answered, errors, down, rejected, in_progress;
} ext;

static const ss_param ext_params[] = {
    {"latency", SS_P_DIST, offsetof(ext_cfg, latency), SS_PF_REQUIRED, NULL, 0, 0,
     "time one call takes: a distribution; calls do not queue for each other"},
    {"concurrency", SS_P_INT, offsetof(ext_cfg, concurrency), SS_PF_POSITIVE, "-1", 0, 0,
     "most calls in progress at once; more wait FCFS (unset: no limit)"},
    {"queue", SS_P_COUNT, offsetof(ext_cfg, queue), 0, "-1", 0, 0,
     "most calls waiting for a slot, with concurrency (unset: unbounded)"},
    {"error_rate", SS_P_PROB, offsetof(ext_cfg, error_rate), 0, "0", 0, 0,
     "share of calls that fail after their latency (the API answers an error)"},
    {"price_per_million", SS_P_MONEY, offsetof(ext_cfg, price_per_million), 0, "0", 0, 0,
     "dollars per million calls"},
    {0},
};

static void ext_check(void *cfgp, ss_cfgctx *ctx)
{
    ext_cfg *c = cfgp;
    /* >= 1 is the table's SS_PF_POSITIVE, so a value that did not parse
     * (left 0) gives one error, not two */
    if (ss_cfg_given(ctx, "concurrency") && c->concurrency > 1000000)
        ss_cfg_error(ctx, "concurrency", "expected at most 1000000 calls at once, got %d",
                     c->concurrency);
    if (ss_cfg_given(ctx, "queue") && !ss_cfg_given(ctx, "concurrency"))
        ss_cfg_error(ctx, "queue", "queue needs concurrency");
}

static inline bool is_down(const ext *e)
{
    return e->crashed || e->dc_out;
}

/* Whether a call that arrived at t_mark counts in the figures. */
static inline bool counted(ss_sim *sim, const ss_req *req)
{
    return req->t_mark >= ss_sim_measure_start(sim);
}

/* A call's latency has passed: it succeeded or the API answered an error. */
static void finish(ext *e, ss_sim *sim, ss_req *req)
{
    bool count = counted(sim, req);
    if (count)
        e->in_progress--;
    /* error_rate 0 draws nothing: the stream stays as without the key */
    if (e->cfg->error_rate > 0 && ss_rng_uniform(e->rng) < e->cfg->error_rate) {
        if (count)
            e->errors++;
        ss_sim_fail(sim, req, SS_FAIL_ERROR);
        return;
    }
    if (count)
        e->answered++;
    ss_sim_forward(sim, req);
}

/* The plain case: code is the epoch the call started in. */
static void on_done(void *obj, ss_sim *sim, void *ptr, uint32_t code)
{
    ext *e = obj;
    ss_req *req = ptr;
    if (code != e->epoch) {
        /* it went down while this call was in progress */
        if (counted(sim, req)) {
            e->in_progress--;
            e->down++;
        }
        ss_sim_fail(sim, req, SS_FAIL_DOWN);
        return;
    }
    finish(e, sim, req);
}

static void pool_done(void *owner, ss_sim *sim, ss_req *req, int inst)
{
    finish(owner, sim, req);
}

/* A crash of the pool fails the calls waiting and in progress there. */
static void pool_fail(void *owner, ss_sim *sim, ss_req *req, int inst)
{
    ext *e = owner;
    if (counted(sim, req)) {
        e->in_progress--;
        e->down++;
    }
    ss_sim_fail(sim, req, SS_FAIL_DOWN);
}

static void ext_init(void *state, ss_sim *sim, const ss_comp_ctx *self)
{
    ext *e = state;
    e->cfg = self->cfg;
    e->rng = self->rng;
    e->region = self->region;
    e->dc = self->dc;
    e->slow = 1;
    e->limited = e->cfg->concurrency > 0;
    if (e->limited) {
        for (int op = 0; op < SS_OPS; op++)
            e->service.op[op] = e->cfg->latency;
        ss_station_init(&e->pool, sim, self->name, 1, e->cfg->concurrency, e->cfg->queue,
                        &e->service, self->rng, pool_done, e);
        e->pool.fail = pool_fail;
    } else {
        e->h_done = ss_sim_handler(sim, on_done, e);
    }
}

static int ext_pick(void *state, ss_sim *sim, const ss_req *req, int *region)
{
    *region = ((ext *)state)->region;
    return 0; /* one service: a balancer has nothing to spread */
}

static void ext_request(void *state, ss_sim *sim, ss_req *req)
{
    ext *e = state;
    bool measuring = ss_sim_measuring(sim);
    if (measuring)
        e->calls++;
    if (e->limited) {
        if (!ss_station_arrive(&e->pool, sim, req, 0)) {
            /* down or a full queue: refused at once */
            if (measuring) {
                if (req->fail_why == SS_FAIL_DOWN)
                    e->down++;
                else
                    e->rejected++;
            }
            ss_sim_fail(sim, req, (ss_fail)req->fail_why);
            return;
        }
        if (measuring)
            e->in_progress++;
        return;
    }
    if (is_down(e)) {
        if (measuring)
            e->down++;
        ss_sim_fail(sim, req, SS_FAIL_DOWN);
        return;
    }
    req->t_mark = ss_sim_now(sim);
    if (measuring)
        e->in_progress++;
    ss_time t = ss_time_from_s(ss_dist_sample(&e->cfg->latency, e->rng) * e->slow);
    ss_sim_note(sim, req, SS_NOTE_SERVICE, t);
    ss_sim_schedule(sim, t, e->h_done, e->epoch, req);
}

/* Applies a change of crashed/dc_out: down when either is set. */
static void set_down(ext *e, ss_sim *sim, bool was_down)
{
    bool now_down = is_down(e);
    if (now_down == was_down)
        return;
    if (e->limited) {
        if (now_down)
            ss_station_crash(&e->pool, sim, 0);
        else
            ss_station_recover(&e->pool, sim, 0);
    } else if (now_down) {
        e->epoch++; /* the calls in progress fail when they end */
    }
}

static void ext_fault(void *state, ss_sim *sim, const ss_fault_ev *f)
{
    ext *e = state;
    bool was_down = is_down(e);
    switch (f->action) {
    case SS_FAULT_SLOW:
        e->slow = f->begin ? f->factor : 1;
        if (e->limited)
            ss_station_slow(&e->pool, 0, e->slow);
        return;
    case SS_FAULT_CRASH:
        e->crashed = f->begin;
        break;
    case SS_FAULT_OUTAGE:
        /* the engine tells the copies in that datacenter only; the check
         * keeps that promise local */
        if (f->dc != e->dc)
            return;
        e->dc_out = f->begin;
        break;
    }
    set_down(e, sim, was_down);
}

static double ext_busy(void *state, ss_sim *sim, double *cores)
{
    ext *e = state;
    if (e->limited)
        return ss_station_busy(&e->pool, sim, cores);
    *cores = 0; /* no capacity of ours: the time series shows no utilisation */
    return NAN;
}

enum { EXT_KF_CALLS, EXT_KF_ANSWERED, EXT_KF_ERRORS, EXT_KF_DOWN, EXT_KF_REJECTED,
       EXT_KF_IN_PROGRESS };
static const ss_kfig_def ext_figures[] = {
    {.name = "calls", .type = SS_KF_COUNT, .help = "calls made"},
    {.name = "answered", .type = SS_KF_COUNT, .help = "calls that succeeded"},
    {.name = "errors", .type = SS_KF_COUNT, .help = "calls that failed by error_rate"},
    {.name = "down", .type = SS_KF_COUNT, .help = "calls failed while it was down"},
    {.name = "rejected", .type = SS_KF_COUNT, .flags = SS_KF_OPTIONAL,
     .help = "with concurrency: calls refused by a full queue"},
    {.name = "in_progress", .type = SS_KF_LAST, .help = "calls under way at the end"},
    {0},
};

static void ext_report(void *state, ss_sim *sim, ss_comp_report *out)
{
    ext *e = state;
    if (e->limited)
        ss_station_report(&e->pool, sim, &out->all, NULL, "");
    out->all.arrivals = e->calls;
    out->all.rejected = e->rejected;
    out->all.done = e->answered;
    out->billable_instances = 0; /* someone else's machines */
    out->usage_units = (double)e->calls;
    out->usage_price = e->cfg->price_per_million / 1e6;
    ss_kf_set(ss_report_kf(out, EXT_KF_CALLS, 0), (double)e->calls);
    ss_kf_set(ss_report_kf(out, EXT_KF_ANSWERED, 0), (double)e->answered);
    ss_kf_set(ss_report_kf(out, EXT_KF_ERRORS, 0), (double)e->errors);
    ss_kf_set(ss_report_kf(out, EXT_KF_DOWN, 0), (double)e->down);
    if (e->limited)
        ss_kf_set(ss_report_kf(out, EXT_KF_REJECTED, 0), (double)e->rejected);
    ss_kf_set(ss_report_kf(out, EXT_KF_IN_PROGRESS, 0), (double)e->in_progress);
}

static void ext_destroy(void *state)
{
    ext *e = state;
    if (e->limited)
        ss_station_release(&e->pool);
}

/* Without concurrency every call runs at once (M/G/inf: no wait); with
 * it, a pool of that many slots. */
static void ext_theory(const void *cfgp, ss_theory_desc *out)
{
    const ext_cfg *c = cfgp;
    out->instances = 1;
    out->servers = c->concurrency > 0 ? c->concurrency : 0;
    for (int op = 0; op < SS_OPS; op++)
        out->service[op] = &c->latency;
    out->queue = c->concurrency > 0 ? c->queue : -1;
    if (c->error_rate > 0)
        out->note = "error_rate";
}

const ss_model_ops ss_model_external = {
    .kind = "external",
    .summary = "a third-party API: latency without queueing, optional concurrency limit, "
               "error rate, price per call",
    .params = ext_params,
    .figures = ext_figures,
    .cfg_size = sizeof(ext_cfg),
    .state_size = sizeof(ext),
    .check = ext_check,
    .init = ext_init,
    .pick = ext_pick,
    .request = ext_request,
    .fault = ext_fault,
    .busy = ext_busy,
    .report = ext_report,
    .destroy = ext_destroy,
    .theory = ext_theory,
};
