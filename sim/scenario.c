/*
 * sim/scenario.c -- from YAML files to a validated ss_scenario.
 *
 * Three passes over one tree: load (following `extends`, each base merged
 * under the file that extends it), override (each --set PATH=VALUE replaces
 * one node, parsed as YAML so a value may be a mapping), validate (section
 * by section, collecting every error). Validation reads the sections in an
 * order where each needs only what came before: regions, datacenters,
 * network, components, workload (routes name components), faults, pricing.
 */
#include "scenario.h"

#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cfg.h"
#include "files.h"
#include "node.h"
#include "registry.h"
#include "scalesim/mem.h"
#include "units.h"

#define MAX_EXTENDS 16

void *ss_scenario_own(ss_scenario *sc, void *p)
{
    SS_GROW(sc->owned, sc->cap_owned, sc->n_owned + 1);
    sc->owned[sc->n_owned++] = p;
    return p;
}

void ss_scenario_free(ss_scenario *sc)
{
    if (!sc)
        return;
    for (size_t i = 0; i < sc->n_owned; i++)
        ss_free(sc->owned[i]);
    ss_free(sc->owned);
    ss_free(sc->samples_files);
    ss_free(sc->sources);
    ss_free(sc);
}

void ss_scenario_add_source(ss_scenario *sc, const char *path)
{
    char real[PATH_MAX];
    if (!realpath(path, real))
        snprintf(real, sizeof real, "%s", path);
    for (int i = 0; i < sc->n_sources; i++)
        if (strcmp(sc->sources[i], real) == 0)
            return;
    SS_GROW(sc->sources, sc->cap_sources, (size_t)sc->n_sources + 1);
    sc->sources[sc->n_sources++] = ss_scenario_own(sc, ss_strdup(real));
}

int ss_scenario_find_component(const ss_scenario *sc, const char *name)
{
    for (int i = 0; i < sc->n_comps; i++)
        if (strcmp(sc->comps[i].name, name) == 0)
            return i;
    return -1;
}

int ss_cfg_region(const ss_cfgctx *ctx, const char *name)
{
    for (int i = 0; i < ctx->sc->n_regions; i++)
        if (strcmp(ctx->sc->region_names[i], name) == 0)
            return i;
    return -1;
}

uint64_t ss_cfg_keys(const ss_cfgctx *ctx)
{
    return ctx->sc->wl.keys.count;
}

int ss_cfg_datacenters(const ss_cfgctx *ctx)
{
    return ctx->sc->n_dcs;
}

int ss_cfg_regions(const ss_cfgctx *ctx)
{
    return ctx->sc->n_regions;
}

int ss_cfg_copies(const ss_cfgctx *ctx)
{
    return ctx->copies > 0 ? ctx->copies : 1;
}

double ss_cfg_memory_budget(const ss_cfgctx *ctx)
{
    return ctx->max_memory;
}

bool ss_cfg_claim(ss_cfgctx *ctx, double bytes)
{
    ctx->claimed += bytes;
    return ctx->claimed <= ctx->max_memory;
}

static char *own_str(ss_scenario *sc, const char *s)
{
    return ss_scenario_own(sc, ss_strdup(s));
}

static void dir_of(const char *file, char *out, size_t n)
{
    const char *slash = strrchr(file, '/');
    if (!slash)
        snprintf(out, n, ".");
    else if (slash == file)
        snprintf(out, n, "/");
    else
        snprintf(out, n, "%.*s", (int)(slash - file), file);
}

/* A path written in a file is relative to that file's folder. */
static void relative_to(const char *file, const char *name, char *out, size_t n)
{
    char dir[1024];
    if (name[0] == '/' || !file) {
        snprintf(out, n, "%s", name);
        return;
    }
    dir_of(file, dir, sizeof dir);
    if (strcmp(dir, ".") == 0)
        snprintf(out, n, "%s", name);
    else
        snprintf(out, n, "%s/%s", dir, name);
}

/* ---- pass 1: load with extends ------------------------------------------- */

static ss_node *load_chain(const char *path, ss_diag *d, char chain[][PATH_MAX], int depth,
                           const ss_node *from, int *n_chain)
{
    char real[PATH_MAX], why[128];
    if (from && !ss_file_readable(path, why, sizeof why)) {
        ss_diag_error(d, from->mark, "extends: cannot read \"%s\": %s", path, why);
        return NULL;
    }
    if (!realpath(path, real))
        snprintf(real, sizeof real, "%s", path);
    for (int i = 0; i < depth; i++)
        if (strcmp(chain[i], real) == 0) {
            ss_diag_error(d, from->mark, "extends: \"%s\" extends itself through a cycle", path);
            return NULL;
        }
    if (depth >= MAX_EXTENDS) {
        ss_diag_error(d, from->mark, "extends: more than %d files deep", MAX_EXTENDS);
        return NULL;
    }
    snprintf(chain[depth], PATH_MAX, "%s", real);
    *n_chain = depth + 1;
    bool ok;
    ss_node *root = ss_node_load_file(path, d, &ok);
    if (!ok)
        return NULL;
    if (!root || root->type != SS_NODE_MAP) {
        char got[80];
        ss_cfg_got(root, got, sizeof got);
        ss_mark at = root ? root->mark : (ss_mark){ss_diag_add_source(d, path, NULL), 1, 1};
        ss_diag_error(d, at, "expected a mapping of scenario keys (scalesim, workload, "
                      "components ...), got %s", got);
        ss_node_free(root);
        return NULL;
    }
    ss_node *ext = ss_node_take(root, "extends");
    if (!ext)
        return root;
    if (ext->type != SS_NODE_SCALAR) {
        char got[80];
        ss_cfg_got(ext, got, sizeof got);
        ss_diag_error(d, ext->mark, "extends: expected a scenario file name, got %s", got);
        ss_node_free(ext);
        ss_node_free(root);
        return NULL;
    }
    char base_path[PATH_MAX];
    relative_to(ext->mark.file, ext->str, base_path, sizeof base_path);
    ss_node *base = load_chain(base_path, d, chain, depth + 1, ext, n_chain);
    ss_node_free(ext);
    if (!base) {
        ss_node_free(root);
        return NULL;
    }
    ss_node_merge(base, root);
    return base;
}

/* ---- pass 2: --set overrides --------------------------------------------- */

/* The VALUE of --set PATH=VALUE as YAML. Its marks point into the
 * command line: line 1 of "--set ARG", so carets land under it (`lead` is
 * the length of "--set "). NULL after reporting an error; an empty value is
 * YAML's null. */
static ss_node *set_value(const char *src, const char *arg, const char *eq, int lead, ss_mark at,
                          ss_diag *d)
{
    bool ok;
    ss_node *v = ss_node_load_part(src, eq + 1, (int)(eq + 1 - arg) + lead, d, &ok);
    if (!ok)
        return NULL;
    return v ? v : ss_node_new(SS_NODE_NULL, at);
}

/* Collections whose keys are names the scenario chose: a path through a
 * name that is not there is a typo, not a new entry (a component made of
 * one key has no kind). */
static bool named_collection(const ss_node *root, const ss_node *map)
{
    const ss_node *wl = ss_node_get(root, "workload");
    return map == ss_node_get(root, "components") || map == ss_node_get(root, "datacenters") ||
           (wl && map == ss_node_get(wl, "requests"));
}

