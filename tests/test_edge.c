/*
 * tests/test_edge.c -- DNS, the CDN, regions and datacenters.
 */
#include "ss_run_helpers.h"

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_statistics_double.h>

/* ---- DNS ---------------------------------------------------------------------
 * A client resolves at a send when its answer has expired; the answer,
 * got after the resolver's latency L, is kept for the TTL T. With
 * exponential think time Z and responses much shorter than Z, the next
 * send after expiry comes a residual think time Z later (memoryless), so
 * each client resolves once per L + T + Z on average: N users make
 * N / (L + T + Z) queries a second. An open workload's client sends at
 * rate lambda/C, so the cycle is L + T + C/lambda. */
static void dns_resolutions_match_ttl_arithmetic(void **state)
{
    const char *yaml = "scalesim: 1\n"
                       "simulation: {duration: 200s, warmup: 50s}\n"
                       "workload: {users: 2000, think_time: exp(1s), requests: {r: {route: [app]}}}\n"
                       "components:\n"
                       "  dns: {kind: dns, latency: 10ms, ttl: 5s}\n"
                       "  app: {kind: app_server, cores: 100, service: 1ms}\n";
    ss_scenario *sc = load_text(yaml, NULL);
    ss_result *r = run1(sc, 0);
    double qps = extra(comp(r, "dns"), "queries") / r->window_s;
    double theory = 2000 / (0.010 + 5 + 1);
    printf("  closed: %.2f queries/s, theory %.2f\n", qps, theory);
    assert_rel(qps, theory, 0.015);
    /* every resolution adds L to its request: the mean grows by L/cycle */
    ss_result_free(r);
    ss_scenario_free(sc);

    const char *open = "scalesim: 1\n"
                       "simulation: {duration: 200s, warmup: 50s}\n"
                       "workload: {rate: 2000/s, clients: 4000, requests: {r: {route: [app]}}}\n"
                       "components:\n"
                       "  dns: {kind: dns, latency: 10ms, ttl: 3s}\n"
                       "  app: {kind: app_server, cores: 100, service: 1ms}\n";
    sc = load_text(open, NULL);
    r = run1(sc, 0);
    qps = extra(comp(r, "dns"), "queries") / r->window_s;
    theory = 4000 / (0.010 + 3 + 4000 / 2000.0);
    printf("  open: %.2f queries/s, theory %.2f\n", qps, theory);
    assert_rel(qps, theory, 0.015);
    ss_result_free(r);
    ss_scenario_free(sc);
}

/* The clients' caches start at their stationary age (sim/engine/workload.c), so the
 * query rate is N / (L + T + Z) from the first measured second, with no
 * warm-up at all: 2000 users, T = 5 s, Z = 1 s, L = 10 ms over the first
 * 3 s. With every cache empty at time 0, as before, 95% of the clients
 * resolve in those 3 s: twice the steady rate. Ten replications, 99.9% CI. */
static void dns_query_rate_holds_from_the_first_second(void **state)
{
    const char *yaml = "scalesim: 1\n"
                       "simulation: {duration: 3s, warmup: 0s}\n"
                       "workload: {users: 2000, think_time: exp(1s), requests: {r: {route: [app]}}}\n"
                       "components:\n"
                       "  dns: {kind: dns, latency: 10ms, ttl: 5s}\n"
                       "  app: {kind: app_server, cores: 100, service: 1ms}\n";
    ss_scenario *sc = load_text(yaml, NULL);
    enum { REPS = 10 };
    double x[REPS];
    for (int i = 0; i < REPS; i++) {
        ss_result *r = run1(sc, (unsigned)i);
        x[i] = extra(comp(r, "dns"), "queries") / r->window_s;
        ss_result_free(r);
    }
    double theory = 2000 / (0.010 + 5 + 1);
    double mean = gsl_stats_mean(x, 1, REPS);
    double half = gsl_cdf_tdist_Pinv(0.9995, REPS - 1) * gsl_stats_sd(x, 1, REPS) / sqrt(REPS);
    printf("  first 3 s: %.2f +- %.2f queries/s, theory %.2f\n", mean, half, theory);
    assert_near(mean, theory, half);
    assert_true(half < 0.05 * theory);
    ss_scenario_free(sc);
}

/* ---- regions and datacenters ------------------------------------------------- */

