/* SPDX-License-Identifier: MIT */
/*
 * The escapers and the Markdown converters that make user text safe, with
 * the properties that make them safe, whatever the bytes:
 *  - escape_html: no < > " ' left, every & starts an entity it wrote;
 *  - escape_slack: no < > left, every & starts &amp; &lt; or &gt;;
 *  - mrkdwn_from_markdown: every < starts a link lablog wrote (<http:,
 *    <https:, <mailto:, any case), so no <!channel>, <@user> or <#chan>;
 *  - html_from_markdown: only the elements and attributes Markdown makes,
 *    no on* handler, no unsafe href/src;
 *  - html_safe_markdown_item, placed in a list item between template text
 *    as the report and the daily do: no raw HTML node and no unsafe link
 *    in the document, and the item after it survives as an item;
 *  - escape_md_inline in a paragraph and a list item: only text nodes.
 */
#include <cmark.h>
#include <string.h>
#include <strings.h>

#include "fuzz.h"
#include "render/escape.h"
#include "render/html.h"
#include "render/mrkdwn.h"
#include "util/buf.h"

static void check_entities(const struct buf *b, const char *const *ok)
{
    size_t i, k;

    for (i = 0; i < b->len; i++) {
        int found = 0;

        if (b->ptr[i] != '&')
            continue;
        for (k = 0; ok[k]; k++)
            if (strncmp(b->ptr + i, ok[k], strlen(ok[k])) == 0)
                found = 1;
        FUZZ_CHECK(found);
    }
}

static void check_html_escape(const char *s, size_t len)
{
    static const char *const ok[] = { "&amp;", "&lt;", "&gt;", "&quot;",
                                      "&#39;", NULL };
    struct buf b = BUF_INIT;

    escape_html(&b, s, len);
    FUZZ_CHECK(!memchr(b.ptr ? b.ptr : "", '<', b.len));
    FUZZ_CHECK(!memchr(b.ptr ? b.ptr : "", '>', b.len));
    FUZZ_CHECK(!memchr(b.ptr ? b.ptr : "", '"', b.len));
    FUZZ_CHECK(!memchr(b.ptr ? b.ptr : "", '\'', b.len));
    check_entities(&b, ok);
    buf_release(&b);
}

static void check_slack_escape(const char *s, size_t len)
{
    static const char *const ok[] = { "&amp;", "&lt;", "&gt;", NULL };
    struct buf b = BUF_INIT;

    escape_slack(&b, s, len);
    FUZZ_CHECK(!memchr(b.ptr ? b.ptr : "", '<', b.len));
    FUZZ_CHECK(!memchr(b.ptr ? b.ptr : "", '>', b.len));
    check_entities(&b, ok);
    buf_release(&b);
}

static void check_mrkdwn(const char *s, size_t len)
{
    struct buf b = BUF_INIT;
    size_t i;

    mrkdwn_from_markdown(&b, s, len);
    for (i = 0; i < b.len; i++)
        if (b.ptr[i] == '<')
            FUZZ_CHECK(strncasecmp(b.ptr + i, "<http:", 6) == 0
                       || strncasecmp(b.ptr + i, "<https:", 7) == 0
                       || strncasecmp(b.ptr + i, "<mailto:", 8) == 0);
    buf_reset(&b);
    plain_from_markdown(&b, s, len);
    buf_release(&b);
}

static int name_is(const char *p, size_t n, const char *const *names)
{
    size_t k;

    for (k = 0; names[k]; k++)
        if (strlen(names[k]) == n && strncmp(p, names[k], n) == 0)
            return 1;
    return 0;
}

/* Walks the HTML lablog wrote: every tag must be one Markdown makes, with
 * only its attributes, quoted, and no unsafe URL. */
static void check_html(const struct buf *b)
{
    static const char *const tags[] = {
        "p", "em", "strong", "code", "pre", "ul", "ol", "li", "a", "img",
        "blockquote", "h1", "h2", "h3", "h4", "h5", "h6", "hr", "br",
        "table", "thead", "tbody", "tr", "th", "td", NULL
    };
    static const char *const attrs[] = { "href", "src", "alt", "title",
                                         "style", "start", "class", NULL };
    const char *p = b->ptr ? b->ptr : "", *end = p + b->len;

    while ((p = memchr(p, '<', (size_t)(end - p))) != NULL) {
        const char *q = p + 1;

        if (strncmp(p, "<!-- raw HTML omitted -->", 25) == 0) {
            p += 25;
            continue;
        }
        if (q < end && *q == '/')
            q++;
        p = q;
        while (q < end && ((*q >= 'a' && *q <= 'z') || (*q >= '0' && *q <= '9')))
            q++;
        FUZZ_CHECK(name_is(p, (size_t)(q - p), tags));
        for (;;) {
            const char *n, *v;
            char quote;

            while (q < end && *q == ' ')
                q++;
            FUZZ_CHECK(q < end);
            if (*q == '>' || (*q == '/' && q + 1 < end && q[1] == '>'))
                break;
            n = q;
            while (q < end && *q >= 'a' && *q <= 'z')
                q++;
            FUZZ_CHECK(name_is(n, (size_t)(q - n), attrs));
            FUZZ_CHECK(q + 1 < end && q[0] == '=' && q[1] == '"');
            quote = q[1];
            v = q + 2;
            q = memchr(v, quote, (size_t)(end - v));
            FUZZ_CHECK(q != NULL);
            if (strncmp(n, "href=", 5) == 0 || strncmp(n, "src=", 4) == 0) {
                char url[512];
                size_t ul = (size_t)(q - v) < sizeof(url) - 1
                                ? (size_t)(q - v) : sizeof(url) - 1;

                memcpy(url, v, ul);
                url[ul] = '\0';
                FUZZ_CHECK(html_url_is_safe(url)
                           || strncmp(url, "data:image/", 11) == 0);
            }
            q++;
        }
        p = q;
    }
}

