/* SPDX-License-Identifier: Apache-2.0 */
/* A process with live producer threads forks 100 times: every child exports its own spans
 * and exits through shutdown; nothing is exported twice; no child sends the parent's spans;
 * nothing deadlocks (a watchdog alarm fails the test if it does). */
#include <fcntl.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "otelc/otelc.h"

#define FORKS 100
#define CHILD_SPANS 20
#define PRODUCERS 2

static int g_fd = -1;

/* Writes one line per span: "<pid> <name> <span id hex>". One write(2) per batch keeps the
 * lines of concurrent processes whole (O_APPEND). */
static int file_export(void *ud, otelc_span *const *spans, size_t n, uint64_t deadline)
{
    (void)ud;
    (void)deadline;
    char buf[64 * 512];
    size_t len = 0;
    for (size_t i = 0; i < n; i++) {
        otelc_span_context c = otelc_span_get_context(spans[i]);
        char hex[17];
        for (int k = 0; k < 8; k++)
            snprintf(hex + 2 * k, 3, "%02x", c.span_id[k]);
        int w = snprintf(buf + len, sizeof buf - len, "%d %s %s\n", (int)getpid(),
                         otelc_span_get_name(spans[i]), hex);
        if (w < 0 || (size_t)w >= sizeof buf - len)
            return OTELC_EIO;
        len += (size_t)w;
        if (len > sizeof buf - 64 || i + 1 == n) {
            if (write(g_fd, buf, len) != (ssize_t)len)
                return OTELC_EIO;
            len = 0;
        }
    }
    return OTELC_OK;
}

static const otelc_span_exporter_methods file_methods = {
    .version = OTELC_SPAN_EXPORTER_METHODS_VERSION,
    .export_spans = file_export,
};

static otelc_tracer *g_tracer;
static _Atomic int g_stop;

static void *producer(void *arg)
{
    (void)arg;
    while (!atomic_load(&g_stop)) {
        otelc_span *s = otelc_span_start(g_tracer, "parent", NULL);
        otelc_span_set_attr_str(s, "who", "parent");
        otelc_span_end(s);
        struct timespec ts = {0, 20000};
        nanosleep(&ts, NULL);
    }
    return NULL;
}

