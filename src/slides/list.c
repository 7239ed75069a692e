/* SPDX-License-Identifier: MIT */
/*
 * Lists of items over slides (TL;DR, next steps, questions, blockers):
 * each item is a marker, a Markdown text and, beside it, a pill and muted
 * meta lines. A short list gets larger type; a long one continues on the
 * next slide ("(cont.)"), paginated by the items' measured heights.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "slides/deck_impl.h"
#include "util/xalloc.h"

struct item *items_add(struct items *l, const char *marker,
                       const struct rgb *marker_color)
{
    struct item *it;

    XGROW(l->items, l->n + 1, l->cap);
    it = &l->items[l->n++];
    memset(it, 0, sizeof(*it));
    buf_init(&it->meta);
    snprintf(it->marker, sizeof(it->marker), "%s", marker);
    it->marker_color = marker_color;
    it->pill_color = &MUTED;
    return it;
}

void items_release(struct items *l)
{
    size_t i;

    for (i = 0; i < l->n; i++) {
        md_doc_release(&l->items[i].doc);
        buf_release(&l->items[i].meta);
    }
    free(l->items);
    memset(l, 0, sizeof(*l));
}

void item_exp_suffix(struct item *it, const struct view_item *vi)
{
    struct buf s = BUF_INIT;

    if (!vi->exp)
        return;
    buf_printf(&s, " \xe2\x80\x94\xc2\xa0%s", vi->exp->name); /* NBSP */
    md_append(&it->doc, s.ptr, ST_MUTED);
    buf_release(&s);
}

/* Lines of muted text ("\n" apart) right-aligned in the box, each cut to
 * its width. Returns the height taken (draw 0: measures only). */
static double meta_lines(struct deck *d, const char *text,
                         const struct box *b, int draw)
{
    struct measure m = { d, b->size };
    double lh = b->size * LEAD, y = b->top - ASCENT * b->size;
    size_t n = 0;
    int cut;

    while (*text && (double)(n + 1) * lh <= b->h + 0.01) {
        size_t len = strcspn(text, "\n");
        size_t fit = layout_ellipsize(text, len, 0, b->w, draw_measure, &m,
                                      &cut);
        double w = draw_measure(&m, 0, text, fit)
                   + (cut ? draw_text_width(d, 0, b->size, LAYOUT_ELLIPSIS)
                          : 0);

        if (draw) {
            draw_text(d, 0, b->size, b->color, b->x + b->w - w, y, text,
                      fit);
            if (cut)
                draw_text(d, 0, b->size, b->color,
                          b->x + b->w - draw_text_width(d, 0, b->size,
                                                        LAYOUT_ELLIPSIS),
                          y, LAYOUT_ELLIPSIS, strlen(LAYOUT_ELLIPSIS));
        }
        n++;
        y -= lh;
        text += len + (text[len] == '\n');
    }
    return (double)n * lh;
}

/* Draws (or with draw 0 measures) one item with its top at top; returns
 * its height. */
static double draw_item(struct deck *d, const struct item *it,
                        const struct list_style *ls, double top, double h,
                        int draw)
{
    double mw = ls->meta_w, mark = ls->mark_w;
    double tw = BODY_W - mark - (mw > 0 ? mw + GUTTER : 0);
    double base = top - ASCENT * ls->size; /* the first baseline */
    struct box b = { MARGIN + mark, top, tw, h, ls->size, &INK };
    struct box mb = { PAGE_W - MARGIN - mw, base + ASCENT * META_SIZE, mw,
                      h, META_SIZE, &MUTED };
    double used = draw_doc(d, &it->doc, &b, draw);

    if (draw)
        draw_text(d, MD_BOLD, ls->size, it->marker_color, MARGIN, base,
                  it->marker, strlen(it->marker));
    if (mw > 0 && it->pill[0]) {
        double mid = base + 0.35 * ls->size, ph = META_SIZE * 0.95 * 1.6;

        if (draw)
            draw_pill(d, it->pill, it->pill_color, PAGE_W - MARGIN, mid,
                      META_SIZE * 0.95);
        mb.top = mid - ph / 2 - 4;
        used = fmax(used, top - mb.top);
    }
    mb.h = h - (top - mb.top);
    if (mw > 0 && it->meta.len)
        used = fmax(used, top - mb.top + meta_lines(d, it->meta.ptr, &mb,
                                                    draw));
    return used;
}

