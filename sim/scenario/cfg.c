/*
 * sim/scenario/cfg.c -- typed scenario values and parameter tables (see cfg.h).
 *
 * Every message names the dotted path, what was expected and what was found,
 * at the line and column of the offending node. The phrases for each type
 * are written once, in expect_phrase(), so that all errors about durations
 * read the same wherever they come from.
 */
#include "cfg.h"

#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "dist_parse.h"
#include "files.h"
#include "scalesim/mem.h"
#include "units.h"

#define MAX_EMPIRICAL 10000000
#define MAX_EMPIRICAL_BYTES (256u << 20)

void ss_cfg_join(char *out, size_t n, const char *path, const char *key)
{
    if (path && *path)
        snprintf(out, n, "%s.%s", path, key);
    else
        snprintf(out, n, "%s", key);
}

void ss_cfg_at(ss_cfgctx *ctx, const ss_node *n, const char *path, const char *fmt, ...)
{
    char msg[900];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    ss_mark at = n ? n->mark : (ctx->map ? ctx->map->mark : (ss_mark){0});
    if (path && *path)
        ss_diag_error(ctx->diag, at, "%s: %s", path, msg);
    else
        ss_diag_error(ctx->diag, at, "%s", msg);
}

void ss_cfg_got(const ss_node *n, char *buf, size_t len)
{
    if (!n || n->type == SS_NODE_NULL)
        snprintf(buf, len, "nothing");
    else if (n->type == SS_NODE_MAP)
        snprintf(buf, len, n->n_pairs ? "a mapping" : "an empty mapping");
    else if (n->type == SS_NODE_SEQ)
        snprintf(buf, len, n->n_items ? "a list" : "an empty list");
    else if (strlen(n->str) > 60)
        snprintf(buf, len, "\"%.57s...\"", n->str);
    else
        snprintf(buf, len, "\"%s\"", n->str);
}

void ss_cfg_expected(ss_cfgctx *ctx, const ss_node *at, const char *path, const char *what,
                     const ss_node *got_node)
{
    char got[80];
    ss_cfg_got(got_node, got, sizeof got);
    ss_cfg_at(ctx, at, path, "expected %s, got %s", what, got);
}

static void expected(ss_cfgctx *ctx, const ss_node *n, const char *path, const char *what)
{
    ss_cfg_expected(ctx, n, path, what, n);
}

bool ss_cfg_scalar(ss_cfgctx *ctx, const ss_node *v, const char *path, const char *what)
{
    if (v && v->type == SS_NODE_SCALAR)
        return true;
    expected(ctx, v, path, what);
    return false;
}

/* ---- did you mean ------------------------------------------------------ */

static size_t edit_distance(const char *a, const char *b)
{
    size_t la = strlen(a), lb = strlen(b);
    if (la > 63 || lb > 63)
        return SIZE_MAX;
    size_t prev[64], cur[64];
    for (size_t j = 0; j <= lb; j++)
        prev[j] = j;
    for (size_t i = 1; i <= la; i++) {
        cur[0] = i;
        for (size_t j = 1; j <= lb; j++) {
            size_t sub = prev[j - 1] + (a[i - 1] != b[j - 1]);
            size_t del = prev[j] + 1, ins = cur[j - 1] + 1;
            cur[j] = sub < del ? (sub < ins ? sub : ins) : (del < ins ? del : ins);
        }
        memcpy(prev, cur, (lb + 1) * sizeof prev[0]);
    }
    return prev[lb];
}

const char *ss_cfg_suggest(const char *word, const char *const *cand, size_t n)
{
    const char *best = NULL;
    size_t best_d = SIZE_MAX;
    for (size_t i = 0; i < n; i++) {
        if (!cand[i])
            continue;
        size_t d = edit_distance(word, cand[i]);
        if (strcasecmp(word, cand[i]) == 0)
            d = 0;
        if (d < best_d) {
            best_d = d;
            best = cand[i];
        }
    }
    size_t len = strlen(word);
    size_t limit = len <= 3 ? 1 : len <= 6 ? 2 : 3;
    return best && best_d <= limit ? best : NULL;
}

/* ---- distributions ------------------------------------------------------ */

static void dir_of(const char *file, char *out, size_t n)
{
    const char *slash = file ? strrchr(file, '/') : NULL;
    if (!slash)
        snprintf(out, n, ".");
    else
        snprintf(out, n, "%.*s", (int)(slash - file), file);
}

