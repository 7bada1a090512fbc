/* SPDX-License-Identifier: Apache-2.0 */
/* Tests of the metric exporter handle and of the temporality preferences. */
#include "testutil.h"

#include "otelc/metric_data.h"
#include "sdk/common/clock.h"

struct fake {
    int exported;
    int shutdowns;
    int destroyed;
    otelc_temporality temporality;
};

static int fake_export(void *ud, const otelc_resource_metrics *data, uint64_t deadline)
{
    struct fake *f = ud;
    (void)data;
    (void)deadline;
    f->exported++;
    return OTELC_OK;
}

static otelc_temporality fake_temporality(void *ud, otelc_instrument_kind kind)
{
    struct fake *f = ud;
    (void)kind;
    return f->temporality;
}

static otelc_aggregation fake_aggregation(void *ud, otelc_instrument_kind kind)
{
    (void)ud;
    return kind == OTELC_INSTRUMENT_HISTOGRAM ? OTELC_AGGREGATION_EXPONENTIAL_HISTOGRAM
                                              : (otelc_aggregation)99;
}

static int fake_shutdown(void *ud, uint64_t deadline)
{
    struct fake *f = ud;
    (void)deadline;
    f->shutdowns++;
    return OTELC_OK;
}

static void fake_destroy(void *ud)
{
    struct fake *f = ud;
    f->destroyed++;
}

static const otelc_metric_exporter_methods fake_methods = {
    .version = OTELC_METRIC_EXPORTER_METHODS_VERSION,
    .export_metrics = fake_export,
    .temporality = fake_temporality,
    .aggregation = fake_aggregation,
    .shutdown = fake_shutdown,
    .destroy = fake_destroy,
};

/* The handle checks its arguments, forwards exports until shutdown, shuts down once. */
static void test_metric_exporter_lifecycle(void **state)
{
    struct fake f = {0};
    otelc_metric_exporter *e = NULL;
    otelc_resource_metrics rm = {0};
    otelc_metric_exporter_methods no_export = fake_methods;
    (void)state;
    no_export.export_metrics = NULL;
    assert_int_equal(otelc_metric_exporter_new(&e, &no_export, &f), OTELC_EINVAL);
    assert_int_equal(otelc_metric_exporter_new(NULL, &fake_methods, &f), OTELC_EINVAL);
    assert_int_equal(otelc_metric_exporter_new(&e, &fake_methods, &f), OTELC_OK);
    assert_ptr_equal(otelc_metric_exporter_user_data(e), &f);
    assert_int_equal(otelc_metric_exporter_export(e, NULL, otelc__deadline_ms(100)),
                     OTELC_EINVAL);
    assert_int_equal(otelc_metric_exporter_export(e, &rm, otelc__deadline_ms(100)), OTELC_OK);
    assert_int_equal(f.exported, 1);
    assert_int_equal(otelc_metric_exporter_shutdown(e, otelc__deadline_ms(100)), OTELC_OK);
    assert_int_equal(otelc_metric_exporter_shutdown(e, otelc__deadline_ms(100)), OTELC_OK);
    assert_int_equal(f.shutdowns, 1);
    assert_int_equal(otelc_metric_exporter_export(e, &rm, otelc__deadline_ms(100)),
                     OTELC_ESHUTDOWN);
    assert_int_equal(f.exported, 1);
    otelc_metric_exporter_free(e);
    assert_int_equal(f.destroyed, 1);
    assert_int_equal(f.shutdowns, 1);
}

/* The exporter's answers are sanitised: "unspecified" becomes cumulative, an unknown
 * aggregation the default. */
static void test_metric_exporter_preferences(void **state)
{
    struct fake f = {0};
    otelc_metric_exporter *e = NULL;
    (void)state;
    assert_int_equal(otelc_metric_exporter_temporality(NULL, OTELC_INSTRUMENT_COUNTER),
                     OTELC_TEMPORALITY_CUMULATIVE);
    assert_int_equal(otelc_metric_exporter_new(&e, &fake_methods, &f), OTELC_OK);
    f.temporality = OTELC_TEMPORALITY_DELTA;
    assert_int_equal(otelc_metric_exporter_temporality(e, OTELC_INSTRUMENT_COUNTER),
                     OTELC_TEMPORALITY_DELTA);
    f.temporality = OTELC_TEMPORALITY_UNSPECIFIED;
    assert_int_equal(otelc_metric_exporter_temporality(e, OTELC_INSTRUMENT_COUNTER),
                     OTELC_TEMPORALITY_CUMULATIVE);
    assert_int_equal(otelc_metric_exporter_aggregation(e, OTELC_INSTRUMENT_HISTOGRAM),
                     OTELC_AGGREGATION_EXPONENTIAL_HISTOGRAM);
    assert_int_equal(otelc_metric_exporter_aggregation(e, OTELC_INSTRUMENT_COUNTER),
                     OTELC_AGGREGATION_DEFAULT);
    otelc_metric_exporter_free(e);
}

/* The specification's table of OTEL_EXPORTER_OTLP_METRICS_TEMPORALITY_PREFERENCE. */
static void test_metric_exporter_temporality_table(void **state)
{
    static const struct {
        otelc_instrument_kind kind;
        otelc_temporality cumulative, delta, lowmemory;
    } rows[] = {
        {OTELC_INSTRUMENT_COUNTER, OTELC_TEMPORALITY_CUMULATIVE, OTELC_TEMPORALITY_DELTA,
         OTELC_TEMPORALITY_DELTA},
        {OTELC_INSTRUMENT_OBSERVABLE_COUNTER, OTELC_TEMPORALITY_CUMULATIVE,
         OTELC_TEMPORALITY_DELTA, OTELC_TEMPORALITY_CUMULATIVE},
        {OTELC_INSTRUMENT_HISTOGRAM, OTELC_TEMPORALITY_CUMULATIVE, OTELC_TEMPORALITY_DELTA,
         OTELC_TEMPORALITY_DELTA},
        {OTELC_INSTRUMENT_UP_DOWN_COUNTER, OTELC_TEMPORALITY_CUMULATIVE,
         OTELC_TEMPORALITY_CUMULATIVE, OTELC_TEMPORALITY_CUMULATIVE},
        {OTELC_INSTRUMENT_OBSERVABLE_UP_DOWN_COUNTER, OTELC_TEMPORALITY_CUMULATIVE,
         OTELC_TEMPORALITY_CUMULATIVE, OTELC_TEMPORALITY_CUMULATIVE},
        {OTELC_INSTRUMENT_GAUGE, OTELC_TEMPORALITY_CUMULATIVE, OTELC_TEMPORALITY_CUMULATIVE,
         OTELC_TEMPORALITY_CUMULATIVE},
    };
    (void)state;
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        assert_int_equal(otelc_temporality_for(OTELC_TEMPORALITY_PREFER_CUMULATIVE, rows[i].kind),
                         rows[i].cumulative);
        assert_int_equal(otelc_temporality_for(OTELC_TEMPORALITY_PREFER_DELTA, rows[i].kind),
                         rows[i].delta);
        assert_int_equal(otelc_temporality_for(OTELC_TEMPORALITY_PREFER_LOWMEMORY, rows[i].kind),
                         rows[i].lowmemory);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_metric_exporter_lifecycle),
        cmocka_unit_test(test_metric_exporter_preferences),
        cmocka_unit_test(test_metric_exporter_temporality_table),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
