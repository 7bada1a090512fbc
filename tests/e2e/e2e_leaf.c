/* SPDX-License-Identifier: Apache-2.0 */
/* End-to-end test, third process: serves one gRPC call (context in the metadata, nghttp2
 * adapter) and one call over the custom TCP framing (context in a binary header block),
 * records the baggage that arrived on its server spans, then exits.
 *   e2e_leaf PORT_FILE      (writes "GRPC_PORT TCP_PORT") */
#include <poll.h>
#include <stdio.h>
#include <sys/socket.h>
#include <unistd.h>

#include "e2e_common.h"

static struct e2e_sdk sdk;

/* A server span under what the carrier holds, recording the baggage that came with it. */
static void serve(const otelc_carrier_getter *getter, const char *name)
{
    otelc_context *parent = NULL;
    if (otelc_propagator_extract(NULL, NULL, getter, &parent) != OTELC_OK)
        e2e_die("extract failed");
    otelc_span_options o;
    otelc_span_options_init(&o);
    o.parent = parent;
    o.kind = OTELC_SPAN_KIND_SERVER;
    otelc_span *s = otelc_span_start(sdk.tracer, name, &o);
    e2e_record_baggage(s, parent);
    otelc_span_end(s);
    otelc_context_free(parent);
}

static int on_grpc(const otelc_nghttp2_headers *md, void *ud)
{
    (void)ud;
    otelc_carrier_getter g = otelc_nghttp2_headers_getter(md);
    serve(&g, "e2e.leaf.grpc");
    return 0;
}

static int on_tcp(int fd)
{
    uint8_t buf[10000];
    size_t len;
    otelc_binary_block block;
    if (e2e_frame_recv(fd, buf, sizeof buf, &len) != 0 ||
        otelc_binary_block_parse(&block, buf, len) != OTELC_OK)
        return -1;
    otelc_carrier_getter g = otelc_binary_block_getter(&block);
    serve(&g, "e2e.leaf.tcp");
    return 0;
}

int main(int argc, char **argv)
{
    if (argc != 2)
        e2e_die("usage: e2e_leaf PORT_FILE");
    if (e2e_sdk_init(&sdk, "e2e.leaf"))
        e2e_die("cannot initialise the SDK");
    uint16_t grpc_port, tcp_port;
    struct pollfd p[2] = {{e2e_listen(&grpc_port), POLLIN, 0}, {e2e_listen(&tcp_port), POLLIN, 0}};
    if (p[0].fd < 0 || p[1].fd < 0)
        e2e_die("cannot listen");
    FILE *f = fopen(argv[1], "w");
    if (!f || fprintf(f, "%u %u\n", grpc_port, tcp_port) < 0 || fclose(f) != 0)
        e2e_die("cannot write the port file");
    int done[2] = {0, 0}, failures = 0;
    while (!done[0] || !done[1]) {
        if (poll(p, 2, 30000) <= 0)
            e2e_die("timed out waiting for the middle service");
        for (int i = 0; i < 2; i++) {
            if (!(p[i].revents & POLLIN) || done[i])
                continue;
            int c = accept(p[i].fd, NULL, NULL);
            if (c < 0)
                e2e_die("accept failed");
            int rc = i == 0 ? e2e_grpc_serve_one(c, on_grpc, NULL) : on_tcp(c);
            failures += rc != 0;
            done[i] = 1;
            close(c);
        }
    }
    close(p[0].fd);
    close(p[1].fd);
    e2e_sdk_done(&sdk);
    return failures ? 1 : 0;
}
