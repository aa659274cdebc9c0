/*
 * tests/test_plan.c -- the planner finds the optimum theory gives, on cases
 * built so that theory knows it, prunes what it may, and spends what it
 * says it spends.
 */
#include "ss_run_helpers.h"

#include "experiment.h"
#include "plan.h"
#include "scalesim/mem.h"
#include "sweep.h"
#include "predict.h"
#include "theory.h"

/* The command line's pruning: queueing theory's offered load. */
static bool theory_infeasible(void *ctx, const ss_scenario *sc, char *why, size_t why_len)
{
    (void)ctx;
    return ss_predict_overloaded(sc, why, why_len);
}

/* An open workload on one serving component with no balancer: requests go
 * to instances at random, so N instances are N independent stations at
 * lambda / N (Poisson splitting). */
static ss_plan_out plan(const char *yaml, const char *const *varies, int n_varies,
                        const char *const *slos, int n_slos, long budget, int jobs,
                        bool theory)
{
    static char *files[] = {TEST_NAME};
    const char *texts[] = {yaml};
    ss_sweep *sw = ss_calloc((size_t)n_varies, sizeof *sw);
    char err[300];
    for (int i = 0; i < n_varies; i++)
        assert_true(ss_sweep_parse(varies[i], &sw[i], err, sizeof err));
    ss_exp e = {.files = files, .n_files = 1, .texts = texts, .sweeps = sw,
                .n_sweeps = n_varies, .replications = 1, .jobs = jobs, .slos = slos,
                .n_slos = n_slos};
    ss_run_opts_init(&e.run);
    ss_diag *d = ss_diag_new();
    if (!ss_exp_check(&e, d, NULL)) {
        ss_diag_print(d, stderr);
        fail();
    }
    ss_diag_free(d);
    ss_plan p = {.budget = budget, .infeasible = theory ? theory_infeasible : NULL};
    ss_plan_out out;
    char why[600] = "";
    ss_status st = ss_plan_run(&e, &p, &out, NULL, NULL, why, sizeof why);
    if (st)
        print_error("%s\n", why);
    assert_int_equal(st, SS_OK);
    for (int i = 0; i < n_varies; i++)
        ss_sweep_release(&sw[i]);
    ss_free(sw);
    return out;
}

static const char *best_value(const ss_plan_out *out, int d)
{
    assert_true(out->best >= 0);
    return out->best_vals[d];
}

static void report(const char *what, const ss_plan_out *out)
{
    printf("  %s: %ld candidates, %ld simulated in %ld runs, pruned %ld cost %ld monotone, "
           "%ld dearer\n", what, out->n, out->evaluated, out->runs, out->pruned_cost,
           out->pruned_mono, out->dearer);
}

/* M/M/1 at lambda / N, mu = 1000/s: P95 sojourn = ln 20 / (mu - lambda/N).
 * lambda = 4000/s and P95 < 10 ms: N = 5 gives 14.98 ms, N = 6 8.99 ms;
 * theory's optimum is 6 instances. */
#define RANDOM_POOL                                                               \
    "scalesim: 1\n"                                                               \
    "simulation: {duration: 20s, warmup: 2s}\n"                                   \
    "workload: {rate: 4000/s, requests: {r: {route: [app]}}}\n"                   \
    "components: {app: {kind: app_server, instances: 1, service: exp(1ms),\n"     \
    "                   price_per_hour: 0.1}}\n"

static void random_routing_meets_p95_with_theorys_count(void **state)
{
    double mu = 1000, lambda = 4000;
    int want = 0;
    for (int n = 1; n <= 16 && !want; n++)
        if (lambda / n < mu && log(20) / (mu - lambda / n) * 1e3 < 10)
            want = n;
    assert_int_equal(want, 6);
    const char *vary[] = {"components.app.instances=1:16:1"};
    const char *slo[] = {"p95_ms<10"};
    ss_plan_out out = plan(RANDOM_POOL, vary, 1, slo, 1, 200, 2, false);
    report("random pool", &out);
    assert_string_equal(best_value(&out, 0), "6");
    /* 6 was simulated and passed, 5 failed or was pruned; 7 and up are
     * dearer: never needed */
    assert_int_equal(out.cands[5].state, SS_CAND_PASS);
    assert_true(out.cands[4].state == SS_CAND_FAIL || out.cands[4].state == SS_CAND_PRUNED_MONO);
    for (int k = 6; k < 16; k++)
        assert_true(out.cands[k].state == SS_CAND_DEARER ||
                    out.cands[k].state == SS_CAND_PASS);
    /* the bisection: far fewer simulated than the candidates below 6 */
    assert_true(out.evaluated < 6);
    assert_true(out.pruned_mono > 0);
    double p95 = out.best_row.fig[SS_FIG_P95_MS];
    printf("  chosen P95 %.3f ms (theory %.3f)\n", p95, log(20) / (mu - lambda / 6) * 1e3);
    assert_true(fabs(p95 - log(20) / (mu - lambda / 6) * 1e3) < 0.05 * 8.99);
    ss_plan_out_free(&out);
}

/* Instance types of different sizes at the same price per core (the m5
 * family: 2, 4, 8 vCPUs at $0.048 per vCPU-hour): with the same total
 * cores, fewer larger machines queue less (Erlang C pools the cores), so
 * at lambda = 6000/s, mu = 1000/s per core and mean < 1.3 ms the cheapest
 * passing configuration is one m5.2xlarge (M/M/8: 1.178 ms), not two
 * m5.xlarge (2 x M/M/4: 1.509 ms) or four m5.large (2.286 ms) at the
 * same price. Theory's optimum by enumeration, with Erlang C: */
static double erlang_c(int c, double a) { return ss_theory_erlang_c(c, a); }

