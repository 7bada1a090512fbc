/* SPDX-License-Identifier: Apache-2.0 */
/* A bounded lock-free multi-producer multi-consumer ring of pointers (per-cell sequence
 * numbers, after D. Vyukov's bounded queue). Push and pop are lock-free, make no system call
 * and never allocate; a full ring refuses a push, an empty one a pop. */
#ifndef OTELC_SDK_COMMON_RING_H
#define OTELC_SDK_COMMON_RING_H

#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>

#define OTELC__CACHE_LINE 64

struct otelc__ring_cell {
    _Atomic uint64_t seq;
    void *_Atomic data;
};

struct otelc__ring {
    /* Producers and consumers touch different lines; cells are shared. */
    _Alignas(OTELC__CACHE_LINE) _Atomic uint64_t tail; /* next position to push */
    char pad1_[OTELC__CACHE_LINE - sizeof(uint64_t)];
    _Alignas(OTELC__CACHE_LINE) _Atomic uint64_t head; /* next position to pop */
    char pad2_[OTELC__CACHE_LINE - sizeof(uint64_t)];
    struct otelc__ring_cell *cells;
    uint64_t mask; /* capacity - 1 */
};

/* The smallest power of two >= n (n >= 1, n <= 2^31). */
uint32_t otelc__pow2_ceil(uint32_t n);
/* Allocates cells for capacity = otelc__pow2_ceil(min_capacity). OTELC_OK or ENOMEM/EINVAL. */
int otelc__ring_init(struct otelc__ring *r, uint32_t min_capacity);
/* Frees the cells (the pointers left inside are the caller's). */
void otelc__ring_destroy(struct otelc__ring *r);
/* Pushes p; returns 1, or 0 when full. *pos (may be NULL) receives the position taken. */
int otelc__ring_push(struct otelc__ring *r, void *p, uint64_t *pos);
/* Pops into *out; returns 1, or 0 when empty (or when the next element is still being
 * written by a producer that took its slot but has not finished). */
int otelc__ring_pop(struct otelc__ring *r, void **out);
/* Elements pushed and not yet popped (approximate while others run). */
uint64_t otelc__ring_size(const struct otelc__ring *r);
/* Empties the ring for a process that has no other thread (after fork in the child): calls
 * fn on every element whose push completed, and resets positions and cells. */
void otelc__ring_reset_single_threaded(struct otelc__ring *r, void (*fn)(void *));

#endif
