/*
 * tests/test_models.c -- component behaviour: load balancing, health checks,
 * crashes, timeouts, workloads. Each test runs a small scenario through the
 * library and checks what its report says against what the model promises.
 */
#include "ss_run_helpers.h"

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_statistics_double.h>

#define POOL                                                                   \
    "scalesim: 1\n"                                                            \
    "simulation: {duration: 60s, warmup: 0s, seed: 3}\n"                       \
    "workload:\n"                                                              \
    "  rate: 1000/s\n"                                                         \
    "  requests: {r: {route: [lb, app]}}\n"                                    \
    "components:\n"                                                            \
    "  lb: {kind: load_balancer, algorithm: %s, service: 0s}\n"                \
    "  app: {kind: app_server, instances: 4, cores: 1, service: exp(2ms)}\n"

static ss_result *run_pool(const char *algorithm, const char *const *sets)
{
    char yaml[1024];
    snprintf(yaml, sizeof yaml, POOL, algorithm);
    ss_scenario *sc = load_text(yaml, sets);
    ss_result *r = run1(sc, 0);
    ss_scenario_free(sc);
    return r;
}

static void lb_round_robin_sends_each_instance_its_turn(void **state)
{
    ss_result *r = run_pool("round_robin", NULL);
    const ss_comp_result *app = comp(r, "app");
    assert_int_equal(app->rep.n_rows, 4);
    uint64_t lo = UINT64_MAX, hi = 0;
    for (int i = 0; i < 4; i++) {
        lo = app->rep.rows[i].arrivals < lo ? app->rep.rows[i].arrivals : lo;
        hi = app->rep.rows[i].arrivals > hi ? app->rep.rows[i].arrivals : hi;
    }
    assert_true(hi - lo <= 1); /* exactly in turn */
    ss_result_free(r);
}

/* One balancer in front of many pools (a class each): each pool still
 * gets its instances in turn. */
static void lb_round_robin_over_many_next_hops(void **state)
{
    char yaml[4096];
    int n = snprintf(yaml, sizeof yaml,
                     "scalesim: 1\nsimulation: {duration: 20s, warmup: 0s}\n"
                     "workload:\n  rate: 1200/s\n  requests:\n");
    for (int k = 0; k < 12; k++)
        n += snprintf(yaml + n, sizeof yaml - (size_t)n,
                      "    c%d: {weight: 1, route: [lb, a%d]}\n", k, k);
    n += snprintf(yaml + n, sizeof yaml - (size_t)n,
                  "components:\n  lb: {kind: load_balancer, service: 0s}\n");
    for (int k = 0; k < 12; k++)
        n += snprintf(yaml + n, sizeof yaml - (size_t)n,
                      "  a%d: {kind: app_server, instances: 3, cores: 8, service: 1ms}\n", k);
    ss_scenario *sc = load_text(yaml, NULL);
    ss_result *r = run1(sc, 0);
    for (int k = 0; k < 12; k++) {
        char name[16];
        snprintf(name, sizeof name, "a%d", k);
        const ss_comp_result *a = comp(r, name);
        uint64_t lo = UINT64_MAX, hi = 0;
        for (int i = 0; i < 3; i++) {
            lo = a->rep.rows[i].arrivals < lo ? a->rep.rows[i].arrivals : lo;
            hi = a->rep.rows[i].arrivals > hi ? a->rep.rows[i].arrivals : hi;
        }
        assert_true(lo > 500 && hi - lo <= 1);
    }
    ss_result_free(r);
    ss_scenario_free(sc);
}

/* random and power_of_two: each of 4 instances gets a quarter of the
 * ~60k requests, within 5 binomial standard deviations. */
static void lb_random_algorithms_spread_evenly(void **state)
{
    static const char *const algs[] = {"random", "power_of_two", "least_connections"};
    for (int a = 0; a < 3; a++) {
        ss_result *r = run_pool(algs[a], NULL);
        const ss_comp_result *app = comp(r, "app");
        double n = (double)app->rep.all.arrivals;
        for (int i = 0; i < 4; i++)
            assert_near((double)app->rep.rows[i].arrivals, n / 4, 5 * sqrt(n * 0.25 * 0.75));
        ss_result_free(r);
    }
}

