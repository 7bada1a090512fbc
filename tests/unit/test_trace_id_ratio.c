/* SPDX-License-Identifier: Apache-2.0 */
/* TraceIdRatioBased (trace SDK specification, "Sampling"; TraceState: Probability Sampling):
 * the 56-bit rule R >= T on pinned ids, its statistics, the superset property, and its cost. */
#include "testutil.h"

#include <math.h>
#include <stdatomic.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "sampler_testutil.h"
#include "sdk/trace/span_pool.h"

/*
 * Pinned decisions, derived by hand from the rule and not from this code. R is the trace id's
 * last 7 bytes (hex digits 19..32) read as a big-endian integer; T = 2^56 - round(p * 2^56)
 * with 2^56 = 0x100000000000000; the span is sampled iff R >= T.
 */
static const struct {
    double ratio;
    const char *trace_id;
    int sampled;
} pinned[] = {
    /* p = 0.25 = 2^-2: p*2^56 = 2^54 = 0x40000000000000, T = 0xc0000000000000.
     * R = 0xce929d0e0e4736 >= T. */
    {0.25, "4bf92f3577b34da6a3ce929d0e0e4736", 1},
    /* R = 0xbfffffffffffff = T - 1 < T. */
    {0.25, "0000000000000000ffbfffffffffffff", 0},
    /* R = 0xc0000000000000 = T: equality samples. */
    {0.25, "ffffffffffffffff00c0000000000000", 1},
    /* p = 0.5: T = 0x80000000000000. Byte 9 of the id (0xff here) is not part of R:
     * R = 0x7fffffffffffff < T. */
    {0.5, "0123456789abcdefff7fffffffffffff", 0},
    /* R = 0x80000000000000 = T. */
    {0.5, "00000000000000000080000000000000", 1},
    /* p = 0.75: p*2^56 = 3*2^54 = 0xc0000000000000, T = 0x40000000000000.
     * R = 0x3fffffffffffff < T; then R = 0x40000000000000 = T. */
    {0.75, "0000000000000000003fffffffffffff", 0},
    {0.75, "00000000000000000040000000000000", 1},
    /* p = 0.1: the double nearest 0.1 is 0x1.999999999999ap-4, so p*2^56 = 0x1999999999999a
     * exactly (a 53-bit integer) and T = 0x100000000000000 - 0x1999999999999a
     * = 0xe6666666666666. R = T - 1 = 0xe6666666666665 drops; R = T samples. */
    {0.1, "555555555555555500e6666666666665", 0},
    {0.1, "555555555555555500e6666666666666", 1},
    /* p = 0.01: the double is 0x1.47ae147ae147bp-7, so p*2^56 = 0x147ae147ae147b / 8
     * = 0x28f5c28f5c28f + 3/8, which rounds to 0x28f5c28f5c28f; T = 0x100000000000000 -
     * 0x28f5c28f5c28f = 0xfd70a3d70a3d71. R = 0xfd70a3d70a3d70 drops; R = T samples;
     * R = 0xffffffffffffff (the largest) samples. */
    {0.01, "00000000000000000afd70a3d70a3d70", 0},
    {0.01, "00000000000000000afd70a3d70a3d71", 1},
    {0.01, "000000000000000000ffffffffffffff", 1},
    /* p = 0: T = 2^56, above every R: even the largest R = 0xffffffffffffff drops. */
    {0.0, "ffffffffffffffffffffffffffffffff", 0},
    /* p = 1: T = 0, so even R = 0 samples. */
    {1.0, "01000000000000000000000000000000", 1},
};

/* Builds the sampler under test for st_each_alloc_failure(). */
static int build_ratio(otelc_sampler **out, void *ud)
{
    (void)ud;
    return otelc_sampler_trace_id_ratio(out, 0.5);
}

/* Spec: TraceIdRatioBased samples iff the trace id's 56-bit randomness R >= T. */
static void test_trace_id_ratio_pinned_decisions(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof pinned / sizeof pinned[0]; i++) {
        otelc_sampler *s = NULL;
        uint8_t tid[16];
        st_id(tid, pinned[i].trace_id);
        assert_int_equal(otelc_sampler_trace_id_ratio(&s, pinned[i].ratio), OTELC_OK);
        otelc_sampling_result r = st_run(s, tid, NULL);
        assert_int_equal(r.decision, pinned[i].sampled ? OTELC_SAMPLING_RECORD_AND_SAMPLE
                                                       : OTELC_SAMPLING_DROP);
        /* It leaves the tracestate and attributes alone. */
        assert_null(r.tracestate);
        assert_int_equal(r.attr_count, 0);
        otelc_sampler_free(s);
    }
}

