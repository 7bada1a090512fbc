/* SPDX-License-Identifier: Apache-2.0 */
/* The platform's length-prefixed frames: encoding, decoding, and the binary carrier in them. */
#include "frame.h"

#include <errno.h>
#include <string.h>
#include <unistd.h>

const char *fault_name(enum fault f)
{
    return f == FAULT_ERROR ? "error" : f == FAULT_SLOW ? "slow" : "none";
}

enum fault fault_parse(const char *s)
{
    if (s && strcmp(s, "error") == 0)
        return FAULT_ERROR;
    if (s && strcmp(s, "slow") == 0)
        return FAULT_SLOW;
    return FAULT_NONE;
}

static void put_u32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)(v >> 24);
    p[1] = (uint8_t)(v >> 16);
    p[2] = (uint8_t)(v >> 8);
    p[3] = (uint8_t)v;
}

static uint32_t get_u32(const uint8_t *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

size_t frame_encode(uint8_t *buf, size_t cap, enum frame_type type, const otelc_context *ctx,
                    const void *payload, size_t payload_len)
{
    if (cap < FRAME_HEADER + 2)
        return 0;
    /* The propagators write straight into the frame, after the fixed header. */
    otelc_binary_block_writer w;
    otelc_binary_block_writer_init(&w, buf + FRAME_HEADER, cap - FRAME_HEADER);
    if (ctx) {
        otelc_carrier_setter setter = otelc_binary_block_writer_setter(&w);
        if (otelc_propagator_inject(NULL, ctx, &setter) != OTELC_OK)
            otelc_binary_block_writer_init(&w, buf + FRAME_HEADER, cap - FRAME_HEADER);
    }
    size_t len = FRAME_HEADER + w.len + payload_len;
    if (w.len > 0xffff || len > cap || len > FRAME_MAX)
        return 0;
    put_u32(buf, (uint32_t)(len - 4));
    buf[4] = (uint8_t)type;
    buf[5] = (uint8_t)(w.len >> 8);
    buf[6] = (uint8_t)w.len;
    memcpy(buf + FRAME_HEADER + w.len, payload, payload_len);
    return len;
}

long frame_length(const uint8_t *data, size_t len)
{
    if (len < 4)
        return 0;
    uint32_t n = get_u32(data);
    if (n < FRAME_HEADER - 4 || n > FRAME_MAX - 4)
        return -1;
    return (long)n + 4;
}

int frame_decode(const uint8_t *data, size_t len, struct frame *out)
{
    otelc_binary_block block;
    if (frame_length(data, len) != (long)len)
        return -1;
    size_t ctx_len = (size_t)data[5] << 8 | data[6];
    if (FRAME_HEADER + ctx_len > len)
        return -1;
    if (ctx_len > 0 && otelc_binary_block_parse(&block, data + FRAME_HEADER, ctx_len) != OTELC_OK)
        return -1;
    out->type = data[4];
    out->ctx = data + FRAME_HEADER;
    out->ctx_len = ctx_len;
    out->payload = data + FRAME_HEADER + ctx_len;
    out->payload_len = len - FRAME_HEADER - ctx_len;
    return 0;
}

otelc_context *frame_extract(const struct frame *f)
{
    otelc_binary_block block;
    otelc_context *ctx = NULL;
    if (f->ctx_len > 0 && otelc_binary_block_parse(&block, f->ctx, f->ctx_len) == OTELC_OK) {
        otelc_carrier_getter getter = otelc_binary_block_getter(&block);
        if (otelc_propagator_extract(NULL, NULL, &getter, &ctx) == OTELC_OK)
            return ctx;
    }
    return otelc_context_with_span(NULL, NULL); /* no context: the span starts a new trace */
}

size_t item_request_encode(uint8_t *buf, const struct item_request *r)
{
    put_u32(buf, r->item);
    buf[4] = (uint8_t)r->fault;
    return 5;
}

int item_request_decode(const struct frame *f, struct item_request *out)
{
    if (f->type != FRAME_REQUEST || f->payload_len != 5 || f->payload[4] > FAULT_SLOW)
        return -1;
    out->item = get_u32(f->payload);
    out->fault = (enum fault)f->payload[4];
    return 0;
}

size_t item_reply_encode(uint8_t *buf, size_t cap, const struct item_reply *r)
{
    size_t mlen = strnlen(r->message, sizeof r->message - 1);
    if (cap < 5 + mlen)
        return 0;
    buf[0] = (uint8_t)(r->ok != 0);
    put_u32(buf + 1, r->price_cents);
    memcpy(buf + 5, r->message, mlen);
    return 5 + mlen;
}

int item_reply_decode(const struct frame *f, struct item_reply *out)
{
    if (f->type != FRAME_REPLY || f->payload_len < 5)
        return -1;
    size_t mlen = f->payload_len - 5;
    if (mlen > sizeof out->message - 1)
        mlen = sizeof out->message - 1;
    out->ok = f->payload[0] != 0;
    out->price_cents = get_u32(f->payload + 1);
    memcpy(out->message, f->payload + 5, mlen);
    out->message[mlen] = '\0';
    return 0;
}

/* Reads exactly n bytes: 1, 0 at end of stream before any byte, -1 otherwise. */
static int read_full(int fd, uint8_t *p, size_t n)
{
    size_t got = 0;
    while (got < n) {
        ssize_t r = read(fd, p + got, n - got);
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0)
            return r == 0 && got == 0 ? 0 : -1;
        got += (size_t)r;
    }
    return 1;
}

int frame_read(int fd, uint8_t *buf, struct frame *out)
{
    int rc = read_full(fd, buf, 4);
    if (rc <= 0)
        return rc;
    long len = frame_length(buf, 4);
    if (len < 0 || read_full(fd, buf + 4, (size_t)len - 4) != 1)
        return -1;
    return frame_decode(buf, (size_t)len, out) == 0 ? 1 : -1;
}

int frame_write(int fd, const uint8_t *buf, size_t len)
{
    while (len > 0) {
        ssize_t w = write(fd, buf, len);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            return -1;
        buf += w;
        len -= (size_t)w;
    }
    return 0;
}
