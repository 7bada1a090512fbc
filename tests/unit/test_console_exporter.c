/* SPDX-License-Identifier: Apache-2.0 */
/* Tests of the console span exporter: one OTLP/JSON line per span, files, write errors. */
#include <dirent.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "testutil.h"

#include "exporters/console/otlp_json.h"
#include "otelc/exporters.h"
#include "sdk/common/alloc.h"

static char g_dir[PATH_MAX]; /* a private temporary directory, made by main() */

/* Spans to export, ended through a provider with a memory exporter. */
struct source {
    otelc_tracer_provider *tp;
    otelc_span *spans[3]; /* "one", "two", "three"; one reference each */
};

static void source_start(struct source *src)
{
    static const char *const names[3] = {"one", "two", "three"};
    otelc_span_exporter *mem;
    otelc_span_processor *proc;
    otelc_tracer_provider_options o;
    assert_int_equal(otelc_memory_exporter_new(&mem), OTELC_OK);
    assert_int_equal(otelc_simple_span_processor_new(&proc, mem), OTELC_OK);
    otelc_tracer_provider_options_init(&o);
    o.processors = &proc;
    o.processor_count = 1;
    assert_int_equal(otelc_tracer_provider_new(&src->tp, &o), OTELC_OK);
    otelc_tracer *t = otelc_tracer_provider_get_tracer(src->tp, "test", NULL, NULL, NULL, 0);
    for (size_t i = 0; i < 3; i++)
        otelc_span_end(otelc_span_start(t, names[i], NULL));
    assert_int_equal(otelc_memory_exporter_count(mem), 3);
    for (size_t i = 0; i < 3; i++)
        assert_non_null(src->spans[i] = otelc_memory_exporter_get(mem, i));
}

static void source_stop(struct source *src)
{
    for (size_t i = 0; i < 3; i++)
        otelc_span_release(src->spans[i]);
    otelc_tracer_provider_free(src->tp);
}

/* What the exporter must write for spans[0..n): each span alone in a request, one a line. */
static char *expected_lines(otelc_span *const *spans, size_t n)
{
    struct otelc__buf b;
    otelc__buf_init(&b);
    for (size_t i = 0; i < n; i++) {
        assert_int_equal(otelc__otlp_json_encode_spans(&b, &spans[i], 1), OTELC_OK);
        otelc__buf_append_char(&b, '\n');
    }
    assert_int_equal(b.oom, 0);
    return b.data;
}

/* What the file behind f holds, read through its descriptor: bytes still in f's stdio buffer
 * do not count. */
static char *read_stream(FILE *f)
{
    static char text[65536];
    ssize_t n = pread(fileno(f), text, sizeof text - 1, 0);
    assert_true(n >= 0);
    text[n] = '\0';
    return text;
}

static char *read_path(const char *path)
{
    FILE *f = fopen(path, "r");
    assert_non_null(f);
    char *text = read_stream(f);
    fclose(f);
    return text;
}

static int count_lines(const char *text)
{
    int n = 0;
    for (; *text; text++)
        n += *text == '\n';
    return n;
}

/* The descriptor of this process open on path, or -1. */
static int find_fd(const char *path)
{
    char link[PATH_MAX], name[300];
    struct dirent *de;
    int found = -1;
    DIR *d = opendir("/proc/self/fd");
    assert_non_null(d);
    while ((de = readdir(d)) != NULL) {
        snprintf(name, sizeof name, "/proc/self/fd/%s", de->d_name);
        ssize_t n = readlink(name, link, sizeof link - 1);
        if (n <= 0)
            continue;
        link[n] = '\0';
        if (strcmp(link, path) == 0)
            found = (int)strtol(de->d_name, NULL, 10);
    }
    closedir(d);
    return found;
}

static void path_in_dir(char *out, size_t cap, const char *file)
{
    int n = snprintf(out, cap, "%s/%s", g_dir, file);
    assert_true(n > 0 && (size_t)n < cap);
    unlink(out);
}

/* One export call writes each span as its own line holding a whole request. */
static void test_console_exporter_writes_one_line_per_span(void **state)
{
    struct source src;
    otelc_console_exporter_options o;
    otelc_span_exporter *e;
    (void)state;
    source_start(&src);
    FILE *f = tmpfile();
    assert_non_null(f);
    otelc_console_exporter_options_init(&o);
    o.stream = f;
    assert_int_equal(otelc_console_exporter_new(&e, &o), OTELC_OK);
    assert_int_equal(otelc_span_exporter_export(e, src.spans, 3, UINT64_MAX), OTELC_OK);
    /* Flushed at the end of the call: the data is in the file, not in a stdio buffer. */
    char *text = read_stream(f);
    char *expected = expected_lines(src.spans, 3);
    assert_string_equal(text, expected);
    assert_int_equal(count_lines(text), 3);
    assert_non_null(strstr(text, "\"name\":\"one\""));
    assert_int_equal(strncmp(text, "{\"resourceSpans\":[{\"resource\":", 30), 0);
    otelc__free(expected);
    otelc_span_exporter_free(e);
    /* The stream is borrowed: still open and usable. */
    assert_true(fputs("end\n", f) >= 0);
    assert_int_equal(fclose(f), 0);
    source_stop(&src);
}

