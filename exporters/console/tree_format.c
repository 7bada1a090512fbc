/* SPDX-License-Identifier: Apache-2.0 */
/* The tree format of the console exporter: keeps copies of ended spans per trace until their
 * local root ends, then writes the local tree, one fixed-column line per span. */
#include "exporters/console/tree_format.h"

#include <stdio.h>
#include <string.h>

#include "otelc/resource.h"
#include "sdk/common/alloc.h"

/* A copy of what a line shows, with its strings in the same allocation. */
struct tree_span {
    struct tree_span *next; /* in its trace, in order of arrival */
    uint8_t span_id[8];
    uint8_t parent_id[8];
    uint8_t has_parent;
    uint8_t parent_remote;
    uint8_t kind;
    uint8_t status;
    uint8_t done; /* written (during a render) */
    uint64_t start;
    uint64_t end;
    const char *name;
    const char *service;
    const char *description; /* NULL unless the status is ERROR with a description */
};

/* The deepest indentation leaves room for a name of a few characters. */
_Static_assert(2 * OTELC__TREE_MAX_INDENT + 8 <= OTELC__TREE_NAME_WIDTH, "name column too narrow");

struct tree_trace {
    struct tree_trace *next;
    uint8_t trace_id[16];
    struct tree_span *spans;
    struct tree_span **tail;
    uint32_t count;
};

struct otelc__tree {
    struct otelc__tree_limits lim;
    struct tree_trace *traces; /* a list: a console printer holds few traces at once */
    uint32_t trace_count;
    uint32_t span_count;
    uint64_t dropped;
};

int otelc__tree_new(struct otelc__tree **out, const struct otelc__tree_limits *lim)
{
    struct otelc__tree_limits def = {OTELC__TREE_DEFAULT_MAX_SPANS, OTELC__TREE_DEFAULT_MAX_TRACES};
    if (!out)
        return OTELC_EINVAL;
    if (!lim)
        lim = &def;
    if (lim->max_spans == 0 || lim->max_traces == 0)
        return OTELC_EINVAL;
    struct otelc__tree *t = otelc__calloc(1, sizeof *t);
    if (!t)
        return OTELC_ENOMEM;
    t->lim = *lim;
    *out = t;
    return OTELC_OK;
}

static void trace_free(struct tree_trace *tr)
{
    struct tree_span *s = tr->spans;
    while (s) {
        struct tree_span *next = s->next;
        otelc__free(s);
        s = next;
    }
    otelc__free(tr);
}

void otelc__tree_free(struct otelc__tree *t)
{
    if (!t)
        return;
    struct tree_trace *tr = t->traces;
    while (tr) {
        struct tree_trace *next = tr->next;
        trace_free(tr);
        tr = next;
    }
    otelc__free(t);
}

uint64_t otelc__tree_dropped(const struct otelc__tree *t) { return t ? t->dropped : 0; }

/* The service.name of the span's resource, or "" (borrowed from the span). */
static const char *service_of(const otelc_span *span, size_t *len)
{
    const otelc_value *v = otelc_resource_get(otelc_span_get_resource(span), "service.name");
    if (v && v->type == OTELC_VALUE_STRING) {
        *len = v->len;
        return v->u.s;
    }
    *len = 0;
    return "";
}

/* A copy of the span's fields, or NULL when out of memory. */
static struct tree_span *copy_span(otelc_span *span)
{
    const char *desc = NULL;
    size_t service_len;
    const char *name = otelc_span_get_name(span);
    const char *service = service_of(span, &service_len);
    otelc_status_code status = otelc_span_get_status(span, &desc);
    size_t name_len = name ? strlen(name) : 0;
    size_t desc_len = status == OTELC_STATUS_ERROR && desc ? strlen(desc) : 0;

    struct tree_span *s = otelc__calloc(1, sizeof *s + name_len + service_len + desc_len + 3);
    if (!s)
        return NULL;
    char *p = (char *)(s + 1);
    otelc_span_context sc = otelc_span_get_context(span);
    memcpy(s->span_id, sc.span_id, 8);
    s->has_parent = (uint8_t)otelc_span_get_parent_id(span, s->parent_id);
    s->parent_remote = (uint8_t)(s->has_parent && otelc_span_parent_is_remote(span));
    s->kind = (uint8_t)otelc_span_get_kind(span);
    s->status = (uint8_t)status;
    s->start = otelc_span_get_start_time(span);
    s->end = otelc_span_get_end_time(span);
    memcpy(p, name ? name : "", name_len + 1);
    s->name = p;
    p += name_len + 1;
    memcpy(p, service, service_len);
    p[service_len] = '\0';
    s->service = p;
    p += service_len + 1;
    if (desc_len > 0) {
        memcpy(p, desc, desc_len + 1);
        s->description = p;
    }
    return s;
}