static const char *two_dc =
    "scalesim: 1\n"
    "simulation: {duration: 60s, warmup: 10s}\n"
    "workload:\n"
    "  users: 2000\n"
    "  think_time: exp(1s)\n"
    "  regions: {us: 0.5, eu: 0.5}\n"
    "  requests:\n"
    "    read: {weight: 9, op: read, route: [app, db]}\n"
    "    write: {weight: 1, op: write, route: [app, db]}\n"
    "network:\n"
    "  client: 10ms\n"
    "  hop: 1ms\n"
    "  regions: {us: {eu: 40ms}}\n"
    "datacenters: {us: {}, eu: {}}\n"
    "components:\n"
    "  dns: {kind: dns, latency: 0s, ttl: 10s, health_check: 5s}\n"
    "  app: {kind: app_server, cores: 100, service: 2ms}\n"
    "  db: {kind: database, placement: us, cores: 100, service: 3ms, replicas: 1,\n"
    "       read_from: replicas, replication: {lag: 10ms}}\n";

/* Geo-DNS sends each client to the datacenter of its region: each copy of
 * the application serves half the traffic, and a read never leaves its
 * region (client 10 ms + hop 1 ms each way, 2 + 3 ms of work: 27 ms). */
static void geo_routing_picks_the_nearest_datacenter(void **state)
{
    ss_scenario *sc = load_text(two_dc, NULL);
    ss_result *r = run1(sc, 0);
    double us = (double)comp(r, "app@us")->rep.all.arrivals;
    double eu = (double)comp(r, "app@eu")->rep.all.arrivals;
    assert_near(us / (us + eu), 0.5, 0.01);
    assert_int_equal(r->n_regions, 2);
    for (int i = 0; i < 2; i++) {
        double p50;
        assert_true(ss_hist_quantile(&r->regions[i].lat, 0.5, &p50));
        assert_near(p50 * 1e-6, 27, 0.2);
    }
    ss_result_free(r);
    ss_scenario_free(sc);
}

/* A write from Europe crosses to the primary in us and back: it pays the
 * matrix latency twice (2 x 40 ms) where a write from us pays two hops. */
static void cross_region_write_pays_the_matrix_latency(void **state)
{
    const char *eu_only[] = {"workload.regions={eu: 1}", NULL};
    ss_scenario *sc = load_text(two_dc, eu_only);
    ss_result *r = run1(sc, 0);
    double read, write;
    assert_true(ss_hist_quantile(&r->classes[0].lat, 0.5, &read));
    assert_true(ss_hist_quantile(&r->classes[1].lat, 0.5, &write));
    /* read: 2x10 + 2x1 + 2 + 3 = 27 ms; write: 2x10 + 2x40 + 2 + 3 = 105 ms */
    assert_near(read * 1e-6, 27, 0.2);
    assert_near(write * 1e-6, 105, 0.5);
    ss_result_free(r);
    ss_scenario_free(sc);
}

/* After an outage begins, new answers avoid the datacenter once the
 * resolver's health check (5 s) has noticed, and clients holding an old
 * answer move when its TTL (10 s) runs out: from 15 s after the outage on,
 * nothing fails. Before that, half the clients fail. */
static void outage_errors_stop_within_ttl_plus_health_check(void **state)
{
    const char *during[] = {"faults=[{at: 20s, target: dc.eu, action: outage, duration: 100s}]",
                            "simulation.warmup=20s", "simulation.duration=15s", NULL};
    ss_scenario *sc = load_text(two_dc, during);
    ss_result *r = run1(sc, 0);
    assert_true(r->fig[SS_FIG_ERROR_RATE] > 0.1);
    ss_result_free(r);
    ss_scenario_free(sc);
    /* 20 s + 5 s + 10 s = 35 s; the last requests sent with an old answer
     * fail within their response time, so start measuring at 35.2 s */
    const char *after[] = {"faults=[{at: 20s, target: dc.eu, action: outage, duration: 100s}]",
                           "simulation.warmup=35.2s", "simulation.duration=60s", NULL};
    sc = load_text(two_dc, after);
    r = run1(sc, 0);
    assert_int_equal(r->failed, 0);
    assert_true(r->ok > 100000);
    /* everyone is served from us now */
    assert_int_equal(comp(r, "app@eu")->rep.all.arrivals, 0);
    ss_result_free(r);
    ss_scenario_free(sc);
}

/* What an outage costs does not depend on when it starts: with the caches
 * at their stationary age there is no phase to the resolutions. A 20 s
 * outage of eu starting at 20 s or at 25 s (TTL 10 s, think 1 s: with
 * every cache filled at time 0 the clients' expiries bunch up 11 s apart)
 * fails the same number of requests, within the two 99.9% intervals. */
