/* SPDX-License-Identifier: Apache-2.0 */
/* Tests of the meter provider, meters and instrument registration: the specification's name
 * and unit rules, duplicate registration, invalid measurements, shutdown, and allocation
 * failures on every creation path. */
#include "testutil.h"

#include "metrics_testutil.h"

static void test_metrics_instruments_name_syntax(void **state)
{
    /* Spec: instrument names match [A-Za-z][A-Za-z0-9_./-]{0,254}. */
    (void)state;
    otelc_metric_reader *r;
    otelc_meter_provider *mp = mt_provider(&r, OTELC_TEMPORALITY_PREFER_CUMULATIVE, NULL, 0);
    otelc_meter *m = otelc_meter_provider_get_meter(mp, "test", NULL, NULL, NULL, 0);
    otelc_instrument *i = NULL;
    const char *good[] = {"a", "http.server.request.duration", "A_b-c/d.e9"};
    for (size_t k = 0; k < 3; k++)
        assert_int_equal(otelc_meter_create_instrument(m, OTELC_INSTRUMENT_COUNTER, good[k],
                                                       NULL, &i),
                         OTELC_OK);
    char longest[256], too_long[257];
    memset(longest, 'x', 255);
    longest[255] = '\0';
    memset(too_long, 'x', 256);
    too_long[256] = '\0';
    assert_int_equal(otelc_meter_create_instrument(m, OTELC_INSTRUMENT_COUNTER, longest, NULL, &i),
                     OTELC_OK);
    tu_log_capture(OTELC_LOG_WARN);
    const char *bad[] = {"", "1abc", "_a", "a b", "a*", "é", too_long};
    for (size_t k = 0; k < 7; k++)
        assert_int_equal(otelc_meter_create_instrument(m, OTELC_INSTRUMENT_COUNTER, bad[k], NULL,
                                                       &i),
                         OTELC_EINVAL);
    assert_int_equal(otelc_meter_create_instrument(m, OTELC_INSTRUMENT_COUNTER, NULL, NULL, &i),
                     OTELC_EINVAL);
    assert_int_equal(tu_log_count(), 8);
    assert_true(tu_log_contains("\"1abc\" is invalid"));
    tu_log_release();
    otelc_meter_provider_free(mp);
}

static void test_metrics_instruments_unit_syntax(void **state)
{
    /* Spec: the unit is an ASCII string of at most 63 characters. */
    (void)state;
    otelc_metric_reader *r;
    otelc_meter_provider *mp = mt_provider(&r, OTELC_TEMPORALITY_PREFER_CUMULATIVE, NULL, 0);
    otelc_meter *m = otelc_meter_provider_get_meter(mp, "test", NULL, NULL, NULL, 0);
    otelc_instrument_options o;
    otelc_instrument_options_init(&o);
    otelc_instrument *i = NULL;
    char u63[64];
    memset(u63, 'u', 63);
    u63[63] = '\0';
    o.unit = u63;
    assert_int_equal(otelc_meter_create_instrument(m, OTELC_INSTRUMENT_COUNTER, "a", &o, &i),
                     OTELC_OK);
    char u64[65];
    memset(u64, 'u', 64);
    u64[64] = '\0';
    o.unit = u64;
    tu_log_capture(OTELC_LOG_WARN);
    assert_int_equal(otelc_meter_create_instrument(m, OTELC_INSTRUMENT_COUNTER, "b", &o, &i),
                     OTELC_EINVAL);
    o.unit = "\xc2\xb5s";
    assert_int_equal(otelc_meter_create_instrument(m, OTELC_INSTRUMENT_COUNTER, "c", &o, &i),
                     OTELC_EINVAL);
    assert_int_equal(tu_log_count(), 2);
    tu_log_release();
    otelc_meter_provider_free(mp);
}

