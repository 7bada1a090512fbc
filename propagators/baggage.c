/* SPDX-License-Identifier: Apache-2.0 */
/* The baggage value: one immutable, reference-counted allocation holding its entries and
 * their strings; every change builds a new one. */
#include <stdatomic.h>
#include <string.h>

#include "baggage_internal.h"
#include "sdk/common/alloc.h"
#include "sdk/common/env.h"

struct otelc_baggage {
    _Atomic uint32_t refs;
    uint32_t count;
    otelc_baggage_entry e[]; /* then the strings, each NUL-terminated */
};

static char *put(char **w, const char *s, size_t n)
{
    char *start = *w;
    memcpy(start, s, n);
    start[n] = '\0';
    *w += n + 1;
    return start;
}

int otelc__baggage_build(otelc_baggage **out, const struct otelc__baggage_member *m, size_t n)
{
    if (n == 0) {
        *out = NULL;
        return OTELC_OK;
    }
    size_t bytes = sizeof(struct otelc_baggage) + n * sizeof(otelc_baggage_entry);
    for (size_t i = 0; i < n; i++)
        bytes += m[i].key_len + m[i].value_len + m[i].meta_len + 3;
    struct otelc_baggage *b = otelc__malloc(bytes);
    if (!b)
        return OTELC_ENOMEM;
    atomic_init(&b->refs, 1);
    b->count = (uint32_t)n;
    char *w = (char *)&b->e[n];
    for (size_t i = 0; i < n; i++) {
        otelc_baggage_entry *e = &b->e[i];
        e->key = put(&w, m[i].key, m[i].key_len);
        e->key_len = m[i].key_len;
        if (m[i].encoded) {
            /* Checked by the parser, and a decoded value is never longer. */
            char *v = w;
            (void)otelc__percent_decode(m[i].value, m[i].value_len, v, &e->value_len);
            v[e->value_len] = '\0';
            e->value = v;
            w += e->value_len + 1;
        } else {
            e->value = put(&w, m[i].value, m[i].value_len);
            e->value_len = m[i].value_len;
        }
        e->metadata = put(&w, m[i].meta, m[i].meta_len);
        e->metadata_len = m[i].meta_len;
    }
    *out = b;
    return OTELC_OK;
}

static void member_of(struct otelc__baggage_member *m, const otelc_baggage_entry *e)
{
    m->key = e->key;
    m->key_len = e->key_len;
    m->value = e->value;
    m->value_len = e->value_len;
    m->meta = e->metadata;
    m->meta_len = e->metadata_len;
    m->encoded = 0;
}

static long find(const otelc_baggage *b, const char *key)
{
    if (!b)
        return -1;
    size_t klen = strlen(key);
    for (uint32_t i = 0; i < b->count; i++)
        if (b->e[i].key_len == klen && memcmp(b->e[i].key, key, klen) == 0)
            return (long)i;
    return -1;
}

OTELC_API size_t otelc_baggage_count(const otelc_baggage *b) { return b ? b->count : 0; }

OTELC_API const char *otelc_baggage_get(const otelc_baggage *b, const char *key)
{
    long i = key ? find(b, key) : -1;
    return i < 0 ? NULL : b->e[i].value;
}

OTELC_API int otelc_baggage_get_entry(const otelc_baggage *b, const char *key,
                                      otelc_baggage_entry *out)
{
    if (!key || !out)
        return OTELC_EINVAL;
    long i = find(b, key);
    if (i < 0)
        return OTELC_ENOTFOUND;
    *out = b->e[i];
    return OTELC_OK;
}

OTELC_API int otelc_baggage_entry_at(const otelc_baggage *b, size_t i, otelc_baggage_entry *out)
{
    if (!out)
        return OTELC_EINVAL;
    if (!b || i >= b->count)
        return OTELC_ENOTFOUND;
    *out = b->e[i];
    return OTELC_OK;
}

OTELC_API int otelc_baggage_iterate(const otelc_baggage *b,
                                    int (*fn)(const otelc_baggage_entry *e, void *user_data),
                                    void *user_data)
{
    if (!b || !fn)
        return 0;
    for (uint32_t i = 0; i < b->count; i++) {
        int rc = fn(&b->e[i], user_data);
        if (rc != 0)
            return rc;
    }
    return 0;
}

OTELC_API int otelc_baggage_set(otelc_baggage **out, const otelc_baggage *b, const char *key,
                                const char *value, const char *metadata)
{
    if (!out || !key || !key[0] || !value)
        return OTELC_EINVAL;
    if (!metadata)
        metadata = "";
    /* Metadata is sent as it is, so it must already be valid properties. */
    size_t mlen = strlen(metadata);
    if (!otelc__baggage_valid_properties(metadata, mlen))
        return OTELC_EINVAL;
    size_t n = otelc_baggage_count(b);
    struct otelc__baggage_member *m = otelc__malloc((n + 1) * sizeof *m);
    if (!m)
        return OTELC_ENOMEM;
    long at = find(b, key);
    for (size_t i = 0; i < n; i++)
        member_of(&m[i], &b->e[i]);
    size_t slot = at < 0 ? n : (size_t)at;
    m[slot].key = key;
    m[slot].key_len = strlen(key);
    m[slot].value = value;
    m[slot].value_len = strlen(value);
    m[slot].meta = metadata;
    m[slot].meta_len = mlen;
    m[slot].encoded = 0;
    int rc = otelc__baggage_build(out, m, at < 0 ? n + 1 : n);
    otelc__free(m);
    return rc;
}

OTELC_API int otelc_baggage_remove(otelc_baggage **out, const otelc_baggage *b, const char *key)
{
    if (!out || !key)
        return OTELC_EINVAL;
    long at = find(b, key);
    if (at < 0) {
        *out = otelc_baggage_ref(b);
        return OTELC_OK;
    }
    size_t n = b->count - 1;
    if (n == 0) {
        *out = NULL;
        return OTELC_OK;
    }
    struct otelc__baggage_member *m = otelc__malloc(n * sizeof *m);
    if (!m)
        return OTELC_ENOMEM;
    for (size_t i = 0, j = 0; i < b->count; i++)
        if ((long)i != at)
            member_of(&m[j++], &b->e[i]);
    int rc = otelc__baggage_build(out, m, n);
    otelc__free(m);
    return rc;
}

OTELC_API otelc_baggage *otelc_baggage_ref(const otelc_baggage *b)
{
    /* The reference count is the one mutable part of an immutable baggage. */
    struct otelc_baggage *m = (struct otelc_baggage *)b;
    if (m)
        atomic_fetch_add_explicit(&m->refs, 1, memory_order_relaxed);
    return m;
}

OTELC_API void otelc_baggage_free(otelc_baggage *b)
{
    if (b && atomic_fetch_sub_explicit(&b->refs, 1, memory_order_acq_rel) == 1)
        otelc__free(b);
}
