/* sim/exp/experiment.c -- files x sweep points x replications (see experiment.h). */
#include "experiment.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "agg.h"
#include "engine.h"
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

void ss_exp_point_values(const ss_exp *e, long p, char **vals)
{
    for (int s = e->n_sweeps - 1; s >= 0; s--) {
        vals[s] = e->sweeps[s].values[p % e->sweeps[s].n];
        p /= e->sweeps[s].n;
    }
}

/* Loads file at point p: the user's --set first, then the point's values
 * as --sweep overrides (so errors name the option that gave them). */
static ss_scenario *load_point(const ss_exp *e, const char *file, long p, ss_diag *d)
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
    ss_scenario *sc = ss_scenario_load_with(file, ov, n, &e->load, d);
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
    ss_free(rt);
    for (int i = 0; i < sc->n_sources; i++)
        add_unique(&info->sources, &info->n_sources, &info->cap_sources, sc->sources[i]);
    ss_time warm = e->run.warmup >= 0 ? e->run.warmup : sc->warmup;
    ss_time dur = e->run.duration >= 0 ? e->run.duration : sc->duration;
    info->max_end_s = fmax(info->max_end_s, ss_time_to_s(warm + dur));
    if (n > info->max_comps)
        info->max_comps = n;
}

bool ss_exp_check(const ss_exp *e, ss_diag *d, ss_exp_info *info)
{
    long points = ss_exp_points(e);
    /* the base files first, so that one broken file says so once */
    for (int i = 0; i < e->n_files; i++) {
        ss_scenario *sc = ss_scenario_load_with(e->files[i], e->sets, e->n_sets, &e->load, d);
        if (sc && e->n_sweeps == 0)
            note_scenario(e, info, sc);
        ss_scenario_free(sc);
    }
    for (int i = 0; i < e->n_files && !ss_diag_errors(d) && e->n_sweeps; i++)
        for (long p = 0; p < points && !ss_diag_errors(d); p++) {
            ss_scenario *sc = load_point(e, e->files[i], p, d);
            if (sc)
                note_scenario(e, info, sc);
            ss_scenario_free(sc);
        }
    return ss_diag_errors(d) == 0;
}

void ss_exp_info_free(ss_exp_info *info)
{
    for (int i = 0; i < info->n_names; i++)
        ss_free(info->names[i]);
    ss_free(info->names);
    for (int i = 0; i < info->n_sources; i++)
        ss_free(info->sources[i]);
    ss_free(info->sources);
    memset(info, 0, sizeof *info);
}

typedef struct run_ctx {
    const ss_exp_hooks *h;
    long run, runs;
    const char *name;
    double sim_end_s;
} run_ctx;

static void on_progress(void *ctx, double done, uint64_t events)
{
    run_ctx *c = ctx;
    c->h->progress(c->h->ctx, c->run, c->runs, c->name, done, c->sim_end_s, events);
}

/* The bottleneck named most often across the replications (ties: the
 * first replication's). */
static const char *usual_bottleneck(ss_result *const *rs, int n)
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

ss_status ss_exp_run(const ss_exp *e, const ss_exp_hooks *h, char *why, size_t why_len,
                     long *done)
{
    long points = ss_exp_points(e), runs = ss_exp_runs(e), k = 0;
    int reps = e->replications;
    ss_status st = SS_OK;
    *done = 0;
    ss_diag *diag = ss_diag_new();
    char **vals = ss_calloc((size_t)(e->n_sweeps + 1), sizeof *vals);
    ss_result **rs = ss_calloc((size_t)reps, sizeof *rs);
    for (int i = 0; i < e->n_files && st == SS_OK; i++)
        for (long p = 0; p < points && st == SS_OK; p++) {
            ss_scenario *sc = load_point(e, e->files[i], p, diag);
            if (!sc) { /* validated before: only the files changing meanwhile */
                ss_diag_first(diag, why, why_len);
                st = SS_INVALID;
                break;
            }
            ss_exp_point_values(e, p, vals);
            for (int r = 0; r < reps && st == SS_OK; r++, k++) {
                ss_run_opts o = e->run;
                o.replication = (unsigned)r;
                ss_time warm = o.warmup >= 0 ? o.warmup : sc->warmup;
                ss_time dur = o.duration >= 0 ? o.duration : sc->duration;
                run_ctx rc = {h, k, runs, sc->name, ss_time_to_s(warm + dur)};
                if (h && h->progress) {
                    o.progress = on_progress;
                    o.progress_ctx = &rc;
                }
                char msg[400] = "";
                o.error = msg;
                o.error_len = sizeof msg;
                if (o.stop && *o.stop)
                    st = SS_INTERRUPTED;
                else
                    st = ss_run(sc, &o, &rs[r]);
                if (st) {
                    snprintf(why, why_len, "%s: error: %s", sc->file,
                             msg[0] ? msg : ss_status_str(st));
                    break;
                }
                (*done)++;
                if (e->per_replication) {
                    ss_row row = {vals, rs[r], &rs[r], 1, {0}, {0}, ""};
                    memcpy(row.fig, rs[r]->fig, sizeof row.fig);
                    for (int f = 0; f < SS_FIGS; f++)
                        row.ci95[f] = NAN;
                    snprintf(row.bottleneck, sizeof row.bottleneck, "%s", rs[r]->bottleneck);
                    emit(h, &row);
                    rs[r] = NULL;
                }
            }
            if (st == SS_OK && !e->per_replication) {
                ss_row row = {vals, rs[0], rs, reps, {0}, {0}, ""};
                ss_agg_figures((const ss_result *const *)rs, reps, row.fig, row.ci95);
                snprintf(row.bottleneck, sizeof row.bottleneck, "%s", usual_bottleneck(rs, reps));
                emit(h, &row);
            } else if (st != SS_OK) {
                for (int r = 0; r < reps; r++)
                    ss_result_free(rs[r]);
            }
            memset(rs, 0, (size_t)reps * sizeof *rs);
            ss_scenario_free(sc);
        }
    ss_free(rs);
    ss_free(vals);
    ss_diag_free(diag);
    return st;
}
