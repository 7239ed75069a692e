/* SPDX-License-Identifier: MIT */
/* Tests for plot/decimate: every column keeps its first, last, minimum and
 * maximum point in order; non-finite values survive as gaps; memory stays
 * bounded by the number of columns. */
#include <math.h>
#include <stdlib.h>

#include "harness.h"
#include "plot/decimate.h"

static unsigned long long rng_state = 0x9E3779B97F4A7C15ULL;

static double urand(void)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return (double)(rng_state >> 11) / 9007199254740992.0;
}

/* Index of (x, y) in the output, or -1. */
static long find(const struct decimate_point *p, size_t len, double x,
                 double y)
{
    size_t i;

    for (i = 0; i < len; i++) {
        if (p[i].x == x && p[i].y == y)
            return (long)i;
    }
    return -1;
}

static void test_keeps_extremes_in_order(void)
{
    enum { N = 20000, COLS = 97 };
    static double xs[N];
    static double ys[N];
    struct decimate d;
    const struct decimate_point *p;
    size_t len;
    long col;
    size_t i;
    int missing = 0;
    int disorder = 0;

    decimate_init(&d, 0, N - 1, COLS);
    for (i = 0; i < N; i++) {
        xs[i] = (double)i;
        ys[i] = sin((double)i / 300.0) + (urand() - 0.5);
        decimate_push(&d, xs[i], ys[i]);
    }
    p = decimate_points(&d, &len);
    OK(len <= 4 * COLS);
    OK(len >= 2 * COLS);
    for (i = 1; i < len; i++)
        disorder += p[i].x < p[i - 1].x;
    INT_EQ(disorder, 0);
    /* Brute force: each column's first, last, min and max are present,
     * and min and max appear in the order they arrived. */
    for (col = 0; col < COLS; col++) {
        long first = -1;
        long last = -1;
        long lo = -1;
        long hi = -1;
        long at_lo;
        long at_hi;
        for (i = 0; i < N; i++) {
            long c = (long)(xs[i] * COLS / (N - 1));
            if (c >= COLS)
                c = COLS - 1;
            if (c != col)
                continue;
            if (first < 0)
                first = lo = hi = (long)i;
            last = (long)i;
            if (ys[i] < ys[lo])
                lo = (long)i;
            if (ys[i] > ys[hi])
                hi = (long)i;
        }
        if (first < 0)
            continue;
        missing += find(p, len, xs[first], ys[first]) < 0;
        missing += find(p, len, xs[last], ys[last]) < 0;
        at_lo = find(p, len, xs[lo], ys[lo]);
        at_hi = find(p, len, xs[hi], ys[hi]);
        missing += at_lo < 0 || at_hi < 0;
        disorder += (lo < hi) != (at_lo < at_hi);
    }
    INT_EQ(missing, 0);
    INT_EQ(disorder, 0);
    decimate_release(&d);
}

static void test_small_runs_kept_whole(void)
{
    struct decimate d;
    const struct decimate_point *p;
    size_t len;

    /* Fewer points than columns: nothing is dropped. */
    decimate_init(&d, 0, 4, 1000);
    decimate_push(&d, 0, 1);
    decimate_push(&d, 1, 3);
    decimate_push(&d, 2, 2);
    decimate_push(&d, 3, 5);
    decimate_push(&d, 4, 4);
    p = decimate_points(&d, &len);
    INT_EQ(len, 5);
    DBL_EQ(p[3].y, 5, 0);
    decimate_release(&d);

    /* One column: first, min, max, last of 5 points. */
    decimate_init(&d, 0, 4, 1);
    decimate_push(&d, 0, 1);
    decimate_push(&d, 1, 9);  /* max, before the min */
    decimate_push(&d, 2, -3); /* min */
    decimate_push(&d, 3, 2);
    decimate_push(&d, 4, 4);
    p = decimate_points(&d, &len);
    INT_EQ(len, 4);
    DBL_EQ(p[0].y, 1, 0);
    DBL_EQ(p[1].y, 9, 0);
    DBL_EQ(p[2].y, -3, 0);
    DBL_EQ(p[3].y, 4, 0);
    decimate_release(&d);
}

