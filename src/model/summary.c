/* SPDX-License-Identifier: MIT */
/* Summaries of repeated runs (see summary.h). */
#include "model/summary.h"

#include <math.h>
#include <string.h>

#include "util/num.h"

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

enum model_verdict model_verdict(int confirm, const struct stats_welch *w,
                                 int lower)
{
    if (!confirm)
        return VERDICT_EXPLORATORY;
    if (isnan(w->p))
        return VERDICT_UNTESTED;
    if (w->p >= MODEL_ALPHA)
        return VERDICT_NOISE;
    return (w->diff < 0) == (lower != 0) ? VERDICT_BETTER : VERDICT_WORSE;
}

/* Appends src to out[0..size), truncating. */
static void append(char *out, size_t size, const char *src)
{
    size_t len = strlen(out), add = strlen(src);

    if (len + 1 >= size)
        return;
    if (add > size - len - 1)
        add = size - len - 1;
    memcpy(out + len, src, add);
    out[len + add] = '\0';
}

char *model_p_text(char *out, size_t size, double p)
{
    char digits[NUM_TEXT_SIZE];

    out[0] = '\0';
    append(out, size, p < 0.001 ? "p < " : "p = ");
    append(out, size, num_format_p(digits, p));
    return out;
}

char *model_verdict_text(char *out, size_t size, enum model_verdict v,
                         double p)
{
    static const char *const words[] = {
        "", "exploratory", "untested (needs 2+ seeds each)", "better",
        "worse", "within noise"
    };
    char pt[NUM_TEXT_SIZE + 8];

    out[0] = '\0';
    append(out, size, words[v]);
    if (v >= VERDICT_BETTER) {
        append(out, size, " (");
        append(out, size, model_p_text(pt, sizeof(pt), p));
        append(out, size, ")");
    }
    return out;
}
