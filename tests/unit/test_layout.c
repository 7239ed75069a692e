/* SPDX-License-Identifier: MIT */
/* Tests for slides/layout: word wrap by measured width (long words, UTF-8,
 * exact fits, styled runs), ellipsis cuts, table column fitting,
 * pagination with "(cont.)" titles and the agenda's minutes. */
#include <stdlib.h>

#include "harness.h"
#include "slides/layout.h"
#include "slides/md.h"
#include "util/buf.h"

/* A fake font: every character is 10 pt wide, 12 pt in style 1 (bold). */
static double fake_measure(void *ctx, int style, const char *s, size_t len)
{
    size_t i, chars = 0;

    (void)ctx;
    for (i = 0; i < len; i++)
        chars += ((unsigned char)s[i] & 0xc0) != 0x80;
    return (double)chars * (style == 1 ? 12 : 10);
}

/* Line i of t as text, fragments joined. */
static const char *line_text(const struct layout_text *t,
                             const struct layout_run *runs, size_t i)
{
    static char out[512];
    size_t f, n = 0;

    for (f = 0; f < t->lines[i].nfrags; f++) {
        const struct layout_frag *fr = &t->frags[t->lines[i].frag + f];

        memcpy(out + n, runs[fr->run].text + fr->off, fr->len);
        n += fr->len;
    }
    out[n] = '\0';
    return out;
}

/* Every fragment starts and ends on a character boundary. */
static int on_boundaries(const struct layout_text *t,
                         const struct layout_run *runs)
{
    size_t i;

    for (i = 0; i < t->nfrags; i++) {
        const unsigned char *s =
            (const unsigned char *)runs[t->frags[i].run].text;
        size_t a = t->frags[i].off, b = a + t->frags[i].len;

        if ((s[a] & 0xc0) == 0x80 || (s[b] & 0xc0) == 0x80)
            return 0;
    }
    return 1;
}

static void wrap1(struct layout_text *t, struct layout_run *r,
                  const char *text, double width)
{
    r->text = text;
    r->len = strlen(text);
    r->style = 0;
    layout_wrap(t, r, 1, width, fake_measure, NULL);
}

static void test_wrap_words(void)
{
    struct layout_text t = { 0 };
    struct layout_run r;

    wrap1(&t, &r, "the quick brown fox jumps", 100);
    INT_EQ(t.nlines, 3);
    STR_EQ(line_text(&t, &r, 0), "the quick");
    STR_EQ(line_text(&t, &r, 1), "brown fox");
    STR_EQ(line_text(&t, &r, 2), "jumps");
    DBL_EQ(t.lines[0].w, 90, 1e-9);

    /* Exact fit: 10 characters in 100 pt stay on one line. */
    wrap1(&t, &r, "abcde fghi", 100);
    INT_EQ(t.nlines, 1);
    DBL_EQ(t.lines[0].w, 100, 1e-9);
    wrap1(&t, &r, "abcde fghij", 100);
    INT_EQ(t.nlines, 2);
    STR_EQ(line_text(&t, &r, 1), "fghij");

    /* Spaces at breaks and at the ends are dropped. */
    wrap1(&t, &r, "   aaaa    bbbb   ", 60);
    INT_EQ(t.nlines, 2);
    STR_EQ(line_text(&t, &r, 0), "aaaa");
    STR_EQ(line_text(&t, &r, 1), "bbbb");

    wrap1(&t, &r, "", 60);
    INT_EQ(t.nlines, 0);
    layout_text_release(&t);
}

static void test_wrap_long_words(void)
{
    struct layout_text t = { 0 };
    struct layout_run r;
    size_t i;

    wrap1(&t, &r, "ab abcdefghijklmnop cd", 50);
    INT_EQ(t.nlines, 5);
    STR_EQ(line_text(&t, &r, 0), "ab");
    STR_EQ(line_text(&t, &r, 1), "abcde");
    STR_EQ(line_text(&t, &r, 2), "fghij");
    STR_EQ(line_text(&t, &r, 3), "klmno");
    STR_EQ(line_text(&t, &r, 4), "p cd");
    for (i = 0; i < t.nlines; i++)
        OK(t.lines[i].w <= 50);

    /* Multibyte characters are never split, even 3- and 4-byte ones. */
    wrap1(&t, &r, "\xce\xb1\xce\xb2\xe2\x89\xa5\xf0\x9f\x98\x80\xc3\xa9"
                  "\xce\xb1\xce\xb2\xe2\x89\xa5", 30);
    INT_EQ(t.nlines, 3);
    OK(on_boundaries(&t, &r));
    STR_EQ(line_text(&t, &r, 0), "\xce\xb1\xce\xb2\xe2\x89\xa5");
    STR_EQ(line_text(&t, &r, 1), "\xf0\x9f\x98\x80\xc3\xa9\xce\xb1");

    /* A line narrower than one character still takes one per line. */
    wrap1(&t, &r, "abc", 5);
    INT_EQ(t.nlines, 3);
    STR_EQ(line_text(&t, &r, 2), "c");
    layout_text_release(&t);
}

