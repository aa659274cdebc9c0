/*
 * tests/validation/test_theory.c -- the simulator against queueing theory.
 *
 * Each test runs R independent replications (fixed seeds, so it is
 * reproducible), forms the 99.9% Student-t confidence interval of the
 * simulated figure over the replications, and requires the theoretical
 * value inside it. (With about twenty figures checked, a 99% level would
 * make a correct simulator fail somewhere for one seed in five; the seeds
 * are fixed, but a change that shifts the random streams would re-roll.) A test that could pass with a useless interval does not
 * count, so each also bounds the interval's half-width (its precision).
 */
#include "ss_run_helpers.h"

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_statistics_double.h>

#include "diag.h"
#include "result.h"
#include "scalesim/scalesim.h"
#include "scenario.h"
#include "theory.h"

#define REPS 10

static ss_scenario *load(const char *rel, const char *const *sets)
{
    return load_file(rel, sets);
}

typedef struct reps {
    ss_result *r[REPS];
} reps;

static void run_reps(const ss_scenario *sc, reps *out) { run_replications(sc, REPS, out->r); }
static void free_reps(reps *rs) { free_results(rs->r, REPS); }

typedef double (*figure)(const ss_result *r);

/* Theory must lie in the 99.9% confidence interval of the replications'
 * figure, and the interval must be narrower than max_rel of theory. */
static void expect_theory(const reps *rs, figure f, double theory, double max_rel,
                          const char *what)
{
    double x[REPS];
    for (int i = 0; i < REPS; i++)
        x[i] = f(rs->r[i]);
    double mean = gsl_stats_mean(x, 1, REPS);
    double half = gsl_cdf_tdist_Pinv(0.9995, REPS - 1) * gsl_stats_sd(x, 1, REPS) / sqrt(REPS);
    printf("  %-34s theory %10.5g  simulated %10.5g +- %.3g (99.9%%)\n", what, theory, mean, half);
    if (fabs(mean - theory) > half) {
        print_error("%s: theory %g outside %g +- %g\n", what, theory, mean, half);
        fail();
    }
    if (half > max_rel * fabs(theory)) {
        print_error("%s: interval +-%g wider than %g%% of %g\n", what, half, max_rel * 100,
                    theory);
        fail();
    }
}

static double mean_s(const ss_result *r) { return r->fig[SS_FIG_MEAN_MS] / 1e3; }
static double p95_s(const ss_result *r) { return r->fig[SS_FIG_P95_MS] / 1e3; }
static double p50_s(const ss_result *r) { return r->fig[SS_FIG_P50_MS] / 1e3; }
static double p99_s(const ss_result *r) { return r->fig[SS_FIG_P99_MS] / 1e3; }
static double thru(const ss_result *r) { return r->fig[SS_FIG_THROUGHPUT_RPS]; }
static double wait_prob(const ss_result *r) { return CSTAT(&r->comps[0], WAIT_PROB); }
static double util0(const ss_result *r) { return CSTAT(&r->comps[0], UTIL); }
static double blocking(const ss_result *r)
{
    const ss_stats *a = &r->comps[0].rep.all;
    return (double)a->rejected / (double)(a->arrivals + a->rejected);
}
static double class_mean_s(const ss_result *r, int k)
{
    double v;
    return ss_hist_mean(&r->classes[k].lat, &v) ? v * 1e-9 : NAN;
}
static double class0_mean_s(const ss_result *r) { return class_mean_s(r, 0); }
static double class1_mean_s(const ss_result *r) { return class_mean_s(r, 1); }

/* ---- M/M/1 ----------------------------------------------------------------
 * Sojourn time T is exponential with rate mu - lambda: E T = 1/(mu - lambda),
 * and its q-quantile is -ln(1 - q)/(mu - lambda). */
