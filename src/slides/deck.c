/* SPDX-License-Identifier: MIT */
/*
 * The weekly meeting deck (see deck.h): the plan (which experiments get a
 * slide, grouped how, in what order; the agenda's minutes), the drawing
 * primitives on top of libharu (styled text in boxes, lists that continue
 * on the next slide, tables that fit their columns, badges, plots as raw
 * pixels) and the slides themselves.
 *
 * libharu reports errors through a handler that only records the first
 * one here; after an error every later call fails harmlessly, and the
 * build checks the record before saving. Handles libharu returns are never
 * dereferenced by this file, so a failed call cannot crash it.
 */
#include "slides/deck.h"

#include <ctype.h>
#include <hpdf.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "plot/chart.h"
#include "plot/figure.h"
#include "render/context.h"
#include "slides/layout.h"
#include "slides/md.h"
#include "util/err.h"
#include "util/font.h"
#include "util/num.h"
#include "util/timeutil.h"
#include "util/xalloc.h"

/* ---- geometry (points) and type --------------------------------------- */

#define PAGE_W 960.0
#define PAGE_H 540.0
#define MARGIN 48.0
#define BODY_W (PAGE_W - 2 * MARGIN)
#define TITLE_SIZE 26.0
#define TITLE_TOP (PAGE_H - 34.0)   /* top of the title line */
#define BODY_TOP (PAGE_H - 96.0)    /* top of the body under the title */
#define BODY_BOTTOM 40.0            /* lowest body text */
#define BODY_H (BODY_TOP - BODY_BOTTOM)
#define FOOTER_Y 16.0
#define TEXT_SIZE 18.0              /* list slides */
#define NOTE_SIZE 13.0              /* notes beside a plot */
#define TABLE_SIZE 11.0
#define META_SIZE 11.0
#define LEAD 1.25                   /* line height / font size */
#define ASCENT 0.93                 /* DejaVu Sans ascent / font size */
#define PLOT_SCALE 2.0              /* pixels per point of the plots */
#define LEFT_W 540.0                /* plot column of a result slide */
#define GROUP_LEFT_W 440.0          /* bar chart column of a group slide */
#define GUTTER 24.0
#define RIGHT_W (BODY_W - LEFT_W - GUTTER)
#define CELL_PAD 5.0
#define MAX_GROUP 24                /* experiments in one group */
#define MAX_TABLE_METRICS 6

/* Style bits beyond md.h's: colours. */
#define ST_MUTED 8
#define ST_DANGER 16
#define ST_ACCENT 32

struct rgb {
    double r, g, b;
};

static const struct rgb INK = { 0.12, 0.13, 0.15 };
static const struct rgb MUTED = { 0.42, 0.43, 0.46 };
static const struct rgb ACCENT = { 0.0, 0.447, 0.698 };   /* #0072B2 */
static const struct rgb EXPLORE = { 0.80, 0.50, 0.0 };    /* amber */
static const struct rgb CONFIRM = { 0.0, 0.55, 0.40 };    /* #009E73-ish */
static const struct rgb DANGER = { 0.78, 0.25, 0.0 };     /* #D55E00-ish */
static const struct rgb RULE = { 0.82, 0.83, 0.86 };
static const struct rgb CODE_BG = { 0.93, 0.94, 0.95 };
static const struct rgb HEAD_BG = { 0.91, 0.94, 0.97 };
static const struct rgb ZEBRA = { 0.965, 0.97, 0.975 };
static const struct rgb WHITE = { 1, 1, 1 };

/* ---- the plan ------------------------------------------------------- */

/* One results slide: an experiment or a group of them. */
struct result {
    const struct view_exp **exps; /* members, in the order shown */
    size_t n;
    int group;                    /* shown as a group */
    const char *tag;              /* the tag they share, or NULL */
    const char *by;               /* the param the bars are grouped by */
    double score;                 /* decision relevance */
    int64_t first_id;             /* for a stable order */
};

struct plan {
    struct result *results;
    size_t nresults, cap, shown;  /* the first `shown` get slides */
    const struct view_exp **appendix;
    size_t nappendix;
    char *placed;                 /* per v->exps: in a shown result */
};

struct deck {
    HPDF_Doc pdf;
    HPDF_Font font, bold, mono;
    HPDF_Page page;
    HPDF_Page *pages;
    size_t npages, cap_pages;
    HPDF_STATUS error_no, detail_no; /* the first libharu error */
    const struct view *v;
    const struct deck_opts *o;
    const char *title;
    char period[2 * TIME_SHORT_SIZE + 8]; /* "2026-11-13 – 2026-11-20" */
    struct buf scratch;
    struct buf footer;           /* "project · period" under each slide */
    struct plan plan;
};

/* ---- libharu plumbing ------------------------------------------------- */

static void on_error(HPDF_STATUS error_no, HPDF_STATUS detail_no,
                     void *user_data)
{
    struct deck *d = user_data;

    if (!d->error_no) {
        d->error_no = error_no;
        d->detail_no = detail_no;
    }
}

static int pdf_failed(const struct deck *d)
{
    return d->error_no != 0;
}

static int pdf_error(const struct deck *d)
{
    return ll_error(LL_ERR, "cannot write the deck: libharu error 0x%04X "
                    "(detail %u)", (unsigned)d->error_no,
                    (unsigned)d->detail_no);
}

static HPDF_Font load_font(struct deck *d, const char *path)
{
    const char *name = HPDF_LoadTTFontFromFile(d->pdf, path, HPDF_TRUE);

    return name ? HPDF_GetFont(d->pdf, name, "UTF-8") : NULL;
}

/* DejaVu Sans regular and bold (required) and DejaVu Sans Mono for code
 * (the regular face when there is none). */
static int load_fonts(struct deck *d)
{
    char *regular = NULL, *bold = NULL, *mono = NULL;
    int rc = font_find(&regular, FONT_DEFAULT_FAMILY, 0);

    if (rc == 0)
        rc = font_find(&bold, FONT_DEFAULT_FAMILY, 1);
    if (rc)
        goto cleanup;
    d->font = load_font(d, regular);
    d->bold = strcmp(bold, regular) ? load_font(d, bold) : d->font;
    d->mono = d->font;
    if (font_find(&mono, "DejaVu Sans Mono", 0) == 0
        && strcmp(mono, regular) != 0 && strcmp(mono, bold) != 0)
        d->mono = load_font(d, mono);
    ll_error_clear();
cleanup:
    free(regular);
    free(bold);
    free(mono);
    return rc;
}

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

struct measure {
    const struct deck *d;
    double size;
};

static double measure_text(void *ctx, int style, const char *s, size_t len)
{
    const struct measure *m = ctx;
    HPDF_TextWidth tw;

    if (len == 0)
        return 0;
    tw = HPDF_Font_TextWidth(style_font(m->d, style), (const HPDF_BYTE *)s,
                             (HPDF_UINT)len);
    return tw.width * m->size / 1000.0;
}

static double text_width(const struct deck *d, int style, double size,
                         const char *s)
{
    struct measure m = { d, size };

    return measure_text(&m, style, s, strlen(s));
}

static void fill_rect(struct deck *d, const struct rgb *c, double x,
                      double y, double w, double h)
{
    if (pdf_failed(d))
        return;
    HPDF_Page_SetRGBFill(d->page, (HPDF_REAL)c->r, (HPDF_REAL)c->g,
                         (HPDF_REAL)c->b);
    HPDF_Page_Rectangle(d->page, (HPDF_REAL)x, (HPDF_REAL)y, (HPDF_REAL)w,
                        (HPDF_REAL)h);
    HPDF_Page_Fill(d->page);
}

static void hline(struct deck *d, const struct rgb *c, double width,
                  double x0, double x1, double y)
{
    if (pdf_failed(d))
        return;
    HPDF_Page_SetRGBStroke(d->page, (HPDF_REAL)c->r, (HPDF_REAL)c->g,
                           (HPDF_REAL)c->b);
    HPDF_Page_SetLineWidth(d->page, (HPDF_REAL)width);
    HPDF_Page_MoveTo(d->page, (HPDF_REAL)x0, (HPDF_REAL)y);
    HPDF_Page_LineTo(d->page, (HPDF_REAL)x1, (HPDF_REAL)y);
    HPDF_Page_Stroke(d->page);
}

/* Draws s[0..len) with its baseline at (x, y). Emphasis is slanted (DejaVu
 * Sans Oblique is not in fonts-dejavu-core); code gets a light
 * background. Tabs and other control characters draw as spaces. */
static void show_text(struct deck *d, int style, double size,
                      const struct rgb *base, double x, double y,
                      const char *s, size_t len)
{
    const struct rgb *c = style_color(style, base);
    size_t i;

    if (len == 0 || pdf_failed(d))
        return;
    buf_reset(&d->scratch);
    for (i = 0; i < len; i++)
        buf_putc(&d->scratch, (unsigned char)s[i] < 0x20 ? ' ' : s[i]);
    if (style & MD_CODE)
        fill_rect(d, &CODE_BG, x - 1.5, y - 0.28 * size,
                  text_width(d, style, size, d->scratch.ptr) + 3,
                  1.22 * size);
    HPDF_Page_SetRGBFill(d->page, (HPDF_REAL)c->r, (HPDF_REAL)c->g,
                         (HPDF_REAL)c->b);
    HPDF_Page_BeginText(d->page);
    HPDF_Page_SetFontAndSize(d->page, style_font(d, style), (HPDF_REAL)size);
    HPDF_Page_SetTextMatrix(d->page, 1, 0, style & MD_EM ? 0.2f : 0, 1,
                            (HPDF_REAL)x, (HPDF_REAL)y);
    HPDF_Page_ShowText(d->page, d->scratch.ptr);
    HPDF_Page_EndText(d->page);
}

