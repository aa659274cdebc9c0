/*
 * sim/report/out_table.c -- the table for people (SPEC.md 5.5): the summary, and
 * for a single run each component (with what a reader should notice:
 * overload, a growing backlog, a missing price), each request class and
 * each user region. Cells are escaped for the terminal (sim/base/text.h).
 */
#include "output.h"

#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "agg.h"
#include "scalesim/mem.h"
#include "text.h"


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

/* Appends "; " and a formatted note to buf. */
static void note(char *buf, size_t n, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void note(char *buf, size_t n, const char *fmt, ...)
{
    size_t u = strlen(buf);
    if (u && u + 2 < n) {
        memcpy(buf + u, "; ", 3);
        u += 2;
    }
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf + u, n - u, fmt, ap);
    va_end(ap);
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
        const ss_stats *a = &cr->rep.all;
        double w = res->window_s;
        char **L = cells[i + 1], b[64];
        L[0] = ss_text_safe_dup(cr->name);
        L[1] = ss_strdup(cr->kind);
        double util = ss_stats_value(a, w, SS_STAT_UTIL);
        if (isfinite(util))
            snprintf(b, sizeof b, "%.0f%%", util * 100);
        else
            snprintf(b, sizeof b, "-");
        L[2] = ss_strdup(b);
        cell_num(b, sizeof b, ss_stats_value(a, w, SS_STAT_MEAN_WAIT_MS), 3);
        L[3] = ss_strdup(b);
        cell_num(b, sizeof b, ss_stats_value(a, w, SS_STAT_P95_WAIT_MS), 3);
        L[4] = ss_strdup(b);
        snprintf(b, sizeof b, "%llu", (unsigned long long)a->rejected);
        L[5] = ss_strdup(b);
        char notes[400] = "", part[72];
        double hit = ss_stats_value(a, w, SS_STAT_HIT_RATIO);
        if (isfinite(hit))
            note(notes, sizeof notes, "hit ratio %.1f%%", hit * 100);
        double peak = ss_comp_peak(cr, w, part, sizeof part);
        if (isfinite(peak) && part[0])
            note(notes, sizeof notes, "busiest: %s %.0f%%", part, peak * 100);
        double v;
        if (ss_comp_kfig(cr, "stale_read_ratio", w, &v))
            note(notes, sizeof notes, "stale reads %.1f%%", v * 100);
        /* overload: what the averages above hide */
        if (isfinite(peak) && peak >= 0.95)
            note(notes, sizeof notes, "%s capacity: %.1f%% busy", peak >= 0.99 ? "at" : "near",
                 peak * 100);
        double p95, top, final;
        if (ss_comp_kfig(cr, "message_p95_ms", w, &p95))
            note(notes, sizeof notes, "messages p95 %.1f ms", p95);
        if (ss_comp_kfig(cr, "backlog_peak", w, &top) &&
            ss_comp_kfig(cr, "backlog_final", w, &final))
            note(notes, sizeof notes, "backlog peak %.0f, final %.0f", top, final);
        if (ss_comp_kfig(cr, "backlog_growth_per_s", w, &v))
            note(notes, sizeof notes, "backlog growing %.0f/s: consumers too slow", v);
        if (cr->rep.billable_instances > 0 && !(ss_comp_cost(cr, w) > 0))
            note(notes, sizeof notes, "no price (give instance_type or price_per_hour)");
        L[6] = ss_text_safe_dup(notes);
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
        L[0] = ss_text_safe_dup(g[i].name);
        snprintf(b, sizeof b, "%llu", (unsigned long long)g[i].sent);
        L[1] = ss_strdup(b);
        snprintf(b, sizeof b, "%llu", (unsigned long long)g[i].ok);
        L[2] = ss_strdup(b);
        snprintf(b, sizeof b, "%llu", (unsigned long long)g[i].failed);
        L[3] = ss_strdup(b);
        /* the summary's rule: a percentile needs ten answers beyond it */
        static const double qs[] = {0.5, 0.95, 0.99};
        for (int q = 0; q < 3; q++) {
            cell_num(b, sizeof b, ss_result_quantile_ms(g[i].lat, qs[q]), 2);
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

/* What the table keeps of a row: its figures, never its results (but
 * for a single run, whose details it shows). */
typedef struct trow {
    char *scenario;
    int stage;
    int64_t users;
    char **sweep_vals;        /* owned array; the strings are the caller's */
    double fig[SS_FIGS], ci95[SS_FIGS];
    char bottleneck[128];
    ss_verdict verdict;       /* NONE without SLOs                        */
    char *slo_lines;          /* owned: one line per SLO check, or NULL   */
    bool slo_all_pass;
    char *theory_lines;       /* owned: --theory's table, or NULL         */
    char *dyn_line;           /* owned: the dynamics' figures, or NULL    */
    ss_result *res;           /* owned, or NULL                           */
} trow;

struct ss_table {
    ss_report r;
    trow *rows;
    size_t n, cap;
    char *notes;              /* the rows' warnings, printed under it     */
    size_t notes_len;
    FILE *notes_f;
};

ss_table *ss_table_new(const ss_report *r)
{
    ss_table *t = ss_calloc(1, sizeof *t);
    t->r = *r;
    t->notes_f = open_memstream(&t->notes, &t->notes_len);
    if (!t->notes_f) {
        fputs("scalesim: out of memory\n", stderr);
        abort();
    }
    return t;
}

/* One figure of component i over the row's replications: "mean±ci" into
 * buf (a share as %), its mean and half-width (NAN with one run). */
static void sim_cell(const ss_row *row, int i, ss_stat s, char *buf, size_t n, double *mean,
                     double *ci)
{
    double x[256];
    int k = row->n_reps < 256 ? row->n_reps : 256;
    for (int j = 0; j < k; j++) {
        const ss_result *res = row->reps[j];
        x[j] = i < res->n_comps ? ss_stats_value(&res->comps[i].rep.all, res->window_s, s) : NAN;
    }
    ss_agg_values(x, k, mean, ci);
    double scale = s == SS_STAT_UTIL ? 100 : 1;
    int dec = s == SS_STAT_UTIL ? 1 : 3;
    if (!isfinite(*mean))
        snprintf(buf, n, "-");
    else if (isfinite(*ci))
        snprintf(buf, n, "%.*f%s±%.*f", dec, *mean * scale, scale > 1 ? "%" : "", dec, *ci * scale);
    else
        snprintf(buf, n, "%.*f%s", dec, *mean * scale, scale > 1 ? "%" : "");
}

/* --theory (SPEC 9): each station's model and figures beside what the
 * replications measured; '*' where an exact model is outside their 95%
 * interval, which says the simulation (or the model's premise) is off. */
static char *theory_lines(const ss_row *row)
{
    static const char *const head[] = {"component", "model", "util", "theory", "mean wait ms",
                                       "theory", "p95 wait ms", "theory", "theory note"};
    static const struct { ss_stat stat; ss_theory_fig fig; } pairs[] = {
        {SS_STAT_UTIL, SS_THEORY_UTIL},
        {SS_STAT_MEAN_WAIT_MS, SS_THEORY_MEAN_WAIT_MS},
        {SS_STAT_P95_WAIT_MS, SS_THEORY_P95_WAIT_MS},
    };
    enum { COLS = 9 };
    const ss_result *res = row->reps[0];
    int n_lines = res->n_comps + 1, marks = 0;
    char ***cells = new_cells(n_lines, COLS);
    for (int c = 0; c < COLS; c++)
        cells[0][c] = ss_strdup(head[c]);
    for (int i = 0; i < res->n_comps; i++) {
        const ss_theory_station *st = ss_theory_find(row->theory, res->comps[i].name);
        char **L = cells[i + 1], b[96];
        L[0] = ss_text_safe_dup(res->comps[i].name);
        L[1] = ss_strdup(st && st->model[0] ? st->model : "-");
        for (int p = 0; p < 3; p++) {
            double mean, ci, th = st ? st->fig[pairs[p].fig] : NAN;
            sim_cell(row, i, pairs[p].stat, b, sizeof b, &mean, &ci);
            L[2 + 2 * p] = ss_strdup(b);
            bool off = st && st->exact && isfinite(th) && isfinite(mean) && isfinite(ci) &&
                       fabs(mean - th) > ci;
            marks += off;
            if (!isfinite(th))
                snprintf(b, sizeof b, "-");
            else if (pairs[p].stat == SS_STAT_UTIL)
                snprintf(b, sizeof b, "%.1f%%%s", th * 100, off ? " *" : "");
            else
                snprintf(b, sizeof b, "%.3f%s", th, off ? " *" : "");
            L[3 + 2 * p] = ss_strdup(b);
        }
        L[8] = ss_text_safe_dup(st ? st->note : "");
    }
    char *text = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&text, &len);
    if (!f) {
        fputs("scalesim: out of memory\n", stderr);
        abort();
    }
    fputs("theory beside simulation\n", f);
    print_columns(f, cells, n_lines, COLS, 1u | 2u | 256u);
    free_cells(cells, n_lines, COLS);
    const double *sum = row->theory->sum;
    char m[64], x[64];
    cell_num(m, sizeof m, sum[SS_THEORY_SUM_MEAN_MS], 3);
    cell_num(x, sizeof x, sum[SS_THEORY_SUM_THROUGHPUT_RPS], 2);
    fprintf(f, "theory: mean %s ms (simulated %.3f), throughput %s/s (simulated %.2f)\n", m,
            row->fig[SS_FIG_MEAN_MS], x, row->fig[SS_FIG_THROUGHPUT_RPS]);
    if (marks)
        fputs("* an exact model outside the replications' 95% interval\n", f);
    else if (row->n_reps < 2)
        fputs("(with --replications 2 or more, an exact model outside the 95% interval is "
              "marked *)\n", f);
    fclose(f);
    return text;
}

/* The figures of SPEC 4.5's dynamics in one line, means over the
 * replications (with their 95% half-widths). */
static char *dyn_line(const ss_row *row)
{
    double mean[SS_DYNS], ci[SS_DYNS];
    ss_agg_dyn((const ss_result *const *)row->reps, row->n_reps, mean, ci);
    char *s = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&s, &len);
    fputs("retries:", f);
    for (int k = 0; k < SS_DYNS; k++) {
        if (isnan(mean[k]))
            continue;
        int dec = ss_dyn_decimals(k);
        fprintf(f, "%s %s %.*f", k ? "," : "", ss_dyn_name(k), dec, mean[k]);
        if (isfinite(ci[k]))
            fprintf(f, "±%.*f", dec, ci[k]);
    }
    fprintf(f, " (throughput_rps %.2f)\n", row->fig[SS_FIG_THROUGHPUT_RPS]);
    fclose(f);
    return s;
}

