/* SPDX-License-Identifier: MIT */
/*
 * Tick placement and tick labels for chart axes (see ticks.h).
 *
 * Tick values are computed as (k * mantissa) / 10^e rather than by adding
 * the step repeatedly, so 0.1 + 0.2 style drift never reaches a label: the
 * division by an exact power of ten yields the double nearest the decimal.
 */
#include "plot/ticks.h"

#include <assert.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#define EPS 1e-9 /* tolerance, in steps, for a tick sitting on a range end */

static const double mantissas[] = { 1.0, 2.0, 2.5, 5.0 };

/* 10^e, the nearest double for negative e as well. */
static double pow10i(int e)
{
    return e >= 0 ? pow(10.0, e) : 1.0 / pow(10.0, -e);
}

/* m * 10^e computed so that it is the double nearest the decimal. */
static double scaled(double m, int e)
{
    return e >= 0 ? m * pow(10.0, e) : m / pow(10.0, -e);
}

static void clear(struct ticks *out, double lo, double hi)
{
    memset(out, 0, sizeof(*out));
    out->lo = lo;
    out->hi = hi;
}

/* Orders the range, and widens an empty or negligible one (see ticks.h). */
static void widen(double *lo, double *hi)
{
    double mag;

    if (!isfinite(*lo) || !isfinite(*hi)) {
        *lo = 0.0;
        *hi = 1.0;
        return;
    }
    if (*lo > *hi) {
        double t = *lo;
        *lo = *hi;
        *hi = t;
    }
    *lo = fmax(*lo, -1e300);
    *hi = fmin(*hi, 1e300);
    mag = fmax(fabs(*lo), fabs(*hi));
    if (*hi - *lo > mag * 1e-12)
        return;
    if (mag == 0.0) {
        *lo = -1.0;
        *hi = 1.0;
        return;
    }
    mag = fabs((*lo + *hi) / 2.0);
    *lo = *lo - mag * 0.1;
    *hi = *hi + mag * 0.1;
}

static int clamp_max(int max_ticks)
{
    if (max_ticks < 2)
        return 2;
    return max_ticks > TICKS_MAX ? TICKS_MAX : max_ticks;
}

/* Number of multiples of step inside [lo, hi]. */
static double count_in(double lo, double hi, double step)
{
    return floor(hi / step + EPS) - ceil(lo / step - EPS) + 1.0;
}

/* Fills the multiples of m * 10^e inside [out->lo, out->hi]. */
static void fill_multiples(struct ticks *out, double m, int e)
{
    double step = scaled(m, e);
    double k = ceil(out->lo / step - EPS);
    double kmax = floor(out->hi / step + EPS);

    out->step = step;
    out->len = 0;
    for (; k <= kmax && out->len < TICKS_MAX; k++) {
        double v = scaled(k * m, e);
        out->items[out->len++] = v == 0.0 ? 0.0 : v; /* no -0 */
    }
}

void ticks_linear(struct ticks *out, double lo, double hi, int max_ticks)
{
    double span;
    int e;
    size_t i;

    widen(&lo, &hi);
    clear(out, lo, hi);
    max_ticks = clamp_max(max_ticks);
    span = hi - lo;
    /* Start below the answer and walk up the 1-2-2.5-5 ladder. */
    e = (int)floor(log10(span / max_ticks)) - 1;
    for (;; e++) {
        for (i = 0; i < sizeof(mantissas) / sizeof(mantissas[0]); i++) {
            double step = scaled(mantissas[i], e);
            if (count_in(lo, hi, step) <= max_ticks) {
                fill_multiples(out, mantissas[i], e);
                return;
            }
        }
    }
}

void ticks_integer(struct ticks *out, double lo, double hi, int max_ticks)
{
    int e;
    size_t i;

    ticks_linear(out, lo, hi, max_ticks);
    if (out->step >= 1 && out->step == floor(out->step))
        return;
    /* Walk the ladder from 1 up, leaving out 2.5 (no whole steps). */
    lo = out->lo;
    hi = out->hi;
    clear(out, lo, hi);
    max_ticks = clamp_max(max_ticks);
    for (e = 0;; e++) {
        for (i = 0; i < sizeof(mantissas) / sizeof(mantissas[0]); i++) {
            double step = scaled(mantissas[i], e);

            if (step != floor(step))
                continue;
            if (count_in(lo, hi, step) <= max_ticks || e > 300) {
                fill_multiples(out, mantissas[i], e);
                return;
            }
        }
    }
}

/* Adds v as a major tick when it lies in [lo, hi]. */
static void add_major(struct ticks *out, double v)
{
    if (v >= out->lo * (1 - EPS) && v <= out->hi * (1 + EPS) &&
        out->len < TICKS_MAX)
        out->items[out->len++] = v;
}

static void add_minor(struct ticks *out, double v)
{
    if (v >= out->lo * (1 - EPS) && v <= out->hi * (1 + EPS) &&
        out->minor_len < TICKS_MINOR_MAX)
        out->minor[out->minor_len++] = v;
}

