/* SPDX-License-Identifier: MIT */
/*
 * Numbers for people: metric values in reports, tables and daily updates.
 * Four significant digits, no exponent between 1e-3 and 1e6, and NaN/inf
 * spelled out because a diverged run is information, not an error.
 */
#ifndef LABLOG_UTIL_NUM_H
#define LABLOG_UTIL_NUM_H

#define NUM_TEXT_SIZE 32

/* Formats v into out ("0.7123", "1234", "2.5e-5", "NaN", "inf") and
 * returns out. */
char *num_format(char out[NUM_TEXT_SIZE], double v);

/* Same with a leading sign for differences ("+0.09", "-1.2e-4", "±0"). */
char *num_format_delta(char out[NUM_TEXT_SIZE], double v);

/* "0.584 ± 0.011": a mean and its standard deviation, the sd to two
 * significant digits and the mean to the same decimal place (out holds at
 * least 2 * NUM_TEXT_SIZE bytes). sd 0 or not finite: the mean alone. */
char *num_format_pm(char *out, double mean, double sd);

/* An estimate with its interval, "0.714 [0.672, 0.755]", every number to
 * the decimal place of two significant digits of the interval's half
 * width; with sign, each number signed as a difference ("+0.035 [+0.001,
 * +0.069]"). lo or hi not finite: the estimate alone, as num_format() or
 * num_format_delta() print it. out holds at least NUM_CI_SIZE bytes. */
#define NUM_CI_SIZE (3 * NUM_TEXT_SIZE + 8)
char *num_format_ci(char *out, double est, double lo, double hi, int sign);

/* A mean of seeds with its sd and interval, "0.749 ± 0.009 [0.734,
 * 0.763]": the interval to the mean's decimal place as num_format_pm()
 * prints it; sd 0 (no spread): "0.5 ± 0"; lo or hi not finite: as
 * num_format_pm(). out holds NUM_CI_SIZE bytes. */
char *num_format_pm_ci(char *out, double mean, double sd, double lo,
                       double hi);

/* A p-value to two significant digits ("0.041", "0.41", "1"), "0.001"
 * for anything below 0.001 (callers write "p < 0.001"), "n/a" for NaN. */
char *num_format_p(char out[NUM_TEXT_SIZE], double p);

/* Parses a metric value: a decimal number, or nan / inf / -inf / infinity
 * (any case). Returns 0, or -1 when s is not a number. */
int num_parse(const char *s, double *out);

#endif
