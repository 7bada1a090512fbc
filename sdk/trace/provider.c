/* SPDX-License-Identifier: Apache-2.0 */
/* The tracer provider: configuration, tracers, flush and shutdown. */
#include <string.h>
#include <unistd.h>

#include "sdk/common/alloc.h"
#include "sdk/common/clock.h"
#include "sdk/common/log_internal.h"
#include "sdk/common/resource_internal.h"
#include "span_internal.h"

OTELC_API void otelc_tracer_provider_options_init(otelc_tracer_provider_options *opt)
{
    if (!opt)
        return;
    memset(opt, 0, sizeof *opt);
    opt->size = sizeof *opt;
    otelc_span_limits_init(&opt->limits);
}

static otelc_sampler *default_sampler(void)
{
    otelc_sampler *root = NULL, *pb = NULL;
    if (otelc_sampler_always_on(&root) != OTELC_OK)
        return NULL;
    if (otelc_sampler_parent_based(&pb, root, NULL) != OTELC_OK) {
        otelc_sampler_free(root);
        return NULL;
    }
    return pb;
}

/* In a child after fork(): a resource that names the parent's pid now names the child's, and
 * the tracer lock, which a vanished thread may have held, starts afresh. */
static void provider_child(void *ud, int prepared)
{
    struct otelc_tracer_provider *tp = ud;
    (void)prepared;
    pthread_mutex_t fresh = PTHREAD_MUTEX_INITIALIZER;
    tp->mu = fresh;
    const otelc_value *pid = otelc_resource_get(tp->resource, "process.pid");
    if (!pid || pid->type != OTELC_VALUE_INT || pid->u.i == (int64_t)getpid())
        return;
    otelc_attr a = otelc_attr_int("process.pid", (int64_t)getpid());
    otelc_resource *upd = NULL, *merged = NULL;
    if (otelc_resource_new(&upd, &a, 1, NULL) == OTELC_OK &&
        otelc_resource_merge(&merged, tp->resource, upd) == OTELC_OK) {
        otelc_resource_free(tp->resource);
        tp->resource = merged;
    } else {
        otelc__log(OTELC_LOG_ERROR, "out of memory after fork: process.pid keeps the parent's");
    }
    otelc_resource_free(upd);
}

static void provider_prepare(void *ud)
{
    /* Nobody is inside get_tracer while the process forks. */
    pthread_mutex_lock(&((struct otelc_tracer_provider *)ud)->mu);
}

static void provider_parent(void *ud)
{
    pthread_mutex_unlock(&((struct otelc_tracer_provider *)ud)->mu);
}

OTELC_API int otelc_tracer_provider_new(otelc_tracer_provider **out,
                                        const otelc_tracer_provider_options *opt)
{
    otelc_tracer_provider_options o;
    otelc_tracer_provider_options_init(&o);
    if (!out)
        return OTELC_EINVAL;
    if (opt) {
        if (opt->size < sizeof o.size)
            return OTELC_EINVAL;
        memcpy(&o, opt, opt->size < sizeof o ? opt->size : sizeof o);
    }
    if (o.processor_count && !o.processors)
        return OTELC_EINVAL;
    for (size_t i = 0; i < o.processor_count; i++)
        if (!o.processors[i])
            return OTELC_EINVAL;

    otelc_tracer_provider *tp = otelc__calloc(1, sizeof *tp);
    if (!tp)
        return OTELC_ENOMEM;
    otelc_resource *def = NULL;
    otelc_sampler *own_sampler = NULL;
    int rc = otelc_resource_default(&def);
    if (rc != OTELC_OK)
        goto fail;
    if (o.resource) {
        rc = otelc_resource_merge(&tp->resource, def, o.resource);
        otelc_resource_free(def);
        if (rc != OTELC_OK)
            goto fail;
    } else {
        tp->resource = def;
    }
    if (o.processor_count) {
        tp->procs = otelc__calloc(o.processor_count, sizeof *tp->procs);
        if (!tp->procs) {
            rc = OTELC_ENOMEM;
            goto fail;
        }
    }
    if (!o.sampler) {
        own_sampler = default_sampler();
        if (!own_sampler) {
            rc = OTELC_ENOMEM;
            goto fail;
        }
    }
    if (pthread_mutex_init(&tp->mu, NULL) != 0) {
        rc = OTELC_ENOMEM;
        goto fail;
    }
    /* Nothing can fail from here on: take over what the caller gave. */
    tp->sampler = o.sampler ? o.sampler : own_sampler;
    for (size_t i = 0; i < o.processor_count; i++)
        tp->procs[i] = o.processors[i];
    tp->nprocs = o.processor_count;
    tp->idgen = o.id_generator;
    tp->random_trace_ids = 1;
    if (o.id_generator)
        tp->random_trace_ids =
            (otelc__id_generator_flags(o.id_generator) & OTELC_ID_GENERATOR_RANDOM_TRACE_IDS) != 0;
    tp->limits = o.limits;
    atomic_init(&tp->shut_down, 0);
    tp->fork.prepare = provider_prepare;
    tp->fork.parent = provider_parent;
    tp->fork.child = provider_child;
    tp->fork.ud = tp;
    otelc__fork_register(&tp->fork);
    *out = tp;
    return OTELC_OK;
fail:
    otelc_sampler_free(own_sampler);
    otelc__free(tp->procs);
    otelc_resource_free(tp->resource);
    otelc__free(tp);
    return rc;
}

