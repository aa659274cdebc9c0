/*
 * sim/report/output.h -- report writers: table, CSV, JSON, per-component CSV, time
 * series and breakdown.
 *
 * A report is rows, one per run (or per group of replications), each with
 * the values of the swept parameters that produced it. Rows stream: each
 * writer prints a row as soon as it is given one, in order, so a long sweep
 * loses nothing finished when it is interrupted and memory does not grow
 * with the rows. Only the table waits for the last row (it aligns its
 * columns), and it keeps a small copy of each row, not the results.
 *
 * Writers only format: every figure was computed before. A figure that
 * does not exist (NAN) is empty in CSV, null in JSON and "-" in the table;
 * NaN and infinity never reach the output. Numbers are printed with fixed
 * decimals so that the same run gives byte-identical output everywhere.
 * What goes to a terminal (the table, notes) has its control characters
 * escaped: a name in a scenario cannot move the cursor.
 */
#ifndef SS_OUTPUT_H
#define SS_OUTPUT_H

#include <stdio.h>

#include "result.h"
#include "row.h"

typedef struct ss_report {
    char **sweep_names;
    int n_sweep;
    bool with_ci;             /* print *_ci95 columns                           */
    bool show_replication;    /* several replications: files name each run's    */
    /* the time series' utilisation columns: every runtime component of every
     * run, in order of first appearance (known before the first row) */
    const char *const *comp_names;
    int n_comp_names;
    /* with SPEC.md 4.5's mechanisms, retries_rps and goodput_rps columns,
     * and a breaker_NAME column for each of these */
    bool ts_dynamics;
    const char *const *brk_names;
    int n_brk_names;
    /* the SLO columns: every SLO text of every row, in order (known before
     * the first row); none: no verdict columns */
    const char *const *slo_texts;
    int n_slo_texts;
    double precision;         /* --precision (a share; 0: none): replications
                                 and imprecise columns                        */
    bool theory;              /* --theory: theory_* columns (SPEC 9)          */
} ss_report;

/* Streaming writers: a head, then each row in order. */
void ss_out_csv_head(FILE *f, const ss_report *r);
void ss_out_csv_row(FILE *f, const ss_report *r, const ss_row *row);
/* JSON: an array of one document per row; `index` counts the rows written
 * before (0 opens the array); ss_out_json_end closes it after n rows. */
void ss_out_json_row(FILE *f, const ss_report *r, const ss_row *row, long index);
void ss_out_json_end(FILE *f, long n);
void ss_out_components_head(FILE *f, const ss_report *r);
void ss_out_components_row(FILE *f, const ss_report *r, const ss_row *row);
void ss_out_timeseries_head(FILE *f, const ss_report *r);
void ss_out_timeseries_row(FILE *f, const ss_report *r, const ss_row *row);
void ss_out_breakdown_head(FILE *f, const ss_report *r);
void ss_out_breakdown_row(FILE *f, const ss_report *r, const ss_row *row);
/* Warnings of a row's runs ("p99 not reported: ..."), one line each. */
void ss_out_notes_row(FILE *f, const ss_report *r, const ss_row *row);

/* The table: rows are kept (a copy of their figures) until it is printed.
 * With ss_table_add_owned the table takes the row's results (a single run
 * shows its components, classes and regions). The sweep values' strings
 * must outlive the table (they are the --sweep lists'). */
typedef struct ss_table ss_table;
ss_table *ss_table_new(const ss_report *r);
void ss_table_add(ss_table *t, const ss_row *row);
void ss_table_add_owned(ss_table *t, ss_row *row);
void ss_table_print(ss_table *t, FILE *f);
void ss_table_free(ss_table *t);

/* A swept value as a number for CSV and JSON: "20k" -> "20000", "30s" ->
 * "30" (durations in seconds, rates per second, sizes in bytes); a value
 * that is no number with a unit comes back as written. */
const char *ss_out_sweep_value(const char *v, char *buf, size_t n);

/* CSV helpers the writers share. */
void ss_out_csv_field(FILE *f, const char *s);
void ss_out_csv_num(FILE *f, double v, int decimals);

#endif
