/*
 * sim/exp/plan.c -- the planner (see plan.h).
 *
 * The cost of a candidate is known before it runs, up to its per-use part
 * (DNS queries, CDN egress, broker messages): its instances by the hour.
 * So the search takes candidates cheapest first, and the first that passes
 * bounds the rest: one whose instances alone cost more cannot win. What it
 * has to find out by simulation is only whether a candidate is feasible:
 * every SLO passes.
 *
 * Why not KN or OCBA. Ranking-and-selection procedures (Kim and Nelson's
 * KN, Chen's OCBA) spend replications to find the best mean among
 * systems; here the objective, cost, is deterministic and the stochastic
 * part is a constraint. That is the feasibility-determination problem
 * (Andradottir and Kim 2010; Szechtman and Yucesan 2008), whose procedures
 * sample each system until its constraint's interval is on one side of the
 * limit, and spend nothing on systems that cannot matter. The search does
 * exactly that: each candidate gets replications (from 2, doubling, up to
 * max_reps) until every SLO's interval is decided, and candidates dearer
 * than the best feasible one found get none. What OCBA's idea adds, spending
 * where the answer is still uncertain, is the doubling: a clear pass or
 * fail stops at two replications, a borderline one gets more.
 *
 * Pruning:
 *   cost        a cost SLO (cost_month_usd < X) that the instances alone
 *               break fails whatever the simulation says;
 *   monotone    fewer instances, cores, replicas, shards, consumers or less
 *               capacity than a candidate that failed a latency, error or
 *               throughput SLO (all else equal) cannot pass it either;
 *   theory      (a hook) a station whose offered load alone is at or above
 *               its capacity cannot pass.
 *
 * Common random numbers: every candidate runs replications 0, 1, ... with
 * the same seed, and streams are derived from (seed, replication,
 * component name), so two candidates differ by their configuration, not
 * by their luck, and comparisons between neighbours are sharper.
 *
 * Determinism: candidates are decided one after another in a fixed order;
 * only the replications of one batch run side by side (-j), and a batch's
 * results do not depend on which thread ran them.
 */
#include "plan.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "scalesim/mem.h"
#include "slos.h"
#include "units.h"

const char *ss_cand_state_name(ss_cand_state s)
{
    static const char *const names[] = {"not reached", "pass",           "fail",
                                        "unresolved",  "budget",         "pruned: cost",
                                        "pruned: monotone", "pruned: theory", "dearer"};
    return names[s];
}

bool ss_plan_monotone(const char *path)
{
    const char *last = strrchr(path, '.');
    last = last ? last + 1 : path;
    static const char *const more_is_better[] = {"instances", "cores",  "capacity",
                                                 "replicas",  "shards", "concurrency", NULL};
    for (const char *const *m = more_is_better; *m; m++)
        if (strcmp(last, *m) == 0)
            return true;
    return false;
}

/* The instances' cost a month: a run of one nanosecond sets every
 * component up (a database knows its nodes, a copy per datacenter) and
 * reports what it bills by the hour; nothing is simulated. */
static ss_status static_cost(const ss_exp *e, const ss_scenario *sc, double *cost, char *why,
                             size_t why_len)
{
    ss_run_opts o = e->run;
    o.duration = 1;
    o.warmup = 0;
    o.timeseries = o.breakdown = false;
    o.progress = NULL;
    o.replication = 0;
    char msg[400] = "";
    o.error = msg;
    o.error_len = sizeof msg;
    ss_result *r = NULL;
    ss_status st = ss_run(sc, &o, &r);
    if (st) {
        snprintf(why, why_len, "%s: error: %s", sc->file, msg[0] ? msg : ss_status_str(st));
        return st;
    }
    *cost = 0;
    for (int i = 0; i < r->n_comps; i++)
        *cost += r->comps[i].fixed_month;
    ss_result_free(r);
    return SS_OK;
}

static bool is_cost(const char *figure)
{
    return strcmp(figure, "cost_month_usd") == 0 || strcmp(figure, "cost_per_million_usd") == 0;
}

/* The first SLO with verdict v, as "p95_ms<200: 301.20 ms ± 3.10". */
static void first_with(const ss_cand *c, ss_verdict v, char *buf, size_t n)
{
    for (int i = 0; i < c->n_slo; i++) {
        if (c->slo[i].verdict != v)
            continue;
        const ss_slo_check *k = &c->slo[i];
        char val[96];
        ss_slo_value_text(k, val, sizeof val);
        snprintf(buf, n, "%s %s: %s", k->slo->text, ss_verdict_name(v), val);
        return;
    }
    buf[0] = '\0';
}

