/* SPDX-License-Identifier: MIT */
/*
 * The deck's drawing primitives on top of libharu: styled text runs
 * (Markdown bold, emphasis and code) measured and cut to width, text
 * wrapped in boxes, tables that fit their columns, pills for badges, plots
 * placed as raw pixels, and the page furniture (a new slide with its
 * title, the footers). Everything draws on the deck's current page and
 * does nothing once libharu has failed (deck_impl.h).
 */
#include <hpdf.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "slides/deck_impl.h"
#include "util/err.h"
#include "util/font.h"
#include "util/xalloc.h"

#define CELL_PAD 5.0 /* left and right of a table cell's text */

/* ---- text and shapes ---------------------------------------------------- */

static HPDF_Font style_font(const struct deck *d, int style)
{
    if (style & MD_CODE)
        return d->mono;
    return style & MD_BOLD ? d->bold : d->font;
}

static const struct rgb *style_color(int style, const struct rgb *base)
{
    if (style & ST_DANGER)
        return &DANGER;
    if (style & ST_ACCENT)
        return &ACCENT;
    return style & ST_MUTED ? &MUTED : base;
}

static const char *style_path(const struct deck *d, int style)
{
    if (style & MD_CODE)
        return d->font_path[2];
    return d->font_path[style & MD_BOLD ? 1 : 0];
}

/* Text in runs of one font each (util/font.h): the style's font, or a
 * fallback for characters it lacks (CJK). */
struct text_runs {
    struct deck *d;
    int style;
    double size;
    int draw;         /* 0: measure only */
    double x, y;      /* where the next run starts (draw) */
    double width;     /* the runs so far, in points */
};

static void text_run(void *ctx, int font, const char *s, size_t len)
{
    struct text_runs *t = ctx;
    HPDF_Font f = font ? deck_fallback_font(t->d, font) : NULL;
    HPDF_TextWidth tw;
    double w;

    if (!f)
        f = style_font(t->d, t->style);
    tw = HPDF_Font_TextWidth(f, (const HPDF_BYTE *)s, (HPDF_UINT)len);
    w = tw.width * t->size / 1000.0;
    if (t->draw && !deck_pdf_failed(t->d)) {
        buf_reset(&t->d->run);
        buf_put(&t->d->run, s, len);
        HPDF_Page_BeginText(t->d->page);
        HPDF_Page_SetFontAndSize(t->d->page, f, (HPDF_REAL)t->size);
        HPDF_Page_SetTextMatrix(t->d->page, 1, 0,
                                t->style & MD_EM ? 0.2f : 0, 1,
                                (HPDF_REAL)(t->x + t->width),
                                (HPDF_REAL)t->y);
        HPDF_Page_ShowText(t->d->page, t->d->run.ptr);
        HPDF_Page_EndText(t->d->page);
    }
    t->width += w;
}

double draw_measure(void *ctx, int style, const char *s, size_t len)
{
    const struct measure *m = ctx;
    struct text_runs t = { (struct deck *)m->d, style, m->size, 0, 0, 0, 0 };

    if (len == 0)
        return 0;
    font_runs(style_path(m->d, style), s, len, text_run, &t);
    return t.width;
}

double draw_text_width(const struct deck *d, int style, double size,
                       const char *s)
{
    struct measure m = { d, size };

    return draw_measure(&m, style, s, strlen(s));
}

void draw_rect(struct deck *d, const struct rgb *c, double x,
               double y, double w, double h)
{
    if (deck_pdf_failed(d))
        return;
    HPDF_Page_SetRGBFill(d->page, (HPDF_REAL)c->r, (HPDF_REAL)c->g,
                         (HPDF_REAL)c->b);
    HPDF_Page_Rectangle(d->page, (HPDF_REAL)x, (HPDF_REAL)y, (HPDF_REAL)w,
                        (HPDF_REAL)h);
    HPDF_Page_Fill(d->page);
}

void draw_hline(struct deck *d, const struct rgb *c, double width,
                double x0, double x1, double y)
{
    if (deck_pdf_failed(d))
        return;
    HPDF_Page_SetRGBStroke(d->page, (HPDF_REAL)c->r, (HPDF_REAL)c->g,
                           (HPDF_REAL)c->b);
    HPDF_Page_SetLineWidth(d->page, (HPDF_REAL)width);
    HPDF_Page_MoveTo(d->page, (HPDF_REAL)x0, (HPDF_REAL)y);
    HPDF_Page_LineTo(d->page, (HPDF_REAL)x1, (HPDF_REAL)y);
    HPDF_Page_Stroke(d->page);
}

