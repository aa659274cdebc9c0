/*
 * models/cache.c -- cache-aside with per-key TTL and bounded capacity.
 *
 * A request visits one instance, chosen by a hash of its key (so a key
 * always lands on the same instance), and pays the lookup's service time
 * there. A read whose key is present and was inserted less than `ttl` ago
 * is a hit: it is answered from here and the rest of the route is skipped.
 * A read that misses goes on along the route, and when the answer passes
 * back through the cache the key is inserted. By default nothing holds
 * back a second miss of the same key while the first is on its way:
 * concurrent misses all go to the database, as with a plain cache-aside
 * client (the stampede shows in the database's load when a hot key
 * expires).
 *
 * `coalesce: true` (SPEC.md 4.5; Go's singleflight, a CDN's request
 * collapsing): the first miss of a key at an instance goes on, and later
 * misses of that key there wait for its answer (`flights`: key -> a list of
 * waiting requests, linked through req->next, which is free once the
 * station is done with them). When the answer passes back they are answered
 * with it, or fail as it failed. A crash of the instance fails its waiters
 * as `down`, or sends them on with fail_open.
 *
 * `fail_open: true`: a request that reaches a crashed instance, or that a
 * crash catches waiting or in service there, goes on along its route (to
 * the database) instead of failing; the cache adds nothing to it and is not
 * filled by its answer while the instance is down.
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
#include "scalesim/u64map.h"

enum { ON_WRITE_INVALIDATE, ON_WRITE_UPDATE, ON_WRITE_NONE };
static const char *const on_write_names[] = {"invalidate", "update", "none", NULL};
static const char *const eviction_names[] = {"lru", "fifo", "random", NULL};

typedef struct cache_cfg {
    ss_station_cfg st;
    int64_t capacity;
    ss_time ttl;
    int eviction;
    int on_write;
    bool coalesce, fail_open;
} cache_cfg;

/* The misses of one key waiting for the first one's answer. */
typedef struct flight {
    ss_req *head, *tail;
    uint32_t next_free;     /* free list of slots, by index + 1           */
} flight;

