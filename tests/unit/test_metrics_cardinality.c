/* SPDX-License-Identifier: Apache-2.0 */
/* Tests of the cardinality limit: the overflow series otel.metric.overflow=true, counted in
 * the limit, and no measurement lost or counted twice. */
#include "testutil.h"

#include "metrics_testutil.h"

static struct mt_snap snap;

static void test_metrics_cardinality_overflow(void **state)
{
    /* Spec: with a limit of N, N - 1 attribute sets get series of their own and the rest go
     * to the overflow series; attribute sets that have a series keep using it. */
    (void)state;
    otelc_view v;
    otelc_view_init(&v);
    v.instrument_name = "c";
    v.cardinality_limit = 4;
    otelc_metric_reader *r;
    otelc_meter_provider *mp = mt_provider(&r, OTELC_TEMPORALITY_PREFER_CUMULATIVE, &v, 1);
    otelc_instrument *c = mt_instrument(mp, OTELC_INSTRUMENT_COUNTER, "c", 1);
    int64_t total = 0;
    for (int64_t i = 0; i < 10; i++) {
        otelc_attr a = otelc_attr_int("id", i);
        otelc_record_i64(c, i + 1, &a, 1);
        total += i + 1;
    }
    otelc_attr first = otelc_attr_int("id", 0);
    otelc_record_i64(c, 100, &first, 1);
    total += 100;
    assert_int_equal(mt_collect(r, &snap), OTELC_OK);
    struct mt_metric *m = mt_metric(&snap, "c");
    assert_int_equal(m->np, 4);
    assert_int_equal(mt_point(&snap, "c", "id=0")->i, 101);
    assert_int_equal(mt_point(&snap, "c", "id=1")->i, 2);
    assert_int_equal(mt_point(&snap, "c", "id=2")->i, 3);
    assert_int_equal(mt_point(&snap, "c", "otel.metric.overflow=true")->i, 4 + 5 + 6 + 7 + 8 + 9 + 10);
    int64_t sum = 0;
    for (size_t i = 0; i < m->np; i++)
        sum += m->p[i].i;
    assert_int_equal(sum, total);
    otelc_meter_provider_stats st;
    otelc_meter_provider_get_stats(mp, &st);
    assert_int_equal(st.series, 4);
    assert_int_equal(st.overflowed, 7);
    mt_snap_free(&snap);
    otelc_meter_provider_free(mp);
}

static void test_metrics_cardinality_default_limit(void **state)
{
    /* Spec: the default limit is 2000 series per stream, the overflow series included. */
    (void)state;
    otelc_metric_reader *r;
    otelc_meter_provider *mp = mt_provider(&r, OTELC_TEMPORALITY_PREFER_DELTA, NULL, 0);
    otelc_instrument *h = mt_instrument(mp, OTELC_INSTRUMENT_HISTOGRAM, "h", 1);
    for (int64_t i = 0; i < 2500; i++) {
        otelc_attr a = otelc_attr_int("id", i);
        otelc_record_i64(h, 1, &a, 1);
    }
    assert_int_equal(mt_collect(r, &snap), OTELC_OK);
    struct mt_metric *m = mt_metric(&snap, "h");
    assert_int_equal(m->np, 2000);
    assert_int_equal(mt_point(&snap, "h", "otel.metric.overflow=true")->count, 501);
    uint64_t n = 0;
    for (size_t i = 0; i < m->np; i++)
        n += m->p[i].count;
    assert_int_equal(n, 2500);
    /* Delta streams keep their series: the next interval's new sets still overflow. */
    otelc_attr a = otelc_attr_int("id", 99999);
    otelc_record_i64(h, 1, &a, 1);
    assert_int_equal(mt_collect(r, &snap), OTELC_OK);
    assert_int_equal(mt_metric(&snap, "h")->np, 1);
    assert_int_equal(mt_point(&snap, "h", "otel.metric.overflow=true")->count, 1);
    mt_snap_free(&snap);
    otelc_meter_provider_free(mp);
}

static void test_metrics_cardinality_bound_and_limit_one(void **state)
{
    /* A limit of 1 leaves only the overflow series; bound handles past the limit use it. */
    (void)state;
    otelc_meter_provider_options o;
    otelc_meter_provider_options_init(&o);
    otelc_metric_reader *r = NULL;
    otelc_manual_reader_new(&r, NULL);
    o.readers = &r;
    o.reader_count = 1;
    o.cardinality_limit = 1;
    otelc_meter_provider *mp = NULL;
    assert_int_equal(otelc_meter_provider_new(&mp, &o), OTELC_OK);
    otelc_instrument *c = mt_instrument(mp, OTELC_INSTRUMENT_COUNTER, "c", 1);
    otelc_attr a = otelc_attr_str("k", "v");
    otelc_bound_instrument *b = NULL;
    assert_int_equal(otelc_instrument_bind(c, &a, 1, &b), OTELC_OK);
    otelc_bound_record_i64(b, 3);
    otelc_record_i64(c, 4, NULL, 0);
    assert_int_equal(mt_collect(r, &snap), OTELC_OK);
    assert_int_equal(mt_metric(&snap, "c")->np, 1);
    assert_int_equal(mt_point(&snap, "c", "otel.metric.overflow=true")->i, 7);
    otelc_bound_instrument_free(b);
    mt_snap_free(&snap);
    otelc_meter_provider_free(mp);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_metrics_cardinality_overflow),
        cmocka_unit_test(test_metrics_cardinality_default_limit),
        cmocka_unit_test(test_metrics_cardinality_bound_and_limit_one),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
