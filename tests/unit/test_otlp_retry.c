/* SPDX-License-Identifier: Apache-2.0 */
/* Tests of the OTLP retry policy: retryable statuses, Retry-After, backoff within a deadline. */
#include <string.h>

#include "testutil.h"

#include "exporters/otlp/retry.h"
#include "sdk/common/clock.h"

#define MS 1000000ull
#define S 1000000000ull

/* OTLP/HTTP: 429, 502, 503 and 504 are retryable; every other status is not. */
static void test_otlp_retry_retryable_statuses(void **state)
{
    (void)state;
    static const long yes[] = {429, 502, 503, 504};
    static const long no[] = {200, 400, 401, 403, 404, 408, 413, 500, 501, 505, 0};
    for (size_t i = 0; i < sizeof yes / sizeof yes[0]; i++)
        assert_int_equal(otelc__retry_http_status_retryable(yes[i]), 1);
    for (size_t i = 0; i < sizeof no / sizeof no[0]; i++)
        assert_int_equal(otelc__retry_http_status_retryable(no[i]), 0);
}

/* OTLP/gRPC: CANCELLED, DEADLINE_EXCEEDED, ABORTED, OUT_OF_RANGE, UNAVAILABLE and DATA_LOSS
 * are retryable; RESOURCE_EXHAUSTED only with RetryInfo; every other code is not. */
static void test_otlp_retry_grpc_codes(void **state)
{
    (void)state;
    static const int yes[] = {1, 4, 10, 11, 14, 15};
    static const int no[] = {0, 2, 3, 5, 6, 7, 9, 12, 13, 16, 17, -1};
    for (size_t i = 0; i < sizeof yes / sizeof yes[0]; i++) {
        assert_int_equal(otelc__retry_grpc_status_retryable(yes[i], 0), 1);
        assert_int_equal(otelc__retry_grpc_status_retryable(yes[i], 1), 1);
    }
    for (size_t i = 0; i < sizeof no / sizeof no[0]; i++) {
        assert_int_equal(otelc__retry_grpc_status_retryable(no[i], 0), 0);
        assert_int_equal(otelc__retry_grpc_status_retryable(no[i], 1), 0);
    }
    assert_int_equal(otelc__retry_grpc_status_retryable(8, 0), 0);
    assert_int_equal(otelc__retry_grpc_status_retryable(8, 1), 1);
}

/* RFC 9110 Retry-After: delay-seconds or an IMF-fixdate; anything else is refused. */
static void test_otlp_retry_after_forms(void **state)
{
    (void)state;
    uint64_t w = 0;
    assert_int_equal(otelc__retry_after_parse(" 7 ", 3, 0, &w), 0);
    assert_int_equal(w, 7 * S);
    assert_int_equal(otelc__retry_after_parse("0", 1, 0, &w), 0);
    assert_int_equal(w, 0);
    /* 1994-11-06 08:49:37 UTC is 784111777. */
    const char *date = "Sun, 06 Nov 1994 08:49:37 GMT";
    assert_int_equal(otelc__retry_after_parse(date, strlen(date), 784111770, &w), 0);
    assert_int_equal(w, 7 * S);
    assert_int_equal(otelc__retry_after_parse(date, strlen(date), 784111999, &w), 0);
    assert_int_equal(w, 0);
    /* Huge waits are capped at an hour. */
    assert_int_equal(otelc__retry_after_parse("99999999", 8, 0, &w), 0);
    assert_int_equal(w, 3600 * S);
    static const char *const bad[] = {"", "-1", "1.5", "soon", "Sun, 06 Nov 1994", "7s"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        assert_int_equal(otelc__retry_after_parse(bad[i], strlen(bad[i]), 0, &w), -1);
}

/* Backoff grows exponentially with jitter, stays under the cap, and stops at the deadline. */
static void test_otlp_retry_backoff_within_deadline(void **state)
{
    (void)state;
    struct otelc__retry r;
    uint64_t w, far = otelc__mono_ns() + 3600 * S;
    otelc__retry_init(&r);
    uint64_t step = r.initial_ns;
    for (int i = 0; i < 8; i++) {
        assert_int_equal(otelc__retry_next(&r, 0, far, &w), 0);
        assert_true(w >= step / 2 && w <= step);
        step = step * 2 > r.max_ns ? r.max_ns : step * 2;
    }
    /* A receiver's wait is taken as it is. */
    assert_int_equal(otelc__retry_next(&r, 2 * S, far, &w), 0);
    assert_int_equal(w, 2 * S);
    /* A receiver's wait past the deadline ends the retries. */
    uint64_t soon = otelc__mono_ns() + 1 * S;
    assert_int_equal(otelc__retry_next(&r, 2 * S, soon, &w), -1);
    /* A backoff step past the deadline is cut so that one last attempt fits. */
    otelc__retry_init(&r);
    r.attempt = 10;
    assert_int_equal(otelc__retry_next(&r, 0, soon, &w), 0);
    assert_true(w < 1 * S);
    /* No time left: no attempt. */
    assert_int_equal(otelc__retry_next(&r, 0, otelc__mono_ns() + 50 * MS, &w), -1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_otlp_retry_retryable_statuses),
        cmocka_unit_test(test_otlp_retry_grpc_codes),
        cmocka_unit_test(test_otlp_retry_after_forms),
        cmocka_unit_test(test_otlp_retry_backoff_within_deadline),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