typedef struct cache_inst {
    ss_store store;
    uint64_t hits, misses;
    uint64_t coalesced, failed_open;
    ss_u64map flights;      /* key -> index + 1 into fl (coalesce)        */
    flight *fl;
    uint32_t n_fl, cap_fl, free_fl;
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
    {"coalesce", SS_P_BOOL, offsetof(cache_cfg, coalesce), 0, "false", 0, 0,
     "later misses of a key wait for the first one's answer instead of going on"},
    {"fail_open", SS_P_BOOL, offsetof(cache_cfg, fail_open), 0, "false", 0, 0,
     "a crashed instance's requests go on to the database instead of failing"},
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

/* ---- coalescing ------------------------------------------------------------ */

/* Whether a miss of req's key is on its way from instance i; if so req
 * waits for it. Otherwise req's key is marked as on its way. */
static bool join_flight(cache *c, ss_sim *sim, cache_inst *ci, ss_req *req)
{
    bool created;
    uint32_t *slot = ss_u64map_put(&ci->flights, req->key, &created);
    if (created) {
        uint32_t k;
        if (ci->free_fl) {
            k = ci->free_fl - 1;
            ci->free_fl = ci->fl[k].next_free;
        } else {
            if (ci->n_fl == ci->cap_fl) {
                ci->cap_fl = ci->cap_fl ? 2 * ci->cap_fl : 16;
                ci->fl = ss_realloc(ci->fl, ci->cap_fl * sizeof *ci->fl);
            }
            k = ci->n_fl++;
        }
        ci->fl[k] = (flight){0};
        *slot = k + 1;
        return false;
    }
    flight *f = &ci->fl[*slot - 1];
    req->next = NULL;
    req->t_mark = ss_sim_now(sim);
    if (f->tail)
        f->tail->next = req;
    else
        f->head = req;
    f->tail = req;
    if (ss_sim_measuring(sim))
        ci->coalesced++;
    return true;
}

/* Takes key's waiters off instance i (NULL when none). */
static ss_req *land_flight(cache_inst *ci, uint64_t key)
{
    uint32_t *slot = ss_u64map_get(&ci->flights, key);
    if (!slot)
        return NULL;
    uint32_t k = *slot - 1;
    ss_req *head = ci->fl[k].head;
    ci->fl[k].next_free = ci->free_fl;
    ci->free_fl = k + 1;
    ss_u64map_del(&ci->flights, key);
    return head;
}

/* The waiters of a flight get its outcome: answered from here, failed as
 * it failed, or (a crash with fail_open) sent on. */
static void release_waiters(cache *c, ss_sim *sim, cache_inst *ci, ss_req *w, bool failed,
                            ss_fail why)
{
    ss_time now = ss_sim_now(sim);
    while (w) {
        ss_req *next = w->next;
        ss_sim_note(sim, w, SS_NOTE_WAIT, now - w->t_mark);
        if (!failed)
            ss_sim_respond(sim, w);
        else if (why == SS_FAIL_DOWN && c->cfg->fail_open) {
            if (ss_sim_measuring(sim))
                ci->failed_open++;
            ss_sim_forward(sim, w);
        } else {
            ss_sim_fail(sim, w, why);
        }
        w = next;
    }
}

/* A crash empties instance i's flights: their waiters cannot be told. */
static void crash_flights(cache *c, ss_sim *sim, cache_inst *ci)
{
    for (uint32_t k = 0; k < ci->n_fl; k++) {
        ss_req *w = ci->fl[k].head;
        ci->fl[k].head = ci->fl[k].tail = NULL;
        release_waiters(c, sim, ci, w, true, SS_FAIL_DOWN);
    }
    ss_u64map_release(&ci->flights);
    ss_u64map_init(&ci->flights, 64);
    ci->n_fl = ci->free_fl = 0;
}

/* ---- serving ------------------------------------------------------------- */

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
        if (c->cfg->coalesce && join_flight(c, sim, ci, req))
            return;
    }
    ss_sim_forward(sim, req);
}

/* A crash caught req waiting or in service at instance i (or a deadline
 * dropped it): with fail_open a crash sends it on. */
static void cache_fail(void *owner, ss_sim *sim, ss_req *req, int i)
{
    cache *c = owner;
    if (req->fail_why == SS_FAIL_DOWN && c->cfg->fail_open) {
        if (ss_sim_measuring(sim))
            c->inst[i].failed_open++;
        ss_sim_forward(sim, req);
        return;
    }
    ss_sim_fail(sim, req, (ss_fail)req->fail_why);
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
    if (c->st.inst[req->inst[req->pos]].down)
        return;
    bool failed = req->flags & SS_REQ_FAILED;
    if (c->cfg->coalesce && req->op == SS_OP_READ) {
        ss_req *w = land_flight(ci, req->key);
        if (w) {
            if (!failed)
                ss_store_insert(&ci->store, req->key, now);
            release_waiters(c, sim, ci, w, failed, (ss_fail)req->fail_why);
            return;
        }
    }
    if (failed)
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
    c->st.fail = cache_fail;
    c->inst = ss_calloc((size_t)c->cfg->st.instances, sizeof *c->inst);
    for (int i = 0; i < c->cfg->st.instances; i++) {
        ss_store_init(&c->inst[i].store, (uint32_t)c->cfg->capacity, c->cfg->ttl,
                      (ss_evict)c->cfg->eviction, self->rng);
        if (c->cfg->coalesce)
            ss_u64map_init(&c->inst[i].flights, 64);
    }
}

static void cache_request(void *state, ss_sim *sim, ss_req *req)
{
    cache *c = state;
    int i = req->inst[req->pos];
    if (!ss_station_arrive(&c->st, sim, req, i)) {
        if (req->fail_why == SS_FAIL_DOWN && c->cfg->fail_open) {
            if (ss_sim_measuring(sim))
                c->inst[i].failed_open++;
            ss_sim_forward(sim, req);
            return;
        }
        ss_sim_fail(sim, req, (ss_fail)req->fail_why);
    }
}

