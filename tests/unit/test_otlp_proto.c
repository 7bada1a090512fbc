/* SPDX-License-Identifier: Apache-2.0 */
/* Tests of the OTLP/protobuf span encoder's contract: arguments, appending, NULL entries and
 * memory failures. What the bytes mean is checked by tests/interop/otlp_decode.py, which
 * decodes them with the upstream schema. */
#include <stdlib.h>
#include <string.h>

#include "testutil.h"

#include "exporters/otlp/otlp_proto.h"

/* Two providers (two resources), two scopes, and spans with every kind of value, events,
 * links, a status and a name that is not UTF-8: every builder of the encoder runs. */
struct batch {
    otelc_tracer_provider *tp[2];
    otelc_span *spans[4];
    size_t n;
};

static void batch_make(struct batch *b)
{
    static const uint8_t bytes[] = {1, 2, 3};
    static const char *const strs[] = {"a", "b\xff"};
    static const bool bools[] = {true, false};
    static const int64_t ints[] = {1, -2};
    static const double dbls[] = {0.25, -1.5};
    static const otelc_value_type kinds[] = {OTELC_VALUE_STRING_ARRAY, OTELC_VALUE_BOOL_ARRAY,
                                             OTELC_VALUE_INT_ARRAY, OTELC_VALUE_DOUBLE_ARRAY};
    otelc_attr ev_attr = otelc_attr_str("ev.k", "v");
    otelc_attr scope_attr = otelc_attr_str("scope.k", "v");
    otelc_tracestate *ts;

    memset(b, 0, sizeof *b);
    tu_spans_clear();
    assert_non_null(b->tp[0] = tu_provider(NULL, NULL, NULL));
    assert_non_null(b->tp[1] = tu_provider(NULL, NULL, NULL));
    otelc_tracer *lib = otelc_tracer_provider_get_tracer(b->tp[0], "lib", "1.0",
                                                         "https://example.com/s", &scope_attr, 1);
    otelc_tracer *other = otelc_tracer_provider_get_tracer(b->tp[0], "other", NULL, NULL, NULL, 0);
    otelc_tracer *lib_b = otelc_tracer_provider_get_tracer(b->tp[1], "lib", NULL, NULL, NULL, 0);
    assert_int_equal(otelc_tracestate_new(&ts, "k=v", 3), OTELC_OK);

    otelc_span *s = otelc_span_start(lib, "every\xc3", NULL);
    otelc_span_set_attr_str(s, "str", "hello");
    otelc_span_set_attr_strn(s, "bad", "x\xe2\x82y", 4);
    otelc_span_set_attr_bool(s, "bool", 1);
    otelc_span_set_attr_int(s, "int", -42);
    otelc_span_set_attr_double(s, "double", 1.5);
    otelc_value v = otelc_value_bytes(bytes, sizeof bytes);
    otelc_span_set_attr(s, "bytes", &v);
    for (size_t k = 0; k < 4; k++) {
        char key[8] = "arr0";
        key[3] = (char)('0' + k);
        v.type = kinds[k];
        v.len = 2;
        if (k == 0)
            v.u.sa = strs;
        else if (k == 1)
            v.u.ba = bools;
        else if (k == 2)
            v.u.ia = ints;
        else
            v.u.da = dbls;
        otelc_span_set_attr(s, key, &v);
    }
    otelc_span_add_event(s, "ev", 0, &ev_attr, 1);
    otelc_link link;
    memset(&link, 0, sizeof link);
    memset(link.context.trace_id, 7, sizeof link.context.trace_id);
    memset(link.context.span_id, 8, sizeof link.context.span_id);
    link.context.is_remote = 1;
    link.context.tracestate = ts;
    link.attrs = &ev_attr;
    link.attr_count = 1;
    otelc_span_add_link(s, &link);
    otelc_span_set_status(s, OTELC_STATUS_ERROR, "boom\xff");
    otelc_span_end(s);
    otelc_span_end(otelc_span_start(lib_b, "in-b", NULL));
    otelc_span_end(otelc_span_start(other, "other", NULL));
    otelc_span_end(otelc_span_start(lib, "again", NULL));
    otelc_tracestate_free(ts);

    b->n = tu_spans_count();
    assert_int_equal(b->n, 4);
    for (size_t i = 0; i < b->n; i++)
        b->spans[i] = tu_span_at(i);
}

