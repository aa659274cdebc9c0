/*
 * tests/validation/test_balance.c -- the load balancer's algorithms against
 * queueing theory.
 *
 * The system: one Poisson stream of rate lambda into a load balancer with
 * `service: 0s` and no network, in front of N app servers of one core each
 * with exponential service of rate mu (mean 2 ms, so mu = 500/s). With no
 * latency between them, the balancer's "outstanding" count for an instance
 * is exactly the number of requests at that server (waiting or in service),
 * so each algorithm is a classical routing policy:
 *   random             Bernoulli splitting: N independent M/M/1 queues;
 *   round_robin        each server sees every N-th arrival: Erlang-N gaps,
 *                      a G/M/1 queue;
 *   least_connections  join the shortest queue (JSQ);
 *   power_of_two       pick two distinct servers at random, join the
 *                      shorter (ties: a coin).
 * JSQ and pick-2 have no closed form for finite N: the test solves their
 * Markov chains exactly (truncated where the mass left out is below 1e-9,
 * checked) and checks the solver against the closed forms it must reduce
 * to (N = 1 is M/M/1; pick-2 of 2 is JSQ of 2; random routing is M/M/1).
 *
 * Each simulated check runs REPS replications with fixed seeds, forms the
 * 99.9% Student-t confidence interval of the figure and requires theory
 * inside it and the interval narrower than a stated share of theory (as in
 * test_theory.c). Where two policies would be confused, the interval of one
 * must also exclude the other's theory, so running the wrong algorithm fails.
 * Runs are sized to keep the whole file near 15 s of CPU (about 50 s under
 * ASan); the chains take a second of it.
 */
#include "ss_run_helpers.h"

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_errno.h>
#include <gsl/gsl_roots.h>
#include <gsl/gsl_statistics_double.h>

#include "diag.h"
#include "result.h"
#include "scalesim/scalesim.h"
#include "scenario.h"
#include "theory.h"

#define REPS 10
#define MU 500.0 /* per second: service exp(2ms) */

/* ---- running a balanced pool -------------------------------------------- */

typedef struct pool {
    const char *algorithm;
    int lb_instances;     /* balancer instances, each with its own state    */
    int servers;          /* app instances                                  */
    double rate_per_s;    /* Poisson arrivals into the balancer             */
    const char *duration; /* measured, after a 5 s warm-up                  */
    bool crash_one;       /* app[1] crashed at t = 0 for good               */
} pool;

typedef struct reps {
    ss_result *r[REPS];
} reps;

/* The warm-up (5 s) is some 30 relaxation times of the busiest queue here
 * (an M/M/1 at rho 0.8 relaxes in 1/(mu (1 - sqrt rho))^2 = 0.18 s), and it
 * also covers the 1 ms health check after which a crashed app[1] is out of
 * rotation: the requests sent to it before then fail unmeasured. */
static void run_pool(const pool *p, reps *out)
{
    char yaml[1024];
    snprintf(yaml, sizeof yaml,
             "scalesim: 1\n"
             "simulation: {duration: %s, warmup: 5s, seed: 3}\n"
             "workload: {rate: %.0f/s, requests: {r: {route: [lb, app]}}}\n"
             "components:\n"
             "  lb: {kind: load_balancer, algorithm: %s, instances: %d, service: 0s,\n"
             "       health_check: 1ms}\n"
             "  app: {kind: app_server, instances: %d, cores: 1, service: exp(2ms)}\n"
             "%s",
             p->duration, p->rate_per_s, p->algorithm, p->lb_instances, p->servers,
             p->crash_one ? "faults: [{at: 0s, target: \"app[1]\", action: crash}]\n" : "");
    ss_scenario *sc = load_text(yaml, NULL);
    for (unsigned i = 0; i < REPS; i++)
        out->r[i] = run1(sc, i);
    ss_scenario_free(sc);
}

static void free_reps(reps *rs)
{
    for (int i = 0; i < REPS; i++)
        ss_result_free(rs->r[i]);
}

/* Mean and 99.9% Student-t half-width of the mean response (ms) over the
 * replications. */
