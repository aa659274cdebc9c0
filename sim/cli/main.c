/*
 * sim/cli/main.c -- the scalesim command line (SPEC.md section 2).
 *
 * Loads every scenario at every sweep point first (all errors of all files
 * reported, nothing run when one is invalid), checks the output files, then
 * runs the experiment (sim/exp/experiment.c) and writes each row as soon as it
 * and the rows before it are done. Data goes to stdout; diagnostics and
 * the progress bar go to stderr. SIGINT and SIGTERM stop the run in
 * progress; what is finished is written and the exit status is 130.
 */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <gsl/gsl_errno.h>

#include "cli.h"
#include "diag.h"
#include "experiment.h"
#include "output.h"
#include "registry.h"
#include "scalesim/mem.h"
#include "scalesim/scalesim.h"
#include "scenario.h"
#include "slo.h"
#include "sweep.h"
#include "units.h"

#ifndef SS_VERSION
#define SS_VERSION "dev"
#endif

/* The table keeps a copy of every row; past this many, CSV is the tool. */
#define TABLE_MAX_ROWS 100000

static const char usage_text[] =
    "usage: scalesim [OPTIONS] SCENARIO.yaml [SCENARIO.yaml ...]\n"
    "\n"
    "Simulates the web architecture each scenario describes and prints latency\n"
    "percentiles, throughput, errors, utilisation, the bottleneck and the monthly\n"
    "cost, one row per scenario.\n"
    "\n"
    "Options:\n"
    "  -o, --output FORMAT     table (default), csv or json, on stdout\n"
    "      --set PATH=VALUE    override a scenario value; repeatable, e.g.\n"
    "                            --set workload.users=50000\n"
    "                            --set components.app.instances=8\n"
    "      --sweep PATH=LIST   run once per value: a,b,c or start:stop:step or\n"
    "                          start:stop:xFACTOR (10k:100k:10k, 10s:60s:10s, 1k:1M:x10);\n"
    "                          several give the cross product; each PATH becomes a\n"
    "                          leading column\n"
    "      --replications N    N independent runs of each scenario; figures become\n"
    "                          means with a 95% confidence half-width (*_ci95)\n"
    "      --per-replication   with --replications: one row per run instead\n"
    "  -j, --jobs N            run the runs of a sweep or of replications on N threads\n"
    "                          (0: every core; default 1); the output is the same\n"
    "      --seed N            base random seed (default: simulation.seed)\n"
    "      --duration T        measured simulated time, e.g. 10m (simulation.duration)\n"
    "      --warmup T          simulated time discarded first (simulation.warmup)\n"
    "      --components FILE   also write per-component metrics as CSV to FILE\n"
    "      --timeseries FILE   also write per-interval metrics as CSV to FILE\n"
    "      --interval T        the time series' interval (default 1s)\n"
    "      --breakdown FILE    also write where each request class's time goes\n"
    "                          (waiting, service, network per component) as CSV;\n"
    "                          with -o json the documents carry it too\n"
    "      --slo EXPR          a service-level objective, repeatable: p95_ms<200,\n"
    "                          error_rate<0.1%, availability>=99.9%,\n"
    "                          classes.write.p99_ms<=800 (and the scenario's slo:);\n"
    "                          each row gets pass, fail or unresolved (the 95%\n"
    "                          interval straddles the limit)\n"
    "      --precision P       replications until every figure's 95% half-width is\n"
    "                          within P of it (2%), instead of a fixed number\n"
    "      --max-replications N  the most --precision may run per row (default 50)\n"
    "      --theory            queueing theory's prediction beside the simulation:\n"
    "                          theory_* columns (summary, --components, JSON) and a\n"
    "                          table of each station's model, marked where they\n"
    "                          disagree beyond the replications' 95% interval\n"
    "      --plan              find the cheapest configuration whose SLOs all pass,\n"
    "                          over the --vary values (or the exercise's vary:)\n"
    "      --vary PATH=LIST    a dimension the planner may change; LIST as --sweep\n"
    "      --budget N          runs the planner may spend (default 200)\n"
    "      --plan-log FILE     every candidate the planner saw, as CSV\n"
    "      --grade             the files are answers to exercises: grade each one\n"
    "                          (changes, SLOs, cost against the planner's optimum)\n"
    "      --check             validate the scenarios, print nothing on success, run nothing\n"
    "      --kinds             list the component kinds and the keys each accepts\n"
    "      --event-queue KIND  auto (default), heap or calendar: the pending-event\n"
    "                          set; results are identical, speed differs\n"
    "      --max-memory SIZE   what a run may hold, e.g. 2GB (default: a quarter of\n"
    "                          the machine's memory); a run whose requests in flight\n"
    "                          outgrow it stops (exit 3) and says which queue grew\n"
    "  -q, --quiet             no progress bar\n"
    "  -h, --help              this help\n"
    "      --version           the version\n"
    "\n"
    "Durations take units ns us ms s m h; rates N/s N/m N/h; sizes B KB MB GB.\n"
    "Same scenario, seed and options: byte-identical output.\n"
    "\n"
    "Rows are written as soon as they and the rows before them are done; Ctrl-C\n"
    "keeps them (the table prints the finished rows).\n"
    "\n"
    "Exit status: 0 success, 1 a scenario is invalid (nothing is run),\n"
    "2 wrong usage, 3 a run failed, 4 an SLO failed, 5 an SLO is unresolved\n"
    "(none failed), 130 interrupted.\n"
    "\n"
    "Examples:\n"
    "  scalesim scenarios/stage5-cache.yaml\n"
    "  scalesim -o csv --set workload.users=20000 scenarios/stage3-load-balancer.yaml\n"
    "  scalesim -o csv --sweep workload.users=20k:200k:20k scenarios/stage3-load-balancer.yaml\n"
    "  scalesim --replications 10 scenarios/stage2-split-app-db.yaml\n";


