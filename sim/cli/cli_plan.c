/*
 * sim/cli/cli_plan.c -- `scalesim --plan`: the cheapest configuration whose
 * SLOs all pass (SPEC.md 10; the search is sim/exp/plan.c).
 *
 * The chosen configuration is one report row, in the format asked for, with
 * the varied paths as leading columns and its verdicts; the table adds the
 * search's account and the cheaper candidates that did not pass, and why.
 * --plan-log writes every candidate as CSV (plots/frontier.gp draws it).
 * Exit: 0 a configuration passes and nothing cheaper is undecided; 4 none
 * passes; 5 the budget or the replication cap left a cheaper one undecided.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "diag.h"
#include "experiment.h"
#include "plan.h"
#include "predict.h"
#include "scalesim/mem.h"
#include "text.h"

/* Cheaper candidates shown under the table; the rest are in the log. */
#define SHOW_CHEAPER 12

static void plan_progress(void *ctx, long done, long n, long runs)
{
    ss_progress *bar = ctx;
    char name[64];
    snprintf(name, sizeof name, "candidates (%ld runs)", runs);
    ss_progress_draw(bar, done < n ? done : n - 1, n, name, done < n ? 0 : 1, 0, 0);
}

static void write_log(FILE *f, const ss_exp *e, const ss_plan_out *out, const ss_exp_info *info)
{
    fputs("candidate", f);
    for (int d = 0; d < e->n_sweeps; d++) {
        fputc(',', f);
        ss_out_csv_field(f, e->sweeps[d].path);
    }
    fputs(",static_cost_month_usd,state,replications", f);
    for (int k = 0; k < SS_FIGS; k++)
        fprintf(f, ",%s,%s_ci95", ss_fig_name(k), ss_fig_name(k));
    fputs(",verdict", f);
    for (int k = 0; k < info->n_slo_texts; k++) {
        fputc(',', f);
        ss_out_csv_field(f, info->slo_texts[k]);
    }
    fputs(",chosen,why\n", f);
    char **vals = ss_calloc((size_t)(e->n_sweeps + 1), sizeof *vals);
    for (long i = 0; i < out->n; i++) {
        const ss_cand *c = &out->cands[i];
        fprintf(f, "%ld", i);
        ss_exp_point_values(e, c->point, vals);
        for (int d = 0; d < e->n_sweeps; d++) {
            char buf[64];
            fputc(',', f);
            ss_out_csv_field(f, ss_out_sweep_value(vals[d], buf, sizeof buf));
        }
        fputc(',', f);
        ss_out_csv_num(f, c->static_cost, 2);
        fprintf(f, ",%s,", ss_cand_state_name(c->state));
        if (c->reps)
            fprintf(f, "%d", c->reps);
        for (int k = 0; k < SS_FIGS; k++) {
            fputc(',', f);
            ss_out_csv_num(f, c->reps ? c->fig[k] : NAN, ss_fig_decimals(k));
            fputc(',', f);
            ss_out_csv_num(f, c->reps ? c->ci95[k] : NAN, ss_fig_decimals(k));
        }
        fprintf(f, ",%s", ss_verdict_name(c->reps ? c->verdict : SS_VERDICT_NONE));
        for (int k = 0; k < info->n_slo_texts; k++) {
            fputc(',', f);
            for (int s = 0; s < c->n_slo && c->reps; s++)
                if (strcmp(c->slo[s].slo->text, info->slo_texts[k]) == 0)
                    fputs(ss_verdict_name(c->slo[s].verdict), f);
        }
        fprintf(f, ",%d,", c->point == out->best);
        ss_out_csv_field(f, c->why);
        fputc('\n', f);
    }
    ss_free(vals);
}

/* "app.instances=40 db.instance_type=r5.xlarge" */
static void values_text(const ss_exp *e, long point, char *buf, size_t n)
{
    char **vals = ss_calloc((size_t)(e->n_sweeps + 1), sizeof *vals);
    ss_exp_point_values(e, point, vals);
    buf[0] = '\0';
    for (int d = 0; d < e->n_sweeps; d++) {
        size_t len = strlen(buf);
        char *v = ss_text_safe_dup(vals[d]);
        snprintf(buf + len, n - len, "%s%s=%s", d ? " " : "", e->sweeps[d].path, v);
        ss_free(v);
    }
    ss_free(vals);
}