/* Runs replications of candidate c until its verdict is decided, the
 * candidate's cap or the budget; keeps the results in rs (n of them). */
static ss_status evaluate(const ss_exp *e, const ss_scenario *sc, ss_cand *c, const ss_slo *slos,
                          int n_slos, int max_reps, long *budget, ss_result **rs, int *n_out,
                          char *why, size_t why_len)
{
    int n0 = e->replications > 2 ? e->replications : 2;
    int n = 0, want = n0 < max_reps ? n0 : max_reps;
    if (want > *budget)
        want = (int)*budget;
    ss_status st = SS_OK;
    while (want > n) {
        st = ss_exp_batch(e, sc, (unsigned)n, want - n, rs + n, why, why_len);
        *budget -= want - n;
        n = want;
        if (st)
            break;
        ss_row row = {NULL, rs[0], rs, n, {0}, {0}, "", .verdict = SS_VERDICT_NONE};
        ss_exp_judge(slos, n_slos, &row);
        c->verdict = row.verdict;
        memcpy(c->slo, row.slo, sizeof c->slo);
        c->n_slo = row.n_slo;
        if (row.verdict != SS_VERDICT_UNRESOLVED || n >= max_reps || *budget <= 0)
            break;
        want = 2 * n < max_reps ? 2 * n : max_reps;
        if (want - n > *budget)
            want = n + (int)*budget;
    }
    *n_out = n;
    c->reps = n;
    if (st || n == 0)
        return st;
    if (n == 1) {
        memcpy(c->fig, rs[0]->fig, sizeof c->fig);
        for (int f = 0; f < SS_FIGS; f++)
            c->ci95[f] = NAN;
    } else {
        ss_agg_figures((const ss_result *const *)rs, n, c->fig, c->ci95);
    }
    if (c->verdict == SS_VERDICT_PASS) {
        c->state = SS_CAND_PASS;
    } else if (c->verdict == SS_VERDICT_FAIL) {
        c->state = SS_CAND_FAIL;
        first_with(c, SS_VERDICT_FAIL, c->why, sizeof c->why);
    } else {
        c->state = n < max_reps && *budget <= 0 ? SS_CAND_BUDGET : SS_CAND_UNRESOLVED;
        first_with(c, SS_VERDICT_UNRESOLVED, c->why, sizeof c->why);
    }
    return SS_OK;
}

/* Whether c failed a figure that more capacity can only improve. */
static bool failed_on_capacity(const ss_cand *c)
{
    for (int i = 0; i < c->n_slo; i++)
        if (c->slo[i].verdict == SS_VERDICT_FAIL && !is_cost(c->slo[i].slo->figure))
            return true;
    return false;
}

typedef struct plan_ctx {
    const ss_exp *e;
    int dims;
    double *num;            /* n x dims: values as numbers (NAN: not one) */
    char ***vals;           /* n x dims: as written                       */
    bool *mono;             /* per dimension                              */
} plan_ctx;

/* Whether b has no more of any monotone dimension than a, and the same
 * of every other. */
static bool dominated(const plan_ctx *x, long b, long a)
{
    for (int d = 0; d < x->dims; d++) {
        if (x->mono[d]) {
            double vb = x->num[b * x->dims + d], va = x->num[a * x->dims + d];
            if (isnan(vb) || isnan(va) || vb > va)
                return false;
        } else if (strcmp(x->vals[b][d], x->vals[a][d]) != 0) {
            return false;
        }
    }
    return true;
}

typedef struct by_cost {
    double cost;
    long k;
} by_cost;

/* Cheapest first; among equal costs, in point order (a total order: the
 * search is the same on every machine). */
static int by_cost_cmp(const void *pa, const void *pb)
{
    const by_cost *a = pa, *b = pb;
    if (a->cost != b->cost)
        return a->cost < b->cost ? -1 : 1;
    return a->k < b->k ? -1 : a->k > b->k;
}

/* Whether candidate a beats the best so far b: cheaper, or as cheap (to
 * the cent) and better on the first SLO's figure. */
static bool better(const ss_cand *a, const ss_cand *b)
{
    double ca = round(a->fig[SS_FIG_COST_MONTH] * 100), cb = round(b->fig[SS_FIG_COST_MONTH] * 100);
    if (ca != cb)
        return ca < cb;
    if (a->n_slo == 0 || b->n_slo == 0)
        return false;
    ss_slo_op op = a->slo[0].slo->op;
    bool lower = op == SS_SLO_LT || op == SS_SLO_LE;
    return lower ? a->slo[0].value < b->slo[0].value : a->slo[0].value > b->slo[0].value;
}