static bool apply_set(ss_node *root, const ss_override *ov, ss_diag *d)
{
    const char *arg = ov->text, *opt = ov->option ? ov->option : "--set";
    size_t tlen = strlen(opt) + strlen(arg) + 2;
    char *text = ss_malloc(tlen);
    snprintf(text, tlen, "%s %s", opt, arg);
    const char *src = ss_diag_add_source(d, "<command line>", text);
    ss_free(text);
    int lead = (int)strlen(opt) + 1;
    const char *eq = strchr(arg, '=');
    ss_mark at = {src, 1, lead + 1};
    if (!eq || eq == arg) {
        ss_diag_error(d, at, "%s: expected PATH=VALUE like workload.users=50000, got \"%s\"",
                      opt, arg);
        return false;
    }
    char *path = ss_strndup(arg, (size_t)(eq - arg));
    /* every part of the path names something: "workload..rate", ".users"
     * and "workload." are typos, not paths */
    size_t plen = strlen(path);
    if (path[0] == '.' || path[plen - 1] == '.' || strstr(path, "..")) {
        ss_diag_error(d, at, "%s %s: expected a dotted path like workload.users, with a name "
                      "between every two dots", opt, path);
        ss_free(path);
        return false;
    }
    ss_node *cur = root;
    char *save = NULL;
    char *parts = ss_strdup(path);
    char *tok = strtok_r(parts, ".", &save);
    bool ok = true;
    while (tok) {
        char *next = strtok_r(NULL, ".", &save);
        if (cur->type == SS_NODE_SEQ) {
            char *end;
            long idx = strtol(tok, &end, 10);
            if (*end || idx < 0 || (size_t)idx >= cur->n_items) {
                ss_diag_error(d, at, "%s %s: \"%s\" is not an index of the list (0 to %zu)",
                              opt, path, tok, cur->n_items ? cur->n_items - 1 : 0);
                ok = false;
                break;
            }
            if (!next) {
                ss_node *v = set_value(src, arg, eq, lead, at, d);
                if (!v) {
                    ok = false;
                    break;
                }
                ss_node_free(cur->items[idx]);
                cur->items[idx] = v;
                break;
            }
            cur = cur->items[idx];
        } else {
            if (cur->type != SS_NODE_MAP) {
                ss_diag_error(d, at, "%s %s: \"%s\" is inside a value that is not a mapping",
                              opt, path, tok);
                ok = false;
                break;
            }
            if (!next) {
                ss_node *v = set_value(src, arg, eq, lead, at, d);
                if (!v) {
                    ok = false;
                    break;
                }
                ss_node_set(cur, tok, at, v);
                break;
            }
            ss_node *child = ss_node_get(cur, tok);
            if (!child && named_collection(root, cur)) {
                const char *names[SS_MAX_COMPONENTS];
                size_t n = 0;
                for (size_t i = 0; i < cur->n_pairs && n < SS_MAX_COMPONENTS; i++)
                    names[n++] = cur->pairs[i].key;
                const char *hint = ss_cfg_suggest(tok, names, n);
                size_t used = (size_t)(tok - parts);
                ss_diag_error(d, at, "%s %s: no \"%s\" in %.*s%s%s%s; a new one is given whole, "
                              "as in %s '%.*s%s={...}'", opt, path, tok, (int)(used ? used - 1 : 0),
                              path, hint ? " (did you mean " : "", hint ? hint : "",
                              hint ? "?)" : "", opt, (int)used, path, tok);
                ok = false;
                break;
            }
            if (!child) {
                child = ss_node_new(SS_NODE_MAP, at);
                ss_node_set(cur, tok, at, child);
            }
            cur = child;
        }
        tok = next;
    }
    ss_free(parts);
    ss_free(path);
    return ok;
}

/* ---- pass 3: validation -------------------------------------------------- */

typedef struct sim_section {
    ss_time duration, warmup;
    int64_t seed;
} sim_section;

static const ss_param simulation_params[] = {
    {"duration", SS_P_DURATION, offsetof(sim_section, duration), SS_PF_POSITIVE, "60s", 0, 0,
     "simulated time measured, after the warm-up"},
    {"warmup", SS_P_DURATION, offsetof(sim_section, warmup), 0, "10s", 0, 0,
     "simulated time run first and not measured"},
    {"seed", SS_P_COUNT, offsetof(sim_section, seed), 0, "1", 0, 0, "base random seed"},
    {0},
};

static const char *const top_keys[] = {"scalesim", "name", "stage", "title", "description",
                                       "simulation", "workload", "network", "components",
                                       "datacenters", "faults", "pricing", NULL};

static int add_region(ss_cfgctx *ctx, const char *name, const ss_node *at, const char *path)
{
    ss_scenario *sc = ctx->sc;
    int r = ss_cfg_region(ctx, name);
    if (r >= 0)
        return r;
    if (sc->n_regions == SS_MAX_REGIONS) {
        ss_cfg_at(ctx, at, path, "more than %d regions", SS_MAX_REGIONS);
        return -1;
    }
    sc->region_names[sc->n_regions] = own_str(sc, name);
    return sc->n_regions++;
}

static bool valid_name(const char *s)
{
    if (!*s || strlen(s) > 40)
        return false;
    for (const char *p = s; *p; p++)
        if (!(('a' <= *p && *p <= 'z') || ('A' <= *p && *p <= 'Z') || ('0' <= *p && *p <= '9') ||
              *p == '_' || *p == '-'))
            return false;
    return true;
}

/* Regions are named by datacenters, workload.regions and network.regions;
 * their order of first appearance is their index. */
static void collect_regions(ss_cfgctx *ctx, const ss_node *root)
{
    const ss_node *dcs = ss_node_get(root, "datacenters");
    if (dcs && dcs->type == SS_NODE_MAP)
        for (size_t i = 0; i < dcs->n_pairs; i++) {
            const ss_node *r = ss_node_get(dcs->pairs[i].value, "region");
            const char *name = r && r->type == SS_NODE_SCALAR ? r->str : dcs->pairs[i].key;
            add_region(ctx, name, dcs->pairs[i].value, "datacenters");
        }
    const ss_node *wl = ss_node_get(root, "workload");
    const ss_node *wr = ss_node_get(wl, "regions");
    if (wr && wr->type == SS_NODE_MAP)
        for (size_t i = 0; i < wr->n_pairs; i++)
            add_region(ctx, wr->pairs[i].key, wr->pairs[i].value, "workload.regions");
    const ss_node *nr = ss_node_get(ss_node_get(root, "network"), "regions");
    if (nr && nr->type == SS_NODE_MAP)
        for (size_t i = 0; i < nr->n_pairs; i++) {
            add_region(ctx, nr->pairs[i].key, nr->pairs[i].value, "network.regions");
            const ss_node *row = nr->pairs[i].value;
            if (row && row->type == SS_NODE_MAP)
                for (size_t j = 0; j < row->n_pairs; j++)
                    add_region(ctx, row->pairs[j].key, row->pairs[j].value, "network.regions");
        }
    for (int r = 0; r < ctx->sc->n_regions; r++)
        if (!valid_name(ctx->sc->region_names[r]))
            ss_cfg_at(ctx, root, NULL, "region \"%s\": expected a name of letters, digits, "
                      "'-' and '_'", ctx->sc->region_names[r]);
}

static void build_datacenters(ss_cfgctx *ctx, const ss_node *root)
{
    ss_scenario *sc = ctx->sc;
    const ss_node *dcs = ss_node_get(root, "datacenters");
    if (!dcs || dcs->type == SS_NODE_NULL) {
        /* One implicit datacenter, in the first region users come from. */
        sc->n_dcs = 1;
        sc->dcs[0].name = own_str(sc, "main");
        if (sc->n_regions == 0)
            sc->region_names[sc->n_regions++] = own_str(sc, "main");
        sc->dcs[0].region = 0;
        return;
    }
    if (dcs->type != SS_NODE_MAP || dcs->n_pairs == 0) {
        char got[80];
        ss_cfg_got(dcs, got, sizeof got);
        ss_cfg_at(ctx, dcs, "datacenters", "expected a mapping of datacenter names, got %s", got);
        sc->n_dcs = 1;
        sc->dcs[0].name = own_str(sc, "main");
        return;
    }
    sc->explicit_dcs = true;
    static const char *const dc_keys[] = {"region", NULL};
    for (size_t i = 0; i < dcs->n_pairs && sc->n_dcs < SS_MAX_REGIONS; i++) {
        const ss_node_pair *p = &dcs->pairs[i];
        char path[300];
        ss_cfg_join(path, sizeof path, "datacenters", p->key);
        if (!valid_name(p->key)) {
            ss_node at = {.mark = p->key_mark};
            ss_cfg_at(ctx, &at, path, "expected a name of letters, digits, '-' and '_'");
        }
        if (p->value->type != SS_NODE_NULL && p->value->type != SS_NODE_MAP) {
            char got[80];
            ss_cfg_got(p->value, got, sizeof got);
            ss_cfg_at(ctx, p->value, path, "expected a mapping like {region: us-east}, got %s",
                      got);
            continue;
        }
        ss_cfg_unknown_keys(ctx, p->value, path, NULL, dc_keys);
        const ss_node *r = ss_node_get(p->value, "region");
        const char *rname = r && r->type == SS_NODE_SCALAR ? r->str : p->key;
        ss_datacenter *dc = &sc->dcs[sc->n_dcs++];
        dc->name = own_str(sc, p->key);
        dc->region = ss_cfg_region(ctx, rname);
    }
}

/* Where regions are first named, for errors about them. */
static const ss_node *regions_node(const ss_node *root)
{
    const ss_node *w = ss_node_get(ss_node_get(root, "workload"), "regions");
    const ss_node *d = ss_node_get(root, "datacenters");
    return w ? w : d ? d : root;
}

