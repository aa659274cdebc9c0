/* sim/result/slo.c -- parsing SLOs and judging them (see slo.h). */
#include "slo.h"

#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "agg.h"
#include "scalesim/mem.h"
#include "units.h"

static bool ends_with(const char *s, const char *tail)
{
    size_t n = strlen(s), m = strlen(tail);
    return n >= m && strcmp(s + n - m, tail) == 0;
}

bool ss_slo_is_share(const char *f)
{
    return ends_with(f, "error_rate") || ends_with(f, "availability") ||
           ends_with(f, "worst_interval") || ends_with(f, "util") || ends_with(f, "ratio") ||
           ends_with(f, "share") || ends_with(f, "wait_prob");
}

static void trim(char *s)
{
    size_t n = strlen(s), a = 0;
    while (n > 0 && isspace((unsigned char)s[n - 1]))
        s[--n] = '\0';
    while (s[a] && isspace((unsigned char)s[a]))
        a++;
    memmove(s, s + a, n - a + 1);
}

/* The limit in the figure's unit; false with why on anything else. */
static bool parse_limit(const char *fig, const char *v, double *out, char *why, size_t n)
{
    double x;
    if (ss_slo_is_share(fig)) {
        bool pct;
        if (ss_units_share(v, &x, &pct) && x >= 0 && x <= 1) {
            *out = x;
            return true;
        }
        if (ss_units_share(v, &x, &pct) && !pct && x > 1 && x <= 100) {
            snprintf(why, n, "%s is a share: write %s%% or %g", fig, v, x / 100);
            return false;
        }
        snprintf(why, n, "expected a share like 0.1%% or 0.001 for %s, got \"%s\"", fig, v);
        return false;
    }
    if (ends_with(fig, "_ms")) {
        if (ss_units_number(v, &x) && x >= 0) {
            *out = x;
            return true;
        }
        if (ss_units_duration(v, &x)) {
            *out = x * 1e3;
            return true;
        }
        snprintf(why, n, "expected milliseconds like 200 or a duration like 200ms for %s, "
                 "got \"%s\"", fig, v);
        return false;
    }
    if (ends_with(fig, "_rps")) {
        if (ss_units_number(v, &x) || ss_units_count(v, &x) || ss_units_rate(v, &x)) {
            *out = x;
            return true;
        }
        snprintf(why, n, "expected a rate like 5000 or 5000/s for %s, got \"%s\"", fig, v);
        return false;
    }
    if (ss_units_number(v, &x) || ss_units_count(v, &x)) {
        *out = x;
        return true;
    }
    snprintf(why, n, "expected a number like 5000 or 5k for %s, got \"%s\"", fig, v);
    return false;
}

bool ss_slo_parse(const char *text, ss_slo *out, char *why, size_t why_len)
{
    static const char expect[] = "expected FIGURE<LIMIT like p95_ms<200, error_rate<0.1% or "
                                 "availability>=99.9%";
    memset(out, 0, sizeof *out);
    const char *op = strpbrk(text, "<>=");
    if (!op || *op == '=') {
        snprintf(why, why_len, "%s, got \"%s\"", expect, text);
        return false;
    }
    size_t op_len = op[1] == '=' ? 2 : 1;
    out->op = op[0] == '<' ? (op_len == 2 ? SS_SLO_LE : SS_SLO_LT)
                           : (op_len == 2 ? SS_SLO_GE : SS_SLO_GT);
    /* Sized so that figure, operator and value always fit out->text. */
    char fig[sizeof out->figure], val[sizeof out->text - sizeof out->figure - 1];
    if ((size_t)(op - text) >= sizeof fig || strlen(op + op_len) >= sizeof val) {
        snprintf(why, why_len, "an SLO of at most %zu characters, got %zu", sizeof fig - 1,
                 strlen(text));
        return false;
    }
    snprintf(fig, sizeof fig, "%.*s", (int)(op - text), text);
    snprintf(val, sizeof val, "%s", op + op_len);
    trim(fig);
    trim(val);
    bool ok = fig[0] != '\0' && val[0] != '\0' && !strpbrk(val, "<>=");
    for (const char *p = fig; ok && *p; p++)
        ok = isalnum((unsigned char)*p) || strchr("_.[]@-", *p);
    if (!ok) {
        snprintf(why, why_len, "%s, got \"%s\"", expect, text);
        return false;
    }
    if (!parse_limit(fig, val, &out->limit, why, why_len))
        return false;
    snprintf(out->figure, sizeof out->figure, "%s", fig);
    static const char *const ops[] = {"<", "<=", ">", ">="};
    snprintf(out->text, sizeof out->text, "%s%s%s", fig, ops[out->op], val);
    return true;
}

ss_verdict ss_verdict_worse(ss_verdict a, ss_verdict b)
{
    return a > b ? a : b;
}

const char *ss_verdict_name(ss_verdict v)
{
    switch (v) {
    case SS_VERDICT_PASS:
        return "pass";
    case SS_VERDICT_UNRESOLVED:
        return "unresolved";
    case SS_VERDICT_FAIL:
        return "fail";
    default:
        return "";
    }
}

static bool holds(ss_slo_op op, double x, double limit)
{
    switch (op) {
    case SS_SLO_LT:
        return x < limit;
    case SS_SLO_LE:
        return x <= limit;
    case SS_SLO_GT:
        return x > limit;
    default:
        return x >= limit;
    }
}

ss_verdict ss_slo_verdict(const ss_slo *s, double value, double hw)
{
    if (isnan(value))
        return SS_VERDICT_UNRESOLVED;
    if (isnan(hw) || hw <= 0)
        return holds(s->op, value, s->limit) ? SS_VERDICT_PASS : SS_VERDICT_FAIL;
    /* the good end and the bad end of the interval */
    bool upper = s->op == SS_SLO_LT || s->op == SS_SLO_LE;
    double good = upper ? value - hw : value + hw, bad = upper ? value + hw : value - hw;
    if (holds(s->op, bad, s->limit))
        return SS_VERDICT_PASS;
    if (!holds(s->op, good, s->limit))
        return SS_VERDICT_FAIL;
    return SS_VERDICT_UNRESOLVED;
}

void ss_slo_judge(const ss_slo *s, const ss_result *const *reps, int n, ss_slo_check *out)
{
    out->slo = s;
    out->value = out->ci95 = NAN;
    double *x = ss_calloc((size_t)(n > 0 ? n : 1), sizeof *x);
    for (int r = 0; r < n; r++)
        x[r] = ss_result_figure(reps[r], s->figure);
    if (n == 1)
        out->value = x[0];
    else if (n > 1)
        ss_agg_values(x, n, &out->value, &out->ci95);
    out->verdict = ss_slo_verdict(s, out->value, out->ci95);
    ss_free(x);
}

const char *ss_slo_value_text(const ss_slo_check *c, char *buf, size_t n)
{
    const char *fig = c->slo->figure;
    size_t len = strlen(fig);
    bool share = ss_slo_is_share(fig), ms = len > 3 && strcmp(fig + len - 3, "_ms") == 0;
    double k = share ? 100 : 1;
    int dec = share ? 3 : 2;
    const char *unit = share ? "%" : ms ? " ms" : "";
    if (!isfinite(c->value))
        snprintf(buf, n, "-");
    else if (isfinite(c->ci95))
        snprintf(buf, n, "%.*f%s ± %.*f", dec, c->value * k, unit, dec, c->ci95 * k);
    else
        snprintf(buf, n, "%.*f%s", dec, c->value * k, unit);
    return buf;
}
