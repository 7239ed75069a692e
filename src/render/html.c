/* SPDX-License-Identifier: MIT */
/*
 * Safe Markdown and HTML from people's Markdown (see html.h). Both outputs
 * parse the text with cmark, rewrite the tree (raw HTML to text or code,
 * unsafe links to their text) and render it; the Markdown side skips the
 * rendering when the tree needed no change, so ordinary notes keep their
 * exact spelling. The HTML side renders GitHub-style tables itself, since
 * cmark 0.30 has no table extension.
 */
#include "render/html.h"

#include <cmark.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "util/base64.h"
#include "util/buf.h"
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

/* ---- GFM tables ---------------------------------------------------------
 *
 * cmark 0.30 has no table extension, so a table in a note would come out as
 * a paragraph of pipes. Before cmark sees the text, top-level table blocks
 * (a header row, a delimiter row such as "|---|:--:|", then rows up to a
 * blank line) are cut out and rendered here; each cell's text goes through
 * the same safe pipeline as a note. Lines inside fenced code blocks and
 * lines indented four spaces or more are never table lines.
 */

#define MAX_COLS 64

struct line {
    const char *p; /* start of the line */
    size_t len;    /* without its line end */
    size_t next;   /* offset of the next line */
};

static void line_at(struct line *l, const char *s, size_t len, size_t at)
{
    const char *nl = memchr(s + at, '\n', len - at);
    size_t end = nl ? (size_t)(nl - s) : len;

    l->p = s + at;
    l->len = end - at;
    if (l->len && l->p[l->len - 1] == '\r')
        l->len--;
    l->next = nl ? end + 1 : len;
}

static int is_blank_line(const struct line *l)
{
    size_t i;

    for (i = 0; i < l->len; i++)
        if (l->p[i] != ' ' && l->p[i] != '\t')
            return 0;
    return 1;
}

static size_t leading_spaces(const struct line *l)
{
    size_t i = 0;

    while (i < l->len && l->p[i] == ' ')
        i++;
    return i;
}

/* A fence line opens or closes a fenced code block: updates *fence (the
 * opening run, 0 outside a fence). Returns 1 when l is a fence line. */
static int track_fence(const struct line *l, size_t *fence, char *fence_char)
{
    size_t i = leading_spaces(l), run = 0;
    char c;

    if (i > 3 || i >= l->len)
        return 0;
    c = l->p[i];
    if (c != '`' && c != '~')
        return 0;
    while (i + run < l->len && l->p[i + run] == c)
        run++;
    if (run < 3)
        return 0;
    if (!*fence) {
        if (c == '`' && memchr(l->p + i + run, '`', l->len - i - run))
            return 0; /* a backtick fence's info string has none */
        *fence = run;
        *fence_char = c;
    } else if (c == *fence_char && run >= *fence) {
        *fence = 0;
    }
    return 1;
}

/* Splits a row into cells at unescaped pipes, without the outer pipes.
 * Returns the number of cells (at most MAX_COLS). */
static size_t split_row(const struct line *l, const char **cells,
                        size_t *lens)
{
    const char *p = l->p, *end = l->p + l->len;
    size_t n = 0;

    while (p < end && (*p == ' ' || *p == '\t'))
        p++;
    while (end > p && (end[-1] == ' ' || end[-1] == '\t'))
        end--;
    if (p < end && *p == '|')
        p++;
    if (end > p && end[-1] == '|' && (end - 1 == p || end[-2] != '\\'))
        end--;
    while (p <= end && n < MAX_COLS) {
        const char *q = p;

        while (q < end && !(*q == '|' && (q == p || q[-1] != '\\')))
            q++;
        cells[n] = p;
        lens[n] = (size_t)(q - p);
        n++;
        p = q + 1;
    }
    return n;
}

/* Parses a delimiter row ("| --- | :-: |"); fills align ('l', 'c', 'r' or
 * 0) and returns the column count, or 0 when l is not one. */
