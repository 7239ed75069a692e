/* SPDX-License-Identifier: MIT */
/*
 * Line charts: fitting the axes to the series, and drawing the decimated
 * polylines, their gaps and the legend entries (see chart.h).
 *
 * cairo's stroker is superlinear in path length, so polylines are stroked
 * in runs of RUN_LEN vertices with round caps: a run's end and
 * the next run's start overlap exactly, so the seams do not show. Faint
 * raw series are drawn opaque into a group that is then painted with
 * alpha, so overlaps inside one series do not darken.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "plot/chart_impl.h"
#include "util/err.h"
#include "util/xalloc.h"

#define RUN_LEN 50       /* vertices per cairo_stroke() */
#define LINE_WIDTH 1.6   /* series, points */
#define RAW_WIDTH 1.0    /* raw series under a smoothed one */
#define RAW_ALPHA 0.3    /* ... and its opacity */
#define BAND_ALPHA 0.2   /* a band of spread under its mean line */
#define MARK_SIZE 3.2    /* half the width of a gap cross */

int chart_line_check(const struct chart *c)
{
    size_t i;

    if (!c->o.log_y)
        return 0;
    for (i = 0; i < c->nseries; i++) {
        const struct chart_series *s = c->series[i];
        if (s->n_nonpos > 0)
            return ll_error(LL_EINPUT,
                            "log scale needs positive values; '%s' has %zu "
                            "value%s <= 0",
                            s->label ? s->label : "(unnamed series)",
                            s->n_nonpos, s->n_nonpos == 1 ? "" : "s");
    }
    for (i = 0; i < c->nhlines; i++) {
        if (!(c->hlines[i].y > 0))
            return ll_error(LL_EINPUT,
                            "log scale needs positive values; reference "
                            "line '%s' is at %g",
                            c->hlines[i].label ? c->hlines[i].label : "",
                            c->hlines[i].y);
    }
    if (c->o.y_lo < c->o.y_hi && !(c->o.y_lo > 0))
        return ll_error(LL_EINPUT,
                        "log scale needs positive values; the y range "
                        "starts at %g",
                        c->o.y_lo);
    return 0;
}

/* --- ranges -------------------------------------------------------------- */

/* Sets the y range the frame asks ticks for; returns 0 without data. */
static int fit_y(struct frame *f)
{
    const struct chart *c = f->c;
    double lo = INFINITY;
    double hi = -INFINITY;
    double span;
    size_t i;
    int have_data = 0;

    for (i = 0; i < c->nseries; i++) {
        const struct chart_series *s = c->series[i];
        size_t k;

        lo = fmin(lo, s->ymin);
        hi = fmax(hi, s->ymax);
        have_data |= s->n_finite > 0;
        for (k = 0; k < s->band_len; k++) {
            /* A band's lower edge at or below 0 cannot be drawn on a log
             * axis: it is cut at the axis instead of widening it. */
            if (!f->log_y || s->band[3 * k + 1] > 0)
                lo = fmin(lo, s->band[3 * k + 1]);
            hi = fmax(hi, s->band[3 * k + 2]);
        }
    }
    for (i = 0; i < c->nhlines; i++) {
        if (isfinite(c->hlines[i].y)) {
            lo = fmin(lo, c->hlines[i].y);
            hi = fmax(hi, c->hlines[i].y);
        }
    }
    if (lo > hi) {
        lo = f->log_y ? 1 : 0;
        hi = f->log_y ? 10 : 1;
    }
    if (c->o.y_lo < c->o.y_hi) {
        lo = c->o.y_lo;
        hi = c->o.y_hi;
    } else if (f->log_y) {
        /* 5 % margins in log space; a single value gets a factor 1.5. */
        span = hi > lo ? log10(hi) - log10(lo) : log10(1.5) * 2;
        lo *= pow(10, -0.05 * span - (hi > lo ? 0 : log10(1.5)));
        hi *= pow(10, 0.05 * span + (hi > lo ? 0 : log10(1.5)));
    } else if (hi > lo) {
        span = hi - lo;
        lo -= 0.05 * span;
        hi += 0.05 * span;
    }
    f->ywant_lo = lo;
    f->ywant_hi = hi;
    return have_data;
}

static void fit_x(struct frame *f)
{
    const struct chart *c = f->c;
    double span = c->xmax - c->xmin;

    f->xwant_lo = c->xmin - 0.02 * span;
    f->xwant_hi = c->xmax + 0.02 * span;
}

/* --- legend -------------------------------------------------------------- */

/* "NaN at 5.2k": what the series' first non-finite point was, and where. */
static void gap_note(const struct frame *f, const struct chart_series *s,
                     char *dst, size_t cap)
{
    const char *what = isnan(s->bad_y) ? "NaN" : s->bad_y > 0
                                                     ? "inf"
                                                     : "\xe2\x88\x92inf";
    char x[32];

    if (s->n_finite == 0) {
        snprintf(dst, cap, "(all %s)", what);
        return;
    }
    if (f->c->o.x_axis == CHART_X_DURATION)
        ticks_format_duration(x, sizeof(x), s->bad_x, 0);
    else
        ticks_format(x, sizeof(x), s->bad_x, 0);
    snprintf(dst, cap, "(%s at %s)", what, x);
}

