/* SPDX-License-Identifier: MIT */
/*
 * Slide layout that needs no PDF library: greedy word wrap of styled text
 * by measured width, cutting text to fit with an ellipsis, fitting table
 * columns into a width, splitting a list over pages, and sharing a
 * meeting's minutes among agenda items.
 *
 * Text is measured through a callback, so the deck measures with its real
 * fonts and the unit tests with a fake one. Widths are additive: the width
 * of "ab" is the width of "a" plus the width of "b" in the same style (true
 * of libharu, which applies no kerning).
 *
 * Text is UTF-8. Lines break at ASCII spaces and tabs, and at "\n" (a hard
 * break). A word wider than the line is split between characters, never
 * inside one.
 */
#ifndef LABLOG_SLIDES_LAYOUT_H
#define LABLOG_SLIDES_LAYOUT_H

#include <stddef.h>

struct buf;

/* The ellipsis appended to cut text (U+2026). */
#define LAYOUT_ELLIPSIS "\xe2\x80\xa6"

/* Width in points of s[0..len) in style (the caller's style numbers, e.g.
 * bold or code); len may be 0. */
typedef double layout_measure_fn(void *ctx, int style, const char *s,
                                 size_t len);

/* A stretch of text in one style. The text is borrowed. */
struct layout_run {
    const char *text;
    size_t len;
    int style;
};

/* A piece of one line in one style: runs[run].text[off..off+len), drawn at
 * x (points from the line's start), w wide. */
struct layout_frag {
    size_t run;
    size_t off, len;
    double x, w;
};

/* One line: frags[frag .. frag+nfrags), width w. */
struct layout_line {
    size_t frag, nfrags;
    double w;
};

/* Wrapped text. Zero-initialise; free with layout_text_release(). */
struct layout_text {
    struct layout_frag *frags;
    size_t nfrags, cap_frags;
    struct layout_line *lines;
    size_t nlines, cap_lines;
    int cut; /* layout_truncate() dropped text: draw LAYOUT_ELLIPSIS at the
                end of the last line, in the style of its last fragment */
};

/*
 * Wraps the runs into lines at most width wide (greedy: as many words on a
 * line as fit). Spaces at a break are dropped; a line holds at least one
 * character even when that is wider than width. Empty text gives no
 * lines; "\n" always ends a line, so "a\n\nb" gives "a", "" and "b".
 * Replaces what out held before.
 */
void layout_wrap(struct layout_text *out, const struct layout_run *runs,
                 size_t nruns, double width, layout_measure_fn *measure,
                 void *ctx);

/*
 * Keeps at most max_lines lines (at least one). When lines were dropped,
 * shortens the last kept line (by characters, then trailing spaces) until
 * an ellipsis in its last fragment's style fits within width, and sets
 * t->cut.
 */
void layout_truncate(struct layout_text *t, size_t max_lines, double width,
                     const struct layout_run *runs, layout_measure_fn *measure,
                     void *ctx);

/* Marks t as followed by text that is not shown (a block of the same note
 * left out): as layout_truncate() does for its own lines, the last line is
 * shortened until an ellipsis fits, and t->cut is set. */
void layout_more(struct layout_text *t, double width,
                 const struct layout_run *runs, layout_measure_fn *measure,
                 void *ctx);

void layout_text_release(struct layout_text *t);

/*
 * How many bytes of s[0..len) to draw in a box width wide: len when all of
 * it fits (*cut = 0); otherwise the longest prefix, ending on a character
 * boundary and without trailing spaces, that fits with LAYOUT_ELLIPSIS
 * after it (*cut = 1), which may be 0.
 */
size_t layout_ellipsize(const char *s, size_t len, int style, double width,
                        layout_measure_fn *measure, void *ctx, int *cut);

/*
 * Column widths for a table total wide. natural[i] is the width column i
 * wants (its widest cell plus padding), minimum[i] the least it may get.
 *  - When the natural widths fit, each column gets its natural width and
 *    column grow (if < ncols) also gets the spare width.
 *  - Otherwise the widest columns shrink first: every column gets
 *    min(natural, c) for the one cap c that makes the sum total, but never
 *    less than its minimum.
 *  - When even the minimums do not fit, they are scaled down to total.
 * Writes ncols widths to out.
 */
void layout_fit_columns(double *out, const double *natural,
                        const double *minimum, size_t ncols, size_t grow,
                        double total);

/*
 * Splits n items of the given heights, gap apart, over pages with avail
 * height each (first_avail on the first page). Greedy, in order; every page
 * gets at least one item (an item taller than a page stands alone, and the
 * caller cuts it). Writes the index of each page's first item to starts
 * (room for n + 1 entries) and returns the number of pages; 1 when n is 0
 * (starts[0] = 0).
 */
size_t layout_paginate(size_t *starts, const double *heights, size_t n,
                       double gap, double first_avail, double avail);

/* Appends the title of page `page` (0-based) of a section: the title
 * itself, then "TITLE (cont.)". */
void layout_page_title(struct buf *out, const char *title, size_t page);

/* An agenda item: what it asks for, in minutes. */
struct layout_agenda_item {
    double fixed;    /* minutes asked for explicitly (next steps' own
                        --minutes); 0 when none */
    double estimate; /* minutes its content suggests; 0 when none */
    int minutes;     /* out: minutes given */
};

/*
 * Shares total minutes among the items, in their order (the caller puts
 * the most decision-relevant first), so that the minutes add up to exactly
 * total:
 *  - explicit minutes are kept as asked while they take at most half the
 *    meeting (rounded up), and are scaled down to that half otherwise;
 *  - the rest is shared in proportion to the estimates (or, without any
 *    estimate, to the explicit minutes, else evenly);
 *  - rounding gives the leftover minutes to the largest fractions, earlier
 *    items first on ties; then, while total allows, every item gets at
 *    least one minute, taken from the item with the most.
 * total < 0 counts as 0; n may be 0.
 */
void layout_agenda(struct layout_agenda_item *items, size_t n, int total);

#endif
