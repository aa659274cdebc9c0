/*
 * scalesim/dist.h -- the distributions of times in a scenario.
 *
 * A distribution is a small value (copy it freely); its parameters are in
 * seconds. Sampling draws from a GSL generator, so any gsl_rng_type works.
 * The empirical kind points at samples owned by the scenario that parsed it.
 *
 * Kinds, with the parameters kept in p[]:
 *   const(v)                  p0 = v
 *   exp(mean)                 p0 = mean
 *   uniform(min, max)         p0 = min, p1 = max
 *   normal(mean=, sd=)        p0 = mean, p1 = sd; truncated at 0 by resampling
 *   lognormal(mean=, cv=)     p0 = mean, p1 = cv
 *   gamma(mean=, cv=)         p0 = mean, p1 = cv
 *   erlang(k=, mean=)         p0 = k, p1 = mean
 *   pareto(min=, alpha=)      p0 = min, p1 = alpha
 *   hyperexp(p=, m1, m2)      p0 = p, p1 = m1, p2 = m2
 *   empirical(file.csv)       one sample per line, uniformly resampled
 */
#ifndef SCALESIM_DIST_H
#define SCALESIM_DIST_H

#include <gsl/gsl_rng.h>
#include <stddef.h>

#include "scalesim/time.h"

#define SS_DIST_MAP(XX)            \
    XX(CONST, "const")             \
    XX(EXP, "exp")                 \
    XX(UNIFORM, "uniform")         \
    XX(NORMAL, "normal")           \
    XX(LOGNORMAL, "lognormal")     \
    XX(GAMMA, "gamma")             \
    XX(ERLANG, "erlang")           \
    XX(PARETO, "pareto")           \
    XX(HYPEREXP, "hyperexp")       \
    XX(EMPIRICAL, "empirical")

typedef enum ss_dist_kind {
#define XX(k, name) SS_DIST_##k,
    SS_DIST_MAP(XX)
#undef XX
    SS_DIST_KINDS
} ss_dist_kind;

typedef struct ss_dist {
    ss_dist_kind kind;
    double p[3];             /* as written, in seconds (see above)      */
    double q[2];             /* derived: GSL's parameters               */
    const double *samples;   /* empirical: borrowed from the scenario   */
    size_t n_samples;
} ss_dist;

/* A read and a write may cost different times (a database's service).
 * SS_OP_APPLY is internal work: a replica applying a replicated write; it
 * costs what a write costs unless a model says otherwise. */
enum { SS_OP_READ = 0, SS_OP_WRITE = 1, SS_OP_APPLY = 2, SS_OPS = 3 };
typedef struct ss_opdist {
    ss_dist op[SS_OPS];
} ss_opdist;

const char *ss_dist_kind_name(ss_dist_kind k);

/* Fills q[] from p[]; call after setting kind and p by hand (tests do). */
void ss_dist_prepare(ss_dist *d);
ss_dist ss_dist_const(double v_s);
ss_dist ss_dist_exp(double mean_s);

double ss_dist_sample(const ss_dist *d, const gsl_rng *r);
static inline ss_time ss_dist_sample_ns(const ss_dist *d, const gsl_rng *r)
{
    return ss_time_from_s(ss_dist_sample(d, r));
}

double ss_dist_mean(const ss_dist *d);
/* Variance in s^2; infinity where it does not exist (pareto, alpha <= 2). */
double ss_dist_var(const ss_dist *d);

/* "lognormal(mean=8ms, cv=0.8)": the canonical text, for reports. */
void ss_dist_format(const ss_dist *d, char *buf, size_t n);

#endif
