/* SPDX-License-Identifier: Apache-2.0 */
/* Propagators chosen in code rather than from OTEL_PROPAGATORS, and baggage: set at the edge,
 * carried in the context, read further down. */
#include <otelc/otelc.h>
#include <stdio.h>
#include <string.h>

/* W3C Trace Context and Baggage, installed as the global propagator. */
static otelc_propagator *install_propagators(void)
{
    otelc_propagator *list[2], *p = NULL;
    if (otelc_propagator_tracecontext(&list[0]) != OTELC_OK)
        return NULL;
    if (otelc_propagator_baggage(&list[1]) != OTELC_OK) {
        otelc_propagator_free(list[0]);
        return NULL;
    }
    if (otelc_propagator_composite(&p, list, 2) != OTELC_OK) { /* takes list[] over */
        otelc_propagator_free(list[0]);
        otelc_propagator_free(list[1]);
        return NULL;
    }
    otelc_set_global_propagator(p); /* borrowed: keep p alive while it is installed */
    return p;
}

/* A context that carries the tenant as baggage (with an opaque property). */
static otelc_context *with_tenant(const char *tenant)
{
    otelc_baggage *b = NULL;
    if (otelc_baggage_set(&b, NULL, "tenant", tenant, "ttl=30") != OTELC_OK)
        return NULL;
    otelc_context *ctx = otelc_context_with_baggage(NULL, b); /* takes a reference */
    otelc_baggage_free(b);
    return ctx;
}

int main(void)
{
    otelc_propagator *p = install_propagators();
    otelc_context *ctx = with_tenant("acme corp");
    if (!p || !ctx)
        return 1;
    otelc_http_headers out;
    otelc_http_headers_init(&out);
    otelc_carrier_setter setter = otelc_http_headers_setter(&out);
    otelc_propagator_inject(NULL, ctx, &setter);

    otelc_carrier_getter getter = otelc_http_headers_getter(&out);
    otelc_context *received = NULL;
    otelc_propagator_extract(NULL, NULL, &getter, &received);
    const char *tenant = otelc_baggage_get(otelc_context_get_baggage(received), "tenant");
    for (size_t i = 0; i < out.count; i++)
        printf("%s: %s\n", out.items[i].name, out.items[i].value);
    printf("tenant on the other side: %s\n", tenant ? tenant : "(none)");
    int ok = tenant && strcmp(tenant, "acme corp") == 0;

    otelc_context_free(received);
    otelc_http_headers_clear(&out);
    otelc_context_free(ctx);
    otelc_set_global_propagator(NULL);
    otelc_propagator_free(p);
    return ok ? 0 : 1;
}
