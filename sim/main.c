/*
 * sim/main.c -- the scalesim command line (SPEC.md section 2).
 *
 * Loads every scenario first (all errors of all files reported, nothing run
 * when one is invalid), then runs them in order and prints one report.
 * Data goes to stdout; diagnostics and the progress bar go to stderr.
 */
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <gsl/gsl_errno.h>

#include "diag.h"
#include "output.h"
#include "registry.h"
#include "scalesim/mem.h"
#include "scalesim/scalesim.h"
#include "agg.h"
#include "scenario.h"
#include "sweep.h"
#include "units.h"

#ifndef SS_VERSION
#define SS_VERSION "dev"
#endif

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
    "      --seed N            base random seed (default: simulation.seed)\n"
    "      --duration T        measured simulated time, e.g. 10m (simulation.duration)\n"
    "      --warmup T          simulated time discarded first (simulation.warmup)\n"
    "      --components FILE   also write per-component metrics as CSV to FILE\n"
    "      --timeseries FILE   also write per-interval metrics as CSV to FILE\n"
    "      --interval T        the time series' interval (default 1s)\n"
    "      --breakdown FILE    also write where each request class's time goes\n"
    "                          (waiting, service, network per component) as CSV\n"
    "      --check             validate the scenarios, print nothing on success, run nothing\n"
    "      --kinds             list the component kinds and the keys each accepts\n"
    "      --event-queue KIND  auto (default), heap or calendar: the pending-event\n"
    "                          set; results are identical, speed differs\n"
    "  -q, --quiet             no progress bar\n"
    "  -h, --help              this help\n"
    "      --version           the version\n"
    "\n"
    "Durations take units ns us ms s m h; rates N/s N/m N/h; sizes B KB MB GB.\n"
    "Same scenario, seed and options: byte-identical output.\n"
    "\n"
    "Exit status: 0 success, 1 a scenario is invalid (nothing is run),\n"
    "2 wrong usage, 3 a run failed.\n"
    "\n"
    "Examples:\n"
    "  scalesim scenarios/stage5-cache.yaml\n"
    "  scalesim -o csv --set workload.users=20000 scenarios/stage3-load-balancer.yaml\n"
    "  scalesim -o csv --sweep workload.users=20k:200k:20k scenarios/stage3-load-balancer.yaml\n"
    "  scalesim --replications 10 scenarios/stage2-split-app-db.yaml\n";

typedef struct cli {
    int format;             /* 0 table, 1 csv, 2 json */
    ss_override *sets;
    int n_sets;
    ss_sweep *sweeps;
    int n_sweeps;
    int replications;
    bool per_replication;
    ss_run_opts run;
    const char *components_file, *timeseries_file, *breakdown_file;
    bool check, quiet;
} cli;

static int usage_error(const char *fmt, const char *arg)
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
    return true;
}

static void print_kinds(void)
{
    static const char *const type_names[] = {
        "count", "count", "number", "probability", "duration", "distribution",
        "distribution or {read, write}", "rate", "size", "dollars", "true/false", "choice",
        "name", "list of names", "mapping"};
    for (size_t i = 0; ss_models[i]; i++) {
        const ss_model_ops *m = ss_models[i];
        printf("%s: %s\n", m->kind, m->summary);
        for (const ss_param *p = m->params; p && p->name; p++) {
            printf("  %-14s %-13s %s", p->name,
                   p->type == SS_P_ENUM ? "choice" : type_names[p->type], p->help ? p->help : "");
            if (p->flags & SS_PF_REQUIRED)
                printf(" (required)");
            else if (p->def && strcmp(p->def, "-1") != 0)
                printf(" (default %s)", p->def);
            putchar('\n');
            for (const ss_param *q = p->type == SS_P_STRUCT ? p->sub : NULL; q && q->name; q++) {
                printf("    %-12s %-13s %s", q->name,
                       q->type == SS_P_ENUM ? "choice" : type_names[q->type],
                       q->help ? q->help : "");
                if (q->flags & SS_PF_REQUIRED)
                    printf(" (required)");
                else if (q->def && strcmp(q->def, "-1") != 0)
                    printf(" (default %s)", q->def);
                putchar('\n');
            }
        }
        printf("  %-14s %-13s %s\n", "instance_type", "name", "an instance type of the pricing file");
        printf("  %-14s %-13s %s\n", "price_per_hour", "dollars", "per instance, instead");
        printf("  %-14s %-13s %s\n\n", "placement", "name", "one datacenter instead of a copy in each");
    }
}

