/* SPDX-License-Identifier: Apache-2.0 */
/* The W3C Baggage propagator: the `baggage` field in, and out. */
#include "baggage_internal.h"
#include "propagator_internal.h"
#include "sdk/trace/context_internal.h"

/* Repeated baggage fields join into one header; past this many the rest are ignored, which
 * bounds the work a peer can ask for (64 members fit in far fewer fields). */
#define MAX_BAGGAGE_FIELDS 64

static const char *const fields[] = {"baggage"};

static const char *const *bg_fields(void *ud, size_t *count)
{
    (void)ud;
    *count = 1;
    return fields;
}

static int bg_inject(void *ud, const otelc_context *ctx, const otelc_carrier_setter *setter)
{
    (void)ud;
    const otelc_baggage *b = otelc_context_get_baggage(ctx);
    if (!b)
        return OTELC_OK;
    char buf[OTELC__BAGGAGE_MAX_BYTES + 1];
    size_t n = otelc_baggage_to_header(b, buf, sizeof buf);
    return n ? otelc__carrier_set(setter, "baggage", buf, n) : OTELC_OK;
}

static int bg_extract(void *ud, const otelc_context *base, const otelc_carrier_getter *g,
                      otelc_context **out)
{
    (void)ud;
    const char *parts[MAX_BAGGAGE_FIELDS];
    size_t lens[MAX_BAGGAGE_FIELDS];
    size_t n = 0;
    while (n < MAX_BAGGAGE_FIELDS && otelc__carrier_get(g, "baggage", n, &parts[n], &lens[n]))
        n++;
    otelc_baggage *b = NULL;
    int rc = otelc__baggage_from_parts(&b, parts, lens, n);
    if (rc != OTELC_OK)
        return rc;
    if (!b) {
        *out = otelc_context_ref(base);
        return OTELC_OK;
    }
    otelc_context *c = otelc_context_with_baggage(base, b);
    otelc_baggage_free(b);
    if (!c)
        return OTELC_ENOMEM;
    *out = c;
    return OTELC_OK;
}

static const otelc_propagator_methods bg_methods = {
    .version = OTELC_PROPAGATOR_METHODS_VERSION,
    .inject = bg_inject,
    .extract = bg_extract,
    .fields = bg_fields,
};

OTELC_API int otelc_propagator_baggage(otelc_propagator **out)
{
    return otelc_propagator_new(out, &bg_methods, NULL);
}
