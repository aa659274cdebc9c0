/*
 * tests/test_experiments.c -- replications, confidence intervals, the time
 * series, availability and the latency breakdown.
 */
#include "ss_run_helpers.h"

#include "agg.h"
#include "row.h"

/* M/M/1 at utilisation 0.5 and mu = 1000/s: mean sojourn 2 ms. Each trial
 * (its own base seed) runs 5 replications and forms the 95% Student-t
 * interval the command line reports; 95 of 100 such intervals should
 * cover 2 ms. The test asks for at least 90: it can fail, and it would if
 * the replications shared streams (intervals too narrow) or the runs were
 * biased. The warm-up is long enough to leave no start-up bias to speak of. */
static void replication_intervals_cover_theory_90_of_100_times(void **state)
{
    const char *yaml = "scalesim: 1\n"
                       "simulation: {duration: 60s, warmup: 2s}\n"
                       "workload: {rate: 500/s, requests: {r: {route: [app]}}}\n"
                       "components: {app: {kind: app_server, service: exp(1ms)}}\n";
    ss_scenario *sc = load_text(yaml, NULL);
    int covered = 0;
    for (int trial = 0; trial < 100; trial++) {
        ss_result *rs[5];
        for (int r = 0; r < 5; r++) {
            ss_run_opts o;
            ss_run_opts_init(&o);
            o.seed_set = true;
            o.seed = 1000 + (uint64_t)trial;
            o.replication = (unsigned)r;
            assert_int_equal(ss_run(sc, &o, &rs[r]), SS_OK);
        }
        double mean[SS_FIGS], ci[SS_FIGS];
        ss_agg_figures((const ss_result *const *)rs, 5, mean, ci);
        covered += fabs(mean[SS_FIG_MEAN_MS] - 2.0) <= ci[SS_FIG_MEAN_MS];
        for (int r = 0; r < 5; r++)
            ss_result_free(rs[r]);
    }
    printf("  %d of 100 intervals cover the theory\n", covered);
    assert_true(covered >= 90);
    ss_scenario_free(sc);
}

/* The same seed and replication give the same figures, bit for bit; other
 * replications differ. */
static void replications_are_reproducible_and_independent(void **state)
{
    ss_scenario *sc = load_file("tests/validation/station.yaml", NULL);
    ss_result *a = run1(sc, 3), *b = run1(sc, 3), *c = run1(sc, 4);
    for (int k = 0; k < SS_FIGS; k++)
        assert_memory_equal(&a->fig[k], &b->fig[k], sizeof(double));
    assert_true(a->fig[SS_FIG_MEAN_MS] != c->fig[SS_FIG_MEAN_MS]);
    ss_result_free(a);
    ss_result_free(b);
    ss_result_free(c);
    ss_scenario_free(sc);
}

static ss_result *run_series(const char *yaml, const char *const *sets)
{
    ss_scenario *sc = load_text(yaml, sets);
    ss_run_opts o;
    ss_run_opts_init(&o);
    o.timeseries = true;
    o.breakdown = true;
    ss_result *r;
    assert_int_equal(ss_run(sc, &o, &r), SS_OK);
    ss_scenario_free(sc);
    return r;
}

static const char *pool =
    "scalesim: 1\n"
    "simulation: {duration: 60s, warmup: 10s}\n"
    "workload: {rate: 1000/s, requests: {r: {route: [lb, app]}}}\n"
    "components:\n"
    "  lb: {kind: load_balancer, service: 0s}\n"
    "  app: {kind: app_server, instances: 4, cores: 2, service: exp(2ms)}\n";

/* A crash at 30 s shows in the time series at 30 s and not before; the
 * balancer's health check (5 s) ends the errors, and utilisation of the
 * pool drops by the crashed instance's quarter while it is out. */
static void fault_appears_in_the_time_series_at_its_time(void **state)
{
    const char *f[] = {"faults=[{at: 30s, target: \"app[0]\", action: crash, duration: 20s}]",
                       NULL};
    ss_result *r = run_series(pool, f);
    assert_int_equal(r->n_series, 70);
    for (size_t t = 0; t < r->n_series; t++) {
        const ss_ts_row *s = &r->series[t];
        assert_near(s->t_s, (double)t, 1e-9);
        if (t < 30 || t >= 36)
            assert_int_equal(s->failed, 0);
        if (t >= 30 && t < 35)
            assert_true(s->error_rate > 0.15 && s->error_rate < 0.35);
    }
    /* warm-up is in the series too: the first rows exist and carry load */
    assert_true(r->series[0].throughput_rps > 900);
    /* the worst measured interval is one of the detection window's */
    assert_true(r->worst_availability < 0.85);
    assert_true(r->worst_availability_t >= 30 && r->worst_availability_t < 35);
    ss_result_free(r);
}

/* Utilisation in the series: exp(2 ms) at 1000/s over 8 cores = 0.25. */
static void time_series_utilisation_and_in_flight(void **state)
{
    ss_result *r = run_series(pool, NULL);
    double u = 0;
    int app = -1;
    for (int c = 0; c < r->n_comps; c++)
        if (strcmp(r->comps[c].name, "app") == 0)
            app = c;
    for (size_t t = 10; t < r->n_series; t++)
        u += r->series[t].util[app];
    u /= (double)(r->n_series - 10);
    assert_near(u, 0.25, 0.01);
    /* nothing fails, so exactly 1: requests are counted by when they were
     * sent, so warm-up requests answered after it cannot push it past 1
     * (as answered-after-warm-up over sent-after-warm-up did) */
    assert_true(r->availability == 1.0);
    ss_result_free(r);
}

