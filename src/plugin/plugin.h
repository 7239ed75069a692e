/* SPDX-License-Identifier: MIT */
/*
 * The render plugin's entry points: everything in lablog-render.so (the
 * renderers in render/, slides/ and plot/, with cairo, libharu and cmark)
 * that the program calls, in one versioned table. The plugin exports the
 * table as the symbol RENDER_PLUGIN_SYMBOL; the program (cli/render.c)
 * loads it for the rendering commands only and checks abi, size and
 * version before calling anything, so a plugin from another build is
 * refused in one line instead of crashing.
 *
 * Adding an entry point: add a member at the end, bump
 * RENDER_PLUGIN_ABI, fill it in plugin/plugin.c. Every renderer is a pure
 * function of a view (view/view.h) and its options: none sees the store.
 */
#ifndef LABLOG_PLUGIN_PLUGIN_H
#define LABLOG_PLUGIN_PLUGIN_H

#include <jansson.h>
#include <stddef.h>

#include "plot/figure.h"
#include "render/daily.h"
#include "render/post.h"
#include "render/report.h"
#include "slides/deck.h"
#include "view/view.h"

#define RENDER_PLUGIN_ABI 2
#define RENDER_PLUGIN_SYMBOL "lablog_render_plugin"

struct render_plugin {
    unsigned abi;         /* RENDER_PLUGIN_ABI the plugin was built with */
    size_t size;          /* sizeof(struct render_plugin) there */
    const char *version;  /* LABLOG_VERSION there */

    /* The daily update (render/daily.h) and posting it (render/post.h). */
    int (*daily_context)(json_t **out, const struct view *v,
                         const struct daily_opts *o);
    int (*daily_render)(struct buf *out, const struct view *v,
                        const struct daily_opts *o);
    int (*post_slack)(const char *webhook_url, const char *text,
                      struct post_result *res);
    void (*post_result_release)(struct post_result *res);

    /* The report (render/report.h). */
    int (*report_context)(json_t **out, struct report *r,
                          const struct view *v, const struct report_opts *o);
    int (*report_render)(struct report *r, const struct view *v,
                         const struct report_opts *o);
    void (*report_release)(struct report *r);
    report_plots_fn *report_plots;

    /* The meeting deck (slides/deck.h). */
    int (*deck_build)(struct buf *out, int *pages_out, const struct view *v,
                      const struct deck_opts *o);

    /* Charts (plot/figure.h). */
    int (*figure_line)(struct buf *out, const struct view *v,
                       const struct view_exp *const *exps, size_t nexps,
                       const char *const *metrics, size_t nmetrics,
                       const struct figure_opts *o);
    int (*figure_bar)(struct buf *out, const struct view *v,
                      const struct view_exp *const *exps, size_t nexps,
                      const char *metric, const char *group_by,
                      enum figure_bar_mode mode,
                      const struct figure_opts *o);

    /* Releases the plugin's process-wide caches (fonts, libcurl); call
     * once before exit. */
    void (*cleanup)(void);
};

#endif
