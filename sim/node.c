/*
 * sim/node.c -- YAML to ss_node trees, with marks; merge for `extends`.
 *
 * The loader reads libyaml's events (yaml_parser_parse) once, in file
 * order, and builds the tree itself with a stack of the collections still
 * open. It keeps these invariants while it reads, not afterwards:
 *
 *   - no node lies deeper than MAX_DEPTH (the root is at depth 0) and no
 *     more than MAX_NODES nodes are built for one text, counting the copies
 *     that aliases make. The first node that would break either is refused
 *     at its own line:col and reading stops there, so a hostile text costs
 *     time in proportion to what was read before it, never to its square;
 *   - a mapping never holds a key twice, and its pairs stay in file order
 *     (validation reports errors in file order). A mapping of more than
 *     INDEX_MIN pairs has a hash index from key to position, so the
 *     duplicate check, ss_node_get and ss_node_set cost O(1) expected and
 *     an `extends` merge of big mappings is linear.
 *
 * Anchors: an anchored node is recorded with the size and height of its
 * subtree; an alias copies it (YAML's meaning, and what validation needs:
 * each use may be edited by --set on its own), after checking that the copy
 * keeps within both limits, so an alias bomb ("billion laughs") is refused
 * before it is built.
 *
 * Rejected: libyaml's document API (yaml_parser_load), which this replaces.
 * It builds the whole document before anything can be checked: an 80,000
 * deep [[[[... made libyaml's scanner revisit every open bracket at each
 * token (70 s) before the depth limit could say no, its anchors were a
 * list searched at every alias, and the duplicate-key check compared each
 * key with all the earlier ones. Nothing in it can stop early.
 *
 * Where this differs from it, on purpose: a duplicate key's value and a key
 * that is a collection are now read (for the anchors they may hold) and
 * count against the limits; an anchored mapping with a duplicate key says
 * so once, not once per alias; content after the first document that is
 * not valid YAML is an error (it was silently ignored); the too-big error
 * of an alias copy points at the alias, not inside what it copies.
 */
#include "node.h"

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

#define MAX_DEPTH 64
#define MAX_NODES 200000
#define MAX_FILE_BYTES (16u << 20)
/* Up to this many pairs a linear scan beats hashing; scenario mappings are
 * almost all this small, so they never pay for an index. */
#define INDEX_MIN 8
#define NOT_FOUND SIZE_MAX

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
typedef const char *key_at_fn(const void *entries, size_t i);

static const char *pair_key(const void *entries, size_t i)
{
    const ss_node_pair *pairs = entries;
    return pairs[i].key;
}

/* The slot holding key, or the empty slot where it would go. */
static size_t slot_of(const size_t *slots, size_t cap, const void *entries, key_at_fn *key_at,
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
        (*slots)[slot_of(*slots, c, entries, key_at, key_at(entries, i))] = i + 1;
}

/* Indexes entry n - 1, just appended (its name is not yet in the index). */
static void index_add(size_t **slots, size_t *cap, const void *entries, key_at_fn *key_at,
                      size_t n)
{
    if (2 * n + 2 > *cap) {
        index_fill(slots, cap, entries, key_at, n);
        return;
    }
    (*slots)[slot_of(*slots, *cap, entries, key_at, key_at(entries, n - 1))] = n;
}

/* ---- nodes and mappings ------------------------------------------------ */

static ss_node *node_alloc(ss_node_type type, ss_mark mark, char *str)
{
    ss_node *n = ss_calloc(1, sizeof *n);
    n->type = type;
    n->mark = mark;
    n->str = str;
    return n;
}

