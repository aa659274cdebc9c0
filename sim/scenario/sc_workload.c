/*
 * sim/scenario/sc_workload.c -- the workload: users or arrivals, keys, request
 * classes with their routes and own service times, the rate profile.
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


/* workload.keys: {count: 1M, popularity: zipf(0.99) | uniform} */
bool build_keys(ss_cfgctx *ctx, const ss_node *n, const char *path, ss_keys *k)
{
    k->count = 1000000;
    k->popularity = SS_POP_UNIFORM;
    k->zipf_s = 0;
    if (!n)
        return true;
    if (n->type != SS_NODE_MAP) {
        ss_cfg_expected(ctx, n, path, "a mapping like {count: 1M, popularity: zipf(0.99)}", n);
        return false;
    }
    static const char *const keys[] = {"count", "popularity", NULL};
    ss_cfg_unknown_keys(ctx, n, path, NULL, keys);
    bool ok = true;
    const ss_node *c = ss_node_get(n, "count");
    if (c) {
        ss_param p = {"count", SS_P_COUNT, 0, SS_PF_POSITIVE, 0, 0, 0, 0};
        int64_t v = 0;
        char cp[300];
        ss_cfg_join(cp, sizeof cp, path, "count");
        if (ss_cfg_value(ctx, &p, c, cp, &v))
            k->count = (uint64_t)v;
        else
            ok = false;
    }
    const ss_node *pop = ss_node_get(n, "popularity");
    if (pop) {
        char pp[300];
        ss_cfg_join(pp, sizeof pp, path, "popularity");
        double s;
        const char *t = pop->str;
        size_t tl = strlen(t);
        if (pop->type != SS_NODE_SCALAR) {
            ss_cfg_expected(ctx, pop, pp, "uniform or zipf(S) like zipf(0.99)", pop);
            ok = false;
        } else if (strcmp(t, "uniform") == 0) {
            k->popularity = SS_POP_UNIFORM;
        } else if (strncmp(t, "zipf(", 5) == 0 && tl > 6 && t[tl - 1] == ')') {
            char num[64];
            snprintf(num, sizeof num, "%.*s", (int)(tl - 6), t + 5);
            if (!ss_units_number(num, &s) || !(s > 0 && s <= 10)) {
                ss_cfg_at(ctx, pop, pp, "expected a zipf exponent between 0 and 10 like "
                          "zipf(0.99), got \"%s\"", t);
                ok = false;
            } else {
                k->popularity = SS_POP_ZIPF;
                k->zipf_s = s;
            }
        } else {
            ss_cfg_expected(ctx, pop, pp, "uniform or zipf(S) like zipf(0.99)", pop);
            ok = false;
        }
    }
    return ok;
}

static void build_route(ss_cfgctx *ctx, const ss_node *r, const char *path, ss_class *cl)
{
    ss_scenario *sc = ctx->sc;
    char rp[320];
    ss_cfg_join(rp, sizeof rp, path, "route");
    if (!r) {
        ss_cfg_at(ctx, ctx->map, rp, "missing (expected a list of components like [lb, app, db])");
        return;
    }
    if (r->type != SS_NODE_SEQ || r->n_items == 0) {
        ss_cfg_expected(ctx, r, rp, "a list of components like [lb, app, db]", r);
        return;
    }
    if (r->n_items > SS_ROUTE_MAX) {
        ss_cfg_at(ctx, r, rp, "expected at most %d components, got %zu", SS_ROUTE_MAX,
                  r->n_items);
        return;
    }
    const char *names[SS_MAX_COMPONENTS];
    for (int i = 0; i < sc->n_comps; i++)
        names[i] = sc->comps[i].name;
    for (size_t i = 0; i < r->n_items; i++) {
        const ss_node *it = r->items[i];
        char ip[360];
        snprintf(ip, sizeof ip, "%s[%zu]", rp, i);
        if (!ss_cfg_scalar(ctx, it, ip, "a component name"))
            return;
        int c = ss_scenario_find_component(sc, it->str);
        if (c < 0 && is_broken(sc, it->str))
            return; /* its definition's error says it all */
        if (c < 0) {
            const char *hint = ss_cfg_suggest(it->str, names, (size_t)sc->n_comps);
            ss_cfg_at(ctx, it, ip, "no component named \"%s\"%s%s%s", it->str,
                      hint ? " (did you mean " : "", hint ? hint : "", hint ? "?)" : "");
            return;
        }
        const ss_model_ops *ops = sc->comps[c].ops;
        if (ops->flags & SS_MODEL_NO_ROUTE) {
            ss_cfg_at(ctx, it, ip, "\"%s\" is of kind %s: it is not visited in a route", it->str,
                      ops->kind);
            return;
        }
        if ((ops->flags & SS_MODEL_FIRST) && i != 0) {
            ss_cfg_at(ctx, it, ip, "\"%s\" is of kind %s: it can only start a route", it->str,
                      ops->kind);
            return;
        }
        cl->route[cl->n_route++] = c;
    }
}

