/* SPDX-License-Identifier: Apache-2.0 */
/* API misuse has a defined, harmless outcome (docs/reliability.md): NULL handles into every
 * public function family, calls after shutdown, a span ended twice, scopes detached out of
 * order, and attribute values and counts far beyond the limits. */
#include <stdlib.h>
#include <string.h>

#include "testutil.h"

#include "otelc/otelc.h"

/* A provider with a batch processor over the in-memory exporter (exporter returned borrowed). */
static otelc_tracer_provider *batch_provider(otelc_span_exporter **exp_out,
                                             const otelc_span_limits *limits)
{
    otelc_span_exporter *exp = NULL;
    otelc_span_processor *proc = NULL;
    otelc_tracer_provider *tp = NULL;
    otelc_batch_span_processor_options bo;
    otelc_tracer_provider_options o;
    assert_int_equal(otelc_memory_exporter_new(&exp), OTELC_OK);
    otelc_batch_span_processor_options_init(&bo);
    assert_int_equal(otelc_batch_span_processor_new(&proc, exp, &bo), OTELC_OK);
    otelc_tracer_provider_options_init(&o);
    o.processors = &proc;
    o.processor_count = 1;
    if (limits)
        o.limits = *limits;
    assert_int_equal(otelc_tracer_provider_new(&tp, &o), OTELC_OK);
    *exp_out = exp;
    return tp;
}

/* A meter provider with a manual reader (returned borrowed). */
static otelc_meter_provider *manual_provider(otelc_metric_reader **reader_out)
{
    otelc_metric_reader *r = NULL;
    otelc_meter_provider *mp = NULL;
    otelc_meter_provider_options o;
    assert_int_equal(otelc_manual_reader_new(&r, NULL), OTELC_OK);
    otelc_meter_provider_options_init(&o);
    o.readers = &r;
    o.reader_count = 1;
    assert_int_equal(otelc_meter_provider_new(&mp, &o), OTELC_OK);
    *reader_out = r;
    return mp;
}

static int count_points(const otelc_resource_metrics *rm, void *ud)
{
    size_t *n = ud;
    for (size_t i = 0; i < rm->scope_count; i++)
        for (size_t j = 0; j < rm->scopes[i].metric_count; j++)
            *n += rm->scopes[i].metrics[j].point_count;
    return OTELC_OK;
}

/* Trace API: every span call accepts NULL and does nothing; NULL providers and tracers give
 * NULL spans or OTELC_EINVAL. */
