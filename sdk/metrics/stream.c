/* SPDX-License-Identifier: Apache-2.0 */
/* Metric streams: the table of series that the record path reads without a lock, series
 * creation under the cardinality limit, and the aggregators' updates. */
#include <math.h>
#include <sched.h>
#include <string.h>

#include "metrics_internal.h"
#include "sdk/common/alloc.h"
#include "sdk/common/clock.h"
#include "sdk/common/log_internal.h"
#include "series_ext.h"

#define TABLE_MIN 8u

static const otelc_attr overflow_attr = {
    .key = "otel.metric.overflow",
    .value = {.type = OTELC_VALUE_BOOL, .len = 0, .u = {.b = true}},
};

/* A short spin lock: held for a few instructions by the record path and for one copy by a
 * collection, so waiting threads spin briefly and then yield. */
static inline void spin_lock(atomic_flag *f)
{
    unsigned spins = 0;
    while (atomic_flag_test_and_set_explicit(f, memory_order_acquire)) {
        if (++spins > 64) {
            sched_yield();
            spins = 0;
        }
    }
}

static inline void spin_unlock(atomic_flag *f)
{
    atomic_flag_clear_explicit(f, memory_order_release);
}

void otelc__series_lock(atomic_flag *f) { spin_lock(f); }

void otelc__series_unlock(atomic_flag *f) { spin_unlock(f); }

static struct table *table_new(uint32_t slots)
{
    struct table *t = otelc__calloc(1, sizeof *t + (size_t)slots * sizeof t->slots[0]);
    if (!t)
        return NULL;
    t->mask = slots - 1;
    for (uint32_t i = 0; i < slots; i++)
        atomic_init(&t->slots[i], NULL);
    return t;
}

static struct series *table_find(struct table *t, const struct otelc__attrset *set)
{
    uint32_t i = (uint32_t)set->hash & t->mask;
    for (;;) {
        struct series *s = atomic_load_explicit(&t->slots[i], memory_order_acquire);
        if (!s)
            return NULL;
        if (s->hash == set->hash && otelc__attrset_equal(set, s->attrs, s->nattrs))
            return s;
        i = (i + 1) & t->mask;
    }
}

/* Inserts s into t (under the stream lock); t always has a free slot. */
static void table_put(struct table *t, struct series *s)
{
    uint32_t i = (uint32_t)s->hash & t->mask;
    while (atomic_load_explicit(&t->slots[i], memory_order_relaxed))
        i = (i + 1) & t->mask;
    atomic_store_explicit(&t->slots[i], s, memory_order_release);
}

static void hist_clear(struct hist *h, size_t nbuckets)
{
    h->count = 0;
    h->sum = 0;
    h->min = INFINITY;
    h->max = -INFINITY;
    memset(h->buckets, 0, nbuckets * sizeof h->buckets[0]);
}

static void series_free(struct series *s)
{
    otelc__series_ext_fini(s);
    otelc__arena_reset(&s->arena, NULL, 0);
    otelc__free(s);
}

static struct series *series_new(struct stream *st, const struct otelc__attrset *set,
                                 uint64_t now)
{
    size_t nb = st->agg == OTELC_AGGREGATION_EXPLICIT_HISTOGRAM ? st->nbounds + 1 : 0;
    size_t extra = nb ? sizeof(struct hist) + nb * sizeof(uint64_t) : 0;
    /* The attribute copies live in the same block, after the buckets: one allocation, and
     * no arena chunk of its minimum size per series. */
    size_t copy = set->n ? otelc__attrset_copy_size(set) : 0;
    struct series *s = otelc__calloc(1, sizeof *s + extra + copy);
    if (!s)
        return NULL;
    otelc__arena_init(&s->arena, copy ? (unsigned char *)(s + 1) + extra : NULL, copy);
    otelc_attr *attrs = NULL;
    if (otelc__attrset_copy(set, &s->arena, &attrs) != OTELC_OK) {
        otelc__arena_reset(&s->arena, NULL, 0);
        otelc__free(s);
        return NULL;
    }
    s->attrs = attrs;
    s->nattrs = set->n;
    s->hash = set->hash;
    s->start_ns = now;
    atomic_init(&s->flags, 0);
    atomic_init(&s->v.i, 0);
    atomic_flag_clear(&s->eh_lock);
    if (nb) {
        s->h = (struct hist *)(s + 1);
        s->h->buckets = (uint64_t *)(s->h + 1);
        atomic_flag_clear(&s->h->lock);
        hist_clear(s->h, nb);
    }
    if (otelc__series_ext_init(st, s) != OTELC_OK) {
        series_free(s);
        return NULL;
    }
    return s;
}

