/*
 * sim/scenario/sc_exercise.c -- `exercise:` (SPEC.md 11): the question, what
 * a student may change, the SLOs and the cost margin an answer is graded
 * by. The grader (sim/exp/grade.c) reads them; a scenario with an exercise
 * runs like any other.
 */
#include <stdio.h>
#include <string.h>

#include "sc_internal.h"
#include "scalesim/mem.h"
#include "units.h"

static const char *const exercise_keys[] = {"question", "vary", "slo", "cost_within", NULL};

/* A list of strings into out (at most max), their marks beside. */
static int string_list(ss_cfgctx *ctx, const ss_node *list, const char *path, const char *what,
                       char **out, ss_mark *marks, int max)
{
    ss_scenario *sc = ctx->sc;
    if (!list)
        return 0;
    if (list->type != SS_NODE_SEQ) {
        ss_cfg_expected(ctx, list, path, what, list);
        return 0;
    }
    int n = 0;
    for (size_t i = 0; i < list->n_items; i++) {
        const ss_node *it = list->items[i];
        char p[64];
        snprintf(p, sizeof p, "%s[%zu]", path, i);
        if (n == max) {
            ss_cfg_at(ctx, it, p, "at most %d of them", max);
            break;
        }
        if (!ss_cfg_scalar(ctx, it, p, "a string"))
            continue;
        marks[n] = it->mark;
        out[n++] = own_str(sc, it->str);
    }
    return n;
}

void build_exercise(ss_cfgctx *ctx, const ss_node *root)
{
    ss_scenario *sc = ctx->sc;
    const ss_node *ex = ss_node_get(root, "exercise");
    if (!ex || ex->type == SS_NODE_NULL)
        return;
    if (ex->type != SS_NODE_MAP) {
        ss_cfg_expected(ctx, ex, "exercise",
                        "a mapping like {question: ..., vary: [...], slo: [...]}", ex);
        return;
    }
    ss_exercise *e = &sc->ex;
    e->present = true;
    e->file = own_str(sc, ex->mark.file ? ex->mark.file : sc->file);
    e->cost_within = 0.15;
    ctx->map = ex;
    ss_cfg_unknown_keys(ctx, ex, "exercise", NULL, exercise_keys);
    ctx->map = root;
    const ss_node *q = ss_node_get(ex, "question");
    if (q && ss_cfg_scalar(ctx, q, "exercise.question", "the question, as text"))
        e->question = own_str(sc, q->str);
    const ss_node *vary = ss_node_get(ex, "vary");
    if (!vary)
        ss_cfg_at(ctx, ex, "exercise.vary", "missing: the paths an answer may change, like "
                  "[components.app.instances=10:80:2]");
    e->n_vary = string_list(ctx, vary, "exercise.vary",
                            "a list of paths an answer may change, like "
                            "[components.app.instances=10:80:2]",
                            e->vary, e->vary_mark, SS_MAX_EXERCISE_VARY);
    const ss_node *slo = ss_node_get(ex, "slo");
    if (!slo)
        ss_cfg_at(ctx, ex, "exercise.slo", "missing: the SLOs an answer must pass, like "
                  "[p95_ms<200]");
    e->n_slo = string_list(ctx, slo, "exercise.slo", "a list like [p95_ms<200, error_rate<0.1%]",
                           e->slo, e->slo_mark, SS_MAX_SCENARIO_SLOS);
    const ss_node *cw = ss_node_get(ex, "cost_within");
    if (cw && ss_cfg_scalar(ctx, cw, "exercise.cost_within", "a share like 15%")) {
        double v;
        if (ss_units_share(cw->str, &v, NULL) && v >= 0 && v <= 10)
            e->cost_within = v;
        else
            ss_cfg_expected(ctx, cw, "exercise.cost_within", "a share like 15% or 0.15", cw);
    }
}
