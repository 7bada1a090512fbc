/* SPDX-License-Identifier: Apache-2.0 */
/* ParentBased (trace SDK specification, "Sampling"): the full matrix of parent cases and
 * delegates, and th passed along from a consistent parent, erased from an inconsistent one
 * (TraceState: Probability Sampling, "Parent-based threshold"). */
#include "testutil.h"

#include <string.h>

#include "sampler_testutil.h"

/* ---- the matrix ----------------------------------------------------------------------- */

enum { ROOT, REMOTE_SAMPLED, REMOTE_NOT_SAMPLED, LOCAL_SAMPLED, LOCAL_NOT_SAMPLED, NDELEGATES };

/* A delegate that records which one it is. */
static int g_called = -1;
static const int ids[NDELEGATES] = {ROOT, REMOTE_SAMPLED, REMOTE_NOT_SAMPLED, LOCAL_SAMPLED,
                                    LOCAL_NOT_SAMPLED};

static void recording(void *ud, const otelc_sampling_params *p, otelc_sampling_result *r)
{
    (void)p;
    g_called = *(const int *)ud;
    r->decision = OTELC_SAMPLING_RECORD_ONLY;
}

static const otelc_sampler_methods recording_methods = {OTELC_SAMPLER_METHODS_VERSION, recording,
                                                        NULL};

static otelc_sampler *delegate(int id)
{
    otelc_sampler *s = NULL;
    assert_int_equal(otelc_sampler_new(&s, &recording_methods, (void *)&ids[id], "D"), OTELC_OK);
    return s;
}

/* The six parent cases and the delegate the specification picks for each. */
struct parent_case {
    int has_parent, valid, remote, sampled;
    int want; /* the delegate that decides */
};

static const struct parent_case cases[] = {
    {0, 0, 0, 0, ROOT}, /* no parent: a root span */
    {1, 0, 1, 1, ROOT}, /* an invalid parent counts as none */
    {1, 1, 1, 1, REMOTE_SAMPLED}, {1, 1, 1, 0, REMOTE_NOT_SAMPLED},
    {1, 1, 0, 1, LOCAL_SAMPLED},  {1, 1, 0, 0, LOCAL_NOT_SAMPLED},
};

static otelc_sampling_decision run_case(otelc_sampler *pb, const struct parent_case *c)
{
    uint8_t tid[16];
    memset(tid, 0x42, 16);
    otelc_span_context parent = st_parent(tid, c->remote, c->sampled, NULL);
    if (!c->valid)
        memset(parent.span_id, 0, 8);
    return st_decide(pb, tid, c->has_parent ? &parent : NULL);
}

/* Spec: each of the five cases goes to its own delegate, whichever of them are given; the
 * ones not given take the defaults (AlwaysOn for sampled parents, AlwaysOff otherwise). */
static void test_parent_based_full_matrix(void **state)
{
    (void)state;
    /* Every subset of the four parent delegates (bit i: delegate i + 1 is given). */
    for (unsigned given = 0; given < 16; given++) {
        otelc_parent_based_options o;
        otelc_parent_based_options_init(&o);
        otelc_sampler **slot[4] = {&o.remote_parent_sampled, &o.remote_parent_not_sampled,
                                   &o.local_parent_sampled, &o.local_parent_not_sampled};
        for (int i = 0; i < 4; i++)
            if (given & (1u << i))
                *slot[i] = delegate(i + 1);
        otelc_sampler *pb = NULL;
        assert_int_equal(otelc_sampler_parent_based(&pb, delegate(ROOT), &o), OTELC_OK);
        for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
            const struct parent_case *c = &cases[k];
            g_called = -1;
            otelc_sampling_decision d = run_case(pb, c);
            int custom = c->want == ROOT || (given & (1u << (c->want - 1)));
            if (custom) {
                assert_int_equal(g_called, c->want);
                assert_int_equal(d, OTELC_SAMPLING_RECORD_ONLY);
            } else {
                assert_int_equal(g_called, -1);
                assert_int_equal(d, c->sampled ? OTELC_SAMPLING_RECORD_AND_SAMPLE
                                               : OTELC_SAMPLING_DROP);
            }
        }
        otelc_sampler_free(pb);
    }
}

/* ---- th ------------------------------------------------------------------------------- */

/* ParentBased(AlwaysOff) with AlwaysOn for unsampled remote parents too, so that a sampled
 * decision can meet an unsampled parent. */
static otelc_sampler *pb_sampler(int sample_unsampled_remote)
{
    otelc_sampler *root = NULL, *pb = NULL;
    otelc_parent_based_options o;
    otelc_parent_based_options_init(&o);
    assert_int_equal(otelc_sampler_always_off(&root), OTELC_OK);
    if (sample_unsampled_remote)
        assert_int_equal(otelc_sampler_always_on(&o.remote_parent_not_sampled), OTELC_OK);
    assert_int_equal(otelc_sampler_parent_based(&pb, root, &o), OTELC_OK);
    return pb;
}

/* Runs pb for a remote parent with the header and the trace id; want NULL: the parent's
 * tracestate is kept. */
static void check_th(otelc_sampler *pb, const char *tid_hex, int sampled, const char *header,
                     otelc_sampling_decision want_decision, const char *want)
{
    uint8_t tid[16];
    st_id(tid, tid_hex);
    otelc_tracestate *ts = st_ts(header);
    otelc_span_context parent = st_parent(tid, 1, sampled, ts);
    otelc_sampling_result r = st_run(pb, tid, &parent);
    assert_int_equal(r.decision, want_decision);
    if (want) {
        assert_non_null(r.tracestate);
        assert_string_equal(otelc_tracestate_header(r.tracestate), want);
    } else {
        assert_null(r.tracestate);
    }
    otelc_tracestate_free(r.tracestate);
    otelc_tracestate_free(ts);
}

