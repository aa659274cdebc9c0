/*
 * tests/validation/test_breaker.c -- `breaker` on a component (SPEC.md
 * 4.5), against what its state machine implies.
 *
 * A component that suddenly fails every call, under calls at rate lambda
 * that all succeeded before: in a sliding window W the failed share after
 * t seconds is t / W, so the breaker opens after failure_rate x W (to a
 * bucket of W / 10), and lambda x failure_rate x W calls reach the broken
 * component before it does. Then every call fails fast while it is open,
 * `half_open` trials reach it at the end of each `open`, and it closes at
 * the first trial round after the component is back. Seeds are fixed.
 */
#include "ss_run_helpers.h"

static ss_result *run_yaml(const char *yaml)
{
    ss_scenario *sc = load_text(yaml, NULL);
    ss_result *r = run1(sc, 0);
    ss_scenario_free(sc);
    return r;
}

static ss_result *crash_run(const char *breaker, const char *fault)
{
    char yaml[1536];
    snprintf(yaml, sizeof yaml,
             "scalesim: 1\n"
             "simulation: {duration: 120s, warmup: 0s, seed: 1}\n"
             "workload: {rate: 200/s, requests: {r: {route: [app, api]}}}\n"
             "components:\n"
             "  app: {kind: app_server, cores: 8, service: exp(2ms)}\n"
             "  api: {kind: external, latency: exp(20ms)%s}\n"
             "%s",
             breaker, fault);
    return run_yaml(yaml);
}

static const char *const crash40 = "faults:\n"
                                   "  - {at: 30s, target: api, action: crash, duration: 40s}\n";

static void it_opens_after_failure_rate_times_window(void **state)
{
    ss_result *r = crash_run(", breaker: {failure_rate: 50%, window: 5s, min_calls: 20, "
                             "open: 10s, half_open: 5}", crash40);
    const ss_comp_result *api = comp(r, "api");
    double down = extra(api, "down"), fast = extra(api, "breaker_fast_failures");
    double opened = extra(api, "breaker_opened"), share = extra(api, "breaker_open_share");
    /* opens 2.5 s into the crash (at 32.5 s), again at 42.5, 52.5, 62.5
     * after failed trials; the trials at 72.5 s succeed */
    double want_down = 200 * 0.5 * 5 + 3 * 5, want_open = (72.5 - 32.5) / 120;
    printf("  reached the crashed api: %.0f (lambda r W + trials = %.0f); fast failures %.0f; "
           "opened %.0f times (4); open %.4f of the time (%.4f)\n",
           down, want_down, fast, opened, share, want_open);
    assert_true(fabs(down - want_down) < 0.1 * want_down + 200 * 0.5); /* a bucket */
    assert_true(opened == 4);
    assert_true(fabs(share - want_open) < 0.01);
    /* everything sent while it was open fails fast, the rest is answered */
    assert_true(fabs(fast - 200 * 40) < 4 * sqrt(200 * 40) + 200 * 0.5);
    assert_true(fabs(fast + down - (double)r->failed) <= 1);
    assert_int_equal(r->failed, r->fail_why[SS_FAIL_DOWN]);
    ss_result_free(r);
}

/* The time series shows it open for the crash, and closed again after. */
static void the_time_series_shows_it(void **state)
{
    ss_scenario *sc = load_text("scalesim: 1\n"
                                "simulation: {duration: 120s, warmup: 0s, seed: 1}\n"
                                "workload: {rate: 200/s, requests: {r: {route: [api]}}}\n"
                                "components:\n"
                                "  api: {kind: external, latency: exp(20ms),\n"
                                "        breaker: {window: 5s, open: 10s}}\n"
                                "faults:\n"
                                "  - {at: 30s, target: api, action: crash, duration: 40s}\n",
                                NULL);
    ss_run_opts o;
    ss_run_opts_init(&o);
    o.timeseries = true;
    ss_result *r = NULL;
    assert_int_equal(ss_run(sc, &o, &r), SS_OK);
    double before = 0, during = 0, after = 0;
    for (size_t i = 0; i < r->n_series; i++) {
        const ss_ts_row *s = &r->series[i];
        assert_non_null(s->breaker);
        if (s->t_s < 30)
            before += s->breaker[0] / 30;
        else if (s->t_s >= 33 && s->t_s < 72)
            during += s->breaker[0] / 39;
        else if (s->t_s >= 73)
            after += s->breaker[0] / 47;
    }
    printf("  not closed: %.3f before, %.3f during, %.3f after\n", before, during, after);
    assert_true(before == 0 && after == 0 && fabs(during - 1) < 1e-9);
    ss_result_free(r);
    ss_scenario_free(sc);
}

