/*
 * tests/api/test_api.c -- the library as an embedder sees it: compiled
 * against include/ alone (no private header is on its include path) and
 * linked with the shared library. It loads from a file and from text, with
 * overrides and diagnostics, runs, reads figures by name, merges and frees,
 * and runs two scenarios in two threads at once.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <threads.h>

#include <cmocka.h>

#include "scalesim/scalesim.h"

static const char *mm1 = "scalesim: 1\n"
                         "simulation: {duration: 200s, warmup: 5s, seed: 7}\n"
                         "workload: {rate: 500/s, requests: {r: {route: [app]}}}\n"
                         "components: {app: {kind: app_server, service: exp(1ms)}}\n";

static void version_is_a_number(void **state)
{
    assert_non_null(ss_version());
    assert_true(strchr(ss_version(), '.') != NULL);
}

/* M/M/1 at rho = 0.5: mean response 2 ms; figures by name reach the
 * summary, a component, a class and a kind figure's absence (NAN). */
static void parse_run_and_read_figures(void **state)
{
    ss_diag *d = ss_diag_new();
    ss_scenario *sc = ss_scenario_parse("mm1.yaml", mm1, NULL, d);
    assert_non_null(sc);
    assert_int_equal(ss_diag_errors(d), 0);
    assert_string_equal(ss_scenario_name(sc), "mm1");
    ss_result *r = NULL;
    assert_int_equal(ss_run(sc, NULL, &r), SS_OK);
    double mean = ss_result_figure(r, "mean_ms");
    assert_true(fabs(mean - 2.0) < 0.1);
    assert_true(fabs(ss_result_figure(r, "components.app.util") - 0.5) < 0.02);
    assert_true(fabs(ss_result_figure(r, "components.app[0].util") - 0.5) < 0.02);
    assert_true(ss_result_figure(r, "classes.r.ok") > 90000);
    assert_true(isnan(ss_result_figure(r, "components.app.no_such_figure")));
    assert_true(isnan(ss_result_figure(r, "nothing")));
    assert_string_equal(ss_result_bottleneck(r), "app");
    ss_result_free(r);
    ss_scenario_free(sc);
    ss_diag_free(d);
}

/* Overrides are --set's; an error is a diagnostic with its place. */
static void overrides_and_diagnostics(void **state)
{
    ss_diag *d = ss_diag_new();
    const char *sets[] = {"workload.rate=lots", NULL};
    assert_null(ss_scenario_parse("mm1.yaml", mm1, sets, d));
    assert_int_equal(ss_diag_errors(d), 1);
    char first[512];
    ss_diag_first(d, first, sizeof first);
    assert_non_null(strstr(first, "workload.rate: expected a rate like 3000/s, got \"lots\""));
    ss_diag_free(d);
    d = ss_diag_new();
    const char *ok[] = {"workload.rate=250/s", NULL};
    ss_scenario *sc = ss_scenario_parse("mm1.yaml", mm1, ok, d);
    assert_non_null(sc);
    ss_result *r;
    assert_int_equal(ss_run(sc, NULL, &r), SS_OK);
    assert_true(fabs(ss_result_figure(r, "offered_rps") - 250) < 5);
    ss_result_free(r);
    ss_scenario_free(sc);
    ss_diag_free(d);
}

/* A file, following its extends, with the shipped pricing. */
static void load_a_shipped_scenario(void **state)
{
    ss_diag *d = ss_diag_new();
    ss_scenario *sc = ss_scenario_load(SS_SOURCE_DIR "/scenarios/stage2-split-app-db.yaml", NULL, d);
    assert_non_null(sc);
    ss_run_opts o;
    ss_run_opts_init(&o);
    o.duration = 5 * SS_NS_PER_S;
    o.warmup = SS_NS_PER_S;
    ss_result *r;
    assert_int_equal(ss_run(sc, &o, &r), SS_OK);
    assert_true(ss_result_figure(r, "cost_month_usd") > 100);
    ss_result_free(r);
    ss_scenario_free(sc);
    ss_diag_free(d);
    ss_scenario_free(NULL);
    ss_result_free(NULL);
    ss_diag_free(NULL);
}

/* Merging two replications counts both: the merge's request count is the
 * sum, and its mean lies between theirs. */
static void merge_adds_runs(void **state)
{
    ss_diag *d = ss_diag_new();
    ss_scenario *sc = ss_scenario_parse("mm1.yaml", mm1, NULL, d);
    ss_run_opts o;
    ss_run_opts_init(&o);
    ss_result *a, *b;
    assert_int_equal(ss_run(sc, &o, &a), SS_OK);
    o.replication = 1;
    assert_int_equal(ss_run(sc, &o, &b), SS_OK);
    double ka = ss_result_figure(a, "requests.ok"), kb = ss_result_figure(b, "requests.ok");
    double ma = ss_result_figure(a, "mean_ms"), mb = ss_result_figure(b, "mean_ms");
    assert_true(ss_result_merge(a, b));
    assert_true(ss_result_figure(a, "requests.ok") == ka + kb);
    double m = ss_result_figure(a, "mean_ms");
    assert_true(m >= fmin(ma, mb) && m <= fmax(ma, mb));
    ss_result_free(a);
    ss_result_free(b);
    ss_scenario_free(sc);
    ss_diag_free(d);
}

typedef struct job {
    const ss_scenario *sc;
    unsigned replication;
    double mean;
} job;

static int run_job(void *p)
{
    job *j = p;
    ss_run_opts o;
    ss_run_opts_init(&o);
    o.replication = j->replication;
    ss_result *r;
    if (ss_run(j->sc, &o, &r) != SS_OK)
        return 1;
    j->mean = ss_result_figure(r, "mean_ms");
    ss_result_free(r);
    return 0;
}

/* No global state: one scenario run in two threads at once gives what it
 * gives alone. */
static void runs_in_threads_are_independent(void **state)
{
    ss_diag *d = ss_diag_new();
    ss_scenario *sc = ss_scenario_parse("mm1.yaml", mm1, NULL, d);
    job alone = {sc, 3, 0}, j1 = {sc, 3, 0}, j2 = {sc, 4, 0};
    assert_int_equal(run_job(&alone), 0);
    thrd_t t1, t2;
    assert_int_equal(thrd_create(&t1, run_job, &j1), thrd_success);
    assert_int_equal(thrd_create(&t2, run_job, &j2), thrd_success);
    int r1, r2;
    thrd_join(t1, &r1);
    thrd_join(t2, &r2);
    assert_int_equal(r1 + r2, 0);
    assert_true(j1.mean == alone.mean);
    assert_true(j2.mean != j1.mean);
    ss_scenario_free(sc);
    ss_diag_free(d);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(version_is_a_number),
        cmocka_unit_test(parse_run_and_read_figures),
        cmocka_unit_test(overrides_and_diagnostics),
        cmocka_unit_test(load_a_shipped_scenario),
        cmocka_unit_test(merge_adds_runs),
        cmocka_unit_test(runs_in_threads_are_independent),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
