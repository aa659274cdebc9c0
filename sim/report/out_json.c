/*
 * sim/report/out_json.c -- the JSON report (SPEC.md 5.4): an array with one
 * document per row, written a row at a time. Each document is printed by
 * cJSON and indented one level, so the whole is byte for byte what cJSON
 * prints for the array (its strings escape tabs and newlines, so every
 * newline in the text is one of its own).
 */
#include "output.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "agg.h"
#include "scalesim/mem.h"


static void json_num(cJSON *o, const char *name, double v)
{
    if (isfinite(v))
        cJSON_AddNumberToObject(o, name, v);
    else
        cJSON_AddNullToObject(o, name);
}

/* Rounds to the decimals the CSV prints, so JSON and CSV agree and the
 * output does not carry 17 digits of simulation noise. */
static double round_to(double v, int decimals)
{
    if (!isfinite(v))
        return v;
    double p = pow(10, decimals);
    return round(v * p) / p;
}

/* A figure of the row by name: the run's, or with several replications
 * their mean, and the 95% half-width beside it as NAME_ci95 (never
 * replication 0's value standing for all of them). */
static void put(cJSON *o, const ss_report *r, const ss_row *row, const char *key,
                const char *fig, int decimals)
{
    if (row->n_reps == 1) {
        json_num(o, key, round_to(ss_result_figure(row->res, fig), decimals));
        return;
    }
    double *x = ss_malloc((size_t)row->n_reps * sizeof *x), mean, ci;
    for (int i = 0; i < row->n_reps; i++)
        x[i] = ss_result_figure(row->reps[i], fig);
    ss_agg_values(x, row->n_reps, &mean, &ci);
    ss_free(x);
    json_num(o, key, round_to(mean, decimals));
    if (r->with_ci) {
        char name[96];
        snprintf(name, sizeof name, "%s_ci95", key);
        json_num(o, name, round_to(ci, decimals));
    }
}

static void put_group(cJSON *c, const ss_report *r, const ss_row *row, const char *what,
                      const char *name)
{
    static const struct { const char *key; int dec; } figs[] = {
        {"sent", 0}, {"ok", 0}, {"failed", 0}, {"mean_ms", 3},
        {"p50_ms", 3}, {"p95_ms", 3}, {"p99_ms", 3}};
    cJSON_AddStringToObject(c, "name", name);
    for (size_t i = 0; i < sizeof figs / sizeof figs[0]; i++) {
        char fig[256];
        snprintf(fig, sizeof fig, "%s.%s.%s", what, name, figs[i].key);
        put(c, r, row, figs[i].key, fig, figs[i].dec);
    }
}

