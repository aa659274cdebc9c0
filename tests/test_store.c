/*
 * tests/test_store.c -- the cache store against a naive twin, per policy.
 *
 * The twin keeps entries in an array in recency (lru) or insertion (fifo)
 * order and finds keys by linear search: too slow for a simulator, obviously
 * right. For random eviction both draw the victim from identically seeded
 * generators over the same dense slot layout, so they must agree exactly.
 */
#include "ss_test.h"

#include <gsl/gsl_rng.h>

#include "scalesim/rng.h"
#include "scalesim/store.h"

typedef struct twin {
    uint64_t key[64];
    ss_time inserted[64];
    int n, cap;
    ss_time ttl;
    ss_evict policy;
    const gsl_rng *rng;
    /* random: the store's dense slot order, mirrored */
    uint64_t slot_key[64];
} twin;

static int find(const twin *t, uint64_t key)
{
    for (int i = 0; i < t->n; i++)
        if (t->key[i] == key)
            return i;
    return -1;
}

/* order: index 0 is the most recent (the list head) */
static void move_front(twin *t, int i)
{
    uint64_t k = t->key[i];
    ss_time in = t->inserted[i];
    memmove(&t->key[1], &t->key[0], (size_t)i * sizeof t->key[0]);
    memmove(&t->inserted[1], &t->inserted[0], (size_t)i * sizeof t->inserted[0]);
    t->key[0] = k;
    t->inserted[0] = in;
}

static void remove_at(twin *t, int i)
{
    memmove(&t->key[i], &t->key[i + 1], (size_t)(t->n - i - 1) * sizeof t->key[0]);
    memmove(&t->inserted[i], &t->inserted[i + 1], (size_t)(t->n - i - 1) * sizeof t->inserted[0]);
    t->n--;
}

static int slot_of(const twin *t, uint64_t key)
{
    for (int i = 0; i < t->n; i++)
        if (t->slot_key[i] == key)
            return i;
    return -1;
}

static void slot_remove(twin *t, uint64_t key, int n_before)
{
    int s = slot_of(t, key);
    t->slot_key[s] = t->slot_key[n_before - 1];
}

static bool twin_lookup(twin *t, uint64_t key, ss_time now)
{
    int i = find(t, key);
    if (i < 0)
        return false;
    if (t->ttl && now - t->inserted[i] >= t->ttl) {
        slot_remove(t, key, t->n);
        remove_at(t, i);
        return false;
    }
    if (t->policy == SS_EVICT_LRU)
        move_front(t, i);
    return true;
}

static void twin_insert(twin *t, uint64_t key, ss_time now)
{
    int i = find(t, key);
    if (i >= 0) {
        t->inserted[i] = now;
        move_front(t, i);
        return;
    }
    if (t->n == t->cap) {
        uint64_t victim = t->policy == SS_EVICT_RANDOM
                              ? t->slot_key[gsl_rng_uniform_int(t->rng, (unsigned long)t->n)]
                              : t->key[t->n - 1];
        slot_remove(t, victim, t->n);
        remove_at(t, find(t, victim));
    }
    memmove(&t->key[1], &t->key[0], (size_t)t->n * sizeof t->key[0]);
    memmove(&t->inserted[1], &t->inserted[0], (size_t)t->n * sizeof t->inserted[0]);
    t->key[0] = key;
    t->inserted[0] = now;
    t->slot_key[t->n] = key;
    t->n++;
}

static void twin_remove(twin *t, uint64_t key)
{
    int i = find(t, key);
    if (i >= 0) {
        slot_remove(t, key, t->n);
        remove_at(t, i);
    }
}

static void run_oracle(ss_evict policy, ss_time ttl)
{
    gsl_rng *ops = ss_rng_new(1000 + policy);
    gsl_rng *ra = ss_rng_new(55), *rb = ss_rng_new(55);
    ss_store s;
    ss_store_init(&s, 32, ttl, policy, ra);
    twin t = {.cap = 32, .ttl = ttl, .policy = policy, .rng = rb};
    ss_time now = 0;
    uint64_t hits = 0;
    for (int step = 0; step < 300000; step++) {
        now += (ss_time)gsl_rng_uniform_int(ops, 10);
        uint64_t key = gsl_rng_uniform_int(ops, 60);
        double u = gsl_rng_uniform(ops);
        if (u < 0.6) {
            bool a = ss_store_lookup(&s, key, now), b = twin_lookup(&t, key, now);
            assert_int_equal(a, b);
            hits += a;
        } else if (u < 0.95) {
            ss_store_insert(&s, key, now);
            twin_insert(&t, key, now);
        } else {
            ss_store_remove(&s, key);
            twin_remove(&t, key);
        }
        assert_int_equal(ss_store_size(&s), t.n);
        if (step % 1009 == 0) {
            assert_true(ss_store_valid(&s));
            /* same contents, and for lru/fifo the same order */
            uint32_t i = s.head;
            for (int k = 0; k < t.n; k++, i = s.e[i].next) {
                if (policy != SS_EVICT_RANDOM)
                    assert_int_equal(s.e[i].key, t.key[k]);
                assert_true(find(&t, s.e[i].key) >= 0);
            }
            for (int k = 0; policy == SS_EVICT_RANDOM && k < t.n; k++)
                assert_int_equal(s.e[k].key, t.slot_key[k]);
        }
    }
    assert_true(hits > 10000);
    ss_store_release(&s);
    ss_rng_free(ops);
    ss_rng_free(ra);
    ss_rng_free(rb);
}

static void store_lru_matches_naive_twin(void **state) { run_oracle(SS_EVICT_LRU, 0); }
static void store_fifo_matches_naive_twin(void **state) { run_oracle(SS_EVICT_FIFO, 0); }
static void store_random_matches_naive_twin(void **state) { run_oracle(SS_EVICT_RANDOM, 0); }
static void store_lru_with_ttl_matches_naive_twin(void **state) { run_oracle(SS_EVICT_LRU, 200); }
static void store_fifo_with_ttl_matches_naive_twin(void **state) { run_oracle(SS_EVICT_FIFO, 150); }

static void store_ttl_counts_from_insertion_not_from_hits(void **state)
{
    gsl_rng *r = ss_rng_new(1);
    ss_store s;
    ss_store_init(&s, 10, 100, SS_EVICT_LRU, r);
    ss_store_insert(&s, 7, 0);
    assert_true(ss_store_lookup(&s, 7, 50));
    assert_true(ss_store_lookup(&s, 7, 99)); /* the hit at 50 did not extend it */
    assert_false(ss_store_lookup(&s, 7, 100));
    assert_int_equal(ss_store_size(&s), 0); /* expired entries go on lookup */
    assert_int_equal(s.expirations, 1);
    ss_store_release(&s);
    ss_rng_free(r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(store_lru_matches_naive_twin),
        cmocka_unit_test(store_fifo_matches_naive_twin),
        cmocka_unit_test(store_random_matches_naive_twin),
        cmocka_unit_test(store_lru_with_ttl_matches_naive_twin),
        cmocka_unit_test(store_fifo_with_ttl_matches_naive_twin),
        cmocka_unit_test(store_ttl_counts_from_insertion_not_from_hits),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
