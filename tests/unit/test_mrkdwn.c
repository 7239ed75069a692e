/* SPDX-License-Identifier: MIT */
/*
 * Tests for render/mrkdwn: a table of Markdown inputs with the expected
 * Slack mrkdwn and plain text, then properties that must hold for any
 * input (no raw < or > from user text in mrkdwn, valid UTF-8 out, no
 * control characters, bounded output for deep nesting).
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "harness.h"
#include "render/mrkdwn.h"
#include "util/buf.h"
#include "util/utf8.h"

struct md_case {
    const char *md;
    const char *slack;
    const char *plain;
};

#define BULLET "\xe2\x80\xa2 "  /* U+2022 */
#define BULLET2 "\xe2\x97\xa6 " /* U+25E6 */
#define BULLET3 "\xe2\x96\xaa " /* U+25AA */
#define GRAVE "\xcb\x8b"        /* U+02CB */
#define FFFD "\xef\xbf\xbd"
#define RULE "\xe2\x94\x80\xe2\x94\x80\xe2\x94\x80\xe2\x94\x80\xe2\x94\x80" \
             "\xe2\x94\x80\xe2\x94\x80\xe2\x94\x80\xe2\x94\x80\xe2\x94\x80"

static const struct md_case cases[] = {
    /* escaping: Slack's three control characters */
    { "<!channel> please", "&lt;!channel&gt; please",
      "<!channel> please" },
    { "Tom & Jerry", "Tom &amp; Jerry", "Tom & Jerry" },
    { "&amp; stays &amp;", "&amp; stays &amp;", "& stays &" },
    { "a < b > c", "a &lt; b &gt; c", "a < b > c" },
    { "<script>alert(1)</script>",
      "&lt;script&gt;alert(1)&lt;/script&gt;",
      "<script>alert(1)</script>" },
    { "<div onclick=\"x\">\nraw\n</div>",
      "&lt;div onclick=\"x\"&gt;\nraw\n&lt;/div&gt;",
      "<div onclick=\"x\">\nraw\n</div>" },
    { "<@U123> and <#C1|general>", "&lt;@U123&gt; and &lt;#C1|general&gt;",
      "<@U123> and <#C1|general>" },
    /* emphasis and code */
    { "**bold** and __also__", "*bold* and *also*", "bold and also" },
    { "*em* and _em_", "_em_ and _em_", "em and em" },
    { "***both***", "_*both*_", "both" },
    { "**a *b* c**", "*a _b_ c*", "a b c" },
    { "**out **in** out**", "*out in out*", "out in out" },
    { "`code` & `<b>`", "`code` &amp; `&lt;b&gt;`", "code & <b>" },
    { "`` a`b ``", "`a" GRAVE "b`", "a`b" },
    { "literal \\*stars\\* and 2 * 3", "literal *stars* and 2 * 3",
      "literal *stars* and 2 * 3" },
    /* links */
    { "[site](https://ex.com/a?b=1&c=2)",
      "<https://ex.com/a?b=1&amp;c=2|site>",
      "site (https://ex.com/a?b=1&c=2)" },
    { "[x](javascript:alert(1))", "x", "x" },
    { "[x](JAVASCRIPT:alert(1)) [y](data:text/html,hi) [z](/rel)",
      "x y z", "x y z" },
    { "[*em* `c`](http://e.org)", "<http://e.org|em c>",
      "em c (http://e.org)" },
    { "[a|b>c](http://e.org/p|q<r>)", "<http://e.org/p%7Cq%3Cr%3E|a|b&gt;c>",
      "a|b>c (http://e.org/p|q<r>)" },
    { "[t](<http://e.org/a b>)", "<http://e.org/a%20b|t>",
      "t (http://e.org/a b)" },
    { "<https://auto.link/x>", "<https://auto.link/x>",
      "https://auto.link/x" },
    { "<me@ex.com>", "<mailto:me@ex.com|me@ex.com>", "me@ex.com" },
    { "[mail](MAILTO:me@ex.com)", "<MAILTO:me@ex.com|mail>",
      "mail (MAILTO:me@ex.com)" },
    { "[](https://empty.org)", "<https://empty.org>", "https://empty.org" },
    { "![plot](https://ex.com/p.png)", "<https://ex.com/p.png|plot>",
      "plot (https://ex.com/p.png)" },
    { "![x](javascript:alert(1))", "x", "x" },
    /* blocks */
    { "# Title\n\nText", "*Title*\n\nText", "Title\n\nText" },
    { "## **Bold** title", "*Bold title*", "Bold title" },
    { "one\ntwo  \nthree", "one two\nthree", "one two\nthree" },
    { "- a\n- b\n- c", BULLET "a\n" BULLET "b\n" BULLET "c",
      "- a\n- b\n- c" },
    { "* a\n\n* b", BULLET "a\n" BULLET "b", "- a\n- b" },
    { "- a\n  - b\n    - c\n      - d\n- e",
      BULLET "a\n    " BULLET2 "b\n        " BULLET3 "c\n            "
      BULLET3 "d\n" BULLET "e",
      "- a\n  - b\n    - c\n      - d\n- e" },
    { "3. c\n4. d", "3. c\n4. d", "3. c\n4. d" },
    { "1. a\n   - x\n2. b", "1. a\n    " BULLET2 "x\n2. b",
      "1. a\n   - x\n2. b" },
    { "- a\n\n  more\n- b", BULLET "a\n    more\n" BULLET "b",
      "- a\n  more\n- b" },
    { "Intro\n- a\n- b\n\nAfter", "Intro\n\n" BULLET "a\n" BULLET "b\n\nAfter",
      "Intro\n\n- a\n- b\n\nAfter" },
    { "- **done** <x>", BULLET "*done* &lt;x&gt;", "- done <x>" },
    { "> quoted\n> more\n\nafter", "> quoted more\n\nafter",
      "> quoted more\n\nafter" },
    { "> a\n>\n> b", "> a\n> b", "> a\n> b" },
    { "```python\nx = 1 < 2\n\ny = `z`\n```",
      "```\nx = 1 &lt; 2\n\ny = `z`\n```",
      "    x = 1 < 2\n\n    y = `z`" },
    { "````\n```\nnested\n```\n````",
      "```\n" GRAVE GRAVE GRAVE "\nnested\n" GRAVE GRAVE GRAVE "\n```",
      "    ```\n    nested\n    ```" },
    { "    indented\n    code", "```\nindented\ncode\n```",
      "    indented\n    code" },
    { "> ```\n> q\n> ```", "> ```\n> q\n> ```", ">     q" },
    { "a\n\n---\n\nb", "a\n\n" RULE "\n\nb", "a\n\n----------\n\nb" },
    { "", "", "" },
    { "\n\n  \n", "", "" },
    /* bad bytes */
    { "bad \xff\xfe bytes", "bad " FFFD FFFD " bytes",
      "bad " FFFD FFFD " bytes" },
    { "esc \x1b[31mred\x7f", "esc " FFFD "[31mred" FFFD,
      "esc " FFFD "[31mred" FFFD },
    { "csi \xc2\x9b" "31m", "csi " FFFD "31m", "csi " FFFD "31m" },
    { "cr\r\nlf", "cr lf", "cr lf" },
    { "tab\there", "tab\there", "tab\there" },
};

