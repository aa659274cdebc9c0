/*
 * sim/base/dist.c -- sampling, moments and parsing of distributions.
 *
 * Sampling uses GSL's gsl_ran_* functions; the parameters users write (a mean
 * and a coefficient of variation) are converted once, in ss_dist_prepare, to
 * the ones GSL takes. Invariant: every kind's mean equals p0 (or p1 where p0
 * is a shape), which the tests check by sampling.
 */
#include "dist_parse.h"

#include <ctype.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <gsl/gsl_math.h>
#include <gsl/gsl_randist.h>

#include "units.h"
#include "scalesim/rng.h"

const char *ss_dist_kind_name(ss_dist_kind k)
{
    switch (k) {
#define XX(kind, name) case SS_DIST_##kind: return name;
        SS_DIST_MAP(XX)
#undef XX
    case SS_DIST_KINDS: break;
    }
    return "?";
}

void ss_dist_prepare(ss_dist *d)
{
    switch (d->kind) {
    case SS_DIST_LOGNORMAL: {
        /* X = exp(N(mu, sigma^2)): E X = exp(mu + sigma^2/2) and
         * cv^2 = exp(sigma^2) - 1, so sigma^2 = ln(1 + cv^2). */
        double s2 = log1p(d->p[1] * d->p[1]);
        d->q[0] = log(d->p[0]) - s2 / 2;
        d->q[1] = sqrt(s2);
        break;
    }
    case SS_DIST_GAMMA:
        /* shape k = 1/cv^2, scale theta = mean cv^2: mean k theta. */
        d->q[0] = 1.0 / (d->p[1] * d->p[1]);
        d->q[1] = d->p[0] * d->p[1] * d->p[1];
        break;
    case SS_DIST_ERLANG:
        d->q[0] = d->p[0];
        d->q[1] = d->p[1] / d->p[0];
        break;
    default:
        break;
    }
}

ss_dist ss_dist_const(double v_s)
{
    ss_dist d = {.kind = SS_DIST_CONST, .p = {v_s}};
    return d;
}

ss_dist ss_dist_exp(double mean_s)
{
    ss_dist d = {.kind = SS_DIST_EXP, .p = {mean_s}};
    return d;
}

double ss_dist_sample(const ss_dist *d, const gsl_rng *r)
{
    switch (d->kind) {
    case SS_DIST_CONST:
        return d->p[0];
    case SS_DIST_EXP:
        return ss_rng_exp(r, d->p[0]);
    case SS_DIST_UNIFORM:
        return gsl_ran_flat(r, d->p[0], d->p[1]);
    case SS_DIST_NORMAL:
        /* Truncation at 0 by resampling: the loader requires mean > 0, so
         * each try succeeds with probability > 1/2. The cap only guards
         * against a pathological sd; it returns 0, the truncation point. */
        for (int i = 0; i < 64; i++) {
            double x = d->p[0] + gsl_ran_gaussian_ziggurat(r, d->p[1]);
            if (x >= 0)
                return x;
        }
        return 0;
    case SS_DIST_LOGNORMAL:
        return gsl_ran_lognormal(r, d->q[0], d->q[1]);
    case SS_DIST_GAMMA:
    case SS_DIST_ERLANG:
        return gsl_ran_gamma(r, d->q[0], d->q[1]);
    case SS_DIST_PARETO:
        return gsl_ran_pareto(r, d->p[1], d->p[0]);
    case SS_DIST_HYPEREXP:
        return ss_rng_exp(r, ss_rng_uniform(r) < d->p[0] ? d->p[1] : d->p[2]);
    case SS_DIST_EMPIRICAL:
        if (d->n_samples == 0)
            return 0;
        return d->samples[ss_rng_uniform_int(r, d->n_samples)];
    case SS_DIST_KINDS:
        break;
    }
    return 0;
}

