/*
 * sim/scenario/node.c -- the scenario tree: nodes, mappings with a hash index over
 * their keys, copies, and the deep merge of `extends`. Reading YAML into
 * it is node_yaml.c.
 *
 * A mapping never holds a key twice, and its pairs stay in file order
 * (validation reports errors in file order). A mapping of more than
 * INDEX_MIN pairs has a hash index from key to position, so the duplicate
 * check, ss_node_get and ss_node_set cost O(1) expected and an `extends`
 * merge of big mappings is linear.
 */
#include "node.h"
#include "node_priv.h"

#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <threads.h>
#include <time.h>
#include <yaml.h>

#include "files.h"
#include "scalesim/mem.h"
#include "sim_assert.h"

/* Up to this many pairs a linear scan beats hashing; scenario mappings are
 * almost all this small, so they never pay for an index. */
#define INDEX_MIN 8


/* ---- hashing ----------------------------------------------------------- */

/* SipHash-1-3 with a key drawn once per process. A fixed, public hash would
 * let a crafted file put all its keys in one probe chain, which is the
 * quadratic time the index exists to prevent. The key is process-wide state,
 * but nothing observable depends on it: pairs keep file order, and the index
 * only finds them. */
static uint64_t sip_k0, sip_k1;
static once_flag sip_once = ONCE_FLAG_INIT;

static void sip_seed(void)
{
    uint64_t k[2];
    if (getentropy(k, sizeof k) != 0) {
        /* no entropy source (an old kernel, a sandbox): what varies by run */
        k[0] = (uint64_t)time(NULL) ^ (uint64_t)(uintptr_t)&k;
        k[1] = (uint64_t)clock() ^ ((uint64_t)(uintptr_t)&sip_once << 7);
    }
    sip_k0 = k[0];
    sip_k1 = k[1];
}

#define ROTL(x, b) (((x) << (b)) | ((x) >> (64 - (b))))
#define SIPROUND                                                                           \
    do {                                                                                   \
        v0 += v1; v1 = ROTL(v1, 13); v1 ^= v0; v0 = ROTL(v0, 32);                          \
        v2 += v3; v3 = ROTL(v3, 16); v3 ^= v2;                                             \
        v0 += v3; v3 = ROTL(v3, 21); v3 ^= v0;                                             \
        v2 += v1; v1 = ROTL(v1, 17); v1 ^= v2; v2 = ROTL(v2, 32);                          \
    } while (0)

static uint64_t hash_str(const char *s)
{
    call_once(&sip_once, sip_seed);
    size_t len = strlen(s), left = len;
    const unsigned char *p = (const unsigned char *)s;
    uint64_t v0 = sip_k0 ^ 0x736f6d6570736575u, v1 = sip_k1 ^ 0x646f72616e646f6du,
             v2 = sip_k0 ^ 0x6c7967656e657261u, v3 = sip_k1 ^ 0x7465646279746573u;
    for (; left >= 8; left -= 8, p += 8) {
        uint64_t m = 0;
        for (int i = 0; i < 8; i++)
            m |= (uint64_t)p[i] << (8 * i);
        v3 ^= m;
        SIPROUND;
        v0 ^= m;
    }
    uint64_t b = (uint64_t)len << 56;
    for (size_t i = 0; i < left; i++)
        b |= (uint64_t)p[i] << (8 * i);
    v3 ^= b;
    SIPROUND;
    v0 ^= b;
    v2 ^= 0xff;
    SIPROUND;
    SIPROUND;
    SIPROUND;
    return v0 ^ v1 ^ v2 ^ v3;
}

/* ---- an open-addressing index over an array of named entries ----------- */

/* Slots hold an entry's position + 1 (0 is empty), probed linearly; the
 * table is kept at most half full. The same code indexes a mapping's pairs
 * and the loader's anchors, which differ only in where the name is. */

static const char *pair_key(const void *entries, size_t i)
{
    const ss_node_pair *pairs = entries;
    return pairs[i].key;
}

/* The slot holding key, or the empty slot where it would go. */
size_t ss_nodeidx_slot(const size_t *slots, size_t cap, const void *entries, key_at_fn *key_at,
                      const char *key)
{
    size_t mask = cap - 1;
    for (size_t s = (size_t)hash_str(key) & mask;; s = (s + 1) & mask)
        if (!slots[s] || strcmp(key_at(entries, slots[s] - 1), key) == 0)
            return s;
}

/* Indexes entries [0, n) afresh, in a table sized for n. */
static void index_fill(size_t **slots, size_t *cap, const void *entries, key_at_fn *key_at,
                       size_t n)
{
    size_t c = 16;
    while (c < 2 * n + 2)
        c *= 2;
    ss_free(*slots);
    *slots = ss_calloc(c, sizeof **slots);
    *cap = c;
    for (size_t i = 0; i < n; i++)
        (*slots)[ss_nodeidx_slot(*slots, c, entries, key_at, key_at(entries, i))] = i + 1;
}