/* Join-the-shortest-queue beats random assignment on waiting: with 4
 * servers at utilisation 0.5, random makes each an M/M/1 (mean wait
 * rho/(mu - lambda_i) = 2 ms); least_connections and power_of_two wait
 * far less. */
static void lb_load_aware_algorithms_wait_less_than_random(void **state)
{
    const char *sets[] = {NULL};
    ss_result *rnd = run_pool("random", sets);
    ss_result *lc = run_pool("least_connections", sets);
    ss_result *p2 = run_pool("power_of_two", sets);
    double w_rnd = CSTAT(comp(rnd, "app"), MEAN_WAIT_MS);
    double w_lc = CSTAT(comp(lc, "app"), MEAN_WAIT_MS);
    double w_p2 = CSTAT(comp(p2, "app"), MEAN_WAIT_MS);
    assert_near(w_rnd, 2.0, 0.15);
    assert_true(w_lc < 0.5 * w_rnd);
    assert_true(w_p2 < 0.7 * w_rnd);
    ss_result_free(rnd);
    ss_result_free(lc);
    ss_result_free(p2);
}

/* A crashed instance behind the balancer costs errors only until the
 * health check takes it out: app[0] crashes at 20 s for 30 s, the check
 * takes 5 s, so round robin keeps sending it a quarter of the traffic for
 * 5 s (about 1250 requests, plus the few queued there at the crash). */
static void lb_health_check_limits_errors_to_detection_time(void **state)
{
    const char *fault[] = {"faults=[{at: 20s, target: \"app[0]\", action: crash, duration: 30s}]",
                           NULL};
    ss_result *r = run_pool("round_robin", fault);
    double expected = 1000 * 5 / 4.0;
    assert_near((double)r->failed, expected, 5 * sqrt(expected) + 10);
    assert_int_equal(r->fail_why[SS_FAIL_DOWN], r->failed);
    ss_result_free(r);
    /* measured from 26 s on, after the check removed it: no errors, though
     * app[0] stays down until 50 s and rejoins at 55 s */
    const char *after[] = {"faults=[{at: 20s, target: \"app[0]\", action: crash, duration: 30s}]",
                           "simulation.warmup=26s", NULL};
    r = run_pool("round_robin", after);
    assert_int_equal(r->failed, 0);
    assert_true(r->ok > 50000);
    /* and it came back: it served requests after 55 s */
    assert_true(comp(r, "app")->rep.rows[0].arrivals > 1000);
    ss_result_free(r);
}

/* Without a balancer, a crashed component fails every request sent to it
 * until it recovers. */
static void crash_fails_requests_until_recovery(void **state)
{
    const char *yaml = "scalesim: 1\n"
                       "simulation: {duration: 100s, warmup: 0s}\n"
                       "workload: {rate: 100/s, requests: {r: {route: [app]}}}\n"
                       "components: {app: {kind: app_server, service: exp(1ms)}}\n"
                       "faults: [{at: 10s, target: app, action: crash, duration: 20s}]\n";
    ss_scenario *sc = load_text(yaml, NULL);
    ss_result *r = run1(sc, 0);
    /* 20 s of 100/s fail: 2000 +- 5 sigma */
    assert_near((double)r->failed, 2000, 5 * sqrt(2000));
    assert_near(r->fig[SS_FIG_ERROR_RATE], 0.2, 0.02);
    ss_result_free(r);
    ss_scenario_free(sc);
}

/* slow multiplies service times while it lasts: M/M/1 at 1 ms and 100/s,
 * slowed 4x for the whole run, has mean sojourn 1/(250 - 100) s. */