static void outage_cost_does_not_depend_on_its_start(void **state)
{
    enum { REPS = 8 };
    double mean[2], half[2];
    const char *starts[2] = {"20s", "25s"};
    for (int k = 0; k < 2; k++) {
        char fault[128], warm[64];
        snprintf(fault, sizeof fault,
                 "faults=[{at: %s, target: dc.eu, action: outage, duration: 20s}]", starts[k]);
        snprintf(warm, sizeof warm, "simulation.warmup=%s", starts[k]);
        const char *sets[] = {fault, warm, "simulation.duration=40s", NULL};
        ss_scenario *sc = load_text(two_dc, sets);
        double x[REPS];
        for (int i = 0; i < REPS; i++) {
            ss_result *r = run1(sc, (unsigned)i);
            x[i] = (double)r->failed;
            ss_result_free(r);
        }
        mean[k] = gsl_stats_mean(x, 1, REPS);
        half[k] = gsl_cdf_tdist_Pinv(0.9995, REPS - 1) * gsl_stats_sd(x, 1, REPS) / sqrt(REPS);
        printf("  outage at %s: %.0f +- %.0f failed\n", starts[k], mean[k], half[k]);
        ss_scenario_free(sc);
    }
    assert_true(mean[0] > 1000);
    assert_near(mean[0], mean[1], half[0] + half[1]);
}

/* An outage shorter than the health check goes unnoticed by the resolver,
 * so its recovery does too: after eu is back (a 2 s outage, 5 s check) the
 * resolver keeps answering eu to eu's clients, who keep half the traffic. */
static void dns_does_not_react_to_an_outage_shorter_than_its_health_check(void **state)
{
    const char *sets[] = {"faults=[{at: 20s, target: dc.eu, action: outage, duration: 2s}]",
                          "simulation.warmup=22.5s", "simulation.duration=20s", NULL};
    ss_scenario *sc = load_text(two_dc, sets);
    ss_result *r = run1(sc, 0);
    double eu = (double)comp(r, "app@eu")->rep.all.arrivals;
    double us = (double)comp(r, "app@us")->rep.all.arrivals;
    assert_near(eu / (eu + us), 0.5, 0.02);
    ss_result_free(r);
    ss_scenario_free(sc);
}

/* Two datacenters may share a region: the primary lives in the one its
 * placement names, so an outage there, not in the other, costs writes
 * until the failover (5 s) promotes the replica. */
static void database_primary_lives_in_its_placement(void **state)
{
    const char *yaml = "scalesim: 1\n"
                       "simulation: {duration: 20s, warmup: 2s}\n"
                       "workload: {rate: 200/s, requests: {w: {op: write, route: [app, db]}}}\n"
                       "datacenters: {a: {region: east}, b: {region: east}}\n"
                       "components:\n"
                       "  app: {kind: app_server, cores: 4, service: exp(1ms)}\n"
                       "  db: {kind: database, placement: b, cores: 4, service: exp(1ms),\n"
                       "       replicas: 1, failover: 5s}\n"
                       "faults: [{at: 5s, target: dc.b, action: outage, duration: 30s}]\n";
    ss_scenario *sc = load_text(yaml, NULL);
    ss_result *r = run1(sc, 0);
    /* 200 writes/s fail for the 5 s before the failover */
    assert_near((double)r->failed, 1000, 5 * sqrt(1000) + 10);
    assert_near(extra(comp(r, "db"), "failovers"), 1, 0);
    ss_result_free(r);
    ss_scenario_free(sc);
}

/* ---- CDN ---------------------------------------------------------------------- */

static const char *cdn_yaml =
    "scalesim: 1\n"
    "simulation: {duration: 60s, warmup: 0s}\n"
    "workload:\n"
    "  rate: 1000/s\n"
    "  regions: {us: 0.5, eu: 0.5}\n"
    "  keys: {count: 1, popularity: uniform}\n"
    "  requests: {static: {route: [cdn, origin], size: 100KB}}\n"
    "network: {regions: {us: {eu: 40ms}}}\n"
    "datacenters: {us: {}}\n"
    "components:\n"
    "  cdn: {kind: cdn, pops: [us, eu], capacity: 10, ttl: 1h, service: 1ms, neighbours: true}\n"
    "  origin: {kind: app_server, cores: 100, service: 50ms}\n";

static double share(const ss_result *r, const char *what) { return extra(comp(r, "cdn"), what); }

