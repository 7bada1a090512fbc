/* SPDX-License-Identifier: Apache-2.0 */
/* Span timestamps from the CPU's time-stamp counter, scaled to wall-clock nanoseconds.
 *
 * Reading CLOCK_REALTIME costs 20 to 60 ns on the virtual machines daemons run on, and a span
 * reads the clock twice; the invariant TSC costs about a third of that. The batch processor's
 * worker calibrates the scale against the system clocks (otelc__tsc_tick) and re-anchors it
 * every second, so a step of the wall clock reaches span times within a second. Until the
 * first calibration, on CPUs without an invariant TSC, when the kernel itself does not use
 * the TSC as its clock source, or with OTELC_SPAN_CLOCK=system, span times come from
 * clock_gettime(CLOCK_REALTIME). */
#ifndef OTELC_SDK_COMMON_TSC_CLOCK_H
#define OTELC_SDK_COMMON_TSC_CLOCK_H

#include <stdatomic.h>
#include <stdint.h>

#include "clock.h"

#if defined(__x86_64__) && defined(__GNUC__)
#include <x86intrin.h>
#define OTELC__HAVE_TSC 1
#else
#define OTELC__HAVE_TSC 0
#endif

/* The published scale, under a sequence lock: seq is odd while the worker rewrites it. The
 * fields are atomics written with release and read with acquire (plain moves on x86): a
 * reader that sees any new field value also sees the odd seq before it, and retries. */
struct otelc__tsc_scale {
    _Atomic uint32_t seq;
    _Atomic uint32_t ready; /* 1 once a calibration was published and not withdrawn */
    _Atomic uint64_t tsc0;  /* the anchor: a counter value ... */
    _Atomic uint64_t wall0; /* ... and the wall-clock ns it stood for */
    _Atomic uint64_t mult;  /* ns per tick, fixed point with 32 fraction bits */
    _Atomic uint64_t stale; /* ticks after tsc0 past which the scale is due for a refresh */
};

extern struct otelc__tsc_scale otelc__tsc;

#if OTELC__HAVE_TSC
__extension__ typedef unsigned __int128 otelc__u128;

/* wall0 + (tsc - tsc0) * mult, for counter values on either side of the anchor. */
static inline uint64_t otelc__tsc_to_ns(uint64_t tsc, uint64_t tsc0, uint64_t wall0,
                                        uint64_t mult)
{
    if (tsc >= tsc0)
        return wall0 + (uint64_t)(((otelc__u128)(tsc - tsc0) * mult) >> 32);
    return wall0 - (uint64_t)(((otelc__u128)(tsc0 - tsc) * mult) >> 32);
}
#endif

/* The scale is a second old: re-anchor it (or let the thread already doing it). */
void otelc__tsc_refresh(void);
/* clock_gettime(CLOCK_REALTIME), which also moves the calibration on now and then, so that
 * programs without a batch worker get the counter too. */
uint64_t otelc__span_time_system(void);

/* Wall-clock ns for span start, end and event times. */
static inline uint64_t otelc__span_time_ns(void)
{
#if OTELC__HAVE_TSC
    if (atomic_load_explicit(&otelc__tsc.ready, memory_order_relaxed)) {
        for (int tries = 0; tries < 4; tries++) {
            uint32_t s1 = atomic_load_explicit(&otelc__tsc.seq, memory_order_acquire);
            /* Acquire loads (plain loads on x86) keep the second read of seq after them. */
            uint64_t tsc0 = atomic_load_explicit(&otelc__tsc.tsc0, memory_order_acquire);
            uint64_t wall0 = atomic_load_explicit(&otelc__tsc.wall0, memory_order_acquire);
            uint64_t mult = atomic_load_explicit(&otelc__tsc.mult, memory_order_acquire);
            uint64_t stale = atomic_load_explicit(&otelc__tsc.stale, memory_order_acquire);
            uint32_t s2 = atomic_load_explicit(&otelc__tsc.seq, memory_order_relaxed);
            if (s1 == s2 && !(s1 & 1u)) {
                uint64_t tsc = __rdtsc();
                /* Once a second some thread re-anchors the scale (unsigned: a counter
                 * behind the anchor also asks for it). */
                if (__builtin_expect(tsc - tsc0 > stale, 0))
                    otelc__tsc_refresh();
                return otelc__tsc_to_ns(tsc, tsc0, wall0, mult);
            }
        }
    }
#endif
    return otelc__span_time_system();
}

/* The calibration's pure part, exposed for tests: from a base pair (base_tsc, base_mono) and
 * a later pair (tsc, mono) of the same clocks, the scale in ns per tick (32.32). Returns 0
 * when the pairs cannot give one (no time passed, counter went backwards, or an implausible
 * rate outside 0.05 to 20 GHz). */
uint64_t otelc__tsc_compute_mult(uint64_t base_tsc, uint64_t base_mono, uint64_t tsc,
                                 uint64_t mono);

/* Called now and then with the monotonic time (by the batch worker, and by span threads
 * through otelc__span_time_system and otelc__tsc_refresh): the first call takes the base
 * pair, a call 20 ms later publishes the first scale, later calls re-anchor it at most once a
 * second (and withdraw it if the counter misbehaves). Cheap when there is nothing to do. Safe
 * to call from several threads (one does the work, the others return at once). */
void otelc__tsc_tick(uint64_t mono_now);

/* 1 while span times come from the counter. */
int otelc__tsc_ready(void);

/* 1 while the calibration has not reached a verdict (the worker should tick again soon). */
int otelc__tsc_calibrating(void);

/* Makes the next tick start over (tests; OTELC_SPAN_CLOCK is read again). */
void otelc__tsc_reset(void);

#endif
