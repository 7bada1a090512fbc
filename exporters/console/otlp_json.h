/* SPDX-License-Identifier: Apache-2.0 */
/* The OTLP/JSON encoders of spans and metrics, shared by the console exporters and the
 * OTLP/HTTP exporters (http/json). */
#ifndef OTELC_EXPORTERS_CONSOLE_OTLP_JSON_H
#define OTELC_EXPORTERS_CONSOLE_OTLP_JSON_H

#include "otelc/metric_data.h"
#include "otelc/trace.h"
#include "sdk/common/buf.h"

/*
 * Appends to out ONE OTLP/JSON `ExportTraceServiceRequest` (opentelemetry-proto v1.7.0) holding
 * the n ended spans, grouped into `resourceSpans` by resource object and then `scopeSpans` by
 * instrumentation scope, both in order of first appearance; spans keep their order in each
 * group. The OTLP/JSON rules apply: lowerCamelCase keys, hex ids, enums as integers, 64-bit
 * integers as decimal strings, bytes in base64, NaN and infinities as strings. Invalid UTF-8
 * in any string is replaced by U+FFFD. Empty fields, empty lists and zero counts are left out.
 * No trailing newline. NULL entries of spans are skipped. The spans are borrowed for the call.
 *
 * Returns OTELC_OK, OTELC_EINVAL (out NULL, or spans NULL with n > 0) or OTELC_ENOMEM (out's
 * oom flag is set and its content is a partial document).
 */
int otelc__otlp_json_encode_spans(struct otelc__buf *out, otelc_span *const *spans, size_t n);

/*
 * Appends to out ONE OTLP/JSON `ExportMetricsServiceRequest` (opentelemetry-proto v1.7.0)
 * holding the collection rm, in the tree's order, with the rules above. Numbers are `asInt`
 * (a decimal string) or `asDouble` as the metric's is_int says; counts (fixed64) are strings;
 * temporality is an integer; a histogram's sum, min and max appear only when set (zero
 * included); exemplars carry `spanId`/`traceId` only when has_span; both sides of an
 * exponential histogram are always written. rm is borrowed for the call. No trailing newline.
 *
 * Returns OTELC_OK, OTELC_EINVAL (out or rm NULL) or OTELC_ENOMEM (out's oom flag is set and
 * its content is a partial document).
 */
int otelc__otlp_json_encode_metrics(struct otelc__buf *out, const otelc_resource_metrics *rm);

#endif
