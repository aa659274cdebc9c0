/*
 * models/database.c -- primary, replicas, replication, failover, shards.
 *
 * Each shard is one station whose instances are nodes: node 0 starts as the
 * primary, nodes 1..R*D are replicas (`replicas` per datacenter, D
 * datacenters). Keys map to shards by `partitioning`: hash (splitmix64 of
 * the key) or range (key * shards / keys; key 0 is the most popular, so
 * with zipf popularity the hottest keys share shard 0).
 *
 * op: write goes to the shard's primary. op: read goes by read_from:
 * primary; replicas (a replica in the client's datacenter, else any live
 * replica, else the primary); any (the primary or a local replica,
 * uniformly over those that are up).
 *
 * Replication: when a write completes at the primary, every replica gets an
 * apply job after `replication.lag` (plus the latency between their
 * regions); the job queues at the replica and costs a write's service time
 * there, so replicas pay for applying writes. `sync` makes the write wait
 * until one replica -- the nearest live one to the primary, so a primary
 * with a replica in its own datacenter does not wait for the ocean -- has
 * applied it and its acknowledgement has travelled back (the latency from
 * the replica's region to the primary's); `async` answers at once. Until a replica has applied a write of key k, a read of k there is
 * stale: each replica counts its unapplied writes per key in a hash map, so
 * the check is O(1) and memory follows the replication backlog, not the
 * keys.
 *
 * Failover: when a shard's primary crashes, writes to it fail; after
 * `failover` the first live replica (preferring the primary's datacenter)
 * becomes the primary. A recovered old primary rejoins as a replica. A
 * database spans datacenters: its primary lives in `placement` (or the
 * first datacenter) and an outage takes down the nodes in that datacenter.
 *
 * Fault targets: db (every node), db.primary (every shard's primary),
 * db[i] (shard i's primary), db.rK (node K of every shard: a replica when
 * the fault begins, unless a failover made it the primary).
 *
 * Invariant: for every replica, the sum of its pending counts equals the
 * apply jobs sent to it and not yet applied or lost.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "scalesim/mem.h"
#include "scalesim/rng.h"
#include "scalesim/station.h"
#include "scalesim/u64map.h"

enum { READ_PRIMARY, READ_REPLICAS, READ_ANY };
static const char *const read_from_names[] = {"primary", "replicas", "any", NULL};
enum { REPL_ASYNC, REPL_SYNC };
static const char *const repl_modes[] = {"async", "sync", NULL};
enum { PART_HASH, PART_RANGE };
static const char *const partitionings[] = {"hash", "range", NULL};

typedef struct repl_cfg {
    int mode;
    ss_dist lag;
    ss_dist apply;          /* unset: what a write costs */
} repl_cfg;

typedef struct db_cfg {
    int cores;
    ss_opdist service;
    int64_t queue;
    int replicas;
    int read_from;
    repl_cfg replication;
    ss_time failover;
    int shards;
    int partitioning;
} db_cfg;

static const ss_param repl_params[] = {
    {"mode", SS_P_ENUM, offsetof(repl_cfg, mode), 0, "async", repl_modes, 0,
     "async (answer at once) or sync (wait until a replica applied it)"},
    {"lag", SS_P_DIST, offsetof(repl_cfg, lag), 0, "10ms", 0, 0,
     "time for a write to reach a replica"},
    {"apply", SS_P_DIST, offsetof(repl_cfg, apply), 0, NULL, 0, 0,
     "work a replica spends applying a write (default: the write's service)"},
    {0},
};

