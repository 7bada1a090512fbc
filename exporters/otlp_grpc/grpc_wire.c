/* SPDX-License-Identifier: Apache-2.0 */
/* The pure pieces of gRPC over HTTP/2: status names and mappings, grpc-timeout, grpc-message
 * decoding, message framing and base64. */
#include "exporters/otlp_grpc/grpc_wire.h"

#include <string.h>

#include "otelc/common.h"

const char *otelc__grpc_code_name(int code)
{
    static const char *const names[] = {
        "OK",        "CANCELLED",         "UNKNOWN",        "INVALID_ARGUMENT",
        "DEADLINE_EXCEEDED", "NOT_FOUND", "ALREADY_EXISTS", "PERMISSION_DENIED",
        "RESOURCE_EXHAUSTED", "FAILED_PRECONDITION", "ABORTED", "OUT_OF_RANGE",
        "UNIMPLEMENTED", "INTERNAL",      "UNAVAILABLE",    "DATA_LOSS",
        "UNAUTHENTICATED",
    };
    if (code < 0 || (size_t)code >= sizeof names / sizeof names[0])
        return "UNKNOWN_CODE";
    return names[code];
}

size_t otelc__grpc_timeout_format(uint64_t ns, char out[10])
{
    /* Each unit and how many of the previous one it holds; the value must fit 8 digits. */
    static const struct {
        char unit;
        uint64_t per;
    } units[] = {{'n', 1}, {'u', 1000}, {'m', 1000}, {'S', 1000}, {'M', 60}, {'H', 60}};
    uint64_t v = ns;
    size_t u = 0;
    for (; u + 1 < sizeof units / sizeof units[0] && v > 99999999u; u++)
        v = v / units[u + 1].per + (v % units[u + 1].per != 0);
    if (v > 99999999u)
        v = 99999999u;
    if (v == 0)
        v = 1; /* a zero timeout is not allowed: the smallest one instead */
    char digits[20];
    size_t n = 0;
    do {
        digits[n++] = (char)('0' + v % 10);
        v /= 10;
    } while (v);
    for (size_t i = 0; i < n; i++)
        out[i] = digits[n - 1 - i];
    out[n] = units[u].unit;
    out[n + 1] = '\0';
    return n + 1;
}