void ss_table_add(ss_table *t, const ss_row *row)
{
    SS_GROW(t->rows, t->cap, t->n + 1);
    trow *x = &t->rows[t->n++];
    memset(x, 0, sizeof *x);
    x->scenario = ss_strdup(row->res->scenario);
    x->stage = row->res->stage;
    x->users = row->res->users;
    x->sweep_vals = ss_calloc((size_t)(t->r.n_sweep ? t->r.n_sweep : 1), sizeof *x->sweep_vals);
    for (int s = 0; s < t->r.n_sweep; s++)
        x->sweep_vals[s] = row->sweep_vals[s];
    memcpy(x->fig, row->fig, sizeof x->fig);
    memcpy(x->ci95, row->ci95, sizeof x->ci95);
    snprintf(x->bottleneck, sizeof x->bottleneck, "%s", row->bottleneck);
    x->verdict = row->verdict;
    x->slo_all_pass = true;
    if (row->n_slo) {
        /* the checks as lines, aligned on the longest SLO text */
        size_t len = 0, cap = 0, w = 0;
        for (int i = 0; i < row->n_slo; i++)
            if (strlen(row->slo[i].slo->text) > w)
                w = strlen(row->slo[i].slo->text);
        for (int i = 0; i < row->n_slo; i++) {
            const ss_slo_check *c = &row->slo[i];
            char val[96], line[512];
            char *text = ss_text_safe_dup(c->slo->text);
            int n = snprintf(line, sizeof line, "  %-*s  %-26s %s\n", (int)w, text,
                             ss_slo_value_text(c, val, sizeof val), ss_verdict_name(c->verdict));
            ss_free(text);
            SS_GROW(x->slo_lines, cap, len + (size_t)n + 1);
            memcpy(x->slo_lines + len, line, (size_t)n + 1);
            len += (size_t)n;
            x->slo_all_pass &= c->verdict == SS_VERDICT_PASS;
        }
    }
    if (row->theory && row->n_reps > 0 && row->reps[0])
        x->theory_lines = theory_lines(row);
    if (row->n_reps > 0 && row->reps[0] && row->reps[0]->has_dyn)
        x->dyn_line = dyn_line(row);
    ss_out_notes_row(t->notes_f, &t->r, row);
}