static void test_nan_is_a_gap(void)
{
    struct decimate d;
    const struct decimate_point *p;
    size_t len;
    size_t i;
    long gap;

    /* All in one column: finite run, NaN, finite run. */
    decimate_init(&d, 0, 100, 1);
    for (i = 0; i < 10; i++)
        decimate_push(&d, (double)i, (double)i);
    decimate_push(&d, 10, NAN);
    decimate_push(&d, 11, NAN); /* same column, same kind: collapsed */
    for (i = 12; i < 20; i++)
        decimate_push(&d, (double)i, -(double)i);
    p = decimate_points(&d, &len);
    gap = -1;
    for (i = 0; i < len; i++) {
        if (isnan(p[i].y)) {
            OK(gap < 0);
            gap = (long)i;
        }
    }
    OK(gap > 0);
    DBL_EQ(p[gap].x, 10, 0);
    /* Each side of the gap keeps its own first and last. */
    OK(find(p, (size_t)gap, 0, 0) >= 0);
    OK(find(p, (size_t)gap, 9, 9) >= 0);
    OK(find(p + gap, len - (size_t)gap, 12, -12) >= 0);
    OK(find(p + gap, len - (size_t)gap, 19, -19) >= 0);
    decimate_release(&d);
}

static void test_inf_kinds_and_columns(void)
{
    struct decimate d;
    const struct decimate_point *p;
    size_t len;
    size_t i;
    int nan = 0;
    int pinf = 0;
    int ninf = 0;

    decimate_init(&d, 0, 100, 10);
    decimate_push(&d, 1, 1);
    decimate_push(&d, 2, INFINITY);
    decimate_push(&d, 3, -INFINITY); /* other kind: kept */
    decimate_push(&d, 4, NAN);
    decimate_push(&d, 5, NAN);  /* collapsed */
    decimate_push(&d, 55, NAN); /* other column: kept */
    decimate_push(&d, 60, 2);
    p = decimate_points(&d, &len);
    for (i = 0; i < len; i++) {
        nan += isnan(p[i].y);
        pinf += isinf(p[i].y) && p[i].y > 0;
        ninf += isinf(p[i].y) && p[i].y < 0;
    }
    INT_EQ(nan, 2);
    INT_EQ(pinf, 1);
    INT_EQ(ninf, 1);
    INT_EQ(len, 6);
    decimate_release(&d);
}

static void test_odd_input(void)
{
    struct decimate d;
    const struct decimate_point *p;
    size_t len;
    size_t i;

    /* Non-finite x is dropped and counted. */
    decimate_init(&d, 0, 10, 10);
    decimate_push(&d, NAN, 1);
    decimate_push(&d, INFINITY, 1);
    decimate_push(&d, 1, 1);
    p = decimate_points(&d, &len);
    INT_EQ(len, 1);
    INT_EQ(d.dropped, 2);
    INT_EQ(d.pushed, 3);
    decimate_release(&d);

    /* An empty x range: one column. */
    decimate_init(&d, 5, 5, 100);
    for (i = 0; i < 1000; i++)
        decimate_push(&d, 5, urand());
    p = decimate_points(&d, &len);
    OK(len <= 4);
    decimate_release(&d);

    /* x outside the range goes to the edge columns. */
    decimate_init(&d, 0, 10, 10);
    decimate_push(&d, -100, 1);
    decimate_push(&d, 1e9, 2);
    p = decimate_points(&d, &len);
    INT_EQ(len, 2);
    DBL_EQ(p[0].x, -100, 0);
    DBL_EQ(p[1].x, 1e9, 0);
    decimate_release(&d);

    /* Reading out, then pushing more, then reading again. */
    decimate_init(&d, 0, 10, 1);
    decimate_push(&d, 1, 1);
    p = decimate_points(&d, &len);
    INT_EQ(len, 1);
    decimate_push(&d, 2, 2);
    p = decimate_points(&d, &len);
    INT_EQ(len, 2);
    DBL_EQ(p[1].y, 2, 0);
    decimate_release(&d);
    p = decimate_points(&d, &len);
    INT_EQ(len, 0);
}

static void test_bounded_output(void)
{
    struct decimate d;
    size_t len;
    size_t i;

    /* A million noisy points into 500 columns: at most 4 per column. */
    decimate_init(&d, 0, 1e6, 500);
    for (i = 0; i < 1000000; i++)
        decimate_push(&d, (double)i, urand());
    decimate_points(&d, &len);
    OK(len <= 2000);
    OK(d.cap <= 4096);
    decimate_release(&d);
}

int main(void)
{
    RUN(test_keeps_extremes_in_order);
    RUN(test_small_runs_kept_whole);
    RUN(test_nan_is_a_gap);
    RUN(test_inf_kinds_and_columns);
    RUN(test_odd_input);
    RUN(test_bounded_output);
    return harness_finish("test_decimate");
}
