/* SPDX-License-Identifier: Apache-2.0 */
/**
 * @file propagation.h  Moving a context across processes: the carrier getter/setter
 * interface, the propagator extension point, the built-in propagators (W3C Trace Context,
 * W3C Baggage, B3 single and multi header), the composite propagator, `OTEL_PROPAGATORS`,
 * the global propagator, and `traceparent` helpers for log lines and SQL comments.
 *
 * Server side: extract, then start the server span as a child of what arrived.
 * @code
 * otelc_http_headers in;                              // carriers.h
 * otelc_http_headers_wrap(&in, req_headers, n_req_headers);
 * otelc_carrier_getter g = otelc_http_headers_getter(&in);
 * otelc_context *parent = NULL;
 * otelc_propagator_extract(NULL, NULL, &g, &parent);  // NULL: the global propagator
 * otelc_span_options o; otelc_span_options_init(&o);
 * o.parent = parent; o.kind = OTELC_SPAN_KIND_SERVER;
 * otelc_span *s = otelc_span_start(tracer, "GET /items", &o);
 * otelc_context *ctx = otelc_context_with_span(parent, s);  // keeps the extracted baggage
 * otelc_context_free(parent);
 * @endcode
 *
 * Client side: inject the context of the client span into the outgoing request.
 * @code
 * otelc_http_headers out;
 * otelc_http_headers_init(&out);
 * otelc_carrier_setter st = otelc_http_headers_setter(&out);
 * otelc_propagator_inject(NULL, client_ctx, &st);    // out.items[0..out.count) to send
 * ...
 * otelc_http_headers_clear(&out);
 * @endcode
 *
 * Extraction never fails because of what a peer sent: an invalid or missing field leaves the
 * context as it was (a new trace starts), and only memory exhaustion is reported.
 */
#ifndef OTELC_PROPAGATION_H
#define OTELC_PROPAGATION_H

#include "baggage.h"
#include "context.h"
#include "trace_types.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ---- carriers ------------------------------------------------------------------------- */

/** Version of ::otelc_carrier_getter and ::otelc_carrier_setter. */
#define OTELC_CARRIER_VERSION 1

/**
 * Reads fields from a carrier (the headers of a request, gRPC metadata, a binary block).
 * See carriers.h for ready adapters.
 */
typedef struct otelc_carrier_getter {
    uint32_t version; ///< OTELC_CARRIER_VERSION
    void *user_data;  ///< the carrier, passed to get
    /**
     * Finds the @p index-th value (0 first) of field @p name, a lowercase name that carriers
     * with case-insensitive names compare case-insensitively. Repeated fields (two
     * `tracestate` headers) have one index each, in the order received.
     * @return 1 with @p *value and @p *len set (borrowed until the extract call returns; no
     * NUL needed), or 0 when there are not that many values.
     */
    int (*get)(void *user_data, const char *name, size_t index, const char **value,
               size_t *len);
} otelc_carrier_getter;

/** Writes fields into a carrier. */
typedef struct otelc_carrier_setter {
    uint32_t version; ///< OTELC_CARRIER_VERSION
    void *user_data;  ///< the carrier, passed to set
    /**
     * Sets field @p name (lowercase, NUL-terminated) to @p value (@p len bytes, also
     * NUL-terminated), replacing an earlier value of that field. Both are borrowed for the
     * call. @return ::OTELC_OK, or a negative code, which stops the inject and is returned.
     */
    int (*set)(void *user_data, const char *name, const char *value, size_t len);
} otelc_carrier_setter;

/* ---- the propagator extension point ---------------------------------------------------- */

typedef struct otelc_propagator otelc_propagator;

#define OTELC_PROPAGATOR_METHODS_VERSION 1

/** A propagator implementation. Called from any thread, concurrently. */
typedef struct otelc_propagator_methods {
    uint32_t version; ///< OTELC_PROPAGATOR_METHODS_VERSION
    /** Writes what @p ctx holds (never NULL; borrowed) through @p setter. Returns ::OTELC_OK
     *  or the setter's error. Required. */
    int (*inject)(void *user_data, const otelc_context *ctx, const otelc_carrier_setter *setter);
    /**
     * Reads @p getter and makes @p *out a new reference: to a new context built on @p base
     * (never NULL; borrowed) when something valid was found, else to @p base itself
     * (otelc_context_ref()). On failure (only ::OTELC_ENOMEM is expected) leaves @p *out
     * untouched. Required.
     */
    int (*extract)(void *user_data, const otelc_context *base, const otelc_carrier_getter *getter,
                   otelc_context **out);
    /** The field names inject writes (lowercase); @p *count receives their number. The array
     *  is borrowed and lives as long as the propagator. May be NULL (no fields). */
    const char *const *(*fields)(void *user_data, size_t *count);
    /** Frees user_data; may be NULL. */
    void (*destroy)(void *user_data);
} otelc_propagator_methods;

/**
 * Wraps an implementation. @p methods is borrowed and must outlive the propagator (a static
 * table). @return ::OTELC_OK, ::OTELC_EINVAL (bad version, missing inject/extract),
 * ::OTELC_ENOMEM.
 */
OTELC_API int otelc_propagator_new(otelc_propagator **out, const otelc_propagator_methods *methods,
                                   void *user_data);
/** Frees a propagator that was not transferred; NULL is a no-op. */
OTELC_API void otelc_propagator_free(otelc_propagator *p);

/**
 * Injects @p ctx through @p setter.
 * @param p    the propagator; NULL: the global one.
 * @param ctx  borrowed; NULL: the calling thread's current context.
 * @return ::OTELC_OK, ::OTELC_EINVAL (setter NULL or of an unknown version), a setter error,
 * ::OTELC_ENOMEM.
 */
