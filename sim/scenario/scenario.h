/*
 * sim/scenario/scenario.h -- a validated scenario, ready to run.
 *
 * ss_scenario_load turns YAML files (plus --set overrides) into this struct
 * or into diagnostics; nothing in it can be invalid afterwards, so the engine
 * never checks user input. A scenario is immutable while runs use it, so one
 * loaded scenario can drive many runs (replications, a planner's search).
 *
 * Ownership: ss_scenario_load returns a scenario the caller frees with
 * ss_scenario_free; everything it points to (strings, model configs,
 * empirical samples) is owned by it.
 */
#ifndef SS_SCENARIO_H
#define SS_SCENARIO_H

#include <stdbool.h>
#include <stdint.h>

#include "diag.h"
#include "scalesim/scalesim.h"
#include "keys.h"
#include "scalesim/dist.h"
#include "scalesim/model.h"

#define SS_MAX_REGIONS 32
#define SS_MAX_CLASSES 64
#define SS_MAX_COMPONENTS 64
#define SS_MAX_SCENARIO_SLOS 16  /* `slo:` items of one scenario */


/* How a failed attempt is sent again (SPEC.md 4.5): workload.retry, or a
 * class's own. Off (attempts 1) unless asked for. */
typedef enum ss_jitter { SS_JITTER_NONE, SS_JITTER_FULL, SS_JITTER_EQUAL, SS_JITTER_DECORRELATED } ss_jitter;
typedef struct ss_retry {
    int attempts;              /* 1: no retries                             */
    unsigned on;               /* 1 << ss_fail of the failures retried      */
    ss_time base, cap;         /* backoff: base x 2^k, at most cap          */
    int jitter;                /* ss_jitter                                 */
    double budget;             /* retries per first attempt; < 0: no budget */
} ss_retry;

/* `breaker` on a component (SPEC.md 4.5): sim/engine/breaker.c. */
typedef struct ss_breaker_cfg {
    bool on;
    double failure_rate;       /* opens at this share of failed calls       */
    ss_time window;            /* over the calls of the last window         */
    int min_calls;             /* and at least this many of them            */
    ss_time open;              /* fails fast this long                      */
    int half_open;             /* then lets this many trial calls through   */
} ss_breaker_cfg;

/* A request class's own service time at one component of its route. */
typedef struct ss_class_service {
    int comp;                  /* scenario component index                  */
    ss_dist dist;
} ss_class_service;

typedef struct ss_class {
    char *name;
    double weight;
    int op;                    /* SS_OP_READ / SS_OP_WRITE                  */
    int n_route;
    int route[SS_ROUTE_MAX];   /* scenario component indices                */
    double size_bytes;
    bool own_keys;             /* the class overrides workload.keys         */
    ss_keys keys;
    ss_class_service *service; /* overrides, n_service of them              */
    int n_service;
    bool own_retry;            /* its own `retry`, with its own budget      */
    ss_retry retry;
} ss_class;

typedef struct ss_profile_point {
    ss_time t;
    double rate_per_s;
} ss_profile_point;

typedef struct ss_workload {
    bool closed;               /* users + think time; else open arrivals    */
    int64_t users;
    ss_dist think;
    double rate_per_s;         /* open: constant rate, unless a profile     */
    ss_profile_point *profile;
    int n_profile;
    int64_t clients;           /* open: clients arrivals are spread over    */
    ss_time timeout;           /* 0: none                                   */
    int n_regions;             /* user regions, with weights                */
    int region[SS_MAX_REGIONS];
    double region_weight[SS_MAX_REGIONS];
    ss_keys keys;
    ss_class classes[SS_MAX_CLASSES];
    int n_classes;
    ss_retry retry;            /* the classes' without their own            */
} ss_workload;

typedef struct ss_network {
    ss_dist hop;               /* one-way latency within a region           */
    ss_dist client;            /* one-way client <-> first component        */
    bool has_matrix;
    ss_dist lat[SS_MAX_REGIONS][SS_MAX_REGIONS]; /* one-way, region to region */
} ss_network;

typedef struct ss_component {
    char *name;
    const ss_model_ops *ops;
    void *cfg;                 /* ops->cfg_size bytes, filled from params   */
    char *instance_type;
    double price_per_hour;     /* per instance; from pricing or given       */
    double usage_price;        /* per-use price per unit, from pricing      */
    int placement;             /* datacenter index, -1: every datacenter    */
    ss_breaker_cfg breaker;
    ss_mark mark;
} ss_component;

typedef struct ss_fault {
    ss_time at;
    ss_time duration;          /* 0: for good                               */
    ss_fault_action action;
    double factor;
    int component;             /* -1 for a datacenter outage                */
    int instance;              /* -1: all                                   */
    bool primary;
    int replica;               /* NAME.rK: replica node K; -1 otherwise      */
    int dc;                    /* outage target                             */
} ss_fault;

/* An empirical() sample file read once and shared by every distribution
 * that names it. */
typedef struct ss_samples_file {
    char *path;                /* resolved                                  */
    const double *samples;
    size_t n;
} ss_samples_file;

