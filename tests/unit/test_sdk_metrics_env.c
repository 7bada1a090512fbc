/* SPDX-License-Identifier: Apache-2.0 */
/* Tests of the meter provider that otelc_sdk_init_from_env() builds: OTEL_METRICS_EXPORTER,
 * the OTLP protocol choice, bad values, the exemplar filter, the shared resource, the global
 * meter provider, flush and shutdown, fork and the disabled SDK. */
#include "testutil.h"
#include "stdout_capture.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "sdk/common/log_internal.h"

static const char *const k_vars[] = {
    "OTEL_SDK_DISABLED", "OTEL_TRACES_EXPORTER", "OTEL_METRICS_EXPORTER",
    "OTEL_METRICS_EXEMPLAR_FILTER", "OTEL_METRIC_EXPORT_INTERVAL", "OTEL_METRIC_EXPORT_TIMEOUT",
    "OTEL_RESOURCE_ATTRIBUTES", "OTEL_SERVICE_NAME", "OTEL_EXPORTER_OTLP_ENDPOINT",
    "OTEL_EXPORTER_OTLP_METRICS_ENDPOINT", "OTEL_EXPORTER_OTLP_TIMEOUT",
    "OTEL_EXPORTER_OTLP_PROTOCOL", "OTEL_EXPORTER_OTLP_METRICS_PROTOCOL",
    "OTEL_EXPORTER_OTLP_TRACES_PROTOCOL", "OTEL_TRACES_SAMPLER",
};

static void clear_env(void)
{
    for (size_t i = 0; i < sizeof k_vars / sizeof k_vars[0]; i++)
        unsetenv(k_vars[i]);
    /* Only the metrics are looked at here. */
    setenv("OTEL_TRACES_EXPORTER", "none", 1);
}

static int setup(void **state)
{
    (void)state;
    clear_env();
    tu_log_capture(OTELC_LOG_WARN);
    /* Export failures are logged throttled; each case here must see its own. */
    otelc__log_set_throttle_interval_ns(0);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    tu_log_release();
    otelc__log_set_throttle_interval_ns(OTELC__LOG_THROTTLE_NS);
    otelc_set_global_tracer_provider(NULL);
    otelc_set_global_meter_provider(NULL);
    for (size_t i = 0; i < sizeof k_vars / sizeof k_vars[0]; i++)
        unsetenv(k_vars[i]);
    return 0;
}

static otelc_instrument *instrument(otelc_sdk *sdk, otelc_instrument_kind kind, const char *name)
{
    otelc_instrument *inst = NULL;
    assert_int_equal(otelc_meter_create_instrument(otelc_sdk_get_meter(sdk, "test", "1.0"), kind,
                                                   name, NULL, &inst),
                     OTELC_OK);
    return inst;
}

/* Builds the SDK with stdout going to a file, adds 5 to a counter named name, shuts down and
 * frees. Returns what went to stdout. */
static char *run_one_counter(const char *name)
{
    struct tu_capture c;
    otelc_sdk *sdk = NULL;
    tu_stdout_to_file(&c);
    int rc = otelc_sdk_init_from_env(&sdk);
    if (rc == OTELC_OK)
        otelc_record_i64(instrument(sdk, OTELC_INSTRUMENT_COUNTER, name), 5, NULL, 0);
    int shut = otelc_sdk_shutdown(sdk, 2000);
    otelc_sdk_free(sdk);
    char *out = tu_stdout_restore(&c);
    assert_int_equal(rc, OTELC_OK);
    assert_int_equal(shut, OTELC_OK);
    return out;
}

/* OTEL_METRICS_EXPORTER: the list rules of OTEL_TRACES_EXPORTER, and its default (console:
 * otelc sends nothing over the network unasked, for either signal). */
static void test_sdk_metrics_env_exporter_list(void **state)
{
    (void)state;
    static const struct {
        const char *value; /* NULL: unset */
        int exported;      /* collections with the counter on stdout */
        int warnings;
        const char *warning;
    } cases[] = {
        {NULL, 1, 0, NULL},
        {"", 1, 0, NULL},
        {"console", 1, 0, NULL},
        {" CONSOLE , console", 1, 0, NULL},
        {"none", 0, 0, NULL},
        {"None,none", 0, 0, NULL},
        {"none,console", 1, 1, "OTEL_METRICS_EXPORTER: \"none\""},
        {"prometheus", 1, 1, "OTEL_METRICS_EXPORTER: unknown exporter \"prometheus\""},
        {"prometheus,none", 0, 1, "\"prometheus\""},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        if (cases[i].value)
            setenv("OTEL_METRICS_EXPORTER", cases[i].value, 1);
        else
            unsetenv("OTEL_METRICS_EXPORTER");
        tu_log_clear();
        char *out = run_one_counter("list.counter");
        int seen = tu_count_occurrences(out, "\"name\":\"list.counter\"");
        if (seen != cases[i].exported || tu_log_count() != cases[i].warnings)
            print_message("OTEL_METRICS_EXPORTER=%s: seen %d, out: %s\nlog:\n%s\n",
                          cases[i].value ? cases[i].value : "(unset)", seen, out,
                          tu_log_text());
        if (seen)
            assert_true(strstr(out, "\"asDouble\":5") || strstr(out, "\"asInt\":\"5\""));
        free(out);
        assert_int_equal(seen, cases[i].exported);
        assert_int_equal(tu_log_count(), cases[i].warnings);
        if (cases[i].warning)
            assert_true(tu_log_contains(cases[i].warning));
    }
}

