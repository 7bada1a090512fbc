/* SPDX-License-Identifier: Apache-2.0 */
/* The W3C tracestate value: validated once on the way in, then an immutable, reference-counted
 * string in normalised header form (members joined by ",", no optional whitespace). */
#include "tracestate_internal.h"

#include <stdatomic.h>
#include <string.h>

#include "otelc/common.h"
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

/* Level 2 key: a lowercase letter or digit, then up to 255 of [a-z0-9_*-/@], at most one '@'
 * (the multi-tenant separator). */
static int valid_key(const char *k, size_t n)
{
    if (n == 0 || n > OTELC__TRACESTATE_MAX_KEY || !is_lcalpha_digit(k[0]))
        return 0;
    int ats = 0;
    for (size_t i = 1; i < n; i++) {
        char c = k[i];
        if (c == '@')
            ats++;
        else if (!is_lcalpha_digit(c) && c != '_' && c != '-' && c != '*' && c != '/')
            return 0;
    }
    return ats <= 1;
}

/* Value: 1 to 256 printable ASCII characters other than ',' and '=', not ending in a space. */
static int valid_value(const char *v, size_t n)
{
    if (n == 0 || n > OTELC__TRACESTATE_MAX_VALUE || v[n - 1] == ' ')
        return 0;
    for (size_t i = 0; i < n; i++)
        if ((unsigned char)v[i] < 0x20 || (unsigned char)v[i] > 0x7e || v[i] == ',' ||
            v[i] == '=')
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

/* Splits h[0..len) into members, dropping optional whitespace and empty members, and checks
 * every rule. Returns the number of members, or -1 when the header is invalid. */
static int parse_members(const char *h, size_t len,
                         struct member m[OTELC__TRACESTATE_MAX_MEMBERS])
{
    int count = 0;
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

OTELC_API int otelc_tracestate_new(otelc_tracestate **out, const char *header, size_t len)
{
    struct member m[OTELC__TRACESTATE_MAX_MEMBERS];
    if (!out || (!header && len > 0))
        return OTELC_EINVAL;
    int count = header ? parse_members(header, len, m) : 0;
    if (count < 0)
        return OTELC_EPARSE;
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
        /* Key and value are contiguous in the input: "key=value". */
        memcpy(w, m[i].key, m[i].key_len + 1 + m[i].value_len);
        w += m[i].key_len + 1 + m[i].value_len;
    }
    *w = '\0';
    *out = ts;
    return OTELC_OK;
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
