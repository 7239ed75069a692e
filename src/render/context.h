/* SPDX-License-Identifier: MIT */
/*
 * The view as JSON: the one data model behind every template and every
 * --json output. templates/README.md lists every key.
 *
 * Numbers appear twice where people read them: "last" is text formatted
 * for reading ("0.7123", "NaN") and "last_value" is the JSON number (null
 * when not finite, since JSON has no NaN).
 *
 * All functions return a new reference the caller releases with
 * json_decref().
 */
#ifndef LABLOG_RENDER_CONTEXT_H
#define LABLOG_RENDER_CONTEXT_H

#include <jansson.h>
#include <stdint.h>

#include "view/view.h"

struct context_opts {
    int64_t now;          /* when the document is produced */
    const char *author;   /* who produces it */
    const char *title;    /* document title, or NULL for the default */
};

/* The whole period: project, experiments touched, notes, lists. */
json_t *context_view(const struct view *v, const struct context_opts *o);

/* One experiment with its params, status history and metrics. */
json_t *context_exp(const struct view *v, const struct view_exp *x);

/* One line of key results for an experiment ("win_rate 0.71, +0.09 vs
 * bon-n8"), or "" when it has no metrics. Caller frees with free(). */
char *context_key_results(const struct view *v, const struct view_exp *x);

/* The params that tell x apart from its siblings (experiments sharing a
 * tag), as "k=v, k=v"; all params when it has no siblings. Caller frees. */
char *context_distinct_params(const struct view *v, const struct view_exp *x);

/* "3h 12m", "45s", "2d 4h". */
void context_duration(char out[32], int64_t ms);

#endif
