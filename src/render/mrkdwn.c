/* SPDX-License-Identifier: MIT */
/*
 * Markdown to Slack mrkdwn and to plain text (see mrkdwn.h for the mapping).
 *
 * One walker serves both outputs. It uses cmark's iterator rather than
 * recursion, so a deeply nested note cannot exhaust the stack; containers
 * (quotes, lists, items) push a frame that remembers the line prefix to
 * restore and the next ordered-list number.
 *
 * Output goes through put(), which owns the line discipline: block breaks
 * are recorded as "newlines owed" and written only before the next content,
 * so no block leaves a trailing newline, and every new line starts with the
 * current prefix ("> " for quotes, spaces under a list item).
 */
#include "render/mrkdwn.h"

#include <cmark.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "render/escape.h"
#include "util/xalloc.h"

/* A prefix longer than this stops growing, so pathological nesting cannot
 * make the output quadratic in the input. */
#define PREFIX_MAX 64
#define INDENT "    " /* under a Slack list item; plain code blocks */
#define RULE_SLACK "\xe2\x94\x80\xe2\x94\x80\xe2\x94\x80\xe2\x94\x80\xe2\x94" \
                   "\x80\xe2\x94\x80\xe2\x94\x80\xe2\x94\x80\xe2\x94\x80\xe2" \
                   "\x94\x80"
#define RULE_PLAIN "----------"
#define GRAVE_LOOKALIKE "\xcb\x8b" /* U+02CB, stands in for a backtick */
#define REPLACEMENT "\xef\xbf\xbd" /* U+FFFD */

struct frame {
    size_t prefix_len; /* prefix length to restore on exit */
    long next_number;  /* next ordered-list number (LIST frames) */
};

struct writer {
    struct buf *out;
    int plain;              /* 1: plain text, 0: Slack mrkdwn */
    struct buf prefix;      /* written at the start of every line */
    struct frame *frames;   /* open containers, innermost last */
    size_t nframes, cap;
    size_t pending;         /* newlines owed before the next output */
    size_t blank_len;       /* prefix length when the break was asked */
    int at_line_start;      /* the last byte written ended a line */
    int wrote;              /* anything written yet */
    int fresh_item;         /* a list marker was just written */
    int list_depth;         /* open lists, for the bullet shape */
    int strong, emph;       /* open bold / italic spans */
    cmark_node *label_link; /* the link whose <url|label> is open */
};

/* Appends text: control characters other than tab become U+FFFD (CR is
 * dropped), everything else goes through the output's escaper. */
static void put_clean(struct writer *w, const char *s, size_t len)
{
    escape_fn *esc = w->plain ? escape_none : escape_slack;
    size_t start = 0, i;

    for (i = 0; i < len; i++) {
        unsigned char c = (unsigned char)s[i];
        size_t skip;

        if ((c < 0x20 && c != '\t') || c == 0x7f)
            skip = 1;
        else if (c == 0xc2 && i + 1 < len &&
                 ((unsigned char)s[i + 1] & 0xe0) == 0x80)
            skip = 2; /* C1 control U+0080..U+009F */
        else
            continue;
        esc(w->out, s + start, i - start);
        if (c != '\r')
            buf_puts(w->out, REPLACEMENT);
        i += skip - 1;
        start = i + 1;
    }
    esc(w->out, s + start, len - start);
}

/* The first n bytes of the prefix without trailing spaces: what a blank
 * line inside a container starts with (">" in a quote, nothing under a
 * list item). */
static void put_blank_prefix(struct writer *w, size_t n)
{
    if (n > w->prefix.len)
        n = w->prefix.len;
    while (n && w->prefix.ptr[n - 1] == ' ')
        n--;
    buf_put(w->out, w->prefix.ptr, n);
}

/* Writes the owed newlines. */
static void flush(struct writer *w)
{
    size_t i;

    if (w->at_line_start && w->pending)
        w->pending--;
    for (i = 0; i < w->pending; i++) {
        if (i > 0)
            put_blank_prefix(w, w->blank_len);
        buf_putc(w->out, '\n');
        w->at_line_start = 1;
    }
    w->pending = 0;
}

/* Writes content: markup when clean is 0, text when clean is 1. Newlines in
 * s end lines; the next line starts with the prefix. */
