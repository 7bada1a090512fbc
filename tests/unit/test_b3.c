/* SPDX-License-Identifier: Apache-2.0 */
/* Tests of B3 propagation: the single `b3` header, the `x-b3-*` headers, the debug flag, and
 * what each flavour injects. */
#include "testutil.h"

#include <string.h>

#include "proputil.h"

#define TID "80f198ee56343ba864fe8b2a57d3eff7"
#define TID64 "64fe8b2a57d3eff7"
#define SID "e457b5a2e4d86bd1"
#define PID "05e3ac9a4f6e3b90"

static otelc_propagator *single, *multi;

static int setup(void **state)
{
    (void)state;
    return otelc_propagator_b3(&single) == OTELC_OK &&
                   otelc_propagator_b3multi(&multi) == OTELC_OK
               ? 0
               : -1;
}

static int teardown(void **state)
{
    (void)state;
    otelc_propagator_free(single);
    otelc_propagator_free(multi);
    return 0;
}

/* The span context extracted from pairs (zero when nothing was). */
static otelc_span_context ext(const char *const *pairs)
{
    otelc_context *c = pu_extract(single, pairs);
    otelc_span_context sc = otelc_span_get_context(otelc_context_get_span(c));
    otelc_context_free(c);
    return sc;
}

static int valid(const char *const *pairs)
{
    otelc_span_context sc = ext(pairs);
    return otelc_span_context_is_valid(&sc);
}

static void assert_ids(const otelc_span_context *sc, const char *tid, const char *sid)
{
    char tp[OTELC_TRACEPARENT_SIZE];
    assert_int_equal(otelc_traceparent_from_span_context(tp, sc), 55);
    assert_memory_equal(tp + 3, tid, 32);
    assert_memory_equal(tp + 36, sid, 16);
}

/* b3: {TraceId}-{SpanId}-{SamplingState}-{ParentSpanId}; the sampling state sets the flag. */
static void test_b3_single_extract(void **state)
{
    (void)state;
    otelc_span_context sc = ext((const char *[]){"b3", TID "-" SID "-1-" PID, NULL});
    assert_ids(&sc, TID, SID);
    assert_true(otelc_span_context_is_sampled(&sc));
    assert_int_equal(sc.is_remote, 1);
    sc = ext((const char *[]){"b3", TID "-" SID "-0", NULL});
    assert_true(otelc_span_context_is_valid(&sc));
    assert_false(otelc_span_context_is_sampled(&sc));
    /* No sampling state: the decision is deferred, so not sampled. */
    sc = ext((const char *[]){"B3", " " TID "-" SID " ", NULL});
    assert_true(otelc_span_context_is_valid(&sc));
    assert_false(otelc_span_context_is_sampled(&sc));
}

/* A 64-bit trace id is padded with zeros on the left to 128 bits. */
static void test_b3_64bit_trace_id_padded(void **state)
{
    (void)state;
    otelc_span_context sc = ext((const char *[]){"b3", TID64 "-" SID "-1", NULL});
    assert_ids(&sc, "0000000000000000" TID64, SID);
}

/* Malformed single headers carry nothing; a lone sampling state carries no ids. */
static void test_b3_single_invalid(void **state)
{
    (void)state;
    assert_false(valid((const char *[]){"b3", "1", NULL}));
    assert_false(valid((const char *[]){"b3", "0", NULL}));
    assert_false(valid((const char *[]){"b3", "80F198EE56343BA864FE8B2A57D3EFF7-" SID, NULL}));
    assert_false(valid((const char *[]){"b3", TID "-" SID "-x", NULL}));
    assert_false(valid((const char *[]){"b3", TID "-" SID "-11", NULL}));
    assert_false(valid((const char *[]){"b3", TID "-" SID "-1-" PID "-extra", NULL}));
    assert_false(valid((const char *[]){"b3", TID "-" SID "-1-bad", NULL}));
    assert_false(valid((const char *[]){"b3", TID "1-" SID, NULL}));
    assert_false(valid((const char *[]){"b3", TID "-" SID "0", NULL}));
    assert_false(valid((const char *[]){"b3", "00000000000000000000000000000000-" SID, NULL}));
    assert_false(valid((const char *[]){"b3", TID "-0000000000000000", NULL}));
    assert_false(valid((const char *[]){"b3", "", NULL}));
}

/* The x-b3-* headers, with "true"/"false" from old clients accepted for Sampled. */
static void test_b3_multi_extract(void **state)
{
    (void)state;
    otelc_span_context sc = ext((const char *[]){"X-B3-TraceId", TID, "X-B3-SpanId", SID,
                                                 "X-B3-ParentSpanId", PID, "X-B3-Sampled", "1",
                                                 NULL});
    assert_ids(&sc, TID, SID);
    assert_true(otelc_span_context_is_sampled(&sc));
    sc = ext((const char *[]){"x-b3-traceid", TID64, "x-b3-spanid", SID, "x-b3-sampled",
                              "true", NULL});
    assert_ids(&sc, "0000000000000000" TID64, SID);
    assert_true(otelc_span_context_is_sampled(&sc));
    sc = ext((const char *[]){"x-b3-traceid", TID, "x-b3-spanid", SID, "x-b3-sampled", "false",
                              NULL});
    assert_true(otelc_span_context_is_valid(&sc));
    assert_false(otelc_span_context_is_sampled(&sc));
    assert_false(valid((const char *[]){"x-b3-traceid", TID, NULL}));
    assert_false(valid((const char *[]){"x-b3-traceid", TID, "x-b3-spanid", SID,
                                        "x-b3-sampled", "yes", NULL}));
    assert_false(valid((const char *[]){"x-b3-traceid", TID, "x-b3-spanid", SID,
                                        "x-b3-flags", "2", NULL}));
}

