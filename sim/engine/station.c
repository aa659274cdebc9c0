/*
 * sim/engine/station.c -- FCFS multi-server station with a bounded queue.
 * See scalesim/station.h. Invariant per instance: 0 <= busy <= cores, and
 * qlen > 0 only while busy == cores, the instance is paused, or its
 * concurrency limit is reached (no one waits while a core is free to
 * take it), which the debug build asserts.
 *
 * Concurrency (SPEC.md 4.5): `held` counts the requests started and not
 * yet released by their owner (their answers still downstream); service
 * starts only below the limit. A crash releases those in service (they
 * fail here, never passing back); those downstream are released when
 * they come back, as always.
 *
 * Deadline: the queue is FIFO, so its head is the first to expire. One
 * event per instance waits for the head's deadline; when it fires it
 * drops every head that has waited the deadline, then waits for the new
 * head's. A head served before its deadline leaves the event to find a
 * younger head, and wait again. So a deadline costs at most one event per
 * request and none when nobody waits.
 */
#include "scalesim/station.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "scalesim/mem.h"
#include "scalesim/rng.h"
#include "sim_assert.h"

static void station_complete(void *obj, ss_sim *sim, void *ptr, uint32_t code);

static void station_fail(ss_station *st, ss_sim *sim, ss_req *req, int i, ss_fail why)
{
    req->fail_why = (uint8_t)why;
    if (st->fail)
        st->fail(st->owner, sim, req, i);
    else
        ss_sim_fail(sim, req, why);
}

static void crash_fail(ss_station *st, ss_sim *sim, ss_req *req, int i)
{
    station_fail(st, sim, req, i, SS_FAIL_DOWN);
}

/* Whether instance in may start one more request now. */
static inline bool can_start(const ss_station *st, const ss_station_inst *in)
{
    return !in->paused && in->busy < st->cores && (st->limit < 0 || in->held < st->limit);
}

void ss_station_init(ss_station *st, ss_sim *sim, const char *name, int instances, int cores,
                     int64_t queue_cap, const ss_opdist *service, gsl_rng *rng,
                     ss_station_done_fn done, void *owner)
{
    memset(st, 0, sizeof *st);
    st->name = name;
    st->n = instances;
    st->cores = cores;
    st->queue_cap = queue_cap;
    st->service = service;
    st->cls_service = ss_sim_class_services(sim, name);
    st->n_classes = ss_sim_classes(sim);
    st->rng = rng;
    st->done = done;
    st->owner = owner;
    st->sim = sim;
    st->inst = ss_calloc((size_t)instances, sizeof *st->inst);
    st->last_up = -1;
    st->limit = -1;
    for (int i = 0; i < instances; i++) {
        st->inst[i].slow = 1;
        st->inst[i].down_since = -1;
        ss_hist_init(&st->inst[i].wait);
    }
    st->handler = ss_sim_handler(sim, station_complete, st);
    ss_sim_register_station(sim, st);
}

void ss_station_release(ss_station *st)
{
    if (!st->inst)
        return;
    for (int i = 0; i < st->n; i++)
        ss_hist_release(&st->inst[i].wait);
    ss_free(st->inst);
    st->inst = NULL;
}

/* Brings the time integrals of instance i forward to now. */
static inline void account(ss_station_inst *in, ss_sim *sim, ss_time now)
{
    ss_time ms = ss_sim_measure_start(sim);
    in->busy_all += in->busy * (double)(now - in->t_last);
    if (now > ms) {
        ss_time from = in->t_last > ms ? in->t_last : ms;
        double dt = (double)(now - from);
        in->busy_area += in->busy * dt;
        in->queue_area += in->qlen * dt;
    }
    in->t_last = now;
}

