/*
 * tests/validation/test_broker.c -- the message queue against theory.
 *
 * Poisson publishes into a pool of c exponential consumers form an M/M/c
 * queue: a message's latency (publish to consumed) is its sojourn there,
 * with mean C(c, a)/(c mu - lambda) + 1/mu by Erlang C. A pool that serves
 * less than is published has a backlog that grows at lambda - c mu.
 */
#include "ss_run_helpers.h"

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_errno.h>
#include <gsl/gsl_roots.h>
#include <gsl/gsl_statistics_double.h>

#include "theory.h"

#define REPS 10

static const char *yaml =
    "scalesim: 1\n"
    "simulation: {duration: 200s, warmup: 20s}\n"
    "workload:\n"
    "  rate: 80/s\n"
    "  requests: {notify: {op: write, route: [app, queue]}}\n"
    "components:\n"
    "  app: {kind: app_server, cores: 100, service: 1ms}\n"
    "  queue: {kind: broker, publish: 2ms,\n"
    "          consumers: {instances: 2, cores: 5, service: exp(100ms)}}\n";

static void broker_message_latency_is_mmc_sojourn(void **state)
{
    ss_scenario *sc = load_text(yaml, NULL);
    double x[REPS];
    for (int i = 0; i < REPS; i++) {
        ss_result *r = run1(sc, (unsigned)i);
        const ss_comp_result *q = comp(r, "queue");
        /* the pool's own mean wait plus the mean service: the sojourn */
        x[i] = CSTAT(q, MEAN_WAIT_MS) + 100;
        /* the request did not wait for its message: 1 ms + 2 ms publish */
        assert_near(r->fig[SS_FIG_P99_MS], 3, 0.02);
        ss_result_free(r);
    }
    int c = 10;
    double lambda = 80, mu = 10, a = lambda / mu;
    double theory = (ss_theory_erlang_c(c, a) / (c * mu - lambda) + 1 / mu) * 1e3;
    double mean = gsl_stats_mean(x, 1, REPS);
    double half = gsl_cdf_tdist_Pinv(0.9995, REPS - 1) * gsl_stats_sd(x, 1, REPS) / sqrt(REPS);
    printf("  M/M/10 message latency: theory %.3f ms  simulated %.3f +- %.3f\n", theory, mean,
           half);
    assert_near(mean, theory, half);
    assert_true(half < 0.03 * theory);
    ss_scenario_free(sc);
}

/* The sojourn's distribution: no wait with probability 1 - C, else an
 * exponential wait of rate theta = c mu - lambda; then the exponential
 * service of rate mu. P(T > t) = (1 - C) e^(-mu t) + C (theta e^(-mu t) -
 * mu e^(-theta t)) / (theta - mu). Its P50 and P95 by Brent's method. */
typedef struct mmc_tail {
    double C, mu, theta, q;
} mmc_tail;

static double tail_minus(double t, void *v)
{
    const mmc_tail *m = v;
    double both = (m->theta * exp(-m->mu * t) - m->mu * exp(-m->theta * t)) / (m->theta - m->mu);
    return (1 - m->C) * exp(-m->mu * t) + m->C * both - (1 - m->q);
}

static double sojourn_quantile(double C, double mu, double theta, double q)
{
    mmc_tail m = {C, mu, theta, q};
    gsl_function f = {tail_minus, &m};
    gsl_root_fsolver *s = gsl_root_fsolver_alloc(gsl_root_fsolver_brent);
    gsl_root_fsolver_set(s, &f, 1e-9, 100);
    double x = 0;
    for (int i = 0; i < 200; i++) {
        gsl_root_fsolver_iterate(s);
        x = gsl_root_fsolver_root(s);
        if (gsl_root_test_interval(gsl_root_fsolver_x_lower(s), gsl_root_fsolver_x_upper(s), 0,
                                   1e-12) == GSL_SUCCESS)
            break;
    }
    gsl_root_fsolver_free(s);
    return x;
}