/* Ticks at 1, 2 and 5 x 10^k; minors at the other digits. */
static void fill_125(struct ticks *out, int e0, int e1)
{
    static const int digits[] = { 1, 2, 3, 4, 5, 6, 7, 8, 9 };
    int e;
    size_t i;

    for (e = e0; e <= e1; e++) {
        for (i = 0; i < 9; i++) {
            double v = scaled(digits[i], e);
            if (digits[i] == 1 || digits[i] == 2 || digits[i] == 5)
                add_major(out, v);
            else
                add_minor(out, v);
        }
    }
}

/* Powers of ten every stride decades; minors when stride is 1. */
static void fill_decades(struct ticks *out, int e0, int e1, int stride)
{
    int e;
    int d;

    for (e = e0; e <= e1; e++) {
        if (e % stride == 0)
            add_major(out, pow10i(e));
        if (stride == 1 && e1 - e0 <= 6) {
            for (d = 2; d <= 9; d++)
                add_minor(out, scaled(d, e));
        }
    }
}

void ticks_log(struct ticks *out, double lo, double hi, int max_ticks)
{
    static const int strides[] = { 1, 2, 3, 5, 10, 20, 50, 100 };
    double l0;
    double l1;
    int e0;
    int e1;
    size_t i;

    assert(lo > 0 && hi > 0);
    if (lo > hi) {
        double t = lo;
        lo = hi;
        hi = t;
    }
    max_ticks = clamp_max(max_ticks);
    l0 = log10(lo);
    l1 = log10(hi);
    if (l1 - l0 < 1.0) {
        ticks_linear(out, lo, hi, max_ticks);
        if (out->lo <= 0) /* widened past zero: keep the log range */
            ticks_linear(out, lo, hi * 1.5, max_ticks);
        return;
    }
    clear(out, lo, hi);
    e0 = (int)floor(l0 + EPS);
    e1 = (int)floor(l1 + EPS);
    if (l1 - l0 <= 2.5) {
        fill_125(out, e0, e1);
        if (out->len <= (size_t)max_ticks)
            return;
        clear(out, lo, hi);
    }
    for (i = 0; i < sizeof(strides) / sizeof(strides[0]); i++) {
        int first = (int)ceil((l0 - EPS) / strides[i]);
        int last = (int)floor((l1 + EPS) / strides[i]);
        if (last - first + 1 <= max_ticks || i + 1 ==
                sizeof(strides) / sizeof(strides[0])) {
            fill_decades(out, e0, e1, strides[i]);
            return;
        }
    }
}

void ticks_duration(struct ticks *out, double lo, double hi, int max_ticks)
{
    static const double steps[] = {
        1, 2, 5, 10, 15, 30,                         /* seconds */
        60, 120, 300, 600, 900, 1800,                /* minutes */
        3600, 7200, 10800, 21600, 43200,             /* hours */
        86400, 172800, 604800                        /* days */
    };
    double span;
    size_t i;

    widen(&lo, &hi);
    max_ticks = clamp_max(max_ticks);
    span = hi - lo;
    if (span < 2.0) {
        ticks_linear(out, lo, hi, max_ticks);
        return;
    }
    clear(out, lo, hi);
    for (i = 0; i < sizeof(steps) / sizeof(steps[0]); i++) {
        if (count_in(lo, hi, steps[i]) <= max_ticks) {
            double k = ceil(lo / steps[i] - EPS);
            out->step = steps[i];
            for (; k * steps[i] <= hi * (1 + EPS) + EPS &&
                   out->len < TICKS_MAX; k++)
                out->items[out->len++] = k == 0 ? 0.0 : k * steps[i];
            return;
        }
    }
    /* Longer than max_ticks weeks: nice multiples of a day. */
    ticks_linear(out, lo / 86400.0, hi / 86400.0, max_ticks);
    if (out->step < 1.0) /* cannot happen past the table, but be safe */
        out->step = 1.0;
    out->lo = lo;
    out->hi = hi;
    out->step *= 86400.0;
    for (i = 0; i < out->len; i++)
        out->items[i] *= 86400.0;
}

/* Smallest number of decimals (0..12) that writes step exactly enough. */
static int decimals_for(double step)
{
    int d;

    for (d = 0; d < 12; d++) {
        double s = step * pow10i(d);
        if (fabs(s - nearbyint(s)) <= 1e-6 * s)
            return d;
    }
    return 12;
}

/* Drops trailing zeros after a decimal point, and the point itself. */
static void strip_zeros(char *s)
{
    size_t n;

    if (!strchr(s, '.'))
        return;
    n = strlen(s);
    while (n > 0 && s[n - 1] == '0')
        s[--n] = '\0';
    if (n > 0 && s[n - 1] == '.')
        s[--n] = '\0';
}

/* Decimals that give 3 significant digits for |v| (v != 0), at least 0. */
static int sig3_decimals(double v)
{
    int d = 2 - (int)floor(log10(fabs(v)));
    return d < 0 ? 0 : d;
}

/* "2.5e-5": mantissa with the given decimals (or 3 significant digits
 * when decimals < 0), then the exponent. */
