/* SPDX-License-Identifier: Apache-2.0 */
/* Tests of the W3C Trace Context propagator: what extract keeps or discards, what inject
 * writes, and the remote parent link. */
#include "testutil.h"

#include <string.h>

#include "proputil.h"
#include "sdk/trace/span_pool.h"

#define TID "4bf92f3577b34da6a3ce929d0e0e4736"
#define SID "00f067aa0ba902b7"
#define TP00 "00-" TID "-" SID "-01"

static otelc_tracer_provider *tp;
static otelc_tracer *tracer;
static otelc_propagator *prop;

static int setup(void **state)
{
    (void)state;
    tp = tu_provider(NULL, NULL, NULL);
    tracer = otelc_tracer_provider_get_tracer(tp, "test.tracecontext", NULL, NULL, NULL, 0);
    return otelc_propagator_tracecontext(&prop) == OTELC_OK && tp ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    tu_alloc_uninstall();
    otelc_propagator_free(prop);
    tu_spans_clear();
    otelc_tracer_provider_free(tp);
    return 0;
}

/* The span context an extract produced (zeroed when none). */
static otelc_span_context extracted(const otelc_context *c)
{
    return otelc_span_get_context(otelc_context_get_span(c));
}

/* A valid traceparent gives a context holding a non-recording remote span. */
static void test_tracecontext_extract_valid(void **state)
{
    (void)state;
    otelc_context *c = pu_extract(prop, (const char *[]){"traceparent", TP00, NULL});
    otelc_span *s = otelc_context_get_span(c);
    assert_non_null(s);
    assert_false(otelc_span_is_recording(s));
    otelc_span_context sc = extracted(c);
    assert_true(otelc_span_context_is_valid(&sc));
    assert_true(otelc_span_context_is_sampled(&sc));
    assert_int_equal(sc.is_remote, 1);
    assert_null(sc.tracestate);
    otelc_context_free(c);
}

/* A span started under the extracted context is its child, with a remote parent. */
static void test_tracecontext_child_of_remote_parent(void **state)
{
    (void)state;
    otelc_context *c = pu_extract(prop, (const char *[]){"traceparent", TP00, NULL});
    otelc_span_options o;
    otelc_span_options_init(&o);
    o.parent = c;
    otelc_span *s = otelc_span_start(tracer, "server", &o);
    otelc_span_context parent = extracted(c), child = otelc_span_get_context(s);
    uint8_t pid[8];
    assert_true(otelc_span_get_parent_id(s, pid));
    assert_memory_equal(pid, parent.span_id, 8);
    assert_memory_equal(child.trace_id, parent.trace_id, 16);
    assert_memory_not_equal(child.span_id, parent.span_id, 8);
    assert_true(otelc_span_parent_is_remote(s));
    /* The remote span has no tracer: reading its scope and resource is safe. */
    otelc_span *remote = otelc_context_get_span(c);
    assert_string_equal(otelc_span_get_scope(remote).name, "");
    assert_null(otelc_span_get_resource(remote));
    otelc_span_set_attr_int(remote, "ignored", 1);
    otelc_span_end(otelc_span_ref(remote));
    otelc_span_end(s);
    otelc_context_free(c);
}

/* Header names are matched case-insensitively. */
static void test_tracecontext_field_names_case_insensitive(void **state)
{
    (void)state;
    otelc_context *c = pu_extract(prop, (const char *[]){"TraceParent", TP00, "TRACESTATE",
                                                         "a=1", NULL});
    otelc_span_context sc = extracted(c);
    assert_true(otelc_span_context_is_valid(&sc));
    assert_string_equal(otelc_tracestate_header(sc.tracestate), "a=1");
    otelc_context_free(c);
}

/* More than one traceparent is invalid: nothing is extracted. */
static void test_tracecontext_two_traceparents_invalid(void **state)
{
    (void)state;
    otelc_context *c = pu_extract(prop, (const char *[]){"traceparent", TP00, "traceparent",
                                                         TP00, "tracestate", "a=1", NULL});
    assert_null(otelc_context_get_span(c));
    otelc_context_free(c);
}

