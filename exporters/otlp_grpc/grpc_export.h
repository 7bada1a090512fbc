/* SPDX-License-Identifier: Apache-2.0 */
/* One OTLP export over gRPC for any signal: an already-encoded Export*ServiceRequest sent with
 * the shared retry policy (exporters/otlp/retry.h) within a deadline, and the answer's
 * partial_success logged. The span exporter calls it; the metrics exporter calls it with
 * OTELC__GRPC_METRICS_PATH. */
#ifndef OTELC_EXPORTERS_OTLP_GRPC_GRPC_EXPORT_H
#define OTELC_EXPORTERS_OTLP_GRPC_GRPC_EXPORT_H

#include <stddef.h>
#include <stdint.h>

#include "exporters/otlp_grpc/grpc_client.h"

/*
 * Sends the serialised request (borrowed) to path on client c, retrying CANCELLED,
 * DEADLINE_EXCEEDED, ABORTED, OUT_OF_RANGE, UNAVAILABLE, DATA_LOSS, and RESOURCE_EXHAUSTED
 * with a RetryInfo (whose delay is honoured), with backoff, until deadline (monotonic ns).
 * A partial success is logged once, naming what (e.g. "spans", "data points"). On failure a
 * description (no header values) is written to err (errcap bytes); "" on success.
 * Returns OTELC_OK (partial success included), OTELC_EREJECTED (a status not retried),
 * OTELC_ETIMEDOUT (no time left for another attempt), OTELC_ETRANSPORT (the last attempt
 * could not reach the server), OTELC_ENOMEM.
 */
int otelc__otlp_grpc_export(struct otelc__grpc_client *c, const char *path, const uint8_t *req,
                            size_t len, uint64_t deadline, const char *what, char *err,
                            size_t errcap);

#endif
