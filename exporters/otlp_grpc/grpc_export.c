/* SPDX-License-Identifier: Apache-2.0 */
/* The retry loop of an OTLP/gRPC export, and partial_success, for every signal. */
#include "exporters/otlp_grpc/grpc_export.h"

#include <stdio.h>
#include <string.h>

#include "exporters/otlp/retry.h"
#include "exporters/otlp_grpc/grpc_reply.h"
#include "otelc/common.h"
#include "sdk/common/clock.h"
#include "sdk/common/log_internal.h"

/* Logs a partial success; an OK answer is never retried. */
static void log_partial_success(const struct otelc__grpc_result *res, const char *what)
{
    int64_t rejected = 0;
    const char *msg;
    size_t mlen;
    char shown[OTELC__GRPC_MESSAGE_MAX];
    if (res->response_compressed || res->response.len == 0)
        return;
    if (otelc__grpc_partial_success((const uint8_t *)res->response.data, res->response.len,
                                    &rejected, &msg, &mlen) != 1)
        return;
    /* The message is the receiver's text: made printable, and cut. */
    size_t n = mlen < sizeof shown - 1 ? mlen : sizeof shown - 1;
    for (size_t i = 0; i < n; i++) {
        unsigned char ch = (unsigned char)msg[i];
        shown[i] = (ch < 0x20 || ch == 0x7f) ? '?' : (char)ch;
    }
    shown[n] = '\0';
    if (rejected > 0 || n > 0)
        otelc__log(OTELC_LOG_WARN, "otlp/grpc exporter: partial success: %lld %s rejected: %s",
                   (long long)rejected, what, n ? shown : "(no message)");
}

int otelc__otlp_grpc_export(struct otelc__grpc_client *c, const char *path, const uint8_t *req,
                            size_t len, uint64_t deadline, const char *what, char *err,
                            size_t errcap)
{
    struct otelc__retry retry;
    struct otelc__grpc_result res;
    int rc;
    err[0] = '\0';
    otelc__retry_init(&retry);
    otelc__grpc_result_init(&res);
    for (;;) {
        int st = otelc__grpc_unary(c, path, req, len, deadline, &res);
        if (st < 0) {
            snprintf(err, errcap, "out of memory in a gRPC call to %s",
                     otelc__grpc_client_target(c));
            rc = st;
            break;
        }
        if (st == OTELC__GRPC_OK) {
            log_partial_success(&res, what);
            rc = OTELC_OK;
            break;
        }
        uint64_t delay = 0, wait;
        int has_retry_info = 0;
        if (res.from_server && res.details.len > 0)
            has_retry_info = otelc__grpc_retry_info((const uint8_t *)res.details.data,
                                                    res.details.len, &delay) == 1;
        snprintf(err, errcap, "gRPC %s from %s%s%s", otelc__grpc_code_name(st),
                 otelc__grpc_client_target(c), res.message[0] ? ": " : "", res.message);
        if (!otelc__retry_grpc_status_retryable(st, has_retry_info)) {
            rc = OTELC_EREJECTED;
            break;
        }
        /* A RetryInfo of zero means "now"; the backoff still spaces the attempts. */
        if (otelc__retry_next(&retry, has_retry_info ? delay : 0, deadline, &wait) != 0) {
            size_t l = strlen(err);
            snprintf(err + l, errcap - l, " (no time left to retry after %u attempts)",
                     retry.attempt);
            rc = st == OTELC__GRPC_UNAVAILABLE && !res.from_server ? OTELC_ETRANSPORT
                                                                   : OTELC_ETIMEDOUT;
            break;
        }
        otelc__retry_sleep(wait);
    }
    otelc__grpc_result_free(&res);
    return rc;
}