static void test_wrap_breaks(void)
{
    struct layout_text t = { 0 };
    struct layout_run r;

    wrap1(&t, &r, "a\n\nb", 100);
    INT_EQ(t.nlines, 3);
    STR_EQ(line_text(&t, &r, 0), "a");
    STR_EQ(line_text(&t, &r, 1), "");
    STR_EQ(line_text(&t, &r, 2), "b");
    wrap1(&t, &r, "a\n", 100);
    INT_EQ(t.nlines, 1);
    wrap1(&t, &r, "one two\nthree", 1000);
    INT_EQ(t.nlines, 2);
    STR_EQ(line_text(&t, &r, 1), "three");
    layout_text_release(&t);
}

static void test_wrap_styled(void)
{
    struct layout_text t = { 0 };
    struct layout_run r[3] = {
        { "adds ", 5, 0 }, { "+6", 2, 1 }, { ", points of win rate", 20, 0 },
    };

    /* "+6," is one word across two runs: no break between "+6" and ",". */
    layout_wrap(&t, r, 3, 80, fake_measure, NULL);
    STR_EQ(line_text(&t, r, 0), "adds");
    STR_EQ(line_text(&t, r, 1), "+6,");
    INT_EQ(t.lines[1].nfrags, 2);
    DBL_EQ(t.frags[t.lines[1].frag + 1].x, 24, 1e-9);
    DBL_EQ(t.lines[1].w, 34, 1e-9);
    STR_EQ(line_text(&t, r, 2), "points");

    layout_wrap(&t, r, 3, 1000, fake_measure, NULL);
    INT_EQ(t.nlines, 1);
    INT_EQ(t.lines[0].nfrags, 3);
    DBL_EQ(t.lines[0].w, 50 + 24 + 200, 1e-9);
    layout_text_release(&t);
}

static void test_truncate(void)
{
    struct layout_text t = { 0 };
    struct layout_run r;

    wrap1(&t, &r, "aaaa bbbb cccc dddd", 90);
    INT_EQ(t.nlines, 2);
    layout_truncate(&t, 1, 90, &r, fake_measure, NULL);
    INT_EQ(t.nlines, 1);
    OK(t.cut);
    STR_EQ(line_text(&t, &r, 0), "aaaa bbb");
    OK(t.lines[0].w + 10 <= 90);

    /* Nothing dropped: nothing changes. */
    wrap1(&t, &r, "aaaa bbbb", 90);
    layout_truncate(&t, 3, 90, &r, fake_measure, NULL);
    OK(!t.cut);
    STR_EQ(line_text(&t, &r, 0), "aaaa bbbb");

    /* Trailing spaces go before the ellipsis. */
    wrap1(&t, &r, "aaa bbbbb ccc", 90);
    layout_truncate(&t, 1, 40, &r, fake_measure, NULL);
    STR_EQ(line_text(&t, &r, 0), "aaa");
    layout_text_release(&t);
}

static void test_ellipsize(void)
{
    const char *s = "lr=3e-5, seed=0";
    const char *u = "caf\xc3\xa9 na\xc3\xafve";
    int cut;

    INT_EQ(layout_ellipsize(s, strlen(s), 0, 150, fake_measure, NULL, &cut),
           strlen(s));
    INT_EQ(cut, 0);
    /* 80 pt: 7 characters plus the ellipsis; "lr=3e-5" */
    INT_EQ(layout_ellipsize(s, strlen(s), 0, 80, fake_measure, NULL, &cut), 7);
    INT_EQ(cut, 1);
    /* A trailing space is not kept before the ellipsis. */
    INT_EQ(layout_ellipsize(s, strlen(s), 0, 100, fake_measure, NULL, &cut),
           8);
    /* Never inside a character: "caf\xc3\xa9" is 5 bytes, 4 characters. */
    INT_EQ(layout_ellipsize(u, strlen(u), 0, 50, fake_measure, NULL, &cut), 5);
    INT_EQ(layout_ellipsize(u, strlen(u), 0, 5, fake_measure, NULL, &cut), 0);
    INT_EQ(cut, 1);
}

