/* SPDX-License-Identifier: Apache-2.0 */
/* Tests of the OTLP/HTTP metric exporter's options, temporality and aggregation answers,
 * request splitting, errors and allocation failures (the exchanges with a receiver are tested
 * in tests/interop/otlp_http_metrics.js). */
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "testutil.h"

#include "metric_fixture.h"
#include "otelc/otlp.h"
#include "sdk/metrics/metric_exporter_internal.h"

static const char *const k_vars[] = {
    "OTEL_EXPORTER_OTLP_ENDPOINT",
    "OTEL_EXPORTER_OTLP_METRICS_ENDPOINT",
    "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT",
    "OTEL_EXPORTER_OTLP_HEADERS",
    "OTEL_EXPORTER_OTLP_METRICS_HEADERS",
    "OTEL_EXPORTER_OTLP_TRACES_HEADERS",
    "OTEL_EXPORTER_OTLP_TIMEOUT",
    "OTEL_EXPORTER_OTLP_METRICS_TIMEOUT",
    "OTEL_EXPORTER_OTLP_COMPRESSION",
    "OTEL_EXPORTER_OTLP_METRICS_COMPRESSION",
    "OTEL_EXPORTER_OTLP_PROTOCOL",
    "OTEL_EXPORTER_OTLP_METRICS_PROTOCOL",
    "OTEL_EXPORTER_OTLP_CERTIFICATE",
    "OTEL_EXPORTER_OTLP_METRICS_CERTIFICATE",
    "OTEL_EXPORTER_OTLP_CLIENT_CERTIFICATE",
    "OTEL_EXPORTER_OTLP_METRICS_CLIENT_CERTIFICATE",
    "OTEL_EXPORTER_OTLP_CLIENT_KEY",
    "OTEL_EXPORTER_OTLP_METRICS_CLIENT_KEY",
    "OTEL_EXPORTER_OTLP_METRICS_TEMPORALITY_PREFERENCE",
    "OTEL_EXPORTER_OTLP_METRICS_DEFAULT_HISTOGRAM_AGGREGATION",
    "OTELC_EXPORTER_OTLP_MAX_REQUEST_SIZE",
};

static int setup(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof k_vars / sizeof k_vars[0]; i++)
        unsetenv(k_vars[i]);
    tu_log_capture(OTELC_LOG_WARN);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    tu_log_release();
    tu_alloc_uninstall();
    for (size_t i = 0; i < sizeof k_vars / sizeof k_vars[0]; i++)
        unsetenv(k_vars[i]);
    return 0;
}

/* OTLP exporter configuration: the METRICS_ variables win over the general ones, the TRACES_
 * ones are not read, and a general endpoint is a base for `v1/metrics`. */
