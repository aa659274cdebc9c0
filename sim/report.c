/*
 * sim/report.c -- from a finished run to an ss_result.
 *
 * Cost per month: each instance's hourly price x 730 hours, plus per-use
 * prices (DNS queries, CDN egress, broker messages) scaled from the measured
 * window to a month of 730 hours. The bottleneck is the component with the
 * highest utilisation (ties: the first in the scenario); a component made
 * of unlike parts (a database) competes with its busiest part.
 */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "scalesim/mem.h"
#include "observe.h"
#include "sim_internal.h"

#define HOURS_PER_MONTH 730.0

const char *ss_fig_name(ss_fig f)
{
    switch (f) {
#define XX(id, name, dec) case SS_FIG_##id: return name;
        SS_FIG_MAP(XX)
#undef XX
    case SS_FIGS: break;
    }
    return "?";
}

int ss_fig_decimals(ss_fig f)
{
    switch (f) {
#define XX(id, name, dec) case SS_FIG_##id: return dec;
        SS_FIG_MAP(XX)
#undef XX
    case SS_FIGS: break;
    }
    return 3;
}

ss_comp_row *ss_report_rows(ss_comp_report *out, int n)
{
    out->rows = ss_calloc((size_t)(n > 0 ? n : 1), sizeof *out->rows);
    out->n_rows = n;
    return out->rows;
}

void ss_report_extra(ss_comp_report *out, const char *fmt, ...)
{
    size_t used = strlen(out->extra);
    if (used >= sizeof out->extra - 1)
        return;
    if (used)
        out->extra[used++] = ';';
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(out->extra + used, sizeof out->extra - used, fmt, ap);
    va_end(ap);
}

void ss_result_warn(ss_result *res, const char *fmt, ...)
{
    if (res->n_warnings >= (int)(sizeof res->warnings / sizeof res->warnings[0]))
        return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(res->warnings[res->n_warnings++], sizeof res->warnings[0], fmt, ap);
    va_end(ap);
}

static double quantile_ms(const ss_hist *h, double q)
{
    double v;
    return ss_hist_quantile(h, q, &v) ? v * 1e-6 : NAN;
}

uint64_t ss_result_quantile_need(double q)
{
    return (uint64_t)ceil(10 / (1 - q) - 1e-9);
}

