/* tests/test_keys.c -- key popularity: Zipf by rejection-inversion vs the exact pmf. */
#include "ss_test.h"

#include <gsl/gsl_cdf.h>

#include "keys.h"
#include "scalesim/rng.h"

/* Chi-square goodness of fit of n draws against the exact pmf. The
 * threshold is the 0.999 quantile, so a correct sampler fails 1 time in
 * 1000 seeds; the seed is fixed, so the test is reproducible. */
static void check_fit(ss_popularity pop, uint64_t keys, double s, unsigned long seed)
{
    ss_keys k = {keys, pop, s};
    ss_keygen g;
    ss_keygen_init(&g, &k);
    gsl_rng *r = ss_rng_new(seed);
    int n = 500000;
    double *count = calloc(keys, sizeof *count);
    for (int i = 0; i < n; i++) {
        uint64_t x = ss_keygen_draw(&g, r);
        assert_true(x < keys);
        count[x]++;
    }
    double chi2 = 0;
    for (uint64_t i = 0; i < keys; i++) {
        double e = n * ss_keygen_pmf(&g, i);
        chi2 += (count[i] - e) * (count[i] - e) / e;
    }
    double limit = gsl_cdf_chisq_Pinv(0.999, (double)(keys - 1));
    if (chi2 > limit) {
        print_error("keys %llu s %g: chi2 %g > %g\n", (unsigned long long)keys, s, chi2, limit);
        fail();
    }
    free(count);
    ss_rng_free(r);
}

static void keys_zipf_matches_exact_pmf(void **state)
{
    check_fit(SS_POP_ZIPF, 50, 0.99, 1);
    check_fit(SS_POP_ZIPF, 50, 1.0, 2);   /* the s = 1 special case */
    check_fit(SS_POP_ZIPF, 200, 0.6, 3);
    check_fit(SS_POP_ZIPF, 20, 2.5, 4);
    check_fit(SS_POP_UNIFORM, 100, 0, 5);
}

static void keys_zipf_on_ten_million_keys_is_in_range_and_skewed(void **state)
{
    ss_keys k = {10000000, SS_POP_ZIPF, 0.99};
    ss_keygen g;
    ss_keygen_init(&g, &k);
    gsl_rng *r = ss_rng_new(6);
    int top = 0, n = 1000000;
    for (int i = 0; i < n; i++) {
        uint64_t x = ss_keygen_draw(&g, r);
        assert_true(x < k.count);
        top += x == 0;
    }
    /* P(key 0) = 1 / H(10^7, 0.99) = 0.055352 (summed independently) */
    double p0 = ss_keygen_pmf(&g, 0);
    assert_near(p0, 0.055352, 1e-5);
    assert_near(top / (double)n, p0, 5 * sqrt(p0 * (1 - p0) / n));
    ss_rng_free(r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(keys_zipf_matches_exact_pmf),
        cmocka_unit_test(keys_zipf_on_ten_million_keys_is_in_range_and_skewed),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
