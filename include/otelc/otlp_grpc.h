/* SPDX-License-Identifier: Apache-2.0 */
/**
 * @file otlp_grpc.h  The OTLP/gRPC span exporter (port 4317), on nghttp2 and OpenSSL.
 *
 * @code
 * otelc_otlp_grpc_exporter_options o;
 * otelc_otlp_grpc_exporter_options_init(&o);
 * o.endpoint = "http://collector:4317";   // h2c; "https://..." for TLS
 * otelc_span_exporter *e;
 * if (otelc_otlp_grpc_exporter_new(&e, &o) == OTELC_OK) {
 *     otelc_span_processor *p;
 *     otelc_batch_span_processor_new(&p, e, NULL);
 * }
 * @endcode
 */
#ifndef OTELC_OTLP_GRPC_H
#define OTELC_OTLP_GRPC_H

#include <stdint.h>

#include "metric_data.h"
#include "otlp.h"
#include "processor.h"

#ifdef __cplusplus
extern "C" {
#endif

/** Options of otelc_otlp_grpc_exporter_new(). Strings are borrowed for the call and copied. */
typedef struct otelc_otlp_grpc_exporter_options {
    uint32_t size;                      ///< sizeof; set by _init
    const char *endpoint;               ///< `http://host:port` (cleartext HTTP/2),
                                        ///< `https://host:port` (TLS), or `host:port` (TLS
                                        ///< unless insecure); a path is ignored; no port:
                                        ///< 80/443 with a scheme, else 4317; NULL:
                                        ///< `http://localhost:4317`
    int insecure;                       ///< 1: an endpoint without a scheme is cleartext
                                        ///< (OTEL_EXPORTER_OTLP_INSECURE); it never turns
                                        ///< certificate verification off
    otelc_otlp_compression compression; ///< default ::OTELC_OTLP_COMPRESSION_NONE; gzip sends
                                        ///< `grpc-encoding: gzip` and compressed messages
    uint32_t timeout_ms;                ///< per-export deadline cap; default 10000
    const char *headers;                ///< metadata `k=v,k2=v2`, values percent-encoded (the
                                        ///< format of OTEL_EXPORTER_OTLP_HEADERS); names are
                                        ///< lowercased; values of `-bin` names are sent in
                                        ///< base64; NULL for none
    const char *ca_file;                ///< PEM file of trusted CAs; NULL: the system's
    const char *client_cert_file;       ///< PEM client certificate for mTLS; NULL: none
    const char *client_key_file;        ///< PEM client key for mTLS; NULL: none
    uint64_t max_request_bytes;         ///< a batch whose request is larger is split in
                                        ///< halves; 0: the default 4 MiB (what gRPC servers
                                        ///< accept by default)
    otelc_temporality_preference temporality_preference; ///< metric exporter only: the
                                        ///< temporality asked of readers; default cumulative
                                        ///< (OTEL_EXPORTER_OTLP_METRICS_TEMPORALITY_PREFERENCE)
    otelc_aggregation histogram_aggregation; ///< metric exporter only: histograms without a
                                        ///< view; default explicit buckets
                                        ///< (OTEL_EXPORTER_OTLP_METRICS_DEFAULT_HISTOGRAM_AGGREGATION)
} otelc_otlp_grpc_exporter_options;

/** Fills defaults. */
OTELC_API void otelc_otlp_grpc_exporter_options_init(otelc_otlp_grpc_exporter_options *opt);

/**
 * Fills @p opt from the OTEL_EXPORTER_OTLP_* variables (the per-signal TRACES_ variants win):
 * ENDPOINT (used as the base URL, nothing appended), INSECURE, HEADERS, TIMEOUT, COMPRESSION,
 * CERTIFICATE, CLIENT_CERTIFICATE, CLIENT_KEY, and OTELC_EXPORTER_OTLP_MAX_REQUEST_SIZE. The
 * PROTOCOL variable is not read here: it chooses between this exporter and the OTLP/HTTP one
 * in otelc_sdk_init_from_env(). Bad values are warned about and leave the field as it was.
 * The string fields point into the environment: create the exporter before changing it.
 */
OTELC_API void otelc_otlp_grpc_exporter_options_from_env(otelc_otlp_grpc_exporter_options *opt);

/**
 * The OTLP/gRPC exporter: one unary `TraceService/Export` call per export on one kept
 * HTTP/2 connection (reconnecting when it breaks), retrying CANCELLED, DEADLINE_EXCEEDED,
 * ABORTED, OUT_OF_RANGE, UNAVAILABLE, DATA_LOSS, and RESOURCE_EXHAUSTED when the server sent
 * a RetryInfo (honouring its delay), with backoff within the export deadline; a partial
 * success is logged. TLS verifies the server's certificate and name, always. It does not
 * connect before the first export. @p opt may be NULL (defaults, not the environment).
 * @return ::OTELC_OK, ::OTELC_EINVAL (bad endpoint, headers or TLS files; logged, values not
 * shown), ::OTELC_ENOMEM.
 */
OTELC_API int otelc_otlp_grpc_exporter_new(otelc_span_exporter **out,
                                           const otelc_otlp_grpc_exporter_options *opt);

/**
 * A description of the last export failure of @p e (no header values or keys in it), "" when
 * the last export succeeded, NULL when @p e is not an OTLP/gRPC exporter. Valid until the next
 * export; call it from the thread that exports (or after the processor stopped).
 */
OTELC_API const char *otelc_otlp_grpc_exporter_last_error(const otelc_span_exporter *e);

/**
 * Fills @p opt for the metric exporter: as otelc_otlp_grpc_exporter_options_from_env() with
 * the per-signal METRICS_ variants, plus OTEL_EXPORTER_OTLP_METRICS_TEMPORALITY_PREFERENCE
 * (`cumulative`, `delta`, `lowmemory`) and
 * OTEL_EXPORTER_OTLP_METRICS_DEFAULT_HISTOGRAM_AGGREGATION (`explicit_bucket_histogram`,
 * `base2_exponential_bucket_histogram`).
 */
OTELC_API void
otelc_otlp_grpc_metric_exporter_options_from_env(otelc_otlp_grpc_exporter_options *opt);

/**
 * The OTLP/gRPC metric exporter: one unary `MetricsService/Export` call per collection (split
 * by metrics, then by points, when over max_request_bytes), with the retry policy, TLS and
 * connection handling of otelc_otlp_grpc_exporter_new(). Readers ask it for the temporality
 * and histogram aggregation of the options. @p opt may be NULL (defaults).
 * @return ::OTELC_OK, ::OTELC_EINVAL, ::OTELC_ENOMEM.
 */
OTELC_API int otelc_otlp_grpc_metric_exporter_new(otelc_metric_exporter **out,
                                                  const otelc_otlp_grpc_exporter_options *opt);

/** As otelc_otlp_grpc_exporter_last_error(), for the metric exporter. */
OTELC_API const char *otelc_otlp_grpc_metric_exporter_last_error(const otelc_metric_exporter *e);

#ifdef __cplusplus
}
#endif

#endif /* OTELC_OTLP_GRPC_H */
