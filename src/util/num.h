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

/* Parses a metric value: a decimal number, or nan / inf / -inf / infinity
 * (any case). Returns 0, or -1 when s is not a number. */
int num_parse(const char *s, double *out);

#endif
