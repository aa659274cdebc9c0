/*
 * sim/engine/evq.c -- the two event-set implementations of evq.h.
 *
 * Heap invariant: every event is no earlier than its parent.
 * Calendar invariant: bucket b holds exactly the events whose time falls in
 * b modulo the year (nb buckets of `width` ns), each list sorted by
 * (t, seq); every event is at or after `last`, the time of the last pop,
 * and `cur` is the bucket of `last`, whose window ends at `cur_top`.
 */
#include "evq.h"

#include <string.h>

#include "scalesim/mem.h"

#define ARITY 4
#define NIL UINT32_MAX

static inline bool before(const ss_event *a, const ss_event *b)
{
    return a->t < b->t || (a->t == b->t && a->seq < b->seq);
}

/* ---- heap -------------------------------------------------------------------- */

typedef struct heap {
    ss_event *h;
    size_t n, cap;
} heap;

static void heap_push(heap *q, const ss_event *ev)
{
    if (q->n == q->cap) {
        q->cap = q->cap ? q->cap * 2 : 64;
        q->h = ss_realloc(q->h, q->cap * sizeof *q->h);
    }
    size_t i = q->n++;
    ss_event *h = q->h;
    while (i > 0) {
        size_t parent = (i - 1) / ARITY;
        if (!before(ev, &h[parent]))
            break;
        h[i] = h[parent];
        i = parent;
    }
    h[i] = *ev;
}

