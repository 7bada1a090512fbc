/* SPDX-License-Identifier: Apache-2.0 */
/* The meter provider: options, meters by scope, flush and shutdown, stats, the global
 * provider, and fork(). */
#include <string.h>
#include <unistd.h>

#include "metrics_internal.h"
#include "sdk/common/alloc.h"
#include "sdk/common/clock.h"
#include "sdk/common/env.h"
#include "sdk/common/log_internal.h"
#include "sdk/common/resource_internal.h"

OTELC_API void otelc_meter_provider_options_init(otelc_meter_provider_options *o)
{
    if (!o)
        return;
    memset(o, 0, sizeof *o);
    o->size = sizeof *o;
    o->exemplar_filter = OTELC_EXEMPLAR_FILTER_TRACE_BASED;
    o->cardinality_limit = OTELC_DEFAULT_CARDINALITY_LIMIT;
}

OTELC_API void otelc_meter_provider_options_from_env(otelc_meter_provider_options *o)
{
    if (!o)
        return;
    /* In the order of otelc_exemplar_filter. */
    static const char *const filters[] = {"trace_based", "always_on", "always_off", NULL};
    o->exemplar_filter = (otelc_exemplar_filter)otelc__env_choice(
        "OTEL_METRICS_EXEMPLAR_FILTER", filters, OTELC_EXEMPLAR_FILTER_TRACE_BASED);
}

/* ---- fork ------------------------------------------------------------------------------ */

static void provider_prepare(void *ud)
{
    struct otelc_meter_provider *mp = ud;
    /* Workers first: a collection they are in holds cb_mu. */
    for (size_t i = 0; i < mp->nreaders; i++)
        otelc__periodic_prepare(mp->readers[i]);
    pthread_mutex_lock(&mp->mu);
    pthread_mutex_lock(&mp->cb_mu);
}

static void provider_parent(void *ud)
{
    struct otelc_meter_provider *mp = ud;
    pthread_mutex_unlock(&mp->cb_mu);
    pthread_mutex_unlock(&mp->mu);
    for (size_t i = 0; i < mp->nreaders; i++)
        otelc__periodic_parent(mp->readers[i]);
}

static void provider_child(void *ud, int prepared)
{
    struct otelc_meter_provider *mp = ud;
    pthread_mutex_t fresh = PTHREAD_MUTEX_INITIALIZER;
    mp->mu = fresh;
    mp->cb_mu = fresh;
    otelc_resource *r = otelc__resource_with_pid(mp->resource, (int64_t)getpid());
    if (r) {
        otelc_resource_free(mp->resource);
        mp->resource = r;
    }
    /* The child counts its own measurements from now on: see otelc__stream_reset_after_fork.
     * Series keep their attribute sets, so bound handles stay valid. */
    uint64_t now = otelc__now_ns();
    for (struct otelc_meter *m = atomic_load(&mp->meters); m; m = atomic_load(&m->next))
        for (struct otelc_instrument *i = atomic_load(&m->instruments); i;
             i = atomic_load(&i->next))
            for (size_t s = 0; s < i->nstreams; s++)
                otelc__stream_reset_after_fork(i->streams[s], now);
    int periodic = 0;
    for (size_t i = 0; i < mp->nreaders; i++) {
        otelc__periodic_child(mp->readers[i], prepared);
        periodic |= mp->readers[i]->periodic;
    }
    if (periodic && !(atomic_load(&mp->state) & MP_SHUT_DOWN))
        atomic_fetch_or(&mp->state, MP_START_WORKERS);
}

void otelc__provider_start_workers(struct otelc_meter_provider *mp)
{
    if (!(atomic_load(&mp->state) & MP_START_WORKERS))
        return;
    pthread_mutex_lock(&mp->mu);
    if (atomic_load(&mp->state) & MP_START_WORKERS) {
        for (size_t i = 0; i < mp->nreaders; i++)
            if (mp->readers[i]->periodic)
                otelc__periodic_start(mp->readers[i]);
        atomic_fetch_and(&mp->state, ~MP_START_WORKERS);
    }
    pthread_mutex_unlock(&mp->mu);
}

