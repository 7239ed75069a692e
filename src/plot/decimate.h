/* SPDX-License-Identifier: MIT */
/*
 * Streaming min/max decimation of a polyline, one pixel column at a time.
 *
 * A series of millions of points draws no better than one with a few
 * points per pixel column, and cairo's stroker is slow on long paths. The
 * decimator takes points one at a time (the caller streams them from
 * SQLite and never holds them all), splits the x range into `columns`
 * equal bins, and for each run of consecutive points in one bin keeps only
 * the first, the minimum, the maximum and the last, in their original
 * order. Drawn as a polyline this covers the same pixels as the full series
 * (the "M4" reduction), with at most 4 points per column.
 *
 * Non-finite y values (NaN, +inf, -inf) are gaps: they end the current
 * run and appear in the output as a point with that y, so the drawer breaks
 * the line there and can mark it. Consecutive gap points of one kind in one
 * column collapse into one.
 *
 * Points should arrive in increasing x (ORDER BY step). Out-of-order points
 * are still correct, only less reduced: each change of column starts a new
 * run. Points with x outside [xmin, xmax] go to the first or last column;
 * points with a non-finite x are dropped and counted.
 *
 * Life cycle: decimate_init(), decimate_push() per point,
 * decimate_points() to read the polyline, decimate_release().
 */
#ifndef LABLOG_PLOT_DECIMATE_H
#define LABLOG_PLOT_DECIMATE_H

#include <stddef.h>

struct decimate_point {
    double x; /* as pushed */
    double y; /* as pushed; non-finite marks a gap */
};

/* The state of one run of finite points in one column. */
struct decimate_run {
    size_t n;                    /* points in the run; 0 when none is open */
    long column;                 /* bin of the run */
    struct decimate_point first; /* first point of the run */
    struct decimate_point last;  /* last point of the run */
    struct decimate_point min;   /* lowest y (the earliest on ties) */
    struct decimate_point max;   /* highest y (the earliest on ties) */
    size_t min_at;               /* index in the run of min */
    size_t max_at;               /* index in the run of max */
};

/* Fields are read-only for callers; use the functions. */
struct decimate {
    double xmin;                  /* x at the left edge of column 0 */
    double per_x;                 /* columns per x unit (0: one column) */
    long columns;                 /* number of bins */
    struct decimate_run run;      /* the open run */
    long gap_column;              /* column of the last gap point, or -1 */
    struct decimate_point *items; /* the output polyline so far */
    size_t len;                   /* points in items */
    size_t cap;                   /* allocated items */
    size_t pushed;                /* points pushed, dropped ones included */
    size_t dropped;               /* points dropped for a non-finite x */
};

/*
 * Prepares d for points with x in [xmin, xmax] and `columns` bins (at least
 * 1; use the width of the plot in device pixels). xmin == xmax is allowed
 * (everything lands in one column). Allocates nothing until the first push.
 */
void decimate_init(struct decimate *d, double xmin, double xmax,
                   size_t columns);

/* Adds one point. Never fails (allocation aborts on out-of-memory). */
void decimate_push(struct decimate *d, double x, double y);

/*
 * Returns the reduced polyline and stores its length in *len_out. The
 * points are borrowed from d: valid until the next decimate_push() or
 * decimate_release(). Pushing more points after this call is allowed.
 */
const struct decimate_point *decimate_points(struct decimate *d,
                                             size_t *len_out);

/* Frees the output and returns d to the state after decimate_init() with
 * the same range. */
void decimate_release(struct decimate *d);

#endif
