/* SPDX-License-Identifier: Apache-2.0 */
/* The OTLP/gRPC span exporter: spans encoded to one ExportTraceServiceRequest per export (split
 * when too large) and sent by the shared gRPC export call. */
#include <stdio.h>
#include <string.h>

#include "exporters/otlp/otlp_common.h"
#include "exporters/otlp/otlp_env.h"
#include "exporters/otlp/otlp_proto.h"
#include "exporters/otlp_grpc/grpc_client.h"
#include "exporters/otlp_grpc/grpc_export.h"
#include "otelc/otlp_grpc.h"
#include "sdk/common/alloc.h"
#include "sdk/common/buf.h"
#include "sdk/common/clock.h"
#include "sdk/common/env.h"
#include "sdk/common/log_internal.h"
#include "sdk/trace/exporter_internal.h"

#define DEFAULT_TIMEOUT_MS 10000u
/* gRPC servers (and the Collector) refuse messages over 4 MiB unless told otherwise. */
#define DEFAULT_MAX_REQUEST (4ull * 1024 * 1024)
/* A buffer that grew past this for one huge batch is given back after the export. */
#define KEEP_BUF_CAP (4 * 1024 * 1024)

struct otlp_grpc {
    struct otelc__grpc_client *client;
    uint32_t timeout_ms;
    uint64_t max_request;
    int shut;
    struct otelc__buf body;
    char last_error[320];
};

void otelc_otlp_grpc_exporter_options_init(otelc_otlp_grpc_exporter_options *opt)
{
    if (!opt)
        return;
    memset(opt, 0, sizeof *opt);
    opt->size = sizeof *opt;
    opt->compression = OTELC_OTLP_COMPRESSION_NONE;
    opt->timeout_ms = DEFAULT_TIMEOUT_MS;
    opt->max_request_bytes = DEFAULT_MAX_REQUEST;
}

void otelc_otlp_grpc_exporter_options_from_env(otelc_otlp_grpc_exporter_options *opt)
{
    char which[OTELC__OTLP_ENV_NAME_MAX];
    const char *v;
    if (!opt || opt->size < sizeof *opt)
        return;
    /* For gRPC the endpoint is the server's base URL whichever variable gives it. */
    if ((v = otelc__otlp_env("TRACES", "ENDPOINT", which)))
        opt->endpoint = v;
    if (otelc__otlp_env("TRACES", "INSECURE", which))
        opt->insecure = otelc__env_bool(which, opt->insecure);
    struct otelc__otlp_env_fields f = {&opt->headers,         &opt->ca_file,
                                       &opt->client_cert_file, &opt->client_key_file,
                                       &opt->timeout_ms,       &opt->compression,
                                       &opt->max_request_bytes};
    otelc__otlp_env_settings("TRACES", &f);
}

static int fail(struct otlp_grpc *x, int rc)
{
    /* Throttled: a collector that is down for an hour must not fill the host's stderr; the
     * counters and otelc_otlp_grpc_exporter_last_error() keep the details. */
    OTELC__LOG_THROTTLED(OTELC_LOG_ERROR, "otlp/grpc exporter: export failed: %s", x->last_error);
    return rc;
}

static int export_batch(void *ud, otelc_span *const *spans, size_t n, uint64_t deadline)
{
    struct otlp_grpc *x = ud;
    otelc__buf_reset(&x->body);
    int rc = otelc__otlp_proto_encode_spans(&x->body, spans, n);
    if (rc == OTELC_OK)
        rc = otelc__buf_status(&x->body);
    if (rc != OTELC_OK) {
        snprintf(x->last_error, sizeof x->last_error, "cannot encode %zu spans: %s", n,
                 otelc_strerror(rc));
        return fail(x, rc);
    }
    if (x->body.len > x->max_request) {
        if (n > 1)
            return OTELC__OTLP_SPLIT_ME;
        snprintf(x->last_error, sizeof x->last_error,
                 "one span encodes to %zu bytes, over the request limit of %llu", x->body.len,
                 (unsigned long long)x->max_request);
        return fail(x, OTELC_EREJECTED);
    }
    rc = otelc__otlp_grpc_export(x->client, OTELC__GRPC_TRACES_PATH,
                                 (const uint8_t *)x->body.data, x->body.len, deadline, "spans",
                                 x->last_error, sizeof x->last_error);
    return rc == OTELC_OK ? rc : fail(x, rc);
}

