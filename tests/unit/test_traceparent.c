/* SPDX-License-Identifier: Apache-2.0 */
/* Tests of the traceparent value: the W3C Trace Context Level 2 parsing rules and writing
 * version 00. */
#include "testutil.h"

#include <string.h>

#define TID "4bf92f3577b34da6a3ce929d0e0e4736"
#define SID "00f067aa0ba902b7"
#define TP00 "00-" TID "-" SID "-01"

static int teardown(void **state)
{
    (void)state;
    tu_alloc_uninstall();
    return 0;
}

static int parses(const char *s)
{
    otelc_span_context sc;
    return otelc_traceparent_parse(s, strlen(s), &sc) == OTELC_OK;
}

static void assert_invalid(const char *s)
{
    otelc_span_context sc;
    memset(&sc, 0x5a, sizeof sc);
    assert_int_equal(otelc_traceparent_parse(s, strlen(s), &sc), OTELC_EPARSE);
    assert_int_equal(sc.trace_flags, 0x5a); /* untouched */
}

/* A version 00 traceparent gives the ids, the flags and is_remote, with no tracestate. */
static void test_traceparent_version_00_parsed(void **state)
{
    (void)state;
    static const uint8_t tid[16] = {0x4b, 0xf9, 0x2f, 0x35, 0x77, 0xb3, 0x4d, 0xa6,
                                    0xa3, 0xce, 0x92, 0x9d, 0x0e, 0x0e, 0x47, 0x36};
    static const uint8_t sid[8] = {0x00, 0xf0, 0x67, 0xaa, 0x0b, 0xa9, 0x02, 0xb7};
    otelc_span_context sc;
    assert_int_equal(otelc_traceparent_parse(TP00, 55, &sc), OTELC_OK);
    assert_memory_equal(sc.trace_id, tid, 16);
    assert_memory_equal(sc.span_id, sid, 8);
    assert_int_equal(sc.trace_flags, OTELC_TRACE_FLAG_SAMPLED);
    assert_int_equal(sc.is_remote, 1);
    assert_null(sc.tracestate);
}

/* Version 00 is exactly 55 characters: shorter, longer or with a trailing field is invalid. */
static void test_traceparent_version_00_exact_length(void **state)
{
    (void)state;
    assert_invalid("00-" TID "-" SID "-0");
    assert_invalid("00-" TID "-" SID "-010");
    assert_invalid("00-" TID "-" SID "-01-");
    assert_invalid("00-" TID "-" SID "-01-extra");
    assert_invalid("00-" TID "1-" SID "-01");
}

/* A higher version is read on its first 55 characters, followed by the end or '-'. */
static void test_traceparent_future_version_prefix(void **state)
{
    (void)state;
    assert_true(parses("cc-" TID "-" SID "-01"));
    assert_true(parses("cc-" TID "-" SID "-01-what-the-future-will-be-like"));
    assert_true(parses("01-" TID "-" SID "-01-"));
    assert_invalid("cc-" TID "-" SID "-01.what");
    assert_invalid("cc-" TID "-" SID "-0");
}

/* Version ff is forbidden. */
static void test_traceparent_version_ff_invalid(void **state)
{
    (void)state;
    assert_invalid("ff-" TID "-" SID "-01");
    assert_invalid("ff-" TID "-" SID "-01-more");
}

/* Only lowercase hex is valid, in every field, the version included. */
static void test_traceparent_lowercase_hex_only(void **state)
{
    (void)state;
    assert_invalid("00-4BF92F3577B34DA6A3CE929D0E0E4736-" SID "-01");
    assert_invalid("00-" TID "-00F067AA0BA902B7-01");
    assert_invalid("0A-" TID "-" SID "-01");
    assert_invalid("00-" TID "-" SID "-0A");
    assert_invalid("00-4bf92f3577b34da6a3ce929d0e0e473g-" SID "-01");
    assert_invalid("0x-" TID "-" SID "-01");
    assert_invalid("00-" TID "-" SID "-0g");
}

/* All-zero trace or span ids are invalid. */
static void test_traceparent_zero_ids_invalid(void **state)
{
    (void)state;
    assert_invalid("00-00000000000000000000000000000000-" SID "-01");
    assert_invalid("00-" TID "-0000000000000000-01");
}

