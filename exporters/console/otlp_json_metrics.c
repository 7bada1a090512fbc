/* SPDX-License-Identifier: Apache-2.0 */
/* The OTLP/JSON encoder of metrics: one collection becomes one ExportMetricsServiceRequest. */
#include "exporters/console/otlp_json.h"
#include "exporters/console/otlp_json_write.h"

/* The numbers of one metric: is_int says which member of the union is set. */
static void put_number(struct otelc__buf *b, int *first, int is_int, otelc_metric_number v)
{
    if (is_int) {
        otelc__json_member(b, first, "asInt");
        otelc__buf_append_char(b, '"');
        otelc__buf_append_i64(b, v.i);
        otelc__buf_append_char(b, '"');
    } else {
        otelc__json_member(b, first, "asDouble");
        otelc__json_double(b, v.d);
    }
}

/* A double member that is `optional` in the schema: written whenever set, zero included. */
static void put_double_member(struct otelc__buf *b, int *first, const char *key, double d)
{
    otelc__json_member(b, first, key);
    otelc__json_double(b, d);
}

static void put_u64_member(struct otelc__buf *b, int *first, const char *key, uint64_t v)
{
    otelc__json_member(b, first, key);
    otelc__json_u64_string(b, v);
}

/* The member `"key":[...]` of n fixed64 counts (strings in OTLP/JSON), left out when empty. */
static void put_counts(struct otelc__buf *b, int *first, const char *key, const uint64_t *c,
                       size_t n)
{
    if (!c || !n)
        return;
    otelc__json_member(b, first, key);
    otelc__buf_append_char(b, '[');
    for (size_t i = 0; i < n; i++) {
        if (i)
            otelc__buf_append_char(b, ',');
        otelc__json_u64_string(b, c[i]);
    }
    otelc__buf_append_char(b, ']');
}

/* The exemplars of a point, with the metric's is_int that says which number they hold. */
struct exemplar_list {
    const otelc_exemplar *ex;
    int is_int;
};

static void exemplar_item(struct otelc__buf *b, int *first, const void *ctx, size_t i)
{
    const struct exemplar_list *l = ctx;
    const otelc_exemplar *x = &l->ex[i];
    int f = 1;
    otelc__json_sep(b, first);
    otelc__buf_append_char(b, '{');
    otelc__json_list(b, &f, "filteredAttributes", x->filtered_attrs ? x->filtered_attr_count : 0,
                     otelc__json_attr_item, x->filtered_attrs);
    put_u64_member(b, &f, "timeUnixNano", x->time_ns);
    put_number(b, &f, l->is_int, x->value);
    if (x->has_span) {
        otelc__json_member(b, &f, "spanId");
        otelc__json_hex(b, x->span_id, sizeof x->span_id);
        otelc__json_member(b, &f, "traceId");
        otelc__json_hex(b, x->trace_id, sizeof x->trace_id);
    }
    otelc__buf_append_char(b, '}');
}

static void put_exemplars(struct otelc__buf *b, int *first, const otelc_exemplar *ex, size_t n,
                          int is_int)
{
    struct exemplar_list l = {ex, is_int};
    otelc__json_list(b, first, "exemplars", ex ? n : 0, exemplar_item, &l);
}

/* The members every kind of point starts with. */
static void put_point_head(struct otelc__buf *b, int *first, const otelc_attr *attrs, size_t n,
                           uint64_t start, uint64_t time)
{
    otelc__json_attrs(b, first, attrs, n);
    if (start)
        put_u64_member(b, first, "startTimeUnixNano", start);
    put_u64_member(b, first, "timeUnixNano", time);
}

static void number_item(struct otelc__buf *b, int *first, const void *ctx, size_t i)
{
    const otelc_metric_data *md = ctx;
    const otelc_number_point *p = &md->points.number[i];
    int f = 1;
    otelc__json_sep(b, first);
    otelc__buf_append_char(b, '{');
    put_point_head(b, &f, p->attrs, p->attr_count, p->start_time_ns, p->time_ns);
    put_number(b, &f, md->is_int, p->value);
    put_exemplars(b, &f, p->exemplars, p->exemplar_count, md->is_int);
    otelc__buf_append_char(b, '}');
}

static void histogram_item(struct otelc__buf *b, int *first, const void *ctx, size_t i)
{
    const otelc_metric_data *md = ctx;
    const otelc_histogram_point *p = &md->points.histogram[i];
    size_t bounds = p->bounds ? p->bound_count : 0;
    int f = 1;
    otelc__json_sep(b, first);
    otelc__buf_append_char(b, '{');
    put_point_head(b, &f, p->attrs, p->attr_count, p->start_time_ns, p->time_ns);
    put_u64_member(b, &f, "count", p->count);
    if (p->has_sum)
        put_double_member(b, &f, "sum", p->sum);
    put_counts(b, &f, "bucketCounts", p->bucket_counts, bounds + 1);
    if (bounds) {
        otelc__json_member(b, &f, "explicitBounds");
        otelc__buf_append_char(b, '[');
        for (size_t k = 0; k < bounds; k++) {
            if (k)
                otelc__buf_append_char(b, ',');
            otelc__json_double(b, p->bounds[k]);
        }
        otelc__buf_append_char(b, ']');
    }
    put_exemplars(b, &f, p->exemplars, p->exemplar_count, md->is_int);
    if (p->has_min_max) {
        put_double_member(b, &f, "min", p->min);
        put_double_member(b, &f, "max", p->max);
    }
    otelc__buf_append_char(b, '}');
}

