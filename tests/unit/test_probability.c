/* SPDX-License-Identifier: Apache-2.0 */
/* The probability sampler (TraceState: Probability Sampling): the 56-bit decision with rv
 * when present, th written when it samples, rv and other members kept, nothing on DROP. */
#include "testutil.h"

#include <math.h>
#include <string.h>

#include "sampler_testutil.h"

static otelc_sampler *probability(double p)
{
    otelc_sampler *s = NULL;
    assert_int_equal(otelc_sampler_probability(&s, p), OTELC_OK);
    return s;
}

/* Builds the sampler under test for st_each_alloc_failure(). */
static int build_probability(otelc_sampler **out, void *ud)
{
    (void)ud;
    return otelc_sampler_probability(out, 0.5);
}

/* Runs s as a child of a remote parent with tracestate header (unsampled, so the flag is
 * seen to play no part) and checks the decision and the resulting header; want_header NULL
 * means the parent's tracestate is kept (no new one). */
static void check(otelc_sampler *s, const char *tid_hex, const char *header, int sampled,
                  const char *want_header)
{
    uint8_t tid[16];
    st_id(tid, tid_hex);
    otelc_tracestate *ts = header ? st_ts(header) : NULL;
    otelc_span_context parent = st_parent(tid, 1, 0, ts);
    otelc_sampling_result r = st_run(s, tid, &parent);
    assert_int_equal(r.decision, sampled ? OTELC_SAMPLING_RECORD_AND_SAMPLE : OTELC_SAMPLING_DROP);
    if (want_header) {
        assert_non_null(r.tracestate);
        assert_string_equal(otelc_tracestate_header(r.tracestate), want_header);
    } else {
        assert_null(r.tracestate);
    }
    otelc_tracestate_free(r.tracestate);
    otelc_tracestate_free(ts);
}

/* R from the trace id when there is no rv: p = 0.25 gives T = 0xc0000000000000 (exactly
 * representable, so rounding to 4 digits changes nothing); th:c is written. */
static void test_probability_writes_th(void **state)
{
    (void)state;
    otelc_sampler *s = probability(0.25);
    check(s, "000000000000000000c0000000000000", "a=1", 1, "ot=th:c,a=1");
    check(s, "000000000000000000bfffffffffffff", "a=1", 0, NULL);
    otelc_sampler_free(s);
    /* p = 0.1 writes th:e666 and decides with T = 0xe6660000000000 exactly: R = T samples
     * although TraceIdRatioBased(0.1) would drop it (its T is 0xe6666666666666). */
    s = probability(0.1);
    check(s, "000000000000000000e6660000000000", "a=1", 1, "ot=th:e666,a=1");
    check(s, "000000000000000000e665ffffffffff", "a=1", 0, NULL);
    otelc_sampler_free(s);
    s = probability(0.01);
    check(s, "000000000000000000ffffffffffffff", "a=1", 1, "ot=th:fd70a,a=1");
    otelc_sampler_free(s);
    s = probability(1.0);
    check(s, "00000000000000000000000000000000", "a=1", 1, "ot=th:0,a=1");
    otelc_sampler_free(s);
}

/* Spec: rv, when present, is the randomness; it is kept as it is, never overwritten. */
static void test_probability_uses_and_keeps_rv(void **state)
{
    (void)state;
    otelc_sampler *s = probability(0.25);
    /* The trace id's R is the largest, but rv = T - 1 decides: DROP. */
    check(s, "000000000000000000ffffffffffffff", "ot=rv:bfffffffffffff", 0, NULL);
    /* The trace id's R is 0, but rv = T: sampled, rv kept after th, ot moved first. */
    check(s, "00000000000000000000000000000000", "congo=t61rcWkgMzE,ot=rv:c0000000000000;x:1", 1,
          "ot=th:c;rv:c0000000000000;x:1,congo=t61rcWkgMzE");
    /* An invalid rv (13 digits) is ignored: the trace id decides. */
    check(s, "000000000000000000ffffffffffffff", "ot=rv:c000000000000", 1,
          "ot=th:c;rv:c000000000000");
    otelc_sampler_free(s);
}

/* An old th is replaced; the same th is left alone (no new tracestate). */
static void test_probability_replaces_th(void **state)
{
    (void)state;
    otelc_sampler *s = probability(0.25);
    check(s, "000000000000000000ffffffffffffff", "ot=th:8;rv:ffffffffffffff", 1,
          "ot=th:c;rv:ffffffffffffff");
    check(s, "000000000000000000ffffffffffffff", "a=1,ot=th:c", 1, NULL);
    otelc_sampler_free(s);
}

