/*
 * sim/evq.h -- the pending-event set, ordered by (time, seq).
 *
 * seq is a counter incremented at every push, so two events at the same
 * time pop in the order they were scheduled (FIFO), and the order is total:
 * no two events compare equal and no doubles are compared. The engine never
 * looks inside: it pushes and pops, so the implementation can change (a
 * calendar or ladder queue) behind this interface.
 *
 * Implementation: an implicit 4-ary min-heap of 32-byte events stored by
 * value. Four children share a cache line pair, which halves the depth of a
 * binary heap; sifting moves a hole instead of swapping. Rejected: a
 * pointer heap of separately allocated events (a cache miss per compare)
 * and a splay tree (more pointer chasing for the same O(log n)).
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

typedef struct ss_evq {
    ss_event *heap;
    size_t n, cap;
    uint64_t next_seq;
} ss_evq;

ss_evq *ss_evq_new(size_t capacity_hint);
void ss_evq_free(ss_evq *q);

void ss_evq_push(ss_evq *q, ss_time t, uint32_t handler, uint32_t code, void *ptr);
/* Removes the earliest event into *out; false when empty. */
bool ss_evq_pop(ss_evq *q, ss_event *out);

static inline size_t ss_evq_size(const ss_evq *q) { return q->n; }
static inline ss_time ss_evq_peek_time(const ss_evq *q)
{
    return q->n ? q->heap[0].t : SS_TIME_NEVER;
}

/* Debug check of the heap property over the whole array: O(n). */
bool ss_evq_valid(const ss_evq *q);

#endif
