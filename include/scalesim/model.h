/*
 * scalesim/model.h -- what a component model sees of the engine.
 *
 * A request (ss_req) travels along its class's route. The engine delivers it
 * to each component in turn by calling that component's `request` handler
 * after the network hop. The handler owns what happens next: it queues the
 * request at one of its stations, and when the work is done calls
 *   ss_sim_forward  -- go on to the next component of the route,
 *   ss_sim_respond  -- answer from here (a cache hit; or the route ends),
 *   ss_sim_fail     -- the request fails (rejected, component down).
 * The answer travels back the same way; each component on the way back whose
 * ops have a `reply` handler sees it pass (a cache inserts the key there; a
 * balancer counts the request done). Errors travel back too, with
 * SS_REQ_FAILED set in req->flags.
 *
 * Handlers borrow the request for the duration of the call; the engine owns
 * requests, model state and events. Everything a model needs for a run hangs
 * off its state, never off globals, so runs can execute side by side.
 *
 * A model is one file in models/ exporting `const ss_model_ops
 * ss_model_<kind>`; models/models.def lists the kinds.
 */
#ifndef SCALESIM_MODEL_H
#define SCALESIM_MODEL_H

#include <gsl/gsl_rng.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "scalesim/dist.h"
#include "scalesim/figures.h"
#include "scalesim/hist.h"
#include "scalesim/param.h"
#include "scalesim/theory_desc.h"
#include "scalesim/time.h"

typedef struct ss_sim ss_sim;
typedef struct ss_station ss_station;

#define SS_ROUTE_MAX 8
#define SS_CLS_JOB 0xffffu /* cls of internal work: not a user request */

enum {
    SS_REQ_DEAD = 1u << 0,      /* failed; a pending event still holds it    */
    SS_REQ_ABANDONED = 1u << 1, /* the client timed out; the answer is moot  */
    SS_REQ_FAILED = 1u << 2,    /* on its way back as an error               */
    SS_REQ_HIT = 1u << 3,       /* answered by a cache on the way            */
};

typedef struct ss_req {
    struct ss_req *next;        /* intrusive link: a station's queue          */
    struct ss_req *cprev, *cnext; /* the client's in-flight list (send order)  */
    ss_time t_sent;             /* when the client started it (DNS included)  */
    ss_time t_mark;             /* arrival at the current station             */
    uint64_t key;               /* 0 .. keys-1, 0 the most popular            */
    const uint16_t *route;      /* runtime component ids, by position         */
    void *ctx;                  /* model scratch (a message's broker, ...)    */
    uint32_t user;              /* user (closed) or client (open)             */
    uint16_t cls;               /* request class, or SS_CLS_JOB               */
    uint16_t epoch;             /* station instance epoch at service start    */
    uint8_t op;                 /* SS_OP_READ, SS_OP_WRITE (or SS_OP_APPLY)   */
    uint8_t pos;                /* position in the route now                  */
    uint8_t n_route;
    uint8_t flags;
    uint8_t region;             /* the user's region                          */
    uint8_t dc;                 /* datacenter the client was sent to          */
    uint8_t fail_why;           /* ss_fail, when failed                       */
    uint8_t attempt;            /* 0 for the first, then 1, 2 ... (retries)   */
    uint16_t inst[SS_ROUTE_MAX]; /* instance chosen at each position          */
    uint8_t reg[SS_ROUTE_MAX];   /* region of that instance                   */
    uint32_t aux;               /* a job's model scratch; on a client's
                                   request its last backoff in us           */
    uint32_t t_attempt_us;      /* this attempt was sent t_sent + this        */
} ss_req;

/* Why a request failed, once: the enum, and the names reports and retry
 * conditions use (SPEC 4.5: `on: [timeout, rejected, down, error, limited]`). */
#define SS_FAIL_MAP(XX)                                                    \
    XX(NONE, "none")                                                       \
    XX(REJECTED, "rejected") /* a full queue                            */ \
    XX(DOWN, "down")         /* reached a crashed component or datacenter */ \
    XX(TIMEOUT, "timeout")   /* slower than workload.timeout            */ \
    XX(ERROR, "error")       /* the component answered with an error    */ \
    XX(LIMITED, "limited")   /* refused by a rate limiter (HTTP 429)    */

typedef enum ss_fail {
#define XX(id, name) SS_FAIL_##id,
    SS_FAIL_MAP(XX)
#undef XX
    SS_FAIL_KINDS
} ss_fail;

