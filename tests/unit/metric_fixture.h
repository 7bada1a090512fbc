/* SPDX-License-Identifier: Apache-2.0 */
/* A collection with every kind of metric, built by hand, for the tests of the metric encoders
 * and exporters (unit and interop): the same tree everywhere, so expectations agree. */
#ifndef OTELC_TESTS_METRIC_FIXTURE_H
#define OTELC_TESTS_METRIC_FIXTURE_H

#include "otelc/metric_data.h"

#define MF_START 1700000000000000000ull
#define MF_TIME 1700000001000000000ull

/*
 * The tree (values are those the expectations check):
 * resource {service.name: "svc-m"}, schema "https://opentelemetry.io/schemas/1.26.0"
 * scope "meter" 1.0 (schema "https://example.com/meter", attribute scope.k = "v"):
 *   requests    Sum int cumulative monotonic, unit "{request}", description "Requests served":
 *               {route=/a} 42 with an exemplar (7 at MF_START+5, span "SPAN-ID1", trace
 *               "TRACE-ID-0000001", filtered user=u1); {route=/b} 0 without exemplars
 *   queue.depth Gauge double: 3.5, no start time, an exemplar 2.25 without span
 *   inflight    Sum double cumulative, not monotonic: -1.5
 *   latency     Histogram double delta: {} count 4 sum 16.5 min 0.5 max 12 bounds 0 5 10
 *               counts 1 2 0 1, an exemplar 12 with span; {kind=empty} count 0, no sum, no
 *               min/max, counts 0 0 0 0
 *   size        Exponential histogram double delta: count 5 sum 20.5 min 0 max 9, scale 3,
 *               zero_count 1, zero_threshold 0, positive offset -2 counts 1 0 3, negative
 *               offset 0 no counts; an exemplar 9 with span
 * scope "idle" (no version): idle Sum int delta monotonic with no points
 */
const otelc_resource_metrics *mf_collection(void);

/* The collection in OTLP/JSON, written by hand from the OTLP/JSON rules (hex ids, int64 and
 * fixed64 as strings, enums as integers, lowerCamelCase keys, defaults left out). */
/* clang-format off */
#define MF_START_S "\"startTimeUnixNano\":\"1700000000000000000\""
#define MF_TIME_S "\"timeUnixNano\":\"1700000001000000000\""
#define MF_STR_ATTR(k, v) "{\"key\":\"" k "\",\"value\":{\"stringValue\":\"" v "\"}}"
#define MF_IDS "\"spanId\":\"5350414e2d494431\",\"traceId\":\"54524143452d49442d30303030303031\""

#define MF_REQUESTS_JSON                                                                      \
    "{\"name\":\"requests\",\"description\":\"Requests served\",\"unit\":\"{request}\","      \
    "\"sum\":{\"dataPoints\":["                                                               \
    "{\"attributes\":[" MF_STR_ATTR("route", "/a") "]," MF_START_S "," MF_TIME_S ","          \
    "\"asInt\":\"42\",\"exemplars\":[{\"filteredAttributes\":[" MF_STR_ATTR("user", "u1")     \
    "],\"timeUnixNano\":\"1700000000000000005\",\"asInt\":\"7\"," MF_IDS "}]},"               \
    "{\"attributes\":[" MF_STR_ATTR("route", "/b") "]," MF_START_S "," MF_TIME_S ","          \
    "\"asInt\":\"0\"}],\"aggregationTemporality\":2,\"isMonotonic\":true}}"

#define MF_GAUGE_JSON                                                                         \
    "{\"name\":\"queue.depth\",\"gauge\":{\"dataPoints\":[{" MF_TIME_S ",\"asDouble\":3.5,"   \
    "\"exemplars\":[{\"timeUnixNano\":\"1700000000000000006\",\"asDouble\":2.25}]}]}}"

#define MF_INFLIGHT_JSON                                                                      \
    "{\"name\":\"inflight\",\"sum\":{\"dataPoints\":[{" MF_START_S "," MF_TIME_S ","          \
    "\"asDouble\":-1.5}],\"aggregationTemporality\":2}}"

#define MF_LATENCY_JSON                                                                       \
    "{\"name\":\"latency\",\"unit\":\"ms\",\"histogram\":{\"dataPoints\":["                   \
    "{" MF_START_S "," MF_TIME_S ",\"count\":\"4\",\"sum\":16.5,"                             \
    "\"bucketCounts\":[\"1\",\"2\",\"0\",\"1\"],\"explicitBounds\":[0,5,10],"                 \
    "\"exemplars\":[{\"timeUnixNano\":\"1700000000000000007\",\"asDouble\":12," MF_IDS "}],"  \
    "\"min\":0.5,\"max\":12},"                                                                \
    "{\"attributes\":[" MF_STR_ATTR("kind", "empty") "]," MF_START_S "," MF_TIME_S ","        \
    "\"count\":\"0\",\"bucketCounts\":[\"0\",\"0\",\"0\",\"0\"],\"explicitBounds\":[0,5,10]}]," \
    "\"aggregationTemporality\":1}}"

#define MF_SIZE_JSON                                                                          \
    "{\"name\":\"size\",\"unit\":\"By\",\"exponentialHistogram\":{\"dataPoints\":["           \
    "{" MF_START_S "," MF_TIME_S ",\"count\":\"5\",\"sum\":20.5,\"scale\":3,"                 \
    "\"zeroCount\":\"1\",\"positive\":{\"offset\":-2,\"bucketCounts\":[\"1\",\"0\",\"3\"]},"  \
    "\"negative\":{\"offset\":0},"                                                            \
    "\"exemplars\":[{\"timeUnixNano\":\"1700000000000000008\",\"asDouble\":9," MF_IDS "}],"   \
    "\"min\":0,\"max\":9}],\"aggregationTemporality\":1}}"

#define MF_JSON                                                                               \
    "{\"resourceMetrics\":[{\"resource\":{\"attributes\":["                                   \
    MF_STR_ATTR("service.name", "svc-m") "]},\"scopeMetrics\":["                              \
    "{\"scope\":{\"name\":\"meter\",\"version\":\"1.0\",\"attributes\":["                     \
    MF_STR_ATTR("scope.k", "v") "]},\"metrics\":[" MF_REQUESTS_JSON "," MF_GAUGE_JSON ","     \
    MF_INFLIGHT_JSON "," MF_LATENCY_JSON "," MF_SIZE_JSON "],"                                \
    "\"schemaUrl\":\"https://example.com/meter\"},"                                           \
    "{\"scope\":{\"name\":\"idle\"},\"metrics\":[{\"name\":\"idle\",\"sum\":"                 \
    "{\"aggregationTemporality\":1,\"isMonotonic\":true}}]}],"                                \
    "\"schemaUrl\":\"https://opentelemetry.io/schemas/1.26.0\"}]}"
/* clang-format on */

/* Frees the resource mf_collection() made. */
void mf_free(void);

#endif
