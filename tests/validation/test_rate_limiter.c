/*
 * tests/validation/test_rate_limiter.c -- the `rate_limiter` kind (SPEC.md
 * 4.3): a token bucket admits min(offered, rate) in the long run, and in a
 * window of T seconds never more than rate x T + burst.
 *
 * Near rate a Poisson stream loses a little to its own bursts; far from it
 * (half or twice the rate, with a burst of a second) the loss is below a
 * percent or the admitted rate is within one of the rate. Seeds are fixed.
 */
#include "ss_run_helpers.h"

static ss_result *run_yaml(const char *yaml)
{
    ss_scenario *sc = load_text(yaml, NULL);
    ss_result *r = run1(sc, 0);
    ss_scenario_free(sc);
    return r;
}

static ss_result *limited_run(double offered, double rate, int burst, double duration,
                              double warmup)
{
    char yaml[1024], b[64] = "";
    if (burst > 0)
        snprintf(b, sizeof b, ", burst: %d", burst);
    snprintf(yaml, sizeof yaml,
             "scalesim: 1\n"
             "simulation: {duration: %gs, warmup: %gs, seed: 5}\n"
             "workload: {rate: %g/s, requests: {r: {route: [gate, app]}}}\n"
             "components:\n"
             "  gate: {kind: rate_limiter, rate: %g/s%s}\n"
             "  app: {kind: app_server, cores: 64, service: exp(1ms)}\n",
             duration, warmup, offered, rate, b);
    return run_yaml(yaml);
}

static void admits_min_of_offered_and_rate(void **state)
{
    static const struct { double offered, rate; } cases[] = {
        {400, 100}, {200, 100}, {50, 100}, {20, 100}};
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        double lam = cases[i].offered, rate = cases[i].rate;
        ss_result *r = limited_run(lam, rate, 0, 2000, 10);
        double x = ss_result_figure(r, "throughput_rps"), want = fmin(lam, rate);
        double lim = (double)r->fail_why[SS_FAIL_LIMITED] / (double)r->sent;
        printf("  offered %g, rate %g: admitted %.3f/s (min %g), limited %.4f\n", lam, rate, x,
               want, lim);
        /* above the rate: the bucket's fill, to a token in 2000 s; below
         * it: Poisson noise of the offered stream, 4 sigma */
        double tol = lam > rate ? 0.01 * rate : 4 * sqrt(lam / 2000);
        assert_true(fabs(x - want) < tol);
        if (lam <= rate / 2)
            assert_true(lim < 0.01);
        assert_int_equal(r->failed, r->fail_why[SS_FAIL_LIMITED]);
        double admitted = NAN;
        assert_true(ss_comp_kfig(comp(r, "gate"), "admitted", r->window_s, &admitted));
        assert_true(fabs(admitted - (double)r->ok) <= 2);
        ss_result_free(r);
    }
}

/* A flood from the start: the bucket's burst, then exactly its rate. */
static void a_flood_gets_rate_times_t_plus_burst(void **state)
{
    ss_result *r = limited_run(100000, 100, 50, 10, 0);
    double admitted = NAN, limited = NAN;
    assert_true(ss_comp_kfig(comp(r, "gate"), "admitted", r->window_s, &admitted));
    assert_true(ss_comp_kfig(comp(r, "gate"), "limited", r->window_s, &limited));
    printf("  10 s of 100k/s at 100/s, burst 50: admitted %.0f (want 1050), limited %.0f\n",
           admitted, limited);
    assert_true(admitted <= 1050 && admitted >= 1049);
    assert_true(fabs(admitted + limited - (double)r->sent) <= 1);
    ss_result_free(r);
}

/* Retrying a 429 later gets through: with a budgetless retry of three
 * attempts the limiter's refusals become successes when there is room. */
static void a_retried_429_gets_through(void **state)
{
    ss_result *r = run_yaml("scalesim: 1\n"
                            "simulation: {duration: 200s, warmup: 10s, seed: 6}\n"
                            "workload: {rate: 60/s, requests: {r: {route: [gate, app]}},\n"
                            "           retry: {attempts: 3, on: [limited],\n"
                            "                   backoff: {base: 100ms, jitter: full}}}\n"
                            "components:\n"
                            "  gate: {kind: rate_limiter, rate: 100/s, burst: 2}\n"
                            "  app: {kind: app_server, cores: 8, service: exp(1ms)}\n");
    ss_result *plain = limited_run(60, 100, 2, 200, 10);
    double e1 = ss_result_figure(r, "error_rate"), e0 = ss_result_figure(plain, "error_rate");
    printf("  burst 2 at 60/s of 100/s: errors %.4f without retries, %.5f with\n", e0, e1);
    assert_true(e0 > 0.05);
    assert_true(e1 < e0 / 10);
    ss_result_free(r);
    ss_result_free(plain);
}

static void bad_limiters_are_refused(void **state)
{
    static const struct { const char *keys, *msg; } cases[] = {
        {"rate: 0/s", "components.gate.rate: expected"},
        {"burst: 5", "components.gate.rate: missing"},
        {"rate: 10/s, burst: 0", "components.gate.burst: expected a burst of at least 1"},
        {"rate: 10", "components.gate.rate: expected a rate like 3000/s"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char yaml[1024], err[512];
        snprintf(yaml, sizeof yaml,
                 "scalesim: 1\n"
                 "simulation: {duration: 10s}\n"
                 "workload: {rate: 10/s, requests: {r: {route: [gate, app]}}}\n"
                 "components:\n"
                 "  gate: {kind: rate_limiter, %s}\n"
                 "  app: {kind: app_server, service: exp(5ms)}\n",
                 cases[i].keys);
        first_error(yaml, NULL, err, sizeof err);
        printf("  %s -> %s\n", cases[i].keys, err);
        assert_non_null(strstr(err, cases[i].msg));
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(admits_min_of_offered_and_rate),
        cmocka_unit_test(a_flood_gets_rate_times_t_plus_burst),
        cmocka_unit_test(a_retried_429_gets_through),
        cmocka_unit_test(bad_limiters_are_refused),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