typedef struct search {
    const ss_exp *e;
    const ss_plan *p;
    ss_plan_out *out;
    const plan_ctx *x;
    int max_reps;
    long budget;            /* runs left                                  */
    double best_total;      /* the best passing candidate's cost          */
    ss_result **rs;         /* max_reps results of the candidate at hand  */
    long *failed;           /* candidates that failed on capacity         */
    long n_failed;
    int bisect_dim;         /* -1: no monotone dimension to bisect along  */
    ss_diag *diag;
    char *why;
    size_t why_len;
} search;

/* Takes the candidate's results as the best row (owned by out). */
static void keep_best(search *sr, long k, int got)
{
    ss_plan_out *out = sr->out;
    ss_cand *c = &out->cands[k];
    for (int r = 0; r < out->best_row.n_reps; r++)
        ss_result_free(out->best_row.reps[r]);
    ss_free(out->best_row.reps);
    out->best = k;
    sr->best_total = c->fig[SS_FIG_COST_MONTH];
    ss_row *row = &out->best_row;
    memset(row, 0, sizeof *row);
    row->reps = ss_calloc((size_t)got, sizeof *row->reps);
    memcpy(row->reps, sr->rs, (size_t)got * sizeof *sr->rs);
    memset(sr->rs, 0, (size_t)got * sizeof *sr->rs);
    row->n_reps = got;
    row->res = row->reps[0];
    memcpy(row->fig, c->fig, sizeof row->fig);
    memcpy(row->ci95, c->ci95, sizeof row->ci95);
    snprintf(row->bottleneck, sizeof row->bottleneck, "%s",
             got > 1 ? ss_exp_usual_bottleneck(row->reps, got) : row->reps[0]->bottleneck);
    row->verdict = SS_VERDICT_NONE;
    ss_exp_judge(out->slos, c->n_slo, row);
}

/* Decides candidate k: pruned (cost, monotone, theory) or simulated. */
static ss_status decide(search *sr, long k)
{
    const ss_exp *e = sr->e;
    const plan_ctx *x = sr->x;
    ss_plan_out *out = sr->out;
    ss_cand *c = &out->cands[k];
    ss_scenario *sc = ss_exp_load_point(e, e->files[0], k, sr->diag);
    if (!sc) {
        ss_diag_first(sr->diag, sr->why, sr->why_len);
        return SS_INVALID;
    }
    ss_slo *slos = out->slos; /* the same for every candidate: one file */
    int n_slos = 0;
    ss_exp_slos(e, sc, slos, &n_slos, NULL, NULL);
    /* a cost SLO the instances alone break */
    for (int s = 0; s < n_slos && c->state == SS_CAND_NOT_REACHED; s++)
        if (strcmp(slos[s].figure, "cost_month_usd") == 0 &&
            (slos[s].op == SS_SLO_LT || slos[s].op == SS_SLO_LE) &&
            ss_slo_verdict(&slos[s], c->static_cost, NAN) == SS_VERDICT_FAIL) {
            c->state = SS_CAND_PRUNED_COST;
            snprintf(c->why, sizeof c->why, "its instances alone cost $%.0f a month: %s fails",
                     c->static_cost, slos[s].text);
            out->pruned_cost++;
        }
    for (long f = 0; f < sr->n_failed && c->state == SS_CAND_NOT_REACHED; f++)
        if (dominated(x, k, sr->failed[f])) {
            c->state = SS_CAND_PRUNED_MONO;
            char vs[200] = "";
            for (int d = 0; d < x->dims; d++) {
                size_t len = strlen(vs);
                snprintf(vs + len, sizeof vs - len, "%s%s=%s", d ? " " : "", e->sweeps[d].path,
                         x->vals[sr->failed[f]][d]);
            }
            snprintf(c->why, sizeof c->why, "no more capacity than %s, which failed", vs);
            out->pruned_mono++;
        }
    if (c->state == SS_CAND_NOT_REACHED && sr->p->infeasible &&
        sr->p->infeasible(sr->p->infeasible_ctx, sc, c->why, sizeof c->why)) {
        c->state = SS_CAND_PRUNED_THEORY;
        out->pruned_theory++;
    }
    ss_status st = SS_OK;
    if (c->state == SS_CAND_NOT_REACHED && sr->budget > 0) {
        int got = 0;
        long before = sr->budget;
        st = evaluate(e, sc, c, slos, n_slos, sr->max_reps, &sr->budget, sr->rs, &got, sr->why,
                      sr->why_len);
        out->runs += before - sr->budget;
        out->evaluated++;
        if (c->state == SS_CAND_BUDGET)
            out->budget_out = true;
        if (!st && (c->state == SS_CAND_FAIL || c->state == SS_CAND_PRUNED_THEORY) &&
            failed_on_capacity(c))
            sr->failed[sr->n_failed++] = k;
        if (!st && c->state == SS_CAND_PASS &&
            (out->best < 0 || better(c, &out->cands[out->best])))
            keep_best(sr, k, got);
        for (int r = 0; r < got; r++) {
            ss_result_free(sr->rs[r]);
            sr->rs[r] = NULL;
        }
    }
    if (c->state == SS_CAND_PRUNED_THEORY)
        sr->failed[sr->n_failed++] = k; /* what cannot carry the load fails */
    ss_scenario_free(sc);
    return st;
}

