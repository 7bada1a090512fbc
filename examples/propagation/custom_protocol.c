/* SPDX-License-Identifier: Apache-2.0 */
/* Propagation over a custom TCP protocol: the sender puts a binary header block in its frame;
 * the receiver parses the block and extracts. The frame here is
 *   type:u8  block_len:u16  block  payload
 * and stands for whatever framing the protocol already has. */
#include <otelc/otelc.h>
#include <stdio.h>
#include <string.h>

/* Sender: writes a frame carrying the context of ctx into buf; returns its length or 0. */
static size_t write_frame(const otelc_context *ctx, const char *payload, uint8_t *buf,
                          size_t cap)
{
    otelc_binary_block_writer w;
    otelc_binary_block_writer_init(&w, buf + 3, cap - 3); /* room after type and length */
    otelc_carrier_setter setter = otelc_binary_block_writer_setter(&w);
    size_t plen = strlen(payload);
    if (otelc_propagator_inject(NULL, ctx, &setter) != OTELC_OK || w.len > 0xffff ||
        3 + w.len + plen > cap)
        return 0; /* no room: send the frame without context, or grow the buffer */
    buf[0] = 0x01;
    buf[1] = (uint8_t)(w.len >> 8);
    buf[2] = (uint8_t)w.len;
    memcpy(buf + 3 + w.len, payload, plen);
    return 3 + w.len + plen;
}

/* Receiver: the parent context carried by a frame (the empty context when it carries none). */
static otelc_context *read_frame(const uint8_t *frame, size_t len)
{
    otelc_context *parent = NULL;
    otelc_binary_block block;
    size_t block_len = len >= 3 ? (size_t)frame[1] << 8 | frame[2] : 0;
    if (len < 3 + block_len || otelc_binary_block_parse(&block, frame + 3, block_len) != OTELC_OK)
        return otelc_context_with_span(NULL, NULL);
    otelc_carrier_getter getter = otelc_binary_block_getter(&block);
    otelc_propagator_extract(NULL, NULL, &getter, &parent);
    return parent;
}

int main(void)
{
    otelc_sdk *sdk;
    if (otelc_sdk_init_from_env(&sdk) != OTELC_OK)
        return 1;
    otelc_tracer *tracer = otelc_sdk_get_tracer(sdk, "example.protocol", "1.0");
    otelc_span_options o;
    otelc_span_options_init(&o);
    o.kind = OTELC_SPAN_KIND_PRODUCER;
    otelc_span *send = otelc_span_start(tracer, "queue.publish", &o);
    otelc_context *ctx = otelc_context_with_span(NULL, send);

    uint8_t frame[1024];
    size_t len = write_frame(ctx, "hello", frame, sizeof frame);
    otelc_context *parent = read_frame(frame, len);

    otelc_span_options_init(&o);
    o.parent = parent;
    o.kind = OTELC_SPAN_KIND_CONSUMER;
    otelc_span *recv = otelc_span_start(tracer, "queue.process", &o);
    uint8_t parent_id[8];
    otelc_span_context sc = otelc_span_get_context(send);
    int ok = otelc_span_get_parent_id(recv, parent_id) && memcmp(parent_id, sc.span_id, 8) == 0;
    printf("frame of %zu bytes; consumer span is a child of the producer span: %s\n", len,
           ok ? "yes" : "no");

    otelc_span_end(recv);
    otelc_context_free(parent);
    otelc_context_free(ctx);
    otelc_span_end(send);
    otelc_sdk_shutdown(sdk, 5000);
    otelc_sdk_free(sdk);
    return ok ? 0 : 1;
}
