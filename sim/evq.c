/*
 * sim/evq.c -- 4-ary min-heap of events by (time, seq). See evq.h.
 * Invariant: every event is no earlier than its parent: for i > 0,
 * !before(heap[i], heap[(i - 1) / 4]).
 */
#include "evq.h"

#include "scalesim/mem.h"

#define ARITY 4

static inline bool before(const ss_event *a, const ss_event *b)
{
    return a->t < b->t || (a->t == b->t && a->seq < b->seq);
}

ss_evq *ss_evq_new(size_t capacity_hint)
{
    ss_evq *q = ss_calloc(1, sizeof *q);
    q->cap = capacity_hint > 16 ? capacity_hint : 16;
    q->heap = ss_malloc(q->cap * sizeof *q->heap);
    return q;
}

void ss_evq_free(ss_evq *q)
{
    if (!q)
        return;
    ss_free(q->heap);
    ss_free(q);
}

void ss_evq_push(ss_evq *q, ss_time t, uint32_t handler, uint32_t code, void *ptr)
{
    if (q->n == q->cap) {
        q->cap *= 2;
        q->heap = ss_realloc(q->heap, q->cap * sizeof *q->heap);
    }
    ss_event ev = {t, q->next_seq++, ptr, handler, code};
    size_t i = q->n++;
    ss_event *h = q->heap;
    while (i > 0) {
        size_t parent = (i - 1) / ARITY;
        if (!before(&ev, &h[parent]))
            break;
        h[i] = h[parent];
        i = parent;
    }
    h[i] = ev;
}

bool ss_evq_pop(ss_evq *q, ss_event *out)
{
    if (q->n == 0)
        return false;
    ss_event *h = q->heap;
    *out = h[0];
    size_t n = --q->n;
    if (n == 0)
        return true;
    ss_event last = h[n];
    size_t i = 0;
    for (;;) {
        size_t c = i * ARITY + 1;
        if (c >= n)
            break;
        size_t best = c;
        size_t end = c + ARITY < n ? c + ARITY : n;
        for (size_t k = c + 1; k < end; k++)
            if (before(&h[k], &h[best]))
                best = k;
        if (!before(&h[best], &last))
            break;
        h[i] = h[best];
        i = best;
    }
    h[i] = last;
    return true;
}

bool ss_evq_valid(const ss_evq *q)
{
    for (size_t i = 1; i < q->n; i++)
        if (before(&q->heap[i], &q->heap[(i - 1) / ARITY]))
            return false;
    return true;
}
