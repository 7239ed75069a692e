/* SPDX-License-Identifier: MIT */
/*
 * Figures from the view: the charts `lablog plot`, the report and the slide
 * deck draw, built by streaming metric points from the view into a chart
 * (decimated per pixel column, so memory does not grow with the series).
 *
 * Every function writes the encoded figure (PNG, SVG, PDF or raw RGB) into
 * out and returns 0, or a negative LL_E* code with the message recorded.
 */
#ifndef LABLOG_PLOT_FIGURE_H
#define LABLOG_PLOT_FIGURE_H

#include <stddef.h>

#include "plot/chart.h"
#include "view/view.h"

struct buf;

enum figure_bar_mode {
    FIGURE_BAR_LAST, /* each experiment's last value */
    FIGURE_BAR_BEST  /* its best: max, or min for loss-like metrics */
};

struct figure_opts {
    enum chart_format format;
    double width, height;   /* points; 0 for the chart defaults */
    double scale;           /* pixels per point for PNG/RGB; 0: 2 */
    const char *title;      /* NULL: derived from the metrics */
    int x_time;             /* x is elapsed time, not step */
    int log_y;
    double smooth;          /* EMA weight in [0, 1); 0: none */
    int has_baseline;
    double baseline;        /* a reference line (e.g. chance) ... */
    const char *baseline_label; /* ... and its label */
    const char *mean_by;    /* line charts of one metric: one line per
                               value of this param, the mean over its runs
                               (seeds) at each x, with a shaded band of
                               ± sd, or of the 95% interval with band_ci;
                               "lr=3e-5 (n=3)" in the legend */
    int band_ci;
    const char *x_param;    /* line charts: x is this param's value, y each
                               metric's last value, the mean over the runs
                               of one value (± sd band); NULL: steps */
    int log_x;              /* log10 x axis; with x_param also chosen when
                               its values span 2 decades or more */
    const char *colour_by;  /* line charts of one metric: runs with the
                               same value of this param (the seeds of a
                               setting) share a colour and one legend
                               entry, "lr=3e-5 (3 runs)"; NULL: one colour
                               per run */
};

/*
 * A line chart of metrics (nmetrics names) of experiments (nexps), one
 * series per (experiment, metric) that has points. LL_ENOTFOUND when none
 * of them has any point.
 */
int figure_line(struct buf *out, const struct view *v,
                const struct view_exp *const *exps, size_t nexps,
                const char *const *metrics, size_t nmetrics,
                const struct figure_opts *o);

/*
 * A bar chart of one metric across experiments. With group_by (a param
 * name) the bars are the param's values and experiments sharing a value
 * (seeds) become mean ± std error bars; otherwise one bar per experiment.
 */
int figure_bar(struct buf *out, const struct view *v,
               const struct view_exp *const *exps, size_t nexps,
               const char *metric, const char *group_by,
               enum figure_bar_mode mode, const struct figure_opts *o);

/*
 * The weeks of model/velocity.h (weeks[0] the latest) as bars, oldest
 * first: experiments finished and takeaways written per week, labelled by
 * the week's last day ("11-20").
 */
struct model_week;
int figure_weeks(struct buf *out, const struct model_week *weeks,
                 size_t nweeks, const struct figure_opts *o);

/*
 * The metrics worth plotting for an experiment, most telling first
 * (view_pick_metrics(): primary, scores, results, losses; series of more
 * than one point only): up to max names written to names_out, borrowed
 * from the view. Returns how many.
 */
size_t figure_pick_metrics(const struct view_exp *x, const char **names_out,
                           size_t max);

/*
 * The param that tells a group of experiments apart (the first whose value
 * differs between them, "seed" last since seeds are repeats), or NULL when
 * none does. Borrowed from the view.
 */
const char *figure_group_param(const struct view_exp *const *exps,
                               size_t nexps);



#endif
