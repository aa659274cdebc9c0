/*
 * sim/out_json.c -- the JSON report (SPEC.md 5.4): an array with one
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
    cJSON *req = cJSON_AddObjectToObject(o, "requests");
    cJSON_AddNumberToObject(req, "sent", (double)res->sent);
    cJSON_AddNumberToObject(req, "ok", (double)res->ok);
    cJSON_AddNumberToObject(req, "failed", (double)res->failed);
    cJSON_AddNumberToObject(req, "rejected", (double)res->fail_why[SS_FAIL_REJECTED]);
    cJSON_AddNumberToObject(req, "down", (double)res->fail_why[SS_FAIL_DOWN]);
    cJSON_AddNumberToObject(req, "timeout", (double)res->fail_why[SS_FAIL_TIMEOUT]);
    cJSON_AddNumberToObject(req, "error", (double)res->fail_why[SS_FAIL_ERROR]);
    cJSON_AddNumberToObject(req, "limited", (double)res->fail_why[SS_FAIL_LIMITED]);
    json_num(req, "mean_in_flight", round_to(res->mean_in_flight, 3));
    cJSON *av = cJSON_AddObjectToObject(o, "availability");
    json_num(av, "run", round_to(res->availability, 6));
    json_num(av, "worst_interval", round_to(res->worst_availability, 6));
    json_num(av, "worst_interval_t_s", res->worst_availability_t);
    cJSON_AddNumberToObject(av, "interval_s", res->interval_s);
    if (res->n_warnings) {
        cJSON *w = cJSON_AddArrayToObject(o, "warnings");
        for (int i = 0; i < res->n_warnings; i++)
            cJSON_AddItemToArray(w, cJSON_CreateString(res->warnings[i]));
    }
    cJSON *eng = cJSON_AddObjectToObject(o, "engine");
    cJSON_AddNumberToObject(eng, "events", (double)res->events);
    cJSON_AddStringToObject(eng, "event_queue", res->event_queue);
    cJSON_AddNumberToObject(eng, "requests_simulated", (double)res->requests_total);
    cJSON_AddNumberToObject(eng, "peak_in_flight", (double)res->peak_in_flight);
    cJSON_AddNumberToObject(eng, "request_bytes", (double)res->request_bytes);
    cJSON_AddNumberToObject(eng, "event_bytes", (double)res->event_bytes);
    cJSON *classes = cJSON_AddArrayToObject(o, "classes");
    for (int k = 0; k < res->n_classes; k++) {
        const ss_class_result *cr = &res->classes[k];
        cJSON *c = cJSON_CreateObject();
        cJSON_AddStringToObject(c, "name", cr->name);
        cJSON_AddNumberToObject(c, "sent", (double)cr->sent);
        cJSON_AddNumberToObject(c, "ok", (double)cr->ok);
        cJSON_AddNumberToObject(c, "failed", (double)cr->failed);
        double v;
        json_num(c, "mean_ms", ss_hist_mean(&cr->lat, &v) ? round_to(v * 1e-6, 3) : NAN);
        static const struct { const char *name; double q; } qs[] = {
            {"p50_ms", 0.5}, {"p95_ms", 0.95}, {"p99_ms", 0.99}};
        for (int i = 0; i < 3; i++)
            json_num(c, qs[i].name, round_to(ss_result_quantile_ms(&cr->lat, qs[i].q), 3));
        cJSON_AddItemToArray(classes, c);
    }
    if (res->n_regions) {
        cJSON *regions = cJSON_AddArrayToObject(o, "regions");
        for (int k = 0; k < res->n_regions; k++) {
            const ss_region_result *rr = &res->regions[k];
            cJSON *c = cJSON_CreateObject();
            cJSON_AddStringToObject(c, "name", rr->name);
            cJSON_AddNumberToObject(c, "sent", (double)rr->sent);
            cJSON_AddNumberToObject(c, "ok", (double)rr->ok);
            cJSON_AddNumberToObject(c, "failed", (double)rr->failed);
            double v;
            json_num(c, "mean_ms", ss_hist_mean(&rr->lat, &v) ? round_to(v * 1e-6, 3) : NAN);
            static const struct { const char *name; double q; } qs[] = {
                {"p50_ms", 0.5}, {"p95_ms", 0.95}, {"p99_ms", 0.99}};
            for (int i = 0; i < 3; i++)
                json_num(c, qs[i].name, round_to(ss_result_quantile_ms(&rr->lat, qs[i].q), 3));
            cJSON_AddItemToArray(regions, c);
        }
    }
    cJSON *comps = cJSON_AddArrayToObject(o, "components");
    cJSON *cost = cJSON_AddObjectToObject(o, "cost_month_usd");
    for (int i = 0; i < res->n_comps; i++) {
        const ss_comp_result *cr = &res->comps[i];
        cJSON *c = cJSON_CreateObject();
        cJSON_AddStringToObject(c, "name", cr->name);
        cJSON_AddStringToObject(c, "kind", cr->kind);
        const ss_comp_row *a = &cr->rep.all;
        cJSON_AddNumberToObject(c, "arrivals", (double)a->arrivals);
        json_num(c, "throughput_rps", round_to(a->throughput_rps, 2));
        json_num(c, "util", round_to(a->util, 4));
        json_num(c, "mean_queue", round_to(a->mean_queue, 3));
        json_num(c, "mean_wait_ms", round_to(a->mean_wait_ms, 3));
        json_num(c, "p95_wait_ms", round_to(a->p95_wait_ms, 3));
        json_num(c, "wait_prob", round_to(a->wait_prob, 4));
        cJSON_AddNumberToObject(c, "rejected", (double)a->rejected);
        json_num(c, "hit_ratio", round_to(a->hit_ratio, 4));
        /* extra: "k=v;k=v" as an object, numbers where they parse */
        cJSON *ex = cJSON_AddObjectToObject(c, "extra");
        char *copy = ss_strdup(cr->rep.extra), *save = NULL;
        for (char *kv = strtok_r(copy, ";", &save); kv; kv = strtok_r(NULL, ";", &save)) {
            char *eq = strchr(kv, '=');
            if (!eq)
                continue;
            *eq = '\0';
            char *end;
            double v = strtod(eq + 1, &end);
            if (*end == '\0' && end != eq + 1 && isfinite(v))
                cJSON_AddNumberToObject(ex, kv, v);
            else
                cJSON_AddStringToObject(ex, kv, eq + 1);
        }
        ss_free(copy);
        json_num(c, "cost_month_usd", round_to(cr->cost_month, 2));
        json_num(cost, cr->name, round_to(cr->cost_month, 2));
        cJSON_AddItemToArray(comps, c);
    }
    json_num(cost, "total", round_to(row->fig[SS_FIG_COST_MONTH], 2));
    if (res->n_breakdown) {
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