static const ss_param db_params[] = {
    {"cores", SS_P_INT, offsetof(db_cfg, cores), SS_PF_POSITIVE | SS_PF_VCPUS, "-1", 0, 0,
     "parallel service slots per node (default: the instance type's vCPUs, else 1)"},
    {"service", SS_P_OPDIST, offsetof(db_cfg, service), SS_PF_REQUIRED, NULL, 0, 0,
     "a distribution, or {read: D, write: D}"},
    {"queue", SS_P_COUNT, offsetof(db_cfg, queue), 0, "-1", 0, 0,
     "most requests waiting per node (unset: unbounded)"},
    {"replicas", SS_P_INT, offsetof(db_cfg, replicas), 0, "0", 0, 0,
     "read-only copies per datacenter"},
    {"read_from", SS_P_ENUM, offsetof(db_cfg, read_from), 0, "primary", read_from_names, 0,
     "where reads go: primary, replicas or any"},
    {"replication", SS_P_STRUCT, offsetof(db_cfg, replication), 0, NULL, 0, repl_params,
     "{mode: async|sync, lag: D}"},
    {"failover", SS_P_DURATION, offsetof(db_cfg, failover), SS_PF_POSITIVE, "30s", 0, 0,
     "time until a replica replaces a crashed primary"},
    {"shards", SS_P_INT, offsetof(db_cfg, shards), SS_PF_POSITIVE, "1", 0, 0,
     "independent primary+replica sets the keys are split over"},
    {"partitioning", SS_P_ENUM, offsetof(db_cfg, partitioning), 0, "hash", partitionings, 0,
     "hash or range"},
    {0},
};

typedef struct shard shard;
typedef struct db db;

struct shard {
    db *owner;
    int index;
    ss_station st;          /* node 0 .. n_nodes-1                         */
    int primary;            /* node serving writes                         */
    bool failover_pending;
    int fault_node;         /* node a primary/shard fault crashed, or -1   */
    ss_u64map *pending;     /* per node: unapplied writes by key           */
    uint64_t reads, writes, replica_reads, stale_reads, failovers;
};

struct db {
    const db_cfg *cfg;
    const ss_comp_ctx *self;
    gsl_rng *rng;
    int n_dcs, per_dc, n_nodes;
    uint64_t keys;          /* for range partitioning                     */
    int primary_dc;
    int *node_dc;           /* datacenter of each node                    */
    int *node_region;
    shard *shards;
    int h_apply, h_failover, h_sync_ack;
    ss_station **stations;  /* for ss_station_sum                          */
    ss_opdist service;      /* read, write, and apply on replicas          */
    uint64_t lost_applies;
};

static void db_check(void *cfgp, ss_cfgctx *ctx)
{
    db_cfg *c = cfgp;
    if (c->cores > 4096)
        ss_cfg_error(ctx, "cores", "expected at most 4096 cores, got %d", c->cores);
    if (c->replicas > 64)
        ss_cfg_error(ctx, "replicas", "expected at most 64 replicas, got %d", c->replicas);
    if (c->shards > 1024)
        ss_cfg_error(ctx, "shards", "expected at most 1024 shards, got %d", c->shards);
    if (c->read_from != READ_PRIMARY && c->replicas == 0)
        ss_cfg_error(ctx, "read_from", "reads from %s need replicas (set replicas: 1 or more)",
                     read_from_names[c->read_from]);
    if (c->replication.mode == REPL_SYNC && c->replicas == 0)
        ss_cfg_error(ctx, "replication", "sync replication needs replicas");
    /* a request names its node in 16 bits (ss_req.inst) */
    long nodes = (long)c->shards * (1 + (long)c->replicas * ss_cfg_datacenters(ctx));
    if (nodes > 65535)
        ss_cfg_error(ctx, "shards", "%d shards of %ld nodes each make %ld nodes; at most 65535",
                     c->shards, nodes / c->shards, nodes);
    if ((uint64_t)c->shards > ss_cfg_keys(ctx))
        ss_cfg_error(ctx, "shards", "%d shards for %llu keys: some shards would hold no key",
                     c->shards, (unsigned long long)ss_cfg_keys(ctx));
}

/* db[i] is shard i, db.primary every shard's primary, db.rK node K. */
static int db_target_count(const void *cfgp, const ss_cfgctx *ctx, ss_target what)
{
    const db_cfg *c = cfgp;
    switch (what) {
    case SS_TARGET_INSTANCE: return c->shards;
    case SS_TARGET_PRIMARY: return 1;
    case SS_TARGET_REPLICA: return c->replicas * ss_cfg_datacenters(ctx);
    }
    return 0;
}

static int shard_of(const db *d, uint64_t key)
{
    int n = d->cfg->shards;
    if (n == 1)
        return 0;
    if (d->cfg->partitioning == PART_HASH)
        return (int)(ss_mix64(key) % (uint64_t)n);
    uint64_t k = key < d->keys ? key : d->keys - 1;
    int s = (int)((double)k * n / (double)d->keys);
    return s < n ? s : n - 1;
}

