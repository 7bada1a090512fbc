/* SPDX-License-Identifier: Apache-2.0 */
/* A bump arena: memory for the strings and arrays of one object (a span, a resource), freed
 * all at once. The first chunk may live inside the owning object. */
#ifndef OTELC_SDK_COMMON_ARENA_H
#define OTELC_SDK_COMMON_ARENA_H

#include <stddef.h>
#include <stdint.h>

struct otelc__arena_chunk;

struct otelc__arena {
    unsigned char *cur;                /* next free byte in the current chunk */
    unsigned char *end;                /* end of the current chunk */
    struct otelc__arena_chunk *chunks; /* heap chunks, newest first */
    size_t heap_bytes;                 /* bytes taken from the allocator */
};

/* Starts an arena over an optional inline buffer (may be NULL with len 0). */
void otelc__arena_init(struct otelc__arena *a, void *inline_buf, size_t len);
/* n bytes aligned to 8, or NULL on allocation failure. */
void *otelc__arena_alloc(struct otelc__arena *a, size_t n);
/* A NUL-terminated copy of s[0..len). */
char *otelc__arena_strndup(struct otelc__arena *a, const char *s, size_t len);
/* Frees the heap chunks; the arena is empty (over its inline buffer) afterwards. */
void otelc__arena_reset(struct otelc__arena *a, void *inline_buf, size_t len);

#endif
