/* tests/test_scenario.c -- loading: extends, merge, overrides, errors. */
#include "ss_run_helpers.h"

#include "cfg.h"

static void scenario_extends_merges_and_null_removes(void **state)
{
    ss_scenario *sc = load_file("scenarios/stage3-load-balancer.yaml", NULL);
    assert_string_equal(sc->name, "stage3-load-balancer");
    assert_int_equal(sc->stage, 3);
    /* stage 1's single server was removed by `server: null` in stage 2 */
    assert_int_equal(ss_scenario_find_component(sc, "server"), -1);
    assert_true(ss_scenario_find_component(sc, "lb") >= 0);
    /* inherited from stage 1, two files up */
    assert_int_equal(sc->wl.timeout, SS_SEC(5));
    assert_near(sc->net.hop.p[0], 0.0005, 1e-12);
    /* the deep merge kept stage 2's keys of app and replaced its type */
    const ss_component *app = &sc->comps[ss_scenario_find_component(sc, "app")];
    assert_string_equal(app->instance_type, "c5.xlarge");
    assert_near(app->price_per_hour, 0.17, 1e-12);
    assert_int_equal(sc->wl.classes[0].n_route, 3);
    assert_int_equal(sc->wl.users, 100000);
    ss_scenario_free(sc);
}

static void scenario_set_overrides_scalars_mappings_and_list_items(void **state)
{
    const char *sets[] = {
        "workload.users=2k",
        "components.extra={kind: app_server, service: 1ms}",
        "workload.requests.read.route=[lb, extra, db]",
        "simulation.duration=90s",
        NULL,
    };
    ss_scenario *sc = load_file("scenarios/stage3-load-balancer.yaml", sets);
    assert_int_equal(sc->wl.users, 2000);
    int extra_id = ss_scenario_find_component(sc, "extra");
    assert_true(extra_id >= 0);
    assert_int_equal(sc->wl.classes[0].route[1], extra_id);
    assert_int_equal(sc->duration, SS_SEC(90));
    ss_scenario_free(sc);
}

static void scenario_set_errors_point_into_the_command_line(void **state)
{
    char buf[512];
    const char *sets[] = {"workload.users=lots", NULL};
    first_error("scalesim: 1\nworkload: {users: 10, requests: {r: {route: [a]}}}\n"
                "components: {a: {kind: app_server, service: 1ms}}\n",
                sets, buf, sizeof buf);
    assert_string_equal(buf, "<command line>:1:22: error: workload.users: expected a whole "
                             "number like 8 or 1k, got \"lots\"");
    const char *bad[] = {"nopath", NULL};
    first_error("scalesim: 1\n", bad, buf, sizeof buf);
    assert_string_equal(buf, "<command line>:1:7: error: --set: expected PATH=VALUE like "
                             "workload.users=50000, got \"nopath\"");
}

static void scenario_reports_every_error_with_place(void **state)
{
    char buf[512];
    first_error("scalesim: 1\n"
                "simulation: {duration: sixty}\n"
                "workload: {users: 10, requests: {r: {route: [a]}}}\n"
                "components: {a: {kind: app_server, service: 1ms}}\n",
                NULL, buf, sizeof buf);
    assert_string_equal(buf, "2:24: error: simulation.duration: expected a duration like 30s "
                             "or 250ms, got \"sixty\"");
    first_error("scalesim: 1\n"
                "workload: {users: 10, requests: {r: {route: [a]}}}\n"
                "components: {a: {kind: app_server, service: 1ms, instancs: 2}}\n",
                NULL, buf, sizeof buf);
    assert_string_equal(buf, "3:50: error: components.a.instancs: unknown key (did you mean "
                             "instances?)");
    /* the distribution split by a flow mapping */
    first_error("scalesim: 1\n"
                "workload: {users: 10, requests: {r: {route: [a]}}}\n"
                "components: {a: {kind: app_server, service: lognormal(mean=8ms, cv=0.8)}}\n",
                NULL, buf, sizeof buf);
    assert_string_equal(buf, "3:45: error: components.a.service: a distribution with several "
                             "arguments inside {...} must be quoted: write "
                             "\"lognormal(mean=8ms, cv=0.8)\" (YAML ends an unquoted value at "
                             "the comma)");
}

static void scenario_suggests_close_names_only(void **state)
{
    const char *cands[] = {"instances", "cores", "service", "queue"};
    assert_string_equal(ss_cfg_suggest("instancs", cands, 4), "instances");
    assert_string_equal(ss_cfg_suggest("core", cands, 4), "cores");
    assert_null(ss_cfg_suggest("zebra", cands, 4));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(scenario_extends_merges_and_null_removes),
        cmocka_unit_test(scenario_set_overrides_scalars_mappings_and_list_items),
        cmocka_unit_test(scenario_set_errors_point_into_the_command_line),
        cmocka_unit_test(scenario_reports_every_error_with_place),
        cmocka_unit_test(scenario_suggests_close_names_only),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
