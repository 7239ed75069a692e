/* SPDX-License-Identifier: MIT */
/*
 * Axis ticks: where to put them and how to label them.
 *
 * Linear axes get "nice" steps of 1, 2, 2.5 or 5 times a power of ten, as
 * many as fit under a maximum count. Log axes get powers of ten (every
 * decade, or every 2nd, 5th, ... when there are many), 1-2-5 steps when the
 * range covers only a few decades, and plain linear ticks when it covers less
 * than one. Duration axes (seconds) step in seconds, minutes, hours, days.
 *
 * Labels are compact: 0.25, 1k, 2.5M, 1e-4, -3, 1h30m. They carry just
 * the digits the tick step needs, so ticks on one axis read alike.
 *
 * Pure functions with no allocation. The chart code and the tests share
 * them.
 */
#ifndef LABLOG_PLOT_TICKS_H
#define LABLOG_PLOT_TICKS_H

#include <stddef.h>

#define TICKS_MAX 32      /* most major ticks one axis can get */
#define TICKS_MINOR_MAX 64 /* most minor (unlabelled) ticks */

struct ticks {
    double lo;            /* axis range the ticks were made for; wider than */
    double hi;            /* the input when the input range was empty */
    double step;          /* distance between major ticks; 0 for log axes */
    size_t len;           /* number of major ticks */
    double items[TICKS_MAX]; /* major tick values, increasing */
    size_t minor_len;     /* number of minor ticks (log axes only) */
    double minor[TICKS_MINOR_MAX]; /* minor tick values, increasing */
};

/*
 * Fills out with nice linear ticks inside [lo, hi]: the smallest step of
 * the form {1, 2, 2.5, 5} x 10^k that gives at most max_ticks ticks (max_ticks
 * is clamped to [2, TICKS_MAX]). Tick values are computed as k * step, and
 * a value within a millionth of a step of 0 is exactly 0, so labels never
 * read "-0" or "3.0000000004".
 *
 * When hi - lo is zero (a constant series, a single point) or negligible
 * next to |lo|, the range is first widened around the value (to [-1, 1]
 * around 0, else by 10 % of |value| each side); out->lo and out->hi hold the
 * range actually used and the caller should use them as the axis limits.
 * lo > hi is swapped. Non-finite input is treated as [0, 1].
 */
void ticks_linear(struct ticks *out, double lo, double hi, int max_ticks);

/* ticks_linear() for an axis of whole numbers (steps): the step is a
 * whole number, at least 1, so a run of 5 steps gets 0 1 2 3 4, never
 * 0.2. */
void ticks_integer(struct ticks *out, double lo, double hi, int max_ticks);

/*
 * Fills out with ticks for a log axis over [lo, hi], both > 0 (asserted).
 * Major ticks are powers of ten when the range spans at least about two
 * decades (every m-th decade so that at most max_ticks fit), 1-2-5 x 10^k
 * when it spans one or two, and ticks_linear() ticks when it spans less.
 * Minor ticks (2..9 x 10^k) are added for the power-of-ten case when there
 * are few enough decades to make them readable. out->step is 0, except in
 * the linear fallback; either way label with ticks_format(..., out->step).
 */
void ticks_log(struct ticks *out, double lo, double hi, int max_ticks);

/*
 * Fills out with ticks for an axis in seconds (elapsed time): steps of 1, 2,
 * 5, 10, 15, 30 s, 1, 2, 5, 10, 15, 30 min, 1, 2, 3, 6, 12 h, 1, 2, 7 days,
 * then nice multiples of days; below a second, ticks_linear(). Same range
 * rules as ticks_linear().
 */
void ticks_duration(struct ticks *out, double lo, double hi, int max_ticks);

/*
 * Writes a compact label for tick value v into dst (always NUL-terminated,
 * truncated to cap - 1 bytes) and returns dst.
 *
 * step is the tick step of the axis (struct ticks.step) and decides the
 * notation and the digits, so all labels of one axis match:
 *   - |v| >= 1000 gets an SI suffix k, M, G, T (1k, 2.5M, 1T); beyond
 *     1e15, or below 1e-3 steps (1e-5 .. 3e-5), scientific "2.5e-5";
 *   - otherwise fixed notation with as many decimals as step needs
 *     (0.25, 0.5, 10);
 *   - trailing zeros are dropped; 0 is "0"; negatives use ASCII '-'.
 * step <= 0 formats v on its own with at most 3 significant digits
 * (12.3k, 0.734, 1e-4), for log ticks and value labels. NaN and inf read
 * "NaN", "inf", "-inf".
 */
char *ticks_format(char *dst, size_t cap, double v, double step);

/*
 * Like ticks_format() for a duration in seconds: "0", "45s", "1m30s", "2h",
 * "1d12h"; fractions of a second "0.25s". step (seconds) decides the
 * precision; step <= 0 formats with up to two units ("1h30m").
 */
char *ticks_format_duration(char *dst, size_t cap, double v, double step);

#endif