double ss_result_quantile_ms(const ss_hist *h, double q)
{
    return h->n >= ss_result_quantile_need(q) ? quantile_ms(h, q) : NAN;
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
    res->peak_in_flight = sim->peak_inflight;
    res->requests_total = sim->requests_total;
    res->request_bytes = sim->req_bytes;
    res->event_bytes = ss_evq_bytes(sim->evq);
    res->event_queue = ss_evq_kind_name(ss_evq_kind_of(sim->evq));
    ss_hist_init(&res->lat);

    res->n_classes = sc->wl.n_classes;
    res->classes = ss_calloc((size_t)res->n_classes, sizeof *res->classes);
    for (int k = 0; k < res->n_classes; k++) {
        ss_class_result *cr = &res->classes[k];
        *cr = sim->cres[k];
        cr->name = ss_strdup(sim->cres[k].name);
        ss_hist_init(&cr->lat);
        ss_hist_merge(&cr->lat, &sim->cres[k].lat);
        ss_hist_merge(&res->lat, &cr->lat);
        res->sent += cr->sent;
        res->ok += cr->ok;
        res->failed += cr->failed;
    }
    memcpy(res->fail_why, sim->fail_why, sizeof res->fail_why);
    if (sc->wl.n_regions > 1) {
        res->n_regions = sc->wl.n_regions;
        res->regions = ss_calloc((size_t)res->n_regions, sizeof *res->regions);
        for (int i = 0; i < res->n_regions; i++) {
            res->regions[i] = sim->rres[i];
            res->regions[i].name = ss_strdup(sim->rres[i].name);
            ss_hist_init(&res->regions[i].lat);
            ss_hist_merge(&res->regions[i].lat, &sim->rres[i].lat);
        }
    }
    ss_client_account_inflight(sim);
    res->mean_in_flight = window > 0 ? sim->inflight_area / (window * 1e9) : NAN;

    double *fig = res->fig;
    fig[SS_FIG_OFFERED_RPS] = window > 0 ? (double)res->sent / window : NAN;
    fig[SS_FIG_THROUGHPUT_RPS] = window > 0 ? (double)res->ok / window : NAN;
    double mean;
    fig[SS_FIG_MEAN_MS] = ss_hist_mean(&res->lat, &mean) ? mean * 1e-6 : NAN;
    /* A percentile means something only with answers beyond it: ask for
     * ten (P50: 20 answers, P95: 200, P99: 1000), else report none and
     * say why rather than print a number that looks precise. */
    static const struct { ss_fig fig; double q; const char *name; } pct[] = {
        {SS_FIG_P50_MS, 0.50, "p50"}, {SS_FIG_P95_MS, 0.95, "p95"}, {SS_FIG_P99_MS, 0.99, "p99"}};
    for (int i = 0; i < 3; i++) {
        uint64_t need = ss_result_quantile_need(pct[i].q);
        if (res->lat.n >= need) {
            fig[pct[i].fig] = quantile_ms(&res->lat, pct[i].q);
        } else {
            fig[pct[i].fig] = NAN;
            if (res->lat.n > 0)
                ss_result_warn(res, "%s not reported: %llu answers are too few (it needs %llu)",
                               pct[i].name, (unsigned long long)res->lat.n,
                               (unsigned long long)need);
        }
    }
    uint64_t done = res->ok + res->failed;
    fig[SS_FIG_ERROR_RATE] = done ? (double)res->failed / (double)done : NAN;
    ss_obs_report(sim, res);

    res->n_comps = sim->n_comps;
    res->comps = ss_calloc((size_t)sim->n_comps, sizeof *res->comps);
    double cost = 0, best_util = -1;
    double month_s = HOURS_PER_MONTH * 3600;
    for (int i = 0; i < sim->n_comps; i++) {
        ss_rcomp *c = &sim->comps[i];
        ss_comp_result *cr = &res->comps[i];
        snprintf(cr->name, sizeof cr->name, "%s", c->name);
        cr->kind = c->ops->kind;
        /* what a model does not fill does not exist */
        ss_comp_row *a = &cr->rep.all;
        a->throughput_rps = a->util = a->mean_queue = a->mean_wait_ms = a->p95_wait_ms = NAN;
        a->hit_ratio = a->wait_prob = NAN;
        cr->rep.peak_util = NAN;
        cr->rep.usage_price = NAN;
        snprintf(cr->rep.all.instance, sizeof cr->rep.all.instance, "all");
        if (c->ops->report)
            c->ops->report(c->state, sim, &cr->rep);
        cr->cost_month = cr->rep.billable_instances * c->def->price_per_hour * HOURS_PER_MONTH;
        if (window > 0 && !isnan(cr->rep.usage_price))
            cr->cost_month += cr->rep.usage_units * cr->rep.usage_price * month_s / window;
        else if (window > 0 && c->ops->usage_scale > 0)
            cr->cost_month += cr->rep.usage_units / c->ops->usage_scale * c->def->usage_price *
                              month_s / window;
        cost += cr->cost_month;
        double util = isnan(cr->rep.peak_util) ? cr->rep.all.util : cr->rep.peak_util;
        if (!isnan(util) && util > best_util) {
            best_util = util;
            if (cr->rep.peak_part[0])
                snprintf(res->bottleneck, sizeof res->bottleneck, "%.60s.%.63s", c->name,
                         cr->rep.peak_part);
            else
                snprintf(res->bottleneck, sizeof res->bottleneck, "%s", c->name);
        }
    }
    fig[SS_FIG_COST_MONTH] = cost;
    double per_month = fig[SS_FIG_THROUGHPUT_RPS] * month_s;
    fig[SS_FIG_COST_PER_MILLION] = per_month > 0 ? cost / (per_month / 1e6) : NAN;
    fig[SS_FIG_BOTTLENECK_UTIL] = best_util >= 0 ? best_util : NAN;
}

void ss_result_free(ss_result *r)
{
    if (!r)
        return;
    for (int k = 0; k < r->n_classes; k++) {
        ss_hist_release(&r->classes[k].lat);
        ss_free(r->classes[k].name);
    }
    for (int k = 0; k < r->n_regions; k++) {
        ss_hist_release(&r->regions[k].lat);
        ss_free(r->regions[k].name);
    }
    ss_free(r->scenario);
    ss_free(r->regions);
    for (size_t i = 0; i < r->n_series; i++)
        ss_free(r->series[i].util);
    ss_free(r->series);
    ss_free(r->breakdown);
    for (int i = 0; i < r->n_comps; i++)
        ss_free(r->comps[i].rep.rows);
    ss_hist_release(&r->lat);
    ss_free(r->classes);
    ss_free(r->comps);
    ss_free(r);
}
