/* SPDX-License-Identifier: MIT */
/*
 * Tests for model/stats against values computed once with scipy 1.10.1
 * (scipy.stats.t.cdf, t.sf, t.ppf, norm.cdf, norm.ppf, special.betainc,
 * stats.ttest_rel, stats.ttest_ind(equal_var=False), t.interval,
 * binomtest().proportion_ci(method="wilson")) and written here;
 * tests/cli/t1000-samples.sh recomputes a paired test and
 * tests/cli/t1100-compare.sh Welch tests and intervals with scipy on the
 * machine.
 */
#include <math.h>

#include "harness.h"
#include "model/stats.h"

static void test_acc(void)
{
    struct stats_acc a = STATS_ACC_INIT;
    struct stats_acc big = STATS_ACC_INIT;
    int i;

    OK(isnan(stats_acc_sd(&a)));
    stats_acc_add(&a, 2);
    OK(isnan(stats_acc_sd(&a)));
    stats_acc_add(&a, 4);
    stats_acc_add(&a, 9);
    DBL_EQ(a.mean, 5.0, 1e-15);
    DBL_EQ(stats_acc_sd(&a), sqrt(13.0), 1e-14);
    /* Values near 1e9 with a spread of 1: a naive sum of squares loses
     * every digit here, Welford keeps them. */
    for (i = 0; i < 1000; i++)
        stats_acc_add(&big, 1e9 + (i % 2));
    DBL_EQ(big.mean, 1e9 + 0.5, 1e-6);
    DBL_EQ(stats_acc_sd(&big), sqrt(0.25 * 1000 / 999), 1e-9);
}

static void test_incbeta(void)
{
    DBL_EQ(stats_incbeta(2.5, 0.5, 0.3), 0.01892712407194565, 1e-14);
    DBL_EQ(stats_incbeta(10, 3, 0.9), 0.889130022255, 1e-12);
    DBL_EQ(stats_incbeta(3, 4, 0), 0, 0);
    DBL_EQ(stats_incbeta(3, 4, 1), 1, 0);
    OK(isnan(stats_incbeta(3, 4, 1.5)));
    OK(isnan(stats_incbeta(-1, 4, 0.5)));
}

static void test_t_cdf(void)
{
    /* t, df, cdf, two-sided p */
    static const double cases[][4] = {
        { 0.5, 3, 0.6742760175759246, 0.651447964848151 },
        { -1.7, 10, 0.05998467295451019, 0.11996934590902038 },
        { 2.5, 1, 0.8788810584091566, 0.2422378831816867 },
        { 3.2, 29.5, 0.9983611415938466, 0.003277716812306846 },
        { 12, 4, 0.9998617857257486, 0.000276428548502973 },
        { 0.01, 1000, 0.5039883590339064, 0.9920232819321873 },
        { -40, 2, 0.0003122073360923703, 0.0006244146721847406 },
    };
    size_t i;

    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        DBL_EQ(stats_t_cdf(cases[i][0], cases[i][1]), cases[i][2], 1e-12);
        /* Relative: small p-values must keep their digits. */
        DBL_EQ(stats_t_p2(cases[i][0], cases[i][1]) / cases[i][3], 1.0,
               1e-10);
    }
    DBL_EQ(stats_t_cdf(0, 7), 0.5, 1e-15);
    DBL_EQ(stats_t_cdf(INFINITY, 7), 1.0, 0);
    DBL_EQ(stats_t_cdf(-INFINITY, 7), 0.0, 0);
    OK(isnan(stats_t_cdf(NAN, 7)));
    OK(isnan(stats_t_cdf(1, 0)));
}

static void test_t_quantile(void)
{
    /* p, df, quantile */
    static const double cases[][3] = {
        { 0.975, 1, 12.706204736432095 },
        { 0.975, 2, 4.302652729911275 },
        { 0.975, 9, 2.2621571627409915 },
        { 0.975, 29, 2.045229642132703 },
        { 0.995, 5.5, 3.849911466001553 },
        { 0.025, 4, -2.7764451051977996 },
        { 0.9999, 3, 22.203742266780633 },
        { 0.6, 100, 0.25402218245699415 },
    };
    size_t i;

    /* scipy's t.ppf is itself only good to about 1e-10 relative (for df
     * 1 and 2 it is 2e-11 and 4e-11 off the closed forms below), so the
     * comparison with it allows 1e-9; the closed forms are held to 1e-14. */
    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
        DBL_EQ(stats_t_quantile(cases[i][0], cases[i][1]) / cases[i][2], 1.0,
               1e-9);
    /* df = 1 (Cauchy): tan(pi (p - 1/2)); df = 2: (2p - 1) sqrt(2 / (4p
     * (1 - p))). */
    DBL_EQ(stats_t_quantile(0.975, 1) / tan(M_PI * 0.475), 1.0, 1e-14);
    DBL_EQ(stats_t_quantile(0.975, 2) / (0.95 * sqrt(2 / (4 * 0.975 * 0.025))),
           1.0, 1e-14);
    DBL_EQ(stats_t_quantile(0.5, 3), 0.0, 0);
    OK(isinf(stats_t_quantile(1, 3)) && stats_t_quantile(1, 3) > 0);
    OK(isnan(stats_t_quantile(1.5, 3)));
    /* The quantile inverts the CDF. */
    DBL_EQ(stats_t_cdf(stats_t_quantile(0.83, 6.5), 6.5), 0.83, 1e-13);
}

