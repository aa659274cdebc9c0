/*
 * sim/exp/precise.c -- replications until the figures are precise enough
 * (--precision), and the batch of replications it and the planner run.
 *
 * A guessed number of replications is either wasted or too few. Here each
 * row starts with `replications` (at least 3: two give a half-width with
 * t = 12.7, which says little) and adds more until every summary figure's
 * 95% half-width is within `precision` of the figure, or max_replications
 * are done. The next count is the usual projection (Law, Simulation
 * Modeling and Analysis, 9.4.1): the half-width shrinks as 1/sqrt(n), so
 * n' = n (hw / target)^2, taken 10% larger because the variance estimate
 * is itself noisy, at least n + 1 and at most 2n: from three replications
 * the estimate is too rough to jump far on (a quantised percentile that
 * happened to agree three times, or did not), and doubling wastes at most
 * half of what is run. An error rate below 0.1% is judged
 * against 0.1% (an absolute half-width of precision x 0.1%): otherwise a
 * rare error would demand replications without end to pin a figure that
 * means "almost never".
 *
 * Determinism: which replications run depends only on their results, and
 * replication r has the same streams whichever thread runs it, so the rows
 * are the same for any -j. Rows run one after another; the threads share
 * the replications of a batch.
 */
#include <math.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <threads.h>

#include "agg.h"
#include "experiment.h"
#include "predict.h"
#include "scalesim/mem.h"
#include "slos.h"

typedef struct batch {
    const ss_exp *e;
    const ss_scenario *sc;
    unsigned first;
    int n;
    ss_result **out;
    ss_status *st;
    char (*why)[400];
    atomic_int next;
} batch;

static int batch_worker(void *arg)
{
    batch *b = arg;
    for (;;) {
        int i = atomic_fetch_add(&b->next, 1);
        if (i >= b->n)
            return 0;
        ss_run_opts o = b->e->run;
        o.replication = b->first + (unsigned)i;
        o.progress = NULL;
        o.error = b->why[i];
        o.error_len = sizeof b->why[i];
        b->st[i] = o.stop && *o.stop ? SS_INTERRUPTED : ss_run(b->sc, &o, &b->out[i]);
    }
}

ss_status ss_exp_batch(const ss_exp *e, const ss_scenario *sc, unsigned first, int n,
                       ss_result **out, char *why, size_t why_len)
{
    batch b = {.e = e, .sc = sc, .first = first, .n = n, .out = out};
    b.st = ss_calloc((size_t)n, sizeof *b.st);
    b.why = ss_calloc((size_t)n, sizeof *b.why);
    atomic_init(&b.next, 0);
    int threads = e->jobs > 1 ? (e->jobs < n ? e->jobs : n) : 1;
    thrd_t th[64];
    int started = 0;
    for (int t = 1; t < threads && t < 64; t++)
        if (thrd_create(&th[started], batch_worker, &b) == thrd_success)
            started++;
    batch_worker(&b);
    for (int t = 0; t < started; t++)
        thrd_join(th[t], NULL);
    ss_status st = SS_OK;
    for (int i = 0; i < n && !st; i++)
        if (b.st[i]) {
            st = b.st[i];
            snprintf(why, why_len, "%s: error: %s", sc->file,
                     b.why[i][0] ? b.why[i] : ss_status_str(st));
        }
    ss_free(b.st);
    ss_free(b.why);
    return st;
}

/* How far the least precise figure is from the target (<= 1: all are
 * within it); the imprecise ones' names into names. */
static double worst_ratio(const double *mean, const double *ci, double p, char *names, size_t n)
{
    double worst = 0;
    names[0] = '\0';
    for (int f = 0; f < SS_FIGS; f++) {
        if (!isfinite(mean[f]) || !isfinite(ci[f]))
            continue; /* missing in some replication: more do not help */
        double scale = fabs(mean[f]);
        if (f == SS_FIG_ERROR_RATE && scale < 1e-3)
            scale = 1e-3;
        double target = p * scale, ratio;
        if (ci[f] <= target)
            ratio = ci[f] > 0 ? ci[f] / target : 0;
        else
            ratio = target > 0 ? ci[f] / target : INFINITY;
        if (ratio > 1) {
            size_t len = strlen(names);
            snprintf(names + len, n - len, "%s%s", len ? ";" : "", ss_fig_name(f));
        }
        worst = fmax(worst, ratio);
    }
    return worst;
}