static void format_sci(char *dst, size_t cap, double v, double step)
{
    int e = (int)floor(log10(fabs(v)));
    double m = v / pow10i(e);
    int d;
    char mant[64];

    if (fabs(m) >= 10.0 - 1e-9) {
        e++;
        m = v / pow10i(e);
    }
    d = step > 0 ? decimals_for(step / pow10i(e)) : 2;
    if (d > 6)
        d = 6;
    snprintf(mant, sizeof(mant), "%.*f", d, m);
    strip_zeros(mant);
    if (strcmp(mant, "10") == 0 || strcmp(mant, "-10") == 0) {
        e++;
        mant[strlen(mant) - 1] = '\0'; /* "10" -> "1" */
    }
    snprintf(dst, cap, "%se%d", mant, e);
}

/* v rounded to d decimals. */
static double round_to(double v, int d)
{
    return nearbyint(v * pow10i(d)) / pow10i(d);
}

/* "2.5M": |v| >= 1000, with an SI suffix. */
static void format_si(char *dst, size_t cap, double v, double step)
{
    static const char suffix[] = "kMGT";
    double scale = 1000.0;
    int i = 0;
    int d;
    char num[64];

    while (i < 3 && fabs(v) >= scale * 1000.0) {
        scale *= 1000.0;
        i++;
    }
    d = step > 0 ? decimals_for(step / scale) : sig3_decimals(v / scale);
    if (step <= 0 && i < 3 && fabs(round_to(v / scale, d)) >= 1000.0) {
        scale *= 1000.0; /* 999.96k rounds to 1M, not 1000k */
        i++;
        d = sig3_decimals(v / scale);
    }
    snprintf(num, sizeof(num), "%.*f", d, v / scale);
    strip_zeros(num);
    snprintf(dst, cap, "%s%c", num, suffix[i]);
}

/* "0.25": fixed notation. */
static void format_fixed(char *dst, size_t cap, double v, double step)
{
    int d = step > 0 ? decimals_for(step) : sig3_decimals(v);

    snprintf(dst, cap, "%.*f", d, v);
    strip_zeros(dst);
}

char *ticks_format(char *dst, size_t cap, double v, double step)
{
    double a = fabs(v);

    assert(cap > 0);
    if (isnan(v)) {
        snprintf(dst, cap, "NaN");
    } else if (isinf(v)) {
        snprintf(dst, cap, v > 0 ? "inf" : "-inf");
    } else if (v == 0.0 || (step > 0 && a < step * 1e-6)) {
        snprintf(dst, cap, "0");
    } else if (a >= 1e15 || (step > 0 && step < 1e-3 && a < 1.0) ||
               (step <= 0 && round_to(a, sig3_decimals(a)) < 1e-3)) {
        format_sci(dst, cap, v, step);
    } else if (round_to(a, step > 0 ? decimals_for(step)
                                    : sig3_decimals(a)) >= 1000.0) {
        format_si(dst, cap, v, step);
    } else {
        format_fixed(dst, cap, v, step);
    }
    if (strcmp(dst, "-0") == 0)
        snprintf(dst, cap, "0");
    return dst;
}

/* Appends "<n><unit>" to dst when n is not 0. */
static void put_unit(char *dst, size_t cap, double n, char unit)
{
    size_t len = strlen(dst);

    if (n != 0 && len < cap)
        snprintf(dst + len, cap - len, "%.0f%c", n, unit);
}

char *ticks_format_duration(char *dst, size_t cap, double v, double step)
{
    static const double units[] = { 86400, 3600, 60, 1 };
    static const char names[] = "dhms";
    double a = fabs(v);
    double parts[4];
    size_t len;
    int i;
    int first = -1;

    assert(cap > 0);
    dst[0] = '\0';
    if (!isfinite(v))
        return ticks_format(dst, cap, v, step);
    if ((step > 0 && step < 1.0) || (step <= 0 && a < 10.0 && a != 0 &&
                                     a != floor(a))) {
        ticks_format(dst, cap, v, step);
        len = strlen(dst);
        if (strcmp(dst, "0") != 0 && len + 1 < cap)
            snprintf(dst + len, cap - len, "s");
        return dst;
    }
    a = nearbyint(a);
    for (i = 0; i < 4; i++) {
        parts[i] = floor(a / units[i]);
        a -= parts[i] * units[i];
        if (first < 0 && parts[i] != 0)
            first = i;
    }
    if (first < 0) {
        snprintf(dst, cap, "0");
        return dst;
    }
    if (step <= 0 && first + 2 < 4) {
        /* Two units are enough for a standalone value: round the rest. */
        double rest = 0;
        for (i = first + 2; i < 4; i++) {
            rest += parts[i] * units[i];
            parts[i] = 0;
        }
        if (rest >= units[first + 1] / 2)
            parts[first + 1] += 1; /* 59.5 min rounds up to 60 min: */
        if (parts[first + 1] * units[first + 1] >= units[first]) {
            parts[first + 1] = 0; /* ... carried into the larger unit */
            parts[first] += 1;
        }
    }
    if (v < 0)
        snprintf(dst, cap, "-");
    for (i = 0; i < 4; i++)
        put_unit(dst, cap, parts[i], names[i]);
    return dst;
}
