/*
 * sim/output.c -- the report formats of SPEC.md section 5.
 */
#include "output.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "scalesim/mem.h"

/* ---- CSV ------------------------------------------------------------------ */

/* Quotes a field when it holds a comma, a quote or a newline (RFC 4180). */
static void csv_field(FILE *f, const char *s)
{
    if (!strpbrk(s, ",\"\n\r")) {
        fputs(s, f);
        return;
    }
    fputc('"', f);
    for (; *s; s++) {
        if (*s == '"')
            fputc('"', f);
        fputc(*s, f);
    }
    fputc('"', f);
}

static void csv_num(FILE *f, double v, int decimals)
{
    if (isfinite(v))
        fprintf(f, "%.*f", decimals, v);
}

void ss_out_csv(FILE *f, const ss_report *r)
{
    for (int s = 0; s < r->n_sweep; s++) {
        csv_field(f, r->sweep_names[s]);
        fputc(',', f);
    }
    fputs("scenario,stage,replication,seed,users", f);
    for (int k = 0; k < SS_FIGS; k++) {
        if (k == SS_FIG_BOTTLENECK_UTIL)
            fputs(",bottleneck", f);
        fprintf(f, ",%s", ss_fig_name(k));
        if (r->with_ci)
            fprintf(f, ",%s_ci95", ss_fig_name(k));
    }
    fputc('\n', f);
    for (int i = 0; i < r->n_rows; i++) {
        const ss_row *row = &r->rows[i];
        const ss_result *res = row->res;
        for (int s = 0; s < r->n_sweep; s++) {
            csv_field(f, row->sweep_vals[s]);
            fputc(',', f);
        }
        csv_field(f, res->scenario);
        fputc(',', f);
        if (res->stage >= 0)
            fprintf(f, "%d", res->stage);
        fputc(',', f);
        /* With aggregated replications the replication column is empty. */
        if (row->n_reps == 1)
            fprintf(f, "%u", res->replication);
        fprintf(f, ",%llu,", (unsigned long long)res->seed);
        if (res->users >= 0)
            fprintf(f, "%lld", (long long)res->users);
        for (int k = 0; k < SS_FIGS; k++) {
            if (k == SS_FIG_BOTTLENECK_UTIL) {
                fputc(',', f);
                csv_field(f, row->bottleneck);
            }
            fputc(',', f);
            csv_num(f, row->fig[k], ss_fig_decimals(k));
            if (r->with_ci) {
                fputc(',', f);
                csv_num(f, row->ci95[k], ss_fig_decimals(k));
            }
        }
        fputc('\n', f);
    }
}

/* The leading columns every per-run file shares: sweep values, scenario,
 * and the replication when there are several. */
static void lead_head(FILE *f, const ss_report *r)
{
    for (int s = 0; s < r->n_sweep; s++) {
        csv_field(f, r->sweep_names[s]);
        fputc(',', f);
    }
    fputs(r->show_replication ? "scenario,replication," : "scenario,", f);
}

static void lead_row(FILE *f, const ss_report *r, const ss_row *row, const ss_result *res)
{
    for (int s = 0; s < r->n_sweep; s++) {
        csv_field(f, row->sweep_vals[s]);
        fputc(',', f);
    }
    csv_field(f, res->scenario);
    fputc(',', f);
    if (r->show_replication)
        fprintf(f, "%u,", res->replication);
}

void ss_out_components(FILE *f, const ss_report *r)
{
    lead_head(f, r);
    fputs("component,kind,instance,arrivals,throughput_rps,util,mean_queue,"
          "mean_wait_ms,p95_wait_ms,rejected,hit_ratio,extra\n", f);
    for (int i = 0; i < r->n_rows; i++)
        for (int rep = 0; rep < r->rows[i].n_reps; rep++) {
            const ss_result *res = r->rows[i].reps[rep];
            for (int c = 0; c < res->n_comps; c++) {
                const ss_comp_result *cr = &res->comps[c];
                for (int k = -1; k < cr->rep.n_rows; k++) {
                    const ss_comp_row *row = k < 0 ? &cr->rep.all : &cr->rep.rows[k];
                    lead_row(f, r, &r->rows[i], res);
                    csv_field(f, cr->name);
                    fprintf(f, ",%s,", cr->kind);
                    csv_field(f, row->instance);
                    fprintf(f, ",%llu,", (unsigned long long)row->arrivals);
                    csv_num(f, row->throughput_rps, 2);
                    fputc(',', f);
                    csv_num(f, row->util, 4);
                    fputc(',', f);
                    csv_num(f, row->mean_queue, 3);
                    fputc(',', f);
                    csv_num(f, row->mean_wait_ms, 3);
                    fputc(',', f);
                    csv_num(f, row->p95_wait_ms, 3);
                    fprintf(f, ",%llu,", (unsigned long long)row->rejected);
                    csv_num(f, row->hit_ratio, 4);
                    fputc(',', f);
                    if (k < 0)
                        csv_field(f, cr->rep.extra);
                    fputc('\n', f);
                }
            }
        }
}

