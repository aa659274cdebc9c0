/*
 * models/cdn.c -- edge caches near the users, with neighbour lookup.
 *
 * One edge (a "pop") per region in `pops`, each a TTL cache of `capacity`
 * entries (the same store a cache uses). A request whose route starts at
 * the CDN reaches the edge of the user's region (or the nearest edge when
 * there is none there, or it is down) and pays the edge's `service` time
 * (a delay: edges are elastic and do not queue). Then:
 *   hit at the edge        answered there;
 *   miss, `neighbours` on  the edge asks the nearest other edge: the
 *                          question takes the one-way latency between them
 *                          and the neighbour looks then; its answer takes
 *                          the way back; a hit answers and fills the local
 *                          edge with a copy that keeps its age (it expires
 *                          when the neighbour's does: a copy stored as new
 *                          would let two edges pass one origin fetch back
 *                          and forth for ever);
 *   otherwise              the request goes on to the origin (the rest of
 *                          the route) and the answer fills the local edge
 *                          on its way back.
 * Every answer delivered to a user counts its class's `size` as egress;
 * egress is what a CDN bills (pricing.yaml per_use.cdn.per_gb).
 *
 * Invariant: edge hits + neighbour hits + origin fetches == lookups.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "scalesim/mem.h"
#include "scalesim/model.h"
#include "scalesim/store.h"

static const char *const eviction_names[] = {"lru", "fifo", "random", NULL};

typedef struct cdn_cfg {
    ss_strlist pops;
    int64_t capacity;
    ss_time ttl;
    int eviction;
    ss_dist service;
    bool neighbours;
} cdn_cfg;

typedef struct pop {
    int region;
    int neighbour;          /* nearest other pop, -1 without one          */
    bool down;
    double slow;
    ss_store store;
    uint64_t lookups, edge_hits, neighbour_hits, origin;
    double egress_bytes;
} pop;

typedef struct cdn {
    const cdn_cfg *cfg;
    gsl_rng *rng;
    const ss_dist *const *cls_service;
    pop *pops;
    int n;
    int h_looked_up, h_neighbour, h_neighbour_answer;
} cdn;

static const ss_param cdn_params[] = {
    {"pops", SS_P_STRLIST, offsetof(cdn_cfg, pops), 0, NULL, 0, 0,
     "regions with an edge (default: every region)"},
    {"capacity", SS_P_COUNT, offsetof(cdn_cfg, capacity), SS_PF_REQUIRED | SS_PF_POSITIVE, NULL,
     0, 0, "entries per edge"},
    {"ttl", SS_P_DURATION, offsetof(cdn_cfg, ttl), 0, "1h", 0, 0,
     "an entry expires this long after insertion (0: never)"},
    {"eviction", SS_P_ENUM, offsetof(cdn_cfg, eviction), 0, "lru", eviction_names, 0,
     "lru, fifo or random"},
    {"service", SS_P_DIST, offsetof(cdn_cfg, service), 0, "1ms", 0, 0,
     "time an edge takes per request (no queueing)"},
    {"neighbours", SS_P_BOOL, offsetof(cdn_cfg, neighbours), 0, "false", 0, 0,
     "on a miss, ask the nearest other edge before the origin"},
    {0},
};

static void cdn_check(void *cfgp, ss_cfgctx *ctx)
{
    cdn_cfg *c = cfgp;
    for (int i = 0; i < c->pops.n; i++) {
        if (ss_cfg_region(ctx, c->pops.items[i]) < 0)
            ss_cfg_error(ctx, "pops", "no region named \"%s\" (regions are named by "
                         "workload.regions, network.regions and datacenters)",
                         c->pops.items[i]);
        for (int j = 0; j < i; j++)
            if (strcmp(c->pops.items[i], c->pops.items[j]) == 0)
                ss_cfg_error(ctx, "pops", "region \"%s\" listed twice", c->pops.items[i]);
    }
    if (c->capacity > 100000000) {
        ss_cfg_error(ctx, "capacity", "expected at most 100M entries per edge, got %lld",
                     (long long)c->capacity);
        return;
    }
    int edges = c->pops.n ? c->pops.n : ss_cfg_regions(ctx);
    double entries = fmin((double)c->capacity, (double)ss_cfg_keys(ctx)) * edges;
    if (!ss_cfg_claim(ctx, entries * SS_STORE_ENTRY_BYTES))
        ss_cfg_error(ctx, "capacity", "%.3g entries (%lld per edge x %d edges, or the keys) "
                     "need %.1f GB, more than the memory budget of %.1f GB (--max-memory)",
                     entries, (long long)c->capacity, edges, entries * SS_STORE_ENTRY_BYTES / 1e9,
                     ss_cfg_memory_budget(ctx) / 1e9);
}

