/*
 * sim/scenario/sc_components.c -- components: each by its kind's parameter table,
 * plus the keys every component has (placement, instance_type,
 * price_per_hour).
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


const ss_param *param_named(const ss_param *t, const char *name)
{
    for (; t && t->name; t++)
        if (strcmp(t->name, name) == 0)
            return t;
    return NULL;
}

void mark_broken(ss_scenario *sc, const char *name)
{
    if (sc->n_broken < SS_MAX_COMPONENTS)
        sc->broken[sc->n_broken++] = own_str(sc, name);
}

bool is_broken(const ss_scenario *sc, const char *name)
{
    for (int i = 0; i < sc->n_broken; i++)
        if (strcmp(sc->broken[i], name) == 0)
            return true;
    return false;
}

void build_components(ss_cfgctx *ctx, const ss_node *root)
{
    ss_scenario *sc = ctx->sc;
    const ss_node *comps = ss_node_get(root, "components");
    if (!comps || comps->type != SS_NODE_MAP || comps->n_pairs == 0) {
        ss_cfg_expected(ctx, comps ? comps : root, "components", "a mapping of named components like {app: {kind: app_server, service: exp(8ms)}}", comps);
        return;
    }
    const char *kinds[32];
    size_t n_kinds = 0;
    char list[300] = "";
    for (size_t i = 0; i < ctx->kinds->n && n_kinds < 32; i++) {
        kinds[n_kinds++] = ctx->kinds->ops[i]->kind;
        if (strlen(list) + strlen(ctx->kinds->ops[i]->kind) + 3 < sizeof list) {
            strcat(list, i ? ", " : "");
            strcat(list, ctx->kinds->ops[i]->kind);
        }
    }
    for (size_t i = 0; i < comps->n_pairs; i++) {
        const ss_node_pair *p = &comps->pairs[i];
        char path[300];
        ss_cfg_join(path, sizeof path, "components", p->key);
        if (!valid_name(p->key)) {
            ss_node at = {.mark = p->key_mark};
            ss_cfg_at(ctx, &at, path, "expected a name of letters, digits, '-' and '_' "
                      "(dots and brackets are for fault targets)");
            mark_broken(sc, p->key);
            continue;
        }
        if (sc->n_comps == SS_MAX_COMPONENTS) {
            ss_cfg_at(ctx, p->value, path, "more than %d components", SS_MAX_COMPONENTS);
            return;
        }
        const ss_node *v = p->value;
        if (v->type != SS_NODE_MAP) {
            ss_cfg_expected(ctx, v, path, "a mapping like {kind: app_server, service: exp(8ms)}", v);
            mark_broken(sc, p->key);
            continue;
        }
        const ss_node *kind = ss_node_get(v, "kind");
        char kpath[320];
        ss_cfg_join(kpath, sizeof kpath, path, "kind");
        if (!kind) {
            ss_cfg_at(ctx, v, kpath, "missing (one of %s)", list);
            mark_broken(sc, p->key);
            continue;
        }
        if (!ss_cfg_scalar(ctx, kind, kpath, "a component kind")) {
            mark_broken(sc, p->key);
            continue;
        }
        const ss_model_ops *ops = ss_kinds_find(ctx->kinds, kind->str);
        if (!ops) {
            const char *hint = ss_cfg_suggest(kind->str, kinds, n_kinds);
            if (hint)
                ss_cfg_at(ctx, kind, kpath, "expected one of %s, got \"%s\" (did you mean %s?)",
                          list, kind->str, hint);
            else
                ss_cfg_at(ctx, kind, kpath, "expected one of %s, got \"%s\"", list, kind->str);
            mark_broken(sc, p->key);
            continue;
        }
        if (ops->resolve)
            for (int k = 0; k < sc->n_comps; k++)
                if (sc->comps[k].ops->resolve) {
                    ss_cfg_at(ctx, kind, kpath, "a scenario has one resolver, and \"%s\" is "
                              "one already", sc->comps[k].name);
                    mark_broken(sc, p->key);
                    ops = NULL;
                    break;
                }
        if (!ops)
            continue;
        ss_component *c = &sc->comps[sc->n_comps++];
        c->name = own_str(sc, p->key);
        c->ops = ops;
        c->mark = p->key_mark;
        c->placement = -1;
        c->cfg = ss_scenario_own(sc, ss_calloc(1, ops->cfg_size ? ops->cfg_size : 1));
        typedef struct common {
            char *placement, *instance_type;
            double price;
        } common;
        static const ss_param common_params[] = {
            {"placement", SS_P_STRING, offsetof(common, placement), 0, NULL, 0, 0,
             "the datacenter this component lives in (default: a copy in each)"},
            {"instance_type", SS_P_STRING, offsetof(common, instance_type), 0, NULL, 0, 0,
             "an instance type of the pricing file"},
            {"price_per_hour", SS_P_MONEY, offsetof(common, price), 0, NULL, 0, 0,
             "dollars per instance per hour, instead of an instance_type"},
            {0},
        };
        /* keys every kind takes that are not plain values */
        static const char *const common_structs[] = {"breaker"};
        const char *accepted[48];
        size_t na = 0;
        for (const ss_param *q = common_params; q->name; q++)
            accepted[na++] = q->name;
        for (size_t q = 0; q < sizeof common_structs / sizeof *common_structs; q++)
            accepted[na++] = common_structs[q];
        accepted[na++] = "kind";
        accepted[na++] = "description";
        accepted[na] = NULL;
        common cm = {0};
        ctx->map = v;
        snprintf(ctx->path, sizeof ctx->path, "%s", path);
        ss_cfg_table(ctx, ops->params, v, path, c->cfg, accepted);
        /* The common keys, read without a second unknown-key pass. */
        for (const ss_param *q = common_params; q->name; q++) {
            const ss_node *cv = ss_node_get(v, q->name);
            char cp[320];
            ss_cfg_join(cp, sizeof cp, path, q->name);
            if (cv)
                ss_cfg_value(ctx, q, cv, cp, (char *)&cm + q->offset);
        }
        {
            char bp[320];
            ss_cfg_join(bp, sizeof bp, path, "breaker");
            build_breaker(ctx, ss_node_get(v, "breaker"), bp, &c->breaker);
        }
        c->instance_type = cm.instance_type;
        c->price_per_hour = cm.price;
        if (cm.instance_type && ss_node_get(v, "price_per_hour"))
            ss_cfg_at(ctx, ss_node_get(v, "price_per_hour"), path,
                      "give instance_type or price_per_hour, not both");
        if (cm.placement) {
            const ss_node *pv = ss_node_get(v, "placement");
            c->placement = -2;
            for (int d = 0; d < sc->n_dcs; d++)
                if (strcmp(sc->dcs[d].name, cm.placement) == 0)
                    c->placement = d;
            if (c->placement == -2) {
                char pp[320];
                ss_cfg_join(pp, sizeof pp, path, "placement");
                const char *names[SS_MAX_REGIONS];
                for (int d = 0; d < sc->n_dcs; d++)
                    names[d] = sc->dcs[d].name;
                const char *hint = ss_cfg_suggest(cm.placement, names, (size_t)sc->n_dcs);
                ss_cfg_at(ctx, pv, pp, "no datacenter named \"%s\"%s%s%s", cm.placement,
                          hint ? " (did you mean " : "", hint ? hint : "", hint ? "?)" : "");
                c->placement = -1;
            }
        }
        ctx->copies = (ops->flags & SS_MODEL_SPANS_DCS) || c->placement >= 0 ? 1 : sc->n_dcs;
        if (ops->check)
            ops->check(c->cfg, ctx);
        ctx->map = NULL;
        ctx->path[0] = '\0';
    }
}
