/* SPDX-License-Identifier: MIT */
/*
 * Placing and drawing the legend and the reference-line labels so they do
 * not cover data.
 *
 * The chart marks everything it draws inside the plot (line segments, gap
 * crosses, bars and their labels) into an occupancy grid of 2-point
 * cells. A summed-area table over the grid answers "is anything under
 * this box" in constant time, so many candidate spots can be tried: the
 * four corners first (as matplotlib's loc="best"), then sliding down the
 * right and left edges and along the top and bottom. When nothing inside
 * is free, the legend goes right of the plot, or below it when that
 * would leave the plot too narrow.
 */
#include <math.h>
#include <stdlib.h>

#include "plot/chart_impl.h"
#include "util/xalloc.h"

#define CELL 2.0 /* occupancy cell size, points */

static const struct rgb label_ink = { 0.2, 0.2, 0.2 };
static const struct rgb ref_ink = { 0.33, 0.33, 0.33 };
static const struct rgb note_ink = { 0.75, 0.1, 0.1 };

/* --- occupancy grid ------------------------------------------------------ */

struct occupancy {
    double x0;           /* top-left corner of cell (0, 0), points */
    double y0;
    long w;              /* cells across */
    long h;              /* cells down */
    unsigned char *mark; /* w * h cells, non-zero when something is there */
    unsigned *sat;       /* (w + 1) * (h + 1) summed-area table */
};

static void occ_init(struct occupancy *o, const struct rect *area)
{
    o->x0 = area->x0;
    o->y0 = area->y0;
    o->w = (long)ceil((area->x1 - area->x0) / CELL) + 1;
    o->h = (long)ceil((area->y1 - area->y0) / CELL) + 1;
    o->mark = xcalloc((size_t)(o->w * o->h), 1);
    o->sat = xcalloc((size_t)((o->w + 1) * (o->h + 1)), sizeof(unsigned));
}

static void occ_release(struct occupancy *o)
{
    free(o->mark);
    free(o->sat);
}

void occ_mark_point(struct occupancy *o, double x, double y)
{
    long cx = (long)floor((x - o->x0) / CELL);
    long cy = (long)floor((y - o->y0) / CELL);

    if (cx >= 0 && cx < o->w && cy >= 0 && cy < o->h)
        o->mark[cy * o->w + cx] = 1;
}

/* Clips the segment to r: the part inside is t in [*t0, *t1] (Liang-
 * Barsky). Returns 0 when no part is inside. */
static int clip(const struct rect *r, double x0, double y0, double x1,
                double y1, double *t0, double *t1)
{
    double p[4] = { -(x1 - x0), x1 - x0, -(y1 - y0), y1 - y0 };
    double q[4] = { x0 - r->x0, r->x1 - x0, y0 - r->y0, r->y1 - y0 };
    int i;

    *t0 = 0;
    *t1 = 1;
    for (i = 0; i < 4; i++) {
        if (p[i] == 0) {
            if (q[i] < 0)
                return 0;
        } else if (p[i] < 0) {
            *t0 = fmax(*t0, q[i] / p[i]);
        } else {
            *t1 = fmin(*t1, q[i] / p[i]);
        }
    }
    return *t0 <= *t1;
}

void occ_mark_segment(struct occupancy *o, double x0, double y0, double x1,
                      double y1)
{
    struct rect grid = { o->x0, o->y0, o->x0 + (double)o->w * CELL,
                         o->y0 + (double)o->h * CELL };
    double t0;
    double t1;
    double len;
    long n;
    long i;

    if (!clip(&grid, x0, y0, x1, y1, &t0, &t1))
        return;
    len = (t1 - t0) * fmax(fabs(x1 - x0), fabs(y1 - y0));
    n = (long)ceil(len / (CELL / 2)) + 1;
    for (i = 0; i <= n; i++) {
        double t = t0 + (t1 - t0) * (double)i / (double)n;
        occ_mark_point(o, x0 + t * (x1 - x0), y0 + t * (y1 - y0));
    }
}

