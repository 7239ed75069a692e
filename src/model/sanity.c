/* SPDX-License-Identifier: MIT */
/* Sanity in numbers (see sanity.h). */
#include "model/sanity.h"

#include <math.h>

int model_not_beyond_chance(const struct metric_info *m, double last)
{
    if (!m->has_chance || !isfinite(last) || !metric_is_result(m))
        return 0;
    return m->lower ? last >= m->chance : last <= m->chance;
}

size_t model_window(int64_t step, int64_t first, int64_t last)
{
    double span = (double)(last - first) + 1;
    double k;

    if (span <= 1 || step <= first)
        return 0;
    k = (double)(step - first) / span * MODEL_WINDOWS;
    return k >= MODEL_WINDOWS - 1 ? MODEL_WINDOWS - 1 : (size_t)k;
}

/* The standard error of a window's mean; 0 with fewer than 2 points. */
static double se(const struct stats_acc *a)
{
    return a->n > 1 ? stats_acc_sd(a) / sqrt((double)a->n) : 0;
}

/* Whether window b is above window a by more than three times the noise
 * of the two (their standard errors) and by more than rise of a. */
static int clearly_above(const struct stats_acc *b, const struct stats_acc *a,
                         double rise)
{
    double noise = 3 * sqrt(se(a) * se(a) + se(b) * se(b));
    double d = b->mean - a->mean;

    return a->n && b->n && d > noise && d > rise * fabs(a->mean);
}

int model_overfitting(const struct stats_acc *loss,
                      const struct stats_acc *score, size_t *from_out)
{
    const struct stats_acc *lo = NULL;
    size_t k, at = 0;

    for (k = 0; k < MODEL_WINDOWS; k++)
        if (loss[k].n && (!lo || loss[k].mean < lo->mean)) {
            lo = &loss[k];
            at = k;
        }
    *from_out = at;
    /* Bottomed before the last quarter of the run ... */
    if (!lo || at >= MODEL_WINDOWS * 3 / 4)
        return 0;
    /* ... the last two windows both clearly above it (the lowest of ten
     * noisy windows is low by luck; two in a row above it are not) ... */
    if (!clearly_above(&loss[MODEL_WINDOWS - 1], lo, MODEL_OVERFIT_RISE)
        || !clearly_above(&loss[MODEL_WINDOWS - 2], lo, MODEL_OVERFIT_RISE))
        return 0;
    /* ... while the score still improved after that window. */
    return clearly_above(&score[MODEL_WINDOWS - 1], &score[at], 0);
}