static int count_type(cmark_node *doc, cmark_node_type type)
{
    cmark_iter *it = cmark_iter_new(doc);
    cmark_event_type ev;
    int n = 0;

    while ((ev = cmark_iter_next(it)) != CMARK_EVENT_DONE)
        if (ev == CMARK_EVENT_ENTER
            && cmark_node_get_type(cmark_iter_get_node(it)) == type)
            n++;
    cmark_iter_free(it);
    return n;
}

static int unsafe_links(cmark_node *doc)
{
    cmark_iter *it = cmark_iter_new(doc);
    cmark_event_type ev;
    int n = 0;

    while ((ev = cmark_iter_next(it)) != CMARK_EVENT_DONE) {
        cmark_node *node = cmark_iter_get_node(it);
        cmark_node_type t = cmark_node_get_type(node);

        if (ev == CMARK_EVENT_ENTER
            && (t == CMARK_NODE_LINK || t == CMARK_NODE_IMAGE)
            && !html_url_is_safe(cmark_node_get_url(node)))
            n++;
    }
    cmark_iter_free(it);
    return n;
}

/* The body between template text, twice, as report.md.mustache places it;
 * then a last item that must still be a list item at the end. */
static void check_md_item(const char *s, size_t len)
{
    static const char *const before[] = { "- ", "- *09:00*: ", "- **P1** " };
    struct buf body = BUF_INIT, doc = BUF_INIT;
    cmark_node *root, *last, *item;
    size_t k;

    html_safe_markdown_item(&body, s, len);
    buf_puts(&doc, "## Notes\n\n");
    for (k = 0; k < 3; k++) {
        buf_puts(&doc, before[k]);
        buf_put(&doc, body.ptr ? body.ptr : "", body.len);
        buf_puts(&doc, " *(since x)*\n");
    }
    buf_puts(&doc, "- SENTINEL\n\n## After\n");
    root = cmark_parse_document(doc.ptr, doc.len, CMARK_OPT_DEFAULT);
    FUZZ_CHECK(count_type(root, CMARK_NODE_HTML_BLOCK) == 0);
    FUZZ_CHECK(count_type(root, CMARK_NODE_HTML_INLINE) == 0);
    FUZZ_CHECK(unsafe_links(root) == 0);
    /* The document still ends with the heading "After" at top level. */
    last = cmark_node_last_child(root);
    FUZZ_CHECK(last && cmark_node_get_type(last) == CMARK_NODE_HEADING);
    item = cmark_node_previous(last);
    FUZZ_CHECK(item && cmark_node_get_type(item) == CMARK_NODE_LIST);
    cmark_node_free(root);
    buf_release(&body);
    buf_release(&doc);
}

static void check_md_inline(const char *s, size_t len)
{
    static const char *const ctx[][2] = { { "a ", " b" }, { "- ", "\n" },
                                          { "| ", " |" } };
    size_t k;

    for (k = 0; k < 3; k++) {
        struct buf doc = BUF_INIT;
        cmark_node *root;

        buf_puts(&doc, ctx[k][0]);
        escape_md_inline(&doc, s, len);
        buf_puts(&doc, ctx[k][1]);
        root = cmark_parse_document(doc.ptr, doc.len, CMARK_OPT_DEFAULT);
        FUZZ_CHECK(count_type(root, CMARK_NODE_HTML_INLINE) == 0);
        FUZZ_CHECK(count_type(root, CMARK_NODE_HTML_BLOCK) == 0);
        FUZZ_CHECK(count_type(root, CMARK_NODE_LINK) == 0);
        FUZZ_CHECK(count_type(root, CMARK_NODE_IMAGE) == 0);
        FUZZ_CHECK(count_type(root, CMARK_NODE_EMPH) == 0);
        FUZZ_CHECK(count_type(root, CMARK_NODE_STRONG) == 0);
        FUZZ_CHECK(count_type(root, CMARK_NODE_CODE) == 0);
        FUZZ_CHECK(count_type(root, CMARK_NODE_CODE_BLOCK) == 0);
        FUZZ_CHECK(count_type(root, CMARK_NODE_HEADING) == 0);
        cmark_node_free(root);
        buf_release(&doc);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *s = (const char *)data;
    struct buf b = BUF_INIT;

    check_html_escape(s, size);
    check_slack_escape(s, size);
    check_mrkdwn(s, size);
    html_from_markdown(&b, s, size);
    check_html(&b);
    buf_reset(&b);
    html_markdown_code(&b, s, size);
    buf_release(&b);
    check_md_item(s, size);
    check_md_inline(s, size);
    return 0;
}
