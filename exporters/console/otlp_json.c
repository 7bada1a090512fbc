/* SPDX-License-Identifier: Apache-2.0 */
/* The OTLP/JSON encoder of spans (one ExportTraceServiceRequest grouped by resource and scope)
 * and the JSON writers that the metrics encoder shares. */
#include "exporters/console/otlp_json.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "exporters/console/otlp_json_write.h"
#include "exporters/otlp/otlp_common.h"
#include "sdk/common/alloc.h"

/* Requests of up to this many spans are grouped without allocating (the console exporter
 * encodes one span at a time). */
#define STACK_SLOTS 8

/* A JSON string of len bytes at s: escaped, with invalid UTF-8 replaced by U+FFFD, so that a
 * strict receiver never rejects the whole request for one bad attribute. */
static void put_string(struct otelc__buf *b, const char *s, size_t len)
{
    static const char hex[] = "0123456789abcdef";
    const unsigned char *p = (const unsigned char *)(s ? s : "");
    size_t start = 0, i = 0;
    if (!s)
        len = 0;
    otelc__buf_append_char(b, '"');
    while (i < len) {
        unsigned char c = p[i];
        if (c >= 0x20 && c < 0x80 && c != '"' && c != '\\') {
            i++;
            continue;
        }
        size_t skip = 0, seq = c >= 0x80 ? otelc__utf8_seq(p + i, len - i, &skip) : 0;
        if (seq) {
            i += seq;
            continue;
        }
        otelc__buf_append(b, p + start, i - start);
        if (c >= 0x80) {
            otelc__buf_append_str(b, "\xEF\xBF\xBD");
            i += skip;
        } else {
            char esc[6] = {'\\', 'u', '0', '0', hex[c >> 4], hex[c & 0xf]};
            size_t n = 2;
            switch (c) {
            case '"':
                esc[1] = '"';
                break;
            case '\\':
                esc[1] = '\\';
                break;
            case '\b':
                esc[1] = 'b';
                break;
            case '\f':
                esc[1] = 'f';
                break;
            case '\n':
                esc[1] = 'n';
                break;
            case '\r':
                esc[1] = 'r';
                break;
            case '\t':
                esc[1] = 't';
                break;
            default:
                n = 6;
                break;
            }
            otelc__buf_append(b, esc, n);
            i++;
        }
        start = i;
    }
    otelc__buf_append(b, p + start, len - start);
    otelc__buf_append_char(b, '"');
}

void otelc__json_cstr(struct otelc__buf *b, const char *s)
{
    put_string(b, s, s ? strlen(s) : 0);
}

/* A 64-bit integer as a JSON string (the protobuf JSON mapping of int64/fixed64). */
void otelc__json_u64_string(struct otelc__buf *b, uint64_t v)
{
    otelc__buf_append_char(b, '"');
    otelc__buf_append_u64(b, v);
    otelc__buf_append_char(b, '"');
}

/* Ids as lowercase hex: OTLP/JSON's exception to the protobuf JSON mapping of bytes. */
void otelc__json_hex(struct otelc__buf *b, const uint8_t *p, size_t n)
{
    otelc__buf_append_char(b, '"');
    otelc__buf_append_hex(b, p, n);
    otelc__buf_append_char(b, '"');
}