/* Indexes entry n - 1, just appended (its name is not yet in the index). */
void ss_nodeidx_add(size_t **slots, size_t *cap, const void *entries, key_at_fn *key_at,
                      size_t n)
{
    if (2 * n + 2 > *cap) {
        index_fill(slots, cap, entries, key_at, n);
        return;
    }
    (*slots)[ss_nodeidx_slot(*slots, *cap, entries, key_at, key_at(entries, n - 1))] = n;
}

/* ---- nodes and mappings ------------------------------------------------ */

ss_node *ss_node_alloc(ss_node_type type, ss_mark mark, char *str)
{
    ss_node *n = ss_calloc(1, sizeof *n);
    n->type = type;
    n->mark = mark;
    n->str = str;
    return n;
}

ss_node *ss_node_new(ss_node_type type, ss_mark mark)
{
    return ss_node_alloc(type, mark, ss_strdup(""));
}

void ss_node_free(ss_node *n)
{
    if (!n)
        return;
    for (size_t i = 0; i < n->n_pairs; i++) {
        ss_free(n->pairs[i].key);
        ss_node_free(n->pairs[i].value);
    }
    for (size_t i = 0; i < n->n_items; i++)
        ss_node_free(n->items[i]);
    ss_free(n->pairs);
    ss_free(n->items);
    ss_free(n->index);
    ss_free(n->str);
    ss_free(n);
}

/* The position of key among map's pairs, or NOT_FOUND. */
size_t ss_node_pair_find(const ss_node *map, const char *key)
{
    if (map->index) {
        size_t s = ss_nodeidx_slot(map->index, map->index_cap, map->pairs, pair_key, key);
        return map->index[s] ? map->index[s] - 1 : NOT_FOUND;
    }
    for (size_t i = 0; i < map->n_pairs; i++)
        if (strcmp(map->pairs[i].key, key) == 0)
            return i;
    return NOT_FOUND;
}

/* Appends a pair whose key (owned, taken) map does not hold yet. */
void ss_node_pair_append(ss_node *map, char *key, ss_mark key_mark, ss_node *value)
{
    SS_GROW(map->pairs, map->cap_pairs, map->n_pairs + 1);
    map->pairs[map->n_pairs++] = (ss_node_pair){key, key_mark, value};
    if (map->index)
        ss_nodeidx_add(&map->index, &map->index_cap, map->pairs, pair_key, map->n_pairs);
    else if (map->n_pairs > INDEX_MIN)
        index_fill(&map->index, &map->index_cap, map->pairs, pair_key, map->n_pairs);
}

/* After pairs were removed: the index again matches the positions. */
static void index_refresh(ss_node *map)
{
    if (map->n_pairs > INDEX_MIN) {
        index_fill(&map->index, &map->index_cap, map->pairs, pair_key, map->n_pairs);
    } else {
        ss_free(map->index);
        map->index = NULL;
        map->index_cap = 0;
    }
}

/* Drops pair i from the index before it leaves the array: backward-shift
 * deletion (no tombstones, so probe chains never lengthen), then every
 * position after i moves down by one, as the memmove will move the pairs. */
static void index_remove(ss_node *map, size_t i)
{
    size_t *slots = map->index, mask = map->index_cap - 1;
    size_t hole = ss_nodeidx_slot(slots, map->index_cap, map->pairs, pair_key, map->pairs[i].key);
    SS_ASSERT(slots[hole] == i + 1);
    for (size_t s = (hole + 1) & mask; slots[s]; s = (s + 1) & mask) {
        size_t home = (size_t)hash_str(map->pairs[slots[s] - 1].key) & mask;
        /* the entry at s may fill the hole unless its home slot lies
         * (cyclically) after the hole, where a probe would stop first */
        bool stays = hole <= s ? (hole < home && home <= s) : (hole < home || home <= s);
        if (!stays) {
            slots[hole] = slots[s];
            hole = s;
        }
    }
    slots[hole] = 0;
    for (size_t s = 0; s < map->index_cap; s++)
        if (slots[s] > i + 1)
            slots[s]--;
}

/* Copies n. With reflow, each scalar's `flow` is worked out again for the
 * copy's new place (in_flow: the place is inside a flow collection), as
 * when the copy is an alias's: whether a scalar sits in {...} depends on
 * where it is used, not on where it was anchored. */