static void mean_ci(const reps *rs, double *mean, double *half)
{
    double x[REPS];
    for (int i = 0; i < REPS; i++)
        x[i] = rs->r[i]->fig[SS_FIG_MEAN_MS];
    *mean = gsl_stats_mean(x, 1, REPS);
    *half = gsl_cdf_tdist_Pinv(0.9995, REPS - 1) * gsl_stats_sd(x, 1, REPS) / sqrt(REPS);
}

/* Theory (ms) must lie in the interval, and the interval be narrower than
 * max_rel of theory. */
static void expect_mean(const reps *rs, double theory_ms, double max_rel, const char *what)
{
    double mean, half;
    mean_ci(rs, &mean, &half);
    printf("  %-44s theory %8.4f ms  simulated %8.4f +- %.4f (99.9%%)\n", what, theory_ms, mean,
           half);
    if (fabs(mean - theory_ms) > half) {
        print_error("%s: theory %g outside %g +- %g\n", what, theory_ms, mean, half);
        fail();
    }
    if (half > max_rel * theory_ms) {
        print_error("%s: interval +-%g wider than %g%% of %g\n", what, half, max_rel * 100,
                    theory_ms);
        fail();
    }
}

/* The interval lies wholly above lo_ms and wholly below hi_ms: what tells
 * this policy from the ones on either side of it. */
static void expect_between(const reps *rs, double lo_ms, double hi_ms, const char *what)
{
    double mean, half;
    mean_ci(rs, &mean, &half);
    printf("  %-44s %8.4f < %8.4f +- %.4f < %8.4f\n", what, lo_ms, mean, half, hi_ms);
    if (!(mean - half > lo_ms && mean + half < hi_ms)) {
        print_error("%s: %g +- %g not strictly inside (%g, %g)\n", what, mean, half, lo_ms,
                    hi_ms);
        fail();
    }
}

/* Arrivals at app instance i, summed over the replications. */
static double arrivals(const reps *rs, int i)
{
    double n = 0;
    for (int k = 0; k < REPS; k++) {
        const ss_comp_result *app = comp(rs->r[k], "app");
        assert_true(i < app->rep.n_rows);
        n += (double)app->rep.rows[i].arrivals;
    }
    return n;
}

/* ---- closed forms --------------------------------------------------------- */

/* M/M/1: mean sojourn 1/(mu - lambda), in ms. */
static double mm1_ms(double lambda, double mu)
{
    return 1e3 / (mu - lambda);
}

/* M/M/c mean sojourn by Erlang C (in ms): C(c, a)/(c mu - lambda) + 1/mu,
 * a = lambda/mu. A lower bound for any policy that routes at arrival
 * (a central queue wastes no server). */
static double mmc_ms(int c, double lambda, double mu)
{
    return 1e3 * (ss_theory_erlang_c(c, lambda / mu) / (c * mu - lambda) + 1 / mu);
}

/* G/M/1 (Kleinrock, Queueing Systems I, 6.4): with interarrival LST A*(s),
 * an arrival finds n waiting-or-in-service with probability
 * (1 - sigma) sigma^n, where sigma in (0, 1) solves sigma = A*(mu (1 -
 * sigma)); the sojourn is exponential with rate mu (1 - sigma). Round robin
 * over k servers gives each the sum of k exponential(lambda) gaps,
 * Erlang-k: A*(s) = (lambda / (lambda + s))^k. */
typedef struct gm1 {
    int k;
    double lambda, mu;
} gm1;

static double gm1_f(double sigma, void *v)
{
    const gm1 *g = v;
    return sigma - pow(g->lambda / (g->lambda + g->mu * (1 - sigma)), g->k);
}

