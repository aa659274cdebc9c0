/*
 * scalesim/store.h -- a bounded key store with TTL and an eviction policy:
 * the memory of one cache instance or one CDN edge.
 *
 * An entry is a key and the time it was inserted. A lookup hits when the
 * key is present and was inserted less than `ttl` ago; a hit does not
 * extend that (TTL from insertion). An expired entry found by a lookup is
 * removed then (lazily, as Redis and memcached do). Inserting a present key
 * refreshes its insertion time. When the store is full, an insert evicts:
 *   lru     the least recently used entry (hits and inserts count as use)
 *   fifo    the oldest inserted entry (hits do not reorder)
 *   random  an entry chosen uniformly
 * Lookup, insert, remove and evict are O(1): an ss_u64map finds a key's
 * slot; slots are dense (a removal moves the last slot into the hole) so a
 * random victim is one draw; a doubly linked list through the slots keeps
 * the recency (lru) or insertion (fifo) order. 24 bytes per entry plus the
 * index (12 bytes a slot at load 1/4 to 1/2), so memory follows the entries, not the traffic.
 *
 * Ownership: ss_store_init / ss_store_release on an embedded store.
 */
#ifndef SCALESIM_STORE_H
#define SCALESIM_STORE_H

#include <gsl/gsl_rng.h>
#include <stdbool.h>
#include <stdint.h>

#include "scalesim/time.h"
#include "scalesim/u64map.h"

typedef enum ss_evict { SS_EVICT_LRU, SS_EVICT_FIFO, SS_EVICT_RANDOM } ss_evict;

/* What one entry costs at most: the slot and its index cell at the
 * lowest load, rounded up; for memory estimates before a run. */
#define SS_STORE_ENTRY_BYTES 64.0

typedef struct ss_store_entry {
    uint64_t key;
    ss_time inserted;
    uint32_t prev, next;    /* list order; UINT32_MAX ends it            */
} ss_store_entry;

typedef struct ss_store {
    ss_evict policy;
    ss_time ttl;            /* 0: entries never expire                   */
    uint32_t capacity, n;
    uint32_t slots;         /* allocated, n <= slots <= capacity          */
    ss_store_entry *e;      /* slots 0 .. n-1 in use                     */
    uint32_t head, tail;    /* head: most recent; tail: next victim      */
    ss_u64map index;        /* key -> slot                               */
    const gsl_rng *rng;     /* random eviction                           */
    uint64_t evictions, expirations;
} ss_store;

void ss_store_init(ss_store *s, uint32_t capacity, ss_time ttl, ss_evict policy,
                   const gsl_rng *rng);
void ss_store_release(ss_store *s);

/* True on a hit. */
bool ss_store_lookup(ss_store *s, uint64_t key, ss_time now);
/* True when the key is present and fresh; changes nothing (no recency). */
bool ss_store_peek(const ss_store *s, uint64_t key, ss_time now);
void ss_store_insert(ss_store *s, uint64_t key, ss_time now);
/* A copy of an entry first inserted elsewhere at `inserted` (a CDN edge
 * filled from its neighbour): it keeps its age, so it expires when the
 * original does, and a copy already expired by `now` is not stored. A
 * present entry keeps the younger of the two times. */
void ss_store_insert_copy(ss_store *s, uint64_t key, ss_time inserted, ss_time now);
/* When the entry of key was inserted; -1 when it is absent. */
ss_time ss_store_inserted(const ss_store *s, uint64_t key);
bool ss_store_remove(ss_store *s, uint64_t key);

static inline uint32_t ss_store_size(const ss_store *s) { return s->n; }

/* Debug check: list, index and slots agree. O(n). */
bool ss_store_valid(const ss_store *s);

#endif
