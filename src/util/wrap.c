/* SPDX-License-Identifier: MIT */
/*
 * Terminal text (see wrap.h): decoding bytes into display units (a
 * character, or an escape standing for one), then filling lines with them.
 */
#include "util/wrap.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/buf.h"
#include "util/xalloc.h"

/* [lo, hi] ranges of two-column characters. */
static const uint32_t wide[][2] = {
    { 0x1100, 0x115F }, { 0x2E80, 0x303E }, { 0x3041, 0x33FF },
    { 0x3400, 0x4DBF }, { 0x4E00, 0x9FFF }, { 0xA000, 0xA4CF },
    { 0xAC00, 0xD7A3 }, { 0xF900, 0xFAFF }, { 0xFE30, 0xFE4F },
    { 0xFF00, 0xFF60 }, { 0xFFE0, 0xFFE6 }, { 0x1F300, 0x1F64F },
    { 0x1F900, 0x1F9FF }, { 0x20000, 0x2FFFD }, { 0x30000, 0x3FFFD },
};

int wrap_char_width(uint32_t cp)
{
    size_t i;

    if ((cp >= 0x0300 && cp <= 0x036F) || (cp >= 0x1AB0 && cp <= 0x1AFF)
        || (cp >= 0x20D0 && cp <= 0x20FF) || (cp >= 0xFE20 && cp <= 0xFE2F))
        return 0;
    for (i = 0; i < sizeof(wide) / sizeof(wide[0]); i++)
        if (cp >= wide[i][0] && cp <= wide[i][1])
            return 2;
    return 1;
}

/* Characters shown as an escape rather than themselves. */
static int hidden(uint32_t cp)
{
    return cp < 0x20 || cp == 0x7F || (cp >= 0x80 && cp <= 0x9F)
           || (cp >= 0x200B && cp <= 0x200F) || (cp >= 0x202A && cp <= 0x202E)
           || (cp >= 0x2060 && cp <= 0x2069) || cp == 0xFEFF;
}

/* Decodes the well-formed sequence at s (avail bytes) into *cp; returns its
 * length, or 0 when the bytes are not one. */
static size_t decode(const unsigned char *s, size_t avail, uint32_t *cp)
{
    unsigned char c = s[0];
    size_t need, i;
    uint32_t v;

    if (c < 0x80) {
        *cp = c;
        return 1;
    }
    if (c >= 0xC2 && c <= 0xDF) {
        need = 2;
        v = c & 0x1F;
    } else if (c >= 0xE0 && c <= 0xEF) {
        need = 3;
        v = c & 0x0F;
    } else if (c >= 0xF0 && c <= 0xF4) {
        need = 4;
        v = c & 0x07;
    } else {
        return 0;
    }
    if (avail < need)
        return 0;
    for (i = 1; i < need; i++) {
        if ((s[i] & 0xC0) != 0x80)
            return 0;
        v = (v << 6) | (s[i] & 0x3F);
    }
    if ((need == 3 && (v < 0x800 || (v >= 0xD800 && v <= 0xDFFF)))
        || (need == 4 && (v < 0x10000 || v > 0x10FFFF)))
        return 0;
    *cp = v;
    return need;
}

char *wrap_thousands(char out[32], size_t n)
{
    char digits[24];
    int len = snprintf(digits, sizeof(digits), "%zu", n);
    int i, o = 0;

    for (i = 0; i < len; i++) {
        if (i > 0 && (len - i) % 3 == 0)
            out[o++] = ',';
        out[o++] = digits[i];
    }
    out[o] = '\0';
    return out;
}

struct filler {
    struct wrap *w;
    struct buf line;   /* the line being filled */
    size_t width;      /* its columns */
    size_t space_at;   /* byte offset just after its last space; 0: none */
    size_t space_w;    /* columns up to there */
    size_t max;        /* columns a line may take */
};

static void push_line(struct filler *f, const char *text, size_t len,
                      size_t width)
{
    struct wrap *w = f->w;

    XGROW(w->lines, w->len + 1, w->cap);
    w->lines[w->len].text = xstrndup(text, len);
    w->lines[w->len].width = width;
    w->len++;
}

static void end_line(struct filler *f)
{
    /* Trailing spaces of a wrapped line carry no meaning on a terminal. */
    push_line(f, f->line.ptr, f->line.len, f->width);
    buf_reset(&f->line);
    f->width = 0;
    f->space_at = 0;
}