static double gm1_erlang_sigma(int k, double lambda, double mu)
{
    gm1 g = {k, lambda, mu};
    gsl_function f = {gm1_f, &g};
    /* f(0) < 0; sigma = 1 is also a root, with f'(1) = 1 - 1/rho < 0, so f
     * is positive just below 1: the bracket holds the root in (0, 1). */
    double lo = 0, hi = 1 - 1e-7;
    assert_true(gm1_f(lo, &g) < 0 && gm1_f(hi, &g) > 0);
    gsl_root_fsolver *s = gsl_root_fsolver_alloc(gsl_root_fsolver_brent);
    gsl_root_fsolver_set(s, &f, lo, hi);
    double x = NAN;
    for (int i = 0; i < 200; i++) {
        gsl_root_fsolver_iterate(s);
        x = gsl_root_fsolver_root(s);
        if (gsl_root_test_interval(gsl_root_fsolver_x_lower(s), gsl_root_fsolver_x_upper(s), 0,
                                   1e-14) == GSL_SUCCESS)
            break;
    }
    gsl_root_fsolver_free(s);
    return x;
}

static double gm1_erlang_ms(int k, double lambda, double mu)
{
    return 1e3 / (mu * (1 - gm1_erlang_sigma(k, lambda, mu)));
}

/* ---- the Markov chain of a routed pool ----------------------------------------
 * N exponential servers of rate mu, Poisson arrivals of rate lambda routed on
 * arrival by the queue lengths. The servers are alike and memoryless, so the
 * process of the sorted vector of queue lengths (n1 >= n2 >= ... >= nN) is a
 * Markov chain whatever the tie-break: that vector is the state. An arrival
 * joins a server whose length is v with a probability the policy gives; it
 * is lost when that server already holds cap (the truncation, whose mass is
 * checked afterwards). Each busy server finishes at rate mu.
 *
 * The chain has C(cap + N, N) states, up to 46376 here (N = 4, cap 30):
 * too many for a dense LU (17 GB), so pi Q = 0 is solved by Gauss-Seidel sweeps
 * over the states in order of total population (arrivals move up one level,
 * so a sweep carries them up at once), renormalised after each sweep, until
 * no probability moves by more than 1e-13 of itself; the balance equations'
 * residual is then checked. */

typedef enum policy { POL_RANDOM, POL_JSQ, POL_PICK2 } policy;
static const char *const policy_names[] = {"random", "JSQ", "pick-2"};

#define MAXN 4 /* servers in a chain: states grow like cap^N / N! */

typedef struct chain_stats {
    double L;          /* mean number in the system                       */
    double W_ms;       /* mean sojourn, L / accepted rate (Little)        */
    double truncated;  /* mass of the states with some server at cap      */
    double residual;   /* sum over states of |inflow - outflow|           */
    int sweeps;
} chain_stats;

/* Probability that the arrival joins each position of the state n. */
static void route_probs(policy pol, int N, const int *n, double *p)
{
    for (int j = 0; j < N; j++)
        p[j] = 0;
    switch (pol) {
    case POL_RANDOM:
        for (int j = 0; j < N; j++)
            p[j] = 1.0 / N;
        break;
    case POL_JSQ: {
        int least = n[0], ties = 0;
        for (int j = 1; j < N; j++)
            least = n[j] < least ? n[j] : least;
        for (int j = 0; j < N; j++)
            ties += n[j] == least;
        for (int j = 0; j < N; j++)
            if (n[j] == least)
                p[j] = 1.0 / ties;
        break;
    }
    case POL_PICK2: {
        /* the C(N, 2) unordered pairs are equally likely */
        double pair = 2.0 / (N * (N - 1));
        for (int i = 0; i < N; i++)
            for (int j = i + 1; j < N; j++) {
                if (n[i] < n[j])
                    p[i] += pair;
                else if (n[j] < n[i])
                    p[j] += pair;
                else {
                    p[i] += pair / 2;
                    p[j] += pair / 2;
                }
            }
        break;
    }
    }
}

static int code_of(const int *n, int N, int cap)
{
    int c = 0;
    for (int j = 0; j < N; j++)
        c = c * (cap + 1) + n[j];
    return c;
}

/* The tuple of code c (base cap + 1, first position most significant);
 * whether it is sorted non-increasing. */
static bool decode(int c, int N, int cap, int *n)
{
    for (int j = N - 1; j >= 0; j--) {
        n[j] = c % (cap + 1);
        c /= cap + 1;
    }
    for (int j = 1; j < N; j++)
        if (n[j] > n[j - 1])
            return false;
    return true;
}