/* requests.NAME.service: {COMPONENT: DIST, ...}, this class's own service
 * time at components of its route (SPEC 4.1), instead of theirs. */
static void build_class_service(ss_cfgctx *ctx, const ss_node *v, const char *path, ss_class *cl)
{
    if (!v)
        return;
    ss_scenario *sc = ctx->sc;
    char sp[320];
    ss_cfg_join(sp, sizeof sp, path, "service");
    if (v->type != SS_NODE_MAP || v->n_pairs == 0) {
        ss_cfg_expected(ctx, v, sp, "a mapping of components to service times like {app: exp(30ms)}", v);
        return;
    }
    cl->service = ss_scenario_own(sc, ss_calloc(v->n_pairs, sizeof *cl->service));
    for (size_t i = 0; i < v->n_pairs; i++) {
        const ss_node_pair *p = &v->pairs[i];
        char cp[400];
        ss_cfg_join(cp, sizeof cp, sp, p->key);
        ss_node at = {.mark = p->key_mark};
        int c = ss_scenario_find_component(sc, p->key);
        bool in_route = false;
        for (int k = 0; k < cl->n_route; k++)
            in_route |= cl->route[k] == c;
        if (c < 0 && is_broken(sc, p->key))
            continue;
        if (c < 0 || !in_route) {
            const char *names[SS_ROUTE_MAX];
            for (int k = 0; k < cl->n_route; k++)
                names[k] = sc->comps[cl->route[k]].name;
            const char *hint = ss_cfg_suggest(p->key, names, (size_t)cl->n_route);
            ss_cfg_at(ctx, &at, cp, "%s \"%s\" in this class's route%s%s%s",
                      c < 0 ? "no component named" : "no component", p->key,
                      hint ? " (did you mean " : "", hint ? hint : "", hint ? "?)" : "");
            continue;
        }
        if (!param_named(sc->comps[c].ops->params, "service")) {
            ss_cfg_at(ctx, &at, cp, "\"%s\" is of kind %s, which has no service time to "
                      "override", p->key, sc->comps[c].ops->kind);
            continue;
        }
        ss_class_service *s = &cl->service[cl->n_service];
        if (!ss_cfg_dist(ctx, p->value, cp, &s->dist))
            continue;
        s->comp = c;
        cl->n_service++;
    }
}

static void build_classes(ss_cfgctx *ctx, const ss_node *reqs)
{
    ss_scenario *sc = ctx->sc;
    ss_workload *wl = &sc->wl;
    if (!reqs || reqs->type != SS_NODE_MAP || reqs->n_pairs == 0) {
        ss_cfg_expected(ctx, reqs ? reqs : ctx->map, "workload.requests", "a mapping of request classes like {read: {weight: 90, route: [app, db]}}", reqs);
        return;
    }
    static const char *const ops[] = {"read", "write", NULL};
    static const ss_param class_params[] = {
        {"weight", SS_P_NUMBER, offsetof(ss_class, weight), SS_PF_NONNEG, "1", 0, 0,
         "relative share of requests"},
        {"op", SS_P_ENUM, offsetof(ss_class, op), 0, "read", ops, 0, "read or write"},
        {"size", SS_P_SIZE, offsetof(ss_class, size_bytes), 0, "0B", 0, 0,
         "response size (CDN egress)"},
        {0},
    };
    static const char *const extra[] = {"route", "keys", "service", "retry", NULL};
    double total = 0;
    int errors_before = ss_diag_errors(ctx->diag);
    for (size_t i = 0; i < reqs->n_pairs; i++) {
        const ss_node_pair *p = &reqs->pairs[i];
        char path[300];
        ss_cfg_join(path, sizeof path, "workload.requests", p->key);
        if (wl->n_classes == SS_MAX_CLASSES) {
            ss_cfg_at(ctx, p->value, path, "more than %d request classes", SS_MAX_CLASSES);
            return;
        }
        if (p->value->type != SS_NODE_MAP) {
            ss_cfg_expected(ctx, p->value, path, "a mapping like {weight: 90, op: read, route: [app, db]}", p->value);
            continue;
        }
        ss_class *cl = &wl->classes[wl->n_classes++];
        cl->name = own_str(sc, p->key);
        const ss_node *saved = ctx->map;
        ctx->map = p->value;
        ss_cfg_table(ctx, class_params, p->value, path, cl, extra);
        build_route(ctx, ss_node_get(p->value, "route"), path, cl);
        build_class_service(ctx, ss_node_get(p->value, "service"), path, cl);
        const ss_node *k = ss_node_get(p->value, "keys");
        if (k) {
            char kp[320];
            ss_cfg_join(kp, sizeof kp, path, "keys");
            cl->own_keys = build_keys(ctx, k, kp, &cl->keys);
        }
        char rp[320];
        ss_cfg_join(rp, sizeof rp, path, "retry");
        cl->own_retry = build_retry(ctx, ss_node_get(p->value, "retry"), rp, &cl->retry);
        ctx->map = saved;
        total += cl->weight;
    }
    if (wl->n_classes > 0 && !(total > 0) && ss_diag_errors(ctx->diag) == errors_before)
        ss_cfg_at(ctx, reqs, "workload.requests", "the weights sum to zero");
}