/* Set by the signal handler, polled by the engine (ss_run_opts.stop). */
static volatile sig_atomic_t stop_requested;

static void on_signal(int sig)
{
    (void)sig;
    stop_requested = 1;
}

int ss_cli_usage_error(const char *fmt, const char *arg)
{
    fputs("scalesim: error: ", stderr);
    fprintf(stderr, fmt, arg);
    fputs("\nTry 'scalesim --help'.\n", stderr);
    return ss_status_exit(SS_USAGE);
}

static bool parse_duration_opt(const char *s, ss_time *out)
{
    double v;
    if (!ss_units_duration(s, &v) || v < 0 || v > 1e8)
        return false;
    *out = ss_time_from_s(v);
    return !(v > 0 && *out == 0);
}

static void print_kinds(void)
{
    const ss_kinds *kinds = ss_kinds_builtin();
    for (size_t i = 0; i < kinds->n; i++) {
        const ss_model_ops *m = kinds->ops[i];
        printf("%s: %s\n", m->kind, m->summary);
        for (const ss_param *p = m->params; p && p->name; p++) {
            printf("  %-17s %-13s %s", p->name,
                   ss_ptype_name(p->type), p->help ? p->help : "");
            if (p->flags & SS_PF_REQUIRED)
                printf(" (required)");
            else if (p->def && strcmp(p->def, "-1") != 0)
                printf(" (default %s)", p->def);
            putchar('\n');
            for (const ss_param *q = p->type == SS_P_STRUCT ? p->sub : NULL; q && q->name; q++) {
                printf("    %-15s %-13s %s", q->name,
                       ss_ptype_name(q->type),
                       q->help ? q->help : "");
                if (q->flags & SS_PF_REQUIRED)
                    printf(" (required)");
                else if (q->def && strcmp(q->def, "-1") != 0)
                    printf(" (default %s)", q->def);
                putchar('\n');
            }
        }
        printf("  %-17s %-13s %s\n", "instance_type", "name", "an instance type of the pricing file");
        printf("  %-17s %-13s %s\n", "price_per_hour", "dollars", "per instance, instead");
        printf("  %-17s %-13s %s\n\n", "placement", "name", "one datacenter instead of a copy in each");
    }
}

/* ---- writing rows as they come ------------------------------------------- */