double ss_dist_mean(const ss_dist *d)
{
    switch (d->kind) {
    case SS_DIST_CONST:
    case SS_DIST_EXP:
    case SS_DIST_LOGNORMAL:
    case SS_DIST_GAMMA:
        return d->p[0];
    case SS_DIST_UNIFORM:
        return (d->p[0] + d->p[1]) / 2;
    case SS_DIST_NORMAL: {
        /* Mean of the normal truncated at 0:
         * mu + sd phi(a) / (1 - Phi(a)), a = -mu/sd. */
        double mu = d->p[0], sd = d->p[1];
        if (sd <= 0)
            return mu;
        double a = -mu / sd;
        double tail = 0.5 * erfc(a / M_SQRT2);
        double phi = exp(-a * a / 2) / sqrt(2 * M_PI);
        return mu + sd * phi / tail;
    }
    case SS_DIST_ERLANG:
        return d->p[1];
    case SS_DIST_PARETO:
        return d->p[1] > 1 ? d->p[1] * d->p[0] / (d->p[1] - 1) : INFINITY;
    case SS_DIST_HYPEREXP:
        return d->p[0] * d->p[1] + (1 - d->p[0]) * d->p[2];
    case SS_DIST_EMPIRICAL: {
        double s = 0;
        for (size_t i = 0; i < d->n_samples; i++)
            s += d->samples[i];
        return d->n_samples ? s / (double)d->n_samples : 0;
    }
    case SS_DIST_KINDS:
        break;
    }
    return 0;
}

double ss_dist_var(const ss_dist *d)
{
    double m = ss_dist_mean(d);
    switch (d->kind) {
    case SS_DIST_CONST:
        return 0;
    case SS_DIST_EXP:
        return m * m;
    case SS_DIST_UNIFORM: {
        double w = d->p[1] - d->p[0];
        return w * w / 12;
    }
    case SS_DIST_NORMAL: {
        double mu = d->p[0], sd = d->p[1];
        if (sd <= 0)
            return 0;
        double a = -mu / sd;
        double tail = 0.5 * erfc(a / M_SQRT2);
        double lam = exp(-a * a / 2) / sqrt(2 * M_PI) / tail;
        return sd * sd * (1 + a * lam - lam * lam);
    }
    case SS_DIST_LOGNORMAL:
    case SS_DIST_GAMMA:
        return (m * d->p[1]) * (m * d->p[1]);
    case SS_DIST_ERLANG:
        return m * m / d->p[0];
    case SS_DIST_PARETO: {
        double a = d->p[1], x = d->p[0];
        return a > 2 ? x * x * a / ((a - 1) * (a - 1) * (a - 2)) : INFINITY;
    }
    case SS_DIST_HYPEREXP: {
        double e2 = 2 * (d->p[0] * d->p[1] * d->p[1] + (1 - d->p[0]) * d->p[2] * d->p[2]);
        return e2 - m * m;
    }
    case SS_DIST_EMPIRICAL: {
        double s = 0;
        for (size_t i = 0; i < d->n_samples; i++)
            s += (d->samples[i] - m) * (d->samples[i] - m);
        return d->n_samples ? s / (double)d->n_samples : 0;
    }
    case SS_DIST_KINDS:
        break;
    }
    return 0;
}

static void fmt_dur(char *buf, size_t n, double s)
{
    if (s == 0)
        snprintf(buf, n, "0s");
    else if (s < 1e-6)
        snprintf(buf, n, "%gns", s * 1e9);
    else if (s < 1e-3)
        snprintf(buf, n, "%gus", s * 1e6);
    else if (s < 1)
        snprintf(buf, n, "%gms", s * 1e3);
    else
        snprintf(buf, n, "%gs", s);
}

