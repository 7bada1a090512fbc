/* SPDX-License-Identifier: Apache-2.0 */
/* The W3C tracestate value: validated once on the way in, then an immutable, reference-counted
 * string in normalised header form (members joined by ",", no optional whitespace). */
#include "tracestate_internal.h"

#include <stdatomic.h>
#include <string.h>

#include "otelc/common.h"
#include "propagator_internal.h"
#include "sdk/common/alloc.h"

struct otelc_tracestate {
    _Atomic uint32_t refs;
    uint32_t len;  /* bytes of header, without the NUL */
    char header[]; /* NUL-terminated */
};

/* One member of a header being parsed; pointers into the caller's buffer. */
struct member {
    const char *key;
    size_t key_len;
    const char *value;
    size_t value_len;
};

static int is_ows(char c) { return c == ' ' || c == '\t'; }
static int is_lcalpha_digit(char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); }

/* Character classes, as masks for otelc__in_class(): the key characters [a-z0-9_*-/@], and the
 * value characters, printable ASCII (space included) but ',' and '='. */
static const uint32_t key_mask[4] = {0x00000000, 0x03ffa400, 0x80000001, 0x07fffffe};
static const uint32_t value_mask[4] = {0x00000000, 0xdfffefff, 0xffffffff, 0x7fffffff};

/* Level 2 key: a lowercase letter or digit, then up to 255 of [a-z0-9_*-/@]. Level 2 folded
 * the Level 1 multi-tenant form (one '@') into this plain character class. */
static int valid_key(const char *k, size_t n)
{
    if (n == 0 || n > OTELC__TRACESTATE_MAX_KEY || !is_lcalpha_digit(k[0]))
        return 0;
    for (size_t i = 1; i < n; i++)
        if (!otelc__in_class(key_mask, (unsigned char)k[i]))
            return 0;
    return 1;
}

/* Value: 1 to 256 printable ASCII characters other than ',' and '=', not ending in a space. */
static int valid_value(const char *v, size_t n)
{
    if (n == 0 || n > OTELC__TRACESTATE_MAX_VALUE || v[n - 1] == ' ')
        return 0;
    for (size_t i = 0; i < n; i++)
        if (!otelc__in_class(value_mask, (unsigned char)v[i]))
            return 0;
    return 1;
}

/* Reads one trimmed, non-empty member s[0..n) into *m; 0 when it breaks a rule. */
static int parse_member(const char *s, size_t n, struct member *m)
{
    const char *eq = memchr(s, '=', n);
    if (!eq)
        return 0;
    m->key = s;
    m->key_len = (size_t)(eq - s);
    m->value = eq + 1;
    m->value_len = n - m->key_len - 1;
    return valid_key(m->key, m->key_len) && valid_value(m->value, m->value_len);
}

/* Splits h[0..len) into members after the count already in m, dropping optional whitespace
 * and empty members, and checks every rule (duplicates are checked across parts too). Returns
 * the new number of members, or -1 when the header is invalid. */
static int parse_members(const char *h, size_t len,
                         struct member m[OTELC__TRACESTATE_MAX_MEMBERS], int count)
{
    const char *p = h;
    const char *end = h + len;
    for (;;) {
        const char *comma = memchr(p, ',', (size_t)(end - p));
        const char *s = p;
        const char *e = comma ? comma : end;
        while (s < e && is_ows(*s))
            s++;
        while (e > s && is_ows(e[-1]))
            e--;
        if (s < e) {
            if (count == OTELC__TRACESTATE_MAX_MEMBERS ||
                !parse_member(s, (size_t)(e - s), &m[count]))
                return -1;
            for (int i = 0; i < count; i++)
                if (m[i].key_len == m[count].key_len &&
                    memcmp(m[i].key, m[count].key, m[i].key_len) == 0)
                    return -1;
            count++;
        }
        if (!comma)
            return count;
        p = comma + 1;
    }
}

