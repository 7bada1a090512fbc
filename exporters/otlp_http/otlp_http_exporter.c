/* SPDX-License-Identifier: Apache-2.0 */
/* The OTLP/HTTP span exporter: encodes batches (http/protobuf or http/json), halves those over
 * the request limit, and sends them on the shared OTLP/HTTP transport. */
#include <string.h>

#include "exporters/console/otlp_json.h"
#include "exporters/otlp/otlp_proto.h"
#include "exporters/otlp_http/http_transport.h"
#include "otelc/otlp.h"
#include "sdk/common/alloc.h"
#include "sdk/trace/exporter_internal.h"
#include "trace_service.pb-c.h"

static const struct otelc__http_signal traces_signal = {
    .path = "v1/traces",
    .env_infix = "TRACES",
    .items = "spans",
    .json_rejected = "rejectedSpans",
    .response =
        &opentelemetry__proto__collector__trace__v1__export_trace_service_response__descriptor,
};

void otelc_otlp_http_exporter_options_from_env(otelc_otlp_http_exporter_options *opt)
{
    otelc__http_options_from_env(opt, &traces_signal);
}

static int export_batch(struct otelc__http_transport *t, otelc_span *const *spans, size_t n,
                        uint64_t deadline)
{
    otelc__buf_reset(&t->body);
    if (t->protocol == OTELC_OTLP_HTTP_JSON)
        otelc__otlp_json_encode_spans(&t->body, spans, n);
    else
        otelc__otlp_proto_encode_spans(&t->body, spans, n);
    int rc = otelc__http_transport_send(t, deadline);
    if (rc == OTELC__HTTP_TOO_LARGE && n == 1)
        rc = otelc__http_transport_fail(
            t, OTELC_EREJECTED, "one span encodes to %zu bytes, over the request limit of %llu",
            t->body.len, (unsigned long long)t->max_request);
    otelc__http_transport_trim(t);
    return rc;
}

/* Halves a batch whose request would be too large, until every part fits; every part is
 * sent even when another failed, and the first failure is returned. */
static int export_split(struct otelc__http_transport *t, otelc_span *const *spans, size_t n,
                        uint64_t deadline)
{
    int rc = export_batch(t, spans, n, deadline);
    if (rc != OTELC__HTTP_TOO_LARGE)
        return rc;
    size_t half = n / 2;
    int a = export_split(t, spans, half, deadline);
    int b = export_split(t, spans + half, n - half, deadline);
    return a != OTELC_OK ? a : b;
}

static int otlp_http_export(void *ud, otelc_span *const *spans, size_t n, uint64_t deadline)
{
    struct otelc__http_transport *t = ud;
    deadline = otelc__http_transport_begin(t, deadline);
    if (t->shut)
        return OTELC_ESHUTDOWN;
    if (n == 0)
        return OTELC_OK;
    return export_split(t, spans, n, deadline);
}

static int otlp_http_shutdown(void *ud, uint64_t deadline)
{
    struct otelc__http_transport *t = ud;
    t->shut = 1;
    return OTELC_OK;
}

static void otlp_http_destroy(void *ud)
{
    otelc__http_transport_fini(ud);
    otelc__free(ud);
}

static void otlp_http_after_fork(void *ud)
{
    otelc__http_transport_after_fork(ud);
}

static const otelc_span_exporter_methods otlp_http_methods = {
    .version = OTELC_SPAN_EXPORTER_METHODS_VERSION,
    .export_spans = otlp_http_export,
    .shutdown = otlp_http_shutdown,
    .destroy = otlp_http_destroy,
    .after_fork = otlp_http_after_fork,
};

int otelc_otlp_http_exporter_new(otelc_span_exporter **out,
                                 const otelc_otlp_http_exporter_options *opt)
{
    otelc_otlp_http_exporter_options defaults;
    struct otelc__http_transport *t;
    int rc;

    if (!out)
        return OTELC_EINVAL;
    if (!opt) {
        otelc_otlp_http_exporter_options_init(&defaults);
        opt = &defaults;
    }
    if (opt->size < OTELC__OTLP_HTTP_OPTIONS_V1_SIZE)
        return OTELC_EINVAL;
    t = otelc__calloc(1, sizeof *t);
    if (!t)
        return OTELC_ENOMEM;
    rc = otelc__http_transport_init(t, &traces_signal, opt);
    if (rc != OTELC_OK) {
        otelc__free(t);
        return rc;
    }
    rc = otelc_span_exporter_new(out, &otlp_http_methods, t);
    if (rc != OTELC_OK)
        otlp_http_destroy(t);
    return rc;
}

const char *otelc_otlp_http_exporter_last_error(const otelc_span_exporter *e)
{
    if (!e || otelc__span_exporter_methods(e) != &otlp_http_methods)
        return NULL;
    const struct otelc__http_transport *t = otelc_span_exporter_user_data(e);
    return t->last_error;
}
