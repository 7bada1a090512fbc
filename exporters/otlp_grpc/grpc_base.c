/* SPDX-License-Identifier: Apache-2.0 */
/* The parts the OTLP/gRPC span and metric exporters share (see grpc_base.h). */
#include "exporters/otlp_grpc/grpc_base.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "exporters/otlp/otlp_common.h"
#include "exporters/otlp/otlp_env.h"
#include "exporters/otlp_grpc/grpc_export.h"
#include "sdk/common/clock.h"
#include "sdk/common/env.h"
#include "sdk/common/log_internal.h"

#define DEFAULT_TIMEOUT_MS 10000u
/* gRPC servers (and the Collector) refuse messages over 4 MiB unless told otherwise. */
#define DEFAULT_MAX_REQUEST (4ull * 1024 * 1024)
/* A buffer that grew past this for one huge batch is given back after the export. */
#define KEEP_BUF_CAP (4 * 1024 * 1024)

void otelc_otlp_grpc_exporter_options_init(otelc_otlp_grpc_exporter_options *opt)
{
    if (!opt)
        return;
    memset(opt, 0, sizeof *opt);
    opt->size = sizeof *opt;
    opt->compression = OTELC_OTLP_COMPRESSION_NONE;
    opt->timeout_ms = DEFAULT_TIMEOUT_MS;
    opt->max_request_bytes = DEFAULT_MAX_REQUEST;
    opt->temporality_preference = OTELC_TEMPORALITY_PREFER_CUMULATIVE;
    opt->histogram_aggregation = OTELC_AGGREGATION_EXPLICIT_HISTOGRAM;
}

void otelc__otlp_grpc_options_from_env(otelc_otlp_grpc_exporter_options *opt, const char *signal)
{
    char which[OTELC__OTLP_ENV_NAME_MAX];
    const char *v;
    if (!opt || opt->size < sizeof *opt)
        return;
    /* For gRPC the endpoint is the server's base URL whichever variable gives it. */
    if ((v = otelc__otlp_env(signal, "ENDPOINT", which)))
        opt->endpoint = v;
    if (otelc__otlp_env(signal, "INSECURE", which))
        opt->insecure = otelc__env_bool(which, opt->insecure);
    struct otelc__otlp_env_fields f = {&opt->headers,         &opt->ca_file,
                                       &opt->client_cert_file, &opt->client_key_file,
                                       &opt->timeout_ms,       &opt->compression,
                                       &opt->max_request_bytes};
    otelc__otlp_env_settings(signal, &f);
}

void otelc_otlp_grpc_exporter_options_from_env(otelc_otlp_grpc_exporter_options *opt)
{
    otelc__otlp_grpc_options_from_env(opt, "TRACES");
}

int otelc__otlp_grpc_base_init(struct otelc__otlp_grpc_base *b,
                               const otelc_otlp_grpc_exporter_options *opt, const char *who)
{
    otelc_otlp_grpc_exporter_options defaults;
    struct otelc__grpc_client_config cfg;
    char err[256] = "out of memory";

    if (!opt) {
        otelc_otlp_grpc_exporter_options_init(&defaults);
        opt = &defaults;
    }
    if (opt->size < sizeof *opt || (opt->compression != OTELC_OTLP_COMPRESSION_NONE &&
                                    opt->compression != OTELC_OTLP_COMPRESSION_GZIP))
        return OTELC_EINVAL;
    memset(b, 0, sizeof *b);
    otelc__buf_init(&b->body);
    b->timeout_ms = opt->timeout_ms ? opt->timeout_ms : DEFAULT_TIMEOUT_MS;
    b->max_request = opt->max_request_bytes ? opt->max_request_bytes : DEFAULT_MAX_REQUEST;
    memset(&cfg, 0, sizeof cfg);
    cfg.endpoint = opt->endpoint;
    cfg.insecure = opt->insecure;
    cfg.ca_file = opt->ca_file;
    cfg.cert_file = opt->client_cert_file;
    cfg.key_file = opt->client_key_file;
    cfg.headers = opt->headers;
    cfg.gzip = opt->compression == OTELC_OTLP_COMPRESSION_GZIP;
    int rc = otelc__grpc_client_new(&b->client, &cfg, err, sizeof err);
    if (rc != OTELC_OK)
        otelc__log(OTELC_LOG_ERROR, "%s: %s", who, err);
    return rc;
}

void otelc__otlp_grpc_base_fini(struct otelc__otlp_grpc_base *b)
{
    otelc__grpc_client_free(b->client);
    b->client = NULL;
    otelc__buf_free(&b->body);
}

uint64_t otelc__otlp_grpc_base_begin(struct otelc__otlp_grpc_base *b, uint64_t deadline)
{
    b->last_error[0] = '\0';
    uint64_t cap = otelc__deadline_ms(b->timeout_ms);
    return deadline == 0 || deadline > cap ? cap : deadline;
}

int otelc__otlp_grpc_base_fail(struct otelc__otlp_grpc_base *b, int rc, const char *fmt, ...)
{
    if (fmt) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(b->last_error, sizeof b->last_error, fmt, ap);
        va_end(ap);
    }
    /* Throttled: a collector that is down for an hour must not fill the host's stderr; the
     * counters and the exporters' last_error accessors keep the details. */
    OTELC__LOG_THROTTLED(OTELC_LOG_ERROR, "otlp/grpc exporter: export failed: %s", b->last_error);
    return rc;
}

int otelc__otlp_grpc_base_send(struct otelc__otlp_grpc_base *b, const char *path,
                               const char *what, uint64_t deadline)
{
    int rc = otelc__buf_status(&b->body);
    if (rc != OTELC_OK)
        return otelc__otlp_grpc_base_fail(b, rc, "cannot encode the %s: %s", what,
                                          otelc_strerror(rc));
    if (b->body.len > b->max_request)
        return OTELC__OTLP_SPLIT_ME;
    rc = otelc__otlp_grpc_export(b->client, path, (const uint8_t *)b->body.data, b->body.len,
                                 deadline, what, b->last_error, sizeof b->last_error);
    return rc == OTELC_OK ? rc : otelc__otlp_grpc_base_fail(b, rc, NULL);
}

void otelc__otlp_grpc_base_trim(struct otelc__otlp_grpc_base *b)
{
    if (b->body.cap > KEEP_BUF_CAP)
        otelc__buf_free(&b->body);
}