static inline void start_service(ss_station *st, ss_sim *sim, ss_station_inst *in, ss_req *req,
                                 int i, ss_time now)
{
    in->busy++;
    in->held++;
    req->epoch = in->epoch;
    if (ss_sim_measuring(sim) && req->t_mark >= ss_sim_measure_start(sim)) {
        ss_time w = now - req->t_mark;
        in->started++;
        in->waited += w > 0;
        in->wait_sum_ns += (double)w;
        ss_hist_add(&in->wait, w);
    }
    const ss_dist *d = &st->service->op[req->op];
    if (st->cls_service && req->cls < st->n_classes && st->cls_service[req->cls])
        d = st->cls_service[req->cls];
    double s = ss_dist_sample(d, st->rng) * in->slow;
    ss_time service = ss_time_from_s(s);
    if (req->cls != SS_CLS_JOB) {
        ss_sim_note(sim, req, SS_NOTE_WAIT, now - req->t_mark);
        ss_sim_note(sim, req, SS_NOTE_SERVICE, service);
    }
    ss_sim_schedule(sim, service, st->handler, (uint32_t)i, req);
}

/* Serves waiting requests, in order, while a core is free. */
static void start_waiting(ss_station *st, ss_sim *sim, ss_station_inst *in, int i, ss_time now)
{
    while (in->qhead && can_start(st, in)) {
        ss_req *next = in->qhead;
        in->qhead = next->next;
        if (!in->qhead)
            in->qtail = NULL;
        in->qlen--;
        next->next = NULL;
        start_service(st, sim, in, next, i, now);
    }
}

bool ss_station_arrive(ss_station *st, ss_sim *sim, ss_req *req, int i)
{
    SS_ASSERT(i >= 0 && i < st->n);
    ss_station_inst *in = &st->inst[i];
    ss_time now = ss_sim_now(sim);
    bool measuring = ss_sim_measuring(sim);
    if (in->down) {
        req->fail_why = SS_FAIL_DOWN;
        if (measuring)
            in->rejected++;
        return false;
    }
    bool all_taken = in->busy >= st->cores || (st->limit >= 0 && in->held >= st->limit);
    if (all_taken && st->queue_cap >= 0 && in->qlen >= (uint64_t)st->queue_cap) {
        req->fail_why = SS_FAIL_REJECTED;
        if (measuring)
            in->rejected++;
        return false;
    }
    account(in, sim, now);
    if (measuring)
        in->arrivals++;
    req->t_mark = now;
    req->next = NULL;
    if (can_start(st, in)) {
        start_service(st, sim, in, req, i, now);
    } else {
        if (in->qtail)
            in->qtail->next = req;
        else
            in->qhead = req;
        in->qtail = req;
        in->qlen++;
        if (st->deadline > 0 && !in->deadline_armed) {
            in->deadline_armed = true;
            ss_sim_schedule(sim, st->deadline, st->h_deadline, (uint32_t)i, NULL);
        }
    }
    return true;
}

/* The deadline event of instance `code` (see the top). */
static void on_deadline(void *obj, ss_sim *sim, void *ptr, uint32_t code)
{
    ss_station *st = obj;
    int i = (int)code;
    ss_station_inst *in = &st->inst[i];
    ss_time now = ss_sim_now(sim);
    in->deadline_armed = false;
    account(in, sim, now);
    while (in->qhead && in->qhead->t_mark + st->deadline <= now) {
        ss_req *r = in->qhead;
        in->qhead = r->next;
        if (!in->qhead)
            in->qtail = NULL;
        in->qlen--;
        r->next = NULL;
        if (ss_sim_measuring(sim) && r->t_mark >= ss_sim_measure_start(sim))
            in->dropped++;
        station_fail(st, sim, r, i, SS_FAIL_TIMEOUT);
    }
    if (in->qhead) {
        in->deadline_armed = true;
        ss_sim_schedule(sim, in->qhead->t_mark + st->deadline - now, st->h_deadline,
                        (uint32_t)i, NULL);
    }
}

bool ss_station_limits(ss_station *st, ss_sim *sim, const ss_station_cfg *cfg)
{
    st->limit = cfg->concurrency > 0 ? cfg->concurrency : -1;
    st->deadline = cfg->deadline > 0 ? cfg->deadline : 0;
    if (st->deadline > 0)
        st->h_deadline = ss_sim_handler(sim, on_deadline, st);
    return st->limit > 0;
}