/* ---- the provider ------------------------------------------------------------------------ */

/* exact_resource: opt->resource is used as it is rather than merged over the default. */
static int provider_new(otelc_meter_provider **out, const otelc_meter_provider_options *opt,
                        int exact_resource)
{
    otelc_meter_provider_options o;
    otelc_meter_provider_options_init(&o);
    if (!out)
        return OTELC_EINVAL;
    if (otelc__opts_copy(&o, sizeof o, opt) != OTELC_OK)
        return OTELC_EINVAL;
    if ((o.reader_count && !o.readers) || (o.view_count && !o.views) ||
        (unsigned)o.exemplar_filter > OTELC_EXEMPLAR_FILTER_ALWAYS_OFF)
        return OTELC_EINVAL;
    for (size_t i = 0; i < o.reader_count; i++) {
        if (!o.readers[i] || o.readers[i]->mp)
            return OTELC_EINVAL;
        for (size_t j = 0; j < i; j++)
            if (o.readers[j] == o.readers[i])
                return OTELC_EINVAL;
    }
    struct otelc_meter_provider *mp = otelc__calloc(1, sizeof *mp);
    if (!mp)
        return OTELC_ENOMEM;
    otelc__arena_init(&mp->arena, NULL, 0);
    int rc = OTELC_OK;
    if (exact_resource && o.resource) {
        mp->resource = otelc__resource_ref(o.resource);
    } else {
        otelc_resource *def = NULL;
        rc = otelc_resource_default(&def);
        if (rc != OTELC_OK)
            goto fail;
        if (o.resource) {
            rc = otelc_resource_merge(&mp->resource, def, o.resource);
            otelc_resource_free(def);
            if (rc != OTELC_OK)
                goto fail;
        } else {
            mp->resource = def;
        }
    }
    rc = OTELC_ENOMEM;
    if (o.reader_count) {
        mp->readers = otelc__calloc(o.reader_count, sizeof *mp->readers);
        if (!mp->readers)
            goto fail;
    }
    rc = otelc__views_copy(mp, o.views, o.view_count);
    if (rc != OTELC_OK)
        goto fail;
    rc = OTELC_ENOMEM;
    if (pthread_mutex_init(&mp->mu, NULL) != 0)
        goto fail;
    if (pthread_mutex_init(&mp->cb_mu, NULL) != 0) {
        pthread_mutex_destroy(&mp->mu);
        goto fail;
    }
    mp->exemplar_filter = o.exemplar_filter;
    mp->limit = o.cardinality_limit ? o.cardinality_limit : OTELC_DEFAULT_CARDINALITY_LIMIT;
    atomic_init(&mp->state, 0);
    atomic_init(&mp->meters, NULL);
    /* Workers start before anything is taken over, so a failure leaves the readers as they
     * were given. */
    size_t started = 0;
    for (; started < o.reader_count; started++) {
        otelc_metric_reader *r = o.readers[started];
        r->mp = mp;
        r->index = started;
        mp->readers[started] = r;
        if (r->periodic && otelc__periodic_start(r) != OTELC_OK) {
            r->mp = NULL;
            break;
        }
    }
    if (started < o.reader_count) {
        for (size_t i = 0; i < started; i++) {
            if (o.readers[i]->periodic)
                otelc__periodic_stop(o.readers[i]);
            o.readers[i]->mp = NULL;
        }
        pthread_mutex_destroy(&mp->cb_mu);
        pthread_mutex_destroy(&mp->mu);
        rc = OTELC_EIO;
        goto fail;
    }
    mp->nreaders = o.reader_count;
    mp->fork.prepare = provider_prepare;
    mp->fork.parent = provider_parent;
    mp->fork.child = provider_child;
    mp->fork.ud = mp;
    otelc__fork_register(&mp->fork);
    *out = mp;
    return OTELC_OK;
fail:
    otelc__free(mp->readers);
    otelc__arena_reset(&mp->arena, NULL, 0);
    otelc_resource_free(mp->resource);
    otelc__free(mp);
    return rc;
}