/* cdn[i] is the i-th edge: of pops, or of every region without pops. */
static int cdn_target_count(const void *cfgp, const ss_cfgctx *ctx, ss_target what)
{
    const cdn_cfg *c = cfgp;
    if (what != SS_TARGET_INSTANCE)
        return 0;
    return c->pops.n ? c->pops.n : ss_cfg_regions(ctx);
}

/* The edge serving a region: its own, else the nearest one that is up. */
static int edge_for(const cdn *c, ss_sim *sim, int region)
{
    int best = -1;
    ss_time best_d = SS_TIME_NEVER;
    for (int i = 0; i < c->n; i++) {
        if (c->pops[i].down)
            continue;
        ss_time d = c->pops[i].region == region ? -1 : ss_sim_distance(sim, region,
                                                                     c->pops[i].region);
        if (d < best_d) {
            best_d = d;
            best = i;
        }
    }
    return best >= 0 ? best : 0;
}

static int cdn_pick(void *state, ss_sim *sim, const ss_req *req, int *region)
{
    cdn *c = state;
    int i = edge_for(c, sim, req->region);
    *region = c->pops[i].region;
    return i;
}

static void deliver(cdn *c, ss_sim *sim, pop *p, ss_req *req)
{
    if (ss_sim_measuring(sim))
        p->egress_bytes += ss_sim_class_size(sim, req->cls);
    ss_sim_respond(sim, req);
}

static void cdn_request(void *state, ss_sim *sim, ss_req *req)
{
    cdn *c = state;
    pop *p = &c->pops[req->inst[req->pos]];
    if (p->down) {
        ss_sim_fail(sim, req, SS_FAIL_DOWN);
        return;
    }
    const ss_dist *d = &c->cfg->service;
    if (c->cls_service && req->cls < ss_sim_classes(sim) && c->cls_service[req->cls])
        d = c->cls_service[req->cls];
    ss_time t = ss_time_from_s(ss_dist_sample(d, c->rng) * p->slow);
    ss_sim_note(sim, req, SS_NOTE_SERVICE, t);
    ss_sim_schedule(sim, t, c->h_looked_up, 0, req);
}

static void on_looked_up(void *obj, ss_sim *sim, void *ptr, uint32_t code)
{
    cdn *c = obj;
    ss_req *req = ptr;
    pop *p = &c->pops[req->inst[req->pos]];
    if (req->op != SS_OP_READ) {
        /* only reads are cacheable: a write passes through to the origin,
         * is not looked up and fills nothing */
        ss_sim_forward(sim, req);
        return;
    }
    bool measuring = ss_sim_measuring(sim);
    if (measuring)
        p->lookups++;
    if (ss_store_lookup(&p->store, req->key, ss_sim_now(sim))) {
        if (measuring)
            p->edge_hits++;
        req->flags |= SS_REQ_HIT;
        deliver(c, sim, p, req);
        return;
    }
    if (c->cfg->neighbours && p->neighbour >= 0 && !c->pops[p->neighbour].down) {
        const pop *nb = &c->pops[p->neighbour];
        ss_time there = ss_sim_latency(sim, p->region, nb->region);
        ss_sim_note(sim, req, SS_NOTE_NETWORK, there);
        ss_sim_schedule(sim, there, c->h_neighbour, 0, req);
        return;
    }
    if (measuring)
        p->origin++;
    ss_sim_forward(sim, req);
}

