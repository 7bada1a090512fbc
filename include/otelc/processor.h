/* SPDX-License-Identifier: Apache-2.0 */
/**
 * @file processor.h  Span processor and span exporter extension points, and the simple
 * span processor.
 *
 * Ownership: a processor passed to otelc_tracer_provider_new() belongs to the provider; an
 * exporter passed to a processor constructor belongs to that processor (on success only).
 * Exporters are never called concurrently with themselves.
 */
#ifndef OTELC_PROCESSOR_H
#define OTELC_PROCESSOR_H

#include "trace_types.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct otelc_span_processor otelc_span_processor;
typedef struct otelc_span_exporter otelc_span_exporter;

/** Counters a processor keeps; every field only grows. */
typedef struct otelc_span_processor_stats {
    uint32_t size;     ///< sizeof(otelc_span_processor_stats); set by the caller
    uint64_t ended;    ///< sampled spans handed to the processor by on_end
    uint64_t queued;   ///< of those, waiting to be exported now
    uint64_t exported; ///< exported successfully
    uint64_t dropped;  ///< dropped before export (queue full, shut down)
    uint64_t failed;   ///< the exporter reported a failure for them
} otelc_span_processor_stats;

#define OTELC_SPAN_PROCESSOR_METHODS_VERSION 1

/** A span processor implementation. Every member but version may be NULL. */
typedef struct otelc_span_processor_methods {
    uint32_t version; ///< OTELC_SPAN_PROCESSOR_METHODS_VERSION
    /** A span started; it may be modified. @p span is borrowed for the call. */
    void (*on_start)(void *user_data, otelc_span *span, const otelc_context *parent);
    /** A recording span ended; it is read-only now. @p span is borrowed for the call: call
     *  otelc_span_ref() to keep it and otelc_span_release() when done. */
    void (*on_end)(void *user_data, otelc_span *span);
    /** Exports what is pending; must return by @p deadline (monotonic ns). */
    int (*force_flush)(void *user_data, uint64_t deadline);
    /** Flushes, then stops; called once; must return by @p deadline. */
    int (*shutdown)(void *user_data, uint64_t deadline);
    /** Fills counters (fields the processor does not keep stay zero). */
    void (*get_stats)(void *user_data, otelc_span_processor_stats *stats);
    /** Frees user_data (after shutdown). */
    void (*destroy)(void *user_data);
} otelc_span_processor_methods;

/** Wraps an implementation; @p methods is borrowed and must outlive the processor. */
OTELC_API int otelc_span_processor_new(otelc_span_processor **out,
                                       const otelc_span_processor_methods *methods,
                                       void *user_data);
/** Frees a processor that was not transferred (shutting it down first); NULL is a no-op. */
OTELC_API void otelc_span_processor_free(otelc_span_processor *p);

#define OTELC_SPAN_EXPORTER_METHODS_VERSION 1

/** A span exporter implementation. */
typedef struct otelc_span_exporter_methods {
    uint32_t version; ///< OTELC_SPAN_EXPORTER_METHODS_VERSION
    /** Exports @p n ended, sampled spans (borrowed for the call; read them with the
     *  otelc_span_get_* accessors). Returns ::OTELC_OK or a negative code; must return by
     *  @p deadline (monotonic ns). Required. */
    int (*export_spans)(void *user_data, otelc_span *const *spans, size_t n,
                        uint64_t deadline);
    /** May be NULL. */
    int (*force_flush)(void *user_data, uint64_t deadline);
    /** May be NULL. After it, export_spans is not called again. */
    int (*shutdown)(void *user_data, uint64_t deadline);
    /** Frees user_data; may be NULL. */
    void (*destroy)(void *user_data);
    /** In a child process after fork(): drop inherited connections and any state a vanished
     *  thread may have left half-changed; the next export reconnects. May be NULL. */
    void (*after_fork)(void *user_data);
} otelc_span_exporter_methods;