void draw_text(struct deck *d, int style, double size,
               const struct rgb *base, double x, double y,
               const char *s, size_t len)
{
    const struct rgb *c = style_color(style, base);
    size_t i;

    if (len == 0 || deck_pdf_failed(d))
        return;
    buf_reset(&d->scratch);
    for (i = 0; i < len; i++)
        buf_putc(&d->scratch, (unsigned char)s[i] < 0x20 ? ' ' : s[i]);
    if (style & MD_CODE)
        draw_rect(d, &CODE_BG, x - 1.5, y - 0.28 * size,
                  draw_text_width(d, style, size, d->scratch.ptr) + 3,
                  1.22 * size);
    HPDF_Page_SetRGBFill(d->page, (HPDF_REAL)c->r, (HPDF_REAL)c->g,
                         (HPDF_REAL)c->b);
    {
        struct text_runs t = { d, style, size, 1, x, y, 0 };

        font_runs(style_path(d, style), d->scratch.ptr, d->scratch.len,
                  text_run, &t);
    }
}

double draw_text_line(struct deck *d, int style, double size,
                      const struct rgb *c, double x, double y,
                      double width, const char *s)
{
    struct measure m = { d, size };
    size_t len = strlen(s);
    int cut;
    size_t n = layout_ellipsize(s, len, style, width, draw_measure, &m,
                                &cut);
    double w;

    draw_text(d, style, size, c, x, y, s, n);
    w = draw_measure(&m, style, s, n);
    if (cut) {
        draw_text(d, style, size, c, x + w, y, LAYOUT_ELLIPSIS,
                  strlen(LAYOUT_ELLIPSIS));
        w += draw_text_width(d, style, size, LAYOUT_ELLIPSIS);
    }
    return w;
}

/* ---- text boxes --------------------------------------------------------- */

/* Wraps runs into the box and draws the lines that fit (the last one cut
 * with an ellipsis when more would follow). With draw 0 it only measures.
 * Returns the height taken. */
static double draw_runs(struct deck *d, const struct layout_run *runs,
                        size_t n, const struct box *b, int draw, int more)
{
    struct measure m = { d, b->size };
    struct layout_text t = { 0 };
    double lh = b->size * LEAD, used;
    size_t i, k;

    layout_wrap(&t, runs, n, b->w, draw_measure, &m);
    layout_truncate(&t, (size_t)floor((b->h + 0.01) / lh), b->w, runs,
                    draw_measure, &m);
    if (more)
        layout_more(&t, b->w, runs, draw_measure, &m);
    for (i = 0; draw && i < t.nlines; i++) {
        const struct layout_line *l = &t.lines[i];
        double y = b->top - ASCENT * b->size - (double)i * lh;

        for (k = 0; k < l->nfrags; k++) {
            const struct layout_frag *f = &t.frags[l->frag + k];

            draw_text(d, runs[f->run].style, b->size, b->color, b->x + f->x,
                      y, runs[f->run].text + f->off, f->len);
        }
        if (t.cut && i + 1 == t.nlines)
            draw_text(d, l->nfrags ? runs[t.frags[l->frag + l->nfrags - 1]
                                              .run].style : 0,
                      b->size, b->color, b->x + l->w, y, LAYOUT_ELLIPSIS,
                      strlen(LAYOUT_ELLIPSIS));
    }
    used = (double)t.nlines * lh;
    layout_text_release(&t);
    return used;
}

/* How many of doc's blocks fit in b (each at least its first line). */
static size_t blocks_that_fit(struct deck *d, const struct md_doc *doc,
                              const struct box *b)
{
    double y = b->top, gap = 0.35 * b->size, lh = b->size * LEAD;
    size_t i;

    for (i = 0; i < doc->nblocks; i++) {
        const struct md_block *blk = &doc->blocks[i];
        double indent = blk->level * 1.3 * b->size;
        struct box bb = *b;

        if (i > 0)
            y -= gap;
        if (b->top - y + lh > b->h + 0.01)
            break;
        bb.x = b->x + indent;
        bb.w = b->w - indent;
        bb.top = y;
        bb.h = b->h - (b->top - y);
        y -= draw_runs(d, blk->runs, blk->nruns, &bb, 0, 0);
    }
    return i;
}

