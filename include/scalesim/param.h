/*
 * scalesim/param.h -- scenario keys a component kind accepts, as a table.
 *
 * A model lists its keys in an array of ss_param ending with {0}; the loader
 * checks every key a scenario writes against it (unknown keys are errors with
 * a "did you mean"), parses each value by its type into the model's config
 * struct at `offset`, applies defaults, and checks the range flags. The same
 * table prints `scalesim --kinds`, so the documentation cannot drift from
 * what is accepted. Cross-field rules go in the model's `check` callback,
 * which reports through ss_cfg_error so errors point at the right line.
 *
 * Defaults are written as scenario text and parsed by the same code, so
 * "1" is a count, "5s" a duration, "-1" means unset for SS_P_INT/COUNT.
 * An SS_P_DIST with no default that is not written gets kind SS_DIST_KINDS,
 * so a model can fall back on something else.
 */
#ifndef SCALESIM_PARAM_H
#define SCALESIM_PARAM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The value types, once: the C type a field has, the name `scalesim
 * --kinds` shows, and the phrase an error uses ("expected a duration like
 * 30s or 250ms, got ..."). SS_P_DIST and SS_P_OPDIST use the
 * distribution phrase of dist parsing, given as NULL here. */
#define SS_PTYPE_MAP(XX)                                                                 \
    XX(INT, "count", "a whole number like 8 or 1k")          /* int             */  \
    XX(COUNT, "count", "a whole number like 8 or 1k")        /* int64_t to 1e15 */  \
    XX(NUMBER, "number", "a number")                         /* double          */  \
    XX(PROB, "probability", "a probability between 0 and 1 (or a share like 10%)") /* double in [0,1] */  \
    XX(DURATION, "duration", "a duration like 30s or 250ms") /* ss_time (ns)    */  \
    XX(DIST, "distribution", NULL)                           /* ss_dist         */  \
    XX(OPDIST, "distribution or {read, write}", NULL)        /* ss_opdist       */  \
    XX(RATE, "rate", "a rate like 3000/s")                   /* double per s    */  \
    XX(SIZE, "size", "a size like 200KB")                    /* double bytes    */  \
    XX(MONEY, "dollars", "an amount of US dollars like 0.17") /* double          */ \
    XX(BOOL, "true/false", "true or false")                  /* bool            */  \
    XX(ENUM, "choice", "one of the choices")                 /* int: choices[]  */  \
    XX(STRING, "name", "a name")                             /* char *, owned   */  \
    XX(STRLIST, "list of names", "a list of names")          /* ss_strlist      */  \
    XX(STRUCT, "mapping", "a mapping")                       /* by `sub`        */

typedef enum ss_ptype {
#define XX(id, shown, phrase) SS_P_##id,
    SS_PTYPE_MAP(XX)
#undef XX
} ss_ptype;

/* The name --kinds shows for a type. */
const char *ss_ptype_name(ss_ptype t);

enum {
    SS_PF_REQUIRED = 1u << 0, /* must be given (no default)                */
    SS_PF_POSITIVE = 1u << 1, /* numbers and durations: > 0                */
    SS_PF_NONNEG = 1u << 2,   /* numbers and durations: >= 0               */
    /* SS_P_INT with default "-1": the component's cores. Unset, the loader
     * gives it the instance type's vCPUs (1 without a type); more than the
     * type has is an error. Resolved after the model's check callback. */
    SS_PF_VCPUS = 1u << 3,
};

typedef struct ss_param {
    const char *name;
    ss_ptype type;
    size_t offset;
    unsigned flags;
    const char *def;                /* default, as scenario text         */
    const char *const *choices;     /* SS_P_ENUM: NULL-terminated        */
    const struct ss_param *sub;     /* SS_P_STRUCT                       */
    const char *help;               /* one line for `scalesim --kinds`   */
} ss_param;

typedef struct ss_strlist {
    char **items;
    int n;
} ss_strlist;

/* What a model's check callback may do: look at what was written and
 * report errors at the line of a key. */
typedef struct ss_cfgctx ss_cfgctx;
bool ss_cfg_given(const ss_cfgctx *ctx, const char *key);
void ss_cfg_error(ss_cfgctx *ctx, const char *key, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* The dotted path of the component being checked ("components.app"). */
const char *ss_cfg_path(const ss_cfgctx *ctx);
/* The index of a region named in the scenario, or -1. */
int ss_cfg_region(const ss_cfgctx *ctx, const char *name);
/* How many keys the workload draws from. */
uint64_t ss_cfg_keys(const ss_cfgctx *ctx);
/* How many datacenters the scenario has (1 without `datacenters`). */
int ss_cfg_datacenters(const ss_cfgctx *ctx);
/* How many copies of the component being checked a run makes: one per
 * datacenter, or one with `placement` or a kind that spans them. */
int ss_cfg_copies(const ss_cfgctx *ctx);
/* How many regions the scenario names. */
int ss_cfg_regions(const ss_cfgctx *ctx);
/* Memory a run may hold (--max-memory), and a claim on it: a model whose
 * state can grow to `bytes` (a cache's entries) claims them; false when
 * the scenario's claims together pass the budget, and the model reports
 * an error at the key responsible. Refusing at load beats running out of
 * memory an hour into a run. */
double ss_cfg_memory_budget(const ss_cfgctx *ctx);
bool ss_cfg_claim(ss_cfgctx *ctx, double bytes);

#endif
