/* SPDX-License-Identifier: Apache-2.0 */
/* Tests of views: selection (names with wildcards, kind, unit, meter), renaming, description,
 * attribute allow and exclude lists, several streams per instrument, invalid views and
 * conflicting stream names. */
#include "testutil.h"

#include "metrics_testutil.h"
#include "sdk/metrics/metrics_internal.h"

static struct mt_snap snap;

static otelc_meter_provider *provider(otelc_metric_reader **r, const otelc_view *v, size_t n)
{
    return mt_provider(r, OTELC_TEMPORALITY_PREFER_CUMULATIVE, v, n);
}

static void test_metrics_views_glob(void **state)
{
    /* Spec: `*` matches any run of characters, `?` one; names compare case-insensitively. */
    (void)state;
    assert_true(otelc__glob_match("*", "anything"));
    assert_true(otelc__glob_match("http.*", "HTTP.server.duration"));
    assert_false(otelc__glob_match("http.*", "rpc.http.x"));
    assert_true(otelc__glob_match("*.duration", "rpc.duration"));
    assert_true(otelc__glob_match("a?c", "abc"));
    assert_false(otelc__glob_match("a?c", "ac"));
    assert_true(otelc__glob_match("a*b*c", "axxbyyc"));
    assert_false(otelc__glob_match("a*b*c", "axxbyy"));
    assert_true(otelc__glob_match("exact", "EXACT"));
}

static void test_metrics_views_rename_and_describe(void **state)
{
    /* Spec: a view changes the stream's name and description. */
    (void)state;
    otelc_view v;
    otelc_view_init(&v);
    v.instrument_name = "Requests";
    v.name = "http.requests";
    v.description = "served";
    otelc_metric_reader *r;
    otelc_meter_provider *mp = provider(&r, &v, 1);
    otelc_instrument *c = mt_instrument(mp, OTELC_INSTRUMENT_COUNTER, "requests", 1);
    otelc_record_i64(c, 1, NULL, 0);
    assert_int_equal(mt_collect(r, &snap), OTELC_OK);
    assert_int_equal(snap.n, 1);
    assert_non_null(mt_metric(&snap, "http.requests"));
    assert_string_equal(mt_metric(&snap, "http.requests")->description, "served");
    mt_snap_free(&snap);
    otelc_meter_provider_free(mp);
}

static void test_metrics_views_invalid_ignored(void **state)
{
    /* Spec: an invalid view (a rename with a wildcard selection, bad boundaries, bad scale)
     * is warned about and ignored. */
    (void)state;
    otelc_view v[4];
    for (int i = 0; i < 4; i++)
        otelc_view_init(&v[i]);
    v[0].instrument_name = "req*";
    v[0].name = "renamed";
    const double b[] = {2, 1};
    v[1].has_boundaries = 1;
    v[1].boundaries = b;
    v[1].boundary_count = 2;
    v[2].exp_max_scale = 21;
    v[3].size = 0;
    tu_log_capture(OTELC_LOG_WARN);
    otelc_metric_reader *r;
    otelc_meter_provider *mp = provider(&r, v, 4);
    assert_int_equal(tu_log_count(), 4);
    assert_true(tu_log_contains("renames the stream"));
    assert_true(tu_log_contains("strictly increasing"));
    tu_log_release();
    otelc_instrument *c = mt_instrument(mp, OTELC_INSTRUMENT_COUNTER, "requests", 1);
    otelc_record_i64(c, 1, NULL, 0);
    assert_int_equal(mt_collect(r, &snap), OTELC_OK);
    assert_int_equal(snap.n, 1);
    assert_non_null(mt_metric(&snap, "requests"));
    mt_snap_free(&snap);
    otelc_meter_provider_free(mp);
}

static void test_metrics_views_attribute_keys(void **state)
{
    /* Spec: an allow list keeps only its keys (empty: none); an exclude list removes keys. */
    (void)state;
    otelc_view v[3];
    for (int i = 0; i < 3; i++)
        otelc_view_init(&v[i]);
    const char *keep[] = {"method", "route"};
    const char *drop[] = {"route"};
    v[0].instrument_name = "allow";
    v[0].attribute_keys = keep;
    v[0].attribute_key_count = 2;
    v[0].has_attribute_keys = 1;
    v[0].exclude_keys = drop;
    v[0].exclude_key_count = 1;
    v[1].instrument_name = "none";
    v[1].has_attribute_keys = 1;
    v[2].instrument_name = "exclude";
    v[2].exclude_keys = drop;
    v[2].exclude_key_count = 1;
    otelc_metric_reader *r;
    otelc_meter_provider *mp = provider(&r, v, 3);
    otelc_instrument *a = mt_instrument(mp, OTELC_INSTRUMENT_COUNTER, "allow", 1);
    otelc_instrument *n = mt_instrument(mp, OTELC_INSTRUMENT_COUNTER, "none", 1);
    otelc_instrument *e = mt_instrument(mp, OTELC_INSTRUMENT_COUNTER, "exclude", 1);
    otelc_attr at1[] = {otelc_attr_str("method", "GET"), otelc_attr_str("route", "/a"),
                        otelc_attr_int("user", 1)};
    otelc_attr at2[] = {otelc_attr_str("method", "GET"), otelc_attr_str("route", "/b"),
                        otelc_attr_int("user", 2)};
    otelc_instrument *all[] = {a, n, e};
    for (int i = 0; i < 3; i++) {
        otelc_record_i64(all[i], 1, at1, 3);
        otelc_record_i64(all[i], 2, at2, 3);
    }
    assert_int_equal(mt_collect(r, &snap), OTELC_OK);
    assert_int_equal(mt_metric(&snap, "allow")->np, 1);
    assert_int_equal(mt_point(&snap, "allow", "method=GET")->i, 3);
    assert_int_equal(mt_point(&snap, "none", "")->i, 3);
    assert_int_equal(mt_metric(&snap, "exclude")->np, 2);
    assert_int_equal(mt_point(&snap, "exclude", "method=GET,user=2")->i, 2);
    mt_snap_free(&snap);
    otelc_meter_provider_free(mp);
}