/* The single header wins over the multi headers; an invalid one gives way to them. */
static void test_b3_single_takes_precedence(void **state)
{
    (void)state;
    otelc_span_context sc = ext((const char *[]){"x-b3-traceid", TID, "x-b3-spanid", PID,
                                                 "b3", TID "-" SID "-1", NULL});
    assert_ids(&sc, TID, SID);
    sc = ext((const char *[]){"x-b3-traceid", TID, "x-b3-spanid", PID, "b3", "garbage", NULL});
    assert_ids(&sc, TID, PID);
}

/* Debug (b3 "d", X-B3-Flags: 1) sets sampled and is sent on with later requests. */
static void test_b3_debug_preserved(void **state)
{
    (void)state;
    otelc_tracer_provider *tp = tu_provider(NULL, NULL, NULL);
    otelc_tracer *t = otelc_tracer_provider_get_tracer(tp, "b3", NULL, NULL, NULL, 0);
    otelc_context *c = pu_extract(single, (const char *[]){"b3", TID "-" SID "-d", NULL});
    otelc_span_context sc = otelc_span_get_context(otelc_context_get_span(c));
    assert_true(otelc_span_context_is_sampled(&sc));
    /* A child made current on the thread keeps the flag through the thread's context. */
    otelc_context_token tok = otelc_context_attach(c);
    otelc_span *s = otelc_span_start(t, "child", NULL);
    otelc_context_token tok2 = otelc_span_make_current(s);
    otelc_http_headers out;
    pu_inject(single, NULL, &out);
    const char *b3 = pu_get(&out, "b3");
    assert_non_null(b3);
    assert_int_equal(strlen(b3), 51);
    assert_string_equal(b3 + 49, "-d");
    otelc_http_headers_clear(&out);
    pu_inject(multi, NULL, &out);
    assert_string_equal(pu_get(&out, "x-b3-flags"), "1");
    assert_null(pu_get(&out, "x-b3-sampled"));
    otelc_http_headers_clear(&out);
    otelc_context_detach(tok2);
    otelc_context_detach(tok);
    otelc_span_end(s);
    otelc_context_free(c);
    c = pu_extract(multi, (const char *[]){"x-b3-traceid", TID, "x-b3-spanid", SID,
                                           "x-b3-flags", "1", NULL});
    sc = otelc_span_get_context(otelc_context_get_span(c));
    assert_true(otelc_span_context_is_sampled(&sc));
    pu_inject(single, c, &out);
    assert_string_equal(pu_get(&out, "b3"), TID "-" SID "-d");
    otelc_http_headers_clear(&out);
    otelc_context_free(c);
    tu_spans_clear();
    otelc_tracer_provider_free(tp);
}

/* Single injection writes {TraceId}-{SpanId}-{0|1} and never a parent span id. */
static void test_b3_single_inject(void **state)
{
    (void)state;
    otelc_context *c = pu_remote_ctx("00-" TID "-" SID "-01");
    otelc_http_headers out;
    pu_inject(single, c, &out);
    assert_int_equal(out.count, 1);
    assert_string_equal(pu_get(&out, "b3"), TID "-" SID "-1");
    otelc_http_headers_clear(&out);
    otelc_context_free(c);
    c = pu_remote_ctx("00-" TID "-" SID "-00");
    pu_inject(single, c, &out);
    assert_string_equal(pu_get(&out, "b3"), TID "-" SID "-0");
    otelc_http_headers_clear(&out);
    otelc_context_free(c);
}

/* Multi injection writes X-B3-TraceId, X-B3-SpanId and X-B3-Sampled, no ParentSpanId. */
static void test_b3_multi_inject(void **state)
{
    (void)state;
    otelc_context *c = pu_remote_ctx("00-" TID "-" SID "-01");
    otelc_http_headers out;
    pu_inject(multi, c, &out);
    assert_int_equal(out.count, 3);
    assert_string_equal(pu_get(&out, "x-b3-traceid"), TID);
    assert_string_equal(pu_get(&out, "x-b3-spanid"), SID);
    assert_string_equal(pu_get(&out, "x-b3-sampled"), "1");
    otelc_http_headers_clear(&out);
    otelc_context_free(c);
    /* Nothing to inject without a span. */
    pu_inject(multi, NULL, &out);
    assert_int_equal(out.count, 0);
    otelc_http_headers_clear(&out);
}

/* Each flavour names the fields it writes. */
static void test_b3_fields(void **state)
{
    (void)state;
    const char *const *names;
    assert_int_equal(otelc_propagator_fields(single, &names), 1);
    assert_string_equal(names[0], "b3");
    assert_int_equal(otelc_propagator_fields(multi, &names), 4);
    assert_string_equal(names[0], "x-b3-traceid");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_b3_single_extract),
        cmocka_unit_test(test_b3_64bit_trace_id_padded),
        cmocka_unit_test(test_b3_single_invalid),
        cmocka_unit_test(test_b3_multi_extract),
        cmocka_unit_test(test_b3_single_takes_precedence),
        cmocka_unit_test(test_b3_debug_preserved),
        cmocka_unit_test(test_b3_single_inject),
        cmocka_unit_test(test_b3_multi_inject),
        cmocka_unit_test(test_b3_fields),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
