/* SPDX-License-Identifier: Apache-2.0 */
/* The OTLP/protobuf encoder of spans: protobuf-c messages built in one arena, then packed; and
 * the builders of strings, attributes, resources and scopes that the metrics encoder shares. */
#include "exporters/otlp/otlp_proto.h"

#include <string.h>

#include "exporters/otlp/otlp_common.h"
#include "exporters/otlp/otlp_proto_enc.h"
#include "sdk/common/arena.h"
#include "trace_service.pb-c.h"

typedef Opentelemetry__Proto__Common__V1__AnyValue any_value;
typedef Opentelemetry__Proto__Common__V1__ArrayValue array_value;
typedef Opentelemetry__Proto__Common__V1__KeyValue key_value;
typedef Opentelemetry__Proto__Common__V1__InstrumentationScope scope_msg;
typedef Opentelemetry__Proto__Resource__V1__Resource resource_msg;
typedef Opentelemetry__Proto__Trace__V1__ResourceSpans resource_spans;
typedef Opentelemetry__Proto__Trace__V1__ScopeSpans scope_spans;
typedef Opentelemetry__Proto__Trace__V1__Span span_msg;
typedef Opentelemetry__Proto__Trace__V1__Span__Event event_msg;
typedef Opentelemetry__Proto__Trace__V1__Span__Link link_msg;
typedef Opentelemetry__Proto__Trace__V1__Status status_msg;
typedef Opentelemetry__Proto__Collector__Trace__V1__ExportTraceServiceRequest request_msg;

/* A span's message and the bytes its ids point at, allocated together. */
struct span_block {
    span_msg m;
    status_msg status;
    uint8_t trace_id[16];
    uint8_t span_id[8];
    uint8_t parent_id[8];
};

struct link_block {
    link_msg m;
    uint8_t trace_id[16];
    uint8_t span_id[8];
};

void otelc__pb_enc_init(struct otelc__pb_enc *e)
{
    otelc__arena_init(&e->arena, NULL, 0);
}

void otelc__pb_enc_done(struct otelc__pb_enc *e)
{
    otelc__arena_reset(&e->arena, NULL, 0);
}

void *otelc__pb_array(struct otelc__pb_enc *e, size_t n, size_t size)
{
    if (n && size > SIZE_MAX / n)
        return NULL;
    return otelc__arena_alloc(&e->arena, n * size);
}

/* 1 when s[0..len) is UTF-8 without a NUL. */
static int clean_utf8(const unsigned char *s, size_t len)
{
    size_t i = 0;
    while (i < len) {
        if (s[i] >= 0x80) {
            size_t skip, seq = otelc__utf8_seq(s + i, len - i, &skip);
            if (!seq)
                return 0;
            i += seq;
        } else if (s[i] == 0) {
            return 0;
        } else {
            i++;
        }
    }
    return 1;
}

/* A NUL-terminated copy of s[0..len) in the arena, with each ill-formed UTF-8 sequence
 * replaced by U+FFFD and cut at the first NUL. NULL only when memory runs out. */
static char *enc_copy(struct otelc__pb_enc *e, const char *s, size_t len)
{
    const unsigned char *p = (const unsigned char *)s;
    if (clean_utf8(p, len))
        return otelc__arena_strndup(&e->arena, s, len);
    /* Each bad byte becomes at most three. */
    if (len > (SIZE_MAX - 1) / 3)
        return NULL;
    char *out = otelc__arena_alloc(&e->arena, len * 3 + 1);
    if (!out)
        return NULL;
    size_t o = 0, i = 0;
    while (i < len && p[i] != 0) {
        size_t skip = 1, seq = p[i] >= 0x80 ? otelc__utf8_seq(p + i, len - i, &skip) : 1;
        if (seq) {
            memcpy(out + o, p + i, seq);
            o += seq;
            i += seq;
        } else {
            memcpy(out + o, "\xEF\xBF\xBD", 3);
            o += 3;
            i += skip;
        }
    }
    out[o] = '\0';
    return out;
}

char *otelc__pb_cstr(struct otelc__pb_enc *e, const char *s, int *ok)
{
    if (!s)
        return NULL;
    size_t len = strlen(s);
    if (clean_utf8((const unsigned char *)s, len))
        return (char *)s;
    char *c = enc_copy(e, s, len);
    if (!c)
        *ok = 0;
    return c;
}

