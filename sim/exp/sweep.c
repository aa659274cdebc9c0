/* sim/exp/sweep.c -- lists and ranges of --sweep values (see sweep.h). */
#include "sweep.h"

#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "scalesim/mem.h"
#include "units.h"

static void add(ss_sweep *s, const char *v, size_t len, size_t *cap)
{
    if ((size_t)s->n == *cap) {
        *cap = *cap ? *cap * 2 : 8;
        s->values = ss_realloc(s->values, *cap * sizeof *s->values);
    }
    s->values[s->n++] = ss_strndup(v, len);
}

/* A number and the unit written after it ("10s" -> 10, "s"): letters or a
 * rate's "/s", nothing else. */
static bool number_unit(const char *s, double *v, char *unit, size_t unit_len)
{
    const char *u;
    size_t ul;
    if (!ss_units_split(s, v, &u, &ul) || ul >= unit_len)
        return false;
    for (size_t i = 0; i < ul; i++)
        if (!isalpha((unsigned char)u[i]) && u[i] != '/')
            return false;
    snprintf(unit, unit_len, "%.*s", (int)ul, u);
    return true;
}

static void format_value(char *buf, size_t n, double v, const char *unit)
{
    /* 12 significant digits hide the float noise of start + i step */
    char num[64];
    snprintf(num, sizeof num, "%.12g", v);
    snprintf(buf, n, "%s%s", num, unit);
}

bool ss_sweep_parse(const char *arg, ss_sweep *out, char *err, size_t err_len)
{
    memset(out, 0, sizeof *out);
    const char *eq = strchr(arg, '=');
    if (!eq || eq == arg || !eq[1]) {
        snprintf(err, err_len, "--sweep: expected PATH=LIST like workload.users=1000,2000 or "
                 "workload.users=1k:10k:1k, got \"%s\"", arg);
        return false;
    }
    out->path = ss_strndup(arg, (size_t)(eq - arg));
    const char *list = eq + 1;
    size_t cap = 0;
    const char *c1 = strchr(list, ':');
    const char *c2 = c1 ? strchr(c1 + 1, ':') : NULL;
    if (c1 && c2 && !strchr(c2 + 1, ':') && !strchr(list, ',')) {
        char a[64], b[64], st[64], ua[16], ub[16], us[16];
        snprintf(a, sizeof a, "%.*s", (int)(c1 - list), list);
        snprintf(b, sizeof b, "%.*s", (int)(c2 - c1 - 1), c1 + 1);
        snprintf(st, sizeof st, "%s", c2 + 1);
        double start, stop, step;
        bool geometric = st[0] == 'x';
        if (!number_unit(a, &start, ua, sizeof ua) || !number_unit(b, &stop, ub, sizeof ub) ||
            !number_unit(st + geometric, &step, us, sizeof us)) {
            snprintf(err, err_len, "--sweep %s: expected start:stop:step or start:stop:xFACTOR "
                     "of numbers (with a unit), got \"%s\"", out->path, list);
            goto fail;
        }
        /* counts and durations may mix their units (1k:1M:x10, 500:2k:500,
         * 30s:2m:30s): then the values are written as plain numbers or in
         * seconds */
        static bool (*const scan[])(const char *, double *) = {ss_units_count,
                                                               ss_units_duration};
        static const char *const base_unit[] = {"", "s"};
        bool same = strcmp(ua, ub) == 0 && (geometric ? !us[0] : strcmp(ua, us) == 0);
        for (int u = 0; !same && u < 2; u++)
            if (scan[u](a, &start) && scan[u](b, &stop) &&
                (geometric ? !us[0] : scan[u](st, &step))) {
                same = true;
                snprintf(ua, sizeof ua, "%s", base_unit[u]);
            }
        if (!same) {
            snprintf(err, err_len, "--sweep %s: start, stop and step must share one unit, got "
                     "\"%s\"", out->path, list);
            goto fail;
        }
        if (stop < start || (!geometric && !(step > 0)) || (geometric && !(step > 1)) ||
            (geometric && !(start > 0))) {
            snprintf(err, err_len, "--sweep %s: expected start <= stop and a step > 0 (a factor "
                     "> 1, from a start > 0), got \"%s\"", out->path, list);
            goto fail;
        }
        double limit = stop + fabs(stop) * 1e-9;
        for (int i = 0;; i++) {
            double v = geometric ? start * pow(step, i) : start + step * i;
            if (v > limit)
                break;
            if (out->n == SS_SWEEP_MAX) {
                snprintf(err, err_len, "--sweep %s: more than %d values", out->path,
                         SS_SWEEP_MAX);
                goto fail;
            }
            char buf[96];
            format_value(buf, sizeof buf, v, ua);
            add(out, buf, strlen(buf), &cap);
        }
        return true;
    }
    for (const char *p = list;;) {
        const char *comma = strchr(p, ',');
        size_t len = comma ? (size_t)(comma - p) : strlen(p);
        if (len == 0) {
            snprintf(err, err_len, "--sweep %s: an empty value in \"%s\"", out->path, list);
            goto fail;
        }
        if (out->n == SS_SWEEP_MAX) {
            snprintf(err, err_len, "--sweep %s: more than %d values", out->path, SS_SWEEP_MAX);
            goto fail;
        }
        add(out, p, len, &cap);
        if (!comma)
            break;
        p = comma + 1;
    }
    return true;
fail:
    ss_sweep_release(out);
    return false;
}

void ss_sweep_release(ss_sweep *s)
{
    for (int i = 0; i < s->n; i++)
        ss_free(s->values[i]);
    ss_free(s->values);
    ss_free(s->path);
    memset(s, 0, sizeof *s);
}