static void build_network(ss_cfgctx *ctx, const ss_node *root)
{
    ss_scenario *sc = ctx->sc;
    ss_network *net = &sc->net;
    const ss_node *n = ss_node_get(root, "network");
    static const ss_param net_params[] = {
        {"hop", SS_P_DIST, offsetof(ss_network, hop), 0, "0s", 0, 0,
         "one-way latency between two components in one region"},
        {"client", SS_P_DIST, offsetof(ss_network, client), 0, "0s", 0, 0,
         "one-way latency between a client and the first component"},
        {0},
    };
    static const char *const extra[] = {"regions", NULL};
    if (n && n->type != SS_NODE_MAP && n->type != SS_NODE_NULL) {
        char got[80];
        ss_cfg_got(n, got, sizeof got);
        ss_cfg_at(ctx, n, "network", "expected a mapping, got %s", got);
        n = NULL;
    }
    ss_cfg_table(ctx, net_params, n, "network", net, extra);
    bool given[SS_MAX_REGIONS][SS_MAX_REGIONS] = {{false}};
    for (int a = 0; a < SS_MAX_REGIONS; a++)
        for (int b = 0; b < SS_MAX_REGIONS; b++)
            net->lat[a][b] = ss_dist_const(0);
    const ss_node *m = ss_node_get(n, "regions");
    if (m && m->type != SS_NODE_MAP) {
        char got[80];
        ss_cfg_got(m, got, sizeof got);
        ss_cfg_at(ctx, m, "network.regions", "expected a mapping of one-way latencies like "
                  "{us-east: {eu-west: 40ms}}, got %s", got);
        m = NULL;
    }
    for (size_t i = 0; m && i < m->n_pairs; i++) {
        const ss_node_pair *row = &m->pairs[i];
        int a = ss_cfg_region(ctx, row->key);
        char path[300];
        ss_cfg_join(path, sizeof path, "network.regions", row->key);
        if (row->value->type != SS_NODE_MAP) {
            char got[80];
            ss_cfg_got(row->value, got, sizeof got);
            ss_cfg_at(ctx, row->value, path, "expected a mapping like {eu-west: 40ms}, got %s",
                      got);
            continue;
        }
        for (size_t j = 0; j < row->value->n_pairs; j++) {
            const ss_node_pair *cell = &row->value->pairs[j];
            int b = ss_cfg_region(ctx, cell->key);
            char cpath[400];
            ss_cfg_join(cpath, sizeof cpath, path, cell->key);
            ss_dist dd;
            if (a < 0 || b < 0 || !ss_cfg_dist(ctx, cell->value, cpath, &dd))
                continue;
            if (given[a][b] && !(a == b)) {
                ss_cfg_at(ctx, cell->value, cpath, "latency given twice (the matrix is "
                          "symmetric: %s to %s is already set)", row->key, cell->key);
                continue;
            }
            net->lat[a][b] = net->lat[b][a] = dd;
            given[a][b] = given[b][a] = true;
        }
    }
    net->has_matrix = m != NULL;
    /* Every pair of distinct regions a request can cross needs a latency. */
    for (int a = 0; a < sc->n_regions; a++)
        for (int b = a + 1; b < sc->n_regions; b++)
            if (!given[a][b])
                ss_cfg_at(ctx, m ? m : (n ? n : regions_node(root)), "network.regions",
                          "no latency between regions %s and %s (add %s: {%s: 40ms})",
                          sc->region_names[a], sc->region_names[b], sc->region_names[a],
                          sc->region_names[b]);
}

static const ss_param *param_named(const ss_param *t, const char *name)
{
    for (; t && t->name; t++)
        if (strcmp(t->name, name) == 0)
            return t;
    return NULL;
}

static void mark_broken(ss_scenario *sc, const char *name)
{
    if (sc->n_broken < SS_MAX_COMPONENTS)
        sc->broken[sc->n_broken++] = own_str(sc, name);
}

static bool is_broken(const ss_scenario *sc, const char *name)
{
    for (int i = 0; i < sc->n_broken; i++)
        if (strcmp(sc->broken[i], name) == 0)
            return true;
    return false;
}

static void build_components(ss_cfgctx *ctx, const ss_node *root)
{
    ss_scenario *sc = ctx->sc;
    const ss_node *comps = ss_node_get(root, "components");
    if (!comps || comps->type != SS_NODE_MAP || comps->n_pairs == 0) {
        char got[80];
        ss_cfg_got(comps, got, sizeof got);
        ss_cfg_at(ctx, comps ? comps : root, "components",
                  "expected a mapping of named components like {app: {kind: app_server, "
                  "service: exp(8ms)}}, got %s", got);
        return;
    }
    const char *kinds[32];
    size_t n_kinds = 0;
    char list[300] = "";
    for (size_t i = 0; i < ctx->kinds->n && n_kinds < 32; i++) {
        kinds[n_kinds++] = ctx->kinds->ops[i]->kind;
        if (strlen(list) + strlen(ctx->kinds->ops[i]->kind) + 3 < sizeof list) {
            strcat(list, i ? ", " : "");
            strcat(list, ctx->kinds->ops[i]->kind);
        }
    }
    for (size_t i = 0; i < comps->n_pairs; i++) {
        const ss_node_pair *p = &comps->pairs[i];
        char path[300];
        ss_cfg_join(path, sizeof path, "components", p->key);
        if (!valid_name(p->key)) {
            ss_node at = {.mark = p->key_mark};
            ss_cfg_at(ctx, &at, path, "expected a name of letters, digits, '-' and '_' "
                      "(dots and brackets are for fault targets)");
            mark_broken(sc, p->key);
            continue;
        }
        if (sc->n_comps == SS_MAX_COMPONENTS) {
            ss_cfg_at(ctx, p->value, path, "more than %d components", SS_MAX_COMPONENTS);
            return;
        }
        const ss_node *v = p->value;
        if (v->type != SS_NODE_MAP) {
            char got[80];
            ss_cfg_got(v, got, sizeof got);
            ss_cfg_at(ctx, v, path, "expected a mapping like {kind: app_server, service: "
                      "exp(8ms)}, got %s", got);
            mark_broken(sc, p->key);
            continue;
        }
        const ss_node *kind = ss_node_get(v, "kind");
        char kpath[320];
        ss_cfg_join(kpath, sizeof kpath, path, "kind");
        if (!kind) {
            ss_cfg_at(ctx, v, kpath, "missing (one of %s)", list);
            mark_broken(sc, p->key);
            continue;
        }
        if (!ss_cfg_scalar(ctx, kind, kpath, "a component kind")) {
            mark_broken(sc, p->key);
            continue;
        }
        const ss_model_ops *ops = ss_kinds_find(ctx->kinds, kind->str);
        if (!ops) {
            const char *hint = ss_cfg_suggest(kind->str, kinds, n_kinds);
            if (hint)
                ss_cfg_at(ctx, kind, kpath, "expected one of %s, got \"%s\" (did you mean %s?)",
                          list, kind->str, hint);
            else
                ss_cfg_at(ctx, kind, kpath, "expected one of %s, got \"%s\"", list, kind->str);
            mark_broken(sc, p->key);
            continue;
        }
        if (ops->resolve)
            for (int k = 0; k < sc->n_comps; k++)
                if (sc->comps[k].ops->resolve) {
                    ss_cfg_at(ctx, kind, kpath, "a scenario has one resolver, and \"%s\" is "
                              "one already", sc->comps[k].name);
                    mark_broken(sc, p->key);
                    ops = NULL;
                    break;
                }
        if (!ops)
            continue;
        ss_component *c = &sc->comps[sc->n_comps++];
        c->name = own_str(sc, p->key);
        c->ops = ops;
        c->mark = p->key_mark;
        c->placement = -1;
        c->cfg = ss_scenario_own(sc, ss_calloc(1, ops->cfg_size ? ops->cfg_size : 1));
        typedef struct common {
            char *placement, *instance_type;
            double price;
        } common;
        static const ss_param common_params[] = {
            {"placement", SS_P_STRING, offsetof(common, placement), 0, NULL, 0, 0,
             "the datacenter this component lives in (default: a copy in each)"},
            {"instance_type", SS_P_STRING, offsetof(common, instance_type), 0, NULL, 0, 0,
             "an instance type of the pricing file"},
            {"price_per_hour", SS_P_MONEY, offsetof(common, price), 0, NULL, 0, 0,
             "dollars per instance per hour, instead of an instance_type"},
            {0},
        };
        const char *accepted[48];
        size_t na = 0;
        for (const ss_param *q = common_params; q->name; q++)
            accepted[na++] = q->name;
        accepted[na++] = "kind";
        accepted[na++] = "description";
        accepted[na] = NULL;
        common cm = {0};
        ctx->map = v;
        snprintf(ctx->path, sizeof ctx->path, "%s", path);
        ss_cfg_table(ctx, ops->params, v, path, c->cfg, accepted);
        /* The common keys, read without a second unknown-key pass. */
        for (const ss_param *q = common_params; q->name; q++) {
            const ss_node *cv = ss_node_get(v, q->name);
            char cp[320];
            ss_cfg_join(cp, sizeof cp, path, q->name);
            if (cv)
                ss_cfg_value(ctx, q, cv, cp, (char *)&cm + q->offset);
        }
        c->instance_type = cm.instance_type;
        c->price_per_hour = cm.price;
        if (cm.instance_type && ss_node_get(v, "price_per_hour"))
            ss_cfg_at(ctx, ss_node_get(v, "price_per_hour"), path,
                      "give instance_type or price_per_hour, not both");
        if (cm.placement) {
            const ss_node *pv = ss_node_get(v, "placement");
            c->placement = -2;
            for (int d = 0; d < sc->n_dcs; d++)
                if (strcmp(sc->dcs[d].name, cm.placement) == 0)
                    c->placement = d;
            if (c->placement == -2) {
                char pp[320];
                ss_cfg_join(pp, sizeof pp, path, "placement");
                const char *names[SS_MAX_REGIONS];
                for (int d = 0; d < sc->n_dcs; d++)
                    names[d] = sc->dcs[d].name;
                const char *hint = ss_cfg_suggest(cm.placement, names, (size_t)sc->n_dcs);
                ss_cfg_at(ctx, pv, pp, "no datacenter named \"%s\"%s%s%s", cm.placement,
                          hint ? " (did you mean " : "", hint ? hint : "", hint ? "?)" : "");
                c->placement = -1;
            }
        }
        ctx->copies = (ops->flags & SS_MODEL_SPANS_DCS) || c->placement >= 0 ? 1 : sc->n_dcs;
        if (ops->check)
            ops->check(c->cfg, ctx);
        ctx->map = NULL;
        ctx->path[0] = '\0';
    }
}