void ss_out_timeseries(FILE *f, const ss_report *r)
{
    /* one utilisation column per component of any run, in order of first
     * appearance; a run without that component leaves it empty */
    const char **names = NULL;
    size_t n_names = 0, cap = 0;
    for (int i = 0; i < r->n_rows; i++)
        for (int rep = 0; rep < r->rows[i].n_reps; rep++) {
            const ss_result *res = r->rows[i].reps[rep];
            for (int c = 0; c < res->n_comps; c++) {
                bool seen = false;
                for (size_t k = 0; k < n_names && !seen; k++)
                    seen = strcmp(names[k], res->comps[c].name) == 0;
                if (!seen) {
                    SS_GROW(names, cap, n_names + 1);
                    names[n_names++] = res->comps[c].name;
                }
            }
        }
    lead_head(f, r);
    fputs("t_s,throughput_rps,p50_ms,p95_ms,error_rate,in_flight", f);
    for (size_t k = 0; k < n_names; k++) {
        fputs(",util_", f);
        csv_field(f, names[k]);
    }
    fputc('\n', f);
    for (int i = 0; i < r->n_rows; i++)
        for (int rep = 0; rep < r->rows[i].n_reps; rep++) {
            const ss_result *res = r->rows[i].reps[rep];
            for (size_t t = 0; t < res->n_series; t++) {
                const ss_ts_row *s = &res->series[t];
                lead_row(f, r, &r->rows[i], res);
                fprintf(f, "%.3f,", s->t_s);
                csv_num(f, s->throughput_rps, 2);
                fputc(',', f);
                csv_num(f, s->p50_ms, 3);
                fputc(',', f);
                csv_num(f, s->p95_ms, 3);
                fputc(',', f);
                csv_num(f, s->error_rate, 6);
                fputc(',', f);
                csv_num(f, s->in_flight, 0);
                for (size_t k = 0; k < n_names; k++) {
                    fputc(',', f);
                    for (int c = 0; c < res->n_comps; c++)
                        if (strcmp(res->comps[c].name, names[k]) == 0)
                            csv_num(f, s->util[c], 4);
                }
                fputc('\n', f);
            }
        }
    ss_free(names);
}

void ss_out_breakdown(FILE *f, const ss_report *r)
{
    lead_head(f, r);
    fputs("class,component,visits,wait_mean_ms,wait_p95_ms,service_mean_ms,service_p95_ms,"
          "network_mean_ms,network_p95_ms\n", f);
    for (int i = 0; i < r->n_rows; i++)
        for (int rep = 0; rep < r->rows[i].n_reps; rep++) {
            const ss_result *res = r->rows[i].reps[rep];
            for (int b = 0; b < res->n_breakdown; b++) {
                const ss_bd_row *bd = &res->breakdown[b];
                lead_row(f, r, &r->rows[i], res);
                csv_field(f, res->classes[bd->cls].name);
                fputc(',', f);
                csv_field(f, res->comps[bd->comp].name);
                fprintf(f, ",%llu", (unsigned long long)bd->visits);
                for (int w = 0; w < SS_NOTES; w++) {
                    fputc(',', f);
                    csv_num(f, bd->mean_ms[w], 3);
                    fputc(',', f);
                    csv_num(f, bd->p95_ms[w], 3);
                }
                fputc('\n', f);
            }
        }
}

