/*
 * sim/cli/cli.h -- the command line's parts besides option parsing: the
 * progress bar and the output files.
 */
#ifndef SS_CLI_H
#define SS_CLI_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <time.h>

#include "output.h"
#include "scalesim/scalesim.h"
#include "scenario.h"
#include "sweep.h"

/* ---- progress (cli_progress.c) ----------------------------------------- */

/* One line on stderr, redrawn at most ten times a second and fitted to
 * the terminal's width: the run (k of N), its scenario, a bar, the share
 * of its simulated time done, events per second and the time left for
 * everything (from the runs done and this one's share). */
typedef struct ss_progress {
    struct timespec start;      /* of the whole experiment               */
    double last_draw;
    long drawn_run;             /* the run the line shows                */
} ss_progress;

void ss_progress_start(ss_progress *p);
void ss_progress_draw(void *ctx, long run, long runs, const char *name, double done,
                      double sim_end_s, uint64_t events);
/* Clears the line (before anything else is printed on stderr). */
void ss_progress_clear(ss_progress *p);

/* ---- output files (cli_outputs.c) ------------------------------------------ */

typedef struct ss_outfile {
    const char *option;         /* "--components"                          */
    const char *path;           /* NULL: not asked for                     */
    FILE *f;                    /* open while the runs go on               */
} ss_outfile;

/* Checks before anything runs that every output can be written and would
 * destroy nothing: not a folder, not a device that refuses writes
 * (/dev/full), not a file a scenario is read from (sources), not the same
 * file as another output or as stdout. Prints the first problem and
 * returns false. */
bool ss_outfiles_check(const ss_outfile *outs, int n, char *const *sources, int n_sources);
/* Opens them; false (after saying why) when one cannot be opened. */
bool ss_outfiles_open(ss_outfile *outs, int n);
/* Closes them; false (after saying why) when a write failed. */
bool ss_outfiles_close(ss_outfile *outs, int n);

/* ---- what main.c parsed, and where rows go (main.c) ------------------------ */

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
    int jobs;
    const char **slos;      /* --slo texts                               */
    int n_slos;
    double precision;       /* --precision, a share; 0: none             */
    int max_replications;
    bool max_replications_set;
    bool plan;              /* --plan                                    */
    ss_sweep *varies;       /* --vary                                    */
    int n_varies;
    long budget;            /* --budget runs; 0: 200                     */
    const char *plan_log;   /* --plan-log FILE                           */
    bool grade;             /* --grade: the files are answers            */
    bool theory;            /* --theory: queueing theory beside the runs */
} cli;

enum { OUT_COMPONENTS, OUT_TIMESERIES, OUT_BREAKDOWN, OUTS };

typedef struct sink {
    const cli *c;
    ss_report rep;
    ss_table *table;        /* format 0                                  */
    bool keep_single;       /* the table shows one run in detail         */
    long rows;
    ss_outfile outs[OUTS];
    ss_progress *progress;  /* NULL: no bar                              */
    ss_verdict worst;       /* of every row's SLOs                       */
} sink;

/* A row to every output the command line asked for (ss_exp_hooks.row). */
void ss_sink_row(void *ctx, ss_row *row);
void ss_sink_progress(void *ctx, long run, long runs, const char *name, double done,
                      double sim_end_s, uint64_t events);
/* "scalesim: error: ..." and the hint; returns the exit status of wrong usage. */
int ss_cli_usage_error(const char *fmt, const char *arg);
/* The installed scenarios folder beside the binary ("" when unknown). */
void ss_cli_share_dir(char *buf, size_t n);

/* ---- the planner (cli_plan.c) ---------------------------------------------- */

/* --plan over c->varies for the one scenario file; the exit status. */
int ss_cli_plan(cli *c, char **files, int n_files);

/* ---- grading (cli_grade.c) ------------------------------------------------- */

/* --grade: the files are answers to exercises, one row each; exit status. */
int ss_cli_grade(cli *c, char **files, int n_files);

#endif
