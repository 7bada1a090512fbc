/* SPDX-License-Identifier: Apache-2.0 */
/* Attribute sets of measurements: normalisation, hashing, filtering and copying. */
#include "attrset.h"

#include <string.h>

#include "otelc/common.h"
#include "sdk/common/attrs.h"
#include "sdk/common/log_internal.h"

#define K0 0xa0761d6478bd642full
#define K1 0xe7037ed1a0b428dbull
#define K2 0x8ebc6af09c88c6e3ull

/* One 64x64->128 multiply folded to 64 bits: the mixing step of wyhash-style hashes. */
static inline uint64_t mum(uint64_t a, uint64_t b)
{
    __extension__ typedef unsigned __int128 u128;
    u128 r = (u128)a * b;
    return (uint64_t)(r >> 64) ^ (uint64_t)r;
}

/* The last len (< 8) bytes at s as one word, without a variable-length memcpy call. */
static inline uint64_t tail_word(const unsigned char *s, size_t len)
{
    uint64_t w = 0;
    if (len >= 4) {
        uint32_t lo, hi;
        memcpy(&lo, s, 4);
        memcpy(&hi, s + len - 4, 4);
        return (uint64_t)lo << 32 | hi;
    }
    if (len > 0)
        w = (uint64_t)s[0] << 16 | (uint64_t)s[len / 2] << 8 | s[len - 1];
    return w;
}

/* Sixteen bytes per multiply (the wyhash scheme); 8 to 16 bytes are read as two overlapping
 * words, fewer through tail_word. */
static inline uint64_t hash_bytes(const void *p, size_t len, uint64_t seed)
{
    const unsigned char *s = p;
    uint64_t h = seed ^ ((uint64_t)len * K0);
    size_t n = len;
    while (n > 16) {
        uint64_t a, b;
        memcpy(&a, s, 8);
        memcpy(&b, s + 8, 8);
        h = mum(a ^ K1, b ^ h);
        s += 16;
        n -= 16;
    }
    uint64_t a, b = 0;
    if (n >= 8) {
        memcpy(&a, s, 8);
        memcpy(&b, s + n - 8, 8);
    } else {
        a = tail_word(s, n);
    }
    return mum(a ^ K1 ^ (uint64_t)n, b ^ h ^ K2);
}

uint64_t otelc__hash_bytes(const void *p, size_t len, uint64_t seed)
{
    return hash_bytes(p, len, seed);
}

/* The value's hash from seed h, the type folded into the seed (no multiply of its own). */
static uint64_t hash_value(const otelc_value *v, uint64_t h)
{
    h ^= (uint64_t)v->type * K2;
    switch (v->type) {
    case OTELC_VALUE_NONE:
        return h;
    case OTELC_VALUE_BOOL:
        return mum(h ^ (uint64_t)v->u.b, K1);
    case OTELC_VALUE_INT:
        return mum(h ^ (uint64_t)v->u.i, K1);
    case OTELC_VALUE_DOUBLE: {
        uint64_t bits;
        memcpy(&bits, &v->u.d, sizeof bits);
        return mum(h ^ bits, K1);
    }
    case OTELC_VALUE_STRING:
    case OTELC_VALUE_BYTES:
        return hash_bytes(v->u.s, v->len, h);
    case OTELC_VALUE_STRING_ARRAY:
        for (size_t i = 0; i < v->len; i++)
            h = hash_bytes(v->u.sa[i], strlen(v->u.sa[i]), h);
        return mum(h ^ (uint64_t)v->len, K1);
    case OTELC_VALUE_BOOL_ARRAY:
        return hash_bytes(v->u.ba, v->len * sizeof(bool), h);
    case OTELC_VALUE_INT_ARRAY:
        return hash_bytes(v->u.ia, v->len * sizeof(int64_t), h);
    case OTELC_VALUE_DOUBLE_ARRAY:
        return hash_bytes(v->u.da, v->len * sizeof(double), h);
    }
    return h;
}

/* Each attribute is hashed on its own (key and value independently) and the results are
 * added: the multiplies of different attributes do not wait for each other, which matters
 * more than their number. The set is sorted, so the sum identifies it as well as a chain. */
static uint64_t hash_set(const otelc_attr *const *a, uint32_t n)
{
    uint64_t h = 0;
    for (uint32_t i = 0; i < n; i++) {
        uint64_t kh = hash_bytes(a[i]->key, strlen(a[i]->key), K0);
        uint64_t vh = hash_value(&a[i]->value, K1);
        h += mum(kh ^ K2, vh ^ ((uint64_t)i * K0));
    }
    return mum(h ^ K1, (uint64_t)n ^ K2);
}

/* strcmp's order, with the first bytes compared inline: keys of one set mostly differ
 * there, and the call is then not needed. */
static inline int key_cmp(const char *a, const char *b)
{
    if (a[0] != b[0])
        return (unsigned char)a[0] < (unsigned char)b[0] ? -1 : 1;
    return strcmp(a, b);
}

