/* SPDX-License-Identifier: Apache-2.0 */
/* Collection: one reader's streams read (and, for delta, reset) into an otelc_resource_metrics
 * tree built in an arena that lives for the call. */
#include <string.h>

#include "metrics_internal.h"
#include "sdk/common/clock.h"
#include "series_ext.h"

struct cctx {
    struct otelc__arena a;
    uint64_t now;
    int oom;
};

static void *alloc(struct cctx *c, size_t n, size_t size)
{
    if (n == 0)
        return NULL;
    void *p = otelc__arena_alloc(&c->a, n * size);
    if (!p)
        c->oom = 1;
    else
        memset(p, 0, n * size);
    return p;
}

static void exemplars(struct cctx *c, struct series *s, int is_int, const otelc_exemplar **out,
                      size_t *n)
{
    int oom = 0;
    *n = otelc__series_ext_exemplars(s, is_int, &c->a, out, &oom);
    if (oom)
        c->oom = 1;
}

/* A number point (Sum, LastValue); 0 when the series has nothing to report. */
static int number_point(struct cctx *c, struct stream *st, struct series *s,
                        otelc_number_point *p)
{
    int delta = st->temporality == OTELC_TEMPORALITY_DELTA;
    int obs = st->inst->observable;
    int is_int = st->inst->is_int;
    uint32_t old = atomic_fetch_and_explicit(&s->flags, ~SERIES_TOUCHED, memory_order_acq_rel);
    if (!(old & ((delta || obs) ? SERIES_TOUCHED : SERIES_USED)))
        return 0;
    otelc_metric_number v;
    if (st->agg == OTELC_AGGREGATION_SUM && delta && !obs) {
        /* An exchange: a concurrent add lands either in this point or in the next. */
        int64_t bits = atomic_exchange_explicit(&s->v.i, 0, memory_order_relaxed);
        memcpy(&v, &bits, sizeof v);
    } else {
        int64_t bits = atomic_load_explicit(&s->v.i, memory_order_relaxed);
        memcpy(&v, &bits, sizeof v);
    }
    if (st->agg == OTELC_AGGREGATION_SUM && delta && obs) {
        /* Observations are totals: the delta is the change since the last one reported. */
        otelc_metric_number cur = v;
        if (is_int)
            v.i = (int64_t)((uint64_t)cur.i - (uint64_t)s->prev.i);
        else
            v.d = cur.d - s->prev.d;
        s->prev = cur;
    }
    p->attrs = s->attrs;
    p->attr_count = s->nattrs;
    p->time_ns = c->now;
    if (st->agg == OTELC_AGGREGATION_SUM)
        p->start_time_ns = delta ? st->last_collect_ns : s->start_ns;
    p->value = v;
    exemplars(c, s, is_int, &p->exemplars, &p->exemplar_count);
    return 1;
}

static int histogram_point(struct cctx *c, struct stream *st, struct series *s,
                           otelc_histogram_point *p)
{
    int delta = st->temporality == OTELC_TEMPORALITY_DELTA;
    size_t nb = st->nbounds + 1;
    uint64_t *buckets = alloc(c, nb, sizeof *buckets);
    if (!buckets)
        return 0;
    struct hist *h = s->h;
    otelc__series_lock(&h->lock);
    if (h->count == 0) {
        otelc__series_unlock(&h->lock);
        return 0;
    }
    p->count = h->count;
    p->sum = h->sum;
    p->min = h->min;
    p->max = h->max;
    memcpy(buckets, h->buckets, nb * sizeof *buckets);
    if (delta) {
        h->count = 0;
        h->sum = 0;
        h->min = __builtin_inf();
        h->max = -__builtin_inf();
        memset(h->buckets, 0, nb * sizeof *buckets);
    }
    otelc__series_unlock(&h->lock);
    atomic_fetch_and_explicit(&s->flags, ~SERIES_TOUCHED, memory_order_relaxed);
    p->attrs = s->attrs;
    p->attr_count = s->nattrs;
    p->start_time_ns = delta ? st->last_collect_ns : s->start_ns;
    p->time_ns = c->now;
    /* A sum of measurements that may be negative is not a meaningful histogram sum. */
    p->has_sum = st->monotonic;
    p->has_min_max = !st->no_min_max;
    p->bounds = st->bounds;
    p->bound_count = st->nbounds;
    p->bucket_counts = buckets;
    exemplars(c, s, st->inst->is_int, &p->exemplars, &p->exemplar_count);
    return 1;
}

static int exp_point(struct cctx *c, struct stream *st, struct series *s,
                     otelc_exp_histogram_point *p)
{
    int rc = otelc__series_ext_exp_point(st, s, p, &c->a);
    if (rc < 0) {
        c->oom = 1;
        return 0;
    }
    if (rc == 0)
        return 0;
    atomic_fetch_and_explicit(&s->flags, ~SERIES_TOUCHED, memory_order_relaxed);
    p->attrs = s->attrs;
    p->attr_count = s->nattrs;
    p->start_time_ns = st->temporality == OTELC_TEMPORALITY_DELTA ? st->last_collect_ns
                                                                   : s->start_ns;
    p->time_ns = c->now;
    p->has_sum = p->has_sum && st->monotonic;
    p->has_min_max = p->has_min_max && !st->no_min_max;
    exemplars(c, s, st->inst->is_int, &p->exemplars, &p->exemplar_count);
    return 1;
}

