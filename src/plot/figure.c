/* SPDX-License-Identifier: MIT */
/*
 * Figures from the view (see figure.h): which series to draw, their labels
 * and ranges, and streaming the points into a chart.
 */
#include "plot/figure.h"

#include <math.h>
#include <stdio.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "model/stats.h"
#include "model/velocity.h"
#include "model/summary.h"
#include "util/buf.h"
#include "util/err.h"
#include "util/timeutil.h"
#include "util/xalloc.h"

size_t figure_pick_metrics(const struct view_exp *x, const char **names_out,
                           size_t max)
{
    return view_pick_metrics(x, VIEW_PICK_SERIES, names_out, max);
}

const char *figure_group_param(const struct view_exp *const *exps,
                               size_t nexps)
{
    const struct model_run *runs[256];
    const char *keys[8];
    size_t i, n = nexps < 256 ? nexps : 256;

    if (n < 2)
        return NULL;
    for (i = 0; i < n; i++)
        runs[i] = &exps[i]->run;
    if (model_varying(runs, n, 0, keys, 8))
        return keys[0];
    return model_seed_param(runs, n);
}

static void chart_options(struct chart_opts *c, const struct figure_opts *o,
                          const char *title, const char *y_title)
{
    memset(c, 0, sizeof(*c));
    c->title = o->title ? o->title : title;
    c->y_title = y_title;
    c->width = o->width;
    c->height = o->height;
    c->scale = o->scale;
    c->log_y = o->log_y;
    c->smooth = o->smooth;
}

/* What the points of one series streamed into a chart showed: the
 * value at the first step, and the finite range. */
struct seen {
    int any;
    double first, min, max;
};

/*
 * A loss that blows up (a diverging run) would flatten every other curve
 * to a line at zero. For lower-is-better metrics, when some series climbs
 * far above where the runs started, clip the y axis just above the
 * starting level; the chart marks the NaN itself. Decided from the points
 * as they streamed, so a chart needs no summary of its series.
 */
static void robust_yrange(struct chart *c, const struct view *v,
                          const char *const *metrics, size_t nmetrics,
                          const struct seen *seen, size_t nseen, int log_y)
{
    double start = -INFINITY, top = -INFINITY, bottom = INFINITY;
    size_t i, k;

    for (k = 0; k < nmetrics; k++) {
        struct metric_info info;

        view_metric_info(v, metrics[k], &info);
        if (!info.lower)
            return;
    }
    for (i = 0; i < nseen; i++) {
        if (!seen[i].any)
            continue;
        if (isfinite(seen[i].first))
            start = fmax(start, seen[i].first);
        if (isfinite(seen[i].max))
            top = fmax(top, seen[i].max);
        if (isfinite(seen[i].min))
            bottom = fmin(bottom, seen[i].min);
    }
    if (!isfinite(start) || !isfinite(bottom) || top <= 3 * start
        || start <= bottom || log_y)
        return;
    chart_set_yrange(c, bottom - 0.05 * (start - bottom),
                     start + 0.15 * (start - bottom));
}

struct push {
    struct chart_series *series;
    int x_time;
    int64_t t0; /* ms subtracted for an elapsed-time axis */
    struct seen *seen;
};

static int push_point(void *ctx, int64_t step, double value, int64_t ts)
{
    struct push *p = ctx;
    struct seen *n = p->seen;
    double x = p->x_time ? (double)(ts - p->t0) / 1000.0 : (double)step;

    if (!n->any) {
        n->any = 1;
        n->first = value;
        n->min = n->max = NAN;
    }
    if (isfinite(value)) {
        if (!(value >= n->min))
            n->min = value;
        if (!(value <= n->max))
            n->max = value;
    }
    chart_series_push(p->series, x, value);
    return 0;
}

/* The label of one series: what tells it apart from the others. */
static void series_label(struct buf *b, const struct view_exp *x,
                         const char *metric, size_t nexps, size_t nmetrics)
{
    buf_reset(b);
    if (nexps > 1 && nmetrics > 1)
        buf_printf(b, "%s: %s", x->name, metric);
    else if (nexps > 1)
        buf_puts(b, x->name);
    else
        buf_puts(b, metric);
}

