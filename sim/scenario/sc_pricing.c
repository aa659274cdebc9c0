/*
 * sim/scenario/sc_pricing.c -- pricing files (instance types, per-use prices) and
 * the cores an instance type gives (SPEC 4.1).
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


/* Where a `pricing:` file is: next to the file that names it, else in
 * each folder of the search path (the shipped scenarios/). The paths
 * tried go into `tried` for the error when none is readable. */
static bool find_pricing(const ss_cfgctx *ctx, const ss_node *pn, char *path, size_t n,
                         char *tried, size_t tried_len, char *why, size_t why_len)
{
    relative_to(pn->mark.file, pn->str, path, n);
    snprintf(tried, tried_len, "%s", path);
    if (ss_file_readable(path, why, why_len) || pn->str[0] == '/')
        return ss_file_readable(path, why, why_len);
    for (const char *const *d = ctx->search; d && *d; d++) {
        char cand[PATH_MAX];
        snprintf(cand, sizeof cand, "%s/%s", *d, pn->str);
        size_t used = strlen(tried);
        snprintf(tried + used, tried_len - used, ", %s", cand);
        char why2[128];
        if (ss_file_readable(cand, why2, sizeof why2)) {
            snprintf(path, n, "%s", cand);
            return true;
        }
    }
    return false;
}

/* pricing.yaml: instance types with vCPUs and $/hour, per-use prices.
 * vcpus[i] receives component i's instance type's vCPUs (0 without one). */