static void test_misuse_null_trace(void **state)
{
    (void)state;
    otelc_span_processor_stats st;
    otelc_value v = otelc_value_int(1);
    otelc_attr a = otelc_attr_int("k", 1);
    otelc_link link;
    uint8_t parent[8];

    assert_null(otelc_span_start(NULL, "x", NULL));
    assert_null(otelc_tracer_provider_get_tracer(NULL, "x", NULL, NULL, NULL, 0));
    assert_int_equal(otelc_tracer_provider_new(NULL, NULL), OTELC_EINVAL);
    assert_int_equal(otelc_tracer_provider_force_flush(NULL, 10), OTELC_EINVAL);
    assert_int_equal(otelc_tracer_provider_shutdown(NULL, 10), OTELC_EINVAL);
    memset(&st, 0xff, sizeof st);
    st.size = sizeof st;
    otelc_tracer_provider_get_stats(NULL, &st);
    otelc_tracer_provider_get_stats(NULL, NULL);
    otelc_tracer_provider_free(NULL);

    memset(&link, 0, sizeof link);
    otelc_span_set_attr(NULL, "k", &v);
    otelc_span_set_attr(NULL, NULL, NULL);
    otelc_span_set_attrs(NULL, &a, 1);
    otelc_span_set_attr_str(NULL, "k", "v");
    otelc_span_set_attr_strn(NULL, "k", "v", 1);
    otelc_span_set_attr_bool(NULL, "k", 1);
    otelc_span_set_attr_int(NULL, "k", 1);
    otelc_span_set_attr_double(NULL, "k", 1.0);
    otelc_span_add_event(NULL, "e", 0, &a, 1);
    otelc_span_add_link(NULL, &link);
    otelc_span_set_status(NULL, OTELC_STATUS_ERROR, "d");
    otelc_span_update_name(NULL, "n");
    otelc_span_record_exception(NULL, "t", "m", "s", NULL, 0);
    otelc_span_end(NULL);
    otelc_span_end_at(NULL, 0);
    assert_null(otelc_span_ref(NULL));
    otelc_span_release(NULL);
    assert_int_equal(otelc_span_is_recording(NULL), 0);
    otelc_span_context sc = otelc_span_get_context(NULL);
    assert_int_equal(otelc_span_context_is_valid(&sc), 0);
    assert_int_equal(otelc_span_get_parent_id(NULL, parent), 0);
    assert_int_equal(otelc_span_get_attr_count(NULL), 0);
    assert_null(otelc_span_get_attr(NULL, 0));
    assert_null(otelc_span_find_attr(NULL, "k"));
    assert_int_equal(otelc_span_get_event_count(NULL), 0);
    assert_int_equal(otelc_span_get_link_count(NULL), 0);
    assert_int_equal(otelc_span_get_end_time(NULL), 0);

    /* Calls on a real span with NULL arguments are ignored too. */
    otelc_span_exporter *exp = NULL;
    otelc_tracer_provider *tp = batch_provider(&exp, NULL);
    otelc_tracer *t = otelc_tracer_provider_get_tracer(tp, "misuse", NULL, NULL, NULL, 0);
    otelc_span *s = otelc_span_start(t, NULL, NULL);
    assert_non_null(s);
    otelc_span_set_attr(s, NULL, &v);
    otelc_span_set_attr(s, "k", NULL);
    otelc_span_set_attrs(s, NULL, 3);
    otelc_span_set_attr_str(s, "k", NULL);
    otelc_span_set_attr_str(s, NULL, "v");
    otelc_span_add_event(s, NULL, 0, NULL, 2);
    otelc_span_add_link(s, NULL);
    otelc_span_update_name(s, NULL);
    otelc_span_record_exception(s, NULL, NULL, NULL, NULL, 5);
    otelc_span_end(s);
    assert_int_equal(otelc_tracer_provider_force_flush(tp, 5000), OTELC_OK);
    assert_int_equal(otelc_memory_exporter_count(exp), 1);
    otelc_tracer_provider_free(tp);
}

/* Context API: NULL contexts and zero tokens are harmless. */
static void test_misuse_null_context(void **state)
{
    (void)state;
    otelc_context_token zero = {0, 0};
    otelc_context_free(NULL);
    assert_null(otelc_context_ref(NULL));
    assert_null(otelc_context_get_span(NULL));
    otelc_context_detach(zero);
    otelc_context_token t = otelc_context_attach(NULL);
    assert_int_equal(t.depth, 0);
    otelc_context_detach(t);
    otelc_context *c = otelc_context_with_span(NULL, NULL);
    assert_non_null(c);
    assert_null(otelc_context_get_span(c));
    otelc_context_free(c);
    /* A NULL span still gives a token to detach (a disabled SDK passes context through). */
    otelc_context_token t2 = otelc_span_make_current(NULL);
    otelc_context_detach(t2);
    assert_null(otelc_span_current());
    assert_null(otelc_context_get_baggage(NULL));
}