static inline int encode(const db *d, int s, int node) { return s * d->n_nodes + node; }

static bool node_up(const shard *sh, int node) { return !sh->st.inst[node].down; }

/* A live replica for a reader in datacenter dc, at random among the local
 * ones; without a live local one, among the live ones nearest to it. */
static int pick_replica(db *d, ss_sim *sim, shard *sh, int dc)
{
    int cand[65], n = 0;
    for (int k = 0; k < d->n_nodes; k++)
        if (k != sh->primary && node_up(sh, k) && d->node_dc[k] == dc && n < 65)
            cand[n++] = k;
    if (!n) {
        int from = ss_sim_dc_region(sim, dc);
        ss_time best = SS_TIME_NEVER;
        for (int k = 0; k < d->n_nodes; k++) {
            if (k == sh->primary || !node_up(sh, k))
                continue;
            ss_time dist = ss_sim_distance(sim, from, d->node_region[k]);
            if (dist < best) {
                best = dist;
                n = 0;
            }
            if (dist == best && n < 65)
                cand[n++] = k;
        }
    }
    if (!n)
        return sh->primary;
    return cand[n == 1 ? 0 : ss_rng_uniform_int(d->rng, (unsigned long)n)];
}

static int db_pick(void *state, ss_sim *sim, const ss_req *req, int *region)
{
    db *d = state;
    int s = shard_of(d, req->key);
    shard *sh = &d->shards[s];
    int node = sh->primary;
    if (req->op == SS_OP_READ && d->per_dc > 0) {
        if (d->cfg->read_from == READ_REPLICAS) {
            node = pick_replica(d, sim, sh, req->dc);
        } else if (d->cfg->read_from == READ_ANY) {
            /* uniformly over the live ones of the primary and the local
             * replicas; with none of them live, as read_from: replicas */
            int cand[65], n = 0;
            if (node_up(sh, sh->primary))
                cand[n++] = sh->primary;
            for (int k = 0; k < d->n_nodes; k++)
                if (k != sh->primary && d->node_dc[k] == req->dc && node_up(sh, k) && n < 65)
                    cand[n++] = k;
            node = n == 0   ? pick_replica(d, sim, sh, req->dc)
                   : n == 1 ? cand[0]
                            : cand[ss_rng_uniform_int(d->rng, (unsigned long)n)];
        }
    }
    *region = d->node_region[node];
    return encode(d, s, node);
}

/* ---- replication ---------------------------------------------------------- */

/* A write of key finished at the primary: send an apply to every replica.
 * Returns the job the writer waits for (sync: the nearest live replica's,
 * ties to the first), or NULL. */
static ss_req *replicate(db *d, ss_sim *sim, shard *sh, uint64_t key)
{
    ss_req *wait_for = NULL;
    ss_time wait_dist = SS_TIME_NEVER;
    int from = d->node_region[sh->primary];
    for (int node = 0; node < d->n_nodes; node++) {
        if (node == sh->primary || !node_up(sh, node))
            continue;
        bool created;
        (*ss_u64map_put(&sh->pending[node], key, &created))++;
        ss_req *job = ss_sim_job_new(sim);
        job->op = SS_OP_APPLY;
        job->key = key;
        job->t_sent = ss_sim_now(sim); /* for a sync writer's wait */
        job->aux = (uint32_t)encode(d, sh->index, node);
        ss_time dist = ss_sim_distance(sim, from, d->node_region[node]);
        if (d->cfg->replication.mode == REPL_SYNC && dist < wait_dist) {
            wait_for = job;
            wait_dist = dist;
        }
        ss_time lag = ss_dist_sample_ns(&d->cfg->replication.lag, d->rng) +
                      (d->node_region[node] == from
                           ? 0
                           : ss_sim_latency(sim, from, d->node_region[node]));
        ss_sim_schedule(sim, lag, d->h_apply, 0, job);
    }
    return wait_for;
}

/* A sync write's acknowledgement is back at the primary: the write goes
 * on. t_mark holds when its replication began (the station is done with
 * it), so the breakdown counts the whole wait as waiting at the database. */
