/* SPDX-License-Identifier: MIT */
/*
 * Bar charts: groups along x, one bar per series inside a group, error
 * bars of +-std, and the value above each bar (see chart.h).
 *
 * Geometry: each group gets an equal slot of the plot width; its bars
 * fill the middle 80 % of the slot side by side in series order. The y
 * axis always includes 0, so bar lengths compare honestly.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "plot/chart_impl.h"
#include "util/err.h"
#include "util/xalloc.h"

#define GROUP_FILL 0.8 /* part of a group's slot its bars take */

static const struct rgb err_ink = { 0.2, 0.2, 0.2 };
static const struct rgb value_ink = { 0.2, 0.2, 0.2 };
static const struct rgb nan_ink = { 0.75, 0.1, 0.1 };

struct bar_layout {
    struct frame *f;    /* the frame being drawn */
    double label_size;  /* value labels; 0 when they do not fit */
    int decimals;       /* value label decimals; -1: compact (12.5k) */
};

/* Mean of a bar; NaN when there is none (all runs diverged). */
static double bar_mean(const struct chart_bar *b)
{
    return b->sampled && b->n == 0 ? NAN : b->mean;
}

/* Where bars start: 0, or the bottom of a log axis. */
static double bar_base(const struct frame *f)
{
    return f->log_y ? pow(10, f->ylo) : 0;
}

int chart_bar_check(const struct chart *c)
{
    size_t i;

    if (!c->o.log_y)
        return 0;
    for (i = 0; i < c->nbars; i++) {
        double m = bar_mean(&c->bars[i]);

        if (isfinite(m) && !(m > 0))
            return ll_error(LL_EINPUT, "log scale needs positive values; "
                            "the bar '%s' is %g", c->groups[c->bars[i].group],
                            m);
    }
    for (i = 0; i < c->nhlines; i++)
        if (!(c->hlines[i].y > 0))
            return ll_error(LL_EINPUT, "log scale needs positive values; "
                            "reference line '%s' is at %g",
                            c->hlines[i].label ? c->hlines[i].label : "",
                            c->hlines[i].y);
    return 0;
}

static double slot_width(const struct frame *f)
{
    size_t groups = f->c->ngroups ? f->c->ngroups : 1;

    return (f->plot.x1 - f->plot.x0) / (double)groups;
}

static double bar_width(const struct frame *f)
{
    size_t series = f->c->nbar_series ? f->c->nbar_series : 1;

    return slot_width(f) * GROUP_FILL / (double)series;
}

static double bar_centre(const struct frame *f, const struct chart_bar *b)
{
    double slot = slot_width(f);

    return f->plot.x0 + slot * ((double)b->group + 0.5) -
           slot * GROUP_FILL / 2 + bar_width(f) * ((double)b->series + 0.5);
}

/* The bar itself, inset a little from its neighbours. */
static struct rect bar_rect(const struct frame *f, const struct chart_bar *b)
{
    double w = bar_width(f);
    double inset = f->c->nbar_series > 1 ? 0.05 * w : 0;
    double x = bar_centre(f, b);
    double y0 = frame_py(f, bar_base(f));
    double y1 = frame_py(f, bar_mean(b));
    struct rect r = { x - w / 2 + inset, fmin(y0, y1), x + w / 2 - inset,
                      fmax(y0, y1) };

    return r;
}

/* The y (in points) just beyond the bar's end or error bar. */
static double bar_tip(const struct frame *f, const struct chart_bar *b)
{
    double m = bar_mean(b);

    if (!isfinite(m))
        return frame_py(f, bar_base(f));
    return frame_py(f, m >= 0 ? m + b->std : m - b->std);
}

/* Value labels share one number of decimals, chosen so the largest value
 * shows 3 significant digits (0.500 next to 0.901, not 0.5). */
static int value_decimals(const struct chart *c)
{
    double top = 0;
    size_t i;
    int whole = 1;

    for (i = 0; i < c->nbars; i++) {
        double m = bar_mean(&c->bars[i]);

        if (isfinite(m)) {
            top = fmax(top, fabs(m));
            whole &= m == floor(m) && fabs(m) < 1e9;
        }
    }
    /* Counts (experiments per week) read as counts. */
    if (whole && top < 1000)
        return 0;
    if (top < 1e-3 || top >= 1000)
        return -1;
    return 2 - (int)floor(log10(top));
}