static struct otelc_meter_provider *stream_provider(const struct stream *st)
{
    return st->inst->meter->mp;
}

/* The overflow series, created on first use. */
static struct series *overflow_series(struct stream *st)
{
    struct series *s = atomic_load_explicit(&st->overflow, memory_order_acquire);
    if (s)
        return s;
    pthread_mutex_lock(&st->mu);
    s = atomic_load_explicit(&st->overflow, memory_order_relaxed);
    if (!s) {
        struct otelc__attrset set;
        otelc__attrset_build(&set, &overflow_attr, 1);
        s = series_new(st, &set, otelc__now_ns());
        if (s) {
            atomic_store_explicit(&st->overflow, s, memory_order_release);
            atomic_fetch_add_explicit(&stream_provider(st)->nseries, 1, memory_order_relaxed);
            otelc__log(OTELC_LOG_WARN,
                       "metrics: stream %s reached its cardinality limit of %u series; new "
                       "attribute sets go to the otel.metric.overflow=true series",
                       st->name, st->limit);
        }
    }
    pthread_mutex_unlock(&st->mu);
    return s;
}

/* The slow path: the set is not in the table we looked at. */
static struct series *series_create(struct stream *st, const struct otelc__attrset *set)
{
    /* The limit counts the overflow series: limit - 1 attribute sets of their own. */
    if (atomic_load_explicit(&st->count, memory_order_relaxed) + 1 >= st->limit)
        goto overflow;
    pthread_mutex_lock(&st->mu);
    struct table *t = atomic_load_explicit(&st->table, memory_order_relaxed);
    struct series *s = table_find(t, set);
    if (s) {
        pthread_mutex_unlock(&st->mu);
        return s;
    }
    uint32_t count = atomic_load_explicit(&st->count, memory_order_relaxed);
    if (count + 1 >= st->limit) {
        pthread_mutex_unlock(&st->mu);
        goto overflow;
    }
    if ((count + 1) * 2 > t->mask + 1) {
        /* Readers of the old table that miss a series come here and find it in the new one;
         * the old table stays allocated for them until the stream goes. */
        struct table *bigger = table_new((t->mask + 1) * 2);
        if (!bigger) {
            pthread_mutex_unlock(&st->mu);
            return NULL;
        }
        for (uint32_t i = 0; i <= t->mask; i++) {
            struct series *x = atomic_load_explicit(&t->slots[i], memory_order_relaxed);
            if (x)
                table_put(bigger, x);
        }
        bigger->older = t;
        atomic_store_explicit(&st->table, bigger, memory_order_release);
        t = bigger;
    }
    s = series_new(st, set, otelc__now_ns());
    if (s) {
        s->next = atomic_load_explicit(&st->list, memory_order_relaxed);
        table_put(t, s);
        atomic_store_explicit(&st->list, s, memory_order_release);
        atomic_store_explicit(&st->count, count + 1, memory_order_relaxed);
        atomic_fetch_add_explicit(&stream_provider(st)->nseries, 1, memory_order_relaxed);
    }
    pthread_mutex_unlock(&st->mu);
    return s;
overflow:
    return overflow_series(st);
}

struct series *otelc__stream_series(struct stream *st, const struct otelc__attrset *set)
{
    struct table *t = atomic_load_explicit(&st->table, memory_order_acquire);
    struct series *s = table_find(t, set);
    if (__builtin_expect(s != NULL, 1))
        return s;
    s = series_create(st, set);
    if (s && s == atomic_load_explicit(&st->overflow, memory_order_relaxed))
        atomic_fetch_add_explicit(&stream_provider(st)->overflowed, 1, memory_order_relaxed);
    return s;
}

/* The bucket of v: the first boundary v does not exceed, (lower, upper]. */
static size_t bucket_of(const double *b, size_t n, double v)
{
    size_t lo = 0, hi = n;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (v <= b[mid])
            hi = mid;
        else
            lo = mid + 1;
    }
    return lo;
}