static void test_metrics_views_several_streams(void **state)
{
    /* Spec: every matching view makes a stream; a conflicting stream name is warned about. */
    (void)state;
    otelc_view v[2];
    otelc_view_init(&v[0]);
    otelc_view_init(&v[1]);
    v[0].instrument_name = "lat";
    v[0].name = "lat.fine";
    const double fine[] = {1, 2, 3};
    v[0].boundaries = fine;
    v[0].boundary_count = 3;
    v[0].has_boundaries = 1;
    v[1].instrument_name = "lat";
    v[1].name = "lat.sum";
    v[1].aggregation = OTELC_AGGREGATION_SUM;
    otelc_metric_reader *r;
    otelc_meter_provider *mp = provider(&r, v, 2);
    otelc_instrument *h = mt_instrument(mp, OTELC_INSTRUMENT_HISTOGRAM, "lat", 0);
    tu_log_capture(OTELC_LOG_WARN);
    otelc_instrument *other = mt_instrument(mp, OTELC_INSTRUMENT_COUNTER, "lat.sum", 0);
    assert_true(tu_log_contains("both produce a stream named lat.sum"));
    tu_log_release();
    otelc_record_f64(h, 2.5, NULL, 0);
    otelc_record_f64(other, 1, NULL, 0);
    assert_int_equal(mt_collect(r, &snap), OTELC_OK);
    assert_int_equal(snap.n, 3);
    struct mt_point *p = mt_point(&snap, "lat.fine", "");
    assert_int_equal(p->nbounds, 3);
    assert_int_equal(p->buckets[2], 1);
    assert_true(mt_metric_nth(&snap, "lat.sum", 0)->p[0].d == 2.5);
    assert_true(mt_metric_nth(&snap, "lat.sum", 1)->p[0].d == 1);
    mt_snap_free(&snap);
    otelc_meter_provider_free(mp);
}

static void test_metrics_views_selection_criteria(void **state)
{
    /* Spec: every criterion a view sets must match: kind, unit, meter name, version, schema. */
    (void)state;
    otelc_view v[3];
    for (int i = 0; i < 3; i++)
        otelc_view_init(&v[i]);
    v[0].instrument_kind = OTELC_INSTRUMENT_UP_DOWN_COUNTER;
    v[0].aggregation = OTELC_AGGREGATION_DROP;
    v[1].instrument_unit = "By";
    v[1].aggregation = OTELC_AGGREGATION_DROP;
    v[2].meter_name = "other";
    v[2].meter_version = "2";
    v[2].meter_schema_url = "https://x";
    v[2].aggregation = OTELC_AGGREGATION_DROP;
    otelc_metric_reader *r;
    otelc_meter_provider *mp = provider(&r, v, 3);
    otelc_instrument *ud = mt_instrument(mp, OTELC_INSTRUMENT_UP_DOWN_COUNTER, "ud", 1);
    otelc_instrument *kept = mt_instrument(mp, OTELC_INSTRUMENT_COUNTER, "kept", 1);
    otelc_meter *m = otelc_meter_provider_get_meter(mp, "test", NULL, NULL, NULL, 0);
    otelc_meter *m2 = otelc_meter_provider_get_meter(mp, "other", "2", "https://x", NULL, 0);
    otelc_meter *m3 = otelc_meter_provider_get_meter(mp, "other", "3", "https://x", NULL, 0);
    otelc_instrument_options o;
    otelc_instrument_options_init(&o);
    o.unit = "By";
    otelc_instrument *bytes = NULL, *in2 = NULL, *in3 = NULL;
    otelc_meter_create_instrument(m, OTELC_INSTRUMENT_COUNTER, "bytes", &o, &bytes);
    otelc_meter_create_instrument(m2, OTELC_INSTRUMENT_COUNTER, "in2", NULL, &in2);
    otelc_meter_create_instrument(m3, OTELC_INSTRUMENT_COUNTER, "in3", NULL, &in3);
    otelc_instrument *all[] = {ud, kept, bytes, in2, in3};
    for (int i = 0; i < 5; i++)
        otelc_record_i64(all[i], 1, NULL, 0);
    assert_int_equal(mt_collect(r, &snap), OTELC_OK);
    assert_int_equal(snap.n, 2);
    assert_non_null(mt_metric(&snap, "kept"));
    assert_non_null(mt_metric(&snap, "in3"));
    mt_snap_free(&snap);
    otelc_meter_provider_free(mp);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_metrics_views_glob),
        cmocka_unit_test(test_metrics_views_rename_and_describe),
        cmocka_unit_test(test_metrics_views_invalid_ignored),
        cmocka_unit_test(test_metrics_views_attribute_keys),
        cmocka_unit_test(test_metrics_views_several_streams),
        cmocka_unit_test(test_metrics_views_selection_criteria),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