static void build_profile(ss_cfgctx *ctx, const ss_node *pr)
{
    ss_workload *wl = &ctx->sc->wl;
    const char *path = "workload.profile";
    if (pr->type != SS_NODE_SEQ || pr->n_items == 0) {
        ss_cfg_expected(ctx, pr, path, "a list of [time, rate] points like [[0s, 100/s], [5m, 4000/s]]", pr);
        return;
    }
    wl->profile = ss_scenario_own(ctx->sc, ss_calloc(pr->n_items, sizeof *wl->profile));
    for (size_t i = 0; i < pr->n_items; i++) {
        const ss_node *pt = pr->items[i];
        char ip[100];
        snprintf(ip, sizeof ip, "%s[%zu]", path, i);
        if (pt->type != SS_NODE_SEQ || pt->n_items != 2) {
            ss_cfg_expected(ctx, pt, ip, "a [time, rate] pair like [5m, 4000/s]", pt);
            return;
        }
        ss_param tp = {"t", SS_P_DURATION, 0, 0, 0, 0, 0, 0};
        ss_param rp = {"rate", SS_P_RATE, 0, 0, 0, 0, 0, 0};
        ss_profile_point *p = &wl->profile[wl->n_profile];
        if (!ss_cfg_value(ctx, &tp, pt->items[0], ip, &p->t) ||
            !ss_cfg_value(ctx, &rp, pt->items[1], ip, &p->rate_per_s))
            return;
        if (p->rate_per_s > 1e8) {
            ss_cfg_at(ctx, pt->items[1], ip, "expected a rate up to 1e8/s, got \"%s\"",
                      pt->items[1]->str);
            return;
        }
        if (wl->n_profile > 0 && p->t < wl->profile[wl->n_profile - 1].t) {
            ss_cfg_at(ctx, pt->items[0], ip, "expected times in increasing order, got %s after "
                      "%s", pt->items[0]->str, pr->items[i - 1]->items[0]->str);
            return;
        }
        wl->n_profile++;
    }
    double peak = 0;
    for (int i = 0; i < wl->n_profile; i++)
        peak = fmax(peak, wl->profile[i].rate_per_s);
    if (!(peak > 0))
        ss_cfg_at(ctx, pr, path, "every rate of the profile is zero");
}