static void add_double(_Atomic uint64_t *bits, double dv)
{
    uint64_t old = atomic_load_explicit(bits, memory_order_relaxed);
    for (;;) {
        double d;
        memcpy(&d, &old, sizeof d);
        d += dv;
        uint64_t nw;
        memcpy(&nw, &d, sizeof nw);
        if (atomic_compare_exchange_weak_explicit(bits, &old, nw, memory_order_relaxed,
                                                  memory_order_relaxed))
            return;
    }
}

size_t otelc__series_update(struct stream *st, struct series *s, otelc_metric_number v,
                            double dv, int set)
{
    size_t b = 0;
    switch (st->agg) {
    case OTELC_AGGREGATION_SUM:
        if (set)
            atomic_store_explicit(&s->v.i, v.i, memory_order_relaxed);
        else if (st->inst->is_int)
            atomic_fetch_add_explicit(&s->v.i, v.i, memory_order_relaxed);
        else
            add_double(&s->v.dbits, dv);
        break;
    case OTELC_AGGREGATION_LAST_VALUE:
        atomic_store_explicit(&s->v.i, v.i, memory_order_relaxed);
        break;
    case OTELC_AGGREGATION_EXPLICIT_HISTOGRAM: {
        b = bucket_of(st->bounds, st->nbounds, dv);
        struct hist *h = s->h;
        spin_lock(&h->lock);
        h->count++;
        h->sum += dv;
        if (dv < h->min)
            h->min = dv;
        if (dv > h->max)
            h->max = dv;
        h->buckets[b]++;
        spin_unlock(&h->lock);
        break;
    }
    case OTELC_AGGREGATION_EXPONENTIAL_HISTOGRAM:
        spin_lock(&s->eh_lock);
        otelc__series_ext_record(s, dv);
        spin_unlock(&s->eh_lock);
        break;
    default:
        break;
    }
    /* After the value, with release: a collection that clears TOUCHED sees the value. */
    if ((atomic_load_explicit(&s->flags, memory_order_relaxed) &
         (SERIES_TOUCHED | SERIES_USED)) != (SERIES_TOUCHED | SERIES_USED))
        atomic_fetch_or_explicit(&s->flags, SERIES_TOUCHED | SERIES_USED, memory_order_release);
    return b;
}

int otelc__stream_init(struct stream *st, uint64_t now)
{
    uint32_t slots = TABLE_MIN;
    struct table *t = table_new(slots);
    if (!t)
        return OTELC_ENOMEM;
    if (pthread_mutex_init(&st->mu, NULL) != 0) {
        otelc__free(t);
        return OTELC_ENOMEM;
    }
    atomic_init(&st->table, t);
    atomic_init(&st->list, NULL);
    atomic_init(&st->count, 0);
    atomic_init(&st->overflow, NULL);
    st->last_collect_ns = now;
    return OTELC_OK;
}

void otelc__stream_fini(struct stream *st)
{
    struct series *s = atomic_load(&st->list);
    while (s) {
        struct series *next = s->next;
        series_free(s);
        s = next;
    }
    if (atomic_load(&st->overflow))
        series_free(atomic_load(&st->overflow));
    struct table *t = atomic_load(&st->table);
    while (t) {
        struct table *older = t->older;
        otelc__free(t);
        t = older;
    }
    pthread_mutex_destroy(&st->mu);
}

static void series_reset(struct stream *st, struct series *s, uint64_t now)
{
    atomic_store(&s->flags, 0);
    atomic_store(&s->v.i, 0);
    s->prev.i = 0;
    s->start_ns = now;
    if (s->h) {
        atomic_flag_clear(&s->h->lock);
        hist_clear(s->h, st->nbounds + 1);
    }
    atomic_flag_clear(&s->eh_lock);
    otelc__series_ext_after_fork(st, s);
}

void otelc__stream_reset_after_fork(struct stream *st, uint64_t now)
{
    /* The child is a process of its own (its own process.pid): counting on from the
     * parent's totals would report the parent's measurements a second time. */
    pthread_mutex_t fresh = PTHREAD_MUTEX_INITIALIZER;
    st->mu = fresh;
    for (struct series *s = atomic_load(&st->list); s; s = s->next)
        series_reset(st, s, now);
    if (atomic_load(&st->overflow))
        series_reset(st, atomic_load(&st->overflow), now);
    st->last_collect_ns = now;
}
