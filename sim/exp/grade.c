/* sim/exp/grade.c -- grading answers to exercises (see grade.h). */
#include "grade.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "plan.h"
#include "scalesim/mem.h"
#include "slos.h"
#include "sweep.h"

#define MAX_KEYS 64
#define GRADE_REPS0 4
#define GRADE_REPS_MAX 16

struct ss_grade_keys {
    char file[MAX_KEYS][512];
    double cost[MAX_KEYS];
    char vals[MAX_KEYS][400];
    int n;
};

ss_grade_keys *ss_grade_keys_new(void)
{
    return ss_calloc(1, sizeof(ss_grade_keys));
}

void ss_grade_keys_free(ss_grade_keys *k)
{
    ss_free(k);
}

/* The path part of a vary item ("components.app.instances=10:80:2"). */
static void vary_path(const char *item, char *out, size_t n)
{
    snprintf(out, n, "%.*s", (int)strcspn(item, "="), item);
}

ss_status ss_grade_key(const ss_exp *e, long budget, ss_grade_keys *keys, const char *exercise,
                       double *cost, char *vals, size_t vals_len, char *why, size_t why_len)
{
    for (int i = 0; i < keys->n; i++)
        if (strcmp(keys->file[i], exercise) == 0) {
            *cost = keys->cost[i];
            snprintf(vals, vals_len, "%s", keys->vals[i]);
            return SS_OK;
        }
    *cost = NAN;
    vals[0] = '\0';
    ss_diag *d = ss_diag_new();
    ss_scenario *sc = ss_exp_load(e, exercise, NULL, 0, d);
    if (!sc) {
        ss_diag_first(d, why, why_len);
        ss_diag_free(d);
        return SS_INVALID;
    }
    ss_diag_free(d);
    ss_sweep sw[SS_MAX_EXERCISE_VARY];
    int n_sw = 0;
    ss_status st = SS_OK;
    for (int i = 0; i < sc->ex.n_vary && !st; i++) {
        if (!strchr(sc->ex.vary[i], '='))
            continue; /* free to change, not searched */
        char err[300];
        if (!ss_sweep_parse(sc->ex.vary[i], &sw[n_sw], err, sizeof err)) {
            snprintf(why, why_len, "%s: exercise.vary[%d]: %s", exercise, i, err);
            st = SS_INVALID;
        } else {
            n_sw++;
        }
    }
    if (!st && n_sw) {
        char *files[] = {(char *)exercise};
        ss_exp pe = *e;
        pe.files = files;
        pe.n_files = 1;
        pe.texts = NULL;
        pe.sets = NULL;
        pe.n_sets = 0;
        pe.sweeps = sw;
        pe.n_sweeps = n_sw;
        pe.slos = (const char *const *)sc->ex.slo;
        pe.n_slos = sc->ex.n_slo;
        pe.replications = 1;
        ss_plan p = {.budget = budget};
        ss_plan_out out;
        st = ss_plan_run(&pe, &p, &out, NULL, NULL, why, why_len);
        if (!st && out.best >= 0) {
            *cost = out.cands[out.best].fig[SS_FIG_COST_MONTH];
            size_t len = 0;
            for (int k = 0; k < n_sw; k++)
                len += (size_t)snprintf(vals + len, len < vals_len ? vals_len - len : 0, "%s%s=%s",
                                        k ? " " : "", sw[k].path, out.best_vals[k]);
        }
        ss_plan_out_free(&out);
    }
    for (int i = 0; i < n_sw; i++)
        ss_sweep_release(&sw[i]);
    ss_scenario_free(sc);
    if (!st && keys->n < MAX_KEYS) {
        snprintf(keys->file[keys->n], sizeof keys->file[0], "%s", exercise);
        keys->cost[keys->n] = *cost;
        snprintf(keys->vals[keys->n], sizeof keys->vals[0], "%s", vals);
        keys->n++;
    }
    return st;
}

