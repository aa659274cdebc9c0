/*
 * sim/engine/breaker.c -- the circuit breaker's state machine (SPEC.md
 * 4.5), as in Hystrix and resilience4j.
 *
 *   closed     calls go through; each call that comes back is counted in a
 *              sliding window of `window`. When at least `min_calls` came
 *              back in it and `failure_rate` of them failed, it opens.
 *   open       calls fail fast, as `down`, without reaching the component,
 *              for `open`; then it is half-open (at that moment, whether or
 *              not a call arrives).
 *   half-open  `half_open` trial calls go through, more fail fast. Once
 *              that many calls have come back (trials, or calls sent before
 *              it opened, as resilience4j counts whatever completes), it
 *              opens again if failure_rate of them failed, else closes with
 *              an empty window.
 *
 * A call failed when its answer came back as an error, or after the client
 * had given up on it (its timeout): from the caller's side both are
 * failures, and a slow component fails only the second way.
 * No randomness and no events: every change happens when a call arrives
 * or comes back, or is dated to `open_until` when it is found later.
 */
#include "breaker.h"

#include <math.h>
#include <string.h>

#include "sim_internal.h"

void ss_breaker_init(ss_breaker *b, const ss_breaker_cfg *cfg)
{
    memset(b, 0, sizeof *b);
    b->cfg = cfg;
    b->bucket_ns = cfg->window / SS_BRK_BUCKETS > 0 ? cfg->window / SS_BRK_BUCKETS : 1;
    for (int i = 0; i < SS_BRK_BUCKETS; i++)
        b->epoch[i] = -1;
}

/* Brings the time integrals to t. */
static void account(ss_breaker *b, ss_sim *sim, ss_time t)
{
    if (t <= b->t_last)
        return;
    if (b->state != SS_BRK_CLOSED)
        b->not_closed_ns += (double)(t - b->t_last);
    ss_time ms = ss_sim_measure_start(sim), from = b->t_last > ms ? b->t_last : ms;
    if (t > from)
        b->state_ns[b->state] += (double)(t - from);
    b->t_last = t;
}

static void enter(ss_breaker *b, ss_sim *sim, ss_brk_state s, ss_time t)
{
    account(b, sim, t);
    b->state = s;
    if (s == SS_BRK_OPEN) {
        b->open_until = t + b->cfg->open;
        if (ss_sim_measuring(sim))
            b->opened++;
    } else if (s == SS_BRK_HALF_OPEN) {
        b->trials_sent = b->trials_back = b->trials_failed = 0;
    } else {
        for (int i = 0; i < SS_BRK_BUCKETS; i++)
            b->epoch[i] = -1;
    }
}

/* An open breaker whose time is up became half-open then. */
static void refresh(ss_breaker *b, ss_sim *sim)
{
    if (b->state == SS_BRK_OPEN && sim->now >= b->open_until)
        enter(b, sim, SS_BRK_HALF_OPEN, b->open_until);
    account(b, sim, sim->now);
}

bool ss_breaker_admit(ss_breaker *b, ss_sim *sim)
{
    refresh(b, sim);
    if (b->state == SS_BRK_CLOSED)
        return true;
    if (b->state == SS_BRK_HALF_OPEN && b->trials_sent < b->cfg->half_open) {
        b->trials_sent++;
        return true;
    }
    if (ss_sim_measuring(sim))
        b->fast_failures++;
    return false;
}

static bool tripped(const ss_breaker *b, double calls, double fails)
{
    return calls > 0 && fails >= b->cfg->failure_rate * calls;
}

void ss_breaker_note(ss_breaker *b, ss_sim *sim, bool failed)
{
    refresh(b, sim);
    if (ss_sim_measuring(sim))
        b->counted++;
    if (b->state == SS_BRK_OPEN)
        return; /* a call sent before it opened: it has already decided */
    if (b->state == SS_BRK_HALF_OPEN) {
        b->trials_back++;
        b->trials_failed += failed;
        if (b->trials_back >= b->cfg->half_open)
            enter(b, sim, tripped(b, b->trials_back, b->trials_failed) ? SS_BRK_OPEN
                                                                       : SS_BRK_CLOSED,
                  sim->now);
        return;
    }
    int64_t k = sim->now / b->bucket_ns;
    int slot = (int)(k % SS_BRK_BUCKETS);
    if (b->epoch[slot] != k) {
        b->epoch[slot] = k;
        b->calls[slot] = b->fails[slot] = 0;
    }
    b->calls[slot]++;
    b->fails[slot] += failed;
    if (!failed)
        return;
    uint64_t calls = 0, fails = 0;
    for (int i = 0; i < SS_BRK_BUCKETS; i++)
        if (b->epoch[i] > k - SS_BRK_BUCKETS) {
            calls += b->calls[i];
            fails += b->fails[i];
        }
    if (calls >= (uint64_t)b->cfg->min_calls && tripped(b, (double)calls, (double)fails))
        enter(b, sim, SS_BRK_OPEN, sim->now);
}

double ss_breaker_not_closed_ns(ss_breaker *b, ss_sim *sim)
{
    refresh(b, sim);
    return b->not_closed_ns;
}

enum { BRK_KF_OPEN, BRK_KF_HALF_OPEN, BRK_KF_OPENED, BRK_KF_FAST };
const ss_kfig_def ss_breaker_figures[] = {
    {.name = "breaker_open_share", .type = SS_KF_RATIO, .decimals = 4,
     .help = "share of the measured time the breaker was open"},
    {.name = "breaker_half_open_share", .type = SS_KF_RATIO, .decimals = 4,
     .help = "share of it half-open"},
    {.name = "breaker_opened", .type = SS_KF_COUNT, .help = "times it opened"},
    {.name = "breaker_fast_failures", .type = SS_KF_COUNT,
     .help = "calls it failed fast (as down) without reaching the component"},
    {0},
};

void ss_breaker_report(ss_breaker *b, ss_sim *sim, ss_kfig *slots)
{
    refresh(b, sim);
    double all = 0;
    for (int s = 0; s < SS_BRK_STATES; s++)
        all += b->state_ns[s];
    ss_kf_ratio(&slots[BRK_KF_OPEN], b->state_ns[SS_BRK_OPEN], all);
    ss_kf_ratio(&slots[BRK_KF_HALF_OPEN], b->state_ns[SS_BRK_HALF_OPEN], all);
    ss_kf_set(&slots[BRK_KF_OPENED], (double)b->opened);
    ss_kf_set(&slots[BRK_KF_FAST], (double)b->fast_failures);
}
