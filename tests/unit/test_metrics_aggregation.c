/* SPDX-License-Identifier: Apache-2.0 */
/* Tests of the aggregations: Sum (monotonic or not), LastValue, the explicit-bucket histogram
 * (default and advisory boundaries, (lower, upper], min and max), Drop, and attribute sets. */
#include "testutil.h"

#include "metrics_testutil.h"

static otelc_meter_provider *mp;
static otelc_metric_reader *rd;
static struct mt_snap snap;

static int setup(void **state)
{
    (void)state;
    mp = mt_provider(&rd, OTELC_TEMPORALITY_PREFER_CUMULATIVE, NULL, 0);
    return mp ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    mt_snap_free(&snap);
    otelc_meter_provider_free(mp);
    return 0;
}

static void test_metrics_aggregation_sum(void **state)
{
    /* Spec: Sum is monotonic for Counter, not for UpDownCounter. */
    (void)state;
    otelc_instrument *c = mt_instrument(mp, OTELC_INSTRUMENT_COUNTER, "c", 1);
    otelc_instrument *cd = mt_instrument(mp, OTELC_INSTRUMENT_COUNTER, "cd", 0);
    otelc_instrument *u = mt_instrument(mp, OTELC_INSTRUMENT_UP_DOWN_COUNTER, "u", 1);
    for (int i = 1; i <= 100; i++) {
        otelc_record_i64(c, i, NULL, 0);
        otelc_record_f64(cd, 0.25, NULL, 0);
        otelc_record_i64(u, i % 2 ? -i : i, NULL, 0);
    }
    assert_int_equal(mt_collect(rd, &snap), OTELC_OK);
    struct mt_metric *m = mt_metric(&snap, "c");
    assert_int_equal(m->type, OTELC_METRIC_SUM);
    assert_true(m->monotonic);
    assert_true(m->is_int);
    assert_int_equal(m->temporality, OTELC_TEMPORALITY_CUMULATIVE);
    assert_int_equal(m->p[0].i, 5050);
    assert_true(mt_point(&snap, "cd", "")->d == 25.0);
    assert_false(mt_metric(&snap, "u")->monotonic);
    assert_int_equal(mt_point(&snap, "u", "")->i, 50);
}

static void test_metrics_aggregation_last_value(void **state)
{
    /* Spec: LastValue keeps the last measurement; gauges carry no temporality. */
    (void)state;
    otelc_instrument *g = mt_instrument(mp, OTELC_INSTRUMENT_GAUGE, "g", 0);
    otelc_instrument *gi = mt_instrument(mp, OTELC_INSTRUMENT_GAUGE, "gi", 1);
    otelc_record_f64(g, 1.5, NULL, 0);
    otelc_record_f64(g, -7.25, NULL, 0);
    otelc_record_i64(gi, 3, NULL, 0);
    otelc_record_i64(gi, -4, NULL, 0);
    assert_int_equal(mt_collect(rd, &snap), OTELC_OK);
    assert_int_equal(mt_metric(&snap, "g")->type, OTELC_METRIC_GAUGE);
    assert_int_equal(mt_metric(&snap, "g")->temporality, OTELC_TEMPORALITY_UNSPECIFIED);
    assert_true(mt_point(&snap, "g", "")->d == -7.25);
    assert_int_equal(mt_point(&snap, "gi", "")->start, 0);
    assert_int_equal(mt_point(&snap, "gi", "")->i, -4);
}

