/*
 * scalesim/u64map.h -- a hash table from 64-bit keys to 32-bit values.
 *
 * Caches index their entries with it and databases count the writes not yet
 * applied at each replica, so lookups, inserts and deletes are all on the
 * hot path: open addressing with linear probing (one cache line holds
 * several probes), keys spread by the splitmix64 finaliser, load kept under
 * 1/2, and deletion by backward shift, so there are no tombstones and probe
 * sequences never degrade. Rejected: hsearch(3) (one global table, no
 * delete) and GSL (no hash table); a chained table (a pointer chase per
 * probe and an allocation per insert).
 *
 * Keys may be any value but UINT64_MAX. Ownership: ss_u64map_init /
 * ss_u64map_release on an embedded map.
 */
#ifndef SCALESIM_U64MAP_H
#define SCALESIM_U64MAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct ss_u64map {
    uint64_t *keys;     /* UINT64_MAX marks an empty slot */
    uint32_t *vals;
    size_t mask;        /* capacity - 1, capacity a power of two */
    size_t n;
} ss_u64map;

void ss_u64map_init(ss_u64map *m, size_t expected);
void ss_u64map_release(ss_u64map *m);

/* The value slot of key, or NULL when absent. Valid until the next put/del. */
uint32_t *ss_u64map_get(const ss_u64map *m, uint64_t key);
/* The value slot of key, created (value 0) when absent. */
uint32_t *ss_u64map_put(ss_u64map *m, uint64_t key, bool *created);
bool ss_u64map_del(ss_u64map *m, uint64_t key);

static inline size_t ss_u64map_size(const ss_u64map *m) { return m->n; }

#endif
