/* SPDX-License-Identifier: Apache-2.0 */
/* Span life: start (sampling, ids, parent), mutation under the limits, end, references. */
#include <sched.h>
#include <string.h>

#include "context_internal.h"
#include "sdk/common/alloc.h"
#include "sdk/common/clock.h"
#include "sdk/common/log_internal.h"
#include "sdk/common/random.h"
#include "sdk/common/tsc_clock.h"
#include "span_internal.h"
#include "span_pool.h"

/* ---- locking and references ------------------------------------------------------------ */

static void span_lock(struct otelc_span *s)
{
    unsigned spins = 0;
    while (atomic_flag_test_and_set_explicit(&s->lock, memory_order_acquire)) {
        if (++spins > 64) {
            sched_yield();
            spins = 0;
        }
    }
}

static void span_unlock(struct otelc_span *s)
{
    atomic_flag_clear_explicit(&s->lock, memory_order_release);
}

static void span_free(struct otelc_span *s)
{
    if (s->ctx.tracestate) /* most spans have none: skip the call */
        otelc_tracestate_free((otelc_tracestate *)s->ctx.tracestate);
    if (!s->recording) {
        otelc__span_pool_put_small(s);
        return;
    }
    for (uint32_t i = 0; i < s->link_count; i++)
        otelc_tracestate_free((otelc_tracestate *)s->links[i].ctx.tracestate);
    otelc__arena_reset(&s->arena, NULL, 0);
    otelc__span_pool_put(s);
}

OTELC_API otelc_span *otelc_span_ref(otelc_span *s)
{
    if (s)
        atomic_fetch_add_explicit(&s->refs, 1, memory_order_relaxed);
    return s;
}

/* A sole owner cannot race with anyone taking a new reference (that needs one), so the
 * common case skips the atomic read-modify-write. Inline for span end's sake. */
static inline void release(struct otelc_span *s)
{
    if (atomic_load_explicit(&s->refs, memory_order_acquire) == 1 ||
        atomic_fetch_sub_explicit(&s->refs, 1, memory_order_acq_rel) == 1)
        span_free(s);
}

OTELC_API void otelc_span_release(otelc_span *s)
{
    if (s)
        release(s);
}

/* ---- start ----------------------------------------------------------------------------- */

OTELC_API void otelc_span_options_init(otelc_span_options *opt)
{
    if (!opt)
        return;
    memset(opt, 0, sizeof *opt);
    opt->size = sizeof *opt;
    opt->kind = OTELC_SPAN_KIND_INTERNAL;
}

static const otelc_span *find_parent(const otelc_span_options *o)
{
    if (o->root)
        return NULL;
    if (o->parent_span)
        return o->parent_span;
    if (o->parent)
        return o->parent->span;
    return otelc__current_span_tls;
}

/* Word-wise, so checking an id costs two or three loads instead of a byte loop. */
static int ids_zero(const uint8_t *p, size_t n)
{
    uint64_t acc = 0, w;
    for (size_t i = 0; i < n; i += 8) {
        memcpy(&w, p + i, 8);
        acc |= w;
    }
    return acc == 0;
}

static void limit_warn(struct otelc_span *s, const char *what)
{
    /* One line per span at most, and throttled across spans. */
    if (s->limit_warned)
        return;
    s->limit_warned = 1;
    OTELC__LOG_THROTTLED(OTELC_LOG_WARN, "span '%s': %s over the span limits were dropped",
                         s->name ? s->name : "", what);
}

static void set_attr_locked(struct otelc_span *s, const char *key, const otelc_value *v)
{
    const otelc_span_limits *l = &s->tracer->tp->limits;
    int rc = otelc__attrs_set(&s->attrs, &s->arena, key, v, l->attr_count, l->attr_value_length);
    if (rc == OTELC_EFULL) {
        limit_warn(s, "attributes");
    } else if (rc == OTELC_ENOMEM) {
        s->attrs.dropped++;
        OTELC__LOG_THROTTLED(OTELC_LOG_ERROR, "out of memory: a span attribute was dropped");
    } else if (rc == OTELC_EINVAL) {
        OTELC__LOG_THROTTLED(OTELC_LOG_WARN, "invalid span attribute ignored (empty key, "
                                             "NULL value or unknown type)");
    }
}

