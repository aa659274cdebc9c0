/*
 * tests/validation/test_retry.c -- retries (SPEC.md 4.5) against what
 * probability says. An external service failing each call independently
 * with probability p, retried up to k attempts: a request fails with
 * probability p^k and costs (1 - p^k) / (1 - p) attempts. Backoff without
 * jitter is base x 2^k at most cap, to the microsecond; with full jitter
 * the wait is uniform over [0, that]. A budget caps retries at its share of
 * first attempts. A timeout is per attempt, the response time runs from
 * the first, and goodput counts only answers within the timeout. Seeds are
 * fixed; tolerances are four standard errors.
 */
#include "ss_run_helpers.h"

/* One external service behind an open workload, no network time. %s: the
 * duration, the service's keys, the retry policy. */
#define RETRY_YAML                                                             \
    "scalesim: 1\n"                                                            \
    "simulation: {duration: %s, warmup: 0s, seed: 5}\n"                        \
    "workload: {rate: 200/s, %s\n"                                             \
    "           retry: %s,\n"                                                  \
    "           requests: {call: {route: [ext]}}}\n"                           \
    "components:\n"                                                            \
    "  ext: {kind: external, %s}\n"

static ss_result *run_retry(const char *duration, const char *wl, const char *retry,
                            const char *ext)
{
    char yaml[1024];
    snprintf(yaml, sizeof yaml, RETRY_YAML, duration, wl, retry, ext);
    ss_scenario *sc = load_text(yaml, NULL);
    ss_result *r = run1(sc, 0);
    ss_scenario_free(sc);
    return r;
}

static double quantile_ms(const ss_result *r, double q)
{
    double v;
    assert_true(ss_hist_quantile(&r->lat, q, &v));
    return v * 1e-6;
}

/* ---- failures p^k, attempts (1 - p^k) / (1 - p) -------------------------------- */
static void independent_failures_compound(void **state)
{
    static const struct { double p; int k; } cases[] = {{0.3, 3}, {0.5, 2}, {0.2, 4}};
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        double p = cases[i].p;
        int k = cases[i].k;
        char ext[128], retry[128];
        snprintf(ext, sizeof ext, "latency: exp(5ms), error_rate: %g", p);
        snprintf(retry, sizeof retry, "{attempts: %d, on: [error], backoff: {base: 5ms}}", k);
        ss_result *r = run_retry("500s", "", retry, ext);
        double n = (double)r->sent, pk = pow(p, k);
        double fails = (double)r->failed / n;
        double attempts = ss_result_figure(r, "attempts_per_request");
        double want = (1 - pk) / (1 - p);
        /* attempts per request: a truncated geometric, variance below
         * p / (1 - p)^2 */
        double se_f = sqrt(pk * (1 - pk) / n), se_a = sqrt(p / ((1 - p) * (1 - p)) / n);
        printf("  p %.1f k %d: failed %.5f (p^k %.5f +- %.5f), attempts %.4f (%.4f +- %.4f)\n", p,
               k, fails, pk, 4 * se_f, attempts, want, 4 * se_a);
        assert_true(fabs(fails - pk) < 4 * se_f);
        assert_true(fabs(attempts - want) < 4 * se_a);
        assert_int_equal(r->fail_why[SS_FAIL_ERROR], r->failed);
        ss_result_free(r);
    }
}

/* Only the failures `on` names are retried: error-only retries leave
 * a crash's `down` failures alone. */
static void only_the_named_failures_are_retried(void **state)
{
    ss_result *r = run_retry("100s", "", "{attempts: 3, on: [timeout]}",
                             "latency: exp(5ms), error_rate: 0.3");
    assert_near(ss_result_figure(r, "attempts_per_request"), 1, 1e-12);
    assert_true(fabs((double)r->failed / (double)r->sent - 0.3) < 0.02);
    ss_result_free(r);
}

/* ---- backoff --------------------------------------------------------------------------
 * Calls of a constant 1 ms that fail half the time: a request answered at
 * its third attempt took 3 ms of calls and the two waits. Without jitter
 * those are base and 2 base (cap permitting), so its response time is
 * exact; the slowest answers are those. */
static void backoff_doubles_up_to_the_cap(void **state)
{
    ss_result *r = run_retry("200s", "", "{attempts: 3, on: [error], backoff: {base: 10ms, "
                             "cap: 1s, jitter: none}}", "latency: const(1ms), error_rate: 0.5");
    /* answered at attempt 1: 1 ms (4/7), 2: 12 ms (2/7), 3: 33 ms (1/7) */
    printf("  no jitter: p50 %.4f p80 %.4f p99 %.4f ms (1, 12, 33)\n", quantile_ms(r, 0.5),
           quantile_ms(r, 0.8), quantile_ms(r, 0.99));
    assert_true(fabs(quantile_ms(r, 0.50) - 1) < 0.02);
    assert_true(fabs(quantile_ms(r, 0.80) - 12) < 0.1);
    assert_true(fabs(quantile_ms(r, 0.99) - 33) < 0.3);
    ss_result_free(r);
    r = run_retry("200s", "", "{attempts: 3, on: [error], backoff: {base: 10ms, cap: 15ms, "
                  "jitter: none}}", "latency: const(1ms), error_rate: 0.5");
    /* the second wait is capped at 15 ms: 1 + 10 + 1 + 15 + 1 */
    printf("  capped: p99 %.4f ms (28)\n", quantile_ms(r, 0.99));
    assert_true(fabs(quantile_ms(r, 0.99) - 28) < 0.3);
    ss_result_free(r);
}

