/* SPDX-License-Identifier: Apache-2.0 */
/* The W3C Trace Context propagator: `traceparent` and `tracestate` in, and out. */
#include "otelc/trace.h"
#include "propagator_internal.h"
#include "sdk/trace/context_internal.h"
#include "tracestate_internal.h"

/* More tracestate fields than members a tracestate may hold cannot all be non-empty; past this
 * many the header is discarded, which bounds the work a peer can ask for. */
#define MAX_TRACESTATE_FIELDS 64

static const char *const fields[] = {"traceparent", "tracestate"};

static const char *const *tc_fields(void *ud, size_t *count)
{
    (void)ud;
    *count = 2;
    return fields;
}

static int tc_inject(void *ud, const otelc_context *ctx, const otelc_carrier_setter *setter)
{
    (void)ud;
    otelc_span_context sc = otelc_span_get_context(otelc_context_get_span(ctx));
    char tp[OTELC_TRACEPARENT_SIZE];
    size_t n = otelc_traceparent_from_span_context(tp, &sc);
    if (n == 0)
        return OTELC_OK;
    int rc = otelc__carrier_set(setter, "traceparent", tp, n);
    if (rc != OTELC_OK || !sc.tracestate)
        return rc;
    char ts[OTELC__TRACESTATE_PROPAGATE_MAX + 1];
    n = otelc__tracestate_write(sc.tracestate, ts, sizeof ts);
    return n ? otelc__carrier_set(setter, "tracestate", ts, n) : OTELC_OK;
}

/* Reads every tracestate field as one joined header; NULL (no error) when absent or invalid. */
static int read_tracestate(const otelc_carrier_getter *g, otelc_tracestate **out)
{
    const char *parts[MAX_TRACESTATE_FIELDS];
    size_t lens[MAX_TRACESTATE_FIELDS];
    size_t n = 0;
    *out = NULL;
    while (otelc__carrier_get(g, "tracestate", n, &parts[n], &lens[n])) {
        if (++n == MAX_TRACESTATE_FIELDS)
            return OTELC_OK;
    }
    int rc = otelc__tracestate_from_parts(out, parts, lens, n);
    return rc == OTELC_EPARSE ? OTELC_OK : rc;
}

static int tc_extract(void *ud, const otelc_context *base, const otelc_carrier_getter *g,
                      otelc_context **out)
{
    (void)ud;
    const char *v, *extra;
    size_t len, extra_len;
    otelc_span_context sc;
    /* Two traceparent fields are invalid, and an invalid traceparent discards the tracestate
     * too: the context stays as it was, so a new trace starts. */
    if (!otelc__carrier_get(g, "traceparent", 0, &v, &len) ||
        otelc__carrier_get(g, "traceparent", 1, &extra, &extra_len) ||
        otelc_traceparent_parse(v, len, &sc) != OTELC_OK) {
        *out = otelc_context_ref(base);
        return OTELC_OK;
    }
    otelc_tracestate *ts;
    int rc = read_tracestate(g, &ts);
    if (rc != OTELC_OK)
        return rc;
    sc.tracestate = ts;
    /* A B3 debug flag belonged to the span this one replaces. */
    rc = otelc__context_with_remote(base, &sc, (uint8_t)(base->flags & ~OTELC__CTX_B3_DEBUG),
                                    out);
    otelc_tracestate_free(ts);
    return rc;
}

static const otelc_propagator_methods tc_methods = {
    .version = OTELC_PROPAGATOR_METHODS_VERSION,
    .inject = tc_inject,
    .extract = tc_extract,
    .fields = tc_fields,
};

OTELC_API int otelc_propagator_tracecontext(otelc_propagator **out)
{
    return otelc_propagator_new(out, &tc_methods, NULL);
}