OTELC_API int otelc_propagator_inject(const otelc_propagator *p, const otelc_context *ctx,
                                      const otelc_carrier_setter *setter);

/**
 * Extracts from @p getter into a new context built on @p base.
 * @param p     the propagator; NULL: the global one.
 * @param base  borrowed; NULL: the empty context (not the current one: a request that
 *              arrives should not inherit what the thread was doing).
 * @param out   receives a new reference, never NULL on success; release it with
 *              otelc_context_free(). Its span, when a valid remote parent arrived, is a
 *              non-recording span whose context has is_remote set.
 * @return ::OTELC_OK (also when nothing valid arrived), ::OTELC_EINVAL, ::OTELC_ENOMEM.
 */
OTELC_API int otelc_propagator_extract(const otelc_propagator *p, const otelc_context *base,
                                       const otelc_carrier_getter *getter, otelc_context **out);

/** The field names @p p writes (for a reused carrier that must clear them before an
 *  inject); @p *names (may be NULL) is borrowed from @p p. @return their number. */
OTELC_API size_t otelc_propagator_fields(const otelc_propagator *p, const char *const **names);

/** W3C Trace Context (Level 2): the `traceparent` and `tracestate` fields. */
OTELC_API int otelc_propagator_tracecontext(otelc_propagator **out);
/** W3C Baggage: the `baggage` field. */
OTELC_API int otelc_propagator_baggage(otelc_propagator **out);
/** B3, injecting the single `b3` header; extracts both B3 forms (single wins). */
OTELC_API int otelc_propagator_b3(otelc_propagator **out);
/** B3, injecting the `x-b3-*` headers; extracts both B3 forms (single wins). */
OTELC_API int otelc_propagator_b3multi(otelc_propagator **out);

/**
 * Runs @p n propagators in order: inject calls each; extract feeds each the result of the one
 * before. The array is borrowed; the propagators are transferred on success only. With
 * @p n 0 it is the no-op propagator.
 * @return ::OTELC_OK, ::OTELC_EINVAL (a NULL member), ::OTELC_ENOMEM.
 */
OTELC_API int otelc_propagator_composite(otelc_propagator **out, otelc_propagator *const *list,
                                         size_t n);

/**
 * The propagator `OTEL_PROPAGATORS` names: a comma-separated list of `tracecontext`,
 * `baggage`, `b3`, `b3multi` and `none`, run in the order given, duplicates removed;
 * unset or empty means `tracecontext,baggage`; `none` alone means the no-op propagator.
 * Unknown names (and `none` next to others) get one warning naming the variable; the known
 * names are kept.
 * @return ::OTELC_OK, ::OTELC_EINVAL, ::OTELC_ENOMEM.
 */
OTELC_API int otelc_propagators_from_env(otelc_propagator **out);

/**
 * The global propagator (borrowed): the one set with otelc_set_global_propagator(), else
 * the no-op propagator (the specification's default; otelc_sdk_init_from_env() installs
 * the one `OTEL_PROPAGATORS` names).
 */
OTELC_API const otelc_propagator *otelc_global_propagator(void);
/** Installs @p p (borrowed: keep it alive until it is replaced) as the global propagator;
 *  NULL restores the no-op propagator. Thread-safe. */
OTELC_API void otelc_set_global_propagator(const otelc_propagator *p);

/* ---- traceparent helpers --------------------------------------------------------------- */

/** Bytes of a version 00 `traceparent` with its NUL. */
#define OTELC_TRACEPARENT_SIZE 56

/**
 * Parses a `traceparent` value of @p len bytes (borrowed) by the W3C rules: spaces and tabs
 * around it are ignored; version `00` is exactly 55 characters; a higher version is read on
 * its first 55 characters, followed by the end or `-`; version `ff`, upper-case hex and
 * all-zero ids are invalid. Allocates nothing. On success @p out holds the ids and flags,
 * is_remote 1 and no tracestate.
 * @return ::OTELC_OK, ::OTELC_EPARSE (@p out untouched), ::OTELC_EINVAL.
 */
OTELC_API int otelc_traceparent_parse(const char *s, size_t len, otelc_span_context *out);

/**
 * Writes @p sc as a version 00 `traceparent` (keeping only the sampled and random flags)
 * into @p buf. @return 55, or 0 with @p buf set to "" when @p sc is NULL or invalid.
 */
OTELC_API size_t otelc_traceparent_from_span_context(char buf[OTELC_TRACEPARENT_SIZE],
                                                     const otelc_span_context *sc);

/**
 * Writes the `traceparent` of the span held by @p ctx (NULL: the calling thread's current
 * context) into @p buf, for log lines. Allocates nothing.
 * @return 55, or 0 with @p buf set to "" when there is no valid span.
 */
OTELC_API size_t otelc_traceparent_format(char buf[OTELC_TRACEPARENT_SIZE],
                                          const otelc_context *ctx);

/** Bytes of the SQL comment otelc_sql_comment_format() writes, with its NUL. */
#define OTELC_SQL_COMMENT_SIZE 74

/**
 * Writes a sqlcommenter comment carrying the `traceparent` of @p ctx (NULL: the current
 * context), `/\*traceparent='00-...-01'*\/`, into @p buf, to append to a SQL statement.
 * @return its length (73), or 0 with @p buf set to "" when there is no valid span.
 */
OTELC_API size_t otelc_sql_comment_format(char buf[OTELC_SQL_COMMENT_SIZE],
                                          const otelc_context *ctx);

#ifdef __cplusplus
}
#endif

#endif /* OTELC_PROPAGATION_H */
