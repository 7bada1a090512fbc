/* SPDX-License-Identifier: Apache-2.0 */
/* B3 propagation (Zipkin): the single `b3` header and the `x-b3-*` headers. Both forms are
 * extracted, the single one first; the propagator's flavour decides which one is injected. */
#include <string.h>

#include "otelc/trace.h"
#include "propagator_internal.h"
#include "sdk/trace/context_internal.h"

/* What a B3 carrier holds once read: a span context and the debug flag. */
struct b3_in {
    otelc_span_context sc;
    int debug;
};

static void trim(const char **s, size_t *n)
{
    while (*n > 0 && ((*s)[0] == ' ' || (*s)[0] == '\t')) {
        (*s)++;
        (*n)--;
    }
    while (*n > 0 && ((*s)[*n - 1] == ' ' || (*s)[*n - 1] == '\t'))
        (*n)--;
}

/* A trace id of 32 or 16 lowercase hex digits; a 64-bit one is padded on the left. */
static int parse_trace_id(const char *s, size_t n, uint8_t out[16])
{
    memset(out, 0, 16);
    if (n == 32)
        return otelc__hex_decode(s, 16, out);
    if (n == 16)
        return otelc__hex_decode(s, 8, out + 8);
    return -1;
}

static int parse_span_id(const char *s, size_t n, uint8_t out[8])
{
    return n == 16 ? otelc__hex_decode(s, 8, out) : -1;
}

static int ids_valid(const struct b3_in *in)
{
    return !otelc__all_zero(in->sc.trace_id, 16) && !otelc__all_zero(in->sc.span_id, 8);
}

/* b3: {TraceId}-{SpanId}[-{SamplingState}[-{ParentSpanId}]]. A lone sampling state carries
 * no ids, so there is nothing to extract from it. */
int otelc__b3_parse_single(const char *s, size_t n, otelc_span_context *sc, int *debug)
{
    struct b3_in in;
    memset(&in, 0, sizeof in);
    trim(&s, &n);
    const char *f[4];
    size_t fl[4];
    size_t nf = 0;
    const char *p = s, *end = s + n;
    for (;;) {
        const char *dash = memchr(p, '-', (size_t)(end - p));
        if (nf == 4)
            return -1;
        f[nf] = p;
        fl[nf++] = (size_t)((dash ? dash : end) - p);
        if (!dash)
            break;
        p = dash + 1;
    }
    if (nf < 2 || parse_trace_id(f[0], fl[0], in.sc.trace_id) != 0 ||
        parse_span_id(f[1], fl[1], in.sc.span_id) != 0 || !ids_valid(&in))
        return -1;
    if (nf >= 3) {
        if (fl[2] != 1)
            return -1;
        if (f[2][0] == '1')
            in.sc.trace_flags = OTELC_TRACE_FLAG_SAMPLED;
        else if (f[2][0] == 'd')
            in.debug = 1;
        else if (f[2][0] != '0')
            return -1;
    }
    uint8_t parent[8];
    if (nf == 4 && parse_span_id(f[3], fl[3], parent) != 0)
        return -1;
    *sc = in.sc;
    *debug = in.debug;
    return 0;
}

static int get_trimmed(const otelc_carrier_getter *g, const char *name, const char **v,
                       size_t *n)
{
    if (!otelc__carrier_get(g, name, 0, v, n))
        return 0;
    trim(v, n);
    return 1;
}

static int is(const char *v, size_t n, const char *lit)
{
    return n == strlen(lit) && memcmp(v, lit, n) == 0;
}

static int extract_multi(const otelc_carrier_getter *g, struct b3_in *in)
{
    const char *v;
    size_t n;
    memset(in, 0, sizeof *in);
    if (!get_trimmed(g, "x-b3-traceid", &v, &n) || parse_trace_id(v, n, in->sc.trace_id) != 0)
        return -1;
    if (!get_trimmed(g, "x-b3-spanid", &v, &n) || parse_span_id(v, n, in->sc.span_id) != 0)
        return -1;
    if (!ids_valid(in))
        return -1;
    if (get_trimmed(g, "x-b3-sampled", &v, &n)) {
        /* "true" and "false" come from old Zipkin clients. */
        if (is(v, n, "1") || is(v, n, "true"))
            in->sc.trace_flags = OTELC_TRACE_FLAG_SAMPLED;
        else if (!is(v, n, "0") && !is(v, n, "false"))
            return -1;
    }
    if (get_trimmed(g, "x-b3-flags", &v, &n)) {
        if (is(v, n, "1"))
            in->debug = 1;
        else if (!is(v, n, "0"))
            return -1;
    }
    return 0;
}

