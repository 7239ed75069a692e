/* SPDX-License-Identifier: MIT */
/*
 * Tests of proc/outlines (cleaning output lines, splitting chunks, the
 * tail's bounds) and ingest/metricline's Python dict conversion.
 */
#include "harness.h"

#include <stdlib.h>

#include "ingest/metricline.h"
#include "proc/outlines.h"
#include "util/buf.h"

static void clean_is(const char *raw, const char *want)
{
    struct buf b = BUF_INIT;

    outlines_clean(&b, raw, strlen(raw));
    STR_EQ(b.ptr, want);
    buf_release(&b);
}

static void test_clean(void)
{
    clean_is("plain text\twith tab", "plain text\twith tab");
    clean_is("crlf\r", "crlf");
    clean_is("\x1b[31merror\x1b[0m: bad", "error: bad");
    clean_is("\x1b]0;title\a after osc", " after osc");
    /* A progress bar redrawn with \r: its final state. */
    clean_is(" 10%|#   |\r 50%|##  |\r100%|####|", "100%|####|");
    /* A cleared line after the last \r does not hide the text before. */
    clean_is("epoch 1 done\r\x1b[K", "epoch 1 done");
    clean_is("bell\a and nul", "bell and nul");
    clean_is("bad \xff utf8 \xc3\xa9", "bad \xef\xbf\xbd utf8 \xc3\xa9");
    clean_is("trailing blanks   \r", "trailing blanks   ");
}

struct got {
    struct buf text;
    int lines, cut;
};

static void collect(void *ctx, int stream, size_t lineno, const char *line,
                    size_t len, int cut)
{
    struct got *g = ctx;

    buf_printf(&g->text, "%d.%zu:%.*s|", stream, lineno, (int)len, line);
    g->lines++;
    g->cut += cut;
}

static void feed_str(struct outlines *o, int stream, const char *s)
{
    outlines_feed(o, stream, s, strlen(s));
}

static void test_split(void)
{
    struct got g = { BUF_INIT, 0, 0 };
    struct outlines *o = outlines_new(collect, &g);
    struct buf tail = BUF_INIT;

    /* Only lines that may be metric lines reach the callback; all count. */
    feed_str(o, 1, "lone\nplain\n{tw");
    feed_str(o, 2, "lerr line\n");
    feed_str(o, 1, "o}\n  \x1b[1mlthree");
    STR_EQ(g.text.ptr, "1.1:lone|2.1:lerr line|1.3:{two}|");
    outlines_finish(o);
    STR_EQ(g.text.ptr, "1.1:lone|2.1:lerr line|1.3:{two}|1.4:  lthree|");
    outlines_tail(o, &tail);
    STR_EQ(tail.ptr, "lone\nplain\nlerr line\n{two}\n  lthree\n");
    INT_EQ(outlines_tail_lines(o), 5);
    buf_release(&tail);
    buf_release(&g.text);
    outlines_free(o);
}

static void test_long_line(void)
{
    struct got g = { BUF_INIT, 0, 0 };
    struct outlines *o = outlines_new(collect, &g);
    size_t n = OUTLINES_MAX_LINE + 100, i;
    char *big = malloc(n);

    memset(big, 'l', n);
    for (i = 0; i < n; i += 1000)
        outlines_feed(o, 1, big + i, n - i < 1000 ? n - i : 1000);
    feed_str(o, 1, "\nlnext\n");
    INT_EQ(g.lines, 2);
    INT_EQ(g.cut, 1);
    free(big);
    buf_release(&g.text);
    outlines_free(o);
}

static void test_tail_bounds(void)
{
    struct outlines *o = outlines_new(NULL, NULL);
    struct buf tail = BUF_INIT;
    char line[64];
    int i;

    /* More lines than the tail keeps: the last 200. */
    for (i = 0; i < 1000; i++) {
        snprintf(line, sizeof(line), "line %d\n", i);
        outlines_feed(o, i % 2 + 1, line, strlen(line));
    }
    outlines_tail(o, &tail);
    INT_EQ(outlines_tail_lines(o), OUTLINES_TAIL_LINES);
    OK(strncmp(tail.ptr, "line 800\n", 9) == 0);
    OK(strstr(tail.ptr, "line 999\n") != NULL);
    buf_release(&tail);
    /* Long lines: bounded by bytes, each line cut at 4 KiB. */
    for (i = 0; i < 100; i++) {
        char big[3000];

        memset(big, 'a' + i % 26, sizeof(big) - 1);
        big[sizeof(big) - 1] = '\n';
        outlines_feed(o, 1, big, sizeof(big));
    }
    outlines_tail(o, &tail);
    OK(tail.len <= OUTLINES_TAIL_BYTES);
    OK(tail.len > OUTLINES_TAIL_BYTES - 3000);
    OK(tail.ptr[tail.len - 1] == '\n');
    buf_release(&tail);
    outlines_free(o);
}

