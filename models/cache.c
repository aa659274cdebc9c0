/*
 * models/cache.c -- cache-aside with per-key TTL and bounded capacity.
 *
 * A request visits one instance, chosen by a hash of its key (so a key
 * always lands on the same instance), and pays the lookup's service time
 * there. A read whose key is present and was inserted less than `ttl` ago
 * is a hit: it is answered from here and the rest of the route is skipped.
 * A read that misses goes on along the route, and when the answer passes
 * back through the cache the key is inserted. Nothing holds back a second
 * miss of the same key while the first is on its way: concurrent misses all
 * go to the database, as with a plain cache-aside client (the stampede
 * shows in the database's load when a hot key expires).
 *
 * Writes are not answered here; when a write's answer passes back, the
 * entry is invalidated (removed), updated (inserted fresh) or left alone,
 * by `on_write`.
 *
 * Invariant, per instance: hits + misses == reads looked up.
 */
#include <math.h>

#include "scalesim/mem.h"
#include "scalesim/rng.h"
#include "scalesim/station.h"
#include "scalesim/store.h"

enum { ON_WRITE_INVALIDATE, ON_WRITE_UPDATE, ON_WRITE_NONE };
static const char *const on_write_names[] = {"invalidate", "update", "none", NULL};
static const char *const eviction_names[] = {"lru", "fifo", "random", NULL};

typedef struct cache_cfg {
    ss_station_cfg st;
    int64_t capacity;
    ss_time ttl;
    int eviction;
    int on_write;
} cache_cfg;

typedef struct cache_inst {
    ss_store store;
    uint64_t hits, misses;
} cache_inst;

typedef struct cache {
    const cache_cfg *cfg;
    ss_station st;
    cache_inst *inst;
    int region;
} cache;

static const ss_param cache_params[] = {
    SS_STATION_PARAMS_DEF(cache_cfg, st, "0.3ms"),
    {"capacity", SS_P_COUNT, offsetof(cache_cfg, capacity), SS_PF_REQUIRED | SS_PF_POSITIVE,
     NULL, 0, 0, "entries per instance"},
    {"ttl", SS_P_DURATION, offsetof(cache_cfg, ttl), 0, "0s", 0, 0,
     "an entry expires this long after insertion (0: never)"},
    {"eviction", SS_P_ENUM, offsetof(cache_cfg, eviction), 0, "lru", eviction_names, 0,
     "lru, fifo or random, when full"},
    {"on_write", SS_P_ENUM, offsetof(cache_cfg, on_write), 0, "invalidate", on_write_names, 0,
     "what a write passing back does to the entry: invalidate, update or none"},
    {0},
};

static void cache_check(void *cfgp, ss_cfgctx *ctx)
{
    cache_cfg *c = cfgp;
    ss_station_check(&c->st, ctx);
    if (c->capacity > 100000000) {
        ss_cfg_error(ctx, "capacity", "expected at most 100M entries per instance, got %lld",
                     (long long)c->capacity);
        return;
    }
    /* The entries can fill: keys spread over the instances by hash, so all
     * of them together hold at most the key space. */
    double entries = fmin((double)c->capacity * c->st.instances, (double)ss_cfg_keys(ctx)) *
                     ss_cfg_copies(ctx);
    if (!ss_cfg_claim(ctx, entries * SS_STORE_ENTRY_BYTES))
        ss_cfg_error(ctx, "capacity", "%.3g entries (%lld per instance x %d instances x %d "
                     "copies, or the keys) need %.0f GB, more than the memory budget of %.1f GB "
                     "(--max-memory)", entries, (long long)c->capacity, c->st.instances,
                     ss_cfg_copies(ctx), entries * SS_STORE_ENTRY_BYTES / 1e9,
                     ss_cfg_memory_budget(ctx) / 1e9);
}

static int cache_pick(void *state, ss_sim *sim, const ss_req *req, int *region)
{
    cache *c = state;
    *region = c->region;
    /* A different mix than the database's shard hash, so that a key's
     * cache instance and its shard are independent. */
    return c->st.n == 1 ? 0 : (int)(ss_mix64(req->key ^ 0x5bd1e9955bd1e995ULL) % (uint64_t)c->st.n);
}

static void cache_done(void *owner, ss_sim *sim, ss_req *req, int i)
{
    cache *c = owner;
    if (req->op == SS_OP_READ) {
        cache_inst *ci = &c->inst[i];
        bool hit = ss_store_lookup(&ci->store, req->key, ss_sim_now(sim));
        if (ss_sim_measuring(sim)) {
            if (hit)
                ci->hits++;
            else
                ci->misses++;
        }
        if (hit) {
            req->flags |= SS_REQ_HIT;
            ss_sim_respond(sim, req);
            return;
        }
    }
    ss_sim_forward(sim, req);
}

static void cache_reply(void *state, ss_sim *sim, ss_req *req)
{
    cache *c = state;
    cache_inst *ci = &c->inst[req->inst[req->pos]];
    ss_time now = ss_sim_now(sim);
    /* reply runs only at caches the answer passes on its way back, never
     * at the one that answered it, so every read seen here missed here.
     * An error leaves the cache as it was, and so does an answer passing
     * a crashed instance: it comes back empty. */
    if ((req->flags & SS_REQ_FAILED) || c->st.inst[req->inst[req->pos]].down)
        return;
    if (req->op == SS_OP_READ) {
        ss_store_insert(&ci->store, req->key, now);
    } else if (c->cfg->on_write == ON_WRITE_INVALIDATE) {
        ss_store_remove(&ci->store, req->key);
    } else if (c->cfg->on_write == ON_WRITE_UPDATE) {
        ss_store_insert(&ci->store, req->key, now);
    }
}

