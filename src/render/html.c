/* SPDX-License-Identifier: MIT */
/*
 * Safe Markdown and HTML from people's Markdown (see html.h). Both outputs
 * parse the text with cmark, rewrite the tree (raw HTML to text or code,
 * unsafe links to their text) and render it; the Markdown side skips the
 * rendering when the tree needed no change, so ordinary notes keep their
 * exact spelling.
 */
#include "render/html.h"

#include <cmark.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "util/xalloc.h"

/* Nodes the walk found that need a change, in document order. */
struct fixes {
    cmark_node **items;
    size_t len, cap;
};

int html_url_is_safe(const char *url)
{
    static const char *const safe[] = { "http", "https", "mailto" };
    char scheme[16];
    size_t n = 0, i;
    const unsigned char *p = (const unsigned char *)url;

    while (*p && *p <= ' ')
        p++;
    for (; *p; p++) {
        if (*p == '\t' || *p == '\n' || *p == '\r')
            continue;
        if (*p == ':')
            break;
        if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z')
              || (n > 0 && ((*p >= '0' && *p <= '9') || *p == '+'
                            || *p == '-' || *p == '.'))))
            return 1; /* "/x", "x/y:z", "?q", "#f": no scheme, relative */
        if (n + 1 >= sizeof(scheme))
            return 0; /* no scheme we allow is that long */
        scheme[n++] = (char)*p;
    }
    if (!*p)
        return 1; /* no ':' at all: relative */
    scheme[n] = '\0';
    for (i = 0; i < sizeof(safe) / sizeof(safe[0]); i++)
        if (strcasecmp(scheme, safe[i]) == 0)
            return 1;
    return 0;
}

static void fixes_push(struct fixes *f, cmark_node *node)
{
    XGROW(f->items, f->len + 1, f->cap);
    f->items[f->len++] = node;
}

static void find_fixes(cmark_node *doc, struct fixes *f)
{
    cmark_iter *it = cmark_iter_new(doc);
    cmark_event_type ev;

    while ((ev = cmark_iter_next(it)) != CMARK_EVENT_DONE) {
        cmark_node *node = cmark_iter_get_node(it);
        cmark_node_type type = cmark_node_get_type(node);

        if (ev != CMARK_EVENT_ENTER)
            continue;
        if (type == CMARK_NODE_HTML_INLINE || type == CMARK_NODE_HTML_BLOCK)
            fixes_push(f, node);
        else if ((type == CMARK_NODE_LINK || type == CMARK_NODE_IMAGE)
                 && !html_url_is_safe(cmark_node_get_url(node)))
            fixes_push(f, node);
    }
    cmark_iter_free(it);
}

/* Puts node's children where node is, then frees node. */
static void unwrap(cmark_node *node)
{
    cmark_node *child;

    while ((child = cmark_node_first_child(node)) != NULL)
        cmark_node_insert_before(node, child);
    cmark_node_free(node);
}

/* Replaces a raw HTML node by a node of type holding the same text. */
static void replace_literal(cmark_node *node, cmark_node_type type)
{
    cmark_node *repl = cmark_node_new(type);
    const char *literal = cmark_node_get_literal(node);

    cmark_node_set_literal(repl, literal ? literal : "");
    cmark_node_insert_before(node, repl);
    cmark_node_free(node);
}

static void apply_fixes(struct fixes *f)
{
    size_t i;

    for (i = 0; i < f->len; i++) {
        cmark_node *node = f->items[i];

        switch (cmark_node_get_type(node)) {
        case CMARK_NODE_HTML_INLINE:
            replace_literal(node, CMARK_NODE_TEXT);
            break;
        case CMARK_NODE_HTML_BLOCK:
            replace_literal(node, CMARK_NODE_CODE_BLOCK);
            break;
        default: /* an unsafe link or image */
            unwrap(node);
            break;
        }
    }
}

/* Parses md and makes the tree safe; *changed tells whether it had to.
 * Caller frees the tree with cmark_node_free(). */
static cmark_node *parse_safe(const char *md, size_t len, int options,
                              int *changed)
{
    cmark_node *doc = cmark_parse_document(md, len, options);
    struct fixes f = { NULL, 0, 0 };

    find_fixes(doc, &f);
    apply_fixes(&f);
    *changed = f.len > 0;
    free(f.items);
    return doc;
}