static int point(struct cctx *c, struct stream *st, struct series *s, otelc_metric_data *md)
{
    switch (md->type) {
    case OTELC_METRIC_GAUGE:
    case OTELC_METRIC_SUM:
        return number_point(c, st, s, (otelc_number_point *)&md->points.number[md->point_count]);
    case OTELC_METRIC_HISTOGRAM:
        return histogram_point(c, st, s,
                               (otelc_histogram_point *)&md->points.histogram[md->point_count]);
    case OTELC_METRIC_EXPONENTIAL_HISTOGRAM:
        return exp_point(c, st, s,
                         (otelc_exp_histogram_point *)&md->points.exp_histogram[md->point_count]);
    }
    return 0;
}

/* Fills md with the stream's points; md->point_count 0 when none. */
static void collect_stream(struct cctx *c, struct stream *st, otelc_metric_data *md)
{
    const struct otelc_instrument *inst = st->inst;
    md->name = st->name;
    md->description = st->description;
    md->unit = inst->unit;
    md->is_int = inst->is_int;
    md->temporality = st->temporality;
    size_t psize;
    switch (st->agg) {
    case OTELC_AGGREGATION_LAST_VALUE:
        md->type = OTELC_METRIC_GAUGE;
        md->temporality = OTELC_TEMPORALITY_UNSPECIFIED;
        psize = sizeof(otelc_number_point);
        break;
    case OTELC_AGGREGATION_EXPLICIT_HISTOGRAM:
        md->type = OTELC_METRIC_HISTOGRAM;
        psize = sizeof(otelc_histogram_point);
        break;
    case OTELC_AGGREGATION_EXPONENTIAL_HISTOGRAM:
        md->type = OTELC_METRIC_EXPONENTIAL_HISTOGRAM;
        psize = sizeof(otelc_exp_histogram_point);
        break;
    default:
        md->type = OTELC_METRIC_SUM;
        md->is_monotonic = st->monotonic;
        psize = sizeof(otelc_number_point);
        break;
    }
    /* The list is newest first and only grows at its head: the series counted here are the
     * ones walked below, whatever is added meanwhile. */
    struct series *head = atomic_load_explicit(&st->list, memory_order_acquire);
    struct series *over = atomic_load_explicit(&st->overflow, memory_order_acquire);
    size_t n = over ? 1 : 0;
    for (struct series *s = head; s; s = s->next)
        n++;
    void *points = alloc(c, n, psize);
    md->points.number = points;
    if (points) {
        for (struct series *s = head; s; s = s->next)
            md->point_count += (size_t)point(c, st, s, md);
        if (over)
            md->point_count += (size_t)point(c, st, over, md);
    }
    st->last_collect_ns = c->now;
}

static size_t reader_streams(const struct otelc_instrument *inst, size_t reader)
{
    size_t n = 0;
    for (size_t i = 0; i < inst->nstreams; i++)
        n += inst->streams[i]->reader == reader;
    return n;
}

int otelc__collect(struct otelc_meter_provider *mp, size_t reader, otelc_metrics_collect_fn fn,
                   void *ud)
{
    otelc__run_callbacks(mp, reader);
    struct cctx c;
    otelc__arena_init(&c.a, NULL, 0);
    c.now = otelc__now_ns();
    c.oom = 0;
    size_t nmeters = 0;
    for (struct otelc_meter *m = atomic_load_explicit(&mp->meters, memory_order_acquire); m;
         m = atomic_load_explicit(&m->next, memory_order_acquire))
        nmeters++;
    otelc_scope_metrics *scopes = alloc(&c, nmeters, sizeof *scopes);
    size_t nscopes = 0;
    struct otelc_meter *m = atomic_load_explicit(&mp->meters, memory_order_acquire);
    for (size_t k = 0; scopes && m && k < nmeters;
         k++, m = atomic_load_explicit(&m->next, memory_order_acquire)) {
        size_t nstreams = 0;
        struct otelc_instrument *first =
            atomic_load_explicit(&m->instruments, memory_order_acquire);
        for (struct otelc_instrument *i = first; i;
             i = atomic_load_explicit(&i->next, memory_order_acquire))
            nstreams += reader_streams(i, reader);
        otelc_metric_data *metrics = alloc(&c, nstreams, sizeof *metrics);
        size_t nmetrics = 0;
        size_t seen = 0;
        for (struct otelc_instrument *i = first; metrics && i && seen < nstreams;
             i = atomic_load_explicit(&i->next, memory_order_acquire)) {
            for (size_t s = 0; s < i->nstreams && seen < nstreams; s++) {
                if (i->streams[s]->reader != reader)
                    continue;
                seen++;
                memset(&metrics[nmetrics], 0, sizeof metrics[nmetrics]);
                collect_stream(&c, i->streams[s], &metrics[nmetrics]);
                if (metrics[nmetrics].point_count)
                    nmetrics++;
            }
        }
        if (nmetrics) {
            scopes[nscopes].scope = m->scope;
            scopes[nscopes].metrics = metrics;
            scopes[nscopes].metric_count = nmetrics;
            nscopes++;
        }
    }
    int rc = OTELC_ENOMEM;
    if (!c.oom) {
        otelc_resource_metrics rm = {
            .resource = mp->resource, .scopes = scopes, .scope_count = nscopes};
        rc = fn(&rm, ud);
    }
    otelc__arena_reset(&c.a, NULL, 0);
    return rc;
}
