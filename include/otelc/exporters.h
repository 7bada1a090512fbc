/* SPDX-License-Identifier: Apache-2.0 */
/**
 * @file exporters.h  Built-in span and metric exporters that need no network: console and
 * in-memory.
 *
 * @code
 * // A test of instrumented code: collect, then look a metric up by name.
 * otelc_metric_exporter *mem = NULL;
 * otelc_resource_metrics *rm = NULL;
 * otelc_memory_metric_exporter_new(&mem, OTELC_TEMPORALITY_PREFER_CUMULATIVE,
 *                                  OTELC_AGGREGATION_DEFAULT);
 * // ... hand mem to a reader (keep the handle: it stays valid), record, collect ...
 * if (otelc_memory_metric_exporter_last(mem, &rm) == OTELC_OK) {
 *     const otelc_metric_data *d = otelc_resource_metrics_find(rm, "requests");
 *     // d->points.number[0].value.i ...
 *     otelc_resource_metrics_free(rm);
 * }
 * @endcode
 */
#ifndef OTELC_EXPORTERS_H
#define OTELC_EXPORTERS_H

#include <stdio.h>

#include "metric_data.h"
#include "processor.h"
#include "trace.h"

#ifdef __cplusplus
extern "C" {
#endif

/** Output format of the console exporter. */
typedef enum otelc_console_format {
    OTELC_CONSOLE_JSON = 0, ///< one OTLP/JSON `ExportTraceServiceRequest` line per span, one
                            ///< `ExportMetricsServiceRequest` line per metric collection
    OTELC_CONSOLE_TREE = 1  ///< spans: each trace as a tree, one line per span, when its local
                            ///< root ends (see otelc_console_exporter_new()); metrics are
                            ///< written as in JSON
} otelc_console_format;

/** Options of otelc_console_exporter_new() and otelc_console_metric_exporter_new(). */
typedef struct otelc_console_exporter_options {
    uint32_t size;               ///< sizeof; set by _init
    otelc_console_format format; ///< default OTELC_CONSOLE_JSON
    FILE *stream;                ///< borrowed, not closed; default stdout (used when path
                                 ///< is NULL)
    const char *path;            ///< when set, a file opened for appending (O_CLOEXEC) and
                                 ///< closed by the exporter; copied
} otelc_console_exporter_options;

/** Fills defaults. */
OTELC_API void otelc_console_exporter_options_init(otelc_console_exporter_options *opt);

/**
 * The console exporter. In JSON format each span is written as one line holding an OTLP/JSON
 * `ExportTraceServiceRequest` with that one span (the OTLP/JSON rules: hex ids, enums as
 * integers, 64-bit integers as strings, lowerCamelCase keys), flushed after each batch.
 *
 * In tree format the exporter keeps the spans of each trace until the trace's local root
 * (a span without a parent, or whose parent is in another process) ends, then writes that
 * tree as one block, with one write(2) where the stream has a descriptor:
 * @verbatim
 * trace 4bf92f3577b34da6a3ce929d0e0e4736
 * GET /api/items/{id}                         server        12.411 ms  checkout   #00f067aa  error: HTTP 502
 *   SELECT items                              client         9.020 ms  checkout   #1a2b3c4d
 * @endverbatim
 * One line per span: indentation by depth, name, kind, duration, service.name, the first 8
 * hex digits of the span id, status; children in order of start time. A block whose root
 * has a remote parent names it (`trace <id> parent <span id>`), so blocks of several
 * processes can be stitched together. Memory is bounded: at most 4096 spans of 512 traces
 * wait for their roots; more are dropped and counted (one warning at shutdown). A flush or
 * shutdown writes what still waits, marked `incomplete`.
 *
 * @p opt may be NULL. @return ::OTELC_OK, ::OTELC_EINVAL (a bad size or format), ::OTELC_EIO
 * (the file cannot be opened), ::OTELC_ENOMEM.
 */
OTELC_API int otelc_console_exporter_new(otelc_span_exporter **out,
                                         const otelc_console_exporter_options *opt);

/**
 * The console metric exporter: each collection is written as one line holding an OTLP/JSON
 * `ExportMetricsServiceRequest` (the OTLP/JSON rules, as for spans; NaN and infinities as the
 * strings "NaN", "Infinity", "-Infinity"), flushed after each export. It asks readers for
 * cumulative temporality and the default aggregations. @p opt may be NULL (stdout); it is not
 * referred to after this returns.
 * @return ::OTELC_OK, ::OTELC_EINVAL, ::OTELC_EIO (the file cannot be opened), ::OTELC_ENOMEM.
 */
OTELC_API int otelc_console_metric_exporter_new(otelc_metric_exporter **out,
                                                const otelc_console_exporter_options *opt);

/**
 * The in-memory exporter, for tests: it keeps a reference to every span it is given. The
 * accessors below take the exporter handle, which stays usable (borrowed) after it was
 * transferred to a processor, until the provider is freed. They are thread-safe.
 */
OTELC_API int otelc_memory_exporter_new(otelc_span_exporter **out);
/** Number of spans held (0 for anything that is not a memory exporter). */
OTELC_API size_t otelc_memory_exporter_count(otelc_span_exporter *e);
/** The @p i-th span held, or NULL; a new reference the caller releases with
 *  otelc_span_release(). */
OTELC_API otelc_span *otelc_memory_exporter_get(otelc_span_exporter *e, size_t i);
/** Drops every span held. */
OTELC_API void otelc_memory_exporter_reset(otelc_span_exporter *e);
/** Makes the next @p n exports fail with @p err (for failure tests); 0 stops it. */
OTELC_API void otelc_memory_exporter_fail_next(otelc_span_exporter *e, uint32_t n, int err);

/**
 * The in-memory metric exporter, for tests: it counts exports and keeps a deep copy of the
 * last collection. It asks readers for the temporality that @p temporality gives each
 * instrument kind (otelc_temporality_for()) and gives histograms @p histogram_aggregation
 * (::OTELC_AGGREGATION_DEFAULT for the specification's default). The accessors below take the
 * exporter handle, which stays usable (borrowed) after it was transferred to a reader, until
 * the reader is freed. They are thread-safe.
 * @return ::OTELC_OK, ::OTELC_EINVAL (out NULL or a value out of its enum), ::OTELC_ENOMEM.
 */
OTELC_API int otelc_memory_metric_exporter_new(otelc_metric_exporter **out,
                                               otelc_temporality_preference temporality,
                                               otelc_aggregation histogram_aggregation);
/** Number of successful exports since creation or the last reset (0 for anything that is not
 *  a memory metric exporter). */
OTELC_API size_t otelc_memory_metric_exporter_export_count(const otelc_metric_exporter *e);
/**
 * A deep copy of the last exported collection in @p *out, owned by the caller, who frees it
 * with otelc_resource_metrics_free(). @return ::OTELC_OK, ::OTELC_ENOTFOUND (nothing exported
 * yet; *out is NULL), ::OTELC_EINVAL (not a memory metric exporter), ::OTELC_ENOMEM.
 */
OTELC_API int otelc_memory_metric_exporter_last(const otelc_metric_exporter *e,
                                                otelc_resource_metrics **out);
/** Forgets the last collection and the export count. */
OTELC_API void otelc_memory_metric_exporter_reset(otelc_metric_exporter *e);
/** Makes the next @p n exports fail with @p err (nothing is kept or counted); 0 stops it. */
OTELC_API void otelc_memory_metric_exporter_fail_next(otelc_metric_exporter *e, uint32_t n,
                                                      int err);

/**
 * A deep copy of the collection @p src (borrowed for the call) in @p *out: every string,
 * attribute, point, bucket array and exemplar is copied and the resource is referenced, so the
 * copy outlives the export. Free it with otelc_resource_metrics_free(). A NULL array with a
 * non-zero count is copied as empty (count 0).
 * @return ::OTELC_OK, ::OTELC_EINVAL, ::OTELC_ENOMEM (nothing to free).
 */
OTELC_API int otelc_resource_metrics_copy(otelc_resource_metrics **out,
                                          const otelc_resource_metrics *src);
/** Frees a copy made by otelc_resource_metrics_copy() or otelc_memory_metric_exporter_last()
 *  (never a reader's tree); NULL is a no-op. */
OTELC_API void otelc_resource_metrics_free(otelc_resource_metrics *rm);
/** The first metric named @p name in @p rm (scopes in order), or NULL; borrowed from rm. */
OTELC_API const otelc_metric_data *otelc_resource_metrics_find(const otelc_resource_metrics *rm,
                                                               const char *name);

#ifdef __cplusplus
}
#endif

#endif /* OTELC_EXPORTERS_H */
