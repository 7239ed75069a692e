/* SPDX-License-Identifier: MIT */
/*
 * Runs the official Mustache spec against tmpl_render(). The spec files are
 * vendored in tests/spec/mustache/ (github.com/mustache/spec, MIT); each test
 * registers its partials, renders its template with its data and must give
 * the expected text byte for byte. The required modules run, plus the
 * optional inheritance and dynamic-names ones; lambdas are not implemented.
 * Files are found under $LABLOG_TOP (set by tests/run.sh), default ".".
 */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "render/tmpl.h"
#include "util/buf.h"
#include "util/err.h"

static const char *const spec_files[] = {
    "comments", "delimiters", "interpolation", "inverted",
    "partials", "sections",   "~inheritance",  "~dynamic-names",
};

/* Partials come from the test's "partials" object. */
static int spec_partial(void *ctx, const char *name, const char **text_out,
                        size_t *len_out)
{
    const json_t *v = json_object_get(ctx, name);

    if (!json_is_string(v))
        return LL_ENOTFOUND;
    *text_out = json_string_value(v);
    *len_out = json_string_length(v);
    return 0;
}

/* Prints s[0..len) as a JSON string so whitespace shows. */
static void show(const char *label, const char *s, size_t len)
{
    json_t *str = json_stringn(s, len);
    char *text = str ? json_dumps(str, JSON_ENCODE_ANY) : NULL;

    fprintf(stderr, "  %-9s %s\n", label, text ? text : s);
    free(text);
    json_decref(str);
}

static void run_case(const char *file, const json_t *test)
{
    const char *name = json_string_value(json_object_get(test, "name"));
    const json_t *tmpl = json_object_get(test, "template");
    const json_t *want = json_object_get(test, "expected");
    struct tmpl_opts opts = { 0 };
    struct buf out = BUF_INIT;
    int rc, ok;

    opts.partial = spec_partial;
    opts.partial_ctx = json_object_get(test, "partials");
    opts.name = name;
    rc = tmpl_render(&out, json_string_value(tmpl), json_string_length(tmpl),
                     json_object_get(test, "data"), &opts);
    ok = rc == 0 && out.len == json_string_length(want) &&
         memcmp(out.ptr, json_string_value(want), out.len) == 0;
    harness_ok(ok, __FILE__, __LINE__, name ? name : "?");
    if (!ok) {
        fprintf(stderr, "  file:     %s.json\n", file);
        show("template:", json_string_value(tmpl), json_string_length(tmpl));
        show("expected:", json_string_value(want), json_string_length(want));
        if (rc)
            fprintf(stderr, "  error:    %s\n", ll_error_message());
        else
            show("got:", out.ptr, out.len);
    }
    buf_release(&out);
}

static void run_file(const char *top, const char *file)
{
    struct buf path = BUF_INIT;
    json_error_t jerr;
    json_t *doc, *tests;
    size_t i;

    buf_printf(&path, "%s/tests/spec/mustache/%s.json", top, file);
    harness.current = file;
    doc = json_load_file(path.ptr, 0, &jerr);
    tests = json_object_get(doc, "tests");
    OK(json_is_array(tests));
    if (!json_is_array(tests))
        fprintf(stderr, "  cannot read %s: %s\n", path.ptr, jerr.text);
    for (i = 0; i < json_array_size(tests); i++)
        run_case(file, json_array_get(tests, i));
    json_decref(doc);
    buf_release(&path);
}

int main(void)
{
    const char *top = getenv("LABLOG_TOP");
    size_t i;

    if (!top || !*top)
        top = ".";
    for (i = 0; i < sizeof(spec_files) / sizeof(spec_files[0]); i++)
        run_file(top, spec_files[i]);
    return harness_finish("spec_mustache");
}