static void test_otlp_http_metrics_options_from_env(void **state)
{
    (void)state;
    otelc_otlp_http_exporter_options o;
    otelc_otlp_http_exporter_options_init(&o);
    assert_int_equal(o.temporality_preference, OTELC_TEMPORALITY_PREFER_CUMULATIVE);
    assert_int_equal(o.histogram_aggregation, OTELC_AGGREGATION_EXPLICIT_HISTOGRAM);

    setenv("OTEL_EXPORTER_OTLP_ENDPOINT", "http://base:4318", 1);
    setenv("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", "http://traces/v1/traces", 1);
    setenv("OTEL_EXPORTER_OTLP_HEADERS", "a=1", 1);
    setenv("OTEL_EXPORTER_OTLP_METRICS_HEADERS", "m=2", 1);
    setenv("OTEL_EXPORTER_OTLP_TRACES_HEADERS", "t=3", 1);
    setenv("OTEL_EXPORTER_OTLP_TIMEOUT", "1234", 1);
    setenv("OTEL_EXPORTER_OTLP_METRICS_TIMEOUT", "777", 1);
    setenv("OTEL_EXPORTER_OTLP_COMPRESSION", "gzip", 1);
    setenv("OTEL_EXPORTER_OTLP_METRICS_PROTOCOL", "http/json", 1);
    setenv("OTEL_EXPORTER_OTLP_CERTIFICATE", "/ca.pem", 1);
    setenv("OTEL_EXPORTER_OTLP_METRICS_CLIENT_KEY", "/m.key", 1);
    otelc_otlp_http_metric_exporter_options_from_env(&o);
    assert_null(o.endpoint);
    assert_string_equal(o.base_endpoint, "http://base:4318");
    assert_string_equal(o.headers, "m=2");
    assert_int_equal(o.timeout_ms, 777);
    assert_int_equal(o.compression, OTELC_OTLP_COMPRESSION_GZIP);
    assert_int_equal(o.protocol, OTELC_OTLP_HTTP_JSON);
    assert_string_equal(o.ca_file, "/ca.pem");
    assert_string_equal(o.client_key_file, "/m.key");
    assert_int_equal(o.temporality_preference, OTELC_TEMPORALITY_PREFER_CUMULATIVE);
    assert_int_equal(tu_log_count(), 0);

    /* The per-signal endpoint is used as is. */
    setenv("OTEL_EXPORTER_OTLP_METRICS_ENDPOINT", "http://m:1/custom", 1);
    otelc_otlp_http_exporter_options_init(&o);
    otelc_otlp_http_metric_exporter_options_from_env(&o);
    assert_string_equal(o.endpoint, "http://m:1/custom");

    /* The span exporter reads its own variables, not the METRICS_ ones. */
    otelc_otlp_http_exporter_options_init(&o);
    otelc_otlp_http_exporter_options_from_env(&o);
    assert_string_equal(o.endpoint, "http://traces/v1/traces");
    assert_string_equal(o.headers, "t=3");
    assert_int_equal(o.timeout_ms, 1234);
    assert_int_equal(o.protocol, OTELC_OTLP_HTTP_PROTOBUF);
}

/* OTEL_EXPORTER_OTLP_METRICS_TEMPORALITY_PREFERENCE: case-insensitive; a bad value gets one
 * warning naming it and cumulative. The histogram aggregation likewise. */
static void test_otlp_http_metrics_temporality_preference_env(void **state)
{
    (void)state;
    static const struct {
        const char *value;
        otelc_temporality_preference want;
    } cases[] = {{"cumulative", OTELC_TEMPORALITY_PREFER_CUMULATIVE},
                 {"Delta", OTELC_TEMPORALITY_PREFER_DELTA},
                 {"LOWMEMORY", OTELC_TEMPORALITY_PREFER_LOWMEMORY},
                 {" delta ", OTELC_TEMPORALITY_PREFER_DELTA}};
    otelc_otlp_http_exporter_options o;
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        setenv("OTEL_EXPORTER_OTLP_METRICS_TEMPORALITY_PREFERENCE", cases[i].value, 1);
        otelc_otlp_http_exporter_options_init(&o);
        otelc_otlp_http_metric_exporter_options_from_env(&o);
        assert_int_equal(o.temporality_preference, cases[i].want);
    }
    assert_int_equal(tu_log_count(), 0);

    setenv("OTEL_EXPORTER_OTLP_METRICS_TEMPORALITY_PREFERENCE", "sometimes", 1);
    otelc_otlp_http_exporter_options_init(&o);
    o.temporality_preference = OTELC_TEMPORALITY_PREFER_DELTA;
    otelc_otlp_http_metric_exporter_options_from_env(&o);
    assert_int_equal(o.temporality_preference, OTELC_TEMPORALITY_PREFER_CUMULATIVE);
    assert_int_equal(tu_log_count(), 1);
    assert_true(tu_log_contains("OTEL_EXPORTER_OTLP_METRICS_TEMPORALITY_PREFERENCE"));
    assert_true(tu_log_contains("sometimes"));

    tu_log_clear();
    unsetenv("OTEL_EXPORTER_OTLP_METRICS_TEMPORALITY_PREFERENCE");
    setenv("OTEL_EXPORTER_OTLP_METRICS_DEFAULT_HISTOGRAM_AGGREGATION",
           "Base2_Exponential_Bucket_Histogram", 1);
    otelc_otlp_http_metric_exporter_options_from_env(&o);
    assert_int_equal(o.histogram_aggregation, OTELC_AGGREGATION_EXPONENTIAL_HISTOGRAM);
    setenv("OTEL_EXPORTER_OTLP_METRICS_DEFAULT_HISTOGRAM_AGGREGATION", "explicit_bucket_histogram",
           1);
    otelc_otlp_http_metric_exporter_options_from_env(&o);
    assert_int_equal(o.histogram_aggregation, OTELC_AGGREGATION_EXPLICIT_HISTOGRAM);
    assert_int_equal(tu_log_count(), 0);
    setenv("OTEL_EXPORTER_OTLP_METRICS_DEFAULT_HISTOGRAM_AGGREGATION", "sum", 1);
    o.histogram_aggregation = OTELC_AGGREGATION_EXPONENTIAL_HISTOGRAM;
    otelc_otlp_http_metric_exporter_options_from_env(&o);
    assert_int_equal(o.histogram_aggregation, OTELC_AGGREGATION_EXPLICIT_HISTOGRAM);
    assert_int_equal(tu_log_count(), 1);
    assert_true(tu_log_contains("OTEL_EXPORTER_OTLP_METRICS_DEFAULT_HISTOGRAM_AGGREGATION"));
}

