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
#include "scenario.h"
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
    "      --seed N            base random seed (default: simulation.seed)\n"
    "      --duration T        measured simulated time, e.g. 10m (simulation.duration)\n"
    "      --warmup T          simulated time discarded first (simulation.warmup)\n"
    "      --components FILE   also write per-component metrics as CSV to FILE\n"
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
    "Example:\n"
    "  scalesim scenarios/stage5-cache.yaml\n"
    "  scalesim -o csv --set workload.users=20000 scenarios/stage3-load-balancer.yaml\n";

typedef struct cli {
    int format;             /* 0 table, 1 csv, 2 json */
    ss_override *sets;
    int n_sets;
    ss_run_opts run;
    const char *components_file;
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
            for (const ss_param *q = p->type == SS_P_STRUCT ? p->sub : NULL; q && q->name; q++)
                printf("    %-12s %-13s %s (default %s)\n", q->name,
                       q->type == SS_P_ENUM ? "choice" : type_names[q->type],
                       q->help ? q->help : "", q->def ? q->def : "none");
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
    fprintf(stderr, "\r[%d/%d] %-24.24s [%s] %3.0f%%  %.1fM events/s  %.0fs left ", p->index,
            p->total, p->name, bar, done * 100, rate / 1e6, eta);
    if (done >= 1)
        fputs("\r\033[K", stderr);
    fflush(stderr);
}

/* ---- main ------------------------------------------------------------------------ */

int main(int argc, char **argv)
{
    gsl_set_error_handler_off();
    cli c = {0};
    ss_run_opts_init(&c.run);
    enum { O_SET = 256, O_SEED, O_DURATION, O_WARMUP, O_COMPONENTS, O_CHECK, O_VERSION,
           O_KINDS, O_EVQ };
    static const struct option longs[] = {
        {"output", required_argument, 0, 'o'},
        {"set", required_argument, 0, O_SET},
        {"seed", required_argument, 0, O_SEED},
        {"duration", required_argument, 0, O_DURATION},
        {"warmup", required_argument, 0, O_WARMUP},
        {"components", required_argument, 0, O_COMPONENTS},
        {"check", no_argument, 0, O_CHECK},
        {"kinds", no_argument, 0, O_KINDS},
        {"event-queue", required_argument, 0, O_EVQ},
        {"quiet", no_argument, 0, 'q'},
        {"help", no_argument, 0, 'h'},
        {"version", no_argument, 0, O_VERSION},
        {0, 0, 0, 0},
    };
    c.sets = ss_calloc((size_t)argc, sizeof *c.sets);
    opterr = 0;
    int opt, rc = 0;
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
        case O_COMPONENTS:
            c.components_file = optarg;
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

    int n_files = argc - optind;
    ss_scenario **scs = ss_calloc((size_t)n_files, sizeof *scs);
    ss_diag *diag = ss_diag_new();
    for (int i = 0; i < n_files; i++)
        scs[i] = ss_scenario_load(argv[optind + i], c.sets, c.n_sets, diag);
    if (ss_diag_errors(diag)) {
        ss_diag_print(diag, stderr);
        rc = ss_status_exit(SS_INVALID);
    } else if (!c.check) {
        ss_report rep = {0};
        rep.rows = ss_calloc((size_t)n_files, sizeof *rep.rows);
        bool show = !c.quiet && isatty(STDERR_FILENO);
        for (int i = 0; i < n_files && rc == 0; i++) {
            progress pr = {scs[i]->name, i + 1, n_files, {0, 0}, -1};
            clock_gettime(CLOCK_MONOTONIC, &pr.start);
            ss_run_opts o = c.run;
            if (show) {
                o.progress = draw_progress;
                o.progress_ctx = &pr;
            }
            ss_result *res;
            ss_status st = ss_run(scs[i], &o, &res);
            if (st) {
                fprintf(stderr, "scalesim: %s: %s\n", scs[i]->file, ss_status_str(st));
                rc = ss_status_exit(st);
                break;
            }
            ss_row *row = &rep.rows[rep.n_rows++];
            row->res = res;
            row->n_reps = 1;
            memcpy(row->fig, res->fig, sizeof row->fig);
            for (int k = 0; k < SS_FIGS; k++)
                row->ci95[k] = NAN;
            snprintf(row->bottleneck, sizeof row->bottleneck, "%s", res->bottleneck);
        }
        if (rc == 0) {
            if (c.format == 0)
                ss_out_table(stdout, &rep);
            else if (c.format == 1)
                ss_out_csv(stdout, &rep);
            else
                ss_out_json(stdout, &rep);
            if (c.components_file) {
                FILE *f = fopen(c.components_file, "w");
                if (!f) {
                    fprintf(stderr, "scalesim: error: --components: cannot write \"%s\": %s\n",
                            c.components_file, strerror(errno));
                    rc = ss_status_exit(SS_RUNTIME);
                } else {
                    ss_out_components(f, &rep);
                    if (fclose(f) != 0) {
                        fprintf(stderr, "scalesim: error: --components: cannot write \"%s\"\n",
                                c.components_file);
                        rc = ss_status_exit(SS_RUNTIME);
                    }
                }
            }
        }
        for (int i = 0; i < rep.n_rows; i++)
            ss_result_free((ss_result *)rep.rows[i].res);
        ss_free(rep.rows);
    }
    for (int i = 0; i < n_files; i++)
        ss_scenario_free(scs[i]);
    ss_free(scs);
    ss_diag_free(diag);
done:
    ss_free(c.sets);
    if (fflush(stdout) != 0 && rc == 0) {
        fputs("scalesim: error: cannot write the report\n", stderr);
        rc = ss_status_exit(SS_RUNTIME);
    }
    return rc;
}