void occ_mark_rect(struct occupancy *o, const struct rect *r)
{
    double x;
    double y;

    for (y = r->y0; y < r->y1 + CELL; y += CELL)
        for (x = r->x0; x < r->x1 + CELL; x += CELL)
            occ_mark_point(o, fmin(x, r->x1), fmin(y, r->y1));
}

static void occ_sum(struct occupancy *o)
{
    long W = o->w + 1;
    long x;
    long y;

    for (y = 0; y < o->h; y++)
        for (x = 0; x < o->w; x++)
            o->sat[(y + 1) * W + x + 1] =
                o->mark[y * o->w + x] + o->sat[y * W + x + 1] +
                o->sat[(y + 1) * W + x] - o->sat[y * W + x];
}

static long cell_clamp(double v, long max)
{
    if (!(v > 0))
        return 0;
    return v < (double)max ? (long)v : max;
}

/* Marked cells under r. */
static unsigned occ_count(const struct occupancy *o, const struct rect *r)
{
    long W = o->w + 1;
    long x0 = cell_clamp(floor((r->x0 - o->x0) / CELL), o->w);
    long x1 = cell_clamp(ceil((r->x1 - o->x0) / CELL), o->w);
    long y0 = cell_clamp(floor((r->y0 - o->y0) / CELL), o->h);
    long y1 = cell_clamp(ceil((r->y1 - o->y0) / CELL), o->h);

    return o->sat[y1 * W + x1] - o->sat[y0 * W + x1] -
           o->sat[y1 * W + x0] + o->sat[y0 * W + x0];
}

/* --- reference lines ----------------------------------------------------- */

static int hline_visible(const struct frame *f, const struct chart_hline *h)
{
    double y = frame_py(f, h->y);

    return isfinite(h->y) && y >= f->plot.y0 - 0.5 &&
           y <= f->plot.y1 + 0.5;
}

static double hline_size(const struct frame *f)
{
    return 0.9 * f->fs;
}

/* Candidate k of a label box: right or left end, above or below. */
static struct rect hline_candidate(struct frame *f,
                                   const struct chart_hline *h, int k)
{
    double size = hline_size(f);
    double y = frame_py(f, h->y);
    double w = frame_text_width(f, h->label, size, 0);
    struct rect r;

    if (f->c->kind == CHART_BAR) { /* right of the plot, centred */
        r.x0 = f->plot.x1 + 0.4 * f->fs;
        r.y0 = y - FRAME_CAP * size / 2;
    } else {
        r.x0 = k % 2 == 0 ? f->plot.x1 - 0.4 * f->fs - w
                          : f->plot.x0 + 0.4 * f->fs;
        r.y0 = k < 2 ? y - 0.3 * f->fs - FRAME_CAP * size
                     : y + 0.3 * f->fs;
    }
    r.x1 = r.x0 + w;
    r.y1 = r.y0 + FRAME_CAP * size;
    return r;
}

/* Picks each label's spot: the first candidate over the fewest marked
 * cells that stays inside the plot (o must be summed). Then marks the
 * lines and labels; the caller sums again. */
static void place_hlines(struct frame *f, struct occupancy *o)
{
    size_t i;
    int k;

    for (i = 0; i < f->c->nhlines; i++) {
        const struct chart_hline *h = &f->c->hlines[i];
        struct rect *best = &f->hline_box[i];
        unsigned best_n = (unsigned)-1;
        best->x0 = 1;
        best->x1 = 0;
        if (!hline_visible(f, h))
            continue;
        for (k = 0; h->label && k < (f->c->kind == CHART_BAR ? 1 : 4);
             k++) {
            struct rect r = hline_candidate(f, h, k);
            unsigned n = occ_count(o, &r);
            if (r.y0 < f->plot.y0 || r.y1 > f->plot.y1)
                n = (unsigned)-2; /* outside the plot: last resort */
            if (n < best_n) {
                *best = r;
                best_n = n;
            }
        }
    }
    for (i = 0; i < f->c->nhlines; i++) {
        const struct chart_hline *h = &f->c->hlines[i];
        if (!hline_visible(f, h))
            continue;
        occ_mark_segment(o, f->plot.x0, frame_py(f, h->y), f->plot.x1,
                         frame_py(f, h->y));
        if (f->hline_box[i].x0 <= f->hline_box[i].x1)
            occ_mark_rect(o, &f->hline_box[i]);
    }
}

