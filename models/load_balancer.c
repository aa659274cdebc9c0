/*
 * models/load_balancer.c -- spreads requests over the next component's
 * instances.
 *
 * The balancer is itself a station (its `service` is the per-request work
 * of the proxy). When a request has been served it chooses an instance of
 * the next component in the route by `algorithm`, among the instances in
 * rotation:
 *   round_robin        the next instance in turn
 *   random             uniformly at random
 *   least_connections  fewest requests outstanding (ties: the one that has
 *                      waited longest at that count, so ties rotate)
 *   power_of_two       the one with fewer outstanding of two distinct
 *                      instances drawn uniformly (ties: a fair coin)
 * "Outstanding" is the balancer's own count, as nginx and HAProxy keep it:
 * requests it sent to the instance whose answer (or error) has not come
 * back through it yet. Counting what waits at the instance instead would
 * miss the requests on the wire, and every request sent within one hop's
 * latency would herd onto the same idle instance.
 *
 * Each balancer instance is a separate process with its own counts and its
 * own cursor: a request passes through one of them, which knows only what
 * it sent itself. (One brain shared by all of them would be a balancer no
 * one can build, and would look better than the real thing: 8 balancers
 * with least_connections are not join-the-shortest-queue.)
 *
 * Health checks: an instance that crashed stays in rotation until
 * `health_check` has passed (requests sent there fail, as they would),
 * then leaves it; after it recovers it comes back `health_check` later.
 * The instances in rotation share the load evenly: an instance out of
 * rotation is skipped, never handed to its neighbour (a random pick among
 * all with a walk to the next one in rotation would double the
 * neighbour's share). With no instance in rotation the request fails.
 */
#include <string.h>

#include "scalesim/mem.h"
#include "scalesim/rng.h"
#include "scalesim/station.h"

enum { LB_ROUND_ROBIN, LB_RANDOM, LB_LEAST_CONN, LB_POWER_OF_TWO };
static const char *const lb_algorithms[] = {"round_robin", "random", "least_connections",
                                            "power_of_two", NULL};

typedef struct lb_cfg {
    ss_station_cfg st;
    int algorithm;
    ss_time health_check;
} lb_cfg;

/* What one balancer instance knows of one next-hop component (routes may
 * differ).
 *
 * least_connections must find the instance with the fewest outstanding
 * requests on every request; a scan is O(instances), which dominated runs
 * with pools of a hundred servers. Counts move by one at a time, so a
 * bucket queue finds the minimum in O(1): bucket c lists the instances
 * with c outstanding, in the order they entered it, and `min` is the
 * lowest non-empty bucket. The head of the lowest bucket has waited there
 * longest, which spreads ties. While some instance is out of rotation the
 * buckets are walked upwards from `min` in the same order, skipping those
 * out: the same tie rule, over the instances in rotation only. */
typedef struct lb_target {
    const ss_station *st;
    int lb_inst;            /* the balancer instance this belongs to     */
    unsigned cursor;
    uint32_t *outstanding;  /* per instance */
    int32_t *next, *prev;   /* bucket lists through the instances */
    int32_t *head, *tail;   /* per count; -1 when empty */
    uint32_t n_buckets, min;
} lb_target;

static void bucket_grow(lb_target *tg, uint32_t need)
{
    if (need < tg->n_buckets)
        return;
    uint32_t n = tg->n_buckets ? tg->n_buckets : 16;
    while (n <= need)
        n *= 2;
    tg->head = ss_realloc(tg->head, n * sizeof *tg->head);
    tg->tail = ss_realloc(tg->tail, n * sizeof *tg->tail);
    for (uint32_t c = tg->n_buckets; c < n; c++)
        tg->head[c] = tg->tail[c] = -1;
    tg->n_buckets = n;
}

static void bucket_remove(lb_target *tg, int i)
{
    uint32_t c = tg->outstanding[i];
    if (tg->prev[i] >= 0)
        tg->next[tg->prev[i]] = tg->next[i];
    else
        tg->head[c] = tg->next[i];
    if (tg->next[i] >= 0)
        tg->prev[tg->next[i]] = tg->prev[i];
    else
        tg->tail[c] = tg->prev[i];
}

static void bucket_append(lb_target *tg, int i)
{
    uint32_t c = tg->outstanding[i];
    bucket_grow(tg, c);
    tg->next[i] = -1;
    tg->prev[i] = tg->tail[c];
    if (tg->tail[c] >= 0)
        tg->next[tg->tail[c]] = i;
    else
        tg->head[c] = i;
    tg->tail[c] = i;
}

static void count_change(lb_target *tg, int i, int delta)
{
    bucket_remove(tg, i);
    tg->outstanding[i] = (uint32_t)((int)tg->outstanding[i] + delta);
    bucket_append(tg, i);
    if (tg->outstanding[i] < tg->min)
        tg->min = tg->outstanding[i];
    while (tg->head[tg->min] < 0)
        tg->min++; /* the instance just moved up sits in min + 1 at most */
}

