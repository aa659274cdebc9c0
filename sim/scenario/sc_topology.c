/*
 * sim/scenario/sc_topology.c -- regions, datacenters and the network of a scenario.
 * Regions are named by datacenters, workload.regions and network.regions;
 * their order of first appearance is their index.
 */
#include "sc_internal.h"

#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "files.h"
#include "scalesim/mem.h"
#include "units.h"


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

bool valid_name(const char *s)
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
void collect_regions(ss_cfgctx *ctx, const ss_node *root)
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

void build_datacenters(ss_cfgctx *ctx, const ss_node *root)
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
        ss_cfg_expected(ctx, dcs, "datacenters", "a mapping of datacenter names", dcs);
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

void build_network(ss_cfgctx *ctx, const ss_node *root)
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
        ss_cfg_expected(ctx, n, "network", "a mapping", n);
        n = NULL;
    }
    ss_cfg_table(ctx, net_params, n, "network", net, extra);
    bool given[SS_MAX_REGIONS][SS_MAX_REGIONS] = {{false}};
    for (int a = 0; a < SS_MAX_REGIONS; a++)
        for (int b = 0; b < SS_MAX_REGIONS; b++)
            net->lat[a][b] = ss_dist_const(0);
    const ss_node *m = ss_node_get(n, "regions");
    if (m && m->type != SS_NODE_MAP) {
        ss_cfg_expected(ctx, m, "network.regions", "a mapping of one-way latencies like {us-east: {eu-west: 40ms}}", m);
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
