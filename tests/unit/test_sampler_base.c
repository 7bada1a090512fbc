/* SPDX-License-Identifier: Apache-2.0 */
/* AlwaysOn, AlwaysOff and ParentBased samplers (trace SDK specification, "Sampling"). */
#include "testutil.h"

#include <string.h>

static otelc_sampling_decision decide(otelc_sampler *s, const otelc_span_context *parent)
{
    uint8_t tid[16] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16};
    otelc_sampling_params p;
    memset(&p, 0, sizeof p);
    p.parent = parent;
    p.trace_id = tid;
    p.name = "n";
    p.kind = OTELC_SPAN_KIND_INTERNAL;
    otelc_sampling_result r;
    otelc_sampler_should_sample(s, &p, &r);
    return r.decision;
}

static otelc_span_context parent_ctx(int remote, int sampled)
{
    otelc_span_context c;
    memset(&c, 0, sizeof c);
    memset(c.trace_id, 0xab, 16);
    memset(c.span_id, 0xcd, 8);
    c.is_remote = (uint8_t)remote;
    c.trace_flags = sampled ? OTELC_TRACE_FLAG_SAMPLED : 0;
    return c;
}

/* Spec: AlwaysOn samples everything, AlwaysOff nothing; their descriptions. */
static void test_sampler_always_on_off(void **state)
{
    (void)state;
    otelc_sampler *on = NULL, *off = NULL;
    assert_int_equal(otelc_sampler_always_on(&on), OTELC_OK);
    assert_int_equal(otelc_sampler_always_off(&off), OTELC_OK);
    otelc_span_context unsampled = parent_ctx(1, 0), sampled = parent_ctx(0, 1);
    assert_int_equal(decide(on, NULL), OTELC_SAMPLING_RECORD_AND_SAMPLE);
    assert_int_equal(decide(on, &unsampled), OTELC_SAMPLING_RECORD_AND_SAMPLE);
    assert_int_equal(decide(off, NULL), OTELC_SAMPLING_DROP);
    assert_int_equal(decide(off, &sampled), OTELC_SAMPLING_DROP);
    assert_string_equal(otelc_sampler_description(on), "AlwaysOnSampler");
    assert_string_equal(otelc_sampler_description(off), "AlwaysOffSampler");
    otelc_sampler_free(on);
    otelc_sampler_free(off);
}

/* Spec: ParentBased defaults: root decides roots; a sampled parent (remote or local) is
 * followed with AlwaysOn, an unsampled one with AlwaysOff. */
static void test_sampler_parent_based_default_matrix(void **state)
{
    (void)state;
    otelc_sampler *root = NULL, *pb = NULL;
    assert_int_equal(otelc_sampler_always_off(&root), OTELC_OK);
    assert_int_equal(otelc_sampler_parent_based(&pb, root, NULL), OTELC_OK);
    otelc_span_context rs = parent_ctx(1, 1), rn = parent_ctx(1, 0), ls = parent_ctx(0, 1),
                       ln = parent_ctx(0, 0), invalid;
    memset(&invalid, 0, sizeof invalid);
    assert_int_equal(decide(pb, NULL), OTELC_SAMPLING_DROP);
    assert_int_equal(decide(pb, &invalid), OTELC_SAMPLING_DROP); /* invalid parent = root */
    assert_int_equal(decide(pb, &rs), OTELC_SAMPLING_RECORD_AND_SAMPLE);
    assert_int_equal(decide(pb, &rn), OTELC_SAMPLING_DROP);
    assert_int_equal(decide(pb, &ls), OTELC_SAMPLING_RECORD_AND_SAMPLE);
    assert_int_equal(decide(pb, &ln), OTELC_SAMPLING_DROP);
    assert_string_equal(otelc_sampler_description(pb),
                        "ParentBased{root:AlwaysOffSampler,remoteParentSampled:AlwaysOnSampler,"
                        "remoteParentNotSampled:AlwaysOffSampler,localParentSampled:"
                        "AlwaysOnSampler,localParentNotSampled:AlwaysOffSampler}");
    otelc_sampler_free(pb);
}