OTELC_API int otelc_meter_provider_new(otelc_meter_provider **out,
                                       const otelc_meter_provider_options *opt)
{
    return provider_new(out, opt, 0);
}

int otelc__meter_provider_new_exact_resource(otelc_meter_provider **out,
                                             const otelc_meter_provider_options *opt)
{
    return provider_new(out, opt, 1);
}

static int scope_str_eq(const char *a, const char *b)
{
    return (!a && !b) || (a && b && strcmp(a, b) == 0);
}

static struct otelc_meter *find_meter(struct otelc_meter_provider *mp, const char *name,
                                      const char *version, const char *schema_url,
                                      const struct otelc__attrset *set)
{
    for (struct otelc_meter *m = atomic_load(&mp->meters); m; m = atomic_load(&m->next)) {
        if (strcmp(m->scope.name, name) == 0 && scope_str_eq(m->scope.version, version) &&
            scope_str_eq(m->scope.schema_url, schema_url) && m->attr_hash == set->hash &&
            otelc__attrset_equal(set, m->scope.attrs, m->scope.attr_count))
            return m;
    }
    return NULL;
}

OTELC_API otelc_meter *otelc_meter_provider_get_meter(otelc_meter_provider *mp, const char *name,
                                                      const char *version,
                                                      const char *schema_url,
                                                      const otelc_attr *attrs, size_t n)
{
    if (!mp)
        return NULL;
    if (!name || !name[0]) {
        OTELC__LOG_THROTTLED(OTELC_LOG_WARN, "metrics: a meter was asked for without a name; "
                                             "it works, with an empty scope name");
        name = "";
    }
    otelc__provider_start_workers(mp);
    struct otelc__attrset set;
    otelc__attrset_build(&set, attrs, n);
    pthread_mutex_lock(&mp->mu);
    struct otelc_meter *m = find_meter(mp, name, version, schema_url, &set);
    if (m)
        goto out;
    m = otelc__calloc(1, sizeof *m);
    if (!m)
        goto out;
    otelc__arena_init(&m->arena, NULL, 0);
    int oom = 0;
    otelc_attr *copied = NULL;
    m->scope.name = otelc__metrics_strdup(&m->arena, name, &oom);
    m->scope.version = otelc__metrics_strdup(&m->arena, version, &oom);
    m->scope.schema_url = otelc__metrics_strdup(&m->arena, schema_url, &oom);
    if (oom || otelc__attrset_copy(&set, &m->arena, &copied) != OTELC_OK) {
        otelc__arena_reset(&m->arena, NULL, 0);
        otelc__free(m);
        m = NULL;
        goto out;
    }
    m->scope.attrs = copied;
    m->scope.attr_count = set.n;
    m->attr_hash = set.hash;
    m->mp = mp;
    atomic_init(&m->next, NULL);
    atomic_init(&m->instruments, NULL);
    if (mp->last_meter)
        atomic_store_explicit(&mp->last_meter->next, m, memory_order_release);
    else
        atomic_store_explicit(&mp->meters, m, memory_order_release);
    mp->last_meter = m;
out:
    pthread_mutex_unlock(&mp->mu);
    return m;
}

OTELC_API int otelc_meter_provider_force_flush(otelc_meter_provider *mp, uint32_t timeout_ms)
{
    if (!mp)
        return OTELC_EINVAL;
    if (atomic_load(&mp->state) & MP_SHUT_DOWN)
        return OTELC_ESHUTDOWN;
    otelc__provider_start_workers(mp);
    uint64_t deadline = otelc__deadline_ms(timeout_ms);
    int result = OTELC_OK;
    for (size_t i = 0; i < mp->nreaders; i++) {
        int rc = mp->readers[i]->periodic ? otelc__periodic_flush(mp->readers[i], deadline)
                                          : OTELC_OK;
        if (rc != OTELC_OK && result == OTELC_OK)
            result = rc;
    }
    return result;
}