static void on_sync_ack(void *obj, ss_sim *sim, void *ptr, uint32_t code)
{
    ss_req *writer = ptr;
    ss_sim_note(sim, writer, SS_NOTE_WAIT, ss_sim_now(sim) - writer->t_mark);
    ss_sim_forward(sim, writer);
}

/* The apply job is gone (applied, or lost to a crash: `applied` false): the
 * replica no longer waits for it; a writer waiting on it goes on once the
 * acknowledgement is back, or at once when the apply was lost (the primary
 * falls back to asynchronous, as semi-synchronous replication does). */
static void apply_finished(db *d, ss_sim *sim, ss_req *job, bool applied)
{
    int s = (int)job->aux / d->n_nodes, node = (int)job->aux % d->n_nodes;
    shard *sh = &d->shards[s];
    uint32_t *cnt = ss_u64map_get(&sh->pending[node], job->key);
    if (cnt && --*cnt == 0)
        ss_u64map_del(&sh->pending[node], job->key);
    ss_req *writer = job->ctx;
    ss_time began = job->t_sent;
    ss_sim_job_free(sim, job);
    if (!writer)
        return;
    writer->t_mark = began;
    int primary_region = writer->reg[writer->pos];
    ss_time back = applied && d->node_region[node] != primary_region
                       ? ss_sim_latency(sim, d->node_region[node], primary_region)
                       : 0;
    if (back > 0)
        ss_sim_schedule(sim, back, d->h_sync_ack, 0, writer);
    else
        on_sync_ack(d, sim, writer, 0);
}

static void on_apply_arrival(void *obj, ss_sim *sim, void *ptr, uint32_t code)
{
    db *d = obj;
    ss_req *job = ptr;
    int s = (int)job->aux / d->n_nodes, node = (int)job->aux % d->n_nodes;
    if (!ss_station_arrive(&d->shards[s].st, sim, job, node)) {
        if (ss_sim_measuring(sim))
            d->lost_applies++;
        apply_finished(d, sim, job, false);
    }
}

/* ---- serving --------------------------------------------------------------- */

static void shard_done(void *owner, ss_sim *sim, ss_req *req, int node)
{
    shard *sh = owner;
    db *d = sh->owner;
    if (req->cls == SS_CLS_JOB) {
        apply_finished(d, sim, req, true);
        return;
    }
    bool measuring = ss_sim_measuring(sim);
    if (req->op == SS_OP_WRITE) {
        if (measuring)
            sh->writes++;
        ss_req *wait_for = replicate(d, sim, sh, req->key);
        if (wait_for) {
            wait_for->ctx = req; /* answered when the replica has applied */
            return;
        }
    } else if (measuring) {
        sh->reads++;
        if (node != sh->primary) {
            sh->replica_reads++;
            if (ss_u64map_get(&sh->pending[node], req->key))
                sh->stale_reads++;
        }
    }
    ss_sim_forward(sim, req);
}

static void shard_fail(void *owner, ss_sim *sim, ss_req *req, int node)
{
    shard *sh = owner;
    if (req->cls == SS_CLS_JOB) {
        if (ss_sim_measuring(sim))
            sh->owner->lost_applies++;
        apply_finished(sh->owner, sim, req, false);
    } else {
        ss_sim_fail(sim, req, SS_FAIL_DOWN);
    }
}

static void db_request(void *state, ss_sim *sim, ss_req *req)
{
    db *d = state;
    int code = req->inst[req->pos];
    shard *sh = &d->shards[code / d->n_nodes];
    int node = code % d->n_nodes;
    /* A write picked before a failover finds the old primary down: it
     * fails like any request reaching a crashed node. */
    if (!ss_station_arrive(&sh->st, sim, req, node))
        ss_sim_fail(sim, req, (ss_fail)req->fail_why);
}

/* ---- faults and failover ------------------------------------------------------ */

static void on_failover(void *obj, ss_sim *sim, void *ptr, uint32_t s)
{
    db *d = obj;
    shard *sh = &d->shards[s];
    sh->failover_pending = false;
    if (node_up(sh, sh->primary))
        return; /* it came back before the failover completed */
    int best = -1;
    for (int node = 0; node < d->n_nodes; node++) {
        if (node == sh->primary || !node_up(sh, node))
            continue;
        if (best < 0 || (d->node_dc[node] == d->primary_dc && d->node_dc[best] != d->primary_dc))
            best = node;
    }
    if (best < 0)
        return; /* no live replica: writes keep failing until one returns */
    sh->primary = best;
    if (ss_sim_measuring(sim))
        sh->failovers++;
}

