/*
 * sim/result/result.h -- what a run measured, self-contained.
 *
 * A result holds raw quantities -- counts, time integrals, histograms, as
 * the engine counted them (see scalesim/figures.h) -- and owns every
 * string it names, so it outlives the scenario it came from. Every figure
 * is derived from those by the functions here (result.c); ss_result_finish
 * derives the summary (SPEC.md 5.1) into fig[], described once by
 * SS_FIG_MAP, so replications aggregate them and the writers print them
 * without a line per figure. Two results of one scenario merge exactly
 * (ss_result_merge): counts add, histograms merge, and the figures of the
 * merge are those of the pooled run.
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

const char *ss_fig_name(ss_fig f);

/* The figures of the dynamics of SPEC.md 4.5, in the JSON summary and the
 * table (never the CSV summary, whose columns SPEC.md 5.1 fixes), and
 * only for a scenario that asks for one of them. name, decimals. */
#define SS_DYN_MAP(XX)                                        \
    XX(ATTEMPTS_PER_REQUEST, "attempts_per_request", 3)       \
    XX(RETRIES_SUPPRESSED, "retries_suppressed", 0)           \
    XX(GOODPUT_RPS, "goodput_rps", 2)

typedef enum ss_dyn {
#define XX(id, name, dec) SS_DYN_##id,
    SS_DYN_MAP(XX)
#undef XX
    SS_DYNS
} ss_dyn;

const char *ss_dyn_name(ss_dyn f);
int ss_dyn_decimals(ss_dyn f);

/* What the clients counted of retries, after the warm-up. */
typedef struct ss_retry_counts {
    bool on;                /* the scenario retries                       */
    uint64_t first, attempts; /* first attempts; attempts, those included */
    uint64_t suppressed;    /* retries the budget refused                 */
    uint64_t good;          /* answered within workload.timeout (all
                               answered without one), from the first attempt */
} ss_retry_counts;
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
    double window_s;            /* the result's, for figures of this alone  */
    const char *kind;           /* static: the kind's own name             */
    ss_comp_report rep;         /* raw rows, kind figures, parts            */
    char (*kf_names)[64];       /* rep.n_kf names, per datacenter expanded  */
    /* the table entry (static) of each: the kind's figures, then the
     * engine's for the mechanisms it runs there (a breaker's) */
    const ss_kfig_def **kf_def;
    /* cost: instances by the hour, plus use scaled to a month */
    double fixed_month;
    double usage_scale, pricing_price; /* the kind's unit, pricing.yaml's price */
} ss_comp_result;

/* One interval of the time series (SPEC.md 5.3). */
typedef struct ss_ts_row {
    double t_s;                 /* start of the interval                  */
    uint64_t sent, ok, failed;
    double throughput_rps, p50_ms, p95_ms, error_rate, in_flight;
    double retries_rps;         /* attempts after the first, sent in it    */
    double goodput_rps;         /* answered within workload.timeout        */
    double *util;               /* per component, NAN where none          */
    double *breaker;            /* per component, the share of the interval
                                   its breaker was open or half-open; NAN
                                   without one; NULL when none has one    */
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
    ss_retry_counts retry;
    ss_hist lat;            /* all classes                               */
    double inflight_ns;     /* integral of requests in flight            */
    ss_class_result *classes;
    int n_classes;
    ss_region_result *regions;  /* one per user region when there are two+ */
    int n_regions;
    ss_comp_result *comps;
    int n_comps;
    uint64_t run_ok, run_failed; /* by send time, after the warm-up       */
    double worst_availability;  /* the lowest of a measured interval       */
    double worst_availability_t;/* when that interval began, s             */
    double interval_s;
    ss_ts_row *series;          /* with a time series asked for            */
    size_t n_series;
    ss_bd_row *breakdown;       /* with a breakdown asked for              */
    int n_breakdown;
    uint64_t events;
    int64_t peak_in_flight;     /* requests sent and not yet answered      */
    uint64_t requests_total;    /* simulated, warm-up included             */
    size_t request_bytes;       /* the request pool                        */
    size_t event_bytes;         /* the event set at its largest            */
    const char *event_queue;    /* "heap" or "calendar"                    */
    double cpu_s;

    /* derived by ss_result_finish */
    double fig[SS_FIGS];
    double dyn[SS_DYNS];        /* NAN where the scenario has none        */
    bool has_dyn;               /* it has some                            */
    char bottleneck[128];
    double mean_in_flight;      /* time average, for Little's law          */
    double availability;        /* answered over finished, after warm-up   */
};

/* Derives fig[], the bottleneck, availability and the mean in flight from
 * the raw figures (after a run, and after a merge). */
void ss_result_finish(ss_result *res);

/* The figures of one row of a component (SS_STAT_*), NAN where it has none. */
double ss_stats_value(const ss_stats *s, double window_s, ss_stat which);
const char *ss_stat_name(ss_stat s);
int ss_stat_decimals(ss_stat s);
bool ss_stat_in_csv(ss_stat s);

/* A kind figure's value (NAN when it is not printed: an optional one the
 * model did not set, a quantile of nothing, a derived one that says so);
 * its text for `extra` into buf. */
double ss_kfig_value(const ss_comp_result *c, int i, double window_s);
bool ss_kfig_present(const ss_comp_result *c, int i, double window_s);
const char *ss_kfig_text(const ss_comp_result *c, int i, double window_s, char *buf,
                         size_t n);
bool ss_kfig_numeric(const ss_comp_result *c, int i);
int ss_kfig_decimals(const ss_comp_result *c, int i);
/* A kind figure by name: true with its value when it is present. */
bool ss_comp_kfig(const ss_comp_result *c, const char *name, double window_s, double *v);
/* The `extra` column: "name=value;..." of the present kind figures. */
void ss_comp_extra(const ss_comp_result *c, double window_s, char *buf, size_t n);

/* A component's monthly cost, and its busiest part (name into part, when
 * it has parts) and that part's utilisation, else its utilisation. */
double ss_comp_cost(const ss_comp_result *c, double window_s);
double ss_comp_peak(const ss_comp_result *c, double window_s, char *part, size_t n);

/* Warnings a reader of the figures must know ("p99 not reported: ..."),
 * derived from the result; returns how many were written (at most max). */
int ss_result_warnings(const ss_result *res, char (*out)[160], int max);

/* A figure by name (SPEC.md 13): a summary figure ("p95_ms"),
 * "availability", "availability.worst_interval", "mean_in_flight",
 * "requests.OUTCOME" (sent, ok, failed, rejected, down, timeout, error,
 * limited), "classes.NAME.FIG", "regions.NAME.FIG",
 * "components.NAME.FIG" or "components.NAME[INSTANCE].FIG" with FIG a row
 * figure (util, mean_wait_ms ...), "cost_month_usd" or one of the kind's.
 * NAN when there is no such figure. */
double ss_result_figure(const ss_result *res, const char *name);

/* Adds b into a: both results of one scenario (same components and rows).
 * False, changing nothing, when they do not match. */
bool ss_result_merge(ss_result *a, const ss_result *b);

#endif