/* workload.keys: {count: 1M, popularity: zipf(0.99) | uniform} */
static bool build_keys(ss_cfgctx *ctx, const ss_node *n, const char *path, ss_keys *k)
{
    k->count = 1000000;
    k->popularity = SS_POP_UNIFORM;
    k->zipf_s = 0;
    if (!n)
        return true;
    if (n->type != SS_NODE_MAP) {
        char got[80];
        ss_cfg_got(n, got, sizeof got);
        ss_cfg_at(ctx, n, path, "expected a mapping like {count: 1M, popularity: zipf(0.99)}, "
                  "got %s", got);
        return false;
    }
    static const char *const keys[] = {"count", "popularity", NULL};
    ss_cfg_unknown_keys(ctx, n, path, NULL, keys);
    bool ok = true;
    const ss_node *c = ss_node_get(n, "count");
    if (c) {
        ss_param p = {"count", SS_P_COUNT, 0, SS_PF_POSITIVE, 0, 0, 0, 0};
        int64_t v = 0;
        char cp[300];
        ss_cfg_join(cp, sizeof cp, path, "count");
        if (ss_cfg_value(ctx, &p, c, cp, &v))
            k->count = (uint64_t)v;
        else
            ok = false;
    }
    const ss_node *pop = ss_node_get(n, "popularity");
    if (pop) {
        char pp[300];
        ss_cfg_join(pp, sizeof pp, path, "popularity");
        double s;
        const char *t = pop->str;
        size_t tl = strlen(t);
        if (pop->type != SS_NODE_SCALAR) {
            char got[80];
            ss_cfg_got(pop, got, sizeof got);
            ss_cfg_at(ctx, pop, pp, "expected uniform or zipf(S) like zipf(0.99), got %s", got);
            ok = false;
        } else if (strcmp(t, "uniform") == 0) {
            k->popularity = SS_POP_UNIFORM;
        } else if (strncmp(t, "zipf(", 5) == 0 && tl > 6 && t[tl - 1] == ')') {
            char num[64];
            snprintf(num, sizeof num, "%.*s", (int)(tl - 6), t + 5);
            if (!ss_units_number(num, &s) || !(s > 0 && s <= 10)) {
                ss_cfg_at(ctx, pop, pp, "expected a zipf exponent between 0 and 10 like "
                          "zipf(0.99), got \"%s\"", t);
                ok = false;
            } else {
                k->popularity = SS_POP_ZIPF;
                k->zipf_s = s;
            }
        } else {
            char got[80];
            ss_cfg_got(pop, got, sizeof got);
            ss_cfg_at(ctx, pop, pp, "expected uniform or zipf(S) like zipf(0.99), got %s", got);
            ok = false;
        }
    }
    return ok;
}

static void build_route(ss_cfgctx *ctx, const ss_node *r, const char *path, ss_class *cl)
{
    ss_scenario *sc = ctx->sc;
    char rp[320];
    ss_cfg_join(rp, sizeof rp, path, "route");
    if (!r) {
        ss_cfg_at(ctx, ctx->map, rp, "missing (expected a list of components like [lb, app, db])");
        return;
    }
    if (r->type != SS_NODE_SEQ || r->n_items == 0) {
        char got[80];
        ss_cfg_got(r, got, sizeof got);
        ss_cfg_at(ctx, r, rp, "expected a list of components like [lb, app, db], got %s", got);
        return;
    }
    if (r->n_items > SS_ROUTE_MAX) {
        ss_cfg_at(ctx, r, rp, "expected at most %d components, got %zu", SS_ROUTE_MAX,
                  r->n_items);
        return;
    }
    const char *names[SS_MAX_COMPONENTS];
    for (int i = 0; i < sc->n_comps; i++)
        names[i] = sc->comps[i].name;
    for (size_t i = 0; i < r->n_items; i++) {
        const ss_node *it = r->items[i];
        char ip[360];
        snprintf(ip, sizeof ip, "%s[%zu]", rp, i);
        if (!ss_cfg_scalar(ctx, it, ip, "a component name"))
            return;
        int c = ss_scenario_find_component(sc, it->str);
        if (c < 0 && is_broken(sc, it->str))
            return; /* its definition's error says it all */
        if (c < 0) {
            const char *hint = ss_cfg_suggest(it->str, names, (size_t)sc->n_comps);
            ss_cfg_at(ctx, it, ip, "no component named \"%s\"%s%s%s", it->str,
                      hint ? " (did you mean " : "", hint ? hint : "", hint ? "?)" : "");
            return;
        }
        const ss_model_ops *ops = sc->comps[c].ops;
        if (ops->flags & SS_MODEL_NO_ROUTE) {
            ss_cfg_at(ctx, it, ip, "\"%s\" is of kind %s: it is not visited in a route", it->str,
                      ops->kind);
            return;
        }
        if ((ops->flags & SS_MODEL_FIRST) && i != 0) {
            ss_cfg_at(ctx, it, ip, "\"%s\" is of kind %s: it can only start a route", it->str,
                      ops->kind);
            return;
        }
        cl->route[cl->n_route++] = c;
    }
}

/* requests.NAME.service: {COMPONENT: DIST, ...}, this class's own service
 * time at components of its route (SPEC 4.1), instead of theirs. */
static void build_class_service(ss_cfgctx *ctx, const ss_node *v, const char *path, ss_class *cl)
{
    if (!v)
        return;
    ss_scenario *sc = ctx->sc;
    char sp[320];
    ss_cfg_join(sp, sizeof sp, path, "service");
    if (v->type != SS_NODE_MAP || v->n_pairs == 0) {
        char got[80];
        ss_cfg_got(v, got, sizeof got);
        ss_cfg_at(ctx, v, sp, "expected a mapping of components to service times like "
                  "{app: exp(30ms)}, got %s", got);
        return;
    }
    cl->service = ss_scenario_own(sc, ss_calloc(v->n_pairs, sizeof *cl->service));
    for (size_t i = 0; i < v->n_pairs; i++) {
        const ss_node_pair *p = &v->pairs[i];
        char cp[400];
        ss_cfg_join(cp, sizeof cp, sp, p->key);
        ss_node at = {.mark = p->key_mark};
        int c = ss_scenario_find_component(sc, p->key);
        bool in_route = false;
        for (int k = 0; k < cl->n_route; k++)
            in_route |= cl->route[k] == c;
        if (c < 0 && is_broken(sc, p->key))
            continue;
        if (c < 0 || !in_route) {
            const char *names[SS_ROUTE_MAX];
            for (int k = 0; k < cl->n_route; k++)
                names[k] = sc->comps[cl->route[k]].name;
            const char *hint = ss_cfg_suggest(p->key, names, (size_t)cl->n_route);
            ss_cfg_at(ctx, &at, cp, "%s \"%s\" in this class's route%s%s%s",
                      c < 0 ? "no component named" : "no component", p->key,
                      hint ? " (did you mean " : "", hint ? hint : "", hint ? "?)" : "");
            continue;
        }
        if (!param_named(sc->comps[c].ops->params, "service")) {
            ss_cfg_at(ctx, &at, cp, "\"%s\" is of kind %s, which has no service time to "
                      "override", p->key, sc->comps[c].ops->kind);
            continue;
        }
        ss_class_service *s = &cl->service[cl->n_service];
        if (!ss_cfg_dist(ctx, p->value, cp, &s->dist))
            continue;
        s->comp = c;
        cl->n_service++;
    }
}

