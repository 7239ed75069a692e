/* SPDX-License-Identifier: MIT */
/* Tests for plot/ticks: tick placement on awkward ranges and compact
 * labels. */
#include <math.h>

#include "harness.h"
#include "plot/ticks.h"

/* The labels of t joined by spaces, formatted with t's step. */
static const char *labels(const struct ticks *t, int duration)
{
    static char out[512];
    char one[64];
    size_t i;

    out[0] = '\0';
    for (i = 0; i < t->len; i++) {
        if (duration)
            ticks_format_duration(one, sizeof(one), t->items[i], t->step);
        else
            ticks_format(one, sizeof(one), t->items[i], t->step);
        if (i > 0)
            strcat(out, " ");
        strcat(out, one);
    }
    return out;
}

/* Ticks lie in [lo, hi], increase by exactly one step, and the step is
 * 1, 2, 2.5 or 5 times a power of ten. */
static int well_formed(const struct ticks *t, int max)
{
    double m;
    size_t i;

    if (t->len < 2 || t->len > (size_t)max)
        return 0;
    m = t->step / pow(10, floor(log10(t->step)));
    if (!(fabs(m - 1) < 1e-9 || fabs(m - 2) < 1e-9 || fabs(m - 2.5) < 1e-9 ||
          fabs(m - 5) < 1e-9))
        return 0;
    for (i = 0; i < t->len; i++) {
        double eps = 1e-9 * t->step;
        if (t->items[i] < t->lo - eps || t->items[i] > t->hi + eps)
            return 0;
        if (i > 0 &&
            fabs(t->items[i] - t->items[i - 1] - t->step) > 1e-6 * t->step)
            return 0;
    }
    return 1;
}

static void test_unit_range(void)
{
    struct ticks t;

    ticks_linear(&t, 0, 1, 6);
    STR_EQ(labels(&t, 0), "0 0.2 0.4 0.6 0.8 1");
    OK(well_formed(&t, 6));
    DBL_EQ(t.lo, 0, 0);
    DBL_EQ(t.hi, 1, 0);
    ticks_linear(&t, 0, 1, 5);
    STR_EQ(labels(&t, 0), "0 0.25 0.5 0.75 1");
}

static void test_tiny_range(void)
{
    struct ticks t;

    ticks_linear(&t, 1e-5, 3e-5, 6);
    STR_EQ(labels(&t, 0), "1e-5 1.5e-5 2e-5 2.5e-5 3e-5");
    OK(well_formed(&t, 6));
    ticks_linear(&t, 0, 0.002, 6);
    STR_EQ(labels(&t, 0), "0 5e-4 1e-3 1.5e-3 2e-3");
}

static void test_wide_range(void)
{
    struct ticks t;

    ticks_linear(&t, -3, 1e6, 7);
    STR_EQ(labels(&t, 0), "0 200k 400k 600k 800k 1M");
    OK(well_formed(&t, 7));
    ticks_linear(&t, 0, 1e12, 6);
    STR_EQ(labels(&t, 0), "0 200G 400G 600G 800G 1T");
    ticks_linear(&t, 0, 9800, 8);
    STR_EQ(labels(&t, 0), "0 2k 4k 6k 8k");
    ticks_linear(&t, 0, 2500, 6);
    STR_EQ(labels(&t, 0), "0 500 1k 1.5k 2k 2.5k");
}

static void test_constant_and_single(void)
{
    struct ticks t;

    ticks_linear(&t, 5, 5, 6); /* a constant series */
    OK(t.lo < 5 && t.hi > 5);
    OK(well_formed(&t, 6));
    STR_EQ(labels(&t, 0), "4.6 4.8 5 5.2 5.4");
    ticks_linear(&t, 0, 0, 6); /* a single point at 0 */
    DBL_EQ(t.lo, -1, 0);
    DBL_EQ(t.hi, 1, 0);
    STR_EQ(labels(&t, 0), "-1 -0.5 0 0.5 1");
    ticks_linear(&t, 1e12, 1e12, 6); /* a single huge point */
    STR_EQ(labels(&t, 0), "900G 950G 1T 1.05T 1.1T");
    ticks_linear(&t, 3, 2, 6); /* reversed */
    DBL_EQ(t.lo, 2, 0);
    DBL_EQ(t.hi, 3, 0);
    ticks_linear(&t, NAN, 1, 6);
    DBL_EQ(t.lo, 0, 0);
    DBL_EQ(t.hi, 1, 0);
}

