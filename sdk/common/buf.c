/* SPDX-License-Identifier: Apache-2.0 */
/* The growable byte buffer of sdk/common/buf.h. */
#include "sdk/common/buf.h"

#include <string.h>

#include "otelc/common.h"
#include "sdk/common/alloc.h"

/* A first allocation large enough for a small span without regrowing. */
#define BUF_MIN_CAP 256

void otelc__buf_init(struct otelc__buf *b)
{
    b->data = NULL;
    b->len = 0;
    b->cap = 0;
    b->oom = 0;
}

void otelc__buf_free(struct otelc__buf *b)
{
    otelc__free(b->data);
    otelc__buf_init(b);
}

void otelc__buf_reset(struct otelc__buf *b)
{
    b->len = 0;
    b->oom = 0;
    if (b->data)
        b->data[0] = '\0';
}

int otelc__buf_reserve(struct otelc__buf *b, size_t extra)
{
    if (b->oom)
        return -1;
    /* One byte more than asked keeps the content NUL-terminated. */
    if (extra >= SIZE_MAX - b->len) {
        b->oom = 1;
        return -1;
    }
    size_t need = b->len + extra + 1;
    if (need <= b->cap)
        return 0;
    size_t cap = b->cap ? b->cap : BUF_MIN_CAP;
    while (cap < need)
        cap = cap > SIZE_MAX / 2 ? need : cap * 2;
    char *p = otelc__realloc(b->data, cap);
    if (!p) {
        b->oom = 1;
        return -1;
    }
    b->data = p;
    b->cap = cap;
    return 0;
}

int otelc__buf_status(const struct otelc__buf *b) { return b->oom ? OTELC_ENOMEM : OTELC_OK; }

void otelc__buf_append(struct otelc__buf *b, const void *p, size_t n)
{
    if (otelc__buf_reserve(b, n) != 0)
        return;
    if (n)
        memcpy(b->data + b->len, p, n);
    b->len += n;
    b->data[b->len] = '\0';
}

void otelc__buf_append_str(struct otelc__buf *b, const char *s)
{
    otelc__buf_append(b, s, strlen(s));
}

void otelc__buf_append_char(struct otelc__buf *b, char c) { otelc__buf_append(b, &c, 1); }

void otelc__buf_append_u64(struct otelc__buf *b, uint64_t v)
{
    char tmp[20]; /* UINT64_MAX has 20 digits */
    size_t i = sizeof tmp;
    do {
        tmp[--i] = (char)('0' + v % 10);
        v /= 10;
    } while (v);
    otelc__buf_append(b, tmp + i, sizeof tmp - i);
}

void otelc__buf_append_i64(struct otelc__buf *b, int64_t v)
{
    if (v < 0) {
        otelc__buf_append_char(b, '-');
        /* Negating in unsigned arithmetic is defined for INT64_MIN too. */
        otelc__buf_append_u64(b, 0u - (uint64_t)v);
        return;
    }
    otelc__buf_append_u64(b, (uint64_t)v);
}

void otelc__buf_append_hex(struct otelc__buf *b, const void *p, size_t n)
{
    static const char digits[] = "0123456789abcdef";
    const unsigned char *in = p;
    if (n > SIZE_MAX / 2 || otelc__buf_reserve(b, 2 * n) != 0) {
        b->oom = 1;
        return;
    }
    char *out = b->data + b->len;
    for (size_t i = 0; i < n; i++) {
        out[2 * i] = digits[in[i] >> 4];
        out[2 * i + 1] = digits[in[i] & 0xf];
    }
    b->len += 2 * n;
    b->data[b->len] = '\0';
}