static int enc_value(struct otelc__pb_enc *e, any_value *out, const otelc_value *v);

/* An ArrayValue of v's elements. */
static int enc_array_value(struct otelc__pb_enc *e, any_value *out, const otelc_value *v)
{
    array_value *arr = otelc__arena_alloc(&e->arena, sizeof *arr);
    if (!arr)
        return 0;
    *arr = (array_value)OPENTELEMETRY__PROTO__COMMON__V1__ARRAY_VALUE__INIT;
    out->value_case = OPENTELEMETRY__PROTO__COMMON__V1__ANY_VALUE__VALUE_ARRAY_VALUE;
    out->array_value = arr;
    size_t n = v->u.ia ? v->len : 0;
    if (!n)
        return 1;
    any_value *vals = otelc__pb_array(e, n, sizeof *vals);
    any_value **ptrs = otelc__pb_array(e, n, sizeof *ptrs);
    if (!vals || !ptrs)
        return 0;
    for (size_t i = 0; i < n; i++) {
        otelc_value el = otelc__otlp_array_element(v, i);
        if (!enc_value(e, &vals[i], &el))
            return 0;
        ptrs[i] = &vals[i];
    }
    arr->n_values = n;
    arr->values = ptrs;
    return 1;
}

/* Fills the AnyValue out from v; 0 when memory runs out. */
static int enc_value(struct otelc__pb_enc *e, any_value *out, const otelc_value *v)
{
    *out = (any_value)OPENTELEMETRY__PROTO__COMMON__V1__ANY_VALUE__INIT;
    switch (v->type) {
    case OTELC_VALUE_STRING:
        out->value_case = OPENTELEMETRY__PROTO__COMMON__V1__ANY_VALUE__VALUE_STRING_VALUE;
        /* The value need not be NUL-terminated: always copied. */
        out->string_value = enc_copy(e, v->u.s ? v->u.s : "", v->u.s ? v->len : 0);
        return out->string_value != NULL;
    case OTELC_VALUE_BOOL:
        out->value_case = OPENTELEMETRY__PROTO__COMMON__V1__ANY_VALUE__VALUE_BOOL_VALUE;
        out->bool_value = v->u.b != 0;
        return 1;
    case OTELC_VALUE_INT:
        out->value_case = OPENTELEMETRY__PROTO__COMMON__V1__ANY_VALUE__VALUE_INT_VALUE;
        out->int_value = v->u.i;
        return 1;
    case OTELC_VALUE_DOUBLE:
        out->value_case = OPENTELEMETRY__PROTO__COMMON__V1__ANY_VALUE__VALUE_DOUBLE_VALUE;
        out->double_value = v->u.d;
        return 1;
    case OTELC_VALUE_BYTES:
        out->value_case = OPENTELEMETRY__PROTO__COMMON__V1__ANY_VALUE__VALUE_BYTES_VALUE;
        /* Borrowed: the span outlives the call. */
        out->bytes_value.len = v->u.bytes ? v->len : 0;
        out->bytes_value.data = (uint8_t *)v->u.bytes;
        return 1;
    case OTELC_VALUE_STRING_ARRAY:
    case OTELC_VALUE_BOOL_ARRAY:
    case OTELC_VALUE_INT_ARRAY:
    case OTELC_VALUE_DOUBLE_ARRAY:
        return enc_array_value(e, out, v);
    default:
        /* OTELC_VALUE_NONE (or an unknown type): an empty AnyValue. */
        return 1;
    }
}

int otelc__pb_attrs(struct otelc__pb_enc *e, otelc__pb_attr_at_fn at, const void *ctx, size_t n,
                    key_value ***out, size_t *out_n)
{
    *out = NULL;
    *out_n = 0;
    if (!n)
        return 1;
    key_value *kvs = otelc__pb_array(e, n, sizeof *kvs);
    any_value *vals = otelc__pb_array(e, n, sizeof *vals);
    key_value **ptrs = otelc__pb_array(e, n, sizeof *ptrs);
    if (!kvs || !vals || !ptrs)
        return 0;
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        const otelc_attr *a = at(ctx, i);
        int ok = 1;
        if (!a)
            continue;
        kvs[k] = (key_value)OPENTELEMETRY__PROTO__COMMON__V1__KEY_VALUE__INIT;
        kvs[k].key = otelc__pb_cstr(e, a->key, &ok);
        if (!ok || !enc_value(e, &vals[k], &a->value))
            return 0;
        kvs[k].value = &vals[k];
        ptrs[k] = &kvs[k];
        k++;
    }
    *out = ptrs;
    *out_n = k;
    return 1;
}

