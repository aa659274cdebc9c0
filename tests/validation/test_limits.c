/*
 * tests/validation/test_limits.c -- `deadline` and `concurrency` on a
 * serving component (SPEC.md 4.5) against queueing theory.
 *
 * A deadline T on an M/M/1 queue is the M/M/1+D queue (deterministic
 * patience, waiting customers who give up do no work): with d = mu - lambda
 * it drops p0 rho e^(-d T) of the requests, p0 = 1 / (1 + lambda (1 -
 * e^(-d T)) / d + rho e^(-d T)) the probability that the server is idle.
 * That is not P(W > T) of the plain M/M/1, which the test also shows.
 *
 * A concurrency limit N held over a request's service S and its downstream
 * time D caps an instance at N / (S + D) requests a second (Little's law:
 * N in progress, each for S + D), whatever its cores.
 * Seeds are fixed; tolerances are four standard errors or a few percent.
 */
#include "ss_run_helpers.h"

static double mm1d_drop(double lambda, double mu, double t)
{
    double d = mu - lambda, rho = lambda / mu, e = exp(-d * t);
    double p0 = 1 / (1 + lambda * (1 - e) / d + rho * e);
    return p0 * rho * e;
}

static ss_result *run_yaml(const char *yaml)
{
    ss_scenario *sc = load_text(yaml, NULL);
    ss_result *r = run1(sc, 0);
    ss_scenario_free(sc);
    return r;
}

/* With a time series of 10 s intervals. */
static ss_result *run_series(const char *yaml)
{
    ss_scenario *sc = load_text(yaml, NULL);
    ss_run_opts o;
    ss_run_opts_init(&o);
    o.timeseries = true;
    o.interval = ss_time_from_s(10);
    ss_result *r = NULL;
    assert_int_equal(ss_run(sc, &o, &r), SS_OK);
    ss_scenario_free(sc);
    return r;
}

static void deadline_is_mm1_plus_d(void **state)
{
    static const struct { double lambda, mu, t; } cases[] = {
        {90, 100, 0.020}, {50, 100, 0.005}, {150, 100, 0.050}};
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        double lambda = cases[i].lambda, mu = cases[i].mu, t = cases[i].t;
        char yaml[1024];
        snprintf(yaml, sizeof yaml,
                 "scalesim: 1\n"
                 "simulation: {duration: 4000s, warmup: 100s, seed: 21}\n"
                 "workload: {rate: %g/s, requests: {r: {route: [app]}}}\n"
                 "components:\n"
                 "  app: {kind: app_server, cores: 1, service: exp(%gms), deadline: %gms}\n",
                 lambda, 1e3 / mu, t * 1e3);
        ss_result *r = run_yaml(yaml);
        double n = (double)r->sent, want = mm1d_drop(lambda, mu, t);
        double got = (double)r->fail_why[SS_FAIL_TIMEOUT] / n;
        /* drops are correlated in busy periods: allow 4 x a binomial's
         * standard error inflated by ten */
        double tol = 4 * sqrt(want * (1 - want) / n) * sqrt(10);
        double plain = lambda < mu ? lambda / mu * exp(-(mu - lambda) * t) : 1;
        printf("  lambda %g mu %g T %g ms: dropped %.4f, M/M/1+D %.4f +- %.4f "
               "(plain M/M/1 P(W>T) %.4f)\n", lambda, mu, t * 1e3, got, want, tol, plain);
        assert_true(fabs(got - want) < tol);
        assert_int_equal(r->failed, r->fail_why[SS_FAIL_TIMEOUT]);
        double dropped = NAN;
        assert_true(ss_comp_kfig(comp(r, "app"), "deadline_dropped", r->window_s, &dropped));
        assert_true(fabs(dropped - (double)r->failed) <= 2);
        /* the server is busy 1 - p0 of the time */
        double d = mu - lambda, e = exp(-d * t);
        double p0 = 1 / (1 + lambda * (1 - e) / d + lambda / mu * e);
        double util = ss_result_figure(r, "components.app.util");
        printf("    util %.4f, 1 - p0 %.4f\n", util, 1 - p0);
        assert_true(fabs(util - (1 - p0)) < 0.01);
        ss_result_free(r);
    }
}

/* Without a deadline the app has no such figure and nothing is dropped. */
static void no_deadline_no_drops(void **state)
{
    ss_result *r = run_yaml("scalesim: 1\n"
                            "simulation: {duration: 100s, warmup: 0s, seed: 2}\n"
                            "workload: {rate: 90/s, requests: {r: {route: [app]}}}\n"
                            "components:\n"
                            "  app: {kind: app_server, cores: 1, service: exp(10ms)}\n");
    double v;
    assert_false(ss_comp_kfig(comp(r, "app"), "deadline_dropped", r->window_s, &v));
    assert_int_equal(r->failed, 0);
    ss_result_free(r);
}

/* Four workers, each held 1 ms of service and 50 ms of an external call:
 * 4 / 51 ms = 78.4 requests a second per instance, though eight cores are
 * idle most of the time; two instances serve twice that. */