void build_pricing(ss_cfgctx *ctx, const ss_node *root, int *vcpus)
{
    ss_scenario *sc = ctx->sc;
    const ss_node *pn = ss_node_get(root, "pricing");
    bool needs = false;
    for (int i = 0; i < sc->n_comps; i++)
        if (sc->comps[i].instance_type || sc->comps[i].ops->usage_unit)
            needs = true;
    if (!pn) {
        for (int i = 0; i < sc->n_comps; i++)
            if (sc->comps[i].instance_type) {
                const ss_node *cn = ss_node_get(ss_node_get(root, "components"), sc->comps[i].name);
                char ip[300];
                snprintf(ip, sizeof ip, "components.%s.instance_type", sc->comps[i].name);
                ss_cfg_at(ctx, ss_node_get(cn, "instance_type"), ip,
                          "an instance type needs a pricing file: add `pricing: pricing.yaml` "
                          "at the top of the scenario");
                return;
            }
        return;
    }
    if (!ss_cfg_scalar(ctx, pn, "pricing", "a pricing file name like pricing.yaml"))
        return;
    char path[PATH_MAX], tried[4 * PATH_MAX], why[128];
    bool found = find_pricing(ctx, pn, path, sizeof path, tried, sizeof tried, why, sizeof why);
    sc->pricing_file = own_str(sc, path);
    if (!needs)
        return;
    if (!found) {
        if (strchr(tried, ','))
            ss_cfg_at(ctx, pn, "pricing", "cannot read \"%s\" (tried %s): %s", pn->str, tried,
                      why);
        else
            ss_cfg_at(ctx, pn, "pricing", "cannot read \"%s\": %s", path, why);
        return;
    }
    bool ok;
    ss_scenario_add_source(sc, path);
    ss_node *pr = ss_node_load_file(path, ctx->diag, &ok);
    if (!ok)
        return;
    static const char *const top[] = {"source", "date", "currency", "instances", "per_use", NULL};
    if (!pr || pr->type != SS_NODE_MAP) {
        ss_cfg_at(ctx, pr ? pr : pn, NULL, "%s: expected a mapping with instances and per_use",
                  path);
        ss_node_free(pr);
        return;
    }
    ss_cfg_unknown_keys(ctx, pr, "", NULL, top);
    const ss_node *types = ss_node_get(pr, "instances");
    const char *names[256];
    size_t n_names = 0;
    for (size_t i = 0; types && types->type == SS_NODE_MAP && i < types->n_pairs && n_names < 256;
         i++)
        names[n_names++] = types->pairs[i].key;
    for (int i = 0; i < sc->n_comps; i++) {
        ss_component *c = &sc->comps[i];
        if (c->instance_type) {
            const ss_node *t = ss_node_get(types, c->instance_type);
            const ss_node *at = NULL;
            /* find the component's instance_type node for the error mark */
            const ss_node *cn = ss_node_get(ss_node_get(root, "components"), c->name);
            at = ss_node_get(cn, "instance_type");
            char ip[300];
            snprintf(ip, sizeof ip, "components.%s.instance_type", c->name);
            if (!t) {
                const char *hint = ss_cfg_suggest(c->instance_type, names, n_names);
                ss_cfg_at(ctx, at, ip, "\"%s\" is not an instance type of %s%s%s%s",
                          c->instance_type, path, hint ? " (did you mean " : "",
                          hint ? hint : "", hint ? "?)" : "");
                continue;
            }
            typedef struct itype {
                int vcpus;
                double memory_gb, per_hour;
            } itype;
            static const ss_param type_params[] = {
                {"vcpus", SS_P_INT, offsetof(itype, vcpus), SS_PF_POSITIVE, "1", 0, 0, 0},
                {"memory_gb", SS_P_NUMBER, offsetof(itype, memory_gb), 0, NULL, 0, 0, 0},
                {"per_hour", SS_P_MONEY, offsetof(itype, per_hour), SS_PF_REQUIRED, NULL, 0, 0,
                 "dollars per hour"},
                {0},
            };
            itype ty = {0};
            char tpath[300];
            snprintf(tpath, sizeof tpath, "instances.%s", c->instance_type);
            ss_cfg_table(ctx, type_params, t, tpath, &ty, NULL);
            c->price_per_hour = ty.per_hour;
            vcpus[i] = ty.vcpus;
        }
        if (c->ops->usage_unit) {
            const ss_node *u = ss_node_get(ss_node_get(ss_node_get(pr, "per_use"), c->ops->kind),
                                           c->ops->usage_unit);
            if (u) {
                ss_param p = {"price", SS_P_MONEY, 0, 0, 0, 0, 0, 0};
                char up[300];
                snprintf(up, sizeof up, "per_use.%s.%s", c->ops->kind, c->ops->usage_unit);
                ss_cfg_value(ctx, &p, u, up, &c->usage_price);
            }
        }
    }
    ss_node_free(pr);
}

/* SPEC 4.1: a parameter flagged SS_PF_VCPUS (a component's cores) defaults
 * to its instance type's vCPUs, 1 without a type, and may not exceed them:
 * vertical scaling is a change of instance_type, which changes capacity and
 * price together. */
void resolve_vcpus(ss_cfgctx *ctx, const ss_node *root, const int *vcpus)
{
    ss_scenario *sc = ctx->sc;
    const ss_node *comps = ss_node_get(root, "components");
    for (int i = 0; i < sc->n_comps; i++) {
        ss_component *c = &sc->comps[i];
        for (const ss_param *p = c->ops->params; p && p->name; p++) {
            if (!(p->flags & SS_PF_VCPUS) || p->type != SS_P_INT)
                continue;
            int *field = (int *)((char *)c->cfg + p->offset);
            if (*field < 0) {
                *field = vcpus[i] > 0 ? vcpus[i] : 1;
                continue;
            }
            if (vcpus[i] > 0 && *field > vcpus[i]) {
                char cp[300];
                snprintf(cp, sizeof cp, "components.%s.%s", c->name, p->name);
                ss_cfg_at(ctx, ss_node_get(ss_node_get(comps, c->name), p->name), cp,
                          "expected at most the %d vCPUs of %s, got %d (a bigger machine is a "
                          "bigger instance_type)", vcpus[i], c->instance_type, *field);
            }
        }
    }
}