/* Through the simple processor every ended span is one line. */
static void test_console_exporter_through_simple_processor(void **state)
{
    otelc_console_exporter_options o;
    otelc_span_exporter *e;
    otelc_span_processor *proc;
    otelc_tracer_provider_options po;
    otelc_tracer_provider *tp;
    (void)state;
    FILE *f = tmpfile();
    assert_non_null(f);
    otelc_console_exporter_options_init(&o);
    o.stream = f;
    assert_int_equal(otelc_console_exporter_new(&e, &o), OTELC_OK);
    assert_int_equal(otelc_simple_span_processor_new(&proc, e), OTELC_OK);
    otelc_tracer_provider_options_init(&po);
    po.processors = &proc;
    po.processor_count = 1;
    assert_int_equal(otelc_tracer_provider_new(&tp, &po), OTELC_OK);
    otelc_tracer *t = otelc_tracer_provider_get_tracer(tp, "test", NULL, NULL, NULL, 0);
    otelc_span_end(otelc_span_start(t, "first", NULL));
    otelc_span_end(otelc_span_start(t, "second", NULL));
    otelc_tracer_provider_free(tp);
    char *text = read_stream(f);
    assert_int_equal(count_lines(text), 2);
    char *second = strchr(text, '\n') + 1;
    assert_non_null(strstr(text, "\"name\":\"first\""));
    assert_true(strstr(text, "\"name\":\"first\"") < second);
    assert_non_null(strstr(second, "\"name\":\"second\""));
    fclose(f);
}

/* A path is opened for appending, created 0644, close-on-exec, and closed at shutdown. */
static void test_console_exporter_appends_to_path(void **state)
{
    char path[PATH_MAX + 16];
    struct source src;
    otelc_console_exporter_options o;
    otelc_span_exporter *e;
    struct stat st;
    (void)state;
    source_start(&src);
    path_in_dir(path, sizeof path, "spans.json");
    mode_t old_mask = umask(022);

    otelc_console_exporter_options_init(&o);
    o.path = path;
    assert_int_equal(otelc_console_exporter_new(&e, &o), OTELC_OK);
    assert_int_equal(stat(path, &st), 0);
    assert_int_equal(st.st_mode & 0777, 0644);
    int fd = find_fd(path);
    assert_true(fd >= 0);
    assert_true(fcntl(fd, F_GETFD) & FD_CLOEXEC);
    assert_true(fcntl(fd, F_GETFL) & O_APPEND);
    assert_int_equal(otelc_span_exporter_export(e, src.spans, 1, UINT64_MAX), OTELC_OK);
    assert_int_equal(otelc_span_exporter_shutdown(e, UINT64_MAX), OTELC_OK);
    assert_int_equal(find_fd(path), -1);
    otelc_span_exporter_free(e);

    /* A second exporter appends after what is there. */
    assert_int_equal(otelc_console_exporter_new(&e, &o), OTELC_OK);
    assert_int_equal(otelc_span_exporter_export(e, &src.spans[1], 2, UINT64_MAX), OTELC_OK);
    otelc_span_exporter_free(e);
    assert_int_equal(find_fd(path), -1);
    char *expected = expected_lines(src.spans, 3);
    assert_string_equal(read_path(path), expected);
    otelc__free(expected);

    umask(old_mask);
    unlink(path);
    source_stop(&src);
}

/* A path that cannot be opened for writing is OTELC_EIO, and *out is untouched. */
static void test_console_exporter_bad_path_is_eio(void **state)
{
    char path[PATH_MAX + 16];
    otelc_console_exporter_options o;
    otelc_span_exporter *sentinel = (otelc_span_exporter *)&o;
    otelc_span_exporter *e = sentinel;
    (void)state;
    tu_log_capture(OTELC_LOG_ERROR);
    path_in_dir(path, sizeof path, "missing/spans.json");
    otelc_console_exporter_options_init(&o);
    o.path = path;
    assert_int_equal(otelc_console_exporter_new(&e, &o), OTELC_EIO);
    assert_ptr_equal(e, sentinel);
    o.path = g_dir; /* a directory */
    assert_int_equal(otelc_console_exporter_new(&e, &o), OTELC_EIO);
    assert_ptr_equal(e, sentinel);
    assert_int_equal(tu_log_count(), 2);
    assert_true(tu_log_contains("console exporter"));
    tu_log_release();
}