/* path as a reader wants it: "answers/../scenarios/x.yaml" (an extends
 * joined to its file's folder) as "scenarios/x.yaml". Only for showing:
 * the file was opened by the path as joined, which is right even where a
 * folder is a symbolic link and the shorter one would not be. */
static void display_path(const char *path, char *out, size_t n)
{
    char buf[1024];
    snprintf(buf, sizeof buf, "%s", path);
    const char *parts[256];
    int np = 0;
    bool abs = buf[0] == '/';
    for (char *save = NULL, *p = strtok_r(buf, "/", &save); p && np < 256;
         p = strtok_r(NULL, "/", &save)) {
        if (strcmp(p, ".") == 0)
            continue;
        if (strcmp(p, "..") == 0 && np > 0 && strcmp(parts[np - 1], "..") != 0)
            np--;
        else if (!(strcmp(p, "..") == 0 && abs && np == 0))
            parts[np++] = p;
    }
    size_t len = 0;
    out[0] = '\0';
    if (abs)
        len += (size_t)snprintf(out, n, "/");
    for (int i = 0; i < np && len < n; i++)
        len += (size_t)snprintf(out + len, n - len, "%s%s", i ? "/" : "", parts[i]);
    if (np == 0 && !abs)
        snprintf(out, n, ".");
}

/* Whether path is one the exercise lets an answer change (or under one). */
static bool allowed(const ss_exercise *ex, const char *path)
{
    for (int i = 0; i < ex->n_vary; i++) {
        char p[160];
        vary_path(ex->vary[i], p, sizeof p);
        size_t n = strlen(p);
        if (strncmp(path, p, n) == 0 && (path[n] == '\0' || path[n] == '.'))
            return true;
    }
    return false;
}

/* Replications until every SLO is decided or GRADE_REPS_MAX. */
static ss_status judge(const ss_exp *e, const ss_scenario *sc, ss_grade *g, char *why,
                       size_t why_len)
{
    ss_result *rs[GRADE_REPS_MAX] = {0};
    int n = 0, want = e->replications > GRADE_REPS0 ? e->replications : GRADE_REPS0;
    if (want > GRADE_REPS_MAX)
        want = GRADE_REPS_MAX;
    ss_exp ge = *e;
    ge.slos = NULL;
    ge.n_slos = 0;
    int n_slos = 0;
    ss_diag *d = ss_diag_new();
    if (!ss_exp_exercise_slos(sc, g->slos, &n_slos, d)) {
        ss_diag_first(d, why, why_len);
        ss_diag_free(d);
        return SS_INVALID;
    }
    ss_diag_free(d);
    ss_status st = SS_OK;
    ss_row row;
    for (;;) {
        st = ss_exp_batch(&ge, sc, (unsigned)n, want - n, rs + n, why, why_len);
        n = want;
        if (st)
            break;
        memset(&row, 0, sizeof row);
        row.reps = rs;
        row.n_reps = n;
        row.res = rs[0];
        ss_exp_judge(g->slos, n_slos, &row);
        if (row.verdict != SS_VERDICT_UNRESOLVED || n >= GRADE_REPS_MAX)
            break;
        want = 2 * n < GRADE_REPS_MAX ? 2 * n : GRADE_REPS_MAX;
    }
    if (!st) {
        g->reps = n;
        g->slo = row.verdict == SS_VERDICT_NONE ? SS_VERDICT_PASS : row.verdict;
        g->n_checks = row.n_slo;
        memcpy(g->checks, row.slo, sizeof g->checks);
        double mean[SS_FIGS], ci[SS_FIGS];
        ss_agg_figures((const ss_result *const *)rs, n, mean, ci);
        g->cost = mean[SS_FIG_COST_MONTH];
        g->bottleneck_util = mean[SS_FIG_BOTTLENECK_UTIL];
        snprintf(g->bottleneck, sizeof g->bottleneck, "%s", ss_exp_usual_bottleneck(rs, n));
    }
    for (int r = 0; r < n; r++)
        ss_result_free(rs[r]);
    return st;
}