static void slow_fault_multiplies_service_time(void **state)
{
    const char *yaml = "scalesim: 1\n"
                       "simulation: {duration: 400s, warmup: 10s}\n"
                       "workload: {rate: 100/s, requests: {r: {route: [app]}}}\n"
                       "components: {app: {kind: app_server, service: exp(1ms)}}\n"
                       "faults: [{at: 0s, target: app, action: slow, factor: 4}]\n";
    ss_scenario *sc = load_text(yaml, NULL);
    ss_result *r = run1(sc, 0);
    assert_rel(r->fig[SS_FIG_MEAN_MS], 1000.0 / 150, 0.05);
    ss_result_free(r);
    ss_scenario_free(sc);
}

/* Timeouts: M/M/1 sojourn is exponential with rate mu - lambda = 500/s, so
 * a 6 ms timeout fails a share e^-3 = 0.0498 of requests; the work goes
 * on (utilisation stays 0.5), and timed-out requests leave latency alone.
 * (At utilisation 0.9 the tail share of one run varies by +-20%.) */
static void timeout_fails_the_slow_tail(void **state)
{
    const char *yaml = "scalesim: 1\n"
                       "simulation: {duration: 400s, warmup: 20s}\n"
                       "workload: {rate: 500/s, timeout: 6ms, requests: {r: {route: [app]}}}\n"
                       "components: {app: {kind: app_server, service: exp(1ms)}}\n";
    ss_scenario *sc = load_text(yaml, NULL);
    ss_result *r = run1(sc, 0);
    assert_near(r->fig[SS_FIG_ERROR_RATE], exp(-3), 0.003);
    assert_int_equal(r->fail_why[SS_FAIL_TIMEOUT], r->failed);
    assert_true(r->fig[SS_FIG_P99_MS] <= 6.0);
    assert_near(CSTAT(&r->comps[0], UTIL), 0.5, 0.01);
    ss_result_free(r);
    ss_scenario_free(sc);
}

/* A bounded queue rejects: M/M/1/1 (queue 0) loses a/(1 + a). */
static void full_queue_rejects(void **state)
{
    const char *yaml = "scalesim: 1\n"
                       "simulation: {duration: 200s, warmup: 5s}\n"
                       "workload: {rate: 1000/s, requests: {r: {route: [app]}}}\n"
                       "components: {app: {kind: app_server, service: exp(1ms), queue: 0}}\n";
    ss_scenario *sc = load_text(yaml, NULL);
    ss_result *r = run1(sc, 0);
    assert_near(r->fig[SS_FIG_ERROR_RATE], 0.5, 0.01);
    assert_int_equal(r->fail_why[SS_FAIL_REJECTED], r->failed);
    ss_result_free(r);
    ss_scenario_free(sc);
}

/* The closed model sends N / (Z + R) per second (the response time law). */
static void closed_users_send_at_the_response_time_law_rate(void **state)
{
    const char *yaml = "scalesim: 1\n"
                       "simulation: {duration: 300s, warmup: 20s}\n"
                       "workload: {users: 500, think_time: exp(2s), requests: {r: {route: [app]}}}\n"
                       "network: {client: 10ms}\n"
                       "components: {app: {kind: app_server, cores: 8, service: exp(5ms)}}\n";
    ss_scenario *sc = load_text(yaml, NULL);
    ss_result *r = run1(sc, 0);
    double R = r->fig[SS_FIG_MEAN_MS] / 1e3;
    assert_true(R > 0.024); /* 20 ms of network, 5 ms of work on average */
    assert_rel(r->fig[SS_FIG_OFFERED_RPS], 500 / (2 + R), 0.02);
    assert_int_equal(r->users, 500);
    ss_result_free(r);
    ss_scenario_free(sc);
}

/* An open profile ramps: 0 -> 1000/s over 100 s then holds; the arrivals
 * in [50 s, 150 s) are the integral: 25 s * ... = 37500 +- 5 sigma. */