/* otlp is the OTLP/HTTP metric exporter at .../v1/metrics, from the METRICS_ variables; here
 * a closed port, so the export fails and is logged, nothing reaches stdout. */
static void test_sdk_metrics_env_otlp_http(void **state)
{
    (void)state;
    setenv("OTEL_METRICS_EXPORTER", "otlp", 1);
    setenv("OTEL_EXPORTER_OTLP_ENDPOINT", "http://127.0.0.1:9", 1);
    setenv("OTEL_EXPORTER_OTLP_TIMEOUT", "300", 1);
    setenv("OTEL_EXPORTER_OTLP_TRACES_PROTOCOL", "grpc", 1);
    tu_log_capture(OTELC_LOG_ERROR);
    char *out = run_one_counter("http.counter");
    assert_int_equal(tu_count_occurrences(out, "http.counter"), 0);
    free(out);
    assert_true(
        tu_log_contains("otlp/http exporter: export failed: http://127.0.0.1:9/v1/metrics"));
    assert_false(tu_log_contains("gRPC"));
}

/* OTEL_EXPORTER_OTLP_METRICS_PROTOCOL=grpc (any case) wins over the general protocol and
 * selects the OTLP/gRPC metric exporter; the TRACES_ variant does not apply to metrics. */
static void test_sdk_metrics_env_otlp_grpc(void **state)
{
    (void)state;
    setenv("OTEL_METRICS_EXPORTER", "otlp", 1);
    setenv("OTEL_EXPORTER_OTLP_ENDPOINT", "http://127.0.0.1:9", 1);
    setenv("OTEL_EXPORTER_OTLP_TIMEOUT", "300", 1);
    setenv("OTEL_EXPORTER_OTLP_PROTOCOL", "http/protobuf", 1);
    setenv("OTEL_EXPORTER_OTLP_METRICS_PROTOCOL", " Grpc ", 1);
    tu_log_capture(OTELC_LOG_ERROR);
    char *out = run_one_counter("grpc.counter");
    free(out);
    assert_true(tu_log_contains("gRPC UNAVAILABLE from http://127.0.0.1:9"));
    assert_false(tu_log_contains("v1/metrics"));

    /* The general variable alone selects gRPC too. */
    unsetenv("OTEL_EXPORTER_OTLP_METRICS_PROTOCOL");
    setenv("OTEL_EXPORTER_OTLP_PROTOCOL", "grpc", 1);
    tu_log_clear();
    out = run_one_counter("grpc.counter");
    free(out);
    assert_true(tu_log_contains("gRPC UNAVAILABLE from http://127.0.0.1:9"));
}

/* An exporter that cannot be created is left out with one error line naming it; the SDK and
 * the other exporters of the list still work. */
static void test_sdk_metrics_env_bad_exporter_left_out(void **state)
{
    (void)state;
    setenv("OTEL_METRICS_EXPORTER", "otlp,console", 1);
    setenv("OTEL_EXPORTER_OTLP_METRICS_PROTOCOL", "grpc", 1);
    setenv("OTEL_EXPORTER_OTLP_METRICS_ENDPOINT", "ftp://127.0.0.1:9", 1);
    tu_log_capture(OTELC_LOG_ERROR);
    char *out = run_one_counter("left.out.counter");
    assert_int_equal(tu_count_occurrences(out, "\"name\":\"left.out.counter\""), 1);
    free(out);
    assert_true(tu_log_contains("the otlp metric exporter cannot be created (invalid argument)"));
    assert_int_equal(tu_count_occurrences(tu_log_text(), "cannot be created"), 1);
}

