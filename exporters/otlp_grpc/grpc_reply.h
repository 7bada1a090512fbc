/* SPDX-License-Identifier: Apache-2.0 */
/* The protobuf fields a gRPC client reads from an answer: the google.rpc.RetryInfo in the
 * details of a google.rpc.Status, and the partial_success of an Export*ServiceResponse. A
 * small reader over caller bytes that allocates nothing (outside input, fuzzed). */
#ifndef OTELC_EXPORTERS_OTLP_GRPC_GRPC_REPLY_H
#define OTELC_EXPORTERS_OTLP_GRPC_GRPC_REPLY_H

#include <stddef.h>
#include <stdint.h>

/* From a serialised google.rpc.Status (grpc-status-details-bin): the delay of the first
 * google.rpc.RetryInfo in its details. 1 and *delay_ns set when there is one, 0 when none,
 * -1 when the bytes are not a well-formed Status. */
int otelc__grpc_retry_info(const uint8_t *status, size_t len, uint64_t *delay_ns);

/* From a serialised Export{Trace,Metrics,Logs}ServiceResponse (they share the layout
 * partial_success = 1 { int64 rejected = 1; string error_message = 2; }): the rejected count
 * and the message (pointing into msg). 1 when partial_success is present, 0 when absent, -1
 * when the bytes are malformed. */
int otelc__grpc_partial_success(const uint8_t *msg, size_t len, int64_t *rejected,
                                const char **error_message, size_t *error_len);

#endif