/** Wraps an implementation; @p methods is borrowed and must outlive the exporter. */
OTELC_API int otelc_span_exporter_new(otelc_span_exporter **out,
                                      const otelc_span_exporter_methods *methods,
                                      void *user_data);
/** Calls the exporter (what processors do). ::OTELC_ESHUTDOWN after shutdown. */
OTELC_API int otelc_span_exporter_export(otelc_span_exporter *e, otelc_span *const *spans,
                                         size_t n, uint64_t deadline);
/** Shuts the exporter down once; later calls return ::OTELC_OK and do nothing. */
OTELC_API int otelc_span_exporter_shutdown(otelc_span_exporter *e, uint64_t deadline);
/** The user_data given at creation (for exporters built by otelc: internal). */
OTELC_API void *otelc_span_exporter_user_data(const otelc_span_exporter *e);
/** Frees an exporter that was not transferred (shutting it down first); NULL is a no-op. */
OTELC_API void otelc_span_exporter_free(otelc_span_exporter *e);

/**
 * The simple span processor: exports each sampled span as it ends, synchronously, on the
 * ending thread, serialised by a mutex. For tests and debugging; use the batch processor in
 * production. Takes @p exporter over on success.
 */
OTELC_API int otelc_simple_span_processor_new(otelc_span_processor **out,
                                              otelc_span_exporter *exporter);

/** Settings of the batch span processor (the specification's BatchSpanProcessor). */
typedef struct otelc_batch_span_processor_options {
    uint32_t size;                  ///< sizeof; set by _init
    uint32_t max_queue_size;        ///< spans waiting at most; rounded up to a power of two;
                                    ///< OTEL_BSP_MAX_QUEUE_SIZE (2048)
    uint32_t max_export_batch_size; ///< spans per export, at most max_queue_size;
                                    ///< OTEL_BSP_MAX_EXPORT_BATCH_SIZE (512)
    uint32_t schedule_delay_ms;     ///< longest wait between exports;
                                    ///< OTEL_BSP_SCHEDULE_DELAY (5000)
    uint32_t export_timeout_ms;     ///< deadline given to each export;
                                    ///< OTEL_BSP_EXPORT_TIMEOUT (30000)
} otelc_batch_span_processor_options;

/** The specification's defaults, without reading the environment. */
OTELC_API void otelc_batch_span_processor_options_init(otelc_batch_span_processor_options *o);
/** The defaults overridden by the `OTEL_BSP_*` variables; a bad value gets one warning naming
 *  the variable and value, and the default. */
OTELC_API void otelc_batch_span_processor_options_from_env(otelc_batch_span_processor_options *o);

/**
 * The batch span processor. Ending a sampled span hands a pointer to a bounded lock-free queue
 * and returns: no lock, no system call, no allocation. When the queue is full the span is
 * dropped and counted (one throttled log line). One worker thread exports batches when a full
 * batch waits, when the schedule delay passes, or on flush; exports never overlap.
 *
 * Memory: the processor holds at most max_queue_size (rounded up to a power of two) spans,
 * each bounded by the span limits.
 *
 * fork(): before fork the worker is paused between exports (waiting at most the export
 * timeout); the parent resumes it; the child discards the parent's queued spans (they are the
 * parent's to send), resets its counters, calls the exporter's after_fork, and starts a new
 * worker on first use. Programs that fork with a raw system call call otelc_sdk_after_fork()
 * in the child.
 *
 * Takes @p exporter over on success. @p opt may be NULL (defaults, no environment).
 * @return ::OTELC_OK, ::OTELC_EINVAL (bad sizes: zero, batch > queue), ::OTELC_ENOMEM,
 * ::OTELC_EIO (the worker thread could not be started).
 */
OTELC_API int otelc_batch_span_processor_new(otelc_span_processor **out,
                                             otelc_span_exporter *exporter,
                                             const otelc_batch_span_processor_options *opt);

#ifdef __cplusplus
}
#endif

#endif /* OTELC_PROCESSOR_H */
