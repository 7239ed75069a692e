/* SPDX-License-Identifier: MIT */
/*
 * The table of entry points lablog-render.so exports (see plugin.h). This
 * is the only symbol the program looks up in the plugin.
 */
#include "plugin/plugin.h"

#include "plot/chart.h"
#include "util/version.h"

/* Exported for dlsym(); not used inside the plugin. */
extern const struct render_plugin lablog_render_plugin;

static void cleanup(void)
{
    plot_cleanup();
    post_cleanup();
}

const struct render_plugin lablog_render_plugin = {
    RENDER_PLUGIN_ABI,
    sizeof(struct render_plugin),
    LABLOG_VERSION,
    daily_context,
    daily_render,
    post_slack,
    post_result_release,
    report_context,
    report_render,
    report_release,
    report_plots,
    deck_build,
    figure_line,
    figure_bar,
    cleanup,
};