/* Write errors are OTELC_EIO with one throttled log line, whatever the number of failures. */
static void test_console_exporter_write_error_is_eio(void **state)
{
    char path[PATH_MAX + 16];
    struct source src;
    otelc_console_exporter_options o;
    otelc_span_exporter *e;
    (void)state;
    source_start(&src);
    tu_log_capture(OTELC_LOG_ERROR);

    FILE *full = fopen("/dev/full", "w");
    assert_non_null(full);
    otelc_console_exporter_options_init(&o);
    o.stream = full;
    assert_int_equal(otelc_console_exporter_new(&e, &o), OTELC_OK);
    assert_int_equal(otelc_span_exporter_export(e, src.spans, 3, UINT64_MAX), OTELC_EIO);
    assert_int_equal(otelc_span_exporter_export(e, src.spans, 1, UINT64_MAX), OTELC_EIO);
    otelc_span_exporter_free(e);
    fclose(full);

    /* A stream that was opened for reading cannot be written. */
    path_in_dir(path, sizeof path, "readonly.json");
    FILE *w = fopen(path, "w");
    assert_non_null(w);
    fclose(w);
    FILE *ro = fopen(path, "r");
    assert_non_null(ro);
    o.stream = ro;
    assert_int_equal(otelc_console_exporter_new(&e, &o), OTELC_OK);
    assert_int_equal(otelc_span_exporter_export(e, src.spans, 1, UINT64_MAX), OTELC_EIO);
    otelc_span_exporter_free(e);
    fclose(ro);
    unlink(path);

    assert_int_equal(tu_log_count(), 1);
    assert_true(tu_log_contains("console exporter: cannot write spans"));
    tu_log_release();
    source_stop(&src);
}

/* Options are checked: NULL out, an unknown format or an unset size is OTELC_EINVAL; NULL
 * options mean stdout. */
static void test_console_exporter_checks_options(void **state)
{
    otelc_console_exporter_options o;
    otelc_span_exporter *e = NULL;
    (void)state;
    assert_int_equal(otelc_console_exporter_new(NULL, NULL), OTELC_EINVAL);
    otelc_console_exporter_options_init(&o);
    o.format = (otelc_console_format)7;
    assert_int_equal(otelc_console_exporter_new(&e, &o), OTELC_EINVAL);
    otelc_console_exporter_options_init(&o);
    o.size = 0;
    assert_int_equal(otelc_console_exporter_new(&e, &o), OTELC_EINVAL);
    assert_null(e);
    otelc_console_exporter_options_init(NULL);
    assert_int_equal(otelc_console_exporter_new(&e, NULL), OTELC_OK);
    assert_non_null(e);
    otelc_span_exporter_free(e);
}

/* Every allocation failure in new() or export() is an error that leaks no memory and no
 * descriptor, and writes no partial line. */
static void test_console_exporter_fails_cleanly_without_memory(void **state)
{
    char path[PATH_MAX + 16];
    struct source src;
    otelc_console_exporter_options o;
    (void)state;
    source_start(&src);
    tu_log_capture(OTELC_LOG_WARN);
    path_in_dir(path, sizeof path, "oom.json");
    otelc_console_exporter_options_init(&o);
    o.path = path;
    for (uint64_t fail_at = 1;; fail_at++) {
        otelc_span_exporter *e = NULL;
        tu_alloc_install(fail_at);
        int rc = otelc_console_exporter_new(&e, &o);
        if (rc == OTELC_OK)
            rc = otelc_span_exporter_export(e, src.spans, 1, UINT64_MAX);
        int failed = tu_alloc_failed();
        assert_int_equal(rc, failed ? OTELC_ENOMEM : OTELC_OK);
        otelc_span_exporter_free(e);
        assert_int_equal(tu_alloc_live(), 0);
        tu_alloc_uninstall();
        assert_int_equal(find_fd(path), -1);
        if (!failed)
            break;
    }
    char *expected = expected_lines(src.spans, 1);
    assert_string_equal(read_path(path), expected);
    otelc__free(expected);
    unlink(path);
    tu_log_release();
    source_stop(&src);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_console_exporter_writes_one_line_per_span),
        cmocka_unit_test(test_console_exporter_through_simple_processor),
        cmocka_unit_test(test_console_exporter_appends_to_path),
        cmocka_unit_test(test_console_exporter_bad_path_is_eio),
        cmocka_unit_test(test_console_exporter_write_error_is_eio),
        cmocka_unit_test(test_console_exporter_checks_options),
        cmocka_unit_test(test_console_exporter_fails_cleanly_without_memory),
    };
    char tmpl[] = "/tmp/otelc-console-XXXXXX";
    if (!mkdtemp(tmpl) || !realpath(tmpl, g_dir))
        return 1;
    int rc = cmocka_run_group_tests(tests, NULL, NULL);
    rmdir(g_dir);
    return rc;
}
