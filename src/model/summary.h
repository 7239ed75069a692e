/* SPDX-License-Identifier: MIT */
/*
 * Summaries of repeated runs: the values of one metric over the seeds of
 * a setting, as mean ± sd (n). Non-finite values (a diverged seed) are
 * counted, never averaged in.
 */
#ifndef LABLOG_MODEL_SUMMARY_H
#define LABLOG_MODEL_SUMMARY_H

#include <stddef.h>

struct model_summary {
    size_t n;          /* finite values summarised */
    size_t nonfinite;  /* values left out: NaN, +-inf */
    double mean;       /* of the finite values; NaN when n is 0 */
    double sd;         /* sample standard deviation (n - 1); 0 when n < 2 */
    double min, max;   /* of the finite values; NaN when n is 0 */
};

/* Summarises vals[0..n). */
void model_summarize(struct model_summary *out, const double *vals,
                     size_t n);

/* Whether a difference between two summaries is within their seed noise:
 * |a - b| is below the larger sd. Always 0 when neither has an sd. */
int model_within_noise(const struct model_summary *a,
                       const struct model_summary *b);

#endif