/* When a run started, for an elapsed-time axis: each run counts from its
 * own start (its first running status, or its first point of these
 * metrics when that came earlier), so runs made on different days line
 * up. */
static int64_t run_start(const struct view_exp *x,
                         const struct series_span *spans, size_t nmetrics)
{
    int64_t t0 = x->started ? x->started : INT64_MAX;
    size_t k;

    for (k = 0; k < nmetrics; k++)
        if (spans[k].any && spans[k].first_ts < t0)
            t0 = spans[k].first_ts;
    return t0 == INT64_MAX ? 0 : t0;
}

/* Where x's value of param by comes among the distinct values of exps
 * (in numeric order): its colour. *runs_out is how many runs share it,
 * *first_out whether x is the first of them in exps. */
static size_t value_index(const struct view_exp *const *exps, size_t n,
                          const char *by, const struct view_exp *x,
                          size_t *runs_out, int *first_out)
{
    const char *mine = view_exp_param(x, by);
    size_t i, j, below = 0;

    *runs_out = 0;
    *first_out = 1;
    for (i = 0; i < n; i++) {
        const char *val = view_exp_param(exps[i], by);
        int seen = 0;

        if (model_param_cmp(val, mine) == 0) {
            ++*runs_out;
            if (exps[i] == x)
                continue;
            for (j = 0; j < n && exps[j] != x; j++)
                ;
            if (i < j)
                *first_out = 0;
            continue;
        }
        for (j = 0; j < i && !seen; j++)
            seen = model_param_cmp(view_exp_param(exps[j], by), val) == 0;
        if (!seen && model_param_cmp(val, mine) < 0)
            below++;
    }
    return below;
}

/* ---- one mean line per value of a param ---------------------------- */

/* When x started, for an elapsed-time axis, from its summary of metric
 * (these figures read summaries: the runs' last values decide which are
 * broken). */
static int64_t summary_start(const struct view_exp *x, const char *metric)
{
    const struct view_metric *m = view_exp_metric(x, metric);
    int64_t t0 = x->started ? x->started : INT64_MAX;

    if (m && m->count && m->first_ts < t0)
        t0 = m->first_ts;
    return t0 == INT64_MAX ? 0 : t0;
}

#define MEAN_BINS 400 /* x bins the runs are averaged over */

struct bin_fill {
    double lo, hi;      /* x range */
    double *sum;        /* per bin: this run's sum of finite values ... */
    size_t *count;      /* ... and their count */
    double *xsum;       /* and of their x, to place the point */
    int x_time;
    int64_t t0;
    size_t points;      /* this run's points */
    double last;        /* its last value: NaN or inf when it diverged */
};

static int bin_point(void *ctx, int64_t step, double value, int64_t ts)
{
    struct bin_fill *b = ctx;
    double x = b->x_time ? (double)(ts - b->t0) / 1000.0 : (double)step;
    double span = b->hi - b->lo;
    size_t k;

    b->points++;
    b->last = value;
    if (!isfinite(value))
        return 0;
    k = span > 0 ? (size_t)((x - b->lo) / span * (MEAN_BINS - 1) + 0.5) : 0;
    if (k >= MEAN_BINS)
        k = MEAN_BINS - 1;
    b->sum[k] += value;
    b->xsum[k] += x;
    b->count[k]++;
    return 0;
}

/*
 * The runs of each value of o->mean_by, averaged: each run's points are
 * first averaged per x bin (so a run with ten times the points weighs the
 * same), then the runs' bin values give the mean, sd and interval
 * (model/stats.h) of the bin. Memory: bins x values, not points.
 */