static void put(struct writer *w, const char *s, size_t len, int clean)
{
    size_t i = 0;

    if (!len)
        return;
    flush(w);
    w->wrote = 1;
    w->fresh_item = 0;
    while (i < len) {
        const char *nl = memchr(s + i, '\n', len - i);
        size_t n = nl ? (size_t)(nl - (s + i)) : len - i;

        if (w->at_line_start && n)
            buf_put(w->out, w->prefix.ptr, w->prefix.len);
        else if (w->at_line_start && nl)
            put_blank_prefix(w, w->prefix.len);
        if (n) {
            if (clean)
                put_clean(w, s + i, n);
            else
                buf_put(w->out, s + i, n);
            w->at_line_start = 0;
        }
        if (nl) {
            buf_putc(w->out, '\n');
            w->at_line_start = 1;
            n++;
        }
        i += n;
    }
}

static void put_markup(struct writer *w, const char *s)
{
    put(w, s, strlen(s), 0);
}

static void put_text(struct writer *w, const char *s)
{
    put(w, s, strlen(s), 1);
}

/* Asks for n line ends before the next block (1: next line, 2: a blank line
 * between). Nothing is owed at the very start or right after a list
 * marker. */
static void block_break(struct writer *w, size_t n)
{
    if (!w->wrote || w->fresh_item)
        return;
    if (w->pending < n) {
        w->pending = n;
        w->blank_len = w->prefix.len; /* the container asking for it */
    }
}

/* The usual break before a block: a blank line at top level, a single line
 * inside quotes and lists. */
static void block_start(struct writer *w)
{
    block_break(w, w->nframes ? 1 : 2);
}

static void push_frame(struct writer *w, const char *add, long number)
{
    XGROW(w->frames, w->nframes + 1, w->cap);
    w->frames[w->nframes].prefix_len = w->prefix.len;
    w->frames[w->nframes].next_number = number;
    w->nframes++;
    if (w->prefix.len < PREFIX_MAX)
        buf_puts(&w->prefix, add);
}

static void pop_frame(struct writer *w)
{
    if (!w->nframes)
        return;
    w->nframes--;
    buf_truncate(&w->prefix, w->frames[w->nframes].prefix_len);
}

static const char *bullet(const struct writer *w)
{
    if (w->plain)
        return "- ";
    if (w->list_depth <= 1)
        return "\xe2\x80\xa2 "; /* U+2022 bullet */
    if (w->list_depth == 2)
        return "\xe2\x97\xa6 "; /* U+25E6 white bullet */
    return "\xe2\x96\xaa ";     /* U+25AA small square */
}

static void enter_item(struct writer *w, cmark_node *item)
{
    cmark_node *list = cmark_node_parent(item);
    struct buf marker = BUF_INIT;
    struct frame *f = w->nframes ? &w->frames[w->nframes - 1] : NULL;
    size_t i;

    block_break(w, 1);
    if (list && cmark_node_get_list_type(list) == CMARK_ORDERED_LIST && f)
        buf_printf(&marker, "%ld. ", f->next_number++);
    else
        buf_puts(&marker, bullet(w));
    put(w, marker.ptr, marker.len, 0);
    /* Continuation lines line up under the text in monospace plain text;
     * Slack uses a proportional font, so a fixed indent is as good. */
    if (w->plain) {
        for (i = 0; i < marker.len; i++)
            marker.ptr[i] = ' ';
        push_frame(w, marker.ptr, 0);
    } else {
        push_frame(w, INDENT, 0);
    }
    w->fresh_item = 1;
    buf_release(&marker);
}

/* Appends code text with backticks replaced wherever a run is at least
 * min_run long (1 for inline code, 3 for code blocks). */
static void put_code(struct writer *w, const char *s, size_t len,
                     size_t min_run)
{
    struct buf tmp = BUF_INIT;
    size_t i = 0, run, k;

    while (i < len) {
        if (s[i] != '`') {
            buf_putc(&tmp, s[i++]);
            continue;
        }
        run = 0;
        while (i + run < len && s[i + run] == '`')
            run++;
        for (k = 0; k < run; k++) {
            if (run >= min_run)
                buf_puts(&tmp, GRAVE_LOOKALIKE);
            else
                buf_putc(&tmp, '`');
        }
        i += run;
    }
    put(w, tmp.ptr, tmp.len, 1);
    buf_release(&tmp);
}

