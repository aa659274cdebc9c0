/*
 * sim/u64map.c -- open addressing, linear probing, backward-shift delete.
 * Invariant: every key sits in the run of occupied slots that starts at its
 * home slot, with no empty slot between home and where it is.
 */
#include "scalesim/u64map.h"

#include <string.h>

#include "scalesim/mem.h"
#include "scalesim/rng.h"

#define EMPTY UINT64_MAX

static inline size_t home(const ss_u64map *m, uint64_t key)
{
    return (size_t)ss_mix64(key) & m->mask;
}

static void alloc_slots(ss_u64map *m, size_t cap)
{
    m->keys = ss_malloc(cap * sizeof *m->keys);
    m->vals = ss_malloc(cap * sizeof *m->vals);
    memset(m->keys, 0xff, cap * sizeof *m->keys);
    m->mask = cap - 1;
    m->n = 0;
}

void ss_u64map_init(ss_u64map *m, size_t expected)
{
    size_t cap = 16;
    while (cap < expected * 2)
        cap *= 2;
    alloc_slots(m, cap);
}

void ss_u64map_release(ss_u64map *m)
{
    ss_free(m->keys);
    ss_free(m->vals);
    m->keys = NULL;
    m->vals = NULL;
    m->n = 0;
}

uint32_t *ss_u64map_get(const ss_u64map *m, uint64_t key)
{
    for (size_t i = home(m, key);; i = (i + 1) & m->mask) {
        if (m->keys[i] == key)
            return &m->vals[i];
        if (m->keys[i] == EMPTY)
            return NULL;
    }
}

static void grow(ss_u64map *m)
{
    uint64_t *keys = m->keys;
    uint32_t *vals = m->vals;
    size_t cap = m->mask + 1;
    alloc_slots(m, cap * 2);
    for (size_t i = 0; i < cap; i++)
        if (keys[i] != EMPTY) {
            bool created;
            *ss_u64map_put(m, keys[i], &created) = vals[i];
        }
    ss_free(keys);
    ss_free(vals);
}

uint32_t *ss_u64map_put(ss_u64map *m, uint64_t key, bool *created)
{
    if ((m->n + 1) * 2 > m->mask + 1)
        grow(m);
    for (size_t i = home(m, key);; i = (i + 1) & m->mask) {
        if (m->keys[i] == key) {
            *created = false;
            return &m->vals[i];
        }
        if (m->keys[i] == EMPTY) {
            m->keys[i] = key;
            m->vals[i] = 0;
            m->n++;
            *created = true;
            return &m->vals[i];
        }
    }
}

bool ss_u64map_del(ss_u64map *m, uint64_t key)
{
    size_t i = home(m, key);
    for (;; i = (i + 1) & m->mask) {
        if (m->keys[i] == EMPTY)
            return false;
        if (m->keys[i] == key)
            break;
    }
    /* Backward shift: pull later members of the run into the hole when
     * the hole lies on their probe path (between their home and them). */
    size_t hole = i;
    for (size_t j = (i + 1) & m->mask; m->keys[j] != EMPTY; j = (j + 1) & m->mask) {
        size_t h = home(m, m->keys[j]);
        bool movable = hole <= j ? (h <= hole || h > j) : (h <= hole && h > j);
        if (movable) {
            m->keys[hole] = m->keys[j];
            m->vals[hole] = m->vals[j];
            hole = j;
        }
    }
    m->keys[hole] = EMPTY;
    m->n--;
    return true;
}