/* n with position j moved by d, sorted non-increasing again if lumped. */
static void moved(const int *n, int N, int j, int d, bool lumped, int *out)
{
    for (int k = 0; k < N; k++)
        out[k] = n[k];
    out[j] += d;
    for (int a = 1; lumped && a < N; a++)
        for (int b = a; b > 0 && out[b] > out[b - 1]; b--) {
            int t = out[b];
            out[b] = out[b - 1];
            out[b - 1] = t;
        }
}

/* lumped: the state is the sorted vector (what the tests use); otherwise
 * the vector of every server's queue, N times as many states and more, as
 * an oracle for the lumping. */
static chain_stats solve_chain(policy pol, int N, int cap, double lambda, double mu, bool lumped)
{
    assert_true(N >= 1 && N <= MAXN);
    assert_true(pol != POL_PICK2 || N >= 2);
    int codes = 1;
    for (int j = 0; j < N; j++)
        codes *= cap + 1;
    /* the states, then (counting sort) in order of total population */
    int *index = malloc((size_t)codes * sizeof *index);
    int *level = malloc((size_t)codes * sizeof *level);
    int *first = calloc((size_t)(N * cap + 2), sizeof *first);
    int ns = 0;
    for (int c = 0; c < codes; c++) {
        int n[MAXN];
        bool sorted = decode(c, N, cap, n);
        level[c] = -1;
        if (sorted || !lumped) {
            level[c] = 0;
            for (int j = 0; j < N; j++)
                level[c] += n[j];
            first[level[c] + 1]++;
            ns++;
        }
    }
    for (int t = 0; t <= N * cap; t++)
        first[t + 1] += first[t];
    int levels = N * cap + 1;
    int *lvl = malloc((size_t)(levels + 1) * sizeof *lvl); /* level t: [lvl[t], lvl[t+1]) */
    memcpy(lvl, first, (size_t)(levels + 1) * sizeof *lvl);
    int *st = malloc((size_t)ns * MAXN * sizeof *st);
    for (int c = 0; c < codes; c++)
        if (level[c] >= 0) {
            int s = first[level[c]]++;
            index[c] = s;
            decode(c, N, cap, &st[s * MAXN]);
        }
    free(level), free(first);
    /* incoming transitions per state (CSR), and each state's outflow */
    int max_edges = ns * 2 * N;
    int *from = malloc((size_t)max_edges * sizeof *from);
    int *to = malloc((size_t)max_edges * sizeof *to);
    double *rate = malloc((size_t)max_edges * sizeof *rate);
    double *out = calloc((size_t)ns, sizeof *out);
    double *lost = calloc((size_t)ns, sizeof *lost); /* arrival rate lost at cap */
    double *down = calloc((size_t)ns, sizeof *down); /* departure rate */
    int ne = 0;
    for (int s = 0; s < ns; s++) {
        const int *n = &st[s * MAXN];
        double p[MAXN];
        int m[MAXN];
        route_probs(pol, N, n, p);
        for (int j = 0; j < N; j++) {
            if (p[j] > 0 && n[j] == cap)
                lost[s] += lambda * p[j];
            if (p[j] > 0 && n[j] < cap) {
                moved(n, N, j, +1, lumped, m);
                from[ne] = s, to[ne] = index[code_of(m, N, cap)], rate[ne] = lambda * p[j];
                out[s] += rate[ne++];
            }
            if (n[j] > 0) {
                moved(n, N, j, -1, lumped, m);
                from[ne] = s, to[ne] = index[code_of(m, N, cap)], rate[ne] = mu;
                out[s] += rate[ne++];
                down[s] += mu;
            }
        }
    }
    int *start = calloc((size_t)ns + 1, sizeof *start);
    int *in_from = malloc((size_t)ne * sizeof *in_from);
    double *in_rate = malloc((size_t)ne * sizeof *in_rate);
    for (int e = 0; e < ne; e++)
        start[to[e] + 1]++;
    for (int s = 0; s < ns; s++)
        start[s + 1] += start[s];
    int *fill = malloc((size_t)ns * sizeof *fill);
    memcpy(fill, start, (size_t)ns * sizeof *fill);
    for (int e = 0; e < ne; e++) {
        in_from[fill[to[e]]] = from[e];
        in_rate[fill[to[e]]++] = rate[e];
    }
    /* Gauss-Seidel: pi_s = sum_t pi_t q_ts / q_s. Alone it converges as
     * slowly as the total population relaxes (hundreds of sweeps per digit
     * at rho 0.8), so each sweep is followed by an aggregation step
     * (Takahashi's iterative aggregation-disaggregation): levels of total
     * population form a birth-death chain, whose cut equations M_t u_t =
     * M_{t+1} d_{t+1} give the level masses M_t from the current rates up
     * (u_t) and down (d_t) within each level; each level is rescaled to its
     * mass. At the fixed point both steps leave pi unchanged, so it is the
     * solution; the residual is checked below regardless. */
    double *pi = malloc((size_t)ns * sizeof *pi);
    for (int s = 0; s < ns; s++)
        pi[s] = 1.0 / ns;
    int sweeps = 0;
    for (double change = 1; change > 1e-13 && sweeps < 100000; sweeps++) {
        change = 0;
        for (int s = 0; s < ns; s++) {
            double acc = 0;
            for (int e = start[s]; e < start[s + 1]; e++)
                acc += pi[in_from[e]] * in_rate[e];
            double old = pi[s];
            pi[s] = acc / out[s];
            if (pi[s] > 1e-300)
                change = fmax(change, fabs(pi[s] - old) / pi[s]);
        }
        double norm = 0, m = 1, up = 0;
        for (int t = 0; t < levels; t++) {
            double M = 0, U = 0, D = 0;
            for (int s = lvl[t]; s < lvl[t + 1]; s++) {
                M += pi[s];
                U += pi[s] * (lambda - lost[s]);
                D += pi[s] * down[s];
            }
            if (t > 0)
                m *= up / (D / M); /* up: the level below's u */
            norm += m;
            up = U / M;
            for (int s = lvl[t]; s < lvl[t + 1]; s++)
                pi[s] *= m / M;
        }
        for (int s = 0; s < ns; s++)
            pi[s] /= norm;
    }
    assert_true(sweeps < 100000);
    chain_stats r = {0};
    double accepted = lambda;
    for (int s = 0; s < ns; s++) {
        const int *n = &st[s * MAXN];
        double acc = 0;
        for (int e = start[s]; e < start[s + 1]; e++)
            acc += pi[in_from[e]] * in_rate[e];
        r.residual += fabs(acc - pi[s] * out[s]);
        int total = 0;
        for (int j = 0; j < N; j++)
            total += n[j];
        r.L += pi[s] * total;
        bool full = false;
        for (int j = 0; j < N; j++)
            full = full || n[j] == cap;
        if (full)
            r.truncated += pi[s];
        accepted -= pi[s] * lost[s];
    }
    r.W_ms = 1e3 * r.L / accepted;
    r.sweeps = sweeps;
    free(index), free(st), free(from), free(to), free(rate), free(out), free(lost);
    free(start), free(in_from), free(in_rate), free(fill), free(pi), free(down);
    free(lvl);
    return r;
}

