/*
 * tests/test_slo.c -- service-level objectives: parsing with units, the
 * three-valued verdict, verdicts on runs whose truth is known (M/M/1), the
 * scenario's `slo:`, and --precision's replications.
 */
#include "ss_run_helpers.h"

#include "experiment.h"
#include "row.h"
#include "slo.h"
#include "slos.h"

static ss_slo parse_ok(const char *text)
{
    ss_slo s;
    char why[300] = "";
    if (!ss_slo_parse(text, &s, why, sizeof why)) {
        print_error("%s: %s\n", text, why);
        fail();
    }
    return s;
}

static void parse_fails(const char *text, const char *part)
{
    ss_slo s;
    char why[300] = "";
    assert_false(ss_slo_parse(text, &s, why, sizeof why));
    if (!strstr(why, part)) {
        print_error("%s: \"%s\" does not say \"%s\"\n", text, why, part);
        fail();
    }
}

static void limits_take_the_units_of_their_figure(void **state)
{
    ss_slo s = parse_ok("p95_ms<200");
    assert_string_equal(s.figure, "p95_ms");
    assert_int_equal(s.op, SS_SLO_LT);
    assert_true(s.limit == 200);
    assert_true(parse_ok("p95_ms <= 1.5s").limit == 1500);
    assert_string_equal(parse_ok("p95_ms <= 1.5s").text, "p95_ms<=1.5s");
    assert_true(parse_ok("classes.write.p99_ms<250ms").limit == 250);
    assert_true(fabs(parse_ok("error_rate<0.1%").limit - 0.001) < 1e-15);
    assert_true(fabs(parse_ok("availability>=99.9%").limit - 0.999) < 1e-15);
    assert_int_equal(parse_ok("availability>=99.9%").op, SS_SLO_GE);
    assert_true(parse_ok("error_rate<0.001").limit == 0.001);
    assert_true(parse_ok("cost_month_usd<5k").limit == 5000);
    assert_true(parse_ok("throughput_rps>9000/s").limit == 9000);
    assert_int_equal(parse_ok("throughput_rps>9000").op, SS_SLO_GT);
    parse_fails("p95_ms", "expected FIGURE<LIMIT");
    parse_fails("p95_ms<", "expected FIGURE<LIMIT");
    parse_fails("<200", "expected FIGURE<LIMIT");
    parse_fails("p95_ms=200", "expected FIGURE<LIMIT");
    parse_fails("p95_ms<<200", "expected FIGURE<LIMIT");
    parse_fails("p95_ms<fast", "expected milliseconds");
    parse_fails("availability>=99.9", "is a share: write 99.9%");
    parse_fails("error_rate<150%", "expected a share");
}

/* The interval decides: wholly on the good side passes, wholly on the bad
 * side fails, straddling the limit is unresolved; one run (no interval)
 * is decided by its value; a missing figure is unresolved. */
static void verdicts_come_from_the_interval(void **state)
{
    ss_slo lt = parse_ok("p95_ms<200"), ge = parse_ok("availability>=99%");
    assert_int_equal(ss_slo_verdict(&lt, 180, 10), SS_VERDICT_PASS);
    assert_int_equal(ss_slo_verdict(&lt, 195, 10), SS_VERDICT_UNRESOLVED);
    assert_int_equal(ss_slo_verdict(&lt, 205, 10), SS_VERDICT_UNRESOLVED);
    assert_int_equal(ss_slo_verdict(&lt, 215, 10), SS_VERDICT_FAIL);
    assert_int_equal(ss_slo_verdict(&lt, 199, NAN), SS_VERDICT_PASS);
    assert_int_equal(ss_slo_verdict(&lt, 200, NAN), SS_VERDICT_FAIL);
    assert_int_equal(ss_slo_verdict(&lt, 200, 0), SS_VERDICT_FAIL);
    assert_int_equal(ss_slo_verdict(&lt, NAN, NAN), SS_VERDICT_UNRESOLVED);
    assert_int_equal(ss_slo_verdict(&ge, 0.995, 0.004), SS_VERDICT_PASS);
    assert_int_equal(ss_slo_verdict(&ge, 0.992, 0.004), SS_VERDICT_UNRESOLVED);
    assert_int_equal(ss_slo_verdict(&ge, 0.98, 0.004), SS_VERDICT_FAIL);
    assert_int_equal(ss_verdict_worse(SS_VERDICT_PASS, SS_VERDICT_UNRESOLVED),
                     SS_VERDICT_UNRESOLVED);
    assert_int_equal(ss_verdict_worse(SS_VERDICT_FAIL, SS_VERDICT_UNRESOLVED), SS_VERDICT_FAIL);
    assert_int_equal(ss_verdict_worse(SS_VERDICT_NONE, SS_VERDICT_PASS), SS_VERDICT_PASS);
}

