/* SPDX-License-Identifier: MIT */
/*
 * Output escapers for HTML, Slack mrkdwn and Markdown (see escape.h for the
 * exact rules). The Markdown rules come from the CommonMark 0.30 spec: any
 * ASCII punctuation may be backslash-escaped, so an escape is always safe;
 * the work here is leaving out the escapes that cannot matter, so names and
 * numbers stay readable in the Markdown source.
 */
#include "render/escape.h"

#include <string.h>

void escape_none(struct buf *out, const char *s, size_t len)
{
    buf_put(out, s, len);
}

/* Copies s, replacing every byte that has an entry in repl; plain runs are
 * copied in one go. */
static void replace_bytes(struct buf *out, const char *s, size_t len,
                          const char *const repl[256])
{
    size_t start = 0, i;

    for (i = 0; i < len; i++) {
        const char *r = repl[(unsigned char)s[i]];

        if (!r)
            continue;
        buf_put(out, s + start, i - start);
        buf_puts(out, r);
        start = i + 1;
    }
    buf_put(out, s + start, len - start);
}

void escape_html(struct buf *out, const char *s, size_t len)
{
    static const char *const repl[256] = {
        ['&'] = "&amp;", ['<'] = "&lt;", ['>'] = "&gt;",
        ['"'] = "&quot;", ['\''] = "&#39;",
    };

    replace_bytes(out, s, len, repl);
}

void escape_slack(struct buf *out, const char *s, size_t len)
{
    /* One pass, so "&" is never escaped twice: that is the "& first" rule. */
    static const char *const repl[256] = {
        ['&'] = "&amp;", ['<'] = "&lt;", ['>'] = "&gt;",
    };

    replace_bytes(out, s, len, repl);
}

static int is_space(int c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' ||
           c == '\v';
}

static int is_alnum(int c)
{
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') ||
           (c >= 'A' && c <= 'Z');
}

/* The value being escaped, trimmed to [begin, end). Positions outside the
 * range read as -1 ("unknown: the template decides"). */
struct md_value {
    const char *s;
    size_t begin;   /* first byte after leading whitespace */
    size_t end;     /* one past the last byte before trailing whitespace */
    size_t num_end; /* index of the "." or ")" of a leading list number to
                       escape, or (size_t)-1 */
};

static int at(const struct md_value *v, size_t i, int delta)
{
    if (delta < 0 && i < v->begin + (size_t)-delta)
        return -1;
    if (delta > 0 && i + (size_t)delta >= v->end)
        return -1;
    return (unsigned char)v->s[i + (size_t)delta];
}

/* Ends a block marker: whitespace, or the end of the value. */
static int ends_marker(int c)
{
    return c < 0 || is_space(c);
}

static void find_list_number(struct md_value *v)
{
    size_t i = v->begin;

    v->num_end = (size_t)-1;
    while (i < v->end && v->s[i] >= '0' && v->s[i] <= '9')
        i++;
    if (i == v->begin || i == v->end)
        return;
    if (v->s[i] != '.' && v->s[i] != ')')
        return;
    if (ends_marker(at(v, i, 1)))
        v->num_end = i;
}

/* Whether the byte at i needs a backslash (see escape.h for the rules). */
static int md_needs_escape(const struct md_value *v, size_t i)
{
    int c = (unsigned char)v->s[i];
    int prev = at(v, i, -1), next = at(v, i, 1);
    int first = i == v->begin;

    switch (c) {
    case '\\': case '`': case '*': case '[': case ']': case '<': case '>':
    case '|': case '~': case '{': case '}':
        return 1;
    case '_':
        return !(prev >= 0 && is_alnum(prev) && next >= 0 && is_alnum(next));
    case '#':
        return (first || is_space(prev)) &&
               (next == '#' || ends_marker(next));
    case '=':
        return first && (next == '=' || ends_marker(next));
    case '-':
        return (first && ends_marker(next)) || prev == '-' || next == '-';
    case '+':
        return first && ends_marker(next);
    case '(': case ':':
        return first;
    case '.': case ')':
        return i == v->num_end;
    case '!':
        return next < 0;
    case '&':
        return next < 0 || next == '#' || is_alnum(next);
    default:
        return 0;
    }
}

void escape_md_inline(struct buf *out, const char *s, size_t len)
{
    struct md_value v;
    size_t i;

    v.s = s;
    v.begin = 0;
    v.end = len;
    while (v.begin < v.end && is_space((unsigned char)s[v.begin]))
        v.begin++;
    while (v.end > v.begin && is_space((unsigned char)s[v.end - 1]))
        v.end--;
    find_list_number(&v);
    for (i = v.begin; i < v.end; i++) {
        char c = s[i];

        if (c == '\r' && s[i + 1] == '\n')
            continue;   /* CRLF: the LF makes the one space (i+1 < end) */
        if (c == '\r' || c == '\n') {
            buf_putc(out, ' ');
            continue;
        }
        if (md_needs_escape(&v, i))
            buf_putc(out, '\\');
        buf_putc(out, c);
    }
}

void escape_md_cell(struct buf *out, const char *s, size_t len)
{
    escape_md_inline(out, s, len);
}