void frame_draw_hlines(struct frame *f)
{
    static const double dash[] = { 5, 3 };
    size_t i;

    cairo_save(f->cr);
    for (i = 0; i < f->c->nhlines; i++) {
        const struct chart_hline *h = &f->c->hlines[i];
        const struct rect *b = &f->hline_box[i];
        if (!hline_visible(f, h))
            continue;
        frame_set_rgb(f, ref_ink, 1);
        cairo_set_dash(f->cr, dash, 2, 0);
        frame_hline(f, f->plot.x0, f->plot.x1, frame_py(f, h->y), 1.0);
        cairo_set_dash(f->cr, NULL, 0, 0);
        if (h->label && b->x0 <= b->x1)
            frame_text_halo(f, h->label, hline_size(f), b->x0, b->y1,
                            TEXT_LEFT, TEXT_BASELINE, ref_ink);
    }
    cairo_restore(f->cr);
}

/* --- legend geometry ----------------------------------------------------- */

#define LFS(f) ((f)->fs * 0.95)     /* legend text size */
#define ROW(f) (1.45 * LFS(f))      /* row height */
#define PAD_X(f) (0.6 * LFS(f))     /* inner padding */
#define PAD_Y(f) (0.45 * LFS(f))
#define SWATCH(f) (2.6 * LFS(f))    /* swatch and the gap after it */
#define COL_GAP(f) (1.2 * LFS(f))   /* between columns (below the plot) */

void frame_measure_legend(struct frame *f)
{
    double lfs = LFS(f);
    double text = 0;
    double avail;
    size_t rows;
    size_t i;

    f->hline_margin = 0;
    for (i = 0; f->c->kind == CHART_BAR && i < f->c->nhlines; i++) {
        if (f->c->hlines[i].label)
            f->hline_margin = fmax(f->hline_margin,
                                   frame_text_width(f, f->c->hlines[i].label,
                                                    hline_size(f), 0) +
                                       0.4 * f->fs);
    }
    for (i = 0; i < f->nlegend; i++) {
        const struct legend_entry *e = &f->legend[i];
        double w = frame_text_width(f, e->label, lfs, 0);
        if (e->note)
            w += frame_text_width(f, " ", lfs, 0) +
                 frame_text_width(f, e->note, lfs, 0);
        text = fmax(text, w);
    }
    f->legend_col_w = SWATCH(f) + text;
    f->legend_cols = 1;
    if (f->legend_mode == LEGEND_BELOW && f->nlegend > 0) {
        avail = f->c->o.width - 2 * 0.8 * f->fs - 2 * PAD_X(f) + COL_GAP(f);
        f->legend_cols = (size_t)fmax(1, floor(avail / (f->legend_col_w +
                                                        COL_GAP(f))));
        if (f->legend_cols > f->nlegend)
            f->legend_cols = f->nlegend;
        rows = (f->nlegend + f->legend_cols - 1) / f->legend_cols;
        f->legend_cols = (f->nlegend + rows - 1) / rows; /* balance */
    }
    rows = f->nlegend ? (f->nlegend + f->legend_cols - 1) / f->legend_cols
                      : 0;
    f->legend_w = 2 * PAD_X(f) + (double)f->legend_cols * f->legend_col_w +
                  (double)(f->legend_cols - 1) * COL_GAP(f);
    f->legend_h = 2 * PAD_Y(f) + (double)rows * ROW(f);
}

