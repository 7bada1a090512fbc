/* SPDX-License-Identifier: Apache-2.0 */
/* Tests of the diagnostic log: OTEL_LOG_LEVEL, threshold, handlers, throttling, truncation. */
#include "testutil.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sdk/common/log_internal.h"

/* A capture that keeps each line's level and text (testutil's keeps only the text). */
#define CAP_LINES 64
static struct {
    pthread_mutex_t mu;
    int count;
    otelc_log_level level[CAP_LINES];
    char msg[CAP_LINES][OTELC__LOG_LINE_MAX];
    void *user_data;
} cap = {.mu = PTHREAD_MUTEX_INITIALIZER};

static void cap_handler(otelc_log_level level, const char *msg, void *ud)
{
    pthread_mutex_lock(&cap.mu);
    if (cap.count < CAP_LINES) {
        cap.level[cap.count] = level;
        snprintf(cap.msg[cap.count], sizeof cap.msg[0], "%s", msg);
    }
    cap.count++;
    cap.user_data = ud;
    pthread_mutex_unlock(&cap.mu);
}

static void cap_reset(void)
{
    pthread_mutex_lock(&cap.mu);
    cap.count = 0;
    cap.user_data = NULL;
    pthread_mutex_unlock(&cap.mu);
}

static int teardown(void **state)
{
    (void)state;
    otelc_log_set_handler(NULL, NULL);
    otelc__log_set_throttle_interval_ns(OTELC__LOG_THROTTLE_NS);
    cap_reset();
    return 0;
}

/* Sets OTEL_LOG_LEVEL (NULL: unsets it) and re-reads it. */
static void reload_with(const char *value)
{
    if (value)
        setenv("OTEL_LOG_LEVEL", value, 1);
    else
        unsetenv("OTEL_LOG_LEVEL");
    otelc__log_reload_env();
}

/*
 * The OTEL_LOG_LEVEL tests come first and never call otelc_log_set_level(): once it has been
 * called, the environment is no longer read, which the last of them checks.
 */

/* The first use of the log reads OTEL_LOG_LEVEL, case-insensitively and ignoring blanks. */
static void test_log_env_read_lazily_on_first_use(void **state)
{
    (void)state;
    setenv("OTEL_LOG_LEVEL", " ERROR\t", 1);
    otelc_log_set_handler(cap_handler, NULL);
    assert_int_equal(otelc_log_get_level(), OTELC_LOG_ERROR);
    otelc__log(OTELC_LOG_WARN, "below the threshold");
    otelc__log(OTELC_LOG_ERROR, "at the threshold");
    assert_int_equal(cap.count, 1);
    assert_string_equal(cap.msg[0], "at the threshold");
}

/* Every documented value, in any case; unset and empty mean the default, info. */
static void test_log_env_values(void **state)
{
    (void)state;
    static const struct {
        const char *value;
        otelc_log_level level;
    } cases[] = {
        {"debug", OTELC_LOG_DEBUG}, {"DEBUG", OTELC_LOG_DEBUG},   {"info", OTELC_LOG_INFO},
        {"Info", OTELC_LOG_INFO},   {"warn", OTELC_LOG_WARN},     {"WARNING", OTELC_LOG_WARN},
        {"error", OTELC_LOG_ERROR}, {"none", OTELC_LOG_NONE},     {"  none  ", OTELC_LOG_NONE},
        {"", OTELC_LOG_INFO},       {"\t ", OTELC_LOG_INFO},      {NULL, OTELC_LOG_INFO},
    };
    otelc_log_set_handler(cap_handler, NULL);
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        reload_with("error");
        reload_with(cases[i].value);
        assert_int_equal(otelc_log_get_level(), cases[i].level);
    }
    assert_int_equal(cap.count, 0);
}

/* A bad value gives one warning naming the variable and the value, and the default is used;
 * the warning shows even when the previous threshold was above warn. */
