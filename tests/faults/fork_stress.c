/* SPDX-License-Identifier: Apache-2.0 */
/* The pre-forking server pattern under stress: a parent with two live producer threads forks
 * CHILDREN children (at most 8 alive at a time), every tenth child forks a grandchild, and
 * every process makes SPANS spans tagged with who made them (`proc.tag`: p, c<i>, g<i>) and
 * exports them over the OTLP exporter the OTEL_* variables configure. An alarm in every
 * process turns a deadlock into a failure. Prints one JSON line of what it did; the runner
 * (faults.js fork_stress) checks at the receiver that every process's spans arrived once. */
#include <errno.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "otelc/otelc.h"

#define SPANS 10
#define MAX_ALIVE 8
#define CHILD_WATCHDOG_S 60
#define PARENT_WATCHDOG_S 240
#define SHUTDOWN_MS 20000

static otelc_sdk *g_sdk;
static otelc_tracer *g_tracer;
static atomic_int g_stop;

static void make_spans(const char *tag, int n)
{
    for (int i = 0; i < n; i++) {
        otelc_span *s = otelc_span_start(g_tracer, "fork-stress", NULL);
        otelc_span_set_attr_str(s, "proc.tag", tag);
        otelc_span_set_attr_int(s, "proc.index", i);
        otelc_span_end(s);
    }
}

/* Shuts this process's SDK down; 0 when every span it ended was exported. */
static int finish(void)
{
    int rc = otelc_sdk_shutdown(g_sdk, SHUTDOWN_MS);
    otelc_span_processor_stats st;
    memset(&st, 0, sizeof st);
    st.size = sizeof st;
    otelc_sdk_get_stats(g_sdk, &st);
    if (rc != OTELC_OK || st.exported != st.ended) {
        fprintf(stderr, "fork_stress[%ld]: shutdown %s, ended %" PRIu64 " exported %" PRIu64
                " dropped %" PRIu64 " failed %" PRIu64 "\n", (long)getpid(), otelc_strerror(rc),
                st.ended, st.exported, st.dropped, st.failed);
        return 1;
    }
    return 0;
}

static void *producer(void *arg)
{
    (void)arg;
    struct timespec ms = {0, 1000000L};
    while (!atomic_load(&g_stop)) {
        make_spans("p", 1);
        nanosleep(&ms, NULL);
    }
    return NULL;
}

static int wait_ok(pid_t pid)
{
    int status = 0;
    while (waitpid(pid, &status, 0) < 0) {
        if (errno != EINTR)
            return 0;
    }
    return WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

/* A child: its spans, perhaps a grandchild's, then its own shutdown. Never returns. */
static void child_main(int i)
{
    char tag[16];
    int ok = 1;
    alarm(CHILD_WATCHDOG_S);
    snprintf(tag, sizeof tag, "c%d", i);
    make_spans(tag, SPANS);
    if (i % 10 == 0) {
        pid_t g = fork();
        if (g == 0) {
            alarm(CHILD_WATCHDOG_S);
            snprintf(tag, sizeof tag, "g%d", i);
            make_spans(tag, SPANS);
            _exit(finish());
        }
        ok = g > 0 && wait_ok(g);
        if (!ok)
            fprintf(stderr, "fork_stress: grandchild of c%d failed\n", i);
    }
    _exit(finish() == 0 && ok ? 0 : 1);
}

int main(int argc, char **argv)
{
    int children = argc > 1 ? (int)strtol(argv[1], NULL, 10) : 200;
    pid_t alive[MAX_ALIVE];
    int nalive = 0, failed = 0, forked = 0;
    pthread_t threads[2];

    alarm(PARENT_WATCHDOG_S);
    if (children < 1 || children > 10000 || otelc_sdk_init_from_env(&g_sdk) != OTELC_OK)
        return 2;
    g_tracer = otelc_sdk_get_tracer(g_sdk, "fork-stress", NULL);
    for (int t = 0; t < 2; t++)
        if (pthread_create(&threads[t], NULL, producer, NULL) != 0)
            return 2;
    for (int i = 0; i < children; i++) {
        if (nalive == MAX_ALIVE) {
            failed += !wait_ok(alive[0]);
            memmove(alive, alive + 1, sizeof alive[0] * (MAX_ALIVE - 1));
            nalive--;
        }
        fflush(NULL); /* the child must not write the parent's buffered output again */
        pid_t pid = fork();
        if (pid < 0) {
            failed++;
            continue;
        }
        if (pid == 0)
            child_main(i);
        alive[nalive++] = pid;
        forked++;
    }
    for (int k = 0; k < nalive; k++)
        failed += !wait_ok(alive[k]);
    atomic_store(&g_stop, 1);
    for (int t = 0; t < 2; t++)
        pthread_join(threads[t], NULL);
    int parent_failed = finish();
    otelc_span_processor_stats st;
    memset(&st, 0, sizeof st);
    st.size = sizeof st;
    otelc_sdk_get_stats(g_sdk, &st);
    printf("{\"children\":%d,\"grandchildren\":%d,\"failed\":%d,\"spans_per_process\":%d,"
           "\"parent\":{\"ended\":%" PRIu64 ",\"exported\":%" PRIu64 "}}\n",
           forked, (children + 9) / 10, failed, SPANS, st.ended, st.exported);
    otelc_sdk_free(g_sdk);
    return failed == 0 && parent_failed == 0 && forked == children ? 0 : 1;
}