static void dict_is(const char *py, const char *want)
{
    struct buf b = BUF_INIT;
    int rc = metricline_pydict_to_json(&b, py, strlen(py));

    if (want) {
        INT_EQ(rc, 0);
        STR_EQ(b.ptr, want);
    } else {
        INT_EQ(rc, -1);
    }
    buf_release(&b);
}

/* Lines fed in big chunks (how output comes) keep the tail that feeding
 * them one at a time keeps: only a chunk's last lines are copied to it. */
static void test_tail_chunks(void)
{
    static const size_t sizes[] = { 1, 7, 100, 4096, 65536, 1 << 20 };
    struct buf all = BUF_INIT, want = BUF_INIT, got = BUF_INIT;
    struct outlines *o = outlines_new(NULL, NULL);
    size_t i, at;

    buf_puts(&all, "partial start ");
    for (i = 0; i < 5000; i++) {
        buf_printf(&all, "%s %zu\n", i % 3 ? "line" : "", i);
        if (i % 997 == 0)
            buf_puts(&all, "\n\n");
        if (i % 1999 == 0)
            buf_puts(&all, "long line of text that goes on\r\x1b[1mx\n");
    }
    buf_puts(&all, "no newline at the end");
    for (at = 0; at < all.len; at++)
        outlines_feed(o, 1, all.ptr + at, 1);
    outlines_finish(o);
    outlines_tail(o, &want);
    INT_EQ(outlines_tail_lines(o), OUTLINES_TAIL_LINES);
    INT_EQ(outlines_lines_seen(o), 5000 + 2 * 6 + 3 + 1);
    outlines_free(o);
    for (i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
        o = outlines_new(NULL, NULL);
        for (at = 0; at < all.len; at += sizes[i])
            outlines_feed(o, 1, all.ptr + at,
                          all.len - at < sizes[i] ? all.len - at : sizes[i]);
        outlines_finish(o);
        buf_reset(&got);
        outlines_tail(o, &got);
        STR_EQ(got.ptr, want.ptr);
        INT_EQ(outlines_lines_seen(o), 5000 + 2 * 6 + 3 + 1);
        outlines_free(o);
    }
    buf_release(&all);
    buf_release(&want);
    buf_release(&got);
}

static void test_pydict(void)
{
    dict_is("{'loss': 0.52, 'learning_rate': 3e-05, 'epoch': 1.0}",
            "{\"loss\":0.52,\"learning_rate\":3e-05,\"epoch\":1.0}");
    dict_is("{'a': 3., 'b': .5, 'c': +2, 'd': 1e400}",
            "{\"a\":3,\"b\":0.5,\"c\":2,\"d\":Infinity}");
    dict_is("{'step': 12345678901234567, 'ok': True, 'x': None}",
            "{\"step\":12345678901234567,\"ok\":true,\"x\":null}");
    dict_is("{'a': nan, 'b': inf, 'c': -inf}",
            "{\"a\":NaN,\"b\":Infinity,\"c\":-Infinity}");
    dict_is("{'t': tensor(0.5, device='cuda:0'), 'n': np.float64(2.5)}",
            "{\"t\":0.5,\"n\":2.5}");
    dict_is("{'s': 'it\\'s \"q\"', 'l': [1, (2, 3)], 'd': {'k': 1},}",
            "{\"s\":\"it's \\\"q\\\"\",\"l\":[1,[2,3]],\"d\":{\"k\":1}}");
    dict_is("{1: 2}", "{\"1\":2}");
    dict_is("{}", "{}");
    dict_is("{'a': 1} trailing", NULL);
    dict_is("{'a': 1", NULL);
    dict_is("{not a dict}", NULL);
    dict_is("{'a': 1_000}", NULL);
    dict_is("[1, 2]", NULL);
}

static void test_modes(void)
{
    int m = -1;

    INT_EQ(metricline_modes("json,dict", &m), 0);
    INT_EQ(m, METRICLINE_JSON | METRICLINE_DICT);
    INT_EQ(metricline_modes("lablog", &m), 0);
    INT_EQ(m, 0);
    OK(metricline_modes("yaml", &m) < 0);
}

int main(void)
{
    RUN(test_clean);
    RUN(test_split);
    RUN(test_long_line);
    RUN(test_tail_bounds);
    RUN(test_tail_chunks);
    RUN(test_pydict);
    RUN(test_modes);
    return harness_finish("outlines");
}
