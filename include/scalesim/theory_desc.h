/*
 * scalesim/theory_desc.h -- how a kind describes itself to queueing theory
 * (ss_model_ops.theory): a station the core can put numbers to, or a note
 * saying why it cannot. The core never looks past this: what the kind is
 * (a cache that answers some reads, a broker whose consumers work off the
 * request's path) it says here.
 */
#ifndef SCALESIM_THEORY_DESC_H
#define SCALESIM_THEORY_DESC_H

#include <stdbool.h>
#include <stdint.h>

#include "scalesim/dist.h"

typedef struct ss_theory_desc {
    int instances;              /* copies the load splits over evenly      */
    int servers;                /* per instance (cores); 0: infinitely many,
                                   M/G/inf                                 */
    const ss_dist *service[SS_OPS]; /* per op, borrowed from the config    */
    int64_t queue;              /* waiting places per instance; -1: none   */
    double delay_s;             /* on the request's path besides the
                                   station (a broker's publish)            */
    bool off_path;              /* the station's sojourn is not in the
                                   request's latency (a broker's pool)     */
    bool filters;               /* answers some reads itself (a cache): its
                                   simulated hit ratio decides what goes on */
    bool class_services;        /* a class's own `service` applies here    */
    const char *note;           /* static text: why theory does not apply;
                                   NULL when it does                       */
    const char *next_note;      /* static text the next station on a route
                                   gets: what makes theory there only a
                                   bound (a balancer smarter than random) */
} ss_theory_desc;

#endif
