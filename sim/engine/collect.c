/*
 * sim/engine/collect.c -- from a finished run to a self-contained ss_result: the
 * engine's counters and each model's report, copied raw (the figures are
 * derived by sim/result/result.c). Also the calls a model's report makes
 * (ss_report_rows, ss_report_part, ss_report_kf ...).
 */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "scalesim/mem.h"
#include "observe.h"
#include "sim_internal.h"

#define HOURS_PER_MONTH 730.0

ss_stats *ss_report_rows(ss_comp_report *out, int n)
{
    out->rows = ss_calloc((size_t)(n > 0 ? n : 1), sizeof *out->rows);
    out->n_rows = n;
    for (int i = 0; i < n; i++)
        ss_hist_init(&out->rows[i].wait);
    return out->rows;
}

void ss_report_part(ss_comp_report *out, const char *name, const int *rows, int n)
{
    out->parts = ss_realloc(out->parts, (size_t)(out->n_parts + 1) * sizeof *out->parts);
    ss_part *p = &out->parts[out->n_parts++];
    snprintf(p->name, sizeof p->name, "%s", name);
    p->rows = ss_malloc((size_t)(n > 0 ? n : 1) * sizeof *p->rows);
    memcpy(p->rows, rows, (size_t)n * sizeof *rows);
    p->n_rows = n;
}

ss_kfig *ss_report_kf(ss_comp_report *out, int i, int dc)
{
    return &out->kf[out->kf_first[i] + dc];
}

void ss_kf_hist(ss_kfig *k, const ss_hist *h)
{
    if (!k->hist)
        k->hist = ss_hist_new();
    ss_hist_merge(k->hist, h);
    k->set = true;
}

void ss_kf_list(ss_kfig *k, const double *v, int n)
{
    ss_free(k->list);
    k->list = ss_malloc((size_t)(n > 0 ? n : 1) * sizeof *k->list);
    memcpy(k->list, v, (size_t)n * sizeof *v);
    k->n_list = n;
    k->set = true;
}

static void collect_comp(ss_sim *sim, ss_rcomp *c, ss_comp_result *cr)
{
    const ss_scenario *sc = sim->sc;
    snprintf(cr->name, sizeof cr->name, "%s", c->name);
    cr->window_s = ss_sim_window_s(sim);
    cr->kind = c->ops->kind;
    ss_comp_report *rep = &cr->rep;
    snprintf(rep->all.instance, sizeof rep->all.instance, "all");
    ss_hist_init(&rep->all.wait);
    rep->usage_price = NAN;
    /* lay out the kind's figures: a slot each, a slot per datacenter
     * for a per-datacenter one */
    int n_defs = 0, n_slots = 0, n_brk = 0;
    for (const ss_kfig_def *d = c->ops->figures; d && d->name; d++, n_defs++)
        n_slots += (d->flags & SS_KF_PER_DC) ? sc->n_dcs : 1;
    if (c->brk)
        for (const ss_kfig_def *d = ss_breaker_figures; d->name; d++)
            n_brk++;
    int brk_first = n_slots;
    n_slots += n_brk;
    int *first = ss_calloc((size_t)(n_defs + 1), sizeof *first);
    rep->kf = ss_calloc((size_t)(n_slots ? n_slots : 1), sizeof *rep->kf);
    rep->n_kf = n_slots;
    rep->kf_first = first;
    cr->kf_names = ss_calloc((size_t)(n_slots ? n_slots : 1), sizeof *cr->kf_names);
    cr->kf_def = ss_calloc((size_t)(n_slots ? n_slots : 1), sizeof *cr->kf_def);
    int slot = 0;
    for (int i = 0; i < n_defs; i++) {
        const ss_kfig_def *d = &c->ops->figures[i];
        first[i] = slot;
        int n = (d->flags & SS_KF_PER_DC) ? sc->n_dcs : 1;
        for (int k = 0; k < n; k++, slot++) {
            cr->kf_def[slot] = d;
            if (d->flags & SS_KF_PER_DC)
                snprintf(cr->kf_names[slot], sizeof cr->kf_names[0], "%.20s_%.40s", d->name,
                         sc->dcs[k].name);
            else
                snprintf(cr->kf_names[slot], sizeof cr->kf_names[0], "%s", d->name);
        }
    }
    for (int i = 0; i < n_brk; i++) {
        cr->kf_def[brk_first + i] = &ss_breaker_figures[i];
        snprintf(cr->kf_names[brk_first + i], sizeof cr->kf_names[0], "%s",
                 ss_breaker_figures[i].name);
    }
    if (c->ops->report)
        c->ops->report(c->state, sim, rep);
    if (c->brk)
        ss_breaker_report(c->brk, sim, &rep->kf[brk_first]);
    rep->kf_first = NULL;
    ss_free(first);
    cr->fixed_month = rep->billable_instances * c->def->price_per_hour * HOURS_PER_MONTH;
    cr->usage_scale = c->ops->usage_scale;
    cr->pricing_price = c->def->usage_price;
}

void ss_report_build(ss_sim *sim, ss_result *res)
{
    const ss_scenario *sc = sim->sc;
    double window = ss_sim_window_s(sim);
    res->scenario = ss_strdup(sc->name);
    res->stage = sc->stage;
    res->seed = sim->seed;
    res->replication = sim->opts.replication;
    res->users = sc->wl.closed ? sc->wl.users : -1;
    res->window_s = window;
    res->events = sim->events;
    res->peak_in_flight = sim->wl.peak_inflight;
    res->requests_total = sim->wl.requests_total;
    res->request_bytes = sim->wl.req_bytes;
    res->event_bytes = ss_evq_bytes(sim->evq);
    res->event_queue = ss_evq_kind_name(ss_evq_kind_of(sim->evq));
    ss_hist_init(&res->lat);

    res->n_classes = sc->wl.n_classes;
    res->classes = ss_calloc((size_t)res->n_classes, sizeof *res->classes);
    for (int k = 0; k < res->n_classes; k++) {
        ss_class_result *cr = &res->classes[k];
        *cr = sim->wl.cres[k];
        cr->name = ss_strdup(sim->wl.cres[k].name);
        ss_hist_init(&cr->lat);
        ss_hist_merge(&cr->lat, &sim->wl.cres[k].lat);
        ss_hist_merge(&res->lat, &cr->lat);
        res->sent += cr->sent;
        res->ok += cr->ok;
        res->failed += cr->failed;
    }
    memcpy(res->fail_why, sim->wl.fail_why, sizeof res->fail_why);
    res->retry = sim->wl.retry;
    if (sc->wl.n_regions > 1) {
        res->n_regions = sc->wl.n_regions;
        res->regions = ss_calloc((size_t)res->n_regions, sizeof *res->regions);
        for (int i = 0; i < res->n_regions; i++) {
            res->regions[i] = sim->wl.rres[i];
            res->regions[i].name = ss_strdup(sim->wl.rres[i].name);
            ss_hist_init(&res->regions[i].lat);
            ss_hist_merge(&res->regions[i].lat, &sim->wl.rres[i].lat);
        }
    }
    ss_client_account_inflight(sim);
    res->inflight_ns = sim->wl.inflight_area;
    ss_obs_report(sim, res);

    res->n_comps = sim->n_comps;
    res->comps = ss_calloc((size_t)sim->n_comps, sizeof *res->comps);
    for (int i = 0; i < sim->n_comps; i++)
        collect_comp(sim, &sim->comps[i], &res->comps[i]);
    ss_result_finish(res);
}
