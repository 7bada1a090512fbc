/* SPDX-License-Identifier: Apache-2.0 */
/* Tests of the OTLP/protobuf metrics encoder: the bytes are decoded with protobuf-c's code
 * generated from our schema (tests/interop/otlp_metrics_sample.c does the same with upstream
 * protoc and the upstream schema) and every field of every metric type is checked. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "testutil.h"

#include "exporters/otlp/otlp_proto.h"
#include "metric_fixture.h"
#include "metrics_service.pb-c.h"

typedef Opentelemetry__Proto__Collector__Metrics__V1__ExportMetricsServiceRequest request_msg;
typedef Opentelemetry__Proto__Metrics__V1__Metric metric_msg;
typedef Opentelemetry__Proto__Metrics__V1__Exemplar exemplar_msg;
typedef Opentelemetry__Proto__Common__V1__KeyValue key_value;

static request_msg *decode(const struct otelc__buf *b)
{
    request_msg *r =
        opentelemetry__proto__collector__metrics__v1__export_metrics_service_request__unpack(
            NULL, b->len, (const uint8_t *)b->data);
    assert_non_null(r);
    return r;
}

static void free_request(request_msg *r)
{
    opentelemetry__proto__collector__metrics__v1__export_metrics_service_request__free_unpacked(
        r, NULL);
}

static request_msg *encode_and_decode(const otelc_resource_metrics *rm)
{
    struct otelc__buf b;
    otelc__buf_init(&b);
    assert_int_equal(otelc__otlp_proto_encode_metrics(&b, rm), OTELC_OK);
    request_msg *r = decode(&b);
    otelc__buf_free(&b);
    return r;
}

static void assert_kv_str(key_value *const *kvs, size_t n, const char *key, const char *val)
{
    assert_int_equal(n, 1);
    assert_string_equal(kvs[0]->key, key);
    assert_int_equal(kvs[0]->value->value_case,
                     OPENTELEMETRY__PROTO__COMMON__V1__ANY_VALUE__VALUE_STRING_VALUE);
    assert_string_equal(kvs[0]->value->string_value, val);
}

static void assert_span_ids(const exemplar_msg *x)
{
    assert_int_equal(x->trace_id.len, 16);
    assert_memory_equal(x->trace_id.data, "TRACE-ID-0000001", 16);
    assert_int_equal(x->span_id.len, 8);
    assert_memory_equal(x->span_id.data, "SPAN-ID1", 8);
}

/* Resource, scopes with schema URLs, and the two number metrics: Sum (int, cumulative,
 * monotonic, with an exemplar tied to a span) and Gauge (double, exemplar without span). */
