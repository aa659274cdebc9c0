/*
 * tests/test_queueing.c -- sim/result/theory.c against values worked out by
 * hand or tabulated (Erlang tables; Kleinrock vol. 1), and the stable
 * recursion where the factorial sums would overflow.
 */
#include "ss_test.h"

#include "theory.h"

static void erlang_b_and_c_match_the_tables(void **state)
{
    (void)state;
    /* B(4, 3) = (81/24) / (1 + 3 + 4.5 + 4.5 + 3.375) = 0.206107 */
    assert_near(ss_theory_erlang_b(4, 3), 3.375 / 16.375, 1e-12);
    /* C = c B / (c - a (1 - B)) = 0.509434 */
    assert_near(ss_theory_erlang_c(4, 3), 0.5094339622641509, 1e-12);
    /* one server: C = rho */
    assert_near(ss_theory_erlang_c(1, 0.8), 0.8, 1e-12);
    assert_near(ss_theory_erlang_c(4, 4), 1, 0);
}

static void erlang_c_is_stable_for_many_servers(void **state)
{
    (void)state;
    /* 1000 servers: a^c/c! is far beyond a double, the recursion is not */
    double C = ss_theory_erlang_c(1000, 950);
    assert_true(C > 0 && C < 1);
    assert_true(ss_theory_erlang_c(1000, 990) > C); /* more load, more waiting */
}

static void mmc_wait_and_its_quantile(void **state)
{
    (void)state;
    ss_theory_q q;
    ss_theory_mmc(3000, 1000, 4, &q);
    assert_near(q.util, 0.75, 1e-12);
    assert_near(q.mean_wait_s, 0.5094339622641509 / 1000, 1e-12);
    /* P(W > t) = C e^{-(c mu - lambda) t}: the 95% point */
    assert_near(q.p95_wait_s, log(0.5094339622641509 / 0.05) / 1000, 1e-12);
    /* M/M/1 at rho 0.5: C = 0.5 <= 0.95, P95 = ln(10)/500 */
    assert_near(ss_theory_mmc_wait_quantile(500, 1000, 1, 0.95), log(10) / 500, 1e-12);
    /* C <= 1 - p: most arrivals do not wait, the quantile is 0 */
    assert_near(ss_theory_mmc_wait_quantile(100, 1000, 4, 0.95), 0, 0);
    ss_theory_mmc(5000, 1000, 4, &q);
    assert_true(isnan(q.mean_wait_s));
}

static void mmck_blocking_from_the_stationary_distribution(void **state)
{
    (void)state;
    ss_theory_q q;
    /* M/M/2/5, a = 2: p_n ~ 1, 2, 2, 2, 2, 2, so blocking 2/11; waiting
     * n - 2 = 1, 2, 3 with 2/11 each: Lq = 12/11, admitted 2000 x 9/11 */
    ss_theory_mmck(2000, 1000, 2, 5, &q);
    assert_near(q.blocking, 2.0 / 11, 1e-12);
    assert_near(q.mean_wait_s, (12.0 / 11) / (2000 * 9.0 / 11), 1e-12);
    assert_near(q.util, (2.0 + 4 * 2 * 2) / 11 / 2, 1e-12);
    /* a long queue at low load is M/M/c */
    ss_theory_q m;
    ss_theory_mmc(3000, 1000, 4, &m);
    ss_theory_mmck(3000, 1000, 4, 400, &q);
    assert_near(q.blocking, 0, 1e-12);
    assert_rel(q.mean_wait_s, m.mean_wait_s, 1e-9);
    assert_rel(q.p95_wait_s, m.p95_wait_s, 1e-6);
}

static void pollaczek_khinchine_and_allen_cunneen(void **state)
{
    (void)state;
    /* lambda E[S^2] / (2 (1 - rho)) = 600 x 3.25e-6 / 0.8 */
    assert_near(ss_theory_mg1_wait(600, 1e-3, 2.25), 600 * 3.25e-6 / 0.8, 1e-15);
    /* Allen-Cunneen is exact for M/M/c and for M/G/1 */
    ss_theory_q q;
    ss_theory_mmc(3000, 1000, 4, &q);
    assert_near(ss_theory_mgc_wait(3000, 1e-3, 1, 4), q.mean_wait_s, 1e-15);
    assert_near(ss_theory_mgc_wait(600, 1e-3, 2.25, 1), ss_theory_mg1_wait(600, 1e-3, 2.25),
                1e-15);
    assert_true(isnan(ss_theory_mg1_wait(1000, 1e-3, 1)));
}

static void mva_matches_a_network_solved_by_hand(void **state)
{
    (void)state;
    /* two users, no think time, demands 1 s and 2 s:
     * n = 1: R = 1, 2, X = 1/3, Q = 1/3, 2/3;
     * n = 2: R = 4/3, 10/3, X = 2 / (14/3) = 3/7 */
    ss_theory_mva_station st[2] = {{1, 1, 1, 0, 0}, {2, 1, 1, 0, 0}};
    double r;
    double x = ss_theory_mva(2, 0, st, 2, &r);
    assert_near(x, 3.0 / 7, 1e-12);
    assert_near(r, 14.0 / 3, 1e-12);
    assert_near(st[1].resid_s, 10.0 / 3, 1e-12);
    /* two copies of one station, each half the demand, are the same as two
     * stations listed apart */
    ss_theory_mva_station one[1] = {{0.5, 1, 2, 0, 0}};
    ss_theory_mva_station two[2] = {{0.5, 1, 1, 0, 0}, {0.5, 1, 1, 0, 0}};
    double r1, r2;
    assert_near(ss_theory_mva(5, 1, one, 1, &r1), ss_theory_mva(5, 1, two, 2, &r2), 1e-12);
    /* one user never queues: R = D, even on several servers (Seidmann) */
    ss_theory_mva_station multi[1] = {{0.4, 4, 1, 0, 0}};
    ss_theory_mva(1, 1, multi, 1, &r);
    assert_near(r, 0.4, 1e-12);
    /* Seidmann: a server of D/c = 0.1 and a delay of 0.3. One user leaves
     * x = 1/1.4 and a queue of x 0.1 at the server (the delay holds none),
     * so the second user's residence is 0.1 (1 + 0.1/1.4) + 0.3 */
    ss_theory_mva(2, 1, multi, 1, &r);
    assert_near(r, 0.1 * (1 + 0.1 / 1.4) + 0.3, 1e-12);
}

static void prediction_finds_a_copy_by_its_base_name(void **state)
{
    (void)state;
    ss_theory_station st[2] = {{.name = "app"}, {.name = "db"}};
    ss_theory_pred p = {st, 2, {0}};
    assert_ptr_equal(ss_theory_find(&p, "db"), &st[1]);
    assert_ptr_equal(ss_theory_find(&p, "app@eu-west"), &st[0]);
    assert_null(ss_theory_find(&p, "ap"));
    assert_null(ss_theory_find(NULL, "app"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(erlang_b_and_c_match_the_tables),
        cmocka_unit_test(erlang_c_is_stable_for_many_servers),
        cmocka_unit_test(mmc_wait_and_its_quantile),
        cmocka_unit_test(mmck_blocking_from_the_stationary_distribution),
        cmocka_unit_test(pollaczek_khinchine_and_allen_cunneen),
        cmocka_unit_test(mva_matches_a_network_solved_by_hand),
        cmocka_unit_test(prediction_finds_a_copy_by_its_base_name),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