/* k with dimension d at value index j. */
static long neighbour(const search *sr, long k, int d, int j)
{
    long stride = 1;
    for (int q = sr->e->n_sweeps - 1; q > d; q--)
        stride *= sr->e->sweeps[q].n;
    int now = (int)((k / stride) % sr->e->sweeps[d].n);
    return k + (long)(j - now) * stride;
}

/* Before simulating k, the cheapest undecided candidate: bisects along
 * the monotone dimension between k and the most of it, so that a run of
 * failing candidates costs log2 of their number in simulations, not their
 * number (what fails at the midpoint, everything below it fails too; what
 * passes there bounds the cost of the answer). Decides the midpoints;
 * k itself is left to the caller unless a midpoint's failure prunes it. */
static ss_status bisect(search *sr, long k)
{
    int d = sr->bisect_dim;
    if (d < 0)
        return SS_OK;
    int n = sr->e->sweeps[d].n;
    long stride = 1;
    for (int q = sr->e->n_sweeps - 1; q > d; q--)
        stride *= sr->e->sweeps[q].n;
    int lo = (int)((k / stride) % n), hi = n - 1;
    /* values as numbers, rising: bisection needs an ordered chain */
    for (int j = 1; j < n; j++) {
        double a = sr->x->num[neighbour(sr, k, d, j - 1) * sr->x->dims + d];
        double b = sr->x->num[neighbour(sr, k, d, j) * sr->x->dims + d];
        if (!(a < b))
            return SS_OK;
    }
    while (lo < hi && sr->budget > 0) {
        int mid = lo + (hi - lo) / 2;
        if (mid == lo)
            break; /* k itself: the caller's */
        long m = neighbour(sr, k, d, mid);
        ss_cand *c = &sr->out->cands[m];
        if (c->state == SS_CAND_NOT_REACHED) {
            if (c->static_cost > sr->best_total + 0.005)
                break; /* dearer than an answer already found: nothing to learn */
            ss_status st = decide(sr, m);
            if (st)
                return st;
        }
        if (c->state == SS_CAND_PASS)
            hi = mid;
        else if ((c->state == SS_CAND_FAIL && failed_on_capacity(c)) ||
                 c->state == SS_CAND_PRUNED_MONO || c->state == SS_CAND_PRUNED_THEORY)
            break; /* k is dominated by a failure now: decide() prunes it */
        else
            break; /* undecided or failed on cost: monotonicity says nothing */
    }
    return SS_OK;
}