/* Propagation API: NULL propagators, carriers and headers give OTELC_EINVAL or nothing. */
static void test_misuse_null_propagation(void **state)
{
    (void)state;
    otelc_span_context sc;
    otelc_context *out = NULL;
    otelc_baggage *b = NULL;
    char buf[OTELC_TRACEPARENT_SIZE];
    const char *const *names = NULL;

    assert_int_equal(otelc_propagator_inject(NULL, NULL, NULL), OTELC_EINVAL);
    assert_int_equal(otelc_propagator_extract(NULL, NULL, NULL, &out), OTELC_EINVAL);
    otelc_propagator *tc = NULL;
    assert_int_equal(otelc_propagator_tracecontext(&tc), OTELC_OK);
    assert_int_equal(otelc_propagator_inject(tc, NULL, NULL), OTELC_EINVAL);
    assert_int_equal(otelc_propagator_extract(tc, NULL, NULL, &out), OTELC_EINVAL);
    assert_int_equal(otelc_propagator_extract(tc, NULL, NULL, NULL), OTELC_EINVAL);
    otelc_propagator_free(tc);
    otelc_propagator_free(NULL);
    assert_int_equal(otelc_propagator_fields(NULL, &names), 0);
    assert_int_equal(otelc_propagator_tracecontext(NULL), OTELC_EINVAL);
    assert_int_equal(otelc_propagator_composite(NULL, NULL, 0), OTELC_EINVAL);

    assert_int_not_equal(otelc_traceparent_parse(NULL, 55, &sc), OTELC_OK);
    assert_int_not_equal(otelc_traceparent_parse("00", 2, NULL), OTELC_OK);
    assert_int_equal(otelc_traceparent_from_span_context(buf, NULL), 0);
    assert_int_equal(otelc_traceparent_format(buf, NULL), 0);

    assert_int_equal(otelc_baggage_from_header(NULL, "a=b", 3), OTELC_EINVAL);
    assert_int_not_equal(otelc_baggage_from_header(&b, NULL, 3), OTELC_OK);
    assert_null(b);
    assert_int_equal(otelc_baggage_count(NULL), 0);
    assert_null(otelc_baggage_get(NULL, "a"));
    assert_int_equal(otelc_baggage_to_header(NULL, buf, sizeof buf), 0);
    assert_int_equal(otelc_baggage_set(NULL, NULL, "k", "v", NULL), OTELC_EINVAL);
    assert_int_equal(otelc_baggage_set(&b, NULL, NULL, "v", NULL), OTELC_EINVAL);
    assert_null(otelc_baggage_ref(NULL));
    otelc_baggage_free(NULL);
    assert_int_equal(otelc_binary_block_parse(NULL, "x", 1), OTELC_EINVAL);
}

/* Metrics API: NULL meters and instruments: OTELC_EINVAL from the constructors, no-ops from
 * the record calls. */
static void test_misuse_null_metrics(void **state)
{
    (void)state;
    otelc_instrument *inst = NULL;
    otelc_bound_instrument *bound = NULL;
    otelc_attr a = otelc_attr_int("k", 1);
    otelc_meter_provider_stats mst;

    assert_null(otelc_meter_provider_get_meter(NULL, "m", NULL, NULL, NULL, 0));
    assert_int_equal(otelc_meter_provider_new(NULL, NULL), OTELC_EINVAL);
    assert_int_equal(otelc_meter_provider_force_flush(NULL, 10), OTELC_EINVAL);
    assert_int_equal(otelc_meter_provider_shutdown(NULL, 10), OTELC_EINVAL);
    memset(&mst, 0, sizeof mst);
    otelc_meter_provider_get_stats(NULL, &mst);
    otelc_meter_provider_free(NULL);
    assert_int_equal(
        otelc_meter_create_instrument(NULL, OTELC_INSTRUMENT_COUNTER, "c", NULL, &inst),
        OTELC_EINVAL);
    assert_null(inst);
    otelc_record_i64(NULL, 1, &a, 1);
    otelc_record_f64(NULL, 1.0, &a, 1);
    otelc_record_i64_ctx(NULL, 1, &a, 1, NULL);
    otelc_record_f64_ctx(NULL, 1.0, NULL, 0, NULL);
    assert_int_equal(otelc_instrument_bind(NULL, &a, 1, &bound), OTELC_EINVAL);
    otelc_bound_record_i64(NULL, 1);
    otelc_bound_record_f64(NULL, 1.0);
    otelc_bound_instrument_free(NULL);
    otelc_callback_unregister(NULL);
    otelc_observe_i64(NULL, NULL, 1, NULL, 0);
    otelc_observe_f64(NULL, NULL, 1.0, NULL, 0);
    assert_int_equal(otelc_metric_reader_collect(NULL, count_points, NULL), OTELC_EINVAL);
    assert_int_equal(otelc_metric_reader_force_flush(NULL, 10), OTELC_EINVAL);
    assert_int_equal(otelc_metric_reader_shutdown(NULL, 10), OTELC_EINVAL);
    otelc_metric_reader_free(NULL);

    /* A real instrument with NULL attributes and a count: the count is ignored. */
    otelc_metric_reader *r = NULL;
    otelc_meter_provider *mp = manual_provider(&r);
    otelc_meter *m = otelc_meter_provider_get_meter(mp, "misuse", NULL, NULL, NULL, 0);
    assert_int_equal(otelc_meter_create_instrument(m, OTELC_INSTRUMENT_COUNTER, "c", NULL, &inst),
                     OTELC_OK);
    otelc_record_i64(inst, 1, NULL, 4);
    size_t points = 0;
    assert_int_equal(otelc_metric_reader_collect(r, count_points, &points), OTELC_OK);
    assert_int_equal(points, 1);
    otelc_meter_provider_free(mp);
}

