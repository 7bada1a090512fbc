/* SPDX-License-Identifier: Apache-2.0 */
/* Splitting a metrics collection over the request limit into parts that fit. */
#include "exporters/otlp/otlp_metrics_split.h"

#include "sdk/common/alloc.h"

/* A part of a collection: the metrics [first, last) counted across scopes in order and, when
 * it is one metric, its points [p0, p1) (ignored for a part of several metrics). */
struct part {
    size_t first, last, p0, p1;
};

/* Where a part's tree is built. */
struct scratch {
    otelc_scope_metrics *scopes; /* as many as the collection has */
    otelc_metric_data one;       /* the metric of a part of one metric's points */
    otelc__otlp_metrics_send_fn send;
    otelc__otlp_metrics_too_large_fn too_large;
    void *ud;
};

static size_t metric_total(const otelc_resource_metrics *rm)
{
    size_t n = 0;
    for (size_t i = 0; i < rm->scope_count; i++)
        n += rm->scopes[i].metrics ? rm->scopes[i].metric_count : 0;
    return n;
}

/* The point array of md starting at point p0. */
static void offset_points(otelc_metric_data *md, size_t p0)
{
    switch (md->type) {
    case OTELC_METRIC_HISTOGRAM:
        md->points.histogram += p0;
        break;
    case OTELC_METRIC_EXPONENTIAL_HISTOGRAM:
        md->points.exp_histogram += p0;
        break;
    default:
        md->points.number += p0;
        break;
    }
}

/* The tree of part p of rm, in s. */
static otelc_resource_metrics part_tree(const otelc_resource_metrics *rm, struct part p,
                                        struct scratch *s)
{
    otelc_resource_metrics out = {.resource = rm->resource, .scopes = s->scopes};
    size_t base = 0;
    for (size_t i = 0; i < rm->scope_count; i++) {
        const otelc_scope_metrics *sc = &rm->scopes[i];
        size_t n = sc->metrics ? sc->metric_count : 0;
        size_t lo = p.first > base ? p.first - base : 0;
        size_t hi = p.last - base < n ? p.last - base : n;
        if (p.last > base && lo < hi) {
            otelc_scope_metrics *d = &s->scopes[out.scope_count++];
            *d = *sc;
            d->metrics = sc->metrics + lo;
            d->metric_count = hi - lo;
            if (p.last - p.first == 1) {
                s->one = sc->metrics[lo];
                s->one.point_count = p.p1 - p.p0;
                offset_points(&s->one, p.p0);
                d->metrics = &s->one;
            }
        }
        base += n;
    }
    return out;
}

/* The number of points of the index-th metric counted across scopes. */
static size_t points_of(const otelc_resource_metrics *rm, size_t index)
{
    for (size_t i = 0; i < rm->scope_count; i++) {
        size_t n = rm->scopes[i].metrics ? rm->scopes[i].metric_count : 0;
        if (index < n)
            return rm->scopes[i].metrics[index].point_count;
        index -= n;
    }
    return 0;
}

/* Sends part p, halving it (by metrics, then by points) while its request is too large; every
 * part is sent even when another failed, and the first failure is returned. */
static int send_part(const otelc_resource_metrics *rm, struct part p, struct scratch *s,
                     uint64_t deadline)
{
    otelc_resource_metrics tree = part_tree(rm, p, s);
    int rc = s->send(s->ud, &tree, deadline);
    if (rc != OTELC__OTLP_SPLIT_ME)
        return rc;
    struct part a = p, b = p;
    if (p.last - p.first > 1) {
        a.last = b.first = p.first + (p.last - p.first) / 2;
        a.p0 = b.p0 = 0;
        a.p1 = points_of(rm, a.first);
        b.p1 = points_of(rm, b.first);
    } else if (p.p1 - p.p0 > 1) {
        a.p1 = b.p0 = p.p0 + (p.p1 - p.p0) / 2;
    } else {
        return s->too_large(s->ud, p.p1 > p.p0 ? "one data point" : "one metric without points");
    }
    int ra = send_part(rm, a, s, deadline);
    int rb = send_part(rm, b, s, deadline);
    return ra != OTELC_OK ? ra : rb;
}

int otelc__otlp_metrics_export_split(const otelc_resource_metrics *rm,
                                     otelc__otlp_metrics_send_fn send,
                                     otelc__otlp_metrics_too_large_fn too_large, void *ud,
                                     uint64_t deadline)
{
    int rc = send(ud, rm, deadline);
    if (rc != OTELC__OTLP_SPLIT_ME)
        return rc;
    size_t total = metric_total(rm);
    if (total == 0)
        return too_large(ud, "a collection without points");
    struct scratch s = {.send = send, .too_large = too_large, .ud = ud};
    s.scopes = otelc__calloc(rm->scope_count, sizeof *s.scopes);
    if (!s.scopes)
        return OTELC_ENOMEM;
    struct part all = {0, total, 0, total == 1 ? points_of(rm, 0) : 0};
    rc = send_part(rm, all, &s, deadline);
    otelc__free(s.scopes);
    return rc;
}