/* Builds the normalised tracestate of m[0..count): NULL for none. */
static int build(otelc_tracestate **out, const struct member *m, int count)
{
    if (count == 0) {
        /* NULL is the empty tracestate everywhere in the API. */
        *out = NULL;
        return OTELC_OK;
    }
    size_t total = (size_t)count - 1;
    for (int i = 0; i < count; i++)
        total += m[i].key_len + 1 + m[i].value_len;
    struct otelc_tracestate *ts = otelc__malloc(sizeof *ts + total + 1);
    if (!ts)
        return OTELC_ENOMEM;
    atomic_init(&ts->refs, 1);
    ts->len = (uint32_t)total;
    char *w = ts->header;
    for (int i = 0; i < count; i++) {
        if (i > 0)
            *w++ = ',';
        memcpy(w, m[i].key, m[i].key_len);
        w += m[i].key_len;
        *w++ = '=';
        memcpy(w, m[i].value, m[i].value_len);
        w += m[i].value_len;
    }
    *w = '\0';
    *out = ts;
    return OTELC_OK;
}

int otelc__tracestate_from_parts(otelc_tracestate **out, const char *const *parts,
                                 const size_t *lens, size_t n)
{
    struct member m[OTELC__TRACESTATE_MAX_MEMBERS];
    int count = 0;
    for (size_t i = 0; i < n; i++) {
        count = parse_members(parts[i], lens[i], m, count);
        if (count < 0)
            return OTELC_EPARSE;
    }
    return build(out, m, count);
}

OTELC_API int otelc_tracestate_new(otelc_tracestate **out, const char *header, size_t len)
{
    if (!out || (!header && len > 0))
        return OTELC_EINVAL;
    if (!header)
        header = "";
    return otelc__tracestate_from_parts(out, &header, &len, 1);
}

OTELC_API const char *otelc_tracestate_header(const otelc_tracestate *ts)
{
    return ts ? ts->header : "";
}

OTELC_API otelc_tracestate *otelc_tracestate_ref(const otelc_tracestate *ts)
{
    /* The reference count is the one mutable part of an immutable tracestate. */
    struct otelc_tracestate *m = (struct otelc_tracestate *)ts;
    if (m)
        atomic_fetch_add_explicit(&m->refs, 1, memory_order_relaxed);
    return m;
}

OTELC_API void otelc_tracestate_free(otelc_tracestate *ts)
{
    if (ts && atomic_fetch_sub_explicit(&ts->refs, 1, memory_order_acq_rel) == 1)
        otelc__free(ts);
}

int otelc__tracestate_iter(const otelc_tracestate *ts,
                           int (*fn)(const char *k, size_t kl, const char *v, size_t vl,
                                     void *ud),
                           void *ud)
{
    if (!ts)
        return 0;
    const char *p = ts->header;
    const char *end = p + ts->len;
    while (p < end) {
        const char *comma = memchr(p, ',', (size_t)(end - p));
        const char *next = comma ? comma : end;
        /* Validated on the way in: every member holds an '=' and keys hold none. */
        const char *eq = memchr(p, '=', (size_t)(next - p));
        int rc = fn(p, (size_t)(eq - p), eq + 1, (size_t)(next - eq - 1), ud);
        if (rc != 0)
            return rc;
        p = next + 1;
    }
    return 0;
}

/* ---- Level 2 mutation: every change builds a new value ------------------------------------ */

/* Splits a validated tracestate into its members; returns their number. */
static int split(const otelc_tracestate *ts, struct member m[OTELC__TRACESTATE_MAX_MEMBERS])
{
    int count = 0;
    if (!ts)
        return 0;
    const char *p = ts->header;
    const char *end = p + ts->len;
    while (p < end && count < OTELC__TRACESTATE_MAX_MEMBERS) {
        const char *comma = memchr(p, ',', (size_t)(end - p));
        const char *next = comma ? comma : end;
        const char *eq = memchr(p, '=', (size_t)(next - p));
        m[count].key = p;
        m[count].key_len = (size_t)(eq - p);
        m[count].value = eq + 1;
        m[count].value_len = (size_t)(next - eq - 1);
        count++;
        p = next + 1;
    }
    return count;
}

static int find(const struct member *m, int count, const char *key, size_t klen)
{
    for (int i = 0; i < count; i++)
        if (m[i].key_len == klen && memcmp(m[i].key, key, klen) == 0)
            return i;
    return -1;
}

OTELC_API size_t otelc_tracestate_count(const otelc_tracestate *ts)
{
    struct member m[OTELC__TRACESTATE_MAX_MEMBERS];
    return (size_t)split(ts, m);
}

