/* SPDX-License-Identifier: Apache-2.0 */
/* Tests of the public clock functions. */
#include "testutil.h"

#include <time.h>

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

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_clock_now_is_epoch_nanoseconds),
        cmocka_unit_test(test_clock_monotonic_never_goes_back),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
