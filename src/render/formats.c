/* SPDX-License-Identifier: MIT */
/*
 * The names of the daily's and the report's formats, parsed by the
 * commands in the program itself (the renderers live in the plugin, see
 * plugin/plugin.h), so a bad --format is refused without loading it.
 */
#include <string.h>

#include "render/daily.h"
#include "render/report.h"
#include "util/err.h"

static const char *const format_names[] = { "slack", "text", "markdown" };

int daily_format_parse(enum daily_format *out, const char *name)
{
    if (strcmp(name, "slack") == 0)
        *out = DAILY_SLACK;
    else if (strcmp(name, "text") == 0)
        *out = DAILY_TEXT;
    else if (strcmp(name, "markdown") == 0 || strcmp(name, "md") == 0)
        *out = DAILY_MD;
    else
        return ll_error(LL_EUSAGE, "unknown --format '%s' (slack, text or "
                        "markdown)", name);
    return 0;
}

const char *daily_format_name(enum daily_format f)
{
    return format_names[f];
}

int report_format_parse(enum report_format *out, const char *name)
{
    if (strcmp(name, "md") == 0 || strcmp(name, "markdown") == 0)
        *out = REPORT_MD;
    else if (strcmp(name, "html") == 0)
        *out = REPORT_HTML;
    else
        return ll_error(LL_EUSAGE, "unknown --format '%s' (md or html)",
                        name);
    return 0;
}

