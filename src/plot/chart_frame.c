/* SPDX-License-Identifier: MIT */
/*
 * The frame around a chart's data: margins, ticks, grid, spines, titles,
 * reference lines and the legend, shared by line and bar charts.
 *
 * Layout works from the outside in: the title and the x labels fix the
 * plot's height, the height fixes how many y ticks fit, the widest y label
 * fixes the left margin, the legend (when outside) the right one, and the
 * remaining width how many x ticks fit. Everything is in points; sizes
 * scale with the tick-label font size fs.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "plot/chart_impl.h"
#include "util/font.h"
#include "util/xalloc.h"

#define TICK_LEN FRAME_TICK_LEN
#define TICK_GAP FRAME_TICK_GAP
#define CAP FRAME_CAP
#define DESC FRAME_DESC

/* Text sizes relative to fs. */
#define TITLE_SIZE(f) ((f)->fs * 1.3)
#define AXIS_SIZE(f) ((f)->fs * 1.1)
#define PAD(f) ((f)->fs * 0.8)

static const struct rgb ink = { 0.13, 0.13, 0.13 };    /* titles */
static const struct rgb label_ink = { 0.2, 0.2, 0.2 }; /* tick labels */
static const struct rgb spine = { 0.27, 0.27, 0.27 };  /* axes, ticks */
static const struct rgb grid = { 0.88, 0.88, 0.88 };   /* major grid */
static const struct rgb grid_minor = { 0.95, 0.95, 0.95 };

/* seaborn "colorblind" (after Okabe & Ito): distinguishable with the
 * common colour-vision deficiencies; the first four are the strongest. */
static const struct rgb palette[] = {
    { 0.004, 0.451, 0.698 }, /* #0173B2 blue */
    { 0.871, 0.561, 0.020 }, /* #DE8F05 orange */
    { 0.008, 0.620, 0.451 }, /* #029E73 green */
    { 0.835, 0.369, 0.000 }, /* #D55E00 vermillion */
    { 0.800, 0.471, 0.737 }, /* #CC78BC purple */
    { 0.792, 0.569, 0.380 }, /* #CA9161 brown */
    { 0.984, 0.686, 0.894 }, /* #FBAFE4 pink */
    { 0.580, 0.580, 0.580 }, /* #949494 grey */
    { 0.925, 0.882, 0.200 }, /* #ECE133 yellow */
    { 0.337, 0.706, 0.914 }, /* #56B4E9 sky blue */
};

#define NPALETTE (sizeof(palette) / sizeof(palette[0]))

struct rgb frame_palette(size_t i)
{
    return palette[i % NPALETTE];
}

size_t frame_series_colour(const struct chart_series *s)
{
    return s->colour_set ? s->colour : s->index;
}

size_t frame_series_dash(const struct chart_series *s)
{
    /* Once the colours run out, the next series repeat them dashed, then
     * dotted, then dash-dotted: no two lines look the same until 40. */
    return s->colour_set ? s->dash : s->index / NPALETTE;
}

void frame_dash(struct frame *f, size_t dash, double width)
{
    static const double dashed[] = { 6, 3 };
    static const double dotted[] = { 0.1, 2.6 };
    static const double dashdot[] = { 6, 2.6, 0.1, 2.6 };
    size_t style = dash % 4;
    double d[4];
    size_t k, n;
    const double *p;

    if (style == 0) {
        cairo_set_dash(f->cr, NULL, 0, 0);
        return;
    }
    p = style == 1 ? dashed : style == 2 ? dotted : dashdot;
    n = style == 3 ? 4 : 2;
    for (k = 0; k < n; k++)
        d[k] = p[k] * width;
    cairo_set_dash(f->cr, d, (int)n, 0);
    if (style >= 2)
        cairo_set_line_cap(f->cr, CAIRO_LINE_CAP_ROUND);
}

void frame_set_rgb(struct frame *f, struct rgb c, double alpha)
{
    if (alpha >= 1)
        cairo_set_source_rgb(f->cr, c.r, c.g, c.b);
    else
        cairo_set_source_rgba(f->cr, c.r, c.g, c.b, alpha);
}

