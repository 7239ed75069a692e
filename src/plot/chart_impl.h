/* SPDX-License-Identifier: MIT */
/*
 * Private to src/plot/chart*.c: the chart's data, and the frame that one
 * render lays out and draws on. chart.c owns the data, chart_render.c the
 * fonts and output surfaces, chart_frame.c the layout, axes and text,
 * chart_legend.c the legend and reference lines, chart_line.c and
 * chart_bar.c what goes inside the plot area.
 */
#ifndef LABLOG_PLOT_CHART_IMPL_H
#define LABLOG_PLOT_CHART_IMPL_H

#include <cairo.h>
#include <stddef.h>

#include "plot/chart.h"
#include "plot/decimate.h"
#include "plot/ticks.h"

enum chart_kind { CHART_LINE, CHART_BAR };

struct chart_series {
    struct chart *chart;          /* the chart it belongs to */
    char *label;                  /* legend text; NULL for none */
    size_t index;                 /* position, picks the colour */
    int colour_set;               /* chart_series_style() was called */
    size_t colour, dash;          /* its palette colour and dash style */
    struct decimate raw;          /* raw points, once the range is known */
    struct decimate smooth;       /* EMA points, when smoothing */
    struct decimate_point *pending; /* points pushed before the range */
    size_t pending_len;           /* points in pending */
    size_t pending_cap;           /* allocated pending */
    size_t n_finite;              /* finite points pushed */
    size_t n_nonpos;              /* finite points with y <= 0 */
    size_t n_bad;                 /* points with a non-finite y */
    double bad_x;                 /* x of the first non-finite y */
    double bad_y;                 /* that y (NaN, inf or -inf) */
    double xmin;                  /* x range of the points (finite x) */
    double xmax;
    double ymin;                  /* range of the finite y values */
    double ymax;
    double ema;                   /* EMA state: weighted sum so far */
    double ema_decay;             /* smooth^count, for debiasing */
    double *band;                 /* chart_series_band(): x, lo, hi
                                     triples, in x order */
    size_t band_len;              /* triples in band */
    size_t band_cap;              /* allocated triples */
};

struct chart_hline {
    double y;    /* where */
    char *label; /* NULL for none */
};

struct chart_bar {
    size_t group;  /* index into chart.groups */
    size_t series; /* index into chart.bar_series */
    double mean;   /* height of the bar (NaN: none) */
    double std;    /* half the error bar; 0 for none */
    size_t n;      /* runs behind the bar */
    size_t n_bad;  /* runs with a non-finite value (samples only) */
    size_t n_failed; /* runs left out as failed (chart_add_bar_failed) */
    double m2;     /* Welford sum of squared deviations (samples only) */
    int sampled;   /* made by chart_add_bar_sample() */
};

struct chart {
    enum chart_kind kind;        /* line or bar */
    char *title;                 /* owned copies of the option strings */
    char *x_title;
    char *y_title;
    struct chart_opts o;         /* options with defaults filled in; its
                                    strings point at the copies above */
    size_t columns;              /* decimator bins: width in pixels */
    int have_xrange;             /* chart_set_xrange() was called */
    double xmin;                 /* its range */
    double xmax;
    struct chart_series **series; /* line series, in order */
    size_t nseries;
    size_t series_cap;
    struct chart_hline *hlines;  /* reference lines */
    size_t nhlines;
    size_t hlines_cap;
    struct chart_bar *bars;      /* bars, in order of creation */
    size_t nbars;
    size_t bars_cap;
    char **groups;               /* bar groups (x labels), in order */
    size_t ngroups;
    size_t groups_cap;
    char **bar_series;           /* bar series (legend), in order */
    size_t nbar_series;
    size_t bar_series_cap;
};

#define FRAME_TICK_LEN 3.5 /* tick marks, outward, in points */
#define FRAME_TICK_GAP 3.0 /* between a tick mark and its label */
#define FRAME_CAP 0.73     /* DejaVu Sans cap height, in ems */
#define FRAME_DESC 0.24    /* DejaVu Sans descender, in ems */

/* Where the legend goes. */
enum { LEGEND_INSIDE, LEGEND_RIGHT, LEGEND_BELOW };

/* Horizontal and vertical text anchors for frame_text(). */
enum { TEXT_LEFT, TEXT_CENTER, TEXT_RIGHT };
enum { TEXT_BASELINE, TEXT_TOP, TEXT_MIDDLE, TEXT_BOTTOM };

struct rgb {
    double r, g, b; /* 0..1 */
};

/* One legend entry; the legend is drawn by chart_frame.c. */
struct legend_entry {
    const char *label; /* borrowed */
    const char *note;  /* drawn after the label in red ("NaN at 5k") */
    struct rgb colour; /* swatch colour */
    size_t style;      /* line swatches: the dash style */
    int swatch_box;    /* 1: filled box (bars), 0: line sample */
};

/* A rectangle in points, x0 < x1, y0 < y1 (y grows downward). */
struct rect {
    double x0, y0, x1, y1;
};

