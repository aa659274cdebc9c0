/*
 * sim/base/units.c -- strict parsing of numbers with units (see units.h).
 * A hand-written scanner decides what is a number, then strtod converts the
 * accepted span, so "0x10", "inf", "nan" and "1e" are rejected rather than
 * silently taken.
 */
#include "units.h"

#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

size_t ss_units_number_len(const char *s)
{
    size_t i = 0, digits = 0;
    if (s[i] == '+' || s[i] == '-')
        i++;
    while (isdigit((unsigned char)s[i]))
        i++, digits++;
    if (s[i] == '.') {
        i++;
        while (isdigit((unsigned char)s[i]))
            i++, digits++;
    }
    if (digits == 0)
        return 0;
    if (s[i] == 'e' || s[i] == 'E') {
        size_t j = i + 1;
        if (s[j] == '+' || s[j] == '-')
            j++;
        if (isdigit((unsigned char)s[j])) {
            while (isdigit((unsigned char)s[j]))
                j++;
            i = j;
        }
    }
    return i;
}

bool ss_units_split(const char *s, double *num, const char **unit, size_t *unit_len)
{
    while (isspace((unsigned char)*s))
        s++;
    size_t n = ss_units_number_len(s);
    if (n == 0 || n > 63)
        return false;
    char buf[64];
    memcpy(buf, s, n);
    buf[n] = '\0';
    double v = strtod(buf, NULL);
    if (!isfinite(v))
        return false;
    const char *u = s + n;
    while (isspace((unsigned char)*u))
        u++;
    size_t ul = strlen(u);
    while (ul > 0 && isspace((unsigned char)u[ul - 1]))
        ul--;
    *num = v;
    *unit = u;
    *unit_len = ul;
    return true;
}

static bool unit_is(const char *u, size_t ul, const char *name)
{
    return ul == strlen(name) && memcmp(u, name, ul) == 0;
}

bool ss_units_number(const char *s, double *out)
{
    double v;
    const char *u;
    size_t ul;
    if (!ss_units_split(s, &v, &u, &ul) || ul != 0)
        return false;
    *out = v;
    return true;
}

/* One number-unit pair at the start of s; *used is how much it took. */
static bool duration_part(const char *s, double *out_s, size_t *used)
{
    static const struct { const char *name; double scale; } units[] = {
        {"ns", 1e-9}, {"us", 1e-6}, {"ms", 1e-3}, {"s", 1}, {"m", 60}, {"h", 3600},
    };
    size_t n = ss_units_number_len(s);
    if (n == 0 || n > 63)
        return false;
    char buf[64];
    memcpy(buf, s, n);
    buf[n] = '\0';
    double v = strtod(buf, NULL);
    if (!isfinite(v))
        return false;
    size_t blank = 0, ul = 0;
    while (s[n + blank] == ' ')
        blank++; /* "20 ns" */
    while (isalpha((unsigned char)s[n + blank + ul]))
        ul++;
    for (size_t i = 0; i < sizeof units / sizeof units[0]; i++)
        if (unit_is(s + n + blank, ul, units[i].name)) {
            *out_s = v * units[i].scale;
            *used = n + blank + ul;
            return true;
        }
    return false;
}

/* "250ms", "1.5s", and compounds written largest unit first: "1m30s",
 * "2h15m". Only the first part may carry a sign. */
bool ss_units_duration(const char *s, double *out_s)
{
    while (isspace((unsigned char)*s))
        s++;
    double total = 0, part;
    size_t used;
    if (!duration_part(s, &part, &used))
        return false;
    total = part;
    s += used;
    while (*s && !isspace((unsigned char)*s)) {
        if (*s == '+' || *s == '-' || !duration_part(s, &part, &used))
            return false;
        total += total < 0 ? -part : part;
        s += used;
    }
    while (isspace((unsigned char)*s))
        s++;
    if (*s)
        return false;
    *out_s = total;
    return true;
}

bool ss_units_rate(const char *s, double *out_per_s)
{
    double v;
    const char *u;
    size_t ul;
    if (!ss_units_split(s, &v, &u, &ul) || ul < 2 || u[0] != '/')
        return false;
    u++, ul--;
    while (ul > 0 && isspace((unsigned char)*u))
        u++, ul--;
    if (unit_is(u, ul, "s"))
        *out_per_s = v;
    else if (unit_is(u, ul, "m"))
        *out_per_s = v / 60;
    else if (unit_is(u, ul, "h"))
        *out_per_s = v / 3600;
    else
        return false;
    return true;
}

bool ss_units_size(const char *s, double *out_bytes)
{
    static const struct { const char *name; double scale; } units[] = {
        {"B", 1}, {"KB", 1e3}, {"MB", 1e6}, {"GB", 1e9}, {"TB", 1e12},
    };
    double v;
    const char *u;
    size_t ul;
    if (!ss_units_split(s, &v, &u, &ul))
        return false;
    for (size_t i = 0; i < sizeof units / sizeof units[0]; i++)
        if (unit_is(u, ul, units[i].name)) {
            *out_bytes = v * units[i].scale;
            return true;
        }
    return false;
}

bool ss_units_count(const char *s, double *out)
{
    double v;
    const char *u;
    size_t ul;
    if (!ss_units_split(s, &v, &u, &ul))
        return false;
    if (ul == 0)
        *out = v;
    else if (unit_is(u, ul, "k") || unit_is(u, ul, "K"))
        *out = v * 1e3;
    else if (unit_is(u, ul, "M"))
        *out = v * 1e6;
    else if (unit_is(u, ul, "G"))
        *out = v * 1e9;
    else
        return false;
    return true;
}

const char *ss_units_hint(const char *s, char *buf, size_t len)
{
    double v;
    if (!ss_units_number(s, &v) || strlen(s) > 40)
        return "";
    while (*s == ' ' || *s == '\t')
        s++;
    size_t n = strlen(s);
    while (n && (s[n - 1] == ' ' || s[n - 1] == '\t'))
        n--;
    /* small numbers are mostly milliseconds (a hop, a service time),
     * large ones seconds (a duration, a TTL) */
    const char *first = v < 10 ? "ms" : "s", *second = v < 10 ? "s" : "ms";
    snprintf(buf, len, " (add a unit: %.*s%s? %.*s%s?)", (int)n, s, first, (int)n, s, second);
    return buf;
}

char *ss_units_format_size(double b, char *buf, size_t len)
{
    static const char *const unit[] = {"B", "KB", "MB", "GB", "TB", "PB"};
    int u = 0;
    while (b >= 1000 && u < 5) {
        b /= 1000;
        u++;
    }
    snprintf(buf, len, b < 10 && u > 0 ? "%.1f %s" : "%.0f %s", b, unit[u]);
    return buf;
}

bool ss_units_share(const char *s, double *out, bool *percent)
{
    size_t n = strlen(s);
    while (n > 0 && isspace((unsigned char)s[n - 1]))
        n--;
    bool pct = n > 1 && s[n - 1] == '%';
    char num[64];
    if ((pct ? n - 1 : n) >= sizeof num)
        return false;
    snprintf(num, sizeof num, "%.*s", (int)(pct ? n - 1 : n), s);
    double v;
    if (!ss_units_number(num, &v))
        return false;
    *out = pct ? v / 100 : v;
    if (percent)
        *percent = pct;
    return true;
}