#define CHECK(cond)                                                                           \
    do {                                                                                      \
        if (!(cond)) {                                                                        \
            fprintf(stderr, "FAIL %s:%d: %s\n", __FILE__, __LINE__, #cond);                   \
            exit(1);                                                                          \
        }                                                                                     \
    } while (0)

struct line {
    int pid;
    char name[16];
    char id[17];
};

static int cmp_id(const void *a, const void *b)
{
    return strcmp(((const struct line *)a)->id, ((const struct line *)b)->id);
}

int main(void)
{
    alarm(300); /* a deadlock anywhere turns into a failure, not a hung CI */
    char path[] = "/tmp/otelc-fork-XXXXXX";
    g_fd = mkstemp(path);
    CHECK(g_fd >= 0);
    CHECK(fcntl(g_fd, F_SETFL, O_APPEND) == 0);

    otelc_span_exporter *e = NULL;
    CHECK(otelc_span_exporter_new(&e, &file_methods, NULL) == OTELC_OK);
    otelc_batch_span_processor_options o;
    otelc_batch_span_processor_options_init(&o);
    o.schedule_delay_ms = 5;
    o.max_export_batch_size = 64;
    otelc_span_processor *p = NULL;
    CHECK(otelc_batch_span_processor_new(&p, e, &o) == OTELC_OK);
    otelc_tracer_provider_options po;
    otelc_tracer_provider_options_init(&po);
    po.processors = &p;
    po.processor_count = 1;
    otelc_tracer_provider *tp = NULL;
    CHECK(otelc_tracer_provider_new(&tp, &po) == OTELC_OK);
    g_tracer = otelc_tracer_provider_get_tracer(tp, "fork", NULL, NULL, NULL, 0);

    pthread_t th[PRODUCERS];
    for (int i = 0; i < PRODUCERS; i++)
        CHECK(pthread_create(&th[i], NULL, producer, NULL) == 0);

    int pids[FORKS];
    for (int i = 0; i < FORKS; i++) {
        pid_t pid = fork();
        CHECK(pid >= 0);
        if (pid == 0) {
            /* The child: only this thread exists; the SDK must still work. */
            for (int k = 0; k < CHILD_SPANS; k++)
                otelc_span_end(otelc_span_start(g_tracer, "child", NULL));
            otelc_span_processor_stats st;
            memset(&st, 0, sizeof st);
            st.size = sizeof st;
            int rc = otelc_tracer_provider_force_flush(tp, 10000);
            otelc_tracer_provider_get_stats(tp, &st);
            int rc2 = otelc_tracer_provider_shutdown(tp, 10000);
            otelc_tracer_provider_free(tp);
            _exit(rc == OTELC_OK && rc2 == OTELC_OK && st.ended == CHILD_SPANS &&
                          st.exported == CHILD_SPANS
                      ? 0
                      : 3);
        }
        pids[i] = pid;
        int status = 0;
        CHECK(waitpid(pid, &status, 0) == pid);
        if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
            fprintf(stderr, "child %d status %d\n", (int)pid, status);
        CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    }
    atomic_store(&g_stop, 1);
    for (int i = 0; i < PRODUCERS; i++)
        pthread_join(th[i], NULL);
    CHECK(otelc_tracer_provider_force_flush(tp, 10000) == OTELC_OK);
    otelc_span_processor_stats st;
    memset(&st, 0, sizeof st);
    st.size = sizeof st;
    otelc_tracer_provider_get_stats(tp, &st);
    CHECK(otelc_tracer_provider_shutdown(tp, 10000) == OTELC_OK);
    otelc_tracer_provider_free(tp);

    /* Read back everything every process exported. */
    FILE *f = fopen(path, "r");
    CHECK(f);
    size_t cap = 1 << 16, n = 0;
    struct line *lines = malloc(cap * sizeof *lines);
    CHECK(lines);
    struct line l;
    while (fscanf(f, "%d %15s %16s", &l.pid, l.name, l.id) == 3) {
        if (n == cap) {
            cap *= 2;
            lines = realloc(lines, cap * sizeof *lines);
            CHECK(lines);
        }
        lines[n++] = l;
    }
    fclose(f);
    unlink(path);
    int child_counts[FORKS] = {0};
    uint64_t parent_lines = 0;
    for (size_t i = 0; i < n; i++) {
        if (lines[i].pid == (int)getpid()) {
            CHECK(strcmp(lines[i].name, "parent") == 0);
            parent_lines++;
            continue;
        }
        /* A child's line: the child's own span, never one of the parent's. */
        CHECK(strcmp(lines[i].name, "child") == 0);
        int found = 0;
        for (int k = 0; k < FORKS; k++)
            if (pids[k] == lines[i].pid) {
                child_counts[k]++;
                found = 1;
            }
        CHECK(found);
    }
    for (int k = 0; k < FORKS; k++)
        CHECK(child_counts[k] == CHILD_SPANS);
    CHECK(parent_lines == st.exported);
    CHECK(st.ended == st.exported + st.dropped + st.failed + st.queued);
    qsort(lines, n, sizeof *lines, cmp_id);
    for (size_t i = 1; i < n; i++)
        CHECK(strcmp(lines[i].id, lines[i - 1].id) != 0);
    printf("forks=%d child_spans=%d parent_spans=%llu dropped=%llu\n", FORKS,
           FORKS * CHILD_SPANS, (unsigned long long)parent_lines,
           (unsigned long long)st.dropped);
    free(lines);
    printf("1 passed, 0 failed\n");
    return 0;
}
