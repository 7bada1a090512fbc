/* SPDX-License-Identifier: Apache-2.0 */
/* The hand-built collection of metric_fixture.h. */
#include "metric_fixture.h"

#include <stddef.h>
#include <string.h>

static otelc_resource *res;
static otelc_resource_metrics rm;

static const otelc_attr route_a[] = {{"route", {OTELC_VALUE_STRING, 2, {.s = "/a"}}}};
static const otelc_attr route_b[] = {{"route", {OTELC_VALUE_STRING, 2, {.s = "/b"}}}};
static const otelc_attr user[] = {{"user", {OTELC_VALUE_STRING, 2, {.s = "u1"}}}};
static const otelc_attr empty_kind[] = {{"kind", {OTELC_VALUE_STRING, 5, {.s = "empty"}}}};
static const otelc_attr scope_attrs[] = {{"scope.k", {OTELC_VALUE_STRING, 1, {.s = "v"}}}};

#define SPAN_IDS                                                                                   \
    .has_span = 1,                                                                                 \
    .trace_id = {'T', 'R', 'A', 'C', 'E', '-', 'I', 'D', '-', '0', '0', '0', '0', '0', '0', '1'},  \
    .span_id = {'S', 'P', 'A', 'N', '-', 'I', 'D', '1'}

static const otelc_exemplar requests_ex[] = {{.filtered_attrs = user,
                                              .filtered_attr_count = 1,
                                              .time_ns = MF_START + 5,
                                              .value = {.i = 7},
                                              SPAN_IDS}};
static const otelc_exemplar gauge_ex[] = {{.time_ns = MF_START + 6, .value = {.d = 2.25}}};
static const otelc_exemplar latency_ex[] = {
    {.time_ns = MF_START + 7, .value = {.d = 12}, SPAN_IDS}};
static const otelc_exemplar size_ex[] = {{.time_ns = MF_START + 8, .value = {.d = 9}, SPAN_IDS}};

static const otelc_number_point requests_pts[] = {
    {.attrs = route_a,
     .attr_count = 1,
     .start_time_ns = MF_START,
     .time_ns = MF_TIME,
     .value = {.i = 42},
     .exemplars = requests_ex,
     .exemplar_count = 1},
    {.attrs = route_b,
     .attr_count = 1,
     .start_time_ns = MF_START,
     .time_ns = MF_TIME,
     .value = {.i = 0}},
};
static const otelc_number_point gauge_pts[] = {
    {.time_ns = MF_TIME, .value = {.d = 3.5}, .exemplars = gauge_ex, .exemplar_count = 1},
};
static const otelc_number_point inflight_pts[] = {
    {.start_time_ns = MF_START, .time_ns = MF_TIME, .value = {.d = -1.5}},
};

static const double bounds[] = {0, 5, 10};
static const uint64_t latency_counts[] = {1, 2, 0, 1};
static const uint64_t empty_counts[] = {0, 0, 0, 0};
static const otelc_histogram_point latency_pts[] = {
    {.start_time_ns = MF_START,
     .time_ns = MF_TIME,
     .count = 4,
     .sum = 16.5,
     .has_sum = 1,
     .has_min_max = 1,
     .min = 0.5,
     .max = 12,
     .bounds = bounds,
     .bound_count = 3,
     .bucket_counts = latency_counts,
     .exemplars = latency_ex,
     .exemplar_count = 1},
    {.attrs = empty_kind,
     .attr_count = 1,
     .start_time_ns = MF_START,
     .time_ns = MF_TIME,
     .bounds = bounds,
     .bound_count = 3,
     .bucket_counts = empty_counts},
};

static const uint64_t positive_counts[] = {1, 0, 3};
static const otelc_exp_histogram_point size_pts[] = {
    {.start_time_ns = MF_START,
     .time_ns = MF_TIME,
     .count = 5,
     .sum = 20.5,
     .has_sum = 1,
     .has_min_max = 1,
     .min = 0,
     .max = 9,
     .scale = 3,
     .zero_count = 1,
     .positive = {.offset = -2, .counts = positive_counts, .count_n = 3},
     .negative = {.offset = 0},
     .exemplars = size_ex,
     .exemplar_count = 1},
};

static const otelc_metric_data meter_metrics[] = {
    {.name = "requests",
     .description = "Requests served",
     .unit = "{request}",
     .type = OTELC_METRIC_SUM,
     .is_int = 1,
     .temporality = OTELC_TEMPORALITY_CUMULATIVE,
     .is_monotonic = 1,
     .point_count = 2,
     .points.number = requests_pts},
    {.name = "queue.depth",
     .description = "",
     .unit = "",
     .type = OTELC_METRIC_GAUGE,
     .point_count = 1,
     .points.number = gauge_pts},
    {.name = "inflight",
     .description = "",
     .unit = "",
     .type = OTELC_METRIC_SUM,
     .temporality = OTELC_TEMPORALITY_CUMULATIVE,
     .point_count = 1,
     .points.number = inflight_pts},
    {.name = "latency",
     .description = "",
     .unit = "ms",
     .type = OTELC_METRIC_HISTOGRAM,
     .temporality = OTELC_TEMPORALITY_DELTA,
     .point_count = 2,
     .points.histogram = latency_pts},
    {.name = "size",
     .description = "",
     .unit = "By",
     .type = OTELC_METRIC_EXPONENTIAL_HISTOGRAM,
     .temporality = OTELC_TEMPORALITY_DELTA,
     .point_count = 1,
     .points.exp_histogram = size_pts},
};

static const otelc_metric_data idle_metrics[] = {
    {.name = "idle",
     .description = "",
     .unit = "",
     .type = OTELC_METRIC_SUM,
     .is_int = 1,
     .temporality = OTELC_TEMPORALITY_DELTA,
     .is_monotonic = 1,
     .point_count = 0},
};

static otelc_scope_metrics scopes[] = {
    {.scope = {.name = "meter",
               .version = "1.0",
               .schema_url = "https://example.com/meter",
               .attrs = scope_attrs,
               .attr_count = 1},
     .metrics = meter_metrics,
     .metric_count = 5},
    {.scope = {.name = "idle"}, .metrics = idle_metrics, .metric_count = 1},
};

const otelc_resource_metrics *mf_collection(void)
{
    if (!res) {
        otelc_attr a = otelc_attr_str("service.name", "svc-m");
        if (otelc_resource_new(&res, &a, 1, "https://opentelemetry.io/schemas/1.26.0") != OTELC_OK)
            return NULL;
    }
    rm.resource = res;
    rm.scopes = scopes;
    rm.scope_count = 2;
    return &rm;
}

void mf_free(void)
{
    otelc_resource_free(res);
    res = NULL;
}
