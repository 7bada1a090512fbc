/* SPDX-License-Identifier: Apache-2.0 */
/* Tests of the periodic exporting reader: interval, flush, shutdown with a last export,
 * deadlines, failures, the exporter's temporality, and the OTEL_METRIC_EXPORT_* variables. */
#include <pthread.h>
#include <stdatomic.h>
#include <time.h>

#include "testutil.h"

#include "metrics_testutil.h"

struct fake {
    _Atomic int exports;
    _Atomic int shutdowns;
    _Atomic int64_t last_value;
    int fail;
    int sleep_ms;
    otelc_temporality temporality;
};

static int fake_export(void *ud, const otelc_resource_metrics *rm, uint64_t deadline)
{
    struct fake *f = ud;
    (void)deadline;
    if (f->sleep_ms) {
        struct timespec ts = {f->sleep_ms / 1000, (long)(f->sleep_ms % 1000) * 1000000L};
        nanosleep(&ts, NULL);
    }
    if (rm->scope_count && rm->scopes[0].metric_count)
        atomic_store(&f->last_value, rm->scopes[0].metrics[0].points.number[0].value.i);
    atomic_fetch_add(&f->exports, 1);
    return f->fail ? OTELC_ETRANSPORT : OTELC_OK;
}

static otelc_temporality fake_temporality(void *ud, otelc_instrument_kind kind)
{
    (void)kind;
    return ((struct fake *)ud)->temporality;
}

static int fake_shutdown(void *ud, uint64_t deadline)
{
    (void)deadline;
    atomic_fetch_add(&((struct fake *)ud)->shutdowns, 1);
    return OTELC_OK;
}

static const otelc_metric_exporter_methods fake_methods = {
    .version = OTELC_METRIC_EXPORTER_METHODS_VERSION,
    .export_metrics = fake_export,
    .temporality = fake_temporality,
    .shutdown = fake_shutdown,
};

static otelc_meter_provider *periodic(struct fake *f, uint32_t interval_ms,
                                      otelc_metric_reader **out)
{
    otelc_metric_exporter *e = NULL;
    assert_int_equal(otelc_metric_exporter_new(&e, &fake_methods, f), OTELC_OK);
    otelc_periodic_reader_options o;
    otelc_periodic_reader_options_init(&o);
    o.interval_ms = interval_ms;
    o.timeout_ms = 1000;
    otelc_metric_reader *r = NULL;
    assert_int_equal(otelc_periodic_reader_new(&r, e, &o), OTELC_OK);
    otelc_meter_provider_options po;
    otelc_meter_provider_options_init(&po);
    po.readers = &r;
    po.reader_count = 1;
    otelc_meter_provider *mp = NULL;
    assert_int_equal(otelc_meter_provider_new(&mp, &po), OTELC_OK);
    *out = r;
    return mp;
}

static void test_metrics_readers_interval(void **state)
{
    /* Spec: the periodic reader collects and exports every interval on its own thread. */
    (void)state;
    struct fake f = {.temporality = OTELC_TEMPORALITY_CUMULATIVE};
    otelc_metric_reader *r;
    otelc_meter_provider *mp = periodic(&f, 20, &r);
    otelc_instrument *c = mt_instrument(mp, OTELC_INSTRUMENT_COUNTER, "c", 1);
    otelc_record_i64(c, 5, NULL, 0);
    for (int i = 0; i < 500 && atomic_load(&f.exports) < 3; i++) {
        struct timespec ts = {0, 10000000};
        nanosleep(&ts, NULL);
    }
    assert_true(atomic_load(&f.exports) >= 3);
    assert_int_equal(atomic_load(&f.last_value), 5);
    otelc_metric_reader_stats st;
    otelc_metric_reader_get_stats(r, &st);
    assert_true(st.exports_ok >= 3 && st.collections >= 3);
    otelc_meter_provider_free(mp);
    assert_int_equal(atomic_load(&f.shutdowns), 1);
}