/* OTEL_SDK_DISABLED=true: no meter provider, NULL meters, recording is a no-op. */
static void test_sdk_metrics_env_disabled(void **state)
{
    (void)state;
    setenv("OTEL_SDK_DISABLED", "true", 1);
    unsetenv("OTEL_TRACES_EXPORTER");
    struct tu_capture c;
    otelc_sdk *sdk = NULL;
    tu_stdout_to_file(&c);
    assert_int_equal(otelc_sdk_init_from_env(&sdk), OTELC_OK);
    assert_null(otelc_sdk_meter_provider(sdk));
    assert_null(otelc_global_meter_provider());
    otelc_meter *m = otelc_sdk_get_meter(sdk, "test", NULL);
    assert_null(m);
    otelc_instrument *inst = NULL;
    assert_int_equal(otelc_meter_create_instrument(m, OTELC_INSTRUMENT_COUNTER, "c", NULL, &inst),
                     OTELC_EINVAL);
    otelc_record_i64(inst, 1, NULL, 0);
    assert_int_equal(otelc_sdk_force_flush(sdk, 100), OTELC_OK);
    assert_int_equal(otelc_sdk_shutdown(sdk, 100), OTELC_OK);
    otelc_sdk_free(sdk);
    char *out = tu_stdout_restore(&c);
    assert_string_equal(out, "");
    free(out);
    assert_int_equal(tu_log_count(), 0);
    assert_null(otelc_sdk_meter_provider(NULL));
    assert_null(otelc_sdk_get_meter(NULL, "test", NULL));
}

/* The meter provider is installed as the global one and unset on free, unless another was
 * installed since. */
static void test_sdk_metrics_env_global_provider(void **state)
{
    (void)state;
    setenv("OTEL_METRICS_EXPORTER", "none", 1);
    otelc_sdk *sdk = NULL;
    assert_int_equal(otelc_sdk_init_from_env(&sdk), OTELC_OK);
    assert_non_null(otelc_sdk_meter_provider(sdk));
    assert_ptr_equal(otelc_global_meter_provider(), otelc_sdk_meter_provider(sdk));
    assert_non_null(otelc_sdk_get_meter(sdk, "test", "1.0"));
    otelc_sdk_free(sdk);
    assert_null(otelc_global_meter_provider());

    otelc_meter_provider *other = NULL;
    assert_int_equal(otelc_meter_provider_new(&other, NULL), OTELC_OK);
    assert_int_equal(otelc_sdk_init_from_env(&sdk), OTELC_OK);
    otelc_set_global_meter_provider(other);
    otelc_sdk_free(sdk);
    assert_ptr_equal(otelc_global_meter_provider(), other);
    otelc_set_global_meter_provider(NULL);
    otelc_meter_provider_free(other);
}

/* Both providers have the same resource, and the environment is read once: a malformed
 * OTEL_RESOURCE_ATTRIBUTES gives one warning, not one per signal. */
static void test_sdk_metrics_env_shared_resource(void **state)
{
    (void)state;
    setenv("OTEL_METRICS_EXPORTER", "none", 1);
    setenv("OTEL_SERVICE_NAME", "svc-both", 1);
    setenv("OTEL_RESOURCE_ATTRIBUTES", "a=1,broken", 1);
    otelc_sdk *sdk = NULL;
    assert_int_equal(otelc_sdk_init_from_env(&sdk), OTELC_OK);
    const otelc_resource *tr = otelc_tracer_provider_resource(otelc_sdk_tracer_provider(sdk));
    const otelc_resource *mr = otelc_meter_provider_resource(otelc_sdk_meter_provider(sdk));
    assert_non_null(mr);
    assert_int_equal(otelc_resource_attr_count(mr), otelc_resource_attr_count(tr));
    for (size_t i = 0; i < otelc_resource_attr_count(tr); i++) {
        const otelc_attr *a = otelc_resource_attr_at(tr, i);
        assert_non_null(otelc_resource_get(mr, a->key));
    }
    const otelc_value *svc = otelc_resource_get(mr, "service.name");
    assert_non_null(svc);
    assert_string_equal(svc->u.s, "svc-both");
    otelc_sdk_free(sdk);
    assert_int_equal(tu_count_occurrences(tu_log_text(), "OTEL_RESOURCE_ATTRIBUTES"), 1);
}

/* Records a histogram measurement inside a span (its context in *sc), flushes, shuts down and
 * frees; returns what went to stdout. */
static char *run_histogram_in_span(otelc_span_context *sc)
{
    struct tu_capture c;
    otelc_sdk *sdk = NULL;
    tu_stdout_to_file(&c);
    assert_int_equal(otelc_sdk_init_from_env(&sdk), OTELC_OK);
    otelc_instrument *h = instrument(sdk, OTELC_INSTRUMENT_HISTOGRAM, "in.span.histogram");
    otelc_span *s = otelc_span_start(otelc_sdk_get_tracer(sdk, "test", NULL), "op", NULL);
    *sc = otelc_span_get_context(s);
    sc->tracestate = NULL;
    otelc_context_token tok = otelc_span_make_current(s);
    otelc_record_f64(h, 2.5, NULL, 0);
    otelc_context_detach(tok);
    otelc_span_end(s);
    /* A flush before the shutdown exports too. */
    assert_int_equal(otelc_sdk_force_flush(sdk, 2000), OTELC_OK);
    assert_int_equal(otelc_sdk_shutdown(sdk, 2000), OTELC_OK);
    assert_int_equal(otelc_sdk_shutdown(sdk, 2000), OTELC_ESHUTDOWN);
    otelc_sdk_free(sdk);
    return tu_stdout_restore(&c);
}

