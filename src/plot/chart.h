/* SPDX-License-Identifier: MIT */
/*
 * Line and bar charts for reports, slides and papers, drawn with cairo.
 *
 * Line charts show metric series against step (or elapsed time): a
 * colour-blind-safe palette (seaborn "colorblind", after Okabe & Ito),
 * 1-2-5 ticks with compact labels, a light grid, a legend where it covers
 * no data (a free corner, else a free spot along the plot's edges, else
 * right of the plot, or below it on narrow figures), optional log y,
 * optional EMA smoothing over the faint raw series, horizontal reference
 * lines with labels ("chance"), and NaN / inf points
 * drawn as a break in the line with a cross at the top (bottom for -inf)
 * edge and "NaN at <x>" in the legend.
 *
 * Bar charts compare one metric across experiments: bars grouped along x by
 * a parameter (N in best-of-N, the learning rate), one coloured bar per
 * series within a group, mean +- std error bars, and the value above each
 * bar.
 *
 * Memory does not grow with the number of points: every series goes through
 * a per-pixel-column min/max decimator (plot/decimate.h) as it is pushed,
 * once the x range is known. So a caller streaming from SQLite first asks
 * for min(step) and max(step), calls chart_set_xrange(), then pushes:
 *
 *     struct chart_opts o = { .title = "Loss", .x_title = "step",
 *                             .y_title = "loss", .smooth = 0.6 };
 *     struct chart *c = chart_new_line(&o);
 *     chart_set_xrange(c, first_step, last_step);
 *     struct chart_series *s = chart_add_series(c, "lr=3e-4");
 *     while (next_point(&step, &value))
 *         chart_series_push(s, step, value);
 *     chart_add_hline(c, log(10.0), "chance");
 *     rc = chart_render(c, CHART_PNG, &out);
 *     chart_free(c);
 *
 * Sizes are in points (1/72 inch). PNG and raw RGB output is rendered at
 * `scale` pixels per point (2 by default, sharp on slides and screens);
 * SVG and PDF are vector. All text uses DejaVu Sans loaded through
 * FreeType (util/font.h), never cairo's toy font API, so output is the same
 * on every machine with fonts-dejavu-core.
 *
 * Strings passed in are copied; the chart owns everything it holds.
 * lablog is single-threaded: the font cache behind charts is process-wide.
 */
#ifndef LABLOG_PLOT_CHART_H
#define LABLOG_PLOT_CHART_H

#include <stddef.h>

#include "util/buf.h"

struct chart;
struct chart_series;

enum chart_format {
    CHART_PNG, /* PNG bytes, RGB 8-bit, width x height x scale pixels */
    CHART_SVG, /* SVG 1.1 document, sized in pt, text as glyph outlines */
    CHART_PDF, /* one-page PDF, fonts embedded as subsets; its creation
                  date is now, or SOURCE_DATE_EPOCH when that is set */
    CHART_RGB  /* raw pixels, 3 bytes (R, G, B) per pixel, rows top to
                  bottom, no padding: for HPDF_LoadRawImageFromMem */
};

enum chart_x_axis {
    CHART_X_NUMBER,  /* x is a number (step, epoch): labels 0, 250k, 1M */
    CHART_X_DURATION /* x is elapsed seconds: labels 0, 30m, 1h30m, 2d */
};

/*
 * Chart options. Zero-initialise and set what you need: every zero field
 * means its default. Strings are copied by chart_new_*().
 */
struct chart_opts {
    const char *title;   /* bold, above the plot; NULL or "" for none */
    const char *x_title; /* under the x axis ("step"); NULL for none */
    const char *y_title; /* left of the y axis, rotated; NULL for none */
    double width;        /* whole figure in points; 0 means 720 */
    double height;       /* whole figure in points; 0 means 405 */
    double scale;        /* PNG/RGB pixels per point; 0 means 2 */
    double font_size;    /* tick-label size in points, other text scales
                            with it; 0 means 10 */
    double y_lo;         /* fixed y range when y_lo < y_hi (points outside */
    double y_hi;         /* are clipped); otherwise fitted to the data */
    int log_y;           /* log10 y axis; every value and reference line
                            must then be > 0 */
    double smooth;       /* line charts: EMA smoothing weight in [0, 1), as
                            TensorBoard's slider: each smoothed value is
                            w * previous + (1 - w) * value, debiased so the
                            start is not pulled to 0, per point (not per
                            x distance). NaN / inf points pass through
                            unsmoothed. 0 turns smoothing off; otherwise
                            the raw series is drawn faint beneath */
    enum chart_x_axis x_axis; /* line charts: number (default) or duration */
    int x_integer;       /* line charts: x takes whole values (steps), so
                            ticks are whole numbers */
    int log_x;           /* line charts: log10 x axis (a number axis);
                            points, band points and a range with x <= 0
                            are left out / moved to 1 */
};

/* A new, empty line chart. Never NULL; free with chart_free(). Options are
 * validated by chart_render(). */