ss_status ss_exp_run_precise(const ss_exp *e, const ss_exp_hooks *h, char *why, size_t why_len,
                             long *done)
{
    long first, end;
    ss_exp_slice(e, &first, &end); /* with replications 1 per row in the count */
    long reps0 = e->replications, points = ss_exp_points(e);
    long row_lo = first / reps0, row_hi = end / reps0;
    int max = e->max_replications >= 3 ? e->max_replications : 50;
    int n0 = e->replications > 3 ? e->replications : 3;
    if (n0 > max)
        n0 = max;
    ss_result **rs = ss_calloc((size_t)max, sizeof *rs);
    ss_slo *slos = ss_calloc(SS_MAX_SLOS, sizeof *slos);
    char **vals = ss_calloc((size_t)(e->n_sweeps + 1), sizeof *vals);
    ss_diag *diag = ss_diag_new();
    ss_status st = SS_OK;
    *done = 0;
    for (long g = row_lo; g < row_hi && !st; g++) {
        int file = (int)(g / points);
        long p = g % points;
        ss_scenario *sc = ss_exp_load_point(e, e->files[file], p, diag);
        if (!sc) { /* validated before: only a file changing meanwhile */
            ss_diag_first(diag, why, why_len);
            st = SS_INVALID;
            break;
        }
        if (h && h->progress)
            h->progress(h->ctx, g - row_lo, row_hi - row_lo, sc->name, 0, 0, 0);
        int n = 0, want = n0;
        double mean[SS_FIGS], ci[SS_FIGS];
        char imprecise[sizeof ((ss_row *)0)->imprecise] = "";
        for (;;) {
            st = ss_exp_batch(e, sc, (unsigned)n, want - n, rs + n, why, why_len);
            for (int r = n; r < want; r++)
                *done += rs[r] != NULL;
            n = want;
            if (st)
                break;
            ss_agg_figures((const ss_result *const *)rs, n, mean, ci);
            double worst = worst_ratio(mean, ci, e->precision, imprecise, sizeof imprecise);
            if (worst <= 1 || n >= max)
                break;
            double next = fmin(ceil(n * worst * worst * 1.1), 2.0 * n);
            want = next > max ? max : next < n + 1 ? n + 1 : (int)next;
            if (h && h->progress)
                h->progress(h->ctx, g - row_lo, row_hi - row_lo, sc->name, (double)n / want, 0,
                            0);
        }
        if (!st) {
            ss_exp_point_values(e, p, vals);
            ss_row row = {vals, rs[0], rs, n, {0}, {0}, "", .verdict = SS_VERDICT_NONE};
            memcpy(row.fig, mean, sizeof mean);
            memcpy(row.ci95, ci, sizeof ci);
            snprintf(row.bottleneck, sizeof row.bottleneck, "%s",
                     ss_exp_usual_bottleneck(rs, n));
            snprintf(row.imprecise, sizeof row.imprecise, "%s", imprecise);
            int n_slos = 0;
            ss_exp_slos(e, sc, slos, &n_slos, NULL, NULL);
            ss_exp_judge(slos, n_slos, &row);
            ss_theory_pred *theory = e->theory ? ss_predict_eval(sc, rs[0]) : NULL;
            row.theory = theory;
            if (h && h->row)
                h->row(h->ctx, &row);
            ss_theory_pred_free(theory);
        }
        for (int r = 0; r < n; r++) {
            ss_result_free(rs[r]);
            rs[r] = NULL;
        }
        ss_scenario_free(sc);
    }
    ss_diag_free(diag);
    ss_free(vals);
    ss_free(slos);
    ss_free(rs);
    return st;
}
