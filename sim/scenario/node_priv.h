/*
 * sim/scenario/node_priv.h -- what node.c (the tree) shares with node_yaml.c (the
 * reader): the limits, the key index, and building nodes.
 */
#ifndef SS_NODE_PRIV_H
#define SS_NODE_PRIV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "node.h"

#define MAX_DEPTH 64
#define MAX_NODES 200000
#define MAX_FILE_BYTES (16u << 20)
#define NOT_FOUND SIZE_MAX

/* An index over an array of named entries: slots hold an entry's position
 * + 1 (0 is empty), probed linearly, at most half full. */
typedef const char *key_at_fn(const void *entries, size_t i);
/* The slot holding key, or the empty slot where it would go. */
size_t ss_nodeidx_slot(const size_t *slots, size_t cap, const void *entries, key_at_fn *key_at,
                       const char *key);
/* Indexes entry n - 1, just appended. */
void ss_nodeidx_add(size_t **slots, size_t *cap, const void *entries, key_at_fn *key_at,
                    size_t n);

ss_node *ss_node_alloc(ss_node_type type, ss_mark mark, char *str);
/* The position of key in map, SIZE_MAX when absent. */
size_t ss_node_pair_find(const ss_node *map, const char *key);
/* Appends a pair whose key is not in map (takes key and value). */
void ss_node_pair_append(ss_node *map, char *key, ss_mark key_mark, ss_node *value);
/* A deep copy; reflow: mark its scalars as inside a flow collection when
 * in_flow (an alias copied into one). */
ss_node *ss_node_copy_tree(const ss_node *n, bool reflow, bool in_flow);

#endif