static void code_block(struct writer *w, cmark_node *node)
{
    const char *lit = cmark_node_get_literal(node);
    size_t len = lit ? strlen(lit) : 0;

    block_start(w);
    if (len && lit[len - 1] == '\n')
        len--;
    if (w->plain) {
        push_frame(w, INDENT, 0);
        put(w, lit, len, 1);
        pop_frame(w);
        return;
    }
    put_markup(w, "```\n");
    put_code(w, lit, len, 3);
    put_markup(w, "\n```");
}

static int url_allowed(const char *url)
{
    return url && (strncasecmp(url, "http://", 7) == 0 ||
                   strncasecmp(url, "https://", 8) == 0 ||
                   strncasecmp(url, "mailto:", 7) == 0);
}

/* The text of a link whose only child is plain text, else NULL. */
static const char *sole_text(cmark_node *node)
{
    cmark_node *child = cmark_node_first_child(node);

    if (!child || cmark_node_next(child) ||
        cmark_node_get_type(child) != CMARK_NODE_TEXT)
        return NULL;
    return cmark_node_get_literal(child);
}

/* Whether the link shows its own URL as text (<http://x>, or <a@b.c> for
 * "mailto:a@b.c"), so repeating the URL would be noise. */
static int shows_url(cmark_node *node, const char *url)
{
    const char *text = sole_text(node);

    if (!text)
        return 0;
    if (strcmp(text, url) == 0)
        return 1;
    return strncasecmp(url, "mailto:", 7) == 0 && strcmp(text, url + 7) == 0;
}

/* Writes a URL for a Slack <url|label>: & as &amp; (Slack decodes it),
 * and percent-encoding for what would end or break the link. */
static void put_slack_url(struct writer *w, const char *url)
{
    struct buf tmp = BUF_INIT;
    const unsigned char *u;

    for (u = (const unsigned char *)url; *u; u++) {
        if (*u == '&')
            buf_puts(&tmp, "&amp;");
        else if (*u <= 0x20 || *u >= 0x7f || *u == '<' || *u == '>' ||
                 *u == '|')
            buf_printf(&tmp, "%%%02X", *u);
        else
            buf_putc(&tmp, *u);
    }
    put(w, tmp.ptr, tmp.len, 0);
    buf_release(&tmp);
}

/* Links and images. Returns 1 when the node is complete and its children
 * must be skipped. */
static int enter_link(struct writer *w, cmark_node *node)
{
    const char *url = cmark_node_get_url(node);
    const char *text = sole_text(node);

    if (w->label_link || !url_allowed(url))
        return 0;
    if (w->plain) {
        if (cmark_node_first_child(node))
            return 0;
        put_text(w, url);
        return 1;
    }
    put_markup(w, "<");
    put_slack_url(w, url);
    if (!cmark_node_first_child(node) || (text && strcmp(text, url) == 0)) {
        put_markup(w, ">");
        return 1;
    }
    put_markup(w, "|");
    w->label_link = node;
    return 0;
}

static void exit_link(struct writer *w, cmark_node *node)
{
    const char *url = cmark_node_get_url(node);

    if (w->label_link == node) {
        put_markup(w, ">");
        w->label_link = NULL;
        return;
    }
    if (!w->plain || !url_allowed(url) || shows_url(node, url))
        return;
    put_text(w, " (");
    put_text(w, url);
    put_text(w, ")");
}

/* Bold and italic markers, skipped when a span of the same kind is already
 * open (Slack does not nest them), inside a link label (Slack shows labels
 * unformatted) and in plain text. depth is the count before entering. */
static void span_marker(struct writer *w, int depth, const char *marker)
{
    if (!w->plain && !w->label_link && depth == 0)
        put_markup(w, marker);
}

static void inline_code(struct writer *w, cmark_node *node)
{
    const char *lit = cmark_node_get_literal(node);
    int marks = !w->plain && !w->label_link;

    if (!lit)
        return;
    if (w->plain) {
        put_text(w, lit);
        return;
    }
    if (marks)
        put_markup(w, "`");
    put_code(w, lit, strlen(lit), 1);
    if (marks)
        put_markup(w, "`");
}

