/*
 * sim/scenario/scenario.c -- from YAML files to a validated ss_scenario.
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
#include <threads.h>
#include <unistd.h>

#include <gsl/gsl_errno.h>

#include "cfg.h"
#include "sc_internal.h"
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

char *own_str(ss_scenario *sc, const char *s)
{
    return ss_scenario_own(sc, ss_strdup(s));
}

void dir_of(const char *file, char *out, size_t n)
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
void relative_to(const char *file, const char *name, char *out, size_t n)
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

/* Loads path (or, at depth 0 with text, that text under the name path)
 * and the bases it extends, merged. */
static ss_node *load_chain(const char *path, const char *text, ss_diag *d,
                           char chain[][PATH_MAX], int depth, const ss_node *from, int *n_chain)
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
    ss_node *root = text ? ss_node_load_text(path, text, 0, d, &ok)
                         : ss_node_load_file(path, d, &ok);
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
    ss_node *base = load_chain(base_path, NULL, d, chain, depth + 1, ext, n_chain);
    ss_node_free(ext);
    if (!base) {
        ss_node_free(root);
        return NULL;
    }
    ss_node_merge(base, root);
    return base;
}

/* ---- what an answer changed ---------------------------------------------- */

typedef struct changes {
    char (*paths)[160];
    int n, max;
} changes;

static void changed(changes *c, const char *path)
{
    if (c->n < c->max)
        snprintf(c->paths[c->n], sizeof c->paths[0], "%s", path);
    c->n++;
}

/* Adds the paths under `path` where a and b differ (either may be NULL). */
static void diff_nodes(const ss_node *a, const ss_node *b, const char *path, changes *c)
{
    if (!a || !b || a->type != b->type) {
        if (a || b)
            changed(c, path);
        return;
    }
    char sub[160];
    switch (a->type) {
    case SS_NODE_NULL:
        return;
    case SS_NODE_SCALAR:
        if (strcmp(a->str, b->str) != 0)
            changed(c, path);
        return;
    case SS_NODE_SEQ: /* a list is one value: faults, routes, pops */
        if (a->n_items != b->n_items) {
            changed(c, path);
            return;
        }
        for (size_t i = 0; i < a->n_items; i++) {
            changes inner = {NULL, 0, 0};
            diff_nodes(a->items[i], b->items[i], path, &inner);
            if (inner.n) {
                changed(c, path);
                return;
            }
        }
        return;
    case SS_NODE_MAP:
        for (size_t i = 0; i < a->n_pairs; i++) {
            snprintf(sub, sizeof sub, "%s%s%s", path, path[0] ? "." : "", a->pairs[i].key);
            diff_nodes(a->pairs[i].value, ss_node_get(b, a->pairs[i].key), sub, c);
        }
        for (size_t i = 0; i < b->n_pairs; i++)
            if (!ss_node_get(a, b->pairs[i].key)) {
                snprintf(sub, sizeof sub, "%s%s%s", path, path[0] ? "." : "", b->pairs[i].key);
                changed(c, sub);
            }
        return;
    }
}

int ss_scenario_changes(const char *answer, const char *base, char (*paths)[160], int max,
                        ss_diag *d)
{
    char (*chain)[PATH_MAX] = ss_malloc(MAX_EXTENDS * sizeof *chain);
    int n_chain = 0;
    ss_node *a = load_chain(answer, NULL, d, chain, 0, NULL, &n_chain);
    ss_node *b = a ? load_chain(base, NULL, d, chain, 0, NULL, &n_chain) : NULL;
    ss_free(chain);
    if (!a || !b) {
        ss_node_free(a);
        ss_node_free(b);
        return -1;
    }
    /* what names the file, not what it simulates */
    static const char *const free_keys[] = {"name", "title", "description", "stage"};
    for (size_t i = 0; i < sizeof free_keys / sizeof free_keys[0]; i++) {
        ss_node_free(ss_node_take(a, free_keys[i]));
        ss_node_free(ss_node_take(b, free_keys[i]));
    }
    changes c = {paths, 0, max};
    diff_nodes(a, b, "", &c);
    ss_node_free(a);
    ss_node_free(b);
    return c.n;
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
                if (v->type == SS_NODE_NULL) {
                    /* null removes the key, as it does in a file that
                     * extends another (RFC 7386): the default applies */
                    ss_node_free(ss_node_take(cur, tok));
                    ss_node_free(v);
                } else {
                    ss_node_set(cur, tok, at, v);
                }
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
                                       "datacenters", "faults", "pricing", "slo", "exercise",
                                       NULL};

