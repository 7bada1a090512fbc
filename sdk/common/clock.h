/* SPDX-License-Identifier: Apache-2.0 */
/* Internal clock helpers: wall and monotonic time, deadlines. */
#ifndef OTELC_SDK_COMMON_CLOCK_H
#define OTELC_SDK_COMMON_CLOCK_H

#include <stdint.h>
#include <time.h>

static inline uint64_t otelc__clock_ns(clockid_t id)
{
    struct timespec ts;
    clock_gettime(id, &ts);
    return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}
/* Wall clock, ns since the epoch. */
static inline uint64_t otelc__now_ns(void) { return otelc__clock_ns(CLOCK_REALTIME); }
/* Monotonic clock, ns. */
static inline uint64_t otelc__mono_ns(void) { return otelc__clock_ns(CLOCK_MONOTONIC); }
/* The absolute monotonic deadline timeout_ms from now. */
static inline uint64_t otelc__deadline_ms(uint32_t timeout_ms)
{
    return otelc__mono_ns() + (uint64_t)timeout_ms * 1000000ull;
}
/* 1 when the deadline has passed. */
static inline int otelc__deadline_passed(uint64_t deadline) { return otelc__mono_ns() >= deadline; }
/* A timespec for pthread_cond_timedwait on a CLOCK_MONOTONIC condition variable. */
static inline struct timespec otelc__timespec(uint64_t mono_ns)
{
    struct timespec ts;
    ts.tv_sec = (time_t)(mono_ns / 1000000000ull);
    ts.tv_nsec = (long)(mono_ns % 1000000000ull);
    return ts;
}

#endif