static void build_classes(ss_cfgctx *ctx, const ss_node *reqs)
{
    ss_scenario *sc = ctx->sc;
    ss_workload *wl = &sc->wl;
    if (!reqs || reqs->type != SS_NODE_MAP || reqs->n_pairs == 0) {
        char got[80];
        ss_cfg_got(reqs, got, sizeof got);
        ss_cfg_at(ctx, reqs ? reqs : ctx->map, "workload.requests",
                  "expected a mapping of request classes like {read: {weight: 90, route: "
                  "[app, db]}}, got %s", got);
        return;
    }
    static const char *const ops[] = {"read", "write", NULL};
    static const ss_param class_params[] = {
        {"weight", SS_P_NUMBER, offsetof(ss_class, weight), SS_PF_NONNEG, "1", 0, 0,
         "relative share of requests"},
        {"op", SS_P_ENUM, offsetof(ss_class, op), 0, "read", ops, 0, "read or write"},
        {"size", SS_P_SIZE, offsetof(ss_class, size_bytes), 0, "0B", 0, 0,
         "response size (CDN egress)"},
        {0},
    };
    static const char *const extra[] = {"route", "keys", "service", NULL};
    double total = 0;
    int errors_before = ss_diag_errors(ctx->diag);
    for (size_t i = 0; i < reqs->n_pairs; i++) {
        const ss_node_pair *p = &reqs->pairs[i];
        char path[300];
        ss_cfg_join(path, sizeof path, "workload.requests", p->key);
        if (wl->n_classes == SS_MAX_CLASSES) {
            ss_cfg_at(ctx, p->value, path, "more than %d request classes", SS_MAX_CLASSES);
            return;
        }
        if (p->value->type != SS_NODE_MAP) {
            char got[80];
            ss_cfg_got(p->value, got, sizeof got);
            ss_cfg_at(ctx, p->value, path, "expected a mapping like {weight: 90, op: read, "
                      "route: [app, db]}, got %s", got);
            continue;
        }
        ss_class *cl = &wl->classes[wl->n_classes++];
        cl->name = own_str(sc, p->key);
        const ss_node *saved = ctx->map;
        ctx->map = p->value;
        ss_cfg_table(ctx, class_params, p->value, path, cl, extra);
        build_route(ctx, ss_node_get(p->value, "route"), path, cl);
        build_class_service(ctx, ss_node_get(p->value, "service"), path, cl);
        const ss_node *k = ss_node_get(p->value, "keys");
        if (k) {
            char kp[320];
            ss_cfg_join(kp, sizeof kp, path, "keys");
            cl->own_keys = build_keys(ctx, k, kp, &cl->keys);
        }
        ctx->map = saved;
        total += cl->weight;
    }
    if (wl->n_classes > 0 && !(total > 0) && ss_diag_errors(ctx->diag) == errors_before)
        ss_cfg_at(ctx, reqs, "workload.requests", "the weights sum to zero");
}

static void build_profile(ss_cfgctx *ctx, const ss_node *pr)
{
    ss_workload *wl = &ctx->sc->wl;
    const char *path = "workload.profile";
    if (pr->type != SS_NODE_SEQ || pr->n_items == 0) {
        char got[80];
        ss_cfg_got(pr, got, sizeof got);
        ss_cfg_at(ctx, pr, path, "expected a list of [time, rate] points like [[0s, 100/s], "
                  "[5m, 4000/s]], got %s", got);
        return;
    }
    wl->profile = ss_scenario_own(ctx->sc, ss_calloc(pr->n_items, sizeof *wl->profile));
    for (size_t i = 0; i < pr->n_items; i++) {
        const ss_node *pt = pr->items[i];
        char ip[100];
        snprintf(ip, sizeof ip, "%s[%zu]", path, i);
        if (pt->type != SS_NODE_SEQ || pt->n_items != 2) {
            char got[80];
            ss_cfg_got(pt, got, sizeof got);
            ss_cfg_at(ctx, pt, ip, "expected a [time, rate] pair like [5m, 4000/s], got %s", got);
            return;
        }
        ss_param tp = {"t", SS_P_DURATION, 0, 0, 0, 0, 0, 0};
        ss_param rp = {"rate", SS_P_RATE, 0, 0, 0, 0, 0, 0};
        ss_profile_point *p = &wl->profile[wl->n_profile];
        if (!ss_cfg_value(ctx, &tp, pt->items[0], ip, &p->t) ||
            !ss_cfg_value(ctx, &rp, pt->items[1], ip, &p->rate_per_s))
            return;
        if (p->rate_per_s > 1e8) {
            ss_cfg_at(ctx, pt->items[1], ip, "expected a rate up to 1e8/s, got \"%s\"",
                      pt->items[1]->str);
            return;
        }
        if (wl->n_profile > 0 && p->t < wl->profile[wl->n_profile - 1].t) {
            ss_cfg_at(ctx, pt->items[0], ip, "expected times in increasing order, got %s after "
                      "%s", pt->items[0]->str, pr->items[i - 1]->items[0]->str);
            return;
        }
        wl->n_profile++;
    }
    double peak = 0;
    for (int i = 0; i < wl->n_profile; i++)
        peak = fmax(peak, wl->profile[i].rate_per_s);
    if (!(peak > 0))
        ss_cfg_at(ctx, pr, path, "every rate of the profile is zero");
}

