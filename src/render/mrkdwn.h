/* SPDX-License-Identifier: MIT */
/*
 * Markdown (CommonMark) to Slack mrkdwn, and Markdown to plain text.
 *
 * Notes and takeaways are written in Markdown; a Slack message needs Slack's
 * own "mrkdwn", and a terminal or an e-mail wants plain text. Both
 * converters parse with cmark (CMARK_OPT_VALIDATE_UTF8, so invalid UTF-8
 * becomes U+FFFD) and walk the tree; neither ever passes user text through
 * as markup.
 *
 * Markdown                  mrkdwn                        plain text
 * ------------------------  ----------------------------  ----------------
 * **bold**, __bold__        *bold*                        bold
 * *em*, _em_                _em_                          em
 * `code`                    `code`                        code
 * fenced / indented code    ```\ncode\n```                code, indented 4
 * [t](u), u http(s) or      <u|t>, autolinks <u>          t (u); autolinks
 *   mailto:                                               as typed
 * [t](any other URL)        t                             t
 * ![alt](url)               like a link, label = alt      alt (url)
 * - item / 1. item          "• item" / "1. item"; nested  "- item" /
 *                           ◦ then ▪, indented 4 spaces   "1. item"
 * # heading                 *heading*                     heading
 * > quote                   "> " before each line         "> " likewise
 * ---                       ──────────                    ----------
 * raw HTML                  shown as text (&lt;b&gt;)     shown as text
 * soft line break           space                         space
 * hard line break           newline                       newline
 *
 * Top-level blocks are separated by a blank line, list items and blocks
 * inside lists or quotes by a single newline. There is no trailing newline.
 *
 * Escaping: all text in mrkdwn goes through escape_slack (& < > only), so
 * "<!channel>" or "<script>" arrive as text, and link URLs are
 * percent-encoded where Slack would misread them (| < > space, controls,
 * non-ASCII) with & as &amp;. Control characters other than tab and newline
 * (C0, DEL, C1) become U+FFFD in both outputs, so a note cannot send
 * terminal escape sequences.
 *
 * Literal * _ ~ `: Slack has no escape for them, so they are left as typed
 * (a literal "\*x\*" in Markdown may show as bold in Slack). Only backticks
 * that would end Slack code are changed: inside inline code every backtick,
 * and inside code blocks every run of three or more, becomes U+02CB (ˋ).
 */
#ifndef LABLOG_RENDER_MRKDWN_H
#define LABLOG_RENDER_MRKDWN_H

#include <stddef.h>

#include "util/buf.h"

/* Appends the Slack mrkdwn form of the len bytes of Markdown at md to out.
 * md need not be NUL-terminated or valid UTF-8. Returns 0 (it cannot fail
 * today; the int is there so limits can be added without changing
 * callers). */
int mrkdwn_from_markdown(struct buf *out, const char *md, size_t len);

/* Appends a readable plain-text form of the Markdown at md to out: no
 * markup characters, bullets as "- ", links as "text (url)". Same contract
 * as mrkdwn_from_markdown(). */
int plain_from_markdown(struct buf *out, const char *md, size_t len);

#endif
