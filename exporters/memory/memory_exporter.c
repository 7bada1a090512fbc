/* SPDX-License-Identifier: Apache-2.0 */
/* The in-memory span exporter: keeps a reference to every exported span, for tests. */
#include <pthread.h>

#include "otelc/exporters.h"
#include "sdk/common/alloc.h"
#include "sdk/trace/exporter_internal.h"

struct memory_exporter {
    pthread_mutex_t mu; /* guards everything below: accessors run on any thread */
    otelc_span **spans; /* one reference each */
    size_t count;
    size_t cap;
    uint32_t fail_left; /* exports still to fail */
    int fail_err;       /* what they return */
};

static int memory_export(void *user_data, otelc_span *const *spans, size_t n, uint64_t deadline)
{
    struct memory_exporter *m = user_data;
    int rc = OTELC_OK;

    pthread_mutex_lock(&m->mu);
    if (m->fail_left) {
        m->fail_left--;
        rc = m->fail_err;
        goto out;
    }
    if (n > m->cap - m->count) {
        size_t cap = m->cap ? m->cap : 16;
        while (cap - m->count < n) {
            if (cap > SIZE_MAX / 2 / sizeof *m->spans) {
                rc = OTELC_ENOMEM;
                goto out;
            }
            cap *= 2;
        }
        otelc_span **grown = otelc__realloc(m->spans, cap * sizeof *grown);
        if (!grown) {
            rc = OTELC_ENOMEM;
            goto out;
        }
        m->spans = grown;
        m->cap = cap;
    }
    for (size_t i = 0; i < n; i++)
        m->spans[m->count++] = otelc_span_ref(spans[i]);
out:
    pthread_mutex_unlock(&m->mu);
    return rc;
}

/* Releases spans outside the lock: the last reference frees a span. */
static void release_all(otelc_span **spans, size_t count)
{
    for (size_t i = 0; i < count; i++)
        otelc_span_release(spans[i]);
    otelc__free(spans);
}

static void memory_destroy(void *user_data)
{
    struct memory_exporter *m = user_data;
    release_all(m->spans, m->count);
    pthread_mutex_destroy(&m->mu);
    otelc__free(m);
}

/* No shutdown method: the spans stay readable after the provider is shut down. */
static const otelc_span_exporter_methods memory_methods = {
    .version = OTELC_SPAN_EXPORTER_METHODS_VERSION,
    .export_spans = memory_export,
    .destroy = memory_destroy,
};

int otelc_memory_exporter_new(otelc_span_exporter **out)
{
    struct memory_exporter *m;
    int rc;

    if (!out)
        return OTELC_EINVAL;
    m = otelc__calloc(1, sizeof *m);
    if (!m)
        return OTELC_ENOMEM;
    if (pthread_mutex_init(&m->mu, NULL) != 0) {
        otelc__free(m);
        return OTELC_ENOMEM;
    }
    rc = otelc_span_exporter_new(out, &memory_methods, m);
    if (rc != OTELC_OK)
        memory_destroy(m);
    return rc;
}

/* The memory exporter behind e, or NULL when e is something else. */
static struct memory_exporter *memory_of(otelc_span_exporter *e)
{
    if (!e || otelc__span_exporter_methods(e) != &memory_methods)
        return NULL;
    return otelc_span_exporter_user_data(e);
}

size_t otelc_memory_exporter_count(otelc_span_exporter *e)
{
    struct memory_exporter *m = memory_of(e);
    size_t n;
    if (!m)
        return 0;
    pthread_mutex_lock(&m->mu);
    n = m->count;
    pthread_mutex_unlock(&m->mu);
    return n;
}

otelc_span *otelc_memory_exporter_get(otelc_span_exporter *e, size_t i)
{
    struct memory_exporter *m = memory_of(e);
    otelc_span *s = NULL;
    if (!m)
        return NULL;
    pthread_mutex_lock(&m->mu);
    if (i < m->count)
        s = otelc_span_ref(m->spans[i]);
    pthread_mutex_unlock(&m->mu);
    return s;
}

void otelc_memory_exporter_reset(otelc_span_exporter *e)
{
    struct memory_exporter *m = memory_of(e);
    otelc_span **spans;
    size_t count;
    if (!m)
        return;
    pthread_mutex_lock(&m->mu);
    spans = m->spans;
    count = m->count;
    m->spans = NULL;
    m->count = 0;
    m->cap = 0;
    pthread_mutex_unlock(&m->mu);
    release_all(spans, count);
}

void otelc_memory_exporter_fail_next(otelc_span_exporter *e, uint32_t n, int err)
{
    struct memory_exporter *m = memory_of(e);
    if (!m)
        return;
    pthread_mutex_lock(&m->mu);
    m->fail_left = n;
    m->fail_err = err;
    pthread_mutex_unlock(&m->mu);
}
