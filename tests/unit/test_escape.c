/* SPDX-License-Identifier: MIT */
/*
 * Tests for render/escape (one table of cases per escaper, and a property
 * check of escape_md_inline against cmark: whatever the value, the escaped
 * form must render back to exactly the value's text in several template
 * contexts) and for util/utf8.
 */
#include <cmark.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "render/escape.h"
#include "render/html.h"
#include "util/buf.h"
#include "util/utf8.h"

struct esc_case {
    escape_fn *fn;
    const char *in;
    const char *want;
};

static const struct esc_case cases[] = {
    { escape_none, "<b>&amp;</b>", "<b>&amp;</b>" },
    { escape_html, "<script>alert(1)</script>",
      "&lt;script&gt;alert(1)&lt;/script&gt;" },
    { escape_html, "a & \"b\" 'c'", "a &amp; &quot;b&quot; &#39;c&#39;" },
    { escape_html, "&amp;", "&amp;amp;" },
    { escape_html, "", "" },
    { escape_slack, "<!channel>", "&lt;!channel&gt;" },
    { escape_slack, "&", "&amp;" },
    { escape_slack, "&lt;", "&amp;lt;" },
    { escape_slack, "<script>alert(1)</script>",
      "&lt;script&gt;alert(1)&lt;/script&gt;" },
    { escape_slack, "<@U123|bob> <http://x|y>",
      "&lt;@U123|bob&gt; &lt;http://x|y&gt;" },
    { escape_slack, "*b* _i_ ~s~ `c` \"q\" 'a'",
      "*b* _i_ ~s~ `c` \"q\" 'a'" },
    { escape_slack, "caf\xc3\xa9 \xe2\x9c\x93", "caf\xc3\xa9 \xe2\x9c\x93" },
    { escape_md_inline, "lr_sweep_3", "lr_sweep_3" },
    { escape_md_inline, "_x_", "\\_x\\_" },
    { escape_md_inline, "a*b", "a\\*b" },
    { escape_md_inline, "**bold**", "\\*\\*bold\\*\\*" },
    { escape_md_inline, "# heading", "\\# heading" },
    { escape_md_inline, "C#", "C#" },
    { escape_md_inline, "run #3", "run #3" },
    { escape_md_inline, "title #", "title \\#" },
    { escape_md_inline, "1. first", "1\\. first" },
    { escape_md_inline, "12) x", "12\\) x" },
    { escape_md_inline, "0.001", "0.001" },
    { escape_md_inline, "3e-4", "3e-4" },
    { escape_md_inline, "-0.5", "-0.5" },
    { escape_md_inline, "- x", "\\- x" },
    { escape_md_inline, "---", "\\-\\-\\-" },
    { escape_md_inline, "--lr", "\\-\\-lr" },
    { escape_md_inline, "resnet-50", "resnet-50" },
    { escape_md_inline, "+ x", "\\+ x" },
    { escape_md_inline, "+1", "+1" },
    { escape_md_inline, "===", "\\===" },
    { escape_md_inline, "a=b", "a=b" },
    { escape_md_inline, "(x)", "\\(x)" },
    { escape_md_inline, "f(x)", "f(x)" },
    { escape_md_inline, ":x", "\\:x" },
    { escape_md_inline, "a:b", "a:b" },
    { escape_md_inline, "wow!", "wow\\!" },
    { escape_md_inline, "![i](u)", "!\\[i\\](u)" },
    { escape_md_inline, "[x](javascript:alert(1))",
      "\\[x\\](javascript:alert(1))" },
    { escape_md_inline, "<!channel>", "\\<!channel\\>" },
    { escape_md_inline, "<script>alert(1)</script>",
      "\\<script\\>alert(1)\\</script\\>" },
    { escape_md_inline, "AT&T", "AT\\&T" },
    { escape_md_inline, "a & b", "a & b" },
    { escape_md_inline, "&amp;", "\\&amp;" },
    { escape_md_inline, "&#42;", "\\&#42;" },
    { escape_md_inline, "a|b", "a\\|b" },
    { escape_md_inline, "`code`", "\\`code\\`" },
    { escape_md_inline, "{x}", "\\{x\\}" },
    { escape_md_inline, "~~s~~", "\\~\\~s\\~\\~" },
    { escape_md_inline, "a\\b", "a\\\\b" },
    { escape_md_inline, "  spaced out  ", "spaced out" },
    { escape_md_inline, "one\ntwo\r\nthree\rfour", "one two three four" },
    { escape_md_inline, "\n\n", "" },
    { escape_md_inline, "v1.2 http://x.org/a:b", "v1.2 http://x.org/a:b" },
    { escape_md_inline, "caf\xc3\xa9_\xc3\xa9", "caf\xc3\xa9\\_\xc3\xa9" },
    { escape_md_cell, "a|b", "a\\|b" },
    { escape_md_cell, "|", "\\|" },
    { escape_md_cell, "line1\nline2|x", "line1 line2\\|x" },
    { escape_md_cell, "", "" },
};

