/* SPDX-License-Identifier: Apache-2.0 */
/* The HTTP header array carrier: case-insensitive lookup, owned copies for injection. */
#include <string.h>

#include "otelc/carriers.h"
#include "propagator_internal.h"
#include "sdk/common/alloc.h"

OTELC_API void otelc_http_headers_wrap(otelc_http_headers *h, const otelc_http_header *items,
                                       size_t count)
{
    if (!h)
        return;
    /* The view is never written through: setters refuse wrapped lists. */
    h->items = (otelc_http_header *)items;
    h->count = items ? count : 0;
    h->cap_ = 0;
    h->owned_ = 0;
}

OTELC_API void otelc_http_headers_init(otelc_http_headers *h)
{
    if (!h)
        return;
    h->items = NULL;
    h->count = 0;
    h->cap_ = 0;
    h->owned_ = 1;
}

OTELC_API void otelc_http_headers_clear(otelc_http_headers *h)
{
    if (!h)
        return;
    if (h->owned_) {
        /* Each owned header's name and value share the one block its name points at. */
        for (size_t i = 0; i < h->count; i++)
            otelc__free((char *)h->items[i].name);
        otelc__free(h->items);
        h->items = NULL;
        h->cap_ = 0;
    }
    h->count = 0;
}

static int http_get(void *ud, const char *name, size_t index, const char **value, size_t *len)
{
    const otelc_http_headers *h = ud;
    for (size_t i = 0; i < h->count; i++) {
        const otelc_http_header *it = &h->items[i];
        if (!it->name || !otelc__name_equal(it->name, it->name_len, name))
            continue;
        if (index-- == 0) {
            *value = it->value;
            *len = it->value ? it->value_len : 0;
            return 1;
        }
    }
    return 0;
}

static int http_set(void *ud, const char *name, const char *value, size_t len)
{
    otelc_http_headers *h = ud;
    if (!h->owned_)
        return OTELC_ESTATE;
    size_t nlen;
    char *block = otelc__field_block(name, value, len, &nlen);
    if (!block)
        return OTELC_ENOMEM;
    size_t i = 0;
    while (i < h->count && !otelc__name_equal(h->items[i].name, h->items[i].name_len, name))
        i++;
    if (i < h->count) {
        otelc__free((char *)h->items[i].name);
    } else {
        void *items = h->items;
        if (otelc__grow_array(&items, &h->cap_, h->count, sizeof *h->items) != OTELC_OK) {
            otelc__free(block);
            return OTELC_ENOMEM;
        }
        h->items = items;
        h->count++;
    }
    h->items[i].name = block;
    h->items[i].name_len = nlen;
    h->items[i].value = block + nlen + 1;
    h->items[i].value_len = len;
    return OTELC_OK;
}

OTELC_API otelc_carrier_getter otelc_http_headers_getter(const otelc_http_headers *h)
{
    otelc_carrier_getter g = {OTELC_CARRIER_VERSION, (void *)h, http_get};
    return g;
}

OTELC_API otelc_carrier_setter otelc_http_headers_setter(otelc_http_headers *h)
{
    otelc_carrier_setter s = {OTELC_CARRIER_VERSION, h, http_set};
    return s;
}
