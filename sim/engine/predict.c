/*
 * sim/engine/predict.c -- offered loads from the workload and the routes,
 * and theory's figures for them (see predict.h). Each kind says what it is
 * through ops->theory; this file names none.
 */
#include "predict.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "scalesim/dist.h"
#include "scalesim/mem.h"

/* The service of class k at component c: the class's own where it has one
 * and the kind honours it, else the kind's for the class's op. */
static const ss_dist *service_dist(const ss_scenario *sc, int k, int c, const ss_theory_desc *d)
{
    const ss_class *cl = &sc->wl.classes[k];
    if (d->class_services)
        for (int i = 0; i < cl->n_service; i++)
            if (cl->service[i].comp == c)
                return &cl->service[i].dist;
    return d->service[cl->op] ? d->service[cl->op] : d->service[SS_OP_READ];
}

static double service_mean(const ss_scenario *sc, int k, int c, const ss_theory_desc *d)
{
    const ss_dist *s = service_dist(sc, k, c, d);
    return s ? ss_dist_mean(s) : 0;
}

static void describe(const ss_scenario *sc, ss_theory_desc *desc, bool *known)
{
    for (int c = 0; c < sc->n_comps; c++) {
        desc[c] = (ss_theory_desc){.queue = -1};
        known[c] = sc->comps[c].ops->theory != NULL;
        if (known[c])
            sc->comps[c].ops->theory(sc->comps[c].cfg, &desc[c]);
    }
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
    bool known[SS_MAX_COMPONENTS];
    describe(sc, desc, known);
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

/* ---- the prediction --------------------------------------------------------- */

/* What reaches one station, summed over classes and positions: visits per
 * second (open) or per request (closed), and visits x E[S], x E[S^2]. */
typedef struct load {
    double visits, m1, m2;
} load;

/* Everything the walk over the routes and the stations share. */
typedef struct eval {
    const ss_scenario *sc;
    ss_theory_pred *p;
    ss_theory_desc desc[SS_MAX_COMPONENTS];
    bool known[SS_MAX_COMPONENTS];
    bool usable[SS_MAX_COMPONENTS];  /* theory can put numbers to it       */
    double hit[SS_MAX_COMPONENTS];   /* a filter's share of reads answered */
    double block[SS_MAX_COMPONENTS]; /* share of arrivals rejected         */
    load ld[SS_MAX_COMPONENTS];
    double class_rate[SS_MAX_CLASSES];
    bool lost[SS_MAX_CLASSES];       /* its route reaches a station theory
                                        cannot model                      */
    bool network_known;              /* one region: hop and client means  */
    char base_note[SS_MAX_COMPONENTS][160]; /* before the fixed point's rounds */
    bool base_exact[SS_MAX_COMPONENTS];
} eval;

static void add_note(ss_theory_station *st, const char *text)
{
    size_t n = strlen(st->note);
    if (strstr(st->note, text))
        return;
    snprintf(st->note + n, sizeof st->note - n, "%s%s", n ? "; " : "", text);
    st->exact = false;
}

static double hit_ratio(const ss_result *res, const char *name)
{
    if (!res)
        return 1; /* unknown: nothing is counted past it, a lower bound */
    for (int i = 0; i < res->n_comps; i++)
        if (strcmp(res->comps[i].name, name) == 0) {
            double h = ss_stats_value(&res->comps[i].rep.all, res->window_s, SS_STAT_HIT_RATIO);
            return isfinite(h) ? h : 0;
        }
    return 1;
}

/* The network's round trip to position pos of a route (the client's for
 * the first), as the engine draws it: there and back. */
static double net_round_trip_s(const eval *ev, int pos)
{
    const ss_network *net = &ev->sc->net;
    return 2 * ss_dist_mean(pos == 0 ? &net->client : &net->hop);
}

/* Walks every class's route: what reaches each station, given the
 * blocking and the hit ratios; the share of each class answered into ok
 * (NULL: not needed). */
static void walk(eval *ev, double *ok)
{
    const ss_scenario *sc = ev->sc;
    memset(ev->ld, 0, sizeof ev->ld);
    for (int k = 0; k < sc->wl.n_classes; k++) {
        const ss_class *cl = &sc->wl.classes[k];
        double reach = 1, done = 0;
        for (int pos = 0; pos < cl->n_route; pos++) {
            int c = cl->route[pos];
            if (!ev->usable[c]) {
                ev->lost[k] = true;
                /* what it passes on is unknown: the stations after it
                 * cannot be modelled either */
                for (int q = pos + 1; q < cl->n_route; q++) {
                    char why[160];
                    snprintf(why, sizeof why, "reached past %s", sc->comps[c].name);
                    add_note(&ev->p->st[cl->route[q]], why);
                    ev->usable[cl->route[q]] = false;
                }
                break;
            }
            const ss_dist *s = service_dist(sc, k, c, &ev->desc[c]);
            double m = s ? ss_dist_mean(s) : 0, v = s ? ss_dist_var(s) : 0;
            double r = ev->class_rate[k] * reach;
            ev->ld[c].visits += r;
            ev->ld[c].m1 += r * m;
            ev->ld[c].m2 += r * (v + m * m);
            reach *= 1 - ev->block[c];
            if (ev->desc[c].next_note && pos + 1 < cl->n_route)
                add_note(&ev->p->st[cl->route[pos + 1]], ev->desc[c].next_note);
            if (ev->desc[c].filters && cl->op == SS_OP_READ) {
                done += reach * ev->hit[c];
                reach *= 1 - ev->hit[c];
            }
        }
        if (ok)
            ok[k] = done + reach;
    }
}

/* One station of an open network from what reaches it: each copy gets an
 * even share. Sets fig[], model, exact; its blocking into ev->block. */
static void open_station(eval *ev, int c, double scale)
{
    ss_theory_station *st = &ev->p->st[c];
    const ss_theory_desc *d = &ev->desc[c];
    const load *L = &ev->ld[c];
    int copies = d->instances * (ev->sc->comps[c].placement < 0 ? ev->sc->n_dcs : 1);
    double lam = L->visits * scale / (copies > 0 ? copies : 1);
    double mean, scv;
    if (L->visits > 0) {
        mean = L->m1 / L->visits;
        scv = mean > 0 ? L->m2 / L->visits / (mean * mean) - 1 : 1;
    } else {
        const ss_dist *s = d->service[SS_OP_READ];
        mean = s ? ss_dist_mean(s) : 0;
        scv = mean > 0 ? ss_dist_var(s) / (mean * mean) : 1;
    }
    bool expo = fabs(scv - 1) < 1e-6;
    int c_srv = d->servers;
    ev->block[c] = 0;
    if (c_srv <= 0 || mean <= 0) { /* no queue: every arrival is served at once */
        snprintf(st->model, sizeof st->model, "M/G/inf");
        st->fig[SS_THEORY_MEAN_WAIT_MS] = st->fig[SS_THEORY_P95_WAIT_MS] = 0;
        st->offered = 0;
        return;
    }
    double util = lam * mean / c_srv;
    st->offered = util;
    ss_theory_q q;
    /* a bound longer than this is never reached short of overload, and
     * the M/M/c/K tail costs K incomplete gammas per bisection step */
    if (d->queue >= 0 && d->queue <= 5000) {
        ss_theory_mmck(lam, 1 / mean, c_srv, c_srv + (int)d->queue, &q);
        snprintf(st->model, sizeof st->model, expo ? "M/M/c/K" : "M/G/c/K");
        if (!expo)
            add_note(st, "approximation: M/M/c/K with the service's mean");
        ev->block[c] = q.blocking;
    } else if (util >= 1) {
        char why[160];
        snprintf(st->model, sizeof st->model, expo ? "M/M/c" : "M/G/c");
        snprintf(why, sizeof why, "overloaded: utilisation %.2f >= 1", util);
        add_note(st, why);
        st->fig[SS_THEORY_UTIL] = util;
        return;
    } else if (expo) {
        ss_theory_mmc(lam, 1 / mean, c_srv, &q);
        snprintf(st->model, sizeof st->model, "M/M/c");
    } else if (c_srv == 1) {
        q = (ss_theory_q){.util = util, .p95_wait_s = NAN,
                          .mean_wait_s = ss_theory_mg1_wait(lam, mean, scv)};
        snprintf(st->model, sizeof st->model, "M/G/1");
    } else {
        q = (ss_theory_q){.util = util, .p95_wait_s = NAN,
                          .mean_wait_s = ss_theory_mgc_wait(lam, mean, scv, c_srv)};
        snprintf(st->model, sizeof st->model, "M/G/c (Allen-Cunneen)");
        st->exact = false;
    }
    st->fig[SS_THEORY_UTIL] = q.util;
    st->fig[SS_THEORY_MEAN_WAIT_MS] = q.mean_wait_s * 1e3;
    st->fig[SS_THEORY_P95_WAIT_MS] = q.p95_wait_s * 1e3;
}

/* The mean time of class k on its route beyond the stations' queues and
 * services counted in by `station` (the network, a broker's publish), and
 * with station_s also theirs: seconds; NAN when one is unknown. */
static double class_time_s(const eval *ev, int k, bool with_stations)
{
    const ss_scenario *sc = ev->sc;
    const ss_class *cl = &sc->wl.classes[k];
    double reach = 1, t = 0;
    for (int pos = 0; pos < cl->n_route; pos++) {
        int c = cl->route[pos];
        const ss_theory_desc *d = &ev->desc[c];
        t += reach * (net_round_trip_s(ev, pos) + d->delay_s);
        if (!d->off_path && (with_stations || d->servers <= 0)) {
            double w = with_stations ? ev->p->st[c].fig[SS_THEORY_MEAN_WAIT_MS] / 1e3 : 0;
            t += reach * (w + service_mean(sc, k, c, d));
        }
        if (d->filters && cl->op == SS_OP_READ)
            reach *= 1 - ev->hit[c];
    }
    return t;
}

static void open_network(eval *ev)
{
    const ss_scenario *sc = ev->sc;
    double ok[SS_MAX_CLASSES];
    bool bounded = false;
    for (int c = 0; c < sc->n_comps; c++)
        bounded |= ev->desc[c].queue >= 0;
    /* blocking thins what goes on, which changes the blocking after it: a
     * fixed point, reached in a few rounds on any route without a loop;
     * each round's stations start from the notes the walk left (an
     * overload noted in one round may be gone in the next) */
    for (int round = 0; round < (bounded ? 50 : 1); round++) {
        double before[SS_MAX_COMPONENTS];
        memcpy(before, ev->block, sizeof before);
        walk(ev, ok);
        for (int c = 0; c < sc->n_comps; c++) {
            if (!ev->usable[c])
                continue;
            ss_theory_station *st = &ev->p->st[c];
            if (round == 0) {
                memcpy(ev->base_note[c], st->note, sizeof st->note);
                ev->base_exact[c] = st->exact;
            }
            memcpy(st->note, ev->base_note[c], sizeof st->note);
            st->exact = ev->base_exact[c];
            open_station(ev, c, 1);
        }
        double moved = 0;
        for (int c = 0; c < sc->n_comps; c++)
            moved = fmax(moved, fabs(ev->block[c] - before[c]));
        if (moved < 1e-12)
            break;
    }
    double rate = 0, time = 0, thru = 0;
    for (int k = 0; k < sc->wl.n_classes; k++) {
        if (ev->lost[k])
            return;
        rate += ev->class_rate[k];
        time += ev->class_rate[k] * class_time_s(ev, k, true);
        thru += ev->class_rate[k] * ok[k];
    }
    if (rate > 0 && ev->network_known)
        ev->p->sum[SS_THEORY_SUM_MEAN_MS] = time / rate * 1e3;
    if (isfinite(time))
        ev->p->sum[SS_THEORY_SUM_THROUGHPUT_RPS] = thru;
}

/* Users cycle through think time and the route: exact MVA (Seidmann for
 * several servers) over the stations on the path, everything else a
 * delay. A bounded queue is taken as unbounded (users wait, they are not
 * turned away, unless the bound is below the users). */
static void closed_network(eval *ev)
{
    const ss_scenario *sc = ev->sc;
    const ss_workload *wl = &sc->wl;
    walk(ev, NULL);
    for (int k = 0; k < wl->n_classes; k++)
        if (ev->lost[k]) {
            /* a cycle through a station theory cannot model: the others'
             * throughput and waits are unknown too */
            for (int c = 0; c < sc->n_comps; c++)
                if (ev->usable[c])
                    add_note(&ev->p->st[c], "in a closed network with a station theory "
                                            "cannot model");
            return;
        }
    /* MVA costs users x stations steps: the loader's cap of 10M users
     * keeps that under a second or two */
    ss_theory_mva_station mva[SS_MAX_COMPONENTS];
    int at[SS_MAX_COMPONENTS], n = 0;
    for (int c = 0; c < sc->n_comps; c++) {
        const ss_theory_desc *d = &ev->desc[c];
        int copies = d->instances * (sc->comps[c].placement < 0 ? sc->n_dcs : 1);
        if (!ev->usable[c] || d->off_path || d->servers <= 0 || ev->ld[c].visits <= 0)
            continue;
        if (d->queue >= 0)
            add_note(&ev->p->st[c], "queue bound not modelled (closed workload)");
        mva[n] = (ss_theory_mva_station){.demand_s = ev->ld[c].m1 / copies,
                                         .servers = d->servers, .copies = copies};
        at[n++] = c;
    }
    double delay = 0;
    for (int k = 0; k < wl->n_classes; k++)
        delay += ev->class_rate[k] * class_time_s(ev, k, false);
    double resp;
    double x = ss_theory_mva((int)wl->users, ss_dist_mean(&wl->think) + delay, mva, n, &resp);
    double time = delay;
    for (int i = 0; i < n; i++) {
        int c = at[i];
        ss_theory_station *st = &ev->p->st[c];
        const load *L = &ev->ld[c];
        double mean = L->m1 / L->visits, scv = L->m2 / L->visits / (mean * mean) - 1;
        /* residence per visit: over the copies, per request, over visits */
        double wait = fmax(0, mva[i].copies * mva[i].resid_s / L->visits - mean);
        snprintf(st->model, sizeof st->model, "MVA");
        if (mva[i].servers > 1) {
            /* Seidmann is exact at no load and at saturation, and between
             * puts every wait behind one fast server: a pool of 32 cores
             * at half load would wait a third of a service. Many users
             * with long think times are nearly Poisson at the pool, so
             * the open M/M/c (Allen-Cunneen) wait at the network's
             * throughput is closer there; near saturation it is the one
             * too high. The lower of the two. */
            double lam = x * L->visits / mva[i].copies;
            double open = ss_theory_mgc_wait(lam, mean, scv, mva[i].servers);
            if (isfinite(open) && open < wait)
                wait = open;
            snprintf(st->model, sizeof st->model, "MVA (Seidmann, M/M/c)");
            st->exact = false;
        }
        if (fabs(scv - 1) > 1e-6)
            st->exact = false;
        st->fig[SS_THEORY_UTIL] = x * L->m1 / (mva[i].copies * mva[i].servers);
        st->fig[SS_THEORY_MEAN_WAIT_MS] = wait * 1e3;
        st->offered = st->fig[SS_THEORY_UTIL];
        time += L->visits * (wait + mean);
    }
    (void)resp; /* the stations' own sum: the same with one server each */
    /* off the path (a broker's consumers), without servers, or never
     * reached: open stations at the rate the users' cycle sends them */
    for (int c = 0; c < sc->n_comps; c++)
        if (ev->usable[c] && (ev->desc[c].off_path || ev->desc[c].servers <= 0 ||
                              ev->ld[c].visits <= 0))
            open_station(ev, c, x);
    if (ev->network_known)
        ev->p->sum[SS_THEORY_SUM_MEAN_MS] = time * 1e3;
    ev->p->sum[SS_THEORY_SUM_THROUGHPUT_RPS] = x;
}

ss_theory_pred *ss_predict_eval(const ss_scenario *sc, const ss_result *res)
{
    const ss_workload *wl = &sc->wl;
    eval *ev = ss_calloc(1, sizeof *ev);
    ss_theory_pred *p = ss_calloc(1, sizeof *p);
    p->n_st = sc->n_comps;
    p->st = ss_calloc((size_t)(sc->n_comps > 0 ? sc->n_comps : 1), sizeof *p->st);
    for (int s = 0; s < SS_THEORY_SUMS; s++)
        p->sum[s] = NAN;
    ev->sc = sc;
    ev->p = p;
    describe(sc, ev->desc, ev->known);
    /* what no station of this run can be modelled with */
    const char *whole = wl->n_profile > 0 ? "a rate profile: no steady state"
                        : sc->n_dcs > 1   ? "several datacenters: the split over them is not modelled"
                                          : NULL;
    for (int c = 0; c < sc->n_comps; c++) {
        ss_theory_station *st = &p->st[c];
        snprintf(st->name, sizeof st->name, "%s", sc->comps[c].name);
        for (int f = 0; f < SS_THEORY_FIGS; f++)
            st->fig[f] = NAN;
        st->offered = NAN;
        st->exact = true;
        char why[160];
        ev->usable[c] = ev->known[c] && !ev->desc[c].note && !whole;
        if (whole) {
            add_note(st, whole);
        } else if (!ev->known[c]) {
            snprintf(why, sizeof why, "no queueing model for a %s", sc->comps[c].ops->kind);
            add_note(st, why);
        } else if (ev->desc[c].note) {
            snprintf(why, sizeof why, "not modelled: %s", ev->desc[c].note);
            add_note(st, why);
        }
        ev->hit[c] = ev->desc[c].filters ? hit_ratio(res, sc->comps[c].name) : 0;
        if (ev->desc[c].filters)
            st->exact = false; /* its hit ratio is the simulation's, not theory's */
        if (res && res->fail_why[SS_FAIL_TIMEOUT] > 0)
            add_note(st, "timeouts not modelled");
        if (sc->n_faults > 0)
            add_note(st, "faults not modelled");
    }
    ev->network_known = sc->n_regions <= 1 && !sc->net.has_matrix;
    double total_w = 0;
    for (int k = 0; k < wl->n_classes; k++)
        total_w += wl->classes[k].weight;
    for (int k = 0; k < wl->n_classes && total_w > 0; k++)
        ev->class_rate[k] = (wl->closed ? 1 : wl->rate_per_s) * wl->classes[k].weight / total_w;
    if (!whole && total_w > 0) {
        if (wl->closed)
            closed_network(ev);
        else
            open_network(ev);
    }
    ss_free(ev);
    return p;
}