typedef struct lb {
    ss_station st;
    const lb_cfg *cfg;
    gsl_rng *rng;
    lb_target *target;          /* one per (balancer instance, next hop)  */
    int n_targets;
    size_t cap_targets;
    int *rotation;              /* scratch: instances in rotation          */
    size_t cap_rotation;
    uint64_t n_no_instance;
} lb;

enum { LB_KF_ALGORITHM, LB_KF_NO_INSTANCE };
static const ss_kfig_def lb_figures[] = {
    {.name = "algorithm", .type = SS_KF_TEXT, .help = "the balancing algorithm"},
    {.name = "no_instance", .type = SS_KF_COUNT,
     .help = "requests failed because no instance was in rotation"},
    {0},
};

static const ss_param lb_params[] = {
    SS_STATION_PARAMS_DEF(lb_cfg, st, "0.1ms"),
    {"algorithm", SS_P_ENUM, offsetof(lb_cfg, algorithm), 0, "round_robin", lb_algorithms, 0,
     "round_robin, random, least_connections or power_of_two"},
    {"health_check", SS_P_DURATION, offsetof(lb_cfg, health_check), SS_PF_POSITIVE, "5s", 0, 0,
     "time until a crashed instance leaves (and a recovered one rejoins) rotation"},
    {0},
};

static void lb_check(void *cfg, ss_cfgctx *ctx)
{
    ss_station_check(&((lb_cfg *)cfg)->st, ctx);
}

/* Balancer instance k's state for next hop t, made the first time t is
 * seen there. A route has a handful of next hops and a balancer a handful
 * of instances: the scan is short. The pointer is good until the next call
 * (the table may grow). */
static lb_target *target_for(lb *b, int k, const ss_station *t)
{
    for (int i = 0; i < b->n_targets; i++)
        if (b->target[i].st == t && b->target[i].lb_inst == k)
            return &b->target[i];
    SS_GROW(b->target, b->cap_targets, b->n_targets + 1);
    lb_target *tg = &b->target[b->n_targets++];
    memset(tg, 0, sizeof *tg);
    tg->st = t;
    tg->lb_inst = k;
    tg->outstanding = ss_calloc((size_t)t->n, sizeof *tg->outstanding);
    tg->next = ss_malloc((size_t)t->n * sizeof *tg->next);
    tg->prev = ss_malloc((size_t)t->n * sizeof *tg->prev);
    for (int i = 0; i < t->n; i++)
        bucket_append(tg, i);
    tg->min = 0;
    return tg;
}

/* The instances of t in rotation now, into b->rotation; their count. */
static int in_rotation(lb *b, const ss_station *t, ss_time now, ss_time hc)
{
    SS_GROW(b->rotation, b->cap_rotation, (size_t)t->n);
    int n = 0;
    for (int i = 0; i < t->n; i++)
        if (ss_station_in_rotation(t, i, now, hc))
            b->rotation[n++] = i;
    return n;
}

/* Of two distinct instances, the one with fewer outstanding; a and c were
 * drawn in random order, so taking a on a tie is a fair coin. */
static int fewer(const lb_target *tg, int a, int c)
{
    return tg->outstanding[c] < tg->outstanding[a] ? c : a;
}

static int choose(lb *b, ss_sim *sim, const ss_station *t, lb_target *tg)
{
    int n = t->n;
    ss_time now = ss_sim_now(sim), hc = b->cfg->health_check;
    bool all = ss_station_all_in_rotation(t, now, hc);
    switch (b->cfg->algorithm) {
    case LB_ROUND_ROBIN:
        for (int k = 0; k < n; k++) {
            int i = (int)(tg->cursor % (unsigned)n);
            tg->cursor = (unsigned)(i + 1);
            if (all || ss_station_in_rotation(t, i, now, hc))
                return i;
        }
        return -1;
    case LB_RANDOM: {
        if (all)
            return n == 1 ? 0 : (int)ss_rng_uniform_int(b->rng, (unsigned long)n);
        int m = in_rotation(b, t, now, hc);
        if (m == 0)
            return -1;
        return b->rotation[m == 1 ? 0 : ss_rng_uniform_int(b->rng, (unsigned long)m)];
    }
    case LB_LEAST_CONN: {
        if (all)
            return tg->head[tg->min];
        for (uint32_t c = tg->min; c < tg->n_buckets; c++)
            for (int32_t i = tg->head[c]; i >= 0; i = tg->next[i])
                if (ss_station_in_rotation(t, i, now, hc))
                    return i;
        return -1;
    }
    case LB_POWER_OF_TWO: {
        if (all) {
            if (n == 1)
                return 0;
            int a = (int)ss_rng_uniform_int(b->rng, (unsigned long)n);
            int c = (int)ss_rng_uniform_int(b->rng, (unsigned long)(n - 1));
            return fewer(tg, a, c >= a ? c + 1 : c);
        }
        int m = in_rotation(b, t, now, hc);
        if (m <= 1)
            return m ? b->rotation[0] : -1;
        int a = (int)ss_rng_uniform_int(b->rng, (unsigned long)m);
        int c = (int)ss_rng_uniform_int(b->rng, (unsigned long)(m - 1));
        return fewer(tg, b->rotation[a], b->rotation[c >= a ? c + 1 : c]);
    }
    }
    return -1;
}

