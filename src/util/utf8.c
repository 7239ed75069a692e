/* SPDX-License-Identifier: MIT */
/*
 * UTF-8 validation and safe truncation (see utf8.h). The validator follows
 * the table of well-formed byte sequences in the Unicode standard (table
 * 3-7): the second byte's range depends on the lead byte, which is what
 * rules out overlong forms, surrogates and values above U+10FFFF.
 */
#include "util/utf8.h"

#include <string.h>

/* Length of the well-formed sequence starting at s[0] (1..4), or 0 when the
 * bytes at s do not start one. */
static size_t sequence_len(const unsigned char *s, size_t avail)
{
    unsigned char c = s[0];
    unsigned char lo = 0x80, hi = 0xBF;
    size_t need, i;

    if (c < 0x80)
        return 1;
    if (c >= 0xC2 && c <= 0xDF) {
        need = 2;
    } else if (c >= 0xE0 && c <= 0xEF) {
        need = 3;
        if (c == 0xE0)
            lo = 0xA0;  /* no overlong 3-byte forms */
        else if (c == 0xED)
            hi = 0x9F;  /* no surrogates */
    } else if (c >= 0xF0 && c <= 0xF4) {
        need = 4;
        if (c == 0xF0)
            lo = 0x90;  /* no overlong 4-byte forms */
        else if (c == 0xF4)
            hi = 0x8F;  /* nothing above U+10FFFF */
    } else {
        return 0;       /* 0x80..0xC1 and 0xF5..0xFF never lead */
    }
    if (avail < need)
        return 0;
    if (s[1] < lo || s[1] > hi)
        return 0;
    for (i = 2; i < need; i++) {
        if ((s[i] & 0xC0) != 0x80)
            return 0;
    }
    return need;
}

size_t utf8_invalid_at(const char *s, size_t len)
{
    const unsigned char *u = (const unsigned char *)s;
    size_t i = 0;

    while (i < len) {
        size_t n = sequence_len(u + i, len - i);

        if (!n)
            return i;
        i += n;
    }
    return len;
}

int utf8_valid(const char *s, size_t len)
{
    return utf8_invalid_at(s, len) == len;
}

/* Bytes a lead byte announces (1 for ASCII and for bytes that never lead). */
static size_t announced_len(unsigned char c)
{
    if (c >= 0xC0 && c <= 0xDF)
        return 2;
    if (c >= 0xE0 && c <= 0xEF)
        return 3;
    if (c >= 0xF0 && c <= 0xF7)
        return 4;
    return 1;
}

size_t utf8_truncate_len(const char *s, size_t len, size_t max_bytes)
{
    const unsigned char *u = (const unsigned char *)s;
    size_t n = max_bytes;

    if (len <= max_bytes)
        return len;
    /* u[max_bytes] is the first byte cut off. Walk back to the lead byte of
     * its character (a character has at most three continuation bytes). */
    while (n > 0 && max_bytes - n < 3 && (u[n] & 0xC0) == 0x80)
        n--;
    if ((u[n] & 0xC0) == 0x80)
        return max_bytes;   /* stray continuation bytes: nothing to split */
    return n + announced_len(u[n]) > max_bytes ? n : max_bytes;
}

const char *utf8_quote(char out[UTF8_QUOTE_SIZE], const char *s, size_t len)
{
    size_t n = utf8_truncate_len(s, len, 60);
    size_t i;

    for (i = 0; i < n; i++)
        out[i] = (unsigned char)s[i] < 0x20 ? '?' : s[i];
    out[n] = '\0';
    if (n < len)
        memcpy(out + n, "...", 4);
    return out;
}