/* Exporter constructors: NULL out gives OTELC_EINVAL; NULL exporters are no-ops. */
static void test_misuse_null_exporters(void **state)
{
    (void)state;
    otelc_span_exporter *e = NULL;
    otelc_otlp_http_exporter_options ho;
    otelc_otlp_grpc_exporter_options go;
    otelc_otlp_http_exporter_options_init(&ho);
    otelc_otlp_grpc_exporter_options_init(&go);
    assert_int_equal(otelc_otlp_http_exporter_new(NULL, &ho), OTELC_EINVAL);
    assert_int_equal(otelc_otlp_grpc_exporter_new(NULL, &go), OTELC_EINVAL);
    assert_int_equal(otelc_console_exporter_new(NULL, NULL), OTELC_EINVAL);
    assert_int_equal(otelc_memory_exporter_new(NULL), OTELC_EINVAL);
    assert_int_equal(otelc_simple_span_processor_new(NULL, NULL), OTELC_EINVAL);
    assert_int_equal(otelc_batch_span_processor_new(NULL, NULL, NULL), OTELC_EINVAL);
    otelc_span_processor *p = NULL;
    assert_int_equal(otelc_batch_span_processor_new(&p, NULL, NULL), OTELC_EINVAL);
    assert_null(p);
    assert_int_equal(otelc_span_exporter_export(NULL, NULL, 0, 0), OTELC_EINVAL);
    assert_int_equal(otelc_span_exporter_shutdown(NULL, 0), OTELC_OK); /* like a second shutdown */
    assert_null(otelc_otlp_http_exporter_last_error(NULL));
    assert_null(otelc_otlp_grpc_exporter_last_error(NULL));
    assert_int_equal(otelc_memory_exporter_count(NULL), 0);
    assert_null(otelc_memory_exporter_get(NULL, 0));
    otelc_span_exporter_free(NULL);
    otelc_span_processor_free(NULL);
    assert_null(e);
}

/* After shutdown: tracers make non-recording spans that are not exported, flush and a second
 * shutdown return an error, stats stay readable. */
static void test_misuse_use_after_tracer_shutdown(void **state)
{
    (void)state;
    otelc_span_exporter *exp = NULL;
    otelc_tracer_provider *tp = batch_provider(&exp, NULL);
    otelc_tracer *t = otelc_tracer_provider_get_tracer(tp, "misuse", NULL, NULL, NULL, 0);
    otelc_span *before = otelc_span_start(t, "before", NULL);
    otelc_span_end(before);
    assert_int_equal(otelc_tracer_provider_shutdown(tp, 5000), OTELC_OK);
    assert_int_equal(otelc_memory_exporter_count(exp), 1);

    otelc_span *s = otelc_span_start(t, "after", NULL);
    assert_int_equal(otelc_span_is_recording(s), 0);
    otelc_span_set_attr_int(s, "k", 1);
    otelc_span_end(s);
    otelc_tracer *t2 = otelc_tracer_provider_get_tracer(tp, "later", NULL, NULL, NULL, 0);
    otelc_span *s2 = otelc_span_start(t2, "after2", NULL);
    assert_int_equal(otelc_span_is_recording(s2), 0);
    otelc_span_end(s2);
    assert_int_not_equal(otelc_tracer_provider_force_flush(tp, 100), OTELC_OK);
    assert_int_equal(otelc_tracer_provider_shutdown(tp, 100), OTELC_ESHUTDOWN);
    assert_int_equal(otelc_memory_exporter_count(exp), 1);
    otelc_span_processor_stats st;
    memset(&st, 0, sizeof st);
    st.size = sizeof st;
    otelc_tracer_provider_get_stats(tp, &st);
    assert_int_equal(st.ended, st.exported + st.dropped + st.failed);
    otelc_tracer_provider_free(tp);
}

