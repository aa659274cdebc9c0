/* sim/scenario/registry.c -- the table of component kinds (see registry.h). */
#include "registry.h"

#include <stdio.h>
#include <string.h>

#include "scalesim/mem.h"

#define SS_MODEL(kind) extern const ss_model_ops ss_model_##kind;
#include "models.def"
#undef SS_MODEL

static const ss_kinds builtin = {
    {
#define SS_MODEL(kind) &ss_model_##kind,
#include "models.def"
#undef SS_MODEL
    },
#define SS_MODEL(kind) +1
    0
#include "models.def"
#undef SS_MODEL
};

const ss_kinds *ss_kinds_builtin(void)
{
    return &builtin;
}

ss_kinds *ss_kinds_new(void)
{
    ss_kinds *k = ss_malloc(sizeof *k);
    *k = builtin;
    return k;
}

void ss_kinds_free(ss_kinds *k)
{
    ss_free(k);
}

static bool valid_kind_name(const char *s)
{
    if (!s || !*s || strlen(s) > 40)
        return false;
    for (; *s; s++)
        if (!((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') || *s == '_'))
            return false;
    return true;
}

ss_status ss_kinds_check(const ss_model_ops *m, char *why, size_t n)
{
    const char *kind = m && m->kind ? m->kind : "?";
#define REFUSE(...)                                                                       \
    do {                                                                                  \
        int k_ = snprintf(why, n, "kind %s: ", kind);                                     \
        if (k_ > 0 && (size_t)k_ < n)                                                     \
            snprintf(why + k_, n - (size_t)k_, __VA_ARGS__);                              \
        return SS_INVALID;                                                                \
    } while (0)
    if (!m)
        REFUSE("no ops table");
    if (!valid_kind_name(m->kind))
        REFUSE("a kind is named by lowercase letters, digits and '_'");
    if (!m->init)
        REFUSE("init is required (it sets up the state of each copy)");
    if (m->cfg_size && !m->params)
        REFUSE("a configuration (cfg_size) needs a parameter table");
    bool routable = !(m->flags & SS_MODEL_NO_ROUTE);
    if (routable && !m->request)
        REFUSE("a kind that can be in a route needs request");
    if (routable && !m->pick && !m->station)
        REFUSE("a kind that can be in a route needs pick or station (which instance takes "
               "a request)");
    if (!routable && !m->resolve)
        REFUSE("a kind that is never in a route must resolve (it would do nothing)");
    if (m->resolve && routable)
        REFUSE("a resolver is never in a route (flags: SS_MODEL_NO_ROUTE)");
    if (m->usage_unit && !(m->usage_scale > 0))
        REFUSE("a usage_unit needs a usage_scale > 0");
    for (const ss_kfig_def *d = m->figures; d && d->name; d++) {
        if (d->type == SS_KF_DERIVED && !d->derive)
            REFUSE("figure %s: a derived figure needs derive", d->name);
        if (d->type == SS_KF_QUANTILE && !(d->q > 0 && d->q <= 1))
            REFUSE("figure %s: a quantile needs q in (0, 1]", d->name);
    }
    /* a derived figure reads the table by index: per-datacenter figures,
     * which take several slots, must come after every other one */
    bool per_dc_seen = false;
    for (const ss_kfig_def *d = m->figures; d && d->name; d++) {
        if (per_dc_seen && !(d->flags & SS_KF_PER_DC))
            REFUSE("figure %s: per-datacenter figures come last", d->name);
        per_dc_seen |= (d->flags & SS_KF_PER_DC) != 0;
    }
#undef REFUSE
    return SS_OK;
}

ss_status ss_kinds_add(ss_kinds *k, const ss_model_ops *ops, char *why, size_t n)
{
    ss_status st = ss_kinds_check(ops, why, n);
    if (st)
        return st;
    if (ss_kinds_find(k, ops->kind)) {
        snprintf(why, n, "kind %s: there is one of that name already", ops->kind);
        return SS_INVALID;
    }
    if (k->n == SS_KINDS_MAX) {
        snprintf(why, n, "kind %s: more than %d kinds", ops->kind, SS_KINDS_MAX);
        return SS_INVALID;
    }
    k->ops[k->n++] = ops;
    return SS_OK;
}

const ss_model_ops *ss_kinds_find(const ss_kinds *k, const char *kind)
{
    for (size_t i = 0; i < k->n; i++)
        if (strcmp(k->ops[i]->kind, kind) == 0)
            return k->ops[i];
    return NULL;
}