/* Full jitter: of the answers, 1/2 / (1/2 + 1/4) = 2/3 come at once (1 ms),
 * the rest after 2 ms of calls and a wait uniform over [0, 100 ms]: the
 * quantile q above 2/3 is 2 ms + 100 ms x (q - 2/3) x 3. */
static void full_jitter_is_uniform(void **state)
{
    ss_result *r = run_retry("400s", "", "{attempts: 2, on: [error], backoff: {base: 100ms, "
                             "cap: 1s, jitter: full}}", "latency: const(1ms), error_rate: 0.5");
    static const double qs[] = {0.70, 0.75, 0.80, 0.85, 0.90, 0.95, 0.99};
    double n = (double)r->lat.n / 3; /* the retried answers */
    for (size_t i = 0; i < sizeof qs / sizeof qs[0]; i++) {
        double u = (qs[i] - 2.0 / 3) * 3, want = 2 + 100 * u;
        /* a uniform's empirical quantile: sd 100 sqrt(u (1 - u) / n) */
        double tol = 4 * 100 * sqrt(u * (1 - u) / n) + 0.5;
        printf("  q %.2f: %.3f ms, uniform %.3f +- %.3f\n", qs[i], quantile_ms(r, qs[i]), want,
               tol);
        assert_true(fabs(quantile_ms(r, qs[i]) - want) < tol);
    }
    assert_true(quantile_ms(r, 0.999) <= 102 * 1.01);
    ss_result_free(r);
}

/* Equal jitter waits d/2 + U(0, d/2); decorrelated min(cap, U(base, 3 base))
 * for the first retry: their slowest answers bound the waits. */
static void other_jitters_stay_in_their_ranges(void **state)
{
    ss_result *r = run_retry("200s", "", "{attempts: 2, on: [error], backoff: {base: 100ms, "
                             "jitter: equal}}", "latency: const(1ms), error_rate: 0.5");
    /* retried answers: 2 + [50, 100] ms, uniform: their median 77 ms */
    double q = 2.0 / 3 + 0.5 / 3;
    printf("  equal: q %.3f %.2f ms (77), p99.9 %.2f (<= 102)\n", q, quantile_ms(r, q),
           quantile_ms(r, 0.999));
    assert_true(fabs(quantile_ms(r, q) - 77) < 3);
    assert_true(quantile_ms(r, 0.67) > 50);
    ss_result_free(r);
    r = run_retry("200s", "", "{attempts: 2, on: [error], backoff: {base: 100ms, cap: 1s, "
                  "jitter: decorrelated}}", "latency: const(1ms), error_rate: 0.5");
    /* 2 + U(100, 300) ms: median 202 ms */
    printf("  decorrelated: q %.3f %.2f ms (202)\n", q, quantile_ms(r, q));
    assert_true(fabs(quantile_ms(r, q) - 202) < 8);
    assert_true(quantile_ms(r, 0.67) > 100);
    ss_result_free(r);
}

/* ---- the budget ---------------------------------------------------------------------
 * A service failing 90% of the time, five attempts: unchecked, 4.1 attempts
 * a request; a budget of 10% holds retries to a tenth of first attempts
 * (and its bucket's start, ten tokens, over 100k requests). */
static void a_budget_caps_the_amplification(void **state)
{
    ss_result *r = run_retry("500s", "", "{attempts: 5, on: [error], budget: 10%}",
                             "latency: exp(5ms), error_rate: 0.9");
    double a = ss_result_figure(r, "attempts_per_request");
    double suppressed = ss_result_figure(r, "retries_suppressed");
    printf("  budget 10%%: %.4f attempts per request, %.0f retries suppressed\n", a, suppressed);
    assert_true(a <= 1.1 + 10 / (double)r->sent + 1e-9);
    assert_true(a > 1.099);
    assert_true(suppressed > 0.5 * (double)r->sent);
    ss_result_free(r);
    r = run_retry("100s", "", "{attempts: 5, on: [error]}", "latency: exp(5ms), error_rate: 0.9");
    double want = (1 - pow(0.9, 5)) / 0.1;
    printf("  no budget: %.4f attempts per request (%.4f)\n",
           ss_result_figure(r, "attempts_per_request"), want);
    assert_true(fabs(ss_result_figure(r, "attempts_per_request") - want) < 0.05);
    assert_near(ss_result_figure(r, "retries_suppressed"), 0, 0);
    ss_result_free(r);
}

