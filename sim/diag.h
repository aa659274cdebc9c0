/*
 * sim/diag.h -- diagnostics about scenario files, in the compiler's style.
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

#define SS_DIAG_MAX 20

/* A place in a scenario: 1-based line and column; line 0 when unknown
 * (a value that came from the command line, or a whole file). */
typedef struct ss_mark {
    const char *file;
    int line, col;
} ss_mark;

typedef struct ss_diag ss_diag;

ss_diag *ss_diag_new(void);
void ss_diag_free(ss_diag *d);

/* Registers a file's text (copied) and returns the name marks should use. */
const char *ss_diag_add_source(ss_diag *d, const char *name, const char *text);

void ss_diag_error(ss_diag *d, ss_mark at, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

int ss_diag_errors(const ss_diag *d);

/* Prints every error, sorted by file (in the order they were added), line
 * and column, each with its source line and a caret. Colours are never
 * used: the output is meant to be compared byte for byte by tests. */
void ss_diag_print(const ss_diag *d, FILE *out);

/* The first line of the first error (for tests and the library API). */
const char *ss_diag_first(const ss_diag *d, char *buf, size_t n);

#endif
