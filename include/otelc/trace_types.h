/* SPDX-License-Identifier: Apache-2.0 */
/**
 * @file trace_types.h  Value types of tracing shared by the trace, context, sampler and
 * propagator headers: span context, trace flags, tracestate, span kind, status, link.
 */
#ifndef OTELC_TRACE_TYPES_H
#define OTELC_TRACE_TYPES_H

#include "attr.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct otelc_tracer_provider otelc_tracer_provider;
typedef struct otelc_tracer otelc_tracer;
typedef struct otelc_span otelc_span;
typedef struct otelc_context otelc_context;
typedef struct otelc_tracestate otelc_tracestate;

/** W3C trace flag: the caller may have recorded this trace (sampled). */
#define OTELC_TRACE_FLAG_SAMPLED 0x01u
/** W3C Trace Context Level 2 flag: the trace id's right-most 7 bytes are random. */
#define OTELC_TRACE_FLAG_RANDOM 0x02u

/**
 * The W3C span context: what crosses process boundaries. A value type; the tracestate
 * pointer is borrowed from whatever the context came from (a span, an extracted carrier).
 */
typedef struct otelc_span_context {
    uint8_t trace_id[16];               ///< all zero means invalid
    uint8_t span_id[8];                 ///< all zero means invalid
    uint8_t trace_flags;                ///< OTELC_TRACE_FLAG_* bits
    uint8_t is_remote;                  ///< 1 when propagated from another process
    uint8_t reserved_[6];               ///< zero
    const otelc_tracestate *tracestate; ///< borrowed; NULL means empty
} otelc_span_context;

/** 1 when both ids are non-zero (the specification's IsValid). */
OTELC_API int otelc_span_context_is_valid(const otelc_span_context *sc);
/** 1 when the sampled flag is set. */
OTELC_API int otelc_span_context_is_sampled(const otelc_span_context *sc);

/**
 * Builds a tracestate from a `tracestate` header value (copied). Issue-level parsing rules
 * (W3C Trace Context Level 2) apply: an invalid header gives ::OTELC_EPARSE.
 * The result is immutable and reference-counted; release it with otelc_tracestate_free().
 */
OTELC_API int otelc_tracestate_new(otelc_tracestate **out, const char *header, size_t len);
/** The header form of @p ts ("" for NULL); borrowed, valid while @p ts lives. */
OTELC_API const char *otelc_tracestate_header(const otelc_tracestate *ts);
/** Number of members (0 for NULL). */
OTELC_API size_t otelc_tracestate_count(const otelc_tracestate *ts);

/**
 * Finds the value of @p key (NUL-terminated). @p *value (not NUL-terminated) and @p *len are
 * borrowed from @p ts and valid while it lives.
 * @return ::OTELC_OK, ::OTELC_ENOTFOUND, ::OTELC_EINVAL (key, value or len NULL).
 */
OTELC_API int otelc_tracestate_get(const otelc_tracestate *ts, const char *key,
                                   const char **value, size_t *len);

/**
 * A new tracestate equal to @p ts (NULL: empty) with @p key set to @p value and moved to the
 * front (the W3C rule for a vendor that updates its entry). An earlier entry of @p key is
 * removed, never duplicated; when the result would pass 32 members, the right-most is
 * dropped. @p ts is not changed. Key and value are copied and must follow the Level 2
 * grammar. @p *out receives a new reference.
 * @return ::OTELC_OK, ::OTELC_EINVAL (a NULL argument, an invalid key or value),
 * ::OTELC_ENOMEM.
 */
OTELC_API int otelc_tracestate_set(otelc_tracestate **out, const otelc_tracestate *ts,
                                   const char *key, const char *value);

/**
 * A new tracestate equal to @p ts without @p key (an absent key gives a new reference to
 * @p ts; an empty result is NULL).
 * @return ::OTELC_OK, ::OTELC_EINVAL (out or key NULL), ::OTELC_ENOMEM.
 */
OTELC_API int otelc_tracestate_delete(otelc_tracestate **out, const otelc_tracestate *ts,
                                      const char *key);

/** Takes a new reference (NULL-safe); returns @p ts. */
OTELC_API otelc_tracestate *otelc_tracestate_ref(const otelc_tracestate *ts);
/** Releases a reference; NULL is a no-op. */
OTELC_API void otelc_tracestate_free(otelc_tracestate *ts);

/** Span kind, numbered as OTLP numbers it. */
typedef enum otelc_span_kind {
    OTELC_SPAN_KIND_UNSPECIFIED = 0, ///< treated as INTERNAL
    OTELC_SPAN_KIND_INTERNAL = 1,    ///< the default
    OTELC_SPAN_KIND_SERVER = 2,      ///< handles a synchronous remote request
    OTELC_SPAN_KIND_CLIENT = 3,      ///< makes a synchronous remote request
    OTELC_SPAN_KIND_PRODUCER = 4,    ///< initiates an asynchronous request
    OTELC_SPAN_KIND_CONSUMER = 5     ///< handles an asynchronous request
} otelc_span_kind;

/** Span status code, numbered as OTLP numbers it. */
typedef enum otelc_status_code {
    OTELC_STATUS_UNSET = 0, ///< the default
    OTELC_STATUS_OK = 1,    ///< explicitly successful; final
    OTELC_STATUS_ERROR = 2  ///< the operation failed
} otelc_status_code;

/** A link to another span, given at start or with otelc_span_add_link(). */
typedef struct otelc_link {
    otelc_span_context context; ///< copied (the tracestate is referenced)
    const otelc_attr *attrs;    ///< copied
    size_t attr_count;          ///< number of attrs
} otelc_link;

#ifdef __cplusplus
}
#endif

#endif /* OTELC_TRACE_TYPES_H */
