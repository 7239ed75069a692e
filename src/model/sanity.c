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

int model_overfitting(const struct model_series *loss,
                      const struct model_series *score)
{
    int64_t span = loss->last_step - loss->first_step;

    if (span <= 0 || !isfinite(loss->min) || !isfinite(loss->last)
        || !isfinite(score->max))
        return 0;
    /* The minimum came before the last quarter of the run ... */
    if (loss->min_step > loss->last_step - span / 4)
        return 0;
    /* ... the loss has risen clearly since ... */
    if (!(loss->last - loss->min > MODEL_OVERFIT_RISE * fabs(loss->min)))
        return 0;
    /* ... and the score still improved after it. */
    return score->max_step > loss->min_step;
}