static int by_cost_desc(const void *a, const void *b)
{
    const ss_cand *x = *(const ss_cand *const *)a, *y = *(const ss_cand *const *)b;
    if (x->static_cost != y->static_cost)
        return x->static_cost > y->static_cost ? -1 : 1;
    return x->point < y->point ? -1 : x->point > y->point;
}

/* The search's account and the cheaper candidates that did not pass. */
static void print_account(FILE *f, const ss_exp *e, const ss_plan_out *out, long budget,
                          bool table)
{
    const char *lead = table ? "" : "scalesim: plan: ";
    fprintf(f, "%s%ld candidates: %ld simulated (%ld runs of a budget of %ld), %ld pruned "
            "(%ld by cost, %ld by monotonicity, %ld by theory), %ld dearer than the choice",
            lead, out->n, out->evaluated, out->runs, budget,
            out->pruned_cost + out->pruned_mono + out->pruned_theory, out->pruned_cost,
            out->pruned_mono, out->pruned_theory, out->dearer);
    long not_reached = 0;
    for (long i = 0; i < out->n; i++)
        not_reached += out->cands[i].state == SS_CAND_NOT_REACHED;
    if (not_reached)
        fprintf(f, ", %ld not reached", not_reached);
    fputs("\n", f);
    if (out->best < 0 && !table)
        return;
    double limit = out->best >= 0 ? out->cands[out->best].fig[SS_FIG_COST_MONTH] : INFINITY;
    const ss_cand **cheaper = ss_calloc((size_t)(out->n ? out->n : 1), sizeof *cheaper);
    long n = 0;
    for (long i = 0; i < out->n; i++)
        if (out->cands[i].point != out->best && out->cands[i].static_cost <= limit &&
            out->cands[i].state != SS_CAND_PASS)
            cheaper[n++] = &out->cands[i];
    qsort(cheaper, (size_t)n, sizeof *cheaper, by_cost_desc);
    if (n && table) {
        fprintf(f, "\n%s:\n", out->best >= 0 ? "cheaper configurations that do not pass"
                                             : "no configuration passes");
        for (long i = 0; i < n && i < SHOW_CHEAPER; i++) {
            char vals[400];
            values_text(e, cheaper[i]->point, vals, sizeof vals);
            char *why = ss_text_safe_dup(cheaper[i]->why);
            fprintf(f, "  %-40s $%8.0f  %-16s %s\n", vals, cheaper[i]->static_cost,
                    ss_cand_state_name(cheaper[i]->state), why);
            ss_free(why);
        }
        if (n > SHOW_CHEAPER)
            fprintf(f, "  ... and %ld more (--plan-log FILE lists every candidate)\n",
                    n - SHOW_CHEAPER);
    }
    ss_free(cheaper);
}

static int exercise_key_inputs(cli *c, const char *file, ss_sweep *sw, int *n_sw,
                               const char **slos, int *n_slos);
static int plan(cli *c, char **files, const char *const *ex_slos, int n_ex_slos);

/* The planner's pruning (ss_plan.infeasible): theory's offered load. */
static bool theory_infeasible(void *ctx, const ss_scenario *sc, char *why, size_t why_len)
{
    (void)ctx;
    return ss_predict_overloaded(sc, why, why_len);
}

int ss_cli_plan(cli *c, char **files, int n_files)
{
    if (n_files != 1)
        return ss_cli_usage_error("%s", "--plan takes one scenario file");
    if (c->n_sweeps)
        return ss_cli_usage_error("%s", "--plan changes what --vary names: --sweep does not go "
                                        "with it");
    if (c->per_replication || c->precision > 0)
        return ss_cli_usage_error("%s", "--plan decides the replications itself: "
                                        "--per-replication and --precision do not go with it");
    /* an exercise without --vary: its vary lists and SLOs (the answer key) */
    ss_sweep ex_sw[SS_MAX_EXERCISE_VARY];
    const char *ex_slos[SS_MAX_SLOS];
    int n_ex_sw = 0, n_ex_slos = 0;
    if (!c->n_varies) {
        int rc = exercise_key_inputs(c, files[0], ex_sw, &n_ex_sw, ex_slos, &n_ex_slos);
        if (rc)
            return rc;
        c->varies = ex_sw; /* for the rest of this call */
        c->n_varies = n_ex_sw;
    }
    int rc = plan(c, files, ex_slos, n_ex_slos);
    for (int i = 0; i < n_ex_slos; i++)
        ss_free((char *)ex_slos[i]);
    if (n_ex_sw) {
        for (int i = 0; i < n_ex_sw; i++)
            ss_sweep_release(&ex_sw[i]);
        c->varies = NULL;
        c->n_varies = 0;
    }
    return rc;
}

