/* SPDX-License-Identifier: Apache-2.0 */
/* Span limits (trace SDK specification, "Span Limits") and their environment variables. */
#include "testutil.h"

#include <stdlib.h>
#include <string.h>

static const char *const limit_vars[] = {
    "OTEL_ATTRIBUTE_COUNT_LIMIT",       "OTEL_ATTRIBUTE_VALUE_LENGTH_LIMIT",
    "OTEL_SPAN_ATTRIBUTE_COUNT_LIMIT",  "OTEL_SPAN_ATTRIBUTE_VALUE_LENGTH_LIMIT",
    "OTEL_SPAN_EVENT_COUNT_LIMIT",      "OTEL_SPAN_LINK_COUNT_LIMIT",
    "OTEL_EVENT_ATTRIBUTE_COUNT_LIMIT", "OTEL_LINK_ATTRIBUTE_COUNT_LIMIT",
};

static int clear_env(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof limit_vars / sizeof *limit_vars; i++)
        unsetenv(limit_vars[i]);
    return 0;
}

/* Spec defaults: 128 attributes, events, links and per-event/link attributes; no length. */
static void test_limits_defaults(void **state)
{
    (void)state;
    otelc_span_limits l;
    otelc_span_limits_from_env(&l);
    assert_int_equal(l.attr_count, 128);
    assert_int_equal(l.attr_value_length, OTELC_LIMIT_NONE);
    assert_int_equal(l.event_count, 128);
    assert_int_equal(l.link_count, 128);
    assert_int_equal(l.event_attr_count, 128);
    assert_int_equal(l.link_attr_count, 128);
}

/* Spec: the span-specific variable wins over the general OTEL_ATTRIBUTE_* one. */
static void test_limits_env_specific_wins_over_general(void **state)
{
    (void)state;
    setenv("OTEL_ATTRIBUTE_COUNT_LIMIT", "10", 1);
    setenv("OTEL_ATTRIBUTE_VALUE_LENGTH_LIMIT", "20", 1);
    setenv("OTEL_SPAN_ATTRIBUTE_COUNT_LIMIT", "5", 1);
    setenv("OTEL_SPAN_EVENT_COUNT_LIMIT", "3", 1);
    setenv("OTEL_SPAN_LINK_COUNT_LIMIT", "2", 1);
    setenv("OTEL_LINK_ATTRIBUTE_COUNT_LIMIT", "1", 1);
    otelc_span_limits l;
    otelc_span_limits_from_env(&l);
    assert_int_equal(l.attr_count, 5);
    assert_int_equal(l.attr_value_length, 20);
    assert_int_equal(l.event_count, 3);
    assert_int_equal(l.link_count, 2);
    assert_int_equal(l.event_attr_count, 10); /* the general one applies */
    assert_int_equal(l.link_attr_count, 1);
}

/* A bad value gets a warning naming the variable, and the default. */
static void test_limits_env_bad_value_warns(void **state)
{
    (void)state;
    setenv("OTEL_SPAN_EVENT_COUNT_LIMIT", "lots", 1);
    tu_log_capture(OTELC_LOG_WARN);
    otelc_span_limits l;
    otelc_span_limits_from_env(&l);
    assert_int_equal(l.event_count, 128);
    assert_true(tu_log_contains("OTEL_SPAN_EVENT_COUNT_LIMIT"));
    tu_log_release();
}

/* Spec: attributes past the count limit are dropped and counted; one log line per span. */
static void test_limits_attr_count_dropped_and_counted(void **state)
{
    (void)state;
    otelc_span_limits l;
    otelc_span_limits_init(&l);
    l.attr_count = 3;
    otelc_tracer_provider *tp = tu_provider(NULL, &l, NULL);
    otelc_tracer *t = otelc_tracer_provider_get_tracer(tp, "x", NULL, NULL, NULL, 0);
    tu_log_capture(OTELC_LOG_WARN);
    otelc_span *s = otelc_span_start(t, "s", NULL);
    char key[16];
    for (int i = 0; i < 10; i++) {
        snprintf(key, sizeof key, "k%d", i);
        otelc_span_set_attr_int(s, key, i);
    }
    otelc_span_set_attr_int(s, "k0", 100); /* an existing key can still be overwritten */
    otelc_span_end(s);
    assert_int_equal(tu_log_count(), 1);
    tu_log_release();
    otelc_span *e = tu_span_at(0);
    uint32_t da, de, dl;
    otelc_span_get_dropped(e, &da, &de, &dl);
    assert_int_equal(otelc_span_get_attr_count(e), 3);
    assert_int_equal(da, 7);
    assert_int_equal(otelc_span_find_attr(e, "k0")->u.i, 100);
    tu_spans_clear();
    otelc_tracer_provider_free(tp);
}

