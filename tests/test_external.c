/*
 * tests/test_external.c -- the `external` kind (a third-party API) against
 * simple theory: a delay without queueing (M/G/infinity), a Bernoulli error
 * rate, a concurrency limit (Little's law at saturation, M/M/c with Erlang
 * C), price per call, faults, and its configuration errors. Seeds are
 * fixed; tolerances are a few standard deviations of the figure.
 */
#include "ss_run_helpers.h"

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_statistics_double.h>

#include "theory.h"

/* One external service, called by an open workload; no network time, so a
 * response time is exactly the call's. %s: the duration, the rate, more
 * workload keys ("" or "timeout: 10ms, "), the service's keys, then more
 * top-level lines (faults). */
#define EXT_YAML                                                               \
    "scalesim: 1\n"                                                            \
    "simulation: {duration: %s, warmup: 0s, seed: 11}\n"                       \
    "workload: {rate: %s, %srequests: {pay: {route: [ext]}}}\n"                \
    "components:\n"                                                            \
    "  ext: {kind: external, %s}\n"                                            \
    "%s"

static ss_scenario *load_ext(const char *rate, const char *duration, const char *keys,
                             const char *wl_more, const char *more)
{
    char yaml[1024];
    snprintf(yaml, sizeof yaml, EXT_YAML, duration, rate, wl_more, keys, more);
    return load_text(yaml, NULL);
}

static ss_result *run_ext(const char *rate, const char *duration, const char *keys)
{
    ss_scenario *sc = load_ext(rate, duration, keys, "", "");
    ss_result *r = run1(sc, 0);
    ss_scenario_free(sc);
    return r;
}

static double mean_ms(const ss_result *r)
{
    double v;
    assert_true(ss_hist_mean(&r->lat, &v));
    return v * 1e-6;
}

/* What the service counted agrees with what the clients saw (warm-up 0,
 * no network: every call the client sent reached it), and the invariant
 * calls = answered + errors + down + rejected + in progress holds. */
static void expect_counts_agree(const ss_result *r, const char *name)
{
    const ss_comp_result *e = comp(r, name);
    double calls = extra(e, "calls"), answered = extra(e, "answered");
    double errors = extra(e, "errors"), down = extra(e, "down");
    double rejected = e->rep.all.rejected, open = extra(e, "in_progress");
    assert_near(calls, (double)e->rep.all.arrivals, 0);
    assert_near(calls, answered + errors + down + rejected + open, 0);
    assert_near(calls, (double)r->sent, 0);
    assert_near(answered, (double)r->ok, 0);
    assert_near(errors, (double)r->fail_why[SS_FAIL_ERROR], 0);
    assert_near(down, (double)r->fail_why[SS_FAIL_DOWN], 0);
    assert_near(rejected, (double)r->fail_why[SS_FAIL_REJECTED], 0);
}

/* ---- latency without queueing --------------------------------------------------
 * Each call is an independent exp(30ms) delay: the mean response is 30 ms
 * at any rate, within 4 standard errors (30 ms / sqrt(n)); a queue would
 * show at 5000/s, where 150 calls are in progress on average. */
static void mean_response_is_the_latency_at_any_rate(void **state)
{
    static const char *const rates[] = {"10/s", "5000/s"};
    static const char *const durations[] = {"2000s", "20s"};
    for (int k = 0; k < 2; k++) {
        ss_result *r = run_ext(rates[k], durations[k], "latency: exp(30ms)");
        double n = (double)r->lat.n, se = 30 / sqrt(n);
        printf("  %-7s mean %.3f ms over %.0f calls, theory 30 +- %.3f\n", rates[k], mean_ms(r),
               n, 4 * se);
        assert_true(n > 19000);
        assert_near(mean_ms(r), 30, 4 * se);
        /* the P95 of an exponential: -ln(0.05) x mean */
        assert_rel(r->fig[SS_FIG_P95_MS], -log(0.05) * 30, 0.03);
        assert_int_equal(r->failed, 0);
        expect_counts_agree(r, "ext");
        /* no capacity of ours: utilisation and waiting do not exist */
        const ss_comp_result *e = comp(r, "ext");
        assert_true(isnan(CSTAT(e, UTIL)));
        assert_true(isnan(CSTAT(e, MEAN_WAIT_MS)));
        assert_true(isnan(CSTAT(e, MEAN_QUEUE)));
        assert_near(e->rep.billable_instances, 0, 0);
        assert_rel(CSTAT(e, THROUGHPUT_RPS), (double)r->ok / r->window_s, 1e-12);
        ss_result_free(r);
    }
}