/* The breakdown at a station: waiting and service, and the network in
 * front of it. One M/M/1 at 1 ms and 500/s behind a 2 ms hop: mean wait
 * rho/(mu - lambda) = 1 ms, mean service 1 ms, network 2 x 2 ms per visit. */
static void breakdown_splits_wait_service_and_network(void **state)
{
    const char *yaml = "scalesim: 1\n"
                       "simulation: {duration: 200s, warmup: 10s}\n"
                       "workload: {rate: 500/s, requests: {r: {route: [app]}}}\n"
                       "network: {client: 2ms}\n"
                       "components: {app: {kind: app_server, service: exp(1ms)}}\n";
    ss_result *r = run_series(yaml, NULL);
    assert_int_equal(r->n_breakdown, 1);
    const ss_bd_row *b = &r->breakdown[0];
    assert_near(b->mean_ms[SS_NOTE_WAIT], 1.0, 0.05);
    assert_near(b->mean_ms[SS_NOTE_SERVICE], 1.0, 0.02);
    /* the client's latency both ways: two network notes per visit */
    assert_near(b->mean_ms[SS_NOTE_NETWORK], 4.0, 0.01);
    assert_near(b->p95_ms[SS_NOTE_SERVICE], -log(0.05), 0.05);
    /* per visit, the parts add up to the response time */
    double sum = b->mean_ms[SS_NOTE_WAIT] + b->mean_ms[SS_NOTE_SERVICE] +
                 b->mean_ms[SS_NOTE_NETWORK];
    assert_near(sum, r->fig[SS_FIG_MEAN_MS], 0.01 * r->fig[SS_FIG_MEAN_MS]);
    assert_near((double)b->visits, (double)r->ok, 0.01 * (double)r->ok + 50);
    ss_result_free(r);
}

/* A sync write waits at the database until a replica has applied it (lag
 * 50 ms, then the apply, exp(1 ms) on 100 cores: no queueing): the
 * breakdown shows that 51 ms as waiting at the database. An async write
 * waits for nothing. */
static const ss_bd_row *write_at_db(const ss_result *r)
{
    for (int i = 0; i < r->n_breakdown; i++)
        if (r->breakdown[i].cls == 1)
            return &r->breakdown[i];
    fail_msg("no breakdown row for writes");
    return NULL;
}

static void breakdown_counts_a_sync_writes_wait_for_its_replica(void **state)
{
    const char *yaml = "scalesim: 1\n"
                       "simulation: {duration: 60s, warmup: 5s}\n"
                       "workload:\n"
                       "  rate: 1000/s\n"
                       "  requests:\n"
                       "    read: {weight: 9, op: read, route: [db]}\n"
                       "    write: {weight: 1, op: write, route: [db]}\n"
                       "components:\n"
                       "  db: {kind: database, cores: 100, service: exp(1ms), replicas: 2,\n"
                       "       read_from: replicas, replication: {mode: sync, lag: 50ms}}\n";
    ss_result *r = run_series(yaml, NULL);
    const ss_bd_row *w = write_at_db(r);
    assert_near(w->mean_ms[SS_NOTE_WAIT], 51, 0.3);
    assert_near(w->mean_ms[SS_NOTE_SERVICE], 1, 0.05);
    ss_result_free(r);
    const char *async[] = {"components.db.replication.mode=async", NULL};
    r = run_series(yaml, async);
    w = write_at_db(r);
    assert_true(w->mean_ms[SS_NOTE_WAIT] < 0.01);
    ss_result_free(r);
}

/* Too few answers for a percentile: none is reported, and the report says
 * why. */
static void too_few_samples_give_no_percentile_and_a_note(void **state)
{
    const char *yaml = "scalesim: 1\n"
                       "simulation: {duration: 5s, warmup: 0s}\n"
                       "workload: {rate: 50/s, requests: {r: {route: [app]}}}\n"
                       "components: {app: {kind: app_server, service: exp(1ms)}}\n";
    ss_scenario *sc = load_text(yaml, NULL);
    ss_result *r = run1(sc, 0);
    assert_true(r->ok > 100 && r->ok < 400);
    assert_true(isfinite(r->fig[SS_FIG_P50_MS]));
    assert_true(isnan(r->fig[SS_FIG_P99_MS]));
    char warn[8][160];
    int n = ss_result_warnings(r, warn, 8);
    assert_true(n >= 1);
    assert_non_null(strstr(warn[n - 1], "p99 not reported"));
    ss_result_free(r);
    ss_scenario_free(sc);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(replication_intervals_cover_theory_90_of_100_times),
        cmocka_unit_test(replications_are_reproducible_and_independent),
        cmocka_unit_test(fault_appears_in_the_time_series_at_its_time),
        cmocka_unit_test(time_series_utilisation_and_in_flight),
        cmocka_unit_test(breakdown_splits_wait_service_and_network),
        cmocka_unit_test(breakdown_counts_a_sync_writes_wait_for_its_replica),
        cmocka_unit_test(too_few_samples_give_no_percentile_and_a_note),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