static void test_table(void)
{
    size_t i;

    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        struct buf out = BUF_INIT;

        cases[i].fn(&out, cases[i].in, strlen(cases[i].in));
        if (strcmp(out.ptr, cases[i].want) != 0)
            fprintf(stderr, "case %zu: input \"%s\"\n", i, cases[i].in);
        STR_EQ(out.ptr, cases[i].want);
        buf_release(&out);
    }
}

static void test_appends_and_embedded_nul(void)
{
    struct buf out = BUF_INIT;

    buf_puts(&out, "x=");
    escape_slack(&out, "a\0<", 3);
    INT_EQ(out.len, 8);
    OK(memcmp(out.ptr, "x=a\0&lt;", 8) == 0);
    buf_release(&out);
}

/* What cmark's HTML renderer makes of literal text. */
static void html_text(struct buf *out, const char *s)
{
    for (; *s; s++) {
        if (*s == '&')
            buf_puts(out, "&amp;");
        else if (*s == '<')
            buf_puts(out, "&lt;");
        else if (*s == '>')
            buf_puts(out, "&gt;");
        else if (*s == '"')
            buf_puts(out, "&quot;");
        else
            buf_putc(out, *s);
    }
}

struct context {
    const char *before, *after;   /* template text around the value */
    const char *open, *close;     /* expected HTML around the text */
    const char *empty;            /* expected HTML for an empty value */
};

static const struct context contexts[] = {
    { "", "", "<p>", "</p>\n", "" },
    { "a ", " b", "<p>a ", " b</p>\n", "<p>a  b</p>\n" },
    { "x", "x", "<p>x", "x</p>\n", "<p>xx</p>\n" },
    { "- ", "", "<ul>\n<li>", "</li>\n</ul>\n", "<ul>\n<li></li>\n</ul>\n" },
    { "# ", "", "<h1>", "</h1>\n", "<h1></h1>\n" },
    { "para\n", "", "<p>para\n", "</p>\n", "<p>para</p>\n" },
    { "[a]", " z", "<p>[a]", " z</p>\n", "<p>[a] z</p>\n" },
    { "", "[a](b)", "<p>", "<a href=\"b\">a</a></p>\n",
      "<p><a href=\"b\">a</a></p>\n" },
    { "> ", "", "<blockquote>\n<p>", "</p>\n</blockquote>\n",
      "<blockquote>\n</blockquote>\n" },
};

static unsigned long rng_state = 12345;

static unsigned rng(unsigned n)
{
    rng_state = rng_state * 6364136223846793005UL + 1442695040888963407UL;
    return (unsigned)((rng_state >> 33) % n);
}

/* One value in one context: does cmark show exactly the value? */
static int renders_literally(const char *value, const struct context *c)
{
    struct buf md = BUF_INIT, want = BUF_INIT;
    char *html;
    int same;

    buf_puts(&md, c->before);
    escape_md_inline(&md, value, strlen(value));
    buf_puts(&md, c->after);
    if (*value) {
        buf_puts(&want, c->open);
        html_text(&want, value);
        buf_puts(&want, c->close);
    } else {
        buf_puts(&want, c->empty);
    }
    html = cmark_markdown_to_html(md.ptr, md.len, CMARK_OPT_DEFAULT);
    same = strcmp(html, want.ptr) == 0;
    if (!same)
        fprintf(stderr, "value \"%s\" as \"%s\"\n  html %s  want %s",
                value, md.ptr, html, want.ptr);
    free(html);
    buf_release(&md);
    buf_release(&want);
    return same;
}

/* Random values over an alphabet of Markdown-significant characters (a
 * million of them, up to 23 bytes, passed when this was written): each
 * must survive every context. Values are generated without leading or
 * trailing spaces, which the escaper drops by design. */
static void test_md_inline_roundtrip(void)
{
    static const char alphabet[] = "ab1 _*-+#=.)(![]<>&;|~`{}\\:'\"/$%^?,";
    char value[16];
    size_t ci;
    int round, bad = 0;

    for (round = 0; round < 5000 && bad < 5; round++) {
        unsigned len = rng(sizeof(value) - 1), k;

        for (k = 0; k < len; k++)
            value[k] = alphabet[rng(sizeof(alphabet) - 1)];
        while (len && value[len - 1] == ' ')
            len--;
        value[len] = '\0';
        if (value[0] == ' ')
            value[0] = 'a';
        for (ci = 0; ci < sizeof(contexts) / sizeof(contexts[0]); ci++) {
            if (!renders_literally(value, &contexts[ci]))
                bad++;
        }
    }
    INT_EQ(bad, 0);
}

static void test_md_inline_named_values(void)
{
    static const char *const values[] = {
        "<!channel>", "&", "<script>alert(1)</script>",
        "[x](javascript:alert(1))", "|", "``x``", "**bold**", "- item",
        "1. item", "> quote", "# h", "***", "___", "lr=3e-4", "&amp;",
        "&#x26;", "x  \\", "a_b_c", "_a_b_", "![a](b)",
    };
    size_t i, ci;

    for (i = 0; i < sizeof(values) / sizeof(values[0]); i++) {
        for (ci = 0; ci < sizeof(contexts) / sizeof(contexts[0]); ci++)
            OK(renders_literally(values[i], &contexts[ci]));
    }
}

