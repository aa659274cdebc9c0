/*
 * sim/engine/observe.c -- interval samples and the latency breakdown.
 *
 * Every `interval` (1 s unless --interval says otherwise; see ss_obs_init
 * for long runs without a time series) one event closes
 * the interval: requests sent, answered and failed in it, the latency
 * percentiles of its answers (only when a time series is asked for: one
 * histogram, reset each interval), the requests in flight at its end, and
 * each component's utilisation over it (its work since the start, from
 * the model's `busy`, differenced), and with SPEC.md 4.5's mechanisms the
 * retries sent, the goodput and each breaker's time not closed. Rows cover the whole run, warm-up
 * included, so the time series shows the warm-up too; availability and
 * its worst interval use the measured intervals only. The run's
 * availability is the share of the requests sent after the warm-up that
 * were answered, over those that finished (answered or failed) by the
 * end: counting by send time keeps warm-up requests answered late out of
 * it, and a request still in flight at the end has not failed yet. An
 * interval's is answered over finished in it (see on_interval).
 *
 * The breakdown keeps, per request class and runtime component, a
 * histogram and a sum for each of waiting, service and network time, fed
 * by ss_sim_note after the warm-up.
 */
#include "observe.h"

#include <math.h>
#include <string.h>

#include "scalesim/mem.h"
#include "scalesim/station.h"
#include "sim_internal.h"

typedef struct bd_cell {
    ss_hist h[SS_NOTES];
    double sum_ns[SS_NOTES];
    uint64_t n[SS_NOTES];
} bd_cell;

struct ss_obs {
    ss_time interval;
    int handler;
    uint64_t sent, ok, failed;  /* in the open interval                   */
    uint64_t retries, good;     /* in it too                              */
    bool any_breaker;
    uint64_t run_ok, run_failed; /* outcomes of requests sent after warm-up */
    bool want_series;
    ss_hist lat;
    double *last_busy;          /* per runtime component                 */
    double *last_brk;           /* the same, breakers' time not closed   */
    ss_ts_row *rows;
    size_t n_rows, cap_rows;
    double worst_avail;         /* NAN until a measured interval closes  */
    double worst_t;
    ss_time next_close;         /* when the open interval ends            */
    bd_cell *bd;                /* [class][component], NULL when off      */
};

static double comp_busy(ss_sim *sim, int i, double *cores)
{
    ss_rcomp *c = &sim->comps[i];
    if (c->ops->busy)
        return c->ops->busy(c->state, sim, cores);
    if (c->ops->station)
        return ss_station_busy(c->ops->station(c->state), sim, cores);
    *cores = 0;
    return NAN;
}