static void check_mm1(double lambda, double mu, const char *rate, const char *duration,
                      double max_rel)
{
    char set_rate[64], set_dur[64];
    snprintf(set_rate, sizeof set_rate, "workload.rate=%s", rate);
    snprintf(set_dur, sizeof set_dur, "simulation.duration=%s", duration);
    const char *sets[] = {set_rate, set_dur, NULL};
    ss_scenario *sc = load("tests/validation/station.yaml", sets);
    reps rs;
    run_reps(sc, &rs);
    double d = mu - lambda;
    expect_theory(&rs, mean_s, 1 / d, max_rel, "M/M/1 mean sojourn (s)");
    expect_theory(&rs, p50_s, log(2) / d, max_rel, "M/M/1 P50 sojourn (s)");
    expect_theory(&rs, p95_s, -log(0.05) / d, max_rel, "M/M/1 P95 sojourn (s)");
    expect_theory(&rs, p99_s, -log(0.01) / d, 2 * max_rel, "M/M/1 P99 sojourn (s)");
    expect_theory(&rs, util0, lambda / mu, 0.01, "M/M/1 utilisation");
    free_reps(&rs);
    ss_scenario_free(sc);
}

static void mm1_at_utilisation_half(void **state)
{
    check_mm1(500, 1000, "500/s", "200s", 0.02);
}

/* Heavy traffic relaxes slowly (time constant ~ 1/(mu (1 - sqrt rho))^2,
 * about 400 service times): longer runs, looser precision bound. */
static void mm1_at_utilisation_0_9(void **state)
{
    check_mm1(900, 1000, "900/s", "1000s", 0.04);
}

/* ---- M/M/c: Erlang C ----------------------------------------------------------
 * With offered load a = lambda/mu on c servers, the probability of waiting is
 * C(c, a) = (a^c/c!)(c/(c-a)) / (sum_{k<c} a^k/k! + (a^c/c!)(c/(c-a))), the
 * mean wait C/(c mu - lambda), and the mean sojourn that plus 1/mu. */

static void mmc_erlang_c_waiting_probability_and_sojourn(void **state)
{
    const char *sets[] = {"workload.rate=3200/s", "components.server.cores=4", NULL};
    ss_scenario *sc = load("tests/validation/station.yaml", sets);
    reps rs;
    run_reps(sc, &rs);
    int c = 4;
    double lambda = 3200, mu = 1000, a = lambda / mu;
    double C = ss_theory_erlang_c(c, a);
    expect_theory(&rs, wait_prob, C, 0.03, "M/M/4 P(wait) (Erlang C)");
    expect_theory(&rs, mean_s, C / (c * mu - lambda) + 1 / mu, 0.02, "M/M/4 mean sojourn (s)");
    free_reps(&rs);
    ss_scenario_free(sc);
}

/* ---- M/M/c/K: blocking ---------------------------------------------------------
 * K = c + queue places; p_n = p_0 a^n/n! for n <= c and p_0 a^n/(c! c^(n-c))
 * above; an arrival is rejected with probability p_K (PASTA). */
static void mmck_blocking_probability(void **state)
{
    const char *sets[] = {"workload.rate=2000/s", "components.server.cores=2",
                          "components.server.queue=3", NULL};
    ss_scenario *sc = load("tests/validation/station.yaml", sets);
    reps rs;
    run_reps(sc, &rs);
    ss_theory_q q;
    ss_theory_mmck(2000, 1000, 2, 5, &q);
    expect_theory(&rs, blocking, q.blocking, 0.02, "M/M/2/5 blocking probability");
    free_reps(&rs);
    ss_scenario_free(sc);
}

/* ---- M/G/1: Pollaczek-Khinchine ----------------------------------------------------
 * W_q = lambda E[S^2] / (2 (1 - rho)); E[S^2] = (1 + cv^2) E[S]^2. */
