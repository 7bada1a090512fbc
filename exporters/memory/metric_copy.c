/* SPDX-License-Identifier: Apache-2.0 */
/* Deep copies of collected metrics (otelc_resource_metrics trees), each in one arena, for
 * exporters that keep data past the export call (the in-memory metric exporter). */
#include <string.h>

#include "otelc/exporters.h"
#include "sdk/common/alloc.h"
#include "sdk/common/arena.h"
#include "sdk/common/attrs.h"
#include "sdk/common/resource_internal.h"

/* A copy: the tree first, so the public pointer is the copy's. */
struct metrics_copy {
    otelc_resource_metrics rm;
    struct otelc__arena arena;
    otelc_resource *resource; /* a reference */
};

/* n elements of size bytes copied from src into the arena (NULL for none); *ok is cleared when
 * memory runs out. */
static void *copy_array(struct otelc__arena *a, const void *src, size_t n, size_t size, int *ok)
{
    if (!src || !n || !*ok)
        return NULL;
    void *p = n <= SIZE_MAX / size ? otelc__arena_alloc(a, n * size) : NULL;
    if (!p) {
        *ok = 0;
        return NULL;
    }
    memcpy(p, src, n * size);
    return p;
}

static const char *copy_str(struct otelc__arena *a, const char *s, int *ok)
{
    if (!s || !*ok)
        return NULL;
    char *p = otelc__arena_strndup(a, s, strlen(s));
    if (!p)
        *ok = 0;
    return p;
}

static const otelc_attr *copy_attrs(struct otelc__arena *a, const otelc_attr *src, size_t n,
                                    int *ok)
{
    otelc_attr *d = copy_array(a, src, n, sizeof *d, ok);
    for (size_t i = 0; d && i < n && *ok; i++) {
        d[i].key = copy_str(a, src[i].key, ok);
        if (*ok && otelc__value_copy(&d[i].value, &src[i].value, a, UINT32_MAX) != OTELC_OK)
            *ok = 0;
    }
    return d;
}

static const otelc_exemplar *copy_exemplars(struct otelc__arena *a, const otelc_exemplar *src,
                                            size_t n, int *ok)
{
    otelc_exemplar *d = copy_array(a, src, n, sizeof *d, ok);
    for (size_t i = 0; d && i < n && *ok; i++)
        d[i].filtered_attrs = copy_attrs(a, src[i].filtered_attrs, src[i].filtered_attr_count, ok);
    return d;
}

static void copy_points(struct otelc__arena *a, otelc_metric_data *md, int *ok)
{
    size_t n = md->point_count;
    switch (md->type) {
    case OTELC_METRIC_GAUGE:
    case OTELC_METRIC_SUM: {
        otelc_number_point *d = copy_array(a, md->points.number, n, sizeof *d, ok);
        for (size_t i = 0; d && i < n && *ok; i++) {
            d[i].attrs = copy_attrs(a, d[i].attrs, d[i].attr_count, ok);
            d[i].exemplars = copy_exemplars(a, d[i].exemplars, d[i].exemplar_count, ok);
        }
        md->points.number = d;
        break;
    }
    case OTELC_METRIC_HISTOGRAM: {
        otelc_histogram_point *d = copy_array(a, md->points.histogram, n, sizeof *d, ok);
        for (size_t i = 0; d && i < n && *ok; i++) {
            d[i].attrs = copy_attrs(a, d[i].attrs, d[i].attr_count, ok);
            d[i].exemplars = copy_exemplars(a, d[i].exemplars, d[i].exemplar_count, ok);
            d[i].bounds = copy_array(a, d[i].bounds, d[i].bound_count, sizeof *d[i].bounds, ok);
            d[i].bucket_counts = copy_array(a, d[i].bucket_counts, d[i].bound_count + 1,
                                            sizeof *d[i].bucket_counts, ok);
        }
        md->points.histogram = d;
        break;
    }
    case OTELC_METRIC_EXPONENTIAL_HISTOGRAM: {
        otelc_exp_histogram_point *d = copy_array(a, md->points.exp_histogram, n, sizeof *d, ok);
        for (size_t i = 0; d && i < n && *ok; i++) {
            d[i].attrs = copy_attrs(a, d[i].attrs, d[i].attr_count, ok);
            d[i].exemplars = copy_exemplars(a, d[i].exemplars, d[i].exemplar_count, ok);
            d[i].positive.counts = copy_array(a, d[i].positive.counts, d[i].positive.count_n,
                                              sizeof *d[i].positive.counts, ok);
            d[i].negative.counts = copy_array(a, d[i].negative.counts, d[i].negative.count_n,
                                              sizeof *d[i].negative.counts, ok);
        }
        md->points.exp_histogram = d;
        break;
    }
    default:
        md->points.number = NULL;
        break;
    }
    /* A NULL array stays NULL, with a count of 0 so readers can trust the count. */
    if (!md->points.number)
        md->point_count = 0;
}

