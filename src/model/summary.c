/* SPDX-License-Identifier: MIT */
/* Summaries of repeated runs (see summary.h). */
#include "model/summary.h"

#include <math.h>

void model_summarize(struct model_summary *out, const double *vals,
                     size_t n)
{
    double mean = 0, m2 = 0;
    size_t i;

    out->n = out->nonfinite = 0;
    out->min = out->max = NAN;
    for (i = 0; i < n; i++) {
        double delta;

        if (!isfinite(vals[i])) {
            out->nonfinite++;
            continue;
        }
        /* Welford's running mean and sum of squared deviations. */
        out->n++;
        delta = vals[i] - mean;
        mean += delta / (double)out->n;
        m2 += delta * (vals[i] - mean);
        out->min = out->n == 1 ? vals[i] : fmin(out->min, vals[i]);
        out->max = out->n == 1 ? vals[i] : fmax(out->max, vals[i]);
    }
    out->mean = out->n ? mean : NAN;
    out->sd = out->n > 1 ? sqrt(m2 / (double)(out->n - 1)) : 0;
}

int model_within_noise(const struct model_summary *a,
                       const struct model_summary *b)
{
    double noise = fmax(a->sd, b->sd);

    return noise > 0 && fabs(a->mean - b->mean) < noise;
}