/* Only reads are cacheable: a write through the CDN always reaches the
 * origin (50 ms), and does not fill the edge for the reads. */
static void cdn_passes_writes_to_the_origin(void **state)
{
    const char *sets[] = {"workload.requests={w: {op: write, route: [cdn, origin]}}", NULL};
    ss_scenario *sc = load_text(cdn_yaml, sets);
    ss_result *r = run1(sc, 0);
    assert_true(r->ok > 50000);
    /* all of them, but those still in flight at the end */
    assert_near((double)comp(r, "origin")->rep.all.arrivals, (double)r->ok, 200);
    assert_true(r->fig[SS_FIG_P50_MS] > 50);
    ss_result_free(r);
    ss_scenario_free(sc);
}

/* One key, 500 requests/s at each edge, 40 ms between them. A miss asks
 * the other edge first (40 ms there, 40 back) and only then the origin
 * (50 ms), so us is first filled at 1 + 80 + 50 = 131 ms: its ~65 lookups
 * before that all fetch from the origin. eu's questions that reach us after
 * 131 ms (eu lookups from 90 ms on) hit there, and the first answer, back
 * at 171 ms, fills eu: ~40 neighbour hits; eu's ~45 earlier lookups fetch
 * from the origin. From then on every request is an edge hit. */
static void cdn_neighbour_lookup_fills_the_local_edge(void **state)
{
    ss_scenario *sc = load_text(cdn_yaml, NULL);
    ss_result *r = run1(sc, 0);
    double n = (double)comp(r, "cdn")->rep.all.arrivals;
    double nbr = share(r, "neighbour_hit_share") * n, origin = share(r, "origin_share") * n;
    printf("  one key: %.0f lookups, %.0f neighbour hits, %.0f origin fetches\n", n, nbr, origin);
    /* us fetches from the origin (50 ms: ~25 requests overlap at 500/s);
     * eu's first misses find it at us and fill eu; then only edge hits */
    assert_near(nbr, 40, 15);
    assert_near(origin, 110, 25);
    assert_near(share(r, "edge_hit_share") + share(r, "neighbour_hit_share") +
                    share(r, "origin_share"), 1, 1e-3);
    assert_true(share(r, "edge_hit_share") > 0.99);
    /* egress: every answer's 100 KB */
    assert_near(share(r, "egress_gb"), n * 100e3 / 1e9, 0.001 * n * 100e3 / 1e9 + 0.001);
    ss_result_free(r);
    ss_scenario_free(sc);
}

/* Many keys, short TTL: with neighbours some misses become neighbour hits;
 * without, they all go to the origin, and the edge hit share is the same. */
static void cdn_without_neighbours_sends_those_misses_to_the_origin(void **state)
{
    const char *on[] = {"workload.keys={count: 2000, popularity: zipf(0.9)}",
                        "components.cdn.ttl=20s", "components.cdn.capacity=1000",
                        "simulation.warmup=20s", NULL};
    const char *off[] = {"workload.keys={count: 2000, popularity: zipf(0.9)}",
                         "components.cdn.ttl=20s", "components.cdn.capacity=1000",
                         "simulation.warmup=20s", "components.cdn.neighbours=false", NULL};
    ss_scenario *a = load_text(cdn_yaml, on), *b = load_text(cdn_yaml, off);
    ss_result *ra = run1(a, 0), *rb = run1(b, 0);
    printf("  neighbours on:  edge %.4f neighbour %.4f origin %.4f\n",
           share(ra, "edge_hit_share"), share(ra, "neighbour_hit_share"), share(ra, "origin_share"));
    printf("  neighbours off: edge %.4f neighbour %.4f origin %.4f\n",
           share(rb, "edge_hit_share"), share(rb, "neighbour_hit_share"), share(rb, "origin_share"));
    assert_true(share(ra, "neighbour_hit_share") > 0.02);
    assert_near(share(rb, "neighbour_hit_share"), 0, 0);
    assert_true(share(rb, "origin_share") > share(ra, "origin_share") + 0.02);
    /* the origin sees what the edges did not answer (but for the fetches
     * on the wire at either end of the window: ~200/s for ~50 ms) */
    assert_near((double)comp(rb, "origin")->rep.all.arrivals,
                share(rb, "origin_share") * (double)comp(rb, "cdn")->rep.all.arrivals, 25);
    ss_result_free(ra);
    ss_result_free(rb);
    ss_scenario_free(a);
    ss_scenario_free(b);
}