/* ---- error rate ------------------------------------------------------------------
 * Each call fails with probability p independently: the share of failed
 * requests is p within 4 binomial standard deviations sqrt(p(1-p)/n), and
 * every failure is an SS_FAIL_ERROR. */
static void error_rate_fails_that_share_of_calls(void **state)
{
    static const double ps[] = {0.02, 0.3};
    for (int k = 0; k < 2; k++) {
        char keys[128];
        snprintf(keys, sizeof keys, "latency: exp(20ms), error_rate: %g", ps[k]);
        ss_result *r = run_ext("1000/s", "60s", keys);
        double n = (double)(r->ok + r->failed), p = ps[k];
        double share = (double)r->failed / n, sd = sqrt(p * (1 - p) / n);
        printf("  error_rate %.2f: failed %.5f of %.0f, +- %.5f\n", p, share, n, 4 * sd);
        assert_near(share, p, 4 * sd);
        assert_near(r->fig[SS_FIG_ERROR_RATE], share, 1e-12);
        assert_int_equal(r->fail_why[SS_FAIL_ERROR], r->failed);
        expect_counts_agree(r, "ext");
        /* the successes still took the latency */
        assert_near(mean_ms(r), 20, 4 * 20 / sqrt((double)r->ok));
        ss_result_free(r);
    }
}

/* An error comes after the call's latency: with a timeout shorter than
 * it, the client gives up first (timeout), and with a longer one the
 * client hears the error. */
static void errors_arrive_after_the_latency(void **state)
{
    ss_scenario *sc = load_ext("200/s", "20s", "latency: 30ms, error_rate: 1",
                               "timeout: 10ms, ", "");
    ss_result *r = run1(sc, 0);
    assert_true(r->failed > 3000);
    assert_int_equal(r->fail_why[SS_FAIL_TIMEOUT], r->failed);
    ss_result_free(r);
    ss_scenario_free(sc);

    sc = load_ext("200/s", "20s", "latency: 30ms, error_rate: 1", "timeout: 50ms, ", "");
    r = run1(sc, 0);
    assert_true(r->failed > 3000);
    assert_int_equal(r->ok, 0);
    assert_int_equal(r->fail_why[SS_FAIL_ERROR], r->failed);
    ss_result_free(r);
    ss_scenario_free(sc);
}

/* ---- concurrency -----------------------------------------------------------------
 * N calls at once, each taking D: the service completes at most N/D calls a
 * second (Little: N in progress = throughput x D). Offered ten times that
 * with a queue of 4, the slots are never idle: throughput is N/D within 1%,
 * the rest is rejected, and each slot is busy all the time. */
