/* SPDX-License-Identifier: MIT */
/*
 * Statistics: the one module where lablog computes distributions, tests and
 * intervals. Pure C over numbers the caller hands in: no SQL, no I/O, no
 * allocation.
 *
 * What is here:
 *
 *  - a running accumulator (count, mean, sample standard deviation) that
 *    takes values one at a time, in constant memory (Welford's update, so a
 *    million values near 1e9 keep their precision);
 *  - Student's t distribution: CDF, two-sided p-value and quantile, for any
 *    real df > 0, from our own regularized incomplete beta function;
 *  - the standard normal CDF and quantile;
 *  - the one-sample t test and interval of a mean, and the paired t test
 *    between two scores of the same examples (which is the one-sample test
 *    on their differences, B - A);
 *  - the Student t interval of a mean given as mean, sd and n (a setting's
 *    seeds, model/summary.h), and Welch's two-sample t test of B - A with
 *    its interval (unequal variances, Welch-Satterthwaite df);
 *  - the Wilson score interval of a proportion measured on n examples.
 *
 * Accuracy: the t CDF agrees with scipy.stats.t to about 1e-12 absolute
 * (tests/unit/test_stats.c holds values computed once with scipy, and
 * tests/cli/t1000-samples.sh recomputes a paired test with scipy).
 *
 * Conventions: a result that does not exist (a test on fewer than two
 * values, a p-value when every difference is zero) is NaN, never a made-up
 * number; callers print NaN as "n/a".
 */
#ifndef LABLOG_MODEL_STATS_H
#define LABLOG_MODEL_STATS_H

#include <stddef.h>

/* A running summary of values. Zero-initialise it (or STATS_ACC_INIT). */
struct stats_acc {
    size_t n;    /* values added */
    double mean; /* their mean; 0 while n == 0 */
    double m2;   /* sum of squared deviations from the mean */
};

#define STATS_ACC_INIT { 0, 0.0, 0.0 }

/* Adds one value. NaN and infinities are the caller's to leave out. */
void stats_acc_add(struct stats_acc *a, double x);

/* The sample standard deviation (n - 1 in the denominator); NaN when
 * n < 2. */
double stats_acc_sd(const struct stats_acc *a);

/* The regularized incomplete beta function I_x(a, b) for a, b > 0 and
 * 0 <= x <= 1; NaN outside that domain. */
double stats_incbeta(double a, double b, double x);

/* Student's t distribution with df > 0 degrees of freedom: P(T <= t). */
double stats_t_cdf(double t, double df);

/* Two-sided p-value of |T| >= |t|: 2 * P(T >= |t|), computed without the
 * cancellation of 1 - cdf for large t. */
double stats_t_p2(double t, double df);

/* The quantile: the t with P(T <= t) = p, for 0 < p < 1 (NaN outside;
 * -inf and inf at 0 and 1). */
double stats_t_quantile(double p, double df);

/* Standard normal CDF and quantile (0 < p < 1). */
double stats_normal_cdf(double x);
double stats_normal_quantile(double p);

/* A t test of a mean against zero, with its interval. */
struct stats_ttest {
    size_t n;       /* values */
    double mean;    /* their mean */
    double sd;      /* sample standard deviation; NaN when n < 2 */
    double se;      /* standard error sd / sqrt(n) */
    double df;      /* degrees of freedom, n - 1 */
    double t;       /* mean / se; NaN when n < 2 or se == 0 with mean 0,
                       +-inf when se == 0 with mean != 0 */
    double p;       /* two-sided p-value; NaN when t is NaN */
    double level;   /* confidence level of the interval, e.g. 0.95 */
    double lo, hi;  /* the interval mean -+ q * se; NaN when n < 2 */
};

/* Fills out from the accumulated values: a one-sample t test of mean = 0
 * and the level (e.g. 0.95) two-sided interval of the mean. */
void stats_ttest_acc(struct stats_ttest *out, const struct stats_acc *a,
                     double level);

/* The paired t test of b[i] - a[i] over n pairs (scipy.stats.ttest_rel(b,
 * a)), with the interval of the mean difference. */
void stats_paired(struct stats_ttest *out, const double *a, const double *b,
                  size_t n, double level);

/* The level (e.g. 0.95) Student t interval of a mean of n values with
 * sample standard deviation sd: mean -+ t_q(n - 1) sd / sqrt(n). NaN in
 * both ends when n < 2 or an argument is not finite. */
void stats_mean_ci(double *lo_out, double *hi_out, double mean, double sd,
                   size_t n, double level);

/* Welch's two-sample t test of mean B - mean A (scipy.stats.ttest_ind(b,
 * a, equal_var=False)), with the interval of the difference. */
struct stats_welch {
    size_t na, nb;  /* values in each sample */
    double diff;    /* mean B - mean A; NaN when a sample is empty */
    double se;      /* sqrt(sd_a^2 / n_a + sd_b^2 / n_b) */
    double df;      /* Welch-Satterthwaite degrees of freedom */
    double t;       /* diff / se; NaN when a sample has fewer than two
                       values or se == 0 with diff 0, +-inf when se == 0
                       with diff != 0 */
    double p;       /* two-sided p-value; NaN when t is NaN */
    double level;   /* confidence level of the interval */
    double lo, hi;  /* diff -+ t_q(df) se; NaN when t is NaN, diff itself
                       when se == 0 */
};

/* Fills out from each sample's mean, sample sd and count. */
void stats_welch(struct stats_welch *out, double mean_a, double sd_a,
                 size_t na, double mean_b, double sd_b, size_t nb,
                 double level);

/* The level Wilson score interval of a proportion p (0 <= p <= 1)
 * measured on n > 0 examples (scipy.stats.binomtest(k, n)
 * .proportion_ci(method="wilson") with p = k / n; p need not be a whole
 * count over n). NaN in both ends outside that domain. */
void stats_wilson(double *lo_out, double *hi_out, double p, double n,
                  double level);

/* The difference of two proportions measured on examples, pb - pa (pa
 * on na examples, pb on nb): Newcombe's hybrid score interval (from the
 * two Wilson intervals) and the pooled two-proportion z test, in a struct
 * stats_welch (df is inf: a normal test; se is the pooled standard
 * error). NaN where the inputs are outside stats_wilson()'s domain; with
 * both proportions 0 or both 1, no test (t and p NaN). */
void stats_two_prop(struct stats_welch *out, double pa, double na,
                    double pb, double nb, double level);

/* Fewer examples than this make a number "n < 300": the essay's minimum
 * for a clean signal. */
#define STATS_MIN_EXAMPLES 300

#endif
