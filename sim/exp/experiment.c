/* sim/exp/experiment.c -- files x sweep points x replications (see experiment.h). */
#include "experiment.h"

#include <math.h>
#include <stdio.h>
#include <stdatomic.h>
#include <string.h>
#include <threads.h>

#include "agg.h"
#include "engine.h"
#include "predict.h"
#include "slos.h"
#include "scalesim/mem.h"

long ss_exp_points(const ss_exp *e)
{
    long points = 1;
    for (int s = 0; s < e->n_sweeps; s++)
        points *= e->sweeps[s].n;
    return points;
}

long ss_exp_runs(const ss_exp *e)
{
    return (long)e->n_files * ss_exp_points(e) * e->replications;
}

long ss_exp_rows(const ss_exp *e)
{
    return (long)e->n_files * ss_exp_points(e) * (e->per_replication ? e->replications : 1);
}

void ss_exp_slice(const ss_exp *e, long *first, long *end)
{
    long group = e->per_replication ? 1 : e->replications;
    long rows = ss_exp_rows(e);
    long lo = e->first_row < 0 ? 0 : e->first_row > rows ? rows : e->first_row;
    long hi = e->n_rows > 0 && e->n_rows < rows - lo ? lo + e->n_rows : rows;
    *first = lo * group;
    *end = hi * group;
}

void ss_exp_point_values(const ss_exp *e, long p, char **vals)
{
    for (int s = e->n_sweeps - 1; s >= 0; s--) {
        vals[s] = e->sweeps[s].values[p % e->sweeps[s].n];
        p /= e->sweeps[s].n;
    }
}

/* Loads file at point p: the user's --set first, then the point's values
 * as --sweep overrides (so errors name the option that gave them). */
ss_scenario *ss_exp_load(const ss_exp *e, const char *file, const ss_override *ov, int n,
                         ss_diag *d)
{
    for (int i = 0; e->texts && i < e->n_files; i++)
        if (e->files[i] == file)
            return ss_scenario_parse_with(file, e->texts[i], ov, n, &e->load, d);
    return ss_scenario_load_with(file, ov, n, &e->load, d);
}

ss_scenario *ss_exp_load_point(const ss_exp *e, const char *file, long p, ss_diag *d)
{
    ss_override *ov = ss_calloc((size_t)(e->n_sets + e->n_sweeps + 1), sizeof *ov);
    char **owned = ss_calloc((size_t)(e->n_sweeps + 1), sizeof *owned);
    char **vals = ss_calloc((size_t)(e->n_sweeps + 1), sizeof *vals);
    ss_exp_point_values(e, p, vals);
    int n = 0;
    for (int i = 0; i < e->n_sets; i++)
        ov[n++] = e->sets[i];
    for (int s = 0; s < e->n_sweeps; s++) {
        size_t len = strlen(e->sweeps[s].path) + strlen(vals[s]) + 2;
        owned[s] = ss_malloc(len);
        snprintf(owned[s], len, "%s=%s", e->sweeps[s].path, vals[s]);
        ov[n].option = "--sweep";
        ov[n++].text = owned[s];
    }
    ss_scenario *sc = ss_exp_load(e, file, ov, n, d);
    for (int s = 0; s < e->n_sweeps; s++)
        ss_free(owned[s]);
    ss_free(owned);
    ss_free(vals);
    ss_free(ov);
    return sc;
}

static void add_unique(char ***list, int *n, size_t *cap, const char *s)
{
    for (int k = 0; k < *n; k++)
        if (strcmp((*list)[k], s) == 0)
            return;
    SS_GROW(*list, *cap, (size_t)*n + 1);
    (*list)[(*n)++] = ss_strdup(s);
}