void ss_dist_format(const ss_dist *d, char *buf, size_t n)
{
    char a[32], b[32], c[32];
    switch (d->kind) {
    case SS_DIST_CONST:
        fmt_dur(buf, n, d->p[0]);
        return;
    case SS_DIST_EXP:
        fmt_dur(a, sizeof a, d->p[0]);
        snprintf(buf, n, "exp(%s)", a);
        return;
    case SS_DIST_UNIFORM:
        fmt_dur(a, sizeof a, d->p[0]);
        fmt_dur(b, sizeof b, d->p[1]);
        snprintf(buf, n, "uniform(%s, %s)", a, b);
        return;
    case SS_DIST_NORMAL:
        fmt_dur(a, sizeof a, d->p[0]);
        fmt_dur(b, sizeof b, d->p[1]);
        snprintf(buf, n, "normal(mean=%s, sd=%s)", a, b);
        return;
    case SS_DIST_LOGNORMAL:
    case SS_DIST_GAMMA:
        fmt_dur(a, sizeof a, d->p[0]);
        snprintf(buf, n, "%s(mean=%s, cv=%g)", ss_dist_kind_name(d->kind), a, d->p[1]);
        return;
    case SS_DIST_ERLANG:
        fmt_dur(a, sizeof a, d->p[1]);
        snprintf(buf, n, "erlang(k=%g, mean=%s)", d->p[0], a);
        return;
    case SS_DIST_PARETO:
        fmt_dur(a, sizeof a, d->p[0]);
        snprintf(buf, n, "pareto(min=%s, alpha=%g)", a, d->p[1]);
        return;
    case SS_DIST_HYPEREXP:
        fmt_dur(b, sizeof b, d->p[1]);
        fmt_dur(c, sizeof c, d->p[2]);
        snprintf(buf, n, "hyperexp(p=%g, %s, %s)", d->p[0], b, c);
        return;
    case SS_DIST_EMPIRICAL:
        snprintf(buf, n, "empirical(%zu samples)", d->n_samples);
        return;
    case SS_DIST_KINDS:
        break;
    }
    snprintf(buf, n, "?");
}

/* ---- parsing ---------------------------------------------------------- */

enum arg_type { A_DUR, A_NUM, A_PROB, A_INT, A_FILE };

typedef struct kind_sig {
    ss_dist_kind kind;
    const char *example;
    int n;
    const char *names[3];
    enum arg_type types[3];
} kind_sig;

static const kind_sig sigs[] = {
    {SS_DIST_CONST, "const(5ms)", 1, {"value"}, {A_DUR}},
    {SS_DIST_EXP, "exp(8ms)", 1, {"mean"}, {A_DUR}},
    {SS_DIST_UNIFORM, "uniform(1ms, 5ms)", 2, {"min", "max"}, {A_DUR, A_DUR}},
    {SS_DIST_NORMAL, "normal(mean=10ms, sd=2ms)", 2, {"mean", "sd"}, {A_DUR, A_DUR}},
    {SS_DIST_LOGNORMAL, "lognormal(mean=8ms, cv=1.5)", 2, {"mean", "cv"}, {A_DUR, A_NUM}},
    {SS_DIST_GAMMA, "gamma(mean=8ms, cv=0.5)", 2, {"mean", "cv"}, {A_DUR, A_NUM}},
    {SS_DIST_ERLANG, "erlang(k=4, mean=8ms)", 2, {"k", "mean"}, {A_INT, A_DUR}},
    {SS_DIST_PARETO, "pareto(min=1ms, alpha=2.5)", 2, {"min", "alpha"}, {A_DUR, A_NUM}},
    {SS_DIST_HYPEREXP, "hyperexp(p=0.9, 5ms, 50ms)", 3, {"p", "mean1", "mean2"},
     {A_PROB, A_DUR, A_DUR}},
    {SS_DIST_EMPIRICAL, "empirical(file.csv)", 1, {"file"}, {A_FILE}},
};

static const kind_sig *find_sig(const char *name)
{
    for (size_t i = 0; i < sizeof sigs / sizeof sigs[0]; i++)
        if (strcmp(ss_dist_kind_name(sigs[i].kind), name) == 0)
            return &sigs[i];
    return NULL;
}

static bool fail(ss_dist_err *err, int arg, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static bool fail(ss_dist_err *err, int arg, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err->msg, sizeof err->msg, fmt, ap);
    va_end(ap);
    err->arg = arg;
    err->at_name = false;
    err->off = 0;
    return false;
}

