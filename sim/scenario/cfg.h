/*
 * sim/scenario/cfg.h -- typed values from scenario nodes, with diagnostics.
 *
 * Each reader takes a node and the dotted path it sits at, and either stores
 * a value or reports "file:line:col: error: PATH: expected X, got Y" and
 * returns false. ss_cfg_table reads a whole mapping against an ss_param
 * table: unknown keys (with "did you mean"), required keys, defaults, ranges.
 */
#ifndef SS_CFG_H
#define SS_CFG_H

#include <stdbool.h>

#include "diag.h"
#include "node.h"
#include "scalesim/param.h"
#include "scenario.h"

struct ss_cfgctx {
    ss_diag *diag;
    ss_scenario *sc;
    const ss_node *map;     /* the mapping the current table reads       */
    char path[400];         /* its dotted path                           */
    const char *const *search; /* folders for pricing files, NULL-ended    */
    const struct ss_kinds *kinds; /* the kinds components may be of      */
    double max_memory;      /* bytes a run may hold (load-time estimates) */
    double claimed;         /* what the components claimed of it so far  */
    int copies;             /* of the component being checked             */
};

void ss_cfg_at(ss_cfgctx *ctx, const ss_node *n, const char *path, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
void ss_cfg_got(const ss_node *n, char *buf, size_t len);
/* The common error: "PATH: expected WHAT, got <what got_node is>" at at. */
void ss_cfg_expected(ss_cfgctx *ctx, const ss_node *at, const char *path, const char *what,
                     const ss_node *got_node);

bool ss_cfg_value(ss_cfgctx *ctx, const ss_param *p, const ss_node *v, const char *path,
                  void *field);
/* Reads map into base by table. `extra` lists further keys the caller
 * handles itself (accepted, not parsed). Missing or NULL map: defaults. */
void ss_cfg_table(ss_cfgctx *ctx, const ss_param *table, const ss_node *map, const char *path,
                  void *base, const char *const *extra);
/* Reports every key of map not in table or extra, with a suggestion. */
void ss_cfg_unknown_keys(ss_cfgctx *ctx, const ss_node *map, const char *path,
                         const ss_param *table, const char *const *extra);
/* The closest of candidates to word, or NULL when none is close. */
const char *ss_cfg_suggest(const char *word, const char *const *candidates, size_t n);

bool ss_cfg_scalar(ss_cfgctx *ctx, const ss_node *v, const char *path, const char *expected);
/* A dist from a node; sc receives empirical samples. */
bool ss_cfg_dist(ss_cfgctx *ctx, const ss_node *v, const char *path, ss_dist *out);

void ss_cfg_join(char *out, size_t n, const char *path, const char *key);

#endif
