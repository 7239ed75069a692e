/* SPDX-License-Identifier: MIT */
/*
 * Finding, loading and rendering the Mustache templates of the text
 * outputs (daily.slack.mustache, report.md.mustache, ...).
 *
 * A template NAME is looked for, first match wins, in:
 *
 *   1. the file given with --template (only that file: a missing one is an
 *      error, never a silent fallback);
 *   2. the user's folder: $XDG_CONFIG_HOME/lablog/templates/NAME, or
 *      ~/.config/lablog/templates/NAME when XDG_CONFIG_HOME is unset;
 *   3. $LABLOG_TEMPLATES/NAME: where the default templates are, when they
 *      are not installed (the test suite points it at the source tree);
 *   4. ../share/lablog/templates/NAME next to the running binary (a
 *      relocated install: /opt/lablog/bin/lablog finds /opt/lablog/share);
 *   5. LABLOG_TEMPLATE_DIR/NAME, the folder 'make install' fills
 *      ($(PREFIX)/share/lablog/templates);
 *   6. ../templates/NAME next to the running binary (a build tree:
 *      build/lablog finds the source tree's templates/).
 *
 * Partials ({{> NAME}}) are files NAME.mustache, looked for first in the
 * folder of the template that uses them, then along the same path (2-6).
 */
#ifndef LABLOG_RENDER_TEMPLATES_H
#define LABLOG_RENDER_TEMPLATES_H

#include <jansson.h>

#include "render/tmpl.h"
#include "util/buf.h"

/* Templates are small text files; a larger file is refused. */
#define TEMPLATES_MAX_SIZE (1 << 20)

/* A loaded template. */
struct template_file {
    char *path;      /* where it was read from, for messages */
    struct buf text; /* its contents */
};

#define TEMPLATE_FILE_INIT { NULL, BUF_INIT }

/*
 * Loads the template called name (e.g. "daily.slack.mustache") into out,
 * or the file `file` when it is not NULL. out must be TEMPLATE_FILE_INIT;
 * release it with templates_release() whatever the result.
 *
 * Returns 0; LL_ENOTFOUND "template 'NAME' not found (looked in ...)";
 * LL_EIO "cannot read template 'FILE': REASON"; LL_EINPUT when the file is
 * larger than TEMPLATES_MAX_SIZE or holds a NUL byte.
 */
int templates_load(struct template_file *out, const char *name,
                   const char *file);

void templates_release(struct template_file *t);

/*
 * Renders t against ctx (borrowed) with escape for {{x}} and appends the
 * result to out. Partials are found as described above. Returns 0, or
 * LL_EINPUT for a template error ("PATH:LINE: what is wrong"), or an error
 * from loading a partial. On failure out may hold part of the output.
 */
int templates_render(struct buf *out, const struct template_file *t,
                     json_t *ctx, tmpl_escape_fn *escape);

#endif
