/* SPDX-License-Identifier: Apache-2.0 */
/* Tests of the OTLP/HTTP exporter's options, headers, errors and allocation failures (the
 * exchanges with a receiver are tested in tests/interop/otlp_http.js). */
#include <stdlib.h>
#include <string.h>

#include "testutil.h"

#include "otelc/exporters.h"
#include "otelc/otlp.h"
#include "sdk/trace/exporter_internal.h"

static const char *const k_vars[] = {
    "OTEL_EXPORTER_OTLP_ENDPOINT",          "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT",
    "OTEL_EXPORTER_OTLP_HEADERS",           "OTEL_EXPORTER_OTLP_TRACES_HEADERS",
    "OTEL_EXPORTER_OTLP_TIMEOUT",           "OTEL_EXPORTER_OTLP_TRACES_TIMEOUT",
    "OTEL_EXPORTER_OTLP_COMPRESSION",       "OTEL_EXPORTER_OTLP_TRACES_COMPRESSION",
    "OTEL_EXPORTER_OTLP_PROTOCOL",          "OTEL_EXPORTER_OTLP_TRACES_PROTOCOL",
    "OTEL_EXPORTER_OTLP_CERTIFICATE",       "OTEL_EXPORTER_OTLP_CLIENT_CERTIFICATE",
    "OTEL_EXPORTER_OTLP_CLIENT_KEY",
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

/* OTLP exporter configuration: the defaults, and the per-signal variables win. */
static void test_otlp_http_options_from_env(void **state)
{
    (void)state;
    otelc_otlp_http_exporter_options o;
    otelc_otlp_http_exporter_options_init(&o);
    assert_int_equal(o.size, sizeof o);
    assert_null(o.endpoint);
    assert_int_equal(o.protocol, OTELC_OTLP_HTTP_PROTOBUF);
    assert_int_equal(o.timeout_ms, 10000);

    setenv("OTEL_EXPORTER_OTLP_ENDPOINT", "http://base:4318", 1);
    setenv("OTEL_EXPORTER_OTLP_HEADERS", "a=1", 1);
    setenv("OTEL_EXPORTER_OTLP_TRACES_HEADERS", "b=2", 1);
    setenv("OTEL_EXPORTER_OTLP_TIMEOUT", "1234", 1);
    setenv("OTEL_EXPORTER_OTLP_TRACES_COMPRESSION", "gzip", 1);
    setenv("OTEL_EXPORTER_OTLP_PROTOCOL", "http/json", 1);
    setenv("OTEL_EXPORTER_OTLP_CERTIFICATE", "/ca.pem", 1);
    otelc_otlp_http_exporter_options_from_env(&o);
    assert_null(o.endpoint);
    assert_string_equal(o.base_endpoint, "http://base:4318");
    assert_string_equal(o.headers, "b=2");
    assert_int_equal(o.timeout_ms, 1234);
    assert_int_equal(o.compression, OTELC_OTLP_COMPRESSION_GZIP);
    assert_int_equal(o.protocol, OTELC_OTLP_HTTP_JSON);
    assert_string_equal(o.ca_file, "/ca.pem");
    assert_int_equal(tu_log_count(), 0);

    setenv("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", "http://t:1/x", 1);
    setenv("OTEL_EXPORTER_OTLP_TRACES_PROTOCOL", "grpc", 1);
    setenv("OTEL_EXPORTER_OTLP_TRACES_COMPRESSION", "brotli", 1);
    otelc_otlp_http_exporter_options_init(&o);
    otelc_otlp_http_exporter_options_from_env(&o);
    assert_string_equal(o.endpoint, "http://t:1/x");
    assert_int_equal(o.protocol, OTELC_OTLP_HTTP_PROTOBUF);
    assert_int_equal(o.compression, OTELC_OTLP_COMPRESSION_NONE);
    /* grpc picks the gRPC exporter in otelc_sdk_init_from_env(); here it changes nothing. */
    assert_false(tu_log_contains("grpc"));
    assert_true(tu_log_contains("brotli"));
}

/* Malformed or header-breaking headers are refused without showing their values. */
static void test_otlp_http_bad_headers(void **state)
{
    (void)state;
    static const char *const bad[] = {"novalue", "=v", "k=se%2", "k=a%0Db", "a b=c", "k:x=1"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        otelc_otlp_http_exporter_options o;
        otelc_span_exporter *e = NULL;
        otelc_otlp_http_exporter_options_init(&o);
        o.headers = bad[i];
        assert_int_equal(otelc_otlp_http_exporter_new(&e, &o), OTELC_EINVAL);
        assert_null(e);
    }
    assert_false(tu_log_contains("se%2"));
    assert_false(tu_log_contains("a%0Db"));
}

/* last_error: NULL for other exporters, "" before a failure. */
static void test_otlp_http_last_error_kinds(void **state)
{
    (void)state;
    otelc_span_exporter *mem = NULL, *e = NULL;
    assert_int_equal(otelc_memory_exporter_new(&mem), OTELC_OK);
    assert_null(otelc_otlp_http_exporter_last_error(mem));
    assert_null(otelc_otlp_http_exporter_last_error(NULL));
    otelc_span_exporter_free(mem);
    assert_int_equal(otelc_otlp_http_exporter_new(&e, NULL), OTELC_OK);
    assert_string_equal(otelc_otlp_http_exporter_last_error(e), "");
    assert_int_equal(otelc_otlp_http_exporter_new(NULL, NULL), OTELC_EINVAL);
    otelc_otlp_http_exporter_options o;
    otelc_otlp_http_exporter_options_init(&o);
    o.protocol = (otelc_otlp_protocol)7;
    otelc_span_exporter *bad = NULL;
    assert_int_equal(otelc_otlp_http_exporter_new(&bad, &o), OTELC_EINVAL);
    otelc_span_exporter_free(e);
}

/* A provider (returned in *tp) whose collecting exporter holds one ended span. */
static otelc_span *one_ended_span(otelc_tracer_provider **tp)
{
    *tp = tu_provider(NULL, NULL, NULL);
    assert_non_null(*tp);
    otelc_tracer *t = otelc_tracer_provider_get_tracer(*tp, "t", NULL, NULL, NULL, 0);
    otelc_span_end(otelc_span_start(t, "s", NULL));
    otelc_span *span = tu_span_at(0);
    assert_non_null(span);
    return span;
}

/* Connection failures are retried until the deadline, then reported without header values;
 * after fork the connection is dropped and the next export works the same. */
static void test_otlp_http_refused_until_deadline(void **state)
{
    (void)state;
    otelc_tracer_provider *tp = NULL;
    otelc_span *span = one_ended_span(&tp);
    otelc_otlp_http_exporter_options o;
    otelc_span_exporter *e = NULL;
    otelc_otlp_http_exporter_options_init(&o);
    o.base_endpoint = "http://127.0.0.1:9/";
    o.headers = "authorization=Bearer%20sekrit";
    o.timeout_ms = 400;
    o.compression = OTELC_OTLP_COMPRESSION_GZIP;
    assert_int_equal(otelc_otlp_http_exporter_new(&e, &o), OTELC_OK);
    for (int round = 0; round < 2; round++) {
        tu_log_clear();
        assert_int_equal(otelc_span_exporter_export(e, &span, 1, 0), OTELC_ETRANSPORT);
        const char *err = otelc_otlp_http_exporter_last_error(e);
        assert_non_null(strstr(err, "http://127.0.0.1:9/v1/traces"));
        assert_non_null(strstr(err, "no time left to retry"));
        assert_null(strstr(err, "sekrit"));
        assert_false(tu_log_contains("sekrit"));
        /* One line for the first failure; the repeat within 10 s is throttled. */
        assert_int_equal(tu_log_count(), round == 0 ? 1 : 0);
        otelc__span_exporter_methods(e)->after_fork(otelc_span_exporter_user_data(e));
    }
    assert_int_equal(otelc_span_exporter_shutdown(e, 0), OTELC_OK);
    assert_int_equal(otelc_span_exporter_export(e, &span, 1, 0), OTELC_ESHUTDOWN);
    otelc_span_exporter_free(e);
    tu_spans_clear();
    otelc_tracer_provider_free(tp);
}

/* Passwords and queries in the endpoint stay out of errors and logs. */
static void test_otlp_http_url_secrets_hidden(void **state)
{
    (void)state;
    otelc_tracer_provider *tp = NULL;
    otelc_span *span = one_ended_span(&tp);
    otelc_otlp_http_exporter_options o;
    otelc_span_exporter *e = NULL;
    otelc_otlp_http_exporter_options_init(&o);
    o.endpoint = "http://me:pa55@127.0.0.1:9/v1/traces?token=zz#frag";
    o.timeout_ms = 150;
    assert_int_equal(otelc_otlp_http_exporter_new(&e, &o), OTELC_OK);
    assert_int_equal(otelc_span_exporter_export(e, &span, 1, 0), OTELC_ETRANSPORT);
    const char *err = otelc_otlp_http_exporter_last_error(e);
    assert_non_null(strstr(err, "http://127.0.0.1:9/v1/traces:"));
    assert_null(strstr(err, "pa55"));
    assert_null(strstr(err, "zz"));
    assert_false(tu_log_contains("pa55"));
    assert_false(tu_log_contains("token"));
    otelc_span_exporter_free(e);
    tu_spans_clear();
    otelc_tracer_provider_free(tp);
}

/* Every allocation failure while creating the exporter gives ENOMEM and leaks nothing. */
static void test_otlp_http_alloc_failures(void **state)
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
        otelc_span_exporter *e = NULL;
        tu_alloc_install(n);
        int rc = otelc_otlp_http_exporter_new(&e, &o);
        int failed = tu_alloc_failed();
        if (rc == OTELC_OK)
            otelc_span_exporter_free(e);
        int64_t live = tu_alloc_live();
        tu_alloc_uninstall();
        assert_int_equal(live, 0);
        if (!failed) {
            assert_int_equal(rc, OTELC_OK);
            break;
        }
        assert_int_equal(rc, OTELC_ENOMEM);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_otlp_http_options_from_env, setup, teardown),
        cmocka_unit_test_setup_teardown(test_otlp_http_bad_headers, setup, teardown),
        cmocka_unit_test_setup_teardown(test_otlp_http_last_error_kinds, setup, teardown),
        cmocka_unit_test_setup_teardown(test_otlp_http_refused_until_deadline, setup, teardown),
        cmocka_unit_test_setup_teardown(test_otlp_http_url_secrets_hidden, setup, teardown),
        cmocka_unit_test_setup_teardown(test_otlp_http_alloc_failures, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