static void broker_message_percentiles_match_the_sojourn_distribution(void **state)
{
    const char *longer[] = {"simulation.duration=1000s", NULL};
    ss_scenario *sc = load_text(yaml, longer);
    double p50[REPS], p95[REPS];
    for (int i = 0; i < REPS; i++) {
        ss_result *r = run1(sc, (unsigned)i);
        const ss_comp_result *q = comp(r, "queue");
        p50[i] = extra(q, "message_p50_ms");
        p95[i] = extra(q, "message_p95_ms");
        assert_near(extra(q, "published"), 80 * 1000, 5 * sqrt(80 * 1000));
        ss_result_free(r);
    }
    double C = ss_theory_erlang_c(10, 8), mu = 10, theta = 100 - 80;
    double t50 = sojourn_quantile(C, mu, theta, 0.5) * 1e3;
    double t95 = sojourn_quantile(C, mu, theta, 0.95) * 1e3;
    double t = gsl_cdf_tdist_Pinv(0.9995, REPS - 1) / sqrt(REPS);
    double m50 = gsl_stats_mean(p50, 1, REPS), h50 = t * gsl_stats_sd(p50, 1, REPS);
    double m95 = gsl_stats_mean(p95, 1, REPS), h95 = t * gsl_stats_sd(p95, 1, REPS);
    printf("  message P50: theory %.2f ms  simulated %.2f +- %.2f\n", t50, m50, h50);
    printf("  message P95: theory %.2f ms  simulated %.2f +- %.2f\n", t95, m95, h95);
    assert_near(m50, t50, h50);
    assert_near(m95, t95, h95);
    assert_true(h50 < 0.03 * t50 && h95 < 0.03 * t95);
    ss_scenario_free(sc);
}

/* 150/s into a pool that serves 100/s: the backlog grows 50 messages a
 * second, linearly, and the report says so. */
static void saturated_pool_backlog_grows_at_the_difference(void **state)
{
    const char *sets[] = {"workload.rate=150/s", "components.queue.consumers.service=exp(100ms)",
                          NULL};
    ss_scenario *sc = load_text(yaml, sets);
    ss_result *r = run1(sc, 0);
    const ss_comp_result *q = comp(r, "queue");
    char xbuf[4096];
    double growth = extra(q, "backlog_growth_per_s");
    printf("  backlog growth %.2f/s (theory 50), final %.0f\n", growth,
           extra(q, "backlog_final"));
    assert_near(growth, 50, 3);
    assert_near(extra(q, "backlog_final"), 50 * 220, 5 * sqrt(150 * 220) + 50);
    assert_non_null(strstr(extra_text(q, xbuf, sizeof xbuf), "backlog=growing"));
    /* consumers busy all the time: throughput is their capacity */
    assert_near(CSTAT(q, THROUGHPUT_RPS), 100, 2);
    ss_result_free(r);
    /* a pool that keeps up does not say so */
    const char *ok[] = {NULL};
    sc = (ss_scenario_free(sc), load_text(yaml, ok));
    r = run1(sc, 0);
    assert_null(strstr(extra_text(comp(r, "queue"), xbuf, sizeof xbuf), "backlog=growing"));
    ss_result_free(r);
    ss_scenario_free(sc);
}

/* A full queue rejects the publish and the request fails. */
static void full_queue_rejects_publishes(void **state)
{
    const char *sets[] = {"workload.rate=150/s", "components.queue.capacity=100", NULL};
    ss_scenario *sc = load_text(yaml, sets);
    ss_result *r = run1(sc, 0);
    /* in steady state a third of the publishes find the queue full */
    assert_near(r->fig[SS_FIG_ERROR_RATE], 1.0 / 3, 0.02);
    assert_true(extra(comp(r, "queue"), "backlog_peak") <= 100);
    ss_result_free(r);
    ss_scenario_free(sc);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(broker_message_latency_is_mmc_sojourn),
        cmocka_unit_test(broker_message_percentiles_match_the_sojourn_distribution),
        cmocka_unit_test(saturated_pool_backlog_grows_at_the_difference),
        cmocka_unit_test(full_queue_rejects_publishes),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
