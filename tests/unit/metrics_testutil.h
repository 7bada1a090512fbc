/* SPDX-License-Identifier: Apache-2.0 */
/* Helpers of the metrics SDK tests: a provider with a manual reader, and collections copied
 * into plain structs (the collected tree lives only for the callback) that tests search by
 * metric name and attribute string. Include after testutil.h. */
#ifndef OTELC_TESTS_METRICS_TESTUTIL_H
#define OTELC_TESTS_METRICS_TESTUTIL_H

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "otelc/otelc.h"

#define MT_MAX_METRICS 64
#define MT_MAX_EX 32
#define MT_MAX_BUCKETS 200

struct mt_exemplar {
    int64_t i;
    double d;
    uint64_t time_ns;
    int has_span;
    uint8_t trace_id[16];
    uint8_t span_id[8];
    char attrs[128]; /* filtered attributes */
};

struct mt_point {
    char attrs[256]; /* "k=v,k=v" in key order */
    uint64_t start, time;
    int64_t i;
    double d;
    uint64_t count;
    double sum, min, max;
    int has_sum, has_min_max;
    size_t nbounds;
    double bounds[MT_MAX_BUCKETS];
    uint64_t buckets[MT_MAX_BUCKETS + 1];
    int32_t scale, pos_offset, neg_offset;
    uint64_t zero_count;
    size_t npos, nneg;
    uint64_t pos[MT_MAX_BUCKETS], neg[MT_MAX_BUCKETS];
    size_t nex;
    struct mt_exemplar ex[MT_MAX_EX];
};

struct mt_metric {
    char scope[64];
    char name[128];
    char description[64];
    char unit[32];
    otelc_metric_type type;
    int is_int;
    otelc_temporality temporality;
    int monotonic;
    size_t np;
    struct mt_point *p;
};

struct mt_snap {
    int rc;
    size_t nscopes;
    size_t n;
    struct mt_metric m[MT_MAX_METRICS];
};

static inline void mt_attrs_str(char *out, size_t size, const otelc_attr *a, size_t n)
{
    size_t o = 0;
    out[0] = '\0';
    for (size_t k = 0; k < n && o < size; k++) {
        const otelc_value *v = &a[k].value;
        const char *sep = k ? "," : "";
        switch (v->type) {
        case OTELC_VALUE_STRING:
            o += (size_t)snprintf(out + o, size - o, "%s%s=%.*s", sep, a[k].key, (int)v->len,
                                  v->u.s);
            break;
        case OTELC_VALUE_INT:
            o += (size_t)snprintf(out + o, size - o, "%s%s=%" PRId64, sep, a[k].key, v->u.i);
            break;
        case OTELC_VALUE_BOOL:
            o += (size_t)snprintf(out + o, size - o, "%s%s=%s", sep, a[k].key,
                                  v->u.b ? "true" : "false");
            break;
        case OTELC_VALUE_DOUBLE:
            o += (size_t)snprintf(out + o, size - o, "%s%s=%g", sep, a[k].key, v->u.d);
            break;
        default:
            o += (size_t)snprintf(out + o, size - o, "%s%s=?", sep, a[k].key);
            break;
        }
    }
}

static inline void mt_copy_exemplars(struct mt_point *p, const otelc_exemplar *ex, size_t n)
{
    p->nex = n < MT_MAX_EX ? n : MT_MAX_EX;
    for (size_t k = 0; k < p->nex; k++) {
        p->ex[k].i = ex[k].value.i;
        p->ex[k].d = ex[k].value.d;
        p->ex[k].time_ns = ex[k].time_ns;
        p->ex[k].has_span = ex[k].has_span;
        memcpy(p->ex[k].trace_id, ex[k].trace_id, 16);
        memcpy(p->ex[k].span_id, ex[k].span_id, 8);
        mt_attrs_str(p->ex[k].attrs, sizeof p->ex[k].attrs, ex[k].filtered_attrs,
                     ex[k].filtered_attr_count);
    }
}