/* One line of plain text cut to width with an ellipsis. Returns the width
 * drawn. */
static double show_line(struct deck *d, int style, double size,
                        const struct rgb *c, double x, double y,
                        double width, const char *s)
{
    struct measure m = { d, size };
    size_t len = strlen(s);
    int cut;
    size_t n = layout_ellipsize(s, len, style, width, measure_text, &m,
                                &cut);
    double w;

    show_text(d, style, size, c, x, y, s, n);
    w = measure_text(&m, style, s, n);
    if (cut) {
        show_text(d, style, size, c, x + w, y, LAYOUT_ELLIPSIS,
                  strlen(LAYOUT_ELLIPSIS));
        w += text_width(d, style, size, LAYOUT_ELLIPSIS);
    }
    return w;
}

/* ---- text boxes --------------------------------------------------------- */

struct box {
    double x, top, w, h; /* h: the most height the text may take */
    double size;
    const struct rgb *color;
};

/* Wraps runs into the box and draws the lines that fit (the last one cut
 * with an ellipsis when more would follow). With draw 0 it only measures.
 * Returns the height taken. */
static double draw_runs(struct deck *d, const struct layout_run *runs,
                        size_t n, const struct box *b, int draw)
{
    struct measure m = { d, b->size };
    struct layout_text t = { 0 };
    double lh = b->size * LEAD, used;
    size_t i, k;

    layout_wrap(&t, runs, n, b->w, measure_text, &m);
    layout_truncate(&t, (size_t)floor((b->h + 0.01) / lh), b->w, runs,
                    measure_text, &m);
    for (i = 0; draw && i < t.nlines; i++) {
        const struct layout_line *l = &t.lines[i];
        double y = b->top - ASCENT * b->size - (double)i * lh;

        for (k = 0; k < l->nfrags; k++) {
            const struct layout_frag *f = &t.frags[l->frag + k];

            show_text(d, runs[f->run].style, b->size, b->color, b->x + f->x,
                      y, runs[f->run].text + f->off, f->len);
        }
        if (t.cut && i + 1 == t.nlines)
            show_text(d, l->nfrags ? runs[t.frags[l->frag + l->nfrags - 1]
                                              .run].style : 0,
                      b->size, b->color, b->x + l->w, y, LAYOUT_ELLIPSIS,
                      strlen(LAYOUT_ELLIPSIS));
    }
    used = (double)t.nlines * lh;
    layout_text_release(&t);
    return used;
}

/* A Markdown document in a box: its blocks one under the other, list
 * blocks indented with their markers. Returns the height taken (draw 0:
 * measures only). Blocks that no longer fit are left out. */
static double draw_doc(struct deck *d, const struct md_doc *doc,
                       const struct box *b, int draw)
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
        if (draw && blk->marker[0])
            show_text(d, 0, b->size, &MUTED, bb.x - 0.35 * b->size
                      - text_width(d, 0, b->size, blk->marker),
                      y - ASCENT * b->size, blk->marker,
                      strlen(blk->marker));
        y -= draw_runs(d, blk->runs, blk->nruns, &bb, draw);
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
    return draw_runs(d, &r, 1, b, draw);
}

static double draw_plain(struct deck *d, const char *text, int style,
                         const struct box *b)
{
    return plain_text(d, text, style, b, 1);
}

/* ---- pages ------------------------------------------------------------- */

static void add_page(struct deck *d)
{
    if (pdf_failed(d))
        return;
    d->page = HPDF_AddPage(d->pdf);
    HPDF_Page_SetWidth(d->page, (HPDF_REAL)PAGE_W);
    HPDF_Page_SetHeight(d->page, (HPDF_REAL)PAGE_H);
    XGROW(d->pages, d->npages + 1, d->cap_pages);
    d->pages[d->npages++] = d->page;
}

/* A bookmark to the current page under parent (NULL: top level). */
static HPDF_Outline bookmark(struct deck *d, HPDF_Outline parent,
                             const char *title)
{
    HPDF_Outline o;
    HPDF_Destination dst;

    if (pdf_failed(d))
        return NULL;
    o = HPDF_CreateOutline(d->pdf, parent, title,
                           HPDF_GetCurrentEncoder(d->pdf));
    dst = o ? HPDF_Page_CreateDestination(d->page) : NULL;
    if (dst)
        HPDF_Outline_SetDestination(o, dst);
    return o;
}

/* A content slide: its title (cut to width - reserve) and the accent
 * rule under it. */
static void new_slide(struct deck *d, const char *title, double reserve)
{
    add_page(d);
    show_line(d, MD_BOLD, TITLE_SIZE, &INK, MARGIN,
              TITLE_TOP - ASCENT * TITLE_SIZE, BODY_W - reserve, title);
    fill_rect(d, &ACCENT, MARGIN, TITLE_TOP - TITLE_SIZE * LEAD - 8, 56, 3);
}

/* Page numbers and the period on every page but the title slide. */
static void draw_footers(struct deck *d)
{
    char num[48];
    size_t i;

    for (i = 1; i < d->npages; i++) {
        d->page = d->pages[i];
        snprintf(num, sizeof(num), "%zu / %zu", i + 1, d->npages);
        show_text(d, 0, 9, &MUTED, PAGE_W - MARGIN
                  - text_width(d, 0, 9, num), FOOTER_Y, num, strlen(num));
        show_line(d, 0, 9, &MUTED, MARGIN, FOOTER_Y, BODY_W - 80,
                  d->footer.ptr);
    }
}

/* A filled pill with white bold text, right edge at x_right, vertically
 * centred on y_mid. Returns its width. */
static double draw_pill(struct deck *d, const char *text,
                        const struct rgb *c, double x_right, double y_mid,
                        double size)
{
    double w = text_width(d, MD_BOLD, size, text) + size * 1.3;
    double h = size * 1.6, r = h / 2, x = x_right - w;

    /* Three fills: one path would leave the overlaps unfilled (the
     * circles wind against the rectangle). */
    fill_rect(d, c, x + r, y_mid - r, w - 2 * r, h);
    if (pdf_failed(d))
        return w;
    HPDF_Page_Circle(d->page, (HPDF_REAL)(x + r), (HPDF_REAL)y_mid,
                     (HPDF_REAL)r);
    HPDF_Page_Fill(d->page);
    HPDF_Page_Circle(d->page, (HPDF_REAL)(x + w - r), (HPDF_REAL)y_mid,
                     (HPDF_REAL)r);
    HPDF_Page_Fill(d->page);
    show_text(d, MD_BOLD, size, &WHITE, x + size * 0.65,
              y_mid - 0.36 * size, text, strlen(text));
    return w;
}

/* ---- tables ------------------------------------------------------------- */

struct table {
    size_t ncols, nrows;
    const char **head;   /* ncols */
    char **cells;        /* nrows * ncols, owned */
    int *styles;         /* nrows * ncols style bits */
    int right[16];       /* per column: right-aligned (numbers) */
    size_t grow;         /* the column that takes spare width */
};

static void table_init(struct table *t, const char **head, size_t ncols,
                       const int *right, size_t grow)
{
    memset(t, 0, sizeof(*t));
    t->head = head;
    t->ncols = ncols < 16 ? ncols : 16;
    memcpy(t->right, right, t->ncols * sizeof(*right));
    t->grow = grow;
}

/* Adds a row; cells are copied. */
static void table_row(struct table *t, const char *const *cells,
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

static void table_release(struct table *t)
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
        nat[c] = text_width(d, MD_BOLD, s, t->head[c]);
        for (r = 0; r < t->nrows; r++)
            nat[c] = fmax(nat[c], text_width(d, t->styles[r * t->ncols + c],
                                             s, t->cells[r * t->ncols + c]));
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
        tw = measure_text(&m, style, text, strlen(text));
        if (tw <= w - 2 * CELL_PAD) {
            show_text(d, style, size, &INK, x + w - CELL_PAD - tw, y, text,
                      strlen(text));
            return;
        }
    }
    show_line(d, style, size, &INK, x + CELL_PAD, y, w - 2 * CELL_PAD,
              text);
}

/* Draws the table at (x, top), w wide, in at most max_h; rows that do not
 * fit are summarised in a last "… N more" row. Returns the height taken. */
static double draw_table(struct deck *d, const struct table *t, double x,
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
    fill_rect(d, &HEAD_BG, x, y - rh, w, rh);
    for (c = 0, cx = x; c < t->ncols; cx += widths[c++])
        table_cell(d, t->head[c], MD_BOLD, size, t->right[c], cx,
                   y - rh + 0.55 * size, widths[c]);
    y -= rh;
    for (r = 0; r < t->nrows && r < fit; r++, y -= rh) {
        if (r % 2)
            fill_rect(d, &ZEBRA, x, y - rh, w, rh);
        for (c = 0, cx = x; c < t->ncols; cx += widths[c++])
            table_cell(d, t->cells[r * t->ncols + c],
                       t->styles[r * t->ncols + c], size, t->right[c], cx,
                       y - rh + 0.55 * size, widths[c]);
    }
    if (r < t->nrows) {
        snprintf(more, sizeof(more), LAYOUT_ELLIPSIS " %zu more",
                 t->nrows - r);
        show_text(d, ST_MUTED, size, &INK, x + CELL_PAD,
                  y - rh + 0.55 * size, more, strlen(more));
        y -= rh;
    }
    hline(d, &RULE, 0.8, x, x + w, y);
    return top - y;
}

/* ---- lists of items over slides ------------------------------------------ */