static void test_metrics_instruments_duplicate_identical(void **state)
{
    /* Spec: an identical registration returns the same instrument, without a warning, even
     * when the name differs in case. */
    (void)state;
    otelc_metric_reader *r;
    otelc_meter_provider *mp = mt_provider(&r, OTELC_TEMPORALITY_PREFER_CUMULATIVE, NULL, 0);
    tu_log_capture(OTELC_LOG_WARN);
    otelc_instrument *a = mt_instrument(mp, OTELC_INSTRUMENT_COUNTER, "requests", 1);
    otelc_instrument *b = mt_instrument(mp, OTELC_INSTRUMENT_COUNTER, "Requests", 1);
    assert_non_null(a);
    assert_ptr_equal(a, b);
    assert_int_equal(tu_log_count(), 0);
    otelc_record_i64(a, 2, NULL, 0);
    otelc_record_i64(b, 3, NULL, 0);
    struct mt_snap s = {0};
    assert_int_equal(mt_collect(r, &s), OTELC_OK);
    assert_int_equal(s.n, 1);
    assert_int_equal(mt_point(&s, "requests", "")->i, 5);
    mt_snap_free(&s);
    tu_log_release();
    otelc_meter_provider_free(mp);
}

static void test_metrics_instruments_duplicate_conflict(void **state)
{
    /* Spec: a conflicting registration still returns a working instrument and warns once;
     * both streams are exported. */
    (void)state;
    otelc_metric_reader *r;
    otelc_meter_provider *mp = mt_provider(&r, OTELC_TEMPORALITY_PREFER_CUMULATIVE, NULL, 0);
    tu_log_capture(OTELC_LOG_WARN);
    otelc_instrument *a = mt_instrument(mp, OTELC_INSTRUMENT_COUNTER, "jobs", 1);
    otelc_instrument *b = mt_instrument(mp, OTELC_INSTRUMENT_UP_DOWN_COUNTER, "jobs", 1);
    assert_non_null(b);
    assert_ptr_not_equal(a, b);
    assert_int_equal(tu_log_count(), 1);
    assert_true(tu_log_contains("registered again"));
    otelc_record_i64(a, 2, NULL, 0);
    otelc_record_i64(b, -3, NULL, 0);
    struct mt_snap s = {0};
    assert_int_equal(mt_collect(r, &s), OTELC_OK);
    assert_int_equal(s.n, 2);
    assert_int_equal(mt_metric_nth(&s, "jobs", 0)->p[0].i, 2);
    assert_true(mt_metric_nth(&s, "jobs", 0)->monotonic);
    assert_int_equal(mt_metric_nth(&s, "jobs", 1)->p[0].i, -3);
    assert_false(mt_metric_nth(&s, "jobs", 1)->monotonic);
    mt_snap_free(&s);
    tu_log_release();
    otelc_meter_provider_free(mp);
}

static void test_metrics_instruments_meter_identity(void **state)
{
    /* Spec: meters are identified by name, version, schema URL and attributes. */
    (void)state;
    otelc_metric_reader *r;
    otelc_meter_provider *mp = mt_provider(&r, OTELC_TEMPORALITY_PREFER_CUMULATIVE, NULL, 0);
    otelc_attr a1[] = {otelc_attr_str("x", "1"), otelc_attr_int("y", 2)};
    otelc_attr a2[] = {otelc_attr_int("y", 2), otelc_attr_str("x", "1")};
    otelc_meter *m1 = otelc_meter_provider_get_meter(mp, "lib", "1.0", "https://s", a1, 2);
    otelc_meter *m2 = otelc_meter_provider_get_meter(mp, "lib", "1.0", "https://s", a2, 2);
    otelc_meter *m3 = otelc_meter_provider_get_meter(mp, "lib", "1.1", "https://s", a1, 2);
    otelc_meter *m4 = otelc_meter_provider_get_meter(mp, "lib", "1.0", NULL, a1, 2);
    otelc_meter *m5 = otelc_meter_provider_get_meter(mp, "lib", "1.0", "https://s", a1, 1);
    assert_non_null(m1);
    assert_ptr_equal(m1, m2);
    assert_ptr_not_equal(m1, m3);
    assert_ptr_not_equal(m1, m4);
    assert_ptr_not_equal(m1, m5);
    tu_log_capture(OTELC_LOG_WARN);
    otelc_meter *anon = otelc_meter_provider_get_meter(mp, NULL, NULL, NULL, NULL, 0);
    assert_non_null(anon);
    assert_true(tu_log_contains("without a name"));
    tu_log_release();
    assert_null(otelc_meter_provider_get_meter(NULL, "x", NULL, NULL, NULL, 0));
    otelc_instrument *i = NULL;
    assert_int_equal(otelc_meter_create_instrument(m1, OTELC_INSTRUMENT_COUNTER, "c", NULL, &i),
                     OTELC_OK);
    otelc_record_i64(i, 1, NULL, 0);
    struct mt_snap s = {0};
    assert_int_equal(mt_collect(r, &s), OTELC_OK);
    assert_int_equal(s.nscopes, 1); /* meters without points are left out */
    assert_string_equal(s.m[0].scope, "lib");
    mt_snap_free(&s);
    otelc_meter_provider_free(mp);
}