/* ---- progress bar ------------------------------------------------------------- */

typedef struct progress {
    const char *name;
    int index, total;
    double sim_end_s;       /* simulated seconds the run lasts */
    struct timespec start;
    double last_draw;
} progress;

static double elapsed(const struct timespec *t0)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)(t.tv_sec - t0->tv_sec) + (double)(t.tv_nsec - t0->tv_nsec) * 1e-9;
}

static void draw_progress(void *ctx, double done, uint64_t events)
{
    progress *p = ctx;
    double el = elapsed(&p->start);
    if (done < 1 && el - p->last_draw < 0.1)
        return;
    p->last_draw = el;
    int width = 24, fill = (int)(done * width + 0.5);
    char bar[32];
    for (int i = 0; i < width; i++)
        bar[i] = i < fill ? '#' : '.';
    bar[width] = '\0';
    double rate = el > 0 ? (double)events / el : 0;
    double eta = done > 0 ? el * (1 - done) / done : 0;
    fprintf(stderr, "\r[%d/%d] %-22.22s [%s] %3.0f%% t=%.0fs  %.1fM events/s  %.0fs left ",
            p->index, p->total, p->name, bar, done * 100, done * p->sim_end_s, rate / 1e6, eta);
    if (done >= 1)
        fputs("\r\033[K", stderr);
    fflush(stderr);
}

/* ---- the plan: files x sweep points x replications ------------------------------ */

/* The --set overrides of sweep point `point` (mixed radix over the sweeps,
 * the first sweep varying slowest), after the user's own. */
static int point_sets(const cli *c, long point, ss_override *ov, char **owned)
{
    int n = 0;
    for (int i = 0; i < c->n_sets; i++)
        ov[n++] = c->sets[i];
    long rest = point;
    int idx[64];
    for (int s = c->n_sweeps - 1; s >= 0; s--) {
        idx[s] = (int)(rest % c->sweeps[s].n);
        rest /= c->sweeps[s].n;
    }
    for (int s = 0; s < c->n_sweeps; s++) {
        const ss_sweep *sw = &c->sweeps[s];
        size_t len = strlen(sw->path) + strlen(sw->values[idx[s]]) + 2;
        owned[s] = ss_malloc(len);
        snprintf(owned[s], len, "%s=%s", sw->path, sw->values[idx[s]]);
        ov[n].option = "--sweep";
        ov[n++].text = owned[s];
    }
    return n;
}

static char **point_values(const cli *c, long point)
{
    char **v = ss_calloc((size_t)(c->n_sweeps ? c->n_sweeps : 1), sizeof *v);
    long rest = point;
    for (int s = c->n_sweeps - 1; s >= 0; s--) {
        v[s] = c->sweeps[s].values[rest % c->sweeps[s].n];
        rest /= c->sweeps[s].n;
    }
    return v;
}

static ss_scenario *load_point(const cli *c, const char *file, long point, ss_diag *d)
{
    ss_override *ov = ss_calloc((size_t)(c->n_sets + c->n_sweeps + 1), sizeof *ov);
    char **owned = ss_calloc((size_t)(c->n_sweeps + 1), sizeof *owned);
    int n = point_sets(c, point, ov, owned);
    ss_scenario *sc = ss_scenario_load(file, ov, n, d);
    for (int s = 0; s < c->n_sweeps; s++)
        ss_free(owned[s]);
    ss_free(owned);
    ss_free(ov);
    return sc;
}