static bool heap_pop(heap *q, ss_event *out)
{
    if (q->n == 0)
        return false;
    ss_event *h = q->h;
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

static bool heap_valid(const heap *q)
{
    for (size_t i = 1; i < q->n; i++)
        if (before(&q->h[i], &q->h[(i - 1) / ARITY]))
            return false;
    return true;
}

/* ---- calendar queue ------------------------------------------------------------- */

typedef struct cq_node {
    ss_event ev;
    uint32_t next;
} cq_node;

typedef struct calendar {
    cq_node *node;          /* pool; free nodes chained through next      */
    uint32_t cap, free_head;
    uint32_t *head, *tail;  /* per bucket                                 */
    uint32_t nb;            /* buckets, a power of two                    */
    int shift;              /* width = 2^shift ns                         */
    size_t n;
    uint32_t cur;
    ss_time cur_top;        /* end of the current bucket's window         */
    ss_time last;           /* time of the last pop                       */
    /* Work counters: empty buckets stepped over by pops and list nodes
     * walked by pushes, checked per pop (pushes and pops balance over a
     * run). When either grows past a few per operation, the
     * width no longer fits the times (a burst, or a quiet spell): re-estimate
     * it without waiting for the population to double or halve. */
    uint64_t ops, steps;
    uint64_t check_every;   /* ops between checks; doubles when a
                             * re-estimate did not help, so resizing never
                             * costs more than O(1) per operation */
    double last_ratio;      /* steps per op that caused the last re-estimate */
    bool resizing;
} calendar;

static inline uint32_t cq_bucket(const calendar *c, ss_time t)
{
    return (uint32_t)((uint64_t)t >> c->shift) & (c->nb - 1);
}

static void cq_set_cursor(calendar *c, ss_time t)
{
    c->cur = cq_bucket(c, t);
    c->cur_top = (ss_time)((((uint64_t)t >> c->shift) + 1) << c->shift);
}

static uint32_t cq_alloc(calendar *c)
{
    if (c->free_head == NIL) {
        uint32_t old = c->cap, cap = old ? old * 2 : 1024;
        c->node = ss_realloc(c->node, (size_t)cap * sizeof *c->node);
        for (uint32_t i = old; i < cap; i++)
            c->node[i].next = i + 1 < cap ? i + 1 : NIL;
        c->free_head = old;
        c->cap = cap;
    }
    uint32_t i = c->free_head;
    c->free_head = c->node[i].next;
    return i;
}

/* Links node i into its bucket, keeping the list sorted. Appending is the
 * common case (later events, or equal times with a larger seq): O(1) with
 * the tail pointer, even for a million events at one instant. */
static void cq_link(calendar *c, uint32_t i)
{
    const ss_event *ev = &c->node[i].ev;
    uint32_t b = cq_bucket(c, ev->t);
    uint32_t t = c->tail[b];
    if (t == NIL) {
        c->head[b] = c->tail[b] = i;
        c->node[i].next = NIL;
        return;
    }
    if (!before(ev, &c->node[t].ev)) {
        c->node[t].next = i;
        c->node[i].next = NIL;
        c->tail[b] = i;
        return;
    }
    uint32_t *link = &c->head[b];
    while (*link != NIL && before(&c->node[*link].ev, ev)) {
        link = &c->node[*link].next;
        c->steps++;
    }
    c->node[i].next = *link;
    *link = i;
}

static void cq_alloc_buckets(calendar *c, uint32_t nb)
{
    c->nb = nb;
    c->head = ss_malloc(nb * sizeof *c->head);
    c->tail = ss_malloc(nb * sizeof *c->tail);
    memset(c->head, 0xff, nb * sizeof *c->head);
    memset(c->tail, 0xff, nb * sizeof *c->tail);
}

static bool cq_pop(calendar *c, ss_event *out);

/* New bucket count; the width from the spacing of the next events to be
 * served (Brown: three times their mean separation), rounded to a power of
 * two so that finding a bucket is a shift. Then every event is relinked. */
static void cq_resize(calendar *c, uint32_t nb)
{
    c->resizing = true;
    ss_time saved_last = c->last;
    enum { SAMPLE = 25 };
    ss_event s[SAMPLE];
    int k = 0;
    while (k < SAMPLE && cq_pop(c, &s[k]))
        k++;
    int shift = c->shift;
    if (k >= 2) {
        /* the mean separation of distinct times, ignoring outliers
         * beyond twice the first mean (Brown's refinement) */
        double span = (double)(s[k - 1].t - s[0].t) / (k - 1), sum = 0;
        int m = 0;
        for (int j = 1; j < k; j++) {
            double d = (double)(s[j].t - s[j - 1].t);
            if (d <= 2 * span) {
                sum += d;
                m++;
            }
        }
        double w = m ? 3 * sum / m : 3 * span;
        shift = 0;
        while (shift < 40 && (double)(1ULL << (shift + 1)) <= w)
            shift++;
    }
    /* relink everything into the new array */
    uint32_t *old_head = c->head, old_nb = c->nb;
    ss_free(c->tail);
    c->shift = shift;
    cq_alloc_buckets(c, nb);
    for (uint32_t b = 0; b < old_nb; b++) {
        uint32_t i = old_head[b];
        while (i != NIL) {
            uint32_t next = c->node[i].next;
            cq_link(c, i);
            i = next;
        }
    }
    ss_free(old_head);
    for (int j = 0; j < k; j++) {
        uint32_t i = cq_alloc(c);
        c->node[i].ev = s[j];
        cq_link(c, i);
    }
    c->n += (size_t)k;
    c->last = saved_last;
    cq_set_cursor(c, c->last);
    c->ops = c->steps = 0;
    c->resizing = false;
}

static void cq_check_work(calendar *c)
{
    if (++c->ops < c->check_every || c->resizing)
        return;
    double ratio = (double)c->steps / (double)c->ops;
    if (ratio > 3) {
        /* a re-estimate that left the work as high as before is not tried
         * again soon: the times are bimodal, or many share one instant */
        if (c->last_ratio > 0 && ratio > 0.5 * c->last_ratio && c->check_every < (1u << 26))
            c->check_every *= 2;
        c->last_ratio = ratio;
        cq_resize(c, c->nb);
    } else {
        c->last_ratio = 0;
    }
    c->ops = c->steps = 0;
}

static void cq_push(calendar *c, const ss_event *ev)
{
    uint32_t i = cq_alloc(c);
    c->node[i].ev = *ev;
    cq_link(c, i);
    c->n++;
    if (c->n > 2 * (size_t)c->nb && c->nb < (1u << 26))
        cq_resize(c, c->nb * 2);
}

static bool cq_pop(calendar *c, ss_event *out)
{
    if (c->n == 0)
        return false;
    for (;;) {
        for (uint32_t k = 0; k < c->nb; k++) {
            uint32_t h = c->head[c->cur];
            if (h != NIL && c->node[h].ev.t < c->cur_top) {
                *out = c->node[h].ev;
                c->head[c->cur] = c->node[h].next;
                if (c->head[c->cur] == NIL)
                    c->tail[c->cur] = NIL;
                c->node[h].next = c->free_head;
                c->free_head = h;
                c->n--;
                c->last = out->t;
                return true;
            }
            c->cur = (c->cur + 1) & (c->nb - 1);
            c->cur_top += (ss_time)1 << c->shift;
            c->steps++;
        }
        /* A whole year without an event in its window: the next one is
         * far ahead. Find it among the bucket heads and jump there. */
        uint32_t best = NIL;
        for (uint32_t b = 0; b < c->nb; b++)
            if (c->head[b] != NIL && (best == NIL || before(&c->node[c->head[b]].ev,
                                                            &c->node[best].ev)))
                best = c->head[b];
        cq_set_cursor(c, c->node[best].ev.t);
    }
}

static void cq_maybe_shrink(calendar *c)
{
    if (c->nb > 64 && c->n < c->nb / 4)
        cq_resize(c, c->nb / 2);
}

static bool cq_valid(const calendar *c)
{
    size_t count = 0;
    for (uint32_t b = 0; b < c->nb; b++) {
        uint32_t prev = NIL;
        for (uint32_t i = c->head[b]; i != NIL; i = c->node[i].next) {
            if (cq_bucket(c, c->node[i].ev.t) != b || c->node[i].ev.t < c->last)
                return false;
            if (prev != NIL && before(&c->node[i].ev, &c->node[prev].ev))
                return false;
            prev = i;
            count++;
        }
        if (c->tail[b] != prev)
            return false;
    }
    return count == c->n;
}

/* ---- the interface ------------------------------------------------------------- */

struct ss_evq {
    ss_evq_kind kind;
    uint64_t next_seq;
    heap heap;
    calendar cal;
    uint32_t pops_since_check;
};

const char *ss_evq_kind_name(ss_evq_kind kind)
{
    return kind == SS_EVQ_HEAP ? "heap" : "calendar";
}

ss_evq *ss_evq_new(ss_evq_kind kind, size_t capacity_hint)
{
    ss_evq *q = ss_calloc(1, sizeof *q);
    q->kind = kind;
    if (kind == SS_EVQ_HEAP) {
        q->heap.cap = capacity_hint > 64 ? capacity_hint : 64;
        q->heap.h = ss_malloc(q->heap.cap * sizeof *q->heap.h);
    } else {
        q->cal.free_head = NIL;
        q->cal.shift = 20; /* 1 ms until the first resize measures */
        q->cal.check_every = 4096;
        cq_alloc_buckets(&q->cal, 64);
        cq_set_cursor(&q->cal, 0);
    }
    return q;
}

void ss_evq_free(ss_evq *q)
{
    if (!q)
        return;
    ss_free(q->heap.h);
    ss_free(q->cal.node);
    ss_free(q->cal.head);
    ss_free(q->cal.tail);
    ss_free(q);
}

void ss_evq_push(ss_evq *q, ss_time t, uint32_t handler, uint32_t code, void *ptr)
{
    ss_event ev = {t, q->next_seq++, ptr, handler, code};
    if (q->kind == SS_EVQ_HEAP)
        heap_push(&q->heap, &ev);
    else
        cq_push(&q->cal, &ev);
}

bool ss_evq_pop(ss_evq *q, ss_event *out)
{
    if (q->kind == SS_EVQ_HEAP)
        return heap_pop(&q->heap, out);
    if (!cq_pop(&q->cal, out))
        return false;
    /* shrinking is checked now and then, not on every pop */
    if ((++q->pops_since_check & 1023) == 0)
        cq_maybe_shrink(&q->cal);
    cq_check_work(&q->cal);
    return true;
}

ss_evq_kind ss_evq_kind_of(const ss_evq *q)
{
    return q->kind;
}

size_t ss_evq_bytes(const ss_evq *q)
{
    if (q->kind == SS_EVQ_HEAP)
        return q->heap.cap * sizeof(ss_event);
    return (size_t)q->cal.cap * sizeof(cq_node) + (size_t)q->cal.nb * 2 * sizeof(uint32_t);
}

size_t ss_evq_size(const ss_evq *q)
{
    return q->kind == SS_EVQ_HEAP ? q->heap.n : q->cal.n;
}

bool ss_evq_valid(const ss_evq *q)
{
    return q->kind == SS_EVQ_HEAP ? heap_valid(&q->heap) : cq_valid(&q->cal);
}
