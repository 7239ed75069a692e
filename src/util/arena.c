/* SPDX-License-Identifier: MIT */
/* The bump allocator (see arena.h). */
#include "util/arena.h"

#include <stdalign.h>
#include <stdlib.h>
#include <string.h>

#include "util/xalloc.h"

#define CHUNK_SIZE (64 * 1024)

struct arena_chunk {
    struct arena_chunk *next; /* older chunk */
    size_t used, size;        /* bytes of data[] used and available */
    alignas(max_align_t) unsigned char data[];
};

void *arena_alloc(struct arena *a, size_t size)
{
    const size_t align = alignof(max_align_t);
    struct arena_chunk *c = a->head;
    void *p;

    size = (size + align - 1) & ~(align - 1);
    if (!c || c->size - c->used < size) {
        size_t cap = size > CHUNK_SIZE ? size : CHUNK_SIZE;

        c = xmalloc(sizeof(*c) + cap);
        c->next = a->head;
        c->used = 0;
        c->size = cap;
        a->head = c;
    }
    p = c->data + c->used;
    c->used += size;
    memset(p, 0, size);
    return p;
}

char *arena_strndup(struct arena *a, const char *s, size_t len)
{
    char *p = arena_alloc(a, len + 1);

    memcpy(p, s, len);
    p[len] = '\0';
    return p;
}

char *arena_strdup(struct arena *a, const char *s)
{
    return s ? arena_strndup(a, s, strlen(s)) : arena_strndup(a, "", 0);
}

void arena_release(struct arena *a)
{
    while (a->head) {
        struct arena_chunk *next = a->head->next;

        free(a->head);
        a->head = next;
    }
}
