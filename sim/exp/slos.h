/*
 * sim/exp/slos.h -- the SLOs each run is judged by (SPEC.md 8): the command
 * line's (--slo), then its scenario's (`slo:`), each once.
 */
#ifndef SS_EXP_SLOS_H
#define SS_EXP_SLOS_H

#include "experiment.h"
#include "slo.h"

/* The SLOs of runs of sc into out (at most SS_MAX_SLOS), *n of them.
 * Every problem goes to d (may be NULL): a --slo under the command line,
 * a `slo:` item at its place in the file; *cli_bad (may be NULL) is set
 * when a --slo is wrong, and a wrong --slo is not said again when it is
 * already set. False when anything is wrong. */
bool ss_exp_slos(const ss_exp *e, const ss_scenario *sc, ss_slo *out, int *n, ss_diag *d,
                 bool *cli_bad);

/* The SLOs of sc's `exercise:` (SPEC.md 11) into out, checked as
 * ss_exp_slos checks `slo:`, each problem at its place in the file; and its
 * vary lists (PATH=LIST as --sweep takes). False when anything is wrong. */
bool ss_exp_exercise_slos(const ss_scenario *sc, ss_slo *out, int *n, ss_diag *d);

/* Judges the row's replications by the n SLOs (which must outlive the
 * row): row->slo, row->n_slo, row->verdict. */
void ss_exp_judge(const ss_slo *slos, int n, ss_row *row);

#endif
