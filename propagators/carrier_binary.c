/* SPDX-License-Identifier: Apache-2.0 */
/* The length-prefixed binary header block (format in carriers.h): a validating reader that
 * allocates nothing, and a writer into a caller buffer. */
#include <string.h>

#include "otelc/carriers.h"
#include "propagator_internal.h"

#define HEADER_LEN 2u
#define MAX_ENTRIES 255u
#define MAX_VALUE 65535u

OTELC_API int otelc_binary_block_parse(otelc_binary_block *b, const void *data, size_t len)
{
    if (!b || (!data && len > 0))
        return OTELC_EINVAL;
    const uint8_t *p = data;
    if (len < HEADER_LEN || p[0] != OTELC_BINARY_BLOCK_VERSION)
        return OTELC_EPARSE;
    size_t count = p[1], off = HEADER_LEN;
    for (size_t i = 0; i < count; i++) {
        /* Each step checks the bytes it reads are there before it reads them. */
        if (len - off < 1 || p[off] == 0 || len - off - 1 < (size_t)p[off] + 2)
            return OTELC_EPARSE;
        off += 1 + p[off];
        size_t vlen = (size_t)p[off] << 8 | p[off + 1];
        off += 2;
        if (len - off < vlen)
            return OTELC_EPARSE;
        off += vlen;
    }
    if (off != len)
        return OTELC_EPARSE;
    b->data = p;
    b->len = len;
    b->count = count;
    return OTELC_OK;
}

/* Walks a validated block: calls back with each entry's offsets. */
struct entry {
    const char *name;
    size_t name_len;
    const uint8_t *value;
    size_t value_len;
    size_t start, end; /* the entry's bytes in the block */
};

static size_t read_entry(const uint8_t *p, size_t off, struct entry *e)
{
    e->start = off;
    e->name_len = p[off];
    e->name = (const char *)p + off + 1;
    off += 1 + e->name_len;
    e->value_len = (size_t)p[off] << 8 | p[off + 1];
    e->value = p + off + 2;
    e->end = off + 2 + e->value_len;
    return e->end;
}

static int block_get(void *ud, const char *name, size_t index, const char **value, size_t *len)
{
    const otelc_binary_block *b = ud;
    size_t off = HEADER_LEN;
    struct entry e;
    for (size_t i = 0; i < b->count; i++) {
        off = read_entry(b->data, off, &e);
        if (otelc__name_equal(e.name, e.name_len, name) && index-- == 0) {
            *value = (const char *)e.value;
            *len = e.value_len;
            return 1;
        }
    }
    return 0;
}

OTELC_API otelc_carrier_getter otelc_binary_block_getter(const otelc_binary_block *b)
{
    otelc_carrier_getter g = {OTELC_CARRIER_VERSION, (void *)b, block_get};
    return g;
}

OTELC_API void otelc_binary_block_writer_init(otelc_binary_block_writer *w, void *buf, size_t cap)
{
    if (!w)
        return;
    w->buf = buf;
    w->cap = buf ? cap : 0;
    w->len = 0;
    w->err = 0;
    if (w->cap < HEADER_LEN) {
        w->err = OTELC_EFULL;
        return;
    }
    w->buf[0] = OTELC_BINARY_BLOCK_VERSION;
    w->buf[1] = 0;
    w->len = HEADER_LEN;
}

static int fail(otelc_binary_block_writer *w, int err)
{
    if (!w->err)
        w->err = err;
    return err;
}

/* Removes the entry of name, if there is one, so a set replaces it. */
static void remove_entry(otelc_binary_block_writer *w, const char *name)
{
    size_t off = HEADER_LEN;
    struct entry e;
    for (size_t i = 0; i < w->buf[1]; i++) {
        off = read_entry(w->buf, off, &e);
        if (otelc__name_equal(e.name, e.name_len, name)) {
            memmove(w->buf + e.start, w->buf + e.end, w->len - e.end);
            w->len -= e.end - e.start;
            w->buf[1]--;
            return;
        }
    }
}

static int block_set(void *ud, const char *name, const char *value, size_t len)
{
    otelc_binary_block_writer *w = ud;
    size_t nlen = strlen(name);
    if (w->len < HEADER_LEN)
        return fail(w, OTELC_EFULL);
    if (nlen == 0 || nlen > 255 || len > MAX_VALUE)
        return fail(w, OTELC_EINVAL);
    size_t need = 1 + nlen + 2 + len;
    /* Check room as if the old entry were gone, but remove it only when the new one fits. */
    size_t old = 0, off = HEADER_LEN;
    struct entry e;
    for (size_t i = 0; i < w->buf[1]; i++) {
        off = read_entry(w->buf, off, &e);
        if (otelc__name_equal(e.name, e.name_len, name))
            old = e.end - e.start;
    }
    if (w->len - old + need > w->cap)
        return fail(w, OTELC_EFULL);
    if (old)
        remove_entry(w, name);
    else if (w->buf[1] == MAX_ENTRIES)
        return fail(w, OTELC_EINVAL);
    uint8_t *p = w->buf + w->len;
    *p++ = (uint8_t)nlen;
    for (size_t i = 0; i < nlen; i++) {
        char c = name[i];
        *p++ = (uint8_t)(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
    }
    *p++ = (uint8_t)(len >> 8);
    *p++ = (uint8_t)(len & 0xff);
    memcpy(p, value, len);
    w->len += need;
    w->buf[1]++;
    return OTELC_OK;
}

OTELC_API otelc_carrier_setter otelc_binary_block_writer_setter(otelc_binary_block_writer *w)
{
    otelc_carrier_setter s = {OTELC_CARRIER_VERSION, w, block_set};
    return s;
}
