/*
 * sim/result/theory.h -- queueing theory: the formulas the validation tests
 * and the --theory report share, and what a prediction holds.
 *
 * Units: rates per second, times in seconds; a = lambda/mu is the offered
 * load in servers. Every function returns NAN for a figure that does not
 * exist (an unstable queue's wait, a quantile without a closed form) so the
 * writers print it empty; none returns infinity.
 *
 * Erlang B and C come from the recursion B(0) = 1, B(k) = a B / (k + a B)
 * and C = c B / (c - a (1 - B)), stable for any c: the textbook sums of
 * a^k/k! overflow near c = 170 and lose digits well before. GSL has no
 * Erlang function (gsl_sf has the incomplete gamma the M/M/c/K quantile
 * uses, nothing more).
 */
#ifndef SS_THEORY_H
#define SS_THEORY_H

#include <stdbool.h>
#include <stddef.h>

/* ---- the formulas ------------------------------------------------------ */

double ss_theory_erlang_b(int c, double a);
/* P(wait) in M/M/c; 1 when a >= c (every arrival waits, for ever). */
double ss_theory_erlang_c(int c, double a);

/* One station's figures; NAN where they do not exist. */
typedef struct ss_theory_q {
    double util;            /* busy share of each server                  */
    double wait_prob;       /* an admitted arrival waits                  */
    double mean_wait_s;     /* in the queue, before service               */
    double p95_wait_s;
    double blocking;        /* an arrival is rejected (M/M/c/K); else 0   */
} ss_theory_q;

/* M/M/c: mean wait C/(c mu - lambda); the wait's tail is
 * P(W > t) = C exp(-(c mu - lambda) t), so its p-quantile is
 * ln(C/(1-p))/(c mu - lambda), and 0 when C <= 1 - p. */
void ss_theory_mmc(double lambda, double mu, int c, ss_theory_q *out);
double ss_theory_mmc_wait_quantile(double lambda, double mu, int c, double p);
/* M/M/c/K, K >= c the most in the system: from the stationary distribution
 * p_n ~ a^n / (n! or c! c^(n-c)); blocking p_K (PASTA), mean wait by
 * Little over the admitted rate, quantile of the admitted wait (an arrival
 * that finds n >= c waits an Erlang(n-c+1, c mu) time). */
void ss_theory_mmck(double lambda, double mu, int c, int K, ss_theory_q *out);
/* M/G/1 Pollaczek-Khinchine: W = lambda E[S^2] / (2 (1 - rho)) with
 * E[S^2] = (1 + scv) E[S]^2. */
double ss_theory_mg1_wait(double lambda, double mean_s, double scv);
/* M/G/c Allen-Cunneen: the M/M/c wait times (Ca^2 + Cs^2)/2, Ca^2 = 1 for
 * Poisson arrivals: exact for c = 1 (P-K) and for exponential service. */
double ss_theory_mgc_wait(double lambda, double mean_s, double scv, int c);

/* A station of a closed network: `copies` alike (instances the load splits
 * over evenly), each with `servers` and demand_s seconds of service per
 * request (over its visits, at one copy). */
typedef struct ss_theory_mva_station {
    double demand_s;        /* per request, at one copy                   */
    int servers;
    int copies;
    double resid_s;         /* out: residence per request at one copy     */
    double queue;           /* out: mean requests at one copy's queueing
                               part (all of it with one server)          */
} ss_theory_mva_station;
/* Exact MVA (Reiser and Lavenberg 1980) for single-server stations:
 * R_k(n) = D_k (1 + Q_k(n-1)), X(n) = n / (Z + sum copies R_k(n)),
 * Q_k(n) = X(n) R_k(n). A station with c > 1 servers is approximated as
 * Seidmann's: a single server of demand D/c plus a delay of D (c-1)/c --
 * exact at low and at saturating load, a few percent off between (the
 * exact load-dependent MVA needs marginal probabilities per station; not
 * needed so far). Returns the throughput; *resp_s the response time
 * without Z. */
double ss_theory_mva(int users, double think_s, ss_theory_mva_station *st, int n, double *resp_s);

/* ---- a prediction, as the report prints it ----------------------------- */

/* The per-station figures --theory adds, declared once: name, decimals. */
#define SS_THEORY_FIG_MAP(XX)                      \
    XX(UTIL, "theory_util", 4)                     \
    XX(MEAN_WAIT_MS, "theory_mean_wait_ms", 3)     \
    XX(P95_WAIT_MS, "theory_p95_wait_ms", 3)

typedef enum ss_theory_fig {
#define XX(id, name, dec) SS_THEORY_##id,
    SS_THEORY_FIG_MAP(XX)
#undef XX
    SS_THEORY_FIGS
} ss_theory_fig;

/* The summary's: name, decimals. */
#define SS_THEORY_SUM_MAP(XX)                      \
    XX(MEAN_MS, "theory_mean_ms", 3)               \
    XX(THROUGHPUT_RPS, "theory_throughput_rps", 2)

typedef enum ss_theory_sum {
#define XX(id, name, dec) SS_THEORY_SUM_##id,
    SS_THEORY_SUM_MAP(XX)
#undef XX
    SS_THEORY_SUMS
} ss_theory_sum;

const char *ss_theory_fig_name(ss_theory_fig f);
int ss_theory_fig_decimals(ss_theory_fig f);
const char *ss_theory_sum_name(ss_theory_sum f);
int ss_theory_sum_decimals(ss_theory_sum f);

typedef struct ss_theory_station {
    char name[80];          /* the scenario component                     */
    double fig[SS_THEORY_FIGS];
    double offered;         /* offered load over capacity (>= 1: overload) */
    char model[32];         /* "M/M/c", ... ; "" without one               */
    char note[160];         /* why theory does not apply; "" when it does */
    bool exact;             /* the model is exact here (Poisson arrivals,
                               product form): a disagreement with the
                               simulation beyond its interval is marked  */
} ss_theory_station;

/* Owned by whoever made it (ss_predict_eval); ss_theory_pred_free. */
typedef struct ss_theory_pred {
    ss_theory_station *st;
    int n_st;
    double sum[SS_THEORY_SUMS];
} ss_theory_pred;

void ss_theory_pred_free(ss_theory_pred *p);
/* The station of a component named `name` ("app", or "app@eu-west" for a
 * copy: the part before '@'), NULL when there is none. */
const ss_theory_station *ss_theory_find(const ss_theory_pred *p, const char *name);

#endif