OTELC_API int otelc_tracestate_get(const otelc_tracestate *ts, const char *key,
                                   const char **value, size_t *len)
{
    struct member m[OTELC__TRACESTATE_MAX_MEMBERS];
    if (!key || !value || !len)
        return OTELC_EINVAL;
    int count = split(ts, m);
    int i = find(m, count, key, strlen(key));
    if (i < 0)
        return OTELC_ENOTFOUND;
    *value = m[i].value;
    *len = m[i].value_len;
    return OTELC_OK;
}

int otelc__tracestate_with(const otelc_tracestate *ts, const char *key, size_t klen,
                           const char *value, size_t vlen, otelc_tracestate **out)
{
    struct member old[OTELC__TRACESTATE_MAX_MEMBERS], m[OTELC__TRACESTATE_MAX_MEMBERS];
    if (!key || !valid_key(key, klen) || (value && !valid_value(value, vlen)))
        return OTELC_EINVAL;
    /* The updated entry goes first; the old one is dropped; the right-most falls off when
     * there would be more than 32. */
    int n = 0;
    if (value)
        m[n++] = (struct member){key, klen, value, vlen};
    int count = split(ts, old);
    for (int i = 0; i < count && n < OTELC__TRACESTATE_MAX_MEMBERS; i++)
        if (old[i].key_len != klen || memcmp(old[i].key, key, klen) != 0)
            m[n++] = old[i];
    if (n > 0)
        return build(out, m, n);
    /* Nothing left: a real empty value, since a sampler's NULL means "the parent's". */
    struct otelc_tracestate *empty = otelc__malloc(sizeof *empty + 1);
    if (!empty)
        return OTELC_ENOMEM;
    atomic_init(&empty->refs, 1);
    empty->len = 0;
    empty->header[0] = '\0';
    *out = empty;
    return OTELC_OK;
}

OTELC_API int otelc_tracestate_set(otelc_tracestate **out, const otelc_tracestate *ts,
                                   const char *key, const char *value)
{
    if (!out || !key || !value)
        return OTELC_EINVAL;
    return otelc__tracestate_with(ts, key, strlen(key), value, strlen(value), out);
}

OTELC_API int otelc_tracestate_delete(otelc_tracestate **out, const otelc_tracestate *ts,
                                      const char *key)
{
    struct member m[OTELC__TRACESTATE_MAX_MEMBERS];
    if (!out || !key)
        return OTELC_EINVAL;
    int count = split(ts, m);
    int i = find(m, count, key, strlen(key));
    if (i < 0) {
        *out = otelc_tracestate_ref(ts);
        return OTELC_OK;
    }
    memmove(&m[i], &m[i + 1], (size_t)(count - i - 1) * sizeof m[0]);
    return build(out, m, count - 1);
}

/* ---- propagation: the truncation the W3C recommendation orders ----------------------------- */

size_t otelc__tracestate_write(const otelc_tracestate *ts, char *buf, size_t cap)
{
    struct member m[OTELC__TRACESTATE_MAX_MEMBERS];
    uint8_t keep[OTELC__TRACESTATE_MAX_MEMBERS];
    if (cap == 0)
        return 0;
    buf[0] = '\0';
    int count = split(ts, m);
    if (count == 0)
        return 0;
    size_t limit = cap - 1 < OTELC__TRACESTATE_PROPAGATE_MAX ? cap - 1
                                                               : OTELC__TRACESTATE_PROPAGATE_MAX;
    size_t total = ts->len;
    int kept = count;
    memset(keep, 1, sizeof keep);
    /* First entries longer than 128 characters go, right-most first; then any entry, from
     * the right, until the header fits. */
    for (int pass = 0; pass < 2 && total > limit; pass++) {
        for (int i = count - 1; i >= 0 && total > limit; i--) {
            size_t mlen = m[i].key_len + 1 + m[i].value_len;
            if (!keep[i] || (pass == 0 && mlen <= OTELC__TRACESTATE_LONG_ENTRY))
                continue;
            keep[i] = 0;
            kept--;
            total -= mlen + (kept > 0 ? 1 : 0);
        }
    }
    if (kept == 0)
        return 0;
    char *w = buf;
    for (int i = 0; i < count; i++) {
        if (!keep[i])
            continue;
        if (w != buf)
            *w++ = ',';
        memcpy(w, m[i].key, m[i].key_len + 1 + m[i].value_len);
        w += m[i].key_len + 1 + m[i].value_len;
    }
    *w = '\0';
    return (size_t)(w - buf);
}
