/*
 * sim/result/slo.h -- service-level objectives and their verdicts (SPEC.md 8).
 *
 * An SLO is a figure, a comparison and a limit: "p95_ms<200",
 * "classes.checkout.p99_ms<=800", "error_rate<0.1%", "availability>=99.9%".
 * Its verdict over the replications of a row is three-valued, from the 95%
 * confidence interval of the figure's mean:
 *   pass        the whole interval is on the good side of the limit;
 *   fail        the whole interval is on the bad side;
 *   unresolved  the interval straddles the limit: the data cannot decide
 *               (more replications might), or the figure is missing (a
 *               percentile with too few answers to rest on).
 * One run has no interval: its value decides (pass or fail), unless the
 * figure is missing. This is what k6 thresholds do with one run
 * (`p(95)<500`), and more: they cannot say that the data cannot decide.
 *
 * Limits carry units the way scenario files write them: a latency figure
 * (`*_ms`) takes a bare number of milliseconds or a duration (`200ms`,
 * `1.5s`); a share (error_rate, availability, util, hit and stale ratios)
 * takes a fraction (`0.001`) or a percentage (`0.1%`); a rate (`*_rps`)
 * takes `N` or `N/s`; anything else a count (`5000`, `5k`).
 */
#ifndef SS_SLO_H
#define SS_SLO_H

#include <stdbool.h>
#include <stddef.h>

#include "result.h"

#define SS_MAX_SLOS 32

typedef enum ss_verdict {
    SS_VERDICT_NONE = -1,   /* no SLO applies                            */
    SS_VERDICT_PASS,
    SS_VERDICT_UNRESOLVED,
    SS_VERDICT_FAIL,
} ss_verdict;

typedef enum ss_slo_op { SS_SLO_LT, SS_SLO_LE, SS_SLO_GT, SS_SLO_GE } ss_slo_op;

typedef struct ss_slo {
    char text[160];         /* as written, blanks removed: the column name */
    char figure[128];       /* a name ss_result_figure takes              */
    ss_slo_op op;
    double limit;           /* in the figure's own unit (ms, fraction ...) */
} ss_slo;

/* Parses "FIGURE OP VALUE" (blanks allowed around OP) into out. On a
 * syntax error returns false with what was expected in why. Whether the
 * figure exists in a scenario is the caller's to check. */
bool ss_slo_parse(const char *text, ss_slo *out, char *why, size_t why_len);

/* Whether the figure is a share (limits as 0.001 or 0.1%). */
bool ss_slo_is_share(const char *figure);

/* The worse of two verdicts (fail > unresolved > pass > none). */
ss_verdict ss_verdict_worse(ss_verdict a, ss_verdict b);
const char *ss_verdict_name(ss_verdict v);   /* "pass", "fail", "unresolved", "" */

/* An SLO judged over n replications: the figure's mean and 95% half-width
 * (NAN with one), and the verdict. */
typedef struct ss_slo_check {
    const ss_slo *slo;
    double value, ci95;
    ss_verdict verdict;
} ss_slo_check;

void ss_slo_judge(const ss_slo *s, const ss_result *const *reps, int n, ss_slo_check *out);

/* A check's value for people: "82.05 ms", "0.120%", "6947" (with " ± hw"
 * when there is a half-width), "-" when missing. */
const char *ss_slo_value_text(const ss_slo_check *c, char *buf, size_t n);

/* The verdict a value with half-width hw gets (hw NAN or 0: the value alone). */
ss_verdict ss_slo_verdict(const ss_slo *s, double value, double hw);

#endif
