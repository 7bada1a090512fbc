/* SPDX-License-Identifier: Apache-2.0 */
/* Propagation over HTTP with any HTTP library: the client injects into a header list it then
 * sends; the server wraps the headers it received and extracts. (The interop service in
 * ../propagation-service shows the same with libevent and libcurl.) */
#include <otelc/otelc.h>
#include <stdio.h>
#include <string.h>

/* Client side: the headers to add to an outgoing request, for the span `call`. */
static void client_inject(otelc_span *call, otelc_http_headers *out)
{
    otelc_context *cur = otelc_context_current(); /* keeps the current baggage */
    otelc_context *ctx = otelc_context_with_span(cur, call);
    otelc_context_free(cur);
    otelc_http_headers_init(out);
    otelc_carrier_setter setter = otelc_http_headers_setter(out);
    otelc_propagator_inject(NULL, ctx, &setter); /* NULL: the global propagator */
    otelc_context_free(ctx);
    /* Send out->items[0 .. out->count) with the request, then otelc_http_headers_clear(out). */
}

/* Server side: a server span that continues the trace the request carries. */
static otelc_span *server_extract(otelc_tracer *tracer, const otelc_http_header *received,
                                  size_t n)
{
    otelc_http_headers in;
    otelc_http_headers_wrap(&in, received, n); /* no copy: names match case-insensitively */
    otelc_carrier_getter getter = otelc_http_headers_getter(&in);
    otelc_context *parent = NULL;
    otelc_propagator_extract(NULL, NULL, &getter, &parent);
    otelc_span_options o;
    otelc_span_options_init(&o);
    o.parent = parent;
    o.kind = OTELC_SPAN_KIND_SERVER;
    otelc_span *span = otelc_span_start(tracer, "GET /items", &o);
    otelc_context_free(parent);
    return span;
}

int main(void)
{
    otelc_sdk *sdk;
    if (otelc_sdk_init_from_env(&sdk) != OTELC_OK)
        return 1;
    otelc_tracer *tracer = otelc_sdk_get_tracer(sdk, "example.http", "1.0");

    otelc_span_options o;
    otelc_span_options_init(&o);
    o.kind = OTELC_SPAN_KIND_CLIENT;
    otelc_span *call = otelc_span_start(tracer, "GET", &o);
    otelc_http_headers out;
    client_inject(call, &out);

    /* What the server's HTTP library hands over: the same pairs, in any letter case. */
    otelc_http_header received[8];
    size_t n = 0;
    for (; n < out.count && n < 8; n++)
        received[n] = out.items[n];
    otelc_span *server = server_extract(tracer, received, n);

    otelc_span_context c = otelc_span_get_context(call), s = otelc_span_get_context(server);
    int same_trace = memcmp(c.trace_id, s.trace_id, 16) == 0;
    for (size_t i = 0; i < out.count; i++)
        printf("%s: %s\n", out.items[i].name, out.items[i].value);
    printf("server span in the same trace: %s\n", same_trace ? "yes" : "no");

    otelc_span_end(server);
    otelc_http_headers_clear(&out);
    otelc_span_end(call);
    otelc_sdk_shutdown(sdk, 5000);
    otelc_sdk_free(sdk);
    return same_trace ? 0 : 1;
}