/* Note bodies placed in a Markdown list item (html_safe_markdown_item):
 * block-first bodies start on the next line, block-last ones end with a
 * blank line, and text that could join the template's into a link or a
 * tag is rendered (escaped) by cmark rather than copied. */
static void test_safe_markdown_item(void)
{
    static const char *const item_cases[][2] = {
        { "plain *text*", "plain *text*" },
        { "```\ncode\n```", "\n  ``` \n  code\n  ```\n\n  " },
        { "    indented", "\n  ``` \n  indented\n  ```\n\n  " },
        { "- a\n- b", "\n    - a\n    - b\n\n  " },
        { "---", "\n  ***\n\n  " },
        { "text\n\n```\nx\n```", "text\n\n  ``` \n  x\n  ```\n\n  " },
        { "[x", "\\[x" },
        { "](javascript:alert(1))", "\\](javascript:alert(1))" },
        { "a <b onclick=x> b", "a \\<b onclick=x\\> b" },
        { "[a](http://x.example)", "[a](http://x.example)" },
    };
    size_t i;

    for (i = 0; i < sizeof(item_cases) / sizeof(item_cases[0]); i++) {
        struct buf out = BUF_INIT;

        html_safe_markdown_item(&out, item_cases[i][0], strlen(item_cases[i][0]));
        STR_EQ(out.ptr ? out.ptr : "", item_cases[i][1]);
        buf_release(&out);
    }
}

static void test_utf8_valid(void)
{
    OK(utf8_valid("", 0));
    OK(utf8_valid("plain", 5));
    OK(utf8_valid("caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80", 14));
    OK(utf8_valid("\0", 1));
    OK(utf8_valid("\xf4\x8f\xbf\xbf", 4));         /* U+10FFFF */
    OK(!utf8_valid("\xff", 1));
    OK(!utf8_valid("\x80", 1));                     /* stray continuation */
    OK(!utf8_valid("\xc3", 1));                     /* truncated */
    OK(!utf8_valid("\xc0\xaf", 2));                 /* overlong "/" */
    OK(!utf8_valid("\xe0\x80\xaf", 3));             /* overlong */
    OK(!utf8_valid("\xed\xa0\x80", 3));             /* surrogate D800 */
    OK(!utf8_valid("\xf4\x90\x80\x80", 4));         /* above U+10FFFF */
    OK(!utf8_valid("\xf5\x80\x80\x80", 4));
    INT_EQ(utf8_invalid_at("ab\xe2\x82", 4), 2);
    INT_EQ(utf8_invalid_at("ab\xe2\x82\xac", 5), 5);
}

static void test_utf8_truncate(void)
{
    const char *euro = "a\xe2\x82\xac"; /* "a€", 4 bytes */
    const char *emoji = "\xf0\x9f\x98\x80x";

    INT_EQ(utf8_truncate_len(euro, 4, 10), 4);
    INT_EQ(utf8_truncate_len(euro, 4, 4), 4);
    INT_EQ(utf8_truncate_len(euro, 4, 3), 1);
    INT_EQ(utf8_truncate_len(euro, 4, 2), 1);
    INT_EQ(utf8_truncate_len(euro, 4, 1), 1);
    INT_EQ(utf8_truncate_len(euro, 4, 0), 0);
    INT_EQ(utf8_truncate_len(emoji, 5, 4), 4);
    INT_EQ(utf8_truncate_len(emoji, 5, 3), 0);
    INT_EQ(utf8_truncate_len(emoji, 5, 1), 0);
    INT_EQ(utf8_truncate_len("abc", 3, 2), 2);
    /* ill-formed input: a run of continuation bytes is never split into
     * more than three steps back */
    INT_EQ(utf8_truncate_len("a\x80\x80\x80\x80\x80", 6, 5), 5);
    INT_EQ(utf8_truncate_len("a\x80\x80", 3, 2), 2);
}

/* Every cut of a valid string leaves a valid prefix. */
static void test_utf8_truncate_all_cuts(void)
{
    const char *s = "x\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80y\xc3\xa9";
    size_t len = strlen(s), max;
    int bad = 0;

    for (max = 0; max <= len + 1; max++) {
        size_t n = utf8_truncate_len(s, len, max);

        if (n > max || !utf8_valid(s, n) || (max >= 4 && n + 3 < max))
            bad++;
    }
    INT_EQ(bad, 0);
}

int main(void)
{
    RUN(test_table);
    RUN(test_appends_and_embedded_nul);
    RUN(test_md_inline_named_values);
    RUN(test_md_inline_roundtrip);
    RUN(test_safe_markdown_item);
    RUN(test_utf8_valid);
    RUN(test_utf8_truncate);
    RUN(test_utf8_truncate_all_cuts);
    return harness_finish("test_escape");
}
