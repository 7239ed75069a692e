/* SPDX-License-Identifier: MIT */
/* Base64 (RFC 4648, standard alphabet, padded): data URIs and the blob
 * lines of feeds. */
#ifndef LABLOG_UTIL_BASE64_H
#define LABLOG_UTIL_BASE64_H

#include <stddef.h>

struct buf;

/* Appends the encoding of the len bytes at data to out. */
void base64_encode(struct buf *out, const void *data, size_t len);

/* Appends the bytes that text (len characters, padded, no line breaks)
 * encodes to out; returns 0, or -1 when text is not base64. */
int base64_decode(struct buf *out, const char *text, size_t len);

#endif