static void value_text(const struct bar_layout *l, const struct chart_bar *b,
                       char *dst, size_t cap)
{
    if (l->decimals < 0)
        ticks_format(dst, cap, bar_mean(b), 0);
    else
        snprintf(dst, cap, "%.*f", l->decimals, bar_mean(b));
    if (dst[0] == '-') { /* typeset minus */
        memmove(dst + 3, dst + 1, strnlen(dst + 1, cap - 4) + 1);
        memcpy(dst, "\xe2\x88\x92", 3);
    }
}

/* "2 NaN", "1 failed", "1 NaN, 1 failed": the runs the bar leaves out. */
static void nan_text(const struct chart_bar *b, char *dst, size_t cap)
{
    if (b->n_bad && b->n_failed)
        snprintf(dst, cap, "%zu NaN, %zu failed", b->n_bad, b->n_failed);
    else if (b->n_failed)
        snprintf(dst, cap, "%zu failed", b->n_failed);
    else
        snprintf(dst, cap, "%zu NaN", b->n_bad);
}

/* --- ranges and titles --------------------------------------------------- */

/* A log axis: from half the smallest bar (or error bar end) to twice
 * the largest, so every bar has a visible length and room for its
 * label. */
static void fit_y_log(struct frame *f)
{
    const struct chart *c = f->c;
    double lo = INFINITY, hi = -INFINITY;
    size_t i;

    for (i = 0; i < c->nbars; i++) {
        double m = bar_mean(&c->bars[i]);

        if (!isfinite(m) || m <= 0)
            continue;
        lo = fmin(lo, m - c->bars[i].std > 0 ? m - c->bars[i].std : m);
        hi = fmax(hi, m + c->bars[i].std);
    }
    for (i = 0; i < c->nhlines; i++) {
        lo = fmin(lo, c->hlines[i].y);
        hi = fmax(hi, c->hlines[i].y);
    }
    if (!(lo <= hi)) {
        lo = 1;
        hi = 10;
    }
    f->ywant_lo = lo / 2;
    f->ywant_hi = hi * 2;
}

static void fit_y(struct frame *f)
{
    const struct chart *c = f->c;
    double lo = 0;
    double hi = 0;
    double span;
    size_t i;

    if (f->log_y) {
        fit_y_log(f);
        return;
    }
    for (i = 0; i < c->nbars; i++) {
        double m = bar_mean(&c->bars[i]);
        if (!isfinite(m))
            continue;
        lo = fmin(lo, m - c->bars[i].std);
        hi = fmax(hi, m + c->bars[i].std);
    }
    for (i = 0; i < c->nhlines; i++) {
        if (isfinite(c->hlines[i].y)) {
            lo = fmin(lo, c->hlines[i].y);
            hi = fmax(hi, c->hlines[i].y);
        }
    }
    if (c->o.y_lo < c->o.y_hi) {
        lo = c->o.y_lo;
        hi = c->o.y_hi;
    } else if (hi > lo) {
        /* Room for the value labels beyond the longest bars. */
        span = hi - lo;
        if (hi > 0)
            hi += 0.12 * span;
        if (lo < 0)
            lo -= 0.12 * span;
    } else {
        hi = 1;
    }
    f->ywant_lo = lo;
    f->ywant_hi = hi;
}

/* "accuracy (mean ± sd, n = 3)" when the bars have error bars. */
static void make_y_title(struct frame *f)
{
    const struct chart *c = f->c;
    size_t nmin = (size_t)-1;
    size_t nmax = 0;
    int have_std = 0;
    struct buf b = BUF_INIT;
    size_t i;

    for (i = 0; i < c->nbars; i++) {
        have_std |= c->bars[i].std > 0 || c->bars[i].n > 1;
        if (c->bars[i].n > 0) {
            nmin = c->bars[i].n < nmin ? c->bars[i].n : nmin;
            nmax = c->bars[i].n > nmax ? c->bars[i].n : nmax;
        }
    }
    if (!have_std) {
        f->y_title = c->y_title ? xstrdup(c->y_title) : NULL;
        return;
    }
    if (c->y_title)
        buf_printf(&b, "%s (", c->y_title);
    buf_puts(&b, "mean \xc2\xb1 sd");
    if (nmax > 0 && nmin == nmax)
        buf_printf(&b, ", n = %zu", nmax);
    else if (nmax > 0)
        buf_printf(&b, ", n = %zu\xe2\x80\x93%zu", nmin, nmax);
    if (c->y_title)
        buf_putc(&b, ')');
    f->y_title = buf_detach(&b, NULL);
}

/* --- layout -------------------------------------------------------------- */

