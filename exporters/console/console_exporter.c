/* SPDX-License-Identifier: Apache-2.0 */
/* The console span exporter: one OTLP/JSON request per span and line, on a stream or a file. */
#include "exporters/console/console_stream.h"
#include "exporters/console/otlp_json.h"
#include "otelc/exporters.h"

static int encode_span(struct otelc__buf *b, const void *ctx, size_t i)
{
    otelc_span *const *spans = ctx;
    return otelc__otlp_json_encode_spans(b, &spans[i], 1);
}

static int console_export(void *user_data, otelc_span *const *spans, size_t n, uint64_t deadline)
{
    return otelc__console_stream_write(user_data, encode_span, spans, n, "spans");
}

static const otelc_span_exporter_methods console_methods = {
    .version = OTELC_SPAN_EXPORTER_METHODS_VERSION,
    .export_spans = console_export,
    .force_flush = otelc__console_stream_flush,
    .shutdown = otelc__console_stream_shutdown,
    .destroy = otelc__console_stream_free,
};

int otelc_console_exporter_new(otelc_span_exporter **out, const otelc_console_exporter_options *opt)
{
    struct otelc__console_stream *c = NULL;
    int rc;

    if (!out)
        return OTELC_EINVAL;
    rc = otelc__console_stream_new(&c, opt);
    if (rc == OTELC_OK && (rc = otelc_span_exporter_new(out, &console_methods, c)) != OTELC_OK)
        otelc__console_stream_free(c);
    return rc;
}
