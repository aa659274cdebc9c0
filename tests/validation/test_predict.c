/*
 * tests/validation/test_predict.c -- the --theory columns (SPEC 9):
 * ss_predict_eval's figures against the formulas worked out here by hand
 * for M/M/c, M/M/c/K, a Jackson tandem and a closed network, and against
 * what the simulation measures (inside the 99.9% interval of R fixed-seed
 * replications, as in test_theory.c); and the notes where theory does not
 * apply.
 */
#include "ss_run_helpers.h"

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_statistics_double.h>

#include "predict.h"
#include "theory.h"

#define REPS 8

typedef struct reps {
    ss_result *r[REPS];
} reps;

static void run_reps(const ss_scenario *sc, reps *out) { run_replications(sc, REPS, out->r); }
static void free_reps(reps *rs) { free_results(rs->r, REPS); }

/* The prediction must be inside the replications' 99.9% interval. */
static void inside(const reps *rs, double (*f)(const ss_result *, int), int comp, double theory,
                   const char *what)
{
    double x[REPS];
    for (int i = 0; i < REPS; i++)
        x[i] = f(rs->r[i], comp);
    double mean = gsl_stats_mean(x, 1, REPS);
    double half = gsl_cdf_tdist_Pinv(0.9995, REPS - 1) * gsl_stats_sd(x, 1, REPS) / sqrt(REPS);
    printf("  %-30s theory %10.5g  simulated %10.5g +- %.3g\n", what, theory, mean, half);
    if (fabs(mean - theory) > half) {
        print_error("%s: theory %g outside %g +- %g\n", what, theory, mean, half);
        fail();
    }
}

static double util(const ss_result *r, int c) { return CSTAT(&r->comps[c], UTIL); }
static double wait_ms(const ss_result *r, int c) { return CSTAT(&r->comps[c], MEAN_WAIT_MS); }
static double p95_wait_ms(const ss_result *r, int c) { return CSTAT(&r->comps[c], P95_WAIT_MS); }
static double mean_ms(const ss_result *r, int c) { (void)c; return r->fig[SS_FIG_MEAN_MS]; }
static double thru(const ss_result *r, int c) { (void)c; return r->fig[SS_FIG_THROUGHPUT_RPS]; }

/* M/M/4 at 3200/s, 1 ms: a = 3.2, C(4, 3.2) from B(4, 3.2) by the
 * recursion; Wq = C/(c mu - lambda), its 95% point ln(C/0.05)/(c mu - lambda). */
static void mmc_columns_are_erlang_c(void **state)
{
    (void)state;
    const char *sets[] = {"workload.rate=3200/s", "components.server.cores=4", NULL};
    ss_scenario *sc = load_file("tests/validation/station.yaml", sets);
    reps rs;
    run_reps(sc, &rs);
    ss_theory_pred *p = ss_predict_eval(sc, rs.r[0]);
    const ss_theory_station *st = ss_theory_find(p, "server");
    assert_non_null(st);
    double a = 3.2, b = 1;
    for (int k = 1; k <= 4; k++)
        b = a * b / (k + a * b);
    double C = 4 * b / (4 - a * (1 - b)), wq = C / 800;
    assert_string_equal(st->model, "M/M/c");
    assert_string_equal(st->note, "");
    assert_true(st->exact);
    assert_near(st->fig[SS_THEORY_UTIL], 0.8, 1e-12);
    assert_near(st->fig[SS_THEORY_MEAN_WAIT_MS], wq * 1e3, 1e-9);
    assert_near(st->fig[SS_THEORY_P95_WAIT_MS], log(C / 0.05) / 800 * 1e3, 1e-9);
    assert_near(p->sum[SS_THEORY_SUM_MEAN_MS], (wq + 1e-3) * 1e3, 1e-9);
    assert_near(p->sum[SS_THEORY_SUM_THROUGHPUT_RPS], 3200, 1e-9);
    inside(&rs, util, 0, st->fig[SS_THEORY_UTIL], "M/M/4 util");
    inside(&rs, wait_ms, 0, st->fig[SS_THEORY_MEAN_WAIT_MS], "M/M/4 mean wait (ms)");
    inside(&rs, p95_wait_ms, 0, st->fig[SS_THEORY_P95_WAIT_MS], "M/M/4 P95 wait (ms)");
    inside(&rs, mean_ms, 0, p->sum[SS_THEORY_SUM_MEAN_MS], "M/M/4 mean response (ms)");
    ss_theory_pred_free(p);
    free_reps(&rs);
    ss_scenario_free(sc);
}

/* M/M/2/5 (two cores, three waiting places) at a = 2: p_n ~ 1, 2, 2, 2,
 * 2, 2, so blocking 2/11, Lq = (1 + 2 + 3) 2/11 = 12/11 over the admitted
 * 2000 x 9/11 per second; the answered rate is that admitted rate. */
