/* SPDX-License-Identifier: Apache-2.0 */
/* The nghttp2 name/value list carrier, for gRPC metadata: case-insensitive lookup, owned
 * copies for injection. Only the nghttp2_nv layout is used, not the library. */
#include <nghttp2/nghttp2.h>
#include <string.h>

#include "otelc/carriers.h"
#include "propagator_internal.h"
#include "sdk/common/alloc.h"

OTELC_API void otelc_nghttp2_headers_wrap(otelc_nghttp2_headers *h, const void *nva,
                                          size_t nvlen)
{
    if (!h)
        return;
    /* The view is never written through: setters refuse wrapped lists. */
    h->nva = (void *)nva;
    h->nvlen = nva ? nvlen : 0;
    h->cap_ = 0;
    h->owned_ = 0;
}

OTELC_API void otelc_nghttp2_headers_init(otelc_nghttp2_headers *h)
{
    if (!h)
        return;
    h->nva = NULL;
    h->nvlen = 0;
    h->cap_ = 0;
    h->owned_ = 1;
}

OTELC_API void otelc_nghttp2_headers_clear(otelc_nghttp2_headers *h)
{
    if (!h)
        return;
    if (h->owned_) {
        /* Each owned pair's name and value share the one block its name points at. */
        nghttp2_nv *nva = h->nva;
        for (size_t i = 0; i < h->nvlen; i++)
            otelc__free(nva[i].name);
        otelc__free(h->nva);
        h->nva = NULL;
        h->cap_ = 0;
    }
    h->nvlen = 0;
}

static int nv_get(void *ud, const char *name, size_t index, const char **value, size_t *len)
{
    const otelc_nghttp2_headers *h = ud;
    const nghttp2_nv *nva = h->nva;
    for (size_t i = 0; i < h->nvlen; i++) {
        const nghttp2_nv *nv = &nva[i];
        if (!nv->name || !otelc__name_equal((const char *)nv->name, nv->namelen, name))
            continue;
        if (index-- == 0) {
            *value = (const char *)nv->value;
            *len = nv->value ? nv->valuelen : 0;
            return 1;
        }
    }
    return 0;
}

static int nv_set(void *ud, const char *name, const char *value, size_t len)
{
    otelc_nghttp2_headers *h = ud;
    if (!h->owned_)
        return OTELC_ESTATE;
    size_t nlen;
    uint8_t *block = (uint8_t *)otelc__field_block(name, value, len, &nlen);
    if (!block)
        return OTELC_ENOMEM;
    nghttp2_nv *nva = h->nva;
    size_t i = 0;
    while (i < h->nvlen && !otelc__name_equal((const char *)nva[i].name, nva[i].namelen, name))
        i++;
    if (i < h->nvlen) {
        otelc__free(nva[i].name);
    } else {
        if (otelc__grow_array(&h->nva, &h->cap_, h->nvlen, sizeof *nva) != OTELC_OK) {
            otelc__free(block);
            return OTELC_ENOMEM;
        }
        nva = h->nva;
        h->nvlen++;
    }
    nva[i].name = block;
    nva[i].namelen = nlen;
    nva[i].value = block + nlen + 1;
    nva[i].valuelen = len;
    nva[i].flags = NGHTTP2_NV_FLAG_NONE;
    return OTELC_OK;
}

OTELC_API otelc_carrier_getter otelc_nghttp2_headers_getter(const otelc_nghttp2_headers *h)
{
    otelc_carrier_getter g = {OTELC_CARRIER_VERSION, (void *)h, nv_get};
    return g;
}

OTELC_API otelc_carrier_setter otelc_nghttp2_headers_setter(otelc_nghttp2_headers *h)
{
    otelc_carrier_setter s = {OTELC_CARRIER_VERSION, h, nv_set};
    return s;
}