static void test_normal(void)
{
    DBL_EQ(stats_normal_cdf(0.5), 0.6914624612740131, 1e-15);
    DBL_EQ(stats_normal_cdf(-1.96), 0.024997895148220435, 1e-15);
    DBL_EQ(stats_normal_cdf(3), 0.9986501019683699, 1e-15);
    DBL_EQ(stats_normal_quantile(0.975), 1.959963984540054, 1e-12);
    DBL_EQ(stats_normal_quantile(0.001), -3.090232306167813, 1e-12);
}

static void test_paired(void)
{
    static const double a[] = { 0.62, 0.71, 0.55, 0.80, 0.47, 0.66,
                                0.73, 0.59, 0.68, 0.52, 0.77, 0.61 };
    static const double b[] = { 0.70, 0.69, 0.63, 0.85, 0.55, 0.64,
                                0.81, 0.66, 0.72, 0.60, 0.79, 0.70 };
    struct stats_ttest t;
    static const double same[] = { 1, 2, 3 };
    static const double shifted[] = { 2, 3, 4 };

    stats_paired(&t, a, b, 12, 0.95);
    INT_EQ(t.n, 12);
    DBL_EQ(t.mean, 0.05249999999999999, 1e-14);
    DBL_EQ(t.sd, 0.039571569224748866, 1e-13);
    DBL_EQ(t.t, 4.595858550916141, 1e-10);
    DBL_EQ(t.p, 0.0007701187150481972, 1e-13);
    DBL_EQ(t.lo, 0.02735742443458781, 1e-12);
    DBL_EQ(t.hi, 0.07764257556541218, 1e-12);
    DBL_EQ(t.df, 11, 0);

    /* Identical scores: no test, an interval of width zero. */
    stats_paired(&t, same, same, 3, 0.95);
    OK(isnan(t.t) && isnan(t.p));
    DBL_EQ(t.lo, 0, 0);
    /* A constant shift: certain, infinite t. */
    stats_paired(&t, same, shifted, 3, 0.95);
    OK(isinf(t.t) && t.t > 0);
    DBL_EQ(t.p, 0, 0);
    /* One pair: nothing to test. */
    stats_paired(&t, a, b, 1, 0.95);
    OK(isnan(t.t) && isnan(t.lo) && isnan(t.sd));
    DBL_EQ(t.mean, 0.08, 1e-15);
}

/* Summarises vals into mean and sd, as callers hand them to stats_*. */
static void summarise(const double *vals, size_t n, double *mean, double *sd)
{
    struct stats_acc acc = STATS_ACC_INIT;
    size_t i;

    for (i = 0; i < n; i++)
        stats_acc_add(&acc, vals[i]);
    *mean = acc.mean;
    *sd = stats_acc_sd(&acc);
}

static void test_mean_ci(void)
{
    static const double x[] = { 0.712, 0.698, 0.731 };
    double m, sd, lo, hi;

    summarise(x, 3, &m, &sd);
    /* scipy.stats.t.interval(0.95, 2, loc=mean, scale=sem); its t.ppf at
     * df 2 is 4e-11 relative off the closed form (test_t_quantile), hence
     * 1e-10 here. */
    stats_mean_ci(&lo, &hi, m, sd, 3, 0.95);
    DBL_EQ(lo, 0.6725218664238423, 1e-10);
    DBL_EQ(hi, 0.7548114669094911, 1e-10);
    stats_mean_ci(&lo, &hi, m, sd, 1, 0.95);
    OK(isnan(lo) && isnan(hi));
    stats_mean_ci(&lo, &hi, NAN, sd, 3, 0.95);
    OK(isnan(lo) && isnan(hi));
    /* No spread: an interval of width zero. */
    stats_mean_ci(&lo, &hi, 0.5, 0, 4, 0.95);
    DBL_EQ(lo, 0.5, 0);
    DBL_EQ(hi, 0.5, 0);
}

