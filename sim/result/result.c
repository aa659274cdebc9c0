/*
 * sim/result/result.c -- figures derived from a result's raw quantities, figures
 * by name, merging, freeing (see result.h).
 *
 * Every division here is written once and is the one the report always
 * made (utilisation is busy / (window_ns x cores x instances), in that
 * order of operations), so a result prints byte for byte what it did when
 * the engine computed the figures itself.
 *
 * Cost per month: each instance's hourly price x 730 hours, plus per-use
 * prices (DNS queries, CDN egress, broker messages, API calls) scaled from
 * the measured window to a month of 730 hours. The bottleneck is the
 * component with the highest utilisation (ties: the first in the
 * scenario); a component made of unlike parts (a database) competes with
 * its busiest part.
 */
#include "result.h"
#include "row.h"

#include "agg.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "scalesim/mem.h"

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

const char *ss_dyn_name(ss_dyn f)
{
    switch (f) {
#define XX(id, name, dec) case SS_DYN_##id: return name;
        SS_DYN_MAP(XX)
#undef XX
    case SS_DYNS: break;
    }
    return "?";
}

int ss_dyn_decimals(ss_dyn f)
{
    switch (f) {
#define XX(id, name, dec) case SS_DYN_##id: return dec;
        SS_DYN_MAP(XX)
#undef XX
    case SS_DYNS: break;
    }
    return 3;
}

const char *ss_stat_name(ss_stat s)
{
    switch (s) {
#define XX(id, name, dec, csv) case SS_STAT_##id: return name;
        SS_STAT_MAP(XX)
#undef XX
    case SS_STATS: break;
    }
    return "?";
}

int ss_stat_decimals(ss_stat s)
{
    switch (s) {
#define XX(id, name, dec, csv) case SS_STAT_##id: return dec;
        SS_STAT_MAP(XX)
#undef XX
    case SS_STATS: break;
    }
    return 3;
}