static void cache_init(void *state, ss_sim *sim, const ss_comp_ctx *self)
{
    cache *c = state;
    c->cfg = self->cfg;
    c->region = self->region;
    ss_station_init(&c->st, sim, self->name, c->cfg->st.instances, c->cfg->st.cores,
                    c->cfg->st.queue, &c->cfg->st.service, self->rng, cache_done, c);
    c->inst = ss_calloc((size_t)c->cfg->st.instances, sizeof *c->inst);
    for (int i = 0; i < c->cfg->st.instances; i++)
        ss_store_init(&c->inst[i].store, (uint32_t)c->cfg->capacity, c->cfg->ttl,
                      (ss_evict)c->cfg->eviction, self->rng);
}

static void cache_request(void *state, ss_sim *sim, ss_req *req)
{
    cache *c = state;
    if (!ss_station_arrive(&c->st, sim, req, req->inst[req->pos]))
        ss_sim_fail(sim, req, (ss_fail)req->fail_why);
}

static void cache_fault(void *state, ss_sim *sim, const ss_fault_ev *f)
{
    cache *c = state;
    ss_station_fault(&c->st, sim, f);
    /* A crashed cache instance comes back empty. */
    if (f->action != SS_FAULT_SLOW && f->begin)
        for (int i = 0; i < c->st.n; i++)
            if (f->instance < 0 || f->instance == i) {
                ss_store *s = &c->inst[i].store;
                ss_store_release(s);
                ss_store_init(s, (uint32_t)c->cfg->capacity, c->cfg->ttl,
                              (ss_evict)c->cfg->eviction, s->rng);
            }
}

static ss_station *cache_station(void *state)
{
    return &((cache *)state)->st;
}

enum { CACHE_KF_HITS, CACHE_KF_MISSES, CACHE_KF_EVICTIONS, CACHE_KF_EXPIRED, CACHE_KF_ENTRIES };
static const ss_kfig_def cache_figures[] = {
    {.name = "hits", .type = SS_KF_COUNT, .help = "reads answered here"},
    {.name = "misses", .type = SS_KF_COUNT, .help = "reads that went on"},
    {.name = "evictions", .type = SS_KF_COUNT, .help = "entries dropped to make room"},
    {.name = "expired", .type = SS_KF_COUNT, .help = "entries found older than the TTL"},
    {.name = "entries", .type = SS_KF_LAST, .help = "entries held at the end"},
    {0},
};

static void cache_report(void *state, ss_sim *sim, ss_comp_report *out)
{
    cache *c = state;
    ss_stats *rows = ss_report_rows(out, c->st.n);
    ss_station_report(&c->st, sim, &out->all, rows, "");
    uint64_t hits = 0, misses = 0, evictions = 0, expired = 0, entries = 0;
    for (int i = 0; i < c->st.n; i++) {
        cache_inst *ci = &c->inst[i];
        rows[i].hits = ci->hits;
        rows[i].looked = ci->hits + ci->misses;
        hits += ci->hits;
        misses += ci->misses;
        evictions += ci->store.evictions;
        expired += ci->store.expirations;
        entries += ss_store_size(&ci->store);
    }
    out->all.hits = hits;
    out->all.looked = hits + misses;
    out->billable_instances = c->st.n;
    ss_kf_set(ss_report_kf(out, CACHE_KF_HITS, 0), (double)hits);
    ss_kf_set(ss_report_kf(out, CACHE_KF_MISSES, 0), (double)misses);
    ss_kf_set(ss_report_kf(out, CACHE_KF_EVICTIONS, 0), (double)evictions);
    ss_kf_set(ss_report_kf(out, CACHE_KF_EXPIRED, 0), (double)expired);
    ss_kf_set(ss_report_kf(out, CACHE_KF_ENTRIES, 0), (double)entries);
}

static void cache_destroy(void *state)
{
    cache *c = state;
    for (int i = 0; c->inst && i < c->st.n; i++)
        ss_store_release(&c->inst[i].store);
    ss_free(c->inst);
    ss_station_release(&c->st);
}

/* A station whose hits answer: the misses go on, at the simulated hit
 * ratio (theory has none for LRU with TTLs worth the name here). */
static void cache_theory(const void *cfg, ss_theory_desc *out)
{
    ss_station_theory(&((const cache_cfg *)cfg)->st, out);
    out->filters = true;
}

const ss_model_ops ss_model_cache = {
    .kind = "cache",
    .summary = "cache-aside: hits answer here, misses go on and fill the cache on the way back",
    .params = cache_params,
    .targets = 1u << SS_TARGET_INSTANCE,
    .target_count = ss_station_target_count,
    .figures = cache_figures,
    .cfg_size = sizeof(cache_cfg),
    .state_size = sizeof(cache),
    .check = cache_check,
    .init = cache_init,
    .pick = cache_pick,
    .request = cache_request,
    .reply = cache_reply,
    .fault = cache_fault,
    .station = cache_station,
    .report = cache_report,
    .destroy = cache_destroy,
    .theory = cache_theory,
};
