/* SPDX-License-Identifier: Apache-2.0 */
/* The span processor handle: a versioned method table checked before each call. */
#include <stdatomic.h>
#include <string.h>

#include "sdk/common/alloc.h"
#include "sdk/common/clock.h"
#include "sdk/common/log_internal.h"
#include "span_internal.h"

struct otelc_span_processor {
    const otelc_span_processor_methods *m;
    void *ud;
    _Atomic int shut_down;
};

OTELC_API int otelc_span_processor_new(otelc_span_processor **out,
                                       const otelc_span_processor_methods *m, void *user_data)
{
    if (!out || !m || m->version < 1)
        return OTELC_EINVAL;
    otelc_span_processor *p = otelc__calloc(1, sizeof *p);
    if (!p)
        return OTELC_ENOMEM;
    p->m = m;
    p->ud = user_data;
    atomic_init(&p->shut_down, 0);
    *out = p;
    return OTELC_OK;
}

void otelc__processor_on_start(otelc_span_processor *p, otelc_span *span,
                               const otelc_context *parent)
{
    if (p->m->on_start && !atomic_load_explicit(&p->shut_down, memory_order_relaxed))
        p->m->on_start(p->ud, span, parent);
}

void otelc__processor_on_end(otelc_span_processor *p, otelc_span *span)
{
    if (p->m->on_end && !atomic_load_explicit(&p->shut_down, memory_order_relaxed))
        p->m->on_end(p->ud, span);
}

int otelc__processor_on_end_owned(otelc_span_processor *p, otelc_span *span)
{
    if (atomic_load_explicit(&p->shut_down, memory_order_relaxed))
        return 0;
    return otelc__batch_on_end_owned(p->m, p->ud, span);
}

int otelc__processor_force_flush(otelc_span_processor *p, uint64_t deadline)
{
    if (atomic_load(&p->shut_down))
        return OTELC_ESHUTDOWN;
    return p->m->force_flush ? p->m->force_flush(p->ud, deadline) : OTELC_OK;
}

int otelc__processor_shutdown(otelc_span_processor *p, uint64_t deadline)
{
    int expected = 0;
    if (!atomic_compare_exchange_strong(&p->shut_down, &expected, 1))
        return OTELC_ESHUTDOWN;
    return p->m->shutdown ? p->m->shutdown(p->ud, deadline) : OTELC_OK;
}

void otelc__processor_get_stats(otelc_span_processor *p, otelc_span_processor_stats *stats)
{
    otelc_span_processor_stats s;
    memset(&s, 0, sizeof s);
    s.size = sizeof s;
    if (p->m->get_stats)
        p->m->get_stats(p->ud, &s);
    stats->ended += s.ended;
    stats->queued += s.queued;
    stats->exported += s.exported;
    stats->dropped += s.dropped;
    stats->failed += s.failed;
}

OTELC_API void otelc_span_processor_free(otelc_span_processor *p)
{
    if (!p)
        return;
    if (!atomic_load(&p->shut_down))
        otelc__processor_shutdown(p, otelc__deadline_ms(5000));
    if (p->m->destroy)
        p->m->destroy(p->ud);
    otelc__free(p);
}
