/*
 * sim/output.h -- report writers: table, CSV, JSON, per-component CSV.
 *
 * A report is rows, one per run (or per group of replications), each with
 * the values of the swept parameters that produced it. Writers only format:
 * every figure was computed before. A figure that does not exist (NAN) is
 * empty in CSV, null in JSON and "-" in the table; NaN and infinity never
 * reach the output. Numbers are printed with fixed decimals so that the
 * same run gives byte-identical output everywhere.
 */
#ifndef SS_OUTPUT_H
#define SS_OUTPUT_H

#include <stdio.h>

#include "result.h"

typedef struct ss_row {
    char **sweep_vals;        /* n_sweep values, as written on the command line */
    bool owns_vals;           /* sweep_vals (not the strings) freed with it     */
    const ss_result *res;     /* the run (the first replication, with several)  */
    ss_result **reps;         /* every replication aggregated here              */
    int n_reps;               /* 1, or the replications aggregated here         */
    double fig[SS_FIGS];      /* mean over replications                         */
    double ci95[SS_FIGS];     /* Student-t half-width; NAN with one replication */
    char bottleneck[128];
} ss_row;

typedef struct ss_report {
    char **sweep_names;
    int n_sweep;
    ss_row *rows;
    int n_rows;
    bool with_ci;             /* print *_ci95 columns                           */
    bool show_replication;    /* several replications: files name each run's    */
} ss_report;

void ss_out_table(FILE *f, const ss_report *r);
void ss_out_csv(FILE *f, const ss_report *r);
void ss_out_json(FILE *f, const ss_report *r);
void ss_out_components(FILE *f, const ss_report *r);
void ss_out_timeseries(FILE *f, const ss_report *r);
void ss_out_breakdown(FILE *f, const ss_report *r);
/* Warnings of the runs ("p99 not reported: ..."), one line each. */
void ss_out_notes(FILE *f, const ss_report *r);

#endif