/* The width the meta column needs: its widest line or pill, at most max
 * and at least a third of it. */
static double meta_width(const struct deck *d, const struct items *l,
                         double max)
{
    double w = max / 3;
    size_t i;

    for (i = 0; i < l->n; i++) {
        const char *s = l->items[i].meta.ptr;
        struct measure m = { d, META_SIZE };

        if (l->items[i].pill[0])
            w = fmax(w, draw_text_width(d, MD_BOLD, META_SIZE * 0.95,
                                        l->items[i].pill) + META_SIZE * 1.3);
        while (*s) {
            size_t len = strcspn(s, "\n");

            w = fmax(w, draw_measure(&m, 0, s, len));
            s += len + (s[len] == '\n');
        }
    }
    return fmin(w + 2, max);
}

/* The marker column for type of size: the widest marker and a little
 * space, at least one em. */
static double marker_width(const struct deck *d, const struct items *l,
                           double size)
{
    double w = 1.0 * size;
    size_t i;

    for (i = 0; i < l->n; i++)
        w = fmax(w, draw_text_width(d, MD_BOLD, size, l->items[i].marker)
                    + 0.45 * size);
    return w;
}

/* Sets s's type size and marker column, larger type when a short list
 * leaves the slide empty-looking (base_size otherwise); writes each item's
 * height to heights and returns the gap between items. */
static double fit_items(struct deck *d, const struct items *l,
                        struct list_style *s, double base_size,
                        double note_h, double *heights)
{
    static const double sizes[] = { 24, 21 };
    size_t nsizes = sizeof(sizes) / sizeof(sizes[0]), i, k;
    double gap = 0;

    for (k = 0; k <= nsizes; k++) {
        double total = 0;

        s->size = k < nsizes ? sizes[k] : base_size;
        gap = 0.7 * s->size;
        s->mark_w = marker_width(d, l, s->size);
        for (i = 0; i < l->n; i++) {
            heights[i] = draw_item(d, &l->items[i], s, BODY_TOP, 1e6, 0);
            total += heights[i] + (i ? gap : 0);
        }
        if (total <= (BODY_H - note_h) * 0.6)
            break;
    }
    return gap;
}

void slide_items(struct deck *d, const char *title,
                 const struct items *l, const struct list_style *style,
                 const char *empty)
{
    double *heights = xcalloc(l->n + 1, sizeof(*heights));
    size_t *starts = xcalloc(l->n + 2, sizeof(*starts));
    struct list_style s = *style;
    double note_h = style->note ? 2.2 * META_SIZE * LEAD : 0;
    double gap;
    struct buf t = BUF_INIT;
    size_t pages, p, i;

    if (s.meta_w > 0)
        s.meta_w = meta_width(d, l, style->meta_w);
    gap = fit_items(d, l, &s, style->size, note_h, heights);
    pages = layout_paginate(starts, heights, l->n, gap, BODY_H - note_h,
                            BODY_H);
    starts[pages] = l->n;
    for (p = 0; p < pages; p++) {
        double y = BODY_TOP;

        buf_reset(&t);
        layout_page_title(&t, title, p);
        draw_new_slide(d, t.ptr, 0);
        if (p == 0)
            deck_bookmark(d, NULL, title);
        if (p == 0 && style->note)
            draw_text_line(d, 0, META_SIZE + 1, &MUTED, MARGIN,
                           BODY_BOTTOM + 4, BODY_W, style->note);
        for (i = starts[p]; i < starts[p + 1]; i++) {
            double room = y - BODY_BOTTOM - (p == 0 ? note_h : 0);

            y -= draw_item(d, &l->items[i], &s, y, room, 1) + gap;
        }
    }
    if (l->n == 0) {
        struct box b = { MARGIN, BODY_TOP, BODY_W, BODY_H, TEXT_SIZE,
                         &MUTED };

        draw_plain(d, empty, 0, &b);
    }
    free(heights);
    free(starts);
    buf_release(&t);
}
