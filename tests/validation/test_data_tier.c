/*
 * tests/validation/test_data_tier.c -- caches and replicas against theory.
 *
 * Under the independent reference model (Poisson requests, key k with
 * probability p_k, rate lambda_k = Lambda p_k):
 *  - TTL cache, insert on miss, no refresh on hit: a key alternates a miss
 *    and then a TTL T of hits, so its hit ratio is lambda_k T/(1 + lambda_k T)
 *    and the overall one is sum_k p_k lambda_k T/(1 + lambda_k T).
 *  - LRU of capacity C: Che's approximation (Che, Tung and Wang 2002): the
 *    characteristic time T_C solves sum_k (1 - e^(-lambda_k T_C)) = C and
 *    the hit ratio is sum_k p_k (1 - e^(-lambda_k T_C)).
 *  - FIFO and random eviction: the same fixed point with the TTL-like
 *    occupancy lambda_k T/(1 + lambda_k T) (Dan and Towsley 1990; Gelenbe
 *    1973): sum_k lambda_k T/(1 + lambda_k T) = C.
 * Fills are immediate here (no network, zero service time behind the
 * cache), which is what the formulas assume. Che's formula is an
 * approximation, known to be within about 1% at these sizes; the tests
 * allow that on top of the confidence interval.
 */
#include "ss_run_helpers.h"

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_errno.h>
#include <gsl/gsl_roots.h>
#include <gsl/gsl_statistics_double.h>

#include "keys.h"

#define REPS 8

typedef struct irm {
    double lambda;   /* total read rate */
    double s;        /* zipf exponent */
    int n;           /* keys */
    double *p;       /* popularity */
    double C;        /* capacity */
    int lru;         /* 1: Che (LRU), 0: FIFO/random fixed point */
} irm;

static void irm_init(irm *m, double lambda, int n, double s)
{
    m->lambda = lambda;
    m->n = n;
    m->s = s;
    m->p = malloc((size_t)n * sizeof *m->p);
    ss_keys k = {(uint64_t)n, SS_POP_ZIPF, s};
    ss_keygen g;
    ss_keygen_init(&g, &k);
    double norm = 0;
    for (int i = 0; i < n; i++)
        norm += pow(i + 1, -s);
    for (int i = 0; i < n; i++)
        m->p[i] = pow(i + 1, -s) / norm;
    /* the sampler's exact pmf agrees with the one used here */
    assert_near(ss_keygen_pmf(&g, 0), m->p[0], 1e-12);
}

static double ttl_hit_ratio(const irm *m, double T)
{
    double h = 0;
    for (int i = 0; i < m->n; i++) {
        double x = m->lambda * m->p[i] * T;
        h += m->p[i] * x / (1 + x);
    }
    return h;
}

static double occupancy(double T, void *vm)
{
    const irm *m = vm;
    double sum = 0;
    for (int i = 0; i < m->n; i++) {
        double x = m->lambda * m->p[i] * T;
        sum += m->lru ? -expm1(-x) : x / (1 + x);
    }
    return sum - m->C;
}

/* The characteristic time, by GSL's Brent solver. */
static double characteristic_time(irm *m)
{
    gsl_function f = {occupancy, m};
    gsl_root_fsolver *s = gsl_root_fsolver_alloc(gsl_root_fsolver_brent);
    double lo = 1e-9, hi = 1;
    while (occupancy(hi, m) < 0)
        hi *= 2;
    gsl_root_fsolver_set(s, &f, lo, hi);
    double root = hi;
    for (int it = 0; it < 200; it++) {
        gsl_root_fsolver_iterate(s);
        root = gsl_root_fsolver_root(s);
        lo = gsl_root_fsolver_x_lower(s);
        hi = gsl_root_fsolver_x_upper(s);
        if (gsl_root_test_interval(lo, hi, 0, 1e-12) == GSL_SUCCESS)
            break;
    }
    gsl_root_fsolver_free(s);
    return root;
}

