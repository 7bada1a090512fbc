/* SPDX-License-Identifier: Apache-2.0 */
/* The gateway's instruments on the metrics API; built only when otelc/metrics.h exists
 * (OTELC_PLATFORM_METRICS), otherwise the gateway runs without metrics. */
#include "gateway_metrics.h"

#ifdef OTELC_PLATFORM_METRICS

#include <otelc/metrics.h>
#include <stdio.h>
#include <stdlib.h>

struct gateway_metrics {
    otelc_instrument *requests;  /* Counter platform.requests */
    otelc_instrument *in_flight; /* UpDownCounter http.server.active_requests */
    otelc_instrument *latency;   /* Histogram http.server.request.duration, seconds */
};

/* The semantic conventions' advice for http.server.request.duration. */
static const double k_latency_bounds[] = {0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25,
                                          0.5,   0.75, 1.0,   2.5,  5.0,   7.5, 10.0};

struct gateway_metrics *gateway_metrics_new(otelc_sdk *sdk)
{
    otelc_meter *meter = otelc_sdk_get_meter(sdk, "otelc-platform.gateway", OTELC_VERSION_STRING);
    if (!meter)
        return NULL; /* a disabled SDK */
    struct gateway_metrics *m = calloc(1, sizeof *m);
    if (!m)
        return NULL;
    otelc_instrument_options o;
    otelc_instrument_options_init(&o);
    o.unit = "{request}";
    o.description = "Requests answered by the gateway";
    o.is_int = 1;
    int rc = otelc_meter_create_instrument(meter, OTELC_INSTRUMENT_COUNTER, "platform.requests",
                                           &o, &m->requests);
    o.description = "Requests the gateway is handling";
    if (rc == OTELC_OK)
        rc = otelc_meter_create_instrument(meter, OTELC_INSTRUMENT_UP_DOWN_COUNTER,
                                           "http.server.active_requests", &o, &m->in_flight);
    otelc_instrument_options_init(&o);
    o.unit = "s";
    o.description = "Duration of HTTP server requests";
    o.advisory_boundaries = k_latency_bounds;
    o.advisory_boundary_count = sizeof k_latency_bounds / sizeof k_latency_bounds[0];
    if (rc == OTELC_OK)
        rc = otelc_meter_create_instrument(meter, OTELC_INSTRUMENT_HISTOGRAM,
                                           "http.server.request.duration", &o, &m->latency);
    if (rc != OTELC_OK) {
        fprintf(stderr, "gateway: cannot create the instruments: %s\n", otelc_strerror(rc));
        free(m);
        return NULL;
    }
    return m;
}

void gateway_metrics_started(struct gateway_metrics *m, const otelc_attr *attrs, size_t n)
{
    if (m)
        otelc_record_i64(m->in_flight, 1, attrs, n);
}

void gateway_metrics_finished(struct gateway_metrics *m, const otelc_attr *start_attrs,
                              size_t start_n, double seconds, const otelc_attr *attrs, size_t n,
                              const otelc_context *ctx)
{
    if (!m)
        return;
    /* Recorded while the server span is still open, with its context given explicitly (the
     * event loop has no current span), so the exemplar names that span. */
    otelc_record_f64_ctx(m->latency, seconds, attrs, n, ctx);
    otelc_record_i64_ctx(m->requests, 1, attrs, n, ctx);
    otelc_record_i64(m->in_flight, -1, start_attrs, start_n);
}

void gateway_metrics_free(struct gateway_metrics *m) { free(m); }

#else /* no otelc/metrics.h in this build: the gateway serves without metrics */

struct gateway_metrics *gateway_metrics_new(otelc_sdk *sdk)
{
    (void)sdk;
    return NULL;
}

void gateway_metrics_started(struct gateway_metrics *m, const otelc_attr *attrs, size_t n)
{
    (void)m;
    (void)attrs;
    (void)n;
}

void gateway_metrics_finished(struct gateway_metrics *m, const otelc_attr *start_attrs,
                              size_t start_n, double seconds, const otelc_attr *attrs, size_t n,
                              const otelc_context *ctx)
{
    (void)m;
    (void)start_attrs;
    (void)start_n;
    (void)seconds;
    (void)attrs;
    (void)n;
    (void)ctx;
}

void gateway_metrics_free(struct gateway_metrics *m) { (void)m; }

#endif