void ss_station_unhold(ss_station *st, ss_sim *sim, int i)
{
    ss_station_inst *in = &st->inst[i];
    if (st->limit < 0)
        return;
    SS_ASSERT(in->held > 0);
    in->held--;
    ss_time now = ss_sim_now(sim);
    account(in, sim, now);
    start_waiting(st, sim, in, i, now);
}

static void station_complete(void *obj, ss_sim *sim, void *ptr, uint32_t code)
{
    ss_station *st = obj;
    ss_req *req = ptr;
    int i = (int)code;
    ss_station_inst *in = &st->inst[i];
    if (req->epoch != in->epoch) {
        /* The instance crashed while this request was in service; the core
         * it held was already freed by the crash. */
        crash_fail(st, sim, req, i);
        return;
    }
    ss_time now = ss_sim_now(sim);
    account(in, sim, now);
    if (ss_sim_measuring(sim))
        in->done++;
    in->busy--;
    if (st->limit < 0)
        in->held--;
    start_waiting(st, sim, in, i, now);
    SS_ASSERT(in->busy >= 0 && in->busy <= st->cores);
    SS_ASSERT(in->qlen == 0 || !can_start(st, in));
    st->done(st->owner, sim, req, i);
}

int ss_station_pick(ss_station *st)
{
    return st->n == 1 ? 0 : (int)ss_rng_uniform_int(st->rng, (unsigned long)st->n);
}

void ss_station_crash(ss_station *st, ss_sim *sim, int i)
{
    ss_station_inst *in = &st->inst[i];
    if (in->down)
        return;
    ss_time now = ss_sim_now(sim);
    account(in, sim, now);
    in->down = true;
    in->down_since = now;
    in->last_down = now;
    st->n_down++;
    in->epoch++;
    in->held -= in->busy; /* those in service fail here, never coming back */
    in->busy = 0;
    ss_req *r = in->qhead;
    in->qhead = in->qtail = NULL;
    in->qlen = 0;
    while (r) {
        ss_req *next = r->next;
        r->next = NULL;
        crash_fail(st, sim, r, i);
        r = next;
    }
}

void ss_station_recover(ss_station *st, ss_sim *sim, int i)
{
    ss_station_inst *in = &st->inst[i];
    if (!in->down)
        return;
    account(in, sim, ss_sim_now(sim));
    in->down = false;
    in->down_since = -1;
    in->up_since = ss_sim_now(sim);
    st->n_down--;
    st->last_up = in->up_since;
}

void ss_station_slow(ss_station *st, int i, double factor)
{
    st->inst[i].slow = factor;
}

void ss_station_pause(ss_station *st, ss_sim *sim, int i, bool paused)
{
    ss_station_inst *in = &st->inst[i];
    ss_time now = ss_sim_now(sim);
    account(in, sim, now);
    in->paused = paused;
    start_waiting(st, sim, in, i, now);
}

bool ss_station_in_rotation(const ss_station *st, int i, ss_time now, ss_time hc)
{
    const ss_station_inst *in = &st->inst[i];
    if (in->down)
        return now - in->down_since < hc;
    if (in->up_since > 0 && in->up_since - in->last_down >= hc)
        return now - in->up_since >= hc;
    return true;
}

void ss_station_fault(ss_station *st, ss_sim *sim, const ss_fault_ev *f)
{
    int lo = f->instance >= 0 ? f->instance : 0;
    int hi = f->instance >= 0 ? f->instance + 1 : st->n;
    for (int i = lo; i < hi && i < st->n; i++) {
        if (f->action == SS_FAULT_SLOW)
            ss_station_slow(st, i, f->begin ? f->factor : 1);
        else if (f->begin)
            ss_station_crash(st, sim, i);
        else
            ss_station_recover(st, sim, i);
    }
}