bool ss_stat_in_csv(ss_stat s)
{
    switch (s) {
#define XX(id, name, dec, csv) case SS_STAT_##id: return csv;
        SS_STAT_MAP(XX)
#undef XX
    case SS_STATS: break;
    }
    return false;
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

/* ---- rows ------------------------------------------------------------------ */

double ss_stats_value(const ss_stats *s, double window, ss_stat which)
{
    double window_ns = window * 1e9;
    switch (which) {
    case SS_STAT_ARRIVALS: return (double)s->arrivals;
    case SS_STAT_THROUGHPUT_RPS: return window > 0 ? (double)s->done / window : NAN;
    case SS_STAT_UTIL:
        return s->cores > 0 && window_ns > 0 ? s->busy_ns / (window_ns * s->cores * s->n) : NAN;
    case SS_STAT_MEAN_QUEUE: return s->queued && window_ns > 0 ? s->queue_ns / window_ns : NAN;
    case SS_STAT_MEAN_WAIT_MS:
        return s->queued && s->started ? s->wait_sum_ns / (double)s->started * 1e-6 : NAN;
    case SS_STAT_P95_WAIT_MS: return s->queued ? quantile_ms(&s->wait, 0.95) : NAN;
    case SS_STAT_REJECTED: return (double)s->rejected;
    case SS_STAT_HIT_RATIO: return s->looked ? (double)s->hits / (double)s->looked : NAN;
    case SS_STAT_WAIT_PROB:
        return s->queued && s->started ? (double)s->waited / (double)s->started : NAN;
    case SS_STATS: break;
    }
    return NAN;
}

/* ---- kind figures ---------------------------------------------------------------- */

static const ss_kfig_def *kdef(const ss_comp_result *c, int i)
{
    return c->kf_def[i];
}

double ss_kfig_value(const ss_comp_result *c, int i, double window_s)
{
    const ss_kfig_def *d = kdef(c, i);
    const ss_kfig *k = &c->rep.kf[i];
    if ((d->flags & SS_KF_OPTIONAL) && !k->set && d->type != SS_KF_DERIVED)
        return NAN;
    switch (d->type) {
    case SS_KF_COUNT:
    case SS_KF_SUM:
    case SS_KF_MAX:
    case SS_KF_LAST:
        return k->num;
    case SS_KF_RATIO: return k->den > 0 ? k->num / k->den : 0;
    case SS_KF_QUANTILE: return k->hist ? quantile_ms(k->hist, d->q) : NAN;
    case SS_KF_DERIVED: {
        /* the kind's figures of this component, as the table orders them
         * (a derived figure never reads a per-datacenter one) */
        return d->derive(c->rep.kf, window_s);
    }
    case SS_KF_LIST:
    case SS_KF_TEXT:
        return NAN;
    }
    return NAN;
}

bool ss_kfig_present(const ss_comp_result *c, int i, double window_s)
{
    const ss_kfig_def *d = kdef(c, i);
    const ss_kfig *k = &c->rep.kf[i];
    switch (d->type) {
    case SS_KF_LIST:
    case SS_KF_TEXT:
        return k->set;
    default:
        return !isnan(ss_kfig_value(c, i, window_s));
    }
}

bool ss_kfig_numeric(const ss_comp_result *c, int i)
{
    ss_kfig_type t = kdef(c, i)->type;
    return t != SS_KF_LIST && t != SS_KF_TEXT && !(t == SS_KF_DERIVED && kdef(c, i)->text);
}

int ss_kfig_decimals(const ss_comp_result *c, int i)
{
    return kdef(c, i)->decimals;
}

const char *ss_kfig_text(const ss_comp_result *c, int i, double window_s, char *buf, size_t n)
{
    const ss_kfig_def *d = kdef(c, i);
    const ss_kfig *k = &c->rep.kf[i];
    buf[0] = '\0';
    if (d->type == SS_KF_TEXT)
        snprintf(buf, n, "%s", k->text ? k->text : "");
    else if (d->type == SS_KF_DERIVED && d->text)
        snprintf(buf, n, "%s", d->text);
    else if (d->type == SS_KF_LIST) {
        size_t used = 0;
        for (int j = 0; j < k->n_list && used + 1 < n; j++) {
            int w = snprintf(buf + used, n - used, "%s%.*f", j ? "/" : "", d->decimals,
                             k->list[j]);
            if (w < 0)
                break;
            used += (size_t)w;
        }
    } else
        snprintf(buf, n, "%.*f", d->decimals, ss_kfig_value(c, i, window_s));
    return buf;
}

bool ss_comp_kfig(const ss_comp_result *c, const char *name, double window_s, double *v)
{
    for (int i = 0; i < c->rep.n_kf; i++)
        if (strcmp(c->kf_names[i], name) == 0 && ss_kfig_present(c, i, window_s)) {
            *v = ss_kfig_value(c, i, window_s);
            return true;
        }
    return false;
}

void ss_comp_extra(const ss_comp_result *c, double window_s, char *buf, size_t n)
{
    size_t used = 0;
    buf[0] = '\0';
    for (int i = 0; i < c->rep.n_kf && used + 1 < n; i++) {
        if (!ss_kfig_present(c, i, window_s))
            continue;
        char v[4096];
        ss_kfig_text(c, i, window_s, v, sizeof v);
        int w = snprintf(buf + used, n - used, "%s%s=%s", used ? ";" : "", c->kf_names[i], v);
        if (w < 0)
            break;
        used += (size_t)w < n - used ? (size_t)w : n - used - 1;
    }
}

/* ---- components ------------------------------------------------------------------ */

double ss_comp_cost(const ss_comp_result *c, double window)
{
    double month_s = HOURS_PER_MONTH * 3600;
    double cost = c->fixed_month;
    if (window > 0 && !isnan(c->rep.usage_price))
        cost += c->rep.usage_units * c->rep.usage_price * month_s / window;
    else if (window > 0 && c->usage_scale > 0)
        cost += c->rep.usage_units / c->usage_scale * c->pricing_price * month_s / window;
    return cost;
}

double ss_comp_peak(const ss_comp_result *c, double window, char *part, size_t n)
{
    double peak = NAN;
    if (part && n)
        part[0] = '\0';
    for (int p = 0; p < c->rep.n_parts; p++) {
        const ss_part *pt = &c->rep.parts[p];
        double sum = 0;
        int k = 0;
        for (int j = 0; j < pt->n_rows; j++) {
            double u = ss_stats_value(&c->rep.rows[pt->rows[j]], window, SS_STAT_UTIL);
            if (!isnan(u)) {
                sum += u;
                k++;
            }
        }
        if (k == 0 || !(isnan(peak) || sum / k > peak))
            continue;
        peak = sum / k;
        if (part && n)
            snprintf(part, n, "%s", pt->name);
    }
    return isnan(peak) ? ss_stats_value(&c->rep.all, window, SS_STAT_UTIL) : peak;
}

/* ---- the summary ------------------------------------------------------------------ */

static const struct {
    ss_fig fig;
    double q;
    const char *name;
} pct[] = {{SS_FIG_P50_MS, 0.50, "p50"}, {SS_FIG_P95_MS, 0.95, "p95"}, {SS_FIG_P99_MS, 0.99, "p99"}};

static void finish_dyn(ss_result *res)
{
    double window = res->window_s, *dyn = res->dyn;
    const ss_retry_counts *rc = &res->retry;
    for (int k = 0; k < SS_DYNS; k++)
        dyn[k] = NAN;
    res->has_dyn = rc->on;
    if (rc->on) {
        dyn[SS_DYN_ATTEMPTS_PER_REQUEST] = rc->first ? (double)rc->attempts / (double)rc->first : NAN;
        dyn[SS_DYN_RETRIES_SUPPRESSED] = (double)rc->suppressed;
        dyn[SS_DYN_GOODPUT_RPS] = window > 0 ? (double)rc->good / window : NAN;
    }
}

void ss_result_finish(ss_result *res)
{
    double window = res->window_s;
    double *fig = res->fig;
    res->mean_in_flight = window > 0 ? res->inflight_ns / (window * 1e9) : NAN;
    uint64_t finished = res->run_ok + res->run_failed;
    res->availability = finished ? (double)res->run_ok / (double)finished : NAN;
    fig[SS_FIG_OFFERED_RPS] = window > 0 ? (double)res->sent / window : NAN;
    fig[SS_FIG_THROUGHPUT_RPS] = window > 0 ? (double)res->ok / window : NAN;
    double mean;
    fig[SS_FIG_MEAN_MS] = ss_hist_mean(&res->lat, &mean) ? mean * 1e-6 : NAN;
    /* A percentile means something only with answers beyond it: ask for
     * ten (P50: 20 answers, P95: 200, P99: 1000), else report none. */
    for (int i = 0; i < 3; i++)
        fig[pct[i].fig] = ss_result_quantile_ms(&res->lat, pct[i].q);
    uint64_t done = res->ok + res->failed;
    fig[SS_FIG_ERROR_RATE] = done ? (double)res->failed / (double)done : NAN;
    double cost = 0, best_util = -1;
    res->bottleneck[0] = '\0';
    for (int i = 0; i < res->n_comps; i++) {
        const ss_comp_result *c = &res->comps[i];
        cost += ss_comp_cost(c, window);
        char part[72];
        double util = ss_comp_peak(c, window, part, sizeof part);
        if (!isnan(util) && util > best_util) {
            best_util = util;
            if (part[0])
                snprintf(res->bottleneck, sizeof res->bottleneck, "%.60s.%.63s", c->name, part);
            else
                snprintf(res->bottleneck, sizeof res->bottleneck, "%s", c->name);
        }
    }
    fig[SS_FIG_COST_MONTH] = cost;
    double per_month = fig[SS_FIG_THROUGHPUT_RPS] * HOURS_PER_MONTH * 3600;
    fig[SS_FIG_COST_PER_MILLION] = per_month > 0 ? cost / (per_month / 1e6) : NAN;
    fig[SS_FIG_BOTTLENECK_UTIL] = best_util >= 0 ? best_util : NAN;
    finish_dyn(res);
}

int ss_result_warnings(const ss_result *res, char (*out)[160], int max)
{
    int n = 0;
    for (int i = 0; i < 3 && n < max; i++) {
        uint64_t need = ss_result_quantile_need(pct[i].q);
        if (res->lat.n > 0 && res->lat.n < need)
            snprintf(out[n++], sizeof out[0],
                     "%s not reported: %llu answers are too few (it needs %llu)", pct[i].name,
                     (unsigned long long)res->lat.n, (unsigned long long)need);
    }
    return n;
}

/* ---- figures by name ----------------------------------------------------------------- */

static double group_figure(uint64_t sent, uint64_t ok, uint64_t failed, const ss_hist *lat,
                           const char *fig)
{
    double v;
    if (strcmp(fig, "sent") == 0)
        return (double)sent;
    if (strcmp(fig, "ok") == 0)
        return (double)ok;
    if (strcmp(fig, "failed") == 0)
        return (double)failed;
    if (strcmp(fig, "error_rate") == 0)
        return ok + failed ? (double)failed / (double)(ok + failed) : NAN;
    if (strcmp(fig, "mean_ms") == 0)
        return ss_hist_mean(lat, &v) ? v * 1e-6 : NAN;
    for (int i = 0; i < 3; i++) {
        char name[16];
        snprintf(name, sizeof name, "%s_ms", pct[i].name);
        if (strcmp(fig, name) == 0)
            return ss_result_quantile_ms(lat, pct[i].q);
    }
    return NAN;
}

static double comp_figure(const ss_result *res, const ss_comp_result *c, const ss_stats *row,
                          const char *fig)
{
    for (int s = 0; s < SS_STATS; s++)
        if (strcmp(fig, ss_stat_name(s)) == 0)
            return ss_stats_value(row, res->window_s, s);
    if (row != &c->rep.all)
        return NAN;
    if (strcmp(fig, "cost_month_usd") == 0)
        return ss_comp_cost(c, res->window_s);
    for (int i = 0; i < c->rep.n_kf; i++)
        if (strcmp(fig, c->kf_names[i]) == 0)
            return ss_kfig_value(c, i, res->window_s);
    return NAN;
}

double ss_result_figure(const ss_result *res, const char *name)
{
    for (int f = 0; f < SS_FIGS; f++)
        if (strcmp(name, ss_fig_name(f)) == 0)
            return res->fig[f];
    for (int f = 0; f < SS_DYNS; f++)
        if (strcmp(name, ss_dyn_name(f)) == 0)
            return res->dyn[f];
    if (strcmp(name, "availability") == 0)
        return res->availability;
    if (strcmp(name, "availability.worst_interval") == 0)
        return res->worst_availability;
    if (strcmp(name, "mean_in_flight") == 0)
        return res->mean_in_flight;
    if (strncmp(name, "requests.", 9) == 0) {
        static const char *const why[SS_FAIL_KINDS] = {
#define XX(id, name) name,
            SS_FAIL_MAP(XX)
#undef XX
        };
        const char *w = name + 9;
        if (strcmp(w, "sent") == 0)
            return (double)res->sent;
        if (strcmp(w, "ok") == 0)
            return (double)res->ok;
        if (strcmp(w, "failed") == 0)
            return (double)res->failed;
        for (int k = 1; k < SS_FAIL_KINDS; k++)
            if (strcmp(w, why[k]) == 0)
                return (double)res->fail_why[k];
        return NAN;
    }
    if (strcmp(name, "users") == 0)
        return res->users >= 0 ? (double)res->users : NAN;
    const char *dot = strrchr(name, '.');
    if (!dot)
        return NAN;
    const char *fig = dot + 1;
    if (strncmp(name, "classes.", 8) == 0 || strncmp(name, "regions.", 8) == 0) {
        size_t len = (size_t)(dot - name - 8);
        bool cls = name[0] == 'c';
        int n = cls ? res->n_classes : res->n_regions;
        for (int i = 0; i < n; i++) {
            const char *gn = cls ? res->classes[i].name : res->regions[i].name;
            if (strlen(gn) != len || strncmp(gn, name + 8, len) != 0)
                continue;
            if (cls) {
                const ss_class_result *g = &res->classes[i];
                return group_figure(g->sent, g->ok, g->failed, &g->lat, fig);
            }
            const ss_region_result *g = &res->regions[i];
            return group_figure(g->sent, g->ok, g->failed, &g->lat, fig);
        }
        return NAN;
    }
    if (strncmp(name, "components.", 11) == 0) {
        const char *cn = name + 11, *br = memchr(cn, '[', (size_t)(dot - cn));
        size_t len = (size_t)((br ? br : dot) - cn);
        for (int i = 0; i < res->n_comps; i++) {
            const ss_comp_result *c = &res->comps[i];
            if (strlen(c->name) != len || strncmp(c->name, cn, len) != 0)
                continue;
            if (!br)
                return comp_figure(res, c, &c->rep.all, fig);
            const char *close = memchr(br, ']', (size_t)(dot - br));
            if (!close || close + 1 != dot)
                return NAN;
            size_t il = (size_t)(close - br - 1);
            for (int r = 0; r < c->rep.n_rows; r++)
                if (strlen(c->rep.rows[r].instance) == il &&
                    strncmp(c->rep.rows[r].instance, br + 1, il) == 0)
                    return comp_figure(res, c, &c->rep.rows[r], fig);
            return NAN;
        }
    }
    return NAN;
}

/* ---- merge and free ----------------------------------------------------------------- */

static void stats_add(ss_stats *a, const ss_stats *b)
{
    a->arrivals += b->arrivals;
    a->done += b->done;
    a->rejected += b->rejected;
    a->started += b->started;
    a->waited += b->waited;
    a->wait_sum_ns += b->wait_sum_ns;
    a->busy_ns += b->busy_ns;
    a->queue_ns += b->queue_ns;
    a->hits += b->hits;
    a->looked += b->looked;
    ss_hist_merge(&a->wait, &b->wait);
}

static void kfig_add(ss_kfig *a, const ss_kfig *b, const ss_kfig_def *d)
{
    switch (d->type) {
    case SS_KF_COUNT:
    case SS_KF_SUM:
    case SS_KF_RATIO:
        a->num += b->num;
        a->den += b->den;
        break;
    case SS_KF_MAX:
        a->num = fmax(a->num, b->num);
        break;
    case SS_KF_LAST:
        a->num = b->num; /* b ran after a */
        break;
    case SS_KF_QUANTILE:
        if (b->hist) {
            if (!a->hist)
                a->hist = ss_hist_new();
            ss_hist_merge(a->hist, b->hist);
        }
        break;
    case SS_KF_LIST:
        for (int j = 0; j < a->n_list && j < b->n_list; j++)
            a->list[j] += b->list[j];
        break;
    case SS_KF_TEXT:
    case SS_KF_DERIVED:
        break;
    }
    a->set |= b->set;
}

bool ss_result_merge(ss_result *a, const ss_result *b)
{
    if (a->n_comps != b->n_comps || a->n_classes != b->n_classes ||
        a->n_regions != b->n_regions)
        return false;
    for (int i = 0; i < a->n_comps; i++)
        if (strcmp(a->comps[i].name, b->comps[i].name) != 0 ||
            a->comps[i].rep.n_rows != b->comps[i].rep.n_rows ||
            a->comps[i].rep.n_kf != b->comps[i].rep.n_kf)
            return false;
    a->window_s += b->window_s;
    a->sent += b->sent;
    a->ok += b->ok;
    a->failed += b->failed;
    for (int k = 0; k < SS_FAIL_KINDS; k++)
        a->fail_why[k] += b->fail_why[k];
    a->retry.first += b->retry.first;
    a->retry.attempts += b->retry.attempts;
    a->retry.suppressed += b->retry.suppressed;
    a->retry.good += b->retry.good;
    ss_hist_merge(&a->lat, &b->lat);
    a->inflight_ns += b->inflight_ns;
    for (int k = 0; k < a->n_classes; k++) {
        a->classes[k].sent += b->classes[k].sent;
        a->classes[k].ok += b->classes[k].ok;
        a->classes[k].failed += b->classes[k].failed;
        ss_hist_merge(&a->classes[k].lat, &b->classes[k].lat);
    }
    for (int k = 0; k < a->n_regions; k++) {
        a->regions[k].sent += b->regions[k].sent;
        a->regions[k].ok += b->regions[k].ok;
        a->regions[k].failed += b->regions[k].failed;
        ss_hist_merge(&a->regions[k].lat, &b->regions[k].lat);
    }
    for (int i = 0; i < a->n_comps; i++) {
        ss_comp_result *ca = &a->comps[i];
        const ss_comp_result *cb = &b->comps[i];
        stats_add(&ca->rep.all, &cb->rep.all);
        for (int r = 0; r < ca->rep.n_rows; r++)
            stats_add(&ca->rep.rows[r], &cb->rep.rows[r]);
        for (int k = 0; k < ca->rep.n_kf; k++)
            kfig_add(&ca->rep.kf[k], &cb->rep.kf[k], ca->kf_def[k]);
        ca->rep.usage_units += cb->rep.usage_units;
        ca->window_s = a->window_s;
    }
    a->run_ok += b->run_ok;
    a->run_failed += b->run_failed;
    if (isnan(a->worst_availability) || b->worst_availability < a->worst_availability) {
        a->worst_availability = b->worst_availability;
        a->worst_availability_t = b->worst_availability_t;
    }
    a->events += b->events;
    a->requests_total += b->requests_total;
    if (b->peak_in_flight > a->peak_in_flight)
        a->peak_in_flight = b->peak_in_flight;
    a->cpu_s += b->cpu_s;
    ss_result_finish(a);
    return true;
}

const char *ss_result_bottleneck(const ss_result *r)
{
    return r->bottleneck;
}

static void comp_release(ss_comp_result *c)
{
    ss_hist_release(&c->rep.all.wait);
    for (int r = 0; r < c->rep.n_rows; r++)
        ss_hist_release(&c->rep.rows[r].wait);
    ss_free(c->rep.rows);
    for (int k = 0; k < c->rep.n_kf; k++) {
        ss_hist_free(c->rep.kf[k].hist);
        ss_free(c->rep.kf[k].list);
    }
    ss_free(c->rep.kf);
    for (int p = 0; p < c->rep.n_parts; p++)
        ss_free(c->rep.parts[p].rows);
    ss_free(c->rep.parts);
    ss_free(c->kf_names);
    ss_free(c->kf_def);
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
    for (size_t i = 0; i < r->n_series; i++) {
        ss_free(r->series[i].util);
        ss_free(r->series[i].breaker);
    }
    ss_free(r->series);
    ss_free(r->breakdown);
    for (int i = 0; i < r->n_comps; i++)
        comp_release(&r->comps[i]);
    ss_hist_release(&r->lat);
    ss_free(r->classes);
    ss_free(r->comps);
    ss_free(r);
}

void ss_agg_figures(const ss_result *const *rs, int n, double mean[SS_FIGS],
                    double ci95[SS_FIGS])
{
    double *x = ss_malloc((size_t)(n ? n : 1) * sizeof *x);
    for (int k = 0; k < SS_FIGS; k++) {
        for (int i = 0; i < n; i++)
            x[i] = rs[i]->fig[k];
        ss_agg_values(x, n, &mean[k], &ci95[k]);
    }
    ss_free(x);
}

void ss_agg_dyn(const ss_result *const *rs, int n, double mean[SS_DYNS], double ci95[SS_DYNS])
{
    double *x = ss_malloc((size_t)(n ? n : 1) * sizeof *x);
    for (int k = 0; k < SS_DYNS; k++) {
        for (int i = 0; i < n; i++)
            x[i] = rs[i]->dyn[k];
        ss_agg_values(x, n, &mean[k], &ci95[k]);
    }
    ss_free(x);
}
