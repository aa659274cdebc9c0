/*
 * sim/scenario/node_yaml.c -- YAML to ss_node trees, with marks.
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
#include "node_priv.h"

#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

#include "files.h"
#include "scalesim/mem.h"
#include "sim_assert.h"

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
    size_t s = ss_nodeidx_slot(l->anchor_index, l->anchor_index_cap, l->anchors, anchor_name, name);
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
    ss_nodeidx_add(&l->anchor_index, &l->anchor_index_cap, l->anchors, anchor_name, l->n_anchors);
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
    ss_node *n = ss_node_alloc(is_null_scalar(ev) ? SS_NODE_NULL : SS_NODE_SCALAR, at,
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
            ss_node_pair_append(f->node, f->key, f->key_mark, n);
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
    if (ss_node_pair_find(f->node, key) != NOT_FOUND) {
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
        place(l, ss_node_copy_tree(a->node, true, in_flow), a->height);
        return true;
    }
    case YAML_SEQUENCE_START_EVENT:
    case YAML_MAPPING_START_EVENT: {
        bool is_map = ev->type == YAML_MAPPING_START_EVENT;
        size_t first = l->count;
        if (l->depth > MAX_DEPTH || ++l->count > MAX_NODES)
            return too_big(l, at);
        ss_node *n = ss_node_alloc(is_map ? SS_NODE_MAP : SS_NODE_SEQ, at, ss_strdup(""));
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
