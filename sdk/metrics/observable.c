/* SPDX-License-Identifier: Apache-2.0 */
/* Observable instruments: callback registration (single and multi-instrument), removal that
 * waits for a running callback, and the observations they report during a collection. */
#include <string.h>

#include "metrics_internal.h"
#include "sdk/common/alloc.h"
#include "sdk/common/log_internal.h"

static int register_cb(struct otelc_meter_provider *mp, otelc_instrument *const *insts, size_t n,
                       otelc_observable_callback cb, void *ud, otelc_callback_registration **out)
{
    struct callback_reg *r = otelc__calloc(1, sizeof *r);
    if (!r)
        return OTELC_ENOMEM;
    r->insts = otelc__calloc(n, sizeof *r->insts);
    if (!r->insts) {
        otelc__free(r);
        return OTELC_ENOMEM;
    }
    memcpy(r->insts, insts, n * sizeof *insts);
    r->n = n;
    r->mp = mp;
    r->cb = cb;
    r->ud = ud;
    pthread_mutex_lock(&mp->cb_mu);
    r->next = mp->callbacks;
    if (mp->callbacks)
        mp->callbacks->prev = r;
    mp->callbacks = r;
    pthread_mutex_unlock(&mp->cb_mu);
    if (out)
        *out = (otelc_callback_registration *)r;
    return OTELC_OK;
}

OTELC_API int otelc_instrument_add_callback(otelc_instrument *inst, otelc_observable_callback cb,
                                            void *user_data, otelc_callback_registration **out)
{
    if (!inst || !cb || !inst->observable)
        return OTELC_EINVAL;
    return register_cb(inst->mp, &inst, 1, cb, user_data, out);
}

OTELC_API int otelc_meter_register_callback(otelc_meter *m, otelc_instrument *const *insts,
                                            size_t n, otelc_observable_callback cb,
                                            void *user_data, otelc_callback_registration **out)
{
    if (!m || !insts || n == 0 || !cb)
        return OTELC_EINVAL;
    for (size_t i = 0; i < n; i++)
        if (!insts[i] || !insts[i]->observable || insts[i]->mp != m->mp)
            return OTELC_EINVAL;
    return register_cb(m->mp, insts, n, cb, user_data, out);
}

OTELC_API void otelc_callback_unregister(otelc_callback_registration *reg)
{
    struct callback_reg *r = (struct callback_reg *)reg;
    if (!r)
        return;
    struct otelc_meter_provider *mp = r->mp;
    /* Collections hold cb_mu while callbacks run: taking it waits for a running one. */
    pthread_mutex_lock(&mp->cb_mu);
    if (r->prev)
        r->prev->next = r->next;
    else
        mp->callbacks = r->next;
    if (r->next)
        r->next->prev = r->prev;
    pthread_mutex_unlock(&mp->cb_mu);
    otelc__free(r->insts);
    otelc__free(r);
}

void otelc__run_callbacks(struct otelc_meter_provider *mp, size_t reader)
{
    pthread_mutex_lock(&mp->cb_mu);
    for (struct callback_reg *r = mp->callbacks; r; r = r->next) {
        struct otelc_observer obs = {.reg = r, .reader = reader};
        r->cb(&obs, r->ud);
    }
    pthread_mutex_unlock(&mp->cb_mu);
}

void otelc__callbacks_free(struct otelc_meter_provider *mp)
{
    struct callback_reg *r = mp->callbacks;
    while (r) {
        struct callback_reg *next = r->next;
        otelc__free(r->insts);
        otelc__free(r);
        r = next;
    }
    mp->callbacks = NULL;
}

static void observe(otelc_observer *obs, otelc_instrument *inst, int is_i, int64_t vi, double vd,
                    const otelc_attr *attrs, size_t n)
{
    if (!obs)
        return;
    struct callback_reg *r = obs->reg;
    if (!inst && r->n == 1)
        inst = r->insts[0];
    size_t i = 0;
    while (i < r->n && r->insts[i] != inst)
        i++;
    if (!inst || i == r->n) {
        OTELC__LOG_THROTTLED(OTELC_LOG_WARN, "metrics: a callback observed an instrument it is "
                                             "not registered for; the observation is ignored");
        return;
    }
    otelc_metric_number v;
    double dv;
    if (!otelc__measurement(inst, is_i, vi, vd, &v, &dv)) {
        atomic_fetch_add_explicit(&inst->mp->invalid, 1, memory_order_relaxed);
        return;
    }
    /* Observations carry no exemplars: they happen on the collecting thread, in no request. */
    otelc__record_streams(inst, v, dv, attrs, n, obs->reader, 1, NULL);
}

OTELC_API void otelc_observe_i64(otelc_observer *obs, otelc_instrument *inst, int64_t value,
                                 const otelc_attr *attrs, size_t n)
{
    observe(obs, inst, 1, value, 0, attrs, n);
}

OTELC_API void otelc_observe_f64(otelc_observer *obs, otelc_instrument *inst, double value,
                                 const otelc_attr *attrs, size_t n)
{
    observe(obs, inst, 0, 0, value, attrs, n);
}