static const otelc_attr *array_attr_at(const void *ctx, size_t i)
{
    return &((const otelc_attr *)ctx)[i];
}

int otelc__pb_attr_array(struct otelc__pb_enc *e, const otelc_attr *attrs, size_t n,
                         key_value ***out, size_t *out_n)
{
    return otelc__pb_attrs(e, array_attr_at, attrs, attrs ? n : 0, out, out_n);
}

static const otelc_attr *span_attr_at(const void *ctx, size_t i)
{
    return otelc_span_get_attr(ctx, i);
}

static const otelc_attr *resource_attr_at(const void *ctx, size_t i)
{
    return otelc_resource_attr_at(ctx, i);
}

resource_msg *otelc__pb_resource(struct otelc__pb_enc *e, const otelc_resource *res)
{
    resource_msg *r = otelc__arena_alloc(&e->arena, sizeof *r);
    if (!r)
        return NULL;
    *r = (resource_msg)OPENTELEMETRY__PROTO__RESOURCE__V1__RESOURCE__INIT;
    if (!otelc__pb_attrs(e, resource_attr_at, res, otelc_resource_attr_count(res), &r->attributes,
                         &r->n_attributes))
        return NULL;
    return r;
}

scope_msg *otelc__pb_scope(struct otelc__pb_enc *e, const otelc_scope_info *sc)
{
    scope_msg *scope = otelc__arena_alloc(&e->arena, sizeof *scope);
    int ok = 1;
    if (!scope)
        return NULL;
    *scope = (scope_msg)OPENTELEMETRY__PROTO__COMMON__V1__INSTRUMENTATION_SCOPE__INIT;
    scope->name = otelc__pb_cstr(e, sc->name, &ok);
    scope->version = otelc__pb_cstr(e, sc->version, &ok);
    if (!ok || !otelc__pb_attr_array(e, sc->attrs, sc->attr_count, &scope->attributes,
                                     &scope->n_attributes))
        return NULL;
    return scope;
}

int otelc__pb_pack(struct otelc__buf *out, const ProtobufCMessage *msg)
{
    size_t size = protobuf_c_message_get_packed_size(msg);
    if (otelc__buf_reserve(out, size) != 0)
        return OTELC_ENOMEM;
    protobuf_c_message_pack(msg, (uint8_t *)out->data + out->len);
    out->len += size;
    out->data[out->len] = '\0';
    return OTELC_OK;
}

static int enc_events(struct otelc__pb_enc *e, span_msg *m, const otelc_span *s)
{
    size_t n = otelc_span_get_event_count(s), k = 0;
    if (!n)
        return 1;
    event_msg *evs = otelc__pb_array(e, n, sizeof *evs);
    event_msg **ptrs = otelc__pb_array(e, n, sizeof *ptrs);
    if (!evs || !ptrs)
        return 0;
    for (size_t i = 0; i < n; i++) {
        otelc_event_info ev;
        int ok = 1;
        if (!otelc_span_get_event(s, i, &ev))
            continue;
        event_msg *em = &evs[k];
        *em = (event_msg)OPENTELEMETRY__PROTO__TRACE__V1__SPAN__EVENT__INIT;
        em->time_unix_nano = ev.time_ns;
        em->name = otelc__pb_cstr(e, ev.name, &ok);
        em->dropped_attributes_count = ev.dropped_attr_count;
        if (!ok ||
            !otelc__pb_attr_array(e, ev.attrs, ev.attr_count, &em->attributes, &em->n_attributes))
            return 0;
        ptrs[k++] = em;
    }
    m->events = ptrs;
    m->n_events = k;
    return 1;
}