static void test_columns(void)
{
    double nat[3] = { 100, 300, 50 }, min[3] = { 40, 40, 40 }, out[3];

    layout_fit_columns(out, nat, min, 3, 1, 500);
    DBL_EQ(out[0], 100, 1e-9);
    DBL_EQ(out[1], 350, 1e-9);
    DBL_EQ(out[2], 50, 1e-9);
    layout_fit_columns(out, nat, min, 3, 3, 500);
    DBL_EQ(out[1], 300, 1e-9);

    /* Too wide: the widest column shrinks first. */
    layout_fit_columns(out, nat, min, 3, 1, 350);
    DBL_EQ(out[0], 100, 1e-6);
    DBL_EQ(out[1], 200, 1e-6);
    DBL_EQ(out[2], 50, 1e-6);
    DBL_EQ(out[0] + out[1] + out[2], 350, 1e-6);
    layout_fit_columns(out, nat, min, 3, 1, 200);
    DBL_EQ(out[0], 75, 1e-6);
    DBL_EQ(out[1], 75, 1e-6);
    DBL_EQ(out[2], 50, 1e-6);

    /* Minimums are kept while they fit, then scaled. */
    min[2] = 60;
    layout_fit_columns(out, nat, min, 3, 1, 200);
    DBL_EQ(out[2], 60, 1e-6);
    DBL_EQ(out[0] + out[1] + out[2], 200, 1e-6);
    layout_fit_columns(out, nat, min, 3, 1, 70);
    DBL_EQ(out[0] + out[1] + out[2], 70, 1e-6);
    DBL_EQ(out[2], 30, 1e-6);
}

static void test_paginate(void)
{
    double h[6] = { 30, 30, 30, 100, 10, 10 };
    size_t starts[7], pages;
    struct buf title = BUF_INIT;

    pages = layout_paginate(starts, h, 6, 10, 100, 120);
    INT_EQ(pages, 4);
    INT_EQ(starts[3], 5);
    INT_EQ(starts[0], 0);
    INT_EQ(starts[1], 2);
    INT_EQ(starts[2], 3);
    /* Every item on exactly one page, in order. */
    OK(starts[1] > starts[0] && starts[2] > starts[1]);
    /* An exact fit stays on the page. */
    pages = layout_paginate(starts, h + 3, 2, 10, 120, 120);
    INT_EQ(pages, 1);

    /* An item taller than a page stands alone. */
    h[0] = 500;
    pages = layout_paginate(starts, h, 2, 10, 100, 100);
    INT_EQ(pages, 2);
    INT_EQ(starts[1], 1);

    INT_EQ(layout_paginate(starts, h, 0, 10, 100, 100), 1);
    INT_EQ(starts[0], 0);

    layout_page_title(&title, "Next steps", 0);
    STR_EQ(title.ptr, "Next steps");
    buf_reset(&title);
    layout_page_title(&title, "Next steps", 2);
    STR_EQ(title.ptr, "Next steps (cont.)");
    buf_release(&title);
}

static int agenda_sum(const struct layout_agenda_item *it, size_t n)
{
    int sum = 0;
    size_t i;

    for (i = 0; i < n; i++)
        sum += it[i].minutes;
    return sum;
}

static void test_agenda(void)
{
    struct layout_agenda_item it[6];
    int total;
    size_t n;

    /* Explicit minutes are kept when they take at most half. */
    memset(it, 0, sizeof(it));
    it[0].estimate = 3;
    it[1].estimate = 4;
    it[2].fixed = 10;
    it[2].estimate = 1;
    it[3].estimate = 2;
    layout_agenda(it, 4, 30);
    INT_EQ(agenda_sum(it, 4), 30);
    OK(it[2].minutes >= 10);
    OK(it[1].minutes >= it[0].minutes && it[0].minutes >= it[3].minutes);

    /* ... and scaled down to half the meeting when they ask for more. */
    it[2].fixed = 25;
    layout_agenda(it, 4, 30);
    INT_EQ(agenda_sum(it, 4), 30);
    OK(it[2].minutes >= 15 && it[2].minutes <= 17);

    /* Ties go to the earlier (more relevant) item; every item gets one. */
    memset(it, 0, sizeof(it));
    for (n = 0; n < 6; n++)
        it[n].estimate = 1;
    layout_agenda(it, 6, 8);
    INT_EQ(agenda_sum(it, 6), 8);
    INT_EQ(it[0].minutes, 2);
    INT_EQ(it[1].minutes, 2);
    INT_EQ(it[5].minutes, 1);

    /* Tiny estimates still get a minute when the meeting allows it. */
    it[0].estimate = 1000;
    layout_agenda(it, 6, 10);
    INT_EQ(agenda_sum(it, 6), 10);
    for (n = 0; n < 6; n++)
        OK(it[n].minutes >= 1);

    /* Exact sums for many sizes and mixes; never negative. */
    for (total = 0; total <= 90; total += 7)
        for (n = 1; n <= 6; n++) {
            size_t i;

            for (i = 0; i < n; i++) {
                it[i].estimate = (double)((i * 7 + (size_t)total) % 5);
                it[i].fixed = i == 2 ? (double)(total % 13) : 0;
            }
            layout_agenda(it, n, total);
            INT_EQ(agenda_sum(it, n), total);
            for (i = 0; i < n; i++)
                OK(it[i].minutes >= 0);
        }

    /* Only explicit minutes: they are stretched to fill the meeting. */
    memset(it, 0, sizeof(it));
    it[0].fixed = 5;
    it[1].fixed = 10;
    layout_agenda(it, 2, 30);
    INT_EQ(it[0].minutes, 10);
    INT_EQ(it[1].minutes, 20);
    layout_agenda(it, 2, -3);
    INT_EQ(agenda_sum(it, 2), 0);
    layout_agenda(it, 0, 30);
}

