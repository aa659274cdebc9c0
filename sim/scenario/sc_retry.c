/*
 * sim/scenario/sc_retry.c -- `retry` of the workload or of a request class
 * (SPEC.md 4.5): {attempts: 3, on: [timeout, down], backoff: {base: 50ms,
 * cap: 2s, jitter: full}, budget: 10%}.
 */
#include "sc_internal.h"

#include <stdio.h>
#include <string.h>

static const char *const fail_names[] = {
#define XX(id, name) name,
    SS_FAIL_MAP(XX)
#undef XX
    NULL,
};

/* Every failure a retry may answer: all but "none". */
#define RETRY_ON_ALL (((1u << SS_FAIL_KINDS) - 1) & ~(1u << SS_FAIL_NONE))

void ss_retry_off(ss_retry *r)
{
    *r = (ss_retry){.attempts = 1, .on = RETRY_ON_ALL, .budget = -1};
}

/* `on`: a name or a list of names of failures (not "none"). */
static unsigned build_on(ss_cfgctx *ctx, const ss_node *on, const char *path)
{
    const char *want = "a list of failures like [timeout, rejected, down, error, limited]";
    if (on->type == SS_NODE_MAP || (on->type == SS_NODE_SEQ && on->n_items == 0)) {
        ss_cfg_expected(ctx, on, path, want, on);
        return 0;
    }
    unsigned mask = 0;
    size_t n = on->type == SS_NODE_SEQ ? on->n_items : 1;
    for (size_t i = 0; i < n; i++) {
        const ss_node *it = on->type == SS_NODE_SEQ ? on->items[i] : on;
        if (!ss_cfg_scalar(ctx, it, path, want))
            return 0;
        int k = 1; /* not "none" */
        while (fail_names[k] && strcmp(fail_names[k], it->str) != 0)
            k++;
        if (!fail_names[k]) {
            const char *hint = ss_cfg_suggest(it->str, fail_names + 1, SS_FAIL_KINDS - 1);
            ss_cfg_at(ctx, it, path, "expected one of timeout, rejected, down, error, limited, "
                      "got \"%s\"%s%s%s", it->str, hint ? " (did you mean " : "",
                      hint ? hint : "", hint ? "?)" : "");
            return 0;
        }
        mask |= 1u << k;
    }
    return mask;
}

bool build_retry(ss_cfgctx *ctx, const ss_node *n, const char *path, ss_retry *out)
{
    ss_retry_off(out);
    if (!n)
        return false;
    if (n->type != SS_NODE_MAP) {
        ss_cfg_expected(ctx, n, path, "a mapping like {attempts: 3, backoff: {base: 50ms}}", n);
        return false;
    }
    typedef struct backoff_raw {
        ss_time base, cap;
        int jitter;
    } backoff_raw;
    typedef struct retry_raw {
        int attempts;
        backoff_raw backoff;
        double budget;
    } retry_raw;
    static const char *const jitters[] = {"none", "full", "equal", "decorrelated", NULL};
    static const ss_param backoff_params[] = {
        {"base", SS_P_DURATION, offsetof(backoff_raw, base), SS_PF_POSITIVE, "50ms", 0, 0,
         "the first backoff; it doubles with each retry"},
        {"cap", SS_P_DURATION, offsetof(backoff_raw, cap), SS_PF_POSITIVE, "2s", 0, 0,
         "the longest backoff"},
        {"jitter", SS_P_ENUM, offsetof(backoff_raw, jitter), 0, "full", jitters, 0,
         "none, full, equal or decorrelated (the AWS backoff study)"},
        {0},
    };
    static const ss_param retry_params[] = {
        {"attempts", SS_P_INT, offsetof(retry_raw, attempts), SS_PF_POSITIVE, "3", 0, 0,
         "attempts in all, the first included (1: no retries)"},
        {"backoff", SS_P_STRUCT, offsetof(retry_raw, backoff), 0, NULL, 0, backoff_params,
         "the wait before each retry"},
        {"budget", SS_P_PROB, offsetof(retry_raw, budget), 0, NULL, 0, 0,
         "retries at most this share of first attempts (a token bucket); unset: no cap"},
        {0},
    };
    static const char *const extra[] = {"on", NULL};
    retry_raw raw = {.budget = -1};
    int errors = ss_diag_errors(ctx->diag);
    ss_cfg_table(ctx, retry_params, n, path, &raw, extra);
    const ss_node *on = ss_node_get(n, "on");
    if (on) {
        char op[340];
        ss_cfg_join(op, sizeof op, path, "on");
        out->on = build_on(ctx, on, op);
    }
    if (raw.attempts > 100) {
        char ap[340];
        ss_cfg_join(ap, sizeof ap, path, "attempts");
        ss_cfg_at(ctx, ss_node_get(n, "attempts"), ap, "expected at most 100 attempts, got %d",
                  raw.attempts);
    }
    if (raw.backoff.cap < raw.backoff.base) {
        char bp[340];
        ss_cfg_join(bp, sizeof bp, path, "backoff.cap");
        const ss_node *b = ss_node_get(n, "backoff");
        const ss_node *c = b ? ss_node_get(b, "cap") : NULL;
        ss_cfg_at(ctx, c ? c : n, bp, "expected a cap at least the base (%.0f ms), got %.0f ms",
                  ss_time_to_s(raw.backoff.base) * 1e3, ss_time_to_s(raw.backoff.cap) * 1e3);
    }
    if (ss_diag_errors(ctx->diag) != errors)
        return false;
    out->attempts = raw.attempts;
    out->base = raw.backoff.base;
    out->cap = raw.backoff.cap;
    out->jitter = raw.backoff.jitter;
    out->budget = raw.budget;
    return true;
}
