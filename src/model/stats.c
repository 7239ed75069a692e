/* SPDX-License-Identifier: MIT */
/*
 * Statistics (see stats.h): running summaries, Student's t and normal
 * distributions, t tests and intervals.
 *
 * The t distribution rests on the regularized incomplete beta function,
 *
 *     P(|T| >= |t|) = I_x(df/2, 1/2)   with x = df / (df + t^2),
 *
 * evaluated by its continued fraction (modified Lentz), on whichever side
 * of the mean of the beta distribution converges fast, with both x and
 * 1 - x passed in so that a small t^2 / df does not cancel. Quantiles are
 * found by Newton steps on the CDF, kept inside a bracket by bisection.
 */
#include "model/stats.h"

#include <math.h>

#define CF_EPS 1e-15
#define CF_TINY 1e-300
#define CF_MAX_TERMS 1000

void stats_acc_add(struct stats_acc *a, double x)
{
    double delta = x - a->mean;

    a->n++;
    a->mean += delta / (double)a->n;
    a->m2 += delta * (x - a->mean);
}

double stats_acc_sd(const struct stats_acc *a)
{
    if (a->n < 2)
        return NAN;
    return sqrt(a->m2 / (double)(a->n - 1));
}

/* The continued fraction of I_x(a, b) without its prefactor, for
 * x < (a + 1) / (a + b + 2), where it converges quickly. */
static double beta_cf(double a, double b, double x)
{
    double f = CF_TINY, c = CF_TINY, d = 0.0;
    int j;

    for (j = 1; j <= CF_MAX_TERMS; j++) {
        double num, delta;
        int k = j - 1; /* numerator j is d_k; d_0 = 1 */

        if (k == 0) {
            num = 1.0;
        } else if (k % 2 == 1) {
            double m = (k - 1) / 2;

            num = -(a + m) * (a + b + m) * x / ((a + 2 * m) * (a + 2 * m + 1));
        } else {
            double m = k / 2;

            num = m * (b - m) * x / ((a + 2 * m - 1) * (a + 2 * m));
        }
        d = 1.0 + num * d;
        if (fabs(d) < CF_TINY)
            d = CF_TINY;
        c = 1.0 + num / c;
        if (fabs(c) < CF_TINY)
            c = CF_TINY;
        d = 1.0 / d;
        delta = c * d;
        f *= delta;
        if (fabs(delta - 1.0) < CF_EPS)
            break;
    }
    return f;
}

/* I_x(a, b) with y = 1 - x given exactly by the caller. */
static double ibeta(double a, double b, double x, double y)
{
    double front;

    if (!(a > 0) || !(b > 0) || !(x >= 0) || !(y >= 0) || isnan(x))
        return NAN;
    if (x == 0)
        return 0.0;
    if (y == 0)
        return 1.0;
    if (x > (a + 1) / (a + b + 2))
        return 1.0 - ibeta(b, a, y, x);
    front = exp(lgamma(a + b) - lgamma(a) - lgamma(b) + a * log(x)
                + b * log(y)) / a;
    return front * beta_cf(a, b, x);
}

double stats_incbeta(double a, double b, double x)
{
    if (!(x >= 0 && x <= 1))
        return NAN;
    return ibeta(a, b, x, 1.0 - x);
}

/* P(T >= |t|) for T ~ t(df). */
static double t_tail(double t, double df)
{
    double t2 = t * t;

    if (isnan(t) || !(df > 0))
        return NAN;
    if (isinf(t))
        return 0.0;
    /* x = df / (df + t^2) and 1 - x = t^2 / (df + t^2), each exact. */
    return 0.5 * ibeta(df / 2, 0.5, df / (df + t2), t2 / (df + t2));
}

double stats_t_cdf(double t, double df)
{
    double tail = t_tail(t, df);

    if (isnan(tail))
        return NAN;
    return t > 0 ? 1.0 - tail : tail;
}

double stats_t_p2(double t, double df)
{
    double tail = t_tail(t, df);

    return isnan(tail) ? NAN : fmin(1.0, 2.0 * tail);
}

