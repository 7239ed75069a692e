/* SPDX-License-Identifier: MIT */
/*
 * The daily update, "Last / Next / Blockers", rendered from a period view
 * with a template (daily.slack.mustache, daily.text.mustache or
 * daily.md.mustache; see render/templates.h for where they are found and
 * templates/README.md for what they can use).
 *
 * Each format has its own escaping and its own form of the notes' Markdown:
 *   slack     {{x}} escapes & < > (escape_slack); note bodies are converted
 *             to Slack mrkdwn (mrkdwn.h);
 *   text      {{x}} is copied, control characters replaced by U+FFFD; note
 *             bodies are converted to plain text;
 *   markdown  {{x}} is escaped as Markdown inline text (escape_md_inline);
 *             note bodies stay Markdown, made safe by html_safe_markdown().
 * Note bodies continue on lines indented by two spaces in text and Markdown
 * output, so a multi-paragraph note stays inside its "- " list item.
 *
 * Slack length: a message is meant to be read, and Slack's blocks stop at
 * 3000 characters a section and about 13k a message (API-NOTES.md B4). So,
 * for the slack format only, each note is cut to DAILY_SLACK_MAX_ITEM bytes,
 * each of the three sections keeps the items that fit in
 * DAILY_SLACK_MAX_SECTION bytes (the rest are counted in "KEY_more", which
 * the template shows as "...and N more"), and a rendered message longer
 * than DAILY_SLACK_MAX_TOTAL bytes is cut at a line end and ends with a
 * note saying so. Cuts never split a UTF-8 character, an &amp; entity or a
 * <link|label>.
 */
#ifndef LABLOG_RENDER_DAILY_H
#define LABLOG_RENDER_DAILY_H

#include <jansson.h>
#include <stdint.h>

#include "util/buf.h"
#include "view/view.h"

#define DAILY_SLACK_MAX_ITEM 600
#define DAILY_SLACK_MAX_SECTION 3000
#define DAILY_SLACK_MAX_TOTAL 12000

enum daily_format {
    DAILY_SLACK,
    DAILY_TEXT,
    DAILY_MD
};

struct daily_opts {
    enum daily_format format;
    const char *template_file; /* --template FILE, or NULL for the default */
    int64_t now;               /* when the update is produced */
    const char *author;        /* who produces it */
};

/* Parses "slack", "text", "markdown" (or "md"). Returns 0, or LL_EUSAGE
 * with the message "unknown --format 'X' (slack, text or markdown)". */
int daily_format_parse(enum daily_format *out, const char *name);

/* "slack", "text", "markdown". */
const char *daily_format_name(enum daily_format f);

/*
 * The template context of the update: context_view() with note bodies in
 * the format's form, "format" set to the format's name and, for slack, the
 * length limits applied. v's metric summaries must be loaded
 * (VIEW_METRICS_TOUCHED). On success *out is the caller's (json_decref());
 * returns 0.
 */
int daily_context(json_t **out, const struct view *v,
                  const struct daily_opts *o);

/*
 * Renders the update for v's period and appends it to out (ending with one
 * newline). Returns 0, or the error of loading the template (LL_ENOTFOUND,
 * LL_EIO), of the template itself (LL_EINPUT, "PATH:LINE: ..."), or of the
 * store. On failure out may hold part of the output.
 */
int daily_render(struct buf *out, const struct view *v,
                 const struct daily_opts *o);

#endif