/* Errors below failure_rate never open it, and a breaker that never opens
 * changes nothing; above it, it is open nearly all the time. */
static void error_rates_below_and_above(void **state)
{
    ss_result *plain = crash_run(", error_rate: 30%", "");
    ss_result *low = crash_run(", error_rate: 30%, breaker: {failure_rate: 50%}", "");
    ss_result *high = crash_run(", error_rate: 70%, breaker: {failure_rate: 50%, open: 10s}", "");
    double lo = extra(comp(low, "api"), "breaker_opened"),
           hi = extra(comp(high, "api"), "breaker_open_share");
    printf("  30%% errors: opened %.0f times; 70%%: open %.4f of the time\n", lo, hi);
    assert_true(lo == 0);
    assert_int_equal(low->ok, plain->ok);
    assert_near(low->fig[SS_FIG_MEAN_MS], plain->fig[SS_FIG_MEAN_MS], 1e-12);
    assert_true(hi > 0.9);
    ss_result_free(plain);
    ss_result_free(low);
    ss_result_free(high);
}

/* Fewer calls in the window than min_calls: it never opens. */
static void min_calls_holds_it_closed(void **state)
{
    ss_result *r = run_yaml("scalesim: 1\n"
                            "simulation: {duration: 200s, warmup: 0s, seed: 2}\n"
                            "workload: {rate: 2/s, requests: {r: {route: [api]}}}\n"
                            "components:\n"
                            "  api: {kind: external, latency: exp(20ms), error_rate: 90%,\n"
                            "        breaker: {window: 5s, min_calls: 30}}\n");
    double opened = extra(comp(r, "api"), "breaker_opened");
    printf("  2/s x 5 s < 30 calls: opened %.0f times, error rate %.3f\n", opened,
           r->fig[SS_FIG_ERROR_RATE]);
    assert_true(opened == 0);
    ss_result_free(r);
}

static void bad_breakers_are_refused(void **state)
{
    static const struct { const char *keys, *msg; } cases[] = {
        {"breaker: 5", "components.api.breaker: expected a mapping like {failure_rate: 50%"},
        {"breaker: {failure_rate: 0}", "components.api.breaker.failure_rate: expected"},
        {"breaker: {window: 0s}", "components.api.breaker.window: expected"},
        {"breaker: {half_open: 0}", "components.api.breaker.half_open: expected"},
        {"breaker: {opne: 5s}", "did you mean open?"},
        {"breaker: {min_calls: 2000000}", "expected at most 1000000 calls"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char yaml[1024], err[512];
        snprintf(yaml, sizeof yaml,
                 "scalesim: 1\n"
                 "simulation: {duration: 10s}\n"
                 "workload: {rate: 10/s, requests: {r: {route: [api]}}}\n"
                 "components:\n"
                 "  api: {kind: external, latency: exp(5ms), %s}\n",
                 cases[i].keys);
        first_error(yaml, NULL, err, sizeof err);
        printf("  %s -> %s\n", cases[i].keys, err);
        assert_non_null(strstr(err, cases[i].msg));
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(it_opens_after_failure_rate_times_window),
        cmocka_unit_test(the_time_series_shows_it),
        cmocka_unit_test(error_rates_below_and_above),
        cmocka_unit_test(min_calls_holds_it_closed),
        cmocka_unit_test(bad_breakers_are_refused),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
