/* SPDX-License-Identifier: Apache-2.0 */
/* Reading the OTEL_EXPORTER_OTLP_* variables the OTLP exporters (HTTP and gRPC, traces and
 * metrics) share, with the per-signal variants (OTEL_EXPORTER_OTLP_TRACES_*,
 * OTEL_EXPORTER_OTLP_METRICS_*) winning over the general ones. */
#ifndef OTELC_EXPORTERS_OTLP_OTLP_ENV_H
#define OTELC_EXPORTERS_OTLP_OTLP_ENV_H

#include <stdint.h>

#include "otelc/otlp.h"

/* Room for the longest variable name. */
#define OTELC__OTLP_ENV_NAME_MAX 80

/* OTEL_EXPORTER_OTLP_<signal>_<what> when set, else OTEL_EXPORTER_OTLP_<what>; which receives
 * the name of the variable the value came from (the general one when neither is set). NULL
 * when neither is set. signal is "TRACES" or "METRICS". */
const char *otelc__otlp_env(const char *signal, const char *what,
                            char which[OTELC__OTLP_ENV_NAME_MAX]);

/* 1 when OTEL_EXPORTER_OTLP_<signal>_PROTOCOL (or, unset, OTEL_EXPORTER_OTLP_PROTOCOL) is
 * `grpc` (case-insensitive, spaces trimmed), else 0. It does not warn: the exporter that
 * reads the variable does. */
int otelc__otlp_env_grpc(const char *signal);

/* The settings every OTLP exporter reads the same way, as fields of its options. */
struct otelc__otlp_env_fields {
    const char **headers; /* set to point into the environment */
    const char **ca_file;
    const char **client_cert_file;
    const char **client_key_file;
    uint32_t *timeout_ms;
    otelc_otlp_compression *compression;
    uint64_t *max_request_bytes;
};

/* Overwrites the fields that OTEL_EXPORTER_OTLP_[<signal>_]{HEADERS, CERTIFICATE,
 * CLIENT_CERTIFICATE, CLIENT_KEY, TIMEOUT, COMPRESSION} and
 * OTELC_EXPORTER_OTLP_MAX_REQUEST_SIZE set; the others keep their value. A bad value is
 * warned about and changes nothing. */
void otelc__otlp_env_settings(const char *signal, const struct otelc__otlp_env_fields *f);

/* Reads OTEL_EXPORTER_OTLP_METRICS_TEMPORALITY_PREFERENCE (cumulative, delta, lowmemory) and
 * OTEL_EXPORTER_OTLP_METRICS_DEFAULT_HISTOGRAM_AGGREGATION (explicit_bucket_histogram,
 * base2_exponential_bucket_histogram) into the fields when set; a bad value is warned about
 * and gives the default (cumulative, explicit). */
void otelc__otlp_env_metric_prefs(otelc_temporality_preference *temporality,
                                  otelc_aggregation *histogram_aggregation);

#endif
