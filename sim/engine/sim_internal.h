/*
 * sim/engine/sim_internal.h -- the engine's state. Each part is owned by
 * one file, which alone changes it: the workload (ss_wl_state) by
 * workload.c, the network (ss_net_state) by sim.c, the observations (an
 * opaque ss_obs) by observe.c, the components, routes, clock and event set
 * by run.c; route.c moves requests and collect.c reads it all once, at the
 * end, into a result. Models never see it.
 */
#ifndef SS_SIM_INTERNAL_H
#define SS_SIM_INTERNAL_H

#include <gsl/gsl_randist.h>

#include "breaker.h"
#include "evq.h"
#include "keys.h"
#include "result.h"
#include "scenario.h"

typedef struct ss_obs ss_obs;

typedef struct ss_handler {
    ss_event_fn fn;
    void *obj;
} ss_handler;

/* A component as it runs: one copy per datacenter, unless the scenario
 * places it in one or its kind spans them all. */
typedef struct ss_rcomp {
    const ss_component *def;
    const ss_model_ops *ops;
    void *state;
    ss_comp_ctx ctx;
    char name[80];
    bool has_reply;
    ss_breaker *brk;        /* `breaker`, NULL without one               */
    bool stops;             /* an answer passing back stops here: it has
                               a reply handler or a breaker             */
    /* per request class, its own service time here (requests.X.service),
     * NULL where the class has none; NULL when no class has one */
    const ss_dist **cls_service;
} ss_rcomp;

/* A client: a closed-model user or an open-model source of arrivals. */
typedef struct ss_client {
    ss_time dns_until;      /* cached DNS answer valid until             */
    uint8_t region;
    uint8_t dc;
} ss_client;

typedef struct ss_class_rt {
    ss_keygen keys;            /* the class's own keys, or the workload's */
} ss_class_rt;

typedef struct ss_req_slab {
    struct ss_req_slab *next;
    ss_req reqs[];
} ss_req_slab;

/* What workload.c owns: the users or arrivals, their requests in flight,
 * and what the clients saw (answers, failures, latency). */
typedef struct ss_wl_state {
    gsl_rng *rng_wl;
    gsl_ran_discrete_t *class_pick;   /* NULL with one class             */
    gsl_ran_discrete_t *region_pick;  /* NULL with one region            */
    ss_class_rt *cls;
    ss_client *clients;
    int64_t n_clients;
    bool pool_think;                  /* exponential think: one pooled timer */
    uint32_t *thinking, *think_slot;  /* the thinking users; each one's index */
    int64_t n_thinking;
    int64_t pool_bound;               /* thinning bound, >= n_thinking       */
    uint32_t pool_gen;                /* the live candidate's generation     */
    bool pool_started;
    double peak_rate;                 /* open model: thinning bound      */
    /* requests */
    ss_req_slab *slabs;
    ss_req *free_reqs;
    ss_req *inflight_head, *inflight_tail; /* client side, in send order  */
    int64_t n_inflight, peak_inflight;
    uint64_t requests_total;          /* sent, warm-up included             */
    size_t req_bytes;                 /* request pool, allocated            */
    bool timeout_armed;
    ss_time inflight_t_last;
    double inflight_area;

    /* statistics, as the clients saw them */
    ss_class_result *cres;
    ss_region_result *rres;           /* by user region, index of workload  */
    uint8_t region_slot[SS_MAX_REGIONS]; /* region index -> rres slot       */
    uint64_t fail_why[SS_FAIL_KINDS];
    /* retries: each class's policy (NULL: none), its budget's tokens */
    const ss_retry *retry_of[SS_MAX_CLASSES];
    double *retry_tokens[SS_MAX_CLASSES];
    double tokens[SS_MAX_CLASSES + 1]; /* the classes' own, the workload's */
    gsl_rng *rng_retry;               /* backoff jitter; NULL without retries */
    ss_retry_counts retry;
    int h_think, h_pool, h_arrival, h_timeout, h_retry;
} ss_wl_state;

/* What sim.c owns: the network's latencies, constant ones precomputed. */
typedef struct ss_net_state {
    ss_time lat_ns[SS_MAX_REGIONS][SS_MAX_REGIONS];
    ss_time lat_mean_ns[SS_MAX_REGIONS][SS_MAX_REGIONS]; /* for routing    */
    bool lat_random[SS_MAX_REGIONS][SS_MAX_REGIONS];
    ss_time client_ns;
    bool client_random;
    gsl_rng *rng_net;

} ss_net_state;

struct ss_sim {
    const ss_scenario *sc;
    ss_run_opts opts;
    uint64_t seed;
    ss_evq *evq;
    ss_time now, t_measure, t_end;
    bool measuring;

    ss_handler *handlers;
    size_t n_handlers, cap_handlers;
    /* every station of every model, to name the queue that grew when the
     * requests in flight outgrow the memory budget */
    ss_station **stations;
    double *station_qlen;             /* waiting at the last memory check   */
    size_t n_stations, cap_stations;
    ss_time mem_check_t;              /* when that check was                */
    int h_deliver, h_return, h_client, h_fault; /* run.c and route.c    */

    ss_rcomp *comps;
    int n_comps;
    int rc_of[SS_MAX_COMPONENTS][SS_MAX_REGIONS]; /* [scenario comp][dc]  */
    uint16_t *routes;       /* [class][dc][SS_ROUTE_MAX] runtime ids       */
    int resolver;           /* runtime id of the resolver (DNS), or -1     */

    ss_net_state net;                 /* sim.c                               */
    ss_wl_state wl;                   /* workload.c                          */
    /* run.c: the datacenters, their outages */
    bool dc_up[SS_MAX_REGIONS];
    ss_time dc_down_since[SS_MAX_REGIONS]; /* -1 while up                    */

    uint64_t events;
    ss_obs *obs;                      /* observe.c                           */
    bool breakdown_on;                /* notes are recorded (a hot check)    */
};

/* client.c */
void ss_client_init(ss_sim *sim);
void ss_client_release(ss_sim *sim);
void ss_client_start(ss_sim *sim);
ss_req *ss_sim_req_alloc(ss_sim *sim);
void ss_sim_req_release(ss_sim *sim, ss_req *req);
void ss_client_answer(void *obj, ss_sim *sim, void *ptr, uint32_t code);
void ss_client_account_inflight(ss_sim *sim);

/* route.c */
void ss_route_on_deliver(void *obj, ss_sim *sim, void *ptr, uint32_t code);
void ss_route_on_return(void *obj, ss_sim *sim, void *ptr, uint32_t code);
/* sim.c */
void ss_sim_send(ss_sim *sim, ss_req *req);
ss_time ss_sim_client_latency(ss_sim *sim, int user_region, int comp_region);

/* report.c */
void ss_report_build(ss_sim *sim, ss_result *res);

#endif