/* A copy fetched from a neighbour keeps its age: it expires when the
 * original does. One key, two edges asking each other, TTL 1 s, nearly
 * all users at us, so eu's edge is filled from us's: every second both
 * copies expire together and the next requests go to the origin, so
 * 600 s make 600 origin fetches. A copy stored as new outlives
 * the original, refills it when it expires, and is refilled from it in
 * turn: the two edges pass the first second's origin fetches back and
 * forth, so the origin sees a tenth of the fetches (60 in the old code). */
static void cdn_neighbour_copy_keeps_its_age(void **state)
{
    /* latencies far below the gaps between requests, so that no request
     * misses while another one's fetch is on its way */
    const char *sets[] = {"components.cdn.ttl=1s", "simulation.duration=600s",
                          "workload.regions={us: 0.99, eu: 0.01}",
                          "network.regions={us: {eu: 10us}}", "components.cdn.service=10us",
                          "components.origin.service=10us", NULL};
    ss_scenario *sc = load_text(cdn_yaml, sets);
    ss_result *r = run1(sc, 0);
    const ss_comp_result *c = comp(r, "cdn");
    double origin = extra(c, "origin_share") * (double)c->rep.all.arrivals;
    printf("  origin fetches in 600 s: %.0f\n", origin);
    assert_true(origin > 590 && origin < 700); /* the share is printed to 4 places */
    assert_true(extra(c, "neighbour_hit_share") > 0);
    ss_result_free(r);
    ss_scenario_free(sc);
}

/* A CDN with one region and no neighbours is a TTL cache: its hit ratio is
 * step 2's sum_k p_k lambda_k T / (1 + lambda_k T) (see test_data_tier.c). */
static void cdn_single_edge_matches_ttl_cache_theory(void **state)
{
    const char *yaml = "scalesim: 1\n"
                       "simulation: {duration: 100s, warmup: 100s}\n"
                       "workload:\n"
                       "  rate: 2000/s\n"
                       "  keys: {count: 1000, popularity: zipf(0.8)}\n"
                       "  requests: {r: {route: [cdn, origin]}}\n"
                       "components:\n"
                       "  cdn: {kind: cdn, capacity: 1M, ttl: 2s, service: 0s}\n"
                       "  origin: {kind: app_server, cores: 1000, service: 0s}\n";
    ss_scenario *sc = load_text(yaml, NULL);
    enum { REPS = 8 };
    double x[REPS];
    for (int i = 0; i < REPS; i++) {
        ss_result *r = run1(sc, (unsigned)i);
        x[i] = CSTAT(comp(r, "cdn"), HIT_RATIO);
        ss_result_free(r);
    }
    double norm = 0, h = 0, T = 2;
    for (int k = 1; k <= 1000; k++)
        norm += pow(k, -0.8);
    for (int k = 1; k <= 1000; k++) {
        double p = pow(k, -0.8) / norm, lt = 2000 * p * T;
        h += p * lt / (1 + lt);
    }
    double mean = gsl_stats_mean(x, 1, REPS);
    double half = gsl_cdf_tdist_Pinv(0.9995, REPS - 1) * gsl_stats_sd(x, 1, REPS) / sqrt(REPS);
    printf("  single edge hit ratio: theory %.5f  simulated %.5f +- %.5f\n", h, mean, half);
    assert_near(mean, h, half);
    assert_true(half < 0.005);
    ss_scenario_free(sc);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(dns_resolutions_match_ttl_arithmetic),
        cmocka_unit_test(dns_query_rate_holds_from_the_first_second),
        cmocka_unit_test(outage_cost_does_not_depend_on_its_start),
        cmocka_unit_test(cdn_neighbour_copy_keeps_its_age),
        cmocka_unit_test(geo_routing_picks_the_nearest_datacenter),
        cmocka_unit_test(cross_region_write_pays_the_matrix_latency),
        cmocka_unit_test(outage_errors_stop_within_ttl_plus_health_check),
        cmocka_unit_test(dns_does_not_react_to_an_outage_shorter_than_its_health_check),
        cmocka_unit_test(cdn_passes_writes_to_the_origin),
        cmocka_unit_test(database_primary_lives_in_its_placement),
        cmocka_unit_test(cdn_neighbour_lookup_fills_the_local_edge),
        cmocka_unit_test(cdn_without_neighbours_sends_those_misses_to_the_origin),
        cmocka_unit_test(cdn_single_edge_matches_ttl_cache_theory),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
