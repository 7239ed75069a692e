/* SPDX-License-Identifier: MIT */
/*
 * Velocity and the swamp over a view (model/velocity.h says what they
 * mean): the numbers behind the daily's velocity line, the deck's TL;DR
 * and agenda, and `lablog velocity`.
 */
#ifndef LABLOG_VIEW_INSIGHT_H
#define LABLOG_VIEW_INSIGHT_H

#include <stddef.h>
#include <stdint.h>

#include "model/velocity.h"
#include "util/buf.h"
#include "view/view.h"

/* The weeks back from end (the view's until, or now): out[0] is the week
 * ending at end. The whole log counts, not only the view's period. A next
 * step's lead time ends when it is marked done or when the experiment it
 * names (`next --exp`) is done after it was written, whichever is first. */
void view_weeks(const struct view *v, int64_t end, struct model_week *out,
                size_t nweeks);

/* The swamps at now (MODEL_SWAMP_RUNS runs, MODEL_SWAMP_DAYS days), most
 * runs first, up to max. Keys are borrowed from the view. */
size_t view_swamps(const struct view *v, int64_t now,
                   struct model_swamp *out, size_t max);

/* "velocity: 5 finished this week (0.7/day) vs 2 last week; next step to
 * done 1d 4h (median of 3); 2 takeaways (1 last week)" without the
 * leading word, appended to out. */
void view_velocity_text(struct buf *out, const struct model_week *weeks,
                        size_t nweeks);

/* "12 runs on 'refusal-sft' since the last takeaway (4 days)" or "9 runs
 * on 'x' in 5 days, no takeaway yet", appended to out. */
void view_swamp_text(struct buf *out, const struct model_swamp *s,
                     int64_t now);

/* What the footgun checks (model/sanity.h) say about x, "" when nothing:
 * "loss 1.45 is not below chance (1.386)" for a done run, "val_loss up
 * since step ~1200 (0.41 -> 0.48) while accuracy rose: overfitting?"
 * (window means; the points are streamed from v, so only for a run that
 * ended in the view's period); several joined with
 * "; ". Caller frees with free(). */
char *view_sanity_text(const struct view *v, const struct view_exp *x);

#endif
