/* SPDX-License-Identifier: Apache-2.0 */
/* The OpenTelemetry `ot` tracestate entry: reading th and rv, encoding thresholds, and
 * building a tracestate with th set or erased (TraceState: Probability Sampling). */
#include <math.h>

#include "propagators/tracestate_internal.h"
#include "sampler_internal.h"

/* Longest ot value: the limit the OpenTelemetry tracestate handling rules set. */
#define OT_VALUE_MAX 256

/* A hex digit's value, either case; -1 for anything else (NUL included). */
static int hex_digit(char c)
{
    static const char digits[] = "0123456789abcdef";
    char lower = (c >= 'A' && c <= 'F') ? (char)(c - 'A' + 'a') : c;
    const char *d = lower ? memchr(digits, lower, 16) : NULL;
    return d ? (int)(d - digits) : -1;
}

/* 1 to 14 hex digits, extended with zeros on the right to 14: a 56-bit value. */
static int parse_hex56(const char *s, size_t n, uint64_t *out)
{
    if (n == 0 || n > 14)
        return -1;
    uint64_t v = 0;
    for (size_t i = 0; i < n; i++) {
        int d = hex_digit(s[i]);
        if (d < 0)
            return -1;
        v = (v << 4) | (uint64_t)d;
    }
    *out = v << (4 * (14 - n));
    return 0;
}

/* Calls fn for each `key:value` sub-member of an ot value; members without ':' are skipped. */
static void each_sub(const char *v, size_t len,
                     void (*fn)(const char *k, size_t kl, const char *sv, size_t sl, void *ud),
                     void *ud)
{
    const char *p = v, *end = v + len;
    while (p < end) {
        const char *semi = memchr(p, ';', (size_t)(end - p));
        const char *next = semi ? semi : end;
        const char *colon = memchr(p, ':', (size_t)(next - p));
        if (colon)
            fn(p, (size_t)(colon - p), colon + 1, (size_t)(next - colon - 1), ud);
        p = next + 1;
    }
}

static void read_sub(const char *k, size_t kl, const char *v, size_t vl, void *ud)
{
    struct otelc__ot *ot = ud;
    if (kl == 2 && k[0] == 't' && k[1] == 'h')
        ot->has_th = parse_hex56(v, vl, &ot->th) == 0;
    else if (kl == 2 && k[0] == 'r' && k[1] == 'v')
        ot->has_rv = vl == 14 && parse_hex56(v, vl, &ot->rv) == 0;
}

static int find_ot(const char *k, size_t kl, const char *v, size_t vl, void *ud)
{
    struct otelc__ot *ot = ud;
    if (kl != 2 || k[0] != 'o' || k[1] != 't')
        return 0;
    ot->value = v;
    ot->len = vl;
    return 1;
}

void otelc__ot_read(const otelc_tracestate *ts, struct otelc__ot *ot)
{
    memset(ot, 0, sizeof *ot);
    if (otelc__tracestate_iter(ts, find_ot, ot))
        each_sub(ot->value, ot->len, read_sub, ot);
}

size_t otelc__th_format(uint64_t threshold, char out[15])
{
    static const char hex[] = "0123456789abcdef";
    if (threshold == 0) {
        out[0] = '0';
        out[1] = '\0';
        return 1;
    }
    size_t n = 14;
    for (size_t i = 0; i < 14; i++)
        out[i] = hex[(threshold >> (4 * (13 - i))) & 15];
    while (out[n - 1] == '0')
        n--;
    out[n] = '\0';
    return n;
}

uint64_t otelc__probability_threshold(double p)
{
    uint64_t t = otelc__ratio_threshold(p);
    if (t == 0 || t >= OTELC__R56_COUNT)
        return t;
    /* Four significant digits, plus one for each leading hex zero of p, so that small
     * probabilities keep four digits of their own (0.01 gives fd70a, not fd71). */
    int exp;
    frexp(p, &exp);
    int precision = 4 + (-exp) / 4;
    if (precision > 12)
        precision = 12;
    unsigned shift = 4u * (unsigned)(14 - precision);
    uint64_t rounded = ((t + (UINT64_C(1) << (shift - 1))) >> shift) << shift;
    /* Rounding up past the last threshold would mean "never"; keep the largest one instead. */
    if (rounded >= OTELC__R56_COUNT)
        rounded = OTELC__R56_COUNT - (UINT64_C(1) << shift);
    return rounded;
}

/* The ot value being built: th first, then the old sub-members other than th. */
struct ot_builder {
    char buf[OT_VALUE_MAX + 1];
    size_t len;
    int overflow;
};

static void put(struct ot_builder *b, const char *s, size_t n)
{
    if (b->overflow || b->len + n > OT_VALUE_MAX) {
        b->overflow = 1;
        return;
    }
    memcpy(b->buf + b->len, s, n);
    b->len += n;
}

static void keep_other(const char *k, size_t kl, const char *v, size_t vl, void *ud)
{
    struct ot_builder *b = ud;
    if (kl == 2 && k[0] == 't' && k[1] == 'h')
        return;
    if (b->len > 0)
        put(b, ";", 1);
    put(b, k, kl + 1 + vl); /* "key:value" is contiguous in the old value */
}

static void build(struct ot_builder *b, const struct otelc__ot *ot, const char *th_hex)
{
    b->len = 0;
    b->overflow = 0;
    if (th_hex) {
        put(b, "th:", 3);
        put(b, th_hex, strlen(th_hex));
    }
    if (ot->value)
        each_sub(ot->value, ot->len, keep_other, b);
}

int otelc__ot_with_th(const otelc_tracestate *ts, const struct otelc__ot *ot, const char *th_hex,
                      otelc_tracestate **out)
{
    struct ot_builder b;
    build(&b, ot, th_hex);
    if (b.overflow && th_hex) {
        /* The rules say to abort a set that does not fit; a span without th only has an
         * unknown probability, while a stale th would misstate it, so th is erased. */
        build(&b, ot, NULL);
    }
    if (b.overflow)
        return OTELC_ERANGE;
    return otelc__tracestate_with(ts, "ot", 2, b.len ? b.buf : NULL, b.len, out);
}
