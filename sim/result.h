/*
 * sim/result.h -- what a run measured, for the report writers.
 *
 * The summary figures (SPEC.md 5.1) are kept in one array indexed by
 * ss_fig, described once by SS_FIG_MAP, so replications aggregate them and
 * the CSV/JSON/table writers print them without a line per figure.
 * A figure that does not exist (P95 of no requests) is NAN and printed
 * empty (CSV), null (JSON) or "-" (table).
 */
#ifndef SS_RESULT_H
#define SS_RESULT_H

#include <stdint.h>

#include "scalesim/hist.h"
#include "scalesim/model.h"
#include "scalesim/scalesim.h"

/* name, decimals printed */
#define SS_FIG_MAP(XX)            \
    XX(OFFERED_RPS, "offered_rps", 2)       \
    XX(THROUGHPUT_RPS, "throughput_rps", 2) \
    XX(MEAN_MS, "mean_ms", 3)               \
    XX(P50_MS, "p50_ms", 3)                 \
    XX(P95_MS, "p95_ms", 3)                 \
    XX(P99_MS, "p99_ms", 3)                 \
    XX(ERROR_RATE, "error_rate", 6)         \
    XX(COST_MONTH, "cost_month_usd", 2)     \
    XX(COST_PER_MILLION, "cost_per_million_usd", 4) \
    XX(BOTTLENECK_UTIL, "bottleneck_util", 4)

typedef enum ss_fig {
#define XX(id, name, dec) SS_FIG_##id,
    SS_FIG_MAP(XX)
#undef XX
    SS_FIGS
} ss_fig;

void ss_result_warn(ss_result *res, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

const char *ss_fig_name(ss_fig f);
/* A latency percentile in ms, or NAN when it rests on too few answers:
 * it needs ten beyond it (P50: 20 answers, P95: 200, P99: 1000). The one
 * rule for the summary, the classes and the regions. */
double ss_result_quantile_ms(const ss_hist *h, double q);
uint64_t ss_result_quantile_need(double q);
int ss_fig_decimals(ss_fig f);

typedef struct ss_class_result {
    char *name;             /* owned by the result                      */
    uint64_t sent, ok, failed;
    ss_hist lat;            /* successful, measured responses (ns)      */
} ss_class_result;

/* Requests by the region their users are in (only with several regions). */
typedef struct ss_region_result {
    char *name;             /* owned by the result                      */
    uint64_t sent, ok, failed;
    ss_hist lat;
} ss_region_result;

typedef struct ss_comp_result {
    char name[80];
    const char *kind;
    ss_comp_report rep;
    double cost_month;
} ss_comp_result;

/* One interval of the time series (SPEC.md 5.3). */
typedef struct ss_ts_row {
    double t_s;                 /* start of the interval                  */
    uint64_t sent, ok, failed;
    double throughput_rps, p50_ms, p95_ms, error_rate, in_flight;
    double *util;               /* per component, NAN where none          */
} ss_ts_row;

/* Where one request class's time went at one component (means and P95s
 * over its visits, in ms): waiting, service, network. */
typedef struct ss_bd_row {
    int cls, comp;
    uint64_t visits;
    double mean_ms[SS_NOTES], p95_ms[SS_NOTES];
} ss_bd_row;

struct ss_result {
    char *scenario;         /* owned: a result outlives its scenario     */
    int stage;
    uint64_t seed;
    unsigned replication;
    int64_t users;          /* -1: open workload                         */
    double window_s;
    uint64_t sent, ok, failed, fail_why[SS_FAIL_KINDS];
    double fig[SS_FIGS];
    char bottleneck[128];
    ss_hist lat;            /* all classes                               */
    double mean_in_flight;  /* time average, for Little's law            */
    ss_class_result *classes;
    int n_classes;
    ss_region_result *regions;  /* one per user region when there are two+ */
    int n_regions;
    ss_comp_result *comps;
    int n_comps;
    double availability;        /* answered over sent, after the warm-up   */
    double worst_availability;  /* the lowest of a measured interval       */
    double worst_availability_t;/* when that interval began, s             */
    double interval_s;
    ss_ts_row *series;          /* with a time series asked for            */
    size_t n_series;
    ss_bd_row *breakdown;       /* with a breakdown asked for              */
    int n_breakdown;
    char warnings[4][160];      /* things a reader of the figures must know */
    int n_warnings;
    uint64_t events;
    int64_t peak_in_flight;     /* requests sent and not yet answered      */
    uint64_t requests_total;    /* simulated, warm-up included             */
    size_t request_bytes;       /* the request pool                        */
    size_t event_bytes;         /* the event set at its largest            */
    const char *event_queue;    /* "heap" or "calendar"                    */
    double cpu_s;
};

#endif
