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
#include <stdint.h>

extern const gsl_rng_type *ss_rng_xoshiro256pp;

/* The seed of stream (name, sub) in replication `replication` of a run whose
 * base seed is `base`. Pure function: the same inputs give the same seed on
 * every machine and in every worker of a distributed sweep. */
uint64_t ss_rng_derive(uint64_t base, uint64_t replication, const char *name,
                       uint64_t sub);

gsl_rng *ss_rng_new(uint64_t seed);
void ss_rng_free(gsl_rng *r);

/* splitmix64 finaliser: a bijection of 64-bit integers with good avalanche.
 * Also used to spread keys over cache instances and shards. */
static inline uint64_t ss_mix64(uint64_t z)
{
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

#endif
