/*
 * tests/test_exp_layer.c -- the experiment layer (sim/exp): files x sweep
 * points x replications in order, on any number of threads, by slices
 * that put together give the whole, with aggregated rows that are the
 * mean of their replications.
 */
#include "ss_run_helpers.h"

#include "experiment.h"
#include "row.h"

#define MAX_ROWS 16

/* What the row hook saw: each row's sweep value, replications and
 * figures (mean and half-width), in the order the rows came. */
typedef struct seen {
    int n;
    char val[MAX_ROWS][32];
    int reps[MAX_ROWS];
    double fig[MAX_ROWS][SS_FIGS];
    double ci[MAX_ROWS][SS_FIGS];
    double rep_mean[MAX_ROWS];   /* mean of the replications' own mean_ms */
} seen;

static void on_row(void *ctx, ss_row *row)
{
    seen *s = ctx;
    assert_true(s->n < MAX_ROWS);
    snprintf(s->val[s->n], sizeof s->val[0], "%s", row->sweep_vals[0]);
    s->reps[s->n] = row->n_reps;
    memcpy(s->fig[s->n], row->fig, sizeof row->fig);
    memcpy(s->ci[s->n], row->ci95, sizeof row->ci95);
    double sum = 0;
    for (int r = 0; r < row->n_reps; r++)
        sum += row->reps[r]->fig[SS_FIG_MEAN_MS];
    s->rep_mean[s->n] = sum / row->n_reps;
    s->n++;
}

static char *files[] = {SS_SOURCE_DIR "/tests/validation/station.yaml"};
static char *rates[] = {"200/s", "400/s", "600/s"};

static void exp_init(ss_exp *e, ss_sweep *sw, int reps, int jobs)
{
    memset(e, 0, sizeof *e);
    sw->path = "workload.rate";
    sw->values = rates;
    sw->n = 3;
    e->files = files;
    e->n_files = 1;
    e->sweeps = sw;
    e->n_sweeps = 1;
    e->replications = reps;
    e->jobs = jobs;
    ss_run_opts_init(&e->run);
    e->run.duration = ss_time_from_s(5);
    e->run.warmup = ss_time_from_s(0.5);
}

static void run_exp(const ss_exp *e, seen *s)
{
    memset(s, 0, sizeof *s);
    ss_exp_hooks h = {.row = on_row, .ctx = s};
    char why[600] = "";
    long done = 0;
    ss_diag *d = ss_diag_new();
    assert_true(ss_exp_check(e, d, NULL));
    ss_diag_free(d);
    assert_int_equal(ss_exp_run(e, &h, why, sizeof why, &done), SS_OK);
}

static void same_rows(const seen *a, int a0, const seen *b, int b0, int n)
{
    for (int i = 0; i < n; i++) {
        assert_string_equal(a->val[a0 + i], b->val[b0 + i]);
        assert_int_equal(a->reps[a0 + i], b->reps[b0 + i]);
        /* bit for bit: memcmp, since NAN != NAN */
        assert_memory_equal(a->fig[a0 + i], b->fig[b0 + i], sizeof a->fig[0]);
        assert_memory_equal(a->ci[a0 + i], b->ci[b0 + i], sizeof a->ci[0]);
    }
}

/* Rows come out in sweep order, one per point, each the mean of its
 * replications (never replication 0's figures), with a half-width. */
static void rows_in_order_are_means_of_their_replications(void **state)
{
    ss_exp e;
    ss_sweep sw;
    exp_init(&e, &sw, 3, 1);
    assert_int_equal(ss_exp_rows(&e), 3);
    assert_int_equal(ss_exp_runs(&e), 9);
    seen s;
    run_exp(&e, &s);
    assert_int_equal(s.n, 3);
    for (int i = 0; i < 3; i++) {
        assert_string_equal(s.val[i], rates[i]);
        assert_int_equal(s.reps[i], 3);
        assert_true(fabs(s.fig[i][SS_FIG_MEAN_MS] - s.rep_mean[i]) < 1e-12);
        assert_true(s.ci[i][SS_FIG_MEAN_MS] > 0);
    }
    /* the offered rate follows the swept rate */
    assert_true(s.fig[0][SS_FIG_OFFERED_RPS] < s.fig[1][SS_FIG_OFFERED_RPS]);
    assert_true(s.fig[1][SS_FIG_OFFERED_RPS] < s.fig[2][SS_FIG_OFFERED_RPS]);
}

/* Two threads give the rows one thread gives, bit for bit. */
static void two_threads_give_the_same_rows(void **state)
{
    ss_exp e;
    ss_sweep sw;
    exp_init(&e, &sw, 3, 1);
    seen one, two;
    run_exp(&e, &one);
    e.jobs = 2;
    run_exp(&e, &two);
    assert_int_equal(two.n, 3);
    same_rows(&one, 0, &two, 0, 3);
}

/* Slices [0,1), [1,3) put together are the whole, bit for bit, with
 * aggregated rows and with a row per replication; a slice past the end is
 * empty. */
static void slices_put_together_are_the_whole(void **state)
{
    for (int per = 0; per <= 1; per++) {
        ss_exp e;
        ss_sweep sw;
        exp_init(&e, &sw, 2, 1);
        e.per_replication = per;
        long rows = ss_exp_rows(&e);
        assert_int_equal(rows, per ? 6 : 3);
        seen whole, a, b, none;
        run_exp(&e, &whole);
        e.first_row = 0;
        e.n_rows = 1;
        run_exp(&e, &a);
        e.first_row = 1;
        e.n_rows = 0; /* to the end */
        e.jobs = 2;
        run_exp(&e, &b);
        assert_int_equal(whole.n, rows);
        assert_int_equal(a.n, 1);
        assert_int_equal(b.n, rows - 1);
        same_rows(&whole, 0, &a, 0, 1);
        same_rows(&whole, 1, &b, 0, (int)rows - 1);
        e.first_row = rows;
        run_exp(&e, &none);
        assert_int_equal(none.n, 0);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(rows_in_order_are_means_of_their_replications),
        cmocka_unit_test(two_threads_give_the_same_rows),
        cmocka_unit_test(slices_put_together_are_the_whole),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