/* --- text ---------------------------------------------------------------- */

/* What to do with each run of one font (font_runs()). */
enum { RUN_MEASURE, RUN_SHOW, RUN_PATH };

struct text_runs {
    struct frame *f;
    double size;
    int bold;
    int op;
    double width; /* RUN_MEASURE: the sum of the advances */
};

static void text_run(void *ctx, int font, const char *s, size_t len)
{
    struct text_runs *t = ctx;
    char small[256];
    char *text = len < sizeof(small) ? small : xmalloc(len + 1);
    cairo_text_extents_t e;

    memcpy(text, s, len);
    text[len] = '\0';
    cairo_set_font_face(t->f->cr, chart_font_face(font, t->bold));
    cairo_set_font_size(t->f->cr, t->size);
    if (t->op == RUN_MEASURE) {
        cairo_text_extents(t->f->cr, text, &e);
        t->width += e.x_advance;
    } else if (t->op == RUN_SHOW) {
        cairo_show_text(t->f->cr, text);
    } else {
        cairo_text_path(t->f->cr, text);
    }
    if (text != small)
        free(text);
}

/* Measures, shows or outlines s, each run in the font that has its
 * characters (DejaVu Sans, else a fallback such as a CJK font). */
static double text_runs(struct frame *f, const char *s, double size,
                        int bold, int op)
{
    struct text_runs t = { f, size, bold, op, 0 };

    font_runs(chart_font_path(bold), s, strlen(s), text_run, &t);
    return t.width;
}

double frame_text_width(struct frame *f, const char *s, double size,
                        int bold)
{
    return text_runs(f, s, size, bold, RUN_MEASURE);
}

/* Moves to where s starts so that (x, y) is its anchor point. */
static void text_origin(struct frame *f, const char *s, double size,
                        int bold, double x, double y, int halign,
                        int valign)
{
    double w = frame_text_width(f, s, size, bold);

    if (halign == TEXT_CENTER)
        x -= w / 2;
    else if (halign == TEXT_RIGHT)
        x -= w;
    if (valign == TEXT_TOP)
        y += CAP * size;
    else if (valign == TEXT_MIDDLE)
        y += CAP * size / 2;
    else if (valign == TEXT_BOTTOM)
        y -= DESC * size;
    cairo_move_to(f->cr, x, y);
}

void frame_text(struct frame *f, const char *s, double size, int bold,
                double x, double y, int halign, int valign)
{
    text_origin(f, s, size, bold, x, y, halign, valign);
    text_runs(f, s, size, bold, RUN_SHOW);
}

/* Text in colour c over a white outline, readable on top of lines. */
void frame_text_halo(struct frame *f, const char *s, double size, double x,
                     double y, int halign, int valign, struct rgb c)
{
    cairo_save(f->cr);
    cairo_new_path(f->cr);
    text_origin(f, s, size, 0, x, y, halign, valign);
    text_runs(f, s, size, 0, RUN_PATH);
    cairo_set_source_rgb(f->cr, 1, 1, 1);
    cairo_set_line_width(f->cr, size * 0.3);
    cairo_set_line_join(f->cr, CAIRO_LINE_JOIN_ROUND);
    cairo_stroke_preserve(f->cr);
    frame_set_rgb(f, c, 1);
    cairo_fill(f->cr);
    cairo_restore(f->cr);
}

/* Copies a tick label, writing minus signs as U+2212 (typeset minus). */
static void typeset_minus(char *dst, size_t cap, const char *src)
{
    size_t n = 0;

    for (; *src && n + 4 < cap; src++) {
        if (*src == '-') {
            memcpy(dst + n, "\xe2\x88\x92", 3);
            n += 3;
        } else {
            dst[n++] = *src;
        }
    }
    dst[n] = '\0';
}

/* --- coordinates --------------------------------------------------------- */

/* Keeps far-away points inside cairo's fixed-point range. */
static double clamp_coord(double v)
{
    if (!(v > -1e5))
        return -1e5;
    return v < 1e5 ? v : 1e5;
}