/* The chain's mean sojourn (ms) at a cap whose truncated mass is < 1e-9. */
static double chain_ms(policy pol, int N, int cap, double lambda, double mu)
{
    chain_stats c = solve_chain(pol, N, cap, lambda, mu, true);
    if (!(c.truncated < 1e-9 && c.residual < 1e-10)) {
        print_error("chain %s N=%d cap=%d: truncated mass %g, residual %g\n", policy_names[pol], N,
                    cap, c.truncated, c.residual);
        fail();
    }
    printf("  chain %-6s N=%d cap=%-3d W %.6f ms (truncated %.1e, residual %.1e, %d sweeps)\n",
           policy_names[pol], N, cap, c.W_ms, c.truncated, c.residual, c.sweeps);
    return c.W_ms;
}

/* The cap: under JSQ and pick-2 the longest queue grows only while the
 * others are about as long (both route away from it), so the mass at the
 * cap is about rho^(N cap): N cap = 120 leaves ~1e-11 out at rho 0.8
 * (checked in chain_ms). For one server the chain is M/M/1/cap, tail
 * rho^cap: 130 leaves 5e-14. */
static int cap_for(int N) { return N == 1 ? 130 : 120 / N; }
static double jsq_ms(int N, double lambda)
{
    return chain_ms(POL_JSQ, N, cap_for(N), lambda, MU);
}
static double pick2_ms(int N, double lambda)
{
    return chain_ms(POL_PICK2, N, cap_for(N), lambda, MU);
}