OTELC_API int otelc_meter_provider_shutdown(otelc_meter_provider *mp, uint32_t timeout_ms)
{
    if (!mp)
        return OTELC_EINVAL;
    int old = atomic_fetch_or(&mp->state, MP_SHUT_DOWN);
    if (old & MP_SHUT_DOWN)
        return OTELC_ESHUTDOWN;
    uint64_t deadline = otelc__deadline_ms(timeout_ms);
    int result = OTELC_OK;
    for (size_t i = 0; i < mp->nreaders; i++) {
        uint64_t now = otelc__mono_ns();
        uint64_t left_ms = now < deadline ? (deadline - now) / 1000000 : 0;
        int rc = otelc_metric_reader_shutdown(mp->readers[i],
                                              left_ms > UINT32_MAX ? UINT32_MAX : (uint32_t)left_ms);
        if (otelc__mono_ns() >= deadline && rc == OTELC_OK)
            rc = OTELC_ETIMEDOUT;
        if (rc != OTELC_OK && rc != OTELC_ESHUTDOWN && result == OTELC_OK)
            result = rc;
    }
    return result;
}

OTELC_API const otelc_resource *otelc_meter_provider_resource(const otelc_meter_provider *mp)
{
    return mp ? mp->resource : NULL;
}

OTELC_API void otelc_meter_provider_get_stats(const otelc_meter_provider *mp,
                                              otelc_meter_provider_stats *s)
{
    if (!s)
        return;
    memset(s, 0, sizeof *s);
    if (!mp)
        return;
    /* Casts: the counters are atomics in a provider the caller may hold as const. */
    struct otelc_meter_provider *m = (struct otelc_meter_provider *)mp;
    s->series = atomic_load_explicit(&m->nseries, memory_order_relaxed);
    s->overflowed = atomic_load_explicit(&m->overflowed, memory_order_relaxed);
    s->invalid = atomic_load_explicit(&m->invalid, memory_order_relaxed);
}

static otelc_meter_provider *_Atomic global_mp;

OTELC_API otelc_meter_provider *otelc_global_meter_provider(void)
{
    return atomic_load_explicit(&global_mp, memory_order_acquire);
}

OTELC_API void otelc_set_global_meter_provider(otelc_meter_provider *mp)
{
    atomic_store_explicit(&global_mp, mp, memory_order_release);
}

OTELC_API void otelc_meter_provider_free(otelc_meter_provider *mp)
{
    if (!mp)
        return;
    if (!(atomic_load(&mp->state) & MP_SHUT_DOWN))
        otelc_meter_provider_shutdown(mp, 5000);
    otelc__fork_unregister(&mp->fork);
    otelc_meter_provider *expected = mp;
    atomic_compare_exchange_strong(&global_mp, &expected, NULL);
    int abandoned = 0;
    for (size_t i = 0; i < mp->nreaders; i++)
        abandoned |= otelc__reader_destroy(mp->readers[i]);
    otelc__free(mp->readers);
    otelc__callbacks_free(mp);
    if (abandoned) {
        /* A worker is still exporting a collection that points into the series: leave them
         * (and the provider) allocated rather than pull them from under its feet. */
        otelc__log(OTELC_LOG_ERROR, "metrics: an exporter ignored its deadline; the provider's "
                                    "memory is left allocated");
        return;
    }
    struct otelc_meter *m = atomic_load(&mp->meters);
    while (m) {
        struct otelc_meter *next = atomic_load(&m->next);
        struct otelc_instrument *i = atomic_load(&m->instruments);
        while (i) {
            struct otelc_instrument *inext = atomic_load(&i->next);
            otelc__instrument_free(i);
            i = inext;
        }
        otelc__arena_reset(&m->arena, NULL, 0);
        otelc__free(m);
        m = next;
    }
    otelc__arena_reset(&mp->arena, NULL, 0);
    otelc_resource_free(mp->resource);
    pthread_mutex_destroy(&mp->cb_mu);
    pthread_mutex_destroy(&mp->mu);
    otelc__free(mp);
}