double frame_px(const struct frame *f, double x)
{
    double t = (x - f->xlo) / (f->xhi - f->xlo);

    return clamp_coord(f->plot.x0 + t * (f->plot.x1 - f->plot.x0));
}

/* Where an x tick goes: ticks hold x itself, the chart log10(x) on a log
 * axis. */
static double frame_px_tick(const struct frame *f, double x)
{
    return frame_px(f, f->c->o.log_x ? log10(x) : x);
}

double frame_py(const struct frame *f, double y)
{
    double v = f->log_y ? log10(y) : y;
    double t = (v - f->ylo) / (f->yhi - f->ylo);

    return clamp_coord(f->plot.y1 - t * (f->plot.y1 - f->plot.y0));
}

/* v moved to the centre of a device pixel (odd widths) or to a pixel
 * edge (even widths), so hairlines are crisp in PNG output. */
static double snap(const struct frame *f, double v, double width)
{
    double sx = 1;
    double sy = 0;
    double px;

    cairo_user_to_device_distance(f->cr, &sx, &sy);
    if (sx <= 0)
        return v;
    px = nearbyint(width * sx);
    if ((long)px % 2 == 1)
        return (floor(v * sx) + 0.5) / sx;
    return nearbyint(v * sx) / sx;
}

void frame_hline(struct frame *f, double x0, double x1, double y,
                 double width)
{
    y = snap(f, y, width);
    cairo_set_line_width(f->cr, width);
    cairo_move_to(f->cr, x0, y);
    cairo_line_to(f->cr, x1, y);
    cairo_stroke(f->cr);
}

static void vline(struct frame *f, double x, double y0, double y1,
                  double width)
{
    x = snap(f, x, width);
    cairo_set_line_width(f->cr, width);
    cairo_move_to(f->cr, x, y0);
    cairo_line_to(f->cr, x, y1);
    cairo_stroke(f->cr);
}

/* --- layout -------------------------------------------------------------- */

static void tick_label(const struct frame *f, char *dst, size_t cap,
                       double v, const struct ticks *t, int is_x)
{
    char raw[64];

    if (is_x && f->c->o.x_axis == CHART_X_DURATION)
        ticks_format_duration(raw, sizeof(raw), v, t->step);
    else
        ticks_format(raw, sizeof(raw), v, t->step);
    typeset_minus(dst, cap, raw);
}

static double widest_label(struct frame *f, const struct ticks *t,
                           int is_x)
{
    char s[80];
    double w = 0;
    size_t i;

    for (i = 0; i < t->len; i++) {
        tick_label(f, s, sizeof(s), t->items[i], t, is_x);
        w = fmax(w, frame_text_width(f, s, f->fs, 0));
    }
    return w;
}

static int clamp_int(double v, int lo, int hi)
{
    if (!(v >= lo))
        return lo;
    return v > hi ? hi : (int)v;
}

static void y_ticks(struct frame *f)
{
    int max = clamp_int((f->plot.y1 - f->plot.y0) / (3.6 * f->fs), 3, 8);

    if (f->log_y) {
        ticks_log(&f->yt, f->ywant_lo, f->ywant_hi, max);
        f->ylo = log10(f->ywant_lo);
        f->yhi = log10(f->ywant_hi);
    } else {
        ticks_linear(&f->yt, f->ywant_lo, f->ywant_hi, max);
        f->ylo = f->yt.lo;
        f->yhi = f->yt.hi;
    }
}