static const otelc_metric_data *copy_metrics(struct otelc__arena *a, const otelc_metric_data *src,
                                             size_t n, int *ok)
{
    otelc_metric_data *d = copy_array(a, src, n, sizeof *d, ok);
    for (size_t i = 0; d && i < n && *ok; i++) {
        d[i].name = copy_str(a, d[i].name, ok);
        d[i].description = copy_str(a, d[i].description, ok);
        d[i].unit = copy_str(a, d[i].unit, ok);
        copy_points(a, &d[i], ok);
    }
    return d;
}

int otelc_resource_metrics_copy(otelc_resource_metrics **out, const otelc_resource_metrics *src)
{
    if (!out || !src || (src->scope_count && !src->scopes))
        return OTELC_EINVAL;
    struct metrics_copy *c = otelc__calloc(1, sizeof *c);
    if (!c)
        return OTELC_ENOMEM;
    struct otelc__arena *a = &c->arena;
    int ok = 1;
    otelc__arena_init(a, NULL, 0);
    c->resource = otelc__resource_ref(src->resource);
    c->rm.resource = c->resource;
    otelc_scope_metrics *scopes = copy_array(a, src->scopes, src->scope_count, sizeof *scopes, &ok);
    for (size_t i = 0; scopes && i < src->scope_count && ok; i++) {
        otelc_scope_info *sc = &scopes[i].scope;
        sc->name = copy_str(a, sc->name, &ok);
        sc->version = copy_str(a, sc->version, &ok);
        sc->schema_url = copy_str(a, sc->schema_url, &ok);
        sc->attrs = copy_attrs(a, sc->attrs, sc->attr_count, &ok);
        scopes[i].metrics = copy_metrics(a, scopes[i].metrics, scopes[i].metric_count, &ok);
        if (!scopes[i].metrics)
            scopes[i].metric_count = 0;
    }
    c->rm.scopes = scopes;
    c->rm.scope_count = scopes ? src->scope_count : 0;
    if (!ok) {
        otelc_resource_metrics_free(&c->rm);
        return OTELC_ENOMEM;
    }
    *out = &c->rm;
    return OTELC_OK;
}

void otelc_resource_metrics_free(otelc_resource_metrics *rm)
{
    struct metrics_copy *c = (struct metrics_copy *)rm;
    if (!c)
        return;
    otelc_resource_free(c->resource);
    otelc__arena_reset(&c->arena, NULL, 0);
    otelc__free(c);
}

const otelc_metric_data *otelc_resource_metrics_find(const otelc_resource_metrics *rm,
                                                     const char *name)
{
    if (!rm || !name || !rm->scopes)
        return NULL;
    for (size_t i = 0; i < rm->scope_count; i++) {
        const otelc_scope_metrics *sc = &rm->scopes[i];
        for (size_t k = 0; sc->metrics && k < sc->metric_count; k++) {
            if (sc->metrics[k].name && strcmp(sc->metrics[k].name, name) == 0)
                return &sc->metrics[k];
        }
    }
    return NULL;
}