/* Roots share one precomputed "ot=th:..." tracestate: sampling a root allocates nothing. */
static void test_probability_root(void **state)
{
    (void)state;
    otelc_sampler *s = probability(0.5);
    uint8_t tid[16];
    st_id(tid, "000000000000000000ffffffffffffff");
    tu_alloc_install(0);
    otelc_sampling_result a = st_run(s, tid, NULL), b = st_run(s, tid, NULL);
    assert_int_equal(tu_alloc_calls(), 0);
    tu_alloc_uninstall();
    assert_int_equal(a.decision, OTELC_SAMPLING_RECORD_AND_SAMPLE);
    assert_string_equal(otelc_tracestate_header(a.tracestate), "ot=th:8");
    assert_ptr_equal(a.tracestate, b.tracestate);
    otelc_tracestate_free(a.tracestate);
    otelc_tracestate_free(b.tracestate);
    otelc_sampler_free(s);
}

/* Issue: a DROP decision allocates nothing, even with a parent tracestate to read. */
static void test_probability_drop_allocates_nothing(void **state)
{
    (void)state;
    otelc_sampler *s = probability(0.01);
    otelc_tracestate *ts = st_ts("a=1,ot=th:8;rv:00000000000001");
    uint8_t tid[16];
    st_id(tid, "000000000000000000ffffffffffffff");
    otelc_span_context parent = st_parent(tid, 0, 1, ts);
    tu_alloc_install(0);
    otelc_sampling_result r = st_run(s, tid, &parent);
    assert_int_equal(tu_alloc_calls(), 0);
    tu_alloc_uninstall();
    assert_int_equal(r.decision, OTELC_SAMPLING_DROP);
    assert_null(r.tracestate);
    otelc_tracestate_free(ts);
    otelc_sampler_free(s);
}

/* When the new tracestate cannot be allocated, the span is dropped, not given a stale th. */
static void test_probability_oom_drops(void **state)
{
    (void)state;
    otelc_sampler *s = probability(0.25);
    otelc_tracestate *ts = st_ts("ot=th:8");
    uint8_t tid[16];
    st_id(tid, "000000000000000000ffffffffffffff");
    otelc_span_context parent = st_parent(tid, 0, 1, ts);
    tu_log_capture(OTELC_LOG_ERROR);
    tu_alloc_install(1);
    otelc_sampling_result r = st_run(s, tid, &parent);
    assert_true(tu_alloc_failed());
    assert_int_equal(tu_alloc_live(), 0);
    tu_alloc_uninstall();
    assert_int_equal(r.decision, OTELC_SAMPLING_DROP);
    assert_null(r.tracestate);
    assert_true(tu_log_contains("out of memory"));
    tu_log_release();
    otelc_tracestate_free(ts);
    otelc_sampler_free(s);
}

/* p = 0 never samples; the superset property holds; description; bad arguments. */
static void test_probability_bounds_and_description(void **state)
{
    (void)state;
    otelc_sampler *zero = probability(0.0), *s = probability(0.1);
    uint8_t tid[16];
    st_id(tid, "ffffffffffffffffffffffffffffffff");
    assert_int_equal(st_decide(zero, tid, NULL), OTELC_SAMPLING_DROP);
    assert_string_equal(otelc_sampler_description(zero), "ProbabilitySampler{0}");
    assert_string_equal(otelc_sampler_description(s), "ProbabilitySampler{0.1}");
    otelc_sampler *lo = probability(0.2), *hi = probability(0.3);
    uint64_t seed = 3;
    unsigned n = 0;
    for (int i = 0; i < 100000; i++) {
        st_random_id(&seed, tid);
        int a = st_decide(lo, tid, NULL) == OTELC_SAMPLING_RECORD_AND_SAMPLE;
        int b = st_decide(hi, tid, NULL) == OTELC_SAMPLING_RECORD_AND_SAMPLE;
        assert_true(b >= a);
        n += (unsigned)a;
    }
    /* th:cccd for 0.2: (2^56 - 0xcccd0000000000) / 2^56 = 0.19999694...; 3 sigma of 10^5. */
    assert_true(fabs(n - 100000 * 0.19999694) <= 3 * sqrt(100000 * 0.2 * 0.8));
    otelc_sampler *bad = (otelc_sampler *)&bad;
    assert_int_equal(otelc_sampler_probability(&bad, 1.5), OTELC_ERANGE);
    assert_int_equal(otelc_sampler_probability(&bad, NAN), OTELC_ERANGE);
    assert_int_equal(otelc_sampler_probability(NULL, 0.5), OTELC_EINVAL);
    assert_ptr_equal(bad, (otelc_sampler *)&bad);
    st_each_alloc_failure(build_probability, NULL);
    otelc_sampler_free(lo);
    otelc_sampler_free(hi);
    otelc_sampler_free(s);
    otelc_sampler_free(zero);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_probability_writes_th),
        cmocka_unit_test(test_probability_uses_and_keeps_rv),
        cmocka_unit_test(test_probability_replaces_th),
        cmocka_unit_test(test_probability_root),
        cmocka_unit_test(test_probability_drop_allocates_nothing),
        cmocka_unit_test(test_probability_oom_drops),
        cmocka_unit_test(test_probability_bounds_and_description),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