static void concurrency_caps_throughput_at_n_over_d(void **state)
{
    ss_result *r = run_ext("4000/s", "60s", "latency: const(10ms), concurrency: 4, queue: 4");
    const ss_comp_result *e = comp(r, "ext");
    double cap = 4 / 0.010;
    printf("  throughput %.2f/s, theory %.0f/s; util %.4f; rejected %.4f\n",
           CSTAT(e, THROUGHPUT_RPS), cap, CSTAT(e, UTIL),
           (double)e->rep.all.rejected / (double)e->rep.all.arrivals);
    assert_rel(CSTAT(e, THROUGHPUT_RPS), cap, 0.01);
    assert_rel(r->fig[SS_FIG_THROUGHPUT_RPS], cap, 0.01);
    assert_near(CSTAT(e, UTIL), 1, 0.01);
    /* what was not served was refused at the door */
    assert_int_equal(r->fail_why[SS_FAIL_REJECTED], r->failed);
    assert_near((double)e->rep.all.rejected / (double)e->rep.all.arrivals, 1 - cap / 4000, 0.01);
    /* a call that got in waited for at most 4 ahead of it on 4 slots:
     * at most one latency of waiting, plus its own */
    double p99 = r->fig[SS_FIG_P99_MS];
    assert_true(p99 <= 20 * 1.01);
    expect_counts_agree(r, "ext");
    ss_result_free(r);
}

/* With exp latency (mean 1/mu) and concurrency c the service is M/M/c:
 * with a = lambda/mu, Erlang C gives the probability of waiting
 * C(c, a) = (a^c/c!)(c/(c-a)) / (sum_{k<c} a^k/k! + (a^c/c!)(c/(c-a))),
 * and the mean response is C/(c mu - lambda) + 1/mu (as
 * tests/validation/test_theory.c checks for the shared station). */
static double erlang_c(int c, double a) { return ss_theory_erlang_c(c, a); }

#define REPS 10

/* Theory inside the 99.9% Student-t interval of REPS replications, and
 * the interval narrower than max_rel of theory (so it is not vacuous). */
static void expect_theory(const double *x, double theory, double max_rel, const char *what)
{
    double mean = gsl_stats_mean(x, 1, REPS);
    double half = gsl_cdf_tdist_Pinv(0.9995, REPS - 1) * gsl_stats_sd(x, 1, REPS) / sqrt(REPS);
    printf("  %-28s theory %10.5g  simulated %10.5g +- %.3g\n", what, theory, mean, half);
    assert_near(mean, theory, half);
    assert_true(half <= max_rel * fabs(theory));
}

static void concurrency_with_exp_latency_is_mmc(void **state)
{
    ss_scenario *sc = load_ext("3200/s", "200s", "latency: exp(1ms), concurrency: 4", "", "");
    double mean[REPS], wait[REPS], util[REPS];
    for (unsigned i = 0; i < REPS; i++) {
        ss_result *r = run1(sc, i);
        const ss_comp_result *e = comp(r, "ext");
        mean[i] = mean_ms(r) * 1e-3;
        wait[i] = CSTAT(e, WAIT_PROB);
        util[i] = CSTAT(e, UTIL);
        expect_counts_agree(r, "ext");
        assert_int_equal(r->failed, 0);
        ss_result_free(r);
    }
    int c = 4;
    double lambda = 3200, mu = 1000, a = lambda / mu, C = erlang_c(c, a);
    expect_theory(wait, C, 0.03, "M/M/4 P(wait) (Erlang C)");
    expect_theory(mean, C / (c * mu - lambda) + 1 / mu, 0.02, "M/M/4 mean response (s)");
    expect_theory(util, a / c, 0.01, "M/M/4 utilisation");
    ss_scenario_free(sc);
}

/* ---- cost --------------------------------------------------------------------------
 * $5 per million calls at 1000 calls/s: 1000 x 730 h x 3600 s x 5e-6 =
 * $13,140 a month, within 4 Poisson standard deviations of the calls
 * counted (1/sqrt(n) relative); and exactly the calls counted times the
 * price, scaled from the window to a month. Nothing is charged by the hour. */