#define SIZES                                                                     \
    "scalesim: 1\n"                                                               \
    "simulation: {duration: 20s, warmup: 2s}\n"                                   \
    "workload: {rate: 6000/s, requests: {r: {route: [app]}}}\n"                   \
    "components: {app: {kind: app_server, instances: 1, service: exp(1ms),\n"     \
    "                   instance_type: m5.large}}\n"                              \
    "pricing: pricing.yaml\n"

static void equal_price_per_core_prefers_the_larger_machine(void **state)
{
    static const char *types[] = {"m5.large", "m5.xlarge", "m5.2xlarge"};
    static const int cores[] = {2, 4, 8};
    double best_cost = INFINITY, best_mean = INFINITY;
    int best_t = -1, best_n = 0;
    for (int t = 0; t < 3; t++)
        for (int n = 1; n <= 8; n++) {
            double l = 6000.0 / n, a = l / 1000;
            if (a >= cores[t])
                continue;
            double mean = (1e-3 + erlang_c(cores[t], a) / (cores[t] * 1000 - l)) * 1e3;
            double cost = n * cores[t];
            if (mean < 1.3 && (cost < best_cost || (cost == best_cost && mean < best_mean))) {
                best_cost = cost;
                best_mean = mean;
                best_t = t;
                best_n = n;
            }
        }
    assert_int_equal(best_t, 2);
    assert_int_equal(best_n, 1);
    const char *vary[] = {"components.app.instance_type=m5.large,m5.xlarge,m5.2xlarge",
                          "components.app.instances=1:8:1"};
    const char *slo[] = {"mean_ms<1.3"};
    ss_plan_out out = plan(SIZES, vary, 2, slo, 1, 200, 2, false);
    report("instance sizes", &out);
    assert_string_equal(best_value(&out, 0), types[best_t]);
    char n[8];
    snprintf(n, sizeof n, "%d", best_n);
    assert_string_equal(best_value(&out, 1), n);
    printf("  chosen mean %.4f ms (theory %.4f)\n", out.best_row.fig[SS_FIG_MEAN_MS], best_mean);
    assert_true(fabs(out.best_row.fig[SS_FIG_MEAN_MS] - best_mean) < 0.03 * best_mean);
    /* the two others at the same price were simulated and failed */
    assert_int_equal(out.cands[1 * 8 + 1].state, SS_CAND_FAIL); /* 2 x m5.xlarge */
    assert_int_equal(out.cands[0 * 8 + 3].state, SS_CAND_FAIL); /* 4 x m5.large  */
    ss_plan_out_free(&out);
}

/* A cost SLO prunes before running; nothing passing gives best = -1; a
 * budget too small to decide says so; the answer is the same on one
 * thread and two. */
static void costs_budgets_and_threads(void **state)
{
    const char *vary[] = {"components.app.instances=1:16:1"};
    const char *slo[] = {"p95_ms<10", "cost_month_usd<400"};
    ss_plan_out out = plan(RANDOM_POOL, vary, 1, slo, 2, 200, 1, false);
    /* $0.1 an hour is $73 a month: 6 instances cost $438 > $400 */
    assert_int_equal(out.best, -1);
    assert_true(out.pruned_cost >= 10);
    assert_int_equal(out.cands[5].state, SS_CAND_PRUNED_COST);
    assert_non_null(strstr(out.cands[5].why, "cost_month_usd<400 fails"));
    ss_plan_out_free(&out);

    const char *slo1[] = {"p95_ms<10"};
    out = plan(RANDOM_POOL, vary, 1, slo1, 1, 3, 1, false);
    assert_true(out.budget_out);
    assert_true(out.runs <= 3);
    ss_plan_out_free(&out);

    ss_plan_out a = plan(RANDOM_POOL, vary, 1, slo1, 1, 200, 1, false);
    ss_plan_out b = plan(RANDOM_POOL, vary, 1, slo1, 1, 200, 2, false);
    assert_int_equal(a.best, b.best);
    assert_int_equal(a.runs, b.runs);
    for (long k = 0; k < a.n; k++) {
        assert_int_equal(a.cands[k].state, b.cands[k].state);
        assert_int_equal(a.cands[k].reps, b.cands[k].reps);
        assert_memory_equal(a.cands[k].fig, b.cands[k].fig, sizeof a.cands[k].fig);
    }
    ss_plan_out_free(&a);
    ss_plan_out_free(&b);
}

/* At 4000/s and 1 ms a request, up to 4 instances are offered at least
 * their capacity: theory prunes them without a run, and the answer stays 6. */
static void theory_prunes_candidates_at_utilisation_one(void **state)
{
    (void)state;
    const char *vary[] = {"components.app.instances=1:16:1"};
    const char *slo[] = {"p95_ms<10"};
    ss_plan_out out = plan(RANDOM_POOL, vary, 1, slo, 1, 200, 1, true);
    report("random pool, theory", &out);
    assert_string_equal(best_value(&out, 0), "6");
    assert_true(out.pruned_theory > 0);
    for (long k = 0; k < out.n; k++)
        if (out.cands[k].state == SS_CAND_PRUNED_THEORY) {
            assert_true(k < 4); /* instances k + 1 <= 4: utilisation >= 1 */
            assert_non_null(strstr(out.cands[k].why, "theory: utilisation"));
            assert_non_null(strstr(out.cands[k].why, " at app"));
        }
    ss_plan_out_free(&out);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(random_routing_meets_p95_with_theorys_count),
        cmocka_unit_test(theory_prunes_candidates_at_utilisation_one),
        cmocka_unit_test(equal_price_per_core_prefers_the_larger_machine),
        cmocka_unit_test(costs_budgets_and_threads),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
