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

/* --set and --sweep paths: empty parts are errors (not silently a path
 * "workload" + "" + "rate"); long paths are not truncated; a path through
 * a component that is not there names the option and the close one. */
static void scenario_set_paths_are_checked(void **state)
{
    char buf[512];
    const char *yaml = "scalesim: 1\nworkload: {users: 10, requests: {r: {route: [app]}}}\n"
                       "components: {app: {kind: app_server, service: 1ms}}\n";
    const char *empty[] = {"workload..rate=3", NULL};
    first_error(yaml, empty, buf, sizeof buf);
    assert_string_equal(buf, "<command line>:1:7: error: --set workload..rate: expected a "
                             "dotted path like workload.users, with a name between every two "
                             "dots");
    const char *dot[] = {".=3", NULL};
    first_error(yaml, dot, buf, sizeof buf);
    assert_non_null(strstr(buf, "expected a dotted path"));
    char long_path[1500];
    memset(long_path, 'a', 1400);
    snprintf(long_path + 1400, 100, ".b=1");
    const char *longs[] = {long_path, NULL};
    first_error(yaml, longs, buf, sizeof buf);
    assert_non_null(strstr(buf, "unknown key")); /* the whole name, not a truncated one */
    ss_override ov = {"components.ap.instances=2", "--sweep"};
    ss_diag *d = ss_diag_new();
    assert_null(ss_scenario_parse_with(TEST_NAME, yaml, &ov, 1, NULL, d));
    ss_diag_first(d, buf, sizeof buf);
    assert_string_equal(buf, "<command line>:1:9: error: --sweep components.ap.instances: no "
                             "\"ap\" in components (did you mean app?); a new one is given "
                             "whole, as in --sweep 'components.ap={...}'");
    ss_diag_free(d);
}

/* SPEC 4.1: without cores an instance has its type's vCPUs, so a sweep of
 * instance_type changes capacity; more cores than the type has is an
 * error. Utilisation at 800/s x 4 ms: 3.2 cores of 4 (c5.xlarge) or of 8
 * (c5.2xlarge). */
static void scenario_cores_follow_the_instance_type(void **state)
{
    const char *yaml = "scalesim: 1\n"
                       "simulation: {duration: 20s, warmup: 1s}\n"
                       "workload: {rate: 800/s, requests: {r: {route: [app]}}}\n"
                       "components: {app: {kind: app_server, service: exp(4ms), "
                       "instance_type: c5.xlarge}}\n"
                       "pricing: pricing.yaml\n";
    static const struct { const char *type; double util; } cases[] = {
        {"c5.xlarge", 0.8}, {"c5.2xlarge", 0.4}};
    for (int i = 0; i < 2; i++) {
        char set[64];
        snprintf(set, sizeof set, "components.app.instance_type=%s", cases[i].type);
        const char *sets[] = {set, NULL};
        ss_scenario *sc = load_text(yaml, sets);
        ss_result *r = run1(sc, 0);
        assert_near(CSTAT(comp(r, "app"), UTIL), cases[i].util, 0.02);
        ss_result_free(r);
        ss_scenario_free(sc);
    }
    char buf[512];
    const char *eight[] = {"components.app.cores=8", NULL};
    first_error(yaml, eight, buf, sizeof buf);
    assert_string_equal(buf, "<command line>:1:28: error: components.app.cores: expected at "
                             "most the 4 vCPUs of c5.xlarge, got 8 (a bigger machine is a "
                             "bigger instance_type)");
}

/* A class's own service times name components of its route that have a
 * service time. */
static void scenario_class_service_is_checked(void **state)
{
    char buf[512];
    const char *base = "scalesim: 1\nworkload: {users: 10, requests: {r: {route: [app], "
                       "service: %s}}}\ncomponents: {app: {kind: app_server, service: 1ms}, "
                       "db: {kind: database, service: 1ms}, dns: {kind: dns}}\n";
    char yaml[600];
    snprintf(yaml, sizeof yaml, base, "{ap: 5ms}");
    first_error(yaml, NULL, buf, sizeof buf);
    assert_non_null(strstr(buf, "workload.requests.r.service.ap: no component named \"ap\" in "
                                "this class's route (did you mean app?)"));
    snprintf(yaml, sizeof yaml, base, "{db: 5ms}");
    first_error(yaml, NULL, buf, sizeof buf);
    assert_non_null(strstr(buf, "service.db: no component \"db\" in this class's route"));
    snprintf(yaml, sizeof yaml, base, "{app: soon}");
    first_error(yaml, NULL, buf, sizeof buf);
    assert_non_null(strstr(buf, "service.app: expected a distribution"));
    snprintf(yaml, sizeof yaml, base, "{app: 5ms}");
    first_error(yaml, NULL, buf, sizeof buf);
    assert_string_equal(buf, "");
}

/* Durations that round to 0 ns are refused (a 1e-30s timeout would mean
 * none); caches whose entries cannot fit in the memory budget are refused
 * at load, at their capacity. */
static void scenario_refuses_what_cannot_be_done(void **state)
{
    char buf[512];
    first_error("scalesim: 1\nworkload: {users: 10, timeout: 1e-30s, requests: {r: {route: "
                "[a]}}}\ncomponents: {a: {kind: app_server, service: 1ms}}\n",
                NULL, buf, sizeof buf);
    assert_string_equal(buf, "2:32: error: workload.timeout: expected 0 or a duration of at "
                             "least 1ns, got \"1e-30s\"");
    first_error("scalesim: 1\nworkload: {users: 10, keys: {count: 1e12}, requests: {r: {route: "
                "[c, a]}}}\ncomponents:\n  c: {kind: cache, capacity: 100M, instances: 10000}\n"
                "  a: {kind: app_server, service: 1ms}\n",
                NULL, buf, sizeof buf);
    assert_non_null(strstr(buf, "4:30: error: components.c.capacity: 1e+12 entries"));
    assert_non_null(strstr(buf, "more than the memory budget"));
    first_error("scalesim: 1\nnetwork: {hop: 0.5}\nworkload: {users: 10, requests: {r: {route: "
                "[a]}}}\ncomponents: {a: {kind: app_server, service: 1ms}}\n",
                NULL, buf, sizeof buf);
    assert_non_null(strstr(buf, "got \"0.5\" (add a unit: 0.5ms? 0.5s?)"));
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
        cmocka_unit_test(scenario_set_paths_are_checked),
        cmocka_unit_test(scenario_cores_follow_the_instance_type),
        cmocka_unit_test(scenario_class_service_is_checked),
        cmocka_unit_test(scenario_refuses_what_cannot_be_done),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
