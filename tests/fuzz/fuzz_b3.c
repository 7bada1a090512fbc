/* SPDX-License-Identifier: Apache-2.0 */
/* Fuzz target: B3 in both forms. The input is read as the single header value, and also as
 * "name:value" lines given to the B3 propagator as headers. Whatever it extracts must inject
 * and extract again to the same span context. */
#include <string.h>

#include "fuzz.h"
#include "otelc/otelc.h"
#include "propagators/propagator_internal.h"

#define MAX_LINES 16

static void round_trip(const otelc_propagator *p, otelc_carrier_getter *g)
{
    otelc_context *ctx = NULL;
    FUZZ_CHECK(otelc_propagator_extract(p, NULL, g, &ctx) == OTELC_OK);
    otelc_span_context sc = otelc_span_get_context(otelc_context_get_span(ctx));
    if (otelc_span_context_is_valid(&sc)) {
        otelc_http_headers out;
        otelc_http_headers_init(&out);
        otelc_carrier_setter s = otelc_http_headers_setter(&out);
        FUZZ_CHECK(otelc_propagator_inject(p, ctx, &s) == OTELC_OK);
        otelc_carrier_getter g2 = otelc_http_headers_getter(&out);
        otelc_context *again = NULL;
        FUZZ_CHECK(otelc_propagator_extract(p, NULL, &g2, &again) == OTELC_OK);
        otelc_span_context sc2 = otelc_span_get_context(otelc_context_get_span(again));
        FUZZ_CHECK(memcmp(sc.trace_id, sc2.trace_id, 16) == 0);
        FUZZ_CHECK(memcmp(sc.span_id, sc2.span_id, 8) == 0);
        FUZZ_CHECK(sc.trace_flags == sc2.trace_flags);
        otelc_context_free(again);
        otelc_http_headers_clear(&out);
    }
    otelc_context_free(ctx);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static otelc_propagator *single, *multi;
    if (!single && (otelc_propagator_b3(&single) != OTELC_OK ||
                    otelc_propagator_b3multi(&multi) != OTELC_OK))
        abort();
    otelc_span_context sc;
    int debug = 0;
    if (otelc__b3_parse_single((const char *)data, size, &sc, &debug) == 0)
        FUZZ_CHECK(otelc_span_context_is_valid(&sc));

    otelc_http_header items[MAX_LINES];
    size_t n = 0;
    const char *p = (const char *)data, *end = p + size;
    while (n < MAX_LINES && p < end) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        const char *e = nl ? nl : end;
        const char *colon = memchr(p, ':', (size_t)(e - p));
        if (colon) {
            items[n].name = p;
            items[n].name_len = (size_t)(colon - p);
            items[n].value = colon + 1;
            items[n].value_len = (size_t)(e - colon - 1);
            n++;
        }
        p = e + (nl ? 1 : 0);
    }
    otelc_http_headers in;
    otelc_http_headers_wrap(&in, items, n);
    otelc_carrier_getter g = otelc_http_headers_getter(&in);
    round_trip(single, &g);
    round_trip(multi, &g);
    return 0;
}