static void note_scenario(const ss_exp *e, ss_exp_info *info, const ss_scenario *sc)
{
    if (!info)
        return;
    char (*rt)[80] = ss_malloc(SS_MAX_COMPONENTS * SS_MAX_REGIONS * sizeof *rt);
    int n = ss_scenario_runtime_names(sc, rt, SS_MAX_COMPONENTS * SS_MAX_REGIONS);
    for (int i = 0; i < n; i++)
        add_unique(&info->names, &info->n_names, &info->cap_names, rt[i]);
    int nb = ss_scenario_breaker_names(sc, rt, SS_MAX_COMPONENTS * SS_MAX_REGIONS);
    for (int i = 0; i < nb; i++)
        add_unique(&info->brk_names, &info->n_brk_names, &info->cap_brk_names, rt[i]);
    info->dynamics |= nb > 0 || ss_scenario_retries(sc);
    ss_free(rt);
    for (int i = 0; i < sc->n_sources; i++)
        add_unique(&info->sources, &info->n_sources, &info->cap_sources, sc->sources[i]);
    ss_time warm = e->run.warmup >= 0 ? e->run.warmup : sc->warmup;
    ss_time dur = e->run.duration >= 0 ? e->run.duration : sc->duration;
    info->max_end_s = fmax(info->max_end_s, ss_time_to_s(warm + dur));
    if (n > info->max_comps)
        info->max_comps = n;
}

/* The SLO texts of runs of sc, into the columns; problems into d (NULL:
 * already reported). */
static void note_slos(const ss_exp *e, ss_exp_info *info, const ss_scenario *sc, ss_diag *d)
{
    ss_slo *s = ss_calloc(SS_MAX_SLOS, sizeof *s);
    int n = 0;
    bool bad = info && info->slo_usage;
    ss_exp_slos(e, sc, s, &n, d, &bad);
    if (info) {
        info->slo_usage = bad;
        for (int k = 0; k < n; k++)
            add_unique(&info->slo_texts, &info->n_slo_texts, &info->cap_slo_texts, s[k].text);
    }
    ss_free(s);
}

bool ss_exp_check(const ss_exp *e, ss_diag *d, ss_exp_info *info)
{
    long points = ss_exp_points(e);
    /* the base files first, so that one broken file says so once */
    for (int i = 0; i < e->n_files; i++) {
        ss_scenario *sc = ss_exp_load(e, e->files[i], e->sets, e->n_sets, d);
        if (sc && e->n_sweeps == 0)
            note_scenario(e, info, sc);
        if (sc)
            note_slos(e, info, sc, d);
        if (sc && sc->ex.present) {
            ss_slo *s = ss_calloc(SS_MAX_SLOS, sizeof *s);
            int n = 0;
            ss_exp_exercise_slos(sc, s, &n, d);
            ss_free(s);
        }
        ss_scenario_free(sc);
    }
    for (int i = 0; i < e->n_files && !ss_diag_errors(d) && e->n_sweeps; i++)
        for (long p = 0; p < points && !ss_diag_errors(d); p++) {
            ss_scenario *sc = ss_exp_load_point(e, e->files[i], p, d);
            if (sc) {
                note_scenario(e, info, sc);
                note_slos(e, info, sc, NULL);
            }
            ss_scenario_free(sc);
        }
    return ss_diag_errors(d) == 0;
}

void ss_exp_info_free(ss_exp_info *info)
{
    for (int i = 0; i < info->n_names; i++)
        ss_free(info->names[i]);
    ss_free(info->names);
    for (int i = 0; i < info->n_brk_names; i++)
        ss_free(info->brk_names[i]);
    ss_free(info->brk_names);
    for (int i = 0; i < info->n_sources; i++)
        ss_free(info->sources[i]);
    ss_free(info->sources);
    for (int i = 0; i < info->n_slo_texts; i++)
        ss_free(info->slo_texts[i]);
    ss_free(info->slo_texts);
    memset(info, 0, sizeof *info);
}

/* ---- running: in order, or on a pool of threads ---------------------------- *
 *
 * Run k is (file, point, replication) = (k / (points reps), k / reps %
 * points, k % reps): replications of one point are consecutive, and a row
 * is complete when its runs are. Workers take runs in index order from a
 * shared counter; a run's result goes to its slot; the caller's thread
 * writes each row as soon as it and every row before it are complete, so
 * the output is the same for any number of threads, and nothing waits to
 * be written longer than it must. Workers stay at most `window` runs ahead
 * of the rows written, which bounds the results held (the window holds at
 * least one row's replications). A point's scenario is loaded once, by the
 * first run that needs it, and freed after its last.
 */