void ss_sink_row(void *ctx, ss_row *row)
{
    sink *s = ctx;
    if (s->progress)
        ss_progress_clear(s->progress);
    s->worst = ss_verdict_worse(s->worst, row->verdict);
    if (s->c->format == 1)
        ss_out_csv_row(stdout, &s->rep, row);
    else if (s->c->format == 2)
        ss_out_json_row(stdout, &s->rep, row, s->rows);
    if (s->c->format != 0) /* the table prints its notes under it */
        ss_out_notes_row(stderr, &s->rep, row);
    if (s->outs[OUT_COMPONENTS].f)
        ss_out_components_row(s->outs[OUT_COMPONENTS].f, &s->rep, row);
    if (s->outs[OUT_TIMESERIES].f)
        ss_out_timeseries_row(s->outs[OUT_TIMESERIES].f, &s->rep, row);
    if (s->outs[OUT_BREAKDOWN].f)
        ss_out_breakdown_row(s->outs[OUT_BREAKDOWN].f, &s->rep, row);
    /* last: the table may take the results of a single run */
    if (s->c->format == 0 && s->keep_single)
        ss_table_add_owned(s->table, row);
    else if (s->c->format == 0)
        ss_table_add(s->table, row);
    /* a row is written when it is done, not when a buffer fills */
    fflush(stdout);
    for (int i = 0; i < OUTS; i++)
        if (s->outs[i].f)
            fflush(s->outs[i].f);
    s->rows++;
}

void ss_sink_progress(void *ctx, long run, long runs, const char *name, double done,
                          double sim_end_s, uint64_t events)
{
    sink *s = ctx;
    ss_progress_draw(s->progress, run, runs, name, done, sim_end_s, events);
}

/* A time series kept for a run must fit: refuse an --interval that would
 * fill the memory before it runs (each row holds a utilisation per
 * component). */
static bool series_fits(const cli *c, const ss_exp_info *info, double budget)
{
    if (!c->timeseries_file)
        return true;
    double interval = ss_time_to_s(c->run.interval > 0 ? c->run.interval : SS_SEC(1));
    double rows = ceil(info->max_end_s / interval);
    double bytes = rows * ((double)sizeof(ss_ts_row) + 8.0 * info->max_comps);
    if (bytes <= budget / 2)
        return true;
    char need[32], have[32];
    fprintf(stderr, "scalesim: error: --interval %g s over %.0f s of simulated time keeps %.0f "
            "rows per run (%s), more than half the memory budget (%s, --max-memory): "
            "choose a longer interval\n", interval, info->max_end_s, rows,
            ss_units_format_size(bytes, need, sizeof need),
            ss_units_format_size(budget, have, sizeof have));
    return false;
}

/* The folders a `pricing:` file is looked for in besides the scenario's:
 * beside an installed binary, ../share/scalesim/scenarios. */
void ss_cli_share_dir(char *buf, size_t n)
{
    char exe[PATH_MAX];
    ssize_t len = readlink("/proc/self/exe", exe, sizeof exe - 1);
    buf[0] = '\0';
    if (len <= 0)
        return;
    exe[len] = '\0';
    char *slash = strrchr(exe, '/');
    if (slash) {
        *slash = '\0';
        snprintf(buf, n, "%s/../share/scalesim/scenarios", exe);
    }
}

