/*
 * sim/scenario/sc_faults.c -- faults and their targets: NAME, NAME[i], NAME.primary,
 * NAME.rK (what a kind declares it has) or dc.NAME.
 */
#include "sc_internal.h"

#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "files.h"
#include "scalesim/mem.h"
#include "units.h"


/* The kinds whose faults may name `what`, for an error: "database" or
 * "database or cache". */
static void kinds_with(const ss_cfgctx *ctx, ss_target what, char *buf, size_t n)
{
    size_t used = 0;
    buf[0] = '\0';
    for (size_t i = 0; i < ctx->kinds->n && used + 1 < n; i++)
        if (ctx->kinds->ops[i]->targets & (1u << what)) {
            int w = snprintf(buf + used, n - used, "%s%s", used ? " or " : "",
                             ctx->kinds->ops[i]->kind);
            used += w > 0 ? (size_t)w : 0;
        }
}

/* How many of `what` component c has (1 instance when its kind does not
 * say: NAME[0] is the one there is). */
static long target_count(const ss_cfgctx *ctx, const ss_component *c, ss_target what)
{
    if (!(c->ops->targets & (1u << what)) || !c->ops->target_count)
        return what == SS_TARGET_INSTANCE ? 1 : 0;
    return c->ops->target_count(c->cfg, ctx, what);
}