/* Fits as many x ticks as the labels leave room for. */
static void x_ticks(struct frame *f)
{
    double w = f->plot.x1 - f->plot.x0;
    int max = clamp_int(w / (5.5 * f->fs), 3, 10);
    double widest;

    if (f->c->o.log_x) {
        /* The chart holds log10(x): ticks at 1, 10, 100 ... of x. */
        ticks_log(&f->xt, pow(10, f->xwant_lo), pow(10, f->xwant_hi), max);
        f->xlo = f->xwant_lo;
        f->xhi = f->xwant_hi;
        return;
    }
    for (;; max--) {
        if (f->c->o.x_axis == CHART_X_DURATION)
            ticks_duration(&f->xt, f->xwant_lo, f->xwant_hi, max);
        else if (f->c->o.x_integer)
            ticks_integer(&f->xt, f->xwant_lo, f->xwant_hi, max);
        else
            ticks_linear(&f->xt, f->xwant_lo, f->xwant_hi, max);
        widest = widest_label(f, &f->xt, 1);
        if (max <= 2 || (double)f->xt.len * (widest + 1.5 * f->fs) <= w)
            break;
    }
    f->xlo = f->xt.lo;
    f->xhi = f->xt.hi;
}

/* Height below the plot taken by the bar chart's group labels. */
static double bar_label_height(const struct frame *f)
{
    if (!f->bar_labels_rotated)
        return (CAP + DESC) * f->fs;
    return f->bar_label_w * sin(M_PI / 6) + (CAP + DESC) * f->fs;
}

static void layout_once(struct frame *f, double right_extra)
{
    const struct chart *c = f->c;
    double top = PAD(f);
    double bottom = PAD(f) + TICK_LEN + TICK_GAP;
    double left = PAD(f) + TICK_LEN + TICK_GAP + f->left_extra;
    double right = PAD(f) + right_extra;

    if (c->title)
        top += TITLE_SIZE(f) * (CAP + DESC) + 0.9 * f->fs;
    else
        top += 0.4 * f->fs; /* room for the top y label */
    if (c->x_title)
        bottom += AXIS_SIZE(f) * (CAP + DESC) + 0.6 * f->fs;
    bottom += c->kind == CHART_BAR ? bar_label_height(f)
                                   : (CAP + DESC) * f->fs;
    if (f->y_title)
        left += AXIS_SIZE(f) * (CAP + DESC) + 0.6 * f->fs;
    if (f->legend_mode == LEGEND_RIGHT)
        right += f->legend_w + 0.6 * f->fs;
    if (f->legend_mode == LEGEND_BELOW)
        bottom += f->legend_h + 0.4 * f->fs;
    right += f->hline_margin;
    f->plot.y0 = top;
    f->plot.y1 = c->o.height - bottom;
    y_ticks(f);
    left += widest_label(f, &f->yt, 0);
    f->plot.x0 = left;
    f->plot.x1 = c->o.width - right;
    if (c->kind == CHART_LINE)
        x_ticks(f);
}

/* How far the first and last x labels stick out of the figure. */
static double x_overhang(struct frame *f)
{
    char s[80];
    double over = 0;
    double w;

    if (f->c->kind != CHART_LINE || f->xt.len == 0)
        return 0;
    tick_label(f, s, sizeof(s), f->xt.items[f->xt.len - 1], &f->xt, 1);
    w = frame_text_width(f, s, f->fs, 0);
    over = frame_px_tick(f, f->xt.items[f->xt.len - 1]) + w / 2 -
           (f->c->o.width - PAD(f) / 2);
    return over > 0 ? over : 0;
}

void frame_layout(struct frame *f)
{
    double over;

    frame_measure_legend(f);
    layout_once(f, 0);
    if (f->legend_mode == LEGEND_RIGHT)
        return;
    over = x_overhang(f);
    if (over > 0)
        layout_once(f, over);
}

/* --- drawing ------------------------------------------------------------- */

void frame_draw_background(struct frame *f)
{
    cairo_set_source_rgb(f->cr, 1, 1, 1);
    cairo_paint(f->cr);
}

void frame_draw_grid(struct frame *f)
{
    size_t i;

    cairo_save(f->cr);
    frame_set_rgb(f, grid_minor, 1);
    for (i = 0; i < f->yt.minor_len; i++)
        frame_hline(f, f->plot.x0, f->plot.x1, frame_py(f, f->yt.minor[i]),
                    0.5);
    frame_set_rgb(f, grid, 1);
    for (i = 0; i < f->yt.len; i++)
        frame_hline(f, f->plot.x0, f->plot.x1, frame_py(f, f->yt.items[i]),
                    0.5);
    for (i = 0; f->c->kind == CHART_LINE && i < f->xt.len; i++)
        vline(f, frame_px_tick(f, f->xt.items[i]), f->plot.y0, f->plot.y1, 0.5);
    cairo_restore(f->cr);
}

