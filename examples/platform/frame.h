/* SPDX-License-Identifier: Apache-2.0 */
/* The platform's wire protocol between the gateway and the workers: length-prefixed TCP frames
 * that carry the trace context in otelc's binary header block. */
#ifndef OTELC_PLATFORM_FRAME_H
#define OTELC_PLATFORM_FRAME_H

#include <otelc/otelc.h>
#include <stddef.h>
#include <stdint.h>

/*
 * frame   = length:u32  type:u8  ctx_len:u16  ctx:ctx_len bytes  payload
 *
 * Integers are big-endian; length counts the bytes after itself. ctx is a binary header block
 * (include/otelc/carriers.h) holding what the propagators inject: traceparent, tracestate,
 * baggage. A request's payload is item:u32 fault:u8; a reply's is ok:u8 price_cents:u32 and a
 * message (UTF-8, the rest of the frame).
 */
#define FRAME_MAX 8192u
#define FRAME_HEADER 7u

enum frame_type { FRAME_REQUEST = 1, FRAME_REPLY = 2 };

/* What the driver asks the platform to do wrong, for the demo. */
enum fault { FAULT_NONE = 0, FAULT_ERROR = 1, FAULT_SLOW = 2 };

struct frame {
    uint8_t type;
    const uint8_t *ctx; /* the binary block, borrowed from the frame's bytes */
    size_t ctx_len;
    const uint8_t *payload;
    size_t payload_len;
};

struct item_request {
    uint32_t item;
    enum fault fault;
};

struct item_reply {
    int ok;
    uint32_t price_cents;
    char message[160];
};

/* "none", "error", "slow". */
const char *fault_name(enum fault f);
/* The fault named by s (NULL or unknown: FAULT_NONE). */
enum fault fault_parse(const char *s);

/* Writes a frame of type carrying ctx (NULL: no context) and payload into buf; returns its
 * length, or 0 when it does not fit. */
size_t frame_encode(uint8_t *buf, size_t cap, enum frame_type type, const otelc_context *ctx,
                    const void *payload, size_t payload_len);
/* The whole frame's length once its length field is in data[0..len): 0 while fewer than 4
 * bytes are there, -1 when the length is out of range. */
long frame_length(const uint8_t *data, size_t len);
/* Splits the whole frame data[0..len) into out (borrowing from data). 0, or -1 when malformed
 * (a block that does not parse counts as malformed). */
int frame_decode(const uint8_t *data, size_t len, struct frame *out);
/* The context a frame carries: a new reference, the empty context when it carries none. */
otelc_context *frame_extract(const struct frame *f);

/* Payloads. The encoders return the number of bytes written into buf (cap >= 5 + message). */
size_t item_request_encode(uint8_t *buf, const struct item_request *r);
int item_request_decode(const struct frame *f, struct item_request *out);
size_t item_reply_encode(uint8_t *buf, size_t cap, const struct item_reply *r);
int item_reply_decode(const struct frame *f, struct item_reply *out);

/* Blocking I/O on a socket, for the workers: reads one whole frame into buf (FRAME_MAX bytes)
 * and decodes it. 1: a frame, 0: the peer closed between frames, -1: an error or a malformed
 * frame. */
int frame_read(int fd, uint8_t *buf, struct frame *out);
/* Writes all of buf[0..len). 0, or -1. */
int frame_write(int fd, const uint8_t *buf, size_t len);

#endif