static void test_otlp_proto_metrics_numbers(void **state)
{
    (void)state;
    request_msg *r = encode_and_decode(mf_collection());
    assert_int_equal(r->n_resource_metrics, 1);
    Opentelemetry__Proto__Metrics__V1__ResourceMetrics *rs = r->resource_metrics[0];
    assert_string_equal(rs->schema_url, "https://opentelemetry.io/schemas/1.26.0");
    assert_kv_str(rs->resource->attributes, rs->resource->n_attributes, "service.name", "svc-m");
    assert_int_equal(rs->n_scope_metrics, 2);
    Opentelemetry__Proto__Metrics__V1__ScopeMetrics *sm = rs->scope_metrics[0];
    assert_string_equal(sm->scope->name, "meter");
    assert_string_equal(sm->scope->version, "1.0");
    assert_string_equal(sm->schema_url, "https://example.com/meter");
    assert_kv_str(sm->scope->attributes, sm->scope->n_attributes, "scope.k", "v");
    assert_int_equal(sm->n_metrics, 5);

    metric_msg *m = sm->metrics[0];
    assert_string_equal(m->name, "requests");
    assert_string_equal(m->description, "Requests served");
    assert_string_equal(m->unit, "{request}");
    assert_int_equal(m->data_case, OPENTELEMETRY__PROTO__METRICS__V1__METRIC__DATA_SUM);
    assert_int_equal(m->sum->aggregation_temporality, 2);
    assert_true(m->sum->is_monotonic);
    assert_int_equal(m->sum->n_data_points, 2);
    Opentelemetry__Proto__Metrics__V1__NumberDataPoint *p = m->sum->data_points[0];
    assert_int_equal(p->value_case,
                     OPENTELEMETRY__PROTO__METRICS__V1__NUMBER_DATA_POINT__VALUE_AS_INT);
    assert_int_equal(p->as_int, 42);
    assert_int_equal(p->start_time_unix_nano, MF_START);
    assert_int_equal(p->time_unix_nano, MF_TIME);
    assert_kv_str(p->attributes, p->n_attributes, "route", "/a");
    assert_int_equal(p->n_exemplars, 1);
    exemplar_msg *x = p->exemplars[0];
    assert_int_equal(x->value_case, OPENTELEMETRY__PROTO__METRICS__V1__EXEMPLAR__VALUE_AS_INT);
    assert_int_equal(x->as_int, 7);
    assert_int_equal(x->time_unix_nano, MF_START + 5);
    assert_span_ids(x);
    assert_kv_str(x->filtered_attributes, x->n_filtered_attributes, "user", "u1");
    /* A zero value is still set: the oneof says which number it is. */
    p = m->sum->data_points[1];
    assert_int_equal(p->value_case,
                     OPENTELEMETRY__PROTO__METRICS__V1__NUMBER_DATA_POINT__VALUE_AS_INT);
    assert_int_equal(p->as_int, 0);
    assert_int_equal(p->n_exemplars, 0);

    m = sm->metrics[1];
    assert_string_equal(m->name, "queue.depth");
    assert_string_equal(m->unit, "");
    assert_int_equal(m->data_case, OPENTELEMETRY__PROTO__METRICS__V1__METRIC__DATA_GAUGE);
    p = m->gauge->data_points[0];
    assert_int_equal(p->value_case,
                     OPENTELEMETRY__PROTO__METRICS__V1__NUMBER_DATA_POINT__VALUE_AS_DOUBLE);
    assert_true(p->as_double == 3.5);
    assert_int_equal(p->start_time_unix_nano, 0);
    x = p->exemplars[0];
    assert_int_equal(x->value_case, OPENTELEMETRY__PROTO__METRICS__V1__EXEMPLAR__VALUE_AS_DOUBLE);
    assert_true(x->as_double == 2.25);
    /* Exemplar ids: absent without a span. */
    assert_int_equal(x->trace_id.len, 0);
    assert_int_equal(x->span_id.len, 0);

    m = sm->metrics[2];
    assert_int_equal(m->sum->aggregation_temporality, 2);
    assert_false(m->sum->is_monotonic);
    assert_true(m->sum->data_points[0]->as_double == -1.5);

    /* A metric without points is still a Sum with its temporality. */
    sm = rs->scope_metrics[1];
    assert_string_equal(sm->scope->name, "idle");
    assert_string_equal(sm->scope->version, "");
    assert_string_equal(sm->schema_url, "");
    m = sm->metrics[0];
    assert_int_equal(m->data_case, OPENTELEMETRY__PROTO__METRICS__V1__METRIC__DATA_SUM);
    assert_int_equal(m->sum->n_data_points, 0);
    assert_int_equal(m->sum->aggregation_temporality, 1);
    free_request(r);
}

/* Histogram: sum, min and max present only when set (the single-field oneofs of `optional`),
 * bounds and bucket_counts (bounds + 1 of them). */