/* Reads an empirical sample file: one duration per line, blank lines and
 * lines starting with # ignored. Errors point into the file. */
static bool load_empirical(ss_cfgctx *ctx, const ss_node *at, const char *path, const char *name,
                           ss_dist *d)
{
    char dir[512], full[1024];
    dir_of(at->mark.file, dir, sizeof dir);
    if (name[0] == '/')
        snprintf(full, sizeof full, "%s", name);
    else
        snprintf(full, sizeof full, "%s/%s", dir, name);
    char why[128] = "";
    FILE *f = ss_file_readable(full, why, sizeof why) ? fopen(full, "r") : NULL;
    if (!f) {
        ss_cfg_at(ctx, at, path, "cannot read the empirical sample file \"%s\": %s", full,
                  why[0] ? why : strerror(errno));
        return false;
    }
    /* One file used by many components is read once: its samples are
     * shared (a 10M-sample file is 80 MB; every copy would be another). */
    char real[PATH_MAX];
    if (!realpath(full, real))
        snprintf(real, sizeof real, "%s", full);
    ss_scenario *sc = ctx->sc;
    ss_scenario_add_source(sc, real);
    for (int i = 0; i < sc->n_samples_files; i++)
        if (strcmp(sc->samples_files[i].path, real) == 0) {
            fclose(f);
            d->samples = sc->samples_files[i].samples;
            d->n_samples = sc->samples_files[i].n;
            return true;
        }
    const char *src = ss_diag_add_source(ctx->diag, full, NULL);
    size_t cap = 1024, n = 0;
    double *xs = ss_malloc(cap * sizeof *xs);
    char line[256];
    int lineno = 0;
    bool ok = true;
    size_t bytes = 0;
    while (fgets(line, sizeof line, f)) {
        lineno++;
        size_t len = strlen(line);
        bytes += len;
        if (bytes > MAX_EMPIRICAL_BYTES || (len < sizeof line - 1 && !feof(f) &&
                                            (len == 0 || line[len - 1] != '\n'))) {
            /* a NUL inside the line, or more than we will read */
            ss_diag_error(ctx->diag, (ss_mark){src, lineno, 1}, "%s",
                          bytes > MAX_EMPIRICAL_BYTES
                              ? "the file is larger than 256 MB"
                              : "expected one duration per line, got binary data");
            ok = false;
            break;
        }
        char *s = line;
        while (*s == ' ' || *s == '\t')
            s++;
        s[strcspn(s, "\r\n")] = '\0';
        if (!*s || *s == '#')
            continue;
        double v;
        if (!ss_units_duration(s, &v) || v < 0) {
            ss_diag_error(ctx->diag, (ss_mark){src, lineno, (int)(s - line) + 1},
                          "expected a duration like 30s or 250ms, got \"%s\"", s);
            ok = false;
            break;
        }
        if (n == MAX_EMPIRICAL) {
            ss_diag_error(ctx->diag, (ss_mark){src, lineno, 1},
                          "more than %d samples", MAX_EMPIRICAL);
            ok = false;
            break;
        }
        if (n == cap) {
            cap *= 2;
            xs = ss_realloc(xs, cap * sizeof *xs);
        }
        xs[n++] = v;
    }
    if (ok && ferror(f)) {
        ss_cfg_at(ctx, at, path, "cannot read the empirical sample file \"%s\": %s", full,
                  strerror(errno));
        ok = false;
    }
    fclose(f);
    if (ok && n == 0) {
        ss_cfg_at(ctx, at, path, "the empirical sample file \"%s\" holds no samples", full);
        ok = false;
    }
    if (!ok) {
        ss_free(xs);
        return false;
    }
    d->samples = ss_scenario_own(ctx->sc, xs);
    d->n_samples = n;
    SS_GROW(sc->samples_files, sc->cap_samples_files, (size_t)sc->n_samples_files + 1);
    sc->samples_files[sc->n_samples_files++] =
        (ss_samples_file){ss_scenario_own(sc, ss_strdup(real)), xs, n};
    return true;
}

/* Inside {...}, YAML ends a value at a comma, so {service: lognormal(mean=8ms,
 * cv=0.8)} reaches us as "lognormal(mean=8ms" plus a stray key "cv=0.8)".
 * Recognise that shape and say what to write instead. */
static bool split_in_flow(const ss_node *v)
{
    return v->type == SS_NODE_SCALAR && v->flow && !v->quoted && strchr(v->str, '(') &&
           !strchr(v->str, ')');
}

