/* SPDX-License-Identifier: Apache-2.0 */
/* One client HTTP/2 connection's protocol state on nghttp2, without I/O: the caller moves
 * bytes between it and the socket (otelc__grpc_session_send / _recv). It carries one gRPC
 * unary call at a time and turns what the server answered (headers, body, trailers, resets,
 * GOAWAY) into a gRPC status, as a gRPC client does. */
#ifndef OTELC_EXPORTERS_OTLP_GRPC_GRPC_SESSION_H
#define OTELC_EXPORTERS_OTLP_GRPC_GRPC_SESSION_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include <nghttp2/nghttp2.h>

#include "exporters/otlp_grpc/grpc_wire.h"
#include "sdk/common/buf.h"
#include "sdk/common/log_internal.h"

/* Bytes of grpc-message (decoded) kept in a result. */
#define OTELC__GRPC_MESSAGE_MAX 256
/* The most header bytes (names, values and 32 per field, as HTTP/2 counts) a response may
 * carry, headers and trailers together; it is also advertised in SETTINGS. */
#define OTELC__GRPC_MAX_HEADER_LIST (64u * 1024u)

/* The outcome of one unary call. */
struct otelc__grpc_result {
    int status;                             /* enum otelc__grpc_code */
    char message[OTELC__GRPC_MESSAGE_MAX];  /* grpc-message decoded, or the client's own words */
    struct otelc__buf details;              /* grpc-status-details-bin, decoded */
    struct otelc__buf response;             /* the response message (bounded) */
    int response_compressed;                /* the message had the compressed flag */
    int from_server;                        /* 1: the server sent this status */
};

void otelc__grpc_result_init(struct otelc__grpc_result *r);
void otelc__grpc_result_free(struct otelc__grpc_result *r);
/* Sets a status the client decided itself (printf-style message). */
void otelc__grpc_result_set(struct otelc__grpc_result *r, int status, const char *fmt, ...)
    OTELC__PRINTF(3, 4);

struct otelc__grpc_session;

/* A client session; its memory comes from otelc__malloc. max_message bounds the response
 * message. Returns OTELC_OK or OTELC_ENOMEM. */
int otelc__grpc_session_new(struct otelc__grpc_session **out, size_t max_message);
void otelc__grpc_session_free(struct otelc__grpc_session *s);

/* Starts a unary call: HEADERS from nva (borrowed for the call: they are copied) and one
 * Length-Prefixed-Message of body (borrowed until the call finishes), with the compressed
 * flag as given. One call at a time. Returns OTELC_OK, OTELC_ENOMEM, or OTELC_ETRANSPORT
 * when the session cannot start a stream (GOAWAY received, ids exhausted, a call under
 * way). */
int otelc__grpc_session_submit(struct otelc__grpc_session *s, const nghttp2_nv *nva, size_t n,
                               const uint8_t *body, size_t len, int compressed);

/* Feeds bytes read from the server. Returns OTELC_OK, or OTELC_ETRANSPORT when the server
 * broke the protocol (the session then writes its GOAWAY and must be closed after). */
int otelc__grpc_session_recv(struct otelc__grpc_session *s, const uint8_t *p, size_t n);

/* The next bytes to write to the server (valid until the next call on s): their length, 0
 * when nothing is pending, or -1 on a fatal error. */
ssize_t otelc__grpc_session_send(struct otelc__grpc_session *s, const uint8_t **data);

/* 1 when the session has bytes to write or wants to read. */
int otelc__grpc_session_want_write(const struct otelc__grpc_session *s);
int otelc__grpc_session_want_read(const struct otelc__grpc_session *s);

/* 1 when the current call's stream is closed (the answer is complete). */
int otelc__grpc_session_call_done(const struct otelc__grpc_session *s);

/* Cancels the current call (RST_STREAM CANCEL is queued). */
void otelc__grpc_session_cancel(struct otelc__grpc_session *s);

/* Ends the current call and fills r. When the stream closed, the status is what the server
 * said, or what a gRPC client synthesises (HTTP status, reset, missing grpc-status, a message
 * too large or cut short); when it did not, it is local_status with local_message (the
 * client's reason: deadline, lost connection). A call refused by GOAWAY is UNAVAILABLE.
 * Returns OTELC_OK or OTELC_ENOMEM (r is still set). */
int otelc__grpc_session_finish(struct otelc__grpc_session *s, int local_status,
                               const char *local_message, struct otelc__grpc_result *r);

/* 1 while another call can start on this session: no GOAWAY, no protocol error, stream ids
 * left. */
int otelc__grpc_session_reusable(const struct otelc__grpc_session *s);

#endif
