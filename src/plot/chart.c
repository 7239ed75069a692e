/* SPDX-License-Identifier: MIT */
/*
 * Charts: the data side (see chart.h). This file keeps series, bars and
 * reference lines, and smooths and decimates points as they arrive.
 * chart_render.c turns a chart into bytes.
 */
#include "plot/chart.h"

#include <assert.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "plot/chart_impl.h"
#include "util/xalloc.h"

/* --- construction -------------------------------------------------------- */

static char *dup_or_null(const char *s)
{
    return s && *s ? xstrdup(s) : NULL;
}

static struct chart *chart_new(enum chart_kind kind,
                               const struct chart_opts *o)
{
    struct chart *c = xcalloc(1, sizeof(*c));

    c->kind = kind;
    c->o = *o;
    c->title = dup_or_null(o->title);
    c->x_title = dup_or_null(o->x_title);
    c->y_title = dup_or_null(o->y_title);
    c->o.title = c->title;
    c->o.x_title = c->x_title;
    c->o.y_title = c->y_title;
    if (c->o.width == 0)
        c->o.width = 720;
    if (c->o.height == 0)
        c->o.height = 405;
    if (c->o.scale == 0)
        c->o.scale = 2;
    if (c->o.font_size == 0)
        c->o.font_size = 10;
    if (kind == CHART_BAR) {
        c->o.smooth = 0;
        c->o.x_axis = CHART_X_NUMBER;
    }
    /* One decimator bin per output pixel column of the whole figure: the
     * plot area is narrower, so every pixel column gets at least one bin.
     * Bad sizes are reported by chart_render(); keep the count sane. */
    c->columns = 1;
    if (c->o.width > 0 && c->o.scale > 0 &&
        c->o.width * c->o.scale < CHART_MAX_PIXELS)
        c->columns = (size_t)ceil(c->o.width * c->o.scale);
    return c;
}

struct chart *chart_new_line(const struct chart_opts *o)
{
    return chart_new(CHART_LINE, o);
}

struct chart *chart_new_bar(const struct chart_opts *o)
{
    return chart_new(CHART_BAR, o);
}

static void series_free(struct chart_series *s)
{
    decimate_release(&s->raw);
    decimate_release(&s->smooth);
    free(s->pending);
    free(s->band);
    free(s->label);
    free(s);
}

static void free_strings(char **items, size_t len)
{
    size_t i;

    for (i = 0; i < len; i++)
        free(items[i]);
    free(items);
}

void chart_free(struct chart *c)
{
    size_t i;

    if (!c)
        return;
    for (i = 0; i < c->nseries; i++)
        series_free(c->series[i]);
    free(c->series);
    for (i = 0; i < c->nhlines; i++)
        free(c->hlines[i].label);
    free(c->hlines);
    free(c->bars);
    free_strings(c->groups, c->ngroups);
    free_strings(c->bar_series, c->nbar_series);
    free(c->title);
    free(c->x_title);
    free(c->y_title);
    free(c);
}

/* --- line series --------------------------------------------------------- */

static void series_start(struct chart *c, struct chart_series *s)
{
    decimate_init(&s->raw, c->xmin, c->xmax, c->columns);
    decimate_init(&s->smooth, c->xmin, c->xmax, c->columns);
}

/* Smooths (when asked) and decimates one point, in push order. */
static void series_feed(struct chart_series *s, double smooth, double x,
                        double y)
{
    decimate_push(&s->raw, x, y);
    if (smooth <= 0)
        return;
    if (isfinite(y)) {
        s->ema = s->ema * smooth + (1 - smooth) * y;
        s->ema_decay *= smooth;
        if (s->ema_decay < 1e-30)
            s->ema_decay = 0; /* stay clear of slow subnormals */
        y = s->ema / (1 - s->ema_decay);
    }
    decimate_push(&s->smooth, x, y);
}

void chart_set_xrange(struct chart *c, double xmin, double xmax)
{
    size_t i;
    size_t j;

    assert(c->kind == CHART_LINE && !c->have_xrange);
    assert(xmin <= xmax);
    if (c->o.log_x) {
        /* The chart keeps x as log10(x) from here on. */
        xmin = log10(xmin > 0 ? xmin : 1);
        xmax = log10(xmax > 0 ? xmax : 1);
        if (xmax < xmin)
            xmax = xmin;
    }
    c->have_xrange = 1;
    c->xmin = xmin;
    c->xmax = xmax;
    for (i = 0; i < c->nseries; i++) {
        struct chart_series *s = c->series[i];
        series_start(c, s);
        for (j = 0; j < s->pending_len; j++)
            series_feed(s, c->o.smooth, s->pending[j].x, s->pending[j].y);
        free(s->pending);
        s->pending = NULL;
        s->pending_len = 0;
        s->pending_cap = 0;
    }
}

void chart_set_yrange(struct chart *c, double lo, double hi)
{
    c->o.y_lo = lo;
    c->o.y_hi = hi;
}

struct chart_series *chart_add_series(struct chart *c, const char *label)
{
    struct chart_series *s = xcalloc(1, sizeof(*s));

    assert(c->kind == CHART_LINE);
    s->chart = c;
    s->label = dup_or_null(label);
    s->index = c->nseries;
    s->xmin = s->ymin = INFINITY;
    s->xmax = s->ymax = -INFINITY;
    s->ema_decay = 1;
    if (c->have_xrange)
        series_start(c, s);
    XGROW(c->series, c->nseries + 1, c->series_cap);
    c->series[c->nseries++] = s;
    return s;
}

