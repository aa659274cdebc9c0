/*
 * tests/test_node.c -- the YAML layer: limits enforced while reading, errors
 * at their line:col, anchors and aliases, and big mappings (the hash index
 * checked against a naive twin). Hostile texts are built here in memory;
 * tests/cli/test_hostile.sh runs the same kinds of file through the binary.
 */
#include "ss_test.h"

#include "diag.h"
#include "node.h"
#include "scalesim/mem.h"

/* ---- helpers ----------------------------------------------------------- */

typedef struct text {
    char *s;
    size_t len, cap;
} text;

static void add(text *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void add(text *t, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    SS_GROW(t->s, t->cap, t->len + (size_t)n + 1);
    va_start(ap, fmt);
    vsnprintf(t->s + t->len, (size_t)n + 1, fmt, ap);
    va_end(ap);
    t->len += (size_t)n;
}

static void add_times(text *t, const char *piece, int n)
{
    for (int i = 0; i < n; i++)
        add(t, "%s", piece);
}

/* Loads src as "t.yaml"; the first error line goes to first ("" if none). */
static ss_node *load(const char *src, int col_base, bool *ok, char *first, size_t n,
                     int *n_errors)
{
    ss_diag *d = ss_diag_new();
    ss_node *root = ss_node_load_text("t.yaml", src, col_base, d, ok);
    ss_diag_first(d, first, n);
    if (n_errors)
        *n_errors = ss_diag_errors(d);
    ss_diag_free(d);
    return root;
}

/* The first error of a text that must be refused. */
static void refused(const char *src, int col_base, char *first, size_t n)
{
    bool ok;
    ss_node *root = load(src, col_base, &ok, first, n, NULL);
    assert_false(ok);
    assert_null(root);
}

#define TOO_BIG "error: the document is nested deeper than 64 levels or holds more than " \
                "200000 values"

/* ---- limits, checked while reading ------------------------------------- */

static void node_refuses_depth_at_the_first_node_too_deep(void **state)
{
    char buf[512];
    text t = {0};
    /* the root mapping is depth 0, so `a`'s 64 brackets are depths 1..64 */
    add(&t, "a: ");
    add_times(&t, "[", 64);
    add_times(&t, "]", 64);
    add(&t, "\n");
    bool ok;
    ss_node *root = load(t.s, 0, &ok, buf, sizeof buf, NULL);
    assert_true(ok);
    assert_string_equal(buf, "");
    ss_node_free(root);
    /* one more, and the 65th bracket (column 4 + 64) is refused */
    t.len = 0;
    add(&t, "a: ");
    add_times(&t, "[", 65);
    add_times(&t, "]", 65);
    add(&t, "\n");
    refused(t.s, 0, buf, sizeof buf);
    assert_string_equal(buf, "t.yaml:1:68: " TOO_BIG);
    ss_free(t.s);
}

static void node_refuses_depth_before_reading_the_rest(void **state)
{
    /* 80,000 brackets that are never closed: the text is not even YAML,
     * but reading stopped at depth 65, long before libyaml could find out
     * (the document API read all of it first, quadratically, and then
     * reported the syntax error at the end) */
    char buf[512];
    text t = {0};
    add(&t, "scalesim: 1\nname: ");
    add_times(&t, "[", 80000);
    add(&t, "}\n");
    refused(t.s, 0, buf, sizeof buf);
    assert_string_equal(buf, "t.yaml:2:71: " TOO_BIG);
    /* block nesting, `- - - ...` on one line, the same */
    t.len = 0;
    add(&t, "x:\n");
    add_times(&t, "- ", 80000);
    add(&t, "v\n");
    refused(t.s, 0, buf, sizeof buf);
    assert_string_equal(buf, "t.yaml:2:129: " TOO_BIG);
    ss_free(t.s);
}

static void node_refuses_more_values_than_the_limit(void **state)
{
    char buf[512];
    text t = {0};
    /* the root list and 199,999 items: exactly the limit */
    add(&t, "[1");
    add_times(&t, ",1", 199998);
    add(&t, "]\n");
    bool ok;
    ss_node *root = load(t.s, 0, &ok, buf, sizeof buf, NULL);
    assert_true(ok);
    assert_int_equal(root->n_items, 199999);
    ss_node_free(root);
    /* a million: refused at the 200,000th item (column 2 * 200000) */
    t.len = 0;
    add(&t, "[1");
    add_times(&t, ",1", 999999);
    add(&t, "]\n");
    refused(t.s, 0, buf, sizeof buf);
    assert_string_equal(buf, "t.yaml:1:400000: " TOO_BIG);
    ss_free(t.s);
}

/* ---- error places ------------------------------------------------------ */

static void node_reports_invalid_utf8_at_its_line_and_column(void **state)
{
    char buf[512];
    refused("scalesim: 1\nname: ok\nkey: v\xff\n", 0, buf, sizeof buf);
    assert_string_equal(buf, "t.yaml:3:7: error: invalid YAML: invalid leading UTF-8 octet");
    /* columns count characters, as libyaml's do: é is one */
    refused("a: 1\nb: \"h\xc3\xa9llo\" \xc3\x28\n", 0, buf, sizeof buf);
    assert_string_equal(buf, "t.yaml:2:13: error: invalid YAML: invalid trailing UTF-8 octet");
    /* control characters are a reader error too */
    refused("a: 1\nb: \x01\n", 0, buf, sizeof buf);
    assert_string_equal(buf, "t.yaml:2:4: error: invalid YAML: control characters are not "
                             "allowed");
    /* a --set value: columns on its line start at col_base */
    refused("ab\xfe", 10, buf, sizeof buf);
    assert_string_equal(buf, "t.yaml:1:13: error: invalid YAML: invalid leading UTF-8 octet");
}

static void node_keeps_libyaml_messages_and_hints(void **state)
{
    char buf[512];
    refused("a:\n\tb: 1\n", 0, buf, sizeof buf);
    assert_string_equal(buf, "t.yaml:2:1: error: invalid YAML: found character that cannot "
                             "start any token while scanning for the next token (a tab: YAML "
                             "indents with spaces)");
    /* the hint finds the tab after non-ASCII text too */
    refused("\xc3\xa9: 1\n\tb: 1\n", 0, buf, sizeof buf);
    assert_true(strstr(buf, "(a tab: YAML indents with spaces)") != NULL);
    refused("a: [1, 2\n", 0, buf, sizeof buf);
    assert_string_equal(buf, "t.yaml:2:1: error: invalid YAML: did not find expected ',' or "
                             "']' while parsing a flow sequence");
    refused("a: 1\n---\nb: 2\n", 0, buf, sizeof buf);
    assert_string_equal(buf, "t.yaml:3:1: error: expected one YAML document, got a second one");
    /* on the first line of a --set value the column is shifted */
    refused("{a: [1}", 7, buf, sizeof buf);
    assert_string_equal(buf, "t.yaml:1:14: error: invalid YAML: did not find expected ',' or "
                             "']' while parsing a flow sequence");
    /* a text that is not YAML gets that one message, not also the
     * duplicate key read before the syntax error */
    int n_errors;
    bool ok;
    assert_null(load("a: 1\na: 2\nb: [\n", 0, &ok, buf, sizeof buf, &n_errors));
    assert_int_equal(n_errors, 1);
    assert_true(strstr(buf, "invalid YAML") != NULL);
}

static void node_reports_duplicate_keys_in_big_maps_at_the_second(void **state)
{
    char buf[512];
    text t = {0};
    add(&t, "scalesim: 1\nx:\n");
    for (int i = 0; i < 50000; i++)
        add(&t, "  k%d: %d\n", i, i);
    add(&t, "  k31337: again\n  k0: and again\n");
    bool ok;
    int n_errors;
    ss_node *root = load(t.s, 0, &ok, buf, sizeof buf, &n_errors);
    /* duplicates are errors, but the tree is still there to validate */
    assert_true(ok);
    assert_int_equal(n_errors, 2);
    assert_string_equal(buf, "t.yaml:50003:3: error: duplicate key \"k31337\"");
    const ss_node *x = ss_node_get(root, "x");
    assert_int_equal(x->n_pairs, 50000);
    /* the first occurrence is kept */
    assert_string_equal(ss_node_get(x, "k31337")->str, "31337");
    assert_string_equal(ss_node_get(x, "k0")->str, "0");
    ss_node_free(root);
    ss_free(t.s);
}

static void node_keeps_flags_marks_and_nulls(void **state)
{
    char buf[512];
    bool ok;
    ss_node *root = load("a: {b: [x, 'y'], c: ~}\nd: plain\ne:\nf: \"null\"\ng: Null\n", 3, &ok,
                         buf, sizeof buf, NULL);
    assert_true(ok);
    const ss_node *a = ss_node_get(root, "a");
    assert_true(a->flow_style);
    assert_int_equal(a->mark.line, 1);
    assert_int_equal(a->mark.col, 4 + 3);
    const ss_node *b = ss_node_get(a, "b");
    assert_true(b->flow_style);
    assert_true(b->items[0]->flow);
    assert_false(b->items[0]->quoted);
    assert_true(b->items[1]->quoted);
    assert_int_equal(ss_node_get(a, "c")->type, SS_NODE_NULL);
    const ss_node *d = ss_node_get(root, "d");
    assert_false(d->flow);
    assert_int_equal(d->mark.line, 2);
    assert_int_equal(d->mark.col, 4); /* not the first line: no col_base */
    assert_int_equal(ss_node_get(root, "e")->type, SS_NODE_NULL);
    assert_int_equal(ss_node_get(root, "f")->type, SS_NODE_SCALAR); /* quoted */
    assert_int_equal(ss_node_get(root, "g")->type, SS_NODE_NULL);
    const ss_node_pair *p = ss_node_pair_of(root, "f");
    assert_int_equal(p->key_mark.line, 4);
    assert_int_equal(p->key_mark.col, 1);
    ss_node_free(root);
    /* an empty text is no node, and fine */
    assert_null(load("# nothing\n", 0, &ok, buf, sizeof buf, NULL));
    assert_true(ok);
}

/* ---- anchors and aliases ----------------------------------------------- */

static void node_copies_aliases_with_their_new_place(void **state)
{
    char buf[512];
    bool ok;
    ss_node *root = load("base: &b {x: 1, y: [p, q]}\n"
                         "use: *b\n"
                         "s: &s plain\n"
                         "in: [*s]\n"
                         "&k name: key\n"
                         "v: *k\n",
                         0, &ok, buf, sizeof buf, NULL);
    assert_true(ok);
    assert_string_equal(buf, "");
    ss_node *base = ss_node_get(root, "base"), *use = ss_node_get(root, "use");
    assert_true(base != use);
    assert_int_equal(use->n_pairs, 2);
    /* a copy keeps the marks of what it copies */
    assert_int_equal(use->mark.line, 1);
    assert_string_equal(ss_node_get(use, "y")->items[1]->str, "q");
    /* the copy is its own: editing it leaves the anchor alone */
    ss_node_set(use, "x", use->mark, ss_node_new(SS_NODE_NULL, use->mark));
    assert_int_equal(ss_node_get(base, "x")->type, SS_NODE_SCALAR);
    /* `flow` is where a scalar is used: in [...] here, not where anchored */
    assert_false(ss_node_get(root, "s")->flow);
    assert_true(ss_node_get(root, "in")->items[0]->flow);
    /* an anchored key can be used as a value */
    assert_string_equal(ss_node_get(root, "v")->str, "name");
    assert_string_equal(ss_node_get(root, "name")->str, "key");
    ss_node_free(root);

    refused("a: *nope\n", 0, buf, sizeof buf);
    assert_string_equal(buf, "t.yaml:1:4: error: invalid YAML: found undefined alias");
    refused("a: &x 1\nb: &x 2\n", 0, buf, sizeof buf);
    assert_string_equal(buf, "t.yaml:2:4: error: invalid YAML: second occurrence found "
                             "duplicate anchor; first occurrence");
}

static void node_refuses_alias_bombs_and_cycles(void **state)
{
    char buf[512];
    /* each level holds ten of the one before: level 5 would be 1,111,111
     * nodes, so its first alias is refused before anything is copied */
    text t = {0};
    add(&t, "a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
    for (int i = 1; i < 10; i++) {
        add(&t, "a%d: &a%d [*a%d", i, i, i - 1);
        for (int j = 1; j < 10; j++)
            add(&t, ", *a%d", i - 1);
        add(&t, "]\n");
    }
    refused(t.s, 0, buf, sizeof buf);
    assert_string_equal(buf, "t.yaml:6:10: " TOO_BIG);
    ss_free(t.s);
    /* an alias to the collection it is in is infinitely deep */
    refused("a: &a [1, *a]\n", 0, buf, sizeof buf);
    assert_string_equal(buf, "t.yaml:1:11: " TOO_BIG);
    /* a copy that would nest too deep: 40 levels used at depth 25 */
    t = (text){0};
    add(&t, "a: &d ");
    add_times(&t, "[", 40);
    add_times(&t, "]", 40);
    add(&t, "\nb: ");
    add_times(&t, "[", 24);
    add(&t, "*d");
    add_times(&t, "]", 24);
    add(&t, "\n");
    bool ok;
    ss_node *root = load(t.s, 0, &ok, buf, sizeof buf, NULL);
    assert_true(ok); /* deepest copy at 25 + 39 = 64 */
    ss_node_free(root);
    t.len = 0;
    add(&t, "a: &d ");
    add_times(&t, "[", 40);
    add_times(&t, "]", 40);
    add(&t, "\nb: ");
    add_times(&t, "[", 25);
    add(&t, "*d");
    add_times(&t, "]", 25);
    add(&t, "\n");
    refused(t.s, 0, buf, sizeof buf);
    assert_string_equal(buf, "t.yaml:2:29: " TOO_BIG);
    ss_free(t.s);
}

/* ---- big mappings: get, set, take, copy, merge ------------------------- */

static ss_node *big_map(int n)
{
    ss_mark m = {"t.yaml", 1, 1};
    ss_node *map = ss_node_new(SS_NODE_MAP, m);
    for (int i = 0; i < n; i++) {
        char key[32], val[32];
        snprintf(key, sizeof key, "k%d", i);
        snprintf(val, sizeof val, "%d", i);
        ss_node *v = ss_node_new(SS_NODE_SCALAR, m);
        ss_free(v->str);
        v->str = ss_strdup(val);
        ss_node_set(map, key, (ss_mark){"t.yaml", i + 1, 1}, v);
    }
    return map;
}

static ss_node *scalar(const char *s)
{
    ss_node *v = ss_node_new(SS_NODE_SCALAR, (ss_mark){"t.yaml", 1, 1});
    ss_free(v->str);
    v->str = ss_strdup(s);
    return v;
}

static void node_big_map_sets_in_place_and_takes_in_order(void **state)
{
    enum { N = 10000 };
    ss_node *map = big_map(N);
    assert_int_equal(map->n_pairs, N);
    assert_string_equal(ss_node_get(map, "k7777")->str, "7777");
    assert_null(ss_node_get(map, "k10000"));
    /* set replaces in place: same position, same key mark */
    ss_node_set(map, "k5000", (ss_mark){"t.yaml", 99, 99}, scalar("new"));
    assert_int_equal(map->n_pairs, N);
    assert_string_equal(map->pairs[5000].key, "k5000");
    assert_string_equal(map->pairs[5000].value->str, "new");
    assert_int_equal(map->pairs[5000].key_mark.line, 5001);
    /* a new key goes last */
    ss_node_set(map, "extra", (ss_mark){"t.yaml", 1, 1}, scalar("e"));
    assert_string_equal(map->pairs[N].key, "extra");
    /* take every even key: the odd ones stay, in order, and are found */
    for (int i = 0; i < N; i += 2) {
        char key[32];
        snprintf(key, sizeof key, "k%d", i);
        ss_node *v = ss_node_take(map, key);
        assert_non_null(v);
        ss_node_free(v);
        assert_null(ss_node_take(map, key));
    }
    assert_int_equal(map->n_pairs, N / 2 + 1);
    for (int i = 0; i < N / 2; i++) {
        char key[32];
        snprintf(key, sizeof key, "k%d", 2 * i + 1);
        assert_string_equal(map->pairs[i].key, key);
        assert_ptr_equal(ss_node_get(map, key), map->pairs[i].value);
        snprintf(key, sizeof key, "k%d", 2 * i);
        assert_null(ss_node_get(map, key));
    }
    assert_ptr_equal(ss_node_get(map, "extra"), map->pairs[N / 2].value);
    /* a copy has its own index: changing it leaves the original alone */
    ss_node *c = ss_node_copy(map);
    ss_node_free(ss_node_take(c, "k1"));
    ss_node_set(c, "k3", c->mark, scalar("changed"));
    assert_null(ss_node_get(c, "k1"));
    assert_string_equal(ss_node_get(map, "k1")->str, "1");
    assert_string_equal(ss_node_get(map, "k3")->str, "3");
    assert_string_equal(ss_node_get(c, "k9999")->str, "9999");
    ss_node_free(c);
    ss_node_free(map);
}

/* Random sets and takes on one mapping, against a naive twin: an array of
 * keys in order. Keys come from a small range so that they collide, and the
 * map crosses the size where the index appears and goes, many times. */
static void node_map_matches_naive_twin(void **state)
{
    enum { RANGE = 40, STEPS = 200000 };
    int order[RANGE], n = 0; /* the twin: key numbers in pair order */
    int value[RANGE];
    ss_node *map = ss_node_new(SS_NODE_MAP, (ss_mark){"t.yaml", 1, 1});
    uint64_t x = 88172645463325252u;
    for (int step = 0; step < STEPS; step++) {
        x ^= x << 13, x ^= x >> 7, x ^= x << 17; /* xorshift64 */
        int k = (int)(x % RANGE), op = (int)((x >> 32) % 3);
        char key[16], val[16];
        snprintf(key, sizeof key, "key-%d", k);
        snprintf(val, sizeof val, "%d", step);
        int at = -1;
        for (int i = 0; i < n; i++)
            if (order[i] == k)
                at = i;
        if (op < 2) {
            ss_node_set(map, key, map->mark, scalar(val));
            if (at < 0)
                order[n++] = k;
            value[k] = step;
        } else {
            ss_node *v = ss_node_take(map, key);
            assert_int_equal(v != NULL, at >= 0);
            ss_node_free(v);
            if (at >= 0) {
                memmove(&order[at], &order[at + 1], (size_t)(n - at - 1) * sizeof order[0]);
                n--;
            }
        }
        assert_int_equal(map->n_pairs, n);
        if (step % 97 == 0 || n > 30) {
            for (int i = 0; i < n; i++) {
                snprintf(key, sizeof key, "key-%d", order[i]);
                assert_string_equal(map->pairs[i].key, key);
                const ss_node *v = ss_node_get(map, key);
                assert_ptr_equal(v, map->pairs[i].value);
                assert_int_equal(atoi(v->str), value[order[i]]);
            }
        }
        x ^= x << 13, x ^= x >> 7, x ^= x << 17;
        snprintf(key, sizeof key, "key-%d", (int)(x % RANGE));
        at = -1;
        for (int i = 0; i < n; i++)
            if (order[i] == (int)(x % RANGE))
                at = i;
        const ss_node_pair *p = ss_node_pair_of(map, key);
        assert_ptr_equal(p, at < 0 ? NULL : &map->pairs[at]);
    }
    ss_node_free(map);
}

static void node_merge_keeps_its_semantics(void **state)
{
    char buf[512];
    bool ok;
    ss_node *base = load("a: 1\nb: {c: 1, d: 2}\ne: 3\nf: 4\n", 0, &ok, buf, sizeof buf, NULL);
    ss_node *over = load("b: {c: 9, d: null}\ne: ~\ng: 5\na: [x]\nh: null\n", 0, &ok, buf,
                         sizeof buf, NULL);
    ss_node_merge(base, over);
    /* a replaced in place by the list; b merged (d removed); e removed; g
     * added last; h, absent from base, removes nothing */
    const char *keys[] = {"a", "b", "f", "g"};
    assert_int_equal(base->n_pairs, 4);
    for (int i = 0; i < 4; i++)
        assert_string_equal(base->pairs[i].key, keys[i]);
    assert_int_equal(ss_node_get(base, "a")->type, SS_NODE_SEQ);
    const ss_node *b = ss_node_get(base, "b");
    assert_int_equal(b->n_pairs, 1);
    assert_string_equal(ss_node_get(b, "c")->str, "9");
    /* the replaced value keeps base's key mark, the added one over's */
    assert_int_equal(ss_node_pair_of(base, "a")->key_mark.line, 1);
    assert_int_equal(ss_node_pair_of(base, "g")->key_mark.line, 3);
    ss_node_free(base);

    /* big: remove every third key, replace every third, add 1000 */
    enum { N = 9000 };
    base = big_map(N);
    over = ss_node_new(SS_NODE_MAP, base->mark);
    for (int i = 0; i < N + 1000; i++) {
        char key[32];
        snprintf(key, sizeof key, "k%d", i);
        if (i < N && i % 3 == 0)
            ss_node_set(over, key, base->mark, ss_node_new(SS_NODE_NULL, base->mark));
        else if (i >= N || i % 3 == 1)
            ss_node_set(over, key, base->mark, scalar("over"));
    }
    ss_node_merge(base, over);
    assert_int_equal(base->n_pairs, N - N / 3 + 1000);
    size_t at = 0;
    for (int i = 0; i < N + 1000; i++) {
        char key[32];
        snprintf(key, sizeof key, "k%d", i);
        const ss_node *v = ss_node_get(base, key);
        if (i < N && i % 3 == 0) {
            assert_null(v);
            continue;
        }
        assert_string_equal(base->pairs[at].key, key);
        assert_ptr_equal(base->pairs[at].value, v);
        char want[32];
        snprintf(want, sizeof want, "%d", i);
        assert_string_equal(v->str, i >= N || i % 3 == 1 ? "over" : want);
        at++;
    }
    ss_node_free(base);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(node_refuses_depth_at_the_first_node_too_deep),
        cmocka_unit_test(node_refuses_depth_before_reading_the_rest),
        cmocka_unit_test(node_refuses_more_values_than_the_limit),
        cmocka_unit_test(node_reports_invalid_utf8_at_its_line_and_column),
        cmocka_unit_test(node_keeps_libyaml_messages_and_hints),
        cmocka_unit_test(node_reports_duplicate_keys_in_big_maps_at_the_second),
        cmocka_unit_test(node_keeps_flags_marks_and_nulls),
        cmocka_unit_test(node_copies_aliases_with_their_new_place),
        cmocka_unit_test(node_refuses_alias_bombs_and_cycles),
        cmocka_unit_test(node_big_map_sets_in_place_and_takes_in_order),
        cmocka_unit_test(node_map_matches_naive_twin),
        cmocka_unit_test(node_merge_keeps_its_semantics),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