/* Grows a span-owned array in the arena; old storage stays in the arena until the span dies,
 * and doubling bounds that waste by the final size. */
static void *grow(struct otelc__arena *a, void *old, uint32_t count, uint32_t *cap, size_t elem,
                  uint32_t limit)
{
    uint32_t ncap = *cap ? *cap * 2 : 4;
    if (ncap > limit)
        ncap = limit;
    void *p = otelc__arena_alloc(a, (size_t)ncap * elem);
    if (!p)
        return NULL;
    if (count)
        memcpy(p, old, (size_t)count * elem);
    *cap = ncap;
    return p;
}

static void add_link_locked(struct otelc_span *s, const otelc_link *link)
{
    const otelc_span_limits *l = &s->tracer->tp->limits;
    if (!otelc_span_context_is_valid(&link->context) && link->attr_count == 0 &&
        !link->context.tracestate)
        return;
    if (s->link_count >= l->link_count) {
        s->dropped_links++;
        limit_warn(s, "links");
        return;
    }
    if (s->link_count == s->link_cap) {
        struct otelc__link *nl = grow(&s->arena, s->links, s->link_count, &s->link_cap,
                                      sizeof *nl, l->link_count);
        if (!nl) {
            s->dropped_links++;
            OTELC__LOG_THROTTLED(OTELC_LOG_ERROR, "out of memory: a span link was dropped");
            return;
        }
        s->links = nl;
    }
    struct otelc__link *dst = &s->links[s->link_count];
    dst->ctx = link->context;
    dst->ctx.tracestate = otelc_tracestate_ref(link->context.tracestate);
    otelc__attrs_init(&dst->attrs, NULL, 0);
    for (size_t i = 0; i < link->attr_count; i++) {
        int rc = otelc__attrs_set(&dst->attrs, &s->arena, link->attrs[i].key,
                                  &link->attrs[i].value, l->link_attr_count,
                                  l->attr_value_length);
        if (rc == OTELC_ENOMEM)
            dst->attrs.dropped++;
    }
    s->link_count++;
}

static otelc_span *start_nonrecording(struct otelc_tracer *t, const otelc_span_context *ctx)
{
    struct otelc_span *s = otelc__span_pool_get_small();
    if (!s) {
        OTELC__LOG_THROTTLED(OTELC_LOG_ERROR, "out of memory: span not created");
        otelc_tracestate_free((otelc_tracestate *)ctx->tracestate);
        return NULL;
    }
    atomic_init(&s->refs, 1);
    s->recording = 0;
    s->has_parent = 0;
    s->parent_remote = 0;
    atomic_init(&s->ended, 0);
    /* A plain store: nobody else sees s yet (a seq_cst clear is an xchg that waits for the
     * pooled span's cache line). */
    atomic_flag_clear_explicit(&s->lock, memory_order_relaxed);
    s->ctx = *ctx;
    s->tracer = t;
    s->cache_next = NULL;
    return s;
}

otelc_span *otelc__span_new_remote(const otelc_span_context *sc)
{
    /* A remote parent has no tracer: it never records, so nothing reaches the paths that
     * read s->tracer (mutators and end check `recording` first; the scope and resource
     * readers check for NULL). */
    otelc_span_context ctx = *sc;
    ctx.is_remote = 1;
    ctx.tracestate = otelc_tracestate_ref(sc->tracestate);
    return start_nonrecording(NULL, &ctx);
}

