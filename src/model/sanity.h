/* SPDX-License-Identifier: MIT */
/*
 * Sanity in numbers: the essay's footguns, checked on a run's metrics.
 *
 *   chance      a finished run whose loss is not below the chance level
 *               (metric-info --chance, --chance-k: -log(1/k)), or whose
 *               score is not above it, has learned nothing
 *   overfitting a loss that bottomed out before the last quarter of the
 *               run and has risen since (by more than
 *               MODEL_OVERFIT_RISE of its minimum) while a score kept
 *               improving after that minimum: "test loss rising while
 *               accuracy rises"
 *
 * Pure functions over summaries; no I/O.
 */
#ifndef LABLOG_MODEL_SANITY_H
#define LABLOG_MODEL_SANITY_H

#include <stdint.h>

#include "model/metric.h"

#define MODEL_OVERFIT_RISE 0.05

/* The shape of a series, as the view summarises it. */
struct model_series {
    double last, min, max;   /* min, max over finite points */
    int64_t first_step, last_step, min_step, max_step;
};

/* Whether last is no better than the metric's chance level (it has one,
 * last is finite): a loss at or above it, a score at or below it. */
int model_not_beyond_chance(const struct metric_info *m, double last);

/* Whether loss and score (a loss and a higher-is-better result of one
 * run) show overfitting as defined above. */
int model_overfitting(const struct model_series *loss,
                      const struct model_series *score);

#endif
