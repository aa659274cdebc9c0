/*
 * models/rate_limiter.c -- a token bucket in a route (SPEC.md 4.3): an API
 * gateway's or a service's own limit on requests per second.
 *
 * The bucket holds at most `burst` tokens and fills at `rate` tokens a
 * second; it starts full. A request that finds a whole token takes it and
 * goes on along its route at once (the limiter adds no time); one that finds
 * none fails as `limited` (an HTTP 429) without going further. Over a window
 * of T seconds it admits at most rate x T + burst, so in the long run
 * min(offered, rate) a second when offered is far from rate (near it a
 * Poisson stream loses a little to its own bursts: the bucket is an M/D/1
 * queue of token debt that turns away what would wait longer than burst /
 * rate).
 *
 * The bucket is filled lazily, when a request arrives: tokens += rate x the
 * time since the last arrival, at most burst. No events, no randomness.
 *
 * `burst` unset is one second of `rate` (as Guava's RateLimiter stores one
 * second of permits). Each datacenter's copy has its own bucket, as a
 * limiter local to each region's gateway would. A crash fails requests
 * arriving while it lasts as `down`; after it the bucket is full again (a
 * restarted limiter forgets its debt); `slow` has no effect (no work to
 * slow).
 *
 * Invariant, over requests that arrived while measuring:
 *   arrivals == admitted + limited + down.
 */
#include <math.h>

#include "scalesim/model.h"

typedef struct rl_cfg {
    double rate;            /* tokens per second                           */
    int64_t burst;          /* most tokens held; -1: one second of rate    */
} rl_cfg;

typedef struct rl {
    const rl_cfg *cfg;
    int region;
    int dc;                 /* the datacenter of this copy (outages)       */
    double cap;             /* burst, resolved                             */
    double tokens;
    ss_time last;           /* when tokens was last brought up to date     */
    bool crashed, dc_out;   /* down while either lasts                     */
    uint64_t arrivals, admitted, limited, downed;
} rl;

static const ss_param rl_params[] = {
    {"rate", SS_P_RATE, offsetof(rl_cfg, rate), SS_PF_REQUIRED | SS_PF_POSITIVE, NULL, 0, 0,
     "tokens added a second: the long-run admitted rate at most"},
    {"burst", SS_P_COUNT, offsetof(rl_cfg, burst), 0, "-1", 0, 0,
     "most tokens the bucket holds: requests admitted at once after a quiet spell "
     "(unset: one second of rate)"},
    {0},
};

static double resolved_cap(const rl_cfg *c)
{
    return c->burst >= 0 ? (double)c->burst : fmax(1, floor(c->rate));
}

static void rl_check(void *cfgp, ss_cfgctx *ctx)
{
    rl_cfg *c = cfgp;
    if (ss_cfg_given(ctx, "burst") && c->burst < 1)
        ss_cfg_error(ctx, "burst", "expected a burst of at least 1 token, got %lld",
                     (long long)c->burst);
    if (c->rate > 1e9)
        ss_cfg_error(ctx, "rate", "expected a rate of at most 1G/s, got %g/s", c->rate);
}

static void rl_init(void *state, ss_sim *sim, const ss_comp_ctx *self)
{
    rl *b = state;
    b->cfg = self->cfg;
    b->region = self->region;
    b->dc = self->dc;
    b->cap = resolved_cap(b->cfg);
    b->tokens = b->cap;
    b->last = 0;
}

static int rl_pick(void *state, ss_sim *sim, const ss_req *req, int *region)
{
    *region = ((rl *)state)->region;
    return 0; /* one bucket per copy: a balancer has nothing to spread */
}

static void rl_request(void *state, ss_sim *sim, ss_req *req)
{
    rl *b = state;
    bool measuring = ss_sim_measuring(sim);
    if (measuring)
        b->arrivals++;
    if (b->crashed || b->dc_out) {
        if (measuring)
            b->downed++;
        ss_sim_fail(sim, req, SS_FAIL_DOWN);
        return;
    }
    ss_time now = ss_sim_now(sim);
    b->tokens = fmin(b->cap, b->tokens + b->cfg->rate * ss_time_to_s(now - b->last));
    b->last = now;
    if (b->tokens < 1) {
        if (measuring)
            b->limited++;
        ss_sim_fail(sim, req, SS_FAIL_LIMITED);
        return;
    }
    b->tokens -= 1;
    if (measuring)
        b->admitted++;
    ss_sim_forward(sim, req);
}

static void rl_fault(void *state, ss_sim *sim, const ss_fault_ev *f)
{
    rl *b = state;
    if (f->action == SS_FAULT_SLOW)
        return;
    if (f->action == SS_FAULT_OUTAGE) {
        if (f->dc != b->dc)
            return;
        b->dc_out = f->begin;
    } else {
        b->crashed = f->begin;
    }
    if (!b->crashed && !b->dc_out) {
        b->tokens = b->cap;
        b->last = ss_sim_now(sim);
    }
}

enum { RL_KF_ADMITTED, RL_KF_LIMITED, RL_KF_DOWN };
static const ss_kfig_def rl_figures[] = {
    {.name = "admitted", .type = SS_KF_COUNT, .help = "requests that found a token"},
    {.name = "limited", .type = SS_KF_COUNT, .help = "requests refused for want of one (429)"},
    {.name = "down", .type = SS_KF_COUNT, .help = "requests failed while it was down"},
    {0},
};

static void rl_report(void *state, ss_sim *sim, ss_comp_report *out)
{
    rl *b = state;
    out->all.arrivals = b->arrivals;
    out->all.done = b->admitted;
    out->all.rejected = b->limited;
    out->billable_instances = 0; /* a feature of the gateway in front */
    ss_kf_set(ss_report_kf(out, RL_KF_ADMITTED, 0), (double)b->admitted);
    ss_kf_set(ss_report_kf(out, RL_KF_LIMITED, 0), (double)b->limited);
    ss_kf_set(ss_report_kf(out, RL_KF_DOWN, 0), (double)b->downed);
}

const ss_model_ops ss_model_rate_limiter = {
    .kind = "rate_limiter",
    .summary = "a token bucket in a route: requests beyond rate (and burst) fail as limited",
    .params = rl_params,
    .figures = rl_figures,
    .cfg_size = sizeof(rl_cfg),
    .state_size = sizeof(rl),
    .check = rl_check,
    .init = rl_init,
    .pick = rl_pick,
    .request = rl_request,
    .fault = rl_fault,
    .report = rl_report,
};
