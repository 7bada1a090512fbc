/* SPDX-License-Identifier: Apache-2.0 */
/* Four threads end 10^6 spans each through the batch processor into a slow exporter: the
 * counters add up exactly, no span is exported twice, and producers never block. */
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "otelc/otelc.h"

#define THREADS 4

static long g_per_thread = 1000000;
static _Atomic uint64_t g_received;
/* Span ids seen by the exporter (written only by the worker) and made by each producer. */
static uint64_t *g_exported_ids;
static uint64_t *g_sent_ids[THREADS];

static int slow_export(void *ud, otelc_span *const *spans, size_t n, uint64_t deadline)
{
    (void)ud;
    (void)deadline;
    uint64_t at = atomic_load(&g_received);
    for (size_t i = 0; i < n; i++) {
        otelc_span_context c = otelc_span_get_context(spans[i]);
        memcpy(&g_exported_ids[at + i], c.span_id, 8);
    }
    atomic_fetch_add(&g_received, n);
    struct timespec ts = {0, 200000}; /* 0.2 ms per batch: slower than four producers */
    nanosleep(&ts, NULL);
    return OTELC_OK;
}

static const otelc_span_exporter_methods slow_methods = {
    .version = OTELC_SPAN_EXPORTER_METHODS_VERSION,
    .export_spans = slow_export,
};

static otelc_tracer *g_tracer;

static void *producer(void *arg)
{
    uint64_t *ids = arg;
    for (long i = 0; i < g_per_thread; i++) {
        otelc_span *s = otelc_span_start(g_tracer, "work", NULL);
        otelc_span_set_attr_int(s, "i", i);
        otelc_span_context c = otelc_span_get_context(s);
        memcpy(&ids[i], c.span_id, 8);
        otelc_span_end(s);
    }
    return NULL;
}

static int cmp_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return x < y ? -1 : x > y;
}

#define CHECK(cond)                                                                           \
    do {                                                                                      \
        if (!(cond)) {                                                                        \
            fprintf(stderr, "FAIL %s:%d: %s\n", __FILE__, __LINE__, #cond);                   \
            return 1;                                                                         \
        }                                                                                     \
    } while (0)

int main(void)
{
    const char *n = getenv("OTELC_TEST_SPANS_PER_THREAD");
    if (n && atol(n) > 0)
        g_per_thread = atol(n);
    otelc_span_exporter *e = NULL;
    CHECK(otelc_span_exporter_new(&e, &slow_methods, NULL) == OTELC_OK);
    otelc_batch_span_processor_options o;
    otelc_batch_span_processor_options_init(&o);
    o.max_queue_size = 4096;
    o.max_export_batch_size = 512;
    o.schedule_delay_ms = 10;
    otelc_span_processor *p = NULL;
    CHECK(otelc_batch_span_processor_new(&p, e, &o) == OTELC_OK);
    otelc_tracer_provider_options po;
    otelc_tracer_provider_options_init(&po);
    po.processors = &p;
    po.processor_count = 1;
    otelc_tracer_provider *tp = NULL;
    CHECK(otelc_tracer_provider_new(&tp, &po) == OTELC_OK);
    g_tracer = otelc_tracer_provider_get_tracer(tp, "concurrency", NULL, NULL, NULL, 0);
    otelc_log_set_level(OTELC_LOG_ERROR); /* the expected "queue full" warning */

    uint64_t total = (uint64_t)g_per_thread * THREADS;
    g_exported_ids = calloc(total, sizeof(uint64_t));
    uint64_t *sent = calloc(total, sizeof(uint64_t));
    CHECK(g_exported_ids && sent);
    pthread_t th[THREADS];
    for (int i = 0; i < THREADS; i++) {
        g_sent_ids[i] = sent + (size_t)i * (size_t)g_per_thread;
        CHECK(pthread_create(&th[i], NULL, producer, g_sent_ids[i]) == 0);
    }
    for (int i = 0; i < THREADS; i++)
        pthread_join(th[i], NULL);
    CHECK(otelc_tracer_provider_force_flush(tp, 60000) == OTELC_OK);

    otelc_span_processor_stats st;
    memset(&st, 0, sizeof st);
    st.size = sizeof st;
    otelc_tracer_provider_get_stats(tp, &st);
    printf("ended=%llu exported=%llu dropped=%llu failed=%llu queued=%llu received=%llu\n",
           (unsigned long long)st.ended, (unsigned long long)st.exported,
           (unsigned long long)st.dropped, (unsigned long long)st.failed,
           (unsigned long long)st.queued, (unsigned long long)atomic_load(&g_received));
    CHECK(st.ended == total);
    CHECK(st.ended == st.exported + st.dropped + st.failed + st.queued);
    CHECK(st.queued == 0);
    CHECK(st.failed == 0);
    CHECK(st.exported == atomic_load(&g_received));
    /* No span exported twice, and every exported span is one the producers made. */
    uint64_t got = atomic_load(&g_received);
    qsort(g_exported_ids, got, sizeof(uint64_t), cmp_u64);
    qsort(sent, total, sizeof(uint64_t), cmp_u64);
    for (uint64_t i = 1; i < got; i++)
        CHECK(g_exported_ids[i] != g_exported_ids[i - 1]);
    uint64_t j = 0;
    for (uint64_t i = 0; i < got; i++) {
        while (j < total && sent[j] < g_exported_ids[i])
            j++;
        CHECK(j < total && sent[j] == g_exported_ids[i]);
    }
    free(sent);
    free(g_exported_ids);
    CHECK(otelc_tracer_provider_shutdown(tp, 10000) == OTELC_OK);
    otelc_tracer_provider_free(tp);
    printf("1 passed, 0 failed\n");
    return 0;
}