int ss_station_target_count(const void *cfg, const ss_cfgctx *ctx, ss_target what)
{
    (void)ctx;
    /* the station's config is the first member of the kind's */
    return what == SS_TARGET_INSTANCE ? ((const ss_station_cfg *)cfg)->instances : 0;
}

void ss_station_check(const ss_station_cfg *cfg, ss_cfgctx *ctx)
{
    if (cfg->instances > 10000)
        ss_cfg_error(ctx, "instances", "expected at most 10000 instances, got %d",
                     cfg->instances);
    if (cfg->cores > 4096)
        ss_cfg_error(ctx, "cores", "expected at most 4096 cores, got %d", cfg->cores);
    if (ss_cfg_given(ctx, "concurrency") && (cfg->concurrency < 1 || cfg->concurrency > 1000000))
        ss_cfg_error(ctx, "concurrency", "expected a limit between 1 and 1M requests, got %d",
                     cfg->concurrency);
    if (ss_cfg_given(ctx, "deadline") && cfg->deadline <= 0)
        ss_cfg_error(ctx, "deadline", "expected a deadline above 0s (leave it out for none)");
}

/* The raw figures of n_inst instances into row (sums in instance order). */
static void fill_row(ss_stats *row, const ss_station_inst *in, int n_inst, int cores,
                     const ss_hist *wait)
{
    for (int k = 0; k < n_inst; k++) {
        row->arrivals += in[k].arrivals;
        row->rejected += in[k].rejected;
        row->done += in[k].done;
        row->started += in[k].started;
        row->waited += in[k].waited;
        row->wait_sum_ns += in[k].wait_sum_ns;
        row->busy_ns += in[k].busy_area;
        row->queue_ns += in[k].queue_area;
    }
    row->cores = cores;
    row->n = n_inst;
    row->queued = true;
    ss_hist_merge(&row->wait, wait);
}

double ss_station_busy(ss_station *st, ss_sim *sim, double *cores)
{
    double total = 0;
    for (int i = 0; i < st->n; i++) {
        account(&st->inst[i], sim, ss_sim_now(sim));
        total += st->inst[i].busy_all;
    }
    *cores = (double)st->n * st->cores;
    return total;
}

void ss_station_report(ss_station *st, ss_sim *sim, ss_stats *all, ss_stats *rows,
                       const char *prefix)
{
    ss_time now = ss_sim_now(sim);
    ss_hist merged;
    ss_hist_init(&merged);
    for (int i = 0; i < st->n; i++) {
        account(&st->inst[i], sim, now);
        ss_hist_merge(&merged, &st->inst[i].wait);
        if (rows) {
            snprintf(rows[i].instance, sizeof rows[i].instance, "%s%d", prefix ? prefix : "", i);
            fill_row(&rows[i], &st->inst[i], 1, st->cores, &st->inst[i].wait);
        }
    }
    if (all) {
        snprintf(all->instance, sizeof all->instance, "all");
        fill_row(all, st->inst, st->n, st->cores, &merged);
    }
    ss_hist_release(&merged);
}

void ss_station_sum(ss_station *const *sts, int n, ss_sim *sim, ss_stats *out)
{
    double capacity = 0;
    snprintf(out->instance, sizeof out->instance, "all");
    for (int s = 0; s < n; s++) {
        const ss_station *st = sts[s];
        for (int i = 0; i < st->n; i++) {
            ss_station_inst *in = &st->inst[i];
            account(in, sim, ss_sim_now(sim));
            fill_row(out, in, 1, st->cores, &in->wait);
        }
        capacity += (double)st->n * st->cores;
    }
    /* utilisation over the capacity of all of them */
    out->cores = capacity;
    out->n = 1;
}

void ss_station_theory(const ss_station_cfg *cfg, ss_theory_desc *out)
{
    out->instances = cfg->instances;
    out->servers = cfg->cores;
    for (int op = 0; op < SS_OPS; op++)
        out->service[op] = &cfg->service.op[op];
    out->queue = cfg->queue;
    out->class_services = true;
}
