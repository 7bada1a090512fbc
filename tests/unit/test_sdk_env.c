/* SPDX-License-Identifier: Apache-2.0 */
/* Tests of the one-call SDK set-up from OTEL_* variables: disabled SDK, exporter list,
 * sampler choice, limits, stats, the global provider and allocation failures. */
#include "testutil.h"
#include "stdout_capture.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char *const k_vars[] = {
    "OTEL_SDK_DISABLED", "OTEL_TRACES_EXPORTER", "OTEL_TRACES_SAMPLER",
    "OTEL_TRACES_SAMPLER_ARG", "OTEL_SPAN_ATTRIBUTE_COUNT_LIMIT", "OTEL_SPAN_EVENT_COUNT_LIMIT",
    "OTEL_RESOURCE_ATTRIBUTES", "OTEL_SERVICE_NAME", "OTEL_EXPORTER_OTLP_ENDPOINT",
    "OTEL_EXPORTER_OTLP_TIMEOUT", "OTEL_EXPORTER_OTLP_PROTOCOL",
    "OTEL_EXPORTER_OTLP_TRACES_PROTOCOL",
};

static void clear_env(void)
{
    for (size_t i = 0; i < sizeof k_vars / sizeof k_vars[0]; i++)
        unsetenv(k_vars[i]);
}

static int setup(void **state)
{
    (void)state;
    clear_env();
    tu_log_capture(OTELC_LOG_WARN);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    tu_log_release();
    tu_alloc_uninstall();
    otelc_set_global_tracer_provider(NULL);
    clear_env();
    return 0;
}

/* Builds the SDK from the environment with stdout going to a file, ends one span named name,
 * reads the stats, shuts down and frees. Returns what went to stdout. */
static char *run_one_span(const char *name, otelc_span_processor_stats *st)
{
    struct tu_capture c;
    otelc_sdk *sdk = NULL;
    tu_stdout_to_file(&c);
    int rc = otelc_sdk_init_from_env(&sdk);
    otelc_span_end(otelc_span_start(otelc_sdk_get_tracer(sdk, "test", "1.0"), name, NULL));
    memset(st, 0, sizeof *st);
    st->size = sizeof *st;
    /* The batch processor exports on its worker: flush before reading the counters. */
    otelc_sdk_force_flush(sdk, 5000);
    otelc_sdk_get_stats(sdk, st);
    int shut = otelc_sdk_shutdown(sdk, 1000);
    otelc_sdk_free(sdk);
    char *out = tu_stdout_restore(&c);
    assert_int_equal(rc, OTELC_OK);
    assert_int_equal(shut, OTELC_OK);
    return out;
}

/* OTEL_SDK_DISABLED=true: no provider, a NULL tracer, NULL spans, zero stats. */
static void test_sdk_env_disabled_gives_null_tracer(void **state)
{
    (void)state;
    setenv("OTEL_SDK_DISABLED", "true", 1);
    otelc_sdk *sdk = NULL;
    assert_int_equal(otelc_sdk_init_from_env(&sdk), OTELC_OK);
    assert_non_null(sdk);
    assert_int_equal(otelc_sdk_is_disabled(sdk), 1);
    assert_null(otelc_sdk_tracer_provider(sdk));
    assert_null(otelc_global_tracer_provider());
    otelc_tracer *t = otelc_sdk_get_tracer(sdk, "test", "1.0");
    assert_null(t);
    otelc_span *s = otelc_span_start(t, "op", NULL);
    assert_null(s);
    otelc_span_end(s);
    otelc_span_processor_stats st;
    memset(&st, 0xff, sizeof st);
    st.size = sizeof st;
    otelc_sdk_get_stats(sdk, &st);
    assert_int_equal(st.size, sizeof st);
    assert_int_equal(st.ended + st.queued + st.exported + st.dropped + st.failed, 0);
    assert_int_equal(otelc_sdk_force_flush(sdk, 100), OTELC_OK);
    assert_int_equal(otelc_sdk_shutdown(sdk, 100), OTELC_OK);
    assert_int_equal(otelc_sdk_shutdown(sdk, 100), OTELC_ESHUTDOWN);
    assert_int_equal(tu_log_count(), 0);
    otelc_sdk_free(sdk);
}