double draw_doc(struct deck *d, const struct md_doc *doc,
                const struct box *b, int draw)
{
    double y = b->top, gap = 0.35 * b->size, lh = b->size * LEAD;
    /* Blocks left out (the rest of a multi-line note) end the last one
     * shown with an ellipsis. */
    size_t fit = blocks_that_fit(d, doc, b), i;

    for (i = 0; i < fit; i++) {
        const struct md_block *blk = &doc->blocks[i];
        double indent = blk->level * 1.3 * b->size;
        struct box bb = *b;

        if (i > 0)
            y -= gap;
        if (b->top - y + lh > b->h + 0.01)
            break;
        bb.x = b->x + indent;
        bb.w = b->w - indent;
        bb.top = y;
        bb.h = b->h - (b->top - y);
        if (draw && blk->marker[0])
            draw_text(d, 0, b->size, &MUTED, bb.x - 0.35 * b->size
                      - draw_text_width(d, 0, b->size, blk->marker),
                      y - ASCENT * b->size, blk->marker,
                      strlen(blk->marker));
        y -= draw_runs(d, blk->runs, blk->nruns, &bb, draw,
                       i + 1 == fit && fit < doc->nblocks);
    }
    return b->top - y;
}

/* Plain text (one style) in a box; returns the height taken (draw 0:
 * measures only). */
static double plain_text(struct deck *d, const char *text, int style,
                         const struct box *b, int draw)
{
    struct layout_run r;

    r.text = text;
    r.len = strlen(text);
    r.style = style;
    return draw_runs(d, &r, 1, b, draw, 0);
}

double draw_plain(struct deck *d, const char *text, int style,
                  const struct box *b)
{
    return plain_text(d, text, style, b, 1);
}

/* ---- badges and images -------------------------------------------------- */

double draw_pill(struct deck *d, const char *text,
                 const struct rgb *c, double x_right, double y_mid,
                 double size)
{
    double w = draw_text_width(d, MD_BOLD, size, text) + size * 1.3;
    double h = size * 1.6, r = h / 2, x = x_right - w;

    /* Three fills: one path would leave the overlaps unfilled (the
     * circles wind against the rectangle). */
    draw_rect(d, c, x + r, y_mid - r, w - 2 * r, h);
    if (deck_pdf_failed(d))
        return w;
    HPDF_Page_Circle(d->page, (HPDF_REAL)(x + r), (HPDF_REAL)y_mid,
                     (HPDF_REAL)r);
    HPDF_Page_Fill(d->page);
    HPDF_Page_Circle(d->page, (HPDF_REAL)(x + w - r), (HPDF_REAL)y_mid,
                     (HPDF_REAL)r);
    HPDF_Page_Fill(d->page);
    draw_text(d, MD_BOLD, size, &WHITE, x + size * 0.65,
              y_mid - 0.36 * size, text, strlen(text));
    return w;
}

int draw_image(struct deck *d, const struct buf *rgb, double x,
               double top, double w, double h)
{
    int pw = (int)ceil(w * PLOT_SCALE - 1e-9);
    int ph = (int)ceil(h * PLOT_SCALE - 1e-9);
    HPDF_Image img;

    if (rgb->len != (size_t)pw * (size_t)ph * 3)
        return ll_error(LL_ERR, "a plot came back %zu bytes, expected %dx%d "
                        "pixels", rgb->len, pw, ph);
    if (deck_pdf_failed(d))
        return 0;
    img = HPDF_LoadRawImageFromMem(d->pdf, (const HPDF_BYTE *)rgb->ptr,
                                   (HPDF_UINT)pw, (HPDF_UINT)ph,
                                   HPDF_CS_DEVICE_RGB, 8);
    HPDF_Page_DrawImage(d->page, img, (HPDF_REAL)x, (HPDF_REAL)(top - h),
                        (HPDF_REAL)w, (HPDF_REAL)h);
    return 0;
}

/* ---- pages -------------------------------------------------------------- */

void draw_add_page(struct deck *d)
{
    if (deck_pdf_failed(d))
        return;
    d->page = HPDF_AddPage(d->pdf);
    HPDF_Page_SetWidth(d->page, (HPDF_REAL)PAGE_W);
    HPDF_Page_SetHeight(d->page, (HPDF_REAL)PAGE_H);
    XGROW(d->pages, d->npages + 1, d->cap_pages);
    d->pages[d->npages++] = d->page;
}

void draw_new_slide(struct deck *d, const char *title, double reserve)
{
    draw_add_page(d);
    draw_text_line(d, MD_BOLD, TITLE_SIZE, &INK, MARGIN,
                   TITLE_TOP - ASCENT * TITLE_SIZE, BODY_W - reserve, title);
    draw_rect(d, &ACCENT, MARGIN, TITLE_TOP - TITLE_SIZE * LEAD - 8, 56, 3);
}

void draw_footers(struct deck *d)
{
    char num[48];
    size_t i;

    for (i = 1; i < d->npages; i++) {
        d->page = d->pages[i];
        snprintf(num, sizeof(num), "%zu / %zu", i + 1, d->npages);
        draw_text(d, 0, 9, &MUTED, PAGE_W - MARGIN
                  - draw_text_width(d, 0, 9, num), FOOTER_Y, num, strlen(num));
        draw_text_line(d, 0, 9, &MUTED, MARGIN, FOOTER_Y, BODY_W - 80,
                       d->footer.ptr);
    }
}