static void price_per_million_bills_each_call(void **state)
{
    ss_result *r = run_ext("1000/s", "60s", "latency: exp(50ms), price_per_million: 5");
    const ss_comp_result *e = comp(r, "ext");
    double month_s = 730.0 * 3600, calls = extra(e, "calls");
    double theory = 1000 * 730.0 * 3600 * 5e-6;
    printf("  cost %.2f $/month, theory %.2f\n", r->fig[SS_FIG_COST_MONTH], theory);
    assert_near(e->rep.billable_instances, 0, 0);
    assert_near(e->rep.usage_units, calls, 0);
    assert_rel(ss_comp_cost(e, e->window_s), calls * 5e-6 * month_s / r->window_s, 1e-9);
    assert_rel(r->fig[SS_FIG_COST_MONTH], ss_comp_cost(e, e->window_s), 1e-12);
    assert_rel(r->fig[SS_FIG_COST_MONTH], theory, 4 / sqrt(calls));
    ss_result_free(r);

    /* unpriced: free */
    r = run_ext("1000/s", "10s", "latency: exp(50ms)");
    assert_near(r->fig[SS_FIG_COST_MONTH], 0, 0);
    ss_result_free(r);
}

/* ---- faults --------------------------------------------------------------------------
 * A crash from 20 s to 30 s: calls arriving then fail at once as down,
 * and those in progress when it began fail when their latency ends (by
 * 20.03 s): in the time series, failures only in the seconds 20..29, all
 * of them there. Before and after, nothing fails. The same with and
 * without a concurrency limit. */
static void crash_fails_calls_only_while_it_lasts(void **state)
{
    static const char *const keys[] = {"latency: const(30ms)",
                                       "latency: const(30ms), concurrency: 100"};
    const char *faults = "faults: [{at: 20s, target: ext, action: crash, duration: 10s}]\n";
    for (int k = 0; k < 2; k++) {
        ss_scenario *sc = load_ext("1000/s", "60s", keys[k], "", faults);
        ss_run_opts o;
        ss_run_opts_init(&o);
        o.timeseries = true;
        ss_result *r = NULL;
        assert_int_equal(ss_run(sc, &o, &r), SS_OK);
        assert_true(r->n_series >= 60);
        uint64_t during = 0, sent_during = 0;
        for (size_t i = 0; i < 60; i++) {
            const ss_ts_row *row = &r->series[i];
            if (row->t_s < 20 || row->t_s >= 30) {
                assert_int_equal(row->failed, 0);
            } else {
                during += row->failed;
                sent_during += row->sent;
                /* nothing sent in the crash gets through */
                assert_true(row->ok <= (row->t_s < 20.5 ? 40u : 0u));
            }
        }
        assert_int_equal(during, r->failed);
        assert_int_equal(r->fail_why[SS_FAIL_DOWN], r->failed);
        /* the calls of the 10 s, and the ~30 in progress at 20 s */
        assert_true(during >= sent_during && during <= sent_during + 60);
        assert_near((double)r->failed, 10000, 4 * sqrt(10000) + 60);
        expect_counts_agree(r, "ext");
        ss_result_free(r);
        ss_scenario_free(sc);
    }
}

/* A slow fault with factor 3 from 20 s to 40 s of a 60 s run: the calls
 * then take 90 ms, the others 30 ms; the mean is 30 x 2/3 + 90 x 1/3 = 50 ms.
 * Per second of the time series, the median is 30 ms or 90 ms. */
static void slow_fault_multiplies_latency(void **state)
{
    static const char *const keys[] = {"latency: const(30ms)",
                                       "latency: const(30ms), concurrency: 1000"};
    const char *faults =
        "faults: [{at: 20s, target: ext, action: slow, factor: 3, duration: 20s}]\n";
    for (int k = 0; k < 2; k++) {
        ss_scenario *sc = load_ext("1000/s", "60s", keys[k], "", faults);
        ss_run_opts o;
        ss_run_opts_init(&o);
        o.timeseries = true;
        ss_result *r = NULL;
        assert_int_equal(ss_run(sc, &o, &r), SS_OK);
        assert_int_equal(r->failed, 0);
        printf("  slow: mean %.3f ms, theory 50\n", mean_ms(r));
        assert_rel(mean_ms(r), 50, 0.01);
        for (size_t i = 1; i < 59; i++) {
            const ss_ts_row *row = &r->series[i];
            bool slow = row->t_s >= 21 && row->t_s < 40;
            bool fast = row->t_s < 20 || row->t_s >= 41;
            if (slow)
                assert_rel(row->p50_ms, 90, 0.02);
            if (fast)
                assert_rel(row->p50_ms, 30, 0.02);
        }
        expect_counts_agree(r, "ext");
        ss_result_free(r);
        ss_scenario_free(sc);
    }
}

