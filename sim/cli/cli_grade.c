/*
 * sim/cli/cli_grade.c -- `scalesim --grade ANSWER...`: one row per answer
 * to an exercise, each criterion pass or fail, and a line of feedback
 * (SPEC.md 11; the grading itself is sim/exp/grade.c).
 *
 * An answer that cannot be loaded gets a row too (grade "invalid", the
 * error as its feedback) so that one broken file in a folder of thirty
 * does not cost the teacher the other twenty-nine. Rows are written as
 * each answer is graded: a CSV being filled can be read while it grows.
 * Exit: 0 every answer passes, 4 otherwise.
 */
#include <cjson/cJSON.h>
#include <math.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "grade.h"
#include "scalesim/mem.h"
#include "text.h"

typedef struct answer_row {
    const char *file;
    bool invalid;
    ss_grade g;
    char error[600];        /* invalid: why                              */
} answer_row;

static const char *pf(bool ok)
{
    return ok ? "pass" : "fail";
}

static const char *grade_word(const answer_row *a)
{
    return a->invalid ? "invalid" : pf(a->g.pass);
}

static const char *const csv_head =
    "answer,exercise,grade,changes,slo,cost,replications,cost_month_usd,cheapest_month_usd,"
    "cheapest,bottleneck,bottleneck_util,feedback\n";

static void csv_row(FILE *f, const answer_row *a)
{
    const ss_grade *g = &a->g;
    ss_out_csv_field(f, a->file);
    fputc(',', f);
    ss_out_csv_field(f, g->exercise);
    fprintf(f, ",%s,", grade_word(a));
    if (!a->invalid)
        fprintf(f, "%s,%s,%s,%d", pf(g->changes_ok), ss_verdict_name(g->slo), pf(g->cost_ok),
                g->reps);
    else
        fputs(",,,", f);
    fputc(',', f);
    ss_out_csv_num(f, a->invalid ? NAN : g->cost, 2);
    fputc(',', f);
    ss_out_csv_num(f, a->invalid ? NAN : g->cheapest, 2);
    fputc(',', f);
    ss_out_csv_field(f, a->invalid ? "" : g->cheapest_vals);
    fputc(',', f);
    ss_out_csv_field(f, a->invalid ? "" : g->bottleneck);
    fputc(',', f);
    ss_out_csv_num(f, a->invalid ? NAN : g->bottleneck_util, 4);
    fputc(',', f);
    ss_out_csv_field(f, a->invalid ? a->error : g->feedback);
    fputc('\n', f);
    fflush(f);
}

static void json_num(cJSON *o, const char *name, double v)
{
    if (isfinite(v))
        cJSON_AddNumberToObject(o, name, v);
    else
        cJSON_AddNullToObject(o, name);
}

static cJSON *json_row(const answer_row *a)
{
    const ss_grade *g = &a->g;
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "answer", a->file);
    cJSON_AddStringToObject(o, "exercise", g->exercise);
    cJSON_AddStringToObject(o, "grade", grade_word(a));
    if (a->invalid) {
        cJSON_AddStringToObject(o, "feedback", a->error);
        return o;
    }
    cJSON *crit = cJSON_AddObjectToObject(o, "criteria");
    cJSON_AddStringToObject(crit, "changes", pf(g->changes_ok));
    cJSON_AddStringToObject(crit, "slo", ss_verdict_name(g->slo));
    cJSON_AddStringToObject(crit, "cost", pf(g->cost_ok));
    if (!g->changes_ok)
        cJSON_AddStringToObject(o, "changed", g->changed);
    cJSON *slos = cJSON_AddArrayToObject(o, "slo");
    for (int i = 0; i < g->n_checks; i++) {
        cJSON *s = cJSON_CreateObject();
        cJSON_AddStringToObject(s, "objective", g->checks[i].slo->text);
        cJSON_AddStringToObject(s, "verdict", ss_verdict_name(g->checks[i].verdict));
        json_num(s, "value", g->checks[i].value);
        json_num(s, "ci95", g->checks[i].ci95);
        cJSON_AddItemToArray(slos, s);
    }
    cJSON_AddNumberToObject(o, "replications", g->reps);
    json_num(o, "cost_month_usd", g->cost);
    json_num(o, "cheapest_month_usd", g->cheapest);
    cJSON_AddStringToObject(o, "cheapest", g->cheapest_vals);
    cJSON_AddStringToObject(o, "bottleneck", g->bottleneck);
    json_num(o, "bottleneck_util", g->bottleneck_util);
    cJSON_AddStringToObject(o, "feedback", g->feedback);
    return o;
}

