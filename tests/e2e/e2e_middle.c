/* SPDX-License-Identifier: Apache-2.0 */
/* End-to-end test, second process: an HTTP server (evhttp) that extracts the client's
 * context, then calls the leaf twice as children of its server span: over gRPC with the
 * context in the metadata (nghttp2 adapter), and over the custom TCP framing with the
 * context in a binary header block. Serves one request, then exits.
 *   e2e_middle PORT_FILE LEAF_GRPC_PORT LEAF_TCP_PORT */
#include <event2/buffer.h>
#include <event2/event.h>
#include <event2/http.h>
#include <event2/keyvalq_struct.h>
#include <event2/util.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "e2e_common.h"
#include "evhttp_headers.h"

static struct e2e_sdk sdk;
static uint16_t leaf_grpc, leaf_tcp;
static int failures;

/* A client span under parent, and the context that carries it (with parent's baggage). */
static otelc_span *client_span(const otelc_context *parent, const char *name,
                               otelc_context **ctx)
{
    otelc_span_options o;
    otelc_span_options_init(&o);
    o.parent = parent;
    o.kind = OTELC_SPAN_KIND_CLIENT;
    otelc_span *s = otelc_span_start(sdk.tracer, name, &o);
    *ctx = otelc_context_with_span(parent, s);
    return s;
}

static void call_grpc(const otelc_context *parent)
{
    otelc_context *ctx;
    otelc_span *s = client_span(parent, "e2e.middle.grpc", &ctx);
    otelc_nghttp2_headers md;
    otelc_nghttp2_headers_init(&md);
    otelc_carrier_setter setter = otelc_nghttp2_headers_setter(&md);
    int fd = e2e_connect(leaf_grpc);
    if (otelc_propagator_inject(NULL, ctx, &setter) != OTELC_OK || fd < 0 ||
        e2e_grpc_call(fd, "/e2e.Leaf/Call", md.nva, md.nvlen) != 0) {
        otelc_span_set_status(s, OTELC_STATUS_ERROR, "gRPC call failed");
        fprintf(stderr, "e2e: the gRPC call to the leaf failed\n");
        failures++;
    }
    if (fd >= 0)
        close(fd);
    otelc_nghttp2_headers_clear(&md);
    otelc_context_free(ctx);
    otelc_span_end(s);
}

static void call_tcp(const otelc_context *parent)
{
    otelc_context *ctx;
    otelc_span *s = client_span(parent, "e2e.middle.tcp", &ctx);
    uint8_t block[10000];
    otelc_binary_block_writer w;
    otelc_binary_block_writer_init(&w, block, sizeof block);
    otelc_carrier_setter setter = otelc_binary_block_writer_setter(&w);
    int fd = e2e_connect(leaf_tcp);
    if (otelc_propagator_inject(NULL, ctx, &setter) != OTELC_OK || fd < 0 ||
        e2e_frame_send(fd, block, w.len, "payload") != 0) {
        otelc_span_set_status(s, OTELC_STATUS_ERROR, "TCP call failed");
        fprintf(stderr, "e2e: the TCP call to the leaf failed\n");
        failures++;
    }
    if (fd >= 0)
        close(fd);
    otelc_context_free(ctx);
    otelc_span_end(s);
}

static void stop(struct evhttp_request *req, void *base)
{
    (void)req;
    event_base_loopexit(base, NULL);
}

static void on_request(struct evhttp_request *req, void *arg)
{
    otelc_http_header items[64];
    otelc_http_headers headers;
    otelc_carrier_getter getter = evhttp_headers_getter(req, items, 64, &headers);
    otelc_context *parent = NULL;
    if (otelc_propagator_extract(NULL, NULL, &getter, &parent) != OTELC_OK)
        e2e_die("extract failed");

    otelc_span_options o;
    otelc_span_options_init(&o);
    o.parent = parent;
    o.kind = OTELC_SPAN_KIND_SERVER;
    otelc_span *server = otelc_span_start(sdk.tracer, "e2e.middle.handle", &o);
    e2e_record_baggage(server, parent);
    otelc_context *ctx = otelc_context_with_span(parent, server);
    call_grpc(ctx);
    call_tcp(ctx);
    otelc_context_free(ctx);
    otelc_context_free(parent);
    otelc_span_end(server);
    /* Stop once the reply is written, not before: it would be lost with the connection. */
    evhttp_request_set_on_complete_cb(req, stop, arg);
    evhttp_send_reply(req, failures ? 502 : 200, failures ? "leaf failed" : "OK", NULL);
}

int main(int argc, char **argv)
{
    if (argc != 4)
        e2e_die("usage: e2e_middle PORT_FILE LEAF_GRPC_PORT LEAF_TCP_PORT");
    leaf_grpc = (uint16_t)strtoul(argv[2], NULL, 10);
    leaf_tcp = (uint16_t)strtoul(argv[3], NULL, 10);
    if (e2e_sdk_init(&sdk, "e2e.middle"))
        e2e_die("cannot initialise the SDK");
    uint16_t port;
    int fd = e2e_listen(&port);
    struct event_base *base = event_base_new();
    struct evhttp *http = base ? evhttp_new(base) : NULL;
    /* evhttp accepts until EAGAIN, so its listening socket must not block. */
    if (fd < 0 || !http || evutil_make_socket_nonblocking(fd) != 0 ||
        !evhttp_accept_socket_with_handle(http, fd))
        e2e_die("cannot listen");
    evhttp_set_gencb(http, on_request, base);
    FILE *f = fopen(argv[1], "w");
    if (!f || fprintf(f, "%u\n", port) < 0 || fclose(f) != 0)
        e2e_die("cannot write the port file");
    event_base_dispatch(base);
    evhttp_free(http);
    event_base_free(base);
    e2e_sdk_done(&sdk);
    return failures ? 1 : 0;
}
