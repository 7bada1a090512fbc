/* SPDX-License-Identifier: Apache-2.0 */
/* What the OTLP/gRPC exporters of every signal share: the options (defaults, environment),
 * the client they describe, the request buffer, the deadline cap, the size limit and the last
 * error. The span and metric exporters are thin layers that encode into `body` and call
 * otelc__otlp_grpc_base_send. */
#ifndef OTELC_EXPORTERS_OTLP_GRPC_GRPC_BASE_H
#define OTELC_EXPORTERS_OTLP_GRPC_GRPC_BASE_H

#include <stdint.h>

#include "exporters/otlp_grpc/grpc_client.h"
#include "otelc/otlp_grpc.h"
#include "sdk/common/buf.h"

struct otelc__otlp_grpc_base {
    struct otelc__grpc_client *client;
    uint32_t timeout_ms;
    uint64_t max_request;
    int shut;
    struct otelc__buf body; /* the encoded request */
    char last_error[320];
};

/* Reads the OTEL_EXPORTER_OTLP_[<signal>_]* variables into opt (signal "TRACES" or
 * "METRICS"). */
void otelc__otlp_grpc_options_from_env(otelc_otlp_grpc_exporter_options *opt,
                                       const char *signal);

/* Sets b up from opt (NULL: the defaults): OTELC_OK, OTELC_EINVAL (bad options; the reason is
 * logged, prefixed by who, with no values), OTELC_ENOMEM. On failure nothing is left to free. */
int otelc__otlp_grpc_base_init(struct otelc__otlp_grpc_base *b,
                               const otelc_otlp_grpc_exporter_options *opt, const char *who);
void otelc__otlp_grpc_base_fini(struct otelc__otlp_grpc_base *b);

/* Starts an export: clears the last error and returns the deadline capped by the timeout. */
uint64_t otelc__otlp_grpc_base_begin(struct otelc__otlp_grpc_base *b, uint64_t deadline);

/* Sends b->body (its encoding status checked first) to path; what names the items ("spans",
 * "data points") in messages. Returns OTELC__OTLP_SPLIT_ME when the body is over the limit
 * (nothing sent: the caller splits, or fails with otelc__otlp_grpc_base_fail), else OTELC_OK
 * or a negative code (recorded and logged, throttled). */
int otelc__otlp_grpc_base_send(struct otelc__otlp_grpc_base *b, const char *path,
                               const char *what, uint64_t deadline);

/* Records a failure described by the printf-style message and logs it (throttled);
 * returns rc. */
int otelc__otlp_grpc_base_fail(struct otelc__otlp_grpc_base *b, int rc, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* After an export: gives back a buffer that one huge request made large. */
void otelc__otlp_grpc_base_trim(struct otelc__otlp_grpc_base *b);

#endif
