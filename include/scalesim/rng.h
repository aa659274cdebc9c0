/*
 * scalesim/rng.h -- seeded random streams.
 *
 * Every component, and the workload, draws from its own stream, so adding a
 * component does not shift the numbers every other component sees. A stream's
 * seed is derived from (base seed, replication index, stream name, sub-index)
 * by a 64-bit mixing function: streams of different names, replications or
 * base seeds never share a seed except by a 64-bit hash collision.
 *
 * Why not a GSL generator seeded directly: GSL's generators keep only 32 bits
 * of the seed (mt19937 masks it), so seeds s and s + 2^32 give one stream, and
 * 2^32 possible streams collide by the birthday bound after ~65k streams.
 * ss_rng_xoshiro256pp is xoshiro256++ (Blackman and Vigna, 2019) packaged as
 * a gsl_rng_type: it takes all 64 bits of the seed, expands them with
 * splitmix64 into 256 bits of state, and every gsl_ran_* function works on it.
 * It is also about twice as fast as mt19937 here.
 *
 * Ownership: ss_rng_new returns a generator the caller frees with ss_rng_free.
 */
#ifndef SCALESIM_RNG_H
#define SCALESIM_RNG_H

#include <gsl/gsl_rng.h>
#include <math.h>
#include <stdint.h>

extern const gsl_rng_type *ss_rng_xoshiro256pp;

/* The seed of stream (name, sub) in replication `replication` of a run whose
 * base seed is `base`. Pure function: the same inputs give the same seed on
 * every machine and in every worker of a distributed sweep. */
uint64_t ss_rng_derive(uint64_t base, uint64_t replication, const char *name,
                       uint64_t sub);

gsl_rng *ss_rng_new(uint64_t seed);
void ss_rng_free(gsl_rng *r);

/* xoshiro256++'s step, here so that the draws below can be inlined. */
static inline uint64_t ss_xoshiro_next(uint64_t s[4])
{
    uint64_t r0 = s[0] + s[3];
    uint64_t result = ((r0 << 23) | (r0 >> 41)) + s[0];
    uint64_t t = s[1] << 17;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = (s[3] << 45) | (s[3] >> 19);
    return result;
}

/* The draws made on every event: bit for bit what gsl_rng_uniform,
 * gsl_ran_exponential and gsl_rng_uniform_int return on the same stream
 * (test_rng compares them), but without GSL's two indirect calls per draw
 * when the stream is ss_rng_xoshiro256pp. Any other gsl_rng works too. */
static inline double ss_rng_uniform(const gsl_rng *r)
{
    if (r->type == ss_rng_xoshiro256pp)
        return (double)(ss_xoshiro_next((uint64_t *)r->state) >> 11) * 0x1.0p-53;
    return gsl_rng_uniform(r);
}

/* Exponential with mean `mean`, as gsl_ran_exponential: -mean log1p(-u). */
static inline double ss_rng_exp(const gsl_rng *r, double mean)
{
    return -mean * log1p(-ss_rng_uniform(r));
}

/* Uniform integer in [0, n), n >= 1, as gsl_rng_uniform_int: the 32-bit
 * output divided by floor(range / n), redrawn when it lands past n. */
static inline unsigned long ss_rng_uniform_int(const gsl_rng *r, unsigned long n)
{
    if (r->type != ss_rng_xoshiro256pp)
        return gsl_rng_uniform_int(r, n);
    unsigned long scale = 0xffffffffUL / n, k;
    do
        k = (unsigned long)(ss_xoshiro_next((uint64_t *)r->state) >> 32) / scale;
    while (k >= n);
    return k;
}

/* splitmix64 finaliser: a bijection of 64-bit integers with good avalanche.
 * Also used to spread keys over cache instances and shards. */
static inline uint64_t ss_mix64(uint64_t z)
{
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

#endif
