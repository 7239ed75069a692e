/* SPDX-License-Identifier: MIT */
/*
 * The report's plots: for each experiment, a line chart of each of its most
 * telling metrics; for the first experiment of a tag group, a bar chart
 * comparing the group on its main metric, grouped by the param that tells
 * them apart (repeated seeds become error bars).
 */
#include "render/report.h"

#include <stdio.h>
#include <string.h>

#include "plot/figure.h"
#include "util/buf.h"
#include "util/err.h"

#define MAX_GROUP 64

/* Figures sized for a page of text: 640x300 pt at 1.5x. */
static void png_opts(struct figure_opts *o)
{
    memset(o, 0, sizeof(*o));
    o->format = CHART_PNG;
    o->width = 640;
    o->height = 300;
    o->scale = 1.5;
}

/* The touched experiments sharing x's first tag, when x is the first of
 * them; 0 otherwise. */
static size_t tag_group(const struct view *v, const struct view_exp *x,
                        const struct view_exp **group)
{
    size_t i, n = 0;

    if (x->ntags == 0)
        return 0;
    for (i = 0; i < v->nexps && n < MAX_GROUP; i++) {
        const struct view_exp *y = &v->exps[i];

        if (!y->touched || !view_exp_has_tag(y, x->tags[0]))
            continue;
        if (n == 0 && y != x)
            return 0; /* not the first of its group */
        group[n++] = y;
    }
    return n >= 2 ? n : 0;
}

static int group_chart(const struct view *v, const struct view_exp *x,
                       struct report_images *out)
{
    const struct view_exp *group[MAX_GROUP];
    const char *metric = NULL, *param;
    struct figure_opts o;
    struct buf png = BUF_INIT, name = BUF_INIT, caption = BUF_INIT;
    size_t n = tag_group(v, x, group);
    int rc = 0;

    if (!n || !figure_pick_metrics(x, &metric, 1))
        return 0;
    param = figure_group_param(group, n);
    png_opts(&o);
    rc = figure_bar(&png, v, group, n, metric, param, FIGURE_BAR_LAST, &o);
    if (rc == 0) {
        buf_printf(&name, "group-%s.png", metric);
        buf_printf(&caption, "%s across the '%s' experiments%s%s", metric,
                   x->tags[0], param ? " by " : "", param ? param : "");
        report_images_add(out, name.ptr, caption.ptr, "image/png", png.ptr,
                          png.len);
    }
    buf_release(&png);
    buf_release(&name);
    buf_release(&caption);
    return rc == LL_ENOTFOUND ? 0 : rc;
}

int report_plots(void *ctx, const struct view *v, const struct view_exp *x,
                 struct report_images *out)
{
    const char *metrics[2];
    struct figure_opts o;
    struct buf png = BUF_INIT, name = BUF_INIT;
    size_t n = figure_pick_metrics(x, metrics, 2), i;
    int rc = 0;

    (void)ctx;
    png_opts(&o);
    for (i = 0; rc == 0 && i < n; i++) {
        buf_reset(&png);
        buf_reset(&name);
        rc = figure_line(&png, v, &x, 1, &metrics[i], 1, &o);
        if (rc)
            break;
        buf_printf(&name, "%s.png", metrics[i]);
        report_images_add(out, name.ptr, metrics[i], "image/png", png.ptr,
                          png.len);
    }
    if (rc == 0)
        rc = group_chart(v, x, out);
    buf_release(&png);
    buf_release(&name);
    return rc;
}
