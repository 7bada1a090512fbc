/* SPDX-License-Identifier: Apache-2.0 */
/* Tests of the public clock functions. */
#include "testutil.h"

#include <stdlib.h>
#include <time.h>

#include "sdk/common/clock.h"
#include "sdk/common/tsc_clock.h"

/* Wall time is nanoseconds since the UNIX epoch: it agrees with time(2) to the second. */
static void test_clock_now_is_epoch_nanoseconds(void **state)
{
    (void)state;
    uint64_t before = (uint64_t)time(NULL);
    uint64_t ns = otelc_now_ns();
    uint64_t after = (uint64_t)time(NULL);
    assert_true(ns / 1000000000ull >= before);
    assert_true(ns / 1000000000ull <= after);
}

/* The monotonic clock never goes back, and it is CLOCK_MONOTONIC (deadlines are taken on it). */
static void test_clock_monotonic_never_goes_back(void **state)
{
    (void)state;
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    uint64_t ref = (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
    uint64_t prev = otelc_monotonic_ns();
    assert_true(prev >= ref);
    for (int i = 0; i < 10000; i++) {
        uint64_t now = otelc_monotonic_ns();
        assert_true(now >= prev);
        prev = now;
    }
    clock_gettime(CLOCK_MONOTONIC, &ts);
    assert_true(prev <= (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec);
}

/* The rate is the clock's ns over the counter's ticks, in 32.32 fixed point; pairs that
 * cannot give a plausible rate give none. */
static void test_clock_tsc_compute_mult(void **state)
{
    (void)state;
    /* 3 GHz: 1/3 ns per tick. */
    uint64_t m = otelc__tsc_compute_mult(1000, 5000, 1000 + 3000000000ull, 5000 + 1000000000ull);
    assert_true(m > 1431655760ull && m < 1431655770ull); /* 2^32 / 3 = 1431655765.3 */
    assert_int_equal(otelc__tsc_compute_mult(1000, 5000, 1000, 6000), 0);  /* no ticks */
    assert_int_equal(otelc__tsc_compute_mult(1000, 5000, 900, 6000), 0);   /* backwards */
    assert_int_equal(otelc__tsc_compute_mult(1000, 5000, 2000, 5000), 0);  /* no time */
    /* 1000 ticks in 1 s is a 1 kHz counter: implausible. */
    assert_int_equal(otelc__tsc_compute_mult(0, 0, 1000, 1000000000ull), 0);
}

#if OTELC__HAVE_TSC
/* Counter values on both sides of the anchor scale linearly. */
static void test_clock_tsc_to_ns(void **state)
{
    (void)state;
    uint64_t mult = 1ull << 31; /* 0.5 ns per tick */
    assert_int_equal(otelc__tsc_to_ns(1000, 1000, 7000, mult), 7000);
    assert_int_equal(otelc__tsc_to_ns(3000, 1000, 7000, mult), 8000);
    assert_int_equal(otelc__tsc_to_ns(0, 1000, 7000, mult), 6500);
}
#endif

/* Whether the counter is used or not, span times track the wall clock: after calibration
 * (when the machine allows it) they stay within a millisecond of CLOCK_REALTIME. */
static void test_clock_span_time_tracks_wall_clock(void **state)
{
    (void)state;
    otelc__tsc_reset();
    uint64_t start = otelc__mono_ns();
    while (otelc__tsc_calibrating() && otelc__mono_ns() - start < 2000000000ull) {
        otelc__tsc_tick(otelc__mono_ns());
        struct timespec ts = {0, 5000000};
        nanosleep(&ts, NULL);
    }
    assert_false(otelc__tsc_calibrating());
    for (int i = 0; i < 1000; i++) {
        uint64_t a = otelc__now_ns();
        uint64_t t = otelc__span_time_ns();
        uint64_t b = otelc__now_ns();
        assert_true(t + 1000000ull >= a);
        assert_true(t <= b + 1000000ull);
    }
}

/* OTELC_SPAN_CLOCK=system keeps span times on clock_gettime. */
static void test_clock_span_clock_system(void **state)
{
    (void)state;
    setenv("OTELC_SPAN_CLOCK", "system", 1);
    otelc__tsc_reset();
    otelc__tsc_tick(otelc__mono_ns());
    assert_false(otelc__tsc_calibrating());
    assert_false(otelc__tsc_ready());
    unsetenv("OTELC_SPAN_CLOCK");
    otelc__tsc_reset();
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_clock_now_is_epoch_nanoseconds),
        cmocka_unit_test(test_clock_monotonic_never_goes_back),
        cmocka_unit_test(test_clock_tsc_compute_mult),
#if OTELC__HAVE_TSC
        cmocka_unit_test(test_clock_tsc_to_ns),
#endif
        cmocka_unit_test(test_clock_span_time_tracks_wall_clock),
        cmocka_unit_test(test_clock_span_clock_system),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
