/* SPDX-License-Identifier: Apache-2.0 */
/**
 * @file trace.h  TracerProvider, Tracer and Span (OpenTelemetry trace API and SDK).
 *
 * @code
 * otelc_tracer_provider_options o;
 * otelc_tracer_provider_options_init(&o);
 * otelc_span_exporter *exp;  otelc_console_exporter_new(&exp, NULL);
 * otelc_span_processor *p;   otelc_simple_span_processor_new(&p, exp);
 * o.processors = &p; o.processor_count = 1;
 * otelc_tracer_provider *tp; otelc_tracer_provider_new(&tp, &o);
 * otelc_tracer *t = otelc_tracer_provider_get_tracer(tp, "my.lib", "1.0", NULL, NULL, 0);
 *
 * otelc_span *s = otelc_span_start(t, "handle", NULL);
 * otelc_span_set_attr_int(s, "http.response.status_code", 200);
 * otelc_span_end(s);                       // s must not be used after this
 *
 * otelc_tracer_provider_shutdown(tp, 5000);
 * otelc_tracer_provider_free(tp);
 * @endcode
 *
 * Span lifetime: otelc_span_start() returns a handle that holds one reference. Each call of
 * otelc_span_end() or otelc_span_release() gives one reference back; otelc_span_ref() takes
 * another. The first otelc_span_end() ends the span; later ends are ignored (the span is not
 * changed, and only the reference is given back). Every mutation after end is ignored.
 * A NULL span is accepted by every span function and does nothing.
 *
 * Thread-safety: every function here may be called from any thread. Span mutators take a
 * per-span spin lock held for a few instructions.
 */
#ifndef OTELC_TRACE_H
#define OTELC_TRACE_H

#include "context.h"
#include "id_generator.h"
#include "processor.h"
#include "resource.h"
#include "sampler.h"
#include "trace_types.h"

