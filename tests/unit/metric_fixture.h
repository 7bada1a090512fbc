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
/* Frees the resource mf_collection() made. */
void mf_free(void);

#endif
