/*
 * scalesim/station.h -- the shared serving station: FCFS, instances x cores.
 *
 * Every serving component is built on it: `instances` copies, each with
 * `cores` parallel service slots and at most `queue` requests waiting (unset:
 * unbounded). A request that finds a free core starts service at once; else
 * it waits in FIFO order; a full queue rejects it. With exp service one
 * instance is M/M/c, with a queue bound M/M/c/(c+K).
 *
 * Service time is drawn when service starts, by the request's op, and
 * multiplied by the instance's `slow` factor (a fault). When it ends the
 * station calls its owner's `done`, which decides where the request goes.
 *
 * A crash fails the requests waiting there at once; those in service fail
 * when their service would have ended (their completion events are already
 * scheduled; an epoch counter tells stale completions apart). A crashed
 * instance rejects arrivals until it recovers.
 *
 * Statistics count only measured time (after the warm-up): utilisation as
 * the time integral of busy cores, mean queue as the time integral of
 * waiting requests, waiting time per started request (mean and histogram).
 *
 * Ownership: the station lives inside its model's state; ss_station_init
 * allocates the instances, ss_station_release frees them.
 */
#ifndef SCALESIM_STATION_H
#define SCALESIM_STATION_H

#include <stddef.h>

#include "scalesim/model.h"
#include "scalesim/param.h"

typedef void (*ss_station_done_fn)(void *owner, ss_sim *sim, ss_req *req, int inst);

/* The keys every serving component shares (SPEC.md 4.1), for a model's
 * parameter table: SS_STATION_PARAMS(my_cfg, st) where my_cfg has a field
 * `ss_station_cfg st`. */
typedef struct ss_station_cfg {
    int instances;
    int cores;
    ss_opdist service;
    int64_t queue;          /* -1: unbounded */
    /* SS_STATION_LIMIT_PARAMS (SPEC.md 4.5), for kinds that take them */
    int concurrency;        /* -1: no limit                              */
    ss_time deadline;       /* 0: none                                   */
} ss_station_cfg;

#define SS_STATION_PARAMS_DEF(type, field, def_service)                                          {"instances", SS_P_INT, offsetof(type, field.instances), SS_PF_POSITIVE, "1", 0, 0,          "copies of the component"},                                                                {"cores", SS_P_INT, offsetof(type, field.cores), SS_PF_POSITIVE | SS_PF_VCPUS, "-1", 0, 0,                  "parallel service slots per instance (default: the instance type's vCPUs, else 1)"},                                                    {"service", SS_P_OPDIST, offsetof(type, field.service),                                      (def_service) ? 0 : SS_PF_REQUIRED, (def_service), 0, 0,                                    "time of work per visit: a distribution, or {read: D, write: D}"},                         {"queue", SS_P_COUNT, offsetof(type, field.queue), 0, "-1", 0, 0,                            "most requests waiting per instance (unset: unbounded)"}
#define SS_STATION_PARAMS(type, field) SS_STATION_PARAMS_DEF(type, field, NULL)
/* `concurrency` and `deadline` (SPEC.md 4.5), for a kind that releases its
 * requests with ss_station_unhold when their answers pass back. */
#define SS_STATION_LIMIT_PARAMS(type, field)                                                    \
    {"concurrency", SS_P_INT, offsetof(type, field.concurrency), 0, "-1", 0, 0,                \
     "most requests in progress per instance, downstream time included (unset: no limit)"},    \
    {"deadline", SS_P_DURATION, offsetof(type, field.deadline), 0, "0s", 0, 0,                 \
     "a request that waited this long in the queue is dropped as a timeout (0: none)"}

/* Fault targets of a kind whose config begins with its ss_station_cfg:
 * NAME[i] is instance i. For ops.target_count. */
int ss_station_target_count(const void *cfg, const ss_cfgctx *ctx, ss_target what);

/* The theory description of a station kind (ops.theory): instances x
 * cores, the service by op, the queue bound; cfg is an ss_station_cfg. */
void ss_station_theory(const ss_station_cfg *cfg, ss_theory_desc *out);

/* Range checks shared by every station-based kind. */
void ss_station_check(const ss_station_cfg *cfg, ss_cfgctx *ctx);