static void profile_follows_the_piecewise_linear_rate(void **state)
{
    const char *yaml = "scalesim: 1\n"
                       "simulation: {duration: 100s, warmup: 50s}\n"
                       "workload:\n"
                       "  profile: [[0s, 0/s], [100s, 1000/s]]\n"
                       "  requests: {r: {route: [app]}}\n"
                       "components: {app: {kind: app_server, cores: 4, service: exp(1ms)}}\n";
    ss_scenario *sc = load_text(yaml, NULL);
    ss_result *r = run1(sc, 0);
    /* integral of 10 t from 50 to 100 is 37500, then 50 s at 1000/s */
    double expected = 37500 + 50000;
    assert_near((double)r->sent, expected, 5 * sqrt(expected));
    assert_int_equal(r->users, -1);
    ss_result_free(r);
    ss_scenario_free(sc);
}

/* Network: every hop both ways plus the client's latency both ways. */
static void network_latency_adds_up_along_the_route(void **state)
{
    const char *yaml = "scalesim: 1\n"
                       "simulation: {duration: 10s, warmup: 1s}\n"
                       "workload: {rate: 10/s, requests: {r: {route: [a, b, c]}}}\n"
                       "network: {client: 20ms, hop: 0.5ms}\n"
                       "components:\n"
                       "  a: {kind: app_server, service: 1ms}\n"
                       "  b: {kind: app_server, service: 1ms}\n"
                       "  c: {kind: app_server, service: 1ms}\n";
    ss_scenario *sc = load_text(yaml, NULL);
    ss_result *r = run1(sc, 0);
    /* 2 x 20 ms + 2 x 2 x 0.5 ms + 3 x 1 ms, no waiting at 10/s and 1 ms
     * (constant times: no queueing unless arrivals overlap) */
    assert_near(r->fig[SS_FIG_P50_MS], 45.0, 45.0 / 256);
    ss_result_free(r);
    ss_scenario_free(sc);
}

/* The database sends writes to the primary and, with read_from primary,
 * reads too; its report counts both. */
static void database_serves_reads_and_writes_at_the_primary(void **state)
{
    const char *yaml = "scalesim: 1\n"
                       "simulation: {duration: 100s, warmup: 0s}\n"
                       "workload:\n"
                       "  rate: 200/s\n"
                       "  requests:\n"
                       "    read: {weight: 3, op: read, route: [db]}\n"
                       "    write: {weight: 1, op: write, route: [db]}\n"
                       "components:\n"
                       "  db: {kind: database, cores: 2, service: {read: exp(1ms), write: exp(3ms)}}\n";
    ss_scenario *sc = load_text(yaml, NULL);
    ss_result *r = run1(sc, 0);
    const ss_comp_result *db = comp(r, "db");
    double reads = extra(db, "reads"), writes = extra(db, "writes");
    assert_near(reads / (reads + writes), 0.75, 0.01);
    /* utilisation = (150 x 1 ms + 50 x 3 ms) / 2 cores = 0.15 */
    assert_near(CSTAT(db, UTIL), 0.15, 0.01);
    assert_string_equal(db->rep.rows[0].instance, "primary");
    ss_result_free(r);
    ss_scenario_free(sc);
}

static const char *db_yaml =
    "scalesim: 1\n"
    "simulation: {duration: 60s, warmup: 0s}\n"
    "workload:\n"
    "  rate: 1000/s\n"
    "  requests:\n"
    "    read: {weight: 9, op: read, route: [db]}\n"
    "    write: {weight: 1, op: write, route: [db]}\n"
    "components:\n"
    "  db: {kind: database, cores: 100, service: exp(1ms), replicas: 2, read_from: replicas,\n"
    "       failover: 10s, replication: {lag: 50ms}}\n";

/* A primary crash fails writes until the failover promotes a replica
 * (10 s); reads from replicas go on throughout. */