static void concurrency_caps_throughput_by_littles_law(void **state)
{
    for (int inst = 1; inst <= 2; inst++) {
        char yaml[1024];
        snprintf(yaml, sizeof yaml,
                 "scalesim: 1\n"
                 "simulation: {duration: 500s, warmup: 20s, seed: 4}\n"
                 "workload: {rate: 300/s, requests: {r: {route: [app, api]}}}\n"
                 "components:\n"
                 "  app: {kind: app_server, instances: %d, cores: 8, service: const(1ms),\n"
                 "        concurrency: 4, queue: 50}\n"
                 "  api: {kind: external, latency: const(50ms)}\n",
                 inst);
        ss_result *r = run_yaml(yaml);
        double x = ss_result_figure(r, "throughput_rps"), want = inst * 4 / 0.051;
        double util = ss_result_figure(r, "components.app.util");
        printf("  %d instance(s): %.2f/s (N/(S+D) = %.2f), util %.4f, rejected %.3f\n", inst, x,
               want, util, (double)r->fail_why[SS_FAIL_REJECTED] / (double)r->sent);
        assert_true(fabs(x - want) < 0.01 * want);
        /* the cores work 1 ms of every 51 a worker is held, of 8 */
        assert_true(fabs(util - 4.0 / 51 / 8) < 0.002);
        ss_result_free(r);
    }
}

/* Below the limit nothing changes: the same figures as without it, as
 * long as the workers are never all held (here at most 1000). */
static void a_high_limit_changes_nothing(void **state)
{
    const char *base = "scalesim: 1\n"
                       "simulation: {duration: 100s, warmup: 0s, seed: 8}\n"
                       "workload: {rate: 100/s, requests: {r: {route: [app, db]}}}\n"
                       "components:\n"
                       "  app: {kind: app_server, cores: 2, service: exp(5ms)%s}\n"
                       "  db: {kind: database, service: exp(3ms)}\n";
    char with[1024], without[1024];
    snprintf(with, sizeof with, base, ", concurrency: 1000");
    snprintf(without, sizeof without, base, "");
    ss_result *a = run_yaml(with), *b = run_yaml(without);
    printf("  p95 %.4f vs %.4f ms\n", a->fig[SS_FIG_P95_MS], b->fig[SS_FIG_P95_MS]);
    assert_int_equal(a->ok, b->ok);
    assert_near(a->fig[SS_FIG_MEAN_MS], b->fig[SS_FIG_MEAN_MS], 1e-9);
    ss_result_free(a);
    ss_result_free(b);
}

/* A crash with workers held downstream: nothing is lost, the pool is whole
 * again after it (the throughput cap returns). */
static void a_crash_leaves_the_pool_whole(void **state)
{
    ss_result *r = run_series("scalesim: 1\n"
                            "simulation: {duration: 300s, warmup: 0s, seed: 9}\n"
                            "workload: {rate: 300/s, requests: {r: {route: [app, api]}}}\n"
                            "components:\n"
                            "  app: {kind: app_server, cores: 2, service: exp(2ms),\n"
                            "        concurrency: 4, queue: 50}\n"
                            "  api: {kind: external, latency: const(50ms)}\n"
                            "faults:\n"
                            "  - {at: 50s, target: app, action: crash, duration: 10s}\n"
                            "  - {at: 150s, target: app, action: crash, duration: 10s}\n");
    /* after the crashes, the cap is 4 / 52 ms again */
    double last = 0;
    for (size_t i = 0; i < r->n_series; i++)
        if (r->series[i].t_s >= 200 && r->series[i].t_s < 290)
            last += r->series[i].throughput_rps / 9;
    printf("  after two crashes: %.2f/s (4 / 52 ms = %.2f)\n", last, 4 / 0.052);
    assert_true(fabs(last - 4 / 0.052) < 0.05 * 4 / 0.052);
    ss_result_free(r);
}

static void bad_limits_are_refused(void **state)
{
    static const struct { const char *keys, *msg; } cases[] = {
        {"concurrency: 0", "components.app.concurrency: expected a limit between 1 and 1M"},
        {"deadline: 0s", "components.app.deadline: expected a deadline above 0s"},
        {"deadline: 5", "components.app.deadline: expected a duration"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char yaml[1024], err[512];
        snprintf(yaml, sizeof yaml,
                 "scalesim: 1\n"
                 "simulation: {duration: 10s}\n"
                 "workload: {rate: 10/s, requests: {r: {route: [app]}}}\n"
                 "components:\n"
                 "  app: {kind: app_server, service: exp(5ms), %s}\n",
                 cases[i].keys);
        first_error(yaml, NULL, err, sizeof err);
        printf("  %s -> %s\n", cases[i].keys, err);
        assert_non_null(strstr(err, cases[i].msg));
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(deadline_is_mm1_plus_d),
        cmocka_unit_test(no_deadline_no_drops),
        cmocka_unit_test(concurrency_caps_throughput_by_littles_law),
        cmocka_unit_test(a_high_limit_changes_nothing),
        cmocka_unit_test(a_crash_leaves_the_pool_whole),
        cmocka_unit_test(bad_limits_are_refused),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