/* Bytes values in standard base64 with padding (the protobuf JSON mapping of bytes). */
static void put_base64(struct otelc__buf *b, const uint8_t *p, size_t n)
{
    static const char tbl[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    if (n / 3 >= SIZE_MAX / 4 - 1 || otelc__buf_reserve(b, (n / 3 + 1) * 4 + 2) != 0) {
        b->oom = 1;
        return;
    }
    char *out = b->data + b->len;
    size_t o = 0, i = 0;
    out[o++] = '"';
    for (; i + 2 < n; i += 3) {
        uint32_t v = (uint32_t)p[i] << 16 | (uint32_t)p[i + 1] << 8 | p[i + 2];
        out[o++] = tbl[v >> 18];
        out[o++] = tbl[(v >> 12) & 63];
        out[o++] = tbl[(v >> 6) & 63];
        out[o++] = tbl[v & 63];
    }
    if (i < n) {
        uint32_t v = (uint32_t)p[i] << 16 | (i + 1 < n ? (uint32_t)p[i + 1] << 8 : 0);
        out[o++] = tbl[v >> 18];
        out[o++] = tbl[(v >> 12) & 63];
        out[o++] = i + 1 < n ? tbl[(v >> 6) & 63] : '=';
        out[o++] = '=';
    }
    out[o++] = '"';
    b->len += o;
    b->data[b->len] = '\0';
}

/* The shortest %g form that reads back as d, with '.' as the decimal point whatever the
 * locale; NaN and the infinities as the strings of the protobuf JSON mapping. */
void otelc__json_double(struct otelc__buf *b, double d)
{
    if (isnan(d)) {
        otelc__buf_append_str(b, "\"NaN\"");
        return;
    }
    if (isinf(d)) {
        otelc__buf_append_str(b, d > 0 ? "\"Infinity\"" : "\"-Infinity\"");
        return;
    }
    char tmp[40];
    for (int prec = 15; prec <= 17; prec++) {
        snprintf(tmp, sizeof tmp, "%.*g", prec, d);
        /* strtod reads the same locale that snprintf wrote. */
        double back = strtod(tmp, NULL);
        if (memcmp(&back, &d, sizeof d) == 0)
            break;
    }
    int in_point = 0;
    for (const char *c = tmp; *c; c++) {
        int plain = (*c >= '0' && *c <= '9') || *c == '-' || *c == '+' || *c == 'e';
        if (plain)
            otelc__buf_append_char(b, *c);
        else if (!in_point)
            otelc__buf_append_char(b, '.');
        in_point = !plain;
    }
}

/* Writes the separator before a list element or object member. */
void otelc__json_sep(struct otelc__buf *b, int *first)
{
    if (!*first)
        otelc__buf_append_char(b, ',');
    *first = 0;
}

/* Writes `"key":` (key is a literal that needs no escaping). */
void otelc__json_member(struct otelc__buf *b, int *first, const char *key)
{
    otelc__json_sep(b, first);
    otelc__buf_append_char(b, '"');
    otelc__buf_append_str(b, key);
    otelc__buf_append_str(b, "\":");
}

static void put_value(struct otelc__buf *b, const otelc_value *v);

/* An AnyValue object. */
static void put_value(struct otelc__buf *b, const otelc_value *v)
{
    switch (v->type) {
    case OTELC_VALUE_STRING:
        otelc__buf_append_str(b, "{\"stringValue\":");
        put_string(b, v->u.s, v->len);
        break;
    case OTELC_VALUE_BOOL:
        otelc__buf_append_str(b, v->u.b ? "{\"boolValue\":true" : "{\"boolValue\":false");
        break;
    case OTELC_VALUE_INT:
        otelc__buf_append_str(b, "{\"intValue\":\"");
        otelc__buf_append_i64(b, v->u.i);
        otelc__buf_append_char(b, '"');
        break;
    case OTELC_VALUE_DOUBLE:
        otelc__buf_append_str(b, "{\"doubleValue\":");
        otelc__json_double(b, v->u.d);
        break;
    case OTELC_VALUE_BYTES:
        otelc__buf_append_str(b, "{\"bytesValue\":");
        put_base64(b, v->u.bytes, v->u.bytes ? v->len : 0);
        break;
    case OTELC_VALUE_STRING_ARRAY:
    case OTELC_VALUE_BOOL_ARRAY:
    case OTELC_VALUE_INT_ARRAY:
    case OTELC_VALUE_DOUBLE_ARRAY: {
        int first = 1;
        otelc__buf_append_str(b, "{\"arrayValue\":{");
        if (v->len && v->u.ia) {
            otelc__json_member(b, &first, "values");
            otelc__buf_append_char(b, '[');
            for (size_t i = 0; i < v->len; i++) {
                if (i)
                    otelc__buf_append_char(b, ',');
                otelc_value e = otelc__otlp_array_element(v, i);
                put_value(b, &e);
            }
            otelc__buf_append_char(b, ']');
        }
        otelc__buf_append_char(b, '}');
        break;
    }
    default:
        /* OTELC_VALUE_NONE (or an unknown type): an empty AnyValue. */
        otelc__buf_append_char(b, '{');
        break;
    }
    otelc__buf_append_char(b, '}');
}

/* One KeyValue list element. */
static void put_kv(struct otelc__buf *b, int *first, const otelc_attr *a)
{
    if (!a)
        return;
    otelc__json_sep(b, first);
    otelc__buf_append_str(b, "{\"key\":");
    otelc__json_cstr(b, a->key);
    otelc__buf_append_str(b, ",\"value\":");
    put_value(b, &a->value);
    otelc__buf_append_char(b, '}');
}

/* Writes the i-th element of a list (with its separator, unless it skips the element). */

/* The member `"key":[...]` of n elements, left out when n is 0 (empty repeated fields are
 * not written in the protobuf JSON mapping). */
void otelc__json_list(struct otelc__buf *b, int *first, const char *key, size_t n,
                      otelc__json_item_fn item, const void *ctx)
{
    int first_item = 1;
    if (!n)
        return;
    otelc__json_member(b, first, key);
    otelc__buf_append_char(b, '[');
    for (size_t i = 0; i < n; i++)
        item(b, &first_item, ctx, i);
    otelc__buf_append_char(b, ']');
}

void otelc__json_attr_item(struct otelc__buf *b, int *first, const void *ctx, size_t i)
{
    put_kv(b, first, &((const otelc_attr *)ctx)[i]);
}

static void span_attr_item(struct otelc__buf *b, int *first, const void *ctx, size_t i)
{
    put_kv(b, first, otelc_span_get_attr(ctx, i));
}

static void resource_attr_item(struct otelc__buf *b, int *first, const void *ctx, size_t i)
{
    put_kv(b, first, otelc_resource_attr_at(ctx, i));
}

/* The member `"attributes":[...]` of a contiguous attribute array, left out when empty. */
void otelc__json_attrs(struct otelc__buf *b, int *first, const otelc_attr *attrs, size_t n)
{
    otelc__json_list(b, first, "attributes", attrs ? n : 0, otelc__json_attr_item, attrs);
}

/* A count member, left out when zero (the protobuf JSON default). */
void otelc__json_count(struct otelc__buf *b, int *first, const char *key, uint64_t v)
{
    if (!v)
        return;
    otelc__json_member(b, first, key);
    otelc__buf_append_u64(b, v);
}

/* A string member, left out when NULL or empty. */
void otelc__json_opt_string(struct otelc__buf *b, int *first, const char *key, const char *s)
{
    if (!s || !*s)
        return;
    otelc__json_member(b, first, key);
    otelc__json_cstr(b, s);
}

void otelc__json_resource(struct otelc__buf *b, int *first, const otelc_resource *res)
{
    int first_res = 1;
    otelc__json_member(b, first, "resource");
    otelc__buf_append_char(b, '{');
    otelc__json_list(b, &first_res, "attributes", otelc_resource_attr_count(res),
                     resource_attr_item, res);
    otelc__buf_append_char(b, '}');
}

void otelc__json_scope(struct otelc__buf *b, int *first, const otelc_scope_info *sc)
{
    int first_scope = 1;
    otelc__json_member(b, first, "scope");
    otelc__buf_append_char(b, '{');
    otelc__json_member(b, &first_scope, "name");
    otelc__json_cstr(b, sc->name);
    otelc__json_opt_string(b, &first_scope, "version", sc->version);
    otelc__json_attrs(b, &first_scope, sc->attrs, sc->attr_count);
    otelc__buf_append_char(b, '}');
}

static void put_event(struct otelc__buf *b, const otelc_event_info *ev)
{
    int first = 1;
    otelc__buf_append_char(b, '{');
    otelc__json_member(b, &first, "timeUnixNano");
    otelc__json_u64_string(b, ev->time_ns);
    otelc__json_member(b, &first, "name");
    otelc__json_cstr(b, ev->name);
    otelc__json_attrs(b, &first, ev->attrs, ev->attr_count);
    otelc__json_count(b, &first, "droppedAttributesCount", ev->dropped_attr_count);
    otelc__buf_append_char(b, '}');
}

static void put_link(struct otelc__buf *b, const otelc_link_info *l)
{
    int first = 1;
    otelc__buf_append_char(b, '{');
    otelc__json_member(b, &first, "traceId");
    otelc__json_hex(b, l->context.trace_id, sizeof l->context.trace_id);
    otelc__json_member(b, &first, "spanId");
    otelc__json_hex(b, l->context.span_id, sizeof l->context.span_id);
    otelc__json_opt_string(b, &first, "traceState", otelc_tracestate_header(l->context.tracestate));
    otelc__json_attrs(b, &first, l->attrs, l->attr_count);
    otelc__json_count(b, &first, "droppedAttributesCount", l->dropped_attr_count);
    otelc__json_member(b, &first, "flags");
    otelc__buf_append_u64(b, otelc__otlp_span_flags(l->context.trace_flags, l->context.is_remote));
    otelc__buf_append_char(b, '}');
}

static void event_item(struct otelc__buf *b, int *first, const void *ctx, size_t i)
{
    otelc_event_info ev;
    if (!otelc_span_get_event(ctx, i, &ev))
        return;
    otelc__json_sep(b, first);
    put_event(b, &ev);
}

static void link_item(struct otelc__buf *b, int *first, const void *ctx, size_t i)
{
    otelc_link_info l;
    if (!otelc_span_get_link(ctx, i, &l))
        return;
    otelc__json_sep(b, first);
    put_link(b, &l);
}

static void put_span(struct otelc__buf *b, const otelc_span *s)
{
    otelc_span_context sc = otelc_span_get_context(s);
    uint8_t parent[8];
    uint32_t dropped_attrs = 0, dropped_events = 0, dropped_links = 0;
    int first = 1;

    otelc__buf_append_char(b, '{');
    otelc__json_member(b, &first, "traceId");
    otelc__json_hex(b, sc.trace_id, sizeof sc.trace_id);
    otelc__json_member(b, &first, "spanId");
    otelc__json_hex(b, sc.span_id, sizeof sc.span_id);
    otelc__json_opt_string(b, &first, "traceState", otelc_tracestate_header(sc.tracestate));
    if (otelc_span_get_parent_id(s, parent)) {
        otelc__json_member(b, &first, "parentSpanId");
        otelc__json_hex(b, parent, sizeof parent);
    }
    otelc__json_member(b, &first, "flags");
    otelc__buf_append_u64(b,
                          otelc__otlp_span_flags(sc.trace_flags, otelc_span_parent_is_remote(s)));
    otelc__json_member(b, &first, "name");
    otelc__json_cstr(b, otelc_span_get_name(s));
    otelc__json_member(b, &first, "kind");
    otelc__buf_append_u64(b, (uint64_t)otelc_span_get_kind(s));
    otelc__json_member(b, &first, "startTimeUnixNano");
    otelc__json_u64_string(b, otelc_span_get_start_time(s));
    otelc__json_member(b, &first, "endTimeUnixNano");
    otelc__json_u64_string(b, otelc_span_get_end_time(s));

    otelc__json_list(b, &first, "attributes", otelc_span_get_attr_count(s), span_attr_item, s);
    otelc_span_get_dropped(s, &dropped_attrs, &dropped_events, &dropped_links);
    otelc__json_count(b, &first, "droppedAttributesCount", dropped_attrs);
    otelc__json_list(b, &first, "events", otelc_span_get_event_count(s), event_item, s);
    otelc__json_count(b, &first, "droppedEventsCount", dropped_events);
    otelc__json_list(b, &first, "links", otelc_span_get_link_count(s), link_item, s);
    otelc__json_count(b, &first, "droppedLinksCount", dropped_links);

    const char *message = NULL;
    otelc_status_code code = otelc_span_get_status(s, &message);
    if (code != OTELC_STATUS_UNSET || (message && *message)) {
        int first_status = 1;
        otelc__json_member(b, &first, "status");
        otelc__buf_append_char(b, '{');
        otelc__json_opt_string(b, &first_status, "message", message);
        otelc__json_member(b, &first_status, "code");
        otelc__buf_append_u64(b, (uint64_t)code);
        otelc__buf_append_char(b, '}');
    }
    otelc__buf_append_char(b, '}');
}

static void put_scope_spans(struct otelc__buf *b, otelc_span *const *spans, size_t n,
                            const struct otelc__otlp_slot *slots, size_t g)
{
    const otelc_scope_info *sc = &slots[g].scope;
    int first = 1, first_span = 1;
    otelc__buf_append_char(b, '{');
    otelc__json_scope(b, &first, sc);
    otelc__json_member(b, &first, "spans");
    otelc__buf_append_char(b, '[');
    for (size_t i = 0; i < n; i++) {
        if (slots[i].group_of != g)
            continue;
        otelc__json_sep(b, &first_span);
        put_span(b, spans[i]);
    }
    otelc__buf_append_char(b, ']');
    otelc__json_opt_string(b, &first, "schemaUrl", sc->schema_url);
    otelc__buf_append_char(b, '}');
}

/* One ResourceSpans: the resource of group g and every group of the same resource after it. */
static void put_resource_spans(struct otelc__buf *b, otelc_span *const *spans, size_t n,
                               const struct otelc__otlp_slot *slots, size_t g, size_t groups)
{
    const otelc_resource *res = slots[g].res;
    int first = 1, first_scope = 1;

    otelc__buf_append_char(b, '{');
    otelc__json_resource(b, &first, res);
    otelc__json_member(b, &first, "scopeSpans");
    otelc__buf_append_char(b, '[');
    for (size_t h = g; h < groups; h++) {
        if (slots[h].res != res)
            continue;
        otelc__json_sep(b, &first_scope);
        put_scope_spans(b, spans, n, slots, h);
    }
    otelc__buf_append_char(b, ']');
    otelc__json_opt_string(b, &first, "schemaUrl", otelc_resource_schema_url(res));
    otelc__buf_append_char(b, '}');
}

int otelc__otlp_json_encode_spans(struct otelc__buf *out, otelc_span *const *spans, size_t n)
{
    struct otelc__otlp_slot stack_slots[STACK_SLOTS];
    struct otelc__otlp_slot *slots = stack_slots;
    int first = 1;

    if (!out || (!spans && n))
        return OTELC_EINVAL;
    if (n > STACK_SLOTS) {
        slots = otelc__calloc(n, sizeof *slots);
        if (!slots) {
            out->oom = 1;
            return OTELC_ENOMEM;
        }
    }
    size_t groups = otelc__otlp_group_spans(spans, n, slots);

    otelc__buf_append_str(out, "{\"resourceSpans\":[");
    for (size_t g = 0; g < groups; g++) {
        if (!otelc__otlp_first_of_resource(slots, g))
            continue; /* this resource was written with an earlier group */
        otelc__json_sep(out, &first);
        put_resource_spans(out, spans, n, slots, g, groups);
    }
    otelc__buf_append_str(out, "]}");

    if (slots != stack_slots)
        otelc__free(slots);
    return otelc__buf_status(out);
}
