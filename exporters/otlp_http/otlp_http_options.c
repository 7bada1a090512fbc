/* SPDX-License-Identifier: Apache-2.0 */
/* The options of the OTLP/HTTP exporters: defaults, and the OTEL_EXPORTER_OTLP_* variables with
 * their per-signal variants (TRACES_, METRICS_), which win over the general ones. */
#include <stdio.h>
#include <string.h>

#include "exporters/otlp_http/http_transport.h"
#include "sdk/common/env.h"

#define DEFAULT_TIMEOUT_MS 10000u
#define DEFAULT_MAX_REQUEST (64ull * 1024 * 1024)

void otelc_otlp_http_exporter_options_init(otelc_otlp_http_exporter_options *opt)
{
    if (!opt)
        return;
    memset(opt, 0, sizeof *opt);
    opt->size = sizeof *opt;
    opt->protocol = OTELC_OTLP_HTTP_PROTOBUF;
    opt->compression = OTELC_OTLP_COMPRESSION_NONE;
    opt->timeout_ms = DEFAULT_TIMEOUT_MS;
    opt->max_request_bytes = DEFAULT_MAX_REQUEST;
    opt->temporality_preference = OTELC_TEMPORALITY_PREFER_CUMULATIVE;
    opt->histogram_aggregation = OTELC_AGGREGATION_EXPLICIT_HISTOGRAM;
}

/* Room for the longest variable name. */
#define NAME_MAX_LEN 80

/* Reads OTEL_EXPORTER_OTLP_<infix>_<what>, else OTEL_EXPORTER_OTLP_<what>; which receives the
 * name of the variable the value came from (the general one when neither is set). */
static const char *env2(const char *infix, const char *what, char which[NAME_MAX_LEN])
{
    snprintf(which, NAME_MAX_LEN, "OTEL_EXPORTER_OTLP_%s_%s", infix, what);
    const char *v = otelc__getenv(which);
    if (!v) {
        snprintf(which, NAME_MAX_LEN, "OTEL_EXPORTER_OTLP_%s", what);
        v = otelc__getenv(which);
    }
    return v;
}

void otelc__http_options_from_env(otelc_otlp_http_exporter_options *opt,
                                  const struct otelc__http_signal *signal)
{
    static const char *const protocols[] = {"http/protobuf", "http/json", "grpc", NULL};
    static const char *const compressions[] = {"none", "gzip", NULL};
    const char *infix = signal->env_infix, *v;
    char which[NAME_MAX_LEN];

    if (!opt || opt->size < OTELC__OTLP_HTTP_OPTIONS_V1_SIZE)
        return;
    /* The per-signal endpoint is the URL as is; the general one is a base for the path. */
    snprintf(which, sizeof which, "OTEL_EXPORTER_OTLP_%s_ENDPOINT", infix);
    if ((v = otelc__getenv(which)) != NULL) {
        opt->endpoint = v;
    } else if ((v = otelc__getenv("OTEL_EXPORTER_OTLP_ENDPOINT")) != NULL) {
        opt->endpoint = NULL;
        opt->base_endpoint = v;
    }
    if ((v = env2(infix, "HEADERS", which)))
        opt->headers = v;
    if (otelc__getenv("OTELC_EXPORTER_OTLP_MAX_REQUEST_SIZE"))
        opt->max_request_bytes = otelc__env_u32("OTELC_EXPORTER_OTLP_MAX_REQUEST_SIZE",
                                                DEFAULT_MAX_REQUEST, 1024, UINT32_MAX);
    if (env2(infix, "TIMEOUT", which))
        opt->timeout_ms = (uint32_t)otelc__env_ms(which, opt->timeout_ms, 1, UINT32_MAX);
    if (env2(infix, "COMPRESSION", which)) {
        int c = otelc__env_choice(which, compressions, -1);
        if (c >= 0)
            opt->compression = c == 1 ? OTELC_OTLP_COMPRESSION_GZIP : OTELC_OTLP_COMPRESSION_NONE;
    }
    if (env2(infix, "PROTOCOL", which)) {
        int p = otelc__env_choice(which, protocols, -1);
        if (p == 2)
            otelc__log(OTELC_LOG_WARN, "%s: gRPC is not built yet; using http/protobuf", which);
        if (p >= 0)
            opt->protocol = p == 1 ? OTELC_OTLP_HTTP_JSON : OTELC_OTLP_HTTP_PROTOBUF;
    }
    if ((v = env2(infix, "CERTIFICATE", which)))
        opt->ca_file = v;
    if ((v = env2(infix, "CLIENT_CERTIFICATE", which)))
        opt->client_cert_file = v;
    if ((v = env2(infix, "CLIENT_KEY", which)))
        opt->client_key_file = v;
}
