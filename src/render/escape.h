/* SPDX-License-Identifier: MIT */
/*
 * Escapers for values placed into rendered output, one per target format.
 *
 * Every escaper has the same shape, so a template engine can take one as its
 * {{x}} escaper:
 *
 *     escape_fn *esc = escape_slack;
 *     esc(&out, value, value_len);
 *
 * Each appends the escaped form of the len bytes at s to out (appends never
 * fail), reads s only, and accepts bytes it does not know (UTF-8, NUL)
 * unchanged unless stated. None of them validates UTF-8; see util/utf8.h.
 */
#ifndef LABLOG_RENDER_ESCAPE_H
#define LABLOG_RENDER_ESCAPE_H

#include <stddef.h>

#include "util/buf.h"

typedef void escape_fn(struct buf *out, const char *s, size_t len);

/* Plain text: copies the bytes unchanged. */
void escape_none(struct buf *out, const char *s, size_t len);

/* HTML text and attribute values (quoted with " or '):
 * & < > " ' become &amp; &lt; &gt; &quot; &#39;. */
void escape_html(struct buf *out, const char *s, size_t len);

/* Slack mrkdwn text: exactly & < > become &amp; &lt; &gt; and nothing else
 * (Slack decodes only these three). This is what stops "<!channel>",
 * "<@U123>" or "<http://x|y>" in user text from acting as a mention or a
 * link. Slack has no escape for * _ ~ `, so those pass unchanged and a pair
 * of them in a value may format the text around it; that changes looks, not
 * meaning, and cannot be avoided without altering the value. */
void escape_slack(struct buf *out, const char *s, size_t len);

/*
 * Markdown (CommonMark, plus GFM tables) inline text that must come out
 * literally: experiment names, parameter values, titles. The value is made
 * one line and backslash-escaped where a character could change the layout,
 * whatever the template puts before or after it:
 *
 *   - leading and trailing whitespace is dropped (rendered Markdown collapses
 *     it anyway, and leading spaces could start an indented code block);
 *     CR, LF and CRLF inside become one space each;
 *   - always escaped: \ ` * [ ] < > | ~ { }
 *   - _ is escaped unless it sits between two ASCII letters or digits of
 *     the value (CommonMark never opens or closes emphasis there), so
 *     "lr_sweep_3" stays readable;
 *   - block markers are escaped only where they could act, i.e. at the
 *     start of the value (which may start a line): "#" "=" before "#"/"="
 *     a space or the end ("# x", "===", not "#3"), "-" "+" before a space
 *     or the end ("- x", not "-0.5"), a leading "(" or ":" (after a
 *     template's "]" they would make a link or a link reference
 *     definition), and the "." or ")" of a leading number before a space
 *     or the end ("1. x" -> "1\. x", not "0.001"); "#" likewise after a
 *     space (an ATX closing sequence), "-" next to another "-" ("--lr"
 *     would become an en dash with smart punctuation), and "!" as the last
 *     character (the template might follow it with "[");
 *   - & is escaped when an entity could follow (before a letter, digit, #
 *     or at the end of the value), so "&amp;" stays five characters.
 *
 * Characters not listed ("." ":" "/" "=" "'" "\"" "(" mid-value, UTF-8) pass
 * unchanged. Not for URLs or for text inside code spans.
 */
void escape_md_inline(struct buf *out, const char *s, size_t len);

/* A GFM table cell: everything escape_md_inline does (it already escapes |
 * as \| and keeps the value on one line, which is what a cell needs). An
 * empty value yields an empty cell. */
void escape_md_cell(struct buf *out, const char *s, size_t len);

#endif
