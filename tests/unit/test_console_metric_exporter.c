/* SPDX-License-Identifier: Apache-2.0 */
/* Tests of the console metric exporter: one OTLP/JSON ExportMetricsServiceRequest line per
 * collection, files, write errors, options and memory failures. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "testutil.h"

#include "metric_fixture.h"
#include "otelc/exporters.h"
#include "sdk/metrics/metric_exporter_internal.h"

static char g_path[64];

static int setup(void **state)
{
    (void)state;
    snprintf(g_path, sizeof g_path, "/tmp/otelc-console-metrics-XXXXXX");
    int fd = mkstemp(g_path);
    assert_true(fd >= 0);
    close(fd);
    unlink(g_path); /* the exporter creates it */
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    tu_log_release();
    tu_alloc_uninstall();
    unlink(g_path);
    return 0;
}

/* The whole file, NUL-terminated (static: the tests read small files). */
static const char *read_file(const char *path)
{
    static char buf[16384];
    FILE *f = fopen(path, "r");
    assert_non_null(f);
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    fclose(f);
    buf[n] = '\0';
    return buf;
}

/* The file holds n lines, each the fixture's document (compared one line at a time: the whole
 * text is longer than a C string literal may portably be). */
static void assert_lines(const char *path, int n)
{
    static const char line[] = MF_JSON "\n";
    const char *text = read_file(path);
    for (int i = 0; i < n; i++) {
        assert_memory_equal(text, line, sizeof line - 1);
        text += sizeof line - 1;
    }
    assert_string_equal(text, "");
}

/* Each collection is one line; a second exporter on the same path appends. The exporter asks
 * readers for cumulative temporality and default aggregations. */
static void test_console_metric_exporter_one_line_per_collection(void **state)
{
    (void)state;
    otelc_console_exporter_options o;
    otelc_metric_exporter *e = NULL;
    otelc_console_exporter_options_init(&o);
    o.path = g_path;
    assert_int_equal(otelc_console_metric_exporter_new(&e, &o), OTELC_OK);
    assert_int_equal(otelc_metric_exporter_export(e, mf_collection(), UINT64_MAX), OTELC_OK);
    assert_int_equal(otelc_metric_exporter_export(e, mf_collection(), UINT64_MAX), OTELC_OK);
    assert_lines(g_path, 2);
    for (int k = 0; k < OTELC_INSTRUMENT_KIND_COUNT; k++) {
        assert_int_equal(otelc_metric_exporter_temporality(e, (otelc_instrument_kind)k),
                         OTELC_TEMPORALITY_CUMULATIVE);
        assert_int_equal(otelc_metric_exporter_aggregation(e, (otelc_instrument_kind)k),
                         OTELC_AGGREGATION_DEFAULT);
    }
    assert_int_equal(otelc__metric_exporter_force_flush(e, UINT64_MAX), OTELC_OK);
    assert_int_equal(otelc_metric_exporter_shutdown(e, UINT64_MAX), OTELC_OK);
    assert_int_equal(otelc_metric_exporter_export(e, mf_collection(), UINT64_MAX), OTELC_ESHUTDOWN);
    otelc_metric_exporter_free(e);

    assert_int_equal(otelc_console_metric_exporter_new(&e, &o), OTELC_OK);
    assert_int_equal(otelc_metric_exporter_export(e, mf_collection(), UINT64_MAX), OTELC_OK);
    otelc_metric_exporter_free(e);
    assert_lines(g_path, 3);
}

/* A stream that cannot be written is OTELC_EIO with one throttled line naming metrics; a path
 * that cannot be opened is OTELC_EIO and *out is untouched. */
static void test_console_metric_exporter_write_errors_are_eio(void **state)
{
    (void)state;
    otelc_console_exporter_options o;
    otelc_metric_exporter *e = NULL;
    tu_log_capture(OTELC_LOG_ERROR);
    FILE *full = fopen("/dev/full", "w");
    assert_non_null(full);
    otelc_console_exporter_options_init(&o);
    o.stream = full;
    assert_int_equal(otelc_console_metric_exporter_new(&e, &o), OTELC_OK);
    assert_int_equal(otelc_metric_exporter_export(e, mf_collection(), UINT64_MAX), OTELC_EIO);
    assert_int_equal(otelc_metric_exporter_export(e, mf_collection(), UINT64_MAX), OTELC_EIO);
    otelc_metric_exporter_free(e);
    fclose(full);
    assert_int_equal(tu_log_count(), 1);
    assert_true(tu_log_contains("console exporter: cannot write metrics"));

    e = NULL;
    o.stream = NULL;
    o.path = "/nonexistent-dir/metrics.json";
    assert_int_equal(otelc_console_metric_exporter_new(&e, &o), OTELC_EIO);
    assert_null(e);
}

/* Options are checked like the span exporter's; NULL options mean stdout. */
static void test_console_metric_exporter_checks_options(void **state)
{
    (void)state;
    otelc_console_exporter_options o;
    otelc_metric_exporter *e = NULL;
    assert_int_equal(otelc_console_metric_exporter_new(NULL, NULL), OTELC_EINVAL);
    otelc_console_exporter_options_init(&o);
    o.format = (otelc_console_format)7;
    assert_int_equal(otelc_console_metric_exporter_new(&e, &o), OTELC_EINVAL);
    otelc_console_exporter_options_init(&o);
    o.size = 0;
    assert_int_equal(otelc_console_metric_exporter_new(&e, &o), OTELC_EINVAL);
    assert_null(e);
    assert_int_equal(otelc_console_metric_exporter_new(&e, NULL), OTELC_OK);
    otelc_metric_exporter_free(e);
}

/* Every allocation failure in new() or export() is OTELC_ENOMEM, leaks nothing and writes no
 * partial line. */
static void test_console_metric_exporter_fails_cleanly_without_memory(void **state)
{
    (void)state;
    otelc_console_exporter_options o;
    tu_log_capture(OTELC_LOG_WARN);
    otelc_console_exporter_options_init(&o);
    o.path = g_path;
    mf_collection();
    for (uint64_t fail_at = 1;; fail_at++) {
        otelc_metric_exporter *e = NULL;
        tu_alloc_install(fail_at);
        int rc = otelc_console_metric_exporter_new(&e, &o);
        if (rc == OTELC_OK)
            rc = otelc_metric_exporter_export(e, mf_collection(), UINT64_MAX);
        int failed = tu_alloc_failed();
        assert_int_equal(rc, failed ? OTELC_ENOMEM : OTELC_OK);
        otelc_metric_exporter_free(e);
        assert_int_equal(tu_alloc_live(), 0);
        tu_alloc_uninstall();
        if (!failed)
            break;
    }
    assert_lines(g_path, 1);
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
        cmocka_unit_test_setup_teardown(test_console_metric_exporter_one_line_per_collection, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_console_metric_exporter_write_errors_are_eio, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_console_metric_exporter_checks_options, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_console_metric_exporter_fails_cleanly_without_memory,
                                        setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, teardown_group);
}
