/* SPDX-License-Identifier: MIT */
/*
 * A bump allocator: many small allocations freed all at once. The period
 * view keeps everything it points to in one arena, so building it costs no
 * bookkeeping and freeing it is one call.
 */
#ifndef LABLOG_UTIL_ARENA_H
#define LABLOG_UTIL_ARENA_H

#include <stddef.h>

struct arena_chunk;

struct arena {
    struct arena_chunk *head; /* newest chunk; NULL when empty */
};

#define ARENA_INIT { NULL }

/* Zeroed memory, aligned for any type, valid until arena_release(). */
void *arena_alloc(struct arena *a, size_t size);
/* Copies of strings into the arena; NULL gives "". */
char *arena_strdup(struct arena *a, const char *s);
char *arena_strndup(struct arena *a, const char *s, size_t len);
/* Frees every allocation; the arena can be reused. */
void arena_release(struct arena *a);

#endif
