/* SPDX-License-Identifier: MIT */
/*
 * The report's plots: one per group of its results table, with every run
 * of the group. Runs with curves (series of more than one point) share a
 * line chart of the group's headline metric (model/metric.h's ranks); a
 * group of single evaluations gets a bar chart by the param that tells
 * its settings apart, seeds as mean ± sd error bars and failed runs
 * counted above their bar. A declared chance level is drawn on both.
 */
#include "render/report.h"

#include <stdio.h>
#include <string.h>

#include "plot/figure.h"
#include "util/buf.h"
#include "util/err.h"

/* Figures sized for a page of text: 640x300 pt at 1.5x. */
static void png_opts(struct figure_opts *o)
{
    memset(o, 0, sizeof(*o));
    o->format = CHART_PNG;
    o->width = 640;
    o->height = 300;
    o->scale = 1.5;
}

/* The group's headline metric: the best-ranked result some member has a
 * curve of (more than one point), else the best-ranked result of all;
 * *series_out says which. */
static const char *headline(const struct view_exp *const *exps, size_t n,
                            int *series_out)
{
    const struct view_metric *best = NULL;
    size_t i, k;
    int pass;

    *series_out = 0;
    for (pass = 0; pass < 2 && !best; pass++)
        for (i = 0; i < n; i++)
            for (k = 0; k < exps[i]->nmetrics; k++) {
                const struct view_metric *m = &exps[i]->metrics[k];

                if (!metric_is_result(&m->info) || !m->count
                    || (pass == 0 && m->count < 2))
                    continue;
                if (!best || m->info.rank < best->info.rank
                    || (m->info.rank == best->info.rank
                        && strcmp(m->name, best->name) < 0))
                    best = m;
            }
    for (i = 0; best && i < n; i++) {
        const struct view_metric *m = view_exp_metric(exps[i], best->name);

        *series_out |= m && m->count > 1;
    }
    return best ? best->name : NULL;
}

/* The loss the group's runs have, when the headline metric is not one. */
static const char *group_loss(const struct view_exp *const *exps, size_t n,
                              const char *headline_metric)
{
    size_t i, k;

    for (i = 0; i < n; i++)
        for (k = 0; k < exps[i]->nmetrics; k++) {
            const struct view_metric *m = &exps[i]->metrics[k];

            if (m->info.role == METRIC_LOSS && m->count > 1)
                return strcmp(m->name, headline_metric) ? m->name : NULL;
        }
    return NULL;
}

/* One chart of metric over the group: curves, or bars by `by`. */
static int group_plot(struct report_images *out, const struct view *v,
                      const struct view_exp *const *exps, size_t n,
                      const char *metric, int series, const char *by,
                      const struct figure_opts *o)
{
    struct buf png = BUF_INIT, name = BUF_INIT, caption = BUF_INIT;
    int rc;

    if (series)
        rc = figure_line(&png, v, exps, n, &metric, 1, o);
    else
        rc = figure_bar(&png, v, exps, n, metric, by, FIGURE_BAR_LAST, o);
    if (rc == 0) {
        buf_printf(&name, "%s.png", metric);
        if (n > 1 && series && o->mean_by)
            buf_printf(&caption, "%s of all %zu runs, mean \xc2\xb1 sd of "
                       "each %s over its seeds", metric, n, o->mean_by);
        else if (n > 1)
            buf_printf(&caption, "%s of all %zu runs%s%s", metric, n,
                       by && !series ? " by " : "", by && !series ? by : "");
        else
            buf_puts(&caption, metric);
        report_images_add(out, name.ptr, caption.ptr, "image/png", png.ptr,
                          png.len);
    }
    buf_release(&png);
    buf_release(&name);
    buf_release(&caption);
    return rc == LL_ENOTFOUND ? 0 : rc;
}

int report_plots(void *ctx, const struct view *v,
                 const struct view_exp *const *exps, size_t n,
                 struct report_images *out)
{
    struct figure_opts o;
    const char *loss;
    int series = 0, rc;
    const char *metric = headline(exps, n, &series);
    const char *by = n > 1 ? figure_group_param(exps, n) : NULL;

    (void)ctx;
    if (!metric)
        return 0;
    png_opts(&o);
    o.colour_by = by; /* seeds of a setting share its colour */
    if (series && by && n > 1) {
        const struct model_run *runs[256];
        size_t i, nr = n < 256 ? n : 256;
        const char *seed;

        for (i = 0; i < nr; i++)
            runs[i] = &exps[i]->run;
        seed = model_seed_param(runs, nr);
        /* A sweep with seeds: one mean line per setting, the seeds'
         * spread as a band, instead of a tangle of curves. */
        if (seed && strcmp(seed, by) != 0 && !model_is_seed(runs[0], by)) {
            o.mean_by = by;
            o.colour_by = NULL;
        }
    }
    rc = group_plot(out, v, exps, n, metric, series, by, &o);
    /* Loss and accuracy can disagree: curves of a score get the loss
     * beside them. */
    loss = rc == 0 && series ? group_loss(exps, n, metric) : NULL;
    if (loss)
        rc = group_plot(out, v, exps, n, loss, 1, by, &o);
    return rc;
}