static double t_pdf(double t, double df)
{
    return exp(lgamma((df + 1) / 2) - lgamma(df / 2)
               - 0.5 * log(df * M_PI) - (df + 1) / 2 * log1p(t * t / df));
}

double stats_normal_cdf(double x)
{
    return 0.5 * erfc(-x / M_SQRT2);
}

static double normal_pdf(double x)
{
    return exp(-0.5 * x * x) / sqrt(2 * M_PI);
}

/*
 * Solves cdf(x) = p for x by Newton steps from x0, inside [lo, hi] which
 * must bracket the root; a step that leaves the bracket is replaced by
 * bisection. cdf is increasing.
 */
static double solve(double (*cdf)(double, double), double (*pdf)(double,
                    double), double df, double p, double x0, double lo,
                    double hi)
{
    double x = x0;
    int i;

    for (i = 0; i < 200; i++) {
        double f = cdf(x, df) - p;
        double dens = pdf(x, df);
        double next;

        if (f == 0)
            return x;
        if (f < 0)
            lo = x;
        else
            hi = x;
        next = dens > 0 ? x - f / dens : NAN;
        if (!(next > lo && next < hi))
            next = 0.5 * (lo + hi);
        if (fabs(next - x) <= 1e-15 * fmax(1.0, fabs(x)))
            return next;
        x = next;
    }
    return x;
}

static double normal_cdf2(double x, double df)
{
    (void)df;
    return stats_normal_cdf(x);
}

static double normal_pdf2(double x, double df)
{
    (void)df;
    return normal_pdf(x);
}

double stats_normal_quantile(double p)
{
    if (isnan(p) || p < 0 || p > 1)
        return NAN;
    if (p == 0)
        return -INFINITY;
    if (p == 1)
        return INFINITY;
    return solve(normal_cdf2, normal_pdf2, 0, p, 0.0, -40.0, 40.0);
}

double stats_t_quantile(double p, double df)
{
    double z, lo, hi;

    if (isnan(p) || p < 0 || p > 1 || !(df > 0))
        return NAN;
    if (p == 0)
        return -INFINITY;
    if (p == 1)
        return INFINITY;
    if (p == 0.5)
        return 0.0;
    /* Bracket the root around the normal quantile, which the t quantile
     * exceeds in magnitude: widen until the CDF crosses p. */
    z = stats_normal_quantile(p);
    lo = p < 0.5 ? 2 * z - 1 : 0.0;
    hi = p < 0.5 ? 0.0 : 2 * z + 1;
    while (stats_t_cdf(lo, df) > p && lo > -1e300)
        lo *= 4;
    while (stats_t_cdf(hi, df) < p && hi < 1e300)
        hi *= 4;
    return solve(stats_t_cdf, t_pdf, df, p, z, lo, hi);
}

void stats_ttest_acc(struct stats_ttest *out, const struct stats_acc *a,
                     double level)
{
    double q;

    out->n = a->n;
    out->mean = a->n ? a->mean : NAN;
    out->level = level;
    out->sd = stats_acc_sd(a);
    out->df = a->n >= 1 ? (double)a->n - 1 : NAN;
    out->se = out->sd / sqrt((double)a->n);
    out->t = out->p = out->lo = out->hi = NAN;
    if (a->n < 2)
        return;
    q = stats_t_quantile(0.5 + level / 2, out->df);
    out->lo = out->mean - q * out->se;
    out->hi = out->mean + q * out->se;
    if (out->se > 0) {
        out->t = out->mean / out->se;
        out->p = stats_t_p2(out->t, out->df);
    } else if (out->mean != 0) {
        out->t = out->mean > 0 ? INFINITY : -INFINITY;
        out->p = 0.0;
    }
}

void stats_paired(struct stats_ttest *out, const double *a, const double *b,
                  size_t n, double level)
{
    struct stats_acc acc = STATS_ACC_INIT;
    size_t i;

    for (i = 0; i < n; i++)
        stats_acc_add(&acc, b[i] - a[i]);
    stats_ttest_acc(out, &acc, level);
}