struct item {
    struct md_doc doc;
    char marker[16];
    const struct rgb *marker_color;
    char pill[24];               /* e.g. "P1"; "" for none */
    const struct rgb *pill_color;
    struct buf meta;             /* muted lines beside the text */
};

struct items {
    struct item *items;
    size_t n, cap;
};

static struct item *items_add(struct items *l, const char *marker,
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

static void items_release(struct items *l)
{
    size_t i;

    for (i = 0; i < l->n; i++) {
        md_doc_release(&l->items[i].doc);
        buf_release(&l->items[i].meta);
    }
    free(l->items);
    memset(l, 0, sizeof(*l));
}

struct list_style {
    double size;
    double meta_w;       /* width of the meta column; 0 for none */
    double mark_w;       /* width of the marker column (set by
                            slide_items from the widest marker) */
    const char *note;    /* a muted line at the foot of the first slide,
                            or NULL */
};

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
        size_t fit = layout_ellipsize(text, len, 0, b->w, measure_text, &m,
                                      &cut);
        double w = measure_text(&m, 0, text, fit)
                   + (cut ? text_width(d, 0, b->size, LAYOUT_ELLIPSIS) : 0);

        if (draw) {
            show_text(d, 0, b->size, b->color, b->x + b->w - w, y, text,
                      fit);
            if (cut)
                show_text(d, 0, b->size, b->color,
                          b->x + b->w - text_width(d, 0, b->size,
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
        show_text(d, MD_BOLD, ls->size, it->marker_color, MARGIN, base,
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
            w = fmax(w, text_width(d, MD_BOLD, META_SIZE * 0.95,
                                   l->items[i].pill) + META_SIZE * 1.3);
        while (*s) {
            size_t len = strcspn(s, "\n");

            w = fmax(w, measure_text(&m, 0, s, len));
            s += len + (s[len] == '\n');
        }
    }
    return fmin(w + 2, max);
}

/* A section of items over as many slides as they need ("(cont.)" after
 * the first), or one slide with the empty text; bookmarked. */
static void slide_items(struct deck *d, const char *title,
                        const struct items *l, const struct list_style *style,
                        const char *empty)
{
    static const double sizes[] = { 24, 21 };
    double *heights = xcalloc(l->n + 1, sizeof(*heights));
    size_t *starts = xcalloc(l->n + 2, sizeof(*starts));
    struct list_style s = *style, *ls = &s;
    double gap;
    double note_h = style->note ? 2.2 * META_SIZE * LEAD : 0;
    struct buf t = BUF_INIT;
    size_t pages, p, i, k;

    if (s.meta_w > 0)
        s.meta_w = meta_width(d, l, style->meta_w);
    /* Larger type when a short list leaves the slide empty-looking. */
    for (k = 0; k <= sizeof(sizes) / sizeof(sizes[0]); k++) {
        double total = 0;

        s.size = k < sizeof(sizes) / sizeof(sizes[0]) ? sizes[k]
                                                      : style->size;
        gap = 0.7 * s.size;
        s.mark_w = 1.0 * s.size;
        for (i = 0; i < l->n; i++)
            s.mark_w = fmax(s.mark_w, text_width(d, MD_BOLD, s.size,
                                                 l->items[i].marker)
                                      + 0.45 * s.size);
        for (i = 0; i < l->n; i++) {
            heights[i] = draw_item(d, &l->items[i], ls, BODY_TOP, 1e6, 0);
            total += heights[i] + (i ? gap : 0);
        }
        if (total <= (BODY_H - note_h) * 0.6)
            break;
    }
    pages = layout_paginate(starts, heights, l->n, gap, BODY_H - note_h,
                            BODY_H);
    starts[pages] = l->n;
    for (p = 0; p < pages; p++) {
        double y = BODY_TOP;

        buf_reset(&t);
        layout_page_title(&t, title, p);
        new_slide(d, t.ptr, 0);
        if (p == 0)
            bookmark(d, NULL, title);
        if (p == 0 && style->note)
            show_line(d, 0, META_SIZE + 1, &MUTED, MARGIN, BODY_BOTTOM + 4,
                      BODY_W, style->note);
        for (i = starts[p]; i < starts[p + 1]; i++) {
            double room = y - BODY_BOTTOM - (p == 0 ? note_h : 0);

            y -= draw_item(d, &l->items[i], ls, y, room, 1) + gap;
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

/* ---- words for dates and periods ----------------------------------------- */

/* A period bound: the date when it is a local midnight, else date and
 * time. An exclusive end at midnight shows the day before. */
static void format_bound(char out[TIME_SHORT_SIZE], int64_t ms, int end)
{
    if (time_day_start(ms, 0) == ms)
        time_format_date(out, end ? ms - 1 : ms);
    else
        time_format_short(out, ms);
}

static void format_period(struct deck *d)
{
    char a[TIME_SHORT_SIZE], b[TIME_SHORT_SIZE];
    int64_t since = d->v->since ? d->v->since : d->v->first_ts;
    int64_t until = d->v->until ? d->v->until : d->o->now;

    format_bound(a, since, 0);
    format_bound(b, until, 1);
    if (strcmp(a, b) == 0)
        snprintf(d->period, sizeof(d->period), "%s", a);
    else
        snprintf(d->period, sizeof(d->period), "%s \xe2\x80\x93 %s", a, b);
}

/* ---- metrics --------------------------------------------------------- */

static int bookkeeping(const char *name)
{
    return strncmp(name, "n_", 2) == 0 || strstr(name, "count")
           || strcmp(name, "step") == 0 || strcmp(name, "epoch") == 0
           || strcmp(name, "lr") == 0;
}

static const struct view_metric *find_metric(const struct view_exp *x,
                                             const char *name)
{
    size_t i;

    for (i = 0; i < x->nmetrics; i++)
        if (strcmp(x->metrics[i].name, name) == 0)
            return &x->metrics[i];
    return NULL;
}

/* Result metrics worth comparing, scores before losses, single points
 * included (an eval). Up to max names, borrowed from the view. */
static size_t pick_results(const struct view_exp *x, const char **out,
                           size_t max)
{
    size_t n = 0, i;
    int pass;

    for (pass = 0; pass < 2; pass++)
        for (i = 0; i < x->nmetrics && n < max; i++)
            if (!bookkeeping(x->metrics[i].name)
                && figure_lower_is_better(x->metrics[i].name) == pass)
                out[n++] = x->metrics[i].name;
    return n;
}

/* Whether text mentions metric as a word, case-insensitively, as written
 * or with '_' read as a space ("win rate" for win_rate). */
static int mentions(const char *text, const char *metric)
{
    size_t n = strlen(metric), i, k;

    for (i = 0; n && text[i]; i++) {
        if (i > 0 && isalnum((unsigned char)text[i - 1]))
            continue;
        for (k = 0; k < n && text[i + k]; k++) {
            char a = (char)tolower((unsigned char)text[i + k]);
            char b = (char)tolower((unsigned char)metric[k]);

            if (a != b && !(b == '_' && a == ' '))
                break;
        }
        if (k == n && !isalnum((unsigned char)text[i + n]))
            return 1;
    }
    return 0;
}

/* How much the texts about a result talk about metric: 3 per takeaway
 * that mentions it, 2 for the (first member's) hypothesis, 1 per other
 * note in the period. */
static int mention_count(const struct view *v, const struct result *r,
                         const char *metric)
{
    size_t i, k;
    int n = 2 * mentions(r->exps[0]->hypothesis, metric);

    for (i = 0; i < v->notes.len; i++)
        for (k = 0; k < r->n; k++)
            if (v->notes.items[i]->exp == r->exps[k]
                && mentions(v->notes.items[i]->text, metric))
                n += v->notes.items[i]->takeaway ? 3 : 1;
    return n;
}

/* Reorders names so that the metrics the notes talk about come first,
 * keeping the order otherwise (a stable insertion sort). */
static void by_mentions(const struct view *v, const struct result *r,
                        const char **names, size_t n)
{
    int counts[16];
    size_t i, j;

    for (i = 0; i < n && i < 16; i++)
        counts[i] = mention_count(v, r, names[i]);
    for (i = 1; i < n && i < 16; i++)
        for (j = i; j > 0 && counts[j] > counts[j - 1]; j--) {
            const char *t = names[j];
            int c = counts[j];

            names[j] = names[j - 1];
            names[j - 1] = t;
            counts[j] = counts[j - 1];
            counts[j - 1] = c;
        }
}

/* "0.6712", or "NaN" / "NaN @ step 1900" (in red) for a diverged
 * series. */
static void format_last(char *out, size_t size, const struct view_metric *m,
                        int *style)
{
    char v[NUM_TEXT_SIZE];

    *style = 0;
    num_format(v, m->last);
    if (isfinite(m->last)) {
        snprintf(out, size, "%s", v);
        return;
    }
    *style = ST_DANGER;
    if (m->nonfinite && m->count > 1)
        snprintf(out, size, "%s @ step %lld", v,
                 (long long)m->nonfinite_step);
    else
        snprintf(out, size, "%s", v);
}

/* ---- the plan: which experiments, grouped how ---------------------------- */

static int matters(const struct view_exp *x)
{
    return x->touched && (x->ended_in_period || x->ntakeaways > 0);
}

static int has_tag(const struct view_exp *x, const char *tag)
{
    size_t i;

    for (i = 0; i < x->ntags; i++)
        if (strcmp(x->tags[i], tag) == 0)
            return 1;
    return 0;
}

static int seed_like(const char *key)
{
    return strstr(key, "seed") != NULL;
}

/* The params whose values differ among the members (a missing param
 * differs too), seeds included; written to keys, returns how many. */
static size_t varying_params(const struct result *r, const char **keys,
                             size_t max)
{
    size_t n = 0, i, j, k;

    for (i = 0; i < r->n; i++) {
        for (k = 0; k < r->exps[i]->nparams && n < max; k++) {
            const char *key = r->exps[i]->params[k].key;
            const char *val = r->exps[i]->params[k].value;
            int differs = 0, seen = 0;

            for (j = 0; j < n; j++)
                seen |= strcmp(keys[j], key) == 0;
            for (j = 0; !seen && !differs && j < r->n; j++) {
                const char *other = view_exp_param(r->exps[j], key);

                differs = !other || strcmp(other, val) != 0;
            }
            if (!seen && differs)
                keys[n++] = key;
        }
    }
    return n;
}

/* The one non-seed param that varies, or NULL. */
static const char *group_by(const struct result *r)
{
    const char *keys[32], *by = NULL;
    size_t n = varying_params(r, keys, 32), i, found = 0;

    for (i = 0; i < n; i++)
        if (!seed_like(keys[i])) {
            by = keys[i];
            found++;
        }
    return found == 1 ? by : NULL;
}

static int param_cmp(const char *a, const char *b)
{
    char *ea, *eb;
    double x, y;

    if (!a || !b)
        return a ? 1 : b ? -1 : 0;
    x = strtod(a, &ea);
    y = strtod(b, &eb);
    if (*a && *b && !*ea && !*eb && x != y)
        return x < y ? -1 : 1;
    return strcmp(a, b);
}

/* qsort context: the param the members are ordered by (file-scope,
 * because qsort has none; lablog is single-threaded). */
static const char *sort_key;

static int member_cmp(const void *pa, const void *pb)
{
    const struct view_exp *a = *(const struct view_exp *const *)pa;
    const struct view_exp *b = *(const struct view_exp *const *)pb;
    int c = 0;
    size_t i;

    if (sort_key)
        c = param_cmp(view_exp_param(a, sort_key),
                      view_exp_param(b, sort_key));
    for (i = 0; c == 0 && i < a->nparams; i++)
        if (seed_like(a->params[i].key))
            c = param_cmp(a->params[i].value,
                          view_exp_param(b, a->params[i].key));
    if (c == 0)
        c = a->id < b->id ? -1 : a->id > b->id;
    return c;
}

/* How much a slide about x matters for decisions. */
static double exp_score(const struct view_exp *x)
{
    int bad = strcmp(x->status, EXP_FAILED) == 0;
    size_t i;

    for (i = 0; i < x->nmetrics; i++)
        bad |= x->metrics[i].nonfinite > 0;
    return 4.0 * (double)x->ntakeaways + 2.0 * x->confirm + 2.0 * bad
           + 1.0 * x->ended_in_period + 0.5 * (double)x->nnotes;
}

static struct result *plan_add(struct plan *p)
{
    struct result *r;

    XGROW(p->results, p->nresults + 1, p->cap);
    r = &p->results[p->nresults++];
    memset(r, 0, sizeof(*r));
    return r;
}

static void result_add(struct result *r, const struct view_exp *x)
{
    r->exps = xrealloc(r->exps, (r->n + 1) * sizeof(*r->exps));
    r->exps[r->n++] = x;
}

/* Members of a tag group: experiments with the tag that matter in the
 * period or have results to compare. */
static void tag_members(struct result *r, const struct view *v,
                        const char *tag)
{
    size_t j;

    for (j = 0; j < v->nexps && r->n < MAX_GROUP; j++) {
        const struct view_exp *y = &v->exps[j];

        if (has_tag(y, tag) && (matters(y) || y->nmetrics > 0))
            result_add(r, y);
    }
}

/* Number of params in which x and y differ (keys on either side). */
static size_t param_diffs(const struct view_exp *x, const struct view_exp *y,
                          const char **key)
{
    size_t i, n = 0;

    for (i = 0; i < x->nparams; i++) {
        const char *o = view_exp_param(y, x->params[i].key);

        if (!o || strcmp(o, x->params[i].value) != 0) {
            *key = x->params[i].key;
            n++;
        }
    }
    for (i = 0; i < y->nparams; i++)
        if (!view_exp_param(x, y->params[i].key)) {
            *key = y->params[i].key;
            n++;
        }
    return n;
}

/* Experiments that matter and differ from x in the one param key only. */
static void param_members(struct result *r, const struct view *v,
                          const struct view_exp *x, const char *key,
                          const char *taken)
{
    size_t j;
    const char *k;

    result_add(r, x);
    for (j = 0; j < v->nexps && r->n < MAX_GROUP; j++) {
        const struct view_exp *y = &v->exps[j];

        if (y != x && !taken[j] && matters(y)
            && param_diffs(x, y, &k) == 1 && strcmp(k, key) == 0)
            result_add(r, y);
    }
}

/* Forms x's result: its first tag shared with another experiment, else
 * experiments differing from it in one param, else x alone. */
static void plan_one(struct plan *p, const struct view *v, size_t xi,
                     char *taken)
{
    const struct view_exp *x = &v->exps[xi];
    struct result *r = plan_add(p);
    const char *key = NULL;
    size_t i, j;

    for (i = 0; i < x->ntags && r->n < 2; i++) {
        r->n = 0;
        tag_members(r, v, x->tags[i]);
        r->tag = x->tags[i];
    }
    if (r->n < 2) {
        r->n = 0;
        r->tag = NULL;
        for (j = 0; j < v->nexps && !key; j++)
            if (j != xi && !taken[j] && matters(&v->exps[j])
                && param_diffs(x, &v->exps[j], &key) != 1)
                key = NULL;
        if (key)
            param_members(r, v, x, key, taken);
        else
            result_add(r, x);
    }
    r->group = r->n > 1;
    r->by = r->group ? group_by(r) : NULL;
    sort_key = r->by;
    qsort(r->exps, r->n, sizeof(*r->exps), member_cmp);
    r->first_id = x->id;
    for (i = 0; i < r->n; i++) {
        size_t k = (size_t)(r->exps[i] - v->exps);

        taken[k] = 1;
        r->score = fmax(r->score, exp_score(r->exps[i]) + (r->group ? 1 : 0));
    }
}

static int result_cmp(const void *pa, const void *pb)
{
    const struct result *a = pa, *b = pb;

    if (a->score != b->score)
        return a->score > b->score ? -1 : 1;
    return a->first_id < b->first_id ? -1 : a->first_id > b->first_id;
}

/* Results that matter, most relevant first; at most max get slides; the
 * other experiments touched go to the appendix. */
static void plan_build(struct plan *p, const struct view *v, size_t max)
{
    char *taken = xcalloc(v->nexps + 1, 1);
    size_t i, k;

    p->placed = xcalloc(v->nexps + 1, 1);
    for (i = 0; i < v->nexps; i++)
        if (matters(&v->exps[i]) && !taken[i])
            plan_one(p, v, i, taken);
    if (p->nresults > 1)
        qsort(p->results, p->nresults, sizeof(*p->results), result_cmp);
    p->shown = p->nresults < max ? p->nresults : max;
    for (i = 0; i < p->shown; i++)
        for (k = 0; k < p->results[i].n; k++)
            p->placed[p->results[i].exps[k] - v->exps] = 1;
    p->appendix = xcalloc(v->nexps + 1, sizeof(*p->appendix));
    for (i = 0; i < v->nexps; i++)
        if (v->exps[i].touched && !p->placed[i])
            p->appendix[p->nappendix++] = &v->exps[i];
    free(taken);
}

static void plan_release(struct plan *p)
{
    size_t i;

    for (i = 0; i < p->nresults; i++)
        free(p->results[i].exps);
    free(p->results);
    free(p->appendix);
    free(p->placed);
    memset(p, 0, sizeof(*p));
}

/* The distinct values of param key among the members, in their order,
 * written to vals (room for MAX_GROUP); returns how many. */
static size_t distinct_values(const struct result *r, const char *key,
                              const char **vals)
{
    size_t nv = 0, j, k;

    for (j = 0; j < r->n; j++) {
        const char *val = view_exp_param(r->exps[j], key);
        int seen = 0;

        for (k = 0; k < nv && val; k++)
            seen |= strcmp(vals[k], val) == 0;
        if (val && !seen)
            vals[nv++] = val;
    }
    return nv;
}

/* "ft-sweep: lr sweep, 3 seeds", "zero-shot vs few-shot", or the name. */
static void result_title(struct buf *out, const struct result *r)
{
    const char *keys[32], *vals[MAX_GROUP];
    size_t n = varying_params(r, keys, 32), i, seeds = 0;

    if (!r->group) {
        buf_puts(out, r->exps[0]->name);
        return;
    }
    for (i = 0; i < n && !seeds; i++)
        if (seed_like(keys[i]))
            seeds = distinct_values(r, keys[i], vals);
    if (r->tag)
        buf_puts(out, r->tag);
    else if (r->n <= 3)
        for (i = 0; i < r->n; i++)
            buf_printf(out, "%s%s", i ? " vs " : "", r->exps[i]->name);
    else
        buf_printf(out, "%zu experiments", r->n);
    if (r->by)
        buf_printf(out, r->tag ? ": %s sweep" : " (%s)", r->by);
    if (seeds > 1)
        buf_printf(out, "%s%zu seeds", r->by || !r->tag ? ", " : ": ", seeds);
}

/* ---- slides: title, empty period ------------------------------------- */

static void slide_title(struct deck *d)
{
    const struct view *v = d->v;
    struct box b = { MARGIN + 24, 360, BODY_W - 48, 110, 40, &INK };
    char date[TIME_DATE_SIZE];
    struct buf line = BUF_INIT;
    double y;

    add_page(d);
    fill_rect(d, &ACCENT, 0, 0, 14, PAGE_H);
    if (v->project && strcmp(d->title, v->project) != 0)
        show_line(d, MD_BOLD, 16, &ACCENT, b.x, 388, b.w, v->project);
    y = b.top - draw_plain(d, d->title, MD_BOLD, &b) - 14;
    buf_printf(&line, "Weekly meeting \xc2\xb7 %s", d->period);
    show_line(d, 0, 20, &MUTED, b.x, y - 20, b.w, line.ptr);
    y -= 20 * LEAD + 16;
    if (v->goal && *v->goal) {
        struct box g = { b.x, y, b.w * 0.8, 16 * LEAD * 3, 16, &INK };
        struct md_doc doc = { 0 };

        md_parse(&doc, v->goal, strlen(v->goal));
        y -= draw_doc(d, &doc, &g, 1) + 16;
        md_doc_release(&doc);
    }
    buf_reset(&line);
    buf_printf(&line, "%s \xc2\xb7 %s", d->o->author ? d->o->author : "",
               time_format_date(date, d->o->now));
    show_line(d, MD_BOLD, 16, &INK, b.x, 70, b.w, line.ptr);
    bookmark(d, NULL, d->title);
    buf_release(&line);
}

static void slide_empty(struct deck *d)
{
    const struct view *v = d->v;
    struct box b = { MARGIN, BODY_TOP - 60, BODY_W, BODY_H, 24, &INK };
    struct buf text = BUF_INIT;
    char since[TIME_SHORT_SIZE], until[TIME_SHORT_SIZE];

    new_slide(d, "Nothing to report", 0);
    bookmark(d, NULL, "Nothing to report");
    format_bound(since, v->since ? v->since : v->first_ts, 0);
    format_bound(until, v->until ? v->until : d->o->now, 1);
    if (strcmp(since, until) == 0)
        buf_printf(&text, "No logged activity on %s.", since);
    else
        buf_printf(&text, "No logged activity between %s and %s.", since,
                   until);
    b.top -= draw_plain(d, text.ptr, MD_BOLD, &b) + 18;
    buf_reset(&text);
    buf_printf(&text, "Open: %zu next step%s, %zu question%s, %zu "
               "blocker%s.", v->next_open.len,
               v->next_open.len == 1 ? "" : "s", v->questions_open.len,
               v->questions_open.len == 1 ? "" : "s",
               v->blockers_open.len, v->blockers_open.len == 1 ? "" : "s");
    b.size = 18;
    b.color = &MUTED;
    draw_plain(d, text.ptr, 0, &b);
    buf_release(&text);
}

/* ---- slides: agenda ------------------------------------------------- */

struct agenda {
    struct layout_agenda_item *items;
    char **labels;
    size_t n, cap;
};

static void agenda_add(struct agenda *a, const char *label, double fixed,
                       double estimate)
{
    if (a->n == a->cap) {
        a->cap = a->cap ? 2 * a->cap : 16;
        a->items = xrealloc(a->items, a->cap * sizeof(*a->items));
        a->labels = xrealloc(a->labels, a->cap * sizeof(*a->labels));
    }
    a->items[a->n].fixed = fixed;
    a->items[a->n].estimate = estimate;
    a->items[a->n].minutes = 0;
    a->labels[a->n++] = xstrdup(label);
}

static void agenda_release(struct agenda *a)
{
    size_t i;

    for (i = 0; i < a->n; i++)
        free(a->labels[i]);
    free(a->labels);
    free(a->items);
}

static int has_blockers(const struct view *v)
{
    return v->blockers_open.len + v->blockers_resolved.len > 0;
}

static void agenda_build(struct agenda *a, const struct deck *d)
{
    const struct view *v = d->v;
    struct buf label = BUF_INIT;
    double fixed = 0, loose = 0;
    size_t i;

    agenda_add(a, "TL;DR", 0,
               fmin(5, 1 + 0.5 * (double)(v->takeaways.len
                                          + v->decisions.len)));
    for (i = 0; i < d->plan.shown; i++) {
        const struct result *r = &d->plan.results[i];
        size_t k, takeaways = 0;

        for (k = 0; k < r->n; k++)
            takeaways += r->exps[k]->ntakeaways;
        buf_reset(&label);
        result_title(&label, r);
        agenda_add(a, label.ptr, 0,
                   3 + (double)takeaways + (r->group ? 1 : 0));
    }
    for (i = 0; i < v->next_open.len; i++) {
        if (v->next_open.items[i]->minutes > 0)
            fixed += v->next_open.items[i]->minutes;
        else
            loose += 1;
    }
    agenda_add(a, "Next steps", fixed, fixed + loose > 0 ? loose : 1);
    if (v->questions_open.len)
        agenda_add(a, "Questions", 0, 2.0 * (double)v->questions_open.len);
    if (has_blockers(v))
        agenda_add(a, "Blockers", 0,
                   1.5 * (double)(v->blockers_open.len ? v->blockers_open.len
                                                       : 1));
    layout_agenda(a->items, a->n, d->o->minutes);
    buf_release(&label);
}

static void slide_agenda(struct deck *d, const struct agenda *a)
{
    double avail = BODY_H, row = fmin(34, avail / (double)(a->n + 1.5));
    double size = fmin(TEXT_SIZE, row / 1.6), y = BODY_TOP;
    char when[32], mins[32];
    int at = 0;
    size_t i;

    new_slide(d, "Agenda", 0);
    bookmark(d, NULL, "Agenda");
    for (i = 0; i < a->n; i++, y -= row) {
        int m = a->items[i].minutes;

        snprintf(when, sizeof(when), "%d:%02d", at / 60, at % 60);
        snprintf(mins, sizeof(mins), "%d min", m);
        at += m;
        if (i % 2 == 0)
            fill_rect(d, &ZEBRA, MARGIN, y - row + 0.2 * size, BODY_W, row);
        show_text(d, 0, size, &MUTED, MARGIN + 8, y - row + 0.65 * size,
                  when, strlen(when));
        show_line(d, 0, size, &INK, MARGIN + 90,
                  y - row + 0.65 * size, BODY_W - 220, a->labels[i]);
        show_text(d, MD_BOLD, size, &ACCENT, PAGE_W - MARGIN - 8
                  - text_width(d, MD_BOLD, size, mins),
                  y - row + 0.65 * size, mins, strlen(mins));
    }
    hline(d, &RULE, 0.8, MARGIN, PAGE_W - MARGIN, y + 0.2 * size);
    if (d->plan.nappendix) {
        char more[96];

        snprintf(more, sizeof(more), "Appendix: %zu more experiment%s, "
                 "one line each", d->plan.nappendix,
                 d->plan.nappendix == 1 ? "" : "s");
        show_text(d, ST_MUTED, size * 0.85, &INK, MARGIN + 90,
                  y - row + 0.65 * size, more, strlen(more));
    }
}

/* ---- slides: lists ---------------------------------------------------- */

/* " — exp-name" in muted text after an item about an experiment. */
static void add_exp_suffix(struct item *it, const struct view_item *vi)
{
    struct buf s = BUF_INIT;

    if (!vi->exp)
        return;
    buf_printf(&s, " \xe2\x80\x94\xc2\xa0%s", vi->exp->name); /* NBSP */
    md_append(&it->doc, s.ptr, ST_MUTED);
    buf_release(&s);
}

/* Appends "1 note" / "3 notes" after a separator; nothing for 0. */
static void count_word(struct buf *out, size_t n, const char *one,
                       const char *many)
{
    if (n)
        buf_printf(out, "%s%zu %s", out->len ? " \xc2\xb7 " : "", n,
                   n == 1 ? one : many);
}

/* "12 experiments touched: 10 finished, 1 failed · 9 notes · ..." */
static void period_stats(struct buf *out, const struct view *v)
{
    size_t i, done = 0, failed = 0;

    for (i = 0; i < v->nexps; i++) {
        const struct view_exp *x = &v->exps[i];

        if (!x->ended_in_period)
            continue;
        done += strcmp(x->status, EXP_DONE) == 0;
        failed += strcmp(x->status, EXP_FAILED) == 0;
    }
    count_word(out, v->ntouched, "experiment", "experiments");
    if (v->ntouched)
        buf_printf(out, " touched (%zu finished, %zu failed)", done, failed);
    count_word(out, v->notes.len, "note", "notes");
    count_word(out, v->takeaways.len, "takeaway", "takeaways");
    count_word(out, v->decisions.len, "decision", "decisions");
    count_word(out, v->next_done.len, "next step done", "next steps done");
    count_word(out, v->questions_answered.len, "question answered",
               "questions answered");
}

static void slide_tldr(struct deck *d)
{
    const struct view *v = d->v;
    struct list_style ls = { TEXT_SIZE, 0, 0, NULL };
    struct items l = { 0 };
    struct buf stats = BUF_INIT;
    size_t i;

    period_stats(&stats, v);
    ls.note = stats.ptr;
    for (i = 0; i < v->takeaways.len; i++) {
        const struct view_item *vi = v->takeaways.items[i];
        struct item *it = items_add(&l, "\xe2\x80\xa2", &ACCENT);

        md_parse(&it->doc, vi->text, strlen(vi->text));
        add_exp_suffix(it, vi);
    }
    for (i = 0; i < v->decisions.len; i++) {
        const struct view_item *vi = v->decisions.items[i];
        struct item *it = items_add(&l, "\xe2\x9c\x93", &CONFIRM);
        struct buf s = BUF_INIT;

        buf_puts(&s, "**Decided:** ");
        buf_puts(&s, vi->text);
        md_parse(&it->doc, s.ptr, s.len);
        buf_release(&s);
    }
    slide_items(d, "TL;DR", &l, &ls,
                "No takeaways were marked in this period "
                "('lablog note --takeaway').");
    items_release(&l);
    buf_release(&stats);
}

/* Who raised it and when, and what it is about. */
static void owner_meta(struct item *it, const struct view_item *vi)
{
    char date[TIME_DATE_SIZE];

    buf_printf(&it->meta, "%s\n%s", vi->author,
               time_format_date(date, vi->ts));
    if (vi->exp)
        buf_printf(&it->meta, "\nre: %s", vi->exp->name);
}

static const struct rgb *priority_color(int p)
{
    return p <= 1 ? &DANGER : p == 2 ? &EXPLORE : &MUTED;
}

static void slide_next(struct deck *d)
{
    const struct view *v = d->v;
    struct list_style ls = { TEXT_SIZE, 200, 0, NULL };
    struct items l = { 0 };
    char marker[16];
    size_t i;

    for (i = 0; i < v->next_open.len; i++) {
        const struct view_item *vi = v->next_open.items[i];
        struct item *it;

        snprintf(marker, sizeof(marker), "%d.", (int)(i + 1));
        it = items_add(&l, marker, &INK);
        md_parse(&it->doc, vi->text, strlen(vi->text));
        if (vi->minutes > 0)
            snprintf(it->pill, sizeof(it->pill), "P%d \xc2\xb7 %d min",
                     vi->priority, vi->minutes);
        else
            snprintf(it->pill, sizeof(it->pill), "P%d", vi->priority);
        it->pill_color = priority_color(vi->priority);
        buf_puts(&it->meta, vi->author);
        if (vi->exp)
            buf_printf(&it->meta, "\nfrom %s", vi->exp->name);
    }
    slide_items(d, "Next steps", &l, &ls,
                "No open next steps ('lablog next TEXT --priority 1').");
    items_release(&l);
}

static void slide_questions(struct deck *d)
{
    const struct view *v = d->v;
    struct list_style ls = { TEXT_SIZE, 200, 0, NULL };
    struct items l = { 0 };
    size_t i;

    for (i = 0; i < v->questions_open.len; i++) {
        const struct view_item *vi = v->questions_open.items[i];
        struct item *it = items_add(&l, "?", &ACCENT);

        md_parse(&it->doc, vi->text, strlen(vi->text));
        owner_meta(it, vi);
    }
    slide_items(d, "Questions for the meeting", &l, &ls, "");
    items_release(&l);
}

static void slide_blockers(struct deck *d)
{
    const struct view *v = d->v;
    struct list_style ls = { TEXT_SIZE, 200, 0, NULL };
    struct items l = { 0 };
    char date[TIME_DATE_SIZE];
    size_t i;

    for (i = 0; i < v->blockers_open.len; i++) {
        const struct view_item *vi = v->blockers_open.items[i];
        struct item *it = items_add(&l, "!", &DANGER);

        md_parse(&it->doc, vi->text, strlen(vi->text));
        snprintf(it->pill, sizeof(it->pill), "open");
        it->pill_color = &DANGER;
        owner_meta(it, vi);
    }
    for (i = 0; i < v->blockers_resolved.len; i++) {
        const struct view_item *vi = v->blockers_resolved.items[i];
        struct item *it = items_add(&l, "\xe2\x9c\x93", &CONFIRM);
        struct buf s = BUF_INIT;

        md_parse(&it->doc, vi->text, strlen(vi->text));
        if (*vi->closed_text) {
            buf_printf(&s, " \xe2\x86\x92 %s", vi->closed_text);
            md_append(&it->doc, s.ptr, ST_MUTED);
        }
        snprintf(it->pill, sizeof(it->pill), "resolved");
        it->pill_color = &CONFIRM;
        buf_printf(&it->meta, "%s", time_format_date(date, vi->closed_ts));
        buf_release(&s);
    }
    slide_items(d, "Blockers", &l, &ls, "No blockers.");
    items_release(&l);
}

/* ---- slides: results ---------------------------------------------- */

/* Draws a figure's raw RGB pixels as an image w x h points at (x, top). */
static int place_rgb(struct deck *d, const struct buf *rgb, double x,
                     double top, double w, double h)
{
    int pw = (int)ceil(w * PLOT_SCALE - 1e-9);
    int ph = (int)ceil(h * PLOT_SCALE - 1e-9);
    HPDF_Image img;

    if (rgb->len != (size_t)pw * (size_t)ph * 3)
        return ll_error(LL_ERR, "a plot came back %zu bytes, expected %dx%d "
                        "pixels", rgb->len, pw, ph);
    if (pdf_failed(d))
        return 0;
    img = HPDF_LoadRawImageFromMem(d->pdf, (const HPDF_BYTE *)rgb->ptr,
                                   (HPDF_UINT)pw, (HPDF_UINT)ph,
                                   HPDF_CS_DEVICE_RGB, 8);
    HPDF_Page_DrawImage(d->page, img, (HPDF_REAL)x, (HPDF_REAL)(top - h),
                        (HPDF_REAL)w, (HPDF_REAL)h);
    return 0;
}

/* A plot that could not be drawn: a database failure stops the deck;
 * anything else (no points, a log scale with zeros) leaves a note in its
 * place. */
static int plot_failed(struct deck *d, int rc, double x, double top,
                       double w)
{
    struct box b = { x, top, w, 40, NOTE_SIZE, &MUTED };
    struct buf s = BUF_INIT;

    if (rc == LL_EDB || rc == LL_EBUSY || rc == LL_EIO)
        return rc;
    buf_printf(&s, "No plot: %s", ll_error_message());
    draw_plain(d, s.ptr, MD_EM, &b);
    ll_error_clear();
    buf_release(&s);
    return 0;
}

static void plot_opts(struct figure_opts *fo, double w, double h)
{
    memset(fo, 0, sizeof(*fo));
    fo->format = CHART_RGB;
    fo->width = w;
    fo->height = h;
    fo->scale = PLOT_SCALE;
}

static int plot_curves(struct deck *d, const struct view_exp *x,
                       const char *const *metrics, size_t n, double top,
                       double h)
{
    struct figure_opts fo;
    struct buf rgb = BUF_INIT;
    double each = floor((h - (double)(n - 1) * 8) / (double)n);
    size_t i;
    int rc = 0;

    for (i = 0; rc == 0 && i < n; i++) {
        double y = top - (double)i * (each + 8);

        plot_opts(&fo, LEFT_W, each);
        buf_reset(&rgb);
        rc = figure_line(&rgb, d->v, &x, 1, &metrics[i], 1, &fo);
        if (rc == 0)
            rc = place_rgb(d, &rgb, MARGIN, y, LEFT_W, each);
        else
            rc = plot_failed(d, rc, MARGIN, y, LEFT_W);
    }
    buf_release(&rgb);
    return rc;
}

static int plot_bars(struct deck *d, const struct result *r,
                     const char *metric, double top, double h)
{
    struct figure_opts fo;
    struct buf rgb = BUF_INIT;
    int rc;

    plot_opts(&fo, GROUP_LEFT_W, floor(h));
    rc = figure_bar(&rgb, d->v, r->exps, r->n, metric, r->by,
                    FIGURE_BAR_LAST, &fo);
    if (rc == 0)
        rc = place_rgb(d, &rgb, MARGIN, top, GROUP_LEFT_W, floor(h));
    else
        rc = plot_failed(d, rc, MARGIN, top, GROUP_LEFT_W);
    buf_release(&rgb);
    return rc;
}

/* The badges at the right of the title: explore/confirm, and the status
 * (failed in red). Returns their total width. */
static double result_badges(struct deck *d, const struct result *r)
{
    size_t i, confirm = 0, failed = 0;
    double x = PAGE_W - MARGIN, y = TITLE_TOP - 0.62 * TITLE_SIZE;
    const char *mode;

    for (i = 0; i < r->n; i++) {
        confirm += r->exps[i]->confirm != 0;
        failed += strcmp(r->exps[i]->status, EXP_FAILED) == 0;
    }
    if (failed) {
        char s[32];

        if (r->group)
            snprintf(s, sizeof(s), "%zu FAILED", failed);
        else
            snprintf(s, sizeof(s), "FAILED");
        x -= draw_pill(d, s, &DANGER, x, y, 11) + 8;
    }
    mode = confirm == r->n ? "CONFIRM" : confirm == 0 ? "EXPLORE" : "MIXED";
    x -= draw_pill(d, mode, confirm == r->n ? &CONFIRM : confirm ? &ACCENT
                                                                 : &EXPLORE,
                   x, y, 11) + 8;
    return PAGE_W - MARGIN - x;
}

/* "lr = 1e-5, 3e-5, 1e-4 · seed = 0, 1, 2 · fixed: model=chat-7b" for a
 * group; the distinguishing params and what happened for one
 * experiment. */
static void result_params(struct buf *out, const struct deck *d,
                          const struct result *r)
{
    const char *keys[32];
    size_t n, i, j, k;

    if (!r->group) {
        char *params = context_distinct_params(d->v, r->exps[0]);
        const char *event = context_exp_event(d->v, r->exps[0]);
        char dur[32];
        const struct view_exp *x = r->exps[0];

        buf_printf(out, "%s%s%s", params, *params ? " \xc2\xb7 " : "",
                   event);
        if (x->started && x->finished > x->started) {
            context_duration(dur, x->finished - x->started);
            buf_printf(out, " in %s", dur);
        }
        if (x->history && x->nhistory
            && *x->history[x->nhistory - 1].message)
            buf_printf(out, ": %s", x->history[x->nhistory - 1].message);
        free(params);
        return;
    }
    n = varying_params(r, keys, 32);
    for (i = 0; i < n; i++) {
        const char *vals[MAX_GROUP];
        size_t nv = distinct_values(r, keys[i], vals);

        buf_printf(out, "%s%s = ", i ? " \xc2\xb7 " : "", keys[i]);
        for (j = 0; j < nv; j++)
            buf_printf(out, "%s%s", j ? ", " : "", vals[j]);
    }
    for (i = 0, k = 0; i < r->exps[0]->nparams; i++) {
        const struct view_kv *p = &r->exps[0]->params[i];
        int varies = 0;

        for (j = 0; j < n; j++)
            varies |= strcmp(keys[j], p->key) == 0;
        if (!varies)
            buf_printf(out, "%s%s=%s", k++ ? ", " : out->len
                       ? " \xc2\xb7 fixed: " : "fixed: ", p->key, p->value);
    }
}

/* Title, badges, hypothesis and params; returns the body's top. */
static double result_header(struct deck *d, const struct result *r,
                            const char *title)
{
    struct buf s = BUF_INIT;
    const char *hyp = r->exps[0]->hypothesis;
    struct box b = { MARGIN, BODY_TOP + 6, BODY_W, 15 * LEAD * 2, 15, &INK };
    double y;
    size_t i;

    add_page(d);
    fill_rect(d, &ACCENT, MARGIN, TITLE_TOP - TITLE_SIZE * LEAD - 8, 56, 3);
    y = result_badges(d, r);
    show_line(d, MD_BOLD, TITLE_SIZE, &INK, MARGIN,
              TITLE_TOP - ASCENT * TITLE_SIZE, BODY_W - y - 12, title);
    for (i = 1; i < r->n; i++)
        if (strcmp(r->exps[i]->hypothesis, hyp) != 0)
            hyp = ""; /* members disagree: leave it to the table */
    y = b.top;
    if (*hyp) {
        struct md_doc doc = { 0 };

        buf_printf(&s, "**Hypothesis:** %s", hyp);
        md_parse(&doc, s.ptr, s.len);
        y -= draw_doc(d, &doc, &b, 1) + 4;
        md_doc_release(&doc);
    }
    buf_reset(&s);
    result_params(&s, d, r);
    show_line(d, 0, 12, &MUTED, MARGIN, y - ASCENT * 12, BODY_W, s.ptr);
    y -= 12 * LEAD + 14;
    buf_release(&s);
    return y;
}

/* Notes about the result's experiments in the period, takeaways first. */
static void result_notes(struct items *l, const struct view *v,
                         const struct result *r)
{
    size_t pass, i, k;

    for (pass = 0; pass < 2; pass++)
        for (i = 0; i < v->notes.len; i++) {
            const struct view_item *vi = v->notes.items[i];
            int mine = 0;
            struct item *it;

            for (k = 0; k < r->n && vi->exp; k++)
                mine |= vi->exp == r->exps[k];
            if (!mine || (vi->takeaway != 0) != (pass == 0))
                continue;
            it = items_add(l, vi->takeaway ? "\xe2\x98\x85" : "\xe2\x80\xa2",
                           vi->takeaway ? &EXPLORE : &MUTED);
            md_parse(&it->doc, vi->text, strlen(vi->text));
            if (r->group)
                add_exp_suffix(it, vi);
        }
}

/* The notes as a list in a column; returns the height taken. */
static double draw_notes(struct deck *d, const struct items *l, double x,
                         double top, double w, double h, double size)
{
    double y = top, mark = 1.3 * size;
    size_t i;

    for (i = 0; i < l->n; i++) {
        struct box b = { x + mark, y, w - mark, y - (top - h), size, &INK };

        if (b.h < size * LEAD)
            break;
        show_text(d, 0, size, l->items[i].marker_color, x,
                  y - ASCENT * size, l->items[i].marker,
                  strlen(l->items[i].marker));
        y -= draw_doc(d, &l->items[i].doc, &b, 1) + 0.6 * size;
    }
    if (i < l->n && y - (top - h) >= size * LEAD) {
        char more[48];

        snprintf(more, sizeof(more), LAYOUT_ELLIPSIS " %zu more note%s",
                 l->n - i, l->n - i == 1 ? "" : "s");
        show_text(d, ST_MUTED, size, &INK, x + mark, y - ASCENT * size,
                  more, strlen(more));
        y -= size * LEAD;
    }
    return top - y;
}

/* Metric table of one experiment: last, best, points, and the change
 * over the period when some metric had points before it. */
static void single_table(struct table *t, const struct view_exp *x)
{
    static const char *head[] = { "Metric", "Last", "Best", "Points",
                                  "Change" };
    static const int right[] = { 0, 1, 1, 1, 1 };
    size_t i, shown = 0;
    int pass, change = 0;

    for (i = 0; i < x->nmetrics; i++)
        change |= x->metrics[i].has_prev;
    table_init(t, head, change ? 5 : 4, right, 0);
    for (pass = 0; pass < 2; pass++)
        for (i = 0; i < x->nmetrics && shown < MAX_TABLE_METRICS; i++) {
            const struct view_metric *m = &x->metrics[i];
            char last[64], best[NUM_TEXT_SIZE], count[32];
            char delta[NUM_TEXT_SIZE] = "";
            const char *cells[5];
            int styles[5] = { 0, 0, 0, 0, 0 };

            if (figure_lower_is_better(m->name) != pass)
                continue;
            format_last(last, sizeof(last), m, &styles[1]);
            num_format(best, figure_lower_is_better(m->name) ? m->min
                                                             : m->max);
            snprintf(count, sizeof(count), "%lld", (long long)m->count);
            if (m->has_prev)
                num_format_delta(delta, m->last - m->prev_last);
            cells[0] = m->name;
            cells[1] = last;
            cells[2] = m->count > 1 ? best : "";
            cells[3] = count;
            cells[4] = delta;
            table_row(t, cells, styles);
            shown++;
        }
}

/* One row per experiment: name, the varying params, the last values of
 * up to two metrics, status. */
static void group_table(struct table *t, const struct result *r,
                        const char *const *metrics, size_t nm,
                        const char **head)
{
    int right[5] = { 0, 0, 0, 0, 0 };
    const char *keys[32];
    size_t nk = varying_params(r, keys, 32), i, j;
    struct buf params = BUF_INIT;

    head[0] = "Experiment";
    head[1] = "Params";
    for (j = 0; j < nm; j++)
        head[2 + j] = metrics[j];
    head[2 + nm] = "Status";
    for (j = 0; j < nm; j++)
        right[2 + j] = 1;
    table_init(t, head, 3 + nm, right, 1);
    for (i = 0; i < r->n; i++) {
        const struct view_exp *x = r->exps[i];
        char vals[2][64];
        const char *cells[5];
        int styles[5] = { MD_BOLD, 0, 0, 0, 0 };

        buf_reset(&params);
        for (j = 0; j < nk; j++) {
            const char *val = view_exp_param(x, keys[j]);

            buf_printf(&params, "%s%s=%s", j ? " " : "", keys[j],
                       val ? val : "-");
        }
        cells[0] = x->name;
        cells[1] = params.ptr;
        for (j = 0; j < nm; j++) {
            const struct view_metric *m = find_metric(x, metrics[j]);

            if (m)
                format_last(vals[j], sizeof(vals[j]), m, &styles[2 + j]);
            else
                snprintf(vals[j], sizeof(vals[j]), "-");
            cells[2 + j] = vals[j];
        }
        cells[2 + nm] = x->status;
        styles[2 + nm] = strcmp(x->status, EXP_FAILED) == 0 ? ST_DANGER : 0;
        table_row(t, cells, styles);
    }
    buf_release(&params);
}

/* Right column: the notes, and the table under them (the table keeps
 * room for its rows, up to 62 % of the column, when notes are long). */
static void result_column(struct deck *d, const struct items *notes,
                          const struct table *t, double x, double top,
                          double w, double size)
{
    double rh = TABLE_SIZE * 1.75, gap = 18;
    double th = fmin((double)(t->nrows + 1) * rh + 2, (top - BODY_BOTTOM)
                     * (notes->n ? 0.62 : 1));
    double nh = top - BODY_BOTTOM - th - gap, table_top = top;

    if (notes->n && nh > size * LEAD)
        table_top = fmax(top - draw_notes(d, notes, x, top, w, nh, size)
                         - gap, BODY_BOTTOM + th);
    if (t->nrows)
        draw_table(d, t, x, table_top, w, table_top - BODY_BOTTOM,
                   TABLE_SIZE);
}

/* How a run recorded by 'lablog run' ran: the command as code, then host,
 * commit, duration and exit status, muted. */
static void run_item(struct items *l, const struct view_exp *x)
{
    struct item *it;
    struct buf s = BUF_INIT;
    char dur[32];

    if (!x->command)
        return;
    it = items_add(l, "$", &MUTED);
    md_plain(&it->doc, x->command, MD_CODE);
    if (x->host && *x->host)
        buf_printf(&s, " on %s", x->host);
    if (x->git_commit && *x->git_commit)
        buf_printf(&s, " at %.8s%s", x->git_commit,
                   x->git_dirty ? " (dirty)" : "");
    if (x->started && x->finished > x->started) {
        context_duration(dur, x->finished - x->started);
        buf_printf(&s, ", %s", dur);
    }
    if (x->has_exit && (x->exit_code || x->signal))
        buf_printf(&s, x->signal ? ", signal %d" : ", exit %d",
                   x->signal ? x->signal : x->exit_code);
    if (s.len)
        md_append(&it->doc, s.ptr, ST_MUTED);
    buf_release(&s);
}

static int slide_single(struct deck *d, const struct result *r, double top)
{
    const struct view_exp *x = r->exps[0];
    const char *curves[16];
    size_t nc = figure_pick_metrics(x, curves, 16);
    struct items notes = { 0 };
    struct table t;
    int rc = 0;

    by_mentions(d->v, r, curves, nc);
    nc = nc > 2 ? 2 : nc;
    result_notes(&notes, d->v, r);
    run_item(&notes, x);
    single_table(&t, x);
    if (nc) {
        rc = plot_curves(d, x, curves, nc, top, top - BODY_BOTTOM);
        result_column(d, &notes, &t, MARGIN + LEFT_W + GUTTER, top, RIGHT_W,
                      NOTE_SIZE);
    } else {
        draw_notes(d, &notes, MARGIN, top, LEFT_W, top - BODY_BOTTOM, 16);
        if (t.nrows)
            draw_table(d, &t, MARGIN + LEFT_W + GUTTER, top, RIGHT_W,
                       top - BODY_BOTTOM, TABLE_SIZE);
        else if (!notes.n) {
            struct box b = { MARGIN, top, BODY_W, 40, 16, &MUTED };

            draw_plain(d, "No metrics or notes recorded yet.", MD_EM, &b);
        }
    }
    table_release(&t);
    items_release(&notes);
    return rc;
}

static int slide_group(struct deck *d, const struct result *r, double top)
{
    const char *metrics[16], *head[5];
    size_t nm = 0, i;
    struct items notes = { 0 };
    struct table t;
    double h = top - BODY_BOTTOM;
    int rc = 0;

    for (i = 0; i < r->n && nm == 0; i++)
        nm = pick_results(r->exps[i], metrics, 16);
    by_mentions(d->v, r, metrics, nm);
    nm = nm > 2 ? 2 : nm;
    result_notes(&notes, d->v, r);
    group_table(&t, r, metrics, nm, head);
    if (nm) {
        rc = plot_bars(d, r, metrics[0], top, h);
        result_column(d, &notes, &t, MARGIN + GROUP_LEFT_W + GUTTER, top,
                      BODY_W - GROUP_LEFT_W - GUTTER, NOTE_SIZE);
    } else {
        draw_notes(d, &notes, MARGIN, top, LEFT_W, h, 16);
        draw_table(d, &t, MARGIN + LEFT_W + GUTTER, top, RIGHT_W, h,
                   TABLE_SIZE);
    }
    table_release(&t);
    items_release(&notes);
    return rc;
}

static int slides_results(struct deck *d)
{
    struct buf title = BUF_INIT;
    HPDF_Outline parent = NULL;
    size_t i;
    int rc = 0;

    for (i = 0; rc == 0 && i < d->plan.shown; i++) {
        const struct result *r = &d->plan.results[i];
        double top;

        buf_reset(&title);
        result_title(&title, r);
        top = result_header(d, r, title.ptr);
        if (i == 0) {
            parent = bookmark(d, NULL, "Results");
            if (parent)
                HPDF_Outline_SetOpened(parent, HPDF_TRUE);
        }
        bookmark(d, parent, title.ptr);
        rc = r->group ? slide_group(d, r, top) : slide_single(d, r, top);
    }
    buf_release(&title);
    return rc;
}

/* ---- slides: appendix ------------------------------------------------- */

static void slide_appendix(struct deck *d)
{
    static const char *head[] = { "Experiment", "Status", "Params",
                                  "Key results" };
    static const int right[] = { 0, 0, 0, 0 };
    const struct plan *p = &d->plan;
    double rh = TABLE_SIZE * 1.75;
    size_t per = (size_t)floor(BODY_H / rh) - 1, i, page;
    struct buf title = BUF_INIT;

    for (page = 0, i = 0; i < p->nappendix; page++) {
        struct table t;
        size_t end = i + per < p->nappendix ? i + per : p->nappendix;

        table_init(&t, head, 4, right, 3);
        for (; i < end; i++) {
            const struct view_exp *x = p->appendix[i];
            char *params = context_distinct_params_max(d->v, x, 4);
            char *key = context_key_results(d->v, x);
            const char *cells[4];
            int styles[4] = { MD_BOLD, 0, 0, 0 };

            cells[0] = x->name;
            cells[1] = context_exp_event(d->v, x);
            cells[2] = params;
            cells[3] = key;
            styles[1] = strcmp(x->status, EXP_FAILED) == 0 ? ST_DANGER : 0;
            table_row(&t, cells, styles);
            free(params);
            free(key);
        }
        buf_reset(&title);
        layout_page_title(&title, "Appendix: other experiments", page);
        new_slide(d, title.ptr, 0);
        if (page == 0)
            bookmark(d, NULL, "Appendix");
        draw_table(d, &t, MARGIN, BODY_TOP, BODY_W, BODY_H, TABLE_SIZE);
        table_release(&t);
    }
    buf_release(&title);
}

/* ---- the document ------------------------------------------------------ */

static void set_info(struct deck *d)
{
    struct buf subject = BUF_INIT;
    time_t secs = (time_t)(d->o->now / 1000);
    struct tm tm;
    HPDF_Date date;

    if (pdf_failed(d))
        return;
    gmtime_r(&secs, &tm);
    memset(&date, 0, sizeof(date));
    date.year = tm.tm_year + 1900;
    date.month = tm.tm_mon + 1;
    date.day = tm.tm_mday;
    date.hour = tm.tm_hour;
    date.minutes = tm.tm_min;
    date.seconds = tm.tm_sec;
    date.ind = 'Z';
    buf_printf(&subject, "Weekly meeting, %s", d->period);
    HPDF_SetInfoAttr(d->pdf, HPDF_INFO_TITLE, d->title);
    if (d->o->author)
        HPDF_SetInfoAttr(d->pdf, HPDF_INFO_AUTHOR, d->o->author);
    HPDF_SetInfoAttr(d->pdf, HPDF_INFO_SUBJECT, subject.ptr);
    HPDF_SetInfoAttr(d->pdf, HPDF_INFO_CREATOR, "lablog slides");
    HPDF_SetInfoDateAttr(d->pdf, HPDF_INFO_CREATION_DATE, date);
    HPDF_SetInfoDateAttr(d->pdf, HPDF_INFO_MOD_DATE, date);
    buf_release(&subject);
}

static int save(struct deck *d, struct buf *out)
{
    HPDF_UINT32 size, got;
    size_t old = out->len;

    if (pdf_failed(d) || HPDF_SaveToStream(d->pdf) != HPDF_OK)
        return pdf_error(d);
    size = HPDF_GetStreamSize(d->pdf);
    HPDF_ResetStream(d->pdf);
    buf_grow(out, size);
    got = size;
    if (HPDF_ReadFromStream(d->pdf, (HPDF_BYTE *)out->ptr + old, &got)
        != HPDF_OK || got != size || pdf_failed(d)) {
        out->ptr[old] = '\0';
        return pdf_error(d);
    }
    out->len = old + size;
    out->ptr[out->len] = '\0';
    return 0;
}

static int build_slides(struct deck *d)
{
    struct agenda a = { 0 };
    int rc = 0;

    slide_title(d);
    if (d->v->nentries == 0) {
        slide_empty(d);
        return 0;
    }
    agenda_build(&a, d);
    slide_agenda(d, &a);
    agenda_release(&a);
    slide_tldr(d);
    rc = slides_results(d);
    if (rc == 0) {
        slide_next(d);
        if (d->v->questions_open.len)
            slide_questions(d);
        if (has_blockers(d->v))
            slide_blockers(d);
        if (d->plan.nappendix)
            slide_appendix(d);
    }
    return rc;
}

static int setup(struct deck *d)
{
    d->pdf = HPDF_New(on_error, d);
    if (!d->pdf)
        return ll_error(LL_ERR, "cannot write the deck: libharu could not "
                        "start");
    HPDF_SetCompressionMode(d->pdf, HPDF_COMP_ALL);
    HPDF_UseUTFEncodings(d->pdf);
    HPDF_SetCurrentEncoder(d->pdf, "UTF-8");
    HPDF_SetPageMode(d->pdf, HPDF_PAGE_MODE_USE_OUTLINE);
    return load_fonts(d);
}

int deck_build(struct buf *out, int *pages_out, const struct view *v,
               const struct deck_opts *o)
{
    struct deck d;
    int rc;

    memset(&d, 0, sizeof(d));
    d.v = v;
    d.o = o;
    d.title = o->title ? o->title : v->project ? v->project : "lablog";
    buf_init(&d.scratch);
    buf_init(&d.footer);
    format_period(&d);
    buf_printf(&d.footer, "%s \xc2\xb7 %s", d.title, d.period);
    plan_build(&d.plan, v, (size_t)(o->minutes / 5 > 3 ? o->minutes / 5 : 3));
    rc = setup(&d);
    if (rc == 0 && pdf_failed(&d))
        rc = pdf_error(&d);
    if (rc == 0)
        rc = build_slides(&d);
    if (rc == 0) {
        draw_footers(&d);
        set_info(&d);
        rc = save(&d, out);
    }
    if (rc == 0)
        *pages_out = (int)d.npages;
    if (d.pdf)
        HPDF_Free(d.pdf);
    free(d.pages);
    buf_release(&d.scratch);
    buf_release(&d.footer);
    plan_release(&d.plan);
    return rc;
}
