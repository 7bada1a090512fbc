/* SPDX-License-Identifier: Apache-2.0 */
/* The output side that the console span and metric exporters share: a stream or an appended
 * file, one encoded line per write(2), flushing around each export, and the error reporting. */
#ifndef OTELC_EXPORTERS_CONSOLE_CONSOLE_STREAM_H
#define OTELC_EXPORTERS_CONSOLE_CONSOLE_STREAM_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "otelc/exporters.h"
#include "sdk/common/buf.h"

struct otelc__console_stream {
    FILE *stream;           /* NULL after shutdown of an owned file */
    int owns_stream;        /* opened from a path: closed by the exporter */
    struct otelc__buf line; /* reused between exports (never called concurrently) */
};

/* Encodes the i-th line of an export into b (without the newline); returns OTELC_OK or an
 * error (a failure of b's memory shows in its oom flag). */
typedef int (*otelc__console_encode_fn)(struct otelc__buf *b, const void *ctx, size_t i);

/* A new stream (freed with otelc__console_stream_free) from opt (NULL: defaults; the format
 * JSON or TREE, which the caller interprets), checked:
 * its file opened or its stream taken. OTELC_OK, OTELC_EINVAL, OTELC_EIO (the file cannot be
 * opened), OTELC_ENOMEM; on failure *out is untouched. */
int otelc__console_stream_new(struct otelc__console_stream **out,
                              const otelc_console_exporter_options *opt);

/* Writes n lines encoded by encode(ctx, i), each with one write(2); what names the data in
 * the throttled error lines ("spans"). OTELC_OK, OTELC_ESHUTDOWN, OTELC_EIO, OTELC_ENOMEM. */
int otelc__console_stream_write(struct otelc__console_stream *c, otelc__console_encode_fn encode,
                                const void *ctx, size_t n, const char *what);

/* Writes text as it is (several lines may be in it) with one write(2), flushing the stream
 * around it; nothing when it is empty. OTELC_OK, OTELC_ESHUTDOWN, OTELC_EIO, OTELC_ENOMEM
 * (text's oom flag). */
int otelc__console_stream_put(struct otelc__console_stream *c, const struct otelc__buf *text,
                              const char *what);

/* The exporters' methods, on a struct otelc__console_stream * made with otelc__calloc. */
/* Flushes the stream. */
int otelc__console_stream_flush(void *c, uint64_t deadline);
/* Flushes, and closes an owned file so its descriptor is not held until the exporter is
 * freed. */
int otelc__console_stream_shutdown(void *c, uint64_t deadline);
/* Closes an owned file and frees the stream. */
void otelc__console_stream_free(void *c);

#endif
