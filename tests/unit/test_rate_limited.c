/* SPDX-License-Identifier: Apache-2.0 */
/* The rate-limited sampler: a token bucket driven by a fake clock never admits more than
 * burst + rate * t root spans in t seconds, one thread or two; children follow the parent. */
#include "testutil.h"

#include <math.h>
#include <pthread.h>
#include <stdatomic.h>
#include <string.h>

#include "sampler_testutil.h"
#include "samplers/sampler_internal.h"

/* The fake monotonic clock, in ns, and how often it was read. */
static _Atomic uint64_t g_now;
static _Atomic uint64_t g_reads;
static uint64_t g_step; /* ns the clock moves on each read (0: it stands still) */

static uint64_t fake_now(void)
{
    atomic_fetch_add(&g_reads, 1);
    return atomic_fetch_add(&g_now, g_step) + g_step;
}

static int setup(void **state)
{
    (void)state;
    atomic_store(&g_now, UINT64_C(5000000000)); /* any start: 5 s after boot */
    atomic_store(&g_reads, 0);
    g_step = 0;
    otelc__rate_limited_set_clock(fake_now);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    otelc__rate_limited_set_clock(NULL);
    return 0;
}

static otelc_sampler *limited(double rate, double burst)
{
    otelc_sampler *s = NULL;
    assert_int_equal(otelc_sampler_rate_limited(&s, rate, burst), OTELC_OK);
    return s;
}

static int root_sampled(otelc_sampler *s)
{
    static const uint8_t tid[16] = {1};
    return st_decide(s, tid, NULL) == OTELC_SAMPLING_RECORD_AND_SAMPLE;
}

/* Issue: over a simulated second of constant demand (a root span every 50 us) the sampler
 * never admits more than burst + rate * t, and admits exactly that: 10 at once, then one per
 * 10 ms, 110 by the end of the second. */
static void test_rate_limited_budget_over_a_simulated_second(void **state)
{
    (void)state;
    otelc_sampler *s = limited(100, 10);
    const uint64_t start = atomic_load(&g_now);
    unsigned admitted = 0;
    for (uint64_t t = 0; t <= 1000000000u; t += 50000) {
        atomic_store(&g_now, start + t);
        admitted += (unsigned)root_sampled(s);
        assert_true(admitted <= 10 + 100 * (double)t / 1e9);
    }
    assert_int_equal(admitted, 110);
    otelc_sampler_free(s);
}

/* Two threads share one bucket while the clock moves 1 us per read over a simulated second. */
static void *hammer(void *arg)
{
    otelc_sampler *s = arg;
    uintptr_t n = 0;
    for (int i = 0; i < 500000; i++)
        n += (uintptr_t)root_sampled(s);
    return (void *)n;
}

static void test_rate_limited_budget_with_two_threads(void **state)
{
    (void)state;
    otelc_sampler *s = limited(100, 10);
    g_step = 1000;
    const uint64_t start = atomic_load(&g_now);
    pthread_t th[2];
    for (int i = 0; i < 2; i++)
        assert_int_equal(pthread_create(&th[i], NULL, hammer, s), 0);
    uintptr_t admitted = 0;
    for (int i = 0; i < 2; i++) {
        void *n;
        pthread_join(th[i], &n);
        admitted += (uintptr_t)n;
    }
    double seconds = (double)(atomic_load(&g_now) - start) / 1e9;
    assert_true(fabs(seconds - 1.0) < 1e-9); /* 10^6 reads of 1 us */
    assert_true(admitted <= 10 + 100 * seconds);
    assert_true(admitted >= 100); /* and the budget is used, not starved by the CAS loop */
    otelc_sampler_free(s);
}