typedef struct ss_datacenter {
    char *name;
    int region;
} ss_datacenter;

/* `exercise: {question, vary, slo, cost_within}`: what a student may
 * change ("PATH" or "PATH=LIST", LIST as --vary takes it: where the
 * planner looks for the answer key), the SLOs an answer must pass, and
 * how far above the cheapest passing configuration its cost may be. */
#define SS_MAX_EXERCISE_VARY 8
typedef struct ss_exercise {
    bool present;
    char *file;                /* the file that says it (as loaded)        */
    char *question;
    char *vary[SS_MAX_EXERCISE_VARY];
    ss_mark vary_mark[SS_MAX_EXERCISE_VARY];
    int n_vary;
    char *slo[SS_MAX_SCENARIO_SLOS];
    ss_mark slo_mark[SS_MAX_SCENARIO_SLOS];
    int n_slo;
    double cost_within;        /* a share; default 0.15                    */
} ss_exercise;

typedef struct ss_scenario {
    char *file;                /* as given on the command line              */
    char *name, *title;
    int stage;                 /* -1 when not given                         */
    ss_time duration, warmup;
    uint64_t seed;
    ss_workload wl;
    ss_network net;
    int n_regions;
    char *region_names[SS_MAX_REGIONS];
    ss_component comps[SS_MAX_COMPONENTS];
    int n_comps;
    /* components whose definition had an error: a route or fault naming
     * one is not reported again (the first error says what is wrong) */
    char *broken[SS_MAX_COMPONENTS];
    int n_broken;
    ss_datacenter dcs[SS_MAX_REGIONS];
    int n_dcs;                 /* >= 1: without `datacenters` there is one  */
    bool explicit_dcs;
    ss_fault *faults;
    int n_faults;
    char *pricing_file;
    /* `slo:` as written (sim/result/slo.h parses and judges them), with
     * where each is, for errors found later */
    char *slo[SS_MAX_SCENARIO_SLOS];
    ss_mark slo_mark[SS_MAX_SCENARIO_SLOS];
    int n_slo;
    ss_exercise ex;            /* `exercise:` (SPEC 11), present or not    */
    char **sources;            /* every file read (resolved paths)          */
    int n_sources;
    size_t cap_sources;
    ss_samples_file *samples_files;
    int n_samples_files;
    size_t cap_samples_files;
    /* storage the scenario owns (empirical samples, strings, lists) */
    void **owned;
    size_t n_owned, cap_owned;
} ss_scenario;

/* An override from the command line: "workload.users=50000". */
typedef struct ss_override {
    const char *text;          /* the whole PATH=VALUE argument             */
    const char *option;        /* what gave it, for errors: "--sweep";
                                  NULL: "--set"                             */
} ss_override;

/* How to load. Zero-initialised fields take their defaults. */
typedef struct ss_load_opts {
    /* Folders searched for a `pricing:` file not found next to the file
     * that names it, NULL-terminated (may be NULL); after them, the shipped
     * scenarios/ folder (where `cmake --install` puts it, then the source
     * tree's). */
    const char *const *search;
    /* Bytes a run may hold; what certainly needs more (caches whose
     * entries cannot fit) is refused at load. 0: a quarter of the
     * machine's memory. */
    double max_memory;
    /* The component kinds (sim/scenario/registry.h); NULL: the built-in ones. */
    const struct ss_kinds *kinds;
} ss_load_opts;

/* The default of ss_load_opts.max_memory on this machine. */
double ss_default_max_memory(void);

/* Loads files[0] (following `extends`), applies the overrides in order, and
 * validates. Returns NULL when anything is wrong; d holds every error. */
ss_scenario *ss_scenario_load_with(const char *file, const ss_override *sets, int n_sets,
                                   const ss_load_opts *opts, ss_diag *d);
/* The same from YAML text named `name` (its folder is where extends and
 * pricing are looked for). */
ss_scenario *ss_scenario_parse_with(const char *name, const char *yaml, const ss_override *sets,
                                    int n_sets, const ss_load_opts *opts, ss_diag *d);
/* (ss_scenario_load, _parse, _free and _name are the library's:
 * scalesim/scalesim.h.) Switches GSL's abort-on-error off, once. */
void ss_gsl_quiet(void);

/* The paths where the scenario file `answer` (with what it extends)
 * differs from `base` (with what it extends), as dotted paths ("components.
 * app.instances", "faults" for a changed list), leaving out name, title,
 * description and stage; at most max into paths. The count, or -1 when a
 * file cannot be loaded (d says why). */
int ss_scenario_changes(const char *answer, const char *base, char (*paths)[160], int max,
                        ss_diag *d);

/* Storage handed to the scenario (freed with it). */
void *ss_scenario_own(ss_scenario *sc, void *p);

int ss_scenario_find_component(const ss_scenario *sc, const char *name);
/* Records a file the scenario was read from (an output must not be one). */
void ss_scenario_add_source(ss_scenario *sc, const char *path);



#endif