static int write_file(const char *opt, const char *path, const ss_report *rep,
                      void (*writer)(FILE *, const ss_report *))
{
    FILE *f = fopen(path, "w");
    if (!f) {
        fprintf(stderr, "scalesim: error: %s: cannot write \"%s\": %s\n", opt, path,
                strerror(errno));
        return ss_status_exit(SS_RUNTIME);
    }
    writer(f, rep);
    if (fclose(f) != 0) {
        fprintf(stderr, "scalesim: error: %s: cannot write \"%s\"\n", opt, path);
        return ss_status_exit(SS_RUNTIME);
    }
    return 0;
}

/* Whether an output file can be written, asked before a long run rather
 * than found out after it: the file, if it exists, or else its folder. */
static bool writable(const char *opt, const char *path)
{
    if (!path)
        return true;
    const char *why = NULL;
    if (access(path, F_OK) == 0) {
        if (access(path, W_OK) != 0)
            why = strerror(errno);
    } else {
        const char *slash = strrchr(path, '/');
        char dir[4096];
        snprintf(dir, sizeof dir, "%.*s", slash ? (int)(slash - path) + 1 : 1,
                 slash ? path : ".");
        if (access(dir, W_OK | X_OK) != 0)
            why = strerror(errno);
    }
    if (why)
        fprintf(stderr, "scalesim: error: %s: cannot write \"%s\": %s\n", opt, path, why);
    return !why;
}

/* Loads every file at every sweep point before anything runs (SPEC: an
 * invalid scenario runs nothing), then runs them and prints one report. */
