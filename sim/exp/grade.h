/*
 * sim/exp/grade.h -- grading answers to exercises (SPEC.md 11).
 *
 * An answer is a scenario that extends an exercise (a file with an
 * `exercise:` section) and sets only what the exercise lets it change. It
 * passes when all three criteria do:
 *   changes   it changes nothing outside exercise.vary;
 *   slo       every exercise SLO passes over replications (4, doubling
 *             to 16 while one is unresolved; unresolved at 16 fails:
 *             an answer must show it meets the objective);
 *   cost      its monthly cost is within exercise.cost_within of the
 *             cheapest configuration that passes, which the planner finds
 *             over the exercise's vary lists (once per exercise).
 */
#ifndef SS_GRADE_H
#define SS_GRADE_H

#include "experiment.h"
#include "slo.h"

typedef struct ss_grade {
    char exercise[512];         /* the exercise's file                    */
    bool changes_ok;
    char changed[160];          /* the first path it may not change       */
    ss_verdict slo;             /* the worst of its SLOs                  */
    ss_slo_check checks[SS_MAX_SLOS];
    ss_slo slos[SS_MAX_SLOS];   /* what checks point at                   */
    int n_checks, reps;
    double cost;                /* mean over the replications             */
    double cheapest;            /* the planner's optimum; NAN: unknown    */
    char cheapest_vals[400];    /* "components.app.instances=50"          */
    bool cost_ok;               /* true when the cheapest is unknown      */
    char bottleneck[128];
    double bottleneck_util;
    bool pass;
    char feedback[600];
} ss_grade;

/* The answer keys found so far, one per exercise file. */
typedef struct ss_grade_keys ss_grade_keys;
ss_grade_keys *ss_grade_keys_new(void);
void ss_grade_keys_free(ss_grade_keys *k);

/* The exercise's answer key: the planner over its vary lists with its
 * SLOs (e gives the run options, -j and the budget's runs). NAN when it
 * has no lists or nothing passes; vals gets the configuration. */
ss_status ss_grade_key(const ss_exp *e, long budget, ss_grade_keys *keys, const char *exercise,
                       double *cost, char *vals, size_t vals_len, char *why, size_t why_len);

/* Grades one answer file. SS_INVALID when it is no answer (why says so). */
ss_status ss_grade_answer(const ss_exp *e, long budget, ss_grade_keys *keys, const char *answer,
                          ss_grade *out, char *why, size_t why_len);

#endif
