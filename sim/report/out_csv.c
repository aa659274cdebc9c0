/*
 * sim/report/out_csv.c -- the CSV formats of SPEC.md section 5: the summary, per
 * component, the time series and the latency breakdown, a row at a time;
 * and the notes that go with them.
 */
#include "output.h"

#include <math.h>
#include <string.h>

#include "scalesim/mem.h"
#include "text.h"
#include "units.h"

/* Quotes a field when it holds a comma, a quote or a newline (RFC 4180). */
void ss_out_csv_field(FILE *f, const char *s)
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

void ss_out_csv_num(FILE *f, double v, int decimals)
{
    if (isfinite(v))
        fprintf(f, "%.*f", decimals, v);
}

/* gnuplot reads "20k" as 20 and Python's float() not at all, so swept
 * values go to files as plain numbers in base units. A count's suffix
 * (k, M, G) is told from a duration's m by case; a plain number stays as
 * written. */
const char *ss_out_sweep_value(const char *v, char *buf, size_t n)
{
    double x;
    const char *unit;
    size_t ul;
    if (!ss_units_split(v, &x, &unit, &ul) || ul == 0)
        return v;
    if (ss_units_count(v, &x) || ss_units_duration(v, &x) || ss_units_rate(v, &x) ||
        ss_units_size(v, &x)) {
        snprintf(buf, n, "%.12g", x);
        return buf;
    }
    return v;
}

static void sweep_cells(FILE *f, const ss_report *r, const ss_row *row)
{
    for (int s = 0; s < r->n_sweep; s++) {
        char buf[64];
        ss_out_csv_field(f, ss_out_sweep_value(row->sweep_vals[s], buf, sizeof buf));
        fputc(',', f);
    }
}

void ss_out_csv_head(FILE *f, const ss_report *r)
{
    for (int s = 0; s < r->n_sweep; s++) {
        ss_out_csv_field(f, r->sweep_names[s]);
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
    if (r->precision)
        fputs(",replications,imprecise", f);
    if (r->n_slo_texts)
        fputs(",verdict", f);
    for (int k = 0; k < r->n_slo_texts; k++) {
        fputc(',', f);
        ss_out_csv_field(f, r->slo_texts[k]);
    }
    if (r->theory)
        for (int k = 0; k < SS_THEORY_SUMS; k++)
            fprintf(f, ",%s", ss_theory_sum_name(k));
    fputc('\n', f);
}

/* The verdict columns: the worst, then one per SLO text (empty where the
 * row's scenario has not that SLO). */
static void slo_cells(FILE *f, const ss_report *r, const ss_row *row)
{
    if (!r->n_slo_texts)
        return;
    fprintf(f, ",%s", ss_verdict_name(row->verdict));
    for (int k = 0; k < r->n_slo_texts; k++) {
        fputc(',', f);
        for (int i = 0; i < row->n_slo; i++)
            if (strcmp(row->slo[i].slo->text, r->slo_texts[k]) == 0)
                fputs(ss_verdict_name(row->slo[i].verdict), f);
    }
}

void ss_out_csv_row(FILE *f, const ss_report *r, const ss_row *row)
{
    const ss_result *res = row->res;
    sweep_cells(f, r, row);
    ss_out_csv_field(f, res->scenario);
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
            ss_out_csv_field(f, row->bottleneck);
        }
        fputc(',', f);
        ss_out_csv_num(f, row->fig[k], ss_fig_decimals(k));
        if (r->with_ci) {
            fputc(',', f);
            ss_out_csv_num(f, row->ci95[k], ss_fig_decimals(k));
        }
    }
    if (r->precision) {
        fprintf(f, ",%d,", row->n_reps);
        ss_out_csv_field(f, row->imprecise);
    }
    slo_cells(f, r, row);
    if (r->theory)
        for (int k = 0; k < SS_THEORY_SUMS; k++) {
            fputc(',', f);
            if (row->theory)
                ss_out_csv_num(f, row->theory->sum[k], ss_theory_sum_decimals(k));
        }
    fputc('\n', f);
}


/* The leading columns every per-run file shares: sweep values, scenario,
 * and the replication when there are several. */
static void lead_head(FILE *f, const ss_report *r)
{
    for (int s = 0; s < r->n_sweep; s++) {
        ss_out_csv_field(f, r->sweep_names[s]);
        fputc(',', f);
    }
    fputs(r->show_replication ? "scenario,replication," : "scenario,", f);
}

