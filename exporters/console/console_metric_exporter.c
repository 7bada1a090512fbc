/* SPDX-License-Identifier: Apache-2.0 */
/* The console metric exporter: one OTLP/JSON ExportMetricsServiceRequest line per collection,
 * on a stream or a file. */
#include "exporters/console/console_stream.h"
#include "exporters/console/otlp_json.h"
#include "otelc/exporters.h"

static int encode_collection(struct otelc__buf *b, const void *ctx, size_t i)
{
    return otelc__otlp_json_encode_metrics(b, ctx);
}

static int console_export(void *user_data, const otelc_resource_metrics *rm, uint64_t deadline)
{
    return otelc__console_stream_write(user_data, encode_collection, rm, 1, "metrics");
}

/* No temporality or aggregation method: cumulative and the defaults, what a reader of the
 * console expects to see (totals since start). */
static const otelc_metric_exporter_methods console_metric_methods = {
    .version = OTELC_METRIC_EXPORTER_METHODS_VERSION,
    .export_metrics = console_export,
    .force_flush = otelc__console_stream_flush,
    .shutdown = otelc__console_stream_shutdown,
    .destroy = otelc__console_stream_free,
};

int otelc_console_metric_exporter_new(otelc_metric_exporter **out,
                                      const otelc_console_exporter_options *opt)
{
    struct otelc__console_stream *c = NULL;
    int rc;

    if (!out)
        return OTELC_EINVAL;
    rc = otelc__console_stream_new(&c, opt);
    if (rc == OTELC_OK &&
        (rc = otelc_metric_exporter_new(out, &console_metric_methods, c)) != OTELC_OK)
        otelc__console_stream_free(c);
    return rc;
}