static void test_metrics_aggregation_histogram_default_bounds(void **state)
{
    /* Spec: default boundaries 0,5,10,25,50,75,100,250,500,750,1000,2500,5000,7500,10000;
     * bucket i is (bounds[i-1], bounds[i]]; min and max recorded. */
    (void)state;
    otelc_instrument *h = mt_instrument(mp, OTELC_INSTRUMENT_HISTOGRAM, "h", 0);
    const double v[] = {0, 5, 5.0001, 7, 10, 10000, 10001, 24.9, 25};
    for (size_t i = 0; i < sizeof v / sizeof v[0]; i++)
        otelc_record_f64(h, v[i], NULL, 0);
    assert_int_equal(mt_collect(rd, &snap), OTELC_OK);
    struct mt_point *p = mt_point(&snap, "h", "");
    const double want_bounds[] = {0,   5,    10,   25,   50,   75,   100,  250,
                                  500, 750,  1000, 2500, 5000, 7500, 10000};
    assert_int_equal(p->nbounds, 15);
    for (size_t i = 0; i < 15; i++)
        assert_true(p->bounds[i] == want_bounds[i]);
    const uint64_t want[16] = {1, 1, 3, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 1};
    for (size_t i = 0; i < 16; i++)
        assert_int_equal(p->buckets[i], want[i]);
    assert_int_equal(p->count, 9);
    assert_true(p->sum == 0 + 5 + 5.0001 + 7 + 10 + 10000 + 10001 + 24.9 + 25);
    assert_true(p->min == 0);
    assert_true(p->max == 10001);
    assert_true(p->has_min_max);
    assert_true(p->has_sum);
}

static void test_metrics_aggregation_histogram_advisory_bounds(void **state)
{
    /* Spec: advisory boundaries are used when no view sets boundaries. */
    (void)state;
    otelc_meter *m = otelc_meter_provider_get_meter(mp, "test", NULL, NULL, NULL, 0);
    otelc_instrument_options o;
    otelc_instrument_options_init(&o);
    const double b[] = {0.1, 1};
    o.advisory_boundaries = b;
    o.advisory_boundary_count = 2;
    otelc_instrument *h = NULL;
    assert_int_equal(otelc_meter_create_instrument(m, OTELC_INSTRUMENT_HISTOGRAM, "lat", &o, &h),
                     OTELC_OK);
    otelc_record_f64(h, 0.05, NULL, 0);
    otelc_record_f64(h, 0.1, NULL, 0);
    otelc_record_f64(h, 0.5, NULL, 0);
    otelc_record_f64(h, 2, NULL, 0);
    const double bad[] = {1, 1};
    o.advisory_boundaries = bad;
    otelc_instrument *h2 = NULL;
    tu_log_capture(OTELC_LOG_WARN);
    assert_int_equal(otelc_meter_create_instrument(m, OTELC_INSTRUMENT_HISTOGRAM, "lat2", &o, &h2),
                     OTELC_OK);
    assert_true(tu_log_contains("advisory boundaries"));
    tu_log_release();
    otelc_record_f64(h2, 1, NULL, 0);
    assert_int_equal(mt_collect(rd, &snap), OTELC_OK);
    struct mt_point *p = mt_point(&snap, "lat", "");
    assert_int_equal(p->nbounds, 2);
    assert_int_equal(p->buckets[0], 2);
    assert_int_equal(p->buckets[1], 1);
    assert_int_equal(p->buckets[2], 1);
    assert_int_equal(mt_point(&snap, "lat2", "")->nbounds, 15);
}

static void test_metrics_aggregation_histogram_int(void **state)
{
    /* An int64 histogram keeps a double sum and integer exemplar values. */
    (void)state;
    otelc_instrument *h = mt_instrument(mp, OTELC_INSTRUMENT_HISTOGRAM, "hi", 1);
    otelc_record_i64(h, 3, NULL, 0);
    otelc_record_i64(h, 30, NULL, 0);
    assert_int_equal(mt_collect(rd, &snap), OTELC_OK);
    struct mt_point *p = mt_point(&snap, "hi", "");
    assert_int_equal(p->count, 2);
    assert_true(p->sum == 33);
    assert_int_equal(p->buckets[1], 1);
    assert_int_equal(p->buckets[4], 1);
}