bool ss_cfg_dist(ss_cfgctx *ctx, const ss_node *v, const char *path, ss_dist *out)
{
    char file[512];
    ss_dist_err err;
    if (v && v->type == SS_NODE_SCALAR) {
        if (split_in_flow(v)) {
            /* Put the pieces back together from the stray keys after it. */
            char whole[300];
            snprintf(whole, sizeof whole, "%s", v->str);
            const ss_node *m = ctx->map;
            for (size_t i = 0; m && m->type == SS_NODE_MAP && i < m->n_pairs; i++) {
                if (m->pairs[i].value != v)
                    continue;
                for (size_t j = i + 1; j < m->n_pairs && m->pairs[j].value->type == SS_NODE_NULL;
                     j++) {
                    size_t used = strlen(whole);
                    snprintf(whole + used, sizeof whole - used, ", %s", m->pairs[j].key);
                    if (strchr(m->pairs[j].key, ')'))
                        break;
                }
            }
            ss_cfg_at(ctx, v, path,
                      "a distribution with several arguments inside {...} must be quoted: "
                      "write \"%s\" (YAML ends an unquoted value at the comma)", whole);
            return false;
        }
        if (!ss_dist_parse(v->str, out, file, sizeof file, &err)) {
            ss_node at = *v;
            if (!strchr(v->str, '\n'))
                at.mark.col += (int)err.off + (v->quoted ? 1 : 0);
            ss_cfg_at(ctx, &at, path, "%s", err.msg);
            return false;
        }
        if (file[0])
            return load_empirical(ctx, v, path, file, out);
        return true;
    }
    if (v && v->type == SS_NODE_MAP) {
        const ss_node *kind = ss_node_get(v, "dist");
        if (!kind) {
            ss_cfg_at(ctx, v, path, "expected %s, got a mapping without \"dist\"",
                      SS_DIST_EXPECTED);
            return false;
        }
        if (!ss_cfg_scalar(ctx, kind, path, "a distribution kind like exp or lognormal"))
            return false;
        ss_dist_arg args[8];
        const ss_node *nodes[8];
        size_t n = 0;
        for (size_t i = 0; i < v->n_pairs; i++) {
            const ss_node_pair *p = &v->pairs[i];
            if (strcmp(p->key, "dist") == 0)
                continue;
            char sub[300];
            ss_cfg_join(sub, sizeof sub, path, p->key);
            if (n == 8) {
                ss_cfg_at(ctx, p->value, sub, "too many arguments");
                return false;
            }
            if (!ss_cfg_scalar(ctx, p->value, sub, "a value"))
                return false;
            args[n] = (ss_dist_arg){.name = p->key, .value = p->value->str};
            nodes[n++] = p->value;
        }
        const char *efile = NULL;
        if (!ss_dist_build(kind->str, args, n, out, &efile, &err)) {
            const ss_node *at = err.arg >= 0 ? nodes[err.arg] : kind;
            ss_cfg_at(ctx, at, path, "%s", err.msg);
            return false;
        }
        if (efile)
            return load_empirical(ctx, v, path, efile, out);
        return true;
    }
    expected(ctx, v, path, SS_DIST_EXPECTED);
    return false;
}

/* ---- scalar types -------------------------------------------------------- */

static const char *expect_phrase(ss_ptype t)
{
    switch (t) {
#define XX(id, shown, phrase) case SS_P_##id: return phrase ? phrase : SS_DIST_EXPECTED;
        SS_PTYPE_MAP(XX)
#undef XX
    }
    return "a value";
}

const char *ss_ptype_name(ss_ptype t)
{
    switch (t) {
#define XX(id, shown, phrase) case SS_P_##id: return shown;
        SS_PTYPE_MAP(XX)
#undef XX
    }
    return "value";
}

static bool check_range(ss_cfgctx *ctx, const ss_param *p, const ss_node *v, const char *path,
                        double x, const char *what)
{
    if ((p->flags & SS_PF_POSITIVE) && !(x > 0)) {
        ss_cfg_at(ctx, v, path, "expected %s > 0, got \"%s\"", what, v->str);
        return false;
    }
    if ((p->flags & SS_PF_NONNEG) && !(x >= 0)) {
        ss_cfg_at(ctx, v, path, "expected %s >= 0, got \"%s\"", what, v->str);
        return false;
    }
    return true;
}