/* ---- timeouts -------------------------------------------------------------------------
 * exp(10 ms) calls, a 20 ms timeout, two attempts on timeout: an attempt
 * times out with probability e^-2, a request with e^-4; it costs 1 + e^-2
 * attempts. Goodput counts the answers within 20 ms of the first attempt:
 * only first attempts' answers, 1 - e^-2 of the requests. */
static void timeouts_are_per_attempt_and_goodput_counts_in_time(void **state)
{
    ss_result *r = run_retry("500s", "timeout: 20ms,", "{attempts: 2, on: [timeout], backoff: "
                             "{base: 1ms}}", "latency: exp(10ms)");
    double n = (double)r->sent, e2 = exp(-2), e4 = exp(-4);
    double fails = (double)r->failed / n, a = ss_result_figure(r, "attempts_per_request");
    double good = ss_result_figure(r, "goodput_rps") * r->window_s / n;
    printf("  failed %.5f (%.5f), attempts %.4f (%.4f), goodput share %.4f (%.4f), ok %.4f\n",
           fails, e4, a, 1 + e2, good, 1 - e2, (double)r->ok / n);
    assert_true(fabs(fails - e4) < 4 * sqrt(e4 / n));
    assert_true(fabs(a - (1 + e2)) < 4 * sqrt(e2 / n));
    assert_true(fabs(good - (1 - e2)) < 4 * sqrt(e2 / n));
    assert_int_equal(r->fail_why[SS_FAIL_TIMEOUT], r->failed);
    /* the retried answers are slower than the timeout: from the first */
    assert_true(quantile_ms(r, 0.99) > 20);
    ss_result_free(r);
}

/* A closed user waits through its retries; no request is lost or counted
 * twice: every one sent is answered or failed, or still in flight. */
static void closed_users_wait_through_retries(void **state)
{
    const char *yaml = "scalesim: 1\n"
                       "simulation: {duration: 300s, warmup: 0s, seed: 3}\n"
                       "workload: {users: 50, think_time: exp(1s), timeout: 15ms,\n"
                       "           retry: {attempts: 2, backoff: {base: 10ms}},\n"
                       "           requests: {call: {route: [app]}}}\n"
                       "components:\n"
                       "  app: {kind: app_server, cores: 1, service: exp(5ms)}\n";
    ss_scenario *sc = load_text(yaml, NULL);
    ss_result *r = run1(sc, 0);
    printf("  closed: sent %llu ok %llu failed %llu, %.3f attempts per request\n",
           (unsigned long long)r->sent, (unsigned long long)r->ok,
           (unsigned long long)r->failed, ss_result_figure(r, "attempts_per_request"));
    assert_true(r->ok + r->failed <= r->sent && r->sent - r->ok - r->failed <= 50);
    assert_true(ss_result_figure(r, "attempts_per_request") > 1.05);
    assert_true(r->ok > r->sent / 2);
    ss_result_free(r);
    ss_scenario_free(sc);
}

/* Without a retry the summary has none of these figures: the outputs of
 * scenarios that do not ask are as before. */
static void no_retry_no_figures(void **state)
{
    ss_result *r = run_retry("10s", "", "{attempts: 1}", "latency: exp(5ms)");
    assert_false(r->has_dyn);
    assert_true(isnan(ss_result_figure(r, "attempts_per_request")));
    ss_result_free(r);
}

static void bad_retries_are_refused_where_written(void **state)
{
    static const struct { const char *retry, *msg; } cases[] = {
        {"{attempts: 0}", "workload.retry.attempts: expected"},
        {"{attempts: 3, on: [timout]}", "did you mean timeout?"},
        {"{attempts: 3, on: [none]}", "expected one of timeout"},
        {"{attempts: 3, budget: 150%}", "workload.retry.budget: expected a probability"},
        {"{attempts: 3, backoff: {base: 1s, cap: 10ms}}", "expected a cap at least the base"},
        {"{attempts: 3, backoff: {jitter: fancy}}", "workload.retry.backoff.jitter"},
        {"{attempts: 3, tries: 2}", "workload.retry.tries: unknown key"},
        {"3", "workload.retry: expected a mapping"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char yaml[1024], err[512];
        snprintf(yaml, sizeof yaml, RETRY_YAML, "10s", "", cases[i].retry, "latency: exp(5ms)");
        first_error(yaml, NULL, err, sizeof err);
        printf("  %s -> %s\n", cases[i].retry, err);
        assert_non_null(strstr(err, cases[i].msg));
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(independent_failures_compound),
        cmocka_unit_test(only_the_named_failures_are_retried),
        cmocka_unit_test(backoff_doubles_up_to_the_cap),
        cmocka_unit_test(full_jitter_is_uniform),
        cmocka_unit_test(other_jitters_stay_in_their_ranges),
        cmocka_unit_test(a_budget_caps_the_amplification),
        cmocka_unit_test(timeouts_are_per_attempt_and_goodput_counts_in_time),
        cmocka_unit_test(closed_users_wait_through_retries),
        cmocka_unit_test(no_retry_no_figures),
        cmocka_unit_test(bad_retries_are_refused_where_written),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