/* The exporter's temporality per instrument kind is the specification's table for its
 * preference (delta: counters, observable counters and histograms delta; lowmemory: counters
 * and histograms delta), and only histograms get the configured aggregation. */
static void test_otlp_http_metrics_temporality_and_aggregation(void **state)
{
    (void)state;
    static const otelc_temporality C = OTELC_TEMPORALITY_CUMULATIVE, D = OTELC_TEMPORALITY_DELTA;
    /* Rows: cumulative, delta, lowmemory; columns: otelc_instrument_kind in order. */
    static const otelc_temporality want[3][OTELC_INSTRUMENT_KIND_COUNT] = {
        {C, C, C, C, C, C, C},
        {D, C, D, C, D, C, C},
        {D, C, D, C, C, C, C},
    };
    for (int p = 0; p < 3; p++) {
        otelc_otlp_http_exporter_options o;
        otelc_metric_exporter *e = NULL;
        otelc_otlp_http_exporter_options_init(&o);
        o.temporality_preference = (otelc_temporality_preference)p;
        o.histogram_aggregation =
            p == 1 ? OTELC_AGGREGATION_EXPONENTIAL_HISTOGRAM : OTELC_AGGREGATION_EXPLICIT_HISTOGRAM;
        assert_int_equal(otelc_otlp_http_metric_exporter_new(&e, &o), OTELC_OK);
        for (int k = 0; k < OTELC_INSTRUMENT_KIND_COUNT; k++) {
            otelc_instrument_kind kind = (otelc_instrument_kind)k;
            assert_int_equal(otelc_metric_exporter_temporality(e, kind), want[p][k]);
            otelc_aggregation a = otelc_metric_exporter_aggregation(e, kind);
            if (kind == OTELC_INSTRUMENT_HISTOGRAM)
                assert_int_equal(a, o.histogram_aggregation);
            else
                assert_int_equal(a, OTELC_AGGREGATION_DEFAULT);
        }
        otelc_metric_exporter_free(e);
    }
}

/* The `size` field versions the options: a struct of the size before the metric fields is
 * accepted (they take their defaults), a smaller one and bad metric fields are refused. */
