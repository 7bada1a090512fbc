/* SPDX-License-Identifier: Apache-2.0 */
/* The record path: measurements checked, attribute sets hashed once, series updated in every
 * stream of the instrument, exemplars offered; and the bound handles that skip the look-up. */
#include <math.h>
#include <string.h>

#include "metrics_internal.h"
#include "sdk/common/alloc.h"
#include "sdk/common/clock.h"
#include "sdk/common/log_internal.h"
#include "sdk/trace/context_internal.h"
#include "sdk/trace/span_internal.h"
#include "series_ext.h"

/* Exemplars of a filtered stream carry at most this many of the attributes it dropped. */
#define DROPPED_MAX 16

static void count_invalid(struct otelc_meter_provider *mp)
{
    atomic_fetch_add_explicit(&mp->invalid, 1, memory_order_relaxed);
}

int otelc__measurement(const struct otelc_instrument *inst, int is_i, int64_t vi, double vd,
                       otelc_metric_number *v, double *dv)
{
    if (is_i) {
        vd = (double)vi;
    } else {
        if (!isfinite(vd))
            return 0;
        if (inst->is_int) {
            /* Truncated, as the header says; out of range is as meaningless as NaN. */
            if (!(vd > -9223372036854775808.0 && vd < 9223372036854775808.0))
                return 0;
            vi = (int64_t)vd;
            vd = (double)vi;
        }
    }
    if (vd < 0 && (inst->kind == OTELC_INSTRUMENT_COUNTER ||
                   inst->kind == OTELC_INSTRUMENT_HISTOGRAM ||
                   inst->kind == OTELC_INSTRUMENT_OBSERVABLE_COUNTER))
        return 0;
    if (inst->is_int)
        v->i = vi;
    else
        v->d = vd;
    *dv = vd;
    return 1;
}

/* The attributes of set that the stream's filter drops, for an exemplar. */
static size_t dropped_attrs(const struct stream *st, const otelc_attr *const *a, size_t n,
                            otelc_attr *out)
{
    size_t m = 0;
    for (size_t i = 0; i < n && m < DROPPED_MAX; i++)
        if (!otelc__keyfilter_keeps(st->filter, a[i]->key))
            out[m++] = *a[i];
    return m;
}

static void offer(const struct stream *st, struct series *s, otelc_metric_number v, size_t bucket,
                  const otelc_span_context *sc, const otelc_attr *const *a, size_t n)
{
    otelc_attr dropped[DROPPED_MAX];
    size_t nd = st->filter ? dropped_attrs(st, a, n, dropped) : 0;
    otelc__series_ext_offer(s, v, st->inst->is_int, sc, dropped, nd, bucket);
}

void otelc__record_streams(struct otelc_instrument *inst, otelc_metric_number v, double dv,
                           const otelc_attr *attrs, size_t n, size_t reader, int set,
                           const otelc_span_context *sc)
{
    struct otelc__attrset all, filtered;
    otelc__attrset_build(&all, attrs, n);
    for (size_t i = 0; i < inst->nstreams; i++) {
        struct stream *st = inst->streams[i];
        if (reader != SIZE_MAX && st->reader != reader)
            continue;
        const struct otelc__attrset *use = &all;
        if (st->filter) {
            otelc__attrset_filter(&filtered, &all, st->filter);
            use = &filtered;
        }
        struct series *s = otelc__stream_series(st, use);
        if (__builtin_expect(s == NULL, 0)) {
            count_invalid(inst->mp);
            OTELC__LOG_THROTTLED(OTELC_LOG_ERROR, "metrics: out of memory: measurements of %s "
                                                  "are lost", st->name);
            continue;
        }
        size_t bucket = otelc__series_update(st, s, v, dv, set);
        if (sc)
            offer(st, s, v, bucket, sc, all.a, all.n);
    }
}

/* The span context an exemplar of this measurement would carry when the filter lets it be
 * one; else NULL. ctx_given: the caller passed ctx (which may be NULL: no span). */
static const otelc_span_context *exemplar_span(const struct otelc_meter_provider *mp,
                                               int ctx_given, const otelc_context *ctx)
{
    const otelc_span *span = ctx_given ? otelc_context_get_span(ctx) : otelc__current_span_tls;
    const otelc_span_context *sc = span ? &span->ctx : NULL;
    return otelc__series_ext_filter(mp->exemplar_filter, sc) ? sc : NULL;
}

/* The no-span context given to exemplars of ALWAYS_ON measurements outside any span. */
static const otelc_span_context no_span;

/* Whether the provider takes measurements (starting workers a fork left without one), and
 * the measurement in the instrument's number type; 0 to ignore it. */
static inline int accept(struct otelc_instrument *inst, int is_i, int64_t vi, double vd,
                         otelc_metric_number *v, double *dv)
{
    struct otelc_meter_provider *mp = inst->mp;
    int state = atomic_load_explicit(&mp->state, memory_order_relaxed);
    if (__builtin_expect(state != 0, 0)) {
        if (state & MP_SHUT_DOWN)
            return 0;
        otelc__provider_start_workers(mp);
    }
    if (inst->observable || !otelc__measurement(inst, is_i, vi, vd, v, dv)) {
        count_invalid(mp);
        return 0;
    }
    return 1;
}

