/* SPDX-License-Identifier: MIT */
/*
 * Metric lines in program output (see metricline.h): the "lablog: k=v"
 * form, JSON objects, and Python dict reprs, which are rewritten as JSON and
 * then take the JSON path, so both agree on steps, times and special keys.
 */
#include "ingest/metricline.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ingest/ingest.h"
#include "util/buf.h"
#include "util/err.h"
#include "util/num.h"
#include "util/xalloc.h"

/* Nesting deeper than this is not a metrics dict. */
#define MAX_DEPTH 32

int metricline_modes(const char *text, int *modes_out)
{
    const char *p = text;

    *modes_out = 0;
    while (*p) {
        size_t n = strcspn(p, ",");

        if (n == 4 && strncmp(p, "json", 4) == 0)
            *modes_out |= METRICLINE_JSON;
        else if (n == 4 && strncmp(p, "dict", 4) == 0)
            *modes_out |= METRICLINE_DICT;
        else if (!(n == 6 && strncmp(p, "lablog", 6) == 0))
            return ll_error(LL_EUSAGE, "--parse: unknown format '%.*s' "
                            "(lablog, json or dict)", (int)n, p);
        p += n;
        if (*p == ',')
            p++;
    }
    return 0;
}

/* ---- lablog: k=v ------------------------------------------------------ */

struct kv {
    char *key;
    double value;
};

/* The pair that gives the step, by the precedence of metricline.h, or -1. */
static int kv_step_index(const struct kv *kv, size_t n)
{
    static const char *const keys[] = { "step", "global_step", "_step" };
    size_t k, i;

    for (k = 0; k < sizeof(keys) / sizeof(keys[0]); k++)
        for (i = 0; i < n; i++)
            if (strcmp(kv[i].key, keys[k]) == 0)
                return (int)i;
    for (i = 0; i < n; i++)
        if (strcmp(kv[i].key, "epoch") == 0 && kv[i].value >= 0
            && kv[i].value < 9e15 && kv[i].value == floor(kv[i].value))
            return (int)i;
    return -1;
}

static int is_step_key(const char *key)
{
    return !strcmp(key, "step") || !strcmp(key, "global_step")
           || !strcmp(key, "_step");
}

static int kv_line(struct ingest *in, int64_t exp, const char *text,
                   size_t len, size_t lineno, int *matched)
{
    struct kv *kv = NULL;
    size_t n = 0, cap = 0, i;
    char *copy = xstrndup(text, len), *tok, *save = NULL, *eq;
    int64_t step = -1;
    int rc = 0, si;

    for (tok = strtok_r(copy, " \t", &save); tok;
         tok = strtok_r(NULL, " \t", &save)) {
        eq = strchr(tok, '=');
        if (!eq || eq == tok) {
            /* "lablog: error: ..." from a nested lablog is not data. */
            if (n == 0 && !strchr(save ? save : "", '='))
                goto cleanup;
            rc = ll_error(LL_EINPUT, "stdout:%zu: expected METRIC=VALUE, "
                          "not '%s'", lineno, tok);
            goto cleanup;
        }
        *eq = '\0';
        XGROW(kv, n + 1, cap);
        kv[n].key = tok;
        if (num_parse(eq + 1, &kv[n].value)) {
            rc = ll_error(LL_EINPUT, "stdout:%zu: '%s' is not a number "
                          "(metric '%s')", lineno, eq + 1, tok);
            goto cleanup;
        }
        n++;
    }
    si = kv_step_index(kv, n);
    if (si >= 0) {
        double v = kv[si].value;

        /* Range first: casting NaN, inf or >= 2^63 is UB. */
        if (!(v >= 0 && v < 9223372036854775808.0) || v != floor(v)) {
            rc = ll_error(LL_EINPUT, "stdout:%zu: %s must be a "
                          "non-negative integer", lineno, kv[si].key);
            goto cleanup;
        }
        step = (int64_t)v;
    }
    *matched = n > 0;
    for (i = 0; rc == 0 && i < n; i++)
        if ((int)i != si && !is_step_key(kv[i].key))
            rc = ingest_point(in, exp, kv[i].key, step, kv[i].value, 0);
cleanup:
    free(kv);
    free(copy);
    return rc;
}