/* --- legend placement ---------------------------------------------------- */

static void mark_polyline(struct frame *f, const struct decimate *d,
                          struct occupancy *o)
{
    double px = 0;
    double py = 0;
    int have_prev = 0;
    size_t i;

    for (i = 0; i < d->len; i++) {
        double x;
        double y;
        if (!isfinite(d->items[i].y)) {
            have_prev = 0;
            continue;
        }
        x = frame_px(f, d->items[i].x);
        y = frame_py(f, d->items[i].y);
        if (have_prev)
            occ_mark_segment(o, px, py, x, y);
        else
            occ_mark_point(o, x, y);
        px = x;
        py = y;
        have_prev = 1;
    }
}

static double mark_y(const struct frame *f, double y)
{
    return y < 0 ? f->plot.y1 - MARK_SIZE - 1.5
                 : f->plot.y0 + MARK_SIZE + 1.5;
}

static void mark_gaps(struct frame *f, const struct decimate *d,
                      struct occupancy *o)
{
    size_t i;

    for (i = 0; i < d->len; i++) {
        double x = frame_px(f, d->items[i].x);
        double y = mark_y(f, d->items[i].y);
        struct rect r = { x - MARK_SIZE, y - MARK_SIZE, x + MARK_SIZE,
                          y + MARK_SIZE };
        if (!isfinite(d->items[i].y))
            occ_mark_rect(o, &r);
    }
}

static void line_mark(void *ctx, struct occupancy *o)
{
    struct frame *f = ctx;
    size_t i;

    for (i = 0; i < f->c->nseries; i++) {
        const struct chart_series *s = f->c->series[i];
        mark_polyline(f, &s->raw, o);
        mark_polyline(f, &s->smooth, o);
        mark_gaps(f, &s->raw, o);
    }
}

/* --- drawing ------------------------------------------------------------- */

/* Ends the current piece of line; a lone vertex becomes a dot. */
static void end_piece(cairo_t *cr, size_t vertices, double x, double y)
{
    if (vertices == 1)
        cairo_line_to(cr, x, y);
    cairo_stroke(cr);
}

static void stroke_polyline(struct frame *f, const struct decimate *d)
{
    cairo_t *cr = f->cr;
    size_t piece = 0; /* vertices since the last gap */
    size_t run = 0;   /* vertices in the current cairo path */
    double x = 0;
    double y = 0;
    size_t i;

    for (i = 0; i < d->len; i++) {
        if (!isfinite(d->items[i].y)) {
            if (piece > 0)
                end_piece(cr, piece, x, y);
            piece = run = 0;
            continue;
        }
        x = frame_px(f, d->items[i].x);
        y = frame_py(f, d->items[i].y);
        if (run == 0)
            cairo_move_to(cr, x, y);
        else
            cairo_line_to(cr, x, y);
        piece++;
        if (++run == RUN_LEN) {
            cairo_stroke(cr);
            cairo_move_to(cr, x, y);
            run = 1;
        }
    }
    if (piece > 0)
        end_piece(cr, piece, x, y);
    cairo_new_path(cr);
}

static void draw_series(struct frame *f, const struct decimate *d,
                        const struct chart_series *s, double width,
                        double alpha)
{
    cairo_t *cr = f->cr;

    if (alpha < 1)
        cairo_push_group(cr);
    cairo_set_line_width(cr, width);
    /* A decimated series is a dense zig-zag (first, min, max, last per
     * pixel column): bevel joins and cairo's faster antialiasing draw it
     * alike at 2 pixels a point for a fifth less of a deck's work (the
     * run ends keep round caps, so the seams still do not show). */
    cairo_set_line_join(cr, CAIRO_LINE_JOIN_BEVEL);
    cairo_set_line_cap(cr, CAIRO_LINE_CAP_ROUND);
    cairo_set_antialias(cr, CAIRO_ANTIALIAS_FAST);
    frame_dash(f, frame_series_dash(s), width);
    frame_set_rgb(f, frame_palette(frame_series_colour(s)), 1);
    stroke_polyline(f, d);
    cairo_set_dash(cr, NULL, 0, 0);
    cairo_set_antialias(cr, CAIRO_ANTIALIAS_DEFAULT);
    if (alpha < 1) {
        cairo_pop_group_to_source(cr);
        cairo_paint_with_alpha(cr, alpha);
    }
}

/* A cross at the top (NaN, inf) or bottom (-inf) edge where each gap
 * starts; crosses closer than a few points to the last one are skipped. */
static void draw_gap_marks(struct frame *f, const struct decimate *d,
                           struct rgb colour)
{
    double last_top = -1e9;
    double last_bottom = -1e9;
    int prev_finite = 1;
    size_t i;

