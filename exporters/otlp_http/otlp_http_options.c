/* SPDX-License-Identifier: Apache-2.0 */
/* The options of the OTLP/HTTP exporters: defaults, and the OTEL_EXPORTER_OTLP_* variables with
 * their per-signal variants (TRACES_, METRICS_), which win over the general ones. */
#include <stdio.h>
#include <string.h>

#include "exporters/otlp/otlp_env.h"
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

void otelc__http_options_from_env(otelc_otlp_http_exporter_options *opt,
                                  const struct otelc__http_signal *signal)
{
    static const char *const protocols[] = {"http/protobuf", "http/json", "grpc", NULL};
    const char *infix = signal->env_infix, *v;
    char which[OTELC__OTLP_ENV_NAME_MAX];

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
    struct otelc__otlp_env_fields f = {&opt->headers,         &opt->ca_file,
                                       &opt->client_cert_file, &opt->client_key_file,
                                       &opt->timeout_ms,       &opt->compression,
                                       &opt->max_request_bytes};
    otelc__otlp_env_settings(infix, &f);
    /* `grpc` is the gRPC exporter's (otelc_sdk_init_from_env picks it); here it leaves the
     * HTTP protocol as it was. */
    if (otelc__otlp_env(infix, "PROTOCOL", which)) {
        int p = otelc__env_choice(which, protocols, -1);
        if (p == 0 || p == 1)
            opt->protocol = p == 1 ? OTELC_OTLP_HTTP_JSON : OTELC_OTLP_HTTP_PROTOBUF;
    }
}