/* OTEL_METRICS_EXEMPLAR_FILTER reaches the provider: trace_based (the default) keeps the
 * sampled span's ids, always_off keeps none. */
static void test_sdk_metrics_env_exemplar_filter(void **state)
{
    (void)state;
    setenv("OTEL_TRACES_SAMPLER", "always_on", 1);
    otelc_span_context sc;
    char *out = run_histogram_in_span(&sc);
    char hex[33];
    for (int i = 0; i < 16; i++)
        snprintf(hex + 2 * i, 3, "%02x", sc.trace_id[i]);
    /* One line per collection: the flush's and the shutdown's. */
    assert_int_equal(tu_count_occurrences(out, "\"name\":\"in.span.histogram\""), 2);
    assert_true(tu_count_occurrences(out, hex) >= 1);
    assert_true(strstr(out, "\"exemplars\"") != NULL);
    free(out);

    setenv("OTEL_METRICS_EXEMPLAR_FILTER", "always_off", 1);
    out = run_histogram_in_span(&sc);
    assert_int_equal(tu_count_occurrences(out, "\"name\":\"in.span.histogram\""), 2);
    assert_null(strstr(out, "\"exemplars\""));
    free(out);
    assert_int_equal(tu_log_count(), 0);
}

/* After fork() the child's SDK records and exports its own measurements (the periodic reader
 * starts a worker of its own), and the parent's SDK is untouched. */
static void test_sdk_metrics_env_fork(void **state)
{
    (void)state;
    struct tu_capture c;
    otelc_sdk *sdk = NULL;
    tu_stdout_to_file(&c);
    assert_int_equal(otelc_sdk_init_from_env(&sdk), OTELC_OK);
    otelc_instrument *ctr = instrument(sdk, OTELC_INSTRUMENT_COUNTER, "fork.counter");
    otelc_attr who_parent = otelc_attr_str("who", "parent");
    otelc_attr who_child = otelc_attr_str("who", "child");
    otelc_record_i64(ctr, 3, &who_parent, 1);
    fflush(stdout);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        otelc_record_i64(ctr, 7, &who_child, 1);
        int rc = otelc_sdk_shutdown(sdk, 2000);
        fflush(stdout);
        _exit(rc == OTELC_OK ? 0 : 1);
    }
    int status = 0;
    assert_int_equal(waitpid(pid, &status, 0), pid);
    otelc_record_i64(ctr, 5, &who_parent, 1);
    assert_int_equal(otelc_sdk_shutdown(sdk, 2000), OTELC_OK);
    otelc_sdk_free(sdk);
    char *out = tu_stdout_restore(&c);
    assert_true(WIFEXITED(status));
    assert_int_equal(WEXITSTATUS(status), 0);
    /* One line from the child (its own 7) and one from the parent (its 3 + 5, nothing of the
     * child's). */
    assert_int_equal(tu_count_occurrences(out, "\"name\":\"fork.counter\""), 2);
    assert_int_equal(tu_count_occurrences(out, "\"stringValue\":\"child\""), 1);
    assert_int_equal(tu_count_occurrences(out, "\"asDouble\":7}"), 1);
    assert_int_equal(tu_count_occurrences(out, "\"asDouble\":8}"), 1);
    free(out);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_sdk_metrics_env_exporter_list, setup, teardown),
        cmocka_unit_test_setup_teardown(test_sdk_metrics_env_otlp_http, setup, teardown),
        cmocka_unit_test_setup_teardown(test_sdk_metrics_env_otlp_grpc, setup, teardown),
        cmocka_unit_test_setup_teardown(test_sdk_metrics_env_bad_exporter_left_out, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_sdk_metrics_env_disabled, setup, teardown),
        cmocka_unit_test_setup_teardown(test_sdk_metrics_env_global_provider, setup, teardown),
        cmocka_unit_test_setup_teardown(test_sdk_metrics_env_shared_resource, setup, teardown),
        cmocka_unit_test_setup_teardown(test_sdk_metrics_env_exemplar_filter, setup, teardown),
        cmocka_unit_test_setup_teardown(test_sdk_metrics_env_fork, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
