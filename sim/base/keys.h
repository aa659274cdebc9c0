/*
 * sim/base/keys.h -- drawing the key of a request in constant time.
 *
 * uniform: every key equally likely. zipf(s): key k (0-based) with
 * probability proportional to 1 / (k + 1)^s, drawn by rejection-inversion
 * (Hormann and Derflinger, "Rejection-inversion to generate variates from
 * monotone discrete distributions", ACM TOMACS 1996): O(1) expected time and
 * O(1) memory for any number of keys. Rejected: GSL's alias table
 * (gsl_ran_discrete), O(1) too but 16 bytes per key, 160 MB for 10M keys.
 */
#ifndef SS_KEYS_H
#define SS_KEYS_H

#include <gsl/gsl_rng.h>
#include <stdint.h>


/* The key space of a workload or a request class (workload.keys). */
typedef enum ss_popularity { SS_POP_UNIFORM, SS_POP_ZIPF } ss_popularity;

typedef struct ss_keys {
    uint64_t count;            /* keys 0 .. count-1; 0 is the most popular */
    ss_popularity popularity;
    double zipf_s;             /* exponent of zipf(s)                       */
} ss_keys;

typedef struct ss_keygen {
    ss_popularity popularity;
    uint64_t n;
    double s;
    double h_x1, h_n, s_cut; /* rejection-inversion constants */
} ss_keygen;

void ss_keygen_init(ss_keygen *g, const ss_keys *k);
uint64_t ss_keygen_draw(const ss_keygen *g, const gsl_rng *r);
/* The exact probability of key k (for tests and theory). */
double ss_keygen_pmf(const ss_keygen *g, uint64_t k);

#endif