static void cache_fault(void *state, ss_sim *sim, const ss_fault_ev *f)
{
    cache *c = state;
    ss_station_fault(&c->st, sim, f);
    /* A crashed cache instance comes back empty. */
    if (f->action != SS_FAULT_SLOW && f->begin)
        for (int i = 0; i < c->st.n; i++)
            if (f->instance < 0 || f->instance == i) {
                if (c->cfg->coalesce)
                    crash_flights(c, sim, &c->inst[i]);
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

enum { CACHE_KF_HITS, CACHE_KF_MISSES, CACHE_KF_EVICTIONS, CACHE_KF_EXPIRED, CACHE_KF_ENTRIES,
       CACHE_KF_COALESCED, CACHE_KF_FAILED_OPEN };
static const ss_kfig_def cache_figures[] = {
    {.name = "hits", .type = SS_KF_COUNT, .help = "reads answered here"},
    {.name = "misses", .type = SS_KF_COUNT, .help = "reads that went on"},
    {.name = "evictions", .type = SS_KF_COUNT, .help = "entries dropped to make room"},
    {.name = "expired", .type = SS_KF_COUNT, .help = "entries found older than the TTL"},
    {.name = "entries", .type = SS_KF_LAST, .help = "entries held at the end"},
    {.name = "coalesced", .type = SS_KF_COUNT, .flags = SS_KF_OPTIONAL,
     .help = "with coalesce: misses that waited for another's answer (among misses)"},
    {.name = "failed_open", .type = SS_KF_COUNT, .flags = SS_KF_OPTIONAL,
     .help = "with fail_open: requests a crashed instance sent on"},
    {0},
};

static void cache_report(void *state, ss_sim *sim, ss_comp_report *out)
{
    cache *c = state;
    ss_stats *rows = ss_report_rows(out, c->st.n);
    ss_station_report(&c->st, sim, &out->all, rows, "");
    uint64_t hits = 0, misses = 0, evictions = 0, expired = 0, entries = 0;
    uint64_t coalesced = 0, failed_open = 0;
    for (int i = 0; i < c->st.n; i++) {
        cache_inst *ci = &c->inst[i];
        rows[i].hits = ci->hits;
        rows[i].looked = ci->hits + ci->misses;
        hits += ci->hits;
        misses += ci->misses;
        evictions += ci->store.evictions;
        expired += ci->store.expirations;
        entries += ss_store_size(&ci->store);
        coalesced += ci->coalesced;
        failed_open += ci->failed_open;
    }
    out->all.hits = hits;
    out->all.looked = hits + misses;
    out->billable_instances = c->st.n;
    ss_kf_set(ss_report_kf(out, CACHE_KF_HITS, 0), (double)hits);
    ss_kf_set(ss_report_kf(out, CACHE_KF_MISSES, 0), (double)misses);
    ss_kf_set(ss_report_kf(out, CACHE_KF_EVICTIONS, 0), (double)evictions);
    ss_kf_set(ss_report_kf(out, CACHE_KF_EXPIRED, 0), (double)expired);
    ss_kf_set(ss_report_kf(out, CACHE_KF_ENTRIES, 0), (double)entries);
    if (c->cfg->coalesce)
        ss_kf_set(ss_report_kf(out, CACHE_KF_COALESCED, 0), (double)coalesced);
    if (c->cfg->fail_open)
        ss_kf_set(ss_report_kf(out, CACHE_KF_FAILED_OPEN, 0), (double)failed_open);
}

static void cache_destroy(void *state)
{
    cache *c = state;
    for (int i = 0; c->inst && i < c->st.n; i++) {
        ss_store_release(&c->inst[i].store);
        if (c->cfg->coalesce)
            ss_u64map_release(&c->inst[i].flights);
        ss_free(c->inst[i].fl);
    }
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
