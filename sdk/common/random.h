/* SPDX-License-Identifier: Apache-2.0 */
/* Internal random numbers: a per-thread generator seeded from getrandom(2), reseeded after
 * fork() (a child never repeats its parent's sequence). Not for cryptography. */
#ifndef OTELC_SDK_COMMON_RANDOM_H
#define OTELC_SDK_COMMON_RANDOM_H

#include <stddef.h>
#include <stdint.h>

/* 64 random bits from the calling thread's generator. */
uint64_t otelc__rand64(void);
/* Fills buf from the OS (getrandom; /dev/urandom; a clock/pid mix as a last resort). */
void otelc__os_random(void *buf, size_t len);
/* Marks every thread's generator for reseeding; called in the child after fork(). */
void otelc__random_after_fork(void);

#endif
