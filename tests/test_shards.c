/*
 * tests/test_shards.c -- splitting a database's keys over shards.
 */
#include "ss_run_helpers.h"

static const char *yaml =
    "scalesim: 1\n"
    "simulation: {duration: 100s, warmup: 5s}\n"
    "workload:\n"
    "  rate: 4000/s\n"
    "  keys: {count: 1M, popularity: uniform}\n"
    "  requests:\n"
    "    read: {weight: 9, op: read, route: [db]}\n"
    "    write: {weight: 1, op: write, route: [db]}\n"
    "components:\n"
    "  db: {kind: database, cores: 16, service: exp(1ms), shards: 8, partitioning: hash,\n"
    "       replicas: 1, read_from: replicas, failover: 10s}\n";

/* The loads per shard: the typed shard_load list, read as it is kept. */
static int shard_loads(const ss_comp_result *db, double *loads)
{
    for (int i = 0; i < db->rep.n_kf; i++)
        if (strcmp(db->kf_names[i], "shard_load") == 0) {
            const ss_kfig *k = &db->rep.kf[i];
            assert_true(k->set);
            for (int s = 0; s < k->n_list; s++)
                loads[s] = k->list[s];
            return k->n_list;
        }
    fail();
    return 0;
}

/* Hash partitioning over uniform keys: each of 8 shards gets an eighth of
 * the ~400k requests, within 5 binomial standard deviations. */
static void hash_over_uniform_keys_balances_shards(void **state)
{
    ss_scenario *sc = load_text(yaml, NULL);
    ss_result *r = run1(sc, 0);
    double loads[16];
    int n = shard_loads(comp(r, "db"), loads);
    assert_int_equal(n, 8);
    double total = 0;
    for (int i = 0; i < n; i++)
        total += loads[i];
    for (int i = 0; i < n; i++)
        assert_near(loads[i], total / 8, 5 * sqrt(total / 8 * 7 / 8));
    assert_true(extra(comp(r, "db"), "shard_skew") < 1.02);
    ss_result_free(r);
    ss_scenario_free(sc);
}

/* A class with more keys than the workload: the ranges split the larger
 * key space, so uniform keys still spread evenly over range shards. */
static void range_splits_the_largest_key_space(void **state)
{
    const char *sets[] = {"workload.keys.count=1000",
                          "workload.requests.read.keys={count: 100k, popularity: uniform}",
                          "workload.requests.write.keys={count: 100k, popularity: uniform}",
                          "components.db.partitioning=range", NULL};
    ss_scenario *sc = load_text(yaml, sets);
    ss_result *r = run1(sc, 0);
    assert_true(extra(comp(r, "db"), "shard_skew") < 1.02);
    ss_result_free(r);
    ss_scenario_free(sc);
}

/* Range partitioning over zipf(s) keys: shard j holds keys [jK/N,
 * (j+1)K/N), and key k is drawn with probability (k+1)^-s / H(K, s), so
 * shard 0's share is H(K/N, s) / H(K, s) and the skew (busiest over mean)
 * is N times that. For K = 1M, s = 0.99, N = 8: computed below. Hash
 * partitioning of the same keys spreads the hot ones. */
static void range_over_zipf_keys_has_the_derived_skew(void **state)
{
    const char *range[] = {"workload.keys.popularity=zipf(0.99)",
                           "components.db.partitioning=range", NULL};
    ss_scenario *sc = load_text(yaml, range);
    ss_result *r = run1(sc, 0);
    double h_all = 0, h_first = 0;
    for (int k = 1000000; k >= 1; k--) {
        h_all += pow(k, -0.99);
        if (k <= 125000)
            h_first += pow(k, -0.99);
    }
    double skew = 8 * h_first / h_all;
    double got = extra(comp(r, "db"), "shard_skew");
    printf("  range over zipf(0.99): skew %.4f, derived %.4f\n", got, skew);
    /* the busiest shard's share is a binomial proportion of ~400k */
    assert_near(got, skew, 5 * 8 * sqrt(h_first / h_all * (1 - h_first / h_all) / 400000));
    ss_result_free(r);
    ss_scenario_free(sc);
    const char *hashed[] = {"workload.keys.popularity=zipf(0.99)", NULL};
    sc = load_text(yaml, hashed);
    r = run1(sc, 0);
    double hs = extra(comp(r, "db"), "shard_skew");
    /* hashing spreads keys, not a single hot key: key 0 alone (p0 = 5.5%)
     * lands whole on one shard, which then carries at least p0 + the
     * eighth of the rest: skew >= 8 (p0 + (1 - p0)/8) = 1 + 7 p0 */
    double p0 = 1 / h_all;
    printf("  hash over zipf(0.99): skew %.4f (at least %.4f)\n", hs, 1 + 7 * p0);
    assert_true(hs < skew / 2);
    assert_true(hs > 1 + 7 * p0 - 0.02);
    ss_result_free(r);
    ss_scenario_free(sc);
}

/* A crash of shard 3's primary (db[3]) fails the writes of shard 3 only,
 * until its replica is promoted (10 s); other shards' writes and all
 * reads go on. */
static void crashed_shard_primary_fails_only_its_writes(void **state)
{
    const char *fault[] = {"faults=[{at: 20s, target: \"db[3]\", action: crash}]", NULL};
    ss_scenario *sc = load_text(yaml, fault);
    ss_result *r = run1(sc, 0);
    const ss_class_result *reads = &r->classes[0], *writes = &r->classes[1];
    assert_int_equal(reads->failed, 0);
    /* 400 writes/s, an eighth of them to shard 3, for 10 s: 500 */
    assert_near((double)writes->failed, 500, 5 * sqrt(500) + 5);
    assert_near(extra(comp(r, "db"), "failovers"), 1, 0);
    ss_result_free(r);
    ss_scenario_free(sc);
}

/* Shards with datacenters: each shard's primary lives in the placement
 * datacenter and its replicas in each, as without shards. */
static void shards_work_with_datacenters(void **state)
{
    const char *dcs[] = {"workload.regions={a: 0.5, b: 0.5}", "network.regions={a: {b: 30ms}}",
                         "datacenters={a: {}, b: {}}", "components.db.placement=a", NULL};
    ss_scenario *sc = load_text(yaml, dcs);
    ss_result *r = run1(sc, 0);
    const ss_comp_result *db = comp(r, "db");
    /* 8 shards x (1 primary + 1 replica in each of 2 datacenters) */
    assert_int_equal(db->rep.n_rows, 8 * 3);
    assert_near(extra(db, "replica_read_share"), 1, 0);
    assert_int_equal(r->failed, 0);
    ss_result_free(r);
    ss_scenario_free(sc);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(hash_over_uniform_keys_balances_shards),
        cmocka_unit_test(range_over_zipf_keys_has_the_derived_skew),
        cmocka_unit_test(range_splits_the_largest_key_space),
        cmocka_unit_test(crashed_shard_primary_fails_only_its_writes),
        cmocka_unit_test(shards_work_with_datacenters),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
