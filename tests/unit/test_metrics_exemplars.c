/* SPDX-License-Identifier: Apache-2.0 */
/* Tests of exemplars on the record path: each filter, the span of the thread's current
 * context or of an explicit context, the aligned reservoir of explicit histograms, filtered
 * attributes, the reset at each collection; and the exponential histogram aggregation. */
#include "testutil.h"

#include "metrics_testutil.h"

static struct mt_snap snap;

static otelc_meter_provider *provider(otelc_metric_reader **r, otelc_exemplar_filter f,
                                      const otelc_view *v, size_t nv)
{
    otelc_manual_reader_new(r, NULL);
    otelc_meter_provider_options o;
    otelc_meter_provider_options_init(&o);
    o.readers = r;
    o.reader_count = 1;
    o.exemplar_filter = f;
    o.views = v;
    o.view_count = nv;
    otelc_meter_provider *mp = NULL;
    assert_int_equal(otelc_meter_provider_new(&mp, &o), OTELC_OK);
    return mp;
}

static void test_metrics_exemplars_trace_based(void **state)
{
    /* Spec: trace_based keeps measurements recorded inside a sampled span, with its ids. */
    (void)state;
    otelc_tracer_provider *tp = tu_provider(NULL, NULL, NULL);
    otelc_tracer *t = otelc_tracer_provider_get_tracer(tp, "t", NULL, NULL, NULL, 0);
    otelc_metric_reader *r;
    otelc_meter_provider *mp = provider(&r, OTELC_EXEMPLAR_FILTER_TRACE_BASED, NULL, 0);
    otelc_instrument *c = mt_instrument(mp, OTELC_INSTRUMENT_COUNTER, "c", 1);
    otelc_record_i64(c, 1, NULL, 0); /* no span: no exemplar */
    otelc_span *s = otelc_span_start(t, "work", NULL);
    otelc_context_token tok = otelc_span_make_current(s);
    otelc_record_i64(c, 42, NULL, 0);
    otelc_context_detach(tok);
    otelc_span_context sc = otelc_span_get_context(s);
    assert_int_equal(mt_collect(r, &snap), OTELC_OK);
    struct mt_point *p = mt_point(&snap, "c", "");
    assert_int_equal(p->i, 43);
    assert_int_equal(p->nex, 1);
    assert_int_equal(p->ex[0].i, 42);
    assert_true(p->ex[0].has_span);
    assert_memory_equal(p->ex[0].trace_id, sc.trace_id, 16);
    assert_memory_equal(p->ex[0].span_id, sc.span_id, 8);
    assert_true(p->ex[0].time_ns > 0);
    /* Spec: reservoirs start empty at each collection. */
    assert_int_equal(mt_collect(r, &snap), OTELC_OK);
    assert_int_equal(mt_point(&snap, "c", "")->nex, 0);
    /* An explicit context wins over the thread's (here: none current). */
    otelc_context *ctx = otelc_context_with_span(NULL, s);
    otelc_record_i64_ctx(c, 7, NULL, 0, ctx);
    otelc_record_i64_ctx(c, 8, NULL, 0, NULL);
    assert_int_equal(mt_collect(r, &snap), OTELC_OK);
    p = mt_point(&snap, "c", "");
    assert_int_equal(p->nex, 1);
    assert_int_equal(p->ex[0].i, 7);
    assert_memory_equal(p->ex[0].span_id, sc.span_id, 8);
    otelc_context_free(ctx);
    otelc_span_end(s);
    mt_snap_free(&snap);
    otelc_meter_provider_free(mp);
    otelc_tracer_provider_free(tp);
}