/* ---- Python dict repr -> JSON --------------------------------------- */

struct py {
    const char *s;
    size_t i, len;
    struct buf *out;
    int depth;
};

static void py_ws(struct py *p)
{
    while (p->i < p->len && (p->s[p->i] == ' ' || p->s[p->i] == '\t'))
        p->i++;
}

static int py_peek(struct py *p)
{
    py_ws(p);
    return p->i < p->len ? (unsigned char)p->s[p->i] : -1;
}

static int is_ident_char(int c, int first)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_'
           || (!first && ((c >= '0' && c <= '9') || c == '.'));
}

/* Appends code point cp as UTF-8 (U+FFFD for NUL and invalid ones). */
static void put_utf8(struct buf *b, unsigned long cp)
{
    if (cp == 0 || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
        cp = 0xfffd;
    if (cp < 0x80) {
        buf_putc(b, (int)cp);
    } else if (cp < 0x800) {
        buf_putc(b, (int)(0xc0 | (cp >> 6)));
        buf_putc(b, (int)(0x80 | (cp & 0x3f)));
    } else if (cp < 0x10000) {
        buf_putc(b, (int)(0xe0 | (cp >> 12)));
        buf_putc(b, (int)(0x80 | ((cp >> 6) & 0x3f)));
        buf_putc(b, (int)(0x80 | (cp & 0x3f)));
    } else {
        buf_putc(b, (int)(0xf0 | (cp >> 18)));
        buf_putc(b, (int)(0x80 | ((cp >> 12) & 0x3f)));
        buf_putc(b, (int)(0x80 | ((cp >> 6) & 0x3f)));
        buf_putc(b, (int)(0x80 | (cp & 0x3f)));
    }
}

static int hex_digits(struct py *p, size_t n, unsigned long *out)
{
    size_t k;

    *out = 0;
    if (p->i + n > p->len)
        return -1;
    for (k = 0; k < n; k++) {
        int c = p->s[p->i + k];
        int d = c >= '0' && c <= '9'   ? c - '0'
                : c >= 'a' && c <= 'f' ? c - 'a' + 10
                : c >= 'A' && c <= 'F' ? c - 'A' + 10
                                       : -1;

        if (d < 0)
            return -1;
        *out = *out * 16 + (unsigned long)d;
    }
    p->i += n;
    return 0;
}

/* A quoted Python string, written as a JSON string. */
static int py_string(struct py *p)
{
    struct buf text = BUF_INIT;
    char quote = p->s[p->i++];
    size_t k;
    int rc = -1;

    while (p->i < p->len && p->s[p->i] != quote) {
        char c = p->s[p->i++];
        unsigned long cp;

        if (c != '\\') {
            buf_putc(&text, c);
            continue;
        }
        if (p->i >= p->len)
            goto cleanup;
        c = p->s[p->i++];
        switch (c) {
        case 'n': buf_putc(&text, '\n'); break;
        case 't': buf_putc(&text, '\t'); break;
        case 'r': buf_putc(&text, '\r'); break;
        case 'x':
            if (hex_digits(p, 2, &cp))
                goto cleanup;
            put_utf8(&text, cp);
            break;
        case 'u':
            if (hex_digits(p, 4, &cp))
                goto cleanup;
            put_utf8(&text, cp);
            break;
        case 'U':
            if (hex_digits(p, 8, &cp))
                goto cleanup;
            put_utf8(&text, cp);
            break;
        default: buf_putc(&text, c); break; /* \\ \' \" and the rest */
        }
    }
    if (p->i >= p->len)
        goto cleanup;
    p->i++;
    buf_putc(p->out, '"');
    for (k = 0; k < text.len; k++) {
        unsigned char c = (unsigned char)text.ptr[k];

        if (c == '"' || c == '\\')
            buf_printf(p->out, "\\%c", c);
        else if (c < 0x20)
            buf_printf(p->out, "\\u%04x", c);
        else
            buf_putc(p->out, c);
    }
    buf_putc(p->out, '"');
    rc = 0;
cleanup:
    buf_release(&text);
    return rc;
}

/* Whether tok is already a JSON number (most Python reprs are). */
static int json_number(const char *t)
{
    if (*t == '-')
        t++;
    if (*t == '0')
        t++;
    else if (*t >= '1' && *t <= '9')
        while (*t >= '0' && *t <= '9')
            t++;
    else
        return 0;
    if (*t == '.') {
        if (!(*++t >= '0' && *t <= '9'))
            return 0;
        while (*t >= '0' && *t <= '9')
            t++;
    }
    if (*t == 'e' || *t == 'E') {
        t++;
        if (*t == '+' || *t == '-')
            t++;
        if (!(*t >= '0' && *t <= '9'))
            return 0;
        while (*t >= '0' && *t <= '9')
            t++;
    }
    return *t == '\0';
}

/* A number: integers are copied (steps keep every digit), others are
 * re-spelled as JSON allows. */
static int py_number(struct py *p)
{
    size_t start = p->i, k;
    char tok[64], *end;
    int is_int = 1;
    double v;

    while (p->i < p->len && strchr("0123456789.eE+-_", p->s[p->i]))
        p->i++;
    if (p->i - start >= sizeof(tok) || p->i == start)
        return -1;
    for (k = 0; start + k < p->i; k++) {
        tok[k] = p->s[start + k];
        if (!((tok[k] >= '0' && tok[k] <= '9') || (k == 0 && tok[k] == '-')))
            is_int = 0;
    }
    tok[k] = '\0';
    if (strchr(tok, '_'))
        return -1;
    if (!strcmp(tok, "-") && p->i + 3 <= p->len
        && !strncmp(p->s + p->i, "inf", 3)) {
        p->i += 3;
        buf_puts(p->out, "-Infinity");
        return 0;
    }
    v = strtod(tok, &end);
    if (*end || end == tok)
        return -1;
    if ((is_int && k < 19) || (json_number(tok) && isfinite(v)))
        buf_puts(p->out, tok);
    else if (isinf(v))
        buf_puts(p->out, v > 0 ? "Infinity" : "-Infinity");
    else
        buf_printf(p->out, "%.17g", v);
    return 0;
}

static int py_value(struct py *p);

/* name(...) such as tensor(0.52, device='cuda:0') or np.float64(0.5): the
 * first argument when it is a number, else null. */
static int py_call(struct py *p)
{
    size_t mark = p->out->len;
    int first = 1;

    p->i++; /* ( */
    if (p->depth++ > MAX_DEPTH)
        return -1;
    while (py_peek(p) != ')') {
        size_t at = p->out->len;

        if (py_peek(p) < 0)
            return -1;
        if (!first && py_peek(p) == ',') {
            p->i++;
            continue;
        }
        /* keyword=value */
        if (is_ident_char(py_peek(p), 1)) {
            size_t save = p->i;

            while (p->i < p->len && is_ident_char(p->s[p->i], 0))
                p->i++;
            if (py_peek(p) == '=') {
                p->i++;
                if (py_value(p))
                    return -1;
                buf_truncate(p->out, at);
                first = 0;
                continue;
            }
            p->i = save;
        }
        if (py_value(p))
            return -1;
        if (!first)
            buf_truncate(p->out, at);
        first = 0;
    }
    p->i++;
    p->depth--;
    /* Keep a leading number; anything else reads as null. */
    if (p->out->len == mark || !strchr("-0123456789IN", p->out->ptr[mark])
        || !strncmp(p->out->ptr + mark, "null", 4)) {
        buf_truncate(p->out, mark);
        buf_puts(p->out, "null");
    }
    return 0;
}

static int py_word(struct py *p)
{
    static const struct {
        const char *word, *json;
    } words[] = {
        { "True", "true" },  { "False", "false" },  { "None", "null" },
        { "nan", "NaN" },    { "inf", "Infinity" }, { "NaN", "NaN" },
    };
    size_t start = p->i, n, k;

    while (p->i < p->len && is_ident_char(p->s[p->i], p->i == start))
        p->i++;
    n = p->i - start;
    if (py_peek(p) == '(')
        return py_call(p);
    for (k = 0; k < sizeof(words) / sizeof(words[0]); k++) {
        if (strlen(words[k].word) == n
            && strncmp(p->s + start, words[k].word, n) == 0) {
            buf_puts(p->out, words[k].json);
            return 0;
        }
    }
    return -1;
}

/* dict, list or tuple (a tuple becomes a JSON array). */
static int py_container(struct py *p, int open)
{
    int close = open == '{' ? '}' : open == '[' ? ']' : ')';
    int n = 0;

    if (p->depth++ > MAX_DEPTH)
        return -1;
    p->i++;
    buf_putc(p->out, open == '{' ? '{' : '[');
    for (;;) {
        int c = py_peek(p);

        if (c == close) {
            p->i++;
            break;
        }
        if (c < 0)
            return -1;
        if (n) {
            if (c != ',')
                return -1;
            p->i++;
            if (py_peek(p) == close) { /* trailing comma */
                p->i++;
                break;
            }
            buf_putc(p->out, ',');
        }
        if (open == '{') {
            c = py_peek(p);
            if (c == '\'' || c == '"') {
                if (py_string(p))
                    return -1;
            } else {
                buf_putc(p->out, '"');
                if (py_value(p))
                    return -1;
                buf_putc(p->out, '"');
            }
            if (py_peek(p) != ':')
                return -1;
            p->i++;
            buf_putc(p->out, ':');
        }
        if (py_value(p))
            return -1;
        n++;
    }
    buf_putc(p->out, open == '{' ? '}' : ']');
    p->depth--;
    return 0;
}

static int py_value(struct py *p)
{
    int c = py_peek(p);

    if (c == '{' || c == '[' || c == '(')
        return py_container(p, c);
    if (c == '\'' || c == '"')
        return py_string(p);
    if ((c >= '0' && c <= '9') || c == '-' || c == '+' || c == '.')
        return py_number(p);
    if (c >= 0 && is_ident_char(c, 1))
        return py_word(p);
    return -1;
}

int metricline_pydict_to_json(struct buf *out, const char *text, size_t len)
{
    struct py p = { text, 0, len, out, 0 };

    buf_reset(out);
    if (py_peek(&p) != '{' || py_container(&p, '{') || py_peek(&p) >= 0) {
        buf_reset(out);
        return -1;
    }
    return 0;
}

/* ---- dispatch ----------------------------------------------------------- */

/* Whether a JSON line carries the "lablog" key. */
static int has_marker(const char *line, size_t len)
{
    static const char key[] = "\"lablog\"";
    size_t i;

    for (i = 0; i + sizeof(key) - 1 <= len; i++)
        if (memcmp(line + i, key, sizeof(key) - 1) == 0)
            return 1;
    return 0;
}

int metricline_ingest(struct ingest *in, int64_t exp, int modes,
                      const char *line, size_t len, size_t lineno,
                      int *matched)
{
    struct buf json = BUF_INIT;
    size_t skip = 0;
    int rc = 0;

    *matched = 0;
    while (skip < len && (line[skip] == ' ' || line[skip] == '\t'))
        skip++;
    line += skip;
    len -= skip;
    if (len >= 7 && strncmp(line, "lablog:", 7) == 0)
        return kv_line(in, exp, line + 7, len - 7, lineno, matched);
    if (!len || line[0] != '{')
        return 0;
    if (has_marker(line, len) || (modes & METRICLINE_JSON)) {
        rc = ingest_jsonl_line(in, line, len, lineno);
        if (rc == 0) {
            *matched = 1;
            return 0;
        }
        if (has_marker(line, len))
            return rc;
        rc = 0;
    }
    if ((modes & METRICLINE_DICT)
        && metricline_pydict_to_json(&json, line, len) == 0) {
        rc = ingest_jsonl_line(in, json.ptr, json.len, lineno);
        *matched = rc == 0;
        if (rc == LL_EINPUT)
            rc = 0; /* e.g. a duplicate key: output, not data */
    }
    buf_release(&json);
    return rc;
}