static void test_metrics_aggregation_attribute_sets(void **state)
{
    /* Spec: attribute sets are unordered; a repeated key keeps the last value. */
    (void)state;
    otelc_instrument *c = mt_instrument(mp, OTELC_INSTRUMENT_COUNTER, "sets", 1);
    otelc_attr ab[] = {otelc_attr_str("a", "1"), otelc_attr_int("b", 2)};
    otelc_attr ba[] = {otelc_attr_int("b", 2), otelc_attr_str("a", "1")};
    otelc_attr rep[] = {otelc_attr_str("a", "0"), otelc_attr_int("b", 2), otelc_attr_str("a", "1")};
    otelc_attr other[] = {otelc_attr_str("a", "1"), otelc_attr_double("b", 2.5)};
    otelc_attr nokey[] = {otelc_attr_str(NULL, "x"), otelc_attr_str("", "y")};
    otelc_record_i64(c, 1, ab, 2);
    otelc_record_i64(c, 10, ba, 2);
    otelc_record_i64(c, 100, rep, 3);
    otelc_record_i64(c, 1000, other, 2);
    otelc_record_i64(c, 10000, nokey, 2);
    otelc_record_i64(c, 100000, NULL, 0);
    assert_int_equal(mt_collect(rd, &snap), OTELC_OK);
    assert_int_equal(mt_metric(&snap, "sets")->np, 3);
    assert_int_equal(mt_point(&snap, "sets", "a=1,b=2")->i, 111);
    assert_int_equal(mt_point(&snap, "sets", "a=1,b=2.5")->i, 1000);
    assert_int_equal(mt_point(&snap, "sets", "")->i, 110000);
}

static void test_metrics_aggregation_view_aggregations(void **state)
{
    /* Views may choose Drop, Sum on a histogram, LastValue on a counter, and histogram
     * boundaries (empty: one bucket) without min and max. */
    (void)state;
    otelc_view v[4];
    for (int i = 0; i < 4; i++)
        otelc_view_init(&v[i]);
    v[0].instrument_name = "dropped";
    v[0].aggregation = OTELC_AGGREGATION_DROP;
    v[1].instrument_name = "hsum";
    v[1].aggregation = OTELC_AGGREGATION_SUM;
    v[2].instrument_name = "clast";
    v[2].aggregation = OTELC_AGGREGATION_LAST_VALUE;
    v[3].instrument_name = "hone";
    v[3].has_boundaries = 1;
    v[3].no_min_max = 1;
    otelc_metric_reader *r;
    otelc_meter_provider *p = mt_provider(&r, OTELC_TEMPORALITY_PREFER_CUMULATIVE, v, 4);
    otelc_instrument *d = mt_instrument(p, OTELC_INSTRUMENT_COUNTER, "dropped", 1);
    otelc_instrument *hs = mt_instrument(p, OTELC_INSTRUMENT_HISTOGRAM, "hsum", 1);
    otelc_instrument *cl = mt_instrument(p, OTELC_INSTRUMENT_COUNTER, "clast", 1);
    otelc_instrument *h1 = mt_instrument(p, OTELC_INSTRUMENT_HISTOGRAM, "hone", 0);
    otelc_record_i64(d, 5, NULL, 0);
    otelc_record_i64(hs, 5, NULL, 0);
    otelc_record_i64(hs, 6, NULL, 0);
    otelc_record_i64(cl, 5, NULL, 0);
    otelc_record_i64(cl, 6, NULL, 0);
    otelc_record_f64(h1, -1e9, NULL, 0);
    otelc_record_f64(h1, 1e9, NULL, 0);
    assert_int_equal(mt_collect(r, &snap), OTELC_OK);
    assert_null(mt_metric(&snap, "dropped"));
    assert_int_equal(mt_metric(&snap, "hsum")->type, OTELC_METRIC_SUM);
    assert_true(mt_metric(&snap, "hsum")->monotonic);
    assert_int_equal(mt_point(&snap, "hsum", "")->i, 11);
    assert_int_equal(mt_metric(&snap, "clast")->type, OTELC_METRIC_GAUGE);
    assert_int_equal(mt_point(&snap, "clast", "")->i, 6);
    struct mt_point *q = mt_point(&snap, "hone", "");
    assert_int_equal(q->nbounds, 0);
    assert_int_equal(q->buckets[0], 1); /* the negative value was refused */
    assert_false(q->has_min_max);
    mt_snap_free(&snap);
    otelc_meter_provider_free(p);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_metrics_aggregation_sum, setup, teardown),
        cmocka_unit_test_setup_teardown(test_metrics_aggregation_last_value, setup, teardown),
        cmocka_unit_test_setup_teardown(test_metrics_aggregation_histogram_default_bounds, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_metrics_aggregation_histogram_advisory_bounds,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(test_metrics_aggregation_histogram_int, setup, teardown),
        cmocka_unit_test_setup_teardown(test_metrics_aggregation_attribute_sets, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_metrics_aggregation_view_aggregations, setup,
                                        teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