static void crash_node(db *d, ss_sim *sim, shard *sh, int node)
{
    if (!node_up(sh, node))
        return;
    ss_station_crash(&sh->st, sim, node);
    if (node == sh->primary && d->per_dc > 0 && !sh->failover_pending) {
        sh->failover_pending = true;
        ss_sim_schedule(sim, d->cfg->failover, d->h_failover, (uint32_t)sh->index, NULL);
    }
}

static void recover_node(db *d, ss_sim *sim, shard *sh, int node)
{
    ss_station_recover(&sh->st, sim, node);
    if (node == sh->primary)
        return;
    /* A primary that returns while its failover is pending, or a replica
     * back from a crash, serves again; a stale replica catches up at once
     * (its lost applies were already forgotten). */
    if (!node_up(sh, sh->primary) && !sh->failover_pending) {
        sh->failover_pending = true;
        ss_sim_schedule(sim, d->cfg->failover, d->h_failover, (uint32_t)sh->index, NULL);
    }
}

static void db_fault(void *state, ss_sim *sim, const ss_fault_ev *f)
{
    db *d = state;
    for (int s = 0; s < d->cfg->shards; s++) {
        shard *sh = &d->shards[s];
        if (f->instance >= 0 && f->instance != s)
            continue;
        for (int node = 0; node < d->n_nodes; node++) {
            bool hit;
            if (f->action == SS_FAULT_OUTAGE)
                hit = d->node_dc[node] == f->dc;
            else if (f->replica > 0)
                hit = node == f->replica;
            else if (f->primary || f->instance >= 0)
                /* the node that is primary when the fault begins; at its
                 * end that same node (a replica by then, after failover) */
                hit = node == (f->begin ? sh->primary : sh->fault_node);
            else
                hit = true;
            if (!hit)
                continue;
            if ((f->primary || f->instance >= 0) && f->begin)
                sh->fault_node = node;
            if (f->action == SS_FAULT_SLOW)
                ss_station_slow(&sh->st, node, f->begin ? f->factor : 1);
            else if (f->begin)
                crash_node(d, sim, sh, node);
            else
                recover_node(d, sim, sh, node);
            if ((f->primary || f->instance >= 0) && f->begin)
                break;
        }
    }
}

/* ---- life cycle and report ---------------------------------------------------- */

static void db_init(void *state, ss_sim *sim, const ss_comp_ctx *self)
{
    db *d = state;
    d->cfg = self->cfg;
    d->self = self;
    d->rng = self->rng;
    d->n_dcs = ss_sim_dcs(sim);
    d->keys = ss_sim_keys(sim);
    d->per_dc = d->cfg->replicas;
    d->n_nodes = 1 + d->per_dc * d->n_dcs;
    d->primary_dc = self->home_dc; /* its placement: two may share a region */
    d->node_dc = ss_calloc((size_t)d->n_nodes, sizeof *d->node_dc);
    d->node_region = ss_calloc((size_t)d->n_nodes, sizeof *d->node_region);
    d->node_dc[0] = d->primary_dc;
    for (int k = 1; k < d->n_nodes; k++)
        d->node_dc[k] = (k - 1) / d->per_dc;
    for (int k = 0; k < d->n_nodes; k++)
        d->node_region[k] = ss_sim_dc_region(sim, d->node_dc[k]);
    d->service = d->cfg->service;
    if (d->cfg->replication.apply.kind != SS_DIST_KINDS)
        d->service.op[SS_OP_APPLY] = d->cfg->replication.apply;
    d->h_apply = ss_sim_handler(sim, on_apply_arrival, d);
    d->h_failover = ss_sim_handler(sim, on_failover, d);
    d->h_sync_ack = ss_sim_handler(sim, on_sync_ack, d);
    d->shards = ss_calloc((size_t)d->cfg->shards, sizeof *d->shards);
    d->stations = ss_calloc((size_t)d->cfg->shards, sizeof *d->stations);
    for (int s = 0; s < d->cfg->shards; s++) {
        shard *sh = &d->shards[s];
        sh->owner = d;
        sh->index = s;
        sh->fault_node = -1;
        ss_station_init(&sh->st, sim, self->name, d->n_nodes, d->cfg->cores, d->cfg->queue,
                        &d->service, self->rng, shard_done, sh);
        sh->st.fail = shard_fail;
        sh->pending = ss_calloc((size_t)d->n_nodes, sizeof *sh->pending);
        for (int k = 0; k < d->n_nodes; k++)
            ss_u64map_init(&sh->pending[k], 16);
        d->stations[s] = &sh->st;
    }
}