/* An invalid traceparent discards the tracestate too: a new trace starts. */
static void test_tracecontext_invalid_traceparent_discards_tracestate(void **state)
{
    (void)state;
    otelc_context *c = pu_extract(prop, (const char *[]){"traceparent", "00-" TID "-" SID
                                                         "-1", "tracestate", "a=1", NULL});
    assert_null(otelc_context_get_span(c));
    otelc_span_options o;
    otelc_span_options_init(&o);
    o.parent = c;
    otelc_span *s = otelc_span_start(tracer, "root", &o);
    assert_false(otelc_span_get_parent_id(s, NULL));
    assert_null(otelc_span_get_context(s).tracestate);
    otelc_span_end(s);
    otelc_context_free(c);
}

/* An invalid tracestate is dropped; the traceparent is kept. */
static void test_tracecontext_invalid_tracestate_dropped(void **state)
{
    (void)state;
    otelc_context *c = pu_extract(prop, (const char *[]){"traceparent", TP00, "tracestate",
                                                         "A=1", NULL});
    otelc_span_context sc = extracted(c);
    assert_true(otelc_span_context_is_valid(&sc));
    assert_null(sc.tracestate);
    otelc_context_free(c);
}

/* Repeated tracestate fields are joined, in order, as one header. */
static void test_tracecontext_tracestate_fields_joined(void **state)
{
    (void)state;
    otelc_context *c = pu_extract(prop, (const char *[]){"tracestate", "a=1, b=2",
                                                         "traceparent", TP00, "tracestate",
                                                         "", "tracestate", "c=3", NULL});
    assert_string_equal(otelc_tracestate_header(extracted(c).tracestate), "a=1,b=2,c=3");
    otelc_context_free(c);
}

/* The 32-member limit and the duplicate-key rule apply across joined fields. */
static void test_tracecontext_tracestate_limits_across_fields(void **state)
{
    (void)state;
    char a[400], b[400];
    size_t n = 0;
    for (int i = 0; i < 16; i++)
        n += (size_t)snprintf(a + n, sizeof a - n, "%sa%d=1", i ? "," : "", i);
    n = 0;
    for (int i = 0; i < 17; i++)
        n += (size_t)snprintf(b + n, sizeof b - n, "%sb%d=1", i ? "," : "", i);
    otelc_context *c = pu_extract(prop, (const char *[]){"traceparent", TP00, "tracestate", a,
                                                         "tracestate", b, NULL});
    assert_null(extracted(c).tracestate);
    otelc_context_free(c);
    c = pu_extract(prop, (const char *[]){"traceparent", TP00, "tracestate", "a=1",
                                          "tracestate", "a=2", NULL});
    assert_null(extracted(c).tracestate);
    otelc_context_free(c);
}

/* Injection writes version 00 with the context's own span id (the new span, not the parent)
 * and the tracestate that came in. */
static void test_tracecontext_inject_new_span_id(void **state)
{
    (void)state;
    otelc_context *parent = pu_extract(prop, (const char *[]){"traceparent", TP00,
                                                              "tracestate", "x=y", NULL});
    otelc_span_options o;
    otelc_span_options_init(&o);
    o.parent = parent;
    otelc_span *s = otelc_span_start(tracer, "client", &o);
    otelc_context *c = otelc_context_with_span(parent, s);
    otelc_http_headers out;
    pu_inject(prop, c, &out);
    char want[OTELC_TRACEPARENT_SIZE];
    otelc_span_context sc = otelc_span_get_context(s);
    otelc_traceparent_from_span_context(want, &sc);
    assert_string_equal(pu_get(&out, "traceparent"), want);
    assert_memory_equal(want, "00-" TID "-", 36);
    assert_string_not_equal(want + 36, SID "-01");
    assert_string_equal(pu_get(&out, "tracestate"), "x=y");
    otelc_http_headers_clear(&out);
    otelc_context_free(c);
    otelc_span_end(s);
    otelc_context_free(parent);
}

/* Injected flags keep sampled and random and clear every other bit. */
static void test_tracecontext_inject_flags_masked(void **state)
{
    (void)state;
    otelc_span_context sc;
    assert_int_equal(otelc_traceparent_parse(TP00, 55, &sc), OTELC_OK);
    sc.trace_flags = 0xff;
    otelc_span *s = otelc__span_new_remote(&sc);
    otelc_context *c = otelc_context_with_span(NULL, s);
    otelc_http_headers out;
    pu_inject(prop, c, &out);
    assert_string_equal(pu_get(&out, "traceparent"), "00-" TID "-" SID "-03");
    assert_null(pu_get(&out, "tracestate"));
    otelc_http_headers_clear(&out);
    otelc_context_free(c);
    otelc_span_release(s);
}