/* An outage of the datacenter a copy is in takes that copy down for its
 * duration; the copy in the other datacenter goes on. Clients keep their
 * DNS answer (a resolver that never notices), so the half of the users in
 * eu go on calling there: 500 calls/s fail for the 10 s, plus the ~15 in
 * progress there when it began. */
static void outage_takes_down_the_copy_in_that_datacenter(void **state)
{
    const char *yaml = "scalesim: 1\n"
                       "simulation: {duration: 40s, warmup: 0s, seed: 5}\n"
                       "workload: {rate: 1000/s, regions: {us: 0.5, eu: 0.5},\n"
                       "           requests: {pay: {route: [ext]}}}\n"
                       "network: {regions: {us: {eu: 40ms}}}\n"
                       "datacenters: {us: {}, eu: {}}\n"
                       "components:\n"
                       "  dns: {kind: dns, latency: 0s, ttl: 1h, health_check: 1h}\n"
                       "  ext: {kind: external, latency: exp(30ms)}\n"
                       "faults: [{at: 10s, target: dc.eu, action: outage, duration: 10s}]\n";
    ss_scenario *sc = load_text(yaml, NULL);
    ss_result *r = run1(sc, 0);
    const ss_comp_result *eu = comp(r, "ext@eu"), *us = comp(r, "ext@us");
    printf("  outage: %llu failed (down), theory 5000 + ~15\n", (unsigned long long)r->failed);
    assert_int_equal(r->fail_why[SS_FAIL_DOWN], r->failed);
    assert_near(extra(us, "down"), 0, 0);
    assert_near(extra(eu, "down"), (double)r->failed, 0);
    assert_near((double)r->failed, 5000, 4 * sqrt(5000) + 30);
    /* after the outage eu answers again */
    assert_true(extra(eu, "answered") > 0.9 * 500 * 30);
    ss_result_free(r);
    ss_scenario_free(sc);
}

/* ---- routing and observation ----------------------------------------------------- */

/* Behind a load balancer, calls go to the one service (its pick), and the
 * balancer's health checks never take it out: nothing fails. */
static void external_behind_a_load_balancer_is_called_directly(void **state)
{
    const char *yaml = "scalesim: 1\n"
                       "simulation: {duration: 20s, warmup: 0s}\n"
                       "workload: {rate: 500/s, requests: {pay: {route: [lb, app, ext]}}}\n"
                       "components:\n"
                       "  lb: {kind: load_balancer, service: 0s}\n"
                       "  app: {kind: app_server, instances: 2, cores: 8, service: 1ms}\n"
                       "  ext: {kind: external, latency: 20ms, concurrency: 50}\n";
    ss_scenario *sc = load_text(yaml, NULL);
    ss_result *r = run1(sc, 0);
    assert_int_equal(r->failed, 0);
    const ss_comp_result *e = comp(r, "ext");
    assert_near(extra(e, "calls"), (double)r->sent, 5);
    /* 1 ms at the app, 20 ms at the API */
    assert_rel(mean_ms(r), 21, 0.01);
    /* 500/s x 20 ms = 10 calls in progress on 50 slots */
    assert_near(CSTAT(e, UTIL), 0.2, 0.01);
    ss_result_free(r);
    ss_scenario_free(sc);
}

/* The time series shows a concurrency limit's use and no utilisation for
 * an unlimited service. */