void ss_table_add_owned(ss_table *t, ss_row *row)
{
    ss_table_add(t, row);
    t->rows[t->n - 1].res = row->reps[0];
    row->reps[0] = NULL;
}

void ss_table_free(ss_table *t)
{
    if (!t)
        return;
    for (size_t i = 0; i < t->n; i++) {
        ss_free(t->rows[i].scenario);
        ss_free(t->rows[i].sweep_vals);
        ss_free(t->rows[i].slo_lines);
        free(t->rows[i].theory_lines); /* open_memstream's */
        free(t->rows[i].dyn_line);
        ss_result_free(t->rows[i].res);
    }
    ss_free(t->rows);
    if (t->notes_f)
        fclose(t->notes_f);
    free(t->notes);
    ss_free(t);
}

/* "scenario with path=value, ..." naming a row among several. */
static void row_title(FILE *f, const ss_report *r, const trow *row)
{
    char *name = ss_text_safe_dup(row->scenario);
    fprintf(f, "%s", name);
    ss_free(name);
    for (int s = 0; s < r->n_sweep; s++) {
        char *v = ss_text_safe_dup(row->sweep_vals[s]);
        fprintf(f, "%s%s=%s", s ? ", " : " with ", r->sweep_names[s], v);
        ss_free(v);
    }
}

