/* SPDX-License-Identifier: Apache-2.0 */
/* Shared test helpers: counting/failing allocator and log capture. */
#include "testutil.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

static _Atomic uint64_t g_calls;
static _Atomic int64_t g_live;
static uint64_t g_fail_at;
static _Atomic int g_failed;

static int should_fail(void)
{
    uint64_t n = atomic_fetch_add(&g_calls, 1) + 1;
    if (g_fail_at != 0 && n == g_fail_at) {
        atomic_store(&g_failed, 1);
        return 1;
    }
    return 0;
}

static void *tu_malloc(size_t size, void *ud)
{
    (void)ud;
    if (should_fail())
        return NULL;
    void *p = malloc(size);
    if (p)
        atomic_fetch_add(&g_live, 1);
    return p;
}

static void *tu_calloc(size_t n, size_t size, void *ud)
{
    (void)ud;
    if (should_fail())
        return NULL;
    void *p = calloc(n, size);
    if (p)
        atomic_fetch_add(&g_live, 1);
    return p;
}

static void *tu_realloc(void *ptr, size_t size, void *ud)
{
    (void)ud;
    if (should_fail())
        return NULL;
    void *p = realloc(ptr, size);
    if (p && !ptr)
        atomic_fetch_add(&g_live, 1);
    return p;
}

static void tu_free(void *ptr, void *ud)
{
    (void)ud;
    if (ptr)
        atomic_fetch_sub(&g_live, 1);
    free(ptr);
}

void tu_alloc_install(uint64_t fail_at)
{
    otelc_allocator a = {NULL, tu_malloc, tu_calloc, tu_realloc, tu_free};
    atomic_store(&g_calls, 0);
    atomic_store(&g_live, 0);
    atomic_store(&g_failed, 0);
    g_fail_at = fail_at;
    otelc_set_allocator(&a);
}

void tu_alloc_uninstall(void) { otelc_set_allocator(NULL); }
uint64_t tu_alloc_calls(void) { return atomic_load(&g_calls); }
int64_t tu_alloc_live(void) { return atomic_load(&g_live); }
int tu_alloc_failed(void) { return atomic_load(&g_failed); }

static pthread_mutex_t g_log_mu = PTHREAD_MUTEX_INITIALIZER;
static char g_log[65536];
static size_t g_log_len;
static int g_log_lines;

static void capture(otelc_log_level level, const char *msg, void *ud)
{
    (void)level;
    (void)ud;
    pthread_mutex_lock(&g_log_mu);
    size_t n = strlen(msg);
    if (g_log_len + n + 2 < sizeof g_log) {
        memcpy(g_log + g_log_len, msg, n);
        g_log_len += n;
        g_log[g_log_len++] = '\n';
        g_log[g_log_len] = '\0';
    }
    g_log_lines++;
    pthread_mutex_unlock(&g_log_mu);
}

void tu_log_capture(otelc_log_level min)
{
    tu_log_clear();
    otelc_log_set_level(min);
    otelc_log_set_handler(capture, NULL);
}

void tu_log_release(void)
{
    otelc_log_set_handler(NULL, NULL);
    otelc_log_set_level(OTELC_LOG_WARN);
}

int tu_log_count(void)
{
    pthread_mutex_lock(&g_log_mu);
    int n = g_log_lines;
    pthread_mutex_unlock(&g_log_mu);
    return n;
}

int tu_log_contains(const char *needle)
{
    pthread_mutex_lock(&g_log_mu);
    int r = strstr(g_log, needle) != NULL;
    pthread_mutex_unlock(&g_log_mu);
    return r;
}

const char *tu_log_text(void) { return g_log; }

void tu_log_clear(void)
{
    pthread_mutex_lock(&g_log_mu);
    g_log_len = 0;
    g_log[0] = '\0';
    g_log_lines = 0;
    pthread_mutex_unlock(&g_log_mu);
}

#define TU_MAX_SPANS 4096
static otelc_span *g_spans[TU_MAX_SPANS];
static size_t g_nspans;
static int g_fail_next;
static pthread_mutex_t g_spans_mu = PTHREAD_MUTEX_INITIALIZER;

static int collect(void *ud, otelc_span *const *spans, size_t n, uint64_t deadline)
{
    (void)ud;
    (void)deadline;
    pthread_mutex_lock(&g_spans_mu);
    if (g_fail_next > 0) {
        g_fail_next--;
        pthread_mutex_unlock(&g_spans_mu);
        return OTELC_EIO;
    }
    for (size_t i = 0; i < n && g_nspans < TU_MAX_SPANS; i++)
        g_spans[g_nspans++] = otelc_span_ref(spans[i]);
    pthread_mutex_unlock(&g_spans_mu);
    return OTELC_OK;
}

static const otelc_span_exporter_methods collect_methods = {
    .version = OTELC_SPAN_EXPORTER_METHODS_VERSION, .export_spans = collect};

otelc_tracer_provider *tu_provider(otelc_sampler *sampler, const otelc_span_limits *limits,
                                   otelc_id_generator *gen)
{
    otelc_span_exporter *e = NULL;
    otelc_span_processor *p = NULL;
    otelc_tracer_provider *tp = NULL;
    if (otelc_span_exporter_new(&e, &collect_methods, NULL) != OTELC_OK)
        return NULL;
    if (otelc_simple_span_processor_new(&p, e) != OTELC_OK) {
        otelc_span_exporter_free(e);
        return NULL;
    }
    otelc_tracer_provider_options o;
    otelc_tracer_provider_options_init(&o);
    o.processors = &p;
    o.processor_count = 1;
    o.sampler = sampler;
    o.id_generator = gen;
    if (limits)
        o.limits = *limits;
    if (otelc_tracer_provider_new(&tp, &o) != OTELC_OK) {
        otelc_span_processor_free(p);
        return NULL;
    }
    return tp;
}

size_t tu_spans_count(void)
{
    pthread_mutex_lock(&g_spans_mu);
    size_t n = g_nspans;
    pthread_mutex_unlock(&g_spans_mu);
    return n;
}

otelc_span *tu_span_at(size_t i) { return i < g_nspans ? g_spans[i] : NULL; }

void tu_spans_clear(void)
{
    pthread_mutex_lock(&g_spans_mu);
    for (size_t i = 0; i < g_nspans; i++)
        otelc_span_release(g_spans[i]);
    g_nspans = 0;
    g_fail_next = 0;
    pthread_mutex_unlock(&g_spans_mu);
}

void tu_spans_fail_next(int n)
{
    pthread_mutex_lock(&g_spans_mu);
    g_fail_next = n;
    pthread_mutex_unlock(&g_spans_mu);
}

otelc_span *tu_span_named(const char *name)
{
    for (size_t i = 0; i < g_nspans; i++)
        if (strcmp(otelc_span_get_name(g_spans[i]), name) == 0)
            return g_spans[i];
    return NULL;
}

uint64_t tu_scale(uint64_t n)
{
    const char *v = getenv("OTELC_TEST_UNDER_VALGRIND");
    if (!v || !v[0] || v[0] == '0')
        return n;
    return n / 100 ? n / 100 : 1;
}