/* OTEL_SDK_DISABLED=false (and any other case) builds a working SDK. */
static void test_sdk_env_not_disabled(void **state)
{
    (void)state;
    setenv("OTEL_SDK_DISABLED", "false", 1);
    setenv("OTEL_TRACES_EXPORTER", "none", 1);
    otelc_sdk *sdk = NULL;
    assert_int_equal(otelc_sdk_init_from_env(&sdk), OTELC_OK);
    assert_int_equal(otelc_sdk_is_disabled(sdk), 0);
    assert_non_null(otelc_sdk_tracer_provider(sdk));
    assert_non_null(otelc_sdk_get_tracer(sdk, "test", NULL));
    otelc_sdk_free(sdk);
    assert_int_equal(otelc_sdk_init_from_env(NULL), OTELC_EINVAL);
}

/* OTEL_TRACES_EXPORTER: a trimmed, case-insensitive list without duplicates; console is the
 * default of this build; "none" alone exports nothing; unknown names warn. */
static void test_sdk_env_exporter_list(void **state)
{
    (void)state;
    static const struct {
        const char *value;   /* NULL: unset */
        int exported;        /* times the span reaches stdout, and the exported count */
        int warnings;
        const char *warning; /* text the one warning holds */
        const char *warning2;
    } cases[] = {
        {NULL, 1, 0, NULL, NULL},
        {"", 1, 0, NULL, NULL},
        {"console", 1, 0, NULL, NULL},
        {" Console ,console,, CONSOLE", 1, 0, NULL, NULL},
        {"none", 0, 0, NULL, NULL},
        {" none , none", 0, 0, NULL, NULL},
        {"none,console", 1, 1, "\"none\"", "OTEL_TRACES_EXPORTER"},
        {"zipkin", 1, 1, "\"zipkin\"", "OTEL_TRACES_EXPORTER"},
        {"zipkin,console,zipkin", 1, 1, "\"zipkin\"", NULL},
        {"zipkin,none", 0, 1, "\"zipkin\"", NULL},
        {"zipkin,jaeger", 1, 2, "\"zipkin\"", "\"jaeger\""},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        if (cases[i].value)
            setenv("OTEL_TRACES_EXPORTER", cases[i].value, 1);
        else
            unsetenv("OTEL_TRACES_EXPORTER");
        tu_log_clear();
        otelc_span_processor_stats st;
        char *out = run_one_span("exporter-list-span", &st);
        int seen = tu_count_occurrences(out, "exporter-list-span");
        free(out);
        if (seen != cases[i].exported || tu_log_count() != cases[i].warnings)
            print_message("OTEL_TRACES_EXPORTER=%s: seen %d, log:\n%s\n",
                          cases[i].value ? cases[i].value : "(unset)", seen, tu_log_text());
        assert_int_equal(seen, cases[i].exported);
        assert_int_equal(st.ended, (uint64_t)cases[i].exported);
        assert_int_equal(st.exported, (uint64_t)cases[i].exported);
        assert_int_equal(tu_log_count(), cases[i].warnings);
        if (cases[i].warning)
            assert_true(tu_log_contains(cases[i].warning));
        if (cases[i].warning2)
            assert_true(tu_log_contains(cases[i].warning2));
    }
}

/* OTEL_TRACES_EXPORTER=otlp builds the OTLP/HTTP exporter from OTEL_EXPORTER_OTLP_*: here it
 * sends to a closed port, so the span is ended but not exported and the failure is logged. */
static void test_sdk_env_otlp_exporter(void **state)
{
    (void)state;
    setenv("OTEL_TRACES_EXPORTER", "otlp", 1);
    setenv("OTEL_EXPORTER_OTLP_ENDPOINT", "http://127.0.0.1:9", 1);
    setenv("OTEL_EXPORTER_OTLP_TIMEOUT", "300", 1);
    otelc_span_processor_stats st;
    char *out = run_one_span("otlp-span", &st);
    assert_int_equal(tu_count_occurrences(out, "otlp-span"), 0);
    free(out);
    assert_int_equal(st.ended, 1);
    assert_int_equal(st.exported, 0);
    assert_true(tu_log_contains("127.0.0.1:9/v1/traces"));
}

/* OTEL_EXPORTER_OTLP_PROTOCOL=grpc (any case; the TRACES_ variant wins) selects the OTLP/gRPC
 * exporter, whose endpoint is the base URL with nothing appended. */