static void test_negative_only(void)
{
    struct ticks t;

    ticks_linear(&t, -7, -2, 6);
    STR_EQ(labels(&t, 0), "-7 -6 -5 -4 -3 -2");
    ticks_linear(&t, -0.3, 0.1, 5);
    STR_EQ(labels(&t, 0), "-0.3 -0.2 -0.1 0 0.1"); /* never "-0" */
}

static void test_many_ranges_well_formed(void)
{
    static const double los[] = { -1e9, -5, 0, 0.001, 3, 17, 1e-12 };
    static const double spans[] = { 1e-9, 0.37, 1, 7, 123, 1e5, 3.3e10 };
    struct ticks t;
    size_t i;
    size_t j;
    int max;
    int bad = 0;

    for (i = 0; i < sizeof(los) / sizeof(los[0]); i++)
        for (j = 0; j < sizeof(spans) / sizeof(spans[0]); j++)
            for (max = 3; max <= 10; max++) {
                double lo = los[i];
                double hi = lo + spans[j] * fmax(1, fabs(lo));
                ticks_linear(&t, lo, hi, max);
                bad += !well_formed(&t, max);
            }
    INT_EQ(bad, 0);
}

static void test_log(void)
{
    struct ticks t;

    ticks_log(&t, 1e-4, 10, 8);
    STR_EQ(labels(&t, 0), "1e-4 0.001 0.01 0.1 1 10");
    OK(t.minor_len > 0);
    ticks_log(&t, 0.05, 3, 8);
    STR_EQ(labels(&t, 0), "0.05 0.1 0.2 0.5 1 2");
    ticks_log(&t, 2.1, 3.5, 6); /* less than a decade: linear ticks */
    STR_EQ(labels(&t, 0), "2.25 2.5 2.75 3 3.25 3.5");
    ticks_log(&t, 1e-30, 1e30, 8); /* many decades: every 10th */
    OK(t.len <= 8 && t.len >= 2);
    INT_EQ(t.minor_len, 0);
}

static void test_duration(void)
{
    struct ticks t;

    ticks_duration(&t, 0, 5400, 8);
    STR_EQ(labels(&t, 1), "0 15m 30m 45m 1h 1h15m 1h30m");
    ticks_duration(&t, 0, 3.5 * 86400, 8);
    STR_EQ(labels(&t, 1), "0 12h 1d 1d12h 2d 2d12h 3d 3d12h");
    ticks_duration(&t, 0, 1.5, 6);
    STR_EQ(labels(&t, 1), "0 0.5s 1s 1.5s");
    ticks_duration(&t, 0, 400 * 86400.0, 8);
    OK(t.len <= 8 && t.len >= 2);
}