static size_t delimiter_row(const struct line *l, char *align)
{
    const char *cells[MAX_COLS];
    size_t lens[MAX_COLS], n, i;

    if (!memchr(l->p, '-', l->len) || leading_spaces(l) > 3)
        return 0;
    n = split_row(l, cells, lens);
    for (i = 0; i < n; i++) {
        const char *c = cells[i], *e = cells[i] + lens[i];
        int left, right;

        while (c < e && (*c == ' ' || *c == '\t'))
            c++;
        while (e > c && (e[-1] == ' ' || e[-1] == '\t'))
            e--;
        left = c < e && *c == ':';
        right = e > c && e[-1] == ':';
        c += left;
        e -= right && e > c;
        if (c >= e)
            return 0;
        for (; c < e; c++)
            if (*c != '-')
                return 0;
        align[i] = left && right ? 'c' : right ? 'r' : left ? 'l' : 0;
    }
    return n;
}

static void trim_cell(const char **c, size_t *len)
{
    while (*len && (**c == ' ' || **c == '\t')) {
        (*c)++;
        (*len)--;
    }
    while (*len && ((*c)[*len - 1] == ' ' || (*c)[*len - 1] == '\t'))
        (*len)--;
}

static void render_fragment(struct buf *out, const char *md, size_t len,
                            int inline_ok);

static void table_row(struct buf *out, const struct line *l, size_t ncols,
                      const char *align, const char *tag)
{
    const char *cells[MAX_COLS];
    size_t lens[MAX_COLS], n = split_row(l, cells, lens), i, k;

    buf_puts(out, "<tr>");
    for (i = 0; i < ncols; i++) {
        struct buf cell = BUF_INIT;

        buf_printf(out, "<%s", tag);
        if (align[i])
            buf_printf(out, " style=\"text-align: %s\"", align[i] == 'c'
                       ? "center" : align[i] == 'r' ? "right" : "left");
        buf_putc(out, '>');
        if (i < n) {
            trim_cell(&cells[i], &lens[i]);
            for (k = 0; k < lens[i]; k++) /* \| stands for | in a cell */
                if (!(cells[i][k] == '\\' && k + 1 < lens[i]
                      && cells[i][k + 1] == '|'))
                    buf_putc(&cell, cells[i][k]);
            render_fragment(out, cell.ptr, cell.len, 1);
        }
        buf_printf(out, "</%s>", tag);
        buf_release(&cell);
    }
    buf_puts(out, "</tr>\n");
}

/* Renders the table whose header is at `at` and delimiter row at delim;
 * returns the offset after it. */
static size_t render_table(struct buf *out, const char *md, size_t len,
                           size_t at, const struct line *delim,
                           size_t ncols, const char *align)
{
    struct line l;
    size_t pos = delim->next;

    line_at(&l, md, len, at);
    buf_puts(out, "<table>\n<thead>\n");
    table_row(out, &l, ncols, align, "th");
    buf_puts(out, "</thead>\n<tbody>\n");
    while (pos < len) {
        line_at(&l, md, len, pos);
        if (is_blank_line(&l))
            break;
        table_row(out, &l, ncols, align, "td");
        pos = l.next;
    }
    buf_puts(out, "</tbody>\n</table>\n");
    return pos;
}

/* Renders md with cmark, made safe. With inline_ok, a single paragraph
 * comes without its <p></p>. */
static void render_cmark(struct buf *out, const char *md, size_t len,
                         int inline_ok)
{
    int options = CMARK_OPT_VALIDATE_UTF8 | CMARK_OPT_SMART;
    int changed;
    cmark_node *doc = parse_safe(md, len, options, &changed);
    char *html = cmark_render_html(doc, options);
    cmark_node *first = cmark_node_first_child(doc);
    size_t n = strlen(html);

    if (inline_ok && first && !cmark_node_next(first)
        && cmark_node_get_type(first) == CMARK_NODE_PARAGRAPH && n >= 8
        && memcmp(html, "<p>", 3) == 0 && memcmp(html + n - 5, "</p>\n", 5)
                                          == 0)
        buf_put(out, html + 3, n - 8);
    else
        buf_put(out, html, n);
    free(html);
    cmark_node_free(doc);
}