/* A drained bucket refills at the rate: one token per interval, up to the burst. */
static void test_rate_limited_refills(void **state)
{
    (void)state;
    otelc_sampler *s = limited(2, 3); /* a token every 500 ms, at most 3 */
    for (int i = 0; i < 3; i++)
        assert_true(root_sampled(s));
    assert_false(root_sampled(s));
    atomic_fetch_add(&g_now, 499999999);
    assert_false(root_sampled(s));
    atomic_fetch_add(&g_now, 1);
    assert_true(root_sampled(s));
    assert_false(root_sampled(s));
    atomic_fetch_add(&g_now, UINT64_C(60000000000)); /* a quiet minute fills it to 3, no more */
    for (int i = 0; i < 3; i++)
        assert_true(root_sampled(s));
    assert_false(root_sampled(s));
    otelc_sampler_free(s);
}

/* Spans with a parent follow its sampled flag, take no token and read no clock. */
static void test_rate_limited_children_follow_parent(void **state)
{
    (void)state;
    otelc_sampler *s = limited(1, 1);
    assert_true(root_sampled(s));
    assert_false(root_sampled(s)); /* drained */
    uint64_t reads = atomic_load(&g_reads);
    uint8_t tid[16];
    memset(tid, 3, 16);
    otelc_span_context sampled = st_parent(tid, 1, 1, NULL), unsampled = st_parent(tid, 0, 0, NULL);
    for (int i = 0; i < 10; i++) {
        assert_int_equal(st_decide(s, tid, &sampled), OTELC_SAMPLING_RECORD_AND_SAMPLE);
        assert_int_equal(st_decide(s, tid, &unsampled), OTELC_SAMPLING_DROP);
    }
    assert_int_equal(atomic_load(&g_reads), reads);
    atomic_fetch_add(&g_now, 1000000000);
    assert_true(root_sampled(s)); /* the children took nothing from the bucket */
    otelc_sampler_free(s);
}

static int build(otelc_sampler **out, void *ud)
{
    (void)ud;
    return otelc_sampler_rate_limited(out, 100, 0);
}

/* Descriptions, the burst default, ranges and allocation failures. */
static void test_rate_limited_arguments(void **state)
{
    (void)state;
    otelc_sampler *s = limited(100, 0);
    assert_string_equal(otelc_sampler_description(s), "RateLimitedSampler{rate=100,burst=100}");
    otelc_sampler_free(s);
    s = limited(0.5, 0);
    assert_string_equal(otelc_sampler_description(s), "RateLimitedSampler{rate=0.5,burst=1}");
    otelc_sampler_free(s);
    s = limited(1e7, 0);
    assert_string_equal(otelc_sampler_description(s),
                        "RateLimitedSampler{rate=10000000,burst=1000000}");
    otelc_sampler_free(s);
    otelc_sampler *bad = (otelc_sampler *)&bad;
    assert_int_equal(otelc_sampler_rate_limited(&bad, 0, 1), OTELC_ERANGE);
    assert_int_equal(otelc_sampler_rate_limited(&bad, 2e9, 1), OTELC_ERANGE);
    assert_int_equal(otelc_sampler_rate_limited(&bad, NAN, 1), OTELC_ERANGE);
    assert_int_equal(otelc_sampler_rate_limited(&bad, 10, 0.5), OTELC_ERANGE);
    assert_int_equal(otelc_sampler_rate_limited(&bad, 10, 2e6), OTELC_ERANGE);
    assert_int_equal(otelc_sampler_rate_limited(NULL, 10, 1), OTELC_EINVAL);
    assert_ptr_equal(bad, (otelc_sampler *)&bad);
    st_each_alloc_failure(build, NULL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_rate_limited_budget_over_a_simulated_second, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_rate_limited_budget_with_two_threads, setup, teardown),
        cmocka_unit_test_setup_teardown(test_rate_limited_refills, setup, teardown),
        cmocka_unit_test_setup_teardown(test_rate_limited_children_follow_parent, setup, teardown),
        cmocka_unit_test_setup_teardown(test_rate_limited_arguments, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