ss_node *ss_node_copy_tree(const ss_node *n, bool reflow, bool in_flow)
{
    ss_node *c = ss_node_alloc(n->type, n->mark, ss_strdup(n->str));
    c->quoted = n->quoted;
    c->flow = reflow && n->type != SS_NODE_MAP && n->type != SS_NODE_SEQ ? in_flow : n->flow;
    c->flow_style = n->flow_style;
    bool inner = in_flow || n->flow_style;
    if (n->n_pairs) {
        c->pairs = ss_malloc(n->n_pairs * sizeof *c->pairs);
        c->cap_pairs = c->n_pairs = n->n_pairs;
        for (size_t i = 0; i < n->n_pairs; i++)
            c->pairs[i] = (ss_node_pair){ss_strdup(n->pairs[i].key), n->pairs[i].key_mark,
                                         ss_node_copy_tree(n->pairs[i].value, reflow, inner)};
    }
    if (n->index) {
        /* same keys at the same positions: the same slots */
        c->index = ss_malloc(n->index_cap * sizeof *c->index);
        memcpy(c->index, n->index, n->index_cap * sizeof *c->index);
        c->index_cap = n->index_cap;
    }
    if (n->n_items) {
        c->items = ss_malloc(n->n_items * sizeof *c->items);
        c->cap_items = c->n_items = n->n_items;
        for (size_t i = 0; i < n->n_items; i++)
            c->items[i] = ss_node_copy_tree(n->items[i], reflow, inner);
    }
    return c;
}

ss_node *ss_node_copy(const ss_node *n)
{
    return n ? ss_node_copy_tree(n, false, false) : NULL;
}

const ss_node_pair *ss_node_pair_of(const ss_node *map, const char *key)
{
    if (!map || map->type != SS_NODE_MAP)
        return NULL;
    size_t i = ss_node_pair_find(map, key);
    return i == NOT_FOUND ? NULL : &map->pairs[i];
}

ss_node *ss_node_get(const ss_node *map, const char *key)
{
    const ss_node_pair *p = ss_node_pair_of(map, key);
    return p ? p->value : NULL;
}

void ss_node_set(ss_node *map, const char *key, ss_mark key_mark, ss_node *value)
{
    size_t i = ss_node_pair_find(map, key);
    if (i != NOT_FOUND) {
        ss_node_free(map->pairs[i].value);
        map->pairs[i].value = value;
        return;
    }
    ss_node_pair_append(map, ss_strdup(key), key_mark, value);
}

ss_node *ss_node_take(ss_node *map, const char *key)
{
    if (!map || map->type != SS_NODE_MAP)
        return NULL;
    size_t i = ss_node_pair_find(map, key);
    if (i == NOT_FOUND)
        return NULL;
    ss_node *v = map->pairs[i].value;
    if (map->index)
        index_remove(map, i);
    ss_free(map->pairs[i].key);
    memmove(&map->pairs[i], &map->pairs[i + 1], (map->n_pairs - i - 1) * sizeof map->pairs[0]);
    map->n_pairs--;
    if (map->index && map->n_pairs <= INDEX_MIN)
        index_refresh(map);
    return v;
}

void ss_node_merge(ss_node *base, ss_node *over)
{
    /* over's keys are distinct (no mapping holds a key twice), so the order
     * in which its pairs apply does not change the result. Replacements and
     * merges go first, in order; removals follow in one pass, so dropping
     * many keys is linear rather than a memmove each. */
    size_t n_removed = 0;
    for (size_t i = 0; i < over->n_pairs; i++) {
        ss_node_pair *op = &over->pairs[i];
        if (op->value->type == SS_NODE_NULL) {
            /* `key: null` (or `key: ~`) removes what the base had, as in
             * JSON Merge Patch (RFC 7386): how a stage drops a component. */
            n_removed++;
            continue;
        }
        ss_node *bv = ss_node_get(base, op->key);
        if (bv && bv->type == SS_NODE_MAP && op->value->type == SS_NODE_MAP)
            ss_node_merge(bv, op->value);
        else
            ss_node_set(base, op->key, op->key_mark, op->value);
        op->value = NULL; /* consumed */
    }
    if (n_removed && base->type == SS_NODE_MAP && base->n_pairs) {
        bool *gone = ss_calloc(base->n_pairs, sizeof *gone);
        for (size_t i = 0; i < over->n_pairs; i++) {
            const ss_node_pair *op = &over->pairs[i];
            size_t j = op->value ? ss_node_pair_find(base, op->key) : NOT_FOUND;
            if (j != NOT_FOUND)
                gone[j] = true;
        }
        size_t kept = 0;
        for (size_t j = 0; j < base->n_pairs; j++) {
            if (gone[j]) {
                ss_free(base->pairs[j].key);
                ss_node_free(base->pairs[j].value);
            } else {
                base->pairs[kept++] = base->pairs[j];
            }
        }
        ss_free(gone);
        if (kept != base->n_pairs) {
            base->n_pairs = kept;
            index_refresh(base);
        }
    }
    ss_node_free(over);
}

const char *ss_node_type_name(const ss_node *n)
{
    if (!n)
        return "nothing";
    switch (n->type) {
    case SS_NODE_NULL: return "nothing";
    case SS_NODE_SCALAR: return "a scalar";
    case SS_NODE_MAP: return "a mapping";
    case SS_NODE_SEQ: return "a list";
    }
    return "?";
}