static void test_metrics_exemplars_unsampled_span(void **state)
{
    /* Spec: trace_based refuses measurements in a span that is not sampled. */
    (void)state;
    otelc_sampler *off = NULL;
    otelc_sampler_always_off(&off);
    otelc_tracer_provider *tp = tu_provider(off, NULL, NULL);
    otelc_tracer *t = otelc_tracer_provider_get_tracer(tp, "t", NULL, NULL, NULL, 0);
    otelc_metric_reader *r;
    otelc_meter_provider *mp = provider(&r, OTELC_EXEMPLAR_FILTER_TRACE_BASED, NULL, 0);
    otelc_instrument *h = mt_instrument(mp, OTELC_INSTRUMENT_HISTOGRAM, "h", 0);
    otelc_span *s = otelc_span_start(t, "work", NULL);
    otelc_context_token tok = otelc_span_make_current(s);
    otelc_record_f64(h, 1, NULL, 0);
    otelc_context_detach(tok);
    otelc_span_end(s);
    assert_int_equal(mt_collect(r, &snap), OTELC_OK);
    assert_int_equal(mt_point(&snap, "h", "")->nex, 0);
    mt_snap_free(&snap);
    otelc_meter_provider_free(mp);
    otelc_tracer_provider_free(tp);
}

static void test_metrics_exemplars_always_on_off(void **state)
{
    /* Spec: always_on offers every measurement (no span: no ids); always_off none. */
    (void)state;
    otelc_metric_reader *r1, *r2;
    otelc_meter_provider *on = provider(&r1, OTELC_EXEMPLAR_FILTER_ALWAYS_ON, NULL, 0);
    otelc_meter_provider *off = provider(&r2, OTELC_EXEMPLAR_FILTER_ALWAYS_OFF, NULL, 0);
    otelc_instrument *g1 = mt_instrument(on, OTELC_INSTRUMENT_GAUGE, "g", 0);
    otelc_instrument *g2 = mt_instrument(off, OTELC_INSTRUMENT_GAUGE, "g", 0);
    otelc_record_f64(g1, 2.5, NULL, 0);
    otelc_record_f64(g2, 2.5, NULL, 0);
    assert_int_equal(mt_collect(r1, &snap), OTELC_OK);
    struct mt_point *p = mt_point(&snap, "g", "");
    assert_int_equal(p->nex, 1);
    assert_true(p->ex[0].d == 2.5);
    assert_false(p->ex[0].has_span);
    assert_int_equal(mt_collect(r2, &snap), OTELC_OK);
    assert_int_equal(mt_point(&snap, "g", "")->nex, 0);
    mt_snap_free(&snap);
    otelc_meter_provider_free(on);
    otelc_meter_provider_free(off);
}

static void test_metrics_exemplars_aligned_histogram(void **state)
{
    /* Spec: an explicit histogram keeps at most one exemplar per bucket, in its bucket; the
     * exemplar carries the attributes the view filtered out. */
    (void)state;
    otelc_view v;
    otelc_view_init(&v);
    v.instrument_name = "h";
    const char *keep[] = {"route"};
    v.attribute_keys = keep;
    v.attribute_key_count = 1;
    v.has_attribute_keys = 1;
    otelc_metric_reader *r;
    otelc_meter_provider *mp = provider(&r, OTELC_EXEMPLAR_FILTER_ALWAYS_ON, &v, 1);
    otelc_instrument *h = mt_instrument(mp, OTELC_INSTRUMENT_HISTOGRAM, "h", 0);
    otelc_attr a[] = {otelc_attr_str("route", "/x"), otelc_attr_str("user", "u1")};
    const double vals[] = {3, 4, 30, 3000, 3001, 20000};
    for (size_t i = 0; i < 6; i++)
        otelc_record_f64(h, vals[i], a, 2);
    assert_int_equal(mt_collect(r, &snap), OTELC_OK);
    struct mt_point *p = mt_point(&snap, "h", "route=/x");
    assert_non_null(p);
    assert_int_equal(p->nex, 4); /* buckets (0,5], (25,50], (2500,5000], (10000,+inf) */
    assert_true(p->ex[0].d == 3 || p->ex[0].d == 4);
    assert_true(p->ex[1].d == 30);
    assert_true(p->ex[2].d == 3000 || p->ex[2].d == 3001);
    assert_true(p->ex[3].d == 20000);
    for (size_t i = 0; i < 4; i++)
        assert_string_equal(p->ex[i].attrs, "user=u1");
    mt_snap_free(&snap);
    otelc_meter_provider_free(mp);
}