/* ---- the theory's own checks ------------------------------------------------- */

static void theory_solvers_reduce_to_closed_forms(void **state)
{
    /* G/M/1 with Poisson arrivals (Erlang-1) is M/M/1: sigma = rho */
    assert_near(gm1_erlang_sigma(1, 400, MU), 0.8, 1e-12);
    /* Erlang-k gaps are more regular than Poisson: each server of round
     * robin waits less than under random splitting, more than M/M/k */
    double rr3 = gm1_erlang_ms(3, 1200, MU);
    assert_true(rr3 < mm1_ms(400, MU) && rr3 > mmc_ms(3, 1200, MU));
    /* JSQ over one server is M/M/1 */
    assert_near(jsq_ms(1, 400), mm1_ms(400, MU), 1e-6 * mm1_ms(400, MU));
    /* random routing: N independent M/M/1 at lambda/N */
    double rnd2 = chain_ms(POL_RANDOM, 2, 130, 800, MU); /* each M/M/1/130 */
    assert_near(rnd2, mm1_ms(400, MU), 1e-6 * rnd2);
    /* two distinct of two servers are both of them: pick-2 is JSQ */
    double j2 = jsq_ms(2, 800), p2 = pick2_ms(2, 800);
    assert_near(p2, j2, 1e-9 * j2);
    /* the lumped chain is the full one seen through sorting: the same
     * truncated system, so the same figures to rounding */
    static const struct { policy pol; int N, cap; double lambda; } same[] = {
        {POL_JSQ, 3, 12, 1200}, {POL_PICK2, 3, 12, 1200}, {POL_PICK2, 4, 7, 1600},
        {POL_RANDOM, 3, 12, 1200}};
    for (size_t k = 0; k < sizeof same / sizeof same[0]; k++) {
        chain_stats a = solve_chain(same[k].pol, same[k].N, same[k].cap, same[k].lambda, MU, true);
        chain_stats b = solve_chain(same[k].pol, same[k].N, same[k].cap, same[k].lambda, MU, false);
        printf("  %-6s N=%d cap=%-2d lumped %.9f ms, full %.9f ms\n", policy_names[same[k].pol],
               same[k].N, same[k].cap, a.W_ms, b.W_ms);
        assert_near(a.W_ms, b.W_ms, 1e-9 * b.W_ms);
        assert_near(a.truncated, b.truncated, 1e-9);
    }
    /* a central queue beats JSQ, which beats pick-2, which beats random */
    double j3 = jsq_ms(3, 1200), p3 = pick2_ms(3, 1200);
    printf("  JSQ(2) %.4f ms; M/M/3 %.4f < JSQ(3) %.4f < pick-2(3) %.4f < M/M/1 %.4f ms\n", j2,
           mmc_ms(3, 1200, MU), j3, p3, mm1_ms(400, MU));
    assert_true(mmc_ms(2, 800, MU) < j2 && j2 < mm1_ms(400, MU));
    assert_true(mmc_ms(3, 1200, MU) < j3 && j3 < p3 && p3 < mm1_ms(400, MU));
}

/* ---- random ------------------------------------------------------------------
 * Bernoulli splitting of a Poisson stream gives independent Poisson streams:
 * N servers at lambda/N each are N M/M/1 queues, mean sojourn
 * 1/(mu - lambda/N). Each request picks an instance with probability 1/N,
 * so instance i's count over n requests is binomial(n, 1/N). */