void build_workload(ss_cfgctx *ctx, const ss_node *root)
{
    ss_scenario *sc = ctx->sc;
    ss_workload *wl = &sc->wl;
    const ss_node *w = ss_node_get(root, "workload");
    if (!w || w->type != SS_NODE_MAP) {
        ss_cfg_expected(ctx, w ? w : root, "workload", "a mapping with users (or rate) and requests", w);
        return;
    }
    typedef struct wl_raw {
        int64_t users, clients;
        ss_dist think;
        double rate;
        ss_time timeout;
    } wl_raw;
    static const ss_param wl_params[] = {
        {"users", SS_P_COUNT, offsetof(wl_raw, users), SS_PF_POSITIVE, "-1", 0, 0,
         "closed model: users who think, send, wait, think again"},
        {"think_time", SS_P_DIST, offsetof(wl_raw, think), 0, "exp(10s)", 0, 0,
         "closed model: time between an answer and the next request"},
        {"rate", SS_P_RATE, offsetof(wl_raw, rate), SS_PF_POSITIVE, NULL, 0, 0,
         "open model: Poisson arrivals per second"},
        {"clients", SS_P_COUNT, offsetof(wl_raw, clients), SS_PF_POSITIVE, "10k", 0, 0,
         "open model: clients the arrivals come from (each with its own DNS cache)"},
        {"timeout", SS_P_DURATION, offsetof(wl_raw, timeout), 0, "0s", 0, 0,
         "a response slower than this is an error (0: no timeout)"},
        {0},
    };
    static const char *const extra[] = {"profile", "regions", "keys", "requests", "retry", NULL};
    wl_raw raw = {0};
    const ss_node *saved = ctx->map;
    ctx->map = w;
    ss_cfg_table(ctx, wl_params, w, "workload", &raw, extra);
    const ss_node *users = ss_node_get(w, "users"), *rate = ss_node_get(w, "rate"),
                  *profile = ss_node_get(w, "profile");
    if (users && (rate || profile))
        ss_cfg_at(ctx, rate ? rate : profile, "workload", "give users (a closed model) or "
                  "%s (an open model), not both", rate ? "rate" : "profile");
    else if (rate && profile)
        ss_cfg_at(ctx, profile, "workload", "give rate or profile, not both");
    else if (!users && !rate && !profile)
        ss_cfg_at(ctx, w, "workload", "missing users (a closed model) or rate (an open model)");
    if (ss_node_get(w, "think_time") && !users && (rate || profile))
        ss_cfg_at(ctx, ss_node_get(w, "think_time"), "workload.think_time",
                  "only a closed model (users) thinks; an open model has a rate");
    wl->closed = users != NULL;
    wl->users = raw.users;
    wl->think = raw.think;
    wl->rate_per_s = raw.rate;
    wl->clients = raw.clients;
    wl->timeout = raw.timeout;
    if (wl->closed && wl->users > 10000000)
        ss_cfg_at(ctx, users, "workload.users", "expected at most 10M users, got \"%s\"",
                  users->str);
    if (raw.clients > 10000000)
        ss_cfg_at(ctx, ss_node_get(w, "clients"), "workload.clients",
                  "expected at most 10M clients, got \"%s\"", ss_node_get(w, "clients")->str);
    /* above 1e8/s arrivals come closer than 10 ns apart: not a web workload,
     * and a typo of units (1e12/s for 1e12/h?) that would eat the memory */
    if (rate && raw.rate > 1e8)
        ss_cfg_at(ctx, rate, "workload.rate", "expected at most 1e8/s, got \"%s\"", rate->str);
    if (profile)
        build_profile(ctx, profile);
    /* regions: {us-east: 0.7, eu-west: 0.3} */
    const ss_node *regs = ss_node_get(w, "regions");
    if (regs) {
        if (regs->type != SS_NODE_MAP || regs->n_pairs == 0) {
            ss_cfg_expected(ctx, regs, "workload.regions", "a mapping of region weights like {us-east: 0.7, eu-west: 0.3}", regs);
        } else {
            double total = 0;
            for (size_t i = 0; i < regs->n_pairs && wl->n_regions < SS_MAX_REGIONS; i++) {
                char rp[300];
                ss_cfg_join(rp, sizeof rp, "workload.regions", regs->pairs[i].key);
                ss_param p = {"w", SS_P_NUMBER, 0, SS_PF_NONNEG, 0, 0, 0, 0};
                double weight = 0;
                if (!ss_cfg_value(ctx, &p, regs->pairs[i].value, rp, &weight))
                    continue;
                wl->region[wl->n_regions] = ss_cfg_region(ctx, regs->pairs[i].key);
                wl->region_weight[wl->n_regions++] = weight;
                total += weight;
            }
            if (!(total > 0))
                ss_cfg_at(ctx, regs, "workload.regions", "the weights sum to zero");
        }
    }
    if (wl->n_regions == 0) {
        wl->n_regions = 1;
        wl->region[0] = sc->dcs[0].region >= 0 ? sc->dcs[0].region : 0;
        wl->region_weight[0] = 1;
    }
    build_keys(ctx, ss_node_get(w, "keys"), "workload.keys", &wl->keys);
    build_retry(ctx, ss_node_get(w, "retry"), "workload.retry", &wl->retry);
    build_classes(ctx, ss_node_get(w, "requests"));
    ctx->map = saved;
}