void ss_out_notes(FILE *f, const ss_report *r)
{
    for (int i = 0; i < r->n_rows; i++)
        for (int rep = 0; rep < r->rows[i].n_reps; rep++) {
            const ss_result *res = r->rows[i].reps[rep];
            for (int w = 0; w < res->n_warnings; w++) {
                fprintf(f, "scalesim: note: %s", res->scenario);
                if (r->show_replication)
                    fprintf(f, " (replication %u)", res->replication);
                for (int s = 0; s < r->n_sweep; s++)
                    fprintf(f, "%s%s=%s", s ? ", " : " with ", r->sweep_names[s],
                            r->rows[i].sweep_vals[s]);
                fprintf(f, ": %s\n", res->warnings[w]);
            }
        }
}

/* ---- table ------------------------------------------------------------------- */

static void cell_num(char *buf, size_t n, double v, int decimals)
{
    if (isfinite(v))
        snprintf(buf, n, "%.*f", decimals, v);
    else
        snprintf(buf, n, "-");
}

/* Prints rows of cells as aligned columns; left-aligns the columns whose
 * bit is set in left_mask. Widths count characters, not bytes (the ± sign). */
static void print_columns(FILE *f, char ***cells, int n_lines, int n_cols, unsigned long left_mask)
{
    int *w = ss_calloc((size_t)n_cols, sizeof *w);
    for (int l = 0; l < n_lines; l++)
        for (int c = 0; c < n_cols; c++) {
            int len = 0;
            for (const unsigned char *p = (const unsigned char *)cells[l][c]; *p; p++)
                len += (*p & 0xc0) != 0x80;
            if (len > w[c])
                w[c] = len;
        }
    for (int l = 0; l < n_lines; l++) {
        for (int c = 0; c < n_cols; c++) {
            const char *s = cells[l][c];
            int len = 0;
            for (const unsigned char *p = (const unsigned char *)s; *p; p++)
                len += (*p & 0xc0) != 0x80;
            bool left = (left_mask >> c) & 1;
            if (c + 1 == n_cols && left && !*s)
                break; /* no trailing blanks */
            if (c)
                fputs("  ", f);
            if (!left)
                fprintf(f, "%*s", w[c] - len, "");
            fputs(s, f);
            if (left && c + 1 < n_cols)
                fprintf(f, "%*s", w[c] - len, "");
        }
        fputc('\n', f);
    }
    ss_free(w);
}

static void free_cells(char ***cells, int n_lines, int n_cols)
{
    for (int l = 0; l < n_lines; l++) {
        for (int c = 0; c < n_cols; c++)
            ss_free(cells[l][c]);
        ss_free(cells[l]);
    }
    ss_free(cells);
}

static char ***new_cells(int n_lines, int n_cols)
{
    char ***cells = ss_calloc((size_t)n_lines, sizeof *cells);
    for (int l = 0; l < n_lines; l++)
        cells[l] = ss_calloc((size_t)n_cols, sizeof **cells);
    return cells;
}

/* One run in detail: each component's load, for a person reading why. */
static void table_components(FILE *f, const ss_result *res)
{
    static const char *const head[] = {"component", "kind", "util", "mean wait ms",
                                       "p95 wait ms", "rejected", "notes"};
    enum { COLS = 7 };
    int n_lines = res->n_comps + 1;
    char ***cells = new_cells(n_lines, COLS);
    for (int c = 0; c < COLS; c++)
        cells[0][c] = ss_strdup(head[c]);
    for (int i = 0; i < res->n_comps; i++) {
        const ss_comp_result *cr = &res->comps[i];
        const ss_comp_row *a = &cr->rep.all;
        char **L = cells[i + 1], b[64];
        L[0] = ss_strdup(cr->name);
        L[1] = ss_strdup(cr->kind);
        if (isfinite(a->util))
            snprintf(b, sizeof b, "%.0f%%", a->util * 100);
        else
            snprintf(b, sizeof b, "-");
        L[2] = ss_strdup(b);
        cell_num(b, sizeof b, a->mean_wait_ms, 3);
        L[3] = ss_strdup(b);
        cell_num(b, sizeof b, a->p95_wait_ms, 3);
        L[4] = ss_strdup(b);
        snprintf(b, sizeof b, "%llu", (unsigned long long)a->rejected);
        L[5] = ss_strdup(b);
        char notes[160] = "";
        if (isfinite(a->hit_ratio))
            snprintf(notes, sizeof notes, "hit ratio %.1f%%", a->hit_ratio * 100);
        if (isfinite(cr->rep.peak_util) && cr->rep.peak_part[0]) {
            size_t u = strlen(notes);
            snprintf(notes + u, sizeof notes - u, "%sbusiest: %s %.0f%%", u ? "; " : "",
                     cr->rep.peak_part, cr->rep.peak_util * 100);
        }
        const char *stale = strstr(cr->rep.extra, "stale_read_ratio=");
        if (stale) {
            size_t u = strlen(notes);
            snprintf(notes + u, sizeof notes - u, "%sstale reads %.1f%%", u ? "; " : "",
                     strtod(stale + 17, NULL) * 100);
        }
        L[6] = ss_strdup(notes);
    }
    print_columns(f, cells, n_lines, COLS, 1u | 2u | 64u);
    free_cells(cells, n_lines, COLS);
}