#define SAMPLE OTELC_SAMPLING_RECORD_AND_SAMPLE
/* Trace ids whose randomness is above and below th:c (T = 0xc0000000000000). */
#define R_HIGH "000000000000000000d0000000000000"
#define R_LOW "00000000000000000010000000000000"

/* Spec: a sampled parent whose th its randomness reaches passes th along unchanged. */
static void test_parent_based_keeps_consistent_th(void **state)
{
    (void)state;
    otelc_sampler *pb = pb_sampler(0);
    check_th(pb, R_HIGH, 1, "a=1,ot=th:c", SAMPLE, NULL);
    /* rv decides when present: the trace id's R is low, rv is high. */
    check_th(pb, R_LOW, 1, "ot=th:c;rv:ffffffffffffff", SAMPLE, NULL);
    otelc_sampler_free(pb);
}

/* Spec: an apparently inconsistent th (R < th for a sampled parent) is erased, with the rest
 * of the ot entry kept; an entry left empty goes, and so may the whole tracestate. */
static void test_parent_based_erases_inconsistent_th(void **state)
{
    (void)state;
    otelc_sampler *pb = pb_sampler(0);
    check_th(pb, R_LOW, 1, "a=1,ot=th:c", SAMPLE, "a=1");
    check_th(pb, R_HIGH, 1, "a=1,ot=th:c;rv:00000000000001", SAMPLE, "ot=rv:00000000000001,a=1");
    check_th(pb, R_LOW, 1, "ot=th:c", SAMPLE, "");
    otelc_sampler_free(pb);
}

/* Spec: th of an unsampled parent says nothing about a span that is sampled anyway, so it is
 * erased; a dropped child keeps the tracestate and allocates nothing. */
static void test_parent_based_unsampled_parent_th(void **state)
{
    (void)state;
    otelc_sampler *pb = pb_sampler(1);
    check_th(pb, R_HIGH, 0, "ot=th:c;p:1", SAMPLE, "ot=p:1");
    otelc_sampler_free(pb);
    pb = pb_sampler(0);
    uint8_t tid[16];
    st_id(tid, R_HIGH);
    otelc_tracestate *ts = st_ts("ot=th:c");
    otelc_span_context parent = st_parent(tid, 1, 0, ts);
    tu_alloc_install(0);
    otelc_sampling_result r = st_run(pb, tid, &parent);
    assert_int_equal(tu_alloc_calls(), 0);
    tu_alloc_uninstall();
    assert_int_equal(r.decision, OTELC_SAMPLING_DROP);
    assert_null(r.tracestate);
    otelc_tracestate_free(ts);
    otelc_sampler_free(pb);
}

/* When th cannot be erased for lack of memory, the span is dropped rather than mislabelled. */
static void test_parent_based_erase_oom_drops(void **state)
{
    (void)state;
    otelc_sampler *pb = pb_sampler(0);
    uint8_t tid[16];
    st_id(tid, R_LOW);
    otelc_tracestate *ts = st_ts("ot=th:c");
    otelc_span_context parent = st_parent(tid, 1, 1, ts);
    tu_log_capture(OTELC_LOG_ERROR);
    tu_alloc_install(1);
    otelc_sampling_result r = st_run(pb, tid, &parent);
    assert_true(tu_alloc_failed());
    tu_alloc_uninstall();
    assert_int_equal(r.decision, OTELC_SAMPLING_DROP);
    assert_null(r.tracestate);
    assert_true(tu_log_contains("ParentBased"));
    tu_log_release();
    otelc_tracestate_free(ts);
    otelc_sampler_free(pb);
}

/* Through the SDK: ParentBased(Probability(0.5)) writes th at the root, and the sampled
 * child carries the same tracestate. */
static void test_parent_based_th_through_spans(void **state)
{
    (void)state;
    otelc_sampler *root = NULL, *pb = NULL;
    assert_int_equal(otelc_sampler_probability(&root, 1.0), OTELC_OK);
    assert_int_equal(otelc_sampler_parent_based(&pb, root, NULL), OTELC_OK);
    otelc_tracer_provider *tp = tu_provider(pb, NULL, NULL);
    otelc_tracer *t = otelc_tracer_provider_get_tracer(tp, "t", NULL, NULL, NULL, 0);
    otelc_span *parent = otelc_span_start(t, "parent", NULL);
    otelc_span_options o;
    otelc_span_options_init(&o);
    o.parent_span = parent;
    otelc_span *child = otelc_span_start(t, "child", &o);
    otelc_span_context pc = otelc_span_get_context(parent), cc = otelc_span_get_context(child);
    assert_string_equal(otelc_tracestate_header(pc.tracestate), "ot=th:0");
    assert_string_equal(otelc_tracestate_header(cc.tracestate), "ot=th:0");
    assert_true(otelc_span_context_is_sampled(&cc));
    otelc_span_end(child);
    otelc_span_end(parent);
    tu_spans_clear();
    otelc_tracer_provider_free(tp);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_parent_based_full_matrix),
        cmocka_unit_test(test_parent_based_keeps_consistent_th),
        cmocka_unit_test(test_parent_based_erases_inconsistent_th),
        cmocka_unit_test(test_parent_based_unsampled_parent_th),
        cmocka_unit_test(test_parent_based_erase_oom_drops),
        cmocka_unit_test(test_parent_based_th_through_spans),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