static otelc_span *start_recording(struct otelc_tracer *t, const char *name,
                                   const otelc_span_options *o, const otelc_span_context *ctx,
                                   const otelc_span *parent, const otelc_sampling_result *r)
{
    struct otelc_span *s = otelc__span_pool_get();
    if (!s)
        return NULL;
    atomic_init(&s->refs, 1);
    s->recording = 1;
    atomic_init(&s->ended, 0);
    /* A plain store: nobody else sees s yet (a seq_cst clear is an xchg that waits for the
     * pooled span's cache line). */
    atomic_flag_clear_explicit(&s->lock, memory_order_relaxed);
    s->ctx = *ctx;
    s->tracer = t;
    s->cache_next = NULL;
    s->has_parent = parent != NULL;
    s->parent_remote = parent ? parent->ctx.is_remote : 0;
    if (parent)
        memcpy(s->parent_span_id, parent->ctx.span_id, 8);
    else
        memset(s->parent_span_id, 0, 8);
    s->end_ns = 0;
    s->kind = (o->kind >= OTELC_SPAN_KIND_INTERNAL && o->kind <= OTELC_SPAN_KIND_CONSUMER)
                  ? (uint8_t)o->kind
                  : (uint8_t)OTELC_SPAN_KIND_INTERNAL;
    s->status = OTELC_STATUS_UNSET;
    s->status_desc = NULL;
    s->limit_warned = 0;
    s->events = NULL;
    s->event_count = s->event_cap = s->dropped_events = 0;
    s->links = NULL;
    s->link_count = s->link_cap = s->dropped_links = 0;
    otelc__arena_init(&s->arena, s->inline_arena, sizeof s->inline_arena);
    otelc__attrs_init(&s->attrs, s->inline_attrs, OTELC__SPAN_INLINE_ATTRS);
    s->name = otelc__arena_strndup(&s->arena, name, strlen(name));
    if (!s->name) {
        otelc__arena_reset(&s->arena, NULL, 0);
        otelc__span_pool_put(s);
        return NULL;
    }
    /* The clock is read only for spans that record: a dropped span reads none. */
    s->start_ns = o->start_time ? o->start_time : otelc__span_time_ns();
    for (size_t i = 0; i < o->attr_count; i++)
        set_attr_locked(s, o->attrs[i].key, &o->attrs[i].value);
    for (size_t i = 0; i < r->attr_count; i++)
        set_attr_locked(s, r->attrs[i].key, &r->attrs[i].value);
    for (size_t i = 0; i < o->link_count; i++)
        add_link_locked(s, &o->links[i]);
    return s;
}

/* The options of a call without any: read-only, so the common case copies nothing. */
static const otelc_span_options k_default_options = {
    .size = sizeof(otelc_span_options),
    .kind = OTELC_SPAN_KIND_INTERNAL,
};

/* Options from an older or odd caller (another size, NULL arrays with counts), made safe. */
static const otelc_span_options *normalize_options(const otelc_span_options *opt,
                                                   otelc_span_options *tmp)
{
    otelc_span_options_init(tmp);
    if (opt->size > sizeof tmp->size)
        memcpy(tmp, opt, opt->size < sizeof *tmp ? opt->size : sizeof *tmp);
    tmp->size = sizeof *tmp;
    if ((tmp->attr_count && !tmp->attrs) || (tmp->link_count && !tmp->links)) {
        OTELC__LOG_THROTTLED(OTELC_LOG_WARN, "otelc_span_start: attrs/links NULL with a count;"
                                             " ignored");
        if (!tmp->attrs)
            tmp->attr_count = 0;
        if (!tmp->links)
            tmp->link_count = 0;
    }
    return tmp;
}