static void mg1_lognormal_pollaczek_khinchine(void **state)
{
    const char *sets[] = {"workload.rate=600/s",
                          "components.server.service=lognormal(mean=1ms, cv=1.5)",
                          "simulation.duration=1000s", NULL};
    ss_scenario *sc = load("tests/validation/station.yaml", sets);
    reps rs;
    run_reps(sc, &rs);
    double es = 1e-3, cv = 1.5, wq = ss_theory_mg1_wait(600, es, cv * cv);
    expect_theory(&rs, mean_s, wq + es, 0.03, "M/G/1 mean sojourn (s)");
    free_reps(&rs);
    ss_scenario_free(sc);
}

/* ---- Jackson: a tandem with a split -------------------------------------------------
 * Poisson flows stay Poisson through exponential stations, so each station
 * is M/M/1 with its own arrival rate and sojourns add along a route:
 * station a sees 600/s, b 360/s, c 240/s. */
static void jackson_tandem_sojourns_add_up(void **state)
{
    ss_scenario *sc = load("tests/validation/tandem.yaml", NULL);
    reps rs;
    run_reps(sc, &rs);
    double ta = 1 / (1000.0 - 600), tb = 1 / (500.0 - 360), tc = 1 / (400.0 - 240);
    expect_theory(&rs, class0_mean_s, ta + tb, 0.02, "Jackson route a,b mean (s)");
    expect_theory(&rs, class1_mean_s, ta + tc, 0.02, "Jackson route a,c mean (s)");
    expect_theory(&rs, mean_s, 0.6 * (ta + tb) + 0.4 * (ta + tc), 0.02,
                  "Jackson overall mean (s)");
    free_reps(&rs);
    ss_scenario_free(sc);
}

/* ---- closed network: exact MVA ----------------------------------------------------------
 * For n = 1..N: R_k(n) = D_k (1 + Q_k(n-1)), X(n) = n / (Z + sum R_k(n)),
 * Q_k(n) = X(n) R_k(n) (Reiser and Lavenberg 1980). */
static void closed_network_matches_exact_mva(void **state)
{
    ss_scenario *sc = load("tests/validation/closed.yaml", NULL);
    reps rs;
    run_reps(sc, &rs);
    ss_theory_mva_station st[2] = {{0.005, 1, 1, 0, 0}, {0.008, 1, 1, 0, 0}};
    double R, X = ss_theory_mva(30, 0.100, st, 2, &R);
    expect_theory(&rs, thru, X, 0.01, "MVA throughput (1/s)");
    expect_theory(&rs, mean_s, R, 0.03, "MVA response time (s)");
    free_reps(&rs);
    ss_scenario_free(sc);
}

/* ---- Little's law on the reported figures ---------------------------------------------
 * L = lambda W: the time-average number of requests in flight equals the
 * throughput times the mean response time (no failures here). It holds run
 * by run, so each replication is checked, to 1%. */
static void littles_law_holds_on_reported_figures(void **state)
{
    static const char *const files[] = {"tests/validation/station.yaml",
                                        "tests/validation/closed.yaml",
                                        "tests/validation/tandem.yaml"};
    for (size_t f = 0; f < 3; f++) {
        ss_scenario *sc = load(files[f], NULL);
        ss_result *r;
        assert_int_equal(ss_run(sc, NULL, &r), SS_OK);
        double L = r->mean_in_flight;
        double lw = r->fig[SS_FIG_THROUGHPUT_RPS] * r->fig[SS_FIG_MEAN_MS] / 1e3;
        printf("  %-34s L %.4f  lambda W %.4f\n", files[f], L, lw);
        assert_rel(L, lw, 0.01);
        ss_result_free(r);
        ss_scenario_free(sc);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(mm1_at_utilisation_half),
        cmocka_unit_test(mm1_at_utilisation_0_9),
        cmocka_unit_test(mmc_erlang_c_waiting_probability_and_sojourn),
        cmocka_unit_test(mmck_blocking_probability),
        cmocka_unit_test(mg1_lognormal_pollaczek_khinchine),
        cmocka_unit_test(jackson_tandem_sojourns_add_up),
        cmocka_unit_test(closed_network_matches_exact_mva),
        cmocka_unit_test(littles_law_holds_on_reported_figures),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