static int enc_links(struct otelc__pb_enc *e, span_msg *m, const otelc_span *s)
{
    size_t n = otelc_span_get_link_count(s), k = 0;
    if (!n)
        return 1;
    struct link_block *lbs = otelc__pb_array(e, n, sizeof *lbs);
    link_msg **ptrs = otelc__pb_array(e, n, sizeof *ptrs);
    if (!lbs || !ptrs)
        return 0;
    for (size_t i = 0; i < n; i++) {
        otelc_link_info l;
        int ok = 1;
        if (!otelc_span_get_link(s, i, &l))
            continue;
        struct link_block *lb = &lbs[k];
        link_msg *lm = &lb->m;
        *lm = (link_msg)OPENTELEMETRY__PROTO__TRACE__V1__SPAN__LINK__INIT;
        memcpy(lb->trace_id, l.context.trace_id, sizeof lb->trace_id);
        memcpy(lb->span_id, l.context.span_id, sizeof lb->span_id);
        lm->trace_id.data = lb->trace_id;
        lm->trace_id.len = sizeof lb->trace_id;
        lm->span_id.data = lb->span_id;
        lm->span_id.len = sizeof lb->span_id;
        lm->trace_state = otelc__pb_cstr(e, otelc_tracestate_header(l.context.tracestate), &ok);
        lm->dropped_attributes_count = l.dropped_attr_count;
        lm->flags = otelc__otlp_span_flags(l.context.trace_flags, l.context.is_remote);
        if (!ok ||
            !otelc__pb_attr_array(e, l.attrs, l.attr_count, &lm->attributes, &lm->n_attributes))
            return 0;
        ptrs[k++] = lm;
    }
    m->links = ptrs;
    m->n_links = k;
    return 1;
}

static span_msg *enc_span(struct otelc__pb_enc *e, const otelc_span *s)
{
    struct span_block *b = otelc__arena_alloc(&e->arena, sizeof *b);
    if (!b)
        return NULL;
    span_msg *m = &b->m;
    otelc_span_context sc = otelc_span_get_context(s);
    uint32_t dropped_attrs = 0, dropped_events = 0, dropped_links = 0;
    int ok = 1;

    *m = (span_msg)OPENTELEMETRY__PROTO__TRACE__V1__SPAN__INIT;
    memcpy(b->trace_id, sc.trace_id, sizeof b->trace_id);
    memcpy(b->span_id, sc.span_id, sizeof b->span_id);
    m->trace_id.data = b->trace_id;
    m->trace_id.len = sizeof b->trace_id;
    m->span_id.data = b->span_id;
    m->span_id.len = sizeof b->span_id;
    if (otelc_span_get_parent_id(s, b->parent_id)) {
        m->parent_span_id.data = b->parent_id;
        m->parent_span_id.len = sizeof b->parent_id;
    }
    m->trace_state = otelc__pb_cstr(e, otelc_tracestate_header(sc.tracestate), &ok);
    m->flags = otelc__otlp_span_flags(sc.trace_flags, otelc_span_parent_is_remote(s));
    m->name = otelc__pb_cstr(e, otelc_span_get_name(s), &ok);
    m->kind = (Opentelemetry__Proto__Trace__V1__Span__SpanKind)otelc_span_get_kind(s);
    m->start_time_unix_nano = otelc_span_get_start_time(s);
    m->end_time_unix_nano = otelc_span_get_end_time(s);
    otelc_span_get_dropped(s, &dropped_attrs, &dropped_events, &dropped_links);
    m->dropped_attributes_count = dropped_attrs;
    m->dropped_events_count = dropped_events;
    m->dropped_links_count = dropped_links;

    const char *message = NULL;
    otelc_status_code code = otelc_span_get_status(s, &message);
    if (code != OTELC_STATUS_UNSET || (message && *message)) {
        b->status = (status_msg)OPENTELEMETRY__PROTO__TRACE__V1__STATUS__INIT;
        b->status.code = (Opentelemetry__Proto__Trace__V1__Status__StatusCode)code;
        b->status.message = otelc__pb_cstr(e, message, &ok);
        m->status = &b->status;
    }
    if (!ok ||
        !otelc__pb_attrs(e, span_attr_at, s, otelc_span_get_attr_count(s), &m->attributes,
                         &m->n_attributes) ||
        !enc_events(e, m, s) || !enc_links(e, m, s))
        return NULL;
    return m;
}

