/*
 * sim/node.c -- YAML to ss_node trees, with marks; merge for `extends`.
 *
 * Built on libyaml's document API (yaml_parser_load), which resolves anchors
 * and aliases to shared nodes. Converting copies shared nodes, so an alias
 * bomb ("billion laughs") would explode here: the copy stops at
 * MAX_NODES nodes and at MAX_DEPTH levels and says so.
 */
#include "node.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

#include "files.h"
#include "scalesim/mem.h"

#define MAX_DEPTH 64
#define MAX_NODES 200000
#define MAX_FILE_BYTES (16u << 20)

ss_node *ss_node_new(ss_node_type type, ss_mark mark)
{
    ss_node *n = ss_calloc(1, sizeof *n);
    n->type = type;
    n->mark = mark;
    n->str = ss_strdup("");
    return n;
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
    ss_free(n->str);
    ss_free(n);
}

ss_node *ss_node_copy(const ss_node *n)
{
    if (!n)
        return NULL;
    ss_node *c = ss_node_new(n->type, n->mark);
    ss_free(c->str);
    c->str = ss_strdup(n->str);
    c->quoted = n->quoted;
    c->flow = n->flow;
    c->flow_style = n->flow_style;
    for (size_t i = 0; i < n->n_pairs; i++)
        ss_node_set(c, n->pairs[i].key, n->pairs[i].key_mark, ss_node_copy(n->pairs[i].value));
    for (size_t i = 0; i < n->n_items; i++) {
        SS_GROW(c->items, c->cap_items, c->n_items + 1);
        c->items[c->n_items++] = ss_node_copy(n->items[i]);
    }
    return c;
}

const ss_node_pair *ss_node_pair_of(const ss_node *map, const char *key)
{
    if (!map || map->type != SS_NODE_MAP)
        return NULL;
    for (size_t i = 0; i < map->n_pairs; i++)
        if (strcmp(map->pairs[i].key, key) == 0)
            return &map->pairs[i];
    return NULL;
}

ss_node *ss_node_get(const ss_node *map, const char *key)
{
    const ss_node_pair *p = ss_node_pair_of(map, key);
    return p ? p->value : NULL;
}

void ss_node_set(ss_node *map, const char *key, ss_mark key_mark, ss_node *value)
{
    for (size_t i = 0; i < map->n_pairs; i++)
        if (strcmp(map->pairs[i].key, key) == 0) {
            ss_node_free(map->pairs[i].value);
            map->pairs[i].value = value;
            return;
        }
    SS_GROW(map->pairs, map->cap_pairs, map->n_pairs + 1);
    ss_node_pair *p = &map->pairs[map->n_pairs++];
    p->key = ss_strdup(key);
    p->key_mark = key_mark;
    p->value = value;
}

ss_node *ss_node_take(ss_node *map, const char *key)
{
    if (!map || map->type != SS_NODE_MAP)
        return NULL;
    for (size_t i = 0; i < map->n_pairs; i++)
        if (strcmp(map->pairs[i].key, key) == 0) {
            ss_node *v = map->pairs[i].value;
            ss_free(map->pairs[i].key);
            memmove(&map->pairs[i], &map->pairs[i + 1],
                    (map->n_pairs - i - 1) * sizeof map->pairs[0]);
            map->n_pairs--;
            return v;
        }
    return NULL;
}