/* `slo:`: a list of strings (their grammar and figures are checked where
 * the figures are known: the experiment layer). */
static void build_slo(ss_cfgctx *ctx, const ss_node *root)
{
    ss_scenario *sc = ctx->sc;
    const ss_node *list = ss_node_get(root, "slo");
    if (!list || list->type == SS_NODE_NULL)
        return;
    if (list->type != SS_NODE_SEQ) {
        ss_cfg_expected(ctx, list, "slo", "a list like [p95_ms<200, error_rate<0.1%]", list);
        return;
    }
    for (size_t i = 0; i < list->n_items; i++) {
        const ss_node *it = list->items[i];
        char path[32];
        snprintf(path, sizeof path, "slo[%zu]", i);
        if (sc->n_slo == SS_MAX_SCENARIO_SLOS) {
            ss_cfg_at(ctx, it, path, "at most %d SLOs", SS_MAX_SCENARIO_SLOS);
            return;
        }
        if (!ss_cfg_scalar(ctx, it, path, "an SLO like p95_ms<200"))
            continue;
        sc->slo_mark[sc->n_slo] = it->mark;
        sc->slo[sc->n_slo++] = own_str(sc, it->str);
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
        ss_cfg_expected(ctx, ver, "scalesim", "schema version 1", ver);
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
        ss_cfg_expected(ctx, simn, "simulation", "a mapping like {duration: 10m, warmup: 1m}", simn);
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
    build_slo(ctx, root);
    build_exercise(ctx, root);
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

static ss_scenario *load(const char *file, const char *text, const ss_override *sets, int n_sets,
                         const ss_load_opts *opts, ss_diag *d);

/* GSL aborts on a domain error unless told not to; a library reports. */
static void gsl_quiet(void)
{
    gsl_set_error_handler_off();
}

void ss_gsl_quiet(void)
{
    static once_flag once = ONCE_FLAG_INIT;
    call_once(&once, gsl_quiet);
}

/* NULL-terminated "PATH=VALUE" strings as overrides: the array is the
 * caller's to free. */
static ss_override *overrides(const char *const *sets, int *n)
{
    *n = 0;
    while (sets && sets[*n])
        (*n)++;
    ss_override *ov = ss_calloc((size_t)(*n ? *n : 1), sizeof *ov);
    for (int i = 0; i < *n; i++)
        ov[i].text = sets[i];
    return ov;
}

ss_scenario *ss_scenario_load(const char *file, const char *const *sets, ss_diag *d)
{
    int n;
    ss_override *ov = overrides(sets, &n);
    ss_scenario *sc = ss_scenario_load_with(file, ov, n, NULL, d);
    ss_free(ov);
    return sc;
}

ss_scenario *ss_scenario_parse(const char *name, const char *yaml, const char *const *sets,
                               ss_diag *d)
{
    int n;
    ss_override *ov = overrides(sets, &n);
    ss_scenario *sc = load(name, yaml, ov, n, NULL, d);
    ss_free(ov);
    return sc;
}

const char *ss_scenario_name(const ss_scenario *sc)
{
    return sc->name;
}

static ss_scenario *load(const char *file, const char *text, const ss_override *sets, int n_sets,
                         const ss_load_opts *opts, ss_diag *d)
{
    ss_gsl_quiet();
    int errs = ss_diag_errors(d);
    char (*chain)[PATH_MAX] = ss_malloc(MAX_EXTENDS * sizeof *chain);
    int n_chain = 0;
    ss_node *root = load_chain(file, text, d, chain, 0, NULL, &n_chain);
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

ss_scenario *ss_scenario_load_with(const char *file, const ss_override *sets, int n_sets,
                                   const ss_load_opts *opts, ss_diag *d)
{
    return load(file, NULL, sets, n_sets, opts, d);
}

ss_scenario *ss_scenario_parse_with(const char *name, const char *yaml, const ss_override *sets,
                                    int n_sets, const ss_load_opts *opts, ss_diag *d)
{
    return load(name, yaml, sets, n_sets, opts, d);
}