typedef struct ss_station_inst {
    ss_req *qhead, *qtail;
    uint32_t qlen;
    int busy;
    uint16_t epoch;         /* bumped by a crash                         */
    bool down;
    bool paused;            /* accepts and queues, starts nothing         */
    double slow;            /* service time factor, 1 when healthy       */
    ss_time down_since;     /* -1 while up                               */
    ss_time up_since;       /* last recovery                              */
    ss_time last_down;      /* start of the last crash                    */
    ss_time t_last;         /* last time the areas were brought forward  */
    double busy_area;       /* core-ns while measuring                   */
    double busy_all;        /* core-ns since the start (time series)     */
    double queue_area;      /* waiting-request-ns while measuring        */
    uint64_t arrivals, started, done, rejected;
    uint64_t waited;        /* started after waiting a while (wait > 0)  */
    int held;               /* started, answer not yet back (concurrency) */
    bool deadline_armed;    /* a deadline event is pending               */
    uint64_t dropped;       /* at the deadline, while measuring          */
    double wait_sum_ns;
    ss_hist wait;
} ss_station_inst;

struct ss_station {
    const char *name;
    int n, cores;
    int64_t queue_cap;      /* waiting places per instance; -1 unbounded */
    const ss_opdist *service;
    const ss_dist *const *cls_service; /* classes' own, or NULL (see model.h) */
    int n_classes;
    ss_station_inst *inst;
    int n_down;             /* instances crashed now                      */
    ss_time last_up;        /* latest recovery of any instance, or -1     */
    int handler;
    int limit;              /* concurrency per instance; -1: none        */
    ss_time deadline;       /* 0: none                                   */
    int h_deadline;
    ss_station_done_fn done;
    /* Told of requests a crash fails (waiting, or in service); NULL: they
     * fail through ss_sim_fail. Set it after init when internal jobs need
     * their owner to hear of it. */
    void (*fail)(void *owner, ss_sim *sim, ss_req *req, int inst);
    void *owner;
    gsl_rng *rng;
    ss_sim *sim;
};

void ss_station_init(ss_station *st, ss_sim *sim, const char *name, int instances, int cores,
                     int64_t queue_cap, const ss_opdist *service, gsl_rng *rng,
                     ss_station_done_fn done, void *owner);
void ss_station_release(ss_station *st);
/* Applies a config's `concurrency` and `deadline` (SPEC.md 4.5) after
 * init. With a concurrency limit the owner must release each request it
 * started with ss_station_unhold when the request's answer (or error)
 * passes back, or at once when it answers or fails the request itself;
 * returns whether it must (the kind's reply handler is needed). */
bool ss_station_limits(ss_station *st, ss_sim *sim, const ss_station_cfg *cfg);
void ss_station_unhold(ss_station *st, ss_sim *sim, int inst);

/* Queues req at instance inst; on false it was rejected (queue full or the
 * instance is down: req->fail_why says which) and the caller fails it. */
bool ss_station_arrive(ss_station *st, ss_sim *sim, ss_req *req, int inst);

/* A random instance, drawn from the station's stream. */
int ss_station_pick(ss_station *st);

/* Whether a health checker probing every hc sees instance i as serving:
 * a crashed instance stays in rotation until hc has passed (requests sent
 * there fail), and one that was taken out comes back hc after it recovers. */
bool ss_station_in_rotation(const ss_station *st, int i, ss_time now, ss_time hc);
/* True when every instance is in rotation: O(1), for the common case. */
static inline bool ss_station_all_in_rotation(const ss_station *st, ss_time now, ss_time hc)
{
    return st->n_down == 0 && (st->last_up < 0 || now - st->last_up >= hc);
}

/* Applies a crash, slow or outage fault to the instances it names. */
void ss_station_fault(ss_station *st, ss_sim *sim, const ss_fault_ev *f);

static inline unsigned ss_station_load(const ss_station *st, int i)
{
    return (unsigned)st->inst[i].busy + st->inst[i].qlen;
}

/* Faults. ss_station_crash fails the waiting requests through ss_sim_fail. */
void ss_station_crash(ss_station *st, ss_sim *sim, int inst);
void ss_station_recover(ss_station *st, ss_sim *sim, int inst);
void ss_station_slow(ss_station *st, int inst, double factor);
/* A paused instance keeps accepting (and queueing) requests but starts no
 * service until it resumes: a consumer pool whose broker is down. */
void ss_station_pause(ss_station *st, ss_sim *sim, int inst, bool paused);

/* Fills the aggregate and one row per instance (instance names "0", "1"...
 * after `prefix`). Utilisation is over the measured window. */
void ss_station_report(ss_station *st, ss_sim *sim, ss_stats *all, ss_stats *rows,
                       const char *prefix);
/* Core-ns of work done since the start, and the cores (for a time
 * series' utilisation: its change over an interval, over cores x interval). */
double ss_station_busy(ss_station *st, ss_sim *sim, double *cores);

/* Aggregate of several stations into one row (a database's shards). */
void ss_station_sum(ss_station *const *sts, int n, ss_sim *sim, ss_stats *out);

#endif