static void test_log_env_bad_value_warns_once(void **state)
{
    (void)state;
    otelc_log_set_handler(cap_handler, NULL);
    reload_with("none");
    reload_with("loud");
    assert_int_equal(otelc_log_get_level(), OTELC_LOG_INFO);
    assert_int_equal(cap.count, 1);
    assert_int_equal(cap.level[0], OTELC_LOG_WARN);
    assert_non_null(strstr(cap.msg[0], "OTEL_LOG_LEVEL='loud'"));
    assert_non_null(strstr(cap.msg[0], "using info"));

    cap_reset();
    reload_with("warn ing");
    assert_int_equal(otelc_log_get_level(), OTELC_LOG_INFO);
    assert_int_equal(cap.count, 1);
    assert_non_null(strstr(cap.msg[0], "'warn ing'"));
}

/* otelc_log_set_level() wins over OTEL_LOG_LEVEL from then on. */
static void test_log_env_ignored_after_set_level(void **state)
{
    (void)state;
    otelc_log_set_level(OTELC_LOG_DEBUG);
    reload_with("error");
    assert_int_equal(otelc_log_get_level(), OTELC_LOG_DEBUG);
    otelc_log_set_handler(cap_handler, NULL);
    reload_with("bogus");
    assert_int_equal(otelc_log_get_level(), OTELC_LOG_DEBUG);
    assert_int_equal(cap.count, 0);
}

static void test_log_threshold_filters(void **state)
{
    (void)state;
    otelc_log_set_handler(cap_handler, NULL);
    otelc_log_set_level(OTELC_LOG_WARN);
    assert_false(otelc__log_enabled(OTELC_LOG_DEBUG));
    assert_false(otelc__log_enabled(OTELC_LOG_INFO));
    assert_true(otelc__log_enabled(OTELC_LOG_WARN));
    assert_true(otelc__log_enabled(OTELC_LOG_ERROR));
    otelc__log(OTELC_LOG_DEBUG, "d");
    otelc__log(OTELC_LOG_INFO, "i");
    otelc__log(OTELC_LOG_WARN, "w %d", 1);
    otelc__log(OTELC_LOG_ERROR, "e %s", "x");
    assert_int_equal(cap.count, 2);
    assert_int_equal(cap.level[0], OTELC_LOG_WARN);
    assert_string_equal(cap.msg[0], "w 1");
    assert_int_equal(cap.level[1], OTELC_LOG_ERROR);
    assert_string_equal(cap.msg[1], "e x");

    cap_reset();
    otelc_log_set_level(OTELC_LOG_DEBUG);
    otelc__log(OTELC_LOG_DEBUG, "d");
    /* NONE is a threshold, not a message level. */
    otelc__log(OTELC_LOG_NONE, "never");
    assert_int_equal(cap.count, 1);

    cap_reset();
    otelc_log_set_level(OTELC_LOG_NONE);
    otelc__log(OTELC_LOG_ERROR, "e");
    assert_int_equal(cap.count, 0);
    assert_int_equal(otelc_log_get_level(), OTELC_LOG_NONE);
}

static void test_log_set_level_ignores_out_of_range(void **state)
{
    (void)state;
    otelc_log_set_level(OTELC_LOG_ERROR);
    otelc_log_set_level((otelc_log_level)42);
    otelc_log_set_level((otelc_log_level)-1);
    assert_int_equal(otelc_log_get_level(), OTELC_LOG_ERROR);
}

static int g_other_count;
static void other_handler(otelc_log_level level, const char *msg, void *ud)
{
    (void)level;
    (void)msg;
    (void)ud;
    g_other_count++;
}

/* The new handler gets the lines and its user_data; the old one gets nothing more. */
static void test_log_handler_swap(void **state)
{
    (void)state;
    int token = 0;
    otelc_log_set_level(OTELC_LOG_INFO);
    otelc_log_set_handler(cap_handler, &token);
    otelc__log(OTELC_LOG_INFO, "one");
    assert_int_equal(cap.count, 1);
    assert_ptr_equal(cap.user_data, &token);

    g_other_count = 0;
    otelc_log_set_handler(other_handler, NULL);
    otelc__log(OTELC_LOG_INFO, "two");
    assert_int_equal(cap.count, 1);
    assert_int_equal(g_other_count, 1);
}