static inline int mt_copy_fn(const otelc_resource_metrics *rm, void *ud)
{
    struct mt_snap *s = ud;
    s->nscopes = rm->scope_count;
    for (size_t i = 0; i < rm->scope_count; i++) {
        const otelc_scope_metrics *sm = &rm->scopes[i];
        for (size_t j = 0; j < sm->metric_count && s->n < MT_MAX_METRICS; j++) {
            const otelc_metric_data *md = &sm->metrics[j];
            struct mt_metric *m = &s->m[s->n++];
            snprintf(m->scope, sizeof m->scope, "%s", sm->scope.name);
            snprintf(m->name, sizeof m->name, "%s", md->name);
            snprintf(m->description, sizeof m->description, "%s", md->description);
            snprintf(m->unit, sizeof m->unit, "%s", md->unit);
            m->type = md->type;
            m->is_int = md->is_int;
            m->temporality = md->temporality;
            m->monotonic = md->is_monotonic;
            m->np = md->point_count;
            m->p = calloc(md->point_count ? md->point_count : 1, sizeof *m->p);
            for (size_t k = 0; k < md->point_count; k++) {
                struct mt_point *p = &m->p[k];
                if (md->type == OTELC_METRIC_GAUGE || md->type == OTELC_METRIC_SUM) {
                    const otelc_number_point *q = &md->points.number[k];
                    mt_attrs_str(p->attrs, sizeof p->attrs, q->attrs, q->attr_count);
                    p->start = q->start_time_ns;
                    p->time = q->time_ns;
                    p->i = q->value.i;
                    p->d = q->value.d;
                    mt_copy_exemplars(p, q->exemplars, q->exemplar_count);
                } else if (md->type == OTELC_METRIC_HISTOGRAM) {
                    const otelc_histogram_point *q = &md->points.histogram[k];
                    mt_attrs_str(p->attrs, sizeof p->attrs, q->attrs, q->attr_count);
                    p->start = q->start_time_ns;
                    p->time = q->time_ns;
                    p->count = q->count;
                    p->sum = q->sum;
                    p->min = q->min;
                    p->max = q->max;
                    p->has_sum = q->has_sum;
                    p->has_min_max = q->has_min_max;
                    p->nbounds = q->bound_count < MT_MAX_BUCKETS ? q->bound_count : MT_MAX_BUCKETS;
                    if (p->nbounds)
                        memcpy(p->bounds, q->bounds, p->nbounds * sizeof(double));
                    memcpy(p->buckets, q->bucket_counts, (p->nbounds + 1) * sizeof(uint64_t));
                    mt_copy_exemplars(p, q->exemplars, q->exemplar_count);
                } else {
                    const otelc_exp_histogram_point *q = &md->points.exp_histogram[k];
                    mt_attrs_str(p->attrs, sizeof p->attrs, q->attrs, q->attr_count);
                    p->start = q->start_time_ns;
                    p->time = q->time_ns;
                    p->count = q->count;
                    p->sum = q->sum;
                    p->min = q->min;
                    p->max = q->max;
                    p->has_sum = q->has_sum;
                    p->has_min_max = q->has_min_max;
                    p->scale = q->scale;
                    p->zero_count = q->zero_count;
                    p->pos_offset = q->positive.offset;
                    p->neg_offset = q->negative.offset;
                    p->npos = q->positive.count_n < MT_MAX_BUCKETS ? q->positive.count_n
                                                                   : MT_MAX_BUCKETS;
                    p->nneg = q->negative.count_n < MT_MAX_BUCKETS ? q->negative.count_n
                                                                   : MT_MAX_BUCKETS;
                    if (p->npos)
                        memcpy(p->pos, q->positive.counts, p->npos * sizeof(uint64_t));
                    if (p->nneg)
                        memcpy(p->neg, q->negative.counts, p->nneg * sizeof(uint64_t));
                    mt_copy_exemplars(p, q->exemplars, q->exemplar_count);
                }
            }
        }
    }
    return OTELC_OK;
}

static inline void mt_snap_free(struct mt_snap *s)
{
    for (size_t i = 0; i < s->n; i++)
        free(s->m[i].p);
    s->n = 0;
}

/* Collects r into s (freeing what s held). */
static inline int mt_collect(otelc_metric_reader *r, struct mt_snap *s)
{
    mt_snap_free(s);
    memset(s, 0, sizeof *s);
    s->rc = otelc_metric_reader_collect(r, mt_copy_fn, s);
    return s->rc;
}

/* The i-th metric named name (0: the first), or NULL. */
static inline struct mt_metric *mt_metric_nth(struct mt_snap *s, const char *name, int nth)
{
    for (size_t i = 0; i < s->n; i++)
        if (strcmp(s->m[i].name, name) == 0 && nth-- == 0)
            return &s->m[i];
    return NULL;
}

static inline struct mt_metric *mt_metric(struct mt_snap *s, const char *name)
{
    return mt_metric_nth(s, name, 0);
}

/* The point of metric name whose attributes print as attrs, or NULL. */
static inline struct mt_point *mt_point(struct mt_snap *s, const char *name, const char *attrs)
{
    struct mt_metric *m = mt_metric(s, name);
    for (size_t i = 0; m && i < m->np; i++)
        if (strcmp(m->p[i].attrs, attrs) == 0)
            return &m->p[i];
    return NULL;
}

/* A provider with one manual reader of temporality preference pref and the views given. */
static inline otelc_meter_provider *mt_provider(otelc_metric_reader **reader,
                                                otelc_temporality_preference pref,
                                                const otelc_view *views, size_t nviews)
{
    *reader = NULL;
    otelc_manual_reader_options ro;
    otelc_manual_reader_options_init(&ro);
    ro.temporality = pref;
    otelc_metric_reader *r = NULL;
    if (otelc_manual_reader_new(&r, &ro) != OTELC_OK)
        return NULL;
    otelc_meter_provider_options o;
    otelc_meter_provider_options_init(&o);
    o.readers = &r;
    o.reader_count = 1;
    o.views = views;
    o.view_count = nviews;
    otelc_meter_provider *mp = NULL;
    if (otelc_meter_provider_new(&mp, &o) != OTELC_OK) {
        otelc_metric_reader_free(r);
        return NULL;
    }
    *reader = r;
    return mp;
}

/* An instrument of kind in meter "test", or NULL. */
static inline otelc_instrument *mt_instrument(otelc_meter_provider *mp,
                                              otelc_instrument_kind kind, const char *name,
                                              int is_int)
{
    otelc_meter *m = otelc_meter_provider_get_meter(mp, "test", NULL, NULL, NULL, 0);
    otelc_instrument_options io;
    otelc_instrument_options_init(&io);
    io.is_int = is_int;
    otelc_instrument *inst = NULL;
    if (otelc_meter_create_instrument(m, kind, name, &io, &inst) != OTELC_OK)
        return NULL;
    return inst;
}

#endif