static void lb_done(void *owner, ss_sim *sim, ss_req *req, int inst)
{
    lb *b = owner;
    void *next_state;
    const ss_model_ops *next = ss_sim_next(sim, req, &next_state);
    if (!next) {
        ss_sim_respond(sim, req);
        return;
    }
    /* Components that route by themselves (a cache by key hash, a
     * database by op) are not balanced. */
    if (next->pick || !next->station) {
        ss_sim_forward(sim, req);
        return;
    }
    const ss_station *t = next->station(next_state);
    lb_target *tg = target_for(b, inst, t);
    int i = choose(b, sim, t, tg);
    if (i < 0) {
        if (ss_sim_measuring(sim))
            b->n_no_instance++;
        ss_sim_fail(sim, req, SS_FAIL_DOWN);
        return;
    }
    count_change(tg, i, +1);
    ss_sim_forward_to(sim, req, i);
}

/* The answer (or error) of a request this balancer dispatched passes back. */
static void lb_reply(void *state, ss_sim *sim, ss_req *req)
{
    lb *b = state;
    void *next_state;
    const ss_model_ops *next = ss_sim_next(sim, req, &next_state);
    if (!next || next->pick || !next->station)
        return; /* it was not balanced here */
    lb_target *tg = target_for(b, req->inst[req->pos], next->station(next_state));
    int i = req->inst[req->pos + 1];
    if (tg->outstanding[i] > 0)
        count_change(tg, i, -1);
}

static void lb_init(void *state, ss_sim *sim, const ss_comp_ctx *self)
{
    lb *b = state;
    b->cfg = self->cfg;
    b->rng = self->rng;
    ss_station_init(&b->st, sim, self->name, b->cfg->st.instances, b->cfg->st.cores,
                    b->cfg->st.queue, &b->cfg->st.service, self->rng, lb_done, b);
}

static void lb_request(void *state, ss_sim *sim, ss_req *req)
{
    lb *b = state;
    if (!ss_station_arrive(&b->st, sim, req, req->inst[req->pos]))
        ss_sim_fail(sim, req, (ss_fail)req->fail_why);
}

static void lb_fault(void *state, ss_sim *sim, const ss_fault_ev *f)
{
    ss_station_fault(&((lb *)state)->st, sim, f);
}

static ss_station *lb_station(void *state)
{
    return &((lb *)state)->st;
}

static void lb_report(void *state, ss_sim *sim, ss_comp_report *out)
{
    lb *b = state;
    ss_station_report(&b->st, sim, &out->all, ss_report_rows(out, b->st.n), "");
    out->billable_instances = b->st.n;
    ss_kf_text(ss_report_kf(out, LB_KF_ALGORITHM, 0), lb_algorithms[b->cfg->algorithm]);
    ss_kf_set(ss_report_kf(out, LB_KF_NO_INSTANCE, 0), (double)b->n_no_instance);
}

static void lb_destroy(void *state)
{
    lb *b = state;
    for (int i = 0; i < b->n_targets; i++) {
        lb_target *tg = &b->target[i];
        ss_free(tg->outstanding);
        ss_free(tg->next);
        ss_free(tg->prev);
        ss_free(tg->head);
        ss_free(tg->tail);
    }
    ss_free(b->target);
    ss_free(b->rotation);
    ss_station_release(&b->st);
}

/* Its own station as theory sees it; the even split over the next hop's
 * instances is what random routing gives (other algorithms balance
 * better: theory is then an upper bound of the next hop's wait). */
static void lb_theory(const void *cfg, ss_theory_desc *out)
{
    const lb_cfg *c = cfg;
    ss_station_theory(&c->st, out);
    if (c->algorithm != LB_RANDOM)
        out->next_note = "balanced better than a random split: theory's wait is an upper bound";
}

const ss_model_ops ss_model_load_balancer = {
    .kind = "load_balancer",
    .summary = "spreads requests over the next component's instances, with health checks",
    .params = lb_params,
    .targets = 1u << SS_TARGET_INSTANCE,
    .target_count = ss_station_target_count,
    .figures = lb_figures,
    .cfg_size = sizeof(lb_cfg),
    .state_size = sizeof(lb),
    .check = lb_check,
    .init = lb_init,
    .request = lb_request,
    .reply = lb_reply,
    .fault = lb_fault,
    .station = lb_station,
    .report = lb_report,
    .destroy = lb_destroy,
    .theory = lb_theory,
};
