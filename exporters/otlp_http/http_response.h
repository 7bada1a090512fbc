/* SPDX-License-Identifier: Apache-2.0 */
/* Decoding what an OTLP/HTTP receiver answers: the partial success of a 2xx body (protobuf or
 * JSON), the google.rpc.Status message of an error body, and the Retry-After header. Pure
 * functions over caller buffers, so the fuzzer can drive them without a connection. */
#ifndef OTELC_EXPORTERS_OTLP_HTTP_HTTP_RESPONSE_H
#define OTELC_EXPORTERS_OTLP_HTTP_HTTP_RESPONSE_H

#include <protobuf-c/protobuf-c.h>
#include <stddef.h>
#include <stdint.h>

/* Messages from the receiver are kept (and logged) up to this many bytes. */
#define OTELC__HTTP_MESSAGE_MAX 200

/* Reads the partial success of a 2xx body of len bytes: an Export<Signal>ServiceResponse in
 * protobuf (decoded with the signal's descriptor @p response) or, when the body starts with
 * `{`, in OTLP/JSON (the count under @p json_rejected, the message under "errorMessage").
 * Fills *rejected (0 when absent) and msg (at most OTELC__HTTP_MESSAGE_MAX bytes of the
 * message, control bytes replaced by '?', NUL-terminated; cap >= 1). Returns 1 when the body
 * held a rejected count or a message, else 0 (empty, garbage or a plain success). */
int otelc__http_partial_success(const ProtobufCMessageDescriptor *response,
                                const char *json_rejected, const char *body, size_t len,
                                uint64_t *rejected, char *msg, size_t cap);

/* The message of a google.rpc.Status error body (protobuf, or JSON's "message") in msg, as
 * otelc__http_partial_success() writes it; "" for none or garbage. */
void otelc__http_status_message(const char *body, size_t len, char *msg, size_t cap);

/* When the header line of n bytes at @p line (as libcurl gives it, with its CRLF) is a
 * Retry-After, copies its value (without the line end) to out and returns its length; returns
 * 0 for any other header, or a value that does not fit in cap bytes. out is not
 * NUL-terminated. */
size_t otelc__http_retry_after_header(const char *line, size_t n, char *out, size_t cap);

#endif