static struct tree_trace *find_trace(struct otelc__tree *t, const uint8_t id[16])
{
    for (struct tree_trace *tr = t->traces; tr; tr = tr->next)
        if (memcmp(tr->trace_id, id, 16) == 0)
            return tr;
    return NULL;
}

static void unlink_trace(struct otelc__tree *t, struct tree_trace *tr)
{
    for (struct tree_trace **pp = &t->traces; *pp; pp = &(*pp)->next) {
        if (*pp == tr) {
            *pp = tr->next;
            t->trace_count--;
            return;
        }
    }
}

/* ---- Rendering ------------------------------------------------------------------------- */

/* Appends n bytes of s with control bytes as '?'. */
static void append_printable(struct otelc__buf *out, const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        otelc__buf_append_char(out, (c < 0x20 || c == 0x7f) ? '?' : (char)c);
    }
}

/* Appends s into a column of width bytes: cut (at a UTF-8 boundary, with "...") when longer,
 * padded with spaces when shorter. */
static void append_column(struct otelc__buf *out, const char *s, size_t width)
{
    size_t len = strlen(s);
    if (len > width) {
        len = width - 3;
        while (len > 0 && ((unsigned char)s[len] & 0xc0) == 0x80)
            len--; /* do not cut a character in two */
        append_printable(out, s, len);
        otelc__buf_append_str(out, "...");
        len += 3;
    } else {
        append_printable(out, s, len);
    }
    for (; len < width; len++)
        otelc__buf_append_char(out, ' ');
}

static const char *kind_name(uint8_t kind)
{
    switch (kind) {
    case OTELC_SPAN_KIND_SERVER: return "server";
    case OTELC_SPAN_KIND_CLIENT: return "client";
    case OTELC_SPAN_KIND_PRODUCER: return "producer";
    case OTELC_SPAN_KIND_CONSUMER: return "consumer";
    default: return "internal";
    }
}

/* "12.345 ms" below 10 s, "12.35 s" from there, right-aligned in its column. */
static void append_duration(struct otelc__buf *out, uint64_t start, uint64_t end)
{
    char text[32];
    uint64_t ns = end > start ? end - start : 0;
    if (ns < 10000000000ull)
        snprintf(text, sizeof text, "%.3f ms", (double)ns / 1e6);
    else
        snprintf(text, sizeof text, "%.2f s", (double)ns / 1e9);
    for (size_t len = strlen(text); len < OTELC__TREE_DURATION_WIDTH; len++)
        otelc__buf_append_char(out, ' ');
    otelc__buf_append_str(out, text);
    otelc__buf_append_str(out, "  ");
}

static void append_line(struct otelc__buf *out, const struct tree_span *s, unsigned depth)
{
    unsigned indent = depth < OTELC__TREE_MAX_INDENT ? depth : OTELC__TREE_MAX_INDENT;
    for (unsigned i = 0; i < 2 * indent; i++)
        otelc__buf_append_char(out, ' ');
    append_column(out, s->name, OTELC__TREE_NAME_WIDTH - 2 * indent);
    append_column(out, kind_name(s->kind), OTELC__TREE_KIND_WIDTH);
    append_duration(out, s->start, s->end);
    append_column(out, s->service, OTELC__TREE_SERVICE_WIDTH);
    otelc__buf_append_char(out, '#');
    otelc__buf_append_hex(out, s->span_id, 4);
    if (s->status == OTELC_STATUS_OK) {
        otelc__buf_append_str(out, "  ok");
    } else if (s->status == OTELC_STATUS_ERROR) {
        otelc__buf_append_str(out, "  error");
        if (s->description) {
            otelc__buf_append_str(out, ": ");
            append_printable(out, s->description, strlen(s->description));
        }
    }
    otelc__buf_append_char(out, '\n');
}

/* Writes s and, depth first, its waiting descendants, children by start time. The spans
 * are marked done as they are written, which also guards against a cycle of ids. */