/* The runs of block b as "text|style" pieces joined by " / ". */
static const char *runs_of(const struct md_block *b)
{
    static char out[512];
    size_t i, n = 0;

    out[0] = '\0';
    for (i = 0; i < b->nruns; i++)
        n += (size_t)snprintf(out + n, sizeof(out) - n, "%s%.*s|%d",
                              i ? " / " : "", (int)b->runs[i].len,
                              b->runs[i].text, b->runs[i].style);
    return out;
}

static void test_md_inline(void)
{
    struct md_doc doc = { 0 };
    const char *text = "Adds **+6 points** of *win rate*, see `run.py` "
                       "and ***both***";

    md_parse(&doc, text, strlen(text));
    INT_EQ(doc.nblocks, 1);
    STR_EQ(runs_of(&doc.blocks[0]),
           "Adds |0 / +6 points|1 /  of |0 / win rate|2 / , see |0 / "
           "run.py|4 /  and |0 / both|3");
    STR_EQ(doc.blocks[0].marker, "");
    md_doc_release(&doc);

    /* Soft breaks become spaces, hard breaks newlines; smart dashes and
     * quotes; invalid UTF-8 becomes U+FFFD. */
    text = "one\ntwo  \nthree -- \"q\" \xff";
    md_parse(&doc, text, strlen(text));
    STR_EQ(doc.blocks[0].text.ptr, "one two\nthree \xe2\x80\x93 "
           "\xe2\x80\x9cq\xe2\x80\x9d \xef\xbf\xbd");
    md_doc_release(&doc);

    md_parse(&doc, "   \n\n", 5);
    INT_EQ(doc.nblocks, 0);
    md_doc_release(&doc);
}

static void test_md_blocks(void)
{
    struct md_doc doc = { 0 };
    struct buf flat = BUF_INIT;
    const char *text = "# Title\n\n- a\n- b\n  1. c\n  2) d\n\n"
                       "```\ncode\nblock\n```\n\n> quoted\n";

    md_parse(&doc, text, strlen(text));
    INT_EQ(doc.nblocks, 7);
    STR_EQ(runs_of(&doc.blocks[0]), "Title|1");
    STR_EQ(doc.blocks[1].marker, "\xe2\x80\xa2");
    INT_EQ(doc.blocks[1].level, 1);
    STR_EQ(doc.blocks[3].marker, "1.");
    STR_EQ(doc.blocks[4].marker, "2)"); /* a new list: other delimiter */
    INT_EQ(doc.blocks[4].level, 2);
    STR_EQ(runs_of(&doc.blocks[5]), "code\nblock|4");
    INT_EQ(doc.blocks[5].level, 0);
    STR_EQ(runs_of(&doc.blocks[6]), "quoted|2");
    md_flatten(&doc, &flat);
    STR_EQ(flat.ptr, "Title a b c d code\nblock quoted");

    /* Appending keeps earlier runs valid when the text moves. */
    md_append(&doc, " \xe2\x80\x94 exp", 8);
    STR_EQ(runs_of(&doc.blocks[6]), "quoted|2 /  \xe2\x80\x94 exp|8");
    md_doc_release(&doc);
    md_append(&doc, "alone", 8);
    INT_EQ(doc.nblocks, 1);
    STR_EQ(runs_of(&doc.blocks[0]), "alone|8");
    md_doc_release(&doc);
    buf_release(&flat);
}

int main(void)
{
    RUN(test_wrap_words);
    RUN(test_wrap_long_words);
    RUN(test_wrap_breaks);
    RUN(test_wrap_styled);
    RUN(test_truncate);
    RUN(test_ellipsize);
    RUN(test_columns);
    RUN(test_paginate);
    RUN(test_agenda);
    RUN(test_md_inline);
    RUN(test_md_blocks);
    return harness_finish("test_layout");
}
