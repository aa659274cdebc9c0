/*
 * sim/engine/evq.h -- the pending-event set, ordered by (time, seq).
 *
 * seq is a counter incremented at every push, so two events at the same
 * time pop in the order they were scheduled (FIFO), and the order is total:
 * no two events compare equal and no doubles are compared. The engine only
 * pushes and pops, so the implementation is chosen behind this interface:
 *
 *   SS_EVQ_HEAP      an implicit 4-ary min-heap of 32-byte events stored by
 *                    value. O(log n); its sifts touch a cache line per level,
 *                    which is what limits it with a million pending timers.
 *   SS_EVQ_CALENDAR  a calendar queue (R. Brown, CACM 1988): an array of
 *                    buckets, each a sorted list, one bucket per `width` of
 *                    time; the array is resized as the population doubles or
 *                    halves and the width re-estimated from the events about
 *                    to be served. O(1) expected per operation, one or two
 *                    cache misses.
 *
 * Both are kept and benchmarked (tests/bench); the engine picks the heap
 * when only a handful of events are ever pending and the calendar for
 * anything busier. Rejected: a splay tree (pointer chasing for the same
 * O(log n) as the heap) and a ladder queue (O(1) too, but four structures to
 * keep right where the calendar's one suffices for these workloads).
 *
 * Ownership: ss_evq_new / ss_evq_free.
 */
#ifndef SS_EVQ_H
#define SS_EVQ_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "scalesim/time.h"

typedef struct ss_event {
    ss_time t;
    uint64_t seq;
    void *ptr;
    uint32_t handler;
    uint32_t code;
} ss_event;

typedef enum ss_evq_kind { SS_EVQ_CALENDAR, SS_EVQ_HEAP } ss_evq_kind;

typedef struct ss_evq ss_evq;

ss_evq *ss_evq_new(ss_evq_kind kind, size_t capacity_hint);
void ss_evq_free(ss_evq *q);
const char *ss_evq_kind_name(ss_evq_kind kind);

void ss_evq_push(ss_evq *q, ss_time t, uint32_t handler, uint32_t code, void *ptr);
/* Removes the earliest event into *out; false when empty. */
bool ss_evq_pop(ss_evq *q, ss_event *out);
size_t ss_evq_size(const ss_evq *q);
ss_evq_kind ss_evq_kind_of(const ss_evq *q);
/* Memory the set holds, at its largest so far (for benchmarks). */
size_t ss_evq_bytes(const ss_evq *q);

/* Debug check of the structure's invariant over all of it: O(n). */
bool ss_evq_valid(const ss_evq *q);

#endif
