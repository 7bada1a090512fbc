/* SPDX-License-Identifier: Apache-2.0 */
/* A bounded lock-free MPMC ring of pointers. */
#include "ring.h"

#include "alloc.h"
#include "otelc/common.h"

uint32_t otelc__pow2_ceil(uint32_t n)
{
    uint32_t c = 1;
    while (c < n)
        c <<= 1;
    return c;
}

int otelc__ring_init(struct otelc__ring *r, uint32_t min_capacity)
{
    if (min_capacity == 0 || min_capacity > (1u << 31))
        return OTELC_EINVAL;
    uint32_t cap = otelc__pow2_ceil(min_capacity);
    struct otelc__ring_cell *cells = otelc__calloc(cap, sizeof *cells);
    if (!cells)
        return OTELC_ENOMEM;
    for (uint32_t i = 0; i < cap; i++) {
        atomic_init(&cells[i].seq, i);
        atomic_init(&cells[i].data, NULL);
    }
    atomic_init(&r->tail, 0);
    atomic_init(&r->head, 0);
    r->cells = cells;
    r->mask = cap - 1;
    return OTELC_OK;
}

void otelc__ring_destroy(struct otelc__ring *r)
{
    otelc__free(r->cells);
    r->cells = NULL;
}

int otelc__ring_push(struct otelc__ring *r, void *p, uint64_t *pos_out)
{
    uint64_t pos = atomic_load_explicit(&r->tail, memory_order_relaxed);
    for (;;) {
        struct otelc__ring_cell *c = &r->cells[pos & r->mask];
        uint64_t seq = atomic_load_explicit(&c->seq, memory_order_acquire);
        int64_t dif = (int64_t)(seq - pos);
        if (dif == 0) {
            /* The cell is free for this lap: claim the position. */
            if (atomic_compare_exchange_weak_explicit(&r->tail, &pos, pos + 1,
                                                      memory_order_seq_cst,
                                                      memory_order_relaxed)) {
                atomic_store_explicit(&c->data, p, memory_order_relaxed);
                atomic_store_explicit(&c->seq, pos + 1, memory_order_release);
                if (pos_out)
                    *pos_out = pos;
                return 1;
            }
        } else if (dif < 0) {
            return 0; /* the cell still holds last lap's element: full */
        } else {
            pos = atomic_load_explicit(&r->tail, memory_order_relaxed);
        }
    }
}

int otelc__ring_pop(struct otelc__ring *r, void **out)
{
    uint64_t pos = atomic_load_explicit(&r->head, memory_order_relaxed);
    for (;;) {
        struct otelc__ring_cell *c = &r->cells[pos & r->mask];
        uint64_t seq = atomic_load_explicit(&c->seq, memory_order_acquire);
        int64_t dif = (int64_t)(seq - (pos + 1));
        if (dif == 0) {
            if (atomic_compare_exchange_weak_explicit(&r->head, &pos, pos + 1,
                                                      memory_order_seq_cst,
                                                      memory_order_relaxed)) {
                *out = atomic_load_explicit(&c->data, memory_order_relaxed);
                atomic_store_explicit(&c->seq, pos + r->mask + 1, memory_order_release);
                return 1;
            }
        } else if (dif < 0) {
            return 0; /* empty, or the producer of this cell is mid-push */
        } else {
            pos = atomic_load_explicit(&r->head, memory_order_relaxed);
        }
    }
}

uint64_t otelc__ring_size(const struct otelc__ring *r)
{
    uint64_t h = atomic_load_explicit(&((struct otelc__ring *)r)->head, memory_order_acquire);
    uint64_t t = atomic_load_explicit(&((struct otelc__ring *)r)->tail, memory_order_acquire);
    return t > h ? t - h : 0;
}

void otelc__ring_reset_single_threaded(struct otelc__ring *r, void (*fn)(void *))
{
    uint64_t h = atomic_load_explicit(&r->head, memory_order_relaxed);
    uint64_t t = atomic_load_explicit(&r->tail, memory_order_relaxed);
    for (uint64_t pos = h; pos < t; pos++) {
        struct otelc__ring_cell *c = &r->cells[pos & r->mask];
        /* A push that a vanished thread claimed but never finished left seq behind. */
        if (atomic_load_explicit(&c->seq, memory_order_relaxed) == pos + 1 && fn)
            fn(atomic_load_explicit(&c->data, memory_order_relaxed));
    }
    for (uint64_t i = 0; i <= r->mask; i++) {
        atomic_store_explicit(&r->cells[i].seq, i, memory_order_relaxed);
        atomic_store_explicit(&r->cells[i].data, NULL, memory_order_relaxed);
    }
    atomic_store_explicit(&r->head, 0, memory_order_relaxed);
    atomic_store_explicit(&r->tail, 0, memory_order_relaxed);
}
