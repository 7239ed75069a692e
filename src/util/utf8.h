/* SPDX-License-Identifier: MIT */
/*
 * UTF-8 checks that do not allocate.
 *
 * "Valid" means well-formed UTF-8 as defined by RFC 3629 and Unicode 15
 * table 3-7: no overlong forms, no UTF-16 surrogates (U+D800..U+DFFF), no
 * code points above U+10FFFF. NUL bytes are valid UTF-8 (U+0000); callers
 * that cannot store them check separately.
 */
#ifndef LABLOG_UTIL_UTF8_H
#define LABLOG_UTIL_UTF8_H

#include <stddef.h>

/* Returns 1 when the len bytes at s are well-formed UTF-8, else 0. An empty
 * string is valid. */
int utf8_valid(const char *s, size_t len);

/* Returns the byte offset of the first ill-formed sequence in s, or len when
 * all len bytes are well-formed. Useful for "invalid UTF-8 at byte N". */
size_t utf8_invalid_at(const char *s, size_t len);

/* Returns a cut point n <= max_bytes (and <= len) such that the first n bytes
 * of s do not end in the middle of a character: when len <= max_bytes it
 * returns len; otherwise it backs off over at most three continuation bytes
 * to the start of the character that straddles max_bytes. For ill-formed
 * input (a run of stray continuation bytes) it never backs off more than
 * three bytes, so the result is always at least max_bytes - 3. */
size_t utf8_truncate_len(const char *s, size_t len, size_t max_bytes);

/* Size of the buffer utf8_quote() writes. */
#define UTF8_QUOTE_SIZE 72

/* Copies s (len bytes) into out for an error message: at most 60 bytes,
 * cut on a character boundary, "..." when cut, control characters replaced
 * with '?', so the message stays on one line. Returns out. */
const char *utf8_quote(char out[UTF8_QUOTE_SIZE], const char *s, size_t len);

#endif