OTELC_API otelc_span *otelc_span_start(otelc_tracer *t, const char *name,
                                       const otelc_span_options *opt)
{
    /* Called from a signal handler that interrupted this thread inside the allocator (not
     * allowed, see docs/reliability.md): a span would need memory, so there is none. */
    if (!t || __builtin_expect(otelc__in_alloc, 0))
        return NULL;
    struct otelc_tracer_provider *tp = t->tp;
    otelc_span_options tmp;
    const otelc_span_options *op = &k_default_options;
    if (opt) {
        op = opt;
        if (opt->size != sizeof *opt || (opt->attr_count && !opt->attrs) ||
            (opt->link_count && !opt->links))
            op = normalize_options(opt, &tmp);
    }
    const otelc_span_options *const o = op;
    if (!name)
        name = "";

    const otelc_span *parent = find_parent(o);
    if (parent && !otelc_span_context_is_valid(&parent->ctx))
        parent = NULL;

    otelc_span_context ctx;
    memset(&ctx, 0, sizeof ctx);
    if (parent) {
        memcpy(ctx.trace_id, parent->ctx.trace_id, 16);
        ctx.trace_flags = parent->ctx.trace_flags & OTELC_TRACE_FLAG_RANDOM;
    } else if (!tp->idgen) {
        /* The built-in generator, inline: a dropped root span makes three random words. */
        uint64_t a, b;
        do {
            a = otelc__rand64();
            b = otelc__rand64();
        } while ((a | b) == 0);
        memcpy(ctx.trace_id, &a, 8);
        memcpy(ctx.trace_id + 8, &b, 8);
        ctx.trace_flags = OTELC_TRACE_FLAG_RANDOM;
    } else {
        otelc__new_trace_id(tp, ctx.trace_id);
        ctx.trace_flags = tp->random_trace_ids ? OTELC_TRACE_FLAG_RANDOM : 0;
    }
    if (!tp->idgen) {
        uint64_t a;
        do
            a = otelc__rand64();
        while (a == 0);
        memcpy(ctx.span_id, &a, 8);
    } else {
        otelc__new_span_id(tp, ctx.span_id);
    }

    otelc_sampling_result r;
    memset(&r, 0, sizeof r);
    if (!atomic_load_explicit(&tp->shut_down, memory_order_relaxed)) {
        otelc_sampling_params p;
        p.parent = parent ? &parent->ctx : NULL;
        p.trace_id = ctx.trace_id;
        p.name = name;
        p.kind = o->kind;
        p.attrs = o->attrs;
        p.attr_count = o->attr_count;
        p.links = o->links;
        p.link_count = o->link_count;
        otelc__sampler_run(tp->sampler, &p, &r);
    }
    if (r.decision == OTELC_SAMPLING_RECORD_AND_SAMPLE)
        ctx.trace_flags |= OTELC_TRACE_FLAG_SAMPLED;
    ctx.tracestate = r.tracestate ? r.tracestate
                                  : (parent ? otelc_tracestate_ref(parent->ctx.tracestate) : NULL);

    if (r.decision == OTELC_SAMPLING_DROP)
        return start_nonrecording(t, &ctx);

    struct otelc_span *s = start_recording(t, name, o, &ctx, parent, &r);
    if (!s) {
        OTELC__LOG_THROTTLED(OTELC_LOG_ERROR, "out of memory: span '%s' will not be recorded",
                             name);
        ctx.trace_flags &= (uint8_t)~OTELC_TRACE_FLAG_SAMPLED;
        return start_nonrecording(t, &ctx);
    }
    for (size_t i = 0; i < tp->nprocs; i++)
        otelc__processor_on_start(tp->procs[i], s, o->parent);
    return s;
}

/* ---- mutation -------------------------------------------------------------------------- */

/* Locks a span that may still change; returns 0 (nothing locked) when it cannot. */
static int lock_mutable(struct otelc_span *s)
{
    if (!s || !s->recording || atomic_load_explicit(&s->ended, memory_order_relaxed))
        return 0;
    span_lock(s);
    if (atomic_load_explicit(&s->ended, memory_order_relaxed)) {
        span_unlock(s);
        return 0;
    }
    return 1;
}

OTELC_API void otelc_span_set_attr(otelc_span *s, const char *key, const otelc_value *v)
{
    if (!lock_mutable(s))
        return;
    set_attr_locked(s, key, v);
    span_unlock(s);
}

