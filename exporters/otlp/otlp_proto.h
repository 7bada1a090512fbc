/* SPDX-License-Identifier: Apache-2.0 */
/* The OTLP/protobuf encoders of spans and metrics, for the OTLP exporters (http/protobuf and
 * gRPC). */
#ifndef OTELC_EXPORTERS_OTLP_OTLP_PROTO_H
#define OTELC_EXPORTERS_OTLP_OTLP_PROTO_H

#include "otelc/metric_data.h"
#include "otelc/trace.h"
#include "sdk/common/buf.h"

/*
 * Appends to out ONE serialised `ExportTraceServiceRequest` (opentelemetry-proto v1.7.0)
 * holding the n ended spans, grouped into `resource_spans` by resource object and then
 * `scope_spans` by instrumentation scope, both in order of first appearance; spans keep their
 * order in each group (the same grouping as otelc__otlp_json_encode_spans). NULL entries of
 * spans are skipped. Invalid UTF-8 in any string is replaced by U+FFFD, since decoders reject
 * a proto3 string that is not UTF-8; a string value is cut at an embedded NUL. The message
 * lives in an arena for the call only; the spans are borrowed for the call.
 *
 * Returns OTELC_OK, OTELC_EINVAL (out NULL, or spans NULL with n > 0) or OTELC_ENOMEM (out's
 * oom flag is set and nothing was appended).
 */
int otelc__otlp_proto_encode_spans(struct otelc__buf *out, otelc_span *const *spans, size_t n);

/*
 * Appends to out ONE serialised `ExportMetricsServiceRequest` (opentelemetry-proto v1.7.0)
 * holding the collection rm: one `ResourceMetrics`, one `ScopeMetrics` per scope and one
 * `Metric` per stream, in the tree's order. Numbers are `as_int` or `as_double` as the metric's
 * is_int says; a histogram's sum, min and max are absent unless has_sum / has_min_max;
 * exemplars carry their ids only when has_span. Strings are repaired as for spans. A NULL array
 * with a non-zero count is encoded as empty. rm is borrowed for the call.
 *
 * Returns OTELC_OK, OTELC_EINVAL (out or rm NULL) or OTELC_ENOMEM (out's oom flag is set and
 * nothing was appended).
 */
int otelc__otlp_proto_encode_metrics(struct otelc__buf *out, const otelc_resource_metrics *rm);

#endif
