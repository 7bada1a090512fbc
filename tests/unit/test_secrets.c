/* SPDX-License-Identifier: Apache-2.0 */
/* Secrets stay out of logs and error strings: a token planted in every place a user puts one
 * (request headers, the endpoint's user info and query, the contents of certificate and key
 * files) is searched for in everything the SDK logged at every level while it was configured
 * from the environment, failed to export, and shut down. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "testutil.h"

#include "otelc/otelc.h"

#define PLANTED "PLANTED-7f3a9c"

static const char *const k_vars[] = {
    "OTEL_TRACES_EXPORTER",        "OTEL_EXPORTER_OTLP_ENDPOINT",
    "OTEL_EXPORTER_OTLP_HEADERS",  "OTEL_EXPORTER_OTLP_TRACES_HEADERS",
    "OTEL_EXPORTER_OTLP_TIMEOUT",  "OTEL_EXPORTER_OTLP_CERTIFICATE",
    "OTEL_EXPORTER_OTLP_CLIENT_CERTIFICATE", "OTEL_EXPORTER_OTLP_CLIENT_KEY",
    "OTEL_EXPORTER_OTLP_PROTOCOL", "OTEL_BSP_SCHEDULE_DELAY",
    "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT",
};

static char g_dir[64];
static char g_ca[96], g_key[96];

static void write_file(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
}

static int setup(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof k_vars / sizeof k_vars[0]; i++)
        unsetenv(k_vars[i]);
    snprintf(g_dir, sizeof g_dir, "/tmp/otelc-secrets-XXXXXX");
    assert_non_null(mkdtemp(g_dir));
    snprintf(g_ca, sizeof g_ca, "%s/ca.pem", g_dir);
    snprintf(g_key, sizeof g_key, "%s/key.pem", g_dir);
    /* Not PEM at all: a loader that echoed what it read would leak the token. */
    write_file(g_ca, "-----BEGIN CERTIFICATE-----\n" PLANTED "\n-----END CERTIFICATE-----\n");
    write_file(g_key, "-----BEGIN PRIVATE KEY-----\n" PLANTED "\n-----END PRIVATE KEY-----\n");
    tu_log_capture(OTELC_LOG_DEBUG);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    tu_log_release();
    for (size_t i = 0; i < sizeof k_vars / sizeof k_vars[0]; i++)
        unsetenv(k_vars[i]);
    unlink(g_ca);
    unlink(g_key);
    rmdir(g_dir);
    return 0;
}

/* Runs the SDK from the environment: one span, a flush that fails, shutdown. Returns the
 * number of spans whose export failed (the proof that the failure path ran: the repeated
 * failure's log line is throttled). */
static uint64_t run_sdk_once(void)
{
    otelc_sdk *sdk = NULL;
    assert_int_equal(otelc_sdk_init_from_env(&sdk), OTELC_OK);
    otelc_tracer *t = otelc_sdk_get_tracer(sdk, "secrets", NULL);
    otelc_span *s = otelc_span_start(t, "op", NULL);
    otelc_span_set_attr_str(s, "http.request.method", "GET");
    otelc_span_end(s);
    (void)otelc_sdk_force_flush(sdk, 3000);
    otelc_span_processor_stats st;
    memset(&st, 0, sizeof st);
    st.size = sizeof st;
    otelc_sdk_get_stats(sdk, &st);
    (void)otelc_sdk_shutdown(sdk, 2000);
    otelc_sdk_free(sdk);
    return st.failed;
}

/* Header values (well-formed and malformed), the endpoint's password and query, and the
 * contents of the CA, client certificate and key files are never logged. */
static void test_secrets_never_logged(void **state)
{
    (void)state;
    /* Plain http to a closed port: the export fails after retries and is reported. */
    setenv("OTEL_TRACES_EXPORTER", "otlp", 1);
    setenv("OTEL_EXPORTER_OTLP_ENDPOINT", "http://user:" PLANTED "@127.0.0.1:9/?token=" PLANTED,
           1);
    setenv("OTEL_EXPORTER_OTLP_HEADERS", "authorization=Bearer%20" PLANTED ",x-key=" PLANTED,
           1);
    setenv("OTEL_EXPORTER_OTLP_TIMEOUT", "300", 1);
    assert_int_equal(run_sdk_once(), 1);
    assert_true(tu_log_count() > 0); /* the failure was reported ... */
    assert_false(tu_log_contains(PLANTED)); /* ... without the secrets */

    /* A malformed header list is refused with a warning that does not quote it. */
    tu_log_clear();
    setenv("OTEL_EXPORTER_OTLP_HEADERS", "authorization=" PLANTED "%zz", 1);
    assert_int_equal(run_sdk_once(), 1);
    assert_true(tu_log_contains("OTEL_EXPORTER_OTLP_HEADERS"));
    assert_false(tu_log_contains(PLANTED));

    /* https with a CA file, client certificate and key that are not PEM: TLS set-up fails. */
    tu_log_clear();
    setenv("OTEL_EXPORTER_OTLP_HEADERS", "authorization=Bearer%20" PLANTED, 1);
    setenv("OTEL_EXPORTER_OTLP_ENDPOINT", "https://127.0.0.1:9", 1);
    setenv("OTEL_EXPORTER_OTLP_CERTIFICATE", g_ca, 1);
    setenv("OTEL_EXPORTER_OTLP_CLIENT_CERTIFICATE", g_ca, 1);
    setenv("OTEL_EXPORTER_OTLP_CLIENT_KEY", g_key, 1);
    assert_int_equal(run_sdk_once(), 1);
    assert_false(tu_log_contains(PLANTED));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_secrets_never_logged, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