static void test_table(void)
{
    size_t i;

    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        struct buf slack = BUF_INIT, plain = BUF_INIT;
        const char *md = cases[i].md;

        INT_EQ(mrkdwn_from_markdown(&slack, md, strlen(md)), 0);
        INT_EQ(plain_from_markdown(&plain, md, strlen(md)), 0);
        if (strcmp(slack.ptr, cases[i].slack) != 0 ||
            strcmp(plain.ptr, cases[i].plain) != 0)
            fprintf(stderr, "case %zu: markdown \"%s\"\n", i, md);
        STR_EQ(slack.ptr, cases[i].slack);
        STR_EQ(plain.ptr, cases[i].plain);
        buf_release(&slack);
        buf_release(&plain);
    }
}

static void test_appends(void)
{
    struct buf out = BUF_INIT;

    buf_puts(&out, "Last: ");
    mrkdwn_from_markdown(&out, "**x**", 5);
    STR_EQ(out.ptr, "Last: *x*");
    buf_release(&out);
}

static void test_not_nul_terminated(void)
{
    char md[4] = { '*', 'a', '*', '<' };
    struct buf out = BUF_INIT;

    mrkdwn_from_markdown(&out, md, 3);
    STR_EQ(out.ptr, "_a_");
    buf_release(&out);
}