bool ss_cfg_value(ss_cfgctx *ctx, const ss_param *p, const ss_node *v, const char *path,
                  void *field)
{
    double x;
    switch (p->type) {
    case SS_P_INT:
    case SS_P_COUNT: {
        double max = p->type == SS_P_INT ? (double)INT_MAX : 1e15;
        if (!ss_cfg_scalar(ctx, v, path, expect_phrase(p->type)))
            return false;
        if (!ss_units_count(v->str, &x) || x != floor(x)) {
            expected(ctx, v, path, expect_phrase(p->type));
            return false;
        }
        if (x < 0) {
            ss_cfg_at(ctx, v, path, "expected a whole number >= 0, got \"%s\"", v->str);
            return false;
        }
        if (x > max) {
            ss_cfg_at(ctx, v, path, "expected a whole number up to %.0f, got \"%s\"", max, v->str);
            return false;
        }
        if (!check_range(ctx, p, v, path, x, "a whole number"))
            return false;
        if (p->type == SS_P_INT)
            *(int *)field = (int)x;
        else
            *(int64_t *)field = (int64_t)x;
        return true;
    }
    case SS_P_NUMBER:
    case SS_P_MONEY:
    case SS_P_PROB:
        if (!ss_cfg_scalar(ctx, v, path, expect_phrase(p->type)))
            return false;
        /* a probability may be written as a share: 10% */
        if (!(p->type == SS_P_PROB ? ss_units_share(v->str, &x, NULL)
                                   : ss_units_number(v->str, &x))) {
            expected(ctx, v, path, expect_phrase(p->type));
            return false;
        }
        if (p->type == SS_P_PROB && !(x >= 0 && x <= 1)) {
            expected(ctx, v, path, expect_phrase(p->type));
            return false;
        }
        if (p->type == SS_P_MONEY && x < 0) {
            ss_cfg_at(ctx, v, path, "expected an amount >= 0, got \"%s\"", v->str);
            return false;
        }
        if (!check_range(ctx, p, v, path, x, "a number"))
            return false;
        *(double *)field = x;
        return true;
    case SS_P_DURATION:
        if (!ss_cfg_scalar(ctx, v, path, expect_phrase(p->type)))
            return false;
        if (!ss_units_duration(v->str, &x)) {
            char got[80], hint[96];
            ss_cfg_got(v, got, sizeof got);
            ss_cfg_at(ctx, v, path, "expected %s, got %s%s", expect_phrase(p->type), got,
                      ss_units_hint(v->str, hint, sizeof hint));
            return false;
        }
        if (x < 0) {
            ss_cfg_at(ctx, v, path, "expected a duration >= 0, got \"%s\"", v->str);
            return false;
        }
        if (x > 0 && ss_time_from_s(x) == 0) {
            /* 1e-30s is not 0: it would silently mean "none" (a timeout) */
            ss_cfg_at(ctx, v, path, "expected 0 or a duration of at least 1ns, got \"%s\"",
                      v->str);
            return false;
        }
        if (!check_range(ctx, p, v, path, x, "a duration"))
            return false;
        if (x > 1e8) {
            ss_cfg_at(ctx, v, path, "expected a duration under 1e8s (3 years), got \"%s\"",
                      v->str);
            return false;
        }
        *(ss_time *)field = ss_time_from_s(x);
        return true;
    case SS_P_RATE:
    case SS_P_SIZE: {
        if (!ss_cfg_scalar(ctx, v, path, expect_phrase(p->type)))
            return false;
        bool ok = p->type == SS_P_RATE ? ss_units_rate(v->str, &x) : ss_units_size(v->str, &x);
        if (!ok) {
            expected(ctx, v, path, expect_phrase(p->type));
            return false;
        }
        if (x < 0) {
            ss_cfg_at(ctx, v, path, "expected %s >= 0, got \"%s\"",
                      p->type == SS_P_RATE ? "a rate" : "a size", v->str);
            return false;
        }
        if (!check_range(ctx, p, v, path, x, p->type == SS_P_RATE ? "a rate" : "a size"))
            return false;
        *(double *)field = x;
        return true;
    }
    case SS_P_DIST:
        return ss_cfg_dist(ctx, v, path, field);
    case SS_P_OPDIST: {
        ss_opdist *od = field;
        if (v && v->type == SS_NODE_MAP && !ss_node_get(v, "dist")) {
            static const char *const ops[] = {"read", "write", NULL};
            bool ok = true;
            ss_cfg_unknown_keys(ctx, v, path, NULL, ops);
            for (int o = SS_OP_READ; o <= SS_OP_WRITE; o++) {
                char sub[300];
                ss_cfg_join(sub, sizeof sub, path, ops[o]);
                const ss_node *d = ss_node_get(v, ops[o]);
                if (!d) {
                    ss_cfg_at(ctx, v, path, "expected both read and write service times, "
                              "as in {read: exp(4ms), write: exp(10ms)}; %s is missing", ops[o]);
                    ok = false;
                    continue;
                }
                ok = ss_cfg_dist(ctx, d, sub, &od->op[o]) && ok;
            }
            od->op[SS_OP_APPLY] = od->op[SS_OP_WRITE];
            return ok;
        }
        if (!ss_cfg_dist(ctx, v, path, &od->op[SS_OP_READ]))
            return false;
        od->op[SS_OP_WRITE] = od->op[SS_OP_APPLY] = od->op[SS_OP_READ];
        return true;
    }
    case SS_P_BOOL: {
        if (!ss_cfg_scalar(ctx, v, path, expect_phrase(p->type)))
            return false;
        static const char *const yes[] = {"true", "yes", "on"}, *const no[] = {"false", "no", "off"};
        for (int i = 0; i < 3; i++) {
            if (strcasecmp(v->str, yes[i]) == 0) {
                *(bool *)field = true;
                return true;
            }
            if (strcasecmp(v->str, no[i]) == 0) {
                *(bool *)field = false;
                return true;
            }
        }
        expected(ctx, v, path, expect_phrase(p->type));
        return false;
    }
    case SS_P_ENUM: {
        char list[300] = "";
        size_t n = 0;
        if (v && v->type == SS_NODE_SCALAR)
            for (; p->choices[n]; n++)
                if (strcmp(v->str, p->choices[n]) == 0) {
                    *(int *)field = (int)n;
                    return true;
                }
        for (n = 0; p->choices[n]; n++) {
            strncat(list, n ? ", " : "", sizeof list - strlen(list) - 1);
            strncat(list, p->choices[n], sizeof list - strlen(list) - 1);
        }
        char got[80];
        ss_cfg_got(v, got, sizeof got);
        const char *hint =
            v && v->type == SS_NODE_SCALAR ? ss_cfg_suggest(v->str, p->choices, n) : NULL;
        if (hint)
            ss_cfg_at(ctx, v, path, "expected one of %s, got %s (did you mean %s?)", list, got,
                      hint);
        else
            ss_cfg_at(ctx, v, path, "expected one of %s, got %s", list, got);
        return false;
    }
    case SS_P_STRING:
        if (!ss_cfg_scalar(ctx, v, path, expect_phrase(p->type)))
            return false;
        *(char **)field = ss_scenario_own(ctx->sc, ss_strdup(v->str));
        return true;
    case SS_P_STRLIST: {
        ss_strlist *l = field;
        if (v && v->type == SS_NODE_SCALAR) {
            l->items = ss_scenario_own(ctx->sc, ss_malloc(sizeof(char *)));
            l->items[0] = ss_scenario_own(ctx->sc, ss_strdup(v->str));
            l->n = 1;
            return true;
        }
        if (!v || v->type != SS_NODE_SEQ) {
            expected(ctx, v, path, expect_phrase(p->type));
            return false;
        }
        l->items = ss_scenario_own(ctx->sc, ss_calloc(v->n_items + 1, sizeof(char *)));
        l->n = 0;
        for (size_t i = 0; i < v->n_items; i++) {
            char sub[300];
            snprintf(sub, sizeof sub, "%s[%zu]", path, i);
            if (!ss_cfg_scalar(ctx, v->items[i], sub, "a name"))
                return false;
            l->items[l->n++] = ss_scenario_own(ctx->sc, ss_strdup(v->items[i]->str));
        }
        return true;
    }
    case SS_P_STRUCT:
        if (v && v->type != SS_NODE_MAP) {
            expected(ctx, v, path, expect_phrase(p->type));
            return false;
        }
        ss_cfg_table(ctx, p->sub, v, path, field, NULL);
        return true;
    }
    return false;
}