/* The table: the criteria in columns, the feedback below, one line each. */
static void table(FILE *f, const answer_row *rows, int n)
{
    int w = (int)strlen("answer");
    for (int i = 0; i < n; i++)
        if ((int)strlen(rows[i].file) > w)
            w = (int)strlen(rows[i].file);
    fprintf(f, "%-*s  %-7s  %-7s  %-10s  %-4s  %9s  %9s\n", w, "answer", "grade", "changes",
            "slo", "cost", "$/month", "cheapest");
    for (int i = 0; i < n; i++) {
        const answer_row *a = &rows[i];
        char *name = ss_text_safe_dup(a->file);
        if (a->invalid) {
            fprintf(f, "%-*s  %-7s  %-7s  %-10s  %-4s  %9s  %9s\n", w, name, "invalid", "-", "-",
                    "-", "-", "-");
        } else {
            char cost[32], cheap[32];
            snprintf(cost, sizeof cost, "%.0f", a->g.cost);
            if (isfinite(a->g.cheapest))
                snprintf(cheap, sizeof cheap, "%.0f", a->g.cheapest);
            else
                snprintf(cheap, sizeof cheap, "-");
            fprintf(f, "%-*s  %-7s  %-7s  %-10s  %-4s  %9s  %9s\n", w, name, grade_word(a),
                    pf(a->g.changes_ok), ss_verdict_name(a->g.slo), pf(a->g.cost_ok), cost,
                    cheap);
        }
        ss_free(name);
    }
    fputs("\nfeedback:\n", f);
    for (int i = 0; i < n; i++) {
        char *name = ss_text_safe_dup(rows[i].file);
        char *text = ss_text_safe_dup(rows[i].invalid ? rows[i].error : rows[i].g.feedback);
        fprintf(f, "  %s: %s\n", name, text);
        ss_free(text);
        ss_free(name);
    }
    const char *cheapest = NULL;
    for (int i = 0; i < n && !cheapest; i++)
        if (!rows[i].invalid && rows[i].g.cheapest_vals[0])
            cheapest = rows[i].g.cheapest_vals;
    if (cheapest) {
        char *text = ss_text_safe_dup(cheapest);
        fprintf(f, "\nthe cheapest passing configuration the planner found: %s\n", text);
        ss_free(text);
    }
}

int ss_cli_grade(cli *c, char **files, int n_files)
{
    if (c->n_sets || c->n_sweeps || c->n_varies || c->n_slos || c->plan || c->precision > 0 ||
        c->per_replication || c->components_file || c->timeseries_file || c->breakdown_file ||
        c->plan_log)
        return ss_cli_usage_error("%s", "--grade takes the answers as they are: --set, --sweep, "
                                        "--slo, --plan, --precision and output files do not go "
                                        "with it (the exercise says what is judged)");
    if (c->check)
        return 0;
    char share[4200];
    ss_cli_share_dir(share, sizeof share);
    const char *search[] = {share[0] ? share : NULL, NULL};
    ss_exp e = {.replications = c->replications, .jobs = c->jobs, .run = c->run};
    e.load.search = search;
    e.load.max_memory = c->run.max_memory;

    answer_row *rows = ss_calloc((size_t)n_files, sizeof *rows);
    ss_grade_keys *keys = ss_grade_keys_new();
    ss_progress bar;
    ss_progress_start(&bar);
    bool show = !c->quiet && isatty(STDERR_FILENO);
    cJSON *json = c->format == 2 ? cJSON_CreateArray() : NULL;
    if (c->format == 1)
        fputs(csv_head, stdout);
    int rc = 0, graded = 0;
    bool all_pass = true;
    for (int i = 0; i < n_files && !rc; i++) {
        answer_row *a = &rows[i];
        a->file = files[i];
        if (show)
            ss_progress_draw(&bar, i, n_files, files[i], 0, 0, 0);
        ss_status st = ss_grade_answer(&e, c->budget, keys, files[i], &a->g, a->error,
                                       sizeof a->error);
        ss_progress_clear(&bar);
        if (st == SS_INVALID || st == SS_IO) {
            /* a broken answer is graded "invalid"; the others go on */
            a->invalid = true;
            fprintf(stderr, "%s\n", a->error);
        } else if (st) {
            fprintf(stderr, "scalesim: %s\n", a->error);
            rc = ss_status_exit(st);
            break;
        }
        all_pass = all_pass && !a->invalid && a->g.pass;
        graded++;
        if (c->format == 1)
            csv_row(stdout, a);
        else if (json)
            cJSON_AddItemToArray(json, json_row(a));
    }
    if (c->format == 0 && graded)
        table(stdout, rows, graded);
    if (json) {
        char *text = cJSON_Print(json);
        fprintf(stdout, "%s\n", text);
        cJSON_free(text);
        cJSON_Delete(json);
    }
    if (!rc && !all_pass)
        rc = ss_status_exit(SS_SLO_FAILED);
    ss_grade_keys_free(keys);
    ss_free(rows);
    return rc;
}