static int figure_mean_lines(struct chart *c, const struct view *v,
                             const struct view_exp *const *exps,
                             size_t nexps, const char *metric,
                             const struct figure_opts *o, double lo,
                             double hi)
{
    const struct view_exp **sorted = xcalloc(nexps + 1, sizeof(*sorted));
    unsigned char *done = xcalloc(nexps + 1, 1);
    struct stats_acc *acc = xcalloc(MEAN_BINS, sizeof(*acc));
    double *xacc = xcalloc(MEAN_BINS, sizeof(*xacc));
    struct bin_fill b = { lo, hi, NULL, NULL, NULL, o->x_time, 0, 0, NAN };
    struct buf label = BUF_INIT;
    size_t i, j, k, colour = 0;
    int rc = 0;

    if (o->x_time) {
        /* Each run from its own start: the bins span the longest. */
        b.lo = 0;
        b.hi = 1;
        for (i = 0; i < nexps; i++) {
            const struct view_metric *m = view_exp_metric(exps[i], metric);

            if (m && m->count)
                b.hi = fmax(b.hi, (double)(m->last_ts
                                           - summary_start(exps[i], metric))
                                      / 1000.0);
        }
    }
    b.sum = xcalloc(MEAN_BINS, sizeof(*b.sum));
    b.count = xcalloc(MEAN_BINS, sizeof(*b.count));
    b.xsum = xcalloc(MEAN_BINS, sizeof(*b.xsum));
    for (i = 0; i < nexps; i++)
        sorted[i] = exps[i];
    /* Values in numeric order (0.03, 0.1, 0.3). */
    for (i = 1; i < nexps; i++) {
        const struct view_exp *x = sorted[i];

        for (j = i; j > 0 && model_param_cmp(view_exp_param(sorted[j - 1],
                                                            o->mean_by),
                                             view_exp_param(x, o->mean_by))
                                 > 0; j--)
            sorted[j] = sorted[j - 1];
        sorted[j] = x;
    }
    for (i = 0; rc == 0 && i < nexps; i++) {
        const char *val = view_exp_param(sorted[i], o->mean_by);
        struct chart_series *s;
        size_t runs = 0;

        if (done[i])
            continue;
        memset(acc, 0, MEAN_BINS * sizeof(*acc));
        memset(xacc, 0, MEAN_BINS * sizeof(*xacc));
        for (j = i; rc == 0 && j < nexps; j++) {
            const struct view_metric *m;

            if (done[j] || model_param_cmp(view_exp_param(sorted[j],
                                                          o->mean_by),
                                           val) != 0)
                continue;
            done[j] = 1;
            /* Failed runs are not averaged in: by their status here,
             * a diverged one by its last point below (no summary of the
             * series is needed, except for a time axis). */
            if (view_exp_broken(sorted[j]))
                continue;
            m = view_exp_metric(sorted[j], metric);
            if (o->x_time && (!m || !m->count))
                continue;
            memset(b.sum, 0, MEAN_BINS * sizeof(*b.sum));
            memset(b.count, 0, MEAN_BINS * sizeof(*b.count));
            memset(b.xsum, 0, MEAN_BINS * sizeof(*b.xsum));
            b.points = 0;
            b.last = NAN;
            b.t0 = o->x_time ? summary_start(sorted[j], metric) : 0;
            rc = o->x_time ? view_points(v, sorted[j], metric, bin_point, &b)
                           : view_points_steps(v, sorted[j], metric,
                                               bin_point, &b);
            if (rc || !b.points || !isfinite(b.last))
                continue;
            for (k = 0; k < MEAN_BINS; k++)
                if (b.count[k]) {
                    stats_acc_add(&acc[k], b.sum[k] / (double)b.count[k]);
                    xacc[k] += b.xsum[k] / (double)b.count[k];
                }
            runs++;
        }
        if (rc || runs == 0)
            continue;
        buf_reset(&label);
        buf_printf(&label, "%s=%s (n=%zu)", o->mean_by, val ? val : "?", runs);
        s = chart_add_series(c, label.ptr);
        chart_series_style(s, colour++, 0);
        for (k = 0; k < MEAN_BINS; k++) {
            double x, sd, blo, bhi;

            if (!acc[k].n)
                continue;
            x = xacc[k] / (double)acc[k].n;
            chart_series_push(s, x, acc[k].mean);
            sd = stats_acc_sd(&acc[k]);
            if (acc[k].n < 2)
                continue;
            if (o->band_ci)
                stats_mean_ci(&blo, &bhi, acc[k].mean, sd, acc[k].n,
                              MODEL_LEVEL);
            else {
                blo = acc[k].mean - sd;
                bhi = acc[k].mean + sd;
            }
            chart_series_band(s, x, blo, bhi);
        }
    }
    buf_release(&label);
    free(b.sum);
    free(b.count);
    free(b.xsum);
    free(acc);
    free(xacc);
    free(done);
    free(sorted);
    return rc;
}

/* ---- a param on the x axis ------------------------------------------ */

