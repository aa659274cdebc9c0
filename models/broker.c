/*
 * models/broker.c -- a message queue with a pool of consumers.
 *
 * A request that reaches the broker publishes a message: `publish` is the
 * synchronous part (a delay: the broker is a managed service that does not
 * queue publishers), after which the request goes on along its route
 * without waiting for the message to be handled. The message waits in one
 * FIFO shared by the consumer pool (`consumers`: instances x cores slots,
 * each taking the next message when free -- competing consumers) and is
 * consumed after the pool's `service` time. With `capacity` set, a publish
 * that finds that many messages waiting is rejected and the request fails.
 *
 * With Poisson publishes and exponential consumers the pool is an M/M/c
 * queue, c = instances x cores: message latency (publish to consumed) is
 * its sojourn time. A pool slower than the publishes has a backlog that
 * grows at publish rate minus service rate; the report says so.
 *
 * Cost: consumers.instances at the component's instance_type, and per
 * million messages (pricing.yaml per_use.broker.per_million_messages).
 */
#include <math.h>
#include <stdio.h>

#include "scalesim/station.h"

typedef struct consumers_cfg {
    int instances, cores;
    ss_opdist service;
} consumers_cfg;

typedef struct broker_cfg {
    ss_dist publish;
    int64_t capacity;
    consumers_cfg consumers;
} broker_cfg;

typedef struct broker {
    const broker_cfg *cfg;
    gsl_rng *rng;
    ss_station pool;            /* one instance, instances x cores slots   */
    int h_published;
    bool down;
    double slow;
    uint64_t published, consumed, rejected;
    uint64_t backlog_peak;
    uint64_t backlog_at_start;  /* when measuring began                    */
    bool start_seen;
    ss_hist latency;            /* publish to consumed, measured messages   */
} broker;

static const ss_param consumer_params[] = {
    {"instances", SS_P_INT, offsetof(consumers_cfg, instances), SS_PF_POSITIVE, "1", 0, 0,
     "consumer machines"},
    {"cores", SS_P_INT, offsetof(consumers_cfg, cores), SS_PF_POSITIVE, "1", 0, 0,
     "messages each handles at once"},
    {"service", SS_P_OPDIST, offsetof(consumers_cfg, service), SS_PF_REQUIRED, NULL, 0, 0,
     "time to handle one message"},
    {0},
};

static const ss_param broker_params[] = {
    {"publish", SS_P_DIST, offsetof(broker_cfg, publish), 0, "1ms", 0, 0,
     "the synchronous part of a publish, in the request's path"},
    {"capacity", SS_P_COUNT, offsetof(broker_cfg, capacity), 0, "-1", 0, 0,
     "most messages waiting; a publish beyond it fails (unset: unbounded)"},
    {"consumers", SS_P_STRUCT, offsetof(broker_cfg, consumers), SS_PF_REQUIRED, NULL, 0,
     consumer_params, "{instances: N, cores: N, service: D}"},
    {0},
};

static void broker_check(void *cfgp, ss_cfgctx *ctx)
{
    broker_cfg *c = cfgp;
    if ((int64_t)c->consumers.instances * c->consumers.cores > 1000000)
        ss_cfg_error(ctx, "consumers", "expected at most a million consumer slots, got %lld",
                     (long long)c->consumers.instances * c->consumers.cores);
}

static inline uint64_t backlog(const broker *b)
{
    return b->pool.inst[0].qlen;
}

static void message_done(void *owner, ss_sim *sim, ss_req *msg, int inst)
{
    broker *b = owner;
    /* as with requests: what was consumed after the warm-up counts */
    if (ss_sim_measuring(sim)) {
        b->consumed++;
        ss_hist_add(&b->latency, ss_sim_now(sim) - msg->t_sent);
    }
    ss_sim_job_free(sim, msg);
}