/* An occupancy grid over the plot area (chart_legend.c). */
struct occupancy;

/* Marks into o everything the chart draws inside the plot, with
 * occ_mark_*(): the legend and reference-line labels avoid it. */
typedef void frame_mark_fn(void *ctx, struct occupancy *o);

/* Layout and drawing state of one render. */
struct frame {
    cairo_t *cr;                /* target, in points */
    const struct chart *c;      /* what is drawn */
    cairo_font_face_t *face[2]; /* regular, bold (borrowed) */
    double fs;                  /* tick label size; others scale with it */
    double xwant_lo, xwant_hi;  /* x range asked for (line charts) */
    double ywant_lo, ywant_hi;  /* y range asked for (> 0 for log y) */
    int log_y;                  /* y maps through log10 */
    struct rect plot;           /* plot area, set by frame_layout() */
    struct ticks xt;            /* x ticks (line charts) */
    struct ticks yt;            /* y ticks */
    double xlo, xhi;            /* x range shown */
    double ylo, yhi;            /* y range shown, log10 of it for log y */
    int bar_labels_rotated;     /* bar charts: group labels at an angle */
    double bar_label_w;         /* widest group label */
    double left_extra;          /* more left margin (long rotated labels) */
    const struct legend_entry *legend; /* entries (owned by the caller) */
    size_t nlegend;             /* number of entries */
    int legend_mode;            /* LEGEND_INSIDE, _RIGHT or _BELOW */
    size_t legend_cols;         /* entries side by side (below the plot) */
    double legend_col_w;        /* width of one entry */
    double legend_w, legend_h;  /* legend box size */
    struct rect legend_box;     /* where the legend goes */
    struct rect *hline_box;     /* label box of each reference line;
                                   x0 > x1 when it has none (owned) */
    double hline_margin;        /* right margin for labels outside */
    char *y_title;              /* y axis title to draw (owned) */
};

#define CHART_MAX_PIXELS 16384.0 /* per side; cairo's own limit is 32767 */

/* chart_render.c: the face of font 0 (the main font, regular or bold)
 * or of glyph-fallback font k (util/font.h, font_runs()); the main font's
 * file. Valid during a render. */
cairo_font_face_t *chart_font_face(int font, int bold);
const char *chart_font_path(int bold);

/* chart.c: sets the x range from the data when the caller did not, and
 * flushes the decimators so drawing code can read items and len. */
void chart_finish_points(struct chart *c);

/* chart_frame.c: text, coordinates, layout, and the parts around the
 * data. Set the want ranges, legend entries and y_title, then call
 * frame_layout(), frame_place_legend() (which places the reference-line
 * labels too), then draw. */
struct rgb frame_palette(size_t i);
/* The palette colour and dash style (0 solid, 1 dashed, 2 dotted, 3
 * dash-dotted) of a line series: chart_series_style()'s, else by its
 * place: solid for the first colours, then dashed... as colours repeat. */
size_t frame_series_colour(const struct chart_series *s);
size_t frame_series_dash(const struct chart_series *s);
/* Sets the dash pattern of a style at line width. */
void frame_dash(struct frame *f, size_t dash, double width);
void frame_set_rgb(struct frame *f, struct rgb c, double alpha);
double frame_text_width(struct frame *f, const char *s, double size,
                        int bold);
void frame_text(struct frame *f, const char *s, double size, int bold,
                double x, double y, int halign, int valign);
void frame_text_halo(struct frame *f, const char *s, double size, double x,
                     double y, int halign, int valign, struct rgb c);
double frame_px(const struct frame *f, double x);
double frame_py(const struct frame *f, double y);
void frame_hline(struct frame *f, double x0, double x1, double y,
                 double width);
void frame_layout(struct frame *f);
void frame_draw_background(struct frame *f);
void frame_draw_grid(struct frame *f);
void frame_draw_axes(struct frame *f);
void frame_draw_message(struct frame *f, const char *msg);

/* chart_legend.c: the legend and the reference lines. */
void frame_measure_legend(struct frame *f);
/* Puts the reference-line labels where they cross the least data (bar
 * charts: right of the plot), then the legend in the first free spot
 * inside the plot, else right of it (or below it when the plot would get
 * too narrow), laying out again as needed. */
void frame_place_legend(struct frame *f, frame_mark_fn *mark, void *ctx);
void occ_mark_point(struct occupancy *o, double x, double y);
void occ_mark_segment(struct occupancy *o, double x0, double y0, double x1,
                      double y1);
void occ_mark_rect(struct occupancy *o, const struct rect *r);
void frame_draw_hlines(struct frame *f);
void frame_draw_legend(struct frame *f);

/* chart_line.c, chart_bar.c */
int chart_line_check(const struct chart *c);
int chart_bar_check(const struct chart *c);
int chart_line_draw(struct frame *f);
int chart_bar_draw(struct frame *f);

#endif