static void on_interval(void *obj, ss_sim *sim, void *ptr, uint32_t code)
{
    ss_obs *o = sim->obs;
    double dt = ss_time_to_s(o->interval);
    ss_time start = sim->now - o->interval;
    if (o->want_series) {
        SS_GROW(o->rows, o->cap_rows, o->n_rows + 1);
        ss_ts_row *r = &o->rows[o->n_rows++];
        memset(r, 0, sizeof *r);
        r->t_s = ss_time_to_s(start);
        r->sent = o->sent;
        r->ok = o->ok;
        r->failed = o->failed;
        r->throughput_rps = (double)o->ok / dt;
        r->error_rate = o->ok + o->failed ? (double)o->failed / (double)(o->ok + o->failed) : NAN;
        double v;
        r->p50_ms = ss_hist_quantile(&o->lat, 0.5, &v) ? v * 1e-6 : NAN;
        r->p95_ms = ss_hist_quantile(&o->lat, 0.95, &v) ? v * 1e-6 : NAN;
        r->in_flight = (double)sim->wl.n_inflight;
        r->retries_rps = (double)o->retries / dt;
        r->goodput_rps = (double)o->good / dt;
        if (o->any_breaker) {
            r->breaker = ss_malloc((size_t)sim->n_comps * sizeof *r->breaker);
            for (int i = 0; i < sim->n_comps; i++) {
                ss_breaker *b = sim->comps[i].brk;
                double nc = b ? ss_breaker_not_closed_ns(b, sim) : NAN;
                r->breaker[i] = b ? (nc - o->last_brk[i]) / (double)o->interval : NAN;
                o->last_brk[i] = nc;
            }
        }
        r->util = ss_malloc((size_t)(sim->n_comps ? sim->n_comps : 1) * sizeof *r->util);
        for (int i = 0; i < sim->n_comps; i++) {
            double cores, busy = comp_busy(sim, i, &cores);
            r->util[i] = cores > 0 && !isnan(busy)
                             ? (busy - o->last_busy[i]) / (cores * (double)o->interval)
                             : NAN;
            o->last_busy[i] = busy;
        }
        ss_hist_reset(&o->lat);
    }
    /* An interval's availability is answered over finished in it: over
     * sent, the requests still in flight at its end would count as lost. */
    if (start >= sim->t_measure && o->ok + o->failed > 0) {
        double a = (double)o->ok / (double)(o->ok + o->failed);
        if (isnan(o->worst_avail) || a < o->worst_avail) {
            o->worst_avail = a;
            o->worst_t = ss_time_to_s(start);
        }
    }
    o->sent = o->ok = o->failed = o->retries = o->good = 0;
    /* the interval ending at t_end is closed by ss_obs_finish: the event
     * loop stops before events at t_end */
    if (sim->now + o->interval < sim->t_end)
        ss_sim_schedule(sim, o->interval, o->handler, 0, NULL);
    o->next_close = sim->now + o->interval;
}

void ss_obs_finish(ss_sim *sim)
{
    if (sim->obs->next_close == sim->t_end)
        on_interval(NULL, sim, NULL, 0);
}

void ss_obs_init(ss_sim *sim)
{
    ss_obs *o = ss_calloc(1, sizeof *o);
    sim->obs = o;
    /* 1 s by default; without a time series to write, at most a thousand
     * intervals over the run, so that a long run of a slow system (M/M/1
     * at one arrival a second for weeks) is not all sampling events. */
    o->interval = sim->opts.interval > 0 ? sim->opts.interval : SS_SEC(1);
    if (!sim->opts.timeseries && sim->opts.interval <= 0 && sim->t_end / 1000 > o->interval)
        o->interval = (sim->t_end / 1000 / SS_NS_PER_S + 1) * SS_NS_PER_S;
    o->want_series = sim->opts.timeseries;
    o->worst_avail = NAN;
    ss_hist_init(&o->lat);
    o->handler = ss_sim_handler(sim, on_interval, NULL);
    if (sim->opts.breakdown) {
        o->bd = ss_calloc((size_t)sim->sc->wl.n_classes * (size_t)sim->n_comps, sizeof *o->bd);
        sim->breakdown_on = true;
    }
    o->last_busy = ss_calloc((size_t)(sim->n_comps ? sim->n_comps : 1), sizeof *o->last_busy);
    o->last_brk = ss_calloc((size_t)(sim->n_comps ? sim->n_comps : 1), sizeof *o->last_brk);
    for (int i = 0; i < sim->n_comps; i++)
        o->any_breaker |= sim->comps[i].brk != NULL;
    o->next_close = o->interval;
    if (o->interval < sim->t_end)
        ss_sim_schedule(sim, o->interval, o->handler, 0, NULL);
}

void ss_obs_release(ss_sim *sim)
{
    ss_obs *o = sim->obs;
    if (!o)
        return;
    for (size_t i = 0; i < o->n_rows; i++) {
        ss_free(o->rows[i].util);
        ss_free(o->rows[i].breaker);
    }
    ss_free(o->rows);
    if (o->bd) {
        size_t n = (size_t)sim->sc->wl.n_classes * (size_t)sim->n_comps;
        for (size_t i = 0; i < n; i++)
            for (int k = 0; k < SS_NOTES; k++)
                ss_hist_release(&o->bd[i].h[k]);
        ss_free(o->bd);
    }
    ss_hist_release(&o->lat);
    ss_free(o->last_busy);
    ss_free(o->last_brk);
    ss_free(o);
    sim->obs = NULL;
}

