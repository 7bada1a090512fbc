/* SPDX-License-Identifier: Apache-2.0 */
/**
 * @file otlp.h  The OTLP/HTTP span and metric exporters (http/protobuf and http/json, on
 * libcurl). Both take the same options; each reads its own per-signal variables.
 *
 * @code
 * otelc_otlp_http_exporter_options o;
 * otelc_metric_exporter *metrics = NULL;
 * otelc_otlp_http_exporter_options_init(&o);
 * otelc_otlp_http_metric_exporter_options_from_env(&o);
 * if (otelc_otlp_http_metric_exporter_new(&metrics, &o) == OTELC_OK) {
 *     // hand it to a periodic metric reader, which owns it from then on
 * }
 * @endcode
 */
#ifndef OTELC_OTLP_H
#define OTELC_OTLP_H

#include <stdint.h>

#include "metric_data.h"
#include "processor.h"

#ifdef __cplusplus
extern "C" {
#endif

/** The OTLP transport and encoding. */
typedef enum otelc_otlp_protocol {
    OTELC_OTLP_HTTP_PROTOBUF = 0, ///< `http/protobuf` (the default)
    OTELC_OTLP_HTTP_JSON = 1      ///< `http/json`
} otelc_otlp_protocol;

/** Compression of request bodies. */
typedef enum otelc_otlp_compression {
    OTELC_OTLP_COMPRESSION_NONE = 0, ///< the default
    OTELC_OTLP_COMPRESSION_GZIP = 1  ///< gzip (zlib), sent with `Content-Encoding: gzip`
} otelc_otlp_compression;

/** Options of otelc_otlp_http_exporter_new() and otelc_otlp_http_metric_exporter_new().
 *  Strings are borrowed for the call and copied. Fields are only ever appended: a caller built
 *  against an older header passes a smaller size, and the fields past it take their
 *  defaults. */
typedef struct otelc_otlp_http_exporter_options {
    uint32_t size;                      ///< sizeof; set by _init
    const char *endpoint;               ///< the signal's URL, used as is; NULL: from
                                        ///< base_endpoint
    const char *base_endpoint;          ///< a base URL to which `v1/traces` (`v1/metrics`) is
                                        ///< appended; NULL (and endpoint NULL):
                                        ///< `http://localhost:4318`
    otelc_otlp_protocol protocol;       ///< default ::OTELC_OTLP_HTTP_PROTOBUF
    otelc_otlp_compression compression; ///< default ::OTELC_OTLP_COMPRESSION_NONE
    uint32_t timeout_ms;                ///< per-export deadline cap; default 10000
    const char *headers;                ///< `k=v,k2=v2`, values percent-encoded (the format of
                                        ///< OTEL_EXPORTER_OTLP_HEADERS); NULL for none
    const char *ca_file;                ///< PEM file of trusted CAs; NULL: the system's
    const char *client_cert_file;       ///< PEM client certificate for mTLS; NULL: none
    const char *client_key_file;        ///< PEM client key for mTLS; NULL: none
    int tls_insecure_skip_verify;       ///< 1 turns certificate and host verification OFF
    uint64_t max_request_bytes;         ///< a batch whose encoded request is larger is split
                                        ///< in halves (a single larger span fails); 0: the
                                        ///< default 64 MiB; OTELC_EXPORTER_OTLP_MAX_REQUEST_SIZE
    /* Appended for the metric exporter (the span exporter ignores them). */
    otelc_temporality_preference temporality_preference; ///< what the metric exporter asks
                                                         ///< readers for; default cumulative
    otelc_aggregation histogram_aggregation; ///< the metric exporter's default aggregation of
                                             ///< histograms: ::OTELC_AGGREGATION_EXPLICIT_HISTOGRAM
                                             ///< (the default) or
                                             ///< ::OTELC_AGGREGATION_EXPONENTIAL_HISTOGRAM
} otelc_otlp_http_exporter_options;

/** Fills defaults (for either exporter). */
OTELC_API void otelc_otlp_http_exporter_options_init(otelc_otlp_http_exporter_options *opt);

/**
 * Fills @p opt from the OTEL_EXPORTER_OTLP_* variables (the per-signal TRACES_ variants win):
 * ENDPOINT, HEADERS, TIMEOUT, COMPRESSION, PROTOCOL, CERTIFICATE, CLIENT_CERTIFICATE,
 * CLIENT_KEY. Bad values are warned about and leave the field as it was. The string fields
 * point into the environment: create the exporter before changing it.
 */
OTELC_API void otelc_otlp_http_exporter_options_from_env(otelc_otlp_http_exporter_options *opt);

/**
 * The OTLP/HTTP exporter: one POST per export on one reused connection, retrying 429, 502,
 * 503, 504 and connection failures with backoff (honouring `Retry-After`) within the export
 * deadline. @p opt may be NULL (defaults, not the environment).
 * @return ::OTELC_OK, ::OTELC_EINVAL (bad options or headers), ::OTELC_ENOMEM,
 * ::OTELC_ETRANSPORT (libcurl cannot be set up).
 */
OTELC_API int otelc_otlp_http_exporter_new(otelc_span_exporter **out,
                                           const otelc_otlp_http_exporter_options *opt);

/**
 * A description of the last export failure of @p e (no header values or keys in it), "" when
 * the last export succeeded, NULL when @p e is not an OTLP/HTTP exporter. Valid until the next
 * export; call it from the thread that exports (or after the processor stopped).
 */
OTELC_API const char *otelc_otlp_http_exporter_last_error(const otelc_span_exporter *e);

/**
 * Fills @p opt for the metric exporter from the OTEL_EXPORTER_OTLP_* variables, the
 * per-signal METRICS_ variants winning: ENDPOINT (METRICS_ENDPOINT is the URL as is; the
 * general one gets `v1/metrics` appended), HEADERS, TIMEOUT, COMPRESSION, PROTOCOL,
 * CERTIFICATE, CLIENT_CERTIFICATE, CLIENT_KEY; and
 * OTEL_EXPORTER_OTLP_METRICS_TEMPORALITY_PREFERENCE (`cumulative`, `delta` or `lowmemory`,
 * any case; another value is warned about and gives cumulative) and
 * OTEL_EXPORTER_OTLP_METRICS_DEFAULT_HISTOGRAM_AGGREGATION
 * (`explicit_bucket_histogram` or `base2_exponential_bucket_histogram`; another value is
 * warned about and gives explicit buckets). The string fields point into the environment:
 * create the exporter before changing it.
 */
OTELC_API void
otelc_otlp_http_metric_exporter_options_from_env(otelc_otlp_http_exporter_options *opt);

/**
 * The OTLP/HTTP metric exporter: each collection is one `ExportMetricsServiceRequest` POSTed
 * to the metrics URL (default `http://localhost:4318/v1/metrics`), on one reused connection,
 * with the span exporter's retries, deadline, compression, TLS and error reporting. A request
 * over max_request_bytes is split by metrics, and a metric's points in halves. Partial
 * successes (`rejected_data_points`) are counted and logged (throttled). Its temporality for
 * each instrument kind follows temporality_preference (otelc_temporality_for()), and
 * histograms get histogram_aggregation. @p opt may be NULL (defaults, not the environment); it
 * is not referred to after this returns.
 * @return ::OTELC_OK, ::OTELC_EINVAL (bad options or headers), ::OTELC_ENOMEM,
 * ::OTELC_ETRANSPORT (libcurl cannot be set up).
 */
OTELC_API int otelc_otlp_http_metric_exporter_new(otelc_metric_exporter **out,
                                                  const otelc_otlp_http_exporter_options *opt);

/**
 * The last export failure of the metric exporter @p e, as otelc_otlp_http_exporter_last_error()
 * for spans: "" after a success, NULL when @p e is not an OTLP/HTTP metric exporter.
 */
OTELC_API const char *otelc_otlp_http_metric_exporter_last_error(const otelc_metric_exporter *e);

#ifdef __cplusplus
}
#endif

#endif /* OTELC_OTLP_H */