static cJSON *row_json(const ss_report *r, const ss_row *row)
{
    const ss_result *res = row->res;
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "scenario", res->scenario);
    if (res->stage >= 0)
        cJSON_AddNumberToObject(o, "stage", res->stage);
    else
        cJSON_AddNullToObject(o, "stage");
    if (r->n_sweep) {
        cJSON *sw = cJSON_AddObjectToObject(o, "sweep");
        for (int s = 0; s < r->n_sweep; s++) {
            char buf[64];
            const char *v = ss_out_sweep_value(row->sweep_vals[s], buf, sizeof buf);
            char *end;
            double x = strtod(v, &end);
            if (v == buf || (*v && *end == '\0' && isfinite(x)))
                cJSON_AddNumberToObject(sw, r->sweep_names[s], x);
            else
                cJSON_AddStringToObject(sw, r->sweep_names[s], v);
        }
    }
    if (row->n_reps == 1)
        cJSON_AddNumberToObject(o, "replication", res->replication);
    else
        cJSON_AddNumberToObject(o, "replications", row->n_reps);
    cJSON_AddNumberToObject(o, "seed", (double)res->seed);
    if (res->users >= 0)
        cJSON_AddNumberToObject(o, "users", (double)res->users);
    else
        cJSON_AddNullToObject(o, "users");
    cJSON_AddNumberToObject(o, "measured_s", round_to(res->window_s, 3));
    cJSON *sum = cJSON_AddObjectToObject(o, "summary");
    for (int k = 0; k < SS_FIGS; k++) {
        json_num(sum, ss_fig_name(k), round_to(row->fig[k], ss_fig_decimals(k)));
        if (r->with_ci) {
            char name[64];
            snprintf(name, sizeof name, "%s_ci95", ss_fig_name(k));
            json_num(sum, name, round_to(row->ci95[k], ss_fig_decimals(k)));
        }
    }
    cJSON_AddStringToObject(sum, "bottleneck", row->bottleneck);
    if (res->has_dyn && row->reps) { /* SPEC 4.5's figures, only where asked for */
        double mean[SS_DYNS], ci[SS_DYNS];
        ss_agg_dyn((const ss_result *const *)row->reps, row->n_reps, mean, ci);
        for (int k = 0; k < SS_DYNS; k++) {
            if (isnan(mean[k]))
                continue;
            json_num(sum, ss_dyn_name(k), round_to(mean[k], ss_dyn_decimals(k)));
            if (r->with_ci) {
                char name[64];
                snprintf(name, sizeof name, "%s_ci95", ss_dyn_name(k));
                json_num(sum, name, round_to(ci[k], ss_dyn_decimals(k)));
            }
        }
    }
    if (r->theory)
        for (int k = 0; k < SS_THEORY_SUMS; k++)
            json_num(sum, ss_theory_sum_name(k),
                     row->theory ? round_to(row->theory->sum[k], ss_theory_sum_decimals(k))
                                 : NAN);
    if (r->precision) { /* the figures that did not get within --precision */
        cJSON *imp = cJSON_AddArrayToObject(o, "imprecise");
        char buf[sizeof row->imprecise];
        snprintf(buf, sizeof buf, "%s", row->imprecise);
        for (char *save = NULL, *t = strtok_r(buf, ";", &save); t; t = strtok_r(NULL, ";", &save))
            cJSON_AddItemToArray(imp, cJSON_CreateString(t));
    }
    if (row->n_slo) {
        cJSON *slo = cJSON_AddObjectToObject(o, "slo");
        cJSON_AddStringToObject(slo, "verdict", ss_verdict_name(row->verdict));
        cJSON *list = cJSON_AddArrayToObject(slo, "objectives");
        for (int i = 0; i < row->n_slo; i++) {
            const ss_slo_check *c = &row->slo[i];
            cJSON *x = cJSON_CreateObject();
            cJSON_AddStringToObject(x, "slo", c->slo->text);
            cJSON_AddStringToObject(x, "figure", c->slo->figure);
            json_num(x, "limit", c->slo->limit);
            json_num(x, "value", round_to(c->value, 6));
            json_num(x, "ci95", round_to(c->ci95, 6));
            cJSON_AddStringToObject(x, "verdict", ss_verdict_name(c->verdict));
            cJSON_AddItemToArray(list, x);
        }
    }
    cJSON *req = cJSON_AddObjectToObject(o, "requests");
    static const char *const outcomes[] = {"sent", "ok", "failed",
#define XX(id, name) name,
                                           SS_FAIL_MAP(XX)
#undef XX
    };
    for (size_t i = 0; i < sizeof outcomes / sizeof outcomes[0]; i++) {
        if (strcmp(outcomes[i], "none") == 0)
            continue;
        char fig[32];
        snprintf(fig, sizeof fig, "requests.%s", outcomes[i]);
        put(req, r, row, outcomes[i], fig, 0);
    }
    put(req, r, row, "mean_in_flight", "mean_in_flight", 3);
    cJSON *av = cJSON_AddObjectToObject(o, "availability");
    put(av, r, row, "run", "availability", 6);
    put(av, r, row, "worst_interval", "availability.worst_interval", 6);
    if (row->n_reps == 1)
        json_num(av, "worst_interval_t_s", res->worst_availability_t);
    cJSON_AddNumberToObject(av, "interval_s", res->interval_s);
    /* every replication's warnings, each once */
    cJSON *warnings = NULL;
    char seen[32][160];
    int n_seen = 0;
    for (int k = 0; k < row->n_reps; k++) {
        char warn[8][160];
        int n = ss_result_warnings(row->reps[k], warn, 8);
        for (int i = 0; i < n; i++) {
            bool dup = false;
            for (int j = 0; j < n_seen && !dup; j++)
                dup = strcmp(seen[j], warn[i]) == 0;
            if (dup || n_seen == 32)
                continue;
            snprintf(seen[n_seen++], sizeof seen[0], "%s", warn[i]);
            if (!warnings)
                warnings = cJSON_AddArrayToObject(o, "warnings");
            cJSON_AddItemToArray(warnings, cJSON_CreateString(warn[i]));
        }
    }
    /* what the engine did: over every replication of the row */
    uint64_t events = 0, simulated = 0;
    double peak = 0, req_bytes = 0, ev_bytes = 0;
    for (int k = 0; k < row->n_reps; k++) {
        const ss_result *x = row->reps[k];
        events += x->events;
        simulated += x->requests_total;
        peak = fmax(peak, (double)x->peak_in_flight);
        req_bytes = fmax(req_bytes, (double)x->request_bytes);
        ev_bytes = fmax(ev_bytes, (double)x->event_bytes);
    }
    cJSON *eng = cJSON_AddObjectToObject(o, "engine");
    cJSON_AddNumberToObject(eng, "events", (double)events);
    cJSON_AddStringToObject(eng, "event_queue", res->event_queue);
    cJSON_AddNumberToObject(eng, "requests_simulated", (double)simulated);
    cJSON_AddNumberToObject(eng, "peak_in_flight", peak);
    cJSON_AddNumberToObject(eng, "request_bytes", req_bytes);
    cJSON_AddNumberToObject(eng, "event_bytes", ev_bytes);
    cJSON *classes = cJSON_AddArrayToObject(o, "classes");
    for (int k = 0; k < res->n_classes; k++) {
        cJSON *c = cJSON_CreateObject();
        put_group(c, r, row, "classes", res->classes[k].name);
        cJSON_AddItemToArray(classes, c);
    }
    if (res->n_regions) {
        cJSON *regions = cJSON_AddArrayToObject(o, "regions");
        for (int k = 0; k < res->n_regions; k++) {
            cJSON *c = cJSON_CreateObject();
            put_group(c, r, row, "regions", res->regions[k].name);
            cJSON_AddItemToArray(regions, c);
        }
    }
    /* the order of the keys is the report's since step 4 */
    static const ss_stat stats[] = {SS_STAT_ARRIVALS, SS_STAT_THROUGHPUT_RPS, SS_STAT_UTIL,
                                    SS_STAT_MEAN_QUEUE, SS_STAT_MEAN_WAIT_MS,
                                    SS_STAT_P95_WAIT_MS, SS_STAT_WAIT_PROB, SS_STAT_REJECTED,
                                    SS_STAT_HIT_RATIO};
    cJSON *comps = cJSON_AddArrayToObject(o, "components");
    cJSON *cost = cJSON_AddObjectToObject(o, "cost_month_usd");
    for (int i = 0; i < res->n_comps; i++) {
        const ss_comp_result *cr = &res->comps[i];
        cJSON *c = cJSON_CreateObject();
        cJSON_AddStringToObject(c, "name", cr->name);
        cJSON_AddStringToObject(c, "kind", cr->kind);
        char fig[256];
        for (size_t k = 0; k < sizeof stats / sizeof stats[0]; k++) {
            snprintf(fig, sizeof fig, "components.%s.%s", cr->name, ss_stat_name(stats[k]));
            put(c, r, row, ss_stat_name(stats[k]), fig, ss_stat_decimals(stats[k]));
        }
        /* the kind's figures: numbers as numbers, words as words */
        cJSON *ex = cJSON_AddObjectToObject(c, "extra");
        for (int k = 0; k < cr->rep.n_kf; k++) {
            if (!ss_kfig_present(cr, k, res->window_s))
                continue;
            if (ss_kfig_numeric(cr, k)) {
                snprintf(fig, sizeof fig, "components.%s.%s", cr->name, cr->kf_names[k]);
                put(ex, r, row, cr->kf_names[k], fig, ss_kfig_decimals(cr, k));
            } else {
                char text[4096];
                cJSON_AddStringToObject(ex, cr->kf_names[k],
                                        ss_kfig_text(cr, k, res->window_s, text, sizeof text));
            }
        }
        snprintf(fig, sizeof fig, "components.%s.cost_month_usd", cr->name);
        put(c, r, row, "cost_month_usd", fig, 2);
        put(cost, r, row, cr->name, fig, 2);
        const ss_theory_station *st = r->theory ? ss_theory_find(row->theory, cr->name) : NULL;
        if (st) { /* SPEC 9: theory_util ... theory_note */
            for (int k = 0; k < SS_THEORY_FIGS; k++)
                json_num(c, ss_theory_fig_name(k), round_to(st->fig[k], ss_theory_fig_decimals(k)));
            if (st->model[0])
                cJSON_AddStringToObject(c, "theory_model", st->model);
            else
                cJSON_AddNullToObject(c, "theory_model");
            cJSON_AddStringToObject(c, "theory_note", st->note);
        }
        cJSON_AddItemToArray(comps, c);
    }
    json_num(cost, "total", round_to(row->fig[SS_FIG_COST_MONTH], 2));
    if (res->n_breakdown && row->n_reps == 1) {
        static const char *const what[SS_NOTES] = {"wait", "service", "network"};
        cJSON *bd = cJSON_AddArrayToObject(o, "breakdown");
        for (int b = 0; b < res->n_breakdown; b++) {
            const ss_bd_row *x = &res->breakdown[b];
            cJSON *c = cJSON_CreateObject();
            cJSON_AddStringToObject(c, "class", res->classes[x->cls].name);
            cJSON_AddStringToObject(c, "component", res->comps[x->comp].name);
            cJSON_AddNumberToObject(c, "visits", (double)x->visits);
            for (int w = 0; w < SS_NOTES; w++) {
                cJSON *part = cJSON_AddObjectToObject(c, what[w]);
                json_num(part, "mean_ms", round_to(x->mean_ms[w], 3));
                json_num(part, "p95_ms", round_to(x->p95_ms[w], 3));
            }
            cJSON_AddItemToArray(bd, c);
        }
    }
    return o;
}

void ss_out_json_row(FILE *f, const ss_report *r, const ss_row *row, long index)
{
    cJSON *o = row_json(r, row);
    char *text = cJSON_Print(o);
    if (text) {
        fputs(index == 0 ? "[" : ", ", f);
        for (const char *p = text; *p; p++) {
            fputc(*p, f);
            if (*p == '\n')
                fputc('\t', f);
        }
        cJSON_free(text);
    }
    cJSON_Delete(o);
}

void ss_out_json_end(FILE *f, long n)
{
    fputs(n ? "]\n" : "[]\n", f);
}