/* The sampled fraction of 10^6 random ids is within 3 standard deviations of p. */
static void test_trace_id_ratio_fraction_within_3_sigma(void **state)
{
    (void)state;
    const double ratios[] = {0.001, 0.01, 0.1, 0.25, 0.5, 0.9};
    const unsigned n = 1000000;
    for (size_t k = 0; k < sizeof ratios / sizeof ratios[0]; k++) {
        otelc_sampler *s = NULL;
        assert_int_equal(otelc_sampler_trace_id_ratio(&s, ratios[k]), OTELC_OK);
        uint64_t seed = 42 + k;
        unsigned sampled = 0;
        for (unsigned i = 0; i < n; i++) {
            uint8_t tid[16];
            st_random_id(&seed, tid);
            sampled += st_decide(s, tid, NULL) == OTELC_SAMPLING_RECORD_AND_SAMPLE;
        }
        double p = ratios[k], sigma = sqrt(n * p * (1 - p));
        assert_true(fabs(sampled - n * p) <= 3 * sigma);
        otelc_sampler_free(s);
    }
}

/* Spec: a higher ratio samples a superset of what a lower one samples (consistency). */
static void test_trace_id_ratio_superset(void **state)
{
    (void)state;
    const double ratios[] = {0.0, 0.001, 0.01, 0.1, 0.2, 0.25, 0.5, 0.75, 0.99, 1.0};
    enum { N = sizeof ratios / sizeof ratios[0] };
    otelc_sampler *s[N];
    for (int k = 0; k < N; k++)
        assert_int_equal(otelc_sampler_trace_id_ratio(&s[k], ratios[k]), OTELC_OK);
    uint64_t seed = 7;
    for (int i = 0; i < 200000; i++) {
        uint8_t tid[16];
        st_random_id(&seed, tid);
        int prev = 0;
        for (int k = 0; k < N; k++) {
            int got = st_decide(s[k], tid, NULL) == OTELC_SAMPLING_RECORD_AND_SAMPLE;
            assert_true(got >= prev);
            prev = got;
        }
    }
    for (int k = 0; k < N; k++)
        otelc_sampler_free(s[k]);
}

/* Spec: TraceIdRatioBased ignores the parent's sampled flag. */
static void test_trace_id_ratio_ignores_parent(void **state)
{
    (void)state;
    otelc_sampler *s = NULL;
    uint8_t low[16], high[16];
    st_id(low, "00000000000000000000000000000001");  /* R = 1 < T */
    st_id(high, "000000000000000000ffffffffffffff"); /* R = 2^56 - 1 >= T */
    assert_int_equal(otelc_sampler_trace_id_ratio(&s, 0.5), OTELC_OK);
    otelc_span_context sampled = st_parent(low, 1, 1, NULL);
    otelc_span_context unsampled = st_parent(high, 0, 0, NULL);
    assert_int_equal(st_decide(s, low, &sampled), OTELC_SAMPLING_DROP);
    assert_int_equal(st_decide(s, high, &unsampled), OTELC_SAMPLING_RECORD_AND_SAMPLE);
    otelc_sampler_free(s);
}

/* Spec: the description is TraceIdRatioBased{ratio}, the ratio in its shortest form. */
static void test_trace_id_ratio_description(void **state)
{
    (void)state;
    const struct {
        double ratio;
        const char *want;
    } cases[] = {{0.25, "TraceIdRatioBased{0.25}"},
                 {1.0, "TraceIdRatioBased{1}"},
                 {0.01, "TraceIdRatioBased{0.01}"},
                 {0.0, "TraceIdRatioBased{0}"},
                 {1.0 / 3, "TraceIdRatioBased{0.3333333333333333}"}};
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        otelc_sampler *s = NULL;
        assert_int_equal(otelc_sampler_trace_id_ratio(&s, cases[i].ratio), OTELC_OK);
        assert_string_equal(otelc_sampler_description(s), cases[i].want);
        otelc_sampler_free(s);
    }
}

