/* SPDX-License-Identifier: Apache-2.0 */
/* Tests of temporality over several collections: delta and cumulative sums and histograms
 * with their start times, the preferences (cumulative, delta, lowmemory), observable sums, and
 * two readers with temporalities of their own. */
#include "testutil.h"

#include "metrics_testutil.h"

static struct mt_snap snap;

/* A provider with a delta reader and a cumulative one. */
static otelc_meter_provider *two_readers(otelc_metric_reader **rd, otelc_metric_reader **rc)
{
    otelc_manual_reader_options o;
    otelc_manual_reader_options_init(&o);
    o.temporality = OTELC_TEMPORALITY_PREFER_DELTA;
    assert_int_equal(otelc_manual_reader_new(rd, &o), OTELC_OK);
    assert_int_equal(otelc_manual_reader_new(rc, NULL), OTELC_OK);
    otelc_metric_reader *readers[] = {*rd, *rc};
    otelc_meter_provider_options po;
    otelc_meter_provider_options_init(&po);
    po.readers = readers;
    po.reader_count = 2;
    otelc_meter_provider *mp = NULL;
    assert_int_equal(otelc_meter_provider_new(&mp, &po), OTELC_OK);
    return mp;
}

static void test_metrics_temporality_delta_sum(void **state)
{
    /* Spec: a delta point covers the time since the previous collection; series without a
     * measurement in the interval are left out. */
    (void)state;
    otelc_metric_reader *r;
    otelc_meter_provider *mp = mt_provider(&r, OTELC_TEMPORALITY_PREFER_DELTA, NULL, 0);
    otelc_instrument *c = mt_instrument(mp, OTELC_INSTRUMENT_COUNTER, "c", 1);
    otelc_attr a = otelc_attr_str("k", "a"), b = otelc_attr_str("k", "b");
    uint64_t t0 = otelc_now_ns();
    otelc_record_i64(c, 1, &a, 1);
    otelc_record_i64(c, 2, &b, 1);
    assert_int_equal(mt_collect(r, &snap), OTELC_OK);
    struct mt_point *pa = mt_point(&snap, "c", "k=a");
    assert_int_equal(mt_metric(&snap, "c")->temporality, OTELC_TEMPORALITY_DELTA);
    assert_int_equal(pa->i, 1);
    assert_true(pa->start <= t0);
    uint64_t t1 = pa->time;
    otelc_record_i64(c, 5, &a, 1);
    assert_int_equal(mt_collect(r, &snap), OTELC_OK);
    assert_int_equal(mt_metric(&snap, "c")->np, 1);
    assert_int_equal(mt_point(&snap, "c", "k=a")->i, 5);
    assert_int_equal(mt_point(&snap, "c", "k=a")->start, t1);
    uint64_t t2 = mt_point(&snap, "c", "k=a")->time;
    assert_int_equal(mt_collect(r, &snap), OTELC_OK);
    assert_int_equal(snap.n, 0); /* nothing measured: nothing reported */
    otelc_record_i64(c, 7, &b, 1);
    assert_int_equal(mt_collect(r, &snap), OTELC_OK);
    assert_int_equal(mt_point(&snap, "c", "k=b")->i, 7);
    assert_true(mt_point(&snap, "c", "k=b")->start > t2); /* the empty collection counts */
    mt_snap_free(&snap);
    otelc_meter_provider_free(mp);
}

static void test_metrics_temporality_cumulative_sum(void **state)
{
    /* Spec: cumulative points keep their start time and add up. */
    (void)state;
    otelc_metric_reader *r;
    otelc_meter_provider *mp = mt_provider(&r, OTELC_TEMPORALITY_PREFER_CUMULATIVE, NULL, 0);
    otelc_instrument *c = mt_instrument(mp, OTELC_INSTRUMENT_COUNTER, "c", 0);
    uint64_t t0 = otelc_now_ns();
    otelc_record_f64(c, 1.5, NULL, 0);
    uint64_t t1 = otelc_now_ns();
    assert_int_equal(mt_collect(r, &snap), OTELC_OK);
    uint64_t start = mt_point(&snap, "c", "")->start;
    assert_true(start >= t0 && start <= t1);
    for (int i = 0; i < 3; i++) {
        otelc_record_f64(c, 1, NULL, 0);
        assert_int_equal(mt_collect(r, &snap), OTELC_OK);
        assert_true(mt_point(&snap, "c", "")->d == 2.5 + i);
        assert_int_equal(mt_point(&snap, "c", "")->start, start);
    }
    assert_int_equal(mt_collect(r, &snap), OTELC_OK);
    assert_true(mt_point(&snap, "c", "")->d == 4.5); /* reported without new measurements */
    mt_snap_free(&snap);
    otelc_meter_provider_free(mp);
}

