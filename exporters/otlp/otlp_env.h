/* SPDX-License-Identifier: Apache-2.0 */
/* Reading the OTEL_EXPORTER_OTLP_* variables the OTLP exporters share. */
#ifndef OTELC_EXPORTERS_OTLP_OTLP_ENV_H
#define OTELC_EXPORTERS_OTLP_OTLP_ENV_H

#include <stdint.h>

#include "otelc/otlp.h"

/* The per-signal variable (e.g. OTEL_EXPORTER_OTLP_TRACES_HEADERS) when set, else the general
 * one; *which names the variable the value came from (for warnings). NULL when neither is
 * set. */
const char *otelc__otlp_env(const char *signal_name, const char *name, const char **which);

/* 1 when OTEL_EXPORTER_OTLP_TRACES_PROTOCOL (or, unset, OTEL_EXPORTER_OTLP_PROTOCOL) is
 * `grpc` (case-insensitive, spaces trimmed), else 0. It does not warn: the exporter that
 * reads the variable does. */
int otelc__otlp_env_traces_grpc(void);

/* otelc__otlp_env for the traces variant and the general variable ending in suffix (a string
 * literal, e.g. "HEADERS"). */
#define OTELC__OTLP_TRACES_ENV(suffix, which)                                                 \
    otelc__otlp_env("OTEL_EXPORTER_OTLP_TRACES_" suffix, "OTEL_EXPORTER_OTLP_" suffix, which)

/* The settings both OTLP trace exporters read the same way, as fields of their options. */
struct otelc__otlp_env_fields {
    const char **headers; /* set to point into the environment */
    const char **ca_file;
    const char **client_cert_file;
    const char **client_key_file;
    uint32_t *timeout_ms;
    otelc_otlp_compression *compression;
    uint64_t *max_request_bytes;
};

/* Overwrites the fields that OTEL_EXPORTER_OTLP_[TRACES_]{HEADERS, CERTIFICATE,
 * CLIENT_CERTIFICATE, CLIENT_KEY, TIMEOUT, COMPRESSION} and
 * OTELC_EXPORTER_OTLP_MAX_REQUEST_SIZE set; the others keep their value. A bad value is
 * warned about and changes nothing. */
void otelc__otlp_env_traces_settings(const struct otelc__otlp_env_fields *f);

#endif
