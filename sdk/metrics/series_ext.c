/* SPDX-License-Identifier: Apache-2.0 */
/* The exponential histogram and the exemplar reservoir of a series: chosen from the stream's
 * aggregation, allocated with the series, read by collections, restarted after fork(). */
#include "series_ext.h"

#include <string.h>

#include "exp_histogram.h"
#include "sdk/common/alloc.h"
#include "sdk/common/clock.h"

/* Exemplars a collection takes from one reservoir without an arena buffer. */
#define EXEMPLARS_ON_STACK 64

/* The specification's default reservoir of each aggregation: one slot per bucket for the
 * explicit histogram, min(20, max_size) for the exponential one, one slot for the rest. */
static int reservoir_init(const struct stream *st, struct otelc__reservoir *r)
{
    switch (st->agg) {
    case OTELC_AGGREGATION_EXPLICIT_HISTOGRAM:
        return otelc__reservoir_init_aligned(r, st->bounds, st->nbounds);
    case OTELC_AGGREGATION_EXPONENTIAL_HISTOGRAM:
        return otelc__reservoir_init_fixed(r, st->exp_max_size < OTELC__RESERVOIR_EXP_HISTOGRAM_MAX
                                                  ? st->exp_max_size
                                                  : OTELC__RESERVOIR_EXP_HISTOGRAM_MAX);
    default:
        return otelc__reservoir_init_fixed(r, 1);
    }
}

int otelc__series_ext_init(struct stream *st, struct series *s)
{
    if (st->agg == OTELC_AGGREGATION_EXPONENTIAL_HISTOGRAM) {
        s->eh = otelc__calloc(1, sizeof *s->eh);
        if (!s->eh)
            return OTELC_ENOMEM;
        int rc = otelc__exphist_init(s->eh, st->exp_max_size, st->exp_max_scale);
        if (rc != OTELC_OK) {
            otelc__free(s->eh);
            s->eh = NULL;
            return rc;
        }
    }
    /* Observations happen on the collecting thread, outside any request: no exemplars. */
    if (st->inst->mp->exemplar_filter == OTELC_EXEMPLAR_FILTER_ALWAYS_OFF || st->inst->observable)
        return OTELC_OK;
    s->res = otelc__calloc(1, sizeof *s->res);
    if (!s->res)
        return OTELC_ENOMEM;
    int rc = reservoir_init(st, s->res);
    if (rc != OTELC_OK) {
        otelc__free(s->res);
        s->res = NULL;
    }
    return rc;
}

void otelc__series_ext_fini(struct series *s)
{
    if (s->eh) {
        otelc__exphist_fini(s->eh);
        otelc__free(s->eh);
        s->eh = NULL;
    }
    if (s->res) {
        otelc__reservoir_fini(s->res);
        otelc__free(s->res);
        s->res = NULL;
    }
}

void otelc__series_ext_record(struct series *s, double dv) { otelc__exphist_record(s->eh, dv); }

void otelc__series_ext_after_fork(struct stream *st, struct series *s)
{
    if (s->eh)
        otelc__exphist_reset(s->eh);
    if (s->res) {
        /* A thread of the parent may have held the reservoir's lock: start a fresh one. */
        otelc__reservoir_fini(s->res);
        memset(s->res, 0, sizeof *s->res);
        if (reservoir_init(st, s->res) != OTELC_OK) {
            otelc__free(s->res);
            s->res = NULL;
        }
    }
}

int otelc__series_ext_exp_point(struct stream *st, struct series *s, otelc_exp_histogram_point *p,
                                struct otelc__arena *a)
{
    uint64_t *pos = otelc__arena_alloc(a, st->exp_max_size * sizeof *pos);
    uint64_t *neg = otelc__arena_alloc(a, st->exp_max_size * sizeof *neg);
    if (!pos || !neg)
        return OTELC_ENOMEM;
    otelc__series_lock(&s->eh_lock);
    if (s->eh->count == 0) {
        otelc__series_unlock(&s->eh_lock);
        return 0;
    }
    otelc__exphist_snapshot(s->eh, p, pos, neg);
    if (st->temporality == OTELC_TEMPORALITY_DELTA)
        otelc__exphist_reset(s->eh);
    otelc__series_unlock(&s->eh_lock);
    return 1;
}

size_t otelc__series_ext_exemplars(struct series *s, int is_int, struct otelc__arena *a,
                                   const otelc_exemplar **out, int *oom)
{
    (void)is_int;
    *out = NULL;
    if (!s->res)
        return 0;
    otelc_exemplar stack[EXEMPLARS_ON_STACK];
    otelc_exemplar *buf = stack;
    size_t cap = s->res->size;
    if (cap > EXEMPLARS_ON_STACK) {
        buf = otelc__arena_alloc(a, cap * sizeof *buf);
        if (!buf) {
            *oom = 1;
            return 0;
        }
    }
    /* The exemplars' attributes stay valid until this reservoir's next collection, which is
     * this reader's next one: after the tree built now has been used. */
    size_t n = otelc__reservoir_collect(s->res, buf, cap);
    if (n == 0)
        return 0;
    if (buf == stack) {
        buf = otelc__arena_alloc(a, n * sizeof *buf);
        if (!buf) {
            *oom = 1;
            return 0;
        }
        memcpy(buf, stack, n * sizeof *buf);
    }
    *out = buf;
    return n;
}

void otelc__series_ext_offer(struct series *s, otelc_metric_number v, int is_int,
                             const otelc_span_context *sc, const otelc_attr *dropped,
                             size_t ndropped, size_t bucket)
{
    if (s->res)
        otelc__reservoir_offer(s->res, v, is_int, otelc__now_ns(), sc, dropped, ndropped, bucket);
}