static void test_metrics_temporality_histogram(void **state)
{
    /* Delta histograms start empty after each collection; cumulative ones accumulate. */
    (void)state;
    otelc_metric_reader *rd, *rc;
    otelc_meter_provider *mp = two_readers(&rd, &rc);
    otelc_instrument *h = mt_instrument(mp, OTELC_INSTRUMENT_HISTOGRAM, "h", 0);
    otelc_record_f64(h, 1, NULL, 0);
    otelc_record_f64(h, 20, NULL, 0);
    assert_int_equal(mt_collect(rd, &snap), OTELC_OK);
    assert_int_equal(mt_point(&snap, "h", "")->count, 2);
    otelc_record_f64(h, 30, NULL, 0);
    assert_int_equal(mt_collect(rd, &snap), OTELC_OK);
    struct mt_point *p = mt_point(&snap, "h", "");
    assert_int_equal(p->count, 1);
    assert_true(p->min == 30 && p->max == 30 && p->sum == 30);
    assert_int_equal(p->buckets[1], 0);
    assert_int_equal(p->buckets[4], 1);
    assert_int_equal(mt_collect(rc, &snap), OTELC_OK);
    p = mt_point(&snap, "h", "");
    assert_int_equal(mt_metric(&snap, "h")->temporality, OTELC_TEMPORALITY_CUMULATIVE);
    assert_int_equal(p->count, 3);
    assert_true(p->min == 1 && p->max == 30 && p->sum == 51);
    mt_snap_free(&snap);
    otelc_meter_provider_free(mp);
}

static void test_metrics_temporality_preferences(void **state)
{
    /* Spec: delta makes counters, observable counters and histograms delta; lowmemory leaves
     * observable counters cumulative; up-down counters stay cumulative in both. */
    (void)state;
    otelc_temporality_preference prefs[] = {OTELC_TEMPORALITY_PREFER_DELTA,
                                            OTELC_TEMPORALITY_PREFER_LOWMEMORY};
    for (int k = 0; k < 2; k++) {
        otelc_metric_reader *r;
        otelc_meter_provider *mp = mt_provider(&r, prefs[k], NULL, 0);
        otelc_instrument *c = mt_instrument(mp, OTELC_INSTRUMENT_COUNTER, "c", 1);
        otelc_instrument *u = mt_instrument(mp, OTELC_INSTRUMENT_UP_DOWN_COUNTER, "u", 1);
        otelc_instrument *h = mt_instrument(mp, OTELC_INSTRUMENT_HISTOGRAM, "h", 1);
        otelc_record_i64(c, 1, NULL, 0);
        otelc_record_i64(u, 1, NULL, 0);
        otelc_record_i64(h, 1, NULL, 0);
        assert_int_equal(mt_collect(r, &snap), OTELC_OK);
        assert_int_equal(mt_metric(&snap, "c")->temporality, OTELC_TEMPORALITY_DELTA);
        assert_int_equal(mt_metric(&snap, "h")->temporality, OTELC_TEMPORALITY_DELTA);
        assert_int_equal(mt_metric(&snap, "u")->temporality, OTELC_TEMPORALITY_CUMULATIVE);
        mt_snap_free(&snap);
        otelc_meter_provider_free(mp);
    }
}

static int64_t g_total;

static void total_cb(otelc_observer *obs, void *ud)
{
    (void)ud;
    otelc_observe_i64(obs, NULL, g_total, NULL, 0);
}

static void test_metrics_temporality_observable_counter(void **state)
{
    /* Spec: observations of an observable counter are totals; a delta point is the change
     * since the previous collection, a cumulative point the total. */
    (void)state;
    otelc_metric_reader *rd, *rc;
    otelc_meter_provider *mp = two_readers(&rd, &rc);
    otelc_instrument *oc = mt_instrument(mp, OTELC_INSTRUMENT_OBSERVABLE_COUNTER, "oc", 1);
    assert_int_equal(otelc_instrument_add_callback(oc, total_cb, NULL, NULL), OTELC_OK);
    const int64_t totals[] = {10, 15, 15, 40};
    const int64_t deltas[] = {10, 5, 0, 25};
    for (int i = 0; i < 4; i++) {
        g_total = totals[i];
        assert_int_equal(mt_collect(rd, &snap), OTELC_OK);
        assert_int_equal(mt_metric(&snap, "oc")->temporality, OTELC_TEMPORALITY_DELTA);
        assert_int_equal(mt_point(&snap, "oc", "")->i, deltas[i]);
        assert_int_equal(mt_collect(rc, &snap), OTELC_OK);
        assert_int_equal(mt_point(&snap, "oc", "")->i, totals[i]);
    }
    mt_snap_free(&snap);
    otelc_meter_provider_free(mp);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_metrics_temporality_delta_sum),
        cmocka_unit_test(test_metrics_temporality_cumulative_sum),
        cmocka_unit_test(test_metrics_temporality_histogram),
        cmocka_unit_test(test_metrics_temporality_preferences),
        cmocka_unit_test(test_metrics_temporality_observable_counter),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
