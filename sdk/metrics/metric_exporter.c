/* SPDX-License-Identifier: Apache-2.0 */
/* The metric exporter handle (a versioned method table checked before each call) and the
 * temporality preferences of the specification. */
#include <stdatomic.h>

#include "metric_exporter_internal.h"
#include "sdk/common/alloc.h"
#include "sdk/common/clock.h"

struct otelc_metric_exporter {
    const otelc_metric_exporter_methods *m;
    void *ud;
    _Atomic int shut_down;
};

OTELC_API int otelc_metric_exporter_new(otelc_metric_exporter **out,
                                        const otelc_metric_exporter_methods *m, void *user_data)
{
    if (!out || !m || m->version < 1 || !m->export_metrics)
        return OTELC_EINVAL;
    otelc_metric_exporter *e = otelc__calloc(1, sizeof *e);
    if (!e)
        return OTELC_ENOMEM;
    e->m = m;
    e->ud = user_data;
    atomic_init(&e->shut_down, 0);
    *out = e;
    return OTELC_OK;
}

OTELC_API int otelc_metric_exporter_export(otelc_metric_exporter *e,
                                           const otelc_resource_metrics *data, uint64_t deadline)
{
    if (!e || !data)
        return OTELC_EINVAL;
    if (atomic_load_explicit(&e->shut_down, memory_order_acquire))
        return OTELC_ESHUTDOWN;
    return e->m->export_metrics(e->ud, data, deadline);
}

OTELC_API otelc_temporality otelc_metric_exporter_temporality(const otelc_metric_exporter *e,
                                                              otelc_instrument_kind kind)
{
    if (!e || !e->m->temporality)
        return OTELC_TEMPORALITY_CUMULATIVE;
    otelc_temporality t = e->m->temporality(e->ud, kind);
    /* An exporter cannot ask for "unspecified": that is what gauges carry, not a choice. */
    return t == OTELC_TEMPORALITY_DELTA ? OTELC_TEMPORALITY_DELTA : OTELC_TEMPORALITY_CUMULATIVE;
}

OTELC_API otelc_aggregation otelc_metric_exporter_aggregation(const otelc_metric_exporter *e,
                                                              otelc_instrument_kind kind)
{
    if (!e || !e->m->aggregation)
        return OTELC_AGGREGATION_DEFAULT;
    otelc_aggregation a = e->m->aggregation(e->ud, kind);
    return (a >= OTELC_AGGREGATION_DEFAULT && a <= OTELC_AGGREGATION_EXPONENTIAL_HISTOGRAM)
               ? a
               : OTELC_AGGREGATION_DEFAULT;
}

OTELC_API int otelc_metric_exporter_shutdown(otelc_metric_exporter *e, uint64_t deadline)
{
    int expected = 0;
    if (!e || !atomic_compare_exchange_strong(&e->shut_down, &expected, 1))
        return OTELC_OK;
    return e->m->shutdown ? e->m->shutdown(e->ud, deadline) : OTELC_OK;
}

int otelc__metric_exporter_force_flush(otelc_metric_exporter *e, uint64_t deadline)
{
    if (!e || atomic_load(&e->shut_down))
        return OTELC_OK;
    return e->m->force_flush ? e->m->force_flush(e->ud, deadline) : OTELC_OK;
}

void otelc__metric_exporter_after_fork(otelc_metric_exporter *e)
{
    if (e && e->m->after_fork)
        e->m->after_fork(e->ud);
}

const otelc_metric_exporter_methods *
otelc__metric_exporter_methods(const otelc_metric_exporter *e)
{
    return e ? e->m : NULL;
}

OTELC_API void *otelc_metric_exporter_user_data(const otelc_metric_exporter *e)
{
    return e ? e->ud : NULL;
}

OTELC_API void otelc_metric_exporter_free(otelc_metric_exporter *e)
{
    if (!e)
        return;
    otelc_metric_exporter_shutdown(e, otelc__deadline_ms(5000));
    if (e->m->destroy)
        e->m->destroy(e->ud);
    otelc__free(e);
}

OTELC_API otelc_temporality otelc_temporality_for(otelc_temporality_preference p,
                                                  otelc_instrument_kind kind)
{
    switch (kind) {
    case OTELC_INSTRUMENT_GAUGE:
    case OTELC_INSTRUMENT_OBSERVABLE_GAUGE:
        /* Gauges have no temporality; cumulative is what readers report for them to ask. */
        return OTELC_TEMPORALITY_CUMULATIVE;
    case OTELC_INSTRUMENT_UP_DOWN_COUNTER:
    case OTELC_INSTRUMENT_OBSERVABLE_UP_DOWN_COUNTER:
        return OTELC_TEMPORALITY_CUMULATIVE;
    case OTELC_INSTRUMENT_COUNTER:
    case OTELC_INSTRUMENT_HISTOGRAM:
        return p == OTELC_TEMPORALITY_PREFER_CUMULATIVE ? OTELC_TEMPORALITY_CUMULATIVE
                                                         : OTELC_TEMPORALITY_DELTA;
    case OTELC_INSTRUMENT_OBSERVABLE_COUNTER:
        return p == OTELC_TEMPORALITY_PREFER_DELTA ? OTELC_TEMPORALITY_DELTA
                                                    : OTELC_TEMPORALITY_CUMULATIVE;
    }
    return OTELC_TEMPORALITY_CUMULATIVE;
}

int otelc__metric_prefs_set(struct otelc__metric_prefs *p, otelc_temporality_preference t,
                            otelc_aggregation a, int histogram_only)
{
    if ((unsigned)t > OTELC_TEMPORALITY_PREFER_LOWMEMORY ||
        (unsigned)a > OTELC_AGGREGATION_EXPONENTIAL_HISTOGRAM)
        return OTELC_EINVAL;
    if (histogram_only && a != OTELC_AGGREGATION_DEFAULT &&
        a != OTELC_AGGREGATION_EXPLICIT_HISTOGRAM && a != OTELC_AGGREGATION_EXPONENTIAL_HISTOGRAM)
        return OTELC_EINVAL;
    p->temporality = t;
    p->histogram_aggregation = a;
    return OTELC_OK;
}

otelc_temporality otelc__metric_prefs_temporality(const struct otelc__metric_prefs *p,
                                                  otelc_instrument_kind kind)
{
    return otelc_temporality_for(p->temporality, kind);
}

otelc_aggregation otelc__metric_prefs_aggregation(const struct otelc__metric_prefs *p,
                                                  otelc_instrument_kind kind)
{
    return kind == OTELC_INSTRUMENT_HISTOGRAM ? p->histogram_aggregation
                                              : OTELC_AGGREGATION_DEFAULT;
}