/* A context without a valid span injects nothing. */
static void test_tracecontext_inject_nothing_without_span(void **state)
{
    (void)state;
    otelc_http_headers out;
    otelc_context *empty = otelc_context_with_span(NULL, NULL);
    pu_inject(prop, empty, &out);
    assert_int_equal(out.count, 0);
    otelc_http_headers_clear(&out);
    otelc_context_free(empty);
}

/* A tracestate longer than 512 characters is truncated on the way out, whole entries only. */
static void test_tracecontext_inject_truncates_tracestate(void **state)
{
    (void)state;
    char big[1200], v[200];
    memset(v, 'v', 150);
    v[150] = '\0';
    size_t n = (size_t)snprintf(big, sizeof big, "a=1,long=%s", v);
    for (int i = 0; i < 25; i++)
        n += (size_t)snprintf(big + n, sizeof big - n, ",k%02d=0123456789012345", i);
    otelc_context *c = pu_extract(prop, (const char *[]){"traceparent", TP00, "tracestate",
                                                         big, NULL});
    otelc_http_headers out;
    pu_inject(prop, c, &out);
    const char *ts = pu_get(&out, "tracestate");
    assert_non_null(ts);
    assert_true(strlen(ts) <= 512);
    assert_null(strstr(ts, "long="));
    assert_memory_equal(ts, "a=1,k00=", 8);
    otelc_http_headers_clear(&out);
    otelc_context_free(c);
}

/* Extraction keeps the base context's baggage. */
static void test_tracecontext_extract_keeps_base_baggage(void **state)
{
    (void)state;
    otelc_baggage *b = NULL;
    assert_int_equal(otelc_baggage_set(&b, NULL, "k", "v", NULL), OTELC_OK);
    otelc_context *base = otelc_context_with_baggage(NULL, b);
    struct pu_headers h;
    otelc_context *c = NULL;
    const char *pairs[] = {"traceparent", TP00, NULL};
    assert_int_equal(otelc_propagator_extract(prop, base, pu_wrap(&h, pairs), &c), OTELC_OK);
    assert_non_null(otelc_context_get_span(c));
    assert_ptr_equal(otelc_context_get_baggage(c), b);
    otelc_context_free(c);
    otelc_context_free(base);
    otelc_baggage_free(b);
}

/* Every allocation failure during extract gives ENOMEM and leaks nothing. */
static void test_tracecontext_extract_allocation_failures(void **state)
{
    (void)state;
    const char *pairs[] = {"traceparent", TP00, "tracestate", "a=1", NULL};
    otelc__span_cache_trim();
    tu_log_capture(OTELC_LOG_ERROR);
    for (uint64_t fail = 1;; fail++) {
        struct pu_headers h;
        otelc_context *c = NULL;
        tu_alloc_install(fail);
        int rc = otelc_propagator_extract(prop, NULL, pu_wrap(&h, pairs), &c);
        int failed = tu_alloc_failed();
        otelc_context_free(c);
        otelc__span_cache_trim();
        assert_int_equal(tu_alloc_live(), 0);
        tu_alloc_uninstall();
        if (!failed) {
            assert_int_equal(rc, OTELC_OK);
            assert_true(fail > 3);
            break;
        }
        assert_int_equal(rc, OTELC_ENOMEM);
        assert_null(c);
    }
    tu_log_release();
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_tracecontext_extract_valid, setup, teardown),
        cmocka_unit_test_setup_teardown(test_tracecontext_child_of_remote_parent, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_tracecontext_field_names_case_insensitive, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_tracecontext_two_traceparents_invalid, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_tracecontext_invalid_traceparent_discards_tracestate,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(test_tracecontext_invalid_tracestate_dropped, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_tracecontext_tracestate_fields_joined, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_tracecontext_tracestate_limits_across_fields, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_tracecontext_inject_new_span_id, setup, teardown),
        cmocka_unit_test_setup_teardown(test_tracecontext_inject_flags_masked, setup, teardown),
        cmocka_unit_test_setup_teardown(test_tracecontext_inject_nothing_without_span, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_tracecontext_inject_truncates_tracestate, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_tracecontext_extract_keeps_base_baggage, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_tracecontext_extract_allocation_failures, setup,
                                        teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