static void test_metrics_readers_flush_and_shutdown(void **state)
{
    /* Spec: force_flush collects and exports now; shutdown exports once more and shuts the
     * exporter down, once. Empty collections are not exported. */
    (void)state;
    struct fake f = {.temporality = OTELC_TEMPORALITY_DELTA};
    otelc_metric_reader *r;
    otelc_meter_provider *mp = periodic(&f, 3600000, &r);
    otelc_instrument *c = mt_instrument(mp, OTELC_INSTRUMENT_COUNTER, "c", 1);
    assert_int_equal(otelc_meter_provider_force_flush(mp, 1000), OTELC_OK);
    assert_int_equal(atomic_load(&f.exports), 0);
    otelc_record_i64(c, 2, NULL, 0);
    assert_int_equal(otelc_meter_provider_force_flush(mp, 1000), OTELC_OK);
    assert_int_equal(atomic_load(&f.exports), 1);
    assert_int_equal(atomic_load(&f.last_value), 2);
    otelc_record_i64(c, 3, NULL, 0);
    assert_int_equal(otelc_meter_provider_shutdown(mp, 1000), OTELC_OK);
    assert_int_equal(atomic_load(&f.exports), 2);
    assert_int_equal(atomic_load(&f.last_value), 3); /* delta, from the exporter */
    assert_int_equal(atomic_load(&f.shutdowns), 1);
    assert_int_equal(otelc_metric_reader_shutdown(r, 100), OTELC_ESHUTDOWN);
    assert_int_equal(otelc_metric_reader_force_flush(r, 100), OTELC_ESHUTDOWN);
    otelc_meter_provider_free(mp);
    assert_int_equal(atomic_load(&f.shutdowns), 1);
}

static void test_metrics_readers_failures_and_deadline(void **state)
{
    /* Failed exports are counted; a flush waits no longer than its deadline. */
    (void)state;
    struct fake f = {.temporality = OTELC_TEMPORALITY_CUMULATIVE, .fail = 1};
    otelc_metric_reader *r;
    otelc_meter_provider *mp = periodic(&f, 3600000, &r);
    otelc_instrument *c = mt_instrument(mp, OTELC_INSTRUMENT_COUNTER, "c", 1);
    otelc_record_i64(c, 1, NULL, 0);
    tu_log_capture(OTELC_LOG_ERROR);
    assert_int_equal(otelc_meter_provider_force_flush(mp, 1000), OTELC_ETRANSPORT);
    otelc_metric_reader_stats st;
    otelc_metric_reader_get_stats(r, &st);
    assert_int_equal(st.exports_failed, 1);
    f.fail = 0;
    f.sleep_ms = 300;
    uint64_t t0 = otelc_monotonic_ns();
    assert_int_equal(otelc_meter_provider_force_flush(mp, 50), OTELC_ETIMEDOUT);
    assert_true(otelc_monotonic_ns() - t0 < 250000000ull);
    tu_log_release();
    otelc_meter_provider_free(mp);
}

static void test_metrics_readers_env(void **state)
{
    /* Spec: OTEL_METRIC_EXPORT_INTERVAL (60000) and OTEL_METRIC_EXPORT_TIMEOUT (30000). */
    (void)state;
    otelc_periodic_reader_options o;
    otelc_periodic_reader_options_init(&o);
    assert_int_equal(o.interval_ms, 60000);
    assert_int_equal(o.timeout_ms, 30000);
    setenv("OTEL_METRIC_EXPORT_INTERVAL", "1500", 1);
    setenv("OTEL_METRIC_EXPORT_TIMEOUT", "250", 1);
    otelc_periodic_reader_options_from_env(&o);
    assert_int_equal(o.interval_ms, 1500);
    assert_int_equal(o.timeout_ms, 250);
    tu_log_capture(OTELC_LOG_WARN);
    setenv("OTEL_METRIC_EXPORT_INTERVAL", "soon", 1);
    otelc_periodic_reader_options_from_env(&o);
    assert_int_equal(o.interval_ms, 1500);
    assert_true(tu_log_contains("OTEL_METRIC_EXPORT_INTERVAL"));
    tu_log_release();
    unsetenv("OTEL_METRIC_EXPORT_INTERVAL");
    unsetenv("OTEL_METRIC_EXPORT_TIMEOUT");
}

static void test_metrics_readers_unregistered(void **state)
{
    /* A reader never given to a provider shuts its exporter down when freed. */
    (void)state;
    struct fake f = {0};
    otelc_metric_exporter *e = NULL;
    otelc_metric_exporter_new(&e, &fake_methods, &f);
    otelc_metric_reader *r = NULL;
    assert_int_equal(otelc_periodic_reader_new(&r, e, NULL), OTELC_OK);
    assert_int_equal(otelc_metric_reader_force_flush(r, 10), OTELC_OK);
    otelc_metric_reader_free(r);
    assert_int_equal(atomic_load(&f.shutdowns), 1);
    assert_int_equal(atomic_load(&f.exports), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_metrics_readers_interval),
        cmocka_unit_test(test_metrics_readers_flush_and_shutdown),
        cmocka_unit_test(test_metrics_readers_failures_and_deadline),
        cmocka_unit_test(test_metrics_readers_env),
        cmocka_unit_test(test_metrics_readers_unregistered),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