/* The numeric value of x's param key, or NaN. */
static double param_number(const struct view_exp *x, const char *key)
{
    const char *s = view_exp_param(x, key);
    char *end;
    double d;

    if (!s || !*s)
        return NAN;
    d = strtod(s, &end);
    return *end || !isfinite(d) ? NAN : d;
}

/*
 * y = each metric's last value against x = the param's value: one series
 * per metric, a point per distinct value, the mean over the runs of that
 * value (seeds), with a ± sd band where there are two or more. Failed
 * and diverged runs are left out. LL_ENOTFOUND when no run has both a
 * numeric value and the metric.
 */
static int figure_param(struct buf *out, const struct view *v,
                        const struct view_exp *const *exps, size_t nexps,
                        const char *const *metrics, size_t nmetrics,
                        const struct figure_opts *o)
{
    double *xs = xcalloc(nexps + 1, sizeof(*xs));
    struct chart_opts co;
    struct chart *c;
    struct buf title = BUF_INIT;
    double lo = INFINITY, hi = -INFINITY;
    size_t i, j, k, points = 0;
    int rc = 0;

    for (i = 0; i < nexps; i++) {
        xs[i] = param_number(exps[i], o->x_param);
        if (!isnan(xs[i]) && (!o->log_x || xs[i] > 0)) {
            lo = fmin(lo, xs[i]);
            hi = fmax(hi, xs[i]);
        }
    }
    if (lo > hi) {
        free(xs);
        return ll_error(LL_ENOTFOUND, "no experiment here has a numeric "
                        "param '%s'", o->x_param);
    }
    if (nmetrics == 1)
        buf_printf(&title, "%s by %s", metrics[0], o->x_param);
    chart_options(&co, o, nmetrics == 1 ? title.ptr : NULL,
                  nmetrics == 1 ? metrics[0] : "value");
    co.x_title = o->x_param;
    /* Best-of-N and scaling plots: 1, 8, 32, 100 read on a log axis. */
    co.log_x = o->log_x || (lo > 0 && hi / lo >= 100);
    c = chart_new_line(&co);
    chart_set_xrange(c, lo, hi > lo ? hi : lo * 2 + 1);
    for (k = 0; k < nmetrics; k++) {
        struct chart_series *s = chart_add_series(c, metrics[k]);
        unsigned char *done = xcalloc(nexps + 1, 1);

        for (;;) {
            struct stats_acc acc = STATS_ACC_INIT;
            double x = INFINITY, sd;

            /* The smallest x not done yet: points in x order. */
            for (i = 0; i < nexps; i++)
                if (!done[i] && !isnan(xs[i]) && xs[i] < x)
                    x = xs[i];
            if (isinf(x))
                break;
            for (j = 0; j < nexps; j++) {
                const struct view_metric *m;

                if (done[j] || xs[j] != x)
                    continue;
                done[j] = 1;
                m = view_exp_metric(exps[j], metrics[k]);
                if (m && m->count && !view_exp_broken(exps[j])
                    && isfinite(m->last))
                    stats_acc_add(&acc, m->last);
            }
            if (!acc.n)
                continue;
            chart_series_push(s, x, acc.mean);
            points++;
            sd = stats_acc_sd(&acc);
            if (acc.n > 1)
                chart_series_band(s, x, acc.mean - sd, acc.mean + sd);
        }
        free(done);
    }
    if (o->has_baseline) {
        chart_add_hline(c, o->baseline, o->baseline_label);
    } else if (nmetrics == 1) {
        struct metric_info info;

        view_metric_info(v, metrics[0], &info);
        if (info.has_chance && !(o->log_y && info.chance <= 0))
            chart_add_hline(c, info.chance, "chance");
    }
    if (!points)
        rc = ll_error(LL_ENOTFOUND, "no points of %s for these experiments",
                      metrics[0]);
    if (rc == 0)
        rc = chart_render(c, o->format, out);
    chart_free(c);
    buf_release(&title);
    free(xs);
    return rc;
}