static void test_format_compact(void)
{
    char b[64];

    STR_EQ(ticks_format(b, sizeof(b), 0.734, 0), "0.734");
    STR_EQ(ticks_format(b, sizeof(b), 0.25, 0), "0.25");
    STR_EQ(ticks_format(b, sizeof(b), 1000, 0), "1k");
    STR_EQ(ticks_format(b, sizeof(b), 12345, 0), "12.3k");
    STR_EQ(ticks_format(b, sizeof(b), 2.5e6, 0), "2.5M");
    STR_EQ(ticks_format(b, sizeof(b), 999960, 0), "1M");
    STR_EQ(ticks_format(b, sizeof(b), 3e12, 0), "3T");
    STR_EQ(ticks_format(b, sizeof(b), 1e15, 0), "1e15");
    STR_EQ(ticks_format(b, sizeof(b), 1e-4, 0), "1e-4");
    STR_EQ(ticks_format(b, sizeof(b), 2.5e-5, 0), "2.5e-5");
    STR_EQ(ticks_format(b, sizeof(b), 0.00125, 0), "0.00125");
    STR_EQ(ticks_format(b, sizeof(b), 9.996, 0), "10");
    STR_EQ(ticks_format(b, sizeof(b), -0.25, 0), "-0.25");
    STR_EQ(ticks_format(b, sizeof(b), 0, 0), "0");
    STR_EQ(ticks_format(b, sizeof(b), -1e-20, 1), "0");
    STR_EQ(ticks_format(b, sizeof(b), NAN, 0), "NaN");
    STR_EQ(ticks_format(b, sizeof(b), INFINITY, 0), "inf");
    STR_EQ(ticks_format(b, sizeof(b), -INFINITY, 0), "-inf");
    /* With a step: the step's digits, trailing zeros dropped. */
    STR_EQ(ticks_format(b, sizeof(b), 0.3, 0.1), "0.3");
    STR_EQ(ticks_format(b, sizeof(b), 1250, 250), "1.25k");
    STR_EQ(ticks_format(b, sizeof(b), 1500, 250), "1.5k");
    STR_EQ(ticks_format(b, sizeof(b), 500, 250), "500");
    STR_EQ(ticks_format(b, sizeof(b), 1e6 + 2, 2), "1.000002M");
    /* Truncation is safe. */
    STR_EQ(ticks_format(b, 3, 12345, 0), "12");
}

static void test_format_duration(void)
{
    char b[64];

    STR_EQ(ticks_format_duration(b, sizeof(b), 5400, 0), "1h30m");
    STR_EQ(ticks_format_duration(b, sizeof(b), 90, 0), "1m30s");
    STR_EQ(ticks_format_duration(b, sizeof(b), 129600, 0), "1d12h");
    STR_EQ(ticks_format_duration(b, sizeof(b), 3599.6, 0), "1h");
    STR_EQ(ticks_format_duration(b, sizeof(b), 86399.9, 0), "1d");
    STR_EQ(ticks_format_duration(b, sizeof(b), 3661, 1), "1h1m1s");
    STR_EQ(ticks_format_duration(b, sizeof(b), 0.25, 0.25), "0.25s");
    STR_EQ(ticks_format_duration(b, sizeof(b), -120, 60), "-2m");
    STR_EQ(ticks_format_duration(b, sizeof(b), 0, 60), "0");
}

/* Whole-number axes: a step of at least 1, never 2.5. */
static void test_integer(void)
{
    struct ticks t;
    double lo, hi;
    size_t i;

    ticks_integer(&t, 0, 4, 10);
    STR_EQ(labels(&t, 0), "0 1 2 3 4");
    ticks_integer(&t, 0, 1, 10);
    STR_EQ(labels(&t, 0), "0 1");
    ticks_integer(&t, 0, 3000, 8);
    OK(well_formed(&t, 8));
    DBL_EQ(t.step, 500, 0);
    for (hi = 1; hi < 60; hi += 1.0) {
        for (lo = 0; lo < 3; lo += 1.0) {
            ticks_integer(&t, lo, hi + lo, 7);
            OK(t.step >= 1 && t.step == floor(t.step));
            OK(t.len >= 1 && t.len <= 7);
            for (i = 0; i < t.len; i++)
                OK(t.items[i] == floor(t.items[i]));
        }
    }
}

int main(void)
{
    RUN(test_integer);
    RUN(test_unit_range);
    RUN(test_tiny_range);
    RUN(test_wide_range);
    RUN(test_constant_and_single);
    RUN(test_negative_only);
    RUN(test_many_ranges_well_formed);
    RUN(test_log);
    RUN(test_duration);
    RUN(test_format_compact);
    RUN(test_format_duration);
    return harness_finish("test_ticks");
}
