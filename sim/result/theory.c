/*
 * sim/result/theory.c -- queueing formulas (see theory.h for each one's
 * source) and the prediction's storage.
 */
#include "theory.h"

#include <gsl/gsl_sf_gamma.h>
#include <math.h>
#include <string.h>

#include "scalesim/mem.h"

double ss_theory_erlang_b(int c, double a)
{
    double b = 1;
    for (int k = 1; k <= c; k++)
        b = a * b / (k + a * b);
    return b;
}

double ss_theory_erlang_c(int c, double a)
{
    if (a >= c)
        return 1;
    double b = ss_theory_erlang_b(c, a);
    return c * b / (c - a * (1 - b));
}

double ss_theory_mmc_wait_quantile(double lambda, double mu, int c, double p)
{
    double theta = c * mu - lambda;
    if (theta <= 0)
        return NAN;
    double C = ss_theory_erlang_c(c, lambda / mu);
    return C <= 1 - p ? 0 : log(C / (1 - p)) / theta;
}

void ss_theory_mmc(double lambda, double mu, int c, ss_theory_q *out)
{
    double a = lambda / mu;
    out->util = a / c;
    out->blocking = 0;
    if (a >= c) {
        out->wait_prob = 1;
        out->mean_wait_s = out->p95_wait_s = NAN;
        return;
    }
    out->wait_prob = ss_theory_erlang_c(c, a);
    out->mean_wait_s = out->wait_prob / (c * mu - lambda);
    out->p95_wait_s = ss_theory_mmc_wait_quantile(lambda, mu, c, 0.95);
}

/* P(W > t) of an admitted arrival: it finds n in the system with
 * probability p[n] / (1 - p[K]) and, for n >= c, waits for n - c + 1
 * departures at rate c mu. */
static double mmck_tail(const double *p, int c, int K, double cmu, double t)
{
    double s = 0;
    for (int n = c; n < K; n++)
        s += p[n] * gsl_sf_gamma_inc_Q(n - c + 1, cmu * t);
    return s / (1 - p[K]);
}

void ss_theory_mmck(double lambda, double mu, int c, int K, ss_theory_q *out)
{
    double a = lambda / mu;
    double *p = ss_malloc((size_t)(K + 1) * sizeof *p);
    /* p_n / p_0 by ratios, rescaled on the way: a^n/n! alone overflows */
    double norm = 0;
    p[0] = 1;
    for (int n = 1; n <= K; n++) {
        p[n] = p[n - 1] * a / (n < c ? n : c);
        if (p[n] > 1e250) {
            for (int m = 0; m <= n; m++)
                p[m] *= 1e-250;
        }
    }
    for (int n = 0; n <= K; n++)
        norm += p[n];
    double lq = 0, busy = 0, waits = 0;
    for (int n = 0; n <= K; n++) {
        p[n] /= norm;
        lq += n > c ? (n - c) * p[n] : 0;
        busy += (n < c ? n : c) * p[n];
        waits += n >= c && n < K ? p[n] : 0;
    }
    out->blocking = p[K];
    out->util = busy / c;
    double admitted = lambda * (1 - p[K]);
    out->mean_wait_s = admitted > 0 ? lq / admitted : 0;
    out->wait_prob = p[K] < 1 ? waits / (1 - p[K]) : NAN;
    /* the 95% point by bisection on the tail, between 0 and a time no
     * admitted arrival waits past (K departures at 40 means each) */
    if (!(out->wait_prob > 0.05)) {
        out->p95_wait_s = 0;
    } else {
        double lo = 0, hi = 40.0 * K / (c * mu);
        for (int i = 0; i < 100 && hi - lo > 1e-12 * hi; i++) {
            double mid = (lo + hi) / 2;
            if (mmck_tail(p, c, K, c * mu, mid) > 0.05)
                lo = mid;
            else
                hi = mid;
        }
        out->p95_wait_s = (lo + hi) / 2;
    }
    ss_free(p);
}

double ss_theory_mg1_wait(double lambda, double mean_s, double scv)
{
    double rho = lambda * mean_s;
    if (rho >= 1 || !isfinite(scv))
        return NAN;
    return lambda * (1 + scv) * mean_s * mean_s / (2 * (1 - rho));
}

double ss_theory_mgc_wait(double lambda, double mean_s, double scv, int c)
{
    ss_theory_q q;
    ss_theory_mmc(lambda, 1 / mean_s, c, &q);
    return isfinite(scv) ? q.mean_wait_s * (1 + scv) / 2 : NAN;
}

double ss_theory_mva(int users, double think_s, ss_theory_mva_station *st, int n, double *resp_s)
{
    double x = 0, r = 0;
    for (int k = 0; k < n; k++)
        st[k].queue = 0;
    for (int u = 1; u <= users; u++) {
        r = 0;
        for (int k = 0; k < n; k++) {
            /* Seidmann: the queueing part D/c sees the queue; the rest
             * of the demand is a delay */
            double c = st[k].servers, d = st[k].demand_s;
            st[k].resid_s = d / c * (1 + st[k].queue) + d * (c - 1) / c;
            r += st[k].copies * st[k].resid_s;
        }
        x = u / (think_s + r);
        /* only the queueing part holds a queue: the delay's share of the
         * residence is service in parallel, which nobody waits behind */
        for (int k = 0; k < n; k++) {
            double c = st[k].servers, d = st[k].demand_s;
            st[k].queue = x * (st[k].resid_s - d * (c - 1) / c);
        }
    }
    *resp_s = r;
    return x;
}

/* ---- the prediction ------------------------------------------------------ */

static const struct {
    const char *name;
    int dec;
} theory_figs[] = {
#define XX(id, name, dec) {name, dec},
    SS_THEORY_FIG_MAP(XX)
#undef XX
}, theory_sums[] = {
#define XX(id, name, dec) {name, dec},
    SS_THEORY_SUM_MAP(XX)
#undef XX
};

const char *ss_theory_fig_name(ss_theory_fig f) { return theory_figs[f].name; }
int ss_theory_fig_decimals(ss_theory_fig f) { return theory_figs[f].dec; }
const char *ss_theory_sum_name(ss_theory_sum f) { return theory_sums[f].name; }
int ss_theory_sum_decimals(ss_theory_sum f) { return theory_sums[f].dec; }

void ss_theory_pred_free(ss_theory_pred *p)
{
    if (!p)
        return;
    ss_free(p->st);
    ss_free(p);
}

const ss_theory_station *ss_theory_find(const ss_theory_pred *p, const char *name)
{
    if (!p)
        return NULL;
    size_t n = strcspn(name, "@");
    for (int i = 0; i < p->n_st; i++)
        if (strlen(p->st[i].name) == n && strncmp(p->st[i].name, name, n) == 0)
            return &p->st[i];
    return NULL;
}