static void test_sdk_env_otlp_grpc_exporter(void **state)
{
    (void)state;
    setenv("OTEL_TRACES_EXPORTER", "otlp", 1);
    setenv("OTEL_EXPORTER_OTLP_ENDPOINT", "http://127.0.0.1:9", 1);
    setenv("OTEL_EXPORTER_OTLP_TIMEOUT", "300", 1);
    setenv("OTEL_EXPORTER_OTLP_PROTOCOL", "http/json", 1);
    setenv("OTEL_EXPORTER_OTLP_TRACES_PROTOCOL", " GRPC ", 1);
    otelc_span_processor_stats st;
    char *out = run_one_span("otlp-grpc-span", &st);
    assert_int_equal(tu_count_occurrences(out, "otlp-grpc-span"), 0);
    free(out);
    assert_int_equal(st.ended, 1);
    assert_int_equal(st.exported, 0);
    assert_true(tu_log_contains("otlp/grpc exporter: export failed: gRPC UNAVAILABLE from "
                                "http://127.0.0.1:9"));
    assert_false(tu_log_contains("v1/traces"));
}

/* A provider with the given sampler and no processor, for parent spans. */
static otelc_tracer_provider *parent_provider(int sampled)
{
    otelc_tracer_provider_options o;
    otelc_tracer_provider_options_init(&o);
    int rc = sampled ? otelc_sampler_always_on(&o.sampler) : otelc_sampler_always_off(&o.sampler);
    assert_int_equal(rc, OTELC_OK);
    otelc_tracer_provider *tp = NULL;
    assert_int_equal(otelc_tracer_provider_new(&tp, &o), OTELC_OK);
    return tp;
}

/* OTEL_TRACES_SAMPLER reaches the provider (the names and arguments are tested with
 * otelc__sampler_from_env() in test_from_env.c). */
static void test_sdk_env_sampler_from_env(void **state)
{
    (void)state;
    setenv("OTEL_TRACES_EXPORTER", "none", 1);
    setenv("OTEL_TRACES_SAMPLER", "traceidratio", 1);
    setenv("OTEL_TRACES_SAMPLER_ARG", "0", 1);
    otelc_sdk *sdk = NULL;
    assert_int_equal(otelc_sdk_init_from_env(&sdk), OTELC_OK);
    otelc_span *s = otelc_span_start(otelc_sdk_get_tracer(sdk, "test", NULL), "never", NULL);
    assert_false(otelc_span_is_recording(s));
    otelc_span_end(s);
    otelc_sdk_free(sdk);
    assert_int_equal(tu_log_count(), 0);
}

/* The span limit variables reach the provider. */
static void test_sdk_env_limits_from_env(void **state)
{
    (void)state;
    setenv("OTEL_TRACES_EXPORTER", "none", 1);
    setenv("OTEL_TRACES_SAMPLER", "always_on", 1);
    setenv("OTEL_SPAN_ATTRIBUTE_COUNT_LIMIT", "2", 1);
    setenv("OTEL_SPAN_EVENT_COUNT_LIMIT", "1", 1);
    otelc_sdk *sdk = NULL;
    assert_int_equal(otelc_sdk_init_from_env(&sdk), OTELC_OK);
    otelc_span *s = otelc_span_start(otelc_sdk_get_tracer(sdk, "test", NULL), "limited", NULL);
    otelc_span_set_attr_int(s, "a", 1);
    otelc_span_set_attr_int(s, "b", 2);
    otelc_span_set_attr_int(s, "c", 3);
    otelc_span_add_event(s, "e1", 0, NULL, 0);
    otelc_span_add_event(s, "e2", 0, NULL, 0);
    otelc_span_ref(s);
    otelc_span_end(s);
    assert_int_equal(otelc_span_get_attr_count(s), 2);
    assert_int_equal(otelc_span_get_event_count(s), 1);
    uint32_t da = 0, de = 0, dl = 0;
    otelc_span_get_dropped(s, &da, &de, &dl);
    assert_int_equal(da, 1);
    assert_int_equal(de, 1);
    otelc_span_release(s);
    otelc_sdk_free(sdk);
}

/* Stats sum the pipeline: with console every ended sampled span is exported; with none
 * nothing is counted. */