static void database_failover_fails_writes_only_until_promotion(void **state)
{
    const char *sets[] = {"faults=[{at: 20s, target: db.primary, action: crash}]", NULL};
    ss_scenario *sc = load_text(db_yaml, sets);
    ss_result *r = run1(sc, 0);
    const ss_class_result *reads = &r->classes[0], *writes = &r->classes[1];
    assert_string_equal(writes->name, "write");
    assert_int_equal(reads->failed, 0);
    /* 100 writes/s for 10 s, plus the few in service at the crash */
    assert_near((double)writes->failed, 1000, 5 * sqrt(1000) + 5);
    assert_true(writes->ok > 4000);
    assert_near(extra(comp(r, "db"), "failovers"), 1, 0);
    ss_result_free(r);
    ss_scenario_free(sc);
}

/* A primary that comes back before the failover completes stays primary:
 * writes fail only while it is down. */
static void database_short_crash_needs_no_failover(void **state)
{
    const char *sets[] = {"faults=[{at: 20s, target: db.primary, action: crash, duration: 4s}]",
                          NULL};
    ss_scenario *sc = load_text(db_yaml, sets);
    ss_result *r = run1(sc, 0);
    assert_near((double)r->classes[1].failed, 400, 5 * sqrt(400) + 5);
    assert_near(extra(comp(r, "db"), "failovers"), 0, 0);
    ss_result_free(r);
    ss_scenario_free(sc);
}

/* sync replication: a write answers once a replica has applied it, so its
 * response time gains the lag (50 ms) and the replica's apply (1 ms mean);
 * async answers at once. */
static void database_sync_replication_waits_for_a_replica(void **state)
{
    const char *sync[] = {"components.db.replication.mode=sync", NULL};
    ss_scenario *sc = load_text(db_yaml, sync);
    ss_result *r = run1(sc, 0);
    double w;
    assert_true(ss_hist_mean(&r->classes[1].lat, &w));
    assert_near(w * 1e-6, 1 + 50 + 1, 0.3);
    ss_result_free(r);
    ss_scenario_free(sc);
    sc = load_text(db_yaml, NULL);
    r = run1(sc, 0);
    assert_true(ss_hist_mean(&r->classes[1].lat, &w));
    assert_near(w * 1e-6, 1, 0.1);
    ss_result_free(r);
    ss_scenario_free(sc);
}

/* Across datacenters a sync write waits for the nearest live replica and
 * for its acknowledgement to come back. The primary is in eu, with a
 * replica in us (node 1, 40 ms away) and one in eu (node 2, beside it):
 * a write takes its service (1 ms), the lag (50 ms) and the local apply
 * (1 ms) = 52 ms. With eu's replica crashed it waits for us's: 1 + 50 +
 * 40 + 1 + 40 back = 132 ms. (Waiting for the first replica by index and
 * for free, as before, gave 92 ms in both cases.) */
static void database_sync_waits_for_the_nearest_live_replica(void **state)
{
    const char *yaml = "scalesim: 1\n"
                       "simulation: {duration: 30s, warmup: 1s}\n"
                       "workload: {rate: 200/s, regions: {eu: 1}, requests: {w: {op: write, route: [db]}}}\n"
                       "network: {regions: {us: {eu: 40ms}}}\n"
                       "datacenters: {us: {}, eu: {}}\n"
                       "components:\n"
                       "  db: {kind: database, placement: eu, cores: 100, service: exp(1ms), replicas: 1,\n"
                       "       replication: {mode: sync, lag: 50ms}}\n";
    ss_scenario *sc = load_text(yaml, NULL);
    ss_result *r = run1(sc, 0);
    assert_near(r->fig[SS_FIG_MEAN_MS], 52, 0.3);
    ss_result_free(r);
    ss_scenario_free(sc);
    const char *crash[] = {"faults=[{at: 0s, target: db.r2, action: crash}]", NULL};
    sc = load_text(yaml, crash);
    r = run1(sc, 0);
    assert_near(r->fig[SS_FIG_MEAN_MS], 132, 0.3);
    ss_result_free(r);
    ss_scenario_free(sc);
}

