/* SPDX-License-Identifier: MIT */
/*
 * Output lines and the output tail (see outlines.h).
 *
 * The tail is a ring of OUTLINES_TAIL_BYTES bytes holding whole lines (each
 * with its "\n") plus a ring of their lengths, so adding a line is one copy
 * and dropping the oldest is arithmetic: the cost per line is its length,
 * whatever the run's length. Lines are kept as they came and cleaned when
 * the tail is read, and only lines that may be metric lines are cleaned
 * on the way: passing output through stays close to cat's speed.
 */
#include "proc/outlines.h"

#include <stdlib.h>
#include <string.h>

#include "util/buf.h"
#include "util/utf8.h"
#include "util/xalloc.h"

/* A line kept in the tail is cut at this many bytes. */
#define TAIL_LINE_MAX 4096

/* A line of the chunk being fed (borrowed from it). */
struct outlines_span {
    const char *line;
    size_t len;
};

struct outlines {
    outlines_fn *fn;
    void *ctx;
    struct buf pending[2];  /* an incomplete line per stream */
    int cut[2];             /* it outgrew OUTLINES_MAX_LINE */
    size_t lineno[2];       /* lines delivered per stream */
    struct buf clean;       /* the cleaned line being delivered */
    char ring[OUTLINES_TAIL_BYTES];
    size_t head, used;      /* oldest byte, bytes in the ring */
    size_t lens[OUTLINES_TAIL_LINES]; /* line lengths, "\n" included */
    size_t first, count;    /* oldest line, lines in the ring */
    struct outlines_span recent[OUTLINES_TAIL_LINES]; /* outlines_feed's */
};

struct outlines *outlines_new(outlines_fn *fn, void *ctx)
{
    struct outlines *o = xcalloc(1, sizeof(*o));

    o->fn = fn;
    o->ctx = ctx;
    buf_init(&o->pending[0]);
    buf_init(&o->pending[1]);
    buf_init(&o->clean);
    return o;
}

void outlines_free(struct outlines *o)
{
    if (!o)
        return;
    buf_release(&o->pending[0]);
    buf_release(&o->pending[1]);
    buf_release(&o->clean);
    free(o);
}

/* ---- cleaning ---------------------------------------------------------- */

/* Length of the escape sequence at s[0] == ESC (at least 1). */
static size_t escape_len(const char *s, size_t len)
{
    size_t i;

    if (len < 2)
        return 1;
    if (s[1] == '[') { /* CSI: parameters, intermediates, a final byte */
        for (i = 2; i < len; i++)
            if ((unsigned char)s[i] >= 0x40 && (unsigned char)s[i] <= 0x7e)
                return i + 1;
        return len;
    }
    if (s[1] == ']' || s[1] == 'P' || s[1] == '_') { /* OSC, DCS, APC */
        for (i = 2; i < len; i++) {
            if (s[i] == '\a')
                return i + 1;
            if (s[i] == 0x1b && i + 1 < len && s[i + 1] == '\\')
                return i + 2;
        }
        return len;
    }
    return 2;
}

static int plain(const char *s, size_t len)
{
    size_t i;

    for (i = 0; i < len; i++) {
        unsigned char c = (unsigned char)s[i];

        if ((c < 0x20 && c != '\t') || c >= 0x7f)
            return 0;
    }
    return 1;
}

/* Appends s with control characters dropped and bad UTF-8 replaced. */
static void put_text(struct buf *out, const char *s, size_t len)
{
    size_t i = 0;

    while (i < len) {
        unsigned char c = (unsigned char)s[i];

        if (c == 0x1b) {
            i += escape_len(s + i, len - i);
        } else if (c < 0x80) {
            if (c >= 0x20 ? c != 0x7f : c == '\t')
                buf_putc(out, c);
            i++;
        } else {
            size_t n = c >= 0xf0 ? 4 : c >= 0xe0 ? 3 : c >= 0xc0 ? 2 : 1;

            if (i + n <= len && n > 1 && utf8_valid(s + i, n)) {
                buf_put(out, s + i, n);
                i += n;
            } else {
                buf_puts(out, "\xef\xbf\xbd"); /* U+FFFD */
                i++;
            }
        }
    }
}