/* Fields are separated by single '-' characters at fixed places. */
static void test_traceparent_separators(void **state)
{
    (void)state;
    assert_invalid("00_" TID "-" SID "-01");
    assert_invalid("00-" TID "_" SID "-01");
    assert_invalid("00-" TID "-" SID "_01");
    assert_invalid("00 " TID " " SID " 01");
    assert_invalid("");
}

/* Spaces and tabs around the value are trimmed; inside it they are not allowed. */
static void test_traceparent_surrounding_whitespace_trimmed(void **state)
{
    (void)state;
    assert_true(parses("  \t" TP00 "\t  "));
    assert_invalid("00- " TID "-" SID "-01");
    assert_invalid("\n" TP00);
}

/* Flags this version does not define are ignored: only sampled and random are kept. */
static void test_traceparent_unknown_flags_ignored(void **state)
{
    (void)state;
    otelc_span_context sc;
    assert_int_equal(otelc_traceparent_parse("00-" TID "-" SID "-ff", 55, &sc), OTELC_OK);
    assert_int_equal(sc.trace_flags, OTELC_TRACE_FLAG_SAMPLED | OTELC_TRACE_FLAG_RANDOM);
    assert_int_equal(otelc_traceparent_parse("00-" TID "-" SID "-02", 55, &sc), OTELC_OK);
    assert_int_equal(sc.trace_flags, OTELC_TRACE_FLAG_RANDOM);
}

/* The parser reads only len bytes of the caller's buffer and never allocates. */
static void test_traceparent_no_allocation_and_bounded(void **state)
{
    (void)state;
    char buf[80];
    memcpy(buf, TP00 "-garbage", sizeof TP00 "-garbage");
    tu_alloc_install(0);
    otelc_span_context sc;
    assert_int_equal(otelc_traceparent_parse(buf, 55, &sc), OTELC_OK);
    assert_int_equal(otelc_traceparent_parse(buf, 54, &sc), OTELC_EPARSE);
    assert_int_equal(tu_alloc_calls(), 0);
    assert_int_equal(otelc_traceparent_parse(NULL, 0, &sc), OTELC_EPARSE);
    assert_int_equal(otelc_traceparent_parse(NULL, 3, &sc), OTELC_EINVAL);
    assert_int_equal(otelc_traceparent_parse(buf, 55, NULL), OTELC_EINVAL);
}

/* Writing gives version 00 and keeps only the sampled and random flags. */
static void test_traceparent_write_version_00(void **state)
{
    (void)state;
    otelc_span_context sc;
    const char *future = "cc-" TID "-" SID "-03-x";
    assert_int_equal(otelc_traceparent_parse(future, strlen(future), &sc), OTELC_OK);
    sc.trace_flags = 0xff;
    char buf[OTELC_TRACEPARENT_SIZE];
    assert_int_equal(otelc_traceparent_from_span_context(buf, &sc), 55);
    assert_string_equal(buf, "00-" TID "-" SID "-03");
    sc.trace_flags = 0;
    otelc_traceparent_from_span_context(buf, &sc);
    assert_string_equal(buf, "00-" TID "-" SID "-00");
}

/* An invalid span context writes nothing. */
static void test_traceparent_write_invalid_is_empty(void **state)
{
    (void)state;
    char buf[OTELC_TRACEPARENT_SIZE] = "x";
    otelc_span_context sc;
    memset(&sc, 0, sizeof sc);
    assert_int_equal(otelc_traceparent_from_span_context(buf, &sc), 0);
    assert_string_equal(buf, "");
    buf[0] = 'x';
    assert_int_equal(otelc_traceparent_from_span_context(buf, NULL), 0);
    assert_string_equal(buf, "");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_traceparent_version_00_parsed),
        cmocka_unit_test(test_traceparent_version_00_exact_length),
        cmocka_unit_test(test_traceparent_future_version_prefix),
        cmocka_unit_test(test_traceparent_version_ff_invalid),
        cmocka_unit_test(test_traceparent_lowercase_hex_only),
        cmocka_unit_test(test_traceparent_zero_ids_invalid),
        cmocka_unit_test(test_traceparent_separators),
        cmocka_unit_test(test_traceparent_surrounding_whitespace_trimmed),
        cmocka_unit_test(test_traceparent_unknown_flags_ignored),
        cmocka_unit_test_teardown(test_traceparent_no_allocation_and_bounded, teardown),
        cmocka_unit_test(test_traceparent_write_version_00),
        cmocka_unit_test(test_traceparent_write_invalid_is_empty),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
