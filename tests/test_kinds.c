/*
 * tests/test_kinds.c -- the kind table and the model contract: every
 * built-in kind keeps the contract, a broken one is refused with the
 * reason, and a kind of one's own is one ops table away (this file
 * defines one and runs a scenario with it).
 */
#include "ss_run_helpers.h"

#include "registry.h"
#include "scalesim/station.h"

/* ---- a small kind: a fixed delay with no capacity -------------------------- */

typedef struct delay_cfg {
    ss_time latency;
} delay_cfg;

typedef struct delay {
    const delay_cfg *cfg;
    int handler, region;
    uint64_t calls;
} delay;

static const ss_param delay_params[] = {
    {"latency", SS_P_DURATION, offsetof(delay_cfg, latency), SS_PF_REQUIRED, NULL, 0, 0,
     "how long a call takes"},
    {0},
};

static const ss_kfig_def delay_figures[] = {
    {.name = "calls", .type = SS_KF_COUNT, .help = "calls answered"},
    {0},
};

static void delay_done(void *obj, ss_sim *sim, void *ptr, uint32_t code)
{
    delay *d = obj;
    if (ss_sim_measuring(sim))
        d->calls++;
    ss_sim_forward(sim, ptr);
}

static void delay_init(void *state, ss_sim *sim, const ss_comp_ctx *self)
{
    delay *d = state;
    d->cfg = self->cfg;
    d->region = self->region;
    d->handler = ss_sim_handler(sim, delay_done, d);
}

static int delay_pick(void *state, ss_sim *sim, const ss_req *req, int *region)
{
    *region = ((delay *)state)->region;
    return 0;
}

static void delay_request(void *state, ss_sim *sim, ss_req *req)
{
    delay *d = state;
    ss_sim_schedule(sim, d->cfg->latency, d->handler, 0, req);
}

static void delay_report(void *state, ss_sim *sim, ss_comp_report *out)
{
    delay *d = state;
    out->all.arrivals = out->all.done = d->calls;
    ss_kf_set(ss_report_kf(out, 0, 0), (double)d->calls);
}

static const ss_model_ops delay_kind = {
    .kind = "delay",
    .summary = "a fixed delay",
    .params = delay_params,
    .figures = delay_figures,
    .cfg_size = sizeof(delay_cfg),
    .state_size = sizeof(delay),
    .init = delay_init,
    .pick = delay_pick,
    .request = delay_request,
    .report = delay_report,
};

/* ---- tests ------------------------------------------------------------------- */

static void builtin_kinds_keep_the_contract(void **state)
{
    const ss_kinds *k = ss_kinds_builtin();
    assert_true(k->n >= 8);
    for (size_t i = 0; i < k->n; i++) {
        char why[256] = "";
        if (ss_kinds_check(k->ops[i], why, sizeof why) != SS_OK) {
            print_error("%s\n", why);
            fail();
        }
    }
    assert_non_null(ss_kinds_find(k, "database"));
    assert_null(ss_kinds_find(k, "delay"));
}

static void a_kind_that_breaks_the_contract_is_refused(void **state)
{
    ss_kinds *k = ss_kinds_new();
    char why[256];
    ss_model_ops broken = delay_kind;
    broken.pick = NULL; /* in a route, but no way to choose an instance */
    assert_int_equal(ss_kinds_add(k, &broken, why, sizeof why), SS_INVALID);
    assert_string_equal(why, "kind delay: a kind that can be in a route needs pick or station "
                             "(which instance takes a request)");
    broken = delay_kind;
    broken.request = NULL;
    assert_int_equal(ss_kinds_add(k, &broken, why, sizeof why), SS_INVALID);
    assert_non_null(strstr(why, "needs request"));
    broken = delay_kind;
    broken.kind = "Delay!";
    assert_int_equal(ss_kinds_add(k, &broken, why, sizeof why), SS_INVALID);
    broken = delay_kind;
    broken.kind = "cache";
    assert_int_equal(ss_kinds_add(k, &broken, why, sizeof why), SS_INVALID);
    assert_non_null(strstr(why, "there is one of that name already"));
    ss_kinds_free(k);
}

/* One ops table and one call: the loader knows the kind, its keys are
 * checked from its table, it runs, and its figure is reported. A route
 * [delay] of 7 ms answers in 7 ms. */
static void a_kind_of_ones_own_is_one_table(void **state)
{
    ss_kinds *k = ss_kinds_new();
    char why[256];
    assert_int_equal(ss_kinds_add(k, &delay_kind, why, sizeof why), SS_OK);
    const char *yaml = "scalesim: 1\n"
                       "simulation: {duration: 10s, warmup: 1s}\n"
                       "workload: {rate: 100/s, requests: {r: {route: [d]}}}\n"
                       "components: {d: {kind: delay, latency: 7ms}}\n";
    ss_load_opts lo = {.kinds = k};
    ss_diag *d = ss_diag_new();
    ss_scenario *sc = ss_scenario_parse_with("delay.yaml", yaml, NULL, 0, &lo, d);
    if (!sc)
        ss_diag_print(d, stderr);
    assert_non_null(sc);
    ss_result *r = run1(sc, 0);
    assert_near(r->fig[SS_FIG_MEAN_MS], 7, 1e-9);
    assert_near(extra(comp(r, "d"), "calls"), (double)r->ok, 0);
    ss_result_free(r);
    ss_scenario_free(sc);
    /* the built-in table does not know it */
    ss_diag *d2 = ss_diag_new();
    assert_null(ss_scenario_parse("delay.yaml", yaml, NULL, d2));
    char first[512];
    ss_diag_first(d2, first, sizeof first);
    assert_non_null(strstr(first, "got \"delay\""));
    /* and its keys are checked from its own table */
    ss_diag_free(d2);
    ss_diag_free(d);
    ss_kinds_free(k);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(builtin_kinds_keep_the_contract),
        cmocka_unit_test(a_kind_that_breaks_the_contract_is_refused),
        cmocka_unit_test(a_kind_of_ones_own_is_one_table),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