/* The question reaches the neighbour, which looks now. */
static void on_neighbour(void *obj, ss_sim *sim, void *ptr, uint32_t code)
{
    cdn *c = obj;
    ss_req *req = ptr;
    pop *p = &c->pops[req->inst[req->pos]];
    pop *nb = &c->pops[p->neighbour];
    bool hit = !nb->down && ss_store_lookup(&nb->store, req->key, ss_sim_now(sim));
    /* The copy's age travels with the answer; t_mark is free here (no
     * station holds the request while the CDN does). */
    if (hit)
        req->t_mark = ss_store_inserted(&nb->store, req->key);
    ss_time back = ss_sim_latency(sim, nb->region, p->region);
    ss_sim_note(sim, req, SS_NOTE_NETWORK, back);
    ss_sim_schedule(sim, back, c->h_neighbour_answer, hit, req);
}

/* The neighbour's answer is back at the local edge. */
static void on_neighbour_answer(void *obj, ss_sim *sim, void *ptr, uint32_t hit)
{
    cdn *c = obj;
    ss_req *req = ptr;
    pop *p = &c->pops[req->inst[req->pos]];
    if (hit) {
        if (ss_sim_measuring(sim))
            p->neighbour_hits++;
        ss_store_insert_copy(&p->store, req->key, req->t_mark, ss_sim_now(sim));
        req->flags |= SS_REQ_HIT;
        deliver(c, sim, p, req);
        return;
    }
    if (ss_sim_measuring(sim))
        p->origin++;
    ss_sim_forward(sim, req);
}

/* The origin's answer passes back: fill the local edge, deliver. */
static void cdn_reply(void *state, ss_sim *sim, ss_req *req)
{
    cdn *c = state;
    pop *p = &c->pops[req->inst[req->pos]];
    if (req->flags & SS_REQ_FAILED)
        return;
    if (req->op == SS_OP_READ && !p->down)
        ss_store_insert(&p->store, req->key, ss_sim_now(sim));
    if (ss_sim_measuring(sim))
        p->egress_bytes += ss_sim_class_size(sim, req->cls);
}

static void cdn_init(void *state, ss_sim *sim, const ss_comp_ctx *self)
{
    cdn *c = state;
    c->cfg = self->cfg;
    c->rng = self->rng;
    c->cls_service = ss_sim_class_services(sim, self->name);
    int R = ss_sim_regions(sim);
    c->n = c->cfg->pops.n ? c->cfg->pops.n : R;
    c->pops = ss_calloc((size_t)c->n, sizeof *c->pops);
    for (int i = 0; i < c->n; i++) {
        pop *p = &c->pops[i];
        p->region = i;
        if (c->cfg->pops.n)
            for (int r = 0; r < R; r++)
                if (strcmp(ss_sim_region_name(sim, r), c->cfg->pops.items[i]) == 0)
                    p->region = r;
        p->slow = 1;
        ss_store_init(&p->store, (uint32_t)c->cfg->capacity, c->cfg->ttl,
                      (ss_evict)c->cfg->eviction, c->rng);
    }
    for (int i = 0; i < c->n; i++) {
        pop *p = &c->pops[i];
        p->neighbour = -1;
        ss_time best = SS_TIME_NEVER;
        for (int j = 0; j < c->n; j++) {
            ss_time d = ss_sim_distance(sim, p->region, c->pops[j].region);
            if (j != i && d < best) {
                best = d;
                p->neighbour = j;
            }
        }
    }
    c->h_looked_up = ss_sim_handler(sim, on_looked_up, c);
    c->h_neighbour = ss_sim_handler(sim, on_neighbour, c);
    c->h_neighbour_answer = ss_sim_handler(sim, on_neighbour_answer, c);
}