static void timeseries_shows_utilisation_only_with_concurrency(void **state)
{
    const char *yaml = "scalesim: 1\n"
                       "simulation: {duration: 10s, warmup: 0s}\n"
                       "workload: {rate: 1000/s, requests: {\n"
                       "  a: {route: [free]}, b: {route: [pool]}}}\n"
                       "components:\n"
                       "  free: {kind: external, latency: 10ms}\n"
                       "  pool: {kind: external, latency: 10ms, concurrency: 10}\n";
    ss_scenario *sc = load_text(yaml, NULL);
    ss_run_opts o;
    ss_run_opts_init(&o);
    o.timeseries = true;
    ss_result *r = NULL;
    assert_int_equal(ss_run(sc, &o, &r), SS_OK);
    int i_free = -1, i_pool = -1;
    for (int i = 0; i < r->n_comps; i++) {
        if (strcmp(r->comps[i].name, "free") == 0)
            i_free = i;
        if (strcmp(r->comps[i].name, "pool") == 0)
            i_pool = i;
    }
    assert_true(i_free >= 0 && i_pool >= 0);
    assert_true(r->n_series >= 5);
    for (size_t k = 1; k < 9; k++) {
        assert_true(isnan(r->series[k].util[i_free]));
        /* 500/s x 10 ms = 5 of 10 slots */
        assert_near(r->series[k].util[i_pool], 0.5, 0.1);
    }
    /* the limited one is the bottleneck; the unlimited one has no util */
    assert_string_equal(r->bottleneck, "pool");
    ss_result_free(r);
    ss_scenario_free(sc);
}

/* ---- configuration ------------------------------------------------------------------ */

static void expect_error(const char *keys, const char *want)
{
    char yaml[1024], err[1024];
    snprintf(yaml, sizeof yaml, EXT_YAML, "10s", "10/s", "", keys, "");
    first_error(yaml, NULL, err, sizeof err);
    if (!strstr(err, want)) {
        print_error("expected \"%s\" in \"%s\"\n", want, err);
        fail();
    }
}

static void bad_configurations_are_errors(void **state)
{
    expect_error("latency: 10ms, queue: 5", "components.ext.queue: queue needs concurrency");
    expect_error("latency: 10ms, concurrency: 0",
                 "components.ext.concurrency: expected a whole number > 0");
    expect_error("latency: 10ms, concurrency: 2M", "components.ext.concurrency: expected at most");
    expect_error("latency: 10ms, error_rate: 1.5", "components.ext.error_rate");
    expect_error("concurrency: 4", "components.ext.latency: missing");
    expect_error("latency: 10ms, price_per_million: -1", "components.ext.price_per_million");
    /* and a good one loads */
    char yaml[1024], err[1024];
    snprintf(yaml, sizeof yaml, EXT_YAML, "10s", "10/s", "",
             "latency: \"lognormal(mean=80ms, cv=1)\", concurrency: 20, queue: 100, "
             "error_rate: 0.005, price_per_million: 2.5", "");
    first_error(yaml, NULL, err, sizeof err);
    assert_string_equal(err, "");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(mean_response_is_the_latency_at_any_rate),
        cmocka_unit_test(error_rate_fails_that_share_of_calls),
        cmocka_unit_test(errors_arrive_after_the_latency),
        cmocka_unit_test(concurrency_caps_throughput_at_n_over_d),
        cmocka_unit_test(concurrency_with_exp_latency_is_mmc),
        cmocka_unit_test(price_per_million_bills_each_call),
        cmocka_unit_test(crash_fails_calls_only_while_it_lasts),
        cmocka_unit_test(slow_fault_multiplies_latency),
        cmocka_unit_test(outage_takes_down_the_copy_in_that_datacenter),
        cmocka_unit_test(external_behind_a_load_balancer_is_called_directly),
        cmocka_unit_test(timeseries_shows_utilisation_only_with_concurrency),
        cmocka_unit_test(bad_configurations_are_errors),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
