/* SPDX-License-Identifier: Apache-2.0 */
/* The OTLP/gRPC metric exporter: each collection encoded to an ExportMetricsServiceRequest
 * (split by metrics, then points, when over the request limit) and sent by the shared gRPC
 * export call to MetricsService/Export; answers readers' temporality and aggregation
 * questions from its options. */
#include <string.h>

#include "exporters/otlp/otlp_env.h"
#include "exporters/otlp/otlp_metrics_split.h"
#include "exporters/otlp/otlp_proto.h"
#include "exporters/otlp_grpc/grpc_base.h"
#include "otelc/otlp_grpc.h"
#include "sdk/common/alloc.h"
#include "sdk/metrics/metric_exporter_internal.h"

struct otlp_grpc_metrics {
    struct otelc__otlp_grpc_base b;
    struct otelc__metric_prefs prefs;
};

void otelc_otlp_grpc_metric_exporter_options_from_env(otelc_otlp_grpc_exporter_options *opt)
{
    otelc__otlp_grpc_options_from_env(opt, "METRICS");
    if (!opt || opt->size < sizeof *opt)
        return;
    otelc__otlp_env_metric_prefs(&opt->temporality_preference, &opt->histogram_aggregation);
}

static int send_tree(void *ud, const otelc_resource_metrics *rm, uint64_t deadline)
{
    struct otlp_grpc_metrics *x = ud;
    otelc__buf_reset(&x->b.body);
    int rc = otelc__otlp_proto_encode_metrics(&x->b.body, rm);
    if (rc != OTELC_OK)
        return otelc__otlp_grpc_base_fail(&x->b, rc, "cannot encode the metrics: %s",
                                          otelc_strerror(rc));
    return otelc__otlp_grpc_base_send(&x->b, OTELC__GRPC_METRICS_PATH, "data points", deadline);
}

static int too_large(void *ud, const char *what)
{
    struct otlp_grpc_metrics *x = ud;
    return otelc__otlp_grpc_base_fail(&x->b, OTELC_EREJECTED,
                                      "%s encodes to %zu bytes, over the request limit of %llu",
                                      what, x->b.body.len, (unsigned long long)x->b.max_request);
}

static int metrics_export(void *ud, const otelc_resource_metrics *rm, uint64_t deadline)
{
    struct otlp_grpc_metrics *x = ud;
    deadline = otelc__otlp_grpc_base_begin(&x->b, deadline);
    if (x->b.shut)
        return OTELC_ESHUTDOWN;
    if (rm->scope_count && !rm->scopes)
        return OTELC_EINVAL;
    int rc = otelc__otlp_metrics_export_split(rm, send_tree, too_large, x, deadline);
    if (rc == OTELC_ENOMEM && !x->b.last_error[0])
        rc = otelc__otlp_grpc_base_fail(&x->b, rc, "out of memory while splitting a request");
    otelc__otlp_grpc_base_trim(&x->b);
    return rc;
}

static otelc_temporality metrics_temporality(void *ud, otelc_instrument_kind kind)
{
    const struct otlp_grpc_metrics *x = ud;
    return otelc__metric_prefs_temporality(&x->prefs, kind);
}

static otelc_aggregation metrics_aggregation(void *ud, otelc_instrument_kind kind)
{
    const struct otlp_grpc_metrics *x = ud;
    return otelc__metric_prefs_aggregation(&x->prefs, kind);
}

static int metrics_shutdown(void *ud, uint64_t deadline)
{
    struct otlp_grpc_metrics *x = ud;
    (void)deadline;
    x->b.shut = 1;
    return OTELC_OK;
}

static void metrics_destroy(void *ud)
{
    struct otlp_grpc_metrics *x = ud;
    otelc__otlp_grpc_base_fini(&x->b);
    otelc__free(x);
}

/* The inherited connection is the parent's: closed here without a byte sent on it. */
static void metrics_after_fork(void *ud)
{
    struct otlp_grpc_metrics *x = ud;
    otelc__grpc_client_after_fork(x->b.client);
}

static const otelc_metric_exporter_methods metrics_methods = {
    .version = OTELC_METRIC_EXPORTER_METHODS_VERSION,
    .export_metrics = metrics_export,
    .temporality = metrics_temporality,
    .aggregation = metrics_aggregation,
    .shutdown = metrics_shutdown,
    .destroy = metrics_destroy,
    .after_fork = metrics_after_fork,
};

int otelc_otlp_grpc_metric_exporter_new(otelc_metric_exporter **out,
                                        const otelc_otlp_grpc_exporter_options *opt)
{
    otelc_otlp_grpc_exporter_options defaults;
    struct otelc__metric_prefs prefs;
    if (!out)
        return OTELC_EINVAL;
    otelc_otlp_grpc_exporter_options_init(&defaults);
    if (!opt)
        opt = &defaults;
    /* Options of an older size have no metric fields: they take the defaults. */
    const otelc_otlp_grpc_exporter_options *m = opt->size >= sizeof *opt ? opt : &defaults;
    if (otelc__metric_prefs_set(&prefs, m->temporality_preference, m->histogram_aggregation, 1) !=
        OTELC_OK)
        return OTELC_EINVAL;
    struct otlp_grpc_metrics *x = otelc__calloc(1, sizeof *x);
    if (!x)
        return OTELC_ENOMEM;
    x->prefs = prefs;
    int rc = otelc__otlp_grpc_base_init(&x->b, opt, "otlp/grpc metric exporter");
    if (rc == OTELC_OK)
        rc = otelc_metric_exporter_new(out, &metrics_methods, x);
    if (rc != OTELC_OK) {
        metrics_destroy(x);
        return rc;
    }
    return OTELC_OK;
}

const char *otelc_otlp_grpc_metric_exporter_last_error(const otelc_metric_exporter *e)
{
    if (!e || otelc__metric_exporter_methods(e) != &metrics_methods)
        return NULL;
    const struct otlp_grpc_metrics *x = otelc_metric_exporter_user_data(e);
    return x->b.last_error;
}