/* ---- tables --------------------------------------------------------------- */

static bool in_list(const char *key, const char *const *list)
{
    for (size_t i = 0; list && list[i]; i++)
        if (strcmp(key, list[i]) == 0)
            return true;
    return false;
}

static const ss_param *find_param(const ss_param *table, const char *key)
{
    for (const ss_param *p = table; p && p->name; p++)
        if (strcmp(p->name, key) == 0)
            return p;
    return NULL;
}

void ss_cfg_unknown_keys(ss_cfgctx *ctx, const ss_node *map, const char *path,
                         const ss_param *table, const char *const *extra)
{
    if (!map || map->type != SS_NODE_MAP)
        return;
    const char *cand[96];
    size_t n = 0;
    for (const ss_param *p = table; p && p->name && n < 64; p++)
        cand[n++] = p->name;
    for (size_t i = 0; extra && extra[i] && n < 96; i++)
        cand[n++] = extra[i];
    bool in_split = false; /* inside the tail of a split distribution */
    for (size_t i = 0; i < map->n_pairs; i++) {
        const ss_node_pair *kp = &map->pairs[i];
        if (in_split && kp->value->type == SS_NODE_NULL) {
            /* "cv=0.8)" after "lognormal(mean=8ms": already reported. */
            in_split = !strchr(kp->key, ')');
            continue;
        }
        in_split = split_in_flow(kp->value);
        if (find_param(table, kp->key) || in_list(kp->key, extra))
            continue;
        char full[300];
        ss_cfg_join(full, sizeof full, path, kp->key);
        const char *hint = ss_cfg_suggest(kp->key, cand, n);
        ss_node at = {.mark = kp->key_mark};
        if (hint)
            ss_cfg_at(ctx, &at, NULL, "%s: unknown key (did you mean %s?)", full, hint);
        else
            ss_cfg_at(ctx, &at, NULL, "%s: unknown key", full);
    }
}

