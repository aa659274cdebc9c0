/*
 * sim/base/dist_parse.h -- distributions from scenario text.
 *
 * Two spellings reach the same builder: the string form
 * "lognormal(mean=8ms, cv=1.5)" (or a bare duration "5ms" for a constant)
 * and the mapping form {dist: lognormal, mean: 8ms, cv: 1.5}. Arguments are
 * named or positional; positional ones fill the unnamed slots in order.
 * The empirical kind returns its file name: loading the file is the
 * scenario loader's job (it knows where the scenario lives).
 */
#ifndef SS_DIST_PARSE_H
#define SS_DIST_PARSE_H

#include <stdbool.h>
#include <stddef.h>

#include "scalesim/dist.h"

typedef struct ss_dist_arg {
    const char *name;  /* NULL: positional */
    const char *value;
    size_t off;        /* where the value starts in the text (string form) */
    size_t name_off;   /* where the name starts                           */
} ss_dist_arg;

typedef struct ss_dist_err {
    int arg;           /* offending argument, or -1: the whole value */
    bool at_name;      /* the argument's name is wrong, not its value   */
    size_t off;        /* string form: offset of the problem in the text */
    char msg[320];
} ss_dist_err;

/* The expected-phrase used in every "expected X, got Y" about a distribution. */
#define SS_DIST_EXPECTED "a distribution like exp(8ms) or lognormal(mean=8ms, cv=1.5)"

bool ss_dist_build(const char *kind, const ss_dist_arg *args, size_t n_args,
                   ss_dist *out, const char **empirical_file, ss_dist_err *err);

/* The string form. For the empirical kind the file name is copied into
 * file_buf (left empty for every other kind). */
bool ss_dist_parse(const char *text, ss_dist *out, char *file_buf, size_t file_len,
                   ss_dist_err *err);

#endif
