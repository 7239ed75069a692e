/* SPDX-License-Identifier: MIT */
/*
 * Samples in the report's template context (render/report_samples.c).
 * templates/README.md lists the keys.
 */
#ifndef LABLOG_RENDER_REPORT_SAMPLES_H
#define LABLOG_RENDER_REPORT_SAMPLES_H

#include <jansson.h>

#include "view/context.h"
#include "view/samples.h"
#include "view/view.h"

/* Sets "samples" and "has_samples" on exp (the context of x) when x has
 * samples: the set, and its chosen examples, each with "md" (a Markdown
 * quote) and "fields" for HTML. markup converts note text (Markdown). */
int report_samples_exp(json_t *exp, const struct view *v,
                       const struct view_exp *x, context_text_fn *markup);

/* Sets "samples_compare" (and "has_samples_compare") on the context: per
 * tag group, its best run's samples against its baseline's. */
int report_samples_compare(json_t *ctx, const struct view *v);

#endif