static void mmck_columns_are_the_stationary_distribution(void **state)
{
    (void)state;
    const char *sets[] = {"workload.rate=2000/s", "components.server.cores=2",
                          "components.server.queue=3", NULL};
    ss_scenario *sc = load_file("tests/validation/station.yaml", sets);
    reps rs;
    run_reps(sc, &rs);
    ss_theory_pred *p = ss_predict_eval(sc, rs.r[0]);
    const ss_theory_station *st = ss_theory_find(p, "server");
    assert_string_equal(st->model, "M/M/c/K");
    assert_true(st->exact);
    double admitted = 2000 * 9.0 / 11;
    assert_near(st->fig[SS_THEORY_MEAN_WAIT_MS], (12.0 / 11) / admitted * 1e3, 1e-9);
    assert_near(st->fig[SS_THEORY_UTIL], (2.0 + 4 * 2 * 2) / 11 / 2, 1e-12);
    assert_near(p->sum[SS_THEORY_SUM_THROUGHPUT_RPS], admitted, 1e-6);
    inside(&rs, util, 0, st->fig[SS_THEORY_UTIL], "M/M/2/5 util");
    inside(&rs, wait_ms, 0, st->fig[SS_THEORY_MEAN_WAIT_MS], "M/M/2/5 mean wait (ms)");
    inside(&rs, thru, 0, p->sum[SS_THEORY_SUM_THROUGHPUT_RPS], "M/M/2/5 throughput (1/s)");
    ss_theory_pred_free(p);
    free_reps(&rs);
    ss_scenario_free(sc);
}

/* The tandem: a sees 600/s (rho 0.6), b 360/s at 2 ms (0.72), c 240/s at
 * 2.5 ms (0.6); M/M/1 waits rho S/(1 - rho); the mean response adds
 * each route's waits and services, weighted 60/40. */
static void tandem_columns_add_up_along_routes(void **state)
{
    (void)state;
    ss_scenario *sc = load_file("tests/validation/tandem.yaml", NULL);
    reps rs;
    run_reps(sc, &rs);
    ss_theory_pred *p = ss_predict_eval(sc, rs.r[0]);
    static const char *const names[] = {"a", "b", "c"};
    const double rho[] = {0.6, 0.72, 0.6}, s_ms[] = {1, 2, 2.5};
    for (int i = 0; i < 3; i++) {
        const ss_theory_station *st = ss_theory_find(p, names[i]);
        double w = rho[i] * s_ms[i] / (1 - rho[i]);
        assert_near(st->fig[SS_THEORY_UTIL], rho[i], 1e-12);
        assert_near(st->fig[SS_THEORY_MEAN_WAIT_MS], w, 1e-9);
        char what[64];
        snprintf(what, sizeof what, "tandem %s mean wait (ms)", names[i]);
        inside(&rs, wait_ms, i, w, what);
    }
    double wa = 1.5, wb = 0.72 * 2 / 0.28, wc = 0.6 * 2.5 / 0.4;
    double mean = 1 + wa + 0.6 * (2 + wb) + 0.4 * (2.5 + wc);
    assert_near(p->sum[SS_THEORY_SUM_MEAN_MS], mean, 1e-9);
    inside(&rs, mean_ms, 0, mean, "tandem mean response (ms)");
    ss_theory_pred_free(p);
    free_reps(&rs);
    ss_scenario_free(sc);
}

/* The closed network: exact MVA by hand (the recursion of test_theory.c,
 * written out again here, not through the module), and the columns its
 * throughput gives: util X D, residence D (1 + Q(N-1)) less D. */
static void closed_columns_are_exact_mva(void **state)
{
    (void)state;
    ss_scenario *sc = load_file("tests/validation/closed.yaml", NULL);
    reps rs;
    run_reps(sc, &rs);
    ss_theory_pred *p = ss_predict_eval(sc, rs.r[0]);
    double d[2] = {0.005, 0.008}, q[2] = {0, 0}, r[2] = {0, 0}, x = 0;
    for (int n = 1; n <= 30; n++) {
        for (int k = 0; k < 2; k++)
            r[k] = d[k] * (1 + q[k]);
        x = n / (0.100 + r[0] + r[1]);
        for (int k = 0; k < 2; k++)
            q[k] = x * r[k];
    }
    assert_near(p->sum[SS_THEORY_SUM_THROUGHPUT_RPS], x, 1e-9);
    assert_near(p->sum[SS_THEORY_SUM_MEAN_MS], (r[0] + r[1]) * 1e3, 1e-9);
    static const char *const names[] = {"cpu", "disk"};
    for (int k = 0; k < 2; k++) {
        const ss_theory_station *st = ss_theory_find(p, names[k]);
        assert_string_equal(st->model, "MVA");
        assert_true(st->exact);
        assert_near(st->fig[SS_THEORY_UTIL], x * d[k], 1e-12);
        assert_near(st->fig[SS_THEORY_MEAN_WAIT_MS], (r[k] - d[k]) * 1e3, 1e-9);
        char what[64];
        snprintf(what, sizeof what, "MVA %s util", names[k]);
        inside(&rs, util, k, x * d[k], what);
    }
    inside(&rs, thru, 0, x, "MVA throughput (1/s)");
    inside(&rs, mean_ms, 0, (r[0] + r[1]) * 1e3, "MVA mean response (ms)");
    ss_theory_pred_free(p);
    free_reps(&rs);
    ss_scenario_free(sc);
}

