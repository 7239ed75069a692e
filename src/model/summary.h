/* SPDX-License-Identifier: MIT */
/*
 * Summaries of repeated runs: the values of one metric over the seeds of
 * a setting, as mean ± sd (n). Non-finite values (a diverged seed) are
 * counted, never averaged in.
 */
#ifndef LABLOG_MODEL_SUMMARY_H
#define LABLOG_MODEL_SUMMARY_H

#include <stddef.h>

#include "model/stats.h"

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

/* The level of every interval lablog prints, and the p-value below which
 * a confirmatory difference is called better or worse. */
#define MODEL_LEVEL 0.95
#define MODEL_ALPHA 0.05

/* What a comparison with the baseline says, in words. */
enum model_verdict {
    VERDICT_NONE,        /* the baseline itself, or nothing to compare */
    VERDICT_EXPLORATORY, /* an exploratory run: never tested, no p-value */
    VERDICT_UNTESTED,    /* confirmatory, but no test is possible (fewer
                            than two seeds on a side, no spread) */
    VERDICT_BETTER,      /* confirmatory, p < MODEL_ALPHA, the better way */
    VERDICT_WORSE,       /* confirmatory, p < MODEL_ALPHA, the worse way */
    VERDICT_NOISE        /* confirmatory, p >= MODEL_ALPHA */
};

/* The verdict of a difference w (B - A: the candidate minus the
 * baseline), for a metric where lower is better when lower; confirm says
 * whether the candidate is confirmatory. */
enum model_verdict model_verdict(int confirm, const struct stats_welch *w,
                                 int lower);

/* The verdict in words, with the p-value where there is one: "better (p =
 * 0.003)", "worse (p = 0.02)", "within noise (p = 0.41)", "exploratory",
 * "untested (needs 2+ seeds each)", "" for VERDICT_NONE. p is printed to
 * two significant digits, "p < 0.001" below that. Returns out. */
char *model_verdict_text(char *out, size_t size, enum model_verdict v,
                         double p);

/* "p = 0.041", "p < 0.001", "p = n/a": a p-value as people read it. */
char *model_p_text(char *out, size_t size, double p);

#endif
