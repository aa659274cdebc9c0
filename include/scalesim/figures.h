/*
 * scalesim/figures.h -- what a component reports at the end of a run.
 *
 * A model reports raw quantities, never ratios it has already divided:
 * counts, time integrals and histograms over the measured window. The
 * result layer derives every figure from them (utilisation is busy time
 * over window times cores, a hit ratio is hits over lookups, a percentile
 * comes from the histogram), so two results merge exactly -- add the
 * counts, merge the histograms -- and a figure derived from the merge is
 * the figure of the pooled run.
 *
 *   ss_stats      one row of the per-component table (SPEC.md 5.2): the
 *                 aggregate ("all") and one per instance;
 *   ss_kfig_def   a kind's own figures (a database's stale_read_ratio, a
 *                 broker's backlog_peak), declared once in a table with
 *                 their type, which says how they merge and print; the
 *                 CSV `extra` column, the JSON `extra` object and figures
 *                 by name all iterate that table;
 *   ss_part       a group of rows that does one job (a database's primary,
 *                 its replicas in one datacenter): the bottleneck competes
 *                 with the busiest part, not with the average of unlike
 *                 parts.
 */
#ifndef SCALESIM_FIGURES_H
#define SCALESIM_FIGURES_H

#include <stdbool.h>
#include <stdint.h>

#include "scalesim/hist.h"

/* Raw figures of one row. A kind without a station leaves the station
 * fields zero and sets `queued` false: its waits and queue do not exist. */
typedef struct ss_stats {
    char instance[32];      /* "all", "0", "s1/r0", "us-east" ...           */
    uint64_t arrivals;      /* requests that reached it (after the warm-up) */
    uint64_t done;          /* answered by it: its throughput                */
    uint64_t rejected;
    uint64_t started, waited; /* service starts; of them, after a wait       */
    double wait_sum_ns;
    double busy_ns;         /* integral of busy cores over the window        */
    double queue_ns;        /* integral of waiting requests                  */
    /* utilisation is busy_ns / (window_ns x cores x n): the two factors are
     * kept apart so that the division is the one it always was; cores 0:
     * no capacity (a CDN edge, a resolver), utilisation does not exist */
    double cores, n;
    bool queued;            /* has a queue: mean_queue and waits exist       */
    uint64_t hits, looked;  /* a cache's: hit ratio hits / looked            */
    ss_hist wait;           /* waiting time per start (ns)                   */
} ss_stats;

/* What derives from a row (the result layer derives them): name, decimals
 * printed, and whether the per-component CSV (SPEC.md 5.2) has a column
 * for it; JSON and figures by name have every one. */
#define SS_STAT_MAP(XX)                             \
    XX(ARRIVALS, "arrivals", 0, true)               \
    XX(THROUGHPUT_RPS, "throughput_rps", 2, true)   \
    XX(UTIL, "util", 4, true)                       \
    XX(MEAN_QUEUE, "mean_queue", 3, true)           \
    XX(MEAN_WAIT_MS, "mean_wait_ms", 3, true)       \
    XX(P95_WAIT_MS, "p95_wait_ms", 3, true)         \
    XX(REJECTED, "rejected", 0, true)               \
    XX(HIT_RATIO, "hit_ratio", 4, true)             \
    XX(WAIT_PROB, "wait_prob", 4, false)

typedef enum ss_stat {
#define XX(id, name, dec, csv) SS_STAT_##id,
    SS_STAT_MAP(XX)
#undef XX
    SS_STATS
} ss_stat;

/* ---- a kind's own figures ------------------------------------------------ */

typedef enum ss_kfig_type {
    SS_KF_COUNT,    /* a count: merges by adding; printed without decimals  */
    SS_KF_SUM,      /* a quantity (GB of egress): adds                       */
    SS_KF_RATIO,    /* num / den, 0 when den is 0: both add                  */
    SS_KF_MAX,      /* a peak: the larger                                    */
    SS_KF_LAST,     /* a level at the end of the run: the later run's        */
    SS_KF_QUANTILE, /* of its histogram (ns), printed in ms: they merge      */
    SS_KF_LIST,     /* counts per part ("1/2/3"): add element-wise           */
    SS_KF_TEXT,     /* a fixed word from the model (an algorithm)            */
    SS_KF_DERIVED,  /* computed from the other figures by `derive`           */
} ss_kfig_type;

enum {
    SS_KF_PER_DC = 1u << 0,   /* one per datacenter: NAME_<dc>              */
    SS_KF_OPTIONAL = 1u << 1, /* printed only when the model sets it        */
};

typedef struct ss_kfig ss_kfig;

typedef struct ss_kfig_def {
    const char *name;
    ss_kfig_type type;
    int decimals;           /* as printed in `extra`                        */
    unsigned flags;
    double q;               /* SS_KF_QUANTILE: the quantile                 */
    /* SS_KF_DERIVED: the value from the figures of this component (the
     * table's order) and the measured seconds; NAN: not printed. A derived
     * text figure prints `text` when the value is not NAN. */
    double (*derive)(const ss_kfig *figs, double window_s);
    const char *text;
    const char *help;       /* one line, for --kinds and the README        */
} ss_kfig_def;

/* One figure's value in one result. */
struct ss_kfig {
    double num, den;        /* COUNT, SUM, MAX, LAST: num; RATIO: num/den  */
    ss_hist *hist;          /* QUANTILE: owned by the result                */
    double *list;           /* LIST: owned                                  */
    int n_list;
    const char *text;       /* TEXT: static storage of the model            */
    bool set;               /* OPTIONAL ones: the model gave it             */
};

/* ---- the report a model fills ------------------------------------------------ */

typedef struct ss_part {
    char name[72];          /* "primary", "s3.replicas@eu-west"             */
    int *rows;              /* indices into rows                            */
    int n_rows;
} ss_part;

typedef struct ss_comp_report {
    ss_stats all;           /* the aggregate                                */
    ss_stats *rows;         /* per instance, from ss_report_rows            */
    int n_rows;
    ss_kfig *kf;            /* one per figure of the kind's table (a
                               per-datacenter one takes one per datacenter) */
    int n_kf;
    const int *kf_first;    /* the engine's: where each table entry starts */
    ss_part *parts;         /* from ss_report_part; none: the rows are alike */
    int n_parts;
    double billable_instances; /* instances charged by the hour            */
    double usage_units;     /* per-use quantity (queries, GB, messages)     */
    /* Dollars per usage unit when the kind prices its own use (an external
     * API's price_per_million); NAN: pricing.yaml's per_use price. */
    double usage_price;
} ss_comp_report;

/* Rows, zeroed (their histograms ready), owned by the report. */
ss_stats *ss_report_rows(ss_comp_report *out, int n);
/* A part over `n` of the rows; the indices are copied. */
void ss_report_part(ss_comp_report *out, const char *name, const int *rows, int n);

/* The kind figure at index i of the kind's table (dc: which datacenter's,
 * for a per-datacenter one; else 0). */
ss_kfig *ss_report_kf(ss_comp_report *out, int i, int dc);
static inline void ss_kf_set(ss_kfig *k, double v) { k->num = v; k->set = true; }
static inline void ss_kf_ratio(ss_kfig *k, double num, double den)
{
    k->num = num;
    k->den = den;
    k->set = true;
}
/* QUANTILE: a copy of h; LIST: a copy of n values; TEXT: a static word. */
void ss_kf_hist(ss_kfig *k, const ss_hist *h);
void ss_kf_list(ss_kfig *k, const double *v, int n);
static inline void ss_kf_text(ss_kfig *k, const char *word) { k->text = word; k->set = true; }

#endif