static int run_all(cli *c, char **files, int n_files)
{
    char share[PATH_MAX + 64];
    ss_cli_share_dir(share, sizeof share);
    const char *search[] = {share[0] ? share : NULL, NULL};
    ss_exp e = {.files = files, .n_files = n_files, .sets = c->sets, .n_sets = c->n_sets,
                .sweeps = c->sweeps, .n_sweeps = c->n_sweeps, .replications = c->replications,
                .per_replication = c->per_replication, .jobs = c->jobs, .run = c->run,
                .slos = c->slos, .n_slos = c->n_slos, .precision = c->precision,
                .max_replications = c->max_replications, .theory = c->theory};
    e.load.search = search;
    e.load.max_memory = c->run.max_memory;
    long points = 1;
    for (int s = 0; s < c->n_sweeps; s++) {
        points *= c->sweeps[s].n;
        if (points > SS_SWEEP_MAX)
            return ss_cli_usage_error("--sweep: more than %s runs in the cross product", "10000");
    }
    if (c->format == 0 && ss_exp_rows(&e) > TABLE_MAX_ROWS)
        return ss_cli_usage_error("the table would have more than %s rows: use -o csv", "100000");
    ss_diag *diag = ss_diag_new();
    ss_exp_info info = {0};
    bool valid = ss_exp_check(&e, diag, &info);
    if (!valid)
        ss_diag_print(diag, stderr);
    ss_diag_free(diag);
    int rc = 0;
    double budget = c->run.max_memory > 0 ? c->run.max_memory : ss_default_max_memory();
    sink s = {.c = c, .worst = SS_VERDICT_NONE};
    s.outs[OUT_COMPONENTS] = (ss_outfile){"--components", c->components_file, NULL};
    s.outs[OUT_TIMESERIES] = (ss_outfile){"--timeseries", c->timeseries_file, NULL};
    s.outs[OUT_BREAKDOWN] = (ss_outfile){"--breakdown", c->breakdown_file, NULL};
    if (!valid)
        rc = ss_status_exit(info.slo_usage ? SS_USAGE : SS_INVALID);
    else if (c->check)
        rc = 0;
    else if (!series_fits(c, &info, budget))
        rc = ss_status_exit(SS_USAGE);
    else if (!ss_outfiles_check(s.outs, OUTS, info.sources, info.n_sources) ||
             !ss_outfiles_open(s.outs, OUTS))
        rc = ss_status_exit(SS_RUNTIME);
    if (rc || c->check) {
        ss_outfiles_close(s.outs, OUTS);
        ss_exp_info_free(&info);
        return rc;
    }

    s.rep.n_sweep = c->n_sweeps;
    s.rep.sweep_names = ss_calloc((size_t)(c->n_sweeps ? c->n_sweeps : 1), sizeof(char *));
    for (int k = 0; k < c->n_sweeps; k++)
        s.rep.sweep_names[k] = c->sweeps[k].path;
    s.rep.with_ci = (c->replications > 1 || c->precision > 0) && !c->per_replication;
    s.rep.show_replication = c->replications > 1 || c->precision > 0;
    s.rep.slo_texts = (const char *const *)info.slo_texts;
    s.rep.n_slo_texts = info.n_slo_texts;
    s.rep.precision = c->precision;
    s.rep.theory = c->theory;
    s.rep.comp_names = (const char *const *)info.names;
    s.rep.n_comp_names = info.n_names;
    s.rep.ts_dynamics = info.dynamics;
    s.rep.brk_names = (const char *const *)info.brk_names;
    s.rep.n_brk_names = info.n_brk_names;
    /* the details of one run: with replications the table would show the
     * first one's components beside the mean of all, so it does not */
    s.keep_single = ss_exp_rows(&e) == 1 && c->replications == 1 && c->precision == 0;
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

    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    e.run.stop = &stop_requested;
    ss_progress bar;
    ss_progress_start(&bar);
    bool show = !c->quiet && isatty(STDERR_FILENO);
    s.progress = show ? &bar : NULL;
    ss_exp_hooks hooks = {ss_sink_row, show ? ss_sink_progress : NULL, &s};
    char why[600] = "";
    long done = 0;
    ss_status st = ss_exp_run(&e, &hooks, why, sizeof why, &done);
    ss_progress_clear(&bar);
    if (c->format == 0 && s.rows > 0)
        ss_table_print(s.table, stdout);
    else if (c->format == 2)
        ss_out_json_end(stdout, s.rows);
    if (st == SS_INTERRUPTED) {
        fprintf(stderr, "scalesim: interrupted after %ld of %ld runs\n", done, ss_exp_runs(&e));
        rc = ss_status_exit(SS_INTERRUPTED);
    } else if (st) {
        fprintf(stderr, "scalesim: %s\n", why);
        rc = ss_status_exit(st);
    }
    if (!ss_outfiles_close(s.outs, OUTS) && rc == 0)
        rc = ss_status_exit(SS_RUNTIME);
    if (rc == 0 && s.worst == SS_VERDICT_FAIL)
        rc = ss_status_exit(SS_SLO_FAILED);
    else if (rc == 0 && s.worst == SS_VERDICT_UNRESOLVED)
        rc = ss_status_exit(SS_SLO_UNRESOLVED);
    ss_table_free(s.table);
    ss_free(s.rep.sweep_names);
    ss_exp_info_free(&info);
    return rc;
}