static void render(struct otelc__buf *out, struct tree_trace *tr, struct tree_span *s,
                   unsigned depth)
{
    s->done = 1;
    append_line(out, s, depth);
    for (;;) {
        struct tree_span *next = NULL;
        for (struct tree_span *c = tr->spans; c; c = c->next)
            if (!c->done && c->has_parent && memcmp(c->parent_id, s->span_id, 8) == 0 &&
                (!next || c->start < next->start))
                next = c;
        if (!next)
            return;
        render(out, tr, next, depth + 1);
    }
}

static void append_header(struct otelc__buf *out, const struct tree_trace *tr,
                          const struct tree_span *root, int incomplete)
{
    otelc__buf_append_str(out, "trace ");
    otelc__buf_append_hex(out, tr->trace_id, 16);
    if (root->has_parent) {
        otelc__buf_append_str(out, " parent ");
        otelc__buf_append_hex(out, root->parent_id, 8);
    }
    if (incomplete)
        otelc__buf_append_str(out, " incomplete");
    otelc__buf_append_char(out, '\n');
}

/* Removes the spans written by render() from the trace and frees them. */
static void forget_done(struct otelc__tree *t, struct tree_trace *tr)
{
    struct tree_span **pp = &tr->spans;
    while (*pp) {
        struct tree_span *s = *pp;
        if (s->done) {
            *pp = s->next;
            otelc__free(s);
            tr->count--;
            t->span_count--;
        } else {
            pp = &s->next;
        }
    }
    tr->tail = pp;
}

static int has_waiting_parent(const struct tree_trace *tr, const struct tree_span *s)
{
    if (!s->has_parent)
        return 0;
    for (const struct tree_span *p = tr->spans; p; p = p->next)
        if (p != s && !p->done && memcmp(p->span_id, s->parent_id, 8) == 0)
            return 1;
    return 0;
}

/* ---- Adding and flushing --------------------------------------------------------------- */

int otelc__tree_add(struct otelc__tree *t, otelc_span *span, struct otelc__buf *out)
{
    if (!t || !span || !out)
        return OTELC_EINVAL;
    otelc_span_context sc = otelc_span_get_context(span);
    struct tree_trace *tr = find_trace(t, sc.trace_id);
    if (t->span_count >= t->lim.max_spans || (!tr && t->trace_count >= t->lim.max_traces)) {
        t->dropped++;
        return OTELC_EFULL;
    }
    struct tree_span *s = copy_span(span);
    if (!s) {
        t->dropped++;
        return OTELC_ENOMEM;
    }
    if (!tr) {
        tr = otelc__calloc(1, sizeof *tr);
        if (!tr) {
            otelc__free(s);
            t->dropped++;
            return OTELC_ENOMEM;
        }
        memcpy(tr->trace_id, sc.trace_id, 16);
        tr->tail = &tr->spans;
        tr->next = t->traces;
        t->traces = tr;
        t->trace_count++;
    }
    *tr->tail = s;
    tr->tail = &s->next;
    tr->count++;
    t->span_count++;

    if (s->has_parent && !s->parent_remote)
        return OTELC_OK; /* its local root has not ended yet */
    append_header(out, tr, s, 0);
    render(out, tr, s, 0);
    otelc__buf_append_char(out, '\n');
    forget_done(t, tr);
    if (tr->count == 0) {
        unlink_trace(t, tr);
        otelc__free(tr);
    }
    return otelc__buf_status(out);
}

void otelc__tree_flush(struct otelc__tree *t, struct otelc__buf *out)
{
    if (!t || !out)
        return;
    while (t->traces) {
        struct tree_trace *tr = t->traces;
        /* Each span whose parent is not waiting heads a tree of its own, in arrival order. */
        for (struct tree_span *s = tr->spans; s; s = s->next) {
            if (s->done || has_waiting_parent(tr, s))
                continue;
            append_header(out, tr, s, 1);
            render(out, tr, s, 0);
            otelc__buf_append_char(out, '\n');
        }
        /* A cycle of parent ids has no head: what is left is dropped, and counted. */
        for (struct tree_span *s = tr->spans; s; s = s->next)
            if (!s->done) {
                s->done = 1;
                t->dropped++;
            }
        forget_done(t, tr);
        unlink_trace(t, tr);
        otelc__free(tr);
    }
}