/* M/M/1 with mu = 1000/s at rho = 0.5: mean sojourn 2 ms exactly. Eight
 * replications judge a limit well above the truth (pass), well below
 * (fail) and at it (the interval covers the truth, so it straddles the
 * limit: unresolved). */
#define MM1 "scalesim: 1\n"                                                  \
            "simulation: {duration: 30s, warmup: 2s}\n"                      \
            "workload: {rate: 500/s, requests: {r: {route: [app]}}}\n"       \
            "components: {app: {kind: app_server, service: exp(1ms)}}\n"

static ss_verdict judge_mm1(const char *text, double *value, double *ci)
{
    ss_scenario *sc = load_text(MM1, NULL);
    ss_result *rs[8];
    for (int r = 0; r < 8; r++)
        rs[r] = run1(sc, (unsigned)r);
    ss_slo s = parse_ok(text);
    ss_slo_check c;
    ss_slo_judge(&s, (const ss_result *const *)rs, 8, &c);
    *value = c.value;
    *ci = c.ci95;
    for (int r = 0; r < 8; r++)
        ss_result_free(rs[r]);
    ss_scenario_free(sc);
    return c.verdict;
}

static void verdicts_on_runs_whose_truth_is_known(void **state)
{
    double v, ci;
    assert_int_equal(judge_mm1("mean_ms<2.3", &v, &ci), SS_VERDICT_PASS);
    printf("  M/M/1 mean %.4f +- %.4f ms (theory 2)\n", v, ci);
    assert_true(fabs(v - 2.0) <= ci);
    assert_int_equal(judge_mm1("mean_ms<1.7", &v, &ci), SS_VERDICT_FAIL);
    assert_int_equal(judge_mm1("mean_ms<2ms", &v, &ci), SS_VERDICT_UNRESOLVED);
    assert_int_equal(judge_mm1("mean_ms>=2", &v, &ci), SS_VERDICT_UNRESOLVED);
    /* P(wait) = rho = 0.5; utilisation 0.5 */
    assert_int_equal(judge_mm1("components.app.util<55%", &v, &ci), SS_VERDICT_PASS);
    assert_int_equal(judge_mm1("components.app.util<45%", &v, &ci), SS_VERDICT_FAIL);
    assert_int_equal(judge_mm1("classes.r.p99_ms<20", &v, &ci), SS_VERDICT_PASS);
}

/* `slo:` in a scenario: its items are judged after the command line's; a
 * wrong item is an error at its line and column; an unknown class or
 * figure is refused before anything runs. */