int figure_line(struct buf *out, const struct view *v,
                const struct view_exp *const *exps, size_t nexps,
                const char *const *metrics, size_t nmetrics,
                const struct figure_opts *o)
{
    struct chart_opts co;
    struct chart *c = NULL;
    struct buf label = BUF_INIT;
    double lo = INFINITY, hi = -INFINITY;
    const char *by = o->colour_by;
    size_t n = nexps * nmetrics, i, k;
    struct series_span *spans = xcalloc(n + 1, sizeof(*spans));
    struct seen *seen = xcalloc(n + 1, sizeof(*seen));
    int rc = 0;

    if (o->x_param) {
        free(spans);
        free(seen);
        buf_release(&label);
        return figure_param(out, v, exps, nexps, metrics, nmetrics, o);
    }
    /* The x range first, from the point key (the chart decimates as
     * points stream in): no summary of the series is needed. */
    for (i = 0; rc == 0 && i < nexps; i++) {
        for (k = 0; rc == 0 && k < nmetrics; k++) {
            const struct series_span *sp = &spans[i * nmetrics + k];

            rc = view_points_span(v, exps[i], metrics[k],
                                  &spans[i * nmetrics + k]);
            if (rc || !sp->any)
                continue;
            lo = fmin(lo, (double)sp->first_step);
            hi = fmax(hi, (double)sp->last_step);
        }
    }
    if (rc)
        goto cleanup;
    if (lo > hi) {
        rc = ll_error(LL_ENOTFOUND, "no points of %s%s for %s%s",
                      metrics[0], nmetrics > 1 ? " (or the others)" : "",
                      nexps ? exps[0]->name : "these experiments",
                      nexps > 1 ? " and the others" : "");
        goto cleanup;
    }
    if (o->mean_by && nmetrics == 1)
        buf_printf(&label, "%s: mean of the runs by %s, band %s", metrics[0],
                   o->mean_by, o->band_ci ? "95% interval" : "\xc2\xb1 sd");
    chart_options(&co, o, o->mean_by && nmetrics == 1 ? label.ptr
                          : nmetrics == 1 ? metrics[0] : NULL,
                  nmetrics == 1 ? metrics[0] : "value");
    co.x_title = o->x_time ? "time since the run's start" : "step";
    co.x_axis = o->x_time ? CHART_X_DURATION : CHART_X_NUMBER;
    co.x_integer = !o->x_time;
    co.log_x = o->log_x;
    c = chart_new_line(&co);
    if (!o->x_time)
        chart_set_xrange(c, o->log_x && lo < 1 ? 1 : lo,
                         hi > lo ? hi : lo + 1);
    if (o->has_baseline) {
        chart_add_hline(c, o->baseline, o->baseline_label);
    } else if (nmetrics == 1) {
        struct metric_info info;

        /* The chance level someone declared (metric-info --chance): a
         * loss or an accuracy means little without it. */
        view_metric_info(v, metrics[0], &info);
        if (info.has_chance && !(o->log_y && info.chance <= 0))
            chart_add_hline(c, info.chance, "chance");
    }
    if (o->mean_by && nmetrics == 1) {
        rc = figure_mean_lines(c, v, exps, nexps, metrics[0], o, lo,
                               hi > lo ? hi : lo + 1);
        nexps = 0; /* drawn */
    }
    for (i = 0; rc == 0 && i < nexps; i++) {
        int64_t start = run_start(exps[i], &spans[i * nmetrics], nmetrics);

        for (k = 0; rc == 0 && k < nmetrics; k++) {
            struct push p = { NULL, o->x_time, start,
                              &seen[i * nmetrics + k] };
            size_t colour = 0, runs = 0;
            int first = 1;

            if (!spans[i * nmetrics + k].any)
                continue;
            if (by && nmetrics == 1) {
                colour = value_index(exps, nexps, by, exps[i], &runs,
                                     &first);
                buf_reset(&label);
                if (first)
                    buf_printf(&label, "%s=%s", by,
                               view_exp_param(exps[i], by)
                                   ? view_exp_param(exps[i], by) : "?");
                if (first && runs > 1)
                    buf_printf(&label, " (%zu runs)", runs);
            } else {
                series_label(&label, exps[i], metrics[k], nexps, nmetrics);
            }
            p.series = chart_add_series(c, label.ptr);
            if (by && nmetrics == 1)
                chart_series_style(p.series, colour, 0);
            rc = o->x_time
                     ? view_points(v, exps[i], metrics[k], push_point, &p)
                     : view_points_steps(v, exps[i], metrics[k], push_point,
                                         &p);
        }
    }
    if (rc == 0) {
        robust_yrange(c, v, metrics, nmetrics, seen, n, o->log_y);
        rc = chart_render(c, o->format, out);
    }
cleanup:
    chart_free(c);
    buf_release(&label);
    free(spans);
    free(seen);
    return rc;
}

