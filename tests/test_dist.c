/* tests/test_dist.c -- distributions: parsing every spelling, moments by sampling. */
#include "ss_test.h"

#include "dist_parse.h"
#include "scalesim/rng.h"

static ss_dist parse_ok(const char *text)
{
    ss_dist d;
    ss_dist_err err;
    char file[64];
    if (!ss_dist_parse(text, &d, file, sizeof file, &err)) {
        print_error("parse \"%s\": %s\n", text, err.msg);
        fail();
    }
    return d;
}

static void dist_parses_every_spelling(void **state)
{
    ss_dist d = parse_ok("5ms");
    assert_int_equal(d.kind, SS_DIST_CONST);
    assert_near(d.p[0], 0.005, 1e-15);
    d = parse_ok("const(2s)");
    assert_near(ss_dist_mean(&d), 2, 0);
    d = parse_ok("exp(8ms)");
    assert_int_equal(d.kind, SS_DIST_EXP);
    assert_near(ss_dist_mean(&d), 0.008, 1e-15);
    d = parse_ok("uniform(1ms, 5ms)");
    assert_near(ss_dist_mean(&d), 0.003, 1e-15);
    d = parse_ok("normal(mean=10ms, sd=2ms)");
    assert_int_equal(d.kind, SS_DIST_NORMAL);
    d = parse_ok(" lognormal( mean = 8ms , cv=1.5 ) ");
    assert_int_equal(d.kind, SS_DIST_LOGNORMAL);
    assert_near(d.p[1], 1.5, 0);
    d = parse_ok("lognormal(cv=1.5, mean=8ms)"); /* named in any order */
    assert_near(d.p[0], 0.008, 1e-15);
    d = parse_ok("gamma(mean=8ms, cv=0.5)");
    assert_int_equal(d.kind, SS_DIST_GAMMA);
    d = parse_ok("erlang(k=4, mean=8ms)");
    assert_near(ss_dist_mean(&d), 0.008, 1e-15);
    d = parse_ok("pareto(min=1ms, alpha=2.5)");
    assert_near(ss_dist_mean(&d), 2.5 * 0.001 / 1.5, 1e-15);
    d = parse_ok("hyperexp(p=0.9, 5ms, 50ms)");
    assert_near(ss_dist_mean(&d), 0.9 * 0.005 + 0.1 * 0.05, 1e-15);
    d = parse_ok("exp(1.5s)");
    assert_near(d.p[0], 1.5, 0);
    d = parse_ok("exp(10m)");
    assert_near(d.p[0], 600, 0);
}

static void dist_reports_what_is_wrong_and_where(void **state)
{
    static const struct {
        const char *text;
        size_t off;
        const char *msg;
    } cases[] = {
        {"sixty", 0, "expected a distribution like exp(8ms) or lognormal(mean=8ms, cv=1.5), got \"sixty\""},
        {"expo(8ms)", 0, "expected a distribution kind (const, exp, uniform, normal, lognormal, gamma, erlang, pareto, hyperexp, empirical), got \"expo\""},
        {"lognormal(mean=8ms)", 0, "lognormal needs cv, as in lognormal(mean=8ms, cv=1.5)"},
        {"lognormal(mean=8, cv=1)", 15, "lognormal mean: expected a duration like 30s or 250ms, got \"8\" (add a unit: 8ms? 8s?)"},
        {"erlang(k=10000000, mean=1ms)", 9, "erlang k: expected a whole number up to 1000000, got \"10000000\""},
        {"erlang(k=2.5, mean=1ms)", 9, "erlang k: expected a whole number >= 1, got \"2.5\""},
        {"exp(1e-30s)", 4, "exp mean: expected 0 or a duration of at least 1ns, got \"1e-30s\""},
        {"1e-30s", 0, "expected 0 or a duration of at least 1ns, got \"1e-30s\""},
        {"exp(8ms, 9ms)", 9, "exp takes 1 argument, as in exp(8ms)"},
        {"gamma(mean=8ms, sd=1ms)", 16, "gamma takes mean, cv, got \"sd\" (as in gamma(mean=8ms, cv=0.5))"},
        {"uniform(5ms, 1ms)", 13, "uniform: expected max >= min, got 1ms < 5ms"},
        {"hyperexp(p=1.5, 5ms, 50ms)", 11, "hyperexp p: expected a probability between 0 and 1, got \"1.5\""},
        {"erlang(k=2.5, mean=8ms)", 9, "erlang k: expected a whole number >= 1, got \"2.5\""},
        {"exp(8ms", 3, "expected a distribution like exp(8ms) or lognormal(mean=8ms, cv=1.5), got \"exp(8ms\" (no closing parenthesis)"},
        {"exp(0ms)", 4, "exp mean: expected a duration > 0, got \"0ms\""},
        {"-5ms", 0, "expected a distribution like exp(8ms) or lognormal(mean=8ms, cv=1.5), got \"-5ms\""},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        ss_dist d;
        ss_dist_err err;
        char file[64];
        bool ok = ss_dist_parse(cases[i].text, &d, file, sizeof file, &err);
        if (ok || strcmp(err.msg, cases[i].msg) != 0 || err.off != cases[i].off) {
            print_error("\"%s\": got %s (offset %zu)\n", cases[i].text, ok ? "success" : err.msg,
                        err.off);
            fail();
        }
    }
}

static void dist_empirical_returns_its_file(void **state)
{
    ss_dist d;
    ss_dist_err err;
    char file[64];
    assert_true(ss_dist_parse("empirical(samples.csv)", &d, file, sizeof file, &err));
    assert_int_equal(d.kind, SS_DIST_EMPIRICAL);
    assert_string_equal(file, "samples.csv");
}

/* Every kind's sample mean and variance match ss_dist_mean / ss_dist_var
 * within 5 standard errors (4 for the mean of a finite-variance kind). */
static void dist_samples_have_the_stated_moments(void **state)
{
    static const char *const texts[] = {
        "exp(8ms)", "uniform(1ms, 5ms)", "normal(mean=10ms, sd=2ms)", "normal(mean=1ms, sd=2ms)",
        "lognormal(mean=8ms, cv=1.5)", "gamma(mean=8ms, cv=0.5)", "erlang(k=4, mean=8ms)",
        "pareto(min=1ms, alpha=4.5)", "hyperexp(p=0.9, 5ms, 50ms)", "const(3ms)",
    };
    gsl_rng *r = ss_rng_new(31337);
    int n = 400000;
    for (size_t k = 0; k < sizeof texts / sizeof texts[0]; k++) {
        ss_dist d = parse_ok(texts[k]);
        double s = 0, s2 = 0;
        for (int i = 0; i < n; i++) {
            double x = ss_dist_sample(&d, r);
            assert_true(x >= 0);
            s += x;
            s2 += x * x;
        }
        double mean = s / n, var = s2 / n - mean * mean;
        double m = ss_dist_mean(&d), v = ss_dist_var(&d);
        if (fabs(mean - m) > 5 * sqrt(v / n) + 1e-9 * m) {
            print_error("%s: sample mean %g, expected %g\n", texts[k], mean, m);
            fail();
        }
        /* variance: loose check (fourth moments can be large) */
        if (v > 0 && fabs(var - v) > 0.1 * v) {
            print_error("%s: sample variance %g, expected %g\n", texts[k], var, v);
            fail();
        }
    }
    ss_rng_free(r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(dist_parses_every_spelling),
        cmocka_unit_test(dist_reports_what_is_wrong_and_where),
        cmocka_unit_test(dist_empirical_returns_its_file),
        cmocka_unit_test(dist_samples_have_the_stated_moments),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