static void on_published(void *obj, ss_sim *sim, void *ptr, uint32_t code)
{
    broker *b = obj;
    ss_req *req = ptr;
    bool measuring = ss_sim_measuring(sim);
    if (measuring && !b->start_seen) {
        /* the first publish after the warm-up: the backlog then, and the
         * peak counted from then on, as every other figure is */
        b->start_seen = true;
        b->backlog_at_start = backlog(b);
        b->backlog_peak = backlog(b);
    }
    if (b->down || (b->cfg->capacity >= 0 && backlog(b) >= (uint64_t)b->cfg->capacity)) {
        if (measuring)
            b->rejected++;
        ss_sim_fail(sim, req, b->down ? SS_FAIL_DOWN : SS_FAIL_REJECTED);
        return;
    }
    ss_req *msg = ss_sim_job_new(sim);
    msg->key = req->key;
    msg->op = SS_OP_READ;
    msg->t_sent = ss_sim_now(sim);
    ss_station_arrive(&b->pool, sim, msg, 0);
    if (measuring)
        b->published++;
    if (measuring && backlog(b) > b->backlog_peak)
        b->backlog_peak = backlog(b);
    ss_sim_forward(sim, req); /* the request does not wait for the message */
}

static void broker_init(void *state, ss_sim *sim, const ss_comp_ctx *self)
{
    broker *b = state;
    b->cfg = self->cfg;
    b->rng = self->rng;
    b->slow = 1;
    ss_hist_init(&b->latency);
    ss_station_init(&b->pool, sim, self->name, 1,
                    b->cfg->consumers.instances * b->cfg->consumers.cores, -1,
                    &b->cfg->consumers.service, self->rng, message_done, b);
    b->h_published = ss_sim_handler(sim, on_published, b);
}

static void broker_request(void *state, ss_sim *sim, ss_req *req)
{
    broker *b = state;
    ss_time t = ss_time_from_s(ss_dist_sample(&b->cfg->publish, b->rng) * b->slow);
    ss_sim_note(sim, req, SS_NOTE_SERVICE, t);
    ss_sim_schedule(sim, t, b->h_published, 0, req);
}

static ss_station *broker_station(void *state)
{
    return &((broker *)state)->pool;
}

static int broker_pick(void *state, ss_sim *sim, const ss_req *req, int *region)
{
    (void)state, (void)sim, (void)req, (void)region;
    return 0; /* one queue: the balancer has nothing to spread */
}

static void broker_fault(void *state, ss_sim *sim, const ss_fault_ev *f)
{
    broker *b = state;
    if (f->action == SS_FAULT_SLOW) {
        /* slower publishes and slower consumers */
        b->slow = f->begin ? f->factor : 1;
        ss_station_slow(&b->pool, 0, b->slow);
        return;
    }
    /* a crash or an outage: publishes fail; the waiting messages are kept
     * (a durable queue) and consumers take them again when it comes back */
    b->down = f->begin;
    ss_station_pause(&b->pool, sim, 0, f->begin);
}

enum {
    BK_KF_PUBLISHED, BK_KF_CONSUMED, BK_KF_P50, BK_KF_P95, BK_KF_PEAK, BK_KF_FINAL,
    BK_KF_GROWTH, BK_KF_GROWING, BK_KF_START
};

/* A backlog that grew by more than a few seconds' worth of the consumers'
 * rate over the window is not a fluctuation: its growth per second, else
 * NAN (not reported). */
static double backlog_growth(const ss_kfig *f, double window)
{
    double final = f[BK_KF_FINAL].num;
    double growth = window > 0 ? (final - f[BK_KF_START].num) / window : 0;
    double consume_rate = window > 0 ? f[BK_KF_CONSUMED].num / window : 0;
    return growth > 0 && final > 5 * consume_rate + 100 ? growth : NAN;
}

static double backlog_growing(const ss_kfig *f, double window)
{
    return isnan(backlog_growth(f, window)) ? NAN : 1;
}

