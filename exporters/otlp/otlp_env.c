/* SPDX-License-Identifier: Apache-2.0 */
/* The OTEL_EXPORTER_OTLP_* look-ups the OTLP exporters share. */
#include "exporters/otlp/otlp_env.h"

#include <string.h>
#include <strings.h>

#include "sdk/common/env.h"

const char *otelc__otlp_env(const char *signal_name, const char *name, const char **which)
{
    const char *v = otelc__getenv(signal_name);
    *which = signal_name;
    if (!v) {
        v = otelc__getenv(name);
        *which = name;
    }
    return v;
}

int otelc__otlp_env_traces_grpc(void)
{
    const char *which;
    const char *v = otelc__otlp_env("OTEL_EXPORTER_OTLP_TRACES_PROTOCOL",
                                    "OTEL_EXPORTER_OTLP_PROTOCOL", &which);
    if (!v)
        return 0;
    size_t n = strlen(v);
    otelc__trim(&v, &n);
    return n == 4 && strncasecmp(v, "grpc", 4) == 0;
}

void otelc__otlp_env_traces_settings(const struct otelc__otlp_env_fields *f)
{
    static const char *const compressions[] = {"none", "gzip", NULL};
    const char *which, *v;
    if ((v = OTELC__OTLP_TRACES_ENV("HEADERS", &which)))
        *f->headers = v;
    if ((v = OTELC__OTLP_TRACES_ENV("CERTIFICATE", &which)))
        *f->ca_file = v;
    if ((v = OTELC__OTLP_TRACES_ENV("CLIENT_CERTIFICATE", &which)))
        *f->client_cert_file = v;
    if ((v = OTELC__OTLP_TRACES_ENV("CLIENT_KEY", &which)))
        *f->client_key_file = v;
    if (OTELC__OTLP_TRACES_ENV("TIMEOUT", &which))
        *f->timeout_ms = (uint32_t)otelc__env_ms(which, *f->timeout_ms, 1, UINT32_MAX);
    if (OTELC__OTLP_TRACES_ENV("COMPRESSION", &which)) {
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