int main(int argc, char **argv)
{
    gsl_set_error_handler_off();
    cli c = {0};
    c.replications = 1;
    ss_run_opts_init(&c.run);
    enum { O_SET = 256, O_SEED, O_DURATION, O_WARMUP, O_COMPONENTS, O_CHECK, O_VERSION,
           O_KINDS, O_EVQ, O_SWEEP, O_REPS, O_PER_REP, O_TIMESERIES, O_INTERVAL, O_BREAKDOWN,
           O_MAX_MEMORY, O_JOBS, O_SLO, O_PRECISION, O_MAX_REPS, O_PLAN, O_VARY, O_BUDGET,
           O_PLAN_LOG, O_GRADE, O_THEORY };
    static const struct option longs[] = {
        {"output", required_argument, 0, 'o'},
        {"set", required_argument, 0, O_SET},
        {"sweep", required_argument, 0, O_SWEEP},
        {"seed", required_argument, 0, O_SEED},
        {"replications", required_argument, 0, O_REPS},
        {"per-replication", no_argument, 0, O_PER_REP},
        {"duration", required_argument, 0, O_DURATION},
        {"warmup", required_argument, 0, O_WARMUP},
        {"components", required_argument, 0, O_COMPONENTS},
        {"timeseries", required_argument, 0, O_TIMESERIES},
        {"interval", required_argument, 0, O_INTERVAL},
        {"breakdown", required_argument, 0, O_BREAKDOWN},
        {"check", no_argument, 0, O_CHECK},
        {"kinds", no_argument, 0, O_KINDS},
        {"event-queue", required_argument, 0, O_EVQ},
        {"max-memory", required_argument, 0, O_MAX_MEMORY},
        {"jobs", required_argument, 0, 'j'},
        {"slo", required_argument, 0, O_SLO},
        {"precision", required_argument, 0, O_PRECISION},
        {"max-replications", required_argument, 0, O_MAX_REPS},
        {"plan", no_argument, 0, O_PLAN},
        {"vary", required_argument, 0, O_VARY},
        {"budget", required_argument, 0, O_BUDGET},
        {"plan-log", required_argument, 0, O_PLAN_LOG},
        {"grade", no_argument, 0, O_GRADE},
        {"theory", no_argument, 0, O_THEORY},
        {"quiet", no_argument, 0, 'q'},
        {"help", no_argument, 0, 'h'},
        {"version", no_argument, 0, O_VERSION},
        {0, 0, 0, 0},
    };
    c.sets = ss_calloc((size_t)argc, sizeof *c.sets);
    c.sweeps = ss_calloc((size_t)argc, sizeof *c.sweeps);
    c.slos = ss_calloc((size_t)argc, sizeof *c.slos);
    c.varies = ss_calloc((size_t)argc, sizeof *c.varies);
    c.max_replications = 50;
    opterr = 0;
    int opt, rc = 0;
    char err[400];
    while ((opt = getopt_long(argc, argv, ":o:qhj:", longs, NULL)) != -1) {
        switch (opt) {
        case 'o':
            if (strcmp(optarg, "table") == 0)
                c.format = 0;
            else if (strcmp(optarg, "csv") == 0)
                c.format = 1;
            else if (strcmp(optarg, "json") == 0)
                c.format = 2;
            else {
                rc = ss_cli_usage_error("--output: expected table, csv or json, got \"%s\"", optarg);
                goto done;
            }
            break;
        case O_SET:
            if (!strchr(optarg, '=')) {
                rc = ss_cli_usage_error("--set: expected PATH=VALUE like workload.users=50000, got "
                                 "\"%s\"", optarg);
                goto done;
            }
            c.sets[c.n_sets++].text = optarg;
            break;
        case O_SWEEP:
            if (c.n_sweeps == 64 || !ss_sweep_parse(optarg, &c.sweeps[c.n_sweeps], err, sizeof err)) {
                rc = ss_cli_usage_error("%s", c.n_sweeps == 64 ? "--sweep: at most 64 of them" : err);
                goto done;
            }
            for (int s = 0; s < c.n_sweeps; s++)
                if (strcmp(c.sweeps[s].path, c.sweeps[c.n_sweeps].path) == 0) {
                    c.n_sweeps++; /* released with the others */
                    rc = ss_cli_usage_error("--sweep %s: swept twice (give one list of its values)",
                                     c.sweeps[s].path);
                    goto done;
                }
            c.n_sweeps++;
            break;
        case O_SEED: {
            char *end;
            errno = 0;
            unsigned long long v = strtoull(optarg, &end, 10);
            if (errno || *end || !*optarg || optarg[0] == '-') {
                rc = ss_cli_usage_error("--seed: expected a whole number >= 0, got \"%s\"", optarg);
                goto done;
            }
            c.run.seed = v;
            c.run.seed_set = true;
            break;
        }
        case O_REPS: {
            char *end;
            long v = strtol(optarg, &end, 10);
            if (*end || !*optarg || v < 1 || v > 10000) {
                rc = ss_cli_usage_error("--replications: expected a whole number from 1 to 10000, got "
                                 "\"%s\"", optarg);
                goto done;
            }
            c.replications = (int)v;
            break;
        }
        case O_PER_REP:
            c.per_replication = true;
            break;
        case O_DURATION:
            if (!parse_duration_opt(optarg, &c.run.duration) || c.run.duration == 0) {
                rc = ss_cli_usage_error("--duration: expected a duration > 0 like 10m, got \"%s\"",
                                 optarg);
                goto done;
            }
            break;
        case O_WARMUP:
            if (!parse_duration_opt(optarg, &c.run.warmup)) {
                rc = ss_cli_usage_error("--warmup: expected a duration like 1m, got \"%s\"", optarg);
                goto done;
            }
            break;
        case O_INTERVAL:
            if (!parse_duration_opt(optarg, &c.run.interval) || c.run.interval < SS_MS(1)) {
                rc = ss_cli_usage_error("--interval: expected a duration of 1ms or more like 1s, got "
                                 "\"%s\"", optarg);
                goto done;
            }
            break;
        case O_COMPONENTS:
            c.components_file = optarg;
            break;
        case O_TIMESERIES:
            c.timeseries_file = optarg;
            c.run.timeseries = true;
            break;
        case O_BREAKDOWN:
            c.breakdown_file = optarg;
            c.run.breakdown = true;
            break;
        case O_EVQ:
            if (strcmp(optarg, "auto") == 0)
                c.run.event_queue = 0;
            else if (strcmp(optarg, "heap") == 0)
                c.run.event_queue = 1;
            else if (strcmp(optarg, "calendar") == 0)
                c.run.event_queue = 2;
            else {
                rc = ss_cli_usage_error("--event-queue: expected auto, heap or calendar, got \"%s\"",
                                 optarg);
                goto done;
            }
            break;
        case O_MAX_MEMORY: {
            double v;
            if (!ss_units_size(optarg, &v) || v < 1e6) {
                rc = ss_cli_usage_error("--max-memory: expected a size of 1MB or more like 4GB, got "
                                 "\"%s\"", optarg);
                goto done;
            }
            c.run.max_memory = v;
            break;
        }
        case 'j': {
            char *end;
            long v = strtol(optarg, &end, 10);
            if (*end || !*optarg || v < 0 || v > 64) {
                rc = ss_cli_usage_error("--jobs: expected a whole number from 0 (every core) to 64, "
                                 "got \"%s\"", optarg);
                goto done;
            }
            c.jobs = v ? (int)v : (int)sysconf(_SC_NPROCESSORS_ONLN);
            if (c.jobs < 1)
                c.jobs = 1;
            if (c.jobs > 64)
                c.jobs = 64;
            break;
        }
        case O_SLO: {
            ss_slo s;
            if (c.n_slos == SS_MAX_SLOS) {
                rc = ss_cli_usage_error("--slo: at most %s of them", "32");
                goto done;
            }
            if (!ss_slo_parse(optarg, &s, err, sizeof err)) {
                rc = ss_cli_usage_error("--slo: %s", err);
                goto done;
            }
            c.slos[c.n_slos++] = optarg;
            break;
        }
        case O_PRECISION: {
            double v;
            if (!ss_units_share(optarg, &v, NULL) || !(v > 0 && v < 1)) {
                rc = ss_cli_usage_error("--precision: expected a share above 0 and below 1 like 2%% or "
                                 "0.02, got \"%s\"", optarg);
                goto done;
            }
            c.precision = v;
            break;
        }
        case O_MAX_REPS: {
            char *end;
            long v = strtol(optarg, &end, 10);
            if (*end || !*optarg || v < 3 || v > 10000) {
                rc = ss_cli_usage_error("--max-replications: expected a whole number from 3 to 10000, "
                                 "got \"%s\"", optarg);
                goto done;
            }
            c.max_replications = (int)v;
            c.max_replications_set = true;
            break;
        }
        case O_PLAN:
            c.plan = true;
            break;
        case O_THEORY:
            c.theory = true;
            break;
        case O_VARY:
            if (c.n_varies == 64 || !ss_sweep_parse(optarg, &c.varies[c.n_varies], err, sizeof err)) {
                rc = ss_cli_usage_error("%s", c.n_varies == 64 ? "--vary: at most 64 of them"
                                                               : err);
                goto done;
            }
            c.n_varies++;
            break;
        case O_BUDGET: {
            char *end;
            long v = strtol(optarg, &end, 10);
            if (*end || !*optarg || v < 1 || v > 1000000) {
                rc = ss_cli_usage_error("--budget: expected a number of runs from 1 to 1000000, "
                                        "got \"%s\"", optarg);
                goto done;
            }
            c.budget = v;
            break;
        }
        case O_PLAN_LOG:
            c.plan_log = optarg;
            break;
        case O_GRADE:
            c.grade = true;
            break;
        case O_CHECK:
            c.check = true;
            break;
        case 'q':
            c.quiet = true;
            break;
        case 'h':
            fputs(usage_text, stdout);
            goto done;
        case O_VERSION:
            printf("scalesim %s\n", SS_VERSION);
            goto done;
        case O_KINDS:
            print_kinds();
            goto done;
        case ':':
            rc = ss_cli_usage_error("%s needs a value", argv[optind - 1]);
            goto done;
        default:
            rc = ss_cli_usage_error("unknown option \"%s\"", argv[optind - 1]);
            goto done;
        }
    }
    if (optind >= argc) {
        rc = ss_cli_usage_error("%s", "no scenario file given");
        goto done;
    }
    if (c.precision > 0 && c.per_replication) {
        rc = ss_cli_usage_error("%s", "--precision decides the replications: it cannot go with "
                         "--per-replication");
        goto done;
    }
    if (c.per_replication && c.replications < 2) {
        rc = ss_cli_usage_error("%s", "--per-replication needs --replications 2 or more");
        goto done;
    }
    if ((c.n_varies || c.plan_log || (c.budget && !c.grade)) && !c.plan) {
        rc = ss_cli_usage_error("%s", "--vary, --budget and --plan-log go with --plan "
                                      "(--budget also with --grade)");
        goto done;
    }
    if (c.theory && (c.plan || c.grade)) {
        rc = ss_cli_usage_error("%s", "--theory goes with runs, not with --plan or --grade (the "
                                      "planner uses theory to prune by itself)");
        goto done;
    }
    if (c.grade && c.plan) {
        rc = ss_cli_usage_error("%s", "--grade finds the answer key itself: --plan does not go "
                                      "with it");
        goto done;
    }
    if (c.grade)
        rc = ss_cli_grade(&c, argv + optind, argc - optind);
    else if (c.plan)
        rc = ss_cli_plan(&c, argv + optind, argc - optind);
    else
        rc = run_all(&c, argv + optind, argc - optind);
done:
    for (int s = 0; s < c.n_sweeps; s++)
        ss_sweep_release(&c.sweeps[s]);
    ss_free(c.sweeps);
    for (int s = 0; s < c.n_varies; s++)
        ss_sweep_release(&c.varies[s]);
    ss_free(c.varies);
    ss_free(c.sets);
    ss_free(c.slos);
    if (fflush(stdout) != 0 && rc == 0) {
        fputs("scalesim: error: cannot write the report\n", stderr);
        rc = ss_status_exit(SS_RUNTIME);
    }
    return rc;
}