static int run_plan(cli *c, char **files, int n_files)
{
    long points = 1;
    for (int s = 0; s < c->n_sweeps; s++) {
        points *= c->sweeps[s].n;
        if (points > SS_SWEEP_MAX) {
            return usage_error("--sweep: more than %s runs in the cross product", "10000");
        }
    }
    int rc = 0;
    ss_diag *diag = ss_diag_new();
    /* validate: the base files first, so one broken file says so once */
    for (int i = 0; i < n_files; i++)
        ss_scenario_free(ss_scenario_load(files[i], c->sets, c->n_sets, diag));
    for (int i = 0; i < n_files && !ss_diag_errors(diag) && c->n_sweeps; i++)
        for (long p = 0; p < points && !ss_diag_errors(diag); p++)
            ss_scenario_free(load_point(c, files[i], p, diag));
    if (ss_diag_errors(diag)) {
        ss_diag_print(diag, stderr);
        ss_diag_free(diag);
        return ss_status_exit(SS_INVALID);
    }
    if (c->check) {
        ss_diag_free(diag);
        return 0;
    }
    if (!writable("--components", c->components_file) ||
        !writable("--timeseries", c->timeseries_file) ||
        !writable("--breakdown", c->breakdown_file)) {
        ss_diag_free(diag);
        return ss_status_exit(SS_RUNTIME);
    }
    int reps = c->replications;
    long n_rows = (long)n_files * points * (c->per_replication ? reps : 1);
    ss_report rep = {0};
    rep.n_sweep = c->n_sweeps;
    rep.sweep_names = ss_calloc((size_t)(c->n_sweeps ? c->n_sweeps : 1), sizeof(char *));
    for (int s = 0; s < c->n_sweeps; s++)
        rep.sweep_names[s] = c->sweeps[s].path;
    rep.with_ci = reps > 1 && !c->per_replication;
    rep.show_replication = reps > 1;
    rep.rows = ss_calloc((size_t)n_rows, sizeof *rep.rows);
    bool show = !c->quiet && isatty(STDERR_FILENO);
    int total = (int)((long)n_files * points * reps), done = 0;
    ss_scenario **keep = ss_calloc((size_t)n_files * (size_t)points, sizeof *keep);
    for (int i = 0; i < n_files && rc == 0; i++)
        for (long p = 0; p < points && rc == 0; p++) {
            ss_scenario *sc = load_point(c, files[i], p, diag);
            keep[(long)i * points + p] = sc;
            ss_result **rs = ss_calloc((size_t)reps, sizeof *rs);
            for (int r = 0; r < reps && rc == 0; r++) {
                progress pr = {sc->name, ++done, total, 0, {0, 0}, -1};
                ss_run_opts o = c->run;
                o.replication = (unsigned)r;
                ss_time warm = o.warmup >= 0 ? o.warmup : sc->warmup;
                ss_time dur = o.duration >= 0 ? o.duration : sc->duration;
                pr.sim_end_s = ss_time_to_s(warm + dur);
                clock_gettime(CLOCK_MONOTONIC, &pr.start);
                if (show) {
                    o.progress = draw_progress;
                    o.progress_ctx = &pr;
                }
                char why[300] = "";
                o.error = why;
                o.error_len = sizeof why;
                ss_status st = ss_run(sc, &o, &rs[r]);
                if (st) {
                    fprintf(stderr, "scalesim: %s: error: %s\n", sc->file,
                            why[0] ? why : ss_status_str(st));
                    rc = ss_status_exit(st);
                }
            }
            if (rc)
                break;
            char **vals = point_values(c, p);
            if (c->per_replication) {
                for (int r = 0; r < reps; r++) {
                    ss_row *row = &rep.rows[rep.n_rows++];
                    row->sweep_vals = vals;
                    row->owns_vals = r == 0;
                    row->reps = ss_calloc(1, sizeof *row->reps);
                    row->reps[0] = rs[r];
                    row->n_reps = 1;
                    row->res = rs[r];
                    memcpy(row->fig, rs[r]->fig, sizeof row->fig);
                    for (int k = 0; k < SS_FIGS; k++)
                        row->ci95[k] = NAN;
                    snprintf(row->bottleneck, sizeof row->bottleneck, "%s", rs[r]->bottleneck);
                }
                ss_free(rs);
            } else {
                ss_row *row = &rep.rows[rep.n_rows++];
                row->sweep_vals = vals;
                row->owns_vals = true;
                row->reps = rs;
                row->n_reps = reps;
                row->res = rs[0];
                ss_agg_figures((const ss_result *const *)rs, reps, row->fig, row->ci95);
                /* the bottleneck named most often across the replications */
                int best = 0, best_n = 0;
                for (int a = 0; a < reps; a++) {
                    int n = 0;
                    for (int b = 0; b < reps; b++)
                        n += strcmp(rs[a]->bottleneck, rs[b]->bottleneck) == 0;
                    if (n > best_n) {
                        best_n = n;
                        best = a;
                    }
                }
                snprintf(row->bottleneck, sizeof row->bottleneck, "%s", rs[best]->bottleneck);
            }
        }
    if (rc == 0) {
        if (c->format == 0)
            ss_out_table(stdout, &rep);
        else if (c->format == 1)
            ss_out_csv(stdout, &rep);
        else
            ss_out_json(stdout, &rep);
        if (c->format != 0) /* the table prints its notes itself */
            ss_out_notes(stderr, &rep);
        if (c->components_file)
            rc = write_file("--components", c->components_file, &rep, ss_out_components);
        if (rc == 0 && c->timeseries_file)
            rc = write_file("--timeseries", c->timeseries_file, &rep, ss_out_timeseries);
        if (rc == 0 && c->breakdown_file)
            rc = write_file("--breakdown", c->breakdown_file, &rep, ss_out_breakdown);
    }
    for (long i = 0; i < rep.n_rows; i++) {
        ss_row *row = &rep.rows[i];
        for (int r = 0; r < row->n_reps; r++)
            ss_result_free(row->reps[r]);
        ss_free(row->reps);
        if (row->owns_vals)
            ss_free(row->sweep_vals);
    }
    ss_free(rep.rows);
    ss_free(rep.sweep_names);
    for (long i = 0; i < (long)n_files * points; i++)
        ss_scenario_free(keep[i]);
    ss_free(keep);
    ss_diag_free(diag);
    return rc;
}