static int otlp_grpc_export(void *ud, otelc_span *const *spans, size_t n, uint64_t deadline)
{
    struct otlp_grpc *x = ud;
    x->last_error[0] = '\0';
    if (x->shut)
        return OTELC_ESHUTDOWN;
    if (n == 0)
        return OTELC_OK;
    uint64_t cap = otelc__deadline_ms(x->timeout_ms);
    if (deadline == 0 || deadline > cap)
        deadline = cap;
    int rc = otelc__otlp_export_split(export_batch, x, spans, n, deadline);
    if (x->body.cap > KEEP_BUF_CAP)
        otelc__buf_free(&x->body);
    return rc;
}

static int otlp_grpc_shutdown(void *ud, uint64_t deadline)
{
    struct otlp_grpc *x = ud;
    x->shut = 1;
    return OTELC_OK;
}

static void otlp_grpc_destroy(void *ud)
{
    struct otlp_grpc *x = ud;
    otelc__grpc_client_free(x->client);
    otelc__buf_free(&x->body);
    otelc__free(x);
}

/* The inherited connection is the parent's: closed here without a byte sent on it. */
static void otlp_grpc_after_fork(void *ud)
{
    struct otlp_grpc *x = ud;
    otelc__grpc_client_after_fork(x->client);
}

static const otelc_span_exporter_methods otlp_grpc_methods = {
    .version = OTELC_SPAN_EXPORTER_METHODS_VERSION,
    .export_spans = otlp_grpc_export,
    .shutdown = otlp_grpc_shutdown,
    .destroy = otlp_grpc_destroy,
    .after_fork = otlp_grpc_after_fork,
};

int otelc_otlp_grpc_exporter_new(otelc_span_exporter **out,
                                 const otelc_otlp_grpc_exporter_options *opt)
{
    otelc_otlp_grpc_exporter_options defaults;
    struct otelc__grpc_client_config cfg;
    char err[256] = "out of memory";

    if (!out)
        return OTELC_EINVAL;
    if (!opt) {
        otelc_otlp_grpc_exporter_options_init(&defaults);
        opt = &defaults;
    }
    if (opt->size < sizeof *opt || (opt->compression != OTELC_OTLP_COMPRESSION_NONE &&
                                    opt->compression != OTELC_OTLP_COMPRESSION_GZIP))
        return OTELC_EINVAL;
    struct otlp_grpc *x = otelc__calloc(1, sizeof *x);
    if (!x)
        return OTELC_ENOMEM;
    otelc__buf_init(&x->body);
    x->timeout_ms = opt->timeout_ms ? opt->timeout_ms : DEFAULT_TIMEOUT_MS;
    x->max_request = opt->max_request_bytes ? opt->max_request_bytes : DEFAULT_MAX_REQUEST;
    memset(&cfg, 0, sizeof cfg);
    cfg.endpoint = opt->endpoint;
    cfg.insecure = opt->insecure;
    cfg.ca_file = opt->ca_file;
    cfg.cert_file = opt->client_cert_file;
    cfg.key_file = opt->client_key_file;
    cfg.headers = opt->headers;
    cfg.gzip = opt->compression == OTELC_OTLP_COMPRESSION_GZIP;
    int rc = otelc__grpc_client_new(&x->client, &cfg, err, sizeof err);
    if (rc != OTELC_OK)
        otelc__log(OTELC_LOG_ERROR, "otlp/grpc exporter: %s", err);
    if (rc == OTELC_OK)
        rc = otelc_span_exporter_new(out, &otlp_grpc_methods, x);
    if (rc != OTELC_OK) {
        otlp_grpc_destroy(x);
        return rc;
    }
    return OTELC_OK;
}

const char *otelc_otlp_grpc_exporter_last_error(const otelc_span_exporter *e)
{
    if (!e || otelc__span_exporter_methods(e) != &otlp_grpc_methods)
        return NULL;
    const struct otlp_grpc *x = otelc_span_exporter_user_data(e);
    return x->last_error;
}