/* In mrkdwn, a < or > is ours only as the delimiters of an allowed link;
 * every other one must have been escaped. Checks that, UTF-8 validity and
 * the absence of control characters. */
/* Whether only quote markers and spaces precede position i on its line. */
static int in_line_prefix(const struct buf *b, size_t i)
{
    while (i > 0 && b->ptr[i - 1] != '\n') {
        if (b->ptr[i - 1] != ' ' && b->ptr[i - 1] != '>')
            return 0;
        i--;
    }
    return 1;
}

static int safe_mrkdwn(const struct buf *b)
{
    size_t i;
    int in_link = 0;

    if (!utf8_valid(b->ptr, b->len))
        return 0;
    for (i = 0; i < b->len; i++) {
        unsigned char c = (unsigned char)b->ptr[i];

        if ((c < 0x20 && c != '\n' && c != '\t') || c == 0x7f)
            return 0;
        if (c == '<') {
            if (in_link || (strncmp(b->ptr + i, "<http://", 8) != 0 &&
                            strncmp(b->ptr + i, "<https://", 9) != 0 &&
                            strncasecmp(b->ptr + i, "<mailto:", 8) != 0))
                return 0;
            in_link = 1;
        } else if (c == '>' && in_link) {
            in_link = 0;
        } else if (c == '>' && in_line_prefix(b, i)) {
            /* a quote marker */
        } else if (c == '>') {
            return 0;
        }
    }
    return !in_link;
}

static unsigned long rng_state = 777;

static unsigned rng(unsigned n)
{
    rng_state = rng_state * 6364136223846793005UL + 1442695040888963407UL;
    return (unsigned)((rng_state >> 33) % n);
}

static void test_random_inputs_stay_safe(void)
{
    static const char *const pieces[] = {
        "<", ">", "&", "<!channel>", "[a](http://x)", "[b](javascript:y)",
        "<http://z>", "**", "*", "_", "`", "```\n", "\n", "\n\n", "- ",
        "1. ", "> ", "# ", "    ", "|", "\xff", "\xc2\x9b", "\x1b", "\\",
        "<b>", "</b>", "](", ")", "![i](https://p)", "word", " ", "\r\n",
    };
    size_t n = sizeof(pieces) / sizeof(pieces[0]);
    int round, bad = 0;

    for (round = 0; round < 3000; round++) {
        struct buf md = BUF_INIT, out = BUF_INIT, plain = BUF_INIT;
        unsigned k, len = rng(20);

        for (k = 0; k < len; k++)
            buf_puts(&md, pieces[rng((unsigned)n)]);
        mrkdwn_from_markdown(&out, md.ptr, md.len);
        plain_from_markdown(&plain, md.ptr, md.len);
        if (!safe_mrkdwn(&out) || !utf8_valid(plain.ptr, plain.len)) {
            if (bad++ < 3)
                fprintf(stderr, "unsafe output for \"%s\":\n%s\n", md.ptr,
                        out.ptr);
        }
        buf_release(&md);
        buf_release(&out);
        buf_release(&plain);
    }
    INT_EQ(bad, 0);
}

/* Deep nesting must neither recurse nor make the output quadratic. */
static void test_deep_nesting(void)
{
    struct buf md = BUF_INIT, out = BUF_INIT;
    int i;

    for (i = 0; i < 5000; i++)
        buf_puts(&md, "> ");
    buf_puts(&md, "x\n");
    for (i = 0; i < 200; i++)
        buf_puts(&md, "> > > > > > > > > > > > > > > > > > > > > > > > y\n");
    for (i = 0; i < 5000; i++)
        buf_puts(&md, "- ");
    buf_puts(&md, "z\n");
    mrkdwn_from_markdown(&out, md.ptr, md.len);
    OK(out.len < 2 * md.len);
    OK(strstr(out.ptr, "x") != NULL);
    OK(strstr(out.ptr, "z") != NULL);
    buf_release(&out);
    plain_from_markdown(&out, md.ptr, md.len);
    OK(out.len < 2 * md.len);
    buf_release(&out);
    buf_release(&md);
}

int main(void)
{
    RUN(test_table);
    RUN(test_appends);
    RUN(test_not_nul_terminated);
    RUN(test_random_inputs_stay_safe);
    RUN(test_deep_nesting);
    return harness_finish("test_mrkdwn");
}
