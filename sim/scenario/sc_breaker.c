/*
 * sim/scenario/sc_breaker.c -- `breaker` on a component (SPEC.md 4.5):
 * {failure_rate: 50%, window: 10s, min_calls: 20, open: 30s, half_open: 5}.
 */
#include "sc_internal.h"

#include <stdio.h>

void build_breaker(ss_cfgctx *ctx, const ss_node *n, const char *path, ss_breaker_cfg *out)
{
    *out = (ss_breaker_cfg){0};
    if (!n)
        return;
    if (n->type != SS_NODE_MAP) {
        ss_cfg_expected(ctx, n, path, "a mapping like {failure_rate: 50%, open: 30s}", n);
        return;
    }
    static const ss_param params[] = {
        {"failure_rate", SS_P_PROB, offsetof(ss_breaker_cfg, failure_rate), SS_PF_POSITIVE,
         "50%", 0, 0, "opens when this share of the calls in the window failed"},
        {"window", SS_P_DURATION, offsetof(ss_breaker_cfg, window), SS_PF_POSITIVE, "10s", 0, 0,
         "the calls counted: those that came back in the last window"},
        {"min_calls", SS_P_INT, offsetof(ss_breaker_cfg, min_calls), SS_PF_POSITIVE, "20", 0, 0,
         "and at least this many of them"},
        {"open", SS_P_DURATION, offsetof(ss_breaker_cfg, open), SS_PF_POSITIVE, "30s", 0, 0,
         "how long calls fail fast (as down) once it opens"},
        {"half_open", SS_P_INT, offsetof(ss_breaker_cfg, half_open), SS_PF_POSITIVE, "5", 0, 0,
         "trial calls let through after that; their failure share decides"},
        {0},
    };
    ss_breaker_cfg raw = {0};
    int errors = ss_diag_errors(ctx->diag);
    ss_cfg_table(ctx, params, n, path, &raw, NULL);
    static const struct { const char *key; size_t off; } counts[] = {
        {"min_calls", offsetof(ss_breaker_cfg, min_calls)},
        {"half_open", offsetof(ss_breaker_cfg, half_open)},
    };
    for (size_t i = 0; i < sizeof counts / sizeof *counts; i++) {
        int v = *(int *)((char *)&raw + counts[i].off);
        if (v > 1000000) {
            char kp[340];
            ss_cfg_join(kp, sizeof kp, path, counts[i].key);
            ss_cfg_at(ctx, ss_node_get(n, counts[i].key), kp,
                      "expected at most 1000000 calls, got %d", v);
        }
    }
    if (ss_diag_errors(ctx->diag) != errors)
        return;
    *out = raw;
    out->on = true;
}
