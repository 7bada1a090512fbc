/* SPDX-License-Identifier: Apache-2.0 */
/* Metric readers: the manual reader, and what every reader shares (collect, flush, shutdown,
 * stats, free). */
#include <string.h>

#include "metric_exporter_internal.h"
#include "metrics_internal.h"
#include "sdk/common/alloc.h"
#include "sdk/common/clock.h"
#include "sdk/common/env.h"
#include "sdk/common/log_internal.h"

OTELC_API void otelc_manual_reader_options_init(otelc_manual_reader_options *o)
{
    if (!o)
        return;
    memset(o, 0, sizeof *o);
    o->size = sizeof *o;
    o->temporality = OTELC_TEMPORALITY_PREFER_CUMULATIVE;
    o->histogram_aggregation = OTELC_AGGREGATION_DEFAULT;
}

static otelc_metric_reader *reader_alloc(void)
{
    otelc_metric_reader *r = otelc__calloc(1, sizeof *r);
    if (!r)
        return NULL;
    if (pthread_mutex_init(&r->collect_mu, NULL) != 0) {
        otelc__free(r);
        return NULL;
    }
    atomic_init(&r->collections, 0);
    atomic_init(&r->exports_ok, 0);
    atomic_init(&r->exports_failed, 0);
    atomic_init(&r->shut_down, 0);
    return r;
}

OTELC_API int otelc_manual_reader_new(otelc_metric_reader **out,
                                      const otelc_manual_reader_options *opt)
{
    otelc_manual_reader_options o;
    otelc_manual_reader_options_init(&o);
    if (!out)
        return OTELC_EINVAL;
    if (otelc__opts_copy(&o, sizeof o, opt) != OTELC_OK)
        return OTELC_EINVAL;
    if ((unsigned)o.temporality > OTELC_TEMPORALITY_PREFER_LOWMEMORY ||
        (unsigned)o.histogram_aggregation > OTELC_AGGREGATION_EXPONENTIAL_HISTOGRAM)
        return OTELC_EINVAL;
    otelc_metric_reader *r = reader_alloc();
    if (!r)
        return OTELC_ENOMEM;
    r->mo = o;
    *out = r;
    return OTELC_OK;
}

OTELC_API void otelc_periodic_reader_options_init(otelc_periodic_reader_options *o)
{
    if (!o)
        return;
    memset(o, 0, sizeof *o);
    o->size = sizeof *o;
    o->interval_ms = 60000;
    o->timeout_ms = 30000;
}

OTELC_API void otelc_periodic_reader_options_from_env(otelc_periodic_reader_options *o)
{
    if (!o)
        return;
    o->interval_ms = (uint32_t)otelc__env_ms("OTEL_METRIC_EXPORT_INTERVAL", o->interval_ms, 1,
                                             UINT32_MAX);
    o->timeout_ms = (uint32_t)otelc__env_ms("OTEL_METRIC_EXPORT_TIMEOUT", o->timeout_ms, 0,
                                            UINT32_MAX);
}

OTELC_API int otelc_periodic_reader_new(otelc_metric_reader **out,
                                        otelc_metric_exporter *exporter,
                                        const otelc_periodic_reader_options *opt)
{
    otelc_periodic_reader_options o;
    otelc_periodic_reader_options_init(&o);
    if (!out || !exporter)
        return OTELC_EINVAL;
    if (otelc__opts_copy(&o, sizeof o, opt) != OTELC_OK)
        return OTELC_EINVAL;
    if (o.interval_ms == 0)
        return OTELC_EINVAL;
    otelc_metric_reader *r = reader_alloc();
    if (!r)
        return OTELC_ENOMEM;
    r->periodic = 1;
    r->interval_ns = (uint64_t)o.interval_ms * 1000000ull;
    r->timeout_ns = (uint64_t)o.timeout_ms * 1000000ull;
    int rc = otelc__periodic_new(r);
    if (rc != OTELC_OK) {
        pthread_mutex_destroy(&r->collect_mu);
        otelc__free(r);
        return rc;
    }
    r->exporter = exporter; /* taken over only now that nothing can fail */
    *out = r;
    return OTELC_OK;
}

int otelc__reader_collect(otelc_metric_reader *r, otelc_metrics_collect_fn fn, void *ud)
{
    pthread_mutex_lock(&r->collect_mu);
    int rc = otelc__collect(r->mp, r->index, fn, ud);
    atomic_fetch_add_explicit(&r->collections, 1, memory_order_relaxed);
    pthread_mutex_unlock(&r->collect_mu);
    return rc;
}

OTELC_API int otelc_metric_reader_collect(otelc_metric_reader *r, otelc_metrics_collect_fn fn,
                                          void *user_data)
{
    if (!r || !fn)
        return OTELC_EINVAL;
    if (!r->mp)
        return OTELC_ESTATE;
    if (atomic_load(&r->shut_down))
        return OTELC_ESHUTDOWN;
    otelc__provider_start_workers(r->mp);
    return otelc__reader_collect(r, fn, user_data);
}

OTELC_API int otelc_metric_reader_force_flush(otelc_metric_reader *r, uint32_t timeout_ms)
{
    if (!r)
        return OTELC_EINVAL;
    if (atomic_load(&r->shut_down))
        return OTELC_ESHUTDOWN;
    if (!r->periodic || !r->mp)
        return OTELC_OK;
    otelc__provider_start_workers(r->mp);
    return otelc__periodic_flush(r, otelc__deadline_ms(timeout_ms));
}

OTELC_API int otelc_metric_reader_shutdown(otelc_metric_reader *r, uint32_t timeout_ms)
{
    if (!r)
        return OTELC_EINVAL;
    int expected = 0;
    if (!atomic_compare_exchange_strong(&r->shut_down, &expected, 1))
        return OTELC_ESHUTDOWN;
    if (!r->periodic)
        return OTELC_OK;
    uint64_t deadline = otelc__deadline_ms(timeout_ms);
    if (r->mp)
        return otelc__periodic_shutdown(r, deadline);
    return otelc_metric_exporter_shutdown(r->exporter, deadline);
}

OTELC_API void otelc_metric_reader_get_stats(const otelc_metric_reader *r,
                                             otelc_metric_reader_stats *s)
{
    if (!s)
        return;
    memset(s, 0, sizeof *s);
    if (!r)
        return;
    otelc_metric_reader *m = (otelc_metric_reader *)r; /* atomics of a const handle */
    s->collections = atomic_load(&m->collections);
    s->exports_ok = atomic_load(&m->exports_ok);
    s->exports_failed = atomic_load(&m->exports_failed);
}

void otelc__reader_free_now(otelc_metric_reader *r)
{
    otelc_metric_exporter_free(r->exporter);
    pthread_mutex_destroy(&r->collect_mu);
    otelc__free(r);
}

int otelc__reader_destroy(otelc_metric_reader *r)
{
    if (r->periodic && otelc__periodic_free(r))
        return 1; /* a worker that outlived its deadline frees the reader when it returns */
    otelc__reader_free_now(r);
    return 0;
}

OTELC_API void otelc_metric_reader_free(otelc_metric_reader *r)
{
    if (!r)
        return;
    if (r->mp) {
        otelc__log(OTELC_LOG_WARN, "metrics: otelc_metric_reader_free() on a reader that a "
                                   "provider owns; the provider frees it");
        return;
    }
    otelc__reader_destroy(r);
}
