/*
 * sim/base/keys.c -- uniform and Zipf keys (see keys.h).
 *
 * Rejection-inversion for Zipf over ranks 1..n with exponent s: take the
 * continuous hat h(x) = x^-s, its integral H and the inverse H^-1; draw u
 * uniformly in [H(n + 1/2), H(3/2) - 1], set x = H^-1(u), round to k, and
 * accept when k - x <= s_cut or u >= H(k + 1/2) - h(k). The helpers below
 * evaluate (e^x - 1)/x and log(1 + x)/x stably near x = 0, where s = 1.
 */
#include "keys.h"

#include <math.h>

#include "scalesim/rng.h"

static double expm1_over_x(double x)
{
    return fabs(x) > 1e-8 ? expm1(x) / x : 1 + x / 2 * (1 + x / 3);
}

static double log1p_over_x(double x)
{
    return fabs(x) > 1e-8 ? log1p(x) / x : 1 - x * (0.5 - x / 3);
}

static double zipf_H(double s, double x)
{
    double lx = log(x);
    return expm1_over_x((1 - s) * lx) * lx;
}

static double zipf_Hinv(double s, double x)
{
    double t = x * (1 - s);
    if (t < -1)
        t = -1; /* guard rounding at the edge of the domain */
    return exp(log1p_over_x(t) * x);
}

static double zipf_h(double s, double x)
{
    return exp(-s * log(x));
}

void ss_keygen_init(ss_keygen *g, const ss_keys *k)
{
    g->popularity = k->popularity;
    g->n = k->count ? k->count : 1;
    g->s = k->zipf_s;
    if (g->popularity == SS_POP_ZIPF) {
        double s = g->s;
        g->h_x1 = zipf_H(s, 1.5) - 1;
        g->h_n = zipf_H(s, (double)g->n + 0.5);
        g->s_cut = 2 - zipf_Hinv(s, zipf_H(s, 2.5) - zipf_h(s, 2));
    }
}

uint64_t ss_keygen_draw(const ss_keygen *g, const gsl_rng *r)
{
    if (g->n == 1)
        return 0;
    if (g->popularity == SS_POP_UNIFORM) {
        uint64_t k = (uint64_t)(ss_rng_uniform(r) * (double)g->n);
        return k < g->n ? k : g->n - 1;
    }
    double s = g->s;
    for (;;) {
        double u = g->h_n + ss_rng_uniform(r) * (g->h_x1 - g->h_n);
        double x = zipf_Hinv(s, u);
        double kd = floor(x + 0.5);
        if (kd < 1)
            kd = 1;
        else if (kd > (double)g->n)
            kd = (double)g->n;
        if (kd - x <= g->s_cut || u >= zipf_H(s, kd + 0.5) - zipf_h(s, kd))
            return (uint64_t)kd - 1;
    }
}

double ss_keygen_pmf(const ss_keygen *g, uint64_t k)
{
    if (k >= g->n)
        return 0;
    if (g->popularity == SS_POP_UNIFORM)
        return 1.0 / (double)g->n;
    /* Generalised harmonic number, summed from the small terms up. */
    double norm = 0;
    for (uint64_t i = g->n; i >= 1; i--)
        norm += pow((double)i, -g->s);
    return pow((double)(k + 1), -g->s) / norm;
}