/* Spec: each of the four delegates is used for its case when given. */
static void test_sampler_parent_based_custom_delegates(void **state)
{
    (void)state;
    otelc_sampler *root = NULL, *pb = NULL;
    otelc_parent_based_options o;
    otelc_parent_based_options_init(&o);
    assert_int_equal(otelc_sampler_always_on(&root), OTELC_OK);
    /* Invert every default. */
    assert_int_equal(otelc_sampler_always_off(&o.remote_parent_sampled), OTELC_OK);
    assert_int_equal(otelc_sampler_always_on(&o.remote_parent_not_sampled), OTELC_OK);
    assert_int_equal(otelc_sampler_always_off(&o.local_parent_sampled), OTELC_OK);
    assert_int_equal(otelc_sampler_always_on(&o.local_parent_not_sampled), OTELC_OK);
    assert_int_equal(otelc_sampler_parent_based(&pb, root, &o), OTELC_OK);
    otelc_span_context rs = parent_ctx(1, 1), rn = parent_ctx(1, 0), ls = parent_ctx(0, 1),
                       ln = parent_ctx(0, 0);
    assert_int_equal(decide(pb, NULL), OTELC_SAMPLING_RECORD_AND_SAMPLE);
    assert_int_equal(decide(pb, &rs), OTELC_SAMPLING_DROP);
    assert_int_equal(decide(pb, &rn), OTELC_SAMPLING_RECORD_AND_SAMPLE);
    assert_int_equal(decide(pb, &ls), OTELC_SAMPLING_DROP);
    assert_int_equal(decide(pb, &ln), OTELC_SAMPLING_RECORD_AND_SAMPLE);
    otelc_sampler_free(pb);
}

/* The default provider sampler is ParentBased(AlwaysOn): a local unsampled parent's child is
 * dropped, a root is sampled. */
static void test_sampler_provider_default_is_parent_based_always_on(void **state)
{
    (void)state;
    otelc_sampler *off = NULL;
    assert_int_equal(otelc_sampler_always_off(&off), OTELC_OK);
    otelc_tracer_provider *tp_off = tu_provider(off, NULL, NULL);
    otelc_tracer_provider *tp = tu_provider(NULL, NULL, NULL);
    otelc_tracer *t_off = otelc_tracer_provider_get_tracer(tp_off, "x", NULL, NULL, NULL, 0);
    otelc_tracer *t = otelc_tracer_provider_get_tracer(tp, "x", NULL, NULL, NULL, 0);
    otelc_span *unsampled = otelc_span_start(t_off, "p", NULL);
    otelc_span_options o;
    otelc_span_options_init(&o);
    o.parent_span = unsampled;
    otelc_span *child = otelc_span_start(t, "c", &o);
    otelc_span *root = otelc_span_start(t, "r", NULL);
    assert_false(otelc_span_is_recording(child));
    assert_true(otelc_span_is_recording(root));
    otelc_span_end(root);
    otelc_span_end(child);
    otelc_span_end(unsampled);
    tu_spans_clear();
    otelc_tracer_provider_free(tp);
    otelc_tracer_provider_free(tp_off);
}

/* A custom sampler's invalid decision is treated as DROP; bad arguments are rejected. */
static void bad_decision(void *ud, const otelc_sampling_params *p, otelc_sampling_result *r)
{
    (void)ud;
    (void)p;
    r->decision = (otelc_sampling_decision)42;
}

static const otelc_sampler_methods bad_methods = {OTELC_SAMPLER_METHODS_VERSION, bad_decision,
                                                  NULL};

static void test_sampler_custom_invalid_decision_drops(void **state)
{
    (void)state;
    otelc_sampler *s = NULL;
    assert_int_equal(otelc_sampler_new(&s, &bad_methods, NULL, "Bad"), OTELC_OK);
    assert_int_equal(decide(s, NULL), OTELC_SAMPLING_DROP);
    assert_string_equal(otelc_sampler_description(s), "Bad");
    otelc_sampler_free(s);
    otelc_sampler_methods nofn = {OTELC_SAMPLER_METHODS_VERSION, NULL, NULL};
    assert_int_equal(otelc_sampler_new(&s, &nofn, NULL, "x"), OTELC_EINVAL);
    assert_int_equal(otelc_sampler_parent_based(&s, NULL, NULL), OTELC_EINVAL);
    otelc_sampler_free(NULL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_sampler_always_on_off),
        cmocka_unit_test(test_sampler_parent_based_default_matrix),
        cmocka_unit_test(test_sampler_parent_based_custom_delegates),
        cmocka_unit_test(test_sampler_provider_default_is_parent_based_always_on),
        cmocka_unit_test(test_sampler_custom_invalid_decision_drops),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