static struct rect box_at(const struct frame *f, double x, double y)
{
    struct rect r = { x, y, x + f->legend_w, y + f->legend_h };

    return r;
}

static unsigned box_count(const struct occupancy *o, struct rect r)
{
    r.x0 -= 3;
    r.y0 -= 3;
    r.x1 += 3;
    r.y1 += 3;
    return occ_count(o, &r);
}

/* Tries r: keeps the emptiest spot so far in f->legend_box. Returns
 * non-zero when r is free. */
static int try_box(struct frame *f, const struct occupancy *o,
                   struct rect r, unsigned *best)
{
    unsigned n = box_count(o, r);

    if (n < *best) {
        *best = n;
        f->legend_box = r;
    }
    return n == 0;
}

/* Finds the first free spot inside the plot, in order of preference;
 * returns 0 when there is none, with the emptiest spot in legend_box. */
static int find_inside(struct frame *f, const struct occupancy *o)
{
    double in = 0.5 * f->fs;
    double left = f->plot.x0 + in;
    double right = f->plot.x1 - in - f->legend_w;
    double top = f->plot.y0 + in;
    double bottom = f->plot.y1 - in - f->legend_h;
    double step = 0.5 * f->fs;
    unsigned best = (unsigned)-1;
    double v;
    int i;

    if (right < left || bottom < top)
        return 0;
    f->legend_box = box_at(f, right, top);
    if (try_box(f, o, box_at(f, right, top), &best) ||
        try_box(f, o, box_at(f, left, top), &best) ||
        try_box(f, o, box_at(f, right, bottom), &best) ||
        try_box(f, o, box_at(f, left, bottom), &best))
        return 1;
    /* Down the right and left edges, then along the top and bottom. */
    for (i = 0; i < 4; i++) {
        int along_y = i < 2;
        double lo = along_y ? top : left;
        double hi = along_y ? bottom : right;
        for (v = along_y ? lo : hi; v >= lo && v <= hi;
             v += along_y ? step : -step) {
            struct rect r = along_y ? box_at(f, i == 0 ? right : left, v)
                                    : box_at(f, v, i == 2 ? top : bottom);
            if (try_box(f, o, r, &best))
                return 1;
        }
    }
    return 0;
}

/* Marks the data and places the reference-line labels; o is left ready
 * for occ_count(). */
static void survey(struct frame *f, frame_mark_fn *mark, void *ctx,
                   struct occupancy *o)
{
    occ_init(o, &f->plot);
    mark(ctx, o);
    occ_sum(o);
    place_hlines(f, o);
    occ_sum(o);
}

void frame_place_legend(struct frame *f, frame_mark_fn *mark, void *ctx)
{
    struct occupancy o;
    struct rect emptiest;
    double width;
    double x;
    int inside;

    survey(f, mark, ctx, &o);
    inside = f->nlegend == 0 || find_inside(f, &o);
    occ_release(&o);
    if (inside)
        return;
    emptiest = f->legend_box;
    /* Right of the plot, unless that leaves it under 55 % of the figure;
     * then below it, unless that leaves it under 45 % of the height; then
     * inside after all, over the least data. */
    width = f->plot.x1 - f->plot.x0 - f->legend_w - 0.6 * f->fs;
    if (width >= 0.55 * f->c->o.width) {
        f->legend_mode = LEGEND_RIGHT;
    } else {
        f->legend_mode = LEGEND_BELOW;
        frame_layout(f);
        if (f->plot.y1 - f->plot.y0 < 0.45 * f->c->o.height &&
            emptiest.x0 < emptiest.x1) {
            f->legend_mode = LEGEND_INSIDE;
            frame_layout(f);
            f->legend_box = emptiest;
            return;
        }
    }
    frame_layout(f);
    survey(f, mark, ctx, &o);
    occ_release(&o);
    if (f->legend_mode == LEGEND_RIGHT) {
        f->legend_box = box_at(f, f->plot.x1 + 0.6 * f->fs + f->hline_margin,
                               f->plot.y0);
        return;
    }
    x = (f->plot.x0 + f->plot.x1) / 2 - f->legend_w / 2;
    x = fmax(0.8 * f->fs, fmin(x, f->c->o.width - 0.8 * f->fs - f->legend_w));
    f->legend_box = box_at(f, x, f->c->o.height - 0.8 * f->fs - f->legend_h);
}