/* What a model is told about itself when a run starts. */
typedef struct ss_comp_ctx {
    const char *name;       /* "app", or "app@eu-west" for a copy          */
    const char *base_name;  /* "app"                                       */
    int id;                 /* runtime component id                        */
    int dc;                 /* datacenter of this copy; -1: spans all      */
    int home_dc;            /* where it lives: its placement (or the first
                               datacenter), for a spanning one too          */
    int region;             /* region of this copy                         */
    gsl_rng *rng;           /* this component's own stream                 */
    const void *cfg;        /* the parsed config (ops->cfg_size bytes)     */
} ss_comp_ctx;

/* A fault as the model receives it, at its start and again at its end. */
typedef enum ss_fault_action { SS_FAULT_CRASH, SS_FAULT_SLOW, SS_FAULT_OUTAGE } ss_fault_action;
typedef struct ss_fault_ev {
    ss_fault_action action;
    bool begin;             /* false: the fault ends                       */
    int instance;           /* -1: every instance                          */
    bool primary;           /* target NAME.primary                         */
    int replica;            /* target NAME.rK: node K (1 ..); else -1      */
    double factor;          /* slow                                        */
    int dc;                 /* outage: the datacenter; else -1             */
} ss_fault_ev;

/* What a fault's target may name besides NAME (SPEC.md 4.4): NAME[i],
 * NAME.primary, NAME.rK. */
typedef enum ss_target { SS_TARGET_INSTANCE, SS_TARGET_PRIMARY, SS_TARGET_REPLICA } ss_target;

typedef struct ss_model_ops {
    const char *kind;
    const char *summary;        /* one line for `scalesim --kinds`          */
    const ss_param *params;     /* keys besides kind/placement/pricing      */
    size_t cfg_size, state_size;
    unsigned flags;             /* SS_MODEL_*                               */
    const char *usage_unit;     /* per-use price unit in pricing.yaml       */
    double usage_scale;         /* usage_units per priced unit              */
    /* The kind's own figures, in the order they print, ending with {0}
     * (see figures.h); the report fills them by index. */
    const ss_kfig_def *figures;

    void (*check)(void *cfg, ss_cfgctx *ctx);
    /* Fault targets: which of NAME[i] (1 << SS_TARGET_INSTANCE),
     * NAME.primary, NAME.rK the kind has, and how many of each a config
     * has (instances, 1, replicas). Without them NAME[0] is the one
     * instance there is. */
    unsigned targets;
    int (*target_count)(const void *cfg, const ss_cfgctx *ctx, ss_target what);
    void (*init)(void *state, ss_sim *sim, const ss_comp_ctx *self);
    /* Which instance takes req (and the region it is in); NULL: a random
     * instance of the front station, in this copy's region. */
    int (*pick)(void *state, ss_sim *sim, const ss_req *req, int *region);
    void (*request)(void *state, ss_sim *sim, ss_req *req);
    /* A resolver (DNS): not in routes; a client asks it before a request
     * when its cached answer has expired, and it answers with
     * ss_sim_resolved. A scenario has at most one. */
    void (*resolve)(void *state, ss_sim *sim, ss_req *req);
    void (*reply)(void *state, ss_sim *sim, ss_req *req);
    void (*fault)(void *state, ss_sim *sim, const ss_fault_ev *f);
    ss_station *(*station)(void *state); /* what a load balancer looks at   */
    /* Core-ns of work since the start and the cores it had (time series
     * utilisation); NULL for kinds without a capacity (cdn, dns). */
    double (*busy)(void *state, ss_sim *sim, double *cores);
    void (*report)(void *state, ss_sim *sim, ss_comp_report *out);
    void (*destroy)(void *state);
    /* The kind as a station for queueing theory (--theory, the planner's
     * pruning), from its config alone; out comes zeroed with queue -1.
     * NULL: a kind without a model (theory_note says so). */
    void (*theory)(const void *cfg, ss_theory_desc *out);
} ss_model_ops;

enum {
    SS_MODEL_NO_ROUTE = 1u << 0,  /* never in a route (dns)                 */
    SS_MODEL_SPANS_DCS = 1u << 1, /* one copy serves every datacenter       */
    SS_MODEL_FIRST = 1u << 2,     /* must start a route (cdn)               */
};

/* ---- the engine, as models call it ----------------------------------- */

typedef void (*ss_event_fn)(void *obj, ss_sim *sim, void *ptr, uint32_t code);

