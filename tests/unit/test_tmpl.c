/* SPDX-License-Identifier: MIT */
/*
 * Tests of render/tmpl.c beyond the Mustache spec (tests/spec): error
 * messages and their line numbers, the nesting guard, a custom escape
 * function, number formatting, truthiness, and large inputs.
 */
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "render/tmpl.h"
#include "util/buf.h"
#include "util/err.h"

/* Partials for the tests: NULL-terminated name, text pairs. */
static const char *const partials[] = {
    "self",   "x{{>self}}",
    "bad",    "ok\n{{#x}}\n",
    "parent", "{{<parent}}{{/parent}}",
    "line",   "[{{.}}]\n",
    NULL,
};

static int test_partial(void *ctx, const char *name, const char **text_out,
                        size_t *len_out)
{
    const char *const *p;

    (void)ctx;
    if (strcmp(name, "io") == 0)
        return ll_error(LL_EIO, "io: cannot read");
    for (p = partials; *p; p += 2) {
        if (strcmp(*p, name) == 0) {
            *text_out = p[1];
            *len_out = strlen(p[1]);
            return 0;
        }
    }
    return LL_ENOTFOUND;
}

static struct buf got = BUF_INIT;
static int got_rc;

/* Renders tmpl against the JSON text data; returns the output, or
 * "error: MESSAGE" on failure (borrowed until the next call). */
static const char *render_opts(const char *tmpl, const char *data,
                               const struct tmpl_opts *opts)
{
    json_t *ctx = data ? json_loads(data, JSON_DECODE_ANY, NULL) : NULL;

    buf_reset(&got);
    got_rc = tmpl_render(&got, tmpl, strlen(tmpl), ctx, opts);
    if (got_rc) {
        buf_reset(&got);
        buf_printf(&got, "error: %s", ll_error_message());
    }
    json_decref(ctx);
    return got.ptr;
}

static const char *render(const char *tmpl, const char *data)
{
    struct tmpl_opts opts = { 0 };

    opts.partial = test_partial;
    opts.name = "t.mustache";
    return render_opts(tmpl, data, &opts);
}

static void test_errors(void)
{
    STR_EQ(render("a\n{{#x}}\nb\n", "{}"),
           "error: t.mustache:2: unclosed section 'x'");
    INT_EQ(got_rc, LL_EINPUT);
    STR_EQ(render("{{#a}}\n{{/b}}", "{}"),
           "error: t.mustache:2: closing tag 'b' does not match section "
           "'a' opened on line 1");
    STR_EQ(render("x\n\n{{/a}}", "{}"),
           "error: t.mustache:3: closing tag 'a' has no open section");
    STR_EQ(render("ok\n{{name", "{}"),
           "error: t.mustache:2: unclosed tag (no '}}')");
    STR_EQ(render("{{{x}}", "{}"),
           "error: t.mustache:1: unclosed tag (no '}}}')");
    STR_EQ(render("{{=<% %>=}}\n<%x}}", "{}"),
           "error: t.mustache:2: unclosed tag (no '%>')");
    STR_EQ(render("\n{{=<%>=}}", "{}"),
           "error: t.mustache:2: bad set-delimiter tag (want "
           "'=OPEN CLOSE=')");
    STR_EQ(render("{{! a\nb }}{{ }}", "{}"), "error: t.mustache:2: empty tag");
    STR_EQ(render("{{<p}}{{$b}}", "{}"),
           "error: t.mustache:1: unclosed block 'b'");
    INT_EQ(got_rc, LL_EINPUT);
    /* Errors inside a partial name the partial. */
    STR_EQ(render("{{>bad}}", "{}"), "error: bad:2: unclosed section 'x'");
    /* A failing partial lookup keeps its own code and message. */
    STR_EQ(render("{{>io}}", "{}"), "error: io: cannot read");
    INT_EQ(got_rc, LL_EIO);
    /* Without opts the name is "template". */
    STR_EQ(render_opts("{{#x}}", "{}", NULL),
           "error: template:1: unclosed section 'x'");
}

static void test_depth(void)
{
    struct buf t = BUF_INIT;
    int i;

    for (i = 0; i < TMPL_MAX_DEPTH; i++)
        buf_puts(&t, "{{#a}}");
    buf_puts(&t, "{{b}}");
    for (i = 0; i < TMPL_MAX_DEPTH; i++)
        buf_puts(&t, "{{/a}}");
    STR_EQ(render(t.ptr, "{\"a\":true,\"b\":\"deep\"}"), "deep");
    buf_reset(&t);
    for (i = 0; i < TMPL_MAX_DEPTH + 1; i++)
        buf_printf(&t, "{{#a}}\n");
    STR_EQ(render(t.ptr, "{}"),
           "error: t.mustache:101: sections nested deeper than 100 levels");
    INT_EQ(got_rc, LL_EINPUT);
    STR_EQ(render("{{>self}}", "{}"),
           "error: self:1: sections and partials nested deeper than 100 "
           "levels");
    INT_EQ(got_rc, LL_EINPUT);
    STR_EQ(render("{{<parent}}{{/parent}}", "{}"),
           "error: parent:1: sections and partials nested deeper than 100 "
           "levels");
    buf_release(&t);
}

