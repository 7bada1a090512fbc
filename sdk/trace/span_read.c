/* SPDX-License-Identifier: Apache-2.0 */
/* Read access to spans, for processors and exporters. An ended span never changes, so these
 * take no lock; on a running span they give a snapshot that may be torn (documented). */
#include <string.h>

#include "span_internal.h"

OTELC_API const char *otelc_span_get_name(const otelc_span *s)
{
    return s && s->recording ? s->name : "";
}

OTELC_API otelc_span_kind otelc_span_get_kind(const otelc_span *s)
{
    return s && s->recording ? (otelc_span_kind)s->kind : OTELC_SPAN_KIND_INTERNAL;
}

OTELC_API int otelc_span_get_parent_id(const otelc_span *s, uint8_t out[8])
{
    if (!s || !s->recording || !s->has_parent)
        return 0;
    if (out)
        memcpy(out, s->parent_span_id, 8);
    return 1;
}

OTELC_API int otelc_span_parent_is_remote(const otelc_span *s)
{
    return s && s->recording && s->has_parent && s->parent_remote;
}

OTELC_API uint64_t otelc_span_get_start_time(const otelc_span *s)
{
    return s && s->recording ? s->start_ns : 0;
}

OTELC_API uint64_t otelc_span_get_end_time(const otelc_span *s)
{
    return s && s->recording ? s->end_ns : 0;
}

OTELC_API size_t otelc_span_get_attr_count(const otelc_span *s)
{
    return s && s->recording ? s->attrs.count : 0;
}

OTELC_API const otelc_attr *otelc_span_get_attr(const otelc_span *s, size_t i)
{
    if (!s || !s->recording || i >= s->attrs.count)
        return NULL;
    return &s->attrs.items[i];
}

OTELC_API const otelc_value *otelc_span_find_attr(const otelc_span *s, const char *key)
{
    if (!s || !s->recording)
        return NULL;
    return otelc__attrs_find(&s->attrs, key);
}

OTELC_API size_t otelc_span_get_event_count(const otelc_span *s)
{
    return s && s->recording ? s->event_count : 0;
}

OTELC_API int otelc_span_get_event(const otelc_span *s, size_t i, otelc_event_info *out)
{
    if (!s || !s->recording || i >= s->event_count || !out)
        return 0;
    const struct otelc__event *e = &s->events[i];
    out->name = e->name;
    out->time_ns = e->time_ns;
    out->attrs = e->attrs.items;
    out->attr_count = e->attrs.count;
    out->dropped_attr_count = e->attrs.dropped;
    return 1;
}

OTELC_API size_t otelc_span_get_link_count(const otelc_span *s)
{
    return s && s->recording ? s->link_count : 0;
}

OTELC_API int otelc_span_get_link(const otelc_span *s, size_t i, otelc_link_info *out)
{
    if (!s || !s->recording || i >= s->link_count || !out)
        return 0;
    const struct otelc__link *l = &s->links[i];
    out->context = l->ctx;
    out->attrs = l->attrs.items;
    out->attr_count = l->attrs.count;
    out->dropped_attr_count = l->attrs.dropped;
    return 1;
}

OTELC_API otelc_status_code otelc_span_get_status(const otelc_span *s, const char **description)
{
    if (description)
        *description = s && s->recording ? s->status_desc : NULL;
    return s && s->recording ? (otelc_status_code)s->status : OTELC_STATUS_UNSET;
}

OTELC_API void otelc_span_get_dropped(const otelc_span *s, uint32_t *attrs, uint32_t *events,
                                      uint32_t *links)
{
    int rec = s && s->recording;
    if (attrs)
        *attrs = rec ? s->attrs.dropped : 0;
    if (events)
        *events = rec ? s->dropped_events : 0;
    if (links)
        *links = rec ? s->dropped_links : 0;
}

OTELC_API otelc_scope_info otelc_span_get_scope(const otelc_span *s)
{
    otelc_scope_info si;
    memset(&si, 0, sizeof si);
    si.name = "";
    if (!s || !s->tracer)
        return si;
    const struct otelc_tracer *t = s->tracer;
    si.name = t->name;
    si.version = t->version;
    si.schema_url = t->schema_url;
    si.attrs = t->attrs.items;
    si.attr_count = t->attrs.count;
    return si;
}

OTELC_API const otelc_resource *otelc_span_get_resource(const otelc_span *s)
{
    return s && s->tracer ? s->tracer->tp->resource : NULL;
}
