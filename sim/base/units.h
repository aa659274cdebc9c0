/*
 * sim/base/units.h -- numbers with units, as scenario files write them.
 *
 * Durations: ns us ms s m h (250ms, 1.5s, 10m, and compounds like 1m30s).
 * Rates: N/s, N/m, N/h.
 * Sizes: B KB MB GB TB (powers of 1000). Counts: 50000, 1e6, 1k, 1M, 2G.
 * Numbers are plain decimal (no hex, inf or nan: strtod would take them).
 * Every parser consumes the whole string; surrounding blanks are allowed.
 * They return false on anything else and leave *out alone.
 */
#ifndef SS_UNITS_H
#define SS_UNITS_H

#include <stdbool.h>
#include <stddef.h>

/* The longest prefix of s that is a decimal number; 0 when there is none. */
size_t ss_units_number_len(const char *s);
/* s as a number and the unit after it ("10s" -> 10, "s"), blanks trimmed. */
bool ss_units_split(const char *s, double *num, const char **unit, size_t *unit_len);

bool ss_units_number(const char *s, double *out);
bool ss_units_duration(const char *s, double *out_s);
bool ss_units_rate(const char *s, double *out_per_s);
bool ss_units_size(const char *s, double *out_bytes);
bool ss_units_count(const char *s, double *out);
/* A share: "0.15" or "15%" (then divided by 100); *percent says which
 * was written (may be NULL). The caller checks the range. */
bool ss_units_share(const char *s, double *out, bool *percent);
/* For an error about a duration: " (add a unit: 0.5ms?)" when s is a bare
 * number, which is almost always a forgotten unit, written into buf;
 * "" otherwise. */
const char *ss_units_hint(const char *s, char *buf, size_t len);
/* A size for people: "640 KB", "64 MB", "1.5 GB" (powers of 1000). */
char *ss_units_format_size(double bytes, char *buf, size_t len);

#endif