static int hexval(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

size_t otelc__grpc_message_decode(const char *in, size_t len, char *out, size_t cap)
{
    size_t o = 0;
    if (cap == 0)
        return 0;
    for (size_t i = 0; i < len && o + 1 < cap; i++) {
        unsigned char c = (unsigned char)in[i];
        if (c == '%' && len - i >= 3 && hexval(in[i + 1]) >= 0 && hexval(in[i + 2]) >= 0) {
            c = (unsigned char)(hexval(in[i + 1]) << 4 | hexval(in[i + 2]));
            i += 2;
        }
        out[o++] = (c < 0x20 || c == 0x7f) ? '?' : (char)c;
    }
    out[o] = '\0';
    return o;
}

int otelc__grpc_status_from_http(int http_status)
{
    switch (http_status) {
    case 400:
        return OTELC__GRPC_INTERNAL;
    case 401:
        return OTELC__GRPC_UNAUTHENTICATED;
    case 403:
        return OTELC__GRPC_PERMISSION_DENIED;
    case 404:
        return OTELC__GRPC_UNIMPLEMENTED;
    case 429:
    case 502:
    case 503:
    case 504:
        return OTELC__GRPC_UNAVAILABLE;
    default:
        return OTELC__GRPC_UNKNOWN;
    }
}

int otelc__grpc_status_from_rst(uint32_t h2_error)
{
    switch (h2_error) {
    case 0x7: /* REFUSED_STREAM: the server did not process the request */
        return OTELC__GRPC_UNAVAILABLE;
    case 0x8: /* CANCEL */
        return OTELC__GRPC_CANCELLED;
    case 0xb: /* ENHANCE_YOUR_CALM */
        return OTELC__GRPC_RESOURCE_EXHAUSTED;
    case 0xc: /* INADEQUATE_SECURITY */
        return OTELC__GRPC_PERMISSION_DENIED;
    default:
        return OTELC__GRPC_INTERNAL;
    }
}

int otelc__grpc_status_parse(const char *v, size_t len, int *code)
{
    int c = 0;
    if (len == 0 || len > 9)
        return -1;
    for (size_t i = 0; i < len; i++) {
        if (v[i] < '0' || v[i] > '9')
            return -1;
        c = c * 10 + (v[i] - '0');
    }
    *code = c;
    return 0;
}

void otelc__grpc_frame_prefix(uint8_t out[5], int compressed, uint32_t len)
{
    out[0] = compressed ? 1 : 0;
    out[1] = (uint8_t)(len >> 24);
    out[2] = (uint8_t)(len >> 16);
    out[3] = (uint8_t)(len >> 8);
    out[4] = (uint8_t)len;
}

void otelc__grpc_deframer_init(struct otelc__grpc_deframer *d, size_t max)
{
    memset(d, 0, sizeof *d);
    d->max = max;
    otelc__buf_init(&d->msg);
}

void otelc__grpc_deframer_free(struct otelc__grpc_deframer *d)
{
    otelc__buf_free(&d->msg);
    otelc__grpc_deframer_init(d, d->max);
}

void otelc__grpc_deframer_reset(struct otelc__grpc_deframer *d)
{
    struct otelc__buf keep = d->msg;
    size_t max = d->max;
    memset(d, 0, sizeof *d);
    d->max = max;
    d->msg = keep;
    otelc__buf_reset(&d->msg);
}

int otelc__grpc_deframe(struct otelc__grpc_deframer *d, const uint8_t *p, size_t n)
{
    while (n > 0) {
        if (d->too_large)
            return OTELC_EREJECTED;
        if (d->hdr_have < 5) {
            size_t k = 5 - d->hdr_have < n ? 5 - d->hdr_have : n;
            memcpy(d->hdr + d->hdr_have, p, k);
            d->hdr_have += k;
            p += k;
            n -= k;
            if (d->hdr_have < 5)
                break;
            d->need = (uint32_t)d->hdr[1] << 24 | (uint32_t)d->hdr[2] << 16 |
                      (uint32_t)d->hdr[3] << 8 | d->hdr[4];
            if (d->messages == 0) {
                if (d->need > d->max) {
                    d->too_large = 1;
                    return OTELC_EREJECTED;
                }
                d->compressed = d->hdr[0] & 1;
                /* Reserved up front: the length is bounded by max, so this is safe. */
                if (otelc__buf_reserve(&d->msg, d->need) != 0)
                    return OTELC_ENOMEM;
            }
        }
        size_t k = d->need < n ? d->need : n;
        if (d->messages == 0)
            otelc__buf_append(&d->msg, p, k);
        d->need -= (uint32_t)k;
        p += k;
        n -= k;
        if (d->need == 0) {
            d->messages++;
            d->hdr_have = 0;
        }
    }
    return otelc__buf_status(&d->msg);
}

int otelc__grpc_deframer_complete(const struct otelc__grpc_deframer *d)
{
    return d->hdr_have == 0 && !d->too_large;
}

static const char b64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

size_t otelc__base64_encode(const uint8_t *in, size_t n, char *out)
{
    size_t o = 0, i = 0;
    for (; i + 3 <= n; i += 3) {
        uint32_t v = (uint32_t)in[i] << 16 | (uint32_t)in[i + 1] << 8 | in[i + 2];
        out[o++] = b64[v >> 18];
        out[o++] = b64[(v >> 12) & 63];
        out[o++] = b64[(v >> 6) & 63];
        out[o++] = b64[v & 63];
    }
    if (n - i == 1) {
        uint32_t v = (uint32_t)in[i] << 16;
        out[o++] = b64[v >> 18];
        out[o++] = b64[(v >> 12) & 63];
        out[o++] = '=';
        out[o++] = '=';
    } else if (n - i == 2) {
        uint32_t v = (uint32_t)in[i] << 16 | (uint32_t)in[i + 1] << 8;
        out[o++] = b64[v >> 18];
        out[o++] = b64[(v >> 12) & 63];
        out[o++] = b64[(v >> 6) & 63];
        out[o++] = '=';
    }
    out[o] = '\0';
    return o;
}

static int b64val(char c)
{
    if (c >= 'A' && c <= 'Z')
        return c - 'A';
    if (c >= 'a' && c <= 'z')
        return c - 'a' + 26;
    if (c >= '0' && c <= '9')
        return c - '0' + 52;
    if (c == '+')
        return 62;
    if (c == '/')
        return 63;
    return -1;
}

int otelc__base64_decode(const char *in, size_t len, uint8_t *out, size_t *out_len)
{
    /* Padding is optional, but when present it must be where it belongs. */
    if (len % 4 == 0 && len > 0 && in[len - 1] == '=')
        len -= in[len - 2] == '=' ? 2 : 1;
    if (len % 4 == 1)
        return -1;
    size_t o = 0;
    uint32_t acc = 0;
    int bits = 0;
    /* The write index never passes the read index, so out may equal in. */
    for (size_t i = 0; i < len; i++) {
        int v = b64val(in[i]);
        if (v < 0)
            return -1;
        acc = (acc << 6 | (uint32_t)v) & 0xffffff;
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            out[o++] = (uint8_t)(acc >> bits);
        }
    }
    *out_len = o;
    return 0;
}