static double capacity_hit_ratio(irm *m)
{
    double T = characteristic_time(m), h = 0;
    for (int i = 0; i < m->n; i++) {
        double x = m->lambda * m->p[i] * T;
        h += m->p[i] * (m->lru ? -expm1(-x) : x / (1 + x));
    }
    return h;
}

static const char *cache_yaml =
    "scalesim: 1\n"
    "simulation: {duration: 100s, warmup: 20s, seed: 4}\n"
    "workload:\n"
    "  rate: 2000/s\n"
    "  keys: {count: 1000, popularity: zipf(0.8)}\n"
    "  requests: {r: {op: read, route: [cache, db]}}\n"
    "components:\n"
    "  cache: {kind: cache, service: 0s, cores: 1000, capacity: 1M, ttl: 2s}\n"
    "  db: {kind: database, cores: 1000, service: 0s}\n";

static void hit_ratio_ci(const ss_scenario *sc, double *mean, double *half)
{
    double x[REPS];
    for (int i = 0; i < REPS; i++) {
        ss_result *r = run1(sc, (unsigned)i);
        x[i] = CSTAT(comp(r, "cache"), HIT_RATIO);
        ss_result_free(r);
    }
    *mean = gsl_stats_mean(x, 1, REPS);
    *half = gsl_cdf_tdist_Pinv(0.9995, REPS - 1) * gsl_stats_sd(x, 1, REPS) / sqrt(REPS);
}

static void ttl_cache_hit_ratio_matches_theory(void **state)
{
    static const char *const ttls[] = {"100ms", "500ms", "2s", "10s"};
    static const double T[] = {0.1, 0.5, 2, 10};
    irm m;
    irm_init(&m, 2000, 1000, 0.8);
    for (int i = 0; i < 4; i++) {
        char set[64];
        snprintf(set, sizeof set, "components.cache.ttl=%s", ttls[i]);
        /* a key's miss/hit cycles form a renewal process that starts
         * empty: warm up over many cycles of the rarest keys */
        const char *sets[] = {set, "simulation.warmup=100s", NULL};
        ss_scenario *sc = load_text(cache_yaml, sets);
        double mean, half, theory = ttl_hit_ratio(&m, T[i]);
        hit_ratio_ci(sc, &mean, &half);
        printf("  TTL %-6s hit ratio: theory %.5f  simulated %.5f +- %.5f\n", ttls[i], theory,
               mean, half);
        assert_near(mean, theory, half);
        assert_true(half < 0.005);
        ss_scenario_free(sc);
    }
    free(m.p);
}

static void check_capacity(const char *eviction, int lru)
{
    irm m;
    irm_init(&m, 2000, 10000, 0.8);
    m.C = 500;
    m.lru = lru;
    char set[64];
    snprintf(set, sizeof set, "components.cache.eviction=%s", eviction);
    const char *sets[] = {"workload.keys.count=10000", "components.cache.capacity=500",
                          "components.cache.ttl=0s", set, NULL};
    ss_scenario *sc = load_text(cache_yaml, sets);
    double mean, half, theory = capacity_hit_ratio(&m);
    hit_ratio_ci(sc, &mean, &half);
    printf("  %-6s C=500 hit ratio: approximation %.5f  simulated %.5f +- %.5f\n", eviction,
           theory, mean, half);
    /* the approximation's own error (about 1% relative here) plus the CI */
    assert_near(mean, theory, half + 0.01 * theory);
    assert_true(half < 0.005);
    ss_scenario_free(sc);
    free(m.p);
}

static void lru_hit_ratio_matches_che_approximation(void **state) { check_capacity("lru", 1); }
static void fifo_hit_ratio_matches_fixed_point(void **state) { check_capacity("fifo", 0); }
static void random_hit_ratio_matches_fixed_point(void **state) { check_capacity("random", 0); }