    cairo_set_line_width(f->cr, 1.5);
    cairo_set_line_cap(f->cr, CAIRO_LINE_CAP_ROUND);
    frame_set_rgb(f, colour, 1);
    for (i = 0; i < d->len; i++) {
        double y = d->items[i].y;
        double x;
        double *last;
        if (isfinite(y)) {
            prev_finite = 1;
            continue;
        }
        if (!prev_finite)
            continue;
        prev_finite = 0;
        x = frame_px(f, d->items[i].x);
        last = y < 0 ? &last_bottom : &last_top;
        if (fabs(x - *last) < 2 * MARK_SIZE)
            continue;
        *last = x;
        cairo_move_to(f->cr, x - MARK_SIZE, mark_y(f, y) - MARK_SIZE);
        cairo_line_to(f->cr, x + MARK_SIZE, mark_y(f, y) + MARK_SIZE);
        cairo_move_to(f->cr, x - MARK_SIZE, mark_y(f, y) + MARK_SIZE);
        cairo_line_to(f->cr, x + MARK_SIZE, mark_y(f, y) - MARK_SIZE);
        cairo_stroke(f->cr);
    }
}

/* The series' band: its upper edge left to right, the lower one back,
 * filled in the series' colour, light. */
static void draw_band(struct frame *f, const struct chart_series *s)
{
    cairo_t *cr = f->cr;
    size_t k;

    if (s->band_len < 2)
        return;
    for (k = 0; k < s->band_len; k++) {
        double x = frame_px(f, s->band[3 * k]);
        double y = frame_py(f, s->band[3 * k + 2]);

        if (k == 0)
            cairo_move_to(cr, x, y);
        else
            cairo_line_to(cr, x, y);
    }
    for (k = s->band_len; k-- > 0;) {
        double lo = s->band[3 * k + 1];
        double y;

        if (f->log_y && !(lo > 0))
            y = f->plot.y1; /* cut at the axis */
        else
            y = frame_py(f, lo);
        cairo_line_to(cr, frame_px(f, s->band[3 * k]), y);
    }
    cairo_close_path(cr);
    frame_set_rgb(f, frame_palette(frame_series_colour(s)), BAND_ALPHA);
    cairo_fill(cr);
}

static void draw_data(struct frame *f)
{
    const struct chart *c = f->c;
    int smooth = c->o.smooth > 0;
    size_t i;

    cairo_save(f->cr);
    cairo_rectangle(f->cr, f->plot.x0, f->plot.y0,
                    f->plot.x1 - f->plot.x0, f->plot.y1 - f->plot.y0);
    cairo_clip(f->cr);
    for (i = 0; i < c->nseries; i++)
        draw_band(f, c->series[i]);
    for (i = 0; smooth && i < c->nseries; i++)
        draw_series(f, &c->series[i]->raw, c->series[i], RAW_WIDTH,
                    RAW_ALPHA);
    frame_draw_hlines(f);
    for (i = 0; i < c->nseries; i++) {
        const struct chart_series *s = c->series[i];
        draw_series(f, smooth ? &s->smooth : &s->raw, s, LINE_WIDTH, 1);
    }
    for (i = 0; i < c->nseries; i++)
        draw_gap_marks(f, &c->series[i]->raw,
                       frame_palette(frame_series_colour(c->series[i])));
    cairo_restore(f->cr);
}

/* Fills the legend entries of the labelled series; notes are
 * (NaN at ...) texts in notes. */
static size_t make_legend(struct frame *f, struct legend_entry *items,
                          char (*notes)[96])
{
    size_t n = 0;
    size_t i;

    for (i = 0; i < f->c->nseries; i++) {
        const struct chart_series *s = f->c->series[i];
        if (!s->label)
            continue;
        items[n].label = s->label;
        items[n].colour = frame_palette(frame_series_colour(s));
        items[n].style = frame_series_dash(s);
        items[n].swatch_box = 0;
        items[n].note = NULL;
        if (s->n_bad > 0) {
            gap_note(f, s, notes[n], sizeof(notes[n]));
            items[n].note = notes[n];
        }
        n++;
    }
    return n;
}

int chart_line_draw(struct frame *f)
{
    const struct chart *c = f->c;
    struct legend_entry *legend = xcalloc(c->nseries + 1, sizeof(*legend));
    char (*notes)[96] = xcalloc(c->nseries + 1, sizeof(*notes));
    int have_data;

    f->log_y = c->o.log_y;
    have_data = fit_y(f);
    fit_x(f);
    if (c->y_title)
        f->y_title = xstrdup(c->y_title);
    f->legend = legend;
    f->nlegend = make_legend(f, legend, notes);
    frame_layout(f);
    frame_place_legend(f, line_mark, f);

    frame_draw_background(f);
    frame_draw_grid(f);
    draw_data(f);
    frame_draw_axes(f);
    if (!have_data)
        frame_draw_message(f, "no data");
    frame_draw_legend(f);
    free(notes);
    free(legend);
    return 0;
}