static void test_metrics_instruments_invalid_measurements(void **state)
{
    /* Negative counter and histogram values, NaN, infinities and records into observable
     * instruments are ignored and counted. */
    (void)state;
    otelc_metric_reader *r;
    otelc_meter_provider *mp = mt_provider(&r, OTELC_TEMPORALITY_PREFER_CUMULATIVE, NULL, 0);
    otelc_instrument *c = mt_instrument(mp, OTELC_INSTRUMENT_COUNTER, "c", 0);
    otelc_instrument *h = mt_instrument(mp, OTELC_INSTRUMENT_HISTOGRAM, "h", 0);
    otelc_instrument *g = mt_instrument(mp, OTELC_INSTRUMENT_OBSERVABLE_GAUGE, "g", 0);
    otelc_instrument *ci = mt_instrument(mp, OTELC_INSTRUMENT_COUNTER, "ci", 1);
    otelc_record_f64(c, -1, NULL, 0);
    otelc_record_i64(h, -1, NULL, 0);
    otelc_record_f64(c, __builtin_nan(""), NULL, 0);
    otelc_record_f64(c, __builtin_inf(), NULL, 0);
    otelc_record_f64(g, 1, NULL, 0);
    otelc_record_f64(ci, 1e300, NULL, 0);
    otelc_record_f64(c, 1.5, NULL, 0);
    otelc_record_f64(ci, 2.9, NULL, 0); /* truncated to 2 */
    otelc_record_i64(NULL, 1, NULL, 0);
    otelc_meter_provider_stats st;
    otelc_meter_provider_get_stats(mp, &st);
    assert_int_equal(st.invalid, 6);
    assert_int_equal(st.series, 2);
    struct mt_snap s = {0};
    mt_collect(r, &s);
    assert_true(mt_point(&s, "c", "")->d == 1.5);
    assert_int_equal(mt_point(&s, "ci", "")->i, 2);
    assert_null(mt_metric(&s, "h"));
    mt_snap_free(&s);
    otelc_meter_provider_free(mp);
}

static void test_metrics_instruments_shutdown(void **state)
{
    /* Spec: after shutdown, measurements are ignored and collections fail. */
    (void)state;
    otelc_metric_reader *r;
    otelc_meter_provider *mp = mt_provider(&r, OTELC_TEMPORALITY_PREFER_CUMULATIVE, NULL, 0);
    otelc_instrument *c = mt_instrument(mp, OTELC_INSTRUMENT_COUNTER, "c", 1);
    otelc_record_i64(c, 1, NULL, 0);
    assert_int_equal(otelc_meter_provider_shutdown(mp, 1000), OTELC_OK);
    assert_int_equal(otelc_meter_provider_shutdown(mp, 1000), OTELC_ESHUTDOWN);
    otelc_record_i64(c, 1, NULL, 0);
    struct mt_snap s = {0};
    assert_int_equal(mt_collect(r, &s), OTELC_ESHUTDOWN);
    otelc_meter *m = otelc_meter_provider_get_meter(mp, "test", NULL, NULL, NULL, 0);
    otelc_instrument *i = NULL;
    assert_int_equal(otelc_meter_create_instrument(m, OTELC_INSTRUMENT_COUNTER, "d", NULL, &i),
                     OTELC_ESHUTDOWN);
    assert_int_equal(otelc_meter_provider_force_flush(mp, 100), OTELC_ESHUTDOWN);
    otelc_meter_provider_free(mp);
}