static void lb_random_over_rotation_is_n_mm1_queues(void **state)
{
    pool p = {"random", 1, 3, 1200, "400s", false};
    reps rs;
    run_pool(&p, &rs);
    expect_mean(&rs, mm1_ms(400, MU), 0.03, "random, 3 x M/M/1 at rho 0.8");
    double n = arrivals(&rs, 0) + arrivals(&rs, 1) + arrivals(&rs, 2);
    for (int i = 0; i < 3; i++) {
        printf("  app[%d] arrivals %.0f of %.0f\n", i, arrivals(&rs, i), n);
        assert_near(arrivals(&rs, i), n / 3, 5 * sqrt(n * (1.0 / 3) * (2.0 / 3)));
    }
    /* nor round robin, the nearest to it of the other three */
    expect_between(&rs, gm1_erlang_ms(3, 1200, MU), INFINITY, "random above round robin");
    free_reps(&rs);
}

/* With app[1] crashed and out of rotation, the two left take half each:
 * two M/M/1 at lambda/2 (rate 700/s: rho 0.7 each). Given n requests on
 * them, a0 - a2 = 2 a0 - n has variance n. A balancer that hands the
 * crashed instance's share to its successor would load one of them with
 * 2/3 of the stream (rho 0.93) and the other with 1/3. */
static void lb_random_shares_evenly_among_instances_in_rotation(void **state)
{
    pool p = {"random", 1, 3, 700, "400s", true};
    reps rs;
    run_pool(&p, &rs);
    double a0 = arrivals(&rs, 0), a1 = arrivals(&rs, 1), a2 = arrivals(&rs, 2);
    printf("  arrivals app[0] %.0f, app[1] %.0f (crashed), app[2] %.0f\n", a0, a1, a2);
    assert_true(a1 == 0);
    assert_near(a0 - a2, 0, 5 * sqrt(a0 + a2));
    expect_mean(&rs, mm1_ms(350, MU), 0.03, "random over 2 of 3, M/M/1 at rho 0.7");
    free_reps(&rs);
}

/* ---- round robin ---------------------------------------------------------------
 * Every N-th request of a Poisson stream: Erlang-N(lambda) gaps, G/M/1. */
static void lb_round_robin_gives_each_server_erlang_gaps(void **state)
{
    pool p = {"round_robin", 1, 3, 1200, "300s", false};
    reps rs;
    run_pool(&p, &rs);
    double rr = gm1_erlang_ms(3, 1200, MU);
    printf("  G/M/1 Erlang-3 sigma %.6f\n", gm1_erlang_sigma(3, 1200, MU));
    expect_mean(&rs, rr, 0.04, "round robin, 3 x E3/M/1 at rho 0.8");
    /* neither random splitting nor join-the-shortest */
    expect_between(&rs, pick2_ms(3, 1200), mm1_ms(400, MU), "round robin between pick-2, M/M/1");
    double n = arrivals(&rs, 0) + arrivals(&rs, 1) + arrivals(&rs, 2);
    for (int i = 0; i < 3; i++)
        assert_near(arrivals(&rs, i), n / 3, REPS); /* one turn per run at most */
    free_reps(&rs);
}

/* With app[1] out of rotation: turns alternate over the other two,
 * Erlang-2(lambda) gaps (lambda 800/s: rho 0.8 each). */
static void lb_round_robin_takes_turns_among_instances_in_rotation(void **state)
{
    pool p = {"round_robin", 1, 3, 800, "400s", true};
    reps rs;
    run_pool(&p, &rs);
    double a0 = arrivals(&rs, 0), a1 = arrivals(&rs, 1), a2 = arrivals(&rs, 2);
    printf("  arrivals app[0] %.0f, app[1] %.0f (crashed), app[2] %.0f\n", a0, a1, a2);
    assert_true(a1 == 0);
    assert_near(a0 - a2, 0, REPS);
    expect_mean(&rs, gm1_erlang_ms(2, 800, MU), 0.05, "round robin over 2 of 3, E2/M/1");
    free_reps(&rs);
}

/* ---- least connections and power of two ------------------------------------------
 * JSQ and pick-2 by their Markov chains (above), N = 3 at rho 0.8. */