/* read_from: any spreads reads over the primary and the local replicas
 * that are up: a crashed primary gets none, so reads never fail while a
 * replica lives (before, a third of them went to the dead primary). */
static void database_read_from_any_avoids_a_crashed_primary(void **state)
{
    const char *sets[] = {"components.db.read_from=any",
                          "faults=[{at: 20s, target: db.primary, action: crash}]", NULL};
    ss_scenario *sc = load_text(db_yaml, sets);
    ss_result *r = run1(sc, 0);
    assert_int_equal(r->classes[0].failed, 0);
    assert_true(r->classes[0].ok > 50000);
    ss_result_free(r);
    ss_scenario_free(sc);
}

/* The bottleneck names the busiest part: with nine users in ten in eu,
 * eu's replica works nine times as hard as us's, and the report names
 * "db.replicas@eu" at its own utilisation, not the average of both. */
static void database_bottleneck_names_the_hot_datacenters_replicas(void **state)
{
    const char *yaml = "scalesim: 1\n"
                       "simulation: {duration: 30s, warmup: 2s}\n"
                       "workload: {rate: 2000/s, regions: {us: 0.1, eu: 0.9},\n"
                       "           requests: {r: {op: read, route: [db]}}}\n"
                       "network: {regions: {us: {eu: 40ms}}}\n"
                       "datacenters: {us: {}, eu: {}}\n"
                       "components:\n"
                       "  db: {kind: database, placement: us, cores: 4, service: exp(1ms), replicas: 1,\n"
                       "       read_from: replicas}\n";
    ss_scenario *sc = load_text(yaml, NULL);
    ss_result *r = run1(sc, 0);
    assert_string_equal(r->bottleneck, "db.replicas@eu");
    /* 1800 reads/s x 1 ms over 4 cores */
    assert_near(r->fig[SS_FIG_BOTTLENECK_UTIL], 0.45, 0.02);
    ss_result_free(r);
    ss_scenario_free(sc);
}

/* A class's own service time at a component (requests.X.service): two
 * classes at one exp station, 100/s each, 1 ms and 5 ms. It is an M/G/1
 * queue with a mixed service time: E[S] = 3 ms, E[S^2] = (2 + 50) / 2 ms^2,
 * rho = 0.6, so every request waits lambda E[S^2] / 2(1 - rho) = 6.5 ms
 * (Pollaczek-Khinchine) and the classes take 7.5 and 11.5 ms. */
static void class_service_overrides_the_components(void **state)
{
    const char *yaml = "scalesim: 1\n"
                       "simulation: {duration: 2000s, warmup: 5s}\n"
                       "workload:\n"
                       "  rate: 200/s\n"
                       "  requests:\n"
                       "    light: {weight: 1, route: [app]}\n"
                       "    heavy: {weight: 1, route: [app], service: {app: exp(5ms)}}\n"
                       "components:\n"
                       "  app: {kind: app_server, service: exp(1ms)}\n";
    ss_scenario *sc = load_text(yaml, NULL);
    enum { REPS = 8 };
    double light[REPS], heavy[REPS];
    for (int i = 0; i < REPS; i++) {
        ss_result *r = run1(sc, (unsigned)i);
        double m;
        assert_true(ss_hist_mean(&r->classes[0].lat, &m));
        light[i] = m * 1e-6;
        assert_true(ss_hist_mean(&r->classes[1].lat, &m));
        heavy[i] = m * 1e-6;
        ss_result_free(r);
    }
    double t = gsl_cdf_tdist_Pinv(0.9995, REPS - 1);
    double ml = gsl_stats_mean(light, 1, REPS), mh = gsl_stats_mean(heavy, 1, REPS);
    double hl = t * gsl_stats_sd(light, 1, REPS) / sqrt(REPS);
    double hh = t * gsl_stats_sd(heavy, 1, REPS) / sqrt(REPS);
    printf("  light %.3f +- %.3f ms (7.5), heavy %.3f +- %.3f ms (11.5)\n", ml, hl, mh, hh);
    assert_near(ml, 7.5, hl);
    assert_near(mh, 11.5, hh);
    assert_true(hl < 0.3 && hh < 0.4);
    ss_scenario_free(sc);
}

