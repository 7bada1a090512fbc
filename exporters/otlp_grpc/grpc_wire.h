/* SPDX-License-Identifier: Apache-2.0 */
/* The pure pieces of gRPC over HTTP/2 (PROTOCOL-HTTP2.md): status codes, grpc-timeout,
 * grpc-message percent-decoding, the status of a response without grpc-status, the 5-byte
 * message prefix, and base64 for `-bin` metadata. No I/O, and no allocation except in the
 * deframer's buffer. */
#ifndef OTELC_EXPORTERS_OTLP_GRPC_GRPC_WIRE_H
#define OTELC_EXPORTERS_OTLP_GRPC_GRPC_WIRE_H

#include <stddef.h>
#include <stdint.h>

#include "sdk/common/buf.h"

/* The gRPC status codes (statuscodes.md). */
enum otelc__grpc_code {
    OTELC__GRPC_OK = 0,
    OTELC__GRPC_CANCELLED = 1,
    OTELC__GRPC_UNKNOWN = 2,
    OTELC__GRPC_INVALID_ARGUMENT = 3,
    OTELC__GRPC_DEADLINE_EXCEEDED = 4,
    OTELC__GRPC_NOT_FOUND = 5,
    OTELC__GRPC_ALREADY_EXISTS = 6,
    OTELC__GRPC_PERMISSION_DENIED = 7,
    OTELC__GRPC_RESOURCE_EXHAUSTED = 8,
    OTELC__GRPC_FAILED_PRECONDITION = 9,
    OTELC__GRPC_ABORTED = 10,
    OTELC__GRPC_OUT_OF_RANGE = 11,
    OTELC__GRPC_UNIMPLEMENTED = 12,
    OTELC__GRPC_INTERNAL = 13,
    OTELC__GRPC_UNAVAILABLE = 14,
    OTELC__GRPC_DATA_LOSS = 15,
    OTELC__GRPC_UNAUTHENTICATED = 16,
};

/* The code's name ("UNAVAILABLE"), or "UNKNOWN_CODE" for a number outside the table. */
const char *otelc__grpc_code_name(int code);

/* Writes the grpc-timeout value for ns nanoseconds (at most 8 digits and a unit, rounded up
 * to the finest unit that fits) into out (room for 10 bytes, NUL-terminated). Returns its
 * length. */
size_t otelc__grpc_timeout_format(uint64_t ns, char out[10]);

/* Decodes the %XX escapes of a grpc-message value into out (cap bytes, NUL-terminated, cut
 * when full). An escape that is not two hex digits is kept as it is, as the gRPC protocol
 * asks; control bytes become '?', so the text is safe to log. Returns the length written. */
size_t otelc__grpc_message_decode(const char *in, size_t len, char *out, size_t cap);

/* The gRPC status a client synthesises from the HTTP status of a response that carries no
 * grpc-status (http-grpc-status-mapping.md): 400 INTERNAL, 401 UNAUTHENTICATED, 403
 * PERMISSION_DENIED, 404 UNIMPLEMENTED, 429, 502, 503 and 504 UNAVAILABLE, others UNKNOWN. */
int otelc__grpc_status_from_http(int http_status);

/* The gRPC status of a stream the server reset with this HTTP/2 error code (REFUSED_STREAM:
 * UNAVAILABLE, the request was not processed; CANCEL: CANCELLED; ENHANCE_YOUR_CALM:
 * RESOURCE_EXHAUSTED; INADEQUATE_SECURITY: PERMISSION_DENIED; others INTERNAL). */
int otelc__grpc_status_from_rst(uint32_t h2_error);

/* Parses a grpc-status value (decimal digits, no sign). 0, or -1 when malformed. */
int otelc__grpc_status_parse(const char *v, size_t len, int *code);

/* The 5-byte Length-Prefixed-Message header: the compressed flag and the big-endian length. */
void otelc__grpc_frame_prefix(uint8_t out[5], int compressed, uint32_t len);

/* Collects the messages of a response body arriving in pieces. It keeps the first message
 * (up to max bytes); more bytes than that make it fail, and later messages are counted. */
struct otelc__grpc_deframer {
    uint8_t hdr[5];
    size_t hdr_have;     /* bytes of the current prefix seen */
    uint32_t need;       /* bytes of the current message still to come */
    size_t max;          /* the largest message kept */
    int compressed;      /* the first message's flag */
    int messages;        /* complete messages seen */
    int too_large;       /* a message was larger than max */
    struct otelc__buf msg; /* the first message */
};

void otelc__grpc_deframer_init(struct otelc__grpc_deframer *d, size_t max);
void otelc__grpc_deframer_free(struct otelc__grpc_deframer *d);
/* Forgets what was collected, keeping the memory. */
void otelc__grpc_deframer_reset(struct otelc__grpc_deframer *d);
/* Feeds n body bytes. Returns OTELC_OK, OTELC_EREJECTED once a message is over max (nothing
 * more is kept), OTELC_ENOMEM. */
int otelc__grpc_deframe(struct otelc__grpc_deframer *d, const uint8_t *p, size_t n);
/* 1 when the body ended between messages (no partial prefix or message). */
int otelc__grpc_deframer_complete(const struct otelc__grpc_deframer *d);

/* Standard base64 with padding; out has room for 4 * ((n + 2) / 3) + 1 bytes (NUL added).
 * Returns the length written. */
size_t otelc__base64_encode(const uint8_t *in, size_t n, char *out);
/* Decodes standard base64, padded or not (gRPC senders may leave the padding out), into out
 * (room for 3 * (len / 4) + 3 bytes; out may equal in). 0, or -1 when malformed. */
int otelc__base64_decode(const char *in, size_t len, uint8_t *out, size_t *out_len);

#endif
