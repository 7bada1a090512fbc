/* SPDX-License-Identifier: Apache-2.0 */
/* Recording from a signal handler (documented as not allowed): a SIGALRM handler that starts
 * and ends its own spans every millisecond while the main thread starts and ends others
 * through the batch processor. Exit 0 when neither side crashed or hung within the time bound
 * and every span the handler got was counted (a handler that interrupted the allocator gets
 * NULL from otelc_span_start, by design); 3 when the watchdog found it stuck. */
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include "otelc/otelc.h"

#define RUN_SECONDS 3
#define WATCHDOG_SECONDS 30

static otelc_tracer *g_tracer;
static atomic_ulong g_in_handler; /* spans the handler got */
static atomic_ulong g_refused;    /* NULL spans: the handler interrupted the allocator */
static atomic_int g_done;

static void on_alarm(int sig)
{
    (void)sig;
    otelc_span *s = otelc_span_start(g_tracer, "in-signal-handler", NULL);
    otelc_span_set_attr_int(s, "signal", SIGALRM);
    otelc_span_end(s);
    atomic_fetch_add(s ? &g_in_handler : &g_refused, 1);
}

/* Ends the process when the main thread has not finished in time: a deadlock is a failure
 * the runner sees, not a test that never returns. */
static void *watchdog(void *arg)
{
    (void)arg;
    uint64_t limit = otelc_monotonic_ns() + WATCHDOG_SECONDS * 1000000000ull;
    while (otelc_monotonic_ns() < limit) {
        if (atomic_load(&g_done))
            return NULL;
        struct timespec ts = {0, 100000000L};
        nanosleep(&ts, NULL);
    }
    static const char msg[] = "signal_spans: stuck (deadlock) after the time bound\n";
    if (write(2, msg, sizeof msg - 1) < 0)
        _exit(4);
    _exit(3);
}

int main(void)
{
    otelc_span_exporter *exp = NULL;
    otelc_span_processor *proc = NULL;
    otelc_tracer_provider *tp = NULL;
    otelc_batch_span_processor_options bo;
    otelc_tracer_provider_options o;
    pthread_t dog;

    /* Only the main thread takes the signal: threads started from here on (the watchdog, the
     * batch worker) inherit a mask that blocks it, and the main thread unblocks it below. */
    sigset_t alrm;
    sigemptyset(&alrm);
    sigaddset(&alrm, SIGALRM);
    pthread_sigmask(SIG_BLOCK, &alrm, NULL);
    if (otelc_memory_exporter_new(&exp) != OTELC_OK)
        return 1;
    otelc_batch_span_processor_options_init(&bo);
    bo.schedule_delay_ms = 10;
    if (otelc_batch_span_processor_new(&proc, exp, &bo) != OTELC_OK)
        return 1;
    otelc_tracer_provider_options_init(&o);
    o.processors = &proc;
    o.processor_count = 1;
    if (otelc_tracer_provider_new(&tp, &o) != OTELC_OK)
        return 1;
    g_tracer = otelc_tracer_provider_get_tracer(tp, "signal", NULL, NULL, NULL, 0);
    if (pthread_create(&dog, NULL, watchdog, NULL) != 0)
        return 1;

    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_alarm;
    sigemptyset(&sa.sa_mask);
    sa.sa_flags = SA_RESTART;
    sigaction(SIGALRM, &sa, NULL);
    /* The worker starts with the first span: make sure it exists before unblocking. */
    otelc_span_end(otelc_span_start(g_tracer, "start-worker", NULL));
    uint64_t main_spans = 1;
    pthread_sigmask(SIG_UNBLOCK, &alrm, NULL);
    struct itimerval it = {{0, 1000}, {0, 1000}};
    setitimer(ITIMER_REAL, &it, NULL);

    uint64_t stop = otelc_monotonic_ns() + RUN_SECONDS * 1000000000ull;
    while (otelc_monotonic_ns() < stop) {
        otelc_span *s = otelc_span_start(g_tracer, "in-main", NULL);
        otelc_span_set_attr_str(s, "where", "main thread");
        otelc_span_add_event(s, "e", 0, NULL, 0);
        otelc_span_end(s);
        main_spans++;
        /* The memory exporter keeps every span: empty it now and then. */
        if (main_spans % 100000 == 0)
            otelc_memory_exporter_reset(exp);
    }
    struct itimerval off;
    memset(&off, 0, sizeof off);
    setitimer(ITIMER_REAL, &off, NULL);

    int rc = otelc_tracer_provider_shutdown(tp, 10000);
    otelc_span_processor_stats st;
    memset(&st, 0, sizeof st);
    st.size = sizeof st;
    otelc_tracer_provider_get_stats(tp, &st);
    atomic_store(&g_done, 1);
    pthread_join(dog, NULL);
    printf("main spans %llu, handler spans %lu (%lu refused), ended %llu exported %llu dropped %llu "
           "failed %llu, shutdown %s\n",
           (unsigned long long)main_spans, atomic_load(&g_in_handler), atomic_load(&g_refused),
           (unsigned long long)st.ended, (unsigned long long)st.exported,
           (unsigned long long)st.dropped, (unsigned long long)st.failed, otelc_strerror(rc));
    otelc_tracer_provider_free(tp);
    if (rc != OTELC_OK || st.ended != st.exported + st.dropped + st.failed ||
        st.ended != main_spans + atomic_load(&g_in_handler) || atomic_load(&g_in_handler) == 0)
        return 1;
    return 0;
}