/* ---- tables ------------------------------------------------------------- */

void table_init(struct table *t, const char **head, size_t ncols,
                const int *right, size_t grow)
{
    memset(t, 0, sizeof(*t));
    t->head = head;
    t->ncols = ncols < 16 ? ncols : 16;
    memcpy(t->right, right, t->ncols * sizeof(*right));
    t->grow = grow;
}

void table_row(struct table *t, const char *const *cells,
               const int *styles)
{
    size_t i, at = t->nrows * t->ncols;

    t->nrows++;
    t->cells = xrealloc(t->cells, t->nrows * t->ncols * sizeof(*t->cells));
    t->styles = xrealloc(t->styles,
                         t->nrows * t->ncols * sizeof(*t->styles));
    for (i = 0; i < t->ncols; i++) {
        t->cells[at + i] = xstrdup(cells[i] ? cells[i] : "");
        t->styles[at + i] = styles ? styles[i] : 0;
    }
}

void table_release(struct table *t)
{
    size_t i;

    for (i = 0; i < t->nrows * t->ncols; i++)
        free(t->cells[i]);
    free(t->cells);
    free(t->styles);
}

/* Column widths for the table at *size in width w; shrinks the type (to
 * 85 % at most) before columns are cut. */
static void table_columns(const struct deck *d, const struct table *t,
                          double w, double *size, double *widths)
{
    double nat[16], min[16], sum = 0, s = *size;
    size_t c, r;

    for (c = 0; c < t->ncols; c++) {
        nat[c] = draw_text_width(d, MD_BOLD, s, t->head[c]);
        for (r = 0; r < t->nrows; r++)
            nat[c] = fmax(nat[c],
                          draw_text_width(d, t->styles[r * t->ncols + c], s,
                                          t->cells[r * t->ncols + c]));
        sum += nat[c] + 2 * CELL_PAD;
    }
    if (sum > w)
        s = fmax(0.85 * s, s * w / sum);
    for (c = 0; c < t->ncols; c++) {
        nat[c] = nat[c] * s / *size + 2 * CELL_PAD;
        min[c] = fmin(nat[c], 3.5 * s + 2 * CELL_PAD);
    }
    layout_fit_columns(widths, nat, min, t->ncols, t->grow, w);
    *size = s;
}

static void table_cell(struct deck *d, const char *text, int style,
                       double size, int right, double x, double y, double w)
{
    struct measure m = { d, size };
    double tw;

    if (right) {
        tw = draw_measure(&m, style, text, strlen(text));
        if (tw <= w - 2 * CELL_PAD) {
            draw_text(d, style, size, &INK, x + w - CELL_PAD - tw, y, text,
                      strlen(text));
            return;
        }
    }
    draw_text_line(d, style, size, &INK, x + CELL_PAD, y, w - 2 * CELL_PAD,
                   text);
}

double draw_table(struct deck *d, const struct table *t, double x,
                  double top, double w, double max_h, double size)
{
    double widths[16], rh, y = top, cx;
    size_t c, r, fit;
    char more[48];

    if (t->ncols == 0 || t->ncols > 16)
        return 0;
    table_columns(d, t, w, &size, widths);
    rh = size * 1.75;
    fit = (size_t)fmax(0, floor(max_h / rh) - 1);
    if (fit < t->nrows && fit > 0)
        fit--; /* room for the "more" row */
    draw_rect(d, &HEAD_BG, x, y - rh, w, rh);
    for (c = 0, cx = x; c < t->ncols; cx += widths[c++])
        table_cell(d, t->head[c], MD_BOLD, size, t->right[c], cx,
                   y - rh + 0.55 * size, widths[c]);
    y -= rh;
    for (r = 0; r < t->nrows && r < fit; r++, y -= rh) {
        if (r % 2)
            draw_rect(d, &ZEBRA, x, y - rh, w, rh);
        for (c = 0, cx = x; c < t->ncols; cx += widths[c++])
            table_cell(d, t->cells[r * t->ncols + c],
                       t->styles[r * t->ncols + c], size, t->right[c], cx,
                       y - rh + 0.55 * size, widths[c]);
    }
    if (r < t->nrows) {
        snprintf(more, sizeof(more), LAYOUT_ELLIPSIS " %zu more",
                 t->nrows - r);
        draw_text(d, ST_MUTED, size, &INK, x + CELL_PAD,
                  y - rh + 0.55 * size, more, strlen(more));
        y -= rh;
    }
    draw_hline(d, &RULE, 0.8, x, x + w, y);
    return top - y;
}
