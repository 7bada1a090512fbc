/* SPDX-License-Identifier: Apache-2.0 */
/* Helpers for the propagation tests: header lists from string pairs, lookups in what an inject
 * wrote, and extracting through a propagator in one call. Include after testutil.h. */
#ifndef OTELC_TESTS_PROPUTIL_H
#define OTELC_TESTS_PROPUTIL_H

#include <string.h>

#include "sdk/trace/span_internal.h"

#define PU_MAX_HEADERS 80

/* A read-only header list built from name/value string pairs (NULL-terminated list). */
struct pu_headers {
    otelc_http_header items[PU_MAX_HEADERS];
    otelc_http_headers list;
    otelc_carrier_getter getter;
};

static inline otelc_carrier_getter *pu_wrap(struct pu_headers *h, const char *const *pairs)
{
    size_t n = 0;
    for (; pairs[2 * n]; n++) {
        h->items[n].name = pairs[2 * n];
        h->items[n].name_len = strlen(pairs[2 * n]);
        h->items[n].value = pairs[2 * n + 1];
        h->items[n].value_len = strlen(pairs[2 * n + 1]);
    }
    otelc_http_headers_wrap(&h->list, h->items, n);
    h->getter = otelc_http_headers_getter(&h->list);
    return &h->getter;
}

/* Extracts pairs with p on the empty context; asserts success. */
static inline otelc_context *pu_extract(const otelc_propagator *p, const char *const *pairs)
{
    struct pu_headers h;
    otelc_context *out = NULL;
    assert_int_equal(otelc_propagator_extract(p, NULL, pu_wrap(&h, pairs), &out), OTELC_OK);
    assert_non_null(out);
    return out;
}

/* The value of name in an owning list (NUL-terminated there), or NULL. */
static inline const char *pu_get(const otelc_http_headers *h, const char *name)
{
    for (size_t i = 0; i < h->count; i++)
        if (strcmp(h->items[i].name, name) == 0)
            return h->items[i].value;
    return NULL;
}

/* Injects ctx with p into the owning list out (initialised here); asserts success. */
static inline void pu_inject(const otelc_propagator *p, const otelc_context *ctx,
                             otelc_http_headers *out)
{
    otelc_http_headers_init(out);
    otelc_carrier_setter s = otelc_http_headers_setter(out);
    assert_int_equal(otelc_propagator_inject(p, ctx, &s), OTELC_OK);
}

/* A context holding a remote span for the traceparent tp (asserted valid). */
static inline otelc_context *pu_remote_ctx(const char *tp)
{
    otelc_span_context sc;
    assert_int_equal(otelc_traceparent_parse(tp, strlen(tp), &sc), OTELC_OK);
    otelc_span *s = otelc__span_new_remote(&sc);
    assert_non_null(s);
    otelc_context *c = otelc_context_with_span(NULL, s);
    otelc_span_release(s);
    assert_non_null(c);
    return c;
}

#endif