void otelc__attrset_build(struct otelc__attrset *s, const otelc_attr *attrs, size_t n)
{
    uint32_t m = 0;
    if (n > OTELC__ATTRSET_MAX) {
        OTELC__LOG_THROTTLED(OTELC_LOG_WARN,
                             "metrics: a measurement has %zu attributes; only the first %d "
                             "are kept",
                             n, OTELC__ATTRSET_MAX);
        n = OTELC__ATTRSET_MAX;
    }
    /* An insertion sort (sets are small) that keeps one entry per key: a key seen again
     * replaces the earlier entry, so the value the caller gave last wins. */
    for (size_t i = 0; attrs && i < n; i++) {
        const otelc_attr *x = &attrs[i];
        if (!x->key || !x->key[0])
            continue;
        uint32_t j = m;
        int c = -1;
        while (j > 0 && (c = key_cmp(s->a[j - 1]->key, x->key)) > 0)
            j--;
        if (j > 0 && c == 0) {
            s->a[j - 1] = x;
            continue;
        }
        /* Shifted by hand: attributes usually come in order and nothing moves. */
        for (uint32_t k = m; k > j; k--)
            s->a[k] = s->a[k - 1];
        s->a[j] = x;
        m++;
    }
    uint32_t out = m;
    s->n = out;
    s->hash = hash_set(s->a, out);
}

static int in_list(char *const *list, size_t n, const char *key)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(list[i], key) == 0)
            return 1;
    return 0;
}

int otelc__keyfilter_keeps(const struct otelc__keyfilter *f, const char *key)
{
    if (f->has_allow && !in_list(f->allow, f->nallow, key))
        return 0;
    return !in_list(f->exclude, f->nexclude, key);
}

void otelc__attrset_filter(struct otelc__attrset *dst, const struct otelc__attrset *src,
                           const struct otelc__keyfilter *f)
{
    uint32_t m = 0;
    for (uint32_t i = 0; i < src->n; i++)
        if (otelc__keyfilter_keeps(f, src->a[i]->key))
            dst->a[m++] = src->a[i];
    dst->n = m;
    dst->hash = hash_set(dst->a, m);
}

int otelc__attrset_equal(const struct otelc__attrset *s, const otelc_attr *stored, size_t n)
{
    if (s->n != n)
        return 0;
    for (uint32_t i = 0; i < s->n; i++) {
        const otelc_value *a = &s->a[i]->value, *b = &stored[i].value;
        if (a->type != b->type || key_cmp(s->a[i]->key, stored[i].key) != 0)
            return 0;
        /* The common kinds inline; the rest through the shared comparison. */
        if (a->type == OTELC_VALUE_STRING) {
            if (a->len != b->len || memcmp(a->u.s, b->u.s, a->len) != 0)
                return 0;
        } else if (a->type == OTELC_VALUE_INT) {
            if (a->u.i != b->u.i)
                return 0;
        } else if (!otelc__value_equal(a, b)) {
            return 0;
        }
    }
    return 1;
}

static size_t align8(size_t n) { return (n + 7u) & ~(size_t)7u; }

size_t otelc__attrset_copy_size(const struct otelc__attrset *s)
{
    /* An upper bound of what otelc__attrset_copy() takes from an arena: every piece it
     * allocates is rounded up to 8 bytes. */
    size_t n = align8(s->n * sizeof(otelc_attr));
    for (uint32_t i = 0; i < s->n; i++) {
        const otelc_value *v = &s->a[i]->value;
        n += align8(strlen(s->a[i]->key) + 1);
        switch (v->type) {
        case OTELC_VALUE_STRING:
        case OTELC_VALUE_BYTES:
            n += align8(v->len + 1);
            break;
        case OTELC_VALUE_STRING_ARRAY:
            n += align8(v->len * sizeof(char *));
            for (size_t k = 0; k < v->len; k++)
                n += align8(strlen(v->u.sa[k]) + 1);
            break;
        case OTELC_VALUE_BOOL_ARRAY:
        case OTELC_VALUE_INT_ARRAY:
        case OTELC_VALUE_DOUBLE_ARRAY:
            n += align8(v->len * sizeof(double) + 1);
            break;
        default:
            break;
        }
    }
    return n;
}

int otelc__attrset_copy(const struct otelc__attrset *s, struct otelc__arena *a, otelc_attr **out)
{
    *out = NULL;
    if (s->n == 0)
        return OTELC_OK;
    otelc_attr *items = otelc__arena_alloc(a, s->n * sizeof *items);
    if (!items)
        return OTELC_ENOMEM;
    for (uint32_t i = 0; i < s->n; i++) {
        items[i].key = otelc__arena_strndup(a, s->a[i]->key, strlen(s->a[i]->key));
        if (!items[i].key)
            return OTELC_ENOMEM;
        int rc = otelc__value_copy(&items[i].value, &s->a[i]->value, a, UINT32_MAX);
        if (rc != OTELC_OK)
            return rc;
    }
    *out = items;
    return OTELC_OK;
}
