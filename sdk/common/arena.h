/* SPDX-License-Identifier: Apache-2.0 */
/* A bump arena: memory for the strings and arrays of one object (a span, a resource), freed
 * all at once. The first chunk may live inside the owning object. */
#ifndef OTELC_SDK_COMMON_ARENA_H
#define OTELC_SDK_COMMON_ARENA_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

struct otelc__arena_chunk;

struct otelc__arena {
    unsigned char *cur;                /* next free byte in the current chunk */
    unsigned char *end;                /* end of the current chunk */
    struct otelc__arena_chunk *chunks; /* heap chunks, newest first */
    size_t heap_bytes;                 /* bytes taken from the allocator */
};

/* Starts an arena over an optional inline buffer (may be NULL with len 0). */
void otelc__arena_init(struct otelc__arena *a, void *inline_buf, size_t len);
/* The slow path of otelc__arena_alloc: a new chunk. n is already rounded up. */
void *otelc__arena_alloc_chunk(struct otelc__arena *a, size_t n);

/* n bytes aligned to 8, or NULL on allocation failure. Inline: most values of a span fit
 * in its inline buffer, and taking bytes from it is a compare and an add. */
static inline void *otelc__arena_alloc(struct otelc__arena *a, size_t n)
{
    if (n > SIZE_MAX - 8)
        return NULL;
    n = n ? (n + 7u) & ~(size_t)7u : 8u;
    if (a->cur && (size_t)(a->end - a->cur) >= n) {
        void *p = a->cur;
        a->cur += n;
        return p;
    }
    return otelc__arena_alloc_chunk(a, n);
}

/* A NUL-terminated copy of s[0..len). */
static inline char *otelc__arena_strndup(struct otelc__arena *a, const char *s, size_t len)
{
    if (len == SIZE_MAX)
        return NULL;
    char *p = (char *)otelc__arena_alloc(a, len + 1);
    if (!p)
        return NULL;
    if (len)
        memcpy(p, s, len);
    p[len] = '\0';
    return p;
}
/* Frees the heap chunks; the arena is empty (over its inline buffer) afterwards. */
void otelc__arena_reset(struct otelc__arena *a, void *inline_buf, size_t len);

#endif