ss_node *ss_node_new(ss_node_type type, ss_mark mark)
{
    return node_alloc(type, mark, ss_strdup(""));
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
static size_t pair_find(const ss_node *map, const char *key)
{
    if (map->index) {
        size_t s = slot_of(map->index, map->index_cap, map->pairs, pair_key, key);
        return map->index[s] ? map->index[s] - 1 : NOT_FOUND;
    }
    for (size_t i = 0; i < map->n_pairs; i++)
        if (strcmp(map->pairs[i].key, key) == 0)
            return i;
    return NOT_FOUND;
}

/* Appends a pair whose key (owned, taken) map does not hold yet. */
static void pair_append(ss_node *map, char *key, ss_mark key_mark, ss_node *value)
{
    SS_GROW(map->pairs, map->cap_pairs, map->n_pairs + 1);
    map->pairs[map->n_pairs++] = (ss_node_pair){key, key_mark, value};
    if (map->index)
        index_add(&map->index, &map->index_cap, map->pairs, pair_key, map->n_pairs);
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
    size_t hole = slot_of(slots, map->index_cap, map->pairs, pair_key, map->pairs[i].key);
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
static ss_node *copy_tree(const ss_node *n, bool reflow, bool in_flow)
{
    ss_node *c = node_alloc(n->type, n->mark, ss_strdup(n->str));
    c->quoted = n->quoted;
    c->flow = reflow && n->type != SS_NODE_MAP && n->type != SS_NODE_SEQ ? in_flow : n->flow;
    c->flow_style = n->flow_style;
    bool inner = in_flow || n->flow_style;
    if (n->n_pairs) {
        c->pairs = ss_malloc(n->n_pairs * sizeof *c->pairs);
        c->cap_pairs = c->n_pairs = n->n_pairs;
        for (size_t i = 0; i < n->n_pairs; i++)
            c->pairs[i] = (ss_node_pair){ss_strdup(n->pairs[i].key), n->pairs[i].key_mark,
                                         copy_tree(n->pairs[i].value, reflow, inner)};
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
            c->items[i] = copy_tree(n->items[i], reflow, inner);
    }
    return c;
}

ss_node *ss_node_copy(const ss_node *n)
{
    return n ? copy_tree(n, false, false) : NULL;
}

const ss_node_pair *ss_node_pair_of(const ss_node *map, const char *key)
{
    if (!map || map->type != SS_NODE_MAP)
        return NULL;
    size_t i = pair_find(map, key);
    return i == NOT_FOUND ? NULL : &map->pairs[i];
}

ss_node *ss_node_get(const ss_node *map, const char *key)
{
    const ss_node_pair *p = ss_node_pair_of(map, key);
    return p ? p->value : NULL;
}

void ss_node_set(ss_node *map, const char *key, ss_mark key_mark, ss_node *value)
{
    size_t i = pair_find(map, key);
    if (i != NOT_FOUND) {
        ss_node_free(map->pairs[i].value);
        map->pairs[i].value = value;
        return;
    }
    pair_append(map, ss_strdup(key), key_mark, value);
}

ss_node *ss_node_take(ss_node *map, const char *key)
{
    if (!map || map->type != SS_NODE_MAP)
        return NULL;
    size_t i = pair_find(map, key);
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
            size_t j = op->value ? pair_find(base, op->key) : NOT_FOUND;
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

/* ---- loading: libyaml's events to a tree ------------------------------- */

typedef struct anchor {
    char *name;
    ss_node *node;  /* borrowed: in the tree, or in the loader's dropped list */
    size_t size;    /* nodes in its subtree, as counted against MAX_NODES */
    int height;     /* levels in its subtree: 1 for a scalar */
    bool open;      /* a collection still being read: an alias to it is a cycle */
} anchor;

static const char *anchor_name(const void *entries, size_t i)
{
    const anchor *a = entries;
    return a[i].name;
}

/* A collection being read. */
typedef struct frame {
    ss_node *node;
    bool in_flow;       /* its children sit inside a flow collection        */
    bool quiet;         /* it will be dropped: say nothing about its keys   */
    int height;         /* levels of its tallest finished child             */
    size_t first;       /* the node count before it, for its anchor's size  */
    size_t anchor;      /* its anchor's position + 1, or 0                  */
    /* a mapping's key, between the key and its value */
    bool have_key;
    bool drop_value;    /* the key was a duplicate or not a scalar          */
    char *key;          /* owned                                            */
    ss_mark key_mark;
} frame;

/* An error found while reading that is reported only if the text turns out
 * to be YAML: as before, invalid YAML gets one message, not also a list of
 * what was odd in the part read before it. */
typedef struct pending {
    ss_mark at;
    char *msg;
} pending;

typedef struct loader {
    const char *file;
    const char *text;
    size_t len;
    int col_base;
    ss_diag *diag;
    frame stack[MAX_DEPTH + 1]; /* a collection at depth d is stack[d] */
    size_t depth;               /* collections open */
    ss_node *root;
    size_t count;               /* nodes built, copies included */
    anchor *anchors;
    size_t n_anchors, cap_anchors;
    size_t *anchor_index, anchor_index_cap;
    /* nodes read but not kept (duplicate keys' values, mapping keys that
     * are collections, anchored scalar keys): anchors may point into them,
     * so they live until the end */
    ss_node **dropped;
    size_t n_dropped, cap_dropped;
    /* the first SS_DIAG_MAX pending errors, and how many more */
    pending pend[SS_DIAG_MAX];
    size_t n_pend, n_more;
} loader;

static ss_mark mark_of(const loader *l, yaml_mark_t m)
{
    ss_mark k = {l->file, (int)m.line + 1, (int)m.column + 1};
    if (m.line == 0)
        k.col += l->col_base;
    return k;
}

static size_t bom_len(const loader *l)
{
    return l->len >= 3 && memcmp(l->text, "\xEF\xBB\xBF", 3) == 0 ? 3 : 0;
}

/* Steps over one character as libyaml counts them, setting *brk when it
 * ends a line: \r\n, \r, \n, NEL, LS or PS. */
static const char *next_char(const char *p, const char *e, bool *brk)
{
    const unsigned char *u = (const unsigned char *)p;
    size_t left = (size_t)(e - p);
    *brk = true;
    if (u[0] == '\r')
        return left > 1 && u[1] == '\n' ? p + 2 : p + 1;
    if (u[0] == '\n')
        return p + 1;
    if (left > 1 && u[0] == 0xC2 && u[1] == 0x85)
        return p + 2;
    if (left > 2 && u[0] == 0xE2 && u[1] == 0x80 && (u[2] == 0xA8 || u[2] == 0xA9))
        return p + 3;
    *brk = false;
    for (p++; p < e && ((unsigned char)*p & 0xC0) == 0x80; p++)
        ;
    return p;
}

/* The mark of a byte offset, counted as libyaml counts its marks (columns
 * are characters, not bytes; a byte-order mark is no column). libyaml's
 * reader errors (bad UTF-8, control characters) give only an offset into
 * the raw input, which here is the text itself; all before it decoded. */
static ss_mark mark_at_offset(const loader *l, size_t off)
{
    const char *p = l->text + bom_len(l), *e = l->text + (off < l->len ? off : l->len);
    yaml_mark_t m = {0, 0, 0};
    while (p < e) {
        bool brk;
        p = next_char(p, e, &brk);
        if (brk) {
            m.line++;
            m.column = 0;
        } else {
            m.column++;
        }
    }
    return mark_of(l, m);
}

/* The byte at a libyaml mark, or NUL past the end. (mark.index counts
 * characters, so it is a byte offset only in ASCII text.) */
static char byte_at_mark(const loader *l, yaml_mark_t m)
{
    const char *p = l->text + bom_len(l), *e = l->text + l->len;
    size_t line = 0, col = 0;
    while (p < e && (line < m.line || (line == m.line && col < m.column))) {
        bool brk;
        p = next_char(p, e, &brk);
        if (brk) {
            if (line == m.line)
                return '\0'; /* the mark is past the end of its line */
            line++;
            col = 0;
        } else {
            col++;
        }
    }
    return p < e ? *p : '\0';
}

static void invalid_yaml(loader *l, ss_mark at, const char *problem, const char *context,
                         bool tab)
{
    ss_diag_error(l->diag, at, "invalid YAML: %s%s%s%s", problem ? problem : "error",
                  context ? " " : "", context ? context : "",
                  tab ? " (a tab: YAML indents with spaces)" : "");
}

/* libyaml could not go on: say where and why. */
static void parser_error(loader *l, const yaml_parser_t *p)
{
    if (p->error == YAML_READER_ERROR) {
        invalid_yaml(l, mark_at_offset(l, p->problem_offset), p->problem, NULL, false);
        return;
    }
    /* libyaml says "found character that cannot start any token" of a tab;
     * say why */
    bool tab = byte_at_mark(l, p->problem_mark) == '\t';
    invalid_yaml(l, mark_of(l, p->problem_mark), p->problem, p->context, tab);
}

static void later(loader *l, ss_mark at, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void later(loader *l, ss_mark at, const char *fmt, ...)
{
    if (l->n_pend == SS_DIAG_MAX) {
        l->n_more++;
        return;
    }
    /* the size ss_diag_error formats into, so the text is the same */
    char buf[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    l->pend[l->n_pend++] = (pending){at, ss_strdup(buf)};
}

/* The text is YAML after all (or as far as it was read): report what was
 * held back. The first SS_DIAG_MAX fill the diag, which only counts the
 * rest (diag.h), so those need no text of their own. */
static void flush_pending(loader *l)
{
    for (size_t i = 0; i < l->n_pend; i++) {
        ss_diag_error(l->diag, l->pend[i].at, "%s", l->pend[i].msg);
        ss_free(l->pend[i].msg);
    }
    for (size_t i = 0; i < l->n_more; i++)
        ss_diag_error(l->diag, l->pend[l->n_pend - 1].at, "%s", "(not shown)");
    l->n_pend = l->n_more = 0;
}

static void drop_pending(loader *l)
{
    for (size_t i = 0; i < l->n_pend; i++)
        ss_free(l->pend[i].msg);
    l->n_pend = l->n_more = 0;
}

static bool too_big(loader *l, ss_mark at)
{
    flush_pending(l);
    ss_diag_error(l->diag, at, "the document is nested deeper than %d levels or holds more "
                  "than %d values", MAX_DEPTH, MAX_NODES);
    return false;
}

static void drop(loader *l, ss_node *n)
{
    SS_GROW(l->dropped, l->cap_dropped, l->n_dropped + 1);
    l->dropped[l->n_dropped++] = n;
}

static frame *top(loader *l)
{
    return l->depth ? &l->stack[l->depth - 1] : NULL;
}

static anchor *find_anchor(const loader *l, const char *name)
{
    if (!l->anchor_index)
        return NULL;
    size_t s = slot_of(l->anchor_index, l->anchor_index_cap, l->anchors, anchor_name, name);
    return l->anchor_index[s] ? &l->anchors[l->anchor_index[s] - 1] : NULL;
}

/* Records node under name (NULL: no anchor); its position + 1, or 0 after
 * reporting a second anchor of that name, which libyaml refused too (with
 * these words). */
static size_t add_anchor(loader *l, const yaml_char_t *name, ss_node *node, ss_mark at,
                         bool open)
{
    if (!name)
        return 0;
    if (find_anchor(l, (const char *)name)) {
        invalid_yaml(l, at, "second occurrence", "found duplicate anchor; first occurrence",
                     false);
        return 0;
    }
    SS_GROW(l->anchors, l->cap_anchors, l->n_anchors + 1);
    l->anchors[l->n_anchors++] = (anchor){ss_strdup((const char *)name), node, 1, 1, open};
    index_add(&l->anchor_index, &l->anchor_index_cap, l->anchors, anchor_name, l->n_anchors);
    return l->n_anchors;
}

static bool is_null_scalar(const yaml_event_t *ev)
{
    if (ev->data.scalar.style != YAML_PLAIN_SCALAR_STYLE)
        return false;
    const char *s = (const char *)ev->data.scalar.value;
    return ev->data.scalar.length == 0 || strcmp(s, "~") == 0 || strcmp(s, "null") == 0 ||
           strcmp(s, "Null") == 0 || strcmp(s, "NULL") == 0;
}

static ss_node *scalar_node(const yaml_event_t *ev, ss_mark at, bool in_flow)
{
    ss_node *n = node_alloc(is_null_scalar(ev) ? SS_NODE_NULL : SS_NODE_SCALAR, at,
                            ss_strndup((const char *)ev->data.scalar.value,
                                       ev->data.scalar.length));
    n->quoted = ev->data.scalar.style != YAML_PLAIN_SCALAR_STYLE;
    n->flow = in_flow;
    return n;
}

/* Puts a finished node (of `height` levels) in its place: the root, the
 * next item of a list, or the value of the key read before it. */
static void place(loader *l, ss_node *n, int height)
{
    frame *f = top(l);
    if (!f) {
        l->root = n;
        return;
    }
    bool kept = true;
    if (f->node->type == SS_NODE_SEQ) {
        SS_GROW(f->node->items, f->node->cap_items, f->node->n_items + 1);
        f->node->items[f->node->n_items++] = n;
    } else if (!f->have_key) {
        /* a collection used as a key, reported when it began */
        drop(l, n);
        f->have_key = f->drop_value = true;
        return;
    } else {
        kept = !f->drop_value;
        if (kept)
            pair_append(f->node, f->key, f->key_mark, n);
        else
            drop(l, n);
        f->key = NULL;
        f->have_key = f->drop_value = false;
    }
    if (kept && height > f->height)
        f->height = height;
}

/* A scalar or an alias where a mapping expects a key. */
static void read_key(loader *l, frame *f, const char *key, ss_mark at, const ss_node *what)
{
    f->have_key = true;
    if (what && what->type != SS_NODE_SCALAR && what->type != SS_NODE_NULL) {
        if (!f->quiet)
            later(l, what->mark, "expected a plain key, got %s",
                  what->type == SS_NODE_MAP ? "a mapping" : "a list");
        f->drop_value = true;
        return;
    }
    if (pair_find(f->node, key) != NOT_FOUND) {
        if (!f->quiet)
            later(l, at, "duplicate key \"%s\"", key);
        f->drop_value = true;
        return;
    }
    f->key = ss_strdup(key);
    f->key_mark = at;
}

/* One event inside the document; false after reporting why reading stops. */
static bool on_event(loader *l, const yaml_event_t *ev)
{
    ss_mark at = mark_of(l, ev->start_mark);
    frame *f = top(l);
    bool in_flow = f && f->in_flow;
    bool key_place = f && f->node->type == SS_NODE_MAP && !f->have_key;

    switch (ev->type) {
    case YAML_SCALAR_EVENT: {
        if (key_place) {
            /* keys are not values: not counted, and a node only when an
             * alias may need one */
            if (ev->data.scalar.anchor) {
                ss_node *k = scalar_node(ev, at, in_flow);
                drop(l, k);
                if (!add_anchor(l, ev->data.scalar.anchor, k, at, false))
                    return false;
            }
            read_key(l, f, (const char *)ev->data.scalar.value, at, NULL);
            return true;
        }
        if (l->depth > MAX_DEPTH || ++l->count > MAX_NODES)
            return too_big(l, at);
        ss_node *n = scalar_node(ev, at, in_flow);
        if (ev->data.scalar.anchor && !add_anchor(l, ev->data.scalar.anchor, n, at, false)) {
            ss_node_free(n);
            return false;
        }
        place(l, n, 1);
        return true;
    }
    case YAML_ALIAS_EVENT: {
        anchor *a = find_anchor(l, (const char *)ev->data.alias.anchor);
        if (!a) {
            invalid_yaml(l, at, "found undefined alias", NULL, false);
            return false;
        }
        if (key_place) {
            read_key(l, f, a->node->str, a->node->mark, a->node);
            return true;
        }
        /* an alias to a collection still open is a cycle: infinitely deep */
        if (a->open || l->depth + (size_t)a->height - 1 > MAX_DEPTH ||
            l->count + a->size > MAX_NODES)
            return too_big(l, at);
        l->count += a->size;
        place(l, copy_tree(a->node, true, in_flow), a->height);
        return true;
    }
    case YAML_SEQUENCE_START_EVENT:
    case YAML_MAPPING_START_EVENT: {
        bool is_map = ev->type == YAML_MAPPING_START_EVENT;
        size_t first = l->count;
        if (l->depth > MAX_DEPTH || ++l->count > MAX_NODES)
            return too_big(l, at);
        ss_node *n = node_alloc(is_map ? SS_NODE_MAP : SS_NODE_SEQ, at, ss_strdup(""));
        n->flow_style = is_map ? ev->data.mapping_start.style == YAML_FLOW_MAPPING_STYLE
                               : ev->data.sequence_start.style == YAML_FLOW_SEQUENCE_STYLE;
        if (key_place && !f->quiet)
            later(l, at, "expected a plain key, got %s", is_map ? "a mapping" : "a list");
        const yaml_char_t *name =
            is_map ? ev->data.mapping_start.anchor : ev->data.sequence_start.anchor;
        size_t anchor_pos = add_anchor(l, name, n, at, true);
        if (name && !anchor_pos) {
            ss_node_free(n);
            return false;
        }
        /* a key's contents, and a dropped value's, were never looked at
         * before; they are read now only for the anchors they may hold */
        bool quiet = f && (f->quiet || key_place || f->drop_value);
        l->stack[l->depth++] = (frame){.node = n, .in_flow = in_flow || n->flow_style,
                                       .quiet = quiet, .first = first, .anchor = anchor_pos};
        return true;
    }
    case YAML_SEQUENCE_END_EVENT:
    case YAML_MAPPING_END_EVENT: {
        SS_ASSERT(f && !f->key);
        l->depth--;
        int height = f->height + 1;
        if (f->anchor) {
            anchor *a = &l->anchors[f->anchor - 1];
            a->open = false;
            a->size = l->count - f->first;
            a->height = height;
        }
        place(l, f->node, height);
        return true;
    }
    default:
        return true;
    }
}

static void loader_free(loader *l)
{
    for (size_t d = 0; d < l->depth; d++) {
        ss_node_free(l->stack[d].node);
        ss_free(l->stack[d].key);
    }
    l->depth = 0;
    for (size_t i = 0; i < l->n_dropped; i++)
        ss_node_free(l->dropped[i]);
    ss_free(l->dropped);
    for (size_t i = 0; i < l->n_anchors; i++)
        ss_free(l->anchors[i].name);
    ss_free(l->anchors);
    ss_free(l->anchor_index);
    drop_pending(l);
}

/* The next event into ev; false after reporting libyaml's complaint. */
static bool next_event(loader *l, yaml_parser_t *p, yaml_event_t *ev)
{
    if (yaml_parser_parse(p, ev))
        return true;
    parser_error(l, p);
    return false;
}

/* Reads the events of the stream; false after reporting an error that
 * makes the text unusable. */
static bool read_stream(loader *l, yaml_parser_t *p)
{
    yaml_event_t ev;
    if (!next_event(l, p, &ev)) /* STREAM-START */
        return false;
    yaml_event_delete(&ev);
    if (!next_event(l, p, &ev))
        return false;
    yaml_event_type_t t = ev.type;
    yaml_event_delete(&ev);
    if (t == YAML_STREAM_END_EVENT) /* no document: an empty text */
        return true;
    for (;;) {
        if (!next_event(l, p, &ev)) {
            drop_pending(l);
            return false;
        }
        bool end = ev.type == YAML_DOCUMENT_END_EVENT;
        bool ok = end || on_event(l, &ev);
        yaml_event_delete(&ev);
        if (!ok) {
            drop_pending(l);
            return false;
        }
        if (end)
            break;
    }
    flush_pending(l);
    /* A second document in one file is almost certainly a mistake. */
    if (!next_event(l, p, &ev))
        return false;
    t = ev.type;
    yaml_event_delete(&ev);
    if (t == YAML_STREAM_END_EVENT)
        return true;
    if (!next_event(l, p, &ev)) /* the second document's root */
        return false;
    ss_diag_error(l->diag, mark_of(l, ev.start_mark),
                  "expected one YAML document, got a second one");
    yaml_event_delete(&ev);
    return false;
}

static ss_node *load(const char *file, const char *text, size_t len, int col_base,
                     ss_diag *d, bool *ok)
{
    yaml_parser_t parser;
    *ok = false;
    if (!yaml_parser_initialize(&parser)) {
        ss_diag_error(d, (ss_mark){file, 0, 0}, "cannot start the YAML parser");
        return NULL;
    }
    yaml_parser_set_input_string(&parser, (const unsigned char *)text, len);
    loader *l = ss_calloc(1, sizeof *l);
    *l = (loader){.file = file, .text = text, .len = len, .col_base = col_base, .diag = d};
    bool read = read_stream(l, &parser);
    ss_node *root = l->root;
    loader_free(l);
    ss_free(l);
    yaml_parser_delete(&parser);
    if (!read) {
        ss_node_free(root);
        return NULL;
    }
    *ok = true;
    return root;
}

ss_node *ss_node_load_text(const char *name, const char *text, int col_base, ss_diag *d,
                           bool *ok)
{
    const char *file = ss_diag_add_source(d, name, text);
    return load(file, text, strlen(text), col_base, d, ok);
}

ss_node *ss_node_load_part(const char *file, const char *part, int col_base, ss_diag *d,
                           bool *ok)
{
    return load(file, part, strlen(part), col_base, d, ok);
}

ss_node *ss_node_load_file(const char *path, ss_diag *d, bool *ok)
{
    *ok = false;
    char why[128] = "";
    FILE *f = ss_file_readable(path, why, sizeof why) ? fopen(path, "rb") : NULL;
    if (!f) {
        const char *file = ss_diag_add_source(d, path, NULL);
        if (errno && why[0] == '\0')
            snprintf(why, sizeof why, "%s", strerror(errno));
        ss_diag_error(d, (ss_mark){file, 0, 0}, "cannot read the file: %s", why);
        return NULL;
    }
    size_t cap = 4096, len = 0;
    char *buf = ss_malloc(cap);
    size_t got;
    while ((got = fread(buf + len, 1, cap - len - 1, f)) > 0) {
        len += got;
        if (len > MAX_FILE_BYTES)
            break;
        if (cap - len - 1 == 0) {
            cap *= 2;
            buf = ss_realloc(buf, cap);
        }
    }
    bool read_error = ferror(f);
    fclose(f);
    buf[len] = '\0';
    if (read_error || len > MAX_FILE_BYTES || memchr(buf, '\0', len)) {
        const char *file = ss_diag_add_source(d, path, NULL);
        ss_diag_error(d, (ss_mark){file, 0, 0}, "%s",
                      read_error ? "cannot read the file"
                      : len > MAX_FILE_BYTES ? "the file is larger than 16 MB"
                                             : "expected a YAML text file, got binary data");
        ss_free(buf);
        return NULL;
    }
    const char *file = ss_diag_add_source(d, path, buf);
    ss_node *root = load(file, buf, len, 0, d, ok);
    ss_free(buf);
    return root;
}
