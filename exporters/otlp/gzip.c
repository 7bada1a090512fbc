/* SPDX-License-Identifier: Apache-2.0 */
/* gzip compression of OTLP request bodies on zlib. */
#include "exporters/otlp/gzip.h"

#include <string.h>
#include <zlib.h>

#include "otelc/common.h"
#include "sdk/common/alloc.h"

static voidpf z_alloc(voidpf opaque, uInt items, uInt size) { return otelc__calloc(items, size); }

static void z_free(voidpf opaque, voidpf p) { otelc__free(p); }

int otelc__gzip(const void *in, size_t n, struct otelc__buf *out)
{
    z_stream zs;
    memset(&zs, 0, sizeof zs);
    zs.zalloc = z_alloc;
    zs.zfree = z_free;
    otelc__buf_reset(out);
    if (n > UINT32_MAX)
        return OTELC_ENOMEM;
    /* windowBits 15 + 16 asks zlib for the gzip wrapper. */
    if (deflateInit2(&zs, Z_DEFAULT_COMPRESSION, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) !=
        Z_OK)
        return OTELC_ENOMEM;
    uLong bound = deflateBound(&zs, (uLong)n);
    if (otelc__buf_reserve(out, bound) != 0) {
        deflateEnd(&zs);
        return OTELC_ENOMEM;
    }
    zs.next_in = (Bytef *)(uintptr_t)in;
    zs.avail_in = (uInt)n;
    zs.next_out = (Bytef *)out->data;
    zs.avail_out = (uInt)bound;
    int zrc = deflate(&zs, Z_FINISH);
    out->len = zs.total_out;
    out->data[out->len] = '\0';
    deflateEnd(&zs);
    return zrc == Z_STREAM_END ? OTELC_OK : OTELC_ENOMEM;
}