/* Runs fn with stderr redirected to a fresh O_APPEND file and returns what was written. */
static char *capture_stderr(void (*fn)(void))
{
    char path[] = "/tmp/otelc_test_log_XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    unlink(path);
    assert_int_equal(fcntl(fd, F_SETFL, O_APPEND), 0);
    int saved = dup(STDERR_FILENO);
    assert_true(saved >= 0);
    assert_true(dup2(fd, STDERR_FILENO) >= 0);
    fn();
    assert_true(dup2(saved, STDERR_FILENO) >= 0);
    close(saved);
    off_t size = lseek(fd, 0, SEEK_END);
    assert_true(size >= 0);
    char *text = calloc(1, (size_t)size + 1);
    assert_non_null(text);
    assert_int_equal(pread(fd, text, (size_t)size, 0), size);
    close(fd);
    return text;
}

static void log_each_level(void)
{
    otelc__log(OTELC_LOG_DEBUG, "a %d", 1);
    otelc__log(OTELC_LOG_INFO, "b");
    otelc__log(OTELC_LOG_WARN, "c");
    otelc__log(OTELC_LOG_ERROR, "d");
}

/* NULL restores the default handler: `otelc: <level>: <msg>` and a newline on stderr. */
static void test_log_default_handler_format(void **state)
{
    (void)state;
    otelc_log_set_level(OTELC_LOG_DEBUG);
    otelc_log_set_handler(cap_handler, NULL);
    otelc_log_set_handler(NULL, NULL);
    char *text = capture_stderr(log_each_level);
    assert_string_equal(text,
                        "otelc: debug: a 1\notelc: info: b\notelc: warn: c\notelc: error: d\n");
    free(text);
    assert_int_equal(cap.count, 0);
}

#define WRITERS 4
#define LINES_PER_WRITER 300

static void *write_lines(void *arg)
{
    int id = (int)(intptr_t)arg;
    for (int i = 0; i < LINES_PER_WRITER; i++)
        otelc__log(OTELC_LOG_WARN, "writer %d line %d %s", id, i,
                   "padding padding padding padding padding padding padding padding");
    return NULL;
}

static void log_from_threads(void)
{
    pthread_t th[WRITERS];
    for (int i = 0; i < WRITERS; i++)
        assert_int_equal(pthread_create(&th[i], NULL, write_lines, (void *)(intptr_t)i), 0);
    for (int i = 0; i < WRITERS; i++)
        pthread_join(th[i], NULL);
}

/* Lines from concurrent threads never interleave on stderr (one write per line). */
static void test_log_default_handler_lines_never_interleave(void **state)
{
    (void)state;
    otelc_log_set_level(OTELC_LOG_WARN);
    char *text = capture_stderr(log_from_threads);
    int seen[WRITERS] = {0};
    int lines = 0;
    for (char *line = text, *nl; (nl = strchr(line, '\n')) != NULL; line = nl + 1) {
        *nl = '\0';
        int id, i, used = 0;
        assert_int_equal(sscanf(line, "otelc: warn: writer %d line %d %n", &id, &i, &used), 2);
        assert_true(id >= 0 && id < WRITERS);
        assert_int_equal(i, seen[id]);
        seen[id]++;
        assert_string_equal(line + used,
                            "padding padding padding padding padding padding padding padding");
        lines++;
    }
    assert_int_equal(lines, WRITERS * LINES_PER_WRITER);
    free(text);
}

static atomic_int g_count_a, g_count_b;
static void count_handler(otelc_log_level level, const char *msg, void *ud)
{
    (void)level;
    (void)msg;
    atomic_fetch_add((atomic_int *)ud, 1);
}

