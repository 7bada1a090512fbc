/* SPDX-License-Identifier: Apache-2.0 */
/* Attribute lists: copy-in storage with overwrite by key and the specification's limits. */
#include "attrs.h"

#include <string.h>

#include "otelc/common.h"

void otelc__attrs_init(struct otelc__attrs *l, otelc_attr *inline_items, uint32_t cap)
{
    l->items = inline_items;
    l->count = 0;
    l->cap = inline_items ? cap : 0;
    l->dropped = 0;
}

/* Length in bytes of the UTF-8 sequence starting at s[0], or 0 when it is not a valid one. */
static size_t utf8_seq_len(const unsigned char *s, size_t avail)
{
    unsigned char c = s[0];
    size_t n;
    if (c < 0x80)
        return 1;
    if (c >= 0xc2 && c <= 0xdf)
        n = 2;
    else if (c >= 0xe0 && c <= 0xef)
        n = 3;
    else if (c >= 0xf0 && c <= 0xf4)
        n = 4;
    else
        return 0;
    if (avail < n)
        return 0;
    for (size_t i = 1; i < n; i++)
        if ((s[i] & 0xc0) != 0x80)
            return 0;
    /* Reject overlong forms, surrogates and code points past U+10FFFF. */
    if (c == 0xe0 && s[1] < 0xa0)
        return 0;
    if (c == 0xed && s[1] >= 0xa0)
        return 0;
    if (c == 0xf0 && s[1] < 0x90)
        return 0;
    if (c == 0xf4 && s[1] >= 0x90)
        return 0;
    return n;
}

size_t otelc__utf8_prefix(const char *s, size_t len, uint32_t max_chars)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t i = 0;
    uint32_t chars = 0;
    if (max_chars == UINT32_MAX)
        return len;
    while (i < len && chars < max_chars) {
        size_t n = utf8_seq_len(p + i, len - i);
        i += n ? n : 1;
        chars++;
    }
    return i;
}

static size_t elem_size(otelc_value_type t)
{
    switch (t) {
    case OTELC_VALUE_BOOL_ARRAY:
        return sizeof(bool);
    case OTELC_VALUE_INT_ARRAY:
        return sizeof(int64_t);
    case OTELC_VALUE_DOUBLE_ARRAY:
        return sizeof(double);
    case OTELC_VALUE_STRING_ARRAY:
        return sizeof(const char *);
    default:
        return 0;
    }
}

int otelc__value_copy(otelc_value *dst, const otelc_value *src, struct otelc__arena *a,
                      uint32_t len_limit)
{
    otelc_value v = *src;
    switch (src->type) {
    case OTELC_VALUE_NONE:
    case OTELC_VALUE_BOOL:
    case OTELC_VALUE_INT:
    case OTELC_VALUE_DOUBLE:
        break;
    case OTELC_VALUE_STRING: {
        if (!src->u.s && src->len)
            return OTELC_EINVAL;
        size_t n = src->u.s ? otelc__utf8_prefix(src->u.s, src->len, len_limit) : 0;
        char *p = otelc__arena_strndup(a, src->u.s ? src->u.s : "", n);
        if (!p)
            return OTELC_ENOMEM;
        v.u.s = p;
        v.len = n;
        break;
    }
    case OTELC_VALUE_BYTES: {
        if (!src->u.bytes && src->len)
            return OTELC_EINVAL;
        uint8_t *p = otelc__arena_alloc(a, src->len);
        if (!p)
            return OTELC_ENOMEM;
        if (src->len)
            memcpy(p, src->u.bytes, src->len);
        v.u.bytes = p;
        break;
    }
    case OTELC_VALUE_BOOL_ARRAY:
    case OTELC_VALUE_INT_ARRAY:
    case OTELC_VALUE_DOUBLE_ARRAY:
    case OTELC_VALUE_STRING_ARRAY: {
        size_t es = elem_size(src->type);
        if (src->len && !src->u.ia)
            return OTELC_EINVAL;
        if (src->len > SIZE_MAX / es)
            return OTELC_EINVAL;
        void *p = otelc__arena_alloc(a, src->len * es);
        if (!p)
            return OTELC_ENOMEM;
        if (src->type != OTELC_VALUE_STRING_ARRAY) {
            if (src->len)
                memcpy(p, src->u.ia, src->len * es);
        } else {
            const char **sa = p;
            for (size_t i = 0; i < src->len; i++) {
                const char *e = src->u.sa[i] ? src->u.sa[i] : "";
                size_t n = otelc__utf8_prefix(e, strlen(e), len_limit);
                sa[i] = otelc__arena_strndup(a, e, n);
                if (!sa[i])
                    return OTELC_ENOMEM;
            }
        }
        v.u.ia = p;
        break;
    }
    default:
        return OTELC_EINVAL;
    }
    *dst = v;
    return OTELC_OK;
}

/* Overwrites a string or bytes value in place when the new one fits in the old storage, so
 * a key set again and again in a loop does not grow the arena. */