/* Escapes Markdown emphasis for the test. */
static void escape_stars(struct buf *out, const char *s, size_t len)
{
    size_t i;

    for (i = 0; i < len; i++) {
        if (s[i] == '*' || s[i] == '_')
            buf_putc(out, '\\');
        buf_putc(out, s[i]);
    }
}

static void test_escape(void)
{
    struct tmpl_opts opts = { 0 };
    struct buf out = BUF_INIT;

    opts.escape = escape_stars;
    STR_EQ(render_opts("{{x}} {{{x}}} {{&x}} <{{n}}>", "{\"x\":\"*a_b*\","
                       "\"n\":-1.5}", &opts),
           "\\*a\\_b\\* *a_b* *a_b* <-1.5>");
    STR_EQ(render("{{x}}|{{{x}}}", "{\"x\":\"<a href=\\\"?a&b\\\">'\"}"),
           "&lt;a href=&quot;?a&amp;b&quot;&gt;'|<a href=\"?a&b\">'");
    tmpl_escape_html(&out, "a&b", 3);
    tmpl_escape_html(&out, "", 0);
    STR_EQ(out.ptr, "a&amp;b");
    buf_release(&out);
}

static void test_numbers(void)
{
    STR_EQ(render("{{a}} {{b}} {{c}} {{d}} {{e}} {{f}} {{g}}",
                  "{\"a\":1.21,\"b\":5.0,\"c\":0.1,\"d\":-7,\"e\":1e300,"
                  "\"f\":0.30000000000000004,\"g\":0.3333333333333333}"),
           "1.21 5 0.1 -7 1e+300 0.30000000000000004 0.3333333333333333");
    STR_EQ(render("{{a}} {{b}} {{c}}", "{\"a\":9007199254740993,"
                  "\"b\":-9223372036854775808,\"c\":2.5e-7}"),
           "9007199254740993 -9223372036854775808 2.5e-07");
    STR_EQ(render("[{{t}} {{f}} {{n}} {{{l}}} {{{o}}}]",
                  "{\"t\":true,\"f\":false,\"n\":null,\"l\":[1,\"x\"],"
                  "\"o\":{\"k\":{}}}"),
           "[true false  [1,\"x\"] {\"k\":{}}]");
}

static void test_truthiness(void)
{
    const char *tmpl = "{{#v}}T{{/v}}{{^v}}F{{/v}}";

    STR_EQ(render(tmpl, "{\"v\":\"\"}"), "T");
    STR_EQ(render(tmpl, "{\"v\":0}"), "T");
    STR_EQ(render(tmpl, "{\"v\":{}}"), "T");
    STR_EQ(render(tmpl, "{\"v\":[]}"), "F");
    STR_EQ(render(tmpl, "{\"v\":null}"), "F");
    STR_EQ(render(tmpl, "{\"v\":false}"), "F");
    STR_EQ(render(tmpl, "{}"), "F");
    /* NULL context and NULL options. */
    STR_EQ(render_opts("a{{x}}{{#y}}no{{/y}}b", NULL, NULL), "ab");
}

static void test_standalone_partial_in_section(void)
{
    STR_EQ(render("<ul>\n  {{#items}}\n  {{>line}}\n  {{/items}}\n</ul>\n",
                  "{\"items\":[1,2]}"),
           "<ul>\n  [1]\n  [2]\n</ul>\n");
}

static void test_large(void)
{
    struct buf t = BUF_INIT, data = BUF_INIT, want = BUF_INIT;
    int i;

    /* A 1 MB template. */
    while (t.len < 1024 * 1024) {
        buf_puts(&t, "line {{n}} &amp; {{#s}}[{{.}}]{{/s}}\n");
        buf_puts(&want, "line 7 &amp; [1][2]\n");
    }
    STR_EQ(render(t.ptr, "{\"n\":7,\"s\":[1,2]}"), want.ptr);
    INT_EQ(got.len, want.len);

    /* A list of 10,000 items. */
    buf_reset(&t);
    buf_reset(&want);
    buf_puts(&data, "{\"items\":[");
    for (i = 0; i < 10000; i++) {
        buf_printf(&data, "%s{\"id\":%d,\"name\":\"n<%d>\"}", i ? "," : "",
                   i, i);
        buf_printf(&want, "- %d n&lt;%d&gt;\n", i, i);
    }
    buf_puts(&data, "]}");
    STR_EQ(render("{{#items}}\n- {{id}} {{name}}\n{{/items}}\n", data.ptr),
           want.ptr);
    buf_release(&t);
    buf_release(&data);
    buf_release(&want);
}

int main(void)
{
    RUN(test_errors);
    RUN(test_depth);
    RUN(test_escape);
    RUN(test_numbers);
    RUN(test_truthiness);
    RUN(test_standalone_partial_in_section);
    RUN(test_large);
    buf_release(&got);
    return harness_finish("test_tmpl");
}
