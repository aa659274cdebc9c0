/* tests/test_hist.c -- percentiles within a bucket of the exact order
 * statistic, interpolated inside it. */
#include "ss_test.h"

#include <gsl/gsl_randist.h>
#include <gsl/gsl_sort.h>

#include "scalesim/hist.h"
#include "scalesim/rng.h"

/* The exact nearest-rank quantile of sorted xs. */
static double exact_quantile(const double *xs, size_t n, double q)
{
    size_t rank = (size_t)ceil(q * (double)n);
    if (rank < 1)
        rank = 1;
    return xs[rank - 1];
}

static void check_against_exact(double *xs, size_t n)
{
    ss_hist *h = ss_hist_new();
    for (size_t i = 0; i < n; i++)
        ss_hist_add(h, (int64_t)xs[i]);
    for (size_t i = 0; i < n; i++)
        xs[i] = (double)(int64_t)xs[i];
    gsl_sort(xs, 1, n);
    static const double qs[] = {0.01, 0.25, 0.5, 0.9, 0.95, 0.99, 0.999, 1.0};
    for (size_t k = 0; k < sizeof qs / sizeof qs[0]; k++) {
        double got, want = exact_quantile(xs, n, qs[k]);
        assert_true(ss_hist_quantile(h, qs[k], &got));
        /* scalesim/hist.h promises a bucket (1/128); interpolation keeps
         * smooth data within half of one */
        assert_near(got, want, want / 256 + 0.5);
    }
    ss_hist_free(h);
}

static void hist_quantiles_within_bound_on_heavy_tails(void **state)
{
    gsl_rng *r = ss_rng_new(99);
    size_t n = 400000;
    double *xs = malloc(n * sizeof *xs);
    /* lognormal around 10 ms with cv 3: five decades of values */
    for (size_t i = 0; i < n; i++)
        xs[i] = gsl_ran_lognormal(r, log(1e7), 1.5);
    check_against_exact(xs, n);
    /* heavy-traffic M/M/1-like sojourns: exponential with mean 10 s */
    for (size_t i = 0; i < n; i++)
        xs[i] = gsl_ran_exponential(r, 1e10);
    check_against_exact(xs, n);
    /* pareto with alpha 1.1: the tail the P-squared estimator gets wrong */
    for (size_t i = 0; i < n; i++)
        xs[i] = gsl_ran_pareto(r, 1.1, 1e6);
    check_against_exact(xs, n);
    free(xs);
    ss_rng_free(r);
}

static void hist_small_values_are_exact(void **state)
{
    ss_hist *h = ss_hist_new();
    for (int v = 0; v < 100; v++)
        ss_hist_add(h, v);
    double got;
    assert_true(ss_hist_quantile(h, 0.5, &got));
    assert_near(got, 49, 0);
    assert_true(ss_hist_quantile(h, 1.0, &got));
    assert_near(got, 99, 0);
    ss_hist_free(h);
}

static void hist_merge_equals_recording_everything_in_one(void **state)
{
    gsl_rng *r = ss_rng_new(5);
    ss_hist *a = ss_hist_new(), *b = ss_hist_new(), *all = ss_hist_new();
    for (int i = 0; i < 50000; i++) {
        int64_t v = (int64_t)gsl_ran_exponential(r, i % 2 ? 1e6 : 1e9);
        ss_hist_add(i % 3 ? a : b, v);
        ss_hist_add(all, v);
    }
    ss_hist_merge(a, b);
    assert_int_equal(a->n, all->n);
    assert_int_equal(a->min_ns, all->min_ns);
    assert_int_equal(a->max_ns, all->max_ns);
    for (int row = 0; row < SS_HIST_ROWS; row++) {
        assert_int_equal(a->rows[row] == NULL, all->rows[row] == NULL);
        for (int s = 0; a->rows[row] && s < SS_HIST_SUB; s++)
            assert_int_equal(a->rows[row][s], all->rows[row][s]);
    }
    ss_hist_free(a);
    ss_hist_free(b);
    ss_hist_free(all);
    ss_rng_free(r);
}

/* Two runs whose P95 falls in one bucket must still report different P95s
 * when their samples differ: with the bucket's midpoint both read the same,
 * and replications' 95% interval on a percentile collapsed to +-0. */
static void hist_quantile_moves_inside_a_bucket(void **state)
{
    (void)state;
    /* [2^19, 2^20) ns is cut into 128 buckets of 4096 ns; 540672 starts one */
    const int64_t lo = 540672, width = 4096;
    ss_hist *low = ss_hist_new(), *high = ss_hist_new();
    for (int i = 0; i < 1000; i++) {
        ss_hist_add(low, lo + (i % 100) * (width / 2) / 100);          /* lower half */
        ss_hist_add(high, lo + width / 2 + (i % 100) * (width / 2) / 100); /* upper half */
    }
    double p_low, p_high;
    assert_true(ss_hist_quantile(low, 0.95, &p_low));
    assert_true(ss_hist_quantile(high, 0.95, &p_high));
    assert_true(p_low >= (double)lo && p_high < (double)(lo + width));
    assert_true(p_high > p_low + width / 4);
    /* the samples are spread evenly over the bucket: P50 near its middle */
    ss_hist *all = ss_hist_new();
    ss_hist_merge(all, low);
    ss_hist_merge(all, high);
    double p50;
    assert_true(ss_hist_quantile(all, 0.5, &p50));
    assert_near(p50, (double)(lo + width / 2), 8);
    ss_hist_free(low);
    ss_hist_free(high);
    ss_hist_free(all);
}

static void hist_empty_has_no_quantile_and_memory_stays_bounded(void **state)
{
    ss_hist *h = ss_hist_new();
    double v;
    assert_false(ss_hist_quantile(h, 0.95, &v));
    assert_false(ss_hist_mean(h, &v));
    /* a billion-fold range of values allocates at most one row per power
     * of two, however many samples arrive */
    for (int rep = 0; rep < 3; rep++)
        for (int64_t x = 1; x < (int64_t)1e12; x = x * 3 / 2 + 1)
            ss_hist_add(h, x);
    int rows = 0;
    for (int r = 0; r < SS_HIST_ROWS; r++)
        rows += h->rows[r] != NULL;
    assert_true(rows <= 41);
    ss_hist_free(h);
    ss_hist_free(NULL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(hist_quantiles_within_bound_on_heavy_tails),
        cmocka_unit_test(hist_small_values_are_exact),
        cmocka_unit_test(hist_merge_equals_recording_everything_in_one),
        cmocka_unit_test(hist_quantile_moves_inside_a_bucket),
        cmocka_unit_test(hist_empty_has_no_quantile_and_memory_stays_bounded),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