void ss_node_merge(ss_node *base, ss_node *over)
{
    for (size_t i = 0; i < over->n_pairs; i++) {
        ss_node_pair *op = &over->pairs[i];
        ss_node *bv = ss_node_get(base, op->key);
        if (op->value->type == SS_NODE_NULL) {
            /* `key: null` (or `key: ~`) removes what the base had, as in
             * JSON Merge Patch (RFC 7386): how a stage drops a component. */
            ss_node_free(ss_node_take(base, op->key));
        } else if (bv && bv->type == SS_NODE_MAP && op->value->type == SS_NODE_MAP) {
            ss_node_merge(bv, op->value);
            op->value = NULL; /* consumed */
        } else {
            ss_node_set(base, op->key, op->key_mark, op->value);
            op->value = NULL;
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

/* ---- conversion from libyaml's document ------------------------------- */

typedef struct conv {
    yaml_document_t *doc;
    const char *file;
    int col_base;
    size_t count;
    ss_diag *diag;
    bool failed;
} conv;

static ss_mark mark_of(const conv *c, yaml_mark_t m)
{
    ss_mark k = {c->file, (int)m.line + 1, (int)m.column + 1};
    if (m.line == 0)
        k.col += c->col_base;
    return k;
}

static bool is_null_scalar(const yaml_node_t *y)
{
    if (y->data.scalar.style != YAML_PLAIN_SCALAR_STYLE)
        return false;
    const char *s = (const char *)y->data.scalar.value;
    return y->data.scalar.length == 0 || strcmp(s, "~") == 0 || strcmp(s, "null") == 0 ||
           strcmp(s, "Null") == 0 || strcmp(s, "NULL") == 0;
}

static ss_node *convert(conv *c, yaml_node_t *y, int depth, bool in_flow)
{
    ss_mark at = mark_of(c, y->start_mark);
    if (depth > MAX_DEPTH || ++c->count > MAX_NODES) {
        if (!c->failed)
            ss_diag_error(c->diag, at, "the document is nested deeper than %d levels or "
                          "holds more than %d values", MAX_DEPTH, MAX_NODES);
        c->failed = true;
        return ss_node_new(SS_NODE_NULL, at);
    }
    switch (y->type) {
    case YAML_SCALAR_NODE: {
        ss_node *n = ss_node_new(is_null_scalar(y) ? SS_NODE_NULL : SS_NODE_SCALAR, at);
        ss_free(n->str);
        n->str = ss_strndup((const char *)y->data.scalar.value, y->data.scalar.length);
        n->quoted = y->data.scalar.style != YAML_PLAIN_SCALAR_STYLE;
        n->flow = in_flow;
        return n;
    }
    case YAML_SEQUENCE_NODE: {
        ss_node *n = ss_node_new(SS_NODE_SEQ, at);
        n->flow_style = y->data.sequence.style == YAML_FLOW_SEQUENCE_STYLE;
        for (yaml_node_item_t *it = y->data.sequence.items.start;
             it < y->data.sequence.items.top && !c->failed; it++) {
            SS_GROW(n->items, n->cap_items, n->n_items + 1);
            n->items[n->n_items++] =
                convert(c, yaml_document_get_node(c->doc, *it), depth + 1,
                        in_flow || n->flow_style);
        }
        return n;
    }
    case YAML_MAPPING_NODE: {
        ss_node *n = ss_node_new(SS_NODE_MAP, at);
        n->flow_style = y->data.mapping.style == YAML_FLOW_MAPPING_STYLE;
        for (yaml_node_pair_t *p = y->data.mapping.pairs.start;
             p < y->data.mapping.pairs.top && !c->failed; p++) {
            yaml_node_t *k = yaml_document_get_node(c->doc, p->key);
            yaml_node_t *v = yaml_document_get_node(c->doc, p->value);
            ss_mark km = mark_of(c, k->start_mark);
            if (k->type != YAML_SCALAR_NODE) {
                ss_diag_error(c->diag, km, "expected a plain key, got %s",
                              k->type == YAML_MAPPING_NODE ? "a mapping" : "a list");
                continue;
            }
            const char *key = (const char *)k->data.scalar.value;
            if (ss_node_get(n, key)) {
                ss_diag_error(c->diag, km, "duplicate key \"%s\"", key);
                continue;
            }
            ss_node_set(n, key, km, convert(c, v, depth + 1, in_flow || n->flow_style));
        }
        return n;
    }
    case YAML_NO_NODE:
        break;
    }
    return ss_node_new(SS_NODE_NULL, at);
}

static ss_node *load(const char *file, const char *text, size_t len, int col_base,
                     ss_diag *d, bool *ok)
{
    yaml_parser_t parser;
    yaml_document_t doc;
    *ok = false;
    if (!yaml_parser_initialize(&parser)) {
        ss_diag_error(d, (ss_mark){file, 0, 0}, "cannot start the YAML parser");
        return NULL;
    }
    yaml_parser_set_input_string(&parser, (const unsigned char *)text, len);
    if (!yaml_parser_load(&parser, &doc)) {
        ss_mark at = {file, (int)parser.problem_mark.line + 1,
                      (int)parser.problem_mark.column + 1};
        if (parser.problem_mark.line == 0)
            at.col += col_base;
        /* libyaml says "found character that cannot start any token" of
         * a tab; say why */
        size_t off = parser.problem_mark.index;
        bool tab = off < len && text[off] == '\t';
        ss_diag_error(d, at, "invalid YAML: %s%s%s%s", parser.problem ? parser.problem : "error",
                      parser.context ? " " : "", parser.context ? parser.context : "",
                      tab ? " (a tab: YAML indents with spaces)" : "");
        yaml_parser_delete(&parser);
        return NULL;
    }
    ss_node *root = NULL;
    yaml_node_t *y = yaml_document_get_root_node(&doc);
    conv c = {&doc, file, col_base, 0, d, false};
    if (y)
        root = convert(&c, y, 0, false);
    /* A second document in one file is almost certainly a mistake. */
    yaml_document_t extra;
    if (!c.failed && yaml_parser_load(&parser, &extra)) {
        yaml_node_t *r2 = yaml_document_get_root_node(&extra);
        if (r2) {
            ss_diag_error(d, mark_of(&c, r2->start_mark),
                          "expected one YAML document, got a second one");
            c.failed = true;
        }
        yaml_document_delete(&extra);
    }
    yaml_document_delete(&doc);
    yaml_parser_delete(&parser);
    if (c.failed) {
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
