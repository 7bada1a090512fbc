/* SPDX-License-Identifier: Apache-2.0 */
/* AlwaysRecord (trace SDK specification, "Sampling"): DROP becomes RECORD_ONLY, the other
 * decisions and the delegate's attributes and tracestate are kept. */
#include "testutil.h"

#include <string.h>

#include "sampler_testutil.h"

static otelc_sampler *always_record(otelc_sampler *delegate)
{
    otelc_sampler *s = NULL;
    assert_int_equal(otelc_sampler_always_record(&s, delegate), OTELC_OK);
    return s;
}

/* A delegate that returns the decision in user_data, one attribute and a tracestate. */
static const otelc_attr extra = {"sampler.rule", {OTELC_VALUE_INT, 0, {.i = 7}}};

static void fixed(void *ud, const otelc_sampling_params *p, otelc_sampling_result *r)
{
    (void)p;
    r->decision = *(const otelc_sampling_decision *)ud;
    r->attrs = &extra;
    r->attr_count = 1;
    otelc_tracestate_new(&r->tracestate, "x=1", 3);
}

static const otelc_sampler_methods fixed_methods = {OTELC_SAMPLER_METHODS_VERSION, fixed, NULL};

/* Spec: DROP -> RECORD_ONLY, RECORD_ONLY -> RECORD_ONLY, RECORD_AND_SAMPLE unchanged; the
 * delegate's attributes and tracestate pass through. */
static void test_always_record_decisions(void **state)
{
    (void)state;
    static const otelc_sampling_decision in[] = {OTELC_SAMPLING_DROP, OTELC_SAMPLING_RECORD_ONLY,
                                                 OTELC_SAMPLING_RECORD_AND_SAMPLE};
    static const otelc_sampling_decision want[] = {
        OTELC_SAMPLING_RECORD_ONLY, OTELC_SAMPLING_RECORD_ONLY, OTELC_SAMPLING_RECORD_AND_SAMPLE};
    uint8_t tid[16];
    memset(tid, 1, 16);
    for (int i = 0; i < 3; i++) {
        otelc_sampler *d = NULL;
        assert_int_equal(otelc_sampler_new(&d, &fixed_methods, (void *)&in[i], "Fixed"), OTELC_OK);
        otelc_sampler *s = always_record(d);
        otelc_sampling_result r = st_run(s, tid, NULL);
        assert_int_equal(r.decision, want[i]);
        assert_ptr_equal(r.attrs, &extra);
        assert_int_equal(r.attr_count, 1);
        assert_string_equal(otelc_tracestate_header(r.tracestate), "x=1");
        otelc_tracestate_free(r.tracestate);
        assert_string_equal(otelc_sampler_description(s), "AlwaysRecordSampler{Fixed}");
        otelc_sampler_free(s);
    }
}

/* Builds AlwaysRecord(AlwaysOff), freeing the delegate itself when it is not taken over. */
static int build(otelc_sampler **out, void *ud)
{
    (void)ud;
    otelc_sampler *off = NULL;
    int rc = otelc_sampler_always_off(&off);
    if (rc != OTELC_OK)
        return rc;
    rc = otelc_sampler_always_record(out, off);
    if (rc != OTELC_OK)
        otelc_sampler_free(off);
    return rc;
}

/* NULL arguments are refused; allocation failures leak nothing and leave the delegate to
 * the caller. */
static void test_always_record_arguments(void **state)
{
    (void)state;
    otelc_sampler *s = (otelc_sampler *)&s, *off = NULL;
    assert_int_equal(otelc_sampler_always_off(&off), OTELC_OK);
    assert_int_equal(otelc_sampler_always_record(&s, NULL), OTELC_EINVAL);
    assert_int_equal(otelc_sampler_always_record(NULL, off), OTELC_EINVAL);
    assert_ptr_equal(s, (otelc_sampler *)&s);
    otelc_sampler_free(off);
    st_each_alloc_failure(build, NULL);
}

/* Through the SDK: every span records (processors see it) but none is exported. */
static void test_always_record_spans_record_but_are_not_exported(void **state)
{
    (void)state;
    otelc_sampler *s = NULL;
    assert_int_equal(build(&s, NULL), OTELC_OK);
    otelc_tracer_provider *tp = tu_provider(s, NULL, NULL);
    otelc_tracer *t = otelc_tracer_provider_get_tracer(tp, "t", NULL, NULL, NULL, 0);
    otelc_span *span = otelc_span_start(t, "recorded", NULL);
    assert_true(otelc_span_is_recording(span));
    otelc_span_context c = otelc_span_get_context(span);
    assert_false(otelc_span_context_is_sampled(&c));
    otelc_span_end(span);
    assert_int_equal(tu_spans_count(), 0);
    otelc_tracer_provider_free(tp);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_always_record_decisions),
        cmocka_unit_test(test_always_record_arguments),
        cmocka_unit_test(test_always_record_spans_record_but_are_not_exported),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
