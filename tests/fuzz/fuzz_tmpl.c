/* SPDX-License-Identifier: MIT */
/*
 * The Mustache engine with a fuzzed template and a fuzzed context. Input:
 * TEMPLATE, a NUL byte, then the context as JSON (when it is not valid
 * JSON, the bytes become string values of a small fixed context instead).
 * The partial "self" is the template itself (recursion must stop at
 * TMPL_MAX_DEPTH); any other partial name is rendered as its own text.
 * The escaper is chosen by the length of the input.
 */
#include <jansson.h>
#include <string.h>

#include "fuzz.h"
#include "render/escape.h"
#include "render/tmpl.h"
#include "util/buf.h"

struct partials {
    const char *self;
    size_t self_len;
};

static int partial(void *ctx, const char *name, const char **text_out,
                   size_t *len_out)
{
    const struct partials *p = ctx;

    if (strcmp(name, "self") == 0) {
        *text_out = p->self;
        *len_out = p->self_len;
    } else {
        *text_out = name;
        *len_out = strlen(name);
    }
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static tmpl_escape_fn *const escapes[] = {
        tmpl_escape_html, escape_md_inline, escape_slack, escape_none
    };
    const char *s = (const char *)data;
    const char *nul = memchr(s, '\0', size);
    size_t tlen = nul ? (size_t)(nul - s) : size;
    struct partials parts = { s, tlen };
    struct tmpl_opts o;
    struct buf out = BUF_INIT;
    json_t *ctx = NULL;

    if (nul)
        ctx = json_loadb(nul + 1, size - tlen - 1,
                         JSON_DECODE_ANY | JSON_ALLOW_NUL, NULL);
    if (!ctx) {
        json_t *list = json_array();
        const char *rest = nul ? nul + 1 : "";
        size_t rlen = nul ? size - tlen - 1 : 0;

        ctx = json_object();
        json_object_set_new(ctx, "x", json_stringn_nocheck(rest, rlen));
        json_array_append_new(list, json_stringn_nocheck(rest, rlen));
        json_array_append_new(list, json_integer((json_int_t)rlen));
        json_array_append_new(list, json_false());
        json_object_set_new(ctx, "list", list);
        json_object_set_new(ctx, "t", json_true());
    }
    memset(&o, 0, sizeof(o));
    o.escape = escapes[size % 4];
    o.partial = partial;
    o.partial_ctx = &parts;
    o.name = "fuzz";
    tmpl_render(&out, s, tlen, ctx, &o);
    buf_release(&out);
    json_decref(ctx);
    return 0;
}