static atomic_int g_stop;
static void *log_until_stopped(void *arg)
{
    int *sent = arg;
    while (!atomic_load(&g_stop)) {
        otelc__log(OTELC_LOG_WARN, "x");
        (*sent)++;
    }
    return NULL;
}

/* Swapping the handler while threads log loses no line and calls no stale pair. */
static void test_log_handler_swap_while_logging(void **state)
{
    (void)state;
    otelc_log_set_level(OTELC_LOG_WARN);
    atomic_store(&g_count_a, 0);
    atomic_store(&g_count_b, 0);
    atomic_store(&g_stop, 0);
    otelc_log_set_handler(count_handler, &g_count_a);
    pthread_t th[WRITERS];
    int sent[WRITERS] = {0};
    for (int i = 0; i < WRITERS; i++)
        assert_int_equal(pthread_create(&th[i], NULL, log_until_stopped, &sent[i]), 0);
    for (int i = 0; i < 2000; i++)
        otelc_log_set_handler(count_handler, (i & 1) ? &g_count_a : &g_count_b);
    atomic_store(&g_stop, 1);
    int total = 0;
    for (int i = 0; i < WRITERS; i++) {
        pthread_join(th[i], NULL);
        total += sent[i];
    }
    assert_int_equal(atomic_load(&g_count_a) + atomic_load(&g_count_b), total);
}

static int g_recursive_calls;
static void recursive_handler(otelc_log_level level, const char *msg, void *ud)
{
    (void)level;
    (void)ud;
    g_recursive_calls++;
    otelc__log(OTELC_LOG_ERROR, "from the handler: %s", msg);
    OTELC__LOG_THROTTLED(OTELC_LOG_ERROR, "throttled from the handler");
    /* Would wait on this thread's own lock if it were not refused. */
    otelc_log_set_handler(NULL, NULL);
}

/* A handler that logs does not recurse, and cannot replace itself from inside. */
static void test_log_handler_cannot_recurse(void **state)
{
    (void)state;
    otelc_log_set_level(OTELC_LOG_INFO);
    g_recursive_calls = 0;
    otelc_log_set_handler(recursive_handler, NULL);
    otelc__log(OTELC_LOG_WARN, "outer");
    otelc__log(OTELC_LOG_WARN, "outer again");
    assert_int_equal(g_recursive_calls, 2);
}

/* Logging leaves the caller's errno alone. */
static void test_log_preserves_errno(void **state)
{
    (void)state;
    otelc_log_set_level(OTELC_LOG_INFO);
    otelc_log_set_handler(cap_handler, NULL);
    errno = EAGAIN;
    otelc__log(OTELC_LOG_WARN, "%s", strerror(EBADF));
    assert_int_equal(errno, EAGAIN);
    assert_int_equal(cap.count, 1);
}

/* A message that fills the buffer exactly is kept whole; one byte more and it ends in "...". */
static void test_log_long_message_truncated(void **state)
{
    (void)state;
    static char text[3 * OTELC__LOG_LINE_MAX];
    const size_t max = OTELC__LOG_LINE_MAX - 1;
    otelc_log_set_level(OTELC_LOG_INFO);
    otelc_log_set_handler(cap_handler, NULL);

    memset(text, 'a', max);
    text[max] = '\0';
    otelc__log(OTELC_LOG_WARN, "%s", text);
    assert_int_equal(strlen(cap.msg[0]), max);
    assert_string_equal(cap.msg[0], text);

    memset(text, 'a', sizeof text - 1);
    text[sizeof text - 1] = '\0';
    otelc__log(OTELC_LOG_WARN, "%s", text);
    assert_int_equal(strlen(cap.msg[1]), max);
    assert_memory_equal(cap.msg[1], text, max - 3);
    assert_string_equal(cap.msg[1] + max - 3, "...");
}

