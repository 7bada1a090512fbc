/* SPDX-License-Identifier: Apache-2.0 */
/**
 * @file exporters.h  Built-in span exporters that need no network: console and in-memory.
 */
#ifndef OTELC_EXPORTERS_H
#define OTELC_EXPORTERS_H

#include <stdio.h>

#include "processor.h"
#include "trace.h"

#ifdef __cplusplus
extern "C" {
#endif

/** Output format of the console exporter. */
typedef enum otelc_console_format {
    OTELC_CONSOLE_JSON = 0 ///< one OTLP/JSON `ExportTraceServiceRequest` line per span
} otelc_console_format;

/** Options of otelc_console_exporter_new(). */
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
 * @p opt may be NULL. @return ::OTELC_OK, ::OTELC_EIO (the file cannot be opened), ::OTELC_ENOMEM.
 */
OTELC_API int otelc_console_exporter_new(otelc_span_exporter **out,
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

#ifdef __cplusplus
}
#endif

#endif /* OTELC_EXPORTERS_H */