struct chart *chart_new_line(const struct chart_opts *o);

/* A new, empty bar chart. smooth and x_axis are ignored; with log_y the
 * bars rise from the bottom of a log axis (every value must be > 0).
 * Never NULL; free with chart_free(). */
struct chart *chart_new_bar(const struct chart_opts *o);

/* Frees the chart and its series. NULL is allowed. */
void chart_free(struct chart *c);

/*
 * Line charts: declares the x range of all points to come, so they are
 * decimated as they arrive. Call it at most once, before pushing, for a
 * large series. Without it the chart keeps every point until
 * chart_render(), which then takes the range from the data: fine for a few
 * thousand points. Calling it after some points were pushed replays them;
 * after the first chart_render() the range is fixed. xmin <= xmax
 * (asserted); points outside the range still draw, at its edges.
 */
void chart_set_xrange(struct chart *c, double xmin, double xmax);

/* Fixes the y range (as chart_opts.y_lo and y_hi) after the points are
 * in, before chart_render(): for a range chosen from the data streamed. */
void chart_set_yrange(struct chart *c, double lo, double hi);

/*
 * Line charts: adds a series and returns it, borrowed from the chart (valid
 * until chart_free()). label names it in the legend; NULL or "" leaves it
 * out of the legend (the legend is drawn when any series has a label).
 * Colours follow the order of the calls.
 */
struct chart_series *chart_add_series(struct chart *c, const char *label);

/*
 * Line charts: draws s in palette colour colour and dash style dash (0
 * solid, 1 dashed, 2 dotted, 3 dash-dotted) instead of by its place, so
 * the seeds of one setting share a colour.
 */
void chart_series_style(struct chart_series *s, size_t colour, size_t dash);

/*
 * Adds one point. y may be NaN or +-inf (a diverged run): the line breaks
 * there and the point is marked. Points with a non-finite x are ignored.
 * Points should come in increasing x (see plot/decimate.h).
 */
void chart_series_push(struct chart_series *s, double x, double y);

/*
 * Adds a dashed horizontal reference line at y, labelled at its right end
 * (label may be NULL): the chance level -log(1/k), a target accuracy. The
 * y range is widened to show it. Line and bar charts.
 */
void chart_add_hline(struct chart *c, double y, const char *label);

/* Adds a point of a shaded band drawn under series s in its colour (the
 * spread of the runs s is the mean of: ± sd, or an interval), from lo to
 * hi at x. Points come in x order; non-finite ones are skipped. The band
 * counts in the y range. Line charts only. */
void chart_series_band(struct chart_series *s, double x, double lo,
                       double hi);

/*
 * Bar charts: sets the bar of series `series` in group `group` (x axis
 * label, e.g. "N=4" or "1e-3") to mean with an error bar of +-std over n
 * runs (std 0 draws no error bar). series NULL or "" for a chart with one
 * bar per group; with several series a legend names them. Groups and
 * series appear in the order first seen. A second call for the same pair
 * replaces the bar. A NaN mean draws no bar and the label "NaN".
 */
void chart_add_bar(struct chart *c, const char *group, const char *series,
                   double mean, double std, size_t n);

/*
 * Bar charts: adds one run's value (one seed) to the bar (group, series);
 * chart_render() then draws the mean and the sample standard deviation
 * (n - 1 in the denominator). Non-finite values are counted apart: the bar
 * shows the finite ones and notes "k NaN" above it. Do not mix with
 * chart_add_bar() for the same bar (asserted).
 */
void chart_add_bar_sample(struct chart *c, const char *group,
                          const char *series, double value);

/*
 * Bar charts: counts a run of the bar (group, series) that failed or
 * diverged: it is not averaged in, and the bar notes "k failed" above
 * it, so a broken run is never hidden in a mean.
 */
void chart_add_bar_failed(struct chart *c, const char *group,
                          const char *series);

/*
 * Draws the chart and appends the bytes to out (which the caller owns).
 * May be called several times (a PNG, then a PDF of the same chart).
 *
 * Returns 0, or on failure leaves out as it was and returns:
 *   LL_EINPUT    bad options (smooth outside [0, 1), a size cairo cannot
 *                draw), or log_y with values <= 0 ("log scale needs
 *                positive values; 'loss' has 12 values <= 0");
 *   LL_ENOTFOUND no usable font (util/font.h);
 *   LL_EIO       the font file could not be loaded;
 *   LL_ERR       cairo failed (its message is included).
 */
int chart_render(struct chart *c, enum chart_format fmt, struct buf *out);

/* The pixel size of CHART_PNG and CHART_RGB output for this chart. */
void chart_pixel_size(const struct chart *c, int *width_out,
                      int *height_out);

/*
 * Releases the process-wide font faces and cairo's and fontconfig's static
 * caches (cairo_debug_reset_static_data(), font_cleanup()), so a clean exit
 * is clean under LeakSanitizer. Call once at exit, after every chart is
 * freed; charts may be made again afterwards.
 */
void plot_cleanup(void);

#endif