static void test_welch(void)
{
    static const double a[] = { 0.712, 0.698, 0.731 };
    static const double b[] = { 0.745, 0.760, 0.739, 0.751 };
    static const double a2[] = { 0.61, 0.70, 0.64 };
    static const double b2[] = { 0.66, 0.62, 0.69, 0.60, 0.63 };
    struct stats_welch w;
    double ma, sa, mb, sb;

    summarise(a, 3, &ma, &sa);
    summarise(b, 4, &mb, &sb);
    stats_welch(&w, ma, sa, 3, mb, sb, 4, 0.95);
    INT_EQ(w.na, 3);
    INT_EQ(w.nb, 4);
    DBL_EQ(w.diff, 0.035083333333333244, 1e-14);
    DBL_EQ(w.se, 0.010559684864826443, 1e-14);
    DBL_EQ(w.df, 2.8813882205630277, 1e-11);
    DBL_EQ(w.t, 3.3223845012831137, 1e-11);
    DBL_EQ(w.p / 0.04770763541402129, 1.0, 1e-9);
    DBL_EQ(w.lo, 0.0006813843133369191, 1e-10);
    DBL_EQ(w.hi, 0.06948528235332957, 1e-10);

    /* Within noise: B a little worse. */
    summarise(a2, 3, &ma, &sa);
    summarise(b2, 5, &mb, &sb);
    stats_welch(&w, ma, sa, 3, mb, sb, 5, 0.95);
    DBL_EQ(w.diff, -0.01000000000000012, 1e-14);
    DBL_EQ(w.df, 3.4628297362110314, 1e-11);
    DBL_EQ(w.t, -0.3244428422615291, 1e-11);
    DBL_EQ(w.p, 0.7642350391595476, 1e-11);
    OK(w.lo < 0 && w.hi > 0);

    /* One value on a side: a difference, no test. */
    stats_welch(&w, 0.7, NAN, 1, mb, sb, 5, 0.95);
    DBL_EQ(w.diff, mb - 0.7, 1e-15);
    OK(isnan(w.t) && isnan(w.p) && isnan(w.lo) && isnan(w.df));
    /* No spread at all and a difference: certain. */
    stats_welch(&w, 1, 0, 3, 2, 0, 3, 0.95);
    OK(isinf(w.t) && w.t > 0);
    DBL_EQ(w.p, 0, 0);
    DBL_EQ(w.lo, 1, 0);
    /* No spread and no difference: nothing to test. */
    stats_welch(&w, 1, 0, 3, 1, 0, 3, 0.95);
    OK(isnan(w.t) && isnan(w.p));
    /* An empty side: not even a difference. */
    stats_welch(&w, NAN, NAN, 0, 1, 0, 3, 0.95);
    OK(isnan(w.diff));
}

static void test_wilson(void)
{
    /* k, n, lo, hi */
    static const double cases[][4] = {
        { 42, 50, 0.7148578393696501, 0.916625793219666 },
        { 0, 20, 0.0, 0.16112515805281935 },
        { 300, 1000, 0.27240684247700486, 0.32912386091721724 },
        { 1, 1, 0.20654931437723745, 1.0 },
        { 20, 20, 0.8388748419471808, 1.0 },
    };
    size_t i;
    double lo, hi;

    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        stats_wilson(&lo, &hi, cases[i][0] / cases[i][1], cases[i][1], 0.95);
        DBL_EQ(lo, cases[i][2], 1e-12);
        DBL_EQ(hi, cases[i][3], 1e-12);
    }
    stats_wilson(&lo, &hi, 1.2, 10, 0.95);
    OK(isnan(lo) && isnan(hi));
    stats_wilson(&lo, &hi, 0.5, 0, 0.95);
    OK(isnan(lo) && isnan(hi));
    stats_wilson(&lo, &hi, NAN, 10, 0.95);
    OK(isnan(lo) && isnan(hi));
}

static void test_two_prop(void)
{
    struct stats_welch w;

    /* Newcombe from scipy's Wilson intervals; z and p from
     * scipy.stats.norm.sf on the pooled z. */
    stats_two_prop(&w, 270.0 / 500, 500, 301.0 / 500, 500, 0.95);
    DBL_EQ(w.diff, 0.061999999999999944, 1e-14);
    DBL_EQ(w.lo, 0.0006649633183095707, 1e-12);
    DBL_EQ(w.hi, 0.1226803079123269, 1e-12);
    DBL_EQ(w.t, 1.9806830890598397, 1e-12);
    DBL_EQ(w.p, 0.047626824393415715, 1e-12);
    stats_two_prop(&w, 40.0 / 50, 50, 45.0 / 50, 50, 0.95);
    DBL_EQ(w.lo, -0.04343178591209204, 1e-12);
    DBL_EQ(w.hi, 0.24209715781408725, 1e-12);
    DBL_EQ(w.p, 0.16142946236708322, 1e-12);
    /* Both at 1: no test, but an interval. */
    stats_two_prop(&w, 1, 50, 1, 50, 0.95);
    OK(isnan(w.p) && w.lo < 0 && w.hi > 0);
    stats_two_prop(&w, 1.5, 50, 1, 50, 0.95);
    OK(isnan(w.diff) && isnan(w.lo));
}

int main(void)
{
    RUN(test_acc);
    RUN(test_incbeta);
    RUN(test_t_cdf);
    RUN(test_t_quantile);
    RUN(test_normal);
    RUN(test_paired);
    RUN(test_mean_ci);
    RUN(test_welch);
    RUN(test_wilson);
    RUN(test_two_prop);
    return harness_finish("test_stats");
}
