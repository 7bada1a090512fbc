/* SPDX-License-Identifier: Apache-2.0 */
/* The OTLP/HTTP transport that the span and metric exporters share: one reused libcurl handle,
 * headers, gzip, TLS, the retry loop within the export deadline, decoded error and
 * partial-success answers, the last error, and dropping the connection after fork. The
 * exporters encode a request into the transport's body and call otelc__http_transport_send. */
#ifndef OTELC_EXPORTERS_OTLP_HTTP_HTTP_TRANSPORT_H
#define OTELC_EXPORTERS_OTLP_HTTP_HTTP_TRANSPORT_H

#include <curl/curl.h>
#include <protobuf-c/protobuf-c.h>
#include <stddef.h>
#include <stdint.h>

#include "otelc/otlp.h"
#include "sdk/common/buf.h"
#include "sdk/common/log_internal.h"

/* What differs between signals. */
struct otelc__http_signal {
    const char *path;          /* appended to a base endpoint: "v1/traces" */
    const char *env_infix;     /* of the per-signal variables: "TRACES" */
    const char *items;         /* what a request carries, for logs: "spans" */
    const char *json_rejected; /* the partial success's count in OTLP/JSON: "rejectedSpans" */
    /* Export<Signal>ServiceResponse: partial_success (field 1) holds the rejected count
     * (field 1, int64) and error_message (field 2) in every signal. */
    const ProtobufCMessageDescriptor *response;
};

/* The size of the options struct before the metric fields were appended: what callers built
 * against that header pass, and what every exporter accepts. */
#define OTELC__OTLP_HTTP_OPTIONS_V1_SIZE                                                           \
    offsetof(otelc_otlp_http_exporter_options, temporality_preference)

struct otelc__http_transport {
    const struct otelc__http_signal *signal;
    char *url;
    char *url_shown; /* url without user information or query, for logs and errors */
    otelc_otlp_protocol protocol;
    otelc_otlp_compression compression;
    uint32_t timeout_ms;
    uint64_t max_request; /* encoded bytes above which a request is split */
    char *ca_file, *cert_file, *key_file;
    int insecure;
    struct curl_slist *headers; /* Content-Type, Content-Encoding and the user's headers */
    CURL *curl;                 /* NULL until the first export, and after fork */
    int shut;
    struct otelc__buf body; /* the encoded request, written by the exporter */
    struct otelc__buf gz, resp;
    char retry_after[64];
    size_t retry_after_len;
    char curl_err[CURL_ERROR_SIZE];
    char last_error[320];
    uint64_t rejected; /* items the receiver rejected in partial successes, in all */
    /* Per exporter, so that the trace and metric exporters each get their line. */
    struct otelc__throttle fail_log, partial_log;
};

/* Returned by otelc__http_transport_send() when the body is over the request limit: nothing was
 * sent, and the caller splits the request or reports it with otelc__http_transport_fail(). */
#define OTELC__HTTP_TOO_LARGE 1

/* Sets t up from opt (checked: OTELC_EINVAL for a bad protocol, compression or headers; the
 * caller checked opt->size). On failure everything is freed. OTELC_OK, OTELC_EINVAL,
 * OTELC_ENOMEM, OTELC_ETRANSPORT (libcurl cannot be initialised). */
int otelc__http_transport_init(struct otelc__http_transport *t,
                               const struct otelc__http_signal *signal,
                               const otelc_otlp_http_exporter_options *opt);
/* Frees what t holds. */
void otelc__http_transport_fini(struct otelc__http_transport *t);

/* Starts an export: clears the last error and caps deadline (monotonic ns, 0: none) at the
 * configured timeout. */
uint64_t otelc__http_transport_begin(struct otelc__http_transport *t, uint64_t deadline);

/* POSTs t->body (after checking its encoding status and size, and compressing it), retrying
 * what the OTLP specification retries until deadline. OTELC_OK, OTELC__HTTP_TOO_LARGE, or the
 * failure (recorded in last_error and logged, throttled): OTELC_ENOMEM, OTELC_EREJECTED,
 * OTELC_ETRANSPORT, OTELC_ETIMEDOUT. */
int otelc__http_transport_send(struct otelc__http_transport *t, uint64_t deadline);

/* Records a failure found by the exporter (printf-style) as the last error, logs it (throttled)
 * and returns rc. */
int otelc__http_transport_fail(struct otelc__http_transport *t, int rc, const char *fmt, ...)
    OTELC__PRINTF(3, 4);

/* Gives back buffers that grew past what one ordinary export needs. */
void otelc__http_transport_trim(struct otelc__http_transport *t);

/* In a child after fork(): forgets the parent's connection without touching it. */
void otelc__http_transport_after_fork(struct otelc__http_transport *t);

/* Fills opt from the OTEL_EXPORTER_OTLP_* variables, the per-signal ones winning. */
void otelc__http_options_from_env(otelc_otlp_http_exporter_options *opt,
                                  const struct otelc__http_signal *signal);

#endif