/* --- drawing the legend -------------------------------------------------- */

static void rounded_rect(cairo_t *cr, const struct rect *r, double rad)
{
    cairo_new_sub_path(cr);
    cairo_arc(cr, r->x1 - rad, r->y0 + rad, rad, -M_PI / 2, 0);
    cairo_arc(cr, r->x1 - rad, r->y1 - rad, rad, 0, M_PI / 2);
    cairo_arc(cr, r->x0 + rad, r->y1 - rad, rad, M_PI / 2, M_PI);
    cairo_arc(cr, r->x0 + rad, r->y0 + rad, rad, M_PI, 1.5 * M_PI);
    cairo_close_path(cr);
}

static void draw_swatch(struct frame *f, const struct legend_entry *e,
                        double x, double y)
{
    double lfs = LFS(f);

    frame_set_rgb(f, e->colour, 1);
    if (e->swatch_box) {
        cairo_rectangle(f->cr, x + 0.5 * lfs, y - 0.45 * lfs, 0.9 * lfs,
                        0.9 * lfs);
        cairo_fill(f->cr);
        return;
    }
    cairo_set_line_width(f->cr, 2.0);
    cairo_set_line_cap(f->cr, CAIRO_LINE_CAP_BUTT);
    frame_dash(f, e->style, 2.0);
    cairo_move_to(f->cr, x, y);
    cairo_line_to(f->cr, x + 2.0 * lfs, y);
    cairo_stroke(f->cr);
    cairo_set_dash(f->cr, NULL, 0, 0);
}

static void draw_entry(struct frame *f, const struct legend_entry *e,
                       double x, double y)
{
    double lfs = LFS(f);

    draw_swatch(f, e, x, y);
    x += SWATCH(f);
    frame_set_rgb(f, label_ink, 1);
    frame_text(f, e->label, lfs, 0, x, y, TEXT_LEFT, TEXT_MIDDLE);
    if (!e->note)
        return;
    x += frame_text_width(f, e->label, lfs, 0) +
         frame_text_width(f, " ", lfs, 0);
    frame_set_rgb(f, note_ink, 1);
    frame_text(f, e->note, lfs, 0, x, y, TEXT_LEFT, TEXT_MIDDLE);
}

void frame_draw_legend(struct frame *f)
{
    const struct rect *b = &f->legend_box;
    size_t i;

    if (f->nlegend == 0)
        return;
    cairo_save(f->cr);
    if (f->legend_mode == LEGEND_INSIDE) {
        rounded_rect(f->cr, b, 0.3 * LFS(f));
        cairo_set_source_rgba(f->cr, 1, 1, 1, 0.88);
        cairo_fill_preserve(f->cr);
        cairo_set_source_rgb(f->cr, 0.8, 0.8, 0.8);
        cairo_set_line_width(f->cr, 0.6);
        cairo_stroke(f->cr);
    }
    for (i = 0; i < f->nlegend; i++) {
        size_t col = i % f->legend_cols;
        size_t row = i / f->legend_cols;
        double x = b->x0 + PAD_X(f) +
                   (double)col * (f->legend_col_w + COL_GAP(f));
        double y = b->y0 + PAD_Y(f) + ((double)row + 0.5) * ROW(f);
        draw_entry(f, &f->legend[i], x, y);
    }
    cairo_restore(f->cr);
}