void outlines_clean(struct buf *out, const char *line, size_t len)
{
    size_t start = 0, end, i;

    buf_reset(out);
    while (len && line[len - 1] == '\r')
        len--;
    if (plain(line, len)) {
        buf_put(out, line, len);
        return;
    }
    /* The last "\r" segment that shows any text wins. */
    end = len;
    for (;;) {
        size_t keep;

        start = end;
        while (start > 0 && line[start - 1] != '\r')
            start--;
        keep = out->len;
        put_text(out, line + start, end - start);
        if (out->len > keep || start == 0)
            break;
        end = start - 1;
        while (end > 0 && line[end - 1] == '\r')
            end--;
    }
    /* Trailing blanks left by cleared progress bars. */
    i = out->len;
    while (i > 0 && out->ptr[i - 1] == ' ')
        i--;
    buf_truncate(out, i);
}

/* ---- the tail ---------------------------------------------------------- */

static void drop_oldest(struct outlines *o)
{
    size_t n = o->lens[o->first];

    o->head = (o->head + n) % OUTLINES_TAIL_BYTES;
    o->used -= n;
    o->first = (o->first + 1) % OUTLINES_TAIL_LINES;
    o->count--;
}

static void ring_put(struct outlines *o, const char *s, size_t n)
{
    size_t at = (o->head + o->used) % OUTLINES_TAIL_BYTES;
    size_t room = OUTLINES_TAIL_BYTES - at;

    if (n <= room) {
        memcpy(o->ring + at, s, n);
    } else {
        memcpy(o->ring + at, s, room);
        memcpy(o->ring, s + room, n - room);
    }
    o->used += n;
}

static void tail_add(struct outlines *o, const char *line, size_t len)
{
    static const char more[] = "\xe2\x80\xa6"; /* U+2026 */
    size_t n = len, total;

    if (n > TAIL_LINE_MAX)
        n = utf8_truncate_len(line, len, TAIL_LINE_MAX);
    total = n + (n < len ? sizeof(more) - 1 : 0) + 1;
    while (o->count == OUTLINES_TAIL_LINES
           || (o->count && o->used + total > OUTLINES_TAIL_BYTES))
        drop_oldest(o);
    ring_put(o, line, n);
    if (n < len)
        ring_put(o, more, sizeof(more) - 1);
    ring_put(o, "\n", 1);
    o->lens[(o->first + o->count) % OUTLINES_TAIL_LINES] = total;
    o->count++;
}

void outlines_tail(const struct outlines *o, struct buf *out)
{
    size_t first = OUTLINES_TAIL_BYTES - o->head;
    struct buf raw = BUF_INIT, clean = BUF_INIT;
    const char *p, *end;

    if (o->used <= first) {
        buf_put(&raw, o->ring + o->head, o->used);
    } else {
        buf_put(&raw, o->ring + o->head, first);
        buf_put(&raw, o->ring, o->used - first);
    }
    /* Lines are kept raw and cleaned only here, once, for the few that
     * are asked for. */
    for (p = raw.ptr, end = raw.ptr + raw.len; p < end;) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        size_t n = nl ? (size_t)(nl - p) : (size_t)(end - p);

        outlines_clean(&clean, p, n);
        buf_put(out, clean.ptr, clean.len);
        buf_putc(out, '\n');
        p += n + 1;
    }
    buf_release(&raw);
    buf_release(&clean);
}

size_t outlines_tail_lines(const struct outlines *o)
{
    return o->count;
}

size_t outlines_lines_seen(const struct outlines *o)
{
    return o->lineno[0] + o->lineno[1];
}