typedef struct slot {
    ss_result *res;
    ss_status st;
    char why[600];
    bool done;
    ss_slo *slos;           /* the run's SLOs (NULL: none), parsed      */
    int n_slos;
    ss_theory_pred *theory; /* --theory, for the first run of a row     */
    _Atomic double frac;    /* of its simulated time, while it runs     */
    _Atomic uint64_t events;
} slot;

typedef struct point_ref {
    long g;                 /* file x point index, or -1               */
    ss_scenario *sc;
    int left;               /* runs of it not yet finished              */
} point_ref;

typedef struct pool {
    const ss_exp *e;
    const ss_exp_hooks *h;
    long first, runs;       /* the slice: runs [first, runs)            */
    long points, window;
    int reps, jobs;
    slot *slots;            /* ring: run k in slots[k % window]         */
    point_ref *pts;         /* ring: point g in pts[g % window]         */
    mtx_t mu;
    cnd_t work, done;       /* room in the window; a run finished       */
    long next;              /* the next run to take                     */
    long written;           /* runs whose rows are written (or dropped) */
    bool abort;             /* a run failed or was interrupted          */
    ss_diag *diag;          /* loading errors (files changed meanwhile) */
    long completed;         /* runs finished well, in any order         */
} pool;

typedef struct run_ctx {
    pool *pl;
    slot *sl;
    long run;
    const char *name;
    double sim_end_s;
} run_ctx;

static void on_progress(void *ctx, double done, uint64_t events)
{
    run_ctx *c = ctx;
    c->sl->frac = done;
    c->sl->events = events;
    /* one thread: the bar follows the run as it goes */
    if (c->pl->jobs == 1 && c->pl->h && c->pl->h->progress)
        c->pl->h->progress(c->pl->h->ctx, c->run - c->pl->first, c->pl->runs - c->pl->first,
                           c->name, done, c->sim_end_s,
                           events);
}

/* The scenario of the point of run k, loaded the first time (under mu). */
static ss_scenario *point_of(pool *pl, long k, char *why, size_t n)
{
    long g = k / pl->reps;
    point_ref *pr = &pl->pts[g % pl->window];
    if (pr->g != g) {
        int file = (int)(g / pl->points);
        long p = g % pl->points;
        pr->g = g;
        pr->left = pl->reps;
        pr->sc = ss_exp_load_point(pl->e, pl->e->files[file], p, pl->diag);
        if (!pr->sc)
            ss_diag_first(pl->diag, why, n);
    }
    return pr->sc;
}

static void point_done(pool *pl, long k)
{
    point_ref *pr = &pl->pts[(k / pl->reps) % pl->window];
    if (--pr->left == 0) {
        ss_scenario_free(pr->sc);
        pr->sc = NULL;
        pr->g = -1;
    }
}

/* Takes run k, runs it, leaves the result in its slot. Called with mu
 * held; runs without it. */
static void do_run(pool *pl, long k)
{
    slot *sl = &pl->slots[k % pl->window];
    memset(sl, 0, sizeof *sl);
    ss_scenario *sc = point_of(pl, k, sl->why, sizeof sl->why);
    mtx_unlock(&pl->mu);
    ss_status st;
    if (!sc) { /* validated before: only a file changing meanwhile */
        st = SS_INVALID;
    } else {
        ss_run_opts o = pl->e->run;
        o.replication = (unsigned)(k % pl->reps);
        ss_time warm = o.warmup >= 0 ? o.warmup : sc->warmup;
        ss_time dur = o.duration >= 0 ? o.duration : sc->duration;
        run_ctx rc = {pl, sl, k, sc->name, ss_time_to_s(warm + dur)};
        o.progress = on_progress;
        o.progress_ctx = &rc;
        char msg[400] = "";
        o.error = msg;
        o.error_len = sizeof msg;
        st = o.stop && *o.stop ? SS_INTERRUPTED : ss_run(sc, &o, &sl->res);
        if (st)
            snprintf(sl->why, sizeof sl->why, "%s: error: %s", sc->file,
                     msg[0] ? msg : ss_status_str(st));
        if (!st && (pl->e->n_slos || sc->n_slo)) {
            sl->slos = ss_calloc(SS_MAX_SLOS, sizeof *sl->slos);
            ss_exp_slos(pl->e, sc, sl->slos, &sl->n_slos, NULL, NULL);
        }
        if (!st && pl->e->theory && (pl->e->per_replication || k % pl->reps == 0))
            sl->theory = ss_predict_eval(sc, sl->res);
    }
    mtx_lock(&pl->mu);
    sl->st = st;
    sl->done = true;
    sl->frac = 1;
    if (st)
        pl->abort = true;
    else
        pl->completed++;
    if (sc)
        point_done(pl, k);
    cnd_broadcast(&pl->done);
}