static void test_otlp_proto_metrics_histogram(void **state)
{
    (void)state;
    request_msg *r = encode_and_decode(mf_collection());
    metric_msg *m = r->resource_metrics[0]->scope_metrics[0]->metrics[3];
    assert_string_equal(m->name, "latency");
    assert_int_equal(m->data_case, OPENTELEMETRY__PROTO__METRICS__V1__METRIC__DATA_HISTOGRAM);
    assert_int_equal(m->histogram->aggregation_temporality, 1);
    assert_int_equal(m->histogram->n_data_points, 2);
    Opentelemetry__Proto__Metrics__V1__HistogramDataPoint *p = m->histogram->data_points[0];
    assert_int_equal(p->count, 4);
    assert_int_equal(p->_sum_case,
                     OPENTELEMETRY__PROTO__METRICS__V1__HISTOGRAM_DATA_POINT___SUM_SUM);
    assert_true(p->sum == 16.5);
    assert_int_equal(p->_min_case,
                     OPENTELEMETRY__PROTO__METRICS__V1__HISTOGRAM_DATA_POINT___MIN_MIN);
    assert_true(p->min == 0.5);
    assert_int_equal(p->_max_case,
                     OPENTELEMETRY__PROTO__METRICS__V1__HISTOGRAM_DATA_POINT___MAX_MAX);
    assert_true(p->max == 12);
    assert_int_equal(p->n_explicit_bounds, 3);
    assert_true(p->explicit_bounds[0] == 0 && p->explicit_bounds[1] == 5 &&
                p->explicit_bounds[2] == 10);
    assert_int_equal(p->n_bucket_counts, 4);
    assert_int_equal(p->bucket_counts[0], 1);
    assert_int_equal(p->bucket_counts[1], 2);
    assert_int_equal(p->bucket_counts[2], 0);
    assert_int_equal(p->bucket_counts[3], 1);
    assert_int_equal(p->n_exemplars, 1);
    assert_true(p->exemplars[0]->as_double == 12);
    assert_span_ids(p->exemplars[0]);

    p = m->histogram->data_points[1];
    assert_int_equal(p->count, 0);
    assert_int_equal(p->_sum_case,
                     OPENTELEMETRY__PROTO__METRICS__V1__HISTOGRAM_DATA_POINT___SUM__NOT_SET);
    assert_int_equal(p->_min_case,
                     OPENTELEMETRY__PROTO__METRICS__V1__HISTOGRAM_DATA_POINT___MIN__NOT_SET);
    assert_int_equal(p->_max_case,
                     OPENTELEMETRY__PROTO__METRICS__V1__HISTOGRAM_DATA_POINT___MAX__NOT_SET);
    assert_int_equal(p->n_bucket_counts, 4);
    assert_kv_str(p->attributes, p->n_attributes, "kind", "empty");
    free_request(r);
}

/* Exponential histogram: scale, zero_count, zero_threshold, both sides (the empty negative
 * side still present with its offset), sum/min/max. */
static void test_otlp_proto_metrics_exponential(void **state)
{
    (void)state;
    request_msg *r = encode_and_decode(mf_collection());
    metric_msg *m = r->resource_metrics[0]->scope_metrics[0]->metrics[4];
    assert_string_equal(m->name, "size");
    assert_int_equal(m->data_case,
                     OPENTELEMETRY__PROTO__METRICS__V1__METRIC__DATA_EXPONENTIAL_HISTOGRAM);
    assert_int_equal(m->exponential_histogram->aggregation_temporality, 1);
    Opentelemetry__Proto__Metrics__V1__ExponentialHistogramDataPoint *p =
        m->exponential_histogram->data_points[0];
    assert_int_equal(p->count, 5);
    assert_true(p->sum == 20.5);
    assert_int_equal(p->_min_case,
                     OPENTELEMETRY__PROTO__METRICS__V1__EXPONENTIAL_HISTOGRAM_DATA_POINT___MIN_MIN);
    assert_true(p->min == 0 && p->max == 9);
    assert_int_equal(p->scale, 3);
    assert_int_equal(p->zero_count, 1);
    assert_true(p->zero_threshold == 0);
    assert_non_null(p->positive);
    assert_int_equal(p->positive->offset, -2);
    assert_int_equal(p->positive->n_bucket_counts, 3);
    assert_int_equal(p->positive->bucket_counts[0], 1);
    assert_int_equal(p->positive->bucket_counts[1], 0);
    assert_int_equal(p->positive->bucket_counts[2], 3);
    assert_non_null(p->negative);
    assert_int_equal(p->negative->offset, 0);
    assert_int_equal(p->negative->n_bucket_counts, 0);
    assert_span_ids(p->exemplars[0]);
    free_request(r);
}

/* Doubles go through bit for bit, NaN and infinities included; int64 extremes too; strings
 * that are not UTF-8 are repaired as for spans; NULL point arrays encode as empty. */
