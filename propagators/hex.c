/* SPDX-License-Identifier: Apache-2.0 */
/* Small helpers shared by the propagators and carrier adapters: lowercase hex, ASCII name
 * comparison, and the field storage of the owning adapters. */
#include "propagator_internal.h"

#include <string.h>

#include "sdk/common/alloc.h"

static const char digits[] = "0123456789abcdef";

void otelc__hex_encode(char *out, const uint8_t *in, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        out[2 * i] = digits[in[i] >> 4];
        out[2 * i + 1] = digits[in[i] & 0x0f];
    }
}

/* Each lowercase hex digit's value plus one; every other byte, upper-case digits included,
 * is 0. A table keeps the per-character cost to one load on the extract path. */
static const uint8_t hexval1[256] = {
    ['0'] = 1,  ['1'] = 2,  ['2'] = 3,  ['3'] = 4,  ['4'] = 5,  ['5'] = 6,
    ['6'] = 7,  ['7'] = 8,  ['8'] = 9,  ['9'] = 10, ['a'] = 11, ['b'] = 12,
    ['c'] = 13, ['d'] = 14, ['e'] = 15, ['f'] = 16,
};

int otelc__hex_decode(const char *in, size_t n, uint8_t *out)
{
    const unsigned char *p = (const unsigned char *)in;
    unsigned bad = 0;
    for (size_t i = 0; i < n; i++) {
        unsigned hi = hexval1[p[2 * i]], lo = hexval1[p[2 * i + 1]];
        /* Checked once at the end: no branch per byte. */
        bad |= (hi == 0) | (lo == 0);
        out[i] = (uint8_t)((hi - 1) << 4 | (lo - 1));
    }
    return bad ? -1 : 0;
}

int otelc__all_zero(const uint8_t *p, size_t n)
{
    uint8_t acc = 0;
    for (size_t i = 0; i < n; i++)
        acc |= p[i];
    return acc == 0;
}

static char lower(char c) { return c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c; }

int otelc__name_equal(const char *a, size_t alen, const char *b)
{
    size_t i = 0;
    for (; i < alen; i++)
        if (b[i] == '\0' || lower(a[i]) != lower(b[i]))
            return 0;
    return b[i] == '\0';
}

char *otelc__field_block(const char *name, const char *value, size_t len, size_t *name_len)
{
    size_t nlen = strlen(name);
    char *block = otelc__malloc(nlen + 1 + len + 1);
    if (!block)
        return NULL;
    memcpy(block, name, nlen + 1);
    memcpy(block + nlen + 1, value, len);
    block[nlen + 1 + len] = '\0';
    *name_len = nlen;
    return block;
}

int otelc__grow_array(void **items, size_t *cap, size_t count, size_t elem)
{
    if (count < *cap)
        return OTELC_OK;
    size_t ncap = *cap ? *cap * 2 : 4;
    void *n = otelc__realloc(*items, ncap * elem);
    if (!n)
        return OTELC_ENOMEM;
    *items = n;
    *cap = ncap;
    return OTELC_OK;
}
