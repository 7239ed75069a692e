/* SPDX-License-Identifier: MIT */
/*
 * Markdown written by people (notes, next steps, hypotheses) made safe for
 * documents, with cmark: as an HTML fragment for the HTML report, and as
 * Markdown for the Markdown report and the daily update.
 *
 * What "safe" means, for both outputs:
 *  - raw HTML is never passed through: an inline tag ("<answer>",
 *    "<script>") becomes literal text, an HTML block becomes a code block,
 *    so what the researcher typed stays visible and nothing executes;
 *  - a link or image whose URL is not safe (see html_url_is_safe) is
 *    replaced by its text ("[x](javascript:alert(1))" becomes "x");
 *  - invalid UTF-8 becomes U+FFFD (CMARK_OPT_VALIDATE_UTF8).
 * The HTML side also relies on cmark's own safe mode (CMARK_OPT_UNSAFE is
 * never passed), so a case missed here would still be neutralised there.
 *
 * Nothing here fails except on out-of-memory, which aborts (cmark's
 * allocator and ours both do), so the functions return void.
 */
#ifndef LABLOG_RENDER_HTML_H
#define LABLOG_RENDER_HTML_H

#include <stddef.h>

#include "util/buf.h"

/* Appends the HTML fragment for the Markdown md[0..len) (need not be
 * NUL-terminated) to out: <p>, <ul>, <code>... with smart punctuation, no
 * trailing newline. Top-level GitHub-style tables (a header row, a
 * delimiter row "|---|:-:|", rows up to a blank line) become <table>s with
 * their alignment; each cell is made safe like the rest. Text that is a
 * single paragraph comes without its <p></p>, so it can sit inside a line
 * ("<li><b>x:</b> TEXT</li>"). */
void html_from_markdown(struct buf *out, const char *md, size_t len);

/* Appends md[0..len) as Markdown that is safe to place in a document,
 * even one read by a renderer that passes raw HTML: no raw HTML node
 * survives. When md is plain paragraphs with no raw HTML, no unsafe link
 * and no "<", "[" or "]" at all (which could pair with the text around
 * it into a tag, a link or a link reference definition), it is copied
 * unchanged (trailing newlines dropped); otherwise cmark re-renders it
 * after the changes above, which may also change its spelling (list
 * markers, escapes, code blocks always fenced) but not what it shows. */
void html_safe_markdown(struct buf *out, const char *md, size_t len);

/* html_safe_markdown(), then every line after the first indented by two
 * spaces (blank lines stay empty), so the text can follow a "- " list
 * marker, right after it or after some text on its line. A body that
 * starts with a block other than a paragraph starts on the next line; one
 * that ends with such a block ends with a blank line and the indent, so
 * template text after it on the same line ("*(since ...)*") becomes a
 * paragraph of the item instead of landing on, say, a closing fence and
 * keeping the fence open for the rest of the document. */
void html_safe_markdown_item(struct buf *out, const char *md, size_t len);

/* Appends s[0..len) as a Markdown code span: a backtick fence longer than
 * any run of backticks inside, padded with a space when s starts or ends
 * with one; line ends become spaces. */
void html_markdown_code(struct buf *out, const char *s, size_t len);

/* 1 when url may be used as an href or src: a relative reference (no
 * scheme), or an http, https or mailto URL; 0 otherwise (javascript:,
 * data:, file:, vbscript:, anything else). Leading blanks and control
 * characters, and tabs or newlines inside the scheme, are ignored the way
 * browsers ignore them. */
int html_url_is_safe(const char *url);

/* Appends "data:MIME;base64,..." for the len bytes at data. */
void html_data_uri(struct buf *out, const char *mime, const void *data,
                   size_t len);

#endif