static void html_block(struct writer *w, cmark_node *node)
{
    const char *lit = cmark_node_get_literal(node);
    size_t len = lit ? strlen(lit) : 0;

    block_start(w);
    while (len && lit[len - 1] == '\n')
        len--;
    put(w, lit, len, 1);
}

/* Handles one iterator event. Returns 1 when the node's children must be
 * skipped. */
static int visit(struct writer *w, cmark_node *node, cmark_event_type ev)
{
    int enter = ev == CMARK_EVENT_ENTER;
    const char *lit;

    switch (cmark_node_get_type(node)) {
    case CMARK_NODE_BLOCK_QUOTE:
        if (enter) {
            block_start(w);
            push_frame(w, "> ", 0);
        } else {
            pop_frame(w);
        }
        break;
    case CMARK_NODE_LIST:
        if (enter) {
            block_start(w);
            push_frame(w, "", cmark_node_get_list_start(node));
            w->list_depth++;
        } else {
            w->list_depth--;
            pop_frame(w);
        }
        break;
    case CMARK_NODE_ITEM:
        if (enter) {
            enter_item(w, node);
        } else {
            pop_frame(w);
            w->fresh_item = 0;
        }
        break;
    case CMARK_NODE_PARAGRAPH:
        if (enter)
            block_start(w);
        break;
    case CMARK_NODE_HEADING:
        if (enter) {
            block_start(w);
            span_marker(w, w->strong++, "*");
        } else {
            span_marker(w, --w->strong, "*");
        }
        break;
    case CMARK_NODE_THEMATIC_BREAK:
        block_start(w);
        put_markup(w, w->plain ? RULE_PLAIN : RULE_SLACK);
        break;
    case CMARK_NODE_CODE_BLOCK:
        code_block(w, node);
        break;
    case CMARK_NODE_HTML_BLOCK:
        html_block(w, node);
        break;
    case CMARK_NODE_TEXT:
    case CMARK_NODE_HTML_INLINE:
        lit = cmark_node_get_literal(node);
        if (lit)
            put_text(w, lit);
        break;
    case CMARK_NODE_SOFTBREAK:
        put_markup(w, " ");
        break;
    case CMARK_NODE_LINEBREAK:
        put_markup(w, w->label_link ? " " : "\n");
        break;
    case CMARK_NODE_CODE:
        inline_code(w, node);
        break;
    case CMARK_NODE_EMPH:
        if (enter)
            span_marker(w, w->emph++, "_");
        else
            span_marker(w, --w->emph, "_");
        break;
    case CMARK_NODE_STRONG:
        if (enter)
            span_marker(w, w->strong++, "*");
        else
            span_marker(w, --w->strong, "*");
        break;
    case CMARK_NODE_LINK:
    case CMARK_NODE_IMAGE:
        if (enter)
            return enter_link(w, node);
        exit_link(w, node);
        break;
    default:
        break; /* document, custom nodes: only their children count */
    }
    return 0;
}

static int convert(struct buf *out, const char *md, size_t len, int plain)
{
    struct writer w;
    cmark_node *doc;
    cmark_iter *it;
    cmark_event_type ev;

    memset(&w, 0, sizeof(w));
    w.out = out;
    w.plain = plain;
    w.at_line_start = 1;
    buf_init(&w.prefix);
    doc = cmark_parse_document(md, len, CMARK_OPT_VALIDATE_UTF8);
    it = cmark_iter_new(doc);
    while ((ev = cmark_iter_next(it)) != CMARK_EVENT_DONE) {
        cmark_node *node = cmark_iter_get_node(it);

        if (visit(&w, node, ev))
            cmark_iter_reset(it, node, CMARK_EVENT_EXIT);
    }
    cmark_iter_free(it);
    cmark_node_free(doc);
    buf_release(&w.prefix);
    free(w.frames);
    return 0;
}

int mrkdwn_from_markdown(struct buf *out, const char *md, size_t len)
{
    return convert(out, md, len, 0);
}

int plain_from_markdown(struct buf *out, const char *md, size_t len)
{
    return convert(out, md, len, 1);
}
