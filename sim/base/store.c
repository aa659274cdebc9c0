/*
 * sim/base/store.c -- bounded key store with TTL and lru/fifo/random eviction.
 * See scalesim/store.h. Invariant: the index maps exactly the keys of slots
 * 0..n-1 to their slot, and the list visits each of those slots once.
 */
#include "scalesim/store.h"

#include <string.h>

#include "scalesim/mem.h"
#include "scalesim/rng.h"

#define NIL UINT32_MAX

void ss_store_init(ss_store *s, uint32_t capacity, ss_time ttl, ss_evict policy,
                   const gsl_rng *rng)
{
    memset(s, 0, sizeof *s);
    s->policy = policy;
    s->ttl = ttl;
    s->capacity = capacity;
    s->rng = rng;
    s->head = s->tail = NIL;
    ss_u64map_init(&s->index, 16);
}

void ss_store_release(ss_store *s)
{
    ss_free(s->e);
    s->e = NULL;
    ss_u64map_release(&s->index);
}

static void unlink_slot(ss_store *s, uint32_t i)
{
    ss_store_entry *x = &s->e[i];
    if (x->prev != NIL)
        s->e[x->prev].next = x->next;
    else
        s->head = x->next;
    if (x->next != NIL)
        s->e[x->next].prev = x->prev;
    else
        s->tail = x->prev;
}

static void push_head(ss_store *s, uint32_t i)
{
    ss_store_entry *x = &s->e[i];
    x->prev = NIL;
    x->next = s->head;
    if (s->head != NIL)
        s->e[s->head].prev = i;
    s->head = i;
    if (s->tail == NIL)
        s->tail = i;
}

/* Removes slot i: unlink it, move the last slot into the hole. */
static void drop_slot(ss_store *s, uint32_t i)
{
    unlink_slot(s, i);
    ss_u64map_del(&s->index, s->e[i].key);
    uint32_t last = --s->n;
    if (i == last)
        return;
    s->e[i] = s->e[last];
    ss_store_entry *x = &s->e[i];
    if (x->prev != NIL)
        s->e[x->prev].next = i;
    else
        s->head = i;
    if (x->next != NIL)
        s->e[x->next].prev = i;
    else
        s->tail = i;
    *ss_u64map_get(&s->index, x->key) = i;
}

static inline bool fresh(const ss_store *s, const ss_store_entry *x, ss_time now)
{
    return s->ttl == 0 || now - x->inserted < s->ttl;
}

bool ss_store_peek(const ss_store *s, uint64_t key, ss_time now)
{
    const uint32_t *slot = ss_u64map_get(&s->index, key);
    return slot && fresh(s, &s->e[*slot], now);
}

bool ss_store_lookup(ss_store *s, uint64_t key, ss_time now)
{
    uint32_t *slot = ss_u64map_get(&s->index, key);
    if (!slot)
        return false;
    uint32_t i = *slot;
    if (!fresh(s, &s->e[i], now)) {
        drop_slot(s, i);
        s->expirations++;
        return false;
    }
    if (s->policy == SS_EVICT_LRU && s->head != i) {
        unlink_slot(s, i);
        push_head(s, i);
    }
    return true;
}

static void insert_at(ss_store *s, uint64_t key, ss_time inserted);

void ss_store_insert(ss_store *s, uint64_t key, ss_time now)
{
    insert_at(s, key, now);
}

void ss_store_insert_copy(ss_store *s, uint64_t key, ss_time inserted, ss_time now)
{
    if (s->ttl > 0 && now - inserted >= s->ttl)
        return;
    const uint32_t *slot = ss_u64map_get(&s->index, key);
    if (slot && s->e[*slot].inserted > inserted)
        inserted = s->e[*slot].inserted;
    insert_at(s, key, inserted);
}

ss_time ss_store_inserted(const ss_store *s, uint64_t key)
{
    const uint32_t *slot = ss_u64map_get(&s->index, key);
    return slot ? s->e[*slot].inserted : -1;
}

static void insert_at(ss_store *s, uint64_t key, ss_time now)
{
    if (s->capacity == 0)
        return;
    uint32_t *slot = ss_u64map_get(&s->index, key);
    if (slot) {
        uint32_t i = *slot;
        s->e[i].inserted = now;
        /* A refill counts as use for lru and as a new insertion for fifo. */
        if (s->head != i) {
            unlink_slot(s, i);
            push_head(s, i);
        }
        return;
    }
    if (s->n == s->capacity) {
        uint32_t victim = s->policy == SS_EVICT_RANDOM
                              ? (uint32_t)ss_rng_uniform_int(s->rng, s->n)
                              : s->tail;
        drop_slot(s, victim);
        s->evictions++;
    }
    if (s->n == s->slots) {
        /* Slots grow by doubling up to the capacity: a cache sized for a
         * million keys that sees a thousand costs a thousand entries. */
        uint64_t grown = s->slots ? (uint64_t)s->slots * 2 : 16;
        s->slots = (uint32_t)(grown < s->capacity ? grown : s->capacity);
        s->e = ss_realloc(s->e, (size_t)s->slots * sizeof *s->e);
    }
    uint32_t i = s->n++;
    s->e[i] = (ss_store_entry){.key = key, .inserted = now};
    bool created;
    *ss_u64map_put(&s->index, key, &created) = i;
    push_head(s, i);
}

bool ss_store_remove(ss_store *s, uint64_t key)
{
    uint32_t *slot = ss_u64map_get(&s->index, key);
    if (!slot)
        return false;
    drop_slot(s, *slot);
    return true;
}

bool ss_store_valid(const ss_store *s)
{
    if (ss_u64map_size(&s->index) != s->n || s->n > s->capacity)
        return false;
    uint32_t count = 0, prev = NIL;
    for (uint32_t i = s->head; i != NIL; i = s->e[i].next) {
        if (i >= s->n || s->e[i].prev != prev || ++count > s->n)
            return false;
        const uint32_t *slot = ss_u64map_get(&s->index, s->e[i].key);
        if (!slot || *slot != i)
            return false;
        prev = i;
    }
    return count == s->n && s->tail == prev;
}
