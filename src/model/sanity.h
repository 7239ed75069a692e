/* SPDX-License-Identifier: MIT */
/*
 * Sanity in numbers: the essay's footguns, checked on a run's metrics.
 *
 *   chance      a finished run whose loss is not below the chance level
 *               (metric-info --chance, --chance-k: -log(1/k)), or whose
 *               score is not above it, has learned nothing
 *   overfitting over MODEL_WINDOWS equal windows of steps, each series
 *               averaged per window (so one noisy point decides
 *               nothing): the loss's lowest window lies before the last
 *               quarter of the run, its last two windows are each above
 *               it by more than MODEL_OVERFIT_RISE of it and by more
 *               than three times the noise (the windows' standard
 *               errors), and the score's last window is above its value
 *               in that lowest window by three times the noise: "test
 *               loss rising while accuracy rises"
 *
 * Pure functions over summaries; no I/O.
 */
#ifndef LABLOG_MODEL_SANITY_H
#define LABLOG_MODEL_SANITY_H

#include <stddef.h>
#include <stdint.h>

#include "model/metric.h"
#include "model/stats.h"

#define MODEL_OVERFIT_RISE 0.05
#define MODEL_WINDOWS 10

/* The shape of a series, as the view summarises it. */
struct model_series {
    double last, min, max;   /* min, max over finite points */
    int64_t first_step, last_step, min_step, max_step;
};

/* Whether last is no better than the metric's chance level (it has one,
 * last is finite): a loss at or above it, a score at or below it. */
int model_not_beyond_chance(const struct metric_info *m, double last);

/* The window of a step in a run spanning [first, last] steps. */
size_t model_window(int64_t step, int64_t first, int64_t last);

/* Whether loss[] and score[] (MODEL_WINDOWS accumulators each: a loss
 * and a higher-is-better result of one run, their points per window)
 * show overfitting as defined above; *from_out is the loss's lowest
 * window. */
int model_overfitting(const struct stats_acc *loss,
                      const struct stats_acc *score, size_t *from_out);

#endif