static void test_metrics_instruments_reader_ownership(void **state)
{
    /* A reader belongs to one provider; a reader without one cannot collect. */
    (void)state;
    otelc_metric_reader *r = NULL;
    assert_int_equal(otelc_manual_reader_new(&r, NULL), OTELC_OK);
    struct mt_snap s = {0};
    assert_int_equal(otelc_metric_reader_collect(r, mt_copy_fn, &s), OTELC_ESTATE);
    otelc_meter_provider_options o;
    otelc_meter_provider_options_init(&o);
    otelc_metric_reader *two[] = {r, r};
    o.readers = two;
    o.reader_count = 2;
    otelc_meter_provider *mp = NULL;
    assert_int_equal(otelc_meter_provider_new(&mp, &o), OTELC_EINVAL);
    o.reader_count = 1;
    assert_int_equal(otelc_meter_provider_new(&mp, &o), OTELC_OK);
    otelc_meter_provider *mp2 = NULL;
    assert_int_equal(otelc_meter_provider_new(&mp2, &o), OTELC_EINVAL);
    tu_log_capture(OTELC_LOG_WARN);
    otelc_metric_reader_free(r); /* owned by mp: refused */
    assert_int_equal(tu_log_count(), 1);
    tu_log_release();
    otelc_meter_provider_free(mp);
}

static void test_metrics_instruments_globals(void **state)
{
    (void)state;
    otelc_metric_reader *r;
    otelc_meter_provider *mp = mt_provider(&r, OTELC_TEMPORALITY_PREFER_CUMULATIVE, NULL, 0);
    assert_null(otelc_global_meter_provider());
    otelc_set_global_meter_provider(mp);
    assert_ptr_equal(otelc_global_meter_provider(), mp);
    otelc_meter_provider_free(mp); /* unsets it */
    assert_null(otelc_global_meter_provider());
}

static void test_metrics_instruments_exemplar_filter_env(void **state)
{
    /* OTEL_METRICS_EXEMPLAR_FILTER: trace_based (default), always_on, always_off. */
    (void)state;
    otelc_meter_provider_options o;
    otelc_meter_provider_options_init(&o);
    assert_int_equal(o.exemplar_filter, OTELC_EXEMPLAR_FILTER_TRACE_BASED);
    setenv("OTEL_METRICS_EXEMPLAR_FILTER", "Always_On", 1);
    otelc_meter_provider_options_from_env(&o);
    assert_int_equal(o.exemplar_filter, OTELC_EXEMPLAR_FILTER_ALWAYS_ON);
    setenv("OTEL_METRICS_EXEMPLAR_FILTER", "always_off", 1);
    otelc_meter_provider_options_from_env(&o);
    assert_int_equal(o.exemplar_filter, OTELC_EXEMPLAR_FILTER_ALWAYS_OFF);
    tu_log_capture(OTELC_LOG_WARN);
    setenv("OTEL_METRICS_EXEMPLAR_FILTER", "sometimes", 1);
    otelc_meter_provider_options_from_env(&o);
    assert_int_equal(o.exemplar_filter, OTELC_EXEMPLAR_FILTER_TRACE_BASED);
    assert_true(tu_log_contains("OTEL_METRICS_EXEMPLAR_FILTER"));
    tu_log_release();
    unsetenv("OTEL_METRICS_EXEMPLAR_FILTER");
}

static void gauge_cb(otelc_observer *obs, void *ud)
{
    (void)ud;
    otelc_observe_i64(obs, NULL, 7, NULL, 0);
}