ss_status ss_plan_run(const ss_exp *e, const ss_plan *p, ss_plan_out *out,
                      ss_plan_progress progress, void *ctx, char *why, size_t why_len)
{
    memset(out, 0, sizeof *out);
    out->best = -1;
    long n = ss_exp_points(e);
    long budget = p->budget > 0 ? p->budget : 200;
    int max_reps = p->max_reps > 0 ? p->max_reps : 20;
    plan_ctx x = {.e = e, .dims = e->n_sweeps};
    x.num = ss_calloc((size_t)(n * (x.dims ? x.dims : 1)), sizeof *x.num);
    x.vals = ss_calloc((size_t)n, sizeof *x.vals);
    x.mono = ss_calloc((size_t)(x.dims ? x.dims : 1), sizeof *x.mono);
    for (int d = 0; d < x.dims; d++)
        x.mono[d] = ss_plan_monotone(e->sweeps[d].path);
    out->cands = ss_calloc((size_t)n, sizeof *out->cands);
    out->n = n;
    ss_diag *diag = ss_diag_new();
    ss_status st = SS_OK;
    /* every candidate's fixed cost, and its values */
    for (long k = 0; k < n && !st; k++) {
        ss_cand *c = &out->cands[k];
        c->point = k;
        c->verdict = SS_VERDICT_NONE;
        x.vals[k] = ss_calloc((size_t)(x.dims ? x.dims : 1), sizeof(char *));
        ss_exp_point_values(e, k, x.vals[k]);
        for (int d = 0; d < x.dims; d++) {
            double v;
            x.num[k * x.dims + d] = ss_units_count(x.vals[k][d], &v) ? v : NAN;
        }
        ss_scenario *sc = ss_exp_load_point(e, e->files[0], k, diag);
        if (!sc) {
            ss_diag_first(diag, why, why_len);
            st = SS_INVALID;
            break;
        }
        st = static_cost(e, sc, &c->static_cost, why, why_len);
        ss_scenario_free(sc);
    }
    by_cost *sorted = ss_calloc((size_t)(n ? n : 1), sizeof *sorted);
    for (long k = 0; k < n; k++)
        sorted[k] = (by_cost){out->cands[k].static_cost, k};
    qsort(sorted, (size_t)n, sizeof *sorted, by_cost_cmp);
    long *order = ss_calloc((size_t)(n ? n : 1), sizeof *order);
    for (long k = 0; k < n; k++)
        order[k] = sorted[k].k;
    ss_free(sorted);
    search sr = {.e = e, .p = p, .out = out, .x = &x, .max_reps = max_reps, .budget = budget,
                 .best_total = INFINITY, .diag = diag, .why = why, .why_len = why_len};
    sr.rs = ss_calloc((size_t)max_reps, sizeof *sr.rs);
    sr.failed = ss_calloc((size_t)(n ? n : 1), sizeof *sr.failed);
    /* the monotone dimension with the most values: bisection runs along it */
    sr.bisect_dim = -1;
    for (int d = 0; d < x.dims; d++)
        if (x.mono[d] && e->sweeps[d].n > 2 &&
            (sr.bisect_dim < 0 || e->sweeps[d].n > e->sweeps[sr.bisect_dim].n))
            sr.bisect_dim = d;
    for (long i = 0; i < n && !st; i++) {
        long k = order[i];
        if (progress)
            progress(ctx, i, n, out->runs);
        if (out->cands[k].state != SS_CAND_NOT_REACHED)
            continue; /* decided by a bisection before its turn */
        if (out->cands[k].static_cost > sr.best_total + 0.005) {
            out->cands[k].state = SS_CAND_DEARER;
            out->dearer++;
            continue;
        }
        if (sr.budget <= 0) {
            out->budget_out = true;
            break; /* the rest stay not reached */
        }
        st = bisect(&sr, k);
        if (!st && out->cands[k].state == SS_CAND_NOT_REACHED)
            st = decide(&sr, k);
    }
    budget = sr.budget;
    ss_free(sr.rs);
    ss_free(sr.failed);
    if (progress)
        progress(ctx, n, n, out->runs);
    if (out->best >= 0) {
        /* copies: the plan outlives the --vary lists it came from */
        out->n_best_vals = x.dims;
        out->best_vals = ss_calloc((size_t)(x.dims ? x.dims : 1), sizeof *out->best_vals);
        for (int d = 0; d < x.dims; d++)
            out->best_vals[d] = ss_strdup(x.vals[out->best][d]);
        out->best_row.sweep_vals = out->best_vals;
        double total = out->cands[out->best].fig[SS_FIG_COST_MONTH];
        for (long k = 0; k < n; k++) {
            const ss_cand *c = &out->cands[k];
            if (c->static_cost < total &&
                (c->state == SS_CAND_UNRESOLVED || c->state == SS_CAND_BUDGET ||
                 c->state == SS_CAND_NOT_REACHED))
                out->cheaper_undecided = true;
        }
    }
    for (long k = 0; k < n; k++)
        ss_free(x.vals[k]);
    ss_free(x.vals);
    ss_free(x.num);
    ss_free(x.mono);
    ss_free(order);
    ss_diag_free(diag);
    return st;
}

void ss_plan_out_free(ss_plan_out *out)
{
    for (int r = 0; r < out->best_row.n_reps; r++)
        ss_result_free(out->best_row.reps[r]);
    ss_free(out->best_row.reps);
    for (int d = 0; d < out->n_best_vals; d++)
        ss_free(out->best_vals[d]);
    ss_free(out->best_vals);
    ss_free(out->cands);
    memset(out, 0, sizeof *out);
}