/* ---- faults on every kind ------------------------------------------------ */

/* A crashed cache instance fails what reaches it, and comes back empty:
 * its first reads after recovery all miss. */
static void cache_crash_fails_then_restarts_cold(void **state)
{
    const char *yaml = "scalesim: 1\n"
                       "simulation: {duration: 40s, warmup: 0s}\n"
                       "workload: {rate: 1000/s, keys: {count: 100, popularity: uniform},\n"
                       "           requests: {r: {route: [cache, db]}}}\n"
                       "components:\n"
                       "  cache: {kind: cache, capacity: 1000, service: 0s}\n"
                       "  db: {kind: database, cores: 100, service: 1ms}\n"
                       "faults: [{at: 20s, target: cache, action: crash, duration: 5s}]\n";
    ss_scenario *sc = load_text(yaml, NULL);
    ss_result *r = run1(sc, 0);
    assert_near((double)r->failed, 5000, 5 * sqrt(5000));
    /* 100 keys: two cold starts cost about 100 misses each (plus the
     * concurrent misses of a key while its first fill is on its way) */
    double misses = extra(comp(r, "cache"), "misses");
    assert_true(misses >= 200 && misses < 400);
    ss_result_free(r);
    ss_scenario_free(sc);
}

/* A crashed broker fails publishes (the requests that publish fail) and
 * keeps the waiting messages, which its consumers finish after it is back. */
static void broker_crash_fails_publishes_and_keeps_messages(void **state)
{
    const char *yaml = "scalesim: 1\n"
                       "simulation: {duration: 60s, warmup: 0s}\n"
                       "workload: {rate: 100/s, requests: {r: {route: [q]}}}\n"
                       "components:\n"
                       "  q: {kind: broker, publish: 1ms,\n"
                       "      consumers: {instances: 1, cores: 2, service: exp(10ms)}}\n"
                       "faults: [{at: 20s, target: q, action: crash, duration: 10s}]\n";
    ss_scenario *sc = load_text(yaml, NULL);
    ss_result *r = run1(sc, 0);
    assert_near((double)r->failed, 1000, 5 * sqrt(1000));
    const ss_comp_result *q = comp(r, "q");
    assert_near(extra(q, "published"), extra(q, "consumed"), 5);
    ss_result_free(r);
    ss_scenario_free(sc);
}

/* A crashed resolver fails the requests that need a resolution; clients
 * with a fresh answer go on. */
static void dns_crash_fails_only_resolutions(void **state)
{
    const char *yaml = "scalesim: 1\n"
                       "simulation: {duration: 60s, warmup: 0s}\n"
                       "workload: {rate: 1000/s, clients: 1000, requests: {r: {route: [app]}}}\n"
                       "components:\n"
                       "  dns: {kind: dns, latency: 10ms, ttl: 5s}\n"
                       "  app: {kind: app_server, cores: 100, service: 1ms}\n"
                       "faults: [{at: 30s, target: dns, action: crash, duration: 10s}]\n";
    ss_scenario *sc = load_text(yaml, NULL);
    ss_result *r = run1(sc, 0);
    /* the first 5 s of the crash some answers are still fresh; after a
     * client's answer expires each of its requests needs a resolution */
    assert_true(r->failed > 2000 && r->failed < 10000);
    assert_true(r->ok > 45000);
    ss_result_free(r);
    ss_scenario_free(sc);
}

/* A crashed CDN edge sends its region's users to the nearest other edge:
 * nothing fails, the users just travel further. */