static void batch_free(struct batch *b)
{
    tu_spans_clear();
    otelc_tracer_provider_free(b->tp[0]);
    otelc_tracer_provider_free(b->tp[1]);
}

/* An export of nothing is an empty request: zero bytes, which is a valid message. */
static void test_otlp_proto_empty_request(void **state)
{
    struct otelc__buf out;
    (void)state;
    otelc__buf_init(&out);
    assert_int_equal(otelc__otlp_proto_encode_spans(&out, NULL, 0), OTELC_OK);
    assert_int_equal(out.len, 0);
    assert_int_equal(out.oom, 0);
    otelc__buf_free(&out);
}

/* Bad arguments are refused; the request is appended to what the buffer holds; NULL entries
 * are skipped as if absent. */
static void test_otlp_proto_appends_and_checks_arguments(void **state)
{
    struct batch b;
    struct otelc__buf plain, prefixed, holes;
    (void)state;
    batch_make(&b);
    otelc__buf_init(&plain);
    otelc__buf_init(&prefixed);
    otelc__buf_init(&holes);

    assert_int_equal(otelc__otlp_proto_encode_spans(NULL, b.spans, b.n), OTELC_EINVAL);
    assert_int_equal(otelc__otlp_proto_encode_spans(&plain, NULL, 1), OTELC_EINVAL);
    assert_int_equal(plain.len, 0);

    assert_int_equal(otelc__otlp_proto_encode_spans(&plain, b.spans, b.n), OTELC_OK);
    assert_true(plain.len > 0);
    /* Field 1 (resource_spans), length-delimited. */
    assert_int_equal((unsigned char)plain.data[0], 0x0a);

    otelc__buf_append_str(&prefixed, "xyz");
    assert_int_equal(otelc__otlp_proto_encode_spans(&prefixed, b.spans, b.n), OTELC_OK);
    assert_int_equal(prefixed.len, plain.len + 3);
    assert_memory_equal(prefixed.data, "xyz", 3);
    assert_memory_equal(prefixed.data + 3, plain.data, plain.len);

    otelc_span *with_holes[7] = {NULL, b.spans[0], b.spans[1], NULL, b.spans[2], b.spans[3],
                                 NULL};
    assert_int_equal(otelc__otlp_proto_encode_spans(&holes, with_holes, 7), OTELC_OK);
    assert_int_equal(holes.len, plain.len);
    assert_memory_equal(holes.data, plain.data, plain.len);

    otelc__buf_free(&plain);
    otelc__buf_free(&prefixed);
    otelc__buf_free(&holes);
    batch_free(&b);
}

/* Every allocation failing in turn gives OTELC_ENOMEM, sets the buffer's oom flag, appends
 * nothing and leaks nothing; once none fails, the bytes are those of a normal run. */
static void test_otlp_proto_fails_cleanly_without_memory(void **state)
{
    struct batch b;
    struct otelc__buf ref;
    int failures = 0;
    (void)state;
    batch_make(&b);
    otelc__buf_init(&ref);
    assert_int_equal(otelc__otlp_proto_encode_spans(&ref, b.spans, b.n), OTELC_OK);

    for (uint64_t fail_at = 1;; fail_at++) {
        struct otelc__buf out;
        otelc__buf_init(&out);
        tu_alloc_install(fail_at);
        int rc = otelc__otlp_proto_encode_spans(&out, b.spans, b.n);
        int failed = tu_alloc_failed();
        if (failed) {
            assert_int_equal(rc, OTELC_ENOMEM);
            assert_int_equal(out.oom, 1);
            assert_int_equal(out.len, 0);
            failures++;
        } else {
            assert_int_equal(rc, OTELC_OK);
            assert_int_equal(out.len, ref.len);
            assert_memory_equal(out.data, ref.data, ref.len);
        }
        otelc__buf_free(&out);
        assert_int_equal(tu_alloc_live(), 0);
        tu_alloc_uninstall();
        if (!failed)
            break;
    }
    /* At least the arena's first chunk and the output buffer can fail. */
    assert_true(failures >= 2);
    otelc__buf_free(&ref);
    batch_free(&b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_otlp_proto_empty_request),
        cmocka_unit_test(test_otlp_proto_appends_and_checks_arguments),
        cmocka_unit_test(test_otlp_proto_fails_cleanly_without_memory),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
