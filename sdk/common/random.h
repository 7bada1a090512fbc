/* SPDX-License-Identifier: Apache-2.0 */
/* Internal random numbers: a per-thread generator seeded from getrandom(2), reseeded after
 * fork() (a child never repeats its parent's sequence). Not for cryptography. */
#ifndef OTELC_SDK_COMMON_RANDOM_H
#define OTELC_SDK_COMMON_RANDOM_H

#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>

#include "tls.h"

struct otelc__rng {
    uint64_t state;
    uint32_t gen; /* the seed generation it was seeded in; 0: never seeded */
};

extern OTELC__TLS struct otelc__rng otelc__rng_tls;
extern _Atomic uint32_t otelc__seed_gen;

/* Seeds the calling thread's generator for generation gen (out of line: rare). */
void otelc__rng_reseed(struct otelc__rng *r, uint32_t gen);

/* 64 random bits from the calling thread's generator: wyrand, one multiply per call, passes
 * BigCrush and PractRand. Inline because every span id costs one call. */
static inline uint64_t otelc__rand64(void)
{
    struct otelc__rng *r = &otelc__rng_tls;
    uint32_t gen = atomic_load_explicit(&otelc__seed_gen, memory_order_relaxed);
    if (__builtin_expect(r->gen != gen, 0))
        otelc__rng_reseed(r, gen);
    r->state += 0xa0761d6478bd642full;
    __extension__ typedef unsigned __int128 otelc__u128;
    otelc__u128 t = (otelc__u128)r->state * (r->state ^ 0xe7037ed1a0b428dbull);
    return (uint64_t)(t >> 64) ^ (uint64_t)t;
}
/* Fills buf from the OS (getrandom; /dev/urandom; a clock/pid mix as a last resort). */
void otelc__os_random(void *buf, size_t len);
/* Marks every thread's generator for reseeding; called in the child after fork(). */
void otelc__random_after_fork(void);

#endif
