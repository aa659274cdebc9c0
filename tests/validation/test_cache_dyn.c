/*
 * tests/validation/test_cache_dyn.c -- a cache's `coalesce` and `fail_open`
 * (SPEC.md 4.5).
 *
 * One hot key read at rate lambda, an entry living ttl, an origin taking D:
 * each time the entry expires the first miss fetches it, and every read
 * arriving before the answer is back misses too. Without coalescing each of
 * those goes to the origin: about 1 + lambda D calls an expiry (the
 * stampede), and as the last of their answers inserts the key again the
 * entry lives until about 2 D after the expiry + ttl. With it exactly one does, so the origin sees one call every
 * ttl + D (plus the hops), and calls == misses - coalesced.
 * fail_open turns a crashed cache instance's errors into origin calls.
 * Seeds are fixed.
 */
#include "ss_run_helpers.h"

static ss_result *run_yaml(const char *yaml)
{
    ss_scenario *sc = load_text(yaml, NULL);
    ss_result *r = run1(sc, 0);
    ss_scenario_free(sc);
    return r;
}

static ss_result *hot_key(bool coalesce)
{
    char yaml[1024];
    snprintf(yaml, sizeof yaml,
             "scalesim: 1\n"
             "simulation: {duration: 200s, warmup: 10s, seed: 3}\n"
             "network: {hop: const(0ms), client: const(0ms)}\n"
             "workload: {rate: 1000/s, keys: {count: 1}, requests: {r: {route: [cache, api]}}}\n"
             "components:\n"
             "  cache: {kind: cache, capacity: 10, ttl: 1s, service: const(0.1ms), cores: 4,\n"
             "          coalesce: %s}\n"
             "  api: {kind: external, latency: const(50ms)}\n",
             coalesce ? "true" : "false");
    return run_yaml(yaml);
}

static void coalescing_sends_one_miss_per_expiry(void **state)
{
    ss_result *plain = hot_key(false), *co = hot_key(true);
    const ss_comp_result *ap = comp(plain, "api"), *ac = comp(co, "api");
    double w = plain->window_s, d = 0.050 + 0.0001, cycle = 1 + d;
    double calls_p = (double)ap->rep.all.arrivals / w, calls_c = (double)ac->rep.all.arrivals / w;
    double misses = extra(comp(co, "cache"), "misses"),
           coalesced = extra(comp(co, "cache"), "coalesced");
    double storm = 1 + 1000 * d;
    printf("  origin calls/s: %.2f without coalescing (1 + lambda D = %.1f an expiry every "
           "ttl + 2 D: %.2f/s), %.4f with (1 / (ttl + D) = %.4f)\n",
           calls_p, storm, storm / (1 + 2 * d), calls_c, 1 / cycle);
    assert_true(fabs(calls_p - storm / (1 + 2 * d)) < 0.03 * storm / (1 + 2 * d));
    assert_true(fabs(calls_c - 1 / cycle) < 0.02);
    assert_true(fabs(misses - coalesced - (double)ac->rep.all.arrivals) <= 2);
    /* Without coalescing each miss waits a whole fetch; with it a waiter
     * waits what is left of the first one's, D / 2 on average. Means over
     * a cycle of lambda x cycle reads, plus the lookup. */
    double lam = 1000, want_p = storm * d / (lam * (1 + 2 * d)) * 1e3 + 0.1,
           want_c = (d + lam * d * d / 2) / (lam * cycle) * 1e3 + 0.1;
    printf("  mean %.4f ms (want %.4f) without, %.4f (want %.4f) with\n",
           plain->fig[SS_FIG_MEAN_MS], want_p, co->fig[SS_FIG_MEAN_MS], want_c);
    assert_true(fabs(plain->fig[SS_FIG_MEAN_MS] - want_p) < 0.03 * want_p);
    assert_true(fabs(co->fig[SS_FIG_MEAN_MS] - want_c) < 0.03 * want_c);
    assert_int_equal(co->failed, 0);
    double v;
    assert_false(ss_comp_kfig(comp(plain, "cache"), "coalesced", w, &v));
    ss_result_free(plain);
    ss_result_free(co);
}

/* An origin error fails the waiters too, and they do not refill. */
static void waiters_share_the_first_misses_error(void **state)
{
    ss_result *r = run_yaml("scalesim: 1\n"
                            "simulation: {duration: 100s, warmup: 0s, seed: 4}\n"
                            "workload: {rate: 500/s, keys: {count: 1},\n"
                            "           requests: {r: {route: [cache, api]}}}\n"
                            "components:\n"
                            "  cache: {kind: cache, capacity: 10, ttl: 1s, coalesce: true}\n"
                            "  api: {kind: external, latency: const(100ms), error_rate: 50%}\n");
    const ss_comp_result *c = comp(r, "cache");
    double calls = (double)comp(r, "api")->rep.all.arrivals;
    double errs = extra(comp(r, "api"), "errors");
    double coalesced = extra(c, "coalesced");
    printf("  %0.f origin calls, %.0f errors; %.0f requests failed, %.0f coalesced\n", calls,
           errs, (double)r->failed, coalesced);
    /* every failure is an origin error or a waiter of one: about 50 of them */
    assert_true(r->failed > 20 * errs && r->failed < 60 * errs);
    assert_int_equal(r->failed, r->fail_why[SS_FAIL_ERROR]);
    ss_result_free(r);
}

static ss_result *crash_run(bool fail_open, bool coalesce)
{
    char yaml[1024];
    snprintf(yaml, sizeof yaml,
             "scalesim: 1\n"
             "simulation: {duration: 100s, warmup: 0s, seed: 5}\n"
             "workload: {rate: 200/s, keys: {count: 1000}, requests: {r: {route: [cache, api]}}}\n"
             "components:\n"
             "  cache: {kind: cache, capacity: 1000, ttl: 30s, fail_open: %s, coalesce: %s}\n"
             "  api: {kind: external, latency: exp(20ms)}\n"
             "faults:\n"
             "  - {at: 40s, target: cache, action: crash, duration: 10s}\n",
             fail_open ? "true" : "false", coalesce ? "true" : "false");
    return run_yaml(yaml);
}

static void fail_open_sends_a_crashed_caches_requests_on(void **state)
{
    for (int co = 0; co <= 1; co++) {
        ss_result *closed = crash_run(false, co), *open = crash_run(true, co);
        double sent_on = extra(comp(open, "cache"), "failed_open");
        printf("  coalesce %d: failed %.0f without fail_open (10 s x 200/s = 2000), %.0f with; "
               "%.0f sent on\n", co, (double)closed->failed, (double)open->failed, sent_on);
        assert_true(fabs((double)closed->failed - 2000) < 200);
        assert_int_equal(open->failed, 0);
        assert_true(fabs(sent_on - (double)closed->failed) < 0.05 * 2000);
        ss_result_free(closed);
        ss_result_free(open);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(coalescing_sends_one_miss_per_expiry),
        cmocka_unit_test(waiters_share_the_first_misses_error),
        cmocka_unit_test(fail_open_sends_a_crashed_caches_requests_on),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
