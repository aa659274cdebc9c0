/*
 * sim/base/hist.c -- log-linear latency histogram (see scalesim/hist.h).
 * Invariant: n equals the sum of all counters.
 */
#include "scalesim/hist.h"

#include <string.h>

#include "scalesim/mem.h"

void ss_hist_init(ss_hist *h)
{
    memset(h, 0, sizeof *h);
    h->min_ns = INT64_MAX;
    h->max_ns = 0;
}

ss_hist *ss_hist_new(void)
{
    ss_hist *h = ss_malloc(sizeof *h);
    ss_hist_init(h);
    return h;
}

void ss_hist_release(ss_hist *h)
{
    for (int r = 0; r < SS_HIST_ROWS; r++) {
        ss_free(h->rows[r]);
        h->rows[r] = NULL;
    }
}

void ss_hist_free(ss_hist *h)
{
    if (!h)
        return;
    ss_hist_release(h);
    ss_free(h);
}

void ss_hist_reset(ss_hist *h)
{
    for (int r = 0; r < SS_HIST_ROWS; r++)
        if (h->rows[r])
            memset(h->rows[r], 0, SS_HIST_SUB * sizeof h->rows[r][0]);
    h->n = 0;
    h->sum_ns = 0;
    h->min_ns = INT64_MAX;
    h->max_ns = 0;
}

void ss_hist_add_slow(ss_hist *h, int row, int sub)
{
    h->rows[row] = ss_calloc(SS_HIST_SUB, sizeof h->rows[row][0]);
    h->rows[row][sub]++;
}

void ss_hist_merge(ss_hist *dst, const ss_hist *src)
{
    for (int r = 0; r < SS_HIST_ROWS; r++) {
        if (!src->rows[r])
            continue;
        if (!dst->rows[r])
            dst->rows[r] = ss_calloc(SS_HIST_SUB, sizeof dst->rows[r][0]);
        for (int s = 0; s < SS_HIST_SUB; s++)
            dst->rows[r][s] += src->rows[r][s];
    }
    dst->n += src->n;
    dst->sum_ns += src->sum_ns;
    if (src->min_ns < dst->min_ns)
        dst->min_ns = src->min_ns;
    if (src->max_ns > dst->max_ns)
        dst->max_ns = src->max_ns;
}

/* Lower bound and width of bucket (row, sub), in ns. */
static void bucket_bounds(int row, int sub, double *lo, double *width)
{
    if (row == 0) {
        *lo = sub;
        *width = 1;
        return;
    }
    int e = row + SS_HIST_SUB_BITS - 1;
    double unit = (double)(1ULL << (e - SS_HIST_SUB_BITS));
    *lo = (double)(SS_HIST_SUB + sub) * unit;
    *width = unit;
}

bool ss_hist_quantile(const ss_hist *h, double q, double *out_ns)
{
    if (h->n == 0)
        return false;
    if (q <= 0)
        q = 0;
    if (q > 1)
        q = 1;
    /* Nearest rank: the smallest value with at least ceil(q n) samples at
     * or below it. */
    uint64_t rank = (uint64_t)(q * (double)h->n);
    if ((double)rank < q * (double)h->n)
        rank++;
    if (rank < 1)
        rank = 1;
    uint64_t seen = 0;
    for (int r = 0; r < SS_HIST_ROWS; r++) {
        if (!h->rows[r])
            continue;
        for (int s = 0; s < SS_HIST_SUB; s++) {
            uint64_t c = h->rows[r][s];
            seen += c;
            if (seen >= rank) {
                double lo, width;
                bucket_bounds(r, s, &lo, &width);
                /* The bucket's c samples are taken as spread evenly over
                 * it, the j-th at lo + width (j - 1/2) / c. Reporting the
                 * midpoint instead made every replication whose quantile
                 * fell in one bucket report the same value, so a 95%
                 * interval collapsed to +-0 and an SLO verdict on a
                 * percentile near its limit looked certain when it was
                 * not. */
                double j = (double)(rank - (seen - c));
                double mid = width <= 1 ? lo : lo + width * (j - 0.5) / (double)c;
                /* The extremes are known exactly; never report outside them. */
                if (mid < (double)h->min_ns)
                    mid = (double)h->min_ns;
                if (mid > (double)h->max_ns)
                    mid = (double)h->max_ns;
                *out_ns = mid;
                return true;
            }
        }
    }
    *out_ns = (double)h->max_ns;
    return true;
}

bool ss_hist_mean(const ss_hist *h, double *out_ns)
{
    if (h->n == 0)
        return false;
    *out_ns = h->sum_ns / (double)h->n;
    return true;
}
