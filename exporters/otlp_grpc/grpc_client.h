/* SPDX-License-Identifier: Apache-2.0 */
/* A signal-agnostic gRPC unary-call client on one kept HTTP/2 connection (nghttp2, h2c with
 * prior knowledge or TLS with ALPN h2). The OTLP exporters build on it: traces here, metrics
 * next to it. Not thread-safe: one thread (an exporter's worker) uses a client at a time. */
#ifndef OTELC_EXPORTERS_OTLP_GRPC_GRPC_CLIENT_H
#define OTELC_EXPORTERS_OTLP_GRPC_GRPC_CLIENT_H

#include <stddef.h>
#include <stdint.h>

#include "exporters/otlp_grpc/grpc_session.h"

/* The OTLP services' methods. */
#define OTELC__GRPC_TRACES_PATH "/opentelemetry.proto.collector.trace.v1.TraceService/Export"
#define OTELC__GRPC_METRICS_PATH                                                              \
    "/opentelemetry.proto.collector.metrics.v1.MetricsService/Export"

/* The default endpoint of OTLP/gRPC. */
#define OTELC__GRPC_DEFAULT_ENDPOINT "http://localhost:4317"

/* How a client connects; strings are borrowed for otelc__grpc_client_new() and copied. */
struct otelc__grpc_client_config {
    const char *endpoint;  /* http://host:port (h2c), https://host:port (TLS), or host:port
                              (TLS unless insecure); NULL: OTELC__GRPC_DEFAULT_ENDPOINT. A
                              path is ignored. A missing port is 4317 (80, 443 with a scheme). */
    int insecure;          /* for an endpoint without a scheme: 1 cleartext, 0 TLS */
    const char *ca_file;   /* PEM CAs for TLS; NULL: the system's */
    const char *cert_file; /* PEM client certificate (mTLS); NULL: none */
    const char *key_file;  /* PEM client key (mTLS); NULL: none */
    const char *headers;   /* metadata `k=v,k2=v2`, values percent-encoded (the format of
                              OTEL_EXPORTER_OTLP_HEADERS); names are lowercased, values of
                              `-bin` names sent in base64; NULL: none */
    int gzip;              /* 1: compress messages, `grpc-encoding: gzip` */
    size_t max_response;   /* the largest response message read; 0: 64 KiB */
};

struct otelc__grpc_client;

/* Makes a client; it connects on the first call. On failure err says why (no header values).
 * Returns OTELC_OK, OTELC_EINVAL (bad endpoint, metadata or TLS files), OTELC_ENOMEM. */
int otelc__grpc_client_new(struct otelc__grpc_client **out,
                           const struct otelc__grpc_client_config *cfg, char *err,
                           size_t errcap);
void otelc__grpc_client_free(struct otelc__grpc_client *c);

/* The endpoint as logs may show it (scheme, host and port). */
const char *otelc__grpc_client_target(const struct otelc__grpc_client *c);

/*
 * One unary call of path (e.g. OTELC__GRPC_TRACES_PATH) with the serialised request body
 * (borrowed for the call), ending by deadline (monotonic ns; sent as grpc-timeout). It
 * reuses the kept connection or makes one; a connection the server closed, reset or sent
 * GOAWAY on is replaced on the next call. res (initialised by the caller with
 * otelc__grpc_result_init) receives the status, grpc-message, the decoded
 * grpc-status-details-bin and the response message (at most max_response bytes). Transport
 * failures are statuses as gRPC gives them: UNAVAILABLE (cannot connect, connection lost,
 * refused by GOAWAY) and DEADLINE_EXCEEDED.
 * Returns the gRPC status code (>= 0), or OTELC_ENOMEM.
 */
int otelc__grpc_unary(struct otelc__grpc_client *c, const char *path, const uint8_t *body,
                      size_t body_len, uint64_t deadline, struct otelc__grpc_result *res);

/* In a child after fork(): forgets the inherited connection without sending anything. */
void otelc__grpc_client_after_fork(struct otelc__grpc_client *c);

/* Connections made so far (for tests and the benchmark). */
uint64_t otelc__grpc_client_connections(const struct otelc__grpc_client *c);

#endif