static void node_name(const db *d, int s, int node, const shard *sh, char *buf, size_t n)
{
    char who[16];
    if (node == sh->primary)
        snprintf(who, sizeof who, "primary");
    else
        snprintf(who, sizeof who, "r%d", node);
    if (d->cfg->shards > 1)
        snprintf(buf, n, "s%d/%.15s", s % 100000, who);
    else
        snprintf(buf, n, "%s", who);
}

enum {
    DB_KF_READS, DB_KF_WRITES, DB_KF_REPLICA_SHARE, DB_KF_STALE, DB_KF_FAILOVERS, DB_KF_SKEW,
    DB_KF_SHARD_LOAD
};

/* The busiest shard's load over the mean (from shard_load). */
static double shard_skew(const ss_kfig *f, double window)
{
    const ss_kfig *l = &f[DB_KF_SHARD_LOAD];
    if (!l->set)
        return NAN;
    double busiest = 0, total = 0;
    for (int s = 0; s < l->n_list; s++) {
        total += l->list[s];
        if (l->list[s] > busiest)
            busiest = l->list[s];
    }
    return total > 0 ? busiest / (total / l->n_list) : 0;
}

static const ss_kfig_def db_figures[] = {
    {.name = "reads", .type = SS_KF_COUNT, .help = "reads served"},
    {.name = "writes", .type = SS_KF_COUNT, .help = "writes served"},
    {.name = "replica_read_share", .type = SS_KF_RATIO, .decimals = 4, .flags = SS_KF_OPTIONAL,
     .help = "reads served by replicas"},
    {.name = "stale_read_ratio", .type = SS_KF_RATIO, .decimals = 6, .flags = SS_KF_OPTIONAL,
     .help = "reads of a key whose last write had not reached that replica, over all reads"},
    {.name = "failovers", .type = SS_KF_COUNT, .flags = SS_KF_OPTIONAL,
     .help = "replicas promoted after a primary crashed"},
    {.name = "shard_skew", .type = SS_KF_DERIVED, .decimals = 3, .derive = shard_skew,
     .help = "with shards: the busiest shard's load over the mean"},
    {.name = "shard_load", .type = SS_KF_LIST, .flags = SS_KF_OPTIONAL,
     .help = "with shards: requests per shard"},
    {0},
};