/* ---- replicas -----------------------------------------------------------------
 * Writes of key k arrive as a Poisson process of rate w_k; each reaches a
 * replica after the lag L (and a zero apply time here). At a read's time
 * the writes of its key not yet applied at the replica are those of the
 * last L seconds: an M/G/infinity population with mean w_k E[L], empty with
 * probability exp(-w_k E[L]) whatever the lag's distribution. Reads come
 * independently of writes (PASTA), so the stale share of reads of key k is
 * 1 - exp(-w_k E[L]); with uniform keys every key has w_k = W/n.
 * With read_from: any, reads spread uniformly over the primary and the
 * local replicas: the replica share is R/(R + 1). */
static const char *repl_yaml =
    "scalesim: 1\n"
    "simulation: {duration: 100s, warmup: 10s, seed: 9}\n"
    "workload:\n"
    "  rate: 1100/s\n"
    "  keys: {count: 100, popularity: uniform}\n"
    "  requests:\n"
    "    read: {weight: 10, op: read, route: [db]}\n"
    "    write: {weight: 1, op: write, route: [db]}\n"
    "components:\n"
    "  db: {kind: database, cores: 1000, service: 0s, replicas: 1, read_from: replicas,\n"
    "       replication: {lag: 100ms, apply: 0s}}\n";

static void stale_read_ratio_matches_poisson_writes_and_lag(void **state)
{
    static const char *const lags[] = {"const(100ms)", "exp(100ms)", "const(500ms)"};
    static const double mean_lag[] = {0.1, 0.1, 0.5};
    for (int k = 0; k < 3; k++) {
        char set[80];
        snprintf(set, sizeof set, "components.db.replication.lag=%s", lags[k]);
        const char *sets[] = {set, NULL};
        ss_scenario *sc = load_text(repl_yaml, sets);
        double x[REPS];
        for (int i = 0; i < REPS; i++) {
            ss_result *r = run1(sc, (unsigned)i);
            const ss_comp_result *db = comp(r, "db");
            x[i] = extra(db, "stale_read_ratio");
            assert_near(extra(db, "replica_read_share"), 1.0, 0);
            ss_result_free(r);
        }
        double w = 100.0 / 100; /* 100 writes/s over 100 keys */
        double theory = -expm1(-w * mean_lag[k]);
        double mean = gsl_stats_mean(x, 1, REPS);
        double half = gsl_cdf_tdist_Pinv(0.9995, REPS - 1) * gsl_stats_sd(x, 1, REPS) / sqrt(REPS);
        printf("  lag %-13s stale reads: theory %.5f  simulated %.5f +- %.5f\n", lags[k],
               theory, mean, half);
        assert_near(mean, theory, half);
        assert_true(half < 0.1 * theory);
        ss_scenario_free(sc);
    }
}

static void replica_read_share_follows_read_from(void **state)
{
    const char *sets_any[] = {"components.db.read_from=any", "components.db.replicas=3", NULL};
    ss_scenario *sc = load_text(repl_yaml, sets_any);
    ss_result *r = run1(sc, 0);
    double n = extra(comp(r, "db"), "reads");
    assert_near(extra(comp(r, "db"), "replica_read_share"), 0.75, 5 * sqrt(0.75 * 0.25 / n));
    ss_result_free(r);
    ss_scenario_free(sc);
    const char *sets_primary[] = {"components.db.read_from=primary", NULL};
    sc = load_text(repl_yaml, sets_primary);
    r = run1(sc, 0);
    assert_near(extra(comp(r, "db"), "replica_read_share"), 0, 0);
    assert_near(extra(comp(r, "db"), "stale_read_ratio"), 0, 0);
    ss_result_free(r);
    ss_scenario_free(sc);
}

int main(void)
{
    gsl_set_error_handler_off();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(ttl_cache_hit_ratio_matches_theory),
        cmocka_unit_test(lru_hit_ratio_matches_che_approximation),
        cmocka_unit_test(fifo_hit_ratio_matches_fixed_point),
        cmocka_unit_test(random_hit_ratio_matches_fixed_point),
        cmocka_unit_test(stale_read_ratio_matches_poisson_writes_and_lag),
        cmocka_unit_test(replica_read_share_follows_read_from),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
