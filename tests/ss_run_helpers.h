/*
 * tests/ss_run_helpers.h -- loading scenarios and running them in tests.
 * Scenario text is parsed as text (ss_scenario_parse_with), named as if it
 * were a file in the source tree's scenarios folder so that `pricing:
 * pricing.yaml` resolves there; nothing is written to the tree.
 */
#ifndef SS_RUN_HELPERS_H
#define SS_RUN_HELPERS_H

#include "ss_test.h"

#include <unistd.h>

#include "diag.h"
#include "result.h"
#include "scalesim/scalesim.h"
#include "scenario.h"

/* Loads file (relative to the source tree when not absolute) with
 * overrides; on errors prints them and fails the test. */
static inline ss_scenario *load_file(const char *file, const char *const *sets)
{
    char path[1024];
    if (file[0] == '/')
        snprintf(path, sizeof path, "%s", file);
    else
        snprintf(path, sizeof path, "%s/%s", SS_SOURCE_DIR, file);
    ss_override ov[32] = {{0}};
    int n = 0;
    for (; sets && sets[n]; n++)
        ov[n].text = sets[n];
    ss_diag *d = ss_diag_new();
    ss_scenario *sc = ss_scenario_load_with(path, ov, n, NULL, d);
    if (!sc) {
        ss_diag_print(d, stderr);
        fail();
    }
    ss_diag_free(d);
    return sc;
}

/* The name test scenarios are parsed under: in the source tree's
 * scenarios folder, so that `pricing: pricing.yaml` resolves there. */
#define TEST_NAME SS_SOURCE_DIR "/scenarios/.test.yaml"

/* Loads yaml from text (nothing is written to the source tree). */
static inline ss_scenario *load_text(const char *yaml, const char *const *sets)
{
    ss_override ov[32] = {{0}};
    int n = 0;
    for (; sets && sets[n]; n++)
        ov[n].text = sets[n];
    ss_diag *d = ss_diag_new();
    ss_scenario *sc = ss_scenario_parse_with(TEST_NAME, yaml, ov, n, NULL, d);
    if (!sc) {
        ss_diag_print(d, stderr);
        fail();
    }
    ss_diag_free(d);
    return sc;
}

/* The first error line loading yaml gives ("" when it loads), without the
 * test scenario's name. */
static inline void first_error(const char *yaml, const char *const *sets, char *buf, size_t n)
{
    ss_override ov[32] = {{0}};
    int k = 0;
    for (; sets && sets[k]; k++)
        ov[k].text = sets[k];
    ss_diag *d = ss_diag_new();
    ss_scenario *sc = ss_scenario_parse_with(TEST_NAME, yaml, ov, k, NULL, d);
    ss_diag_first(d, buf, n);
    const char *name = TEST_NAME ":";
    if (strncmp(buf, name, strlen(name)) == 0)
        memmove(buf, buf + strlen(name), strlen(buf + strlen(name)) + 1);
    ss_scenario_free(sc);
    ss_diag_free(d);
}

static inline ss_result *run1(const ss_scenario *sc, unsigned replication)
{
    ss_run_opts o;
    ss_run_opts_init(&o);
    o.replication = replication;
    ss_result *r = NULL;
    assert_int_equal(ss_run(sc, &o, &r), SS_OK);
    return r;
}

static inline const ss_comp_result *comp(const ss_result *r, const char *name)
{
    for (int i = 0; i < r->n_comps; i++)
        if (strcmp(r->comps[i].name, name) == 0)
            return &r->comps[i];
    print_error("no component %s\n", name);
    fail();
    return NULL;
}

/* A kind figure of a component by name (the extra column's key). */
static inline double extra(const ss_comp_result *c, const char *key)
{
    double v;
    if (ss_comp_kfig(c, key, c->window_s, &v))
        return v;
    char buf[4096];
    ss_comp_extra(c, c->window_s, buf, sizeof buf);
    print_error("no %s in \"%s\"\n", key, buf);
    fail();
    return NAN;
}

/* The extra column as printed. */
static inline const char *extra_text(const ss_comp_result *c, char *buf, size_t n)
{
    ss_comp_extra(c, c->window_s, buf, n);
    return buf;
}

/* Replications 0 .. n-1 of sc with the default options, into out. */
static inline void run_replications(const ss_scenario *sc, int n, ss_result **out)
{
    for (int i = 0; i < n; i++) {
        ss_run_opts o;
        ss_run_opts_init(&o);
        o.replication = (unsigned)i;
        assert_int_equal(ss_run(sc, &o, &out[i]), SS_OK);
    }
}

static inline void free_results(ss_result **rs, int n)
{
    for (int i = 0; i < n; i++)
        ss_result_free(rs[i]);
}

/* A derived figure of a component's aggregate row: CSTAT(c, UTIL). */
#define CSTAT(c, which) ss_stats_value(&(c)->rep.all, (c)->window_s, SS_STAT_##which)

#endif