static const ss_kfig_def broker_figures[] = {
    {.name = "published", .type = SS_KF_COUNT, .help = "messages published"},
    {.name = "consumed", .type = SS_KF_COUNT, .help = "messages handled by the consumers"},
    {.name = "message_p50_ms", .type = SS_KF_QUANTILE, .decimals = 3, .q = 0.5,
     .help = "message latency, publish to consumed, median"},
    {.name = "message_p95_ms", .type = SS_KF_QUANTILE, .decimals = 3, .q = 0.95,
     .help = "message latency, 95th percentile"},
    {.name = "backlog_peak", .type = SS_KF_MAX, .help = "most messages waiting"},
    {.name = "backlog_final", .type = SS_KF_LAST, .help = "messages waiting at the end"},
    {.name = "backlog_growth_per_s", .type = SS_KF_DERIVED, .decimals = 1,
     .derive = backlog_growth, .help = "when the consumers fall behind: growth per second"},
    {.name = "backlog", .type = SS_KF_DERIVED, .derive = backlog_growing,
     .text = "growing: consumers slower than publishes", .help = "said when it grows"},
    {.name = "backlog_start", .type = SS_KF_LAST, .flags = SS_KF_OPTIONAL,
     .help = "messages waiting when measuring began (not printed)"},
    {0},
};

static void broker_report(void *state, ss_sim *sim, ss_comp_report *out)
{
    broker *b = state;
    ss_station_report(&b->pool, sim, &out->all, NULL, "");
    out->all.arrivals = b->published;
    out->all.rejected = b->rejected;
    out->all.done = b->consumed;
    out->billable_instances = b->cfg->consumers.instances;
    out->usage_units = (double)b->published;
    ss_kf_set(ss_report_kf(out, BK_KF_PUBLISHED, 0), (double)b->published);
    ss_kf_set(ss_report_kf(out, BK_KF_CONSUMED, 0), (double)b->consumed);
    if (b->latency.n) {
        ss_kf_hist(ss_report_kf(out, BK_KF_P50, 0), &b->latency);
        ss_kf_hist(ss_report_kf(out, BK_KF_P95, 0), &b->latency);
    }
    ss_kf_set(ss_report_kf(out, BK_KF_PEAK, 0), (double)b->backlog_peak);
    ss_kf_set(ss_report_kf(out, BK_KF_FINAL, 0), (double)backlog(b));
    /* kept, not printed: what the growth is measured from */
    ss_kfig *start = ss_report_kf(out, BK_KF_START, 0);
    start->num = (double)b->backlog_at_start;
}

static void broker_destroy(void *state)
{
    broker *b = state;
    ss_hist_release(&b->latency);
    ss_station_release(&b->pool);
}

/* The consumer pool is one M/M/c (instances x cores slots, one FIFO)
 * off the request's path; the request itself only waits the publish. */
static void broker_theory(const void *cfgp, ss_theory_desc *out)
{
    const broker_cfg *c = cfgp;
    out->instances = 1;
    out->servers = c->consumers.instances * c->consumers.cores;
    for (int op = 0; op < SS_OPS; op++) /* messages are consumed as reads */
        out->service[op] = &c->consumers.service.op[SS_OP_READ];
    out->queue = c->capacity;
    out->delay_s = ss_dist_mean(&c->publish);
    out->off_path = true;
}

const ss_model_ops ss_model_broker = {
    .kind = "broker",
    .summary = "a message queue: publish is synchronous, a consumer pool handles messages later",
    .params = broker_params,
    .figures = broker_figures,
    .cfg_size = sizeof(broker_cfg),
    .state_size = sizeof(broker),
    .usage_unit = "per_million_messages",
    .usage_scale = 1e6,
    .check = broker_check,
    .init = broker_init,
    .pick = broker_pick,
    .request = broker_request,
    .fault = broker_fault,
    .station = broker_station,
    .report = broker_report,
    .destroy = broker_destroy,
    .theory = broker_theory,
};
