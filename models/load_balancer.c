/*
 * models/load_balancer.c -- spreads requests over the next component's
 * instances.
 *
 * The balancer is itself a station (its `service` is the per-request work
 * of the proxy). When a request has been served it chooses an instance of
 * the next component in the route by `algorithm`:
 *   round_robin        the next instance in turn
 *   random             uniformly at random
 *   least_connections  fewest requests waiting or in service (ties: the
 *                      first after a rotating start, so ties spread out)
 *   power_of_two       the less loaded of two distinct random instances
 * Health checks: an instance that crashed stays in rotation until
 * `health_check` has passed (requests sent there fail, as they would),
 * then leaves it; after it recovers it comes back `health_check` later.
 * With no instance in rotation the request fails.
 */
#include <string.h>

#include "scalesim/mem.h"
#include "scalesim/station.h"

enum { LB_ROUND_ROBIN, LB_RANDOM, LB_LEAST_CONN, LB_POWER_OF_TWO };
static const char *const lb_algorithms[] = {"round_robin", "random", "least_connections",
                                            "power_of_two", NULL};

typedef struct lb_cfg {
    ss_station_cfg st;
    int algorithm;
    ss_time health_check;
} lb_cfg;

#define LB_TARGETS 8

typedef struct lb {
    ss_station st;
    const lb_cfg *cfg;
    gsl_rng *rng;
    /* a rotating cursor per next-hop station (routes may differ) */
    const ss_station *target[LB_TARGETS];
    unsigned cursor[LB_TARGETS];
    uint64_t n_no_instance;
} lb;

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

static unsigned *cursor_for(lb *b, const ss_station *t)
{
    for (int i = 0; i < LB_TARGETS; i++) {
        if (b->target[i] == t)
            return &b->cursor[i];
        if (!b->target[i]) {
            b->target[i] = t;
            return &b->cursor[i];
        }
    }
    return &b->cursor[0];
}

static int choose(lb *b, ss_sim *sim, const ss_station *t)
{
    int n = t->n;
    ss_time now = ss_sim_now(sim), hc = b->cfg->health_check;
    unsigned *cur = cursor_for(b, t);
    switch (b->cfg->algorithm) {
    case LB_ROUND_ROBIN:
        for (int k = 0; k < n; k++) {
            int i = (int)(*cur % (unsigned)n);
            *cur = (unsigned)(i + 1);
            if (ss_station_in_rotation(t, i, now, hc))
                return i;
        }
        return -1;
    case LB_RANDOM: {
        int start = (int)gsl_rng_uniform_int(b->rng, (unsigned long)n);
        for (int k = 0; k < n; k++) {
            int i = (start + k) % n;
            if (ss_station_in_rotation(t, i, now, hc))
                return i;
        }
        return -1;
    }
    case LB_LEAST_CONN: {
        int best = -1;
        unsigned best_load = 0;
        int start = (int)(*cur % (unsigned)n);
        *cur = (unsigned)(start + 1);
        for (int k = 0; k < n; k++) {
            int i = (start + k) % n;
            if (!ss_station_in_rotation(t, i, now, hc))
                continue;
            unsigned load = ss_station_load(t, i);
            if (best < 0 || load < best_load) {
                best = i;
                best_load = load;
            }
        }
        return best;
    }
    case LB_POWER_OF_TWO: {
        if (n == 1)
            return ss_station_in_rotation(t, 0, now, hc) ? 0 : -1;
        int a = (int)gsl_rng_uniform_int(b->rng, (unsigned long)n);
        int c = (int)gsl_rng_uniform_int(b->rng, (unsigned long)(n - 1));
        if (c >= a)
            c++;
        bool ua = ss_station_in_rotation(t, a, now, hc), uc = ss_station_in_rotation(t, c, now, hc);
        if (ua && uc)
            return ss_station_load(t, c) < ss_station_load(t, a) ? c : a;
        if (ua || uc)
            return ua ? a : c;
        /* both out: fall back to any instance in rotation */
        for (int k = 0; k < n; k++)
            if (ss_station_in_rotation(t, (a + k) % n, now, hc))
                return (a + k) % n;
        return -1;
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
    int i = choose(b, sim, next->station(next_state));
    if (i < 0) {
        if (ss_sim_measuring(sim))
            b->n_no_instance++;
        ss_sim_fail(sim, req, SS_FAIL_DOWN);
        return;
    }
    ss_sim_forward_to(sim, req, i);
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
    ss_report_extra(out, "algorithm=%s", lb_algorithms[b->cfg->algorithm]);
    ss_report_extra(out, "no_instance=%llu", (unsigned long long)b->n_no_instance);
}

static void lb_destroy(void *state)
{
    ss_station_release(&((lb *)state)->st);
}

const ss_model_ops ss_model_load_balancer = {
    .kind = "load_balancer",
    .summary = "spreads requests over the next component's instances, with health checks",
    .params = lb_params,
    .cfg_size = sizeof(lb_cfg),
    .state_size = sizeof(lb),
    .check = lb_check,
    .init = lb_init,
    .request = lb_request,
    .fault = lb_fault,
    .station = lb_station,
    .report = lb_report,
    .destroy = lb_destroy,
};