/* Latency by a grouping of requests (request class, users' region). */
typedef struct group_row {
    const char *name;
    uint64_t sent, ok, failed;
    const ss_hist *lat;
} group_row;

static void table_groups(FILE *f, const char *title, const group_row *g, int n)
{
    const char *head[] = {title, "sent", "ok", "failed", "p50 ms", "p95 ms", "p99 ms"};
    enum { COLS = 7 };
    int n_lines = n + 1;
    char ***cells = new_cells(n_lines, COLS);
    for (int c = 0; c < COLS; c++)
        cells[0][c] = ss_strdup(head[c]);
    for (int i = 0; i < n; i++) {
        char **L = cells[i + 1], b[64];
        L[0] = ss_strdup(g[i].name);
        snprintf(b, sizeof b, "%llu", (unsigned long long)g[i].sent);
        L[1] = ss_strdup(b);
        snprintf(b, sizeof b, "%llu", (unsigned long long)g[i].ok);
        L[2] = ss_strdup(b);
        snprintf(b, sizeof b, "%llu", (unsigned long long)g[i].failed);
        L[3] = ss_strdup(b);
        static const double qs[] = {0.5, 0.95, 0.99};
        for (int q = 0; q < 3; q++) {
            double v;
            cell_num(b, sizeof b, ss_hist_quantile(g[i].lat, qs[q], &v) ? v * 1e-6 : NAN, 2);
            L[4 + q] = ss_strdup(b);
        }
    }
    fputc('\n', f);
    print_columns(f, cells, n_lines, COLS, 1u);
    free_cells(cells, n_lines, COLS);
}

static void table_classes_and_regions(FILE *f, const ss_result *res)
{
    int n = res->n_classes > res->n_regions ? res->n_classes : res->n_regions;
    group_row *g = ss_calloc((size_t)(n ? n : 1), sizeof *g);
    if (res->n_classes > 1) {
        for (int i = 0; i < res->n_classes; i++) {
            const ss_class_result *c = &res->classes[i];
            g[i] = (group_row){c->name, c->sent, c->ok, c->failed, &c->lat};
        }
        table_groups(f, "request", g, res->n_classes);
    }
    if (res->n_regions > 1) {
        for (int i = 0; i < res->n_regions; i++) {
            const ss_region_result *r = &res->regions[i];
            g[i] = (group_row){r->name, r->sent, r->ok, r->failed, &r->lat};
        }
        table_groups(f, "users in", g, res->n_regions);
    }
    ss_free(g);
}

