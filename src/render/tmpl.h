/* SPDX-License-Identifier: MIT */
/*
 * Mustache templates rendered against a jansson value.
 *
 * Implements the official Mustache spec (github.com/mustache/spec): escaped
 * {{x}}, unescaped {{{x}}} and {{&x}}, dotted names, the implicit iterator
 * {{.}}, sections {{#x}}...{{/x}} over lists, objects and other truthy
 * values, inverted sections {{^x}}, comments {{! }}, set-delimiter {{=<% %>=}},
 * partials {{>x}} (standalone ones indent every line of the partial), the
 * optional inheritance module (parents {{<x}}...{{/x}} with blocks
 * {{$x}}...{{/x}}) and the optional dynamic names {{>*x}} / {{<*x}}. Lambdas
 * are not supported. tests/spec/spec_mustache.c runs the spec files.
 *
 * Values: false, null, a missing name and an empty array are falsy; every
 * other value is truthy, including 0 and "". Interpolation prints strings as
 * they are, integers in decimal, reals in the shortest form that reads back
 * to the same double (1.21 prints "1.21", 5.0 prints "5"), true and false as
 * words, null as nothing, and arrays and objects as compact JSON.
 *
 * Name lookup: "." is the top of the context stack; otherwise the first part
 * of a dotted name is looked up in each object of the stack from the top
 * down, and the remaining parts only inside the value found.
 *
 * Templates may come from users: every syntax error returns LL_EINPUT with a
 * message "NAME:LINE: what is wrong", and nesting of sections, partials,
 * parents and blocks is limited to TMPL_MAX_DEPTH levels (an error, not a
 * stack overflow).
 */
#ifndef LABLOG_RENDER_TMPL_H
#define LABLOG_RENDER_TMPL_H

#include <jansson.h>
#include <stddef.h>

#include "util/buf.h"

/* Deepest nesting of sections, partials, parents and blocks accepted. */
#define TMPL_MAX_DEPTH 100

/* Appends s[0..len) to out, escaped for the output format. */
typedef void tmpl_escape_fn(struct buf *out, const char *s, size_t len);

/* Looks up the partial (or parent) called name. Returns 0 and sets *text_out
 * and *len_out to its text, which must stay valid until tmpl_render()
 * returns; LL_ENOTFOUND when there is no such partial (it renders as
 * nothing, as the spec says); any other LL_E* code (with its message set by
 * ll_error()) aborts the render and is returned unchanged. */
typedef int tmpl_partial_fn(void *ctx, const char *name,
                            const char **text_out, size_t *len_out);

struct tmpl_opts {
    tmpl_escape_fn *escape;   /* for {{x}}; NULL = tmpl_escape_html */
    tmpl_partial_fn *partial; /* NULL = no partials (all render empty) */
    void *partial_ctx;        /* passed to partial unchanged */
    const char *name;         /* for messages; NULL = "template" */
};

/*
 * Renders the template tmpl[0..len) against ctx (borrowed; may be NULL, which
 * behaves as an empty object) and appends the result to out. opts may be
 * NULL for all defaults. The template is parsed once; each partial is parsed
 * on first use and kept for the rest of the call.
 *
 * Returns 0, or LL_EINPUT for a bad template (unclosed tag or section,
 * mismatched closing tag, bad set-delimiter tag, empty tag name, nesting
 * deeper than TMPL_MAX_DEPTH), or the code returned by opts->partial. On
 * failure out may hold part of the output; callers discard it.
 */
int tmpl_render(struct buf *out, const char *tmpl, size_t len, json_t *ctx,
                const struct tmpl_opts *opts);

/* The spec's HTML escaping: & " < > become &amp; &quot; &lt; &gt;. */
void tmpl_escape_html(struct buf *out, const char *s, size_t len);

#endif
