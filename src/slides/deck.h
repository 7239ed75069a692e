/* SPDX-License-Identifier: MIT */
/*
 * The weekly meeting deck: a 16:9 PDF (960 x 540 pt pages) laid out from
 * the period view with libharu. Slides, in order:
 *
 *   title      project, period, author, date
 *   agenda     the items below with minutes adding up to the meeting's
 *              length (slides/layout.h, layout_agenda)
 *   TL;DR      the period's takeaways, then its decisions
 *   samples    per tag group whose runs have samples, its best run against
 *              its baseline: the largest changes side by side (input, both
 *              outputs, scores, a note tied to one); per experiment, the
 *              examples notes are tied to (o->samples columns, 0: none)
 *   results    one slide per experiment or group of experiments that
 *              matters in the period (it finished, or has takeaways), most
 *              decision-relevant first: hypothesis, explore/confirm badge,
 *              the params that tell it apart, its curves (or, for a group
 *              sharing a tag or differing in one param, a bar chart by that
 *              param with seeds as error bars) and a metric table
 *   next steps open ones, ranked by priority, with owner and minutes
 *   questions  open questions for the meeting
 *   blockers   open ones, and those resolved in the period
 *   appendix   the other experiments touched in the period, one line each
 *
 * Questions, blockers and the appendix are left out when empty. A period
 * without any entry gives the title slide and one saying so. Long lists
 * continue on the next slide ("(cont.)"); text wraps by measured width
 * and never leaves its box. Text is DejaVu Sans (found with fontconfig,
 * util/font.h), embedded, so any UTF-8 shows; Markdown in notes is drawn
 * as bold, italic and code. Every section has a bookmark; the document's
 * title, author, subject and dates are set, the dates from o->now, so the
 * same log gives the same PDF.
 */
#ifndef LABLOG_SLIDES_DECK_H
#define LABLOG_SLIDES_DECK_H

#include <stdint.h>

#include "util/buf.h"
#include "view/view.h"

/* Default meeting length in minutes. */
#define DECK_DEFAULT_MINUTES 30

struct deck_opts {
    const char *title;  /* NULL: the project name */
    const char *author; /* who presents (title slide, PDF author) */
    int64_t now;        /* when it is made (title slide, PDF dates) */
    int minutes;        /* meeting length for the agenda, > 0 */
    int samples;        /* examples side by side on the samples slides;
                           0: no samples slides */
};

/*
 * Builds the deck of v's period and appends the PDF to out; *pages_out
 * receives the page count. v's metric summaries must be loaded for the
 * experiments touched in the period and their siblings
 * (VIEW_METRICS_TOUCHED).
 *
 * Returns 0, or on failure leaves out unchanged and returns the code with
 * its message: LL_ENOTFOUND when no TrueType font is found (util/font.h),
 * a plotting error (plot/figure.h), or LL_ERR "cannot write the deck:
 * libharu error 0x%04X (detail %u)".
 */
int deck_build(struct buf *out, int *pages_out, const struct view *v,
               const struct deck_opts *o);

#endif