/* Adds one display unit (bytes u, width uw) to the line, wrapping. */
static void add_unit(struct filler *f, const char *u, size_t ulen, size_t uw,
                     int is_space)
{
    if (f->width + uw > f->max && f->line.len) {
        if (f->space_at > 0 && !is_space) {
            /* Break after the last space; the rest starts the next line. */
            struct buf rest = BUF_INIT;
            size_t rest_w = f->width - f->space_w;

            buf_put(&rest, f->line.ptr + f->space_at,
                    f->line.len - f->space_at);
            push_line(f, f->line.ptr, f->space_at - 1, f->space_w - 1);
            buf_reset(&f->line);
            buf_put(&f->line, rest.ptr, rest.len);
            f->width = rest_w;
            f->space_at = 0;
            buf_release(&rest);
        } else {
            end_line(f);
            if (is_space)
                return; /* a space at a break is the break */
        }
    }
    buf_put(&f->line, u, ulen);
    f->width += uw;
    if (is_space) {
        f->space_at = f->line.len;
        f->space_w = f->width;
    }
}

void wrap_text(struct wrap *w, const char *s, size_t len, size_t width,
               size_t max_chars, size_t max_lines)
{
    const unsigned char *u = (const unsigned char *)s;
    struct filler f = { w, BUF_INIT, 0, 0, 0, width < 8 ? 8 : width };
    size_t first = w->len, i = 0, chars = 0, shown = 0;
    int cut = 0;

    /* Count the characters first: the fold note needs the rest. */
    while (i < len) {
        uint32_t cp;
        size_t n = decode(u + i, len - i, &cp);

        i += n ? n : 1;
        chars++;
    }
    for (i = 0; i < len;) {
        char esc[16];
        uint32_t cp;
        size_t n = decode(u + i, len - i, &cp);

        if (max_chars && shown >= max_chars) {
            cut = 1;
            break;
        }
        if (max_lines && w->len - first >= max_lines) {
            cut = 1;
            break;
        }
        if (n == 0) {
            snprintf(esc, sizeof(esc), "\\x%02x", u[i]);
            add_unit(&f, esc, 4, 4, 0);
            i++;
        } else if (cp == '\n') {
            end_line(&f);
            i += n;
        } else if (cp == '\t') {
            add_unit(&f, "    ", 4, 4, 1);
            i += n;
        } else if (cp == ' ') {
            add_unit(&f, " ", 1, 1, 1);
            i += n;
        } else if (hidden(cp)) {
            int el = cp < 0x100 ? snprintf(esc, sizeof(esc), "\\x%02x", cp)
                                : snprintf(esc, sizeof(esc), "\\u%04x", cp);

            add_unit(&f, esc, (size_t)el, (size_t)el, 0);
            i += n;
        } else {
            add_unit(&f, s + i, n, (size_t)wrap_char_width(cp), 0);
            i += n;
        }
        shown++;
    }
    if (cut) {
        char more[32], note[64];
        int nl = snprintf(note, sizeof(note), "… (%s more characters)",
                          wrap_thousands(more, chars - shown));

        while (f.line.len && f.line.ptr[f.line.len - 1] == ' ') {
            buf_truncate(&f.line, f.line.len - 1);
            f.width--;
        }
        /* The note stays whole: on this line if it fits, else the next. */
        if (f.width + 1 + (size_t)nl - 2 > f.max && f.line.len)
            end_line(&f);
        if (f.line.len)
            buf_putc(&f.line, ' ');
        buf_puts(&f.line, note);
        f.width += (size_t)nl - 2 + (f.width ? 1 : 0); /* "…" is 3 bytes */
    }
    if (f.line.len || w->len == first)
        end_line(&f);
    w->chars += chars;
    w->shown += shown;
    buf_release(&f.line);
}

void wrap_release(struct wrap *w)
{
    size_t i;

    for (i = 0; i < w->len; i++)
        free(w->lines[i].text);
    free(w->lines);
    memset(w, 0, sizeof(*w));
}

void wrap_safe(struct buf *out, const char *s, size_t len, size_t max_chars,
               size_t *chars_out, size_t *shown_out)
{
    const unsigned char *u = (const unsigned char *)s;
    size_t i = 0, chars = 0, shown = 0;

    while (i < len) {
        uint32_t cp;
        size_t n = decode(u + i, len - i, &cp);

        if (!max_chars || chars < max_chars) {
            if (n == 0)
                buf_printf(out, "\\x%02x", u[i]);
            else if (cp == '\n' || cp == '\t' || !hidden(cp))
                buf_put(out, s + i, n);
            else if (cp < 0x100)
                buf_printf(out, "\\x%02x", cp);
            else
                buf_printf(out, "\\u%04x", cp);
            shown++;
        }
        i += n ? n : 1;
        chars++;
    }
    if (chars_out)
        *chars_out = chars;
    if (shown_out)
        *shown_out = shown;
}
