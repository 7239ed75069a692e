/* SPDX-License-Identifier: MIT */
/* Base64 (see base64.h). */
#include "util/base64.h"

#include "util/buf.h"

static const char digits[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

void base64_encode(struct buf *out, const void *data, size_t len)
{
    const unsigned char *p = data;
    size_t i;

    buf_grow(out, (len + 2) / 3 * 4);
    for (i = 0; i + 2 < len; i += 3) {
        unsigned long v = (unsigned long)p[i] << 16
                          | (unsigned long)p[i + 1] << 8 | p[i + 2];

        buf_putc(out, digits[v >> 18 & 63]);
        buf_putc(out, digits[v >> 12 & 63]);
        buf_putc(out, digits[v >> 6 & 63]);
        buf_putc(out, digits[v & 63]);
    }
    if (len - i == 1) {
        unsigned long v = (unsigned long)p[i] << 16;

        buf_putc(out, digits[v >> 18 & 63]);
        buf_putc(out, digits[v >> 12 & 63]);
        buf_puts(out, "==");
    } else if (len - i == 2) {
        unsigned long v = (unsigned long)p[i] << 16
                          | (unsigned long)p[i + 1] << 8;

        buf_putc(out, digits[v >> 18 & 63]);
        buf_putc(out, digits[v >> 12 & 63]);
        buf_putc(out, digits[v >> 6 & 63]);
        buf_putc(out, '=');
    }
}

static int digit_value(char c)
{
    if (c >= 'A' && c <= 'Z')
        return c - 'A';
    if (c >= 'a' && c <= 'z')
        return c - 'a' + 26;
    if (c >= '0' && c <= '9')
        return c - '0' + 52;
    if (c == '+')
        return 62;
    if (c == '/')
        return 63;
    return -1;
}

int base64_decode(struct buf *out, const char *text, size_t len)
{
    size_t i, pad = 0;

    if (len % 4 != 0)
        return -1;
    if (len && text[len - 1] == '=')
        pad++;
    if (len > 1 && text[len - 2] == '=')
        pad++;
    for (i = 0; i < len; i += 4) {
        int v[4], k, last = i + 4 == len;
        unsigned long n = 0;

        for (k = 0; k < 4; k++) {
            v[k] = digit_value(text[i + k]);
            if (v[k] < 0 && !(last && text[i + k] == '=' && k >= 4 - (int)pad))
                return -1;
            n = n << 6 | (unsigned long)(v[k] < 0 ? 0 : v[k]);
        }
        buf_putc(out, (int)(n >> 16 & 255));
        if (!last || pad < 2)
            buf_putc(out, (int)(n >> 8 & 255));
        if (!last || pad < 1)
            buf_putc(out, (int)(n & 255));
    }
    return 0;
}