/* The exercise's vary lists as --vary and its SLOs, for --plan without
 * --vary on an exercise; 0, or the exit status of what is wrong. */
static int exercise_key_inputs(cli *c, const char *file, ss_sweep *sw, int *n_sw,
                               const char **slos, int *n_slos)
{
    ss_diag *d = ss_diag_new();
    ss_scenario *sc = ss_scenario_load_with(file, c->sets, c->n_sets, NULL, d);
    if (!sc) {
        ss_diag_print(d, stderr);
        ss_diag_free(d);
        return ss_status_exit(SS_INVALID);
    }
    ss_diag_free(d);
    int rc = 0;
    if (!sc->ex.present)
        rc = ss_cli_usage_error("%s", "--plan needs --vary PATH=LIST: what it may change, e.g. "
                                      "--vary components.app.instances=2:64:2");
    for (int i = 0; i < sc->ex.n_vary && !rc; i++) {
        char err[300];
        if (!strchr(sc->ex.vary[i], '='))
            continue;
        if (!ss_sweep_parse(sc->ex.vary[i], &sw[*n_sw], err, sizeof err)) {
            fprintf(stderr, "%s:%d:%d: error: exercise.vary[%d]: %s\n", file,
                    sc->ex.vary_mark[i].line, sc->ex.vary_mark[i].col, i, err);
            rc = ss_status_exit(SS_INVALID);
        } else {
            (*n_sw)++;
        }
    }
    if (!rc && *n_sw == 0)
        rc = ss_cli_usage_error("%s", "the exercise's vary: gives no PATH=LIST to search: give "
                                      "--vary PATH=LIST");
    /* the texts live in the scenario: keep copies for the plan */
    for (int i = 0; i < sc->ex.n_slo && !rc && *n_slos < SS_MAX_SLOS; i++)
        slos[(*n_slos)++] = ss_strdup(sc->ex.slo[i]); /* the caller frees them */
    ss_scenario_free(sc);
    if (rc)
        for (int i = 0; i < *n_sw; i++)
            ss_sweep_release(&sw[i]);
    if (rc)
        *n_sw = 0;
    return rc;
}

