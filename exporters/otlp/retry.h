/* SPDX-License-Identifier: Apache-2.0 */
/* The OTLP exporters' retry policy: which answers are retried, and how long to wait before the
 * next attempt (exponential backoff with jitter, or the receiver's Retry-After or RetryInfo). */
#ifndef OTELC_EXPORTERS_OTLP_RETRY_H
#define OTELC_EXPORTERS_OTLP_RETRY_H

#include <stddef.h>
#include <stdint.h>

/* Backoff state of one export: the first wait is about initial_ns, each next one doubles up
 * to max_ns. */
struct otelc__retry {
    uint32_t attempt;
    uint64_t initial_ns;
    uint64_t max_ns;
};

/* The defaults: 500 ms doubling up to 5 s. */
void otelc__retry_init(struct otelc__retry *r);

/* 1 for the HTTP statuses the OTLP specification retries (429, 502, 503, 504), else 0. */
int otelc__retry_http_status_retryable(long status);

/* 1 for the gRPC status codes the OTLP specification retries: CANCELLED, DEADLINE_EXCEEDED,
 * ABORTED, OUT_OF_RANGE, UNAVAILABLE, DATA_LOSS, and RESOURCE_EXHAUSTED only when the server
 * sent a google.rpc.RetryInfo (has_retry_info), else 0. */
int otelc__retry_grpc_status_retryable(int code, int has_retry_info);

/* Parses a Retry-After value, delay-seconds or an HTTP-date, into a wait in ns from now_unix_s
 * (a past date waits 0). Returns 0, or -1 when the value is neither. */
int otelc__retry_after_parse(const char *v, size_t len, int64_t now_unix_s, uint64_t *wait_ns);

/* The wait before the next attempt: retry_after_ns when the receiver gave one (non-zero),
 * else the next backoff step with jitter (between half and all of it), cut short so that a
 * last attempt starts 100 ms before deadline (monotonic ns). Returns 0 and sets *wait_ns, or
 * -1 when no attempt fits (or the receiver's wait ends too late). */
int otelc__retry_next(struct otelc__retry *r, uint64_t retry_after_ns, uint64_t deadline,
                      uint64_t *wait_ns);

/* Sleeps wait_ns (restarting after signals). */
void otelc__retry_sleep(uint64_t wait_ns);

#endif
