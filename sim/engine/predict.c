/*
 * sim/engine/predict.c -- offered loads from the workload and the routes
 * (see predict.h). Each kind says what it is through ops->theory; this file
 * names none.
 */
#include "predict.h"

#include <stdio.h>

#include "scalesim/dist.h"

/* The mean service of class k at component c: the class's own where it has
 * one and the kind honours it, else the kind's for the class's op. */
static double service_mean(const ss_scenario *sc, int k, int c, const ss_theory_desc *d)
{
    const ss_class *cl = &sc->wl.classes[k];
    if (d->class_services)
        for (int i = 0; i < cl->n_service; i++)
            if (cl->service[i].comp == c)
                return ss_dist_mean(&cl->service[i].dist);
    const ss_dist *s = d->service[cl->op] ? d->service[cl->op] : d->service[SS_OP_READ];
    return s ? ss_dist_mean(s) : 0;
}

bool ss_predict_overloaded(const ss_scenario *sc, char *why, size_t len)
{
    const ss_workload *wl = &sc->wl;
    if (wl->closed || wl->n_profile > 0)
        return false;
    double total_w = 0;
    for (int k = 0; k < wl->n_classes; k++)
        total_w += wl->classes[k].weight;
    if (total_w <= 0)
        return false;
    double work_s[SS_MAX_COMPONENTS] = {0}; /* busy server-seconds per second */
    ss_theory_desc desc[SS_MAX_COMPONENTS];
    bool known[SS_MAX_COMPONENTS] = {0};
    for (int c = 0; c < sc->n_comps; c++) {
        desc[c] = (ss_theory_desc){.queue = -1};
        if (sc->comps[c].ops->theory) {
            sc->comps[c].ops->theory(sc->comps[c].cfg, &desc[c]);
            known[c] = true;
        }
    }
    for (int k = 0; k < wl->n_classes; k++) {
        const ss_class *cl = &wl->classes[k];
        double lambda = wl->rate_per_s * cl->weight / total_w;
        for (int p = 0; p < cl->n_route; p++) {
            int c = cl->route[p];
            if (!known[c])
                break; /* a kind without a model: what it passes on is unknown */
            work_s[c] += lambda * service_mean(sc, k, c, &desc[c]);
            if (desc[c].filters && cl->op == SS_OP_READ)
                break; /* the hit ratio is unknown: count no read past it */
        }
    }
    for (int c = 0; c < sc->n_comps; c++) {
        if (!known[c] || desc[c].servers <= 0 || desc[c].note)
            continue;
        /* copies of a component in several datacenters share the load */
        double servers = (double)desc[c].instances * desc[c].servers *
                         (sc->comps[c].placement < 0 ? sc->n_dcs : 1);
        double util = work_s[c] / servers;
        if (util >= 1) {
            snprintf(why, len, "theory: utilisation %.2f >= 1 at %s", util, sc->comps[c].name);
            return true;
        }
    }
    return false;
}