static double widest_group(struct frame *f)
{
    double w = 0;
    size_t i;

    for (i = 0; i < f->c->ngroups; i++)
        w = fmax(w, frame_text_width(f, f->c->groups[i], f->fs, 0));
    return w;
}

/* Rotates the group labels when they do not fit their slots, and widens
 * the left margin when the first one would stick out of the figure.
 * Returns non-zero when that changed the layout. */
static int rotate_if_needed(struct frame *f)
{
    double reach;

    if (f->bar_labels_rotated || f->bar_label_w <= 0.92 * slot_width(f) ||
        f->c->ngroups == 0)
        return 0;
    f->bar_labels_rotated = 1;
    frame_layout(f);
    reach = frame_text_width(f, f->c->groups[0], f->fs, 0) * cos(M_PI / 6);
    f->left_extra = 0.8 * f->fs - (f->plot.x0 + slot_width(f) / 2 - reach);
    if (f->left_extra > 0) {
        /* The slot shrinks as the margin grows: solve for the margin. */
        f->left_extra *= 1 / (1 - 0.5 / (double)f->c->ngroups);
        frame_layout(f);
    } else {
        f->left_extra = 0;
    }
    return 1;
}

/* Picks the value label size: smaller when labels are wider than bars,
 * none when even that does not fit. */
static double label_size(struct frame *f, const struct bar_layout *l)
{
    double sizes[2] = { 0.85 * f->fs, 0.72 * f->fs };
    double room = bar_width(f) * (f->c->nbar_series > 1 ? 1.1 : 0.95);
    char s[64];
    double w;
    size_t i;
    int k;

    for (k = 0; k < 2; k++) {
        w = 0;
        for (i = 0; i < f->c->nbars; i++) {
            value_text(l, &f->c->bars[i], s, sizeof(s));
            w = fmax(w, frame_text_width(f, s, sizes[k], 0));
        }
        if (w <= room)
            return sizes[k];
    }
    return 0;
}

/* Everything a bar draws: the bar, its error bar and its labels. */
static struct rect bar_extent(const struct bar_layout *l,
                              const struct chart_bar *b)
{
    struct rect r = bar_rect(l->f, b);
    double tip = bar_tip(l->f, b);
    double text = (l->label_size ? 2.6 : 0.5) * l->f->fs;

    if (!isfinite(bar_mean(b)) || bar_mean(b) >= 0)
        r.y0 = fmin(r.y0, tip - text);
    else
        r.y1 = fmax(r.y1, tip + text);
    return r;
}

static void bar_mark(void *ctx, struct occupancy *o)
{
    const struct bar_layout *l = ctx;
    size_t i;

    for (i = 0; i < l->f->c->nbars; i++) {
        struct rect e = bar_extent(l, &l->f->c->bars[i]);
        occ_mark_rect(o, &e);
    }
}

/* --- drawing ------------------------------------------------------------- */

static struct rgb bar_colour(const struct frame *f, const struct chart_bar *b)
{
    return frame_palette(f->c->nbar_series > 1 ? b->series : 0);
}

static void draw_error_bar(struct frame *f, const struct chart_bar *b)
{
    double x = bar_centre(f, b);
    double cap = fmin(0.18 * bar_width(f), 0.5 * f->fs);
    double m = bar_mean(b);
    double low = m - b->std;
    double y0, y1;

    if (!(b->std > 0) || !isfinite(m))
        return;
    if (f->log_y && !(low > 0))
        low = bar_base(f); /* a log axis has no zero to reach */
    y0 = frame_py(f, low);
    y1 = frame_py(f, m + b->std);
    frame_set_rgb(f, err_ink, 1);
    cairo_set_line_width(f->cr, 1.0);
    cairo_move_to(f->cr, x, y0);
    cairo_line_to(f->cr, x, y1);
    cairo_move_to(f->cr, x - cap, y0);
    cairo_line_to(f->cr, x + cap, y0);
    cairo_move_to(f->cr, x - cap, y1);
    cairo_line_to(f->cr, x + cap, y1);
    cairo_stroke(f->cr);
}

