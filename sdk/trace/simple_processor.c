/* SPDX-License-Identifier: Apache-2.0 */
/* The simple span processor: exports each sampled span synchronously as it ends. */
#include <pthread.h>
#include <stdatomic.h>

#include "exporter_internal.h"
#include "sdk/common/alloc.h"
#include "sdk/common/clock.h"
#include "sdk/common/log_internal.h"
#include "span_internal.h"

/* The per-span export deadline; a synchronous exporter must not hold the caller longer. */
#define OTELC__SIMPLE_EXPORT_TIMEOUT_MS 30000u

struct simple_processor {
    otelc_span_exporter *exporter;
    pthread_mutex_t mu; /* exports are never concurrent with themselves */
    _Atomic uint64_t ended, exported, failed;
};

static void simple_on_end(void *ud, otelc_span *span)
{
    struct simple_processor *p = ud;
    otelc_span_context sc = otelc_span_get_context(span);
    if (!(sc.trace_flags & OTELC_TRACE_FLAG_SAMPLED))
        return;
    atomic_fetch_add_explicit(&p->ended, 1, memory_order_relaxed);
    pthread_mutex_lock(&p->mu);
    int rc = otelc_span_exporter_export(p->exporter, &span, 1,
                                        otelc__deadline_ms(OTELC__SIMPLE_EXPORT_TIMEOUT_MS));
    pthread_mutex_unlock(&p->mu);
    if (rc == OTELC_OK) {
        atomic_fetch_add_explicit(&p->exported, 1, memory_order_relaxed);
    } else {
        atomic_fetch_add_explicit(&p->failed, 1, memory_order_relaxed);
        OTELC__LOG_THROTTLED(OTELC_LOG_ERROR, "simple span processor: export failed: %s",
                             otelc_strerror(rc));
    }
}

static int simple_force_flush(void *ud, uint64_t deadline)
{
    struct simple_processor *p = ud;
    pthread_mutex_lock(&p->mu);
    int rc = otelc__span_exporter_force_flush(p->exporter, deadline);
    pthread_mutex_unlock(&p->mu);
    return rc;
}

static int simple_shutdown(void *ud, uint64_t deadline)
{
    struct simple_processor *p = ud;
    pthread_mutex_lock(&p->mu);
    int rc = otelc_span_exporter_shutdown(p->exporter, deadline);
    pthread_mutex_unlock(&p->mu);
    return rc;
}

static void simple_get_stats(void *ud, otelc_span_processor_stats *st)
{
    struct simple_processor *p = ud;
    st->ended = atomic_load(&p->ended);
    st->exported = atomic_load(&p->exported);
    st->failed = atomic_load(&p->failed);
    st->queued = 0;
    st->dropped = 0;
}

static void simple_destroy(void *ud)
{
    struct simple_processor *p = ud;
    otelc_span_exporter_free(p->exporter);
    pthread_mutex_destroy(&p->mu);
    otelc__free(p);
}

static const otelc_span_processor_methods simple_methods = {
    .version = OTELC_SPAN_PROCESSOR_METHODS_VERSION,
    .on_start = NULL,
    .on_end = simple_on_end,
    .force_flush = simple_force_flush,
    .shutdown = simple_shutdown,
    .get_stats = simple_get_stats,
    .destroy = simple_destroy,
};

OTELC_API int otelc_simple_span_processor_new(otelc_span_processor **out,
                                              otelc_span_exporter *exporter)
{
    if (!out || !exporter)
        return OTELC_EINVAL;
    struct simple_processor *p = otelc__calloc(1, sizeof *p);
    if (!p)
        return OTELC_ENOMEM;
    if (pthread_mutex_init(&p->mu, NULL) != 0) {
        otelc__free(p);
        return OTELC_ENOMEM;
    }
    p->exporter = exporter;
    int rc = otelc_span_processor_new(out, &simple_methods, p);
    if (rc != OTELC_OK) {
        pthread_mutex_destroy(&p->mu);
        otelc__free(p);
    }
    return rc;
}