static void build_workload(ss_cfgctx *ctx, const ss_node *root)
{
    ss_scenario *sc = ctx->sc;
    ss_workload *wl = &sc->wl;
    const ss_node *w = ss_node_get(root, "workload");
    if (!w || w->type != SS_NODE_MAP) {
        char got[80];
        ss_cfg_got(w, got, sizeof got);
        ss_cfg_at(ctx, w ? w : root, "workload", "expected a mapping with users (or rate) and "
                  "requests, got %s", got);
        return;
    }
    typedef struct wl_raw {
        int64_t users, clients;
        ss_dist think;
        double rate;
        ss_time timeout;
    } wl_raw;
    static const ss_param wl_params[] = {
        {"users", SS_P_COUNT, offsetof(wl_raw, users), SS_PF_POSITIVE, "-1", 0, 0,
         "closed model: users who think, send, wait, think again"},
        {"think_time", SS_P_DIST, offsetof(wl_raw, think), 0, "exp(10s)", 0, 0,
         "closed model: time between an answer and the next request"},
        {"rate", SS_P_RATE, offsetof(wl_raw, rate), SS_PF_POSITIVE, NULL, 0, 0,
         "open model: Poisson arrivals per second"},
        {"clients", SS_P_COUNT, offsetof(wl_raw, clients), SS_PF_POSITIVE, "10k", 0, 0,
         "open model: clients the arrivals come from (each with its own DNS cache)"},
        {"timeout", SS_P_DURATION, offsetof(wl_raw, timeout), 0, "0s", 0, 0,
         "a response slower than this is an error (0: no timeout)"},
        {0},
    };
    static const char *const extra[] = {"profile", "regions", "keys", "requests", NULL};
    wl_raw raw = {0};
    const ss_node *saved = ctx->map;
    ctx->map = w;
    ss_cfg_table(ctx, wl_params, w, "workload", &raw, extra);
    const ss_node *users = ss_node_get(w, "users"), *rate = ss_node_get(w, "rate"),
                  *profile = ss_node_get(w, "profile");
    if (users && (rate || profile))
        ss_cfg_at(ctx, rate ? rate : profile, "workload", "give users (a closed model) or "
                  "%s (an open model), not both", rate ? "rate" : "profile");
    else if (rate && profile)
        ss_cfg_at(ctx, profile, "workload", "give rate or profile, not both");
    else if (!users && !rate && !profile)
        ss_cfg_at(ctx, w, "workload", "missing users (a closed model) or rate (an open model)");
    if (ss_node_get(w, "think_time") && !users && (rate || profile))
        ss_cfg_at(ctx, ss_node_get(w, "think_time"), "workload.think_time",
                  "only a closed model (users) thinks; an open model has a rate");
    wl->closed = users != NULL;
    wl->users = raw.users;
    wl->think = raw.think;
    wl->rate_per_s = raw.rate;
    wl->clients = raw.clients;
    wl->timeout = raw.timeout;
    if (wl->closed && wl->users > 10000000)
        ss_cfg_at(ctx, users, "workload.users", "expected at most 10M users, got \"%s\"",
                  users->str);
    if (raw.clients > 10000000)
        ss_cfg_at(ctx, ss_node_get(w, "clients"), "workload.clients",
                  "expected at most 10M clients, got \"%s\"", ss_node_get(w, "clients")->str);
    /* above 1e8/s arrivals come closer than 10 ns apart: not a web workload,
     * and a typo of units (1e12/s for 1e12/h?) that would eat the memory */
    if (rate && raw.rate > 1e8)
        ss_cfg_at(ctx, rate, "workload.rate", "expected at most 1e8/s, got \"%s\"", rate->str);
    if (profile)
        build_profile(ctx, profile);
    /* regions: {us-east: 0.7, eu-west: 0.3} */
    const ss_node *regs = ss_node_get(w, "regions");
    if (regs) {
        if (regs->type != SS_NODE_MAP || regs->n_pairs == 0) {
            char got[80];
            ss_cfg_got(regs, got, sizeof got);
            ss_cfg_at(ctx, regs, "workload.regions", "expected a mapping of region weights "
                      "like {us-east: 0.7, eu-west: 0.3}, got %s", got);
        } else {
            double total = 0;
            for (size_t i = 0; i < regs->n_pairs && wl->n_regions < SS_MAX_REGIONS; i++) {
                char rp[300];
                ss_cfg_join(rp, sizeof rp, "workload.regions", regs->pairs[i].key);
                ss_param p = {"w", SS_P_NUMBER, 0, SS_PF_NONNEG, 0, 0, 0, 0};
                double weight = 0;
                if (!ss_cfg_value(ctx, &p, regs->pairs[i].value, rp, &weight))
                    continue;
                wl->region[wl->n_regions] = ss_cfg_region(ctx, regs->pairs[i].key);
                wl->region_weight[wl->n_regions++] = weight;
                total += weight;
            }
            if (!(total > 0))
                ss_cfg_at(ctx, regs, "workload.regions", "the weights sum to zero");
        }
    }
    if (wl->n_regions == 0) {
        wl->n_regions = 1;
        wl->region[0] = sc->dcs[0].region >= 0 ? sc->dcs[0].region : 0;
        wl->region_weight[0] = 1;
    }
    build_keys(ctx, ss_node_get(w, "keys"), "workload.keys", &wl->keys);
    build_classes(ctx, ss_node_get(w, "requests"));
    ctx->map = saved;
}

/* The kinds whose faults may name `what`, for an error: "database" or
 * "database or cache". */
static void kinds_with(const ss_cfgctx *ctx, ss_target what, char *buf, size_t n)
{
    size_t used = 0;
    buf[0] = '\0';
    for (size_t i = 0; i < ctx->kinds->n && used + 1 < n; i++)
        if (ctx->kinds->ops[i]->targets & (1u << what)) {
            int w = snprintf(buf + used, n - used, "%s%s", used ? " or " : "",
                             ctx->kinds->ops[i]->kind);
            used += w > 0 ? (size_t)w : 0;
        }
}

/* How many of `what` component c has (1 instance when its kind does not
 * say: NAME[0] is the one there is). */
static long target_count(const ss_cfgctx *ctx, const ss_component *c, ss_target what)
{
    if (!(c->ops->targets & (1u << what)) || !c->ops->target_count)
        return what == SS_TARGET_INSTANCE ? 1 : 0;
    return c->ops->target_count(c->cfg, ctx, what);
}

static void build_faults(ss_cfgctx *ctx, const ss_node *root)
{
    ss_scenario *sc = ctx->sc;
    const ss_node *f = ss_node_get(root, "faults");
    if (!f || f->type == SS_NODE_NULL)
        return;
    if (f->type != SS_NODE_SEQ) {
        char got[80];
        ss_cfg_got(f, got, sizeof got);
        ss_cfg_at(ctx, f, "faults", "expected a list of faults like [{at: 5m, target: "
                  "db.primary, action: crash}], got %s", got);
        return;
    }
    static const char *const actions[] = {"crash", "slow", "outage", NULL};
    typedef struct fault_raw {
        ss_time at, duration;
        int action;
        double factor;
        char *target;
    } fault_raw;
    static const ss_param fault_params[] = {
        {"at", SS_P_DURATION, offsetof(fault_raw, at), SS_PF_REQUIRED, NULL, 0, 0,
         "a duration like 5m"},
        {"target", SS_P_STRING, offsetof(fault_raw, target), SS_PF_REQUIRED, NULL, 0, 0,
         "NAME, NAME[i], NAME.primary, NAME.rK or dc.NAME"},
        {"action", SS_P_ENUM, offsetof(fault_raw, action), SS_PF_REQUIRED, NULL, actions, 0,
         "crash, slow or outage"},
        {"duration", SS_P_DURATION, offsetof(fault_raw, duration), 0, "0s", 0, 0,
         "how long it lasts (0: for good)"},
        {"factor", SS_P_NUMBER, offsetof(fault_raw, factor), SS_PF_POSITIVE, "1", 0, 0,
         "slow: service times are multiplied by it (at most 1e6)"},
        {0},
    };
    sc->faults = ss_scenario_own(sc, ss_calloc(f->n_items + 1, sizeof *sc->faults));
    for (size_t i = 0; i < f->n_items; i++) {
        const ss_node *it = f->items[i];
        char path[64];
        snprintf(path, sizeof path, "faults[%zu]", i);
        if (it->type != SS_NODE_MAP) {
            char got[80];
            ss_cfg_got(it, got, sizeof got);
            ss_cfg_at(ctx, it, path, "expected a mapping like {at: 5m, target: app, action: "
                      "crash}, got %s", got);
            continue;
        }
        fault_raw raw = {0};
        raw.action = -1;
        int errs = ss_diag_errors(ctx->diag);
        const ss_node *saved = ctx->map;
        ctx->map = it;
        ss_cfg_table(ctx, fault_params, it, path, &raw, NULL);
        ctx->map = saved;
        if (ss_diag_errors(ctx->diag) != errs || !raw.target)
            continue;
        ss_fault *ft = &sc->faults[sc->n_faults];
        ft->at = raw.at;
        ft->duration = raw.duration;
        ft->action = (ss_fault_action)raw.action;
        ft->factor = raw.factor;
        ft->component = -1;
        ft->instance = -1;
        ft->replica = -1;
        ft->dc = -1;
        const ss_node *tn = ss_node_get(it, "target");
        char tp[80];
        snprintf(tp, sizeof tp, "%s.target", path);
        const char *t = raw.target;
        if (strncmp(t, "dc.", 3) == 0) {
            for (int d = 0; d < sc->n_dcs; d++)
                if (strcmp(sc->dcs[d].name, t + 3) == 0)
                    ft->dc = d;
            if (ft->dc < 0) {
                ss_cfg_at(ctx, tn, tp, "no datacenter named \"%s\"", t + 3);
                continue;
            }
            if (ft->action != SS_FAULT_OUTAGE) {
                ss_cfg_at(ctx, ss_node_get(it, "action"), path,
                          "a datacenter target takes action: outage");
                continue;
            }
        } else {
            char name[128];
            size_t nl = strcspn(t, ".[");
            snprintf(name, sizeof name, "%.*s", (int)(nl < 127 ? nl : 127), t);
            ft->component = ss_scenario_find_component(sc, name);
            if (ft->component < 0 && is_broken(sc, name))
                continue;
            if (ft->component < 0) {
                const char *names[SS_MAX_COMPONENTS];
                for (int c = 0; c < sc->n_comps; c++)
                    names[c] = sc->comps[c].name;
                const char *hint = ss_cfg_suggest(name, names, (size_t)sc->n_comps);
                ss_cfg_at(ctx, tn, tp, "no component named \"%s\"%s%s%s (targets are NAME, "
                          "NAME[i], NAME.primary or dc.NAME)", name, hint ? "; did you mean " : "",
                          hint ? hint : "", hint ? "?" : "");
                continue;
            }
            const char *rest = t + nl;
            const ss_component *c = &sc->comps[ft->component];
            char *rend = NULL;
            long rk = strncmp(rest, ".r", 2) == 0 && rest[2] >= '0' && rest[2] <= '9'
                          ? strtol(rest + 2, &rend, 10)
                          : -1;
            if (rk >= 0 && rend && *rend == '\0') {
                if (!(c->ops->targets & (1u << SS_TARGET_REPLICA))) {
                    char who[200];
                    kinds_with(ctx, SS_TARGET_REPLICA, who, sizeof who);
                    ss_cfg_at(ctx, tn, tp, "\"%s\" is of kind %s: only a %s has replicas", name,
                              c->ops->kind, who);
                    continue;
                }
                long n = target_count(ctx, c, SS_TARGET_REPLICA);
                if (rk < 1 || rk > n) {
                    ss_cfg_at(ctx, tn, tp, "\"%s\" has %ld replica%s (r1 to r%ld), got %s", name,
                              n, n == 1 ? "" : "s", n, rest + 1);
                    continue;
                }
                ft->replica = (int)rk;
            } else if (strcmp(rest, ".primary") == 0) {
                if (!(c->ops->targets & (1u << SS_TARGET_PRIMARY))) {
                    char who[200];
                    kinds_with(ctx, SS_TARGET_PRIMARY, who, sizeof who);
                    ss_cfg_at(ctx, tn, tp, "\"%s\" is of kind %s: only a %s has a primary",
                              name, c->ops->kind, who);
                    continue;
                }
                ft->primary = true;
            } else if (rest[0] == '[') {
                char *end;
                long idx = strtol(rest + 1, &end, 10);
                /* what NAME[i] counts is the kind's: instances, a
                 * database's shards, a CDN's edges */
                long n = target_count(ctx, c, SS_TARGET_INSTANCE);
                if (end == rest + 1 || strcmp(end, "]") != 0 || idx < 0) {
                    ss_cfg_at(ctx, tn, tp, "expected NAME[i] with i a whole number, got \"%s\"",
                              t);
                    continue;
                }
                if (idx >= n) {
                    ss_cfg_at(ctx, tn, tp, "\"%s\" has %ld instance%s (0 to %ld), got [%ld]", name,
                              n, n == 1 ? "" : "s", n - 1, idx);
                    continue;
                }
                ft->instance = (int)idx;
            } else if (*rest) {
                ss_cfg_at(ctx, tn, tp, "expected NAME, NAME[i], NAME.primary or dc.NAME, got "
                          "\"%s\"", t);
                continue;
            }
            if (ft->action == SS_FAULT_OUTAGE) {
                ss_cfg_at(ctx, ss_node_get(it, "action"), path,
                          "outage is for a datacenter (target: dc.NAME); a component crashes");
                continue;
            }
        }
        if (ft->action == SS_FAULT_SLOW && !ss_node_get(it, "factor"))
            ss_cfg_at(ctx, it, path, "slow needs a factor, as in {action: slow, factor: 5}");
        if (ft->factor > 1e6) {
            char fp[80];
            snprintf(fp, sizeof fp, "%s.factor", path);
            ss_cfg_at(ctx, ss_node_get(it, "factor"), fp, "expected a factor up to 1e6, got \"%s\"",
                      ss_node_get(it, "factor")->str);
        }
        sc->n_faults++;
    }
}