static void feedback(ss_grade *g, const ss_exercise *ex)
{
    char *f = g->feedback;
    size_t n = sizeof g->feedback;
    if (!g->changes_ok) {
        snprintf(f, n, "changes %s, which the exercise does not let an answer change (it may "
                 "change: ", g->changed);
        for (int i = 0; i < ex->n_vary; i++) {
            char p[160];
            vary_path(ex->vary[i], p, sizeof p);
            size_t len = strlen(f);
            snprintf(f + len, n - len, "%s%s", i ? ", " : "", p);
        }
        size_t len = strlen(f);
        snprintf(f + len, n - len, ")");
        return;
    }
    if (g->slo != SS_VERDICT_PASS) {
        for (int i = 0; i < g->n_checks; i++) {
            const ss_slo_check *c = &g->checks[i];
            if (c->verdict == SS_VERDICT_PASS)
                continue;
            char val[96];
            ss_slo_value_text(c, val, sizeof val);
            snprintf(f, n, "%s %s: %s over %d replications; busiest: %s at %.0f%%",
                     c->slo->text, c->verdict == SS_VERDICT_FAIL ? "fails" : "is not shown to pass",
                     val, g->reps, g->bottleneck[0] ? g->bottleneck : "-",
                     g->bottleneck_util * 100);
            return;
        }
    }
    if (!g->cost_ok) {
        snprintf(f, n, "meets every SLO, but costs $%.0f a month, %.0f%% above the cheapest "
                 "passing configuration ($%.0f: %s); the exercise allows %.0f%%", g->cost,
                 (g->cost / g->cheapest - 1) * 100, g->cheapest, g->cheapest_vals,
                 ex->cost_within * 100);
        return;
    }
    if (isfinite(g->cheapest))
        snprintf(f, n, "meets every SLO at $%.0f a month, within %.0f%% of the cheapest ($%.0f)",
                 g->cost, ex->cost_within * 100, g->cheapest);
    else
        snprintf(f, n, "meets every SLO at $%.0f a month", g->cost);
}

ss_status ss_grade_answer(const ss_exp *e, long budget, ss_grade_keys *keys, const char *answer,
                          ss_grade *g, char *why, size_t why_len)
{
    memset(g, 0, sizeof *g);
    g->cheapest = NAN;
    ss_diag *d = ss_diag_new();
    ss_scenario *sc = ss_exp_load(e, answer, NULL, 0, d);
    if (!sc) {
        ss_diag_first(d, why, why_len);
        ss_diag_free(d);
        return SS_INVALID;
    }
    if (!sc->ex.present) {
        snprintf(why, why_len, "%s: error: not an answer to an exercise: neither it nor what it "
                 "extends has an exercise: section", answer);
        ss_scenario_free(sc);
        ss_diag_free(d);
        return SS_INVALID;
    }
    display_path(sc->ex.file, g->exercise, sizeof g->exercise);
    char paths[32][160];
    int n = ss_scenario_changes(answer, sc->ex.file, paths, 32, d);
    ss_status st = SS_OK;
    if (n < 0) {
        ss_diag_first(d, why, why_len);
        st = SS_INVALID;
    }
    ss_diag_free(d);
    g->changes_ok = true;
    for (int i = 0; i < n && i < 32 && g->changes_ok; i++)
        if (!allowed(&sc->ex, paths[i])) {
            g->changes_ok = false;
            snprintf(g->changed, sizeof g->changed, "%s", paths[i]);
        }
    if (!st)
        st = judge(e, sc, g, why, why_len);
    if (!st)
        st = ss_grade_key(e, budget, keys, sc->ex.file, &g->cheapest, g->cheapest_vals,
                          sizeof g->cheapest_vals, why, why_len);
    if (!st) {
        g->cost_ok = !isfinite(g->cheapest) ||
                     g->cost <= g->cheapest * (1 + sc->ex.cost_within) + 0.005;
        g->pass = g->changes_ok && g->slo == SS_VERDICT_PASS && g->cost_ok;
        feedback(g, &sc->ex);
    }
    /* the checks point at g->slos: they stay valid with g */
    ss_scenario_free(sc);
    return st;
}
