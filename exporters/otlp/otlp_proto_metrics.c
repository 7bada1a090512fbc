/* SPDX-License-Identifier: Apache-2.0 */
/* The OTLP/protobuf encoder of metrics: one collection becomes one ExportMetricsServiceRequest,
 * built of protobuf-c messages in one arena and then packed. */
#include <string.h>

#include "exporters/otlp/otlp_proto.h"
#include "exporters/otlp/otlp_proto_enc.h"
#include "metrics_service.pb-c.h"

typedef Opentelemetry__Proto__Common__V1__KeyValue key_value;
typedef Opentelemetry__Proto__Metrics__V1__ResourceMetrics resource_metrics;
typedef Opentelemetry__Proto__Metrics__V1__ScopeMetrics scope_metrics;
typedef Opentelemetry__Proto__Metrics__V1__Metric metric_msg;
typedef Opentelemetry__Proto__Metrics__V1__Gauge gauge_msg;
typedef Opentelemetry__Proto__Metrics__V1__Sum sum_msg;
typedef Opentelemetry__Proto__Metrics__V1__Histogram histogram_msg;
typedef Opentelemetry__Proto__Metrics__V1__ExponentialHistogram exp_histogram_msg;
typedef Opentelemetry__Proto__Metrics__V1__NumberDataPoint number_msg;
typedef Opentelemetry__Proto__Metrics__V1__HistogramDataPoint hpoint_msg;
typedef Opentelemetry__Proto__Metrics__V1__ExponentialHistogramDataPoint epoint_msg;
typedef Opentelemetry__Proto__Metrics__V1__ExponentialHistogramDataPoint__Buckets buckets_msg;
typedef Opentelemetry__Proto__Metrics__V1__Exemplar exemplar_msg;
typedef Opentelemetry__Proto__Metrics__V1__AggregationTemporality temporality_msg;
typedef Opentelemetry__Proto__Collector__Metrics__V1__ExportMetricsServiceRequest request_msg;

/* An exponential histogram point and its two bucket messages, allocated together. */
struct epoint_block {
    epoint_msg m;
    buckets_msg positive;
    buckets_msg negative;
};

/* The Exemplar list of n exemplars; numbers as int64 when is_int. The tree is borrowed for the
 * call, so ids point into it (protobuf-c only reads them). */
static int enc_exemplars(struct otelc__pb_enc *e, const otelc_exemplar *ex, size_t n, int is_int,
                         exemplar_msg ***out, size_t *out_n)
{
    *out = NULL;
    *out_n = 0;
    if (!ex || !n)
        return 1;
    exemplar_msg *msgs = otelc__pb_array(e, n, sizeof *msgs);
    exemplar_msg **ptrs = otelc__pb_array(e, n, sizeof *ptrs);
    if (!msgs || !ptrs)
        return 0;
    for (size_t i = 0; i < n; i++) {
        exemplar_msg *m = &msgs[i];
        *m = (exemplar_msg)OPENTELEMETRY__PROTO__METRICS__V1__EXEMPLAR__INIT;
        m->time_unix_nano = ex[i].time_ns;
        if (is_int) {
            m->value_case = OPENTELEMETRY__PROTO__METRICS__V1__EXEMPLAR__VALUE_AS_INT;
            m->as_int = ex[i].value.i;
        } else {
            m->value_case = OPENTELEMETRY__PROTO__METRICS__V1__EXEMPLAR__VALUE_AS_DOUBLE;
            m->as_double = ex[i].value.d;
        }
        /* Without a span the ids stay absent (empty bytes), as the schema says. */
        if (ex[i].has_span) {
            m->trace_id.data = (uint8_t *)ex[i].trace_id;
            m->trace_id.len = sizeof ex[i].trace_id;
            m->span_id.data = (uint8_t *)ex[i].span_id;
            m->span_id.len = sizeof ex[i].span_id;
        }
        if (!otelc__pb_attr_array(e, ex[i].filtered_attrs, ex[i].filtered_attr_count,
                                  &m->filtered_attributes, &m->n_filtered_attributes))
            return 0;
        ptrs[i] = m;
    }
    *out = ptrs;
    *out_n = n;
    return 1;
}