/* After shutdown: records are ignored, flush and shutdown return OTELC_ESHUTDOWN, creating
 * instruments still gives a working (ignored) handle or an error, never a crash. */
static void test_misuse_use_after_meter_shutdown(void **state)
{
    (void)state;
    otelc_metric_reader *r = NULL;
    otelc_meter_provider *mp = manual_provider(&r);
    otelc_meter *m = otelc_meter_provider_get_meter(mp, "misuse", NULL, NULL, NULL, 0);
    otelc_instrument *c = NULL;
    assert_int_equal(otelc_meter_create_instrument(m, OTELC_INSTRUMENT_COUNTER, "c", NULL, &c),
                     OTELC_OK);
    otelc_record_i64(c, 1, NULL, 0);
    assert_int_equal(otelc_meter_provider_shutdown(mp, 1000), OTELC_OK);
    otelc_record_i64(c, 5, NULL, 0);
    otelc_record_f64(c, 5.0, NULL, 0);
    assert_int_equal(otelc_meter_provider_force_flush(mp, 100), OTELC_ESHUTDOWN);
    assert_int_equal(otelc_meter_provider_shutdown(mp, 100), OTELC_ESHUTDOWN);
    size_t points = 0;
    assert_int_not_equal(otelc_metric_reader_collect(r, count_points, &points), OTELC_OK);
    assert_int_equal(points, 0);
    otelc_instrument *late = NULL;
    int rc = otelc_meter_create_instrument(m, OTELC_INSTRUMENT_HISTOGRAM, "h", NULL, &late);
    assert_true(rc == OTELC_OK || rc == OTELC_ESHUTDOWN);
    otelc_record_f64(late, 1.0, NULL, 0);
    otelc_meter_provider_free(mp);
}

/* Ending a span twice: the first end wins, the span is exported once, the second end only
 * gives its reference back (here: the one taken with otelc_span_ref). */
static void test_misuse_end_twice(void **state)
{
    (void)state;
    otelc_span_exporter *exp = NULL;
    otelc_tracer_provider *tp = batch_provider(&exp, NULL);
    otelc_tracer *t = otelc_tracer_provider_get_tracer(tp, "misuse", NULL, NULL, NULL, 0);
    otelc_span *s = otelc_span_start(t, "twice", NULL);
    otelc_span_ref(s);
    otelc_span_end_at(s, otelc_now_ns());
    uint64_t end = otelc_span_get_end_time(s);
    otelc_span_set_attr_int(s, "late", 1);
    otelc_span_end(s);
    assert_int_equal(otelc_tracer_provider_force_flush(tp, 5000), OTELC_OK);
    assert_int_equal(otelc_memory_exporter_count(exp), 1);
    otelc_span *got = otelc_memory_exporter_get(exp, 0);
    assert_int_equal(otelc_span_get_end_time(got), end);
    assert_null(otelc_span_find_attr(got, "late"));
    otelc_span_release(got);
    otelc_tracer_provider_free(tp);
}

/* Detaching out of order removes only that entry; the current context stays the innermost
 * one still attached, and a stale token is ignored. */
