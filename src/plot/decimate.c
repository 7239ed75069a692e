/* SPDX-License-Identifier: MIT */
/*
 * Per-pixel-column min/max decimation (see decimate.h).
 *
 * Only one run is open at a time, so memory is the output (at most four
 * points per column plus gap points), never the input. A run is written
 * out when the column changes, when a gap arrives, or when the caller
 * asks for the points.
 */
#include "plot/decimate.h"

#include <assert.h>
#include <math.h>
#include <stdlib.h>

#include "util/xalloc.h"

void decimate_init(struct decimate *d, double xmin, double xmax,
                   size_t columns)
{
    assert(columns >= 1);
    d->xmin = xmin;
    d->columns = (long)columns;
    d->per_x = xmax > xmin ? (double)columns / (xmax - xmin) : 0.0;
    d->run.n = 0;
    d->gap_column = -1;
    d->items = NULL;
    d->len = 0;
    d->cap = 0;
    d->pushed = 0;
    d->dropped = 0;
}

static long column_of(const struct decimate *d, double x)
{
    double c = (x - d->xmin) * d->per_x;

    if (!(c >= 0)) /* also catches NaN from inf * 0 */
        return 0;
    if (c >= (double)d->columns)
        return d->columns - 1;
    return (long)c;
}

static void emit(struct decimate *d, struct decimate_point p)
{
    XGROW(d->items, d->len + 1, d->cap);
    d->items[d->len++] = p;
}

/* Writes the open run as first, min and max in arrival order, last;
 * each point once. */
static void flush_run(struct decimate *d)
{
    struct decimate_run *r = &d->run;
    size_t lo_at = r->min_at < r->max_at ? r->min_at : r->max_at;
    size_t hi_at = r->min_at < r->max_at ? r->max_at : r->min_at;
    struct decimate_point lo = r->min_at < r->max_at ? r->min : r->max;
    struct decimate_point hi = r->min_at < r->max_at ? r->max : r->min;

    if (r->n == 0)
        return;
    emit(d, r->first);
    if (lo_at != 0)
        emit(d, lo);
    if (hi_at != lo_at && hi_at != 0)
        emit(d, hi);
    if (r->n - 1 != hi_at && r->n - 1 != lo_at)
        emit(d, r->last);
    r->n = 0;
}

/* Non-zero when a and b are the same kind of non-finite value. */
static int same_gap(double a, double b)
{
    return (isnan(a) && isnan(b)) || (isinf(a) && a == b);
}

static void push_gap(struct decimate *d, double x, double y, long col)
{
    flush_run(d);
    if (d->len > 0 && d->gap_column == col &&
        same_gap(d->items[d->len - 1].y, y))
        return;
    emit(d, (struct decimate_point){ x, y });
    d->gap_column = col;
}

void decimate_push(struct decimate *d, double x, double y)
{
    struct decimate_run *r = &d->run;
    struct decimate_point p = { x, y };
    long col;

    d->pushed++;
    if (!isfinite(x)) {
        d->dropped++;
        return;
    }
    col = column_of(d, x);
    if (!isfinite(y)) {
        push_gap(d, x, y, col);
        return;
    }
    if (r->n > 0 && r->column != col)
        flush_run(d);
    if (r->n == 0) {
        r->column = col;
        r->first = r->min = r->max = p;
        r->min_at = r->max_at = 0;
    } else if (y < r->min.y) {
        r->min = p;
        r->min_at = r->n;
    } else if (y > r->max.y) {
        r->max = p;
        r->max_at = r->n;
    }
    r->last = p;
    r->n++;
    d->gap_column = -1;
}

const struct decimate_point *decimate_points(struct decimate *d,
                                             size_t *len_out)
{
    flush_run(d);
    *len_out = d->len;
    return d->items;
}

void decimate_release(struct decimate *d)
{
    free(d->items);
    d->items = NULL;
    d->len = 0;
    d->cap = 0;
    d->run.n = 0;
    d->gap_column = -1;
    d->pushed = 0;
    d->dropped = 0;
}