/* A ratio outside [0, 1] is refused; allocation failures leak nothing. */
static void test_trace_id_ratio_bad_arguments(void **state)
{
    (void)state;
    otelc_sampler *s = (otelc_sampler *)&s;
    assert_int_equal(otelc_sampler_trace_id_ratio(&s, -0.01), OTELC_ERANGE);
    assert_int_equal(otelc_sampler_trace_id_ratio(&s, 1.0001), OTELC_ERANGE);
    assert_int_equal(otelc_sampler_trace_id_ratio(&s, NAN), OTELC_ERANGE);
    assert_int_equal(otelc_sampler_trace_id_ratio(NULL, 0.5), OTELC_EINVAL);
    assert_ptr_equal(s, (otelc_sampler *)&s);
    st_each_alloc_failure(build_ratio, NULL);
}

/* Counts clock reads: this definition takes the place of the C library's for the otelc code
 * linked into this test, and reads the clock with the system call itself. */
static _Atomic unsigned g_clock_reads;

int clock_gettime(clockid_t id, struct timespec *ts)
{
    atomic_fetch_add(&g_clock_reads, 1);
    return (int)syscall(SYS_clock_gettime, id, ts);
}

/* An id generator that hands out one pinned trace id, for spans started through the SDK. */
static uint8_t g_next_tid[16];

static void pinned_trace_id(void *ud, uint8_t out[16])
{
    (void)ud;
    memcpy(out, g_next_tid, 16);
}

static void fixed_span_id(void *ud, uint8_t out[8])
{
    (void)ud;
    memset(out, 0x11, 8);
}

static const otelc_id_generator_methods pinned_methods = {OTELC_ID_GENERATOR_METHODS_VERSION,
                                                          OTELC_ID_GENERATOR_RANDOM_TRACE_IDS,
                                                          pinned_trace_id, fixed_span_id, NULL};

/* Through the SDK: the ratio decides root spans by their trace id, and a dropped span
 * allocates nothing once the thread's span cache is warm and reads no clock (issue: a DROP
 * decision allocates nothing and reads no clock). */
static void test_trace_id_ratio_span_start(void **state)
{
    (void)state;
    otelc_sampler *s = NULL;
    otelc_id_generator *gen = NULL;
    assert_int_equal(otelc_sampler_trace_id_ratio(&s, 0.25), OTELC_OK);
    assert_int_equal(otelc_id_generator_new(&gen, &pinned_methods, NULL), OTELC_OK);
    otelc_tracer_provider *tp = tu_provider(s, NULL, gen);
    assert_non_null(tp);
    otelc_tracer *t = otelc_tracer_provider_get_tracer(tp, "t", NULL, NULL, NULL, 0);

    st_id(g_next_tid, "000000000000000000c0000000000000"); /* R = T: sampled */
    unsigned reads = atomic_load(&g_clock_reads);
    otelc_span *in = otelc_span_start(t, "in", NULL);
    assert_true(otelc_span_is_recording(in));
    otelc_span_end(in);
    assert_true(atomic_load(&g_clock_reads) > reads); /* the count sees the span's clock */

    st_id(g_next_tid, "000000000000000000bfffffffffffff"); /* R = T - 1: dropped */
    otelc_span_end(otelc_span_start(t, "warm-up", NULL));
    tu_alloc_install(0);
    reads = atomic_load(&g_clock_reads);
    for (int i = 0; i < 100; i++) {
        otelc_span *out = otelc_span_start(t, "out", NULL);
        assert_false(otelc_span_is_recording(out));
        otelc_span_end(out);
    }
    assert_int_equal(atomic_load(&g_clock_reads), reads);
    assert_int_equal(tu_alloc_calls(), 0);
    tu_alloc_uninstall();
    assert_int_equal(tu_spans_count(), 1);
    tu_spans_clear();
    otelc_tracer_provider_free(tp);
    otelc__span_cache_trim();
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_trace_id_ratio_pinned_decisions),
        cmocka_unit_test(test_trace_id_ratio_fraction_within_3_sigma),
        cmocka_unit_test(test_trace_id_ratio_superset),
        cmocka_unit_test(test_trace_id_ratio_ignores_parent),
        cmocka_unit_test(test_trace_id_ratio_description),
        cmocka_unit_test(test_trace_id_ratio_bad_arguments),
        cmocka_unit_test(test_trace_id_ratio_span_start),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