static void scenario_slos_are_checked_where_they_are(void **state)
{
    ss_scenario *sc = load_text(MM1 "slo: [p95_ms<10, 'classes.r.mean_ms <= 3']\n", NULL);
    assert_int_equal(sc->n_slo, 2);
    const char *cli[] = {"error_rate<1%", "p95_ms<10"};
    ss_exp e = {.slos = cli, .n_slos = 2};
    ss_slo s[SS_MAX_SLOS];
    int n = 0;
    assert_true(ss_exp_slos(&e, sc, s, &n, NULL, NULL));
    assert_int_equal(n, 3); /* p95_ms<10 once */
    assert_string_equal(s[0].text, "error_rate<1%");
    assert_string_equal(s[2].text, "classes.r.mean_ms<=3");
    ss_scenario_free(sc);

    static const struct { const char *slo, *says; } bad[] = {
        {"p96_ms<3", "unknown figure \"p96_ms\""},
        {"classes.x.p95_ms<3", "no request class \"x\""},
        {"classes.r.p97_ms<3", "a class has sent"},
        {"components.db.util<50%", "no component \"db\""},
        {"components.app.hits<3", "app (app_server) has no figure \"hits\""},
        /* a part written with a dot would be judged on a figure no run has */
        {"components.app.r1.util<50%", "no component \"app.r1\": a part of a component is "
                                       "written NAME[PART].FIGURE"},
        {"requests.lost<3", "requests has sent"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        char yaml[1024];
        snprintf(yaml, sizeof yaml, MM1 "slo:\n  - p95_ms<10\n  - %s\n", bad[i].slo);
        ss_diag *d = ss_diag_new();
        sc = ss_scenario_parse_with(TEST_NAME, yaml, NULL, 0, NULL, d);
        assert_non_null(sc);
        ss_exp none = {0};
        assert_false(ss_exp_slos(&none, sc, s, &n, d, NULL));
        char first[600];
        ss_diag_first(d, first, sizeof first);
        if (!strstr(first, bad[i].says) || !strstr(first, ":7:5: error: slo[1]: ")) {
            print_error("%s: got \"%s\"\n", bad[i].slo, first);
            fail();
        }
        ss_diag_free(d);
        ss_scenario_free(sc);
    }
    /* not a list, not a string */
    ss_diag *d = ss_diag_new();
    assert_null(ss_scenario_parse_with(TEST_NAME, MM1 "slo: p95_ms<3\n", NULL, 0, NULL, d));
    char first[600];
    ss_diag_first(d, first, sizeof first);
    assert_non_null(strstr(first, "slo: expected a list like [p95_ms<200"));
    ss_diag_free(d);
}

/* --precision: rows get replications until each figure's half-width is
 * within the share asked, the same on one thread or two; a cap leaves the
 * imprecise figures named. */
typedef struct got {
    int reps;
    double fig[SS_FIGS], ci[SS_FIGS];
    char imprecise[256];
    ss_verdict verdict;
} got;

static void on_row(void *ctx, ss_row *row)
{
    got *g = ctx;
    g->reps = row->n_reps;
    memcpy(g->fig, row->fig, sizeof g->fig);
    memcpy(g->ci, row->ci95, sizeof g->ci);
    snprintf(g->imprecise, sizeof g->imprecise, "%s", row->imprecise);
    g->verdict = row->verdict;
}

static got run_precise(double p, int max, int jobs, const char *slo)
{
    static char *files[] = {SS_SOURCE_DIR "/tests/validation/station.yaml"};
    const char *slos[] = {slo};
    static const ss_override rate[] = {{"workload.rate=500/s", NULL}};
    ss_exp e = {.files = files, .n_files = 1, .replications = 1, .jobs = jobs,
                .sets = rate, .n_sets = 1,
                .precision = p, .max_replications = max, .slos = slos, .n_slos = slo != NULL};
    ss_run_opts_init(&e.run);
    e.run.duration = ss_time_from_s(5);
    e.run.warmup = ss_time_from_s(1);
    got g = {0};
    ss_exp_hooks h = {.row = on_row, .ctx = &g};
    char why[600];
    long done;
    assert_int_equal(ss_exp_run(&e, &h, why, sizeof why, &done), SS_OK);
    assert_int_equal(done, g.reps);
    return g;
}

static void precision_adds_replications_until_it_is_reached(void **state)
{
    got a = run_precise(0.02, 200, 1, "mean_ms<20");
    printf("  2%% precision: %d replications, mean %.3f +- %.3f ms\n", a.reps,
           a.fig[SS_FIG_MEAN_MS], a.ci[SS_FIG_MEAN_MS]);
    assert_true(a.reps > 3);
    assert_string_equal(a.imprecise, "");
    for (int f = 0; f < SS_FIGS; f++)
        if (isfinite(a.ci[f]) && f != SS_FIG_ERROR_RATE)
            assert_true(a.ci[f] <= 0.02 * fabs(a.fig[f]) + 1e-12);
    assert_int_equal(a.verdict, SS_VERDICT_PASS);
    got b = run_precise(0.02, 200, 2, "mean_ms<20");
    assert_int_equal(a.reps, b.reps);
    assert_memory_equal(a.fig, b.fig, sizeof a.fig);
    assert_memory_equal(a.ci, b.ci, sizeof a.ci);
    /* a looser target needs fewer */
    got c = run_precise(0.1, 200, 1, NULL);
    assert_true(c.reps < a.reps);
    assert_int_equal(c.verdict, SS_VERDICT_NONE);
    /* a cap: stops there and says which figures did not get there */
    got d = run_precise(0.001, 5, 2, NULL);
    assert_int_equal(d.reps, 5);
    assert_non_null(strstr(d.imprecise, "mean_ms"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(limits_take_the_units_of_their_figure),
        cmocka_unit_test(verdicts_come_from_the_interval),
        cmocka_unit_test(verdicts_on_runs_whose_truth_is_known),
        cmocka_unit_test(scenario_slos_are_checked_where_they_are),
        cmocka_unit_test(precision_adds_replications_until_it_is_reached),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