static number_msg **enc_number_points(struct otelc__pb_enc *e, const otelc_metric_data *md)
{
    const otelc_number_point *pts = md->points.number;
    number_msg *msgs = otelc__pb_array(e, md->point_count, sizeof *msgs);
    number_msg **ptrs = otelc__pb_array(e, md->point_count, sizeof *ptrs);
    if (!msgs || !ptrs)
        return NULL;
    for (size_t i = 0; i < md->point_count; i++) {
        const otelc_number_point *p = &pts[i];
        number_msg *m = &msgs[i];
        *m = (number_msg)OPENTELEMETRY__PROTO__METRICS__V1__NUMBER_DATA_POINT__INIT;
        m->start_time_unix_nano = p->start_time_ns;
        m->time_unix_nano = p->time_ns;
        if (md->is_int) {
            m->value_case = OPENTELEMETRY__PROTO__METRICS__V1__NUMBER_DATA_POINT__VALUE_AS_INT;
            m->as_int = p->value.i;
        } else {
            m->value_case = OPENTELEMETRY__PROTO__METRICS__V1__NUMBER_DATA_POINT__VALUE_AS_DOUBLE;
            m->as_double = p->value.d;
        }
        if (!otelc__pb_attr_array(e, p->attrs, p->attr_count, &m->attributes, &m->n_attributes) ||
            !enc_exemplars(e, p->exemplars, p->exemplar_count, md->is_int, &m->exemplars,
                           &m->n_exemplars))
            return NULL;
        ptrs[i] = m;
    }
    return ptrs;
}

static hpoint_msg **enc_histogram_points(struct otelc__pb_enc *e, const otelc_metric_data *md)
{
    const otelc_histogram_point *pts = md->points.histogram;
    hpoint_msg *msgs = otelc__pb_array(e, md->point_count, sizeof *msgs);
    hpoint_msg **ptrs = otelc__pb_array(e, md->point_count, sizeof *ptrs);
    if (!msgs || !ptrs)
        return NULL;
    for (size_t i = 0; i < md->point_count; i++) {
        const otelc_histogram_point *p = &pts[i];
        hpoint_msg *m = &msgs[i];
        *m = (hpoint_msg)OPENTELEMETRY__PROTO__METRICS__V1__HISTOGRAM_DATA_POINT__INIT;
        m->start_time_unix_nano = p->start_time_ns;
        m->time_unix_nano = p->time_ns;
        m->count = p->count;
        /* sum, min and max are `optional`: absent, not zero, when not meaningful. */
        if (p->has_sum) {
            m->_sum_case = OPENTELEMETRY__PROTO__METRICS__V1__HISTOGRAM_DATA_POINT___SUM_SUM;
            m->sum = p->sum;
        }
        if (p->has_min_max) {
            m->_min_case = OPENTELEMETRY__PROTO__METRICS__V1__HISTOGRAM_DATA_POINT___MIN_MIN;
            m->min = p->min;
            m->_max_case = OPENTELEMETRY__PROTO__METRICS__V1__HISTOGRAM_DATA_POINT___MAX_MAX;
            m->max = p->max;
        }
        if (p->bounds && p->bound_count) {
            m->explicit_bounds = (double *)p->bounds;
            m->n_explicit_bounds = p->bound_count;
        }
        if (p->bucket_counts) {
            m->bucket_counts = (uint64_t *)p->bucket_counts;
            m->n_bucket_counts = m->n_explicit_bounds + 1;
        }
        if (!otelc__pb_attr_array(e, p->attrs, p->attr_count, &m->attributes, &m->n_attributes) ||
            !enc_exemplars(e, p->exemplars, p->exemplar_count, md->is_int, &m->exemplars,
                           &m->n_exemplars))
            return NULL;
        ptrs[i] = m;
    }
    return ptrs;
}

static void enc_buckets(buckets_msg *m, const otelc_exp_buckets *b)
{
    *m = (buckets_msg)
        OPENTELEMETRY__PROTO__METRICS__V1__EXPONENTIAL_HISTOGRAM_DATA_POINT__BUCKETS__INIT;
    m->offset = b->offset;
    if (b->counts && b->count_n) {
        m->bucket_counts = (uint64_t *)b->counts;
        m->n_bucket_counts = b->count_n;
    }
}