/* The value beyond the bar's tip, and "k NaN" beyond that. */
static void draw_labels(struct frame *f, const struct bar_layout *l,
                        const struct chart_bar *b)
{
    double m = bar_mean(b);
    int up = !isfinite(m) || m >= 0;
    double x = bar_centre(f, b);
    double y = bar_tip(f, b) + (up ? -0.3 : 0.3) * f->fs;
    double size = l->label_size ? l->label_size : 0.72 * f->fs;
    char s[64];

    if (isfinite(m) && l->label_size) {
        value_text(l, b, s, sizeof(s));
        frame_set_rgb(f, value_ink, 1);
        frame_text(f, s, size, 0, x, y, TEXT_CENTER,
                   up ? TEXT_BASELINE : TEXT_TOP);
        y += (up ? -1.2 : 1.2) * size;
    }
    if (!isfinite(m) || b->n_bad > 0 || b->n_failed > 0) {
        if (isfinite(m) || b->n_failed)
            nan_text(b, s, sizeof(s));
        else
            snprintf(s, sizeof(s), "NaN");
        frame_set_rgb(f, nan_ink, 1);
        frame_text(f, s, size, 0, x, y, TEXT_CENTER,
                   up ? TEXT_BASELINE : TEXT_TOP);
    }
}

static void draw_group_labels(struct frame *f)
{
    double y = f->plot.y1 + FRAME_TICK_GAP + 1;
    double slot = slot_width(f);
    size_t i;

    frame_set_rgb(f, value_ink, 1);
    for (i = 0; i < f->c->ngroups; i++) {
        double x = f->plot.x0 + slot * ((double)i + 0.5);
        if (!f->bar_labels_rotated) {
            frame_text(f, f->c->groups[i], f->fs, 0, x, y, TEXT_CENTER,
                       TEXT_TOP);
            continue;
        }
        cairo_save(f->cr);
        cairo_translate(f->cr, x, y);
        cairo_rotate(f->cr, -M_PI / 6);
        frame_text(f, f->c->groups[i], f->fs, 0, 0, 0, TEXT_RIGHT,
                   TEXT_TOP);
        cairo_restore(f->cr);
    }
}

static void draw_bars(struct frame *f, const struct bar_layout *l)
{
    size_t i;

    for (i = 0; i < f->c->nbars; i++) {
        const struct chart_bar *b = &f->c->bars[i];
        struct rect r = bar_rect(f, b);
        if (isfinite(bar_mean(b))) {
            frame_set_rgb(f, bar_colour(f, b), 1);
            cairo_rectangle(f->cr, r.x0, r.y0, r.x1 - r.x0, r.y1 - r.y0);
            cairo_fill(f->cr);
        }
    }
    for (i = 0; i < f->c->nbars; i++)
        draw_error_bar(f, &f->c->bars[i]);
    for (i = 0; i < f->c->nbars; i++)
        draw_labels(f, l, &f->c->bars[i]);
    if (!f->log_y && f->ylo < 0) { /* the zero line, when bars go both ways */
        frame_set_rgb(f, err_ink, 1);
        cairo_set_line_width(f->cr, 0.8);
        cairo_move_to(f->cr, f->plot.x0, frame_py(f, 0));
        cairo_line_to(f->cr, f->plot.x1, frame_py(f, 0));
        cairo_stroke(f->cr);
    }
}

static size_t make_legend(struct frame *f, struct legend_entry *items)
{
    size_t i;

    if (f->c->nbar_series < 2)
        return 0;
    for (i = 0; i < f->c->nbar_series; i++) {
        items[i].label = f->c->bar_series[i];
        items[i].note = NULL;
        items[i].colour = frame_palette(i);
        items[i].swatch_box = 1;
    }
    return f->c->nbar_series;
}

int chart_bar_draw(struct frame *f)
{
    const struct chart *c = f->c;
    struct legend_entry *legend =
        xcalloc(c->nbar_series + 1, sizeof(*legend));
    /* On a log axis values span decades: compact labels (1m, 0.01, 10k)
     * rather than one number of decimals. */
    struct bar_layout l = { f, 0, c->o.log_y ? -1 : value_decimals(c) };

    f->log_y = c->o.log_y;
    fit_y(f);
    make_y_title(f);
    f->legend = legend;
    f->nlegend = make_legend(f, legend);
    f->bar_label_w = widest_group(f);
    frame_layout(f);
    rotate_if_needed(f);
    l.label_size = label_size(f, &l);
    frame_place_legend(f, bar_mark, &l);
    if (rotate_if_needed(f))
        frame_place_legend(f, bar_mark, &l); /* moved by the re-layout */
    l.label_size = label_size(f, &l);

    frame_draw_background(f);
    frame_draw_grid(f);
    draw_bars(f, &l);
    frame_draw_hlines(f);
    frame_draw_axes(f);
    draw_group_labels(f);
    if (c->nbars == 0)
        frame_draw_message(f, "no data");
    frame_draw_legend(f);
    free(legend);
    return 0;
}