/* The span context of the measurement's exemplar, or NULL when it may not be one. */
static inline const otelc_span_context *exemplar_of(const struct otelc_meter_provider *mp,
                                                    int ctx_given, const otelc_context *ctx)
{
    const otelc_span_context *sc = exemplar_span(mp, ctx_given, ctx);
    if (!sc && mp->exemplar_filter == OTELC_EXEMPLAR_FILTER_ALWAYS_ON)
        sc = &no_span;
    return sc;
}

static void record(otelc_instrument *inst, int is_i, int64_t vi, double vd,
                   const otelc_attr *attrs, size_t n, int ctx_given, const otelc_context *ctx)
{
    otelc_metric_number v;
    double dv;
    if (!inst || !accept(inst, is_i, vi, vd, &v, &dv) || inst->nstreams == 0)
        return;
    const otelc_span_context *sc = exemplar_of(inst->mp, ctx_given, ctx);
    otelc__record_streams(inst, v, dv, attrs, n, SIZE_MAX, 0, sc);
}

OTELC_API void otelc_record_i64(otelc_instrument *inst, int64_t value, const otelc_attr *attrs,
                                size_t n)
{
    record(inst, 1, value, 0, attrs, n, 0, NULL);
}

OTELC_API void otelc_record_f64(otelc_instrument *inst, double value, const otelc_attr *attrs,
                                size_t n)
{
    record(inst, 0, 0, value, attrs, n, 0, NULL);
}

OTELC_API void otelc_record_i64_ctx(otelc_instrument *inst, int64_t value,
                                    const otelc_attr *attrs, size_t n, const otelc_context *ctx)
{
    record(inst, 1, value, 0, attrs, n, 1, ctx);
}

OTELC_API void otelc_record_f64_ctx(otelc_instrument *inst, double value,
                                    const otelc_attr *attrs, size_t n, const otelc_context *ctx)
{
    record(inst, 0, 0, value, attrs, n, 1, ctx);
}

/* ---- bound handles ---------------------------------------------------------------------- */

OTELC_API int otelc_instrument_bind(otelc_instrument *inst, const otelc_attr *attrs, size_t n,
                                    otelc_bound_instrument **out)
{
    if (!inst || !out || inst->observable)
        return OTELC_EINVAL;
    struct otelc_bound_instrument *b =
        otelc__calloc(1, sizeof *b + inst->nstreams * sizeof b->series[0]);
    if (!b)
        return OTELC_ENOMEM;
    b->inst = inst;
    b->n = inst->nstreams;
    otelc__arena_init(&b->arena, NULL, 0);
    struct otelc__attrset all, filtered;
    otelc__attrset_build(&all, attrs, n);
    if (otelc__attrset_copy(&all, &b->arena, &b->attrs) != OTELC_OK)
        goto fail;
    b->nattrs = all.n;
    for (size_t i = 0; i < b->n; i++) {
        struct stream *st = inst->streams[i];
        const struct otelc__attrset *use = &all;
        if (st->filter) {
            otelc__attrset_filter(&filtered, &all, st->filter);
            use = &filtered;
        }
        b->series[i] = otelc__stream_series(st, use);
        if (!b->series[i])
            goto fail;
    }
    *out = b;
    return OTELC_OK;
fail:
    /* Series made on the way stay in their streams: they are shared, and empty. */
    otelc__arena_reset(&b->arena, NULL, 0);
    otelc__free(b);
    return OTELC_ENOMEM;
}

static void bound_record(otelc_bound_instrument *b, int is_i, int64_t vi, double vd)
{
    otelc_metric_number v;
    double dv;
    if (!b || !accept(b->inst, is_i, vi, vd, &v, &dv))
        return;
    struct otelc_instrument *inst = b->inst;
    const otelc_span_context *sc = exemplar_of(inst->mp, 0, NULL);
    for (size_t i = 0; i < b->n; i++) {
        struct stream *st = inst->streams[i];
        size_t bucket = otelc__series_update(st, b->series[i], v, dv, 0);
        if (__builtin_expect(sc != NULL, 0)) {
            const otelc_attr *a[DROPPED_MAX];
            size_t na = 0;
            for (uint32_t k = 0; k < b->nattrs && na < DROPPED_MAX; k++)
                a[na++] = &b->attrs[k];
            offer(st, b->series[i], v, bucket, sc, a, na);
        }
    }
}

OTELC_API void otelc_bound_record_i64(otelc_bound_instrument *b, int64_t value)
{
    bound_record(b, 1, value, 0);
}

OTELC_API void otelc_bound_record_f64(otelc_bound_instrument *b, double value)
{
    bound_record(b, 0, 0, value);
}

OTELC_API void otelc_bound_instrument_free(otelc_bound_instrument *b)
{
    if (!b)
        return;
    otelc__arena_reset(&b->arena, NULL, 0);
    otelc__free(b);
}