static int overwrite_in_place(otelc_value *old, const otelc_value *nv, uint32_t len_limit)
{
    if (old->type != nv->type)
        return 0;
    if (nv->type == OTELC_VALUE_STRING) {
        if (!nv->u.s && nv->len)
            return 0;
        size_t n = nv->u.s ? otelc__utf8_prefix(nv->u.s, nv->len, len_limit) : 0;
        if (n > old->len)
            return 0;
        char *p = (char *)old->u.s;
        memmove(p, nv->u.s ? nv->u.s : "", n);
        p[n] = '\0';
        old->len = n;
        return 1;
    }
    if (nv->type == OTELC_VALUE_BYTES) {
        if ((!nv->u.bytes && nv->len) || nv->len > old->len)
            return 0;
        if (nv->len)
            memmove((uint8_t *)old->u.bytes, nv->u.bytes, nv->len);
        old->len = nv->len;
        return 1;
    }
    return 0;
}

static int valid_type(otelc_value_type t)
{
    return t > OTELC_VALUE_NONE && t <= OTELC_VALUE_DOUBLE_ARRAY;
}

int otelc__attrs_set(struct otelc__attrs *l, struct otelc__arena *a, const char *key,
                     const otelc_value *v, uint32_t count_limit, uint32_t len_limit)
{
    if (!key || !key[0] || !v || !valid_type(v->type))
        return OTELC_EINVAL;
    for (uint32_t i = 0; i < l->count; i++) {
        /* The first byte rules out most keys without a call. */
        if (l->items[i].key[0] != key[0] || strcmp(l->items[i].key, key) != 0)
            continue;
        if (overwrite_in_place(&l->items[i].value, v, len_limit))
            return OTELC_OK;
        otelc_value copy;
        int rc = otelc__value_copy(&copy, v, a, len_limit);
        if (rc != OTELC_OK)
            return rc;
        l->items[i].value = copy;
        return OTELC_OK;
    }
    if (l->count >= count_limit) {
        l->dropped++;
        return OTELC_EFULL;
    }
    if (l->count == l->cap) {
        uint32_t ncap = l->cap ? l->cap * 2 : 8;
        if (count_limit < ncap)
            ncap = count_limit;
        otelc_attr *items = otelc__arena_alloc(a, (size_t)ncap * sizeof *items);
        if (!items)
            return OTELC_ENOMEM;
        if (l->count)
            memcpy(items, l->items, (size_t)l->count * sizeof *items);
        l->items = items;
        l->cap = ncap;
    }
    size_t klen = strlen(key);
    otelc_attr *dst = &l->items[l->count];
    if (v->type == OTELC_VALUE_STRING && (v->u.s || !v->len)) {
        /* The common case, a string: key and value share one piece of the arena. */
        size_t n = v->len;
        if (len_limit != UINT32_MAX && n)
            n = otelc__utf8_prefix(v->u.s, n, len_limit);
        if (klen > SIZE_MAX / 2 - 2 || n > SIZE_MAX / 2)
            return OTELC_ENOMEM;
        char *k = otelc__arena_alloc(a, klen + n + 2);
        if (!k)
            return OTELC_ENOMEM;
        memcpy(k, key, klen + 1);
        char *val = k + klen + 1;
        if (n)
            memcpy(val, v->u.s, n);
        val[n] = '\0';
        dst->key = k;
        dst->value = *v;
        dst->value.u.s = val;
        dst->value.len = n;
        l->count++;
        return OTELC_OK;
    }
    char *k = otelc__arena_strndup(a, key, klen);
    if (!k)
        return OTELC_ENOMEM;
    if (v->type == OTELC_VALUE_BOOL || v->type == OTELC_VALUE_INT ||
        v->type == OTELC_VALUE_DOUBLE) {
        dst->key = k;
        dst->value = *v; /* a scalar owns no storage */
        l->count++;
        return OTELC_OK;
    }
    otelc_value copy;
    int rc = otelc__value_copy(&copy, v, a, len_limit);
    if (rc != OTELC_OK)
        return rc;
    dst->key = k;
    dst->value = copy;
    l->count++;
    return OTELC_OK;
}

const otelc_value *otelc__attrs_find(const struct otelc__attrs *l, const char *key)
{
    if (!key)
        return NULL;
    for (uint32_t i = 0; i < l->count; i++)
        if (strcmp(l->items[i].key, key) == 0)
            return &l->items[i].value;
    return NULL;
}

int otelc__value_equal(const otelc_value *a, const otelc_value *b)
{
    if (a->type != b->type)
        return 0;
    switch (a->type) {
    case OTELC_VALUE_NONE:
        return 1;
    case OTELC_VALUE_BOOL:
        return a->u.b == b->u.b;
    case OTELC_VALUE_INT:
        return a->u.i == b->u.i;
    case OTELC_VALUE_DOUBLE:
        return memcmp(&a->u.d, &b->u.d, sizeof(double)) == 0;
    case OTELC_VALUE_STRING:
    case OTELC_VALUE_BYTES:
        return a->len == b->len && (a->len == 0 || memcmp(a->u.s, b->u.s, a->len) == 0);
    case OTELC_VALUE_STRING_ARRAY:
        if (a->len != b->len)
            return 0;
        for (size_t i = 0; i < a->len; i++)
            if (strcmp(a->u.sa[i], b->u.sa[i]) != 0)
                return 0;
        return 1;
    case OTELC_VALUE_BOOL_ARRAY:
    case OTELC_VALUE_INT_ARRAY:
    case OTELC_VALUE_DOUBLE_ARRAY:
        return a->len == b->len &&
               (a->len == 0 || memcmp(a->u.ia, b->u.ia, a->len * elem_size(a->type)) == 0);
    }
    return 0;
}
