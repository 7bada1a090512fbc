/* SPDX-License-Identifier: Apache-2.0 */
/**
 * @file context.h  Context: the per-thread current context with attach/detach tokens, and
 * explicit ::otelc_context values for event-loop code.
 *
 * A context is immutable and reference-counted. It holds a span (a recording span, or a
 * non-recording span that wraps an extracted remote span context) and, from the propagation
 * API, baggage. Threads keep a stack of attached contexts; otelc_span_start() without an
 * explicit parent uses the top of the calling thread's stack.
 *
 * Thread code:
 * @code
 * otelc_span *s = otelc_span_start(tracer, "work", NULL);
 * otelc_context_token t = otelc_span_make_current(s);
 * do_work();                       // spans started here are children of s
 * otelc_context_detach(t);
 * otelc_span_end(s);
 * @endcode
 *
 * Event-loop code keeps the context with the request instead:
 * @code
 * req->ctx = otelc_context_with_span(NULL, span);   // new reference
 * ...                                               // later, in a callback:
 * otelc_span_options o; otelc_span_options_init(&o);
 * o.parent = req->ctx;
 * otelc_span *child = otelc_span_start(tracer, "db.query", &o);
 * ...
 * otelc_context_free(req->ctx);
 * @endcode
 */
#ifndef OTELC_CONTEXT_H
#define OTELC_CONTEXT_H

#include "trace_types.h"

#ifdef __cplusplus
extern "C" {
#endif

/** Identifies one attach; pass it back to otelc_context_detach(). A zero token is invalid. */
typedef struct otelc_context_token {
    uint32_t depth; ///< stack position + 1
    uint32_t gen;   ///< per-thread attach counter, to detect stale tokens
} otelc_context_token;

/**
 * The calling thread's current context: a new reference (never NULL: an empty context when
 * nothing is attached, or on allocation failure). Release with otelc_context_free().
 */
OTELC_API otelc_context *otelc_context_current(void);

/**
 * A new context equal to @p base (NULL: the empty context) but holding @p span.
 * Takes a reference to @p span, which stays readable until the context is freed.
 * @return a new reference, or NULL on allocation failure (or if span is NULL and base is NULL:
 * then the empty context is returned).
 */
OTELC_API otelc_context *otelc_context_with_span(const otelc_context *base, otelc_span *span);

/** The span held by @p ctx, or NULL; borrowed, valid while ctx lives. */
OTELC_API otelc_span *otelc_context_get_span(const otelc_context *ctx);

/** Takes a new reference (NULL-safe) and returns @p ctx. */
OTELC_API otelc_context *otelc_context_ref(const otelc_context *ctx);
/** Releases a reference; NULL is a no-op. */
OTELC_API void otelc_context_free(otelc_context *ctx);

/**
 * Makes @p ctx the calling thread's current context until the returned token is detached.
 * Takes a reference to @p ctx. Returns a zero token (and logs) if @p ctx is NULL or memory
 * runs out; detaching a zero token is a no-op.
 */
OTELC_API otelc_context_token otelc_context_attach(otelc_context *ctx);

/**
 * Makes @p span current (with the current baggage) without allocating a context object.
 * A NULL span leaves the current context unchanged but still returns a token to detach, so
 * a disabled SDK passes an extracted parent through untouched.
 */
OTELC_API otelc_context_token otelc_span_make_current(otelc_span *span);

/**
 * Undoes the attach that returned @p token. Detaching out of order is reported once (log) and
 * removes only that entry: the current context stays the innermost one still attached. A stale
 * or foreign token is reported and ignored. Must be called on the thread that attached.
 */
OTELC_API void otelc_context_detach(otelc_context_token token);

/** The span of the calling thread's current context, or NULL; borrowed. */
OTELC_API otelc_span *otelc_span_current(void);

#ifdef __cplusplus
}
#endif

#endif /* OTELC_CONTEXT_H */