static void lead_row(FILE *f, const ss_report *r, const ss_row *row, const ss_result *res)
{
    sweep_cells(f, r, row);
    ss_out_csv_field(f, res->scenario);
    fputc(',', f);
    if (r->show_replication)
        fprintf(f, "%u,", res->replication);
}

void ss_out_components_head(FILE *f, const ss_report *r)
{
    lead_head(f, r);
    fputs("component,kind,instance", f);
    for (int k = 0; k < SS_STATS; k++)
        if (ss_stat_in_csv(k))
            fprintf(f, ",%s", ss_stat_name(k));
    fputs(",extra", f);
    if (r->theory) {
        for (int k = 0; k < SS_THEORY_FIGS; k++)
            fprintf(f, ",%s", ss_theory_fig_name(k));
        fputs(",theory_model,theory_note", f);
    }
    fputc('\n', f);
}

/* The theory columns of a component's row: its station's, the same for
 * every instance (the load splits evenly in theory). */
static void theory_cells(FILE *f, const ss_row *row, const char *name)
{
    const ss_theory_station *st = ss_theory_find(row->theory, name);
    for (int k = 0; k < SS_THEORY_FIGS; k++) {
        fputc(',', f);
        if (st)
            ss_out_csv_num(f, st->fig[k], ss_theory_fig_decimals(k));
    }
    fputc(',', f);
    if (st)
        ss_out_csv_field(f, st->model);
    fputc(',', f);
    if (st)
        ss_out_csv_field(f, st->note);
}

void ss_out_components_row(FILE *f, const ss_report *r, const ss_row *row)
{
    for (int rep = 0; rep < row->n_reps; rep++) {
        const ss_result *res = row->reps[rep];
        for (int c = 0; c < res->n_comps; c++) {
            const ss_comp_result *cr = &res->comps[c];
            for (int k = -1; k < cr->rep.n_rows; k++) {
                const ss_stats *cw = k < 0 ? &cr->rep.all : &cr->rep.rows[k];
                lead_row(f, r, row, res);
                ss_out_csv_field(f, cr->name);
                fprintf(f, ",%s,", cr->kind);
                ss_out_csv_field(f, cw->instance);
                for (int s = 0; s < SS_STATS; s++) {
                    if (!ss_stat_in_csv(s))
                        continue;
                    fputc(',', f);
                    ss_out_csv_num(f, ss_stats_value(cw, res->window_s, s), ss_stat_decimals(s));
                }
                fputc(',', f);
                if (k < 0) {
                    char extra[8192];
                    ss_comp_extra(cr, res->window_s, extra, sizeof extra);
                    ss_out_csv_field(f, extra);
                }
                if (r->theory)
                    theory_cells(f, row, cr->name);
                fputc('\n', f);
            }
        }
    }
}

void ss_out_timeseries_head(FILE *f, const ss_report *r)
{
    lead_head(f, r);
    fputs("t_s,throughput_rps,p50_ms,p95_ms,error_rate,in_flight", f);
    for (int k = 0; k < r->n_comp_names; k++) {
        fputs(",util_", f);
        ss_out_csv_field(f, r->comp_names[k]);
    }
    if (r->ts_dynamics)
        fputs(",retries_rps,goodput_rps", f);
    for (int k = 0; k < r->n_brk_names; k++) {
        fputs(",breaker_", f);
        ss_out_csv_field(f, r->brk_names[k]);
    }
    fputc('\n', f);
}

/* The runtime component of each of n names in res, or -1: it has none. */
static int *columns_of(const ss_result *res, const char *const *names, int n)
{
    int *col = ss_malloc((size_t)(n ? n : 1) * sizeof *col);
    for (int k = 0; k < n; k++) {
        col[k] = -1;
        for (int c = 0; c < res->n_comps && col[k] < 0; c++)
            if (strcmp(res->comps[c].name, names[k]) == 0)
                col[k] = c;
    }
    return col;
}

