/* SPDX-License-Identifier: Apache-2.0 */
/* A bump arena for the strings and arrays owned by one object. */
#include "arena.h"

#include <string.h>

#include "alloc.h"

struct otelc__arena_chunk {
    struct otelc__arena_chunk *next;
    size_t size;
    /* Data follows, aligned by the header's size (a multiple of 8 on every ABI we build). */
};

#define OTELC__ARENA_MIN_CHUNK 1024u

static size_t align8(size_t n) { return (n + 7u) & ~(size_t)7u; }

void otelc__arena_init(struct otelc__arena *a, void *inline_buf, size_t len)
{
    a->chunks = NULL;
    a->heap_bytes = 0;
    a->cur = inline_buf;
    a->end = inline_buf ? (unsigned char *)inline_buf + len : NULL;
}

void *otelc__arena_alloc_chunk(struct otelc__arena *a, size_t n)
{
    /* Chunks double with the bytes already taken, so many small values stay cheap and one
     * large value costs one allocation of its own size. */
    size_t want = a->heap_bytes > OTELC__ARENA_MIN_CHUNK ? a->heap_bytes : OTELC__ARENA_MIN_CHUNK;
    if (want < n)
        want = n;
    size_t hdr = align8(sizeof(struct otelc__arena_chunk));
    if (want > SIZE_MAX - hdr)
        return NULL;
    struct otelc__arena_chunk *c = otelc__malloc(hdr + want);
    if (!c)
        return NULL;
    c->next = a->chunks;
    c->size = want;
    a->chunks = c;
    a->heap_bytes += want;
    unsigned char *data = (unsigned char *)c + hdr;
    a->cur = data + n;
    a->end = data + want;
    return data;
}

void otelc__arena_reset(struct otelc__arena *a, void *inline_buf, size_t len)
{
    struct otelc__arena_chunk *c = a->chunks;
    while (c) {
        struct otelc__arena_chunk *next = c->next;
        otelc__free(c);
        c = next;
    }
    otelc__arena_init(a, inline_buf, len);
}