static int plan(cli *c, char **files, const char *const *ex_slos, int n_ex_slos)
{
    long points = 1;
    for (int d = 0; d < c->n_varies; d++) {
        points *= c->varies[d].n;
        if (points > SS_SWEEP_MAX)
            return ss_cli_usage_error("--vary: more than %s candidates in the cross product",
                                      "10000");
    }
    char share[4200];
    ss_cli_share_dir(share, sizeof share);
    const char *search[] = {share[0] ? share : NULL, NULL};
    const char *slos[2 * SS_MAX_SLOS];
    int n_slos = 0;
    for (int i = 0; i < c->n_slos; i++)
        slos[n_slos++] = c->slos[i];
    for (int i = 0; i < n_ex_slos; i++)
        slos[n_slos++] = ex_slos[i];
    ss_exp e = {.files = files, .n_files = 1, .sets = c->sets, .n_sets = c->n_sets,
                .sweeps = c->varies, .n_sweeps = c->n_varies, .replications = c->replications,
                .jobs = c->jobs, .run = c->run, .slos = slos, .n_slos = n_slos};
    e.load.search = search;
    e.load.max_memory = c->run.max_memory;
    ss_diag *diag = ss_diag_new();
    ss_exp_info info = {0};
    bool valid = ss_exp_check(&e, diag, &info);
    if (!valid)
        ss_diag_print(diag, stderr);
    ss_diag_free(diag);
    int rc = 0;
    if (!valid) {
        rc = ss_status_exit(info.slo_usage ? SS_USAGE : SS_INVALID);
    } else if (info.n_slo_texts == 0) {
        rc = ss_cli_usage_error("%s", "--plan needs an SLO to meet: --slo 'p95_ms<200', or "
                                      "slo: in the scenario");
    }
    enum { LOG = OUTS };
    ss_outfile outs[OUTS + 1] = {
        {"--components", c->components_file, NULL},
        {"--timeseries", c->timeseries_file, NULL},
        {"--breakdown", c->breakdown_file, NULL},
        {"--plan-log", c->plan_log, NULL},
    };
    if (!rc && !c->check &&
        (!ss_outfiles_check(outs, OUTS + 1, info.sources, info.n_sources) ||
         !ss_outfiles_open(outs, OUTS + 1)))
        rc = ss_status_exit(SS_RUNTIME);
    if (rc || c->check) {
        ss_outfiles_close(outs, OUTS + 1);
        ss_exp_info_free(&info);
        return rc;
    }

    sink s = {.c = c, .worst = SS_VERDICT_NONE};
    memcpy(s.outs, outs, sizeof s.outs);
    s.rep.n_sweep = c->n_varies;
    s.rep.sweep_names = ss_calloc((size_t)c->n_varies, sizeof(char *));
    for (int k = 0; k < c->n_varies; k++)
        s.rep.sweep_names[k] = c->varies[k].path;
    s.rep.show_replication = true;
    s.rep.comp_names = (const char *const *)info.names;
    s.rep.n_comp_names = info.n_names;
    s.rep.ts_dynamics = info.dynamics;
    s.rep.brk_names = (const char *const *)info.brk_names;
    s.rep.n_brk_names = info.n_brk_names;
    s.rep.slo_texts = (const char *const *)info.slo_texts;
    s.rep.n_slo_texts = info.n_slo_texts;

    ss_progress bar;
    ss_progress_start(&bar);
    bool show = !c->quiet && isatty(STDERR_FILENO);
    ss_plan p = {.budget = c->budget, .max_reps = c->max_replications_set ? c->max_replications : 0,
                 .infeasible = theory_infeasible};
    ss_plan_out out;
    char why[600] = "";
    ss_status st = ss_plan_run(&e, &p, &out, show ? plan_progress : NULL, &bar, why, sizeof why);
    ss_progress_clear(&bar);
    long budget = p.budget > 0 ? p.budget : 200;
    if (st) {
        fprintf(stderr, "scalesim: %s\n", why);
        rc = ss_status_exit(st);
    } else {
        s.rep.with_ci = out.best >= 0 && out.best_row.n_reps > 1;
        if (c->format == 0)
            s.table = ss_table_new(&s.rep);
        else if (c->format == 1)
            ss_out_csv_head(stdout, &s.rep);
        if (s.outs[OUT_COMPONENTS].f)
            ss_out_components_head(s.outs[OUT_COMPONENTS].f, &s.rep);
        if (s.outs[OUT_TIMESERIES].f)
            ss_out_timeseries_head(s.outs[OUT_TIMESERIES].f, &s.rep);
        if (s.outs[OUT_BREAKDOWN].f)
            ss_out_breakdown_head(s.outs[OUT_BREAKDOWN].f, &s.rep);
        s.keep_single = out.best >= 0 && out.best_row.n_reps == 1;
        if (out.best >= 0)
            ss_sink_row(&s, &out.best_row);
        if (c->format == 0) {
            if (s.rows)
                ss_table_print(s.table, stdout);
            else
                fputs("no configuration passes every SLO\n", stdout);
            fputc('\n', stdout);
            print_account(stdout, &e, &out, budget, true);
        } else {
            if (c->format == 2)
                ss_out_json_end(stdout, s.rows);
            print_account(stderr, &e, &out, budget, false);
        }
        if (outs[LOG].f)
            write_log(outs[LOG].f, &e, &out, &info);
        if (out.best >= 0 && !out.cheaper_undecided)
            rc = 0;
        else if (out.cheaper_undecided || out.budget_out)
            rc = ss_status_exit(SS_SLO_UNRESOLVED);
        else
            rc = ss_status_exit(SS_SLO_FAILED);
        if (rc == ss_status_exit(SS_SLO_UNRESOLVED))
            fprintf(stderr, "scalesim: the search could not decide every cheaper candidate "
                    "(--budget %ld%s): the choice may not be the cheapest\n", budget,
                    out.budget_out ? " ran out" : ", or the replication cap");
    }
    memcpy(outs, s.outs, sizeof s.outs); /* the plan log is outs[LOG] */
    if (!ss_outfiles_close(outs, OUTS + 1) && rc == 0)
        rc = ss_status_exit(SS_RUNTIME);
    ss_table_free(s.table);
    ss_free(s.rep.sweep_names);
    ss_plan_out_free(&out);
    ss_exp_info_free(&info);
    return rc;
}
