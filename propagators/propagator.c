/* SPDX-License-Identifier: Apache-2.0 */
/* The propagator object: checks at the door, the calls, and the global propagator. */
#include <stdatomic.h>

#include "propagator_internal.h"
#include "sdk/common/alloc.h"
#include "sdk/common/log_internal.h"
#include "sdk/trace/context_internal.h"
#include "sdk/trace/span_internal.h"

static int noop_inject(void *ud, const otelc_context *ctx, const otelc_carrier_setter *s)
{
    (void)ud;
    (void)ctx;
    (void)s;
    return OTELC_OK;
}

static int noop_extract(void *ud, const otelc_context *base, const otelc_carrier_getter *g,
                        otelc_context **out)
{
    (void)ud;
    (void)g;
    *out = otelc_context_ref(base);
    return OTELC_OK;
}

static const otelc_propagator_methods noop_methods = {
    .version = OTELC_PROPAGATOR_METHODS_VERSION,
    .inject = noop_inject,
    .extract = noop_extract,
};

/* The specification's default global propagator does nothing. */
static const struct otelc_propagator noop_propagator = {&noop_methods, NULL};

static _Atomic(const otelc_propagator *) g_global;

OTELC_API int otelc_propagator_new(otelc_propagator **out, const otelc_propagator_methods *m,
                                   void *user_data)
{
    if (!out || !m || m->version != OTELC_PROPAGATOR_METHODS_VERSION || !m->inject ||
        !m->extract)
        return OTELC_EINVAL;
    struct otelc_propagator *p = otelc__malloc(sizeof *p);
    if (!p)
        return OTELC_ENOMEM;
    p->m = m;
    p->user_data = user_data;
    *out = p;
    return OTELC_OK;
}

OTELC_API void otelc_propagator_free(otelc_propagator *p)
{
    if (!p || p == &noop_propagator)
        return;
    if (p->m->destroy)
        p->m->destroy(p->user_data);
    otelc__free(p);
}

OTELC_API const otelc_propagator *otelc_global_propagator(void)
{
    const otelc_propagator *p = atomic_load_explicit(&g_global, memory_order_acquire);
    return p ? p : &noop_propagator;
}

OTELC_API void otelc_set_global_propagator(const otelc_propagator *p)
{
    atomic_store_explicit(&g_global, p, memory_order_release);
}

void otelc__unset_global_propagator(const otelc_propagator *p)
{
    const otelc_propagator *expected = p;
    atomic_compare_exchange_strong_explicit(&g_global, &expected, NULL, memory_order_acq_rel,
                                            memory_order_acquire);
}

OTELC_API int otelc_propagator_inject(const otelc_propagator *p, const otelc_context *ctx,
                                      const otelc_carrier_setter *setter)
{
    if (!setter || setter->version != OTELC_CARRIER_VERSION || !setter->set)
        return OTELC_EINVAL;
    if (!p)
        p = otelc_global_propagator();
    if (ctx)
        return p->m->inject(p->user_data, ctx, setter);
    otelc_context *cur = otelc_context_current();
    int rc = p->m->inject(p->user_data, cur, setter);
    otelc_context_free(cur);
    return rc;
}

OTELC_API int otelc_propagator_extract(const otelc_propagator *p, const otelc_context *base,
                                       const otelc_carrier_getter *getter, otelc_context **out)
{
    if (!out || !getter || getter->version != OTELC_CARRIER_VERSION || !getter->get)
        return OTELC_EINVAL;
    if (!p)
        p = otelc_global_propagator();
    if (!base)
        base = otelc__context_new(NULL, NULL, 0);
    otelc_context *res = NULL;
    int rc = p->m->extract(p->user_data, base, getter, &res);
    if (rc != OTELC_OK)
        return rc;
    if (!res) {
        /* A user propagator that forgot *out: the base is the honest answer. */
        OTELC__LOG_THROTTLED(OTELC_LOG_WARN, "propagator extract returned no context; "
                                             "using the base context");
        res = otelc_context_ref(base);
    }
    *out = res;
    return OTELC_OK;
}

OTELC_API size_t otelc_propagator_fields(const otelc_propagator *p, const char *const **names)
{
    static const char *const none[] = {NULL};
    size_t n = 0;
    const char *const *f = none;
    if (p && p->m->fields) {
        f = p->m->fields(p->user_data, &n);
        if (!f)
            n = 0;
    }
    if (names)
        *names = n ? f : none;
    return n;
}

int otelc__context_with_remote(const otelc_context *base, const otelc_span_context *sc,
                               uint8_t flags, otelc_context **out)
{
    otelc_span *remote = otelc__span_new_remote(sc);
    if (!remote)
        return OTELC_ENOMEM;
    otelc_context *c = otelc__context_new(remote, base->baggage, flags);
    otelc_span_release(remote);
    if (!c)
        return OTELC_ENOMEM;
    *out = c;
    return OTELC_OK;
}