/* Renders md, its top-level tables by hand and the rest with cmark. */
static void render_fragment(struct buf *out, const char *md, size_t len,
                            int inline_ok)
{
    size_t pos = 0, start = 0, fence = 0, prev = 0, ncols;
    char fence_char = 0, align[MAX_COLS];
    int have_prev = 0, tables = 0;
    struct line l, d;

    while (pos < len) {
        line_at(&l, md, len, pos);
        if (track_fence(&l, &fence, &fence_char) || fence
            || is_blank_line(&l) || leading_spaces(&l) > 3) {
            have_prev = !fence && !is_blank_line(&l)
                        && leading_spaces(&l) <= 3;
            prev = pos;
            pos = l.next;
            continue;
        }
        if (have_prev && memchr(md + prev, '|', pos - prev)) {
            const char *hcells[MAX_COLS];
            size_t hlens[MAX_COLS];
            struct line h;

            line_at(&h, md, len, prev);
            ncols = delimiter_row(&l, align);
            d = l;
            if (ncols && split_row(&h, hcells, hlens) == ncols) {
                if (prev > start)
                    render_cmark(out, md + start, prev - start, 0);
                pos = render_table(out, md, len, prev, &d, ncols, align);
                start = pos;
                tables = 1;
                have_prev = 0;
                continue;
            }
        }
        have_prev = 1;
        prev = pos;
        pos = l.next;
    }
    if (!tables) {
        render_cmark(out, md, len, inline_ok);
        return;
    }
    if (start < len)
        render_cmark(out, md + start, len - start, 0);
}

void html_from_markdown(struct buf *out, const char *md, size_t len)
{
    size_t from = out->len;

    render_fragment(out, md, len, 1);
    while (out->len > from && out->ptr[out->len - 1] == '\n')
        buf_truncate(out, out->len - 1);
}

/* ---- Markdown out ------------------------------------------------------ */

/* How the safe Markdown of a body begins and ends, which decides how it is
 * joined to the template text around it (see html_safe_markdown_item). */
struct md_shape {
    int block_first; /* it starts with something other than a paragraph */
    int block_last;  /* it ends with something other than a paragraph */
};

/* Whether md[0..len) holds a table delimiter row right under a line with
 * a pipe, i.e. whether its paragraphs may be GFM tables. */
static int has_table(const char *md, size_t len)
{
    struct line l;
    size_t pos = 0, prev = 0;
    int have_prev = 0;
    char align[MAX_COLS];

    while (pos < len) {
        line_at(&l, md, len, pos);
        if (have_prev && memchr(md + prev, '|', pos - prev)
            && delimiter_row(&l, align) > 0)
            return 1;
        have_prev = !is_blank_line(&l);
        prev = pos;
        pos = l.next;
    }
    return 0;
}

/* cmark's Markdown writer puts the raw HTML comment "<!-- end list -->"
 * after a list followed by a list or a code block, to keep them apart; in
 * a document for renderers that pass raw HTML none may be left. An empty
 * paragraph between them stops it: two lists in a row then read as one,
 * a look, not a meaning, that changes. */
static void separate_lists(cmark_node *doc)
{
    cmark_iter *it = cmark_iter_new(doc);
    cmark_event_type ev;

    while ((ev = cmark_iter_next(it)) != CMARK_EVENT_DONE) {
        cmark_node *node = cmark_iter_get_node(it);
        cmark_node *next = cmark_node_next(node);

        if (ev == CMARK_EVENT_EXIT && next
            && cmark_node_get_type(node) == CMARK_NODE_LIST
            && (cmark_node_get_type(next) == CMARK_NODE_LIST
                || cmark_node_get_type(next) == CMARK_NODE_CODE_BLOCK))
            cmark_node_insert_after(node,
                                    cmark_node_new(CMARK_NODE_PARAGRAPH));
    }
    cmark_iter_free(it);
}

