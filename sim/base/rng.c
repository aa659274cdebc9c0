/*
 * sim/base/rng.c -- xoshiro256++ as a gsl_rng_type, and stream seed derivation.
 * See scalesim/rng.h for why scalesim does not seed GSL's own generators.
 */
#include "scalesim/rng.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct xoshiro_state {
    uint64_t s[4];
} xoshiro_state;

static inline uint64_t xoshiro_next(xoshiro_state *st)
{
    return ss_xoshiro_next(st->s);
}

static void xoshiro_set(void *vstate, unsigned long int seed)
{
    xoshiro_state *st = vstate;
    /* splitmix64 expansion, as the xoshiro authors recommend: it never
     * yields the all-zero state, and distinct seeds give distinct states. */
    uint64_t x = (uint64_t)seed;
    for (int i = 0; i < 4; i++) {
        x += 0x9e3779b97f4a7c15ULL;
        st->s[i] = ss_mix64(x);
    }
}

/* gsl_rng_get callers (gsl_rng_uniform_int and some gsl_ran_*) assume the
 * range max - min fits their arithmetic; 32 bits is what mt19937 offers and
 * what GSL is tested with, so `get` returns the high 32 bits. */
static unsigned long int xoshiro_get(void *vstate)
{
    return (unsigned long int)(xoshiro_next(vstate) >> 32);
}

static double xoshiro_get_double(void *vstate)
{
    /* 53 random bits: uniform on [0, 1) with the full double resolution. */
    return (double)(xoshiro_next(vstate) >> 11) * 0x1.0p-53;
}

static const gsl_rng_type xoshiro_type = {
    "xoshiro256++", 0xffffffffUL, 0, sizeof(xoshiro_state),
    xoshiro_set,    xoshiro_get,  xoshiro_get_double,
};
const gsl_rng_type *ss_rng_xoshiro256pp = &xoshiro_type;

uint64_t ss_rng_derive(uint64_t base, uint64_t replication, const char *name,
                       uint64_t sub)
{
    /* FNV-1a of the name, then each input folded in through the mixer so
     * that neighbouring inputs (seed 1 vs 2, replication 0 vs 1) land far
     * apart. */
    uint64_t h = 0xcbf29ce484222325ULL;
    for (const unsigned char *p = (const unsigned char *)name; p && *p; p++)
        h = (h ^ *p) * 0x100000001b3ULL;
    uint64_t z = ss_mix64(base + 0x9e3779b97f4a7c15ULL);
    z = ss_mix64(z ^ (replication * 0xd1342543de82ef95ULL + 1));
    z = ss_mix64(z ^ h);
    z = ss_mix64(z ^ (sub + 0x632be59bd9b4e019ULL));
    return z;
}

gsl_rng *ss_rng_new(uint64_t seed)
{
    gsl_rng *r = gsl_rng_alloc(ss_rng_xoshiro256pp);
    if (!r) {
        fputs("scalesim: out of memory\n", stderr);
        abort();
    }
    gsl_rng_set(r, (unsigned long int)seed);
    return r;
}

void ss_rng_free(gsl_rng *r)
{
    if (r)
        gsl_rng_free(r);
}