bool ss_dist_build(const char *kind, const ss_dist_arg *args, size_t n_args,
                   ss_dist *out, const char **empirical_file, ss_dist_err *err)
{
    const kind_sig *sig = find_sig(kind);
    if (!sig)
        return fail(err, -1,
                    "expected a distribution kind (const, exp, uniform, normal, "
                    "lognormal, gamma, erlang, pareto, hyperexp, empirical), got \"%s\"",
                    kind);
    int slot_arg[3] = {-1, -1, -1};
    for (size_t i = 0; i < n_args; i++) {
        int slot = -1;
        if (args[i].name) {
            for (int s = 0; s < sig->n; s++)
                if (strcmp(sig->names[s], args[i].name) == 0)
                    slot = s;
            if (slot < 0) {
                char names[96] = "";
                for (int s = 0; s < sig->n; s++) {
                    strcat(names, s ? ", " : "");
                    strcat(names, sig->names[s]);
                }
                fail(err, (int)i, "%s takes %s, got \"%s\" (as in %s)", kind, names,
                     args[i].name, sig->example);
                err->at_name = true;
                return false;
            }
            if (slot_arg[slot] >= 0)
                return fail(err, (int)i, "%s: %s given twice", kind, args[i].name);
        } else {
            for (int s = 0; s < sig->n && slot < 0; s++)
                if (slot_arg[s] < 0)
                    slot = s;
            if (slot < 0)
                return fail(err, (int)i, "%s takes %d argument%s, as in %s", kind, sig->n,
                            sig->n == 1 ? "" : "s", sig->example);
        }
        slot_arg[slot] = (int)i;
    }
    ss_dist d = {.kind = sig->kind};
    for (int s = 0; s < sig->n; s++) {
        int a = slot_arg[s];
        if (a < 0)
            return fail(err, -1, "%s needs %s, as in %s", kind, sig->names[s], sig->example);
        const char *v = args[a].value;
        double x = 0;
        switch (sig->types[s]) {
        case A_DUR: {
            char hint[96];
            if (!ss_units_duration(v, &x))
                return fail(err, a, "%s %s: expected a duration like 30s or 250ms, got \"%s\"%s",
                            kind, sig->names[s], v, ss_units_hint(v, hint, sizeof hint));
            if (x < 0)
                return fail(err, a, "%s %s: expected a duration >= 0, got \"%s\"", kind,
                            sig->names[s], v);
            if (x > 0 && ss_time_from_s(x) == 0)
                return fail(err, a, "%s %s: expected 0 or a duration of at least 1ns, got "
                            "\"%s\"", kind, sig->names[s], v);
            break;
        }
        case A_NUM:
        case A_PROB:
        case A_INT:
            if (!ss_units_number(v, &x))
                return fail(err, a, "%s %s: expected a number, got \"%s\"", kind,
                            sig->names[s], v);
            if (sig->types[s] == A_PROB && !(x >= 0 && x <= 1))
                return fail(err, a, "%s %s: expected a probability between 0 and 1, got \"%s\"",
                            kind, sig->names[s], v);
            if (sig->types[s] == A_INT && !(x >= 1 && x == floor(x)))
                return fail(err, a, "%s %s: expected a whole number >= 1, got \"%s\"", kind,
                            sig->names[s], v);
            if (sig->types[s] == A_INT && x > 1e6)
                return fail(err, a, "%s %s: expected a whole number up to 1000000, got \"%s\"",
                            kind, sig->names[s], v);
            break;
        case A_FILE:
            if (!*v)
                return fail(err, a, "empirical needs a file name, as in empirical(file.csv)");
            *empirical_file = v;
            break;
        }
        d.p[s] = x;
    }
    /* Constraints that make the distribution exist and have a positive mean. */
    switch (d.kind) {
    case SS_DIST_EXP:
    case SS_DIST_LOGNORMAL:
    case SS_DIST_GAMMA:
    case SS_DIST_NORMAL:
        if (!(d.p[0] > 0))
            return fail(err, slot_arg[0], "%s mean: expected a duration > 0, got \"%s\"", kind,
                        args[slot_arg[0]].value);
        if ((d.kind == SS_DIST_LOGNORMAL || d.kind == SS_DIST_GAMMA) && !(d.p[1] > 0))
            return fail(err, slot_arg[1], "%s cv: expected a number > 0, got \"%s\"", kind,
                        args[slot_arg[1]].value);
        break;
    case SS_DIST_UNIFORM:
        if (d.p[1] < d.p[0])
            return fail(err, slot_arg[1], "uniform: expected max >= min, got %s < %s",
                        args[slot_arg[1]].value, args[slot_arg[0]].value);
        break;
    case SS_DIST_ERLANG:
        if (!(d.p[1] > 0))
            return fail(err, slot_arg[1], "erlang mean: expected a duration > 0, got \"%s\"",
                        args[slot_arg[1]].value);
        break;
    case SS_DIST_PARETO:
        if (!(d.p[0] > 0))
            return fail(err, slot_arg[0], "pareto min: expected a duration > 0, got \"%s\"",
                        args[slot_arg[0]].value);
        if (!(d.p[1] > 0))
            return fail(err, slot_arg[1], "pareto alpha: expected a number > 0, got \"%s\"",
                        args[slot_arg[1]].value);
        break;
    default:
        break;
    }
    ss_dist_prepare(&d);
    *out = d;
    return true;
}