/* A cache passes on its simulated misses: the database behind it is
 * offered (1 - hit) of the reads. Replicas have no model: a note, no
 * figures, and what the route reaches past them is noted too; a kind
 * without a model likewise. */
static void notes_say_where_theory_does_not_apply(void **state)
{
    (void)state;
    ss_scenario *sc = load_text(
        "scalesim: 1\n"
        "simulation: {duration: 60s, warmup: 5s}\n"
        "workload:\n"
        "  rate: 2000/s\n"
        "  keys: {count: 10k, popularity: zipf(0.9)}\n"
        "  requests: {r: {op: read, route: [cache, db]}, w: {weight: 0, op: write, route: [rdb, api]}}\n"
        "components:\n"
        "  cache: {kind: cache, service: exp(0.2ms), capacity: 1k, ttl: 10s}\n"
        "  db: {kind: database, cores: 2, service: exp(1ms)}\n"
        "  rdb: {kind: database, service: exp(1ms), replicas: 1}\n"
        "  api: {kind: external, latency: exp(10ms)}\n",
        NULL);
    ss_result *res;
    assert_int_equal(ss_run(sc, NULL, &res), SS_OK);
    ss_theory_pred *p = ss_predict_eval(sc, res);
    double hit = CSTAT(&res->comps[0], HIT_RATIO);
    assert_true(hit > 0.2 && hit < 0.9);
    const ss_theory_station *db = ss_theory_find(p, "db");
    assert_near(db->fig[SS_THEORY_UTIL], 2000 * (1 - hit) * 1e-3 / 2, 1e-9);
    assert_false(ss_theory_find(p, "cache")->exact); /* its hit ratio is simulated */
    const ss_theory_station *rdb = ss_theory_find(p, "rdb");
    assert_string_equal(rdb->note, "not modelled: replicas");
    assert_true(isnan(rdb->fig[SS_THEORY_UTIL]));
    assert_string_equal(ss_theory_find(p, "api")->note, "reached past rdb");
    ss_theory_pred_free(p);
    ss_result_free(res);
    ss_scenario_free(sc);
}

/* Blocking is a fixed point over rounds: a queue bound upstream thins
 * what an overloaded broker is offered round by round, and its note must
 * say the last round's figure once, not one per round. */
static void an_overload_is_noted_once(void **state)
{
    (void)state;
    ss_scenario *sc = load_text(
        "scalesim: 1\n"
        "simulation: {duration: 5s, warmup: 1s}\n"
        "workload: {rate: 2000/s, requests: {a: {route: [app, api, q]}}}\n"
        "components:\n"
        "  app: {kind: app_server, instances: 3, cores: 2, service: exp(1ms), queue: 2}\n"
        "  api: {kind: external, latency: exp(5ms), concurrency: 4, queue: 3}\n"
        "  q: {kind: broker, publish: 1ms, consumers: {instances: 1, cores: 1, service: exp(30ms)}}\n",
        NULL);
    ss_theory_pred *p = ss_predict_eval(sc, NULL);
    const ss_theory_station *q = ss_theory_find(p, "q");
    const char *first = strstr(q->note, "overloaded");
    assert_non_null(first);
    assert_null(strstr(first + 1, "overloaded"));
    assert_true(q->fig[SS_THEORY_UTIL] > 20 && q->fig[SS_THEORY_UTIL] < 24);
    ss_theory_pred_free(p);
    ss_scenario_free(sc);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(mmc_columns_are_erlang_c),
        cmocka_unit_test(mmck_columns_are_the_stationary_distribution),
        cmocka_unit_test(tandem_columns_add_up_along_routes),
        cmocka_unit_test(closed_columns_are_exact_mva),
        cmocka_unit_test(notes_say_where_theory_does_not_apply),
        cmocka_unit_test(an_overload_is_noted_once),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
