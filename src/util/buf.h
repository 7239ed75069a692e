/* SPDX-License-Identifier: MIT */
/*
 * A growable byte buffer.
 *
 * Invariants:
 *  - `ptr` is never NULL and always NUL-terminated (ptr[len] == '\0'), so a
 *    buffer can be passed to any function that takes a C string.
 *  - The buffer may hold NUL bytes of its own (PNG data, digests); `len` is
 *    the truth, not strlen(ptr).
 *  - A buffer initialised with BUF_INIT owns no memory until the first
 *    append; `ptr` then points at a shared static empty string that must
 *    never be written.
 *  - Appends never fail: growth goes through xrealloc(), which aborts on
 *    out-of-memory. Limits on untrusted input belong to the reader.
 *
 * Life cycle: BUF_INIT or buf_init(), appends, buf_release() (frees and
 * returns to BUF_INIT) or buf_detach() (caller takes ownership of the bytes).
 */
#ifndef LABLOG_UTIL_BUF_H
#define LABLOG_UTIL_BUF_H

#include <stdarg.h>
#include <stddef.h>

struct buf {
    char *ptr;  /* the bytes, NUL-terminated; never NULL */
    size_t len; /* bytes in use, not counting the terminating NUL */
    size_t cap; /* bytes allocated; 0 while ptr is the static empty string */
};

extern char buf_empty[1];
#define BUF_INIT { buf_empty, 0, 0 }

void buf_init(struct buf *b);
/* Frees the bytes and returns b to the BUF_INIT state. */
void buf_release(struct buf *b);
/* Sets len to 0, keeping the allocation. */
void buf_reset(struct buf *b);
/* Makes room for at least extra more bytes beyond len. */
void buf_grow(struct buf *b, size_t extra);
/* Truncates to len bytes (len must not exceed b->len). */
void buf_truncate(struct buf *b, size_t len);

void buf_put(struct buf *b, const void *data, size_t len);
void buf_puts(struct buf *b, const char *s);
void buf_putc(struct buf *b, int c);
void buf_printf(struct buf *b, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
void buf_vprintf(struct buf *b, const char *fmt, va_list ap)
    __attribute__((format(printf, 2, 0)));

/* Hands the bytes to the caller, who frees them with free(); b returns to
 * BUF_INIT. Never returns NULL (an empty buffer yields an allocated ""). If
 * len_out is not NULL it receives the length. */
char *buf_detach(struct buf *b, size_t *len_out);

#endif