/* The ScopeSpans of group g, its spans taken from spans[] in order into span_ptrs. */
static int enc_scope_spans(struct otelc__pb_enc *e, scope_spans *ss,
                           const struct otelc__otlp_slot *slots, size_t g, otelc_span *const *spans,
                           size_t n, span_msg **span_ptrs)
{
    const otelc_scope_info *sc = &slots[g].scope;
    scope_msg *scope = otelc__pb_scope(e, sc);
    int ok = 1;
    if (!scope)
        return 0;
    *ss = (scope_spans)OPENTELEMETRY__PROTO__TRACE__V1__SCOPE_SPANS__INIT;
    ss->scope = scope;
    ss->schema_url = otelc__pb_cstr(e, sc->schema_url, &ok);
    ss->spans = span_ptrs;
    for (size_t i = 0; i < n; i++) {
        if (slots[i].group_of != g)
            continue;
        span_msg *m = enc_span(e, spans[i]);
        if (!m)
            return 0;
        span_ptrs[ss->n_spans++] = m;
    }
    return ok;
}

/* The ResourceSpans of the resource of group g, holding every group of that resource. */
static int enc_resource_spans(struct otelc__pb_enc *e, resource_spans *rs,
                              const struct otelc__otlp_slot *slots, size_t g, size_t groups,
                              scope_spans *ss_all, scope_spans **ss_ptrs, otelc_span *const *spans,
                              size_t n, span_msg ***span_cursor)
{
    const otelc_resource *res = slots[g].res;
    resource_msg *r = otelc__pb_resource(e, res);
    int ok = 1;
    if (!r)
        return 0;
    *rs = (resource_spans)OPENTELEMETRY__PROTO__TRACE__V1__RESOURCE_SPANS__INIT;
    rs->resource = r;
    rs->schema_url = otelc__pb_cstr(e, otelc_resource_schema_url(res), &ok);
    rs->scope_spans = ss_ptrs;
    for (size_t h = g; h < groups; h++) {
        if (slots[h].res != res)
            continue;
        if (!enc_scope_spans(e, &ss_all[h], slots, h, spans, n, *span_cursor))
            return 0;
        *span_cursor += ss_all[h].n_spans;
        ss_ptrs[rs->n_scope_spans++] = &ss_all[h];
    }
    return ok;
}

/* Builds the request in e's arena; 0 when memory runs out. */
static int build_request(struct otelc__pb_enc *e, request_msg *req, otelc_span *const *spans,
                         size_t n)
{
    struct otelc__otlp_slot *slots = otelc__pb_array(e, n, sizeof *slots);
    if (!slots)
        return 0;
    size_t groups = otelc__otlp_group_spans(spans, n, slots);
    size_t resources = 0;
    for (size_t g = 0; g < groups; g++)
        resources += (size_t)otelc__otlp_first_of_resource(slots, g);

    resource_spans *rs_all = otelc__pb_array(e, resources, sizeof *rs_all);
    resource_spans **rs_ptrs = otelc__pb_array(e, resources, sizeof *rs_ptrs);
    scope_spans *ss_all = otelc__pb_array(e, groups, sizeof *ss_all);
    scope_spans **ss_ptrs = otelc__pb_array(e, groups, sizeof *ss_ptrs);
    span_msg **span_ptrs = otelc__pb_array(e, n, sizeof *span_ptrs);
    if (!rs_all || !rs_ptrs || !ss_all || !ss_ptrs || !span_ptrs)
        return 0;

    /* Each resource takes the next run of scope and span pointers. */
    span_msg **span_cursor = span_ptrs;
    size_t r = 0, scopes_used = 0;
    for (size_t g = 0; g < groups; g++) {
        if (!otelc__otlp_first_of_resource(slots, g))
            continue;
        if (!enc_resource_spans(e, &rs_all[r], slots, g, groups, ss_all, ss_ptrs + scopes_used,
                                spans, n, &span_cursor))
            return 0;
        scopes_used += rs_all[r].n_scope_spans;
        rs_ptrs[r] = &rs_all[r];
        r++;
    }
    req->resource_spans = rs_ptrs;
    req->n_resource_spans = r;
    return 1;
}

int otelc__otlp_proto_encode_spans(struct otelc__buf *out, otelc_span *const *spans, size_t n)
{
    request_msg req =
        OPENTELEMETRY__PROTO__COLLECTOR__TRACE__V1__EXPORT_TRACE_SERVICE_REQUEST__INIT;
    struct otelc__pb_enc e;
    int err;

    if (!out || (!spans && n))
        return OTELC_EINVAL;
    otelc__pb_enc_init(&e);
    err = build_request(&e, &req, spans, n) ? otelc__pb_pack(out, &req.base) : OTELC_ENOMEM;
    if (err == OTELC_ENOMEM)
        out->oom = 1;
    otelc__pb_enc_done(&e);
    return err;
}