void ss_out_timeseries_row(FILE *f, const ss_report *r, const ss_row *row)
{
    for (int rep = 0; rep < row->n_reps; rep++) {
        const ss_result *res = row->reps[rep];
        /* each column's component in this run, or -1: it has none */
        int *col = columns_of(res, r->comp_names, r->n_comp_names);
        int *bcol = columns_of(res, r->brk_names, r->n_brk_names);
        for (size_t t = 0; t < res->n_series; t++) {
            const ss_ts_row *s = &res->series[t];
            lead_row(f, r, row, res);
            fprintf(f, "%.3f,", s->t_s);
            ss_out_csv_num(f, s->throughput_rps, 2);
            fputc(',', f);
            ss_out_csv_num(f, s->p50_ms, 3);
            fputc(',', f);
            ss_out_csv_num(f, s->p95_ms, 3);
            fputc(',', f);
            ss_out_csv_num(f, s->error_rate, 6);
            fputc(',', f);
            ss_out_csv_num(f, s->in_flight, 0);
            for (int k = 0; k < r->n_comp_names; k++) {
                fputc(',', f);
                if (col[k] >= 0)
                    ss_out_csv_num(f, s->util[col[k]], 4);
            }
            if (r->ts_dynamics) {
                fputc(',', f);
                ss_out_csv_num(f, s->retries_rps, 2);
                fputc(',', f);
                ss_out_csv_num(f, s->goodput_rps, 2);
            }
            for (int k = 0; k < r->n_brk_names; k++) {
                fputc(',', f);
                if (bcol[k] >= 0 && s->breaker)
                    ss_out_csv_num(f, s->breaker[bcol[k]], 4);
            }
            fputc('\n', f);
        }
        ss_free(col);
        ss_free(bcol);
    }
}

void ss_out_breakdown_head(FILE *f, const ss_report *r)
{
    lead_head(f, r);
    fputs("class,component,visits,wait_mean_ms,wait_p95_ms,service_mean_ms,service_p95_ms,"
          "network_mean_ms,network_p95_ms\n", f);
}

void ss_out_breakdown_row(FILE *f, const ss_report *r, const ss_row *row)
{
    for (int rep = 0; rep < row->n_reps; rep++) {
        const ss_result *res = row->reps[rep];
        for (int b = 0; b < res->n_breakdown; b++) {
            const ss_bd_row *bd = &res->breakdown[b];
            lead_row(f, r, row, res);
            ss_out_csv_field(f, res->classes[bd->cls].name);
            fputc(',', f);
            ss_out_csv_field(f, res->comps[bd->comp].name);
            fprintf(f, ",%llu", (unsigned long long)bd->visits);
            for (int w = 0; w < SS_NOTES; w++) {
                fputc(',', f);
                ss_out_csv_num(f, bd->mean_ms[w], 3);
                fputc(',', f);
                ss_out_csv_num(f, bd->p95_ms[w], 3);
            }
            fputc('\n', f);
        }
    }
}

/* "scalesim: note: NAME (replication r) with PATH=V" */
static void note_lead(FILE *f, const ss_report *r, const ss_row *row, const ss_result *res,
                      bool one_run)
{
    char *name = ss_text_safe_dup(res->scenario);
    fprintf(f, "scalesim: note: %s", name);
    ss_free(name);
    if (r->show_replication && one_run)
        fprintf(f, " (replication %u)", res->replication);
    for (int s = 0; s < r->n_sweep; s++) {
        char *v = ss_text_safe_dup(row->sweep_vals[s]);
        fprintf(f, "%s%s=%s", s ? ", " : " with ", r->sweep_names[s], v);
        ss_free(v);
    }
}

void ss_out_notes_row(FILE *f, const ss_report *r, const ss_row *row)
{
    for (int rep = 0; rep < row->n_reps; rep++) {
        const ss_result *res = row->reps[rep];
        char warnings[8][160];
        int n = ss_result_warnings(res, warnings, 8);
        for (int w = 0; w < n; w++) {
            note_lead(f, r, row, res, true);
            char *msg = ss_text_safe_dup(warnings[w]);
            fprintf(f, ": %s\n", msg);
            ss_free(msg);
        }
    }
    if (r->precision > 0 && row->imprecise[0]) {
        note_lead(f, r, row, row->res, false);
        fprintf(f, ": after %d replications (--max-replications) the 95%% half-width is still "
                "wider than %g%% of the figure for ", row->n_reps, r->precision * 100);
        for (const char *p = row->imprecise; *p; p++)
            fputs(*p == ';' ? ", " : (char[2]){*p, 0}, f);
        fputc('\n', f);
    }
}