static int worker(void *arg)
{
    pool *pl = arg;
    mtx_lock(&pl->mu);
    for (;;) {
        while (!pl->abort && pl->next < pl->runs && pl->next >= pl->written + pl->window)
            cnd_wait(&pl->work, &pl->mu);
        if (pl->abort || pl->next >= pl->runs)
            break;
        do_run(pl, pl->next++);
    }
    mtx_unlock(&pl->mu);
    return 0;
}

/* The bar for several threads, drawn by the caller's thread: the runs
 * done and the share of the ones under way. */
static void draw_pool(pool *pl)
{
    if (!pl->h || !pl->h->progress)
        return;
    double part = 0;
    uint64_t events = 0;
    long lo = pl->written, hi = pl->next;
    for (long k = lo; k < hi; k++) {
        slot *sl = &pl->slots[k % pl->window];
        if (!sl->done)
            part += sl->frac;
        events += sl->events;
    }
    double total = (double)pl->completed + part;
    long whole = (long)total;
    long n = pl->runs - pl->first;
    if (whole >= n)
        whole = n - 1;
    pl->h->progress(pl->h->ctx, whole, n, "runs", total - (double)whole, 0, events);
}

/* The bottleneck named most often across the replications (ties: the
 * first replication's). */
const char *ss_exp_usual_bottleneck(ss_result *const *rs, int n)
{
    int best = 0, best_n = 0;
    for (int a = 0; a < n; a++) {
        int k = 0;
        for (int b = 0; b < n; b++)
            k += strcmp(rs[a]->bottleneck, rs[b]->bottleneck) == 0;
        if (k > best_n) {
            best_n = k;
            best = a;
        }
    }
    return rs[best]->bottleneck;
}

static void emit(const ss_exp_hooks *h, ss_row *row)
{
    if (h && h->row)
        h->row(h->ctx, row);
    for (int r = 0; r < row->n_reps; r++)
        ss_result_free(row->reps[r]);
}

/* Writes the rows whose runs are all done, in order; false at a failed
 * run (its message into why), leaving the rows after it unwritten. */
static bool write_ready(pool *pl, char *why, size_t why_len, ss_status *st)
{
    const ss_exp *e = pl->e;
    int group = e->per_replication ? 1 : pl->reps;
    char **vals = ss_calloc((size_t)(e->n_sweeps + 1), sizeof *vals);
    ss_result **rs = ss_calloc((size_t)group, sizeof *rs);
    ss_slo *slos = NULL;
    int n_slos = 0;
    ss_theory_pred *theory = NULL;
    bool ok = true;
    while (pl->written < pl->runs) {
        long k0 = pl->written;
        bool ready = k0 + group <= pl->next;
        for (int r = 0; r < group && ready; r++)
            ready = pl->slots[(k0 + r) % pl->window].done;
        if (!ready)
            break;
        for (int r = 0; r < group; r++) {
            slot *sl = &pl->slots[(k0 + r) % pl->window];
            if (sl->st && ok) {
                ok = false;
                *st = sl->st;
                snprintf(why, why_len, "%s", sl->why);
            }
            rs[r] = sl->res;
            sl->res = NULL;
            if (r == 0) { /* the row's SLOs and theory are its first run's */
                slos = sl->slos;
                n_slos = sl->n_slos;
                theory = sl->theory;
            } else {
                ss_free(sl->slos);
                ss_theory_pred_free(sl->theory);
            }
            sl->slos = NULL;
            sl->theory = NULL;
            sl->done = false; /* the slot is free for run k + window */
        }
        if (!ok) {
            for (int r = 0; r < group; r++)
                ss_result_free(rs[r]);
            ss_free(slos);
            ss_theory_pred_free(theory);
            break;
        }
        pl->written += group;
        long g = k0 / pl->reps;
        ss_exp_point_values(e, g % pl->points, vals);
        /* the row is written without the lock: workers go on meanwhile */
        mtx_unlock(&pl->mu);
        ss_row row = {vals, rs[0], rs, group, {0}, {0}, "", .verdict = SS_VERDICT_NONE};
        if (group == 1) {
            memcpy(row.fig, rs[0]->fig, sizeof row.fig);
            for (int f = 0; f < SS_FIGS; f++)
                row.ci95[f] = NAN;
            snprintf(row.bottleneck, sizeof row.bottleneck, "%s", rs[0]->bottleneck);
        } else {
            ss_agg_figures((const ss_result *const *)rs, group, row.fig, row.ci95);
            snprintf(row.bottleneck, sizeof row.bottleneck, "%s",
                     ss_exp_usual_bottleneck(rs, group));
        }
        row.theory = theory;
        ss_exp_judge(slos, n_slos, &row);
        emit(pl->h, &row);
        ss_free(slos);
        slos = NULL;
        ss_theory_pred_free(theory);
        theory = NULL;
        mtx_lock(&pl->mu);
        cnd_broadcast(&pl->work);
    }
    ss_free(rs);
    ss_free(vals);
    return ok;
}