static epoint_msg **enc_exp_points(struct otelc__pb_enc *e, const otelc_metric_data *md)
{
    const otelc_exp_histogram_point *pts = md->points.exp_histogram;
    struct epoint_block *blocks = otelc__pb_array(e, md->point_count, sizeof *blocks);
    epoint_msg **ptrs = otelc__pb_array(e, md->point_count, sizeof *ptrs);
    if (!blocks || !ptrs)
        return NULL;
    for (size_t i = 0; i < md->point_count; i++) {
        const otelc_exp_histogram_point *p = &pts[i];
        epoint_msg *m = &blocks[i].m;
        *m = (epoint_msg)OPENTELEMETRY__PROTO__METRICS__V1__EXPONENTIAL_HISTOGRAM_DATA_POINT__INIT;
        m->start_time_unix_nano = p->start_time_ns;
        m->time_unix_nano = p->time_ns;
        m->count = p->count;
        if (p->has_sum) {
            m->_sum_case =
                OPENTELEMETRY__PROTO__METRICS__V1__EXPONENTIAL_HISTOGRAM_DATA_POINT___SUM_SUM;
            m->sum = p->sum;
        }
        if (p->has_min_max) {
            m->_min_case =
                OPENTELEMETRY__PROTO__METRICS__V1__EXPONENTIAL_HISTOGRAM_DATA_POINT___MIN_MIN;
            m->min = p->min;
            m->_max_case =
                OPENTELEMETRY__PROTO__METRICS__V1__EXPONENTIAL_HISTOGRAM_DATA_POINT___MAX_MAX;
            m->max = p->max;
        }
        m->scale = p->scale;
        m->zero_count = p->zero_count;
        m->zero_threshold = p->zero_threshold;
        /* Both sides are always written, even empty: the offset alone says where the scale's
         * buckets start, and receivers read a missing side as offset 0. */
        enc_buckets(&blocks[i].positive, &p->positive);
        enc_buckets(&blocks[i].negative, &p->negative);
        m->positive = &blocks[i].positive;
        m->negative = &blocks[i].negative;
        if (!otelc__pb_attr_array(e, p->attrs, p->attr_count, &m->attributes, &m->n_attributes) ||
            !enc_exemplars(e, p->exemplars, p->exemplar_count, md->is_int, &m->exemplars,
                           &m->n_exemplars))
            return NULL;
        ptrs[i] = m;
    }
    return ptrs;
}

/* Fills m's data oneof from md's points; 0 when memory runs out. A metric whose points array
 * is NULL is encoded with no points. */
static int enc_data(struct otelc__pb_enc *e, metric_msg *m, const otelc_metric_data *md)
{
    size_t n = md->points.number ? md->point_count : 0;
    otelc_metric_data one = *md;
    temporality_msg t = (temporality_msg)md->temporality;
    one.point_count = n;

    switch (md->type) {
    case OTELC_METRIC_GAUGE: {
        gauge_msg *g = otelc__pb_array(e, 1, sizeof *g);
        if (!g)
            return 0;
        *g = (gauge_msg)OPENTELEMETRY__PROTO__METRICS__V1__GAUGE__INIT;
        m->data_case = OPENTELEMETRY__PROTO__METRICS__V1__METRIC__DATA_GAUGE;
        m->gauge = g;
        g->n_data_points = n;
        return !n || (g->data_points = enc_number_points(e, &one)) != NULL;
    }
    case OTELC_METRIC_SUM: {
        sum_msg *s = otelc__pb_array(e, 1, sizeof *s);
        if (!s)
            return 0;
        *s = (sum_msg)OPENTELEMETRY__PROTO__METRICS__V1__SUM__INIT;
        m->data_case = OPENTELEMETRY__PROTO__METRICS__V1__METRIC__DATA_SUM;
        m->sum = s;
        s->aggregation_temporality = t;
        s->is_monotonic = md->is_monotonic != 0;
        s->n_data_points = n;
        return !n || (s->data_points = enc_number_points(e, &one)) != NULL;
    }
    case OTELC_METRIC_HISTOGRAM: {
        histogram_msg *h = otelc__pb_array(e, 1, sizeof *h);
        if (!h)
            return 0;
        *h = (histogram_msg)OPENTELEMETRY__PROTO__METRICS__V1__HISTOGRAM__INIT;
        m->data_case = OPENTELEMETRY__PROTO__METRICS__V1__METRIC__DATA_HISTOGRAM;
        m->histogram = h;
        h->aggregation_temporality = t;
        h->n_data_points = n;
        return !n || (h->data_points = enc_histogram_points(e, &one)) != NULL;
    }
    case OTELC_METRIC_EXPONENTIAL_HISTOGRAM: {
        exp_histogram_msg *x = otelc__pb_array(e, 1, sizeof *x);
        if (!x)
            return 0;
        *x = (exp_histogram_msg)OPENTELEMETRY__PROTO__METRICS__V1__EXPONENTIAL_HISTOGRAM__INIT;
        m->data_case = OPENTELEMETRY__PROTO__METRICS__V1__METRIC__DATA_EXPONENTIAL_HISTOGRAM;
        m->exponential_histogram = x;
        x->aggregation_temporality = t;
        x->n_data_points = n;
        return !n || (x->data_points = enc_exp_points(e, &one)) != NULL;
    }
    }
    /* An unknown type: the metric goes out with its name and no data. */
    return 1;
}

