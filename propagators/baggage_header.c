/* SPDX-License-Identifier: Apache-2.0 */
/* The W3C `baggage` header: parsing (percent-decoding, properties kept opaque, invalid members
 * skipped) and writing (percent-encoding, limits, whole members only). */
#include <ctype.h>
#include <stdint.h>
#include <string.h>

#include "baggage_internal.h"
#include "propagator_internal.h"
#include "sdk/common/log_internal.h"

static int is_ows(char c) { return c == ' ' || c == '\t'; }

static void trim(const char **s, size_t *n)
{
    while (*n > 0 && is_ows((*s)[0])) {
        (*s)++;
        (*n)--;
    }
    while (*n > 0 && is_ows((*s)[*n - 1]))
        (*n)--;
}

/* Character classes, as masks for otelc__in_class(). */
/* tchar (RFC 7230): ALPHA, DIGIT and !#$%&'*+-.^_`|~ */
static const uint32_t token_mask[4] = {0x00000000, 0x03ff6cfa, 0xc7fffffe, 0x57ffffff};
/* baggage-octet: %x21 / %x23-2B / %x2D-3A / %x3C-5B / %x5D-7E, i.e. printable ASCII but
 * space, '"', ',', ';' and '\'. */
static const uint32_t octet_mask[4] = {0x00000000, 0xf7ffeffa, 0xefffffff, 0x7fffffff};
/* The octets written as they are: baggage-octet without '%', which starts an escape. */
static const uint32_t plain_mask[4] = {0x00000000, 0xf7ffefda, 0xefffffff, 0x7fffffff};

int otelc__baggage_is_token(const char *s, size_t n)
{
    if (n == 0)
        return 0;
    for (size_t i = 0; i < n; i++)
        if (!otelc__in_class(token_mask, (unsigned char)s[i]))
            return 0;
    return 1;
}

int otelc__baggage_is_octet(unsigned char c) { return otelc__in_class(octet_mask, c); }

/* A value: baggage-octets whose escapes are complete and do not decode to NUL (values are
 * C strings in the API). */
static int valid_value(const char *v, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (!otelc__baggage_is_octet((unsigned char)v[i]))
            return 0;
        if (v[i] != '%')
            continue;
        if (n - i < 3 || !isxdigit((unsigned char)v[i + 1]) ||
            !isxdigit((unsigned char)v[i + 2]) ||
            (v[i + 1] == '0' && v[i + 2] == '0'))
            return 0;
        i += 2;
    }
    return 1;
}

int otelc__baggage_valid_properties(const char *s, size_t n)
{
    const char *end = s + n;
    while (n > 0) {
        const char *semi = memchr(s, ';', (size_t)(end - s));
        const char *p = s;
        size_t plen = (size_t)((semi ? semi : end) - s);
        trim(&p, &plen);
        const char *eq = memchr(p, '=', plen);
        const char *k = p;
        size_t klen = eq ? (size_t)(eq - p) : plen;
        trim(&k, &klen);
        if (!otelc__baggage_is_token(k, klen))
            return 0;
        if (eq) {
            const char *v = eq + 1;
            size_t vlen = (size_t)(p + plen - v);
            trim(&v, &vlen);
            for (size_t i = 0; i < vlen; i++)
                if (!otelc__baggage_is_octet((unsigned char)v[i]))
                    return 0;
        }
        if (!semi)
            break;
        s = semi + 1;
        n = (size_t)(end - s);
        if (n == 0)
            return 0; /* a trailing ';' announces a property that is not there */
    }
    return 1;
}

/* The members kept so far while parsing, with their size in header form. */
struct parse_state {
    struct otelc__baggage_member m[OTELC__BAGGAGE_MAX_MEMBERS];
    size_t text_len[OTELC__BAGGAGE_MAX_MEMBERS];
    size_t count;
    size_t bytes; /* members' text plus the commas between them */
    size_t dropped;
};

/* Reads one trimmed, non-empty member; 0 when it breaks a rule (it is then skipped). */
static int parse_member(const char *s, size_t n, struct otelc__baggage_member *out)
{
    const char *semi = memchr(s, ';', n);
    size_t kvlen = semi ? (size_t)(semi - s) : n;
    const char *eq = memchr(s, '=', kvlen);
    if (!eq)
        return 0;
    const char *k = s, *v = eq + 1;
    size_t klen = (size_t)(eq - s), vlen = (size_t)(s + kvlen - v);
    trim(&k, &klen);
    trim(&v, &vlen);
    if (!otelc__baggage_is_token(k, klen) || !valid_value(v, vlen))
        return 0;
    const char *meta = semi ? semi + 1 : s + n;
    size_t mlen = (size_t)(s + n - meta);
    trim(&meta, &mlen);
    if (semi && (mlen == 0 || !otelc__baggage_valid_properties(meta, mlen)))
        return 0;
    out->key = k;
    out->key_len = klen;
    out->value = v;
    out->value_len = vlen;
    out->meta = meta;
    out->meta_len = mlen;
    out->encoded = 1;
    return 1;
}

