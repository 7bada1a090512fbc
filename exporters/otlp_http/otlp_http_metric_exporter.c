/* SPDX-License-Identifier: Apache-2.0 */
/* The OTLP/HTTP metric exporter: encodes each collection (http/protobuf or http/json), splits
 * one over the request limit by metrics and then by points, and sends it on the shared
 * OTLP/HTTP transport; answers readers' temporality and aggregation questions from its
 * options. */
#include <string.h>

#include "exporters/console/otlp_json.h"
#include "exporters/otlp/otlp_env.h"
#include "exporters/otlp/otlp_metrics_split.h"
#include "exporters/otlp/otlp_proto.h"
#include "exporters/otlp_http/http_transport.h"
#include "metrics_service.pb-c.h"
#include "otelc/otlp.h"
#include "sdk/common/alloc.h"
#include "sdk/common/env.h"
#include "sdk/metrics/metric_exporter_internal.h"

static const struct otelc__http_signal metrics_signal = {
    .path = "v1/metrics",
    .env_infix = "METRICS",
    .items = "data points",
    .json_rejected = "rejectedDataPoints",
    .response =
        &opentelemetry__proto__collector__metrics__v1__export_metrics_service_response__descriptor,
};

struct otlp_http_metrics {
    struct otelc__http_transport t; /* first: the transport's functions take this pointer */
    struct otelc__metric_prefs prefs;
};

/* Options sized for the older header have no metric fields: they take the defaults. */
static int has_metric_fields(const otelc_otlp_http_exporter_options *opt)
{
    return opt->size >= sizeof *opt;
}

void otelc_otlp_http_metric_exporter_options_from_env(otelc_otlp_http_exporter_options *opt)
{
    otelc__http_options_from_env(opt, &metrics_signal);
    if (!opt || opt->size < sizeof *opt)
        return;
    otelc__otlp_env_metric_prefs(&opt->temporality_preference, &opt->histogram_aggregation);
}

/* --- sending ----------------------------------------------------------------------------- */

static int send_tree(void *ud, const otelc_resource_metrics *rm, uint64_t deadline)
{
    struct otlp_http_metrics *x = ud;
    struct otelc__http_transport *t = &x->t;
    otelc__buf_reset(&t->body);
    if (t->protocol == OTELC_OTLP_HTTP_JSON)
        otelc__otlp_json_encode_metrics(&t->body, rm);
    else
        otelc__otlp_proto_encode_metrics(&t->body, rm);
    int rc = otelc__http_transport_send(t, deadline);
    return rc == OTELC__HTTP_TOO_LARGE ? OTELC__OTLP_SPLIT_ME : rc;
}

static int too_large(void *ud, const char *what)
{
    struct otlp_http_metrics *x = ud;
    return otelc__http_transport_fail(&x->t, OTELC_EREJECTED,
                                      "%s encodes to %zu bytes, over the request limit of %llu",
                                      what, x->t.body.len,
                                      (unsigned long long)x->t.max_request);
}

/* --- methods ----------------------------------------------------------------------------- */

static int metrics_export(void *ud, const otelc_resource_metrics *rm, uint64_t deadline)
{
    struct otlp_http_metrics *x = ud;
    struct otelc__http_transport *t = &x->t;
    int rc;

    deadline = otelc__http_transport_begin(t, deadline);
    if (t->shut)
        return OTELC_ESHUTDOWN;
    if (rm->scope_count && !rm->scopes)
        return OTELC_EINVAL;
    rc = otelc__otlp_metrics_export_split(rm, send_tree, too_large, x, deadline);
    if (rc == OTELC_ENOMEM && !t->last_error[0])
        rc = otelc__http_transport_fail(t, OTELC_ENOMEM, "cannot split a request of %zu bytes: "
                                                         "out of memory", t->body.len);
    otelc__http_transport_trim(t);
    return rc;
}

static otelc_temporality metrics_temporality(void *ud, otelc_instrument_kind kind)
{
    const struct otlp_http_metrics *x = ud;
    return otelc__metric_prefs_temporality(&x->prefs, kind);
}

static otelc_aggregation metrics_aggregation(void *ud, otelc_instrument_kind kind)
{
    const struct otlp_http_metrics *x = ud;
    return otelc__metric_prefs_aggregation(&x->prefs, kind);
}

static int metrics_shutdown(void *ud, uint64_t deadline)
{
    struct otlp_http_metrics *x = ud;
    x->t.shut = 1;
    return OTELC_OK;
}

static void metrics_destroy(void *ud)
{
    struct otlp_http_metrics *x = ud;
    otelc__http_transport_fini(&x->t);
    otelc__free(x);
}

static void metrics_after_fork(void *ud)
{
    struct otlp_http_metrics *x = ud;
    otelc__http_transport_after_fork(&x->t);
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

int otelc_otlp_http_metric_exporter_new(otelc_metric_exporter **out,
                                        const otelc_otlp_http_exporter_options *opt)
{
    otelc_otlp_http_exporter_options defaults;
    struct otelc__metric_prefs prefs;
    struct otlp_http_metrics *x;
    int rc;

    if (!out)
        return OTELC_EINVAL;
    otelc_otlp_http_exporter_options_init(&defaults);
    if (!opt)
        opt = &defaults;
    if (opt->size < OTELC__OTLP_HTTP_OPTIONS_V1_SIZE)
        return OTELC_EINVAL;
    if (has_metric_fields(opt))
        defaults = *opt;
    if (otelc__metric_prefs_set(&prefs, defaults.temporality_preference,
                                defaults.histogram_aggregation, 1) != OTELC_OK)
        return OTELC_EINVAL;
    x = otelc__calloc(1, sizeof *x);
    if (!x)
        return OTELC_ENOMEM;
    x->prefs = prefs;
    rc = otelc__http_transport_init(&x->t, &metrics_signal, opt);
    if (rc != OTELC_OK) {
        otelc__free(x);
        return rc;
    }
    rc = otelc_metric_exporter_new(out, &metrics_methods, x);
    if (rc != OTELC_OK)
        metrics_destroy(x);
    return rc;
}

const char *otelc_otlp_http_metric_exporter_last_error(const otelc_metric_exporter *e)
{
    if (!e || otelc__metric_exporter_methods(e) != &metrics_methods)
        return NULL;
    const struct otlp_http_metrics *x = otelc_metric_exporter_user_data(e);
    return x->t.last_error;
}