static int enc_scope_metrics(struct otelc__pb_enc *e, scope_metrics *sm,
                             const otelc_scope_metrics *in)
{
    size_t n = in->metrics ? in->metric_count : 0;
    int ok = 1;
    *sm = (scope_metrics)OPENTELEMETRY__PROTO__METRICS__V1__SCOPE_METRICS__INIT;
    if (!(sm->scope = otelc__pb_scope(e, &in->scope)))
        return 0;
    sm->schema_url = otelc__pb_cstr(e, in->scope.schema_url, &ok);
    if (!n)
        return ok;
    metric_msg *msgs = otelc__pb_array(e, n, sizeof *msgs);
    metric_msg **ptrs = otelc__pb_array(e, n, sizeof *ptrs);
    if (!ok || !msgs || !ptrs)
        return 0;
    for (size_t i = 0; i < n; i++) {
        const otelc_metric_data *md = &in->metrics[i];
        metric_msg *m = &msgs[i];
        *m = (metric_msg)OPENTELEMETRY__PROTO__METRICS__V1__METRIC__INIT;
        m->name = otelc__pb_cstr(e, md->name, &ok);
        m->description = otelc__pb_cstr(e, md->description, &ok);
        m->unit = otelc__pb_cstr(e, md->unit, &ok);
        if (!ok || !enc_data(e, m, md))
            return 0;
        ptrs[i] = m;
    }
    sm->metrics = ptrs;
    sm->n_metrics = n;
    return 1;
}

/* Builds the request of one ResourceMetrics in e's arena; 0 when memory runs out. */
static int build_request(struct otelc__pb_enc *e, request_msg *req,
                         const otelc_resource_metrics *rm)
{
    size_t n = rm->scopes ? rm->scope_count : 0;
    resource_metrics *rs = otelc__pb_array(e, 1, sizeof *rs);
    resource_metrics **rs_ptr = otelc__pb_array(e, 1, sizeof *rs_ptr);
    int ok = 1;
    if (!rs || !rs_ptr)
        return 0;
    *rs = (resource_metrics)OPENTELEMETRY__PROTO__METRICS__V1__RESOURCE_METRICS__INIT;
    if (!(rs->resource = otelc__pb_resource(e, rm->resource)))
        return 0;
    rs->schema_url = otelc__pb_cstr(e, otelc_resource_schema_url(rm->resource), &ok);
    if (!ok)
        return 0;
    if (n) {
        scope_metrics *sms = otelc__pb_array(e, n, sizeof *sms);
        scope_metrics **ptrs = otelc__pb_array(e, n, sizeof *ptrs);
        if (!sms || !ptrs)
            return 0;
        for (size_t i = 0; i < n; i++) {
            if (!enc_scope_metrics(e, &sms[i], &rm->scopes[i]))
                return 0;
            ptrs[i] = &sms[i];
        }
        rs->scope_metrics = ptrs;
        rs->n_scope_metrics = n;
    }
    *rs_ptr = rs;
    req->resource_metrics = rs_ptr;
    req->n_resource_metrics = 1;
    return 1;
}

int otelc__otlp_proto_encode_metrics(struct otelc__buf *out, const otelc_resource_metrics *rm)
{
    request_msg req =
        OPENTELEMETRY__PROTO__COLLECTOR__METRICS__V1__EXPORT_METRICS_SERVICE_REQUEST__INIT;
    struct otelc__pb_enc e;
    int err;

    if (!out || !rm)
        return OTELC_EINVAL;
    otelc__pb_enc_init(&e);
    err = build_request(&e, &req, rm) ? otelc__pb_pack(out, &req.base) : OTELC_ENOMEM;
    if (err == OTELC_ENOMEM)
        out->oom = 1;
    otelc__pb_enc_done(&e);
    return err;
}
