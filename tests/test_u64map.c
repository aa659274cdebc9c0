/* tests/test_u64map.c -- the hash table against a naive twin. */
#include "ss_test.h"

#include <gsl/gsl_rng.h>

#include "scalesim/rng.h"
#include "scalesim/u64map.h"

/* Keys from a small range so that puts, hits and deletes collide often;
 * the twin is a plain array indexed by key. */
static void u64map_matches_naive_twin(void **state)
{
    enum { RANGE = 5000, STEPS = 400000 };
    static uint32_t twin[RANGE];
    static bool present[RANGE];
    ss_u64map m;
    ss_u64map_init(&m, 4);
    gsl_rng *r = ss_rng_new(77);
    size_t count = 0;
    for (int step = 0; step < STEPS; step++) {
        /* multiply to spread keys over the whole 64-bit space */
        uint64_t k = gsl_rng_uniform_int(r, RANGE);
        uint64_t key = k * 0x9e3779b97f4a7c15ULL;
        double u = gsl_rng_uniform(r);
        if (u < 0.5) {
            bool created;
            uint32_t *v = ss_u64map_put(&m, key, &created);
            assert_int_equal(created, !present[k]);
            if (created) {
                assert_int_equal(*v, 0);
                count++;
            }
            *v += 1;
            twin[k]++;
            present[k] = true;
        } else if (u < 0.8) {
            assert_int_equal(ss_u64map_del(&m, key), present[k]);
            if (present[k])
                count--;
            present[k] = false;
            twin[k] = 0;
        } else {
            uint32_t *v = ss_u64map_get(&m, key);
            assert_int_equal(v != NULL, present[k]);
            if (v)
                assert_int_equal(*v, twin[k]);
        }
        assert_int_equal(ss_u64map_size(&m), count);
    }
    for (uint64_t k = 0; k < RANGE; k++) {
        uint32_t *v = ss_u64map_get(&m, k * 0x9e3779b97f4a7c15ULL);
        assert_int_equal(v != NULL, present[k]);
        if (v)
            assert_int_equal(*v, twin[k]);
    }
    ss_u64map_release(&m);
    ss_rng_free(r);
}

static void u64map_handles_sequential_keys_and_zero(void **state)
{
    ss_u64map m;
    ss_u64map_init(&m, 0);
    bool created;
    for (uint64_t k = 0; k < 100000; k++)
        *ss_u64map_put(&m, k, &created) = (uint32_t)k;
    assert_int_equal(ss_u64map_size(&m), 100000);
    for (uint64_t k = 0; k < 100000; k += 2)
        assert_true(ss_u64map_del(&m, k));
    for (uint64_t k = 0; k < 100000; k++) {
        uint32_t *v = ss_u64map_get(&m, k);
        if (k % 2)
            assert_int_equal(*v, k);
        else
            assert_null(v);
    }
    ss_u64map_release(&m);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(u64map_matches_naive_twin),
        cmocka_unit_test(u64map_handles_sequential_keys_and_zero),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