void ss_out_table(FILE *f, const ss_report *r)
{
    enum { COLS = 13 };
    static const char *const head[COLS] = {"scenario", "stage",  "users", "offered/s", "ok/s",
                                           "mean ms",  "p50 ms", "p95 ms", "p99 ms", "errors",
                                           "$/month",  "bottleneck", "util"};
    int n_cols = COLS + r->n_sweep;
    int n_lines = r->n_rows + 1;
    char ***cells = new_cells(n_lines, n_cols);
    for (int s = 0; s < r->n_sweep; s++)
        cells[0][s] = ss_strdup(r->sweep_names[s]);
    for (int c = 0; c < COLS; c++)
        cells[0][r->n_sweep + c] = ss_strdup(head[c]);
    for (int i = 0; i < r->n_rows; i++) {
        const ss_row *row = &r->rows[i];
        const ss_result *res = row->res;
        char **L = cells[i + 1];
        char b[64];
        for (int s = 0; s < r->n_sweep; s++)
            L[s] = ss_strdup(row->sweep_vals[s]);
        int c = r->n_sweep;
        L[c++] = ss_strdup(res->scenario);
        snprintf(b, sizeof b, res->stage >= 0 ? "%d" : "-", res->stage);
        L[c++] = ss_strdup(b);
        snprintf(b, sizeof b, res->users >= 0 ? "%lld" : "open", (long long)res->users);
        L[c++] = ss_strdup(b);
        static const ss_fig figs[] = {SS_FIG_OFFERED_RPS, SS_FIG_THROUGHPUT_RPS, SS_FIG_MEAN_MS,
                                      SS_FIG_P50_MS, SS_FIG_P95_MS, SS_FIG_P99_MS};
        for (size_t k = 0; k < sizeof figs / sizeof figs[0]; k++) {
            int dec = figs[k] <= SS_FIG_THROUGHPUT_RPS ? 1 : 2;
            double v = row->fig[figs[k]], ci = row->ci95[figs[k]];
            if (isfinite(ci) && isfinite(v))
                snprintf(b, sizeof b, "%.*f±%.*f", dec, v, dec, ci);
            else
                cell_num(b, sizeof b, v, dec);
            L[c++] = ss_strdup(b);
        }
        double e = row->fig[SS_FIG_ERROR_RATE];
        if (isfinite(e))
            snprintf(b, sizeof b, "%.2f%%", e * 100);
        else
            snprintf(b, sizeof b, "-");
        L[c++] = ss_strdup(b);
        cell_num(b, sizeof b, row->fig[SS_FIG_COST_MONTH], 0);
        L[c++] = ss_strdup(b);
        L[c++] = ss_strdup(row->bottleneck[0] ? row->bottleneck : "-");
        double u = row->fig[SS_FIG_BOTTLENECK_UTIL];
        if (isfinite(u))
            snprintf(b, sizeof b, "%.0f%%", u * 100);
        else
            snprintf(b, sizeof b, "-");
        L[c++] = ss_strdup(b);
    }
    unsigned long left = (1ul << r->n_sweep) | (1ul << (r->n_sweep + 11));
    print_columns(f, cells, n_lines, n_cols, left);
    free_cells(cells, n_lines, n_cols);
    /* A single run: say where the load is. */
    if (r->n_rows == 1) {
        const ss_result *res = r->rows[0].res;
        fputc('\n', f);
        table_components(f, res);
        table_classes_and_regions(f, res);
        if (isfinite(res->availability)) {
            fprintf(f, "\navailability %.3f%%", res->availability * 100);
            if (isfinite(res->worst_availability) && res->worst_availability < 1)
                fprintf(f, "; worst %g s interval %.3f%% (from t = %.0f s)", res->interval_s,
                        res->worst_availability * 100, res->worst_availability_t);
            else if (isfinite(res->worst_availability))
                fprintf(f, "; every %g s interval 100%%", res->interval_s);
            fputc('\n', f);
        }
    }
    if (r->n_rows) {
        /* what the figures above do not say by themselves */
        bool any = false;
        for (int i = 0; i < r->n_rows && !any; i++)
            for (int k = 0; k < r->rows[i].n_reps && !any; k++)
                any = r->rows[i].reps[k]->n_warnings > 0;
        if (any) {
            fputc('\n', f);
            ss_out_notes(f, r);
        }
    }
}

/* ---- JSON ---------------------------------------------------------------------- */

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
        for (int s = 0; s < r->n_sweep; s++)
            cJSON_AddStringToObject(sw, r->sweep_names[s], row->sweep_vals[s]);
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
            json_num(c, qs[i].name,
                     ss_hist_quantile(&cr->lat, qs[i].q, &v) ? round_to(v * 1e-6, 3) : NAN);
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
                json_num(c, qs[i].name,
                         ss_hist_quantile(&rr->lat, qs[i].q, &v) ? round_to(v * 1e-6, 3) : NAN);
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

void ss_out_json(FILE *f, const ss_report *r)
{
    cJSON *runs = cJSON_CreateArray();
    for (int i = 0; i < r->n_rows; i++)
        cJSON_AddItemToArray(runs, row_json(r, &r->rows[i]));
    char *text = cJSON_Print(runs);
    if (text) {
        fputs(text, f);
        fputc('\n', f);
        cJSON_free(text);
    }
    cJSON_Delete(runs);
}