void ss_obs_sent(ss_sim *sim)
{
    sim->obs->sent++;
}

void ss_obs_done(ss_sim *sim, bool ok, ss_time t_sent)
{
    ss_obs *o = sim->obs;
    if (ok) {
        o->ok++;
        ss_time timeout = sim->sc->wl.timeout;
        if (timeout == 0 || sim->now - t_sent <= timeout)
            o->good++;
        if (o->want_series)
            ss_hist_add(&o->lat, sim->now - t_sent);
    } else {
        o->failed++;
    }
    if (t_sent >= sim->t_measure) {
        if (ok)
            o->run_ok++;
        else
            o->run_failed++;
    }
}

void ss_obs_retry(ss_sim *sim)
{
    sim->obs->retries++;
}

void ss_obs_note_at(ss_sim *sim, const ss_req *req, int comp, ss_note what, ss_time ns)
{
    if (!sim->breakdown_on)
        return;
    ss_obs *o = sim->obs;
    if (req->cls == SS_CLS_JOB || comp < 0 || sim->now < sim->t_measure)
        return;
    bd_cell *c = &o->bd[(size_t)req->cls * (size_t)sim->n_comps + (size_t)comp];
    ss_hist_add(&c->h[what], ns);
    c->sum_ns[what] += (double)ns;
    c->n[what]++;
}

void ss_sim_note(ss_sim *sim, const ss_req *req, ss_note what, ss_time ns)
{
    if (!sim->breakdown_on)
        return;
    int comp = req->pos == UINT8_MAX ? sim->resolver : req->route[req->pos];
    ss_obs_note_at(sim, req, comp, what, ns);
}

void ss_obs_report(ss_sim *sim, ss_result *res)
{
    ss_obs *o = sim->obs;
    res->run_ok = o->run_ok;
    res->run_failed = o->run_failed;
    res->worst_availability = o->worst_avail;
    res->worst_availability_t = o->worst_t;
    res->interval_s = ss_time_to_s(o->interval);
    /* the time series moves to the result */
    res->series = o->rows;
    res->n_series = o->n_rows;
    o->rows = NULL;
    o->n_rows = o->cap_rows = 0;
    if (!o->bd)
        return;
    int K = sim->sc->wl.n_classes, C = sim->n_comps;
    res->breakdown = ss_calloc((size_t)K * (size_t)C, sizeof *res->breakdown);
    for (int k = 0; k < K; k++)
        for (int c = 0; c < C; c++) {
            const bd_cell *cell = &o->bd[(size_t)k * (size_t)C + (size_t)c];
            /* a visit is one service; the network is noted each way */
            uint64_t visits = cell->n[SS_NOTE_SERVICE] ? cell->n[SS_NOTE_SERVICE]
                                                       : cell->n[SS_NOTE_NETWORK] / 2;
            if (!visits)
                continue;
            ss_bd_row *b = &res->breakdown[res->n_breakdown++];
            b->cls = k;
            b->comp = c;
            b->visits = visits;
            /* the mean is per visit, so that wait + service + network
             * summed over a route's components is the response time: both
             * network crossings of a visit, and a sync write's wait for
             * its replica beside its wait in the queue, add up in it. A
             * P95 is of single notes: one wait, one crossing. */
            for (int w = 0; w < SS_NOTES; w++) {
                double v;
                b->mean_ms[w] = cell->sum_ns[w] / (double)visits * 1e-6;
                b->p95_ms[w] = ss_hist_quantile(&cell->h[w], 0.95, &v) ? v * 1e-6 : 0;
            }
        }
}