/* Where a `pricing:` file is: next to the file that names it, else in
 * each folder of the search path (the shipped scenarios/). The paths
 * tried go into `tried` for the error when none is readable. */
static bool find_pricing(const ss_cfgctx *ctx, const ss_node *pn, char *path, size_t n,
                         char *tried, size_t tried_len, char *why, size_t why_len)
{
    relative_to(pn->mark.file, pn->str, path, n);
    snprintf(tried, tried_len, "%s", path);
    if (ss_file_readable(path, why, why_len) || pn->str[0] == '/')
        return ss_file_readable(path, why, why_len);
    for (const char *const *d = ctx->search; d && *d; d++) {
        char cand[PATH_MAX];
        snprintf(cand, sizeof cand, "%s/%s", *d, pn->str);
        size_t used = strlen(tried);
        snprintf(tried + used, tried_len - used, ", %s", cand);
        char why2[128];
        if (ss_file_readable(cand, why2, sizeof why2)) {
            snprintf(path, n, "%s", cand);
            return true;
        }
    }
    return false;
}

/* pricing.yaml: instance types with vCPUs and $/hour, per-use prices.
 * vcpus[i] receives component i's instance type's vCPUs (0 without one). */
static void build_pricing(ss_cfgctx *ctx, const ss_node *root, int *vcpus)
{
    ss_scenario *sc = ctx->sc;
    const ss_node *pn = ss_node_get(root, "pricing");
    bool needs = false;
    for (int i = 0; i < sc->n_comps; i++)
        if (sc->comps[i].instance_type || sc->comps[i].ops->usage_unit)
            needs = true;
    if (!pn) {
        for (int i = 0; i < sc->n_comps; i++)
            if (sc->comps[i].instance_type) {
                const ss_node *cn = ss_node_get(ss_node_get(root, "components"), sc->comps[i].name);
                char ip[300];
                snprintf(ip, sizeof ip, "components.%s.instance_type", sc->comps[i].name);
                ss_cfg_at(ctx, ss_node_get(cn, "instance_type"), ip,
                          "an instance type needs a pricing file: add `pricing: pricing.yaml` "
                          "at the top of the scenario");
                return;
            }
        return;
    }
    if (!ss_cfg_scalar(ctx, pn, "pricing", "a pricing file name like pricing.yaml"))
        return;
    char path[PATH_MAX], tried[4 * PATH_MAX], why[128];
    bool found = find_pricing(ctx, pn, path, sizeof path, tried, sizeof tried, why, sizeof why);
    sc->pricing_file = own_str(sc, path);
    if (!needs)
        return;
    if (!found) {
        if (strchr(tried, ','))
            ss_cfg_at(ctx, pn, "pricing", "cannot read \"%s\" (tried %s): %s", pn->str, tried,
                      why);
        else
            ss_cfg_at(ctx, pn, "pricing", "cannot read \"%s\": %s", path, why);
        return;
    }
    bool ok;
    ss_scenario_add_source(sc, path);
    ss_node *pr = ss_node_load_file(path, ctx->diag, &ok);
    if (!ok)
        return;
    static const char *const top[] = {"source", "date", "currency", "instances", "per_use", NULL};
    if (!pr || pr->type != SS_NODE_MAP) {
        ss_cfg_at(ctx, pr ? pr : pn, NULL, "%s: expected a mapping with instances and per_use",
                  path);
        ss_node_free(pr);
        return;
    }
    ss_cfg_unknown_keys(ctx, pr, "", NULL, top);
    const ss_node *types = ss_node_get(pr, "instances");
    const char *names[256];
    size_t n_names = 0;
    for (size_t i = 0; types && types->type == SS_NODE_MAP && i < types->n_pairs && n_names < 256;
         i++)
        names[n_names++] = types->pairs[i].key;
    for (int i = 0; i < sc->n_comps; i++) {
        ss_component *c = &sc->comps[i];
        if (c->instance_type) {
            const ss_node *t = ss_node_get(types, c->instance_type);
            const ss_node *at = NULL;
            /* find the component's instance_type node for the error mark */
            const ss_node *cn = ss_node_get(ss_node_get(root, "components"), c->name);
            at = ss_node_get(cn, "instance_type");
            char ip[300];
            snprintf(ip, sizeof ip, "components.%s.instance_type", c->name);
            if (!t) {
                const char *hint = ss_cfg_suggest(c->instance_type, names, n_names);
                ss_cfg_at(ctx, at, ip, "\"%s\" is not an instance type of %s%s%s%s",
                          c->instance_type, path, hint ? " (did you mean " : "",
                          hint ? hint : "", hint ? "?)" : "");
                continue;
            }
            typedef struct itype {
                int vcpus;
                double memory_gb, per_hour;
            } itype;
            static const ss_param type_params[] = {
                {"vcpus", SS_P_INT, offsetof(itype, vcpus), SS_PF_POSITIVE, "1", 0, 0, 0},
                {"memory_gb", SS_P_NUMBER, offsetof(itype, memory_gb), 0, NULL, 0, 0, 0},
                {"per_hour", SS_P_MONEY, offsetof(itype, per_hour), SS_PF_REQUIRED, NULL, 0, 0,
                 "dollars per hour"},
                {0},
            };
            itype ty = {0};
            char tpath[300];
            snprintf(tpath, sizeof tpath, "instances.%s", c->instance_type);
            ss_cfg_table(ctx, type_params, t, tpath, &ty, NULL);
            c->price_per_hour = ty.per_hour;
            vcpus[i] = ty.vcpus;
        }
        if (c->ops->usage_unit) {
            const ss_node *u = ss_node_get(ss_node_get(ss_node_get(pr, "per_use"), c->ops->kind),
                                           c->ops->usage_unit);
            if (u) {
                ss_param p = {"price", SS_P_MONEY, 0, 0, 0, 0, 0, 0};
                char up[300];
                snprintf(up, sizeof up, "per_use.%s.%s", c->ops->kind, c->ops->usage_unit);
                ss_cfg_value(ctx, &p, u, up, &c->usage_price);
            }
        }
    }
    ss_node_free(pr);
}

