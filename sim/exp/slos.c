/*
 * sim/exp/slos.c -- the SLOs of a run: the command line's, then its
 * scenario's `slo:`, parsed (sim/result/slo.c) and their figures checked
 * against the scenario, so that a typo is an error before anything runs
 * rather than an SLO that is unresolved forever.
 */
#include "slos.h"

#include <stdio.h>
#include <string.h>

#include "registry.h"
#include "sweep.h"
#include "scalesim/mem.h"

static const char *const group_figs[] = {"sent", "ok", "failed", "error_rate", "mean_ms",
                                         "p50_ms", "p95_ms", "p99_ms", NULL};

static bool in_list(const char *s, size_t len, const char *const *list)
{
    for (; *list; list++)
        if (strlen(*list) == len && strncmp(*list, s, len) == 0)
            return true;
    return false;
}

static bool summary_figure(const char *f)
{
    for (int i = 0; i < SS_FIGS; i++)
        if (strcmp(f, ss_fig_name(i)) == 0)
            return true;
    for (int i = 0; i < SS_DYNS; i++)
        if (strcmp(f, ss_dyn_name(i)) == 0)
            return true;
    static const char *const more[] = {"availability", "availability.worst_interval",
                                       "mean_in_flight", "users", NULL};
    return in_list(f, strlen(f), more);
}

static bool request_figure(const char *w)
{
    static const char *const names[] = {
        "sent", "ok", "failed",
#define XX(id, name) name,
        SS_FAIL_MAP(XX)
#undef XX
        NULL};
    return strcmp(w, "none") != 0 && in_list(w, strlen(w), names);
}

static bool component_figure(const ss_component *c, const char *fig)
{
    for (int s = 0; s < SS_STATS; s++)
        if (strcmp(fig, ss_stat_name(s)) == 0)
            return true;
    if (strcmp(fig, "cost_month_usd") == 0)
        return true;
    for (const ss_kfig_def *d = c->ops->figures; d && d->name; d++) {
        size_t n = strlen(d->name);
        if (strcmp(fig, d->name) == 0 ||
            ((d->flags & SS_KF_PER_DC) && strncmp(fig, d->name, n) == 0 && fig[n] == '_'))
            return true;
    }
    return false;
}

/* Whether fig names a figure runs of sc report; why says what is wrong. */
static bool figure_known(const ss_scenario *sc, const char *fig, char *why, size_t n)
{
    if (summary_figure(fig))
        return true;
    if (strncmp(fig, "requests.", 9) == 0) {
        if (request_figure(fig + 9))
            return true;
        snprintf(why, n, "requests has sent, ok, failed and the failures by cause "
                 "(rejected, down, timeout, error, limited), got \"%s\"", fig + 9);
        return false;
    }
    const char *dot = strrchr(fig, '.');
    bool cls = strncmp(fig, "classes.", 8) == 0, reg = strncmp(fig, "regions.", 8) == 0;
    if ((cls || reg) && dot > fig + 8) {
        const char *name = fig + 8;
        size_t len = (size_t)(dot - name);
        bool found = false;
        int count = cls ? sc->wl.n_classes : sc->n_regions;
        for (int i = 0; i < count && !found; i++) {
            const char *g = cls ? sc->wl.classes[i].name : sc->region_names[i];
            found = strlen(g) == len && strncmp(g, name, len) == 0;
        }
        if (!found) {
            snprintf(why, n, "no %s \"%.*s\" in the scenario", cls ? "request class" : "region",
                     (int)len, name);
            return false;
        }
        if (in_list(dot + 1, strlen(dot + 1), group_figs))
            return true;
        snprintf(why, n, "a %s has sent, ok, failed, error_rate, mean_ms, p50_ms, p95_ms and "
                 "p99_ms, got \"%s\"", cls ? "class" : "region", dot + 1);
        return false;
    }
    if (strncmp(fig, "components.", 11) == 0 && dot > fig + 11) {
        const char *name = fig + 11;
        /* as ss_result_figure reads it: NAME[@DC][[PART]].FIGURE */
        const char *br = memchr(name, '[', (size_t)(dot - name));
        size_t full = (size_t)((br ? br : dot) - name), len = strcspn(name, "@[.");
        if (len < full && name[len] == '.') {
            snprintf(why, n, "no component \"%.*s\": a part of a component is written "
                     "NAME[PART].FIGURE, e.g. components.db[r1].util", (int)full, name);
            return false;
        }
        for (int i = 0; i < sc->n_comps; i++) {
            const ss_component *c = &sc->comps[i];
            if (strlen(c->name) != len || strncmp(c->name, name, len) != 0)
                continue;
            if (component_figure(c, dot + 1))
                return true;
            snprintf(why, n, "%s (%s) has no figure \"%s\" (see --kinds and the README's "
                     "Reports)", c->name, c->ops->kind, dot + 1);
            return false;
        }
        snprintf(why, n, "no component \"%.*s\" in the scenario", (int)len, name);
        return false;
    }
    snprintf(why, n, "unknown figure \"%s\": a summary figure (p95_ms, error_rate, "
             "cost_month_usd ...), availability, or classes.NAME.FIGURE", fig);
    return false;
}