/* The cut never splits a UTF-8 character. */
static void test_log_truncation_keeps_utf8_whole(void **state)
{
    (void)state;
    static char text[2 * OTELC__LOG_LINE_MAX];
    const size_t keep = OTELC__LOG_LINE_MAX - 5; /* the 'a's that fit before "é" */
    otelc_log_set_level(OTELC_LOG_INFO);
    otelc_log_set_handler(cap_handler, NULL);
    memset(text, 'a', keep);
    memcpy(text + keep, "\xc3\xa9", 2);
    memset(text + keep + 2, 'b', sizeof text - keep - 3);
    text[sizeof text - 1] = '\0';
    otelc__log(OTELC_LOG_WARN, "%s", text);
    assert_int_equal(strlen(cap.msg[0]), keep + 3);
    assert_memory_equal(cap.msg[0], text, keep);
    assert_string_equal(cap.msg[0] + keep, "...");
}

static void throttled_site(int i) { OTELC__LOG_THROTTLED(OTELC_LOG_WARN, "queue full (%d)", i); }

/* 1000 calls within the interval give one line; the next line counts the rest. */
static void test_log_throttled_one_line_per_interval(void **state)
{
    (void)state;
    otelc_log_set_level(OTELC_LOG_INFO);
    otelc_log_set_handler(cap_handler, NULL);
    otelc__log_set_throttle_interval_ns(3600ull * 1000000000ull);
    for (int i = 0; i < 1000; i++)
        throttled_site(i);
    assert_int_equal(cap.count, 1);
    assert_string_equal(cap.msg[0], "queue full (0)");

    /* The interval has passed: with no throttling the next call is due at once. */
    otelc__log_set_throttle_interval_ns(0);
    throttled_site(1000);
    throttled_site(1001);
    assert_int_equal(cap.count, 3);
    assert_string_equal(cap.msg[1], "queue full (1000) (999 similar messages suppressed)");
    assert_string_equal(cap.msg[2], "queue full (1001)");
}

static void other_throttled_site(void) { OTELC__LOG_THROTTLED(OTELC_LOG_WARN, "other site"); }

/* Each call site has its own budget. */
static void test_log_throttled_sites_are_independent(void **state)
{
    (void)state;
    struct otelc__throttle t = {0};
    otelc_log_set_level(OTELC_LOG_INFO);
    otelc_log_set_handler(cap_handler, NULL);
    otelc__log_set_throttle_interval_ns(3600ull * 1000000000ull);
    otelc__log_throttled(&t, OTELC_LOG_WARN, "site t");
    other_throttled_site();
    other_throttled_site();
    otelc__log_throttled(&t, OTELC_LOG_WARN, "site t");
    assert_int_equal(cap.count, 2);
    assert_string_equal(cap.msg[0], "site t");
    assert_string_equal(cap.msg[1], "other site");
    assert_int_equal(atomic_load(&t.suppressed), 1);
}

/* Calls below the threshold are neither logged nor counted as suppressed. */
static void test_log_throttled_below_threshold_not_counted(void **state)
{
    (void)state;
    struct otelc__throttle t = {0};
    otelc_log_set_handler(cap_handler, NULL);
    otelc__log_set_throttle_interval_ns(0);
    otelc_log_set_level(OTELC_LOG_ERROR);
    for (int i = 0; i < 10; i++)
        otelc__log_throttled(&t, OTELC_LOG_WARN, "hidden");
    assert_int_equal(cap.count, 0);
    otelc_log_set_level(OTELC_LOG_WARN);
    otelc__log_throttled(&t, OTELC_LOG_WARN, "shown");
    assert_int_equal(cap.count, 1);
    assert_string_equal(cap.msg[0], "shown");
}

