/* SPDX-License-Identifier: Apache-2.0 */
/* Span grouping and UTF-8 checks shared by the OTLP protobuf and JSON encoders. */
#include "exporters/otlp/otlp_common.h"

#include <string.h>

#include "otelc/common.h"

size_t otelc__utf8_seq(const unsigned char *p, size_t avail, size_t *skip)
{
    unsigned char lo = 0x80, hi = 0xBF;
    size_t need;
    if (p[0] >= 0xC2 && p[0] <= 0xDF) {
        need = 1;
    } else if (p[0] >= 0xE0 && p[0] <= 0xEF) {
        need = 2;
        if (p[0] == 0xE0)
            lo = 0xA0; /* overlong */
        else if (p[0] == 0xED)
            hi = 0x9F; /* UTF-16 surrogates */
    } else if (p[0] >= 0xF0 && p[0] <= 0xF4) {
        need = 3;
        if (p[0] == 0xF0)
            lo = 0x90; /* overlong */
        else if (p[0] == 0xF4)
            hi = 0x8F; /* above U+10FFFF */
    } else {
        *skip = 1;
        return 0;
    }
    for (size_t k = 1; k <= need; k++) {
        if (k >= avail || p[k] < lo || p[k] > hi) {
            *skip = k;
            return 0;
        }
        lo = 0x80;
        hi = 0xBF;
    }
    return need + 1;
}

otelc_value otelc__otlp_array_element(const otelc_value *v, size_t i)
{
    switch (v->type) {
    case OTELC_VALUE_STRING_ARRAY:
        return otelc_value_str(v->u.sa[i]);
    case OTELC_VALUE_BOOL_ARRAY:
        return otelc_value_bool(v->u.ba[i]);
    case OTELC_VALUE_INT_ARRAY:
        return otelc_value_int(v->u.ia[i]);
    case OTELC_VALUE_DOUBLE_ARRAY:
        return otelc_value_double(v->u.da[i]);
    default: {
        otelc_value none;
        memset(&none, 0, sizeof none);
        return none;
    }
    }
}

static int same_str(const char *a, const char *b)
{
    return strcmp(a ? a : "", b ? b : "") == 0;
}

/* A provider has one tracer, with one set of attributes, per (name, version, schema URL), so
 * within a resource those three identify the scope. */
static int same_group(const struct otelc__otlp_slot *g, const otelc_resource *res,
                      const otelc_scope_info *sc)
{
    return g->res == res && same_str(g->scope.name, sc->name) &&
           same_str(g->scope.version, sc->version) &&
           same_str(g->scope.schema_url, sc->schema_url);
}

size_t otelc__otlp_group_spans(otelc_span *const *spans, size_t n, struct otelc__otlp_slot *slots)
{
    size_t groups = 0, last = SIZE_MAX;
    for (size_t i = 0; i < n; i++) {
        slots[i].group_of = SIZE_MAX;
        if (!spans[i])
            continue;
        const otelc_resource *res = otelc_span_get_resource(spans[i]);
        otelc_scope_info sc = otelc_span_get_scope(spans[i]);
        /* Neighbouring spans usually share a group: try the last one first. */
        size_t g = last;
        if (g == SIZE_MAX || !same_group(&slots[g], res, &sc)) {
            for (g = 0; g < groups && !same_group(&slots[g], res, &sc); g++)
                ;
            if (g == groups) {
                slots[g].res = res;
                slots[g].scope = sc;
                groups++;
            }
        }
        slots[i].group_of = g;
        last = g;
    }
    return groups;
}

int otelc__otlp_first_of_resource(const struct otelc__otlp_slot *slots, size_t g)
{
    for (size_t h = 0; h < g; h++) {
        if (slots[h].res == slots[g].res)
            return 0;
    }
    return 1;
}

int otelc__otlp_export_split(otelc__otlp_batch_fn send, void *ud, otelc_span *const *spans,
                             size_t n, uint64_t deadline)
{
    int rc = send(ud, spans, n, deadline);
    if (rc != OTELC__OTLP_SPLIT_ME)
        return rc;
    size_t half = n / 2;
    int a = otelc__otlp_export_split(send, ud, spans, half, deadline);
    int b = otelc__otlp_export_split(send, ud, spans + half, n - half, deadline);
    return a != OTELC_OK ? a : b;
}