OTELC_API void otelc_span_set_attrs(otelc_span *s, const otelc_attr *attrs, size_t n)
{
    if (!attrs || !lock_mutable(s))
        return;
    for (size_t i = 0; i < n; i++)
        set_attr_locked(s, attrs[i].key, &attrs[i].value);
    span_unlock(s);
}

OTELC_API void otelc_span_set_attr_str(otelc_span *s, const char *key, const char *v)
{
    if (!s || !s->recording)
        return;
    otelc_value val = otelc_value_str(v);
    otelc_span_set_attr(s, key, &val);
}

OTELC_API void otelc_span_set_attr_strn(otelc_span *s, const char *key, const char *v,
                                        size_t len)
{
    if (!s || !s->recording)
        return;
    otelc_value val = otelc_value_strn(v, len);
    otelc_span_set_attr(s, key, &val);
}

OTELC_API void otelc_span_set_attr_bool(otelc_span *s, const char *key, int v)
{
    otelc_value val = otelc_value_bool(v != 0);
    otelc_span_set_attr(s, key, &val);
}

OTELC_API void otelc_span_set_attr_int(otelc_span *s, const char *key, int64_t v)
{
    otelc_value val = otelc_value_int(v);
    otelc_span_set_attr(s, key, &val);
}

OTELC_API void otelc_span_set_attr_double(otelc_span *s, const char *key, double v)
{
    otelc_value val = otelc_value_double(v);
    otelc_span_set_attr(s, key, &val);
}

/* Adds an event whose attributes come from two arrays (the exception helper's own and the
 * caller's), so no temporary array is needed. */
static void add_event(struct otelc_span *s, const char *name, uint64_t time_ns,
                      const otelc_attr *a1, size_t n1, const otelc_attr *a2, size_t n2)
{
    if (!s || !s->recording)
        return;
    if (!time_ns)
        time_ns = otelc__span_time_ns();
    if (!lock_mutable(s))
        return;
    const otelc_span_limits *l = &s->tracer->tp->limits;
    if (s->event_count >= l->event_count) {
        s->dropped_events++;
        limit_warn(s, "events");
        goto out;
    }
    if (s->event_count == s->event_cap) {
        struct otelc__event *ne = grow(&s->arena, s->events, s->event_count, &s->event_cap,
                                       sizeof *ne, l->event_count);
        if (!ne)
            goto oom;
        s->events = ne;
    }
    struct otelc__event *e = &s->events[s->event_count];
    e->name = otelc__arena_strndup(&s->arena, name ? name : "", name ? strlen(name) : 0);
    if (!e->name)
        goto oom;
    e->time_ns = time_ns;
    otelc__attrs_init(&e->attrs, NULL, 0);
    for (size_t i = 0; i < n1 + n2; i++) {
        const otelc_attr *a = i < n1 ? &a1[i] : &a2[i - n1];
        int rc = otelc__attrs_set(&e->attrs, &s->arena, a->key, &a->value, l->event_attr_count,
                                  l->attr_value_length);
        if (rc == OTELC_ENOMEM)
            e->attrs.dropped++;
    }
    s->event_count++;
    goto out;
oom:
    s->dropped_events++;
    OTELC__LOG_THROTTLED(OTELC_LOG_ERROR, "out of memory: a span event was dropped");
out:
    span_unlock(s);
}

OTELC_API void otelc_span_add_event(otelc_span *s, const char *name, uint64_t time_ns,
                                    const otelc_attr *attrs, size_t n)
{
    add_event(s, name, time_ns, attrs, attrs ? n : 0, NULL, 0);
}

OTELC_API void otelc_span_record_exception(otelc_span *s, const char *type,
                                           const char *message, const char *stacktrace,
                                           const otelc_attr *attrs, size_t n)
{
    otelc_attr own[3];
    size_t k = 0;
    if (type)
        own[k++] = otelc_attr_str("exception.type", type);
    if (message)
        own[k++] = otelc_attr_str("exception.message", message);
    if (stacktrace)
        own[k++] = otelc_attr_str("exception.stacktrace", stacktrace);
    add_event(s, "exception", 0, own, k, attrs, attrs ? n : 0);
}