static int b3_extract(void *ud, const otelc_context *base, const otelc_carrier_getter *g,
                      otelc_context **out)
{
    (void)ud;
    struct b3_in in;
    const char *v;
    size_t n;
    /* The single header wins; when it is invalid the multi headers get their chance. */
    int ok = otelc__carrier_get(g, "b3", 0, &v, &n) &&
             otelc__b3_parse_single(v, n, &in.sc, &in.debug) == 0;
    if (!ok)
        ok = extract_multi(g, &in) == 0;
    if (!ok) {
        *out = otelc_context_ref(base);
        return OTELC_OK;
    }
    /* Debug implies sampled; the debug flag itself travels in the context to be sent on. */
    if (in.debug)
        in.sc.trace_flags |= OTELC_TRACE_FLAG_SAMPLED;
    in.sc.is_remote = 1;
    in.sc.tracestate = NULL;
    uint8_t flags = (uint8_t)((base->flags & ~OTELC__CTX_B3_DEBUG) |
                              (in.debug ? OTELC__CTX_B3_DEBUG : 0));
    return otelc__context_with_remote(base, &in.sc, flags, out);
}

/* The span context to send, or 0 when the context holds no valid span. */
static int outgoing(const otelc_context *ctx, otelc_span_context *sc, int *debug)
{
    *sc = otelc_span_get_context(otelc_context_get_span(ctx));
    *debug = (ctx->flags & OTELC__CTX_B3_DEBUG) != 0;
    return otelc_span_context_is_valid(sc);
}

static int b3_single_inject(void *ud, const otelc_context *ctx, const otelc_carrier_setter *s)
{
    (void)ud;
    otelc_span_context sc;
    int debug;
    if (!outgoing(ctx, &sc, &debug))
        return OTELC_OK;
    /* The parent span id is never sent: OpenTelemetry does not share span ids. */
    char buf[32 + 1 + 16 + 1 + 1 + 1];
    otelc__hex_encode(buf, sc.trace_id, 16);
    buf[32] = '-';
    otelc__hex_encode(buf + 33, sc.span_id, 8);
    buf[49] = '-';
    buf[50] = debug ? 'd' : (otelc_span_context_is_sampled(&sc) ? '1' : '0');
    buf[51] = '\0';
    return otelc__carrier_set(s, "b3", buf, 51);
}

static int b3_multi_inject(void *ud, const otelc_context *ctx, const otelc_carrier_setter *s)
{
    (void)ud;
    otelc_span_context sc;
    int debug;
    if (!outgoing(ctx, &sc, &debug))
        return OTELC_OK;
    char tid[33], sid[17];
    otelc__hex_encode(tid, sc.trace_id, 16);
    tid[32] = '\0';
    otelc__hex_encode(sid, sc.span_id, 8);
    sid[16] = '\0';
    int rc = otelc__carrier_set(s, "x-b3-traceid", tid, 32);
    if (rc == OTELC_OK)
        rc = otelc__carrier_set(s, "x-b3-spanid", sid, 16);
    if (rc != OTELC_OK)
        return rc;
    /* Debug implies sampled, so X-B3-Sampled is left out with it (the B3 rule). */
    if (debug)
        return otelc__carrier_set(s, "x-b3-flags", "1", 1);
    return otelc__carrier_set(s, "x-b3-sampled", otelc_span_context_is_sampled(&sc) ? "1" : "0",
                              1);
}

static const char *const single_fields[] = {"b3"};
static const char *const multi_fields[] = {"x-b3-traceid", "x-b3-spanid", "x-b3-sampled",
                                           "x-b3-flags"};

static const char *const *b3_single_fields(void *ud, size_t *count)
{
    (void)ud;
    *count = 1;
    return single_fields;
}

static const char *const *b3_multi_fields(void *ud, size_t *count)
{
    (void)ud;
    *count = 4;
    return multi_fields;
}

static const otelc_propagator_methods single_methods = {
    .version = OTELC_PROPAGATOR_METHODS_VERSION,
    .inject = b3_single_inject,
    .extract = b3_extract,
    .fields = b3_single_fields,
};

static const otelc_propagator_methods multi_methods = {
    .version = OTELC_PROPAGATOR_METHODS_VERSION,
    .inject = b3_multi_inject,
    .extract = b3_extract,
    .fields = b3_multi_fields,
};

OTELC_API int otelc_propagator_b3(otelc_propagator **out)
{
    return otelc_propagator_new(out, &single_methods, NULL);
}

OTELC_API int otelc_propagator_b3multi(otelc_propagator **out)
{
    return otelc_propagator_new(out, &multi_methods, NULL);
}
