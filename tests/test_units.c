/* tests/test_units.c -- numbers with units, strictly. */
#include "ss_test.h"

#include "units.h"

static void units_accept_what_scenarios_write(void **state)
{
    double v;
    assert_true(ss_units_duration("250ms", &v));
    assert_near(v, 0.25, 1e-15);
    assert_true(ss_units_duration("1.5s", &v));
    assert_near(v, 1.5, 0);
    assert_true(ss_units_duration("10m", &v));
    assert_near(v, 600, 0);
    assert_true(ss_units_duration("2h", &v));
    assert_near(v, 7200, 0);
    assert_true(ss_units_duration("500us", &v));
    assert_near(v, 5e-4, 1e-18);
    assert_true(ss_units_duration("20 ns", &v));
    assert_near(v, 2e-8, 1e-20);
    assert_true(ss_units_duration("1m30s", &v));
    assert_near(v, 90, 0);
    assert_true(ss_units_duration("2h15m", &v));
    assert_near(v, 8100, 0);
    assert_true(ss_units_rate("3000/s", &v));
    assert_near(v, 3000, 0);
    assert_true(ss_units_rate("60/m", &v));
    assert_near(v, 1, 1e-15);
    assert_true(ss_units_rate("3600/h", &v));
    assert_near(v, 1, 1e-15);
    assert_true(ss_units_size("200KB", &v));
    assert_near(v, 2e5, 0);
    assert_true(ss_units_size("1.5GB", &v));
    assert_near(v, 1.5e9, 0);
    assert_true(ss_units_count("1e6", &v));
    assert_near(v, 1e6, 0);
    assert_true(ss_units_count("1k", &v));
    assert_near(v, 1000, 0);
    assert_true(ss_units_count("2M", &v));
    assert_near(v, 2e6, 0);
    assert_true(ss_units_count("50000", &v));
    assert_near(v, 5e4, 0);
    assert_true(ss_units_number("-0.5", &v));
    assert_near(v, -0.5, 0);
}

static void units_reject_everything_else(void **state)
{
    static const char *const bad_durations[] = {"sixty", "5", "5 parsecs", "ms", "", "0x10s",
                                                "infs", "nans", "1e", "5ms5", "5.s.", "1,5s",
                                                "1m-30s", "1m 30s", "1m30"};
    double v = 123;
    for (size_t i = 0; i < sizeof bad_durations / sizeof bad_durations[0]; i++) {
        if (ss_units_duration(bad_durations[i], &v)) {
            print_error("accepted duration \"%s\"\n", bad_durations[i]);
            fail();
        }
    }
    assert_near(v, 123, 0); /* left alone */
    assert_false(ss_units_rate("3000", &v));
    assert_false(ss_units_rate("3000/d", &v));
    assert_false(ss_units_size("200kb", &v));
    assert_false(ss_units_size("200", &v));
    assert_false(ss_units_count("1.5x", &v));
    assert_false(ss_units_count("nan", &v));
    assert_false(ss_units_count("inf", &v));
    assert_false(ss_units_number("1e400", &v)); /* overflows to infinity */
    assert_false(ss_units_number("12abc", &v));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(units_accept_what_scenarios_write),
        cmocka_unit_test(units_reject_everything_else),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
