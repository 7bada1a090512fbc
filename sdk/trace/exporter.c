/* SPDX-License-Identifier: Apache-2.0 */
/* The span exporter handle: a versioned method table checked before each call. */
#include <stdatomic.h>

#include "exporter_internal.h"
#include "sdk/common/alloc.h"
#include "sdk/common/clock.h"
#include "span_internal.h"

struct otelc_span_exporter {
    const otelc_span_exporter_methods *m;
    void *ud;
    _Atomic int shut_down;
};

OTELC_API int otelc_span_exporter_new(otelc_span_exporter **out,
                                      const otelc_span_exporter_methods *m, void *user_data)
{
    if (!out || !m || m->version < 1 || !m->export_spans)
        return OTELC_EINVAL;
    otelc_span_exporter *e = otelc__calloc(1, sizeof *e);
    if (!e)
        return OTELC_ENOMEM;
    e->m = m;
    e->ud = user_data;
    atomic_init(&e->shut_down, 0);
    *out = e;
    return OTELC_OK;
}

OTELC_API int otelc_span_exporter_export(otelc_span_exporter *e, otelc_span *const *spans,
                                         size_t n, uint64_t deadline)
{
    if (!e || (n && !spans))
        return OTELC_EINVAL;
    if (atomic_load_explicit(&e->shut_down, memory_order_acquire))
        return OTELC_ESHUTDOWN;
    if (n == 0)
        return OTELC_OK;
    return e->m->export_spans(e->ud, spans, n, deadline);
}

OTELC_API int otelc_span_exporter_shutdown(otelc_span_exporter *e, uint64_t deadline)
{
    int expected = 0;
    if (!e || !atomic_compare_exchange_strong(&e->shut_down, &expected, 1))
        return OTELC_OK;
    return e->m->shutdown ? e->m->shutdown(e->ud, deadline) : OTELC_OK;
}

int otelc__span_exporter_force_flush(otelc_span_exporter *e, uint64_t deadline)
{
    if (!e || atomic_load(&e->shut_down))
        return OTELC_OK;
    return e->m->force_flush ? e->m->force_flush(e->ud, deadline) : OTELC_OK;
}

OTELC_API void *otelc_span_exporter_user_data(const otelc_span_exporter *e)
{
    return e ? e->ud : NULL;
}

const otelc_span_exporter_methods *otelc__span_exporter_methods(const otelc_span_exporter *e)
{
    return e ? e->m : NULL;
}

OTELC_API void otelc_span_exporter_free(otelc_span_exporter *e)
{
    if (!e)
        return;
    otelc_span_exporter_shutdown(e, otelc__deadline_ms(5000));
    if (e->m->destroy)
        e->m->destroy(e->ud);
    otelc__free(e);
}