static void test_misuse_detach_out_of_order(void **state)
{
    (void)state;
    otelc_span_exporter *exp = NULL;
    otelc_tracer_provider *tp = batch_provider(&exp, NULL);
    otelc_tracer *t = otelc_tracer_provider_get_tracer(tp, "misuse", NULL, NULL, NULL, 0);
    otelc_span *a = otelc_span_start(t, "a", NULL);
    otelc_span *b = otelc_span_start(t, "b", NULL);
    otelc_span *c = otelc_span_start(t, "c", NULL);
    tu_log_capture(OTELC_LOG_DEBUG);
    otelc_context_token ta = otelc_span_make_current(a);
    otelc_context_token tb = otelc_span_make_current(b);
    otelc_context_token tc = otelc_span_make_current(c);
    otelc_context_detach(tb);
    assert_ptr_equal(otelc_span_current(), c);
    otelc_context_detach(tc);
    assert_ptr_equal(otelc_span_current(), a);
    otelc_context_detach(tb); /* stale */
    assert_ptr_equal(otelc_span_current(), a);
    otelc_context_detach(ta);
    assert_null(otelc_span_current());
    assert_true(tu_log_count() >= 1);
    tu_log_release();
    otelc_span_end(c);
    otelc_span_end(b);
    otelc_span_end(a);
    otelc_tracer_provider_free(tp);
}

/* A 10 MB string and 100000 attributes against limits of 1024 characters and 128
 * attributes: the span keeps what the limits allow and counts the rest as dropped. */
static void test_misuse_huge_attributes(void **state)
{
    (void)state;
    const size_t big = 10u * 1024 * 1024, many = 100000;
    char *value = malloc(big + 1);
    assert_non_null(value);
    memset(value, 'x', big);
    value[big] = '\0';
    otelc_span_limits l;
    otelc_span_limits_init(&l);
    l.attr_value_length = 1024;
    tu_alloc_install(0);
    otelc_span_exporter *exp = NULL;
    otelc_tracer_provider *tp = batch_provider(&exp, &l);
    otelc_tracer *t = otelc_tracer_provider_get_tracer(tp, "misuse", NULL, NULL, NULL, 0);
    otelc_span_end(otelc_span_start(t, "warm-up", NULL));
    assert_int_equal(otelc_tracer_provider_force_flush(tp, 5000), OTELC_OK);
    otelc_memory_exporter_reset(exp);
    int64_t live_before = tu_alloc_live();

    otelc_span *s = otelc_span_start(t, "huge", NULL);
    otelc_span_set_attr_str(s, "big", value);
    otelc_span_set_attr_strn(s, "big.n", value, big);
    for (size_t i = 0; i < many; i++)
        otelc_span_set_attr_int(s, (i & 1) ? "odd" : "even", (int64_t)i);
    char key[32];
    for (size_t i = 0; i < many; i++) {
        snprintf(key, sizeof key, "k%zu", i);
        otelc_span_set_attr_int(s, key, (int64_t)i);
    }
    for (size_t i = 0; i < many / 100; i++)
        otelc_span_add_event(s, value, 0, NULL, 0);
    assert_int_equal(otelc_span_get_attr_count(s), 128);
    const otelc_value *v = otelc_span_find_attr(s, "big");
    assert_non_null(v);
    assert_int_equal(v->len, 1024);
    uint32_t dropped_attrs = 0, dropped_events = 0, dropped_links = 0;
    otelc_span_get_dropped(s, &dropped_attrs, &dropped_events, &dropped_links);
    assert_int_equal(dropped_attrs, many - (128 - 4));
    assert_int_equal(dropped_events, many / 100 - 128);
    otelc_span_end(s);
    assert_int_equal(otelc_tracer_provider_force_flush(tp, 5000), OTELC_OK);
    otelc_memory_exporter_reset(exp);
    /* Nothing of the attributes over the limits was kept once the span went back. */
    assert_true(tu_alloc_live() - live_before < 64);
    otelc_tracer_provider_free(tp);
    assert_int_equal(tu_alloc_live(), 0);
    tu_alloc_uninstall();
    free(value);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_misuse_null_trace),
        cmocka_unit_test(test_misuse_null_context),
        cmocka_unit_test(test_misuse_null_propagation),
        cmocka_unit_test(test_misuse_null_metrics),
        cmocka_unit_test(test_misuse_null_exporters),
        cmocka_unit_test(test_misuse_use_after_tracer_shutdown),
        cmocka_unit_test(test_misuse_use_after_meter_shutdown),
        cmocka_unit_test(test_misuse_end_twice),
        cmocka_unit_test(test_misuse_detach_out_of_order),
        cmocka_unit_test(test_misuse_huge_attributes),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