void build_faults(ss_cfgctx *ctx, const ss_node *root)
{
    ss_scenario *sc = ctx->sc;
    const ss_node *f = ss_node_get(root, "faults");
    if (!f || f->type == SS_NODE_NULL)
        return;
    if (f->type != SS_NODE_SEQ) {
        ss_cfg_expected(ctx, f, "faults", "a list of faults like [{at: 5m, target: db.primary, action: crash}]", f);
        return;
    }
    static const char *const actions[] = {"crash", "slow", "outage", NULL};
    typedef struct fault_raw {
        ss_time at, duration;
        int action;
        double factor;
        char *target;
    } fault_raw;
    static const ss_param fault_params[] = {
        {"at", SS_P_DURATION, offsetof(fault_raw, at), SS_PF_REQUIRED, NULL, 0, 0,
         "a duration like 5m"},
        {"target", SS_P_STRING, offsetof(fault_raw, target), SS_PF_REQUIRED, NULL, 0, 0,
         "NAME, NAME[i], NAME.primary, NAME.rK or dc.NAME"},
        {"action", SS_P_ENUM, offsetof(fault_raw, action), SS_PF_REQUIRED, NULL, actions, 0,
         "crash, slow or outage"},
        {"duration", SS_P_DURATION, offsetof(fault_raw, duration), 0, "0s", 0, 0,
         "how long it lasts (0: for good)"},
        {"factor", SS_P_NUMBER, offsetof(fault_raw, factor), SS_PF_POSITIVE, "1", 0, 0,
         "slow: service times are multiplied by it (at most 1e6)"},
        {0},
    };
    sc->faults = ss_scenario_own(sc, ss_calloc(f->n_items + 1, sizeof *sc->faults));
    for (size_t i = 0; i < f->n_items; i++) {
        const ss_node *it = f->items[i];
        char path[64];
        snprintf(path, sizeof path, "faults[%zu]", i);
        if (it->type != SS_NODE_MAP) {
            ss_cfg_expected(ctx, it, path, "a mapping like {at: 5m, target: app, action: crash}", it);
            continue;
        }
        fault_raw raw = {0};
        raw.action = -1;
        int errs = ss_diag_errors(ctx->diag);
        const ss_node *saved = ctx->map;
        ctx->map = it;
        ss_cfg_table(ctx, fault_params, it, path, &raw, NULL);
        ctx->map = saved;
        if (ss_diag_errors(ctx->diag) != errs || !raw.target)
            continue;
        ss_fault *ft = &sc->faults[sc->n_faults];
        ft->at = raw.at;
        ft->duration = raw.duration;
        ft->action = (ss_fault_action)raw.action;
        ft->factor = raw.factor;
        ft->component = -1;
        ft->instance = -1;
        ft->replica = -1;
        ft->dc = -1;
        const ss_node *tn = ss_node_get(it, "target");
        char tp[80];
        snprintf(tp, sizeof tp, "%s.target", path);
        const char *t = raw.target;
        if (strncmp(t, "dc.", 3) == 0) {
            for (int d = 0; d < sc->n_dcs; d++)
                if (strcmp(sc->dcs[d].name, t + 3) == 0)
                    ft->dc = d;
            if (ft->dc < 0) {
                ss_cfg_at(ctx, tn, tp, "no datacenter named \"%s\"", t + 3);
                continue;
            }
            if (ft->action != SS_FAULT_OUTAGE) {
                ss_cfg_at(ctx, ss_node_get(it, "action"), path,
                          "a datacenter target takes action: outage");
                continue;
            }
        } else {
            char name[128];
            size_t nl = strcspn(t, ".[");
            snprintf(name, sizeof name, "%.*s", (int)(nl < 127 ? nl : 127), t);
            ft->component = ss_scenario_find_component(sc, name);
            if (ft->component < 0 && is_broken(sc, name))
                continue;
            if (ft->component < 0) {
                const char *names[SS_MAX_COMPONENTS];
                for (int c = 0; c < sc->n_comps; c++)
                    names[c] = sc->comps[c].name;
                const char *hint = ss_cfg_suggest(name, names, (size_t)sc->n_comps);
                ss_cfg_at(ctx, tn, tp, "no component named \"%s\"%s%s%s (targets are NAME, "
                          "NAME[i], NAME.primary or dc.NAME)", name, hint ? "; did you mean " : "",
                          hint ? hint : "", hint ? "?" : "");
                continue;
            }
            const char *rest = t + nl;
            const ss_component *c = &sc->comps[ft->component];
            char *rend = NULL;
            long rk = strncmp(rest, ".r", 2) == 0 && rest[2] >= '0' && rest[2] <= '9'
                          ? strtol(rest + 2, &rend, 10)
                          : -1;
            if (rk >= 0 && rend && *rend == '\0') {
                if (!(c->ops->targets & (1u << SS_TARGET_REPLICA))) {
                    char who[200];
                    kinds_with(ctx, SS_TARGET_REPLICA, who, sizeof who);
                    ss_cfg_at(ctx, tn, tp, "\"%s\" is of kind %s: only a %s has replicas", name,
                              c->ops->kind, who);
                    continue;
                }
                long n = target_count(ctx, c, SS_TARGET_REPLICA);
                if (rk < 1 || rk > n) {
                    ss_cfg_at(ctx, tn, tp, "\"%s\" has %ld replica%s (r1 to r%ld), got %s", name,
                              n, n == 1 ? "" : "s", n, rest + 1);
                    continue;
                }
                ft->replica = (int)rk;
            } else if (strcmp(rest, ".primary") == 0) {
                if (!(c->ops->targets & (1u << SS_TARGET_PRIMARY))) {
                    char who[200];
                    kinds_with(ctx, SS_TARGET_PRIMARY, who, sizeof who);
                    ss_cfg_at(ctx, tn, tp, "\"%s\" is of kind %s: only a %s has a primary",
                              name, c->ops->kind, who);
                    continue;
                }
                ft->primary = true;
            } else if (rest[0] == '[') {
                char *end;
                long idx = strtol(rest + 1, &end, 10);
                /* what NAME[i] counts is the kind's: instances, a
                 * database's shards, a CDN's edges */
                long n = target_count(ctx, c, SS_TARGET_INSTANCE);
                if (end == rest + 1 || strcmp(end, "]") != 0 || idx < 0) {
                    ss_cfg_at(ctx, tn, tp, "expected NAME[i] with i a whole number, got \"%s\"",
                              t);
                    continue;
                }
                if (idx >= n) {
                    ss_cfg_at(ctx, tn, tp, "\"%s\" has %ld instance%s (0 to %ld), got [%ld]", name,
                              n, n == 1 ? "" : "s", n - 1, idx);
                    continue;
                }
                ft->instance = (int)idx;
            } else if (*rest) {
                ss_cfg_at(ctx, tn, tp, "expected NAME, NAME[i], NAME.primary or dc.NAME, got "
                          "\"%s\"", t);
                continue;
            }
            if (ft->action == SS_FAULT_OUTAGE) {
                ss_cfg_at(ctx, ss_node_get(it, "action"), path,
                          "outage is for a datacenter (target: dc.NAME); a component crashes");
                continue;
            }
        }
        if (ft->action == SS_FAULT_SLOW && !ss_node_get(it, "factor"))
            ss_cfg_at(ctx, it, path, "slow needs a factor, as in {action: slow, factor: 5}");
        if (ft->factor > 1e6) {
            char fp[80];
            snprintf(fp, sizeof fp, "%s.factor", path);
            ss_cfg_at(ctx, ss_node_get(it, "factor"), fp, "expected a factor up to 1e6, got \"%s\"",
                      ss_node_get(it, "factor")->str);
        }
        sc->n_faults++;
    }
}
