/* SPDX-License-Identifier: Apache-2.0 */
/* Propagation in gRPC metadata over nghttp2: the client injects into an nghttp2_nv list that
 * goes to nghttp2_submit_request() after gRPC's own headers; the server wraps the pairs it
 * collected in on_header_callback and extracts. (tests/e2e runs this over a real h2c
 * connection.) */
#include <nghttp2/nghttp2.h>
#include <otelc/otelc.h>
#include <stdio.h>
#include <string.h>

#define NV(n, v) {(uint8_t *)(n), (uint8_t *)(v), sizeof(n) - 1, sizeof(v) - 1, 0}

/* Client side: the full header list of a unary call, gRPC's headers then the context. */
static size_t client_headers(const otelc_context *ctx, otelc_nghttp2_headers *md,
                             nghttp2_nv *nva, size_t max)
{
    const nghttp2_nv base[] = {
        NV(":method", "POST"), NV(":scheme", "http"), NV(":path", "/pkg.Service/Method"),
        NV(":authority", "backend:50051"), NV("content-type", "application/grpc"),
        NV("te", "trailers"),
    };
    size_t n = sizeof base / sizeof base[0];
    memcpy(nva, base, sizeof base);
    otelc_nghttp2_headers_init(md);
    otelc_carrier_setter setter = otelc_nghttp2_headers_setter(md);
    otelc_propagator_inject(NULL, ctx, &setter);
    const nghttp2_nv *extra = md->nva;
    for (size_t i = 0; i < md->nvlen && n < max; i++)
        nva[n++] = extra[i];
    return n; /* nghttp2_submit_request(session, NULL, nva, n, &data, NULL); then clear md */
}

/* Server side: the parent context of the call, from the pairs the request arrived with. */
static otelc_context *server_parent(const nghttp2_nv *received, size_t n)
{
    otelc_nghttp2_headers md;
    otelc_nghttp2_headers_wrap(&md, received, n);
    otelc_carrier_getter getter = otelc_nghttp2_headers_getter(&md);
    otelc_context *parent = NULL;
    otelc_propagator_extract(NULL, NULL, &getter, &parent);
    return parent;
}

int main(void)
{
    otelc_sdk *sdk;
    if (otelc_sdk_init_from_env(&sdk) != OTELC_OK)
        return 1;
    otelc_tracer *tracer = otelc_sdk_get_tracer(sdk, "example.grpc", "1.0");
    otelc_span_options o;
    otelc_span_options_init(&o);
    o.kind = OTELC_SPAN_KIND_CLIENT;
    otelc_span *call = otelc_span_start(tracer, "pkg.Service/Method", &o);
    otelc_context *ctx = otelc_context_with_span(NULL, call);

    otelc_nghttp2_headers md;
    nghttp2_nv nva[16];
    size_t n = client_headers(ctx, &md, nva, 16);
    otelc_context *parent = server_parent(nva, n);

    otelc_span_context sent = otelc_span_get_context(call);
    otelc_span_context got = otelc_span_get_context(otelc_context_get_span(parent));
    int ok = memcmp(sent.span_id, got.span_id, 8) == 0 && got.is_remote;
    for (size_t i = 0; i < n; i++)
        printf("%.*s: %.*s\n", (int)nva[i].namelen, nva[i].name, (int)nva[i].valuelen,
               nva[i].value);
    printf("server sees the client span as its remote parent: %s\n", ok ? "yes" : "no");

    otelc_context_free(parent);
    otelc_nghttp2_headers_clear(&md);
    otelc_context_free(ctx);
    otelc_span_end(call);
    otelc_sdk_shutdown(sdk, 5000);
    otelc_sdk_free(sdk);
    return ok ? 0 : 1;
}