static void test_metrics_exemplars_exponential_histogram(void **state)
{
    /* The exponential aggregation through a view: counts, zero count, sum, min and max,
     * and every measurement in a bucket; delta points start empty. */
    (void)state;
    otelc_view v;
    otelc_view_init(&v);
    v.instrument_name = "e";
    v.aggregation = OTELC_AGGREGATION_EXPONENTIAL_HISTOGRAM;
    v.exp_max_size = 4;
    v.exp_max_scale = 20;
    otelc_manual_reader_options ro;
    otelc_manual_reader_options_init(&ro);
    ro.temporality = OTELC_TEMPORALITY_PREFER_DELTA;
    otelc_metric_reader *r = NULL;
    otelc_manual_reader_new(&r, &ro);
    otelc_meter_provider_options o;
    otelc_meter_provider_options_init(&o);
    o.readers = &r;
    o.reader_count = 1;
    o.views = &v;
    o.view_count = 1;
    o.exemplar_filter = OTELC_EXEMPLAR_FILTER_ALWAYS_ON;
    otelc_meter_provider *mp = NULL;
    assert_int_equal(otelc_meter_provider_new(&mp, &o), OTELC_OK);
    otelc_instrument *e = mt_instrument(mp, OTELC_INSTRUMENT_HISTOGRAM, "e", 0);
    otelc_record_f64(e, 0, NULL, 0);
    otelc_record_f64(e, 1, NULL, 0);
    otelc_record_f64(e, 2, NULL, 0);
    otelc_record_f64(e, 4, NULL, 0);
    assert_int_equal(mt_collect(r, &snap), OTELC_OK);
    struct mt_metric *m = mt_metric(&snap, "e");
    assert_int_equal(m->type, OTELC_METRIC_EXPONENTIAL_HISTOGRAM);
    assert_int_equal(m->temporality, OTELC_TEMPORALITY_DELTA);
    struct mt_point *p = &m->p[0];
    assert_int_equal(p->count, 4);
    assert_int_equal(p->zero_count, 1);
    assert_true(p->sum == 7 && p->min == 0 && p->max == 4);
    /* 1, 2 and 4 are powers of two: at scale s they fall in buckets -1, 2^s - 1 and
     * 2^(s+1) - 1, which span at most 4 buckets only from scale 1 down: (0.5,1], (1,1.41],
     * (1.41,2], (2,2.83], (2.83,4] needs 5 at scale 1, so the scale ends at 0: buckets
     * (0.5,1], (1,2], (2,4] with offset -1. */
    assert_int_equal(p->scale, 0);
    assert_int_equal(p->pos_offset, -1);
    assert_int_equal(p->npos, 3);
    assert_true(p->pos[0] == 1 && p->pos[1] == 1 && p->pos[2] == 1);
    assert_true(p->nex >= 1);
    otelc_record_f64(e, 3, NULL, 0);
    assert_int_equal(mt_collect(r, &snap), OTELC_OK);
    p = mt_point(&snap, "e", "");
    assert_int_equal(p->count, 1);
    assert_int_equal(p->zero_count, 0);
    mt_snap_free(&snap);
    otelc_meter_provider_free(mp);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_metrics_exemplars_trace_based),
        cmocka_unit_test(test_metrics_exemplars_unsampled_span),
        cmocka_unit_test(test_metrics_exemplars_always_on_off),
        cmocka_unit_test(test_metrics_exemplars_aligned_histogram),
        cmocka_unit_test(test_metrics_exemplars_exponential_histogram),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