ss_status ss_exp_run(const ss_exp *e, const ss_exp_hooks *h, char *why, size_t why_len,
                     long *done)
{
    if (e->precision > 0)
        return ss_exp_run_precise(e, h, why, why_len, done);
    pool pl = {.e = e, .h = h, .points = ss_exp_points(e),
               .reps = e->replications, .jobs = e->jobs > 0 ? e->jobs : 1};
    ss_exp_slice(e, &pl.first, &pl.runs);
    pl.next = pl.written = pl.first; /* runs before the slice count as written */
    if (pl.jobs > 64)
        pl.jobs = 64;
    /* room for the threads to stay busy while a row's replications finish */
    pl.window = 4L * pl.jobs + 2L * pl.reps;
    pl.slots = ss_calloc((size_t)pl.window, sizeof *pl.slots);
    pl.pts = ss_calloc((size_t)pl.window, sizeof *pl.pts);
    for (long i = 0; i < pl.window; i++)
        pl.pts[i].g = -1;
    pl.diag = ss_diag_new();
    mtx_init(&pl.mu, mtx_plain);
    cnd_init(&pl.work);
    cnd_init(&pl.done);
    ss_status st = SS_OK;
    thrd_t th[64];
    int started = 0;
    mtx_lock(&pl.mu);
    if (pl.jobs == 1) {
        /* one thread: run in order, write each row as it completes */
        while (pl.next < pl.runs && !pl.abort) {
            do_run(&pl, pl.next++);
            if (!write_ready(&pl, why, why_len, &st))
                break;
        }
        if (st == SS_OK)
            write_ready(&pl, why, why_len, &st);
    } else {
        for (int t = 0; t < pl.jobs; t++)
            if (thrd_create(&th[started], worker, &pl) == thrd_success)
                started++;
        for (;;) {
            if (!write_ready(&pl, why, why_len, &st) || pl.written >= pl.runs)
                break;
            struct timespec ts;
            timespec_get(&ts, TIME_UTC);
            ts.tv_nsec += 100000000L;
            if (ts.tv_nsec >= 1000000000L) {
                ts.tv_sec++;
                ts.tv_nsec -= 1000000000L;
            }
            cnd_timedwait(&pl.done, &pl.mu, &ts);
            draw_pool(&pl);
        }
        pl.abort = true; /* whatever stopped the rows stops the workers */
        cnd_broadcast(&pl.work);
        mtx_unlock(&pl.mu);
        for (int t = 0; t < started; t++)
            thrd_join(th[t], NULL);
        mtx_lock(&pl.mu);
    }
    *done = pl.completed;
    mtx_unlock(&pl.mu);
    for (long i = 0; i < pl.window; i++) {
        ss_result_free(pl.slots[i].res);
        ss_free(pl.slots[i].slos);
        ss_theory_pred_free(pl.slots[i].theory);
        ss_scenario_free(pl.pts[i].sc);
    }
    ss_free(pl.slots);
    ss_free(pl.pts);
    ss_diag_free(pl.diag);
    mtx_destroy(&pl.mu);
    cnd_destroy(&pl.work);
    cnd_destroy(&pl.done);
    return st;
}