#ifdef __cplusplus
extern "C" {
#endif

/** No limit (for the value length limit). */
#define OTELC_LIMIT_NONE UINT32_MAX

/** Span limits (specification defaults; the `OTEL_*_LIMIT` variables set them through
 *  otelc_span_limits_from_env()). */
typedef struct otelc_span_limits {
    uint32_t attr_count;         ///< attributes per span; OTEL_SPAN_ATTRIBUTE_COUNT_LIMIT (128)
    uint32_t attr_value_length;  ///< characters per string value (UTF-8 code points);
                                 ///< OTEL_SPAN_ATTRIBUTE_VALUE_LENGTH_LIMIT (no limit)
    uint32_t event_count;        ///< events per span; OTEL_SPAN_EVENT_COUNT_LIMIT (128)
    uint32_t link_count;         ///< links per span; OTEL_SPAN_LINK_COUNT_LIMIT (128)
    uint32_t event_attr_count;   ///< attributes per event; OTEL_EVENT_ATTRIBUTE_COUNT_LIMIT (128)
    uint32_t link_attr_count;    ///< attributes per link; OTEL_LINK_ATTRIBUTE_COUNT_LIMIT (128)
} otelc_span_limits;

/** The specification's defaults, without reading the environment. */
OTELC_API void otelc_span_limits_init(otelc_span_limits *l);
/**
 * The defaults overridden by the environment: `OTEL_ATTRIBUTE_COUNT_LIMIT` and
 * `OTEL_ATTRIBUTE_VALUE_LENGTH_LIMIT` apply unless the span-specific variable is set. A bad
 * value gets one warning naming the variable and is ignored.
 */
OTELC_API void otelc_span_limits_from_env(otelc_span_limits *l);

/** Options of otelc_tracer_provider_new(). */
typedef struct otelc_tracer_provider_options {
    uint32_t size;                     ///< sizeof; set by _init
    const otelc_resource *resource;    ///< borrowed (a reference is taken); merged over
                                       ///< otelc_resource_default(); NULL: the default alone
    otelc_sampler *sampler;            ///< transferred; NULL: ParentBased(AlwaysOn)
    otelc_span_processor *const *processors; ///< the array is borrowed, the processors are
                                       ///< transferred; called in order
    size_t processor_count;            ///< number of processors
    otelc_id_generator *id_generator;  ///< transferred; NULL: the default random generator
    otelc_span_limits limits;          ///< _init fills the specification defaults
} otelc_tracer_provider_options;

/** Fills defaults; reads no environment variable. */
OTELC_API void otelc_tracer_provider_options_init(otelc_tracer_provider_options *opt);

/**
 * Builds a provider. On success it owns the sampler, processors and id generator given in
 * @p opt; on failure nothing was taken over.
 * @return ::OTELC_OK, ::OTELC_EINVAL, ::OTELC_ENOMEM.
 */
OTELC_API int otelc_tracer_provider_new(otelc_tracer_provider **out,
                                        const otelc_tracer_provider_options *opt);

/**
 * The tracer for an instrumentation scope. The same (name, version, schema_url) returns the
 * same tracer. A NULL or empty name works and logs one warning. Strings and attributes are
 * copied. The tracer belongs to the provider and lives as long as it; after shutdown it still
 * works and makes non-recording spans. Returns NULL only when @p tp is NULL (a disabled SDK)
 * or memory runs out.
 */
OTELC_API otelc_tracer *otelc_tracer_provider_get_tracer(otelc_tracer_provider *tp,
                                                         const char *name, const char *version,
                                                         const char *schema_url,
                                                         const otelc_attr *attrs, size_t n);

/** Flushes every processor; returns ::OTELC_ETIMEDOUT if @p timeout_ms passed first. */
OTELC_API int otelc_tracer_provider_force_flush(otelc_tracer_provider *tp, uint32_t timeout_ms);
/**
 * Shuts every processor down (flushing first) within @p timeout_ms. Happens once: later calls
 * return ::OTELC_ESHUTDOWN. After it, tracers make non-recording spans.
 */
OTELC_API int otelc_tracer_provider_shutdown(otelc_tracer_provider *tp, uint32_t timeout_ms);
/** Sums the processors' counters into @p stats (its size field set by the caller). */
OTELC_API void otelc_tracer_provider_get_stats(otelc_tracer_provider *tp,
                                               otelc_span_processor_stats *stats);
/** The provider's resource; borrowed. */
OTELC_API const otelc_resource *otelc_tracer_provider_resource(const otelc_tracer_provider *tp);
/**
 * Shuts down (5 s deadline) if not done, then frees the provider, its tracers, sampler,
 * processors and exporters. Call it last: every span of this provider must have been ended
 * (and every extra reference released) before, because spans point at their tracer. Spans
 * ended after shutdown but before free are simply not exported. NULL is a no-op.
 */
OTELC_API void otelc_tracer_provider_free(otelc_tracer_provider *tp);

/** Options of otelc_span_start(). Every pointer is borrowed for the call; data is copied. */
typedef struct otelc_span_options {
    uint32_t size;                ///< sizeof; set by _init
    otelc_span_kind kind;         ///< default INTERNAL
    const otelc_context *parent;  ///< parent context; NULL: the thread's current context
    otelc_span *parent_span;      ///< when set, the parent (wins over parent)
    int root;                     ///< non-zero: a new trace, ignoring any parent
    uint64_t start_time;          ///< ns since the epoch; 0: now
    const otelc_attr *attrs;      ///< attributes (the sampler sees them)
    size_t attr_count;            ///< number of attrs
    const otelc_link *links;      ///< links (the sampler sees them)
    size_t link_count;            ///< number of links
} otelc_span_options;

/** Fills defaults. */
OTELC_API void otelc_span_options_init(otelc_span_options *opt);

/**
 * Starts a span named @p name (copied). Always gives a new span id; the trace id and
 * tracestate come from the parent. @p opt may be NULL (defaults).
 * @return the span (one reference), or NULL when @p tracer is NULL (disabled SDK) or memory
 * ran out; NULL is a valid argument to every span function.
 */
OTELC_API otelc_span *otelc_span_start(otelc_tracer *tracer, const char *name,
                                       const otelc_span_options *opt);

/** Sets (or overwrites) an attribute of any kind; @p value and key are copied. */
OTELC_API void otelc_span_set_attr(otelc_span *s, const char *key, const otelc_value *value);
/** Sets @p n attributes in order. */
OTELC_API void otelc_span_set_attrs(otelc_span *s, const otelc_attr *attrs, size_t n);
/** Sets a string attribute (NUL-terminated value). */
OTELC_API void otelc_span_set_attr_str(otelc_span *s, const char *key, const char *v);
/** Sets a string attribute of @p len bytes. */
OTELC_API void otelc_span_set_attr_strn(otelc_span *s, const char *key, const char *v,
                                        size_t len);
/** Sets a boolean attribute. */
OTELC_API void otelc_span_set_attr_bool(otelc_span *s, const char *key, int v);
/** Sets an integer attribute. */
OTELC_API void otelc_span_set_attr_int(otelc_span *s, const char *key, int64_t v);
/** Sets a double attribute. */
OTELC_API void otelc_span_set_attr_double(otelc_span *s, const char *key, double v);

/** Adds an event; @p time_ns 0 means now. Name and attributes are copied. */
OTELC_API void otelc_span_add_event(otelc_span *s, const char *name, uint64_t time_ns,
                                    const otelc_attr *attrs, size_t n);
/** Adds a link after start; an invalid span context with no attributes is ignored. */
OTELC_API void otelc_span_add_link(otelc_span *s, const otelc_link *link);
/**
 * Sets the status. OK is final; UNSET is ignored; the description is kept only with ERROR
 * (copied).
 */
OTELC_API void otelc_span_set_status(otelc_span *s, otelc_status_code code,
                                     const char *description);
/** Replaces the name (copied). */
OTELC_API void otelc_span_update_name(otelc_span *s, const char *name);
/**
 * Records an exception as the specification's `exception` event: `exception.type`,
 * `exception.message`, `exception.stacktrace` (each omitted when NULL) and @p n more
 * attributes. Does not change the status.
 */
OTELC_API void otelc_span_record_exception(otelc_span *s, const char *type,
                                           const char *message, const char *stacktrace,
                                           const otelc_attr *attrs, size_t n);

/** Ends the span now (if not ended) and gives back one reference. */
OTELC_API void otelc_span_end(otelc_span *s);
/** Ends the span at @p end_time_ns (0: now) and gives back one reference. */
OTELC_API void otelc_span_end_at(otelc_span *s, uint64_t end_time_ns);

/** Takes another reference (NULL-safe) and returns @p s. */
OTELC_API otelc_span *otelc_span_ref(otelc_span *s);
/** Gives back one reference without ending; the last one frees the span. NULL is a no-op. */
OTELC_API void otelc_span_release(otelc_span *s);

/** 1 while the span records (sampled or RECORD_ONLY) and has not ended. */
OTELC_API int otelc_span_is_recording(const otelc_span *s);
/** The span context (zeroed for NULL); the tracestate pointer is borrowed from @p s. */
OTELC_API otelc_span_context otelc_span_get_context(const otelc_span *s);

/* Reading an ended span (what exporters do). Borrowed results live as long as the span. */

/** An instrumentation scope, as seen by exporters. */
typedef struct otelc_scope_info {
    const char *name;        ///< never NULL ("" when none was given)
    const char *version;     ///< NULL when none
    const char *schema_url;  ///< NULL when none
    const otelc_attr *attrs; ///< scope attributes
    size_t attr_count;       ///< number of attrs
} otelc_scope_info;

/** An event of an ended span. */
typedef struct otelc_event_info {
    const char *name;           ///< the event name
    uint64_t time_ns;           ///< when it happened
    const otelc_attr *attrs;    ///< its attributes
    size_t attr_count;          ///< number of attrs
    uint32_t dropped_attr_count; ///< attributes over the limit
} otelc_event_info;

/** A link of an ended span. */
typedef struct otelc_link_info {
    otelc_span_context context;  ///< the linked span context
    const otelc_attr *attrs;     ///< its attributes
    size_t attr_count;           ///< number of attrs
    uint32_t dropped_attr_count; ///< attributes over the limit
} otelc_link_info;

/** The span name. */
OTELC_API const char *otelc_span_get_name(const otelc_span *s);
/** The span kind. */
OTELC_API otelc_span_kind otelc_span_get_kind(const otelc_span *s);
/** 1 and the parent's span id in @p out when the span has a parent, else 0. */
OTELC_API int otelc_span_get_parent_id(const otelc_span *s, uint8_t out[8]);
/** 1 when the parent came from another process. */
OTELC_API int otelc_span_parent_is_remote(const otelc_span *s);
/** Start time, ns since the epoch. */
OTELC_API uint64_t otelc_span_get_start_time(const otelc_span *s);
/** End time, ns since the epoch; 0 while the span runs. */
OTELC_API uint64_t otelc_span_get_end_time(const otelc_span *s);
/** Number of attributes. */
OTELC_API size_t otelc_span_get_attr_count(const otelc_span *s);
/** The @p i-th attribute, or NULL. */
OTELC_API const otelc_attr *otelc_span_get_attr(const otelc_span *s, size_t i);
/** The value of @p key, or NULL. */
OTELC_API const otelc_value *otelc_span_find_attr(const otelc_span *s, const char *key);
/** Number of events. */
OTELC_API size_t otelc_span_get_event_count(const otelc_span *s);
/** Fills @p out with the @p i-th event; returns 0 when out of range. */
OTELC_API int otelc_span_get_event(const otelc_span *s, size_t i, otelc_event_info *out);
/** Number of links. */
OTELC_API size_t otelc_span_get_link_count(const otelc_span *s);
/** Fills @p out with the @p i-th link; returns 0 when out of range. */
OTELC_API int otelc_span_get_link(const otelc_span *s, size_t i, otelc_link_info *out);
/** The status code, and in @p description (may be NULL) its description or NULL. */
OTELC_API otelc_status_code otelc_span_get_status(const otelc_span *s,
                                                  const char **description);
/** Attributes, events and links dropped by the limits. */
OTELC_API void otelc_span_get_dropped(const otelc_span *s, uint32_t *attrs, uint32_t *events,
                                      uint32_t *links);
/** The span's instrumentation scope. */
OTELC_API otelc_scope_info otelc_span_get_scope(const otelc_span *s);
/** The resource of the span's provider. */
OTELC_API const otelc_resource *otelc_span_get_resource(const otelc_span *s);

#ifdef __cplusplus
}
#endif

#endif /* OTELC_TRACE_H */
