/* SPDX-License-Identifier: Apache-2.0 */
/* The meter provider that otelc_sdk_init_from_env() builds from OTEL_METRICS_EXPORTER and the
 * metric reader, exporter and exemplar variables. */
#include "exporters/otlp/otlp_env.h"
#include "otelc/exporters.h"
#include "otelc/otlp.h"
#include "otelc/otlp_grpc.h"
#include "sdk/common/log_internal.h"
#include "sdk/metrics/metrics_internal.h"
#include "sdk_env_internal.h"

static int make_console(otelc_metric_exporter **out)
{
    return otelc_console_metric_exporter_new(out, NULL);
}

/* OTLP configured by the OTEL_EXPORTER_OTLP_[METRICS_]* variables, over gRPC when the protocol
 * is grpc, else over HTTP; the same choice, options and retry policy as for spans. */
static int make_otlp(otelc_metric_exporter **out)
{
    if (otelc__otlp_env_grpc("METRICS")) {
        otelc_otlp_grpc_exporter_options g;
        otelc_otlp_grpc_exporter_options_init(&g);
        otelc_otlp_grpc_metric_exporter_options_from_env(&g);
        return otelc_otlp_grpc_metric_exporter_new(out, &g);
    }
    otelc_otlp_http_exporter_options o;
    otelc_otlp_http_exporter_options_init(&o);
    otelc_otlp_http_metric_exporter_options_from_env(&o);
    int rc = otelc_otlp_http_metric_exporter_new(out, &o);
    if (rc == OTELC_EINVAL && o.headers) {
        /* As for spans: a bad value gets the default (no headers), and the value, which may
         * hold a credential, is not shown. */
        otelc__log(OTELC_LOG_WARN, "OTEL_EXPORTER_OTLP_HEADERS (or its METRICS_ variant) is "
                                   "malformed; exporting metrics without these headers");
        o.headers = NULL;
        rc = otelc_otlp_http_metric_exporter_new(out, &o);
    }
    return rc;
}

static int (*const k_makers[OTELC__EXPORTER_KIND_COUNT])(otelc_metric_exporter **out) = {
    make_console,
    make_otlp,
};

/* A periodic reader with the OTEL_METRIC_EXPORT_* settings around a new exporter of kind k. */
static int make_reader(int k, otelc_metric_reader **out)
{
    otelc_metric_exporter *e = NULL;
    int rc = k_makers[k](&e);
    if (rc != OTELC_OK)
        return rc;
    otelc_periodic_reader_options o;
    otelc_periodic_reader_options_init(&o);
    otelc_periodic_reader_options_from_env(&o);
    rc = otelc_periodic_reader_new(out, e, &o);
    if (rc != OTELC_OK)
        otelc_metric_exporter_free(e);
    return rc;
}

int otelc__meter_provider_from_env(otelc_meter_provider **out, const otelc_resource *resource)
{
    unsigned wanted = otelc__exporters_from_env("OTEL_METRICS_EXPORTER");
    otelc_metric_reader *readers[OTELC__EXPORTER_KIND_COUNT];
    size_t count = 0;
    int rc = OTELC_OK;
    for (int k = 0; k < OTELC__EXPORTER_KIND_COUNT; k++) {
        if (!(wanted & (1u << k)))
            continue;
        rc = make_reader(k, &readers[count]);
        if (rc == OTELC_ENOMEM)
            goto out;
        if (rc != OTELC_OK) {
            /* Bad configuration never stops the SDK: this exporter is left out, loudly. */
            otelc__log(OTELC_LOG_ERROR, "the %s metric exporter cannot be created (%s); metrics "
                                        "are not exported through it",
                       otelc__exporter_kind_name(k), otelc_strerror(rc));
            rc = OTELC_OK;
            continue;
        }
        count++;
    }
    otelc_meter_provider_options o;
    otelc_meter_provider_options_init(&o);
    otelc_meter_provider_options_from_env(&o);
    o.resource = resource;
    o.readers = readers;
    o.reader_count = count;
    rc = otelc__meter_provider_new_exact_resource(out, &o);
    if (rc == OTELC_OK)
        count = 0; /* taken over */
out:
    while (count > 0)
        otelc_metric_reader_free(readers[--count]);
    return rc;
}
