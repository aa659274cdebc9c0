/*
 * sim/scenario/diag.h -- diagnostics about scenario files, in the compiler's style.
 *
 *   scenarios/stage5-cache.yaml:14:12: error: components.cache.ttl: expected
 *   a duration like 30s or 250ms, got "sixty"
 *      14 |   cache: {kind: cache, ttl: sixty}
 *         |                             ^
 *
 * Errors are collected, not printed where they are found, so that loading
 * goes on and reports them all (the first SS_DIAG_MAX; then it says how many
 * more). The diag also owns the text of every file it has been shown, which
 * is what marks point into and what the caret lines quote.
 *
 * Ownership: ss_diag_new / ss_diag_free. File names returned by
 * ss_diag_add_source live as long as the diag.
 */
#ifndef SS_DIAG_H
#define SS_DIAG_H

#include <stdbool.h>
#include <stdio.h>

#include "scalesim/scalesim.h" /* ss_diag_new, _free, _errors, _print, _first */

#define SS_DIAG_MAX 20

/* A place in a scenario: 1-based line and column; line 0 when unknown
 * (a value that came from the command line, or a whole file). */
typedef struct ss_mark {
    const char *file;
    int line, col;
} ss_mark;



/* Registers a file's text (copied) and returns the name marks should use. */
const char *ss_diag_add_source(ss_diag *d, const char *name, const char *text);

void ss_diag_error(ss_diag *d, ss_mark at, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));


/* Prints every error, sorted by file (in the order they were added), line
 * and column, each with its source line and a caret. Colours are never
 * used: the output is meant to be compared byte for byte by tests. */

/* The first line of the first error (for tests and the library API). */

#endif