void chart_series_style(struct chart_series *s, size_t colour, size_t dash)
{
    s->colour_set = 1;
    s->colour = colour;
    s->dash = dash;
}

void chart_series_push(struct chart_series *s, double x, double y)
{
    struct chart *c = s->chart;
    double x_in = x;

    if (!isfinite(x) || (c->o.log_x && !(x > 0)))
        return;
    if (c->o.log_x)
        x = log10(x);
    s->xmin = fmin(s->xmin, x);
    s->xmax = fmax(s->xmax, x);
    if (isfinite(y)) {
        s->n_finite++;
        if (y <= 0)
            s->n_nonpos++;
        s->ymin = fmin(s->ymin, y);
        s->ymax = fmax(s->ymax, y);
    } else {
        if (s->n_bad == 0) {
            s->bad_x = x_in; /* as the note prints it */
            s->bad_y = y;
        }
        s->n_bad++;
    }
    if (c->have_xrange) {
        series_feed(s, c->o.smooth, x, y);
        return;
    }
    XGROW(s->pending, s->pending_len + 1, s->pending_cap);
    s->pending[s->pending_len++] = (struct decimate_point){ x, y };
}

void chart_finish_points(struct chart *c)
{
    double lo = INFINITY;
    double hi = -INFINITY;
    size_t len;
    size_t i;

    if (c->kind != CHART_LINE)
        return;
    if (!c->have_xrange) {
        for (i = 0; i < c->nseries; i++) {
            lo = fmin(lo, c->series[i]->xmin);
            hi = fmax(hi, c->series[i]->xmax);
        }
        if (lo > hi)
            lo = hi = 0;
        if (c->o.log_x) { /* the series' x are log10 already */
            lo = pow(10, lo);
            hi = pow(10, hi);
        }
        chart_set_xrange(c, lo, hi);
    }
    for (i = 0; i < c->nseries; i++) {
        decimate_points(&c->series[i]->raw, &len);
        decimate_points(&c->series[i]->smooth, &len);
    }
}

void chart_series_band(struct chart_series *s, double x, double lo,
                       double hi)
{
    if (!isfinite(x) || !isfinite(lo) || !isfinite(hi)
        || (s->chart->o.log_x && !(x > 0)))
        return;
    if (s->chart->o.log_x)
        x = log10(x);
    if (s->band_len == s->band_cap) {
        s->band_cap = s->band_cap ? 2 * s->band_cap : 256;
        s->band = xrealloc(s->band, 3 * s->band_cap * sizeof(*s->band));
    }
    s->band[3 * s->band_len] = x;
    s->band[3 * s->band_len + 1] = fmin(lo, hi);
    s->band[3 * s->band_len + 2] = fmax(lo, hi);
    s->band_len++;
}

void chart_add_hline(struct chart *c, double y, const char *label)
{
    XGROW(c->hlines, c->nhlines + 1, c->hlines_cap);
    c->hlines[c->nhlines].y = y;
    c->hlines[c->nhlines].label = dup_or_null(label);
    c->nhlines++;
}

/* --- bars ---------------------------------------------------------------- */

/* Index of name in the list, appended when new. */
static size_t intern(char ***items, size_t *len, size_t *cap,
                     const char *name)
{
    size_t i;

    for (i = 0; i < *len; i++) {
        if (strcmp((*items)[i], name) == 0)
            return i;
    }
    XGROW(*items, *len + 1, *cap);
    (*items)[*len] = xstrdup(name);
    return (*len)++;
}

/* The bar for (group, series), created zeroed when new. */
static struct chart_bar *find_bar(struct chart *c, const char *group,
                                  const char *series)
{
    size_t g;
    size_t s;
    size_t i;

    assert(c->kind == CHART_BAR);
    g = intern(&c->groups, &c->ngroups, &c->groups_cap, group ? group : "");
    s = intern(&c->bar_series, &c->nbar_series, &c->bar_series_cap,
               series ? series : "");
    for (i = 0; i < c->nbars; i++) {
        if (c->bars[i].group == g && c->bars[i].series == s)
            return &c->bars[i];
    }
    XGROW(c->bars, c->nbars + 1, c->bars_cap);
    memset(&c->bars[c->nbars], 0, sizeof(c->bars[0]));
    c->bars[c->nbars].group = g;
    c->bars[c->nbars].series = s;
    return &c->bars[c->nbars++];
}

void chart_add_bar(struct chart *c, const char *group, const char *series,
                   double mean, double std, size_t n)
{
    struct chart_bar *b = find_bar(c, group, series);

    assert(!b->sampled);
    b->mean = mean;
    b->std = isfinite(std) && std > 0 ? std : 0;
    b->n = n;
}

void chart_add_bar_failed(struct chart *c, const char *group,
                          const char *series)
{
    struct chart_bar *b = find_bar(c, group, series);

    b->sampled = 1;
    b->n_failed++;
}

void chart_add_bar_sample(struct chart *c, const char *group,
                          const char *series, double value)
{
    struct chart_bar *b = find_bar(c, group, series);
    double delta;

    assert(b->sampled || (b->n == 0 && b->mean == 0));
    b->sampled = 1;
    if (!isfinite(value)) {
        b->n_bad++;
        return;
    }
    /* Welford's running mean and sum of squared deviations. */
    b->n++;
    delta = value - b->mean;
    b->mean += delta / (double)b->n;
    b->m2 += delta * (value - b->mean);
    b->std = b->n > 1 ? sqrt(b->m2 / (double)(b->n - 1)) : 0;
}