/* Builds a provider with a view, a meter, three instruments, a bound handle and series. */
static int build_everything(void)
{
    otelc_metric_reader *r = NULL;
    int rc = otelc_manual_reader_new(&r, NULL);
    if (rc != OTELC_OK)
        return rc;
    otelc_view v;
    otelc_view_init(&v);
    v.instrument_name = "h*";
    const char *keys[] = {"a"};
    v.attribute_keys = keys;
    v.attribute_key_count = 1;
    v.has_attribute_keys = 1;
    otelc_meter_provider_options o;
    otelc_meter_provider_options_init(&o);
    o.readers = &r;
    o.reader_count = 1;
    o.views = &v;
    o.view_count = 1;
    otelc_meter_provider *mp = NULL;
    rc = otelc_meter_provider_new(&mp, &o);
    if (rc != OTELC_OK) {
        otelc_metric_reader_free(r);
        return rc;
    }
    otelc_attr sa[] = {otelc_attr_str("k", "v")};
    otelc_meter *m = otelc_meter_provider_get_meter(mp, "lib", "1", NULL, sa, 1);
    otelc_instrument *c = NULL, *h = NULL, *g = NULL;
    otelc_bound_instrument *b = NULL;
    otelc_callback_registration *reg = NULL;
    rc = OTELC_ENOMEM;
    if (!m)
        goto out;
    otelc_instrument_options io;
    otelc_instrument_options_init(&io);
    io.unit = "ms";
    if ((rc = otelc_meter_create_instrument(m, OTELC_INSTRUMENT_COUNTER, "c", &io, &c)) != 0 ||
        (rc = otelc_meter_create_instrument(m, OTELC_INSTRUMENT_HISTOGRAM, "h", &io, &h)) != 0 ||
        (rc = otelc_meter_create_instrument(m, OTELC_INSTRUMENT_OBSERVABLE_GAUGE, "g", &io,
                                            &g)) != 0)
        goto out;
    otelc_attr aa[] = {otelc_attr_str("a", "x"), otelc_attr_str("b", "y")};
    if ((rc = otelc_instrument_bind(c, aa, 2, &b)) != OTELC_OK)
        goto out;
    if ((rc = otelc_instrument_add_callback(g, gauge_cb, NULL, &reg)) != OTELC_OK)
        goto out;
    otelc_bound_record_i64(b, 1);
    otelc_record_f64(h, 3, aa, 2);
    otelc_meter_provider_stats st;
    otelc_meter_provider_get_stats(mp, &st);
    rc = st.series == 2 && st.invalid == 0 ? OTELC_OK : OTELC_ENOMEM;
    struct mt_snap s = {0};
    if (rc == OTELC_OK)
        rc = mt_collect(r, &s);
    if (rc == OTELC_OK) {
        otelc_meter_provider_get_stats(mp, &st);
        rc = st.series == 3 && st.invalid == 0 ? OTELC_OK : OTELC_ENOMEM;
    }
    mt_snap_free(&s);
    otelc_callback_unregister(reg);
out:
    otelc_bound_instrument_free(b);
    otelc_meter_provider_free(mp);
    return rc;
}

static void test_metrics_instruments_alloc_failures(void **state)
{
    /* Every allocation on the creation paths may fail: no crash, no leak, an error code. */
    (void)state;
    tu_alloc_install(0);
    assert_int_equal(build_everything(), OTELC_OK);
    uint64_t total = tu_alloc_calls();
    assert_int_equal(tu_alloc_live(), 0);
    tu_alloc_uninstall();
    tu_log_capture(OTELC_LOG_NONE);
    for (uint64_t n = 1; n <= total; n++) {
        tu_alloc_install(n);
        int rc = build_everything();
        assert_true(rc == OTELC_OK || rc == OTELC_ENOMEM);
        if (tu_alloc_failed())
            assert_int_equal(rc, OTELC_ENOMEM);
        assert_int_equal(tu_alloc_live(), 0);
        tu_alloc_uninstall();
    }
    tu_log_release();
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_metrics_instruments_name_syntax),
        cmocka_unit_test(test_metrics_instruments_unit_syntax),
        cmocka_unit_test(test_metrics_instruments_duplicate_identical),
        cmocka_unit_test(test_metrics_instruments_duplicate_conflict),
        cmocka_unit_test(test_metrics_instruments_meter_identity),
        cmocka_unit_test(test_metrics_instruments_invalid_measurements),
        cmocka_unit_test(test_metrics_instruments_shutdown),
        cmocka_unit_test(test_metrics_instruments_reader_ownership),
        cmocka_unit_test(test_metrics_instruments_globals),
        cmocka_unit_test(test_metrics_instruments_exemplar_filter_env),
        cmocka_unit_test(test_metrics_instruments_alloc_failures),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
