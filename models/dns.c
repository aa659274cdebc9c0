/*
 * models/dns.c -- name resolution, with geo-routing over datacenters.
 *
 * Not in routes: a client asks it before its first request and again when
 * its cached answer is older than `ttl` (sim/engine/workload.c keeps the cache). A
 * resolution takes `latency` and answers with the nearest datacenter (by
 * the latency from the client's region) that the resolver believes healthy.
 * The resolver learns of an outage only after its `health_check` and of a
 * recovery the same time later, so after an outage new answers avoid the
 * datacenter within health_check, and clients holding an old answer move
 * when its TTL runs out: errors stop within TTL + health_check.
 *
 * Open workloads: arrivals are spread over `workload.clients` clients, each
 * with its own cache, so resolutions per second are about
 * clients / (ttl + clients / rate).
 *
 * The clients' caches start at their stationary age (ss_sim_prime_resolver),
 * each holding the answer the resolver gives at time 0.
 *
 * Cost: per million queries (pricing.yaml per_use.dns.per_million_queries).
 */
#include <math.h>

#include "scalesim/model.h"

typedef struct dns_cfg {
    ss_dist latency;
    ss_time ttl;
    ss_time health_check;
} dns_cfg;

typedef struct dns {
    const dns_cfg *cfg;
    gsl_rng *rng;
    int handler;
    int n_dcs;
    bool down;
    double slow;
    ss_time up_since[64];   /* when each datacenter last came back, after an
                               outage the resolver had noticed; -1: never */
    ss_time down_at[64];    /* when the last outage of each began          */
    uint64_t queries, answers[64];
} dns;

static const ss_param dns_params[] = {
    {"latency", SS_P_DIST, offsetof(dns_cfg, latency), 0, "exp(20ms)", 0, 0,
     "time a resolution takes, part of the request's response time"},
    {"ttl", SS_P_DURATION, offsetof(dns_cfg, ttl), 0, "5m", 0, 0,
     "how long a client keeps an answer"},
    {"health_check", SS_P_DURATION, offsetof(dns_cfg, health_check), 0, "10s", 0, 0,
     "time until the resolver notices a datacenter went down or came back"},
    {0},
};

/* What the resolver believes of datacenter d now. */
static bool believed_up(const dns *n, ss_sim *sim, int d)
{
    ss_time now = ss_sim_now(sim), hc = n->cfg->health_check;
    ss_time down = ss_sim_dc_down_since(sim, d);
    if (down >= 0)
        return now - down < hc;
    return n->up_since[d] < 0 || now - n->up_since[d] >= hc;
}

static int nearest(dns *n, ss_sim *sim, int region)
{
    int best = -1;
    ss_time best_lat = SS_TIME_NEVER;
    for (int d = 0; d < n->n_dcs; d++) {
        if (!believed_up(n, sim, d))
            continue;
        ss_time lat = ss_sim_distance(sim, region, ss_sim_dc_region(sim, d));
        if (lat < best_lat) {
            best_lat = lat;
            best = d;
        }
    }
    return best >= 0 ? best : 0; /* nothing healthy: the first, and fail there */
}

static void on_resolved(void *obj, ss_sim *sim, void *ptr, uint32_t code)
{
    dns *n = obj;
    ss_req *req = ptr;
    int dc = nearest(n, sim, req->region);
    if (ss_sim_measuring(sim) && dc < 64)
        n->answers[dc]++;
    ss_sim_resolved(sim, req, dc, n->cfg->ttl);
}

static void dns_init(void *state, ss_sim *sim, const ss_comp_ctx *self)
{
    dns *n = state;
    n->cfg = self->cfg;
    n->rng = self->rng;
    n->n_dcs = ss_sim_dcs(sim);
    n->slow = 1;
    for (int d = 0; d < 64; d++)
        n->up_since[d] = -1;
    n->handler = ss_sim_handler(sim, on_resolved, n);
    ss_sim_prime_resolver(sim, n->cfg->ttl, ss_dist_mean(&n->cfg->latency));
}

static void dns_resolve(void *state, ss_sim *sim, ss_req *req)
{
    dns *n = state;
    if (n->down) {
        ss_sim_fail(sim, req, SS_FAIL_DOWN);
        return;
    }
    if (ss_sim_measuring(sim))
        n->queries++;
    ss_time t = ss_time_from_s(ss_dist_sample(&n->cfg->latency, n->rng) * n->slow);
    ss_sim_note(sim, req, SS_NOTE_SERVICE, t);
    ss_sim_schedule(sim, t, n->handler, 0, req);
}

static void dns_fault(void *state, ss_sim *sim, const ss_fault_ev *f)
{
    dns *n = state;
    if (f->action == SS_FAULT_OUTAGE) {
        if (f->dc < 0 || f->dc >= 64)
            return;
        ss_time now = ss_sim_now(sim);
        if (f->begin)
            n->down_at[f->dc] = now;
        else if (now - n->down_at[f->dc] >= n->cfg->health_check)
            n->up_since[f->dc] = now; /* noticed, so the recovery must be too */
        /* an outage shorter than the health check went unnoticed */
        return;
    }
    /* the resolver itself: a crash fails resolutions (clients with a
     * cached answer go on), slow multiplies their latency */
    if (f->action == SS_FAULT_CRASH)
        n->down = f->begin;
    else
        n->slow = f->begin ? f->factor : 1;
}

enum { DNS_KF_QUERIES, DNS_KF_ANSWERS };
static const ss_kfig_def dns_figures[] = {
    {.name = "queries", .type = SS_KF_COUNT, .help = "resolutions asked for"},
    {.name = "answers", .type = SS_KF_COUNT, .flags = SS_KF_PER_DC | SS_KF_OPTIONAL,
     .help = "answers naming each datacenter (with several)"},
    {0},
};

static void dns_report(void *state, ss_sim *sim, ss_comp_report *out)
{
    dns *n = state;
    out->all.arrivals = out->all.done = n->queries;
    out->usage_units = (double)n->queries;
    ss_kf_set(ss_report_kf(out, DNS_KF_QUERIES, 0), (double)n->queries);
    if (n->n_dcs > 1)
        for (int d = 0; d < n->n_dcs && d < 64; d++)
            ss_kf_set(ss_report_kf(out, DNS_KF_ANSWERS, d), (double)n->answers[d]);
}

const ss_model_ops ss_model_dns = {
    .kind = "dns",
    .summary = "name resolution before requests, cached by clients for ttl; geo-routing",
    .params = dns_params,
    .figures = dns_figures,
    .cfg_size = sizeof(dns_cfg),
    .state_size = sizeof(dns),
    .flags = SS_MODEL_NO_ROUTE | SS_MODEL_SPANS_DCS,
    .usage_unit = "per_million_queries",
    .usage_scale = 1e6,
    .init = dns_init,
    .resolve = dns_resolve,
    .fault = dns_fault,
    .report = dns_report,
};
