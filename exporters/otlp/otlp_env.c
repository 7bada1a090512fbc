/* SPDX-License-Identifier: Apache-2.0 */
/* The OTEL_EXPORTER_OTLP_* look-ups the OTLP exporters share. */
#include "exporters/otlp/otlp_env.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "sdk/common/env.h"

const char *otelc__otlp_env(const char *signal, const char *what,
                            char which[OTELC__OTLP_ENV_NAME_MAX])
{
    snprintf(which, OTELC__OTLP_ENV_NAME_MAX, "OTEL_EXPORTER_OTLP_%s_%s", signal, what);
    const char *v = otelc__getenv(which);
    if (!v) {
        snprintf(which, OTELC__OTLP_ENV_NAME_MAX, "OTEL_EXPORTER_OTLP_%s", what);
        v = otelc__getenv(which);
    }
    return v;
}

int otelc__otlp_env_grpc(const char *signal)
{
    char which[OTELC__OTLP_ENV_NAME_MAX];
    const char *v = otelc__otlp_env(signal, "PROTOCOL", which);
    if (!v)
        return 0;
    size_t n = strlen(v);
    otelc__trim(&v, &n);
    return n == 4 && strncasecmp(v, "grpc", 4) == 0;
}

void otelc__otlp_env_settings(const char *signal, const struct otelc__otlp_env_fields *f)
{
    static const char *const compressions[] = {"none", "gzip", NULL};
    char which[OTELC__OTLP_ENV_NAME_MAX];
    const char *v;
    if ((v = otelc__otlp_env(signal, "HEADERS", which)))
        *f->headers = v;
    if ((v = otelc__otlp_env(signal, "CERTIFICATE", which)))
        *f->ca_file = v;
    if ((v = otelc__otlp_env(signal, "CLIENT_CERTIFICATE", which)))
        *f->client_cert_file = v;
    if ((v = otelc__otlp_env(signal, "CLIENT_KEY", which)))
        *f->client_key_file = v;
    if (otelc__otlp_env(signal, "TIMEOUT", which))
        *f->timeout_ms = (uint32_t)otelc__env_ms(which, *f->timeout_ms, 1, UINT32_MAX);
    if (otelc__otlp_env(signal, "COMPRESSION", which)) {
        int c = otelc__env_choice(which, compressions, -1);
        if (c >= 0)
            *f->compression = c == 1 ? OTELC_OTLP_COMPRESSION_GZIP : OTELC_OTLP_COMPRESSION_NONE;
    }
    if (otelc__getenv("OTELC_EXPORTER_OTLP_MAX_REQUEST_SIZE")) {
        uint64_t cur = *f->max_request_bytes;
        uint32_t def = cur > UINT32_MAX ? UINT32_MAX : (uint32_t)cur;
        *f->max_request_bytes = otelc__env_u32("OTELC_EXPORTER_OTLP_MAX_REQUEST_SIZE", def, 1024,
                                               UINT32_MAX);
    }
}

void otelc__otlp_env_metric_prefs(otelc_temporality_preference *temporality,
                                  otelc_aggregation *histogram_aggregation)
{
    static const char *const prefs[] = {"cumulative", "delta", "lowmemory", NULL};
    static const char *const aggs[] = {"explicit_bucket_histogram",
                                       "base2_exponential_bucket_histogram", NULL};
    static const otelc_temporality_preference pref_values[] = {
        OTELC_TEMPORALITY_PREFER_CUMULATIVE, OTELC_TEMPORALITY_PREFER_DELTA,
        OTELC_TEMPORALITY_PREFER_LOWMEMORY};
    static const char pref_name[] = "OTEL_EXPORTER_OTLP_METRICS_TEMPORALITY_PREFERENCE";
    static const char agg_name[] = "OTEL_EXPORTER_OTLP_METRICS_DEFAULT_HISTOGRAM_AGGREGATION";
    /* otelc__env_choice warns once, naming the variable and value, and gives the default. */
    if (otelc__getenv(pref_name))
        *temporality = pref_values[otelc__env_choice(pref_name, prefs, 0)];
    if (otelc__getenv(agg_name))
        *histogram_aggregation = otelc__env_choice(agg_name, aggs, 0) == 1
                                     ? OTELC_AGGREGATION_EXPONENTIAL_HISTOGRAM
                                     : OTELC_AGGREGATION_EXPLICIT_HISTOGRAM;
}
