/*
 * sim/scenario/node.h -- the scenario as a tree of YAML nodes with their marks.
 *
 * libyaml parses; this module keeps what validation needs afterwards: the
 * kind of node, its text, whether a scalar was quoted and whether it sat in a
 * flow collection ({...} or [...]), and the 1-based line and column of every
 * node and every mapping key. `extends` and `--set` edit this tree before it
 * is validated, so each value keeps the mark of the file it came from.
 *
 * A mapping's pairs are read freely but changed only through ss_node_set,
 * ss_node_take and ss_node_merge: a big mapping keeps a hash index of the
 * positions of its pairs, which those keep up to date.
 *
 * Ownership: a tree is owned by whoever loaded it and freed with
 * ss_node_free, which frees every child. Marks' file names are owned by the
 * ss_diag the tree was loaded with, which must outlive the tree.
 */
#ifndef SS_NODE_H
#define SS_NODE_H

#include <stdbool.h>
#include <stddef.h>

#include "diag.h"

typedef enum ss_node_type {
    SS_NODE_NULL,   /* `key:` with nothing, `~`, `null` */
    SS_NODE_SCALAR,
    SS_NODE_MAP,
    SS_NODE_SEQ,
} ss_node_type;

typedef struct ss_node ss_node;

typedef struct ss_node_pair {
    char *key;
    ss_mark key_mark;
    ss_node *value;
} ss_node_pair;

struct ss_node {
    ss_node_type type;
    ss_mark mark;
    char *str;            /* scalar text ("" for null)                 */
    bool quoted;          /* scalar written in quotes                  */
    bool flow;            /* scalar inside a flow collection           */
    bool flow_style;      /* a mapping or sequence written as {...}/[...] */
    ss_node_pair *pairs;  /* map, in file order                        */
    size_t n_pairs, cap_pairs;
    ss_node **items;      /* seq                                       */
    size_t n_items, cap_items;
    size_t *index;        /* map of more than 8 pairs: hash slots holding
                             pair positions + 1 (node.c's own)         */
    size_t index_cap;     /* slots, a power of two                     */
};

/* Loads a YAML file. On failure reports into d and returns NULL. An empty
 * file gives a NULL node. */
ss_node *ss_node_load_file(const char *path, ss_diag *d, bool *ok);

/* Parses text registered in d under `name` as a YAML value; col_base is
 * added to columns on the first line (a --set value starts mid-argument). */
ss_node *ss_node_load_text(const char *name, const char *text, int col_base, ss_diag *d,
                           bool *ok);
/* The same for a part of a text already registered as `file` (a name
 * ss_diag_add_source returned): marks point into the whole. */
ss_node *ss_node_load_part(const char *file, const char *part, int col_base, ss_diag *d,
                           bool *ok);

void ss_node_free(ss_node *n);
ss_node *ss_node_new(ss_node_type type, ss_mark mark);
ss_node *ss_node_copy(const ss_node *n);

/* Lookups cost O(1) expected, whatever the size of the mapping. */
ss_node *ss_node_get(const ss_node *map, const char *key);
const ss_node_pair *ss_node_pair_of(const ss_node *map, const char *key);
/* Sets key to value in map (replacing and freeing an old value, in place:
 * the key keeps its position and its mark; a new key goes last). */
void ss_node_set(ss_node *map, const char *key, ss_mark key_mark, ss_node *value);
/* Removes key from map; returns its value (caller frees) or NULL. The
 * other pairs keep their order, which costs O(n_pairs). */
ss_node *ss_node_take(ss_node *map, const char *key);

/* Deep merge for `extends`: mappings merge key by key, everything else in
 * `over` replaces what `base` had, and a null value removes the key (JSON
 * Merge Patch, RFC 7386). Consumes `over`. */
void ss_node_merge(ss_node *base, ss_node *over);

const char *ss_node_type_name(const ss_node *n);

#endif