OTELC_API int otelc_tracer_provider_force_flush(otelc_tracer_provider *tp, uint32_t timeout_ms)
{
    if (!tp)
        return OTELC_EINVAL;
    uint64_t deadline = otelc__deadline_ms(timeout_ms);
    int result = OTELC_OK;
    for (size_t i = 0; i < tp->nprocs; i++) {
        int rc = otelc__processor_force_flush(tp->procs[i], deadline);
        if (rc != OTELC_OK && result == OTELC_OK)
            result = rc;
    }
    if (result == OTELC_OK && otelc__deadline_passed(deadline))
        result = OTELC_ETIMEDOUT;
    return result;
}

OTELC_API int otelc_tracer_provider_shutdown(otelc_tracer_provider *tp, uint32_t timeout_ms)
{
    if (!tp)
        return OTELC_EINVAL;
    int expected = 0;
    if (!atomic_compare_exchange_strong(&tp->shut_down, &expected, 1))
        return OTELC_ESHUTDOWN;
    uint64_t deadline = otelc__deadline_ms(timeout_ms);
    int result = OTELC_OK;
    for (size_t i = 0; i < tp->nprocs; i++) {
        int rc = otelc__processor_shutdown(tp->procs[i], deadline);
        if (rc != OTELC_OK && result == OTELC_OK)
            result = rc;
    }
    return result;
}

OTELC_API void otelc_tracer_provider_get_stats(otelc_tracer_provider *tp,
                                               otelc_span_processor_stats *stats)
{
    if (!stats || stats->size < sizeof *stats)
        return;
    uint32_t size = stats->size;
    memset(stats, 0, sizeof *stats);
    stats->size = size;
    if (!tp)
        return;
    for (size_t i = 0; i < tp->nprocs; i++)
        otelc__processor_get_stats(tp->procs[i], stats);
}

OTELC_API const otelc_resource *otelc_tracer_provider_resource(const otelc_tracer_provider *tp)
{
    return tp ? tp->resource : NULL;
}

OTELC_API void otelc_tracer_provider_free(otelc_tracer_provider *tp)
{
    if (!tp)
        return;
    if (!atomic_load(&tp->shut_down))
        otelc_tracer_provider_shutdown(tp, 5000);
    otelc__fork_unregister(&tp->fork);
    for (size_t i = 0; i < tp->nprocs; i++)
        otelc_span_processor_free(tp->procs[i]);
    otelc__free(tp->procs);
    struct otelc_tracer *t = tp->tracers;
    while (t) {
        struct otelc_tracer *next = t->next;
        otelc__tracer_free(t);
        t = next;
    }
    otelc_sampler_free(tp->sampler);
    otelc_id_generator_free(tp->idgen);
    otelc_resource_free(tp->resource);
    pthread_mutex_destroy(&tp->mu);
    otelc__free(tp);
}
