/* SPDX-License-Identifier: Apache-2.0 */
/* The in-memory metric exporter, for tests: counts exports and keeps a deep copy of the last
 * collection, with the temporality and histogram aggregation a test asks for. */
#include <pthread.h>

#include "otelc/exporters.h"
#include "sdk/common/alloc.h"
#include "sdk/metrics/metric_exporter_internal.h"

struct memory_metric_exporter {
    pthread_mutex_t mu; /* guards everything below: accessors run on any thread */
    struct otelc__metric_prefs prefs; /* set once at creation */
    otelc_resource_metrics *last; /* a copy, or NULL before the first export */
    size_t exports;               /* successful exports */
    uint32_t fail_left;           /* exports still to fail */
    int fail_err;                 /* what they return */
};

static int memory_export(void *user_data, const otelc_resource_metrics *rm, uint64_t deadline)
{
    struct memory_metric_exporter *m = user_data;
    otelc_resource_metrics *copy = NULL, *old = NULL;
    int rc;

    pthread_mutex_lock(&m->mu);
    if (m->fail_left) {
        m->fail_left--;
        rc = m->fail_err;
        pthread_mutex_unlock(&m->mu);
        return rc;
    }
    pthread_mutex_unlock(&m->mu);
    /* Copied outside the lock: accessors need not wait for a large collection. */
    rc = otelc_resource_metrics_copy(&copy, rm);
    if (rc != OTELC_OK)
        return rc;
    pthread_mutex_lock(&m->mu);
    old = m->last;
    m->last = copy;
    m->exports++;
    pthread_mutex_unlock(&m->mu);
    otelc_resource_metrics_free(old);
    return OTELC_OK;
}

static otelc_temporality memory_temporality(void *user_data, otelc_instrument_kind kind)
{
    const struct memory_metric_exporter *m = user_data;
    return otelc__metric_prefs_temporality(&m->prefs, kind);
}

static otelc_aggregation memory_aggregation(void *user_data, otelc_instrument_kind kind)
{
    const struct memory_metric_exporter *m = user_data;
    return otelc__metric_prefs_aggregation(&m->prefs, kind);
}

static void memory_destroy(void *user_data)
{
    struct memory_metric_exporter *m = user_data;
    otelc_resource_metrics_free(m->last);
    pthread_mutex_destroy(&m->mu);
    otelc__free(m);
}

/* No shutdown method: what was exported stays readable after the provider is shut down. */
static const otelc_metric_exporter_methods memory_metric_methods = {
    .version = OTELC_METRIC_EXPORTER_METHODS_VERSION,
    .export_metrics = memory_export,
    .temporality = memory_temporality,
    .aggregation = memory_aggregation,
    .destroy = memory_destroy,
};

int otelc_memory_metric_exporter_new(otelc_metric_exporter **out,
                                     otelc_temporality_preference temporality,
                                     otelc_aggregation histogram_aggregation)
{
    struct memory_metric_exporter *m;
    struct otelc__metric_prefs prefs;
    int rc;

    if (!out || otelc__metric_prefs_set(&prefs, temporality, histogram_aggregation, 0) != OTELC_OK)
        return OTELC_EINVAL;
    m = otelc__calloc(1, sizeof *m);
    if (!m)
        return OTELC_ENOMEM;
    if (pthread_mutex_init(&m->mu, NULL) != 0) {
        otelc__free(m);
        return OTELC_ENOMEM;
    }
    m->prefs = prefs;
    rc = otelc_metric_exporter_new(out, &memory_metric_methods, m);
    if (rc != OTELC_OK)
        memory_destroy(m);
    return rc;
}

/* The memory exporter behind e, or NULL when e is something else. */
static struct memory_metric_exporter *memory_of(const otelc_metric_exporter *e)
{
    if (!e || otelc__metric_exporter_methods(e) != &memory_metric_methods)
        return NULL;
    return otelc_metric_exporter_user_data(e);
}

size_t otelc_memory_metric_exporter_export_count(const otelc_metric_exporter *e)
{
    struct memory_metric_exporter *m = memory_of(e);
    size_t n;
    if (!m)
        return 0;
    pthread_mutex_lock(&m->mu);
    n = m->exports;
    pthread_mutex_unlock(&m->mu);
    return n;
}

int otelc_memory_metric_exporter_last(const otelc_metric_exporter *e, otelc_resource_metrics **out)
{
    struct memory_metric_exporter *m = memory_of(e);
    int rc;
    if (!m || !out)
        return OTELC_EINVAL;
    pthread_mutex_lock(&m->mu);
    if (m->last) {
        rc = otelc_resource_metrics_copy(out, m->last);
    } else {
        *out = NULL;
        rc = OTELC_ENOTFOUND;
    }
    pthread_mutex_unlock(&m->mu);
    return rc;
}

void otelc_memory_metric_exporter_reset(otelc_metric_exporter *e)
{
    struct memory_metric_exporter *m = memory_of(e);
    otelc_resource_metrics *old;
    if (!m)
        return;
    pthread_mutex_lock(&m->mu);
    old = m->last;
    m->last = NULL;
    m->exports = 0;
    pthread_mutex_unlock(&m->mu);
    otelc_resource_metrics_free(old);
}

void otelc_memory_metric_exporter_fail_next(otelc_metric_exporter *e, uint32_t n, int err)
{
    struct memory_metric_exporter *m = memory_of(e);
    if (!m)
        return;
    pthread_mutex_lock(&m->mu);
    m->fail_left = n;
    m->fail_err = err;
    pthread_mutex_unlock(&m->mu);
}