void stats_mean_ci(double *lo_out, double *hi_out, double mean, double sd,
                   size_t n, double level)
{
    double q, half;

    *lo_out = *hi_out = NAN;
    if (n < 2 || !isfinite(mean) || !isfinite(sd) || !(level > 0 && level < 1))
        return;
    q = stats_t_quantile(0.5 + level / 2, (double)n - 1);
    half = q * sd / sqrt((double)n);
    *lo_out = mean - half;
    *hi_out = mean + half;
}

void stats_welch(struct stats_welch *out, double mean_a, double sd_a,
                 size_t na, double mean_b, double sd_b, size_t nb,
                 double level)
{
    double va, vb, q;

    out->na = na;
    out->nb = nb;
    out->level = level;
    out->diff = na && nb ? mean_b - mean_a : NAN;
    out->se = out->df = out->t = out->p = out->lo = out->hi = NAN;
    if (na < 2 || nb < 2 || !isfinite(out->diff) || !isfinite(sd_a)
        || !isfinite(sd_b))
        return;
    va = sd_a * sd_a / (double)na;
    vb = sd_b * sd_b / (double)nb;
    out->se = sqrt(va + vb);
    if (out->se == 0) {
        if (out->diff != 0) {
            out->t = out->diff > 0 ? INFINITY : -INFINITY;
            out->p = 0.0;
            out->lo = out->hi = out->diff;
        }
        return;
    }
    /* Welch-Satterthwaite: (va + vb)^2 / (va^2 / (na-1) + vb^2 / (nb-1)). */
    out->df = (va + vb) * (va + vb)
              / (va * va / (double)(na - 1) + vb * vb / (double)(nb - 1));
    out->t = out->diff / out->se;
    out->p = stats_t_p2(out->t, out->df);
    q = stats_t_quantile(0.5 + level / 2, out->df);
    out->lo = out->diff - q * out->se;
    out->hi = out->diff + q * out->se;
}

void stats_wilson(double *lo_out, double *hi_out, double p, double n,
                  double level)
{
    double z, z2, denom, center, half;

    *lo_out = *hi_out = NAN;
    if (!(p >= 0 && p <= 1) || !(n > 0) || !isfinite(n)
        || !(level > 0 && level < 1))
        return;
    z = stats_normal_quantile(0.5 + level / 2);
    z2 = z * z;
    denom = 1 + z2 / n;
    center = (p + z2 / (2 * n)) / denom;
    half = z / denom * sqrt(p * (1 - p) / n + z2 / (4 * n * n));
    /* At p = 0 or 1 one end is exactly 0 or 1; rounding must not push it
     * across. */
    *lo_out = p == 0 ? 0.0 : fmax(0.0, center - half);
    *hi_out = p == 1 ? 1.0 : fmin(1.0, center + half);
}

void stats_two_prop(struct stats_welch *out, double pa, double na,
                    double pb, double nb, double level)
{
    double la, ua, lb, ub, pool, z;

    out->na = out->nb = 0;
    out->level = level;
    out->diff = out->se = out->t = out->p = out->lo = out->hi = NAN;
    out->df = INFINITY;
    stats_wilson(&la, &ua, pa, na, level);
    stats_wilson(&lb, &ub, pb, nb, level);
    if (isnan(la) || isnan(lb))
        return;
    out->na = (size_t)na;
    out->nb = (size_t)nb;
    out->diff = pb - pa;
    out->lo = out->diff - sqrt((pb - lb) * (pb - lb) + (ua - pa) * (ua - pa));
    out->hi = out->diff + sqrt((ub - pb) * (ub - pb) + (pa - la) * (pa - la));
    pool = (pa * na + pb * nb) / (na + nb);
    out->se = sqrt(pool * (1 - pool) * (1 / na + 1 / nb));
    if (!(out->se > 0))
        return;
    out->t = z = out->diff / out->se;
    out->p = fmin(1.0, 2 * stats_normal_cdf(-fabs(z)));
}
