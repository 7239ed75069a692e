/* SPDX-License-Identifier: MIT */
/*
 * Allocation wrappers that never return NULL.
 *
 * lablog has no out-of-memory error paths: they would be untested code. When
 * an allocation fails these print "lablog: fatal: out of memory" and abort().
 */
#ifndef LABLOG_UTIL_XALLOC_H
#define LABLOG_UTIL_XALLOC_H

#include <stddef.h>

void *xmalloc(size_t size);
void *xcalloc(size_t count, size_t size);
void *xrealloc(void *ptr, size_t size);
/* Duplicates a NUL-terminated string; caller frees with free(). */
char *xstrdup(const char *s);
/* Duplicates len bytes and appends a NUL; caller frees with free(). */
char *xstrndup(const char *s, size_t len);

/* Grows an array *items of element size elem to hold at least need elements,
 * doubling *cap. */
#define XGROW(items, need, cap)                                             \
    do {                                                                    \
        if ((need) > (cap)) {                                               \
            size_t grow_cap_ = (cap) ? (cap) * 2 : 8;                       \
            while (grow_cap_ < (need))                                      \
                grow_cap_ *= 2;                                             \
            (items) = xrealloc((items), grow_cap_ * sizeof(*(items)));      \
            (cap) = grow_cap_;                                              \
        }                                                                   \
    } while (0)

#endif