/* The string form: NAME(ARGS) or a bare duration. Splits the arguments in
 * place in a private copy and hands them to ss_dist_build. */
bool ss_dist_parse(const char *text, ss_dist *out, char *file_buf, size_t file_len,
                   ss_dist_err *err)
{
    static const size_t max_len = 480;
    char buf[512];
    size_t len = strlen(text);
    err->arg = -1;
    err->at_name = false;
    err->off = 0;
    if (file_len)
        file_buf[0] = '\0';
    if (len > max_len) {
        snprintf(err->msg, sizeof err->msg, "expected %s, got a value of %zu characters",
                 SS_DIST_EXPECTED, len);
        return false;
    }
    memcpy(buf, text, len + 1);
    const char *paren = strchr(buf, '(');
    if (!paren) {
        double v;
        if (ss_units_duration(buf, &v) && v >= 0) {
            if (v > 0 && ss_time_from_s(v) == 0) {
                snprintf(err->msg, sizeof err->msg,
                         "expected 0 or a duration of at least 1ns, got \"%s\"", text);
                return false;
            }
            *out = ss_dist_const(v);
            return true;
        }
        char hint[96];
        snprintf(err->msg, sizeof err->msg, "expected %s, got \"%s\"%s", SS_DIST_EXPECTED, text,
                 ss_units_hint(text, hint, sizeof hint));
        return false;
    }
    size_t open = (size_t)(paren - buf);
    char *close = strrchr(buf, ')');
    if (!close || close < paren) {
        snprintf(err->msg, sizeof err->msg, "expected %s, got \"%s\" (no closing parenthesis)",
                 SS_DIST_EXPECTED, text);
        err->off = open;
        return false;
    }
    for (const char *t = close + 1; *t; t++)
        if (!isspace((unsigned char)*t)) {
            snprintf(err->msg, sizeof err->msg, "expected %s, got \"%s\" (text after ')')",
                     SS_DIST_EXPECTED, text);
            err->off = (size_t)(t - buf);
            return false;
        }
    *close = '\0';
    /* kind name, trimmed */
    size_t ks = 0, ke = open;
    while (ks < ke && isspace((unsigned char)buf[ks]))
        ks++;
    while (ke > ks && isspace((unsigned char)buf[ke - 1]))
        ke--;
    buf[ke] = '\0';
    const char *kind = buf + ks;

    ss_dist_arg args[8];
    size_t n = 0;
    char *p = buf + open + 1;
    bool empty = true;
    for (char *t = p; *t; t++)
        if (!isspace((unsigned char)*t))
            empty = false;
    while (!empty) {
        if (n == 8) {
            snprintf(err->msg, sizeof err->msg, "%.40s: too many arguments", kind);
            return false;
        }
        char *comma = strchr(p, ',');
        if (comma)
            *comma = '\0';
        char *s = p;
        while (isspace((unsigned char)*s))
            s++;
        char *e = s + strlen(s);
        while (e > s && isspace((unsigned char)e[-1]))
            *--e = '\0';
        char *eq = strchr(s, '=');
        ss_dist_arg a = {.value = s, .off = (size_t)(s - buf)};
        if (eq) {
            char *ne = eq;
            while (ne > s && isspace((unsigned char)ne[-1]))
                ne--;
            *ne = '\0';
            a.name = s;
            a.name_off = (size_t)(s - buf);
            char *v = eq + 1;
            while (isspace((unsigned char)*v))
                v++;
            a.value = v;
            a.off = (size_t)(v - buf);
        }
        args[n++] = a;
        if (!comma)
            break;
        p = comma + 1;
    }
    const char *file = NULL;
    if (!ss_dist_build(kind, args, n, out, &file, err)) {
        err->off = err->arg < 0 ? ks : err->at_name ? args[err->arg].name_off : args[err->arg].off;
        return false;
    }
    if (file_len)
        snprintf(file_buf, file_len, "%s", file ? file : "");
    return true;
}