/* Reports an --slo problem with a caret under the command line's text. */
static void cli_error(ss_diag *d, const char *text, int col, const char *msg)
{
    char line[400];
    snprintf(line, sizeof line, "--slo %s", text);
    const char *src = ss_diag_add_source(d, "<command line>", line);
    ss_diag_error(d, (ss_mark){src, 1, 7 + col}, "--slo: %s", msg);
}

bool ss_exp_slos(const ss_exp *e, const ss_scenario *sc, ss_slo *out, int *n, ss_diag *d,
                 bool *cli_bad)
{
    char why[300];
    bool ok = true;
    bool said = cli_bad && *cli_bad; /* a wrong --slo is said once */
    *n = 0;
    for (int i = 0; i < e->n_slos; i++) {
        const char *t = e->slos[i];
        ss_slo s;
        if (!ss_slo_parse(t, &s, why, sizeof why) || !figure_known(sc, s.figure, why, sizeof why)) {
            if (d && !said)
                cli_error(d, t, 0, why);
            if (cli_bad)
                *cli_bad = true;
            ok = false;
            continue;
        }
        if (*n < SS_MAX_SLOS)
            out[(*n)++] = s;
    }
    for (int i = 0; i < sc->n_slo; i++) {
        ss_slo s;
        if (!ss_slo_parse(sc->slo[i], &s, why, sizeof why) ||
            !figure_known(sc, s.figure, why, sizeof why)) {
            if (d)
                ss_diag_error(d, sc->slo_mark[i], "slo[%d]: %s", i, why);
            ok = false;
            continue;
        }
        bool dup = false; /* the same SLO twice (command line and file) is one */
        for (int k = 0; k < *n && !dup; k++)
            dup = strcmp(out[k].text, s.text) == 0;
        if (!dup && *n < SS_MAX_SLOS)
            out[(*n)++] = s;
    }
    if (*n == SS_MAX_SLOS && e->n_slos + sc->n_slo > SS_MAX_SLOS) {
        if (d)
            ss_diag_error(d, sc->n_slo ? sc->slo_mark[0] : (ss_mark){0}, "at most %d SLOs",
                          SS_MAX_SLOS);
        ok = false;
    }
    return ok;
}

/* A vary item's path must name a section an answer can change, and a
 * component the scenario has: a flow list such as [a.b=5s,10s] splits at
 * its commas, and "10s" would otherwise pass as a path nobody can change. */
static const char *const answer_sections[] = {"simulation", "workload", "network", "components",
                                              "datacenters", "faults", "pricing", NULL};

static bool vary_path_known(const ss_scenario *sc, const char *item, char *why, size_t n)
{
    size_t plen = strcspn(item, "="), top = strcspn(item, ".");
    if (top > plen)
        top = plen;
    if (!in_list(item, top, answer_sections)) {
        snprintf(why, n, "expected a path such as components.app.instances=10:80:2 (a list "
                 "written [a=1,2] splits at its commas: quote the item), got \"%.*s\"",
                 (int)plen, item);
        return false;
    }
    if (top == 10 && top < plen) { /* components.NAME... */
        const char *name = item + top + 1;
        size_t len = strcspn(name, ".[=");
        char buf[128];
        if (len >= sizeof buf || len == 0) {
            snprintf(why, n, "expected components.NAME..., got \"%.*s\"", (int)plen, item);
            return false;
        }
        memcpy(buf, name, len);
        buf[len] = '\0';
        if (ss_scenario_find_component(sc, buf) < 0) {
            snprintf(why, n, "no component \"%s\" in the scenario", buf);
            return false;
        }
    }
    return true;
}

bool ss_exp_exercise_slos(const ss_scenario *sc, ss_slo *out, int *n, ss_diag *d)
{
    const ss_exercise *ex = &sc->ex;
    char why[300];
    bool ok = true;
    *n = 0;
    for (int i = 0; i < ex->n_slo; i++) {
        ss_slo s;
        if (!ss_slo_parse(ex->slo[i], &s, why, sizeof why) ||
            !figure_known(sc, s.figure, why, sizeof why)) {
            if (d)
                ss_diag_error(d, ex->slo_mark[i], "exercise.slo[%d]: %s", i, why);
            ok = false;
        } else if (*n < SS_MAX_SLOS) {
            out[(*n)++] = s;
        }
    }
    for (int i = 0; i < ex->n_vary; i++) {
        ss_sweep sw;
        if (!vary_path_known(sc, ex->vary[i], why, sizeof why)) {
            if (d)
                ss_diag_error(d, ex->vary_mark[i], "exercise.vary[%d]: %s", i, why);
            ok = false;
            continue;
        }
        if (!strchr(ex->vary[i], '='))
            continue; /* a path an answer may change, not searched */
        if (!ss_sweep_parse(ex->vary[i], &sw, why, sizeof why)) {
            if (d)
                ss_diag_error(d, ex->vary_mark[i], "exercise.vary[%d]: %s", i, why);
            ok = false;
        } else {
            ss_sweep_release(&sw);
        }
    }
    return ok;
}

void ss_exp_judge(const ss_slo *slos, int n, ss_row *row)
{
    row->n_slo = n;
    row->verdict = SS_VERDICT_NONE;
    for (int i = 0; i < n; i++) {
        ss_slo_judge(&slos[i], (const ss_result *const *)row->reps, row->n_reps, &row->slo[i]);
        row->verdict = ss_verdict_worse(row->verdict, row->slo[i].verdict);
    }
}
