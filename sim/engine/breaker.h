/*
 * sim/engine/breaker.h -- a circuit breaker in front of a component
 * (SPEC.md 4.5), as the engine runs it: route.c asks it before delivering
 * a call and tells it each call's outcome as the answer passes back.
 */
#ifndef SS_BREAKER_H
#define SS_BREAKER_H

#include <stdbool.h>
#include <stdint.h>

#include "scalesim/figures.h"
#include "scenario.h"

typedef struct ss_sim ss_sim;

typedef enum ss_brk_state { SS_BRK_CLOSED, SS_BRK_OPEN, SS_BRK_HALF_OPEN, SS_BRK_STATES } ss_brk_state;

#define SS_BRK_BUCKETS 10

typedef struct ss_breaker {
    const ss_breaker_cfg *cfg;
    ss_brk_state state;
    ss_time open_until;         /* OPEN: when trials may begin              */
    /* the window, as buckets of window / SS_BRK_BUCKETS (as resilience4j's
     * time-based sliding window keeps one per second) */
    ss_time bucket_ns;
    int64_t epoch[SS_BRK_BUCKETS];
    uint32_t calls[SS_BRK_BUCKETS], fails[SS_BRK_BUCKETS];
    int trials_sent, trials_back, trials_failed; /* HALF_OPEN              */
    /* time in each state while measuring, and not closed since time 0 */
    ss_time t_last;
    double state_ns[SS_BRK_STATES];
    double not_closed_ns;
    uint64_t opened, fast_failures, counted; /* while measuring           */
} ss_breaker;

void ss_breaker_init(ss_breaker *b, const ss_breaker_cfg *cfg);
/* Whether a call may go through now; false: it fails fast (as down). */
bool ss_breaker_admit(ss_breaker *b, ss_sim *sim);
/* A call that went through came back, failed or not. */
void ss_breaker_note(ss_breaker *b, ss_sim *sim, bool failed);
/* Nanoseconds it was open or half-open since time 0 (the time series). */
double ss_breaker_not_closed_ns(ss_breaker *b, ss_sim *sim);

/* Its figures, after the kind's own in a component's report: the table,
 * and their values into slots (as many as the table has entries). */
extern const ss_kfig_def ss_breaker_figures[];
void ss_breaker_report(ss_breaker *b, ss_sim *sim, ss_kfig *slots);

#endif