static void test_otlp_http_metrics_options_versions(void **state)
{
    (void)state;
    otelc_otlp_http_exporter_options o;
    otelc_metric_exporter *e = NULL;
    otelc_span_exporter *se = NULL;
    otelc_otlp_http_exporter_options_init(&o);
    o.size = (uint32_t)offsetof(otelc_otlp_http_exporter_options, temporality_preference);
    o.temporality_preference = (otelc_temporality_preference)99; /* past size: not read */
    assert_int_equal(otelc_otlp_http_metric_exporter_new(&e, &o), OTELC_OK);
    assert_int_equal(otelc_metric_exporter_temporality(e, OTELC_INSTRUMENT_COUNTER),
                     OTELC_TEMPORALITY_CUMULATIVE);
    otelc_metric_exporter_free(e);
    assert_int_equal(otelc_otlp_http_exporter_new(&se, &o), OTELC_OK);
    otelc_span_exporter_free(se);
    otelc_otlp_http_metric_exporter_options_from_env(&o); /* reads only what fits */

    o.size -= 1;
    e = NULL;
    assert_int_equal(otelc_otlp_http_metric_exporter_new(&e, &o), OTELC_EINVAL);
    assert_null(e);

    otelc_otlp_http_exporter_options_init(&o);
    o.temporality_preference = (otelc_temporality_preference)3;
    assert_int_equal(otelc_otlp_http_metric_exporter_new(&e, &o), OTELC_EINVAL);
    otelc_otlp_http_exporter_options_init(&o);
    o.histogram_aggregation = OTELC_AGGREGATION_SUM;
    assert_int_equal(otelc_otlp_http_metric_exporter_new(&e, &o), OTELC_EINVAL);
    o.histogram_aggregation = OTELC_AGGREGATION_EXPLICIT_HISTOGRAM;
    o.protocol = (otelc_otlp_protocol)7;
    assert_int_equal(otelc_otlp_http_metric_exporter_new(&e, &o), OTELC_EINVAL);
    assert_null(e);
    assert_int_equal(otelc_otlp_http_metric_exporter_new(NULL, NULL), OTELC_EINVAL);
}

static int plain_export(void *ud, const otelc_resource_metrics *rm, uint64_t deadline)
{
    (void)ud;
    (void)rm;
    (void)deadline;
    return OTELC_OK;
}

/* Connection failures are retried until the deadline and reported with the metrics URL
 * (`v1/metrics` appended to the base) and without header values; the repeat is throttled;
 * after fork the next export fails the same way; after shutdown exports are refused. */
static void test_otlp_http_metrics_refused_until_deadline(void **state)
{
    (void)state;
    static const otelc_metric_exporter_methods plain = {
        .version = OTELC_METRIC_EXPORTER_METHODS_VERSION, .export_metrics = plain_export};
    otelc_otlp_http_exporter_options o;
    otelc_metric_exporter *e = NULL, *other = NULL;
    otelc_otlp_http_exporter_options_init(&o);
    o.base_endpoint = "http://127.0.0.1:9";
    o.headers = "authorization=Bearer%20sekrit";
    o.timeout_ms = 300;
    o.compression = OTELC_OTLP_COMPRESSION_GZIP;
    assert_int_equal(otelc_otlp_http_metric_exporter_new(&e, &o), OTELC_OK);
    assert_string_equal(otelc_otlp_http_metric_exporter_last_error(e), "");
    for (int round = 0; round < 2; round++) {
        tu_log_clear();
        assert_int_equal(otelc_metric_exporter_export(e, mf_collection(), 0), OTELC_ETRANSPORT);
        const char *err = otelc_otlp_http_metric_exporter_last_error(e);
        assert_non_null(strstr(err, "http://127.0.0.1:9/v1/metrics"));
        assert_non_null(strstr(err, "no time left to retry"));
        assert_null(strstr(err, "sekrit"));
        assert_false(tu_log_contains("sekrit"));
        assert_int_equal(tu_log_count(), round == 0 ? 1 : 0);
        otelc__metric_exporter_after_fork(e);
    }
    assert_int_equal(otelc_metric_exporter_shutdown(e, 0), OTELC_OK);
    assert_int_equal(otelc_metric_exporter_export(e, mf_collection(), 0), OTELC_ESHUTDOWN);
    otelc_metric_exporter_free(e);

    assert_int_equal(otelc_metric_exporter_new(&other, &plain, NULL), OTELC_OK);
    assert_null(otelc_otlp_http_metric_exporter_last_error(other));
    assert_null(otelc_otlp_http_metric_exporter_last_error(NULL));
    otelc_metric_exporter_free(other);
}

