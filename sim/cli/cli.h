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

#endif