/* ---- splitting --------------------------------------------------------- */

/* Whether a line may be a metric line, judged by its first byte after
 * blanks: "lablog:", "{", or an escape or carriage return that cleaning
 * may remove. Most output is not, and skips cleaning altogether. */
static int wanted(const char *line, size_t len)
{
    size_t i = 0;

    while (i < len && (line[i] == ' ' || line[i] == '\t'))
        i++;
    return i < len && (line[i] == 'l' || line[i] == '{' || line[i] == 0x1b
                       || line[i] == '\r');
}

/* A line into the tail: a short one raw (cleaned when read), a long one
 * cleaned now, so what is kept is what a reader would see. */
static void tail_line(struct outlines *o, const char *line, size_t len)
{
    if (len > OUTLINES_MAX_LINE)
        len = OUTLINES_MAX_LINE;
    if (len > TAIL_LINE_MAX) {
        outlines_clean(&o->clean, line, len);
        tail_add(o, o->clean.ptr, o->clean.len);
    } else {
        tail_add(o, line, len);
    }
}

/* A complete line: counted, handed to fn when it may be a metric line,
 * and with tail set kept in the tail (else the caller does it). */
static void deliver(struct outlines *o, int stream, const char *line,
                    size_t len, int cut, int tail)
{
    size_t lineno = ++o->lineno[stream == 2 ? 1 : 0];

    if (len > OUTLINES_MAX_LINE) {
        len = OUTLINES_MAX_LINE;
        cut = 1;
    }
    if (o->fn && wanted(line, len)) {
        outlines_clean(&o->clean, line, len);
        o->fn(o->ctx, stream, lineno, o->clean.ptr, o->clean.len, cut);
    }
    if (tail)
        tail_line(o, line, len);
}

static void keep_partial(struct outlines *o, int i, const char *s, size_t n)
{
    struct buf *p = &o->pending[i];

    if (p->len + n > OUTLINES_MAX_LINE) {
        o->cut[i] = 1;
        n = p->len < OUTLINES_MAX_LINE ? OUTLINES_MAX_LINE - p->len : 0;
    }
    buf_put(p, s, n);
}

void outlines_feed(struct outlines *o, int stream, const char *data,
                   size_t len)
{
    int i = stream == 2 ? 1 : 0;
    struct buf *p = &o->pending[i];
    size_t nrecent = 0, k;

    while (len > 0) {
        const char *nl = memchr(data, '\n', len);
        size_t n;

        if (!nl) {
            keep_partial(o, i, data, len);
            break;
        }
        n = (size_t)(nl - data);
        if (p->len == 0 && !o->cut[i]) {
            /* Into the tail after the loop: of a chunk's lines (plain
             * output has about a thousand) only the last ones stay. */
            struct outlines_span *r = &o->recent[nrecent++
                                                 % OUTLINES_TAIL_LINES];

            r->line = data;
            r->len = n;
            deliver(o, stream, data, n, 0, 0);
        } else {
            /* Only the first line of data can complete a pending one. */
            keep_partial(o, i, data, n);
            deliver(o, stream, p->ptr, p->len, o->cut[i], 1);
            buf_reset(p);
            o->cut[i] = 0;
        }
        data = nl + 1;
        len -= n + 1;
    }
    k = nrecent > OUTLINES_TAIL_LINES ? nrecent - OUTLINES_TAIL_LINES : 0;
    for (; k < nrecent; k++) {
        const struct outlines_span *r = &o->recent[k % OUTLINES_TAIL_LINES];

        tail_line(o, r->line, r->len);
    }
}

void outlines_finish(struct outlines *o)
{
    int i;

    for (i = 0; i < 2; i++) {
        if (o->pending[i].len || o->cut[i])
            deliver(o, i + 1, o->pending[i].ptr, o->pending[i].len,
                    o->cut[i], 1);
        buf_reset(&o->pending[i]);
        o->cut[i] = 0;
    }
}