/* Registers an event handler; the id is what ss_sim_schedule takes. */
int ss_sim_handler(ss_sim *sim, ss_event_fn fn, void *obj);
void ss_sim_schedule(ss_sim *sim, ss_time delay, int handler, uint32_t code, void *ptr);

ss_time ss_sim_now(const ss_sim *sim);
/* True once the warm-up is over: statistics count from then on. */
bool ss_sim_measuring(const ss_sim *sim);
ss_time ss_sim_measure_start(const ss_sim *sim);
/* Seconds of measured time so far (the window, at report time). */
double ss_sim_window_s(const ss_sim *sim);

void ss_sim_forward(ss_sim *sim, ss_req *req);
void ss_sim_forward_to(ss_sim *sim, ss_req *req, int instance);
void ss_sim_respond(ss_sim *sim, ss_req *req);
void ss_sim_fail(ss_sim *sim, ss_req *req, ss_fail why);

/* The model state of the component at route position req->pos + 1, and its
 * ops; NULL at the end of the route. For load balancers. */
const ss_model_ops *ss_sim_next(ss_sim *sim, const ss_req *req, void **state);

/* Where a request's time goes, for the latency breakdown: models that
 * hold a request without a station (a CDN edge's delay, a publish, a DNS
 * resolution) note it here; stations and the network are noted by the
 * engine. Counted against the component at req->pos. */
typedef enum ss_note { SS_NOTE_WAIT, SS_NOTE_SERVICE, SS_NOTE_NETWORK, SS_NOTES } ss_note;
void ss_sim_note(ss_sim *sim, const ss_req *req, ss_note what, ss_time ns);

/* DNS: the client of req now knows to use datacenter dc until ttl has
 * passed; req goes on to the first component of its route there. A DNS
 * model receives each resolution as a `request` and answers with this. */
void ss_sim_resolved(ss_sim *sim, ss_req *req, int dc, ss_time ttl);
/* DNS: gives every client's cached answer its stationary age at time 0,
 * as if the resolver had been answering for ever (see sim/engine/workload.c); a
 * resolver calls it from init. Without it every cache starts empty and the
 * resolutions stay in lock step far beyond any warm-up. */
void ss_sim_prime_resolver(ss_sim *sim, ss_time ttl, double latency_mean_s);

/* Internal work (a replication apply, a queued message): a request object
 * with cls SS_CLS_JOB that never reaches a client. Free with ss_sim_job_free. */
ss_req *ss_sim_job_new(ss_sim *sim);
void ss_sim_job_free(ss_sim *sim, ss_req *job);

/* One-way latency between two regions (network.hop within one region),
 * drawn when the latency is a distribution. */
ss_time ss_sim_latency(ss_sim *sim, int from_region, int to_region);
/* The mean one-way latency between two regions (0 within one): what
 * routing decisions compare, drawing nothing. */
ss_time ss_sim_distance(const ss_sim *sim, int from_region, int to_region);
int ss_sim_regions(const ss_sim *sim);
const char *ss_sim_region_name(const ss_sim *sim, int region);
/* The key space: the most keys of the workload or of any class with keys
 * of its own (range partitioning splits it). */
uint64_t ss_sim_keys(const ss_sim *sim);
/* Whether a datacenter is up, and since when it is down (-1 while up). */
bool ss_sim_dc_up(const ss_sim *sim, int dc);
ss_time ss_sim_dc_down_since(const ss_sim *sim, int dc);
int ss_sim_dcs(const ss_sim *sim);
const char *ss_sim_dc_name(const ss_sim *sim, int dc);
int ss_sim_dc_region(const ss_sim *sim, int dc);
/* Per request class, the class's own service time at the component named
 * `name` (a runtime name, self->name), NULL where a class has none; NULL
 * when no class has one. Indexed by req->cls (check it is below
 * ss_sim_classes: internal jobs are not). The shared station uses it;
 * a kind that draws its `service` itself should too. */
const ss_dist *const *ss_sim_class_services(const ss_sim *sim, const char *name);
int ss_sim_classes(const ss_sim *sim);
/* A model whose reply handler serves an option this run does not use (an
 * app server without `concurrency`) says so in init: answers then pass it
 * without an event, as if it had none. */
void ss_sim_skip_reply(ss_sim *sim, int comp_id);
/* The shared station tells the engine of itself (ss_station_init does):
 * the engine looks at queue lengths when memory runs short. */
void ss_sim_register_station(ss_sim *sim, ss_station *st);
/* Mean size in bytes of a request class (its `size`), 0 when unset. */
double ss_sim_class_size(const ss_sim *sim, int cls);

#endif
