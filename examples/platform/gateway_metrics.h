/* SPDX-License-Identifier: Apache-2.0 */
/* The gateway's metrics: a request counter, an in-flight up-down counter and a latency
 * histogram whose exemplars point at the request's server span. */
#ifndef OTELC_PLATFORM_GATEWAY_METRICS_H
#define OTELC_PLATFORM_GATEWAY_METRICS_H

#include <otelc/otelc.h>

struct gateway_metrics;

/* The instruments, from the SDK's meter provider; NULL when this build of the platform has
 * no metrics API (otelc/metrics.h), in which case the calls below do nothing. */
struct gateway_metrics *gateway_metrics_new(otelc_sdk *sdk);
/* A request came in: http.server.active_requests + 1 (attrs: method and scheme). */
void gateway_metrics_started(struct gateway_metrics *m, const otelc_attr *attrs, size_t n);
/* A request was answered: http.server.active_requests - 1 (start_attrs as above),
 * http.server.request.duration records seconds with ctx's span as the exemplar's span, and
 * platform.requests counts it (attrs: what the answer was). */
void gateway_metrics_finished(struct gateway_metrics *m, const otelc_attr *start_attrs,
                              size_t start_n, double seconds, const otelc_attr *attrs, size_t n,
                              const otelc_context *ctx);
void gateway_metrics_free(struct gateway_metrics *m);

#endif
