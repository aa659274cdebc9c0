/*
 * sim/exp/sweep.h -- the values of a --sweep PATH=LIST.
 *
 * LIST is one of
 *   a,b,c               the values as written (each one parsed later as YAML,
 *                       like a --set value)
 *   start:stop:step     start, start + step, ... up to stop
 *   start:stop:xF       start, start F, start F^2, ... up to stop
 * start, stop and step are numbers with an optional unit, the same on all
 * three (10s:60s:10s, 100:1000:100, 1k:100k:x10 -- count suffixes k/M/G
 * are kept as written by scaling: 1k:4k:1k gives 1k 2k 3k 4k). Values are
 * printed the way a user would write them, so they read well as CSV
 * columns and `--set PATH=VALUE` with the same text gives the same run.
 */
#ifndef SS_SWEEP_H
#define SS_SWEEP_H

#include <stdbool.h>
#include <stddef.h>

#define SS_SWEEP_MAX 10000

typedef struct ss_sweep {
    char *path;
    char **values;
    int n;
} ss_sweep;

/* Parses "PATH=LIST"; on failure returns false with a message in err. */
bool ss_sweep_parse(const char *arg, ss_sweep *out, char *err, size_t err_len);
void ss_sweep_release(ss_sweep *s);

#endif