static void keep(struct parse_state *st, const struct otelc__baggage_member *nm, size_t len)
{
    /* A repeated key: the later member wins, in the earlier one's place. */
    for (size_t i = 0; i < st->count; i++) {
        if (st->m[i].key_len != nm->key_len || memcmp(st->m[i].key, nm->key, nm->key_len) != 0)
            continue;
        if (st->bytes - st->text_len[i] + len > OTELC__BAGGAGE_MAX_BYTES) {
            st->dropped++;
            return;
        }
        st->bytes = st->bytes - st->text_len[i] + len;
        st->m[i] = *nm;
        st->text_len[i] = len;
        return;
    }
    size_t need = len + (st->count ? 1 : 0);
    if (st->count == OTELC__BAGGAGE_MAX_MEMBERS || st->bytes + need > OTELC__BAGGAGE_MAX_BYTES) {
        st->dropped++;
        return;
    }
    st->m[st->count] = *nm;
    st->text_len[st->count] = len;
    st->count++;
    st->bytes += need;
}

static void parse_part(struct parse_state *st, const char *h, size_t len)
{
    const char *p = h, *end = h + len;
    for (;;) {
        const char *comma = memchr(p, ',', (size_t)(end - p));
        const char *s = p;
        size_t n = (size_t)((comma ? comma : end) - p);
        trim(&s, &n);
        struct otelc__baggage_member m;
        if (n > 0) {
            if (parse_member(s, n, &m))
                keep(st, &m, n);
            else
                st->dropped++;
        }
        if (!comma)
            return;
        p = comma + 1;
    }
}

int otelc__baggage_from_parts(otelc_baggage **out, const char *const *parts,
                              const size_t *lens, size_t n)
{
    struct parse_state st;
    st.count = st.bytes = st.dropped = 0;
    for (size_t i = 0; i < n; i++)
        parse_part(&st, parts[i], lens[i]);
    if (st.dropped)
        OTELC__LOG_THROTTLED(OTELC_LOG_DEBUG, "baggage: %zu member(s) invalid or over the "
                                              "limits were skipped", st.dropped);
    return otelc__baggage_build(out, st.m, st.count);
}

OTELC_API int otelc_baggage_from_header(otelc_baggage **out, const char *header, size_t len)
{
    if (!out || (!header && len > 0))
        return OTELC_EINVAL;
    if (!header)
        header = "";
    return otelc__baggage_from_parts(out, &header, &len, 1);
}

/* ---- writing --------------------------------------------------------------------------- */

static int needs_escape(unsigned char c) { return !otelc__in_class(plain_mask, c); }

static size_t encoded_len(const char *v, size_t n)
{
    size_t len = n;
    for (size_t i = 0; i < n; i++)
        if (needs_escape((unsigned char)v[i]))
            len += 2;
    return len;
}

static char *encode(char *w, const char *v, size_t n)
{
    static const char hex[] = "0123456789ABCDEF";
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)v[i];
        if (needs_escape(c)) {
            *w++ = '%';
            *w++ = hex[c >> 4];
            *w++ = hex[c & 0x0f];
        } else {
            *w++ = (char)c;
        }
    }
    return w;
}

OTELC_API size_t otelc_baggage_to_header(const otelc_baggage *b, char *buf, size_t cap)
{
    if (!buf || cap == 0)
        return 0;
    buf[0] = '\0';
    size_t limit = cap - 1 < OTELC__BAGGAGE_MAX_BYTES ? cap - 1 : OTELC__BAGGAGE_MAX_BYTES;
    size_t pos = 0, written = 0, skipped = 0;
    otelc_baggage_entry e;
    for (size_t i = 0; otelc_baggage_entry_at(b, i, &e) == OTELC_OK; i++) {
        if (!otelc__baggage_is_token(e.key, e.key_len)) {
            skipped++;
            continue;
        }
        size_t mlen = e.key_len + 1 + encoded_len(e.value, e.value_len) +
                      (e.metadata_len ? e.metadata_len + 1 : 0);
        size_t need = mlen + (pos ? 1 : 0);
        /* A member is sent whole or not at all. */
        if (written == OTELC__BAGGAGE_MAX_MEMBERS || pos + need > limit) {
            skipped++;
            continue;
        }
        char *w = buf + pos;
        if (pos)
            *w++ = ',';
        memcpy(w, e.key, e.key_len);
        w += e.key_len;
        *w++ = '=';
        w = encode(w, e.value, e.value_len);
        if (e.metadata_len) {
            *w++ = ';';
            memcpy(w, e.metadata, e.metadata_len);
            w += e.metadata_len;
        }
        pos = (size_t)(w - buf);
        written++;
    }
    buf[pos] = '\0';
    if (skipped)
        OTELC__LOG_THROTTLED(OTELC_LOG_WARN, "baggage: %zu entr%s not propagated (a key that "
                             "is not a token, or over 64 members or 8192 bytes)", skipped,
                             skipped == 1 ? "y was" : "ies were");
    return pos;
}
