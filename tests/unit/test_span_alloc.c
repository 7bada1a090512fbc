/* SPDX-License-Identifier: Apache-2.0 */
/* Failure injection: each allocation on span start, attribute set and end fails in turn;
 * nothing crashes and nothing leaks. */
#include "testutil.h"

#include <string.h>

#include "sdk/trace/span_pool.h"

/* One span's whole life with many attributes, an event, a link and a status, so every
 * allocation path (span object, name, arena chunks, arrays) is reached. */
static void one_span(otelc_tracer *t, int sampled_parent)
{
    otelc_span *p = sampled_parent ? otelc_span_start(t, "parent", NULL) : NULL;
    otelc_span_options o;
    otelc_span_options_init(&o);
    o.parent_span = p;
    otelc_attr start_attrs[] = {otelc_attr_str("http.method", "GET"),
                                otelc_attr_int("http.status_code", 200)};
    o.attrs = start_attrs;
    o.attr_count = 2;
    otelc_span *s = otelc_span_start(t, "a span with a name long enough to matter", &o);
    char key[32], val[600];
    memset(val, 'x', sizeof val - 1);
    val[sizeof val - 1] = '\0';
    for (int i = 0; i < 24; i++) {
        snprintf(key, sizeof key, "attribute.number.%d", i);
        otelc_span_set_attr_str(s, key, val);
    }
    otelc_attr ea[] = {otelc_attr_str("event.key", "event value")};
    otelc_span_add_event(s, "event", 0, ea, 1);
    otelc_span_record_exception(s, "E", "message", "stack", NULL, 0);
    if (p) {
        otelc_link l;
        memset(&l, 0, sizeof l);
        l.context = otelc_span_get_context(p);
        l.attrs = ea;
        l.attr_count = 1;
        otelc_span_add_link(s, &l);
    }
    otelc_span_set_status(s, OTELC_STATUS_ERROR, "failed on purpose");
    otelc_span_update_name(s, "a renamed span whose new name is even longer than the first");
    otelc_context_token tok = otelc_span_make_current(s);
    otelc_context *cur = otelc_context_current();
    otelc_context_free(cur);
    otelc_context_detach(tok);
    otelc_span_end(s);
    otelc_span_end(p);
}

/* Spec-independent robustness: the N-th allocation fails, for every N reached. */
static void test_span_alloc_each_allocation_fails_in_turn(void **state)
{
    (void)state;
    int saw_failure = 0;
    uint64_t n;
    tu_log_capture(OTELC_LOG_NONE);
    for (n = 1; n < 10000; n++) {
        /* The provider is built without failures; only the span's life is injected. */
        tu_alloc_install(0);
        otelc_tracer_provider *tp = tu_provider(NULL, NULL, NULL);
        assert_non_null(tp);
        otelc_tracer *t = otelc_tracer_provider_get_tracer(tp, "fail", NULL, NULL, NULL, 0);
        assert_non_null(t);
        tu_alloc_install(n);
        /* tu_alloc_install resets the live counter: count from here. */
        one_span(t, 1);
        one_span(t, 0);
        int failed = tu_alloc_failed();
        tu_spans_clear();
        otelc__span_cache_trim();
        assert_int_equal(tu_alloc_live(), 0);
        tu_alloc_install(0);
        otelc_tracer_provider_free(tp);
        tu_alloc_uninstall();
        if (!failed)
            break; /* every allocation of the path has been made to fail once */
        saw_failure = 1;
    }
    tu_log_release();
    assert_true(saw_failure);
    /* The path allocates many times (span, arena chunks, arrays, contexts): all were hit. */
    print_message("allocations failed in turn: %llu\n", (unsigned long long)(n - 1));
    assert_true(n > 10);
}

/* Exporting spans that lost data to allocation failures still works, and the loss is
 * counted in the dropped counters rather than silent. */
static void test_span_alloc_failure_counted_as_dropped(void **state)
{
    (void)state;
    tu_log_capture(OTELC_LOG_NONE);
    otelc_tracer_provider *tp = tu_provider(NULL, NULL, NULL);
    otelc_tracer *t = otelc_tracer_provider_get_tracer(tp, "fail", NULL, NULL, NULL, 0);
    otelc_span *s = otelc_span_start(t, "s", NULL);
    char big[4096];
    memset(big, 'b', sizeof big - 1);
    big[sizeof big - 1] = '\0';
    tu_alloc_install(1); /* the next allocation (an arena chunk for the value) fails */
    otelc_span_set_attr_str(s, "big", big);
    int failed = tu_alloc_failed();
    tu_alloc_uninstall();
    otelc_span_end(s);
    assert_true(failed);
    uint32_t da;
    otelc_span_get_dropped(tu_span_at(0), &da, NULL, NULL);
    assert_int_equal(da, 1);
    assert_null(otelc_span_find_attr(tu_span_at(0), "big"));
    tu_spans_clear();
    otelc_tracer_provider_free(tp);
    tu_log_release();
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_span_alloc_each_allocation_fails_in_turn),
        cmocka_unit_test(test_span_alloc_failure_counted_as_dropped),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
