/* tests/test_evq.c -- the event queue: order by (time, seq), against an oracle. */
#include "ss_test.h"

#include "evq.h"

#include <gsl/gsl_rng.h>

#include "scalesim/rng.h"

static void evq_pops_equal_times_in_fifo_order(void **state)
{
    ss_evq_kind kind = *(ss_evq_kind *)*state;
    ss_evq *q = ss_evq_new(kind, 4);
    for (uint32_t i = 0; i < 1000; i++)
        ss_evq_push(q, 42, 0, i, NULL);
    ss_event ev;
    for (uint32_t i = 0; i < 1000; i++) {
        assert_true(ss_evq_pop(q, &ev));
        assert_int_equal(ev.code, i);
        assert_int_equal(ev.t, 42);
    }
    assert_false(ss_evq_pop(q, &ev));
    ss_evq_free(q);
}

static int cmp_event(const void *a, const void *b)
{
    const ss_event *x = a, *y = b;
    if (x->t != y->t)
        return x->t < y->t ? -1 : 1;
    return x->seq < y->seq ? -1 : x->seq > y->seq;
}

/* Oracle: interleaved pushes and pops against a plain array searched for
 * its minimum (time, seq) by linear scan. Times come from a small range so
 * ties are common; the queue holds about 2000 events throughout. */
static void evq_matches_linear_scan_oracle_under_random_use(void **state)
{
    ss_evq_kind kind = *(ss_evq_kind *)*state;
    gsl_rng *r = ss_rng_new(12345);
    ss_evq *q = ss_evq_new(kind, 1);
    enum { CAP = 100000 };
    ss_event *oracle = malloc(CAP * sizeof *oracle);
    size_t n = 0, pops = 0;
    uint64_t seq = 0;
    ss_time now = 0;
    for (int step = 0; step < 200000; step++) {
        bool push = n == 0 || (step < 2000 ? true : gsl_rng_uniform(r) < 0.5);
        if (push && n < CAP) {
            ss_time t = now + (ss_time)gsl_rng_uniform_int(r, 50);
            ss_evq_push(q, t, 1, (uint32_t)step, NULL);
            oracle[n++] = (ss_event){t, seq++, NULL, 1, (uint32_t)step};
        } else {
            size_t best = 0;
            for (size_t i = 1; i < n; i++)
                if (cmp_event(&oracle[i], &oracle[best]) < 0)
                    best = i;
            ss_event ev;
            assert_true(ss_evq_pop(q, &ev));
            assert_int_equal(ev.t, oracle[best].t);
            assert_int_equal(ev.code, oracle[best].code);
            assert_true(ev.t >= now); /* time never goes back */
            now = ev.t;
            oracle[best] = oracle[--n];
            pops++;
        }
        if (step % 10007 == 0)
            assert_true(ss_evq_valid(q));
    }
    assert_int_equal(ss_evq_size(q), n);
    assert_true(pops > 90000);
    free(oracle);
    ss_evq_free(q);
    ss_rng_free(r);
}

static void evq_delivers_exactly_what_was_pushed(void **state)
{
    ss_evq_kind kind = *(ss_evq_kind *)*state;
    gsl_rng *r = ss_rng_new(7);
    ss_evq *q = ss_evq_new(kind, 16);
    enum { N = 100000 };
    unsigned char *seen = calloc(N, 1);
    for (uint32_t i = 0; i < N; i++)
        ss_evq_push(q, (ss_time)gsl_rng_uniform_int(r, 1000000), 0, i, NULL);
    ss_event ev, prev = {0};
    size_t count = 0;
    while (ss_evq_pop(q, &ev)) {
        if (count)
            assert_true(cmp_event(&prev, &ev) < 0);
        assert_false(seen[ev.code]);
        seen[ev.code] = 1;
        prev = ev;
        count++;
    }
    assert_int_equal(count, N);
    free(seen);
    ss_evq_free(q);
    ss_rng_free(r);
}

/* Times spread over twelve decades, as a simulation's are: service times of
 * microseconds next to think times of minutes; the calendar must resize
 * and re-estimate its width through it. */
static void evq_handles_mixed_time_scales(void **state)
{
    ss_evq_kind kind = *(ss_evq_kind *)*state;
    gsl_rng *r = ss_rng_new(3);
    ss_evq *q = ss_evq_new(kind, 16);
    ss_time now = 0;
    for (uint32_t i = 0; i < 200000; i++) {
        double scale = pow(10, (double)gsl_rng_uniform_int(r, 12));
        ss_evq_push(q, (ss_time)(gsl_rng_uniform(r) * scale), 0, i, NULL);
    }
    ss_event ev;
    size_t n = 0;
    while (ss_evq_pop(q, &ev)) {
        assert_true(ev.t >= now);
        now = ev.t;
        /* keep a steady population: each pop schedules one more */
        if (n++ < 300000)
            ss_evq_push(q, now + (ss_time)(gsl_rng_uniform(r) * pow(10, (double)(n % 9))), 0, 0,
                        NULL);
        if (n % 50021 == 0)
            assert_true(ss_evq_valid(q));
    }
    assert_int_equal(n, 500000);
    assert_int_equal(ss_evq_size(q), 0);
    ss_evq_free(q);
    ss_rng_free(r);
}

static ss_evq_kind heap_kind = SS_EVQ_HEAP, cal_kind = SS_EVQ_CALENDAR;

int main(void)
{
#define BOTH(t) cmocka_unit_test_prestate(t, &heap_kind), cmocka_unit_test_prestate(t, &cal_kind)
    const struct CMUnitTest tests[] = {
        BOTH(evq_pops_equal_times_in_fifo_order),
        BOTH(evq_matches_linear_scan_oracle_under_random_use),
        BOTH(evq_delivers_exactly_what_was_pushed),
        BOTH(evq_handles_mixed_time_scales),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