/* A Buckets object; always written (an empty side still says its offset). */
static void put_buckets(struct otelc__buf *b, int *first, const char *key,
                        const otelc_exp_buckets *bk)
{
    int f = 1;
    otelc__json_member(b, first, key);
    otelc__buf_append_char(b, '{');
    otelc__json_member(b, &f, "offset");
    otelc__buf_append_i64(b, bk->offset);
    put_counts(b, &f, "bucketCounts", bk->counts, bk->count_n);
    otelc__buf_append_char(b, '}');
}

static void exp_item(struct otelc__buf *b, int *first, const void *ctx, size_t i)
{
    const otelc_metric_data *md = ctx;
    const otelc_exp_histogram_point *p = &md->points.exp_histogram[i];
    int f = 1;
    otelc__json_sep(b, first);
    otelc__buf_append_char(b, '{');
    put_point_head(b, &f, p->attrs, p->attr_count, p->start_time_ns, p->time_ns);
    put_u64_member(b, &f, "count", p->count);
    if (p->has_sum)
        put_double_member(b, &f, "sum", p->sum);
    otelc__json_member(b, &f, "scale");
    otelc__buf_append_i64(b, p->scale);
    put_u64_member(b, &f, "zeroCount", p->zero_count);
    put_buckets(b, &f, "positive", &p->positive);
    put_buckets(b, &f, "negative", &p->negative);
    put_exemplars(b, &f, p->exemplars, p->exemplar_count, md->is_int);
    if (p->has_min_max) {
        put_double_member(b, &f, "min", p->min);
        put_double_member(b, &f, "max", p->max);
    }
    if (p->zero_threshold != 0.0)
        put_double_member(b, &f, "zeroThreshold", p->zero_threshold);
    otelc__buf_append_char(b, '}');
}

/* The data member of md: `"gauge"`, `"sum"`, `"histogram"` or `"exponentialHistogram"`. */
static void put_data(struct otelc__buf *b, int *first, const otelc_metric_data *md)
{
    static const char *const keys[] = {"gauge", "sum", "histogram", "exponentialHistogram"};
    static const otelc__json_item_fn items[] = {number_item, number_item, histogram_item, exp_item};
    size_t n = md->points.number ? md->point_count : 0;
    int f = 1;
    if ((unsigned)md->type > OTELC_METRIC_EXPONENTIAL_HISTOGRAM)
        return;
    otelc__json_member(b, first, keys[md->type]);
    otelc__buf_append_char(b, '{');
    otelc__json_list(b, &f, "dataPoints", n, items[md->type], md);
    if (md->type != OTELC_METRIC_GAUGE)
        otelc__json_count(b, &f, "aggregationTemporality", (uint64_t)md->temporality);
    if (md->type == OTELC_METRIC_SUM && md->is_monotonic) {
        otelc__json_member(b, &f, "isMonotonic");
        otelc__buf_append_str(b, "true");
    }
    otelc__buf_append_char(b, '}');
}

static void metric_item(struct otelc__buf *b, int *first, const void *ctx, size_t i)
{
    const otelc_metric_data *md = &((const otelc_metric_data *)ctx)[i];
    int f = 1;
    otelc__json_sep(b, first);
    otelc__buf_append_char(b, '{');
    otelc__json_member(b, &f, "name");
    otelc__json_cstr(b, md->name);
    otelc__json_opt_string(b, &f, "description", md->description);
    otelc__json_opt_string(b, &f, "unit", md->unit);
    put_data(b, &f, md);
    otelc__buf_append_char(b, '}');
}

static void scope_item(struct otelc__buf *b, int *first, const void *ctx, size_t i)
{
    const otelc_scope_metrics *sm = &((const otelc_scope_metrics *)ctx)[i];
    int f = 1;
    otelc__json_sep(b, first);
    otelc__buf_append_char(b, '{');
    otelc__json_scope(b, &f, &sm->scope);
    otelc__json_list(b, &f, "metrics", sm->metrics ? sm->metric_count : 0, metric_item,
                     sm->metrics);
    otelc__json_opt_string(b, &f, "schemaUrl", sm->scope.schema_url);
    otelc__buf_append_char(b, '}');
}

int otelc__otlp_json_encode_metrics(struct otelc__buf *out, const otelc_resource_metrics *rm)
{
    int first = 1;
    if (!out || !rm)
        return OTELC_EINVAL;
    otelc__buf_append_str(out, "{\"resourceMetrics\":[{");
    otelc__json_resource(out, &first, rm->resource);
    otelc__json_list(out, &first, "scopeMetrics", rm->scopes ? rm->scope_count : 0, scope_item,
                     rm->scopes);
    otelc__json_opt_string(out, &first, "schemaUrl", otelc_resource_schema_url(rm->resource));
    otelc__buf_append_str(out, "}]}");
    return otelc__buf_status(out);
}