void ss_table_print(ss_table *t, FILE *f)
{
    const ss_report *r = &t->r;
    enum { COLS = 14 };
    static const char *const head[COLS] = {"scenario", "stage",  "users", "offered/s", "ok/s",
                                           "mean ms",  "p50 ms", "p95 ms", "p99 ms", "errors",
                                           "$/month",  "bottleneck", "util", "verdict"};
    bool verdicts = false; /* a verdict column when some row has SLOs */
    for (size_t i = 0; i < t->n; i++)
        verdicts |= t->rows[i].verdict != SS_VERDICT_NONE;
    int n_cols = COLS - !verdicts + r->n_sweep;
    int n_lines = (int)t->n + 1;
    char ***cells = new_cells(n_lines, n_cols);
    for (int s = 0; s < r->n_sweep; s++)
        cells[0][s] = ss_text_safe_dup(r->sweep_names[s]);
    for (int c = 0; c < COLS - !verdicts; c++)
        cells[0][r->n_sweep + c] = ss_strdup(head[c]);
    for (size_t i = 0; i < t->n; i++) {
        const trow *row = &t->rows[i];
        char **L = cells[i + 1];
        char b[64];
        for (int s = 0; s < r->n_sweep; s++)
            L[s] = ss_text_safe_dup(row->sweep_vals[s]);
        int c = r->n_sweep;
        L[c++] = ss_text_safe_dup(row->scenario);
        snprintf(b, sizeof b, row->stage >= 0 ? "%d" : "-", row->stage);
        L[c++] = ss_strdup(b);
        snprintf(b, sizeof b, row->users >= 0 ? "%lld" : "open", (long long)row->users);
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
        L[c++] = ss_text_safe_dup(row->bottleneck[0] ? row->bottleneck : "-");
        double u = row->fig[SS_FIG_BOTTLENECK_UTIL];
        if (isfinite(u))
            snprintf(b, sizeof b, "%.0f%%", u * 100);
        else
            snprintf(b, sizeof b, "-");
        L[c++] = ss_strdup(b);
        if (verdicts)
            L[c++] = ss_strdup(row->verdict == SS_VERDICT_NONE ? "-" : ss_verdict_name(row->verdict));
    }
    unsigned long left = (1ul << r->n_sweep) | (1ul << (r->n_sweep + 11));
    print_columns(f, cells, n_lines, n_cols, left);
    free_cells(cells, n_lines, n_cols);
    /* A single run: say where the load is. */
    if (t->n == 1 && t->rows[0].res) {
        const ss_result *res = t->rows[0].res;
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
    /* the SLOs: every check of a single row; of several rows, those of the
     * rows that did not pass them all */
    for (size_t i = 0; i < t->n; i++) {
        const trow *row = &t->rows[i];
        if (!row->slo_lines || (t->n > 1 && row->slo_all_pass))
            continue;
        fputc('\n', f);
        if (t->n > 1) {
            row_title(f, r, row);
            fprintf(f, ": %s\n", ss_verdict_name(row->verdict));
        } else {
            fprintf(f, "SLOs: %s\n", ss_verdict_name(row->verdict));
        }
        fprintf(f, "%s", row->slo_lines);
    }
    for (size_t i = 0; i < t->n; i++) {
        const trow *row = &t->rows[i];
        if (!row->dyn_line)
            continue;
        if (i == 0 || !t->rows[i - 1].dyn_line)
            fputc('\n', f);
        if (t->n > 1) {
            row_title(f, r, row);
            fputs(": ", f);
        }
        fputs(row->dyn_line, f);
    }
    for (size_t i = 0; i < t->n; i++) {
        const trow *row = &t->rows[i];
        if (!row->theory_lines)
            continue;
        fputc('\n', f);
        if (t->n > 1) {
            row_title(f, r, row);
            fputs(":\n", f);
        }
        fputs(row->theory_lines, f);
    }
    /* what the figures above do not say by themselves */
    fflush(t->notes_f);
    if (t->notes_len) {
        fputc('\n', f);
        fwrite(t->notes, 1, t->notes_len, f);
    }
}
