/*
 * models/app_server.c -- a plain serving component: the shared station.
 * A request waits for a core of the instance it was sent to, is served, and
 * goes on along its route. Invariant (the station's): arrivals = served +
 * waiting + in service + failed by a crash (+ dropped at the deadline),
 * per instance.
 *
 * With `concurrency: N` a request holds one of N workers from the start
 * of its service until its answer comes back through here (a thread held
 * during the database call); the reply handler releases it, and a request
 * the route ends at releases it when its own work is done. Without it the
 * reply handler is not needed and answers pass without an event.
 */
#include "scalesim/station.h"

typedef struct app_cfg {
    ss_station_cfg st;
} app_cfg;

typedef struct app {
    ss_station st;
} app;

static const ss_param app_params[] = {
    SS_STATION_PARAMS(app_cfg, st),
    SS_STATION_LIMIT_PARAMS(app_cfg, st),
    {0},
};

static const ss_kfig_def app_figures[] = {
    {.name = "deadline_dropped", .type = SS_KF_COUNT, .flags = SS_KF_OPTIONAL,
     .help = "with deadline: requests dropped after waiting it (they fail as timeout)"},
    {0},
};

static void app_check(void *cfg, ss_cfgctx *ctx)
{
    ss_station_check(&((app_cfg *)cfg)->st, ctx);
}

static void app_done(void *owner, ss_sim *sim, ss_req *req, int inst)
{
    app *a = owner;
    if (req->pos + 1 >= req->n_route) /* answered here: nothing to wait for */
        ss_station_unhold(&a->st, sim, inst);
    ss_sim_forward(sim, req);
}

static void app_reply(void *state, ss_sim *sim, ss_req *req)
{
    app *a = state;
    ss_station_unhold(&a->st, sim, req->inst[req->pos]);
}

static void app_init(void *state, ss_sim *sim, const ss_comp_ctx *self)
{
    app *a = state;
    const app_cfg *c = self->cfg;
    ss_station_init(&a->st, sim, self->name, c->st.instances, c->st.cores, c->st.queue,
                    &c->st.service, self->rng, app_done, a);
    if (!ss_station_limits(&a->st, sim, &c->st))
        ss_sim_skip_reply(sim, self->id);
}

static void app_request(void *state, ss_sim *sim, ss_req *req)
{
    app *a = state;
    if (!ss_station_arrive(&a->st, sim, req, req->inst[req->pos]))
        ss_sim_fail(sim, req, (ss_fail)req->fail_why);
}

static void app_fault(void *state, ss_sim *sim, const ss_fault_ev *f)
{
    ss_station_fault(&((app *)state)->st, sim, f);
}

static ss_station *app_station(void *state)
{
    return &((app *)state)->st;
}

static void app_report(void *state, ss_sim *sim, ss_comp_report *out)
{
    app *a = state;
    ss_station_report(&a->st, sim, &out->all, ss_report_rows(out, a->st.n), "");
    out->billable_instances = a->st.n;
    if (a->st.deadline > 0) {
        uint64_t dropped = 0;
        for (int i = 0; i < a->st.n; i++)
            dropped += a->st.inst[i].dropped;
        ss_kf_set(ss_report_kf(out, 0, 0), (double)dropped);
    }
}

static void app_destroy(void *state)
{
    ss_station_release(&((app *)state)->st);
}

static void app_theory(const void *cfg, ss_theory_desc *out)
{
    ss_station_theory(&((const app_cfg *)cfg)->st, out);
}

const ss_model_ops ss_model_app_server = {
    .kind = "app_server",
    .summary = "a serving component: instances x cores, FCFS, optional queue bound",
    .params = app_params,
    .targets = 1u << SS_TARGET_INSTANCE,
    .target_count = ss_station_target_count,
    .cfg_size = sizeof(app_cfg),
    .state_size = sizeof(app),
    .check = app_check,
    .init = app_init,
    .request = app_request,
    .reply = app_reply,
    .figures = app_figures,
    .fault = app_fault,
    .station = app_station,
    .theory = app_theory,
    .report = app_report,
    .destroy = app_destroy,
};