/* Spec: string values are truncated to the length limit in characters (UTF-8 aware), in
 * string arrays too, on the span, its events and links. */
static void test_limits_value_length_truncates_utf8(void **state)
{
    (void)state;
    otelc_span_limits l;
    otelc_span_limits_init(&l);
    l.attr_value_length = 3;
    otelc_tracer_provider *tp = tu_provider(NULL, &l, NULL);
    otelc_tracer *t = otelc_tracer_provider_get_tracer(tp, "x", NULL, NULL, NULL, 0);
    otelc_span *s = otelc_span_start(t, "s", NULL);
    otelc_span_set_attr_str(s, "ascii", "abcdef");
    otelc_span_set_attr_str(s, "utf8", "h\xc3\xa9llo"); /* "héllo": h, é (2 bytes), l */
    const char *arr[] = {"12345", "x"};
    otelc_value v;
    memset(&v, 0, sizeof v);
    v.type = OTELC_VALUE_STRING_ARRAY;
    v.u.sa = arr;
    v.len = 2;
    otelc_span_set_attr(s, "arr", &v);
    otelc_span_set_attr_int(s, "int", 123456); /* other kinds are untouched */
    otelc_attr ea[] = {otelc_attr_str("ek", "long value")};
    otelc_span_add_event(s, "e", 0, ea, 1);
    otelc_span_end(s);
    otelc_span *e = tu_span_at(0);
    assert_string_equal(otelc_span_find_attr(e, "ascii")->u.s, "abc");
    assert_int_equal(otelc_span_find_attr(e, "utf8")->len, 4);
    assert_string_equal(otelc_span_find_attr(e, "utf8")->u.s, "h\xc3\xa9l");
    assert_string_equal(otelc_span_find_attr(e, "arr")->u.sa[0], "123");
    assert_string_equal(otelc_span_find_attr(e, "arr")->u.sa[1], "x");
    assert_int_equal(otelc_span_find_attr(e, "int")->u.i, 123456);
    otelc_event_info ev;
    otelc_span_get_event(e, 0, &ev);
    assert_string_equal(ev.attrs[0].value.u.s, "lon");
    tu_spans_clear();
    otelc_tracer_provider_free(tp);
}

/* Spec: events, links and their attributes past the limits are dropped and counted. */
static void test_limits_events_links_and_their_attrs(void **state)
{
    (void)state;
    otelc_span_limits l;
    otelc_span_limits_init(&l);
    l.event_count = 2;
    l.link_count = 1;
    l.event_attr_count = 1;
    l.link_attr_count = 1;
    otelc_tracer_provider *tp = tu_provider(NULL, &l, NULL);
    otelc_tracer *t = otelc_tracer_provider_get_tracer(tp, "x", NULL, NULL, NULL, 0);
    otelc_span *other = otelc_span_start(t, "other", NULL);
    otelc_span *s = otelc_span_start(t, "s", NULL);
    otelc_attr two[] = {otelc_attr_int("a", 1), otelc_attr_int("b", 2)};
    for (int i = 0; i < 5; i++)
        otelc_span_add_event(s, "e", 0, two, 2);
    otelc_link lk;
    memset(&lk, 0, sizeof lk);
    lk.context = otelc_span_get_context(other);
    lk.attrs = two;
    lk.attr_count = 2;
    otelc_span_add_link(s, &lk);
    otelc_span_add_link(s, &lk);
    otelc_span_add_link(s, &lk);
    otelc_span_end(s);
    otelc_span_end(other);
    otelc_span *e = tu_span_named("s");
    uint32_t da, de, dl;
    otelc_span_get_dropped(e, &da, &de, &dl);
    assert_int_equal(otelc_span_get_event_count(e), 2);
    assert_int_equal(de, 3);
    assert_int_equal(otelc_span_get_link_count(e), 1);
    assert_int_equal(dl, 2);
    otelc_event_info ev;
    otelc_span_get_event(e, 1, &ev);
    assert_int_equal(ev.attr_count, 1);
    assert_int_equal(ev.dropped_attr_count, 1);
    otelc_link_info li;
    otelc_span_get_link(e, 0, &li);
    assert_int_equal(li.attr_count, 1);
    assert_int_equal(li.dropped_attr_count, 1);
    tu_spans_clear();
    otelc_tracer_provider_free(tp);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_limits_defaults, clear_env),
        cmocka_unit_test_setup(test_limits_env_specific_wins_over_general, clear_env),
        cmocka_unit_test_setup(test_limits_env_bad_value_warns, clear_env),
        cmocka_unit_test_setup(test_limits_attr_count_dropped_and_counted, clear_env),
        cmocka_unit_test_setup(test_limits_value_length_truncates_utf8, clear_env),
        cmocka_unit_test_setup(test_limits_events_links_and_their_attrs, clear_env),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