static void test_otlp_proto_metrics_edges(void **state)
{
    (void)state;
    const otelc_number_point dpts[] = {{.value = {.d = NAN}}, {.value = {.d = -INFINITY}}};
    const otelc_number_point ipts[] = {{.value = {.i = INT64_MIN}}};
    const otelc_metric_data metrics[] = {
        {.name = "bad\xff", .type = OTELC_METRIC_GAUGE, .point_count = 2, .points.number = dpts},
        {.name = "i",
         .type = OTELC_METRIC_GAUGE,
         .is_int = 1,
         .point_count = 1,
         .points.number = ipts},
        {.name = "null", .type = OTELC_METRIC_HISTOGRAM, .point_count = 3},
    };
    const otelc_scope_metrics scope = {
        .scope = {.name = ""}, .metrics = metrics, .metric_count = 3};
    const otelc_resource_metrics rm = {.resource = NULL, .scopes = &scope, .scope_count = 1};
    request_msg *r = encode_and_decode(&rm);
    assert_int_equal(r->resource_metrics[0]->resource->n_attributes, 0);
    Opentelemetry__Proto__Metrics__V1__ScopeMetrics *sm = r->resource_metrics[0]->scope_metrics[0];
    assert_string_equal(sm->metrics[0]->name, "bad\xEF\xBF\xBD");
    assert_true(isnan(sm->metrics[0]->gauge->data_points[0]->as_double));
    assert_true(isinf(sm->metrics[0]->gauge->data_points[1]->as_double));
    assert_true(sm->metrics[0]->gauge->data_points[1]->as_double < 0);
    assert_int_equal(sm->metrics[1]->gauge->data_points[0]->as_int, INT64_MIN);
    assert_int_equal(sm->metrics[2]->histogram->n_data_points, 0);
    free_request(r);
}

/* Bad arguments are refused; the request is appended to what the buffer holds. */
static void test_otlp_proto_metrics_arguments(void **state)
{
    struct otelc__buf plain, prefixed;
    (void)state;
    otelc__buf_init(&plain);
    otelc__buf_init(&prefixed);
    assert_int_equal(otelc__otlp_proto_encode_metrics(NULL, mf_collection()), OTELC_EINVAL);
    assert_int_equal(otelc__otlp_proto_encode_metrics(&plain, NULL), OTELC_EINVAL);
    assert_int_equal(plain.len, 0);
    assert_int_equal(otelc__otlp_proto_encode_metrics(&plain, mf_collection()), OTELC_OK);
    otelc__buf_append_str(&prefixed, "xyz");
    assert_int_equal(otelc__otlp_proto_encode_metrics(&prefixed, mf_collection()), OTELC_OK);
    assert_int_equal(prefixed.len, plain.len + 3);
    assert_memory_equal(prefixed.data + 3, plain.data, plain.len);
    otelc__buf_free(&plain);
    otelc__buf_free(&prefixed);
}

/* Every allocation failing in turn gives OTELC_ENOMEM, sets the oom flag, appends nothing and
 * leaks nothing; once none fails, the bytes are those of a normal run. */
static void test_otlp_proto_metrics_fails_cleanly_without_memory(void **state)
{
    struct otelc__buf ref;
    int failures = 0;
    (void)state;
    otelc__buf_init(&ref);
    assert_int_equal(otelc__otlp_proto_encode_metrics(&ref, mf_collection()), OTELC_OK);
    for (uint64_t fail_at = 1;; fail_at++) {
        struct otelc__buf out;
        otelc__buf_init(&out);
        tu_alloc_install(fail_at);
        int rc = otelc__otlp_proto_encode_metrics(&out, mf_collection());
        int failed = tu_alloc_failed();
        if (failed) {
            assert_int_equal(rc, OTELC_ENOMEM);
            assert_int_equal(out.oom, 1);
            assert_int_equal(out.len, 0);
            failures++;
        } else {
            assert_int_equal(rc, OTELC_OK);
            assert_int_equal(out.len, ref.len);
            assert_memory_equal(out.data, ref.data, ref.len);
        }
        otelc__buf_free(&out);
        assert_int_equal(tu_alloc_live(), 0);
        tu_alloc_uninstall();
        if (!failed)
            break;
    }
    assert_true(failures >= 2);
    otelc__buf_free(&ref);
}

static int teardown_group(void **state)
{
    (void)state;
    mf_free();
    return 0;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_otlp_proto_metrics_numbers),
        cmocka_unit_test(test_otlp_proto_metrics_histogram),
        cmocka_unit_test(test_otlp_proto_metrics_exponential),
        cmocka_unit_test(test_otlp_proto_metrics_edges),
        cmocka_unit_test(test_otlp_proto_metrics_arguments),
        cmocka_unit_test(test_otlp_proto_metrics_fails_cleanly_without_memory),
    };
    return cmocka_run_group_tests(tests, NULL, teardown_group);
}