/* Appends s without its trailing newlines. */
static void put_trimmed(struct buf *out, const char *s, size_t len)
{
    while (len && (s[len - 1] == '\n' || s[len - 1] == '\r'))
        len--;
    buf_put(out, s, len);
}

void html_from_markdown(struct buf *out, const char *md, size_t len)
{
    int options = CMARK_OPT_VALIDATE_UTF8 | CMARK_OPT_SMART;
    int changed;
    cmark_node *doc = parse_safe(md, len, options, &changed);
    char *html = cmark_render_html(doc, options);
    cmark_node *first = cmark_node_first_child(doc);
    size_t n = strlen(html);

    while (n && html[n - 1] == '\n')
        n--;
    /* One paragraph: its inline content alone, to sit inside a line. */
    if (first && !cmark_node_next(first)
        && cmark_node_get_type(first) == CMARK_NODE_PARAGRAPH && n >= 7
        && memcmp(html, "<p>", 3) == 0 && memcmp(html + n - 4, "</p>", 4) == 0)
        buf_put(out, html + 3, n - 7);
    else
        buf_put(out, html, n);
    free(html);
    cmark_node_free(doc);
}

void html_safe_markdown(struct buf *out, const char *md, size_t len)
{
    int changed;
    cmark_node *doc = parse_safe(md, len, CMARK_OPT_VALIDATE_UTF8, &changed);
    char *text;

    if (!changed) {
        put_trimmed(out, md, len);
        cmark_node_free(doc);
        return;
    }
    text = cmark_render_commonmark(doc, CMARK_OPT_DEFAULT, 0);
    put_trimmed(out, text, strlen(text));
    free(text);
    cmark_node_free(doc);
}

void html_safe_markdown_item(struct buf *out, const char *md, size_t len)
{
    struct buf tmp = BUF_INIT;
    size_t i;

    html_safe_markdown(&tmp, md, len);
    for (i = 0; i < tmp.len; i++) {
        buf_putc(out, tmp.ptr[i]);
        if (tmp.ptr[i] == '\n' && i + 1 < tmp.len && tmp.ptr[i + 1] != '\n')
            buf_puts(out, "  ");
    }
    buf_release(&tmp);
}

void html_markdown_code(struct buf *out, const char *s, size_t len)
{
    size_t i, run = 0, longest = 0, n;
    int pad = len && (s[0] == '`' || s[len - 1] == '`');

    for (i = 0; i < len; i++) {
        run = s[i] == '`' ? run + 1 : 0;
        if (run > longest)
            longest = run;
    }
    for (n = 0; n <= longest; n++)
        buf_putc(out, '`');
    if (pad)
        buf_putc(out, ' ');
    for (i = 0; i < len; i++)
        buf_putc(out, s[i] == '\n' || s[i] == '\r' ? ' ' : s[i]);
    if (pad)
        buf_putc(out, ' ');
    for (n = 0; n <= longest; n++)
        buf_putc(out, '`');
}

void html_data_uri(struct buf *out, const char *mime, const void *data,
                   size_t len)
{
    static const char digits[] =
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    const unsigned char *p = data;
    size_t i;

    buf_printf(out, "data:%s;base64,", mime);
    buf_grow(out, (len + 2) / 3 * 4);
    for (i = 0; i + 2 < len; i += 3) {
        unsigned long v = (unsigned long)p[i] << 16
                          | (unsigned long)p[i + 1] << 8 | p[i + 2];

        buf_putc(out, digits[v >> 18 & 63]);
        buf_putc(out, digits[v >> 12 & 63]);
        buf_putc(out, digits[v >> 6 & 63]);
        buf_putc(out, digits[v & 63]);
    }
    if (len - i == 1) {
        unsigned long v = (unsigned long)p[i] << 16;

        buf_putc(out, digits[v >> 18 & 63]);
        buf_putc(out, digits[v >> 12 & 63]);
        buf_puts(out, "==");
    } else if (len - i == 2) {
        unsigned long v = (unsigned long)p[i] << 16
                          | (unsigned long)p[i + 1] << 8;

        buf_putc(out, digits[v >> 18 & 63]);
        buf_putc(out, digits[v >> 12 & 63]);
        buf_putc(out, digits[v >> 6 & 63]);
        buf_putc(out, '=');
    }
}