/* The safe Markdown of md and its shape. The text is copied as written
 * only when it is plain paragraphs and nothing in it could act in the
 * document it lands in: a "<" could complete a tag with text after it; a
 * "[" or "]" could make a link, an image or a link reference definition
 * ("[r]: url") together with the template text or the next value (a body
 * "[x" and a closing note "](javascript:...)"); cmark's rendering writes
 * none of these unescaped. Bodies starting or ending with another block
 * are rendered by cmark too, which writes code blocks fenced and headings
 * ATX, the forms that survive being joined to a line. */
static void safe_markdown(struct buf *out, const char *md, size_t len,
                          struct md_shape *shape)
{
    int changed, table;
    cmark_node *doc = parse_safe(md, len, CMARK_OPT_VALIDATE_UTF8, &changed);
    cmark_node *first = cmark_node_first_child(doc);
    cmark_node *last = cmark_node_last_child(doc);
    char *text;

    memset(shape, 0, sizeof(*shape));
    table = has_table(md, len);
    if (first && cmark_node_get_type(first) != CMARK_NODE_PARAGRAPH) {
        shape->block_first = 1;
    } else if (first && table) {
        /* A paragraph whose first line is a table header is a table. */
        const char *nl = memchr(md, '\n', len);
        struct line l;
        char align[MAX_COLS];

        if (nl && memchr(md, '|', (size_t)(nl - md))) {
            line_at(&l, md, len, (size_t)(nl - md) + 1);
            shape->block_first = delimiter_row(&l, align) > 0;
        }
    }
    /* A table ends its paragraph: text joined to its last row would be
     * one more cell. */
    shape->block_last = last && (cmark_node_get_type(last)
                                 != CMARK_NODE_PARAGRAPH || table);
    if (!changed && !shape->block_first && !shape->block_last
        && !memchr(md, '<', len) && !memchr(md, '[', len)
        && !memchr(md, ']', len)) {
        put_trimmed(out, md, len);
        cmark_node_free(doc);
        return;
    }
    separate_lists(doc);
    text = cmark_render_commonmark(doc, CMARK_OPT_DEFAULT, 0);
    if (cmark_node_get_type(first) == CMARK_NODE_THEMATIC_BREAK
        && strncmp(text, "-----", 5) == 0) {
        /* cmark's "-----" right under a line would underline it into a
         * heading; "***" is the rule that can follow a line. */
        buf_puts(out, "***");
        put_trimmed(out, text + 5, strlen(text + 5));
    } else {
        put_trimmed(out, text, strlen(text));
    }
    free(text);
    cmark_node_free(doc);
}

void html_safe_markdown(struct buf *out, const char *md, size_t len)
{
    struct md_shape shape;

    safe_markdown(out, md, len, &shape);
}

/*
 * The body is placed after a list marker, either right after it ("- BODY")
 * or after some text ("- *09:00*: BODY"), and template text may follow it
 * on the same line ("BODY *(since ...)*"). A first block other than a
 * paragraph goes on the next line, indented: after "- " that is a list
 * item starting with a blank line, which CommonMark allows once (a blank
 * line there would end the item and leave the block outside the list);
 * after text it interrupts the paragraph, which code fences, headings,
 * quotes, bullet lists and rules do (an ordered list not starting at 1
 * or a table reads as more of the line there: a look, not a structure,
 * changes). A last block other than a paragraph is closed by a blank
 * line, so text after the body is a paragraph of its own and cannot, say,
 * sit on a closing fence and keep the fence open for the rest of the
 * document.
 */
void html_safe_markdown_item(struct buf *out, const char *md, size_t len)
{
    struct buf tmp = BUF_INIT;
    struct md_shape shape;
    size_t i;

    safe_markdown(&tmp, md, len, &shape);
    if (shape.block_first && tmp.len)
        buf_puts(out, "\n  ");
    for (i = 0; i < tmp.len; i++) {
        buf_putc(out, tmp.ptr[i]);
        if (tmp.ptr[i] == '\n' && i + 1 < tmp.len && tmp.ptr[i + 1] != '\n')
            buf_puts(out, "  ");
    }
    if (shape.block_last && tmp.len)
        buf_puts(out, "\n\n  ");
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
    buf_printf(out, "data:%s;base64,", mime);
    base64_encode(out, data, len);
}
