/*
 * sim/scenario/registry.h -- component kinds by name.
 *
 * The built-in kinds come from models/models.def (one line each). A
 * program may add kinds of its own to a table of its own (ss_kinds_new,
 * ss_kinds_add) and load scenarios with it (ss_load_opts.kinds): nothing
 * global changes, so runs in threads stay independent.
 *
 * The model contract is checked when a kind is added, as SQLite checks a
 * VFS's iVersion before it uses the methods: a kind that can be in a route
 * handles requests and says which instance takes one (pick, or a station
 * to pick from); a resolver resolves; figures and parameters are
 * terminated tables. A kind that fails the check is refused with the
 * reason, instead of crashing a run later.
 */
#ifndef SS_REGISTRY_H
#define SS_REGISTRY_H

#include <stddef.h>

#include "scalesim/model.h"
#include "scalesim/status.h"

#define SS_KINDS_MAX 64

typedef struct ss_kinds {
    const ss_model_ops *ops[SS_KINDS_MAX];
    size_t n;
} ss_kinds;

/* The built-in kinds, in the order of models.def (immutable). */
const ss_kinds *ss_kinds_builtin(void);
/* A table of the built-in kinds to add to; free with ss_kinds_free. */
ss_kinds *ss_kinds_new(void);
void ss_kinds_free(ss_kinds *k);
/* Adds a kind after checking its contract; SS_INVALID with the reason in
 * why when it breaks it or its name is taken. */
ss_status ss_kinds_add(ss_kinds *k, const ss_model_ops *ops, char *why, size_t why_len);
/* The contract alone (the built-in kinds are checked by a test). */
ss_status ss_kinds_check(const ss_model_ops *ops, char *why, size_t why_len);

const ss_model_ops *ss_kinds_find(const ss_kinds *k, const char *kind);

#endif