static void lb_least_connections_is_join_the_shortest_queue(void **state)
{
    pool p = {"least_connections", 1, 3, 1200, "300s", false};
    reps rs;
    run_pool(&p, &rs);
    double jsq = jsq_ms(3, 1200);
    expect_mean(&rs, jsq, 0.03, "least_connections, JSQ(3) at rho 0.8");
    expect_between(&rs, mmc_ms(3, 1200, MU), pick2_ms(3, 1200), "JSQ(3) between M/M/3, pick-2");
    free_reps(&rs);
}

static void lb_power_of_two_is_pick_two_join_the_shorter(void **state)
{
    pool p = {"power_of_two", 1, 3, 1200, "300s", false};
    reps rs;
    run_pool(&p, &rs);
    double p3 = pick2_ms(3, 1200);
    expect_mean(&rs, p3, 0.03, "power_of_two, pick-2(3) at rho 0.8");
    expect_between(&rs, jsq_ms(3, 1200), mm1_ms(400, MU), "pick-2(3) between JSQ(3), M/M/1");
    free_reps(&rs);

    /* with four servers two of them are a real sample */
    pool p4 = {"power_of_two", 1, 4, 1600, "200s", false};
    run_pool(&p4, &rs);
    double p4_ms = pick2_ms(4, 1600);
    expect_mean(&rs, p4_ms, 0.03, "power_of_two, pick-2(4) at rho 0.8");
    expect_between(&rs, jsq_ms(4, 1600), mm1_ms(400, MU), "pick-2(4) between JSQ(4), M/M/1");
    free_reps(&rs);
}

/* app[1] out of rotation: JSQ over the two left (800/s: rho 0.8). */
static void lb_least_connections_joins_the_shortest_in_rotation(void **state)
{
    pool p = {"least_connections", 1, 3, 800, "300s", true};
    reps rs;
    run_pool(&p, &rs);
    assert_true(arrivals(&rs, 1) == 0);
    expect_mean(&rs, jsq_ms(2, 800), 0.04, "least_connections over 2 of 3, JSQ(2)");
    free_reps(&rs);
}

/* ---- balancer instances each with their own counts -------------------------------
 * With `instances: 8` each request passes one balancer instance at random,
 * which knows only the requests it sent itself: it sends to the server
 * where its own share is smaller, blind to the other seven's. That is worse
 * than JSQ (which sees whole queues) and better than random (which sees
 * nothing). No closed form: the test bounds it strictly between the two,
 * beyond its interval, and checks one instance is JSQ. Two servers at
 * 800/s: rho 0.8. */
static void lb_instances_each_keep_their_own_counts(void **state)
{
    double jsq = jsq_ms(2, 800), rnd = mm1_ms(400, MU);
    pool one = {"least_connections", 1, 2, 800, "300s", false};
    reps rs;
    run_pool(&one, &rs);
    expect_mean(&rs, jsq, 0.04, "least_connections, 1 balancer: JSQ(2)");
    free_reps(&rs);

    pool eight = {"least_connections", 8, 2, 800, "300s", false};
    run_pool(&eight, &rs);
    expect_between(&rs, jsq, rnd, "8 balancers: between JSQ(2) and M/M/1");
    free_reps(&rs);
}

int main(void)
{
    gsl_set_error_handler_off();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(theory_solvers_reduce_to_closed_forms),
        cmocka_unit_test(lb_random_over_rotation_is_n_mm1_queues),
        cmocka_unit_test(lb_random_shares_evenly_among_instances_in_rotation),
        cmocka_unit_test(lb_round_robin_gives_each_server_erlang_gaps),
        cmocka_unit_test(lb_round_robin_takes_turns_among_instances_in_rotation),
        cmocka_unit_test(lb_least_connections_is_join_the_shortest_queue),
        cmocka_unit_test(lb_power_of_two_is_pick_two_join_the_shorter),
        cmocka_unit_test(lb_least_connections_joins_the_shortest_in_rotation),
        cmocka_unit_test(lb_instances_each_keep_their_own_counts),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