static void test_sdk_env_stats_after_ending_spans(void **state)
{
    (void)state;
    setenv("OTEL_TRACES_EXPORTER", "none", 1);
    otelc_span_processor_stats st;
    char *out = run_one_span("stats-span", &st);
    assert_int_equal(out[0], '\0');
    free(out);
    assert_int_equal(st.ended + st.exported + st.queued + st.dropped + st.failed, 0);

    setenv("OTEL_TRACES_EXPORTER", "console", 1);
    struct tu_capture c;
    otelc_sdk *sdk = NULL;
    tu_stdout_to_file(&c);
    int rc = otelc_sdk_init_from_env(&sdk);
    otelc_tracer *t = otelc_sdk_get_tracer(sdk, "test", NULL);
    otelc_span_end(otelc_span_start(t, "stats-span-1", NULL));
    otelc_span_end(otelc_span_start(t, "stats-span-2", NULL));
    otelc_sdk_force_flush(sdk, 5000);
    memset(&st, 0, sizeof st);
    st.size = sizeof st;
    otelc_sdk_get_stats(sdk, &st);
    otelc_sdk_free(sdk);
    out = tu_stdout_restore(&c);
    assert_int_equal(rc, OTELC_OK);
    assert_int_equal(st.ended, 2);
    assert_int_equal(st.exported, 2);
    assert_int_equal(st.failed + st.dropped + st.queued, 0);
    assert_int_equal(tu_count_occurrences(out, "\"stats-span-1\""), 1);
    assert_int_equal(tu_count_occurrences(out, "\"stats-span-2\""), 1);
    free(out);
}

/* The SDK installs its provider as the global one and unsets it on free, unless another
 * provider was installed since. */
static void test_sdk_env_global_provider(void **state)
{
    (void)state;
    setenv("OTEL_TRACES_EXPORTER", "none", 1);
    otelc_sdk *sdk = NULL;
    assert_int_equal(otelc_sdk_init_from_env(&sdk), OTELC_OK);
    assert_non_null(otelc_global_tracer_provider());
    assert_ptr_equal(otelc_global_tracer_provider(), otelc_sdk_tracer_provider(sdk));
    otelc_sdk_free(sdk);
    assert_null(otelc_global_tracer_provider());

    otelc_tracer_provider *other = parent_provider(1);
    assert_int_equal(otelc_sdk_init_from_env(&sdk), OTELC_OK);
    otelc_set_global_tracer_provider(other);
    otelc_sdk_free(sdk);
    assert_ptr_equal(otelc_global_tracer_provider(), other);
    otelc_set_global_tracer_provider(NULL);
    otelc_tracer_provider_free(other);
}

/* Every allocation of otelc_sdk_init_from_env failing in turn gives ENOMEM, leaks nothing
 * and installs no global provider. */
static void test_sdk_env_alloc_failures(void **state)
{
    (void)state;
    setenv("OTEL_RESOURCE_ATTRIBUTES", "a=1,b=2", 1);
    setenv("OTEL_TRACES_SAMPLER", "parentbased_always_off", 1);
    tu_alloc_install(0);
    otelc_sdk *sdk = NULL;
    assert_int_equal(otelc_sdk_init_from_env(&sdk), OTELC_OK);
    otelc_sdk_free(sdk);
    assert_int_equal(tu_alloc_live(), 0);
    uint64_t calls = tu_alloc_calls();
    assert_true(calls >= 4);
    for (uint64_t i = 1; i <= calls; i++) {
        tu_alloc_install(i);
        sdk = (otelc_sdk *)&sdk;
        assert_int_equal(otelc_sdk_init_from_env(&sdk), OTELC_ENOMEM);
        assert_ptr_equal(sdk, (otelc_sdk *)&sdk);
        assert_int_equal(tu_alloc_live(), 0);
        assert_null(otelc_global_tracer_provider());
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_sdk_env_disabled_gives_null_tracer, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_sdk_env_not_disabled, setup, teardown),
        cmocka_unit_test_setup_teardown(test_sdk_env_exporter_list, setup, teardown),
        cmocka_unit_test_setup_teardown(test_sdk_env_otlp_exporter, setup, teardown),
        cmocka_unit_test_setup_teardown(test_sdk_env_otlp_grpc_exporter, setup, teardown),
        cmocka_unit_test_setup_teardown(test_sdk_env_sampler_from_env, setup, teardown),
        cmocka_unit_test_setup_teardown(test_sdk_env_limits_from_env, setup, teardown),
        cmocka_unit_test_setup_teardown(test_sdk_env_stats_after_ending_spans, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_sdk_env_global_provider, setup, teardown),
        cmocka_unit_test_setup_teardown(test_sdk_env_alloc_failures, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