int main(int argc, char **argv)
{
    gsl_set_error_handler_off();
    cli c = {0};
    c.replications = 1;
    ss_run_opts_init(&c.run);
    enum { O_SET = 256, O_SEED, O_DURATION, O_WARMUP, O_COMPONENTS, O_CHECK, O_VERSION,
           O_KINDS, O_EVQ, O_SWEEP, O_REPS, O_PER_REP, O_TIMESERIES, O_INTERVAL, O_BREAKDOWN };
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
        {"quiet", no_argument, 0, 'q'},
        {"help", no_argument, 0, 'h'},
        {"version", no_argument, 0, O_VERSION},
        {0, 0, 0, 0},
    };
    c.sets = ss_calloc((size_t)argc, sizeof *c.sets);
    c.sweeps = ss_calloc((size_t)argc, sizeof *c.sweeps);
    opterr = 0;
    int opt, rc = 0;
    char err[400];
    while ((opt = getopt_long(argc, argv, ":o:qh", longs, NULL)) != -1) {
        switch (opt) {
        case 'o':
            if (strcmp(optarg, "table") == 0)
                c.format = 0;
            else if (strcmp(optarg, "csv") == 0)
                c.format = 1;
            else if (strcmp(optarg, "json") == 0)
                c.format = 2;
            else {
                rc = usage_error("--output: expected table, csv or json, got \"%s\"", optarg);
                goto done;
            }
            break;
        case O_SET:
            if (!strchr(optarg, '=')) {
                rc = usage_error("--set: expected PATH=VALUE like workload.users=50000, got "
                                 "\"%s\"", optarg);
                goto done;
            }
            c.sets[c.n_sets++].text = optarg;
            break;
        case O_SWEEP:
            if (c.n_sweeps == 64 || !ss_sweep_parse(optarg, &c.sweeps[c.n_sweeps], err, sizeof err)) {
                rc = usage_error("%s", c.n_sweeps == 64 ? "--sweep: at most 64 of them" : err);
                goto done;
            }
            c.n_sweeps++;
            break;
        case O_SEED: {
            char *end;
            errno = 0;
            unsigned long long v = strtoull(optarg, &end, 10);
            if (errno || *end || !*optarg || optarg[0] == '-') {
                rc = usage_error("--seed: expected a whole number >= 0, got \"%s\"", optarg);
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
                rc = usage_error("--replications: expected a whole number from 1 to 10000, got "
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
                rc = usage_error("--duration: expected a duration > 0 like 10m, got \"%s\"",
                                 optarg);
                goto done;
            }
            break;
        case O_WARMUP:
            if (!parse_duration_opt(optarg, &c.run.warmup)) {
                rc = usage_error("--warmup: expected a duration like 1m, got \"%s\"", optarg);
                goto done;
            }
            break;
        case O_INTERVAL:
            if (!parse_duration_opt(optarg, &c.run.interval) || c.run.interval < SS_MS(1)) {
                rc = usage_error("--interval: expected a duration of 1ms or more like 1s, got "
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
                rc = usage_error("--event-queue: expected auto, heap or calendar, got \"%s\"",
                                 optarg);
                goto done;
            }
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
            rc = usage_error("%s needs a value", argv[optind - 1]);
            goto done;
        default:
            rc = usage_error("unknown option \"%s\"", argv[optind - 1]);
            goto done;
        }
    }
    if (optind >= argc) {
        rc = usage_error("%s", "no scenario file given");
        goto done;
    }
    if (c.per_replication && c.replications < 2) {
        rc = usage_error("%s", "--per-replication needs --replications 2 or more");
        goto done;
    }
    if (c.format == 2)
        c.run.breakdown = true; /* JSON carries the breakdown */
    rc = run_plan(&c, argv + optind, argc - optind);
done:
    for (int s = 0; s < c.n_sweeps; s++)
        ss_sweep_release(&c.sweeps[s]);
    ss_free(c.sweeps);
    ss_free(c.sets);
    if (fflush(stdout) != 0 && rc == 0) {
        fputs("scalesim: error: cannot write the report\n", stderr);
        rc = ss_status_exit(SS_RUNTIME);
    }
    return rc;
}
