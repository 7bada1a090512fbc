/* SPDX-License-Identifier: Apache-2.0 */
/* Shared pieces of the end-to-end propagation test programs: SDK set-up, loopback sockets,
 * the custom TCP framing that carries a binary header block, and the minimal gRPC exchange
 * over HTTP/2 (h2c, nghttp2) that carries context in its metadata. */
#ifndef OTELC_TESTS_E2E_COMMON_H
#define OTELC_TESTS_E2E_COMMON_H

#include <otelc/otelc.h>
#include <stddef.h>
#include <stdint.h>

/* The SDK from OTEL_* variables (console exporter on stdout in the test) and a tracer. */
struct e2e_sdk {
    otelc_sdk *sdk;
    otelc_tracer *tracer;
};
int e2e_sdk_init(struct e2e_sdk *s, const char *scope);
void e2e_sdk_done(struct e2e_sdk *s);

/* Prints a message and exits with status 1. */
void e2e_die(const char *what);

/* A listening socket on 127.0.0.1 with a kernel-chosen port, written to *port. */
int e2e_listen(uint16_t *port);
/* A socket connected to 127.0.0.1:port. */
int e2e_connect(uint16_t port);
/* Blocking full writes and reads; 0, or -1 on error or end of stream. */
int e2e_write_all(int fd, const void *buf, size_t len);
int e2e_read_all(int fd, void *buf, size_t len);

/* Records every baggage entry of ctx on span as attributes "baggage.<key>" (and
 * "baggage.<key>.metadata" when it has properties), so the driver can check what arrived. */
void e2e_record_baggage(otelc_span *span, const otelc_context *ctx);

/*
 * The custom TCP protocol: a request frame is
 *   "OTF1"  block_len:u16  block (the binary header block)  payload_len:u32  payload
 * (big-endian), answered with the two bytes "OK".
 */
int e2e_frame_send(int fd, const uint8_t *block, size_t block_len, const char *payload);
/* Reads one frame's header block into buf (cap bytes); payload is read and dropped. */
int e2e_frame_recv(int fd, uint8_t *buf, size_t cap, size_t *block_len);

/* gRPC unary call over h2c on fd: POST path with the metadata in md (nghttp2_nv[n], for
 * instance what otelc_nghttp2_headers collected) and a small message. 0 when the server
 * answered :status 200 and grpc-status 0. */
int e2e_grpc_call(int fd, const char *path, const void *md, size_t n);
/* Serves one gRPC call on fd: handler gets the request's headers (wrapped) and returns the
 * grpc-status to send. 0 when the exchange completed. */
int e2e_grpc_serve_one(int fd, int (*handler)(const otelc_nghttp2_headers *md, void *ud),
                       void *ud);

#endif