static void cdn_fault(void *state, ss_sim *sim, const ss_fault_ev *f)
{
    cdn *c = state;
    if (f->action == SS_FAULT_OUTAGE)
        return; /* edges are not in the datacenters */
    for (int i = 0; i < c->n; i++) {
        if (f->instance >= 0 && f->instance != i)
            continue;
        pop *p = &c->pops[i];
        if (f->action == SS_FAULT_SLOW) {
            p->slow = f->begin ? f->factor : 1;
        } else {
            p->down = f->begin;
            if (f->begin) { /* it comes back empty */
                ss_store_release(&p->store);
                ss_store_init(&p->store, (uint32_t)c->cfg->capacity, c->cfg->ttl,
                              (ss_evict)c->cfg->eviction, c->rng);
            }
        }
    }
}

enum { CDN_KF_EDGE, CDN_KF_NEIGHBOUR, CDN_KF_ORIGIN, CDN_KF_EGRESS };
static const ss_kfig_def cdn_figures[] = {
    {.name = "edge_hit_share", .type = SS_KF_RATIO, .decimals = 4,
     .help = "lookups answered at the user's edge"},
    {.name = "neighbour_hit_share", .type = SS_KF_RATIO, .decimals = 4,
     .help = "lookups answered by the neighbouring edge"},
    {.name = "origin_share", .type = SS_KF_RATIO, .decimals = 4,
     .help = "lookups that went to the origin"},
    {.name = "egress_gb", .type = SS_KF_SUM, .decimals = 3, .help = "bytes delivered, in GB"},
    {0},
};

static void cdn_report(void *state, ss_sim *sim, ss_comp_report *out)
{
    cdn *c = state;
    ss_stats *rows = ss_report_rows(out, c->n);
    uint64_t lookups = 0, edge = 0, nbr = 0, origin = 0;
    double egress = 0;
    for (int i = 0; i < c->n; i++) {
        pop *p = &c->pops[i];
        snprintf(rows[i].instance, sizeof rows[i].instance, "%s",
                 ss_sim_region_name(sim, p->region));
        /* edges are elastic delays: lookups, no capacity and no queue */
        rows[i].arrivals = rows[i].done = p->lookups;
        rows[i].hits = p->edge_hits + p->neighbour_hits;
        rows[i].looked = p->lookups;
        lookups += p->lookups;
        edge += p->edge_hits;
        nbr += p->neighbour_hits;
        origin += p->origin;
        egress += p->egress_bytes;
    }
    out->all.arrivals = out->all.done = lookups;
    out->all.hits = edge + nbr;
    out->all.looked = lookups;
    out->usage_units = egress / 1e9; /* GB */
    ss_kf_ratio(ss_report_kf(out, CDN_KF_EDGE, 0), (double)edge, (double)lookups);
    ss_kf_ratio(ss_report_kf(out, CDN_KF_NEIGHBOUR, 0), (double)nbr, (double)lookups);
    ss_kf_ratio(ss_report_kf(out, CDN_KF_ORIGIN, 0), (double)origin, (double)lookups);
    ss_kf_set(ss_report_kf(out, CDN_KF_EGRESS, 0), egress / 1e9);
}

static void cdn_destroy(void *state)
{
    cdn *c = state;
    for (int i = 0; c->pops && i < c->n; i++)
        ss_store_release(&c->pops[i].store);
    ss_free(c->pops);
}

const ss_model_ops ss_model_cdn = {
    .kind = "cdn",
    .summary = "edge caches per region, with neighbour lookup, in front of the origin",
    .params = cdn_params,
    .targets = 1u << SS_TARGET_INSTANCE,
    .target_count = cdn_target_count,
    .figures = cdn_figures,
    .cfg_size = sizeof(cdn_cfg),
    .state_size = sizeof(cdn),
    .flags = SS_MODEL_SPANS_DCS | SS_MODEL_FIRST,
    .usage_unit = "per_gb",
    .usage_scale = 1,
    .check = cdn_check,
    .init = cdn_init,
    .pick = cdn_pick,
    .request = cdn_request,
    .reply = cdn_reply,
    .fault = cdn_fault,
    .report = cdn_report,
    .destroy = cdn_destroy,
};