void ss_cfg_table(ss_cfgctx *ctx, const ss_param *table, const ss_node *map, const char *path,
                  void *base, const char *const *extra)
{
    const ss_node *saved_map = ctx->map;
    if (map && map->type == SS_NODE_MAP)
        ctx->map = map;
    ss_cfg_unknown_keys(ctx, map, path, table, extra);
    for (const ss_param *p = table; p && p->name; p++) {
        char full[300];
        ss_cfg_join(full, sizeof full, path, p->name);
        void *field = (char *)base + p->offset;
        const ss_node *v = map ? ss_node_get(map, p->name) : NULL;
        if (v) {
            ss_cfg_value(ctx, p, v, full, field);
            continue;
        }
        if (p->flags & SS_PF_REQUIRED) {
            ss_cfg_at(ctx, map, NULL, "%s: missing (expected %s)", full,
                      p->help ? p->help : expect_phrase(p->type));
            continue;
        }
        if (p->type == SS_P_STRUCT) {
            ss_cfg_table(ctx, p->sub, NULL, full, field, NULL);
            continue;
        }
        if (p->type == SS_P_DIST && !p->def) {
            /* absent, with no default: the model can tell (kind KINDS) */
            ((ss_dist *)field)->kind = SS_DIST_KINDS;
            continue;
        }
        if (p->def) {
            /* Defaults are scenario text, parsed by the same code. */
            ss_node d = {.type = SS_NODE_SCALAR, .mark = map ? map->mark : (ss_mark){0},
                         .str = (char *)p->def};
            ss_param q = *p;
            q.flags = 0;
            if (strcmp(p->def, "-1") == 0 && (p->type == SS_P_INT || p->type == SS_P_COUNT)) {
                if (p->type == SS_P_INT)
                    *(int *)field = -1;
                else
                    *(int64_t *)field = -1;
            } else {
                ss_cfg_value(ctx, &q, &d, full, field);
            }
        }
    }
    ctx->map = saved_map;
}

/* ---- the face models see ------------------------------------------------- */

bool ss_cfg_given(const ss_cfgctx *ctx, const char *key)
{
    return ss_node_get(ctx->map, key) != NULL;
}

void ss_cfg_error(ss_cfgctx *ctx, const char *key, const char *fmt, ...)
{
    char msg[700], full[500];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    const ss_node *v = key ? ss_node_get(ctx->map, key) : NULL;
    if (key)
        ss_cfg_join(full, sizeof full, ctx->path, key);
    else
        snprintf(full, sizeof full, "%s", ctx->path);
    ss_cfg_at(ctx, v ? v : ctx->map, full, "%s", msg);
}

const char *ss_cfg_path(const ss_cfgctx *ctx)
{
    return ctx->path;
}
