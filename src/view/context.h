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
#ifndef LABLOG_VIEW_CONTEXT_H
#define LABLOG_VIEW_CONTEXT_H

#include <jansson.h>
#include <stdint.h>

#include "util/buf.h"
#include "view/view.h"

/* Appends s[0..len) converted for the output format (see context_opts). */
typedef void context_text_fn(struct buf *out, const char *s, size_t len);

struct context_opts {
    int64_t now;          /* when the document is produced */
    const char *author;   /* who produces it */
    const char *title;    /* document title, or NULL for the default */
    context_text_fn *markup; /* Markdown text (notes, next steps, the
                                hypothesis) to the output format: fills the
                                "body" keys; NULL copies the text */
    context_text_fn *code;   /* a command line to inline code in the output
                                format: fills "command_code"; NULL copies */
};

/* The whole period: project, experiments touched, notes, lists. o->markup
 * and o->code decide the preformatted keys; everything else is plain
 * text for the template's escaper. Keys whose value would be "" are left
 * out (at every depth), so a template's {{#key}} shows only real text. */
json_t *context_view(const struct view *v, const struct context_opts *o);

/* One experiment with its params, status history and metrics, as
 * context_view() shows it, with o's conversions (o may be NULL). */
json_t *context_exp_with(const struct view *v, const struct view_exp *x,
                         const struct context_opts *o);

/* context_exp_with(v, x, NULL). */
json_t *context_exp(const struct view *v, const struct view_exp *x);

/* What happened to x in the period, one word: "finished", "failed",
 * "abandoned", "started", "planned", or, without a status change, its
 * status ("running", "done", ...). Borrowed (static or from the view). */
const char *context_exp_event(const struct view *v, const struct view_exp *x);

/* One line of key results for an experiment ("win_rate 0.71, +0.09 vs
 * bon-n8"), or "" when it has no metrics. Caller frees with free(). */
char *context_key_results(const struct view *v, const struct view_exp *x);

/* The params that tell x apart from its siblings (experiments sharing a
 * tag), as "k=v, k=v"; all params when it has no siblings. Caller frees. */
char *context_distinct_params(const struct view *v, const struct view_exp *x);

/* The same, at most max params, then ", ..." (U+2026) when there are more.
 * Caller frees. */
char *context_distinct_params_max(const struct view *v,
                                  const struct view_exp *x, size_t max);

/* The period's results, one line each: an experiment touched in the
 * period by more than an attachment (its object from exps,
 * context_exp_with()'s, in the same order), or the seeds of one setting
 * together ("setting": true, with "seeds", "members" and mean ± sd key
 * results). */
json_t *context_last(const struct view *v, json_t *exps);

/* The results table of the period: one object per group of the
 * experiments touched that has metrics (model/group.h), with "name",
 * "subtitle" ("lr sweep, 3 settings, 3 seeds each (mean ± sd)"), "failed"
 * (the failed and diverged runs, named), "group", "metrics"
 * (the key metrics' names) and "rows", one per setting: "setting",
 * "runs_text", "failed", "members" and "cells" (per metric: "value"
 * "0.652 ± 0.018", "mean_value", "sd_value", "n", and "best" on the best
 * row). Failed and diverged runs are counted, never averaged. */
json_t *context_results(const struct view *v);

/* The lines of last (context_last()'s) with each group of two or more
 * settings (model/group.h: a shared tag or a sweep) collapsed into one
 * line ("group": true: "lr sweep, 4 × 3 seeds: best lr=0.3, acc 0.95 ±
 * 0.01 (n=3)", failed runs named): what a short update shows. */
json_t *context_last_grouped(const struct view *v, json_t *last);

/* "3h 12m", "45s", "2d 4h". */
void context_duration(char out[32], int64_t ms);

/* A running or lost run's progress for people: "step 1200/3000 (40%), 1h 2m
 * elapsed, ETA 1h 33m, last point 12s ago"; "" when unknown. Caller frees. */
char *context_progress_text(const struct view_exp *x);

/* Whether x is running or lost: listed first, as what needs a look. */
int context_exp_live(const struct view_exp *x);

/* Whether x's run is on course to take more than 16 hours. */
int context_long_run(const struct view_exp *x);

/* The scheduler context of x's latest attempt: "Slurm job 812_3 on gpu07,
 * partition a100; CUDA_VISIBLE_DEVICES=0,1", or with brief "Slurm 812_3
 * on gpu07"; "" when none. Caller frees. */
char *context_scheduler_text(const struct view_exp *x, int brief);

#endif