static void cdn_edge_crash_moves_users_to_the_next_edge(void **state)
{
    const char *yaml = "scalesim: 1\n"
                       "simulation: {duration: 30s, warmup: 0s}\n"
                       "workload: {rate: 500/s, regions: {us: 0.5, eu: 0.5},\n"
                       "           keys: {count: 10, popularity: uniform},\n"
                       "           requests: {r: {route: [cdn, origin]}}}\n"
                       "network: {regions: {us: {eu: 40ms}}}\n"
                       "datacenters: {us: {}}\n"
                       "components:\n"
                       "  cdn: {kind: cdn, pops: [us, eu], capacity: 100, service: 1ms}\n"
                       "  origin: {kind: app_server, cores: 100, service: 10ms}\n"
                       "faults: [{at: 0s, target: \"cdn[1]\", action: crash}]\n";
    ss_scenario *sc = load_text(yaml, NULL);
    ss_result *r = run1(sc, 0);
    assert_int_equal(r->failed, 0);
    const ss_comp_result *cdn = comp(r, "cdn");
    assert_int_equal(cdn->rep.rows[1].arrivals, 0);
    /* European users pay the crossing both ways: P50 about 80 ms */
    double p50;
    assert_true(ss_hist_quantile(&r->regions[1].lat, 0.5, &p50));
    assert_near(p50 * 1e-6, 81, 1);
    ss_result_free(r);
    ss_scenario_free(sc);
}

/* A loop where nothing takes time never reaches the end of the run: the
 * engine stops it and says why, rather than hang. */
static void zero_time_loop_is_a_run_error(void **state)
{
    const char *yaml = "scalesim: 1\n"
                       "workload: {users: 1, think_time: 0s, requests: {r: {route: [a]}}}\n"
                       "components: {a: {kind: app_server, service: 0s}}\n";
    ss_scenario *sc = load_text(yaml, NULL);
    ss_run_opts o;
    ss_run_opts_init(&o);
    char why[300] = "";
    o.error = why;
    o.error_len = sizeof why;
    ss_result *r = NULL;
    assert_int_equal(ss_run(sc, &o, &r), SS_RUNTIME);
    assert_null(r);
    assert_non_null(strstr(why, "simulated time stopped at 0 s"));
    ss_scenario_free(sc);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(lb_round_robin_sends_each_instance_its_turn),
        cmocka_unit_test(lb_round_robin_over_many_next_hops),
        cmocka_unit_test(lb_random_algorithms_spread_evenly),
        cmocka_unit_test(lb_load_aware_algorithms_wait_less_than_random),
        cmocka_unit_test(lb_health_check_limits_errors_to_detection_time),
        cmocka_unit_test(crash_fails_requests_until_recovery),
        cmocka_unit_test(slow_fault_multiplies_service_time),
        cmocka_unit_test(timeout_fails_the_slow_tail),
        cmocka_unit_test(full_queue_rejects),
        cmocka_unit_test(closed_users_send_at_the_response_time_law_rate),
        cmocka_unit_test(profile_follows_the_piecewise_linear_rate),
        cmocka_unit_test(network_latency_adds_up_along_the_route),
        cmocka_unit_test(database_serves_reads_and_writes_at_the_primary),
        cmocka_unit_test(database_failover_fails_writes_only_until_promotion),
        cmocka_unit_test(database_short_crash_needs_no_failover),
        cmocka_unit_test(database_sync_replication_waits_for_a_replica),
        cmocka_unit_test(database_sync_waits_for_the_nearest_live_replica),
        cmocka_unit_test(database_read_from_any_avoids_a_crashed_primary),
        cmocka_unit_test(database_bottleneck_names_the_hot_datacenters_replicas),
        cmocka_unit_test(class_service_overrides_the_components),
        cmocka_unit_test(cache_crash_fails_then_restarts_cold),
        cmocka_unit_test(broker_crash_fails_publishes_and_keeps_messages),
        cmocka_unit_test(dns_crash_fails_only_resolutions),
        cmocka_unit_test(cdn_edge_crash_moves_users_to_the_next_edge),
        cmocka_unit_test(zero_time_loop_is_a_run_error),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