/* The suppressed count does not push the message out: the message is cut instead. */
static void test_log_throttled_suffix_survives_truncation(void **state)
{
    (void)state;
    static char text[2 * OTELC__LOG_LINE_MAX];
    struct otelc__throttle t = {0};
    const char *suffix = " (2 similar messages suppressed)";
    otelc_log_set_level(OTELC_LOG_INFO);
    otelc_log_set_handler(cap_handler, NULL);
    memset(text, 'z', sizeof text - 1);
    text[sizeof text - 1] = '\0';
    otelc__log_set_throttle_interval_ns(3600ull * 1000000000ull);
    for (int i = 0; i < 3; i++)
        otelc__log_throttled(&t, OTELC_LOG_WARN, "%s", text);
    otelc__log_set_throttle_interval_ns(0);
    otelc__log_throttled(&t, OTELC_LOG_WARN, "%s", text);
    assert_int_equal(cap.count, 2);
    size_t len = strlen(cap.msg[1]);
    assert_int_equal(len, OTELC__LOG_LINE_MAX - 1);
    assert_string_equal(cap.msg[1] + len - strlen(suffix), suffix);
    assert_memory_equal(cap.msg[1] + len - strlen(suffix) - 3, "...", 3);
}

#define THROTTLE_THREADS 4
#define THROTTLE_CALLS 10000
static struct otelc__throttle g_shared_site;

static void *hammer_site(void *arg)
{
    (void)arg;
    for (int i = 0; i < THROTTLE_CALLS; i++)
        otelc__log_throttled(&g_shared_site, OTELC_LOG_WARN, "shared");
    return NULL;
}

/* Concurrent callers of one site still get one line, and every other call is counted. */
static void test_log_throttled_concurrent_callers(void **state)
{
    (void)state;
    otelc_log_set_level(OTELC_LOG_INFO);
    otelc_log_set_handler(cap_handler, NULL);
    otelc__log_set_throttle_interval_ns(3600ull * 1000000000ull);
    pthread_t th[THROTTLE_THREADS];
    for (int i = 0; i < THROTTLE_THREADS; i++)
        assert_int_equal(pthread_create(&th[i], NULL, hammer_site, NULL), 0);
    for (int i = 0; i < THROTTLE_THREADS; i++)
        pthread_join(th[i], NULL);
    assert_int_equal(cap.count, 1);
    otelc__log_set_throttle_interval_ns(0);
    otelc__log_throttled(&g_shared_site, OTELC_LOG_WARN, "shared");
    assert_int_equal(cap.count, 2);
    char expect[96];
    snprintf(expect, sizeof expect, "shared (%d similar messages suppressed)",
             THROTTLE_THREADS * THROTTLE_CALLS - 1);
    assert_string_equal(cap.msg[1], expect);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        /* These four first, in this order: see the comment above them. */
        cmocka_unit_test_teardown(test_log_env_read_lazily_on_first_use, teardown),
        cmocka_unit_test_teardown(test_log_env_values, teardown),
        cmocka_unit_test_teardown(test_log_env_bad_value_warns_once, teardown),
        cmocka_unit_test_teardown(test_log_env_ignored_after_set_level, teardown),

        cmocka_unit_test_teardown(test_log_threshold_filters, teardown),
        cmocka_unit_test_teardown(test_log_set_level_ignores_out_of_range, teardown),
        cmocka_unit_test_teardown(test_log_handler_swap, teardown),
        cmocka_unit_test_teardown(test_log_default_handler_format, teardown),
        cmocka_unit_test_teardown(test_log_default_handler_lines_never_interleave, teardown),
        cmocka_unit_test_teardown(test_log_handler_swap_while_logging, teardown),
        cmocka_unit_test_teardown(test_log_handler_cannot_recurse, teardown),
        cmocka_unit_test_teardown(test_log_preserves_errno, teardown),
        cmocka_unit_test_teardown(test_log_long_message_truncated, teardown),
        cmocka_unit_test_teardown(test_log_truncation_keeps_utf8_whole, teardown),
        cmocka_unit_test_teardown(test_log_throttled_one_line_per_interval, teardown),
        cmocka_unit_test_teardown(test_log_throttled_sites_are_independent, teardown),
        cmocka_unit_test_teardown(test_log_throttled_below_threshold_not_counted, teardown),
        cmocka_unit_test_teardown(test_log_throttled_suffix_survives_truncation, teardown),
        cmocka_unit_test_teardown(test_log_throttled_concurrent_callers, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