/* SPEC 4.1: a parameter flagged SS_PF_VCPUS (a component's cores) defaults
 * to its instance type's vCPUs, 1 without a type, and may not exceed them:
 * vertical scaling is a change of instance_type, which changes capacity and
 * price together. */
static void resolve_vcpus(ss_cfgctx *ctx, const ss_node *root, const int *vcpus)
{
    ss_scenario *sc = ctx->sc;
    const ss_node *comps = ss_node_get(root, "components");
    for (int i = 0; i < sc->n_comps; i++) {
        ss_component *c = &sc->comps[i];
        for (const ss_param *p = c->ops->params; p && p->name; p++) {
            if (!(p->flags & SS_PF_VCPUS) || p->type != SS_P_INT)
                continue;
            int *field = (int *)((char *)c->cfg + p->offset);
            if (*field < 0) {
                *field = vcpus[i] > 0 ? vcpus[i] : 1;
                continue;
            }
            if (vcpus[i] > 0 && *field > vcpus[i]) {
                char cp[300];
                snprintf(cp, sizeof cp, "components.%s.%s", c->name, p->name);
                ss_cfg_at(ctx, ss_node_get(ss_node_get(comps, c->name), p->name), cp,
                          "expected at most the %d vCPUs of %s, got %d (a bigger machine is a "
                          "bigger instance_type)", vcpus[i], c->instance_type, *field);
            }
        }
    }
}

static void build(ss_cfgctx *ctx, const ss_node *root, const char *file)
{
    ss_scenario *sc = ctx->sc;
    ctx->map = root;
    ss_cfg_unknown_keys(ctx, root, "", NULL, top_keys);
    const ss_node *ver = ss_node_get(root, "scalesim");
    if (!ver)
        ss_cfg_at(ctx, root, "scalesim", "missing: the first line of a scenario is `scalesim: 1` "
                  "(the schema version)");
    else if (ver->type != SS_NODE_SCALAR || strcmp(ver->str, "1") != 0) {
        char got[80];
        ss_cfg_got(ver, got, sizeof got);
        ss_cfg_at(ctx, ver, "scalesim", "expected schema version 1, got %s", got);
    }
    const ss_node *name = ss_node_get(root, "name");
    if (name && ss_cfg_scalar(ctx, name, "name", "a scenario name"))
        sc->name = own_str(sc, name->str);
    else {
        /* the file name without folder and .yaml */
        const char *b = strrchr(file, '/');
        b = b ? b + 1 : file;
        size_t l = strlen(b);
        if (l > 5 && strcmp(b + l - 5, ".yaml") == 0)
            l -= 5;
        else if (l > 4 && strcmp(b + l - 4, ".yml") == 0)
            l -= 4;
        sc->name = ss_scenario_own(sc, ss_strndup(b, l));
    }
    const ss_node *title = ss_node_get(root, "title");
    if (title && ss_cfg_scalar(ctx, title, "title", "a title"))
        sc->title = own_str(sc, title->str);
    sc->stage = -1;
    const ss_node *stage = ss_node_get(root, "stage");
    if (stage) {
        ss_param p = {"stage", SS_P_INT, 0, 0, 0, 0, 0, 0};
        ss_cfg_value(ctx, &p, stage, "stage", &sc->stage);
    }
    sim_section s = {0};
    const ss_node *simn = ss_node_get(root, "simulation");
    if (simn && simn->type != SS_NODE_MAP && simn->type != SS_NODE_NULL) {
        char got[80];
        ss_cfg_got(simn, got, sizeof got);
        ss_cfg_at(ctx, simn, "simulation", "expected a mapping like {duration: 10m, warmup: 1m}, "
                  "got %s", got);
        simn = NULL;
    }
    ss_cfg_table(ctx, simulation_params, simn, "simulation", &s, NULL);
    sc->duration = s.duration;
    sc->warmup = s.warmup;
    sc->seed = (uint64_t)s.seed;
    collect_regions(ctx, root);
    build_datacenters(ctx, root);
    build_network(ctx, root);
    /* Keys first: models (shards) ask how many there are. */
    ss_keys k;
    const ss_node *wk = ss_node_get(ss_node_get(root, "workload"), "keys");
    ss_diag *real = ctx->diag;
    ss_diag *quiet = ss_diag_new();
    ctx->diag = quiet; /* reported once, by build_workload */
    build_keys(ctx, wk, "workload.keys", &k);
    ctx->diag = real;
    ss_diag_free(quiet);
    sc->wl.keys = k;
    build_components(ctx, root);
    build_workload(ctx, root);
    build_faults(ctx, root);
    int vcpus[SS_MAX_COMPONENTS] = {0};
    build_pricing(ctx, root, vcpus);
    resolve_vcpus(ctx, root, vcpus);
}

double ss_default_max_memory(void)
{
    long pages = sysconf(_SC_PHYS_PAGES), size = sysconf(_SC_PAGESIZE);
    if (pages <= 0 || size <= 0)
        return 4e9;
    return (double)pages * (double)size / 4;
}

/* The caller's folders, then the shipped scenarios/ folders from the build
 * (SS_SCENARIO_DIRS is a colon-separated list: the install location, then
 * the source tree). */
static const char *const *search_path(const char *const *given, char *buf, size_t n,
                                      const char **out, size_t max)
{
#ifdef SS_SCENARIO_DIRS
    snprintf(buf, n, "%s", SS_SCENARIO_DIRS);
#else
    snprintf(buf, n, "%s", "");
#endif
    size_t k = 0;
    for (; given && given[k] && k + 1 < max / 2; k++)
        out[k] = given[k];
    char *save = NULL;
    for (char *t = strtok_r(buf, ":", &save); t && k + 1 < max; t = strtok_r(NULL, ":", &save))
        out[k++] = t;
    out[k] = NULL;
    return out;
}

ss_scenario *ss_scenario_load(const char *file, const ss_override *sets, int n_sets, ss_diag *d)
{
    return ss_scenario_load_with(file, sets, n_sets, NULL, d);
}

ss_scenario *ss_scenario_load_with(const char *file, const ss_override *sets, int n_sets,
                                   const ss_load_opts *opts, ss_diag *d)
{
    int errs = ss_diag_errors(d);
    char (*chain)[PATH_MAX] = ss_malloc(MAX_EXTENDS * sizeof *chain);
    int n_chain = 0;
    ss_node *root = load_chain(file, d, chain, 0, NULL, &n_chain);
    if (!root) {
        ss_free(chain);
        return NULL;
    }
    for (int i = 0; i < n_sets; i++)
        apply_set(root, &sets[i], d);
    if (ss_diag_errors(d) != errs) {
        ss_free(chain);
        ss_node_free(root);
        return NULL;
    }
    ss_scenario *sc = ss_calloc(1, sizeof *sc);
    sc->file = own_str(sc, file);
    for (int i = 0; i < n_chain; i++)
        ss_scenario_add_source(sc, chain[i]);
    ss_free(chain);
    char dirs[2 * PATH_MAX];
    const char *search[16];
    ss_cfgctx ctx = {.diag = d, .sc = sc};
    ctx.search = search_path(opts ? opts->search : NULL, dirs, sizeof dirs, search, 16);
    ctx.max_memory = opts && opts->max_memory > 0 ? opts->max_memory : ss_default_max_memory();
    ctx.kinds = opts && opts->kinds ? opts->kinds : ss_kinds_builtin();
    build(&ctx, root, file);
    ss_node_free(root);
    if (ss_diag_errors(d) != errs) {
        ss_scenario_free(sc);
        return NULL;
    }
    return sc;
}