/* A collection over the request limit is split by metrics, then a metric by points, before
 * anything is sent; a single point over the limit fails as rejected, and nothing is sent. */
static void test_otlp_http_metrics_split_to_single_points(void **state)
{
    (void)state;
    otelc_otlp_http_exporter_options o;
    otelc_metric_exporter *e = NULL;
    otelc_otlp_http_exporter_options_init(&o);
    o.base_endpoint = "http://127.0.0.1:9";
    o.max_request_bytes = 1; /* every part is too large, down to single points */
    assert_int_equal(otelc_otlp_http_metric_exporter_new(&e, &o), OTELC_OK);
    assert_int_equal(otelc_metric_exporter_export(e, mf_collection(), 0), OTELC_EREJECTED);
    const char *err = otelc_otlp_http_metric_exporter_last_error(e);
    /* The last part tried is the metric `idle`, which has no points to split. */
    assert_non_null(strstr(err, "one metric without points encodes to"));
    assert_non_null(strstr(err, "over the request limit of 1"));
    /* Eight parts failed (seven points and `idle`); the log line is throttled to one. */
    assert_int_equal(tu_log_count(), 1);
    assert_true(tu_log_contains("one data point encodes to"));

    /* Every allocation failure while splitting is an error (the first failure of the parts
     * is returned), never a crash or a leak (the sanitizer build checks). */
    int saw_enomem = 0;
    for (uint64_t n = 1;; n++) {
        tu_alloc_install(n);
        int rc = otelc_metric_exporter_export(e, mf_collection(), 0);
        int failed = tu_alloc_failed();
        tu_alloc_uninstall();
        if (!failed) {
            assert_int_equal(rc, OTELC_EREJECTED);
            break;
        }
        assert_true(rc == OTELC_ENOMEM || rc == OTELC_EREJECTED);
        saw_enomem |= rc == OTELC_ENOMEM;
    }
    assert_true(saw_enomem);
    otelc_metric_exporter_free(e);
}

/* Every allocation failure while creating the exporter gives ENOMEM and leaks nothing. */
static void test_otlp_http_metrics_alloc_failures(void **state)
{
    (void)state;
    otelc_otlp_http_exporter_options o;
    otelc_otlp_http_exporter_options_init(&o);
    o.headers = "a=1,b=2%203";
    o.ca_file = "/ca.pem";
    o.client_cert_file = "/c.pem";
    o.client_key_file = "/c.key";
    o.compression = OTELC_OTLP_COMPRESSION_GZIP;
    for (uint64_t n = 1;; n++) {
        otelc_metric_exporter *e = NULL;
        tu_alloc_install(n);
        int rc = otelc_otlp_http_metric_exporter_new(&e, &o);
        int failed = tu_alloc_failed();
        if (rc == OTELC_OK)
            otelc_metric_exporter_free(e);
        int64_t live = tu_alloc_live();
        tu_alloc_uninstall();
        assert_int_equal(live, 0);
        if (!failed) {
            assert_int_equal(rc, OTELC_OK);
            break;
        }
        assert_int_equal(rc, OTELC_ENOMEM);
        assert_null(e);
    }
}

static int teardown_group(void **state)
{
    (void)state;
    mf_free();
    return 0;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_otlp_http_metrics_options_from_env, setup, teardown),
        cmocka_unit_test_setup_teardown(test_otlp_http_metrics_temporality_preference_env, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_otlp_http_metrics_temporality_and_aggregation, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_otlp_http_metrics_options_versions, setup, teardown),
        cmocka_unit_test_setup_teardown(test_otlp_http_metrics_refused_until_deadline, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_otlp_http_metrics_split_to_single_points, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_otlp_http_metrics_alloc_failures, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, teardown_group);
}