static void db_report(void *state, ss_sim *sim, ss_comp_report *out)
{
    db *d = state;
    int shards = d->cfg->shards;
    ss_stats *rows = ss_report_rows(out, shards * d->n_nodes);
    uint64_t reads = 0, writes = 0, rep = 0, stale = 0, failovers = 0;
    double *loads = ss_calloc((size_t)shards, sizeof *loads);
    for (int s = 0; s < shards; s++) {
        shard *sh = &d->shards[s];
        ss_station_report(&sh->st, sim, NULL, rows + s * d->n_nodes, "");
        for (int k = 0; k < d->n_nodes; k++)
            node_name(d, s, k, sh, rows[s * d->n_nodes + k].instance,
                      sizeof rows[0].instance);
        reads += sh->reads;
        writes += sh->writes;
        rep += sh->replica_reads;
        stale += sh->stale_reads;
        failovers += sh->failovers;
        loads[s] = (double)(sh->reads + sh->writes);
    }
    ss_station_sum(d->stations, shards, sim, &out->all);
    out->billable_instances = (double)shards * d->n_nodes;
    /* The parts the bottleneck competes with: a shard's primary, and a
     * shard's replicas in one datacenter together. Replicas in different
     * datacenters serve different users: averaging them would hide a hot
     * one behind an idle one, so with several datacenters each group is
     * named on its own ("replicas@eu-west"). */
    int *group = ss_malloc((size_t)d->n_nodes * sizeof *group);
    for (int s = 0; s < shards; s++) {
        const shard *sh = &d->shards[s];
        char prefix[16] = "", name[72];
        if (shards > 1)
            snprintf(prefix, sizeof prefix, "s%d.", s % 10000);
        int prim = s * d->n_nodes + sh->primary;
        snprintf(name, sizeof name, "%sprimary", prefix);
        ss_report_part(out, name, &prim, 1);
        for (int dc = 0; dc < d->n_dcs; dc++) {
            int n = 0;
            for (int k = 0; k < d->n_nodes; k++)
                if (k != sh->primary && d->node_dc[k] == dc)
                    group[n++] = s * d->n_nodes + k;
            if (n == 0)
                continue;
            if (d->n_dcs > 1)
                snprintf(name, sizeof name, "%.12sreplicas@%.40s", prefix, ss_sim_dc_name(sim, dc));
            else
                snprintf(name, sizeof name, "%sreplicas", prefix);
            ss_report_part(out, name, group, n);
        }
    }
    ss_free(group);
    ss_kf_set(ss_report_kf(out, DB_KF_READS, 0), (double)reads);
    ss_kf_set(ss_report_kf(out, DB_KF_WRITES, 0), (double)writes);
    if (d->per_dc > 0) {
        ss_kf_ratio(ss_report_kf(out, DB_KF_REPLICA_SHARE, 0), (double)rep, (double)reads);
        ss_kf_ratio(ss_report_kf(out, DB_KF_STALE, 0), (double)stale, (double)reads);
        ss_kf_set(ss_report_kf(out, DB_KF_FAILOVERS, 0), (double)failovers);
    }
    if (shards > 1)
        ss_kf_list(ss_report_kf(out, DB_KF_SHARD_LOAD, 0), loads, shards);
    ss_free(loads);
}

static double db_busy(void *state, ss_sim *sim, double *cores)
{
    db *d = state;
    double total = 0, c;
    *cores = 0;
    for (int s = 0; s < d->cfg->shards; s++) {
        total += ss_station_busy(&d->shards[s].st, sim, &c);
        *cores += c;
    }
    return total;
}

static void db_destroy(void *state)
{
    db *d = state;
    for (int s = 0; d->shards && s < d->cfg->shards; s++) {
        shard *sh = &d->shards[s];
        ss_station_release(&sh->st);
        for (int k = 0; k < d->n_nodes; k++)
            ss_u64map_release(&sh->pending[k]);
        ss_free(sh->pending);
    }
    ss_free(d->shards);
    ss_free(d->stations);
    ss_free(d->node_dc);
    ss_free(d->node_region);
}

/* One primary per shard serves everything when there are no replicas;
 * hash partitioning splits the keys (and so the load, for keys not too
 * skewed) evenly over the shards. */
static void db_theory(const void *cfgp, ss_theory_desc *out)
{
    const db_cfg *c = cfgp;
    out->instances = c->shards;
    out->servers = c->cores;
    for (int op = 0; op < SS_OPS; op++)
        out->service[op] = &c->service.op[op];
    out->queue = c->queue;
    out->class_services = true;
    if (c->replicas > 0)
        out->note = "replicas";
    else if (c->shards > 1 && c->partitioning == PART_RANGE)
        out->note = "range partitioning";
}

const ss_model_ops ss_model_database = {
    .kind = "database",
    .summary = "primary + replicas per shard: replication lag, stale reads, failover",
    .params = db_params,
    .targets = 1u << SS_TARGET_INSTANCE | 1u << SS_TARGET_PRIMARY | 1u << SS_TARGET_REPLICA,
    .target_count = db_target_count,
    .figures = db_figures,
    .cfg_size = sizeof(db_cfg),
    .state_size = sizeof(db),
    .flags = SS_MODEL_SPANS_DCS,
    .check = db_check,
    .init = db_init,
    .pick = db_pick,
    .request = db_request,
    .fault = db_fault,
    .busy = db_busy,
    .report = db_report,
    .destroy = db_destroy,
    .theory = db_theory,
};
