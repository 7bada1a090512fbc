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