OTELC_API void otelc_span_add_link(otelc_span *s, const otelc_link *link)
{
    if (!link || (link->attr_count && !link->attrs) || !lock_mutable(s))
        return;
    add_link_locked(s, link);
    span_unlock(s);
}

OTELC_API void otelc_span_set_status(otelc_span *s, otelc_status_code code,
                                     const char *description)
{
    /* Spec: UNSET is ignored, OK is final, a description is kept only with ERROR. */
    if (code != OTELC_STATUS_OK && code != OTELC_STATUS_ERROR)
        return;
    if (!lock_mutable(s))
        return;
    if (s->status != OTELC_STATUS_OK) {
        s->status = (uint8_t)code;
        s->status_desc = NULL;
        if (code == OTELC_STATUS_ERROR && description && description[0])
            s->status_desc = otelc__arena_strndup(&s->arena, description, strlen(description));
    }
    span_unlock(s);
}

OTELC_API void otelc_span_update_name(otelc_span *s, const char *name)
{
    if (!name || !lock_mutable(s))
        return;
    size_t n = strlen(name), old = strlen(s->name);
    if (n <= old) {
        /* Reuse the old bytes so renaming in a loop does not grow the span. */
        memmove((char *)s->name, name, n + 1);
    } else {
        const char *p = otelc__arena_strndup(&s->arena, name, n);
        if (p)
            s->name = p;
        else
            OTELC__LOG_THROTTLED(OTELC_LOG_ERROR, "out of memory: span name not updated");
    }
    span_unlock(s);
}

/* ---- end and state --------------------------------------------------------------------- */

OTELC_API void otelc_span_end_at(otelc_span *s, uint64_t end_time_ns)
{
    if (!s)
        return;
    if (s->recording && !atomic_load_explicit(&s->ended, memory_order_relaxed)) {
        uint64_t end = end_time_ns;
        if (!end) {
            /* A re-anchored span clock may step back a little: never a negative duration. */
            end = otelc__span_time_ns();
            if (end < s->start_ns)
                end = s->start_ns;
        }
        int first = 0;
        span_lock(s);
        if (!atomic_load_explicit(&s->ended, memory_order_relaxed)) {
            s->end_ns = end;
            atomic_store_explicit(&s->ended, 1, memory_order_release);
            first = 1;
        }
        span_unlock(s);
        if (first) {
            struct otelc_tracer_provider *tp = s->tracer->tp;
            size_t n = tp->nprocs;
            if (n == 0) {
                release(s);
                return;
            }
            for (size_t i = 0; i + 1 < n; i++)
                otelc__processor_on_end(tp->procs[i], s);
            /* The last processor may take the caller's reference over instead of taking one
             * of its own that the caller then drops: two atomic operations fewer. */
            if (otelc__processor_on_end_owned(tp->procs[n - 1], s))
                return;
            otelc__processor_on_end(tp->procs[n - 1], s);
        }
    }
    release(s);
}

OTELC_API void otelc_span_end(otelc_span *s) { otelc_span_end_at(s, 0); }

OTELC_API int otelc_span_is_recording(const otelc_span *s)
{
    return s && s->recording && !atomic_load_explicit(&s->ended, memory_order_acquire);
}

OTELC_API otelc_span_context otelc_span_get_context(const otelc_span *s)
{
    otelc_span_context c;
    if (!s) {
        memset(&c, 0, sizeof c);
        return c;
    }
    return s->ctx;
}

OTELC_API int otelc_span_context_is_valid(const otelc_span_context *sc)
{
    return sc && !ids_zero(sc->trace_id, 16) && !ids_zero(sc->span_id, 8);
}

OTELC_API int otelc_span_context_is_sampled(const otelc_span_context *sc)
{
    return sc && (sc->trace_flags & OTELC_TRACE_FLAG_SAMPLED) != 0;
}