static void draw_titles(struct frame *f)
{
    const struct chart *c = f->c;
    double cx = (f->plot.x0 + f->plot.x1) / 2;

    frame_set_rgb(f, ink, 1);
    if (c->title) {
        double w = frame_text_width(f, c->title, TITLE_SIZE(f), 1);
        if (cx - w / 2 < PAD(f) || cx + w / 2 > c->o.width - PAD(f))
            cx = c->o.width / 2; /* too wide: centre on the figure */
        frame_text(f, c->title, TITLE_SIZE(f), 1, cx, PAD(f), TEXT_CENTER,
                   TEXT_TOP);
    }
    if (c->x_title)
        frame_text(f, c->x_title, AXIS_SIZE(f), 0,
                   (f->plot.x0 + f->plot.x1) / 2,
                   c->o.height - PAD(f) -
                       (f->legend_mode == LEGEND_BELOW
                            ? f->legend_h + 0.4 * f->fs
                            : 0),
                   TEXT_CENTER, TEXT_BOTTOM);
    if (f->y_title) {
        cairo_save(f->cr);
        cairo_translate(f->cr, PAD(f), (f->plot.y0 + f->plot.y1) / 2);
        cairo_rotate(f->cr, -M_PI / 2);
        frame_text(f, f->y_title, AXIS_SIZE(f), 0, 0, 0, TEXT_CENTER,
                   TEXT_TOP);
        cairo_restore(f->cr);
    }
}

void frame_draw_axes(struct frame *f)
{
    char s[80];
    double lx = f->plot.x0 - TICK_LEN - TICK_GAP;
    double ly = f->plot.y1 + TICK_LEN + TICK_GAP;
    size_t i;

    cairo_save(f->cr);
    cairo_set_line_cap(f->cr, CAIRO_LINE_CAP_SQUARE);
    frame_set_rgb(f, spine, 1);
    vline(f, f->plot.x0, f->plot.y0, f->plot.y1, 1.0);
    frame_hline(f, f->plot.x0, f->plot.x1, f->plot.y1, 1.0);
    cairo_set_line_cap(f->cr, CAIRO_LINE_CAP_BUTT);
    for (i = 0; i < f->yt.len; i++)
        frame_hline(f, f->plot.x0 - TICK_LEN, f->plot.x0,
              frame_py(f, f->yt.items[i]), 0.8);
    for (i = 0; f->c->kind == CHART_LINE && i < f->xt.len; i++)
        vline(f, frame_px_tick(f, f->xt.items[i]), f->plot.y1,
              f->plot.y1 + TICK_LEN, 0.8);
    frame_set_rgb(f, label_ink, 1);
    for (i = 0; i < f->yt.len; i++) {
        tick_label(f, s, sizeof(s), f->yt.items[i], &f->yt, 0);
        frame_text(f, s, f->fs, 0, lx, frame_py(f, f->yt.items[i]),
                   TEXT_RIGHT, TEXT_MIDDLE);
    }
    for (i = 0; f->c->kind == CHART_LINE && i < f->xt.len; i++) {
        tick_label(f, s, sizeof(s), f->xt.items[i], &f->xt, 1);
        frame_text(f, s, f->fs, 0, frame_px_tick(f, f->xt.items[i]), ly,
                   TEXT_CENTER, TEXT_TOP);
    }
    draw_titles(f);
    cairo_restore(f->cr);
}

void frame_draw_message(struct frame *f, const char *msg)
{
    frame_set_rgb(f, spine, 1);
    frame_text(f, msg, AXIS_SIZE(f), 0, (f->plot.x0 + f->plot.x1) / 2,
               (f->plot.y0 + f->plot.y1) / 2, TEXT_CENTER, TEXT_MIDDLE);
}