int figure_bar(struct buf *out, const struct view *v,
               const struct view_exp *const *exps, size_t nexps,
               const char *metric, const char *group_by,
               enum figure_bar_mode mode, const struct figure_opts *o)
{
    struct chart_opts co;
    struct chart *c;
    struct buf title = BUF_INIT, group = BUF_INIT;
    const struct view_exp **sorted;
    struct metric_info info;
    int lower;
    size_t i, bars = 0;
    int rc;

    view_metric_info(v, metric, &info);
    lower = info.lower;
    buf_printf(&title, "%s (%s)", metric,
               mode == FIGURE_BAR_LAST ? "last" : lower ? "best: min"
                                                        : "best: max");
    chart_options(&co, o, title.ptr, metric);
    co.x_title = group_by;
    c = chart_new_bar(&co);
    if (o->has_baseline)
        chart_add_hline(c, o->baseline, o->baseline_label);
    else if (info.has_chance && !(o->log_y && info.chance <= 0))
        chart_add_hline(c, info.chance, "chance");
    /* Bars by the group param's value, in numeric order (0.03, 0.1,
     * 0.3), not in the order the experiments were made. */
    sorted = xcalloc(nexps + 1, sizeof(*sorted));
    for (i = 0; i < nexps; i++)
        sorted[i] = exps[i];
    for (i = 1; group_by && i < nexps; i++) {
        const struct view_exp *x = sorted[i];
        size_t j = i;

        for (; j > 0 && model_param_cmp(view_exp_param(sorted[j - 1],
                                                       group_by),
                                        view_exp_param(x, group_by)) > 0;
             j--)
            sorted[j] = sorted[j - 1];
        sorted[j] = x;
    }
    exps = sorted;
    for (i = 0; i < nexps; i++) {
        const struct view_metric *m = view_exp_metric(exps[i], metric);
        const char *param = group_by ? view_exp_param(exps[i], group_by) : NULL;
        double value;

        if (group_by && view_exp_broken(exps[i])) {
            /* Counted above its bar, never averaged into it (even a run
             * that died before its first point). */
            buf_reset(&group);
            buf_printf(&group, "%s=%s", group_by, param ? param : "?");
            chart_add_bar_failed(c, group.ptr, NULL);
            bars += m && m->count;
            continue;
        }
        if (!m || m->count == 0)
            continue;
        if (mode == FIGURE_BAR_LAST)
            value = m->last;
        else
            value = lower ? m->min : m->max;
        buf_reset(&group);
        if (group_by)
            buf_printf(&group, "%s=%s", group_by, param ? param : "?");
        else
            buf_puts(&group, exps[i]->name);
        chart_add_bar_sample(c, group.ptr, NULL, value);
        bars++;
    }
    if (bars == 0)
        rc = ll_error(LL_ENOTFOUND, "no points of '%s' in these experiments",
                      metric);
    else
        rc = chart_render(c, o->format, out);
    chart_free(c);
    free(sorted);
    buf_release(&title);
    buf_release(&group);
    return rc;
}

int figure_weeks(struct buf *out, const struct model_week *weeks,
                 size_t nweeks, const struct figure_opts *o)
{
    struct chart_opts co;
    struct chart *c;
    char label[TIME_DATE_SIZE];
    size_t i;
    int rc;

    chart_options(&co, o, "experiments finished and takeaways per week",
                  "per week");
    co.x_title = "week to";
    c = chart_new_bar(&co);
    for (i = nweeks; i-- > 0;) {
        /* The week's last day, month-day: the end is exclusive. */
        time_format_date(label, weeks[i].end - 1);
        chart_add_bar(c, label + 5, "finished", (double)weeks[i].finished, 0,
                      1);
        chart_add_bar(c, label + 5, "takeaways", (double)weeks[i].takeaways,
                      0, 1);
    }
    rc = chart_render(c, o->format, out);
    chart_free(c);
    return rc;
}
